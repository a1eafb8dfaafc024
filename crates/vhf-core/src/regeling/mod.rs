//! De regeling als gegevens: rondes (tranches) met hun parameters, elk gedateerd en met bron.
//!
//! De rondes staan in `data/rondes/*.toml` en worden in het programma opgenomen. Geen bedrag, percentage of
//! datum uit de regeling staat als getal in de code: alles wat de toetsing gebruikt, komt hier vandaan, en
//! elke uitkomst kan zeggen welke waarde (met bron) ze gebruikte.

pub mod tijdlijn;

use std::fmt;
use std::sync::LazyLock;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};
use serde::{Deserialize, Serialize};

use crate::aanvraag::DocumentSoort;
use crate::codes::EnergieLabel;
use crate::geld::{Bedrag, Honderdsten, Percentage};
use crate::referentie::Referentie;
pub use tijdlijn::{Gegeven, Tijdlijn, Wijziging};

/// Het plafond voor het totaal dat één aanvraag mag vragen (regel E14).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Plafond {
    /// Een vast bedrag.
    Bedrag(Bedrag),
    /// Een aandeel van het budget (incl. btw) dat op dat moment geldt.
    AandeelBudget(Percentage),
}

/// De minimale omvang van een aanvraag (regel E12).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum MinimaleOmvang {
    /// Ten minste zoveel woningen, óf ten minste zoveel totale kosten.
    WoningenOfKosten { woningen: u32, kosten: Bedrag },
    /// Ten minste zoveel woningen; meer als een deelplan in een prioriteitsgebied ligt.
    WoningenNaarPrioriteit { in_prioriteitsgebied: u32, elders: u32 },
}

/// Regels voor looptijd en start (regel E13).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Looptijdregels {
    /// Het programma duurt hoogstens zoveel jaar (einde ≤ start + jaren).
    pub max_jaren: u32,
    /// De start ligt hoogstens zoveel jaar na de besluitdatum (als de ronde dat eist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_jaren_tot_start_na_besluit: Option<u32>,
}

/// Wat een renovatie minstens moet opleveren (regel E06).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Renovatie {
    pub min_labelstappen: u32,
    pub of_minimaal_label: EnergieLabel,
}

/// Hoe de prioriteitsgebieden voorrang krijgen bij de rangschikking.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Prioriteitsregel {
    /// Geen voorrang of punten (voor een wat-als-vergelijking).
    Geen,
    /// Deelplannen in een prioriteitsgebied gaan voor.
    Voorrang,
    /// Extra punten op de totaalscore (2024: Meerjarige regeling, Bijlage 2). Elke voorwaarde staat apart aan of uit;
    /// wie eraan voldoet volgt uit de geschiedenis van het fonds (`verdeling::Voorgeschiedenis`).
    Punten {
        punten: Honderdsten,
        /// Alleen voor gemeenten die nooit eerder een uitkering uit het fonds kregen.
        alleen_gemeenten_zonder_eerdere_toekenning: bool,
        /// Alleen voor gemeenten van wie een eerdere aanvraag (een deelplan) voldoende werd beoordeeld.
        #[serde(default)]
        alleen_na_eerdere_voldoende_aanvraag: bool,
        /// Alleen als het deelplan ook zonder de punten voldoende scoort.
        alleen_als_voldoende_zonder_punten: bool,
        /// Alleen voor een deelplan in een prioriteitsgebied. Staat niet in de bron van 2024 [D]; standaard uit.
        #[serde(default)]
        alleen_in_prioriteitsgebied: bool,
    },
}

/// Hoe een deelplan van een eerdere ronde afliep, voor de puntenregel van een latere ronde.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Afloop {
    /// (Een deel van) het gevraagde toegekend: de gemeente kreeg een uitkering uit het fonds.
    Toegekend,
    /// Voldoende beoordeeld, maar niet gehonoreerd (wegens budget).
    VoldoendeNietToegekend,
    /// Niet voldoende beoordeeld (of niet beoordeeld, bijvoorbeeld niet ontvankelijk).
    NietVoldoende,
}

impl Afloop {
    pub fn omschrijving(self) -> &'static str {
        match self {
            Afloop::Toegekend => "toegekend",
            Afloop::VoldoendeNietToegekend => "voldoende, niet toegekend",
            Afloop::NietVoldoende => "niet voldoende",
        }
    }
}

/// Eén uitkomst van een ronde die buiten dit systeem besloten is (parameter `uitkomsten_buiten_systeem`): de
/// gemeente (van het deelgebied, of de penvoerder die de uitkering ontving), zo mogelijk met kenmerk en deelplan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uitkomstregel {
    pub gemeente: crate::codes::GemeenteCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kenmerk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deelplan: Option<String>,
    pub afloop: Afloop,
}

