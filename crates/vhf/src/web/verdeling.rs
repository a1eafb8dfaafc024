//! Het ministerie (beslisser): een verdeling maken, de rangorde met de budgetlijn, gedeeltelijke toekenning en
//! reservelijst en de uitleg van elke uitkomst, een wat-als (budget, btw-reserve, prioriteitsregel, vulwijze)
//! met de verschillen per deelplan en per gemeente, de gevoeligheid voor de scores (hoe vaak elk deelplan geld
//! krijgt als de scores bewegen), en het besluit over de verdeling. Maken en besluiten gaan
//! via de handelingen van de API (`handelingen/verdeling.rs`); de wat-als rekent alleen, bewaart niets.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde_json::Value;
use vhf_core::codes::GemeenteCode;
use vhf_core::geld::Bedrag;
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;
use vhf_core::verdeling::{self as kern, WatAls};

use super::aanvragen::naar;
use super::formulier::{Formulier, bedrag_tekst};
use super::pagina::{Kader, euro, html, lokaal};
use crate::db::verdeling as db;
use crate::handelingen::Verzoek;
use crate::handelingen::verdeling as handeling;
use crate::server::AppState;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;
use crate::server::routes::{Auditor, Beslisser, Route, Toegang};

pub fn routes() -> Vec<Route> {
    let r = super::pagina::route;
    const LEZEN: Toegang = Toegang::Rollen(&[Beslisser, Auditor]);
    const BESLISSER: Toegang = Toegang::Rollen(&[Beslisser]);
    vec![
        r("GET", "/verdeling", "De verdelingen van een ronde en een nieuwe maken (?ronde=)", LEZEN, get(overzicht)),
        r("POST", "/verdeling/maken", "Een verdeling maken van de ingediende aanvragen van de ronde (formulier: ronde)", BESLISSER, axum::routing::post(maken)),
        r(
            "GET",
            "/verdeling/{id}",
            "Een verdeling: rangorde, budgetlijn, uitleg; wat-als (?budget, ?btw_reserve, ?prioriteit, ?vulwijze)",
            LEZEN,
            get(verdeling),
        ),
        r(
            "GET",
            "/verdeling/{id}/rangorde.xlsx",
            "De rangorde van een verdeling als XLSX: per deelplan rang, score, punten, uitkomst, gevraagd en toegekend (getallen), uitleg",
            LEZEN,
            get(|s: State<AppState>, p: Path<String>| async move { rangorde(s, p, true).await }),
        ),
        r(
            "GET",
            "/verdeling/{id}/rangorde.csv",
            "De rangorde van een verdeling als CSV",
            LEZEN,
            get(|s: State<AppState>, p: Path<String>| async move { rangorde(s, p, false).await }),
        ),
        r("POST", "/verdeling/{id}/besluit", "Het besluit over deze verdeling (formulier: reden)", BESLISSER, axum::routing::post(besluit)),
    ]
}

#[derive(Deserialize)]
struct Keuze {
    ronde: Option<String>,
}

#[derive(Template)]
#[template(path = "verdeling/overzicht.html")]
struct Overzicht {
    kader: Kader,
    ronde: String,
    rondes: Vec<(String, String)>,
    runs: Vec<(String, String, String, Option<String>)>,
    beslisser: bool,
    fout: Option<String>,
    /// De Idempotency-Key van het formulier: twee keer op "Verdeling maken" drukken is één verdeling.
    sleutel: String,
}

async fn overzicht_pagina(s: &AppState, ident: &Identiteit, ronde: String, fout: Option<String>) -> Result<Overzicht, ApiFout> {
    Ronde::zoek(&ronde).ok_or(ApiFout::NietGevonden)?;
    let mut c = s.db.lees().await?;
    let runs = db::van_ronde(&mut c, &ronde)
        .await?
        .into_iter()
        .map(|(id, door, op, besloten)| {
            (
                id,
                door,
                lokaal(jiff::Timestamp::from_microsecond(op).unwrap_or_default()),
                besloten.map(|b| lokaal(jiff::Timestamp::from_microsecond(b).unwrap_or_default())),
            )
        })
        .collect();
    Ok(Overzicht {
        kader: Kader::nieuw(s, ident, "Verdeling", "/verdeling"),
        rondes: Ronde::ingebouwd().iter().map(|r| (r.id.clone(), r.naam.clone())).collect(),
        runs,
        beslisser: ident.gebruiker()?.rol == crate::toegang::Rol::Beslisser,
        ronde,
        fout,
        sleutel: crate::server::identiteit::geheim(),
    })
}

