//! De werkvoorraad van de behandelaar (RVO): alle aanvragen met filters (ronde, status, gemeente) en sortering,
//! per pagina, met de zaakpagina als dossier (`web/aanvragen.rs`), en één actie voor veel aanvragen tegelijk:
//! de gekozen aanvragen naar een nieuwe status (ontvankelijk, in beoordeling, beoordeeld, …). Elke aanvraag gaat daarbij afzonderlijk door dezelfde
//! handeling als de API (eigen versiecontrole, eigen statusovergang met reden, eigen auditregel); wat niet kan
//! (een andere status, intussen gewijzigd), wordt overgeslagen en gemeld, de rest gaat door.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use vhf_core::levensloop::Status;
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;

use super::aanvragen::{Lijstrij, Paginering, lijstrij, naar};
use super::formulier::Formulier;
use super::pagina::{Kader, html};
use crate::db::aanvragen::{self as db, Werkfilter};
use crate::handelingen::Verzoek;
use crate::handelingen::aanvragen::{self as handeling, Versie};
use crate::server::AppState;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;
use crate::server::routes::{Auditor, Basis, Behandelaar, Beslisser, Route, Toegang};

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            methode: "GET",
            pad: "/behandeling",
            samenvatting: "Werkvoorraad: aanvragen met filters (?ronde, ?status, ?gemeente, ?bevinding, ?prioriteit, ?sorteer, ?pagina)",
            body: None,
            antwoorden: &[(200, "de pagina")],
            basis: Basis::Web,
            toegang: Toegang::Rollen(&[Behandelaar, Beslisser, Auditor]),
            handler: get(werkvoorraad),
        },
        Route {
            methode: "GET",
            pad: "/behandeling/werkvoorraad.xlsx",
            samenvatting: "De werkvoorraad met dezelfde filters als XLSX (alle pagina's; bedragen als getal in euro's)",
            body: None,
            antwoorden: &[(200, "XLSX")],
            basis: Basis::Web,
            toegang: Toegang::Rollen(&[Behandelaar, Beslisser, Auditor]),
            handler: get(|s: State<AppState>, i: Identiteit, k: Query<Keuze>| async move { werklijst(s, i, k, true).await }),
        },
        Route {
            methode: "GET",
            pad: "/behandeling/werkvoorraad.csv",
            samenvatting: "De werkvoorraad met dezelfde filters als CSV (alle pagina's)",
            body: None,
            antwoorden: &[(200, "CSV")],
            basis: Basis::Web,
            toegang: Toegang::Rollen(&[Behandelaar, Beslisser, Auditor]),
            handler: get(|s: State<AppState>, i: Identiteit, k: Query<Keuze>| async move { werklijst(s, i, k, false).await }),
        },
        Route {
            methode: "POST",
            pad: "/behandeling/statusovergang",
            samenvatting: "De gekozen aanvragen naar één nieuwe status (ontvankelijk, in beoordeling, beoordeeld, …), elk met eigen statusovergang en auditregel",
            body: None,
            antwoorden: &[(303, "verwerkt, terug naar de werkvoorraad met de uitkomst")],
            basis: Basis::Web,
            toegang: Toegang::Rollen(&[Behandelaar]),
            handler: axum::routing::post(statusovergang),
        },
    ]
}

const PER_PAGINA: i64 = 50;

#[derive(Deserialize, Default)]
struct Keuze {
    ronde: Option<String>,
    status: Option<String>,
    gemeente: Option<String>,
    bevinding: Option<String>,
    prioriteit: Option<String>,
    sorteer: Option<String>,
    pagina: Option<i64>,
    verwerkt: Option<usize>,
    naar: Option<String>,
    overgeslagen: Option<String>,
}

#[derive(Template)]
#[template(path = "behandeling/werkvoorraad.html")]
struct Werkvoorraad {
    kader: Kader,
    /// (rij, gemeente, versie, fouten en waarschuwingen, prioriteitsgebied)
    rijen: Vec<(Lijstrij, String, i64, String, String)>,
    bevindingen: Vec<(String, String)>,
    prioriteiten: Vec<(String, String)>,
    paginering: Paginering,
    rondes: Vec<(String, String)>,
    statussen: Vec<(String, String)>,
    gemeenten: Vec<(String, String)>,
    filter: Werkfilter,
    op_kenmerk: bool,
    /// Mag deze gebruiker de bulkactie doen (behandelaar)?
    bulk: bool,
    uitkomst: Option<(usize, Vec<String>)>,
    /// Naar welke status de laatste bulkactie ging.
    uitkomst_status: String,
    bulkstatussen: Vec<(String, String)>,
    sleutel: String,
    /// De filters als zoekdeel van een adres, voor de export van deze selectie.
    zoek: String,
}

