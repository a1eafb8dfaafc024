//! `/api/v1/aanvragen`: concept maken en wijzigen (met If-Match), indienen binnen het loket met ontvangstbewijs,
//! bevindingen, statusovergangen. Maken, wijzigen, indienen en statusovergangen zijn handelingen
//! (`handelingen/aanvragen.rs`); de handlers hier vertalen HTTP (koppen, JSON, status) naar die aanroepen. Elke POST kan een `Idempotency-Key` meekrijgen: een herhaling met dezelfde
//! sleutel doet niets opnieuw en krijgt hetzelfde antwoord.
//!
//! Een indiening wordt pas bevestigd na de commit (SQLite: WAL met `synchronous=FULL`): wie een ontvangstbewijs
//! heeft, heeft een aanvraag die een crash overleeft. Een mislukt verzoek laat niets half achter: alles gebeurt
//! in één transactie.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};
use vhf_core::aanvraag::Aanvraag;
use vhf_core::levensloop::Status;
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;
use vhf_core::toetsing;

use super::AppState;
use super::fout::{ApiFout, OngeldigVeld};
use super::identiteit::Identiteit;
use super::routes::{Aanvrager, Basis, Behandelaar, DOSSIERLEZERS, LEZERS, Route, Toegang};
use crate::db::aanvragen::{self as db, AanvraagRij, IndieningRij};
use crate::handelingen::Verzoek;
use crate::handelingen::aanvragen::{self as handeling, Versie, penvoerder_van, samenvatting, volledig, volledig_json};
use crate::toegang::Rol;

fn aanvraag_schema() -> schemars::Schema {
    vhf_core::aanvraag_schema()
}

