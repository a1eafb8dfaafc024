//! De levensloop van een aanvraag (docs/regeling.md, "Legal frame and lifecycle"; de woorden van ZGW waar ze
//! passen): alleen deze overgangen mogen, elk vastgelegd met wie, wanneer en waarom.
//!
//! `concept → ingediend → (aanvulling gevraagd ↔ ingediend) → ontvankelijk | niet ontvankelijk → in beoordeling →
//! beoordeeld → besluit (toegekend | gedeeltelijk toegekend | afgewezen) → bezwaar? → uitbetaald → in uitvoering →
//! verantwoord → vastgesteld (afgerond | teruggevorderd)`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Concept,
    Ingediend,
    AanvullingGevraagd,
    Ontvankelijk,
    NietOntvankelijk,
    InBeoordeling,
    Beoordeeld,
    Toegekend,
    GedeeltelijkToegekend,
    Afgewezen,
    Bezwaar,
    Uitbetaald,
    InUitvoering,
    Verantwoord,
    Afgerond,
    Teruggevorderd,
}

use Status::*;

impl Status {
    pub const ALLE: [Status; 16] = [
        Concept,
        Ingediend,
        AanvullingGevraagd,
        Ontvankelijk,
        NietOntvankelijk,
        InBeoordeling,
        Beoordeeld,
        Toegekend,
        GedeeltelijkToegekend,
        Afgewezen,
        Bezwaar,
        Uitbetaald,
        InUitvoering,
        Verantwoord,
        Afgerond,
        Teruggevorderd,
    ];

    /// De statussen waarnaar vanuit deze status een overgang mag.
    pub fn volgende(self) -> &'static [Status] {
        match self {
            Concept => &[Ingediend],
            Ingediend => &[AanvullingGevraagd, Ontvankelijk, NietOntvankelijk],
            AanvullingGevraagd => &[Ingediend],
            Ontvankelijk => &[InBeoordeling],
            NietOntvankelijk => &[Bezwaar],
            InBeoordeling => &[Beoordeeld],
            Beoordeeld => &[Toegekend, GedeeltelijkToegekend, Afgewezen],
            Toegekend | GedeeltelijkToegekend => &[Bezwaar, Uitbetaald],
            Afgewezen => &[Bezwaar],
            // Na bezwaar: een nieuw besluit (of herstel van de ontvankelijkheid).
            Bezwaar => &[Toegekend, GedeeltelijkToegekend, Afgewezen, Ontvankelijk, NietOntvankelijk],
            Uitbetaald => &[InUitvoering],
            InUitvoering => &[Verantwoord],
            Verantwoord => &[InUitvoering, Afgerond, Teruggevorderd],
            Afgerond | Teruggevorderd => &[],
        }
    }

    /// Waarom een aanvraag met deze status niet in een verdeling komt, in het Nederlands; `None` als ze meedoet.
    /// Alleen een aanvraag die RVO ontvankelijk verklaarde, doet mee: `ontvankelijk` en verder langs de beoordeling
    /// (in beoordeling, beoordeeld) en het besluit dat daarop volgt. Niet een aanvraag die nog wacht op dat oordeel
    /// (ingediend, aanvulling gevraagd), een niet-ontvankelijk verklaarde, en een aanvraag in bezwaar (die status zegt
    /// niet of ze ontvankelijk is: eerst de beslissing op het bezwaar).
    pub fn buiten_verdeling(self) -> Option<&'static str> {
        match self {
            Concept => Some("nog niet ingediend (status concept)"),
            Ingediend => Some("nog niet ontvankelijk verklaard door RVO (status ingediend)"),
            AanvullingGevraagd => Some("nog niet ontvankelijk verklaard door RVO: er is een aanvulling gevraagd (status aanvulling gevraagd)"),
            NietOntvankelijk => Some("door RVO niet ontvankelijk verklaard (status niet ontvankelijk)"),
            Bezwaar => Some("in bezwaar: de status zegt niet of de aanvraag ontvankelijk is; eerst de beslissing op het bezwaar (status bezwaar)"),
            Ontvankelijk
            | InBeoordeling
            | Beoordeeld
            | Toegekend
            | GedeeltelijkToegekend
            | Afgewezen
            | Uitbetaald
            | InUitvoering
            | Verantwoord
            | Afgerond
            | Teruggevorderd => None,
        }
    }

    /// Na indiening is de inhoud bevroren; alleen in concept mag de aanvrager haar wijzigen.
    pub fn inhoud_wijzigbaar(self) -> bool {
        self == Concept
    }

    pub fn naam(self) -> &'static str {
        match self {
            Concept => "concept",
            Ingediend => "ingediend",
            AanvullingGevraagd => "aanvulling gevraagd",
            Ontvankelijk => "ontvankelijk",
            NietOntvankelijk => "niet ontvankelijk",
            InBeoordeling => "in beoordeling",
            Beoordeeld => "beoordeeld",
            Toegekend => "toegekend",
            GedeeltelijkToegekend => "gedeeltelijk toegekend",
            Afgewezen => "afgewezen",
            Bezwaar => "bezwaar",
            Uitbetaald => "uitbetaald",
            InUitvoering => "in uitvoering",
            Verantwoord => "verantwoord",
            Afgerond => "vastgesteld: afgerond",
            Teruggevorderd => "vastgesteld: teruggevorderd",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Concept => "concept",
            Ingediend => "ingediend",
            AanvullingGevraagd => "aanvulling_gevraagd",
            Ontvankelijk => "ontvankelijk",
            NietOntvankelijk => "niet_ontvankelijk",
            InBeoordeling => "in_beoordeling",
            Beoordeeld => "beoordeeld",
            Toegekend => "toegekend",
            GedeeltelijkToegekend => "gedeeltelijk_toegekend",
            Afgewezen => "afgewezen",
            Bezwaar => "bezwaar",
            Uitbetaald => "uitbetaald",
            InUitvoering => "in_uitvoering",
            Verantwoord => "verantwoord",
            Afgerond => "afgerond",
            Teruggevorderd => "teruggevorderd",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.naam())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Status::ALLE.into_iter().find(|x| x.code() == s).ok_or_else(|| format!("onbekende status '{s}'"))
    }
}

