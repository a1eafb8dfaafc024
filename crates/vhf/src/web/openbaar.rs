//! Het publieke dashboard (zonder inloggen, op `/`): per ronde de besloten toekenningen op de kaart van
//! Nederland, in een toegankelijke tabel ernaast, de totalen (gevraagd en toegekend, woningen, aandeel
//! particulier), een grafiek per soort prioriteitsgebied en per activiteit, en dezelfde cijfers als open data
//! (CSV en JSON). Alles op de server getekend (SVG), dus zonder JavaScript en af te drukken.
//!
//! De cijfers komen uit de besloten verdeling van de ronde (`verdelingen.resultaat`, gemaakt door de kern en
//! bij het besluit bevroren): het dashboard rekent niets opnieuw uit. Een besloten verdeling verandert niet,
//! dus haar stand wordt per verdeling één keer opgebouwd en bewaard.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock, Mutex};

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use vhf_core::aanvraag::Activiteit;
use vhf_core::codes::GemeenteCode;
use vhf_core::geld::Bedrag;
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;

use super::kaart;
use super::pagina::{Kader, euro, getal, html, lokaal};
use crate::server::AppState;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;
use crate::server::routes::{Basis, Route, Toegang};

/// Een openbare pagina of open-databestand (GET, zonder inloggen).
pub(crate) fn openbaar(
    pad: &'static str,
    samenvatting: &'static str,
    antwoorden: &'static [(u16, &'static str)],
    handler: axum::routing::MethodRouter<AppState>,
) -> Route {
    Route { methode: "GET", pad, samenvatting, body: None, antwoorden, basis: Basis::Web, toegang: Toegang::Openbaar, handler }
}

pub fn routes() -> Vec<Route> {
    vec![
        openbaar("/", "Publiek dashboard: toekenningen per gemeente op de kaart, totalen en grafieken (?ronde=)", &[(200, "de pagina")], get(dashboard)),
        openbaar(
            "/openbaar/toekenningen.csv",
            "Open data: de besloten toekenningen per gemeente als CSV (?ronde=)",
            &[(200, "CSV"), (404, "onbekende ronde")],
            get(csv),
        ),
        openbaar(
            "/openbaar/toekenningen.json",
            "Open data: de besloten toekenningen per gemeente als JSON (?ronde=)",
            &[(200, "JSON"), (404, "onbekende ronde")],
            get(json),
        ),
        openbaar("/toegankelijkheid", "Toegankelijkheidsverklaring", &[(200, "de pagina")], get(toegankelijkheid)),
    ]
}

/// Eén gemeente met een toekenning.
#[derive(Clone, Serialize)]
pub struct Toekenningsrij {
    pub ronde: String,
    pub gemeente: String,
    pub cbs_code: String,
    /// In centen; `bedrag` is hetzelfde als tekst met twee decimalen.
    #[serde(skip)]
    pub centen: i64,
    pub bedrag: Bedrag,
    pub deelplannen_toegekend: usize,
    /// Het prioriteitsgebied van de lijst van de ronde waarin de gemeente ligt (of een deel ervan), als dat zo is.
    pub prioriteitsgebied: Option<String>,
}

/// Eén toegekend deelplan: wie, waar, hoeveel, en de woningen per activiteit en eigendom.
#[derive(Clone, Serialize)]
pub struct Deelplanrij {
    pub ronde: String,
    /// De penvoerder die de uitkering ontvangt.
    pub gemeente: String,
    pub cbs_code: String,
    pub kenmerk: String,
    pub deelplan: String,
    pub naam: String,
    /// De gemeente waarin het deelgebied ligt, met haar CBS-code, en de postcodegebieden.
    pub deelgebied_gemeente: String,
    pub deelgebied_cbs_code: String,
    pub pc4: Vec<String>,
    /// Het prioriteitsgebied dat de verdeling gebruikte (zoals RVO het vaststelde).
    pub prioriteitsgebied: Option<String>,
    pub uitkomst: String,
    pub bedrag: Bedrag,
    pub bedrag_centen: i64,
    /// Per activiteit (renovatie, …) de woningen per eigendom; `None` als de verdeling geen dossier heeft.
    pub woningen: Option<BTreeMap<Activiteit, vhf_core::aanvraag::Woningen>>,
}

