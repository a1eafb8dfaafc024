//! SQL voor beoordelingen, verdelingen en besluiten.

use super::sql::{Verbinding, query};

pub async fn voeg_beoordeling_toe(c: &mut impl Verbinding, ronde: &str, inhoud: &str, door: &str, op: i64) -> Result<i64, sqlx::Error> {
    let n: i64 = query("SELECT COALESCE(MAX(versie), 0) + 1 AS n FROM beoordelingen WHERE ronde = $1").bind(ronde).fetch_one(&mut *c).await?.try_get("n")?;
    query("INSERT INTO beoordelingen (ronde, versie, inhoud, door, op) VALUES ($1, $2, $3, $4, $5)")
        .bind(ronde)
        .bind(n)
        .bind(inhoud)
        .bind(door)
        .bind(op)
        .execute(c)
        .await?;
    Ok(n)
}

/// De laatste versie van de beoordelingen van een ronde: (versie, inhoud).
pub async fn laatste_beoordeling(c: &mut impl Verbinding, ronde: &str) -> Result<Option<(i64, String)>, sqlx::Error> {
    let r = query("SELECT versie, inhoud FROM beoordelingen WHERE ronde = $1 ORDER BY versie DESC LIMIT 1").bind(ronde).fetch_optional(c).await?;
    r.map(|r| Ok((r.try_get("versie")?, r.try_get("inhoud")?))).transpose()
}

pub struct VerdelingRij {
    pub id: String,
    pub ronde: String,
    pub beoordeling_versie: i64,
    pub peilmoment: i64,
    pub resultaat: String,
    pub door: String,
    pub op: i64,
    pub besloten_op: Option<i64>,
}

pub async fn voeg_verdeling_toe(c: &mut impl Verbinding, v: &VerdelingRij) -> Result<(), sqlx::Error> {
    query("INSERT INTO verdelingen (id, ronde, beoordeling_versie, peilmoment, resultaat, door, op, besloten_op) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)")
        .bind(&v.id)
        .bind(&v.ronde)
        .bind(v.beoordeling_versie)
        .bind(v.peilmoment)
        .bind(&v.resultaat)
        .bind(&v.door)
        .bind(v.op)
        .execute(c)
        .await?;
    Ok(())
}

/// Bewaart het verdeeldossier (invoer en uitvoer voor `vhf allocate`) bij een verdeling.
pub async fn zet_dossier(c: &mut impl Verbinding, id: &str, dossier: &str) -> Result<(), sqlx::Error> {
    query("UPDATE verdelingen SET dossier = $1 WHERE id = $2").bind(dossier).bind(id).execute(c).await?;
    Ok(())
}

/// Het verdeeldossier van een verdeling (`None`: een verdeling van vóór het dossier, of onbekend).
pub async fn dossier(c: &mut impl Verbinding, id: &str) -> Result<Option<String>, sqlx::Error> {
    let r = query("SELECT dossier FROM verdelingen WHERE id = $1").bind(id).fetch_optional(c).await?;
    Ok(match r {
        Some(r) => r.try_get::<Option<String>>("dossier")?,
        None => None,
    })
}

