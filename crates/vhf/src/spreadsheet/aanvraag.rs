//! Het aanvraagsjabloon in Excel: voor gemeenten die hun begroting in een rekenblad maken.
//!
//! Vijf bladen met de gegevens — `Aanvraag` (veld en waarde per regel), `Deelplannen`, `Maatregelen`,
//! `Cofinanciering` en `Documenten` (een kopregel en een rij per deelplan, maatregel, post of document) — en
//! een blad `Toelichting`. Maatregelen en cofinanciering noemen in de kolom *Deelplan* het deelplan waar ze bij
//! horen. Kolommen worden op hun kop gevonden, niet op hun plaats, dus een gemeente mag kolommen verschuiven of
//! er eigen kolommen naast zetten zolang die een andere kop hebben; formules mogen (we lezen de berekende
//! waarde).
//!
//! Lezen gebeurt in twee stappen, zodat een blad en het gelijkwaardige JSON-bestand **dezelfde** bevindingen
//! geven: (1) elke cel wordt naar het veld van het JSON-bestand vertaald (een bedrag als getal met hoogstens
//! twee decimalen, een aantal als heel getal, een datum als datum, een lijst met komma's), met een fout per cel
//! die blad, cel en veld noemt; (2) het resultaat gaat door dezelfde lezer als een JSON-bestand
//! (`vhf_core::invoer::lees_aanvraag`), en een fout daar wordt teruggevoerd naar de cel waar het veld stond.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, Format, Workbook, XlsxError};
use serde::Serialize;
use serde_json::{Map, Value};
use vhf_core::aanvraag::Aanvraag;

use super::{Opmaak, euro_getal, excel_datum};

/// Een fout in een ingevuld sjabloon: waar (blad, cel), welk veld van de aanvraag, en wat er mis is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Celfout {
    pub blad: String,
    /// Bijvoorbeeld `K3`; leeg als de fout het hele blad betreft (een ontbrekend blad of een ontbrekende kolom).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cel: Option<String>,
    /// Het veld van de aanvraag zoals in het JSON-bestand, bijvoorbeeld `deelplannen[0].maatregelen[1].kosten`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub veld: Option<String>,
    pub melding: String,
}

impl fmt::Display for Celfout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "blad {}", self.blad)?;
        if let Some(c) = &self.cel {
            write!(f, ", cel {c}")?;
        }
        if let Some(v) = &self.veld {
            write!(f, ", veld {v}")?;
        }
        write!(f, ": {}", self.melding)
    }
}

/// Wat een cel moet bevatten.
#[derive(Clone, Copy, Debug)]
enum Soort {
    Tekst,
    /// Een code of kenmerk: tekst, of een heel getal dat als tekst telt (PC4, CBS-nummer, "1").
    Code,
    /// Codes gescheiden door komma's, puntkomma's of spaties.
    Lijst,
    /// Euro's, hoogstens twee decimalen.
    Bedrag,
    /// Een heel aantal, niet negatief.
    Aantal,
    Datum,
    /// Een moment (RFC 3339, of een Excel-datum met tijd in Europe/Amsterdam).
    Tijdstip,
    /// Een van deze waarden (zoals het JSON-bestand ze schrijft).
    Keuze(&'static [&'static str]),
}

struct Veld {
    kop: &'static str,
    /// Het pad in het JSON-object van de regel (`deelgebied.pc4`); `@deelplan` verwijst naar het deelplan.
    sleutel: &'static str,
    soort: Soort,
    verplicht: bool,
    uitleg: &'static str,
}

const fn v(kop: &'static str, sleutel: &'static str, soort: Soort, verplicht: bool, uitleg: &'static str) -> Veld {
    Veld { kop, sleutel, soort, verplicht, uitleg }
}

const ACTIVITEITEN: &[&str] = &["renovatie", "transformatie", "sloop_nieuwbouw", "inponding", "openbare_ruimte"];
const FINANCIERS: &[&str] = &["gemeente", "corporatie", "eigenaren", "provincie", "overig"];
const DOCUMENTSOORTEN: &[&str] = &["plan_van_aanpak", "begroting", "intentieverklaring_corporatie", "overig"];
const LABELS: &[&str] = &["G", "F", "E", "D", "C", "B", "A", "A+", "A++", "A+++", "A++++"];

const AANVRAAG: &str = "Aanvraag";
const DEELPLANNEN: &str = "Deelplannen";
const MAATREGELEN: &str = "Maatregelen";
const COFINANCIERING: &str = "Cofinanciering";
const DOCUMENTEN: &str = "Documenten";

