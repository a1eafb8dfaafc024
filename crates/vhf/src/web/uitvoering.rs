//! Na het besluit in de browser (issue 12): de monitoring per ronde (`/uitvoering`, met XLSX en CSV), de pagina
//! van één uitkering (`/uitvoering/{besluit}`: betalingen, deelplannen met hun versies, SiSa-opgaven met
//! bevindingen, wijzigingen, vaststelling met de brief) en de formulieren voor de SiSa-opgave en een wijziging.
//!
//! Elke actie is een formulier naar een pagina-route die dezelfde handeling aanroept als de API
//! (`handelingen/uitvoering.rs`): dezelfde rollen, hetzelfde zicht (een andere gemeente: 404), dezelfde weigering
//! van vier ogen (403, in het Nederlands op de pagina, en de poging in het audittrail) en hetzelfde audittrail.
//! Wat een formulier over een betaling, wijziging of vaststelling zegt, moet bij de uitkering van het adres horen.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use vhf_core::aanvraag::{Aanvraag, Activiteit};
use vhf_core::geld::Bedrag;
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;
use vhf_core::uitvoering::{Deelplanopgave, Eigendom, Woningvoortgang};

use super::aanvragen::naar;
use super::besluiten::melding_van;
use super::formulier::{Formulier, bedrag_invoer};
use super::pagina::{Kader, html};
use crate::handelingen::Verzoek;
use crate::handelingen::besluiten::{lokale_datum, zicht};
use crate::handelingen::uitvoering as handeling;
use crate::server::AppState;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;
use crate::server::routes::{Aanvrager, Auditor, Behandelaar, Beslisser, Route, Toegang};
use crate::toegang::Rol;

/// Dezelfde rollen als de API-routes (`server/uitvoering.rs`).
const LEZERS: Toegang = Toegang::Rollen(&[Aanvrager, Behandelaar, Beslisser, Auditor]);
const MINISTERIE: Toegang = Toegang::Rollen(&[Beslisser]);
const VERANTWOORDERS: Toegang = Toegang::Rollen(&[Aanvrager, Behandelaar]);
const GEMEENTE: Toegang = Toegang::Rollen(&[Aanvrager]);

pub fn routes() -> Vec<Route> {
    let r = super::pagina::route;
    vec![
        r(
            "GET",
            "/uitvoering",
            "Monitoring van een ronde per gemeente (?ronde=): besloten, betaald, openstaand, verantwoord, vastgesteld, teruggevorderd en signalen; een gemeente ziet alleen haar eigen rij",
            LEZERS,
            get(monitoring),
        ),
        r(
            "GET",
            "/uitvoering/monitoring.xlsx",
            "De monitoring van de ronde als XLSX (?ronde=; bedragen als getal in euro's)",
            LEZERS,
            get(|s: State<AppState>, i: Identiteit, k: Query<Keuze>| async move { export(s, i, k, true).await }),
        ),
        r(
            "GET",
            "/uitvoering/monitoring.csv",
            "De monitoring van de ronde als CSV (?ronde=)",
            LEZERS,
            get(|s: State<AppState>, i: Identiteit, k: Query<Keuze>| async move { export(s, i, k, false).await }),
        ),
        r(
            "GET",
            "/uitvoering/{besluit}",
            "De uitvoering van één uitkering: betalingen, deelplannen met versies, SiSa-opgaven met bevindingen, wijzigingen en de vaststelling, met de acties van de rol",
            LEZERS,
            get(uitkering),
        ),
        r(
            "POST",
            "/uitvoering/{besluit}/betaling",
            "De volgende betaling voorstellen (formulier: termijn); een andere beslisser keurt haar goed",
            MINISTERIE,
            post(betaling_voorstellen),
        ),
        r(
            "POST",
            "/uitvoering/{besluit}/betaling/goedkeuren",
            "Een voorgestelde betaling goedkeuren (formulier: betaling); niet door wie haar voorstelde (vier ogen)",
            MINISTERIE,
            post(betaling_goedkeuren),
        ),
        r(
            "GET",
            "/uitvoering/{besluit}/verantwoording",
            "Het formulier voor de SiSa-opgave over een jaar (?jaar=), één blok per deelplan",
            VERANTWOORDERS,
            get(opgave),
        ),
        r(
            "POST",
            "/uitvoering/{besluit}/verantwoording",
            "De SiSa-opgave indienen (formulier: jaar en per deelplan de bedragen en woningen)",
            VERANTWOORDERS,
            post(opgave_indienen),
        ),
        r(
            "POST",
            "/uitvoering/{besluit}/verantwoording/bestand",
            "De SiSa-opgave indienen als CSV of XLSX (formulier met bestand: jaar, bestand); fouten met regel, kolom en cel",
            VERANTWOORDERS,
            post(opgave_uit_bestand),
        ),
        r("GET", "/uitvoering/{besluit}/wijziging", "Het formulier voor een wijziging van deelplannen", GEMEENTE, get(wijziging)),
        r(
            "POST",
            "/uitvoering/{besluit}/wijziging",
            "Een wijziging aanvragen (formulier: toelichting en per deelplan wat verandert)",
            GEMEENTE,
            post(wijziging_aanvragen),
        ),
        r(
            "POST",
            "/uitvoering/{besluit}/wijziging/beoordelen",
            "Een aangevraagde wijziging beoordelen (formulier: wijziging, uitkomst goedkeuren of weigeren, reden)",
            MINISTERIE,
            post(wijziging_beoordelen),
        ),
        r(
            "POST",
            "/uitvoering/{besluit}/wijziging/goedkeuren",
            "Een voorgestelde wijziging goedkeuren (formulier: wijziging); niet door wie haar voorstelde (vier ogen)",
            MINISTERIE,
            post(wijziging_goedkeuren),
        ),
        r(
            "POST",
            "/uitvoering/{besluit}/vaststelling",
            "De vaststelling opstellen (concept) uit de eindverantwoording",
            MINISTERIE,
            post(vaststelling_opstellen),
        ),
        r(
            "POST",
            "/uitvoering/{besluit}/vaststelling/ondertekenen",
            "De vaststelling ondertekenen (formulier: vaststelling); niet door wie haar opstelde (vier ogen)",
            MINISTERIE,
            post(vaststelling_ondertekenen),
        ),
    ]
}

fn bedrag(v: &Value) -> Bedrag {
    v.as_str().and_then(|s| Bedrag::parse(s).ok()).unwrap_or(Bedrag::NUL)
}

fn tekst(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        x => x.to_string(),
    }
}

fn gemeentenaam(code: &str) -> String {
    vhf_core::codes::GemeenteCode::parse(code).map(|g| Referentie::ingebouwd().gemeentenaam(g)).unwrap_or_else(|_| code.to_string())
}

fn rondenaam(id: &str) -> String {
    Ronde::zoek(id).map(|r| r.naam.clone()).unwrap_or_else(|| id.to_string())
}

