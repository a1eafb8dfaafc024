//! Tabelgestuurde tests van de regels E01–E16, elk op zijn grens. Elk geval is een zin die een
//! beleidsmedewerker kan lezen; bij elke voorwaarde staat ten minste één geval dat faalt.

use jiff::Timestamp;
use jiff::civil::date;

use super::*;
use crate::aanvraag::*;
use crate::codes::{EnergieLabel, GemeenteCode, Pc4};
use crate::geld::Bedrag;

fn gm(c: &str) -> GemeenteCode {
    GemeenteCode::parse(c).unwrap()
}
fn pc4(c: &str) -> Pc4 {
    Pc4::parse(c).unwrap()
}
fn eur(e: i64) -> Bedrag {
    Bedrag::euro(e)
}
fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn renovatie(id: &str, voor: EnergieLabel, na: EnergieLabel, eb: u32, pv: u32, corp: u32, kosten: Bedrag) -> Maatregel {
    Maatregel {
        id: id.into(),
        activiteit: Activiteit::Renovatie,
        omschrijving: String::new(),
        woningen: Woningen { eigenaar_bewoner: eb, particuliere_verhuur: pv, corporatie: corp },
        label_voor: Some(voor),
        label_na: Some(na),
        kosten,
        opbrengsten: Bedrag::NUL,
    }
}

fn deelplan(id: &str, pc: &str) -> Deelplan {
    Deelplan {
        id: id.into(),
        naam: format!("Deelplan {id}"),
        deelgebied: Deelgebied { gemeente: gm("GM0479"), pc4: vec![pc4(pc)], prioriteitsgebied: None },
        maatregelen: vec![renovatie("M1", EnergieLabel::E, EnergieLabel::B, 150, 50, 0, eur(10_000_000))],
        bijdrage_fysiek: eur(7_000_000),
        projectkosten: eur(700_000),
        cofinanciering: vec![Cofinanciering { financier: Financier::Gemeente, naam: "Gemeente".into(), bedrag: eur(3_000_000) }],
        minimum_werkbaar: None,
    }
}

/// Een aanvraag in de ronde 2021 die aan alle regels voldoet, met 200 woningen, exact 70% van het tekort,
/// exact gedekte cofinanciering: elke test verandert één ding.
fn basis() -> Aanvraag {
    Aanvraag {
        kenmerk: "TEST-1".into(),
        ronde: "vhf-2021".into(),
        titel: "Test".into(),
        aanvragers: vec![gm("GM0479")],
        penvoerder: None,
        samenwerkingsverband: None,
        contactpersoon: Contactpersoon { naam: "T".into(), email: "t@example.org".into(), telefoon: None },
        ingediend_op: Some(ts("2021-05-10T08:00:00Z")),
        planning: Planning { start: date(2022, 1, 1), einde: date(2031, 12, 31) },
        deelplannen: vec![deelplan("DP1", "1504")],
        documenten: vec![
            Document { soort: DocumentSoort::PlanVanAanpak, deelplan: Some("DP1".into()), naam: "pva.pdf".into(), sha256: sha() },
            Document { soort: DocumentSoort::Begroting, deelplan: None, naam: "begroting.xlsx".into(), sha256: sha() },
        ],
    }
}

fn sha() -> Sha256 {
    serde_json::from_str(&format!("\"{}\"", "a".repeat(64))).unwrap()
}

fn ronde(id: &str) -> &'static Ronde {
    Ronde::zoek(id).unwrap()
}

fn toets_in<'a>(a: &'a Aanvraag, r: &'a Ronde) -> Toetsing<'a> {
    toets(a, r, Referentie::ingebouwd(), ts("2021-05-10T08:00:00Z")).unwrap()
}

/// Wat de regel opleverde: de ergste uitkomst over alle niveaus.
fn uitkomst(t: &Toetsing<'_>, regel: Regel) -> Option<Uitkomst> {
    t.bevindingen.iter().filter(|b| b.regel == regel).map(|b| b.uitkomst).max()
}

type Wijziging = fn(&mut Aanvraag);

fn controleer(ronde_id: &str, gevallen: &[(&str, Wijziging, Regel, Uitkomst)]) {
    let r = ronde(ronde_id);
    for (zin, wijzig, regel, verwacht) in gevallen {
        let mut a = basis();
        a.ronde = ronde_id.into();
        wijzig(&mut a);
        let t = toets_in(&a, r);
        let kreeg = uitkomst(&t, *regel);
        let uitleg: Vec<String> = t.bevindingen.iter().filter(|b| b.regel == *regel).map(|b| t.uitleg(b)).collect();
        assert_eq!(kreeg, Some(*verwacht), "{zin}: {regel:?} gaf {kreeg:?}; uitleg: {uitleg:#?}");
        for u in &uitleg {
            assert!(!u.is_empty(), "{zin}: lege uitleg");
        }
    }
}

