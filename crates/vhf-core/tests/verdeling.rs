//! Verdeling van het budget: met de hand uitgerekende rondes voor elke vulwijze en prioriteitsregel, en
//! eigenschappen die voor elke ronde gelden (proptest). Bedragen in hele euro's om de rekensom leesbaar te houden.

use std::collections::BTreeMap;

use jiff::Timestamp;
use proptest::prelude::*;
use vhf_core::beoordeling::DeelplanRef;
use vhf_core::codes::GemeenteCode;
use vhf_core::geld::{Bedrag, Honderdsten};
use vhf_core::indicatoren::Woningtelling;
use vhf_core::referentie::GebiedSoort;
use vhf_core::regeling::{Afloop, Prioriteitsregel, Ronde, Vulwijze};
use vhf_core::verdeling::{Deelname, EerdereAanvraag, EerdereUitkomst, Kandidaat, Uitkomst, Verdeelregels, Voorgeschiedenis, verdeel};

fn gm(c: &str) -> GemeenteCode {
    GemeenteCode::parse(c).unwrap()
}

/// Kandidaat `id` van aanvraag `aanvraag`, met score (honderdsten), gevraagd bedrag en minimum in euro's.
fn k(aanvraag: &str, id: &str, score: i64, gevraagd: i64, minimum: i64) -> Kandidaat {
    Kandidaat {
        deelplan: DeelplanRef { aanvraag: aanvraag.into(), deelplan: id.into() },
        naam: id.into(),
        penvoerder: gm("GM0479"),
        gemeente: gm("GM0479"),
        deelname: Deelname::Kandidaat,
        gevraagd: Bedrag::euro(gevraagd),
        minimum_werkbaar: Bedrag::euro(minimum),
        score: Some(Honderdsten(score)),
        voldoende: true,
        prioriteitsgebied: None,
        voorgeschiedenis: Voorgeschiedenis::default(),
        bijdrage_per_woning: Some(Bedrag::euro(10_000)),
        ingediend_op: Timestamp::from_second(1_620_000_000).unwrap(),
        woningen: Woningtelling { eigenaar_bewoner: 80, particuliere_verhuur: 20, corporatie: 100 },
        woningen_per_activiteit: BTreeMap::new(),
    }
}

fn regels(plafond: i64, vulwijze: Vulwijze) -> Verdeelregels {
    Verdeelregels { plafond: Bedrag::euro(plafond), vulwijze, prioriteitsregel: Prioriteitsregel::Voorrang, prioriteitsbron: None }
}

fn bedragen(v: &vhf_core::verdeling::Verdeling) -> Vec<(String, i64, Uitkomst)> {
    v.toekenningen.iter().map(|t| (t.deelplan.deelplan.clone(), t.bedrag.in_centen() / 100, t.uitkomst)).collect()
}

use Uitkomst::*;

#[test]
fn stop_met_gedeeltelijke_toekenning() {
    // Plafond 100. A (8,00; 40) → 40, restant 60. B (7,50; 30) → 30, restant 30.
    // C (7,00; 50, minimaal 25): 30 ≥ 25 → gedeeltelijk 30, restant 0. D (6,50; 10) → reservelijst 1.
    let ks = vec![k("X", "A", 800, 40, 40), k("X", "B", 750, 30, 30), k("Y", "C", 700, 50, 25), k("Y", "D", 650, 10, 10)];
    let v = verdeel(&ks, &regels(100, Vulwijze::Stop));
    assert_eq!(
        bedragen(&v),
        vec![
            ("A".into(), 40, Toegekend),
            ("B".into(), 30, Toegekend),
            ("C".into(), 30, GedeeltelijkToegekend),
            ("D".into(), 0, PositiefNietGehonoreerdWegensBudget)
        ]
    );
    assert_eq!(v.toekenningen[3].reserve, Some(1));
    assert_eq!(v.totalen.toegekend, Bedrag::euro(100));
    assert_eq!(v.totalen.restant, Bedrag::NUL);
    let uitleg = v.uitleg(&ks, 2);
    assert!(uitleg.contains("Rang 3 van 4") && uitleg.contains("gedeeltelijk toegekend: € 30,00"), "{uitleg}");
}

#[test]
fn stop_en_doorgaan_als_het_eerste_deelplan_dat_niet_past_niet_werkbaar_is() {
    // Als boven, maar C is pas werkbaar vanaf 40 > restant 30: C niet. Stop: D ook niet (reservelijst 2).
    // Doorgaan: D (10) past in het restant van 30 → 10, restant 20.
    let ks = vec![k("X", "A", 800, 40, 40), k("X", "B", 750, 30, 30), k("Y", "C", 700, 50, 40), k("Y", "D", 650, 10, 10)];
    let stop = verdeel(&ks, &regels(100, Vulwijze::Stop));
    assert_eq!(bedragen(&stop)[2..], [("C".into(), 0, PositiefNietGehonoreerdWegensBudget), ("D".into(), 0, PositiefNietGehonoreerdWegensBudget)]);
    assert_eq!((stop.toekenningen[2].reserve, stop.toekenningen[3].reserve), (Some(1), Some(2)));
    assert_eq!(stop.totalen.restant, Bedrag::euro(30));
    let uitleg = stop.uitleg(&ks, 3);
    assert!(uitleg.contains("een hoger gerangschikt deelplan paste niet (vulwijze stop)"), "{uitleg}");
    let door = verdeel(&ks, &regels(100, Vulwijze::Doorgaan));
    assert_eq!(bedragen(&door)[2..], [("C".into(), 0, PositiefNietGehonoreerdWegensBudget), ("D".into(), 10, Toegekend)]);
    assert_eq!(door.totalen.restant, Bedrag::euro(20));
}