/// Een document dat bij de aanvraag hoort (regel E15).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentEis {
    pub soort: DocumentSoort,
    pub per: DocumentPer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentPer {
    /// Eén voor de hele aanvraag.
    Aanvraag,
    /// Eén per deelplan (met het id van het deelplan).
    Deelplan,
    /// Eén als een maatregel corporatiewoningen bevat (een corporatie doet mee).
    Corporatiepartner,
}

/// Het beoordelingskader van de commissie.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Beoordelingskader {
    pub schaal_min: Honderdsten,
    pub schaal_max: Honderdsten,
    pub criteria: Vec<Criterium>,
    pub drempel_totaal: Honderdsten,
    pub drempel_per_criterium: Honderdsten,
    pub min_beoordelaars: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterium {
    pub id: String,
    pub naam: String,
    pub gewicht: Percentage,
}

/// Wat er gebeurt met lager gerangschikte deelplannen als het eerste deelplan dat niet past is bereikt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Vulwijze {
    /// Stoppen: alles daaronder komt op de reservelijst.
    Stop,
    /// Doorgaan met lager gerangschikte deelplannen die nog passen.
    Doorgaan,
}

/// Een waarde in gewone woorden, voor `vhf rounds` en de uitleg.
pub trait Beschrijf {
    fn beschrijf(&self) -> String;
}

