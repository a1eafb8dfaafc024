//! Handelingen op een aanvraag: een concept maken en wijzigen, indienen binnen het loket met ontvangstbewijs,
//! een statusovergang door de behandelaar. Eén keer geschreven, aangeroepen door de API (`server/aanvragen.rs`)
//! en door de pagina's (`web/`).
//!
//! Een indiening wordt pas bevestigd na de commit (SQLite: WAL met `synchronous=FULL`): wie een ontvangstbewijs
//! heeft, heeft een aanvraag die een crash overleeft. Een mislukt verzoek laat niets half achter: alles gebeurt
//! in één transactie.

use serde_json::{Value, json};
use vhf_core::aanvraag::Aanvraag;
use vhf_core::levensloop::{self, Status};
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;
use vhf_core::toetsing::{self, Regel};

use super::{Verzoek, afronden};
use crate::db::aanvragen::{self as db, AanvraagRij, IndieningRij};
use crate::db::is_uniek_conflict;
use crate::server::AppState;
use crate::server::fout::{ApiFout, OngeldigVeld};
use crate::server::identiteit::Identiteit;
use crate::toegang::Gebruiker;

/// Wat de wijziger zegt te hebben gelezen (If-Match, of het verborgen veld `versie` van een formulier): precies
/// deze versie, of (`*`, RFC 9110) welke versie er nu ook is.
#[derive(Clone, Copy, Debug)]
pub enum Versie {
    Precies(i64),
    Elke,
}

impl Versie {
    /// De versie om mee te vergelijken, gegeven de huidige.
    pub fn of(self, huidige: i64) -> i64 {
        match self {
            Versie::Precies(v) => v,
            Versie::Elke => huidige,
        }
    }
}

/// De penvoerder van een aanvraag (of de eerste aanvrager), als CBS-code.
pub fn penvoerder(a: &Aanvraag) -> String {
    a.penvoerder().or_else(|| a.aanvragers.first().copied()).map(|g| g.to_string()).unwrap_or_default()
}

/// Alleen gebruikers van de penvoerder wijzigen, dienen in en vullen aan; mede-aanvragers lezen mee.
pub fn penvoerder_van(g: &Gebruiker, penvoerder: &str) -> Result<(), ApiFout> {
    match g.gemeente {
        Some(eigen) if eigen.to_string() == penvoerder => Ok(()),
        _ => Err(ApiFout::GeenRecht(format!(
            "Alleen de penvoerder ({penvoerder}) maakt, wijzigt en dient deze aanvraag in; u kunt haar als mede-aanvrager lezen."
        ))),
    }
}

/// Alle gemeenten van een aanvraag: aanvragers en penvoerder.
fn gemeenten(a: &Aanvraag) -> Vec<String> {
    let mut v: Vec<String> = a.aanvragers.iter().map(|g| g.to_string()).collect();
    v.push(penvoerder(a));
    v
}

/// De aanvraag in het kort, zoals in lijsten en in het antwoord op een statusovergang.
pub fn samenvatting(r: &AanvraagRij) -> Value {
    json!({
        "id": r.id,
        "ronde": r.ronde,
        "kenmerk": r.kenmerk,
        "penvoerder": r.penvoerder,
        "status": r.status,
        "versie": r.versie,
        "gewijzigd_op": jiff::Timestamp::from_microsecond(r.gewijzigd_op).ok(),
    })
}

/// De aanvraag met inhoud, als JSON-tekst: de samenvatting met `inhoud` erbij als precies de bewaarde tekst. Een
/// aanvraag lezen is het verzoek dat het vaakst komt; de inhoud (~3 KB) ontleden tot een `Value` en weer opmaken
/// kostte per verzoek honderden allocaties en gaf hetzelfde JSON-document (alleen de sleutels binnen `inhoud` in
/// een andere volgorde). De bewaarde tekst wordt wel gecontroleerd: een onleesbare rij is een interne fout, geen
/// kapot antwoord.
pub fn volledig_json(r: &AanvraagRij) -> Result<String, ApiFout> {
    serde_json::from_str::<serde::de::IgnoredAny>(&r.inhoud).map_err(|e| ApiFout::Intern(format!("inhoud van {}: {e}", r.id)))?;
    let mut s = serde_json::to_string(&samenvatting(r)).expect("JSON");
    // De samenvatting is een object; `inhoud` komt erachter, als laatste sleutel.
    debug_assert!(s.ends_with('}'));
    s.pop();
    s.reserve(r.inhoud.len() + 12);
    s.push_str(",\"inhoud\":");
    s.push_str(&r.inhoud);
    s.push('}');
    Ok(s)
}

/// De aanvraag met inhoud, als `Value` (om er iets uit weg te laten, zoals voor een commissielid; anders
/// [`volledig_json`]).
pub fn volledig(r: &AanvraagRij) -> Result<Value, ApiFout> {
    let inhoud: Value = serde_json::from_str(&r.inhoud).map_err(|e| ApiFout::Intern(format!("inhoud van {}: {e}", r.id)))?;
    let mut v = samenvatting(r);
    v["inhoud"] = inhoud;
    Ok(v)
}

