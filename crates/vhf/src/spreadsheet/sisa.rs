//! De SiSa-opgave als rekenblad: CSV (puntkomma of komma, UTF-8) of XLSX (het eerste blad). Eén regel per deelplan,
//! activiteit en eigendom; de bedragen en de eindverantwoording staan op de eerste regel van een deelplan (op de
//! volgende mogen ze leeg blijven of hetzelfde zijn). Zo exporteert een financieel systeem het, en zo vult een
//! ambtenaar het in. Het resultaat is dezelfde opgave als de JSON van de API (`vhf_core::uitvoering::
//! Deelplanopgave`), met dezelfde controles V01–V08 daarna; een fout noemt de regel, de kolom en (bij XLSX) de cel.
//!
//! Kolommen (kop op de eerste regel, volgorde vrij, hoofdletters en spaties maken niet uit):
//! `kenmerk`, `deelplan`, `besteed_dit_jaar`, `besteed_cumulatief`, `cofinanciering_cumulatief`,
//! `eindverantwoording` (ja/nee), `activiteit` (renovatie, transformatie, sloop_nieuwbouw, inponding,
//! openbare_ruimte), `eigendom` (eigenaar_bewoner, particuliere_verhuur, corporatie), `gestart`, `opgeleverd`.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};
use vhf_core::uitvoering::Deelplanopgave;

/// Een fout in het rekenblad: regel (1 = de kop), kolom, en bij XLSX de cel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regelfout {
    pub regel: usize,
    pub kolom: String,
    pub cel: Option<String>,
    pub melding: String,
}

impl std::fmt::Display for Regelfout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "regel {}", self.regel)?;
        if !self.kolom.is_empty() {
            write!(f, ", kolom {}", self.kolom)?;
        }
        if let Some(c) = &self.cel {
            write!(f, " (cel {c})")?;
        }
        write!(f, ": {}", self.melding)
    }
}

/// De kolommen van de opgave, in de volgorde van een nieuw blad.
pub const KOLOMMEN: [&str; 10] = [
    "kenmerk",
    "deelplan",
    "besteed_dit_jaar",
    "besteed_cumulatief",
    "cofinanciering_cumulatief",
    "eindverantwoording",
    "activiteit",
    "eigendom",
    "gestart",
    "opgeleverd",
];
const BEDRAGEN: [&str; 3] = ["besteed_dit_jaar", "besteed_cumulatief", "cofinanciering_cumulatief"];

/// Een cel als tekst, met waar ze staat.
struct Cel {
    tekst: String,
    /// Bij XLSX: `C4`.
    naam: Option<String>,
}

/// Leest de opgave uit CSV of XLSX (herkend aan de inhoud).
pub fn lees(bytes: &[u8]) -> Result<Vec<Deelplanopgave>, Vec<Regelfout>> {
    let rooster = if super::aanvraag::is_xlsx(bytes) { xlsx_rooster(bytes)? } else { csv_rooster(bytes)? };
    uit_rooster(rooster)
}

fn fout(regel: usize, kolom: &str, cel: Option<String>, melding: impl Into<String>) -> Regelfout {
    Regelfout { regel, kolom: kolom.into(), cel, melding: melding.into() }
}

fn csv_rooster(bytes: &[u8]) -> Result<Vec<Vec<Cel>>, Vec<Regelfout>> {
    let tekst = std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes))
        .map_err(|_| vec![fout(1, "", None, "het bestand is geen UTF-8-tekst; sla het op als CSV UTF-8 of als Excel-werkmap (.xlsx)")])?;
    let kop = tekst.lines().next().unwrap_or("");
    let scheiding = if kop.contains(';') { b';' } else { b',' };
    let mut uit = Vec::new();
    let mut r = csv::ReaderBuilder::new().has_headers(false).delimiter(scheiding).flexible(true).from_reader(tekst.as_bytes());
    for (i, rij) in r.records().enumerate() {
        let rij = rij.map_err(|e| vec![fout(i + 1, "", None, format!("niet te lezen als CSV: {e}"))])?;
        uit.push(rij.iter().map(|t| Cel { tekst: t.trim().to_string(), naam: None }).collect());
    }
    Ok(uit)
}

