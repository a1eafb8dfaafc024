//! Besluiten per gemeente (de beschikking), naar het model van de ZGW Besluiten API: na het besluit over een
//! verdeling krijgt elke gemeente van de ronde één besluit (toekenning, gedeeltelijke toekenning of afwijzing)
//! met per deelplan de uitkomst, het bedrag en de uitleg (toetsing, advies van de commissie, rang, budgetlijn).
//!
//! Vier ogen (docs/regeling.md: "Four-eyes approval before it is sent"): een beslisser stelt op (alle gemeenten
//! van een ronde in één keer, of een correctie), een **andere** beslisser ondertekent. De opsteller die zelf wil
//! ondertekenen krijgt 403, en die poging staat in het audittrail. Na het ondertekenen verandert een besluit niet
//! meer: de brief wordt dan ingevuld en bewaard (en de SHA-256 van de PDF). Een correctie is een nieuw besluit
//! dat naar het oude verwijst (`vervangt`); het oude blijft zoals het was, en toont `vervangen_door`.
//!
//! Data [D]: het besluit wordt verzonden op de dag van ondertekenen (datum = verzenddatum = ingangsdatum,
//! Europe/Amsterdam); de bezwaartermijn is zes weken vanaf de dag na verzending (art. 6:7 en 6:8 Awb), dus de
//! laatste dag is de verzenddatum plus zes weken.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use vhf_core::codes::GemeenteCode;
use vhf_core::geld::Bedrag;
use vhf_core::referentie::Referentie;
use vhf_core::verdeling::Uitkomst;

use super::{Verzoek, afronden};
use crate::brief::{Blok, Brief, Sjabloon, vul_in};
use crate::db::besluiten::{self as db, BesluitRij, Zicht};
use crate::db::verdeling as db_verdeling;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;
use crate::toegang::Rol;

/// Het besluit over één deelplan.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Deelplanbesluit {
    /// Het id van de aanvraag in het systeem.
    pub aanvraag: Option<String>,
    pub kenmerk: String,
    pub deelplan: String,
    pub uitkomst: Uitkomst,
    pub gevraagd: Bedrag,
    pub toegekend: Bedrag,
    pub rang: Option<u64>,
    pub score: Option<String>,
    /// Waarom: de toetsing, het advies van de commissie, de rang en het restant van het plafond.
    pub uitleg: String,
}

/// Wat een besluit inhoudt (kolom `inhoud`): de getallen en redenen, nooit tekst uit het sjabloon.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Besluitinhoud {
    pub ronde: String,
    pub ronde_naam: String,
    pub regeling: String,
    /// De vindplaats in de Staatscourant (uit data/rondes/<ronde>.toml, veld `grondslag`).
    pub grondslag: String,
    pub gemeente: String,
    pub gemeentenaam: String,
    pub verdeling: String,
    /// Het plafond voor toekenningen (budget min btw-reserve): de budgetlijn.
    pub plafond: Option<Bedrag>,
    pub deelplannen: Vec<Deelplanbesluit>,
    pub totaal: Bedrag,
    /// Bij een correctie: waarom, en welk besluit (identificatie) ze vervangt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correctie: Option<Correctie>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Correctie {
    pub vervangt: String,
    pub reden: String,
}

/// toekenning (alles gevraagde toegekend), gedeeltelijke_toekenning (iets), afwijzing (niets).
pub fn besluittype(deelplannen: &[Deelplanbesluit]) -> &'static str {
    let iets = deelplannen.iter().any(|d| d.toegekend.is_positief());
    let alles = deelplannen.iter().all(|d| d.uitkomst == Uitkomst::Toegekend && d.toegekend == d.gevraagd);
    match (iets, alles) {
        (true, true) => "toekenning",
        (true, false) => "gedeeltelijke_toekenning",
        _ => "afwijzing",
    }
}

fn intern(e: impl std::fmt::Display) -> ApiFout {
    ApiFout::Intern(e.to_string())
}

/// Wat de vrager van de besluiten mag zien: een aanvrager alleen de ondertekende van zijn eigen gemeente (zonder
/// gemeente: niets, 404), behandelaar, beslisser en auditor alles. De route laat de andere rollen niet toe.
pub fn zicht(ident: &Identiteit) -> Result<Zicht, ApiFout> {
    let g = ident.gebruiker()?;
    match g.rol {
        Rol::Aanvrager => Ok(Zicht::Gemeente(g.gemeente.map(|c| c.to_string()).ok_or(ApiFout::NietGevonden)?)),
        Rol::Behandelaar | Rol::Beslisser | Rol::Auditor => Ok(Zicht::Alles),
        _ => Err(ApiFout::GeenRecht("Deze rol leest geen besluiten.".into())),
    }
}

