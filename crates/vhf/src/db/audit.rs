//! SQL van het audittrail. Een nieuwe rij wordt geschreven in de transactie van de wijziging zelf: geen
//! wijziging zonder rij, geen rij zonder wijziging.

use super::sql::{Rij, Verbinding, query};

use super::DbFout;
use crate::audit::AuditRij;

/// Wat er in een nieuwe rij komt; volgnummer en hashes vult [`schrijf`] in.
pub struct Gebeurtenis<'a> {
    pub op: i64,
    pub actor: &'a str,
    pub rol: &'a str,
    pub actie: &'a str,
    pub object: String,
    pub aanvraag_id: Option<&'a str>,
    pub voor: Option<String>,
    pub na: Option<String>,
    pub verzoek_id: &'a str,
}

/// Schrijft de gebeurtenis als volgende schakel. Eerst de kop bijwerken: in PostgreSQL vergrendelt dat de
/// kop-rij tot de commit, zodat gelijktijdige schrijvers na elkaar aanschuiven en de keten niet vertakt. Omdat elke
/// schrijver vanaf hier tot zijn commit de kop vasthoudt, zo weinig mogelijk heen en weer: bijwerken en lezen in
/// één zin (`RETURNING`, SQLite ≥ 3.35 en PostgreSQL).
pub async fn schrijf(c: &mut impl Verbinding, g: Gebeurtenis<'_>) -> Result<i64, sqlx::Error> {
    let kop = query("UPDATE audit_kop SET volgnummer = volgnummer + 1 WHERE id = 1 RETURNING volgnummer, hash").fetch_one(&mut *c).await?;
    let mut rij = AuditRij {
        volgnummer: kop.try_get("volgnummer")?,
        op: g.op,
        actor: g.actor.to_string(),
        rol: g.rol.to_string(),
        actie: g.actie.to_string(),
        object: g.object,
        aanvraag_id: g.aanvraag_id.map(str::to_string),
        voor: g.voor,
        na: g.na,
        verzoek_id: g.verzoek_id.to_string(),
        vorige_hash: kop.try_get("hash")?,
        hash: String::new(),
    };
    rij.hash = rij.bereken_hash();
    query(
        "INSERT INTO audit (volgnummer, op, actor, rol, actie, object, aanvraag_id, voor, na, verzoek_id, vorige_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(rij.volgnummer)
    .bind(rij.op)
    .bind(&rij.actor)
    .bind(&rij.rol)
    .bind(&rij.actie)
    .bind(&rij.object)
    .bind(&rij.aanvraag_id)
    .bind(&rij.voor)
    .bind(&rij.na)
    .bind(&rij.verzoek_id)
    .bind(&rij.vorige_hash)
    .bind(&rij.hash)
    .execute(&mut *c)
    .await?;
    query("UPDATE audit_kop SET hash = $1 WHERE id = 1").bind(&rij.hash).execute(&mut *c).await?;
    Ok(rij.volgnummer)
}

fn rij(r: &Rij) -> Result<AuditRij, DbFout> {
    Ok(AuditRij {
        volgnummer: r.try_get("volgnummer")?,
        op: r.try_get("op")?,
        actor: r.try_get("actor")?,
        rol: r.try_get("rol")?,
        actie: r.try_get("actie")?,
        object: r.try_get("object")?,
        aanvraag_id: r.try_get("aanvraag_id")?,
        voor: r.try_get("voor")?,
        na: r.try_get("na")?,
        verzoek_id: r.try_get("verzoek_id")?,
        vorige_hash: r.try_get("vorige_hash")?,
        hash: r.try_get("hash")?,
    })
}

const VELDEN: &str = "volgnummer, op, actor, rol, actie, object, aanvraag_id, voor, na, verzoek_id, vorige_hash, hash";

/// Rijen vanaf `vanaf` (volgnummer), hoogstens `n`, op volgorde.
pub async fn reeks(c: &mut impl Verbinding, vanaf: i64, n: i64) -> Result<Vec<AuditRij>, DbFout> {
    let rijen = query(format!("SELECT {VELDEN} FROM audit WHERE volgnummer >= $1 ORDER BY volgnummer LIMIT $2 + 0")).bind(vanaf).bind(n).fetch_all(c).await?;
    rijen.iter().map(rij).collect()
}

/// Het trail van één aanvraag.
pub async fn van_aanvraag(c: &mut impl Verbinding, aanvraag_id: &str) -> Result<Vec<AuditRij>, DbFout> {
    let rijen = query(format!("SELECT {VELDEN} FROM audit WHERE aanvraag_id = $1 ORDER BY volgnummer")).bind(aanvraag_id).fetch_all(c).await?;
    rijen.iter().map(rij).collect()
}

pub async fn kop(c: &mut impl Verbinding) -> Result<(i64, String), DbFout> {
    let r = query("SELECT volgnummer, hash FROM audit_kop WHERE id = 1").fetch_one(c).await?;
    Ok((r.try_get("volgnummer")?, r.try_get("hash")?))
}