#[test]
fn doorgaan_zonder_gedeeltelijke_toekenning_legt_elke_uitkomst_uit() {
    // Plafond 100, vulwijze doorgaan. A (9,00; 40) → 40, restant 60. B (8,00; 70, minimaal 65) is het eerste dat niet
    // past: 60 < 65 → niets. C (7,00; 50) past nog volledig → 50, restant 10. D (6,00; 30, minimaal 5) past niet;
    // 10 ≥ 5, maar alleen het eerste deelplan dat niet past (B) mag gedeeltelijk → niets. E (5,80; 10) → 10.
    let ks = vec![k("X", "A", 900, 40, 40), k("X", "B", 800, 70, 65), k("Y", "C", 700, 50, 50), k("Y", "D", 600, 30, 5), k("Z", "E", 580, 10, 10)];
    let v = verdeel(&ks, &regels(100, Vulwijze::Doorgaan));
    assert_eq!(bedragen(&v).iter().map(|x| x.1).collect::<Vec<_>>(), [40, 0, 50, 0, 10]);
    assert_eq!(v.totalen.restant, Bedrag::NUL);
    let b = v.uitleg(&ks, 1);
    assert!(b.contains("het eerste deelplan dat niet past") && b.contains("minder dan het minimaal werkbare bedrag (€ 65,00)"), "{b}");
    assert!(b.contains("vulwijze doorgaan") && b.contains("die nog volledig passen"), "{b}");
    let c = v.uitleg(&ks, 2);
    assert!(c.contains("volledig toegekend") && c.contains("vulwijze doorgaan: het deelplan op rang 2 paste niet"), "{c}");
    assert!(c.contains("alleen bij vulwijze stop krijgt geen deelplan minder als het plafond stijgt"), "{c}");
    let d = v.uitleg(&ks, 3);
    assert!(d.contains("restant van het plafond is € 10,00"), "{d}");
    assert!(d.contains("alleen het eerste deelplan dat niet past (rang 2) kan een gedeeltelijke toekenning krijgen"), "{d}");
    assert!(!d.contains("minimaal werkbare"), "D is wel werkbaar met het restant; dat is niet de reden: {d}");
    // A kwam vóór het eerste deelplan dat niet paste: geen woord over doorgaan.
    assert!(!v.uitleg(&ks, 0).contains("doorgaan"), "{}", v.uitleg(&ks, 0));
}

#[test]
fn doorgaan_na_een_gedeeltelijke_toekenning_zegt_waarom_de_rest_niets_krijgt() {
    // Plafond 100, doorgaan. A (9,00; 40) → 40, restant 60. B (8,00; 70, minimaal 50): 60 ≥ 50 → gedeeltelijk 60,
    // restant 0. C (7,00; 10) → niets: na de gedeeltelijke toekenning is er niets meer over.
    let ks = vec![k("X", "A", 900, 40, 40), k("X", "B", 800, 70, 50), k("Y", "C", 700, 10, 10)];
    let v = verdeel(&ks, &regels(100, Vulwijze::Doorgaan));
    assert_eq!(bedragen(&v), vec![("A".into(), 40, Toegekend), ("B".into(), 60, GedeeltelijkToegekend), ("C".into(), 0, PositiefNietGehonoreerdWegensBudget)]);
    let b = v.uitleg(&ks, 1);
    assert!(b.contains("gedeeltelijk toegekend: € 60,00") && b.contains("alleen het eerste deelplan dat niet past"), "{b}");
    let c = v.uitleg(&ks, 2);
    assert!(c.contains("na de gedeeltelijke toekenning aan rang 2 is het restant € 0,00"), "{c}");
    assert!(c.contains("vulwijze doorgaan"), "{c}");
    // Bij stop zegt C dat na rang 2 niets meer wordt toegekend.
    let stop = verdeel(&ks, &regels(100, Vulwijze::Stop));
    let c = stop.uitleg(&ks, 2);
    assert!(c.contains("na de gedeeltelijke toekenning aan rang 2 is het restant € 0,00") && c.contains("vulwijze stop"), "{c}");
}