/// De idempotentiesleutel van een formulier op deze pagina's: het verborgen veld `_sleutel` plus wat de knop doet,
/// zodat de formulieren van één pagina elkaar niet in de weg zitten.
fn sleutel(f: &Formulier, wat: &str) -> Option<String> {
    Some(f.w("_sleutel")).filter(|k| !k.is_empty()).map(|k| format!("{k}/{wat}"))
}

/// De status waarmee de API dezelfde weigering geeft.
fn status_van(e: &ApiFout) -> StatusCode {
    match e {
        ApiFout::GeenRecht(_) => StatusCode::FORBIDDEN,
        ApiFout::Ongeldig { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::CONFLICT,
    }
}

// ------------------------------------------------------------------------------------------------------------
// Monitoring

#[derive(Deserialize, Default)]
struct Keuze {
    ronde: Option<String>,
}

/// Eén gemeente in de monitoring.
pub struct Monitoringrij {
    pub gemeente: String,
    pub gemeentenaam: String,
    pub besluit: String,
    pub besloten: Bedrag,
    pub betaald: Bedrag,
    pub open: Bedrag,
    pub verantwoord: Bedrag,
    pub vastgesteld: Bedrag,
    pub teruggevorderd: Bedrag,
    pub signalen: Vec<String>,
}

#[derive(Template)]
#[template(path = "uitvoering/monitoring.html")]
struct Monitoring {
    kader: Kader,
    ronde: String,
    rondes: Vec<(String, String)>,
    peildatum: String,
    rijen: Vec<Monitoringrij>,
    totaal: Monitoringrij,
    /// Ziet deze gebruiker alle gemeenten (ministerie, RVO, auditor)?
    alles: bool,
}

fn ronde_van(s: &AppState, k: Keuze) -> String {
    k.ronde.filter(|r| !r.is_empty()).unwrap_or_else(|| super::pagina::huidige_ronde((s.klok)()))
}

/// De monitoring van de handeling (hetzelfde zicht als `GET /rondes/{id}/monitoring`) als rijen.
async fn monitoringrijen(s: &AppState, ident: &Identiteit, ronde: &str) -> Result<(Vec<Monitoringrij>, Monitoringrij, String), ApiFout> {
    Ronde::zoek(ronde).ok_or(ApiFout::NietGevonden)?;
    let z = zicht(ident)?;
    let mut c = s.db.lees().await?;
    let m = handeling::monitoring(&mut c, ronde, &z, lokale_datum((s.klok)())).await?;
    let rij = |g: &Value| {
        let (besloten, betaald) = (bedrag(&g["besloten"]), bedrag(&g["betaald"]));
        Monitoringrij {
            gemeente: tekst(&g["gemeente"]),
            gemeentenaam: tekst(&g["gemeentenaam"]),
            besluit: tekst(&g["besluit"]),
            besloten,
            betaald,
            open: besloten.minus(betaald).unwrap_or(Bedrag::NUL),
            verantwoord: bedrag(&g["verantwoord"]),
            vastgesteld: bedrag(&g["vastgesteld"]),
            teruggevorderd: bedrag(&g["teruggevorderd"]),
            signalen: g["signalen"].as_array().map(|a| a.iter().map(|x| tekst(&x["uitleg"])).collect()).unwrap_or_default(),
        }
    };
    let rijen: Vec<Monitoringrij> = m["gemeenten"].as_array().map(|a| a.iter().map(rij).collect()).unwrap_or_default();
    let mut totaal = rij(&m["totaal"]);
    totaal.gemeentenaam = "Totaal".into();
    Ok((rijen, totaal, tekst(&m["peildatum"])))
}

async fn monitoring(State(s): State<AppState>, ident: Identiteit, Query(k): Query<Keuze>) -> Result<Response, ApiFout> {
    let ronde = ronde_van(&s, k);
    let (rijen, totaal, peildatum) = monitoringrijen(&s, &ident, &ronde).await?;
    let alles = ident.gebruiker()?.rol != Rol::Aanvrager;
    let p = Monitoring {
        kader: Kader::nieuw(&s, &ident, "Uitvoering", "/uitvoering"),
        rondes: Ronde::ingebouwd().iter().map(|r| (r.id.clone(), r.naam.clone())).collect(),
        ronde,
        peildatum,
        rijen,
        totaal,
        alles,
    };
    Ok(html(StatusCode::OK, &p))
}

/// De monitoring met hetzelfde zicht als de pagina, als rekenblad of CSV.
async fn export(State(s): State<AppState>, ident: Identiteit, Query(k): Query<Keuze>, xlsx: bool) -> Result<Response, ApiFout> {
    use crate::spreadsheet::{Cel, Tabel};
    let ronde = ronde_van(&s, k);
    let (rijen, _, peildatum) = monitoringrijen(&s, &ident, &ronde).await?;
    let g = ident.gebruiker()?;
    let mut t = Tabel::nieuw(
        "Monitoring",
        format!("Monitoring {} Volkshuisvestingsfonds", rondenaam(&ronde)),
        &["CBS-code", "Gemeente", "Besloten", "Betaald", "Openstaand", "Verantwoord", "Vastgesteld", "Teruggevorderd", "Signalen", "Besluit"],
    );
    for r in &rijen {
        t.rij(vec![
            r.gemeente.clone().into(),
            r.gemeentenaam.clone().into(),
            Cel::Euro(r.besloten.in_centen()),
            Cel::Euro(r.betaald.in_centen()),
            Cel::Euro(r.open.in_centen()),
            Cel::Euro(r.verantwoord.in_centen()),
            Cel::Euro(r.vastgesteld.in_centen()),
            Cel::Euro(r.teruggevorderd.in_centen()),
            r.signalen.join(" ").into(),
            r.besluit.clone().into(),
        ]);
    }
    t.onderschrift = vec![
        format!("Ronde {ronde}, peildatum {peildatum}; {} gemeenten met een ondertekend besluit.", rijen.len()),
        "Verantwoord: cumulatief besteed ten laste van de uitkering volgens de laatste SiSa-opgave per deelplan.".into(),
        format!("Gemaakt op {} (Europe/Amsterdam) door {}.", super::pagina::lokaal((s.klok)()), g.naam),
    ];
    Ok(if xlsx {
        let bytes = crate::spreadsheet::naar_xlsx(&[t]).map_err(|e| ApiFout::Intern(format!("XLSX: {e}")))?;
        super::publicatie::download(crate::spreadsheet::XLSX, &format!("monitoring-{ronde}-{peildatum}.xlsx"), bytes)
    } else {
        super::publicatie::download("text/csv; charset=utf-8", &format!("monitoring-{ronde}-{peildatum}.csv"), t.naar_csv().into_bytes())
    })
}

// ------------------------------------------------------------------------------------------------------------
// Eén uitkering

pub struct Betalingregel {
    pub id: String,
    pub termijn: i64,
    pub referentie: String,
    pub bedrag: Bedrag,
    pub betaaldatum: String,
    pub status: String,
    pub voorgesteld_door: String,
    pub goedgekeurd_door: String,
    /// Mag deze gebruiker haar nu goedkeuren (beslisser, niet de voorsteller)?
    pub goedkeurbaar: bool,
}

pub struct Deelplanregel {
    pub naam: String,
    pub bij_besluit: Bedrag,
    pub toegekend: Bedrag,
    pub woningen_gepland: String,
    pub cofinanciering: Bedrag,
    pub versie: String,
}

pub struct Versieregel {
    pub deelplan: String,
    pub versie: String,
    pub toegekend: Bedrag,
    pub woningen_gepland: String,
    pub einde: String,
    pub omschrijving: String,
    pub wijziging: String,
}

pub struct Opgavecijfers {
    pub deelplan: String,
    pub dit_jaar: Bedrag,
    pub cumulatief: Bedrag,
    pub cofinanciering: Bedrag,
    pub ten_laste: Bedrag,
    pub gestart: u64,
    pub opgeleverd: u64,
    pub eind: bool,
}

pub struct Bevindingregel {
    pub regel: String,
    pub deelplan: String,
    pub uitleg: String,
    pub parameter: String,
}

pub struct Opgaveregel {
    pub jaar: String,
    pub ontvangen_op: String,
    pub te_laat: bool,
    pub ingediend_door: String,
    pub deelplannen: Vec<Opgavecijfers>,
    pub bevindingen: Vec<Bevindingregel>,
}

pub struct Wijzigingregel {
    pub id: String,
    pub toelichting: String,
    pub wat: Vec<String>,
    pub status: String,
    pub aangevraagd_door: String,
    pub voorgesteld_door: String,
    pub besloten_door: String,
    pub reden: String,
    /// Mag deze gebruiker haar beoordelen (beslisser, status aangevraagd)?
    pub beoordeelbaar: bool,
    /// Mag deze gebruiker haar goedkeuren (beslisser, voorgesteld, niet door hem)?
    pub goedkeurbaar: bool,
    /// Het id van het veld voor de reden (uniek op de pagina; de naam is `reden`).
    pub veld_reden: String,
}

pub struct Vaststellingdeelplan {
    pub naam: String,
    pub toegekend: Bedrag,
    pub ten_laste: Bedrag,
    pub woningen: String,
    pub vastgesteld: Bedrag,
    pub uitleg: String,
}

pub struct Vaststellingregel {
    pub id: String,
    pub identificatie: String,
    pub status: String,
    pub besloten: Bedrag,
    pub betaald: Bedrag,
    pub vastgesteld: Bedrag,
    pub terugvordering: Bedrag,
    pub nabetaling: Bedrag,
    pub uitleg: String,
    pub deelplannen: Vec<Vaststellingdeelplan>,
    pub opgesteld_door: String,
    pub ondertekend_door: String,
    pub datum: String,
    pub brief: String,
    pub ondertekenbaar: bool,
}

#[derive(Template)]
#[template(path = "uitvoering/uitkering.html")]
struct Uitkering {
    kader: Kader,
    /// Het besluit van het adres (misschien vervangen door een correctie; de handelingen volgen het geldende).
    adres: String,
    besluit: String,
    identificatie: String,
    ronde: String,
    ronde_naam: String,
    gemeentenaam: String,
    besloten: Bedrag,
    betaald: Bedrag,
    openstaand: Bedrag,
    betalingen: Vec<Betalingregel>,
    /// De termijn die de knop "voorstellen" noemt: het aantal goedgekeurde betalingen + 1.
    volgende_termijn: Option<i64>,
    deelplannen: Vec<Deelplanregel>,
    versies: Vec<Versieregel>,
    opgaven: Vec<Opgaveregel>,
    wijzigingen: Vec<Wijzigingregel>,
    vaststellingen: Vec<Vaststellingregel>,
    beslisser: bool,
    /// Mag deze gebruiker een SiSa-opgave indienen (gemeente of RVO, na betaling, vóór de vaststelling)?
    verantwoorden: bool,
    /// Mag deze gebruiker een wijziging aanvragen (de gemeente, vóór de vaststelling)?
    wijzigen: bool,
    /// Het aantal goedgekeurde betalingen (voor de controle van de termijn in het formulier).
    gedaan: i64,
    sleutel: String,
    melding: Option<String>,
    fout: Option<String>,
    f: Formulier,
}

async fn uitkeringspagina(
    s: &AppState,
    ident: &Identiteit,
    adres: &str,
    melding: Option<String>,
    fout: Option<String>,
    f: Formulier,
) -> Result<Uitkering, ApiFout> {
    let g = ident.gebruiker()?;
    let z = zicht(ident)?;
    let o = {
        let mut c = s.db.lees().await?;
        handeling::overzicht(&mut c, adres, &z).await?
    };
    let beslisser = g.rol == Rol::Beslisser;
    let lijst = |k: &str| o[k].as_array().cloned().unwrap_or_default();
    let betalingen: Vec<Betalingregel> = lijst("betalingen")
        .iter()
        .map(|b| Betalingregel {
            id: tekst(&b["id"]),
            termijn: b["termijn"].as_i64().unwrap_or(0),
            referentie: tekst(&b["referentie"]),
            bedrag: bedrag(&b["bedrag"]),
            betaaldatum: tekst(&b["betaaldatum"]),
            status: tekst(&b["status"]),
            voorgesteld_door: tekst(&b["voorgesteld_door"]),
            goedgekeurd_door: tekst(&b["goedgekeurd_door"]),
            goedkeurbaar: beslisser && b["status"] == "voorgesteld" && b["voorgesteld_door"] != g.id.as_str(),
        })
        .collect();
    let gedaan = betalingen.iter().filter(|b| b.status == "goedgekeurd").count() as i64;
    let openstaand = bedrag(&o["openstaand"]);
    let wacht = betalingen.iter().any(|b| b.status == "voorgesteld");
    let mut deelplannen = Vec::new();
    let mut versies = Vec::new();
    for d in lijst("deelplannen") {
        let naam = format!("{} {}", tekst(&d["kenmerk"]), tekst(&d["deelplan"]));
        let eerdere = d["versies"].as_array().cloned().unwrap_or_default();
        versies.push(Versieregel {
            deelplan: naam.clone(),
            versie: "1 (besluit)".into(),
            toegekend: bedrag(&d["toegekend_bij_besluit"]),
            woningen_gepland: if eerdere.is_empty() { tekst(&d["woningen_gepland"]) } else { "zoals in de aanvraag".into() },
            einde: String::new(),
            omschrijving: String::new(),
            wijziging: String::new(),
        });
        for v in &eerdere {
            versies.push(Versieregel {
                deelplan: naam.clone(),
                versie: tekst(&v["versie"]),
                toegekend: bedrag(&v["toegekend"]),
                woningen_gepland: tekst(&v["woningen_gepland"]),
                einde: tekst(&v["einde"]),
                omschrijving: tekst(&v["omschrijving"]),
                wijziging: tekst(&v["wijziging"]),
            });
        }
        deelplannen.push(Deelplanregel {
            naam,
            bij_besluit: bedrag(&d["toegekend_bij_besluit"]),
            toegekend: bedrag(&d["toegekend"]),
            woningen_gepland: tekst(&d["woningen_gepland"]),
            cofinanciering: bedrag(&d["cofinanciering"]),
            versie: tekst(&d["versie"]),
        });
    }
    let opgaven = lijst("verantwoordingen")
        .iter()
        .map(|e| {
            let cijfers = serde_json::from_value::<Vec<Deelplanopgave>>(e["deelplannen"].clone()).unwrap_or_default();
            Opgaveregel {
                jaar: tekst(&e["jaar"]),
                ontvangen_op: tekst(&e["ontvangen_op"]),
                te_laat: e["te_laat"].as_bool().unwrap_or(false),
                ingediend_door: tekst(&e["ingediend_door"]),
                deelplannen: cijfers
                    .iter()
                    .map(|d| Opgavecijfers {
                        deelplan: format!("{} {}", d.kenmerk, d.deelplan),
                        dit_jaar: d.besteed_dit_jaar,
                        cumulatief: d.besteed_cumulatief,
                        cofinanciering: d.cofinanciering_cumulatief,
                        ten_laste: d.ten_laste_van_uitkering().unwrap_or(Bedrag::NUL),
                        gestart: d.gestart(),
                        opgeleverd: d.opgeleverd(),
                        eind: d.eindverantwoording,
                    })
                    .collect(),
                bevindingen: e["bevindingen"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|b| Bevindingregel {
                                regel: tekst(&b["regel"]),
                                deelplan: tekst(&b["deelplan"]),
                                uitleg: tekst(&b["uitleg"]),
                                parameter: tekst(&b["parameter"]),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let wijzigingen = lijst("wijzigingen")
        .iter()
        .map(|w| {
            let wat = w["deelplannen"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|d| {
                            let mut delen = Vec::new();
                            if !d["toegekend"].is_null() {
                                delen.push(format!("toegekend {}", bedrag(&d["toegekend"])));
                            }
                            if !d["woningen_gepland"].is_null() {
                                delen.push(format!("{} woningen gepland", tekst(&d["woningen_gepland"])));
                            }
                            if !d["einde"].is_null() {
                                delen.push(format!("einde {}", tekst(&d["einde"])));
                            }
                            if !d["omschrijving"].is_null() {
                                delen.push(format!("omschrijving: {}", tekst(&d["omschrijving"])));
                            }
                            format!("{} {}: {}", tekst(&d["kenmerk"]), tekst(&d["deelplan"]), delen.join("; "))
                        })
                        .collect()
                })
                .unwrap_or_default();
            Wijzigingregel {
                id: tekst(&w["id"]),
                toelichting: tekst(&w["toelichting"]),
                wat,
                status: tekst(&w["status"]),
                aangevraagd_door: tekst(&w["aangevraagd_door"]),
                voorgesteld_door: tekst(&w["voorgesteld_door"]),
                besloten_door: tekst(&w["besloten_door"]),
                reden: tekst(&w["reden"]),
                beoordeelbaar: beslisser && w["status"] == "aangevraagd",
                goedkeurbaar: beslisser && w["status"] == "voorgesteld" && w["voorgesteld_door"] != g.id.as_str(),
                veld_reden: format!("reden-{}", tekst(&w["id"])),
            }
        })
        .collect();
    let vaststellingen: Vec<Vaststellingregel> = lijst("vaststellingen")
        .iter()
        .map(|v| Vaststellingregel {
            id: tekst(&v["id"]),
            identificatie: tekst(&v["identificatie"]),
            status: tekst(&v["status"]),
            besloten: bedrag(&v["besloten"]),
            betaald: bedrag(&v["betaald"]),
            vastgesteld: bedrag(&v["vastgesteld"]),
            terugvordering: bedrag(&v["terugvordering"]),
            nabetaling: bedrag(&v["nabetaling"]),
            uitleg: tekst(&v["uitleg"]),
            deelplannen: v["deelplannen"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|d| Vaststellingdeelplan {
                            naam: format!("{} {}", tekst(&d["kenmerk"]), tekst(&d["deelplan"])),
                            toegekend: bedrag(&d["toegekend"]),
                            ten_laste: bedrag(&d["ten_laste_van_uitkering"]),
                            woningen: format!("{} van {}", tekst(&d["woningen_opgeleverd"]), tekst(&d["woningen_gepland"])),
                            vastgesteld: bedrag(&d["vastgesteld"]),
                            uitleg: tekst(&d["uitleg"]),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            opgesteld_door: tekst(&v["opgesteld_door"]),
            ondertekend_door: tekst(&v["ondertekend_door"]),
            datum: tekst(&v["datum"]),
            brief: tekst(&v["brief"]["url"]),
            ondertekenbaar: beslisser && v["status"] == "concept" && v["opgesteld_door"] != g.id.as_str(),
        })
        .collect();
    let ronde = tekst(&o["ronde"]);
    let open_voor_werk = vaststellingen.iter().all(|v| v.status != "ondertekend");
    Ok(Uitkering {
        kader: Kader::nieuw(s, ident, format!("Uitvoering {}", gemeentenaam(&tekst(&o["gemeente"]))), &format!("/uitvoering/{adres}")),
        adres: adres.to_string(),
        besluit: tekst(&o["besluit"]),
        identificatie: tekst(&o["identificatie"]),
        ronde_naam: rondenaam(&ronde),
        ronde,
        gemeentenaam: gemeentenaam(&tekst(&o["gemeente"])),
        besloten: bedrag(&o["besloten"]),
        betaald: bedrag(&o["betaald"]),
        openstaand,
        volgende_termijn: (beslisser && openstaand.is_positief() && !wacht).then_some(gedaan + 1),
        betalingen,
        deelplannen,
        versies,
        opgaven,
        wijzigingen,
        vaststellingen,
        beslisser,
        verantwoorden: matches!(g.rol, Rol::Aanvrager | Rol::Behandelaar) && bedrag(&o["betaald"]).is_positief() && open_voor_werk,
        wijzigen: g.rol == Rol::Aanvrager && open_voor_werk,
        gedaan,
        sleutel: crate::server::identiteit::geheim(),
        melding,
        fout,
        f,
    })
}

#[derive(Deserialize, Default)]
struct Gedaan {
    gedaan: Option<String>,
}

async fn uitkering(State(s): State<AppState>, ident: Identiteit, Path(adres): Path<String>, Query(k): Query<Gedaan>) -> Result<Response, ApiFout> {
    let melding = k.gedaan.map(|w| {
        match w.as_str() {
            "betaling-voorgesteld" => "De betaling is voorgesteld; een andere beslisser keurt haar goed.",
            "betaling-goedgekeurd" => "De betaling is goedgekeurd en staat in het betaalbestand van de ronde.",
            "opgave" => "De SiSa-opgave is ingediend; de bevindingen staan hieronder bij het jaar.",
            "wijziging-aangevraagd" => "De wijziging is aangevraagd; het ministerie beoordeelt haar.",
            "wijziging-beoordeeld" => "De wijziging is beoordeeld. Een voorgestelde wijziging keurt een andere beslisser goed.",
            "wijziging-goedgekeurd" => "De wijziging is goedgekeurd: de deelplannen hebben een nieuwe versie.",
            "vaststelling-opgesteld" => "De vaststelling is opgesteld als concept; een andere beslisser ondertekent haar.",
            _ => "De vaststelling is ondertekend; de brief staat klaar.",
        }
        .to_string()
    });
    Ok(html(StatusCode::OK, &uitkeringspagina(&s, &ident, &adres, melding, None, Formulier::default()).await?))
}

/// Een weigering van de handeling (of van het formulier) als melding op de uitkeringspagina, met de status die de
/// API voor hetzelfde verzoek geeft; wat geen weigering is (404, een interne fout), gaat als fout door.
async fn geweigerd(s: &AppState, ident: &Identiteit, adres: &str, e: ApiFout, f: Formulier) -> Result<Response, ApiFout> {
    let status = status_van(&e);
    let m = melding_van(e)?;
    Ok(html(status, &uitkeringspagina(s, ident, adres, None, Some(m), f).await?))
}

fn ongeldig(detail: &str) -> ApiFout {
    ApiFout::Ongeldig { detail: detail.into(), velden: vec![] }
}

/// Na gelukt werk (of een herhaling met dezelfde sleutel): terug naar de uitkering, met wat er gedaan is.
fn gedaan(r: Result<Value, ApiFout>, adres: &str, wat: &str) -> Result<Response, ApiFout> {
    match r {
        Ok(_) | Err(ApiFout::Herhaald(_)) => Ok(naar(&format!("/uitvoering/{adres}?gedaan={wat}"))),
        Err(e) => Err(e),
    }
}

async fn betaling_voorstellen(State(s): State<AppState>, ident: Identiteit, Path(adres): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let p = uitkeringspagina(&s, &ident, &adres, None, None, Formulier::default()).await?;
    // De termijn van de knop: wie op een verouderde pagina drukt, stelt niet ongemerkt een andere termijn voor.
    let Ok(termijn) = f.w("termijn").parse::<i64>() else {
        return geweigerd(&s, &ident, &adres, ongeldig("Het formulier noemt geen termijn; laad de pagina opnieuw."), f).await;
    };
    if termijn != p.gedaan + 1 {
        let e = ApiFout::Conflict(format!(
            "De pagina was verouderd: er zijn {} betalingen goedgekeurd, dus termijn {termijn} is niet de volgende. Bekijk de betalingen hieronder.",
            p.gedaan
        ));
        return geweigerd(&s, &ident, &adres, e, f).await;
    }
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, &format!("betaling/{termijn}")), format!("POST /besluiten/{}/betalingen", p.besluit), "{}")?;
    match gedaan(handeling::stel_betaling_voor(&v, &p.besluit).await, &adres, "betaling-voorgesteld") {
        Err(e) => geweigerd(&s, &ident, &adres, e, f).await,
        r => r,
    }
}

async fn betaling_goedkeuren(State(s): State<AppState>, ident: Identiteit, Path(adres): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let p = uitkeringspagina(&s, &ident, &adres, None, None, Formulier::default()).await?;
    let id = f.w("betaling").to_string();
    if id.is_empty() {
        return geweigerd(&s, &ident, &adres, ongeldig("Het formulier noemt geen betaling; laad de pagina opnieuw."), f).await;
    }
    if !p.betalingen.iter().any(|b| b.id == id) {
        return Err(ApiFout::NietGevonden);
    }
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, &format!("goedkeuring/{id}")), format!("POST /betalingen/{id}/goedkeuring"), "{}")?;
    match gedaan(handeling::keur_betaling_goed(&v, &id).await, &adres, "betaling-goedgekeurd") {
        Err(e) => geweigerd(&s, &ident, &adres, e, f).await,
        r => r,
    }
}

async fn wijziging_beoordelen(State(s): State<AppState>, ident: Identiteit, Path(adres): Path<String>, body: String) -> Result<Response, ApiFout> {
    let mut f = Formulier::uit_body(body.as_bytes());
    let p = uitkeringspagina(&s, &ident, &adres, None, None, Formulier::default()).await?;
    let id = f.w("wijziging").to_string();
    if id.is_empty() {
        return geweigerd(&s, &ident, &adres, ongeldig("Het formulier noemt geen wijziging; laad de pagina opnieuw."), f).await;
    }
    if !p.wijzigingen.iter().any(|w| w.id == id) {
        return Err(ApiFout::NietGevonden);
    }
    let (uitkomst, reden) = (f.w("uitkomst").to_string(), f.w("reden").to_string());
    if !matches!(uitkomst.as_str(), "goedkeuren" | "weigeren") {
        f.fout(format!("uitkomst-{id}"), "Kies of u de wijziging voorstelt tot goedkeuring of weigert.");
    }
    if reden.is_empty() {
        f.fout(format!("reden-{id}"), "Geef de reden van uw beoordeling; de gemeente ziet hem.");
    }
    if !f.fouten.is_empty() {
        let m = f.fouten.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" ");
        return geweigerd(&s, &ident, &adres, ongeldig(&m), f).await;
    }
    let body = json!({ "uitkomst": uitkomst, "reden": reden }).to_string();
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, &format!("beoordeling/{id}")), format!("POST /wijzigingen/{id}/beoordeling"), body)?;
    match gedaan(handeling::beoordeel_wijziging(&v, &id, &uitkomst, &reden).await, &adres, "wijziging-beoordeeld") {
        Err(e) => geweigerd(&s, &ident, &adres, e, f).await,
        r => r,
    }
}

