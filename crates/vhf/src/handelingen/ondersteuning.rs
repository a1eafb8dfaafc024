//! Onafhankelijke ondersteuning in de prioriteitsgebieden (issue 12, deel 6), gedeeld door API en pagina's. De
//! regels staan in `vhf_core::ondersteuning`; hier de volgorde, de opslag en het audittrail.
//!
//! - RVO (behandelaar) houdt de pool van adviseurs bij: een gebruiker met rol `adviseur`, met expertise,
//!   beschikbaarheid en de gemeenten waarbij hij een belang heeft.
//! - Een gemeente in een prioriteitsgebied van de lijst van de ronde vraagt ondersteuning aan (waarvoor, bij welk
//!   deelplan, hoeveel uur); een gemeente daarbuiten krijgt een weigering die zegt waarom.
//! - RVO wijst een adviseur toe: beschikbaar, zonder belang bij de gemeente, en binnen het plafond per verzoek en
//!   wat er in het gebied nog vrij is (parameter `ondersteuning` van de ronde, met bron).
//! - De adviseur schrijft uren op zijn eigen verzoeken (een ander verzoek bestaat voor hem niet: 404), nooit meer
//!   dan is toegekend; RVO keurt ze goed of af (een afgekeurde regel geeft de uren terug).
//! - Het verslag per gebied: budget, toegekend, geschreven en goedgekeurd, per verzoek.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};
use vhf_core::codes::GemeenteCode;
use vhf_core::ondersteuning::{self as regels, Gebiedsstand};
use vhf_core::referentie::Referentie;
use vhf_core::regeling::{ParameterNaam, Ronde};

use super::{Verzoek, afronden};
use crate::db::ondersteuning::{self as db, AdviseurRij, UrenRij, VerzoekRij, Zicht};
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;
use crate::toegang::Rol;

fn intern(e: impl std::fmt::Display) -> ApiFout {
    ApiFout::Intern(e.to_string())
}

fn ongeldig(detail: impl Into<String>) -> ApiFout {
    ApiFout::Ongeldig { detail: detail.into(), velden: vec![] }
}

fn regel(titel: &str, detail: String) -> ApiFout {
    ApiFout::Regel { titel: titel.into(), detail }
}

fn minuten(m: i64) -> u32 {
    u32::try_from(m.max(0)).unwrap_or(u32::MAX)
}

/// Wat deze gebruiker van de verzoeken ziet: een gemeente de hare, een adviseur de zijne, RVO, het ministerie en
/// de auditor alles; een andere rol niets (403).
pub fn zicht(ident: &Identiteit) -> Result<Zicht, ApiFout> {
    let g = ident.gebruiker()?;
    match g.rol {
        Rol::Aanvrager => Ok(Zicht::Gemeente(g.gemeente.map(|c| c.to_string()).ok_or(ApiFout::NietGevonden)?)),
        Rol::Adviseur if !g.id.trim().is_empty() => Ok(Zicht::Adviseur(g.id.clone())),
        Rol::Behandelaar | Rol::Beslisser | Rol::Auditor => Ok(Zicht::Alles),
        _ => Err(ApiFout::GeenRecht("Deze rol heeft geen toegang tot de ondersteuning.".into())),
    }
}

fn lijst(ronde: &Ronde, nu: jiff::Timestamp) -> String {
    ronde.parameters_op(nu).prioriteitslijst.waarde.clone()
}

fn gebiedsnaam(ronde: &Ronde, nu: jiff::Timestamp, gebied: &str) -> String {
    Referentie::ingebouwd().lijst(&lijst(ronde, nu)).and_then(|l| l.get(gebied)).map_or_else(|| gebied.to_string(), |g| g.naam.clone())
}

fn tekstlijst(t: &str) -> Vec<String> {
    serde_json::from_str(t).unwrap_or_default()
}

pub fn adviseur_json(a: &AdviseurRij) -> Value {
    json!({
        "gebruiker": a.gebruiker, "naam": a.naam, "expertise": tekstlijst(&a.expertise), "uren_per_week": a.uren_per_week,
        "beschikbaar": a.beschikbaar, "belangen": tekstlijst(&a.belangen), "bijgewerkt_door": a.bijgewerkt_door,
    })
}