#[test]
fn de_basisaanvraag_voldoet_aan_alle_regels() {
    let a = basis();
    let t = toets_in(&a, ronde("vhf-2021"));
    let problemen: Vec<_> = t.bevindingen.iter().filter(|b| b.uitkomst != Uitkomst::Voldaan).map(|b| (b.regel, t.uitleg(b))).collect();
    assert!(problemen.is_empty(), "{problemen:#?}");
    assert!(t.ontvankelijk() && t.zonder_fouten());
    // Elke regel die op deze aanvraag van toepassing is, zegt iets.
    for regel in Regel::ALLE {
        assert!(t.bevindingen.iter().any(|b| b.regel == regel), "{regel:?} zegt niets");
    }
}

#[test]
fn e01_loket_2021_op_de_seconde() {
    controleer(
        "vhf-2021",
        &[
            ("Om 08:59:59 op 3 mei 2021 is het loket nog dicht", |a| a.ingediend_op = Some(ts("2021-05-03T06:59:59Z")), Regel::E01, Uitkomst::Fout),
            ("Om 09:00:00 op 3 mei 2021 is het loket open", |a| a.ingediend_op = Some(ts("2021-05-03T07:00:00Z")), Regel::E01, Uitkomst::Voldaan),
            (
                "Op 18 mei, na de oorspronkelijke sluiting maar binnen de verlenging, is op tijd",
                |a| a.ingediend_op = Some(ts("2021-05-18T10:00:00Z")),
                Regel::E01,
                Uitkomst::Voldaan,
            ),
            ("Om 16:59:59 op 19 mei 2021 is nog op tijd", |a| a.ingediend_op = Some(ts("2021-05-19T14:59:59Z")), Regel::E01, Uitkomst::Voldaan),
            ("Om 17:00:00 op 19 mei 2021 is te laat", |a| a.ingediend_op = Some(ts("2021-05-19T15:00:00Z")), Regel::E01, Uitkomst::Fout),
            ("Een concept (nog niet ingediend) krijgt een waarschuwing, geen fout", |a| a.ingediend_op = None, Regel::E01, Uitkomst::Waarschuwing),
        ],
    );
}

#[test]
fn e01_loket_over_de_overgang_naar_zomer_en_wintertijd() {
    let tekst = include_str!("../../../../data/rondes/vhf-2021.toml");
    // Voorjaar: open in wintertijd (UTC+1) op 30 maart 2024, dicht in zomertijd (UTC+2) op 2 april 2024.
    // Najaar: open in zomertijd op 28 oktober 2023, dicht in wintertijd op 30 oktober 2023.
    let gevallen = [
        ("2024-03-30T09:00", "2024-04-02T09:00", "2024-03-30T07:59:59Z", Uitkomst::Fout),
        ("2024-03-30T09:00", "2024-04-02T09:00", "2024-03-30T08:00:00Z", Uitkomst::Voldaan),
        ("2024-03-30T09:00", "2024-04-02T09:00", "2024-04-02T06:59:59Z", Uitkomst::Voldaan),
        ("2024-03-30T09:00", "2024-04-02T09:00", "2024-04-02T07:00:00Z", Uitkomst::Fout),
        ("2023-10-28T09:00", "2023-10-30T09:00", "2023-10-28T06:59:59Z", Uitkomst::Fout),
        ("2023-10-28T09:00", "2023-10-30T09:00", "2023-10-28T07:00:00Z", Uitkomst::Voldaan),
        ("2023-10-28T09:00", "2023-10-30T09:00", "2023-10-30T07:59:59Z", Uitkomst::Voldaan),
        ("2023-10-28T09:00", "2023-10-30T09:00", "2023-10-30T08:00:00Z", Uitkomst::Fout),
    ];
    for (open, sluit, moment, verwacht) in gevallen {
        let aangepast = tekst
            .replacen("waarde = \"2021-05-03T09:00\"", &format!("waarde = \"{open}\""), 1)
            .replacen("waarde = \"2021-05-17T17:00\"", &format!("waarde = \"{sluit}\""), 1)
            .replacen("vanaf = \"2021-05-17\"\nwaarde = \"2021-05-19T17:00\"", &format!("vanaf = \"2030-01-01\"\nwaarde = \"{sluit}\""), 1)
            .replace("2021-03-11", "2023-01-01")
            .replace("vanaf = \"2021-09-01\"", "vanaf = \"2030-06-01\"");
        let r = Ronde::lees("dst.toml", &aangepast).unwrap();
        let mut a = basis();
        a.ingediend_op = Some(ts(moment));
        let t = toets_in(&a, &r);
        assert_eq!(uitkomst(&t, Regel::E01), Some(verwacht), "loket {open}–{sluit}, ingediend {moment}: {}", t.uitleg(&t.bevindingen[0]));
    }
}

