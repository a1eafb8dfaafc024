//! Codes die in een aanvraag staan: CBS-gemeentecode, PC4-postcodegebied en energielabel.
//! Elk type controleert bij het maken; een waarde die bestaat is geldig ("parse, don't validate").

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::referentie::Referentie;

/// Een CBS-gemeentecode zoals `GM0363` (Amsterdam) die voorkomt in een gemeentelijke indeling die het
/// systeem kent (nu: de indeling 2021). Of de gemeente meedoet in een bepaalde ronde, toetst regel E02.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GemeenteCode(u16);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GemeenteCodeFout {
    #[error("'{0}' is geen gemeentecode: een CBS-code is GM gevolgd door 4 cijfers, zoals GM0363")]
    Vorm(String),
    #[error("gemeentecode {0} is onbekend: geen gemeente in de CBS-indeling 2021 (Kadaster / CBS)")]
    Onbekend(String),
}

impl GemeenteCode {
    pub fn parse(s: &str) -> Result<GemeenteCode, GemeenteCodeFout> {
        let code = GemeenteCode::vorm(s)?;
        if Referentie::ingebouwd().gemeente(code).is_none() {
            return Err(GemeenteCodeFout::Onbekend(s.to_string()));
        }
        Ok(code)
    }

    /// Alleen de vorm; voor het inlezen van de referentiegegevens zelf.
    pub(crate) fn vorm(s: &str) -> Result<GemeenteCode, GemeenteCodeFout> {
        let cijfers = s.strip_prefix("GM").filter(|c| c.len() == 4 && c.bytes().all(|b| b.is_ascii_digit()));
        match cijfers {
            Some(c) => Ok(GemeenteCode(c.parse().map_err(|_| GemeenteCodeFout::Vorm(s.to_string()))?)),
            None => Err(GemeenteCodeFout::Vorm(s.to_string())),
        }
    }
}

impl fmt::Display for GemeenteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GM{:04}", self.0)
    }
}

/// Een postcodegebied van 4 cijfers, 1000–9999 (regel E04).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pc4(u16);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("E04: '{0}' is geen PC4-postcodegebied: dat zijn precies 4 cijfers van 1000 tot en met 9999")]
pub struct Pc4Fout(pub String);

impl Pc4 {
    pub fn parse(s: &str) -> Result<Pc4, Pc4Fout> {
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0') {
            Ok(Pc4(s.parse().map_err(|_| Pc4Fout(s.to_string()))?))
        } else {
            Err(Pc4Fout(s.to_string()))
        }
    }

    pub fn nummer(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Pc4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Energielabel, in volgorde van slecht naar goed. Eén stap is één plaats in deze rij.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EnergieLabel {
    G,
    F,
    E,
    D,
    C,
    B,
    A,
    APlus,
    A2Plus,
    A3Plus,
    A4Plus,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is geen energielabel: kies uit G, F, E, D, C, B, A, A+, A++, A+++ of A++++")]
pub struct LabelFout(pub String);

impl EnergieLabel {
    pub const ALLE: [EnergieLabel; 11] = [
        EnergieLabel::G,
        EnergieLabel::F,
        EnergieLabel::E,
        EnergieLabel::D,
        EnergieLabel::C,
        EnergieLabel::B,
        EnergieLabel::A,
        EnergieLabel::APlus,
        EnergieLabel::A2Plus,
        EnergieLabel::A3Plus,
        EnergieLabel::A4Plus,
    ];

    pub fn parse(s: &str) -> Result<EnergieLabel, LabelFout> {
        EnergieLabel::ALLE.into_iter().find(|l| l.naam() == s).ok_or_else(|| LabelFout(s.to_string()))
    }

    pub fn naam(self) -> &'static str {
        match self {
            EnergieLabel::G => "G",
            EnergieLabel::F => "F",
            EnergieLabel::E => "E",
            EnergieLabel::D => "D",
            EnergieLabel::C => "C",
            EnergieLabel::B => "B",
            EnergieLabel::A => "A",
            EnergieLabel::APlus => "A+",
            EnergieLabel::A2Plus => "A++",
            EnergieLabel::A3Plus => "A+++",
            EnergieLabel::A4Plus => "A++++",
        }
    }

    /// Aantal stappen van `self` naar `na`; negatief als het label slechter wordt.
    pub fn stappen_naar(self, na: EnergieLabel) -> i32 {
        na as i32 - self as i32
    }
}

impl fmt::Display for EnergieLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.naam())
    }
}

macro_rules! als_tekst {
    ($t:ty, $naam:literal, $schema:tt) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::geld::lees_tekst(d, <$t>::parse)
            }
        }
        impl schemars::JsonSchema for $t {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $naam.into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!($schema)
            }
        }
    };
}

als_tekst!(GemeenteCode, "GemeenteCode", {
    "type": "string", "pattern": "^GM[0-9]{4}$",
    "description": "CBS-gemeentecode uit de gemeentelijke indeling 2021 (Kadaster / CBS), zoals GM0363.",
    "examples": ["GM0363"]
});
als_tekst!(Pc4, "Pc4", {
    "type": "string", "pattern": "^[1-9][0-9]{3}$",
    "description": "Postcodegebied van 4 cijfers, 1000 tot en met 9999.", "examples": ["1102"]
});
als_tekst!(EnergieLabel, "EnergieLabel", {
    "type": "string", "enum": ["G", "F", "E", "D", "C", "B", "A", "A+", "A++", "A+++", "A++++"],
    "description": "Energielabel van de woning."
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pc4_grenzen() {
        for goed in ["1000", "9999", "1102"] {
            assert!(Pc4::parse(goed).is_ok(), "{goed}");
        }
        for fout in ["0999", "12345", "999", "12a4", "", " 1234", "1234 ", "+123"] {
            let e = Pc4::parse(fout).unwrap_err();
            assert!(e.to_string().contains("E04"), "{fout}");
        }
    }

    #[test]
    fn gemeentecodes() {
        assert_eq!(GemeenteCode::parse("GM0363").unwrap().to_string(), "GM0363");
        assert!(matches!(GemeenteCode::parse("GM9999"), Err(GemeenteCodeFout::Onbekend(_))));
        for fout in ["0363", "GM363", "gm0363", "GM03631", "Amsterdam"] {
            assert!(matches!(GemeenteCode::parse(fout), Err(GemeenteCodeFout::Vorm(_))), "{fout}");
        }
    }

    #[test]
    fn labels_en_stappen() {
        assert_eq!(EnergieLabel::parse("A++").unwrap(), EnergieLabel::A2Plus);
        assert!(EnergieLabel::parse("Z").is_err());
        assert!(EnergieLabel::parse("a").is_err());
        assert_eq!(EnergieLabel::E.stappen_naar(EnergieLabel::B), 3);
        assert_eq!(EnergieLabel::B.stappen_naar(EnergieLabel::E), -3);
        for l in EnergieLabel::ALLE {
            assert_eq!(EnergieLabel::parse(l.naam()).unwrap(), l);
        }
    }
}
