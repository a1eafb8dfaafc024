//! De balie van de gemeente en de zaakpagina van de behandelaar: mijn aanvragen, een nieuwe aanvraag, de
//! algemene gegevens en de deelplannen (met maatregelen en cofinanciering) als stappen die elk apart worden
//! opgeslagen, het dossier met de berekende indicatoren en de bevindingen van de toetsing naast het deelplan of
//! de maatregel waar ze over gaan, indienen met bevestiging en een ontvangstbewijs om af te drukken, en voor de
//! behandelaar de statusovergangen met reden.
//!
//! Elke wijziging gaat via dezelfde handeling als de API (`handelingen/aanvragen.rs`): dezelfde rolcontrole,
//! hetzelfde zichtfilter, dezelfde versiecontrole (verborgen veld `versie`), hetzelfde audittrail. Het formulier
//! wordt naar het bestandsformaat (JSON) vertaald en door dezelfde lezer van de kern gecontroleerd, zodat een
//! fout op het scherm dezelfde grens noemt als de API. Na elke geslaagde POST volgt een 303 naar een GET-pagina,
//! zodat de terugknop van de browser niets opnieuw verstuurt.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};
use vhf_core::aanvraag::{Aanvraag, Activiteit};
use vhf_core::codes::EnergieLabel;
use vhf_core::levensloop::{self, Status};
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;
use vhf_core::toetsing;

use super::formulier::{Formulier, bedrag_invoer};
use super::pagina::{Kader, euro, getal, html, lokaal};
use crate::db::aanvragen::{self as db, AanvraagRij};
use crate::handelingen::Verzoek;
use crate::handelingen::aanvragen::{self as handeling, Versie};
use crate::server::AppState;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;
use crate::server::routes::{Aanvrager, Behandelaar, DOSSIERLEZERS, Route, Toegang};
use crate::toegang::Rol;

pub fn routes() -> Vec<Route> {
    let r = super::pagina::route;
    const GEMEENTE: Toegang = Toegang::Rollen(&[Aanvrager]);
    vec![
        r("GET", "/aanvragen", "Mijn aanvragen (gemeente), per pagina", GEMEENTE, get(lijst)),
        r("GET", "/aanvragen/nieuw", "Nieuwe aanvraag: ronde, algemene gegevens en het eerste deelplan", GEMEENTE, get(nieuw)),
        r("POST", "/aanvragen/nieuw", "Nieuwe aanvraag opslaan als concept", GEMEENTE, axum::routing::post(nieuw_opslaan)),
        r("POST", "/aanvragen/importeren", "Nieuwe aanvraag uit een ingevuld Excel-sjabloon (bestand), als concept", GEMEENTE, axum::routing::post(importeren)),
        r(
            "GET",
            "/aanvragen/{id}",
            "Het dossier: gegevens, indicatoren, bevindingen, documenten, geschiedenis en de acties van uw rol",
            DOSSIERLEZERS,
            get(dossier),
        ),
        r("GET", "/aanvragen/{id}/algemeen", "Stap: algemene gegevens van een concept", GEMEENTE, get(algemeen)),
        r("POST", "/aanvragen/{id}/algemeen", "Stap opslaan: algemene gegevens", GEMEENTE, axum::routing::post(algemeen_opslaan)),
        r(
            "GET",
            "/aanvragen/{id}/deelplannen/{deelplan}",
            "Stap: een deelplan met deelgebied, maatregelen en cofinanciering (deelplan 'nieuw' voegt er een toe)",
            GEMEENTE,
            get(deelplan),
        ),
        r("POST", "/aanvragen/{id}/deelplannen/{deelplan}", "Stap opslaan: een deelplan", GEMEENTE, axum::routing::post(deelplan_opslaan)),
        r(
            "POST",
            "/aanvragen/{id}/documenten",
            "Een document uploaden (formulier met bestand: _csrf eerst, soort, deelplan, bestand); het komt ook in de documentenlijst van de aanvraag",
            GEMEENTE,
            // Het bestand stroomt door naar de opslag, die de grootte zelf begrenst (max_document_bytes).
            axum::routing::post(document).layer(axum::extract::DefaultBodyLimit::disable()),
        ),
        r(
            "POST",
            "/aanvragen/{id}/indienen",
            "Indienen na bevestiging (binnen het loket), door naar het ontvangstbewijs",
            GEMEENTE,
            axum::routing::post(indienen),
        ),
        r("GET", "/aanvragen/{id}/bewijs", "Het ontvangstbewijs om af te drukken", DOSSIERLEZERS, get(bewijs)),
        r(
            "POST",
            "/aanvragen/{id}/aanvulling",
            "De gevraagde aanvulling leveren (de werkversie van de stappen, met toelichting), door naar het dossier",
            GEMEENTE,
            axum::routing::post(aanvulling),
        ),
        r("POST", "/aanvragen/{id}/status", "Statusovergang met reden (behandelaar)", Toegang::Rollen(&[Behandelaar]), axum::routing::post(status)),
        r(
            "POST",
            "/aanvragen/{id}/prioriteit",
            "Het prioriteitsgebied van een deelplan vaststellen: bevestigen, ander gebied of geen, met reden (behandelaar)",
            Toegang::Rollen(&[Behandelaar]),
            axum::routing::post(prioriteit),
        ),
        r(
            "POST",
            "/aanvragen/{id}/toewijzing",
            "Leden van de commissie toewijzen aan een deelplan (behandelaar; belangenconflicten geweigerd)",
            Toegang::Rollen(&[Behandelaar]),
            axum::routing::post(toewijzing),
        ),
    ]
}

/// 303 naar een pagina (na een geslaagde POST).
pub fn naar(pad: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    r.headers_mut().insert(header::LOCATION, HeaderValue::from_str(pad).unwrap_or(HeaderValue::from_static("/")));
    r
}

/// Een willekeurige sleutel voor een formulier: het verborgen veld `_sleutel` wordt de Idempotency-Key van de
/// handeling, zodat twee keer op "Indienen" drukken één indiening is.
fn formuliersleutel() -> String {
    crate::server::identiteit::geheim()
}

#[derive(Deserialize)]
struct Paginakeuze {
    pagina: Option<i64>,
}

pub struct Lijstrij {
    pub id: String,
    pub kenmerk: String,
    pub ronde: String,
    pub status: String,
    pub status_soort: &'static str,
    pub gewijzigd: String,
}

/// De soort tag bij een status (kleur én tekst, nooit alleen kleur).
pub fn statussoort(s: Status) -> &'static str {
    match s {
        Status::Concept | Status::AanvullingGevraagd => "rvo-tag--warning",
        Status::NietOntvankelijk | Status::Afgewezen | Status::Teruggevorderd => "rvo-tag--error",
        Status::Toegekend | Status::GedeeltelijkToegekend | Status::Ontvankelijk | Status::Uitbetaald | Status::Afgerond => "rvo-tag--success",
        _ => "rvo-tag--info",
    }
}

pub fn lijstrij(r: &AanvraagRij) -> Lijstrij {
    Lijstrij {
        id: r.id.clone(),
        kenmerk: r.kenmerk.clone(),
        ronde: Ronde::zoek(&r.ronde).map(|x| x.naam.clone()).unwrap_or_else(|| r.ronde.clone()),
        status: r.status.to_string(),
        status_soort: statussoort(r.status),
        gewijzigd: lokaal(jiff::Timestamp::from_microsecond(r.gewijzigd_op).unwrap_or_default()),
    }
}

/// Vorige/volgende en de paginanummers.
pub struct Paginering {
    pub pagina: i64,
    pub paginas: i64,
    pub totaal: i64,
    /// Het adres zonder `pagina=` (met `?` of `&` erachter), voor de links.
    pub basis: String,
}

impl Paginering {
    pub fn nummers(&self) -> Vec<i64> {
        let mut v: Vec<i64> = (1..=self.paginas).filter(|p| *p == 1 || *p == self.paginas || (p - self.pagina).abs() <= 2).collect();
        v.dedup();
        v
    }
}

const PER_PAGINA: i64 = 25;

#[derive(Template)]
#[template(path = "aanvragen/lijst.html")]
struct Lijst {
    kader: Kader,
    rijen: Vec<Lijstrij>,
    paginering: Paginering,
}

