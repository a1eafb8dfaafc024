//! Beoordeling, verdeling en besluit via de API:
//! `POST /rondes/{id}/beoordelingen` legt een versie van het werk van de commissie vast (leden, conflicten,
//! toewijzingen, scores); `POST /rondes/{id}/verdelingen` maakt met de kern een verdeling van de ingediende
//! aanvragen (toetsing, oordeel, rangorde, bedragen, uitleg) en bewaart haar met parameters en uitkomst;
//! `POST /verdelingen/{id}/besluit` legt het besluit vast: één uitkering per gemeente, en de status van elke
//! beoordeelde aanvraag naar toegekend, gedeeltelijk toegekend of afgewezen; `GET /besluiten` is de openbare lijst.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use vhf_core::beoordeling::Beoordelingen;
use vhf_core::levensloop::Status;
use vhf_core::referentie::Referentie;
use vhf_core::verdeling::{self as kern, Uitkomst, Verdeelinvoer};

use super::AppState;
use super::fout::ApiFout;
use super::routes::Route;
use crate::db::aanvragen as db_aanvragen;
use crate::db::verdeling as db;

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            methode: "POST",
            pad: "/rondes/{id}/beoordelingen",
            samenvatting: "Leg een nieuwe versie vast van de beoordelingen van de commissie ({door, beoordelingen})",
            body: None,
            antwoorden: &[(201, "vastgelegd, met versie"), (404, "onbekende ronde"), (422, "ongeldig")],
            handler: post(beoordelingen),
        },
        Route {
            methode: "POST",
            pad: "/rondes/{id}/verdelingen",
            samenvatting: "Maak en bewaar een verdeling van de ingediende aanvragen ({door, eerder_toegekend?})",
            body: None,
            antwoorden: &[(201, "de verdeling, met uitleg per deelplan"), (404, "onbekende ronde"), (422, "beoordeling onvolledig of onjuist")],
            handler: post(verdeel),
        },
        Route {
            methode: "GET",
            pad: "/verdelingen/{id}",
            samenvatting: "Een bewaarde verdeling",
            body: None,
            antwoorden: &[(200, "de verdeling"), (404, "bestaat niet")],
            handler: get(haal),
        },
        Route {
            methode: "POST",
            pad: "/verdelingen/{id}/besluit",
            samenvatting: "Leg het besluit over een verdeling vast ({door, reden}): uitkeringen en statussen",
            body: None,
            antwoorden: &[(201, "besloten"), (404, "bestaat niet"), (409, "al besloten, of aanvragen nog niet beoordeeld"), (422, "ongeldig")],
            handler: post(besluit),
        },
        Route {
            methode: "GET",
            pad: "/besluiten",
            samenvatting: "Openbare lijst van toekenningen per gemeente (?ronde)",
            body: None,
            antwoorden: &[(200, "de lijst")],
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
    door: String,
    beoordelingen: Beoordelingen,
}

