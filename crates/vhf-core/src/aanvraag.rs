//! Het model van een aanvraag: aanvraag → deelplannen → deelgebied en maatregelen, cofinanciering, documenten.
//!
//! Dit is ook het bestandsformaat (JSON) waarin een gemeente een aanvraag aanlevert; het JSON Schema in
//! `schema/aanvraag.schema.json` wordt uit deze typen gemaakt (`vhf schema`). Alle velden zijn verplicht tenzij
//! het schema ze optioneel noemt; onbekende velden worden geweigerd, zodat een tikfout niet stil verdwijnt.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::codes::{EnergieLabel, GemeenteCode, Pc4};
use crate::geld::Bedrag;

/// Een aanvraag voor een Rijksbijdrage uit het Volkshuisvestingsfonds (een programma met deelplannen).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Aanvraag Volkshuisvestingsfonds")]
pub struct Aanvraag {
    /// Eigen kenmerk van de aanvrager, uniek binnen de ronde, bijvoorbeeld "ZAANSTAD-2021-1".
    #[schemars(length(min = 1, max = 64))]
    pub kenmerk: String,
    /// De ronde (tranche): "vhf-2021", "vhf-2023" of "vhf-2024".
    pub ronde: String,
    /// Naam van het programma.
    #[schemars(length(min = 1))]
    pub titel: String,
    /// De aanvragende gemeenten: één, of meer bij een samenwerkingsverband.
    #[schemars(length(min = 1))]
    pub aanvragers: Vec<GemeenteCode>,
    /// De penvoerder die de uitkering ontvangt; bij één aanvrager mag dit veld weg (dan is het die gemeente).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penvoerder: Option<GemeenteCode>,
    /// Naam van het samenwerkingsverband bij een gezamenlijke aanvraag, bijvoorbeeld "Parkstad Limburg".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samenwerkingsverband: Option<String>,
    pub contactpersoon: Contactpersoon,
    /// Moment van indienen (UTC, RFC 3339). Ontbreekt bij een concept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub ingediend_op: Option<Timestamp>,
    pub planning: Planning,
    #[schemars(length(min = 1))]
    pub deelplannen: Vec<Deelplan>,
    #[serde(default)]
    pub documenten: Vec<Document>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contactpersoon {
    pub naam: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telefoon: Option<String>,
}

/// Geplande start en einde van het programma (kalenderdatums).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Planning {
    #[schemars(with = "String", extend("format" = "date"))]
    pub start: Date,
    #[schemars(with = "String", extend("format" = "date"))]
    pub einde: Date,
}

/// Het grootste aantal woningen van één soort in één maatregel (een grens tegen tikfouten en overloop; ook in
/// het schema).
pub const MAX_WONINGEN: u32 = 1_000_000;

/// Een zelfstandig deel van het programma met fysieke maatregelen in één deelgebied.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deelplan {
    /// Kenmerk van het deelplan binnen de aanvraag, bijvoorbeeld "DP1".
    #[schemars(length(min = 1, max = 32))]
    pub id: String,
    pub naam: String,
    pub deelgebied: Deelgebied,
    #[schemars(length(min = 1))]
    pub maatregelen: Vec<Maatregel>,
    /// Het deel van de gevraagde Rijksbijdrage voor de fysieke maatregelen.
    pub bijdrage_fysiek: Bedrag,
    /// De eigen, noodzakelijke projectkosten van de gemeente die aan dit deelplan worden toegerekend.
    #[serde(default)]
    pub projectkosten: Bedrag,
    /// Wie de rest van het tekort dekt.
    #[serde(default)]
    pub cofinanciering: Vec<Cofinanciering>,
    /// Het kleinste bedrag waarmee het deelplan nog uitvoerbaar is (voor een gedeeltelijke toekenning).
    /// Ontbreekt het, dan is alleen het volledige bedrag werkbaar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_werkbaar: Option<Bedrag>,
}

/// Het gebied van een deelplan: één of meer postcodegebieden (PC4) in één gemeente.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deelgebied {
    /// De gemeente waarin het deelgebied ligt (een van de aanvragers).
    pub gemeente: GemeenteCode,
    pub pc4: Vec<Pc4>,
    /// Het prioriteitsgebied waarin het deelgebied volgens de aanvrager ligt (id uit data/priority_areas.csv).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prioriteitsgebied: Option<String>,
}

/// Soort fysieke maatregel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Activiteit {
    /// Intensieve renovatie met verduurzaming (primair).
    Renovatie,
    /// Functiewijziging naar wonen (primair).
    Transformatie,
    /// Sloop en nieuwbouw op dezelfde plek (primair).
    SloopNieuwbouw,
    /// Aankoop van particuliere woningen (secundair: alleen naast een primaire maatregel).
    Inponding,
    /// Noodzakelijke ingrepen in de openbare ruimte (secundair).
    OpenbareRuimte,
}

