//! Wie mag wat: de rollen, de gebruiker achter een verzoek en wat die van de aanvragen mag zien.
//!
//! Twee lagen, allebei aan de serverkant. Per route staat in het register (`server/routes.rs`) welke rollen er
//! mogen komen ([`Toegang`]); een route zonder regel bestaat niet. Daarbinnen beperkt elke vraag naar aanvragen,
//! documenten, bevindingen en besluiten zich in SQL tot wat de gebruiker mag zien ([`Zicht`]): een aanvrager van
//! een andere gemeente krijgt 404, niet 403, zodat niet eens te zien is dát iets bestaat.

use std::fmt;
use std::str::FromStr;

use vhf_core::codes::GemeenteCode;

/// De rollen. Het publiek heeft geen rol en geen login: dat is `None` als gebruiker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rol {
    /// Ambtenaar van één gemeente: maakt en dient aanvragen in, levert aanvullingen.
    Aanvrager,
    /// Behandelaar bij RVO: volledigheid, ontvankelijkheid, aanvullingen vragen, commissiewerk vastleggen.
    Behandelaar,
    /// Lid van de beoordelingscommissie: ziet en scoort alleen de deelplannen die hem zijn toegewezen.
    Commissielid,
    /// Het ministerie: verdelen en besluiten.
    Beslisser,
    /// Leest alles, ook het audittrail, en wijzigt niets.
    Auditor,
    /// Rondes, parameterwijzigingen, gebruikers en tokens; niet de inhoud van aanvragen.
    Beheerder,
    /// Onafhankelijke adviseur in de prioriteitsgebieden: ziet alleen de verzoeken om ondersteuning die hem zijn
    /// toegewezen en schrijft daar uren op; geen aanvragen, besluiten of audittrail.
    Adviseur,
}

impl Rol {
    pub const ALLE: [Rol; 7] = [Rol::Aanvrager, Rol::Behandelaar, Rol::Commissielid, Rol::Beslisser, Rol::Auditor, Rol::Beheerder, Rol::Adviseur];

    pub fn code(self) -> &'static str {
        match self {
            Rol::Aanvrager => "aanvrager",
            Rol::Behandelaar => "behandelaar",
            Rol::Commissielid => "commissielid",
            Rol::Beslisser => "beslisser",
            Rol::Auditor => "auditor",
            Rol::Beheerder => "beheerder",
            Rol::Adviseur => "adviseur",
        }
    }
}

impl fmt::Display for Rol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Rol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rol::ALLE.into_iter().find(|r| r.code() == s).ok_or_else(|| format!("onbekende rol '{s}' (kies uit {})", Rol::ALLE.map(Rol::code).join(", ")))
    }
}

/// Een ingelogde gebruiker (of de eigenaar van een API-token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gebruiker {
    pub id: String,
    pub naam: String,
    pub rol: Rol,
    /// Alleen bij een aanvrager: de gemeente waarvoor hij werkt.
    pub gemeente: Option<GemeenteCode>,
}

impl Gebruiker {
    /// Controleert de combinatie van rol en gemeente: een aanvrager hoort bij precies één gemeente, de andere
    /// rollen bij geen.
    pub fn nieuw(id: &str, naam: &str, rol: Rol, gemeente: Option<GemeenteCode>) -> Result<Gebruiker, String> {
        if id.trim().is_empty() || id.len() > 200 {
            return Err("een gebruiker heeft een id van 1 tot 200 tekens".into());
        }
        match (rol, gemeente) {
            (Rol::Aanvrager, None) => Err(format!("aanvrager '{id}' hoort bij een gemeente (--gemeente GM….)")),
            (Rol::Aanvrager, Some(_)) | (_, None) => Ok(Gebruiker { id: id.into(), naam: naam.into(), rol, gemeente }),
            (r, Some(g)) => Err(format!("een {r} hoort niet bij een gemeente (kreeg {g})")),
        }
    }

    /// Wat deze gebruiker van de aanvragen mag zien.
    pub fn zicht(&self) -> Zicht {
        match self.rol {
            // Zonder gemeente of zonder id ziet niemand iets: een lege identiteit mag nooit op lege gegevens passen.
            Rol::Aanvrager => match self.gemeente {
                Some(g) => Zicht::Gemeente(g.to_string()),
                None => Zicht::Niets,
            },
            Rol::Commissielid if self.id.trim().is_empty() => Zicht::Niets,
            Rol::Commissielid => Zicht::Toegewezen(self.id.clone()),
            Rol::Behandelaar | Rol::Beslisser | Rol::Auditor => Zicht::Alles,
            // De adviseur ziet geen aanvragen: zijn verzoeken om ondersteuning filtert `db::ondersteuning`.
            Rol::Beheerder | Rol::Adviseur => Zicht::Niets,
        }
    }
}

