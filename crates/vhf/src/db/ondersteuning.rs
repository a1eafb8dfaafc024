//! SQL van de onafhankelijke ondersteuning (migratie 0015): de pool van adviseurs, de verzoeken, het urenbudget per
//! gebied en de geschreven uren. Elke vraag naar verzoeken neemt het zicht van de vrager mee: een gemeente ziet
//! alleen haar eigen verzoeken, een adviseur alleen de verzoeken die hem zijn toegewezen (met hun uren). De
//! budgetten worden bewaakt door voorwaardelijke UPDATEs (`… WHERE toegekend + $n <= $plafond`): ook twee
//! gelijktijdige schrijvers op PostgreSQL kunnen er samen niet overheen.

use super::sql::{Rij, Verbinding, query};

/// Wat een vrager van de verzoeken ziet. Leeg (gemeente of adviseur zonder id) bestaat niet: zie [`Zicht::van`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Zicht {
    Alles,
    Gemeente(String),
    Adviseur(String),
}

impl Zicht {
    /// (gemeente, adviseur) voor het vaste filter `($a = '*' OR gemeente = $a) AND ($b = '*' OR adviseur = $b)`.
    /// '*' is geen gemeentecode en geen gebruikers-id dat bij een verzoek kan staan.
    fn waarden(&self) -> (&str, &str) {
        match self {
            Zicht::Alles => ("*", "*"),
            Zicht::Gemeente(g) => (g, "*"),
            Zicht::Adviseur(a) => ("*", a),
        }
    }
}

const FILTER: &str = "($A = '*' OR gemeente = $A) AND ($B = '*' OR adviseur = $B)";

fn filter(a: usize, b: usize) -> String {
    FILTER.replace("$A", &format!("${a}")).replace("$B", &format!("${b}"))
}

#[derive(Clone, Debug, PartialEq)]
pub struct AdviseurRij {
    pub gebruiker: String,
    pub naam: String,
    /// JSON-lijst van woorden.
    pub expertise: String,
    pub uren_per_week: i64,
    pub beschikbaar: bool,
    /// JSON-lijst van GM-codes.
    pub belangen: String,
    pub bijgewerkt_door: String,
    pub bijgewerkt_op: i64,
}

fn adviseur(r: &Rij) -> Result<AdviseurRij, sqlx::Error> {
    Ok(AdviseurRij {
        gebruiker: r.try_get("gebruiker")?,
        naam: r.try_get("naam")?,
        expertise: r.try_get("expertise")?,
        uren_per_week: r.try_get("uren_per_week")?,
        beschikbaar: r.try_get::<i64>("beschikbaar")? != 0,
        belangen: r.try_get("belangen")?,
        bijgewerkt_door: r.try_get("bijgewerkt_door")?,
        bijgewerkt_op: r.try_get("bijgewerkt_op")?,
    })
}

const ADVISEURKOLOMMEN: &str = "gebruiker, naam, expertise, uren_per_week, beschikbaar, belangen, bijgewerkt_door, bijgewerkt_op";

pub async fn adviseurs(c: &mut impl Verbinding) -> Result<Vec<AdviseurRij>, sqlx::Error> {
    query(format!("SELECT {ADVISEURKOLOMMEN} FROM adviseurs ORDER BY naam, gebruiker")).fetch_all(c).await?.iter().map(adviseur).collect()
}

pub async fn haal_adviseur(c: &mut impl Verbinding, gebruiker: &str) -> Result<Option<AdviseurRij>, sqlx::Error> {
    query(format!("SELECT {ADVISEURKOLOMMEN} FROM adviseurs WHERE gebruiker = $1")).bind(gebruiker).fetch_optional(c).await?.as_ref().map(adviseur).transpose()
}

