//! De rapporten (JSON met alle uitleg) van een gegenereerde ronde zijn byte voor byte gelijk aan wat in
//! `tests/verwacht/` staat, gemaakt vóór het sneller maken van toetsing, lezer en rapport (issue 14). De ronde
//! komt uit `vhf_core::demo` (vast zaad) en wordt ook als concept (zonder indiening, op een vast peilmoment) en
//! zonder documenten getoetst, zodat meer regels en uitkomsten meedoen dan in `examples/`. Wie de uitvoer
//! bewust verandert, schrijft het bestand opnieuw met `VHF_VERWACHT_SCHRIJVEN=1 cargo test -p vhf-core --test
//! rapport_vast`.

use jiff::Timestamp;
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;
use vhf_core::toetsing::toets_ronde;

#[test]
fn de_rapporten_van_een_gegenereerde_ronde_zijn_byte_voor_byte_als_verwacht() {
    let ronde = Ronde::zoek("vhf-2021").unwrap();
    let referentie = Referentie::ingebouwd();
    let peilmoment = Timestamp::from_second(1_620_000_000).unwrap();
    let ingediend = vhf_core::demo::genereer(ronde, 24, 14).aanvragen;
    let mut concepten = ingediend.clone();
    for (i, a) in concepten.iter_mut().enumerate() {
        a.kenmerk.push_str("-C");
        a.ingediend_op = None;
        if i % 2 == 0 {
            a.documenten.clear();
        }
        for d in &mut a.deelplannen {
            d.deelgebied.pc4.reverse();
        }
    }
    let mut uit = String::new();
    for aanvragen in [&ingediend, &concepten] {
        // Elke aanvraag gaat eerst als JSON door de lezer: die moet precies dezelfde aanvraag teruggeven.
        let gelezen: Vec<_> = aanvragen.iter().map(|a| vhf_core::invoer::lees_aanvraag(&serde_json::to_string(a).unwrap()).unwrap()).collect();
        for t in toets_ronde(&gelezen, ronde, referentie, peilmoment).unwrap() {
            uit.push_str(&serde_json::to_string_pretty(&t.rapport()).unwrap());
            uit.push('\n');
        }
    }
    if std::env::var_os("VHF_VERWACHT_SCHRIJVEN").is_some() {
        schrijf(&uit);
        return;
    }
    let verwacht = include_str!("verwacht/demo-2021.json");
    if uit != verwacht {
        let regel = uit.lines().zip(verwacht.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!("wijkt af vanaf regel {}:\nnu:   {:?}\ntoen: {:?}", regel + 1, uit.lines().nth(regel), verwacht.lines().nth(regel));
    }
}

#[allow(clippy::disallowed_methods, reason = "alleen om de verwachting opnieuw te schrijven, op verzoek; de kern zelf doet geen IO")]
fn schrijf(uit: &str) {
    let pad = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/verwacht/demo-2021.json");
    std::fs::write(pad, uit).unwrap();
}
