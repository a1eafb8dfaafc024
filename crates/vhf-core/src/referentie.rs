//! Referentiegegevens: de gemeenten van de CBS-indeling 2021 en de prioriteitslijsten.
//!
//! De bestanden staan in `data/` (met herkomst en bronvermelding in `data/README.md`) en worden bij het
//! bouwen in het programma opgenomen. Ze zijn gegevens, geen code: een correctie is een wijziging in het
//! CSV-bestand, niet in de logica. Bron van de gemeentegrenzen en -codes: Kadaster / CBS.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::codes::GemeenteCode;

const GEMEENTEN_2021: &str = include_str!("../../../data/gemeenten_2021.csv");
const PRIORITEITSGEBIEDEN: &str = include_str!("../../../data/priority_areas.csv");

#[derive(Clone, Debug, Serialize)]
pub struct Gemeente {
    pub code: GemeenteCode,
    pub naam: String,
}

/// Soort prioriteitsgebied, zoals in `data/priority_areas.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GebiedSoort {
    /// Een deel van één stad; het deelgebied moet erin liggen (de aanvrager verklaart, de behandelaar bevestigt).
    StedelijkVernieuwingsgebied,
    /// Idem, op de lijst van het Nationaal Programma Leefbaarheid en Veiligheid (vanaf 2023).
    StedelijkFocusgebied,
    /// Een hele regio: elke genoemde gemeente ligt er helemaal in.
    GrensKrimpregio,
}

impl GebiedSoort {
    pub fn is_stedelijk(self) -> bool {
        !matches!(self, GebiedSoort::GrensKrimpregio)
    }