/// Zet een adviseur in de pool of werkt hem bij.
pub async fn zet_adviseur(c: &mut impl Verbinding, a: &AdviseurRij) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO adviseurs (gebruiker, naam, expertise, uren_per_week, beschikbaar, belangen, bijgewerkt_door, bijgewerkt_op) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (gebruiker) DO UPDATE SET naam = $2, expertise = $3, uren_per_week = $4, beschikbaar = $5, belangen = $6, bijgewerkt_door = $7, bijgewerkt_op = $8",
    )
    .bind(&a.gebruiker)
    .bind(&a.naam)
    .bind(&a.expertise)
    .bind(a.uren_per_week)
    .bind(i64::from(a.beschikbaar))
    .bind(&a.belangen)
    .bind(&a.bijgewerkt_door)
    .bind(a.bijgewerkt_op)
    .execute(c)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq)]
pub struct VerzoekRij {
    pub id: String,
    pub ronde: String,
    pub gemeente: String,
    pub gebied: String,
    pub onderwerp: String,
    pub deelplan: String,
    /// Minuten.
    pub gevraagd: i64,
    pub status: String,
    pub aangevraagd_door: String,
    pub aangevraagd_op: i64,
    pub adviseur: Option<String>,
    pub toegekend: i64,
    pub geschreven: i64,
    pub besloten_door: Option<String>,
    pub besloten_op: Option<i64>,
    pub reden: String,
}

fn verzoek(r: &Rij) -> Result<VerzoekRij, sqlx::Error> {
    Ok(VerzoekRij {
        id: r.try_get("id")?,
        ronde: r.try_get("ronde")?,
        gemeente: r.try_get("gemeente")?,
        gebied: r.try_get("gebied")?,
        onderwerp: r.try_get("onderwerp")?,
        deelplan: r.try_get("deelplan")?,
        gevraagd: r.try_get("gevraagd")?,
        status: r.try_get("status")?,
        aangevraagd_door: r.try_get("aangevraagd_door")?,
        aangevraagd_op: r.try_get("aangevraagd_op")?,
        adviseur: r.try_get("adviseur")?,
        toegekend: r.try_get("toegekend")?,
        geschreven: r.try_get("geschreven")?,
        besloten_door: r.try_get("besloten_door")?,
        besloten_op: r.try_get("besloten_op")?,
        reden: r.try_get("reden")?,
    })
}

const VERZOEKKOLOMMEN: &str = "id, ronde, gemeente, gebied, onderwerp, deelplan, gevraagd, status, aangevraagd_door, aangevraagd_op, adviseur, toegekend, geschreven, besloten_door, besloten_op, reden";

pub async fn voeg_verzoek_toe(c: &mut impl Verbinding, v: &VerzoekRij) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO ondersteuningsverzoeken (id, ronde, gemeente, gebied, onderwerp, deelplan, gevraagd, status, aangevraagd_door, aangevraagd_op) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'aangevraagd', $8, $9)",
    )
    .bind(&v.id)
    .bind(&v.ronde)
    .bind(&v.gemeente)
    .bind(&v.gebied)
    .bind(&v.onderwerp)
    .bind(&v.deelplan)
    .bind(v.gevraagd)
    .bind(&v.aangevraagd_door)
    .bind(v.aangevraagd_op)
    .execute(c)
    .await?;
    Ok(())
}

/// De verzoeken die de vrager mag zien, van één ronde (of alle met `ronde` leeg), nieuwste eerst.
pub async fn verzoeken(c: &mut impl Verbinding, ronde: &str, zicht: &Zicht) -> Result<Vec<VerzoekRij>, sqlx::Error> {
    let (a, b) = zicht.waarden();
    let sql =
        format!("SELECT {VERZOEKKOLOMMEN} FROM ondersteuningsverzoeken WHERE ($1 = '' OR ronde = $1) AND {} ORDER BY aangevraagd_op DESC, id", filter(2, 3));
    query(sql).bind(ronde).bind(a).bind(b).fetch_all(c).await?.iter().map(verzoek).collect()
}

