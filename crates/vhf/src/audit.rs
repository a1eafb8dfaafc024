//! Het audittrail: elke wijziging (wie, welke rol, wanneer, wat, voor/na, verzoek-id) als rij in een tabel
//! waaraan alleen wordt toegevoegd. Elke rij draagt de hash van de vorige; de kop (`audit_kop`) de hash van de
//! laatste. [`verifieer`] rekent de hele keten na en noemt elke rij die is gewijzigd, tussengevoegd of
//! verwijderd.
//!
//! Grens: wie schrijfrechten op de database heeft én de keten vanaf een punt helemaal opnieuw uitrekent, valt
//! hier niet op. Daarvoor publiceert `vhf audit verify` de kop-hash; leg die buiten de database vast (bijvoorbeeld
//! dagelijks in het zaaksysteem) en vergelijk.

use serde::Serialize;

/// De hash vóór de eerste rij.
pub const BEGIN: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditRij {
    pub volgnummer: i64,
    /// Microseconden sinds 1970 (UTC).
    pub op: i64,
    pub actor: String,
    pub rol: String,
    pub actie: String,
    pub object: String,
    pub aanvraag_id: Option<String>,
    pub voor: Option<String>,
    pub na: Option<String>,
    pub verzoek_id: String,
    pub vorige_hash: String,
    pub hash: String,
}

impl AuditRij {
    /// De hash over alle velden behalve `hash` zelf, als JSON-rij (ondubbelzinnig: geen scheidingsteken dat in
    /// een veld kan voorkomen).
    pub fn bereken_hash(&self) -> String {
        let inhoud = serde_json::to_vec(&(
            self.volgnummer,
            self.op,
            &self.actor,
            &self.rol,
            &self.actie,
            &self.object,
            &self.aanvraag_id,
            &self.voor,
            &self.na,
            &self.verzoek_id,
            &self.vorige_hash,
        ))
        .expect("JSON");
        vhf_core::levensloop::sha256_hex(&inhoud)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Afwijking {
    /// De inhoud van deze rij klopt niet met haar hash: gewijzigd.
    Gewijzigd { volgnummer: i64 },
    /// De rij verwijst naar een andere vorige hash dan de rij ervoor heeft: ertussen gevoegd of erna gewijzigd.
    KetenBreuk { volgnummer: i64 },
    /// Er ontbreken volgnummers: verwijderd.
    Ontbreekt { van: i64, tot: i64 },
    /// De kop noemt een andere laatste rij dan er is: rijen aan het eind verwijderd of toegevoegd.
    Kop { kop_volgnummer: i64, laatste: i64 },
}

impl std::fmt::Display for Afwijking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Afwijking::Gewijzigd { volgnummer } => write!(f, "rij {volgnummer} is gewijzigd: de inhoud past niet meer bij haar hash"),
            Afwijking::KetenBreuk { volgnummer } => {
                write!(f, "rij {volgnummer} sluit niet aan op de rij ervoor: er is een rij tussengevoegd of de vorige is vervangen")
            }
            Afwijking::Ontbreekt { van, tot } if van == tot => write!(f, "rij {van} ontbreekt: verwijderd"),
            Afwijking::Ontbreekt { van, tot } => write!(f, "rijen {van} tot en met {tot} ontbreken: verwijderd"),
            Afwijking::Kop { kop_volgnummer, laatste } => {
                write!(
                    f,
                    "de kop van de keten noemt rij {kop_volgnummer} als laatste, maar de laatste rij is {laatste}: rijen aan het eind verwijderd of toegevoegd"
                )
            }
        }
    }
}

/// Loopt de keten na, in volgorde van volgnummer. Geeft het aantal rijen, of alle afwijkingen.
pub fn verifieer(rijen: impl IntoIterator<Item = AuditRij>, kop: (i64, &str)) -> Result<i64, Vec<Afwijking>> {
    let mut k = Ketencontrole::default();
    rijen.into_iter().for_each(|r| k.volgende(&r));
    k.einde(kop)
}

/// De controle rij voor rij, zodat een groot trail in pagina's gelezen kan worden zonder alles in het geheugen.
pub struct Ketencontrole {
    vorige_nr: i64,
    vorige_hash: String,
    fouten: Vec<Afwijking>,
}