#[test]
fn e02_aanvragers_en_penvoerder() {
    controleer(
        "vhf-2021",
        &[
            ("Eén gemeente hoeft geen penvoerder te noemen", |_| {}, Regel::E02, Uitkomst::Voldaan),
            ("Een samenwerkingsverband zonder penvoerder is niet ontvankelijk", |a| a.aanvragers.push(gm("GM0363")), Regel::E02, Uitkomst::Fout),
            (
                "Een samenwerkingsverband met een penvoerder uit zijn midden is in orde",
                |a| {
                    a.aanvragers.push(gm("GM0363"));
                    a.penvoerder = Some(gm("GM0363"));
                },
                Regel::E02,
                Uitkomst::Voldaan,
            ),
            ("Een penvoerder die geen aanvrager is, kan niet", |a| a.penvoerder = Some(gm("GM0363")), Regel::E02, Uitkomst::Fout),
            ("Een gemeente die twee keer aanvraagt in één aanvraag, is een fout", |a| a.aanvragers.push(gm("GM0479")), Regel::E02, Uitkomst::Fout),
            (
                "Een deelgebied in een gemeente die geen aanvrager is, kan niet",
                |a| a.deelplannen[0].deelgebied.gemeente = gm("GM0363"),
                Regel::E02,
                Uitkomst::Fout,
            ),
        ],
    );
}

#[test]
fn e03_deelgebieden_en_pc4() {
    controleer(
        "vhf-2021",
        &[
            ("Een aanvraag zonder deelplannen is niet ontvankelijk", |a| a.deelplannen.clear(), Regel::E03, Uitkomst::Fout),
            ("Een deelgebied zonder postcodegebied is een fout", |a| a.deelplannen[0].deelgebied.pc4.clear(), Regel::E03, Uitkomst::Fout),
            (
                "Hetzelfde postcodegebied in twee deelplannen van één aanvraag is een fout",
                |a| {
                    let mut dp2 = a.deelplannen[0].clone();
                    dp2.id = "DP2".into();
                    a.deelplannen.push(dp2);
                },
                Regel::E03,
                Uitkomst::Fout,
            ),
            (
                "Twee deelplannen in verschillende postcodegebieden zijn in orde",
                |a| {
                    let mut dp2 = deelplan("DP2", "1505");
                    dp2.id = "DP2".into();
                    a.deelplannen.push(dp2);
                },
                Regel::E03,
                Uitkomst::Voldaan,
            ),
            ("Twee deelplannen met hetzelfde kenmerk zijn een fout", |a| a.deelplannen.push(deelplan("DP1", "1505")), Regel::E03, Uitkomst::Fout),
            (
                "Een postcodegebied dat twee keer in één deelgebied staat, is een waarschuwing",
                |a| a.deelplannen[0].deelgebied.pc4.push(pc4("1504")),
                Regel::E03,
                Uitkomst::Waarschuwing,
            ),
        ],
    );
}

#[test]
fn e03_een_postcodegebied_in_twee_aanvragen_van_de_ronde() {
    let r = ronde("vhf-2021");
    let a = basis();
    let mut b = basis();
    b.kenmerk = "TEST-2".into();
    b.deelplannen[0].deelgebied.pc4.push(pc4("1505"));
    let mut c = basis();
    c.kenmerk = "TEST-3".into();
    c.deelplannen[0].deelgebied.pc4 = vec![pc4("1506")];
    let aanvragen = vec![a, b, c];
    let t = toets_ronde(&aanvragen, r, Referentie::ingebouwd(), ts("2021-05-10T08:00:00Z")).unwrap();
    assert_eq!(uitkomst(&t[0], Regel::E03), Some(Uitkomst::Fout));
    assert_eq!(uitkomst(&t[1], Regel::E03), Some(Uitkomst::Fout));
    assert_eq!(uitkomst(&t[2], Regel::E03), Some(Uitkomst::Voldaan));
    let uitleg = t[0].uitleg(t[0].bevindingen.iter().find(|b| b.regel == Regel::E03 && b.uitkomst == Uitkomst::Fout).unwrap());
    assert!(uitleg.contains("1504") && uitleg.contains("TEST-2"), "{uitleg}");
    // De volgorde van de invoer maakt niet uit.
    let omgekeerd: Vec<_> = aanvragen.iter().rev().cloned().collect();
    let t2 = toets_ronde(&omgekeerd, r, Referentie::ingebouwd(), ts("2021-05-10T08:00:00Z")).unwrap();
    for (x, y) in t.iter().zip(t2.iter().rev()) {
        assert_eq!(
            x.bevindingen.iter().map(|b| (b.regel, b.uitkomst, b.niveau)).collect::<Vec<_>>(),
            y.bevindingen.iter().map(|b| (b.regel, b.uitkomst, b.niveau)).collect::<Vec<_>>()
        );
    }
}

