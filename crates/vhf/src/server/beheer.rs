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
use super::identiteit::{Identiteit, geheim};
use super::routes::{Auditor, Basis, Beheerder, INGELOGD, Route, Toegang};
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
            samenvatting: "Maak of wijzig een gebruiker ({naam, rol, gemeente?}); een nieuwe rol of gemeente (en elke nieuwe gebruiker buiten aanvrager en behandelaar) is een verzoek dat een tweede beheerder goedkeurt (202); nooit de eigen rol",
            body: None,
            antwoorden: &[
                (200, "opgeslagen"),
                (202, "verzoek om rolwijziging, wacht op een tweede beheerder"),
                (403, "de eigen rol"),
                (409, "via de broker, of er staat al een verzoek open"),
                (422, "ongeldige rol of gemeente"),
            ],
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
            pad: "/gebruikers/{id}/tokens",
            samenvatting: "De tokens van een gebruiker (id = begin van de hash, rol, reikwijdte, geldig tot, ingetrokken); nooit het token zelf",
            body: None,
            antwoorden: &[(200, "de tokens"), (404, "onbekende gebruiker")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beheerder, Auditor]),
            handler: get(tokens_van),
        },
        Route {
            methode: "POST",
            pad: "/gebruikers/{id}/tokens/{token}/intrekking",
            samenvatting: "Trek een token van een gebruiker in; het werkt meteen niet meer",
            body: None,
            antwoorden: &[(200, "ingetrokken"), (404, "geen geldig token met dit id bij deze gebruiker")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beheerder]),
            handler: post(trek_in_beheer),
        },
        Route {
            methode: "POST",
            pad: "/gebruikers/{id}/deactivering",
            samenvatting: "Schakel een gebruiker uit: inloggen kan niet meer, tokens en sessies houden meteen op (niet uzelf)",
            body: None,
            antwoorden: &[(200, "uitgeschakeld"), (403, "uzelf"), (404, "geen actieve gebruiker")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beheerder]),
            handler: post(deactiveer),
        },
        Route {
            methode: "GET",
            pad: "/rolverzoeken",
            samenvatting: "Verzoeken om een rolwijziging (?open=false: ook de besloten)",
            body: None,
            antwoorden: &[(200, "de verzoeken")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beheerder, Auditor]),
            handler: get(rolverzoeken),
        },
        Route {
            methode: "POST",
            pad: "/rolverzoeken/{id}/goedkeuring",
            samenvatting: "Keur een rolwijziging goed (vier ogen: niet wie het vroeg, niet de gebruiker zelf); zijn tokens en sessies houden op",
            body: None,
            antwoorden: &[
                (200, "goedgekeurd en doorgevoerd"),
                (403, "zelf gevraagd, of over uzelf"),
                (404, "onbekend verzoek"),
                (409, "al besloten of intussen veranderd"),
            ],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beheerder]),
            handler: post(keur_goed),
        },
        Route {
            methode: "POST",
            pad: "/rolverzoeken/{id}/afwijzing",
            samenvatting: "Wijs een rolwijziging af ({reden})",
            body: None,
            antwoorden: &[(200, "afgewezen"), (404, "onbekend verzoek"), (409, "al besloten")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beheerder]),
            handler: post(wijs_af),
        },
        Route {
            methode: "GET",
            pad: "/ik/tokens",
            samenvatting: "Mijn eigen tokens",
            body: None,
            antwoorden: &[(200, "de tokens")],
            basis: Basis::Api,
            toegang: INGELOGD,
            handler: get(mijn_tokens),
        },
        Route {
            methode: "POST",
            pad: "/ik/tokens/{token}/intrekking",
            samenvatting: "Trek een van mijn eigen tokens in",
            body: None,
            antwoorden: &[(200, "ingetrokken"), (404, "geen geldig token van u met dit id")],
            basis: Basis::Api,
            toegang: INGELOGD,
            handler: post(trek_eigen_in),
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

fn beschrijf(g: &Gebruiker) -> Value {
    json!({ "naam": g.naam, "rol": g.rol.code(), "gemeente": g.gemeente.map(|x| x.to_string()) })
}

/// Een geweigerde poging (een eigen rol wijzigen, een eigen verzoek goedkeuren, …) staat ook in het audittrail,
/// in een eigen transactie: wie het probeerde, wat, en waarom het niet mocht.
async fn weiger(s: &AppState, ident: &Identiteit, actie: &str, object: String, reden: &str, fout: ApiFout) -> ApiFout {
    let nu = (s.klok)().as_microsecond();
    let vastgelegd = async {
        let mut tx = s.db.schrijf().await?;
        ident.leg_vast(&mut tx, nu, actie, object, None, None, Some(json!({ "geweigerd": reden }))).await?;
        tx.commit().await?;
        Ok::<(), ApiFout>(())
    }
    .await;
    if let Err(e) = vastgelegd {
        tracing::error!("geweigerde poging niet in het audittrail: {e:?}");
    }
    fout
}

/// Moet deze wijziging langs een tweede beheerder? Ja bij elke verandering van rol of gemeente van een bestaande
/// gebruiker, bij het weer inschakelen van een uitgeschakelde, en bij een nieuwe gebruiker met een andere rol dan
/// aanvrager of behandelaar (de rollen van gemeenten en RVO, die een beheerder direct mag maken). Alleen een
/// nieuwe naam gaat direct.
fn vier_ogen_nodig(vorige: Option<&db::Opgeslagen>, nieuw: &Gebruiker) -> bool {
    match vorige {
        None => !matches!(nieuw.rol, Rol::Aanvrager | Rol::Behandelaar),
        Some(v) => !v.actief || v.gebruiker.rol != nieuw.rol || v.gebruiker.gemeente != nieuw.gemeente,
    }
}

/// `PUT /gebruikers/{id}`: een naam direct; een rol of gemeente als verzoek dat een tweede beheerder goedkeurt
/// (202, met het verzoek). Nooit de eigen rol; nooit de rol van iemand die via de broker (OIDC) inlogt.
pub(crate) async fn sla_gebruiker_op(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let ik = ident.gebruiker()?.clone();
    let n: NieuweGebruiker = serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{naam, rol, gemeente?}}: {e}")))?;
    let rol: Rol = n.rol.parse().map_err(ongeldig)?;
    let gemeente = n.gemeente.as_deref().map(GemeenteCode::parse).transpose().map_err(|e| ongeldig(e.to_string()))?;
    let g = Gebruiker::nieuw(&id, &n.naam, rol, gemeente).map_err(ongeldig)?;
    let nu = (s.klok)().as_microsecond();
    let mut tx = s.db.schrijf().await?;
    let vorige = db::haal_opgeslagen(&mut tx, &id).await?;
    let object = format!("gebruiker/{id}");
    let rol_verandert = vorige.as_ref().is_none_or(|v| !v.actief || v.gebruiker.rol != g.rol || v.gebruiker.gemeente != g.gemeente);
    if id == ik.id && rol_verandert {
        drop(tx);
        let reden = "een beheerder wijzigt zijn eigen rol niet";
        return Err(weiger(
            &s,
            &ident,
            "gebruiker.rolwijziging_geweigerd",
            object,
            reden,
            ApiFout::GeenRecht("U kunt uw eigen rol of gemeente niet wijzigen; dat doet een andere beheerder.".into()),
        )
        .await);
    }
    if vorige.as_ref().is_some_and(|v| v.via_oidc) && rol_verandert {
        drop(tx);
        let reden = "de rol komt van de broker (OIDC)";
        return Err(weiger(
            &s,
            &ident,
            "gebruiker.rolwijziging_geweigerd",
            object,
            reden,
            ApiFout::Conflict(format!("{id} logt in via de broker; zijn rol en gemeente komen uit de broker en veranderen daar, niet hier.")),
        )
        .await);
    }
    if !vier_ogen_nodig(vorige.as_ref(), &g) {
        let vorige = db::sla_op(&mut tx, &g, None, nu).await?;
        ident.leg_vast(&mut tx, nu, "gebruiker.opgeslagen", object, None, vorige.as_ref().map(beschrijf), Some(beschrijf(&g))).await?;
        tx.commit().await?;
        return Ok(Json(json!({ "id": g.id, "naam": g.naam, "rol": g.rol.code(), "gemeente": g.gemeente.map(|x| x.to_string()) })).into_response());
    }
    if let Some(open) = db::rolverzoeken(&mut tx, true).await?.into_iter().find(|v| v.gebruiker == id) {
        return Err(ApiFout::Conflict(format!("Voor {id} staat al verzoek {} open; laat een andere beheerder dat eerst goedkeuren of afwijzen.", open.id)));
    }
    let verzoek = db::Rolverzoek {
        id: super::nieuw_id("RV"),
        gebruiker: id.clone(),
        naam: g.naam.clone(),
        rol: g.rol.code().into(),
        gemeente: g.gemeente.map(|x| x.to_string()),
        vorige_rol: vorige.as_ref().filter(|v| v.actief).map(|v| v.gebruiker.rol.code().to_string()),
        vorige_gemeente: vorige.as_ref().filter(|v| v.actief).and_then(|v| v.gebruiker.gemeente.map(|x| x.to_string())),
        aangevraagd_door: ik.id.clone(),
        aangevraagd_op: nu,
        besloten_door: None,
        besloten_op: None,
        uitkomst: None,
    };
    db::voeg_rolverzoek_toe(&mut tx, &verzoek).await?;
    let voor = vorige.as_ref().map(
        |v| json!({ "naam": v.gebruiker.naam, "rol": v.gebruiker.rol.code(), "gemeente": v.gebruiker.gemeente.map(|x| x.to_string()), "actief": v.actief }),
    );
    ident.leg_vast(&mut tx, nu, "gebruiker.rolwijziging_gevraagd", format!("rolverzoek/{}", verzoek.id), None, voor, Some(json!(verzoek))).await?;
    tx.commit().await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({
            "verzoek": verzoek,
            "toelichting": "Een rol of gemeente verandert pas als een tweede beheerder dit verzoek goedkeurt (POST /api/v1/rolverzoeken/{id}/goedkeuring). Daarna gelden de tokens en sessies van de gebruiker niet meer.",
        })),
    )
        .into_response())
}