#[test]
fn bij_doorgaan_kan_een_hoger_plafond_een_lager_deelplan_eruit_duwen() {
    // Plafond 10: A (8) → 8, restant 2; B (5) past niet; C (2) → 2.
    // Plafond 13: A → 8, restant 5; B → 5, restant 0; C past niet → 0. C krijgt dus minder bij een hoger plafond.
    // Daarom geldt "niet dalend bij een hoger plafond" alleen voor vulwijze stop.
    let ks = vec![k("X", "A", 900, 8, 8), k("X", "B", 800, 5, 5), k("X", "C", 700, 2, 2)];
    assert_eq!(bedragen(&verdeel(&ks, &regels(10, Vulwijze::Doorgaan)))[2].1, 2);
    assert_eq!(bedragen(&verdeel(&ks, &regels(13, Vulwijze::Doorgaan)))[2].1, 0);
}

#[test]
fn gelijke_scores_worden_beslist_door_bijdrage_per_woning_dan_tijd_dan_kenmerk() {
    let mut a = k("X", "A", 700, 10, 10);
    let mut b = k("X", "B", 700, 10, 10);
    let mut c = k("X", "C", 700, 10, 10);
    let d = k("W", "D", 700, 10, 10);
    // B is goedkoopst per woning → eerst. A en C gelijk per woning; C eerder ingediend → vóór A.
    // D en A gelijk in alles behalve kenmerk: "W/D" < "X/A".
    b.bijdrage_per_woning = Some(Bedrag::euro(9_000));
    c.ingediend_op = Timestamp::from_second(1_610_000_000).unwrap();
    a.ingediend_op = Timestamp::from_second(1_620_000_000).unwrap();
    let ks = vec![a, b, c, d];
    let v = verdeel(&ks, &regels(25, Vulwijze::Stop));
    let rang: Vec<_> = v.toekenningen.iter().map(|t| (t.deelplan.deelplan.as_str(), t.rang.unwrap())).collect();
    assert_eq!(rang, [("A", 4), ("B", 1), ("C", 2), ("D", 3)]);
    // B 10, C 10, D: restant 5 < 10 en geen lager minimum → reservelijst; A reservelijst 2.
    assert_eq!(bedragen(&v).iter().map(|x| x.1).collect::<Vec<_>>(), [0, 10, 10, 0]);
}

#[test]
fn voorrang_voor_prioriteitsgebieden() {
    let mut p = k("X", "P", 600, 50, 50);
    p.prioriteitsgebied = Some(("Zaandam Oost".into(), GebiedSoort::StedelijkVernieuwingsgebied));
    let q = k("X", "Q", 900, 60, 60);
    let ks = vec![q, p];
    let v = verdeel(&ks, &regels(100, Vulwijze::Stop));
    // P (6,00) gaat door voorrang vóór Q (9,00): P 50, Q past niet (60 > 50) en heeft geen lager minimum.
    assert_eq!(bedragen(&v), vec![("Q".into(), 0, PositiefNietGehonoreerdWegensBudget), ("P".into(), 50, Toegekend)]);
    assert!(v.uitleg(&ks, 1).contains("voorrang voor prioriteitsgebieden"), "{}", v.uitleg(&ks, 1));
    assert_eq!(v.totalen.per_gebied.stedelijk, Bedrag::euro(50));
}

/// De puntenregel zoals de ronde 2024 haar in haar parameters heeft (Meerjarige regeling, Bijlage 2).
fn regel_2024() -> Prioriteitsregel {
    let r = Ronde::zoek("vhf-2024").unwrap();
    r.parameters_op(vhf_core::verdeling::besluitmoment(r)).prioriteitsregel.waarde.clone()
}

fn uitkomst(ronde: &str, gemeente: &str, kenmerk: &str, afloop: Afloop) -> EerdereUitkomst {
    EerdereUitkomst {
        ronde: ronde.into(),
        gemeente: gm(gemeente),
        kenmerk: Some(kenmerk.into()),
        deelplan: Some("DP1".into()),
        afloop,
        bron: format!("verdeling test-{ronde}"),
    }
}

/// Zes deelplannen, elk € 10 gevraagd, van zes gemeenten met elk een eigen geschiedenis in het fonds.
fn ronde_met_geschiedenis() -> Vec<Kandidaat> {
    use Afloop::*;
    let eerder = vec![
        uitkomst("vhf-2021", "GM0599", "RDAM-2021", VoldoendeNietToegekend), // Rotterdam: voldoende, geen geld
        uitkomst("vhf-2023", "GM0014", "GRON-2023", VoldoendeNietToegekend), // Groningen: idem
        uitkomst("vhf-2021", "GM0518", "DH-2021", VoldoendeNietToegekend),   // Den Haag: voldoende in 2021 ...
        uitkomst("vhf-2023", "GM0518", "DH-2023", Toegekend),                // ... maar in 2023 toegekend
        uitkomst("vhf-2021", "GM0344", "UTR-2021", NietVoldoende),           // Utrecht: niet voldoende
        uitkomst("vhf-2021", "GM0202", "ARN-2021", VoldoendeNietToegekend),  // Arnhem: voldoende, geen geld
        uitkomst("vhf-2024", "GM0114", "EMM-2024", VoldoendeNietToegekend),  // de huidige ronde telt niet mee
    ];
    let stad = Some(("Rotterdam-Zuid".to_string(), GebiedSoort::StedelijkVernieuwingsgebied));
    [
        ("P", "GM0599", 600, stad),
        ("Q", "GM0014", 650, None),
        ("R", "GM0518", 700, None),
        ("S", "GM0344", 800, None),
        ("T", "GM0202", 520, None),
        ("U", "GM0114", 900, None),
    ]
    .into_iter()
    .map(|(id, g, score, gebied)| {
        let mut x = k(id, "DP1", score, 10, 10);
        x.gemeente = gm(g);
        x.penvoerder = gm(g);
        x.prioriteitsgebied = gebied;
        // T heeft een vastgelegd positief advies maar is zonder de punten niet voldoende (5,20 < 5,50).
        x.voldoende = score >= 550;
        x.voorgeschiedenis = Voorgeschiedenis::van(&eerder, x.gemeente, "vhf-2024");
        x
    })
    .collect()
}

