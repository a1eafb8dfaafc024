//! Beoordeling door de toetsingscommissie: leden met belangenconflicten, toewijzing van deelplannen, scores
//! per lid en criterium met motivering, en het oordeel per deelplan.
//!
//! Regeling [V]: de commissie scoort elk subsidiabel deelplan op effectiviteit, additionaliteit,
//! proportionaliteit en haalbaarheid en adviseert per deelplan. Getallen [D] (per ronde in het
//! beoordelingskader): schaal 0–10; de score per criterium is het gemiddelde over de leden; het totaal is de
//! gewogen som van die gemiddelden, half-omhoog afgerond op 2 decimalen; voldoende bij totaal ≥ 5,50 en elk
//! criterium ≥ 4,00; ten minste twee leden per deelplan; geen lid met een belangenconflict.
//!
//! Het totaal wordt uit de exacte gemiddelden berekend (niet uit de afgeronde), zodat afronding zich niet
//! opstapelt; de drempels worden exact vergeleken. Een onvolledige beoordeling wordt nooit stil gemiddeld: ze
//! heeft geen totaal en zegt hoeveel leden hebben gescoord.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::codes::GemeenteCode;
use crate::geld::Honderdsten;
use crate::regeling::Beoordelingskader;

/// Verwijzing naar een deelplan in de ronde: kenmerk van de aanvraag en id van het deelplan.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeelplanRef {
    pub aanvraag: String,
    pub deelplan: String,
}

