//! De opdrachtregel: `vhf check`, `vhf rounds`, `vhf schema`.
//!
//! Afsluitcodes van `vhf check`: 0 = geen fouten, 1 = ten minste één fout (aanvraag niet ontvankelijk of een
//! deelplan niet subsidiabel), 2 = een bestand is niet te lezen of geen geldige aanvraag (met bestand, regel,
//! kolom en veld in de melding).

mod check;
mod rounds;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "vhf", version, about = "Het systeem van het Volkshuisvestingsfonds", disable_help_subcommand = true)]
struct Cli {
    #[command(subcommand)]
    opdracht: Opdracht,
}

#[derive(Subcommand)]
enum Opdracht {
    /// Toets aanvragen aan de regeling (E01–E16) en toon bevindingen en kengetallen.
    Check {
        /// Toets tegen deze ronde in plaats van de ronde in het bestand (bijvoorbeeld vhf-2023).
        #[arg(long = "round", value_name = "RONDE")]
        ronde: Option<String>,
        /// Machineleesbare uitvoer (JSON) met bevindingen, uitleg, gebruikte parameters en kengetallen.
        #[arg(long)]
        json: bool,
        /// Toon ook de regels waaraan is voldaan, met uitleg.
        #[arg(long)]
        alles: bool,
        /// Peilmoment voor concepten zonder `ingediend_op` (RFC 3339, bijvoorbeeld 2021-05-10T10:00:00Z). Standaard: nu.
        #[arg(long, value_name = "MOMENT")]
        peilmoment: Option<jiff::Timestamp>,
        /// Aanvraagbestanden (JSON). Meer bestanden van één ronde worden ook samen getoetst (PC4 in twee aanvragen).
        #[arg(required = true, value_name = "BESTAND")]
        bestanden: Vec<PathBuf>,
    },
    /// Toon de rondes en hun parameters, met bron en wijzigingen.
    Rounds {
        /// Alleen deze ronde.
        ronde: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Druk het JSON Schema van het aanvraagbestand af.
    Schema,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut uit = std::io::stdout().lock();
    let mut fout = std::io::stderr().lock();
    let code = match cli.opdracht {
        Opdracht::Check { ronde, json, alles, peilmoment, bestanden } => {
            let peilmoment = peilmoment.unwrap_or_else(jiff::Timestamp::now);
            check::run(&check::Opties { ronde, json, alles, peilmoment, bestanden }, &mut uit, &mut fout)
        }
        Opdracht::Rounds { ronde, json } => rounds::run(ronde.as_deref(), json, &mut uit, &mut fout),
        Opdracht::Schema => {
            let schema = serde_json::to_string_pretty(&vhf_core::aanvraag_schema()).expect("schema is JSON");
            schrijf(&mut uit, &schema).map_or(2, |_| 0)
        }
    };
    ExitCode::from(code)
}

/// Schrijft een regel; een gesloten pijp (`vhf check … | head`) is geen fout.
pub(crate) fn schrijf(w: &mut impl Write, tekst: &str) -> std::io::Result<()> {
    match writeln!(w, "{tekst}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}