impl Deelplanrij {
    pub fn woningen_totaal(&self) -> Option<(u64, u64)> {
        self.woningen.as_ref().map(|w| (w.values().map(|x| x.totaal()).sum(), w.values().map(|x| x.particulier()).sum()))
    }
}

/// Wat het dashboard van één besloten verdeling toont.
pub struct Stand {
    pub ronde: String,
    pub verdeling: String,
    pub besloten_op: i64,
    pub rijen: Vec<Toekenningsrij>,
    /// De toegekende deelplannen, op gemeente en kenmerk.
    pub deelplannen: Vec<Deelplanrij>,
    pub gevraagd: i64,
    pub toegekend: i64,
    pub plafond: i64,
    pub woningen: u64,
    pub particulier: u64,
    pub aandeel_particulier: String,
    /// (omschrijving, centen) per soort gebied.
    pub per_gebied: Vec<(String, i64)>,
    /// (activiteit, woningen).
    pub per_activiteit: Vec<(String, u64)>,
}

fn centen(v: &Value) -> i64 {
    v.as_str().and_then(|s| Bedrag::parse(s).ok()).map(|b| b.in_centen()).unwrap_or(0)
}

/// Bouwt de stand uit het bewaarde resultaat van een besloten verdeling en, als die er is, haar dossier (de
/// aanvragen zoals ze verdeeld zijn, voor de woningen per deelplan).
fn stand(verdeling: &str, ronde: &str, besloten_op: i64, resultaat: &str, dossier: Option<&str>) -> Result<Stand, String> {
    let r: Value = serde_json::from_str(resultaat).map_err(|e| format!("resultaat van {verdeling}: {e}"))?;
    let invoer: Option<vhf_core::verdeling::Verdeelinvoer> = match dossier {
        None => None,
        Some(d) => {
            let v: Value = serde_json::from_str(d).map_err(|e| format!("dossier van {verdeling}: {e}"))?;
            Some(serde_json::from_value(v["invoer"].clone()).map_err(|e| format!("dossier van {verdeling}: {e}"))?)
        }
    };
    let deelplannen = deelplanrijen(ronde, &r, invoer.as_ref());
    let lijst = Ronde::zoek(ronde).map(|x| x.parameters_op(jiff::Timestamp::from_microsecond(besloten_op).unwrap_or_default()).prioriteitslijst.waarde.clone());
    let gebieden = gebieden_per_gemeente(lijst.as_deref());
    let mut per_gemeente: BTreeMap<String, usize> = BTreeMap::new();
    for d in r["deelplannen"].as_array().into_iter().flatten() {
        if centen(&d["toegekend"]) > 0
            && let Some(p) = d["penvoerder"].as_str()
        {
            *per_gemeente.entry(p.to_string()).or_default() += 1;
        }
    }
    let mut rijen: Vec<Toekenningsrij> = Vec::new();
    // De lijst van uitkeringen (of, bij een verdeling van vóór die vorm, de map van CBS-code naar bedrag).
    for (code, bedrag) in vhf_core::uitslag::uitkeringen_uit(&r) {
        let c = centen(&Value::String(bedrag));
        let Ok(gm) = GemeenteCode::parse(&code) else { continue };
        if c <= 0 {
            continue;
        }
        rijen.push(Toekenningsrij {
            ronde: ronde.to_string(),
            gemeente: Referentie::ingebouwd().gemeentenaam(gm),
            centen: c,
            bedrag: Bedrag::centen(c),
            deelplannen_toegekend: per_gemeente.get(&code).copied().unwrap_or(0),
            prioriteitsgebied: gebieden.get(&code).cloned(),
            cbs_code: code,
        });
    }
    rijen.sort_by(|a, b| a.gemeente.cmp(&b.gemeente));
    let t = &r["totalen"];
    let w = &t["woningen"];
    let aantal = |k: &str| w[k].as_u64().unwrap_or(0);
    let particulier = aantal("eigenaar_bewoner") + aantal("particuliere_verhuur");
    let per_activiteit = Activiteit::ALLE
        .iter()
        .map(|a| {
            let sleutel = serde_json::to_value(a).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            (a.naam().to_string(), t["woningen_per_activiteit"][&sleutel].as_u64().unwrap_or(0))
        })
        .collect();
    let g = &t["per_gebied"];
    Ok(Stand {
        ronde: ronde.to_string(),
        verdeling: verdeling.to_string(),
        besloten_op,
        rijen,
        deelplannen,
        gevraagd: centen(&t["gevraagd_door_kandidaten"]),
        toegekend: centen(&t["toegekend"]),
        plafond: centen(&t["plafond"]),
        woningen: particulier + aantal("corporatie"),
        particulier,
        aandeel_particulier: t["aandeel_particulier"].as_str().map(|p| p.replace('.', ",")).unwrap_or_else(|| "–".into()),
        per_gebied: vec![
            ("stedelijke prioriteitsgebieden".into(), centen(&g["stedelijk"])),
            ("grens- en krimpregio's".into(), centen(&g["regio"])),
            ("elders".into(), centen(&g["elders"])),
        ],
        per_activiteit,
    })
}

