//! De opdrachtregel: `vhf check`, `vhf allocate`, `vhf demo generate`, `vhf rounds`, `vhf schema`.
//!
//! Afsluitcodes van `vhf check`: 0 = geen fouten, 1 = ten minste één fout (aanvraag niet ontvankelijk of een
//! deelplan niet subsidiabel), 2 = een bestand is niet te lezen of geen geldige aanvraag (met bestand, regel,
//! kolom en veld in de melding).
//!
//! De hulp en de foutmeldingen van de opdrachtregel zelf zijn Nederlands (`hulp.rs`); een verkeerde
//! opdrachtregel geeft afsluitcode 2.

mod allocate;
mod backup;
mod besluiten;
mod check;
mod hulp;
mod rounds;
mod serve;
mod toegang;

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

/// Welke database: dezelfde configuratie als `vhf serve`.
#[derive(clap::Args)]
struct Databasekeuze {
    /// Configuratiebestand (TOML, zie vhf.example.toml); ook via VHF_CONFIG.
    #[arg(long, value_name = "BESTAND")]
    config: Option<PathBuf>,
    /// Datamap met de SQLite-database (standaard vhf-data).
    #[arg(long = "data-dir", value_name = "MAP")]
    data_dir: Option<PathBuf>,
}

impl Databasekeuze {
    fn opdrachtregel(&self) -> crate::config::Opdrachtregel {
        crate::config::Opdrachtregel { config: self.config.clone(), data_dir: self.data_dir.clone(), ..Default::default() }
    }
}

#[derive(Subcommand)]
enum GebruikerOpdracht {
    /// Maak of wijzig een gebruiker (rollen: aanvrager, behandelaar, commissielid, beslisser, auditor, beheerder).
    Opslaan {
        /// Het id van de gebruiker (waarmee hij inlogt).
        id: String,
        /// De naam zoals die in het systeem en het audittrail staat.
        #[arg(long)]
        naam: String,
        /// Aanvrager, behandelaar, commissielid, beslisser, auditor of beheerder.
        #[arg(long)]
        rol: String,
        /// Alleen bij een aanvrager: de CBS-code van de gemeente (GM0363).
        #[arg(long)]
        gemeente: Option<String>,
        #[command(flatten)]
        db: Databasekeuze,
    },
    /// Schakel een gebruiker uit: inloggen kan niet meer, zijn tokens en sessies houden direct op.
    Deactiveren {
        /// Het id van de gebruiker.
        id: String,
        #[command(flatten)]
        db: Databasekeuze,
    },
}

#[derive(Subcommand)]
enum TokenOpdracht {
    /// Maak een token; het wordt één keer afgedrukt en alleen als SHA-256 bewaard.
    Maak {
        /// Het id van de gebruiker voor wie het token is; het token krijgt zijn rol.
        gebruiker: String,
        /// Lezen of schrijven.
        #[arg(long, default_value = "lezen")]
        reikwijdte: String,
        /// Waarvoor het token is (bijvoorbeeld de naam van de koppeling).
        #[arg(long)]
        omschrijving: String,
        /// Hoeveel dagen het token geldig is (1 tot en met 366).
        #[arg(long, default_value_t = 90)]
        dagen: i64,
        #[command(flatten)]
        db: Databasekeuze,
    },
    /// De tokens van een gebruiker: id (begin van de hash), rol, reikwijdte, omschrijving, geldig tot, ingetrokken.
    Lijst {
        /// Het id van de gebruiker.
        gebruiker: String,
        #[command(flatten)]
        db: Databasekeuze,
    },
    /// Trek een token in (het id uit `vhf token lijst`); het werkt meteen niet meer.
    Intrekken {
        /// Het id van de gebruiker.
        gebruiker: String,
        /// Het id van het token (uit `vhf token lijst`).
        token: String,
        #[command(flatten)]
        db: Databasekeuze,
    },
}

