//! Eén fouttype voor de API: elke fout wordt een problem+json-antwoord (RFC 9457) met een Nederlandse titel en
//! uitleg. Interne fouten worden gelogd; de klant ziet alleen dat er iets misging, met een verwijzing.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug)]
pub enum ApiFout {
    NietGevonden,
    /// De invoer is geen geldige aanvraag: met regel, kolom en veld.
    Ongeldig {
        detail: String,
        velden: Vec<OngeldigVeld>,
    },
    /// De actie past niet bij de toestand (bijvoorbeeld wijzigen na indiening).
    Conflict(String),
    /// If-Match ontbreekt bij een wijziging.
    VersieOntbreekt,
    /// Iemand anders heeft de aanvraag intussen gewijzigd.
    VersieVerouderd {
        huidige: i64,
    },
    /// De regeling staat het niet toe (bijvoorbeeld indienen buiten het loket).
    Regel {
        titel: String,
        detail: String,
    },
    Intern(String),
    /// Een andere status met eigen titel en uitleg (413 te groot, 415 soort bestand).
    Status {
        code: StatusCode,
        titel: String,
        detail: String,
    },
    /// 401: niet ingelogd; `true` als de sessie verliep.
    NietIngelogd(bool),
    /// 401 met een eigen uitleg (ongeldig token).
    NietIngelogdMet(String),
    /// 403: ingelogd, maar niet bevoegd.
    GeenRecht(String),
    /// 429: te veel mislukte pogingen; probeer het na zoveel seconden opnieuw.
    TeVeelPogingen(u64),
    /// Geen fout: het bewaarde antwoord op een eerder verzoek met dezelfde Idempotency-Key.
    Herhaald(Box<crate::handelingen::Herhaling>),
}

#[derive(Debug, Serialize)]
pub struct OngeldigVeld {
    pub name: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// Bij een rekenblad (het Excel-sjabloon): het blad en de cel, zoals `Maatregelen` en `J3`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

#[derive(Serialize)]
struct Probleem<'a> {
    #[serde(rename = "type")]
    soort: &'a str,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(rename = "invalid-params", skip_serializing_if = "Vec::is_empty")]
    velden: Vec<OngeldigVeld>,
}

impl From<crate::db::DbFout> for ApiFout {
    fn from(e: crate::db::DbFout) -> Self {
        ApiFout::Intern(e.to_string())
    }
}

impl From<sqlx::Error> for ApiFout {
    fn from(e: sqlx::Error) -> Self {
        ApiFout::Intern(format!("database: {e}"))
    }
}

impl IntoResponse for ApiFout {
    fn into_response(self) -> Response {
        let (status, soort, titel, detail, velden) = match self {
            ApiFout::NietGevonden => (StatusCode::NOT_FOUND, "niet-gevonden", "Niet gevonden", "Dit bestaat niet, of u mag het niet zien.".to_string(), vec![]),
            ApiFout::Ongeldig { detail, velden } => (StatusCode::UNPROCESSABLE_ENTITY, "ongeldige-invoer", "Ongeldige invoer", detail, velden),
            ApiFout::Conflict(d) => (StatusCode::CONFLICT, "conflict", "Niet mogelijk in deze toestand", d, vec![]),
            ApiFout::VersieOntbreekt => (
                StatusCode::PRECONDITION_REQUIRED,
                "versie-ontbreekt",
                "Versie ontbreekt",
                "Stuur de versie die u heeft gelezen mee in de kop If-Match (de ETag), zodat u niet per ongeluk andermans wijziging overschrijft.".to_string(),
                vec![],
            ),
            ApiFout::VersieVerouderd { huidige } => (
                StatusCode::PRECONDITION_FAILED,
                "versie-verouderd",
                "Intussen gewijzigd",
                format!("Iemand anders heeft deze aanvraag intussen gewijzigd (nu versie {huidige}). Haal haar opnieuw op en breng uw wijziging daarin aan."),
                vec![],
            ),
            ApiFout::Herhaald(h) => return herhaald(*h),
            ApiFout::NietIngelogd(verlopen) => {
                let detail = if verlopen {
                    "Uw sessie is verlopen (te lang niet gebruikt of te lang geleden begonnen). Log opnieuw in."
                } else {
                    "Log in (via /auth/inloggen) of stuur een API-token mee in de kop Authorization: Bearer <token>."
                };
                return niet_ingelogd(detail.to_string());
            }
            ApiFout::NietIngelogdMet(detail) => return niet_ingelogd(detail),
            ApiFout::GeenRecht(d) => (StatusCode::FORBIDDEN, "geen-recht", "Geen toegang", d, vec![]),
            ApiFout::TeVeelPogingen(seconden) => {
                let mut r = probleem(
                    StatusCode::TOO_MANY_REQUESTS,
                    "te-veel-pogingen",
                    "Te veel pogingen",
                    format!("Er zijn te veel mislukte inlogpogingen gedaan. Probeer het over {} minuten opnieuw.", seconden.div_ceil(60)),
                    vec![],
                );
                r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconden));
                return r;
            }
            ApiFout::Status { code, titel, detail } => {
                let soort = match code {
                    StatusCode::FORBIDDEN => "geen-recht",
                    StatusCode::PAYLOAD_TOO_LARGE => "te-groot",
                    StatusCode::UNSUPPORTED_MEDIA_TYPE => "soort-niet-ondersteund",
                    StatusCode::BAD_GATEWAY => "dienst-onbereikbaar",
                    StatusCode::BAD_REQUEST => "ongeldig-verzoek",
                    _ => "verzoek",
                };
                return probleem(code, soort, &titel, detail, vec![]);
            }
            ApiFout::Regel { titel, detail } => return probleem(StatusCode::UNPROCESSABLE_ENTITY, "regeling", &titel, detail, vec![]),
            ApiFout::Intern(e) => {
                let kenmerk = format!("{:x}", jiff::Timestamp::now().as_microsecond());
                tracing::error!(fout = %e, kenmerk = %kenmerk, "interne fout");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "intern",
                    "Er ging iets mis",
                    format!("Er ging aan onze kant iets mis; er is niets half opgeslagen. Kenmerk: {kenmerk}."),
                    vec![],
                )
            }
        };
        probleem(status, soort, titel, detail, velden)
    }
}

