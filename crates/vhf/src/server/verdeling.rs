//! Beoordeling, verdeling en besluit via de API (de handelingen zelf staan in `handelingen/verdeling.rs`):
//! `POST /rondes/{id}/beoordelingen` legt een versie van het werk van de commissie vast (leden, conflicten,
//! toewijzingen, scores); `POST /rondes/{id}/verdelingen` maakt met de kern een verdeling van de ingediende
//! aanvragen (toetsing, oordeel, rangorde, bedragen, uitleg) en bewaart haar met parameters en uitkomst;
//! `POST /verdelingen/{id}/besluit` legt het besluit vast: één uitkering per gemeente, en de status van elke
//! beoordeelde aanvraag naar toegekend, gedeeltelijk toegekend of afgewezen; `GET /besluiten` is de openbare lijst.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use vhf_core::beoordeling::Beoordelingen;
use vhf_core::referentie::Referentie;

use super::AppState;
use super::fout::ApiFout;
use super::identiteit::Identiteit;
use super::routes::{Auditor, Basis, Behandelaar, Beslisser, Commissielid, Route, Toegang};
use crate::db::verdeling as db;
use crate::handelingen::verdeling as handeling;

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            methode: "POST",
            pad: "/rondes/{id}/beoordelingen",
            samenvatting: "Leg een nieuwe versie vast van de beoordelingen van de commissie ({beoordelingen}); toewijzingen met een belangenconflict worden geweigerd",
            body: None,
            antwoorden: &[(201, "vastgelegd, met versie"), (404, "onbekende ronde"), (422, "ongeldig of een lid met een belangenconflict toegewezen")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Behandelaar]),
            handler: post(beoordelingen),
        },
        Route {
            methode: "GET",
            pad: "/rondes/{id}/toewijzingen",
            samenvatting: "De deelplannen die aan mij (commissielid) zijn toegewezen, met mijn scores",
            body: None,
            antwoorden: &[(200, "mijn toewijzingen"), (404, "onbekende ronde")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Commissielid]),
            handler: get(mijn_toewijzingen),
        },
        Route {
            methode: "POST",
            pad: "/rondes/{id}/scores",
            samenvatting: "Mijn scores voor één toegewezen deelplan ({aanvraag, deelplan, scores: [{criterium, score, motivering}]}); per criterium: mijn andere criteria blijven staan; maakt een nieuwe versie",
            body: None,
            antwoorden: &[(201, "vastgelegd, met versie"), (404, "onbekende ronde of deelplan niet aan mij toegewezen"), (422, "ongeldig")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Commissielid]),
            handler: post(scores),
        },
        Route {
            methode: "POST",
            pad: "/rondes/{id}/verdelingen",
            samenvatting: "Maak en bewaar een verdeling van de ontvankelijke aanvragen ({}); de prioriteitspunten volgen uit eerdere rondes",
            body: None,
            antwoorden: &[(201, "de verdeling, met uitleg per deelplan"), (404, "onbekende ronde"), (422, "beoordeling onvolledig of onjuist")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beslisser]),
            handler: post(verdeel),
        },
        Route {
            methode: "GET",
            pad: "/verdelingen/{id}",
            samenvatting: "Een bewaarde verdeling",
            body: None,
            antwoorden: &[(200, "de verdeling"), (404, "bestaat niet")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beslisser, Behandelaar, Auditor]),
            handler: get(haal),
        },
        Route {
            methode: "GET",
            pad: "/verdelingen/{id}/dossier",
            samenvatting: "Het verdeeldossier: de invoer voor `vhf allocate` (aanvragen met hun geüploade documenten, beoordelingen, eerdere uitkomsten, parameterwijzigingen) en de uitvoer die `vhf allocate --json` daarop geeft, met SHA-256",
            body: None,
            antwoorden: &[(200, "het dossier"), (404, "bestaat niet, of een verdeling van vóór het dossier")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beslisser, Behandelaar, Auditor]),
            handler: get(dossier),
        },
        Route {
            methode: "POST",
            pad: "/verdelingen/{id}/besluit",
            samenvatting: "Leg het besluit over een verdeling vast ({reden}): uitkeringen en statussen",
            body: None,
            antwoorden: &[(201, "besloten"), (404, "bestaat niet"), (409, "al besloten, of aanvragen nog niet beoordeeld"), (422, "ongeldig")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beslisser]),
            handler: post(besluit),
        },
        Route {
            methode: "GET",
            pad: "/besluiten",
            samenvatting: "Openbare lijst van toekenningen per gemeente (?ronde)",
            body: None,
            antwoorden: &[(200, "de lijst")],
            basis: Basis::Api,
            toegang: Toegang::Openbaar,
            handler: get(openbaar),
        },
    ]
}

fn ongeldig(detail: String) -> ApiFout {
    ApiFout::Ongeldig { detail, velden: vec![] }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NieuweBeoordelingen {
    beoordelingen: Beoordelingen,
}

async fn beoordelingen(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    vhf_core::regeling::Ronde::zoek(&id).ok_or(ApiFout::NietGevonden)?;
    let n: NieuweBeoordelingen =
        serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{beoordelingen: {{leden, toewijzingen, scores, adviezen?}}}}: {e}")))?;
    let (mut tx, sleutel) = super::aanvragen::begin(&s, &ident, &h, &format!("POST /rondes/{id}/beoordelingen"), &body).await?;
    let versie = handeling::bewaar_beoordelingen(&mut tx, &ident, &id, &n.beoordelingen, (s.klok)().as_microsecond()).await?;
    let antwoord = json!({ "ronde": id, "versie": versie, "leden": n.beoordelingen.leden.len(), "scores": n.beoordelingen.scores.len() });
    super::aanvragen::afronden(tx, sleutel, StatusCode::CREATED, &antwoord).await?;
    Ok((StatusCode::CREATED, Json(antwoord)).into_response())
}

