//! De publicatie van een besloten ronde: de toekenningen per deelplan (gemeente, CBS-code, deelplan,
//! deelgebied, bedrag, woningen per activiteit en eigendom, prioriteitsgebied) als CSV, JSON en XLSX; de tabel
//! voor de Kamerbrief (per gemeente, met totaal) als pagina om af te drukken of over te nemen, en als blad; en
//! het lege Excel-sjabloon van een aanvraag.
//!
//! Dezelfde cijfers als het dashboard: alles komt uit [`openbaar::kies`](super::openbaar) (de besloten
//! verdeling van de ronde en haar dossier), niets wordt hier opnieuw berekend behalve optellingen.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;
use vhf_core::aanvraag::Activiteit;
use vhf_core::regeling::Ronde;

use super::openbaar::{Stand, kies, openbaar};
use super::pagina::{Kader, euro, getal, html, lokaal};
use crate::server::AppState;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;
use crate::server::routes::{Basis, Route, Toegang};
use crate::spreadsheet::{Cel, Tabel, XLSX};

pub fn routes() -> Vec<Route> {
    vec![
        openbaar(
            "/openbaar/toekenningen.xlsx",
            "Open data: de toekenningen per gemeente en per deelplan en de tabel voor de Kamerbrief als XLSX (?ronde=)",
            &[(200, "XLSX"), (404, "onbekende ronde")],
            get(|s: State<AppState>, k: Query<Keuze>| async move { bestand(s, k, Formaat::Xlsx).await }),
        ),
        openbaar(
            "/openbaar/deelplannen.csv",
            "Open data: de toegekende deelplannen met deelgebied, bedrag en woningen per activiteit en eigendom als CSV (?ronde=)",
            &[(200, "CSV"), (404, "onbekende ronde")],
            get(|s: State<AppState>, k: Query<Keuze>| async move { bestand(s, k, Formaat::Csv).await }),
        ),
        openbaar(
            "/openbaar/deelplannen.json",
            "Open data: de toegekende deelplannen als JSON (?ronde=)",
            &[(200, "JSON"), (404, "onbekende ronde")],
            get(|s: State<AppState>, k: Query<Keuze>| async move { bestand(s, k, Formaat::Json).await }),
        ),
        openbaar(
            "/openbaar/kamerbrief",
            "De tabel van de toekenningen voor de brief aan de Kamer, per gemeente met totaal (?ronde=)",
            &[(200, "de pagina"), (404, "onbekende ronde")],
            get(kamerbrief),
        ),
        openbaar(
            "/openbaar/sjabloon-aanvraag.xlsx",
            "Het Excel-sjabloon van een aanvraag (leeg), dat het loket en vhf check weer lezen",
            &[(200, "XLSX")],
            get(sjabloon),
        ),
    ]
}

/// De route van de API: dezelfde publicatie, per ronde.
pub fn api_routes() -> Vec<Route> {
    vec![Route {
        methode: "GET",
        pad: "/rondes/{id}/toekenningen",
        samenvatting: "De toekenningen van de besloten verdeling van een ronde: per gemeente, per deelplan (deelgebied, bedrag, woningen per activiteit en eigendom, prioriteitsgebied) en de tabel voor de Kamerbrief; ?formaat=json (standaard), csv (de deelplannen) of xlsx",
        body: None,
        antwoorden: &[(200, "de toekenningen"), (404, "onbekende ronde"), (422, "onbekend formaat")],
        basis: Basis::Api,
        toegang: Toegang::Openbaar,
        handler: get(api),
    }]
}