pub fn routes() -> Vec<Route> {
    const LEZEN: &[(u16, &str)] = &[(200, "gevonden"), (404, "bestaat niet of niet zichtbaar")];
    vec![
        Route {
            methode: "POST",
            pad: "/aanvragen",
            samenvatting: "Maak een concept-aanvraag (zonder ingediend_op)",
            body: Some(aanvraag_schema),
            antwoorden: &[(201, "aangemaakt; ETag is de versie"), (409, "kenmerk bestaat al in de ronde"), (422, "ongeldige aanvraag, met veld en regel")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Aanvrager]),
            handler: post(maak),
        },
        Route {
            methode: "POST",
            pad: "/aanvragen/import",
            samenvatting: "Maak een concept-aanvraag uit een ingevuld Excel-sjabloon (de body is het XLSX-bestand; het sjabloon: /openbaar/sjabloon-aanvraag.xlsx); dezelfde lezer en controles als een JSON-aanvraag",
            body: None,
            antwoorden: &[
                (201, "aangemaakt; ETag is de versie"),
                (409, "kenmerk bestaat al in de ronde"),
                (413, "bestand te groot"),
                (415, "geen XLSX"),
                (422, "ongeldig blad: per fout blad (sheet), cel (cell), veld en reden"),
            ],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Aanvrager]),
            handler: post(importeer),
        },
        Route {
            methode: "GET",
            pad: "/aanvragen",
            samenvatting: "Aanvragen, per pagina (?ronde, ?pagina, ?per_pagina)",
            body: None,
            antwoorden: &[(200, "een pagina")],
            basis: Basis::Api,
            toegang: LEZERS,
            handler: get(lijst),
        },
        Route {
            methode: "GET",
            pad: "/aanvragen/{id}",
            samenvatting: "Eén aanvraag met inhoud, status en versie (ETag)",
            body: None,
            antwoorden: LEZEN,
            basis: Basis::Api,
            toegang: LEZERS,
            handler: get(haal),
        },
        Route {
            methode: "PUT",
            pad: "/aanvragen/{id}",
            samenvatting: "Wijzig een concept (If-Match verplicht)",
            body: Some(aanvraag_schema),
            antwoorden: &[
                (200, "gewijzigd"),
                (409, "niet meer wijzigbaar"),
                (412, "intussen door een ander gewijzigd"),
                (428, "If-Match ontbreekt"),
                (422, "ongeldig"),
            ],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Aanvrager]),
            handler: put(wijzig),
        },
        Route {
            methode: "POST",
            pad: "/aanvragen/{id}/indiening",
            samenvatting: "Dien in: alleen binnen het loket; bevriest de inhoud en geeft het ontvangstbewijs",
            body: None,
            antwoorden: &[
                (201, "ingediend, met ontvangstbewijs"),
                (404, "bestaat niet"),
                (409, "niet in te dienen in deze status"),
                (412, "If-Match klopt niet"),
                (422, "loket gesloten (met uitleg E01) of ongeldige kop"),
            ],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Aanvrager]),
            handler: post(dien_in),
        },
        Route {
            methode: "POST",
            pad: "/aanvragen/{id}/aanvullingen",
            samenvatting: "Lever een aanvulling (de volledige aanvraag) nadat de behandelaar erom vroeg (If-Match verplicht)",
            body: Some(aanvraag_schema),
            antwoorden: &[
                (201, "aanvulling vastgelegd met SHA-256; de aanvraag is weer ingediend"),
                (404, "bestaat niet"),
                (409, "er is geen aanvulling gevraagd"),
                (412, "intussen gewijzigd"),
                (422, "ongeldig"),
                (428, "If-Match ontbreekt"),
            ],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Aanvrager]),
            handler: post(vul_aan),
        },
        Route {
            methode: "POST",
            pad: "/aanvragen/{id}/deelplannen/{deelplan}/prioriteitsvaststelling",
            samenvatting: "Het prioriteitsgebied van een deelplan vaststellen: {\"gebied\": id of null (geen), \"reden\"}; de verdeling rekent met de laatste vaststelling",
            body: None,
            antwoorden: &[
                (201, "vastgesteld (volgnummer)"),
                (404, "aanvraag of deelplan bestaat niet (of niet zichtbaar)"),
                (409, "nog een concept"),
                (422, "geen reden, of geen gebied van de lijst voor deze gemeente"),
            ],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Behandelaar]),
            handler: post(prioriteitsvaststelling),
        },
        Route {
            methode: "GET",
            pad: "/aanvragen/{id}/aanvullingen",
            samenvatting: "De aanvullingen: volgnummer, SHA-256, wie, wanneer",
            body: None,
            antwoorden: LEZEN,
            basis: Basis::Api,
            toegang: DOSSIERLEZERS,
            handler: get(aanvullingen),
        },
        Route {
            methode: "GET",
            pad: "/aanvragen/{id}/ontvangstbewijs",
            samenvatting: "Het ontvangstbewijs met de bevroren inhoud",
            body: None,
            antwoorden: &[(200, "het bewijs"), (404, "bestaat niet"), (409, "nog niet ingediend")],
            basis: Basis::Api,
            toegang: DOSSIERLEZERS,
            handler: get(ontvangstbewijs),
        },
        Route {
            methode: "GET",
            pad: "/aanvragen/{id}/ontvangstbewijs/inhoud",
            samenvatting: "De ingediende inhoud als precies de bytes waarover de SHA-256 van het ontvangstbewijs gaat",
            body: None,
            antwoorden: &[(200, "de bytes (application/json)"), (404, "bestaat niet"), (409, "nog niet ingediend")],
            basis: Basis::Api,
            toegang: DOSSIERLEZERS,
            handler: get(ontvangstbewijs_inhoud),
        },
        Route {
            methode: "GET",
            pad: "/aanvragen/{id}/bevindingen",
            samenvatting: "Bevindingen E01–E16 met uitleg en parameters",
            body: None,
            antwoorden: LEZEN,
            basis: Basis::Api,
            toegang: LEZERS,
            handler: get(bevindingen),
        },
        Route {
            methode: "GET",
            pad: "/aanvragen/{id}/statusovergangen",
            samenvatting: "De levensloop: elke overgang met wie, wanneer, waarom",
            body: None,
            antwoorden: LEZEN,
            basis: Basis::Api,
            toegang: DOSSIERLEZERS,
            handler: get(overgangen),
        },
        Route {
            methode: "POST",
            pad: "/aanvragen/{id}/statusovergangen",
            samenvatting: "Een statusovergang door de behandelaar of het ministerie ({naar, reden}; If-Match verplicht)",
            body: None,
            antwoorden: &[
                (200, "overgegaan"),
                (404, "bestaat niet"),
                (409, "overgang niet toegestaan"),
                (412, "intussen gewijzigd"),
                (422, "ongeldige overgang of kop"),
                (428, "If-Match ontbreekt"),
            ],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Behandelaar, Rol::Beslisser]),
            handler: post(nieuwe_overgang),
        },
        Route {
            methode: "GET",
            pad: "/aanvragen/{id}/audit",
            samenvatting: "Het audittrail van één aanvraag: elke wijziging met wie, rol, wanneer, voor/na en verzoek-id",
            body: None,
            antwoorden: LEZEN,
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Behandelaar, Rol::Auditor]),
            handler: get(audit),
        },
    ]
}

