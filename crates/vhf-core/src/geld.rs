//! Geld en verhoudingen.
//!
//! De regeling rekent in euro's met centen. Wij bewaren bedragen als hele centen in een `i64` en rekenen
//! uitsluitend met gecontroleerde bewerkingen: een overloop is een fout, nooit een stil verkeerd bedrag.
//! Percentages (parameters zoals het maximale aandeel van het tekort) staan in honderdsten van een procent,
//! zodat "70%" exact `7000` is en een vergelijking als "bijdrage ≤ 70% × tekort" exact in gehele getallen kan.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Grootste bedrag dat in een aanvraag mag staan: € 1.000.000.000.000 (10^14 cent). Zo blijft elke som van
/// duizenden posten ruim binnen een `i64`; de controles op overloop blijven toch overal staan.
pub const MAX_INVOERBEDRAG_CENTEN: i64 = 100_000_000_000_000;

/// Een bedrag in hele eurocenten. Kan negatief zijn als uitkomst van een berekening (een negatief tekort);
/// een bedrag dat iemand invoert is nooit negatief (zie [`Bedrag::parse`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bedrag(i64);

/// Een rekenfout: een uitkomst past niet in het bereik van een bedrag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("rekenfout: de uitkomst van {0} is te groot")]
pub struct Overloop(pub &'static str);

/// Waarom een tekst geen geldig bedrag is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BedragFout {
    #[error("'{0}' is geen bedrag: schrijf euro's met een punt voor de centen, zoals \"1250000.00\"")]
    Vorm(String),
    #[error("'{0}' heeft meer dan 2 decimalen: een bedrag is in hele centen")]
    TeveelDecimalen(String),
    #[error("'{0}' is negatief: een bedrag in een aanvraag is nooit negatief")]
    Negatief(String),
    #[error("'{0}' is groter dan € 1.000.000.000.000, het grootste bedrag dat het systeem aanneemt")]
    TeGroot(String),
}

impl Bedrag {
    pub const NUL: Bedrag = Bedrag(0);

    pub const fn centen(c: i64) -> Bedrag {
        Bedrag(c)
    }

    pub const fn euro(e: i64) -> Bedrag {
        Bedrag(e * 100)
    }

    pub const fn in_centen(self) -> i64 {
        self.0
    }

    pub const fn is_positief(self) -> bool {
        self.0 > 0
    }

    /// Leest een ingevoerd bedrag in euro's: `"7350000"`, `"7350000.5"` of `"7350000.50"`.
    /// Geen duizendtallen, geen valutateken, hoogstens 2 decimalen, niet negatief.
    pub fn parse(s: &str) -> Result<Bedrag, BedragFout> {
        let t = s.trim();
        if t.starts_with('-') {
            return Err(BedragFout::Negatief(s.to_string()));
        }
        let (heel, frac) = match t.split_once('.') {
            Some((h, f)) => (h, f),
            None => (t, ""),
        };
        let cijfers = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
        if heel.is_empty() || !cijfers(heel) || !cijfers(frac) || (t.contains('.') && frac.is_empty()) {
            return Err(BedragFout::Vorm(s.to_string()));
        }
        if frac.len() > 2 {
            return Err(BedragFout::TeveelDecimalen(s.to_string()));
        }
        let heel = heel.trim_start_matches('0');
        if heel.len() > 13 {
            return Err(BedragFout::TeGroot(s.to_string()));
        }
        let euros: i64 = if heel.is_empty() { 0 } else { heel.parse().map_err(|_| BedragFout::Vorm(s.to_string()))? };
        let mut centen: i64 = 0;
        for (i, b) in frac.bytes().enumerate() {
            centen += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
        }
        let totaal = euros * 100 + centen;
        if totaal > MAX_INVOERBEDRAG_CENTEN {
            return Err(BedragFout::TeGroot(s.to_string()));
        }
        Ok(Bedrag(totaal))
    }

    pub fn plus(self, ander: Bedrag) -> Result<Bedrag, Overloop> {
        self.0.checked_add(ander.0).map(Bedrag).ok_or(Overloop("een optelling"))
    }

    pub fn minus(self, ander: Bedrag) -> Result<Bedrag, Overloop> {
        self.0.checked_sub(ander.0).map(Bedrag).ok_or(Overloop("een aftrekking"))
    }

