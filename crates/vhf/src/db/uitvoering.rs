//! SQL na het besluit (migratie 0014): betalingen, SiSa-opgaven, wijzigingen met de versies van deelplannen, en
//! vaststellingen. Elke vraag neemt het zicht van de vrager mee (`Zicht::Gemeente`: alleen de eigen gemeente), zodat
//! een vergeten controle in een handler niets van een andere gemeente laat zien. De UPDATEs werken alleen een rij
//! bij die nog in de vorige stap staat (voorgesteld, aangevraagd, concept) en niet door wie die stap zette.

use super::besluiten::Zicht;
use super::sql::{Rij, Verbinding, query};

#[derive(Clone, Debug)]
pub struct BetalingRij {
    pub id: String,
    pub ronde: String,
    pub gemeente: String,
    pub besluit_id: String,
    pub termijn: i64,
    pub bedrag: String,
    pub betaaldatum: String,
    pub referentie: String,
    pub status: String,
    pub voorgesteld_door: String,
    pub voorgesteld_op: i64,
    pub goedgekeurd_door: Option<String>,
    pub goedgekeurd_op: Option<i64>,
}

fn betaling(r: &Rij) -> Result<BetalingRij, sqlx::Error> {
    Ok(BetalingRij {
        id: r.try_get("id")?,
        ronde: r.try_get("ronde")?,
        gemeente: r.try_get("gemeente")?,
        besluit_id: r.try_get("besluit_id")?,
        termijn: r.try_get("termijn")?,
        bedrag: r.try_get("bedrag")?,
        betaaldatum: r.try_get("betaaldatum")?,
        referentie: r.try_get("referentie")?,
        status: r.try_get("status")?,
        voorgesteld_door: r.try_get("voorgesteld_door")?,
        voorgesteld_op: r.try_get("voorgesteld_op")?,
        goedgekeurd_door: r.try_get("goedgekeurd_door")?,
        goedgekeurd_op: r.try_get("goedgekeurd_op")?,
    })
}

const BETAALKOLOMMEN: &str =
    "id, ronde, gemeente, besluit_id, termijn, bedrag, betaaldatum, referentie, status, voorgesteld_door, voorgesteld_op, goedgekeurd_door, goedgekeurd_op";

pub async fn voeg_betaling_toe(c: &mut impl Verbinding, b: &BetalingRij) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO betalingen (id, ronde, gemeente, besluit_id, termijn, bedrag, betaaldatum, referentie, status, voorgesteld_door, voorgesteld_op) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'voorgesteld', $9, $10)",
    )
    .bind(&b.id)
    .bind(&b.ronde)
    .bind(&b.gemeente)
    .bind(&b.besluit_id)
    .bind(b.termijn)
    .bind(&b.bedrag)
    .bind(&b.betaaldatum)
    .bind(&b.referentie)
    .bind(&b.voorgesteld_door)
    .bind(b.voorgesteld_op)
    .execute(c)
    .await?;
    Ok(())
}

/// De betalingen van een gemeente in een ronde (of van alle gemeenten van de ronde met `gemeente` leeg), op termijn.
pub async fn betalingen(c: &mut impl Verbinding, ronde: &str, gemeente: &str, zicht: &Zicht) -> Result<Vec<BetalingRij>, sqlx::Error> {
    let sql = format!(
        "SELECT {BETAALKOLOMMEN} FROM betalingen WHERE ronde = $1 AND ($2 = '' OR gemeente = $2) AND ($3 = '*' OR gemeente = $3) ORDER BY gemeente, termijn, voorgesteld_op"
    );
    query(sql).bind(ronde).bind(gemeente).bind(zicht.waarde()).fetch_all(c).await?.iter().map(betaling).collect()
}

pub async fn haal_betaling(c: &mut impl Verbinding, id: &str, zicht: &Zicht) -> Result<Option<BetalingRij>, sqlx::Error> {
    let sql = format!("SELECT {BETAALKOLOMMEN} FROM betalingen WHERE id = $1 AND ($2 = '*' OR gemeente = $2)");
    query(sql).bind(id).bind(zicht.waarde()).fetch_optional(c).await?.as_ref().map(betaling).transpose()
}

