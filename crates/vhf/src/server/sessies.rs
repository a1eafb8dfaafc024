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
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use super::AppState;
use super::fout::ApiFout;
use super::identiteit::{Identiteit, Via, form_urlencoded, geheim, sessiecookie};
use super::routes::{Basis, INGELOGD, Route, Toegang};
use crate::db::toegang as db;
use crate::toegang::Gebruiker;

pub fn routes() -> Vec<Route> {
    vec![
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
    let hash = vhf_core::levensloop::sha256_hex(id.as_bytes());
    let mut tx = s.db.schrijf().await?;
    db::maak_sessie(&mut tx, &hash, None, &csrf, nu).await?;
    db::voeg_poging_toe(&mut tx, &sleutel, nu).await?;
    tx.commit().await?;
    Ok((id, hash, csrf))
}

#[derive(askama::Template)]
#[template(path = "inloggen.html")]
struct Inlogpagina {
    kader: crate::web::pagina::Kader,
    oidc: bool,
    /// (id, "naam (rol, gemeente)") van elke actieve gebruiker, alleen als de ontwikkel-login aan staat.
    ontwikkel: Option<Vec<(String, String)>>,
    verlopen: bool,
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
    let ontwikkel = if s.ontwikkel_login {
        let mut c = s.db.lees().await?;
        Some(db::lijst(&mut c).await?.iter().map(|g| (g.id.clone(), format!("{} ({})", g.naam, crate::web::pagina::rol_en_gemeente(g)))).collect())
    } else {
        None
    };
    let mut kader = crate::web::pagina::Kader::nieuw(&s, &ident, "Inloggen", "/auth/inloggen");
    kader.csrf = csrf;
    let pagina = Inlogpagina { kader, oidc: s.oidc.is_some(), ontwikkel, verlopen: ident.verlopen };
    let mut r = crate::web::pagina::html(StatusCode::OK, &pagina);
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
    db::maak_sessie(&mut tx, &vhf_core::levensloop::sha256_hex(id.as_bytes()), Some(g), &csrf, nu).await?;
    db::wis_pogingen(&mut tx, pogingsleutel).await?;
    let als = Identiteit { gebruiker: Some(g.clone()), ..ident.clone() };
    als.leg_vast(&mut tx, nu, "sessie.ingelogd", format!("gebruiker/{}", g.id), None, None, Some(json!({ "via": hoe }))).await?;
    tx.commit().await?;
    tracing::info!(gebruiker = %g.id, rol = %g.rol, via = hoe, "ingelogd");
    // Door naar het werk van de rol.
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static(crate::web::pagina::startpagina(g.rol)))]).into_response();
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
