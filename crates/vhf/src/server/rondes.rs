//! `/api/v1/rondes`: de rondes met hun parameters, bron en wijzigingen, en het vastleggen van een gedateerde
//! parameterwijziging (loket verlengd, budget verhoogd). Na een wijziging worden de bevindingen van de
//! ingediende aanvragen waarop ze van toepassing is opnieuw berekend en bewaard, met de nieuwe parameters.

use crate::db::Verbinding;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use vhf_core::referentie::Referentie;
use vhf_core::regeling::{Ronde, Wijziging};

use super::AppState;
use super::fout::ApiFout;
use super::identiteit::Identiteit;
use super::routes::{Basis, Beheerder, Route, Toegang};
use crate::db::aanvragen as db_aanvragen;
use crate::db::rondes as db;

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            methode: "GET",
            pad: "/rondes",
            samenvatting: "Alle rondes met hun parameters, bron en wijzigingen",
            body: None,
            antwoorden: &[(200, "de rondes")],
            basis: Basis::Api,
            toegang: Toegang::Openbaar,
            handler: get(lijst),
        },
        Route {
            methode: "GET",
            pad: "/rondes/{id}",
            samenvatting: "Eén ronde",
            body: None,
            antwoorden: &[(200, "de ronde"), (404, "onbekende ronde")],
            basis: Basis::Api,
            toegang: Toegang::Openbaar,
            handler: get(een),
        },
        Route {
            methode: "POST",
            pad: "/rondes/{id}/parameterwijzigingen",
            samenvatting: "Leg een gedateerde parameterwijziging vast ({parameter, vanaf, waarde, bron, toelichting?}); bevindingen worden herberekend",
            body: None,
            antwoorden: &[(201, "vastgelegd; aantal herberekende aanvragen"), (404, "onbekende ronde"), (422, "ongeldige wijziging")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beheerder]),
            handler: post(wijzig),
        },
    ]
}

/// De ronde zoals ze nu geldt: het bestand plus de vastgelegde wijzigingen.
pub async fn effectief(c: &mut impl Verbinding, id: &str) -> Result<Ronde, ApiFout> {
    Ok(effectief_met_aantal(c, id).await?.0)
}

/// De ronde met haar wijzigingen, en hoeveel wijzigingen dat waren (zie `db::rondes::aantal_wijzigingen`).
pub async fn effectief_met_aantal(c: &mut impl Verbinding, id: &str) -> Result<(Ronde, i64), ApiFout> {
    let basis = Ronde::zoek(id).ok_or(ApiFout::NietGevonden)?;
    let w = db::wijzigingen(c, id).await?;
    let n = i64::try_from(w.len()).unwrap_or(i64::MAX);
    if w.is_empty() {
        return Ok((basis.clone(), 0));
    }
    let ronde = basis
        .met_wijzigingen(w.iter().map(|r| (r.parameter.as_str(), r.wijziging.clone())))
        .map_err(|e| ApiFout::Intern(format!("opgeslagen parameterwijzigingen van {id}: {e}")))?;
    Ok((ronde, n))
}

/// De vaste naam van een parameter, of een duidelijke fout.
fn parameternaam(naam: &str) -> Result<&'static str, ApiFout> {
    let alle = vhf_core::regeling::ParameterNaam::ALLE;
    alle.iter().map(|p| p.naam()).find(|n| *n == naam).ok_or_else(|| ApiFout::Ongeldig {
        detail: format!("onbekende parameter '{naam}'; bekend: {}", alle.iter().map(|p| p.naam()).collect::<Vec<_>>().join(", ")),
        velden: vec![],
    })
}

fn als_json(r: &Ronde) -> Value {
    json!({
        "id": r.id,
        "naam": r.naam,
        "regeling": r.regeling,
        "grondslag": r.grondslag,
        "tijdzone": r.tijdzone,
        "parameters": r.parameters.overzicht(),
    })
}

async fn lijst(State(s): State<AppState>) -> Result<Json<Value>, ApiFout> {
    let mut c = s.db.lees().await?;
    let mut v = Vec::new();
    for r in Ronde::ingebouwd() {
        v.push(als_json(&effectief(&mut c, &r.id).await?));
    }
    Ok(Json(json!({ "data": v })))
}