    pub fn som<I: IntoIterator<Item = Bedrag>>(posten: I) -> Result<Bedrag, Overloop> {
        posten.into_iter().try_fold(Bedrag::NUL, Bedrag::plus)
    }

    /// Het percentage van dit bedrag, naar beneden afgerond op hele centen (richting nul). Gebruikt voor een
    /// maximum: wie exact het maximum vraagt, vraagt nooit een halve cent te veel.
    pub fn maal_omlaag(self, p: Percentage) -> Result<Bedrag, Overloop> {
        let x = i128::from(self.0) * i128::from(p.0) / 10_000;
        i64::try_from(x).map(Bedrag).map_err(|_| Overloop("een vermenigvuldiging"))
    }

    /// Is dit bedrag hoogstens `p` van `geheel`? Exact, zonder afronding: `self × 10000 ≤ p × geheel`.
    pub fn hoogstens_aandeel_van(self, p: Percentage, geheel: Bedrag) -> bool {
        i128::from(self.0) * 10_000 <= i128::from(p.0) * i128::from(geheel.0)
    }

    /// Dit bedrag gedeeld door een aantal, half-omhoog afgerond op hele centen. `None` bij delen door nul.
    pub fn per(self, aantal: u64) -> Option<Bedrag> {
        if aantal == 0 {
            return None;
        }
        let n = i128::from(aantal);
        let t = i128::from(self.0);
        let q = if t >= 0 { (2 * t + n) / (2 * n) } else { -((-2 * t + n) / (2 * n)) };
        i64::try_from(q).ok().map(Bedrag)
    }

    /// Welk percentage is dit van `geheel`, half-omhoog afgerond op honderdsten van een procent.
    pub fn aandeel_van(self, geheel: Bedrag) -> Option<Percentage> {
        Percentage::verhouding(i128::from(self.0), i128::from(geheel.0))
    }
}

/// Nederlandse notatie: `€ 7.350.000,00`, `-€ 12,50`.
impl fmt::Display for Bedrag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let (euros, centen) = (abs / 100, abs % 100);
        // Op de stapel in plaats van in twee `String`s: u64 heeft hoogstens 20 cijfers, met punten 26 tekens.
        let mut cijfers = [0u8; 20];
        let mut n = 0;
        let mut rest = euros;
        loop {
            cijfers[n] = b'0' + (rest % 10) as u8;
            n += 1;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        let mut gegroepeerd = [0u8; 27];
        let mut len = 0;
        for i in 0..n {
            if i > 0 && (n - i) % 3 == 0 {
                gegroepeerd[len] = b'.';
                len += 1;
            }
            gegroepeerd[len] = cijfers[n - 1 - i];
            len += 1;
        }
        let gegroepeerd = std::str::from_utf8(&gegroepeerd[..len]).expect("alleen cijfers en punten");
        let centen = [b'0' + (centen / 10) as u8, b'0' + (centen % 10) as u8];
        f.write_str(if neg { "-€ " } else { "€ " })?;
        f.write_str(gegroepeerd)?;
        f.write_str(",")?;
        f.write_str(std::str::from_utf8(&centen).expect("cijfers"))
    }
}

/// Machineleesbaar: een tekst met euro's en precies twee decimalen, `"7350000.00"`.
impl Serialize for Bedrag {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Op de stapel opgebouwd en als één tekst geschreven (zelfde tekens als "{}{}.{:02}"): geen opmaakmachine
        // en geen tussenliggende String per bedrag in een rapport.
        let abs = self.0.unsigned_abs();
        let mut buf = [0u8; 24];
        let mut i = buf.len();
        let mut zet = |b: u8| {
            i -= 1;
            buf[i] = b;
        };
        let centen = abs % 100;
        zet(b'0' + (centen % 10) as u8);
        zet(b'0' + (centen / 10) as u8);
        zet(b'.');
        let mut euros = abs / 100;
        loop {
            zet(b'0' + (euros % 10) as u8);
            euros /= 10;
            if euros == 0 {
                break;
            }
        }
        if self.0 < 0 {
            zet(b'-');
        }
        s.serialize_str(std::str::from_utf8(&buf[i..]).expect("alleen cijfers, punt en min"))
    }
}

impl<'de> Deserialize<'de> for Bedrag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lees_tekst(d, Bedrag::parse)
    }
}

