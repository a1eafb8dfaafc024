//! `vhf backup` en `vhf restore` voor de ingebouwde standaard (SQLite). Een back-up wordt online gemaakt met
//! `VACUUM INTO`: een consistente kopie terwijl de server draait. Voor PostgreSQL: `pg_dump` (zie de README).

use std::io::Write;
use std::path::Path;

use super::{io_melding, schrijf};

fn sqlite_url(pad: &Path) -> String {
    format!("sqlite://{}", pad.display())
}

fn is_postgres() -> bool {
    std::env::var("DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio")
}

pub fn backup(data_dir: &Path, naar: &Path, fout: &mut impl Write) -> u8 {
    if is_postgres() {
        let _ = schrijf(
            fout,
            "vhf backup: DATABASE_URL wijst naar PostgreSQL; maak daar een back-up met `pg_dump --format=custom --file=vhf.dump \"$DATABASE_URL\"` (terugzetten: `pg_restore --clean --dbname=\"$DATABASE_URL\" vhf.dump`).",
        );
        return 2;
    }
    let db = data_dir.join("vhf.db");
    if !db.exists() {
        let _ = schrijf(fout, &format!("vhf backup: {} bestaat niet (is --data-dir goed?)", db.display()));
        return 2;
    }
    if naar.exists() {
        let _ = schrijf(fout, &format!("vhf backup: {} bestaat al; kies een nieuwe bestandsnaam, een back-up overschrijft nooit", naar.display()));
        return 2;
    }
    let resultaat = runtime().block_on(async {
        let db = crate::db::Db::verbind(&format!("{}?mode=rw", sqlite_url(&db))).await.map_err(|e| e.to_string())?;
        crate::db::beheer::maak_backup(&db, naar).await.map_err(|e| e.to_string())?;
        crate::db::beheer::controleer_bestand(naar).await
    });
    match resultaat {
        Ok(n) => {
            let _ = schrijf(fout, &format!("back-up gemaakt: {} ({n} aanvragen)", naar.display()));
            0
        }
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf backup: {e}"));
            2
        }
    }
}

/// Zet een back-up terug. De server moet gestopt zijn; de huidige database blijft bewaard naast de nieuwe.
pub fn restore(data_dir: &Path, van: &Path, fout: &mut impl Write) -> u8 {
    if is_postgres() {
        let _ = schrijf(fout, "vhf restore: voor PostgreSQL: `pg_restore --clean --dbname=\"$DATABASE_URL\" vhf.dump`.");
        return 2;
    }
    if !van.is_file() {
        let _ = schrijf(fout, &format!("vhf restore: {} bestaat niet of is geen bestand", van.display()));
        return 2;
    }
    let resultaat = runtime().block_on(crate::db::beheer::controleer_bestand(van)).and_then(|n| {
        std::fs::create_dir_all(data_dir).map_err(|e| format!("kan de datamap {} niet maken: {}", data_dir.display(), io_melding(&e)))?;
        let db = data_dir.join("vhf.db");
        if db.exists() {
            let bewaar = data_dir.join(format!("vhf.db.voor-herstel-{}", jiff::Timestamp::now().as_second()));
            std::fs::rename(&db, &bewaar).map_err(|e| format!("kan {} niet bewaren als {}: {}", db.display(), bewaar.display(), io_melding(&e)))?;
            let _ = schrijf(fout, &format!("de huidige database is bewaard als {}", bewaar.display()));
        }
        for bijbestand in ["vhf.db-wal", "vhf.db-shm"] {
            let _ = std::fs::remove_file(data_dir.join(bijbestand));
        }
        std::fs::copy(van, &db).map_err(|e| format!("kan {} niet kopiëren naar {}: {}", van.display(), db.display(), io_melding(&e)))?;
        Ok(n)
    });
    match resultaat {
        Ok(n) => {
            let _ = schrijf(fout, &format!("teruggezet: {} → {} ({n} aanvragen)", van.display(), data_dir.join("vhf.db").display()));
            0
        }
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf restore: {e}"));
            2
        }
    }
}
