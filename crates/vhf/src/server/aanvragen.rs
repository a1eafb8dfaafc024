//! `/api/v1/aanvragen`: concept maken en wijzigen (met If-Match), indienen binnen het loket met ontvangstbewijs,
//! bevindingen, statusovergangen. Elke POST kan een `Idempotency-Key` meekrijgen: een herhaling met dezelfde
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
use sha2::{Digest, Sha256};
use vhf_core::aanvraag::Aanvraag;
use vhf_core::levensloop::{self, Status};
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;
use vhf_core::toetsing::{self, Regel};

use super::AppState;
use super::fout::{ApiFout, OngeldigVeld};
use super::identiteit::Identiteit;
use super::routes::{Aanvrager, Basis, Behandelaar, DOSSIERLEZERS, LEZERS, Route, Toegang};
use crate::db::aanvragen::{self as db, AanvraagRij, IndieningRij};
use crate::db::{idempotentie, is_uniek_conflict};
use crate::toegang::{Gebruiker, Rol};

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
        velden: vec![OngeldigVeld { name: e.veld.clone().unwrap_or_default(), reason: e.melding.clone(), line: e.regel, column: e.kolom }],
    })
}

fn penvoerder(a: &Aanvraag) -> String {
    a.penvoerder().or_else(|| a.aanvragers.first().copied()).map(|g| g.to_string()).unwrap_or_default()
}

fn samenvatting(r: &AanvraagRij) -> Value {
    json!({
        "id": r.id,
        "ronde": r.ronde,
        "kenmerk": r.kenmerk,
        "penvoerder": r.penvoerder,
        "status": r.status,
        "versie": r.versie,
        "gewijzigd_op": jiff::Timestamp::from_microsecond(r.gewijzigd_op).ok(),
    })
}

fn volledig(r: &AanvraagRij) -> Result<Value, ApiFout> {
    let inhoud: Value = serde_json::from_str(&r.inhoud).map_err(|e| ApiFout::Intern(format!("inhoud van {}: {e}", r.id)))?;
    let mut v = samenvatting(r);
    v["inhoud"] = inhoud;
    Ok(v)
}

fn met_versie(status: StatusCode, body: Value, versie: i64, locatie: Option<&str>) -> Response {
    let mut r = (status, axum::Json(body)).into_response();
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

/// Wat If-Match vraagt: precies deze versie, of (`*`, RFC 9110) welke versie er nu ook is.
#[derive(Clone, Copy)]
enum Versie {
    Precies(i64),
    Elke,
}

impl Versie {
    /// De versie om mee te vergelijken, gegeven de huidige.
    fn of(self, huidige: i64) -> i64 {
        match self {
            Versie::Precies(v) => v,
            Versie::Elke => huidige,
        }
    }
}

fn idempotentiesleutel(h: &HeaderMap) -> Result<Option<String>, ApiFout> {
    match h.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let s = v.to_str().map_err(|_| ApiFout::Ongeldig { detail: "Idempotency-Key moet gewone tekst zijn".into(), velden: vec![] })?;
            if s.is_empty() || s.len() > 200 {
                return Err(ApiFout::Ongeldig { detail: "Idempotency-Key moet 1 tot 200 tekens zijn".into(), velden: vec![] });
            }
            Ok(Some(s.to_string()))
        }
    }
}