/// Wat een commissielid ziet: alleen de deelplannen die hem zijn toegewezen, en zijn eigen scores.
async fn mijn_toewijzingen(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    vhf_core::regeling::Ronde::zoek(&id).ok_or(ApiFout::NietGevonden)?;
    let lid = ident.gebruiker()?.id.clone();
    let mut c = s.db.lees().await?;
    let b = handeling::beoordelingen_van(&mut c, &id).await?;
    let mijn: Vec<Value> = b
        .toewijzingen
        .iter()
        .filter(|t| t.leden.contains(&lid))
        .map(|t| {
            let scores: Vec<_> = b.scores.iter().filter(|x| x.lid == lid && x.aanvraag == t.aanvraag && x.deelplan == t.deelplan).collect();
            json!({ "aanvraag": t.aanvraag, "deelplan": t.deelplan, "scores": scores })
        })
        .collect();
    Ok(Json(json!({ "ronde": id, "lid": lid, "data": mijn })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MijnScore {
    criterium: String,
    score: vhf_core::geld::Honderdsten,
    motivering: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MijnScores {
    aanvraag: String,
    deelplan: String,
    scores: Vec<MijnScore>,
}

/// Een commissielid scoort één toegewezen deelplan (zie [`handeling::scoor`]).
async fn scores(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    vhf_core::regeling::Ronde::zoek(&id).ok_or(ApiFout::NietGevonden)?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /rondes/{id}/scores"), &body)?;
    // Eerst een herhaling (dezelfde sleutel) herkennen, dan pas de body lezen.
    if let Some(h) = v.al_beantwoord().await? {
        return Err(ApiFout::Herhaald(Box::new(h)));
    }
    let n: MijnScores =
        serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{aanvraag, deelplan, scores: [{{criterium, score, motivering}}]}}: {e}")))?;
    let scores = n.scores.into_iter().map(|x| handeling::MijnScore { criterium: x.criterium, score: x.score, motivering: x.motivering }).collect();
    Ok((StatusCode::CREATED, Json(handeling::scoor(&v, &id, &n.aanvraag, &n.deelplan, scores).await?)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NieuweVerdeling {
    /// Bestond vroeger (een lijst van gemeenten met een eerdere uitkering); nu geweigerd met uitleg.
    #[serde(default)]
    eerder_toegekend: Option<Value>,
}

async fn verdeel(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let n: NieuweVerdeling = serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{}}: {e}")))?;
    if n.eerder_toegekend.is_some() {
        return Err(ongeldig(
            "eerder_toegekend bestaat niet meer: wie de prioriteitspunten krijgt, volgt uit de besloten verdelingen van eerdere rondes in \
             dit systeem en uit de parameter uitkomsten_buiten_systeem van die rondes (een parameterwijziging met bron)."
                .into(),
        ));
    }
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /rondes/{id}/verdelingen"), &body)?;
    Ok((StatusCode::CREATED, Json(handeling::verdeel(&v, &id).await?)).into_response())
}

async fn haal(State(s): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let mut c = s.db.lees().await?;
    let v = db::verdeling(&mut c, &id).await?.ok_or(ApiFout::NietGevonden)?;
    let mut r: Value = serde_json::from_str(&v.resultaat).map_err(|e| ApiFout::Intern(e.to_string()))?;
    r["besloten_op"] = json!(v.besloten_op.and_then(|t| jiff::Timestamp::from_microsecond(t).ok()));
    r["door"] = json!(v.door);
    Ok(Json(r).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Besluit {
    reden: String,
}

/// Het besluit over een verdeling (zie [`handeling::besluit`]).
async fn besluit(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let b: Besluit = serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{reden}}: {e}")))?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /verdelingen/{id}/besluit"), &body)?;
    Ok((StatusCode::CREATED, Json(handeling::besluit(&v, &id, &b.reden).await?)).into_response())
}

#[derive(Deserialize)]
struct Filter {
    ronde: Option<String>,
}

async fn openbaar(State(s): State<AppState>, Query(f): Query<Filter>) -> Result<Response, ApiFout> {
    let mut c = s.db.lees().await?;
    let v = db::besluiten(&mut c, f.ronde.as_deref().unwrap_or("")).await?;
    let data: Vec<Value> = v
        .into_iter()
        .map(|(verdeling, ronde, g, bedrag, op)| {
            let naam = vhf_core::codes::GemeenteCode::parse(&g).map(|c| Referentie::ingebouwd().gemeentenaam(c)).unwrap_or_else(|_| g.clone());
            json!({ "ronde": ronde, "gemeente": g, "naam": naam, "bedrag": bedrag, "verdeling": verdeling, "besloten_op": jiff::Timestamp::from_microsecond(op).ok() })
        })
        .collect();
    Ok(Json(json!({ "data": data, "bron": "Kadaster / CBS (gemeentecodes 2021)" })).into_response())
}

/// Het verdeeldossier van een verdeling, zoals bewaard op het moment van verdelen.
async fn dossier(State(s): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let mut c = s.db.lees().await?;
    let d = db::dossier(&mut c, &id).await?.ok_or(ApiFout::NietGevonden)?;
    let v: Value = serde_json::from_str(&d).map_err(|e| ApiFout::Intern(e.to_string()))?;
    Ok(axum::Json(v).into_response())
}