pub async fn verdeling(c: &mut impl Verbinding, id: &str) -> Result<Option<VerdelingRij>, sqlx::Error> {
    let r = query("SELECT id, ronde, beoordeling_versie, peilmoment, resultaat, door, op, besloten_op FROM verdelingen WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await?;
    r.map(|r| {
        Ok(VerdelingRij {
            id: r.try_get("id")?,
            ronde: r.try_get("ronde")?,
            beoordeling_versie: r.try_get("beoordeling_versie")?,
            peilmoment: r.try_get("peilmoment")?,
            resultaat: r.try_get("resultaat")?,
            door: r.try_get("door")?,
            op: r.try_get("op")?,
            besloten_op: r.try_get("besloten_op")?,
        })
    })
    .transpose()
}

/// Markeert de verdeling als besloten; `false` als dat al gebeurd was (dan niets doen).
pub async fn markeer_besloten(c: &mut impl Verbinding, id: &str, op: i64) -> Result<bool, sqlx::Error> {
    Ok(query("UPDATE verdelingen SET besloten_op = $1 WHERE id = $2 AND besloten_op IS NULL").bind(op).bind(id).execute(c).await?.rows_affected() == 1)
}

pub async fn voeg_besluit_toe(
    c: &mut impl Verbinding,
    verdeling: &str,
    gemeente: &str,
    bedrag: &str,
    inhoud: &str,
    door: &str,
    op: i64,
) -> Result<(), sqlx::Error> {
    query("INSERT INTO besluiten (verdeling_id, gemeente, bedrag, inhoud, door, op) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(verdeling)
        .bind(gemeente)
        .bind(bedrag)
        .bind(inhoud)
        .bind(door)
        .bind(op)
        .execute(c)
        .await?;
    Ok(())
}

/// Alle besluiten (openbaar): (verdeling, ronde, gemeente, bedrag, op).
pub async fn besluiten(c: &mut impl Verbinding, ronde: &str) -> Result<Vec<(String, String, String, String, i64)>, sqlx::Error> {
    let rijen = query(
        "SELECT b.verdeling_id AS v, d.ronde AS r, b.gemeente AS g, b.bedrag AS b, b.op AS op FROM besluiten b JOIN verdelingen d ON d.id = b.verdeling_id \
         WHERE ($1 = '' OR d.ronde = $1) ORDER BY b.op, b.gemeente",
    )
    .bind(ronde)
    .fetch_all(c)
    .await?;
    rijen.iter().map(|r| Ok((r.try_get("v")?, r.try_get("r")?, r.try_get("g")?, r.try_get("b")?, r.try_get("op")?))).collect()
}

/// De ingediende aanvragen van een ronde met hun status en bevroren inhoud: (id, status, inhoud, versie).
pub async fn ingediend_met_status(c: &mut impl Verbinding, ronde: &str) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
    let rijen = query(
        "SELECT a.id AS id, a.status AS status, \
         COALESCE((SELECT x.inhoud FROM aanvullingen x WHERE x.aanvraag_id = a.id ORDER BY x.volgnummer DESC LIMIT 1), i.inhoud) AS inhoud, a.versie AS versie \
         FROM aanvragen a JOIN indieningen i ON i.aanvraag_id = a.id WHERE a.ronde = $1 ORDER BY a.id",
    )
    .bind(ronde)
    .fetch_all(&mut *c)
    .await?;
    let mut uit: Vec<(String, String, String, i64)> =
        rijen.iter().map(|r| Ok((r.try_get("id")?, r.try_get("status")?, r.try_get("inhoud")?, r.try_get("versie")?))).collect::<Result<_, sqlx::Error>>()?;
    // Het prioriteitsgebied zoals de behandelaar het vaststelde (bevestigd, ander gebied of geen) telt in plaats
    // van wat de gemeente verklaarde; de laatste vaststelling per deelplan geldt.
    let vast = query(
        "SELECT p.aanvraag_id AS aanvraag_id, p.deelplan AS deelplan, p.vastgesteld AS vastgesteld FROM prioriteitsvaststellingen p \
         JOIN aanvragen a ON a.id = p.aanvraag_id WHERE a.ronde = $1 ORDER BY p.aanvraag_id, p.deelplan, p.volgnummer",
    )
    .bind(ronde)
    .fetch_all(c)
    .await?;
    let mut per_aanvraag: std::collections::BTreeMap<String, std::collections::BTreeMap<String, Option<String>>> = Default::default();
    for r in &vast {
        per_aanvraag.entry(r.try_get("aanvraag_id")?).or_default().insert(r.try_get("deelplan")?, r.try_get("vastgesteld")?);
    }
    for (id, _, inhoud, _) in &mut uit {
        if let Some(v) = per_aanvraag.get(id.as_str())
            && let Ok(mut a) = serde_json::from_str::<vhf_core::aanvraag::Aanvraag>(inhoud)
        {
            for d in &mut a.deelplannen {
                if let Some(g) = v.get(&d.id) {
                    d.deelgebied.prioriteitsgebied = g.clone();
                }
            }
            *inhoud = serde_json::to_string(&a).expect("JSON");
        }
    }
    Ok(uit)
}

/// De besloten verdelingen (openbaar, voor het dashboard): (id, ronde, besloten_op), de nieuwste eerst.
pub async fn besloten(c: &mut impl Verbinding) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    let rijen = query("SELECT id, ronde, besloten_op FROM verdelingen WHERE besloten_op IS NOT NULL ORDER BY besloten_op DESC, id DESC").fetch_all(c).await?;
    rijen.iter().map(|r| Ok((r.try_get("id")?, r.try_get("ronde")?, r.try_get("besloten_op")?))).collect()
}

/// De verdelingen van een ronde (zonder resultaat): (id, door, op, besloten_op), de nieuwste eerst.
pub async fn van_ronde(c: &mut impl Verbinding, ronde: &str) -> Result<Vec<(String, String, i64, Option<i64>)>, sqlx::Error> {
    let rijen = query("SELECT id, door, op, besloten_op FROM verdelingen WHERE ronde = $1 ORDER BY op DESC, id DESC").bind(ronde).fetch_all(c).await?;
    rijen.iter().map(|r| Ok((r.try_get("id")?, r.try_get("door")?, r.try_get("op")?, r.try_get("besloten_op")?))).collect()
}