impl Beschrijf for Bedrag {
    fn beschrijf(&self) -> String {
        self.to_string()
    }
}
impl Beschrijf for Percentage {
    fn beschrijf(&self) -> String {
        self.to_string()
    }
}
impl Beschrijf for DateTime {
    fn beschrijf(&self) -> String {
        self.strftime("%d-%m-%Y %H:%M").to_string()
    }
}
impl Beschrijf for Date {
    fn beschrijf(&self) -> String {
        self.strftime("%d-%m-%Y").to_string()
    }
}
impl Beschrijf for String {
    fn beschrijf(&self) -> String {
        self.clone()
    }
}
impl Beschrijf for Plafond {
    fn beschrijf(&self) -> String {
        match self {
            Plafond::Bedrag(b) => b.to_string(),
            Plafond::AandeelBudget(p) => format!("{p} van het budget"),
        }
    }
}
impl Beschrijf for MinimaleOmvang {
    fn beschrijf(&self) -> String {
        match self {
            MinimaleOmvang::WoningenOfKosten { woningen, kosten } => format!("ten minste {woningen} woningen of {kosten} totale kosten"),
            MinimaleOmvang::WoningenNaarPrioriteit { in_prioriteitsgebied, elders } => {
                format!("ten minste {in_prioriteitsgebied} woningen in een prioriteitsgebied, elders {elders}")
            }
        }
    }
}
impl Beschrijf for Looptijdregels {
    fn beschrijf(&self) -> String {
        match self.max_jaren_tot_start_na_besluit {
            Some(s) => format!("start binnen {s} jaar na het besluit, looptijd hoogstens {} jaar", self.max_jaren),
            None => format!("looptijd hoogstens {} jaar", self.max_jaren),
        }
    }
}
impl Beschrijf for Renovatie {
    fn beschrijf(&self) -> String {
        format!("ten minste {} labelstappen of eindlabel {} of beter", self.min_labelstappen, self.of_minimaal_label)
    }
}
impl Beschrijf for Prioriteitsregel {
    fn beschrijf(&self) -> String {
        match self {
            Prioriteitsregel::Geen => "geen voorrang of punten voor prioriteitsgebieden".into(),
            Prioriteitsregel::Voorrang => "voorrang: deelplannen in een prioriteitsgebied eerst".into(),
            Prioriteitsregel::Punten {
                punten,
                alleen_gemeenten_zonder_eerdere_toekenning,
                alleen_na_eerdere_voldoende_aanvraag,
                alleen_als_voldoende_zonder_punten,
                alleen_in_prioriteitsgebied,
            } => format!(
                "+{punten} punten{}{}{}{}",
                if *alleen_in_prioriteitsgebied { " voor een deelplan in een prioriteitsgebied" } else { "" },
                if *alleen_gemeenten_zonder_eerdere_toekenning { " voor gemeenten zonder eerdere toekenning" } else { "" },
                if *alleen_na_eerdere_voldoende_aanvraag { " met een eerdere aanvraag die voldoende werd beoordeeld" } else { "" },
                if *alleen_als_voldoende_zonder_punten { ", alleen als het deelplan zonder de punten voldoende is" } else { "" }
            ),
        }
    }
}
impl Beschrijf for Vec<Uitkomstregel> {
    fn beschrijf(&self) -> String {
        if self.is_empty() {
            return "geen".into();
        }
        let r = Referentie::ingebouwd();
        self.iter()
            .map(|u| {
                let waar = match (&u.kenmerk, &u.deelplan) {
                    (Some(k), Some(d)) => format!(", aanvraag {k} deelplan {d}"),
                    (Some(k), None) => format!(", aanvraag {k}"),
                    _ => String::new(),
                };
                format!("{} ({}){waar}: {}", r.gemeentenaam(u.gemeente), u.gemeente, u.afloop.omschrijving())
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}
impl Beschrijf for Vec<DocumentEis> {
    fn beschrijf(&self) -> String {
        self.iter()
            .map(|e| {
                let per = match e.per {
                    DocumentPer::Aanvraag => "per aanvraag",
                    DocumentPer::Deelplan => "per deelplan",
                    DocumentPer::Corporatiepartner => "als een corporatie meedoet",
                };
                format!("{} ({per})", e.soort.omschrijving())
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}
impl Beschrijf for Beoordelingskader {
    fn beschrijf(&self) -> String {
        let c = self.criteria.iter().map(|c| format!("{} {}", c.naam, c.gewicht)).collect::<Vec<_>>().join(", ");
        format!(
            "schaal {}–{}; {c}; voldoende bij totaal ≥ {} en elk criterium ≥ {}; ten minste {} beoordelaars",
            self.schaal_min, self.schaal_max, self.drempel_totaal, self.drempel_per_criterium, self.min_beoordelaars
        )
    }
}
impl Beschrijf for Vulwijze {
    fn beschrijf(&self) -> String {
        match self {
            Vulwijze::Stop => "stop bij het eerste deelplan dat niet past (daaronder: reservelijst)".into(),
            Vulwijze::Doorgaan => "doorgaan met lagere deelplannen die nog passen".into(),
        }
    }
}

/// Eén regel van het overzicht van een parameter: een waarde met zijn geldigheid en bron.
#[derive(Clone, Debug, Serialize)]
pub struct OverzichtRegel {
    pub vanaf: Date,
    pub waarde: String,
    pub bron: String,
    pub toelichting: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ParameterOverzicht {
    pub naam: &'static str,
    pub omschrijving: &'static str,
    pub waarden: Vec<OverzichtRegel>,
}

/// Een gebruikte parameterwaarde in een uitleg: naam, waarde in woorden, bron.
#[derive(Clone, Debug, Serialize)]
pub struct GebruikteWaarde<'r> {
    pub naam: &'static str,
    pub omschrijving: &'static str,
    pub waarde: String,
    pub vanaf: Date,
    pub bron: &'r str,
}

macro_rules! parameters {
    ($($naam:ident : $t:ty => $omschrijving:literal,)*) => {
        /// Alle parameters van een ronde, elk als gedateerde reeks waarden met bron.
        #[derive(Clone, Debug, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Parameters {
            $(#[doc = $omschrijving] pub $naam: Tijdlijn<$t>,)*
        }

        /// De waarden van alle parameters op één peildatum. Wat de toetsing gebruikt, komt hier vandaan.
        #[derive(Clone, Copy, Debug, Serialize)]
        pub struct ParameterWaarden<'r> {
            pub peildatum: Date,
            $(pub $naam: Gegeven<'r, $t>,)*
        }

        /// Namen van de parameters, voor verwijzingen in bevindingen.
        #[allow(non_camel_case_types, dead_code)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ParameterNaam { $($naam,)* }

        impl ParameterNaam {
            pub const ALLE: &'static [ParameterNaam] = &[$(ParameterNaam::$naam,)*];
            pub fn naam(self) -> &'static str {
                match self { $(ParameterNaam::$naam => stringify!($naam),)* }
            }
            pub fn omschrijving(self) -> &'static str {
                match self { $(ParameterNaam::$naam => $omschrijving,)* }
            }
        }

        impl Parameters {
            /// De waarden op `peildatum`; `None` als een parameter dan nog geen waarde heeft.
            pub fn op(&self, peildatum: Date) -> Option<ParameterWaarden<'_>> {
                Some(ParameterWaarden { peildatum, $($naam: self.$naam.op(peildatum)?,)* })
            }

            fn controleer(&self, begin: Date) -> Result<(), String> {
                $(self.$naam.controleer(stringify!($naam), begin)?;)*
                Ok(())
            }

            /// Een gedateerde wijziging van één parameter, met de waarde als JSON (zoals in een API-verzoek).
            /// De waarde moet van het soort van die parameter zijn; de datum moet na de laatste wijziging liggen.
            pub fn wijzig(&mut self, naam: &str, w: Wijziging<serde_json::Value>) -> Result<(), String> {
                match naam {
                    $(stringify!($naam) => {
                        let waarde: $t = serde_json::from_value(w.waarde).map_err(|e| format!("{naam}: {}", crate::melding::nederlands(&e.to_string())))?;
                        self.$naam.wijzig(Wijziging { vanaf: w.vanaf, waarde, bron: w.bron, toelichting: w.toelichting }).map_err(|e| format!("{naam}: {e}"))
                    })*
                    _ => Err(format!("onbekende parameter '{naam}'; bekend: {}", ParameterNaam::ALLE.iter().map(|p| p.naam()).collect::<Vec<_>>().join(", "))),
                }
            }

            pub fn overzicht(&self) -> Vec<ParameterOverzicht> {
                vec![$(ParameterOverzicht {
                    naam: stringify!($naam),
                    omschrijving: $omschrijving,
                    waarden: self.$naam.wijzigingen().iter().map(|w| OverzichtRegel {
                        vanaf: w.vanaf,
                        waarde: w.waarde.beschrijf(),
                        bron: w.bron.clone(),
                        toelichting: w.toelichting.clone(),
                    }).collect(),
                },)*]
            }
        }

        impl<'r> ParameterWaarden<'r> {
            /// Deze waarden als parameters met elk precies één waarde, met haar `vanaf`, bron en toelichting: wat een
            /// bewaarde toetsing meeneemt, zodat een latere wijziging van de ronde haar uitleg niet verandert.
            /// [`Parameters::op`] op de peildatum geeft weer precies deze waarden.
            pub fn vastgelegd(&self) -> Parameters {
                Parameters {
                    $($naam: Tijdlijn::nieuw(vec![Wijziging {
                        vanaf: self.$naam.vanaf,
                        waarde: self.$naam.waarde.clone(),
                        bron: self.$naam.bron.to_string(),
                        toelichting: self.$naam.toelichting.map(str::to_string),
                    }]),)*
                }
            }

            /// De gebruikte waarde van één parameter, in woorden en met bron.
            pub fn gebruikt(&self, naam: ParameterNaam) -> GebruikteWaarde<'r> {
                match naam {
                    $(ParameterNaam::$naam => GebruikteWaarde {
                        naam: stringify!($naam),
                        omschrijving: $omschrijving,
                        waarde: self.$naam.waarde.beschrijf(),
                        vanaf: self.$naam.vanaf,
                        bron: self.$naam.bron,
                    },)*
                }
            }
        }
    };
}

parameters! {
    loket_open: DateTime => "Opening van het loket (lokale tijd van de ronde)",
    loket_sluit: DateTime => "Sluiting van het loket (lokale tijd; vanaf dit moment is het loket dicht)",
    budget: Bedrag => "Budget van de ronde, inclusief btw",
    btw_reserve: Bedrag => "Reservering voor het BTW-compensatiefonds; het plafond voor toekenningen is budget min deze reserve",
    max_aandeel_tekort: Percentage => "Maximaal aandeel van het tekort dat de Rijksbijdrage voor fysieke maatregelen mag dekken",
    max_aandeel_projectkosten: Percentage => "Maximaal aandeel projectkosten in het totale gevraagde bedrag",
    plafond_per_aanvraag: Plafond => "Maximaal gevraagd bedrag per aanvraag",
    minimale_omvang: MinimaleOmvang => "Minimale omvang van een aanvraag",
    looptijd: Looptijdregels => "Looptijd en start",
    besluitdatum: Date => "Datum van het besluit over de ronde (verwacht of werkelijk)",
    renovatie: Renovatie => "Eis aan een renovatie",
    prioriteitslijst: String => "Lijst met prioriteitsgebieden",
    prioriteitsregel: Prioriteitsregel => "Hoe prioriteitsgebieden voorgaan",
    verplichte_documenten: Vec<DocumentEis> => "Verplichte documenten",
    beoordelingskader: Beoordelingskader => "Beoordelingskader van de commissie",
    vulwijze: Vulwijze => "Verdeling van het budget over de ranglijst",
    uitkomsten_buiten_systeem: Vec<Uitkomstregel> => "Uitkomsten van deze ronde die buiten dit systeem besloten zijn (toegekend, voldoende maar niet toegekend, niet voldoende), voor de puntenregel van latere rondes",
    betaalschema: Vec<crate::uitvoering::Betaaltermijn> => "Betaling van de uitkering: termijnen met een aandeel en het aantal dagen na het besluit",
    verantwoording_uiterlijk: crate::uitvoering::Uiterstedag => "Uiterste dag in het jaar na het verantwoordingsjaar waarop de SiSa-opgave binnen is",
    verlagingsregel: crate::uitvoering::Verlagingsregel => "Verlaging bij de vaststelling als er minder woningen zijn opgeleverd dan gepland",
    ondersteuning: crate::ondersteuning::Urenbudget => "Uren onafhankelijke ondersteuning voor gemeenten in de prioriteitsgebieden: per gebied en per verzoek",
}

/// Een ronde (tranche) van het fonds.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ronde {
    pub id: String,
    pub naam: String,
    pub regeling: String,
    /// Wettelijke grondslag, bijvoorbeeld "Stcrt. 2021, 12579".
    pub grondslag: String,
    pub tijdzone: String,
    /// De CBS-indeling waarin aanvragers gemeente moeten zijn (regel E02).
    pub gemeentelijke_indeling: String,
    /// Eerste dag waarop de parameters van de ronde gelden (publicatie van de regeling).
    pub geldig_vanaf: Date,
    pub parameters: Parameters,
    #[serde(skip)]
    tz: Option<TimeZone>,
    /// De openings- en sluitingstijden van het loket met hun moment (UTC), één keer omgerekend bij het lezen:
    /// [`Ronde::moment`] zoekt ze hier eerst op, zodat de toetsing van elke aanvraag (E01) de tijdzone niet
    /// opnieuw hoeft te raadplegen. Dezelfde omrekening, dus hetzelfde moment.
    #[serde(skip)]
    loketmomenten: Vec<(DateTime, Timestamp)>,
}

/// Alle rondes die in het programma zijn opgenomen.
const RONDES: &[(&str, &str)] = &[
    ("vhf-2021.toml", include_str!("../../../../data/rondes/vhf-2021.toml")),
    ("vhf-2023.toml", include_str!("../../../../data/rondes/vhf-2023.toml")),
    ("vhf-2024.toml", include_str!("../../../../data/rondes/vhf-2024.toml")),
];

static INGEBOUWD: LazyLock<Vec<Ronde>> =
    LazyLock::new(|| RONDES.iter().map(|(bestand, tekst)| Ronde::lees(bestand, tekst).unwrap_or_else(|e| panic!("{e}"))).collect());

impl Ronde {
    /// De ingebouwde rondes, op volgorde.
    pub fn ingebouwd() -> &'static [Ronde] {
        &INGEBOUWD
    }

