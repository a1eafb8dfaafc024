//! De beheerder: gebruikers met rol en gemeente, de rolverzoeken (vier ogen: een tweede, andere beheerder keurt
//! goed of wijst af, via dezelfde code als de API in `server/beheer.rs`), en per ronde de gedateerde
//! parameterwijzigingen met bron en reden; formulieren voor een gebruiker (nieuw, of een andere rol: dan een
//! rolverzoek), een token voor een koppeling (één keer getoond) en een parameterwijziging. Elk formulier roept
//! de handler van de API aan (`server/beheer.rs`, `server/rondes.rs`): dezelfde controles, vier ogen en
//! audittrail; een weigering komt als Nederlandse melding bij het veld.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use vhf_core::regeling::Ronde;

use super::aanvragen::naar;
use super::formulier::Formulier;
use super::pagina::{Kader, html, lokaal, rol_en_gemeente};
use crate::server::AppState;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;
use crate::server::routes::{Auditor, Beheerder, Route, Toegang};

pub fn routes() -> Vec<Route> {
    let r = super::pagina::route;
    vec![
        r(
            "GET",
            "/beheer",
            "Gebruikers, rolverzoeken (vier ogen) en de parameterwijzigingen per ronde",
            Toegang::Rollen(&[Beheerder, Auditor]),
            get(overzicht),
        ),
        r(
            "POST",
            "/beheer/gebruikers",
            "Een gebruiker opslaan (formulier: id, naam, rol, gemeente); een andere rol of gemeente wordt een rolverzoek (vier ogen)",
            Toegang::Rollen(&[Beheerder]),
            axum::routing::post(gebruiker),
        ),
        r(
            "POST",
            "/beheer/tokens",
            "Een API-token voor een koppeling maken (formulier: gebruiker, reikwijdte, omschrijving, geldig_dagen); het token wordt één keer getoond",
            Toegang::Rollen(&[Beheerder]),
            axum::routing::post(token),
        ),
        r(
            "POST",
            "/beheer/parameterwijzigingen",
            "Een gedateerde parameterwijziging van een ronde (formulier: ronde, parameter, vanaf, waarde, bron, toelichting)",
            Toegang::Rollen(&[Beheerder]),
            axum::routing::post(parameterwijziging),
        ),
        r(
            "POST",
            "/beheer/rolverzoeken/{id}",
            "Een rolverzoek goedkeuren of afwijzen (formulier: besluit, reden) door een tweede beheerder",
            Toegang::Rollen(&[Beheerder]),
            axum::routing::post(besluit),
        ),
    ]
}

/// Eén parameterwijziging om te tonen: (parameter, waarde en datum, bron, reden, door).
type Wijzigingsregel = (String, String, String, String, String);

#[derive(Template)]
#[template(path = "beheer/overzicht.html")]
struct Overzicht {
    kader: Kader,
    gebruikers: Vec<(String, String, String)>,
    paginering: super::aanvragen::Paginering,
    verzoeken: Vec<(String, String, String, String, String)>,
    rondes: Vec<(String, Vec<Wijzigingsregel>)>,
    beheerder: bool,
    sleutel: String,
    f: Formulier,
    melding: Option<String>,
    /// Voor de keuzelijsten: rollen, rondes (id, naam), parameters (naam, omschrijving).
    rollen: Vec<(&'static str, String)>,
    rondekeuze: Vec<(String, String)>,
    parameters: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "beheer/token.html")]
struct Tokenpagina {
    kader: Kader,
    token: Option<String>,
    id: String,
    gebruiker: String,
    rol: String,
    reikwijdte: String,
    verloopt: String,
}

#[derive(serde::Deserialize)]
struct Melding {
    opgeslagen: Option<String>,
    pagina: Option<i64>,
}

/// Gebruikers per pagina op /beheer.
const PER_PAGINA: i64 = 50;

async fn overzicht(State(s): State<AppState>, ident: Identiteit, Query(m): Query<Melding>) -> Result<Response, ApiFout> {
    let melding = m.opgeslagen.map(|w| match w.as_str() {
        "gebruiker" => "De gebruiker is opgeslagen en vastgelegd in het audittrail.".to_string(),
        "verzoek" => "De nieuwe rol of gemeente is een rolverzoek geworden: een tweede beheerder keurt het goed of wijst het af.".to_string(),
        "parameter" => {
            "De parameterwijziging is vastgelegd, met bron; de bevindingen van de ingediende aanvragen waarvoor zij geldt zijn herberekend.".to_string()
        }
        _ => "Opgeslagen.".to_string(),
    });
    let mut p = overzichtpagina(&s, &ident, Formulier::default(), m.pagina.unwrap_or(1).clamp(1, 1_000_000)).await?;
    p.melding = melding;
    Ok(html(StatusCode::OK, &p))
}

