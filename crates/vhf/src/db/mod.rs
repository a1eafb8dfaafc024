//! De opslag: de enige plek met SQL. Eén schema, twee databases (SQLite als standaard, PostgreSQL voor schaal),
//! via sqlx `Any` met draagbare SQL (`$1`-parameters, TEXT en BIGINT). Dezelfde tests draaien tegen beide.

pub mod aanvragen;
pub mod audit;
pub mod beheer;
pub mod documenten;
pub mod idempotentie;
pub mod rondes;
pub mod toegang;
pub mod verdeling;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// Migraties, op volgorde; ingebouwd in het programma.
const MIGRATIES: &[(i64, &str, &str)] = &[
    (1, "aanvragen", include_str!("../../migrations/0001_aanvragen.sql")),
    (2, "documenten", include_str!("../../migrations/0002_documenten.sql")),
    (3, "parameterwijzigingen", include_str!("../../migrations/0003_parameterwijzigingen.sql")),
    (4, "verdeling", include_str!("../../migrations/0004_verdeling.sql")),
    (5, "aanvullingen", include_str!("../../migrations/0005_aanvullingen.sql")),
    (6, "toegang", include_str!("../../migrations/0006_toegang.sql")),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Soort {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub soort: Soort,
    /// SQLite kent één schrijver tegelijk: schrijvers krijgen één eigen verbinding en wachten daar op hun beurt
    /// (eerlijk, in volgorde) in plaats van in SQLite's busy-handler te slapen; lezers hebben hun eigen
    /// verbindingen en lezen ondertussen door (WAL). Bij PostgreSQL is dit dezelfde pool als `pool`.
    schrijfpool: AnyPool,
}

/// Een schrijvende transactie.
pub struct Schrijftransactie {
    tx: sqlx::Transaction<'static, sqlx::Any>,
}

impl Schrijftransactie {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for Schrijftransactie {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for Schrijftransactie {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbFout {
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("database-URL '{0}' wordt niet ondersteund: gebruik sqlite://… of postgres://…")]
    OnbekendeUrl(String),
    #[error("opgeslagen gegevens zijn onleesbaar: {0}")]
    Onleesbaar(String),
}

impl Db {
    /// Verbindt en past de migraties toe. SQLite: WAL, `synchronous=FULL` (een bevestigde transactie staat op
    /// schijf), foreign keys aan, wachten bij een bezette database.
    pub async fn verbind(url: &str) -> Result<Db, DbFout> {
        sqlx::any::install_default_drivers();
        let soort = if url.starts_with("sqlite:") {
            Soort::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Soort::Postgres
        } else {
            return Err(DbFout::OnbekendeUrl(verberg_wachtwoord(url)));
        };
        let opties = AnyConnectOptions::from_str(url)?;
        let pool_opties = |n: u32| {
            let p = AnyPoolOptions::new().max_connections(n).acquire_timeout(Duration::from_secs(30));
            if soort == Soort::Sqlite {
                p.after_connect(|c, _| {
                    Box::pin(async move {
                        c.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;").await?;
                        Ok(())
                    })
                })
            } else {
                p
            }
        };
        let (pool, schrijfpool) = match soort {
            Soort::Sqlite => {
                let schrijf = pool_opties(1).connect_with(opties.clone()).await?;
                (pool_opties(2).connect_with(opties).await?, schrijf)
            }
            Soort::Postgres => {
                let p = pool_opties(16).connect_with(opties).await?;
                (p.clone(), p)
            }
        };
        let db = Db { pool, soort, schrijfpool };
        db.migreer().await?;
        Ok(db)
    }

    async fn migreer(&self) -> Result<(), DbFout> {
        self.schrijfpool
            .execute("CREATE TABLE IF NOT EXISTS schema_migraties (versie BIGINT PRIMARY KEY, naam TEXT NOT NULL, toegepast_op BIGINT NOT NULL)")
            .await?;
        for (versie, naam, sql) in MIGRATIES {
            let mut tx = self.schrijf().await?;
            let al: Option<(i64,)> = sqlx::query_as("SELECT versie FROM schema_migraties WHERE versie = $1").bind(*versie).fetch_optional(&mut *tx).await?;
            if al.is_some() {
                continue;
            }
            for stuk in zonder_commentaar(sql).split(';').map(str::to_string).filter(|s| !s.trim().is_empty()) {
                // Vaste tekst uit de ingebouwde migraties, geen invoer van buiten.
                tx.execute(sqlx::AssertSqlSafe(stuk)).await?;
            }
            sqlx::query("INSERT INTO schema_migraties (versie, naam, toegepast_op) VALUES ($1, $2, $3)")
                .bind(*versie)
                .bind(*naam)
                .bind(jiff::Timestamp::now().as_microsecond())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Een transactie die gaat schrijven. SQLite: `BEGIN IMMEDIATE`, zodat gelijktijdige schrijvers op elkaar
    /// wachten (busy_timeout) in plaats van halverwege te falen bij het opwaarderen van een leesslot.
    pub async fn schrijf(&self) -> Result<Schrijftransactie, sqlx::Error> {
        Ok(Schrijftransactie {
            tx: match self.soort {
                Soort::Sqlite => self.schrijfpool.begin_with("BEGIN IMMEDIATE").await?,
                Soort::Postgres => self.schrijfpool.begin().await?,
            },
        })
    }

    /// Voor /readyz: kan de database een vraag beantwoorden?
    pub async fn gereed(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

fn zonder_commentaar(s: &str) -> String {
    s.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n")
}

/// Een database-URL zonder wachtwoord, voor logs en foutmeldingen.
pub fn verberg_wachtwoord(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(a)) if a > s => {
            let gebruiker = &url[s + 3..a];
            let naam = gebruiker.split(':').next().unwrap_or("");
            format!("{}://{naam}:***@{}", &url[..s], &url[a + 1..])
        }
        _ => url.to_string(),
    }
}

/// Is dit een schending van een unieke sleutel (een gelijktijdige dubbele invoer)?
pub fn is_uniek_conflict(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => d.is_unique_violation(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn wachtwoorden_komen_niet_in_logs() {
        assert_eq!(super::verberg_wachtwoord("postgres://vhf:geheim@db:5432/vhf"), "postgres://vhf:***@db:5432/vhf");
        assert_eq!(super::verberg_wachtwoord("sqlite:///data/vhf.db"), "sqlite:///data/vhf.db");
    }
}
