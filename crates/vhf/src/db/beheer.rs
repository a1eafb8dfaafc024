//! SQL voor beheer: een online back-up van SQLite en de controle van een back-upbestand.

use std::path::Path;

use super::{Db, DbFout};

/// Een consistente kopie terwijl de server draait (`VACUUM INTO`).
pub async fn maak_backup(db: &Db, naar: &Path) -> Result<(), DbFout> {
    sqlx::query("VACUUM INTO $1").bind(naar.display().to_string()).execute(&db.pool).await?;
    Ok(())
}

/// Is dit bestand een gave vhf-database? Geeft het aantal aanvragen.
pub async fn controleer_bestand(pad: &Path) -> Result<i64, String> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite://{}?mode=ro", pad.display()))
        .await
        .map_err(|e| format!("{}: {e}", pad.display()))?;
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM aanvragen").fetch_one(&pool).await.map_err(|_| format!("{} is geen vhf-database", pad.display()))?;
    let (ok,): (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&pool).await.map_err(|e| e.to_string())?;
    if ok != "ok" {
        return Err(format!("{} is beschadigd: {ok}", pad.display()));
    }
    Ok(n)
}
