//! Een synthetische ronde voor demo's, tests en benchmarks: aanvragen met deelplannen, een commissie met
//! belangenconflicten, toewijzingen en scores. Reproduceerbaar met een zaadwaarde; geen echte gegevens.
//!
//! Verdelingen (ontworpen om op 2021 te lijken: 48 aanvragen, 75 deelplannen, ~€ 567 mln gevraagd): een
//! aanvraag heeft 1–3 deelplannen (gemiddeld 1,55); gevraagd per deelplan log-uniform € 0,5–45 mln, binnen het
//! plafond per aanvraag van de ronde; 30–1.500 woningen; ~80% particulier; prioriteitsgebieden oververtegenwoordigd (~60%
//! van de aanvragen); ~10% gezamenlijke aanvragen in een regio; een op de zeven aanvragen heeft een fout
//! (te veel gevraagd, gat in de cofinanciering, renovatie met te weinig labelstappen of een ontbrekend
//! plan van aanpak); de commissie (9 leden) scoort elk subsidiabel deelplan met 3 leden zonder conflict.

use jiff::civil::date;

use crate::aanvraag::*;
use crate::beoordeling::{Beoordelingen, Commissielid, Conflict, Score, Toewijzing};
use crate::codes::{EnergieLabel, GemeenteCode, Pc4};
use crate::geld::{Bedrag, Honderdsten};
use crate::reeks::Reeks;
use crate::referentie::{GebiedSoort, Referentie};
use crate::regeling::{Afloop, Ronde};
use crate::verdeling::{EerdereUitkomst, Verdeelinvoer};

/// e^x met alleen optellen, vermenigvuldigen en delen (reeks van Taylor), zodat de uitkomst op elk platform
/// bit voor bit gelijk is; `f64::exp` komt uit de C-bibliotheek van het platform. Voor 0 ≤ x ≤ 4.
fn exp(x: f64) -> f64 {
    let (mut som, mut term) = (1.0, 1.0);
    for n in 1..40 {
        term = term * x / f64::from(n);
        som += term;
    }
    som
}

fn euro(e: f64) -> Bedrag {
    // Afgerond op hele euro's: een demo hoeft geen centen, en de som blijft exact.
    Bedrag::euro(e.round() as i64)
}

fn sha(r: &mut Reeks) -> Sha256 {
    let hex: String = (0..4).map(|_| format!("{:016x}", r.volgende())).collect();
    serde_json::from_str(&format!("\"{hex}\"")).expect("64 hex")
}