pub fn verzoek_json(v: &VerzoekRij) -> Value {
    let r = Referentie::ingebouwd();
    let gemeentenaam = GemeenteCode::parse(&v.gemeente).map(|g| r.gemeentenaam(g)).unwrap_or_else(|_| v.gemeente.clone());
    json!({
        "id": v.id, "ronde": v.ronde, "gemeente": v.gemeente, "gemeentenaam": gemeentenaam, "gebied": v.gebied,
        "onderwerp": v.onderwerp, "deelplan": v.deelplan, "status": v.status,
        "uren_gevraagd": regels::uren_getal(minuten(v.gevraagd)), "uren_toegekend": regels::uren_getal(minuten(v.toegekend)),
        "uren_geschreven": regels::uren_getal(minuten(v.geschreven)),
        "adviseur": v.adviseur, "aangevraagd_door": v.aangevraagd_door, "besloten_door": v.besloten_door, "reden": v.reden,
    })
}

pub fn uren_json(u: &UrenRij) -> Value {
    json!({
        "id": u.id, "verzoek": u.verzoek, "adviseur": u.adviseur, "datum": u.datum, "uren": regels::uren_getal(minuten(u.minuten)),
        "omschrijving": u.omschrijving, "status": u.status, "beoordeeld_door": u.beoordeeld_door, "reden": u.reden,
    })
}

// ------------------------------------------------------------------------------------------------------------
// De pool

/// Een adviseur in de pool zetten of bijwerken (RVO).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adviseurgegevens {
    #[serde(default)]
    pub expertise: Vec<String>,
    pub uren_per_week: u32,
    pub beschikbaar: bool,
    #[serde(default)]
    pub belangen: Vec<String>,
}

pub async fn zet_adviseur(v: &Verzoek<'_>, id: &str, a: Adviseurgegevens) -> Result<Value, ApiFout> {
    let ik = v.ident.gebruiker()?.id.clone();
    if a.uren_per_week > 60 {
        return Err(ongeldig(format!("uren_per_week: {} uur per week is meer dan een adviseur kan werken (hoogstens 60)", a.uren_per_week)));
    }
    let expertise: Vec<String> = a.expertise.iter().map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect();
    if expertise.iter().any(|e| e.chars().count() > 100) || expertise.len() > 20 {
        return Err(ongeldig("expertise: hoogstens 20 onderwerpen van elk hoogstens 100 tekens"));
    }
    let mut belangen = Vec::new();
    for b in &a.belangen {
        let g = GemeenteCode::parse(b.trim()).map_err(|e| ongeldig(format!("belangen: '{b}': {e}")))?;
        if Referentie::ingebouwd().gemeente(g).is_none() {
            return Err(ongeldig(format!("belangen: {g} is geen gemeente van de indeling 2021")));
        }
        belangen.push(g.to_string());
    }
    belangen.sort();
    belangen.dedup();
    let (mut tx, sleutel) = v.begin().await?;
    let gebruiker = crate::db::toegang::haal(&mut tx, id).await?.ok_or_else(|| ongeldig(format!("Gebruiker '{id}' bestaat niet (of is uitgeschakeld).")))?;
    if gebruiker.rol != Rol::Adviseur {
        return Err(ongeldig(format!(
            "Gebruiker '{id}' heeft rol {}; alleen een gebruiker met rol adviseur kan in de pool (de beheerder geeft die rol).",
            gebruiker.rol
        )));
    }
    let vorige = db::haal_adviseur(&mut tx, id).await?;
    let nu = (v.s.klok)().as_microsecond();
    let rij = AdviseurRij {
        gebruiker: id.to_string(),
        naam: gebruiker.naam.clone(),
        expertise: serde_json::to_string(&expertise).map_err(intern)?,
        uren_per_week: i64::from(a.uren_per_week),
        beschikbaar: a.beschikbaar,
        belangen: serde_json::to_string(&belangen).map_err(intern)?,
        bijgewerkt_door: ik,
        bijgewerkt_op: nu,
    };
    db::zet_adviseur(&mut tx, &rij).await?;
    let antwoord = adviseur_json(&rij);
    v.ident.leg_vast(&mut tx, nu, "adviseur.bijgewerkt", format!("adviseur/{id}"), None, vorige.as_ref().map(adviseur_json), Some(antwoord.clone())).await?;
    afronden(tx, sleutel, 200, &antwoord).await?;
    Ok(antwoord)
}