/// Keurt een voorgestelde betaling goed; `false` als ze niet (meer) voorgesteld is of als de goedkeurder haar zelf
/// voorstelde (vier ogen, ook in de opslag).
pub async fn keur_betaling_goed(c: &mut impl Verbinding, id: &str, door: &str, op: i64) -> Result<bool, sqlx::Error> {
    let n = query("UPDATE betalingen SET status = 'goedgekeurd', goedgekeurd_door = $1, goedgekeurd_op = $2 WHERE id = $3 AND status = 'voorgesteld' AND voorgesteld_door <> $1")
        .bind(door)
        .bind(op)
        .bind(id)
        .execute(c)
        .await?
        .rows_affected();
    Ok(n == 1)
}

#[derive(Clone, Debug)]
pub struct VerantwoordingRij {
    pub id: String,
    pub ronde: String,
    pub gemeente: String,
    pub besluit_id: String,
    pub jaar: i64,
    pub inhoud: String,
    pub bevindingen: String,
    pub te_laat: bool,
    pub ontvangen_op: String,
    pub ingediend_door: String,
    pub ingediend_op: i64,
}

fn verantwoording(r: &Rij) -> Result<VerantwoordingRij, sqlx::Error> {
    Ok(VerantwoordingRij {
        id: r.try_get("id")?,
        ronde: r.try_get("ronde")?,
        gemeente: r.try_get("gemeente")?,
        besluit_id: r.try_get("besluit_id")?,
        jaar: r.try_get("jaar")?,
        inhoud: r.try_get("inhoud")?,
        bevindingen: r.try_get("bevindingen")?,
        te_laat: r.try_get::<i64>("te_laat")? != 0,
        ontvangen_op: r.try_get("ontvangen_op")?,
        ingediend_door: r.try_get("ingediend_door")?,
        ingediend_op: r.try_get("ingediend_op")?,
    })
}

pub async fn voeg_verantwoording_toe(c: &mut impl Verbinding, v: &VerantwoordingRij) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO verantwoordingen (id, ronde, gemeente, besluit_id, jaar, inhoud, bevindingen, te_laat, ontvangen_op, ingediend_door, ingediend_op) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&v.id)
    .bind(&v.ronde)
    .bind(&v.gemeente)
    .bind(&v.besluit_id)
    .bind(v.jaar)
    .bind(&v.inhoud)
    .bind(&v.bevindingen)
    .bind(i64::from(v.te_laat))
    .bind(&v.ontvangen_op)
    .bind(&v.ingediend_door)
    .bind(v.ingediend_op)
    .execute(c)
    .await?;
    Ok(())
}

/// De opgaven van een gemeente in een ronde (`gemeente` leeg: alle gemeenten), op jaar.
pub async fn verantwoordingen(c: &mut impl Verbinding, ronde: &str, gemeente: &str, zicht: &Zicht) -> Result<Vec<VerantwoordingRij>, sqlx::Error> {
    query(
        "SELECT id, ronde, gemeente, besluit_id, jaar, inhoud, bevindingen, te_laat, ontvangen_op, ingediend_door, ingediend_op FROM verantwoordingen \
         WHERE ronde = $1 AND ($2 = '' OR gemeente = $2) AND ($3 = '*' OR gemeente = $3) ORDER BY gemeente, jaar",
    )
    .bind(ronde)
    .bind(gemeente)
    .bind(zicht.waarde())
    .fetch_all(c)
    .await?
    .iter()
    .map(verantwoording)
    .collect()
}

#[derive(Clone, Debug)]
pub struct WijzigingRij {
    pub id: String,
    pub ronde: String,
    pub gemeente: String,
    pub besluit_id: String,
    pub inhoud: String,
    pub toelichting: String,
    pub status: String,
    pub aangevraagd_door: String,
    pub aangevraagd_op: i64,
    pub voorgesteld_door: Option<String>,
    pub voorgesteld_op: Option<i64>,
    pub besloten_door: Option<String>,
    pub besloten_op: Option<i64>,
    pub reden: Option<String>,
}