async fn lijst(State(s): State<AppState>, ident: Identiteit, Query(q): Query<Paginakeuze>) -> Result<Response, ApiFout> {
    let pagina = q.pagina.unwrap_or(1).clamp(1, 1_000_000);
    let mut c = s.db.lees().await?;
    let (rijen, totaal) = db::lijst(&mut c, None, &ident.gebruiker()?.zicht(), pagina, PER_PAGINA).await?;
    let paginering = Paginering { pagina, paginas: (totaal + PER_PAGINA - 1) / PER_PAGINA, totaal, basis: "/aanvragen?".into() };
    Ok(html(
        StatusCode::OK,
        &Lijst { kader: Kader::nieuw(&s, &ident, "Mijn aanvragen", "/aanvragen"), rijen: rijen.iter().map(lijstrij).collect(), paginering },
    ))
}

/// Een bevinding om te tonen, bij het deelplan of de maatregel waar ze over gaat.
pub struct Bevindingregel {
    pub deelplan: Option<String>,
    pub maatregel: Option<String>,
    pub regel: String,
    pub titel: String,
    /// "fout", "waarschuwing" of "voldaan".
    pub uitkomst: String,
    pub uitleg: String,
    pub bron: String,
}

fn bevindingen(t: &toetsing::Toetsing<'_>) -> Vec<Bevindingregel> {
    let r = serde_json::to_value(t.rapport()).unwrap_or_default();
    r["bevindingen"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| Bevindingregel {
            deelplan: b["deelplan"].as_str().map(String::from),
            maatregel: b["maatregel"].as_str().map(String::from),
            regel: b["regel"].as_str().unwrap_or("").into(),
            titel: b["titel"].as_str().unwrap_or("").into(),
            uitkomst: b["uitkomst"].as_str().unwrap_or("").into(),
            uitleg: b["uitleg"].as_str().unwrap_or("").into(),
            bron: b["bron"].as_str().unwrap_or("").into(),
        })
        .collect()
}

/// Toetst de aanvraag zoals ze nu is: een concept op het moment van nu (klok van de server), een ingediende
/// aanvraag op haar moment van indienen; met de parameters van de ronde inclusief haar gedateerde wijzigingen, en
/// E15 op de documenten die geüpload zijn (zoals bij het indienen), niet op de lijst in de JSON.
async fn toets_nu<'a>(s: &AppState, id: &str, a: &'a Aanvraag, ronde: &'a Ronde) -> Result<toetsing::Toetsing<'a>, ApiFout> {
    let documenten = {
        let mut c = s.db.lees().await?;
        crate::db::documenten::voor_toetsing(&mut c, id).await?
    };
    toetsing::toets_met_documenten(a, ronde, Referentie::ingebouwd(), (s.klok)(), &documenten).map_err(|e| ApiFout::Intern(e.to_string()))
}

/// De aanvraag als de gebruiker haar mag zien (zichtfilter in SQL), met haar inhoud. Werkt de gemeente aan een
/// gevraagde aanvulling, dan ziet zij (en alleen zij) haar werkversie; de behandelaar ziet wat is ingediend.
async fn laad(s: &AppState, ident: &Identiteit, id: &str) -> Result<(AanvraagRij, Aanvraag, Ronde), ApiFout> {
    let mut c = s.db.lees().await?;
    let g = ident.gebruiker()?;
    let r = db::haal(&mut c, id, &g.zicht()).await?.ok_or(ApiFout::NietGevonden)?;
    let werk = if g.rol == Rol::Aanvrager && r.status == Status::AanvullingGevraagd { db::werkversie(&mut c, id).await?.map(|w| w.0) } else { None };
    let a: Aanvraag = serde_json::from_str(werk.as_deref().unwrap_or(&r.inhoud)).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let ronde = crate::server::rondes::effectief(&mut c, &r.ronde).await?;
    Ok((r, a, ronde))
}

/// De berekende cijfers van een deelplan, als (label, waarde).
fn cijfers(i: &vhf_core::indicatoren::DeelplanIndicatoren) -> Vec<(&'static str, String)> {
    let pct = |p: Option<vhf_core::geld::Percentage>| {
        p.and_then(|p| serde_json::to_value(p).ok()).and_then(|v| v.as_str().map(|s| s.replace('.', ","))).unwrap_or_else(|| "–".into())
    };
    vec![
        ("Kosten van de maatregelen", i.kosten.to_string()),
        ("Opbrengsten", i.opbrengsten.to_string()),
        ("Tekort (kosten − opbrengsten)", i.tekort.to_string()),
        ("Maximale Rijksbijdrage fysiek", i.max_bijdrage_fysiek.to_string()),
        ("Gevraagde bijdrage (fysiek + projectkosten)", i.gevraagd.to_string()),
        ("Aandeel van het tekort", pct(i.aandeel_van_tekort)),
        ("Cofinanciering", i.cofinanciering.to_string()),
        ("Nog te dekken (cofinancieringsgat)", i.cofinancieringsgat.to_string()),
        ("Woningen", getal(i.woningen.totaal())),
        ("Aandeel particulier", pct(i.aandeel_particulier)),
        ("Bijdrage per woning", i.bijdrage_per_woning.map(|b| b.to_string()).unwrap_or_else(|| "–".into())),
    ]
}

/// Een lid van de commissie bij de toewijzing: (id, naam, nu toegewezen).
pub type Lidkeuze = (String, String, bool);