#[derive(Subcommand)]
enum AuditOpdracht {
    /// Reken de keten na: afsluitcode 0 als alles klopt, 1 met de afwijkende rijen.
    Verify {
        #[command(flatten)]
        db: Databasekeuze,
    },
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
    /// Rangschik en verdeel het budget van een ronde: aanvragen + beoordelingen van de commissie.
    Allocate {
        /// Ronde (standaard: de ronde in het bestand).
        #[arg(long = "round", value_name = "RONDE")]
        ronde: Option<String>,
        /// Machineleesbare uitvoer (JSON), om een verdeling met een script na te rekenen: gebruikte parameters,
        /// budget, regels; per deelplan kenmerk, penvoerder en gemeente van het deelgebied (elk met CBS-code en
        /// naam), deelname, score, prioriteit (regel, gebied, voorrang, punten en waarom), rangscore, rang,
        /// uitkomst, gevraagd en toegekend (in euro's en in centen) en uitleg; de uitkering per gemeente
        /// (CBS-code) en de totalen. Met --what-if: basis, variant en verschillen. Beschreven in
        /// schema/verdeelresultaat.schema.json (`vhf schema verdeelresultaat`); de API geeft dezelfde vorm.
        #[arg(long)]
        json: bool,
        /// Toon per deelplan de uitleg van rang en bedrag.
        #[arg(long)]
        uitleg: bool,
        /// Wat-als: budget=150000000, btw_reserve=0, vulwijze=doorgaan, prioriteit=geen|voorrang|punten:5,
        /// gewicht.effectiviteit=50% (herhaalbaar). Toont de verdeling en het verschil per deelplan en gemeente.
        #[arg(long = "what-if", value_name = "SLEUTEL=WAARDE")]
        wat_als: Vec<String>,
        /// Gevoeligheidsanalyse: zoveel runs met verstoorde scores; per deelplan hoe vaak het geld krijgt.
        #[arg(long = "sensitivity", value_name = "RUNS")]
        gevoeligheid: Option<u32>,
        /// Verstoring per score in punten (bij --sensitivity).
        #[arg(long, default_value = "0.50")]
        marge: vhf_core::geld::Honderdsten,
        /// Zaadwaarde voor de gevoeligheidsanalyse (zelfde zaad, zelfde uitkomst).
        #[arg(long = "seed", default_value_t = 2021)]
        zaad: u64,
        /// Aantal draden (standaard: alle kernen).
        #[arg(long = "threads")]
        draden: Option<usize>,
        /// Peilmoment voor de parameters (standaard: de besluitdatum van de ronde, 12:00).
        #[arg(long, value_name = "MOMENT")]
        peilmoment: Option<jiff::Timestamp>,
        /// Invoer: JSON volgens `vhf schema verdeling` (bijvoorbeeld examples/verdeling/ronde-2021.json).
        #[arg(value_name = "BESTAND")]
        bestand: PathBuf,
    },
    /// Start de server (API onder /api/v1). Zonder configuratie: SQLite en documenten in --data-dir.
    /// Met DATABASE_URL=postgres://… draait hij op PostgreSQL.
    Serve {
        /// Configuratiebestand (TOML, zie vhf.example.toml); ook via VHF_CONFIG.
        #[arg(long, value_name = "BESTAND")]
        config: Option<PathBuf>,
        /// Datamap voor SQLite en documenten (standaard vhf-data).
        #[arg(long = "data-dir", value_name = "MAP")]
        data_dir: Option<PathBuf>,
        /// Poort (standaard 8080).
        #[arg(long, value_name = "POORT")]
        port: Option<u16>,
        /// Adres om op te luisteren (standaard 127.0.0.1).
        #[arg(long, value_name = "ADRES")]
        bind: Option<std::net::IpAddr>,
        /// Alleen voor demo, crash- en lasttests: de klok van de server begint op dit moment (RFC 3339) en loopt
        /// dan gewoon door, zodat een loket van een oude ronde open is. Wordt luid gelogd.
        #[arg(long = "tijdreis", value_name = "MOMENT")]
        tijdreis: Option<jiff::Timestamp>,
        /// Zaai een lege database met een realistische ronde (2021: 48 aanvragen, 75 deelplannen, beoordelingen).
        #[arg(long)]
        demo: bool,
    },
    /// Maak een consistente back-up van de SQLite-database terwijl de server draait (PostgreSQL: pg_dump).
    Backup {
        /// Datamap met de SQLite-database.
        #[arg(long = "data-dir", value_name = "MAP", default_value = "vhf-data")]
        data_dir: PathBuf,
        /// Het nieuwe back-upbestand (wordt nooit overschreven).
        naar: PathBuf,
    },
    /// Zet een back-up terug (stop de server eerst); de huidige database blijft bewaard.
    Restore {
        /// Datamap waarin de database wordt teruggezet.
        #[arg(long = "data-dir", value_name = "MAP", default_value = "vhf-data")]
        data_dir: PathBuf,
        /// Het back-upbestand (van `vhf backup`).
        van: PathBuf,
    },
    /// Gebruikers: `vhf gebruiker opslaan ID --naam … --rol … [--gemeente GM….]` (maakt of wijzigt).
    Gebruiker {
        #[command(subcommand)]
        opdracht: GebruikerOpdracht,
    },
    /// API-tokens voor koppelingen: `vhf token maak GEBRUIKER --reikwijdte lezen|schrijven --omschrijving …`.
    Token {
        #[command(subcommand)]
        opdracht: TokenOpdracht,
    },
    /// Het audittrail: `vhf audit verify` rekent de hash-keten na en noemt elke gewijzigde of verwijderde rij.
    Audit {
        #[command(subcommand)]
        opdracht: AuditOpdracht,
    },
    /// Besluiten per gemeente: `vhf besluiten render --ronde vhf-2021 --uit brieven` maakt de brief van elk besluit (PDF/A).
    #[command(alias = "decisions")]
    Besluiten {
        #[command(subcommand)]
        opdracht: BesluitenOpdracht,
    },
    /// Demo-gegevens.
    Demo {
        #[command(subcommand)]
        opdracht: DemoOpdracht,
    },
    /// Toon de rondes en hun parameters, met bron en wijzigingen.
    Rounds {
        /// Alleen deze ronde.
        ronde: Option<String>,
        /// Machineleesbare uitvoer (JSON).
        #[arg(long)]
        json: bool,
    },
    /// Schrijf het Excel-sjabloon voor een aanvraag (`vhf check` en het loket lezen het ingevuld terug), leeg of
    /// gevuld met een aanvraag uit een JSON-bestand: `vhf sjabloon --uit aanvraag.xlsx [--van aanvraag.json]`.
    #[command(alias = "template")]
    Sjabloon {
        /// Het XLSX-bestand dat gemaakt wordt.
        #[arg(long, alias = "out", value_name = "BESTAND", default_value = "aanvraag.xlsx")]
        uit: PathBuf,
        /// Een aanvraag (JSON) om in het sjabloon te zetten.
        #[arg(long, alias = "from", value_name = "JSON")]
        van: Option<PathBuf>,
    },
    /// Druk het JSON Schema af van het aanvraagbestand (standaard), van de invoer van `vhf allocate` of van zijn
    /// resultaat (`vhf allocate --json`, ook de verdeling van de API).
    Schema {
        /// Welk schema: het aanvraagbestand, de invoer van `vhf allocate` of het resultaat van een verdeling.
        #[arg(value_enum, default_value = "aanvraag")]
        soort: SchemaSoort,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SchemaSoort {
    Aanvraag,
    Verdeling,
    Verdeelresultaat,
}

#[derive(Subcommand)]
enum BesluitenOpdracht {
    /// Maak de brief (PDF/A-2a) van elk besluit van een ronde: ondertekend zoals bewaard, een concept als concept.
    Render {
        /// De ronde (bijvoorbeeld vhf-2021).
        #[arg(long, alias = "round", value_name = "RONDE")]
        ronde: String,
        /// Map voor de PDF's (wordt gemaakt als hij niet bestaat).
        #[arg(long, alias = "out", value_name = "MAP", default_value = "brieven")]
        uit: PathBuf,
        /// Map met eigen briefsjablonen (<ronde>.toml); ook via VHF_BRIEVEN. Standaard: de ingebouwde.
        #[arg(long, value_name = "MAP")]
        brieven: Option<PathBuf>,
        #[command(flatten)]
        db: Databasekeuze,
    },
}

#[derive(Subcommand)]
enum DemoOpdracht {
    /// Maak een synthetische ronde (aanvragen en beoordelingen) als invoer voor `vhf allocate`.
    Generate {
        /// Aantal deelplannen.
        #[arg(long, default_value_t = 75)]
        deelplannen: usize,
        /// Zaadwaarde (zelfde zaad, zelfde ronde).
        #[arg(long = "seed", default_value_t = 2021)]
        zaad: u64,
        /// De ronde van de synthetische aanvragen.
        #[arg(long = "round", value_name = "RONDE", default_value = "vhf-2021")]
        ronde: String,
    },
}

pub fn main() -> ExitCode {
    let cli: Cli = match hulp::ontleed(std::env::args_os()) {
        Ok(cli) => cli,
        Err(afbreken) => return afbreken.toon(),
    };
    // De server logt vanuit vele draden; hij mag stdout en stderr dus niet voor de hele looptijd vasthouden.
    if let Opdracht::Serve { config, data_dir, port, bind, tijdreis, demo } = &cli.opdracht {
        let opdrachtregel = crate::config::Opdrachtregel { config: config.clone(), data_dir: data_dir.clone(), bind: *bind, port: *port };
        return ExitCode::from(serve::run(&opdrachtregel, *tijdreis, *demo, &mut std::io::stderr()));
    }
    let mut uit = std::io::stdout().lock();
    let mut fout = std::io::stderr().lock();
    let code = match cli.opdracht {
        Opdracht::Check { ronde, json, alles, peilmoment, bestanden } => {
            let peilmoment = peilmoment.unwrap_or_else(jiff::Timestamp::now);
            check::run(&check::Opties { ronde, json, alles, peilmoment, bestanden }, &mut uit, &mut fout)
        }
        Opdracht::Allocate { ronde, json, uitleg, wat_als, gevoeligheid, marge, zaad, draden, peilmoment, bestand } => {
            let draden = draden.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            allocate::run(&allocate::Opties { ronde, bestand, json, uitleg, wat_als, gevoeligheid, marge, zaad, draden, peilmoment }, &mut uit, &mut fout)
        }
        Opdracht::Demo { opdracht: DemoOpdracht::Generate { deelplannen, zaad, ronde } } => match vhf_core::regeling::Ronde::zoek(&ronde) {
            Some(r) => {
                let invoer = vhf_core::demo::genereer(r, deelplannen, zaad);
                schrijf(&mut uit, &serde_json::to_string_pretty(&invoer).expect("JSON")).map_or(2, |_| 0)
            }
            None => {
                let _ = schrijf(&mut fout, &format!("vhf demo generate: onbekende ronde '{ronde}'"));
                2
            }
        },
        Opdracht::Serve { .. } => unreachable!("hierboven afgehandeld"),
        Opdracht::Backup { data_dir, naar } => backup::backup(&data_dir, &naar, &mut fout),
        Opdracht::Restore { data_dir, van } => backup::restore(&data_dir, &van, &mut fout),
        Opdracht::Gebruiker { opdracht: GebruikerOpdracht::Opslaan { id, naam, rol, gemeente, db } } => {
            toegang::gebruiker(&db.opdrachtregel(), &id, &naam, &rol, gemeente.as_deref(), &mut fout, &mut uit)
        }
        Opdracht::Token { opdracht: TokenOpdracht::Maak { gebruiker, reikwijdte, omschrijving, dagen, db } } => {
            toegang::token(&db.opdrachtregel(), &gebruiker, &reikwijdte, &omschrijving, dagen, &mut fout, &mut uit)
        }
        Opdracht::Token { opdracht: TokenOpdracht::Lijst { gebruiker, db } } => toegang::tokens(&db.opdrachtregel(), &gebruiker, &mut fout, &mut uit),
        Opdracht::Token { opdracht: TokenOpdracht::Intrekken { gebruiker, token, db } } => {
            toegang::trek_in(&db.opdrachtregel(), &gebruiker, &token, &mut fout, &mut uit)
        }
        Opdracht::Gebruiker { opdracht: GebruikerOpdracht::Deactiveren { id, db } } => toegang::deactiveer(&db.opdrachtregel(), &id, &mut fout, &mut uit),
        Opdracht::Audit { opdracht: AuditOpdracht::Verify { db } } => toegang::verifieer(&db.opdrachtregel(), &mut fout, &mut uit),
        Opdracht::Besluiten { opdracht: BesluitenOpdracht::Render { ronde, uit: map, brieven, db } } => {
            besluiten::render(&db.opdrachtregel(), &ronde, &map, brieven.as_deref(), &mut fout, &mut uit)
        }
        Opdracht::Sjabloon { uit: bestand, van } => check::sjabloon(&bestand, van.as_deref(), &mut uit, &mut fout),
        Opdracht::Rounds { ronde, json } => rounds::run(ronde.as_deref(), json, &mut uit, &mut fout),
        Opdracht::Schema { soort } => {
            let schema = match soort {
                SchemaSoort::Aanvraag => vhf_core::aanvraag_schema(),
                SchemaSoort::Verdeling => schemars::schema_for!(vhf_core::verdeling::Verdeelinvoer),
                SchemaSoort::Verdeelresultaat => vhf_core::uitslag::schema(),
            };
            schrijf(&mut uit, &serde_json::to_string_pretty(&schema).expect("schema is JSON")).map_or(2, |_| 0)
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

/// Een fout van het bestandssysteem in het Nederlands (std meldt in het Engels, met de code van het
/// besturingssysteem). Een soort die we niet kennen, noemt die code.
pub(crate) fn io_melding(e: &std::io::Error) -> String {
    use std::io::ErrorKind as S;
    let vast = match e.kind() {
        S::NotFound => "bestand bestaat niet",
        S::PermissionDenied => "geen toegang",
        S::AlreadyExists => "bestaat al",
        S::IsADirectory => "dit is een map, geen bestand",
        S::NotADirectory => "een deel van het pad is geen map",
        S::DirectoryNotEmpty => "de map is niet leeg",
        S::ReadOnlyFilesystem => "het bestandssysteem is alleen-lezen",
        S::StorageFull => "de schijf is vol",
        S::QuotaExceeded => "het schijfquotum is op",
        S::FileTooLarge => "het bestand is te groot",
        S::CrossesDevices => "het pad ligt op een ander bestandssysteem",
        S::InvalidFilename => "ongeldige bestandsnaam",
        S::InvalidData => "de inhoud is geen geldige tekst (UTF-8)",
        S::Interrupted => "onderbroken",
        S::UnexpectedEof => "het bestand houdt onverwacht op",
        S::ResourceBusy => "het bestand is in gebruik",
        S::ExecutableFileBusy => "het bestand is in gebruik",
        S::TooManyLinks => "te veel koppelingen",
        S::Deadlock => "wederzijdse blokkade bij het vergrendelen",
        S::OutOfMemory => "te weinig geheugen",
        S::BrokenPipe => "de uitvoer is gesloten",
        _ => "",
    };
    match (vast, e.raw_os_error()) {
        ("", Some(code)) => format!("fout van het besturingssysteem (code {code})"),
        ("", None) => "fout bij lezen of schrijven".into(),
        (v, _) => v.into(),
    }
}