/// Waarom een overgang niet mag.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("van '{van}' kan een aanvraag niet naar '{naar}'; wel naar: {}", toegestaan(*van))]
pub struct OngeldigeOvergang {
    pub van: Status,
    pub naar: Status,
}

fn toegestaan(s: Status) -> String {
    let v: Vec<&str> = s.volgende().iter().map(|x| x.naam()).collect();
    if v.is_empty() { "geen (eindstatus)".into() } else { v.join(", ") }
}

pub fn overgang(van: Status, naar: Status) -> Result<Status, OngeldigeOvergang> {
    if van.volgende().contains(&naar) { Ok(naar) } else { Err(OngeldigeOvergang { van, naar }) }
}

/// SHA-256 (hex) over de inhoud van een aanvraag zoals ze is ingediend: de JSON in de vaste volgorde van de
/// velden, met de SHA-256 van elk document erin. Wie de ingediende inhoud heeft, kan het ontvangstbewijs narekenen.
pub fn inhoudshash(a: &crate::aanvraag::Aanvraag) -> String {
    sha256_hex(&serde_json::to_vec(a).expect("een aanvraag is altijd JSON"))
}

/// SHA-256 van bytes, als 64 kleine hexadecimale tekens: de vorm van elke hash in vhf (inhoud, documenten,
/// tokens, verzoeken, het audittrail).
pub fn sha256_hex(b: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(b))
}

/// Bytes als kleine hexadecimale tekens, twee per byte (zonder een `format!` per byte: dit gebeurt een paar
/// keer per verzoek).
pub fn hex(b: &[u8]) -> String {
    const TEKENS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for &x in b {
        s.push(char::from(TEKENS[usize::from(x >> 4)]));
        s.push(char::from(TEKENS[usize::from(x & 0x0f)]));
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_zoals_format() {
        let alle: Vec<u8> = (0..=255).collect();
        assert_eq!(super::hex(&alle), alle.iter().map(|x| format!("{x:02x}")).collect::<String>());
        assert_eq!(super::hex(&[]), "");
        assert_eq!(super::sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    use super::*;

    #[test]
    fn alleen_de_overgangen_van_de_regeling() {
        assert!(overgang(Concept, Ingediend).is_ok());
        assert!(overgang(Ingediend, AanvullingGevraagd).is_ok());
        assert!(overgang(AanvullingGevraagd, Ingediend).is_ok());
        assert!(overgang(Beoordeeld, GedeeltelijkToegekend).is_ok());
        let e = overgang(Concept, Toegekend).unwrap_err();
        assert_eq!(e.to_string(), "van 'concept' kan een aanvraag niet naar 'toegekend'; wel naar: ingediend");
        assert!(overgang(Afgerond, InUitvoering).unwrap_err().to_string().contains("geen (eindstatus)"));
        // Elke status is bereikbaar vanuit concept.
        let mut bereikt = vec![Concept];
        let mut i = 0;
        while i < bereikt.len() {
            for n in bereikt[i].volgende() {
                if !bereikt.contains(n) {
                    bereikt.push(*n);
                }
            }
            i += 1;
        }
        assert_eq!(bereikt.len(), Status::ALLE.len());
        for s in Status::ALLE {
            assert_eq!(s.code().parse::<Status>().unwrap(), s);
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.code()));
        }
    }

    #[test]
    fn alleen_wat_rvo_ontvankelijk_verklaarde_komt_in_de_verdeling() {
        let mee: Vec<Status> = Status::ALLE.into_iter().filter(|s| s.buiten_verdeling().is_none()).collect();
        assert_eq!(
            mee,
            [
                Ontvankelijk,
                InBeoordeling,
                Beoordeeld,
                Toegekend,
                GedeeltelijkToegekend,
                Afgewezen,
                Uitbetaald,
                InUitvoering,
                Verantwoord,
                Afgerond,
                Teruggevorderd
            ]
        );
        // Elke status die meedoet, ligt op een pad vanaf ontvankelijk zonder bezwaar of niet-ontvankelijk.
        let mut bereikt = vec![Ontvankelijk];
        let mut i = 0;
        while i < bereikt.len() {
            for n in bereikt[i].volgende().iter().filter(|n| !matches!(n, Bezwaar | NietOntvankelijk)) {
                if !bereikt.contains(n) {
                    bereikt.push(*n);
                }
            }
            i += 1;
        }
        bereikt.sort();
        assert_eq!(bereikt, mee);
        assert!(Ingediend.buiten_verdeling().unwrap().contains("nog niet ontvankelijk verklaard"));
    }

    #[test]
    fn de_inhoudshash_verandert_met_elke_cent() {
        let tekst = include_str!("../../../examples/zaanstad-poelenburg-peldersveld.json");
        let a = crate::invoer::lees_aanvraag(tekst).unwrap();
        let h = inhoudshash(&a);
        assert_eq!(h.len(), 64);
        assert_eq!(h, inhoudshash(&crate::invoer::lees_aanvraag(tekst).unwrap()));
        let b = crate::invoer::lees_aanvraag(&tekst.replacen("\"28000000.00\"", "\"28000000.01\"", 1)).unwrap();
        assert_ne!(h, inhoudshash(&b));
    }
}
