//! Formulieren op de pagina's: de velden zoals getypt (zodat een mislukte opslag niets kwijtraakt), de fouten
//! per veld met een overzicht bovenaan, en het lezen van bedragen en getallen zoals een Nederlandse ambtenaar ze
//! typt ("1.250.000", "€ 2.500,50").

use std::collections::BTreeMap;

/// De velden van een formulier (naam → waarde) en de fouten (veld → melding), in volgorde van het formulier.
#[derive(Default, Debug)]
pub struct Formulier {
    pub waarden: BTreeMap<String, String>,
    pub fouten: Vec<(String, String)>,
}

impl Formulier {
    pub fn uit_body(body: &[u8]) -> Formulier {
        let mut waarden = BTreeMap::new();
        for (k, v) in crate::server::identiteit::form_urlencoded(body) {
            waarden.insert(k, v);
        }
        Formulier { waarden, fouten: vec![] }
    }

    /// De waarde van een veld, bijgesneden; leeg als het ontbreekt.
    pub fn w(&self, naam: &str) -> &str {
        self.waarden.get(naam).map(|s| s.trim()).unwrap_or("")
    }

    pub fn zet(&mut self, naam: impl Into<String>, waarde: impl Into<String>) {
        self.waarden.insert(naam.into(), waarde.into());
    }

    pub fn fout(&mut self, veld: impl Into<String>, melding: impl Into<String>) {
        self.fouten.push((veld.into(), melding.into()));
    }

    /// De melding bij een veld, als er een is.
    pub fn fout_bij(&self, veld: &str) -> Option<&str> {
        self.fouten.iter().find(|(v, _)| v == veld).map(|(_, m)| m.as_str())
    }

    /// Aangevinkt (checkbox)?
    pub fn aan(&self, naam: &str) -> bool {
        !self.w(naam).is_empty()
    }

    /// Een bedrag als tekst met punt en twee decimalen (`"1250000.00"`), zoals het bestandsformaat het leest;
    /// leeg blijft `"0.00"`. Kan het niet, dan een fout bij het veld en de getypte tekst terug (de kern weigert
    /// die dan ook).
    pub fn bedrag(&mut self, naam: &str, label: &str) -> String {
        let t = self.w(naam).to_string();
        match bedrag_tekst(&t) {
            Some(b) => b,
            None => {
                self.fout(naam, format!("{label}: '{t}' is geen bedrag in euro's (bijvoorbeeld 1.250.000 of 2500,50)."));
                "0.00".into()
            }
        }
    }

    /// Een geheel getal ≥ 0 (woningen); leeg is 0.
    pub fn aantal(&mut self, naam: &str, label: &str) -> u64 {
        let t = self.w(naam).replace('.', "");
        if t.is_empty() {
            return 0;
        }
        t.parse().unwrap_or_else(|_| {
            let getypt = self.w(naam).to_string();
            self.fout(naam, format!("{label}: '{getypt}' is geen geheel aantal."));
            0
        })
    }
}

/// "1.250.000" / "1250000,5" / "€ 2.500,50" / "2500.50" → "1250000.00" enz. `None` als het geen bedrag is.
pub fn bedrag_tekst(t: &str) -> Option<String> {
    let t: String = t.chars().filter(|c| !c.is_whitespace() && *c != '€').collect();
    if t.is_empty() {
        return Some("0.00".into());
    }
    let genormaliseerd = if t.contains(',') {
        t.replace('.', "").replace(',', ".")
    } else if t.matches('.').count() > 1 || t.split('.').nth(1).is_some_and(|d| d.len() == 3) {
        // "1.250.000" of "12.500": punten zijn duizendtallen.
        t.replace('.', "")
    } else {
        t
    };
    let b = vhf_core::geld::Bedrag::parse(&genormaliseerd).ok()?;
    Some(serde_json::to_value(b).ok()?.as_str()?.to_string())
}

/// Een bedrag uit het bestandsformaat (`"1250000.00"`) zoals een mens het typt: `1.250.000,00`.
pub fn bedrag_invoer(b: vhf_core::geld::Bedrag) -> String {
    b.to_string().trim_start_matches("€ ").to_string()
}

#[cfg(test)]
mod tests {
    use super::bedrag_tekst;

    #[test]
    fn bedragen_zoals_ambtenaren_ze_typen() {
        for (in_, uit) in [
            ("1.250.000", "1250000.00"),
            ("€ 2.500,50", "2500.50"),
            ("2500.50", "2500.50"),
            ("12.500", "12500.00"),
            ("1250000", "1250000.00"),
            ("", "0.00"),
            ("0,5", "0.50"),
        ] {
            assert_eq!(bedrag_tekst(in_).as_deref(), Some(uit), "{in_}");
        }
        for fout in ["abc", "1,2,3", "-5", "1.2.3,4,5"] {
            assert_eq!(bedrag_tekst(fout), None, "{fout}");
        }
        assert_eq!(super::bedrag_invoer(vhf_core::geld::Bedrag::centen(125_000_050)), "1.250.000,50");
    }
}