    pub fn zoek(id: &str) -> Option<&'static Ronde> {
        Ronde::ingebouwd().iter().find(|r| r.id == id)
    }

    /// Leest en controleert een ronde uit TOML. De fout noemt het bestand en wat er mis is.
    pub fn lees(bestand: &str, tekst: &str) -> Result<Ronde, String> {
        let mut r: Ronde = toml::from_str(tekst).map_err(|e| format!("{bestand}: {}", crate::melding::toml_fout(tekst, &e)))?;
        r.tz = Some(TimeZone::get(&r.tijdzone).map_err(|e| format!("{bestand}: tijdzone {}: {e}", r.tijdzone))?);
        r.controleer().map_err(|e| format!("{bestand}: {e}"))?;
        r.reken_loketmomenten();
        Ok(r)
    }

    fn controleer(&self) -> Result<(), String> {
        self.parameters.controleer(self.geldig_vanaf)?;
        let referentie = Referentie::ingebouwd();
        for w in self.parameters.prioriteitslijst.wijzigingen() {
            if referentie.lijst(&w.waarde).is_none() {
                return Err(format!("prioriteitslijst '{}' bestaat niet in data/priority_areas.csv", w.waarde));
            }
        }
        if self.gemeentelijke_indeling != "2021" {
            return Err(format!("gemeentelijke indeling {} is niet beschikbaar (alleen 2021)", self.gemeentelijke_indeling));
        }
        for w in self.parameters.beoordelingskader.wijzigingen() {
            let som: i64 = w.waarde.criteria.iter().map(|c| c.gewicht.in_honderdsten()).sum();
            if som != 10_000 {
                return Err(format!("beoordelingskader vanaf {}: de gewichten tellen op tot {}, niet 100%", w.vanaf, Percentage::honderdsten(som)));
            }
        }
        for w in self.parameters.betaalschema.wijzigingen() {
            crate::uitvoering::controleer_betaalschema(&w.waarde).map_err(|e| format!("betaalschema vanaf {}: {e}", w.vanaf))?;
        }
        for w in self.parameters.verantwoording_uiterlijk.wijzigingen() {
            w.waarde.controleer().map_err(|e| format!("verantwoording_uiterlijk vanaf {}: {e}", w.vanaf))?;
        }
        for w in self.parameters.ondersteuning.wijzigingen() {
            w.waarde.controleer().map_err(|e| format!("ondersteuning vanaf {}: {e}", w.vanaf))?;
        }
        // Een voldoende maar niet toegekend deelplan kan prioriteitspunten opleveren; de uitkomst noemt dan de
        // aanvraag, dus die moet bekend zijn.
        for w in self.parameters.uitkomsten_buiten_systeem.wijzigingen() {
            if let Some(u) = w.waarde.iter().find(|u| u.afloop == Afloop::VoldoendeNietToegekend && u.kenmerk.as_deref().is_none_or(|k| k.trim().is_empty())) {
                return Err(format!(
                    "uitkomsten_buiten_systeem vanaf {}: {} is voldoende maar niet toegekend zonder kenmerk van de aanvraag",
                    w.vanaf, u.gemeente
                ));
            }
        }
        // Op elke datum waarop opening of sluiting verandert, sluit het loket na de opening.
        let p = &self.parameters;
        for d in p.loket_open.wijzigingen().iter().map(|w| w.vanaf).chain(p.loket_sluit.wijzigingen().iter().map(|w| w.vanaf)) {
            if let (Some(open), Some(sluit)) = (p.loket_open.op(d.max(self.geldig_vanaf)), p.loket_sluit.op(d.max(self.geldig_vanaf)))
                && open.waarde >= sluit.waarde
            {
                return Err(format!("vanaf {d} sluit het loket ({}) niet na de opening ({})", sluit.waarde, open.waarde));
            }
        }
        Ok(())
    }

    /// Deze ronde met gedateerde wijzigingen erbij (bijvoorbeeld uit de database van de server), gecontroleerd
    /// zoals een ronde uit een bestand.
    pub fn met_wijzigingen<'w>(&self, wijzigingen: impl IntoIterator<Item = (&'w str, Wijziging<serde_json::Value>)>) -> Result<Ronde, String> {
        let mut r = self.clone();
        for (naam, w) in wijzigingen {
            if w.bron.trim().is_empty() {
                return Err(format!("{naam}: een wijziging heeft een bron nodig"));
            }
            r.parameters.wijzig(naam, w)?;
        }
        r.controleer()?;
        r.reken_loketmomenten();
        Ok(r)
    }

    fn reken_loketmomenten(&mut self) {
        let p = &self.parameters;
        let tijden: Vec<DateTime> = p.loket_open.wijzigingen().iter().chain(p.loket_sluit.wijzigingen()).map(|w| w.waarde).collect();
        self.loketmomenten = tijden.into_iter().map(|d| (d, self.omgerekend(d))).collect();
    }

    pub fn tijdzone(&self) -> &TimeZone {
        self.tz.as_ref().expect("tijdzone gezet bij het lezen")
    }

    /// De kalenderdatum van een moment in de tijdzone van de ronde.
    pub fn lokale_datum(&self, moment: Timestamp) -> Date {
        moment.to_zoned_datetime(self.tijdzone().clone()).date()
    }

    pub fn lokaal(&self, moment: Timestamp) -> ZonedDateTime {
        moment.to_zoned_datetime(self.tijdzone().clone())
    }

    /// Een lokale tijd van de ronde als moment (bij een dubbelzinnig uur rond de wintertijd: het eerste).
    pub fn moment(&self, lokaal: DateTime) -> Timestamp {
        if let Some((_, t)) = self.loketmomenten.iter().find(|(d, _)| *d == lokaal) {
            return *t;
        }
        self.omgerekend(lokaal)
    }

    fn omgerekend(&self, lokaal: DateTime) -> Timestamp {
        self.tijdzone().to_ambiguous_timestamp(lokaal).compatible().expect("lokale tijd binnen het bereik van jiff")
    }

    /// De parameters die gelden op de lokale datum van `moment`. Vóór het begin van de ronde gelden de eerste
    /// waarden (het loket is dan nog dicht; dat zegt regel E01).
    pub fn parameters_op(&self, moment: Timestamp) -> ParameterWaarden<'_> {
        let datum = self.lokale_datum(moment).max(self.geldig_vanaf);
        self.parameters.op(datum).expect("dekking gecontroleerd bij het lezen")
    }

    /// Het plafond voor toekenningen op een peildatum: budget min btw-reserve.
    pub fn plafond_toekenningen(p: &ParameterWaarden<'_>) -> Result<Bedrag, crate::geld::Overloop> {
        p.budget.waarde.minus(*p.btw_reserve.waarde)
    }

    /// Het maximale bedrag per aanvraag op een peildatum.
    pub fn plafond_per_aanvraag(p: &ParameterWaarden<'_>) -> Result<Bedrag, crate::geld::Overloop> {
        match p.plafond_per_aanvraag.waarde {
            Plafond::Bedrag(b) => Ok(*b),
            Plafond::AandeelBudget(a) => p.budget.waarde.maal_omlaag(*a),
        }
    }
}