#[derive(Deserialize)]
struct Open {
    open: Option<bool>,
}

async fn rolverzoeken(State(s): State<AppState>, q: Result<Query<Open>, axum::extract::rejection::QueryRejection>) -> Result<Response, ApiFout> {
    let Query(q) = q.map_err(|e| ongeldig(format!("open is true of false ({e})")))?;
    let mut c = s.db.lees().await?;
    Ok(Json(json!({ "data": db::rolverzoeken(&mut c, q.open.unwrap_or(true)).await? })).into_response())
}

/// Goedkeuren: door een andere beheerder dan wie het vroeg, en niet door de gebruiker om wie het gaat. Alleen als
/// de gebruiker nog is zoals toen het verzoek werd gedaan.
pub(crate) async fn keur_goed(State(s): State<AppState>, ident: Identiteit, Path(vid): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let ik = ident.gebruiker()?.clone();
    let (mut tx, sleutel) = super::aanvragen::begin(&s, &ident, &h, &format!("POST /rolverzoeken/{vid}/goedkeuring"), &body).await?;
    let v = db::rolverzoek_haal(&mut tx, &vid).await?.ok_or(ApiFout::NietGevonden)?;
    let object = format!("rolverzoek/{vid}");
    if v.uitkomst.is_some() {
        return Err(ApiFout::Conflict(format!("Verzoek {vid} is al {}.", v.uitkomst.unwrap_or_default())));
    }
    if v.aangevraagd_door == ik.id || v.gebruiker == ik.id {
        drop(tx);
        let reden = if v.gebruiker == ik.id { "het verzoek gaat over de beheerder zelf" } else { "dezelfde beheerder vroeg het" };
        return Err(weiger(
            &s,
            &ident,
            "gebruiker.rolwijziging_geweigerd",
            object,
            reden,
            ApiFout::GeenRecht(format!("Vier ogen: een andere beheerder keurt dit goed ({reden}).")),
        )
        .await);
    }
    let nu = (s.klok)().as_microsecond();
    let nu_opgeslagen = db::haal_opgeslagen(&mut tx, &v.gebruiker).await?;
    let huidig = nu_opgeslagen.as_ref().filter(|o| o.actief).map(|o| (o.gebruiker.rol.code().to_string(), o.gebruiker.gemeente.map(|x| x.to_string())));
    if huidig.as_ref().map(|(r, _)| r) != v.vorige_rol.as_ref() || huidig.as_ref().and_then(|(_, g)| g.clone()) != v.vorige_gemeente {
        return Err(ApiFout::Conflict(format!("{} is intussen veranderd sinds verzoek {vid} werd gedaan; doe een nieuw verzoek.", v.gebruiker)));
    }
    let rol: Rol = v.rol.parse().map_err(ApiFout::Intern)?;
    let gemeente = v.gemeente.as_deref().map(GemeenteCode::parse).transpose().map_err(|e| ApiFout::Intern(e.to_string()))?;
    let g = Gebruiker::nieuw(&v.gebruiker, &v.naam, rol, gemeente).map_err(ApiFout::Intern)?;
    if !db::besluit_rolverzoek(&mut tx, &vid, &ik.id, "goedgekeurd", nu).await? {
        return Err(ApiFout::Conflict(format!("Verzoek {vid} is intussen door een ander besloten.")));
    }
    let vorige = db::sla_op(&mut tx, &g, None, nu).await?;
    // sla_op trok bij een andere rol of gemeente de tokens en sessies al in; voor de zekerheid (weer inschakelen).
    let (tokens, sessies) = db::trek_alles_in(&mut tx, &g.id, nu).await?;
    let na = json!({ "gebruiker": beschrijf(&g), "aangevraagd_door": v.aangevraagd_door, "tokens_ingetrokken": tokens, "sessies_beeindigd": sessies });
    ident.leg_vast(&mut tx, nu, "gebruiker.rolwijziging_goedgekeurd", format!("gebruiker/{}", g.id), None, vorige.as_ref().map(beschrijf), Some(na)).await?;
    let antwoord = json!({ "verzoek": vid, "uitkomst": "goedgekeurd", "gebruiker": { "id": g.id, "naam": g.naam, "rol": g.rol.code(), "gemeente": g.gemeente.map(|x| x.to_string()) } });
    super::aanvragen::afronden(tx, sleutel, StatusCode::OK, &antwoord).await?;
    Ok(Json(antwoord).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Afwijzing {
    reden: String,
}

pub(crate) async fn wijs_af(State(s): State<AppState>, ident: Identiteit, Path(vid): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let ik = ident.gebruiker()?.clone();
    let a: Afwijzing = serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{reden}}: {e}")))?;
    if a.reden.trim().is_empty() {
        return Err(ongeldig("Een afwijzing heeft een reden.".into()));
    }
    let (mut tx, sleutel) = super::aanvragen::begin(&s, &ident, &h, &format!("POST /rolverzoeken/{vid}/afwijzing"), &body).await?;
    let v = db::rolverzoek_haal(&mut tx, &vid).await?.ok_or(ApiFout::NietGevonden)?;
    let nu = (s.klok)().as_microsecond();
    if !db::besluit_rolverzoek(&mut tx, &vid, &ik.id, "afgewezen", nu).await? {
        return Err(ApiFout::Conflict(format!("Verzoek {vid} is al besloten.")));
    }
    ident
        .leg_vast(
            &mut tx,
            nu,
            "gebruiker.rolwijziging_afgewezen",
            format!("rolverzoek/{vid}"),
            None,
            None,
            Some(json!({ "gebruiker": v.gebruiker, "reden": a.reden })),
        )
        .await?;
    let antwoord = json!({ "verzoek": vid, "uitkomst": "afgewezen", "reden": a.reden });
    super::aanvragen::afronden(tx, sleutel, StatusCode::OK, &antwoord).await?;
    Ok(Json(antwoord).into_response())
}

/// Uitschakelen: inloggen kan niet meer, alle tokens en sessies houden in dezelfde transactie op. Niet jezelf.
async fn deactiveer(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let ik = ident.gebruiker()?.clone();
    if id == ik.id {
        let reden = "een beheerder schakelt zichzelf niet uit";
        return Err(weiger(
            &s,
            &ident,
            "gebruiker.deactivering_geweigerd",
            format!("gebruiker/{id}"),
            reden,
            ApiFout::GeenRecht("U kunt uzelf niet uitschakelen; dat doet een andere beheerder.".into()),
        )
        .await);
    }
    let (mut tx, sleutel) = super::aanvragen::begin(&s, &ident, &h, &format!("POST /gebruikers/{id}/deactivering"), &body).await?;
    let nu = (s.klok)().as_microsecond();
    let (tokens, sessies) = db::schakel_uit(&mut tx, &id, nu).await?.ok_or(ApiFout::NietGevonden)?;
    let na = json!({ "actief": false, "tokens_ingetrokken": tokens, "sessies_beeindigd": sessies });
    ident.leg_vast(&mut tx, nu, "gebruiker.gedeactiveerd", format!("gebruiker/{id}"), None, Some(json!({ "actief": true })), Some(na.clone())).await?;
    let antwoord = json!({ "id": id, "actief": false, "tokens_ingetrokken": tokens, "sessies_beeindigd": sessies });
    super::aanvragen::afronden(tx, sleutel, StatusCode::OK, &antwoord).await?;
    Ok(Json(antwoord).into_response())
}

fn tokenlijst(v: &[db::TokenRij], nu: i64) -> Value {
    let tijd = |m: i64| jiff::Timestamp::from_microsecond(m).ok();
    json!({ "data": v.iter().map(|t| json!({
        "id": t.id, "gebruiker": t.gebruiker, "rol": t.rol, "reikwijdte": t.reikwijdte, "omschrijving": t.omschrijving,
        "aangemaakt_op": tijd(t.aangemaakt_op), "verloopt_op": tijd(t.verloopt_op), "ingetrokken_op": t.ingetrokken_op.and_then(tijd),
        "geldig": t.ingetrokken_op.is_none() && t.verloopt_op > nu,
    })).collect::<Vec<_>>() })
}

async fn tokens_van(State(s): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let mut c = s.db.lees().await?;
    db::haal_opgeslagen(&mut c, &id).await?.ok_or(ApiFout::NietGevonden)?;
    let v = db::tokens(&mut c, &id).await?;
    Ok(Json(tokenlijst(&v, (s.klok)().as_microsecond())).into_response())
}

async fn mijn_tokens(State(s): State<AppState>, ident: Identiteit) -> Result<Response, ApiFout> {
    let id = ident.gebruiker()?.id.clone();
    let mut c = s.db.lees().await?;
    let v = db::tokens(&mut c, &id).await?;
    Ok(Json(tokenlijst(&v, (s.klok)().as_microsecond())).into_response())
}

/// Een token intrekken: de beheerder voor elke gebruiker, de eigenaar voor zichzelf. Een onbekend token, of een
/// van een ander, is 404.
async fn trek_in(s: &AppState, ident: &Identiteit, gebruiker: &str, token: &str, h: &HeaderMap, body: &str, route: String) -> Result<Response, ApiFout> {
    let (mut tx, sleutel) = super::aanvragen::begin(s, ident, h, &route, body).await?;
    let nu = (s.klok)().as_microsecond();
    if !db::trek_token_in(&mut tx, gebruiker, token, nu).await? {
        return Err(ApiFout::NietGevonden);
    }
    ident.leg_vast(&mut tx, nu, "token.ingetrokken", format!("gebruiker/{gebruiker}/token/{token}"), None, None, Some(json!({ "token": token }))).await?;
    let antwoord = json!({ "gebruiker": gebruiker, "token": token, "ingetrokken": true });
    super::aanvragen::afronden(tx, sleutel, StatusCode::OK, &antwoord).await?;
    Ok(Json(antwoord).into_response())
}

async fn trek_in_beheer(
    State(s): State<AppState>,
    ident: Identiteit,
    Path((id, token)): Path<(String, String)>,
    h: HeaderMap,
    body: String,
) -> Result<Response, ApiFout> {
    trek_in(&s, &ident, &id, &token, &h, &body, format!("POST /gebruikers/{id}/tokens/{token}/intrekking")).await
}

async fn trek_eigen_in(State(s): State<AppState>, ident: Identiteit, Path(token): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let id = ident.gebruiker()?.id.clone();
    trek_in(&s, &ident, &id, &token, &h, &body, format!("POST /ik/tokens/{token}/intrekking")).await
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
    let h = vhf_core::levensloop::sha256_hex(t.as_bytes());
    (t, h)
}

pub(crate) async fn maak_token(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
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
    db::voeg_token_toe(&mut tx, &hash, &g, r, &n.omschrijving, nu, verloopt).await?;
    // In het trail staat het begin van de hash (het id van het token), nooit het token.
    let na = json!({ "token": &hash[..db::TOKEN_ID_LENGTE], "rol": g.rol.code(), "reikwijdte": r.code(), "omschrijving": n.omschrijving, "verloopt_op": jiff::Timestamp::from_microsecond(verloopt).ok() });
    ident.leg_vast(&mut tx, nu, "token.gemaakt", format!("gebruiker/{id}/token"), None, None, Some(na)).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token, "id": &hash[..db::TOKEN_ID_LENGTE], "gebruiker": id, "rol": g.rol.code(), "reikwijdte": r.code(), "verloopt_op": jiff::Timestamp::from_microsecond(verloopt).ok(), "let_op": "Dit token wordt niet nog eens getoond." })),
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
