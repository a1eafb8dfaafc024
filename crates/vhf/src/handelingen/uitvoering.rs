//! Na het besluit (issue 12): betaling, jaarlijkse verantwoording (SiSa), wijzigingen van deelplannen en de
//! vaststelling met terugvordering. De regels staan in `vhf_core::uitvoering`; hier de volgorde, de opslag, het
//! audittrail en de vier ogen.
//!
//! Alles hangt aan het **geldende** besluit van een gemeente in een ronde: een ondertekend besluit, en als een
//! ondertekende correctie het vervangt, die correctie (`vervangen_door` gevolgd). Vier ogen zoals bij het
//! ondertekenen van een besluit (`handelingen/besluiten.rs`): wie een betaling voorstelt, een wijziging tot
//! goedkeuring voorstelt of een vaststelling opstelt, keurt die niet zelf goed of ondertekent niet zelf (403 in
//! het Nederlands, en de poging staat in het audittrail); de UPDATE in `db/uitvoering.rs` eist het ook.
//!
//! De levensloop van de aanvragen van het besluit (`vhf_core::levensloop`) volgt: de eerste goedgekeurde betaling
//! maakt ze `uitbetaald`, de eerste opgave `in uitvoering`, de eindverantwoording van al hun deelplannen
//! `verantwoord`, en de ondertekende vaststelling `afgerond` of `teruggevorderd`; elke overgang met actor, tijd en
//! reden in `statusovergangen` en het audittrail. Alleen overgangen die de levensloop toestaat.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use vhf_core::aanvraag::Aanvraag;
use vhf_core::geld::Bedrag;
use vhf_core::levensloop::{self, Status};
use vhf_core::regeling::{ParameterNaam, Ronde};
use vhf_core::uitvoering::{self as regels, Deelplanopgave, Deelplanstand, Vaststelling};

use super::besluiten::{Besluitinhoud, datum_nl, lokale_datum};
use super::{Verzoek, afronden};
use crate::brief::{Blok, Brief, vul_in};
use crate::db::aanvragen as db_aanvragen;
use crate::db::besluiten::{self as db_besluiten, BesluitRij, Zicht};
use crate::db::uitvoering::{self as db, BetalingRij, VaststellingRij, VerantwoordingRij, VersieRij, WijzigingRij};
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;

fn intern(e: impl std::fmt::Display) -> ApiFout {
    ApiFout::Intern(e.to_string())
}

fn ongeldig(detail: impl Into<String>) -> ApiFout {
    ApiFout::Ongeldig { detail: detail.into(), velden: vec![] }
}

fn bedrag_tekst(b: Bedrag) -> String {
    serde_json::to_value(b).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_else(|| "0.00".into())
}

fn bedrag(t: &str) -> Result<Bedrag, ApiFout> {
    Bedrag::parse(t).map_err(intern)
}

/// Het geldende besluit achter `id`: ondertekend, en als een ondertekende correctie het vervangt die correctie.
/// Wat de vrager niet mag zien, is 404; een concept heeft nog geen uitvoering (409).
pub async fn geldend(c: &mut impl crate::db::Verbinding, id: &str, zicht: &Zicht) -> Result<BesluitRij, ApiFout> {
    let mut b = db_besluiten::haal(c, id, zicht).await?.ok_or(ApiFout::NietGevonden)?;
    if b.status != "ondertekend" {
        return Err(ApiFout::Conflict(format!(
            "Besluit {} is nog niet ondertekend; betaling en verantwoording beginnen bij een ondertekend besluit.",
            b.identificatie
        )));
    }
    while let Some(v) = b.vervangen_door.clone() {
        match db_besluiten::haal(c, &v, &Zicht::Alles).await? {
            Some(n) if n.status == "ondertekend" => b = n,
            _ => break,
        }
    }
    Ok(b)
}

/// Wat er van een gemeente in een ronde vastligt: het geldende besluit, de ronde, de huidige stand per deelplan
/// (na goedgekeurde wijzigingen) en de aanvragen met een toegekend deelplan.
pub struct Uitkering {
    pub besluit: BesluitRij,
    pub inhoud: Besluitinhoud,
    pub ronde: Ronde,
    pub standen: Vec<Deelplanstand>,
    pub versies: Vec<VersieRij>,
    pub aanvragen: Vec<String>,
    pub besloten: Bedrag,
    pub betaald: Bedrag,
    pub betalingen: Vec<BetalingRij>,
}

impl Uitkering {
    pub fn besluitdatum(&self) -> Result<jiff::civil::Date, ApiFout> {
        self.besluit.datum.as_deref().and_then(|d| d.parse().ok()).ok_or_else(|| intern("ondertekend besluit zonder datum"))
    }
}

pub async fn uitkering(c: &mut impl crate::db::Verbinding, besluit: BesluitRij) -> Result<Uitkering, ApiFout> {
    let inhoud: Besluitinhoud = serde_json::from_str(&besluit.inhoud).map_err(intern)?;
    let ronde = crate::server::rondes::effectief(c, &besluit.ronde).await?;
    let versies = db::versies(c, &besluit.ronde, &besluit.gemeente).await?;
    let mut standen = Vec::new();
    let mut aanvragen = Vec::new();
    for d in inhoud.deelplannen.iter().filter(|d| d.toegekend.is_positief()) {
        let (mut cofinanciering, mut gepland) = (Bedrag::NUL, 0u64);
        if let Some(aid) = &d.aanvraag
            && let Some(a) = db_aanvragen::haal_intern(c, aid).await?
        {
            if !aanvragen.contains(aid) {
                aanvragen.push(aid.clone());
            }
            let a: Aanvraag = serde_json::from_str(&a.inhoud).map_err(intern)?;
            if let Some(dp) = a.deelplannen.iter().find(|x| x.id == d.deelplan) {
                cofinanciering = Bedrag::som(dp.cofinanciering.iter().map(|c| c.bedrag)).map_err(intern)?;
                gepland = dp.maatregelen.iter().filter(|m| m.activiteit.is_primair()).map(|m| m.woningen.totaal()).sum();
            }
        }
        let mut s =
            Deelplanstand { kenmerk: d.kenmerk.clone(), deelplan: d.deelplan.clone(), toegekend: d.toegekend, cofinanciering, woningen_gepland: gepland };
        if let Some(v) = versies.iter().rfind(|v| v.kenmerk == d.kenmerk && v.deelplan == d.deelplan) {
            s.toegekend = bedrag(&v.toegekend)?;
            s.woningen_gepland = u64::try_from(v.woningen_gepland).unwrap_or(0);
        }
        standen.push(s);
    }
    let betalingen = db::betalingen(c, &besluit.ronde, &besluit.gemeente, &Zicht::Alles).await?;
    let betaald =
        Bedrag::som(betalingen.iter().filter(|b| b.status == "goedgekeurd").map(|b| bedrag(&b.bedrag)).collect::<Result<Vec<_>, _>>()?).map_err(intern)?;
    let besloten = inhoud.totaal;
    Ok(Uitkering { besluit, inhoud, ronde, standen, versies, aanvragen, besloten, betaald, betalingen })
}

