//! Het kader van elke pagina: wie er is ingelogd en in welke rol, het menu van die rol, het CSRF-token voor de
//! formulieren en, als de klok van de server verzet is (demo, tijdreis), welke tijd hij aanhoudt. Plus het
//! renderen van een sjabloon en de Nederlandse foutpagina's voor een browser.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::server::AppState;
use crate::server::identiteit::{Identiteit, Via};
use crate::toegang::{Gebruiker, Rol};

/// Een punt in het hoofdmenu.
pub struct Menupunt {
    pub href: &'static str,
    pub tekst: &'static str,
    pub huidig: bool,
}

/// Wat elke pagina bovenaan en onderaan toont; elk sjabloon heeft een veld `kader`.
pub struct Kader {
    pub titel: String,
    /// "Jan de Vries" en "aanvrager, gemeente Zaanstad", als er iemand is ingelogd.
    pub gebruiker: Option<(String, String)>,
    /// Het CSRF-token van de sessie, voor elk formulier dat iets wijzigt (veld `_csrf`).
    pub csrf: String,
    pub menu: Vec<Menupunt>,
    /// "17-05-2021 10:00" als de klok van de server meer dan een minuut van de echte tijd afwijkt.
    pub klok: Option<String>,
    /// De kaart staat op de pagina: dan hoort de bronvermelding van Kadaster / CBS in de voet.
    pub met_kaart: bool,
}

/// De rol in woorden, met de gemeente als die er is.
pub fn rol_en_gemeente(g: &Gebruiker) -> String {
    let rol = match g.rol {
        Rol::Aanvrager => "aanvrager",
        Rol::Behandelaar => "behandelaar",
        Rol::Commissielid => "lid van de beoordelingscommissie",
        Rol::Beslisser => "beslisser (ministerie)",
        Rol::Auditor => "auditor",
        Rol::Beheerder => "beheerder",
        Rol::Adviseur => "onafhankelijk adviseur",
    };
    match g.gemeente {
        Some(gm) => format!("{rol}, gemeente {}", vhf_core::referentie::Referentie::ingebouwd().gemeentenaam(gm)),
        None => rol.to_string(),
    }
}

/// Een pagina in het routeregister: een GET die de pagina geeft, of een POST die na het gelukte werk met 303 naar
/// een GET-pagina gaat (zodat de terugknop niets opnieuw verstuurt).
pub fn route(
    methode: &'static str,
    pad: &'static str,
    samenvatting: &'static str,
    toegang: crate::server::routes::Toegang,
    handler: axum::routing::MethodRouter<AppState>,
) -> crate::server::routes::Route {
    crate::server::routes::Route {
        methode,
        pad,
        samenvatting,
        body: None,
        antwoorden: &[(200, "de pagina"), (303, "gedaan, door naar de volgende pagina")],
        basis: crate::server::routes::Basis::Web,
        toegang,
        handler,
    }
}

/// De ronde die een pagina zonder `?ronde=` toont: de laatste ingebouwde ronde waarvan het loket op dit moment al
/// open is gegaan (anders de eerste). Uit de gegevens van de rondes, nooit een vaste naam in de code.
pub fn huidige_ronde(nu: jiff::Timestamp) -> String {
    use vhf_core::regeling::Ronde;
    Ronde::ingebouwd()
        .iter()
        .rev()
        .find(|r| *r.parameters_op(nu).loket_open.waarde <= r.lokaal(nu).datetime())
        .or(Ronde::ingebouwd().first())
        .map(|r| r.id.clone())
        .unwrap_or_default()
}

/// Waar een rol na het inloggen begint: zijn werk, of het dashboard.
pub fn startpagina(rol: Rol) -> &'static str {
    match rol {
        Rol::Aanvrager => "/aanvragen",
        Rol::Behandelaar => "/behandeling",
        Rol::Commissielid => "/beoordeling",
        Rol::Beslisser => "/verdeling",
        Rol::Beheerder => "/beheer",
        Rol::Adviseur => "/ondersteuning",
        _ => "/",
    }
}

/// Het menu: het dashboard voor iedereen, daarna het werk van de rol. Alleen pagina's die bestaan.
fn menu(rol: Option<Rol>, pad: &str) -> Vec<Menupunt> {
    let mut v: Vec<(&'static str, &'static str)> = vec![("/", "Dashboard")];
    match rol {
        Some(Rol::Aanvrager) => {
            v.extend([("/aanvragen", "Mijn aanvragen"), ("/besluiten", "Besluiten"), ("/uitvoering", "Uitvoering"), ("/ondersteuning", "Ondersteuning")])
        }
        Some(Rol::Behandelaar) => {
            v.extend([("/behandeling", "Werkvoorraad"), ("/besluiten", "Besluiten"), ("/uitvoering", "Uitvoering"), ("/ondersteuning", "Ondersteuning")])
        }
        Some(Rol::Commissielid) => v.push(("/beoordeling", "Beoordelen")),
        Some(Rol::Beslisser) => v.extend([
            ("/verdeling", "Verdeling"),
            ("/besluiten", "Besluiten"),
            ("/uitvoering", "Uitvoering"),
            ("/ondersteuning", "Ondersteuning"),
            ("/behandeling", "Aanvragen"),
        ]),
        Some(Rol::Auditor) => v.extend([
            ("/behandeling", "Aanvragen"),
            ("/verdeling", "Verdeling"),
            ("/besluiten", "Besluiten"),
            ("/uitvoering", "Uitvoering"),
            ("/ondersteuning", "Ondersteuning"),
            ("/beheer", "Beheer"),
        ]),
        Some(Rol::Beheerder) => v.push(("/beheer", "Beheer")),
        Some(Rol::Adviseur) => v.push(("/ondersteuning", "Mijn verzoeken")),
        _ => {}
    }
    v.into_iter().map(|(href, tekst)| Menupunt { href, tekst, huidig: pad == href || (href != "/" && pad.starts_with(&format!("{href}/"))) }).collect()
}

