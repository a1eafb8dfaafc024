//! De opdrachtregel spreekt Nederlands (issue 15): de hulp van elke opdracht, de fouten van clap en de
//! leesfouten van serde (JSON) en toml, als echte processen.

mod gemeenschappelijk;

use std::path::PathBuf;
use std::process::Output;

use gemeenschappelijk::{repo, stderr, stdout, vhf};

/// Wat clap, serde en toml in het Engels zeggen; niets hiervan mag een gebruiker van `vhf` zien.
const ENGELS: &[&str] = &[
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Print help",
    "Print version",
    "error:",
    "unexpected argument",
    "unrecognized",
    "For more information",
    "tip:",
    "[default",
    "possible values",
    "[OPTIONS]",
    "<COMMAND>",
    "required arguments",
    "missing field",
    "invalid type",
    "invalid value",
    "expected",
    "unknown field",
    "unknown variant",
    "EOF while",
    "trailing characters",
    "TOML parse error",
    "at line",
];

fn geen_engels(wat: &str, tekst: &str) {
    for w in ENGELS {
        assert!(!tekst.contains(w), "{wat}: '{w}' in\n{tekst}");
    }
}

fn alles(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

/// De opdrachten onder de kop "Opdrachten:" in een hulptekst.
fn opdrachten(hulp: &str) -> Vec<String> {
    hulp.lines()
        .skip_while(|r| *r != "Opdrachten:")
        .skip(1)
        .take_while(|r| !r.trim().is_empty())
        .filter_map(|r| r.split_whitespace().next().map(str::to_string))
        .collect()
}

/// `vhf --help` en van daar elke opdracht en subopdracht: Nederlandse koppen, `-h` gelijk aan `--help`, geen
/// Engels. De opdrachten komen uit de hulp zelf, zodat een nieuwe opdracht vanzelf meedoet.
#[test]
fn de_hulp_van_elke_opdracht_is_nederlands() {
    let mut te_doen: Vec<Vec<String>> = vec![vec![]];
    let mut gezien = Vec::new();
    while let Some(pad) = te_doen.pop() {
        let naam = if pad.is_empty() { "vhf".to_string() } else { format!("vhf {}", pad.join(" ")) };
        let mut args: Vec<&str> = pad.iter().map(String::as_str).collect();
        args.push("--help");
        let o = vhf(&args);
        assert_eq!(o.status.code(), Some(0), "{naam} --help: {}", stderr(&o));
        let hulp = stdout(&o);
        assert!(stderr(&o).is_empty(), "{naam} --help schrijft op stderr: {}", stderr(&o));
        assert!(hulp.contains(&format!("Gebruik: {naam}")), "{naam}:\n{hulp}");
        assert!(hulp.contains("Opties:") && hulp.contains("-h, --help") && hulp.contains("Toon deze hulp"), "{naam}:\n{hulp}");
        geen_engels(&naam, &hulp);
        // Een leeg hulpveld is een optie zonder uitleg.
        for regel in hulp.lines().filter(|r| r.trim_start().starts_with('-') || r.trim_start().starts_with(['<', '['])) {
            assert!(regel.trim().contains("  "), "{naam}: geen uitleg bij '{}'", regel.trim());
        }
        args.pop();
        args.push("-h");
        assert_eq!(stdout(&vhf(&args)), hulp, "{naam}: -h en --help verschillen");
        let subs = opdrachten(&hulp);
        if !subs.is_empty() {
            assert!(hulp.contains(&format!("Gebruik: {naam} <OPDRACHT>")), "{naam}:\n{hulp}");
        }
        for sub in subs {
            let mut p = pad.clone();
            p.push(sub);
            te_doen.push(p);
        }
        gezien.push(naam);
    }
    // vhf, 11 opdrachten en 7 subopdrachten; zo weten we dat de kop "Opdrachten:" echt gelezen is.
    assert!(gezien.len() >= 19, "{gezien:?}");
    for opdracht in ["vhf check", "vhf serve", "vhf token maak", "vhf audit verify", "vhf demo generate", "vhf schema"] {
        assert!(gezien.iter().any(|g| g == opdracht), "{opdracht} niet bezocht: {gezien:?}");
    }
}

#[test]
fn koppen_standaardwaarden_en_keuzes_in_de_hulp() {
    let o = vhf(&["--help"]);
    let t = stdout(&o);
    assert!(t.contains("Gebruik: vhf <OPDRACHT>\n\nOpdrachten:\n  check "), "{t}");
    assert!(t.contains("-V, --version  Toon de versie"), "{t}");
    let t = stdout(&vhf(&["check", "--help"]));
    assert!(t.contains("Gebruik: vhf check [OPTIES] <BESTAND>...\n\nArgumenten:\n  <BESTAND>..."), "{t}");
    let t = stdout(&vhf(&["allocate", "--help"]));
    assert!(t.contains("(zelfde zaad, zelfde uitkomst) [standaard: 2021]"), "{t}");
    let t = stdout(&vhf(&["schema", "--help"]));
    assert!(t.contains("[standaard: aanvraag] [mogelijk: aanvraag, verdeling, verdeelresultaat]"), "{t}");
    let t = stdout(&vhf(&["serve", "--help"]));
    assert!(t.contains("--port <POORT>") && t.contains("--config <BESTAND>") && t.contains("--data-dir <MAP>"), "{t}");
}

#[test]
fn versie_en_zonder_opdracht() {
    let o = vhf(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).trim(), format!("vhf {}", env!("CARGO_PKG_VERSION")));
    assert_eq!(stdout(&vhf(&["-V"])), stdout(&o));
    // Zonder opdracht: de hulp op stderr en afsluitcode 2, zoals clap dat doet.
    let o = vhf(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Gebruik: vhf <OPDRACHT>") && stderr(&o).contains("Opdrachten:"), "{}", stderr(&o));
    geen_engels("vhf", &alles(&o));
    let o = vhf(&["token"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Gebruik: vhf token <OPDRACHT>"), "{}", stderr(&o));
    geen_engels("vhf token", &alles(&o));
}

/// Elke fout op de opdrachtregel: afsluitcode 2, een Nederlandse zin met het argument en de waarde, de
/// gebruiksregel en waar meer uitleg staat; niets op stdout.
#[test]
fn fouten_op_de_opdrachtregel_zijn_nederlands() {
    let gevallen: &[(&[&str], &str, &str)] = &[
        (&["--onbekend"], "fout: onverwacht argument '--onbekend'", "Gebruik: vhf <OPDRACHT>\n\nMeer uitleg: vhf --help"),
        (&["check", "--alles", "--onbekend", "a.json"], "fout: onverwacht argument '--onbekend'", "Meer uitleg: vhf check --help"),
        (&["check", "-V"], "fout: onverwacht argument '-V'\n  om '-V' als waarde mee te geven: '-- -V'", "Gebruik: vhf check [OPTIES] <BESTAND>..."),
        (&["chek"], "fout: onbekende opdracht 'chek'", "Meer uitleg: vhf --help"),
        (&["help"], "fout: onbekende opdracht 'help'", "Meer uitleg: vhf --help"),
        (&["check"], "fout: het verplichte argument <BESTAND>... ontbreekt", "Gebruik: vhf check [OPTIES] <BESTAND>..."),
        (
            &["token", "maak"],
            "fout: deze verplichte argumenten ontbreken:\n  --omschrijving <OMSCHRIJVING>\n  <GEBRUIKER>",
            "Meer uitleg: vhf token maak --help",
        ),
        (
            &["serve", "--tijdreis", "gisteren"],
            "fout: ongeldige waarde 'gisteren' voor '--tijdreis <MOMENT>': geen geldige datum of tijd: het begint niet met een jaar van vier cijfers",
            "Gebruik: vhf serve [OPTIES]\n\nMeer uitleg: vhf serve --help",
        ),
        (
            &["check", "--peilmoment", "2021-05-10T10:00:00", "a.json"],
            "fout: ongeldige waarde '2021-05-10T10:00:00' voor '--peilmoment <MOMENT>': geen geldige datum of tijd: de tijdzone ontbreekt",
            "Meer uitleg: vhf check --help",
        ),
        (
            &["check", "--peilmoment", "2021-13-10T10:00:00Z", "a.json"],
            "fout: ongeldige waarde '2021-13-10T10:00:00Z' voor '--peilmoment <MOMENT>': geen geldige datum of tijd: de maand moet tussen 1 en 12 liggen",
            "vhf check --help",
        ),
        (&["serve", "--port", "99999"], "fout: ongeldige waarde '99999' voor '--port <POORT>': 99999 ligt niet tussen 0 en 65535", "vhf serve --help"),
        (&["serve", "--bind", "thuis"], "fout: ongeldige waarde 'thuis' voor '--bind <ADRES>': geen geldig IP-adres", "vhf serve --help"),
        (
            &["allocate", "--seed", "abc", "x.json"],
            "fout: ongeldige waarde 'abc' voor '--seed <ZAAD>': geen geheel getal (alleen cijfers)",
            "vhf allocate --help",
        ),
        (
            &["allocate", "--marge", "x", "x.json"],
            "fout: ongeldige waarde 'x' voor '--marge <MARGE>': 'x' is geen getal met hoogstens 2 decimalen",
            "vhf allocate --help",
        ),
        (&["schema", "soort"], "fout: ongeldige waarde 'soort' voor '[SOORT]'; mogelijk zijn: aanvraag, verdeling", "Gebruik: vhf schema [SOORT]"),
        (&["check", "--round"], "fout: bij '--round <RONDE>' hoort een waarde, maar die ontbreekt", "vhf check --help"),
        (&["check", "--round", "a", "--round", "b", "x.json"], "fout: '--round <RONDE>' mag maar één keer worden opgegeven", "vhf check --help"),
        (&["check", "--json=ja", "x.json"], "fout: onverwachte waarde 'ja' bij '--json'", "vhf check --help"),
        (&["rounds", "vhf-2021", "vhf-2023"], "fout: onverwacht argument 'vhf-2023'", "Gebruik: vhf rounds [OPTIES] [RONDE]"),
    ];
    for (args, zin, staart) in gevallen {
        let o = vhf(args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
        assert!(e.starts_with(zin), "{args:?}: verwacht '{zin}' aan het begin van\n{e}");
        assert!(e.contains(staart), "{args:?}: verwacht '{staart}' in\n{e}");
        geen_engels(&format!("{args:?}"), &e);
    }
}

fn tijdelijk(naam: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("vhf-cli-nl-{}-{naam}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Een kapotte of verkeerd getypte aanvraag via `vhf check`: bestand:regel:kolom, het veld, en een Nederlandse
/// zin die het veld en de verkeerde waarde noemt; ook in de JSON-uitvoer.
#[test]
fn leesfouten_van_een_aanvraag_zijn_nederlands() {
    let goed = std::fs::read_to_string(repo().join("examples/zaanstad-poelenburg-peldersveld.json")).unwrap();
    let gevallen: &[(&str, String, &str)] = &[
        (
            "tekst-als-aantal",
            goed.replacen("\"eigenaar_bewoner\": 420", "\"eigenaar_bewoner\": \"veel\"", 1),
            ":35:33: veld deelplannen[0].maatregelen[0].woningen.eigenaar_bewoner: verkeerd soort waarde: tekst \"veel\", verwacht een geheel getal",
        ),
        (
            "negatief-aantal",
            goed.replacen("\"eigenaar_bewoner\": 420", "\"eigenaar_bewoner\": -4", 1),
            "veld deelplannen[0].maatregelen[0].woningen.eigenaar_bewoner: ongeldige waarde: getal -4, verwacht een geheel getal van 0 tot en met 4294967295",
        ),
        (
            "getal-als-tekst",
            goed.replacen("\"naam\": \"J. de Vries\"", "\"naam\": 12", 1),
            ":9:13: veld contactpersoon.naam: verkeerd soort waarde: getal 12, verwacht een tekst",
        ),
        ("ontbrekend-veld", goed.replacen("  \"titel\": \"Zaandam Oost: Poelenburg en Peldersveld\",\n", "", 1), "het veld `titel` ontbreekt"),
        (
            "onbekend-veld",
            goed.replacen("\"kenmerk\"", "\"kenmerkk\"", 1),
            ":2:15: veld kenmerkk: onbekend veld `kenmerkk`; toegestaan zijn: `kenmerk`, `ronde`, `titel`",
        ),
        (
            "onbekende-waarde",
            goed.replacen("\"activiteit\": \"renovatie\"", "\"activiteit\": \"verbouwing\"", 1),
            "onbekende waarde \"verbouwing\"; toegestaan zijn: \"renovatie\"",
        ),
        (
            "dubbel-veld",
            goed.replacen("\"eigenaar_bewoner\": 420", "\"eigenaar_bewoner\": 420, \"eigenaar_bewoner\": 1", 1),
            "veld deelplannen[0].maatregelen[0].woningen: het veld `eigenaar_bewoner` staat er twee keer",
        ),
        (
            "geen-datum",
            goed.replacen("\"2021-10-01\"", "\"1 oktober 2021\"", 1),
            "veld planning.start: geen geldige datum of tijd: het begint niet met een jaar van vier cijfers",
        ),
        ("kapot", goed.replacen("\"titel\":", "\"titel\"", 1), "geen geldige JSON: hier hoort een dubbele punt (`:`) tussen veldnaam en waarde"),
        ("geen-waarde", goed.replacen("\"J. de Vries\"", "'J. de Vries'", 1), ":9:13: veld contactpersoon.naam: geen geldige JSON: hier hoort een waarde"),
        ("komma-te-veel", goed.replacen("\"GM0479\"\n  ],", "\"GM0479\",\n  ],", 1), "geen geldige JSON: een komma te veel"),
        ("afgebroken", goed[..200].to_string(), "het bestand houdt midden in een"),
        ("na-het-einde", format!("{goed}\n{{}}"), "na de aanvraag staat nog tekst"),
        ("lijst", "[]".to_string(), "verkeerd soort waarde: een lijst, verwacht een object (Aanvraag)"),
    ];
    let dir = tijdelijk("aanvraag");
    for (naam, inhoud, verwacht) in gevallen {
        let pad = dir.join(format!("{naam}.json"));
        std::fs::write(&pad, inhoud).unwrap();
        let o = vhf(&["check", pad.to_str().unwrap()]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{naam}: {e}");
        assert!(e.starts_with(&format!("{}:", pad.display())), "{naam}: {e}");
        assert!(e.contains(verwacht), "{naam}: verwacht '{verwacht}' in\n{e}");
        geen_engels(naam, &alles(&o));
        // De JSON-uitvoer draagt dezelfde melding, met regel en veld apart.
        let o = vhf(&["check", "--json", pad.to_str().unwrap()]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let fout = &v["invoerfouten"][0];
        let melding = fout["melding"].as_str().unwrap();
        geen_engels(naam, melding);
        assert!(!melding.is_empty() && e.trim_end().ends_with(melding), "{naam}: {fout} tegenover {e}");
    }
}

/// De invoer van `vhf allocate` en de configuratie van `vhf serve` gaan door dezelfde vertaling.
#[test]
fn leesfouten_van_allocate_en_de_configuratie_zijn_nederlands() {
    let dir = tijdelijk("allocate");
    let gevallen: &[(&str, &str, &str)] = &[
        (
            "type",
            "{\"ronde\": \"vhf-2021\", \"aanvragen\": [], \"beoordelingen\": 5}",
            ":1:57: veld beoordelingen: verkeerd soort waarde: getal 5, verwacht een object",
        ),
        ("onbekend", "{\"ronde\": \"vhf-2021\", \"aanvragn\": []}", "veld aanvragn: onbekend veld `aanvragn`; toegestaan zijn: `ronde`, `aanvragen`"),
        ("ontbreekt", "{\"ronde\": \"vhf-2021\", \"aanvragen\": []}", "het veld `beoordelingen` ontbreekt"),
        ("kapot", "{\"ronde\": \"vhf-2021\" \"aanvragen\": []}", "geen geldige JSON: hier hoort een komma of het einde van het object"),
        ("leeg", "", "het bestand is leeg"),
    ];
    for (naam, inhoud, verwacht) in gevallen {
        let pad = dir.join(format!("{naam}.json"));
        std::fs::write(&pad, inhoud).unwrap();
        let o = vhf(&["allocate", pad.to_str().unwrap()]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{naam}: {e}");
        assert!(e.contains(verwacht), "{naam}: verwacht '{verwacht}' in\n{e}");
        geen_engels(naam, &alles(&o));
    }
    let o = vhf(&["allocate", "bestaat-niet.json"]);
    assert!(stderr(&o).contains("bestaat-niet.json: kan het bestand niet openen: bestand bestaat niet"), "{}", stderr(&o));
    geen_engels("allocate bestaat-niet", &alles(&o));

    let config = dir.join("vhf.toml");
    for (inhoud, verwacht) in [
        ("port = \"acht\"\n", "regel 1, kolom 8: verkeerd soort waarde: tekst \"acht\", verwacht een geheel getal van 0 tot en met 65535"),
        ("poort = 8080\n", "regel 1, kolom 1: onbekend veld `poort`; toegestaan zijn: `modus`"),
        ("modus = \"test\"\n", "onbekende waarde \"test\"; toegestaan zijn: \"ontwikkeling\" of \"productie\""),
        ("[oidc]\nissuer = \"https://x\"\n", "het veld `client_id` ontbreekt"),
        ("port = \n", "regel 1, kolom 8: een tekst moet tussen aanhalingstekens staan"),
    ] {
        std::fs::write(&config, inhoud).unwrap();
        let o = vhf(&["serve", "--config", config.to_str().unwrap(), "--data-dir", dir.join("data").to_str().unwrap()]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{inhoud}: {e}");
        assert!(e.contains(&format!("vhf serve: configuratie {}: ", config.display())) && e.contains(verwacht), "{inhoud}: verwacht '{verwacht}' in\n{e}");
        geen_engels(inhoud, &e);
    }
}