impl fmt::Display for DeelplanRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.aanvraag, self.deelplan)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Commissielid {
    pub id: String,
    pub naam: String,
    /// Gemeenten en aanvragen waarmee het lid een belang heeft (bijvoorbeeld: werkt er, woont er, adviseerde).
    #[serde(default)]
    pub conflicten: Vec<Conflict>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Conflict {
    /// Het lid heeft een band met deze gemeente: geen deelplan van een aanvraag waarin zij aanvrager is.
    Gemeente(GemeenteCode),
    /// Een verklaarde relatie met één aanvraag (kenmerk).
    Aanvraag(String),
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Toewijzing {
    pub aanvraag: String,
    pub deelplan: String,
    pub leden: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Score {
    pub lid: String,
    pub aanvraag: String,
    pub deelplan: String,
    pub criterium: String,
    /// Score op de schaal van het beoordelingskader, hoogstens 2 decimalen, als tekst: "7.5".
    #[schemars(with = "String", regex(pattern = r"^[0-9]{1,2}(\.[0-9]{1,2})?$"))]
    pub score: Honderdsten,
    pub motivering: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Advies {
    Positief,
    Negatief,
}

/// Het advies van de commissie zoals vastgelegd (vóór de verdeling).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VastgelegdAdvies {
    pub aanvraag: String,
    pub deelplan: String,
    pub advies: Advies,
    pub motivering: String,
}

macro_rules! verwijst_naar_deelplan {
    ($($t:ty),*) => {$(
        impl $t {
            pub fn deelplan_ref(&self) -> DeelplanRef {
                DeelplanRef { aanvraag: self.aanvraag.clone(), deelplan: self.deelplan.clone() }
            }
        }
    )*};
}
verwijst_naar_deelplan!(Toewijzing, Score, VastgelegdAdvies);

/// Alles wat de commissie vastlegt.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Beoordelingen {
    pub leden: Vec<Commissielid>,
    pub toewijzingen: Vec<Toewijzing>,
    pub scores: Vec<Score>,
    /// Vastgelegde adviezen. Ontbreekt het advies van een deelplan, dan volgt het uit het oordeel (voldoende ⇒ positief).
    #[serde(default)]
    pub adviezen: Vec<VastgelegdAdvies>,
}

impl Beoordelingen {
    /// Alleen het werk aan de aanvragen met deze kenmerken (toewijzingen, scores en adviezen); de leden blijven. Zo
    /// kan een verdeling de aanvragen die niet meedoen weglaten zonder dat hun scores "onbekend deelplan" worden.
    pub fn alleen_voor(&self, kenmerken: &BTreeSet<&str>) -> Beoordelingen {
        Beoordelingen {
            leden: self.leden.clone(),
            toewijzingen: self.toewijzingen.iter().filter(|t| kenmerken.contains(t.aanvraag.as_str())).cloned().collect(),
            scores: self.scores.iter().filter(|s| kenmerken.contains(s.aanvraag.as_str())).cloned().collect(),
            adviezen: self.adviezen.iter().filter(|a| kenmerken.contains(a.aanvraag.as_str())).cloned().collect(),
        }
    }
}

/// Het oordeel over één deelplan.
#[derive(Clone, Debug, Serialize)]
pub struct Oordeel {
    pub deelplan: DeelplanRef,
    pub toegewezen: usize,
    pub gescoord: usize,
    /// Gemiddelde per criterium (afgerond op 2 decimalen, voor weergave), in de volgorde van het kader.
    pub criteria: Vec<(String, Honderdsten)>,
    /// Gewogen totaal, half-omhoog op 2 decimalen; `None` zolang de beoordeling onvolledig is.
    pub totaal: Option<Honderdsten>,
    pub voldoende: Option<bool>,
    /// Criteria onder de drempel.
    pub onder_drempel: Vec<String>,
    pub advies: Option<Advies>,
    pub advies_motivering: Option<String>,
    /// Het advies is door de commissie vastgelegd (anders volgt het uit het oordeel).
    pub advies_vastgelegd: bool,
    /// De scores per lid (dat alles scoorde) en criterium, in honderdsten; voor de gevoeligheidsanalyse.
    #[serde(skip)]
    pub leden_scores: Vec<Vec<i64>>,
    /// Sommen per criterium (in honderdsten) over de leden; voor herberekening met andere gewichten.
    #[serde(skip)]
    pub sommen: Vec<i64>,
}

impl Oordeel {
    pub fn volledig(&self) -> bool {
        self.totaal.is_some()
    }

    /// "2 van 3 leden hebben gescoord".
    pub fn voortgang(&self) -> String {
        format!("{} van {} leden hebben gescoord", self.gescoord, self.toegewezen)
    }
}

/// Een fout in de vastgelegde beoordeling: wat niet mag volgens het kader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum Beoordelingsfout {
    #[error("onbekend commissielid '{0}'")]
    OnbekendLid(String),
    #[error("deelplan {0} bestaat niet in de ronde")]
    OnbekendDeelplan(DeelplanRef),
    #[error("{lid} heeft een belangenconflict met deelplan {deelplan} ({reden}) en mag het niet beoordelen")]
    Conflict { lid: String, deelplan: DeelplanRef, reden: String },
    #[error("deelplan {deelplan} heeft {aantal} beoordelaar(s); ten minste {minimum} nodig")]
    TeWeinigBeoordelaars { deelplan: DeelplanRef, aantal: usize, minimum: u32 },
    #[error("{lid} scoort deelplan {deelplan} maar is er niet aan toegewezen")]
    NietToegewezen { lid: String, deelplan: DeelplanRef },
    #[error("onbekend criterium '{criterium}' (kader: {bekend})")]
    OnbekendCriterium { criterium: String, bekend: String },
    #[error("score {score} van {lid} voor {deelplan}/{criterium} ligt buiten de schaal {min}–{max}")]
    BuitenSchaal { lid: String, deelplan: DeelplanRef, criterium: String, score: Honderdsten, min: Honderdsten, max: Honderdsten },
    #[error("{lid} heeft deelplan {deelplan} twee keer gescoord op {criterium}")]
    DubbeleScore { lid: String, deelplan: DeelplanRef, criterium: String },
    #[error("{lid} is twee keer aan deelplan {deelplan} toegewezen")]
    DubbeleToewijzing { lid: String, deelplan: DeelplanRef },
}

/// Een deelplan zoals de beoordeling het kent: welke gemeenten aanvragers zijn (voor conflicten).
pub struct TeBeoordelen<'a> {
    pub deelplan: DeelplanRef,
    pub aanvragers: &'a [GemeenteCode],
}