fn xlsx_rooster(bytes: &[u8]) -> Result<Vec<Vec<Cel>>, Vec<Regelfout>> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| vec![fout(1, "", None, format!("dit is geen leesbaar XLSX-bestand ({e}); sla het op als Excel-werkmap (.xlsx)"))])?;
    let blad = wb.sheet_names().first().cloned().ok_or_else(|| vec![fout(1, "", None, "de werkmap heeft geen blad")])?;
    let bereik = wb.worksheet_range(&blad).map_err(|e| vec![fout(1, "", None, format!("blad {blad} is niet te lezen: {e}"))])?;
    let (r0, k0) = bereik.start().unwrap_or((0, 0));
    let mut uit = Vec::new();
    for (i, rij) in bereik.rows().enumerate() {
        let r = r0 + u32::try_from(i).unwrap_or(u32::MAX);
        uit.push(
            rij.iter()
                .enumerate()
                .map(|(j, d)| {
                    let k = k0 + u32::try_from(j).unwrap_or(u32::MAX);
                    let tekst = match d {
                        Data::String(s) => s.trim().to_string(),
                        // Een getal: bedragen op hele centen (rekenruis van een formule weg), aantallen als geheel getal.
                        Data::Float(f) => getal(*f),
                        Data::Int(n) => n.to_string(),
                        Data::Bool(b) => if *b { "ja" } else { "nee" }.to_string(),
                        Data::Empty => String::new(),
                        other => other.to_string(),
                    };
                    Cel { tekst, naam: Some(super::celnaam(r, k)) }
                })
                .collect(),
        );
    }
    if uit.iter().all(|r: &Vec<Cel>| r.iter().all(|c| c.tekst.is_empty())) {
        return Err(vec![fout(1, "", None, format!("blad {blad} is leeg"))]);
    }
    // Regels tellen vanaf de eerste regel van het blad, zoals Excel ze nummert.
    let mut met_lege_kop: Vec<Vec<Cel>> = (0..r0).map(|_| Vec::new()).collect();
    met_lege_kop.extend(uit);
    Ok(met_lege_kop)
}

