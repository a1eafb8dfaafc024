//! Eigenschappen die voor elke aanvraag gelden, getest op willekeurige aanvragen (proptest):
//! de toetsing raakt nooit in paniek, noemt alleen regels uit het register, legt elke bevinding uit, is
//! deterministisch, en haar uitkomsten kloppen met de bedragen.

use jiff::Timestamp;
use jiff::civil::date;
use proptest::prelude::*;
use vhf_core::aanvraag::*;
use vhf_core::codes::{EnergieLabel, GemeenteCode, Pc4};
use vhf_core::geld::Bedrag;
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;
use vhf_core::toetsing::{REGELS, Regel, Uitkomst, toets, toets_ronde};

fn bedrag() -> impl Strategy<Value = Bedrag> {
    prop_oneof![0i64..=100_000_000, 0i64..=5_000_000_000, Just(0)].prop_map(Bedrag::centen)
}

fn label() -> impl Strategy<Value = Option<EnergieLabel>> {
    prop_oneof![Just(None), (0usize..11).prop_map(|i| Some(EnergieLabel::ALLE[i]))]
}

fn gemeente() -> impl Strategy<Value = GemeenteCode> {
    prop::sample::select(vec!["GM0479", "GM0363", "GM0917", "GM0928", "GM0988", "GM0114", "GM0599"]).prop_map(|c| GemeenteCode::parse(c).unwrap())
}

fn maatregel() -> impl Strategy<Value = Maatregel> {
    (0usize..5, 0u32..500, 0u32..500, 0u32..500, label(), label(), bedrag(), bedrag()).prop_map(|(a, eb, pv, c, voor, na, kosten, opbrengsten)| Maatregel {
        id: "M".into(),
        activiteit: Activiteit::ALLE[a],
        omschrijving: String::new(),
        woningen: Woningen { eigenaar_bewoner: eb, particuliere_verhuur: pv, corporatie: c },
        label_voor: voor,
        label_na: na,
        kosten,
        opbrengsten,
    })
}

fn deelplan() -> impl Strategy<Value = Deelplan> {
    (
        0u8..4,
        gemeente(),
        prop::collection::vec(1000u16..1010, 0..3),
        prop::option::of(prop::sample::select(vec!["zaandam-oost", "rotterdam-zuid", "heerlen-noord", "parkstad-limburg", "onbekend"])),
        prop::collection::vec(maatregel(), 0..4),
        bedrag(),
        bedrag(),
        prop::collection::vec(bedrag(), 0..3),
        prop::option::of(bedrag()),
    )
        .prop_map(|(id, gemeente, pc4, gebied, mut maatregelen, bijdrage_fysiek, projectkosten, cof, minimum)| {
            for (i, m) in maatregelen.iter_mut().enumerate() {
                m.id = format!("M{i}");
            }
            Deelplan {
                id: format!("DP{id}"),
                naam: "Deelplan".into(),
                deelgebied: Deelgebied {
                    gemeente,
                    pc4: pc4.into_iter().map(|p| Pc4::parse(&p.to_string()).unwrap()).collect(),
                    prioriteitsgebied: gebied.map(String::from),
                },
                maatregelen,
                bijdrage_fysiek,
                projectkosten,
                cofinanciering: cof.into_iter().map(|bedrag| Cofinanciering { financier: Financier::Gemeente, naam: "G".into(), bedrag }).collect(),
                minimum_werkbaar: minimum,
            }
        })
}