async fn wijziging_goedkeuren(State(s): State<AppState>, ident: Identiteit, Path(adres): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let p = uitkeringspagina(&s, &ident, &adres, None, None, Formulier::default()).await?;
    let id = f.w("wijziging").to_string();
    if id.is_empty() {
        return geweigerd(&s, &ident, &adres, ongeldig("Het formulier noemt geen wijziging; laad de pagina opnieuw."), f).await;
    }
    if !p.wijzigingen.iter().any(|w| w.id == id) {
        return Err(ApiFout::NietGevonden);
    }
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, &format!("wijzigingsgoedkeuring/{id}")), format!("POST /wijzigingen/{id}/goedkeuring"), "{}")?;
    match gedaan(handeling::keur_wijziging_goed(&v, &id).await, &adres, "wijziging-goedgekeurd") {
        Err(e) => geweigerd(&s, &ident, &adres, e, f).await,
        r => r,
    }
}

async fn vaststelling_opstellen(State(s): State<AppState>, ident: Identiteit, Path(adres): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let p = uitkeringspagina(&s, &ident, &adres, None, None, Formulier::default()).await?;
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, "vaststelling"), format!("POST /besluiten/{}/vaststelling", p.besluit), "{}")?;
    match gedaan(handeling::stel_vaststelling_op(&v, &p.besluit).await, &adres, "vaststelling-opgesteld") {
        Err(e) => geweigerd(&s, &ident, &adres, e, f).await,
        r => r,
    }
}