pub struct Deelplanblok {
    pub id: String,
    pub naam: String,
    pub pc4: String,
    pub prioriteitsgebied: String,
    /// De laatste vaststelling door de behandelaar, in een zin; `None`: nog niet vastgesteld.
    pub vaststelling: Option<String>,
    /// Voor de behandelaar: de gebieden van de lijst voor de gemeente van het deelgebied (id, naam).
    pub gebieden: Vec<(String, String)>,
    /// Het gebied dat nu geldt (id), voor de keuzelijst.
    pub geldend: String,
    pub maatregelen: Vec<(String, String, String, String, String)>,
    pub cijfers: Vec<(&'static str, String)>,
}

/// Eén deelplan in het besluit: deelplan, uitkomst (tekst en soort tag), bedrag, uitleg.
pub struct Besluitregel {
    pub deelplan: String,
    pub uitkomst: String,
    pub soort: &'static str,
    pub toegekend: String,
    pub uitleg: String,
}

/// Het besluit over een aanvraag uit de laatste besloten verdeling van haar ronde (met de uitleg van elke
/// uitkomst zoals de verdeling die gaf); `None` als er nog niet besloten is of de aanvraag er niet in zat.
async fn besluit_van(s: &AppState, r: &AanvraagRij) -> Result<Option<(String, Vec<Besluitregel>)>, ApiFout> {
    let mut c = s.db.lees().await?;
    let Some((vid, _, op)) = crate::db::verdeling::besloten(&mut c).await?.into_iter().find(|(_, ronde, _)| *ronde == r.ronde) else {
        return Ok(None);
    };
    let Some(v) = crate::db::verdeling::verdeling(&mut c, &vid).await? else { return Ok(None) };
    let resultaat: Value = serde_json::from_str(&v.resultaat).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let regels: Vec<Besluitregel> = resultaat["deelplannen"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["aanvraag"].as_str() == Some(r.id.as_str()))
        .map(|d| {
            let u = d["uitkomst"].as_str().unwrap_or("").to_string();
            let tekst = serde_json::from_value::<vhf_core::verdeling::Uitkomst>(d["uitkomst"].clone())
                .map(super::verdeling::uitkomst_tekst)
                .unwrap_or_else(|_| u.replace('_', " "));
            Besluitregel {
                deelplan: d["deelplan"].as_str().unwrap_or("").into(),
                uitkomst: tekst,
                soort: super::verdeling::soort(&u),
                toegekend: super::verdeling::bedrag(&d["toegekend"]),
                uitleg: d["uitleg"].as_str().unwrap_or("").into(),
            }
        })
        .collect();
    Ok((!regels.is_empty()).then(|| (lokaal(jiff::Timestamp::from_microsecond(op).unwrap_or_default()), regels)))
}

#[derive(Template)]
#[template(path = "aanvragen/dossier.html")]
struct Dossier {
    kader: Kader,
    r: Lijstrij,
    versie: i64,
    titel: String,
    contact: String,
    planning: String,
    deelplannen: Vec<Deelplanblok>,
    bevindingen: Vec<Bevindingregel>,
    fouten: usize,
    geschiedenis: Vec<(String, String, String, String)>,
    documenten: Vec<(String, String, String)>,
    /// Concept (of gevraagde aanvulling) en de gebruiker is van de penvoerder: de stappen wijzigen.
    bewerkbaar: bool,
    /// De behandelaar vroeg om een aanvulling en de gebruiker is van de penvoerder: aanvulling leveren.
    aanvullen: bool,
    /// De vraag van de behandelaar (de reden van de laatste overgang naar "aanvulling gevraagd"), zolang die open is.
    vraag: Option<(String, String, String)>,
    /// Sinds wanneer (en door wie) de gemeente aan de werkversie van de aanvulling werkt.
    werkversie: Option<String>,
    /// De geleverde aanvullingen: (volgnummer, moment, door, SHA-256).
    aanvullingen: Vec<(i64, String, String, String)>,
    /// De behandelaar mag het prioriteitsgebied vaststellen (na indiening).
    vaststellen: bool,
    /// Het besluit over deze aanvraag, zodra de verdeling van de ronde besloten is: (moment, per deelplan).
    besluit: Option<(String, Vec<Besluitregel>)>,
    ingediend: bool,
    loket: String,
    sleutel: String,
    /// Voor een behandelaar: de statussen waarnaar het dossier kan.
    overgangen: Vec<(String, String)>,
    melding: Option<String>,
    formulier: Formulier,
    /// Voor een behandelaar: per deelplan de leden van de commissie.
    commissie: Vec<(String, Vec<Lidkeuze>)>,
}

impl Dossier {
    fn n(&self, dp: &str, lid: &str) -> String {
        format!("lid_{dp}_{lid}")
    }
    fn bij(&self, deelplan: &str) -> Vec<&Bevindingregel> {
        self.bevindingen.iter().filter(|b| b.deelplan.as_deref() == Some(deelplan) && b.uitkomst != "voldaan").collect()
    }
    fn algemeen(&self) -> Vec<&Bevindingregel> {
        self.bevindingen.iter().filter(|b| b.deelplan.is_none() && b.uitkomst != "voldaan").collect()
    }
}

#[derive(Deserialize)]
struct Melding {
    opgeslagen: Option<String>,
}

async fn dossier(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, Query(m): Query<Melding>) -> Result<Response, ApiFout> {
    let p = dossierpagina(&s, &ident, &id, Formulier::default()).await?;
    let mut p = p;
    p.melding = m.opgeslagen.map(|w| match w.as_str() {
        "status" => "De status is gewijzigd en vastgelegd in het audittrail.".to_string(),
        "document" => "Het document is opgeslagen (met zijn SHA-256) en staat in de documentenlijst van de aanvraag.".to_string(),
        "toewijzing" => "De toewijzing is vastgelegd als nieuwe versie van de beoordelingen (getoetst op belangenconflicten).".to_string(),
        "aanvulling" => "De aanvulling is geleverd, met een eigen volgnummer en SHA-256; de aanvraag is weer ingediend en opnieuw getoetst.".to_string(),
        "prioriteit" => "Het prioriteitsgebied is vastgesteld en vastgelegd in het audittrail; de verdeling rekent ermee.".to_string(),
        _ => "Opgeslagen. U kunt op elk moment verder; niets gaat verloren.".to_string(),
    });
    Ok(html(StatusCode::OK, &p))
}

async fn dossierpagina(s: &AppState, ident: &Identiteit, id: &str, formulier: Formulier) -> Result<Dossier, ApiFout> {
    let (r, a, ronde) = laad(s, ident, id).await?;
    let g = ident.gebruiker()?;
    let t = toets_nu(s, id, &a, &ronde).await?;
    let bev = bevindingen(&t);
    let gebieden = Referentie::ingebouwd();
    let lijst = t.parameters.prioriteitslijst.waarde.clone();
    let vast = {
        let mut c = s.db.lees().await?;
        db::vaststellingen(&mut c, id).await?
    };
    let deelplannen = a
        .deelplannen
        .iter()
        .zip(&t.indicatoren.deelplannen)
        .map(|(d, i)| Deelplanblok {
            id: d.id.clone(),
            naam: d.naam.clone(),
            pc4: d.deelgebied.pc4.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "),
            prioriteitsgebied: d
                .deelgebied
                .prioriteitsgebied
                .as_ref()
                .map(|p| gebieden.lijst(&lijst).and_then(|l| l.get(p)).map(|x| x.naam.clone()).unwrap_or_else(|| p.clone()))
                .unwrap_or_else(|| "geen".into()),
            vaststelling: vast.iter().rev().find(|v| v.deelplan == d.id).map(|v| {
                let gebied = v
                    .vastgesteld
                    .as_ref()
                    .map(|p| gebieden.lijst(&lijst).and_then(|l| l.get(p)).map(|x| x.naam.clone()).unwrap_or_else(|| p.clone()))
                    .unwrap_or_else(|| "geen prioriteitsgebied".into());
                let wat = if v.vastgesteld == v.verklaard { "bevestigd" } else { "gecorrigeerd" };
                format!("{wat}: {gebied}, door {} op {} (reden: {})", v.door, lokaal(jiff::Timestamp::from_microsecond(v.op).unwrap_or_default()), v.reden)
            }),
            gebieden: gebieden
                .lijst(&lijst)
                .map(|l| {
                    let mut v: Vec<(String, String)> =
                        l.values().filter(|x| x.gemeenten.contains_key(&d.deelgebied.gemeente)).map(|x| (x.id.clone(), x.naam.clone())).collect();
                    v.sort_by(|a, b| a.1.cmp(&b.1));
                    v
                })
                .unwrap_or_default(),
            geldend: vast
                .iter()
                .rev()
                .find(|v| v.deelplan == d.id)
                .map(|v| v.vastgesteld.clone())
                .unwrap_or_else(|| d.deelgebied.prioriteitsgebied.clone())
                .unwrap_or_else(|| "geen".into()),
            maatregelen: d
                .maatregelen
                .iter()
                .map(|m| {
                    (
                        m.activiteit.naam().to_string(),
                        m.omschrijving.clone(),
                        getal(u64::from(m.woningen.eigenaar_bewoner) + u64::from(m.woningen.particuliere_verhuur) + u64::from(m.woningen.corporatie)),
                        m.kosten.to_string(),
                        m.opbrengsten.to_string(),
                    )
                })
                .collect(),
            cijfers: cijfers(i),
        })
        .collect();
    let mut c = s.db.lees().await?;
    let geschiedenis = db::overgangen(&mut c, id)
        .await?
        .iter()
        .map(|o| {
            let naar: String = o.naar.parse::<Status>().map(|x| x.to_string()).unwrap_or_else(|_| o.naar.clone());
            (lokaal(jiff::Timestamp::from_microsecond(o.op).unwrap_or_default()), naar, o.actor.clone(), o.reden.clone())
        })
        .collect();
    let documenten = crate::db::documenten::van_aanvraag(&mut c, id)
        .await?
        .iter()
        .map(|d| (d.naam.clone(), d.soort.clone(), d.deelplan.clone().unwrap_or_else(|| "hele aanvraag".into())))
        .collect();
    let van_penvoerder = g.rol == Rol::Aanvrager && g.gemeente.map(|x| x.to_string()) == Some(r.penvoerder.clone());
    let aanvullen = van_penvoerder && r.status == Status::AanvullingGevraagd;
    let bewerkbaar = van_penvoerder && (r.status.inhoud_wijzigbaar() || aanvullen);
    let overgangen_rijen = db::overgangen(&mut c, id).await?;
    let vraag = (r.status == Status::AanvullingGevraagd)
        .then(|| overgangen_rijen.iter().rev().find(|o| o.naar == Status::AanvullingGevraagd.code()))
        .flatten()
        .map(|o| (o.reden.clone(), o.actor.clone(), lokaal(jiff::Timestamp::from_microsecond(o.op).unwrap_or_default())));
    let werkversie = if aanvullen {
        db::werkversie(&mut c, id).await?.map(|(_, door, op)| format!("{} door {door}", lokaal(jiff::Timestamp::from_microsecond(op).unwrap_or_default())))
    } else {
        None
    };
    let aanvullingen = db::aanvullingen(&mut c, id)
        .await?
        .into_iter()
        .map(|(n, sha, door, op)| (n, lokaal(jiff::Timestamp::from_microsecond(op).unwrap_or_default()), door, sha))
        .collect();
    let overgangen = if g.rol == Rol::Behandelaar {
        Status::ALLE
            .iter()
            .filter(|x| **x != Status::Ingediend && levensloop::overgang(r.status, **x).is_ok())
            .map(|x| (x.code().to_string(), x.to_string()))
            .collect()
    } else {
        vec![]
    };
    let commissie = if g.rol == Rol::Behandelaar && r.status != Status::Concept {
        let (kenmerk, b) = ronde_kenmerk(s, &r).await?;
        a.deelplannen
            .iter()
            .map(|d| {
                let toegewezen: Vec<String> =
                    b.toewijzingen.iter().filter(|t| t.aanvraag == kenmerk && t.deelplan == d.id).flat_map(|t| t.leden.clone()).collect();
                (d.id.clone(), b.leden.iter().map(|l| (l.id.clone(), l.naam.clone(), toegewezen.contains(&l.id))).collect())
            })
            .collect()
    } else {
        vec![]
    };
    let p = ronde.parameters_op((s.klok)());
    Ok(Dossier {
        commissie,
        kader: Kader::nieuw(s, ident, format!("Aanvraag {}", r.kenmerk), if g.rol == Rol::Aanvrager { "/aanvragen/" } else { "/behandeling/" }),
        versie: r.versie,
        titel: a.titel.clone(),
        contact: format!("{} ({})", a.contactpersoon.naam, a.contactpersoon.email),
        planning: format!("{} tot en met {}", a.planning.start.strftime("%d-%m-%Y"), a.planning.einde.strftime("%d-%m-%Y")),
        deelplannen,
        fouten: bev.iter().filter(|b| b.uitkomst == "fout").count(),
        bevindingen: bev,
        geschiedenis,
        documenten,
        bewerkbaar,
        aanvullen,
        vraag,
        werkversie,
        aanvullingen,
        vaststellen: g.rol == Rol::Behandelaar && r.status != Status::Concept,
        besluit: if r.status == Status::Concept { None } else { besluit_van(s, &r).await? },
        ingediend: !r.status.inhoud_wijzigbaar(),
        loket: format!("{} tot {}", p.loket_open.waarde.strftime("%d-%m-%Y %H:%M"), p.loket_sluit.waarde.strftime("%d-%m-%Y %H:%M")),
        sleutel: formuliersleutel(),
        overgangen,
        melding: None,
        formulier,
        r: lijstrij(&r),
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Stap: algemene gegevens (ook de eerste stap van een nieuwe aanvraag).

#[derive(Template)]
#[template(path = "aanvragen/algemeen.html")]
struct Algemeen {
    kader: Kader,
    /// `None` bij een nieuwe aanvraag.
    id: Option<String>,
    f: Formulier,
    rondes: Vec<(String, String)>,
    versie: i64,
}

fn algemene_waarden(f: &mut Formulier, a: &Aanvraag) {
    f.zet("kenmerk", &a.kenmerk);
    f.zet("titel", &a.titel);
    f.zet("contact_naam", &a.contactpersoon.naam);
    f.zet("contact_email", &a.contactpersoon.email);
    f.zet("contact_telefoon", a.contactpersoon.telefoon.clone().unwrap_or_default());
    f.zet("start", a.planning.start.to_string());
    f.zet("einde", a.planning.einde.to_string());
}

async fn nieuw(State(s): State<AppState>, ident: Identiteit) -> Response {
    let mut f = Formulier::default();
    f.zet("ronde", super::pagina::huidige_ronde((s.klok)()));
    f.zet("_sleutel", formuliersleutel());
    let kader = Kader::nieuw(&s, &ident, "Nieuwe aanvraag", "/aanvragen/nieuw");
    html(StatusCode::OK, &Algemeen { kader, id: None, f, rondes: rondes(), versie: 0 })
}

fn rondes() -> Vec<(String, String)> {
    Ronde::ingebouwd().iter().map(|r| (r.id.clone(), r.naam.clone())).collect()
}

/// Zet de algemene velden in de JSON van de aanvraag.
fn algemeen_in_json(f: &Formulier, a: &mut Value) {
    a["kenmerk"] = json!(f.w("kenmerk"));
    a["titel"] = json!(f.w("titel"));
    a["contactpersoon"] = json!({ "naam": f.w("contact_naam"), "email": f.w("contact_email") });
    if !f.w("contact_telefoon").is_empty() {
        a["contactpersoon"]["telefoon"] = json!(f.w("contact_telefoon"));
    }
    a["planning"] = json!({ "start": f.w("start"), "einde": f.w("einde") });
}

/// Leest de JSON met de lezer van de kern (dezelfde grenzen als de API); een fout komt bij het veld van het
/// formulier dat erover gaat.
fn lees(f: &mut Formulier, a: &Value, veldnaam: impl Fn(&str) -> String) -> Option<Aanvraag> {
    if !f.fouten.is_empty() {
        return None;
    }
    match vhf_core::invoer::lees_aanvraag(&a.to_string()) {
        Ok(a) => Some(a),
        Err(e) => {
            let veld = e.veld.clone().unwrap_or_default();
            f.fout(veldnaam(&veld), e.melding.clone());
            None
        }
    }
}

fn algemeen_veld(pad: &str) -> String {
    match pad {
        p if p.starts_with("contactpersoon.naam") => "contact_naam".into(),
        p if p.starts_with("contactpersoon.email") => "contact_email".into(),
        p if p.starts_with("contactpersoon.telefoon") => "contact_telefoon".into(),
        p if p.starts_with("planning.start") => "start".into(),
        p if p.starts_with("planning") => "einde".into(),
        p if p.starts_with("deelplannen[0].deelgebied.pc4") => "pc4".into(),
        p if p.starts_with("deelplannen[0].naam") => "deelplan_naam".into(),
        "kenmerk" | "titel" | "ronde" => pad.into(),
        _ => "kenmerk".into(),
    }
}

/// Een fout van een handeling bij het formulier: versie, kenmerk, rol. Anders gewoon de fout (foutpagina).
fn fout_in_formulier(f: &mut Formulier, e: ApiFout, veld: &str) -> Result<(), ApiFout> {
    match e {
        ApiFout::Conflict(m) => f.fout(veld, m),
        ApiFout::VersieVerouderd { huidige } => f.fout(
            veld,
            format!("Iemand anders heeft deze aanvraag intussen gewijzigd (nu versie {huidige}). Uw invoer staat hieronder nog; open de aanvraag opnieuw in een ander tabblad en neem uw wijziging daarin over."),
        ),
        ApiFout::Ongeldig { detail, velden } => f.fout(velden.first().map(|v| algemeen_veld(&v.name)).unwrap_or_else(|| veld.to_string()), detail),
        ApiFout::Regel { detail, .. } => f.fout(veld, detail),
        e => return Err(e),
    }
    Ok(())
}

async fn nieuw_opslaan(State(s): State<AppState>, ident: Identiteit, body: String) -> Result<Response, ApiFout> {
    let g = ident.gebruiker()?;
    let mut f = Formulier::uit_body(body.as_bytes());
    let gemeente = g.gemeente.map(|x| x.to_string()).unwrap_or_default();
    if Ronde::zoek(f.w("ronde")).is_none() {
        f.fout("ronde", "Kies de ronde waarvoor u aanvraagt.");
    }
    for (veld, wat) in [
        ("kenmerk", "een kenmerk"),
        ("titel", "een titel"),
        ("contact_naam", "de naam van de contactpersoon"),
        ("contact_email", "het e-mailadres van de contactpersoon"),
        ("deelplan_naam", "de naam van het eerste deelplan"),
        ("pc4", "ten minste één PC4-postcodegebied"),
    ] {
        if f.w(veld).is_empty() {
            f.fout(veld, format!("Vul {wat} in."));
        }
    }
    let pc4: Vec<String> = f.w("pc4").split(|c: char| c == ',' || c.is_whitespace()).filter(|x| !x.is_empty()).map(String::from).collect();
    // Een eerste deelplan met één lege maatregel: de toetsing zegt daarna per veld wat er nog ontbreekt.
    let mut a = json!({
        "ronde": f.w("ronde"), "aanvragers": [gemeente],
        "deelplannen": [{
            "id": "DP1", "naam": f.w("deelplan_naam"),
            "deelgebied": { "gemeente": gemeente, "pc4": pc4 },
            "maatregelen": [{ "id": "M1", "activiteit": "renovatie", "omschrijving": "(nog in te vullen)", "woningen": { "eigenaar_bewoner": 0, "particuliere_verhuur": 0, "corporatie": 0 }, "kosten": "0.00", "opbrengsten": "0.00" }],
            "bijdrage_fysiek": "0.00",
        }],
    });
    algemeen_in_json(&f, &mut a);
    if let Some(aanvraag) = lees(&mut f, &a, algemeen_veld) {
        let v = Verzoek::nieuw(&s, &ident, Some(f.w("_sleutel").to_string()).filter(|k| !k.is_empty()), "POST /aanvragen", a.to_string())?;
        match handeling::maak(&v, aanvraag).await {
            Ok(rij) => return Ok(naar(&format!("/aanvragen/{}?opgeslagen=1", rij.id))),
            Err(ApiFout::Herhaald(h)) => {
                return Ok(naar(&format!("/aanvragen/{}", h.antwoord["id"].as_str().unwrap_or(""))));
            }
            Err(e) => fout_in_formulier(&mut f, e, "kenmerk")?,
        }
    }
    let kader = Kader::nieuw(&s, &ident, "Nieuwe aanvraag", "/aanvragen/nieuw");
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &Algemeen { kader, id: None, f, rondes: rondes(), versie: 0 }))
}

/// Een ingevuld Excel-sjabloon als nieuw concept: dezelfde lezer en handeling als `POST /api/v1/aanvragen/import`.
/// Elke fout in het blad komt in het foutoverzicht, met blad en cel.
async fn importeren(
    State(s): State<AppState>,
    ident: Identiteit,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiFout> {
    let mut f = Formulier::default();
    f.zet("ronde", super::pagina::huidige_ronde((s.klok)()));
    f.zet("_sleutel", formuliersleutel());
    let mut bytes: Option<Vec<u8>> = None;
    let mut sleutel = String::new();
    match m {
        Err(_) => f.fout("bestand", "Kies het ingevulde sjabloon (XLSX) om te uploaden."),
        Ok(mut m) => loop {
            match m.next_field().await {
                Ok(Some(veld)) if veld.name() == Some("bestand") => match veld.bytes().await {
                    Ok(b) if b.is_empty() => f.fout("bestand", "Kies het ingevulde sjabloon (XLSX) om te uploaden."),
                    Ok(b) if b.len() > vhf_core::invoer::MAX_BESTANDSGROOTTE => {
                        f.fout("bestand", format!("Het bestand is groter dan {} MiB.", vhf_core::invoer::MAX_BESTANDSGROOTTE / 1024 / 1024))
                    }
                    Ok(b) => bytes = Some(b.to_vec()),
                    Err(e) => f.fout("bestand", format!("Het bestand kwam niet goed aan: {e}. Probeer het opnieuw.")),
                },
                Ok(Some(veld)) => {
                    if veld.name() == Some("_sleutel") {
                        sleutel = veld.text().await.unwrap_or_default();
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    f.fout("bestand", format!("Het formulier kwam niet goed aan: {e}. Probeer het opnieuw."));
                    break;
                }
            }
        },
    }
    if let Some(b) = bytes {
        match crate::server::aanvragen::lees_blad(&b) {
            Ok((a, json)) => {
                let v = Verzoek::nieuw(&s, &ident, Some(sleutel).filter(|k| !k.is_empty()), "POST /aanvragen/import", json)?;
                match handeling::maak(&v, a).await {
                    Ok(rij) => return Ok(naar(&format!("/aanvragen/{}?opgeslagen=1", rij.id))),
                    Err(ApiFout::Herhaald(h)) => return Ok(naar(&format!("/aanvragen/{}", h.antwoord["id"].as_str().unwrap_or("")))),
                    Err(ApiFout::Ongeldig { detail, .. } | ApiFout::Conflict(detail)) => f.fout("bestand", detail),
                    Err(e) => return Err(e),
                }
            }
            Err(ApiFout::Ongeldig { velden, detail }) => {
                if velden.is_empty() {
                    f.fout("bestand", detail);
                }
                for v in velden {
                    let waar = match (&v.sheet, &v.cell) {
                        (Some(b), Some(c)) => format!("Blad {b}, cel {c}"),
                        (Some(b), None) => format!("Blad {b}"),
                        _ => "Het blad".to_string(),
                    };
                    f.fout("bestand", format!("{waar}: {}", v.reason));
                }
            }
            Err(ApiFout::Status { detail, .. }) => f.fout("bestand", detail),
            Err(e) => return Err(e),
        }
    }
    let kader = Kader::nieuw(&s, &ident, "Nieuwe aanvraag", "/aanvragen/nieuw");
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &Algemeen { kader, id: None, f, rondes: rondes(), versie: 0 }))
}

async fn algemeen(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let (r, a, _) = laad(&s, &ident, &id).await?;
    let mut f = Formulier::default();
    algemene_waarden(&mut f, &a);
    let kader = Kader::nieuw(&s, &ident, format!("Algemene gegevens – {}", r.kenmerk), "/aanvragen/");
    Ok(html(StatusCode::OK, &Algemeen { kader, id: Some(id), f, rondes: rondes(), versie: r.versie }))
}

async fn algemeen_opslaan(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let (r, oud, _) = laad(&s, &ident, &id).await?;
    let mut f = Formulier::uit_body(body.as_bytes());
    let versie = f.w("versie").parse::<i64>().unwrap_or(r.versie);
    let mut a = serde_json::to_value(&oud).map_err(|e| ApiFout::Intern(e.to_string()))?;
    algemeen_in_json(&f, &mut a);
    if let Some(nieuw) = lees(&mut f, &a, algemeen_veld) {
        match handeling::bewaar_stap(&s, &ident, &id, Versie::Precies(versie), nieuw).await {
            Ok(_) => return Ok(naar(&format!("/aanvragen/{id}?opgeslagen=1"))),
            Err(e) => fout_in_formulier(&mut f, e, "kenmerk")?,
        }
    }
    let kader = Kader::nieuw(&s, &ident, format!("Algemene gegevens – {}", r.kenmerk), "/aanvragen/");
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &Algemeen { kader, id: Some(id), f, rondes: rondes(), versie }))
}

