//! Hoe snel is de toetsing? 10.000 aanvragen van elk 5 deelplannen (3 maatregelen per deelplan), toetsen
//! per aanvraag en als ronde (met de PC4-controle over aanvragen heen), en het inlezen van de JSON.
//!
//! `cargo bench -p vhf-core --bench toetsing`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::Timestamp;
use jiff::civil::date;
use std::hint::black_box;
use vhf_core::aanvraag::*;
use vhf_core::codes::{EnergieLabel, GemeenteCode, Pc4};
use vhf_core::geld::Bedrag;
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;
use vhf_core::toetsing::{toets, toets_ronde};

/// Een vaste, reproduceerbare reeks (xorshift64*), zodat elke run dezelfde aanvragen toetst.
struct Reeks(u64);
impl Reeks {
    fn volgende(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn tot(&mut self, n: u64) -> u64 {
        self.volgende() % n
    }
}

fn aanvragen(n: usize) -> Vec<Aanvraag> {
    let gemeenten: Vec<GemeenteCode> = Referentie::ingebouwd().gemeenten().map(|g| g.code).collect();
    let mut r = Reeks(0x5eed_2021);
    (0..n)
        .map(|i| {
            let g = gemeenten[r.tot(gemeenten.len() as u64) as usize];
            let deelplannen = (0..5)
                .map(|d| {
                    let maatregelen = (0..3)
                        .map(|m| {
                            let act = [Activiteit::Renovatie, Activiteit::SloopNieuwbouw, Activiteit::Inponding][m];
                            let voor = r.tot(4) as usize;
                            Maatregel {
                                id: format!("M{m}"),
                                activiteit: act,
                                omschrijving: String::new(),
                                woningen: Woningen {
                                    eigenaar_bewoner: r.tot(200) as u32,
                                    particuliere_verhuur: r.tot(100) as u32,
                                    corporatie: r.tot(150) as u32,
                                },
                                label_voor: Some(EnergieLabel::ALLE[voor]),
                                label_na: Some(EnergieLabel::ALLE[voor + 2 + r.tot(3) as usize]),
                                kosten: Bedrag::euro(1_000_000 + r.tot(9_000_000) as i64),
                                opbrengsten: Bedrag::euro(r.tot(500_000) as i64),
                            }
                        })
                        .collect::<Vec<_>>();
                    let kosten: i64 = maatregelen.iter().map(|m| m.kosten.in_centen() - m.opbrengsten.in_centen()).sum();
                    let bijdrage = Bedrag::centen(kosten * (50 + r.tot(25) as i64) / 100);
                    Deelplan {
                        id: format!("DP{d}"),
                        naam: format!("Deelplan {d}"),
                        deelgebied: Deelgebied { gemeente: g, pc4: vec![Pc4::parse(&(1000 + r.tot(9000)).to_string()).unwrap()], prioriteitsgebied: None },
                        maatregelen,
                        bijdrage_fysiek: bijdrage,
                        projectkosten: Bedrag::centen(bijdrage.in_centen() / 20),
                        cofinanciering: vec![Cofinanciering { financier: Financier::Gemeente, naam: "Gemeente".into(), bedrag: Bedrag::centen(kosten / 2) }],
                        minimum_werkbaar: None,
                    }
                })
                .collect();
            Aanvraag {
                kenmerk: format!("BENCH-{i}"),
                ronde: "vhf-2021".into(),
                titel: "Benchmark".into(),
                aanvragers: vec![g],
                penvoerder: None,
                samenwerkingsverband: None,
                contactpersoon: Contactpersoon { naam: "B".into(), email: "b@example.org".into(), telefoon: None },
                ingediend_op: Some(Timestamp::from_second(1_620_000_000 + r.tot(1_000_000) as i64).unwrap()),
                planning: Planning { start: date(2022, 1, 1), einde: date(2030, 1, 1) },
                deelplannen,
                documenten: vec![],
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let n = 10_000;
    let v = aanvragen(n);
    let ronde = Ronde::zoek("vhf-2021").unwrap();
    let referentie = Referentie::ingebouwd();
    let moment = Timestamp::from_second(1_620_000_000).unwrap();
    let mut g = c.benchmark_group("toetsing");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(20);
    g.bench_function("toets 10.000 aanvragen × 5 deelplannen", |b| {
        b.iter(|| {
            let mut fouten = 0usize;
            for a in &v {
                let t = toets(black_box(a), ronde, referentie, moment).unwrap();
                fouten += t.fouten().count();
            }
            black_box(fouten)
        })
    });
    g.bench_function("toets_ronde 10.000 aanvragen (met PC4 over aanvragen heen)", |b| {
        b.iter(|| black_box(toets_ronde(black_box(&v), ronde, referentie, moment).unwrap().len()))
    });
    let json: Vec<String> = v.iter().map(|a| serde_json::to_string(a).unwrap()).collect();
    g.bench_function("lees 10.000 aanvraagbestanden (JSON)", |b| {
        b.iter(|| {
            for t in &json {
                black_box(vhf_core::invoer::lees_aanvraag(black_box(t)).unwrap());
            }
        })
    });
    g.throughput(Throughput::Elements(1000));
    g.bench_function("uitleg en rapport (JSON) van 1.000 toetsingen", |b| {
        let t: Vec<_> = v[..1000].iter().map(|a| toets(a, ronde, referentie, moment).unwrap()).collect();
        b.iter(|| {
            for x in &t {
                black_box(serde_json::to_string(&x.rapport()).unwrap());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