async fn vaststelling_ondertekenen(State(s): State<AppState>, ident: Identiteit, Path(adres): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let p = uitkeringspagina(&s, &ident, &adres, None, None, Formulier::default()).await?;
    let id = f.w("vaststelling").to_string();
    if id.is_empty() {
        return geweigerd(&s, &ident, &adres, ongeldig("Het formulier noemt geen vaststelling; laad de pagina opnieuw."), f).await;
    }
    if !p.vaststellingen.iter().any(|v| v.id == id) {
        return Err(ApiFout::NietGevonden);
    }
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, &format!("ondertekening/{id}")), format!("POST /vaststellingen/{id}/ondertekening"), "{}")?;
    match gedaan(handeling::onderteken_vaststelling(&v, &id).await, &adres, "vaststelling-ondertekend") {
        Err(e) => geweigerd(&s, &ident, &adres, e, f).await,
        r => r,
    }
}

// ------------------------------------------------------------------------------------------------------------
// De SiSa-opgave

/// Eén regel woningen in het formulier: een activiteit en eigendom uit de aanvraag, met de veldnamen.
pub struct Woningregel {
    pub activiteit: Activiteit,
    pub eigendom: Eigendom,
    pub omschrijving: String,
    pub gepland: u64,
    pub gestart: String,
    pub opgeleverd: String,
}

