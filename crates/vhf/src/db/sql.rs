//! Eén manier om SQL uit te voeren, op twee soorten verbindingen.
//!
//! De functies in `db/` schrijven hun SQL één keer (`$1`-parameters, TEXT en BIGINT) en voeren haar uit op een
//! [`Verbinding`]: een sqlx-verbinding (PostgreSQL, en de leesverbindingen van SQLite) of de ene
//! schrijfverbinding van SQLite ([`Schrijftransactie`](super::Schrijftransactie), rusqlite). Die laatste voert
//! een zin direct uit op de draad van het verzoek: geen overdracht naar een werkdraad per zin, en dat maakt de
//! kritieke sectie van de ene SQLite-schrijver kort (zie `groep.rs`).
//!
//! De vorm volgt die van sqlx (`query(..).bind(..).execute(c)`, `try_get`), zodat de SQL-functies er hetzelfde
//! uitzien als gewone sqlx-code.

use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;

use sqlx::error::{DatabaseError, ErrorKind};
use sqlx::{AnyConnection, Row};

/// Een waarde voor of uit de database. Alleen wat het schema gebruikt: BIGINT en TEXT.
#[derive(Clone, Debug, PartialEq)]
pub enum Waarde {
    Getal(i64),
    Tekst(String),
    /// NULL, met het type dat PostgreSQL voor de parameter moet aannemen.
    Leeg(Soort),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Soort {
    Getal,
    Tekst,
}

impl From<i64> for Waarde {
    fn from(v: i64) -> Self {
        Waarde::Getal(v)
    }
}
impl From<&str> for Waarde {
    fn from(v: &str) -> Self {
        Waarde::Tekst(v.to_string())
    }
}
impl From<&&str> for Waarde {
    fn from(v: &&str) -> Self {
        Waarde::Tekst(v.to_string())
    }
}
impl From<String> for Waarde {
    fn from(v: String) -> Self {
        Waarde::Tekst(v)
    }
}
impl From<&String> for Waarde {
    fn from(v: &String) -> Self {
        Waarde::Tekst(v.clone())
    }
}
impl From<Option<i64>> for Waarde {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Waarde::Leeg(Soort::Getal), Waarde::Getal)
    }
}
impl From<Option<&str>> for Waarde {
    fn from(v: Option<&str>) -> Self {
        v.map_or(Waarde::Leeg(Soort::Tekst), Waarde::from)
    }
}
impl From<Option<String>> for Waarde {
    fn from(v: Option<String>) -> Self {
        v.map_or(Waarde::Leeg(Soort::Tekst), Waarde::Tekst)
    }
}
impl From<&Option<String>> for Waarde {
    fn from(v: &Option<String>) -> Self {
        v.as_deref().into()
    }
}

/// Een zin SQL met haar parameters, nog niet uitgevoerd.
#[must_use = "een vraag doet niets tot ze wordt uitgevoerd"]
pub struct Vraag {
    sql: Cow<'static, str>,
    args: Vec<Waarde>,
}

/// Begin een vraag. De tekst is vaste SQL uit de code; invoer gaat altijd via [`Vraag::bind`].
pub fn query(sql: impl Into<Cow<'static, str>>) -> Vraag {
    let sql = sql.into();
    debug_assert!(!kale_limit(&sql), "schrijf LIMIT/OFFSET $n als `$n + 0` (zie db::aanvragen::lijst): {sql}");
    Vraag { sql, args: Vec::new() }
}