#[test]
fn e05_primaire_maatregel() {
    controleer(
        "vhf-2021",
        &[
            (
                "Een deelplan met alleen inponding heeft geen primaire maatregel",
                |a| {
                    a.deelplannen[0].maatregelen[0].activiteit = Activiteit::Inponding;
                },
                Regel::E05,
                Uitkomst::Fout,
            ),
            (
                "Inponding naast een renovatie is in orde",
                |a| {
                    let mut m = a.deelplannen[0].maatregelen[0].clone();
                    m.id = "M2".into();
                    m.activiteit = Activiteit::Inponding;
                    a.deelplannen[0].maatregelen.push(m);
                },
                Regel::E05,
                Uitkomst::Voldaan,
            ),
            (
                "Sloop-nieuwbouw is een primaire maatregel",
                |a| a.deelplannen[0].maatregelen[0].activiteit = Activiteit::SloopNieuwbouw,
                Regel::E05,
                Uitkomst::Voldaan,
            ),
        ],
    );
}

#[test]
fn e06_renovatie_labelstappen() {
    use EnergieLabel::*;
    let gevallen = [
        ("Van E naar B is precies 3 stappen: voldoende", E, B, Uitkomst::Voldaan),
        ("Van G naar D is 3 stappen, ook al is D niet B: voldoende", G, D, Uitkomst::Voldaan),
        ("Van D naar B is maar 2 stappen, maar B is bereikt: voldoende", D, B, Uitkomst::Voldaan),
        ("Van C naar B is 1 stap, maar B is bereikt: voldoende", C, B, Uitkomst::Voldaan),
        ("Van E naar C is 2 stappen en C is slechter dan B: onvoldoende", E, C, Uitkomst::Fout),
        ("Van D naar C is 1 stap: onvoldoende", D, C, Uitkomst::Fout),
        ("Van B naar B is geen verbetering: onvoldoende", B, B, Uitkomst::Fout),
        ("Van A naar B is een verslechtering: onvoldoende", A, B, Uitkomst::Fout),
    ];
    let r = ronde("vhf-2021");
    for (zin, voor, na, verwacht) in gevallen {
        let mut a = basis();
        a.deelplannen[0].maatregelen[0].label_voor = Some(voor);
        a.deelplannen[0].maatregelen[0].label_na = Some(na);
        let t = toets_in(&a, r);
        let b = t.bevindingen.iter().find(|b| b.regel == Regel::E06).unwrap();
        assert_eq!(b.uitkomst, verwacht, "{zin}: {}", t.uitleg(b));
        assert_eq!(b.niveau, Niveau::Maatregel(0, 0));
        assert!(t.uitleg(b).contains(&format!("van label {voor} naar {na}")), "{zin}: {}", t.uitleg(b));
    }
    controleer("vhf-2021", &[("Een renovatie zonder labels is een fout", |a| a.deelplannen[0].maatregelen[0].label_na = None, Regel::E06, Uitkomst::Fout)]);
}

#[test]
fn e07_particuliere_woningen() {
    controleer(
        "vhf-2021",
        &[
            (
                "Alleen corporatiewoningen is niet genoeg: elke aanvraag pakt ook particuliere woningen aan",
                |a| a.deelplannen[0].maatregelen[0].woningen = Woningen { eigenaar_bewoner: 0, particuliere_verhuur: 0, corporatie: 300 },
                Regel::E07,
                Uitkomst::Fout,
            ),
            (
                "Eén particuliere verhuurwoning is genoeg voor deze regel",
                |a| a.deelplannen[0].maatregelen[0].woningen = Woningen { eigenaar_bewoner: 0, particuliere_verhuur: 1, corporatie: 300 },
                Regel::E07,
                Uitkomst::Voldaan,
            ),
            (
                "Particuliere woningen die alleen worden ingepond (secundair) tellen niet",
                |a| {
                    a.deelplannen[0].maatregelen[0].woningen = Woningen { eigenaar_bewoner: 0, particuliere_verhuur: 0, corporatie: 300 };
                    let mut m = a.deelplannen[0].maatregelen[0].clone();
                    m.id = "M2".into();
                    m.activiteit = Activiteit::Inponding;
                    m.woningen = Woningen { eigenaar_bewoner: 10, particuliere_verhuur: 0, corporatie: 0 };
                    a.deelplannen[0].maatregelen.push(m);
                },
                Regel::E07,
                Uitkomst::Fout,
            ),
        ],
    );
}