pub async fn haal_verzoek(c: &mut impl Verbinding, id: &str, zicht: &Zicht) -> Result<Option<VerzoekRij>, sqlx::Error> {
    let (a, b) = zicht.waarden();
    let sql = format!("SELECT {VERZOEKKOLOMMEN} FROM ondersteuningsverzoeken WHERE id = $1 AND {}", filter(2, 3));
    query(sql).bind(id).bind(a).bind(b).fetch_optional(c).await?.as_ref().map(verzoek).transpose()
}

/// Reserveert `minuten` van het gebied (negatief: geeft terug). `false` als het plafond dan overschreden wordt.
pub async fn reserveer_gebied(c: &mut impl Verbinding, ronde: &str, gebied: &str, minuten: i64, plafond: i64) -> Result<bool, sqlx::Error> {
    query("INSERT INTO ondersteuningsgebieden (ronde, gebied, toegekend) VALUES ($1, $2, 0) ON CONFLICT (ronde, gebied) DO NOTHING")
        .bind(ronde)
        .bind(gebied)
        .execute(&mut *c)
        .await?;
    let n =
        query("UPDATE ondersteuningsgebieden SET toegekend = toegekend + $3 WHERE ronde = $1 AND gebied = $2 AND toegekend + $3 <= $4 AND toegekend + $3 >= 0")
            .bind(ronde)
            .bind(gebied)
            .bind(minuten)
            .bind(plafond)
            .execute(c)
            .await?
            .rows_affected();
    Ok(n == 1)
}

/// Wat er per gebied van een ronde is toegekend (minuten).
pub async fn gebieden(c: &mut impl Verbinding, ronde: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rijen = query("SELECT gebied, toegekend FROM ondersteuningsgebieden WHERE ronde = $1 ORDER BY gebied").bind(ronde).fetch_all(c).await?;
    rijen.iter().map(|r| Ok((r.try_get("gebied")?, r.try_get("toegekend")?))).collect()
}

