//! Besluiten per gemeente via de API (de handelingen staan in `handelingen/besluiten.rs`): opstellen voor een
//! hele ronde, lijst en één besluit (ZGW-velden), ondertekenen door een tweede beslisser, corrigeren, en de
//! brief als PDF/A. Een aanvrager ziet alleen de ondertekende besluiten van zijn eigen gemeente; een ander
//! besluit is voor hem 404.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::fout::ApiFout;
use super::identiteit::Identiteit;
use super::routes::{Aanvrager, Auditor, Basis, Behandelaar, Beslisser, Route, Toegang};
use crate::db::besluiten as db;
use crate::handelingen::besluiten as handeling;

/// Wie een besluit en zijn brief leest: de gemeente zelf (ondertekend), RVO, het ministerie en de auditor.
const BESLUITLEZERS: Toegang = Toegang::Rollen(&[Aanvrager, Behandelaar, Beslisser, Auditor]);

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            methode: "POST",
            pad: "/rondes/{id}/besluiten",
            samenvatting: "Stel de besluiten op (concept) voor alle gemeenten van de laatst besloten verdeling van de ronde ({verdeling?}); een gemeente met al een besluit wordt overgeslagen",
            body: None,
            antwoorden: &[(201, "opgesteld"), (404, "onbekende ronde of verdeling"), (409, "nog geen besloten verdeling"), (422, "ongeldig")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beslisser]),
            handler: post(stel_op),
        },
        Route {
            methode: "GET",
            pad: "/rondes/{id}/besluiten",
            samenvatting: "De besluiten van een ronde (een aanvrager: alleen de ondertekende van zijn gemeente)",
            body: None,
            antwoorden: &[(200, "de lijst"), (404, "onbekende ronde")],
            basis: Basis::Api,
            toegang: BESLUITLEZERS,
            handler: get(lijst),
        },
        Route {
            methode: "GET",
            pad: "/besluiten/{id}",
            samenvatting: "Eén besluit: identificatie, besluittype, datum, ingangsdatum, verzenddatum, bezwaartermijn, deelplannen, informatieobjecten",
            body: None,
            antwoorden: &[(200, "het besluit"), (404, "bestaat niet of niet zichtbaar")],
            basis: Basis::Api,
            toegang: BESLUITLEZERS,
            handler: get(haal),
        },
        Route {
            methode: "GET",
            pad: "/besluiten/{id}/brief",
            samenvatting: "De brief bij het besluit als PDF/A-2a (een concept is als concept gemerkt)",
            body: None,
            antwoorden: &[(200, "application/pdf"), (404, "bestaat niet of niet zichtbaar")],
            basis: Basis::Api,
            toegang: BESLUITLEZERS,
            handler: get(brief),
        },
        Route {
            methode: "POST",
            pad: "/besluiten/{id}/ondertekening",
            samenvatting: "Onderteken een concept ({}); alleen een andere beslisser dan de opsteller (vier ogen); daarna onveranderlijk",
            body: None,
            antwoorden: &[(200, "ondertekend"), (403, "u stelde het zelf op"), (404, "bestaat niet"), (409, "al ondertekend")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beslisser]),
            handler: post(onderteken),
        },
        Route {
            methode: "POST",
            pad: "/besluiten/{id}/correctie",
            samenvatting: "Corrigeer een ondertekend besluit ({reden, deelplannen?: [{kenmerk, deelplan, toegekend, uitleg}]}): een nieuw concept dat ernaar verwijst",
            body: None,
            antwoorden: &[(201, "de correctie (concept)"), (404, "bestaat niet"), (409, "nog concept of al gecorrigeerd"), (422, "ongeldig")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beslisser]),
            handler: post(corrigeer),
        },
    ]
}

fn ongeldig(detail: String) -> ApiFout {
    ApiFout::Ongeldig { detail, velden: vec![] }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Opstellen {
    verdeling: Option<String>,
}

async fn stel_op(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    vhf_core::regeling::Ronde::zoek(&id).ok_or(ApiFout::NietGevonden)?;
    let tekst = if body.trim().is_empty() { "{}" } else { body.as_str() };
    let o: Opstellen = serde_json::from_str(tekst).map_err(|e| ongeldig(format!("Verwacht {{verdeling?}}: {e}")))?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /rondes/{id}/besluiten"), &body)?;
    Ok((StatusCode::CREATED, Json(handeling::stel_op_voor_ronde(&v, &id, o.verdeling.as_deref()).await?)).into_response())
}

async fn lijst(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    vhf_core::regeling::Ronde::zoek(&id).ok_or(ApiFout::NietGevonden)?;
    let zicht = handeling::zicht(&ident)?;
    let mut c = s.db.lees().await?;
    let rijen = db::van_ronde(&mut c, &id, &zicht).await?;
    let data = rijen.iter().map(handeling::als_json).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "ronde": id, "totaal": data.len(), "data": data })).into_response())
}

async fn haal(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let zicht = handeling::zicht(&ident)?;
    let mut c = s.db.lees().await?;
    let r = db::haal(&mut c, &id, &zicht).await?.ok_or(ApiFout::NietGevonden)?;
    Ok(Json(handeling::als_json(&r)?).into_response())
}