fn verzoek_hash(route: &str, body: &str) -> String {
    let h = Sha256::digest(format!("{route}\n{body}").as_bytes());
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// Het bewaarde antwoord op een eerder verzoek met dezelfde sleutel, of een fout als de sleutel bij een ander verzoek hoort.
fn herhaling(b: idempotentie::Bewaard, hash: &str) -> Result<Response, ApiFout> {
    if b.verzoek_hash != hash {
        return Err(ApiFout::Ongeldig {
            detail: "Deze Idempotency-Key is al gebruikt voor een ander verzoek. Gebruik per verzoek een nieuwe sleutel.".into(),
            velden: vec![],
        });
    }
    let body: Value = serde_json::from_str(&b.antwoord).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let status = StatusCode::from_u16(b.status).unwrap_or(StatusCode::OK);
    let mut r = match body.get("versie").and_then(Value::as_i64) {
        Some(v) => met_versie(status, body.clone(), v, None),
        None => (status, axum::Json(body.clone())).into_response(),
    };
    if let Some(id) = body.get("id").and_then(Value::as_str) {
        r.headers_mut().insert(header::LOCATION, HeaderValue::from_str(&format!("/api/v1/aanvragen/{id}")).expect("pad"));
    }
    r.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(r)
}

/// Sluit een transactie met idempotentie af: bewaar het antwoord bij de sleutel en commit.
pub(super) async fn afronden(mut tx: crate::db::Schrijftransactie, sleutel: Option<(String, String)>, status: StatusCode, body: &Value) -> Result<(), ApiFout> {
    if let Some((k, _)) = &sleutel {
        idempotentie::bewaar(&mut tx, k, status.as_u16(), &body.to_string()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Begint een schrijvende transactie. Met een Idempotency-Key wordt de sleutel eerst geclaimd; was het verzoek
/// al gedaan, dan komt het bewaarde antwoord terug als `ApiFout::Herhaald` (geen fout voor de klant).
///
/// De sleutel geldt per gebruiker: dezelfde sleutel van een ander levert nooit diens antwoord op.
pub(super) async fn begin(
    s: &AppState,
    ident: &Identiteit,
    h: &HeaderMap,
    route: &str,
    body: &str,
) -> Result<(crate::db::Schrijftransactie, Option<(String, String)>), ApiFout> {
    let wie = ident.gebruiker.as_ref().map_or("", |g| g.id.as_str());
    let sleutel = idempotentiesleutel(h)?.map(|k| (format!("{wie}\u{1f}{k}"), verzoek_hash(route, body)));
    let mut tx = s.db.schrijf().await?;
    if let Some((k, hash)) = &sleutel
        && !idempotentie::claim(&mut tx, k, hash, (s.klok)().as_microsecond()).await?
    {
        // De sleutel hoort bij een eerder verzoek, dat inmiddels klaar is (de claim wachtte erop). Lezen via de
        // eigen transactie (bij SQLite kan dat verzoek in dezelfde groepscommit zitten) en pas antwoorden als
        // wat we herhalen op schijf staat.
        let bewaard = idempotentie::zoek(&mut tx, k).await?;
        tx.commit().await?;
        return match bewaard {
            Some(b) if b.status != 0 => Err(ApiFout::Herhaald(Box::new(herhaling(b, hash)?))),
            _ => Err(ApiFout::Conflict("Een gelijktijdig verzoek met dezelfde Idempotency-Key is nog bezig; probeer het zo opnieuw.".into())),
        };
    }
    Ok((tx, sleutel))
}

/// Een herhaling van een afgerond verzoek (dezelfde Idempotency-Key): het bewaarde antwoord. `None`: nog niet
/// gedaan (of nog bezig); [`begin`] claimt de sleutel dan in de schrijfbeurt.
async fn al_beantwoord(s: &AppState, ident: &Identiteit, h: &HeaderMap, route: &str, body: &str) -> Result<Option<Response>, ApiFout> {
    let wie = ident.gebruiker.as_ref().map_or("", |g| g.id.as_str());
    let Some(k) = idempotentiesleutel(h)? else { return Ok(None) };
    let mut c = s.db.lees().await?;
    match idempotentie::zoek(&mut c, &format!("{wie}\u{1f}{k}")).await? {
        Some(b) if b.status != 0 => Ok(Some(herhaling(b, &verzoek_hash(route, body))?)),
        _ => Ok(None),
    }
}

/// Alleen gebruikers van de penvoerder wijzigen, dienen in en vullen aan; mede-aanvragers lezen mee.
fn penvoerder_van(g: &Gebruiker, penvoerder: &str) -> Result<(), ApiFout> {
    match g.gemeente {
        Some(eigen) if eigen.to_string() == penvoerder => Ok(()),
        _ => Err(ApiFout::GeenRecht(format!(
            "Alleen de penvoerder ({penvoerder}) maakt, wijzigt en dient deze aanvraag in; u kunt haar als mede-aanvrager lezen."
        ))),
    }
}

/// Alle gemeenten van een aanvraag: aanvragers en penvoerder.
fn gemeenten(a: &Aanvraag) -> Vec<String> {
    let mut v: Vec<String> = a.aanvragers.iter().map(|g| g.to_string()).collect();
    v.push(penvoerder(a));
    v
}

fn sha_van(inhoud: &str) -> String {
    Sha256::digest(inhoud.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

async fn maak(State(s): State<AppState>, ident: Identiteit, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let g = ident.gebruiker()?;
    let a = lees(&body)?;
    penvoerder_van(g, &penvoerder(&a))?;
    if a.ingediend_op.is_some() {
        return Err(ApiFout::Ongeldig {
            detail: "Het moment van indienen zet het loket bij de indiening; laat ingediend_op weg in een concept.".into(),
            velden: vec![OngeldigVeld { name: "ingediend_op".into(), reason: "wordt door het loket gezet".into(), line: None, column: None }],
        });
    }
    // Alles vooraf klaarzetten; in de schrijfbeurt alleen de rijen.
    let nu = (s.klok)().as_microsecond();
    let rij = AanvraagRij {
        id: super::nieuw_id("AV"),
        ronde: a.ronde.clone(),
        kenmerk: a.kenmerk.clone(),
        penvoerder: penvoerder(&a),
        status: Status::Concept,
        versie: 1,
        inhoud: serde_json::to_string(&a).expect("JSON"),
        aangemaakt_op: nu,
        gewijzigd_op: nu,
    };
    let na = json!({ "status": Status::Concept, "versie": 1, "kenmerk": rij.kenmerk, "penvoerder": rij.penvoerder, "sha256": sha_van(&rij.inhoud) });
    let antwoord = volledig(&rij)?;
    let (mut tx, sleutel) = begin(&s, &ident, &h, "POST /aanvragen", &body).await?;
    if let Err(e) = db::voeg_toe(&mut tx, &rij).await {
        return Err(if is_uniek_conflict(&e) {
            ApiFout::Conflict(format!("Uw gemeente heeft in ronde {} al een aanvraag met kenmerk '{}'; kies een ander kenmerk.", a.ronde, a.kenmerk))
        } else {
            e.into()
        });
    }
    crate::db::toegang::zet_aanvraag_gemeenten(&mut tx, &rij.id, &gemeenten(&a)).await?;
    db::voeg_overgang_toe(&mut tx, &rij.id, None, Status::Concept, &ident.actor(), "concept aangemaakt", nu).await?;
    ident.leg_vast(&mut tx, nu, "aanvraag.aangemaakt", format!("aanvraag/{}", rij.id), Some(&rij.id), None, Some(na)).await?;
    afronden(tx, sleutel, StatusCode::CREATED, &antwoord).await?;
    Ok(met_versie(StatusCode::CREATED, antwoord, rij.versie, Some(&format!("/api/v1/aanvragen/{}", rij.id))))
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
    let mut v = volledig(&r)?;
    if let Some(d) = toegewezen(&s, &ident, &r).await? {
        beperk(&mut v, &d);
    }
    Ok(met_versie(StatusCode::OK, v, r.versie, None))
}

async fn wijzig(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let g = ident.gebruiker()?;
    let gevraagd = if_match(&h)?;
    let mut tx = s.db.schrijf().await?;
    let r = db::haal(&mut tx, &id, &g.zicht()).await?.ok_or(ApiFout::NietGevonden)?;
    penvoerder_van(g, &r.penvoerder)?;
    let a = lees(&body)?;
    penvoerder_van(g, &penvoerder(&a))?;
    let verwacht = gevraagd.of(r.versie);
    if !r.status.inhoud_wijzigbaar() {
        return Err(ApiFout::Conflict(format!(
            "De aanvraag is {}; na indiening is de inhoud bevroren. Aanvullingen gaan via een verzoek om aanvulling.",
            r.status
        )));
    }
    if r.versie != verwacht {
        return Err(ApiFout::VersieVerouderd { huidige: r.versie });
    }
    if a.ronde != r.ronde || a.ingediend_op.is_some() {
        return Err(ApiFout::Ongeldig { detail: "De ronde van een aanvraag verandert niet, en ingediend_op zet het loket.".into(), velden: vec![] });
    }
    let inhoud = serde_json::to_string(&a).expect("JSON");
    let nu = (s.klok)().as_microsecond();
    match db::wijzig_inhoud(&mut tx, &id, verwacht, &a.kenmerk, &penvoerder(&a), &inhoud, nu).await {
        Ok(true) => {}
        Ok(false) => return Err(ApiFout::VersieVerouderd { huidige: r.versie + 1 }),
        Err(e) if is_uniek_conflict(&e) => {
            return Err(ApiFout::Conflict(format!(
                "Uw gemeente heeft in ronde {} al een aanvraag met kenmerk '{}'; kies een ander kenmerk.",
                a.ronde, a.kenmerk
            )));
        }
        Err(e) => return Err(e.into()),
    }
    crate::db::toegang::zet_aanvraag_gemeenten(&mut tx, &id, &gemeenten(&a)).await?;
    let nieuw = db::haal_intern(&mut tx, &id).await?.ok_or(ApiFout::NietGevonden)?;
    let voor = json!({ "versie": r.versie, "kenmerk": r.kenmerk, "penvoerder": r.penvoerder, "sha256": sha_van(&r.inhoud) });
    let na = json!({ "versie": nieuw.versie, "kenmerk": nieuw.kenmerk, "penvoerder": nieuw.penvoerder, "sha256": sha_van(&nieuw.inhoud) });
    ident.leg_vast(&mut tx, nu, "aanvraag.gewijzigd", format!("aanvraag/{id}"), Some(&id), Some(voor), Some(na)).await?;
    tx.commit().await?;
    Ok(met_versie(StatusCode::OK, volledig(&nieuw)?, nieuw.versie, None))
}

/// Indienen: alleen binnen het loket (klok van de server, Europe/Amsterdam), de inhoud wordt bevroren met een
/// SHA-256, de toetsing wordt met de gebruikte parameters bewaard, en het ontvangstbewijs volgt pas na de commit.
///
/// Lezen, toetsen en het rapport opmaken gebeuren vóór de schrijfbeurt, op een leesverbinding; in de schrijfbeurt
/// alleen nog de rijen, met twee controles dat wat vooraf gelezen is nog klopt: de versie van de aanvraag
/// (optimistisch, in de UPDATE) en het aantal parameterwijzigingen van de ronde. Is er intussen iets veranderd,
/// dan begint het opnieuw met wat er nu staat — net zoals wanneer het verzoek iets later was gekomen. Het moment
/// van indienen is het moment waarop het loket het verzoek in behandeling nam.
async fn dien_in(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let g = ident.gebruiker()?;
    let route = format!("POST /aanvragen/{id}/indiening");
    let nu = (s.klok)();
    for _ in 0..3 {
        // Vooraf, buiten de schrijfbeurt. Weigert het al (ingediend, andere versie, …), dan kan het een herhaling
        // zijn van een verzoek dat al lukte: dan het bewaarde antwoord.
        let vooraf = async {
            let mut c = s.db.lees().await?;
            let r = db::haal(&mut c, &id, &g.zicht()).await?.ok_or(ApiFout::NietGevonden)?;
            let (ronde, wijzigingen) = super::rondes::effectief_met_aantal(&mut c, &r.ronde).await?;
            penvoerder_van(g, &r.penvoerder)?;
            if let Some(v) = h.get(header::IF_MATCH).map(|_| if_match(&h)).transpose()?
                && v.of(r.versie) != r.versie
            {
                return Err(ApiFout::VersieVerouderd { huidige: r.versie });
            }
            levensloop::overgang(r.status, Status::Ingediend).map_err(|e| ApiFout::Conflict(format!("Indienen kan niet: {e}.")))?;
            Ok((r, ronde, wijzigingen))
        };
        let (r, ronde, wijzigingen) = match vooraf.await {
            Ok(x) => x,
            Err(e) => return al_beantwoord(&s, &ident, &h, &route, &body).await?.ok_or(e),
        };
        let mut a: Aanvraag = serde_json::from_str(&r.inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?;
        a.ingediend_op = Some(nu);
        let t = toetsing::toets(&a, &ronde, Referentie::ingebouwd(), nu).map_err(|e| ApiFout::Intern(e.to_string()))?;
        if let Some(b) = t.bevindingen.iter().find(|b| b.regel == Regel::E01 && b.uitkomst == toetsing::Uitkomst::Fout) {
            return Err(ApiFout::Regel { titel: "Het loket is gesloten".into(), detail: t.uitleg(b) });
        }
        let rapport = serde_json::to_string(&t.rapport()).expect("JSON");
        let inhoud = serde_json::to_string(&a).expect("JSON");
        let sha = levensloop::inhoudshash(&a);
        let ontvangst = IndieningRij {
            aanvraag_id: id.clone(),
            ontvangstnummer: format!("ONT-{}", id.trim_start_matches("AV").to_uppercase()),
            ingediend_op: nu.as_microsecond(),
            sha256: sha.clone(),
            inhoud: inhoud.clone(),
        };
        let micro = nu.as_microsecond();
        let voor = json!({ "status": r.status, "versie": r.versie });
        let na = json!({ "status": Status::Ingediend, "versie": r.versie + 1, "ontvangstnummer": ontvangst.ontvangstnummer, "sha256": sha });
        let antwoord = json!({
            "id": id,
            "versie": r.versie + 1,
            "status": Status::Ingediend,
            "ontvangstbewijs": bewijs(&ontvangst, &ronde),
            "toetsing": { "ontvankelijk": t.ontvankelijk(), "zonder_fouten": t.zonder_fouten(), "fouten": t.fouten().count() },
        });

        // De schrijfbeurt.
        let (mut tx, sleutel) = begin(&s, &ident, &h, &route, &body).await?;
        if crate::db::rondes::aantal_wijzigingen(&mut tx, &r.ronde).await? != wijzigingen
            || !db::zet_status(&mut tx, &id, r.versie, Status::Ingediend, Some(&inhoud), micro).await?
        {
            // Intussen gewijzigd: niets geschreven; opnieuw met wat er nu staat.
            drop(tx);
            continue;
        }
        db::voeg_indiening_toe(&mut tx, &ontvangst).await?;
        db::voeg_overgang_toe(&mut tx, &id, Some(r.status), Status::Ingediend, &ident.actor(), "ingediend via het loket", micro).await?;
        db::voeg_toetsing_toe(&mut tx, &id, "indiening", &rapport, micro).await?;
        ident.leg_vast(&mut tx, micro, "aanvraag.ingediend", format!("aanvraag/{id}"), Some(&id), Some(voor), Some(na)).await?;
        afronden(tx, sleutel, StatusCode::CREATED, &antwoord).await?;
        tracing::info!(aanvraag = %id, ontvangstnummer = %ontvangst.ontvangstnummer, "aanvraag ingediend");
        return Ok(met_versie(StatusCode::CREATED, antwoord, r.versie + 1, Some(&format!("/api/v1/aanvragen/{id}/ontvangstbewijs"))));
    }
    Err(ApiFout::Conflict("De aanvraag of de ronde werd tijdens het indienen steeds gewijzigd; probeer het opnieuw.".into()))
}

fn bewijs(i: &IndieningRij, ronde: &Ronde) -> Value {
    let ts = jiff::Timestamp::from_microsecond(i.ingediend_op).expect("opgeslagen tijd");
    json!({
        "ontvangstnummer": i.ontvangstnummer,
        "aanvraag": i.aanvraag_id,
        "ingediend_op": ts,
        "ingediend_op_lokaal": ronde.lokaal(ts).strftime("%d-%m-%Y %H:%M:%S").to_string(),
        "tijdzone": ronde.tijdzone,
        "sha256": i.sha256,
        "toelichting": "SHA-256 over precies de bytes (UTF-8) van inhoud_exact: de ingediende inhoud als JSON-tekst, met de SHA-256 van elk document. Dezelfde bytes staan als bestand op inhoud_url; `sha256sum` daarover geeft deze SHA-256. Het veld inhoud is dezelfde aanvraag om te lezen (opnieuw opgemaakt, dus niet om na te rekenen).",
        "inhoud_url": format!("/api/v1/aanvragen/{}/ontvangstbewijs/inhoud", i.aanvraag_id),
    })
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
    if let Some((volgnummer, op, aanleiding, rapport)) = db::laatste_toetsing(&mut c, &id).await? {
        let mut rapport: Value = serde_json::from_str(&rapport).map_err(|e| ApiFout::Intern(e.to_string()))?;
        if let Some(d) = toegewezen(&s, &ident, &r).await? {
            beperk(&mut rapport, &d);
        }
        return Ok(axum::Json(json!({ "bewaard": true, "volgnummer": volgnummer, "berekend_op": jiff::Timestamp::from_microsecond(op).ok(), "aanleiding": aanleiding, "rapport": rapport })).into_response());
    }
    let a: Aanvraag = serde_json::from_str(&r.inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let ronde = &super::rondes::effectief(&mut c, &r.ronde).await?;
    let t = toetsing::toets(&a, ronde, Referentie::ingebouwd(), (s.klok)()).map_err(|e| ApiFout::Intern(e.to_string()))?;
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

/// Een statusovergang door een behandelaar (ontvankelijk, aanvulling gevragd, …), met If-Match en reden.
/// Indienen gaat niet hier maar via `/indiening` (met het loket en het ontvangstbewijs).
async fn nieuwe_overgang(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let gevraagd = if_match(&h)?;
    let o: Overgang =
        serde_json::from_str(&body).map_err(|e| ApiFout::Ongeldig { detail: format!("Een statusovergang is {{\"naar\", \"reden\"}}: {e}"), velden: vec![] })?;
    if o.reden.trim().is_empty() {
        return Err(ApiFout::Ongeldig { detail: "Elke statusovergang heeft een reden.".into(), velden: vec![] });
    }
    if o.naar == Status::Ingediend {
        return Err(ApiFout::Conflict("Indienen gaat via POST /aanvragen/{id}/indiening (loket en ontvangstbewijs).".into()));
    }
    let (mut tx, sleutel) = begin(&s, &ident, &h, &format!("POST /aanvragen/{id}/statusovergangen"), &body).await?;
    let r = db::haal(&mut tx, &id, &ident.gebruiker()?.zicht()).await?.ok_or(ApiFout::NietGevonden)?;
    let verwacht = gevraagd.of(r.versie);
    if r.versie != verwacht {
        return Err(ApiFout::VersieVerouderd { huidige: r.versie });
    }
    levensloop::overgang(r.status, o.naar).map_err(|e| ApiFout::Conflict(format!("{e}.")))?;
    let nu = (s.klok)().as_microsecond();
    if !db::zet_status(&mut tx, &id, verwacht, o.naar, None, nu).await? {
        return Err(ApiFout::VersieVerouderd { huidige: r.versie + 1 });
    }
    db::voeg_overgang_toe(&mut tx, &id, Some(r.status), o.naar, &ident.actor(), &o.reden, nu).await?;
    let voor = json!({ "status": r.status, "versie": r.versie });
    let na = json!({ "status": o.naar, "versie": r.versie + 1, "reden": o.reden });
    ident.leg_vast(&mut tx, nu, "aanvraag.statusovergang", format!("aanvraag/{id}"), Some(&id), Some(voor), Some(na)).await?;
    let nieuw = db::haal_intern(&mut tx, &id).await?.ok_or(ApiFout::NietGevonden)?;
    let antwoord = samenvatting(&nieuw);
    afronden(tx, sleutel, StatusCode::OK, &antwoord).await?;
    Ok(met_versie(StatusCode::OK, antwoord, nieuw.versie, None))
}

/// Een aanvulling op verzoek: de volledige aanvraag opnieuw, met hetzelfde kenmerk en dezelfde ronde. Het
/// oorspronkelijke ontvangstbewijs blijft; de aanvulling krijgt een eigen volgnummer en SHA-256, de toetsing
/// wordt opnieuw gedaan (met het oorspronkelijke moment van indienen) en bewaard.
async fn vul_aan(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let g = ident.gebruiker()?;
    let gevraagd = if_match(&h)?;
    let (mut tx, sleutel) = begin(&s, &ident, &h, &format!("POST /aanvragen/{id}/aanvullingen"), &body).await?;
    let r = db::haal(&mut tx, &id, &g.zicht()).await?.ok_or(ApiFout::NietGevonden)?;
    penvoerder_van(g, &r.penvoerder)?;
    let mut a = lees(&body)?;
    if r.status != Status::AanvullingGevraagd {
        return Err(ApiFout::Conflict(format!("De aanvraag is {}; een aanvulling kan alleen als de behandelaar erom heeft gevraagd.", r.status)));
    }
    if gevraagd.of(r.versie) != r.versie {
        return Err(ApiFout::VersieVerouderd { huidige: r.versie });
    }
    if a.ronde != r.ronde || a.kenmerk != r.kenmerk {
        return Err(ApiFout::Ongeldig { detail: "Een aanvulling houdt de ronde en het kenmerk van de aanvraag.".into(), velden: vec![] });
    }
    let oorspronkelijk = db::indiening(&mut tx, &id).await?.ok_or_else(|| ApiFout::Intern(format!("{id}: aanvulling zonder indiening")))?;
    let ingediend = jiff::Timestamp::from_microsecond(oorspronkelijk.ingediend_op).map_err(|e| ApiFout::Intern(e.to_string()))?;
    a.ingediend_op = Some(ingediend);
    let ronde = super::rondes::effectief(&mut tx, &r.ronde).await?;
    let t = toetsing::toets(&a, &ronde, Referentie::ingebouwd(), ingediend).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let inhoud = serde_json::to_string(&a).expect("JSON");
    let sha = levensloop::inhoudshash(&a);
    let nu = (s.klok)().as_microsecond();
    let volgnummer = db::voeg_aanvulling_toe(&mut tx, &id, &inhoud, &sha, &ident.actor(), nu).await?;
    if !db::zet_status(&mut tx, &id, r.versie, Status::Ingediend, Some(&inhoud), nu).await? {
        return Err(ApiFout::VersieVerouderd { huidige: r.versie + 1 });
    }
    db::voeg_overgang_toe(&mut tx, &id, Some(r.status), Status::Ingediend, &ident.actor(), &format!("aanvulling {volgnummer} geleverd"), nu).await?;
    let voor = json!({ "status": r.status, "versie": r.versie, "sha256": levensloop::inhoudshash(&serde_json::from_str::<Aanvraag>(&r.inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?) });
    let na = json!({ "status": Status::Ingediend, "versie": r.versie + 1, "aanvulling": volgnummer, "sha256": sha });
    ident.leg_vast(&mut tx, nu, "aanvraag.aangevuld", format!("aanvraag/{id}"), Some(&id), Some(voor), Some(na)).await?;
    db::voeg_toetsing_toe(&mut tx, &id, &format!("aanvulling {volgnummer}"), &serde_json::to_string(&t.rapport()).expect("JSON"), nu).await?;
    let antwoord = json!({
        "id": id, "versie": r.versie + 1, "status": Status::Ingediend, "aanvulling": volgnummer, "sha256": sha,
        "toetsing": { "ontvankelijk": t.ontvankelijk(), "zonder_fouten": t.zonder_fouten(), "fouten": t.fouten().count() },
    });
    afronden(tx, sleutel, StatusCode::CREATED, &antwoord).await?;
    Ok(met_versie(StatusCode::CREATED, antwoord, r.versie + 1, None))
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