async fn overzicht(State(s): State<AppState>, ident: Identiteit, Query(k): Query<Keuze>) -> Result<Response, ApiFout> {
    let ronde = k.ronde.filter(|r| !r.is_empty()).unwrap_or_else(|| super::pagina::huidige_ronde((s.klok)()));
    Ok(html(StatusCode::OK, &overzicht_pagina(&s, &ident, ronde, None).await?))
}

async fn maken(State(s): State<AppState>, ident: Identiteit, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let ronde = f.w("ronde").to_string();
    if Ronde::zoek(&ronde).is_none() {
        let p =
            overzicht_pagina(&s, &ident, super::pagina::huidige_ronde((s.klok)()), Some(format!("Onbekende ronde '{ronde}': kies een ronde uit de lijst.")))
                .await?;
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &p));
    }
    let sleutel = Some(f.w("_sleutel").to_string()).filter(|k| !k.is_empty());
    let v = Verzoek::nieuw(&s, &ident, sleutel, format!("POST /rondes/{ronde}/verdelingen"), "{}")?;
    match handeling::verdeel(&v, &ronde).await {
        Ok(r) => Ok(naar(&format!("/verdeling/{}", r["id"].as_str().unwrap_or("")))),
        Err(ApiFout::Herhaald(h)) => Ok(naar(&format!("/verdeling/{}", h.antwoord["id"].as_str().unwrap_or("")))),
        Err(ApiFout::Ongeldig { detail, .. }) => Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &overzicht_pagina(&s, &ident, ronde, Some(detail)).await?)),
        Err(e) => Err(e),
    }
}

/// Eén regel van de rangorde.
pub struct Rangregel {
    pub rang: String,
    pub aanvraag: Option<String>,
    pub kenmerk: String,
    pub deelplan: String,
    pub gemeente: String,
    pub score: String,
    pub gevraagd: String,
    pub toegekend: String,
    pub uitkomst: String,
    pub soort: &'static str,
    pub uitleg: String,
    /// De budgetlijn ligt direct boven deze regel: het eerste deelplan dat niet (volledig) past.
    pub lijn: bool,
}

#[derive(Template)]
#[template(path = "verdeling/verdeling.html")]
struct Verdelingpagina {
    kader: Kader,
    id: String,
    ronde: String,
    ronde_naam: String,
    besloten: Option<String>,
    door: String,
    plafond: String,
    toegekend: String,
    restant: String,
    regels: Vec<Rangregel>,
    /// De ingediende aanvragen die niet meedoen: (id, kenmerk, reden).
    buiten: Vec<(String, String, String)>,
    parameters: Vec<(String, String, String)>,
    beslisser: bool,
    f: Formulier,
    wat_als: Option<Watalsuitkomst>,
    /// De gevoeligheid voor de scores, als gevraagd: (marge, runs, regels (rang, deelplan, uitkomst nu, kans)).
    gevoeligheid: Option<Gevoeligheid>,
    sleutel: String,
}

pub struct Watalsuitkomst {
    pub beschrijving: String,
    pub plafond: String,
    pub deelplannen: Vec<(String, String, String)>,
    pub gemeenten: Vec<(String, String, String)>,
}

fn gemeentenaam(code: &str) -> String {
    GemeenteCode::parse(code).map(|c| Referentie::ingebouwd().gemeentenaam(c)).unwrap_or_else(|_| code.to_string())
}

pub fn bedrag(v: &Value) -> String {
    v.as_str().and_then(|s| Bedrag::parse(s).ok()).map(|b| b.to_string()).unwrap_or_else(|| "–".into())
}

pub fn soort(uitkomst: &str) -> &'static str {
    match uitkomst {
        "toegekend" => "rvo-tag--success",
        "gedeeltelijk_toegekend" => "rvo-tag--info",
        "positief_niet_gehonoreerd_wegens_budget" => "rvo-tag--warning",
        _ => "rvo-tag--error",
    }
}

pub fn uitkomst_tekst(u: kern::Uitkomst) -> String {
    u.omschrijving().to_string()
}

