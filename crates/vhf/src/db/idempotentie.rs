//! Idempotentiesleutels: het eerste antwoord op een POST met een sleutel wordt bewaard, in dezelfde transactie
//! als de wijziging zelf, zodat een herhaling nooit twee keer iets doet.

use sqlx::{AnyConnection, Row};

pub struct Bewaard {
    pub verzoek_hash: String,
    pub status: u16,
    pub antwoord: String,
}

pub async fn zoek(c: &mut AnyConnection, sleutel: &str) -> Result<Option<Bewaard>, super::DbFout> {
    let r = sqlx::query("SELECT verzoek_hash, status, antwoord FROM idempotentie WHERE sleutel = $1").bind(sleutel).fetch_optional(c).await?;
    Ok(match r {
        Some(r) => {
            let status: i64 = r.try_get("status")?;
            Some(Bewaard { verzoek_hash: r.try_get("verzoek_hash")?, status: u16::try_from(status).unwrap_or(500), antwoord: r.try_get("antwoord")? })
        }
        None => None,
    })
}

pub async fn bewaar(c: &mut AnyConnection, sleutel: &str, verzoek_hash: &str, status: u16, antwoord: &str, nu: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO idempotentie (sleutel, verzoek_hash, status, antwoord, aangemaakt_op) VALUES ($1, $2, $3, $4, $5)")
        .bind(sleutel)
        .bind(verzoek_hash)
        .bind(i64::from(status))
        .bind(antwoord)
        .bind(nu)
        .execute(c)
        .await?;
    Ok(())
}
