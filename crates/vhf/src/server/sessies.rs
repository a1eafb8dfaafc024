//! Inloggen en uitloggen, en de eerste webpagina's. Een sessie staat aan de serverkant (tabel `sessies`); het
//! cookie draagt alleen een willekeurig id. Wie de inlogpagina opent krijgt een sessie zonder gebruiker met een
//! CSRF-token voor het formulier; bij het inloggen komt er een nieuwe sessie met een nieuw id (geen session
//! fixation) en verdwijnt de oude.
//!
//! De ontwikkel-login (kies een gebruiker uit de database) bestaat alleen in ontwikkeling/demo; in productie
//! weigert de server hem, met een foutmelding in het log.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use super::AppState;
use super::fout::ApiFout;
use super::identiteit::{Identiteit, Via, form_urlencoded, geheim, sessiecookie, sha256_hex};
use super::routes::{Basis, INGELOGD, Route, Toegang};
use crate::db::toegang as db;
use crate::toegang::Gebruiker;

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            methode: "GET",
            pad: "/",
            samenvatting: "Startpagina",
            body: None,
            antwoorden: &[(200, "de pagina")],
            basis: Basis::Web,
            toegang: Toegang::Openbaar,
            handler: get(start),
        },
        Route {
            methode: "GET",
            pad: "/static/vhf.css",
            samenvatting: "Stijlblad (NL Design System-achtig: Rijksoverheid-kleuren, focusrand, leesbare maten)",
            body: None,
            antwoorden: &[(200, "CSS")],
            basis: Basis::Web,
            toegang: Toegang::Openbaar,
            handler: get(|| async {
                ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], include_str!("vhf.css"))
            }),
        },
        Route {
            methode: "GET",
            pad: "/auth/inloggen",
            samenvatting: "Inlogpagina: via de OIDC-broker (eHerkenning, rijks-SSO) en, alleen in ontwikkeling, de ontwikkel-login",
            body: None,
            antwoorden: &[(200, "de pagina")],
            basis: Basis::Web,
            toegang: Toegang::Openbaar,
            handler: get(inlogpagina),
        },
        Route {
            methode: "POST",
            pad: "/auth/ontwikkel",
            samenvatting: "Ontwikkel-login (formulier: gebruiker, _csrf); bestaat niet in productie",
            body: None,
            antwoorden: &[(303, "ingelogd"), (401, "onbekende gebruiker"), (403, "CSRF of productie"), (429, "te veel pogingen")],
            basis: Basis::Web,
            toegang: Toegang::Openbaar,
            handler: post(ontwikkel_login),
        },
        Route {
            methode: "POST",
            pad: "/auth/uitloggen",
            samenvatting: "Uitloggen (formulier met _csrf): de sessie verdwijnt aan de serverkant",
            body: None,
            antwoorden: &[(303, "uitgelogd")],
            basis: Basis::Web,
            toegang: INGELOGD,
            handler: post(uitloggen),
        },
        Route {
            methode: "GET",
            pad: "/ik",
            samenvatting: "Wie ben ik: gebruiker, rol, gemeente, en bij een sessie het CSRF-token voor wijzigingen",
            body: None,
            antwoorden: &[(200, "de gebruiker")],
            basis: Basis::Api,
            toegang: INGELOGD,
            handler: get(ik),
        },
    ]
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Een pagina in het stramien van de site: taal, titel, kop, hoofdinhoud, voet met bronvermelding.
pub fn pagina(titel: &str, inhoud: &str) -> Html<String> {
    Html(format!(
        r##"<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t} – Volkshuisvestingsfonds</title>
<link rel="stylesheet" href="/static/vhf.css">
</head>
<body>
<a class="overslaan" href="#inhoud">Naar de inhoud</a>
<header class="kop"><p class="merk">Volkshuisvestingsfonds</p></header>
<main id="inhoud">
<h1>{t}</h1>
{inhoud}
</main>
<footer class="voet"><p>Gemeentegrenzen en -codes: Kadaster / CBS.</p></footer>
</body>
</html>
"##,
        t = escape(titel)
    ))
}