/// De inhoud per gemeente uit het bewaarde resultaat van een verdeling.
pub fn inhoud_uit_verdeling(ronde: &vhf_core::regeling::Ronde, verdeling: &str, resultaat: &Value) -> Result<BTreeMap<String, Besluitinhoud>, ApiFout> {
    let plafond = resultaat["regels"]["plafond"].as_str().map(Bedrag::parse).transpose().map_err(intern)?;
    let mut per: BTreeMap<String, Vec<Deelplanbesluit>> = BTreeMap::new();
    for d in resultaat["deelplannen"].as_array().cloned().unwrap_or_default() {
        let g = d["penvoerder"].as_str().ok_or_else(|| intern("deelplan zonder penvoerder"))?.to_string();
        let bedrag = |k: &str| d[k].as_str().map(Bedrag::parse).transpose().map_err(intern).map(|b| b.unwrap_or(Bedrag::NUL));
        per.entry(g).or_default().push(Deelplanbesluit {
            aanvraag: d["aanvraag"].as_str().map(String::from),
            kenmerk: d["kenmerk"].as_str().unwrap_or("").to_string(),
            deelplan: d["deelplan"].as_str().unwrap_or("").to_string(),
            uitkomst: serde_json::from_value(d["uitkomst"].clone()).map_err(intern)?,
            gevraagd: bedrag("gevraagd")?,
            toegekend: bedrag("toegekend")?,
            rang: d["rang"].as_u64(),
            score: d["score"].as_str().map(String::from),
            uitleg: d["uitleg"].as_str().unwrap_or("").to_string(),
        });
    }
    // De uitkeringen als lijst (schema/verdeelresultaat.schema.json) of, bij een oudere verdeling, als map.
    let uitkeringen: BTreeMap<String, String> = vhf_core::uitslag::uitkeringen_uit(resultaat).into_iter().collect();
    let mut uit = BTreeMap::new();
    for (g, mut deelplannen) in per {
        deelplannen.sort_by(|a, b| (&a.kenmerk, &a.deelplan).cmp(&(&b.kenmerk, &b.deelplan)));
        let totaal = Bedrag::som(deelplannen.iter().map(|d| d.toegekend)).map_err(intern)?;
        // Het totaal per gemeente is de uitkering van de verdeling; wijkt het af, dan klopt er iets niet.
        let uitkering = uitkeringen.get(&g).map(|b| Bedrag::parse(b)).transpose().map_err(intern)?.unwrap_or(Bedrag::NUL);
        if uitkering != totaal {
            return Err(intern(format!("gemeente {g}: de deelplannen tellen op tot {totaal}, de uitkering is {uitkering}")));
        }
        let code = GemeenteCode::parse(&g).map_err(intern)?;
        uit.insert(
            g.clone(),
            Besluitinhoud {
                ronde: ronde.id.clone(),
                ronde_naam: ronde.naam.clone(),
                regeling: ronde.regeling.clone(),
                grondslag: ronde.grondslag.clone(),
                gemeente: g,
                gemeentenaam: Referentie::ingebouwd().gemeentenaam(code),
                verdeling: verdeling.to_string(),
                plafond,
                deelplannen,
                totaal,
                correctie: None,
            },
        );
    }
    Ok(uit)
}

fn identificatie(ronde: &str, gemeente: &str, volgnummer: i64) -> String {
    format!("{}-{gemeente}-{volgnummer}", ronde.to_uppercase())
}

/// Stelt de besluiten op voor alle gemeenten van de laatst besloten verdeling van een ronde (of de genoemde),
/// als concept. Een gemeente die in deze ronde al een besluit heeft, wordt overgeslagen. Geeft de nieuwe.
pub async fn stel_op_voor_ronde(v: &Verzoek<'_>, ronde_id: &str, verdeling: Option<&str>) -> Result<Value, ApiFout> {
    let (s, ident) = (v.s, v.ident);
    let ik = ident.gebruiker()?.id.clone();
    let (mut tx, sleutel) = v.begin().await?;
    let ronde = crate::server::rondes::effectief(&mut tx, ronde_id).await?;
    let vid = match verdeling {
        Some(id) => id.to_string(),
        None => db_verdeling::van_ronde(&mut tx, ronde_id)
            .await?
            .into_iter()
            .find(|(_, _, _, besloten)| besloten.is_some())
            .map(|(id, ..)| id)
            .ok_or_else(|| ApiFout::Conflict(format!("Over geen enkele verdeling van {ronde_id} is besloten; eerst het besluit over de verdeling.")))?,
    };
    let vr = db_verdeling::verdeling(&mut tx, &vid).await?.filter(|x| x.ronde == ronde_id).ok_or(ApiFout::NietGevonden)?;
    if vr.besloten_op.is_none() {
        return Err(ApiFout::Conflict(format!("Over verdeling {vid} is nog niet besloten.")));
    }
    let resultaat: Value = serde_json::from_str(&vr.resultaat).map_err(intern)?;
    let nu = (s.klok)().as_microsecond();
    let mut nieuw = Vec::new();
    let mut overgeslagen = Vec::new();
    for (g, inhoud) in inhoud_uit_verdeling(&ronde, &vid, &resultaat)? {
        let n = db::aantal(&mut tx, ronde_id, &g).await?;
        if n > 0 {
            overgeslagen.push(g);
            continue;
        }
        let rij = nieuwe_rij(ronde_id, &g, &vid, n + 1, &inhoud, None, &ik, nu);
        db::voeg_toe(&mut tx, &rij).await?;
        let na = json!({ "identificatie": rij.identificatie, "besluittype": rij.besluittype, "totaal": rij.totaal, "verdeling": vid });
        ident.leg_vast(&mut tx, nu, "besluit.opgesteld", format!("besluit/{}", rij.id), None, None, Some(na)).await?;
        nieuw.push(json!({ "id": rij.id, "identificatie": rij.identificatie, "gemeente": g, "besluittype": rij.besluittype, "totaal": rij.totaal }));
    }
    let antwoord = json!({ "ronde": ronde_id, "verdeling": vid, "opgesteld": nieuw, "overgeslagen": overgeslagen });
    afronden(tx, sleutel, 201, &antwoord).await?;
    Ok(antwoord)
}