/// Controleert de beoordelingen en berekent het oordeel per deelplan, in de volgorde van `deelplannen`.
/// Alle fouten worden verzameld, niet alleen de eerste.
pub fn beoordeel(deelplannen: &[TeBeoordelen<'_>], b: &Beoordelingen, kader: &Beoordelingskader) -> Result<Vec<Oordeel>, Vec<Beoordelingsfout>> {
    let mut fouten = Vec::new();
    let leden: BTreeMap<&str, &Commissielid> = b.leden.iter().map(|l| (l.id.as_str(), l)).collect();
    let index: BTreeMap<&DeelplanRef, usize> = deelplannen.iter().enumerate().map(|(i, d)| (&d.deelplan, i)).collect();
    let criteria: BTreeMap<&str, usize> = kader.criteria.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();

    let mut toegewezen: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); deelplannen.len()];
    for t in &b.toewijzingen {
        let Some(&i) = index.get(&t.deelplan_ref()) else {
            fouten.push(Beoordelingsfout::OnbekendDeelplan(t.deelplan_ref()));
            continue;
        };
        for lid in &t.leden {
            let Some(l) = leden.get(lid.as_str()) else {
                fouten.push(Beoordelingsfout::OnbekendLid(lid.clone()));
                continue;
            };
            if let Some(reden) = conflict(l, &deelplannen[i]) {
                fouten.push(Beoordelingsfout::Conflict { lid: lid.clone(), deelplan: t.deelplan_ref(), reden });
            }
            if !toegewezen[i].insert(lid.as_str()) {
                fouten.push(Beoordelingsfout::DubbeleToewijzing { lid: lid.clone(), deelplan: t.deelplan_ref() });
            }
        }
    }
    // scores[deelplan][lid] = per criterium de score
    let mut scores: Vec<BTreeMap<&str, Vec<Option<i64>>>> = vec![BTreeMap::new(); deelplannen.len()];
    for s in &b.scores {
        let Some(&i) = index.get(&s.deelplan_ref()) else {
            fouten.push(Beoordelingsfout::OnbekendDeelplan(s.deelplan_ref()));
            continue;
        };
        let Some(&c) = criteria.get(s.criterium.as_str()) else {
            fouten.push(Beoordelingsfout::OnbekendCriterium {
                criterium: s.criterium.clone(),
                bekend: kader.criteria.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", "),
            });
            continue;
        };
        if !toegewezen[i].contains(s.lid.as_str()) {
            fouten.push(Beoordelingsfout::NietToegewezen { lid: s.lid.clone(), deelplan: s.deelplan_ref() });
            continue;
        }
        if s.score < kader.schaal_min || s.score > kader.schaal_max {
            fouten.push(Beoordelingsfout::BuitenSchaal {
                lid: s.lid.clone(),
                deelplan: s.deelplan_ref(),
                criterium: s.criterium.clone(),
                score: s.score,
                min: kader.schaal_min,
                max: kader.schaal_max,
            });
            continue;
        }
        let rij = scores[i].entry(s.lid.as_str()).or_insert_with(|| vec![None; kader.criteria.len()]);
        if rij[c].replace(s.score.0).is_some() {
            fouten.push(Beoordelingsfout::DubbeleScore { lid: s.lid.clone(), deelplan: s.deelplan_ref(), criterium: s.criterium.clone() });
        }
    }
    let adviezen: BTreeMap<DeelplanRef, &VastgelegdAdvies> = b.adviezen.iter().map(|a| (a.deelplan_ref(), a)).collect();
    for r in adviezen.keys() {
        if !index.contains_key(r) {
            fouten.push(Beoordelingsfout::OnbekendDeelplan(r.clone()));
        }
    }

    let mut oordelen = Vec::with_capacity(deelplannen.len());
    for (i, d) in deelplannen.iter().enumerate() {
        let aantal = toegewezen[i].len();
        if aantal > 0 && aantal < kader.min_beoordelaars as usize {
            fouten.push(Beoordelingsfout::TeWeinigBeoordelaars { deelplan: d.deelplan.clone(), aantal, minimum: kader.min_beoordelaars });
        }
        // Een lid heeft gescoord als het alle criteria heeft gescoord.
        let compleet: Vec<&Vec<Option<i64>>> = scores[i].values().filter(|r| r.iter().all(Option::is_some)).collect();
        let n = compleet.len();
        let sommen: Vec<i64> = (0..kader.criteria.len()).map(|c| compleet.iter().map(|r| r[c].unwrap_or(0)).sum()).collect();
        let leden_scores: Vec<Vec<i64>> = compleet.iter().map(|r| r.iter().map(|x| x.unwrap_or(0)).collect()).collect();
        let volledig = n == aantal && aantal >= kader.min_beoordelaars as usize;
        let mut o = Oordeel {
            deelplan: d.deelplan.clone(),
            toegewezen: aantal,
            gescoord: n,
            criteria: Vec::new(),
            totaal: None,
            voldoende: None,
            onder_drempel: Vec::new(),
            advies: None,
            advies_motivering: None,
            advies_vastgelegd: false,
            leden_scores,
            sommen,
        };
        if volledig {
            bereken(&mut o, kader);
        }
        match adviezen.get(&d.deelplan) {
            Some(a) => {
                o.advies = Some(a.advies);
                o.advies_motivering = Some(a.motivering.clone());
                o.advies_vastgelegd = true;
            }
            None => o.advies = o.voldoende.map(|v| if v { Advies::Positief } else { Advies::Negatief }),
        }
        oordelen.push(o);
    }
    if fouten.is_empty() { Ok(oordelen) } else { Err(fouten) }
}