impl Default for Ketencontrole {
    fn default() -> Self {
        Ketencontrole { vorige_nr: 0, vorige_hash: BEGIN.to_string(), fouten: Vec::new() }
    }
}

impl Ketencontrole {
    pub fn volgende(&mut self, r: &AuditRij) {
        if r.volgnummer != self.vorige_nr + 1 {
            self.fouten.push(Afwijking::Ontbreekt { van: self.vorige_nr + 1, tot: r.volgnummer - 1 });
        } else if r.vorige_hash != self.vorige_hash {
            self.fouten.push(Afwijking::KetenBreuk { volgnummer: r.volgnummer });
        }
        if r.bereken_hash() != r.hash {
            self.fouten.push(Afwijking::Gewijzigd { volgnummer: r.volgnummer });
        }
        self.vorige_nr = r.volgnummer;
        self.vorige_hash.clone_from(&r.hash);
    }

    pub fn einde(mut self, kop: (i64, &str)) -> Result<i64, Vec<Afwijking>> {
        if kop.0 != self.vorige_nr || kop.1 != self.vorige_hash {
            self.fouten.push(Afwijking::Kop { kop_volgnummer: kop.0, laatste: self.vorige_nr });
        }
        if self.fouten.is_empty() { Ok(self.vorige_nr) } else { Err(self.fouten) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keten(n: i64) -> Vec<AuditRij> {
        let mut v: Vec<AuditRij> = Vec::new();
        for i in 1..=n {
            let mut r = AuditRij {
                volgnummer: i,
                op: 1_000 * i,
                actor: format!("gebruiker-{i}"),
                rol: "behandelaar".into(),
                actie: "statusovergang".into(),
                object: format!("aanvraag/AV{i}"),
                aanvraag_id: Some(format!("AV{i}")),
                voor: Some("{\"status\":\"ingediend\"}".into()),
                na: Some("{\"status\":\"ontvankelijk\"}".into()),
                verzoek_id: format!("v{i}"),
                vorige_hash: v.last().map_or(BEGIN.to_string(), |x| x.hash.clone()),
                hash: String::new(),
            };
            r.hash = r.bereken_hash();
            v.push(r);
        }
        v
    }

    fn kop(v: &[AuditRij]) -> (i64, String) {
        v.last().map_or((0, BEGIN.to_string()), |r| (r.volgnummer, r.hash.clone()))
    }

    #[test]
    fn een_gave_keten_klopt() {
        let v = keten(5);
        let (n, h) = kop(&v);
        assert_eq!(verifieer(v, (n, &h)), Ok(5));
        assert_eq!(verifieer(Vec::new(), (0, BEGIN)), Ok(0));
    }

    #[test]
    fn wijzigen_verwijderen_en_tussenvoegen_vallen_op_met_het_rijnummer() {
        let v = keten(5);
        let (n, h) = kop(&v);
        let mut gewijzigd = v.clone();
        gewijzigd[2].na = Some("{\"status\":\"afgewezen\"}".into());
        assert_eq!(verifieer(gewijzigd, (n, &h)), Err(vec![Afwijking::Gewijzigd { volgnummer: 3 }]));

        let mut weg = v.clone();
        weg.remove(1);
        assert_eq!(verifieer(weg, (n, &h)), Err(vec![Afwijking::Ontbreekt { van: 2, tot: 2 }]));

        // De laatste rij weg en de kop niet bijgewerkt.
        let mut staart = v.clone();
        staart.pop();
        assert_eq!(verifieer(staart, (n, &h)), Err(vec![Afwijking::Kop { kop_volgnummer: 5, laatste: 4 }]));

        // Een rij vervangen door een met een kloppende eigen hash: de volgende rij sluit niet meer aan.
        let mut vervangen = v.clone();
        vervangen[1].actor = "iemand-anders".into();
        vervangen[1].hash = vervangen[1].bereken_hash();
        assert_eq!(verifieer(vervangen, (n, &h)), Err(vec![Afwijking::KetenBreuk { volgnummer: 3 }]));
        assert!(Afwijking::Ontbreekt { van: 2, tot: 2 }.to_string().contains("rij 2 ontbreekt"));
    }
}