/// De toegekende deelplannen uit het resultaat, met hun deelgebied en woningen uit de verdeelde aanvragen.
fn deelplanrijen(ronde: &str, r: &Value, invoer: Option<&vhf_core::verdeling::Verdeelinvoer>) -> Vec<Deelplanrij> {
    let tekst = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut uit: Vec<Deelplanrij> = r["deelplannen"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let c = d["toegekend_centen"].as_i64().unwrap_or_else(|| centen(&d["toegekend"]));
            if c <= 0 {
                return None;
            }
            let penvoerder = tekst(&d["penvoerder"]);
            let (kenmerk, id) = (tekst(&d["kenmerk"]), tekst(&d["deelplan"]));
            let dp = invoer.and_then(|i| {
                i.aanvragen
                    .iter()
                    .filter(|a| a.kenmerk == kenmerk && a.penvoerder().is_some_and(|p| p.to_string() == penvoerder))
                    .find_map(|a| a.deelplannen.iter().find(|x| x.id == id))
            });
            let woningen = dp.map(|dp| {
                let mut w: BTreeMap<Activiteit, vhf_core::aanvraag::Woningen> = BTreeMap::new();
                for m in &dp.maatregelen {
                    let t = w.entry(m.activiteit).or_default();
                    t.eigenaar_bewoner = t.eigenaar_bewoner.saturating_add(m.woningen.eigenaar_bewoner);
                    t.particuliere_verhuur = t.particuliere_verhuur.saturating_add(m.woningen.particuliere_verhuur);
                    t.corporatie = t.corporatie.saturating_add(m.woningen.corporatie);
                }
                w
            });
            let naam = |code: &str| GemeenteCode::parse(code).map(|c| Referentie::ingebouwd().gemeentenaam(c)).unwrap_or_else(|_| code.to_string());
            let deelgebied = d["gemeente"].as_str().map(String::from).or_else(|| dp.map(|x| x.deelgebied.gemeente.to_string())).unwrap_or_default();
            Some(Deelplanrij {
                ronde: ronde.to_string(),
                gemeente: naam(&penvoerder),
                cbs_code: penvoerder,
                kenmerk,
                deelplan: id,
                naam: tekst(&d["naam"]),
                deelgebied_gemeente: naam(&deelgebied),
                deelgebied_cbs_code: deelgebied,
                pc4: dp.map(|x| x.deelgebied.pc4.iter().map(ToString::to_string).collect()).unwrap_or_default(),
                prioriteitsgebied: d["prioriteit"]["gebied"]["naam"].as_str().map(String::from),
                uitkomst: d["uitkomst"]
                    .as_str()
                    .and_then(|u| serde_json::from_value::<vhf_core::verdeling::Uitkomst>(Value::String(u.into())).ok())
                    .map_or_else(|| tekst(&d["uitkomst"]), |u| u.omschrijving().to_string()),
                bedrag: Bedrag::centen(c),
                bedrag_centen: c,
                woningen,
            })
        })
        .collect();
    uit.sort_by(|a, b| (&a.gemeente, &a.kenmerk, &a.deelplan).cmp(&(&b.gemeente, &b.kenmerk, &b.deelplan)));
    uit
}

/// Gemeente (CBS-code) → naam van het prioriteitsgebied op deze lijst.
fn gebieden_per_gemeente(lijst: Option<&str>) -> BTreeMap<String, String> {
    let mut uit = BTreeMap::new();
    for gebied in lijst.and_then(|l| Referentie::ingebouwd().lijst(l)).into_iter().flat_map(|m| m.values()) {
        for gm in gebied.gemeenten.keys() {
            uit.entry(gm.to_string()).or_insert_with(|| gebied.naam.clone());
        }
    }
    uit
}