#[derive(Deserialize, Default)]
struct Watals {
    gevoeligheid: Option<String>,
    marge: Option<String>,
    runs: Option<String>,
    budget: Option<String>,
    btw_reserve: Option<String>,
    prioriteit: Option<String>,
    vulwijze: Option<String>,
}

/// De wat-als: dezelfde invoer als nu in de database, met en zonder de gewijzigde parameters, en de verschillen.
async fn wat_als(s: &AppState, ronde_id: &str, f: &mut Formulier) -> Result<Option<Watalsuitkomst>, ApiFout> {
    let mut w = WatAls::default();
    let mut regels = Vec::new();
    for (veld, sleutel, label) in [("budget", "budget", "Budget"), ("btw_reserve", "btw_reserve", "Btw-reserve")] {
        if !f.w(veld).is_empty() {
            match bedrag_tekst(f.w(veld)) {
                Some(b) => regels.push(format!("{sleutel}={b}")),
                None => f.fout(veld, format!("{label}: '{}' is geen bedrag.", f.w(veld))),
            }
        }
    }
    for (veld, sleutel) in [("prioriteit", "prioriteit"), ("vulwijze", "vulwijze")] {
        if !f.w(veld).is_empty() {
            regels.push(format!("{sleutel}={}", f.w(veld)));
        }
    }
    if regels.is_empty() || !f.fouten.is_empty() {
        return Ok(None);
    }
    for r in &regels {
        if let Err(e) = w.zet(r) {
            f.fout("budget", e);
            return Ok(None);
        }
    }
    let mut c = s.db.lees().await?;
    let (ronde, invoer) = handeling::huidige_invoer(&mut c, ronde_id).await?;
    drop(c);
    let peil = kern::besluitmoment(&ronde);
    let fout = |e: String| ApiFout::Ongeldig { detail: e, velden: vec![] };
    let basis = kern::analyseer(&invoer, &ronde, peil, None).map_err(|f| fout(f.join("; ")))?;
    let basisregels = basis.regels().map_err(|e| ApiFout::Intern(e.to_string()))?;
    let voor = kern::verdeel(&basis.kandidaten, &basisregels);
    let kader = w.kader(&basis.kader).map_err(fout)?;
    let variant = kern::analyseer(&invoer, &ronde, peil, kader).map_err(|f| fout(f.join("; ")))?;
    let regels_na = w.regels(&basisregels, &basis.parameters).map_err(fout)?;
    let na = kern::verdeel(&variant.kandidaten, &regels_na);
    let v = kern::vergelijk(&voor, &na);
    Ok(Some(Watalsuitkomst {
        beschrijving: beschrijf_wat_als(f),
        plafond: format!("{} (was {})", na.regels.plafond, voor.regels.plafond),
        deelplannen: v
            .deelplannen
            .iter()
            .map(|d| {
                (
                    format!("{} {}", d.deelplan.aanvraag, d.deelplan.deelplan),
                    format!("{}, {}", uitkomst_tekst(d.voor.0), d.voor.1),
                    format!("{}, {}", uitkomst_tekst(d.na.0), d.na.1),
                )
            })
            .collect(),
        gemeenten: v.gemeenten.iter().map(|g| (Referentie::ingebouwd().gemeentenaam(g.gemeente), g.voor.to_string(), g.na.to_string())).collect(),
    }))
}

/// "budget € 150.000.000,00, vulwijze doorgaan": wat de beslisser invulde, in woorden.
fn beschrijf_wat_als(f: &Formulier) -> String {
    let mut v = Vec::new();
    for (veld, label) in [("budget", "budget"), ("btw_reserve", "btw-reserve")] {
        if let Some(b) = bedrag_tekst(f.w(veld)).filter(|_| !f.w(veld).is_empty()).and_then(|t| Bedrag::parse(&t).ok()) {
            v.push(format!("{label} {b}"));
        }
    }
    for (veld, label) in [("prioriteit", "prioriteitsregel"), ("vulwijze", "vulwijze")] {
        if !f.w(veld).is_empty() {
            v.push(format!("{label} {}", f.w(veld)));
        }
    }
    v.join(", ")
}

/// Eén deelplan in de gevoeligheid: (rang, deelplan, uitkomst nu, kans).
type Gevoeligheidsregel = (String, String, String, String);
/// De gevoeligheid: (marge zoals ingevuld, runs, regels).
type Gevoeligheid = (String, u32, Vec<Gevoeligheidsregel>);