/// Zet de aanvragen langs de levensloop naar `naar` (via de tussenstappen in `pad`), alleen waar dat mag; elke
/// overgang met actor, tijd en reden, en in het audittrail.
async fn levensloop_naar(
    tx: &mut crate::db::Schrijftransactie,
    ident: &Identiteit,
    aanvragen: &[String],
    pad: &[Status],
    reden: &str,
    nu: i64,
) -> Result<(), ApiFout> {
    for aid in aanvragen {
        for &naar in pad {
            let Some(a) = db_aanvragen::haal_intern(tx, aid).await? else { continue };
            if a.status == naar || levensloop::overgang(a.status, naar).is_err() {
                continue;
            }
            if db_aanvragen::zet_status(tx, aid, a.versie, naar, None, nu).await? {
                db_aanvragen::voeg_overgang_toe(tx, aid, Some(a.status), naar, &ident.actor(), reden, nu).await?;
                let voor = json!({ "status": a.status, "versie": a.versie });
                let na = json!({ "status": naar, "versie": a.versie + 1, "reden": reden });
                ident.leg_vast(tx, nu, "aanvraag.statusovergang", format!("aanvraag/{aid}"), Some(aid), Some(voor), Some(na)).await?;
            }
        }
    }
    Ok(())
}

/// Vier ogen: legt de geweigerde poging vast in een eigen transactie (de handeling zelf doet niets) en geeft 403.
async fn weiger_vier_ogen(v: &Verzoek<'_>, actie: &str, object: String, wat: &str, detail: String) -> ApiFout {
    let nu = (v.s.klok)().as_microsecond();
    let vastgelegd = async {
        let mut tx = v.s.db.schrijf().await?;
        let na = json!({ "geweigerd": format!("{wat}: niet door wie het voorstelde of opstelde (vier ogen)") });
        v.ident.leg_vast(&mut tx, nu, actie, object, None, None, Some(na)).await?;
        tx.commit().await?;
        Ok::<(), ApiFout>(())
    }
    .await;
    if let Err(e) = vastgelegd {
        tracing::error!("geweigerde poging niet in het audittrail: {e:?}");
    }
    ApiFout::GeenRecht(detail)
}

// ------------------------------------------------------------------------------------------------------------
// Betaling

pub fn betaling_json(b: &BetalingRij) -> Value {
    json!({
        "id": b.id, "ronde": b.ronde, "gemeente": b.gemeente, "besluit": b.besluit_id, "termijn": b.termijn, "bedrag": b.bedrag,
        "betaaldatum": b.betaaldatum, "referentie": b.referentie, "status": b.status,
        "voorgesteld_door": b.voorgesteld_door, "goedgekeurd_door": b.goedgekeurd_door,
    })
}

/// Stelt de volgende betaling volgens het betaalschema van de ronde voor (een beslisser); een ander keurt haar goed.
pub async fn stel_betaling_voor(v: &Verzoek<'_>, besluit: &str) -> Result<Value, ApiFout> {
    let ik = v.ident.gebruiker()?.id.clone();
    let (mut tx, sleutel) = v.begin().await?;
    let b = geldend(&mut tx, besluit, &Zicht::Alles).await?;
    let u = uitkering(&mut tx, b).await?;
    if let Some(open) = u.betalingen.iter().find(|b| b.status == "voorgesteld") {
        return Err(ApiFout::Conflict(format!("Betaling {} ({}) wacht nog op goedkeuring; eerst die.", open.referentie, open.bedrag)));
    }
    let datum = u.besluitdatum()?;
    let p = u.ronde.parameters_op(u.ronde.moment(datum.to_datetime(jiff::civil::time(12, 0, 0, 0))));
    let gedaan = u.betalingen.iter().filter(|b| b.status == "goedgekeurd").count();
    let Some((termijn, bedrag)) = regels::volgende_betaling(p.betaalschema.waarde, u.besloten, u.betaald, gedaan).map_err(ApiFout::Conflict)? else {
        return Err(ApiFout::Conflict(format!("De uitkering van {} is betaald: besloten {}, betaald {}.", u.besluit.gemeente, u.besloten, u.betaald)));
    };
    regels::controleer_betaling(u.besloten, u.betaald, bedrag).map_err(ApiFout::Conflict)?;
    let nu = (v.s.klok)().as_microsecond();
    let rij = BetalingRij {
        id: crate::server::nieuw_id("BT"),
        ronde: u.besluit.ronde.clone(),
        gemeente: u.besluit.gemeente.clone(),
        besluit_id: u.besluit.id.clone(),
        termijn: i64::try_from(termijn).unwrap_or(i64::MAX),
        bedrag: bedrag_tekst(bedrag),
        betaaldatum: regels::betaaldatum(p.betaalschema.waarde, datum, termijn).to_string(),
        referentie: format!("{}-{}-T{termijn}", u.besluit.ronde.to_uppercase(), u.besluit.gemeente),
        status: "voorgesteld".into(),
        voorgesteld_door: ik,
        voorgesteld_op: nu,
        goedgekeurd_door: None,
        goedgekeurd_op: None,
    };
    db::voeg_betaling_toe(&mut tx, &rij).await?;
    let mut antwoord = betaling_json(&rij);
    antwoord["uitleg"] = json!(format!(
        "Termijn {termijn} volgens het betaalschema ({}, vanaf {}, bron: {}): {bedrag} van de besloten {}; al betaald {}.",
        p.gebruikt(ParameterNaam::betaalschema).waarde,
        p.betaalschema.vanaf,
        p.betaalschema.bron,
        u.besloten,
        u.betaald
    ));
    v.ident.leg_vast(&mut tx, nu, "betaling.voorgesteld", format!("betaling/{}", rij.id), None, None, Some(antwoord.clone())).await?;
    afronden(tx, sleutel, 201, &antwoord).await?;
    Ok(antwoord)
}