// ------------------------------------------------------------------------------------------------------------
// Verzoeken

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aanvraag {
    pub ronde: String,
    #[serde(default)]
    pub gebied: Option<String>,
    pub onderwerp: String,
    #[serde(default)]
    pub deelplan: Option<String>,
    /// Uren, als tekst ("12", "7,5") of getal.
    pub uren: UrenInvoer,
}

/// Uren als getal of als tekst.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum UrenInvoer {
    Getal(f64),
    Tekst(String),
}

impl UrenInvoer {
    pub fn minuten(&self) -> Result<u32, ApiFout> {
        let t = match self {
            UrenInvoer::Getal(g) => format!("{g}"),
            UrenInvoer::Tekst(t) => t.clone(),
        };
        regels::lees_uren(&t).map_err(|e| ongeldig(format!("uren: {e}")))
    }
}

/// Een gemeente vraagt ondersteuning aan.
pub async fn vraag_aan(v: &Verzoek<'_>, a: Aanvraag) -> Result<Value, ApiFout> {
    let g = v.ident.gebruiker()?;
    let gemeente = g.gemeente.ok_or(ApiFout::NietGevonden)?;
    let ronde = Ronde::zoek(&a.ronde).ok_or_else(|| ongeldig(format!("ronde: onbekende ronde '{}'", a.ronde)))?;
    let onderwerp = a.onderwerp.trim();
    if onderwerp.is_empty() || onderwerp.chars().count() > 2000 {
        return Err(ongeldig("onderwerp: zeg in 1 tot 2000 tekens waarvoor u ondersteuning vraagt"));
    }
    let deelplan = a.deelplan.as_deref().map(str::trim).unwrap_or("");
    if deelplan.chars().count() > 200 {
        return Err(ongeldig("deelplan: hoogstens 200 tekens"));
    }
    let gevraagd = a.uren.minuten()?;
    let nu = (v.s.klok)();
    let p = ronde.parameters_op(nu);
    let gebied = regels::gebied_voor_verzoek(Referentie::ingebouwd(), p.prioriteitslijst.waarde, gemeente, a.gebied.as_deref())
        .map_err(|e| regel("Geen ondersteuning voor deze gemeente", e))?;
    let budget = p.ondersteuning.waarde;
    if gevraagd > budget.minuten_per_verzoek() {
        let b = p.gebruikt(ParameterNaam::ondersteuning);
        return Err(regel(
            "Meer uren dan een verzoek kan krijgen",
            format!(
                "U vraagt {}; een verzoek krijgt hoogstens {} ({} = {}, vanaf {}, bron: {}). Vraag minder uren, of dien later een tweede verzoek in.",
                regels::uren(gevraagd),
                regels::uren(budget.minuten_per_verzoek()),
                b.naam,
                b.waarde,
                b.vanaf,
                b.bron
            ),
        ));
    }
    let rij = VerzoekRij {
        id: crate::server::nieuw_id("OV"),
        ronde: ronde.id.clone(),
        gemeente: gemeente.to_string(),
        gebied: gebied.id.clone(),
        onderwerp: onderwerp.to_string(),
        deelplan: deelplan.to_string(),
        gevraagd: i64::from(gevraagd),
        status: "aangevraagd".into(),
        aangevraagd_door: g.id.clone(),
        aangevraagd_op: nu.as_microsecond(),
        adviseur: None,
        toegekend: 0,
        geschreven: 0,
        besloten_door: None,
        besloten_op: None,
        reden: String::new(),
    };
    let (mut tx, sleutel) = v.begin().await?;
    db::voeg_verzoek_toe(&mut tx, &rij).await?;
    let mut antwoord = verzoek_json(&rij);
    antwoord["uitleg"] = json!(format!(
        "{} ligt in prioriteitsgebied {} (lijst {}); RVO wijst een onafhankelijke adviseur toe.",
        Referentie::ingebouwd().gemeentenaam(gemeente),
        gebied.naam,
        p.prioriteitslijst.waarde
    ));
    v.ident
        .leg_vast(&mut tx, nu.as_microsecond(), "ondersteuning.aangevraagd", format!("ondersteuningsverzoek/{}", rij.id), None, None, Some(antwoord.clone()))
        .await?;
    afronden(tx, sleutel, 201, &antwoord).await?;
    Ok(antwoord)
}

