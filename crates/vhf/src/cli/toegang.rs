//! `vhf gebruiker`, `vhf token` en `vhf audit verify`: beheer vanaf de opdrachtregel, op dezelfde database als
//! `vhf serve` (dezelfde configuratie: --config, VHF_*, DATABASE_URL, --data-dir). Zo komt de eerste beheerder
//! erin, en krijgen koppelingen en de lasttest een token. Elke wijziging staat in het audittrail, met als actor
//! de gebruiker van het besturingssysteem.

use std::io::Write;

use serde_json::json;
use vhf_core::codes::GemeenteCode;

use super::schrijf;
use crate::config::{Configuratie, Opdrachtregel};
use crate::db::Db;
use crate::db::audit::Gebeurtenis;
use crate::toegang::{Gebruiker, Reikwijdte, Rol};

pub(super) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio")
}

/// Verbindt met de database van de configuratie. `maken`: een nieuwe SQLite-database mag ontstaan (bij het
/// aanmaken van de eerste beheerder); anders moet ze er al zijn (een controle op een lege, net gemaakte database
/// zou niets zeggen).
pub(super) async fn verbind(o: &Opdrachtregel, maken: bool) -> Result<Db, String> {
    let c = Configuratie::laad(o, |k| std::env::var(k).ok())?;
    if c.database_url.is_none() {
        let bestand = c.data_dir.join("vhf.db");
        if !maken && !bestand.exists() {
            return Err(format!("{} bestaat niet (is --data-dir goed?)", bestand.display()));
        }
        std::fs::create_dir_all(&c.data_dir).map_err(|e| format!("datamap {}: {}", c.data_dir.display(), super::io_melding(&e)))?;
    }
    Db::verbind(&c.database_url()).await.map_err(|e| e.to_string())
}

fn wie() -> String {
    format!("cli:{}", std::env::var("USER").unwrap_or_else(|_| "onbekend".into()))
}

fn gebeurtenis<'a>(actor: &'a str, actie: &'a str, object: String, voor: Option<String>, na: Option<String>) -> Gebeurtenis<'a> {
    Gebeurtenis { op: jiff::Timestamp::now().as_microsecond(), actor, rol: "beheer-cli", actie, object, aanvraag_id: None, voor, na, verzoek_id: "" }
}

/// `vhf gebruiker opslaan ID --naam --rol [--gemeente]`
pub fn gebruiker(o: &Opdrachtregel, id: &str, naam: &str, rol: &str, gemeente: Option<&str>, fout: &mut impl Write, uit: &mut impl Write) -> u8 {
    let g = (|| {
        let rol: Rol = rol.parse()?;
        let gemeente = gemeente.map(GemeenteCode::parse).transpose().map_err(|e| e.to_string())?;
        Gebruiker::nieuw(id, naam, rol, gemeente)
    })();
    let g = match g {
        Ok(g) => g,
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf gebruiker: {e}"));
            return 2;
        }
    };
    let r: Result<(), String> = runtime().block_on(async {
        let db = verbind(o, true).await?;
        let mut tx = db.schrijf().await.map_err(|e| e.to_string())?;
        let vorige = crate::db::toegang::sla_op(&mut tx, &g, None, jiff::Timestamp::now().as_microsecond()).await.map_err(|e| e.to_string())?;
        let beschrijf = |g: &Gebruiker| json!({ "naam": g.naam, "rol": g.rol.code(), "gemeente": g.gemeente.map(|x| x.to_string()) }).to_string();
        crate::db::audit::schrijf(
            &mut tx,
            gebeurtenis(&wie(), "gebruiker.opgeslagen", format!("gebruiker/{}", g.id), vorige.as_ref().map(beschrijf), Some(beschrijf(&g))),
        )
        .await
        .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())
    });
    match r {
        Ok(()) => schrijf(uit, &format!("gebruiker {} opgeslagen ({})", g.id, g.rol)).map_or(2, |_| 0),
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf gebruiker: {e}"));
            2
        }
    }
}

