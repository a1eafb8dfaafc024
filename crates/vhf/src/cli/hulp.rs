//! De hulp en de foutmeldingen van de opdrachtregel in het Nederlands.
//!
//! clap heeft geen vertalingen: koppen ("Usage", "Options"), de hulpopties ("Print help") en elke foutmelding
//! zijn Engels. Hier, op één plek, krijgt elke opdracht een eigen sjabloon met Nederlandse koppen, eigen
//! `-h/--help` en `-V/--version`, en de standaardwaarden en keuzes in de hulptekst; een fout van clap wordt
//! aan de hand van zijn soort ([`ErrorKind`]) en zijn context (het argument, de waarde, de mogelijke waarden)
//! opnieuw verteld. De hulpteksten zelf zijn de doc-commentaren in `cli/mod.rs`.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

/// Waarom de opdrachtregel niet tot een opdracht leidt.
#[derive(Debug)]
pub enum Afbreken {
    /// Gevraagde hulp of versie: naar stdout, afsluitcode 0.
    Hulp(String),
    /// Een fout (of hulp omdat er niets gevraagd is): naar stderr, afsluitcode 2, zoals bij clap.
    Fout(String),
}

impl Afbreken {
    /// Drukt de tekst af waar hij hoort en geeft de afsluitcode.
    pub fn toon(&self) -> ExitCode {
        let (tekst, code) = match self {
            Afbreken::Hulp(t) => (t, 0),
            Afbreken::Fout(t) => (t, 2),
        };
        let geschreven = if code == 0 {
            super::schrijf(&mut std::io::stdout().lock(), tekst.trim_end())
        } else {
            super::schrijf(&mut std::io::stderr().lock(), tekst.trim_end())
        };
        let _ = std::io::stdout().flush();
        ExitCode::from(if geschreven.is_err() { 2 } else { code })
    }
}

/// Leest de opdrachtregel (met de programmanaam als eerste argument) in het type `C`.
pub fn ontleed<C, I, T>(args: I) -> Result<C, Afbreken>
where
    C: CommandFactory + FromArgMatches,
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let mut cmd = opdrachtregel::<C>();
    let mut gevonden = cmd.try_get_matches_from_mut(args.iter().cloned()).map_err(|e| afbreken(&e, opdracht_in(&cmd, &args)))?;
    C::from_arg_matches_mut(&mut gevonden).map_err(|e| afbreken(&e, opdracht_in(&cmd, &args)))
}

/// De (sub)opdracht die de argumenten noemen (`vhf token maak …` → `vhf token maak`): voor de gebruiksregel
/// bij een fout waarbij clap die niet meegeeft (een ongeldige waarde).
fn opdracht_in<'c>(cmd: &'c Command, args: &[OsString]) -> &'c Command {
    let mut huidig = cmd;
    for a in args.iter().skip(1) {
        let Some(a) = a.to_str() else { break };
        if a == "--" {
            break;
        }
        if let Some(sub) = huidig.find_subcommand(a) {
            huidig = sub;
        }
    }
    huidig
}

/// De opdrachtregel van `C` met Nederlandse hulp: koppen, hulpopties, standaardwaarden, gebruiksregel.
pub fn opdrachtregel<C: CommandFactory>() -> Command {
    let mut cmd = nederlands(C::command(), true);
    // Na het bouwen kent elke subopdracht haar volledige naam (`vhf token maak`); dan pas is de gebruiksregel
    // te maken.
    cmd.build();
    gebruiksregel(&mut cmd);
    cmd
}

fn nederlands(cmd: Command, wortel: bool) -> Command {
    let mut cmd = cmd
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading("Opdrachten")
        .subcommand_value_name("OPDRACHT")
        .mut_args(hulptekst)
        .arg(Arg::new("hulp").short('h').long("help").action(ArgAction::Help).help("Toon deze hulp"));
    if wortel {
        cmd = cmd.arg(Arg::new("versie").short('V').long("version").action(ArgAction::Version).help("Toon de versie"));
    }
    let sjabloon = sjabloon(&cmd);
    cmd.help_template(sjabloon).mut_subcommands(|sub| nederlands(sub, false))
}

