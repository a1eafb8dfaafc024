//! Handelingen van de commissie en het ministerie: een versie van de beoordelingen vastleggen (met de toets op
//! belangenconflicten), een commissielid scoort zijn toegewezen deelplan, een verdeling maken met de kern en
//! bewaren, en het besluit daarover. Aangeroepen door de API (`server/verdeling.rs`) en de pagina's (`web/`).

use std::collections::BTreeMap;

use serde_json::{Value, json};
use vhf_core::beoordeling::Beoordelingen;
use vhf_core::levensloop::Status;
use vhf_core::referentie::Referentie;
use vhf_core::verdeling::{self as kern, Uitkomst, Verdeelinvoer};

use super::{Verzoek, afronden};
use crate::db::aanvragen as db_aanvragen;
use crate::db::toegang as db_toegang;
use crate::db::verdeling as db;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;

fn ongeldig(detail: String) -> ApiFout {
    ApiFout::Ongeldig { detail, velden: vec![] }
}

/// De ingediende aanvragen van een ronde, elk met het kenmerk waaronder de commissie en de verdeling haar
/// kennen. Een kenmerk is uniek per gemeente, niet over de ronde: hebben twee gemeenten hetzelfde kenmerk
/// gekozen, dan heten die aanvragen in de ronde `GM0479/KENMERK` (penvoerder/kenmerk), zodat verwijzingen
/// nooit dubbelzinnig zijn. Een uniek kenmerk blijft zoals de gemeente het koos. Alle ingediende aanvragen, ook
/// die (nog) niet ontvankelijk zijn: de commissie mag al toegewezen worden; wat verdeeld wordt, kiest
/// [`invoer_van`].
pub fn ronde_aanvragen(rijen: Vec<(String, String, String, i64)>) -> Result<Vec<(String, vhf_core::aanvraag::Aanvraag)>, ApiFout> {
    Ok(met_status(rijen)?.into_iter().map(|(aid, _, a)| (aid, a)).collect())
}

/// Als [`ronde_aanvragen`], met de status van elke aanvraag.
fn met_status(rijen: Vec<(String, String, String, i64)>) -> Result<Vec<(String, Status, vhf_core::aanvraag::Aanvraag)>, ApiFout> {
    let mut v = Vec::with_capacity(rijen.len());
    let mut aantal: BTreeMap<String, usize> = BTreeMap::new();
    for (aid, status, inhoud, _) in rijen {
        let a: vhf_core::aanvraag::Aanvraag = serde_json::from_str(&inhoud).map_err(|e| ApiFout::Intern(format!("inhoud van {aid}: {e}")))?;
        let status: Status = status.parse().map_err(|e| ApiFout::Intern(format!("status van {aid}: {e}")))?;
        *aantal.entry(a.kenmerk.clone()).or_default() += 1;
        v.push((aid, status, a));
    }
    for (_, _, a) in &mut v {
        if aantal[&a.kenmerk] > 1 {
            let penvoerder = a.penvoerder().map(|g| g.to_string()).unwrap_or_default();
            a.kenmerk = format!("{penvoerder}/{}", a.kenmerk);
        }
    }
    Ok(v)
}