impl Kader {
    pub fn nieuw(s: &AppState, ident: &Identiteit, titel: impl Into<String>, pad: &str) -> Kader {
        let nu = (s.klok)();
        let verschil = (nu.as_second() - jiff::Timestamp::now().as_second()).abs();
        let klok = (verschil > 60).then(|| lokaal(nu));
        let csrf = match &ident.via {
            Via::Sessie { csrf, .. } => csrf.clone(),
            _ => String::new(),
        };
        Kader {
            titel: titel.into(),
            gebruiker: ident.gebruiker.as_ref().map(|g| (g.naam.clone(), rol_en_gemeente(g))),
            csrf,
            menu: menu(ident.gebruiker.as_ref().map(|g| g.rol), pad),
            klok,
            met_kaart: false,
        }
    }
}

/// Een moment in Nederlandse tijd, zoals op de pagina's: `17-05-2021 10:00`.
pub fn lokaal(t: jiff::Timestamp) -> String {
    t.to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or(jiff::tz::TimeZone::UTC)).strftime("%d-%m-%Y %H:%M").to_string()
}

/// Een bedrag voor de pagina: `€ 1.250.000,00`.
pub fn euro(centen: i64) -> String {
    vhf_core::geld::Bedrag::centen(centen).to_string()
}

/// Een geheel getal met punten per duizendtal: `12.345`.
pub fn getal(n: u64) -> String {
    let s = n.to_string();
    let mut uit = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            uit.push('.');
        }
        uit.push(c);
    }
    uit
}

/// Rendert een sjabloon als HTML-antwoord met deze status.
pub fn html(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(tekst) => (status, [(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], tekst).into_response(),
        Err(e) => {
            tracing::error!("sjabloon renderen mislukt: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))],
                "Er ging iets mis bij het maken van deze pagina.",
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "fout.html")]
pub struct Foutpagina {
    pub kader: Kader,
    pub status: u16,
    pub uitleg: String,
    /// Niet ingelogd of sessie verlopen: dan een knop naar de inlogpagina.
    pub inloggen: bool,
}

/// Een kader zonder gebruiker (voor een fout buiten een route, zoals een onbekend adres).
pub fn kaal_kader(titel: &str) -> Kader {
    Kader { titel: titel.into(), gebruiker: None, csrf: String::new(), menu: menu(None, ""), klok: None, met_kaart: false }
}

/// Voor een browser (Accept: text/html) wordt een fout van een pagina een Nederlandse foutpagina met dezelfde
/// status en koppen, in plaats van problem+json; een API-klant krijgt gewoon problem+json.
pub async fn fouten_als_pagina(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let browser = wil_html(req.headers());
    let ident = req.extensions().get::<Identiteit>().cloned();
    let r = next.run(req).await;
    let is_probleem = r.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/problem+json"));
    if !browser || !is_probleem {
        return r;
    }
    let (mut delen, body) = r.into_parts();
    let p: serde_json::Value = axum::body::to_bytes(body, 64 * 1024).await.ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    let titel = p["title"].as_str().unwrap_or("Er ging iets mis");
    let mut kader = kaal_kader(titel);
    if let Some(i) = &ident {
        kader.gebruiker = i.gebruiker.as_ref().map(|g| (g.naam.clone(), rol_en_gemeente(g)));
        kader.menu = menu(i.gebruiker.as_ref().map(|g| g.rol), "");
        if let Via::Sessie { csrf, .. } = &i.via {
            kader.csrf = csrf.clone();
        }
    }
    let status = delen.status;
    let pagina =
        Foutpagina { kader, status: status.as_u16(), uitleg: p["detail"].as_str().unwrap_or("").to_string(), inloggen: status == StatusCode::UNAUTHORIZED };
    let nieuw = html(status, &pagina);
    delen.headers.remove(header::CONTENT_LENGTH);
    delen.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    Response::from_parts(delen, nieuw.into_body())
}

/// Vraagt de klant om HTML (een browser)?
pub fn wil_html(h: &axum::http::HeaderMap) -> bool {
    h.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

/// Een adres dat geen route is: voor een browser een Nederlandse pagina, voor de API problem+json.
pub async fn onbekend_adres(req: axum::extract::Request) -> Response {
    if wil_html(req.headers()) && !req.uri().path().starts_with("/api/") {
        let pagina = Foutpagina {
            kader: kaal_kader("Pagina niet gevonden"),
            status: 404,
            uitleg: "Deze pagina bestaat niet (meer), of u heeft er geen toegang toe. Controleer het adres, of ga naar het dashboard.".into(),
            inloggen: false,
        };
        return html(StatusCode::NOT_FOUND, &pagina);
    }
    crate::server::fout::ApiFout::NietGevonden.into_response()
}