#[allow(clippy::too_many_arguments)]
pub fn nieuwe_rij(ronde: &str, g: &str, vid: &str, volgnummer: i64, inhoud: &Besluitinhoud, vervangt: Option<String>, door: &str, nu: i64) -> BesluitRij {
    BesluitRij {
        id: crate::server::nieuw_id("BS"),
        identificatie: identificatie(ronde, g, volgnummer),
        ronde: ronde.to_string(),
        gemeente: g.to_string(),
        verdeling_id: vid.to_string(),
        besluittype: besluittype(&inhoud.deelplannen).to_string(),
        status: "concept".into(),
        inhoud: serde_json::to_string(inhoud).expect("JSON"),
        totaal: serde_json::to_value(inhoud.totaal).expect("JSON").as_str().unwrap_or("0.00").to_string(),
        datum: None,
        ingangsdatum: None,
        verzenddatum: None,
        bezwaar_tot: None,
        vervangt,
        opgesteld_door: door.to_string(),
        opgesteld_op: nu,
        ondertekend_door: None,
        ondertekend_op: None,
        brief: None,
        brief_sha256: None,
        vervangen_door: None,
        correctie_in_voorbereiding: None,
    }
}

/// De kalenderdatum van een moment in Europe/Amsterdam.
pub fn lokale_datum(t: jiff::Timestamp) -> jiff::civil::Date {
    t.to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or(jiff::tz::TimeZone::UTC)).date()
}

/// De laatste dag van de bezwaartermijn: zes weken na de dag van verzending (art. 6:7, 6:8 Awb).
pub fn bezwaar_tot(verzonden: jiff::civil::Date) -> jiff::civil::Date {
    verzonden.checked_add(jiff::Span::new().weeks(6)).unwrap_or(verzonden)
}

/// "1 juli 2021".
pub fn datum_nl(d: jiff::civil::Date) -> String {
    const MAANDEN: [&str; 12] = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];
    format!("{} {} {}", d.day(), MAANDEN[(d.month() as usize).saturating_sub(1) % 12], d.year())
}