async fn overzichtpagina(s: &AppState, ident: &Identiteit, f: Formulier, pagina: i64) -> Result<Overzicht, ApiFout> {
    let mut c = s.db.lees().await?;
    let (lijst, totaal) = crate::db::toegang::pagina(&mut c, pagina, PER_PAGINA).await?;
    let gebruikers = lijst.iter().map(|g| (g.id.clone(), g.naam.clone(), rol_en_gemeente(g))).collect();
    let paginering = super::aanvragen::Paginering { pagina, paginas: (totaal + PER_PAGINA - 1) / PER_PAGINA, totaal, basis: "/beheer?".into() };
    let verzoeken = crate::db::toegang::rolverzoeken(&mut c, true)
        .await?
        .into_iter()
        .map(|v| {
            let van = v
                .vorige_rol
                .clone()
                .map(|r| format!("{r}{}", v.vorige_gemeente.as_deref().map(|g| format!(", {g}")).unwrap_or_default()))
                .unwrap_or_else(|| "nieuw".into());
            let naar = format!("{}{}", v.rol, v.gemeente.as_deref().map(|g| format!(", {g}")).unwrap_or_default());
            (
                v.id,
                format!("{} ({})", v.naam, v.gebruiker),
                format!("{van} → {naar}"),
                v.aangevraagd_door,
                lokaal(jiff::Timestamp::from_microsecond(v.aangevraagd_op).unwrap_or_default()),
            )
        })
        .collect();
    let mut rondes = Vec::new();
    for r in Ronde::ingebouwd() {
        let w = crate::db::rondes::wijzigingen(&mut c, &r.id)
            .await?
            .into_iter()
            .map(|w| {
                let waarde = match &w.wijziging.waarde {
                    serde_json::Value::String(x) => x.clone(),
                    v => v.to_string(),
                };
                (
                    w.parameter,
                    format!("{} vanaf {}", waarde, w.wijziging.vanaf.strftime("%d-%m-%Y")),
                    w.wijziging.bron,
                    w.wijziging.toelichting.unwrap_or_default(),
                    w.door,
                )
            })
            .collect();
        rondes.push((r.naam.clone(), w));
    }
    Ok(Overzicht {
        kader: Kader::nieuw(s, ident, "Beheer", "/beheer"),
        gebruikers,
        paginering,
        verzoeken,
        rondes,
        beheerder: ident.gebruiker()?.rol == crate::toegang::Rol::Beheerder,
        sleutel: crate::server::identiteit::geheim(),
        f,
        melding: None,
        rollen: crate::toegang::Rol::ALLE.iter().map(|r| (r.code(), r.to_string())).collect(),
        rondekeuze: Ronde::ingebouwd().iter().map(|r| (r.id.clone(), r.naam.clone())).collect(),
        parameters: vhf_core::regeling::ParameterNaam::ALLE.iter().map(|p| (p.naam(), p.omschrijving())).collect(),
    })
}

/// Het antwoord van een API-handler als (status, JSON).
async fn als_json(r: Response) -> Result<(StatusCode, serde_json::Value), ApiFout> {
    let status = r.status();
    let b = axum::body::to_bytes(r.into_body(), 1 << 20).await.map_err(|e| ApiFout::Intern(e.to_string()))?;
    Ok((status, serde_json::from_slice(&b).unwrap_or_default()))
}

/// Een weigering van de handler als melding bij het veld; anders de fout zelf (foutpagina).
fn bij_veld(f: &mut Formulier, veld: &str, e: ApiFout) -> Result<(), ApiFout> {
    match e {
        ApiFout::Ongeldig { detail, .. } | ApiFout::Conflict(detail) | ApiFout::GeenRecht(detail) => f.fout(veld, detail),
        ApiFout::NietGevonden => f.fout(veld, "Deze gebruiker bestaat niet."),
        e => return Err(e),
    }
    Ok(())
}

