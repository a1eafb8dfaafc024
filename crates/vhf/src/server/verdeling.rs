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
use super::identiteit::Identiteit;
use super::routes::{Auditor, Basis, Behandelaar, Beslisser, Commissielid, Route, Toegang};
use crate::db::aanvragen as db_aanvragen;
use crate::db::toegang as db_toegang;
use crate::db::verdeling as db;

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            methode: "POST",
            pad: "/rondes/{id}/beoordelingen",
            samenvatting: "Leg een nieuwe versie vast van de beoordelingen van de commissie ({beoordelingen}); toewijzingen met een belangenconflict worden geweigerd",
            body: None,
            antwoorden: &[(201, "vastgelegd, met versie"), (404, "onbekende ronde"), (422, "ongeldig of een lid met een belangenconflict toegewezen")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Behandelaar]),
            handler: post(beoordelingen),
        },
        Route {
            methode: "GET",
            pad: "/rondes/{id}/toewijzingen",
            samenvatting: "De deelplannen die aan mij (commissielid) zijn toegewezen, met mijn scores",
            body: None,
            antwoorden: &[(200, "mijn toewijzingen"), (404, "onbekende ronde")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Commissielid]),
            handler: get(mijn_toewijzingen),
        },
        Route {
            methode: "POST",
            pad: "/rondes/{id}/scores",
            samenvatting: "Mijn scores voor één toegewezen deelplan ({aanvraag, deelplan, scores: [{criterium, score, motivering}]}); maakt een nieuwe versie",
            body: None,
            antwoorden: &[(201, "vastgelegd, met versie"), (404, "onbekende ronde of deelplan niet aan mij toegewezen"), (422, "ongeldig")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Commissielid]),
            handler: post(scores),
        },
        Route {
            methode: "POST",
            pad: "/rondes/{id}/verdelingen",
            samenvatting: "Maak en bewaar een verdeling van de ingediende aanvragen ({eerder_toegekend?})",
            body: None,
            antwoorden: &[(201, "de verdeling, met uitleg per deelplan"), (404, "onbekende ronde"), (422, "beoordeling onvolledig of onjuist")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beslisser]),
            handler: post(verdeel),
        },
        Route {
            methode: "GET",
            pad: "/verdelingen/{id}",
            samenvatting: "Een bewaarde verdeling",
            body: None,
            antwoorden: &[(200, "de verdeling"), (404, "bestaat niet")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beslisser, Behandelaar, Auditor]),
            handler: get(haal),
        },
        Route {
            methode: "POST",
            pad: "/verdelingen/{id}/besluit",
            samenvatting: "Leg het besluit over een verdeling vast ({reden}): uitkeringen en statussen",
            body: None,
            antwoorden: &[(201, "besloten"), (404, "bestaat niet"), (409, "al besloten, of aanvragen nog niet beoordeeld"), (422, "ongeldig")],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Beslisser]),
            handler: post(besluit),
        },
        Route {
            methode: "GET",
            pad: "/besluiten",
            samenvatting: "Openbare lijst van toekenningen per gemeente (?ronde)",
            body: None,
            antwoorden: &[(200, "de lijst")],
            basis: Basis::Api,
            toegang: Toegang::Openbaar,
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
    beoordelingen: Beoordelingen,
}

/// Bewaart een versie van de beoordelingen: eerst de belangenconflicten van de toewijzingen (een lid wordt nooit
/// toegewezen aan een deelplan waarmee het een band heeft), dan de versie, de toewijzingstabel (waarmee de
/// zichtbaarheid voor commissieleden in SQL wordt beperkt) en de auditregel, in één transactie.
/// De ingediende aanvragen van een ronde, elk met het kenmerk waaronder de commissie en de verdeling haar
/// kennen. Een kenmerk is uniek per gemeente, niet over de ronde: hebben twee gemeenten hetzelfde kenmerk
/// gekozen, dan heten die aanvragen in de ronde `GM0479/KENMERK` (penvoerder/kenmerk), zodat verwijzingen
/// nooit dubbelzinnig zijn. Een uniek kenmerk blijft zoals de gemeente het koos.
fn ronde_aanvragen(rijen: Vec<(String, String, String, i64)>) -> Result<Vec<(String, vhf_core::aanvraag::Aanvraag)>, ApiFout> {
    let mut v = Vec::with_capacity(rijen.len());
    let mut aantal: BTreeMap<String, usize> = BTreeMap::new();
    for (aid, _status, inhoud, _) in rijen {
        let a: vhf_core::aanvraag::Aanvraag = serde_json::from_str(&inhoud).map_err(|e| ApiFout::Intern(format!("inhoud van {aid}: {e}")))?;
        *aantal.entry(a.kenmerk.clone()).or_default() += 1;
        v.push((aid, a));
    }
    for (_, a) in &mut v {
        if aantal[&a.kenmerk] > 1 {
            let penvoerder = a.penvoerder().map(|g| g.to_string()).unwrap_or_default();
            a.kenmerk = format!("{penvoerder}/{}", a.kenmerk);
        }
    }
    Ok(v)
}