/// Of de zin een kale parameter als LIMIT of OFFSET heeft (`LIMIT $5`, niet `LIMIT $5 + 0`): SQLite 3.51 bereidt
/// zo'n zin bij elke nieuwe binding opnieuw voor. In debug-builds (de tests) weigert [`query`] haar.
fn kale_limit(sql: &str) -> bool {
    ["LIMIT $", "OFFSET $"].iter().any(|woord| {
        sql.match_indices(woord).any(|(i, _)| {
            let rest = sql[i + woord.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
            !rest.starts_with(" + 0")
        })
    })
}

/// Wat een wijzigende zin deed.
pub struct Uitkomst {
    rijen: u64,
}

impl Uitkomst {
    pub fn rows_affected(&self) -> u64 {
        self.rijen
    }
}

impl Vraag {
    pub fn bind(mut self, v: impl Into<Waarde>) -> Self {
        self.args.push(v.into());
        self
    }

    pub async fn execute(self, c: &mut (impl Verbinding + ?Sized)) -> Result<Uitkomst, sqlx::Error> {
        Ok(Uitkomst { rijen: c.voer_uit(self).await? })
    }

    pub async fn fetch_all(self, c: &mut (impl Verbinding + ?Sized)) -> Result<Vec<Rij>, sqlx::Error> {
        c.rijen(self).await
    }

    pub async fn fetch_optional(self, c: &mut (impl Verbinding + ?Sized)) -> Result<Option<Rij>, sqlx::Error> {
        Ok(c.rijen(self).await?.into_iter().next())
    }

    pub async fn fetch_one(self, c: &mut (impl Verbinding + ?Sized)) -> Result<Rij, sqlx::Error> {
        c.rijen(self).await?.into_iter().next().ok_or(sqlx::Error::RowNotFound)
    }

    fn naar_sqlx(self) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(self.sql));
        for a in self.args {
            q = match a {
                Waarde::Getal(n) => q.bind(n),
                Waarde::Tekst(s) => q.bind(s),
                Waarde::Leeg(Soort::Getal) => q.bind(None::<i64>),
                Waarde::Leeg(Soort::Tekst) => q.bind(None::<String>),
            };
        }
        q
    }
}

/// Een rij uit een antwoord, met kolommen op naam.
pub enum Rij {
    Sqlx(sqlx::any::AnyRow),
    Lite { namen: Arc<[String]>, waarden: Vec<Waarde> },
}

impl Rij {
    pub fn try_get<T: UitDb>(&self, naam: &str) -> Result<T, sqlx::Error> {
        match self {
            Rij::Sqlx(r) => r.try_get(naam),
            Rij::Lite { namen, waarden } => {
                let i = namen.iter().position(|n| n == naam).ok_or_else(|| sqlx::Error::ColumnNotFound(naam.to_string()))?;
                T::uit(&waarden[i]).ok_or_else(|| sqlx::Error::ColumnDecode {
                    index: naam.to_string(),
                    source: format!("kolom {naam} heeft waarde {:?}, niet het gevraagde type", waarden[i]).into(),
                })
            }
        }
    }
}

/// Een Rust-type dat uit een kolom komt.
pub trait UitDb: Sized + for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> {
    fn uit(w: &Waarde) -> Option<Self>;
}

