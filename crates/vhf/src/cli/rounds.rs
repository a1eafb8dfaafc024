//! `vhf rounds`: de rondes met al hun parameters, de bron van elke waarde en de wijzigingen tijdens de ronde.

use std::io::Write;

use serde::Serialize;
use vhf_core::regeling::{ParameterOverzicht, Ronde};

use super::schrijf;

#[derive(Serialize)]
struct RondeOverzicht<'r> {
    id: &'r str,
    naam: &'r str,
    regeling: &'r str,
    grondslag: &'r str,
    tijdzone: &'r str,
    gemeentelijke_indeling: &'r str,
    geldig_vanaf: jiff::civil::Date,
    parameters: Vec<ParameterOverzicht>,
}

pub fn run(alleen: Option<&str>, json: bool, uit: &mut impl Write, fout: &mut impl Write) -> u8 {
    let rondes: Vec<&Ronde> = Ronde::ingebouwd().iter().filter(|r| alleen.is_none_or(|a| a == r.id)).collect();
    if rondes.is_empty() {
        let bekend: Vec<_> = Ronde::ingebouwd().iter().map(|r| r.id.as_str()).collect();
        let _ = schrijf(fout, &format!("vhf rounds: onbekende ronde '{}'; bekend zijn: {}", alleen.unwrap_or(""), bekend.join(", ")));
        return 2;
    }
    let overzicht: Vec<_> = rondes
        .iter()
        .map(|r| RondeOverzicht {
            id: &r.id,
            naam: &r.naam,
            regeling: &r.regeling,
            grondslag: &r.grondslag,
            tijdzone: &r.tijdzone,
            gemeentelijke_indeling: &r.gemeentelijke_indeling,
            geldig_vanaf: r.geldig_vanaf,
            parameters: r.parameters.overzicht(),
        })
        .collect();
    if json {
        return schrijf(uit, &serde_json::to_string_pretty(&overzicht).expect("JSON")).map_or(2, |_| 0);
    }
    let mut t = String::new();
    for r in &overzicht {
        t.push_str(&format!("{} ({})\n", r.naam, r.id));
        t.push_str(&format!(
            "  Regeling:  {}\n  Grondslag: {}\n  Tijdzone:  {}; gemeentelijke indeling {}\n",
            r.regeling, r.grondslag, r.tijdzone, r.gemeentelijke_indeling
        ));
        for p in &r.parameters {
            t.push_str(&format!("  {} ({})\n", p.omschrijving, p.naam));
            for w in &p.waarden {
                t.push_str(&format!("      vanaf {}: {}\n          bron: {}\n", w.vanaf.strftime("%d-%m-%Y"), w.waarde, w.bron));
                if let Some(tl) = &w.toelichting {
                    t.push_str(&format!("          toelichting: {tl}\n"));
                }
            }
        }
        t.push('\n');
    }
    schrijf(uit, t.trim_end()).map_or(2, |_| 0)
}