/// Ondertekent een concept: door een andere beslisser dan de opsteller (anders 403, en de poging in het
/// audittrail). De brief wordt ingevuld met het sjabloon van nu en bewaard, met de SHA-256 van de PDF; daarna
/// verandert het besluit niet meer.
pub async fn onderteken(v: &Verzoek<'_>, id: &str) -> Result<Value, ApiFout> {
    let (s, ident) = (v.s, v.ident);
    let ik = ident.gebruiker()?.id.clone();
    if let Some(h) = v.al_beantwoord().await? {
        return Err(ApiFout::Herhaald(Box::new(h)));
    }
    // Eerst lezen en de brief maken (buiten de schrijfbeurt: een PDF kost tientallen milliseconden).
    let rij = {
        let mut c = s.db.lees().await?;
        db::haal(&mut c, id, &Zicht::Alles).await?.ok_or(ApiFout::NietGevonden)?
    };
    if rij.status != "concept" {
        return Err(ApiFout::Conflict(format!(
            "Besluit {} is al ondertekend en verandert niet meer. Een fout herstelt u met een correctie (POST /besluiten/{id}/correctie).",
            rij.identificatie
        )));
    }
    if rij.opgesteld_door == ik {
        let nu = (s.klok)().as_microsecond();
        let vastgelegd = async {
            let mut tx = s.db.schrijf().await?;
            let na = json!({ "geweigerd": "de opsteller ondertekent niet zelf (vier ogen)", "identificatie": rij.identificatie });
            ident.leg_vast(&mut tx, nu, "besluit.ondertekening_geweigerd", format!("besluit/{id}"), None, None, Some(na)).await?;
            tx.commit().await?;
            Ok::<(), ApiFout>(())
        }
        .await;
        if let Err(e) = vastgelegd {
            tracing::error!("geweigerde ondertekening niet in het audittrail: {e:?}");
        }
        return Err(ApiFout::GeenRecht(format!("U stelde besluit {} zelf op; een andere beslisser moet het ondertekenen (vier ogen).", rij.identificatie)));
    }
    let nu_t = (s.klok)();
    let datum = lokale_datum(nu_t);
    let tot = bezwaar_tot(datum);
    let sjabloon = Sjabloon::van_ronde(&rij.ronde, Sjabloon::map_uit_omgeving().as_deref()).map_err(intern)?;
    let inhoud: Besluitinhoud = serde_json::from_str(&rij.inhoud).map_err(intern)?;
    let mut getekend = rij.clone();
    getekend.status = "ondertekend".into();
    getekend.datum = Some(datum.to_string());
    getekend.verzenddatum = Some(datum.to_string());
    getekend.ingangsdatum = Some(datum.to_string());
    getekend.bezwaar_tot = Some(tot.to_string());
    getekend.ondertekend_door = Some(ik.clone());
    let brief = stel_brief_op(&getekend, &inhoud, &sjabloon, datum);
    let pdf = tokio::task::spawn_blocking({
        let b = brief.clone();
        move || crate::brief::pdf(&b)
    })
    .await
    .map_err(intern)?
    .map_err(intern)?;
    let sha = vhf_core::levensloop::sha256_hex(&pdf);
    let brief_json = serde_json::to_string(&brief).expect("JSON");
    let (mut tx, sleutel) = v.begin().await?;
    let nu = nu_t.as_microsecond();
    if !db::onderteken(&mut tx, id, &ik, nu, &datum.to_string(), &tot.to_string(), &brief_json, &sha).await? {
        return Err(ApiFout::Conflict(format!("Besluit {} is intussen ondertekend.", rij.identificatie)));
    }
    let na = json!({ "identificatie": rij.identificatie, "opgesteld_door": rij.opgesteld_door, "datum": datum, "bezwaar_tot": tot, "brief_sha256": sha, "totaal": rij.totaal });
    ident.leg_vast(&mut tx, nu, "besluit.ondertekend", format!("besluit/{id}"), None, Some(json!({ "status": "concept" })), Some(na)).await?;
    let rij = db::haal(&mut tx, id, &Zicht::Alles).await?.ok_or_else(|| intern("besluit verdwenen"))?;
    let antwoord = als_json(&rij)?;
    afronden(tx, sleutel, 200, &antwoord).await?;
    Ok(antwoord)
}

/// Een nieuw bedrag (en uitleg) voor een deelplan in een correctie.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deelplanwijziging {
    pub kenmerk: String,
    pub deelplan: String,
    pub toegekend: Bedrag,
    pub uitleg: String,
}