/// Eén verzoek met zijn uren; wat de vrager niet mag zien, is 404.
pub async fn verzoek(c: &mut impl crate::db::Verbinding, id: &str, zicht: &Zicht) -> Result<Value, ApiFout> {
    let r = db::haal_verzoek(c, id, zicht).await?.ok_or(ApiFout::NietGevonden)?;
    let uren = db::urenregels(c, "", id, zicht).await?;
    let mut v = verzoek_json(&r);
    v["uren"] = uren.iter().map(uren_json).collect();
    Ok(v)
}

/// RVO wijst een adviseur toe (of past de toewijzing aan: meer of minder uren, of een andere adviseur zolang er
/// nog niets geschreven is).
pub async fn wijs_toe(v: &Verzoek<'_>, id: &str, adviseur: &str, uren: &UrenInvoer) -> Result<Value, ApiFout> {
    let ik = v.ident.gebruiker()?.id.clone();
    let nieuw = uren.minuten()?;
    let (mut tx, sleutel) = v.begin().await?;
    let r = db::haal_verzoek(&mut tx, id, &Zicht::Alles).await?.ok_or(ApiFout::NietGevonden)?;
    if r.status == "afgewezen" {
        return Err(ApiFout::Conflict(format!("Verzoek {id} is afgewezen ({}); de gemeente kan een nieuw verzoek indienen.", r.reden)));
    }
    let a = db::haal_adviseur(&mut tx, adviseur).await?.ok_or_else(|| ongeldig(format!("adviseur: '{adviseur}' staat niet in de pool van adviseurs")))?;
    if !a.beschikbaar {
        return Err(regel("Adviseur niet beschikbaar", format!("{} ({adviseur}) staat in de pool als niet beschikbaar; kies een andere adviseur.", a.naam)));
    }
    if crate::db::toegang::haal(&mut tx, adviseur).await?.is_none_or(|g| g.rol != Rol::Adviseur) {
        return Err(regel("Geen adviseur", format!("{adviseur} is geen actieve gebruiker met rol adviseur meer; kies een andere adviseur.")));
    }
    let gemeente = GemeenteCode::parse(&r.gemeente).map_err(intern)?;
    let belangen: Vec<GemeenteCode> = tekstlijst(&a.belangen).iter().filter_map(|b| GemeenteCode::parse(b).ok()).collect();
    if let Some(reden) = regels::belangenconflict(Referentie::ingebouwd(), &a.naam, &belangen, gemeente) {
        return Err(regel("Belangenconflict", format!("{reden}; kies een andere adviseur.")));
    }
    if r.status == "toegewezen" && r.adviseur.as_deref() != Some(adviseur) && r.geschreven > 0 {
        return Err(ApiFout::Conflict(format!(
            "Verzoek {id} heeft al {} geschreven door {}; een andere adviseur kan het niet meer overnemen.",
            regels::uren(minuten(r.geschreven)),
            r.adviseur.clone().unwrap_or_default()
        )));
    }
    if i64::from(nieuw) < r.geschreven {
        return Err(regel(
            "Minder uren dan al geschreven",
            format!("Op verzoek {id} staat al {} geschreven; de toewijzing kan niet lager dan dat.", regels::uren(minuten(r.geschreven))),
        ));
    }
    let ronde = Ronde::zoek(&r.ronde).ok_or_else(|| intern("onbekende ronde bij een verzoek"))?;
    let nu = (v.s.klok)();
    let p = ronde.parameters_op(nu);
    let budget = p.ondersteuning.waarde;
    let gebruikt = p.gebruikt(ParameterNaam::ondersteuning);
    let gebied =
        Referentie::ingebouwd().lijst(p.prioriteitslijst.waarde).and_then(|l| l.get(&r.gebied)).ok_or_else(|| intern("onbekend gebied bij een verzoek"))?;
    let stand = db::gebieden(&mut tx, &r.ronde).await?.into_iter().find(|(g, _)| *g == r.gebied).map_or(0, |(_, m)| m);
    // De toets rekent zonder wat dit verzoek al had: een aanpassing vraagt alleen het verschil.
    let anders = minuten(stand - r.toegekend);
    regels::toets_toewijzing(budget, &gebruikt, gebied, Gebiedsstand { toegekend: anders }, nieuw).map_err(|e| regel("Boven het urenbudget", e))?;
    let verschil = i64::from(nieuw) - r.toegekend;
    if !db::reserveer_gebied(&mut tx, &r.ronde, &r.gebied, verschil, i64::from(budget.minuten_per_gebied())).await? {
        return Err(regel("Boven het urenbudget", format!("In {} is intussen te weinig vrij voor {}; probeer het opnieuw.", gebied.naam, regels::uren(nieuw))));
    }
    if !db::wijs_toe(&mut tx, id, adviseur, i64::from(nieuw), &ik, nu.as_microsecond()).await? {
        return Err(ApiFout::Conflict(format!("Verzoek {id} is intussen veranderd; laad het opnieuw.")));
    }
    let na = db::haal_verzoek(&mut tx, id, &Zicht::Alles).await?.ok_or_else(|| intern("verzoek verdwenen"))?;
    let mut antwoord = verzoek_json(&na);
    antwoord["uitleg"] = json!(format!(
        "{} toegewezen aan {} ({adviseur}); in {} is daarna {} van de {} toegekend ({} = {}, bron: {}).",
        regels::uren(nieuw),
        a.naam,
        gebied.naam,
        regels::uren(anders + nieuw),
        regels::uren(budget.minuten_per_gebied()),
        gebruikt.naam,
        gebruikt.waarde,
        gebruikt.bron
    ));
    v.ident
        .leg_vast(
            &mut tx,
            nu.as_microsecond(),
            "ondersteuning.toegewezen",
            format!("ondersteuningsverzoek/{id}"),
            None,
            Some(verzoek_json(&r)),
            Some(antwoord.clone()),
        )
        .await?;
    afronden(tx, sleutel, 200, &antwoord).await?;
    Ok(antwoord)
}

