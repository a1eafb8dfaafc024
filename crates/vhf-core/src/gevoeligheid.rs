//! Gevoeligheid van de verdeling voor de scores (Monte Carlo): verstoor elke score van elk lid per criterium
//! met een willekeurig getal in [−marge, +marge] (binnen de schaal), bereken oordeel, rangorde en verdeling
//! opnieuw, en tel per deelplan hoe vaak het geld krijgt. Zo ziet een minister hoe robuust een krappe
//! beslissing is.
//!
//! Reproduceerbaar: dezelfde zaadwaarde geeft dezelfde uitkomst, ongeacht het aantal draden (de runs zijn in
//! vaste blokken verdeeld, elk blok met een eigen reeks). Een door de commissie vastgelegd advies blijft staan;
//! een afgeleid advies volgt het verstoorde oordeel.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::beoordeling::{Advies, DeelplanRef, Oordeel, totaal};
use crate::geld::Honderdsten;
use crate::reeks::Reeks;
use crate::regeling::Beoordelingskader;
use crate::verdeling::{Deelname, Kandidaat, Kern, Verdeelregels, rangschik, vul};

const BLOK: usize = 64;

/// Wat nodig is om de verdeling vaak opnieuw te doen.
pub struct Model {
    kern: Vec<Kern>,
    /// Per kandidaat: scores per lid en criterium (leeg als het deelplan niet beoordeeld is).
    scores: Vec<Vec<Vec<i64>>>,
    /// Per kandidaat: vast advies (Some) of afgeleid (None); niet-ontvankelijke deelplannen zijn vast negatief.
    vast: Vec<Option<bool>>,
    kader: Beoordelingskader,
    regels: Verdeelregels,
}

#[derive(Clone, Debug, Serialize)]
pub struct Robuustheid {
    pub deelplan: DeelplanRef,
    /// Hoe vaak het deelplan (een deel van) het gevraagde kreeg.
    pub gehonoreerd: u32,
    pub runs: u32,
    /// Aandeel van de runs, in honderdsten van een procent.
    pub kans: crate::geld::Percentage,
}

impl Model {
    pub fn nieuw(kandidaten: &[Kandidaat], oordelen: &BTreeMap<DeelplanRef, Oordeel>, kader: &Beoordelingskader, regels: &Verdeelregels) -> Model {
        let kern = crate::verdeling::kern_van(kandidaten);
        let mut scores = Vec::with_capacity(kandidaten.len());
        let mut vast = Vec::with_capacity(kandidaten.len());
        for k in kandidaten {
            let o = oordelen.get(&k.deelplan);
            scores.push(o.map(|o| o.leden_scores.clone()).unwrap_or_default());
            vast.push(match (&k.deelname, o) {
                (Deelname::NietOntvankelijk { .. } | Deelname::NietSubsidiabel { .. }, _) => Some(false),
                (_, Some(o)) if o.advies_vastgelegd => Some(o.advies == Some(Advies::Positief)),
                (_, Some(_)) => None,
                (d, None) => Some(*d == Deelname::Kandidaat),
            });
        }
        Model { kern, scores, vast, kader: kader.clone(), regels: regels.clone() }
    }

    /// `runs` verstoorde verdelingen met marge `marge` (in punten, bijvoorbeeld 0,50), over `draden` draden.
    pub fn draai(&self, kandidaten: &[Kandidaat], marge: Honderdsten, runs: u32, zaad: u64, draden: usize) -> Vec<Robuustheid> {
        let blokken = (runs as usize).div_ceil(BLOK);
        let volgende = AtomicUsize::new(0);
        let tellingen: Vec<Vec<u32>> = std::thread::scope(|s| {
            let handvatten: Vec<_> = (0..draden.max(1))
                .map(|_| {
                    s.spawn(|| {
                        let mut telling = vec![0u32; self.kern.len()];
                        let mut werk = Werk::nieuw(self);
                        loop {
                            let b = volgende.fetch_add(1, Ordering::Relaxed);
                            if b >= blokken {
                                break;
                            }
                            let mut reeks = Reeks::voor_blok(zaad, b as u64);
                            let aantal = BLOK.min(runs as usize - b * BLOK);
                            for _ in 0..aantal {
                                werk.run(self, marge.0, &mut reeks, &mut telling);
                            }
                        }
                        telling
                    })
                })
                .collect();
            handvatten.into_iter().map(|h| h.join().expect("draad van de gevoeligheidsanalyse")).collect()
        });
        let mut totaal = vec![0u32; self.kern.len()];
        for t in tellingen {
            for (a, b) in totaal.iter_mut().zip(t) {
                *a += b;
            }
        }
        kandidaten
            .iter()
            .zip(totaal)
            .map(|(k, n)| Robuustheid {
                deelplan: k.deelplan.clone(),
                gehonoreerd: n,
                runs,
                kans: crate::geld::Percentage::verhouding(i128::from(n), i128::from(runs)).unwrap_or(crate::geld::Percentage::honderdsten(0)),
            })
            .collect()
    }
}

/// Werkgeheugen van één draad, hergebruikt over de runs.
struct Werk {
    kern: Vec<Kern>,
    volgorde: Vec<u32>,
    bedragen: Vec<i64>,
    sommen: Vec<i64>,
}

impl Werk {
    fn nieuw(m: &Model) -> Werk {
        Werk { kern: m.kern.clone(), volgorde: Vec::with_capacity(m.kern.len()), bedragen: vec![0; m.kern.len()], sommen: vec![0; m.kader.criteria.len()] }
    }

    fn run(&mut self, m: &Model, marge: i64, reeks: &mut Reeks, telling: &mut [u32]) {
        let (lo, hi) = (m.kader.schaal_min.0, m.kader.schaal_max.0);
        for (i, leden) in m.scores.iter().enumerate() {
            if leden.is_empty() {
                continue;
            }
            self.sommen.iter_mut().for_each(|s| *s = 0);
            for lid in leden {
                for (c, s) in lid.iter().enumerate() {
                    let d = reeks.tussen(-marge, marge);
                    self.sommen[c] += (s + d).clamp(lo, hi);
                }
            }
            let n = leden.len() as i64;
            let t = totaal(&self.sommen, n, &m.kader).0;
            let voldoende = t >= m.kader.drempel_totaal.0 && self.sommen.iter().all(|s| *s >= m.kader.drempel_per_criterium.0 * n);
            let k = &mut self.kern[i];
            k.score = t;
            k.voldoende = voldoende;
            k.kandidaat = m.vast[i].unwrap_or(voldoende);
        }
        rangschik(&self.kern, &m.regels.prioriteitsregel, &mut self.volgorde);
        vul(&self.kern, &self.volgorde, m.regels.plafond.in_centen(), m.regels.vulwijze, &mut self.bedragen);
        for &i in &self.volgorde {
            if self.bedragen[i as usize] > 0 {
                telling[i as usize] += 1;
            }
        }
    }
}