const WIJZIGINGKOLOMMEN: &str = "id, ronde, gemeente, besluit_id, inhoud, toelichting, status, aangevraagd_door, aangevraagd_op, voorgesteld_door, voorgesteld_op, besloten_door, besloten_op, reden";

fn wijziging(r: &Rij) -> Result<WijzigingRij, sqlx::Error> {
    Ok(WijzigingRij {
        id: r.try_get("id")?,
        ronde: r.try_get("ronde")?,
        gemeente: r.try_get("gemeente")?,
        besluit_id: r.try_get("besluit_id")?,
        inhoud: r.try_get("inhoud")?,
        toelichting: r.try_get("toelichting")?,
        status: r.try_get("status")?,
        aangevraagd_door: r.try_get("aangevraagd_door")?,
        aangevraagd_op: r.try_get("aangevraagd_op")?,
        voorgesteld_door: r.try_get("voorgesteld_door")?,
        voorgesteld_op: r.try_get("voorgesteld_op")?,
        besloten_door: r.try_get("besloten_door")?,
        besloten_op: r.try_get("besloten_op")?,
        reden: r.try_get("reden")?,
    })
}

pub async fn voeg_wijziging_toe(c: &mut impl Verbinding, w: &WijzigingRij) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO wijzigingen (id, ronde, gemeente, besluit_id, inhoud, toelichting, status, aangevraagd_door, aangevraagd_op) \
         VALUES ($1, $2, $3, $4, $5, $6, 'aangevraagd', $7, $8)",
    )
    .bind(&w.id)
    .bind(&w.ronde)
    .bind(&w.gemeente)
    .bind(&w.besluit_id)
    .bind(&w.inhoud)
    .bind(&w.toelichting)
    .bind(&w.aangevraagd_door)
    .bind(w.aangevraagd_op)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn wijzigingen(c: &mut impl Verbinding, ronde: &str, gemeente: &str, zicht: &Zicht) -> Result<Vec<WijzigingRij>, sqlx::Error> {
    let sql = format!(
        "SELECT {WIJZIGINGKOLOMMEN} FROM wijzigingen WHERE ronde = $1 AND ($2 = '' OR gemeente = $2) AND ($3 = '*' OR gemeente = $3) ORDER BY gemeente, aangevraagd_op, id"
    );
    query(sql).bind(ronde).bind(gemeente).bind(zicht.waarde()).fetch_all(c).await?.iter().map(wijziging).collect()
}

pub async fn haal_wijziging(c: &mut impl Verbinding, id: &str, zicht: &Zicht) -> Result<Option<WijzigingRij>, sqlx::Error> {
    let sql = format!("SELECT {WIJZIGINGKOLOMMEN} FROM wijzigingen WHERE id = $1 AND ($2 = '*' OR gemeente = $2)");
    query(sql).bind(id).bind(zicht.waarde()).fetch_optional(c).await?.as_ref().map(wijziging).transpose()
}

/// Zet een aangevraagde wijziging op 'voorgesteld' (tot goedkeuring) of 'geweigerd'; `false` als ze niet meer
/// aangevraagd is.
pub async fn beoordeel_wijziging(c: &mut impl Verbinding, id: &str, naar: &str, door: &str, op: i64, reden: &str) -> Result<bool, sqlx::Error> {
    let sql = if naar == "voorgesteld" {
        "UPDATE wijzigingen SET status = 'voorgesteld', voorgesteld_door = $1, voorgesteld_op = $2, reden = $3 WHERE id = $4 AND status = 'aangevraagd'"
    } else {
        "UPDATE wijzigingen SET status = 'geweigerd', besloten_door = $1, besloten_op = $2, reden = $3 WHERE id = $4 AND status IN ('aangevraagd', 'voorgesteld')"
    };
    Ok(query(sql).bind(door).bind(op).bind(reden).bind(id).execute(c).await?.rows_affected() == 1)
}