/// Keurt een voorgestelde betaling goed: een andere beslisser dan wie haar voorstelde.
pub async fn keur_betaling_goed(v: &Verzoek<'_>, id: &str) -> Result<Value, ApiFout> {
    let ik = v.ident.gebruiker()?.id.clone();
    if let Some(h) = v.al_beantwoord().await? {
        return Err(ApiFout::Herhaald(Box::new(h)));
    }
    let b = {
        let mut c = v.s.db.lees().await?;
        db::haal_betaling(&mut c, id, &Zicht::Alles).await?.ok_or(ApiFout::NietGevonden)?
    };
    if b.status != "voorgesteld" {
        return Err(ApiFout::Conflict(format!("Betaling {} is al goedgekeurd.", b.referentie)));
    }
    if b.voorgesteld_door == ik {
        return Err(weiger_vier_ogen(
            v,
            "betaling.goedkeuring_geweigerd",
            format!("betaling/{id}"),
            "goedkeuren",
            format!("U stelde betaling {} zelf voor; een andere beslisser moet haar goedkeuren (vier ogen).", b.referentie),
        )
        .await);
    }
    let (mut tx, sleutel) = v.begin().await?;
    let besluit = geldend(&mut tx, &b.besluit_id, &Zicht::Alles).await?;
    let u = uitkering(&mut tx, besluit).await?;
    regels::controleer_betaling(u.besloten, u.betaald, bedrag(&b.bedrag)?).map_err(ApiFout::Conflict)?;
    let nu = (v.s.klok)().as_microsecond();
    if !db::keur_betaling_goed(&mut tx, id, &ik, nu).await? {
        return Err(ApiFout::Conflict(format!("Betaling {} is intussen goedgekeurd.", b.referentie)));
    }
    let b = db::haal_betaling(&mut tx, id, &Zicht::Alles).await?.ok_or_else(|| intern("betaling verdwenen"))?;
    let antwoord = betaling_json(&b);
    v.ident
        .leg_vast(&mut tx, nu, "betaling.goedgekeurd", format!("betaling/{id}"), None, Some(json!({ "status": "voorgesteld" })), Some(antwoord.clone()))
        .await?;
    levensloop_naar(&mut tx, v.ident, &u.aanvragen, &[Status::Uitbetaald], &format!("betaling {} goedgekeurd", b.referentie), nu).await?;
    afronden(tx, sleutel, 200, &antwoord).await?;
    Ok(antwoord)
}

/// Het betaalbestand van een ronde voor het financiële systeem van het ministerie: de goedgekeurde betalingen als
/// CSV (puntkomma, bedrag in euro's met punt, UTF-8).
pub async fn betaalbestand(c: &mut impl crate::db::Verbinding, ronde: &str) -> Result<String, ApiFout> {
    let r = vhf_core::referentie::Referentie::ingebouwd();
    let mut uit = String::from("referentie;gemeente;gemeentenaam;bedrag;betaaldatum;besluit;termijn;voorgesteld_door;goedgekeurd_door\n");
    for b in db::betalingen(c, ronde, "", &Zicht::Alles).await?.into_iter().filter(|b| b.status == "goedgekeurd") {
        let naam = vhf_core::codes::GemeenteCode::parse(&b.gemeente).map(|g| r.gemeentenaam(g)).unwrap_or_default();
        let besluit = db_besluiten::haal(c, &b.besluit_id, &Zicht::Alles).await?.map(|x| x.identificatie).unwrap_or_default();
        let veld = |s: &str| if s.contains([';', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() };
        uit.push_str(
            &[
                b.referentie,
                b.gemeente,
                naam,
                b.bedrag,
                b.betaaldatum,
                besluit,
                b.termijn.to_string(),
                b.voorgesteld_door,
                b.goedgekeurd_door.unwrap_or_default(),
            ]
            .iter()
            .map(|s| veld(s))
            .collect::<Vec<_>>()
            .join(";"),
        );
        uit.push('\n');
    }
    Ok(uit)
}

// ------------------------------------------------------------------------------------------------------------
// Verantwoording (SiSa)

pub fn verantwoording_json(r: &VerantwoordingRij) -> Result<Value, ApiFout> {
    Ok(json!({
        "id": r.id, "ronde": r.ronde, "gemeente": r.gemeente, "besluit": r.besluit_id, "jaar": r.jaar,
        "deelplannen": serde_json::from_str::<Value>(&r.inhoud).map_err(intern)?,
        "bevindingen": serde_json::from_str::<Value>(&r.bevindingen).map_err(intern)?,
        "te_laat": r.te_laat, "ontvangen_op": r.ontvangen_op, "ingediend_door": r.ingediend_door,
    }))
}

/// Een SiSa-opgave over één jaar voor alle deelplannen van het besluit (de gemeente zelf, of RVO namens haar).
/// De controles geven bevindingen; ze houden de opgave niet tegen. Eén opgave per jaar.
pub async fn dien_verantwoording_in(v: &Verzoek<'_>, besluit: &str, zicht: &Zicht, jaar: i16, opgave: Vec<Deelplanopgave>) -> Result<Value, ApiFout> {
    let ik = v.ident.actor();
    let vandaag = lokale_datum((v.s.klok)());
    let (mut tx, sleutel) = v.begin().await?;
    let b = geldend(&mut tx, besluit, zicht).await?;
    let u = uitkering(&mut tx, b).await?;
    let besluitdatum = u.besluitdatum()?;
    if jaar < besluitdatum.year() || jaar >= vandaag.year() {
        return Err(ongeldig(format!(
            "Een opgave gaat over een afgesloten jaar vanaf het jaar van het besluit ({}); {jaar} kan nu ({vandaag}) niet.",
            besluitdatum.year()
        )));
    }
    if !u.betaald.is_positief() {
        return Err(ApiFout::Conflict("Er is nog niets betaald; verantwoorden begint na de betaling.".into()));
    }
    let eerdere = db::verantwoordingen(&mut tx, &u.besluit.ronde, &u.besluit.gemeente, &Zicht::Alles).await?;
    if eerdere.iter().any(|e| e.jaar == i64::from(jaar)) {
        return Err(ApiFout::Conflict(format!("Over {jaar} is al een opgave ingediend.")));
    }
    let mut dubbel = std::collections::BTreeSet::new();
    if let Some(d) = opgave.iter().find(|o| !dubbel.insert((&o.kenmerk, &o.deelplan))) {
        return Err(ongeldig(format!("Deelplan {} {} staat twee keer in de opgave.", d.kenmerk, d.deelplan)));
    }
    // Het jaar ervoor (of het laatste eerdere jaar) per deelplan.
    let mut vorige: Vec<Deelplanopgave> = Vec::new();
    for e in eerdere.iter().filter(|e| e.jaar < i64::from(jaar)) {
        for o in serde_json::from_str::<Vec<Deelplanopgave>>(&e.inhoud).map_err(intern)? {
            vorige.retain(|x| !(x.kenmerk == o.kenmerk && x.deelplan == o.deelplan));
            vorige.push(o);
        }
    }
    let p = u.ronde.parameters_op(u.ronde.moment(besluitdatum.to_datetime(jiff::civil::time(12, 0, 0, 0))));
    let g_looptijd = p.gebruikt(ParameterNaam::looptijd);
    let g_uiterlijk = p.gebruikt(ParameterNaam::verantwoording_uiterlijk);
    let r = regels::Verantwoordingsregels {
        besluitdatum,
        max_jaren_tot_start: p.looptijd.waarde.max_jaren_tot_start_na_besluit.map(|n| (n, &g_looptijd)),
        uiterlijk: (*p.verantwoording_uiterlijk.waarde, &g_uiterlijk),
    };
    let bevindingen = regels::controleer_opgave(jaar, vandaag, &opgave, &vorige, &u.standen, &r).map_err(intern)?;
    let nu = (v.s.klok)().as_microsecond();
    let rij = VerantwoordingRij {
        id: crate::server::nieuw_id("SI"),
        ronde: u.besluit.ronde.clone(),
        gemeente: u.besluit.gemeente.clone(),
        besluit_id: u.besluit.id.clone(),
        jaar: i64::from(jaar),
        inhoud: serde_json::to_string(&opgave).map_err(intern)?,
        bevindingen: serde_json::to_string(&bevindingen).map_err(intern)?,
        te_laat: bevindingen.iter().any(|b| b.regel == "V06"),
        ontvangen_op: vandaag.to_string(),
        ingediend_door: ik,
        ingediend_op: nu,
    };
    db::voeg_verantwoording_toe(&mut tx, &rij).await?;
    let antwoord = verantwoording_json(&rij)?;
    v.ident.leg_vast(&mut tx, nu, "verantwoording.ingediend", format!("verantwoording/{}", rij.id), None, None, Some(antwoord.clone())).await?;
    // Levensloop: in uitvoering; verantwoord als elk toegekend deelplan van de aanvraag een eindverantwoording heeft.
    let reden = format!("SiSa-opgave over {jaar}");
    levensloop_naar(&mut tx, v.ident, &u.aanvragen, &[Status::InUitvoering], &reden, nu).await?;
    let mut klaar = Vec::new();
    for aid in &u.aanvragen {
        let van_aanvraag: Vec<&super::besluiten::Deelplanbesluit> =
            u.inhoud.deelplannen.iter().filter(|d| d.aanvraag.as_deref() == Some(aid.as_str()) && d.toegekend.is_positief()).collect();
        let eind = |d: &&super::besluiten::Deelplanbesluit| {
            opgave.iter().chain(vorige.iter()).any(|o| o.kenmerk == d.kenmerk && o.deelplan == d.deelplan && o.eindverantwoording)
        };
        if van_aanvraag.iter().all(eind) {
            klaar.push(aid.clone());
        }
    }
    levensloop_naar(&mut tx, v.ident, &klaar, &[Status::InUitvoering, Status::Verantwoord], &format!("{reden}: eindverantwoording"), nu).await?;
    afronden(tx, sleutel, 201, &antwoord).await?;
    Ok(antwoord)
}

// ------------------------------------------------------------------------------------------------------------
// Wijziging

/// Wat een wijziging met één deelplan doet; wat niet genoemd is, blijft.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deelplanwijziging {
    pub kenmerk: String,
    pub deelplan: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toegekend: Option<Bedrag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub woningen_gepland: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub einde: Option<jiff::civil::Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omschrijving: Option<String>,
}