impl fmt::Display for Ronde {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.naam, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn elke_ingebouwde_ronde_is_geldig_en_dekt_elke_dag() {
        for r in Ronde::ingebouwd() {
            // Elke dag van publicatie tot vijf jaar na sluiting heeft voor elke parameter precies één waarde.
            let mut d = r.geldig_vanaf;
            let einde = r.parameters.loket_sluit.wijzigingen().last().unwrap().waarde.date().checked_add(jiff::Span::new().years(5)).unwrap();
            while d <= einde {
                assert!(r.parameters.op(d).is_some(), "{}: geen parameters op {d}", r.id);
                d = d.tomorrow().unwrap();
            }
        }
        assert_eq!(Ronde::ingebouwd().iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["vhf-2021", "vhf-2023", "vhf-2024"]);
    }

    fn op(r: &Ronde, d: Date) -> ParameterWaarden<'_> {
        r.parameters.op(d).unwrap()
    }

    #[test]
    fn parameters_van_2021() {
        let r = Ronde::zoek("vhf-2021").unwrap();
        let p = op(r, date(2021, 5, 10));
        assert_eq!(*p.budget.waarde, Bedrag::euro(450_000_000));
        assert_eq!(*p.btw_reserve.waarde, Bedrag::euro(38_000_000));
        assert_eq!(Ronde::plafond_toekenningen(&p).unwrap(), Bedrag::euro(412_000_000));
        assert_eq!(*p.max_aandeel_tekort.waarde, Percentage::honderdsten(7000));
        assert_eq!(Ronde::plafond_per_aanvraag(&p).unwrap(), Bedrag::euro(45_000_000));
        assert_eq!(p.loket_open.waarde.to_string(), "2021-05-03T09:00:00");
        // Het loket zou op 17 mei sluiten en is verlengd tot 19 mei.
        assert_eq!(p.loket_sluit.waarde.to_string(), "2021-05-17T17:00:00");
        assert_eq!(op(r, date(2021, 5, 17)).loket_sluit.waarde.to_string(), "2021-05-19T17:00:00");
        assert!(matches!(p.minimale_omvang.waarde, MinimaleOmvang::WoningenOfKosten { woningen: 200, kosten } if *kosten == Bedrag::euro(7_500_000)));
        assert_eq!(p.looptijd.waarde.max_jaren, 10);
        assert_eq!(p.looptijd.waarde.max_jaren_tot_start_na_besluit, None);
        assert_eq!(p.prioriteitslijst.waarde, "vhf2021");
        assert!(matches!(p.prioriteitsregel.waarde, Prioriteitsregel::Voorrang));
        assert!(p.budget.bron.starts_with("[V]"));
        assert!(p.btw_reserve.bron.starts_with("[S]"));
    }

    #[test]
    fn parameters_van_2023() {
        let r = Ronde::zoek("vhf-2023").unwrap();
        let p = op(r, date(2023, 8, 1));
        assert_eq!(*p.budget.waarde, Bedrag::euro(280_000_000));
        assert_eq!(*p.btw_reserve.waarde, Bedrag::NUL);
        assert_eq!(Ronde::plafond_per_aanvraag(&p).unwrap(), Bedrag::euro(28_000_000));
        assert_eq!(p.loket_open.waarde.to_string(), "2023-07-01T09:00:00");
        assert_eq!(p.loket_sluit.waarde.to_string(), "2023-10-16T12:00:00");
        assert!(matches!(p.minimale_omvang.waarde, MinimaleOmvang::WoningenNaarPrioriteit { in_prioriteitsgebied: 100, elders: 50 }));
        assert_eq!(p.looptijd.waarde.max_jaren_tot_start_na_besluit, Some(2));
        assert_eq!(p.prioriteitslijst.waarde, "nplv2022");
        assert!(p.loket_open.bron.contains("[D"));
    }

    #[test]
    fn parameters_van_2024_met_budgetverhoging() {
        let r = Ronde::zoek("vhf-2024").unwrap();
        let p = op(r, date(2024, 7, 1));
        assert_eq!(*p.budget.waarde, Bedrag::euro(113_996_000));
        // 10% van het budget dat tijdens het loket gold.
        assert_eq!(Ronde::plafond_per_aanvraag(&p).unwrap(), Bedrag::euro(11_399_600));
        let besluit = op(r, *op(r, date(2024, 7, 1)).besluitdatum.waarde);
        assert_eq!(*besluit.budget.waarde, Bedrag::euro(150_000_000));
        assert!(besluit.budget.toelichting.is_some());
        assert_eq!(Ronde::plafond_toekenningen(&besluit).unwrap(), Bedrag::euro(145_500_000));
        // MJR24 Bijlage 2: nooit eerder een uitkering, een eerdere aanvraag voldoende, en voldoende zonder de punten;
        // geen voorwaarde van prioriteitsgebied.
        assert!(matches!(
            p.prioriteitsregel.waarde,
            Prioriteitsregel::Punten {
                punten: Honderdsten(500),
                alleen_gemeenten_zonder_eerdere_toekenning: true,
                alleen_na_eerdere_voldoende_aanvraag: true,
                alleen_als_voldoende_zonder_punten: true,
                alleen_in_prioriteitsgebied: false,
            }
        ));
        assert!(p.uitkomsten_buiten_systeem.waarde.is_empty(), "2024 wordt in dit systeem besloten");
    }

    #[test]
    fn uitkomsten_van_2021_gelden_vanaf_het_besluit_en_een_voldoende_uitkomst_heeft_een_kenmerk() {
        let r = Ronde::zoek("vhf-2021").unwrap();
        assert!(op(r, date(2021, 8, 31)).uitkomsten_buiten_systeem.waarde.is_empty());
        let na = op(r, date(2021, 9, 1));
        assert!(na.uitkomsten_buiten_systeem.waarde.iter().any(|u| u.gemeente.to_string() == "GM0479" && u.afloop == Afloop::Toegekend));
        assert!(na.uitkomsten_buiten_systeem.bron.starts_with("[S]"));
        let w = |waarde: serde_json::Value| Wijziging { vanaf: date(2021, 10, 1), waarde, bron: "[V] besluitenlijst RVO".into(), toelichting: None };
        let e = r
            .met_wijzigingen([("uitkomsten_buiten_systeem", w(serde_json::json!([{"gemeente": "GM0599", "afloop": "voldoende_niet_toegekend"}])))])
            .unwrap_err();
        assert!(e.contains("zonder kenmerk"), "{e}");
        let goed = r
            .met_wijzigingen([(
                "uitkomsten_buiten_systeem",
                w(serde_json::json!([{"gemeente": "GM0599", "kenmerk": "RDAM-2021", "deelplan": "DP1", "afloop": "voldoende_niet_toegekend"}])),
            )])
            .unwrap();
        let p = op(&goed, date(2024, 12, 1));
        assert_eq!(p.uitkomsten_buiten_systeem.waarde.len(), 1);
        assert_eq!(p.uitkomsten_buiten_systeem.waarde.beschrijf(), "Rotterdam (GM0599), aanvraag RDAM-2021 deelplan DP1: voldoende, niet toegekend");
    }

    #[test]
    fn elke_parameter_heeft_een_bron_met_label() {
        for r in Ronde::ingebouwd() {
            for p in r.parameters.overzicht() {
                for w in &p.waarden {
                    assert!(["[V", "[S", "[D"].iter().any(|l| w.bron.contains(l)), "{} {}: bron zonder [V]/[S]/[D]: {}", r.id, p.naam, w.bron);
                }
            }
            assert_eq!(r.parameters.overzicht().len(), ParameterNaam::ALLE.len());
        }
    }

    #[test]
    fn een_gedateerde_wijziging_geldt_vanaf_haar_datum() {
        let r = Ronde::zoek("vhf-2021").unwrap();
        let w = |vanaf: Date, waarde: serde_json::Value| Wijziging { vanaf, waarde, bron: "[V] test".into(), toelichting: Some("verlaagd".into()) };
        let nieuw = r.met_wijzigingen([("max_aandeel_tekort", w(date(2021, 4, 1), serde_json::json!("60%")))]).unwrap();
        assert_eq!(*op(&nieuw, date(2021, 3, 31)).max_aandeel_tekort.waarde, Percentage::honderdsten(7000));
        assert_eq!(*op(&nieuw, date(2021, 4, 1)).max_aandeel_tekort.waarde, Percentage::honderdsten(6000));
        assert!(r.met_wijzigingen([("max_aandeel_tekort", w(date(2021, 4, 1), serde_json::json!("zestig")))]).unwrap_err().contains("percentage"));
        assert!(r.met_wijzigingen([("kleur", w(date(2021, 4, 1), serde_json::json!("rood")))]).unwrap_err().contains("onbekende parameter 'kleur'"));
        // Niet vóór de laatste wijziging: de geschiedenis wordt niet herschreven.
        assert!(
            r.met_wijzigingen([("loket_sluit", w(date(2021, 5, 1), serde_json::json!("2021-05-20T17:00")))])
                .unwrap_err()
                .contains("niet na de laatste wijziging")
        );
        // Een loket dat sluit vóór het opent, wordt geweigerd door dezelfde controle als bij het lezen.
        assert!(r.met_wijzigingen([("loket_sluit", w(date(2021, 6, 1), serde_json::json!("2021-01-01T17:00")))]).is_err());
    }

    #[test]
    fn een_kapotte_ronde_geeft_een_duidelijke_fout() {
        let tekst = include_str!("../../../../data/rondes/vhf-2021.toml");
        let e = Ronde::lees("x.toml", &tekst.replace("waarde = \"70%\"", "waarde = \"70\"")).unwrap_err();
        assert!(e.contains("x.toml") && e.contains("percentage"), "{e}");
        let e = Ronde::lees("x.toml", &tekst.replace("tijdzone = \"Europe/Amsterdam\"", "tijdzone = \"Europe/Atlantis\"")).unwrap_err();
        assert!(e.contains("Atlantis"), "{e}");
        let e = Ronde::lees(
            "x.toml",
            &tekst.replace(
                "prioriteitslijst]]\nvanaf = \"2021-03-11\"\nwaarde = \"vhf2021\"",
                "prioriteitslijst]]\nvanaf = \"2021-03-11\"\nwaarde = \"vhf2099\"",
            ),
        )
        .unwrap_err();
        assert!(e.contains("vhf2099"), "{e}");
    }
}