/// Eén deelplan in het formulier, met de namen van zijn velden.
pub struct Opgavedeelplan {
    pub kenmerk: String,
    pub deelplan: String,
    pub toegekend: Bedrag,
    pub cofinanciering: Bedrag,
    pub vorige: Option<String>,
    pub dit_jaar: String,
    pub cumulatief: String,
    pub cofinanciering_veld: String,
    pub eind: String,
    pub woningen: Vec<Woningregel>,
}

#[derive(Template)]
#[template(path = "uitvoering/verantwoording.html")]
struct Opgaveformulier {
    kader: Kader,
    adres: String,
    gemeentenaam: String,
    ronde_naam: String,
    jaren: Vec<i16>,
    deelplannen: Vec<Opgavedeelplan>,
    betaald: bool,
    sleutel: String,
    fout: Option<String>,
    f: Formulier,
}

fn eigendom_naam(e: Eigendom) -> &'static str {
    match e {
        Eigendom::EigenaarBewoner => "eigenaar-bewoners",
        Eigendom::ParticuliereVerhuur => "particuliere verhuur",
        Eigendom::Corporatie => "corporatie",
    }
}

/// Wat het formulier van de uitkering nodig heeft: de deelplannen met hun woningen uit de aanvraag, de jaren die nog
/// te verantwoorden zijn, en de cumulatieve bedragen van de vorige opgave als hulp.
async fn opgaveformulier(s: &AppState, ident: &Identiteit, adres: &str, fout: Option<String>, mut f: Formulier) -> Result<Opgaveformulier, ApiFout> {
    let z = zicht(ident)?;
    let vandaag = lokale_datum((s.klok)());
    let mut c = s.db.lees().await?;
    let b = handeling::geldend(&mut c, adres, &z).await?;
    let u = handeling::uitkering(&mut c, b).await?;
    let eerdere = crate::db::uitvoering::verantwoordingen(&mut c, &u.besluit.ronde, &u.besluit.gemeente, &crate::db::besluiten::Zicht::Alles).await?;
    let mut laatste: Vec<(i64, Deelplanopgave)> = Vec::new();
    for e in &eerdere {
        for o in serde_json::from_str::<Vec<Deelplanopgave>>(&e.inhoud).unwrap_or_default() {
            laatste.retain(|(_, x)| !(x.kenmerk == o.kenmerk && x.deelplan == o.deelplan));
            laatste.push((e.jaar, o));
        }
    }
    let besluitjaar = u.besluitdatum()?.year();
    let jaren: Vec<i16> = (besluitjaar..vandaag.year()).filter(|j| !eerdere.iter().any(|e| e.jaar == i64::from(*j))).collect();
    let mut deelplannen = Vec::new();
    for (i, st) in u.standen.iter().enumerate() {
        let aid = u.inhoud.deelplannen.iter().find(|d| d.kenmerk == st.kenmerk && d.deelplan == st.deelplan).and_then(|d| d.aanvraag.clone());
        let mut regels: Vec<(Activiteit, Eigendom, u64)> = Vec::new();
        if let Some(aid) = aid
            && let Some(rij) = crate::db::aanvragen::haal_intern(&mut c, &aid).await?
            && let Ok(a) = serde_json::from_str::<Aanvraag>(&rij.inhoud)
            && let Some(dp) = a.deelplannen.iter().find(|d| d.id == st.deelplan)
        {
            for m in &dp.maatregelen {
                let w = &m.woningen;
                for (e, n) in [
                    (Eigendom::EigenaarBewoner, w.eigenaar_bewoner),
                    (Eigendom::ParticuliereVerhuur, w.particuliere_verhuur),
                    (Eigendom::Corporatie, w.corporatie),
                ] {
                    if n == 0 {
                        continue;
                    }
                    match regels.iter_mut().find(|(a, x, _)| *a == m.activiteit && *x == e) {
                        Some(r) => r.2 += u64::from(n),
                        None => regels.push((m.activiteit, e, u64::from(n))),
                    }
                }
            }
        }
        let vorige = laatste.iter().find(|(_, o)| o.kenmerk == st.kenmerk && o.deelplan == st.deelplan);
        let woningen = regels
            .into_iter()
            .enumerate()
            .map(|(j, (activiteit, eigendom, gepland))| {
                let (gestart, opgeleverd) = (format!("d{i}_w{j}_gestart"), format!("d{i}_w{j}_opgeleverd"));
                // Het aantal van de vorige opgave als beginwaarde (de aantallen zijn cumulatief).
                if let Some((_, o)) = vorige
                    && let Some(w) = o.woningen.iter().find(|w| w.activiteit == activiteit && w.eigendom == eigendom)
                    && !f.waarden.contains_key(&gestart)
                {
                    f.zet(gestart.clone(), w.gestart.to_string());
                    f.zet(opgeleverd.clone(), w.opgeleverd.to_string());
                }
                Woningregel { activiteit, eigendom, omschrijving: format!("{}, {}", activiteit.naam(), eigendom_naam(eigendom)), gepland, gestart, opgeleverd }
            })
            .collect();
        deelplannen.push(Opgavedeelplan {
            kenmerk: st.kenmerk.clone(),
            deelplan: st.deelplan.clone(),
            toegekend: st.toegekend,
            cofinanciering: st.cofinanciering,
            vorige: vorige.map(|(jaar, o)| {
                format!("Vorige opgave ({jaar}): cumulatief besteed {}, waarvan cofinanciering {}.", o.besteed_cumulatief, o.cofinanciering_cumulatief)
            }),
            dit_jaar: format!("d{i}_dit_jaar"),
            cumulatief: format!("d{i}_cumulatief"),
            cofinanciering_veld: format!("d{i}_cofinanciering"),
            eind: format!("d{i}_eind"),
            woningen,
        });
    }
    if !f.waarden.contains_key("jaar")
        && let Some(j) = jaren.first()
    {
        f.zet("jaar", j.to_string());
    }
    Ok(Opgaveformulier {
        kader: Kader::nieuw(s, ident, "SiSa-opgave", &format!("/uitvoering/{adres}/verantwoording")),
        adres: adres.to_string(),
        gemeentenaam: u.inhoud.gemeentenaam.clone(),
        ronde_naam: u.inhoud.ronde_naam.clone(),
        jaren,
        deelplannen,
        betaald: u.betaald.is_positief(),
        sleutel: crate::server::identiteit::geheim(),
        fout,
        f,
    })
}