/// Een correctie van een ondertekend besluit: een nieuw concept dat ernaar verwijst, met de reden en eventueel
/// andere bedragen per deelplan (nooit meer dan gevraagd). Het oude besluit blijft zoals het is. Een besluit dat
/// al een correctie heeft, corrigeert u via die correctie.
pub async fn corrigeer(v: &Verzoek<'_>, id: &str, reden: &str, wijzigingen: &[Deelplanwijziging]) -> Result<Value, ApiFout> {
    let (s, ident) = (v.s, v.ident);
    let ik = ident.gebruiker()?.id.clone();
    if reden.trim().is_empty() {
        return Err(ApiFout::Ongeldig { detail: "Een correctie heeft een reden.".into(), velden: vec![] });
    }
    let (mut tx, sleutel) = v.begin().await?;
    let oud = db::haal(&mut tx, id, &Zicht::Alles).await?.ok_or(ApiFout::NietGevonden)?;
    if oud.status != "ondertekend" {
        return Err(ApiFout::Conflict(format!("Besluit {} is nog een concept; alleen een ondertekend besluit wordt gecorrigeerd.", oud.identificatie)));
    }
    if let Some(nieuwer) = &oud.vervangen_door {
        return Err(ApiFout::Conflict(format!("Besluit {} is al gecorrigeerd door {nieuwer}; corrigeer dat besluit.", oud.identificatie)));
    }
    if let Some(concept) = &oud.correctie_in_voorbereiding {
        return Err(ApiFout::Conflict(format!(
            "Voor besluit {} ligt al een correctie klaar ({concept}, nog een concept); laat die ondertekenen en corrigeer dan die.",
            oud.identificatie
        )));
    }
    let mut inhoud: Besluitinhoud = serde_json::from_str(&oud.inhoud).map_err(intern)?;
    let mut fouten = Vec::new();
    for w in wijzigingen {
        match inhoud.deelplannen.iter_mut().find(|d| d.kenmerk == w.kenmerk && d.deelplan == w.deelplan) {
            None => fouten.push(format!("deelplan {} van {} staat niet in dit besluit", w.deelplan, w.kenmerk)),
            Some(d) if w.toegekend > d.gevraagd => fouten.push(format!("{} {}: {} is meer dan gevraagd ({})", w.kenmerk, w.deelplan, w.toegekend, d.gevraagd)),
            Some(_) if w.uitleg.trim().is_empty() => fouten.push(format!("{} {}: een nieuw bedrag heeft een uitleg", w.kenmerk, w.deelplan)),
            Some(d) => {
                d.toegekend = w.toegekend;
                d.uitkomst = if w.toegekend == d.gevraagd {
                    Uitkomst::Toegekend
                } else if w.toegekend.is_positief() {
                    Uitkomst::GedeeltelijkToegekend
                } else if d.uitkomst == Uitkomst::Toegekend || d.uitkomst == Uitkomst::GedeeltelijkToegekend {
                    Uitkomst::PositiefNietGehonoreerdWegensBudget
                } else {
                    d.uitkomst
                };
                d.uitleg = format!("{} (Correctie: {}.)", d.uitleg, w.uitleg.trim().trim_end_matches('.'));
            }
        }
    }
    if !fouten.is_empty() {
        return Err(ApiFout::Ongeldig { detail: format!("Er is niets vastgelegd: {}.", fouten.join("; ")), velden: vec![] });
    }
    inhoud.totaal = Bedrag::som(inhoud.deelplannen.iter().map(|d| d.toegekend)).map_err(intern)?;
    inhoud.correctie = Some(Correctie { vervangt: oud.identificatie.clone(), reden: reden.trim().to_string() });
    let n = db::aantal(&mut tx, &oud.ronde, &oud.gemeente).await?;
    let nu = (s.klok)().as_microsecond();
    let rij = nieuwe_rij(&oud.ronde, &oud.gemeente, &oud.verdeling_id, n + 1, &inhoud, Some(oud.id.clone()), &ik, nu);
    db::voeg_toe(&mut tx, &rij).await?;
    let na = json!({ "identificatie": rij.identificatie, "vervangt": oud.identificatie, "reden": reden, "totaal": rij.totaal, "besluittype": rij.besluittype });
    ident.leg_vast(&mut tx, nu, "besluit.correctie_opgesteld", format!("besluit/{}", rij.id), None, Some(json!({ "vervangt": oud.id })), Some(na)).await?;
    let rij = db::haal(&mut tx, &rij.id, &Zicht::Alles).await?.ok_or_else(|| intern("besluit verdwenen"))?;
    let antwoord = als_json(&rij)?;
    afronden(tx, sleutel, 201, &antwoord).await?;
    Ok(antwoord)
}

/// Het besluit als JSON, in de woorden van de ZGW Besluiten API waar die passen.
pub fn als_json(r: &BesluitRij) -> Result<Value, ApiFout> {
    let inhoud: Value = serde_json::from_str(&r.inhoud).map_err(intern)?;
    let tijd = |t: Option<i64>| t.and_then(|t| jiff::Timestamp::from_microsecond(t).ok());
    Ok(json!({
        "id": r.id,
        "url": format!("/api/v1/besluiten/{}", r.id),
        "identificatie": r.identificatie,
        "verantwoordelijke_organisatie": "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
        "besluittype": r.besluittype,
        "ronde": r.ronde,
        "gemeente": r.gemeente,
        "verdeling": r.verdeling_id,
        "status": r.status,
        "datum": r.datum,
        "ingangsdatum": r.ingangsdatum,
        "verzenddatum": r.verzenddatum,
        "bezwaartermijn": { "weken": 6, "tot_en_met": r.bezwaar_tot, "bron": "art. 6:7 en 6:8 Algemene wet bestuursrecht" },
        "uiterlijke_reactiedatum": r.bezwaar_tot,
        "totaal": r.totaal,
        "deelplannen": inhoud["deelplannen"],
        "grondslag": inhoud["grondslag"],
        "correctie": inhoud.get("correctie"),
        "vervangt": r.vervangt,
        "vervangen_door": r.vervangen_door,
        "correctie_in_voorbereiding": r.correctie_in_voorbereiding,
        "opgesteld_door": r.opgesteld_door,
        "opgesteld_op": tijd(Some(r.opgesteld_op)),
        "ondertekend_door": r.ondertekend_door,
        "ondertekend_op": tijd(r.ondertekend_op),
        "informatieobjecten": [{
            "titel": format!("Brief bij besluit {}", r.identificatie),
            "url": format!("/api/v1/besluiten/{}/brief", r.id),
            "formaat": "application/pdf",
            "conformiteit": "PDF/A-2a",
            "sha256": r.brief_sha256,
        }],
    }))
}