fn etag(versie: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{versie}\"")).expect("getal")
}

/// Leest een aanvraag uit de body, met regel, kolom en veld bij een fout.
fn lees(body: &str) -> Result<Aanvraag, ApiFout> {
    vhf_core::invoer::lees_aanvraag(body).map_err(|e| ApiFout::Ongeldig {
        detail: format!("De aanvraag is niet te lezen: {e}"),
        velden: vec![OngeldigVeld {
            name: e.veld.clone().unwrap_or_default(),
            reason: e.melding.clone(),
            line: e.regel,
            column: e.kolom,
            sheet: None,
            cell: None,
        }],
    })
}

fn met_versie(status: StatusCode, body: Value, versie: i64, locatie: Option<&str>) -> Response {
    met_versie_json(status, body.to_string(), versie, locatie)
}

/// Als [`met_versie`], met de body al als JSON-tekst ([`volledig_json`]).
fn met_versie_json(status: StatusCode, body: String, versie: i64, locatie: Option<&str>) -> Response {
    let mut r = (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response();
    r.headers_mut().insert(header::ETAG, etag(versie));
    if let Some(l) = locatie {
        r.headers_mut().insert(header::LOCATION, HeaderValue::from_str(l).expect("pad"));
    }
    r
}

/// De versie uit If-Match (`"3"`, `3` of `*`); verplicht bij wijzigen.
fn if_match(h: &HeaderMap) -> Result<Versie, ApiFout> {
    let v = h.get(header::IF_MATCH).ok_or(ApiFout::VersieOntbreekt)?;
    let s = v.to_str().map_err(|_| ApiFout::VersieOntbreekt)?.trim().trim_start_matches("W/").trim_matches('"');
    s.parse().map(Versie::Precies).or_else(|_| {
        if s == "*" {
            Ok(Versie::Elke)
        } else {
            Err(ApiFout::Ongeldig { detail: format!("If-Match '{s}' is geen versie (de ETag van de aanvraag)"), velden: vec![] })
        }
    })
}

/// De sleutel uit de kop Idempotency-Key, als die er is.
pub(super) fn idempotentiesleutel(h: &HeaderMap) -> Result<Option<String>, ApiFout> {
    h.get("idempotency-key")
        .map(|v| v.to_str().map(String::from).map_err(|_| ApiFout::Ongeldig { detail: "Idempotency-Key moet gewone tekst zijn".into(), velden: vec![] }))
        .transpose()
}

/// Het verzoek voor een handeling: de sleutel uit de kop, en route en body waarover die gaat.
pub(super) fn verzoek<'a>(s: &'a AppState, ident: &'a Identiteit, h: &HeaderMap, route: &str, body: &str) -> Result<Verzoek<'a>, ApiFout> {
    Verzoek::nieuw(s, ident, idempotentiesleutel(h)?, route, body)
}

/// Begint een schrijvende transactie met de idempotentie van de kop (voor routes die nog geen eigen handeling
/// hebben); zie [`Verzoek::begin`].
pub(super) async fn begin(
    s: &AppState,
    ident: &Identiteit,
    h: &HeaderMap,
    route: &str,
    body: &str,
) -> Result<(crate::db::Schrijftransactie, Option<(String, String)>), ApiFout> {
    verzoek(s, ident, h, route, body)?.begin().await
}

/// Sluit een transactie met idempotentie af (zie [`crate::handelingen::afronden`]).
pub(super) async fn afronden(tx: crate::db::Schrijftransactie, sleutel: Option<(String, String)>, status: StatusCode, body: &Value) -> Result<(), ApiFout> {
    crate::handelingen::afronden(tx, sleutel, status.as_u16(), body).await
}

async fn maak(State(s): State<AppState>, ident: Identiteit, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let a = lees(&body)?;
    let rij = handeling::maak(&verzoek(&s, &ident, &h, "POST /aanvragen", &body)?, a).await?;
    Ok(met_versie_json(StatusCode::CREATED, volledig_json(&rij)?, rij.versie, Some(&format!("/api/v1/aanvragen/{}", rij.id))))
}

/// Een ingevuld Excel-sjabloon als concept: het blad wordt het JSON-bestand van de aanvraag, dat dezelfde weg
/// gaat als `POST /aanvragen` (ook voor de Idempotency-Key: die hoort bij de vertaalde aanvraag).
async fn importeer(State(s): State<AppState>, ident: Identiteit, h: HeaderMap, body: axum::body::Bytes) -> Result<Response, ApiFout> {
    let soort = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if soort != crate::spreadsheet::XLSX && soort != "application/octet-stream" {
        return Err(ApiFout::Status {
            code: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            titel: "Soort inhoud niet ondersteund".into(),
            detail: format!(
                "Stuur het ingevulde sjabloon als XLSX (Content-Type: {}); kreeg {}.",
                crate::spreadsheet::XLSX,
                if soort.is_empty() { "geen Content-Type" } else { &soort }
            ),
        });
    }
    let (a, json) = lees_blad(&body)?;
    let rij = handeling::maak(&verzoek(&s, &ident, &h, "POST /aanvragen/import", &json)?, a).await?;
    Ok(met_versie_json(StatusCode::CREATED, volledig_json(&rij)?, rij.versie, Some(&format!("/api/v1/aanvragen/{}", rij.id))))
}

/// Leest een ingevuld sjabloon; elke fout met blad, cel en veld.
pub(crate) fn lees_blad(bytes: &[u8]) -> Result<(Aanvraag, String), ApiFout> {
    if !crate::spreadsheet::aanvraag::is_xlsx(bytes) {
        return Err(ApiFout::Status {
            code: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            titel: "Geen XLSX".into(),
            detail: "Dit bestand is geen Excel-werkmap (.xlsx); gebruik het sjabloon van /openbaar/sjabloon-aanvraag.xlsx.".into(),
        });
    }
    crate::spreadsheet::aanvraag::lees_aanvraag(bytes).map_err(|fouten| ApiFout::Ongeldig {
        detail: format!("Het blad is niet te lezen: {}", fouten.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
        velden: fouten
            .into_iter()
            .map(|f| OngeldigVeld { name: f.veld.unwrap_or_default(), reason: f.melding, line: None, column: None, sheet: Some(f.blad), cell: f.cel })
            .collect(),
    })
}

#[derive(Deserialize)]
struct Pagina {
    ronde: Option<String>,
    pagina: Option<i64>,
    per_pagina: Option<i64>,
}

async fn lijst(State(s): State<AppState>, ident: Identiteit, q: Result<Query<Pagina>, axum::extract::rejection::QueryRejection>) -> Result<Response, ApiFout> {
    let Query(q) = q.map_err(|e| ApiFout::Ongeldig { detail: format!("pagina en per_pagina zijn hele getallen ({e})"), velden: vec![] })?;
    let pagina = q.pagina.unwrap_or(1);
    let per_pagina = q.per_pagina.unwrap_or(50);
    if pagina < 1 || !(1..=500).contains(&per_pagina) {
        return Err(ApiFout::Ongeldig { detail: "pagina is ten minste 1; per_pagina is 1 tot en met 500".into(), velden: vec![] });
    }
    // Een pagina voorbij het einde is leeg; een pagina waarvan het begin niet eens in een getal past, is een fout
    // (niet stil omslaan naar pagina 1).
    if (pagina - 1).checked_mul(per_pagina).is_none() {
        return Err(ApiFout::Status {
            code: StatusCode::BAD_REQUEST,
            titel: "Pagina bestaat niet".into(),
            detail: format!("Pagina {pagina} met {per_pagina} per pagina begint voorbij elk mogelijk aantal aanvragen."),
        });
    }
    let mut c = s.db.lees().await?;
    let (rijen, totaal) = db::lijst(&mut c, q.ronde.as_deref(), &ident.gebruiker()?.zicht(), pagina, per_pagina).await?;
    Ok(axum::Json(json!({
        "data": rijen.iter().map(samenvatting).collect::<Vec<_>>(),
        "pagina": pagina,
        "per_pagina": per_pagina,
        "totaal": totaal,
    }))
    .into_response())
}

/// De aanvraag als de gebruiker haar mag zien; anders 404, ook als ze bestaat.
pub(super) async fn haal_rij(s: &AppState, ident: &Identiteit, id: &str) -> Result<AanvraagRij, ApiFout> {
    let mut c = s.db.lees().await?;
    db::haal(&mut c, id, &ident.gebruiker()?.zicht()).await?.ok_or(ApiFout::NietGevonden)
}

/// Voor een commissielid: de deelplannen van deze aanvraag die hem zijn toegewezen (hij ziet alleen die); voor
/// andere rollen `None` (geen beperking).
pub(super) async fn toegewezen(s: &AppState, ident: &Identiteit, r: &AanvraagRij) -> Result<Option<std::collections::BTreeSet<String>>, ApiFout> {
    let g = ident.gebruiker()?;
    if g.rol != Rol::Commissielid {
        return Ok(None);
    }
    let mut c = s.db.lees().await?;
    let v = crate::db::toegang::toegewezen(&mut c, &r.ronde, &g.id).await?;
    Ok(Some(v.into_iter().filter(|(a, _)| *a == r.id).map(|(_, d)| d).collect()))
}

/// Wat een commissielid van een bevinding over de hele aanvraag ziet, als uitleg: de getallen van zo'n bevinding
/// gaan ook over deelplannen die niet aan hem zijn toegewezen.
const AANVRAAGBREED: &str =
    "Bevinding over de hele aanvraag. De uitleg en de getallen zijn weggelaten: ze gaan ook over deelplannen die niet aan u zijn toegewezen.";

/// Houdt in een aanvraag of verslag alleen over wat uit de toegewezen deelplannen volgt: elke lijst
/// `deelplannen` (op `id` of `deelplan`), de `documenten` van die deelplannen (niet die van andere, en niet die
/// van de hele aanvraag), bevindingen over die deelplannen. Alles wat uit alle deelplannen samen volgt, gaat weg:
/// de totalen van de indicatoren (anders is een verborgen deelplan er precies uit terug te rekenen), en van een
/// bevinding over de hele aanvraag blijven alleen regel, titel, uitkomst en bron.
pub(super) fn beperk(v: &mut Value, deelplannen: &std::collections::BTreeSet<String>) {
    let hoort = |x: &Value, veld: &str| x.get(veld).and_then(Value::as_str).is_some_and(|d| deelplannen.contains(d));
    match v {
        Value::Object(o) => {
            for (k, w) in o.iter_mut() {
                match (k.as_str(), &mut *w) {
                    ("deelplannen", Value::Array(a)) => a.retain(|x| hoort(x, "id") || hoort(x, "deelplan")),
                    ("documenten", Value::Array(a)) => a.retain(|x| hoort(x, "deelplan")),
                    ("bevindingen", Value::Array(a)) => {
                        a.retain(|x| x.get("deelplan").is_none_or(Value::is_null) || hoort(x, "deelplan"));
                        for b in a.iter_mut().filter(|x| x.get("deelplan").is_none_or(Value::is_null)) {
                            if let Value::Object(b) = b {
                                b.retain(|k, _| matches!(k.as_str(), "regel" | "titel" | "uitkomst" | "niveau" | "bron"));
                                b.insert("uitleg".into(), Value::String(AANVRAAGBREED.into()));
                            }
                        }
                    }
                    ("indicatoren", Value::Object(i)) => i.retain(|k, _| k == "deelplannen"),
                    _ => {}
                }
                beperk(w, deelplannen);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| beperk(x, deelplannen)),
        _ => {}
    }
}

async fn haal(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let r = haal_rij(&s, &ident, &id).await?;
    if let Some(d) = toegewezen(&s, &ident, &r).await? {
        let mut v = volledig(&r)?;
        beperk(&mut v, &d);
        return Ok(met_versie(StatusCode::OK, v, r.versie, None));
    }
    Ok(met_versie_json(StatusCode::OK, volledig_json(&r)?, r.versie, None))
}

async fn wijzig(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let gevraagd = if_match(&h)?;
    // Eerst zien of de aanvraag er is en van de gebruiker is: wie haar niet mag zien, hoort niets over de body.
    let r = haal_rij(&s, &ident, &id).await?;
    penvoerder_van(ident.gebruiker()?, &r.penvoerder)?;
    let a = lees(&body)?;
    let nieuw = handeling::wijzig(&s, &ident, &id, gevraagd, a).await?;
    Ok(met_versie_json(StatusCode::OK, volledig_json(&nieuw)?, nieuw.versie, None))
}

async fn dien_in(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let gevraagd = h.get(header::IF_MATCH).map(|_| if_match(&h)).transpose()?;
    let v = verzoek(&s, &ident, &h, &format!("POST /aanvragen/{id}/indiening"), &body)?;
    let i = handeling::dien_in(&v, &id, gevraagd).await?;
    Ok(met_versie(StatusCode::CREATED, i.antwoord, i.versie, Some(&format!("/api/v1/aanvragen/{id}/ontvangstbewijs"))))
}

fn bewijs(i: &IndieningRij, ronde: &Ronde) -> Value {
    handeling::bewijs(i, ronde)
}

async fn ontvangstbewijs(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let r = haal_rij(&s, &ident, &id).await?;
    let mut c = s.db.lees().await?;
    let i = db::indiening(&mut c, &id).await?.ok_or_else(|| ApiFout::Conflict(format!("De aanvraag is {} en heeft nog geen ontvangstbewijs.", r.status)))?;
    let ronde = Ronde::zoek(&r.ronde).ok_or_else(|| ApiFout::Intern(format!("onbekende ronde {}", r.ronde)))?;
    let mut b = bewijs(&i, ronde);
    b["inhoud"] = serde_json::from_str(&i.inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?;
    b["inhoud_exact"] = Value::String(i.inhoud);
    Ok(axum::Json(b).into_response())
}

/// De ingediende inhoud als precies de bytes waarover de SHA-256 van het ontvangstbewijs gaat, zodat het systeem
/// van een gemeente (of een rechter) het bewijs zelf kan narekenen.
async fn ontvangstbewijs_inhoud(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let r = haal_rij(&s, &ident, &id).await?;
    let mut c = s.db.lees().await?;
    let i = db::indiening(&mut c, &id).await?.ok_or_else(|| ApiFout::Conflict(format!("De aanvraag is {} en heeft nog geen ontvangstbewijs.", r.status)))?;
    let mut resp = i.inhoud.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(header::ETAG, HeaderValue::from_str(&format!("\"{}\"", i.sha256)).expect("hex"));
    h.insert("digest-sha256", HeaderValue::from_str(&i.sha256).expect("hex"));
    Ok(resp)
}

/// Bevindingen: na indiening het bewaarde verslag (met de parameters van toen); bij een concept een toetsing
/// op dit moment, niet bewaard.
async fn bevindingen(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let r = haal_rij(&s, &ident, &id).await?;
    let mut c = s.db.lees().await?;
    if let Some(v) = crate::handelingen::aanvragen::bewaard_verslag(&mut c, &id).await? {
        let mut rapport = v.rapport;
        if let Some(d) = toegewezen(&s, &ident, &r).await? {
            beperk(&mut rapport, &d);
        }
        let op = jiff::Timestamp::from_microsecond(v.berekend_op).ok();
        return Ok(axum::Json(json!({ "bewaard": true, "volgnummer": v.volgnummer, "berekend_op": op, "aanleiding": v.aanleiding, "rapport": rapport }))
            .into_response());
    }
    let a: Aanvraag = serde_json::from_str(&r.inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let ronde = &super::rondes::effectief(&mut c, &r.ronde).await?;
    // E15 op wat er geüpload is.
    let documenten = crate::db::documenten::voor_toetsing(&mut c, &id).await?;
    let t = toetsing::toets_met_documenten(&a, ronde, Referentie::ingebouwd(), (s.klok)(), &documenten).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let mut rapport = serde_json::to_value(t.rapport()).map_err(|e| ApiFout::Intern(e.to_string()))?;
    if let Some(d) = toegewezen(&s, &ident, &r).await? {
        beperk(&mut rapport, &d);
    }
    Ok(axum::Json(json!({ "bewaard": false, "rapport": rapport })).into_response())
}

async fn overgangen(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    haal_rij(&s, &ident, &id).await?;
    let mut c = s.db.lees().await?;
    let v = db::overgangen(&mut c, &id).await?;
    Ok(axum::Json(json!({
        "data": v.iter().map(|o| json!({
            "volgnummer": o.volgnummer, "van": o.van, "naar": o.naar, "actor": o.actor, "reden": o.reden,
            "op": jiff::Timestamp::from_microsecond(o.op).ok(),
        })).collect::<Vec<_>>()
    }))
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Overgang {
    naar: Status,
    reden: String,
}

async fn nieuwe_overgang(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let gevraagd = if_match(&h)?;
    let o: Overgang =
        serde_json::from_str(&body).map_err(|e| ApiFout::Ongeldig { detail: format!("Een statusovergang is {{\"naar\", \"reden\"}}: {e}"), velden: vec![] })?;
    let v = verzoek(&s, &ident, &h, &format!("POST /aanvragen/{id}/statusovergangen"), &body)?;
    let nieuw = handeling::overgang(&v, &id, gevraagd, o.naar, &o.reden).await?;
    Ok(met_versie(StatusCode::OK, samenvatting(&nieuw), nieuw.versie, None))
}

/// Een aanvulling op verzoek: de volledige aanvraag opnieuw, met hetzelfde kenmerk en dezelfde ronde. Het
/// oorspronkelijke ontvangstbewijs blijft; de aanvulling krijgt een eigen volgnummer en SHA-256, de toetsing
/// wordt opnieuw gedaan (met het oorspronkelijke moment van indienen, E15 op de geüploade documenten: ook die
/// van tijdens de aanvulling) en bewaard.
async fn vul_aan(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let gevraagd = if_match(&h)?;
    let v = verzoek(&s, &ident, &h, &format!("POST /aanvragen/{id}/aanvullingen"), &body)?;
    let (versie, antwoord) = handeling::vul_aan(&v, &id, gevraagd, handeling::Aanvulling::Inhoud(Box::new(lees(&body))), "").await?;
    Ok(met_versie(StatusCode::CREATED, antwoord, versie, None))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Prioriteitsvaststelling {
    gebied: Option<String>,
    reden: String,
}

async fn prioriteitsvaststelling(
    State(s): State<AppState>,
    ident: Identiteit,
    Path((id, deelplan)): Path<(String, String)>,
    h: HeaderMap,
    body: String,
) -> Result<Response, ApiFout> {
    let p: Prioriteitsvaststelling = serde_json::from_str(&body)
        .map_err(|e| ApiFout::Ongeldig { detail: format!("Een vaststelling is {{\"gebied\": id of null, \"reden\"}}: {e}"), velden: vec![] })?;
    let v = verzoek(&s, &ident, &h, &format!("POST /aanvragen/{id}/deelplannen/{deelplan}/prioriteitsvaststelling"), &body)?;
    let n = handeling::stel_prioriteit_vast(&v, &id, &deelplan, p.gebied.clone(), &p.reden).await?;
    Ok((StatusCode::CREATED, axum::Json(json!({ "aanvraag": id, "deelplan": deelplan, "volgnummer": n, "gebied": p.gebied, "reden": p.reden })))
        .into_response())
}

async fn aanvullingen(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    haal_rij(&s, &ident, &id).await?;
    let mut c = s.db.lees().await?;
    let v = db::aanvullingen(&mut c, &id).await?;
    Ok(axum::Json(json!({
        "data": v.iter().map(|(n, sha, door, op)| json!({ "volgnummer": n, "sha256": sha, "door": door, "op": jiff::Timestamp::from_microsecond(*op).ok() })).collect::<Vec<_>>()
    }))
    .into_response())
}

/// Het audittrail van één aanvraag (behandelaar op de zaakpagina, auditor).
async fn audit(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    haal_rij(&s, &ident, &id).await?;
    let mut c = s.db.lees().await?;
    let rijen = crate::db::audit::van_aanvraag(&mut c, &id).await?;
    Ok(axum::Json(json!({ "data": rijen.iter().map(super::beheer::auditregel).collect::<Vec<_>>() })).into_response())
}