async fn een(State(s): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiFout> {
    let mut c = s.db.lees().await?;
    Ok(Json(als_json(&effectief(&mut c, &id).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Nieuw {
    parameter: String,
    vanaf: jiff::civil::Date,
    waarde: Value,
    bron: String,
    toelichting: Option<String>,
}

pub(crate) async fn wijzig(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let n: Nieuw = serde_json::from_str(&body).map_err(|e| ApiFout::Ongeldig {
        detail: format!("Een parameterwijziging is {{parameter, vanaf, waarde, bron, toelichting?}}: {e}"),
        velden: vec![],
    })?;
    if n.bron.trim().is_empty() {
        return Err(ApiFout::Ongeldig { detail: "Elke wijziging heeft een bron (Staatscourant, besluit).".into(), velden: vec![] });
    }
    let (mut tx, sleutel) = super::aanvragen::begin(&s, &ident, &h, &format!("POST /rondes/{id}/parameterwijzigingen"), &body).await?;
    let huidig = effectief(&mut tx, &id).await?;
    let naam = parameternaam(&n.parameter)?;
    let w = Wijziging { vanaf: n.vanaf, waarde: n.waarde.clone(), bron: n.bron.clone(), toelichting: n.toelichting.clone() };
    let nieuw = huidig.met_wijzigingen([(naam, w.clone())]).map_err(|e| ApiFout::Ongeldig { detail: e, velden: vec![] })?;
    let nu = (s.klok)();
    db::voeg_toe(&mut tx, &id, naam, &w, &ident.actor(), nu.as_microsecond()).await?;
    // Voor: de hele tijdlijn van deze parameter zoals ze gold.
    let voor = huidig.parameters.overzicht().into_iter().find(|o| o.naam == naam).and_then(|o| serde_json::to_value(o).ok());
    let na = json!({ "parameter": naam, "vanaf": n.vanaf, "waarde": n.waarde, "bron": n.bron, "toelichting": n.toelichting });
    ident.leg_vast(&mut tx, nu.as_microsecond(), "ronde.parameterwijziging", format!("ronde/{id}/{naam}"), None, voor, Some(na)).await?;
    // Herbereken de bevindingen van ingediende aanvragen waarvoor de wijziging geldt (peildatum ≥ vanaf).
    let mut herberekend = Vec::new();
    let documenten = crate::db::documenten::voor_toetsing_van_ronde(&mut tx, &id).await?;
    for (aanvraag_id, inhoud) in db::ingediende_aanvragen(&mut tx, &id).await? {
        let a: vhf_core::aanvraag::Aanvraag = serde_json::from_str(&inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?;
        let Some(ingediend) = a.ingediend_op else { continue };
        if nieuw.lokale_datum(ingediend) < n.vanaf {
            continue;
        }
        // E15 op de geüploade documenten, zoals bij het indienen.
        let geupload = documenten.get(&aanvraag_id).map_or(&[][..], Vec::as_slice);
        let t =
            vhf_core::toetsing::toets_met_documenten(&a, &nieuw, Referentie::ingebouwd(), ingediend, geupload).map_err(|e| ApiFout::Intern(e.to_string()))?;
        let bewaren = db_aanvragen::TeBewaren::van(&t);
        db_aanvragen::voeg_toetsing_toe(&mut tx, &aanvraag_id, &format!("parameterwijziging {naam} vanaf {}", n.vanaf), &bewaren, nu.as_microsecond()).await?;
        herberekend.push(aanvraag_id);
    }
    let antwoord = json!({ "ronde": id, "parameter": naam, "vanaf": n.vanaf, "herberekend": herberekend });
    super::aanvragen::afronden(tx, sleutel, StatusCode::CREATED, &antwoord).await?;
    tracing::info!(ronde = %id, parameter = naam, vanaf = %n.vanaf, aantal = herberekend.len(), "parameterwijziging vastgelegd");
    Ok((StatusCode::CREATED, Json(antwoord)).into_response())
}
