//! Elke bron die het systeem noemt, bestaat: een bevinding (het register `REGELS`) en een parameter van een ronde
//! (`data/rondes/*.toml`, ook in het commentaar) mogen naar een bestand van de repository verwijzen, met een
//! optioneel anker (`docs/regeling.md#e15`); dat bestand en dat anker moeten er zijn. En `docs/regeling.md`, het
//! regelboek van dit project, loopt gelijk met `data/rondes/`: de tabel van de rondes daarin wordt hier uit de
//! rondes gemaakt (bijwerken: `VHF_BIJWERKEN=1 cargo test -p vhf --test bronnen`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use vhf_core::regeling::Ronde;
use vhf_core::toetsing::REGELS;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const EXTENSIES: [&str; 7] = [".md", ".toml", ".csv", ".json", ".geojson", ".txt", ".rs"];

/// De verwijzingen naar bestanden in een tekst: woorden met een bekende extensie, eventueel met `#anker`.
fn verwijzingen(tekst: &str) -> Vec<String> {
    tekst
        .split(|c: char| c.is_whitespace() || "()[]{},;\"'`<>".contains(c))
        .map(|w| w.trim_end_matches(['.', ':']))
        .filter(|w| {
            let pad = w.split('#').next().unwrap_or("");
            EXTENSIES.iter().any(|e| pad.ends_with(e)) && pad.len() > 3
        })
        .map(String::from)
        .collect()
}

/// De ankers van een markdown-bestand: expliciete `id="…"` en de koppen zoals GitHub ze een anker geeft.
fn ankers(tekst: &str) -> BTreeSet<String> {
    let mut a = BTreeSet::new();
    for deel in tekst.split("id=\"").skip(1) {
        if let Some((id, _)) = deel.split_once('"') {
            a.insert(id.to_string());
        }
    }
    for kop in tekst.lines().filter_map(|l| l.strip_prefix('#')) {
        let kop = kop.trim_start_matches('#').trim().to_lowercase();
        let slug: String = kop.chars().filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_').map(|c| if c == ' ' { '-' } else { c }).collect();
        a.insert(slug);
    }
    a
}

/// Wat er mis is met één verwijzing (vanuit `waar`), of niets.
fn controleer(waar: &str, verwijzing: &str) -> Option<String> {
    let (pad, anker) = match verwijzing.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (verwijzing, None),
    };
    let bestand = repo().join(pad);
    let Ok(tekst) = std::fs::read_to_string(&bestand) else {
        return Some(format!("{waar}: noemt {verwijzing}, maar {pad} bestaat niet in de repository"));
    };
    match anker {
        Some(a) if !ankers(&tekst).contains(a) => Some(format!("{waar}: noemt {verwijzing}, maar {pad} heeft geen anker '{a}'")),
        _ => None,
    }
}

#[test]
fn de_verwijzingen_zelf_worden_gevonden_en_kunnen_falen() {
    assert_eq!(verwijzingen("[V] regeling (docs/regeling.md#e01); zie data/rondes/vhf-2021.toml."), ["docs/regeling.md#e01", "data/rondes/vhf-2021.toml"]);
    assert!(verwijzingen("[S] € 45 mln = 10% van het budget").is_empty());
    assert!(controleer("proef", "docs/bestaat-niet.md").unwrap().contains("bestaat niet"));
    assert!(controleer("proef", "README.md#geen-anker-met-deze-naam").unwrap().contains("geen anker"));
    assert_eq!(controleer("proef", "README.md#architecture"), None);
}

#[test]
fn elke_bron_van_een_bevinding_bestaat_en_wijst_in_het_regelboek() {
    let mut fouten = Vec::new();
    for r in &REGELS {
        let v = verwijzingen(r.bron);
        let regel = format!("{:?}", r.regel);
        let verwacht = format!("docs/regeling.md#{}", regel.to_lowercase());
        if !v.contains(&verwacht) {
            fouten.push(format!("{regel}: de bron '{}' noemt {verwacht} niet", r.bron));
        }
        fouten.extend(v.iter().filter_map(|x| controleer(&regel, x)));
    }
    assert!(fouten.is_empty(), "{}", fouten.join("\n"));
}

