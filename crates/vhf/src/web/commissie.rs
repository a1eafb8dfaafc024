//! De beoordelingscommissie: alleen de toegewezen deelplannen, een scoreformulier per criterium met motivering
//! en de schaal van de ronde, de voortgang ("2 van 3 leden hebben gescoord") en een vergelijking van de
//! proportionaliteit (bijdrage per woning) van elk toegewezen deelplan met de hele ronde. Scoren gaat via de
//! handeling van de API (`handelingen/verdeling.rs`): niet toegewezen is 404, buiten de schaal of zonder
//! motivering wordt niets vastgelegd.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use vhf_core::beoordeling::Beoordelingen;
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;
use vhf_core::verdeling as kern;

use super::aanvragen::naar;
use super::formulier::Formulier;
use super::pagina::{Kader, html};
use crate::db::verdeling as db;
use crate::handelingen::Verzoek;
use crate::handelingen::verdeling::{self as handeling, MijnScore, ronde_aanvragen};
use crate::server::AppState;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;
use crate::server::routes::{Basis, Commissielid, Route, Toegang};

pub fn routes() -> Vec<Route> {
    const LID: Toegang = Toegang::Rollen(&[Commissielid]);
    vec![
        Route {
            methode: "GET",
            pad: "/beoordeling",
            samenvatting: "Mijn toegewezen deelplannen met voortgang en proportionaliteit (?ronde=)",
            body: None,
            antwoorden: &[(200, "de pagina")],
            basis: Basis::Web,
            toegang: LID,
            handler: get(overzicht),
        },
        Route {
            methode: "GET",
            pad: "/beoordeling/{id}/{aanvraag}/{deelplan}",
            samenvatting: "Scoreformulier voor één toegewezen deelplan (niet toegewezen: 404)",
            body: None,
            antwoorden: &[(200, "de pagina"), (404, "niet toegewezen of bestaat niet")],
            basis: Basis::Web,
            toegang: LID,
            handler: get(formulier),
        },
        Route {
            methode: "POST",
            pad: "/beoordeling/{id}/{aanvraag}/{deelplan}",
            samenvatting: "Scores met motivering vastleggen (een nieuwe versie van de beoordelingen)",
            body: None,
            antwoorden: &[(303, "vastgelegd"), (422, "buiten de schaal of zonder motivering")],
            basis: Basis::Web,
            toegang: LID,
            handler: axum::routing::post(opslaan),
        },
    ]
}

#[derive(Deserialize)]
struct Keuze {
    ronde: Option<String>,
    opgeslagen: Option<String>,
}

/// Eén toegewezen deelplan in het overzicht.
pub struct Toegewezen {
    pub aanvraag: String,
    pub deelplan: String,
    pub naam: String,
    pub gemeente: String,
    pub mijn: usize,
    pub criteria: usize,
    pub klaar: usize,
    pub leden: usize,
    pub bijdrage_per_woning: String,
    /// "hoger dan 7 van de 10 deelplannen in de ronde" of "–".
    pub vergelijking: String,
}

#[derive(Template)]
#[template(path = "commissie/overzicht.html")]
struct Overzicht {
    kader: Kader,
    ronde: String,
    ronde_naam: String,
    rijen: Vec<Toegewezen>,
    mediaan: String,
    melding: bool,
}

async fn beoordelingen(s: &AppState, ronde: &str) -> Result<Beoordelingen, ApiFout> {
    let mut c = s.db.lees().await?;
    handeling::beoordelingen_van(&mut c, ronde).await
}

fn gemeentenaam(code: vhf_core::codes::GemeenteCode) -> String {
    Referentie::ingebouwd().gemeentenaam(code)
}