/// Voor de webpagina's: een browser (Accept: text/html) krijgt een fout als Nederlandse pagina met dezelfde
/// status en koppen, in plaats van problem+json; een API-klant krijgt gewoon problem+json.
pub async fn fouten_als_pagina(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let browser = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    let r = next.run(req).await;
    let is_probleem = r.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/problem+json"));
    if !browser || !is_probleem {
        return r;
    }
    let (mut delen, body) = r.into_parts();
    let p: serde_json::Value = axum::body::to_bytes(body, 64 * 1024).await.ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    let titel = p["title"].as_str().unwrap_or("Er ging iets mis");
    let detail = p["detail"].as_str().unwrap_or("");
    let inhoud = format!("<p role=\"alert\">{}</p>\n<p><a href=\"/auth/inloggen\">Terug naar inloggen</a> · <a href=\"/\">Startpagina</a></p>", escape(detail));
    let pagina = pagina(titel, &inhoud).into_response();
    delen.headers.remove(header::CONTENT_LENGTH);
    delen.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    Response::from_parts(delen, pagina.into_body())
}

fn beschrijf(g: &Gebruiker) -> String {
    match g.gemeente {
        Some(gm) => format!("{} ({}, {})", g.naam, g.rol, vhf_core::referentie::Referentie::ingebouwd().gemeentenaam(gm)),
        None => format!("{} ({})", g.naam, g.rol),
    }
}

async fn start(ident: Identiteit) -> Response {
    let inhoud = match (&ident.gebruiker, &ident.via) {
        (Some(g), Via::Sessie { csrf, .. }) => format!(
            r#"<p>U bent ingelogd als {}.</p>
<form method="post" action="/auth/uitloggen"><input type="hidden" name="_csrf" value="{}"><button type="submit">Uitloggen</button></form>"#,
            escape(&beschrijf(g)),
            escape(csrf)
        ),
        (Some(g), _) => format!("<p>Verzoek met een API-token van {}.</p>", escape(&beschrijf(g))),
        (None, _) => {
            let verlopen = if ident.verlopen { "<p role=\"status\">Uw sessie is verlopen. Log opnieuw in.</p>\n" } else { "" };
            format!(
                "{verlopen}<p>Gemeenten dienen hier hun aanvraag in; RVO, de commissie en het ministerie behandelen ze.</p>\n<p><a href=\"/auth/inloggen\">Inloggen</a></p>"
            )
        }
    };
    pagina("Volkshuisvestingsfonds", &inhoud).into_response()
}

/// Hoeveel voorsessies één adres per venster mag maken: genoeg voor een kantoor achter één NAT-adres, te weinig
/// om de sessietabel vol te schrijven.
const MAX_VOORSESSIES: i64 = 300;

/// Een sessie zonder gebruiker, voor het inlogformulier en de OIDC-state. Per adres begrensd.
pub async fn nieuwe_voorsessie(s: &AppState, adres: std::net::IpAddr) -> Result<(String, String, String), ApiFout> {
    let sleutel = format!("voorsessie:{adres}");
    let nu = (s.klok)().as_microsecond();
    {
        let mut c = s.db.lees().await?;
        if db::pogingen(&mut c, &sleutel, nu - s.sessiebeleid.pogingen_venster.as_micros() as i64).await? >= MAX_VOORSESSIES {
            tracing::warn!(%adres, "te veel nieuwe sessies van één adres");
            return Err(ApiFout::TeVeelPogingen(s.sessiebeleid.pogingen_venster.as_secs()));
        }
    }
    let (id, csrf) = (geheim(), geheim());
    let hash = sha256_hex(&id);
    let mut tx = s.db.schrijf().await?;
    db::maak_sessie(&mut tx, &hash, None, &csrf, nu).await?;
    db::voeg_poging_toe(&mut tx, &sleutel, nu).await?;
    tx.commit().await?;
    Ok((id, hash, csrf))
}