/// Een bedrag als geheel aantal centen in JSON (`#[serde(with = "crate::geld::centen")]`), voor wat het systeem zelf
/// bewaart, zoals de redenen van een toetsing: ook een negatieve uitkomst gaat heen en terug, wat met de tekstvorm
/// van een ingevoerd bedrag ([`Bedrag::parse`]) niet kan.
pub mod centen {
    use super::Bedrag;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(b: &Bedrag, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(b.in_centen())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bedrag, D::Error> {
        i64::deserialize(d).map(Bedrag::centen)
    }
}

impl schemars::JsonSchema for Bedrag {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Bedrag".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{1,13}(\\.[0-9]{1,2})?$",
            "description": "Bedrag in euro's exclusief compensabele btw, met een punt en hoogstens 2 decimalen, niet negatief. Voorbeeld: \"7350000.00\".",
            "examples": ["7350000.00"]
        })
    }
}

/// Een percentage in honderdsten van een procent: `Percentage(7000)` is 70%.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percentage(i64);

impl Percentage {
    pub const fn honderdsten(h: i64) -> Percentage {
        Percentage(h)
    }

    pub const fn in_honderdsten(self) -> i64 {
        self.0
    }

    /// `teller / noemer` als percentage, half-omhoog afgerond op honderdsten van een procent.
    pub fn verhouding(teller: i128, noemer: i128) -> Option<Percentage> {
        if noemer == 0 {
            return None;
        }
        let (t, n) = if noemer < 0 { (-teller, -noemer) } else { (teller, noemer) };
        let x = t * 10_000;
        let q = if x >= 0 { (2 * x + n) / (2 * n) } else { -((-2 * x + n) / (2 * n)) };
        i64::try_from(q).ok().map(Percentage)
    }
}

impl FromStr for Percentage {
    type Err = String;
    /// `"70%"`, `"70.5%"`, `"12.25%"`.
    fn from_str(s: &str) -> Result<Self, String> {
        let fout = || format!("'{s}' is geen percentage: schrijf bijvoorbeeld \"70%\" of \"12.5%\"");
        let g = s.trim().strip_suffix('%').ok_or_else(fout)?;
        let (h, f) = g.split_once('.').unwrap_or((g, ""));
        if h.is_empty() || h.len() > 6 || f.len() > 2 || !h.bytes().chain(f.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(fout());
        }
        let heel: i64 = h.parse().map_err(|_| fout())?;
        let frac: i64 = format!("{f:0<2}").parse().map_err(|_| fout())?;
        Ok(Percentage(heel * 100 + frac))
    }
}

/// `70%`, `70,5%`, `12,25%`.
impl fmt::Display for Percentage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        match a % 100 {
            0 => write!(f, "{neg}{}%", a / 100),
            r if r % 10 == 0 => write!(f, "{neg}{},{}%", a / 100, r / 10),
            r => write!(f, "{neg}{},{:02}%", a / 100, r),
        }
    }
}

impl Serialize for Percentage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.0.unsigned_abs();
        s.collect_str(&format_args!("{}{}.{:02}%", if self.0 < 0 { "-" } else { "" }, a / 100, a % 100))
    }
}

impl schemars::JsonSchema for Percentage {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Percentage".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^-?[0-9]+\\.[0-9]{2}%$",
            "description": "Een percentage met twee decimalen en een procentteken. Voorbeeld: \"72.73%\".",
            "examples": ["72.73%"]
        })
    }
}

impl<'de> Deserialize<'de> for Percentage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lees_tekst(d, str::parse::<Percentage>)
    }
}

/// Een decimaal getal met twee cijfers achter de komma, exact bewaard in honderdsten (scores, drempels,
/// gewichten in het beoordelingskader): `"5.50"` is `Honderdsten(550)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Honderdsten(pub i64);

impl FromStr for Honderdsten {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let fout = || format!("'{s}' is geen getal met hoogstens 2 decimalen");
        let (h, f) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
        if h.is_empty() || h.len() > 9 || f.len() > 2 || !h.bytes().chain(f.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(fout());
        }
        let frac: i64 = format!("{f:0<2}").parse().map_err(|_| fout())?;
        Ok(Honderdsten(h.parse::<i64>().map_err(|_| fout())? * 100 + frac))
    }
}

impl fmt::Display for Honderdsten {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{},{:02}", if self.0 < 0 { "-" } else { "" }, self.0.unsigned_abs() / 100, self.0.unsigned_abs() % 100)
    }
}