impl UitDb for i64 {
    fn uit(w: &Waarde) -> Option<Self> {
        match w {
            Waarde::Getal(n) => Some(*n),
            _ => None,
        }
    }
}
impl UitDb for String {
    fn uit(w: &Waarde) -> Option<Self> {
        match w {
            Waarde::Tekst(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl<T: UitDb> UitDb for Option<T> {
    fn uit(w: &Waarde) -> Option<Self> {
        match w {
            Waarde::Leeg(_) => Some(None),
            w => T::uit(w).map(Some),
        }
    }
}

/// Iets waarop SQL kan worden uitgevoerd.
pub trait Verbinding: Send {
    /// Voert een zin uit; het aantal gewijzigde rijen.
    fn voer_uit(&mut self, v: Vraag) -> impl Future<Output = Result<u64, sqlx::Error>> + Send;
    /// Voert een vraag uit; alle rijen.
    fn rijen(&mut self, v: Vraag) -> impl Future<Output = Result<Vec<Rij>, sqlx::Error>> + Send;
    /// Of dit een SQLite-database is (voor wat alleen daar bestaat, zoals het aantal per gemeente van migratie 0017).
    fn is_sqlite(&self) -> bool;
}

impl Verbinding for AnyConnection {
    async fn voer_uit(&mut self, v: Vraag) -> Result<u64, sqlx::Error> {
        Ok(v.naar_sqlx().execute(self).await?.rows_affected())
    }
    async fn rijen(&mut self, v: Vraag) -> Result<Vec<Rij>, sqlx::Error> {
        Ok(v.naar_sqlx().fetch_all(self).await?.into_iter().map(Rij::Sqlx).collect())
    }
    fn is_sqlite(&self) -> bool {
        self.backend_name().eq_ignore_ascii_case("sqlite")
    }
}

impl Verbinding for sqlx::pool::PoolConnection<sqlx::Any> {
    async fn voer_uit(&mut self, v: Vraag) -> Result<u64, sqlx::Error> {
        (**self).voer_uit(v).await
    }
    async fn rijen(&mut self, v: Vraag) -> Result<Vec<Rij>, sqlx::Error> {
        (**self).rijen(v).await
    }
    fn is_sqlite(&self) -> bool {
        (**self).is_sqlite()
    }
}

/// Uitvoeren op de rusqlite-schrijfverbinding: synchroon, met een cache van voorbereide zinnen.
pub(super) fn lite_voer_uit(c: &rusqlite::Connection, v: &Vraag) -> Result<u64, sqlx::Error> {
    let mut st = c.prepare_cached(&v.sql).map_err(lite_fout)?;
    bind_lite(&mut st, &v.args)?;
    let n = st.raw_execute().map_err(lite_fout)?;
    Ok(n as u64)
}

pub(super) fn lite_rijen(c: &rusqlite::Connection, v: &Vraag) -> Result<Vec<Rij>, sqlx::Error> {
    let mut st = c.prepare_cached(&v.sql).map_err(lite_fout)?;
    bind_lite(&mut st, &v.args)?;
    let namen: Arc<[String]> = st.column_names().iter().map(|n| n.to_string()).collect();
    let n = namen.len();
    let mut uit = Vec::new();
    let mut rijen = st.raw_query();
    while let Some(r) = rijen.next().map_err(lite_fout)? {
        let mut waarden = Vec::with_capacity(n);
        for i in 0..n {
            use rusqlite::types::ValueRef;
            waarden.push(match r.get_ref(i).map_err(lite_fout)? {
                ValueRef::Null => Waarde::Leeg(Soort::Tekst),
                ValueRef::Integer(x) => Waarde::Getal(x),
                ValueRef::Text(t) | ValueRef::Blob(t) => Waarde::Tekst(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Real(f) => {
                    return Err(sqlx::Error::ColumnDecode { index: i.to_string(), source: format!("onverwacht kommagetal {f}").into() });
                }
            });
        }
        uit.push(Rij::Lite { namen: namen.clone(), waarden });
    }
    Ok(uit)
}

/// Bindt `$N` aan de N-de waarde, zoals sqlx doet (een parameter mag vaker voorkomen).
fn bind_lite(st: &mut rusqlite::CachedStatement<'_>, args: &[Waarde]) -> Result<(), sqlx::Error> {
    for i in 1..=st.parameter_count() {
        let n = st.parameter_name(i).and_then(|p| p.strip_prefix('$')).and_then(|p| p.parse::<usize>().ok()).filter(|n| *n >= 1);
        let Some(w) = n.and_then(|n| args.get(n - 1)) else {
            return Err(sqlx::Error::Protocol(format!("parameter {i} van '{}' heeft geen waarde", kort(st.expanded_sql().as_deref().unwrap_or("")))));
        };
        match w {
            Waarde::Getal(x) => st.raw_bind_parameter(i, x),
            Waarde::Tekst(s) => st.raw_bind_parameter(i, s.as_str()),
            Waarde::Leeg(_) => st.raw_bind_parameter(i, rusqlite::types::Null),
        }
        .map_err(lite_fout)?;
    }
    Ok(())
}

fn kort(s: &str) -> &str {
    s.get(..60).unwrap_or(s)
}

/// Een fout van rusqlite als sqlx-fout, met de soort schending erbij (zodat `is_unique_violation` werkt).
pub(super) fn lite_fout(e: rusqlite::Error) -> sqlx::Error {
    match e {
        rusqlite::Error::SqliteFailure(f, bericht) => {
            let bericht = bericht.unwrap_or_else(|| f.to_string());
            sqlx::Error::Database(Box::new(LiteFout { bericht, code: f.extended_code }))
        }
        e => sqlx::Error::Protocol(format!("sqlite: {e}")),
    }
}

#[derive(Debug)]
struct LiteFout {
    bericht: String,
    /// De uitgebreide foutcode van SQLite; de soort schending volgt eruit.
    code: i32,
}

impl std::fmt::Display for LiteFout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (sqlite {})", self.bericht, self.code)
    }
}

impl std::error::Error for LiteFout {}

impl DatabaseError for LiteFout {
    fn message(&self) -> &str {
        &self.bericht
    }
    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.code.to_string()))
    }
    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }
    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }
    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }
    fn kind(&self) -> ErrorKind {
        match self.code {
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => ErrorKind::UniqueViolation,
            rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            rusqlite::ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            rusqlite::ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn een_kale_limit_wordt_herkend() {
        assert!(super::kale_limit("SELECT 1 LIMIT $1"));
        assert!(super::kale_limit("SELECT 1 LIMIT $1 + 0 OFFSET $2"));
        assert!(super::kale_limit("SELECT 1 ORDER BY x LIMIT $12 OFFSET $13 + 0"));
        assert!(!super::kale_limit("SELECT 1 LIMIT $1 + 0 OFFSET $2 + 0"));
        assert!(!super::kale_limit("SELECT 1 LIMIT 20"));
        assert!(!super::kale_limit("SELECT rapport FROM toetsingen ORDER BY volgnummer DESC LIMIT 1"));
    }

    use super::*;

    fn lite() -> rusqlite::Connection {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT, x TEXT)").unwrap();
        c
    }

    #[test]
    fn parameters_op_nummer_ook_herhaald_en_buiten_volgorde() {
        let c = lite();
        let n = lite_voer_uit(&c, &query("INSERT INTO t (id, n, x) VALUES ($2, $1, $3)").bind(7i64).bind("a").bind(None::<String>)).unwrap();
        assert_eq!(n, 1);
        let r = lite_rijen(&c, &query("SELECT id, n, x FROM t WHERE id = $1 AND (n = $2 OR n = $2)").bind("a").bind(7i64)).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].try_get::<String>("id").unwrap(), "a");
        assert_eq!(r[0].try_get::<i64>("n").unwrap(), 7);
        assert_eq!(r[0].try_get::<Option<String>>("x").unwrap(), None);
        assert!(r[0].try_get::<i64>("id").is_err(), "tekst is geen getal");
        assert!(matches!(r[0].try_get::<i64>("onbekend"), Err(sqlx::Error::ColumnNotFound(_))));
    }

    #[test]
    fn dubbele_sleutel_is_een_unieke_schending() {
        let c = lite();
        lite_voer_uit(&c, &query("INSERT INTO t (id) VALUES ($1)").bind("a")).unwrap();
        let e = lite_voer_uit(&c, &query("INSERT INTO t (id) VALUES ($1)").bind("a")).unwrap_err();
        assert!(super::super::is_uniek_conflict(&e), "{e}");
        let e = lite_voer_uit(&c, &query("INSERT INTO t (id, n) VALUES ($1, $2)").bind("b")).unwrap_err();
        assert!(e.to_string().contains("geen waarde"), "{e}");
    }
}