#[derive(Deserialize, Default)]
struct Jaar {
    jaar: Option<String>,
}

async fn opgave(State(s): State<AppState>, ident: Identiteit, Path(adres): Path<String>, Query(k): Query<Jaar>) -> Result<Response, ApiFout> {
    let mut f = Formulier::default();
    if let Some(j) = k.jaar.filter(|j| !j.is_empty()) {
        f.zet("jaar", j);
    }
    Ok(html(StatusCode::OK, &opgaveformulier(&s, &ident, &adres, None, f).await?))
}

/// Een bedrag uit het formulier; een fout staat dan bij het veld.
fn bedrag_uit(f: &mut Formulier, veld: &str, label: &str) -> Bedrag {
    let t = f.bedrag(veld, label);
    Bedrag::parse(&t).unwrap_or(Bedrag::NUL)
}

fn aantal_uit(f: &mut Formulier, veld: &str, label: &str) -> u32 {
    let n = f.aantal(veld, label);
    u32::try_from(n).unwrap_or_else(|_| {
        f.fout(veld, format!("{label}: {n} is te groot."));
        0
    })
}

async fn opgave_indienen(State(s): State<AppState>, ident: Identiteit, Path(adres): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    // Eerst het zicht (een andere gemeente: 404), dan pas het formulier.
    let formulier = opgaveformulier(&s, &ident, &adres, None, f).await?;
    let Opgaveformulier { deelplannen, mut f, .. } = formulier;
    let jaar = f.w("jaar").parse::<i16>().ok();
    if jaar.is_none() {
        f.fout("jaar", "Kies het jaar waarover u verantwoordt.");
    }
    let mut opgave = Vec::new();
    for d in &deelplannen {
        let naam = format!("{} {}", d.kenmerk, d.deelplan);
        let besteed_dit_jaar = bedrag_uit(&mut f, &d.dit_jaar, &format!("{naam}, besteed in het jaar"));
        let besteed_cumulatief = bedrag_uit(&mut f, &d.cumulatief, &format!("{naam}, besteed tot en met het jaar"));
        let cofinanciering_cumulatief = bedrag_uit(&mut f, &d.cofinanciering_veld, &format!("{naam}, waarvan cofinanciering"));
        let mut woningen = Vec::new();
        for w in &d.woningen {
            let gestart = aantal_uit(&mut f, &w.gestart, &format!("{naam}, {}: gestart", w.omschrijving));
            let opgeleverd = aantal_uit(&mut f, &w.opgeleverd, &format!("{naam}, {}: opgeleverd", w.omschrijving));
            woningen.push(Woningvoortgang { activiteit: w.activiteit, eigendom: w.eigendom, gestart, opgeleverd });
        }
        let eindverantwoording = f.aan(&d.eind);
        opgave.push(Deelplanopgave {
            kenmerk: d.kenmerk.clone(),
            deelplan: d.deelplan.clone(),
            besteed_dit_jaar,
            besteed_cumulatief,
            cofinanciering_cumulatief,
            woningen,
            eindverantwoording,
        });
    }
    let Some(jaar) = jaar.filter(|_| f.fouten.is_empty()) else {
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &opgaveformulier(&s, &ident, &adres, None, f).await?));
    };
    let z = zicht(&ident)?;
    let besluit = {
        let mut c = s.db.lees().await?;
        handeling::geldend(&mut c, &adres, &z).await?.id
    };
    let body = json!({ "jaar": jaar, "deelplannen": opgave }).to_string();
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, &format!("opgave/{jaar}")), format!("POST /besluiten/{besluit}/verantwoordingen"), body)?;
    match gedaan(handeling::dien_verantwoording_in(&v, &besluit, &z, jaar, opgave).await, &adres, "opgave") {
        Err(e) => {
            let status = status_van(&e);
            let m = melding_van(e)?;
            Ok(html(status, &opgaveformulier(&s, &ident, &adres, Some(m), f).await?))
        }
        r => r,
    }
}

