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

/// Een gebruiker zoals hij is opgeslagen, ook als hij is uitgeschakeld: met of hij actief is en of zijn rol van
/// de OIDC-broker komt.
#[derive(Clone, Debug)]
pub struct Opgeslagen {
    pub gebruiker: Gebruiker,
    pub actief: bool,
    pub via_oidc: bool,
}

/// De gebruiker met dit id, actief of niet.
pub async fn haal_opgeslagen(c: &mut impl Verbinding, id: &str) -> Result<Option<Opgeslagen>, DbFout> {
    let r = query("SELECT id, naam, rol, gemeente, actief, oidc_issuer FROM gebruikers WHERE id = $1").bind(id).fetch_optional(c).await?;
    let Some(r) = r else { return Ok(None) };
    let actief: i64 = r.try_get("actief")?;
    let issuer: Option<String> = r.try_get("oidc_issuer")?;
    Ok(Some(Opgeslagen { gebruiker: gebruiker(&r)?, actief: actief == 1, via_oidc: issuer.is_some() }))
}

/// Voegt een gebruiker toe, of werkt naam, rol en gemeente bij als het id al bestaat (en schakelt hem weer in).
/// Geeft de vorige terug (ook een uitgeschakelde). Verandert de rol of de gemeente, dan gelden zijn tokens en
/// sessies niet meer: ze worden hier in dezelfde transactie ingetrokken en beëindigd (en het token- en
/// sessiefilter kijkt bovendien naar de rol waarvoor ze gemaakt zijn).
pub async fn sla_op(c: &mut impl Verbinding, g: &Gebruiker, oidc: Option<(&str, &str)>, nu: i64) -> Result<Option<Gebruiker>, DbFout> {
    let vorige = haal_opgeslagen(&mut *c, &g.id).await?;
    let gemeente = g.gemeente.map(|x| x.to_string());
    if let Some(v) = &vorige {
        query("UPDATE gebruikers SET naam = $1, rol = $2, gemeente = $3, actief = 1, gedeactiveerd_op = NULL WHERE id = $4")
            .bind(&g.naam)
            .bind(g.rol.code())
            .bind(gemeente)
            .bind(&g.id)
            .execute(&mut *c)
            .await?;
        if v.gebruiker.rol != g.rol || v.gebruiker.gemeente != g.gemeente {
            trek_alles_in(&mut *c, &g.id, nu).await?;
        }
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
    Ok(vorige.map(|v| v.gebruiker))
}

/// Trekt alle tokens van een gebruiker in en beëindigt al zijn sessies. Geeft (tokens, sessies).
pub async fn trek_alles_in(c: &mut impl Verbinding, gebruiker_id: &str, nu: i64) -> Result<(u64, u64), DbFout> {
    let t = query("UPDATE api_tokens SET ingetrokken_op = $1 WHERE gebruiker_id = $2 AND ingetrokken_op IS NULL")
        .bind(nu)
        .bind(gebruiker_id)
        .execute(&mut *c)
        .await?;
    let s = query("DELETE FROM sessies WHERE gebruiker_id = $1").bind(gebruiker_id).execute(&mut *c).await?;
    Ok((t.rows_affected(), s.rows_affected()))
}

/// Schakelt een gebruiker uit: hij kan niet meer inloggen, zijn tokens en sessies houden direct op. De rij blijft
/// (het audittrail en de statusovergangen noemen hem). Geeft (ingetrokken tokens, beëindigde sessies); `None` als
/// er geen actieve gebruiker met dit id was.
pub async fn schakel_uit(c: &mut impl Verbinding, id: &str, nu: i64) -> Result<Option<(u64, u64)>, DbFout> {
    let r = query("UPDATE gebruikers SET actief = 0, gedeactiveerd_op = $1 WHERE id = $2 AND actief = 1").bind(nu).bind(id).execute(&mut *c).await?;
    if r.rows_affected() == 0 {
        return Ok(None);
    }
    Ok(Some(trek_alles_in(c, id, nu).await?))
}

/// Een token zoals de beheerder en de eigenaar het zien: nooit het token zelf, alleen het begin van zijn hash als id.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TokenRij {
    pub id: String,
    pub gebruiker: String,
    pub rol: Option<String>,
    pub reikwijdte: String,
    pub omschrijving: String,
    pub aangemaakt_op: i64,
    pub verloopt_op: i64,
    pub ingetrokken_op: Option<i64>,
}