// ---------------------------------------------------------------------------------------------------------------
// Stap: een deelplan.

#[derive(Template)]
#[template(path = "aanvragen/deelplan.html")]
struct Deelplanpagina {
    kader: Kader,
    id: String,
    deelplan: String,
    kenmerk: String,
    f: Formulier,
    versie: i64,
    /// Aantal rijen maatregelen en cofinanciering in het formulier (de bestaande plus één lege).
    maatregelen: Vec<usize>,
    cofinanciering: Vec<usize>,
    gebieden: Vec<(String, String)>,
    bevindingen: Vec<Bevindingregel>,
}

impl Deelplanpagina {
    /// De naam van het veld in rij `i`: `m_kosten_2`.
    fn n(&self, naam: &str, i: &usize) -> String {
        format!("{naam}_{i}")
    }
    fn v(&self, naam: &str, i: &usize) -> &str {
        self.f.w(&format!("{naam}_{i}"))
    }
    fn fout(&self, naam: &str, i: &usize) -> Option<&str> {
        self.f.fout_bij(&format!("{naam}_{i}"))
    }
    fn gekozen(&self, naam: &str, i: &usize, waarde: &str) -> bool {
        self.v(naam, i) == waarde
    }
    fn bij_maatregel(&self, i: &usize) -> Vec<&Bevindingregel> {
        let mid = self.v("m_id", i);
        self.bevindingen.iter().filter(|b| !mid.is_empty() && b.maatregel.as_deref() == Some(mid) && b.uitkomst != "voldaan").collect()
    }
    fn bij_deelplan(&self) -> Vec<&Bevindingregel> {
        self.bevindingen.iter().filter(|b| b.deelplan.as_deref() == Some(self.deelplan.as_str()) && b.maatregel.is_none() && b.uitkomst != "voldaan").collect()
    }
}

