//! Beheer en toezicht: gebruikers en API-tokens (beheerder), het audittrail en de controle van de keten
//! (auditor). Elke wijziging hier staat zelf ook in het audittrail.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};
use vhf_core::codes::GemeenteCode;

use super::AppState;
use super::fout::ApiFout;
use super::identiteit::{Identiteit, geheim, sha256_hex};
use super::routes::{Auditor, Basis, Beheerder, Route, Toegang};
use crate::audit::AuditRij;
use crate::db::audit as db_audit;
use crate::db::toegang as db;
use crate::toegang::{Gebruiker, Reikwijdte, Rol};

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            methode: "GET",
            pad: "/gebruikers",
            samenvatting: "Alle actieve gebruikers met rol en gemeente",
            body: None,
            antwoorden: &[(200, "de gebruikers")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beheerder, Auditor]),
            handler: get(gebruikers),
        },
        Route {
            methode: "PUT",
            pad: "/gebruikers/{id}",
            samenvatting: "Maak of wijzig een gebruiker ({naam, rol, gemeente?}); een aanvrager hoort bij één gemeente",
            body: None,
            antwoorden: &[(200, "opgeslagen"), (422, "ongeldige rol of gemeente")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beheerder]),
            handler: put(sla_gebruiker_op),
        },
        Route {
            methode: "POST",
            pad: "/gebruikers/{id}/tokens",
            samenvatting: "Een API-token voor een systeemkoppeling van een aanvrager of behandelaar ({reikwijdte: lezen|schrijven, omschrijving, geldig_dagen?}); het token staat alleen in dit antwoord",
            body: None,
            antwoorden: &[
                (201, "het token (eenmalig zichtbaar)"),
                (403, "niet voor deze rol (scheiding van functies)"),
                (404, "onbekende gebruiker"),
                (422, "ongeldig"),
            ],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beheerder]),
            handler: post(maak_token),
        },
        Route {
            methode: "GET",
            pad: "/audit",
            samenvatting: "Het audittrail, per pagina (?vanaf=volgnummer&aantal=)",
            body: None,
            antwoorden: &[(200, "een pagina")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Auditor]),
            handler: get(audit),
        },
        Route {
            methode: "GET",
            pad: "/audit/controle",
            samenvatting: "Rekent de hele hash-keten na; noemt elke gewijzigde, tussengevoegde of verwijderde rij",
            body: None,
            antwoorden: &[(200, "de uitkomst, met de kop-hash om buiten het systeem vast te leggen")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Auditor]),
            handler: get(controle),
        },
    ]
}

/// Een auditregel zoals de API haar toont: tijden in UTC en in Nederlandse tijd, voor/na als JSON.
pub fn auditregel(r: &AuditRij) -> Value {
    let op = jiff::Timestamp::from_microsecond(r.op).ok();
    let lokaal = op
        .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or(jiff::tz::TimeZone::UTC)).strftime("%d-%m-%Y %H:%M:%S").to_string());
    let json_of_tekst = |v: &Option<String>| v.as_ref().map(|t| serde_json::from_str::<Value>(t).unwrap_or_else(|_| json!(t)));
    json!({
        "volgnummer": r.volgnummer, "op": op, "op_lokaal": lokaal, "actor": r.actor, "rol": r.rol, "actie": r.actie,
        "object": r.object, "aanvraag": r.aanvraag_id, "voor": json_of_tekst(&r.voor), "na": json_of_tekst(&r.na),
        "verzoek_id": r.verzoek_id, "hash": r.hash,
    })
}