async fn opnieuw(s: &AppState, ident: &Identiteit, f: Formulier) -> Result<Response, ApiFout> {
    let p = overzichtpagina(s, ident, f, 1).await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &p))
}

/// Een gebruiker opslaan via `PUT /gebruikers/{id}`: een nieuwe aanvrager of behandelaar direct, een andere rol
/// of gemeente (of een nieuwe gebruiker met een andere rol) als rolverzoek voor een tweede beheerder.
async fn gebruiker(State(s): State<AppState>, ident: Identiteit, body: String) -> Result<Response, ApiFout> {
    let mut f = Formulier::uit_body(body.as_bytes());
    let id = f.w("g_id").to_string();
    if id.is_empty() {
        f.fout("g_id", "Vul de gebruikersnaam (id) in, bijvoorbeeld zaanstad-jansen.");
    }
    if f.w("g_naam").is_empty() {
        f.fout("g_naam", "Vul de naam van de gebruiker in.");
    }
    if !f.fouten.is_empty() {
        return opnieuw(&s, &ident, f).await;
    }
    let gemeente = Some(f.w("g_gemeente").to_uppercase()).filter(|g| !g.is_empty());
    let body = serde_json::json!({ "naam": f.w("g_naam"), "rol": f.w("g_rol"), "gemeente": gemeente }).to_string();
    match crate::server::beheer::sla_gebruiker_op(State(s.clone()), ident.clone(), Path(id), body).await {
        Ok(r) if r.status() == StatusCode::ACCEPTED => Ok(naar("/beheer?opgeslagen=verzoek")),
        Ok(_) => Ok(naar("/beheer?opgeslagen=gebruiker")),
        Err(e) => {
            bij_veld(&mut f, "g_rol", e)?;
            opnieuw(&s, &ident, f).await
        }
    }
}

/// Een token voor een koppeling: één keer getoond, op deze pagina (nooit in een adres of log), met `no-store`.
/// Een tweede keer versturen (terugknop, vernieuwen) maakt geen tweede token: de sleutel van het formulier is
/// dan al gebruikt en de pagina zegt dat het token al getoond is.
async fn token(State(s): State<AppState>, ident: Identiteit, body: String) -> Result<Response, ApiFout> {
    let mut f = Formulier::uit_body(body.as_bytes());
    let gebruiker = f.w("t_gebruiker").to_string();
    let sleutel = Some(f.w("_sleutel").to_string()).filter(|k| !k.is_empty());
    let route = format!("POST /gebruikers/{gebruiker}/tokens");
    let v = crate::handelingen::Verzoek::nieuw(&s, &ident, sleutel, route, body.clone())?;
    if let Some(h) = v.al_beantwoord().await? {
        return Ok(tokenpagina(&s, &ident, None, &h.antwoord));
    }
    let dagen = f.w("t_dagen").parse::<i64>().unwrap_or(90);
    let verzoek = serde_json::json!({ "reikwijdte": f.w("t_reikwijdte"), "omschrijving": f.w("t_omschrijving"), "geldig_dagen": dagen }).to_string();
    match crate::server::beheer::maak_token(State(s.clone()), ident.clone(), Path(gebruiker.clone()), HeaderMap::new(), verzoek).await {
        Ok(r) => {
            let (_, mut j) = als_json(r).await?;
            let token = j.as_object_mut().and_then(|o| o.remove("token")).and_then(|t| t.as_str().map(String::from));
            // Het antwoord zonder het token zelf bij de sleutel, zodat een herhaling weet dat het al gebeurde.
            match v.begin().await {
                Ok((tx, k)) => crate::handelingen::afronden(tx, k, 201, &j).await?,
                Err(ApiFout::Herhaald(_)) => {}
                Err(e) => return Err(e),
            }
            Ok(tokenpagina(&s, &ident, token, &j))
        }
        Err(e) => {
            let veld = if matches!(e, ApiFout::Ongeldig { .. }) { "t_omschrijving" } else { "t_gebruiker" };
            bij_veld(&mut f, veld, e)?;
            opnieuw(&s, &ident, f).await
        }
    }
}