/// RVO wijst een verzoek af, met reden.
pub async fn wijs_af(v: &Verzoek<'_>, id: &str, reden: &str) -> Result<Value, ApiFout> {
    let ik = v.ident.gebruiker()?.id.clone();
    let reden = reden.trim();
    if reden.is_empty() || reden.chars().count() > 2000 {
        return Err(ongeldig("reden: zeg in 1 tot 2000 tekens waarom het verzoek wordt afgewezen"));
    }
    let (mut tx, sleutel) = v.begin().await?;
    let r = db::haal_verzoek(&mut tx, id, &Zicht::Alles).await?.ok_or(ApiFout::NietGevonden)?;
    let nu = (v.s.klok)().as_microsecond();
    if !db::wijs_af(&mut tx, id, reden, &ik, nu).await? {
        return Err(ApiFout::Conflict(format!("Verzoek {id} is al {}; alleen een aangevraagd verzoek kan worden afgewezen.", r.status)));
    }
    let na = db::haal_verzoek(&mut tx, id, &Zicht::Alles).await?.ok_or_else(|| intern("verzoek verdwenen"))?;
    let antwoord = verzoek_json(&na);
    v.ident
        .leg_vast(&mut tx, nu, "ondersteuning.afgewezen", format!("ondersteuningsverzoek/{id}"), None, Some(verzoek_json(&r)), Some(antwoord.clone()))
        .await?;
    afronden(tx, sleutel, 200, &antwoord).await?;
    Ok(antwoord)
}

// ------------------------------------------------------------------------------------------------------------
// Uren

