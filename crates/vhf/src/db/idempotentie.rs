//! Idempotentiesleutels: het eerste antwoord op een POST met een sleutel wordt bewaard, in dezelfde transactie
//! als de wijziging zelf, zodat een herhaling nooit twee keer iets doet.

use super::sql::{Verbinding, query};

pub struct Bewaard {
    pub verzoek_hash: String,
    pub status: u16,
    pub antwoord: String,
}

pub async fn zoek(c: &mut impl Verbinding, sleutel: &str) -> Result<Option<Bewaard>, super::DbFout> {
    let r = query("SELECT verzoek_hash, status, antwoord FROM idempotentie WHERE sleutel = $1").bind(sleutel).fetch_optional(c).await?;
    Ok(match r {
        Some(r) => {
            let status: i64 = r.try_get("status")?;
            Some(Bewaard { verzoek_hash: r.try_get("verzoek_hash")?, status: u16::try_from(status).unwrap_or(500), antwoord: r.try_get("antwoord")? })
        }
        None => None,
    })
}

/// Claimt de sleutel aan het begin van de transactie (status 0, nog geen antwoord). Een gelijktijdig verzoek
/// met dezelfde sleutel wacht op deze rij (PostgreSQL) of op de schrijfbeurt (SQLite). `false`: de sleutel was
/// al van een ander, afgerond verzoek; lees dan het bewaarde antwoord.
pub async fn claim(c: &mut impl Verbinding, sleutel: &str, verzoek_hash: &str, nu: i64) -> Result<bool, sqlx::Error> {
    let r =
        query("INSERT INTO idempotentie (sleutel, verzoek_hash, status, antwoord, aangemaakt_op) VALUES ($1, $2, 0, '', $3) ON CONFLICT (sleutel) DO NOTHING")
            .bind(sleutel)
            .bind(verzoek_hash)
            .bind(nu)
            .execute(c)
            .await?;
    Ok(r.rows_affected() == 1)
}

/// Legt het antwoord vast bij de geclaimde sleutel, in dezelfde transactie als de wijziging.
pub async fn bewaar(c: &mut impl Verbinding, sleutel: &str, status: u16, antwoord: &str) -> Result<(), sqlx::Error> {
    query("UPDATE idempotentie SET status = $1, antwoord = $2 WHERE sleutel = $3").bind(i64::from(status)).bind(antwoord).bind(sleutel).execute(c).await?;
    Ok(())
}