const ACTIVITEITEN: [Activiteit; 5] = Activiteit::ALLE;

fn code<T: serde::Serialize>(x: T) -> String {
    serde_json::to_value(x).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

fn deelplan_waarden(f: &mut Formulier, d: &vhf_core::aanvraag::Deelplan) {
    f.zet("naam", &d.naam);
    f.zet("pc4", d.deelgebied.pc4.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "));
    f.zet("prioriteitsgebied", d.deelgebied.prioriteitsgebied.clone().unwrap_or_default());
    f.zet("bijdrage_fysiek", bedrag_invoer(d.bijdrage_fysiek));
    f.zet("projectkosten", bedrag_invoer(d.projectkosten));
    f.zet("minimum_werkbaar", d.minimum_werkbaar.map(bedrag_invoer).unwrap_or_default());
    for (i, m) in d.maatregelen.iter().enumerate() {
        f.zet(format!("m_id_{i}"), &m.id);
        f.zet(format!("m_activiteit_{i}"), code(m.activiteit));
        f.zet(format!("m_omschrijving_{i}"), &m.omschrijving);
        f.zet(format!("m_eb_{i}"), m.woningen.eigenaar_bewoner.to_string());
        f.zet(format!("m_pv_{i}"), m.woningen.particuliere_verhuur.to_string());
        f.zet(format!("m_co_{i}"), m.woningen.corporatie.to_string());
        f.zet(format!("m_label_voor_{i}"), m.label_voor.map(|l| l.naam().to_string()).unwrap_or_default());
        f.zet(format!("m_label_na_{i}"), m.label_na.map(|l| l.naam().to_string()).unwrap_or_default());
        f.zet(format!("m_kosten_{i}"), bedrag_invoer(m.kosten));
        f.zet(format!("m_opbrengsten_{i}"), bedrag_invoer(m.opbrengsten));
    }
    for (i, c) in d.cofinanciering.iter().enumerate() {
        f.zet(format!("c_financier_{i}"), code(c.financier));
        f.zet(format!("c_naam_{i}"), &c.naam);
        f.zet(format!("c_bedrag_{i}"), bedrag_invoer(c.bedrag));
    }
}

/// Rijen in het formulier: zoveel als er ingevuld zijn, plus één lege om toe te voegen.
fn rijen(f: &Formulier, prefix: &str) -> Vec<usize> {
    let n = (0..200).take_while(|i| f.waarden.contains_key(&format!("{prefix}_{i}"))).count();
    (0..=n).collect()
}

fn gebieden(ronde: &Ronde, nu: jiff::Timestamp, gemeente: Option<vhf_core::codes::GemeenteCode>) -> Vec<(String, String)> {
    let lijst = ronde.parameters_op(nu).prioriteitslijst.waarde.clone();
    Referentie::ingebouwd()
        .lijst(&lijst)
        .into_iter()
        .flat_map(|l| l.values())
        .filter(|g| gemeente.is_none_or(|gm| g.gemeenten.contains_key(&gm)))
        .map(|g| (g.id.clone(), format!("{} ({})", g.naam, g.soort.omschrijving())))
        .collect()
}

async fn deelplan(State(s): State<AppState>, ident: Identiteit, Path((id, dp)): Path<(String, String)>) -> Result<Response, ApiFout> {
    let (r, a, ronde) = laad(&s, &ident, &id).await?;
    let mut f = Formulier::default();
    if dp != "nieuw" {
        let d = a.deelplannen.iter().find(|d| d.id == dp).ok_or(ApiFout::NietGevonden)?;
        deelplan_waarden(&mut f, d);
    }
    let t = toets_nu(&s, &id, &a, &ronde).await?;
    let pagina = Deelplanpagina {
        kader: Kader::nieuw(&s, &ident, if dp == "nieuw" { "Nieuw deelplan".to_string() } else { format!("Deelplan {dp}") }, "/aanvragen/"),
        maatregelen: rijen(&f, "m_id"),
        cofinanciering: rijen(&f, "c_naam"),
        gebieden: gebieden(&ronde, (s.klok)(), a.deelplannen.iter().find(|d| d.id == dp).map(|d| d.deelgebied.gemeente).or(ident.gebruiker()?.gemeente)),
        bevindingen: bevindingen(&t),
        id,
        deelplan: dp,
        kenmerk: r.kenmerk,
        f,
        versie: r.versie,
    };
    Ok(html(StatusCode::OK, &pagina))
}

/// Het veld van het deelplanformulier bij een pad van de kernlezer (`deelplannen[2].maatregelen[1].kosten`).
fn deelplan_veld(plek: usize) -> impl Fn(&str) -> String {
    move |pad: &str| {
        let voor = format!("deelplannen[{plek}].");
        let Some(rest) = pad.strip_prefix(&voor) else { return "naam".into() };
        let index = |r: &str| r.split(']').next().and_then(|x| x.parse::<usize>().ok()).unwrap_or(0);
        if let Some(m) = rest.strip_prefix("maatregelen[") {
            let i = index(m);
            let veld = m.split("].").nth(1).unwrap_or("omschrijving");
            let naam = match veld.split('.').next().unwrap_or("") {
                "woningen" => match veld.rsplit('.').next().unwrap_or("") {
                    "particuliere_verhuur" => "pv",
                    "corporatie" => "co",
                    _ => "eb",
                },
                "label_voor" => "label_voor",
                "label_na" => "label_na",
                "kosten" => "kosten",
                "opbrengsten" => "opbrengsten",
                "activiteit" => "activiteit",
                _ => "omschrijving",
            };
            return format!("m_{naam}_{i}");
        }
        if let Some(c) = rest.strip_prefix("cofinanciering[") {
            let i = index(c);
            let veld = c.split("].").nth(1).unwrap_or("naam");
            return format!(
                "c_{}_{i}",
                if veld.starts_with("bedrag") {
                    "bedrag"
                } else if veld.starts_with("financier") {
                    "financier"
                } else {
                    "naam"
                }
            );
        }
        match rest.split(['.', '[']).next().unwrap_or("") {
            "deelgebied" if rest.contains("prioriteitsgebied") => "prioriteitsgebied".into(),
            "deelgebied" => "pc4".into(),
            "bijdrage_fysiek" => "bijdrage_fysiek".into(),
            "projectkosten" => "projectkosten".into(),
            "minimum_werkbaar" => "minimum_werkbaar".into(),
            _ => "naam".into(),
        }
    }
}

async fn deelplan_opslaan(State(s): State<AppState>, ident: Identiteit, Path((id, dp)): Path<(String, String)>, body: String) -> Result<Response, ApiFout> {
    let (r, oud, ronde) = laad(&s, &ident, &id).await?;
    let g = ident.gebruiker()?;
    let mut f = Formulier::uit_body(body.as_bytes());
    let versie = f.w("versie").parse::<i64>().unwrap_or(r.versie);
    let mut a = serde_json::to_value(&oud).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let plek = match oud.deelplannen.iter().position(|d| d.id == dp) {
        Some(p) => p,
        None if dp == "nieuw" => oud.deelplannen.len(),
        None => return Err(ApiFout::NietGevonden),
    };
    let gemeente_van_deelplan = oud.deelplannen.get(plek).map(|d| d.deelgebied.gemeente).or(g.gemeente);
    let nieuw_id =
        if dp == "nieuw" { (1..).map(|n| format!("DP{n}")).find(|x| oud.deelplannen.iter().all(|d| &d.id != x)).unwrap_or_default() } else { dp.clone() };
    if f.w("naam").is_empty() {
        f.fout("naam", "Vul de naam van het deelplan in.");
    }
    let pc4: Vec<String> = f.w("pc4").split(|c: char| c == ',' || c.is_whitespace()).filter(|x| !x.is_empty()).map(String::from).collect();
    if pc4.is_empty() {
        f.fout("pc4", "Noem ten minste één PC4-postcodegebied (vier cijfers, bijvoorbeeld 1504).");
    }
    let mut maatregelen = Vec::new();
    for i in rijen(&f, "m_id") {
        let leeg = ["m_omschrijving", "m_kosten", "m_eb", "m_pv", "m_co"].iter().all(|p| f.w(&format!("{p}_{i}")).is_empty());
        if leeg || f.aan(&format!("m_weg_{i}")) {
            continue;
        }
        let mid = Some(f.w(&format!("m_id_{i}")).to_string())
            .filter(|x| !x.is_empty())
            .unwrap_or_else(|| (1..).map(|n| format!("M{n}")).find(|x| (0..200).all(|j| f.w(&format!("m_id_{j}")) != x)).unwrap_or_default());
        let mut m = json!({
            "id": mid,
            "activiteit": f.w(&format!("m_activiteit_{i}")),
            "omschrijving": f.w(&format!("m_omschrijving_{i}")),
            "woningen": {
                "eigenaar_bewoner": f.aantal(&format!("m_eb_{i}"), "Woningen eigenaar-bewoner"),
                "particuliere_verhuur": f.aantal(&format!("m_pv_{i}"), "Woningen particuliere verhuur"),
                "corporatie": f.aantal(&format!("m_co_{i}"), "Woningen corporatie"),
            },
            "kosten": f.bedrag(&format!("m_kosten_{i}"), "Kosten"),
            "opbrengsten": f.bedrag(&format!("m_opbrengsten_{i}"), "Opbrengsten"),
        });
        for l in ["label_voor", "label_na"] {
            let w = f.w(&format!("m_{l}_{i}")).to_string();
            if !w.is_empty() {
                m[l] = json!(w);
            }
        }
        maatregelen.push(m);
    }
    if maatregelen.is_empty() {
        f.fout("m_omschrijving_0", "Een deelplan heeft ten minste één maatregel: vul de eerste rij in.");
    }
    let mut cofinanciering = Vec::new();
    for i in rijen(&f, "c_naam") {
        if f.w(&format!("c_naam_{i}")).is_empty() && f.w(&format!("c_bedrag_{i}")).is_empty() {
            continue;
        }
        cofinanciering.push(json!({
            "financier": f.w(&format!("c_financier_{i}")),
            "naam": f.w(&format!("c_naam_{i}")),
            "bedrag": f.bedrag(&format!("c_bedrag_{i}"), "Bedrag van de cofinanciering"),
        }));
    }
    let mut d = json!({
        "id": nieuw_id,
        "naam": f.w("naam"),
        // Het deelgebied houdt zijn gemeente (bij een samenwerkingsverband kan dat een mede-aanvrager zijn); een
        // nieuw deelplan ligt in de gemeente van de penvoerder.
        "deelgebied": { "gemeente": gemeente_van_deelplan.map(|x| x.to_string()).unwrap_or_default(), "pc4": pc4 },
        "maatregelen": maatregelen,
        "bijdrage_fysiek": f.bedrag("bijdrage_fysiek", "Gevraagde bijdrage fysiek"),
        "projectkosten": f.bedrag("projectkosten", "Projectkosten"),
        "cofinanciering": cofinanciering,
    });
    if !f.w("prioriteitsgebied").is_empty() {
        d["deelgebied"]["prioriteitsgebied"] = json!(f.w("prioriteitsgebied"));
    }
    if !f.w("minimum_werkbaar").is_empty() {
        d["minimum_werkbaar"] = json!(f.bedrag("minimum_werkbaar", "Minimum werkbaar bedrag"));
    }
    let lijst = a["deelplannen"].as_array_mut().ok_or_else(|| ApiFout::Intern("deelplannen".into()))?;
    if plek < lijst.len() {
        lijst[plek] = d;
    } else {
        lijst.push(d);
    }
    if let Some(nieuw) = lees(&mut f, &a, deelplan_veld(plek)) {
        match handeling::bewaar_stap(&s, &ident, &id, Versie::Precies(versie), nieuw).await {
            Ok(_) => return Ok(naar(&format!("/aanvragen/{id}?opgeslagen=1#{nieuw_id}"))),
            Err(e) => fout_in_formulier(&mut f, e, "naam")?,
        }
    }
    let t = toets_nu(&s, &id, &oud, &ronde).await?;
    let pagina = Deelplanpagina {
        kader: Kader::nieuw(&s, &ident, if dp == "nieuw" { "Nieuw deelplan".to_string() } else { format!("Deelplan {dp}") }, "/aanvragen/"),
        maatregelen: rijen(&f, "m_id").into_iter().chain(std::iter::once(usize::MAX)).filter(|i| *i != usize::MAX).collect(),
        cofinanciering: rijen(&f, "c_naam"),
        gebieden: gebieden(&ronde, (s.klok)(), gemeente_van_deelplan),
        bevindingen: bevindingen(&t),
        id,
        deelplan: dp,
        kenmerk: r.kenmerk,
        f,
        versie,
    };
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &pagina))
}