/// Besloten verdelingen veranderen niet: hun stand per verdeling-id één keer opbouwen.
static STANDEN: LazyLock<Mutex<HashMap<String, Arc<Stand>>>> = LazyLock::new(Default::default);

#[derive(Deserialize)]
struct Keuze {
    ronde: Option<String>,
}

/// De gekozen ronde (of de ronde van het laatste besluit, anders de eerste ingebouwde) en haar stand, als er al
/// besloten is.
pub(crate) async fn kies(s: &AppState, ronde: Option<&str>) -> Result<(String, Option<Arc<Stand>>), ApiFout> {
    if let Some(r) = ronde
        && Ronde::zoek(r).is_none()
    {
        return Err(ApiFout::NietGevonden);
    }
    let mut c = s.db.lees().await?;
    let besloten = crate::db::verdeling::besloten(&mut c).await?;
    let gekozen = ronde.map(String::from).or_else(|| besloten.first().map(|b| b.1.clone())).unwrap_or_else(|| Ronde::ingebouwd()[0].id.clone());
    let Some((id, _, op)) = besloten.into_iter().find(|b| b.1 == gekozen) else { return Ok((gekozen, None)) };
    if let Some(st) = STANDEN.lock().expect("slot").get(&id) {
        return Ok((gekozen, Some(st.clone())));
    }
    let v = crate::db::verdeling::verdeling(&mut c, &id).await?.ok_or(ApiFout::NietGevonden)?;
    let dossier = crate::db::verdeling::dossier(&mut c, &id).await?;
    let st = Arc::new(stand(&id, &gekozen, op, &v.resultaat, dossier.as_deref()).map_err(ApiFout::Intern)?);
    STANDEN.lock().expect("slot").insert(id, st.clone());
    Ok((gekozen, Some(st)))
}

/// Eén gemeente op de kaart, klaar voor het sjabloon.
pub struct Kaartvlak {
    pub code: &'static str,
    pub d: &'static str,
    pub klasse: usize,
    /// "Zaanstad: € 1.250.000,00" of "Texel: geen toekenning".
    pub label: String,
    pub toegekend: bool,
}

/// Een staaf van een grafiek: label, waarde als tekst, breedte en y in de viewBox.
pub struct Staaf {
    pub label: String,
    pub waarde: String,
    pub breedte: u32,
    pub y: u32,
}

fn staven(waarden: &[(String, i64)], tekst: impl Fn(i64) -> String) -> Vec<Staaf> {
    let hoogste = waarden.iter().map(|w| w.1).max().unwrap_or(0).max(1);
    waarden
        .iter()
        .enumerate()
        .map(|(i, (label, w))| Staaf {
            label: label.clone(),
            waarde: tekst(*w),
            breedte: u32::try_from((*w).max(0) * 200 / hoogste).unwrap_or(0),
            y: u32::try_from(i).unwrap_or(0) * 34,
        })
        .collect()
}

static KAART: LazyLock<kaart::Kaart> = LazyLock::new(|| kaart::laad().expect("de ingebouwde kaart is geldig (getest)"));

#[derive(Template)]
#[template(path = "openbaar/dashboard.html")]
struct Dashboard {
    kader: Kader,
    rondes: Vec<(String, String, bool)>,
    ronde_naam: String,
    ronde: String,
    stand: Option<Arc<Stand>>,
    besloten_op: String,
    breedte: u32,
    hoogte: u32,
    vlakken: Vec<Kaartvlak>,
    /// Paden van de gemeenten in een prioriteitsgebied, voor de omlijning.
    prioriteit: Vec<&'static str>,
    legenda: Vec<(usize, String)>,
    gebied_staven: Vec<Staaf>,
    activiteit_staven: Vec<Staaf>,
    gevraagd: String,
    toegekend: String,
    plafond: String,
    woningen: String,
    particulier: String,
    gemeenten: usize,
}

impl Dashboard {
    fn euro(&self, c: &i64) -> String {
        euro(*c)
    }
}