#[test]
fn e08_tot_e10_tekort_bijdrage_en_cofinanciering() {
    controleer(
        "vhf-2021",
        &[
            ("Opbrengsten gelijk aan de kosten: geen tekort", |a| a.deelplannen[0].maatregelen[0].opbrengsten = eur(10_000_000), Regel::E08, Uitkomst::Fout),
            (
                "Een tekort van één cent is een tekort",
                |a| a.deelplannen[0].maatregelen[0].opbrengsten = Bedrag::centen(999_999_999),
                Regel::E08,
                Uitkomst::Voldaan,
            ),
            ("Precies 70% van het tekort vragen mag", |_| {}, Regel::E09, Uitkomst::Voldaan),
            ("Eén cent meer dan 70% van het tekort is te veel", |a| a.deelplannen[0].bijdrage_fysiek = Bedrag::centen(700_000_001), Regel::E09, Uitkomst::Fout),
            ("Zonder tekort is elke bijdrage te veel", |a| a.deelplannen[0].maatregelen[0].opbrengsten = eur(10_000_000), Regel::E09, Uitkomst::Fout),
            ("Cofinanciering die de rest precies dekt, is genoeg", |_| {}, Regel::E10, Uitkomst::Voldaan),
            (
                "Eén cent te weinig cofinanciering is een gat",
                |a| a.deelplannen[0].cofinanciering[0].bedrag = Bedrag::centen(299_999_999),
                Regel::E10,
                Uitkomst::Fout,
            ),
            (
                "Cofinanciering uit meer bronnen telt op",
                |a| {
                    a.deelplannen[0].cofinanciering[0].bedrag = eur(2_000_000);
                    a.deelplannen[0].cofinanciering.push(Cofinanciering { financier: Financier::Provincie, naam: "Provincie".into(), bedrag: eur(1_000_000) });
                },
                Regel::E10,
                Uitkomst::Voldaan,
            ),
        ],
    );
}

#[test]
fn e09_uitleg_noemt_de_getallen() {
    let mut a = basis();
    a.deelplannen[0].bijdrage_fysiek = eur(7_350_000);
    let t = toets_in(&a, ronde("vhf-2021"));
    let b = t.bevindingen.iter().find(|b| b.regel == Regel::E09).unwrap();
    assert_eq!(
        t.uitleg(b),
        "Het gevraagde bedrag voor fysieke maatregelen (€ 7.350.000,00) is meer dan 70% van het tekort (€ 10.000.000,00 → maximaal € 7.000.000,00)."
    );
    let r = t.rapport();
    let br = r.bevindingen.iter().find(|x| x.regel == Regel::E09).unwrap();
    assert_eq!(br.parameters[0].naam, "max_aandeel_tekort");
    assert_eq!(br.parameters[0].waarde, "70%");
    assert!(br.parameters[0].bron.starts_with("[S]"));
}

#[test]
fn e11_projectkosten() {
    controleer(
        "vhf-2021",
        &[
            (
                "Projectkosten van precies 10% van het totaal mogen",
                |a| {
                    // 7.200.000 fysiek + 800.000 projectkosten = 8.000.000; 800.000 is precies 10%.
                    a.deelplannen[0].maatregelen[0].kosten = eur(11_000_000);
                    a.deelplannen[0].bijdrage_fysiek = eur(7_200_000);
                    a.deelplannen[0].projectkosten = eur(800_000);
                    a.deelplannen[0].cofinanciering[0].bedrag = eur(3_800_000);
                },
                Regel::E11,
                Uitkomst::Voldaan,
            ),
            (
                "Eén cent meer projectkosten is te veel",
                |a| {
                    a.deelplannen[0].maatregelen[0].kosten = eur(11_000_000);
                    a.deelplannen[0].bijdrage_fysiek = eur(7_200_000);
                    a.deelplannen[0].projectkosten = Bedrag::centen(80_000_001);
                    a.deelplannen[0].cofinanciering[0].bedrag = eur(3_800_000);
                },
                Regel::E11,
                Uitkomst::Fout,
            ),
        ],
    );
}

fn woningen(a: &mut Aanvraag, eb: u32) {
    a.deelplannen[0].maatregelen[0].woningen = Woningen { eigenaar_bewoner: eb, particuliere_verhuur: 0, corporatie: 0 };
}

