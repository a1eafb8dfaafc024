//! Groepscommit voor SQLite: veel gelijktijdige schrijvers delen één fsync.
//!
//! SQLite kent één schrijver. Elke schrijvende transactie van een verzoek wordt een SAVEPOINT binnen één open
//! transactie (`BEGIN IMMEDIATE`) op de ene schrijfverbinding; de verzoeken komen er na elkaar (eerlijk, in
//! volgorde) aan de beurt. Wie klaar is, geeft zijn savepoint vrij en wacht op de COMMIT van de groep; pas dán
//! krijgt hij antwoord — een ontvangstbewijs staat dus altijd op schijf. De groep wordt gecommit door wie als
//! laatste aan de beurt was (niemand wacht meer), of eerder als ze 64 verzoeken of 5 ms oud is.
//!
//! De schrijfverbinding is een rusqlite-verbinding: wie aan de beurt is, voert zijn zinnen direct uit op zijn
//! eigen draad (microseconden per zin, geen overdracht naar een werkdraad per zin); alleen BEGIN en COMMIT, die
//! op de schijf of op een andere schrijver kunnen wachten, gaan naar een blokkerende draad van tokio.
//!
//! Een verzoek dat faalt, rolt alleen zijn eigen savepoint terug; de anderen merken er niets van. Faalt de COMMIT
//! zelf, dan krijgt iedereen in de groep een fout: niemand kreeg een bevestiging van iets dat niet op schijf staat.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use super::sql::{Rij, Vraag, lite_fout, lite_rijen, lite_voer_uit};

const MAX_GROEP: usize = 64;
const MAX_LEEFTIJD: Duration = Duration::from_millis(5);

pub struct Groepscommit {
    slot: Arc<Mutex<Groep>>,
    pub tellers: Arc<Tellers>,
    /// Hoeveel verzoeken op de verbinding wachten; 0 betekent: wie nu aan de beurt is, is de laatste.
    wachtrij: AtomicUsize,
}

/// Voor `/metrics`: hoe lang de schrijfbeurt per verzoek duurt en hoe lang een COMMIT (de fsync) van een groep.
#[derive(Default)]
pub struct Tellers {
    pub deelnames: AtomicU64,
    pub beurt_microseconden: AtomicU64,
    pub commits: AtomicU64,
    pub mislukte_commits: AtomicU64,
    pub commit_microseconden: AtomicU64,
}

struct Groep {
    conn: rusqlite::Connection,
    tellers: Arc<Tellers>,
    open: Option<Instant>,
    wachtenden: Vec<oneshot::Sender<Result<(), String>>>,
}

/// Eén verzoek in de groep: de verbinding is van hem tot hij klaar is.
pub struct Deelname {
    guard: OwnedMutexGuard<Groep>,
    groep: Arc<Groepscommit>,
    /// Sinds wanneer dit verzoek de beurt heeft.
    sinds: Instant,
}

impl Groepscommit {
    pub fn nieuw(conn: rusqlite::Connection) -> Arc<Groepscommit> {
        let tellers = Arc::new(Tellers::default());
        Arc::new(Groepscommit {
            slot: Arc::new(Mutex::new(Groep { conn, tellers: tellers.clone(), open: None, wachtenden: Vec::new() })),
            tellers,
            wachtrij: AtomicUsize::new(0),
        })
    }

    /// Wacht op de beurt, opent zo nodig de groep, en begint een savepoint.
    pub async fn begin(self: &Arc<Self>) -> Result<Deelname, sqlx::Error> {
        let mut guard = {
            // Ook als het verzoek tijdens het wachten wordt afgebroken, telt het daarna niet meer mee.
            let _in_de_rij = InDeRij::nieuw(&self.wachtrij);
            self.slot.clone().lock_owned().await
        };
        if guard.open.is_none() {
            // Kan wachten op een andere schrijver (busy_timeout), dus niet op een draad van de runtime. De
            // toestand wordt op die draad bijgewerkt: ook als dit verzoek intussen wordt afgebroken, klopt ze.
            let (g, r) = blokkerend(guard, |g| {
                let r = g.conn.execute_batch("BEGIN IMMEDIATE");
                if r.is_ok() {
                    g.open = Some(Instant::now());
                }
                r
            })
            .await?;
            guard = g;
            r.map_err(lite_fout)?;
        }
        let d = Deelname { guard, groep: self.clone(), sinds: Instant::now() };
        if let Err(e) = d.guard.conn.execute_batch("SAVEPOINT verzoek") {
            d.afronden().await;
            return Err(lite_fout(e));
        }
        Ok(d)
    }
}

impl Deelname {
    pub fn voer_uit(&self, v: &Vraag) -> Result<u64, sqlx::Error> {
        lite_voer_uit(&self.guard.conn, v)
    }

    pub fn rijen(&self, v: &Vraag) -> Result<Vec<Rij>, sqlx::Error> {
        lite_rijen(&self.guard.conn, v)
    }

    /// Een reeks vaste zinnen zonder parameters (migraties).
    pub fn voer_reeks_uit(&self, sql: &str) -> Result<(), sqlx::Error> {
        self.guard.conn.execute_batch(sql).map_err(lite_fout)
    }