async fn dashboard(State(s): State<AppState>, ident: Identiteit, Query(k): Query<Keuze>) -> Result<Response, ApiFout> {
    let (ronde, stand) = kies(&s, k.ronde.as_deref().filter(|r| !r.is_empty())).await?;
    let mut kader = Kader::nieuw(&s, &ident, "Dashboard", "/");
    kader.met_kaart = true;
    let bedragen: BTreeMap<&str, i64> = stand.iter().flat_map(|st| st.rijen.iter().map(|r| (r.cbs_code.as_str(), r.centen))).collect();
    let alle: Vec<i64> = bedragen.values().copied().collect();
    let grenzen = kaart::grenzen(&alle, 5);
    let legenda: Vec<(usize, String)> = kaart::legenda(&grenzen).into_iter().enumerate().collect();
    let vlakken = KAART
        .vlakken
        .iter()
        .map(|v| {
            let c = bedragen.get(v.code.as_str()).copied().unwrap_or(0);
            Kaartvlak {
                code: &v.code,
                d: &v.d,
                klasse: kaart::klasse(c, &grenzen),
                label: if c > 0 { format!("{}: {}", v.naam, euro(c)) } else { format!("{}: geen toekenning", v.naam) },
                toegekend: c > 0,
            }
        })
        .collect();
    let lijst = Ronde::zoek(&ronde).map(|r| r.parameters_op((s.klok)()).prioriteitslijst.waarde.clone());
    let gebieden = gebieden_per_gemeente(lijst.as_deref());
    let prioriteit = KAART.vlakken.iter().filter(|v| gebieden.contains_key(&v.code)).map(|v| v.d.as_str()).collect();
    let (gebied_staven, activiteit_staven) = match &stand {
        Some(st) => (
            staven(&st.per_gebied, euro),
            staven(&st.per_activiteit.iter().map(|(a, n)| (a.clone(), i64::try_from(*n).unwrap_or(i64::MAX))).collect::<Vec<_>>(), |n| {
                format!("{} woningen", getal(u64::try_from(n).unwrap_or(0)))
            }),
        ),
        None => (vec![], vec![]),
    };
    let ronde_naam = Ronde::zoek(&ronde).map(|r| r.naam.clone()).unwrap_or_else(|| ronde.clone());
    let pagina = Dashboard {
        kader,
        rondes: Ronde::ingebouwd().iter().map(|r| (r.id.clone(), r.naam.clone(), r.id == ronde)).collect(),
        ronde_naam,
        besloten_op: stand.as_ref().map(|st| lokaal(jiff::Timestamp::from_microsecond(st.besloten_op).unwrap_or_default())).unwrap_or_default(),
        gevraagd: stand.as_ref().map(|st| euro(st.gevraagd)).unwrap_or_default(),
        toegekend: stand.as_ref().map(|st| euro(st.toegekend)).unwrap_or_default(),
        plafond: stand.as_ref().map(|st| euro(st.plafond)).unwrap_or_default(),
        woningen: stand.as_ref().map(|st| getal(st.woningen)).unwrap_or_default(),
        particulier: stand.as_ref().map(|st| format!("{} ({})", getal(st.particulier), st.aandeel_particulier)).unwrap_or_default(),
        gemeenten: stand.as_ref().map(|st| st.rijen.len()).unwrap_or(0),
        ronde,
        stand,
        breedte: KAART.breedte,
        hoogte: KAART.hoogte,
        vlakken,
        prioriteit,
        legenda,
        gebied_staven,
        activiteit_staven,
    };
    Ok(html(StatusCode::OK, &pagina))
}

/// De rijen voor de open data: dezelfde als de tabel van het dashboard.
async fn rijen(s: &AppState, k: &Keuze) -> Result<(String, Vec<Toekenningsrij>, Option<String>), ApiFout> {
    let (ronde, stand) = kies(s, k.ronde.as_deref().filter(|r| !r.is_empty())).await?;
    let verdeling = stand.as_ref().map(|st| st.verdeling.clone());
    Ok((ronde, stand.map(|st| st.rijen.clone()).unwrap_or_default(), verdeling))
}