pub fn wijziging_json(w: &WijzigingRij) -> Result<Value, ApiFout> {
    Ok(json!({
        "id": w.id, "ronde": w.ronde, "gemeente": w.gemeente, "besluit": w.besluit_id,
        "deelplannen": serde_json::from_str::<Value>(&w.inhoud).map_err(intern)?, "toelichting": w.toelichting, "status": w.status,
        "aangevraagd_door": w.aangevraagd_door, "voorgesteld_door": w.voorgesteld_door, "besloten_door": w.besloten_door, "reden": w.reden,
    }))
}

/// De standen na de wijziging, of waarom ze niet kan (onbekend deelplan, W01).
fn na_wijziging(u: &Uitkering, w: &[Deelplanwijziging]) -> Result<Vec<Deelplanstand>, ApiFout> {
    if w.is_empty() {
        return Err(ongeldig("Een wijziging noemt ten minste één deelplan."));
    }
    let mut standen = u.standen.clone();
    for x in w {
        let s = standen
            .iter_mut()
            .find(|s| s.kenmerk == x.kenmerk && s.deelplan == x.deelplan)
            .ok_or_else(|| ongeldig(format!("Deelplan {} {} heeft in dit besluit geen toekenning.", x.kenmerk, x.deelplan)))?;
        if let Some(t) = x.toegekend {
            s.toegekend = t;
        }
        if let Some(n) = x.woningen_gepland {
            s.woningen_gepland = n;
        }
    }
    regels::controleer_verschuiving(u.besloten, &standen.iter().map(|s| s.toegekend).collect::<Vec<_>>()).map_err(ApiFout::Conflict)?;
    Ok(standen)
}

/// Een gemeente vraagt een wijziging van een of meer deelplannen aan.
pub async fn vraag_wijziging_aan(v: &Verzoek<'_>, besluit: &str, zicht: &Zicht, w: Vec<Deelplanwijziging>, toelichting: &str) -> Result<Value, ApiFout> {
    if toelichting.trim().is_empty() {
        return Err(ongeldig("Een wijziging heeft een toelichting: wat verandert er en waarom?"));
    }
    let ik = v.ident.actor();
    let (mut tx, sleutel) = v.begin().await?;
    let b = geldend(&mut tx, besluit, zicht).await?;
    let u = uitkering(&mut tx, b).await?;
    na_wijziging(&u, &w)?;
    let nu = (v.s.klok)().as_microsecond();
    let rij = WijzigingRij {
        id: crate::server::nieuw_id("WZ"),
        ronde: u.besluit.ronde.clone(),
        gemeente: u.besluit.gemeente.clone(),
        besluit_id: u.besluit.id.clone(),
        inhoud: serde_json::to_string(&w).map_err(intern)?,
        toelichting: toelichting.trim().to_string(),
        status: "aangevraagd".into(),
        aangevraagd_door: ik,
        aangevraagd_op: nu,
        voorgesteld_door: None,
        voorgesteld_op: None,
        besloten_door: None,
        besloten_op: None,
        reden: None,
    };
    db::voeg_wijziging_toe(&mut tx, &rij).await?;
    let antwoord = wijziging_json(&rij)?;
    v.ident.leg_vast(&mut tx, nu, "wijziging.aangevraagd", format!("wijziging/{}", rij.id), None, None, Some(antwoord.clone())).await?;
    afronden(tx, sleutel, 201, &antwoord).await?;
    Ok(antwoord)
}

/// Een beslisser stelt een aangevraagde wijziging voor tot goedkeuring (`goedkeuren`; een andere beslisser keurt
/// goed) of weigert haar (`weigeren`), met reden.
pub async fn beoordeel_wijziging(v: &Verzoek<'_>, id: &str, uitkomst: &str, reden: &str) -> Result<Value, ApiFout> {
    let naar = match uitkomst {
        "goedkeuren" => "voorgesteld",
        "weigeren" => "geweigerd",
        _ => return Err(ongeldig(format!("Onbekende uitkomst '{uitkomst}' (kies goedkeuren of weigeren)."))),
    };
    if reden.trim().is_empty() {
        return Err(ongeldig("Een beoordeling van een wijziging heeft een reden."));
    }
    let ik = v.ident.gebruiker()?.id.clone();
    let (mut tx, sleutel) = v.begin().await?;
    let w = db::haal_wijziging(&mut tx, id, &Zicht::Alles).await?.ok_or(ApiFout::NietGevonden)?;
    let nu = (v.s.klok)().as_microsecond();
    if !db::beoordeel_wijziging(&mut tx, id, naar, &ik, nu, reden.trim()).await? {
        return Err(ApiFout::Conflict(format!("Wijziging {id} is al {}.", w.status)));
    }
    let w = db::haal_wijziging(&mut tx, id, &Zicht::Alles).await?.ok_or_else(|| intern("wijziging verdwenen"))?;
    let antwoord = wijziging_json(&w)?;
    v.ident
        .leg_vast(&mut tx, nu, &format!("wijziging.{naar}"), format!("wijziging/{id}"), None, Some(json!({ "status": "aangevraagd" })), Some(antwoord.clone()))
        .await?;
    afronden(tx, sleutel, 200, &antwoord).await?;
    Ok(antwoord)
}

