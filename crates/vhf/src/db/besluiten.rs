//! SQL voor besluiten per gemeente (tabel `beschikkingen`, migratie 0012). Een ondertekend besluit wordt nooit
//! meer bijgewerkt: [`onderteken`] werkt alleen een rij met status 'concept' bij, en er is geen andere UPDATE.

use super::sql::{Rij, Verbinding, query};

/// Wie welke besluiten ziet, in SQL: alles (behandelaar, beslisser, auditor), of alleen de ondertekende
/// besluiten van één gemeente (de aanvrager van die gemeente).
pub enum Zicht {
    Alles,
    Gemeente(String),
}

impl Zicht {
    /// De waarde voor `$n` in [`ZICHT`]: '*' is geen gemeentecode, dus een gemeente kan er nooit op passen.
    fn waarde(&self) -> &str {
        match self {
            Zicht::Alles => "*",
            Zicht::Gemeente(g) => g,
        }
    }
}

#[derive(Clone, Debug)]
pub struct BesluitRij {
    pub id: String,
    pub identificatie: String,
    pub ronde: String,
    pub gemeente: String,
    pub verdeling_id: String,
    pub besluittype: String,
    pub status: String,
    pub inhoud: String,
    pub totaal: String,
    pub datum: Option<String>,
    pub ingangsdatum: Option<String>,
    pub verzenddatum: Option<String>,
    pub bezwaar_tot: Option<String>,
    pub vervangt: Option<String>,
    pub opgesteld_door: String,
    pub opgesteld_op: i64,
    pub ondertekend_door: Option<String>,
    pub ondertekend_op: Option<i64>,
    pub brief: Option<String>,
    pub brief_sha256: Option<String>,
    /// Afgeleid: het besluit dat dit vervangt (een correctie die ernaar verwijst), als dat er is.
    pub vervangen_door: Option<String>,
}

const KOLOMMEN: &str = "b.id AS id, b.identificatie AS identificatie, b.ronde AS ronde, b.gemeente AS gemeente, b.verdeling_id AS verdeling_id, \
     b.besluittype AS besluittype, b.status AS status, b.inhoud AS inhoud, b.totaal AS totaal, b.datum AS datum, b.ingangsdatum AS ingangsdatum, \
     b.verzenddatum AS verzenddatum, b.bezwaar_tot AS bezwaar_tot, b.vervangt AS vervangt, b.opgesteld_door AS opgesteld_door, \
     b.opgesteld_op AS opgesteld_op, b.ondertekend_door AS ondertekend_door, b.ondertekend_op AS ondertekend_op, b.brief AS brief, \
     b.brief_sha256 AS brief_sha256, (SELECT MIN(c.id) FROM beschikkingen c WHERE c.vervangt = b.id) AS vervangen_door";

fn rij(r: &Rij) -> Result<BesluitRij, sqlx::Error> {
    Ok(BesluitRij {
        id: r.try_get("id")?,
        identificatie: r.try_get("identificatie")?,
        ronde: r.try_get("ronde")?,
        gemeente: r.try_get("gemeente")?,
        verdeling_id: r.try_get("verdeling_id")?,
        besluittype: r.try_get("besluittype")?,
        status: r.try_get("status")?,
        inhoud: r.try_get("inhoud")?,
        totaal: r.try_get("totaal")?,
        datum: r.try_get("datum")?,
        ingangsdatum: r.try_get("ingangsdatum")?,
        verzenddatum: r.try_get("verzenddatum")?,
        bezwaar_tot: r.try_get("bezwaar_tot")?,
        vervangt: r.try_get("vervangt")?,
        opgesteld_door: r.try_get("opgesteld_door")?,
        opgesteld_op: r.try_get("opgesteld_op")?,
        ondertekend_door: r.try_get("ondertekend_door")?,
        ondertekend_op: r.try_get("ondertekend_op")?,
        brief: r.try_get("brief")?,
        brief_sha256: r.try_get("brief_sha256")?,
        vervangen_door: r.try_get("vervangen_door")?,
    })
}

pub async fn voeg_toe(c: &mut impl Verbinding, b: &BesluitRij) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO beschikkingen (id, identificatie, ronde, gemeente, verdeling_id, besluittype, status, inhoud, totaal, vervangt, opgesteld_door, opgesteld_op) \
         VALUES ($1, $2, $3, $4, $5, $6, 'concept', $7, $8, $9, $10, $11)",
    )
    .bind(&b.id)
    .bind(&b.identificatie)
    .bind(&b.ronde)
    .bind(&b.gemeente)
    .bind(&b.verdeling_id)
    .bind(&b.besluittype)
    .bind(&b.inhoud)
    .bind(&b.totaal)
    .bind(b.vervangt.clone())
    .bind(&b.opgesteld_door)
    .bind(b.opgesteld_op)
    .execute(c)
    .await?;
    Ok(())
}

/// Eén besluit, als de vrager het mag zien (anders `None`, net als een onbekend id).
pub async fn haal(c: &mut impl Verbinding, id: &str, zicht: &Zicht) -> Result<Option<BesluitRij>, sqlx::Error> {
    let sql = format!("SELECT {KOLOMMEN} FROM beschikkingen b WHERE b.id = $1 AND ($2 = '*' OR (b.gemeente = $2 AND b.status = 'ondertekend'))");
    query(sql).bind(id).bind(zicht.waarde()).fetch_optional(c).await?.as_ref().map(rij).transpose()
}

/// De besluiten van een ronde die de vrager mag zien, op gemeente en identificatie.
pub async fn van_ronde(c: &mut impl Verbinding, ronde: &str, zicht: &Zicht) -> Result<Vec<BesluitRij>, sqlx::Error> {
    let sql = format!(
        "SELECT {KOLOMMEN} FROM beschikkingen b WHERE b.ronde = $1 AND ($2 = '*' OR (b.gemeente = $2 AND b.status = 'ondertekend')) \
         ORDER BY b.gemeente, b.opgesteld_op, b.identificatie"
    );
    query(sql).bind(ronde).bind(zicht.waarde()).fetch_all(c).await?.iter().map(rij).collect()
}

/// Hoeveel besluiten een gemeente in een ronde al heeft (voor het volgnummer in de identificatie).
pub async fn aantal(c: &mut impl Verbinding, ronde: &str, gemeente: &str) -> Result<i64, sqlx::Error> {
    query("SELECT COUNT(*) AS n FROM beschikkingen WHERE ronde = $1 AND gemeente = $2").bind(ronde).bind(gemeente).fetch_one(c).await?.try_get("n")
}

/// Ondertekent een concept; `false` als het geen concept (meer) is. Het enige UPDATE op deze tabel.
#[allow(clippy::too_many_arguments)]
pub async fn onderteken(
    c: &mut impl Verbinding,
    id: &str,
    door: &str,
    op: i64,
    datum: &str,
    bezwaar_tot: &str,
    brief: &str,
    brief_sha256: &str,
) -> Result<bool, sqlx::Error> {
    let n = query(
        "UPDATE beschikkingen SET status = 'ondertekend', ondertekend_door = $1, ondertekend_op = $2, datum = $3, ingangsdatum = $3, verzenddatum = $3, \
         bezwaar_tot = $4, brief = $5, brief_sha256 = $6 WHERE id = $7 AND status = 'concept' AND opgesteld_door <> $1",
    )
    .bind(door)
    .bind(op)
    .bind(datum)
    .bind(bezwaar_tot)
    .bind(brief)
    .bind(brief_sha256)
    .bind(id)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}