#[test]
fn puntenregel_2024_uit_de_geschiedenis_van_het_fonds() {
    let ks = ronde_met_geschiedenis();
    let regels =
        Verdeelregels { plafond: Bedrag::euro(35), vulwijze: Vulwijze::Stop, prioriteitsregel: regel_2024(), prioriteitsbron: Some("[V] test".into()) };
    let v = verdeel(&ks, &regels);
    // P (Rotterdam, prioriteitsgebied) en Q (Groningen, geen prioriteitsgebied): nooit een uitkering, eerder voldoende,
    // zelf voldoende → +5: 6,00 → 11,00 en 6,50 → 11,50. R (Den Haag) kreeg in 2023 geld, S (Utrecht) was eerder niet
    // voldoende, T (Arnhem) is zonder de punten niet voldoende, U (Emmen) heeft geen eerdere ronde: geen punten.
    // Rangorde Q 11,50 · P 11,00 · U 9,00 · S 8,00 · R 7,00 · T 5,20; plafond 35: Q, P, U elk 10, S past niet (5 < 10).
    let rang: Vec<_> = v.toekenningen.iter().map(|t| (t.deelplan.aanvraag.as_str(), t.rang.unwrap(), t.rangscore.unwrap().0)).collect();
    assert_eq!(rang, [("P", 2, 1100), ("Q", 1, 1150), ("R", 5, 700), ("S", 4, 800), ("T", 6, 520), ("U", 3, 900)]);
    assert_eq!(bedragen(&v).iter().map(|x| x.1).collect::<Vec<_>>(), [10, 10, 0, 0, 0, 10]);
    let p = |i: usize| v.punten(&ks, i).unwrap();
    let gegeven: Vec<bool> = (0..6).map(|i| p(i).gegeven).collect();
    assert_eq!(gegeven, [true, true, false, false, false, false]);
    assert_eq!((p(0).aantal, p(2).aantal), (Honderdsten(500), Honderdsten(0)));
    assert_eq!(
        p(0).eerdere_aanvraag,
        Some(EerdereAanvraag {
            ronde: "vhf-2021".into(),
            kenmerk: Some("RDAM-2021".into()),
            deelplan: Some("DP1".into()),
            bron: "verdeling test-vhf-2021".into()
        })
    );
    assert_eq!(p(0).eerdere_toekenning, None);
    let r0 = &p(0).reden;
    assert!(r0.starts_with("+5,00 prioriteitspunten (parameter prioriteitsregel, bron: [V] test)"), "{r0}");
    assert!(r0.contains("Rotterdam kreeg nooit een uitkering uit het fonds"), "{r0}");
    assert!(
        r0.contains("deelplan DP1 van aanvraag RDAM-2021 in ronde vhf-2021 (bron: verdeling test-vhf-2021) werd voldoende beoordeeld maar kreeg geen geld"),
        "{r0}"
    );
    assert!(r0.contains("dit deelplan is ook zonder de punten voldoende"), "{r0}");
    assert!(!r0.contains("prioriteitsgebied"), "de bron kent geen voorwaarde van prioriteitsgebied: {r0}");
    assert!(p(1).reden.contains("aanvraag GRON-2023 in ronde vhf-2023"), "{}", p(1).reden);
    // Den Haag: eerder voldoende, maar de toekenning van 2023 sluit de punten uit; beide staan in het resultaat.
    assert_eq!(p(2).eerdere_toekenning.as_ref().and_then(|a| a.kenmerk.as_deref()), Some("DH-2023"));
    assert_eq!(p(2).eerdere_aanvraag.as_ref().and_then(|a| a.kenmerk.as_deref()), Some("DH-2021"));
    assert!(
        p(2).reden.starts_with("geen prioriteitspunten")
            && p(2).reden.contains("'s-Gravenhage kreeg eerder een uitkering uit het fonds: deelplan DP1 van aanvraag DH-2023 in ronde vhf-2023"),
        "{}",
        p(2).reden
    );
    assert!(
        p(3).reden.contains("geen eerdere aanvraag van Utrecht werd voldoende beoordeeld (deelplan DP1 van aanvraag UTR-2021 in ronde vhf-2021"),
        "{}",
        p(3).reden
    );
    assert!(p(4).reden.contains("dit deelplan is zonder de punten niet voldoende") && !p(4).reden.contains("Arnhem kreeg eerder"), "{}", p(4).reden);
    assert!(p(5).reden.contains("er is geen eerdere aanvraag van Emmen bekend die voldoende werd beoordeeld"), "{}", p(5).reden);
    // De uitleg van de uitkomst noemt de rekensom en de reden.
    let u = v.uitleg(&ks, 0);
    assert!(u.contains("score 6,00 +5,00 prioriteitspunten = 11,00") && u.contains("→ volledig toegekend. +5,00 prioriteitspunten (parameter"), "{u}");
    let u = v.uitleg(&ks, 3);
    assert!(u.contains("score 8,00, geen prioriteitspunten") && u.contains("Geen prioriteitspunten (parameter prioriteitsregel"), "{u}");
    // Zonder punten (de regel "geen") zou het andersom zijn: U 9,00, S 8,00 en R 7,00 krijgen het geld.
    let zonder = verdeel(&ks, &Verdeelregels { prioriteitsregel: Prioriteitsregel::Geen, ..regels.clone() });
    assert_eq!(bedragen(&zonder).iter().map(|x| x.1).collect::<Vec<_>>(), [0, 0, 10, 10, 0, 10]);
    assert!((0..6).all(|i| zonder.punten(&ks, i).is_none() && zonder.toekenningen[i].punten.is_none()));
}