const ALGEMEEN: &[Veld] = &[
    v("Kenmerk", "kenmerk", Soort::Code, true, "Uw eigen kenmerk, uniek in de ronde, bijvoorbeeld ZAANSTAD-2021-1."),
    v("Ronde", "ronde", Soort::Code, true, "De ronde: vhf-2021, vhf-2023 of vhf-2024."),
    v("Titel", "titel", Soort::Tekst, true, "De naam van het programma."),
    v("Aanvragers", "aanvragers", Soort::Lijst, true, "De CBS-codes van de aanvragende gemeenten, gescheiden door komma's (GM0479)."),
    v("Penvoerder", "penvoerder", Soort::Code, false, "Bij meer aanvragers: de CBS-code van de gemeente die de uitkering ontvangt."),
    v("Samenwerkingsverband", "samenwerkingsverband", Soort::Tekst, false, "Bij een gezamenlijke aanvraag: de naam van het samenwerkingsverband."),
    v("Contactpersoon", "contactpersoon.naam", Soort::Tekst, true, "Naam van de contactpersoon."),
    v("E-mail", "contactpersoon.email", Soort::Tekst, true, "E-mailadres van de contactpersoon."),
    v("Telefoon", "contactpersoon.telefoon", Soort::Code, false, "Telefoonnummer (als tekst, zodat de 0 blijft staan)."),
    v("Ingediend op", "ingediend_op", Soort::Tijdstip, false, "Laat leeg: het loket zet het moment van indienen."),
    v("Start", "planning.start", Soort::Datum, true, "Geplande start van het programma (datum)."),
    v("Einde", "planning.einde", Soort::Datum, true, "Gepland einde van het programma (datum)."),
];

const DEELPLAN: &[Veld] = &[
    v("Deelplan", "id", Soort::Code, true, "Kenmerk van het deelplan, bijvoorbeeld DP1."),
    v("Naam", "naam", Soort::Tekst, true, "Naam van het deelplan."),
    v("Gemeente", "deelgebied.gemeente", Soort::Code, true, "CBS-code van de gemeente waarin het deelgebied ligt (een van de aanvragers)."),
    v("PC4-gebieden", "deelgebied.pc4", Soort::Lijst, true, "De postcodegebieden (4 cijfers) van het deelgebied, gescheiden door komma's."),
    v(
        "Prioriteitsgebied",
        "deelgebied.prioriteitsgebied",
        Soort::Code,
        false,
        "Het prioriteitsgebied waarin het deelgebied volgens u ligt (id uit de lijst van de ronde).",
    ),
    v("Bijdrage fysiek (€)", "bijdrage_fysiek", Soort::Bedrag, true, "Het deel van de gevraagde Rijksbijdrage voor de fysieke maatregelen."),
    v("Projectkosten (€)", "projectkosten", Soort::Bedrag, false, "Uw eigen, noodzakelijke projectkosten voor dit deelplan."),
    v(
        "Minimaal werkbaar (€)",
        "minimum_werkbaar",
        Soort::Bedrag,
        false,
        "Het kleinste bedrag waarmee het deelplan nog uitvoerbaar is (leeg: alleen het volle bedrag).",
    ),
];

const MAATREGEL: &[Veld] = &[
    v("Deelplan", "@deelplan", Soort::Code, true, "Het deelplan van deze maatregel (de kolom Deelplan van het blad Deelplannen)."),
    v("Maatregel", "id", Soort::Code, true, "Kenmerk van de maatregel binnen het deelplan, bijvoorbeeld M1."),
    v("Activiteit", "activiteit", Soort::Keuze(ACTIVITEITEN), true, "renovatie, transformatie, sloop_nieuwbouw, inponding of openbare_ruimte."),
    v("Omschrijving", "omschrijving", Soort::Tekst, false, "Wat er gebeurt."),
    v("Eigenaar-bewoners", "woningen.eigenaar_bewoner", Soort::Aantal, false, "Aantal woningen van eigenaar-bewoners."),
    v("Particuliere verhuur", "woningen.particuliere_verhuur", Soort::Aantal, false, "Aantal woningen van particuliere verhuurders."),
    v("Corporatie", "woningen.corporatie", Soort::Aantal, false, "Aantal woningen van corporaties."),
    v("Label voor", "label_voor", Soort::Keuze(LABELS), false, "Energielabel vóór de renovatie (verplicht bij renovatie)."),
    v("Label na", "label_na", Soort::Keuze(LABELS), false, "Energielabel na de renovatie (verplicht bij renovatie)."),
    v("Kosten (€)", "kosten", Soort::Bedrag, true, "Kosten exclusief compensabele btw."),
    v("Opbrengsten (€)", "opbrengsten", Soort::Bedrag, false, "Opbrengsten exclusief compensabele btw."),
];

const COFINANCIER: &[Veld] = &[
    v("Deelplan", "@deelplan", Soort::Code, true, "Het deelplan waarvoor deze cofinanciering is."),
    v("Financier", "financier", Soort::Keuze(FINANCIERS), true, "gemeente, corporatie, eigenaren, provincie of overig."),
    v("Naam", "naam", Soort::Tekst, true, "Naam van de financier, bijvoorbeeld de corporatie."),
    v("Bedrag (€)", "bedrag", Soort::Bedrag, true, "Het bedrag van deze financier."),
];

const DOCUMENT: &[Veld] = &[
    v("Soort", "soort", Soort::Keuze(DOCUMENTSOORTEN), true, "plan_van_aanpak, begroting, intentieverklaring_corporatie of overig."),
    v("Deelplan", "deelplan", Soort::Code, false, "Het deelplan waar het document bij hoort (bij een plan van aanpak)."),
    v("Naam", "naam", Soort::Tekst, true, "Bestandsnaam."),
    v("SHA-256", "sha256", Soort::Code, true, "De SHA-256 van het bestand (64 tekens 0-9 en a-f); het loket rekent hem zelf uit bij het uploaden."),
];

/// Waar een veld van de aanvraag in het blad stond.
#[derive(Clone, Debug)]
struct Plek {
    blad: &'static str,
    cel: String,
}