async fn inlogpagina(State(s): State<AppState>, ident: Identiteit) -> Result<Response, ApiFout> {
    // Bestaande (voor)sessie houden; anders een nieuwe, met cookie.
    let (cookie, csrf) = match &ident.via {
        Via::Sessie { csrf, .. } => (None, csrf.clone()),
        _ => {
            let (id, _, csrf) = nieuwe_voorsessie(&s, ident.adres).await?;
            (Some(id), csrf)
        }
    };
    let mut inhoud = String::new();
    if let Some(g) = &ident.gebruiker {
        inhoud.push_str(&format!("<p>U bent al ingelogd als {}.</p>\n", escape(&beschrijf(g))));
    }
    if s.oidc.is_some() {
        inhoud.push_str("<p><a class=\"knop\" href=\"/auth/oidc/start\">Inloggen met eHerkenning of de rijksinlog</a></p>\n");
    }
    if s.ontwikkel_login {
        let mut c = s.db.lees().await?;
        let opties: String = db::lijst(&mut c)
            .await?
            .iter()
            .map(|g| format!("<option value=\"{}\">{}</option>", escape(&g.id), escape(&beschrijf(g))))
            .collect::<Vec<_>>()
            .join("\n");
        inhoud.push_str(&format!(
            r#"<section aria-labelledby="ontwikkel"><h2 id="ontwikkel">Ontwikkel-login</h2>
<p>Alleen in ontwikkeling en demo: kies een gebruiker. In productie bestaat dit niet.</p>
<form method="post" action="/auth/ontwikkel">
<input type="hidden" name="_csrf" value="{}">
<label for="gebruiker">Gebruiker</label>
<select id="gebruiker" name="gebruiker" required>
{opties}
</select>
<button type="submit">Inloggen</button>
</form></section>"#,
            escape(&csrf)
        ));
    }
    if s.oidc.is_none() && !s.ontwikkel_login {
        inhoud.push_str("<p>Er is geen inlogmethode ingesteld. Neem contact op met de beheerder.</p>");
    }
    let mut r = pagina("Inloggen", &inhoud).into_response();
    if let Some(id) = cookie {
        r.headers_mut().insert(header::SET_COOKIE, sessiecookie(Some(&id)));
    }
    Ok(r)
}

/// Remt inlogpogingen: hoogstens `max_pogingen` mislukte per sleutel binnen het venster.
pub async fn rem(s: &AppState, sleutel: &str) -> Result<(), ApiFout> {
    let b = &s.sessiebeleid;
    let nu = (s.klok)().as_microsecond();
    let mut c = s.db.lees().await?;
    let n = db::pogingen(&mut c, sleutel, nu - b.pogingen_venster.as_micros() as i64).await?;
    if n >= b.max_pogingen {
        tracing::warn!(sleutel, pogingen = n, "inloggen geremd na te veel mislukte pogingen");
        return Err(ApiFout::TeVeelPogingen(b.pogingen_venster.as_secs()));
    }
    Ok(())
}

