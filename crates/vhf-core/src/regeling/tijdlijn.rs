//! Een parameter als gedateerde reeks waarden, elk met zijn bron (naar het voorbeeld van OpenFisca).
//!
//! Een wijziging tijdens een ronde (het loket verlengd, het budget verhoogd) is een nieuwe waarde met een
//! latere `vanaf`-datum en een toelichting: de oude waarde blijft staan, zodat een uitkomst van toen uit te
//! leggen blijft.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wijziging<T> {
    /// Eerste dag (Europe/Amsterdam) waarop deze waarde geldt; ze geldt tot de volgende wijziging.
    pub vanaf: Date,
    pub waarde: T,
    /// Vindplaats: Staatscourant, Kamerbrief of RVO-pagina met het label [V], [S] of [D] uit de regeling.
    pub bron: String,
    /// Waarom de waarde is gewijzigd of zo is gekozen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toelichting: Option<String>,
}

/// Alle waarden die een parameter in een ronde heeft gehad, oplopend in `vanaf`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tijdlijn<T>(Vec<Wijziging<T>>);

/// De waarde van een parameter op een peildatum, met zijn herkomst.
#[derive(Debug, Serialize)]
pub struct Gegeven<'r, T> {
    pub waarde: &'r T,
    pub vanaf: Date,
    pub bron: &'r str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toelichting: Option<&'r str>,
}

impl<T> Clone for Gegeven<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Gegeven<'_, T> {}

impl<T> Tijdlijn<T> {
    pub fn nieuw(wijzigingen: Vec<Wijziging<T>>) -> Tijdlijn<T> {
        Tijdlijn(wijzigingen)
    }

    pub fn wijzigingen(&self) -> &[Wijziging<T>] {
        &self.0
    }

    /// De waarde die geldt op `datum`: de laatste wijziging met `vanaf ≤ datum`.
    pub fn op(&self, datum: Date) -> Option<Gegeven<'_, T>> {
        let i = self.0.partition_point(|w| w.vanaf <= datum);
        let w = self.0.get(i.checked_sub(1)?)?;
        Some(Gegeven { waarde: &w.waarde, vanaf: w.vanaf, bron: &w.bron, toelichting: w.toelichting.as_deref() })
    }

    /// Dekking zonder overlap: de eerste waarde geldt uiterlijk vanaf `begin`, de datums lopen strikt op en
    /// elke waarde heeft een bron.
    pub fn controleer(&self, naam: &str, begin: Date) -> Result<(), String> {
        let eerste = self.0.first().ok_or_else(|| format!("parameter {naam} heeft geen waarde"))?;
        if eerste.vanaf > begin {
            return Err(format!("parameter {naam} is pas gedefinieerd vanaf {}, de ronde begint op {begin}", eerste.vanaf));
        }
        for paar in self.0.windows(2) {
            if paar[1].vanaf <= paar[0].vanaf {
                return Err(format!("parameter {naam}: wijziging van {} staat na die van {} (datums moeten strikt oplopen)", paar[1].vanaf, paar[0].vanaf));
            }
        }
        if let Some(w) = self.0.iter().find(|w| w.bron.trim().is_empty()) {
            return Err(format!("parameter {naam}: de waarde vanaf {} heeft geen bron", w.vanaf));
        }
        Ok(())
    }

    /// Voegt een gedateerde wijziging toe (een gebeurtenis tijdens de ronde). Een wijziging vóór de laatste
    /// bekende datum zou de geschiedenis herschrijven en wordt geweigerd.
    pub fn wijzig(&mut self, w: Wijziging<T>) -> Result<(), String> {
        if let Some(laatste) = self.0.last()
            && w.vanaf <= laatste.vanaf
        {
            return Err(format!("een wijziging per {} ligt niet na de laatste wijziging ({})", w.vanaf, laatste.vanaf));
        }
        self.0.push(w);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn w(v: Date, x: i32) -> Wijziging<i32> {
        Wijziging { vanaf: v, waarde: x, bron: "[D] test".into(), toelichting: None }
    }

    #[test]
    fn waarde_op_een_datum() {
        let t = Tijdlijn::nieuw(vec![w(date(2021, 3, 11), 1), w(date(2021, 5, 17), 2)]);
        assert!(t.op(date(2021, 3, 10)).is_none());
        assert_eq!(*t.op(date(2021, 3, 11)).unwrap().waarde, 1);
        assert_eq!(*t.op(date(2021, 5, 16)).unwrap().waarde, 1);
        assert_eq!(*t.op(date(2021, 5, 17)).unwrap().waarde, 2);
        assert_eq!(*t.op(date(2030, 1, 1)).unwrap().waarde, 2);
    }

    #[test]
    fn dekking_en_volgorde_worden_gecontroleerd() {
        let begin = date(2021, 3, 11);
        assert!(Tijdlijn::<i32>::nieuw(vec![]).controleer("x", begin).is_err());
        assert!(Tijdlijn::nieuw(vec![w(date(2021, 3, 12), 1)]).controleer("x", begin).is_err());
        assert!(Tijdlijn::nieuw(vec![w(begin, 1), w(begin, 2)]).controleer("x", begin).is_err());
        let mut t = Tijdlijn::nieuw(vec![w(begin, 1)]);
        assert!(t.controleer("x", begin).is_ok());
        assert!(t.wijzig(w(begin, 3)).is_err());
        assert!(t.wijzig(w(date(2021, 4, 1), 3)).is_ok());
    }
}