async fn beoordelingen(State(s): State<AppState>, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    vhf_core::regeling::Ronde::zoek(&id).ok_or(ApiFout::NietGevonden)?;
    let n: NieuweBeoordelingen =
        serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{door, beoordelingen: {{leden, toewijzingen, scores, adviezen?}}}}: {e}")))?;
    if n.door.trim().is_empty() {
        return Err(ongeldig("door: wie legt dit vast?".into()));
    }
    let (mut tx, sleutel) = super::aanvragen::begin(&s, &h, &format!("POST /rondes/{id}/beoordelingen"), &body).await?;
    let inhoud = serde_json::to_string(&n.beoordelingen).expect("JSON");
    let versie = db::voeg_beoordeling_toe(&mut tx, &id, &inhoud, &n.door, (s.klok)().as_microsecond()).await?;
    let antwoord = json!({ "ronde": id, "versie": versie, "leden": n.beoordelingen.leden.len(), "scores": n.beoordelingen.scores.len() });
    super::aanvragen::afronden(tx, sleutel, StatusCode::CREATED, &antwoord).await?;
    Ok((StatusCode::CREATED, Json(antwoord)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NieuweVerdeling {
    door: String,
    #[serde(default)]
    eerder_toegekend: Vec<vhf_core::codes::GemeenteCode>,
}

fn nieuw_id() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("willekeur");
    format!("VD{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>())
}

async fn verdeel(State(s): State<AppState>, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let n: NieuweVerdeling = serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{door, eerder_toegekend?}}: {e}")))?;
    let (mut tx, sleutel) = super::aanvragen::begin(&s, &h, &format!("POST /rondes/{id}/verdelingen"), &body).await?;
    let ronde = super::rondes::effectief(&mut tx, &id).await?;
    let (versie, beoordelingen) = match db::laatste_beoordeling(&mut tx, &id).await? {
        Some((v, inhoud)) => (v, serde_json::from_str::<Beoordelingen>(&inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?),
        None => (0, Beoordelingen::default()),
    };
    let mut aanvragen = Vec::new();
    let mut ids = BTreeMap::new();
    for (aid, _status, inhoud, _) in db::ingediend_met_status(&mut tx, &id).await? {
        let a: vhf_core::aanvraag::Aanvraag = serde_json::from_str(&inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?;
        ids.insert(a.kenmerk.clone(), aid);
        aanvragen.push(a);
    }
    let invoer = Verdeelinvoer { ronde: id.clone(), aanvragen, beoordelingen, eerder_toegekend: n.eerder_toegekend };
    let peilmoment = kern::besluitmoment(&ronde);
    let analyse =
        kern::analyseer(&invoer, &ronde, peilmoment, None).map_err(|f| ongeldig(format!("De verdeling kan niet worden gemaakt: {}", f.join("; "))))?;
    let regels = analyse.regels().map_err(|e| ApiFout::Intern(e.to_string()))?;
    let v = kern::verdeel(&analyse.kandidaten, &regels);
    let deelplannen: Vec<Value> = analyse
        .kandidaten
        .iter()
        .zip(&v.toekenningen)
        .enumerate()
        .map(|(i, (k, t))| {
            json!({
                "aanvraag": ids.get(&k.deelplan.aanvraag), "kenmerk": k.deelplan.aanvraag, "deelplan": k.deelplan.deelplan, "penvoerder": k.penvoerder,
                "score": k.score, "rang": t.rang, "uitkomst": t.uitkomst, "gevraagd": k.gevraagd, "toegekend": t.bedrag, "uitleg": v.uitleg(&analyse.kandidaten, i),
            })
        })
        .collect();
    use vhf_core::regeling::ParameterNaam as P;
    let parameters: Vec<_> =
        [P::budget, P::btw_reserve, P::prioriteitsregel, P::vulwijze, P::beoordelingskader].iter().map(|p| analyse.parameters.gebruikt(*p)).collect();
    let vid = nieuw_id();
    let resultaat = json!({
        "id": vid, "ronde": id, "beoordeling_versie": versie, "peilmoment": peilmoment, "parameters": parameters,
        "regels": v.regels, "deelplannen": deelplannen, "uitkeringen": v.uitkeringen, "totalen": v.totalen,
    });
    let nu = (s.klok)().as_microsecond();
    let rij = db::VerdelingRij {
        id: vid.clone(),
        ronde: id.clone(),
        beoordeling_versie: versie,
        peilmoment: peilmoment.as_microsecond(),
        resultaat: resultaat.to_string(),
        door: n.door,
        op: nu,
        besloten_op: None,
    };
    db::voeg_verdeling_toe(&mut tx, &rij).await?;
    super::aanvragen::afronden(tx, sleutel, StatusCode::CREATED, &resultaat).await?;
    Ok((StatusCode::CREATED, Json(resultaat)).into_response())
}

async fn haal(State(s): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let mut c = s.db.pool.acquire().await?;
    let v = db::verdeling(&mut c, &id).await?.ok_or(ApiFout::NietGevonden)?;
    let mut r: Value = serde_json::from_str(&v.resultaat).map_err(|e| ApiFout::Intern(e.to_string()))?;
    r["besloten_op"] = json!(v.besloten_op.and_then(|t| jiff::Timestamp::from_microsecond(t).ok()));
    r["door"] = json!(v.door);
    Ok(Json(r).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Besluit {
    door: String,
    reden: String,
}

/// Het besluit: één uitkering per gemeente, en elke aanvraag in de verdeling naar haar uitkomst. Alle aanvragen
/// moeten beoordeeld zijn (of niet ontvankelijk); anders gebeurt er niets.
async fn besluit(State(s): State<AppState>, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let b: Besluit = serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{door, reden}}: {e}")))?;
    if b.door.trim().is_empty() || b.reden.trim().is_empty() {
        return Err(ongeldig("Een besluit heeft een reden en wie het neemt (door).".into()));
    }
    let (mut tx, sleutel) = super::aanvragen::begin(&s, &h, &format!("POST /verdelingen/{id}/besluit"), &body).await?;
    let v = db::verdeling(&mut tx, &id).await?.ok_or(ApiFout::NietGevonden)?;
    let resultaat: Value = serde_json::from_str(&v.resultaat).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let nu = (s.klok)().as_microsecond();
    if !db::markeer_besloten(&mut tx, &id, nu).await? {
        return Err(ApiFout::Conflict(format!("Over verdeling {id} is al besloten.")));
    }
    // Uitkomst per aanvraag: alles gevraagde toegekend → toegekend; iets → gedeeltelijk; niets → afgewezen.
    let mut per_aanvraag: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for d in resultaat["deelplannen"].as_array().cloned().unwrap_or_default() {
        let Some(aid) = d["aanvraag"].as_str() else { continue };
        let e = per_aanvraag.entry(aid.to_string()).or_insert((true, false));
        let uitkomst: Uitkomst = serde_json::from_value(d["uitkomst"].clone()).map_err(|e| ApiFout::Intern(e.to_string()))?;
        e.0 &= uitkomst == Uitkomst::Toegekend;
        e.1 |= matches!(uitkomst, Uitkomst::Toegekend | Uitkomst::GedeeltelijkToegekend);
    }
    let statussen: BTreeMap<String, (String, i64)> =
        db::ingediend_met_status(&mut tx, &v.ronde).await?.into_iter().map(|(a, st, _, versie)| (a, (st, versie))).collect();
    let mut niet_klaar = Vec::new();
    for (aid, (alles, iets)) in &per_aanvraag {
        let (st, versie) = statussen.get(aid).cloned().ok_or_else(|| ApiFout::Intern(format!("aanvraag {aid} ontbreekt")))?;
        let huidig: Status = st.parse().map_err(ApiFout::Intern)?;
        if huidig == Status::NietOntvankelijk {
            continue;
        }
        if huidig != Status::Beoordeeld {
            niet_klaar.push(format!("{aid} ({huidig})"));
            continue;
        }
        let naar = match (alles, iets) {
            (true, _) => Status::Toegekend,
            (false, true) => Status::GedeeltelijkToegekend,
            _ => Status::Afgewezen,
        };
        db_aanvragen::zet_status(&mut tx, aid, versie, naar, None, nu).await?;
        db_aanvragen::voeg_overgang_toe(&mut tx, aid, Some(huidig), naar, &b.door, &format!("besluit over verdeling {id}: {}", b.reden), nu).await?;
    }
    if !niet_klaar.is_empty() {
        return Err(ApiFout::Conflict(format!("Nog niet beoordeeld: {}. Er is niets besloten.", niet_klaar.join(", "))));
    }
    let mut uitkeringen = Vec::new();
    for (g, bedrag) in resultaat["uitkeringen"].as_object().cloned().unwrap_or_default() {
        let bedrag = bedrag.as_str().unwrap_or("0.00").to_string();
        let inhoud = json!({ "gemeente": g, "naam": Referentie::ingebouwd().gemeentenaam(vhf_core::codes::GemeenteCode::parse(&g).map_err(|e| ApiFout::Intern(e.to_string()))?), "bedrag": bedrag, "reden": b.reden, "bezwaar": "Tegen dit besluit kan binnen zes weken bezwaar worden gemaakt (Algemene wet bestuursrecht)." });
        db::voeg_besluit_toe(&mut tx, &id, &g, &bedrag, &inhoud.to_string(), &b.door, nu).await?;
        uitkeringen.push(inhoud);
    }
    let antwoord = json!({ "verdeling": id, "besluiten": uitkeringen, "aanvragen": per_aanvraag.len() });
    super::aanvragen::afronden(tx, sleutel, StatusCode::CREATED, &antwoord).await?;
    Ok((StatusCode::CREATED, Json(antwoord)).into_response())
}

#[derive(Deserialize)]
struct Filter {
    ronde: Option<String>,
}

async fn openbaar(State(s): State<AppState>, Query(f): Query<Filter>) -> Result<Response, ApiFout> {
    let mut c = s.db.pool.acquire().await?;
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