#[test]
fn puntenregel_met_de_voorwaarde_van_prioriteitsgebied_als_rondeparameter() {
    let ks = ronde_met_geschiedenis();
    let Prioriteitsregel::Punten {
        punten,
        alleen_gemeenten_zonder_eerdere_toekenning,
        alleen_na_eerdere_voldoende_aanvraag,
        alleen_als_voldoende_zonder_punten,
        ..
    } = regel_2024()
    else {
        panic!("2024 heeft de puntenregel")
    };
    let regel = Prioriteitsregel::Punten {
        punten,
        alleen_gemeenten_zonder_eerdere_toekenning,
        alleen_na_eerdere_voldoende_aanvraag,
        alleen_als_voldoende_zonder_punten,
        alleen_in_prioriteitsgebied: true,
    };
    let v = verdeel(&ks, &Verdeelregels { plafond: Bedrag::euro(35), vulwijze: Vulwijze::Stop, prioriteitsregel: regel, prioriteitsbron: None });
    // Nu krijgt alleen P (in Rotterdam-Zuid) de punten; Q (Groningen, geen prioriteitsgebied) blijft 6,50.
    // Rangorde P 11,00 · U 9,00 · S 8,00 · R 7,00 · Q 6,50 · T 5,20; plafond 35: P, U, S.
    let rang: Vec<_> = v.toekenningen.iter().map(|t| t.rangscore.unwrap().0).collect();
    assert_eq!(rang, [1100, 650, 700, 800, 520, 900]);
    assert_eq!(bedragen(&v).iter().map(|x| x.1).collect::<Vec<_>>(), [10, 0, 0, 10, 0, 10]);
    let q = v.punten(&ks, 1).unwrap();
    assert!(!q.gegeven && q.reden.contains("het deelgebied ligt niet in een prioriteitsgebied"), "{}", q.reden);
    assert_eq!(q.eerdere_aanvraag.and_then(|a| a.kenmerk), Some("GRON-2023".into()), "de eerdere aanvraag telt wel; alleen het gebied niet");
    assert!(v.punten(&ks, 0).unwrap().reden.contains("het deelgebied ligt in prioriteitsgebied Rotterdam-Zuid"));
}