#[derive(Deserialize)]
pub struct Keuze {
    ronde: Option<String>,
    formaat: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Formaat {
    Json,
    Csv,
    Xlsx,
}

const BRON: &str = "Volkshuisvestingsfonds (besloten verdeling); gemeentecodes en -namen 2021: Kadaster / CBS";

async fn api(s: State<AppState>, Path(id): Path<String>, Query(k): Query<Keuze>) -> Result<Response, ApiFout> {
    let formaat = match k.formaat.as_deref().unwrap_or("json") {
        "json" => Formaat::Json,
        "csv" => Formaat::Csv,
        "xlsx" => Formaat::Xlsx,
        f => return Err(ApiFout::Ongeldig { detail: format!("formaat '{f}' bestaat niet; kies json, csv of xlsx"), velden: vec![] }),
    };
    if Ronde::zoek(&id).is_none() {
        return Err(ApiFout::NietGevonden);
    }
    bestand(s, Query(Keuze { ronde: Some(id), formaat: None }), formaat).await
}

async fn bestand(State(s): State<AppState>, Query(k): Query<Keuze>, formaat: Formaat) -> Result<Response, ApiFout> {
    let (ronde, stand) = kies(&s, k.ronde.as_deref().filter(|r| !r.is_empty())).await?;
    let naam = format!("toekenningen-{ronde}");
    match formaat {
        Formaat::Json => Ok(axum::Json(als_json(&ronde, stand.as_deref())).into_response()),
        Formaat::Csv => {
            Ok(download("text/csv; charset=utf-8", &format!("{naam}-deelplannen.csv"), deelplantabel(&ronde, stand.as_deref()).naar_csv().into_bytes()))
        }
        Formaat::Xlsx => {
            let tabellen = [gemeentetabel(&ronde, stand.as_deref()), deelplantabel(&ronde, stand.as_deref()), kamertabel(&ronde, stand.as_deref())];
            let bytes = crate::spreadsheet::naar_xlsx(&tabellen).map_err(|e| ApiFout::Intern(format!("XLSX: {e}")))?;
            Ok(download(XLSX, &format!("{naam}.xlsx"), bytes))
        }
    }
}

pub fn download(soort: &str, naam: &str, bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, soort.to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{naam}\""))], bytes).into_response()
}

fn als_json(ronde: &str, st: Option<&Stand>) -> serde_json::Value {
    let deelplannen: Vec<serde_json::Value> = st
        .map(|st| {
            st.deelplannen
                .iter()
                .map(|d| {
                    let mut v = serde_json::to_value(d).expect("JSON");
                    if let Some((totaal, particulier)) = d.woningen_totaal() {
                        v["woningen_totaal"] = json!(totaal);
                        v["woningen_particulier"] = json!(particulier);
                    }
                    v
                })
                .collect()
        })
        .unwrap_or_default();
    let totaal: i64 = st.map(|st| st.deelplannen.iter().map(|d| d.bedrag_centen).sum()).unwrap_or(0);
    json!({
        "ronde": ronde,
        "verdeling": st.map(|s| s.verdeling.clone()),
        "besloten": st.is_some(),
        "besloten_op": st.and_then(|s| jiff::Timestamp::from_microsecond(s.besloten_op).ok()),
        "gemeenten": st.map(|s| s.rijen.clone()).unwrap_or_default(),
        "deelplannen": deelplannen,
        "totaal": vhf_core::geld::Bedrag::centen(totaal),
        "totaal_centen": totaal,
        "bron": BRON,
    })
}

fn onderschrift(ronde: &str, st: Option<&Stand>) -> Vec<String> {
    let mut v = vec![format!("Bron: {BRON}.")];
    match st {
        Some(st) => {
            v.push(format!(
                "Ronde {}; verdeling {}, besloten op {} (Europe/Amsterdam).",
                Ronde::zoek(ronde).map_or(ronde, |r| r.naam.as_str()),
                st.verdeling,
                lokaal(jiff::Timestamp::from_microsecond(st.besloten_op).unwrap_or_default())
            ));
            if st.deelplannen.iter().any(|d| d.woningen.is_none()) {
                v.push("Woningen per deelplan ontbreken voor een verdeling van vóór het verdeeldossier.".into());
            }
        }
        None => v.push(format!("Over ronde {ronde} is nog niet besloten: er zijn nog geen toekenningen.")),
    }
    v
}