// ---------------------------------------------------------------------------------------------------------------
// Indienen en het ontvangstbewijs.

async fn indienen(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let mut f = Formulier::uit_body(body.as_bytes());
    if !f.aan("bevestig") {
        f.fout("bevestig", "Vink aan dat u de aanvraag namens uw gemeente indient en dat de gegevens kloppen.");
    } else {
        let versie = f.w("versie").parse::<i64>().ok().map(Versie::Precies);
        let sleutel = Some(f.w("_sleutel").to_string()).filter(|k| !k.is_empty());
        let v = Verzoek::nieuw(&s, &ident, sleutel, format!("POST /aanvragen/{id}/indiening"), "")?;
        match handeling::dien_in(&v, &id, versie).await {
            Ok(_) | Err(ApiFout::Herhaald(_)) => return Ok(naar(&format!("/aanvragen/{id}/bewijs"))),
            Err(e) => fout_in_formulier(&mut f, e, "bevestig")?,
        }
    }
    let p = dossierpagina(&s, &ident, &id, f).await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &p))
}

#[derive(Template)]
#[template(path = "aanvragen/bewijs.html")]
struct Bewijs {
    kader: Kader,
    id: String,
    kenmerk: String,
    titel: String,
    gemeente: String,
    ontvangstnummer: String,
    moment: String,
    sha256: String,
}