/// `vhf token maak GEBRUIKER --reikwijdte --omschrijving [--dagen]`: drukt het token één keer af.
pub fn token(o: &Opdrachtregel, gebruiker: &str, reikwijdte: &str, omschrijving: &str, dagen: i64, fout: &mut impl Write, uit: &mut impl Write) -> u8 {
    let r: Result<String, String> = runtime().block_on(async {
        let reikwijdte: Reikwijdte = reikwijdte.parse()?;
        if !(1..=366).contains(&dagen) || omschrijving.trim().is_empty() {
            return Err("een token is 1 tot en met 366 dagen geldig (--dagen) en heeft een omschrijving".into());
        }
        let db = verbind(o, false).await?;
        let mut tx = db.schrijf().await.map_err(|e| e.to_string())?;
        let g = crate::db::toegang::haal(&mut tx, gebruiker)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("gebruiker '{gebruiker}' bestaat niet of is uitgeschakeld (vhf gebruiker opslaan …)"))?;
        let (token, hash) = crate::server::beheer::nieuw_token();
        let nu = jiff::Timestamp::now().as_microsecond();
        let verloopt = nu + dagen * 86_400_000_000;
        crate::db::toegang::voeg_token_toe(&mut tx, &hash, &g, reikwijdte, omschrijving, nu, verloopt).await.map_err(|e| e.to_string())?;
        let na =
            json!({ "token": &hash[..16], "rol": g.rol.code(), "reikwijdte": reikwijdte.code(), "omschrijving": omschrijving, "dagen": dagen }).to_string();
        crate::db::audit::schrijf(&mut tx, gebeurtenis(&wie(), "token.gemaakt", format!("gebruiker/{gebruiker}/token"), None, Some(na)))
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
        Ok(token)
    });
    match r {
        Ok(t) => schrijf(uit, &t).map_or(2, |_| 0),
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf token: {e}"));
            2
        }
    }
}

/// Tijd voor de opdrachtregel: Nederlandse tijd.
fn lokaal(micro: i64) -> String {
    jiff::Timestamp::from_microsecond(micro)
        .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or(jiff::tz::TimeZone::UTC)).strftime("%d-%m-%Y %H:%M").to_string())
        .unwrap_or_else(|_| "?".into())
}

/// `vhf token lijst GEBRUIKER`
pub fn tokens(o: &Opdrachtregel, gebruiker: &str, fout: &mut impl Write, uit: &mut impl Write) -> u8 {
    let r: Result<Vec<crate::db::toegang::TokenRij>, String> = runtime().block_on(async {
        let db = verbind(o, false).await?;
        let mut c = db.lees().await.map_err(|e| e.to_string())?;
        if crate::db::toegang::haal_opgeslagen(&mut c, gebruiker).await.map_err(|e| e.to_string())?.is_none() {
            return Err(format!("gebruiker '{gebruiker}' bestaat niet"));
        }
        crate::db::toegang::tokens(&mut c, gebruiker).await.map_err(|e| e.to_string())
    });
    match r {
        Ok(v) if v.is_empty() => schrijf(uit, &format!("{gebruiker} heeft geen tokens")).map_or(2, |_| 0),
        Ok(v) => {
            let mut t = format!("{:<16}  {:<12}  {:<9}  {:<16}  {:<16}  omschrijving", "token", "rol", "reikwijdte", "geldig tot", "ingetrokken");
            for x in v {
                t.push_str(&format!(
                    "\n{:<16}  {:<12}  {:<9}  {:<16}  {:<16}  {}",
                    x.id,
                    x.rol.unwrap_or_default(),
                    x.reikwijdte,
                    lokaal(x.verloopt_op),
                    x.ingetrokken_op.map(lokaal).unwrap_or_else(|| "-".into()),
                    x.omschrijving
                ));
            }
            schrijf(uit, &t).map_or(2, |_| 0)
        }
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf token lijst: {e}"));
            2
        }
    }
}

