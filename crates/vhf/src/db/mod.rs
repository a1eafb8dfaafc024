//! De opslag: de enige plek met SQL. Eén schema, twee databases (SQLite als standaard, PostgreSQL voor schaal),
//! met draagbare SQL (`$1`-parameters, TEXT en BIGINT) die via [`sql::Verbinding`] draait: lezen via sqlx `Any`,
//! schrijven bij PostgreSQL ook, bij SQLite op de ene schrijfverbinding (rusqlite, groepscommit). Dezelfde tests
//! draaien tegen beide.

pub mod aanvragen;
pub mod audit;
pub mod beheer;
pub mod besluiten;
pub mod documenten;
pub mod groep;
pub mod idempotentie;
pub mod lezen;
pub mod ondersteuning;
pub mod rondes;
pub mod sql;
pub mod toegang;
pub mod uitvoering;
pub mod verdeling;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use sql::{Rij, Verbinding, query};

/// Migraties, op volgorde; ingebouwd in het programma. Meestal één draagbare tekst voor beide databases; waar dat
/// niet kan (SQLite kan geen beperking laten vallen), een tekst per database, met dezelfde uitkomst.
const MIGRATIES: &[(i64, &str, Migratie)] = &[
    (1, "aanvragen", Migratie::Draagbaar(include_str!("../../migrations/0001_aanvragen.sql"))),
    (2, "documenten", Migratie::Draagbaar(include_str!("../../migrations/0002_documenten.sql"))),
    (3, "parameterwijzigingen", Migratie::Draagbaar(include_str!("../../migrations/0003_parameterwijzigingen.sql"))),
    (4, "verdeling", Migratie::Draagbaar(include_str!("../../migrations/0004_verdeling.sql"))),
    (5, "aanvullingen", Migratie::Draagbaar(include_str!("../../migrations/0005_aanvullingen.sql"))),
    (6, "toegang", Migratie::Draagbaar(include_str!("../../migrations/0006_toegang.sql"))),
    (7, "lijstvolgorde", Migratie::Draagbaar(include_str!("../../migrations/0007_lijstvolgorde.sql"))),
    (
        8,
        "kenmerk_per_gemeente",
        Migratie::PerDatabase {
            sqlite: include_str!("../../migrations/0008_kenmerk_per_gemeente.sqlite.sql"),
            postgres: include_str!("../../migrations/0008_kenmerk_per_gemeente.postgres.sql"),
        },
    ),
    (9, "rollen_en_tokens", Migratie::Draagbaar(include_str!("../../migrations/0009_rollen_en_tokens.sql"))),
    (10, "werkversie_en_toetsstand", Migratie::Draagbaar(include_str!("../../migrations/0010_werkversie_en_toetsstand.sql"))),
    (11, "documenten_per_aanvraag", Migratie::Draagbaar(include_str!("../../migrations/0011_documenten_per_aanvraag.sql"))),
    (12, "besluiten", Migratie::Draagbaar(include_str!("../../migrations/0012_besluiten.sql"))),
    (13, "verdeeldossier", Migratie::Draagbaar(include_str!("../../migrations/0013_verdeeldossier.sql"))),
    (14, "uitvoering", Migratie::Draagbaar(include_str!("../../migrations/0014_uitvoering.sql"))),
    (15, "ondersteuning", Migratie::Draagbaar(include_str!("../../migrations/0015_ondersteuning.sql"))),
    (16, "vastlegging", Migratie::Draagbaar(include_str!("../../migrations/0016_vastlegging.sql"))),
    (
        17,
        "aantal_per_gemeente",
        Migratie::PerDatabase {
            sqlite: include_str!("../../migrations/0017_aantal_per_gemeente.sqlite.sql"),
            postgres: include_str!("../../migrations/0017_aantal_per_gemeente.postgres.sql"),
        },
    ),
];

enum Migratie {
    Draagbaar(&'static str),
    PerDatabase { sqlite: &'static str, postgres: &'static str },
}

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
    /// Bij SQLite: de leesverbindingen (rusqlite, alleen-lezen), zie [`Db::lees`].
    lezers: Option<std::sync::Arc<lezen::Lezers>>,
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