/// Keurt een voorgestelde wijziging goed (een andere beslisser dan wie haar voorstelde): elk genoemd deelplan
/// krijgt een nieuwe versie, die de vaststelling gebruikt.
pub async fn keur_wijziging_goed(v: &Verzoek<'_>, id: &str) -> Result<Value, ApiFout> {
    let ik = v.ident.gebruiker()?.id.clone();
    if let Some(h) = v.al_beantwoord().await? {
        return Err(ApiFout::Herhaald(Box::new(h)));
    }
    let w = {
        let mut c = v.s.db.lees().await?;
        db::haal_wijziging(&mut c, id, &Zicht::Alles).await?.ok_or(ApiFout::NietGevonden)?
    };
    if w.status != "voorgesteld" {
        return Err(ApiFout::Conflict(format!("Wijziging {id} is {}; alleen een voorgestelde wijziging wordt goedgekeurd.", w.status)));
    }
    if w.voorgesteld_door.as_deref() == Some(ik.as_str()) {
        return Err(weiger_vier_ogen(
            v,
            "wijziging.goedkeuring_geweigerd",
            format!("wijziging/{id}"),
            "goedkeuren",
            format!("U stelde wijziging {id} zelf voor tot goedkeuring; een andere beslisser moet haar goedkeuren (vier ogen)."),
        )
        .await);
    }
    let (mut tx, sleutel) = v.begin().await?;
    let b = geldend(&mut tx, &w.besluit_id, &Zicht::Alles).await?;
    let u = uitkering(&mut tx, b).await?;
    let delen: Vec<Deelplanwijziging> = serde_json::from_str(&w.inhoud).map_err(intern)?;
    let na = na_wijziging(&u, &delen)?;
    let nu = (v.s.klok)().as_microsecond();
    if !db::keur_wijziging_goed(&mut tx, id, &ik, nu).await? {
        return Err(ApiFout::Conflict(format!("Wijziging {id} is intussen besloten.")));
    }
    for x in &delen {
        let s = na.iter().find(|s| s.kenmerk == x.kenmerk && s.deelplan == x.deelplan).ok_or_else(|| intern("deelplan verdwenen"))?;
        let vorige = u.versies.iter().rfind(|r| r.kenmerk == x.kenmerk && r.deelplan == x.deelplan);
        let versie = VersieRij {
            kenmerk: x.kenmerk.clone(),
            deelplan: x.deelplan.clone(),
            versie: vorige.map_or(1, |r| r.versie) + 1,
            toegekend: bedrag_tekst(s.toegekend),
            woningen_gepland: i64::try_from(s.woningen_gepland).unwrap_or(i64::MAX),
            einde: x.einde.map(|d| d.to_string()).or_else(|| vorige.and_then(|r| r.einde.clone())),
            omschrijving: x.omschrijving.clone().or_else(|| vorige.and_then(|r| r.omschrijving.clone())),
            wijziging_id: id.to_string(),
            vastgelegd_op: nu,
        };
        db::voeg_versie_toe(&mut tx, &u.besluit.ronde, &u.besluit.gemeente, &versie).await?;
    }
    let w = db::haal_wijziging(&mut tx, id, &Zicht::Alles).await?.ok_or_else(|| intern("wijziging verdwenen"))?;
    let antwoord = wijziging_json(&w)?;
    v.ident
        .leg_vast(&mut tx, nu, "wijziging.goedgekeurd", format!("wijziging/{id}"), None, Some(json!({ "status": "voorgesteld" })), Some(antwoord.clone()))
        .await?;
    afronden(tx, sleutel, 200, &antwoord).await?;
    Ok(antwoord)
}

// ------------------------------------------------------------------------------------------------------------
// Vaststelling en terugvordering

pub fn vaststelling_json(r: &VaststellingRij) -> Result<Value, ApiFout> {
    let inhoud: Value = serde_json::from_str(&r.inhoud).map_err(intern)?;
    Ok(json!({
        "id": r.id, "identificatie": r.identificatie, "ronde": r.ronde, "gemeente": r.gemeente, "besluit": r.besluit_id, "status": r.status,
        "vastgesteld": r.vastgesteld, "terugvordering": r.terugvordering, "besloten": inhoud["besloten"], "betaald": inhoud["betaald"],
        "nabetaling": inhoud["nabetaling"], "deelplannen": inhoud["deelplannen"], "uitleg": inhoud["uitleg"],
        "opgesteld_door": r.opgesteld_door, "ondertekend_door": r.ondertekend_door, "datum": r.datum,
        "brief": { "url": format!("/api/v1/vaststellingen/{}/brief", r.id), "formaat": "application/pdf", "conformiteit": "PDF/A-2a", "sha256": r.brief_sha256 },
    }))
}

/// Stelt de vaststelling op (concept) uit de laatste opgave per deelplan; elk toegekend deelplan moet een
/// eindverantwoording hebben. Een ander ondertekent.
pub async fn stel_vaststelling_op(v: &Verzoek<'_>, besluit: &str) -> Result<Value, ApiFout> {
    let ik = v.ident.gebruiker()?.id.clone();
    let (mut tx, sleutel) = v.begin().await?;
    let b = geldend(&mut tx, besluit, &Zicht::Alles).await?;
    let u = uitkering(&mut tx, b).await?;
    let bestaande = db::vaststellingen(&mut tx, &u.besluit.ronde, &u.besluit.gemeente, &Zicht::Alles).await?;
    if let Some(b) = bestaande.first() {
        return Err(ApiFout::Conflict(format!("Er is al een vaststelling ({}, {}).", b.identificatie, b.status)));
    }
    let mut laatste: Vec<Deelplanopgave> = Vec::new();
    for e in db::verantwoordingen(&mut tx, &u.besluit.ronde, &u.besluit.gemeente, &Zicht::Alles).await? {
        for o in serde_json::from_str::<Vec<Deelplanopgave>>(&e.inhoud).map_err(intern)? {
            laatste.retain(|x| !(x.kenmerk == o.kenmerk && x.deelplan == o.deelplan));
            laatste.push(o);
        }
    }
    let zonder: Vec<String> = u
        .standen
        .iter()
        .filter(|s| !laatste.iter().any(|o| o.kenmerk == s.kenmerk && o.deelplan == s.deelplan && o.eindverantwoording))
        .map(|s| format!("{} {}", s.kenmerk, s.deelplan))
        .collect();
    if !zonder.is_empty() {
        return Err(ApiFout::Conflict(format!("Zonder eindverantwoording geen vaststelling; die ontbreekt voor {}.", zonder.join(", "))));
    }
    let p = u.ronde.parameters_op(u.ronde.moment(u.besluitdatum()?.to_datetime(jiff::civil::time(12, 0, 0, 0))));
    let g = p.gebruikt(ParameterNaam::verlagingsregel);
    let vs: Vaststelling = regels::stel_vast(&u.standen, &laatste, u.besloten, u.betaald, *p.verlagingsregel.waarde, &g).map_err(ApiFout::Conflict)?;
    let nu = (v.s.klok)().as_microsecond();
    let rij = VaststellingRij {
        id: crate::server::nieuw_id("VS"),
        identificatie: format!("VS-{}-{}-1", u.besluit.ronde.to_uppercase(), u.besluit.gemeente),
        ronde: u.besluit.ronde.clone(),
        gemeente: u.besluit.gemeente.clone(),
        besluit_id: u.besluit.id.clone(),
        status: "concept".into(),
        inhoud: serde_json::to_string(&vs).map_err(intern)?,
        vastgesteld: bedrag_tekst(vs.vastgesteld),
        terugvordering: bedrag_tekst(vs.terugvordering),
        opgesteld_door: ik,
        opgesteld_op: nu,
        ondertekend_door: None,
        ondertekend_op: None,
        datum: None,
        brief: None,
        brief_sha256: None,
    };
    db::voeg_vaststelling_toe(&mut tx, &rij).await?;
    let antwoord = vaststelling_json(&rij)?;
    v.ident.leg_vast(&mut tx, nu, "vaststelling.opgesteld", format!("vaststelling/{}", rij.id), None, None, Some(antwoord.clone())).await?;
    afronden(tx, sleutel, 201, &antwoord).await?;
    Ok(antwoord)
}