/// Het sjabloon van de hulp, met alleen de koppen die iets bevatten.
fn sjabloon(cmd: &Command) -> String {
    let mut t = String::from("{before-help}{about-with-newline}\nGebruik: {usage}");
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        t.push_str("\n\nOpdrachten:\n{subcommands}");
    }
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        t.push_str("\n\nArgumenten:\n{positionals}");
    }
    t.push_str("\n\nOpties:\n{options}{after-help}");
    t
}

/// Standaardwaarde en mogelijke waarden in de hulptekst zelf, in het Nederlands (clap zet er "[default: …]" en
/// "[possible values: …]" achter).
fn hulptekst(a: Arg) -> Arg {
    // Een vlag (--json) heeft geen waarde; clap noemt dan ook geen standaard of keuzes.
    if !a.get_action().takes_values() {
        return a;
    }
    let mut erbij = Vec::new();
    let standaard: Vec<_> = a.get_default_values().iter().map(|w| w.to_string_lossy().into_owned()).collect();
    if !standaard.is_empty() && !a.is_hide_default_value_set() {
        erbij.push(format!("[standaard: {}]", standaard.join(" ")));
    }
    let mogelijk: Vec<_> = a.get_possible_values().iter().filter(|p| !p.is_hide_set()).map(|p| p.get_name().to_string()).collect();
    if !mogelijk.is_empty() && !a.is_hide_possible_values_set() {
        erbij.push(format!("[mogelijk: {}]", mogelijk.join(", ")));
    }
    if erbij.is_empty() {
        return a;
    }
    let tekst = match a.get_help() {
        Some(h) => format!("{h} {}", erbij.join(" ")),
        None => erbij.join(" "),
    };
    a.help(tekst).hide_default_value(true).hide_possible_values(true)
}

/// clap schrijft "[OPTIONS]" in de gebruiksregel; wij "[OPTIES]".
fn gebruiksregel(cmd: &mut Command) {
    let regel = cmd.render_usage().to_string();
    let regel = regel.strip_prefix("Usage: ").unwrap_or(&regel).replace("[OPTIONS]", "[OPTIES]");
    *cmd = std::mem::take(cmd).override_usage(regel);
    for sub in cmd.get_subcommands_mut() {
        gebruiksregel(sub);
    }
}

/// Een fout van clap als [`Afbreken`]: hulp en versie ongewijzigd (die zijn al Nederlands), de rest opnieuw
/// verteld.
fn afbreken(e: &clap::Error, opdracht: &Command) -> Afbreken {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Afbreken::Hulp(e.to_string()),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Afbreken::Fout(e.to_string()),
        _ => Afbreken::Fout(foutmelding(e, opdracht)),
    }
}