async fn overzicht(State(s): State<AppState>, ident: Identiteit, Query(k): Query<Keuze>) -> Result<Response, ApiFout> {
    let lid = ident.gebruiker()?.id.clone();
    let ronde_id = k.ronde.filter(|r| !r.is_empty()).unwrap_or_else(|| super::pagina::huidige_ronde((s.klok)()));
    let ronde = {
        let mut c = s.db.lees().await?;
        crate::server::rondes::effectief(&mut c, &ronde_id).await?
    };
    let b = beoordelingen(&s, &ronde_id).await?;
    let kader = ronde.parameters_op(kern::besluitmoment(&ronde)).beoordelingskader.waarde.clone();
    let aanvragen = {
        let mut c = s.db.lees().await?;
        ronde_aanvragen(db::ingediend_met_status(&mut c, &ronde_id).await?)?
    };
    // De bijdrage per woning van elk deelplan in de ronde, voor de vergelijking (proportionaliteit).
    let mut bpw: Vec<(String, String, i64)> = Vec::new();
    for (_, a) in &aanvragen {
        if let Ok(t) = vhf_core::toetsing::toets(a, &ronde, Referentie::ingebouwd(), (s.klok)()) {
            for i in &t.indicatoren.deelplannen {
                if let Some(b) = i.bijdrage_per_woning {
                    bpw.push((a.kenmerk.clone(), i.deelplan.clone(), b.in_centen()));
                }
            }
        }
    }
    let mut alle: Vec<i64> = bpw.iter().map(|x| x.2).collect();
    alle.sort_unstable();
    let mediaan = alle.get(alle.len() / 2).map(|c| super::pagina::euro(*c)).unwrap_or_else(|| "–".into());
    let rijen = b
        .toewijzingen
        .iter()
        .filter(|t| t.leden.contains(&lid))
        .map(|t| {
            let a = aanvragen.iter().find(|(_, a)| a.kenmerk == t.aanvraag).map(|(_, a)| a);
            let d = a.and_then(|a| a.deelplannen.iter().find(|d| d.id == t.deelplan));
            let scores_van = |l: &str| b.scores.iter().filter(|x| x.lid == l && x.aanvraag == t.aanvraag && x.deelplan == t.deelplan).count();
            let eigen = bpw.iter().find(|x| x.0 == t.aanvraag && x.1 == t.deelplan).map(|x| x.2);
            Toegewezen {
                aanvraag: t.aanvraag.clone(),
                deelplan: t.deelplan.clone(),
                naam: d.map(|d| d.naam.clone()).unwrap_or_default(),
                gemeente: d.map(|d| gemeentenaam(d.deelgebied.gemeente)).unwrap_or_default(),
                mijn: scores_van(&lid),
                criteria: kader.criteria.len(),
                klaar: t.leden.iter().filter(|l| scores_van(l) >= kader.criteria.len()).count(),
                leden: t.leden.len(),
                bijdrage_per_woning: eigen.map(super::pagina::euro).unwrap_or_else(|| "–".into()),
                vergelijking: eigen
                    .map(|e| format!("lager dan {} van de {} deelplannen in de ronde", alle.iter().filter(|x| **x > e).count(), alle.len()))
                    .unwrap_or_else(|| "–".into()),
            }
        })
        .collect();
    let pagina = Overzicht {
        kader: Kader::nieuw(&s, &ident, "Beoordelen", "/beoordeling"),
        ronde_naam: ronde.naam.clone(),
        ronde: ronde_id,
        rijen,
        mediaan,
        melding: k.opgeslagen.is_some(),
    };
    Ok(html(StatusCode::OK, &pagina))
}

#[derive(Template)]
#[template(path = "commissie/scoren.html")]
struct Scoren {
    kader: Kader,
    ronde: String,
    aanvraag: String,
    deelplan: String,
    naam: String,
    gemeente: String,
    maatregelen: Vec<(String, String, u64)>,
    criteria: Vec<(String, String, String)>,
    schaal: String,
    f: Formulier,
    sleutel: String,
}

impl Scoren {
    fn n(&self, wat: &str, c: &str) -> String {
        format!("{wat}_{c}")
    }
}

