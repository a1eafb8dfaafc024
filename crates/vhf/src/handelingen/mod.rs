//! De handelingen van het fonds (use cases): aanmaken, wijzigen, indienen, statusovergangen. Elke handeling
//! neemt getypte invoer en een identiteit, controleert rol en zicht, doet alles in één transactie met
//! auditregel, en geeft een getypt resultaat. Een API-handler (`server/`) en een pagina (`web/`) zijn elk een
//! paar regels vertaling om dezelfde aanroep: er is geen tweede pad voor regels of toegang.
//!
//! Richting: handlers → handelingen → kern (`vhf-core`) en opslag (`db/`). De typen [`ApiFout`] en
//! [`Identiteit`] staan (nog) in `server/`, maar zijn gewone gegevens; de vertaling naar HTTP doen de handlers.
//!
//! Idempotentie hoort hier ook: een herhaald verzoek met dezelfde sleutel (de kop `Idempotency-Key` van de API,
//! of het verborgen veld `_sleutel` van een formulier) doet niets opnieuw en geeft het bewaarde resultaat.

pub mod aanvragen;
pub mod besluiten;
pub mod ondersteuning;
pub mod uitvoering;
pub mod verdeling;

use serde_json::Value;

use crate::db::idempotentie;
use crate::server::AppState;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;

/// Een verzoek dat iets verandert: de server, wie het doet, en voor idempotentie de sleutel en waarover die gaat
/// (route en body; dezelfde sleutel voor een ander verzoek is een fout).
pub struct Verzoek<'a> {
    pub s: &'a AppState,
    pub ident: &'a Identiteit,
    pub sleutel: Option<String>,
    pub route: String,
    pub body: String,
}

/// Het bewaarde resultaat van een eerder, afgerond verzoek met dezelfde sleutel (geen fout voor de klant).
#[derive(Debug)]
pub struct Herhaling {
    pub status: u16,
    pub antwoord: Value,
}

impl<'a> Verzoek<'a> {
    pub fn nieuw(s: &'a AppState, ident: &'a Identiteit, sleutel: Option<String>, route: impl Into<String>, body: impl Into<String>) -> Result<Self, ApiFout> {
        if let Some(k) = &sleutel
            && (k.is_empty() || k.len() > 200)
        {
            return Err(ApiFout::Ongeldig { detail: "Idempotency-Key moet 1 tot 200 tekens zijn".into(), velden: vec![] });
        }
        Ok(Verzoek { s, ident, sleutel, route: route.into(), body: body.into() })
    }

    /// (sleutel per gebruiker, hash van route en body). De sleutel geldt per gebruiker: dezelfde sleutel van een
    /// ander levert nooit diens antwoord op.
    fn sleutel_en_hash(&self) -> Option<(String, String)> {
        let wie = self.ident.gebruiker.as_ref().map_or("", |g| g.id.as_str());
        let hash = vhf_core::levensloop::sha256_hex(format!("{}\n{}", self.route, self.body).as_bytes());
        self.sleutel.as_ref().map(|k| (format!("{wie}\u{1f}{k}"), hash))
    }

    /// Begint een schrijvende transactie. Met een sleutel wordt die eerst geclaimd; was het verzoek al gedaan,
    /// dan komt het bewaarde antwoord terug als `ApiFout::Herhaald`.
    pub async fn begin(&self) -> Result<(crate::db::Schrijftransactie, Option<(String, String)>), ApiFout> {
        let sleutel = self.sleutel_en_hash();
        let mut tx = self.s.db.schrijf().await?;
        if let Some((k, hash)) = &sleutel
            && !idempotentie::claim(&mut tx, k, hash, (self.s.klok)().as_microsecond()).await?
        {
            // De sleutel hoort bij een eerder verzoek, dat inmiddels klaar is (de claim wachtte erop). Lezen via de
            // eigen transactie (bij SQLite kan dat verzoek in dezelfde groepscommit zitten) en pas antwoorden als
            // wat we herhalen op schijf staat.
            let bewaard = idempotentie::zoek(&mut tx, k).await?;
            tx.commit().await?;
            return match bewaard {
                Some(b) if b.status != 0 => Err(ApiFout::Herhaald(Box::new(herhaling(b, hash)?))),
                _ => Err(ApiFout::Conflict("Een gelijktijdig verzoek met dezelfde Idempotency-Key is nog bezig; probeer het zo opnieuw.".into())),
            };
        }
        Ok((tx, sleutel))
    }

    /// Een herhaling van een afgerond verzoek: het bewaarde antwoord. `None`: nog niet gedaan (of nog bezig);
    /// [`Verzoek::begin`] claimt de sleutel dan in de schrijfbeurt.
    pub async fn al_beantwoord(&self) -> Result<Option<Herhaling>, ApiFout> {
        let Some((k, hash)) = self.sleutel_en_hash() else { return Ok(None) };
        let mut c = self.s.db.lees().await?;
        match idempotentie::zoek(&mut c, &k).await? {
            Some(b) if b.status != 0 => Ok(Some(herhaling(b, &hash)?)),
            _ => Ok(None),
        }
    }
}

/// Het bewaarde antwoord, of een fout als de sleutel bij een ander verzoek hoort.
fn herhaling(b: idempotentie::Bewaard, hash: &str) -> Result<Herhaling, ApiFout> {
    if b.verzoek_hash != hash {
        return Err(ApiFout::Ongeldig {
            detail: "Deze Idempotency-Key is al gebruikt voor een ander verzoek. Gebruik per verzoek een nieuwe sleutel.".into(),
            velden: vec![],
        });
    }
    let antwoord: Value = serde_json::from_str(&b.antwoord).map_err(|e| ApiFout::Intern(e.to_string()))?;
    Ok(Herhaling { status: b.status, antwoord })
}

/// Sluit een transactie met idempotentie af: bewaar het antwoord bij de sleutel en commit.
pub async fn afronden(tx: crate::db::Schrijftransactie, sleutel: Option<(String, String)>, status: u16, antwoord: &Value) -> Result<(), ApiFout> {
    afronden_json(tx, sleutel, status, &antwoord.to_string()).await
}

/// Als [`afronden`], met het antwoord al als JSON-tekst.
pub async fn afronden_json(mut tx: crate::db::Schrijftransactie, sleutel: Option<(String, String)>, status: u16, antwoord: &str) -> Result<(), ApiFout> {
    if let Some((k, _)) = &sleutel {
        idempotentie::bewaar(&mut tx, k, status, antwoord).await?;
    }
    tx.commit().await?;
    Ok(())
}