/// De lengte van het id van een token: het begin van de SHA-256 (zo staat het ook in het audittrail).
pub const TOKEN_ID_LENGTE: usize = 16;

pub async fn tokens(c: &mut impl Verbinding, gebruiker_id: &str) -> Result<Vec<TokenRij>, DbFout> {
    let rijen = query(
        "SELECT hash, gebruiker_id, rol, reikwijdte, omschrijving, aangemaakt_op, verloopt_op, ingetrokken_op FROM api_tokens \
         WHERE gebruiker_id = $1 ORDER BY aangemaakt_op, hash",
    )
    .bind(gebruiker_id)
    .fetch_all(c)
    .await?;
    rijen
        .iter()
        .map(|r| {
            let hash: String = r.try_get("hash")?;
            Ok(TokenRij {
                id: hash.chars().take(TOKEN_ID_LENGTE).collect(),
                gebruiker: r.try_get("gebruiker_id")?,
                rol: r.try_get("rol")?,
                reikwijdte: r.try_get("reikwijdte")?,
                omschrijving: r.try_get("omschrijving")?,
                aangemaakt_op: r.try_get("aangemaakt_op")?,
                verloopt_op: r.try_get("verloopt_op")?,
                ingetrokken_op: r.try_get("ingetrokken_op")?,
            })
        })
        .collect()
}