/// De gevoeligheid van de verdeling voor de scores (Monte Carlo, `vhf_core::gevoeligheid`): elke score ± de marge,
/// zoveel runs, vast zaad (herhaalbaar). Op dezelfde invoer als nu in de database; niets wordt bewaard.
async fn gevoeligheid(s: &AppState, ronde_id: &str, f: &mut Formulier) -> Result<Option<Gevoeligheid>, ApiFout> {
    if f.w("gevoeligheid").is_empty() {
        return Ok(None);
    }
    let marge_tekst = if f.w("marge").is_empty() { "0,5".to_string() } else { f.w("marge").to_string() };
    let Ok(marge) = serde_json::from_value::<vhf_core::geld::Honderdsten>(Value::String(marge_tekst.replace(',', "."))) else {
        f.fout("marge", format!("Marge: '{marge_tekst}' is geen getal (bijvoorbeeld 0,5)."));
        return Ok(None);
    };
    let runs = match f.w("runs") {
        "" => 500,
        r => match r.parse::<u32>() {
            Ok(n) if (10..=2000).contains(&n) => n,
            _ => {
                f.fout("runs", format!("Runs: '{r}' moet een geheel getal van 10 tot en met 2000 zijn."));
                return Ok(None);
            }
        },
    };
    let mut c = s.db.lees().await?;
    let (ronde, invoer) = handeling::huidige_invoer(&mut c, ronde_id).await?;
    drop(c);
    // Rekenwerk buiten de async-draden van de server.
    let regels = tokio::task::spawn_blocking(move || -> Result<Vec<Gevoeligheidsregel>, String> {
        let peil = kern::besluitmoment(&ronde);
        let a = kern::analyseer(&invoer, &ronde, peil, None).map_err(|f| f.join("; "))?;
        let r = a.regels().map_err(|e| e.to_string())?;
        let v = kern::verdeel(&a.kandidaten, &r);
        let uitkomst = vhf_core::gevoeligheid::Model::nieuw(&a.kandidaten, &a.oordelen, &a.kader, &r).draai(&a.kandidaten, marge, runs, 2021, 1);
        let mut i: Vec<usize> = (0..a.kandidaten.len()).filter(|&i| v.toekenningen[i].rang.is_some() || uitkomst[i].gehonoreerd > 0).collect();
        i.sort_by_key(|&i| (v.toekenningen[i].rang.is_none(), v.toekenningen[i].rang));
        Ok(i.into_iter()
            .map(|i| {
                let t = &v.toekenningen[i];
                let kans = serde_json::to_value(uitkomst[i].kans).ok().and_then(|x| x.as_str().map(|s| s.replace('.', ","))).unwrap_or_default();
                (t.rang.map_or("–".into(), |x| x.to_string()), a.kandidaten[i].deelplan.to_string(), uitkomst_tekst(t.uitkomst), kans)
            })
            .collect())
    })
    .await
    .map_err(|e| ApiFout::Intern(e.to_string()))?
    .map_err(|e| ApiFout::Ongeldig { detail: e, velden: vec![] })?;
    Ok(Some((marge_tekst, runs, regels)))
}