/// De SiSa-opgave als bestand (CSV of XLSX): dezelfde lezer als `POST /api/v1/besluiten/{id}/verantwoordingen/import`
/// en dezelfde handeling; elke fout in het bestand komt in het foutoverzicht, met regel, kolom en cel.
async fn opgave_uit_bestand(
    State(s): State<AppState>,
    ident: Identiteit,
    Path(adres): Path<String>,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiFout> {
    // Eerst het zicht (een andere gemeente: 404), dan pas het bestand.
    let z = zicht(&ident)?;
    let besluit = {
        let mut c = s.db.lees().await?;
        handeling::geldend(&mut c, &adres, &z).await?.id
    };
    let mut f = Formulier::default();
    let mut bytes: Option<Vec<u8>> = None;
    match m {
        Err(_) => f.fout("bestand", "Kies het bestand met de opgave (CSV of XLSX)."),
        Ok(mut m) => loop {
            match m.next_field().await {
                Ok(Some(veld)) if veld.name() == Some("bestand") => match veld.bytes().await {
                    Ok(b) if b.is_empty() => f.fout("bestand", "Kies het bestand met de opgave (CSV of XLSX)."),
                    Ok(b) if b.len() > vhf_core::invoer::MAX_BESTANDSGROOTTE => {
                        f.fout("bestand", format!("Het bestand is groter dan {} MiB.", vhf_core::invoer::MAX_BESTANDSGROOTTE / 1024 / 1024))
                    }
                    Ok(b) => bytes = Some(b.to_vec()),
                    Err(e) => f.fout("bestand", format!("Het bestand kwam niet goed aan: {e}. Probeer het opnieuw.")),
                },
                Ok(Some(veld)) => {
                    let naam = veld.name().unwrap_or_default().to_string();
                    let w = veld.text().await.unwrap_or_default();
                    if matches!(naam.as_str(), "jaar" | "_sleutel") {
                        f.zet(naam, w);
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
    let jaar = f.w("jaar").parse::<i16>().ok();
    if jaar.is_none() {
        f.fout("bestand-jaar", "Kies het jaar waarover u verantwoordt.");
    }
    let opgave = match bytes.as_deref().map(crate::spreadsheet::sisa::lees) {
        Some(Ok(o)) => Some(o),
        Some(Err(fouten)) => {
            for x in fouten {
                f.fout("bestand", x.to_string());
            }
            None
        }
        None => None,
    };
    let (Some(jaar), Some(opgave)) = (jaar, opgave.filter(|_| f.fouten.is_empty())) else {
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &opgaveformulier(&s, &ident, &adres, None, f).await?));
    };
    let body = json!({ "jaar": jaar, "deelplannen": opgave }).to_string();
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, &format!("opgave/{jaar}")), format!("POST /besluiten/{besluit}/verantwoordingen"), body)?;
    match gedaan(handeling::dien_verantwoording_in(&v, &besluit, &z, jaar, opgave).await, &adres, "opgave") {
        Err(e) => {
            let status = status_van(&e);
            let m = melding_van(e)?;
            Ok(html(status, &opgaveformulier(&s, &ident, &adres, Some(m), f).await?))
        }
        r => r,
    }
}

// ------------------------------------------------------------------------------------------------------------
// Een wijziging aanvragen

pub struct Wijzigdeelplan {
    pub kenmerk: String,
    pub deelplan: String,
    pub toegekend: Bedrag,
    pub woningen: u64,
    pub einde: String,
    pub veld_toegekend: String,
    pub veld_woningen: String,
    pub veld_einde: String,
    pub veld_omschrijving: String,
}

#[derive(Template)]
#[template(path = "uitvoering/wijziging.html")]
struct Wijzigformulier {
    kader: Kader,
    adres: String,
    gemeentenaam: String,
    ronde_naam: String,
    besloten: Bedrag,
    deelplannen: Vec<Wijzigdeelplan>,
    sleutel: String,
    fout: Option<String>,
    f: Formulier,
}

async fn wijzigformulier(s: &AppState, ident: &Identiteit, adres: &str, fout: Option<String>, mut f: Formulier) -> Result<Wijzigformulier, ApiFout> {
    let z = zicht(ident)?;
    let mut c = s.db.lees().await?;
    let b = handeling::geldend(&mut c, adres, &z).await?;
    let u = handeling::uitkering(&mut c, b).await?;
    let nieuw = f.waarden.is_empty();
    let deelplannen = u
        .standen
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let d = Wijzigdeelplan {
                kenmerk: st.kenmerk.clone(),
                deelplan: st.deelplan.clone(),
                toegekend: st.toegekend,
                woningen: st.woningen_gepland,
                einde: u.versies.iter().rfind(|v| v.kenmerk == st.kenmerk && v.deelplan == st.deelplan).and_then(|v| v.einde.clone()).unwrap_or_default(),
                veld_toegekend: format!("d{i}_toegekend"),
                veld_woningen: format!("d{i}_woningen"),
                veld_einde: format!("d{i}_einde"),
                veld_omschrijving: format!("d{i}_omschrijving"),
            };
            if nieuw {
                f.zet(d.veld_toegekend.clone(), bedrag_invoer(d.toegekend));
                f.zet(d.veld_woningen.clone(), d.woningen.to_string());
            }
            d
        })
        .collect();
    Ok(Wijzigformulier {
        kader: Kader::nieuw(s, ident, "Wijziging aanvragen", &format!("/uitvoering/{adres}/wijziging")),
        adres: adres.to_string(),
        gemeentenaam: u.inhoud.gemeentenaam.clone(),
        ronde_naam: u.inhoud.ronde_naam.clone(),
        besloten: u.besloten,
        deelplannen,
        sleutel: crate::server::identiteit::geheim(),
        fout,
        f,
    })
}

