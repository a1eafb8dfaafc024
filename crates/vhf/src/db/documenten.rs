//! SQL voor documenten (de gegevens; de inhoud staat in de documentopslag).

use super::sql::{Rij, Verbinding, query};

#[derive(Clone, Debug, serde::Serialize)]
pub struct DocumentRij {
    pub id: String,
    pub aanvraag_id: String,
    pub soort: String,
    pub deelplan: Option<String>,
    pub naam: String,
    #[serde(rename = "type")]
    pub soort_bestand: String,
    pub grootte: i64,
    pub sha256: String,
    #[serde(skip)]
    pub sleutel: String,
    #[serde(skip)]
    pub aangemaakt_op: i64,
}

fn rij(r: &Rij) -> Result<DocumentRij, sqlx::Error> {
    Ok(DocumentRij {
        id: r.try_get("id")?,
        aanvraag_id: r.try_get("aanvraag_id")?,
        soort: r.try_get("soort")?,
        deelplan: r.try_get("deelplan")?,
        naam: r.try_get("naam")?,
        soort_bestand: r.try_get("type")?,
        grootte: r.try_get("grootte")?,
        sha256: r.try_get("sha256")?,
        sleutel: r.try_get("sleutel")?,
        aangemaakt_op: r.try_get("aangemaakt_op")?,
    })
}

pub async fn voeg_toe(c: &mut impl Verbinding, d: &DocumentRij) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO documenten (id, aanvraag_id, soort, deelplan, naam, type, grootte, sha256, sleutel, aangemaakt_op) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&d.id)
    .bind(&d.aanvraag_id)
    .bind(&d.soort)
    .bind(d.deelplan.clone())
    .bind(&d.naam)
    .bind(&d.soort_bestand)
    .bind(d.grootte)
    .bind(&d.sha256)
    .bind(&d.sleutel)
    .bind(d.aangemaakt_op)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn van_aanvraag(c: &mut impl Verbinding, aanvraag: &str) -> Result<Vec<DocumentRij>, sqlx::Error> {
    let r = query("SELECT * FROM documenten WHERE aanvraag_id = $1 ORDER BY aangemaakt_op, id").bind(aanvraag).fetch_all(c).await?;
    r.iter().map(rij).collect()
}

pub async fn haal(c: &mut impl Verbinding, aanvraag: &str, id: &str) -> Result<Option<DocumentRij>, sqlx::Error> {
    let r = query("SELECT * FROM documenten WHERE aanvraag_id = $1 AND id = $2").bind(aanvraag).bind(id).fetch_optional(c).await?;
    r.as_ref().map(rij).transpose()
}

pub async fn sleutel_bestaat(c: &mut impl Verbinding, sleutel: &str) -> Result<bool, sqlx::Error> {
    Ok(query("SELECT 1 AS x FROM documenten WHERE sleutel = $1").bind(sleutel).fetch_optional(c).await?.is_some())
}