/// De brief van een besluit: de bewaarde bij een ondertekend besluit, anders (concept) een nieuwe uit het
/// sjabloon van nu, gemerkt als concept.
pub fn brief_van(r: &BesluitRij, sjabloonmap: Option<&std::path::Path>, vandaag: jiff::civil::Date) -> Result<Brief, ApiFout> {
    if let Some(b) = &r.brief {
        return serde_json::from_str(b).map_err(intern);
    }
    let inhoud: Besluitinhoud = serde_json::from_str(&r.inhoud).map_err(intern)?;
    let sjabloon = Sjabloon::van_ronde(&r.ronde, sjabloonmap).map_err(intern)?;
    Ok(stel_brief_op(r, &inhoud, &sjabloon, vandaag))
}

/// Vult het sjabloon in met de gegevens van het besluit. De woorden komen uit het sjabloon; elk getal, de tabel
/// van deelplannen, de redenen en de grondslag uit het besluit.
pub fn stel_brief_op(r: &BesluitRij, inhoud: &Besluitinhoud, s: &Sjabloon, vandaag: jiff::civil::Date) -> Brief {
    let concept = r.status != "ondertekend";
    let dag = |x: &Option<String>| x.as_deref().and_then(|d| d.parse::<jiff::civil::Date>().ok()).map(datum_nl);
    let datum = dag(&r.datum).unwrap_or_else(|| "(datum van ondertekening)".into());
    let tot = dag(&r.bezwaar_tot).unwrap_or_else(|| "(zes weken na verzending)".into());
    let mut w: BTreeMap<&str, String> = BTreeMap::new();
    w.insert("gemeente", inhoud.gemeente.clone());
    w.insert("gemeentenaam", inhoud.gemeentenaam.clone());
    w.insert("ronde", inhoud.ronde.clone());
    w.insert("ronde_naam", inhoud.ronde_naam.clone());
    w.insert("regeling", inhoud.regeling.clone());
    w.insert("grondslag", inhoud.grondslag.clone());
    w.insert("datum", datum.clone());
    w.insert("verzenddatum", dag(&r.verzenddatum).unwrap_or_else(|| datum.clone()));
    w.insert("ingangsdatum", dag(&r.ingangsdatum).unwrap_or_else(|| datum.clone()));
    w.insert("bezwaar_tot", tot);
    w.insert("totaal", inhoud.totaal.to_string());
    w.insert("identificatie", r.identificatie.clone());
    // Hoe er betaald wordt: het betaalschema van de ronde op de dag van het besluit (nooit een vaste tekst).
    let peildag = r.datum.as_deref().and_then(|d| d.parse::<jiff::civil::Date>().ok()).unwrap_or(vandaag);
    let betaling = vhf_core::regeling::Ronde::zoek(&inhoud.ronde).map_or_else(
        || "zoals de regeling bepaalt".to_string(),
        |ro| ro.parameters_op(ro.moment(peildag.to_datetime(jiff::civil::time(12, 0, 0, 0)))).gebruikt(vhf_core::regeling::ParameterNaam::betaalschema).waarde,
    );
    w.insert("betaling", betaling);
    let f = |t: &str| vul_in(t, &w);
    let soort = match r.besluittype.as_str() {
        "toekenning" => &s.toekenning,
        "gedeeltelijke_toekenning" => &s.gedeeltelijke_toekenning,
        _ => &s.afwijzing,
    };
    let mut briefhoofd: Vec<String> = s.afzender.iter().map(|x| f(x)).collect();
    briefhoofd.push(String::new());
    briefhoofd.push(format!("Datum: {datum}"));
    briefhoofd.push(format!("Kenmerk: {}", r.identificatie));
    let mut blokken = vec![Blok::Alinea(f(&s.aanhef))];
    if let Some(c) = &inhoud.correctie {
        blokken.push(Blok::Alinea(format!("Dit besluit vervangt besluit {}. Reden van de correctie: {}", c.vervangt, c.reden)));
    }
    blokken.push(Blok::Alinea(f(&soort.inleiding)));
    blokken.push(Blok::Kop(f(&s.kop_deelplannen)));
    let gevraagd = Bedrag::som(inhoud.deelplannen.iter().map(|d| d.gevraagd)).unwrap_or(Bedrag::NUL);
    let mut rijen: Vec<Vec<String>> = inhoud
        .deelplannen
        .iter()
        .map(|d| vec![format!("{} – {}", d.kenmerk, d.deelplan), d.uitkomst.omschrijving().to_string(), d.gevraagd.to_string(), d.toegekend.to_string()])
        .collect();
    rijen.push(vec!["Totaal uitkering".into(), String::new(), gevraagd.to_string(), inhoud.totaal.to_string()]);
    blokken.push(Blok::Tabel {
        kop: vec!["Aanvraag – deelplan".into(), "Besluit".into(), "Gevraagd".into(), "Toegekend".into()],
        rijen,
        rechts: vec![false, false, true, true],
    });
    blokken.push(Blok::Kop(f(&s.kop_redenen)));
    let redenen = inhoud
        .deelplannen
        .iter()
        .map(|d| {
            let mut t = format!("{} – {} ({}): {}", d.kenmerk, d.deelplan, d.uitkomst.omschrijving(), d.uitleg);
            if !d.toegekend.is_positief()
                && d.rang.is_some()
                && let Some(p) = inhoud.plafond
            {
                t.push_str(&format!(" Budgetlijn: het plafond voor toekenningen in deze ronde (budget min btw-reserve) was {p}."));
            }
            t
        })
        .collect();
    blokken.push(Blok::Lijst(redenen));
    blokken.push(Blok::Kop(f(&s.kop_grondslag)));
    blokken.push(Blok::Alinea(f(&s.grondslag)));
    if inhoud.totaal.is_positief() {
        blokken.push(Blok::Kop(f(&s.kop_verplichtingen)));
        blokken.push(Blok::Lijst(s.verplichtingen.iter().map(|x| f(x)).collect()));
    }
    blokken.push(Blok::Kop(f(&s.kop_bezwaar)));
    blokken.push(Blok::Alinea(f(&s.bezwaar)));
    blokken.push(Blok::Alinea(f(&s.slot)));
    for x in &s.ondertekening {
        blokken.push(Blok::Alinea(f(x)));
    }
    if let Some(door) = &r.ondertekend_door {
        blokken.push(Blok::Alinea(format!("Elektronisch ondertekend op {datum} door {door} (opgesteld door {}; vier ogen).", r.opgesteld_door)));
    }
    Brief {
        titel: f(&soort.onderwerp),
        briefhoofd,
        blokken,
        merk: if concept { "CONCEPT – niet ondertekend, niet verzonden".into() } else { String::new() },
        datum: dag(&r.datum).and(r.datum.as_deref().and_then(|d| d.parse().ok())).unwrap_or(vandaag),
        identificatie: r.identificatie.clone(),
    }
}