async fn verdelingpagina(s: &AppState, ident: &Identiteit, id: &str, mut f: Formulier) -> Result<Verdelingpagina, ApiFout> {
    let rij = {
        let mut c = s.db.lees().await?;
        db::verdeling(&mut c, id).await?.ok_or(ApiFout::NietGevonden)?
    };
    let r: Value = serde_json::from_str(&rij.resultaat).map_err(|e| ApiFout::Intern(e.to_string()))?;
    // De rangorde: op rang (1 eerst), de deelplannen zonder rang (niet ontvankelijk, negatief advies) daarna; het
    // resultaat zelf staat in de volgorde van de aanvragen. Pas zo ligt de budgetlijn tussen wat past en wat niet.
    let mut deelplannen: Vec<&Value> = r["deelplannen"].as_array().into_iter().flatten().collect();
    deelplannen.sort_by_key(|d| d["rang"].as_u64().unwrap_or(u64::MAX));
    let mut lijn_gezet = false;
    let regels = deelplannen
        .into_iter()
        .map(|d| {
            let u = d["uitkomst"].as_str().unwrap_or("").to_string();
            let lijn = !lijn_gezet && d["rang"].is_number() && u != "toegekend";
            lijn_gezet |= lijn;
            let uitkomst: Option<kern::Uitkomst> = serde_json::from_value(d["uitkomst"].clone()).ok();
            Rangregel {
                rang: d["rang"].as_u64().map(|x| x.to_string()).unwrap_or_else(|| "–".into()),
                aanvraag: d["aanvraag"].as_str().map(String::from),
                kenmerk: d["kenmerk"].as_str().unwrap_or("").into(),
                deelplan: d["deelplan"].as_str().unwrap_or("").into(),
                gemeente: gemeentenaam(d["penvoerder"].as_str().unwrap_or("")),
                score: d["score"].as_str().map(|x| x.replace('.', ",")).unwrap_or_else(|| "–".into()),
                gevraagd: bedrag(&d["gevraagd"]),
                toegekend: bedrag(&d["toegekend"]),
                uitkomst: uitkomst.map(uitkomst_tekst).unwrap_or(u.clone()),
                soort: soort(&u),
                uitleg: d["uitleg"].as_str().unwrap_or("").into(),
                lijn,
            }
        })
        .collect();
    let parameters = r["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let w = match &p["waarde"] {
                Value::String(x) => x.clone(),
                v => v.to_string(),
            };
            (
                p["omschrijving"].as_str().or(p["naam"].as_str()).unwrap_or("").to_string(),
                w,
                format!("{} (vanaf {})", p["bron"].as_str().unwrap_or(""), p["vanaf"].as_str().unwrap_or("")),
            )
        })
        .collect();
    let buiten = r["buiten_verdeling"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| {
            let tekst = |k: &str| b[k].as_str().unwrap_or("").to_string();
            (tekst("aanvraag"), tekst("kenmerk"), tekst("reden"))
        })
        .collect();
    let wat_als = wat_als(s, &rij.ronde, &mut f).await?;
    let gevoeligheid = gevoeligheid(s, &rij.ronde, &mut f).await?;
    let t = &r["totalen"];
    Ok(Verdelingpagina {
        kader: Kader::nieuw(s, ident, format!("Verdeling {id}"), "/verdeling"),
        ronde_naam: Ronde::zoek(&rij.ronde).map(|x| x.naam.clone()).unwrap_or_default(),
        ronde: rij.ronde.clone(),
        besloten: rij.besloten_op.map(|b| lokaal(jiff::Timestamp::from_microsecond(b).unwrap_or_default())),
        door: rij.door.clone(),
        plafond: bedrag(&t["plafond"]),
        toegekend: bedrag(&t["toegekend"]),
        restant: bedrag(&t["restant"]),
        regels,
        buiten,
        parameters,
        beslisser: ident.gebruiker()?.rol == crate::toegang::Rol::Beslisser,
        f,
        wat_als,
        gevoeligheid,
        sleutel: crate::server::identiteit::geheim(),
        id: id.to_string(),
    })
}

async fn verdeling(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, Query(w): Query<Watals>) -> Result<Response, ApiFout> {
    let mut f = Formulier::default();
    for (k, v) in [
        ("budget", w.budget),
        ("btw_reserve", w.btw_reserve),
        ("prioriteit", w.prioriteit),
        ("vulwijze", w.vulwijze),
        ("gevoeligheid", w.gevoeligheid),
        ("marge", w.marge),
        ("runs", w.runs),
    ] {
        if let Some(v) = v {
            f.zet(k, v);
        }
    }
    let p = verdelingpagina(&s, &ident, &id, f).await?;
    let status = if p.f.fouten.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(html(status, &p))
}