async fn brief(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let zicht = handeling::zicht(&ident)?;
    let r = {
        let mut c = s.db.lees().await?;
        db::haal(&mut c, &id, &zicht).await?.ok_or(ApiFout::NietGevonden)?
    };
    let vandaag = handeling::lokale_datum((s.klok)());
    let b = handeling::brief_van(&r, crate::brief::Sjabloon::map_uit_omgeving().as_deref(), vandaag)?;
    let pdf = tokio::task::spawn_blocking(move || crate::brief::pdf(&b)).await.map_err(|e| ApiFout::Intern(e.to_string()))?.map_err(ApiFout::Intern)?;
    let naam = format!("besluit-{}.pdf", r.identificatie);
    Ok(([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, format!("inline; filename=\"{naam}\""))], pdf).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Ondertekenen {}

async fn onderteken(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let tekst = if body.trim().is_empty() { "{}" } else { body.as_str() };
    let _: Ondertekenen = serde_json::from_str(tekst).map_err(|e| ongeldig(format!("Verwacht een lege body of {{}}: {e}")))?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /besluiten/{id}/ondertekening"), &body)?;
    Ok((StatusCode::OK, Json(handeling::onderteken(&v, &id).await?)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Corrigeren {
    reden: String,
    #[serde(default)]
    deelplannen: Vec<handeling::Deelplanwijziging>,
}

async fn corrigeer(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let c: Corrigeren =
        serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{reden, deelplannen?: [{{kenmerk, deelplan, toegekend, uitleg}}]}}: {e}")))?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /besluiten/{id}/correctie"), &body)?;
    Ok((StatusCode::CREATED, Json(handeling::corrigeer(&v, &id, &c.reden, &c.deelplannen).await?)).into_response())
}

/// De routes van bezwaren tegen een besluit.
pub fn bezwaarroutes() -> Vec<Route> {
    vec![
        Route {
            methode: "POST",
            pad: "/besluiten/{id}/bezwaren",
            samenvatting: "Registreer een bezwaar tegen een ondertekend besluit ({ontvangen_op: JJJJ-MM-DD, gronden})",
            body: None,
            antwoorden: &[(201, "geregistreerd, met termijnen"), (404, "bestaat niet"), (409, "besluit nog niet ondertekend"), (422, "ongeldig")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Behandelaar, Beslisser]),
            handler: post(registreer_bezwaar),
        },
        Route {
            methode: "GET",
            pad: "/bezwaren",
            samenvatting: "De bezwaren (?ronde, ?termijn_verstreken=true), met tijdig / te laat en de uiterste beslisdatum",
            body: None,
            antwoorden: &[(200, "de lijst")],
            basis: Basis::Api,
            toegang: BESLUITLEZERS,
            handler: get(bezwaren),
        },
        Route {
            methode: "POST",
            pad: "/bezwaren/{id}/afhandeling",
            samenvatting: "Beslis op een bezwaar ({uitkomst, toelichting, correctie?}); een correctie is een besluit dat het bestreden besluit vervangt",
            body: None,
            antwoorden: &[(200, "afgehandeld"), (404, "bestaat niet"), (409, "al afgehandeld"), (422, "ongeldig")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beslisser]),
            handler: post(handel_bezwaar_af),
        },
    ]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NieuwBezwaar {
    ontvangen_op: jiff::civil::Date,
    gronden: String,
}

async fn registreer_bezwaar(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let n: NieuwBezwaar = serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{ontvangen_op: JJJJ-MM-DD, gronden}}: {e}")))?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /besluiten/{id}/bezwaren"), &body)?;
    Ok((StatusCode::CREATED, Json(handeling::registreer_bezwaar(&v, &id, n.ontvangen_op, &n.gronden).await?)).into_response())
}

#[derive(Deserialize)]
struct Bezwaarfilter {
    ronde: Option<String>,
    termijn_verstreken: Option<bool>,
}

async fn bezwaren(State(s): State<AppState>, ident: Identiteit, axum::extract::Query(f): axum::extract::Query<Bezwaarfilter>) -> Result<Response, ApiFout> {
    let zicht = handeling::zicht(&ident)?;
    let mut c = s.db.lees().await?;
    let vandaag = handeling::lokale_datum((s.klok)());
    let data: Vec<_> = db::bezwaren(&mut c, f.ronde.as_deref().unwrap_or(""), &zicht)
        .await?
        .iter()
        .map(|z| handeling::bezwaar_json(z, vandaag))
        .filter(|z| f.termijn_verstreken.is_none_or(|w| z["termijn_verstreken"] == w))
        .collect();
    let verstreken = data.iter().filter(|z| z["termijn_verstreken"] == true).count();
    Ok(Json(json!({ "totaal": data.len(), "termijn_verstreken": verstreken, "vandaag": vandaag, "data": data })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Afhandeling {
    uitkomst: String,
    toelichting: String,
    correctie: Option<String>,
}

async fn handel_bezwaar_af(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let a: Afhandeling = serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{uitkomst, toelichting, correctie?}}: {e}")))?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /bezwaren/{id}/afhandeling"), &body)?;
    Ok((StatusCode::OK, Json(handeling::handel_bezwaar_af(&v, &id, &a.uitkomst, &a.toelichting, a.correctie.as_deref()).await?)).into_response())
}
