//! Het register van alle API-routes: pad, methode, omschrijving en (waar van toepassing) het schema van de
//! body. De router wordt eruit gebouwd en het OpenAPI-document ook, zodat die twee nooit uit elkaar lopen; een
//! route zonder regel in dit register bestaat niet. Elke route zegt ook wie er mag komen ([`Toegang`]): de router
//! zet die controle om elke handler, en de autorisatiematrix-test (`MATRIX` in tests/api.rs) loopt dit register af, zodat
//! een nieuwe route zonder verwachting in die test de test laat falen.

use axum::Router;
use axum::routing::MethodRouter;
use serde_json::{Map, Value, json};

use super::AppState;
pub use crate::toegang::Rol::{self, *};
pub use crate::toegang::Toegang;

/// Waar een route hangt: onder /api/v1 (in het OpenAPI-document) of als webpagina vanaf de wortel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    Api,
    Web,
}

pub struct Route {
    pub methode: &'static str,
    /// Pad onder /api/v1 (of vanaf de wortel bij een webpagina), met parameters als `{id}`.
    pub pad: &'static str,
    pub basis: Basis,
    /// Wie er mag komen; wat ze daarbinnen zien, beperkt de handler (zie [`crate::toegang::Zicht`]).
    pub toegang: Toegang,
    pub samenvatting: &'static str,
    /// JSON Schema van de body, als die er is.
    pub body: Option<fn() -> schemars::Schema>,
    /// Statuscodes die de route kan geven, met hun betekenis.
    pub antwoorden: &'static [(u16, &'static str)],
    pub handler: MethodRouter<AppState>,
}

/// Iedereen die aanvragen mag lezen (binnen zijn zicht).
pub const LEZERS: Toegang = Toegang::Rollen(&[Aanvrager, Behandelaar, Commissielid, Beslisser, Auditor]);
/// Wie het dossier van een aanvraag leest (ontvangstbewijs, aanvullingen, levensloop): niet de commissie, die
/// alleen haar toegewezen deelplannen ziet.
pub const DOSSIERLEZERS: Toegang = Toegang::Rollen(&[Aanvrager, Behandelaar, Beslisser, Auditor]);
/// Alle ingelogde rollen.
pub const INGELOGD: Toegang = Toegang::Rollen(&Rol::ALLE);

/// Alle routes: de API en de webpagina's.
pub fn alle() -> Vec<Route> {
    let mut v = super::rondes::routes();
    v.extend(super::aanvragen::routes());
    v.extend(super::documenten::routes());
    v.extend(super::verdeling::routes());
    v.extend(super::besluiten::routes());
    v.extend(super::besluiten::bezwaarroutes());
    v.extend(super::uitvoering::routes());
    v.extend(super::ondersteuning::routes());
    v.extend(super::beheer::routes());
    v.extend(crate::web::publicatie::api_routes());
    v.extend(super::sessies::routes());
    v.extend(super::oidc::routes());
    v.extend(super::bedrijfsroutes());
    v.extend(crate::web::routes());
    v
}

/// Leest deze route een JSON-body? Elke POST en PUT van de API, behalve het uploaden van een document en het
/// importeren van een Excel-sjabloon (de body is het bestand zelf). Zo'n route weigert een body van een ander soort met 415, in plaats van hem toch als JSON te
/// lezen.
pub fn leest_json(r: &Route) -> bool {
    r.basis == Basis::Api
        && matches!(r.methode, "POST" | "PUT")
        && !r.pad.ends_with("/documenten")
        && r.pad != "/aanvragen/import"
        && !r.pad.ends_with("/verantwoordingen/import")
}

