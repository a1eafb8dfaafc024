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
    pub(crate) fn waarde(&self) -> &str {
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
    /// Afgeleid: het besluit dat dit vervangt (een **ondertekende** correctie die ernaar verwijst), als dat er is.
    /// Tot de correctie ondertekend is, geldt dit besluit.
    pub vervangen_door: Option<String>,
    /// Afgeleid: een correctie die ernaar verwijst en nog een concept is (hoogstens één, zie `corrigeer`).
    pub correctie_in_voorbereiding: Option<String>,
}

const KOLOMMEN: &str = "b.id AS id, b.identificatie AS identificatie, b.ronde AS ronde, b.gemeente AS gemeente, b.verdeling_id AS verdeling_id, \
     b.besluittype AS besluittype, b.status AS status, b.inhoud AS inhoud, b.totaal AS totaal, b.datum AS datum, b.ingangsdatum AS ingangsdatum, \
     b.verzenddatum AS verzenddatum, b.bezwaar_tot AS bezwaar_tot, b.vervangt AS vervangt, b.opgesteld_door AS opgesteld_door, \
     b.opgesteld_op AS opgesteld_op, b.ondertekend_door AS ondertekend_door, b.ondertekend_op AS ondertekend_op, b.brief AS brief, \
     b.brief_sha256 AS brief_sha256, (SELECT MIN(c.id) FROM beschikkingen c WHERE c.vervangt = b.id AND c.status = 'ondertekend') AS vervangen_door, \
     (SELECT MIN(c.id) FROM beschikkingen c WHERE c.vervangt = b.id AND c.status <> 'ondertekend') AS correctie_in_voorbereiding";

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
        correctie_in_voorbereiding: r.try_get("correctie_in_voorbereiding")?,
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

#[derive(Clone, Debug)]
pub struct BezwaarRij {
    pub id: String,
    pub besluit_id: String,
    pub ontvangen_op: String,
    pub gronden: String,
    pub status: String,
    pub uitkomst: Option<String>,
    pub toelichting: Option<String>,
    pub correctie_id: Option<String>,
    pub geregistreerd_door: String,
    pub geregistreerd_op: i64,
    pub afgehandeld_door: Option<String>,
    pub afgehandeld_op: Option<i64>,
    /// Van het besluit: identificatie, gemeente, ronde en de laatste dag van de bezwaartermijn.
    pub identificatie: String,
    pub gemeente: String,
    pub ronde: String,
    pub bezwaar_tot: Option<String>,
}

const BEZWAARKOLOMMEN: &str = "z.id AS id, z.besluit_id AS besluit_id, z.ontvangen_op AS ontvangen_op, z.gronden AS gronden, z.status AS status, \
     z.uitkomst AS uitkomst, z.toelichting AS toelichting, z.correctie_id AS correctie_id, z.geregistreerd_door AS geregistreerd_door, \
     z.geregistreerd_op AS geregistreerd_op, z.afgehandeld_door AS afgehandeld_door, z.afgehandeld_op AS afgehandeld_op, \
     b.identificatie AS identificatie, b.gemeente AS gemeente, b.ronde AS ronde, b.bezwaar_tot AS bezwaar_tot";

fn bezwaar(r: &Rij) -> Result<BezwaarRij, sqlx::Error> {
    Ok(BezwaarRij {
        id: r.try_get("id")?,
        besluit_id: r.try_get("besluit_id")?,
        ontvangen_op: r.try_get("ontvangen_op")?,
        gronden: r.try_get("gronden")?,
        status: r.try_get("status")?,
        uitkomst: r.try_get("uitkomst")?,
        toelichting: r.try_get("toelichting")?,
        correctie_id: r.try_get("correctie_id")?,
        geregistreerd_door: r.try_get("geregistreerd_door")?,
        geregistreerd_op: r.try_get("geregistreerd_op")?,
        afgehandeld_door: r.try_get("afgehandeld_door")?,
        afgehandeld_op: r.try_get("afgehandeld_op")?,
        identificatie: r.try_get("identificatie")?,
        gemeente: r.try_get("gemeente")?,
        ronde: r.try_get("ronde")?,
        bezwaar_tot: r.try_get("bezwaar_tot")?,
    })
}

pub async fn voeg_bezwaar_toe(c: &mut impl Verbinding, z: &BezwaarRij) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO bezwaren (id, besluit_id, ontvangen_op, gronden, status, geregistreerd_door, geregistreerd_op) VALUES ($1, $2, $3, $4, 'ontvangen', $5, $6)",
    )
    .bind(&z.id)
    .bind(&z.besluit_id)
    .bind(&z.ontvangen_op)
    .bind(&z.gronden)
    .bind(&z.geregistreerd_door)
    .bind(z.geregistreerd_op)
    .execute(c)
    .await?;
    Ok(())
}

/// Eén bezwaar, als de vrager het besluit waartegen het is mag zien.
pub async fn haal_bezwaar(c: &mut impl Verbinding, id: &str, zicht: &Zicht) -> Result<Option<BezwaarRij>, sqlx::Error> {
    let sql = format!("SELECT {BEZWAARKOLOMMEN} FROM bezwaren z JOIN beschikkingen b ON b.id = z.besluit_id WHERE z.id = $1 AND ($2 = '*' OR b.gemeente = $2)");
    query(sql).bind(id).bind(zicht.waarde()).fetch_optional(c).await?.as_ref().map(bezwaar).transpose()
}

/// De bezwaren (van een ronde, of alle), op ontvangstdatum.
pub async fn bezwaren(c: &mut impl Verbinding, ronde: &str, zicht: &Zicht) -> Result<Vec<BezwaarRij>, sqlx::Error> {
    let sql = format!(
        "SELECT {BEZWAARKOLOMMEN} FROM bezwaren z JOIN beschikkingen b ON b.id = z.besluit_id WHERE ($1 = '' OR b.ronde = $1) AND ($2 = '*' OR b.gemeente = $2) \
         ORDER BY z.ontvangen_op, z.id"
    );
    query(sql).bind(ronde).bind(zicht.waarde()).fetch_all(c).await?.iter().map(bezwaar).collect()
}

/// Handelt een bezwaar af; `false` als het al afgehandeld was.
pub async fn handel_af(
    c: &mut impl Verbinding,
    id: &str,
    uitkomst: &str,
    toelichting: &str,
    correctie: Option<&str>,
    door: &str,
    op: i64,
) -> Result<bool, sqlx::Error> {
    let n = query(
        "UPDATE bezwaren SET status = 'afgehandeld', uitkomst = $1, toelichting = $2, correctie_id = $3, afgehandeld_door = $4, afgehandeld_op = $5 \
         WHERE id = $6 AND status = 'ontvangen'",
    )
    .bind(uitkomst)
    .bind(toelichting)
    .bind(correctie)
    .bind(door)
    .bind(op)
    .bind(id)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}