async fn csv(State(s): State<AppState>, Query(k): Query<Keuze>) -> Result<Response, ApiFout> {
    let (ronde, rijen, _) = rijen(&s, &k).await?;
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let fout = |e: ::csv::Error| ApiFout::Intern(e.to_string());
    w.write_record(["ronde", "gemeente", "cbs_code", "bedrag", "deelplannen_toegekend", "prioriteitsgebied"]).map_err(fout)?;
    for r in &rijen {
        let n = r.deelplannen_toegekend.to_string();
        let b = serde_json::to_value(r.bedrag).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
        w.write_record([r.ronde.as_str(), &r.gemeente, &r.cbs_code, &b, &n, r.prioriteitsgebied.as_deref().unwrap_or("")]).map_err(fout)?;
    }
    let bytes = w.into_inner().map_err(|e| ApiFout::Intern(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"toekenningen-{ronde}.csv\"")),
        ],
        bytes,
    )
        .into_response())
}

async fn json(State(s): State<AppState>, Query(k): Query<Keuze>) -> Result<Response, ApiFout> {
    let (ronde, rijen, verdeling) = rijen(&s, &k).await?;
    Ok(axum::Json(serde_json::json!({
        "ronde": ronde,
        "verdeling": verdeling,
        "besloten": verdeling.is_some(),
        "data": rijen,
        "bron": "Volkshuisvestingsfonds (besloten verdeling); gemeentecodes 2021: Kadaster / CBS",
    }))
    .into_response())
}

#[derive(Template)]
#[template(path = "openbaar/toegankelijkheid.html")]
struct Toegankelijkheid {
    kader: Kader,
}

async fn toegankelijkheid(State(s): State<AppState>, ident: Identiteit) -> Response {
    html(StatusCode::OK, &Toegankelijkheid { kader: Kader::nieuw(&s, &ident, "Toegankelijkheidsverklaring", "/toegankelijkheid") })
}

#[cfg(test)]
mod tests {
    #[test]
    fn stand_uit_een_resultaat() {
        let r = serde_json::json!({
            "deelplannen": [
                { "penvoerder": "GM0479", "toegekend": "100.00" },
                { "penvoerder": "GM0479", "toegekend": "50.00" },
                { "penvoerder": "GM0363", "toegekend": "0.00" },
            ],
            "uitkeringen": { "GM0479": "150.00", "GM0363": "0.00" },
            "totalen": {
                "gevraagd_door_kandidaten": "400.00", "toegekend": "150.00", "plafond": "200.00",
                "woningen": { "eigenaar_bewoner": 3, "particuliere_verhuur": 2, "corporatie": 5 },
                "aandeel_particulier": "50.00%",
                "woningen_per_activiteit": { "renovatie": 7, "sloop_nieuwbouw": 3 },
                "per_gebied": { "stedelijk": "100.00", "regio": "0.00", "elders": "50.00" },
            },
        });
        let st = super::stand("VD1", "vhf-2021", 0, &r.to_string(), None).unwrap();
        // Zoals verdelingen nu bewaard worden: de uitkeringen als lijst met CBS-code (schema/verdeelresultaat.schema.json).
        let mut nieuw = r.clone();
        nieuw["uitkeringen"] = serde_json::json!([
            { "gemeente": "GM0479", "naam": "Zaanstad", "bedrag": "150.00", "bedrag_centen": 15000, "deelplannen": 2 },
        ]);
        let st2 = super::stand("VD1", "vhf-2021", 0, &nieuw.to_string(), None).unwrap();
        assert_eq!((st2.rijen.len(), st2.rijen[0].cbs_code.as_str(), st2.rijen[0].centen), (1, "GM0479", 15000));
        assert_eq!(st.rijen.len(), 1, "een gemeente zonder toekenning staat niet in de lijst");
        assert_eq!((st.rijen[0].cbs_code.as_str(), st.rijen[0].centen, st.rijen[0].deelplannen_toegekend), ("GM0479", 15000, 2));
        assert_eq!(st.rijen[0].gemeente, "Zaanstad");
        assert_eq!((st.gevraagd, st.toegekend, st.woningen, st.particulier), (40000, 15000, 10, 5));
        assert_eq!(st.aandeel_particulier, "50,00%");
        assert_eq!(st.per_activiteit.iter().map(|a| a.1).sum::<u64>(), 10);
        assert_eq!(st.per_gebied[0].1, 10000);
    }

    #[test]
    fn staven_naar_verhouding() {
        let s = super::staven(&[("a".into(), 50), ("b".into(), 100), ("c".into(), 0)], |n| n.to_string());
        assert_eq!(s.iter().map(|x| x.breedte).collect::<Vec<_>>(), vec![100, 200, 0]);
        assert_eq!(s[2].y, 68);
    }
}