async fn gebruikers(State(s): State<AppState>) -> Result<Response, ApiFout> {
    let mut c = s.db.lees().await?;
    let v = db::lijst(&mut c).await?;
    Ok(Json(json!({ "data": v.iter().map(|g| json!({ "id": g.id, "naam": g.naam, "rol": g.rol.code(), "gemeente": g.gemeente.map(|x| x.to_string()) })).collect::<Vec<_>>() }))
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NieuweGebruiker {
    naam: String,
    rol: String,
    gemeente: Option<String>,
}

fn ongeldig(detail: String) -> ApiFout {
    ApiFout::Ongeldig { detail, velden: vec![] }
}

async fn sla_gebruiker_op(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let n: NieuweGebruiker = serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{naam, rol, gemeente?}}: {e}")))?;
    let rol: Rol = n.rol.parse().map_err(ongeldig)?;
    let gemeente = n.gemeente.as_deref().map(GemeenteCode::parse).transpose().map_err(|e| ongeldig(e.to_string()))?;
    let g = Gebruiker::nieuw(&id, &n.naam, rol, gemeente).map_err(ongeldig)?;
    let nu = (s.klok)().as_microsecond();
    let mut tx = s.db.schrijf().await?;
    let vorige = db::sla_op(&mut tx, &g, None, nu).await?;
    let beschrijf = |g: &Gebruiker| json!({ "naam": g.naam, "rol": g.rol.code(), "gemeente": g.gemeente.map(|x| x.to_string()) });
    ident.leg_vast(&mut tx, nu, "gebruiker.opgeslagen", format!("gebruiker/{id}"), None, vorige.as_ref().map(beschrijf), Some(beschrijf(&g))).await?;
    tx.commit().await?;
    Ok(Json(json!({ "id": g.id, "naam": g.naam, "rol": g.rol.code(), "gemeente": g.gemeente.map(|x| x.to_string()) })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NieuwToken {
    reikwijdte: String,
    omschrijving: String,
    geldig_dagen: Option<i64>,
}

/// Maakt een token (`vhf_` + 64 hex); alleen de SHA-256 wordt bewaard.
pub fn nieuw_token() -> (String, String) {
    let t = format!("vhf_{}", geheim());
    let h = sha256_hex(&t);
    (t, h)
}

async fn maak_token(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let _ = h;
    let n: NieuwToken = serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{reikwijdte, omschrijving, geldig_dagen?}}: {e}")))?;
    let r: Reikwijdte = n.reikwijdte.parse().map_err(ongeldig)?;
    let dagen = n.geldig_dagen.unwrap_or(90);
    if !(1..=366).contains(&dagen) || n.omschrijving.trim().is_empty() {
        return Err(ongeldig("Een token is 1 tot en met 366 dagen geldig en heeft een omschrijving (waarvoor is het?).".into()));
    }
    let nu = (s.klok)().as_microsecond();
    let mut tx = s.db.schrijf().await?;
    let g = db::haal(&mut tx, &id).await?.ok_or(ApiFout::NietGevonden)?;
    // Scheiding van functies: via de API alleen tokens voor koppelingen van gemeenten en RVO. Anders zou een
    // beheerder zich een token van een beslisser of auditor kunnen geven en als die kunnen handelen.
    if !matches!(g.rol, Rol::Aanvrager | Rol::Behandelaar) {
        return Err(ApiFout::GeenRecht(format!(
            "Via de API maakt u alleen tokens voor koppelingen (rol aanvrager of behandelaar); {id} is {}. Dat kan alleen op de server zelf met `vhf token maak`, en staat dan in het audittrail.",
            g.rol
        )));
    }
    let (token, hash) = nieuw_token();
    let verloopt = nu + dagen * 86_400_000_000;
    db::voeg_token_toe(&mut tx, &hash, &id, r, &n.omschrijving, nu, verloopt).await?;
    // In het trail staat het begin van de hash, nooit het token.
    let na =
        json!({ "reikwijdte": r.code(), "omschrijving": n.omschrijving, "verloopt_op": jiff::Timestamp::from_microsecond(verloopt).ok(), "hash": &hash[..16] });
    ident.leg_vast(&mut tx, nu, "token.gemaakt", format!("gebruiker/{id}/token"), None, None, Some(na)).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token, "gebruiker": id, "reikwijdte": r.code(), "verloopt_op": jiff::Timestamp::from_microsecond(verloopt).ok(), "let_op": "Dit token wordt niet nog eens getoond." })),
    )
        .into_response())
}

#[derive(Deserialize)]
struct Pagina {
    vanaf: Option<i64>,
    aantal: Option<i64>,
}

async fn audit(State(s): State<AppState>, q: Result<Query<Pagina>, axum::extract::rejection::QueryRejection>) -> Result<Response, ApiFout> {
    let Query(q) = q.map_err(|e| ongeldig(format!("vanaf en aantal zijn hele getallen ({e})")))?;
    let (vanaf, aantal) = (q.vanaf.unwrap_or(1), q.aantal.unwrap_or(100));
    if vanaf < 1 || !(1..=1000).contains(&aantal) {
        return Err(ongeldig("vanaf is ten minste 1; aantal is 1 tot en met 1000".into()));
    }
    let mut c = s.db.lees().await?;
    let rijen = db_audit::reeks(&mut c, vanaf, aantal).await?;
    let (laatste, _) = db_audit::kop(&mut c).await?;
    Ok(Json(json!({ "data": rijen.iter().map(auditregel).collect::<Vec<_>>(), "laatste": laatste })).into_response())
}

/// De hele keten nalopen, in pagina's.
pub async fn verifieer(c: &mut impl crate::db::Verbinding) -> Result<(Result<i64, Vec<crate::audit::Afwijking>>, String), crate::db::DbFout> {
    let (kop_nr, kop_hash) = db_audit::kop(&mut *c).await?;
    let mut k = crate::audit::Ketencontrole::default();
    let mut vanaf = 1;
    loop {
        let rijen = db_audit::reeks(&mut *c, vanaf, 5000).await?;
        let Some(laatste) = rijen.last().map(|r| r.volgnummer) else { break };
        rijen.iter().for_each(|r| k.volgende(r));
        vanaf = laatste + 1;
    }
    Ok((k.einde((kop_nr, &kop_hash)), kop_hash))
}

async fn controle(State(s): State<AppState>) -> Result<Response, ApiFout> {
    let mut c = s.db.lees().await?;
    let (uitkomst, kop) = verifieer(&mut c).await?;
    Ok(Json(match uitkomst {
        Ok(n) => json!({ "in_orde": true, "rijen": n, "kop_hash": kop }),
        Err(a) => json!({ "in_orde": false, "kop_hash": kop, "afwijkingen": a.iter().map(|x| x.to_string()).collect::<Vec<_>>() }),
    })
    .into_response())
}
