//! Groepscommit voor SQLite: veel gelijktijdige schrijvers delen één fsync.
//!
//! SQLite kent één schrijver. Elke schrijvende transactie van een verzoek wordt een SAVEPOINT binnen één open
//! transactie (`BEGIN IMMEDIATE`) op de ene schrijfverbinding; de verzoeken komen er na elkaar (eerlijk, in
//! volgorde) aan de beurt. Wie klaar is, geeft zijn savepoint vrij en wacht op de COMMIT van de groep; pas dán
//! krijgt hij antwoord — een ontvangstbewijs staat dus altijd op schijf. De groep wordt gecommit door wie als
//! laatste aan de beurt was (niemand wacht meer), of eerder als ze 64 verzoeken of 5 ms oud is.
//!
//! Een verzoek dat faalt, rolt alleen zijn eigen savepoint terug; de anderen merken er niets van. Faalt de COMMIT
//! zelf, dan krijgt iedereen in de groep een fout: niemand kreeg een bevestiging van iets dat niet op schijf staat.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sqlx::{AnyConnection, Executor};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

const MAX_GROEP: usize = 64;
const MAX_LEEFTIJD: Duration = Duration::from_millis(5);

pub struct Groepscommit {
    slot: Arc<Mutex<Groep>>,
    /// Hoeveel verzoeken op de verbinding wachten; 0 betekent: wie nu aan de beurt is, is de laatste.
    wachtrij: AtomicUsize,
}

struct Groep {
    conn: AnyConnection,
    open: Option<Instant>,
    wachtenden: Vec<oneshot::Sender<Result<(), String>>>,
}

/// Eén verzoek in de groep: de verbinding is van hem tot hij klaar is.
pub struct Deelname {
    guard: OwnedMutexGuard<Groep>,
    groep: Arc<Groepscommit>,
}

impl Groepscommit {
    pub fn nieuw(conn: AnyConnection) -> Arc<Groepscommit> {
        Arc::new(Groepscommit { slot: Arc::new(Mutex::new(Groep { conn, open: None, wachtenden: Vec::new() })), wachtrij: AtomicUsize::new(0) })
    }

    /// Wacht op de beurt, opent zo nodig de groep, en begint een savepoint.
    pub async fn begin(self: &Arc<Self>) -> Result<Deelname, sqlx::Error> {
        let mut guard = {
            // Ook als het verzoek tijdens het wachten wordt afgebroken, telt het daarna niet meer mee.
            let _in_de_rij = InDeRij::nieuw(&self.wachtrij);
            self.slot.clone().lock_owned().await
        };
        if guard.open.is_none() {
            guard.conn.execute("BEGIN IMMEDIATE").await?;
            guard.open = Some(Instant::now());
        }
        let mut d = Deelname { guard, groep: self.clone() };
        if let Err(e) = d.guard.conn.execute("SAVEPOINT verzoek").await {
            d.afronden().await;
            return Err(e);
        }
        Ok(d)
    }
}

impl Deelname {
    pub fn verbinding(&mut self) -> &mut AnyConnection {
        &mut self.guard.conn
    }

    pub fn verbinding_ref(&self) -> &AnyConnection {
        &self.guard.conn
    }

    /// Savepoint vrijgeven en wachten tot de groep op schijf staat.
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        if let Err(e) = self.guard.conn.execute("RELEASE verzoek").await {
            self.terugdraaien().await;
            self.afronden().await;
            return Err(e);
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
    async fn terugdraaien(&mut self) {
        if self.guard.conn.execute("ROLLBACK TO verzoek").await.is_err() || self.guard.conn.execute("RELEASE verzoek").await.is_err() {
            // De verbinding is niet meer te vertrouwen: de hele groep terug, iedereen een fout.
            let _ = self.guard.conn.execute("ROLLBACK").await;
            self.guard.open = None;
            for w in self.guard.wachtenden.drain(..) {
                let _ = w.send(Err("terugdraaien mislukt; de groep is teruggedraaid".into()));
            }
        }
    }

    /// De beurt teruggeven; commit de groep als niemand meer wacht, of als ze vol of oud genoeg is.
    async fn afronden(mut self) {
        let g = &mut *self.guard;
        let Some(begonnen) = g.open else { return };
        let nu_committen = self.groep.wachtrij.load(Ordering::SeqCst) == 0 || g.wachtenden.len() >= MAX_GROEP || begonnen.elapsed() >= MAX_LEEFTIJD;
        if nu_committen {
            commit_groep(g).await;
            return;
        }
        // Uitgesteld: wie na ons komt, commit. Mocht die er toch niet komen (afgebroken), dan doet de bezem het
        // na de maximale leeftijd, zodat een bevestiging nooit blijft hangen en de database nooit op slot blijft.
        let slot = self.groep.slot.clone();
        tokio::spawn(async move {
            tokio::time::sleep(MAX_LEEFTIJD).await;
            let mut g = slot.lock_owned().await;
            if g.open.is_some_and(|b| b.elapsed() >= MAX_LEEFTIJD) {
                commit_groep(&mut g).await;
            }
        });
    }
}

async fn commit_groep(g: &mut Groep) {
    let r = g.conn.execute("COMMIT").await.map(|_| ()).map_err(|e| e.to_string());
    if r.is_err() {
        let _ = g.conn.execute("ROLLBACK").await;
    }
    g.open = None;
    for w in g.wachtenden.drain(..) {
        let _ = w.send(r.clone());
    }
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
                        d.terugdraaien().await;
                        d.afronden().await;
                    });
                }
                Err(_) => tracing::error!("schrijftransactie losgelaten buiten de runtime; de groep wordt niet afgerond"),
            }
        }
    }
}