// ------------------------------------------------------------------------------------------------------------
// Bezwaar (Awb hoofdstuk 6 en 7). Tegen een ondertekend besluit kan de gemeente binnen zes weken na verzending
// bezwaar maken (art. 6:7, 6:8). Een later ontvangen bezwaar wordt geregistreerd maar heet `te_laat` (art. 6:11:
// niet-ontvankelijk, tenzij de termijnoverschrijding verschoonbaar is; dat oordeelt de behandelaar). Op het
// bezwaar wordt beslist binnen zes weken na afloop van de bezwaartermijn (art. 7:10 lid 1; [D] zonder
// adviescommissie, dus zes en geen twaalf weken); een open bezwaar daarna is `termijn_verstreken`. Leidt het
// bezwaar tot een ander besluit, dan wijst de afhandeling naar de correctie (die het besluit `vervangt`).

use crate::db::besluiten::BezwaarRij;

/// De uitkomsten van een bezwaar.
pub const UITKOMSTEN: &[&str] = &["gegrond", "deels_gegrond", "ongegrond", "niet_ontvankelijk", "ingetrokken"];

/// Registreert een bezwaar tegen een ondertekend besluit.
pub async fn registreer_bezwaar(v: &Verzoek<'_>, besluit: &str, ontvangen_op: jiff::civil::Date, gronden: &str) -> Result<Value, ApiFout> {
    let (s, ident) = (v.s, v.ident);
    if gronden.trim().is_empty() {
        return Err(ApiFout::Ongeldig { detail: "Een bezwaar heeft gronden: waarom is de gemeente het niet eens met het besluit?".into(), velden: vec![] });
    }
    let vandaag = lokale_datum((s.klok)());
    if ontvangen_op > vandaag {
        return Err(ApiFout::Ongeldig { detail: format!("De ontvangstdatum {ontvangen_op} ligt na vandaag ({vandaag})."), velden: vec![] });
    }
    let ik = ident.gebruiker()?.id.clone();
    let (mut tx, sleutel) = v.begin().await?;
    let b = db::haal(&mut tx, besluit, &Zicht::Alles).await?.ok_or(ApiFout::NietGevonden)?;
    if b.status != "ondertekend" {
        return Err(ApiFout::Conflict(format!("Besluit {} is nog niet ondertekend en verzonden; daartegen is geen bezwaar.", b.identificatie)));
    }
    if b.datum.as_deref().and_then(|d| d.parse::<jiff::civil::Date>().ok()).is_some_and(|d| ontvangen_op < d) {
        return Err(ApiFout::Ongeldig { detail: format!("De ontvangstdatum {ontvangen_op} ligt vóór de datum van het besluit."), velden: vec![] });
    }
    let nu = (s.klok)().as_microsecond();
    let z = BezwaarRij {
        id: crate::server::nieuw_id("BZ"),
        besluit_id: b.id.clone(),
        ontvangen_op: ontvangen_op.to_string(),
        gronden: gronden.trim().to_string(),
        status: "ontvangen".into(),
        uitkomst: None,
        toelichting: None,
        correctie_id: None,
        geregistreerd_door: ik,
        geregistreerd_op: nu,
        afgehandeld_door: None,
        afgehandeld_op: None,
        identificatie: b.identificatie.clone(),
        gemeente: b.gemeente.clone(),
        ronde: b.ronde.clone(),
        bezwaar_tot: b.bezwaar_tot.clone(),
    };
    db::voeg_bezwaar_toe(&mut tx, &z).await?;
    let antwoord = bezwaar_json(&z, vandaag);
    ident.leg_vast(&mut tx, nu, "bezwaar.geregistreerd", format!("bezwaar/{}", z.id), None, None, Some(antwoord.clone())).await?;
    afronden(tx, sleutel, 201, &antwoord).await?;
    Ok(antwoord)
}

