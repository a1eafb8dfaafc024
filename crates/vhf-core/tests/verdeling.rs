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
use vhf_core::regeling::{Prioriteitsregel, Vulwijze};
use vhf_core::verdeling::{Deelname, Kandidaat, Uitkomst, Verdeelregels, verdeel};

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
        nooit_eerder_toegekend: false,
        bijdrage_per_woning: Some(Bedrag::euro(10_000)),
        ingediend_op: Timestamp::from_second(1_620_000_000).unwrap(),
        woningen: Woningtelling { eigenaar_bewoner: 80, particuliere_verhuur: 20, corporatie: 100 },
        woningen_per_activiteit: BTreeMap::new(),
    }
}

fn regels(plafond: i64, vulwijze: Vulwijze) -> Verdeelregels {
    Verdeelregels { plafond: Bedrag::euro(plafond), vulwijze, prioriteitsregel: Prioriteitsregel::Voorrang }
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

#[test]
fn puntenregel_2024() {
    // +5 punten voor een deelplan in een prioriteitsgebied van een gemeente die nooit eerder een uitkering kreeg,
    // alleen als het zonder de punten voldoende is.
    let regel =
        Prioriteitsregel::Punten { punten: Honderdsten(500), alleen_gemeenten_zonder_eerdere_toekenning: true, alleen_als_voldoende_zonder_punten: true };
    let regio = Some(("Parkstad Limburg".into(), GebiedSoort::GrensKrimpregio));
    let mut p = k("X", "P", 600, 10, 10); // nieuw, voldoende → 6,00 + 5 = 11,00
    p.prioriteitsgebied = regio.clone();
    p.nooit_eerder_toegekend = true;
    let q = k("X", "Q", 900, 10, 10); // geen prioriteit → 9,00
    let mut r = k("X", "R", 650, 10, 10); // eerder toegekend → 6,50
    r.prioriteitsgebied = regio.clone();
    let mut s = k("X", "S", 700, 10, 10); // nieuw, maar niet voldoende (positief advies toch vastgelegd) → 7,00
    s.prioriteitsgebied = regio;
    s.nooit_eerder_toegekend = true;
    s.voldoende = false;
    let ks = vec![p, q, r, s];
    let v = verdeel(&ks, &Verdeelregels { plafond: Bedrag::euro(25), vulwijze: Vulwijze::Stop, prioriteitsregel: regel });
    let rang: Vec<_> = v.toekenningen.iter().map(|t| (t.deelplan.deelplan.as_str(), t.rang.unwrap(), t.rangscore.unwrap().0)).collect();
    assert_eq!(rang, [("P", 1, 1100), ("Q", 2, 900), ("R", 4, 650), ("S", 3, 700)]);
    // Plafond 25: P 10, Q 10, S: restant 5 < 10 → reservelijst; R reservelijst.
    assert_eq!(bedragen(&v).iter().map(|x| x.1).collect::<Vec<_>>(), [10, 10, 0, 0]);
    assert!(v.uitleg(&ks, 0).contains("+5,00 prioriteitspunten"), "{}", v.uitleg(&ks, 0));
    assert!(v.uitleg(&ks, 2).contains("de gemeente kreeg eerder een uitkering"), "{}", v.uitleg(&ks, 2));
    assert!(v.uitleg(&ks, 3).contains("zonder de punten niet voldoende"), "{}", v.uitleg(&ks, 3));
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
    (0usize..6, 0u8..20, 300i64..1000, 1i64..50, 0i64..60, any::<bool>(), 0u8..4, 0u8..3, any::<bool>(), 0u8..3).prop_map(
        |(a, d, score, gevraagd, min, prio, bpw, tijd, nieuw, status)| {
            let mut x = k(&format!("A{a}"), &format!("D{d}"), score - score % 25, gevraagd, min.min(gevraagd));
            x.penvoerder = [gm("GM0479"), gm("GM0917"), gm("GM0363")][a % 3];
            x.prioriteitsgebied = prio.then(|| ("Gebied".to_string(), GebiedSoort::GrensKrimpregio));
            x.bijdrage_per_woning = Some(Bedrag::euro(1000 * i64::from(bpw)));
            x.ingediend_op = Timestamp::from_second(1_620_000_000 + i64::from(tijd)).unwrap();
            x.nooit_eerder_toegekend = nieuw;
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
        Just(Prioriteitsregel::Punten { punten: Honderdsten(500), alleen_gemeenten_zonder_eerdere_toekenning: true, alleen_als_voldoende_zonder_punten: true })
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn nooit_boven_het_plafond_of_het_gevraagde(ks in ronde(), plafond in 0i64..400, stop in any::<bool>(), regel in regelstrategie()) {
        let r = Verdeelregels { plafond: Bedrag::euro(plafond), vulwijze: if stop { Vulwijze::Stop } else { Vulwijze::Doorgaan }, prioriteitsregel: regel };
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
        let r = Verdeelregels { plafond: Bedrag::euro(plafond), vulwijze: if stop { Vulwijze::Stop } else { Vulwijze::Doorgaan }, prioriteitsregel: regel };
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
        let r1 = Verdeelregels { plafond: Bedrag::euro(plafond), vulwijze: Vulwijze::Stop, prioriteitsregel: regel.clone() };
        let r2 = Verdeelregels { plafond: Bedrag::euro(plafond + extra), vulwijze: Vulwijze::Stop, prioriteitsregel: regel };
        let a = verdeel(&ks, &r1);
        let b = verdeel(&ks, &r2);
        for (x, y) in a.toekenningen.iter().zip(&b.toekenningen) {
            prop_assert!(x.bedrag <= y.bedrag, "{}: {} bij plafond {plafond}, {} bij {}", x.deelplan, x.bedrag, y.bedrag, plafond + extra);
        }
    }

    #[test]
    fn bij_stop_krijgt_nooit_een_lager_deelplan_geld_als_een_hoger_niets_krijgt(ks in ronde(), plafond in 0i64..400, regel in regelstrategie()) {
        let v = verdeel(&ks, &Verdeelregels { plafond: Bedrag::euro(plafond), vulwijze: Vulwijze::Stop, prioriteitsregel: regel });
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