#[test]
fn e12_minimale_omvang_2021() {
    controleer(
        "vhf-2021",
        &[
            ("200 woningen is groot genoeg", |a| woningen(a, 200), Regel::E12, Uitkomst::Voldaan),
            (
                "199 woningen en minder dan € 7,5 mln kosten is te klein",
                |a| {
                    woningen(a, 199);
                    a.deelplannen[0].maatregelen[0].kosten = Bedrag::centen(749_999_999);
                    a.deelplannen[0].bijdrage_fysiek = eur(5_000_000);
                    a.deelplannen[0].projectkosten = eur(500_000);
                    a.deelplannen[0].cofinanciering[0].bedrag = eur(2_500_000);
                },
                Regel::E12,
                Uitkomst::Fout,
            ),
            (
                "199 woningen maar precies € 7,5 mln kosten is groot genoeg",
                |a| {
                    woningen(a, 199);
                    a.deelplannen[0].maatregelen[0].kosten = eur(7_500_000);
                    a.deelplannen[0].bijdrage_fysiek = eur(5_000_000);
                    a.deelplannen[0].projectkosten = eur(500_000);
                    a.deelplannen[0].cofinanciering[0].bedrag = eur(2_500_000);
                },
                Regel::E12,
                Uitkomst::Voldaan,
            ),
        ],
    );
}

#[test]
fn e12_minimale_omvang_2023_naar_prioriteit() {
    fn in_2023(a: &mut Aanvraag) {
        a.ingediend_op = Some(ts("2023-08-01T10:00:00Z"));
        a.planning.start = date(2024, 6, 1);
        a.planning.einde = date(2033, 12, 31);
    }
    controleer(
        "vhf-2023",
        &[
            (
                "In een prioriteitsgebied (Zaandam Oost) is 100 woningen genoeg",
                |a| {
                    in_2023(a);
                    a.deelplannen[0].deelgebied.prioriteitsgebied = Some("zaandam-oost".into());
                    woningen(a, 100);
                },
                Regel::E12,
                Uitkomst::Voldaan,
            ),
            (
                "In een prioriteitsgebied is 99 woningen te weinig",
                |a| {
                    in_2023(a);
                    a.deelplannen[0].deelgebied.prioriteitsgebied = Some("zaandam-oost".into());
                    woningen(a, 99);
                },
                Regel::E12,
                Uitkomst::Fout,
            ),
            (
                "Buiten een prioriteitsgebied is 50 woningen genoeg",
                |a| {
                    in_2023(a);
                    woningen(a, 50);
                },
                Regel::E12,
                Uitkomst::Voldaan,
            ),
            (
                "Buiten een prioriteitsgebied is 49 woningen te weinig",
                |a| {
                    in_2023(a);
                    woningen(a, 49);
                },
                Regel::E12,
                Uitkomst::Fout,
            ),
            (
                "Een gemeente in een krimpregio (Emmen) ligt zonder verklaring in een prioriteitsgebied: 99 is te weinig",
                |a| {
                    in_2023(a);
                    a.aanvragers = vec![gm("GM0114")];
                    a.deelplannen[0].deelgebied.gemeente = gm("GM0114");
                    woningen(a, 99);
                },
                Regel::E12,
                Uitkomst::Fout,
            ),
        ],
    );
}

#[test]
fn e13_looptijd_en_start() {
    controleer(
        "vhf-2021",
        &[
            ("Precies 10 jaar looptijd mag", |a| a.planning.einde = date(2032, 1, 1), Regel::E13, Uitkomst::Voldaan),
            ("10 jaar en een dag is te lang", |a| a.planning.einde = date(2032, 1, 2), Regel::E13, Uitkomst::Fout),
            ("Een einde vóór de start kan niet", |a| a.planning.einde = date(2021, 12, 31), Regel::E13, Uitkomst::Fout),
            (
                "In 2021 geldt geen eis aan de start",
                |a| a.planning = Planning { start: date(2026, 1, 1), einde: date(2030, 1, 1) },
                Regel::E13,
                Uitkomst::Voldaan,
            ),
        ],
    );
    // 2023: start uiterlijk 2 jaar na de besluitdatum (parameter, 15-02-2024).
    controleer(
        "vhf-2023",
        &[
            (
                "Start precies 2 jaar na het besluit mag",
                |a| {
                    a.ingediend_op = Some(ts("2023-08-01T10:00:00Z"));
                    a.planning = Planning { start: date(2026, 2, 15), einde: date(2030, 1, 1) };
                },
                Regel::E13,
                Uitkomst::Voldaan,
            ),
            (
                "Start 2 jaar en een dag na het besluit is te laat",
                |a| {
                    a.ingediend_op = Some(ts("2023-08-01T10:00:00Z"));
                    a.planning = Planning { start: date(2026, 2, 16), einde: date(2030, 1, 1) };
                },
                Regel::E13,
                Uitkomst::Fout,
            ),
        ],
    );
}