/// Een ingevuld sjabloon, vertaald naar het JSON-bestand van de aanvraag, met waar elk veld stond.
pub struct Gelezen {
    /// De aanvraag als JSON-tekst (dezelfde vorm als `schema/aanvraag.schema.json`).
    pub json: String,
    plekken: BTreeMap<String, Plek>,
}

impl Gelezen {
    /// De cel van een veld, of van het dichtstbijzijnde omvattende veld (`deelplannen[0].deelgebied.pc4[2]`
    /// stond in de cel van `deelplannen[0].deelgebied.pc4`; een ontbrekend veld van deelplan 0 in de rij van dat
    /// deelplan).
    fn plek(&self, veld: &str) -> Option<&Plek> {
        let mut pad = veld.to_string();
        loop {
            if let Some(p) = self.plekken.get(&pad) {
                return Some(p);
            }
            let knip = pad.rfind(['.', '['])?;
            pad.truncate(knip);
        }
    }
}

/// Leest een ingevuld sjabloon tot een aanvraag, met dezelfde lezer (en dus dezelfde vorm- en
/// waardecontroles) als een JSON-bestand. Alle fouten in cellen tegelijk; daarna de eerste fout van de lezer.
pub fn lees_aanvraag(bytes: &[u8]) -> Result<(Aanvraag, String), Vec<Celfout>> {
    let g = lees(bytes)?;
    match vhf_core::invoer::lees_aanvraag(&g.json) {
        Ok(a) => Ok((a, g.json)),
        Err(e) => {
            let plek = e.veld.as_deref().and_then(|v| g.plek(v));
            Err(vec![Celfout {
                blad: plek.map_or(AANVRAAG, |p| p.blad).to_string(),
                cel: plek.map(|p| p.cel.clone()),
                veld: e.veld.clone(),
                melding: e.melding,
            }])
        }
    }
}

