//! Hoe snel is de verdeling? 100.000 deelplannen rangschikken en verdelen, en 10.000 runs van de
//! gevoeligheidsanalyse over een ronde als 2021 (75 deelplannen, `vhf demo generate --seed 2021`).
//!
//! `cargo bench -p vhf-core --bench verdeling`

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::Timestamp;
use vhf_core::beoordeling::DeelplanRef;
use vhf_core::codes::GemeenteCode;
use vhf_core::geld::{Bedrag, Honderdsten};
use vhf_core::indicatoren::Woningtelling;
use vhf_core::referentie::{GebiedSoort, Referentie};
use vhf_core::regeling::{Prioriteitsregel, Ronde, Vulwijze};
use vhf_core::verdeling::{Deelname, Kandidaat, Verdeelregels, verdeel};

fn kandidaten(n: usize) -> Vec<Kandidaat> {
    let gemeenten: Vec<GemeenteCode> = Referentie::ingebouwd().gemeenten().map(|g| g.code).collect();
    let mut x: u64 = 0x2021;
    let mut r = move |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    (0..n)
        .map(|i| Kandidaat {
            deelplan: DeelplanRef { aanvraag: format!("A{}", i / 2), deelplan: format!("DP{}", i % 2) },
            naam: String::new(),
            penvoerder: gemeenten[r(gemeenten.len() as u64) as usize],
            gemeente: gemeenten[r(gemeenten.len() as u64) as usize],
            deelname: if r(4) == 0 { Deelname::NegatiefAdvies { motivering: String::new() } } else { Deelname::Kandidaat },
            gevraagd: Bedrag::euro(500_000 + r(44_500_000) as i64),
            minimum_werkbaar: Bedrag::euro(500_000),
            score: Some(Honderdsten(400 + r(600) as i64)),
            voldoende: true,
            prioriteitsgebied: (r(3) == 0).then(|| ("Gebied".to_string(), GebiedSoort::GrensKrimpregio)),
            voorgeschiedenis: vhf_core::verdeling::Voorgeschiedenis {
                toekenning: (r(2) == 0).then(Default::default),
                voldoende: (r(2) == 0).then(Default::default),
                niet_voldoende: None,
            },
            bijdrage_per_woning: Some(Bedrag::euro(5_000 + r(50_000) as i64)),
            ingediend_op: Timestamp::from_second(1_620_000_000 + r(1_000_000) as i64).unwrap(),
            woningen: Woningtelling { eigenaar_bewoner: r(500), particuliere_verhuur: r(300), corporatie: r(300) },
            woningen_per_activiteit: BTreeMap::new(),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let ks = kandidaten(100_000);
    let mut g = c.benchmark_group("verdeling");
    g.sample_size(20);
    g.throughput(Throughput::Elements(100_000));
    for (naam, regel) in [
        ("verdeel 100.000 deelplannen (voorrang)", Prioriteitsregel::Voorrang),
        (
            "verdeel 100.000 deelplannen (punten)",
            Prioriteitsregel::Punten {
                punten: Honderdsten(500),
                alleen_gemeenten_zonder_eerdere_toekenning: true,
                alleen_na_eerdere_voldoende_aanvraag: true,
                alleen_als_voldoende_zonder_punten: true,
                alleen_in_prioriteitsgebied: false,
            },
        ),
    ] {
        let regels = Verdeelregels { plafond: Bedrag::euro(412_000_000_000), vulwijze: Vulwijze::Stop, prioriteitsregel: regel, prioriteitsbron: None };
        g.bench_function(naam, |b| b.iter(|| black_box(verdeel(black_box(&ks), &regels).totalen.toegekend)));
    }

    let ronde = Ronde::zoek("vhf-2021").unwrap();
    let invoer = vhf_core::demo::genereer(ronde, 75, 2021);
    let a = vhf_core::verdeling::analyseer(&invoer, ronde, vhf_core::verdeling::besluitmoment(ronde), None).unwrap();
    let regels = a.regels().unwrap();
    let model = vhf_core::gevoeligheid::Model::nieuw(&a.kandidaten, &a.oordelen, &a.kader, &regels);
    g.throughput(Throughput::Elements(10_000));
    for draden in [1, 2] {
        g.bench_function(format!("gevoeligheid 10.000 runs, 75 deelplannen, {draden} draad/draden"), |b| {
            b.iter(|| black_box(model.draai(&a.kandidaten, Honderdsten(50), 10_000, 2021, draden)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
