//! `vhf check`, `vhf rounds` en `vhf schema` als echte processen: afsluitcodes, uitvoer en foutmeldingen.

mod gemeenschappelijk;

use std::path::PathBuf;

use gemeenschappelijk::{repo, stderr, stdout, vhf};

const ZAANSTAD: &str = "examples/zaanstad-poelenburg-peldersveld.json";
const PARKSTAD: &str = "examples/parkstad-limburg-samenwerkingsverband.json";
const WEERT: &str = "examples/weert-met-fouten.json";

#[test]
fn een_goede_aanvraag_geeft_afsluitcode_0() {
    let o = vhf(&["check", ZAANSTAD]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(t.contains("Oordeel:    ONTVANKELIJK; alle deelplannen subsidiabel"), "{t}");
    assert!(t.contains("tekort € 48.500.000,00"), "{t}");
    // Ingediend na de oorspronkelijke sluiting (17 mei), binnen de verlenging.
    assert!(t.contains("Ingediend:  18-05-2021 10:30:00 (Europe/Amsterdam)"), "{t}");
}

#[test]
fn een_samenwerkingsverband_noemt_zijn_penvoerder() {
    let o = vhf(&["check", "--alles", PARKSTAD]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let t = stdout(&o);
    assert!(t.contains("Penvoerder: Heerlen (GM0917)"), "{t}");
    assert!(t.contains("Gezamenlijke aanvraag van 4 gemeenten, Parkstad Limburg"), "{t}");
    assert!(t.contains("[Parkstad Limburg (grens- of krimpregio)]"), "{t}");
    assert!(t.contains("[Heerlen-Noord (stedelijk vernieuwingsgebied)]"), "{t}");
}

#[test]
fn een_aanvraag_met_fouten_geeft_afsluitcode_1_en_noemt_elke_regel() {
    let o = vhf(&["check", WEERT]);
    assert_eq!(o.status.code(), Some(1));
    let t = stdout(&o);
    assert!(t.contains("NIET ONTVANKELIJK"), "{t}");
    for regel in ["E01", "E03", "E05", "E06", "E07", "E09", "E10", "E11", "E13", "E15", "E16"] {
        assert!(t.contains(&format!("✗ {regel} ")), "{regel} ontbreekt in\n{t}");
    }
}

#[test]
fn json_uitvoer_heeft_per_bevinding_regel_uitleg_bron_en_parameters() {
    let o = vhf(&["check", "--json", WEERT, ZAANSTAD]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rapporten = v["rapporten"].as_array().unwrap();
    assert_eq!(rapporten.len(), 2);
    assert_eq!(rapporten[0]["kenmerk"], "WEERT-2024-01");
    assert_eq!(rapporten[0]["ontvankelijk"], false);
    assert_eq!(rapporten[1]["zonder_fouten"], true);
    for b in rapporten[0]["bevindingen"].as_array().unwrap() {
        assert!(b["regel"].as_str().unwrap().starts_with('E'));
        assert!(!b["uitleg"].as_str().unwrap().is_empty());
        assert!(!b["bron"].as_str().unwrap().is_empty());
    }
    let e09 = rapporten[0]["bevindingen"].as_array().unwrap().iter().find(|b| b["regel"] == "E09" && b["uitkomst"] == "fout").unwrap();
    assert_eq!(e09["parameters"][0]["waarde"], "70%");
    assert_eq!(rapporten[0]["indicatoren"]["deelplannen"][0]["tekort"], "8500000.00");
    assert_eq!(rapporten[0]["parameters"]["max_aandeel_tekort"]["waarde"], "70.00%");
}

#[test]
fn een_postcodegebied_in_twee_aanvragen_van_de_ronde_is_bij_beide_een_fout() {
    let dir = tijdelijk("pc4-dubbel");
    let zaanstad = std::fs::read_to_string(repo().join(ZAANSTAD)).unwrap();
    let tweede = zaanstad.replace("ZAANSTAD-2021-01", "ZAANSTAD-2021-02").replace("\"1505\"", "\"1506\"");
    let pad = dir.join("tweede.json");
    std::fs::write(&pad, tweede).unwrap();
    let o = vhf(&["check", ZAANSTAD, pad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let t = stdout(&o);
    assert!(t.contains("Postcodegebied 1504 ligt ook in het deelgebied van deelplan DP1 van aanvraag ZAANSTAD-2021-02"), "{t}");
    assert!(t.contains("Postcodegebied 1504 ligt ook in het deelgebied van deelplan DP1 van aanvraag ZAANSTAD-2021-01"), "{t}");
}

fn tijdelijk(naam: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("vhf-test-{}-{naam}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Slechte invoer: afsluitcode 2, bestand:regel:kolom, het veld en een Nederlandse melding; nooit een paniek.
#[test]
fn slechte_invoer_geeft_afsluitcode_2_met_bestand_regel_en_veld() {
    let goed = std::fs::read_to_string(repo().join(ZAANSTAD)).unwrap();
    let gevallen: &[(&str, String, &str)] = &[
        ("kapotte-json", goed.replacen("\"titel\":", "\"titel\"", 1), ":4:"),
        ("onbekende-gemeente", goed.replacen("\"GM0479\"", "\"GM9999\"", 1), ":6:5: veld aanvragers[0]: gemeentecode GM9999 is onbekend"),
        ("pc4-vijf-cijfers", goed.replacen("\"1504\"", "\"12345\"", 1), "veld deelplannen[0].deelgebied.pc4[0]: E04: '12345' is geen PC4-postcodegebied"),
        ("negatieve-kosten", goed.replacen("\"28000000.00\"", "\"-28000000.00\"", 1), "veld deelplannen[0].maatregelen[0].kosten: '-28000000.00' is negatief"),
        ("label-z", goed.replacen("\"label_na\": \"B\"", "\"label_na\": \"Z\"", 1), "veld deelplannen[0].maatregelen[0].label_na: 'Z' is geen energielabel"),
        ("drie-decimalen", goed.replacen("\"28000000.00\"", "\"28000000.001\"", 1), "heeft meer dan 2 decimalen"),
        ("onbekende-ronde", goed.replacen("\"vhf-2021\"", "\"vhf-2022\"", 1), ":3:12: veld ronde: onbekende ronde \"vhf-2022\""),
        ("leeg", String::new(), "het bestand is leeg"),
        ("geen-utf8", "\u{0}".to_string() + &goed, "geen geldige JSON"),
    ];
    let dir = tijdelijk("slecht");
    for (naam, inhoud, verwacht) in gevallen {
        let pad = dir.join(format!("{naam}.json"));
        std::fs::write(&pad, inhoud).unwrap();
        let o = vhf(&["check", pad.to_str().unwrap()]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{naam}: {e}");
        assert!(e.starts_with(pad.to_str().unwrap()), "{naam}: {e}");
        assert!(e.contains(verwacht), "{naam}: verwacht '{verwacht}' in: {e}");
        assert!(!e.contains("panicked"), "{naam}: {e}");
    }
    let mut latin1 = goed.into_bytes();
    latin1.extend_from_slice(b"\n\xe9");
    let pad = dir.join("latin1.json");
    std::fs::write(&pad, latin1).unwrap();
    let o = vhf(&["check", pad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("geen UTF-8"), "{}", stderr(&o));
}

#[test]
fn een_ontbrekend_bestand_of_onbekende_ronde_geeft_afsluitcode_2() {
    let o = vhf(&["check", "bestaat-niet.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bestaat-niet.json: kan het bestand niet openen: bestand bestaat niet"), "{}", stderr(&o));
    let o = vhf(&["check", "--round", "vhf-1999", ZAANSTAD]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("onbekende ronde 'vhf-1999'"));
    // Eén slecht bestand tussen goede: de goede worden getoetst, de afsluitcode is 2.
    let o = vhf(&["check", ZAANSTAD, "bestaat-niet.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("ZAANSTAD-2021-01"));
}

#[test]
fn een_andere_ronde_kiezen_toetst_met_haar_parameters() {
    // Dezelfde aanvraag tegen 2023: ingediend in mei 2021 valt buiten het loket van 2023, en het plafond is € 28 mln.
    let o = vhf(&["check", "--round", "vhf-2023", ZAANSTAD]);
    assert_eq!(o.status.code(), Some(1));
    let t = stdout(&o);
    assert!(t.contains("(het bestand noemt vhf-2021)"), "{t}");
    assert!(t.contains("✗ E01"), "{t}");
    assert!(t.contains("✗ E14 [aanvraag] Het totale gevraagde bedrag (€ 36.000.000,00) is meer dan het plafond per aanvraag (€ 28.000.000,00)."), "{t}");
}

#[test]
fn een_concept_wordt_getoetst_op_het_peilmoment() {
    let goed = std::fs::read_to_string(repo().join(ZAANSTAD)).unwrap();
    let concept = goed.replace("  \"ingediend_op\": \"2021-05-18T08:30:00Z\",\n", "");
    let pad = tijdelijk("concept").join("concept.json");
    std::fs::write(&pad, concept).unwrap();
    let o = vhf(&["check", "--peilmoment", "2021-05-04T10:00:00Z", pad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let t = stdout(&o);
    assert!(t.contains("Concept, getoetst op 04-05-2021 12:00:00 (Europe/Amsterdam)"), "{t}");
    assert!(t.contains("! E01 [aanvraag] De aanvraag is nog niet ingediend.") && t.contains("op het peilmoment (04-05-2021 12:00:00) is het open"), "{t}");
}

#[test]
fn rondes_tonen_parameters_met_bron_en_wijzigingen() {
    let o = vhf(&["rounds"]);
    assert_eq!(o.status.code(), Some(0));
    let t = stdout(&o);
    for id in ["vhf-2021", "vhf-2023", "vhf-2024"] {
        assert!(t.contains(&format!("({id})")), "{id}");
    }
    assert!(t.contains("vanaf 17-05-2021: 19-05-2021 17:00"), "{t}");
    assert!(t.contains("toelichting: Budget verhoogd van € 113.996.000 naar € 150.000.000 bij het besluit."), "{t}");
    let o = vhf(&["rounds", "--json", "vhf-2024"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    let o = vhf(&["rounds", "vhf-1999"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn het_gepubliceerde_schema_is_actueel() {
    let o = vhf(&["schema"]);
    assert_eq!(o.status.code(), Some(0));
    let gepubliceerd = std::fs::read_to_string(repo().join("schema/aanvraag.schema.json")).unwrap();
    assert_eq!(stdout(&o), gepubliceerd, "schema/aanvraag.schema.json is verouderd: draai `vhf schema > schema/aanvraag.schema.json`");
}

/// Een regel die bij het ene deelplan faalt en bij het andere niet, staat niet onder "Voldaan" alsof ze overal
/// voldaan is: het verslag zegt per deelplan waar ze voldaan is en waar niet.
#[test]
fn een_regel_die_bij_een_van_twee_deelplannen_faalt_staat_per_deelplan() {
    let goed = std::fs::read_to_string(repo().join(ZAANSTAD)).unwrap();
    // DP2 vraagt € 15 mln van een tekort van € 20,5 mln: meer dan 70% (E09); DP1 blijft binnen de grens.
    let tweede = goed.replacen("\"bijdrage_fysiek\": \"14000000.00\"", "\"bijdrage_fysiek\": \"15000000.00\"", 1);
    assert_ne!(goed, tweede);
    let pad = tijdelijk("per-deelplan").join("zaanstad-dp2-te-veel.json");
    std::fs::write(&pad, tweede).unwrap();
    let o = vhf(&["check", pad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let t = stdout(&o);
    assert!(t.contains("✗ E09 [deelplan DP2]"), "{t}");
    let voldaan = t.lines().find(|l| l.starts_with("Voldaan:")).unwrap();
    assert!(!voldaan.contains("E09"), "E09 faalt bij DP2 en staat toch onder Voldaan: {voldaan}");
    assert!(voldaan.contains("E08") && voldaan.contains("E10"), "{voldaan}");
    assert!(t.contains("Deels voldaan: E09 — voldaan bij deelplan DP1; fout bij deelplan DP2"), "{t}");
    // Met --alles staat elke voldane bevinding er met haar deelplan bij.
    let o = vhf(&["check", "--alles", pad.to_str().unwrap()]);
    let t = stdout(&o);
    assert!(t.contains("✓ E09 [deelplan DP1]") && !t.contains("✓ E09 [deelplan DP2]"), "{t}");
    assert!(t.contains("Deels voldaan: E09 — voldaan bij deelplan DP1; fout bij deelplan DP2"), "{t}");
    // Een regel op twee niveaus (E02: de aanvraag en elk deelgebied) die bij één deelplan faalt.
    let vreemd = goed.replacen(
        "\"gemeente\": \"GM0479\",\n        \"pc4\": [\n          \"1505\"",
        "\"gemeente\": \"GM0363\",\n        \"pc4\": [\n          \"1505\"",
        1,
    );
    assert_ne!(goed, vreemd);
    let pad = tijdelijk("per-deelplan").join("zaanstad-dp2-in-amsterdam.json");
    std::fs::write(&pad, vreemd).unwrap();
    let t = stdout(&vhf(&["check", pad.to_str().unwrap()]));
    assert!(t.contains("✗ E02 [deelplan DP2]"), "{t}");
    assert!(t.contains("Deels voldaan: E02 — voldaan bij de aanvraag en deelplan DP1; fout bij deelplan DP2"), "{t}");
    assert!(!t.lines().find(|l| l.starts_with("Voldaan:")).unwrap().contains("E02"), "{t}");
}

/// `vhf check` toetst E15 op de documentenlijst in het bestand (wat de gemeente verklaart) en zegt dat; de server
/// toetst op wat er echt geüpload is.
#[test]
fn e15_zegt_dat_het_de_verklaarde_documentenlijst_toetst() {
    let o = vhf(&["check", "--alles", ZAANSTAD]);
    let t = stdout(&o);
    let e15 = t.lines().find(|l| l.contains("✓ E15")).unwrap();
    assert!(e15.contains("documentenlijst van het aanvraagbestand") && e15.contains("niet of ze geüpload zijn"), "{e15}");
    let t = stdout(&vhf(&["check", WEERT]));
    let e15 = t.lines().find(|l| l.contains("✗ E15")).unwrap();
    assert!(e15.contains("staat niet in de documentenlijst van het aanvraagbestand"), "{e15}");
    let o = vhf(&["check", "--json", ZAANSTAD]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["rapporten"][0]["documenten"], "verklaard");
}

/// De rapporten van de voorbeelden (`examples/*.json`), als tekst (`--alles`) en als JSON, per bestand en alle
/// drie samen (met de PC4-controle over aanvragen heen), zijn byte voor byte gelijk aan wat in
/// `tests/verwacht/` staat. Die bestanden zijn gemaakt vóór het sneller maken van toetsing, lezer en rapport
/// (issue 14); wie de uitvoer bewust verandert, schrijft ze opnieuw met `VHF_VERWACHT_SCHRIJVEN=1 cargo test -p
/// vhf --test check` en laat het verschil in de commit zien.
#[test]
fn de_rapporten_van_de_voorbeelden_zijn_byte_voor_byte_als_verwacht() {
    let map = repo().join("crates/vhf/tests/verwacht");
    let schrijven = std::env::var_os("VHF_VERWACHT_SCHRIJVEN").is_some();
    let gevallen: [(&str, &[&str]); 4] =
        [("zaanstad", &[ZAANSTAD]), ("parkstad", &[PARKSTAD]), ("weert", &[WEERT]), ("alle-drie", &[ZAANSTAD, PARKSTAD, WEERT])];
    for (naam, bestanden) in gevallen {
        for (vorm, extensie) in [("--alles", "txt"), ("--json", "json")] {
            let mut args = vec!["check", vorm];
            args.extend_from_slice(bestanden);
            let o = vhf(&args);
            assert!(matches!(o.status.code(), Some(0 | 1)), "{naam} {vorm}: {}", stderr(&o));
            let pad = map.join(format!("{naam}.{extensie}"));
            if schrijven {
                std::fs::create_dir_all(&map).unwrap();
                std::fs::write(&pad, &o.stdout).unwrap();
                continue;
            }
            let verwacht = std::fs::read(&pad).unwrap_or_else(|e| panic!("{}: {e}", pad.display()));
            if o.stdout != verwacht {
                let (nu, toen) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&verwacht));
                let regel = nu.lines().zip(toen.lines()).position(|(a, b)| a != b).unwrap_or(nu.lines().count().min(toen.lines().count()));
                panic!(
                    "{naam} {vorm} wijkt af van {} vanaf regel {}:\nnu:    {:?}\ntoen:  {:?}",
                    pad.display(),
                    regel + 1,
                    nu.lines().nth(regel),
                    toen.lines().nth(regel)
                );
            }
        }
    }
}
