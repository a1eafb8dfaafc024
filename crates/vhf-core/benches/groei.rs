//! Hoe groeit de kost met het werk? De verdeling (rangschikken en vullen, met uitkomsten, uitkeringen en
//! totalen) en de gevoeligheidsanalyse (16 runs op 1 draad) bij 100, 1.000, 10.000 en 100.000 deelplannen.
//!
//! De rondes komen uit `vhf_core::demo` (zoals `vhf demo generate`), getoetst, beoordeeld en geanalyseerd
//! zoals `vhf allocate` dat doet. Een demoronde heeft hoogstens 9.000 postcodegebieden om uit te delen; een
//! grotere ronde bestaat daarom uit blokken van 5.000 deelplannen (elk met een eigen zaad), waarvan de
//! kenmerken van de aanvragen per blok een voorvoegsel krijgen, zodat elk deelplan uniek blijft.
//!
//! `cargo bench -p vhf-core --bench groei`

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use vhf_core::beoordeling::{DeelplanRef, Oordeel};
use vhf_core::geld::Honderdsten;
use vhf_core::regeling::Ronde;
use vhf_core::verdeling::{Kandidaat, Verdeelregels, analyseer, besluitmoment, verdeel};

const BLOK: usize = 5_000;

struct Ronde2 {
    kandidaten: Vec<Kandidaat>,
    oordelen: BTreeMap<DeelplanRef, Oordeel>,
    kader: vhf_core::regeling::Beoordelingskader,
    regels: Verdeelregels,
}

fn ronde(n: usize) -> Ronde2 {
    let ronde = Ronde::zoek("vhf-2021").unwrap();
    let mut uit: Option<Ronde2> = None;
    let mut over = n;
    let mut blok = 0u64;
    while over > 0 {
        let deze = over.min(BLOK);
        let invoer = vhf_core::demo::genereer(ronde, deze, 2021 + blok);
        let a = analyseer(&invoer, ronde, besluitmoment(ronde), None).unwrap();
        let hernoem = |r: &DeelplanRef| DeelplanRef { aanvraag: format!("B{blok}-{}", r.aanvraag), deelplan: r.deelplan.clone() };
        let kandidaten = a.kandidaten.iter().cloned().map(|mut k| {
            k.deelplan = hernoem(&k.deelplan);
            k
        });
        let oordelen = a.oordelen.iter().map(|(r, o)| (hernoem(r), o.clone()));
        match &mut uit {
            None => {
                let regels = a.regels().unwrap();
                uit = Some(Ronde2 { kandidaten: kandidaten.collect(), oordelen: oordelen.collect(), kader: a.kader.clone(), regels });
            }
            Some(u) => {
                u.kandidaten.extend(kandidaten);
                u.oordelen.extend(oordelen);
            }
        }
        over -= deze;
        blok += 1;
    }
    uit.unwrap()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("groei");
    g.sample_size(10);
    for n in [100, 1_000, 10_000, 100_000] {
        let r = ronde(n);
        let k = r.kandidaten.len();
        g.throughput(Throughput::Elements(k as u64));
        g.bench_with_input(BenchmarkId::new("verdeling", k), &r, |b, r| b.iter(|| black_box(verdeel(black_box(&r.kandidaten), &r.regels).totalen.toegekend)));
        let model = vhf_core::gevoeligheid::Model::nieuw(&r.kandidaten, &r.oordelen, &r.kader, &r.regels);
        g.bench_with_input(BenchmarkId::new("gevoeligheid 16 runs", k), &r, |b, r| {
            b.iter(|| black_box(model.draai(&r.kandidaten, Honderdsten(50), 16, 2021, 1)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