/// De uitkomsten van een ronde die vóór dit systeem besloten is, staan gedateerd en met bron in haar parameter
/// `uitkomsten_buiten_systeem`; een verdeling van 2024 haalt ze daar vandaan (via `analyseer`).
#[test]
fn puntenregel_uit_de_gedateerde_lijst_van_een_eerdere_ronde() {
    let r2024 = Ronde::zoek("vhf-2024").unwrap();
    let peil = vhf_core::verdeling::besluitmoment(r2024);
    let mut invoer = vhf_core::demo::genereer(r2024, 40, 2024);
    invoer.eerdere_uitkomsten.clear();
    // Zonder geschiedenis krijgt niemand punten: er is geen eerdere aanvraag die voldoende was.
    let a = vhf_core::verdeling::analyseer(&invoer, r2024, peil, None).unwrap();
    let v = verdeel(&a.kandidaten, &a.regels().unwrap());
    assert!((0..a.kandidaten.len()).filter_map(|i| v.punten(&a.kandidaten, i)).all(|p| !p.gegeven));
    // Een voldoende kandidaat van een gemeente die niet al bij de toekenningen van 2021 staat.
    let r2021 = Ronde::zoek("vhf-2021").unwrap();
    let bekend: Vec<GemeenteCode> = r2021.parameters_op(peil).uitkomsten_buiten_systeem.waarde.iter().map(|u| u.gemeente).collect();
    let i = (0..a.kandidaten.len())
        .find(|&i| a.kandidaten[i].deelname == Deelname::Kandidaat && a.kandidaten[i].voldoende && !bekend.contains(&a.kandidaten[i].gemeente))
        .expect("een voldoende kandidaat");
    let g = a.kandidaten[i].gemeente;
    // RVO's besluitenlijst van 2021, vastgelegd op 1 oktober 2021: de lijst tot dan, plus dit deelplan van g dat
    // voldoende was maar geen geld kreeg (een nieuwe waarde is de hele lijst, met haar eigen datum en bron).
    let mut lijst = serde_json::to_value(r2021.parameters_op(peil).uitkomsten_buiten_systeem.waarde).unwrap();
    lijst
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"gemeente": g.to_string(), "kenmerk": "OUD-2021-07", "deelplan": "DP2", "afloop": "voldoende_niet_toegekend"}));
    let w =
        vhf_core::regeling::Wijziging { vanaf: jiff::civil::date(2021, 10, 1), waarde: lijst, bron: "[V] besluitenlijst RVO 2021".into(), toelichting: None };
    let r2021 = r2021.met_wijzigingen([("uitkomsten_buiten_systeem", w)]).unwrap();
    let rondes = [r2021.clone(), Ronde::zoek("vhf-2023").unwrap().clone(), r2024.clone()];
    // Vóór 1 oktober 2021 stond het er nog niet; de huidige en latere rondes tellen nooit mee.
    let vroeg = vhf_core::verdeling::uitkomsten_buiten_systeem(&rondes, r2024, r2021.moment(jiff::civil::date(2021, 9, 30).at(12, 0, 0, 0)));
    assert!(!vroeg.iter().any(|u| u.gemeente == g));
    invoer.eerdere_uitkomsten = vhf_core::verdeling::uitkomsten_buiten_systeem(&rondes, r2024, peil);
    let u = invoer.eerdere_uitkomsten.iter().find(|u| u.gemeente == g).expect("uit de lijst");
    assert_eq!((u.ronde.as_str(), u.afloop), ("vhf-2021", Afloop::VoldoendeNietToegekend));
    assert_eq!(u.bron, "parameter uitkomsten_buiten_systeem van vhf-2021 vanaf 01-10-2021: [V] besluitenlijst RVO 2021");
    assert!(invoer.eerdere_uitkomsten.iter().any(|u| u.gemeente == gm("GM0479") && u.afloop == Afloop::Toegekend), "de ingebouwde toekenningen van 2021");
    assert!(invoer.eerdere_uitkomsten.iter().all(|u| u.ronde != "vhf-2024"));
    let a = vhf_core::verdeling::analyseer(&invoer, r2024, peil, None).unwrap();
    let v = verdeel(&a.kandidaten, &a.regels().unwrap());
    let p = v.punten(&a.kandidaten, i).unwrap();
    assert!(p.gegeven, "{}", p.reden);
    assert_eq!(v.toekenningen[i].rangscore.unwrap().0, a.kandidaten[i].score.unwrap().0 + 500);
    assert_eq!(
        p.eerdere_aanvraag.as_ref().map(|e| (e.ronde.as_str(), e.kenmerk.as_deref(), e.deelplan.as_deref())),
        Some(("vhf-2021", Some("OUD-2021-07"), Some("DP2")))
    );
    assert!(p.reden.contains("[V] besluitenlijst RVO 2021") && p.reden.contains("Stcrt. 2024, 15432"), "{}", p.reden);
    // Alleen de deelplannen van g krijgen punten, en alleen hun rangscore is hoger dan hun score.
    for (j, (k, t)) in a.kandidaten.iter().zip(&v.toekenningen).enumerate() {
        if let Some(p) = &v.punten(&a.kandidaten, j) {
            assert_eq!(p.gegeven, k.gemeente == g && k.voldoende, "{}: {}", k.deelplan, p.reden);
            assert_eq!(t.rangscore.unwrap().0, k.score.unwrap().0 + if p.gegeven { 500 } else { 0 }, "{}", k.deelplan);
        }
    }
}