#[test]
fn elke_bron_in_de_rondes_bestaat() {
    let mut fouten = Vec::new();
    let mut gezien = 0;
    for e in std::fs::read_dir(repo().join("data/rondes")).unwrap() {
        let pad = e.unwrap().path();
        let tekst = std::fs::read_to_string(&pad).unwrap();
        let naam = format!("data/rondes/{}", pad.file_name().unwrap().to_string_lossy());
        for v in verwijzingen(&tekst) {
            gezien += 1;
            fouten.extend(controleer(&naam, &v));
        }
    }
    // Ook zoals de rondes ze inlezen (bron en toelichting van elke gedateerde waarde).
    for r in Ronde::ingebouwd() {
        for p in r.parameters.overzicht() {
            for w in &p.waarden {
                let tekst = format!("{} {}", w.bron, w.toelichting.as_deref().unwrap_or(""));
                fouten.extend(verwijzingen(&tekst).iter().filter_map(|v| controleer(&format!("{} {}", r.id, p.naam), v)));
            }
        }
    }
    assert!(gezien > 0, "de rondes noemen docs/regeling.md voor de labels van hun bronnen");
    assert!(fouten.is_empty(), "{}", fouten.join("\n"));
}

const BEGIN: &str = "<!-- rondes: begin";
const EINDE: &str = "<!-- rondes: einde -->";

fn cel(t: &str) -> String {
    t.replace('|', "\\|").replace('\n', " ")
}

/// De tabel van de rondes zoals `docs/regeling.md` haar moet hebben: elke parameter van elke ronde met elke
/// gedateerde waarde, bron en toelichting, uit `data/rondes/`.
fn rondes_als_markdown() -> String {
    let mut t = String::new();
    t.push_str(BEGIN);
    t.push_str(" — gemaakt uit data/rondes/*.toml door crates/vhf/tests/bronnen.rs; niet met de hand wijzigen, maar: VHF_BIJWERKEN=1 cargo test -p vhf --test bronnen -->\n");
    for r in Ronde::ingebouwd() {
        t.push_str(&format!("\n<a id=\"{}\"></a>\n\n#### {} — {}\n\n", r.id, r.id, r.naam));
        t.push_str(&format!(
            "{}; {}. Tijdzone {}, gemeentelijke indeling {}, geldig vanaf {}. Bestand: `data/rondes/{}.toml`.\n\n",
            r.regeling,
            r.grondslag,
            r.tijdzone,
            r.gemeentelijke_indeling,
            r.geldig_vanaf.strftime("%d-%m-%Y"),
            r.id
        ));
        t.push_str("| parameter | vanaf | waarde | bron |\n| --- | --- | --- | --- |\n");
        for p in r.parameters.overzicht() {
            for (i, w) in p.waarden.iter().enumerate() {
                let naam = if i == 0 { format!("`{}` ({})", p.naam, cel(p.omschrijving)) } else { "↳ gewijzigd".into() };
                let bron = match &w.toelichting {
                    Some(tl) => format!("{} — toelichting: {}", cel(&w.bron), cel(tl)),
                    None => cel(&w.bron),
                };
                t.push_str(&format!("| {naam} | {} | {} | {bron} |\n", w.vanaf.strftime("%d-%m-%Y"), cel(&w.waarde)));
            }
        }
    }
    t.push('\n');
    t.push_str(EINDE);
    t
}

#[test]
fn het_regelboek_loopt_gelijk_met_de_rondes() {
    let pad = repo().join("docs/regeling.md");
    let tekst = std::fs::read_to_string(&pad).expect("docs/regeling.md bestaat");
    let (voor, rest) = tekst.split_once(BEGIN).expect("docs/regeling.md heeft het blok van de rondes");
    let (_, na) = rest.split_once(EINDE).expect("het blok van de rondes heeft een einde");
    let nieuw = format!("{voor}{}{na}", rondes_als_markdown());
    if std::env::var_os("VHF_BIJWERKEN").is_some() {
        std::fs::write(&pad, &nieuw).unwrap();
    }
    assert!(
        tekst == nieuw,
        "docs/regeling.md loopt niet gelijk met data/rondes/; draai `VHF_BIJWERKEN=1 cargo test -p vhf --test bronnen` en lees het verschil na"
    );
    // Elke regel E01–E16 heeft een anker in het regelboek.
    let a = ankers(&tekst);
    for r in &REGELS {
        let id = format!("{:?}", r.regel).to_lowercase();
        assert!(a.contains(&id), "docs/regeling.md heeft geen anker voor {id}");
    }
}