/// De adviseur schrijft uren op een verzoek dat hem is toegewezen; meer dan toegekend wordt geweigerd.
pub async fn schrijf_uren(v: &Verzoek<'_>, id: &str, datum: &str, uren: &UrenInvoer, omschrijving: &str) -> Result<Value, ApiFout> {
    let ik = v.ident.gebruiker()?.id.clone();
    let zicht = Zicht::Adviseur(ik.clone());
    // Eerst het zicht: een verzoek van een ander bestaat voor deze adviseur niet, wat hij ook invult (404).
    {
        let mut c = v.s.db.lees().await?;
        db::haal_verzoek(&mut c, id, &zicht).await?.ok_or(ApiFout::NietGevonden)?;
    }
    let m = uren.minuten()?;
    let datum: jiff::civil::Date = datum.trim().parse().map_err(|_| ongeldig(format!("datum: '{datum}' is geen datum (JJJJ-MM-DD)")))?;
    let vandaag = crate::handelingen::besluiten::lokale_datum((v.s.klok)());
    if datum > vandaag {
        return Err(ongeldig(format!("datum: {datum} ligt in de toekomst; schrijf uren als ze gewerkt zijn")));
    }
    if m > 12 * 60 {
        return Err(ongeldig(format!("uren: {} op één dag is meer dan 12 uur; schrijf de uren per gewerkte dag", regels::uren(m))));
    }
    let omschrijving = omschrijving.trim();
    if omschrijving.is_empty() || omschrijving.chars().count() > 2000 {
        return Err(ongeldig("omschrijving: zeg in 1 tot 2000 tekens wat u deed"));
    }
    let (mut tx, sleutel) = v.begin().await?;
    let r = db::haal_verzoek(&mut tx, id, &zicht).await?.ok_or(ApiFout::NietGevonden)?;
    if r.status != "toegewezen" {
        return Err(ApiFout::Conflict(format!("Verzoek {id} is {}; uren schrijven kan op een toegewezen verzoek.", r.status)));
    }
    regels::toets_uren(minuten(r.toegekend), minuten(r.geschreven), m).map_err(|e| regel("Boven het urenbudget van het verzoek", e))?;
    if !db::boek_uren(&mut tx, id, &ik, i64::from(m)).await? {
        return Err(regel(
            "Boven het urenbudget van het verzoek",
            format!("{} past intussen niet meer binnen de toewijzing; laad het verzoek opnieuw.", regels::uren(m)),
        ));
    }
    let nu = (v.s.klok)().as_microsecond();
    let rij = UrenRij {
        id: crate::server::nieuw_id("UR"),
        verzoek: id.to_string(),
        adviseur: ik,
        datum: datum.to_string(),
        minuten: i64::from(m),
        omschrijving: omschrijving.to_string(),
        status: "ingediend".into(),
        geschreven_op: nu,
        beoordeeld_door: None,
        beoordeeld_op: None,
        reden: String::new(),
    };
    db::voeg_uren_toe(&mut tx, &rij).await?;
    let mut antwoord = uren_json(&rij);
    antwoord["uitleg"] = json!(format!(
        "{} geschreven; van de {} van dit verzoek staat nu {} geschreven, {} over. RVO keurt de uren goed.",
        regels::uren(m),
        regels::uren(minuten(r.toegekend)),
        regels::uren(minuten(r.geschreven) + m),
        regels::uren(minuten(r.toegekend).saturating_sub(minuten(r.geschreven) + m))
    ));
    v.ident.leg_vast(&mut tx, nu, "ondersteuning.uren_geschreven", format!("urenregel/{}", rij.id), None, None, Some(antwoord.clone())).await?;
    afronden(tx, sleutel, 201, &antwoord).await?;
    Ok(antwoord)
}

