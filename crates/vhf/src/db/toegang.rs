//! SQL voor gebruikers, API-tokens, sessies en inlogpogingen. Tokens en sessie-id's staan hier alleen als
//! SHA-256: wie de database leest, kan er niet mee inloggen.

use super::sql::{Rij, Verbinding, query};
use vhf_core::codes::GemeenteCode;

use super::DbFout;
use crate::toegang::{Gebruiker, Reikwijdte};

fn gebruiker(r: &Rij) -> Result<Gebruiker, DbFout> {
    let rol: String = r.try_get("rol")?;
    let gemeente: Option<String> = r.try_get("gemeente")?;
    Ok(Gebruiker {
        id: r.try_get("id")?,
        naam: r.try_get("naam")?,
        rol: rol.parse().map_err(DbFout::Onleesbaar)?,
        gemeente: gemeente.map(|g| GemeenteCode::parse(&g)).transpose().map_err(|e| DbFout::Onleesbaar(e.to_string()))?,
    })
}

/// Voegt een gebruiker toe, of werkt naam, rol en gemeente bij als het id al bestaat. Geeft de vorige terug.
pub async fn sla_op(c: &mut impl Verbinding, g: &Gebruiker, oidc: Option<(&str, &str)>, nu: i64) -> Result<Option<Gebruiker>, DbFout> {
    let vorige = haal(&mut *c, &g.id).await?;
    let gemeente = g.gemeente.map(|x| x.to_string());
    if vorige.is_some() {
        query("UPDATE gebruikers SET naam = $1, rol = $2, gemeente = $3, actief = 1 WHERE id = $4")
            .bind(&g.naam)
            .bind(g.rol.code())
            .bind(gemeente)
            .bind(&g.id)
            .execute(&mut *c)
            .await?;
    } else {
        query("INSERT INTO gebruikers (id, naam, rol, gemeente, oidc_issuer, oidc_subject, actief, aangemaakt_op) VALUES ($1, $2, $3, $4, $5, $6, 1, $7)")
            .bind(&g.id)
            .bind(&g.naam)
            .bind(g.rol.code())
            .bind(gemeente)
            .bind(oidc.map(|o| o.0.to_string()))
            .bind(oidc.map(|o| o.1.to_string()))
            .bind(nu)
            .execute(&mut *c)
            .await?;
    }
    Ok(vorige)
}

/// Een actieve gebruiker.
pub async fn haal(c: &mut impl Verbinding, id: &str) -> Result<Option<Gebruiker>, DbFout> {
    let r = query("SELECT id, naam, rol, gemeente FROM gebruikers WHERE id = $1 AND actief = 1").bind(id).fetch_optional(c).await?;
    r.as_ref().map(gebruiker).transpose()
}

pub async fn lijst(c: &mut impl Verbinding) -> Result<Vec<Gebruiker>, DbFout> {
    let rijen = query("SELECT id, naam, rol, gemeente FROM gebruikers WHERE actief = 1 ORDER BY id").fetch_all(c).await?;
    rijen.iter().map(gebruiker).collect()
}

/// De gebruiker die bij deze OIDC-identiteit hoort (issuer + subject), als die er is.
pub async fn via_oidc(c: &mut impl Verbinding, issuer: &str, subject: &str) -> Result<Option<String>, DbFout> {
    let r = query("SELECT id FROM gebruikers WHERE oidc_issuer = $1 AND oidc_subject = $2").bind(issuer).bind(subject).fetch_optional(c).await?;
    Ok(r.map(|r| r.try_get("id")).transpose()?)
}

