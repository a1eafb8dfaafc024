//! Onafhankelijke ondersteuning in de prioriteitsgebieden (docs/regeling.md, "Independent support"; de brief:
//! "met name de 16 stedelijke vernieuwingsgebieden en 13 grens- en krimpregio's onafhankelijke, professionele
//! ondersteuning bieden om te komen tot goede aanvragen", Kamerstuk 32 847, nr. 720).
//!
//! Wat hier staat, is de regel; de pool van adviseurs, de verzoeken en de uren staan in de opslag van de schil.
//!
//! - Alleen een gemeente in een prioriteitsgebied van de lijst van de ronde kan ondersteuning vragen
//!   ([`gebieden_van`]); ligt ze in meer gebieden (Amsterdam: Zuidoost en Nieuw-West), dan noemt het verzoek er één.
//! - Een adviseur werkt niet voor een gemeente waarmee hij een belang heeft opgegeven ([`belangenconflict`]).
//! - De uren per verzoek en per gebied hebben een plafond: parameter `ondersteuning` van de ronde
//!   ([`Urenbudget`]); [`toets_toewijzing`] en [`toets_uren`] weigeren wat erboven komt, met de getallen.
//!
//! Uren worden gerekend in minuten (`u32`), ingevoerd en getoond in uren met ten hoogste een kwartier als
//! eenheid: "3,25" is drie uur en een kwartier.

use serde::{Deserialize, Serialize};

use crate::codes::GemeenteCode;
use crate::referentie::{Prioriteitsgebied, Referentie};
use crate::regeling::{Beschrijf, GebruikteWaarde};

/// Parameter `ondersteuning`: hoeveel uur onafhankelijke ondersteuning er per prioriteitsgebied en per verzoek
/// hoogstens is (hele uren).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Urenbudget {
    pub uren_per_gebied: u32,
    pub uren_per_verzoek: u32,
}

impl Beschrijf for Urenbudget {
    fn beschrijf(&self) -> String {
        format!("hoogstens {} uur per prioriteitsgebied en {} uur per verzoek", self.uren_per_gebied, self.uren_per_verzoek)
    }
}

impl Urenbudget {
    pub fn controleer(&self) -> Result<(), String> {
        if self.uren_per_verzoek == 0 || self.uren_per_gebied == 0 {
            return Err("het aantal uren per gebied en per verzoek is groter dan nul".into());
        }
        if self.uren_per_verzoek > self.uren_per_gebied {
            return Err(format!("een verzoek ({} uur) kan niet meer uren krijgen dan het hele gebied ({} uur)", self.uren_per_verzoek, self.uren_per_gebied));
        }
        if self.uren_per_gebied > 1_000_000 {
            return Err("meer dan een miljoen uur per gebied is geen budget maar een tikfout".into());
        }
        Ok(())
    }

    pub fn minuten_per_gebied(&self) -> u32 {
        self.uren_per_gebied * 60
    }

    pub fn minuten_per_verzoek(&self) -> u32 {
        self.uren_per_verzoek * 60
    }
}

/// Een duur in uren, met een kwartier als kleinste eenheid: "3", "3,5", "3.25". Geeft minuten.
pub fn lees_uren(tekst: &str) -> Result<u32, String> {
    let t = tekst.trim().replace(',', ".");
    let fout = || format!("'{tekst}' is geen aantal uren: schrijf bijvoorbeeld 3 of 3,5 (een kwartier is de kleinste eenheid)");
    let (heel, deel) = t.split_once('.').unwrap_or((&t, ""));
    if heel.is_empty() || !heel.bytes().all(|b| b.is_ascii_digit()) || !deel.bytes().all(|b| b.is_ascii_digit()) || deel.len() > 2 || heel.len() > 6 {
        return Err(fout());
    }
    let uren: u32 = heel.parse().map_err(|_| fout())?;
    let honderdsten: u32 = format!("{deel:0<2}").parse().map_err(|_| fout())?;
    if !honderdsten.is_multiple_of(25) {
        return Err(format!("'{tekst}' uur: schrijf uren in kwartieren (,25 ,5 of ,75)"));
    }
    let minuten = uren * 60 + honderdsten * 60 / 100;
    if minuten == 0 {
        return Err("het aantal uren is groter dan nul".into());
    }
    Ok(minuten)
}

/// Minuten als uren in het Nederlands: "3 uur", "3,25 uur", "0,5 uur".
pub fn uren(minuten: u32) -> String {
    let (u, m) = (minuten / 60, minuten % 60);
    if m == 0 {
        return format!("{u} uur");
    }
    let deel = format!("{:02}", m * 100 / 60);
    format!("{u},{} uur", deel.trim_end_matches('0'))
}

/// Minuten als machineleesbaar getal uren ("3.25"), voor JSON, CSV en XLSX.
pub fn uren_getal(minuten: u32) -> String {
    let (u, m) = (minuten / 60, minuten % 60);
    if m == 0 { format!("{u}") } else { format!("{u}.{}", format!("{:02}", m * 100 / 60).trim_end_matches('0')) }
}

