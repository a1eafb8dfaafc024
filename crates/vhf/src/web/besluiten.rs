//! De besluiten (beschikkingen) per gemeente in de browser: de lijst van een ronde met de brief als PDF; voor de
//! beslisser de besluiten opstellen uit de besloten verdeling en een concept van een ander ondertekenen (vier
//! ogen). Alles via de handelingen van de API (`handelingen/besluiten.rs`): dezelfde zichtregels (een gemeente
//! ziet alleen haar eigen ondertekende besluiten), dezelfde weigering van de opsteller, hetzelfde audittrail.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use vhf_core::codes::GemeenteCode;
use vhf_core::geld::Bedrag;
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;

use super::aanvragen::naar;
use super::formulier::Formulier;
use super::pagina::{Kader, html};
use crate::handelingen::Verzoek;
use crate::handelingen::besluiten as handeling;
use crate::server::AppState;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;
use crate::server::routes::{Aanvrager, Auditor, Behandelaar, Beslisser, Route, Toegang};

pub fn routes() -> Vec<Route> {
    let r = super::pagina::route;
    const BESLISSER: Toegang = Toegang::Rollen(&[Beslisser]);
    vec![
        r(
            "GET",
            "/besluiten",
            "De besluiten van een ronde met hun brief (?ronde=); een gemeente ziet alleen haar eigen ondertekende besluiten",
            Toegang::Rollen(&[Aanvrager, Behandelaar, Beslisser, Auditor]),
            get(lijst),
        ),
        r(
            "POST",
            "/besluiten/opstellen",
            "De besluiten van de ronde opstellen uit de besloten verdeling (formulier: ronde)",
            BESLISSER,
            axum::routing::post(opstellen),
        ),
        r(
            "POST",
            "/besluiten/{id}/ondertekenen",
            "Een concept ondertekenen (vier ogen: niet door wie het opstelde)",
            BESLISSER,
            axum::routing::post(ondertekenen),
        ),
    ]
}

#[derive(Deserialize, Default)]
struct Keuze {
    ronde: Option<String>,
    gedaan: Option<String>,
}

/// Eén besluit in de lijst.
pub struct Regel {
    pub id: String,
    pub identificatie: String,
    pub gemeente: String,
    pub soort: String,
    pub totaal: String,
    pub status: String,
    pub datum: String,
    pub bezwaar_tot: String,
    pub vervangt: String,
    pub opgesteld_door: String,
    pub ondertekenbaar: bool,
}

#[derive(Template)]
#[template(path = "besluiten/lijst.html")]
struct Lijst {
    kader: Kader,
    ronde: String,
    rondes: Vec<(String, String)>,
    regels: Vec<Regel>,
    beslisser: bool,
    sleutel: String,
    melding: Option<String>,
    fout: Option<String>,
}

async fn pagina(s: &AppState, ident: &Identiteit, ronde: String, melding: Option<String>, fout: Option<String>) -> Result<Lijst, ApiFout> {
    Ronde::zoek(&ronde).ok_or(ApiFout::NietGevonden)?;
    let g = ident.gebruiker()?;
    let zicht = handeling::zicht(ident)?;
    let mut c = s.db.lees().await?;
    let rijen = crate::db::besluiten::van_ronde(&mut c, &ronde, &zicht).await?;
    let beslisser = g.rol == crate::toegang::Rol::Beslisser;
    let regels = rijen
        .into_iter()
        .map(|b| Regel {
            ondertekenbaar: beslisser && b.status == "concept" && b.opgesteld_door != g.id,
            gemeente: GemeenteCode::parse(&b.gemeente).map(|x| Referentie::ingebouwd().gemeentenaam(x)).unwrap_or_else(|_| b.gemeente.clone()),
            soort: b.besluittype.replace('_', " "),
            totaal: Bedrag::parse(&b.totaal).map(|x| x.to_string()).unwrap_or(b.totaal.clone()),
            status: b.status.replace('_', " "),
            datum: b.datum.clone().unwrap_or_else(|| "–".into()),
            bezwaar_tot: b.bezwaar_tot.clone().unwrap_or_else(|| "–".into()),
            vervangt: b.vervangt.clone().unwrap_or_default(),
            opgesteld_door: b.opgesteld_door.clone(),
            identificatie: b.identificatie,
            id: b.id,
        })
        .collect();
    Ok(Lijst {
        kader: Kader::nieuw(s, ident, "Besluiten", "/besluiten"),
        rondes: Ronde::ingebouwd().iter().map(|r| (r.id.clone(), r.naam.clone())).collect(),
        ronde,
        regels,
        beslisser,
        sleutel: crate::server::identiteit::geheim(),
        melding,
        fout,
    })
}

