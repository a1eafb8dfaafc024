//! Leesverbindingen. Bij SQLite een kleine eigen pool van rusqlite-verbindingen in alleen-lezen-stand: een vraag
//! wordt direct op de draad van het verzoek uitgevoerd (tientallen microseconden), zonder de overdracht naar en
//! van een werkdraad die sqlx per zin doet. Door WAL lezen ze door terwijl de schrijver schrijft. Bij PostgreSQL
//! gewoon een verbinding uit de sqlx-pool.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::sql::{Rij, Verbinding, Vraag, lite_fout, lite_rijen, lite_voer_uit};

/// Hoeveel leesverbindingen er ten hoogste tegelijk open zijn.
const MAX_LEZERS: usize = 8;

/// Duurt een vraag langer dan dit, dan geeft het verzoek daarna de draad even vrij (een grote lijst of de
/// controle van het audittrail mag de andere verzoeken niet ophouden).
const LANG: Duration = Duration::from_millis(1);

pub struct Lezers {
    pad: PathBuf,
    vrij: Mutex<Vec<rusqlite::Connection>>,
    plaatsen: Arc<Semaphore>,
}

impl Lezers {
    pub fn nieuw(pad: PathBuf) -> Arc<Lezers> {
        Arc::new(Lezers { pad, vrij: Mutex::new(Vec::new()), plaatsen: Arc::new(Semaphore::new(MAX_LEZERS)) })
    }

    /// Een vrije verbinding, of een nieuwe als er nog plaats is; anders wachten op een plaats.
    pub async fn neem(self: &Arc<Self>) -> Result<LiteLezer, sqlx::Error> {
        let plaats = self.plaatsen.clone().acquire_owned().await.map_err(|_| sqlx::Error::PoolClosed)?;
        let bestaand = self.vrij.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match bestaand {
            Some(c) => c,
            None => open(&self.pad)?,
        };
        Ok(LiteLezer { conn: Some(conn), lezers: self.clone(), _plaats: plaats })
    }
}

fn open(pad: &std::path::Path) -> Result<rusqlite::Connection, sqlx::Error> {
    use rusqlite::OpenFlags;
    let c = rusqlite::Connection::open_with_flags(pad, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(lite_fout)?;
    // query_only: een leesverbinding die per ongeluk zou schrijven, faalt hard in plaats van met de schrijver te
    // wedijveren om het slot.
    // mmap_size: de leesverbindingen lezen het databasebestand via een geheugenafbeelding in plaats van elke pagina
    // met read() te kopiëren (de eigen paginacache van 2 MB per verbinding houdt een werkvoorraad van duizenden
    // aanvragen niet vast: met 10.000 aanvragen las elke telling van de werkvoorraad zo 40 MB). Gedeeld met de
    // paginacache van het besturingssysteem, dus niet per verbinding opnieuw. De WAL leest SQLite zoals altijd.
    c.execute_batch("PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; PRAGMA query_only=1; PRAGMA mmap_size=1073741824;").map_err(lite_fout)?;
    c.set_prepared_statement_cache_capacity(64);
    Ok(c)
}

/// Een geleende leesverbinding; gaat bij drop terug naar de pool.
pub struct LiteLezer {
    conn: Option<rusqlite::Connection>,
    lezers: Arc<Lezers>,
    _plaats: OwnedSemaphorePermit,
}

impl LiteLezer {
    fn conn(&self) -> Result<&rusqlite::Connection, sqlx::Error> {
        self.conn.as_ref().ok_or(sqlx::Error::PoolClosed)
    }
}

impl Drop for LiteLezer {
    fn drop(&mut self) {
        if let Some(c) = self.conn.take() {
            self.lezers.vrij.lock().unwrap_or_else(|e| e.into_inner()).push(c);
        }
    }
}

/// Een leesverbinding van een van beide soorten.
pub enum Leesverbinding {
    Lite(LiteLezer),
    Sqlx(sqlx::pool::PoolConnection<sqlx::Any>),
}

async fn na_lange_vraag(begin: Instant) {
    if begin.elapsed() >= LANG {
        tokio::task::yield_now().await;
    }
}

impl Verbinding for Leesverbinding {
    async fn voer_uit(&mut self, v: Vraag) -> Result<u64, sqlx::Error> {
        match self {
            Leesverbinding::Lite(l) => {
                let begin = Instant::now();
                let r = lite_voer_uit(l.conn()?, &v);
                na_lange_vraag(begin).await;
                r
            }
            Leesverbinding::Sqlx(c) => c.voer_uit(v).await,
        }
    }
    async fn rijen(&mut self, v: Vraag) -> Result<Vec<Rij>, sqlx::Error> {
        match self {
            Leesverbinding::Lite(l) => {
                let begin = Instant::now();
                let r = lite_rijen(l.conn()?, &v);
                na_lange_vraag(begin).await;
                r
            }
            Leesverbinding::Sqlx(c) => c.rijen(v).await,
        }
    }
    fn is_sqlite(&self) -> bool {
        match self {
            Leesverbinding::Lite(_) => true,
            Leesverbinding::Sqlx(c) => c.is_sqlite(),
        }
    }
}