async fn bewijs(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let (r, a, ronde) = laad(&s, &ident, &id).await?;
    let mut c = s.db.lees().await?;
    let i = db::indiening(&mut c, &id).await?.ok_or_else(|| ApiFout::Conflict(format!("De aanvraag is {} en heeft nog geen ontvangstbewijs.", r.status)))?;
    let ts = jiff::Timestamp::from_microsecond(i.ingediend_op).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let gemeente =
        vhf_core::codes::GemeenteCode::parse(&r.penvoerder).map(|g| Referentie::ingebouwd().gemeentenaam(g)).unwrap_or_else(|_| r.penvoerder.clone());
    let pagina = Bewijs {
        kader: Kader::nieuw(&s, &ident, "Ontvangstbewijs", "/aanvragen/"),
        kenmerk: r.kenmerk.clone(),
        titel: a.titel.clone(),
        gemeente,
        ontvangstnummer: i.ontvangstnummer,
        moment: format!("{} ({})", ronde.lokaal(ts).strftime("%d-%m-%Y om %H:%M:%S"), ronde.tijdzone),
        sha256: i.sha256,
        id,
    };
    Ok(html(StatusCode::OK, &pagina))
}

// ---------------------------------------------------------------------------------------------------------------
// De behandelaar: een statusovergang met reden.

async fn status(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let mut f = Formulier::uit_body(body.as_bytes());
    let naar_status: Option<Status> = f.w("naar").parse().ok();
    let versie = f.w("versie").parse::<i64>().unwrap_or(0);
    match naar_status {
        None => f.fout("naar", "Kies de nieuwe status."),
        Some(st) => {
            let sleutel = Some(f.w("_sleutel").to_string()).filter(|k| !k.is_empty());
            let body = json!({ "naar": st, "reden": f.w("reden") }).to_string();
            let v = Verzoek::nieuw(&s, &ident, sleutel, format!("POST /aanvragen/{id}/statusovergangen"), body)?;
            match handeling::overgang(&v, &id, Versie::Precies(versie), st, f.w("reden")).await {
                Ok(_) | Err(ApiFout::Herhaald(_)) => return Ok(naar(&format!("/aanvragen/{id}?opgeslagen=status"))),
                Err(ApiFout::Ongeldig { detail, .. }) => f.fout("reden", detail),
                Err(e) => fout_in_formulier(&mut f, e, "naar")?,
            }
        }
    }
    let p = dossierpagina(&s, &ident, &id, f).await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &p))
}

/// De gevraagde aanvulling leveren: de werkversie (of, als er niets gewijzigd is, de ingediende inhoud met de
/// documenten die intussen zijn geüpload) wordt via dezelfde handeling als de API een genummerde aanvulling.
async fn aanvulling(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let mut f = Formulier::uit_body(body.as_bytes());
    if !f.aan("bevestig_aanvulling") {
        f.fout("bevestig_aanvulling", "Vink aan dat u de aanvulling namens uw gemeente levert en dat de gegevens kloppen.");
    } else {
        let versie = f.w("versie").parse::<i64>().map(Versie::Precies).unwrap_or(Versie::Elke);
        let sleutel = Some(f.w("_sleutel").to_string()).filter(|k| !k.is_empty());
        let v = Verzoek::nieuw(&s, &ident, sleutel, format!("POST /aanvragen/{id}/aanvulling"), json!({ "toelichting": f.w("toelichting") }).to_string())?;
        match handeling::vul_aan(&v, &id, versie, handeling::Aanvulling::Werkversie, f.w("toelichting")).await {
            Ok(_) | Err(ApiFout::Herhaald(_)) => return Ok(naar(&format!("/aanvragen/{id}?opgeslagen=aanvulling"))),
            Err(e) => fout_in_formulier(&mut f, e, "bevestig_aanvulling")?,
        }
    }
    let p = dossierpagina(&s, &ident, &id, f).await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &p))
}