/// Ondertekent een vaststelling (een andere beslisser dan de opsteller): de brief wordt gemaakt en bewaard, de
/// aanvragen worden `afgerond` of (bij een terugvordering) `teruggevorderd`.
pub async fn onderteken_vaststelling(v: &Verzoek<'_>, id: &str) -> Result<Value, ApiFout> {
    let ik = v.ident.gebruiker()?.id.clone();
    if let Some(h) = v.al_beantwoord().await? {
        return Err(ApiFout::Herhaald(Box::new(h)));
    }
    let (rij, u) = {
        let mut c = v.s.db.lees().await?;
        let rij = db::haal_vaststelling(&mut c, id, &Zicht::Alles).await?.ok_or(ApiFout::NietGevonden)?;
        let b = geldend(&mut c, &rij.besluit_id, &Zicht::Alles).await?;
        (rij, uitkering(&mut c, b).await?)
    };
    if rij.status != "concept" {
        return Err(ApiFout::Conflict(format!("Vaststelling {} is al ondertekend en verandert niet meer.", rij.identificatie)));
    }
    if rij.opgesteld_door == ik {
        return Err(weiger_vier_ogen(
            v,
            "vaststelling.ondertekening_geweigerd",
            format!("vaststelling/{id}"),
            "ondertekenen",
            format!("U stelde vaststelling {} zelf op; een andere beslisser moet haar ondertekenen (vier ogen).", rij.identificatie),
        )
        .await);
    }
    let datum = lokale_datum((v.s.klok)());
    let mut getekend = rij.clone();
    getekend.status = "ondertekend".into();
    getekend.datum = Some(datum.to_string());
    getekend.ondertekend_door = Some(ik.clone());
    let vs: Vaststelling = serde_json::from_str(&rij.inhoud).map_err(intern)?;
    let sjabloon = Vaststellingssjabloon::ingebouwd().map_err(intern)?;
    let brief = vaststellingsbrief(&getekend, &vs, &u, &sjabloon, datum);
    let pdf = tokio::task::spawn_blocking({
        let b = brief.clone();
        move || crate::brief::pdf(&b)
    })
    .await
    .map_err(intern)?
    .map_err(intern)?;
    let sha = vhf_core::levensloop::sha256_hex(&pdf);
    let (mut tx, sleutel) = v.begin().await?;
    let nu = (v.s.klok)().as_microsecond();
    if !db::onderteken_vaststelling(&mut tx, id, &ik, nu, &datum.to_string(), &serde_json::to_string(&brief).map_err(intern)?, &sha).await? {
        return Err(ApiFout::Conflict(format!("Vaststelling {} is intussen ondertekend.", rij.identificatie)));
    }
    let rij = db::haal_vaststelling(&mut tx, id, &Zicht::Alles).await?.ok_or_else(|| intern("vaststelling verdwenen"))?;
    let antwoord = vaststelling_json(&rij)?;
    v.ident
        .leg_vast(&mut tx, nu, "vaststelling.ondertekend", format!("vaststelling/{id}"), None, Some(json!({ "status": "concept" })), Some(antwoord.clone()))
        .await?;
    let naar = if vs.terugvordering.is_positief() { Status::Teruggevorderd } else { Status::Afgerond };
    levensloop_naar(&mut tx, v.ident, &u.aanvragen, &[naar], &format!("vaststelling {}: {}", rij.identificatie, vs.uitleg), nu).await?;
    afronden(tx, sleutel, 200, &antwoord).await?;
    Ok(antwoord)
}

/// De woorden van de brief bij een vaststelling (`data/brieven/vaststelling.toml`); getallen vult het programma in.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vaststellingssjabloon {
    pub afzender: Vec<String>,
    pub aanhef: String,
    pub onderwerp: String,
    pub inleiding: String,
    pub kop_deelplannen: String,
    pub kop_uitleg: String,
    pub kop_uitkomst: String,
    pub terugvordering: String,
    pub nabetaling: String,
    pub geen_verschil: String,
    pub kop_bezwaar: String,
    pub bezwaar: String,
    pub slot: String,
    pub ondertekening: Vec<String>,
}

/// De plaatshouders van de vaststellingsbrief.
pub const VASTSTELLING_PLAATSHOUDERS: &[&str] = &[
    "gemeente",
    "gemeentenaam",
    "ronde",
    "ronde_naam",
    "regeling",
    "grondslag",
    "datum",
    "identificatie",
    "besluit",
    "besloten",
    "betaald",
    "vastgesteld",
    "terugvordering",
    "nabetaling",
    "bezwaar_tot",
];

impl Vaststellingssjabloon {
    pub fn lees(bron: &str, tekst: &str) -> Result<Self, String> {
        let s: Self = toml::from_str(tekst).map_err(|e| format!("sjabloon {bron}: {e}"))?;
        let mut teksten = vec![&s.aanhef, &s.onderwerp, &s.inleiding, &s.kop_deelplannen, &s.kop_uitleg, &s.kop_uitkomst, &s.terugvordering, &s.nabetaling];
        teksten.extend([&s.geen_verschil, &s.kop_bezwaar, &s.bezwaar, &s.slot]);
        teksten.extend(s.afzender.iter().chain(&s.ondertekening));
        for t in teksten {
            for deel in t.split('{').skip(1) {
                let naam = deel.split('}').next().unwrap_or("");
                if !VASTSTELLING_PLAATSHOUDERS.contains(&naam) {
                    return Err(format!("sjabloon {bron}: onbekende plaatshouder {{{naam}}} (bekend: {})", VASTSTELLING_PLAATSHOUDERS.join(", ")));
                }
            }
        }
        Ok(s)
    }

