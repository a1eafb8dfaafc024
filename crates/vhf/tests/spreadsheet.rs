//! Het Excel-sjabloon van een aanvraag heen en terug (`vhf sjabloon`, `vhf check aanvraag.xlsx`): een blad en
//! het gelijkwaardige JSON-bestand geven dezelfde bevindingen, en een fout blad noemt blad, cel en veld.

mod gemeenschappelijk;

use std::path::PathBuf;

use gemeenschappelijk::{repo, stderr, stdout, vhf};
use serde_json::Value;
use vhf::spreadsheet::aanvraag::{self, Celfout};

const VOORBEELDEN: [&str; 3] = ["zaanstad-poelenburg-peldersveld", "parkstad-limburg-samenwerkingsverband", "weert-met-fouten"];

fn tijdelijk(naam: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("vhf-test-{}-{naam}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Het rapport van `vhf check --json` zonder de bestandsnaam.
fn rapport(pad: &str) -> (Value, Option<i32>) {
    let o = vhf(&["check", "--json", "--peilmoment", "2021-05-10T10:00:00Z", pad]);
    let mut v: Value = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{pad}: {e}: {}", stderr(&o)));
    assert_eq!(v["invoerfouten"], serde_json::json!([]), "{pad}: {}", stderr(&o));
    let mut r = v["rapporten"][0].take();
    r.as_object_mut().unwrap().remove("bestand");
    (r, o.status.code())
}

#[test]
fn een_blad_en_het_json_bestand_geven_dezelfde_bevindingen() {
    let dir = tijdelijk("sjabloon");
    for naam in VOORBEELDEN {
        let json = repo().join(format!("examples/{naam}.json"));
        let xlsx = dir.join(format!("{naam}.xlsx"));
        let o = vhf(&["sjabloon", "--van", json.to_str().unwrap(), "--uit", xlsx.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let bytes = std::fs::read(&xlsx).unwrap();
        assert!(aanvraag::is_xlsx(&bytes));
        let (van_json, code_json) = rapport(json.to_str().unwrap());
        let (van_blad, code_blad) = rapport(xlsx.to_str().unwrap());
        assert_eq!(van_json, van_blad, "{naam}: het blad geeft andere bevindingen dan het JSON-bestand");
        assert_eq!(code_json, code_blad);
        assert!(!van_json["bevindingen"].as_array().unwrap().is_empty() || naam != "weert-met-fouten");
        // Ook het Nederlandse verslag is gelijk, op de regel met de bestandsnaam na.
        let tekst = |p: &str| {
            let o = vhf(&["check", "--alles", "--peilmoment", "2021-05-10T10:00:00Z", p]);
            stdout(&o).lines().filter(|r| !r.starts_with("Bestand:")).collect::<Vec<_>>().join("\n")
        };
        assert_eq!(tekst(json.to_str().unwrap()), tekst(xlsx.to_str().unwrap()), "{naam}");
    }
    // weert-met-fouten breekt elf regels: het blad dus ook.
    let (w, code) = rapport(dir.join("weert-met-fouten.xlsx").to_str().unwrap());
    assert_eq!(code, Some(1));
    let fouten: std::collections::BTreeSet<&str> =
        w["bevindingen"].as_array().unwrap().iter().filter(|b| b["uitkomst"] == "fout").filter_map(|b| b["regel"].as_str()).collect();
    assert_eq!(fouten.len(), 11, "{fouten:?}");
}

fn zaanstad() -> vhf_core::aanvraag::Aanvraag {
    vhf_core::invoer::lees_aanvraag(&std::fs::read_to_string(repo().join("examples/zaanstad-poelenburg-peldersveld.json")).unwrap()).unwrap()
}

/// Het sjabloon met Zaanstad, met één ingreep in de werkmap.
fn fout_blad(ingreep: impl FnOnce(&mut rust_xlsxwriter::Workbook)) -> Vec<Celfout> {
    let mut wb = aanvraag::werkmap(Some(&zaanstad())).unwrap();
    ingreep(&mut wb);
    let bytes = wb.save_to_buffer().unwrap();
    match aanvraag::lees_aanvraag(&bytes) {
        Ok(_) => panic!("het blad had geweigerd moeten worden"),
        Err(f) => f,
    }
}

#[test]
fn een_fout_blad_noemt_blad_cel_en_veld() {
    // Zonder ingreep leest het blad tot dezelfde aanvraag als het JSON-bestand.
    let bytes = aanvraag::sjabloon(Some(&zaanstad())).unwrap();
    let (a, _) = aanvraag::lees_aanvraag(&bytes).unwrap();
    assert_eq!(serde_json::to_value(&a).unwrap(), serde_json::to_value(zaanstad()).unwrap());

    // Tekst in een bedrag (Maatregelen, kolom J = Kosten, regel 3 = de tweede maatregel).
    let f = fout_blad(|wb| {
        wb.worksheet_from_name("Maatregelen").unwrap().write_string(2, 9, "veel").unwrap();
    });
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].blad.as_str(), f[0].cel.as_deref(), f[0].veld.as_deref()),
        ("Maatregelen", Some("J3"), Some("deelplannen[0].maatregelen[1].kosten")),
        "{f:?}"
    );
    assert!(f[0].melding.contains("'veel'"), "{}", f[0]);

    // Een aantal woningen met een breuk, en een onbekende activiteit: beide cellen tegelijk.
    let f = fout_blad(|wb| {
        let ws = wb.worksheet_from_name("Maatregelen").unwrap();
        ws.write_number(1, 4, 12.5).unwrap();
        ws.write_string(1, 2, "verbouw").unwrap();
    });
    let cellen: Vec<_> = f.iter().map(|f| (f.blad.as_str(), f.cel.clone().unwrap_or_default())).collect();
    assert_eq!(cellen, [("Maatregelen", "C2".to_string()), ("Maatregelen", "E2".to_string())], "{f:?}");
    assert!(f[0].melding.contains("'verbouw' is geen geldige keuze; kies uit: renovatie"), "{}", f[0]);
    assert!(f[1].melding.contains("'12.5' is geen aantal"), "{}", f[1]);

    // Een fout die pas de lezer van de aanvraag vindt (E04: geen PC4), teruggevoerd naar de cel.
    let f = fout_blad(|wb| {
        wb.worksheet_from_name("Deelplannen").unwrap().write_string(1, 3, "12345").unwrap();
    });
    assert_eq!((f[0].blad.as_str(), f[0].cel.as_deref(), f[0].veld.as_deref()), ("Deelplannen", Some("D2"), Some("deelplannen[0].deelgebied.pc4[0]")), "{f:?}");
    assert!(f[0].melding.contains("'12345' is geen PC4-postcodegebied"), "{}", f[0]);

    // Drie decimalen in een bedrag: de lezer zegt het, op de cel.
    let f = fout_blad(|wb| {
        wb.worksheet_from_name("Deelplannen").unwrap().write_number(1, 5, 7_350_000.125).unwrap();
    });
    assert_eq!((f[0].blad.as_str(), f[0].cel.as_deref()), ("Deelplannen", Some("F2")), "{f:?}");
    assert!(f[0].melding.contains("meer dan 2 decimalen"), "{}", f[0]);

    // Een maatregel bij een deelplan dat er niet is.
    let f = fout_blad(|wb| {
        wb.worksheet_from_name("Maatregelen").unwrap().write_string(1, 0, "DP9").unwrap();
    });
    assert_eq!((f[0].cel.as_deref(), f[0].melding.as_str()), (Some("A2"), "deelplan 'DP9' staat niet in het blad Deelplannen (daar staan: DP1, DP2)"), "{f:?}");

    // Een ontbrekende kolom en een ontbrekend blad.
    let f = fout_blad(|wb| {
        wb.worksheet_from_name("Maatregelen").unwrap().write_string(0, 9, "Kosten").unwrap();
    });
    assert_eq!((f[0].blad.as_str(), f[0].cel.as_deref()), ("Maatregelen", Some("A1")), "{f:?}");
    assert!(f[0].melding.contains("ontbreekt de kolom: Kosten (€)"), "{}", f[0]);
    let f = fout_blad(|wb| {
        wb.worksheet_from_name("Deelplannen").unwrap().set_name("Plannen").unwrap();
    });
    assert_eq!((f[0].blad.as_str(), f[0].cel.as_deref()), ("Deelplannen", None), "{f:?}");
    assert!(f[0].melding.contains("het blad Deelplannen ontbreekt"), "{}", f[0]);

    // Een datum als tekst in de Nederlandse vorm telt.
    let mut wb = aanvraag::werkmap(Some(&zaanstad())).unwrap();
    wb.worksheet_from_name("Aanvraag").unwrap().write_string(11, 1, "1-10-2021").unwrap();
    let (a, _) = aanvraag::lees_aanvraag(&wb.save_to_buffer().unwrap()).unwrap();
    assert_eq!(a.planning.start, jiff::civil::date(2021, 10, 1));
    // Geen XLSX: een duidelijke melding, geen paniek.
    let f = aanvraag::lees_aanvraag(b"PK\x03\x04 kapot").unwrap_err();
    assert!(f[0].melding.contains("geen leesbaar XLSX-bestand"), "{}", f[0]);
}

#[test]
fn vhf_check_op_een_fout_blad_noemt_bestand_blad_en_cel() {
    let dir = tijdelijk("fout-blad");
    let mut wb = aanvraag::werkmap(Some(&zaanstad())).unwrap();
    wb.worksheet_from_name("Maatregelen").unwrap().write_string(2, 9, "veel").unwrap();
    let pad = dir.join("fout.xlsx");
    std::fs::write(&pad, wb.save_to_buffer().unwrap()).unwrap();
    let o = vhf(&["check", pad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.starts_with(&format!("{}: blad Maatregelen, cel J3: veld deelplannen[0].maatregelen[1].kosten: ", pad.display())), "{e}");
    let o = vhf(&["check", "--json", pad.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let f = &v["invoerfouten"][0];
    assert_eq!((f["blad"].as_str(), f["cel"].as_str(), f["veld"].as_str()), (Some("Maatregelen"), Some("J3"), Some("deelplannen[0].maatregelen[1].kosten")));

    // Het lege sjabloon: elke verplichte cel van het blad Aanvraag wordt genoemd.
    let leeg = dir.join("leeg.xlsx");
    assert_eq!(vhf(&["sjabloon", "--uit", leeg.to_str().unwrap()]).status.code(), Some(0));
    let o = vhf(&["check", leeg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("blad Aanvraag, cel B2: veld kenmerk: Kenmerk is verplicht en de cel is leeg"), "{e}");
    assert_eq!(e.lines().count(), 8, "{e}");
}