/// De rangorde van een verdeling als rekenblad: dezelfde getallen als het bewaarde resultaat (in centen), op rang.
async fn rangorde(State(s): State<AppState>, Path(id): Path<String>, xlsx: bool) -> Result<Response, ApiFout> {
    use crate::spreadsheet::{Cel, Tabel};
    let rij = {
        let mut c = s.db.lees().await?;
        db::verdeling(&mut c, &id).await?.ok_or(ApiFout::NietGevonden)?
    };
    let r: Value = serde_json::from_str(&rij.resultaat).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let mut deelplannen: Vec<&Value> = r["deelplannen"].as_array().into_iter().flatten().collect();
    deelplannen.sort_by_key(|d| d["rang"].as_u64().unwrap_or(u64::MAX));
    let mut t = Tabel::nieuw(
        "Rangorde",
        format!("Verdeling {id} — {}", Ronde::zoek(&rij.ronde).map_or(rij.ronde.as_str(), |x| x.naam.as_str())),
        &[
            "Rang",
            "Kenmerk",
            "Deelplan",
            "Penvoerder",
            "CBS-code",
            "Score",
            "Prioriteitspunten",
            "Rangscore",
            "Prioriteitsgebied",
            "Uitkomst",
            "Gevraagd",
            "Toegekend",
            "Uitleg",
        ],
    );
    let honderdsten = |v: &Value| v.as_str().map_or(Cel::Leeg, |x| Cel::Tekst(x.replace('.', ",")));
    for d in deelplannen {
        let centen =
            |k: &str, tekst: &str| d[k].as_i64().or_else(|| d[tekst].as_str().and_then(|x| vhf_core::geld::Bedrag::parse(x).ok()).map(|b| b.in_centen()));
        let uitkomst: Option<kern::Uitkomst> = serde_json::from_value(d["uitkomst"].clone()).ok();
        t.rij(vec![
            d["rang"].as_i64().map_or(Cel::Leeg, Cel::Geheel),
            d["kenmerk"].as_str().map(String::from).into(),
            d["deelplan"].as_str().map(String::from).into(),
            gemeentenaam(d["penvoerder"].as_str().unwrap_or("")).into(),
            d["penvoerder"].as_str().map(String::from).into(),
            honderdsten(&d["score"]),
            honderdsten(&d["prioriteit"]["punten"]),
            honderdsten(&d["rangscore"]),
            d["prioriteit"]["gebied"]["naam"].as_str().map(String::from).into(),
            uitkomst.map(|u| u.omschrijving().to_string()).into(),
            centen("gevraagd_centen", "gevraagd").map_or(Cel::Leeg, Cel::Euro),
            centen("toegekend_centen", "toegekend").map_or(Cel::Leeg, Cel::Euro),
            d["uitleg"].as_str().map(String::from).into(),
        ]);
    }
    t.onderschrift = vec![
        format!(
            "Budget {}, btw-reserve {}; parameters en bronnen: het verdeeldossier (GET /api/v1/verdelingen/{id}/dossier).",
            bedrag(&r["budget"]),
            bedrag(&r["btw_reserve"])
        ),
        if rij.besloten_op.is_some() { "Over deze verdeling is besloten.".into() } else { "Over deze verdeling is (nog) niet besloten.".into() },
    ];
    Ok(if xlsx {
        let bytes = crate::spreadsheet::naar_xlsx(&[t]).map_err(|e| ApiFout::Intern(format!("XLSX: {e}")))?;
        super::publicatie::download(crate::spreadsheet::XLSX, &format!("rangorde-{id}.xlsx"), bytes)
    } else {
        super::publicatie::download("text/csv; charset=utf-8", &format!("rangorde-{id}.csv"), t.naar_csv().into_bytes())
    })
}

async fn besluit(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let mut f = Formulier::uit_body(body.as_bytes());
    let reden = f.w("reden").to_string();
    if reden.is_empty() {
        f.fout("reden", "Een besluit heeft een reden; die komt in het besluit aan elke gemeente.");
    } else {
        let sleutel = Some(f.w("_sleutel").to_string()).filter(|k| !k.is_empty());
        let v = Verzoek::nieuw(&s, &ident, sleutel, format!("POST /verdelingen/{id}/besluit"), serde_json::json!({ "reden": reden }).to_string())?;
        match handeling::besluit(&v, &id, &reden).await {
            Ok(_) | Err(ApiFout::Herhaald(_)) => return Ok(naar(&format!("/verdeling/{id}"))),
            Err(ApiFout::Conflict(m)) | Err(ApiFout::Ongeldig { detail: m, .. }) => f.fout("reden", m),
            Err(e) => return Err(e),
        }
    }
    let mut p = verdelingpagina(&s, &ident, &id, Formulier::default()).await?;
    p.f = f;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &p))
}

/// Voor het sjabloon: een bedrag in centen.
pub fn bedrag_centen(c: i64) -> String {
    euro(c)
}