impl Serialize for Honderdsten {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}{}.{:02}", if self.0 < 0 { "-" } else { "" }, self.0.unsigned_abs() / 100, self.0.unsigned_abs() % 100))
    }
}

impl schemars::JsonSchema for Honderdsten {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Honderdsten".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^-?[0-9]+\\.[0-9]{2}$",
            "description": "Een getal met precies twee decimalen (een score, punten, een drempel). Voorbeeld: \"7.25\".",
            "examples": ["7.25"]
        })
    }
}

impl<'de> Deserialize<'de> for Honderdsten {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lees_tekst(d, str::parse::<Honderdsten>)
    }
}

/// Leest een tekstwaarde en zet haar om met `parse`, zonder de tekst eerst als `String` te kopiëren. Een waarde
/// die geen tekst is, geeft dezelfde melding als `String::deserialize` ("expected a string"); een fout van
/// `parse` wordt, net als voorheen, pas na het lezen een fout van de lezer.
pub(crate) fn lees_tekst<'de, D, T, E>(d: D, parse: fn(&str) -> Result<T, E>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    E: fmt::Display,
{
    struct Tekst<T, E>(fn(&str) -> Result<T, E>);
    impl<T, E> serde::de::Visitor<'_> for Tekst<T, E> {
        type Value = Result<T, E>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<F: serde::de::Error>(self, v: &str) -> Result<Self::Value, F> {
            Ok((self.0)(v))
        }
        fn visit_bytes<F: serde::de::Error>(self, v: &[u8]) -> Result<Self::Value, F> {
            match std::str::from_utf8(v) {
                Ok(s) => Ok((self.0)(s)),
                Err(_) => Err(F::invalid_value(serde::de::Unexpected::Bytes(v), &self)),
            }
        }
    }
    d.deserialize_string(Tekst(parse))?.map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn leest_bedragen() {
        let gevallen: &[(&str, Result<i64, &str>)] = &[
            ("0", Ok(0)),
            ("7350000", Ok(735_000_000)),
            ("7350000.5", Ok(735_000_050)),
            ("7350000.05", Ok(735_000_005)),
            ("0.01", Ok(1)),
            ("1000000000000", Ok(MAX_INVOERBEDRAG_CENTEN)),
            ("1000000000000.01", Err("groter")),
            ("99999999999999999999", Err("groter")),
            ("12.345", Err("meer dan 2 decimalen")),
            ("-5.00", Err("negatief")),
            ("", Err("geen bedrag")),
            ("12.", Err("geen bedrag")),
            (".5", Err("geen bedrag")),
            ("1.000,00", Err("geen bedrag")),
            ("€ 5", Err("geen bedrag")),
            ("1e6", Err("geen bedrag")),
        ];
        for (invoer, verwacht) in gevallen {
            match (Bedrag::parse(invoer), verwacht) {
                (Ok(b), Ok(c)) => assert_eq!(b.in_centen(), *c, "{invoer}"),
                (Err(e), Err(tekst)) => assert!(e.to_string().contains(tekst), "{invoer}: {e}"),
                (uit, _) => panic!("{invoer}: onverwacht {uit:?}"),
            }
        }
    }

    #[test]
    fn toont_bedragen_in_nederlandse_notatie() {
        assert_eq!(Bedrag::centen(735_000_000).to_string(), "€ 7.350.000,00");
        assert_eq!(Bedrag::centen(100_000).to_string(), "€ 1.000,00");
        assert_eq!(Bedrag::centen(99_999).to_string(), "€ 999,99");
        assert_eq!(Bedrag::centen(5).to_string(), "€ 0,05");
        assert_eq!(Bedrag::centen(-1250).to_string(), "-€ 12,50");
    }

    #[test]
    fn percentages() {
        assert_eq!("70%".parse::<Percentage>().unwrap(), Percentage(7000));
        assert_eq!("12.5%".parse::<Percentage>().unwrap(), Percentage(1250));
        assert!("70".parse::<Percentage>().is_err());
        assert!("7.005%".parse::<Percentage>().is_err());
        assert_eq!(Percentage(7000).to_string(), "70%");
        assert_eq!(Percentage(7050).to_string(), "70,5%");
        assert_eq!(Percentage(1234).to_string(), "12,34%");
        assert_eq!(Percentage::verhouding(1, 3), Some(Percentage(3333)));
        assert_eq!(Percentage::verhouding(2, 3), Some(Percentage(6667)));
        assert_eq!(Percentage::verhouding(1, 0), None);
    }

    #[test]
    fn zeventig_procent_grens_exact() {
        let tekort = Bedrag::euro(10_000_000);
        let p = Percentage(7000);
        assert!(Bedrag::euro(7_000_000).hoogstens_aandeel_van(p, tekort));
        assert!(!Bedrag::centen(700_000_001).hoogstens_aandeel_van(p, tekort));
        // 70% van € 0,01 is 0,7 cent: 0 cent mag, 1 cent niet.
        assert!(Bedrag::NUL.hoogstens_aandeel_van(p, Bedrag::centen(1)));
        assert!(!Bedrag::centen(1).hoogstens_aandeel_van(p, Bedrag::centen(1)));
        assert_eq!(Bedrag::centen(1_000_000_001).maal_omlaag(p).unwrap(), Bedrag::centen(700_000_000));
    }

    proptest! {
        /// De notaties zonder opmaakmachine (issue 14) geven precies wat de oude met `format!` gaven.
        #[test]
        fn notaties_zijn_als_met_format(c in prop_oneof![any::<i64>(), -1_000_000i64..1_000_000, Just(i64::MIN), Just(i64::MAX)]) {
            let b = Bedrag::centen(c);
            let abs = c.unsigned_abs();
            let e = (abs / 100).to_string();
            let mut gegroepeerd = String::new();
            for (i, t) in e.chars().enumerate() {
                if i > 0 && (e.len() - i) % 3 == 0 {
                    gegroepeerd.push('.');
                }
                gegroepeerd.push(t);
            }
            let teken = if c < 0 { "-" } else { "" };
            prop_assert_eq!(b.to_string(), format!("{teken}€ {gegroepeerd},{:02}", abs % 100));
            prop_assert_eq!(serde_json::to_string(&b).unwrap(), format!("\"{teken}{}.{:02}\"", abs / 100, abs % 100));
        }

        #[test]
        fn parse_en_serialiseer_zijn_elkaars_omgekeerde(c in 0i64..=MAX_INVOERBEDRAG_CENTEN) {
            let b = Bedrag::centen(c);
            let json = serde_json::to_string(&b).unwrap();
            let terug: Bedrag = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(terug, b);
        }

        #[test]
        fn optellen_is_exact_of_meldt_overloop(a in any::<i64>(), b in any::<i64>()) {
            match Bedrag::centen(a).plus(Bedrag::centen(b)) {
                Ok(s) => prop_assert_eq!(i128::from(s.in_centen()), i128::from(a) + i128::from(b)),
                Err(_) => prop_assert!(i128::from(a) + i128::from(b) > i128::from(i64::MAX) || i128::from(a) + i128::from(b) < i128::from(i64::MIN)),
            }
        }

        #[test]
        fn maximum_is_nooit_meer_dan_het_aandeel(t in 0i64..=MAX_INVOERBEDRAG_CENTEN, p in 0i64..=10_000) {
            let max = Bedrag::centen(t).maal_omlaag(Percentage(p)).unwrap();
            prop_assert!(max.hoogstens_aandeel_van(Percentage(p), Bedrag::centen(t)));
            // en één cent meer is te veel (tenzij het aandeel 0 is en het maximum dus 0 cent)
            prop_assert!(!Bedrag::centen(max.in_centen() + 1).hoogstens_aandeel_van(Percentage(p), Bedrag::centen(t)) || p == 10_000 && t == 0);
        }

        #[test]
        fn delen_rondt_half_omhoog(t in 0i64..1_000_000_000_000, n in 1u64..100_000) {
            let q = Bedrag::centen(t).per(n).unwrap().in_centen();
            let exact = t as f64 / n as f64;
            prop_assert!((q as f64 - exact).abs() <= 0.5 + 1e-6);
        }

        #[test]
        fn som_hangt_niet_af_van_volgorde(mut v in proptest::collection::vec(0i64..=MAX_INVOERBEDRAG_CENTEN, 0..50)) {
            let a = Bedrag::som(v.iter().copied().map(Bedrag::centen)).unwrap();
            v.reverse();
            let b = Bedrag::som(v.iter().copied().map(Bedrag::centen)).unwrap();
            prop_assert_eq!(a, b);
        }
    }
}
