//! SQL voor de gedateerde parameterwijzigingen van een ronde.

use super::sql::{Verbinding, query};
use vhf_core::regeling::Wijziging;

pub struct WijzigingRij {
    pub parameter: String,
    pub wijziging: Wijziging<serde_json::Value>,
    pub door: String,
    pub op: i64,
}

pub async fn wijzigingen(c: &mut impl Verbinding, ronde: &str) -> Result<Vec<WijzigingRij>, super::DbFout> {
    let rijen = query("SELECT parameter, vanaf, waarde, bron, toelichting, door, op FROM parameterwijzigingen WHERE ronde = $1 ORDER BY volgnummer")
        .bind(ronde)
        .fetch_all(c)
        .await?;
    rijen
        .iter()
        .map(|r| {
            let vanaf: String = r.try_get("vanaf")?;
            let waarde: String = r.try_get("waarde")?;
            Ok(WijzigingRij {
                parameter: r.try_get("parameter")?,
                wijziging: Wijziging {
                    vanaf: vanaf.parse().map_err(|e| super::DbFout::Onleesbaar(format!("vanaf {vanaf}: {e}")))?,
                    waarde: serde_json::from_str(&waarde).map_err(|e| super::DbFout::Onleesbaar(format!("waarde: {e}")))?,
                    bron: r.try_get("bron")?,
                    toelichting: r.try_get("toelichting")?,
                },
                door: r.try_get("door")?,
                op: r.try_get("op")?,
            })
        })
        .collect()
}

pub async fn voeg_toe(c: &mut impl Verbinding, ronde: &str, parameter: &str, w: &Wijziging<serde_json::Value>, door: &str, op: i64) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO parameterwijzigingen (ronde, volgnummer, parameter, vanaf, waarde, bron, toelichting, door, op) \
         SELECT $1, COALESCE(MAX(volgnummer), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM parameterwijzigingen WHERE ronde = $1",
    )
    .bind(ronde)
    .bind(parameter)
    .bind(w.vanaf.to_string())
    .bind(w.waarde.to_string())
    .bind(&w.bron)
    .bind(w.toelichting.clone())
    .bind(door)
    .bind(op)
    .execute(c)
    .await?;
    Ok(())
}

/// De ingediende aanvragen van een ronde (id, bevroren inhoud), om hun toetsing opnieuw te doen.
pub async fn ingediende_aanvragen(c: &mut impl Verbinding, ronde: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rijen = query(
        "SELECT a.id AS id, COALESCE((SELECT x.inhoud FROM aanvullingen x WHERE x.aanvraag_id = a.id ORDER BY x.volgnummer DESC LIMIT 1), i.inhoud) AS inhoud \
         FROM aanvragen a JOIN indieningen i ON i.aanvraag_id = a.id WHERE a.ronde = $1 ORDER BY a.id",
    )
    .bind(ronde)
    .fetch_all(c)
    .await?;
    rijen.iter().map(|r| Ok((r.try_get("id")?, r.try_get("inhoud")?))).collect()
}

/// Hoeveel parameterwijzigingen een ronde heeft (om te zien of er intussen een bij kwam).
pub async fn aantal_wijzigingen(c: &mut impl Verbinding, ronde: &str) -> Result<i64, sqlx::Error> {
    query("SELECT COUNT(*) AS n FROM parameterwijzigingen WHERE ronde = $1").bind(ronde).fetch_one(c).await?.try_get("n")
}