async fn lijst(State(s): State<AppState>, ident: Identiteit, Query(k): Query<Keuze>) -> Result<Response, ApiFout> {
    let ronde = k.ronde.filter(|r| !r.is_empty()).unwrap_or_else(|| super::pagina::huidige_ronde((s.klok)()));
    let melding = k.gedaan.map(|w| match w.as_str() {
        "opgesteld" => "De besluiten zijn opgesteld als concept; een tweede beslisser ondertekent ze.".to_string(),
        _ => "Het besluit is ondertekend: het ligt nu vast (met de SHA-256 van de brief) en de bezwaartermijn loopt.".to_string(),
    });
    Ok(html(StatusCode::OK, &pagina(&s, &ident, ronde, melding, None).await?))
}

/// Een weigering van de handeling als melding op de pagina (Nederlands), anders de fout zelf.
pub(super) fn melding_van(e: ApiFout) -> Result<String, ApiFout> {
    match e {
        ApiFout::Conflict(m) | ApiFout::GeenRecht(m) => Ok(m),
        ApiFout::Ongeldig { detail, .. } => Ok(detail),
        e => Err(e),
    }
}

async fn opstellen(State(s): State<AppState>, ident: Identiteit, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let ronde = f.w("ronde").to_string();
    if Ronde::zoek(&ronde).is_none() {
        let p = pagina(&s, &ident, super::pagina::huidige_ronde((s.klok)()), None, Some(format!("Onbekende ronde '{ronde}': kies een ronde uit de lijst.")))
            .await?;
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &p));
    }
    let sleutel = Some(f.w("_sleutel").to_string()).filter(|k| !k.is_empty());
    let v = Verzoek::nieuw(&s, &ident, sleutel, format!("POST /rondes/{ronde}/besluiten"), "{}")?;
    match handeling::stel_op_voor_ronde(&v, &ronde, None).await {
        Ok(_) | Err(ApiFout::Herhaald(_)) => Ok(naar(&format!("/besluiten?ronde={ronde}&gedaan=opgesteld"))),
        Err(e) => {
            let m = melding_van(e)?;
            Ok(html(StatusCode::CONFLICT, &pagina(&s, &ident, ronde, None, Some(m)).await?))
        }
    }
}

async fn ondertekenen(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let ronde = f.w("ronde").to_string();
    let sleutel = Some(f.w("_sleutel").to_string()).filter(|k| !k.is_empty()).map(|k| format!("{k}/{id}"));
    let v = Verzoek::nieuw(&s, &ident, sleutel, format!("POST /besluiten/{id}/ondertekening"), "")?;
    match handeling::onderteken(&v, &id).await {
        Ok(_) | Err(ApiFout::Herhaald(_)) => Ok(naar(&format!("/besluiten?ronde={ronde}&gedaan=ondertekend"))),
        Err(e) => {
            let status = if matches!(e, ApiFout::GeenRecht(_)) { StatusCode::FORBIDDEN } else { StatusCode::CONFLICT };
            let m = melding_van(e)?;
            let ronde = Some(ronde).filter(|r| Ronde::zoek(r).is_some()).unwrap_or_else(|| super::pagina::huidige_ronde((s.klok)()));
            Ok(html(status, &pagina(&s, &ident, ronde, None, Some(m)).await?))
        }
    }
}
