//! `/api/v1/rondes`: de rondes met hun parameters, bron en wijzigingen (openbaar).

use axum::Json;
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use serde_json::{Value, json};
use vhf_core::regeling::Ronde;

use super::AppState;
use super::fout::ApiFout;

pub fn router() -> Router<AppState> {
    Router::new().route("/rondes", get(lijst)).route("/rondes/{id}", get(een))
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