/// Wijst het verzoek toe (of past de toewijzing aan). Alleen als het nog aangevraagd is, of al aan dezelfde adviseur
/// is toegewezen en het nieuwe aantal minuten niet onder wat er al geschreven is komt. `false` anders.
pub async fn wijs_toe(c: &mut impl Verbinding, id: &str, adviseur: &str, toegekend: i64, door: &str, op: i64) -> Result<bool, sqlx::Error> {
    let n = query(
        "UPDATE ondersteuningsverzoeken SET status = 'toegewezen', adviseur = $2, toegekend = $3, besloten_door = $4, besloten_op = $5 \
         WHERE id = $1 AND (status = 'aangevraagd' OR (status = 'toegewezen' AND adviseur = $2 AND geschreven <= $3) OR (status = 'toegewezen' AND geschreven = 0))",
    )
    .bind(id)
    .bind(adviseur)
    .bind(toegekend)
    .bind(door)
    .bind(op)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn wijs_af(c: &mut impl Verbinding, id: &str, reden: &str, door: &str, op: i64) -> Result<bool, sqlx::Error> {
    let n = query(
        "UPDATE ondersteuningsverzoeken SET status = 'afgewezen', reden = $2, besloten_door = $3, besloten_op = $4 WHERE id = $1 AND status = 'aangevraagd'",
    )
    .bind(id)
    .bind(reden)
    .bind(door)
    .bind(op)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Boekt `minuten` op het verzoek van deze adviseur (negatief: een afgekeurde regel geeft terug). `false` als het
/// verzoek niet (meer) aan hem is toegewezen of de toewijzing dan overschreden wordt.
pub async fn boek_uren(c: &mut impl Verbinding, id: &str, adviseur: &str, minuten: i64) -> Result<bool, sqlx::Error> {
    let n = query(
        "UPDATE ondersteuningsverzoeken SET geschreven = geschreven + $3 \
         WHERE id = $1 AND status = 'toegewezen' AND adviseur = $2 AND geschreven + $3 <= toegekend AND geschreven + $3 >= 0",
    )
    .bind(id)
    .bind(adviseur)
    .bind(minuten)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

#[derive(Clone, Debug, PartialEq)]
pub struct UrenRij {
    pub id: String,
    pub verzoek: String,
    pub adviseur: String,
    pub datum: String,
    pub minuten: i64,
    pub omschrijving: String,
    pub status: String,
    pub geschreven_op: i64,
    pub beoordeeld_door: Option<String>,
    pub beoordeeld_op: Option<i64>,
    pub reden: String,
}

fn urenregel(r: &Rij) -> Result<UrenRij, sqlx::Error> {
    Ok(UrenRij {
        id: r.try_get("id")?,
        verzoek: r.try_get("verzoek")?,
        adviseur: r.try_get("adviseur")?,
        datum: r.try_get("datum")?,
        minuten: r.try_get("minuten")?,
        omschrijving: r.try_get("omschrijving")?,
        status: r.try_get("status")?,
        geschreven_op: r.try_get("geschreven_op")?,
        beoordeeld_door: r.try_get("beoordeeld_door")?,
        beoordeeld_op: r.try_get("beoordeeld_op")?,
        reden: r.try_get("reden")?,
    })
}

const URENKOLOMMEN: &str =
    "u.id, u.verzoek, u.adviseur, u.datum, u.minuten, u.omschrijving, u.status, u.geschreven_op, u.beoordeeld_door, u.beoordeeld_op, u.reden";

pub async fn voeg_uren_toe(c: &mut impl Verbinding, u: &UrenRij) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO urenregels (id, verzoek, adviseur, datum, minuten, omschrijving, status, geschreven_op) VALUES ($1, $2, $3, $4, $5, $6, 'ingediend', $7)",
    )
    .bind(&u.id)
    .bind(&u.verzoek)
    .bind(&u.adviseur)
    .bind(&u.datum)
    .bind(u.minuten)
    .bind(&u.omschrijving)
    .bind(u.geschreven_op)
    .execute(c)
    .await?;
    Ok(())
}

/// De urenregels van verzoeken die de vrager mag zien: van één verzoek (of van de hele ronde met `verzoek` leeg).
pub async fn urenregels(c: &mut impl Verbinding, ronde: &str, verzoek: &str, zicht: &Zicht) -> Result<Vec<UrenRij>, sqlx::Error> {
    let (a, b) = zicht.waarden();
    let sql = format!(
        "SELECT {URENKOLOMMEN} FROM urenregels u JOIN ondersteuningsverzoeken v ON v.id = u.verzoek \
         WHERE ($1 = '' OR v.ronde = $1) AND ($2 = '' OR u.verzoek = $2) AND ($3 = '*' OR v.gemeente = $3) AND ($4 = '*' OR v.adviseur = $4) \
         ORDER BY u.datum, u.geschreven_op, u.id"
    );
    query(sql).bind(ronde).bind(verzoek).bind(a).bind(b).fetch_all(c).await?.iter().map(urenregel).collect()
}

pub async fn haal_urenregel(c: &mut impl Verbinding, id: &str) -> Result<Option<UrenRij>, sqlx::Error> {
    query(format!("SELECT {URENKOLOMMEN} FROM urenregels u WHERE u.id = $1")).bind(id).fetch_optional(c).await?.as_ref().map(urenregel).transpose()
}

/// Beoordeelt een ingediende regel; `false` als ze al beoordeeld is.
pub async fn beoordeel_uren(c: &mut impl Verbinding, id: &str, status: &str, reden: &str, door: &str, op: i64) -> Result<bool, sqlx::Error> {
    let n = query("UPDATE urenregels SET status = $2, reden = $3, beoordeeld_door = $4, beoordeeld_op = $5 WHERE id = $1 AND status = 'ingediend'")
        .bind(id)
        .bind(status)
        .bind(reden)
        .bind(door)
        .bind(op)
        .execute(c)
        .await?
        .rows_affected();
    Ok(n == 1)
}