/// De behandelaar stelt het prioriteitsgebied van een deelplan vast (bevestigen, ander gebied, geen), met reden.
async fn prioriteit(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let mut f = Formulier::uit_body(body.as_bytes());
    let dp = f.w("deelplan").to_string();
    let gebied = Some(f.w("gebied").to_string()).filter(|g| !g.is_empty() && g != "geen");
    let sleutel = Some(f.w("_sleutel").to_string()).filter(|k| !k.is_empty()).map(|k| format!("{k}/{dp}"));
    // Elk deelplan heeft een eigen formulier; het veld heet naar het deelplan (uniek id op de pagina).
    let reden = f.w(&format!("reden_prioriteit_{dp}")).to_string();
    let v = Verzoek::nieuw(
        &s,
        &ident,
        sleutel,
        format!("POST /aanvragen/{id}/deelplannen/{dp}/prioriteitsvaststelling"),
        json!({ "gebied": gebied, "reden": reden }).to_string(),
    )?;
    match handeling::stel_prioriteit_vast(&v, &id, &dp, gebied, &reden).await {
        Ok(_) | Err(ApiFout::Herhaald(_)) => return Ok(naar(&format!("/aanvragen/{id}?opgeslagen=prioriteit#{dp}"))),
        Err(ApiFout::Ongeldig { detail, velden }) => {
            let veld = if velden.first().is_some_and(|v| v.name == "gebied") { "gebied" } else { "reden_prioriteit" };
            f.fout(format!("{veld}_{dp}"), detail)
        }
        Err(e) => fout_in_formulier(&mut f, e, &format!("reden_prioriteit_{dp}"))?,
    }
    let p = dossierpagina(&s, &ident, &id, f).await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &p))
}

/// Het kenmerk waaronder de ronde deze aanvraag kent (bij een dubbel kenmerk `GM…/KENMERK`) en de laatste
/// versie van de beoordelingen.
async fn ronde_kenmerk(s: &AppState, r: &AanvraagRij) -> Result<(String, vhf_core::beoordeling::Beoordelingen), ApiFout> {
    let mut c = s.db.lees().await?;
    let kenmerk = crate::handelingen::verdeling::ronde_aanvragen(crate::db::verdeling::ingediend_met_status(&mut c, &r.ronde).await?)?
        .into_iter()
        .find(|(aid, _)| *aid == r.id)
        .map(|(_, a)| a.kenmerk)
        .unwrap_or_else(|| r.kenmerk.clone());
    let b = crate::handelingen::verdeling::beoordelingen_van(&mut c, &r.ronde).await?;
    Ok((kenmerk, b))
}

async fn toewijzing(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let (r, a, _) = laad(&s, &ident, &id).await?;
    let mut f = Formulier::uit_body(body.as_bytes());
    let dp = f.w("deelplan").to_string();
    if !a.deelplannen.iter().any(|d| d.id == dp) {
        f.fout("commissie-kop", format!("Deze aanvraag heeft geen deelplan '{dp}'."));
        let p = dossierpagina(&s, &ident, &id, f).await?;
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &p));
    }
    let (kenmerk, _) = ronde_kenmerk(&s, &r).await?;
    let voorvoegsel = format!("lid_{dp}_");
    let leden: Vec<String> = f.waarden.keys().filter_map(|k| k.strip_prefix(&voorvoegsel)).map(String::from).collect();
    let sleutel = Some(f.w("_sleutel").to_string()).filter(|k| !k.is_empty()).map(|k| format!("{k}/{dp}"));
    let v = Verzoek::nieuw(&s, &ident, sleutel, format!("POST /rondes/{}/beoordelingen", r.ronde), body.clone())?;
    match crate::handelingen::verdeling::wijs_toe(&v, &r.ronde, &kenmerk, &dp, leden).await {
        Ok(_) | Err(ApiFout::Herhaald(_)) => return Ok(naar(&format!("/aanvragen/{id}?opgeslagen=toewijzing#commissie-kop"))),
        Err(ApiFout::Ongeldig { detail, .. }) => f.fout(format!("toewijzing-{dp}"), detail),
        Err(e) => return Err(e),
    }
    let p = dossierpagina(&s, &ident, &id, f).await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &p))
}

/// Een document uploaden vanaf het dossier: dezelfde opslag en controles als de API (`server/documenten.rs`:
/// alleen de penvoerder, alleen een concept of bij een gevraagde aanvulling, soort bestand aan de eerste bytes,
/// grootte begrensd, SHA-256). E15 oordeelt op de documententabel; bij een concept komt het document ook in de
/// documentenlijst van de aanvraag (soort, deelplan, naam, SHA-256), zodat de bevroren inhoud en haar SHA-256 bij
/// het indienen de documenten noemen.
async fn document(
    State(s): State<AppState>,
    ident: Identiteit,
    Path(id): Path<String>,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiFout> {
    crate::server::documenten::mag_toevoegen(&s, &ident, &id).await?;
    let mut f = Formulier::default();
    let mut opgeslagen = None;
    match m {
        Err(_) => f.fout("bestand", "Kies een bestand om te uploaden."),
        Ok(mut m) => loop {
            let veld = match m.next_field().await {
                Ok(Some(v)) => v,
                Ok(None) => break,
                Err(e) => {
                    f.fout("bestand", format!("Het formulier kwam niet goed aan: {e}. Probeer het opnieuw."));
                    break;
                }
            };
            if veld.name() != Some("bestand") {
                let naam = veld.name().unwrap_or("").to_string();
                let waarde = veld.text().await.unwrap_or_default();
                f.zet(naam, waarde);
                continue;
            }
            let naam = veld.file_name().unwrap_or("").trim().to_string();
            if naam.is_empty() {
                f.fout("bestand", "Kies een bestand om te uploaden.");
                break;
            }
            let Ok(soort) = serde_json::from_value::<vhf_core::aanvraag::DocumentSoort>(Value::String(f.w("soort").to_string())) else {
                f.fout("soort", "Kies de soort document.");
                break;
            };
            let deelplan = Some(f.w("deelplan").to_string()).filter(|d| !d.is_empty());
            let g = crate::server::documenten::Gegevens { soort, naam, deelplan };
            match crate::server::documenten::bewaar(&s, &ident, &id, g, Box::pin(veld)).await {
                Ok(rij) => opgeslagen = Some(rij),
                Err(ApiFout::Status { detail, .. } | ApiFout::Ongeldig { detail, .. } | ApiFout::Conflict(detail)) => f.fout("bestand", detail),
                Err(e) => return Err(e),
            }
            break;
        },
    }
    if let Some(rij) = opgeslagen {
        let (r, mut a, _) = laad(&s, &ident, &id).await?;
        // Bij een gevraagde aanvulling ligt de inhoud vast (de aanvulling levert haar opnieuw); het document staat
        // dan alleen in de documententabel, waarop E15 oordeelt.
        if !r.status.inhoud_wijzigbaar() {
            return Ok(naar(&format!("/aanvragen/{id}?opgeslagen=document#documenten-kop")));
        }
        let document = serde_json::from_value::<vhf_core::aanvraag::Document>(json!({
            "soort": rij.soort, "deelplan": rij.deelplan, "naam": rij.naam, "sha256": rij.sha256,
        }))
        .map_err(|e| ApiFout::Intern(e.to_string()))?;
        a.documenten.push(document);
        handeling::bewaar_stap(&s, &ident, &id, Versie::Elke, a).await?;
        return Ok(naar(&format!("/aanvragen/{id}?opgeslagen=document#documenten-kop")));
    }
    let p = dossierpagina(&s, &ident, &id, f).await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &p))
}

/// De soorten documenten voor de keuzelijst: (code, omschrijving).
pub fn documentsoorten() -> Vec<(String, &'static str)> {
    use vhf_core::aanvraag::DocumentSoort as D;
    [D::PlanVanAanpak, D::Begroting, D::IntentieverklaringCorporatie, D::Overig].iter().map(|d| (code(*d), d.omschrijving())).collect()
}

/// De energielabels voor de keuzelijsten.
pub fn labels() -> Vec<&'static str> {
    EnergieLabel::ALLE.iter().map(|l| l.naam()).collect()
}

/// De activiteiten voor de keuzelijsten: (code, naam).
pub fn activiteiten() -> Vec<(String, &'static str)> {
    ACTIVITEITEN.iter().map(|a| (code(*a), a.naam())).collect()
}

/// De soorten financiers: (code, naam).
pub fn financiers() -> Vec<(&'static str, &'static str)> {
    vec![("gemeente", "gemeente"), ("corporatie", "woningcorporatie"), ("eigenaren", "eigenaren"), ("provincie", "provincie"), ("overig", "overig")]
}

pub fn bedrag_centen(c: i64) -> String {
    euro(c)
}