/// Is dit een XLSX-bestand (een ZIP)? Voor wie een bestand krijgt zonder te weten wat het is.
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Stap 1: elke cel naar zijn veld.
pub fn lees(bytes: &[u8]) -> Result<Gelezen, Vec<Celfout>> {
    let blad_fout = |blad: &str, melding: String| Celfout { blad: blad.into(), cel: None, veld: None, melding };
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| vec![blad_fout("-", format!("dit is geen leesbaar XLSX-bestand ({e}); sla het op als Excel-werkmap (.xlsx)"))])?;
    let mut fouten = Vec::new();
    let mut plekken = BTreeMap::new();
    let mut bladen: BTreeMap<&'static str, calamine::Range<Data>> = BTreeMap::new();
    let namen = wb.sheet_names();
    for blad in [AANVRAAG, DEELPLANNEN, MAATREGELEN, COFINANCIERING, DOCUMENTEN] {
        if !namen.iter().any(|n| n == blad) {
            if matches!(blad, AANVRAAG | DEELPLANNEN | MAATREGELEN) {
                fouten.push(blad_fout(
                    blad,
                    format!(
                        "het blad {blad} ontbreekt; gebruik het sjabloon (bladen: {AANVRAAG}, {DEELPLANNEN}, {MAATREGELEN}, {COFINANCIERING}, {DOCUMENTEN})"
                    ),
                ));
            }
            continue;
        }
        match wb.worksheet_range(blad) {
            Ok(r) => {
                bladen.insert(blad, r);
            }
            Err(e) => fouten.push(blad_fout(blad, format!("het blad is niet te lezen: {e}"))),
        }
    }
    if !fouten.is_empty() {
        return Err(fouten);
    }
    let mut aanvraag = Map::new();

    // Het blad Aanvraag: kolom A de naam van het veld, kolom B de waarde.
    let r = &bladen[AANVRAAG];
    let mut gezien: BTreeMap<&str, String> = BTreeMap::new();
    for (rij, kop) in rijen(r) {
        let Some(naam) = tekst_van(r.get_value((rij, 0))) else { continue };
        let Some(veld) = ALGEMEEN.iter().find(|v| gelijk(v.kop, &naam)) else {
            // Een regel die geen veld is (een kopje of toelichting van de gemeente) slaan we over.
            let _ = kop;
            continue;
        };
        let cel = super::celnaam(rij, 1);
        if let Some(eerder) = gezien.insert(veld.kop, cel.clone()) {
            fouten.push(Celfout {
                blad: AANVRAAG.into(),
                cel: Some(super::celnaam(rij, 0)),
                veld: Some(veld.sleutel.into()),
                melding: format!("'{}' staat twee keer in het blad (ook in regel {})", veld.kop, &eerder[1..]),
            });
            continue;
        }
        plekken.insert(veld.sleutel.to_string(), Plek { blad: AANVRAAG, cel: cel.clone() });
        match waarde(veld.soort, r.get_value((rij, 1))) {
            Ok(Some(w)) => zet(&mut aanvraag, veld.sleutel, w),
            Ok(None) if veld.verplicht => fouten.push(Celfout {
                blad: AANVRAAG.into(),
                cel: Some(cel),
                veld: Some(veld.sleutel.into()),
                melding: format!("{} is verplicht en de cel is leeg", veld.kop),
            }),
            Ok(None) => {}
            Err(m) => fouten.push(Celfout { blad: AANVRAAG.into(), cel: Some(cel), veld: Some(veld.sleutel.into()), melding: m }),
        }
    }
    for veld in ALGEMEEN.iter().filter(|v| v.verplicht && !gezien.contains_key(v.kop)) {
        fouten.push(Celfout {
            blad: AANVRAAG.into(),
            cel: None,
            veld: Some(veld.sleutel.into()),
            melding: format!("de regel '{}' ontbreekt (kolom A de naam, kolom B de waarde)", veld.kop),
        });
    }

    // Deelplannen; daarna maatregelen en cofinanciering bij hun deelplan.
    let mut deelplannen: Vec<Map<String, Value>> = Vec::new();
    let mut deelplan_index: BTreeMap<String, usize> = BTreeMap::new();
    for (rij, obj, _) in tabelrijen(&bladen[DEELPLANNEN], DEELPLANNEN, DEELPLAN, &mut fouten) {
        let i = deelplannen.len();
        let pad = format!("deelplannen[{i}]");
        for (sleutel, cel) in &obj.1 {
            plekken.insert(format!("{pad}.{sleutel}"), Plek { blad: DEELPLANNEN, cel: cel.clone() });
        }
        plekken.insert(pad, Plek { blad: DEELPLANNEN, cel: super::celnaam(rij, 0) });
        if let Some(Value::String(id)) = obj.0.get("id") {
            deelplan_index.entry(id.clone()).or_insert(i);
        }
        deelplannen.push(obj.0);
    }
    let mut per_deelplan: Vec<(Vec<Value>, Vec<Value>)> = vec![(vec![], vec![]); deelplannen.len()];
    for (blad, velden, lijst) in [(MAATREGELEN, MAATREGEL, 0usize), (COFINANCIERING, COFINANCIER, 1)] {
        let Some(r) = bladen.get(blad) else { continue };
        for (rij, (mut obj, cellen), deelplan_cel) in tabelrijen(r, blad, velden, &mut fouten) {
            let Some(Value::String(dp)) = obj.remove("@deelplan") else { continue };
            let Some(&i) = deelplan_index.get(&dp) else {
                let bekend: Vec<&str> = deelplan_index.keys().map(String::as_str).collect();
                fouten.push(Celfout {
                    blad: blad.into(),
                    cel: deelplan_cel,
                    veld: None,
                    melding: format!(
                        "deelplan '{dp}' staat niet in het blad {DEELPLANNEN}{}",
                        if bekend.is_empty() { String::new() } else { format!(" (daar staan: {})", bekend.join(", ")) }
                    ),
                });
                continue;
            };
            let doel = if lijst == 0 { &mut per_deelplan[i].0 } else { &mut per_deelplan[i].1 };
            let pad = format!("deelplannen[{i}].{}[{}]", if lijst == 0 { "maatregelen" } else { "cofinanciering" }, doel.len());
            for (sleutel, cel) in &cellen {
                plekken.insert(format!("{pad}.{sleutel}"), Plek { blad, cel: cel.clone() });
            }
            plekken.insert(pad, Plek { blad, cel: super::celnaam(rij, 0) });
            doel.push(Value::Object(obj));
        }
    }
    for (i, (maatregelen, cofinanciering)) in per_deelplan.into_iter().enumerate() {
        deelplannen[i].insert("maatregelen".into(), Value::Array(maatregelen));
        if !cofinanciering.is_empty() {
            deelplannen[i].insert("cofinanciering".into(), Value::Array(cofinanciering));
        }
    }
    aanvraag.insert("deelplannen".into(), Value::Array(deelplannen.into_iter().map(Value::Object).collect()));
    let mut documenten = Vec::new();
    if let Some(r) = bladen.get(DOCUMENTEN) {
        for (rij, (obj, cellen), _) in tabelrijen(r, DOCUMENTEN, DOCUMENT, &mut fouten) {
            let pad = format!("documenten[{}]", documenten.len());
            for (sleutel, cel) in &cellen {
                plekken.insert(format!("{pad}.{sleutel}"), Plek { blad: DOCUMENTEN, cel: cel.clone() });
            }
            plekken.insert(pad, Plek { blad: DOCUMENTEN, cel: super::celnaam(rij, 0) });
            documenten.push(Value::Object(obj));
        }
    }
    aanvraag.insert("documenten".into(), Value::Array(documenten));
    if !fouten.is_empty() {
        return Err(fouten);
    }
    Ok(Gelezen { json: serde_json::to_string_pretty(&Value::Object(aanvraag)).expect("JSON"), plekken })
}

/// De regels van een blad met hun (absolute) nummer vanaf 0, met de eerste cel.
fn rijen(r: &calamine::Range<Data>) -> impl Iterator<Item = (u32, Option<&Data>)> + '_ {
    let (begin, eind) = (r.start().map_or(0, |s| s.0), r.end().map_or(0, |e| e.0));
    let leeg = r.start().is_none();
    (begin..=eind).filter(move |_| !leeg).map(move |rij| (rij, r.get_value((rij, 0))))
}