    pub fn omschrijving(self) -> &'static str {
        match self {
            GebiedSoort::StedelijkVernieuwingsgebied => "stedelijk vernieuwingsgebied",
            GebiedSoort::StedelijkFocusgebied => "stedelijk focusgebied",
            GebiedSoort::GrensKrimpregio => "grens- of krimpregio",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Prioriteitsgebied {
    pub id: String,
    pub naam: String,
    pub soort: GebiedSoort,
    /// De gemeenten in het gebied, met de zekerheid van dat lidmaatschap (`seed`, `high`, `medium`, `low`, `secondary`).
    pub gemeenten: BTreeMap<GemeenteCode, String>,
}

#[derive(Debug)]
pub struct Referentie {
    gemeenten: BTreeMap<GemeenteCode, Gemeente>,
    /// lijst (`vhf2021`, `nplv2022`) → gebied-id → gebied
    lijsten: BTreeMap<String, BTreeMap<String, Prioriteitsgebied>>,
    /// lijst → gemeente → de grens- of krimpregio waarin ze helemaal ligt (afgeleid, voor snel opzoeken)
    regios: BTreeMap<String, BTreeMap<GemeenteCode, String>>,
}

#[derive(Deserialize)]
struct GemeenteRij {
    code: String,
    name: String,
}

#[derive(Deserialize)]
struct GebiedRij {
    list: String,
    area_id: String,
    area_name: String,
    kind: GebiedSoort,
    gemeente_code: String,
    #[allow(dead_code)]
    gemeente_name: String,
    confidence: String,
}

static INGEBOUWD: LazyLock<Referentie> =
    LazyLock::new(|| Referentie::lees(GEMEENTEN_2021, PRIORITEITSGEBIEDEN).expect("ingebouwde referentiegegevens zijn geldig (getest)"));

impl Referentie {
    /// De referentiegegevens die in het programma zijn opgenomen.
    pub fn ingebouwd() -> &'static Referentie {
        &INGEBOUWD
    }

    /// Leest gemeenten en prioriteitsgebieden uit CSV-tekst; een fout noemt de regel.
    pub fn lees(gemeenten_csv: &str, gebieden_csv: &str) -> Result<Referentie, String> {
        let mut gemeenten = BTreeMap::new();
        for (i, rij) in csv::Reader::from_reader(gemeenten_csv.as_bytes()).deserialize::<GemeenteRij>().enumerate() {
            let rij = rij.map_err(|e| format!("gemeenten_2021.csv regel {}: {e}", i + 2))?;
            let code = GemeenteCode::vorm(&rij.code).map_err(|e| format!("gemeenten_2021.csv regel {}: {e}", i + 2))?;
            if gemeenten.insert(code, Gemeente { code, naam: rij.name }).is_some() {
                return Err(format!("gemeenten_2021.csv regel {}: code {code} komt twee keer voor", i + 2));
            }
        }
        let mut lijsten: BTreeMap<String, BTreeMap<String, Prioriteitsgebied>> = BTreeMap::new();
        for (i, rij) in csv::Reader::from_reader(gebieden_csv.as_bytes()).deserialize::<GebiedRij>().enumerate() {
            let rij = rij.map_err(|e| format!("priority_areas.csv regel {}: {e}", i + 2))?;
            let code = GemeenteCode::vorm(&rij.gemeente_code).map_err(|e| format!("priority_areas.csv regel {}: {e}", i + 2))?;
            if !gemeenten.contains_key(&code) {
                return Err(format!("priority_areas.csv regel {}: gemeente {code} staat niet in de indeling 2021", i + 2));
            }
            let gebied = lijsten.entry(rij.list).or_default().entry(rij.area_id.clone()).or_insert_with(|| Prioriteitsgebied {
                id: rij.area_id,
                naam: rij.area_name.clone(),
                soort: rij.kind,
                gemeenten: BTreeMap::new(),
            });
            if gebied.soort != rij.kind || gebied.naam != rij.area_name {
                return Err(format!("priority_areas.csv regel {}: gebied {} heeft een andere naam of soort dan eerder", i + 2, gebied.id));
            }
            gebied.gemeenten.insert(code, rij.confidence);
        }
        for (lijst, gebieden) in &lijsten {
            for g in gebieden.values() {
                if g.soort.is_stedelijk() && g.gemeenten.len() != 1 {
                    return Err(format!("priority_areas.csv: stedelijk gebied {} op lijst {lijst} moet in precies één gemeente liggen", g.id));
                }
            }
        }
        let mut regios: BTreeMap<String, BTreeMap<GemeenteCode, String>> = BTreeMap::new();
        for (lijst, gebieden) in &lijsten {
            for g in gebieden.values().filter(|g| g.soort == GebiedSoort::GrensKrimpregio) {
                for code in g.gemeenten.keys() {
                    if let Some(ander) = regios.entry(lijst.clone()).or_default().insert(*code, g.id.clone()) {
                        return Err(format!("priority_areas.csv: gemeente {code} ligt op lijst {lijst} in twee regio's ({ander} en {})", g.id));
                    }
                }
            }
        }
        Ok(Referentie { gemeenten, lijsten, regios })
    }

    pub fn gemeente(&self, code: GemeenteCode) -> Option<&Gemeente> {
        self.gemeenten.get(&code)
    }

    /// Naam van een gemeente, of de code als die onbekend is.
    pub fn gemeentenaam(&self, code: GemeenteCode) -> String {
        self.gemeente(code).map_or_else(|| code.to_string(), |g| g.naam.clone())
    }

    pub fn gemeenten(&self) -> impl Iterator<Item = &Gemeente> {
        self.gemeenten.values()
    }

    pub fn lijst(&self, lijst: &str) -> Option<&BTreeMap<String, Prioriteitsgebied>> {
        self.lijsten.get(lijst)
    }

    /// De grens- of krimpregio van de lijst waarin de gemeente helemaal ligt.
    pub fn regio(&self, lijst: &str, gemeente: GemeenteCode) -> Option<&Prioriteitsgebied> {
        let id = self.regios.get(lijst)?.get(&gemeente)?;
        self.lijsten.get(lijst)?.get(id)
    }

    /// De gebieden van alle lijsten (een gebied kan op meer lijsten staan).
    pub fn alle_gebieden(&self) -> impl Iterator<Item = &Prioriteitsgebied> {
        self.lijsten.values().flat_map(|l| l.values())
    }

    pub fn lijstnamen(&self) -> impl Iterator<Item = &str> {
        self.lijsten.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingebouwde_gegevens_zijn_volledig() {
        let r = Referentie::ingebouwd();
        assert_eq!(r.gemeenten().count(), 352);
        assert_eq!(r.gemeentenaam(GemeenteCode::parse("GM0363").unwrap()), "Amsterdam");
        assert_eq!(r.gemeentenaam(GemeenteCode::parse("GM0820").unwrap()), "Nuenen, Gerwen en Nederwetten");
        let vhf2021 = r.lijst("vhf2021").unwrap();
        // De brief noemt 16 stedelijke vernieuwingsgebieden en 13 grens- en krimpregio's.
        assert_eq!(vhf2021.values().filter(|g| g.soort.is_stedelijk()).count(), 16);
        assert_eq!(vhf2021.values().filter(|g| !g.soort.is_stedelijk()).count(), 13);
        let npl = r.lijst("nplv2022").unwrap();
        assert_eq!(npl.values().filter(|g| g.soort.is_stedelijk()).count(), 20);
        assert_eq!(npl.values().filter(|g| !g.soort.is_stedelijk()).count(), 13);
    }

    #[test]
    fn fouten_in_referentiegegevens_noemen_de_regel() {
        let e = Referentie::lees("code,name\nGM0014,Groningen\nGM0014,Groningen\n", "list,area_id,area_name,kind,gemeente_code,gemeente_name,confidence\n")
            .unwrap_err();
        assert!(e.contains("regel 3"), "{e}");
        let e = Referentie::lees(
            "code,name\nGM0014,Groningen\n",
            "list,area_id,area_name,kind,gemeente_code,gemeente_name,confidence\nx,a,A,grens_krimpregio,GM0015,X,seed\n",
        )
        .unwrap_err();
        assert!(e.contains("regel 2") && e.contains("GM0015"), "{e}");
    }
}