/// Handelt een bezwaar af met een uitkomst en toelichting; bij (deels) gegrond eventueel met de correctie die
/// het besluit vervangt.
pub async fn handel_bezwaar_af(v: &Verzoek<'_>, id: &str, uitkomst: &str, toelichting: &str, correctie: Option<&str>) -> Result<Value, ApiFout> {
    let (s, ident) = (v.s, v.ident);
    if !UITKOMSTEN.contains(&uitkomst) {
        return Err(ApiFout::Ongeldig { detail: format!("Onbekende uitkomst '{uitkomst}' (kies uit {}).", UITKOMSTEN.join(", ")), velden: vec![] });
    }
    if toelichting.trim().is_empty() {
        return Err(ApiFout::Ongeldig { detail: "Een beslissing op bezwaar heeft een toelichting.".into(), velden: vec![] });
    }
    let ik = ident.gebruiker()?.id.clone();
    let (mut tx, sleutel) = v.begin().await?;
    let z = db::haal_bezwaar(&mut tx, id, &Zicht::Alles).await?.ok_or(ApiFout::NietGevonden)?;
    if let Some(c) = correctie {
        let nieuw = db::haal(&mut tx, c, &Zicht::Alles).await?;
        if nieuw.as_ref().and_then(|n| n.vervangt.as_deref()) != Some(z.besluit_id.as_str()) {
            return Err(ApiFout::Ongeldig { detail: format!("Besluit {c} is geen correctie van besluit {}.", z.identificatie), velden: vec![] });
        }
    }
    let nu = (s.klok)().as_microsecond();
    if !db::handel_af(&mut tx, id, uitkomst, toelichting.trim(), correctie, &ik, nu).await? {
        return Err(ApiFout::Conflict(format!("Bezwaar {id} is al afgehandeld.")));
    }
    let z = db::haal_bezwaar(&mut tx, id, &Zicht::Alles).await?.ok_or_else(|| intern("bezwaar verdwenen"))?;
    let antwoord = bezwaar_json(&z, lokale_datum((s.klok)()));
    ident.leg_vast(&mut tx, nu, "bezwaar.afgehandeld", format!("bezwaar/{id}"), None, Some(json!({ "status": "ontvangen" })), Some(antwoord.clone())).await?;
    afronden(tx, sleutel, 200, &antwoord).await?;
    Ok(antwoord)
}

/// Een bezwaar als JSON, met de termijnen: tijdig ingediend, beslissen uiterlijk, en of die termijn verstreken is.
pub fn bezwaar_json(z: &BezwaarRij, vandaag: jiff::civil::Date) -> Value {
    let tot = z.bezwaar_tot.as_deref().and_then(|d| d.parse::<jiff::civil::Date>().ok());
    let ontvangen = z.ontvangen_op.parse::<jiff::civil::Date>().ok();
    let tijdig = match (ontvangen, tot) {
        (Some(o), Some(t)) => o <= t,
        _ => true,
    };
    let beslissen = tot.map(bezwaar_tot);
    let verstreken = z.status != "afgehandeld" && beslissen.is_some_and(|b| vandaag > b);
    json!({
        "id": z.id,
        "url": format!("/api/v1/bezwaren/{}", z.id),
        "besluit": z.besluit_id,
        "besluit_identificatie": z.identificatie,
        "gemeente": z.gemeente,
        "ronde": z.ronde,
        "ontvangen_op": z.ontvangen_op,
        "gronden": z.gronden,
        "status": z.status,
        "uitkomst": z.uitkomst,
        "toelichting": z.toelichting,
        "correctie": z.correctie_id,
        "bezwaartermijn_tot": z.bezwaar_tot,
        "tijdig": tijdig,
        "te_laat": !tijdig,
        "beslissen_uiterlijk": beslissen,
        "termijn_verstreken": verstreken,
        "bron": "Awb art. 6:7, 6:8 (bezwaartermijn zes weken), 6:11 (te laat), 7:10 lid 1 (beslissen binnen zes weken na de bezwaartermijn)",
        "geregistreerd_door": z.geregistreerd_door,
        "afgehandeld_door": z.afgehandeld_door,
    })
}
