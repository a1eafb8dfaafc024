//! Een aanvraag inlezen uit JSON, met een fout die regel, kolom en veld noemt.

use std::fmt;

use serde::Serialize;

use crate::aanvraag::Aanvraag;

/// Grootste aanvraagbestand dat we lezen (16 MiB). Een echte aanvraag is kilobytes; dit begrenst geheugen en tijd.
pub const MAX_BESTANDSGROOTTE: usize = 16 * 1024 * 1024;

/// Waarom een bestand geen leesbare aanvraag is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Invoerfout {
    /// Regel in het bestand (vanaf 1), als bekend.
    pub regel: Option<usize>,
    pub kolom: Option<usize>,
    /// Pad naar het veld, zoals `deelplannen[0].deelgebied.pc4[2]`.
    pub veld: Option<String>,
    /// Wat er mis is, in het Nederlands.
    pub melding: String,
}

impl fmt::Display for Invoerfout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(r) = self.regel {
            write!(f, "regel {r}")?;
            if let Some(k) = self.kolom {
                write!(f, ", kolom {k}")?;
            }
            f.write_str(": ")?;
        }
        if let Some(v) = &self.veld {
            write!(f, "veld {v}: ")?;
        }
        f.write_str(&self.melding)
    }
}

impl std::error::Error for Invoerfout {}

/// Leest een aanvraag. Vorm en waarden worden bij het lezen gecontroleerd (bedragen, codes, labels);
/// of de aanvraag aan de regeling voldoet, zegt daarna de toetsing.
pub fn lees_aanvraag(tekst: &str) -> Result<Aanvraag, Invoerfout> {
    if tekst.len() > MAX_BESTANDSGROOTTE {
        return Err(Invoerfout {
            regel: None,
            kolom: None,
            veld: None,
            melding: format!("het bestand is groter dan {} MiB", MAX_BESTANDSGROOTTE / 1024 / 1024),
        });
    }
    if tekst.trim().is_empty() {
        return Err(Invoerfout { regel: None, kolom: None, veld: None, melding: "het bestand is leeg".into() });
    }
    // Eerst zonder het bijhouden van het pad (dat kost bij elke waarde werk); alleen als dat mislukt, lezen we
    // opnieuw met het pad, voor de foutmelding. Beide lezen dezelfde tekst met dezelfde typen, dus ze slagen of
    // falen samen, en bij succes is de aanvraag dezelfde.
    let aanvraag: Aanvraag = match serde_json::from_str(tekst) {
        Ok(a) => a,
        Err(_) => lees_met_pad(tekst)?,
    };
    controleer(tekst, aanvraag)
}

/// Leest met het pad naar het veld, voor een foutmelding die regel, kolom en veld noemt.
fn lees_met_pad(tekst: &str) -> Result<Aanvraag, Invoerfout> {
    let mut de = serde_json::Deserializer::from_str(tekst);
    let aanvraag: Aanvraag = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        // Bij een fout in een waarde meldt de JSON-lezer de plek waar hij ophield (soms pas aan het einde van
        // de lijst); we zoeken de waarde zelf op via het pad, zodat de regel wijst waar de fout staat.
        let plek = match e.inner().classify() {
            serde_json::error::Category::Data => positie::van_pad(tekst, e.path()),
            _ => None,
        };
        // Bij een syntaxisfout weet de lezer de naam van het laatste veld nog niet ("contactpersoon.?").
        let pad = e.path().to_string().trim_end_matches(".?").trim_end_matches('?').to_string();
        let inner = e.into_inner();
        let (regel, kolom) = plek.unwrap_or((inner.line(), inner.column()));
        Invoerfout {
            regel: (regel > 0).then_some(regel),
            kolom: (kolom > 0).then_some(kolom),
            veld: (pad != "." && !pad.is_empty()).then_some(pad),
            melding: vertaal(&inner),
        }
    })?;
    de.end().map_err(|e| Invoerfout { regel: Some(e.line()), kolom: Some(e.column()), veld: None, melding: "na de aanvraag staat nog tekst".into() })?;
    Ok(aanvraag)
}