/// De foutmelding: wat er mis is, een suggestie als clap die heeft, de gebruiksregel en waar meer uitleg staat.
fn foutmelding(e: &clap::Error, opdracht: &Command) -> String {
    let tekst = |k| match e.get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    let lijst = |k| match e.get(k) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let getal = |k| match e.get(k) {
        Some(ContextValue::Number(n)) => Some(*n),
        _ => None,
    };
    let argument = tekst(ContextKind::InvalidArg).unwrap_or_default();
    let waarde = tekst(ContextKind::InvalidValue).unwrap_or_default();
    let mut m = String::from("fout: ");
    match e.kind() {
        ErrorKind::InvalidValue => {
            if waarde.is_empty() {
                m.push_str(&format!("bij '{argument}' hoort een waarde, maar die ontbreekt"));
            } else {
                m.push_str(&format!("ongeldige waarde '{waarde}' voor '{argument}'"));
            }
            let mogelijk = lijst(ContextKind::ValidValue);
            if !mogelijk.is_empty() {
                m.push_str(&format!("; mogelijk zijn: {}", mogelijk.join(", ")));
            }
        }
        ErrorKind::ValueValidation => {
            m.push_str(&format!("ongeldige waarde '{waarde}' voor '{argument}'"));
            if let Some(bron) = std::error::Error::source(e) {
                m.push_str(&format!(": {}", vhf_core::melding::nederlands(&bron.to_string())));
            }
        }
        ErrorKind::UnknownArgument => m.push_str(&format!("onverwacht argument '{argument}'")),
        ErrorKind::InvalidSubcommand => {
            m.push_str(&format!("onbekende opdracht '{}'", tekst(ContextKind::InvalidSubcommand).unwrap_or_default()));
        }
        ErrorKind::MissingRequiredArgument => match lijst(ContextKind::InvalidArg).as_slice() {
            [een] => m.push_str(&format!("het verplichte argument {een} ontbreekt")),
            meer => {
                m.push_str("deze verplichte argumenten ontbreken:");
                for a in meer {
                    m.push_str(&format!("\n  {a}"));
                }
            }
        },
        ErrorKind::MissingSubcommand => {
            m.push_str(&format!("bij '{}' hoort een opdracht", tekst(ContextKind::InvalidSubcommand).unwrap_or_default()));
            let mogelijk = lijst(ContextKind::ValidSubcommand);
            if !mogelijk.is_empty() {
                m.push_str(&format!("; mogelijk zijn: {}", mogelijk.join(", ")));
            }
        }
        ErrorKind::TooManyValues => m.push_str(&format!("onverwachte waarde '{waarde}' bij '{argument}'; daar hoort geen (verdere) waarde bij")),
        ErrorKind::TooFewValues => m.push_str(&format!(
            "bij '{argument}' horen ten minste {} waarden, er zijn er {} gegeven",
            getal(ContextKind::MinValues).unwrap_or(0),
            getal(ContextKind::ActualNumValues).unwrap_or(0)
        )),
        ErrorKind::WrongNumberOfValues => m.push_str(&format!(
            "bij '{argument}' horen {} waarden, er zijn er {} gegeven",
            getal(ContextKind::ExpectedNumValues).unwrap_or(0),
            getal(ContextKind::ActualNumValues).unwrap_or(0)
        )),
        ErrorKind::ArgumentConflict => {
            let eerder = lijst(ContextKind::PriorArg);
            if argument.is_empty() {
                m.push_str("deze argumenten gaan niet samen");
            } else if eerder.is_empty() || eerder == [argument.clone()] {
                m.push_str(&format!("'{argument}' mag maar één keer worden opgegeven"));
            } else {
                m.push_str(&format!("'{argument}' gaat niet samen met '{}'", eerder.join("', '")));
            }
        }
        ErrorKind::NoEquals => m.push_str(&format!("bij '{argument}' hoort de waarde achter een '=' ({argument}=…)")),
        ErrorKind::InvalidUtf8 => m.push_str("een argument is geen geldige UTF-8"),
        _ => m.push_str("de opdrachtregel is niet te verwerken"),
    }

    let mut tips: Vec<String> = Vec::new();
    for k in [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg, ContextKind::SuggestedValue] {
        let s = lijst(k);
        if !s.is_empty() {
            tips.push(format!("misschien bedoeld: '{}'", s.join("', '")));
        }
    }
    if let Some(ContextValue::StyledStrs(s)) = e.get(ContextKind::Suggested) {
        tips.extend(s.iter().filter_map(|s| suggestie(&s.to_string(), &argument)));
    }
    for tip in tips {
        m.push_str(&format!("\n  {tip}"));
    }

    // De gebruiksregel geeft clap niet bij elke fout mee; dan die van de opdracht in de argumenten.
    let gebruik = match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        _ => opdracht.clone().render_usage().to_string(),
    };
    let gebruik = gebruik.strip_prefix("Usage: ").unwrap_or(&gebruik).trim();
    let naam: Vec<&str> = gebruik.split(' ').take_while(|w| !w.starts_with(['[', '<', '-'])).collect();
    m.push_str(&format!("\n\nGebruik: {gebruik}\n\nMeer uitleg: {} --help", naam.join(" ")));
    m
}