async fn bewaar_beoordelingen(tx: &mut crate::db::Schrijftransactie, ident: &Identiteit, ronde: &str, b: &Beoordelingen, nu: i64) -> Result<i64, ApiFout> {
    let mut aanvragers: BTreeMap<String, (String, Vec<vhf_core::codes::GemeenteCode>)> = BTreeMap::new();
    for (aid, a) in ronde_aanvragen(db::ingediend_met_status(&mut *tx, ronde).await?)? {
        aanvragers.insert(a.kenmerk.clone(), (aid, a.aanvragers.clone()));
    }
    let leden: BTreeMap<&str, &vhf_core::beoordeling::Commissielid> = b.leden.iter().map(|l| (l.id.as_str(), l)).collect();
    let mut conflicten = Vec::new();
    // Elk lid is een bestaande, actieve gebruiker met de rol commissielid: een toewijzing aan een leeg of
    // onbekend id zou anders in het zichtfilter kunnen passen op iemand die het niet is.
    for l in &b.leden {
        if l.id.trim().is_empty() {
            conflicten.push("een lid van de commissie heeft een leeg id".to_string());
            continue;
        }
        match db_toegang::haal(&mut *tx, &l.id).await? {
            Some(g) if g.rol == crate::toegang::Rol::Commissielid => {}
            Some(g) => conflicten.push(format!("{} is {}, geen commissielid", l.id, g.rol)),
            None => conflicten.push(format!("{} is geen (actieve) gebruiker; een beheerder maakt eerst de gebruiker met rol commissielid", l.id)),
        }
    }
    let mut rijen = Vec::new();
    for t in &b.toewijzingen {
        let Some((aid, gemeenten)) = aanvragers.get(&t.aanvraag) else {
            conflicten.push(format!("aanvraag '{}' is niet ingediend in deze ronde", t.aanvraag));
            continue;
        };
        let d = vhf_core::beoordeling::TeBeoordelen { deelplan: t.deelplan_ref(), aanvragers: gemeenten };
        for lid in &t.leden {
            // Alleen leden die in de lijst staan: alleen van hen zijn de belangen bekend en getoetst.
            let Some(l) = leden.get(lid.as_str()) else {
                conflicten.push(format!("'{lid}' is toegewezen aan deelplan {} van {} maar staat niet bij de leden van de commissie", t.deelplan, t.aanvraag));
                continue;
            };
            if let Some(reden) = vhf_core::beoordeling::conflict(l, &d) {
                conflicten.push(format!("{lid} kan deelplan {} van {} niet beoordelen: {reden}", t.deelplan, t.aanvraag));
            }
            rijen.push((lid.clone(), aid.clone(), t.deelplan.clone()));
        }
    }
    if !conflicten.is_empty() {
        return Err(ongeldig(format!("Er is niets vastgelegd. {}.", conflicten.join("; "))));
    }
    let inhoud = serde_json::to_string(b).expect("JSON");
    let versie = db::voeg_beoordeling_toe(&mut *tx, ronde, &inhoud, &ident.actor(), nu).await?;
    db_toegang::zet_toewijzingen(&mut *tx, ronde, &rijen).await?;
    let na = json!({ "versie": versie, "leden": b.leden.len(), "toewijzingen": b.toewijzingen.len(), "scores": b.scores.len(), "sha256": super::identiteit::sha256_hex(&inhoud) });
    ident.leg_vast(&mut *tx, nu, "beoordelingen.vastgelegd", format!("ronde/{ronde}/beoordelingen/{versie}"), None, None, Some(na)).await?;
    Ok(versie)
}

async fn beoordelingen(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    vhf_core::regeling::Ronde::zoek(&id).ok_or(ApiFout::NietGevonden)?;
    let n: NieuweBeoordelingen =
        serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{beoordelingen: {{leden, toewijzingen, scores, adviezen?}}}}: {e}")))?;
    let (mut tx, sleutel) = super::aanvragen::begin(&s, &ident, &h, &format!("POST /rondes/{id}/beoordelingen"), &body).await?;
    let versie = bewaar_beoordelingen(&mut tx, &ident, &id, &n.beoordelingen, (s.klok)().as_microsecond()).await?;
    let antwoord = json!({ "ronde": id, "versie": versie, "leden": n.beoordelingen.leden.len(), "scores": n.beoordelingen.scores.len() });
    super::aanvragen::afronden(tx, sleutel, StatusCode::CREATED, &antwoord).await?;
    Ok((StatusCode::CREATED, Json(antwoord)).into_response())
}