/// Wat na het lezen nog gecontroleerd wordt: de grenzen van het schema en de ronde.
fn controleer(tekst: &str, aanvraag: Aanvraag) -> Result<Aanvraag, Invoerfout> {
    if let Err((pad, melding)) = vorm(&aanvraag) {
        let (regel, kolom) = positie::van_stappen(tekst, &pad).unzip();
        return Err(Invoerfout {
            regel,
            kolom,
            veld: Some(pad.iter().map(ToString::to_string).collect::<String>().trim_start_matches('.').to_string()),
            melding,
        });
    }
    if crate::regeling::Ronde::zoek(&aanvraag.ronde).is_none() {
        let (regel, kolom) = positie::van_veld(tekst, "ronde").unzip();
        let bekend: Vec<_> = crate::regeling::Ronde::ingebouwd().iter().map(|r| format!("\"{}\"", r.id)).collect();
        return Err(Invoerfout {
            regel,
            kolom,
            veld: Some("ronde".into()),
            melding: format!("onbekende ronde \"{}\"; bekend zijn: {}", aanvraag.ronde, bekend.join(", ")),
        });
    }
    Ok(aanvraag)
}

/// Een stap in het pad naar een veld: `.naam` of `[3]`.
#[derive(Clone, Debug)]
enum Stap {
    Veld(&'static str),
    Plek(usize),
}

impl fmt::Display for Stap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stap::Veld(v) => write!(f, ".{v}"),
            Stap::Plek(i) => write!(f, "[{i}]"),
        }
    }
}