/// RVO keurt een urenregel goed of af (met reden); een afgekeurde regel telt niet meer mee.
pub async fn beoordeel_uren(v: &Verzoek<'_>, id: &str, uitkomst: &str, reden: &str) -> Result<Value, ApiFout> {
    let ik = v.ident.gebruiker()?.id.clone();
    let status = match uitkomst {
        "goedkeuren" => "goedgekeurd",
        "afkeuren" => "afgekeurd",
        _ => return Err(ongeldig(format!("uitkomst: '{uitkomst}' (kies goedkeuren of afkeuren)"))),
    };
    let reden = reden.trim();
    if status == "afgekeurd" && reden.is_empty() {
        return Err(ongeldig("reden: zeg waarom de uren worden afgekeurd"));
    }
    if reden.chars().count() > 2000 {
        return Err(ongeldig("reden: hoogstens 2000 tekens"));
    }
    let (mut tx, sleutel) = v.begin().await?;
    let u = db::haal_urenregel(&mut tx, id).await?.ok_or(ApiFout::NietGevonden)?;
    let nu = (v.s.klok)().as_microsecond();
    if !db::beoordeel_uren(&mut tx, id, status, reden, &ik, nu).await? {
        return Err(ApiFout::Conflict(format!("Urenregel {id} is al {}.", u.status)));
    }
    if status == "afgekeurd" && !db::boek_uren(&mut tx, &u.verzoek, &u.adviseur, -u.minuten).await? {
        return Err(intern("afgekeurde uren niet terug te boeken"));
    }
    let na = db::haal_urenregel(&mut tx, id).await?.ok_or_else(|| intern("urenregel verdwenen"))?;
    let antwoord = uren_json(&na);
    v.ident
        .leg_vast(&mut tx, nu, &format!("ondersteuning.uren_{status}"), format!("urenregel/{id}"), None, Some(uren_json(&u)), Some(antwoord.clone()))
        .await?;
    afronden(tx, sleutel, 200, &antwoord).await?;
    Ok(antwoord)
}

// ------------------------------------------------------------------------------------------------------------
// Verslag

/// Het verslag per gebied van een ronde: het budget (parameter met bron), wat er is toegekend, geschreven en
/// goedgekeurd, en de verzoeken.
pub async fn verslag(c: &mut impl crate::db::Verbinding, ronde: &Ronde, nu: jiff::Timestamp) -> Result<Value, ApiFout> {
    let p = ronde.parameters_op(nu);
    let budget = p.ondersteuning.waarde;
    let gebruikt = p.gebruikt(ParameterNaam::ondersteuning);
    let verzoeken = db::verzoeken(c, &ronde.id, &Zicht::Alles).await?;
    let uren = db::urenregels(c, &ronde.id, "", &Zicht::Alles).await?;
    let mut goedgekeurd: BTreeMap<&str, u32> = BTreeMap::new();
    for u in uren.iter().filter(|u| u.status == "goedgekeurd") {
        *goedgekeurd.entry(u.verzoek.as_str()).or_default() += minuten(u.minuten);
    }
    let mut per: BTreeMap<&str, Vec<&VerzoekRij>> = BTreeMap::new();
    for v in &verzoeken {
        per.entry(v.gebied.as_str()).or_default().push(v);
    }
    let gebieden: Vec<Value> = per
        .iter()
        .map(|(gebied, vs)| {
            let toegekend: u32 = vs.iter().map(|v| minuten(v.toegekend)).sum();
            let geschreven: u32 = vs.iter().map(|v| minuten(v.geschreven)).sum();
            let goed: u32 = vs.iter().map(|v| goedgekeurd.get(v.id.as_str()).copied().unwrap_or(0)).sum();
            json!({
                "gebied": gebied, "naam": gebiedsnaam(ronde, nu, gebied),
                "uren_budget": regels::uren_getal(budget.minuten_per_gebied()),
                "uren_toegekend": regels::uren_getal(toegekend), "uren_geschreven": regels::uren_getal(geschreven),
                "uren_goedgekeurd": regels::uren_getal(goed),
                "uren_vrij": regels::uren_getal(budget.minuten_per_gebied().saturating_sub(toegekend)),
                "verzoeken": vs.iter().map(|v| {
                    let mut j = verzoek_json(v);
                    j["uren_goedgekeurd"] = json!(regels::uren_getal(goedgekeurd.get(v.id.as_str()).copied().unwrap_or(0)));
                    j
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(json!({
        "ronde": ronde.id,
        "parameter": {"naam": gebruikt.naam, "waarde": gebruikt.waarde, "vanaf": gebruikt.vanaf.to_string(), "bron": gebruikt.bron},
        "gebieden": gebieden,
    }))
}