async fn wijziging(State(s): State<AppState>, ident: Identiteit, Path(adres): Path<String>) -> Result<Response, ApiFout> {
    Ok(html(StatusCode::OK, &wijzigformulier(&s, &ident, &adres, None, Formulier::default()).await?))
}

async fn wijziging_aanvragen(State(s): State<AppState>, ident: Identiteit, Path(adres): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let Wijzigformulier { deelplannen, mut f, .. } = wijzigformulier(&s, &ident, &adres, None, f).await?;
    let toelichting = f.w("toelichting").to_string();
    if toelichting.is_empty() {
        f.fout("toelichting", "Geef een toelichting: wat verandert er en waarom?");
    }
    let mut delen = Vec::new();
    for d in &deelplannen {
        let naam = format!("{} {}", d.kenmerk, d.deelplan);
        // Een leeg veld verandert niets (en is geen nul).
        let toegekend = if f.w(&d.veld_toegekend).is_empty() { d.toegekend } else { bedrag_uit(&mut f, &d.veld_toegekend, &format!("{naam}, toegekend")) };
        let woningen = if f.w(&d.veld_woningen).is_empty() { d.woningen } else { f.aantal(&d.veld_woningen, &format!("{naam}, geplande woningen")) };
        let einde = match f.w(&d.veld_einde) {
            "" => None,
            t => match t.parse::<jiff::civil::Date>() {
                Ok(x) => Some(x),
                Err(_) => {
                    let t = t.to_string();
                    f.fout(d.veld_einde.clone(), format!("{naam}, einddatum: '{t}' is geen datum (JJJJ-MM-DD, bijvoorbeeld 2025-12-31)."));
                    None
                }
            },
        };
        let omschrijving = Some(f.w(&d.veld_omschrijving).to_string()).filter(|o| !o.is_empty());
        let w = handeling::Deelplanwijziging {
            kenmerk: d.kenmerk.clone(),
            deelplan: d.deelplan.clone(),
            toegekend: (toegekend != d.toegekend).then_some(toegekend),
            woningen_gepland: (woningen != d.woningen).then_some(woningen),
            einde,
            omschrijving,
        };
        if w.toegekend.is_some() || w.woningen_gepland.is_some() || w.einde.is_some() || w.omschrijving.is_some() {
            delen.push(w);
        }
    }
    if !f.fouten.is_empty() {
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &wijzigformulier(&s, &ident, &adres, None, f).await?));
    }
    let z = zicht(&ident)?;
    let besluit = {
        let mut c = s.db.lees().await?;
        handeling::geldend(&mut c, &adres, &z).await?.id
    };
    let body = json!({ "toelichting": toelichting, "deelplannen": delen }).to_string();
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, "wijziging"), format!("POST /besluiten/{besluit}/wijzigingen"), body)?;
    match gedaan(handeling::vraag_wijziging_aan(&v, &besluit, &z, delen, &toelichting).await, &adres, "wijziging-aangevraagd") {
        Err(e) => {
            let status = status_van(&e);
            let m = melding_van(e)?;
            Ok(html(status, &wijzigformulier(&s, &ident, &adres, Some(m), f).await?))
        }
        r => r,
    }
}
