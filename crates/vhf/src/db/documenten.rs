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

impl DocumentRij {
    /// Het document zoals de toetsing (E15) het ziet: soort, deelplan, naam, SHA-256.
    pub fn als_document(&self) -> Result<vhf_core::aanvraag::Document, sqlx::Error> {
        serde_json::from_value(serde_json::json!({ "soort": self.soort, "deelplan": self.deelplan, "naam": self.naam, "sha256": self.sha256 }))
            .map_err(|e| sqlx::Error::Decode(format!("document {}: {e}", self.id).into()))
    }
}

/// De geüploade documenten van een aanvraag, voor de toetsing: daarop oordeelt E15 op de server (de
/// documentenlijst in de JSON is alleen wat de gemeente verklaart).
pub async fn voor_toetsing(c: &mut impl Verbinding, aanvraag: &str) -> Result<Vec<vhf_core::aanvraag::Document>, sqlx::Error> {
    van_aanvraag(c, aanvraag).await?.iter().map(DocumentRij::als_document).collect()
}

/// De geüploade documenten van alle aanvragen van een ronde, per id van de aanvraag.
pub async fn voor_toetsing_van_ronde(
    c: &mut impl Verbinding,
    ronde: &str,
) -> Result<std::collections::BTreeMap<String, Vec<vhf_core::aanvraag::Document>>, sqlx::Error> {
    let r = query("SELECT d.* FROM documenten d JOIN aanvragen a ON a.id = d.aanvraag_id WHERE a.ronde = $1 ORDER BY d.aangemaakt_op, d.id")
        .bind(ronde)
        .fetch_all(c)
        .await?;
    let mut uit: std::collections::BTreeMap<String, Vec<vhf_core::aanvraag::Document>> = Default::default();
    for x in &r {
        let d = rij(x)?;
        uit.entry(d.aanvraag_id.clone()).or_default().push(d.als_document()?);
    }
    Ok(uit)
}

/// Hoeveel documenten een aanvraag heeft (om te zien of er tijdens het indienen een bij kwam).
pub async fn aantal(c: &mut impl Verbinding, aanvraag: &str) -> Result<i64, sqlx::Error> {
    let r = query("SELECT COUNT(*) AS n FROM documenten WHERE aanvraag_id = $1").bind(aanvraag).fetch_one(c).await?;
    r.try_get("n")
}