impl Activiteit {
    pub const ALLE: [Activiteit; 5] =
        [Activiteit::Renovatie, Activiteit::Transformatie, Activiteit::SloopNieuwbouw, Activiteit::Inponding, Activiteit::OpenbareRuimte];

    /// Herstructurering in de zin van de regeling: renovatie, transformatie, sloop-nieuwbouw.
    pub fn is_primair(self) -> bool {
        matches!(self, Activiteit::Renovatie | Activiteit::Transformatie | Activiteit::SloopNieuwbouw)
    }

    pub fn naam(self) -> &'static str {
        match self {
            Activiteit::Renovatie => "renovatie",
            Activiteit::Transformatie => "transformatie",
            Activiteit::SloopNieuwbouw => "sloop-nieuwbouw",
            Activiteit::Inponding => "inponding",
            Activiteit::OpenbareRuimte => "openbare ruimte",
        }
    }
}

impl fmt::Display for Activiteit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.naam())
    }
}

/// Aantallen woningen per eigendom.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Woningen {
    #[serde(default)]
    #[schemars(range(max = MAX_WONINGEN))]
    pub eigenaar_bewoner: u32,
    #[serde(default)]
    #[schemars(range(max = MAX_WONINGEN))]
    pub particuliere_verhuur: u32,
    #[serde(default)]
    #[schemars(range(max = MAX_WONINGEN))]
    pub corporatie: u32,
}

impl Woningen {
    /// Particulier: eigenaar-bewoners en particuliere verhuur samen.
    pub fn particulier(&self) -> u64 {
        u64::from(self.eigenaar_bewoner) + u64::from(self.particuliere_verhuur)
    }

    pub fn totaal(&self) -> u64 {
        self.particulier() + u64::from(self.corporatie)
    }
}

/// Een fysieke maatregel met zijn woningen, kosten en opbrengsten (exclusief compensabele btw).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Maatregel {
    #[schemars(length(min = 1, max = 32))]
    pub id: String,
    pub activiteit: Activiteit,
    #[serde(default)]
    pub omschrijving: String,
    #[serde(default)]
    pub woningen: Woningen,
    /// Energielabel vóór de renovatie (verplicht bij renovatie).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_voor: Option<EnergieLabel>,
    /// Energielabel na de renovatie (verplicht bij renovatie).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_na: Option<EnergieLabel>,
    pub kosten: Bedrag,
    #[serde(default)]
    pub opbrengsten: Bedrag,
}

/// Bron van cofinanciering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Financier {
    Gemeente,
    Corporatie,
    Eigenaren,
    Provincie,
    Overig,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cofinanciering {
    pub financier: Financier,
    /// Naam, bijvoorbeeld de naam van de corporatie.
    pub naam: String,
    pub bedrag: Bedrag,
}

/// Soort document bij de aanvraag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentSoort {
    PlanVanAanpak,
    Begroting,
    IntentieverklaringCorporatie,
    Overig,
}

impl DocumentSoort {
    pub fn omschrijving(self) -> &'static str {
        match self {
            DocumentSoort::PlanVanAanpak => "plan van aanpak",
            DocumentSoort::Begroting => "begroting / exploitatieopzet",
            DocumentSoort::IntentieverklaringCorporatie => "intentieverklaring van een partnercorporatie",
            DocumentSoort::Overig => "overig document",
        }
    }
}

/// Een bijgevoegd document, vastgelegd met naam en SHA-256 over de inhoud.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub soort: DocumentSoort,
    /// Het deelplan waar het document bij hoort (bij een plan van aanpak).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deelplan: Option<String>,
    pub naam: String,
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub sha256: Sha256,
}

/// Een SHA-256 in 64 kleine hexadecimale tekens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Sha256(String);

impl<'de> Deserialize<'de> for Sha256 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(Sha256(s))
        } else {
            Err(serde::de::Error::custom(format!("'{s}' is geen SHA-256: 64 tekens 0-9 en a-f")))
        }
    }
}

impl Aanvraag {
    /// De penvoerder: het veld `penvoerder`, of de enige aanvrager. `None` bij een samenwerkingsverband zonder
    /// penvoerder (dat meldt regel E02).
    pub fn penvoerder(&self) -> Option<GemeenteCode> {
        match (self.penvoerder, self.aanvragers.as_slice()) {
            (Some(p), _) => Some(p),
            (None, [enige]) => Some(*enige),
            _ => None,
        }
    }
}