    pub fn ingebouwd() -> Result<Self, String> {
        Self::lees("data/brieven/vaststelling.toml", include_str!("../../../../data/brieven/vaststelling.toml"))
    }
}

/// De brief bij een vaststelling: de woorden uit het sjabloon, elk getal en de uitleg per deelplan uit de vaststelling.
pub fn vaststellingsbrief(r: &VaststellingRij, vs: &Vaststelling, u: &Uitkering, s: &Vaststellingssjabloon, vandaag: jiff::civil::Date) -> Brief {
    let datum_d = r.datum.as_deref().and_then(|d| d.parse::<jiff::civil::Date>().ok());
    let datum = datum_d.map(datum_nl).unwrap_or_else(|| "(datum van ondertekening)".into());
    let tot = datum_d.map(|d| datum_nl(super::besluiten::bezwaar_tot(d))).unwrap_or_else(|| "(zes weken na verzending)".into());
    let mut w: BTreeMap<&str, String> = BTreeMap::new();
    w.insert("gemeente", u.inhoud.gemeente.clone());
    w.insert("gemeentenaam", u.inhoud.gemeentenaam.clone());
    w.insert("ronde", u.inhoud.ronde.clone());
    w.insert("ronde_naam", u.inhoud.ronde_naam.clone());
    w.insert("regeling", u.inhoud.regeling.clone());
    w.insert("grondslag", u.inhoud.grondslag.clone());
    w.insert("datum", datum.clone());
    w.insert("identificatie", r.identificatie.clone());
    w.insert("besluit", u.besluit.identificatie.clone());
    w.insert("besloten", vs.besloten.to_string());
    w.insert("betaald", vs.betaald.to_string());
    w.insert("vastgesteld", vs.vastgesteld.to_string());
    w.insert("terugvordering", vs.terugvordering.to_string());
    w.insert("nabetaling", vs.nabetaling.to_string());
    w.insert("bezwaar_tot", tot);
    let f = |t: &str| vul_in(t, &w);
    let mut briefhoofd: Vec<String> = s.afzender.iter().map(|x| f(x)).collect();
    briefhoofd.extend([String::new(), format!("Datum: {datum}"), format!("Kenmerk: {}", r.identificatie)]);
    let mut blokken = vec![Blok::Alinea(f(&s.aanhef)), Blok::Alinea(f(&s.inleiding)), Blok::Kop(f(&s.kop_deelplannen))];
    let mut rijen: Vec<Vec<String>> = vs
        .deelplannen
        .iter()
        .map(|d| vec![format!("{} – {}", d.kenmerk, d.deelplan), d.toegekend.to_string(), d.ten_laste_van_uitkering.to_string(), d.vastgesteld.to_string()])
        .collect();
    rijen.push(vec!["Totaal".into(), vs.besloten.to_string(), String::new(), vs.vastgesteld.to_string()]);
    blokken.push(Blok::Tabel {
        kop: vec!["Aanvraag – deelplan".into(), "Toegekend".into(), "Besteed ten laste van de uitkering".into(), "Vastgesteld".into()],
        rijen,
        rechts: vec![false, true, true, true],
    });
    blokken.push(Blok::Kop(f(&s.kop_uitleg)));
    blokken.push(Blok::Lijst(vs.deelplannen.iter().map(|d| d.uitleg.clone()).collect()));
    blokken.push(Blok::Kop(f(&s.kop_uitkomst)));
    blokken.push(Blok::Alinea(vs.uitleg.clone()));
    blokken.push(Blok::Alinea(f(if vs.terugvordering.is_positief() {
        &s.terugvordering
    } else if vs.nabetaling.is_positief() {
        &s.nabetaling
    } else {
        &s.geen_verschil
    })));
    blokken.push(Blok::Kop(f(&s.kop_bezwaar)));
    blokken.push(Blok::Alinea(f(&s.bezwaar)));
    blokken.push(Blok::Alinea(f(&s.slot)));
    blokken.extend(s.ondertekening.iter().map(|x| Blok::Alinea(f(x))));
    if let Some(door) = &r.ondertekend_door {
        blokken.push(Blok::Alinea(format!("Elektronisch ondertekend op {datum} door {door} (opgesteld door {}; vier ogen).", r.opgesteld_door)));
    }
    Brief {
        titel: f(&s.onderwerp),
        briefhoofd,
        blokken,
        merk: if r.status == "ondertekend" { String::new() } else { "CONCEPT – niet ondertekend, niet verzonden".into() },
        datum: datum_d.unwrap_or(vandaag),
        identificatie: r.identificatie.clone(),
    }
}

/// De brief van een vaststelling: de bewaarde als ze ondertekend is, anders een concept uit het sjabloon.
pub async fn brief_van_vaststelling(c: &mut impl crate::db::Verbinding, r: &VaststellingRij, vandaag: jiff::civil::Date) -> Result<Brief, ApiFout> {
    if let Some(b) = &r.brief {
        return serde_json::from_str(b).map_err(intern);
    }
    let b = geldend(c, &r.besluit_id, &Zicht::Alles).await?;
    let u = uitkering(c, b).await?;
    let vs: Vaststelling = serde_json::from_str(&r.inhoud).map_err(intern)?;
    Ok(vaststellingsbrief(r, &vs, &u, &Vaststellingssjabloon::ingebouwd().map_err(intern)?, vandaag))
}

// ------------------------------------------------------------------------------------------------------------
// Overzicht en monitoring

/// Alles van de uitvoering van één uitkering: besloten, betaald, openstaand, de betalingen, opgaven, wijzigingen,
/// de deelplannen met hun versies, en de vaststelling.
pub async fn overzicht(c: &mut impl crate::db::Verbinding, besluit: &str, zicht: &Zicht) -> Result<Value, ApiFout> {
    let b = geldend(c, besluit, zicht).await?;
    let u = uitkering(c, b).await?;
    let (ronde, g) = (u.besluit.ronde.clone(), u.besluit.gemeente.clone());
    let verantwoordingen = db::verantwoordingen(c, &ronde, &g, zicht).await?.iter().map(verantwoording_json).collect::<Result<Vec<_>, _>>()?;
    let wijzigingen = db::wijzigingen(c, &ronde, &g, zicht).await?.iter().map(wijziging_json).collect::<Result<Vec<_>, _>>()?;
    let vaststellingen = db::vaststellingen(c, &ronde, &g, zicht).await?.iter().map(vaststelling_json).collect::<Result<Vec<_>, _>>()?;
    let deelplannen: Vec<Value> = u
        .standen
        .iter()
        .map(|s| {
            let versies: Vec<Value> = u
                .versies
                .iter()
                .filter(|v| v.kenmerk == s.kenmerk && v.deelplan == s.deelplan)
                .map(|v| json!({ "versie": v.versie, "toegekend": v.toegekend, "woningen_gepland": v.woningen_gepland, "einde": v.einde, "omschrijving": v.omschrijving, "wijziging": v.wijziging_id }))
                .collect();
            let oorspronkelijk = u.inhoud.deelplannen.iter().find(|d| d.kenmerk == s.kenmerk && d.deelplan == s.deelplan).map(|d| d.toegekend);
            json!({
                "kenmerk": s.kenmerk, "deelplan": s.deelplan, "versie": 1 + versies.len(), "toegekend": s.toegekend, "woningen_gepland": s.woningen_gepland,
                "cofinanciering": s.cofinanciering, "toegekend_bij_besluit": oorspronkelijk, "versies": versies,
            })
        })
        .collect();
    let open = regels::openstaand(u.besloten, u.betaald).map_err(intern)?;
    Ok(json!({
        "besluit": u.besluit.id, "identificatie": u.besluit.identificatie, "ronde": ronde, "gemeente": g,
        "besloten": u.besloten, "betaald": u.betaald, "openstaand": open,
        "betalingen": u.betalingen.iter().map(betaling_json).collect::<Vec<_>>(),
        "verantwoordingen": verantwoordingen, "wijzigingen": wijzigingen, "deelplannen": deelplannen, "vaststellingen": vaststellingen,
    }))
}