fn gemeentetabel(ronde: &str, st: Option<&Stand>) -> Tabel {
    let mut t = Tabel::nieuw(
        "Gemeenten",
        format!("Toekenningen per gemeente — {}", rondenaam(ronde)),
        &["Ronde", "Gemeente", "CBS-code", "Bedrag", "Deelplannen toegekend", "Prioriteitsgebied"],
    );
    for r in st.map(|s| s.rijen.as_slice()).unwrap_or_default() {
        t.rij(vec![
            r.ronde.clone().into(),
            r.gemeente.clone().into(),
            r.cbs_code.clone().into(),
            Cel::Euro(r.centen),
            Cel::Geheel(r.deelplannen_toegekend as i64),
            r.prioriteitsgebied.clone().into(),
        ]);
    }
    t.onderschrift = onderschrift(ronde, st);
    t
}

fn rondenaam(ronde: &str) -> String {
    Ronde::zoek(ronde).map_or_else(|| ronde.to_string(), |r| r.naam.clone())
}

/// De kolomkoppen van de woningen: per activiteit de drie soorten eigendom.
fn woningkoppen() -> Vec<String> {
    let mut v = Vec::new();
    for a in Activiteit::ALLE {
        for e in ["eigenaar-bewoners", "particuliere verhuur", "corporatie"] {
            v.push(format!("{a}: {e}"));
        }
    }
    v
}