/// Een getal uit een cel als tekst zoals een ambtenaar het typt: een geheel getal zonder decimalen, een bedrag op
/// hele centen met komma (rekenruis van een formule als `=A1*0,7` weg); meer decimalen blijven staan, zodat de
/// lezer zegt dat het er te veel zijn.
fn getal(f: f64) -> String {
    if !f.is_finite() {
        return format!("{f}");
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let centen = (f * 100.0).round();
    if (f * 100.0 - centen).abs() <= (f.abs() * 100.0 * 1e-12).max(1e-6) && centen.abs() < 9.0e15 {
        let c = centen as i64;
        return format!("{}{},{:02}", if c < 0 { "-" } else { "" }, (c / 100).abs(), (c % 100).abs());
    }
    format!("{f}").replace('.', ",")
}

fn kopnaam(t: &str) -> String {
    t.trim().to_lowercase().replace([' ', '-'], "_")
}

fn code(t: &str) -> String {
    t.trim().to_lowercase().replace([' ', '-'], "_")
}

/// Wat er van één deelplan gelezen is: de velden, de woningregels en de eerste regel waarop het staat.
type Deelplanregels = (serde_json::Map<String, Value>, Vec<Value>, usize);

fn uit_rooster(rooster: Vec<Vec<Cel>>) -> Result<Vec<Deelplanopgave>, Vec<Regelfout>> {
    // De kop: de eerste regel die niet leeg is.
    let Some(kopregel) = rooster.iter().position(|r| r.iter().any(|c| !c.tekst.is_empty())) else {
        return Err(vec![fout(1, "", None, "het bestand is leeg")]);
    };
    let mut plek: BTreeMap<&str, usize> = BTreeMap::new();
    let mut fouten = Vec::new();
    for (j, c) in rooster[kopregel].iter().enumerate() {
        let naam = kopnaam(&c.tekst);
        if naam.is_empty() {
            continue;
        }
        match KOLOMMEN.iter().find(|k| **k == naam) {
            Some(k) => {
                plek.insert(k, j);
            }
            None => {
                fouten.push(fout(kopregel + 1, &c.tekst, c.naam.clone(), format!("onbekende kolom '{}'; de kolommen zijn: {}", c.tekst, KOLOMMEN.join(", "))))
            }
        }
    }
    for k in ["kenmerk", "deelplan", "besteed_dit_jaar", "besteed_cumulatief"] {
        if !plek.contains_key(k) {
            fouten.push(fout(kopregel + 1, k, None, format!("de kolom {k} ontbreekt in de kop")));
        }
    }
    if !fouten.is_empty() {
        return Err(fouten);
    }
    // Per deelplan (in volgorde van eerste voorkomen): de velden en de woningregels.
    let mut volgorde: Vec<(String, String)> = Vec::new();
    let mut deelplannen: BTreeMap<(String, String), Deelplanregels> = BTreeMap::new();
    for (i, rij) in rooster.iter().enumerate().skip(kopregel + 1) {
        let regel = i + 1;
        let cel = |k: &str| plek.get(k).and_then(|j| rij.get(*j));
        let tekst = |k: &str| cel(k).map(|c| c.tekst.as_str()).unwrap_or("");
        let naam = |k: &str| cel(k).and_then(|c| c.naam.clone());
        if rij.iter().all(|c| c.tekst.is_empty()) {
            continue;
        }
        let sleutel = (tekst("kenmerk").to_string(), tekst("deelplan").to_string());
        if sleutel.0.is_empty() || sleutel.1.is_empty() {
            fouten.push(fout(
                regel,
                if sleutel.0.is_empty() { "kenmerk" } else { "deelplan" },
                naam(if sleutel.0.is_empty() { "kenmerk" } else { "deelplan" }),
                "vul kenmerk en deelplan in op elke regel",
            ));
            continue;
        }
        let nieuw = !deelplannen.contains_key(&sleutel);
        if nieuw {
            volgorde.push(sleutel.clone());
        }
        let (velden, woningen, _) = deelplannen.entry(sleutel.clone()).or_insert_with(|| (serde_json::Map::new(), Vec::new(), regel));
        for k in BEDRAGEN {
            let t = tekst(k);
            if t.is_empty() {
                continue;
            }
            let Some(b) = crate::web::formulier::bedrag_tekst(t) else {
                fouten.push(fout(regel, k, naam(k), format!("'{t}' is geen bedrag in euro's met hoogstens twee decimalen (bijvoorbeeld 1250000,00)")));
                continue;
            };
            match velden.get(k) {
                Some(Value::String(eerder)) if *eerder != b => {
                    fouten.push(fout(
                        regel,
                        k,
                        naam(k),
                        format!("{} {k} is {t}, maar op een eerdere regel van dit deelplan {eerder}; één bedrag per deelplan", sleutel.0),
                    ));
                }
                _ => {
                    velden.insert(k.to_string(), json!(b));
                }
            }
        }
        let e = code(tekst("eindverantwoording"));
        if !e.is_empty() {
            let waarde = match e.as_str() {
                "ja" | "j" | "true" | "waar" | "1" | "x" => true,
                "nee" | "n" | "false" | "onwaar" | "0" => false,
                _ => {
                    fouten.push(fout(regel, "eindverantwoording", naam("eindverantwoording"), format!("'{}': vul ja of nee in", tekst("eindverantwoording"))));
                    false
                }
            };
            if velden.get("eindverantwoording").is_some_and(|v| *v != json!(waarde)) {
                fouten.push(fout(regel, "eindverantwoording", naam("eindverantwoording"), "op een eerdere regel van dit deelplan staat iets anders"));
            }
            velden.insert("eindverantwoording".into(), json!(waarde));
        }
        let (a, g) = (code(tekst("activiteit")), code(tekst("eigendom")));
        let (gestart, opgeleverd) = (tekst("gestart"), tekst("opgeleverd"));
        if a.is_empty() && g.is_empty() && gestart.is_empty() && opgeleverd.is_empty() {
            continue;
        }
        let mut w = serde_json::Map::new();
        let mut goed = true;
        for (k, v) in [("activiteit", &a), ("eigendom", &g)] {
            let bekend = match k {
                "activiteit" => serde_json::from_value::<vhf_core::aanvraag::Activiteit>(json!(v)).is_ok(),
                _ => serde_json::from_value::<vhf_core::uitvoering::Eigendom>(json!(v)).is_ok(),
            };
            if v.is_empty() {
                fouten.push(fout(regel, k, naam(k), format!("vul {k} in bij woningen (of laat de hele woningregel leeg)")));
                goed = false;
            } else if !bekend {
                let keuze = if k == "activiteit" {
                    "renovatie, transformatie, sloop_nieuwbouw, inponding, openbare_ruimte"
                } else {
                    "eigenaar_bewoner, particuliere_verhuur, corporatie"
                };
                fouten.push(fout(regel, k, naam(k), format!("onbekende {k} '{}' (kies uit {keuze})", tekst(k))));
                goed = false;
            }
            w.insert(k.into(), json!(v));
        }
        for k in ["gestart", "opgeleverd"] {
            let t = tekst(k);
            match t.parse::<u32>() {
                Ok(n) => {
                    w.insert(k.into(), json!(n));
                }
                Err(_) if t.is_empty() => {
                    w.insert(k.into(), json!(0));
                }
                Err(_) => fouten.push(fout(regel, k, naam(k), format!("'{t}' is geen aantal woningen (een geheel getal, 0 of meer)"))),
            }
        }
        if goed {
            woningen.push(Value::Object(w));
        }
    }
    if volgorde.is_empty() && fouten.is_empty() {
        fouten.push(fout(kopregel + 2, "", None, "onder de kop staat geen enkel deelplan"));
    }
    let mut uit = Vec::new();
    for sleutel in volgorde {
        let (mut velden, woningen, regel) = deelplannen.remove(&sleutel).unwrap_or_default();
        for k in ["besteed_dit_jaar", "besteed_cumulatief"] {
            // Een onleesbaar bedrag meldden we al bij zijn cel; dan niet nog eens "ontbreekt".
            if !velden.contains_key(k) && !fouten.iter().any(|f| f.kolom == k) {
                fouten.push(fout(regel, k, None, format!("{} {}: {k} ontbreekt (vul het in op de eerste regel van het deelplan)", sleutel.0, sleutel.1)));
            }
        }
        velden.insert("kenmerk".into(), json!(sleutel.0));
        velden.insert("deelplan".into(), json!(sleutel.1));
        velden.insert("woningen".into(), Value::Array(woningen));
        match serde_json::from_value::<Deelplanopgave>(Value::Object(velden)) {
            Ok(o) => uit.push(o),
            Err(e) if fouten.is_empty() => fouten.push(fout(regel, "", None, vhf_core::melding::nederlands(&e.to_string()))),
            Err(_) => {}
        }
    }
    if fouten.is_empty() { Ok(uit) } else { Err(fouten) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_met_puntkomma_en_nederlandse_bedragen() {
        let csv = "Kenmerk;Deelplan;Besteed dit jaar;Besteed cumulatief;Cofinanciering cumulatief;Eindverantwoording;Activiteit;Eigendom;Gestart;Opgeleverd\n\
                   ZAANSTAD-2021-01;DP1;1.250.000,00;1.250.000,00;250.000;nee;renovatie;eigenaar_bewoner;12;0\n\
                   ZAANSTAD-2021-01;DP1;;;;;sloop nieuwbouw;corporatie;30;4\n\
                   ZAANSTAD-2021-01;DP2;0;0;0;nee;;;;\n";
        let o = lees(csv.as_bytes()).unwrap();
        assert_eq!(o.len(), 2);
        assert_eq!(o[0].besteed_cumulatief.to_string(), "€ 1.250.000,00");
        assert_eq!(o[0].woningen.len(), 2);
        assert_eq!((o[0].gestart(), o[0].opgeleverd()), (42, 4));
        assert!(o[1].woningen.is_empty() && !o[1].eindverantwoording);
    }

    #[test]
    fn fouten_noemen_regel_en_kolom() {
        let csv = "kenmerk,deelplan,besteed_dit_jaar,besteed_cumulatief,activiteit,eigendom,gestart,opgeleverd,kleur\n\
                   Z,DP1,12x,10,renovatie,eigenaar_bewoner,3,1\n";
        let f = lees(csv.as_bytes()).unwrap_err();
        assert!(f[0].to_string().contains("onbekende kolom 'kleur'"), "{f:?}");
        let csv = "kenmerk,deelplan,besteed_dit_jaar,besteed_cumulatief,activiteit,eigendom,gestart,opgeleverd\n\
                   Z,DP1,12x,10,renovatie,eigenaar_bewoner,drie,1\n\
                   Z,DP1,5,10,renovatie,kasteel,3,1\n";
        let f: Vec<String> = lees(csv.as_bytes()).unwrap_err().iter().map(ToString::to_string).collect();
        assert!(f.iter().any(|x| x.starts_with("regel 2, kolom besteed_dit_jaar: '12x' is geen bedrag")), "{f:?}");
        assert!(f.iter().any(|x| x.starts_with("regel 2, kolom gestart: 'drie'")), "{f:?}");
        assert!(f.iter().any(|x| x.starts_with("regel 3, kolom eigendom")), "{f:?}");
        let f = lees(b"kenmerk,deelplan\nZ,DP1\n").unwrap_err();
        assert!(f.iter().any(|x| x.melding.contains("besteed_dit_jaar ontbreekt in de kop")), "{f:?}");
    }

    #[test]
    fn xlsx_met_cellen() {
        use super::super::{Cel as C, Tabel, naar_xlsx};
        let kop: Vec<String> = KOLOMMEN.iter().map(|k| k.to_string()).collect();
        let t = Tabel {
            blad: "SiSa".into(),
            titel: String::new(),
            kolommen: kop,
            onderschrift: vec![],
            rijen: vec![
                vec![
                    C::Tekst("Z".into()),
                    C::Tekst("DP1".into()),
                    C::Euro(10_000_000),
                    C::Euro(10_000_000),
                    C::Euro(0),
                    C::Tekst("ja".into()),
                    C::Tekst("renovatie".into()),
                    C::Tekst("corporatie".into()),
                    C::Geheel(5),
                    C::Geheel(5),
                ],
                vec![
                    C::Tekst("Z".into()),
                    C::Tekst("DP2".into()),
                    C::Tekst("veel".into()),
                    C::Euro(0),
                    C::Euro(0),
                    C::Tekst("nee".into()),
                    C::Leeg,
                    C::Leeg,
                    C::Leeg,
                    C::Leeg,
                ],
            ],
        };
        let f = lees(&naar_xlsx(&[t]).unwrap()).unwrap_err();
        assert_eq!(f.len(), 1, "{f:?}");
        // De regel is die van Excel (boven de kop staat de titel van het blad): cel C4 is regel 4.
        assert_eq!((f[0].regel, f[0].kolom.as_str(), f[0].cel.as_deref()), (4, "besteed_dit_jaar", Some("C4")), "{f:?}");
        assert!(f[0].melding.contains("'veel' is geen bedrag"), "{f:?}");
    }
}
