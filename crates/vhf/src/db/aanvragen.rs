//! SQL voor aanvragen, indieningen, statusovergangen en toetsingen. Elke functie werkt binnen de transactie
//! die de aanroeper meegeeft; meerstapswijzigingen zijn zo alles-of-niets.

use super::sql::{Rij, Verbinding, query};
use vhf_core::levensloop::Status;

use super::DbFout;
use crate::toegang::Zicht;

#[derive(Clone, Debug)]
pub struct AanvraagRij {
    pub id: String,
    pub ronde: String,
    pub kenmerk: String,
    pub penvoerder: String,
    pub status: Status,
    pub versie: i64,
    pub inhoud: String,
    pub aangemaakt_op: i64,
    pub gewijzigd_op: i64,
}

#[derive(Clone, Debug)]
pub struct IndieningRij {
    pub aanvraag_id: String,
    pub ontvangstnummer: String,
    pub ingediend_op: i64,
    pub sha256: String,
    pub inhoud: String,
}

#[derive(Clone, Debug)]
pub struct OvergangRij {
    pub volgnummer: i64,
    pub van: Option<String>,
    pub naar: String,
    pub actor: String,
    pub reden: String,
    pub op: i64,
}

macro_rules! velden {
    () => {
        "id, ronde, kenmerk, penvoerder, status, versie, inhoud, aangemaakt_op, gewijzigd_op"
    };
}

fn rij(r: &Rij) -> Result<AanvraagRij, DbFout> {
    let status: String = r.try_get("status")?;
    Ok(AanvraagRij {
        id: r.try_get("id")?,
        ronde: r.try_get("ronde")?,
        kenmerk: r.try_get("kenmerk")?,
        penvoerder: r.try_get("penvoerder")?,
        status: status.parse().map_err(DbFout::Onleesbaar)?,
        versie: r.try_get("versie")?,
        inhoud: r.try_get("inhoud")?,
        aangemaakt_op: r.try_get("aangemaakt_op")?,
        gewijzigd_op: r.try_get("gewijzigd_op")?,
    })
}