/// De router van één basis; elke handler krijgt de rolcontrole van zijn regel (eerst: wie niet mag, hoort niets
/// over de vorm van zijn verzoek) en, als hij JSON leest, de controle op Content-Type.
pub fn router(routes: Vec<Route>, basis: Basis) -> Router<AppState> {
    routes.into_iter().filter(|r| r.basis == basis).fold(Router::new(), |r, route| {
        let toegang = route.toegang;
        let json = leest_json(&route);
        let mut handler = route.handler;
        if json {
            handler = handler.route_layer(axum::middleware::from_fn(vereis_json));
        }
        let handler = handler.route_layer(axum::middleware::from_fn(move |req, next| super::identiteit::vereis(toegang, req, next)));
        r.route(route.pad, handler)
    })
}

/// 415 als een JSON-route een body krijgt die geen JSON heet (`application/json` of `application/…+json`). Een
/// verzoek zonder body (indienen, een besluit) hoeft geen Content-Type te hebben.
async fn vereis_json(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let h = req.headers();
    let lengte = h.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    let heeft_body = h.contains_key(header::TRANSFER_ENCODING) || lengte.is_some_and(|n| n > 0);
    let soort = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    let is_json = soort.as_deref().is_some_and(|s| s == "application/json" || (s.starts_with("application/") && s.ends_with("+json")));
    if heeft_body && is_json {
        // Een NUL-teken (`\u0000`) in een JSON-tekst kan PostgreSQL niet opslaan en hoort in geen enkel veld: weiger
        // het hier, voor elke JSON-route, met een duidelijke melding in plaats van een databasefout.
        let (delen, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, vhf_core::invoer::MAX_BESTANDSGROOTTE).await else {
            return super::fout::ApiFout::Status {
                code: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                titel: "Verzoek te groot".into(),
                detail: format!("Een JSON-body is hoogstens {} MiB.", vhf_core::invoer::MAX_BESTANDSGROOTTE / 1024 / 1024),
            }
            .into_response();
        };
        if bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
            return super::fout::ApiFout::Ongeldig { detail: "De JSON bevat een NUL-teken (\\u0000); dat hoort in geen enkel veld.".into(), velden: vec![] }
                .into_response();
        }
        return next.run(axum::extract::Request::from_parts(delen, axum::body::Body::from(bytes))).await;
    }
    if heeft_body && !is_json {
        return super::fout::ApiFout::Status {
            code: axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            titel: "Soort inhoud niet ondersteund".into(),
            detail: format!(
                "Deze route leest JSON: stuur de body met Content-Type: application/json (kreeg {}).",
                soort.as_deref().filter(|s| !s.is_empty()).unwrap_or("geen Content-Type")
            ),
        }
        .into_response();
    }
    next.run(req).await
}

