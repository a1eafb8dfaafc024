//! `/api/v1/rondes`: de rondes met hun parameters, bron en wijzigingen (openbaar).

use axum::Json;
use axum::extract::Path;
use axum::routing::get;
use serde_json::{Value, json};
use vhf_core::regeling::Ronde;

use super::fout::ApiFout;
use super::routes::Route;

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            methode: "GET",
            pad: "/rondes",
            samenvatting: "Alle rondes met hun parameters, bron en wijzigingen",
            body: None,
            antwoorden: &[(200, "de rondes")],
            handler: get(lijst),
        },
        Route {
            methode: "GET",
            pad: "/rondes/{id}",
            samenvatting: "Eén ronde",
            body: None,
            antwoorden: &[(200, "de ronde"), (404, "onbekende ronde")],
            handler: get(een),
        },
    ]
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

async fn lijst() -> Json<Value> {
    Json(json!({ "data": Ronde::ingebouwd().iter().map(als_json).collect::<Vec<_>>() }))
}

async fn een(Path(id): Path<String>) -> Result<Json<Value>, ApiFout> {
    Ronde::zoek(&id).map(|r| Json(als_json(r))).ok_or(ApiFout::NietGevonden)
}