/// Wat een commissielid ziet: alleen de deelplannen die hem zijn toegewezen, en zijn eigen scores.
async fn mijn_toewijzingen(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    vhf_core::regeling::Ronde::zoek(&id).ok_or(ApiFout::NietGevonden)?;
    let lid = ident.gebruiker()?.id.clone();
    let mut c = s.db.lees().await?;
    let b = match db::laatste_beoordeling(&mut c, &id).await? {
        Some((_, inhoud)) => serde_json::from_str::<Beoordelingen>(&inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?,
        None => Beoordelingen::default(),
    };
    let mijn: Vec<Value> = b
        .toewijzingen
        .iter()
        .filter(|t| t.leden.contains(&lid))
        .map(|t| {
            let scores: Vec<_> = b.scores.iter().filter(|x| x.lid == lid && x.aanvraag == t.aanvraag && x.deelplan == t.deelplan).collect();
            json!({ "aanvraag": t.aanvraag, "deelplan": t.deelplan, "scores": scores })
        })
        .collect();
    Ok(Json(json!({ "ronde": id, "lid": lid, "data": mijn })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MijnScore {
    criterium: String,
    score: vhf_core::geld::Honderdsten,
    motivering: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MijnScores {
    aanvraag: String,
    deelplan: String,
    scores: Vec<MijnScore>,
}

/// Een commissielid scoort één toegewezen deelplan: zijn eerdere scores daarvoor worden vervangen, in een nieuwe
/// versie. Niet toegewezen (of niet bestaand) geeft 404: het lid ziet niet eens dat het deelplan er is.
async fn scores(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    vhf_core::regeling::Ronde::zoek(&id).ok_or(ApiFout::NietGevonden)?;
    let lid = ident.gebruiker()?.id.clone();
    let (mut tx, sleutel) = super::aanvragen::begin(&s, &ident, &h, &format!("POST /rondes/{id}/scores"), &body).await?;
    let mut b = match db::laatste_beoordeling(&mut tx, &id).await? {
        Some((_, inhoud)) => serde_json::from_str::<Beoordelingen>(&inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?,
        None => return Err(ApiFout::NietGevonden),
    };
    let n: MijnScores =
        serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{aanvraag, deelplan, scores: [{{criterium, score, motivering}}]}}: {e}")))?;
    if !b.toewijzingen.iter().any(|t| t.aanvraag == n.aanvraag && t.deelplan == n.deelplan && t.leden.contains(&lid)) {
        return Err(ApiFout::NietGevonden);
    }
    // Tegen het beoordelingskader van de ronde (zoals het geldt op de besluitdatum): bekend criterium, binnen
    // de schaal, met motivering; anders niets vastgelegd.
    let ronde = super::rondes::effectief(&mut tx, &id).await?;
    let kader = ronde.parameters_op(kern::besluitmoment(&ronde)).beoordelingskader.waarde.clone();
    let mut fouten = Vec::new();
    for x in &n.scores {
        if !kader.criteria.iter().any(|c| c.id == x.criterium) {
            fouten.push(format!(
                "onbekend criterium '{}' (kies uit {})",
                x.criterium,
                kader.criteria.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
        if x.score < kader.schaal_min || x.score > kader.schaal_max {
            fouten.push(format!("{}: score {} ligt buiten de schaal {} tot en met {}", x.criterium, x.score, kader.schaal_min, kader.schaal_max));
        }
        if x.motivering.trim().is_empty() {
            fouten.push(format!("{}: elke score heeft een motivering", x.criterium));
        }
    }
    if !fouten.is_empty() {
        return Err(ongeldig(format!("Er is niets vastgelegd: {}.", fouten.join("; "))));
    }
    b.scores.retain(|x| !(x.lid == lid && x.aanvraag == n.aanvraag && x.deelplan == n.deelplan));
    b.scores.extend(n.scores.into_iter().map(|x| vhf_core::beoordeling::Score {
        lid: lid.clone(),
        aanvraag: n.aanvraag.clone(),
        deelplan: n.deelplan.clone(),
        criterium: x.criterium,
        score: x.score,
        motivering: x.motivering,
    }));
    let versie = bewaar_beoordelingen(&mut tx, &ident, &id, &b, (s.klok)().as_microsecond()).await?;
    let antwoord = json!({ "ronde": id, "versie": versie, "aanvraag": n.aanvraag, "deelplan": n.deelplan });
    super::aanvragen::afronden(tx, sleutel, StatusCode::CREATED, &antwoord).await?;
    Ok((StatusCode::CREATED, Json(antwoord)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NieuweVerdeling {
    #[serde(default)]
    eerder_toegekend: Vec<vhf_core::codes::GemeenteCode>,
}

async fn verdeel(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let n: NieuweVerdeling = serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{eerder_toegekend?}}: {e}")))?;
    let (mut tx, sleutel) = super::aanvragen::begin(&s, &ident, &h, &format!("POST /rondes/{id}/verdelingen"), &body).await?;
    let ronde = super::rondes::effectief(&mut tx, &id).await?;
    let (versie, beoordelingen) = match db::laatste_beoordeling(&mut tx, &id).await? {
        Some((v, inhoud)) => (v, serde_json::from_str::<Beoordelingen>(&inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?),
        None => (0, Beoordelingen::default()),
    };
    let mut aanvragen = Vec::new();
    let mut ids = BTreeMap::new();
    for (aid, a) in ronde_aanvragen(db::ingediend_met_status(&mut tx, &id).await?)? {
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
    let vid = super::nieuw_id("VD");
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
        door: ident.actor(),
        op: nu,
        besloten_op: None,
    };
    db::voeg_verdeling_toe(&mut tx, &rij).await?;
    let na = json!({ "verdeling": vid, "beoordeling_versie": versie, "uitkeringen": v.uitkeringen, "sha256": super::identiteit::sha256_hex(&rij.resultaat) });
    ident.leg_vast(&mut tx, nu, "verdeling.gemaakt", format!("verdeling/{vid}"), None, None, Some(na)).await?;
    super::aanvragen::afronden(tx, sleutel, StatusCode::CREATED, &resultaat).await?;
    Ok((StatusCode::CREATED, Json(resultaat)).into_response())
}

async fn haal(State(s): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let mut c = s.db.lees().await?;
    let v = db::verdeling(&mut c, &id).await?.ok_or(ApiFout::NietGevonden)?;
    let mut r: Value = serde_json::from_str(&v.resultaat).map_err(|e| ApiFout::Intern(e.to_string()))?;
    r["besloten_op"] = json!(v.besloten_op.and_then(|t| jiff::Timestamp::from_microsecond(t).ok()));
    r["door"] = json!(v.door);
    Ok(Json(r).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Besluit {
    reden: String,
}

/// Het besluit: één uitkering per gemeente, en elke aanvraag in de verdeling naar haar uitkomst. Alle aanvragen
/// moeten beoordeeld zijn (of niet ontvankelijk); anders gebeurt er niets.
async fn besluit(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let b: Besluit = serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{reden}}: {e}")))?;
    if b.reden.trim().is_empty() {
        return Err(ongeldig("Een besluit heeft een reden.".into()));
    }
    let door = ident.actor();
    let (mut tx, sleutel) = super::aanvragen::begin(&s, &ident, &h, &format!("POST /verdelingen/{id}/besluit"), &body).await?;
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
        db_aanvragen::voeg_overgang_toe(&mut tx, aid, Some(huidig), naar, &door, &format!("besluit over verdeling {id}: {}", b.reden), nu).await?;
        let (voor, na) = (json!({ "status": huidig, "versie": versie }), json!({ "status": naar, "versie": versie + 1, "verdeling": id }));
        ident.leg_vast(&mut tx, nu, "aanvraag.besluit", format!("aanvraag/{aid}"), Some(aid), Some(voor), Some(na)).await?;
    }
    if !niet_klaar.is_empty() {
        return Err(ApiFout::Conflict(format!("Nog niet beoordeeld: {}. Er is niets besloten.", niet_klaar.join(", "))));
    }
    let mut uitkeringen = Vec::new();
    for (g, bedrag) in resultaat["uitkeringen"].as_object().cloned().unwrap_or_default() {
        let bedrag = bedrag.as_str().unwrap_or("0.00").to_string();
        let inhoud = json!({ "gemeente": g, "naam": Referentie::ingebouwd().gemeentenaam(vhf_core::codes::GemeenteCode::parse(&g).map_err(|e| ApiFout::Intern(e.to_string()))?), "bedrag": bedrag, "reden": b.reden, "bezwaar": "Tegen dit besluit kan binnen zes weken bezwaar worden gemaakt (Algemene wet bestuursrecht)." });
        db::voeg_besluit_toe(&mut tx, &id, &g, &bedrag, &inhoud.to_string(), &door, nu).await?;
        ident.leg_vast(&mut tx, nu, "besluit.uitkering", format!("verdeling/{id}/besluit/{g}"), None, None, Some(inhoud.clone())).await?;
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
    let mut c = s.db.lees().await?;
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