fn deelplantabel(ronde: &str, st: Option<&Stand>) -> Tabel {
    let mut koppen: Vec<String> = [
        "Ronde",
        "Gemeente (penvoerder)",
        "CBS-code",
        "Kenmerk",
        "Deelplan",
        "Naam",
        "Deelgebied: gemeente",
        "Deelgebied: CBS-code",
        "Deelgebied: PC4",
        "Prioriteitsgebied",
        "Uitkomst",
        "Bedrag",
        "Woningen",
        "waarvan particulier",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    koppen.extend(woningkoppen());
    let mut t = Tabel {
        blad: "Deelplannen".into(),
        titel: format!("Toegekende deelplannen — {}", rondenaam(ronde)),
        kolommen: koppen,
        rijen: vec![],
        onderschrift: onderschrift(ronde, st),
    };
    for d in st.map(|s| s.deelplannen.as_slice()).unwrap_or_default() {
        let (totaal, particulier) = d.woningen_totaal().unzip();
        let mut rij: Vec<Cel> = vec![
            d.ronde.clone().into(),
            d.gemeente.clone().into(),
            d.cbs_code.clone().into(),
            d.kenmerk.clone().into(),
            d.deelplan.clone().into(),
            d.naam.clone().into(),
            d.deelgebied_gemeente.clone().into(),
            d.deelgebied_cbs_code.clone().into(),
            d.pc4.join(" ").into(),
            d.prioriteitsgebied.clone().into(),
            d.uitkomst.clone().into(),
            Cel::Euro(d.bedrag_centen),
            totaal.map_or(Cel::Leeg, |n| Cel::Geheel(n as i64)),
            particulier.map_or(Cel::Leeg, |n| Cel::Geheel(n as i64)),
        ];
        for a in Activiteit::ALLE {
            let w = d.woningen.as_ref().map(|w| w.get(&a).copied().unwrap_or_default());
            for n in [w.map(|w| w.eigenaar_bewoner), w.map(|w| w.particuliere_verhuur), w.map(|w| w.corporatie)] {
                rij.push(n.map_or(Cel::Leeg, |n| Cel::Geheel(i64::from(n))));
            }
        }
        t.rij(rij);
    }
    t
}

/// Een regel van de tabel voor de Kamerbrief.
pub struct Kamerregel {
    pub gemeente: String,
    pub cbs_code: String,
    pub prioriteitsgebied: String,
    pub deelplannen: usize,
    pub woningen: Option<u64>,
    pub particulier: Option<u64>,
    pub centen: i64,
}

/// Per gemeente (penvoerder) de deelplannen, woningen en het bedrag; de laatste regel is het totaal.
fn kamerregels(st: Option<&Stand>) -> Vec<Kamerregel> {
    let Some(st) = st else { return vec![] };
    let mut v: Vec<Kamerregel> = st
        .rijen
        .iter()
        .map(|r| {
            let dps: Vec<_> = st.deelplannen.iter().filter(|d| d.cbs_code == r.cbs_code).collect();
            let tellingen: Option<Vec<(u64, u64)>> = dps.iter().map(|d| d.woningen_totaal()).collect();
            Kamerregel {
                gemeente: r.gemeente.clone(),
                cbs_code: r.cbs_code.clone(),
                prioriteitsgebied: r.prioriteitsgebied.clone().unwrap_or_default(),
                deelplannen: r.deelplannen_toegekend,
                woningen: tellingen.as_ref().map(|t| t.iter().map(|x| x.0).sum()),
                particulier: tellingen.as_ref().map(|t| t.iter().map(|x| x.1).sum()),
                centen: r.centen,
            }
        })
        .collect();
    let som = |f: fn(&Kamerregel) -> Option<u64>| v.iter().map(f).sum::<Option<u64>>();
    let totaal = Kamerregel {
        gemeente: "Totaal".into(),
        cbs_code: String::new(),
        prioriteitsgebied: String::new(),
        deelplannen: v.iter().map(|r| r.deelplannen).sum(),
        woningen: som(|r| r.woningen),
        particulier: som(|r| r.particulier),
        centen: v.iter().map(|r| r.centen).sum(),
    };
    v.push(totaal);
    v
}

fn kamertabel(ronde: &str, st: Option<&Stand>) -> Tabel {
    let mut t = Tabel::nieuw(
        "Kamerbrief",
        format!("Toekenningen Volkshuisvestingsfonds, {}", rondenaam(ronde)),
        &["Gemeente", "CBS-code", "Prioriteitsgebied", "Deelplannen", "Woningen", "waarvan particulier", "Bedrag"],
    );
    for r in kamerregels(st) {
        let n = |x: Option<u64>| x.map_or(Cel::Leeg, |n| Cel::Geheel(n as i64));
        t.rij(vec![
            r.gemeente.into(),
            r.cbs_code.into(),
            r.prioriteitsgebied.into(),
            Cel::Geheel(r.deelplannen as i64),
            n(r.woningen),
            n(r.particulier),
            Cel::Euro(r.centen),
        ]);
    }
    t.onderschrift = onderschrift(ronde, st);
    t
}

#[derive(Template)]
#[template(path = "openbaar/kamerbrief.html")]
struct Kamerbrief {
    kader: Kader,
    ronde: String,
    ronde_naam: String,
    rondes: Vec<(String, String, bool)>,
    besloten: bool,
    /// (gemeente, CBS-code, gebied, deelplannen, woningen, particulier, bedrag)
    regels: Vec<[String; 7]>,
    totaal: Option<[String; 7]>,
    onderschrift: Vec<String>,
}

async fn kamerbrief(State(s): State<AppState>, ident: Identiteit, Query(k): Query<Keuze>) -> Result<Response, ApiFout> {
    let (ronde, stand): (String, Option<Arc<Stand>>) = kies(&s, k.ronde.as_deref().filter(|r| !r.is_empty())).await?;
    let mut regels: Vec<[String; 7]> = kamerregels(stand.as_deref())
        .into_iter()
        .map(|r| {
            let n = |x: Option<u64>| x.map_or_else(|| "–".to_string(), getal);
            [r.gemeente, r.cbs_code, r.prioriteitsgebied, r.deelplannen.to_string(), n(r.woningen), n(r.particulier), euro(r.centen)]
        })
        .collect();
    let totaal = regels.pop();
    let pagina = Kamerbrief {
        kader: Kader::nieuw(&s, &ident, "Tabel voor de Kamerbrief", "/openbaar/kamerbrief"),
        ronde_naam: rondenaam(&ronde),
        rondes: Ronde::ingebouwd().iter().map(|r| (r.id.clone(), r.naam.clone(), r.id == ronde)).collect(),
        besloten: stand.is_some(),
        regels,
        totaal,
        onderschrift: onderschrift(&ronde, stand.as_deref()),
        ronde,
    };
    Ok(html(StatusCode::OK, &pagina))
}

async fn sjabloon() -> Result<Response, ApiFout> {
    let bytes = crate::spreadsheet::aanvraag::sjabloon(None).map_err(|e| ApiFout::Intern(format!("XLSX: {e}")))?;
    Ok(download(XLSX, "sjabloon-aanvraag-vhf.xlsx", bytes))
}