#[test]
fn een_uitkering_per_gemeente_ook_bij_twee_aanvragen_en_een_samenwerkingsverband() {
    // Zaanstad heeft twee aanvragen (Z1, Z2); Parkstad vraagt gezamenlijk aan met Heerlen als penvoerder,
    // met een deelplan in Kerkrade en een in Brunssum.
    let mut z1 = k("Z1", "DP1", 800, 20, 20);
    let mut z2 = k("Z2", "DP1", 700, 15, 15);
    let mut ker = k("PARKSTAD", "KER", 750, 12, 12);
    let mut bru = k("PARKSTAD", "BRU", 650, 8, 8);
    z1.penvoerder = gm("GM0479");
    z2.penvoerder = gm("GM0479");
    ker.penvoerder = gm("GM0917");
    ker.gemeente = gm("GM0928");
    bru.penvoerder = gm("GM0917");
    bru.gemeente = gm("GM0899");
    let mut neg = k("N", "DP1", 300, 5, 5);
    neg.deelname = Deelname::NegatiefAdvies { motivering: "totaalscore 3,00 is lager dan de drempel.".into() };
    neg.penvoerder = gm("GM0363");
    let ks = vec![z1, z2, ker, bru, neg];
    let v = verdeel(&ks, &regels(100, Vulwijze::Stop));
    assert_eq!(v.uitkeringen.get(&gm("GM0479")), Some(&Bedrag::euro(35)));
    assert_eq!(v.uitkeringen.get(&gm("GM0917")), Some(&Bedrag::euro(20)));
    assert_eq!(v.uitkeringen.get(&gm("GM0928")), None);
    assert_eq!(v.uitkeringen.get(&gm("GM0363")), None);
    assert_eq!(v.toekenningen[4].uitkomst, NegatiefAdvies);
    assert_eq!(v.toekenningen[4].rang, None);
    assert!(v.uitleg(&ks, 4).starts_with("Negatief advies van de commissie: totaalscore 3,00"));
    assert_eq!(v.totalen.aantal_per_uitkomst.get(&Toegekend), Some(&4));
}

fn kandidaat_strategie() -> impl Strategy<Value = Kandidaat> {
    (0usize..6, 0u8..20, 300i64..1000, 1i64..50, 0i64..60, any::<bool>(), 0u8..4, 0u8..3, (any::<bool>(), any::<bool>()), 0u8..3).prop_map(
        |(a, d, score, gevraagd, min, prio, bpw, tijd, (nieuw, eerder_voldoende), status)| {
            let mut x = k(&format!("A{a}"), &format!("D{d}"), score - score % 25, gevraagd, min.min(gevraagd));
            x.penvoerder = [gm("GM0479"), gm("GM0917"), gm("GM0363")][a % 3];
            x.prioriteitsgebied = prio.then(|| ("Gebied".to_string(), GebiedSoort::GrensKrimpregio));
            x.bijdrage_per_woning = Some(Bedrag::euro(1000 * i64::from(bpw)));
            x.ingediend_op = Timestamp::from_second(1_620_000_000 + i64::from(tijd)).unwrap();
            x.voorgeschiedenis = Voorgeschiedenis {
                toekenning: (!nieuw).then(EerdereAanvraag::default),
                voldoende: (nieuw || eerder_voldoende).then(EerdereAanvraag::default),
                niet_voldoende: None,
            };
            x.voldoende = score >= 550;
            x.deelname = match status {
                0 => Deelname::NegatiefAdvies { motivering: "x".into() },
                _ => Deelname::Kandidaat,
            };
            x
        },
    )
}

fn ronde() -> impl Strategy<Value = Vec<Kandidaat>> {
    prop::collection::vec(kandidaat_strategie(), 0..30).prop_map(|mut v| {
        // Kenmerken uniek maken.
        v.iter_mut().enumerate().for_each(|(i, x)| x.deelplan.deelplan = format!("{}-{i}", x.deelplan.deelplan));
        v
    })
}