/// Keurt een voorgestelde wijziging goed; `false` als ze niet voorgesteld is of de goedkeurder haar voorstelde.
pub async fn keur_wijziging_goed(c: &mut impl Verbinding, id: &str, door: &str, op: i64) -> Result<bool, sqlx::Error> {
    let n = query("UPDATE wijzigingen SET status = 'goedgekeurd', besloten_door = $1, besloten_op = $2 WHERE id = $3 AND status = 'voorgesteld' AND voorgesteld_door <> $1")
        .bind(door)
        .bind(op)
        .bind(id)
        .execute(c)
        .await?
        .rows_affected();
    Ok(n == 1)
}

#[derive(Clone, Debug)]
pub struct VersieRij {
    pub kenmerk: String,
    pub deelplan: String,
    pub versie: i64,
    pub toegekend: String,
    pub woningen_gepland: i64,
    pub einde: Option<String>,
    pub omschrijving: Option<String>,
    pub wijziging_id: String,
    pub vastgelegd_op: i64,
}

pub async fn voeg_versie_toe(c: &mut impl Verbinding, ronde: &str, gemeente: &str, v: &VersieRij) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO deelplanversies (ronde, gemeente, kenmerk, deelplan, versie, toegekend, woningen_gepland, einde, omschrijving, wijziging_id, vastgelegd_op) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(ronde)
    .bind(gemeente)
    .bind(&v.kenmerk)
    .bind(&v.deelplan)
    .bind(v.versie)
    .bind(&v.toegekend)
    .bind(v.woningen_gepland)
    .bind(&v.einde)
    .bind(&v.omschrijving)
    .bind(&v.wijziging_id)
    .bind(v.vastgelegd_op)
    .execute(c)
    .await?;
    Ok(())
}

/// Alle versies van de deelplannen van een gemeente in een ronde, op deelplan en versie.
pub async fn versies(c: &mut impl Verbinding, ronde: &str, gemeente: &str) -> Result<Vec<VersieRij>, sqlx::Error> {
    query(
        "SELECT kenmerk, deelplan, versie, toegekend, woningen_gepland, einde, omschrijving, wijziging_id, vastgelegd_op FROM deelplanversies \
         WHERE ronde = $1 AND gemeente = $2 ORDER BY kenmerk, deelplan, versie",
    )
    .bind(ronde)
    .bind(gemeente)
    .fetch_all(c)
    .await?
    .iter()
    .map(|r| {
        Ok(VersieRij {
            kenmerk: r.try_get("kenmerk")?,
            deelplan: r.try_get("deelplan")?,
            versie: r.try_get("versie")?,
            toegekend: r.try_get("toegekend")?,
            woningen_gepland: r.try_get("woningen_gepland")?,
            einde: r.try_get("einde")?,
            omschrijving: r.try_get("omschrijving")?,
            wijziging_id: r.try_get("wijziging_id")?,
            vastgelegd_op: r.try_get("vastgelegd_op")?,
        })
    })
    .collect()
}

#[derive(Clone, Debug)]
pub struct VaststellingRij {
    pub id: String,
    pub identificatie: String,
    pub ronde: String,
    pub gemeente: String,
    pub besluit_id: String,
    pub status: String,
    pub inhoud: String,
    pub vastgesteld: String,
    pub terugvordering: String,
    pub opgesteld_door: String,
    pub opgesteld_op: i64,
    pub ondertekend_door: Option<String>,
    pub ondertekend_op: Option<i64>,
    pub datum: Option<String>,
    pub brief: Option<String>,
    pub brief_sha256: Option<String>,
}

const VASTSTELLINGKOLOMMEN: &str = "id, identificatie, ronde, gemeente, besluit_id, status, inhoud, vastgesteld, terugvordering, opgesteld_door, opgesteld_op, \
     ondertekend_door, ondertekend_op, datum, brief, brief_sha256";