/// Maakt een ronde met ongeveer `deelplannen` deelplannen.
pub fn genereer(ronde: &Ronde, deelplannen: usize, zaad: u64) -> Verdeelinvoer {
    let mut r = Reeks::van(zaad ^ 0x5648_4620_4445_4d4f);
    let referentie = Referentie::ingebouwd();
    let p = ronde.parameters_op(ronde.moment(ronde.parameters.loket_open.wijzigingen()[0].waarde));
    let lijst = referentie.lijst(p.prioriteitslijst.waarde).expect("lijst van de ronde bestaat");
    let steden: Vec<_> = lijst.values().filter(|g| g.soort.is_stedelijk()).collect();
    let regios: Vec<_> = lijst.values().filter(|g| g.soort == GebiedSoort::GrensKrimpregio).collect();
    let alle: Vec<GemeenteCode> = referentie.gemeenten().map(|g| g.code).collect();
    let plafond = Ronde::plafond_per_aanvraag(&p).expect("plafond").in_centen() as f64 / 100.0;
    let open = ronde.moment(*p.loket_open.waarde).as_second();
    let sluit = ronde.moment(*p.loket_sluit.waarde).as_second();
    let mut pc4_vrij: Vec<u16> = (1000..10000).collect();
    let mut aanvragen = Vec::new();
    let mut n_dp = 0;
    let mut volgnummer = 0;
    while n_dp < deelplannen {
        volgnummer += 1;
        let soort = r.fractie();
        // (aanvragers, gebied per deelplan)
        let (aanvragers, gebied): (Vec<GemeenteCode>, Option<&crate::referentie::Prioriteitsgebied>) = if soort < 0.35 {
            let g = *r.kies(&steden);
            (vec![*g.gemeenten.keys().next().expect("stad heeft een gemeente")], Some(g))
        } else if soort < 0.50 {
            let g = *r.kies(&regios);
            let leden: Vec<GemeenteCode> = g.gemeenten.keys().copied().collect();
            let n = (2 + r.tot(3) as usize).min(leden.len());
            let mut gekozen: Vec<GemeenteCode> = Vec::new();
            while gekozen.len() < n {
                let c = *r.kies(&leden);
                if !gekozen.contains(&c) {
                    gekozen.push(c);
                }
            }
            (gekozen, Some(g))
        } else if soort < 0.60 {
            let g = *r.kies(&regios);
            let leden: Vec<GemeenteCode> = g.gemeenten.keys().copied().collect();
            (vec![*r.kies(&leden)], Some(g))
        } else {
            (vec![*r.kies(&alle)], None)
        };
        let aantal_dp = match r.tot(20) {
            0..=11 => 1,
            12..=16 => 2,
            _ => 3,
        }
        .min(deelplannen - n_dp)
        .max(1);
        // Per deelplan hoogstens zoveel dat de aanvraag onder het plafond per aanvraag blijft.
        let per_deelplan_max = (0.9 * plafond / aantal_dp as f64).min(45_000_000.0);
        let fout = r.tot(7) == 0;
        let foutsoort = r.tot(4);
        let kenmerk = format!("DEMO-{}-{volgnummer:03}", &ronde.id[4..]);
        let mut dps = Vec::new();
        let mut documenten = Vec::new();
        for d in 0..aantal_dp {
            let gemeente = aanvragers[d % aanvragers.len()];
            // Log-uniform tussen € 0,5 en 45 mln: 500.000 × 90^u = 500.000 × e^(u·ln 90).
            let gevraagd = (500_000f64 * exp(r.fractie() * 4.499_809_670_330_265)).min(per_deelplan_max);
            let aandeel = 0.45 + 0.25 * r.fractie(); // bijdrage / tekort
            let fysiek = gevraagd * 0.95;
            let projectkosten = gevraagd - fysiek;
            let tekort = fysiek / aandeel;
            let per_woning = 8_000.0 + 40_000.0 * r.fractie();
            let woningen = ((gevraagd / per_woning) as u32).clamp(30, 1500);
            let particulier = 0.65 + 0.3 * r.fractie();
            let eb = (f64::from(woningen) * particulier * 0.6) as u32;
            let pv = (f64::from(woningen) * particulier) as u32 - eb;
            let corp = woningen - eb - pv;
            let opbrengsten = tekort * 0.2 * r.fractie();
            let kosten = tekort + opbrengsten;
            let sloop = r.kans(0.3);
            let voor = *r.kies(&[EnergieLabel::G, EnergieLabel::F, EnergieLabel::E, EnergieLabel::D]);
            let stappen = if fout && foutsoort == 2 && d == 0 { 1 } else { 3 + r.tot(2) as usize };
            let na = EnergieLabel::ALLE[(voor as usize + stappen).min(EnergieLabel::ALLE.len() - 1)];
            let mut maatregelen = Vec::new();
            let deel_renovatie = if sloop { 0.6 } else { 0.9 };
            let renov = Woningen {
                eigenaar_bewoner: (f64::from(eb) * deel_renovatie) as u32,
                particuliere_verhuur: (f64::from(pv) * deel_renovatie) as u32,
                corporatie: (f64::from(corp) * deel_renovatie) as u32,
            };
            let rest = Woningen {
                eigenaar_bewoner: eb - renov.eigenaar_bewoner,
                particuliere_verhuur: pv - renov.particuliere_verhuur,
                corporatie: corp - renov.corporatie,
            };
            let k_ren = kosten * if sloop { 0.55 } else { 0.85 };
            let k_rest = kosten - k_ren;
            maatregelen.push(Maatregel {
                id: "M1".into(),
                activiteit: Activiteit::Renovatie,
                omschrijving: "Renovatie en verduurzaming".into(),
                woningen: renov,
                label_voor: Some(voor),
                label_na: Some(na),
                kosten: euro(k_ren),
                opbrengsten: euro(opbrengsten * 0.2),
            });
            let totaal_kosten = euro(kosten);
            let totaal_opbr = euro(opbrengsten);
            maatregelen.push(Maatregel {
                id: "M2".into(),
                activiteit: if sloop { Activiteit::SloopNieuwbouw } else { Activiteit::Inponding },
                omschrijving: if sloop { "Sloop en nieuwbouw".into() } else { "Aankoop van particuliere woningen".into() },
                woningen: rest,
                label_voor: None,
                label_na: None,
                kosten: totaal_kosten.minus(euro(k_ren)).expect("klein"),
                opbrengsten: totaal_opbr.minus(euro(opbrengsten * 0.2)).expect("klein"),
            });
            let _ = k_rest;
            let tekort_exact = totaal_kosten.minus(totaal_opbr).expect("klein");
            // De bijdrage op hele euro's en nooit boven 70% (tenzij dit de fout van deze aanvraag is).
            let mut bijdrage = euro(fysiek).min(tekort_exact.maal_omlaag(*p.max_aandeel_tekort.waarde).expect("klein"));
            if fout && foutsoort == 0 && d == 0 {
                bijdrage = tekort_exact.maal_omlaag(crate::geld::Percentage::honderdsten(7500)).expect("klein");
            }
            let mut cof = tekort_exact.minus(bijdrage).expect("klein").max(Bedrag::NUL);
            if fout && foutsoort == 1 && d == 0 {
                cof = Bedrag::centen(cof.in_centen() * 8 / 10);
            }
            let pc4 = {
                let i = r.tot(pc4_vrij.len() as u64) as usize;
                let code = pc4_vrij.swap_remove(i);
                vec![Pc4::parse(&code.to_string()).expect("1000–9999")]
            };
            let prioriteitsgebied = match gebied {
                Some(g) if g.soort.is_stedelijk() => Some(g.id.clone()),
                _ => None,
            };
            let id = format!("DP{}", d + 1);
            let minimum = r.kans(0.4).then(|| Bedrag::centen((bijdrage.in_centen() + euro(projectkosten).in_centen()) * (60 + r.tot(30) as i64) / 100));
            if !(fout && foutsoort == 3 && d == 0) {
                documenten.push(Document {
                    soort: DocumentSoort::PlanVanAanpak,
                    deelplan: Some(id.clone()),
                    naam: format!("Plan van aanpak {id}.pdf"),
                    sha256: sha(&mut r),
                });
            }
            dps.push(Deelplan {
                id,
                naam: format!("Deelgebied {} {}", referentie.gemeentenaam(gemeente), d + 1),
                deelgebied: Deelgebied { gemeente, pc4, prioriteitsgebied },
                maatregelen,
                bijdrage_fysiek: bijdrage,
                projectkosten: Bedrag::centen(euro(projectkosten).in_centen().min(bijdrage.in_centen() / 10)),
                cofinanciering: vec![
                    Cofinanciering {
                        financier: Financier::Gemeente,
                        naam: format!("Gemeente {}", referentie.gemeentenaam(gemeente)),
                        bedrag: Bedrag::centen(cof.in_centen() / 2),
                    },
                    Cofinanciering {
                        financier: Financier::Corporatie,
                        naam: "Woningcorporatie".into(),
                        bedrag: Bedrag::centen(cof.in_centen() - cof.in_centen() / 2),
                    },
                ],
                minimum_werkbaar: minimum,
            });
        }
        n_dp += dps.len();
        documenten.push(Document { soort: DocumentSoort::Begroting, deelplan: None, naam: "Begroting.xlsx".into(), sha256: sha(&mut r) });
        documenten.push(Document {
            soort: DocumentSoort::IntentieverklaringCorporatie,
            deelplan: None,
            naam: "Intentieverklaring corporatie.pdf".into(),
            sha256: sha(&mut r),
        });
        // Meer aanvragen vlak voor de deadline.
        let t = open + ((sluit - open - 1) as f64 * r.fractie().sqrt()) as i64;
        aanvragen.push(Aanvraag {
            kenmerk,
            ronde: ronde.id.clone(),
            titel: format!("Herstructurering {}", referentie.gemeentenaam(aanvragers[0])),
            penvoerder: (aanvragers.len() > 1).then(|| aanvragers[0]),
            samenwerkingsverband: (aanvragers.len() > 1).then(|| gebied.map_or_else(|| "Regio".into(), |g| g.naam.clone())),
            aanvragers,
            contactpersoon: Contactpersoon { naam: "Demo Contact".into(), email: "vhf@gemeente.example".into(), telefoon: None },
            ingediend_op: Some(jiff::Timestamp::from_second(t).expect("binnen bereik")),
            planning: Planning { start: date(ronde.geldig_vanaf.year() + 1, 1, 1), einde: date(ronde.geldig_vanaf.year() + 9, 12, 31) },
            deelplannen: dps,
            documenten,
        });
    }
    let beoordelingen = commissie(&mut r, ronde, &aanvragen);
    // Na de eerste ronde: een verzonnen geschiedenis in de ronde ervoor (voor de puntenregel), per aanvraag voor de
    // gemeente van haar eerste deelgebied: toegekend, voldoende maar niet toegekend, niet voldoende, of niets.
    let mut eerder = Vec::new();
    if let Some(vorige) = Ronde::ingebouwd().iter().rev().find(|x| x.geldig_vanaf < ronde.geldig_vanaf) {
        for (i, a) in aanvragen.iter().enumerate() {
            let afloop = match r.tot(4) {
                0 => Afloop::Toegekend,
                1 => Afloop::VoldoendeNietToegekend,
                2 => Afloop::NietVoldoende,
                _ => continue,
            };
            eerder.push(EerdereUitkomst {
                ronde: vorige.id.clone(),
                gemeente: a.deelplannen[0].deelgebied.gemeente,
                kenmerk: Some(format!("DEMO-{}-{i:03}", vorige.geldig_vanaf.year())),
                deelplan: Some("DP1".into()),
                afloop,
                bron: format!("demo: verzonnen uitkomst (zaad {zaad}), geen echte gegevens"),
            });
        }
    }
    Verdeelinvoer {
        ronde: ronde.id.clone(),
        aanvragen,
        beoordelingen,
        eerdere_uitkomsten: eerder,
        parameterwijzigingen: Vec::new(),
        geuploade_documenten: None,
    }
}