/// Het ontvangstbewijs van een indiening.
pub fn bewijs(i: &IndieningRij, ronde: &Ronde) -> Value {
    let ts = jiff::Timestamp::from_microsecond(i.ingediend_op).expect("opgeslagen tijd");
    json!({
        "ontvangstnummer": i.ontvangstnummer,
        "aanvraag": i.aanvraag_id,
        "ingediend_op": ts,
        "ingediend_op_lokaal": ronde.lokaal(ts).strftime("%d-%m-%Y %H:%M:%S").to_string(),
        "tijdzone": ronde.tijdzone,
        "sha256": i.sha256,
        "toelichting": "SHA-256 over precies de bytes (UTF-8) van inhoud_exact: de ingediende inhoud als JSON-tekst, met de SHA-256 van elk document. Dezelfde bytes staan als bestand op inhoud_url; `sha256sum` daarover geeft deze SHA-256. Het veld inhoud is dezelfde aanvraag om te lezen (opnieuw opgemaakt, dus niet om na te rekenen).",
        "inhoud_url": format!("/api/v1/aanvragen/{}/ontvangstbewijs/inhoud", i.aanvraag_id),
    })
}

/// Een kenmerk dat de gemeente in de ronde al gebruikt.
fn kenmerk_bezet(a: &Aanvraag) -> ApiFout {
    ApiFout::Conflict(format!("Uw gemeente heeft in ronde {} al een aanvraag met kenmerk '{}'; kies een ander kenmerk.", a.ronde, a.kenmerk))
}

/// Een nieuw concept van de gemeente van de gebruiker (penvoerder).
pub async fn maak(v: &Verzoek<'_>, a: Aanvraag) -> Result<AanvraagRij, ApiFout> {
    let (s, ident) = (v.s, v.ident);
    let g = ident.gebruiker()?;
    penvoerder_van(g, &penvoerder(&a))?;
    if a.ingediend_op.is_some() {
        return Err(ApiFout::Ongeldig {
            detail: "Het moment van indienen zet het loket bij de indiening; laat ingediend_op weg in een concept.".into(),
            velden: vec![OngeldigVeld {
                name: "ingediend_op".into(),
                reason: "wordt door het loket gezet".into(),
                line: None,
                column: None,
                sheet: None,
                cell: None,
            }],
        });
    }
    // Alles vooraf klaarzetten; in de schrijfbeurt alleen de rijen.
    let nu = (s.klok)().as_microsecond();
    let rij = AanvraagRij {
        id: crate::server::nieuw_id("AV"),
        ronde: a.ronde.clone(),
        kenmerk: a.kenmerk.clone(),
        penvoerder: penvoerder(&a),
        status: Status::Concept,
        versie: 1,
        inhoud: serde_json::to_string(&a).expect("JSON"),
        aangemaakt_op: nu,
        gewijzigd_op: nu,
    };
    let na = json!({ "status": Status::Concept, "versie": 1, "kenmerk": rij.kenmerk, "penvoerder": rij.penvoerder, "sha256": levensloop::sha256_hex(rij.inhoud.as_bytes()) });
    let antwoord = volledig_json(&rij)?;
    let (mut tx, sleutel) = v.begin().await?;
    if let Err(e) = db::voeg_toe(&mut tx, &rij).await {
        return Err(if is_uniek_conflict(&e) { kenmerk_bezet(&a) } else { e.into() });
    }
    crate::db::toegang::zet_aanvraag_gemeenten(&mut tx, &rij.id, &gemeenten(&a)).await?;
    db::voeg_overgang_toe(&mut tx, &rij.id, None, Status::Concept, &ident.actor(), "concept aangemaakt", nu).await?;
    ident.leg_vast(&mut tx, nu, "aanvraag.aangemaakt", format!("aanvraag/{}", rij.id), Some(&rij.id), None, Some(na)).await?;
    super::afronden_json(tx, sleutel, 201, &antwoord).await?;
    Ok(rij)
}