/// Het totaal, de gemiddelden en de drempels uit de sommen per criterium, voor `o.gescoord` leden.
pub fn bereken(o: &mut Oordeel, kader: &Beoordelingskader) {
    let n = o.gescoord as i64;
    if n == 0 {
        return;
    }
    o.criteria = kader.criteria.iter().zip(&o.sommen).map(|(c, s)| (c.id.clone(), Honderdsten(deel_half_omhoog(i128::from(*s), i128::from(n))))).collect();
    o.totaal = Some(totaal(&o.sommen, n, kader));
    o.onder_drempel = kader.criteria.iter().zip(&o.sommen).filter(|(_, s)| **s < kader.drempel_per_criterium.0 * n).map(|(c, _)| c.id.clone()).collect();
    o.voldoende = Some(o.onder_drempel.is_empty() && o.totaal.is_some_and(|t| t >= kader.drempel_totaal));
}

/// Gewogen totaal: Σ gewicht × (som / n), exact, dan half-omhoog op honderdsten.
/// Gewicht in honderdsten van een procent (4000 = 40%), sommen in honderdsten van een punt.
pub fn totaal(sommen: &[i64], n: i64, kader: &Beoordelingskader) -> Honderdsten {
    let teller: i128 = kader.criteria.iter().zip(sommen).map(|(c, s)| i128::from(c.gewicht.in_honderdsten()) * i128::from(*s)).sum();
    Honderdsten(deel_half_omhoog(teller, i128::from(n) * 10_000))
}

fn deel_half_omhoog(t: i128, n: i128) -> i64 {
    let q = if t >= 0 { (2 * t + n) / (2 * n) } else { -((-2 * t + n) / (2 * n)) };
    i64::try_from(q).unwrap_or(i64::MAX)
}