/// Trekt één token van deze gebruiker in (op zijn id, het begin van de hash). `false`: geen geldig token met dat
/// id bij deze gebruiker (onbekend, van een ander, of al ingetrokken).
pub async fn trek_token_in(c: &mut impl Verbinding, gebruiker_id: &str, token_id: &str, nu: i64) -> Result<bool, DbFout> {
    if token_id.len() != TOKEN_ID_LENGTE || !token_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    // Het id is een voorvoegsel van de hash: LIKE met alleen hexadecimale tekens (geen % of _ mogelijk).
    let r = query("UPDATE api_tokens SET ingetrokken_op = $1 WHERE gebruiker_id = $2 AND hash LIKE $3 AND ingetrokken_op IS NULL")
        .bind(nu)
        .bind(gebruiker_id)
        .bind(format!("{}%", token_id.to_ascii_lowercase()))
        .execute(c)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Een verzoek om een rolwijziging (vier ogen): wat er zou worden, wat het was, wie het vroeg en hoe het afliep.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Rolverzoek {
    pub id: String,
    pub gebruiker: String,
    pub naam: String,
    pub rol: String,
    pub gemeente: Option<String>,
    pub vorige_rol: Option<String>,
    pub vorige_gemeente: Option<String>,
    pub aangevraagd_door: String,
    pub aangevraagd_op: i64,
    pub besloten_door: Option<String>,
    pub besloten_op: Option<i64>,
    pub uitkomst: Option<String>,
}

pub async fn voeg_rolverzoek_toe(c: &mut impl Verbinding, v: &Rolverzoek) -> Result<(), DbFout> {
    query(
        "INSERT INTO rolverzoeken (id, gebruiker_id, naam, rol, gemeente, vorige_rol, vorige_gemeente, aangevraagd_door, aangevraagd_op) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&v.id)
    .bind(&v.gebruiker)
    .bind(&v.naam)
    .bind(&v.rol)
    .bind(v.gemeente.clone())
    .bind(v.vorige_rol.clone())
    .bind(v.vorige_gemeente.clone())
    .bind(&v.aangevraagd_door)
    .bind(v.aangevraagd_op)
    .execute(c)
    .await?;
    Ok(())
}

fn rolverzoek(r: &Rij) -> Result<Rolverzoek, DbFout> {
    Ok(Rolverzoek {
        id: r.try_get("id")?,
        gebruiker: r.try_get("gebruiker_id")?,
        naam: r.try_get("naam")?,
        rol: r.try_get("rol")?,
        gemeente: r.try_get("gemeente")?,
        vorige_rol: r.try_get("vorige_rol")?,
        vorige_gemeente: r.try_get("vorige_gemeente")?,
        aangevraagd_door: r.try_get("aangevraagd_door")?,
        aangevraagd_op: r.try_get("aangevraagd_op")?,
        besloten_door: r.try_get("besloten_door")?,
        besloten_op: r.try_get("besloten_op")?,
        uitkomst: r.try_get("uitkomst")?,
    })
}

const ROLVERZOEK_VELDEN: &str =
    "id, gebruiker_id, naam, rol, gemeente, vorige_rol, vorige_gemeente, aangevraagd_door, aangevraagd_op, besloten_door, besloten_op, uitkomst";

pub async fn rolverzoek_haal(c: &mut impl Verbinding, id: &str) -> Result<Option<Rolverzoek>, DbFout> {
    let r = query(format!("SELECT {ROLVERZOEK_VELDEN} FROM rolverzoeken WHERE id = $1")).bind(id).fetch_optional(c).await?;
    r.as_ref().map(rolverzoek).transpose()
}

/// De verzoeken; `open`: alleen die nog niet besloten zijn.
pub async fn rolverzoeken(c: &mut impl Verbinding, open: bool) -> Result<Vec<Rolverzoek>, DbFout> {
    let rijen = query(format!("SELECT {ROLVERZOEK_VELDEN} FROM rolverzoeken WHERE ($1 = 0 OR uitkomst IS NULL) ORDER BY aangevraagd_op, id"))
        .bind(i64::from(open))
        .fetch_all(c)
        .await?;
    rijen.iter().map(rolverzoek).collect()
}

/// Legt het besluit over een open verzoek vast. `false`: het verzoek was al besloten (door een ander, intussen).
pub async fn besluit_rolverzoek(c: &mut impl Verbinding, id: &str, door: &str, uitkomst: &str, nu: i64) -> Result<bool, DbFout> {
    let r = query("UPDATE rolverzoeken SET besloten_door = $1, besloten_op = $2, uitkomst = $3 WHERE id = $4 AND uitkomst IS NULL")
        .bind(door)
        .bind(nu)
        .bind(uitkomst)
        .bind(id)
        .execute(c)
        .await?;
    Ok(r.rows_affected() > 0)
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

/// Een pagina van de actieve gebruikers (op id) en het totaal.
pub async fn pagina(c: &mut impl Verbinding, pagina: i64, per_pagina: i64) -> Result<(Vec<Gebruiker>, i64), DbFout> {
    let totaal: i64 = query("SELECT COUNT(*) AS n FROM gebruikers WHERE actief = 1").fetch_one(&mut *c).await?.try_get("n")?;
    let rijen = query("SELECT id, naam, rol, gemeente FROM gebruikers WHERE actief = 1 ORDER BY id LIMIT $1 + 0 OFFSET $2 + 0")
        .bind(per_pagina)
        .bind(pagina.saturating_sub(1).saturating_mul(per_pagina))
        .fetch_all(c)
        .await?;
    Ok((rijen.iter().map(gebruiker).collect::<Result<_, _>>()?, totaal))
}

/// De gebruiker die bij deze OIDC-identiteit hoort (issuer + subject), als die er is.
pub async fn via_oidc(c: &mut impl Verbinding, issuer: &str, subject: &str) -> Result<Option<String>, DbFout> {
    let r = query("SELECT id FROM gebruikers WHERE oidc_issuer = $1 AND oidc_subject = $2").bind(issuer).bind(subject).fetch_optional(c).await?;
    Ok(r.map(|r| r.try_get("id")).transpose()?)
}

/// Een nieuw token, gebonden aan de rol en gemeente die de gebruiker nu heeft: verandert die, dan geldt het niet meer.
pub async fn voeg_token_toe(
    c: &mut impl Verbinding,
    hash: &str,
    g: &Gebruiker,
    r: Reikwijdte,
    omschrijving: &str,
    nu: i64,
    verloopt_op: i64,
) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO api_tokens (hash, gebruiker_id, reikwijdte, omschrijving, aangemaakt_op, verloopt_op, rol, gemeente) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(hash)
    .bind(&g.id)
    .bind(r.code())
    .bind(omschrijving)
    .bind(nu)
    .bind(verloopt_op)
    .bind(g.rol.code())
    .bind(g.gemeente.map(|x| x.to_string()))
    .execute(c)
    .await?;
    Ok(())
}

/// De gebruiker en reikwijdte van een geldig token (niet verlopen, niet ingetrokken, gebruiker actief).
pub async fn token(c: &mut impl Verbinding, hash: &str, nu: i64) -> Result<Option<(Gebruiker, Reikwijdte)>, DbFout> {
    let r = query(
        "SELECT g.id, g.naam, g.rol, g.gemeente, t.reikwijdte FROM api_tokens t JOIN gebruikers g ON g.id = t.gebruiker_id \
         WHERE t.hash = $1 AND t.ingetrokken_op IS NULL AND t.verloopt_op > $2 AND g.actief = 1 \
         AND t.rol = g.rol AND COALESCE(t.gemeente, '') = COALESCE(g.gemeente, '')",
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

/// Een sessie; met een gebruiker gebonden aan zijn rol en gemeente van nu (zoals een token).
pub async fn maak_sessie(c: &mut impl Verbinding, id_hash: &str, gebruiker: Option<&Gebruiker>, csrf: &str, nu: i64) -> Result<(), sqlx::Error> {
    query("INSERT INTO sessies (id_hash, gebruiker_id, csrf, aangemaakt_op, laatst_gezien, rol, gemeente) VALUES ($1, $2, $3, $4, $4, $5, $6)")
        .bind(id_hash)
        .bind(gebruiker.map(|g| g.id.clone()))
        .bind(csrf)
        .bind(nu)
        .bind(gebruiker.map(|g| g.rol.code()))
        .bind(gebruiker.and_then(|g| g.gemeente.map(|x| x.to_string())))
        .execute(c)
        .await?;
    Ok(())
}

pub async fn sessie(c: &mut impl Verbinding, id_hash: &str) -> Result<Option<SessieRij>, DbFout> {
    let r = query(
        "SELECT s.csrf, s.oidc_state, s.oidc_nonce, s.oidc_pkce, s.aangemaakt_op, s.laatst_gezien, s.gebruiker_id, g.id, g.naam, g.rol, g.gemeente \
         FROM sessies s LEFT JOIN gebruikers g ON g.id = s.gebruiker_id AND g.actief = 1 \
         AND g.rol = s.rol AND COALESCE(g.gemeente, '') = COALESCE(s.gemeente, '') WHERE s.id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(c)
    .await?;
    let Some(r) = r else { return Ok(None) };
    let gebruiker_id: Option<String> = r.try_get("gebruiker_id")?;
    let actief: Option<String> = r.try_get("id")?;
    let gebruiker = match (gebruiker_id, actief) {
        (None, _) => None,
        // De gebruiker is intussen uitgeschakeld, of heeft een andere rol of gemeente: de sessie telt niet meer.
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
/// Een lege gemeente of een leeg lid past nooit, ook niet op een lege rij: een aanvrager (met gemeente '') zou
/// anders elke toewijzing aan een leeg lid zien.
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
            " AND zg.gemeente <> '') OR EXISTS (SELECT 1 FROM toewijzingen zt WHERE zt.aanvraag_id = ",
            $kolom,
            " AND zt.lid = $",
            $l,
            " AND zt.lid <> ''))))"
        )
    };
}