/// De prioriteitsgebieden van de lijst van de ronde waarin de gemeente ligt. Leeg: geen ondersteuning, met de
/// reden in het Nederlands.
pub fn gebieden_van<'a>(referentie: &'a Referentie, lijst: &str, gemeente: GemeenteCode) -> Result<Vec<&'a Prioriteitsgebied>, String> {
    let gebieden = referentie.lijst(lijst).ok_or_else(|| format!("de lijst met prioriteitsgebieden '{lijst}' is onbekend"))?;
    let v: Vec<_> = gebieden.values().filter(|g| g.gemeenten.contains_key(&gemeente)).collect();
    if v.is_empty() {
        return Err(format!(
            "{} ligt niet in een prioriteitsgebied van lijst {lijst}: onafhankelijke ondersteuning is er alleen voor de gemeenten in de {} stedelijke vernieuwingsgebieden en grens- en krimpregio's van die lijst (Kamerstuk 32 847, nr. 720).",
            referentie.gemeentenaam(gemeente),
            gebieden.len()
        ));
    }
    Ok(v)
}

/// Het gebied waarvoor een verzoek geldt: het genoemde (dat de gemeente moet bevatten), of het enige.
pub fn gebied_voor_verzoek<'a>(
    referentie: &'a Referentie,
    lijst: &str,
    gemeente: GemeenteCode,
    gevraagd: Option<&str>,
) -> Result<&'a Prioriteitsgebied, String> {
    let v = gebieden_van(referentie, lijst, gemeente)?;
    match gevraagd.map(str::trim).filter(|g| !g.is_empty()) {
        Some(id) => v.iter().copied().find(|g| g.id == id).ok_or_else(|| {
            format!(
                "{} ligt niet in gebied '{id}'; wel in: {}",
                referentie.gemeentenaam(gemeente),
                v.iter().map(|g| format!("{} ({})", g.naam, g.id)).collect::<Vec<_>>().join(", ")
            )
        }),
        None if v.len() == 1 => Ok(v[0]),
        None => Err(format!(
            "{} ligt in meer dan één prioriteitsgebied; kies er een: {}",
            referentie.gemeentenaam(gemeente),
            v.iter().map(|g| format!("{} ({})", g.naam, g.id)).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// Een belangenconflict: de adviseur heeft voor deze gemeente gewerkt of heeft er een ander belang (opgegeven in
/// de pool). `Some(reden)` als hij dit verzoek niet mag krijgen.
pub fn belangenconflict(referentie: &Referentie, adviseur: &str, belangen: &[GemeenteCode], gemeente: GemeenteCode) -> Option<String> {
    belangen.contains(&gemeente).then(|| {
        format!(
            "adviseur {adviseur} heeft een belang bij {} opgegeven (werkt of werkte er, of heeft er een opdracht): onafhankelijke ondersteuning kan hij daar niet geven",
            referentie.gemeentenaam(gemeente)
        )
    })
}

/// Wat er van de uren van een gebied al vastligt: toegekend aan verzoeken (minuten).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Gebiedsstand {
    pub toegekend: u32,
}

/// Mag een verzoek `minuten` uur krijgen? Hoogstens het plafond per verzoek en wat er in het gebied nog vrij is.
/// De weigering noemt de getallen en de parameter met bron.
pub fn toets_toewijzing(budget: &Urenbudget, bron: &GebruikteWaarde<'_>, gebied: &Prioriteitsgebied, stand: Gebiedsstand, minuten: u32) -> Result<(), String> {
    if minuten == 0 {
        return Err("een toewijzing heeft meer dan nul uren".into());
    }
    if minuten > budget.minuten_per_verzoek() {
        return Err(format!(
            "{} voor één verzoek is meer dan het plafond van {} per verzoek ({} = {}, vanaf {}, bron: {})",
            uren(minuten),
            uren(budget.minuten_per_verzoek()),
            bron.naam,
            bron.waarde,
            bron.vanaf,
            bron.bron
        ));
    }
    let vrij = budget.minuten_per_gebied().saturating_sub(stand.toegekend);
    if minuten > vrij {
        return Err(format!(
            "in {} is nog {} vrij van de {} voor het gebied ({} al toegekend aan andere verzoeken); {} past niet ({} = {}, vanaf {}, bron: {})",
            gebied.naam,
            uren(vrij),
            uren(budget.minuten_per_gebied()),
            uren(stand.toegekend),
            uren(minuten),
            bron.naam,
            bron.waarde,
            bron.vanaf,
            bron.bron
        ));
    }
    Ok(())
}

/// Mag de adviseur `minuten` schrijven op een verzoek met `toegekend` minuten, waarop al `geschreven` minuten
/// staan die niet zijn afgekeurd (ingediend of goedgekeurd)? Uren boven de toewijzing worden geweigerd.
pub fn toets_uren(toegekend: u32, geschreven: u32, minuten: u32) -> Result<(), String> {
    if minuten == 0 {
        return Err("het aantal uren is groter dan nul".into());
    }
    let over = toegekend.saturating_sub(geschreven);
    if minuten > over {
        return Err(format!(
            "{} past niet: van de {} die dit verzoek kreeg, staat {} al geschreven (ingediend of goedgekeurd), er is nog {} over. Vraag RVO eerst om meer uren voor dit verzoek.",
            uren(minuten),
            uren(toegekend),
            uren(geschreven),
            uren(over)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn uren_in_kwartieren() {
        assert_eq!(lees_uren("3"), Ok(180));
        assert_eq!(lees_uren("3,5"), Ok(210));
        assert_eq!(lees_uren("0.25"), Ok(15));
        assert_eq!(lees_uren(" 2,75 "), Ok(165));
        assert!(lees_uren("2,1").unwrap_err().contains("kwartieren"));
        assert!(lees_uren("0").is_err());
        assert!(lees_uren("-1").is_err());
        assert!(lees_uren("drie").is_err());
        assert!(lees_uren("1,255").is_err());
        assert_eq!(uren(210), "3,5 uur");
        assert_eq!(uren(165), "2,75 uur");
        assert_eq!(uren(15), "0,25 uur");
        assert_eq!(uren(120), "2 uur");
        assert_eq!(uren_getal(165), "2.75");
        assert_eq!(uren_getal(120), "2");
    }

    #[test]
    fn alleen_gemeenten_in_een_prioriteitsgebied() {
        let r = Referentie::ingebouwd();
        let zaanstad = GemeenteCode::parse("GM0479").unwrap();
        let amsterdam = GemeenteCode::parse("GM0363").unwrap();
        let haarlem = GemeenteCode::parse("GM0392").unwrap();
        assert_eq!(gebied_voor_verzoek(r, "vhf2021", zaanstad, None).unwrap().id, "zaandam-oost");
        let fout = gebied_voor_verzoek(r, "vhf2021", amsterdam, None).unwrap_err();
        assert!(fout.contains("meer dan één") && fout.contains("amsterdam-zuidoost"), "{fout}");
        assert_eq!(gebied_voor_verzoek(r, "vhf2021", amsterdam, Some("amsterdam-nieuw-west")).unwrap().id, "amsterdam-nieuw-west");
        assert!(gebied_voor_verzoek(r, "vhf2021", zaanstad, Some("amsterdam-nieuw-west")).is_err());
        let fout = gebied_voor_verzoek(r, "vhf2021", haarlem, None).unwrap_err();
        assert!(fout.contains("Haarlem ligt niet in een prioriteitsgebied"), "{fout}");
    }

    #[test]
    fn belangen_en_budget() {
        let r = Referentie::ingebouwd();
        let zaanstad = GemeenteCode::parse("GM0479").unwrap();
        assert!(belangenconflict(r, "A1", &[zaanstad], zaanstad).unwrap().contains("Zaanstad"));
        assert!(belangenconflict(r, "A1", &[], zaanstad).is_none());
        let budget = Urenbudget { uren_per_gebied: 10, uren_per_verzoek: 6 };
        let bron =
            GebruikteWaarde { naam: "ondersteuning", omschrijving: "", waarde: budget.beschrijf(), vanaf: "2021-03-11".parse().unwrap(), bron: "[D] test" };
        let gebied = r.lijst("vhf2021").unwrap().get("zaandam-oost").unwrap();
        assert!(toets_toewijzing(&budget, &bron, gebied, Gebiedsstand::default(), 6 * 60).is_ok());
        assert!(toets_toewijzing(&budget, &bron, gebied, Gebiedsstand::default(), 7 * 60).unwrap_err().contains("plafond van 6 uur per verzoek"));
        let fout = toets_toewijzing(&budget, &bron, gebied, Gebiedsstand { toegekend: 6 * 60 }, 5 * 60).unwrap_err();
        assert!(fout.contains("nog 4 uur vrij van de 10 uur") && fout.contains("[D] test"), "{fout}");
        assert!(toets_uren(300, 240, 60).is_ok());
        let fout = toets_uren(300, 240, 75).unwrap_err();
        assert!(fout.contains("1,25 uur past niet") && fout.contains("nog 1 uur over"), "{fout}");
        assert!(Urenbudget { uren_per_gebied: 5, uren_per_verzoek: 6 }.controleer().is_err());
    }

    proptest! {
        /// Wat toets_uren toelaat, houdt het geschreven totaal binnen de toewijzing.
        #[test]
        fn nooit_meer_dan_toegekend(toegekend in 0u32..100_000, stappen in proptest::collection::vec(1u32..2_000, 0..40)) {
            let mut geschreven = 0u32;
            for m in stappen {
                if toets_uren(toegekend, geschreven, m).is_ok() {
                    geschreven += m;
                }
                prop_assert!(geschreven <= toegekend);
            }
        }

        #[test]
        fn uren_heen_en_terug(kwartieren in 1u32..400_000) {
            let m = kwartieren * 15;
            prop_assert_eq!(lees_uren(&uren_getal(m)), Ok(m));
            prop_assert_eq!(lees_uren(uren(m).trim_end_matches(" uur")), Ok(m));
        }
    }
}