fn vraag(a: &mut Aanvraag, fysiek: Bedrag, project: Bedrag) {
    // Genoeg tekort en cofinanciering om alleen E14 te raken.
    a.deelplannen[0].maatregelen[0].kosten = eur(100_000_000);
    a.deelplannen[0].bijdrage_fysiek = fysiek;
    a.deelplannen[0].projectkosten = project;
    a.deelplannen[0].cofinanciering[0].bedrag = eur(100_000_000);
}

#[test]
fn e14_plafond_per_aanvraag() {
    controleer(
        "vhf-2021",
        &[
            ("Precies € 45 mln vragen mag in 2021", |a| vraag(a, eur(41_000_000), eur(4_000_000)), Regel::E14, Uitkomst::Voldaan),
            ("Eén cent meer dan € 45 mln is te veel", |a| vraag(a, Bedrag::centen(4_100_000_001), eur(4_000_000)), Regel::E14, Uitkomst::Fout),
        ],
    );
    controleer(
        "vhf-2024",
        &[
            (
                "In 2024 is het plafond 10% van het budget tijdens het loket: € 11.399.600 mag",
                |a| {
                    a.ingediend_op = Some(ts("2024-07-01T10:00:00Z"));
                    a.planning = Planning { start: date(2025, 1, 1), einde: date(2030, 1, 1) };
                    vraag(a, eur(11_000_000), eur(399_600));
                },
                Regel::E14,
                Uitkomst::Voldaan,
            ),
            (
                "In 2024 is € 11.399.600,01 te veel",
                |a| {
                    a.ingediend_op = Some(ts("2024-07-01T10:00:00Z"));
                    a.planning = Planning { start: date(2025, 1, 1), einde: date(2030, 1, 1) };
                    vraag(a, Bedrag::centen(1_100_000_001), eur(399_600));
                },
                Regel::E14,
                Uitkomst::Fout,
            ),
        ],
    );
}

#[test]
fn e15_documenten() {
    controleer(
        "vhf-2021",
        &[
            (
                "Zonder plan van aanpak voor het deelplan is de aanvraag onvolledig",
                |a| a.documenten.retain(|d| d.soort != DocumentSoort::PlanVanAanpak),
                Regel::E15,
                Uitkomst::Fout,
            ),
            ("Een plan van aanpak voor een ander deelplan telt niet", |a| a.documenten[0].deelplan = Some("DP9".into()), Regel::E15, Uitkomst::Fout),
            ("Zonder begroting is de aanvraag onvolledig", |a| a.documenten.retain(|d| d.soort != DocumentSoort::Begroting), Regel::E15, Uitkomst::Fout),
            (
                "Doet een corporatie mee, dan is haar intentieverklaring nodig",
                |a| a.deelplannen[0].maatregelen[0].woningen.corporatie = 50,
                Regel::E15,
                Uitkomst::Fout,
            ),
            (
                "Met intentieverklaring is het compleet",
                |a| {
                    a.deelplannen[0].maatregelen[0].woningen.corporatie = 50;
                    a.documenten.push(Document { soort: DocumentSoort::IntentieverklaringCorporatie, deelplan: None, naam: "iv.pdf".into(), sha256: sha() });
                },
                Regel::E15,
                Uitkomst::Voldaan,
            ),
        ],
    );
}