/// Monitoring van een ronde per gemeente (die de vrager mag zien): besloten, betaald, verantwoord (cumulatief
/// besteed ten laste van de uitkering volgens de laatste opgave), vastgesteld, teruggevorderd, en signalen
/// (onderbesteding, late start, ontbrekende of te late opgave, wijziging in behandeling).
pub async fn monitoring(c: &mut impl crate::db::Verbinding, ronde: &str, zicht: &Zicht, vandaag: jiff::civil::Date) -> Result<Value, ApiFout> {
    let mut rijen = Vec::new();
    let mut totaal = [Bedrag::NUL; 5];
    for b in db_besluiten::van_ronde(c, ronde, zicht).await?.into_iter().filter(|b| b.status == "ondertekend" && b.vervangen_door.is_none()) {
        let u = uitkering(c, b).await?;
        if !u.besloten.is_positief() {
            continue;
        }
        let g = u.besluit.gemeente.clone();
        let opgaven = db::verantwoordingen(c, ronde, &g, &Zicht::Alles).await?;
        let mut laatste: Vec<Deelplanopgave> = Vec::new();
        for e in &opgaven {
            for o in serde_json::from_str::<Vec<Deelplanopgave>>(&e.inhoud).map_err(intern)? {
                laatste.retain(|x| !(x.kenmerk == o.kenmerk && x.deelplan == o.deelplan));
                laatste.push(o);
            }
        }
        let verantwoord = Bedrag::som(laatste.iter().map(|o| o.ten_laste_van_uitkering()).collect::<Result<Vec<_>, _>>().map_err(intern)?).map_err(intern)?;
        let vst = db::vaststellingen(c, ronde, &g, &Zicht::Alles).await?.into_iter().find(|v| v.status == "ondertekend");
        let (vastgesteld, terug) = match &vst {
            Some(v) => (bedrag(&v.vastgesteld)?, bedrag(&v.terugvordering)?),
            None => (Bedrag::NUL, Bedrag::NUL),
        };
        let besluitdatum = u.besluitdatum()?;
        let p = u.ronde.parameters_op(u.ronde.moment(besluitdatum.to_datetime(jiff::civil::time(12, 0, 0, 0))));
        let mut signalen: Vec<Value> = Vec::new();
        for e in opgaven.iter().filter(|e| e.te_laat) {
            signalen.push(json!({ "soort": "opgave_te_laat", "uitleg": format!("De opgave over {} kwam te laat binnen ({}).", e.jaar, e.ontvangen_op) }));
        }
        for e in &opgaven {
            let n = serde_json::from_str::<Vec<Value>>(&e.bevindingen).map_err(intern)?.into_iter().filter(|b| b["regel"] != "V06").count();
            if n > 0 {
                signalen.push(json!({ "soort": "opgave_met_bevindingen", "uitleg": format!("De opgave over {} heeft {n} bevinding(en).", e.jaar) }));
            }
        }
        // Ontbrekende opgaven: elk afgesloten jaar vanaf het besluitjaar waarvan de uiterste datum voorbij is.
        if vst.is_none() {
            for jaar in besluitdatum.year()..vandaag.year() {
                if let Some(uiterst) = p.verantwoording_uiterlijk.waarde.voor_jaar(jaar)
                    && vandaag > uiterst
                    && !opgaven.iter().any(|e| e.jaar == i64::from(jaar))
                {
                    signalen
                        .push(json!({ "soort": "opgave_ontbreekt", "uitleg": format!("De opgave over {jaar} ontbreekt; de uiterste datum was {uiterst}.") }));
                }
            }
            if let Some(n) = p.looptijd.waarde.max_jaren_tot_start_na_besluit {
                for s in &u.standen {
                    let gestart = laatste.iter().find(|o| o.kenmerk == s.kenmerk && o.deelplan == s.deelplan).map_or(0, |o| o.gestart());
                    if regels::niet_gestart_na_termijn(besluitdatum, n, vandaag, gestart) {
                        signalen.push(json!({ "soort": "late_start", "uitleg": format!("Deelplan {} {} is {n} jaar na het besluit ({besluitdatum}) niet gestart.", s.kenmerk, s.deelplan) }));
                    }
                }
            }
        }
        if laatste.iter().any(|o| o.eindverantwoording)
            && let Some(a) = u.besloten.minus(verantwoord).ok().filter(|a| a.is_positief())
        {
            signalen.push(json!({ "soort": "onderbesteding", "uitleg": format!("Volgens de opgaven is {verantwoord} van de {} besteed ten laste van de uitkering: {a} minder.", u.besloten) }));
        }
        let wz = db::wijzigingen(c, ronde, &g, &Zicht::Alles).await?;
        if wz.iter().any(|w| matches!(w.status.as_str(), "aangevraagd" | "voorgesteld")) {
            signalen.push(json!({ "soort": "wijziging_in_behandeling", "uitleg": "Er is een wijziging aangevraagd die nog niet besloten is." }));
        }
        for (t, x) in totaal.iter_mut().zip([u.besloten, u.betaald, verantwoord, vastgesteld, terug]) {
            *t = t.plus(x).map_err(intern)?;
        }
        rijen.push(json!({
            "gemeente": g, "gemeentenaam": u.inhoud.gemeentenaam, "besluit": u.besluit.id, "besloten": u.besloten, "betaald": u.betaald,
            "verantwoord": verantwoord, "vastgesteld": vastgesteld, "teruggevorderd": terug, "signalen": signalen,
        }));
    }
    let [besloten, betaald, verantwoord, vastgesteld, terug] = totaal;
    Ok(json!({
        "ronde": ronde, "peildatum": vandaag, "gemeenten": rijen,
        "totaal": { "besloten": besloten, "betaald": betaald, "verantwoord": verantwoord, "vastgesteld": vastgesteld, "teruggevorderd": terug },
    }))
}