fn vaststelling(r: &Rij) -> Result<VaststellingRij, sqlx::Error> {
    Ok(VaststellingRij {
        id: r.try_get("id")?,
        identificatie: r.try_get("identificatie")?,
        ronde: r.try_get("ronde")?,
        gemeente: r.try_get("gemeente")?,
        besluit_id: r.try_get("besluit_id")?,
        status: r.try_get("status")?,
        inhoud: r.try_get("inhoud")?,
        vastgesteld: r.try_get("vastgesteld")?,
        terugvordering: r.try_get("terugvordering")?,
        opgesteld_door: r.try_get("opgesteld_door")?,
        opgesteld_op: r.try_get("opgesteld_op")?,
        ondertekend_door: r.try_get("ondertekend_door")?,
        ondertekend_op: r.try_get("ondertekend_op")?,
        datum: r.try_get("datum")?,
        brief: r.try_get("brief")?,
        brief_sha256: r.try_get("brief_sha256")?,
    })
}

pub async fn voeg_vaststelling_toe(c: &mut impl Verbinding, v: &VaststellingRij) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO uitkeringsvaststellingen (id, identificatie, ronde, gemeente, besluit_id, status, inhoud, vastgesteld, terugvordering, opgesteld_door, opgesteld_op) \
         VALUES ($1, $2, $3, $4, $5, 'concept', $6, $7, $8, $9, $10)",
    )
    .bind(&v.id)
    .bind(&v.identificatie)
    .bind(&v.ronde)
    .bind(&v.gemeente)
    .bind(&v.besluit_id)
    .bind(&v.inhoud)
    .bind(&v.vastgesteld)
    .bind(&v.terugvordering)
    .bind(&v.opgesteld_door)
    .bind(v.opgesteld_op)
    .execute(c)
    .await?;
    Ok(())
}

/// Een vaststelling; een gemeente ziet alleen haar eigen ondertekende.
pub async fn haal_vaststelling(c: &mut impl Verbinding, id: &str, zicht: &Zicht) -> Result<Option<VaststellingRij>, sqlx::Error> {
    let sql = format!("SELECT {VASTSTELLINGKOLOMMEN} FROM uitkeringsvaststellingen WHERE id = $1 AND ($2 = '*' OR (gemeente = $2 AND status = 'ondertekend'))");
    query(sql).bind(id).bind(zicht.waarde()).fetch_optional(c).await?.as_ref().map(vaststelling).transpose()
}

pub async fn vaststellingen(c: &mut impl Verbinding, ronde: &str, gemeente: &str, zicht: &Zicht) -> Result<Vec<VaststellingRij>, sqlx::Error> {
    let sql = format!(
        "SELECT {VASTSTELLINGKOLOMMEN} FROM uitkeringsvaststellingen WHERE ronde = $1 AND ($2 = '' OR gemeente = $2) \
         AND ($3 = '*' OR (gemeente = $3 AND status = 'ondertekend')) ORDER BY gemeente, opgesteld_op, identificatie"
    );
    query(sql).bind(ronde).bind(gemeente).bind(zicht.waarde()).fetch_all(c).await?.iter().map(vaststelling).collect()
}

/// Ondertekent een concept; `false` als het geen concept meer is of de ondertekenaar het opstelde.
pub async fn onderteken_vaststelling(c: &mut impl Verbinding, id: &str, door: &str, op: i64, datum: &str, brief: &str, sha: &str) -> Result<bool, sqlx::Error> {
    let n = query(
        "UPDATE uitkeringsvaststellingen SET status = 'ondertekend', ondertekend_door = $1, ondertekend_op = $2, datum = $3, brief = $4, brief_sha256 = $5 \
         WHERE id = $6 AND status = 'concept' AND opgesteld_door <> $1",
    )
    .bind(door)
    .bind(op)
    .bind(datum)
    .bind(brief)
    .bind(sha)
    .bind(id)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}