/// Een concept wijzigen: alleen de penvoerder, alleen vóór indiening, alleen op de versie die hij las.
pub async fn wijzig(s: &AppState, ident: &Identiteit, id: &str, gevraagd: Versie, a: Aanvraag) -> Result<AanvraagRij, ApiFout> {
    let g = ident.gebruiker()?;
    let mut tx = s.db.schrijf().await?;
    let r = db::haal(&mut tx, id, &g.zicht()).await?.ok_or(ApiFout::NietGevonden)?;
    penvoerder_van(g, &r.penvoerder)?;
    penvoerder_van(g, &penvoerder(&a))?;
    let verwacht = gevraagd.of(r.versie);
    if !r.status.inhoud_wijzigbaar() {
        return Err(ApiFout::Conflict(format!(
            "De aanvraag is {}; na indiening is de inhoud bevroren. Aanvullingen gaan via een verzoek om aanvulling.",
            r.status
        )));
    }
    if r.versie != verwacht {
        return Err(ApiFout::VersieVerouderd { huidige: r.versie });
    }
    if a.ronde != r.ronde || a.ingediend_op.is_some() {
        return Err(ApiFout::Ongeldig { detail: "De ronde van een aanvraag verandert niet, en ingediend_op zet het loket.".into(), velden: vec![] });
    }
    let inhoud = serde_json::to_string(&a).expect("JSON");
    let nu = (s.klok)().as_microsecond();
    match db::wijzig_inhoud(&mut tx, id, verwacht, &a.kenmerk, &penvoerder(&a), &inhoud, nu).await {
        Ok(true) => {}
        Ok(false) => return Err(ApiFout::VersieVerouderd { huidige: r.versie + 1 }),
        Err(e) if is_uniek_conflict(&e) => return Err(kenmerk_bezet(&a)),
        Err(e) => return Err(e.into()),
    }
    crate::db::toegang::zet_aanvraag_gemeenten(&mut tx, id, &gemeenten(&a)).await?;
    let nieuw = db::haal_intern(&mut tx, id).await?.ok_or(ApiFout::NietGevonden)?;
    let voor = json!({ "versie": r.versie, "kenmerk": r.kenmerk, "penvoerder": r.penvoerder, "sha256": levensloop::sha256_hex(r.inhoud.as_bytes()) });
    let na =
        json!({ "versie": nieuw.versie, "kenmerk": nieuw.kenmerk, "penvoerder": nieuw.penvoerder, "sha256": levensloop::sha256_hex(nieuw.inhoud.as_bytes()) });
    ident.leg_vast(&mut tx, nu, "aanvraag.gewijzigd", format!("aanvraag/{id}"), Some(id), Some(voor), Some(na)).await?;
    tx.commit().await?;
    Ok(nieuw)
}

/// Het resultaat van een indiening: de nieuwe versie, het ontvangstbewijs en de samenvatting van de toetsing
/// (`antwoord`, zoals de API het geeft en de idempotentie het bewaart).
pub struct Indiening {
    pub versie: i64,
    pub ontvangst: IndieningRij,
    pub antwoord: Value,
}