    fn deelname(o: &groep::Onvoltooid) -> Result<&groep::Deelname, sqlx::Error> {
        o.0.as_ref().ok_or(sqlx::Error::PoolClosed)
    }

    /// Vaste SQL zonder parameters, zin voor zin (migraties).
    async fn voer_reeks_uit(&mut self, zinnen: &[String]) -> Result<(), sqlx::Error> {
        match &mut self.binnen {
            Binnen::Tx(tx) => {
                for z in zinnen {
                    // Vaste tekst uit de ingebouwde migraties, geen invoer van buiten.
                    (&mut **tx).execute(sqlx::AssertSqlSafe(z.as_str())).await?;
                }
                Ok(())
            }
            Binnen::Groep(o) => zinnen.iter().try_for_each(|z| Self::deelname(o)?.voer_reeks_uit(z)),
        }
    }
}

impl Verbinding for Schrijftransactie {
    async fn voer_uit(&mut self, v: sql::Vraag) -> Result<u64, sqlx::Error> {
        match &mut self.binnen {
            Binnen::Tx(tx) => (**tx).voer_uit(v).await,
            Binnen::Groep(o) => Self::deelname(o)?.voer_uit(&v),
        }
    }
    async fn rijen(&mut self, v: sql::Vraag) -> Result<Vec<Rij>, sqlx::Error> {
        match &mut self.binnen {
            Binnen::Tx(tx) => (**tx).rijen(v).await,
            Binnen::Groep(o) => Self::deelname(o)?.rijen(&v),
        }
    }
    fn is_sqlite(&self) -> bool {
        match &self.binnen {
            Binnen::Tx(tx) => (**tx).is_sqlite(),
            Binnen::Groep(_) => true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbFout {
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("database: {0}")]
    Sqlite(String),
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
        let (pool, schrijfpool, groep, lezers) = match soort {
            Soort::Sqlite => {
                let pool = pool_opties(2).connect_with(opties).await?;
                // De schrijfverbinding hoort niet bij een pool: de groep houdt haar vast. Het bestand bestaat nu
                // (de pool maakte het zo nodig aan, `mode=rwc`).
                let conn = schrijfverbinding(url)?;
                let groep = groep::Groepscommit::nieuw(conn);
                checkpoints_op_de_achtergrond(url, std::sync::Arc::downgrade(&groep))?;
                let lezers = lezen::Lezers::nieuw(sqlx::sqlite::SqliteConnectOptions::from_str(url)?.get_filename().to_path_buf());
                (pool.clone(), pool, Some(groep), Some(lezers))
            }
            Soort::Postgres => {
                let p = pool_opties(16).connect_with(opties).await?;
                (p.clone(), p, None, None)
            }
        };
        let db = Db { pool, soort, schrijfpool, groep, lezers };
        db.migreer().await?;
        Ok(db)
    }

    async fn migreer(&self) -> Result<(), DbFout> {
        let mut tx = self.schrijf().await?;
        self.migratieslot(&mut tx).await?;
        tx.voer_reeks_uit(
            &["CREATE TABLE IF NOT EXISTS schema_migraties (versie BIGINT PRIMARY KEY, naam TEXT NOT NULL, toegepast_op BIGINT NOT NULL)".into()],
        )
        .await?;
        tx.commit().await?;
        for (versie, naam, sql) in MIGRATIES {
            let mut tx = self.schrijf().await?;
            self.migratieslot(&mut tx).await?;
            let al = query("SELECT versie FROM schema_migraties WHERE versie = $1").bind(*versie).fetch_optional(&mut tx).await?;
            if al.is_some() {
                // Afsluiten met een commit, niet laten vallen: bij SQLite houdt een losgelaten deelname de
                // schrijfverbinding vast tot de runtime haar opruimt.
                tx.commit().await?;
                continue;
            }
            let sql = match (sql, self.soort) {
                (Migratie::Draagbaar(s), _)
                | (Migratie::PerDatabase { sqlite: s, .. }, Soort::Sqlite)
                | (Migratie::PerDatabase { postgres: s, .. }, Soort::Postgres) => s,
            };
            let zinnen = zinnen(sql);
            tx.voer_reeks_uit(&zinnen).await?;
            if *versie == 10 {
                // De toetsstanden van wat al getoetst was, uit het laatste verslag van elke aanvraag.
                aanvragen::vul_toetsstanden_aan(&mut tx).await?;
            }
            query("INSERT INTO schema_migraties (versie, naam, toegepast_op) VALUES ($1, $2, $3)")
                .bind(*versie)
                .bind(*naam)
                .bind(jiff::Timestamp::now().as_microsecond())
                .execute(&mut tx)
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Bij PostgreSQL: wacht op het slot van de migraties van dit schema, tot het eind van de transactie. Zonder
    /// dat slot migreren twee exemplaren die tegelijk op een lege database starten allebei (en struikelt er een
    /// over de tabel die de ander net maakte); met het slot wacht de tweede en ziet daarna dat het al gedaan is.
    /// Bij SQLite is er maar één schrijver, en dus geen slot nodig.
    async fn migratieslot(&self, tx: &mut Schrijftransactie) -> Result<(), sqlx::Error> {
        if self.soort == Soort::Postgres {
            // pg_advisory_xact_lock geeft void, dat de Any-driver niet kent: vandaar de omweg via een subquery.
            query("SELECT 1 AS x FROM (SELECT pg_advisory_xact_lock(hashtext('vhf-migraties:' || current_schema()))) AS slot").fetch_one(tx).await?;
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

    /// Een verbinding om te lezen. SQLite: een rusqlite-verbinding die de zin direct op de draad van het verzoek
    /// uitvoert (geen overdracht naar een werkdraad); PostgreSQL: een verbinding uit de pool.
    pub async fn lees(&self) -> Result<lezen::Leesverbinding, sqlx::Error> {
        match &self.lezers {
            Some(l) => Ok(lezen::Leesverbinding::Lite(l.neem().await?)),
            None => Ok(lezen::Leesverbinding::Sqlx(self.pool.acquire().await?)),
        }
    }

    /// De tellers van de groepscommit (alleen SQLite), voor `/metrics`.
    pub fn schrijftellers(&self) -> Option<&groep::Tellers> {
        self.groep.as_deref().map(|g| &*g.tellers)
    }

    /// Voor /readyz: kan de database een vraag beantwoorden?
    pub async fn gereed(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// De schrijfverbinding van SQLite: hetzelfde bestand, dezelfde instellingen als de leesverbindingen.
fn schrijfverbinding(url: &str) -> Result<rusqlite::Connection, DbFout> {
    let pad = sqlx::sqlite::SqliteConnectOptions::from_str(url)?.get_filename().to_path_buf();
    let fout = |e: rusqlite::Error| DbFout::Sqlite(format!("{}: {e}", pad.display()));
    let c =
        rusqlite::Connection::open_with_flags(&pad, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(fout)?;
    c.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;").map_err(fout)?;
    // Checkpoints doet een eigen draad (hieronder), niet de COMMIT van een groep; deze grens is alleen een vangnet
    // als die draad achterloopt (8192 pagina's = 32 MiB WAL).
    c.execute_batch("PRAGMA wal_autocheckpoint=8192;").map_err(fout)?;
    // De ene schrijver houdt de pagina's die hij steeds weer raakt (indexen, de kop van het audittrail) in zijn
    // eigen cache: 16 MiB in plaats van 2.
    c.execute_batch("PRAGMA cache_size=-16384;").map_err(fout)?;
    c.set_prepared_statement_cache_capacity(128);
    Ok(c)
}

/// Zet de WAL van SQLite op de achtergrond over naar het databasebestand (`wal_checkpoint(PASSIVE)`, elke
/// 100 ms, op een eigen verbinding en draad). Zonder dit doet de COMMIT die de WAL over 1000 pagina's tilt het
/// werk, met twee fsyncs, terwijl alle schrijvers op die COMMIT wachten. PASSIVE houdt schrijvers en lezers
/// niet op. De draad stopt als de database niet meer gebruikt wordt.
fn checkpoints_op_de_achtergrond(url: &str, groep: std::sync::Weak<groep::Groepscommit>) -> Result<(), DbFout> {
    let pad = sqlx::sqlite::SqliteConnectOptions::from_str(url)?.get_filename().to_path_buf();
    let c = rusqlite::Connection::open_with_flags(&pad, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| DbFout::Sqlite(format!("{}: {e}", pad.display())))?;
    // Dezelfde duurzaamheid als de schrijver: de checkpoint synchroniseert WAL en databasebestand.
    c.execute_batch("PRAGMA synchronous=FULL;").map_err(|e| DbFout::Sqlite(format!("{}: {e}", pad.display())))?;
    std::thread::Builder::new()
        .name("vhf-checkpoint".into())
        .spawn(move || {
            while groep.strong_count() > 0 {
                std::thread::sleep(Duration::from_millis(100));
                if let Err(e) = c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(fout = %e, "checkpoint van de WAL mislukt; de volgende poging volgt");
                }
            }
        })
        .map_err(|e| DbFout::Sqlite(format!("checkpointdraad: {e}")))?;
    Ok(())
}

fn zonder_commentaar(s: &str) -> String {
    s.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n")
}

/// De zinnen van een migratie: geknipt op `;`, behalve binnen een `CREATE TRIGGER … BEGIN … END;`, waarvan de
/// zinnen tussen BEGIN en END bij de trigger horen.
fn zinnen(sql: &str) -> Vec<String> {
    let mut uit: Vec<String> = Vec::new();
    let mut trigger: Option<String> = None;
    for deel in zonder_commentaar(sql).split(';') {
        if let Some(t) = trigger.as_mut() {
            t.push(';');
            t.push_str(deel);
            if deel.trim().eq_ignore_ascii_case("END") {
                uit.push(trigger.take().expect("in een trigger"));
            }
        } else if deel.trim_start().get(..14).is_some_and(|b| b.eq_ignore_ascii_case("CREATE TRIGGER")) {
            trigger = Some(deel.to_string());
        } else if !deel.trim().is_empty() {
            uit.push(deel.to_string());
        }
    }
    assert!(trigger.is_none(), "een CREATE TRIGGER zonder END in een ingebouwde migratie");
    uit
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
    fn een_trigger_is_een_zin() {
        let z = super::zinnen(
            "-- uitleg; met een puntkomma\nCREATE TABLE a (x INT);\nCREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n  UPDATE b SET n = n + 1;\n  UPDATE c SET n = 1;\nEND;\nINSERT INTO a VALUES (1);\n",
        );
        let z: Vec<&str> = z.iter().map(|s| s.trim()).collect();
        assert_eq!(
            z,
            [
                "CREATE TABLE a (x INT)",
                "CREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n  UPDATE b SET n = n + 1;\n  UPDATE c SET n = 1;\nEND",
                "INSERT INTO a VALUES (1)"
            ]
        );
        // Elke ingebouwde migratie knipt zonder een trigger open te laten (dat zou een paniek geven).
        for (_, _, m) in super::MIGRATIES {
            match m {
                super::Migratie::Draagbaar(s) => drop(super::zinnen(s)),
                super::Migratie::PerDatabase { sqlite, postgres } => drop((super::zinnen(sqlite), super::zinnen(postgres))),
            }
        }
    }

    #[test]
    fn wachtwoorden_komen_niet_in_logs() {
        assert_eq!(super::verberg_wachtwoord("postgres://vhf:geheim@db:5432/vhf"), "postgres://vhf:***@db:5432/vhf");
        assert_eq!(super::verberg_wachtwoord("sqlite:///data/vhf.db"), "sqlite:///data/vhf.db");
    }
}