/// De laatste versie van de beoordelingen van een ronde; nog geen versie: leeg.
pub async fn beoordelingen_van(c: &mut impl crate::db::Verbinding, ronde: &str) -> Result<Beoordelingen, ApiFout> {
    Ok(match db::laatste_beoordeling(c, ronde).await? {
        Some((_, inhoud)) => serde_json::from_str(&inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?,
        None => Beoordelingen::default(),
    })
}

/// De invoer van een verdeling zoals de database haar nu heeft (voor wat-als en gevoeligheid, die niets
/// bewaren): de ronde met haar wijzigingen, de ontvankelijke aanvragen, de laatste beoordelingen en de uitkomsten
/// van eerdere rondes (zoals op het besluitmoment van de ronde).
pub async fn huidige_invoer(c: &mut impl crate::db::Verbinding, ronde: &str) -> Result<(vhf_core::regeling::Ronde, Verdeelinvoer), ApiFout> {
    let r = crate::server::rondes::effectief(&mut *c, ronde).await?;
    let b = beoordelingen_van(&mut *c, ronde).await?;
    let eerder = eerdere_uitkomsten(&mut *c, &r, kern::besluitmoment(&r)).await?;
    let mut i = invoer_van(db::ingediend_met_status(&mut *c, ronde).await?, ronde, b, eerder)?;
    i.invoer.geuploade_documenten = Some(geupload(&mut *c, ronde, &i.ids).await?);
    Ok((r, i.invoer))
}

/// De uitkomsten van de rondes vóór `ronde` (die eerder begonnen), voor de puntenregel: uit de besloten
/// verdelingen van dit systeem (per deelplan toegekend, voldoende maar niet toegekend, of niet voldoende; en per
/// gemeente de uitkering uit het besluit) en uit de gedateerde parameter `uitkomsten_buiten_systeem` van die rondes
/// (met hun opgeslagen wijzigingen) zoals die op `peilmoment` geldt, voor wat vóór dit systeem besloten is. Een
/// verdeling zonder besluit telt niet: pas het besluit maakt een uitkomst.
pub async fn eerdere_uitkomsten(
    c: &mut impl crate::db::Verbinding,
    ronde: &vhf_core::regeling::Ronde,
    peilmoment: jiff::Timestamp,
) -> Result<Vec<vhf_core::verdeling::EerdereUitkomst>, ApiFout> {
    use vhf_core::codes::GemeenteCode;
    use vhf_core::regeling::{Afloop, Ronde};
    use vhf_core::verdeling::EerdereUitkomst;
    let mut eerder = Vec::new();
    for r in Ronde::ingebouwd().iter().filter(|r| r.id != ronde.id && r.geldig_vanaf < ronde.geldig_vanaf) {
        eerder.push(crate::server::rondes::effectief(&mut *c, &r.id).await?);
    }
    let mut uit = kern::uitkomsten_buiten_systeem(&eerder, ronde, peilmoment);
    let datum = |r: &Ronde, t: i64| jiff::Timestamp::from_microsecond(t).map(|t| r.lokale_datum(t).strftime("%d-%m-%Y").to_string()).unwrap_or_default();
    let intern = |e: String| ApiFout::Intern(format!("eerdere uitkomsten: {e}"));
    for (vid, rid, besloten_op) in db::besloten(&mut *c).await? {
        let Some(r) = eerder.iter().find(|r| r.id == rid) else { continue };
        let rij = db::verdeling(&mut *c, &vid).await?.ok_or_else(|| intern(format!("verdeling {vid} ontbreekt")))?;
        let resultaat: Value = serde_json::from_str(&rij.resultaat).map_err(|e| intern(e.to_string()))?;
        let bron = format!("verdeling {vid} van {rid}, besloten op {}", datum(r, besloten_op));
        for d in resultaat["deelplannen"].as_array().into_iter().flatten() {
            // Een verdeling van vóór dit veld kent alleen de penvoerder; "voldoende" leidt ze dan af uit het advies.
            let gemeente = d["gemeente"].as_str().or(d["penvoerder"].as_str()).unwrap_or("");
            let gemeente = GemeenteCode::parse(gemeente).map_err(|e| intern(format!("{vid}: {e}")))?;
            let uitkomst: Uitkomst = serde_json::from_value(d["uitkomst"].clone()).map_err(|e| intern(format!("{vid}: {e}")))?;
            let toegekend = d["toegekend"].as_str().and_then(|b| vhf_core::geld::Bedrag::parse(b).ok()).is_some_and(|b| b.is_positief());
            let voldoende = d["voldoende"]
                .as_bool()
                .unwrap_or(matches!(uitkomst, Uitkomst::Toegekend | Uitkomst::GedeeltelijkToegekend | Uitkomst::PositiefNietGehonoreerdWegensBudget));
            uit.push(EerdereUitkomst {
                ronde: rid.clone(),
                gemeente,
                kenmerk: d["kenmerk"].as_str().map(String::from),
                deelplan: d["deelplan"].as_str().map(String::from),
                afloop: if toegekend {
                    Afloop::Toegekend
                } else if voldoende {
                    Afloop::VoldoendeNietToegekend
                } else {
                    Afloop::NietVoldoende
                },
                bron: bron.clone(),
            });
        }
    }
    // De uitkering zelf gaat naar de penvoerder: ook die kreeg dan een uitkering uit het fonds.
    for (vid, rid, g, bedrag, op) in db::besluiten(&mut *c, "").await? {
        let Some(r) = eerder.iter().find(|r| r.id == rid) else { continue };
        let Some(b) = vhf_core::geld::Bedrag::parse(&bedrag).ok().filter(|b| b.is_positief()) else { continue };
        uit.push(EerdereUitkomst {
            ronde: rid.clone(),
            gemeente: GemeenteCode::parse(&g).map_err(|e| intern(format!("{vid}: {e}")))?,
            kenmerk: None,
            deelplan: None,
            afloop: Afloop::Toegekend,
            bron: format!("besluit over verdeling {vid} van {rid} op {}: uitkering van {b}", datum(r, op)),
        });
    }
    Ok(uit)
}

pub use vhf_core::uitslag::BuitenVerdeling;

/// De invoer van een verdeling uit de database.
pub struct Invoer {
    pub invoer: Verdeelinvoer,
    /// Per kenmerk (zoals de ronde het kent) het id van de aanvraag.
    pub ids: BTreeMap<String, String>,
    /// De ingediende aanvragen die niet meedoen (op kenmerk), met status en reden.
    pub buiten: Vec<BuitenVerdeling>,
}

/// De geüploade documenten per kenmerk (zoals de ronde de aanvragen kent, `ids`: kenmerk → id): daarop toetst
/// de verdeling E15, zoals het indienen, niet op de documentenlijst in de JSON.
async fn geupload(
    c: &mut impl crate::db::Verbinding,
    ronde: &str,
    ids: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, Vec<vhf_core::aanvraag::Document>>, ApiFout> {
    let mut per_id = crate::db::documenten::voor_toetsing_van_ronde(c, ronde).await?;
    Ok(ids.iter().map(|(kenmerk, id)| (kenmerk.clone(), per_id.remove(id).unwrap_or_default())).collect())
}

/// De invoer van een verdeling: van de ingediende aanvragen van de ronde alleen die RVO ontvankelijk verklaarde
/// (status ontvankelijk of verder langs de beoordeling, [`Status::buiten_verdeling`]), met de beoordelingen van
/// alleen die aanvragen. De andere staan in `buiten`, met hun status en de reden.
pub fn invoer_van(
    rijen: Vec<(String, String, String, i64)>,
    ronde: &str,
    beoordelingen: Beoordelingen,
    eerdere_uitkomsten: Vec<vhf_core::verdeling::EerdereUitkomst>,
) -> Result<Invoer, ApiFout> {
    let mut aanvragen = Vec::new();
    let mut ids = BTreeMap::new();
    let mut buiten = Vec::new();
    for (aid, status, a) in met_status(rijen)? {
        match status.buiten_verdeling() {
            Some(reden) => buiten.push(BuitenVerdeling {
                aanvraag: aid,
                reden: format!("Aanvraag {} doet niet mee in de verdeling: {reden}.", a.kenmerk),
                kenmerk: a.kenmerk,
                status,
            }),
            None => {
                ids.insert(a.kenmerk.clone(), aid);
                aanvragen.push(a);
            }
        }
    }
    buiten.sort_by(|x, y| x.kenmerk.cmp(&y.kenmerk));
    let mee: std::collections::BTreeSet<&str> = aanvragen.iter().map(|a| a.kenmerk.as_str()).collect();
    let beoordelingen = beoordelingen.alleen_voor(&mee);
    Ok(Invoer {
        invoer: Verdeelinvoer {
            ronde: ronde.to_string(),
            aanvragen,
            beoordelingen,
            eerdere_uitkomsten,
            parameterwijzigingen: Vec::new(),
            geuploade_documenten: None,
        },
        ids,
        buiten,
    })
}

/// Bewaart een versie van de beoordelingen: eerst de belangenconflicten van de toewijzingen (een lid wordt nooit
/// toegewezen aan een deelplan waarmee het een band heeft), dan de versie, de toewijzingstabel (waarmee de
/// zichtbaarheid voor commissieleden in SQL wordt beperkt) en de auditregel, in één transactie.
pub async fn bewaar_beoordelingen(tx: &mut crate::db::Schrijftransactie, ident: &Identiteit, ronde: &str, b: &Beoordelingen, nu: i64) -> Result<i64, ApiFout> {
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
    let na = json!({ "versie": versie, "leden": b.leden.len(), "toewijzingen": b.toewijzingen.len(), "scores": b.scores.len(), "sha256": vhf_core::levensloop::sha256_hex(inhoud.as_bytes()) });
    ident.leg_vast(&mut *tx, nu, "beoordelingen.vastgelegd", format!("ronde/{ronde}/beoordelingen/{versie}"), None, None, Some(na)).await?;
    Ok(versie)
}

/// Eén score van een commissielid op één criterium.
pub struct MijnScore {
    pub criterium: String,
    pub score: vhf_core::geld::Honderdsten,
    pub motivering: String,
}

/// "a", "a en b", "a, b en c".
fn opsomming(delen: &[String]) -> String {
    match delen {
        [] => String::new(),
        [a] => a.clone(),
        [kop @ .., laatste] => format!("{} en {laatste}", kop.join(", ")),
    }
}

/// Een commissielid scoort één toegewezen deelplan, in een nieuwe versie van de beoordelingen. Per criterium: een
/// score in deze post vervangt zijn eerdere score op dat criterium; zijn scores op de andere criteria blijven
/// staan (een post met alleen effectiviteit wist de rest niet), en het antwoord zegt welke gescoord, behouden en
/// nog niet gescoord zijn. Niet toegewezen (of niet bestaand) geeft 404: het lid ziet niet eens dat het deelplan er
/// is. Getoetst tegen het beoordelingskader van de ronde (zoals het geldt op de besluitdatum): ten minste één
/// score, elk criterium hoogstens één keer, bekend criterium, binnen de schaal, met motivering; anders niets
/// vastgelegd. Geeft het antwoord (met de nieuwe versie).
pub async fn scoor(v: &Verzoek<'_>, ronde_id: &str, aanvraag: &str, deelplan: &str, scores: Vec<MijnScore>) -> Result<Value, ApiFout> {
    let (s, ident) = (v.s, v.ident);
    vhf_core::regeling::Ronde::zoek(ronde_id).ok_or(ApiFout::NietGevonden)?;
    let lid = ident.gebruiker()?.id.clone();
    let (mut tx, sleutel) = v.begin().await?;
    let mut b = match db::laatste_beoordeling(&mut tx, ronde_id).await? {
        Some((_, inhoud)) => serde_json::from_str::<Beoordelingen>(&inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?,
        None => return Err(ApiFout::NietGevonden),
    };
    if !b.toewijzingen.iter().any(|t| t.aanvraag == aanvraag && t.deelplan == deelplan && t.leden.contains(&lid)) {
        return Err(ApiFout::NietGevonden);
    }
    let ronde = crate::server::rondes::effectief(&mut tx, ronde_id).await?;
    let kader = ronde.parameters_op(kern::besluitmoment(&ronde)).beoordelingskader.waarde.clone();
    let mut fouten = Vec::new();
    if scores.is_empty() {
        fouten.push("geef ten minste één score (criterium, score en motivering)".to_string());
    }
    let mut in_post = std::collections::BTreeSet::new();
    for x in &scores {
        if !in_post.insert(x.criterium.as_str()) {
            fouten.push(format!("{}: staat twee keer in deze post (één score per criterium)", x.criterium));
        }
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
    // Alleen de criteria in deze post worden vervangen; de andere scores van het lid blijven staan.
    let in_post: std::collections::BTreeSet<String> = in_post.into_iter().map(String::from).collect();
    b.scores.retain(|x| !(x.lid == lid && x.aanvraag == aanvraag && x.deelplan == deelplan && in_post.contains(&x.criterium)));
    let eerder: std::collections::BTreeSet<String> =
        b.scores.iter().filter(|x| x.lid == lid && x.aanvraag == aanvraag && x.deelplan == deelplan).map(|x| x.criterium.clone()).collect();
    b.scores.extend(scores.into_iter().map(|x| vhf_core::beoordeling::Score {
        lid: lid.clone(),
        aanvraag: aanvraag.to_string(),
        deelplan: deelplan.to_string(),
        criterium: x.criterium,
        score: x.score,
        motivering: x.motivering,
    }));
    let versie = bewaar_beoordelingen(&mut tx, ident, ronde_id, &b, (s.klok)().as_microsecond()).await?;
    // Per criterium van het kader, in de volgorde van het kader: gescoord in deze post, behouden van eerder, of nog open.
    let (mut gescoord, mut behouden, mut ontbreekt) = (Vec::new(), Vec::new(), Vec::new());
    for c in &kader.criteria {
        let lijst = if in_post.contains(&c.id) {
            &mut gescoord
        } else if eerder.contains(&c.id) {
            &mut behouden
        } else {
            &mut ontbreekt
        };
        lijst.push(c);
    }
    let namen = |l: &[&vhf_core::regeling::Criterium]| opsomming(&l.iter().map(|c| c.naam.clone()).collect::<Vec<_>>());
    let mut melding = format!("Vastgelegd voor deelplan {deelplan} van {aanvraag}: {}.", namen(&gescoord));
    if !behouden.is_empty() {
        melding.push_str(&format!(" Uw eerdere scores voor {} blijven staan.", namen(&behouden)));
    }
    if !ontbreekt.is_empty() {
        melding.push_str(&format!(
            " Nog niet gescoord: {}; zolang die ontbreken is het deelplan niet volledig beoordeeld en kan het niet verdeeld worden.",
            namen(&ontbreekt)
        ));
    }
    let ids = |l: &[&vhf_core::regeling::Criterium]| l.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    let antwoord = json!({
        "ronde": ronde_id, "versie": versie, "aanvraag": aanvraag, "deelplan": deelplan,
        "gescoord": ids(&gescoord), "behouden": ids(&behouden), "ontbreekt": ids(&ontbreekt), "melding": melding,
    });
    afronden(tx, sleutel, 201, &antwoord).await?;
    Ok(antwoord)
}

/// Een verdeling van de ingediende aanvragen van een ronde, met de kern (toetsing, oordeel, rangorde, bedragen,
/// uitleg), bewaard met parameters en uitkomst. Geeft het resultaat zoals bewaard (met `id`).
pub async fn verdeel(v: &Verzoek<'_>, ronde_id: &str) -> Result<Value, ApiFout> {
    let (s, ident) = (v.s, v.ident);
    let id = ronde_id.to_string();
    let (mut tx, sleutel) = v.begin().await?;
    let ronde = crate::server::rondes::effectief(&mut tx, &id).await?;
    let (versie, beoordelingen) = match db::laatste_beoordeling(&mut tx, &id).await? {
        Some((v, inhoud)) => (v, serde_json::from_str::<Beoordelingen>(&inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?),
        None => (0, Beoordelingen::default()),
    };
    let peilmoment = kern::besluitmoment(&ronde);
    let eerder = eerdere_uitkomsten(&mut tx, &ronde, peilmoment).await?;
    let Invoer { mut invoer, ids, buiten } = invoer_van(db::ingediend_met_status(&mut tx, &id).await?, &id, beoordelingen, eerder)?;
    invoer.geuploade_documenten = Some(geupload(&mut tx, &id, &ids).await?);
    let analyse =
        kern::analyseer(&invoer, &ronde, peilmoment, None).map_err(|f| ongeldig(format!("De verdeling kan niet worden gemaakt: {}", f.join("; "))))?;
    let regels = analyse.regels().map_err(|e| ApiFout::Intern(e.to_string()))?;
    let v = kern::verdeel(&analyse.kandidaten, &regels);
    // Dezelfde vorm als `vhf allocate --json` (schema/verdeelresultaat.schema.json), met de id's van de server.
    let vid = crate::server::nieuw_id("VD");
    let mut uitslag = vhf_core::uitslag::van(&analyse, &v, None, peilmoment);
    uitslag.id = Some(vid.clone());
    uitslag.beoordeling_versie = Some(versie);
    for d in &mut uitslag.deelplannen {
        d.aanvraag = ids.get(&d.kenmerk).cloned();
    }
    uitslag.buiten_verdeling = buiten;
    uitslag.voorgeschiedenis = invoer.eerdere_uitkomsten.clone();
    let resultaat = serde_json::to_value(&uitslag).map_err(|e| ApiFout::Intern(e.to_string()))?;
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
    let d = dossier(&mut tx, &invoer, &analyse, &v, peilmoment).await?;
    db::zet_dossier(&mut tx, &vid, &d).await?;
    let na = json!({ "verdeling": vid, "beoordeling_versie": versie, "uitkeringen": v.uitkeringen, "sha256": vhf_core::levensloop::sha256_hex(rij.resultaat.as_bytes()) });
    ident.leg_vast(&mut tx, nu, "verdeling.gemaakt", format!("verdeling/{vid}"), None, None, Some(na)).await?;
    afronden(tx, sleutel, 201, &resultaat).await?;
    Ok(resultaat)
}

/// Het verdeeldossier: de invoer zoals `vhf allocate` haar leest, zodat die op dit bestand precies de bewaarde
/// uitvoer geeft. De aanvragen krijgen als documentenlijst wat er geüpload is (de server toetst E15 daarop, het
/// bestand kent alleen een lijst), de parameterwijzigingen van de ronde komen erbij, en de uitvoer is de tekst
/// die `vhf allocate --json` schrijft (`schema/verdeelresultaat.schema.json`, zonder de id's van de server).
async fn dossier(
    c: &mut impl crate::db::Verbinding,
    invoer: &Verdeelinvoer,
    analyse: &kern::Analyse<'_>,
    v: &kern::Verdeling,
    peilmoment: jiff::Timestamp,
) -> Result<String, ApiFout> {
    let mut bestand = invoer.clone();
    if let Some(geupload) = bestand.geuploade_documenten.take() {
        for a in &mut bestand.aanvragen {
            a.documenten = geupload.get(&a.kenmerk).cloned().unwrap_or_default();
        }
    }
    bestand.parameterwijzigingen = crate::db::rondes::wijzigingen(&mut *c, &invoer.ronde)
        .await?
        .into_iter()
        .map(|w| vhf_core::verdeling::Parameterwijziging {
            parameter: w.parameter,
            vanaf: w.wijziging.vanaf,
            waarde: w.wijziging.waarde,
            bron: w.wijziging.bron,
            toelichting: w.wijziging.toelichting,
        })
        .collect();
    let uitvoer = vhf_core::uitslag::Uitvoer::Verdeling(Box::new(vhf_core::uitslag::van(analyse, v, None, peilmoment)));
    let uitvoer = format!("{}\n", serde_json::to_string_pretty(&uitvoer).map_err(|e| ApiFout::Intern(e.to_string()))?);
    Ok(json!({
        "invoer": bestand,
        "uitvoer": uitvoer,
        "uitvoer_sha256": vhf_core::levensloop::sha256_hex(uitvoer.as_bytes()),
        "toelichting": "Sla invoer op als bestand (bijvoorbeeld dossier.json) en draai `vhf allocate --json dossier.json`: dat geeft precies de tekst van uitvoer (dezelfde SHA-256). De documentenlijst van elke aanvraag is wat er geüpload was; de parameterwijzigingen zijn die van de ronde bij het verdelen.",
    })
    .to_string())
}

/// Het besluit: één uitkering per gemeente, en elke aanvraag in de verdeling naar haar uitkomst. Alle aanvragen
/// moeten beoordeeld zijn (of niet ontvankelijk); anders gebeurt er niets. Geeft het antwoord met de besluiten.
pub async fn besluit(v: &Verzoek<'_>, id: &str, reden: &str) -> Result<Value, ApiFout> {
    let (s, ident) = (v.s, v.ident);
    if reden.trim().is_empty() {
        return Err(ongeldig("Een besluit heeft een reden.".into()));
    }
    let door = ident.actor();
    let (mut tx, sleutel) = v.begin().await?;
    let vr = db::verdeling(&mut tx, id).await?.ok_or(ApiFout::NietGevonden)?;
    let resultaat: Value = serde_json::from_str(&vr.resultaat).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let nu = (s.klok)().as_microsecond();
    if !db::markeer_besloten(&mut tx, id, nu).await? {
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
        db::ingediend_met_status(&mut tx, &vr.ronde).await?.into_iter().map(|(a, st, _, versie)| (a, (st, versie))).collect();
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
        db_aanvragen::voeg_overgang_toe(&mut tx, aid, Some(huidig), naar, &door, &format!("besluit over verdeling {id}: {reden}"), nu).await?;
        let (voor, na) = (json!({ "status": huidig, "versie": versie }), json!({ "status": naar, "versie": versie + 1, "verdeling": id }));
        ident.leg_vast(&mut tx, nu, "aanvraag.besluit", format!("aanvraag/{aid}"), Some(aid), Some(voor), Some(na)).await?;
    }
    if !niet_klaar.is_empty() {
        return Err(ApiFout::Conflict(format!("Nog niet beoordeeld: {}. Er is niets besloten.", niet_klaar.join(", "))));
    }
    let mut uitkeringen = Vec::new();
    for (g, bedrag) in vhf_core::uitslag::uitkeringen_uit(&resultaat) {
        let inhoud = json!({ "gemeente": g, "naam": Referentie::ingebouwd().gemeentenaam(vhf_core::codes::GemeenteCode::parse(&g).map_err(|e| ApiFout::Intern(e.to_string()))?), "bedrag": bedrag, "reden": reden, "bezwaar": "Tegen dit besluit kan binnen zes weken bezwaar worden gemaakt (Algemene wet bestuursrecht)." });
        db::voeg_besluit_toe(&mut tx, id, &g, &bedrag, &inhoud.to_string(), &door, nu).await?;
        ident.leg_vast(&mut tx, nu, "besluit.uitkering", format!("verdeling/{id}/besluit/{g}"), None, None, Some(inhoud.clone())).await?;
        uitkeringen.push(inhoud);
    }
    let antwoord = json!({ "verdeling": id, "besluiten": uitkeringen, "aanvragen": per_aanvraag.len() });
    afronden(tx, sleutel, 201, &antwoord).await?;
    Ok(antwoord)
}

/// De behandelaar wijst leden van de commissie toe aan één deelplan (vervangt de toewijzing van dat deelplan),
/// als nieuwe versie van de beoordelingen; een lid met een belangenconflict of dat niet bij de commissie hoort
/// wordt geweigerd en er verandert niets. `kenmerk` is het kenmerk waaronder de ronde de aanvraag kent.
pub async fn wijs_toe(v: &Verzoek<'_>, ronde: &str, kenmerk: &str, deelplan: &str, leden: Vec<String>) -> Result<i64, ApiFout> {
    let (s, ident) = (v.s, v.ident);
    let (mut tx, sleutel) = v.begin().await?;
    let mut b = match db::laatste_beoordeling(&mut tx, ronde).await? {
        Some((_, inhoud)) => serde_json::from_str::<Beoordelingen>(&inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?,
        None => Beoordelingen::default(),
    };
    b.toewijzingen.retain(|t| !(t.aanvraag == kenmerk && t.deelplan == deelplan));
    if !leden.is_empty() {
        b.toewijzingen.push(vhf_core::beoordeling::Toewijzing { aanvraag: kenmerk.to_string(), deelplan: deelplan.to_string(), leden });
    }
    let versie = bewaar_beoordelingen(&mut tx, ident, ronde, &b, (s.klok)().as_microsecond()).await?;
    afronden(tx, sleutel, 201, &json!({ "ronde": ronde, "versie": versie, "aanvraag": kenmerk, "deelplan": deelplan })).await?;
    Ok(versie)
}