/// Indienen: alleen binnen het loket (klok van de server, Europe/Amsterdam), de inhoud wordt bevroren met een
/// SHA-256, de toetsing wordt met de gebruikte parameters bewaard, en het ontvangstbewijs volgt pas na de commit.
/// E15 oordeelt op de geüploade documenten (de documententabel), niet op de lijst die de JSON verklaart: een
/// aanvraag zonder uploads wordt wel ingediend (het loket weigert alleen buiten de openingstijd), maar is niet
/// ontvankelijk.
///
/// Lezen, toetsen en het rapport opmaken gebeuren vóór de schrijfbeurt, op een leesverbinding; in de schrijfbeurt
/// alleen nog de rijen, met twee controles dat wat vooraf gelezen is nog klopt: de versie van de aanvraag
/// (optimistisch, in de UPDATE) en het aantal parameterwijzigingen van de ronde. Is er intussen iets veranderd,
/// dan begint het opnieuw met wat er nu staat — net zoals wanneer het verzoek iets later was gekomen. Het moment
/// van indienen is het moment waarop het loket het verzoek in behandeling nam.
pub async fn dien_in(v: &Verzoek<'_>, id: &str, gevraagd: Option<Versie>) -> Result<Indiening, ApiFout> {
    let (s, ident) = (v.s, v.ident);
    let g = ident.gebruiker()?;
    let nu = (s.klok)();
    for _ in 0..3 {
        // Vooraf, buiten de schrijfbeurt. Weigert het al (ingediend, andere versie, …), dan kan het een herhaling
        // zijn van een verzoek dat al lukte: dan het bewaarde antwoord.
        let vooraf = async {
            let mut c = s.db.lees().await?;
            let r = db::haal(&mut c, id, &g.zicht()).await?.ok_or(ApiFout::NietGevonden)?;
            let (ronde, wijzigingen) = crate::server::rondes::effectief_met_aantal(&mut c, &r.ronde).await?;
            penvoerder_van(g, &r.penvoerder)?;
            if let Some(v) = gevraagd
                && v.of(r.versie) != r.versie
            {
                return Err(ApiFout::VersieVerouderd { huidige: r.versie });
            }
            levensloop::overgang(r.status, Status::Ingediend).map_err(|e| ApiFout::Conflict(format!("Indienen kan niet: {e}.")))?;
            let documenten = crate::db::documenten::voor_toetsing(&mut c, id).await?;
            Ok((r, ronde, wijzigingen, documenten))
        };
        let (r, ronde, wijzigingen, documenten) = match vooraf.await {
            Ok(x) => x,
            Err(e) => return Err(v.al_beantwoord().await?.map(|h| ApiFout::Herhaald(Box::new(h))).unwrap_or(e)),
        };
        let mut a: Aanvraag = serde_json::from_str(&r.inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?;
        a.ingediend_op = Some(nu);
        let t = toetsing::toets_met_documenten(&a, &ronde, Referentie::ingebouwd(), nu, &documenten).map_err(|e| ApiFout::Intern(e.to_string()))?;
        if let Some(b) = t.bevindingen.iter().find(|b| b.regel == Regel::E01 && b.uitkomst == toetsing::Uitkomst::Fout) {
            return Err(ApiFout::Regel { titel: "Het loket is gesloten".into(), detail: t.uitleg(b) });
        }
        let bewaren = db::TeBewaren::van(&t);
        let inhoud = serde_json::to_string(&a).expect("JSON");
        // Dezelfde bytes als inhoudshash (die de aanvraag opnieuw zou opmaken): de JSON die bewaard wordt.
        let sha = levensloop::sha256_hex(inhoud.as_bytes());
        debug_assert_eq!(sha, levensloop::inhoudshash(&a));
        let ontvangst = IndieningRij {
            aanvraag_id: id.to_string(),
            ontvangstnummer: format!("ONT-{}", id.trim_start_matches("AV").to_uppercase()),
            ingediend_op: nu.as_microsecond(),
            sha256: sha.clone(),
            inhoud: inhoud.clone(),
        };
        let micro = nu.as_microsecond();
        let voor = json!({ "status": r.status, "versie": r.versie });
        let na = json!({ "status": Status::Ingediend, "versie": r.versie + 1, "ontvangstnummer": ontvangst.ontvangstnummer, "sha256": sha });
        let antwoord = json!({
            "id": id,
            "versie": r.versie + 1,
            "status": Status::Ingediend,
            "ontvangstbewijs": bewijs(&ontvangst, &ronde),
            "toetsing": { "ontvankelijk": t.ontvankelijk(), "zonder_fouten": t.zonder_fouten(), "fouten": t.fouten().count() },
        });

        // De schrijfbeurt.
        let (mut tx, sleutel) = v.begin().await?;
        if crate::db::rondes::aantal_wijzigingen(&mut tx, &r.ronde).await? != wijzigingen
            || crate::db::documenten::aantal(&mut tx, id).await? != documenten.len() as i64
            || !db::zet_status(&mut tx, id, r.versie, Status::Ingediend, Some(&inhoud), micro).await?
        {
            // Intussen gewijzigd: niets geschreven; opnieuw met wat er nu staat.
            drop(tx);
            continue;
        }
        db::voeg_indiening_toe(&mut tx, &ontvangst).await?;
        db::voeg_overgang_toe(&mut tx, id, Some(r.status), Status::Ingediend, &ident.actor(), "ingediend via het loket", micro).await?;
        db::voeg_toetsing_toe(&mut tx, id, "indiening", &bewaren, micro).await?;
        ident.leg_vast(&mut tx, micro, "aanvraag.ingediend", format!("aanvraag/{id}"), Some(id), Some(voor), Some(na)).await?;
        afronden(tx, sleutel, 201, &antwoord).await?;
        tracing::info!(aanvraag = %id, ontvangstnummer = %ontvangst.ontvangstnummer, "aanvraag ingediend");
        return Ok(Indiening { versie: r.versie + 1, ontvangst, antwoord });
    }
    Err(ApiFout::Conflict("De aanvraag of de ronde werd tijdens het indienen steeds gewijzigd; probeer het opnieuw.".into()))
}

/// Een statusovergang door een behandelaar (ontvankelijk, aanvulling gevraagd, …), met versie en reden.
/// Indienen gaat niet hier maar via [`dien_in`] (met het loket en het ontvangstbewijs).
pub async fn overgang(v: &Verzoek<'_>, id: &str, gevraagd: Versie, naar: Status, reden: &str) -> Result<AanvraagRij, ApiFout> {
    let (s, ident) = (v.s, v.ident);
    if reden.trim().is_empty() {
        return Err(ApiFout::Ongeldig {
            detail: "Elke statusovergang heeft een reden.".into(),
            velden: vec![OngeldigVeld { name: "reden".into(), reason: "vul een reden in".into(), line: None, column: None, sheet: None, cell: None }],
        });
    }
    if naar == Status::Ingediend {
        return Err(ApiFout::Conflict("Indienen gaat via POST /aanvragen/{id}/indiening (loket en ontvangstbewijs).".into()));
    }
    let (mut tx, sleutel) = v.begin().await?;
    let r = db::haal(&mut tx, id, &ident.gebruiker()?.zicht()).await?.ok_or(ApiFout::NietGevonden)?;
    let verwacht = gevraagd.of(r.versie);
    if r.versie != verwacht {
        return Err(ApiFout::VersieVerouderd { huidige: r.versie });
    }
    levensloop::overgang(r.status, naar).map_err(|e| ApiFout::Conflict(format!("{e}.")))?;
    let nu = (s.klok)().as_microsecond();
    if !db::zet_status(&mut tx, id, verwacht, naar, None, nu).await? {
        return Err(ApiFout::VersieVerouderd { huidige: r.versie + 1 });
    }
    db::voeg_overgang_toe(&mut tx, id, Some(r.status), naar, &ident.actor(), reden, nu).await?;
    if r.status == Status::AanvullingGevraagd {
        // De vraag is ingetrokken of afgedaan zonder aanvulling: een begonnen werkversie vervalt, zodat een
        // latere vraag niet met oude wijzigingen begint.
        db::verwijder_werkversie(&mut tx, id).await?;
    }
    let voor = json!({ "status": r.status, "versie": r.versie });
    let na = json!({ "status": naar, "versie": r.versie + 1, "reden": reden });
    ident.leg_vast(&mut tx, nu, "aanvraag.statusovergang", format!("aanvraag/{id}"), Some(id), Some(voor), Some(na)).await?;
    let nieuw = db::haal_intern(&mut tx, id).await?.ok_or(ApiFout::NietGevonden)?;
    afronden(tx, sleutel, 200, &samenvatting(&nieuw)).await?;
    Ok(nieuw)
}

/// Waar de inhoud van een aanvulling vandaan komt: de body van de API (al gelezen, of de leesfout: die telt pas
/// na de controle dat de gebruiker van de penvoerder is), of de werkversie die de gemeente op de pagina's
/// in stappen opbouwde.
pub enum Aanvulling {
    Inhoud(Box<Result<Aanvraag, ApiFout>>),
    Werkversie,
}

/// Een aanvulling op verzoek: de volledige aanvraag opnieuw, met hetzelfde kenmerk en dezelfde ronde. Het
/// oorspronkelijke ontvangstbewijs blijft; de aanvulling krijgt een eigen volgnummer en SHA-256, de toetsing
/// wordt opnieuw gedaan (met het oorspronkelijke moment van indienen) en bewaard, de werkversie verdwijnt. Een
/// toelichting van de gemeente (haar antwoord op de vraag van de behandelaar) komt in de geschiedenis.
pub async fn vul_aan(v: &Verzoek<'_>, id: &str, gevraagd: Versie, bron: Aanvulling, toelichting: &str) -> Result<(i64, Value), ApiFout> {
    let (s, ident) = (v.s, v.ident);
    let g = ident.gebruiker()?;
    let (mut tx, sleutel) = v.begin().await?;
    let r = db::haal(&mut tx, id, &g.zicht()).await?.ok_or(ApiFout::NietGevonden)?;
    penvoerder_van(g, &r.penvoerder)?;
    let mut a = match bron {
        Aanvulling::Inhoud(a) => (*a)?,
        Aanvulling::Werkversie => match db::werkversie(&mut tx, id).await? {
            Some((inhoud, _, _)) => serde_json::from_str(&inhoud).map_err(|e| ApiFout::Intern(format!("werkversie van {id}: {e}")))?,
            // Niets gewijzigd op de pagina's: de aanvulling is de ingediende inhoud (bijvoorbeeld met alleen een
            // toelichting, of met documenten die intussen zijn geüpload).
            None => serde_json::from_str(&r.inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?,
        },
    };
    if r.status != Status::AanvullingGevraagd {
        return Err(ApiFout::Conflict(format!("De aanvraag is {}; een aanvulling kan alleen als de behandelaar erom heeft gevraagd.", r.status)));
    }
    if gevraagd.of(r.versie) != r.versie {
        return Err(ApiFout::VersieVerouderd { huidige: r.versie });
    }
    if a.ronde != r.ronde || a.kenmerk != r.kenmerk {
        return Err(ApiFout::Ongeldig { detail: "Een aanvulling houdt de ronde en het kenmerk van de aanvraag.".into(), velden: vec![] });
    }
    let oorspronkelijk = db::indiening(&mut tx, id).await?.ok_or_else(|| ApiFout::Intern(format!("{id}: aanvulling zonder indiening")))?;
    let ingediend = jiff::Timestamp::from_microsecond(oorspronkelijk.ingediend_op).map_err(|e| ApiFout::Intern(e.to_string()))?;
    a.ingediend_op = Some(ingediend);
    let ronde = crate::server::rondes::effectief(&mut tx, &r.ronde).await?;
    // E15 toetst wat er echt geüpload is (ook wat bij deze aanvulling is toegevoegd), niet de verklaarde lijst.
    let documenten = crate::db::documenten::voor_toetsing(&mut tx, id).await?;
    let t = toetsing::toets_met_documenten(&a, &ronde, Referentie::ingebouwd(), ingediend, &documenten).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let inhoud = serde_json::to_string(&a).expect("JSON");
    let sha = levensloop::inhoudshash(&a);
    let nu = (s.klok)().as_microsecond();
    let volgnummer = db::voeg_aanvulling_toe(&mut tx, id, &inhoud, &sha, &ident.actor(), nu).await?;
    if !db::zet_status(&mut tx, id, r.versie, Status::Ingediend, Some(&inhoud), nu).await? {
        return Err(ApiFout::VersieVerouderd { huidige: r.versie + 1 });
    }
    db::verwijder_werkversie(&mut tx, id).await?;
    let toelichting = toelichting.trim();
    let reden = if toelichting.is_empty() { format!("aanvulling {volgnummer} geleverd") } else { format!("aanvulling {volgnummer} geleverd: {toelichting}") };
    db::voeg_overgang_toe(&mut tx, id, Some(r.status), Status::Ingediend, &ident.actor(), &reden, nu).await?;
    let voor = json!({ "status": r.status, "versie": r.versie, "sha256": levensloop::inhoudshash(&serde_json::from_str::<Aanvraag>(&r.inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?) });
    let na = json!({ "status": Status::Ingediend, "versie": r.versie + 1, "aanvulling": volgnummer, "sha256": sha });
    ident.leg_vast(&mut tx, nu, "aanvraag.aangevuld", format!("aanvraag/{id}"), Some(id), Some(voor), Some(na)).await?;
    db::voeg_toetsing_toe(&mut tx, id, &format!("aanvulling {volgnummer}"), &db::TeBewaren::van(&t), nu).await?;
    let antwoord = json!({
        "id": id, "versie": r.versie + 1, "status": Status::Ingediend, "aanvulling": volgnummer, "sha256": sha,
        "toetsing": { "ontvankelijk": t.ontvankelijk(), "zonder_fouten": t.zonder_fouten(), "fouten": t.fouten().count() },
    });
    afronden(tx, sleutel, 201, &antwoord).await?;
    Ok((r.versie + 1, antwoord))
}

/// Een stap van de pagina's opslaan: bij een concept de inhoud zelf ([`wijzig`]); als de behandelaar om een
/// aanvulling vroeg de werkversie van die aanvulling, zodat de ingediende inhoud blijft staan tot de gemeente
/// de aanvulling levert. Dezelfde controles: penvoerder, versie, ronde en (bij een aanvulling) kenmerk.
pub async fn bewaar_stap(s: &AppState, ident: &Identiteit, id: &str, gevraagd: Versie, mut a: Aanvraag) -> Result<AanvraagRij, ApiFout> {
    let g = ident.gebruiker()?;
    let status = {
        let mut c = s.db.lees().await?;
        db::haal(&mut c, id, &g.zicht()).await?.ok_or(ApiFout::NietGevonden)?.status
    };
    if status != Status::AanvullingGevraagd {
        return wijzig(s, ident, id, gevraagd, a).await;
    }
    let mut tx = s.db.schrijf().await?;
    let r = db::haal(&mut tx, id, &g.zicht()).await?.ok_or(ApiFout::NietGevonden)?;
    penvoerder_van(g, &r.penvoerder)?;
    if r.status != Status::AanvullingGevraagd {
        return Err(ApiFout::VersieVerouderd { huidige: r.versie });
    }
    let verwacht = gevraagd.of(r.versie);
    if r.versie != verwacht {
        return Err(ApiFout::VersieVerouderd { huidige: r.versie });
    }
    // De werkversie begint als de ingediende inhoud; het moment van indienen zet de aanvulling er weer in.
    a.ingediend_op = None;
    if a.ronde != r.ronde || a.kenmerk != r.kenmerk {
        return Err(ApiFout::Ongeldig {
            detail: format!("Een aanvulling houdt de ronde en het kenmerk van de aanvraag; het kenmerk blijft '{}'.", r.kenmerk),
            velden: vec![OngeldigVeld { name: "kenmerk".into(), reason: format!("blijft '{}'", r.kenmerk), line: None, column: None, sheet: None, cell: None }],
        });
    }
    penvoerder_van(g, &penvoerder(&a))?;
    let inhoud = serde_json::to_string(&a).expect("JSON");
    let nu = (s.klok)().as_microsecond();
    if !db::bewaar_werkversie(&mut tx, id, verwacht, &inhoud, &ident.actor(), nu).await? {
        return Err(ApiFout::VersieVerouderd { huidige: r.versie + 1 });
    }
    let voor = json!({ "versie": r.versie });
    let na = json!({ "versie": r.versie + 1, "werkversie_sha256": levensloop::sha256_hex(inhoud.as_bytes()) });
    ident.leg_vast(&mut tx, nu, "aanvraag.aanvulling_bewerkt", format!("aanvraag/{id}"), Some(id), Some(voor), Some(na)).await?;
    let nieuw = db::haal_intern(&mut tx, id).await?.ok_or(ApiFout::NietGevonden)?;
    tx.commit().await?;
    Ok(nieuw)
}

/// De behandelaar stelt het prioriteitsgebied van een deelplan vast: het verklaarde gebied bevestigd, een ander
/// gebied van de lijst van de ronde (voor de gemeente van het deelgebied), of geen; altijd met een reden. De
/// verdeling rekent met de laatste vaststelling (`db/verdeling.rs::ingediend_met_status`).
pub async fn stel_prioriteit_vast(v: &Verzoek<'_>, id: &str, deelplan: &str, vastgesteld: Option<String>, reden: &str) -> Result<i64, ApiFout> {
    let (s, ident) = (v.s, v.ident);
    let veld = |naam: &str, reden: String| ApiFout::Ongeldig {
        detail: reden.clone(),
        velden: vec![OngeldigVeld { name: naam.into(), reason: reden, line: None, column: None, sheet: None, cell: None }],
    };
    if reden.trim().is_empty() {
        return Err(veld("reden", "Geef de reden van de vaststelling; de gemeente ziet haar in de geschiedenis.".into()));
    }
    let (mut tx, sleutel) = v.begin().await?;
    let r = db::haal(&mut tx, id, &ident.gebruiker()?.zicht()).await?.ok_or(ApiFout::NietGevonden)?;
    if r.status == Status::Concept {
        return Err(ApiFout::Conflict("Een concept is nog niet ingediend; het prioriteitsgebied stelt de behandelaar vast na indiening.".into()));
    }
    let a: Aanvraag = serde_json::from_str(&r.inhoud).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let d = a.deelplannen.iter().find(|d| d.id == deelplan).ok_or(ApiFout::NietGevonden)?;
    let ronde = crate::server::rondes::effectief(&mut tx, &r.ronde).await?;
    let peil = a.ingediend_op.unwrap_or_else(|| (s.klok)());
    let p = ronde.parameters_op(peil);
    if let Some(g) = &vastgesteld {
        let lijst = Referentie::ingebouwd().lijst(p.prioriteitslijst.waarde);
        let past = lijst.and_then(|l| l.get(g)).is_some_and(|x| x.gemeenten.contains_key(&d.deelgebied.gemeente));
        if !past {
            return Err(veld(
                "gebied",
                format!("'{g}' is geen prioriteitsgebied van de lijst van deze ronde voor de gemeente van het deelgebied ({}).", d.deelgebied.gemeente),
            ));
        }
    }
    let nu = (s.klok)().as_microsecond();
    let vs = db::Vaststelling {
        deelplan: deelplan.to_string(),
        volgnummer: 0,
        verklaard: d.deelgebied.prioriteitsgebied.clone(),
        vastgesteld: vastgesteld.clone(),
        reden: reden.trim().to_string(),
        door: ident.actor(),
        op: nu,
    };
    let n = db::voeg_vaststelling_toe(&mut tx, id, &vs).await?;
    if let Some(v) = bewaard_verslag(&mut tx, id).await? {
        db::zet_toetsstand(&mut tx, id, &db::Toetsuitkomst::uit_rapport(&v.rapport)).await?;
    }
    let na = json!({ "deelplan": deelplan, "verklaard": vs.verklaard, "vastgesteld": vastgesteld, "reden": vs.reden, "volgnummer": n });
    ident.leg_vast(&mut tx, nu, "aanvraag.prioriteit_vastgesteld", format!("aanvraag/{id}"), Some(id), None, Some(na.clone())).await?;
    afronden(tx, sleutel, 201, &na).await?;
    Ok(n)
}

/// Het verslag van de laatste bewaarde toetsing van een aanvraag, zoals `Toetsing::rapport` het maakt.
pub struct BewaardVerslag {
    pub volgnummer: i64,
    pub berekend_op: i64,
    pub aanleiding: String,
    pub rapport: Value,
}

/// Leest de laatste toetsing van een aanvraag en maakt er het verslag van: bij formaat 2 uit de vastlegging, de
/// inhoud van de aanvraag en de bewaarde parameters (met de uitleg in het Nederlands, opnieuw opgemaakt), bij
/// formaat 1 het verslag zoals het bewaard is. De aanroeper heeft het zicht op de aanvraag al gecontroleerd.
pub async fn bewaard_verslag(c: &mut impl crate::db::Verbinding, id: &str) -> Result<Option<BewaardVerslag>, ApiFout> {
    let intern = |e: &dyn std::fmt::Display| ApiFout::Intern(format!("toetsing van {id}: {e}"));
    let Some(rij) = db::laatste_toetsing(&mut *c, id).await? else { return Ok(None) };
    let rapport = match rij.formaat {
        1 => serde_json::from_str(&rij.rapport).map_err(|e| intern(&e))?,
        2 => {
            let v: toetsing::Vastlegging = serde_json::from_str(&rij.rapport).map_err(|e| intern(&e))?;
            let a_rij = db::haal(&mut *c, id, &crate::toegang::Zicht::Alles).await?.ok_or_else(|| intern(&"de aanvraag ontbreekt"))?;
            let a: Aanvraag = serde_json::from_str(&a_rij.inhoud).map_err(|e| intern(&e))?;
            let ronde = crate::server::rondes::effectief(&mut *c, &a_rij.ronde).await?;
            let json = db::parameterstand(&mut *c, &v.parameters_sha256).await?.ok_or_else(|| intern(&"de stand van de parameters ontbreekt"))?;
            let p = toetsing::Parameterstand::lees(&v.parameters_sha256, &json).map_err(|e| intern(&e))?;
            let t = toetsing::herstel(&a, &ronde, Referentie::ingebouwd(), &v, &p).map_err(|e| intern(&e))?;
            serde_json::to_value(t.rapport()).map_err(|e| intern(&e))?
        }
        n => return Err(intern(&format!("onbekend formaat {n}"))),
    };
    Ok(Some(BewaardVerslag { volgnummer: rij.volgnummer, berekend_op: rij.berekend_op, aanleiding: rij.aanleiding, rapport }))
}

/// Hoeveel verslagen [`zet_verslagen_om`] omzette en hoeveel het liet staan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Omgezet {
    pub omgezet: usize,
    pub gelaten: usize,
}

/// Zet de verslagen van formaat 1 (het volledige verslag, zoals vóór migratie 0016 bewaard) om in vastleggingen.
/// Een verslag wordt alleen omgezet als de nieuwe vastlegging het **byte voor byte** teruggeeft: de toetsing
/// wordt opnieuw gedaan met de parameters die in het verslag staan (niet die van de ronde nu), de inhoud van de
/// aanvraag en het peilmoment van toen, en wat daaruit komt moet precies het bewaarde verslag zijn. Lukt dat niet
/// (de inhoud is sindsdien aangevuld, een bevinding kwam uit de toetsing van de hele ronde, een oudere versie van
/// het programma schreef de uitleg anders), dan blijft het verslag staan zoals het is en wordt het zo getoond.
/// Elk verslag in een eigen transactie; een ander exemplaar dat tegelijk start, zet niets dubbel om.
pub async fn zet_verslagen_om(s: &crate::db::Db) -> Result<Omgezet, ApiFout> {
    let mut uit = Omgezet::default();
    let rijen = {
        let mut c = s.lees().await?;
        db::toetsingen_in_formaat_1(&mut c).await?
    };
    for (id, volgnummer) in rijen {
        let mut tx = s.schrijf().await?;
        let nieuw = match db::toetsing_in_formaat_1(&mut tx, &id, volgnummer).await? {
            Some(verslag) => nieuwe_vastlegging(&mut tx, &id, &verslag).await?,
            None => None,
        };
        let gelukt = match nieuw {
            Some((vastlegging, stand)) => db::zet_toetsing_om(&mut tx, &id, volgnummer, &vastlegging, &stand).await?,
            None => false,
        };
        tx.commit().await?;
        if gelukt {
            uit.omgezet += 1;
        } else {
            uit.gelaten += 1;
        }
    }
    Ok(uit)
}

/// De vastlegging die precies `verslag` teruggeeft, of `None` als die er niet is.
async fn nieuwe_vastlegging(c: &mut impl crate::db::Verbinding, id: &str, verslag: &str) -> Result<Option<(String, toetsing::Parameterstand)>, ApiFout> {
    let Ok(v) = serde_json::from_str::<Value>(verslag) else { return Ok(None) };
    // De parameters van toen, elk met precies de waarde die het verslag noemt.
    let Some((peildatum, parameters)) = toetsing::parameters_uit_verslag(&v) else { return Ok(None) };
    let Some(waarden) = parameters.op(peildatum) else { return Ok(None) };
    let (Some(peilmoment), Ok(bron)) = (
        v.get("peilmoment").and_then(Value::as_str).and_then(|t| t.parse::<jiff::Timestamp>().ok()),
        serde_json::from_value::<toetsing::DocumentBron>(v.get("documenten").cloned().unwrap_or_default()),
    ) else {
        return Ok(None);
    };
    let Some(a_rij) = db::haal(&mut *c, id, &crate::toegang::Zicht::Alles).await? else { return Ok(None) };
    let Ok(a) = serde_json::from_str::<Aanvraag>(&a_rij.inhoud) else { return Ok(None) };
    let Ok(ronde) = crate::server::rondes::effectief(&mut *c, &a_rij.ronde).await else { return Ok(None) };
    let geupload = match bron {
        toetsing::DocumentBron::Geupload => crate::db::documenten::voor_toetsing(&mut *c, id).await?,
        toetsing::DocumentBron::Verklaard => a.documenten.clone(),
    };
    let Ok(t) = toetsing::toets_met_parameters(&a, &ronde, Referentie::ingebouwd(), peilmoment, waarden, &geupload, bron) else { return Ok(None) };
    if serde_json::to_string(&t.rapport()).ok().as_deref() != Some(verslag) {
        return Ok(None);
    }
    let (vastlegging, stand) = t.vastlegging();
    Ok(Some((serde_json::to_string(&vastlegging).expect("JSON"), stand)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rij(inhoud: &str) -> AanvraagRij {
        AanvraagRij {
            id: "AV0001".into(),
            ronde: "vhf-2021".into(),
            kenmerk: "K-1".into(),
            penvoerder: "GM0479".into(),
            status: Status::Ingediend,
            versie: 3,
            inhoud: inhoud.into(),
            aangemaakt_op: 1_620_000_000_000_000,
            gewijzigd_op: 1_620_000_000_000_001,
        }
    }

    /// Het antwoord als tekst is hetzelfde JSON-document als de samenvatting met de ontlede inhoud; een bewaarde
    /// inhoud die geen JSON is (of er iets achter heeft), wordt geen kapot antwoord maar een interne fout.
    #[test]
    fn volledig_als_tekst_is_hetzelfde_document() {
        let inhoud = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/zaanstad-poelenburg-peldersveld.json")).unwrap();
        let a: Aanvraag = vhf_core::invoer::lees_aanvraag(&inhoud).unwrap();
        let r = rij(&serde_json::to_string(&a).unwrap());
        let tekst = volledig_json(&r).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&tekst).unwrap(), volledig(&r).unwrap());
        assert!(tekst.ends_with(&format!(",\"inhoud\":{}}}", r.inhoud)), "de inhoud staat er letterlijk in");
        for kapot in ["", "{\"kenmerk\":", "{} x", "[1,2"] {
            assert!(matches!(volledig_json(&rij(kapot)), Err(ApiFout::Intern(_))), "{kapot:?}");
        }
    }
}