/// De suggesties die clap als Engelse zin meegeeft (zie `clap_builder::error`), in het Nederlands. Een zin die
/// we niet kennen, laten we weg.
fn suggestie(s: &str, argument: &str) -> Option<String> {
    let aangehaald: Vec<&str> = s.split('\'').skip(1).step_by(2).collect();
    if s.starts_with("to pass ") {
        let voorbeeld = aangehaald.get(1).copied().unwrap_or(argument);
        Some(format!("om '{}' als waarde mee te geven: '{voorbeeld}'", aangehaald.first().copied().unwrap_or(argument)))
    } else if s.starts_with("subcommand ") && s.contains("remove the") {
        Some(format!("de opdracht '{}' bestaat; laat de '--' ervoor weg", aangehaald.first()?))
    } else if s.ends_with("' exists") {
        Some(format!("'{}' bestaat", aangehaald.first()?))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(clap::Parser, Debug)]
    #[command(name = "proef", version, about = "Een proef")]
    struct Proef {
        /// Een getal.
        #[arg(long, default_value_t = 3)]
        aantal: u16,
        /// Een keuze.
        #[arg(long, value_enum)]
        soort: Option<Soort>,
        /// Het bestand.
        bestand: String,
    }

    #[derive(Clone, Copy, Debug, clap::ValueEnum)]
    enum Soort {
        Een,
        Twee,
    }

    fn fout(args: &[&str]) -> String {
        match ontleed::<Proef, _, _>(std::iter::once("proef").chain(args.iter().copied())) {
            Err(Afbreken::Fout(t)) => t,
            anders => panic!("geen fout: {anders:?}"),
        }
    }

    #[test]
    fn hulp_heeft_nederlandse_koppen_en_standaardwaarden() {
        let Err(Afbreken::Hulp(h)) = ontleed::<Proef, _, _>(["proef", "--help"]) else { panic!() };
        for kop in
            ["Gebruik: proef [OPTIES] <BESTAND>", "Argumenten:", "Opties:", "Toon deze hulp", "Toon de versie", "[standaard: 3]", "[mogelijk: een, twee]"]
        {
            assert!(h.contains(kop), "{kop} ontbreekt in\n{h}");
        }
        for engels in ["Usage", "Options", "Arguments", "Print", "default", "possible"] {
            assert!(!h.contains(engels), "{engels} in\n{h}");
        }
    }

    #[test]
    fn fouten_worden_opnieuw_verteld() {
        let gevallen: &[(&[&str], &str)] = &[
            (&["--onbekend", "x"], "fout: onverwacht argument '--onbekend'"),
            (&[], "fout: het verplichte argument <BESTAND> ontbreekt"),
            (&["--aantal", "acht", "x"], "fout: ongeldige waarde 'acht' voor '--aantal <AANTAL>': geen geheel getal (alleen cijfers)"),
            (&["--aantal", "99999", "x"], "fout: ongeldige waarde '99999' voor '--aantal <AANTAL>': 99999 ligt niet tussen 0 en 65535"),
            (&["--soort", "drie", "x"], "fout: ongeldige waarde 'drie' voor '--soort <SOORT>'; mogelijk zijn: een, twee"),
            (&["--soort"], "fout: bij '--soort <SOORT>' hoort een waarde, maar die ontbreekt"),
            (&["--aantal", "1", "--aantal", "2", "x"], "fout: '--aantal <AANTAL>' mag maar één keer worden opgegeven"),
            (&["x", "y"], "fout: onverwacht argument 'y'"),
        ];
        for (args, verwacht) in gevallen {
            let t = fout(args);
            assert!(t.starts_with(verwacht), "{args:?}: {t}");
            assert!(t.contains("--help"), "{args:?}: {t}");
            for engels in ["error", "Usage", "For more", "unexpected", "invalid", "expected", "tip:"] {
                assert!(!t.contains(engels), "{args:?}: {engels} in {t}");
            }
        }
    }
}