/// Negen leden, elk met een conflict met één of twee gemeenten; per subsidiabel deelplan drie leden zonder
/// conflict, met scores rond een verborgen kwaliteit van het deelplan.
fn commissie(r: &mut Reeks, ronde: &Ronde, aanvragen: &[Aanvraag]) -> Beoordelingen {
    let referentie = Referentie::ingebouwd();
    let gemeenten: Vec<GemeenteCode> = aanvragen.iter().flat_map(|a| a.aanvragers.iter().copied()).collect();
    let leden: Vec<Commissielid> = (1..=9)
        .map(|i| Commissielid {
            id: format!("L{i}"),
            naam: format!("Commissielid {i}"),
            conflicten: (0..1 + r.tot(2)).map(|_| Conflict::Gemeente(*r.kies(&gemeenten))).collect(),
        })
        .collect();
    let mut toewijzingen = Vec::new();
    let mut scores = Vec::new();
    let moment = jiff::Timestamp::from_second(0).expect("0");
    for a in aanvragen {
        let Ok(t) = crate::toetsing::toets(a, ronde, referentie, moment) else { continue };
        if !t.ontvankelijk() {
            continue;
        }
        for (i, dp) in a.deelplannen.iter().enumerate() {
            if !t.deelplan_subsidiabel(i) {
                continue;
            }
            let vrij: Vec<&Commissielid> =
                leden.iter().filter(|l| !l.conflicten.iter().any(|c| matches!(c, Conflict::Gemeente(g) if a.aanvragers.contains(g)))).collect();
            let start = r.tot(vrij.len() as u64) as usize;
            let gekozen: Vec<&Commissielid> = (0..3.min(vrij.len())).map(|k| vrij[(start + k) % vrij.len()]).collect();
            toewijzingen.push(Toewijzing { aanvraag: a.kenmerk.clone(), deelplan: dp.id.clone(), leden: gekozen.iter().map(|l| l.id.clone()).collect() });
            let kwaliteit = 4.0 + 5.0 * r.fractie();
            for l in gekozen {
                for (c, naam) in ["effectiviteit", "additionaliteit", "proportionaliteit", "haalbaarheid"].iter().enumerate() {
                    let ruis = 2.0 * r.fractie() - 1.0 + if c == 3 { 0.3 } else { 0.0 };
                    let s = ((kwaliteit + ruis).clamp(0.0, 10.0) * 2.0).round() / 2.0;
                    scores.push(Score {
                        lid: l.id.clone(),
                        aanvraag: a.kenmerk.clone(),
                        deelplan: dp.id.clone(),
                        criterium: (*naam).into(),
                        score: Honderdsten((s * 100.0) as i64),
                        motivering: format!("{} beoordeeld op basis van het plan van aanpak.", naam),
                    });
                }
            }
        }
    }
    Beoordelingen { leden, toewijzingen, scores, adviezen: vec![] }
}