/// Welke aanvragen iemand mag zien. Wordt in elke SQL-vraag naar aanvragen meegenomen (zie `db::aanvragen`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Zicht {
    Alles,
    /// Aanvragen waarin deze gemeente penvoerder of mede-aanvrager is.
    Gemeente(String),
    /// Aanvragen met een deelplan dat aan dit commissielid is toegewezen.
    Toegewezen(String),
    Niets,
}

impl Zicht {
    /// De drie parameters van het vaste SQL-filter: (soort, gemeente, lid). Een lege gemeente of een leeg lid
    /// wordt `niets`: het filter past nooit op een lege identiteit, wat er ook in de gegevens staat (het
    /// SQL-filter zelf sluit lege waarden ook nog eens uit).
    pub fn parameters(&self) -> (&'static str, &str, &str) {
        match self {
            Zicht::Alles => ("alles", "", ""),
            Zicht::Gemeente(g) if !g.trim().is_empty() => ("beperkt", g.as_str(), ""),
            Zicht::Toegewezen(l) if !l.trim().is_empty() => ("beperkt", "", l.as_str()),
            Zicht::Gemeente(_) | Zicht::Toegewezen(_) | Zicht::Niets => ("niets", "", ""),
        }
    }
}

/// Wie er op een route mag komen. Staat bij elke route in het register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toegang {
    /// Iedereen, ook zonder login (open data, het inlogscherm).
    Openbaar,
    /// Alleen ingelogd, met een van deze rollen. Wat ze daarbinnen zien beperkt de handler met [`Zicht`].
    Rollen(&'static [Rol]),
}

impl Toegang {
    pub fn toegestaan(self, rol: Option<Rol>) -> Result<(), Weigering> {
        match (self, rol) {
            (Toegang::Openbaar, _) => Ok(()),
            (Toegang::Rollen(_), None) => Err(Weigering::NietIngelogd),
            (Toegang::Rollen(rollen), Some(r)) if rollen.contains(&r) => Ok(()),
            (Toegang::Rollen(_), Some(_)) => Err(Weigering::GeenRecht),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weigering {
    /// 401: eerst inloggen (of een token meesturen).
    NietIngelogd,
    /// 403: ingelogd, maar deze rol mag dit niet.
    GeenRecht,
}

/// De reikwijdte van een API-token: alleen lezen, of ook schrijven (binnen wat de rol mag).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reikwijdte {
    Lezen,
    Schrijven,
}

impl Reikwijdte {
    pub fn code(self) -> &'static str {
        match self {
            Reikwijdte::Lezen => "lezen",
            Reikwijdte::Schrijven => "schrijven",
        }
    }
}

impl FromStr for Reikwijdte {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "lezen" => Ok(Reikwijdte::Lezen),
            "schrijven" => Ok(Reikwijdte::Schrijven),
            _ => Err(format!("onbekende reikwijdte '{s}' (lezen of schrijven)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn een_aanvrager_hoort_bij_precies_een_gemeente() {
        let g = GemeenteCode::parse("GM0363").unwrap();
        assert!(Gebruiker::nieuw("a", "A", Rol::Aanvrager, None).is_err());
        assert!(Gebruiker::nieuw("a", "A", Rol::Aanvrager, Some(g)).is_ok());
        assert!(Gebruiker::nieuw("b", "B", Rol::Behandelaar, Some(g)).is_err());
        assert_eq!(Gebruiker::nieuw("a", "A", Rol::Aanvrager, Some(g)).unwrap().zicht(), Zicht::Gemeente("GM0363".into()));
    }

    #[test]
    fn een_lege_identiteit_ziet_niets() {
        // Ook als iemand de gebruiker buiten `Gebruiker::nieuw` om maakte (een rij in de database).
        let zonder_gemeente = Gebruiker { id: "a".into(), naam: "A".into(), rol: Rol::Aanvrager, gemeente: None };
        assert_eq!(zonder_gemeente.zicht(), Zicht::Niets);
        let zonder_id = Gebruiker { id: " ".into(), naam: "L".into(), rol: Rol::Commissielid, gemeente: None };
        assert_eq!(zonder_id.zicht(), Zicht::Niets);
        assert_eq!(Zicht::Gemeente(String::new()).parameters().0, "niets");
        assert_eq!(Zicht::Toegewezen(String::new()).parameters().0, "niets");
        assert_eq!(Zicht::Toegewezen("L1".into()).parameters(), ("beperkt", "", "L1"));
    }

    #[test]
    fn rollen_lezen_en_schrijven() {
        for r in Rol::ALLE {
            assert_eq!(r.code().parse::<Rol>().unwrap(), r);
        }
        assert!("admin".parse::<Rol>().unwrap_err().contains("beheerder"));
        let t = Toegang::Rollen(&[Rol::Beslisser]);
        assert_eq!(t.toegestaan(None), Err(Weigering::NietIngelogd));
        assert_eq!(t.toegestaan(Some(Rol::Auditor)), Err(Weigering::GeenRecht));
        assert_eq!(t.toegestaan(Some(Rol::Beslisser)), Ok(()));
        assert_eq!(Toegang::Openbaar.toegestaan(None), Ok(()));
    }
}
