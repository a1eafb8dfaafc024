//! De opslag: de enige plek met SQL. Eén schema, twee databases (SQLite als standaard, PostgreSQL voor schaal),
//! via sqlx `Any` met draagbare SQL (`$1`-parameters, TEXT en BIGINT). Dezelfde tests draaien tegen beide.

pub mod aanvragen;
pub mod audit;
pub mod beheer;
pub mod documenten;
mod groep;
pub mod idempotentie;
pub mod rondes;
pub mod toegang;
pub mod verdeling;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Connection, Executor};

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
    /// Bij PostgreSQL: dezelfde pool als `pool`; elke schrijver een eigen transactie.
    schrijfpool: AnyPool,
    /// Bij SQLite (één schrijver tegelijk): één eigen schrijfverbinding met groepscommit (zie `groep.rs`);
    /// schrijvers wachten er eerlijk op hun beurt, lezers lezen ondertussen door op hun eigen verbindingen (WAL).
    groep: Option<std::sync::Arc<groep::Groepscommit>>,
}

/// Een schrijvende transactie: bij PostgreSQL een gewone transactie, bij SQLite een deelname aan de groep.
pub struct Schrijftransactie {
    binnen: Binnen,
}

enum Binnen {
    Tx(sqlx::Transaction<'static, sqlx::Any>),
    Groep(groep::Onvoltooid),
}

impl Schrijftransactie {
    /// Commit; pas als dit `Ok` geeft, staat alles op schijf.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.binnen {
            Binnen::Tx(tx) => tx.commit().await,
            Binnen::Groep(mut o) => match o.0.take() {
                Some(d) => d.commit().await,
                None => Err(sqlx::Error::PoolClosed),
            },
        }
    }
}

impl std::ops::Deref for Schrijftransactie {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        match &self.binnen {
            Binnen::Tx(tx) => tx,
            Binnen::Groep(o) => o.0.as_ref().expect("deelname tot commit").verbinding_ref(),
        }
    }
}

impl std::ops::DerefMut for Schrijftransactie {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match &mut self.binnen {
            Binnen::Tx(tx) => tx,
            Binnen::Groep(o) => o.0.as_mut().expect("deelname tot commit").verbinding(),
        }
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
        let (pool, schrijfpool, groep) = match soort {
            Soort::Sqlite => {
                let pool = pool_opties(2).connect_with(opties.clone()).await?;
                // De schrijfverbinding hoort niet bij een pool: de groep houdt haar vast.
                let mut conn = sqlx::AnyConnection::connect_with(&opties).await?;
                conn.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;").await?;
                (pool.clone(), pool, Some(groep::Groepscommit::nieuw(conn)))
            }
            Soort::Postgres => {
                let p = pool_opties(16).connect_with(opties).await?;
                (p.clone(), p, None)
            }
        };
        let db = Db { pool, soort, schrijfpool, groep };
        db.migreer().await?;
        Ok(db)
    }

    async fn migreer(&self) -> Result<(), DbFout> {
        let mut tx = self.schrijf().await?;
        tx.execute("CREATE TABLE IF NOT EXISTS schema_migraties (versie BIGINT PRIMARY KEY, naam TEXT NOT NULL, toegepast_op BIGINT NOT NULL)").await?;
        tx.commit().await?;
        for (versie, naam, sql) in MIGRATIES {
            let mut tx = self.schrijf().await?;
            let al: Option<(i64,)> = sqlx::query_as("SELECT versie FROM schema_migraties WHERE versie = $1").bind(*versie).fetch_optional(&mut *tx).await?;
            if al.is_some() {
                // Afsluiten met een commit, niet laten vallen: bij SQLite houdt een losgelaten deelname de
                // schrijfverbinding vast tot de runtime haar opruimt.
                tx.commit().await?;
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

    /// Een transactie die gaat schrijven. SQLite: een deelname aan de groepscommit (een savepoint binnen
    /// `BEGIN IMMEDIATE` op de ene schrijfverbinding); PostgreSQL: een eigen transactie.
    pub async fn schrijf(&self) -> Result<Schrijftransactie, sqlx::Error> {
        Ok(Schrijftransactie {
            binnen: match &self.groep {
                Some(g) => Binnen::Groep(groep::Onvoltooid(Some(g.begin().await?))),
                None => Binnen::Tx(self.schrijfpool.begin().await?),
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