pub async fn voeg_token_toe(
    c: &mut impl Verbinding,
    hash: &str,
    gebruiker_id: &str,
    r: Reikwijdte,
    omschrijving: &str,
    nu: i64,
    verloopt_op: i64,
) -> Result<(), sqlx::Error> {
    query("INSERT INTO api_tokens (hash, gebruiker_id, reikwijdte, omschrijving, aangemaakt_op, verloopt_op) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(hash)
        .bind(gebruiker_id)
        .bind(r.code())
        .bind(omschrijving)
        .bind(nu)
        .bind(verloopt_op)
        .execute(c)
        .await?;
    Ok(())
}

/// De gebruiker en reikwijdte van een geldig token (niet verlopen, niet ingetrokken, gebruiker actief).
pub async fn token(c: &mut impl Verbinding, hash: &str, nu: i64) -> Result<Option<(Gebruiker, Reikwijdte)>, DbFout> {
    let r = query(
        "SELECT g.id, g.naam, g.rol, g.gemeente, t.reikwijdte FROM api_tokens t JOIN gebruikers g ON g.id = t.gebruiker_id \
         WHERE t.hash = $1 AND t.ingetrokken_op IS NULL AND t.verloopt_op > $2 AND g.actief = 1",
    )
    .bind(hash)
    .bind(nu)
    .fetch_optional(c)
    .await?;
    match r {
        None => Ok(None),
        Some(r) => {
            let reikwijdte: String = r.try_get("reikwijdte")?;
            Ok(Some((gebruiker(&r)?, reikwijdte.parse().map_err(DbFout::Onleesbaar)?)))
        }
    }
}

#[derive(Clone, Debug)]
pub struct SessieRij {
    pub gebruiker: Option<Gebruiker>,
    pub csrf: String,
    pub oidc_state: Option<String>,
    pub oidc_nonce: Option<String>,
    pub oidc_pkce: Option<String>,
    pub aangemaakt_op: i64,
    pub laatst_gezien: i64,
}

pub async fn maak_sessie(c: &mut impl Verbinding, id_hash: &str, gebruiker_id: Option<&str>, csrf: &str, nu: i64) -> Result<(), sqlx::Error> {
    query("INSERT INTO sessies (id_hash, gebruiker_id, csrf, aangemaakt_op, laatst_gezien) VALUES ($1, $2, $3, $4, $4)")
        .bind(id_hash)
        .bind(gebruiker_id)
        .bind(csrf)
        .bind(nu)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn sessie(c: &mut impl Verbinding, id_hash: &str) -> Result<Option<SessieRij>, DbFout> {
    let r = query(
        "SELECT s.csrf, s.oidc_state, s.oidc_nonce, s.oidc_pkce, s.aangemaakt_op, s.laatst_gezien, s.gebruiker_id, g.id, g.naam, g.rol, g.gemeente \
         FROM sessies s LEFT JOIN gebruikers g ON g.id = s.gebruiker_id AND g.actief = 1 WHERE s.id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(c)
    .await?;
    let Some(r) = r else { return Ok(None) };
    let gebruiker_id: Option<String> = r.try_get("gebruiker_id")?;
    let actief: Option<String> = r.try_get("id")?;
    let gebruiker = match (gebruiker_id, actief) {
        (None, _) => None,
        // De gebruiker is intussen uitgeschakeld: de sessie telt niet meer.
        (Some(_), None) => return Ok(None),
        (Some(_), Some(_)) => Some(gebruiker(&r)?),
    };
    Ok(Some(SessieRij {
        gebruiker,
        csrf: r.try_get("csrf")?,
        oidc_state: r.try_get("oidc_state")?,
        oidc_nonce: r.try_get("oidc_nonce")?,
        oidc_pkce: r.try_get("oidc_pkce")?,
        aangemaakt_op: r.try_get("aangemaakt_op")?,
        laatst_gezien: r.try_get("laatst_gezien")?,
    }))
}

pub async fn raak_sessie_aan(c: &mut impl Verbinding, id_hash: &str, nu: i64) -> Result<(), sqlx::Error> {
    query("UPDATE sessies SET laatst_gezien = $1 WHERE id_hash = $2").bind(nu).bind(id_hash).execute(c).await?;
    Ok(())
}

pub async fn zet_oidc(c: &mut impl Verbinding, id_hash: &str, state: &str, nonce: &str, pkce: &str) -> Result<(), sqlx::Error> {
    query("UPDATE sessies SET oidc_state = $1, oidc_nonce = $2, oidc_pkce = $3 WHERE id_hash = $4")
        .bind(state)
        .bind(nonce)
        .bind(pkce)
        .bind(id_hash)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn verwijder_sessie(c: &mut impl Verbinding, id_hash: &str) -> Result<(), sqlx::Error> {
    query("DELETE FROM sessies WHERE id_hash = $1").bind(id_hash).execute(c).await?;
    Ok(())
}

/// Ruimt sessies op die niet meer kunnen gelden.
pub async fn ruim_sessies_op(c: &mut impl Verbinding, inactief_voor: i64, aangemaakt_voor: i64) -> Result<u64, sqlx::Error> {
    let r = query("DELETE FROM sessies WHERE laatst_gezien < $1 OR aangemaakt_op < $2").bind(inactief_voor).bind(aangemaakt_voor).execute(c).await?;
    Ok(r.rows_affected())
}

/// Vergeet mislukte inlogpogingen van vóór `voor` (ze tellen niet meer mee).
pub async fn ruim_pogingen_op(c: &mut impl Verbinding, voor: i64) -> Result<u64, sqlx::Error> {
    Ok(query("DELETE FROM inlogpogingen WHERE op < $1").bind(voor).execute(c).await?.rows_affected())
}

pub async fn voeg_poging_toe(c: &mut impl Verbinding, sleutel: &str, nu: i64) -> Result<(), sqlx::Error> {
    query("INSERT INTO inlogpogingen (sleutel, op) VALUES ($1, $2)").bind(sleutel).bind(nu).execute(c).await?;
    Ok(())
}

/// Mislukte pogingen met deze sleutel sinds `sinds`.
pub async fn pogingen(c: &mut impl Verbinding, sleutel: &str, sinds: i64) -> Result<i64, sqlx::Error> {
    query("SELECT COUNT(*) AS n FROM inlogpogingen WHERE sleutel = $1 AND op >= $2").bind(sleutel).bind(sinds).fetch_one(c).await?.try_get("n")
}

pub async fn wis_pogingen(c: &mut impl Verbinding, sleutel: &str) -> Result<(), sqlx::Error> {
    query("DELETE FROM inlogpogingen WHERE sleutel = $1").bind(sleutel).execute(c).await?;
    Ok(())
}

/// Alle gemeenten van een aanvraag opnieuw vastleggen (na aanmaken of wijzigen).
pub async fn zet_aanvraag_gemeenten(c: &mut impl Verbinding, aanvraag_id: &str, gemeenten: &[String]) -> Result<(), sqlx::Error> {
    query("DELETE FROM aanvraag_gemeenten WHERE aanvraag_id = $1").bind(aanvraag_id).execute(&mut *c).await?;
    let mut gezien = std::collections::BTreeSet::new();
    for g in gemeenten.iter().filter(|g| gezien.insert(g.as_str())) {
        query("INSERT INTO aanvraag_gemeenten (aanvraag_id, gemeente) VALUES ($1, $2)").bind(aanvraag_id).bind(g).execute(&mut *c).await?;
    }
    Ok(())
}

/// De toewijzingen van een ronde vervangen door die uit de nieuwste versie van de beoordelingen.
pub async fn zet_toewijzingen(c: &mut impl Verbinding, ronde: &str, toewijzingen: &[(String, String, String)]) -> Result<(), sqlx::Error> {
    query("DELETE FROM toewijzingen WHERE ronde = $1").bind(ronde).execute(&mut *c).await?;
    let mut gezien = std::collections::BTreeSet::new();
    for (lid, aanvraag, deelplan) in toewijzingen.iter().filter(|t| gezien.insert((*t).clone())) {
        query("INSERT INTO toewijzingen (ronde, lid, aanvraag_id, deelplan) VALUES ($1, $2, $3, $4)")
            .bind(ronde)
            .bind(lid)
            .bind(aanvraag)
            .bind(deelplan)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// De deelplannen (aanvraag, deelplan) die aan dit lid zijn toegewezen.
pub async fn toegewezen(c: &mut impl Verbinding, ronde: &str, lid: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rijen = query("SELECT aanvraag_id, deelplan FROM toewijzingen WHERE ronde = $1 AND lid = $2 ORDER BY aanvraag_id, deelplan")
        .bind(ronde)
        .bind(lid)
        .fetch_all(c)
        .await?;
    rijen.iter().map(|r| Ok((r.try_get("aanvraag_id")?, r.try_get("deelplan")?))).collect()
}

/// Het vaste SQL-filter voor zichtbaarheid van een aanvraag (kolom `$kolom`, de id van de aanvraag), met
/// parameters `$z` (alles/beperkt/niets), `$g` (gemeente) en `$l` (commissielid). Zie [`crate::toegang::Zicht`].
///
/// Als `EXISTS` per aanvraag, niet als `IN (SELECT …)`: zo zoekt de database één rij op in de primaire sleutel,
/// in plaats van bij elke vraag alle aanvragen van de gemeente te verzamelen (dat groeide met de ronde mee).
#[macro_export]
macro_rules! zichtfilter {
    ($kolom:literal, $z:literal, $g:literal, $l:literal) => {
        concat!(
            "($",
            $z,
            " = 'alles' OR ($",
            $z,
            " = 'beperkt' AND (EXISTS (SELECT 1 FROM aanvraag_gemeenten zg WHERE zg.aanvraag_id = ",
            $kolom,
            " AND zg.gemeente = $",
            $g,
            ") OR EXISTS (SELECT 1 FROM toewijzingen zt WHERE zt.aanvraag_id = ",
            $kolom,
            " AND zt.lid = $",
            $l,
            "))))"
        )
    };
}