fn urlcodeer(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Het filter van de werkvoorraad uit de keuzes van het formulier (een onbekende keuze telt niet).
fn filter_van(k: &Keuze) -> Werkfilter {
    Werkfilter {
        ronde: k.ronde.clone().unwrap_or_default(),
        status: k.status.clone().unwrap_or_default(),
        gemeente: k.gemeente.clone().unwrap_or_default(),
        bevinding: k.bevinding.clone().filter(|b| bevindingfilters().iter().any(|(c, _)| c == b)).unwrap_or_default(),
        prioriteit: k.prioriteit.clone().filter(|p| prioriteitsfilters().iter().any(|(c, _)| c == p)).unwrap_or_default(),
    }
}

/// Zoveel aanvragen hoogstens in één export (een ronde heeft er enkele honderden).
const MAX_EXPORT: i64 = 100_000;

/// De werkvoorraad met dezelfde filters en hetzelfde zicht als de pagina, als rekenblad of CSV.
async fn werklijst(State(s): State<AppState>, ident: Identiteit, Query(k): Query<Keuze>, xlsx: bool) -> Result<Response, ApiFout> {
    use crate::spreadsheet::{Cel, Tabel};
    let g = ident.gebruiker()?;
    let filter = filter_van(&k);
    let op_kenmerk = k.sorteer.as_deref() == Some("kenmerk");
    let mut c = s.db.lees().await?;
    let (rijen, _) = db::werkvoorraad(&mut c, &filter, &g.zicht(), op_kenmerk, 1, MAX_EXPORT, true).await?;
    let mut t = Tabel::nieuw(
        "Werkvoorraad",
        "Werkvoorraad Volkshuisvestingsfonds",
        &[
            "Kenmerk",
            "Ronde",
            "Penvoerder",
            "CBS-code",
            "Status",
            "Deelplannen",
            "Gevraagd",
            "Fouten",
            "Waarschuwingen",
            "Prioriteitsgebied",
            "Gewijzigd op",
            "Id",
        ],
    );
    let naam = |code: &str| vhf_core::codes::GemeenteCode::parse(code).map(|c| Referentie::ingebouwd().gemeentenaam(c)).unwrap_or_else(|_| code.to_string());
    let zone = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or(jiff::tz::TimeZone::UTC);
    for (r, toets) in &rijen {
        // Het gevraagde bedrag zoals de kengetallen het noemen: per deelplan bijdrage fysiek + projectkosten.
        let a: Option<vhf_core::aanvraag::Aanvraag> = serde_json::from_str(&r.inhoud).ok();
        let gevraagd = a.as_ref().and_then(|a| {
            a.deelplannen.iter().try_fold(vhf_core::geld::Bedrag::NUL, |som, d| som.plus(d.bijdrage_fysiek).and_then(|x| x.plus(d.projectkosten)).ok())
        });
        t.rij(vec![
            r.kenmerk.clone().into(),
            r.ronde.clone().into(),
            naam(&r.penvoerder).into(),
            r.penvoerder.clone().into(),
            r.status.to_string().into(),
            a.as_ref().map_or(Cel::Leeg, |a| Cel::Geheel(a.deelplannen.len() as i64)),
            gevraagd.map_or(Cel::Leeg, |b| Cel::Euro(b.in_centen())),
            toets.as_ref().map_or(Cel::Leeg, |t| Cel::Geheel(t.fouten)),
            toets.as_ref().map_or(Cel::Leeg, |t| Cel::Geheel(t.waarschuwingen)),
            toets.as_ref().map(|t| t.gebieden.iter().map(|g| gebiedsnaam(g)).collect::<Vec<_>>().join(", ")).into(),
            jiff::Timestamp::from_microsecond(r.gewijzigd_op).map_or(Cel::Leeg, |t| Cel::Datum(t.to_zoned_datetime(zone.clone()).date())),
            r.id.clone().into(),
        ]);
    }
    t.onderschrift = vec![
        format!(
            "Filter: ronde {}, status {}, gemeente {}, bevindingen {}, prioriteit {}; {} aanvragen.",
            leeg_is_alle(&filter.ronde),
            leeg_is_alle(&filter.status),
            leeg_is_alle(&filter.gemeente),
            leeg_is_alle(&filter.bevinding),
            leeg_is_alle(&filter.prioriteit),
            rijen.len()
        ),
        format!("Gemaakt op {} (Europe/Amsterdam) door {}.", super::pagina::lokaal((s.klok)()), g.naam),
    ];
    let datum = (s.klok)().to_zoned_datetime(zone).date();
    Ok(if xlsx {
        let bytes = crate::spreadsheet::naar_xlsx(&[t]).map_err(|e| ApiFout::Intern(format!("XLSX: {e}")))?;
        super::publicatie::download(crate::spreadsheet::XLSX, &format!("werkvoorraad-{datum}.xlsx"), bytes)
    } else {
        super::publicatie::download("text/csv; charset=utf-8", &format!("werkvoorraad-{datum}.csv"), t.naar_csv().into_bytes())
    })
}

fn leeg_is_alle(s: &str) -> &str {
    if s.is_empty() { "alle" } else { s }
}

async fn werkvoorraad(State(s): State<AppState>, ident: Identiteit, Query(k): Query<Keuze>) -> Result<Response, ApiFout> {
    let g = ident.gebruiker()?;
    let filter = filter_van(&k);
    let op_kenmerk = k.sorteer.as_deref() == Some("kenmerk");
    let pagina = k.pagina.unwrap_or(1).clamp(1, 1_000_000);
    let mut c = s.db.lees().await?;
    let (rijen, totaal) = db::werkvoorraad(&mut c, &filter, &g.zicht(), op_kenmerk, pagina, PER_PAGINA, false).await?;
    let basis = format!(
        "/behandeling?ronde={}&status={}&gemeente={}&bevinding={}&prioriteit={}&sorteer={}&",
        urlcodeer(&filter.ronde),
        urlcodeer(&filter.status),
        urlcodeer(&filter.gemeente),
        urlcodeer(&filter.bevinding),
        urlcodeer(&filter.prioriteit),
        if op_kenmerk { "kenmerk" } else { "binnenkomst" }
    );
    let naam = |code: &str| vhf_core::codes::GemeenteCode::parse(code).map(|c| Referentie::ingebouwd().gemeentenaam(c)).unwrap_or_else(|_| code.to_string());
    let pagina_ = Werkvoorraad {
        kader: Kader::nieuw(&s, &ident, "Werkvoorraad", "/behandeling"),
        rijen: rijen
            .iter()
            .map(|(r, t)| {
                let (toets, gebied) = match t {
                    None => ("nog niet getoetst".to_string(), "–".to_string()),
                    Some(t) => (
                        match (t.fouten, t.waarschuwingen) {
                            (0, 0) => "geen fouten".to_string(),
                            (0, w) => format!("{w} {}", if w == 1 { "waarschuwing" } else { "waarschuwingen" }),
                            (f, w) => format!("{f} {}, {w} waarsch.", if f == 1 { "fout" } else { "fouten" }),
                        },
                        {
                            let namen: Vec<String> = t.gebieden.iter().map(|g| gebiedsnaam(g)).collect();
                            let mut x = if namen.is_empty() { "geen".to_string() } else { namen.join(", ") };
                            if t.te_bevestigen > 0 {
                                x.push_str(" (nog vast te stellen)");
                            }
                            x
                        },
                    ),
                };
                (lijstrij(r), naam(&r.penvoerder), r.versie, toets, gebied)
            })
            .collect(),
        bevindingen: bevindingfilters(),
        prioriteiten: prioriteitsfilters(),
        zoek: basis.trim_start_matches("/behandeling?").trim_end_matches('&').to_string(),
        paginering: Paginering { pagina, paginas: (totaal + PER_PAGINA - 1) / PER_PAGINA, totaal, basis },
        rondes: Ronde::ingebouwd().iter().map(|r| (r.id.clone(), r.naam.clone())).collect(),
        statussen: Status::ALLE.iter().map(|x| (x.code().to_string(), x.to_string())).collect(),
        gemeenten: {
            let mut v: Vec<(String, String)> = Referentie::ingebouwd().gemeenten().map(|x| (x.code.to_string(), x.naam.clone())).collect();
            v.sort_by(|a, b| a.1.cmp(&b.1));
            v
        },
        filter,
        op_kenmerk,
        bulk: g.rol == crate::toegang::Rol::Behandelaar,
        uitkomst: k.verwerkt.map(|n| (n, k.overgeslagen.unwrap_or_default().split(',').filter(|x| !x.is_empty()).map(String::from).collect())),
        uitkomst_status: k.naar.as_deref().and_then(|n| n.parse::<Status>().ok()).map(|x| x.to_string()).unwrap_or_default(),
        bulkstatussen: BULK.iter().map(|x| (x.code().to_string(), x.to_string())).collect(),
        sleutel: crate::server::identiteit::geheim(),
    };
    Ok(html(StatusCode::OK, &pagina_))
}

/// De keuzes van het filter op bevindingen: (code, omschrijving); een regel betekent "deze regel faalde".
fn bevindingfilters() -> Vec<(String, String)> {
    let mut v = vec![
        ("fouten".to_string(), "met fouten".to_string()),
        ("zonder".to_string(), "zonder fouten".to_string()),
        ("waarschuwingen".to_string(), "met waarschuwingen".to_string()),
    ];
    v.extend(vhf_core::toetsing::Regel::ALLE.iter().map(|r| (format!("{r:?}"), format!("{r:?} faalde: {}", r.info().titel))));
    v
}

/// De keuzes van het filter op prioriteitsgebied: (code, omschrijving), met de gebieden van alle lijsten.
fn prioriteitsfilters() -> Vec<(String, String)> {
    let mut v = vec![
        ("in".to_string(), "in een prioriteitsgebied".to_string()),
        ("buiten".to_string(), "buiten de prioriteitsgebieden".to_string()),
        ("te_bevestigen".to_string(), "verklaard, nog vast te stellen door RVO".to_string()),
    ];
    let mut gebieden: Vec<(String, String)> = Referentie::ingebouwd().alle_gebieden().map(|g| (g.id.clone(), g.naam.clone())).collect();
    gebieden.sort_by(|a, b| a.1.cmp(&b.1));
    gebieden.dedup_by(|a, b| a.0 == b.0);
    v.extend(gebieden);
    v
}

fn gebiedsnaam(id: &str) -> String {
    Referentie::ingebouwd().alle_gebieden().find(|g| g.id == id).map(|g| g.naam.clone()).unwrap_or_else(|| id.to_string())
}

/// De statussen die de werkvoorraad voor meerdere aanvragen tegelijk aanbiedt (de levensloop beslist per aanvraag
/// of de overgang mag).
pub const BULK: [Status; 5] = [Status::Ontvankelijk, Status::AanvullingGevraagd, Status::NietOntvankelijk, Status::InBeoordeling, Status::Beoordeeld];

/// Elke aangevinkte aanvraag (`kies_<id>` met `versie_<id>`) naar de gekozen status, elk als eigen handeling.
async fn statusovergang(State(s): State<AppState>, ident: Identiteit, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let Some(naar_status) = BULK.into_iter().find(|x| x.code() == f.w("naar")) else {
        return Err(ApiFout::Ongeldig { detail: format!("Kies de nieuwe status: {}.", BULK.map(|x| x.to_string()).join(", ")), velden: vec![] });
    };
    let reden = match f.w("reden") {
        "" => format!("{naar_status} (werkvoorraad, meerdere tegelijk)"),
        r => r.to_string(),
    };
    let sleutel = f.w("_sleutel").to_string();
    let mut verwerkt = 0;
    let mut overgeslagen = Vec::new();
    for id in f.waarden.keys().filter_map(|k| k.strip_prefix("kies_")).map(String::from).collect::<Vec<_>>() {
        let versie = f.w(&format!("versie_{id}")).parse::<i64>().unwrap_or(0);
        // Een sleutel per aanvraag: opnieuw versturen (terugknop, dubbelklik) doet niets twee keer.
        let k = Some(format!("{sleutel}/{id}")).filter(|_| !sleutel.is_empty());
        let v = Verzoek::nieuw(&s, &ident, k, format!("POST /aanvragen/{id}/statusovergangen"), format!("{}\n{reden}", naar_status.code()))?;
        match handeling::overgang(&v, &id, Versie::Precies(versie), naar_status, &reden).await {
            Ok(_) | Err(ApiFout::Herhaald(_)) => verwerkt += 1,
            Err(ApiFout::Intern(e)) => return Err(ApiFout::Intern(e)),
            Err(e) => {
                tracing::info!(aanvraag = %id, "bulk ontvankelijk overgeslagen: {e:?}");
                overgeslagen.push(id);
            }
        }
    }
    let terug = f.w("terug");
    let terug = if terug.starts_with("/behandeling?") { terug.to_string() } else { "/behandeling?".to_string() };
    Ok(naar(&format!("{terug}verwerkt={verwerkt}&naar={}&overgeslagen={}", naar_status.code(), overgeslagen.join(","))))
}