pub async fn voeg_toe(c: &mut impl Verbinding, a: &AanvraagRij) -> Result<(), sqlx::Error> {
    query(concat!("INSERT INTO aanvragen (", velden!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
        .bind(&a.id)
        .bind(&a.ronde)
        .bind(&a.kenmerk)
        .bind(&a.penvoerder)
        .bind(a.status.code())
        .bind(a.versie)
        .bind(&a.inhoud)
        .bind(a.aangemaakt_op)
        .bind(a.gewijzigd_op)
        .execute(c)
        .await?;
    Ok(())
}

/// Een aanvraag, als `zicht` haar laat zien; anders `None` (en de gebruiker krijgt 404, ook als ze bestaat).
pub async fn haal(c: &mut impl Verbinding, id: &str, zicht: &Zicht) -> Result<Option<AanvraagRij>, DbFout> {
    let (z, g, l) = zicht.parameters();
    let r = query(concat!("SELECT ", velden!(), " FROM aanvragen WHERE id = $1 AND ", crate::zichtfilter!("aanvragen.id", "2", "3", "4")))
        .bind(id)
        .bind(z)
        .bind(g)
        .bind(l)
        .fetch_optional(c)
        .await?;
    r.as_ref().map(rij).transpose()
}

/// Een aanvraag zonder zichtbeperking: alleen voor werk van het systeem zelf (verdelen, besluiten, herberekenen).
pub async fn haal_intern(c: &mut impl Verbinding, id: &str) -> Result<Option<AanvraagRij>, DbFout> {
    haal(c, id, &Zicht::Alles).await
}

/// De zin van één pagina van [`lijst`]: ronde ($1), zicht ($2–$4), aantal ($5) en begin ($6).
const LIJST_PAGINA: &str = concat!(
    "SELECT id, ronde, kenmerk, penvoerder, status, versie, '' AS inhoud, aangemaakt_op, gewijzigd_op",
    " FROM aanvragen WHERE ($1 = '' OR ronde = $1) AND ",
    crate::zichtfilter!("aanvragen.id", "2", "3", "4"),
    " ORDER BY aangemaakt_op, id LIMIT $5 + 0 OFFSET $6 + 0"
);

/// Een pagina aanvragen die `zicht` laat zien, op volgorde van aanmaken, en hun totaal (ook beperkt: het totaal
/// verraadt niets over aanvragen van anderen). De rijen hebben een lege `inhoud`: alleen voor een samenvatting.
pub async fn lijst(c: &mut impl Verbinding, ronde: Option<&str>, zicht: &Zicht, pagina: i64, per_pagina: i64) -> Result<(Vec<AanvraagRij>, i64), DbFout> {
    // Zonder filter is `$1 = ''` altijd waar; zo blijft het één vaste zin SQL.
    let ronde = ronde.unwrap_or("");
    let (z, g, l) = zicht.parameters();
    // Het totaal vanuit de kleinste bron: de eigen gemeente telt haar rijen in `aanvraag_gemeenten` (index op
    // gemeente), niet alle aanvragen met per rij een controle. Zelfde betekenis als het zichtfilter hieronder.
    let telling = match (zicht, ronde.is_empty()) {
        (Zicht::Niets, _) => None,
        _ if z == "niets" => None,
        (Zicht::Alles, true) => Some(query("SELECT COUNT(*) AS n FROM aanvragen")),
        (Zicht::Alles, false) => Some(query("SELECT COUNT(*) AS n FROM aanvragen WHERE ronde = $1").bind(ronde)),
        // Op SQLite houden triggers het aantal per gemeente bij (migratie 0017): één opzoeking in plaats van alle
        // rijen van de gemeente tellen. Dezelfde rijen, dus hetzelfde getal.
        (Zicht::Gemeente(g), true) if c.is_sqlite() => Some(query("SELECT COALESCE((SELECT n FROM aantal_per_gemeente WHERE gemeente = $1), 0) AS n").bind(g)),
        (Zicht::Gemeente(g), true) => Some(query("SELECT COUNT(*) AS n FROM aanvraag_gemeenten WHERE gemeente = $1").bind(g)),
        (Zicht::Gemeente(g), false) => Some(
            query("SELECT COUNT(*) AS n FROM aanvraag_gemeenten zg JOIN aanvragen a ON a.id = zg.aanvraag_id WHERE zg.gemeente = $1 AND a.ronde = $2")
                .bind(g)
                .bind(ronde),
        ),
        (Zicht::Toegewezen(_), _) => Some(
            query(concat!("SELECT COUNT(*) AS n FROM aanvragen WHERE ($1 = '' OR ronde = $1) AND ", crate::zichtfilter!("aanvragen.id", "2", "3", "4")))
                .bind(ronde)
                .bind(z)
                .bind(g)
                .bind(l),
        ),
    };
    let totaal: i64 = match telling {
        Some(q) => q.fetch_one(&mut *c).await?.try_get("n")?,
        None => 0,
    };
    // Zonder inhoud (een lijst toont een samenvatting): de database hoeft de grote JSON niet te lezen.
    // `LIMIT $n + 0`, niet `LIMIT $n`, overal (ook in de werkvoorraad, het audittrail en de gebruikers): SQLite 3.51
    // laat een kale parameter in LIMIT of OFFSET meewegen in het plan en bereidt de zin daarom bij elke nieuwe
    // binding opnieuw voor (sqlite3_stmt_status REPREPARE: bij elke uitvoering; 34 → 12 µs voor deze zin op 10.000
    // aanvragen). Als uitdrukking telt de waarde niet mee en blijft de voorbereide zin in de cache bruikbaar.
    let rijen = query(LIJST_PAGINA)
        .bind(ronde)
        .bind(z)
        .bind(g)
        .bind(l)
        .bind(per_pagina)
        // De handler controleert dat dit past; hier nooit omslaan naar een negatief of klein getal.
        .bind(pagina.saturating_sub(1).saturating_mul(per_pagina))
        .fetch_all(c)
        .await?;
    Ok((rijen.iter().map(rij).collect::<Result<_, _>>()?, totaal))
}

/// Wijzigt de inhoud als de versie nog `verwacht` is (optimistische vergrendeling). `false`: iemand anders was eerder.
pub async fn wijzig_inhoud(
    c: &mut impl Verbinding,
    id: &str,
    verwacht: i64,
    kenmerk: &str,
    penvoerder: &str,
    inhoud: &str,
    nu: i64,
) -> Result<bool, sqlx::Error> {
    let r = query("UPDATE aanvragen SET kenmerk = $1, penvoerder = $2, inhoud = $3, versie = versie + 1, gewijzigd_op = $4 WHERE id = $5 AND versie = $6")
        .bind(kenmerk)
        .bind(penvoerder)
        .bind(inhoud)
        .bind(nu)
        .bind(id)
        .bind(verwacht)
        .execute(c)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Zet de status als de versie nog `verwacht` is; hoogt de versie op.
pub async fn zet_status(c: &mut impl Verbinding, id: &str, verwacht: i64, status: Status, inhoud: Option<&str>, nu: i64) -> Result<bool, sqlx::Error> {
    let r = match inhoud {
        Some(i) => {
            query("UPDATE aanvragen SET status = $1, inhoud = $2, versie = versie + 1, gewijzigd_op = $3 WHERE id = $4 AND versie = $5")
                .bind(status.code())
                .bind(i)
                .bind(nu)
                .bind(id)
                .bind(verwacht)
                .execute(c)
                .await?
        }
        None => {
            query("UPDATE aanvragen SET status = $1, versie = versie + 1, gewijzigd_op = $2 WHERE id = $3 AND versie = $4")
                .bind(status.code())
                .bind(nu)
                .bind(id)
                .bind(verwacht)
                .execute(c)
                .await?
        }
    };
    Ok(r.rows_affected() == 1)
}

pub async fn voeg_overgang_toe(
    c: &mut impl Verbinding,
    id: &str,
    van: Option<Status>,
    naar: Status,
    actor: &str,
    reden: &str,
    nu: i64,
) -> Result<(), sqlx::Error> {
    query(
        "INSERT INTO statusovergangen (aanvraag_id, volgnummer, van, naar, actor, reden, op) \
         SELECT $1, COALESCE(MAX(volgnummer), 0) + 1, $2, $3, $4, $5, $6 FROM statusovergangen WHERE aanvraag_id = $1",
    )
    .bind(id)
    .bind(van.map(|s| s.code().to_string()))
    .bind(naar.code())
    .bind(actor)
    .bind(reden)
    .bind(nu)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn overgangen(c: &mut impl Verbinding, id: &str) -> Result<Vec<OvergangRij>, DbFout> {
    let rijen =
        query("SELECT volgnummer, van, naar, actor, reden, op FROM statusovergangen WHERE aanvraag_id = $1 ORDER BY volgnummer").bind(id).fetch_all(c).await?;
    rijen
        .iter()
        .map(|r| {
            Ok(OvergangRij {
                volgnummer: r.try_get("volgnummer")?,
                van: r.try_get("van")?,
                naar: r.try_get("naar")?,
                actor: r.try_get("actor")?,
                reden: r.try_get("reden")?,
                op: r.try_get("op")?,
            })
        })
        .collect()
}

pub async fn voeg_indiening_toe(c: &mut impl Verbinding, i: &IndieningRij) -> Result<(), sqlx::Error> {
    query("INSERT INTO indieningen (aanvraag_id, ontvangstnummer, ingediend_op, sha256, inhoud) VALUES ($1, $2, $3, $4, $5)")
        .bind(&i.aanvraag_id)
        .bind(&i.ontvangstnummer)
        .bind(i.ingediend_op)
        .bind(&i.sha256)
        .bind(&i.inhoud)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn indiening(c: &mut impl Verbinding, id: &str) -> Result<Option<IndieningRij>, DbFout> {
    let r =
        query("SELECT aanvraag_id, ontvangstnummer, ingediend_op, sha256, inhoud FROM indieningen WHERE aanvraag_id = $1").bind(id).fetch_optional(c).await?;
    r.map(|r| {
        Ok(IndieningRij {
            aanvraag_id: r.try_get("aanvraag_id")?,
            ontvangstnummer: r.try_get("ontvangstnummer")?,
            ingediend_op: r.try_get("ingediend_op")?,
            sha256: r.try_get("sha256")?,
            inhoud: r.try_get("inhoud")?,
        })
    })
    .transpose()
}

/// Wat van een toetsing bewaard wordt, vooraf klaargemaakt (buiten de schrijfbeurt): de vastlegging als JSON
/// (formaat 2 van `toetsingen.rapport`: de bevindingen met hun getallen, zonder tekst), de stand van de
/// parameters (apart, onder haar SHA-256, gedeeld door alle toetsingen met dezelfde) en de toetsstand voor de
/// werkvoorraad.
pub struct TeBewaren {
    pub vastlegging: String,
    pub parameters: vhf_core::toetsing::Parameterstand,
    pub stand: Toetsuitkomst,
}

impl TeBewaren {
    pub fn van(t: &vhf_core::toetsing::Toetsing<'_>) -> TeBewaren {
        let (v, parameters) = t.vastlegging();
        TeBewaren { vastlegging: serde_json::to_string(&v).expect("een vastlegging is altijd JSON"), parameters, stand: Toetsuitkomst::van(t) }
    }
}

pub async fn voeg_toetsing_toe(c: &mut impl Verbinding, id: &str, aanleiding: &str, b: &TeBewaren, nu: i64) -> Result<(), sqlx::Error> {
    zet_toetsstand(&mut *c, id, &b.stand).await?;
    bewaar_parameterstand(&mut *c, &b.parameters).await?;
    query(
        "INSERT INTO toetsingen (aanvraag_id, volgnummer, berekend_op, aanleiding, rapport, formaat) \
         SELECT $1, COALESCE(MAX(volgnummer), 0) + 1, $2, $3, $4, 2 FROM toetsingen WHERE aanvraag_id = $1",
    )
    .bind(id)
    .bind(nu)
    .bind(aanleiding)
    .bind(&b.vastlegging)
    .execute(c)
    .await?;
    Ok(())
}

async fn bewaar_parameterstand(c: &mut impl Verbinding, p: &vhf_core::toetsing::Parameterstand) -> Result<(), sqlx::Error> {
    query("INSERT INTO parameterstanden (sha256, parameters) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING").bind(&p.sha256).bind(&p.json).execute(c).await?;
    Ok(())
}

/// De JSON van een bewaarde stand van de parameters.
pub async fn parameterstand(c: &mut impl Verbinding, sha256: &str) -> Result<Option<String>, DbFout> {
    let r = query("SELECT parameters FROM parameterstanden WHERE sha256 = $1").bind(sha256).fetch_optional(c).await?;
    Ok(match r {
        Some(r) => Some(r.try_get("parameters")?),
        None => None,
    })
}

/// Een bewaarde toetsing zoals ze in de tabel staat.
#[derive(Clone, Debug)]
pub struct ToetsingRij {
    pub volgnummer: i64,
    pub berekend_op: i64,
    pub aanleiding: String,
    /// 1: het volledige verslag (JSON van `Toetsing::rapport`), zoals vóór migratie 0016 bewaard en niet om te
    /// zetten; 2: de vastlegging (`vhf_core::toetsing::Vastlegging`), het verslag wordt bij het lezen gemaakt.
    pub formaat: i64,
    pub rapport: String,
}

/// De laatste toetsing van een aanvraag.
pub async fn laatste_toetsing(c: &mut impl Verbinding, id: &str) -> Result<Option<ToetsingRij>, DbFout> {
    let r = query("SELECT volgnummer, berekend_op, aanleiding, formaat, rapport FROM toetsingen WHERE aanvraag_id = $1 ORDER BY volgnummer DESC LIMIT 1")
        .bind(id)
        .fetch_optional(c)
        .await?;
    Ok(match r {
        Some(r) => Some(ToetsingRij {
            volgnummer: r.try_get("volgnummer")?,
            berekend_op: r.try_get("berekend_op")?,
            aanleiding: r.try_get("aanleiding")?,
            formaat: r.try_get("formaat")?,
            rapport: r.try_get("rapport")?,
        }),
        None => None,
    })
}

/// De toetsingen die nog als volledig verslag bewaard zijn (formaat 1): (aanvraag, volgnummer), zonder het verslag
/// zelf (dat kan veel zijn; [`toetsing_in_formaat_1`] leest ze een voor een).
pub async fn toetsingen_in_formaat_1(c: &mut impl Verbinding) -> Result<Vec<(String, i64)>, DbFout> {
    query("SELECT aanvraag_id, volgnummer FROM toetsingen WHERE formaat = 1 ORDER BY aanvraag_id, volgnummer")
        .fetch_all(c)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("aanvraag_id")?, r.try_get("volgnummer")?)))
        .collect()
}

/// Het verslag van één toetsing van formaat 1 (`None` als ze er niet meer in die vorm staat).
pub async fn toetsing_in_formaat_1(c: &mut impl Verbinding, id: &str, volgnummer: i64) -> Result<Option<String>, DbFout> {
    let r =
        query("SELECT rapport FROM toetsingen WHERE aanvraag_id = $1 AND volgnummer = $2 AND formaat = 1").bind(id).bind(volgnummer).fetch_optional(c).await?;
    Ok(match r {
        Some(r) => Some(r.try_get("rapport")?),
        None => None,
    })
}

/// Vervangt een verslag van formaat 1 door zijn vastlegging, als het er nog staat; `false` als een ander
/// exemplaar het al deed.
pub async fn zet_toetsing_om(
    c: &mut impl Verbinding,
    id: &str,
    volgnummer: i64,
    vastlegging: &str,
    p: &vhf_core::toetsing::Parameterstand,
) -> Result<bool, DbFout> {
    bewaar_parameterstand(&mut *c, p).await?;
    let n = query("UPDATE toetsingen SET formaat = 2, rapport = $3 WHERE aanvraag_id = $1 AND volgnummer = $2 AND formaat = 1")
        .bind(id)
        .bind(volgnummer)
        .bind(vastlegging)
        .execute(c)
        .await?;
    Ok(n.rows_affected() == 1)
}

/// Legt een aanvulling vast en geeft haar volgnummer.
pub async fn voeg_aanvulling_toe(c: &mut impl Verbinding, id: &str, inhoud: &str, sha256: &str, door: &str, op: i64) -> Result<i64, sqlx::Error> {
    let n: i64 =
        query("SELECT COALESCE(MAX(volgnummer), 0) + 1 AS n FROM aanvullingen WHERE aanvraag_id = $1").bind(id).fetch_one(&mut *c).await?.try_get("n")?;
    query("INSERT INTO aanvullingen (aanvraag_id, volgnummer, inhoud, sha256, door, op) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(n)
        .bind(inhoud)
        .bind(sha256)
        .bind(door)
        .bind(op)
        .execute(c)
        .await?;
    Ok(n)
}

/// De aanvullingen van een aanvraag: (volgnummer, sha256, door, op).
pub async fn aanvullingen(c: &mut impl Verbinding, id: &str) -> Result<Vec<(i64, String, String, i64)>, sqlx::Error> {
    let r = query("SELECT volgnummer, sha256, door, op FROM aanvullingen WHERE aanvraag_id = $1 ORDER BY volgnummer").bind(id).fetch_all(c).await?;
    r.iter().map(|r| Ok((r.try_get("volgnummer")?, r.try_get("sha256")?, r.try_get("door")?, r.try_get("op")?))).collect()
}

/// Filters van de werkvoorraad; een leeg filter laat alles door.#[derive(Clone, Debug, Default)]
pub struct Werkfilter {
    pub ronde: String,
    pub status: String,
    pub gemeente: String,
    /// '' alle, 'fouten', 'zonder' (getoetst zonder fouten), 'waarschuwingen', of een regel ('E15': die faalde).
    pub bevinding: String,
    /// '' alle, 'in' (in een prioriteitsgebied), 'buiten', 'te_bevestigen' (verklaard, nog niet vastgesteld), of
    /// het id van een gebied.
    pub prioriteit: String,
}

/// Wat de werkvoorraad per aanvraag uit de laatste toetsing toont.
#[derive(Clone, Debug, Default)]
pub struct Toetsstand {
    pub fouten: i64,
    pub waarschuwingen: i64,
    /// De prioriteitsgebieden (id's) van de deelplannen, na vaststelling.
    pub gebieden: Vec<String>,
    pub te_bevestigen: i64,
}

/// De werkvoorraad van de behandelaar: aanvragen met filters (ronde, status, gemeente als penvoerder of
/// mede-aanvrager, bevindingen en prioriteitsgebied uit de laatste toetsing), binnen het zicht van de gebruiker,
/// in volgorde van binnenkomst (of op kenmerk), per pagina; met de toetsstand (`None`: nog niet getoetst).
pub async fn werkvoorraad(
    c: &mut impl Verbinding,
    f: &Werkfilter,
    zicht: &Zicht,
    op_kenmerk: bool,
    pagina: i64,
    per_pagina: i64,
    met_inhoud: bool,
) -> Result<(Vec<(AanvraagRij, Option<Toetsstand>)>, i64), DbFout> {
    let (z, g, l) = zicht.parameters();
    macro_rules! waar {
        () => {
            concat!(
                " FROM aanvragen LEFT JOIN toetsstanden t ON t.aanvraag_id = aanvragen.id",
                " WHERE ($1 = '' OR ronde = $1) AND ($2 = '' OR status = $2)",
                " AND ($3 = '' OR EXISTS (SELECT 1 FROM aanvraag_gemeenten wg WHERE wg.aanvraag_id = aanvragen.id AND wg.gemeente = $3))",
                " AND ($7 = '' OR ($7 = 'fouten' AND t.fouten > 0) OR ($7 = 'zonder' AND t.fouten = 0)",
                " OR ($7 = 'waarschuwingen' AND t.waarschuwingen > 0) OR t.regels_fout LIKE '% ' || $7 || ' %')",
                " AND ($8 = '' OR ($8 = 'in' AND t.gebieden <> '') OR ($8 = 'buiten' AND t.gebieden = '')",
                " OR ($8 = 'te_bevestigen' AND t.te_bevestigen > 0) OR t.gebieden LIKE '% ' || $8 || ' %') AND ",
                crate::zichtfilter!("aanvragen.id", "4", "5", "6")
            )
        };
    }
    macro_rules! bind {
        ($q:expr) => {
            $q.bind(&f.ronde).bind(&f.status).bind(&f.gemeente).bind(z).bind(g).bind(l).bind(&f.bevinding).bind(&f.prioriteit)
        };
    }
    let totaal: i64 = bind!(query(concat!("SELECT COUNT(*) AS n", waar!()))).fetch_one(&mut *c).await?.try_get("n")?;
    // De pagina heeft de inhoud niet nodig (en zo blijft een pagina licht); de export wel.
    let inhoud = if met_inhoud { "inhoud" } else { "'' AS inhoud" };
    let kolommen = format!(
        "SELECT id, ronde, kenmerk, penvoerder, status, versie, {inhoud}, aangemaakt_op, gewijzigd_op, \
                    t.aanvraag_id AS getoetst, t.fouten AS t_fouten, t.waarschuwingen AS t_waarschuwingen, t.gebieden AS t_gebieden, t.te_bevestigen AS t_te_bevestigen"
    );
    let zin = if op_kenmerk {
        format!("{kolommen}{} ORDER BY kenmerk, id LIMIT $9 + 0 OFFSET $10 + 0", waar!())
    } else {
        format!("{kolommen}{} ORDER BY aangemaakt_op, id LIMIT $9 + 0 OFFSET $10 + 0", waar!())
    };
    let rijen = bind!(query(zin)).bind(per_pagina).bind(pagina.saturating_sub(1).saturating_mul(per_pagina)).fetch_all(c).await?;
    let mut uit = Vec::with_capacity(rijen.len());
    for r in &rijen {
        let stand = match r.try_get::<Option<String>>("getoetst")? {
            None => None,
            Some(_) => Some(Toetsstand {
                fouten: r.try_get("t_fouten")?,
                waarschuwingen: r.try_get("t_waarschuwingen")?,
                gebieden: r.try_get::<String>("t_gebieden")?.split_whitespace().map(String::from).collect(),
                te_bevestigen: r.try_get("t_te_bevestigen")?,
            }),
        };
        uit.push((rij(r)?, stand));
    }
    Ok((uit, totaal))
}

// ---------------------------------------------------------------------------------------------------------------
// De werkversie van een aanvulling.

/// De werkversie van een aanvulling, als de gemeente eraan begon: (inhoud, door, op).
pub async fn werkversie(c: &mut impl Verbinding, id: &str) -> Result<Option<(String, String, i64)>, sqlx::Error> {
    let r = query("SELECT inhoud, gewijzigd_door, gewijzigd_op FROM aanvulling_werkversies WHERE aanvraag_id = $1").bind(id).fetch_optional(c).await?;
    r.map(|r| Ok((r.try_get("inhoud")?, r.try_get("gewijzigd_door")?, r.try_get("gewijzigd_op")?))).transpose()
}

/// Bewaart de werkversie en hoogt de versie van de aanvraag op als die nog `verwacht` is (dezelfde optimistische
/// vergrendeling als bij een concept; de ingediende inhoud blijft staan). `false`: iemand anders was eerder.
pub async fn bewaar_werkversie(c: &mut impl Verbinding, id: &str, verwacht: i64, inhoud: &str, door: &str, nu: i64) -> Result<bool, sqlx::Error> {
    let r = query("UPDATE aanvragen SET versie = versie + 1, gewijzigd_op = $1 WHERE id = $2 AND versie = $3")
        .bind(nu)
        .bind(id)
        .bind(verwacht)
        .execute(&mut *c)
        .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    query(
        "INSERT INTO aanvulling_werkversies (aanvraag_id, inhoud, gewijzigd_door, gewijzigd_op) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (aanvraag_id) DO UPDATE SET inhoud = excluded.inhoud, gewijzigd_door = excluded.gewijzigd_door, gewijzigd_op = excluded.gewijzigd_op",
    )
    .bind(id)
    .bind(inhoud)
    .bind(door)
    .bind(nu)
    .execute(c)
    .await?;
    Ok(true)
}

pub async fn verwijder_werkversie(c: &mut impl Verbinding, id: &str) -> Result<(), sqlx::Error> {
    query("DELETE FROM aanvulling_werkversies WHERE aanvraag_id = $1").bind(id).execute(c).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Het prioriteitsgebied zoals de behandelaar het vaststelt.

#[derive(Clone, Debug)]
pub struct Vaststelling {
    pub deelplan: String,
    pub volgnummer: i64,
    pub verklaard: Option<String>,
    /// `None`: geen prioriteitsgebied.
    pub vastgesteld: Option<String>,
    pub reden: String,
    pub door: String,
    pub op: i64,
}

pub async fn voeg_vaststelling_toe(c: &mut impl Verbinding, id: &str, v: &Vaststelling) -> Result<i64, sqlx::Error> {
    let n: i64 = query("SELECT COALESCE(MAX(volgnummer), 0) + 1 AS n FROM prioriteitsvaststellingen WHERE aanvraag_id = $1 AND deelplan = $2")
        .bind(id)
        .bind(&v.deelplan)
        .fetch_one(&mut *c)
        .await?
        .try_get("n")?;
    query(
        "INSERT INTO prioriteitsvaststellingen (aanvraag_id, deelplan, volgnummer, verklaard, vastgesteld, reden, door, op) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(&v.deelplan)
    .bind(n)
    .bind(v.verklaard.as_deref())
    .bind(v.vastgesteld.as_deref())
    .bind(&v.reden)
    .bind(&v.door)
    .bind(v.op)
    .execute(c)
    .await?;
    Ok(n)
}

/// Alle vaststellingen van een aanvraag, per deelplan op volgorde (de laatste per deelplan geldt).
pub async fn vaststellingen(c: &mut impl Verbinding, id: &str) -> Result<Vec<Vaststelling>, sqlx::Error> {
    let r = query(
        "SELECT deelplan, volgnummer, verklaard, vastgesteld, reden, door, op FROM prioriteitsvaststellingen WHERE aanvraag_id = $1 \
         ORDER BY deelplan, volgnummer",
    )
    .bind(id)
    .fetch_all(c)
    .await?;
    r.iter()
        .map(|r| {
            Ok(Vaststelling {
                deelplan: r.try_get("deelplan")?,
                volgnummer: r.try_get("volgnummer")?,
                verklaard: r.try_get("verklaard")?,
                vastgesteld: r.try_get("vastgesteld")?,
                reden: r.try_get("reden")?,
                door: r.try_get("door")?,
                op: r.try_get("op")?,
            })
        })
        .collect()
}

/// De geldende vaststelling per deelplan: deelplan → vastgesteld gebied (of geen).
pub fn geldend(v: &[Vaststelling]) -> std::collections::BTreeMap<String, Option<String>> {
    v.iter().map(|x| (x.deelplan.clone(), x.vastgesteld.clone())).collect()
}

// ---------------------------------------------------------------------------------------------------------------
// De toetsstand voor de filters van de werkvoorraad.

/// Wat de werkvoorraad van de laatste toetsing van een aanvraag moet weten (voor haar `toetsstanden`-rij): aantallen fouten en waarschuwingen, de
/// regels met een fout (oplopend, elk één keer) en per deelplan het prioriteitsgebied uit de kengetallen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toetsuitkomst {
    pub fouten: i64,
    pub waarschuwingen: i64,
    pub regels_fout: Vec<String>,
    pub deelplannen: Vec<DeelplanStand>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeelplanStand {
    pub id: String,
    /// Het gebied als de kengetallen het deelgebied in een prioriteitsgebied plaatsen.
    pub gebied: Option<String>,
    /// Een verklaard gebied (of een ongeldige verklaring) dat de behandelaar nog moet vaststellen.
    pub te_bevestigen: bool,
}

impl Toetsuitkomst {
    /// Uit de toetsing zelf, zonder het verslag op te maken.
    pub fn van(t: &vhf_core::toetsing::Toetsing<'_>) -> Toetsuitkomst {
        use vhf_core::indicatoren::Prioriteit;
        use vhf_core::toetsing::Uitkomst;
        let tel = |u: Uitkomst| t.bevindingen.iter().filter(|b| b.uitkomst == u).count() as i64;
        let mut regels: Vec<_> = t.fouten().map(|b| b.regel).collect();
        regels.sort_unstable();
        regels.dedup();
        let deelplannen = t
            .aanvraag
            .deelplannen
            .iter()
            .zip(&t.indicatoren.deelplannen)
            .map(|(d, i)| {
                let (gebied, te_bevestigen) = match &i.prioriteit {
                    Prioriteit::Gebied { id, verklaard, .. } => (Some(id.clone()), *verklaard),
                    Prioriteit::Ongeldig { .. } => (None, true),
                    Prioriteit::Geen => (None, false),
                };
                DeelplanStand { id: d.id.clone(), gebied, te_bevestigen }
            })
            .collect();
        Toetsuitkomst {
            fouten: tel(Uitkomst::Fout),
            waarschuwingen: tel(Uitkomst::Waarschuwing),
            regels_fout: regels.iter().map(|r| format!("{r:?}")).collect(),
            deelplannen,
        }
    }

    /// Uit het JSON-verslag (`Toetsing::rapport`): voor een verslag in formaat 1 en na een vaststelling.
    pub fn uit_rapport(rapport: &serde_json::Value) -> Toetsuitkomst {
        let bevindingen = rapport["bevindingen"].as_array().map(Vec::as_slice).unwrap_or_default();
        let tel = |u: &str| bevindingen.iter().filter(|b| b["uitkomst"] == u).count() as i64;
        let mut regels: Vec<String> = bevindingen.iter().filter(|b| b["uitkomst"] == "fout").filter_map(|b| b["regel"].as_str().map(String::from)).collect();
        regels.sort_unstable();
        regels.dedup();
        let ids = rapport["deelplannen"].as_array().map(Vec::as_slice).unwrap_or_default();
        let ind = rapport["indicatoren"]["deelplannen"].as_array().map(Vec::as_slice).unwrap_or_default();
        let deelplannen = ids
            .iter()
            .zip(ind)
            .map(|(d, i)| {
                let p = &i["prioriteit"];
                DeelplanStand {
                    id: d["id"].as_str().unwrap_or_default().to_string(),
                    gebied: p["id"].as_str().filter(|_| p["status"] == "gebied").map(String::from),
                    te_bevestigen: p["verklaard"] == true || p["status"] == "ongeldig",
                }
            })
            .collect();
        Toetsuitkomst { fouten: tel("fout"), waarschuwingen: tel("waarschuwing"), regels_fout: regels, deelplannen }
    }
}

/// Werkt de toetsstand van een aanvraag bij uit die van haar laatste toetsing en haar vaststellingen van het
/// prioriteitsgebied.
pub async fn zet_toetsstand(c: &mut impl Verbinding, id: &str, stand: &Toetsuitkomst) -> Result<(), sqlx::Error> {
    let vast = geldend(&vaststellingen(&mut *c, id).await?);
    let mut gebieden = Vec::new();
    let mut te_bevestigen = 0i64;
    for d in &stand.deelplannen {
        match vast.get(&d.id) {
            Some(v) => gebieden.extend(v.clone()),
            None => {
                gebieden.extend(d.gebied.clone());
                te_bevestigen += i64::from(d.te_bevestigen);
            }
        }
    }
    let omring = |v: Vec<String>| if v.is_empty() { String::new() } else { format!(" {} ", v.join(" ")) };
    query(
        "INSERT INTO toetsstanden (aanvraag_id, fouten, waarschuwingen, regels_fout, gebieden, te_bevestigen) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (aanvraag_id) DO UPDATE SET fouten = excluded.fouten, waarschuwingen = excluded.waarschuwingen, \
         regels_fout = excluded.regels_fout, gebieden = excluded.gebieden, te_bevestigen = excluded.te_bevestigen",
    )
    .bind(id)
    .bind(stand.fouten)
    .bind(stand.waarschuwingen)
    .bind(omring(stand.regels_fout.clone()))
    .bind(omring(gebieden))
    .bind(te_bevestigen)
    .execute(c)
    .await?;
    Ok(())
}

/// Na de migratie: een toetsstand voor elke aanvraag die al een toetsing had.
pub async fn vul_toetsstanden_aan(c: &mut impl Verbinding) -> Result<(), DbFout> {
    let ids: Vec<String> =
        query("SELECT DISTINCT aanvraag_id FROM toetsingen").fetch_all(&mut *c).await?.iter().map(|r| r.try_get("aanvraag_id")).collect::<Result<_, _>>()?;
    for id in ids {
        // Bij migratie 0010 is elk verslag nog volledig (formaat 1; de kolom `formaat` komt pas met 0016).
        let r = query("SELECT rapport FROM toetsingen WHERE aanvraag_id = $1 ORDER BY volgnummer DESC LIMIT 1").bind(&id).fetch_one(&mut *c).await?;
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&r.try_get::<String>("rapport")?) {
            zet_toetsstand(&mut *c, &id, &Toetsuitkomst::uit_rapport(&v)).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Toetsuitkomst;
    use vhf_core::referentie::Referentie;
    use vhf_core::regeling::Ronde;

    /// De pagina van de lijst wordt één keer voorbereid en daarna met elke binding hergebruikt; met een kale
    /// `LIMIT $5` bereidt SQLite haar bij elke nieuwe binding opnieuw voor (zo bewijst de test dat hij het ziet).
    #[tokio::test]
    async fn de_pagina_van_de_lijst_wordt_niet_bij_elke_binding_opnieuw_voorbereid() {
        let dir = std::env::temp_dir().join(format!("vhf-herbereiden-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pad = dir.join("vhf.db");
        drop(crate::db::Db::verbind(&format!("sqlite://{}?mode=rwc", pad.display())).await.unwrap());
        let c = rusqlite::Connection::open(&pad).unwrap();
        let herbereid = |sql: &str| {
            let sql = sql.replace('$', "?");
            for (n, begin) in [(20i64, 0i64), (50, 0), (20, 20), (20, 40)] {
                let mut st = c.prepare_cached(&sql).unwrap();
                let mut rijen = st.query(rusqlite::params!["", "beperkt", "GM0479", "", n, begin]).unwrap();
                while rijen.next().unwrap().is_some() {}
            }
            c.prepare_cached(&sql).unwrap().get_status(rusqlite::StatementStatus::RePrepare)
        };
        assert_eq!(herbereid(super::LIJST_PAGINA), 0);
        assert!(herbereid(&super::LIJST_PAGINA.replace(" + 0", "")) > 0, "de kale vorm wordt wel opnieuw voorbereid");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// De toetsstand uit de toetsing zelf (bij het bewaren) en die uit het verslag (na een vaststelling, of bij een
    /// verslag van formaat 1) zijn dezelfde, ook bij een verklaard gebied dat niet op de lijst staat.
    #[test]
    fn toetsstand_uit_de_toetsing_en_uit_het_verslag_zijn_gelijk() {
        let ronde = Ronde::zoek("vhf-2021").unwrap();
        let mut aanvragen = vhf_core::demo::genereer(ronde, 24, 14).aanvragen;
        aanvragen[0].deelplannen[0].deelgebied.prioriteitsgebied = Some("bestaat-niet".into());
        let mut gezien = [false; 3];
        for t in vhf_core::toetsing::toets_ronde(&aanvragen, ronde, Referentie::ingebouwd(), jiff::Timestamp::UNIX_EPOCH).unwrap() {
            let van = Toetsuitkomst::van(&t);
            assert_eq!(van, Toetsuitkomst::uit_rapport(&serde_json::to_value(t.rapport()).unwrap()), "{}", t.aanvraag.kenmerk);
            for d in &van.deelplannen {
                gezien[0] |= d.gebied.is_some();
                gezien[1] |= d.te_bevestigen && d.gebied.is_none();
            }
            gezien[2] |= !van.regels_fout.is_empty();
        }
        assert_eq!(gezien, [true; 3], "gebied, ongeldige verklaring en fouten komen voor");
    }
}