/// Het belang dat een lid van dit deelplan uitsluit, als dat er is.
pub fn conflict(l: &Commissielid, d: &TeBeoordelen<'_>) -> Option<String> {
    l.conflicten.iter().find_map(|c| match c {
        Conflict::Gemeente(g) if d.aanvragers.contains(g) => Some(format!("band met gemeente {g}")),
        Conflict::Aanvraag(k) if *k == d.deelplan.aanvraag => Some(format!("verklaarde relatie met aanvraag {k}")),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regeling::Ronde;

    fn kader() -> Beoordelingskader {
        Ronde::zoek("vhf-2021").unwrap().parameters.beoordelingskader.wijzigingen()[0].waarde.clone()
    }

    fn r(a: &str, d: &str) -> DeelplanRef {
        DeelplanRef { aanvraag: a.into(), deelplan: d.into() }
    }

    fn score(lid: &str, c: &str, s: &str) -> Score {
        Score { lid: lid.into(), aanvraag: "A".into(), deelplan: "DP1".into(), criterium: c.into(), score: s.parse().unwrap(), motivering: "m".into() }
    }

    fn lid(id: &str) -> Commissielid {
        Commissielid { id: id.into(), naam: id.into(), conflicten: vec![] }
    }

    const CRITERIA: [&str; 4] = ["effectiviteit", "additionaliteit", "proportionaliteit", "haalbaarheid"];

    fn scores(lid: &str, s: [&str; 4]) -> Vec<Score> {
        CRITERIA.iter().zip(s).map(|(c, s)| score(lid, c, s)).collect()
    }

    #[test]
    fn het_totaal_is_het_gewogen_gemiddelde_half_omhoog_afgerond() {
        let gm = [GemeenteCode::parse("GM0479").unwrap()];
        let d = [TeBeoordelen { deelplan: r("A", "DP1"), aanvragers: &gm }];
        let mut s = scores("L1", ["7", "6", "5", "8"]);
        s.extend(scores("L2", ["8", "6", "6", "7.5"]));
        let b = Beoordelingen {
            leden: vec![lid("L1"), lid("L2")],
            toewijzingen: vec![Toewijzing { aanvraag: "A".into(), deelplan: "DP1".into(), leden: vec!["L1".into(), "L2".into()] }],
            scores: s,
            adviezen: vec![],
        };
        let o = &beoordeel(&d, &b, &kader()).unwrap()[0];
        // Gemiddelden: 7,5; 6; 5,5; 7,75. Totaal = 0,4×7,5 + 0,2×6 + 0,2×5,5 + 0,2×7,75 = 3 + 1,2 + 1,1 + 1,55 = 6,85.
        assert_eq!(o.criteria[0].1, Honderdsten(750));
        assert_eq!(o.criteria[3].1, Honderdsten(775));
        assert_eq!(o.totaal, Some(Honderdsten(685)));
        assert_eq!(o.voldoende, Some(true));
        assert_eq!(o.advies, Some(Advies::Positief));
    }

    #[test]
    fn drempels_exact_en_half_omhoog() {
        let gm = [GemeenteCode::parse("GM0479").unwrap()];
        let d = [TeBeoordelen { deelplan: r("A", "DP1"), aanvragers: &gm }];
        let geval = |s1: [&str; 4], s2: [&str; 4], s3: [&str; 4]| {
            let mut s = scores("L1", s1);
            s.extend(scores("L2", s2));
            s.extend(scores("L3", s3));
            let b = Beoordelingen {
                leden: vec![lid("L1"), lid("L2"), lid("L3")],
                toewijzingen: vec![Toewijzing { aanvraag: "A".into(), deelplan: "DP1".into(), leden: vec!["L1".into(), "L2".into(), "L3".into()] }],
                scores: s,
                adviezen: vec![],
            };
            beoordeel(&d, &b, &kader()).unwrap().remove(0)
        };
        // Precies 5,50 is voldoende.
        let o = geval(["5.5", "5.5", "5.5", "5.5"], ["5.5", "5.5", "5.5", "5.5"], ["5.5", "5.5", "5.5", "5.5"]);
        assert_eq!((o.totaal, o.voldoende), (Some(Honderdsten(550)), Some(true)));
        // Effectiviteit (5+5+5,01)/3 = 5,00333…; totaal 0,4×5,00333 + 0,2×(6+6+6) = 2,00133 + 3,6 = 5,60133 → 5,60.
        let o = geval(["5", "6", "6", "6"], ["5", "6", "6", "6"], ["5.01", "6", "6", "6"]);
        assert_eq!(o.totaal, Some(Honderdsten(560)));
        // Een criterium van (4+4+3,99)/3 = 3,9966… ligt onder 4,00, ook al toont het afgerond als 4,00.
        let o = geval(["9", "4", "9", "9"], ["9", "4", "9", "9"], ["9", "3.99", "9", "9"]);
        assert_eq!(o.criteria[1].1, Honderdsten(400));
        assert_eq!(o.voldoende, Some(false));
        assert_eq!(o.onder_drempel, vec!["additionaliteit".to_string()]);
        assert_eq!(o.advies, Some(Advies::Negatief));
    }

    #[test]
    fn onvolledig_scoren_wordt_niet_stil_gemiddeld() {
        let gm = [GemeenteCode::parse("GM0479").unwrap()];
        let d = [TeBeoordelen { deelplan: r("A", "DP1"), aanvragers: &gm }];
        let mut s = scores("L1", ["7", "7", "7", "7"]);
        s.extend(scores("L2", ["7", "7", "7", "7"]));
        s.push(score("L3", "effectiviteit", "9"));
        let b = Beoordelingen {
            leden: vec![lid("L1"), lid("L2"), lid("L3")],
            toewijzingen: vec![Toewijzing { aanvraag: "A".into(), deelplan: "DP1".into(), leden: vec!["L1".into(), "L2".into(), "L3".into()] }],
            scores: s,
            adviezen: vec![],
        };
        let o = &beoordeel(&d, &b, &kader()).unwrap()[0];
        assert_eq!(o.totaal, None);
        assert_eq!(o.voortgang(), "2 van 3 leden hebben gescoord");
        assert_eq!(o.advies, None);
    }

    #[test]
    fn fouten_in_de_beoordeling_worden_allemaal_gemeld() {
        let gm = [GemeenteCode::parse("GM0479").unwrap()];
        let d = [TeBeoordelen { deelplan: r("A", "DP1"), aanvragers: &gm }];
        let mut l1 = lid("L1");
        l1.conflicten.push(Conflict::Gemeente(GemeenteCode::parse("GM0479").unwrap()));
        let mut s = scores("L2", ["7", "7", "7", "11"]);
        s.push(score("L9", "effectiviteit", "7"));
        s.push(score("L2", "schoonheid", "7"));
        let b = Beoordelingen {
            leden: vec![l1, lid("L2")],
            toewijzingen: vec![Toewijzing { aanvraag: "A".into(), deelplan: "DP1".into(), leden: vec!["L1".into(), "L2".into()] }],
            scores: s,
            adviezen: vec![],
        };
        let f = beoordeel(&d, &b, &kader()).unwrap_err();
        let tekst: Vec<String> = f.iter().map(|e| e.to_string()).collect();
        assert!(tekst.iter().any(|t| t.contains("belangenconflict") && t.contains("GM0479")), "{tekst:?}");
        assert!(tekst.iter().any(|t| t.contains("buiten de schaal")), "{tekst:?}");
        assert!(tekst.iter().any(|t| t.contains("niet aan toegewezen")), "{tekst:?}");
        assert!(tekst.iter().any(|t| t.contains("onbekend criterium 'schoonheid'")), "{tekst:?}");
        // Eén beoordelaar is te weinig.
        let b = Beoordelingen {
            leden: vec![lid("L2")],
            toewijzingen: vec![Toewijzing { aanvraag: "A".into(), deelplan: "DP1".into(), leden: vec!["L2".into()] }],
            scores: vec![],
            adviezen: vec![],
        };
        let f = beoordeel(&d, &b, &kader()).unwrap_err();
        assert!(matches!(f[0], Beoordelingsfout::TeWeinigBeoordelaars { aantal: 1, minimum: 2, .. }));
    }
}