/// `vhf token intrekken GEBRUIKER TOKEN`
pub fn trek_in(o: &Opdrachtregel, gebruiker: &str, token: &str, fout: &mut impl Write, uit: &mut impl Write) -> u8 {
    let r: Result<(), String> = runtime().block_on(async {
        let db = verbind(o, false).await?;
        let mut tx = db.schrijf().await.map_err(|e| e.to_string())?;
        let nu = jiff::Timestamp::now().as_microsecond();
        if !crate::db::toegang::trek_token_in(&mut tx, gebruiker, token, nu).await.map_err(|e| e.to_string())? {
            return Err(format!("{gebruiker} heeft geen geldig token '{token}' (zie vhf token lijst {gebruiker})"));
        }
        let na = json!({ "token": token }).to_string();
        crate::db::audit::schrijf(&mut tx, gebeurtenis(&wie(), "token.ingetrokken", format!("gebruiker/{gebruiker}/token/{token}"), None, Some(na)))
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())
    });
    match r {
        Ok(()) => schrijf(uit, &format!("token {token} van {gebruiker} ingetrokken")).map_or(2, |_| 0),
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf token intrekken: {e}"));
            2
        }
    }
}

/// `vhf gebruiker deactiveren ID`
pub fn deactiveer(o: &Opdrachtregel, id: &str, fout: &mut impl Write, uit: &mut impl Write) -> u8 {
    let r: Result<(u64, u64), String> = runtime().block_on(async {
        let db = verbind(o, false).await?;
        let mut tx = db.schrijf().await.map_err(|e| e.to_string())?;
        let nu = jiff::Timestamp::now().as_microsecond();
        let (tokens, sessies) =
            crate::db::toegang::schakel_uit(&mut tx, id, nu).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("er is geen actieve gebruiker '{id}'"))?;
        let na = json!({ "actief": false, "tokens_ingetrokken": tokens, "sessies_beeindigd": sessies }).to_string();
        crate::db::audit::schrijf(
            &mut tx,
            gebeurtenis(&wie(), "gebruiker.gedeactiveerd", format!("gebruiker/{id}"), Some(json!({ "actief": true }).to_string()), Some(na)),
        )
        .await
        .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
        Ok((tokens, sessies))
    });
    match r {
        Ok((t, s)) => schrijf(uit, &format!("gebruiker {id} uitgeschakeld; {t} token(s) ingetrokken, {s} sessie(s) beëindigd")).map_or(2, |_| 0),
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf gebruiker deactiveren: {e}"));
            2
        }
    }
}

/// `vhf audit verify`: 0 als de keten klopt (met het aantal rijen en de kop-hash), 1 met elke afwijking.
pub fn verifieer(o: &Opdrachtregel, fout: &mut impl Write, uit: &mut impl Write) -> u8 {
    let r = runtime().block_on(async {
        let db = verbind(o, false).await?;
        let mut c = db.lees().await.map_err(|e| e.to_string())?;
        crate::server::beheer::verifieer(&mut c).await.map_err(|e| e.to_string())
    });
    match r {
        Ok((Ok(n), kop)) => {
            schrijf(uit, &format!("audittrail in orde: {n} rijen, de keten klopt. Kop-hash (leg die buiten het systeem vast): {kop}")).map_or(2, |_| 0)
        }
        Ok((Err(afwijkingen), kop)) => {
            let _ = schrijf(fout, &format!("audittrail NIET in orde ({} afwijking(en)); kop-hash in de database: {kop}", afwijkingen.len()));
            for a in afwijkingen {
                let _ = schrijf(fout, &format!("  - {a}"));
            }
            1
        }
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf audit verify: {e}"));
            2
        }
    }
}