/// Op de server telt wat er geüpload is, niet wat het bestand verklaart: de toetsing krijgt de lijst van de
/// geüploade documenten als invoer.
#[test]
fn e15_op_de_geuploade_documenten() {
    let r = ronde("vhf-2021");
    let moment = ts("2021-05-10T08:00:00Z");
    // Alles verklaard in het bestand, niets geüpload: onvolledig, niet ontvankelijk.
    let a = basis();
    let t = toets_met_documenten(&a, r, Referentie::ingebouwd(), moment, &[]).unwrap();
    assert_eq!(t.documenten, DocumentBron::Geupload);
    assert_eq!(uitkomst(&t, Regel::E15), Some(Uitkomst::Fout));
    assert!(!t.ontvankelijk());
    let uitleg: Vec<String> = t.bevindingen.iter().filter(|b| b.regel == Regel::E15).map(|b| t.uitleg(b)).collect();
    assert!(uitleg.iter().any(|u| u == "Het document 'plan van aanpak' voor deelplan DP1 is niet geüpload."), "{uitleg:#?}");
    assert!(uitleg.iter().any(|u| u == "Het document 'begroting / exploitatieopzet' is niet geüpload."), "{uitleg:#?}");
    // Niets verklaard, alles geüpload: compleet, en de uitleg zegt waarop dat oordeel rust.
    let mut leeg = basis();
    leeg.documenten.clear();
    let geupload = basis().documenten;
    let t = toets_met_documenten(&leeg, r, Referentie::ingebouwd(), moment, &geupload).unwrap();
    assert_eq!(uitkomst(&t, Regel::E15), Some(Uitkomst::Voldaan));
    assert!(t.ontvankelijk());
    let b = t.bevindingen.iter().find(|b| b.regel == Regel::E15).unwrap();
    assert!(t.uitleg(b).starts_with("Alle verplichte documenten zijn geüpload (2 documenten)"), "{}", t.uitleg(b));
    // Het bestand alleen: de verklaarde lijst, en dat staat erbij.
    let t = toets_in(&leeg, r);
    assert_eq!(t.documenten, DocumentBron::Verklaard);
    assert_eq!(uitkomst(&t, Regel::E15), Some(Uitkomst::Fout));
    let t = toets_in(&a, r);
    let b = t.bevindingen.iter().find(|b| b.regel == Regel::E15).unwrap();
    assert!(t.uitleg(b).contains("documentenlijst van het aanvraagbestand"), "{}", t.uitleg(b));
    // Een upload bij een deelplan dat er niet is, telt niet voor een ander deelplan.
    let mut verkeerd = basis().documenten;
    verkeerd[0].deelplan = Some("DP9".into());
    let t = toets_met_documenten(&leeg, r, Referentie::ingebouwd(), moment, &verkeerd).unwrap();
    assert_eq!(uitkomst(&t, Regel::E15), Some(Uitkomst::Fout));
    // Over de ronde: per kenmerk de geüploade documenten; een aanvraag zonder uploads heeft er geen.
    let mut tweede = basis();
    tweede.kenmerk = "TEST-2".into();
    tweede.deelplannen[0].deelgebied.pc4 = vec![pc4("1505")];
    let aanvragen = vec![leeg.clone(), tweede];
    let per = std::collections::BTreeMap::from([("TEST-1".to_string(), geupload.clone())]);
    let ts_ronde = toets_ronde_met_documenten(&aanvragen, &per, r, Referentie::ingebouwd(), moment).unwrap();
    assert_eq!(uitkomst(&ts_ronde[0], Regel::E15), Some(Uitkomst::Voldaan));
    assert_eq!(uitkomst(&ts_ronde[1], Regel::E15), Some(Uitkomst::Fout), "TEST-2 verklaart alles maar uploadde niets");
}

#[test]
fn e16_prioriteitsgebied() {
    controleer(
        "vhf-2021",
        &[
            (
                "Zaandam Oost ligt in Zaanstad: in orde",
                |a| a.deelplannen[0].deelgebied.prioriteitsgebied = Some("zaandam-oost".into()),
                Regel::E16,
                Uitkomst::Voldaan,
            ),
            (
                "Rotterdam-Zuid ligt niet in Zaanstad",
                |a| a.deelplannen[0].deelgebied.prioriteitsgebied = Some("rotterdam-zuid".into()),
                Regel::E16,
                Uitkomst::Fout,
            ),
            (
                "Een onbekend gebied staat niet op de lijst",
                |a| a.deelplannen[0].deelgebied.prioriteitsgebied = Some("atlantis".into()),
                Regel::E16,
                Uitkomst::Fout,
            ),
            ("Zonder verklaring is er niets te toetsen", |_| {}, Regel::E16, Uitkomst::Voldaan),
        ],
    );
    // Een gebied dat pas vanaf 2023 op de lijst staat, telt in 2021 niet.
    let referentie = Referentie::ingebouwd();
    let alleen_npl = referentie.lijst("nplv2022").unwrap().keys().find(|k| !referentie.lijst("vhf2021").unwrap().contains_key(*k)).unwrap().clone();
    let mut a = basis();
    a.deelplannen[0].deelgebied.prioriteitsgebied = Some(alleen_npl.clone());
    let t = toets_in(&a, ronde("vhf-2021"));
    assert_eq!(uitkomst(&t, Regel::E16), Some(Uitkomst::Fout), "{alleen_npl}");
}

#[test]
fn elke_uitleg_van_de_voorbeelden_is_gevuld_en_noemt_bestaande_regels() {
    for tekst in [
        include_str!("../../../../examples/zaanstad-poelenburg-peldersveld.json"),
        include_str!("../../../../examples/parkstad-limburg-samenwerkingsverband.json"),
        include_str!("../../../../examples/weert-met-fouten.json"),
    ] {
        let a = crate::invoer::lees_aanvraag(tekst).unwrap();
        let r = ronde(&a.ronde);
        let t = toets(&a, r, Referentie::ingebouwd(), ts("2024-01-01T00:00:00Z")).unwrap();
        for b in &t.bevindingen {
            assert!(REGELS.iter().any(|i| i.regel == b.regel));
            assert!(t.uitleg(b).len() > 20, "{:?}: {}", b.regel, t.uitleg(b));
        }
    }
}