/// De grenzen die het JSON Schema (`schema/aanvraag.schema.json`, uit de `#[schemars(…)]`-attributen van
/// `aanvraag.rs`) stelt en die het type zelf niet al afdwingt: lengtes van teksten, aantallen in lijsten en
/// maxima van aantallen. Het schema is de bron: de test `het_schema_en_de_lezer_zijn_het_eens` leidt uit het
/// schema elke grens af, overtreedt haar in een voorbeeld en eist dat deze lezer weigert, op dat veld.
fn vorm(a: &Aanvraag) -> Result<(), (Vec<Stap>, String)> {
    use Stap::{Plek, Veld};
    fn tekst(pad: &[Stap], waarde: &str, min: usize, max: Option<usize>) -> Result<(), (Vec<Stap>, String)> {
        let n = waarde.chars().count();
        if n < min {
            return Err((pad.to_vec(), if min == 1 { "mag niet leeg zijn".into() } else { format!("is {n} tekens; ten minste {min}") }));
        }
        if let Some(max) = max.filter(|m| n > *m) {
            return Err((pad.to_vec(), format!("is {n} tekens lang; hoogstens {max}")));
        }
        Ok(())
    }
    fn lijst<T>(pad: &[Stap], v: &[T], wat: &str) -> Result<(), (Vec<Stap>, String)> {
        if v.is_empty() { Err((pad.to_vec(), format!("ten minste één {wat} nodig"))) } else { Ok(()) }
    }
    tekst(&[Veld("kenmerk")], &a.kenmerk, 1, Some(64))?;
    tekst(&[Veld("titel")], &a.titel, 1, None)?;
    lijst(&[Veld("aanvragers")], &a.aanvragers, "aanvragende gemeente")?;
    lijst(&[Veld("deelplannen")], &a.deelplannen, "deelplan")?;
    for (i, d) in a.deelplannen.iter().enumerate() {
        tekst(&[Veld("deelplannen"), Plek(i), Veld("id")], &d.id, 1, Some(32))?;
        lijst(&[Veld("deelplannen"), Plek(i), Veld("maatregelen")], &d.maatregelen, "maatregel")?;
        for (j, m) in d.maatregelen.iter().enumerate() {
            tekst(&[Veld("deelplannen"), Plek(i), Veld("maatregelen"), Plek(j), Veld("id")], &m.id, 1, Some(32))?;
            for (veld, n) in [
                ("eigenaar_bewoner", m.woningen.eigenaar_bewoner),
                ("particuliere_verhuur", m.woningen.particuliere_verhuur),
                ("corporatie", m.woningen.corporatie),
            ] {
                if n > crate::aanvraag::MAX_WONINGEN {
                    return Err((
                        vec![Veld("deelplannen"), Plek(i), Veld("maatregelen"), Plek(j), Veld("woningen"), Veld(veld)],
                        format!("{n} woningen in één maatregel; hoogstens {}", crate::aanvraag::MAX_WONINGEN),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// De melding van de JSON-lezer in het Nederlands ([`crate::melding::nederlands`]); bij een fout in de
/// syntaxis zeggen we erbij dat het bestand geen geldige JSON is.
fn vertaal(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let nl = crate::melding::nederlands(&e.to_string());
    match e.classify() {
        Category::Syntax => format!("geen geldige JSON: {nl}"),
        Category::Io => format!("lezen mislukt: {nl}"),
        Category::Eof | Category::Data => nl,
    }
}

/// Zoekt in JSON-tekst de plek (regel, kolom) van de waarde op een pad. Alleen voor foutmeldingen: lineair in
/// de lengte van de tekst, zonder recursie buiten de lengte van het pad.
mod positie {
    use serde_path_to_error::{Path, Segment};

    pub fn van_pad(tekst: &str, pad: &Path) -> Option<(usize, usize)> {
        let b = tekst.as_bytes();
        let mut i = 0;
        for seg in pad.iter() {
            i = spatie(b, i);
            i = match seg {
                Segment::Map { key } => in_object(b, i, key)?,
                Segment::Seq { index } => in_lijst(b, i, *index)?,
                _ => return None,
            };
        }
        Some(regel_kolom(tekst, i))
    }

    /// De plek van de waarde op een pad van [`super::Stap`]pen.
    pub fn van_stappen(tekst: &str, pad: &[super::Stap]) -> Option<(usize, usize)> {
        let b = tekst.as_bytes();
        let mut i = 0;
        for stap in pad {
            i = spatie(b, i);
            i = match stap {
                super::Stap::Veld(k) => in_object(b, i, k)?,
                super::Stap::Plek(n) => in_lijst(b, i, *n)?,
            };
        }
        Some(regel_kolom(tekst, i))
    }

    /// De plek van een veld op het hoogste niveau.
    pub fn van_veld(tekst: &str, veld: &str) -> Option<(usize, usize)> {
        let b = tekst.as_bytes();
        in_object(b, spatie(b, 0), veld).map(|i| regel_kolom(tekst, i))
    }

    fn regel_kolom(tekst: &str, i: usize) -> (usize, usize) {
        let b = tekst.as_bytes();
        let i = spatie(b, i);
        let voor = &tekst[..i.min(tekst.len())];
        let regel = voor.matches('\n').count() + 1;
        let kolom = voor.rsplit('\n').next().map_or(0, |r| r.chars().count()) + 1;
        (regel, kolom)
    }

    fn spatie(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    }

    /// Einde van een tekst die op `i` begint (na het sluitende aanhalingsteken).
    fn tekst_einde(b: &[u8], mut i: usize) -> Option<usize> {
        i += 1;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    }

    /// Slaat één waarde over.
    fn over(b: &[u8], i: usize) -> Option<usize> {
        let mut i = spatie(b, i);
        match b.get(i)? {
            b'"' => tekst_einde(b, i),
            b'{' | b'[' => {
                let mut diepte = 0usize;
                while i < b.len() {
                    match b[i] {
                        b'"' => {
                            i = tekst_einde(b, i)?;
                            continue;
                        }
                        b'{' | b'[' => diepte += 1,
                        b'}' | b']' => {
                            diepte -= 1;
                            if diepte == 0 {
                                return Some(i + 1);
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                None
            }
            _ => {
                while i < b.len() && !matches!(b[i], b',' | b'}' | b']') && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                Some(i)
            }
        }
    }

    fn in_object(b: &[u8], i: usize, sleutel: &str) -> Option<usize> {
        if b.get(i) != Some(&b'{') {
            return None;
        }
        let mut i = i + 1;
        loop {
            i = spatie(b, i);
            if *b.get(i)? != b'"' {
                return None;
            }
            let einde = tekst_einde(b, i)?;
            let naam = std::str::from_utf8(&b[i + 1..einde - 1]).ok()?;
            i = spatie(b, einde);
            if *b.get(i)? != b':' {
                return None;
            }
            i = spatie(b, i + 1);
            if naam == sleutel {
                return Some(i);
            }
            i = spatie(b, over(b, i)?);
            match b.get(i)? {
                b',' => i += 1,
                _ => return None,
            }
        }
    }

    fn in_lijst(b: &[u8], i: usize, index: usize) -> Option<usize> {
        if b.get(i) != Some(&b'[') {
            return None;
        }
        let mut i = spatie(b, i + 1);
        for _ in 0..index {
            i = spatie(b, over(b, i)?);
            if *b.get(i)? != b',' {
                return None;
            }
            i = spatie(b, i + 1);
        }
        Some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOED: &str = include_str!("../../../examples/zaanstad-poelenburg-peldersveld.json");

    fn fout(tekst: &str) -> Invoerfout {
        lees_aanvraag(tekst).expect_err("hoort te falen")
    }

    #[test]
    fn een_goede_aanvraag_wordt_gelezen() {
        let a = lees_aanvraag(GOED).unwrap();
        assert_eq!(a.ronde, "vhf-2021");
    }

    /// Slechte invoer: elk geval noemt veld en regel, en een melding die zegt wat er mis is.
    #[test]
    fn slechte_invoer_geeft_een_precieze_fout() {
        let gevallen: &[(&str, &str, &str, &str)] = &[
            // (omschrijving, vervang dit, door dit, verwacht in de fout)
            ("onbekende gemeente", "\"GM0479\"", "\"GM9999\"", "GM9999 is onbekend"),
            ("PC4 met 5 cijfers", "\"1504\"", "\"12345\"", "E04: '12345'"),
            ("negatieve kosten", "\"kosten\": \"28000000.00\"", "\"kosten\": \"-28000000.00\"", "negatief"),
            ("label Z", "\"label_na\": \"B\"", "\"label_na\": \"Z\"", "'Z' is geen energielabel"),
            ("drie decimalen", "\"kosten\": \"28000000.00\"", "\"kosten\": \"28000000.005\"", "meer dan 2 decimalen"),
            ("bedrag als getal", "\"kosten\": \"28000000.00\"", "\"kosten\": 28000000", "verkeerd soort waarde"),
            ("onbekende activiteit", "\"activiteit\": \"renovatie\"", "\"activiteit\": \"verbouwing\"", "onbekende waarde \"verbouwing\""),
            ("tikfout in veldnaam", "\"opbrengsten\"", "\"opbrengst\"", "onbekend veld"),
        ];
        for (wat, oud, nieuw, verwacht) in gevallen {
            assert!(GOED.contains(oud), "{wat}: voorbeeld bevat {oud} niet");
            let tekst = GOED.replacen(oud, nieuw, 1);
            let e = fout(&tekst);
            assert!(e.to_string().contains(verwacht), "{wat}: {e}");
            assert!(e.regel.is_some(), "{wat}: geen regelnummer in {e}");
            assert!(e.veld.is_some(), "{wat}: geen veld in {e}");
            // De regel klopt: de vervangen tekst staat op die regel (of de regel ervoor, bij een veldnaam).
            let r = e.regel.unwrap();
            let regels: Vec<&str> = tekst.lines().collect();
            assert!(regels[r - 1].contains(nieuw.split(':').next().unwrap().trim()), "{wat}: regel {r} is '{}'", regels[r - 1]);
        }
    }

    #[test]
    fn kapotte_json_en_ontbrekende_velden() {
        let e = fout("{\n  \"kenmerk\": \"X\",\n  \"ronde\": ");
        assert!(e.melding.contains("het bestand houdt midden in een waarde op"), "{e}");
        let e = fout("{\n  \"kenmerk\": \"X\" \"ronde\": 1 }");
        assert!(e.melding.contains("geen geldige JSON") && e.regel == Some(2), "{e}");
        let e = fout("{\"kenmerk\": \"X\"}");
        assert!(e.melding.contains("het veld `ronde` ontbreekt"), "{e}");
        let e = fout("[]");
        assert!(e.melding.contains("verkeerd soort waarde"), "{e}");
        let e = fout(&format!("{GOED} x"));
        assert!(e.melding.contains("nog tekst"), "{e}");
        let e = fout("");
        assert_eq!(e.melding, "het bestand is leeg");
        let e = fout("{\n  \"contactpersoon\": {\"naam\": \"J\" \"email\": \"x\"}}");
        assert_eq!((e.regel, e.veld.as_deref()), (Some(2), Some("contactpersoon")), "{e}");
        assert!(e.melding.contains("hier hoort een komma of het einde van het object"), "{e}");
    }

    #[test]
    fn een_onbekende_ronde_noemt_de_bekende() {
        let e = fout(&GOED.replacen("\"vhf-2021\"", "\"vhf-2022\"", 1));
        assert_eq!(e.veld.as_deref(), Some("ronde"));
        assert_eq!(e.regel, Some(3));
        assert!(e.melding.contains("\"vhf-2022\"") && e.melding.contains("\"vhf-2023\""), "{e}");
    }

    #[test]
    fn veldpad_wijst_het_element_aan() {
        let e = fout(&GOED.replacen("\"1504\"", "\"0999\"", 1));
        assert!(e.veld.as_deref().unwrap().starts_with("deelplannen[0].deelgebied.pc4["), "{e}");
    }
}