/// Een mislukte inlogpoging: telt mee voor het remmen en staat in het audittrail (wie, vanaf welk adres, waarom).
/// Na het remmen worden pogingen niet meer vastgelegd, zodat een aanval het trail niet kan volschrijven.
pub async fn mislukt(s: &AppState, ident: &Identiteit, sleutel: &str, reden: &str) -> Result<(), ApiFout> {
    let nu = (s.klok)().as_microsecond();
    let mut tx = s.db.schrijf().await?;
    db::voeg_poging_toe(&mut tx, sleutel, nu).await?;
    ident.leg_vast(&mut tx, nu, "inloggen.mislukt", sleutel.to_string(), None, None, Some(json!({ "reden": reden }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Inloggen afronden: de oude sessie weg, een nieuwe met nieuw id en nieuw CSRF-token, een auditregel, en door
/// naar de startpagina.
pub async fn log_in(s: &AppState, ident: &Identiteit, g: &Gebruiker, hoe: &str, pogingsleutel: &str) -> Result<Response, ApiFout> {
    let (id, csrf) = (geheim(), geheim());
    let nu = (s.klok)().as_microsecond();
    let mut tx = s.db.schrijf().await?;
    if let Some(oud) = ident.sessie() {
        db::verwijder_sessie(&mut tx, oud).await?;
    }
    db::maak_sessie(&mut tx, &sha256_hex(&id), Some(g), &csrf, nu).await?;
    db::wis_pogingen(&mut tx, pogingsleutel).await?;
    let als = Identiteit { gebruiker: Some(g.clone()), ..ident.clone() };
    als.leg_vast(&mut tx, nu, "sessie.ingelogd", format!("gebruiker/{}", g.id), None, None, Some(json!({ "via": hoe }))).await?;
    tx.commit().await?;
    tracing::info!(gebruiker = %g.id, rol = %g.rol, via = hoe, "ingelogd");
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/"))]).into_response();
    r.headers_mut().insert(header::SET_COOKIE, sessiecookie(Some(&id)));
    Ok(r)
}

async fn ontwikkel_login(State(s): State<AppState>, ident: Identiteit, body: String) -> Result<Response, ApiFout> {
    if !s.ontwikkel_login {
        tracing::error!("ontwikkel-login geprobeerd terwijl die uit staat (productie): geweigerd");
        return Err(ApiFout::GeenRecht("De ontwikkel-login bestaat niet in deze omgeving (productie). Log in via eHerkenning of de rijksinlog.".into()));
    }
    // De middleware heeft het CSRF-token al gecontroleerd als er een sessie is; zonder sessie is er niets te controleren.
    if ident.sessie().is_none() {
        return Err(ApiFout::GeenRecht("Open eerst de inlogpagina: het formulier heeft een CSRF-token nodig.".into()));
    }
    let sleutel = format!("inloggen:{}", ident.adres);
    rem(&s, &sleutel).await?;
    let velden = form_urlencoded(body.as_bytes());
    let gekozen = velden.iter().find(|(k, _)| k == "gebruiker").map(|(_, v)| v.clone()).unwrap_or_default();
    let g = {
        let mut c = s.db.lees().await?;
        db::haal(&mut c, &gekozen).await?
    };
    let Some(g) = g else {
        mislukt(&s, &ident, &sleutel, &format!("onbekende of inactieve gebruiker '{gekozen}'")).await?;
        return Err(ApiFout::NietIngelogdMet("Deze gebruiker bestaat niet of is niet actief.".into()));
    };
    log_in(&s, &ident, &g, "ontwikkel-login", &sleutel).await
}

async fn uitloggen(State(s): State<AppState>, ident: Identiteit) -> Result<Response, ApiFout> {
    let Some(hash) = ident.sessie() else {
        return Err(ApiFout::Ongeldig { detail: "Uitloggen gaat over een sessie; een API-token trekt de beheerder in.".into(), velden: vec![] });
    };
    let nu = (s.klok)().as_microsecond();
    let mut tx = s.db.schrijf().await?;
    db::verwijder_sessie(&mut tx, hash).await?;
    let g = ident.gebruiker()?;
    ident.leg_vast(&mut tx, nu, "sessie.uitgelogd", format!("gebruiker/{}", g.id), None, None, None).await?;
    tx.commit().await?;
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/"))]).into_response();
    r.headers_mut().insert(header::SET_COOKIE, sessiecookie(None));
    Ok(r)
}

async fn ik(ident: Identiteit) -> Result<Response, ApiFout> {
    let g = ident.gebruiker()?;
    let csrf = match &ident.via {
        Via::Sessie { csrf, .. } => Some(csrf.clone()),
        _ => None,
    };
    Ok(Json(json!({ "id": g.id, "naam": g.naam, "rol": g.rol.code(), "gemeente": g.gemeente.map(|x| x.to_string()), "csrf": csrf })).into_response())
}