/// Het OpenAPI 3.1-document, gemaakt uit het register.
pub fn openapi(routes: &[Route]) -> Value {
    let mut paden: Map<String, Value> = Map::new();
    let mut schemas: Map<String, Value> = Map::new();
    for r in routes.iter().filter(|r| r.basis == Basis::Api) {
        let parameters: Vec<Value> = r
            .pad
            .split('/')
            .filter_map(|d| d.strip_prefix('{').and_then(|d| d.strip_suffix('}')))
            .map(|naam| json!({ "name": naam, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let mut op = json!({
            "summary": r.samenvatting,
            "operationId": format!("{} {}", r.methode, r.pad),
            "parameters": parameters,
            "responses": r.antwoorden.iter().map(|(code, wat)| {
                let soort = if *code >= 400 { "application/problem+json" } else { "application/json" };
                (code.to_string(), json!({ "description": wat, "content": { soort: { "schema": { "type": "object" } } } }))
            }).collect::<Map<_, _>>(),
        });
        if let Some(schema) = r.body {
            let s = serde_json::to_value(schema()).expect("schema");
            let naam = s.get("title").and_then(Value::as_str).unwrap_or("Body").replace(' ', "");
            let mut s = s;
            if let Some(defs) = s.as_object_mut().and_then(|o| o.remove("$defs")) {
                for (k, v) in defs.as_object().cloned().unwrap_or_default() {
                    schemas.insert(k, v);
                }
            }
            s.as_object_mut().map(|o| o.remove("$schema"));
            schemas.insert(naam.clone(), s);
            op["requestBody"] =
                json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{naam}") } } } });
        }
        match r.toegang {
            Toegang::Openbaar => op["security"] = json!([]),
            Toegang::Rollen(rollen) => {
                op["security"] = json!([{ "token": [] }, { "sessie": [] }]);
                op["x-rollen"] = json!(rollen.iter().map(|r| r.code()).collect::<Vec<_>>());
                op["description"] = json!(format!("Rollen: {}.", rollen.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ")));
                let antwoorden = op["responses"].as_object_mut().expect("antwoorden");
                antwoorden.entry("401").or_insert(
                    json!({ "description": "niet ingelogd of token ongeldig", "content": { "application/problem+json": { "schema": { "type": "object" } } } }),
                );
                antwoorden.entry("403").or_insert(json!({ "description": "rol niet toegestaan, of CSRF-token ontbreekt", "content": { "application/problem+json": { "schema": { "type": "object" } } } }));
            }
        }
        if leest_json(r) {
            op["responses"].as_object_mut().expect("antwoorden").entry("415").or_insert(
                json!({ "description": "de body is geen JSON (Content-Type: application/json)", "content": { "application/problem+json": { "schema": { "type": "object" } } } }),
            );
        }
        if matches!(r.methode, "POST") {
            op["parameters"].as_array_mut().expect("lijst").push(json!({
                "name": "Idempotency-Key", "in": "header", "required": false, "schema": { "type": "string", "maxLength": 200 },
                "description": "Een herhaling met dezelfde sleutel doet niets opnieuw en krijgt hetzelfde antwoord."
            }));
        }
        if matches!(r.methode, "PUT") || r.pad.ends_with("/statusovergangen") && r.methode == "POST" {
            op["parameters"].as_array_mut().expect("lijst").push(json!({
                "name": "If-Match", "in": "header", "required": true, "schema": { "type": "string" },
                "description": "De ETag (versie) die u las; voorkomt dat u andermans wijziging overschrijft."
            }));
        }
        paden.entry(format!("/api/v1{}", r.pad)).or_insert_with(|| json!({}))[r.methode.to_lowercase()] = op;
    }
    // $ref's in de schema's wijzen naar #/$defs/…; in OpenAPI staan ze onder components.
    let tekst = serde_json::to_string(&json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Volkshuisvestingsfonds (vhf)",
            "version": super::API_VERSIE,
            "description": "API van het Volkshuisvestingsfonds: aanvragen, indienen binnen het loket met ontvangstbewijs, bevindingen, levensloop en rondes. Fouten als application/problem+json (RFC 9457); elk antwoord heeft de kop API-Version.",
        },
        "paths": paden,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": { "type": "http", "scheme": "bearer", "description": "API-token voor systeemkoppelingen (vhf token maak); reikwijdte lezen of schrijven" },
                "sessie": { "type": "apiKey", "in": "cookie", "name": super::identiteit::COOKIE, "description": "Sessie na inloggen via /auth/inloggen; wijzigingen vragen de kop X-CSRF-Token" },
            },
        },
    }))
    .expect("JSON")
    .replace("#/$defs/", "#/components/schemas/");
    serde_json::from_str(&tekst).expect("JSON")
}

/// Middleware om de hele router: een adres met een NUL-teken (`%00`) in pad of zoekvraag is nooit een geldig id,
/// kenmerk of filter; 400 voordat het een databasevraag wordt (PostgreSQL kan het niet eens vergelijken).
pub async fn weiger_nul_in_adres(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let adres = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("");
    if adres.as_bytes().windows(3).any(|w| w.eq_ignore_ascii_case(b"%00")) {
        return super::fout::ApiFout::Status {
            code: axum::http::StatusCode::BAD_REQUEST,
            titel: "Ongeldig adres".into(),
            detail: "Het adres bevat een NUL-teken (%00); geen id, kenmerk of filter bevat dat.".into(),
        }
        .into_response();
    }
    next.run(req).await
}