fn tokenpagina(s: &AppState, ident: &Identiteit, token: Option<String>, j: &serde_json::Value) -> Response {
    let t = |k: &str| j[k].as_str().unwrap_or("").to_string();
    let p = Tokenpagina {
        kader: Kader::nieuw(s, ident, "Token gemaakt", "/beheer"),
        token,
        id: t("id"),
        gebruiker: t("gebruiker"),
        rol: t("rol"),
        reikwijdte: t("reikwijdte"),
        verloopt: j["verloopt_op"].as_str().and_then(|x| x.parse::<jiff::Timestamp>().ok()).map(lokaal).unwrap_or_default(),
    };
    let mut r = html(StatusCode::OK, &p);
    r.headers_mut().insert(axum::http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Een parameterwijziging via `POST /rondes/{id}/parameterwijzigingen`: dezelfde controle van de waarde, de
/// bron verplicht, de herberekening van de bevindingen en het audittrail. De waarde is tekst zoals in
/// `data/rondes/` (bedragen als "450000000.00", momenten als "2021-05-19T17:00"); een lijst of object als JSON.
async fn parameterwijziging(State(s): State<AppState>, ident: Identiteit, body: String) -> Result<Response, ApiFout> {
    let mut f = Formulier::uit_body(body.as_bytes());
    for (veld, melding) in [
        ("p_vanaf", "Vul de datum in vanaf wanneer de wijziging geldt (jjjj-mm-dd)."),
        ("p_waarde", "Vul de nieuwe waarde in."),
        ("p_bron", "Vul de bron in (Staatscourant, besluit); zonder bron geen wijziging."),
    ] {
        if f.w(veld).is_empty() {
            f.fout(veld, melding);
        }
    }
    let vanaf = f.w("p_vanaf").parse::<jiff::civil::Date>();
    if vanaf.is_err() && !f.w("p_vanaf").is_empty() {
        f.fout("p_vanaf", "Een datum als jjjj-mm-dd, bijvoorbeeld 2021-05-17.");
    }
    if !f.fouten.is_empty() {
        return opnieuw(&s, &ident, f).await;
    }
    let tekst = f.w("p_waarde");
    let waarde = match serde_json::from_str::<serde_json::Value>(tekst) {
        Ok(v @ (serde_json::Value::Array(_) | serde_json::Value::Object(_) | serde_json::Value::Bool(_))) => v,
        _ => serde_json::Value::String(tekst.to_string()),
    };
    let toelichting = Some(f.w("p_toelichting").to_string()).filter(|t| !t.is_empty());
    let verzoek =
        serde_json::json!({ "parameter": f.w("p_parameter"), "vanaf": f.w("p_vanaf"), "waarde": waarde, "bron": f.w("p_bron"), "toelichting": toelichting })
            .to_string();
    let mut h = HeaderMap::new();
    if let Ok(k) = HeaderValue::from_str(f.w("_sleutel"))
        && !f.w("_sleutel").is_empty()
    {
        h.insert("idempotency-key", k);
    }
    match crate::server::rondes::wijzig(State(s.clone()), ident.clone(), Path(f.w("p_ronde").to_string()), h, verzoek).await {
        Ok(_) | Err(ApiFout::Herhaald(_)) => Ok(naar("/beheer?opgeslagen=parameter#rondes-kop")),
        Err(e) => {
            bij_veld(&mut f, "p_waarde", e)?;
            opnieuw(&s, &ident, f).await
        }
    }
}

/// Goedkeuren of afwijzen met dezelfde functies als de API (vier ogen, controle dat de gebruiker niet intussen
/// veranderde, audittrail); een weigering wordt een Nederlandse foutpagina.
async fn besluit(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let mut h = HeaderMap::new();
    if let Ok(k) = HeaderValue::from_str(f.w("_sleutel"))
        && !f.w("_sleutel").is_empty()
    {
        h.insert("idempotency-key", k);
    }
    let p = Path(id.clone());
    let r = match f.w("besluit") {
        "goedkeuren" => crate::server::beheer::keur_goed(State(s.clone()), ident.clone(), p, h, String::new()).await,
        "afwijzen" => {
            let reden = if f.w("reden").is_empty() { "afgewezen door de tweede beheerder".to_string() } else { f.w("reden").to_string() };
            crate::server::beheer::wijs_af(State(s.clone()), ident.clone(), p, h, serde_json::json!({ "reden": reden }).to_string()).await
        }
        _ => return Err(ApiFout::Ongeldig { detail: "Kies goedkeuren of afwijzen.".into(), velden: vec![] }),
    };
    match r {
        Ok(_) | Err(ApiFout::Herhaald(_)) => Ok(naar("/beheer")),
        Err(e) => Err(e),
    }
}