    /// Savepoint vrijgeven en wachten tot de groep op schijf staat.
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        if let Err(e) = self.guard.conn.execute_batch("RELEASE verzoek") {
            self.terugdraaien();
            self.afronden().await;
            return Err(lite_fout(e));
        }
        let (tx, rx) = oneshot::channel();
        self.guard.wachtenden.push(tx);
        self.afronden().await;
        match rx.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(sqlx::Error::Protocol(format!("groepscommit mislukt: {e}"))),
            Err(_) => Err(sqlx::Error::Protocol("groepscommit afgebroken".into())),
        }
    }

    /// Het eigen savepoint terugdraaien (de rest van de groep blijft).
    fn terugdraaien(&mut self) {
        if self.guard.conn.execute_batch("ROLLBACK TO verzoek").is_err() || self.guard.conn.execute_batch("RELEASE verzoek").is_err() {
            // De verbinding is niet meer te vertrouwen: de hele groep terug, iedereen een fout.
            let _ = self.guard.conn.execute_batch("ROLLBACK");
            self.guard.open = None;
            for w in self.guard.wachtenden.drain(..) {
                let _ = w.send(Err("terugdraaien mislukt; de groep is teruggedraaid".into()));
            }
        }
    }

    /// De beurt teruggeven; commit de groep als niemand meer wacht, of als ze vol of oud genoeg is.
    async fn afronden(self) {
        let Deelname { guard, groep, sinds } = self;
        guard.tellers.deelnames.fetch_add(1, Ordering::Relaxed);
        guard.tellers.beurt_microseconden.fetch_add(u64::try_from(sinds.elapsed().as_micros()).unwrap_or(u64::MAX), Ordering::Relaxed);
        let Some(begonnen) = guard.open else { return };
        let nu_committen = groep.wachtrij.load(Ordering::SeqCst) == 0 || guard.wachtenden.len() >= MAX_GROEP || begonnen.elapsed() >= MAX_LEEFTIJD;
        if nu_committen {
            commit_groep(guard).await;
            return;
        }
        // Uitgesteld: wie na ons komt, commit. Mocht die er toch niet komen (afgebroken), dan doet de bezem het
        // na de maximale leeftijd, zodat een bevestiging nooit blijft hangen en de database nooit op slot blijft.
        drop(guard);
        let slot = groep.slot.clone();
        tokio::spawn(async move {
            tokio::time::sleep(MAX_LEEFTIJD).await;
            let g = slot.lock_owned().await;
            if g.open.is_some_and(|b| b.elapsed() >= MAX_LEEFTIJD) {
                commit_groep(g).await;
            }
        });
    }
}

/// Commit de groep (de fsync, op een blokkerende draad) en geeft iedereen die erop wacht de uitkomst. De beurt
/// blijft zolang bij de groep: niemand schrijft tussen de laatste RELEASE en de COMMIT. Alles gebeurt op die
/// draad, zodat een afgebroken verzoek halverwege de groep niet half afgerond achterlaat.
async fn commit_groep(guard: OwnedMutexGuard<Groep>) {
    let _ = blokkerend(guard, |g| {
        let begin = Instant::now();
        let r = g.conn.execute_batch("COMMIT").map_err(|e| e.to_string());
        if r.is_err() {
            let _ = g.conn.execute_batch("ROLLBACK");
            g.tellers.mislukte_commits.fetch_add(1, Ordering::Relaxed);
        }
        g.tellers.commits.fetch_add(1, Ordering::Relaxed);
        g.tellers.commit_microseconden.fetch_add(u64::try_from(begin.elapsed().as_micros()).unwrap_or(u64::MAX), Ordering::Relaxed);
        g.open = None;
        for w in g.wachtenden.drain(..) {
            let _ = w.send(r.clone());
        }
    })
    .await;
}

/// Voert `f` uit op een blokkerende draad met de groep in de hand, en geeft de groep terug.
async fn blokkerend<T: Send + 'static>(
    mut guard: OwnedMutexGuard<Groep>,
    f: impl FnOnce(&mut Groep) -> T + Send + 'static,
) -> Result<(OwnedMutexGuard<Groep>, T), sqlx::Error> {
    tokio::task::spawn_blocking(move || {
        let r = f(&mut guard);
        (guard, r)
    })
    .await
    .map_err(|e| sqlx::Error::Protocol(format!("schrijfdraad: {e}")))
}

/// Telt een wachtend verzoek, en telt het af als het wachten eindigt, ook bij afbreken.
struct InDeRij<'a>(&'a AtomicUsize);

impl<'a> InDeRij<'a> {
    fn nieuw(teller: &'a AtomicUsize) -> Self {
        teller.fetch_add(1, Ordering::SeqCst);
        InDeRij(teller)
    }
}

impl Drop for InDeRij<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Een verzoek dat zijn transactie laat vallen zonder commit (een fout, een afgebroken verbinding): zijn
/// savepoint wordt teruggedraaid, en als hij de laatste was, wordt de groep van de anderen alsnog gecommit.
pub struct Onvoltooid(pub Option<Deelname>);

impl Drop for Onvoltooid {
    fn drop(&mut self) {
        if let Some(mut d) = self.0.take() {
            match tokio::runtime::Handle::try_current() {
                Ok(h) => {
                    h.spawn(async move {
                        d.terugdraaien();
                        d.afronden().await;
                    });
                }
                Err(_) => tracing::error!("schrijftransactie losgelaten buiten de runtime; de groep wordt niet afgerond"),
            }
        }
    }
}
