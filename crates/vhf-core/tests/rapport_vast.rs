//! De rapporten (JSON met alle uitleg) van een gegenereerde ronde zijn byte voor byte gelijk aan wat in
//! `tests/verwacht/` staat, gemaakt vóór het sneller maken van toetsing, lezer en rapport (issue 14). De ronde
//! komt uit `vhf_core::demo` (vast zaad) en wordt ook als concept (zonder indiening, op een vast peilmoment) en
//! zonder documenten getoetst, zodat meer regels en uitkomsten meedoen dan in `examples/`. Wie de uitvoer
//! bewust verandert, schrijft het bestand opnieuw met `VHF_VERWACHT_SCHRIJVEN=1 cargo test -p vhf-core --test
//! rapport_vast`.

use jiff::Timestamp;
use vhf_core::aanvraag::Aanvraag;
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;
use vhf_core::toetsing::{DocumentBron, HerstelFout, Parameterstand, Vastlegging, herstel, parameters_uit_verslag, toets_met_parameters, toets_ronde};

/// De aanvragen van de test: ingediend, en als concepten (zonder indiening, deels zonder documenten).
fn aanvragen(ronde: &Ronde) -> [Vec<Aanvraag>; 2] {
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
    [ingediend, concepten]
}

#[test]
fn de_rapporten_van_een_gegenereerde_ronde_zijn_byte_voor_byte_als_verwacht() {
    let ronde = Ronde::zoek("vhf-2021").unwrap();
    let referentie = Referentie::ingebouwd();
    let peilmoment = Timestamp::from_second(1_620_000_000).unwrap();
    let mut uit = String::new();
    for aanvragen in &aanvragen(ronde) {
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

/// De ronde 2021, en dezelfde ronde nadat ze het maximale aandeel van het tekort met terugwerkende kracht verlaagde
/// (vanaf de dag na haar eerste, vóór het peilmoment van de tests): een nieuwe toetsing komt daarmee anders uit,
/// een bewaarde niet.
fn ronde_en_later_gewijzigd() -> (&'static Ronde, Ronde) {
    let ronde = Ronde::zoek("vhf-2021").unwrap();
    let mut gewijzigd = ronde.clone();
    let w =
        vhf_core::regeling::Wijziging { vanaf: jiff::civil::date(2021, 3, 12), waarde: serde_json::json!("50%"), bron: "[D] test".into(), toelichting: None };
    gewijzigd.parameters.wijzig("max_aandeel_tekort", w).unwrap();
    (ronde, gewijzigd)
}

/// Bewaren zonder tekst (issue 14): de vastlegging van elke toetsing gaat als JSON heen en terug, en
/// [`herstel`] maakt er precies hetzelfde verslag van — ook nadat de ronde een parameter heeft gewijzigd, want de
/// parameters van toen zitten in de vastlegging. Samen met de test hierboven: het herstelde verslag is ook gelijk
/// aan `verwacht/demo-2021.json`.
#[test]
fn een_bewaarde_toetsing_geeft_bij_het_lezen_hetzelfde_verslag_tot_op_de_byte() {
    let (ronde, gewijzigd) = ronde_en_later_gewijzigd();
    let referentie = Referentie::ingebouwd();
    let peilmoment = Timestamp::from_second(1_620_000_000).unwrap();
    let (mut verslag, mut bewaard, mut anders) = (0usize, 0usize, 0usize);
    let mut standen = std::collections::BTreeSet::new();
    for aanvragen in &aanvragen(ronde) {
        let gelezen: Vec<_> = aanvragen.iter().map(|a| vhf_core::invoer::lees_aanvraag(&serde_json::to_string(a).unwrap()).unwrap()).collect();
        for t in toets_ronde(&gelezen, ronde, referentie, peilmoment).unwrap() {
            let origineel = serde_json::to_string(&t.rapport()).unwrap();
            let (v, stand) = t.vastlegging();
            let json = serde_json::to_string(&v).unwrap();
            let v: Vastlegging = serde_json::from_str(&json).unwrap();
            let p = Parameterstand::lees(&v.parameters_sha256, &stand.json).unwrap();
            standen.insert(stand.sha256);
            for r in [ronde, &gewijzigd] {
                let terug = herstel(t.aanvraag, r, referentie, &v, &p).unwrap();
                assert_eq!(serde_json::to_string(&terug.rapport()).unwrap(), origineel, "{}", t.aanvraag.kenmerk);
                assert_eq!(terug.bevindingen, t.bevindingen);
            }
            let opnieuw = vhf_core::toetsing::toets(t.aanvraag, &gewijzigd, referentie, peilmoment).unwrap();
            anders += usize::from(serde_json::to_string(&opnieuw.rapport()).unwrap() != origineel);
            verslag += origineel.len();
            bewaard += json.len();
        }
    }
    assert!(anders > 0, "de wijziging van de ronde moet een nieuwe toetsing veranderen, anders bewijst de test niets");
    // Alle aanvragen van de ronde delen één stand van de parameters (zelfde peildatum), die apart bewaard wordt.
    assert_eq!(standen.len(), 1);
    // Wat het waard is: per toetsing blijft minder dan een vijfde van de bytes van het verslag over.
    assert!(bewaard * 5 < verslag, "bewaard {bewaard} bytes, verslag {verslag} bytes");
}

#[test]
fn een_bewaarde_toetsing_past_alleen_bij_haar_eigen_inhoud_en_ronde() {
    let ronde = Ronde::zoek("vhf-2021").unwrap();
    let referentie = Referentie::ingebouwd();
    let peilmoment = Timestamp::from_second(1_620_000_000).unwrap();
    let [ingediend, _] = aanvragen(ronde);
    let t = vhf_core::toetsing::toets(&ingediend[0], ronde, referentie, peilmoment).unwrap();
    let (v, stand) = t.vastlegging();
    let p = Parameterstand::lees(&stand.sha256, &stand.json).unwrap();
    // Een stand die niet meer bij haar SHA-256 past, of een andere stand dan de toetsing noemt: geweigerd.
    let vervalst = stand.json.replace("70%", "80%");
    assert!(matches!(Parameterstand::lees(&stand.sha256, &vervalst), Err(HerstelFout::ParametersGewijzigd { .. })));
    let mut andere_stand = p.clone();
    andere_stand.sha256 = "0".repeat(64);
    assert!(matches!(herstel(&ingediend[0], ronde, referentie, &v, &andere_stand), Err(HerstelFout::ParametersGewijzigd { .. })));
    let mut ander = ingediend[0].clone();
    ander.titel.push_str(" (gewijzigd)");
    assert!(matches!(herstel(&ander, ronde, referentie, &v, &p), Err(HerstelFout::Inhoud { .. })));
    let r2023 = Ronde::zoek("vhf-2023").unwrap();
    assert!(matches!(herstel(&ingediend[0], r2023, referentie, &v, &p), Err(HerstelFout::Ronde { .. })));
    let mut oud = v.clone();
    oud.formaat = 1;
    assert_eq!(herstel(&ingediend[0], ronde, referentie, &oud, &p).err(), Some(HerstelFout::Formaat(1)));
    let mut te_ver = v.clone();
    te_ver.bevindingen[0].niveau = vhf_core::toetsing::Niveau::Deelplan(99);
    assert!(matches!(herstel(&ingediend[0], ronde, referentie, &te_ver, &p), Err(HerstelFout::Niveau(_))));
    assert!(herstel(&ingediend[0], ronde, referentie, &v, &p).is_ok());
}

/// Een oud verslag (formaat 1, het volledige rapport) noemt de parameters van toen; [`parameters_uit_verslag`]
/// maakt er parameters van die op de peildatum precies die waarden geven (dezelfde stand, dezelfde SHA-256), en een
/// toetsing met die parameters geeft hetzelfde verslag, ook tegen een ronde die sindsdien gewijzigd is. Zo zet de
/// server oude verslagen om (`handelingen::aanvragen::zet_verslagen_om`).
#[test]
fn de_parameters_van_een_oud_verslag_geven_dezelfde_stand_en_hetzelfde_verslag() {
    let (ronde, gewijzigd) = ronde_en_later_gewijzigd();
    let referentie = Referentie::ingebouwd();
    let peilmoment = Timestamp::from_second(1_620_000_000).unwrap();
    let [ingediend, _] = aanvragen(ronde);
    for a in ingediend.iter().take(5) {
        let t = vhf_core::toetsing::toets(a, ronde, referentie, peilmoment).unwrap();
        let verslag = serde_json::to_string(&t.rapport()).unwrap();
        let (_, stand) = t.vastlegging();
        let (peildatum, parameters) = parameters_uit_verslag(&serde_json::from_str(&verslag).unwrap()).expect("het verslag noemt zijn parameters");
        assert_eq!(peildatum, t.parameters.peildatum);
        let waarden = parameters.op(peildatum).expect("een waarde op de peildatum");
        assert_eq!(Parameterstand::van(&waarden).sha256, stand.sha256);
        let opnieuw = toets_met_parameters(a, &gewijzigd, referentie, t.peilmoment, waarden, &a.documenten, DocumentBron::Verklaard).unwrap();
        assert_eq!(serde_json::to_string(&opnieuw.rapport()).unwrap(), verslag, "{}", a.kenmerk);
        assert_ne!(serde_json::to_string(&vhf_core::toetsing::toets(a, &gewijzigd, referentie, peilmoment).unwrap().rapport()).unwrap(), verslag);
    }
    // Zonder (leesbare) parameters of peildatum: niets, geen half resultaat.
    let verslag: serde_json::Value = serde_json::to_value(vhf_core::toetsing::toets(&ingediend[0], ronde, referentie, peilmoment).unwrap().rapport()).unwrap();
    let mut zonder = verslag.clone();
    zonder.as_object_mut().unwrap().remove("parameters");
    assert!(parameters_uit_verslag(&zonder).is_none());
    let mut zonder_datum = verslag.clone();
    zonder_datum["parameters"].as_object_mut().unwrap().remove("peildatum");
    assert!(parameters_uit_verslag(&zonder_datum).is_none());
    let mut onleesbaar = verslag;
    onleesbaar["parameters"]["max_aandeel_tekort"]["waarde"] = serde_json::json!("zeventig");
    assert!(parameters_uit_verslag(&onleesbaar).is_none());
}

#[allow(clippy::disallowed_methods, reason = "alleen om de verwachting opnieuw te schrijven, op verzoek; de kern zelf doet geen IO")]
fn schrijf(uit: &str) {
    let pad = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/verwacht/demo-2021.json");
    std::fs::write(pad, uit).unwrap();
}