fn regelstrategie() -> impl Strategy<Value = Prioriteitsregel> {
    prop_oneof![
        Just(Prioriteitsregel::Voorrang),
        Just(regel_2024()),
        Just(Prioriteitsregel::Punten {
            punten: Honderdsten(500),
            alleen_gemeenten_zonder_eerdere_toekenning: true,
            alleen_na_eerdere_voldoende_aanvraag: true,
            alleen_als_voldoende_zonder_punten: true,
            alleen_in_prioriteitsgebied: true,
        })
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn nooit_boven_het_plafond_of_het_gevraagde(ks in ronde(), plafond in 0i64..400, stop in any::<bool>(), regel in regelstrategie()) {
        let r = Verdeelregels { plafond: Bedrag::euro(plafond), vulwijze: if stop { Vulwijze::Stop } else { Vulwijze::Doorgaan }, prioriteitsregel: regel, prioriteitsbron: None };
        let v = verdeel(&ks, &r);
        prop_assert!(v.totalen.toegekend <= r.plafond);
        let som: i64 = v.toekenningen.iter().map(|t| t.bedrag.in_centen()).sum();
        prop_assert_eq!(som, v.totalen.toegekend.in_centen());
        for (kand, t) in ks.iter().zip(&v.toekenningen) {
            prop_assert!(t.bedrag <= kand.gevraagd && t.bedrag >= Bedrag::NUL);
            if t.uitkomst == GedeeltelijkToegekend {
                prop_assert!(t.bedrag >= kand.minimum_werkbaar);
            }
            if kand.deelname != Deelname::Kandidaat {
                prop_assert_eq!(t.bedrag, Bedrag::NUL);
            }
        }
        // Eén uitkering per gemeente is de som van haar deelplannen.
        let mut per: BTreeMap<GemeenteCode, i64> = BTreeMap::new();
        for (kand, t) in ks.iter().zip(&v.toekenningen) {
            if t.bedrag.is_positief() { *per.entry(kand.penvoerder).or_default() += t.bedrag.in_centen(); }
        }
        let uit: BTreeMap<GemeenteCode, i64> = v.uitkeringen.iter().map(|(g, b)| (*g, b.in_centen())).collect();
        prop_assert_eq!(per, uit);
    }

    #[test]
    fn de_volgorde_van_de_invoer_doet_er_niet_toe(ks in ronde(), plafond in 0i64..400, stop in any::<bool>(), regel in regelstrategie(), schud in any::<u64>()) {
        let r = Verdeelregels { plafond: Bedrag::euro(plafond), vulwijze: if stop { Vulwijze::Stop } else { Vulwijze::Doorgaan }, prioriteitsregel: regel, prioriteitsbron: None };
        let mut geschud: Vec<Kandidaat> = ks.clone();
        // Fisher–Yates met een vaste reeks.
        let mut x = schud | 1;
        for i in (1..geschud.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            geschud.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let a = verdeel(&ks, &r);
        let b = verdeel(&geschud, &r);
        let per_ref = |v: &vhf_core::verdeling::Verdeling| v.toekenningen.iter().map(|t| (t.deelplan.clone(), (t.bedrag, t.rang, t.uitkomst))).collect::<BTreeMap<_, _>>();
        prop_assert_eq!(per_ref(&a), per_ref(&b));
    }

    #[test]
    fn bij_stop_krijgt_geen_deelplan_minder_als_het_plafond_stijgt(ks in ronde(), plafond in 0i64..400, extra in 0i64..200, regel in regelstrategie()) {
        let r1 = Verdeelregels { plafond: Bedrag::euro(plafond), vulwijze: Vulwijze::Stop, prioriteitsregel: regel.clone(), prioriteitsbron: None };
        let r2 = Verdeelregels { plafond: Bedrag::euro(plafond + extra), vulwijze: Vulwijze::Stop, prioriteitsregel: regel, prioriteitsbron: None };
        let a = verdeel(&ks, &r1);
        let b = verdeel(&ks, &r2);
        for (x, y) in a.toekenningen.iter().zip(&b.toekenningen) {
            prop_assert!(x.bedrag <= y.bedrag, "{}: {} bij plafond {plafond}, {} bij {}", x.deelplan, x.bedrag, y.bedrag, plafond + extra);
        }
    }

    #[test]
    fn bij_stop_krijgt_nooit_een_lager_deelplan_geld_als_een_hoger_niets_krijgt(ks in ronde(), plafond in 0i64..400, regel in regelstrategie()) {
        let v = verdeel(&ks, &Verdeelregels { plafond: Bedrag::euro(plafond), vulwijze: Vulwijze::Stop, prioriteitsregel: regel, prioriteitsbron: None });
        let mut op_rang: Vec<_> = v.toekenningen.iter().filter_map(|t| t.rang.map(|r| (r, t.bedrag))).collect();
        op_rang.sort();
        let eerste_niets = op_rang.iter().position(|(_, b)| !b.is_positief());
        if let Some(p) = eerste_niets {
            prop_assert!(op_rang[p..].iter().all(|(_, b)| !b.is_positief()));
        }
    }
}

/// Op de server toetst de verdeling E15 op wat er geüpload is (`geuploade_documenten`, per kenmerk), niet op de
/// documentenlijst van de aanvragen: zonder uploads is geen enkele aanvraag ontvankelijk; met precies de
/// verklaarde documenten geüpload is de uitkomst dezelfde als op het bestand.
#[test]
fn de_verdeling_toetst_e15_op_de_geuploade_documenten_als_die_er_zijn() {
    let ronde = vhf_core::regeling::Ronde::zoek("vhf-2021").unwrap();
    let mut invoer = vhf_core::demo::genereer(ronde, 20, 7);
    let moment = vhf_core::verdeling::besluitmoment(ronde);
    let uitkomsten = |invoer: &vhf_core::verdeling::Verdeelinvoer| {
        let a = vhf_core::verdeling::analyseer(invoer, ronde, moment, None).unwrap();
        let v = verdeel(&a.kandidaten, &a.regels().unwrap());
        (a.kandidaten.iter().map(|k| k.deelname.clone()).collect::<Vec<_>>(), bedragen(&v))
    };
    let op_het_bestand = uitkomsten(&invoer);
    invoer.geuploade_documenten = Some(invoer.aanvragen.iter().map(|a| (a.kenmerk.clone(), a.documenten.clone())).collect());
    assert_eq!(uitkomsten(&invoer), op_het_bestand);
    invoer.geuploade_documenten = Some(BTreeMap::new());
    let (deelnames, bedragen) = uitkomsten(&invoer);
    assert!(deelnames.iter().all(|d| matches!(d, Deelname::NietOntvankelijk { regels } if regels.contains(&vhf_core::toetsing::Regel::E15))), "{deelnames:?}");
    assert!(bedragen.iter().all(|(_, b, u)| *b == 0 && *u == NietOntvankelijk));
}