async fn scoren(s: &AppState, ident: &Identiteit, ronde_id: &str, aanvraag: &str, deelplan: &str, f: Option<Formulier>) -> Result<Scoren, ApiFout> {
    let lid = ident.gebruiker()?.id.clone();
    let b = beoordelingen(s, ronde_id).await?;
    if !b.toewijzingen.iter().any(|t| t.aanvraag == aanvraag && t.deelplan == deelplan && t.leden.contains(&lid)) {
        return Err(ApiFout::NietGevonden);
    }
    let ronde = Ronde::zoek(ronde_id).ok_or(ApiFout::NietGevonden)?;
    let kader = ronde.parameters_op(kern::besluitmoment(ronde)).beoordelingskader.waarde.clone();
    let aanvragen = {
        let mut c = s.db.lees().await?;
        ronde_aanvragen(db::ingediend_met_status(&mut c, ronde_id).await?)?
    };
    let d = aanvragen
        .iter()
        .find(|(_, a)| a.kenmerk == aanvraag)
        .and_then(|(_, a)| a.deelplannen.iter().find(|d| d.id == deelplan))
        .ok_or(ApiFout::NietGevonden)?;
    let f = f.unwrap_or_else(|| {
        let mut f = Formulier::default();
        for x in b.scores.iter().filter(|x| x.lid == lid && x.aanvraag == aanvraag && x.deelplan == deelplan) {
            f.zet(format!("score_{}", x.criterium), x.score.to_string().replace('.', ","));
            f.zet(format!("motivering_{}", x.criterium), &x.motivering);
        }
        f
    });
    Ok(Scoren {
        kader: Kader::nieuw(s, ident, format!("Scoren: {aanvraag} {deelplan}"), "/beoordeling"),
        ronde: ronde_id.into(),
        aanvraag: aanvraag.into(),
        deelplan: deelplan.into(),
        naam: d.naam.clone(),
        gemeente: gemeentenaam(d.deelgebied.gemeente),
        maatregelen: d
            .maatregelen
            .iter()
            .map(|m| {
                (
                    m.activiteit.naam().to_string(),
                    m.omschrijving.clone(),
                    u64::from(m.woningen.eigenaar_bewoner) + u64::from(m.woningen.particuliere_verhuur) + u64::from(m.woningen.corporatie),
                )
            })
            .collect(),
        criteria: kader
            .criteria
            .iter()
            .map(|c| {
                (c.id.clone(), c.naam.clone(), serde_json::to_value(c.gewicht).ok().and_then(|v| v.as_str().map(|s| s.replace('.', ","))).unwrap_or_default())
            })
            .collect(),
        schaal: format!("{} tot en met {}", kader.schaal_min.to_string().replace('.', ","), kader.schaal_max.to_string().replace('.', ",")),
        f,
        sleutel: crate::server::identiteit::geheim(),
    })
}

async fn formulier(State(s): State<AppState>, ident: Identiteit, Path((id, aanvraag, deelplan)): Path<(String, String, String)>) -> Result<Response, ApiFout> {
    Ok(html(StatusCode::OK, &scoren(&s, &ident, &id, &aanvraag, &deelplan, None).await?))
}

async fn opslaan(
    State(s): State<AppState>,
    ident: Identiteit,
    Path((id, aanvraag, deelplan)): Path<(String, String, String)>,
    body: String,
) -> Result<Response, ApiFout> {
    let mut f = Formulier::uit_body(body.as_bytes());
    let mut p = scoren(&s, &ident, &id, &aanvraag, &deelplan, Some(Formulier::default())).await?;
    let mut scores = Vec::new();
    for (c, naam, _) in &p.criteria {
        let tekst = f.w(&format!("score_{c}")).replace(',', ".");
        match serde_json::from_value::<vhf_core::geld::Honderdsten>(serde_json::Value::String(tekst.clone())) {
            Ok(score) => scores.push(MijnScore { criterium: c.clone(), score, motivering: f.w(&format!("motivering_{c}")).to_string() }),
            Err(_) => f.fout(format!("score_{c}"), format!("{naam}: '{tekst}' is geen score; geef een getal van {}.", p.schaal)),
        }
        if f.w(&format!("motivering_{c}")).is_empty() {
            f.fout(format!("motivering_{c}"), format!("{naam}: elke score heeft een motivering."));
        }
    }
    if f.fouten.is_empty() {
        let sleutel = Some(f.w("_sleutel").to_string()).filter(|k| !k.is_empty());
        let v = Verzoek::nieuw(&s, &ident, sleutel, format!("POST /rondes/{id}/scores"), body.clone())?;
        match handeling::scoor(&v, &id, &aanvraag, &deelplan, scores).await {
            Ok(_) | Err(ApiFout::Herhaald(_)) => return Ok(naar(&format!("/beoordeling?ronde={id}&opgeslagen=1"))),
            Err(ApiFout::Ongeldig { detail, .. }) => f.fout(format!("score_{}", p.criteria.first().map(|c| c.0.as_str()).unwrap_or("")), detail),
            Err(e) => return Err(e),
        }
    }
    p.f = f;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &p))
}