/// Leest een blad met een kopregel (de eerste niet-lege regel): per rij het JSON-object, met per veld de cel,
/// en de cel van de kolom Deelplan. Lege rijen worden overgeslagen.
#[allow(clippy::type_complexity)]
fn tabelrijen(
    r: &calamine::Range<Data>,
    blad: &'static str,
    velden: &'static [Veld],
    fouten: &mut Vec<Celfout>,
) -> Vec<(u32, (Map<String, Value>, Vec<(&'static str, String)>), Option<String>)> {
    let Some((begin, eerste_kolom)) = r.start() else { return vec![] };
    let (eind, laatste_kolom) = r.end().unwrap_or((begin, eerste_kolom));
    // De kopregel: de eerste regel met iets erin.
    let Some(koprij) = (begin..=eind).find(|&rij| (eerste_kolom..=laatste_kolom).any(|k| !leeg(r.get_value((rij, k))))) else { return vec![] };
    let mut kolom_van: Vec<Option<u32>> = vec![None; velden.len()];
    for k in eerste_kolom..=laatste_kolom {
        let Some(kop) = tekst_van(r.get_value((koprij, k))) else { continue };
        if let Some(i) = velden.iter().position(|v| gelijk(v.kop, &kop)) {
            if kolom_van[i].is_some() {
                fouten.push(Celfout {
                    blad: blad.into(),
                    cel: Some(super::celnaam(koprij, k)),
                    veld: None,
                    melding: format!("de kolom '{kop}' staat er twee keer"),
                });
            }
            kolom_van[i] = Some(k);
        }
    }
    let ontbreekt: Vec<&str> = velden.iter().zip(&kolom_van).filter(|(v, k)| v.verplicht && k.is_none()).map(|(v, _)| v.kop).collect();
    if !ontbreekt.is_empty() {
        fouten.push(Celfout {
            blad: blad.into(),
            cel: Some(super::celnaam(koprij, eerste_kolom)),
            veld: None,
            melding: format!("in de kopregel ontbreekt {}: {}", if ontbreekt.len() == 1 { "de kolom" } else { "de kolommen" }, ontbreekt.join(", ")),
        });
        return vec![];
    }
    let mut uit = Vec::new();
    for rij in koprij + 1..=eind {
        let gebruikt: Vec<(usize, u32)> = kolom_van.iter().enumerate().filter_map(|(i, k)| k.map(|k| (i, k))).collect();
        if gebruikt.iter().all(|(_, k)| leeg(r.get_value((rij, *k)))) {
            continue;
        }
        let mut obj = Map::new();
        let mut cellen = Vec::new();
        let mut deelplan_cel = None;
        for (i, k) in gebruikt {
            let veld = &velden[i];
            let cel = super::celnaam(rij, k);
            if veld.sleutel == "@deelplan" {
                deelplan_cel = Some(cel.clone());
            } else {
                cellen.push((veld.sleutel, cel.clone()));
            }
            match waarde(veld.soort, r.get_value((rij, k))) {
                Ok(Some(w)) => zet(&mut obj, veld.sleutel, w),
                Ok(None) if veld.verplicht => {
                    fouten.push(Celfout { blad: blad.into(), cel: Some(cel), veld: None, melding: format!("{} is verplicht en de cel is leeg", veld.kop) })
                }
                Ok(None) => {}
                Err(m) => fouten.push(Celfout { blad: blad.into(), cel: Some(cel), veld: None, melding: format!("{}: {m}", veld.kop) }),
            }
        }
        uit.push((rij, (obj, cellen), deelplan_cel));
    }
    uit
}

fn leeg(c: Option<&Data>) -> bool {
    match c {
        None | Some(Data::Empty) => true,
        Some(Data::String(s)) => s.trim().is_empty(),
        _ => false,
    }
}

fn gelijk(kop: &str, tekst: &str) -> bool {
    kop.trim().eq_ignore_ascii_case(tekst.trim())
}

/// Zet een waarde op een pad met punten (`deelgebied.pc4`) in een object.
fn zet(obj: &mut Map<String, Value>, pad: &str, w: Value) {
    match pad.split_once('.') {
        None => {
            obj.insert(pad.to_string(), w);
        }
        Some((kop, rest)) => {
            let binnen = obj.entry(kop.to_string()).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = binnen {
                zet(m, rest, w);
            }
        }
    }
}

/// De tekst van een cel zoals een mens haar leest (voor koppen en namen).
fn tekst_van(c: Option<&Data>) -> Option<String> {
    match c? {
        Data::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Data::Float(f) => Some(getaltekst(*f)),
        Data::Int(i) => Some(i.to_string()),
        _ => None,
    }
}

/// Een getal zonder overbodige decimalen: 1504.0 wordt "1504".
fn getaltekst(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

/// Eén cel naar de waarde van het JSON-bestand; `None` voor een lege cel.
fn waarde(soort: Soort, c: Option<&Data>) -> Result<Option<Value>, String> {
    let c = match c {
        None | Some(Data::Empty) => return Ok(None),
        Some(Data::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Data::Error(e)) => return Err(format!("de cel bevat een Excel-fout ({e}); vul een waarde in")),
        Some(c) => c,
    };
    let tekst = |s: String| Ok(Some(Value::String(s)));
    match soort {
        Soort::Tekst => match c {
            Data::String(s) => tekst(s.trim().to_string()),
            Data::Float(f) => tekst(getaltekst(*f)),
            Data::Int(i) => tekst(i.to_string()),
            Data::Bool(b) => tekst(if *b { "WAAR" } else { "ONWAAR" }.into()),
            _ => Err("hier hoort tekst, geen datum".into()),
        },
        Soort::Code => match c {
            Data::String(s) => tekst(s.trim().to_string()),
            Data::Float(f) if f.fract() == 0.0 => tekst(getaltekst(*f)),
            Data::Int(i) => tekst(i.to_string()),
            Data::Float(f) => Err(format!("{f} is geen code; een code is tekst of een heel getal")),
            _ => Err("hier hoort een code (tekst)".into()),
        },
        Soort::Lijst => match c {
            Data::String(s) => {
                let delen: Vec<Value> =
                    s.split([',', ';', ' ', '\n', '\t']).map(str::trim).filter(|d| !d.is_empty()).map(|d| Value::String(d.to_string())).collect();
                Ok((!delen.is_empty()).then_some(Value::Array(delen)))
            }
            Data::Float(f) if f.fract() == 0.0 => Ok(Some(Value::Array(vec![Value::String(getaltekst(*f))]))),
            Data::Int(i) => Ok(Some(Value::Array(vec![Value::String(i.to_string())]))),
            _ => Err("hier hoort een lijst van codes, gescheiden door komma's".into()),
        },
        Soort::Bedrag => match c {
            Data::Float(f) => bedrag_uit_getal(*f).map(|s| Some(Value::String(s))),
            Data::Int(i) => Ok(Some(Value::String(format!("{i}.00")))),
            // Tekst gaat zoals ze is naar de lezer van de aanvraag, die zegt wat er mis is; alleen een
            // decimale komma zonder duizendtallen ("1234,56", zoals een Nederlandse Excel tekst schrijft) wordt
            // een punt.
            Data::String(s) => {
                let t = s.trim();
                let komma = t.split_once(',').filter(|(h, d)| {
                    !h.is_empty() && h.bytes().all(|b| b.is_ascii_digit()) && (1..=2).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())
                });
                tekst(komma.map_or_else(|| t.to_string(), |(h, d)| format!("{h}.{d}")))
            }
            _ => Err("hier hoort een bedrag in euro's (een getal met hoogstens twee decimalen)".into()),
        },
        Soort::Aantal => {
            let n = match c {
                Data::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f <= u32::MAX as f64 => Some(*f as u64),
                Data::Int(i) if *i >= 0 => Some(*i as u64),
                Data::String(s) => s.trim().parse::<u64>().ok(),
                _ => None,
            };
            let toon = tekst_van(Some(c)).unwrap_or_else(|| "deze waarde".into());
            n.map(|n| Some(Value::from(n))).ok_or_else(|| format!("'{toon}' is geen aantal: een heel getal, 0 of meer"))
        }
        Soort::Datum => match c {
            Data::DateTime(d) => {
                let (j, m, dag, ..) = d.to_ymd_hms_milli();
                tekst(format!("{j:04}-{m:02}-{dag:02}"))
            }
            Data::DateTimeIso(s) => tekst(s.get(..10).unwrap_or(s).to_string()),
            Data::String(s) => {
                let t = s.trim();
                // 1-10-2021 of 01-10-2021 (Nederlands) wordt 2021-10-01; al het andere beoordeelt de lezer.
                let delen: Vec<&str> = t.split(['-', '/']).collect();
                if let [d, m, j] = delen.as_slice()
                    && j.len() == 4
                    && d.len() <= 2
                    && m.len() <= 2
                    && let (Ok(d), Ok(m), Ok(j)) = (d.parse::<u8>(), m.parse::<u8>(), j.parse::<u16>())
                {
                    return tekst(format!("{j:04}-{m:02}-{d:02}"));
                }
                tekst(t.to_string())
            }
            _ => Err("hier hoort een datum (dd-mm-jjjj)".into()),
        },
        Soort::Tijdstip => match c {
            Data::String(s) | Data::DateTimeIso(s) => tekst(s.trim().to_string()),
            Data::DateTime(d) => {
                let (j, m, dag, u, min, sec, _) = d.to_ymd_hms_milli();
                let lokaal = jiff::civil::DateTime::new(j as i16, m as i8, dag as i8, u as i8, min as i8, sec as i8, 0)
                    .map_err(|e| format!("geen geldig moment: {e}"))?;
                let moment = lokaal.in_tz("Europe/Amsterdam").map_err(|e| format!("geen geldig moment: {e}"))?.timestamp();
                tekst(moment.to_string())
            }
            _ => Err("hier hoort een moment (JJJJ-MM-DDTUU:MM:SSZ)".into()),
        },
        Soort::Keuze(keuzes) => {
            let Some(t) = tekst_van(Some(c)) else { return Err(format!("kies uit: {}", keuzes.join(", "))) };
            let genormaliseerd = t.to_lowercase().replace(['-', ' '], "_");
            match keuzes.iter().find(|k| k.to_lowercase() == genormaliseerd || **k == t) {
                Some(k) => tekst(k.to_string()),
                None => Err(format!("'{t}' is geen geldige keuze; kies uit: {}", keuzes.join(", "))),
            }
        }
    }
}

/// Een getal uit een cel als bedrag: een waarde die op hele centen ligt (ook na een formule als `=A1*0,7`,
/// waar de computer 1234,5600000000002 van maakt) wordt dat bedrag; meer decimalen laten we staan, zodat de
/// lezer zegt dat het er te veel zijn.
fn bedrag_uit_getal(f: f64) -> Result<String, String> {
    if !f.is_finite() {
        return Err("hier hoort een bedrag in euro's".into());
    }
    let centen = (f * 100.0).round();
    // Rekenruis van een formule is relatief ~1e-16; een echte derde decimaal is ten minste 0,1 cent.
    if (f * 100.0 - centen).abs() <= (f.abs() * 100.0 * 1e-12).max(1e-6) && centen.abs() < 9.0e15 {
        Ok(super::machinebedrag(centen as i64))
    } else {
        Ok(format!("{f}"))
    }
}

/// Schrijft het sjabloon: leeg (met één voorbeeldregel per blad als hulp, niet ingevuld) of met een aanvraag
/// erin, zoals een gemeente hem zou invullen.
pub fn sjabloon(aanvraag: Option<&Aanvraag>) -> Result<Vec<u8>, XlsxError> {
    werkmap(aanvraag)?.save_to_buffer()
}

/// Het sjabloon als werkmap, voor wie er nog iets aan wil veranderen voordat het bewaard wordt (de tests).
pub fn werkmap(aanvraag: Option<&Aanvraag>) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_title("Aanvraag Volkshuisvestingsfonds — sjabloon").set_company("Volkshuisvestingsfonds"));
    let o = Opmaak::nieuw();
    let json = aanvraag.map(|a| serde_json::to_value(a).expect("JSON"));
    let rondes: Vec<String> = vhf_core::regeling::Ronde::ingebouwd().iter().map(|r| r.id.clone()).collect();

    let ws = wb.add_worksheet();
    ws.set_name("Toelichting")?;
    ws.set_column_width(0, 110)?;
    let wrap = Format::new().set_text_wrap();
    let regels = [
        "Aanvraag Volkshuisvestingsfonds — sjabloon voor gemeenten die hun begroting in Excel maken".to_string(),
        String::new(),
        "Vul de bladen Aanvraag, Deelplannen, Maatregelen, Cofinanciering en Documenten in. Eén rij per deelplan, maatregel, financier of document; maatregelen en cofinanciering noemen in de kolom Deelplan het deelplan waar ze bij horen.".into(),
        "Bedragen in euro's exclusief compensabele btw, als getal met hoogstens twee decimalen. Aantallen woningen als heel getal. Datums als datum. Lijsten (aanvragers, PC4-gebieden) met komma's.".into(),
        "Kolommen worden op hun kop gevonden: u mag ze verschuiven of eigen kolommen toevoegen met een andere kop. Formules mogen; het loket leest de berekende waarde.".into(),
        "Het loket (of `vhf check aanvraag.xlsx`) leest het blad tot dezelfde aanvraag als het JSON-bestand (schema/aanvraag.schema.json) en toetst haar aan dezelfde regels; een fout noemt blad, cel en veld.".into(),
        "Documenten uploadt u in het loket; de SHA-256 rekent het loket dan zelf uit.".into(),
        String::new(),
        format!("Rondes: {}. De regels en parameters per ronde, met hun bron: docs/regeling.md en `vhf rounds`.", rondes.join(", ")),
    ];
    for (i, r) in regels.iter().enumerate() {
        ws.write_string_with_format(i as u32, 0, r, if i == 0 { &o.titel } else { &wrap })?;
    }

    // Aanvraag: veld, waarde, toelichting.
    let ws = wb.add_worksheet();
    ws.set_name(AANVRAAG)?;
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 44)?;
    ws.set_column_width(2, 90)?;
    for (k, kop) in ["Veld", "Waarde", "Toelichting"].iter().enumerate() {
        ws.write_string_with_format(0, k as u16, *kop, &o.kop)?;
    }
    for (i, veld) in ALGEMEEN.iter().enumerate() {
        let rij = i as u32 + 1;
        ws.write_string(rij, 0, veld.kop)?;
        ws.write_string_with_format(rij, 2, format!("{}{}", if veld.verplicht { "Verplicht. " } else { "" }, veld.uitleg), &o.klein)?;
        if let Some(w) = json.as_ref().and_then(|j| pad(j, veld.sleutel)) {
            schrijf(ws, rij, 1, veld.soort, w, &o)?;
        } else {
            opmaak_leeg(ws, rij, 1, veld.soort, &o)?;
        }
        if veld.sleutel == "ronde" {
            ws.add_data_validation(rij, 1, rij, 1, &DataValidation::new().allow_list_strings(&rondes)?)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;

    let deelplannen: Vec<&Value> = json.as_ref().and_then(|j| j["deelplannen"].as_array()).map(|v| v.iter().collect()).unwrap_or_default();
    let mut rijen_per_blad: Vec<(&str, &[Veld], Vec<Value>)> = vec![
        (DEELPLANNEN, DEELPLAN, deelplannen.iter().map(|d| (*d).clone()).collect()),
        (MAATREGELEN, MAATREGEL, vec![]),
        (COFINANCIERING, COFINANCIER, vec![]),
        (DOCUMENTEN, DOCUMENT, json.as_ref().and_then(|j| j["documenten"].as_array().cloned()).unwrap_or_default()),
    ];
    for d in &deelplannen {
        for (blad, lijst) in [(1usize, "maatregelen"), (2, "cofinanciering")] {
            for m in d[lijst].as_array().into_iter().flatten() {
                let mut m = m.clone();
                m["@deelplan"] = d["id"].clone();
                rijen_per_blad[blad].2.push(m);
            }
        }
    }
    for (blad, velden, rijen) in rijen_per_blad {
        let ws = wb.add_worksheet();
        ws.set_name(blad)?;
        for (k, veld) in velden.iter().enumerate() {
            let k = k as u16;
            ws.write_string_with_format(0, k, veld.kop, &o.kop)?;
            ws.set_column_width(k, (veld.kop.chars().count().max(12) + 4) as f64)?;
            let uitleg = format!("{}{}", if veld.verplicht { "Verplicht. " } else { "" }, veld.uitleg);
            let mut dv = DataValidation::new().set_input_title(veld.kop)?.set_input_message(uitleg.chars().take(250).collect::<String>())?;
            if let Soort::Keuze(k) = veld.soort {
                dv = dv.allow_list_strings(k)?;
            }
            ws.add_data_validation(1, k, 1000, k, &dv)?;
        }
        for (i, r) in rijen.iter().enumerate() {
            let rij = i as u32 + 1;
            for (k, veld) in velden.iter().enumerate() {
                match pad(r, veld.sleutel) {
                    Some(w) => schrijf(ws, rij, k as u16, veld.soort, w, &o)?,
                    None => opmaak_leeg(ws, rij, k as u16, veld.soort, &o)?,
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(wb)
}

fn pad<'a>(v: &'a Value, pad: &str) -> Option<&'a Value> {
    let w = pad.split('.').try_fold(v, |v, k| v.get(k))?;
    (!w.is_null()).then_some(w)
}

/// Een lege cel krijgt alvast de opmaak van haar soort (tekst blijft tekst, zodat een 0 vooraan blijft staan).
fn opmaak_leeg(ws: &mut rust_xlsxwriter::Worksheet, rij: u32, k: u16, soort: Soort, o: &Opmaak) -> Result<(), XlsxError> {
    let f = match soort {
        Soort::Bedrag => &o.euro,
        Soort::Datum => &o.datum,
        Soort::Code | Soort::Lijst | Soort::Tijdstip => &o.tekst,
        _ => return Ok(()),
    };
    ws.write_blank(rij, k, f)?;
    Ok(())
}

fn schrijf(ws: &mut rust_xlsxwriter::Worksheet, rij: u32, k: u16, soort: Soort, w: &Value, o: &Opmaak) -> Result<(), XlsxError> {
    let fout = |wat: &str| XlsxError::ParameterError(format!("{wat} in de aanvraag is niet te schrijven: {w}"));
    match soort {
        Soort::Bedrag => {
            let b = w.as_str().and_then(|s| vhf_core::geld::Bedrag::parse(s).ok()).ok_or_else(|| fout("bedrag"))?;
            ws.write_number_with_format(rij, k, euro_getal(b.in_centen())?, &o.euro)?;
        }
        Soort::Aantal => {
            ws.write_number_with_format(rij, k, w.as_u64().ok_or_else(|| fout("aantal"))? as f64, &o.geheel)?;
        }
        Soort::Datum => {
            let d: jiff::civil::Date = w.as_str().and_then(|s| s.parse().ok()).ok_or_else(|| fout("datum"))?;
            ws.write_datetime_with_format(rij, k, excel_datum(d)?, &o.datum)?;
        }
        Soort::Lijst => {
            let delen: Vec<&str> = w.as_array().ok_or_else(|| fout("lijst"))?.iter().filter_map(Value::as_str).collect();
            ws.write_string_with_format(rij, k, delen.join(", "), &o.tekst)?;
        }
        Soort::Code | Soort::Tijdstip => {
            ws.write_string_with_format(rij, k, w.as_str().ok_or_else(|| fout("tekst"))?, &o.tekst)?;
        }
        Soort::Tekst | Soort::Keuze(_) => {
            ws.write_string(rij, k, w.as_str().ok_or_else(|| fout("tekst"))?)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bedragen_uit_getallen() {
        assert_eq!(bedrag_uit_getal(28_000_000.0).unwrap(), "28000000.00");
        assert_eq!(bedrag_uit_getal(0.1 + 0.2).unwrap(), "0.30");
        assert_eq!(bedrag_uit_getal(1234.56 * 1.0000000000000002).unwrap(), "1234.56");
        assert_eq!(bedrag_uit_getal(12.345).unwrap(), "12.345");
        assert_eq!(bedrag_uit_getal(-5.0).unwrap(), "-5.00");
        assert_eq!(bedrag_uit_getal(7_350_000.125).unwrap(), "7350000.125");
        assert_eq!(bedrag_uit_getal(99_999_999_999.99).unwrap(), "99999999999.99");
    }

    #[test]
    fn een_veld_vindt_de_cel_van_wat_het_omvat() {
        let mut plekken = BTreeMap::new();
        plekken.insert("deelplannen[0]".to_string(), Plek { blad: DEELPLANNEN, cel: "A2".into() });
        plekken.insert("deelplannen[0].deelgebied.pc4".to_string(), Plek { blad: DEELPLANNEN, cel: "D2".into() });
        let g = Gelezen { json: String::new(), plekken };
        assert_eq!(g.plek("deelplannen[0].deelgebied.pc4[2]").unwrap().cel, "D2");
        assert_eq!(g.plek("deelplannen[0].naam").unwrap().cel, "A2");
        assert!(g.plek("titel").is_none());
    }
}