fn niet_ingelogd(detail: String) -> Response {
    let mut r = probleem(StatusCode::UNAUTHORIZED, "niet-ingelogd", "Niet ingelogd", detail, vec![]);
    r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"vhf\""));
    r
}

fn probleem(status: StatusCode, soort: &str, titel: &str, detail: String, velden: Vec<OngeldigVeld>) -> Response {
    let soort = format!("https://vhf.example/problemen/{soort}");
    let body = serde_json::to_vec(&Probleem { soort: &soort, title: titel, status: status.as_u16(), detail, velden }).expect("JSON");
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    r
}

/// Ook de foutantwoorden die niet uit onze handlers komen (onbekende route, verkeerde methode, te grote body,
/// een extractor die weigert) worden problem+json met een Nederlandse titel, zodat een klant altijd hetzelfde
/// formaat krijgt.
pub async fn als_probleem(r: Response) -> Response {
    let status = r.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return r;
    }
    let soort = r.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if soort.starts_with("application/problem+json") || soort.starts_with("text/html") {
        return r;
    }
    let tekst = axum::body::to_bytes(r.into_body(), 64 * 1024).await.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    let (naam, titel) = match status {
        StatusCode::NOT_FOUND => ("niet-gevonden", "Niet gevonden"),
        StatusCode::METHOD_NOT_ALLOWED => ("methode-niet-toegestaan", "Deze methode kan hier niet"),
        StatusCode::PAYLOAD_TOO_LARGE => ("te-groot", "Verzoek te groot"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("soort-niet-ondersteund", "Soort inhoud niet ondersteund"),
        s if s.is_server_error() => ("intern", "Er ging iets mis"),
        _ => ("ongeldig-verzoek", "Ongeldig verzoek"),
    };
    let detail = if tekst.trim().is_empty() { titel.to_string() } else { tekst.trim().to_string() };
    probleem(status, naam, titel, detail, vec![])
}

/// Het bewaarde antwoord op een eerder verzoek met dezelfde Idempotency-Key, zoals het toen gegeven werd: status,
/// body, ETag (als er een versie is) en Location (als er een aanvraag-id is), met de kop `Idempotent-Replayed`.
fn herhaald(h: crate::handelingen::Herhaling) -> Response {
    let status = StatusCode::from_u16(h.status).unwrap_or(StatusCode::OK);
    let mut r = (status, axum::Json(&h.antwoord)).into_response();
    if let Some(v) = h.antwoord.get("versie").and_then(serde_json::Value::as_i64) {
        r.headers_mut().insert(header::ETAG, HeaderValue::from_str(&format!("\"{v}\"")).expect("getal"));
    }
    if let Some(id) = h.antwoord.get("id").and_then(serde_json::Value::as_str)
        && let Ok(l) = HeaderValue::from_str(&format!("/api/v1/aanvragen/{id}"))
    {
        r.headers_mut().insert(header::LOCATION, l);
    }
    r.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    r
}
