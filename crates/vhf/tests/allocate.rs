//! `vhf allocate` en `vhf demo generate` als echte processen.

mod gemeenschappelijk;
#[path = "gemeenschappelijk/schema.rs"]
mod schemacontrole;

use std::path::PathBuf;

use gemeenschappelijk::{repo, stderr, stdout, vhf};

const RONDE: &str = "examples/verdeling/ronde-2021.json";

fn tijdelijk(naam: &str, inhoud: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("vhf-alloc-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join(naam);
    std::fs::write(&p, inhoud).unwrap();
    p
}

#[test]
fn het_voorbeeld_is_precies_wat_de_generator_maakt() {
    let o = vhf(&["demo", "generate", "--deelplannen", "75", "--seed", "2021", "--round", "vhf-2021"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let voorbeeld = std::fs::read_to_string(repo().join(RONDE)).unwrap();
    assert_eq!(stdout(&o), voorbeeld, "examples/verdeling/ronde-2021.json wijkt af van `vhf demo generate --deelplannen 75 --seed 2021`");
    let v: serde_json::Value = serde_json::from_str(&voorbeeld).unwrap();
    // Als 2021: 48 aanvragen, 75 deelplannen.
    assert_eq!(v["aanvragen"].as_array().unwrap().len(), 48);
    let dp: usize = v["aanvragen"].as_array().unwrap().iter().map(|a| a["deelplannen"].as_array().unwrap().len()).sum();
    assert_eq!(dp, 75);
}

#[test]
fn een_ronde_als_2021_is_overvraagd_en_verdeelt_tot_het_plafond() {
    let o = vhf(&["allocate", "--json", RONDE]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["regels"]["plafond"], "412000000.00");
    let toegekend: f64 = v["totalen"]["toegekend"].as_str().unwrap().parse().unwrap();
    let gevraagd: f64 = v["totalen"]["gevraagd_door_kandidaten"].as_str().unwrap().parse().unwrap();
    assert!(toegekend <= 412_000_000.0 && gevraagd > 412_000_000.0, "{toegekend} {gevraagd}");
    let aantallen = &v["totalen"]["aantal_per_uitkomst"];
    assert!(aantallen["positief_niet_gehonoreerd_wegens_budget"].as_u64().unwrap() > 0);
    assert!(aantallen["negatief_advies"].as_u64().unwrap() > 0);
    assert!(aantallen["niet_ontvankelijk"].as_u64().unwrap() > 0);
    // Elke uitkering is de som van de toegekende deelplannen van die penvoerder, tot op de cent.
    let mut per: std::collections::BTreeMap<String, i64> = Default::default();
    for d in v["deelplannen"].as_array().unwrap() {
        assert!(!d["uitleg"].as_str().unwrap().is_empty());
        *per.entry(d["penvoerder"].as_str().unwrap().to_string()).or_default() += d["toegekend_centen"].as_i64().unwrap();
    }
    for u in v["uitkeringen"].as_array().unwrap() {
        let g = u["gemeente"].as_str().unwrap();
        assert_eq!(per[g], u["bedrag_centen"].as_i64().unwrap(), "{g}");
    }
}

fn is_cbs_code(v: &serde_json::Value) -> bool {
    v.as_str().is_some_and(|s| s.len() == 6 && s.starts_with("GM") && s[2..].bytes().all(|b| b.is_ascii_digit()))
}

/// Een script moet een verdeling kunnen narekenen zonder tekst te ontleden: elke gemeente met haar CBS-code in
/// een eigen veld, en per deelplan de gebruikte prioriteit, de punten (en waarom), de rangscore, de rang, de
/// uitkomst en het bedrag in centen.
#[test]
fn json_voor_machines_noemt_cbs_codes_prioriteit_punten_rang_uitkomst_en_centen() {
    let o = vhf(&["allocate", "--json", RONDE]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let deelplannen = v["deelplannen"].as_array().unwrap();
    assert_eq!(deelplannen.len(), 75);
    let mut rangen = Vec::new();
    for d in deelplannen {
        assert!(is_cbs_code(&d["penvoerder"]) && is_cbs_code(&d["gemeente"]), "{d}");
        assert!(!d["penvoerder"].as_str().unwrap().contains('('), "geen weergavetekst: {d}");
        assert!(!d["penvoerder_naam"].as_str().unwrap().is_empty() && !d["gemeente_naam"].as_str().unwrap().is_empty(), "{d}");
        assert!(d["kenmerk"].is_string() && d["deelplan"].is_string(), "{d}");
        // Bedragen in centen, gelijk aan de tekst in euro's.
        let centen = |veld: &str| (d[veld].as_str().unwrap().replace('.', "").parse::<i64>().unwrap(), d[format!("{veld}_centen")].as_i64().unwrap());
        let (tekst, getal) = centen("toegekend");
        assert_eq!(tekst, getal, "{d}");
        let (tekst, getal) = centen("gevraagd");
        assert_eq!(tekst, getal, "{d}");
        // De prioriteit zoals gebruikt: de regel van de ronde (2021: voorrang), het gebied, voorrang ja/nee, punten.
        let p = &d["prioriteit"];
        assert_eq!(p["regel"], "voorrang", "{d}");
        assert_eq!(p["voorrang"].as_bool().unwrap(), p["gebied"].is_object() && d["rang"].is_number(), "{d}");
        assert_eq!(p["punten"], "0.00", "{d}");
        let u = d["uitkomst"].as_str().unwrap();
        assert!(["toegekend", "gedeeltelijk_toegekend", "positief_niet_gehonoreerd_wegens_budget", "negatief_advies", "niet_ontvankelijk"].contains(&u), "{u}");
        match d["rang"].as_u64() {
            Some(r) => {
                rangen.push(r);
                assert_eq!(d["rangscore"], d["score"], "zonder punten is de rangscore de score: {d}");
                assert_eq!(d["deelname"]["status"], "kandidaat", "{d}");
            }
            None => assert!(d["rangscore"].is_null() && d["deelname"]["status"] != "kandidaat", "{d}"),
        }
    }
    rangen.sort();
    assert_eq!(rangen, (1..=rangen.len() as u64).collect::<Vec<_>>(), "de rangen zijn 1 tot en met het aantal kandidaten");
    for u in v["uitkeringen"].as_array().unwrap() {
        assert!(is_cbs_code(&u["gemeente"]) && u["naam"].is_string() && u["bedrag"].is_string(), "{u}");
    }
    // Het budget en de btw-reserve waarmee gerekend is; bij een wat-als die van de variant.
    assert_eq!((v["budget"].as_str(), v["btw_reserve"].as_str()), (Some("450000000.00"), Some("38000000.00")));
    let o = vhf(&["allocate", "--json", "--what-if", "budget=150000000", RONDE]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((v["variant"]["budget"].as_str(), v["variant"]["btw_reserve"].as_str()), (Some("150000000.00"), Some("38000000.00")));
    assert_eq!(v["basis"]["budget"], "450000000.00");
    assert_eq!(v["variant"]["regels"]["plafond"], "112000000.00");
}

#[test]
fn json_van_2024_noemt_de_punten_en_waarom() {
    let o = vhf(&["demo", "generate", "--deelplannen", "40", "--seed", "2024", "--round", "vhf-2024"]);
    let pad = tijdelijk("ronde-2024-json.json", &stdout(&o));
    let o = vhf(&["allocate", "--json", pad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let dp = v["deelplannen"].as_array().unwrap();
    let met: Vec<_> = dp.iter().filter(|d| d["prioriteit"]["punten"] == "5.00").collect();
    assert!(!met.is_empty(), "in de demo van 2024 krijgt ten minste één deelplan punten");
    for d in &met {
        assert_eq!(d["prioriteit"]["regel"], "punten");
        assert!(d["prioriteit"]["punten_reden"].as_str().unwrap().contains("nooit een uitkering"), "{d}");
        assert!(d["prioriteit"]["eerdere_aanvraag"]["kenmerk"].is_string(), "de punten noemen de eerdere aanvraag: {d}");
        let score: f64 = d["score"].as_str().unwrap().parse().unwrap();
        let rangscore: f64 = d["rangscore"].as_str().unwrap().parse().unwrap();
        assert!((rangscore - score - 5.0).abs() < 1e-9, "{d}");
    }
    // Wie in een prioriteitsgebied ligt en meedoet maar geen punten krijgt, hoort waarom.
    for d in dp.iter().filter(|d| d["prioriteit"]["gebied"].is_object() && d["rang"].is_number() && d["prioriteit"]["punten"] == "0.00") {
        assert!(d["prioriteit"]["punten_reden"].as_str().unwrap().starts_with("geen prioriteitspunten"), "{d}");
    }
}

fn schema_van_het_resultaat() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(repo().join("schema/verdeelresultaat.schema.json")).expect("schema/verdeelresultaat.schema.json")).unwrap()
}

#[test]
fn het_schema_van_het_resultaat_is_actueel_en_beschrijft_de_uitvoer() {
    let o = vhf(&["schema", "verdeelresultaat"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let gepubliceerd = std::fs::read_to_string(repo().join("schema/verdeelresultaat.schema.json")).unwrap();
    assert_eq!(stdout(&o), gepubliceerd, "draai `vhf schema verdeelresultaat > schema/verdeelresultaat.schema.json`");
    let schema = schema_van_het_resultaat();
    // De echte uitvoer past in het schema, en elk veld van de uitvoer staat erin: gewoon, met wat-als, en 2024.
    let o = vhf(&["demo", "generate", "--deelplannen", "40", "--seed", "2024", "--round", "vhf-2024"]);
    let r2024 = tijdelijk("ronde-2024-schema.json", &stdout(&o));
    for args in [
        vec!["allocate", "--json", RONDE],
        vec!["allocate", "--json", "--what-if", "budget=150000000", "--what-if", "vulwijze=doorgaan", RONDE],
        vec!["allocate", "--json", r2024.to_str().unwrap()],
    ] {
        let o = vhf(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let f = schemacontrole::afwijkingen(&schema, &v);
        assert!(f.is_empty(), "{args:?}: de uitvoer wijkt af van het schema:\n{}", f.join("\n"));
    }
    // De controle zelf kan falen: een veld dat het schema niet kent, of een bedrag als getal.
    let o = vhf(&["allocate", "--json", RONDE]);
    let mut v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    v["deelplannen"][0]["onbekend"] = serde_json::json!(1);
    v["deelplannen"][1]["toegekend"] = serde_json::json!(12.5);
    let f = schemacontrole::afwijkingen(&schema, &v);
    assert!(f.iter().any(|x| x.contains("$.deelplannen[0]: veld 'onbekend' staat niet in het schema")), "{f:?}");
    assert!(f.iter().any(|x| x.contains("$.deelplannen[1].toegekend")), "{f:?}");
}

#[test]
fn de_hulp_beschrijft_json_en_noemt_bestanden_die_bestaan() {
    let o = vhf(&["allocate", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let t = stdout(&o);
    let json =
        t.lines().skip_while(|l| !l.trim_start().starts_with("--json")).take_while(|l| !l.trim_start().starts_with("--uitleg")).collect::<Vec<_>>().join(" ");
    for woord in ["CBS-code", "rang", "centen", "schema/verdeelresultaat.schema.json"] {
        assert!(json.contains(woord), "--json noemt '{woord}' niet: {json}");
    }
    // Elk pad dat de hulp noemt, bestaat in de repository.
    let paden: Vec<&str> =
        t.split(|c: char| c.is_whitespace() || "()`,;".contains(c)).filter(|w| w.starts_with("examples/") || w.starts_with("schema/")).collect();
    assert!(paden.contains(&RONDE), "de hulp noemt het voorbeeld {RONDE}: {paden:?}");
    for p in paden {
        assert!(repo().join(p).is_file(), "de hulp noemt {p}, maar dat bestand bestaat niet");
    }
}

#[test]
fn tabel_met_uitleg() {
    let o = vhf(&["allocate", "--uitleg", RONDE]);
    assert_eq!(o.status.code(), Some(0));
    let t = stdout(&o);
    assert!(t.contains("Plafond:    € 412.000.000,00 (budget € 450.000.000,00 − btw-reserve € 38.000.000,00"), "{t}");
    assert!(t.contains("Rang 1 van "), "{t}");
    assert!(t.contains("niet gehonoreerd wegens budget; plaats 1 op de reservelijst"), "{t}");
    assert!(t.contains("Uitkeringen per gemeente"), "{t}");
    assert!(t.contains("naar gebied: stedelijke prioriteitsgebieden"), "{t}");
}

#[test]
fn wat_als_een_hoger_budget_toont_het_verschil() {
    let o = vhf(&["allocate", "--what-if", "budget=500000000", RONDE]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(t.starts_with("WAT-ALS: budget=500000000"), "{t}");
    assert!(t.contains("Plafond:    € 462.000.000,00 (budget € 500.000.000,00 − btw-reserve € 38.000.000,00"), "{t}");
    assert!(t.contains("Verschil met de verdeling volgens de ronde"), "{t}");
    assert!(t.contains("positief, niet gehonoreerd wegens budget € 0,00 (rang"), "{t}");
    // JSON: basis, variant en verschillen; meer geld betekent voor niemand minder (vulwijze stop).
    let o = vhf(&["allocate", "--json", "--what-if", "budget=500000000", RONDE]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for d in v["verschillen"]["deelplannen"].as_array().unwrap() {
        let voor: f64 = d["voor"][1].as_str().unwrap().parse().unwrap();
        let na: f64 = d["na"][1].as_str().unwrap().parse().unwrap();
        assert!(na >= voor);
    }
    // Andere gewichten, andere prioriteitsregel, andere vulwijze.
    let o = vhf(&[
        "allocate",
        "--what-if",
        "gewicht.effectiviteit=25%",
        "--what-if",
        "gewicht.haalbaarheid=35%",
        "--what-if",
        "prioriteit=geen",
        "--what-if",
        "vulwijze=doorgaan",
        RONDE,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Effectiviteit 25%") && stdout(&o).contains("geen voorrang of punten"), "{}", stdout(&o));
}

/// De tekst noemt het budget van de wat-als, niet dat van de ronde (dat stond er eerst: "Plafond € 112.000.000
/// (budget € 450.000.000 − …)"), en zegt dat het een wat-als is.
#[test]
fn wat_als_noemt_het_budget_en_de_reserve_van_de_wat_als() {
    let o = vhf(&["allocate", "--what-if", "budget=150000000", RONDE]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&o);
    let regel = t.lines().find(|l| l.starts_with("Plafond:")).unwrap();
    assert!(
        regel.starts_with("Plafond:    € 112.000.000,00 (budget € 150.000.000,00 − btw-reserve € 38.000.000,00; bron budget: wat-als budget=150000000"),
        "{regel}"
    );
    assert!(regel.contains("de ronde: € 450.000.000,00"), "{regel}");
    let o = vhf(&["allocate", "--what-if", "btw_reserve=0", RONDE]);
    let t = stdout(&o);
    let regel = t.lines().find(|l| l.starts_with("Plafond:")).unwrap();
    assert!(regel.starts_with("Plafond:    € 450.000.000,00 (budget € 450.000.000,00 − btw-reserve € 0,00;"), "{regel}");
    assert!(regel.contains("bron btw-reserve: wat-als btw_reserve=0"), "{regel}");
}

#[test]
fn foute_wat_als_geeft_afsluitcode_2() {
    for (w, verwacht) in [
        ("budget=veel", "'veel' is geen bedrag"),
        ("gewicht.effectiviteit=50%", "tellen op tot 110%"),
        ("gewicht.schoonheid=10%", "onbekend criterium 'schoonheid'"),
        ("vulwijze=soms", "kies stop of doorgaan"),
        ("plafond", "schrijf sleutel=waarde"),
        ("kleur=rood", "onbekende wat-als 'kleur'"),
    ] {
        let o = vhf(&["allocate", "--what-if", w, RONDE]);
        assert_eq!(o.status.code(), Some(2), "{w}");
        assert!(stderr(&o).contains(verwacht), "{w}: {}", stderr(&o));
    }
}

#[test]
fn gevoeligheid_is_reproduceerbaar_en_onafhankelijk_van_het_aantal_draden() {
    let a = vhf(&["allocate", "--json", "--sensitivity", "500", "--seed", "7", "--threads", "1", RONDE]);
    let b = vhf(&["allocate", "--json", "--sensitivity", "500", "--seed", "7", "--threads", "2", RONDE]);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(stdout(&a), stdout(&b));
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    let kansen: Vec<u64> = v.as_array().unwrap().iter().map(|r| r["gehonoreerd"].as_u64().unwrap()).collect();
    assert!(kansen.contains(&500), "de sterkste deelplannen krijgen altijd geld");
    assert!(kansen.iter().any(|&n| n > 0 && n < 500), "een krappe beslissing wisselt: {kansen:?}");
    // Zonder verstoring is de uitkomst die van de verdeling zelf.
    let nul = vhf(&["allocate", "--json", "--sensitivity", "50", "--marge", "0", RONDE]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&nul)).unwrap();
    assert!(v.as_array().unwrap().iter().all(|r| r["gehonoreerd"] == 0 || r["gehonoreerd"] == 50));
}

#[test]
fn onvolledige_of_foute_beoordeling_stopt_de_verdeling() {
    let tekst = std::fs::read_to_string(repo().join(RONDE)).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&tekst).unwrap();
    // Eén score weg: dat deelplan is niet volledig beoordeeld.
    let weg = v["beoordelingen"]["scores"].as_array_mut().unwrap().remove(0);
    let pad = tijdelijk("onvolledig.json", &v.to_string());
    let o = vhf(&["allocate", pad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!(
            "deelplan {}/{} is niet volledig beoordeeld: 2 van 3 leden hebben gescoord",
            weg["aanvraag"].as_str().unwrap(),
            weg["deelplan"].as_str().unwrap()
        )),
        "{}",
        stderr(&o)
    );
    // Een lid met een conflict toegewezen.
    let mut v: serde_json::Value = serde_json::from_str(&tekst).unwrap();
    let lid = v["beoordelingen"]["toewijzingen"][0]["leden"][0].as_str().unwrap().to_string();
    let aanvraag = v["beoordelingen"]["toewijzingen"][0]["aanvraag"].as_str().unwrap().to_string();
    let l = v["beoordelingen"]["leden"].as_array_mut().unwrap().iter_mut().find(|l| l["id"] == lid.as_str()).unwrap();
    l["conflicten"].as_array_mut().unwrap().push(serde_json::json!({ "aanvraag": aanvraag }));
    let pad = tijdelijk("conflict.json", &v.to_string());
    let o = vhf(&["allocate", pad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("belangenconflict"), "{}", stderr(&o));
    // Kapotte JSON.
    let pad = tijdelijk("kapot.json", &tekst[..tekst.len() / 2]);
    let o = vhf(&["allocate", pad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("kapot.json:"), "{}", stderr(&o));
}

#[test]
fn ronde_2024_verdeelt_met_het_verhoogde_budget_en_punten() {
    let o = vhf(&["demo", "generate", "--deelplannen", "40", "--seed", "2024", "--round", "vhf-2024"]);
    assert_eq!(o.status.code(), Some(0));
    let pad = tijdelijk("ronde-2024.json", &stdout(&o));
    let o = vhf(&["allocate", "--uitleg", pad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&o);
    // Bij het besluit is het budget verhoogd naar € 150 mln; min € 4,5 mln btw-reserve.
    assert!(t.contains("Plafond:    € 145.500.000,00 (budget € 150.000.000,00"), "{t}");
    assert!(t.contains("+5,00 prioriteitspunten"), "{t}");
    // Wat als het budget niet was verhoogd?
    let o = vhf(&["allocate", "--what-if", "budget=113996000", pad.to_str().unwrap()]);
    assert!(stdout(&o).contains("Plafond:    € 109.496.000,00"), "{}", stdout(&o));
}

#[test]
fn het_schema_van_de_verdeling_is_actueel() {
    let o = vhf(&["schema", "verdeling"]);
    let gepubliceerd = std::fs::read_to_string(repo().join("schema/verdeling.schema.json")).unwrap();
    assert_eq!(stdout(&o), gepubliceerd, "draai `vhf schema verdeling > schema/verdeling.schema.json`");
}