fn aanvraag() -> impl Strategy<Value = Aanvraag> {
    (
        prop::sample::select(vec!["vhf-2021", "vhf-2023", "vhf-2024"]),
        prop::collection::vec(gemeente(), 1..4),
        prop::option::of(gemeente()),
        prop::option::of(1_600_000_000i64..1_750_000_000),
        (2020i16..2030, 1i8..13, 2020i16..2045),
        prop::collection::vec(deelplan(), 0..5),
        prop::collection::vec((0usize..4, prop::option::of(0u8..5)), 0..6),
    )
        .prop_map(|(ronde, aanvragers, penvoerder, ingediend, (sj, sm, ej), deelplannen, docs)| Aanvraag {
            kenmerk: "PROP".into(),
            ronde: ronde.into(),
            titel: "Willekeurig".into(),
            aanvragers,
            penvoerder,
            samenwerkingsverband: None,
            contactpersoon: Contactpersoon { naam: "X".into(), email: "x@example.org".into(), telefoon: None },
            ingediend_op: ingediend.map(|s| Timestamp::from_second(s).unwrap()),
            planning: Planning { start: date(sj, sm, 1), einde: date(ej, 1, 1) },
            deelplannen,
            documenten: docs
                .into_iter()
                .map(|(s, dp)| Document {
                    soort: [DocumentSoort::PlanVanAanpak, DocumentSoort::Begroting, DocumentSoort::IntentieverklaringCorporatie, DocumentSoort::Overig][s],
                    deelplan: dp.map(|d| format!("DP{d}")),
                    naam: "doc.pdf".into(),
                    sha256: serde_json::from_str(&format!("\"{}\"", "0".repeat(64))).unwrap(),
                })
                .collect(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn een_bevinding_noemt_altijd_een_bestaande_regel_en_is_uitgelegd(a in aanvraag()) {
        let ronde = Ronde::zoek(&a.ronde).unwrap();
        let t = toets(&a, ronde, Referentie::ingebouwd(), Timestamp::from_second(1_620_000_000).unwrap()).unwrap();
        for b in &t.bevindingen {
            let info = REGELS.iter().find(|i| i.regel == b.regel);
            prop_assert!(info.is_some(), "regel {:?} staat niet in het register", b.regel);
            prop_assert!(!info.unwrap().bron.is_empty());
            let uitleg = t.uitleg(b);
            prop_assert!(uitleg.len() > 10, "{:?}: lege uitleg", b.regel);
            prop_assert!(uitleg.ends_with('.'), "{:?}: {}", b.regel, uitleg);
        }
        // Het rapport (JSON) is altijd te maken.
        prop_assert!(serde_json::to_string(&t.rapport()).is_ok());
    }

    #[test]
    fn uitkomsten_kloppen_met_de_bedragen(a in aanvraag()) {
        let ronde = Ronde::zoek(&a.ronde).unwrap();
        let t = toets(&a, ronde, Referentie::ingebouwd(), Timestamp::from_second(1_620_000_000).unwrap()).unwrap();
        let p = &t.parameters;
        for (i, d) in t.indicatoren.deelplannen.iter().enumerate() {
            let e09 = t.bevindingen.iter().find(|b| b.regel == Regel::E09 && b.niveau.deelplan() == Some(i)).unwrap();
            // E09 voldaan ⇔ bijdrage ≤ aandeel × tekort, exact in gehele getallen.
            let exact = i128::from(d.bijdrage_fysiek.in_centen()) * 10_000 <= i128::from(p.max_aandeel_tekort.waarde.in_honderdsten()) * i128::from(d.tekort.in_centen().max(0));
            prop_assert_eq!(e09.uitkomst == Uitkomst::Voldaan, exact);
            prop_assert!(d.max_bijdrage_fysiek <= d.tekort.max(Bedrag::NUL));
            let e08 = t.bevindingen.iter().find(|b| b.regel == Regel::E08 && b.niveau.deelplan() == Some(i)).unwrap();
            prop_assert_eq!(e08.uitkomst == Uitkomst::Voldaan, d.tekort.in_centen() > 0);
            prop_assert!(d.cofinancieringsgat >= Bedrag::NUL);
            prop_assert_eq!(d.gevraagd, d.bijdrage_fysiek.plus(d.projectkosten).unwrap());
        }
        // Ontvankelijk betekent: geen fout op aanvraagniveau en ten minste één subsidiabel deelplan.
        if t.ontvankelijk() {
            prop_assert!(!t.indicatoren.deelplannen.is_empty());
        }
        if t.zonder_fouten() {
            prop_assert!(t.ontvankelijk());
        }
    }

    #[test]
    fn toetsen_is_deterministisch_en_de_volgorde_van_aanvragen_doet_er_niet_toe(v in prop::collection::vec(aanvraag(), 1..5)) {
        let v: Vec<Aanvraag> = v.into_iter().map(|mut a| { a.ronde = "vhf-2021".into(); a }).collect();
        let ronde = Ronde::zoek("vhf-2021").unwrap();
        let moment = Timestamp::from_second(1_620_000_000).unwrap();
        let r = Referentie::ingebouwd();
        let voor = toets_ronde(&v, ronde, r, moment).unwrap();
        let omgekeerd: Vec<Aanvraag> = v.iter().rev().cloned().collect();
        let na = toets_ronde(&omgekeerd, ronde, r, moment).unwrap();
        for (x, y) in voor.iter().zip(na.iter().rev()) {
            let vx: Vec<_> = x.bevindingen.iter().map(|b| (b.regel, b.uitkomst, b.niveau)).collect();
            let vy: Vec<_> = y.bevindingen.iter().map(|b| (b.regel, b.uitkomst, b.niveau)).collect();
            prop_assert_eq!(vx, vy);
        }
    }

    #[test]
    fn de_lezer_raakt_nooit_in_paniek(tekst in ".{0,400}") {
        let _ = vhf_core::invoer::lees_aanvraag(&tekst);
    }

    #[test]
    fn een_gelezen_aanvraag_schrijft_en_leest_terug_als_dezelfde(a in aanvraag()) {
        let json = serde_json::to_string_pretty(&a).unwrap();
        // De generator maakt ook aanvragen zonder deelplannen of maatregelen (de toetsing moet ze aankunnen); het
        // schema, en dus de lezer, neemt die niet aan.
        let volgens_schema = !a.deelplannen.is_empty() && a.deelplannen.iter().all(|d| !d.maatregelen.is_empty());
        match vhf_core::invoer::lees_aanvraag(&json) {
            Ok(terug) => {
                prop_assert!(volgens_schema);
                prop_assert_eq!(serde_json::to_string(&terug).unwrap(), serde_json::to_string(&a).unwrap());
            }
            Err(e) => prop_assert!(!volgens_schema, "{}", e),
        }
    }
}
