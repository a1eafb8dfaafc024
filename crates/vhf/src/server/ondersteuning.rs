//! Onafhankelijke ondersteuning via de API (de handelingen staan in `handelingen/ondersteuning.rs`): de pool van
//! adviseurs, de verzoeken van gemeenten in de prioriteitsgebieden, de toewijzing, de uren en het verslag per gebied.
//! Een gemeente ziet alleen haar eigen verzoeken, een adviseur alleen de zijne; een ander verzoek is 404.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::fout::ApiFout;
use super::identiteit::Identiteit;
use super::routes::{Aanvrager, Adviseur, Auditor, Basis, Behandelaar, Beslisser, Route, Toegang};
use crate::db::ondersteuning as db;
use crate::handelingen::ondersteuning as handeling;

const RVO: Toegang = Toegang::Rollen(&[Behandelaar]);
const TOEZICHT: Toegang = Toegang::Rollen(&[Behandelaar, Beslisser, Auditor]);
const LEZERS: Toegang = Toegang::Rollen(&[Aanvrager, Behandelaar, Beslisser, Auditor, Adviseur]);

pub fn routes() -> Vec<Route> {
    let r = |methode, pad, samenvatting, antwoorden, toegang, handler| Route {
        methode,
        pad,
        samenvatting,
        body: None,
        antwoorden,
        basis: Basis::Api,
        toegang,
        handler,
    };
    vec![
        r(
            "GET",
            "/adviseurs",
            "De pool van onafhankelijke adviseurs: expertise, beschikbaarheid, opgegeven belangen",
            &[(200, "de pool")],
            TOEZICHT,
            get(adviseurs),
        ),
        r(
            "PUT",
            "/adviseurs/{id}",
            "Zet een gebruiker met rol adviseur in de pool of werk hem bij ({expertise: [..], uren_per_week, beschikbaar, belangen: [GM....]})",
            &[(200, "bijgewerkt"), (422, "ongeldig, of geen gebruiker met rol adviseur")],
            RVO,
            put(zet_adviseur),
        ),
        r(
            "POST",
            "/ondersteuningsverzoeken",
            "Vraag onafhankelijke ondersteuning aan ({ronde, gebied?, onderwerp, deelplan?, uren}); alleen een gemeente in een prioriteitsgebied van de ronde",
            &[(201, "aangevraagd"), (422, "ongeldig, buiten de prioriteitsgebieden, of meer uren dan een verzoek kan krijgen")],
            Toegang::Rollen(&[Aanvrager]),
            post(vraag_aan),
        ),
        r(
            "GET",
            "/ondersteuningsverzoeken",
            "De verzoeken om ondersteuning (?ronde=): een gemeente de hare, een adviseur die hem zijn toegewezen, RVO, ministerie en auditor alle",
            &[(200, "de lijst")],
            LEZERS,
            get(verzoeken),
        ),
        r(
            "GET",
            "/ondersteuningsverzoeken/{id}",
            "Eén verzoek om ondersteuning met zijn uren",
            &[(200, "het verzoek"), (404, "bestaat niet of niet zichtbaar")],
            LEZERS,
            get(verzoek),
        ),
        r(
            "POST",
            "/ondersteuningsverzoeken/{id}/toewijzing",
            "Wijs een adviseur toe ({adviseur, uren}): beschikbaar, zonder belang bij de gemeente, binnen het plafond per verzoek en per gebied",
            &[
                (200, "toegewezen"),
                (404, "bestaat niet"),
                (409, "afgewezen, of al uren van een ander"),
                (422, "ongeldig, belangenconflict of boven het budget"),
            ],
            RVO,
            post(wijs_toe),
        ),
        r(
            "POST",
            "/ondersteuningsverzoeken/{id}/afwijzing",
            "Wijs een verzoek af ({reden})",
            &[(200, "afgewezen"), (404, "bestaat niet"), (409, "niet meer aangevraagd"), (422, "reden ontbreekt")],
            RVO,
            post(wijs_af),
        ),
        r(
            "POST",
            "/ondersteuningsverzoeken/{id}/uren",
            "Schrijf uren op een verzoek dat u is toegewezen ({datum, uren, omschrijving}); meer dan toegekend wordt geweigerd",
            &[(201, "geschreven"), (404, "bestaat niet of niet aan u toegewezen"), (422, "ongeldig of boven het budget")],
            Toegang::Rollen(&[Adviseur]),
            post(schrijf_uren),
        ),
        r(
            "POST",
            "/urenregels/{id}/beoordeling",
            "Keur geschreven uren goed of af ({uitkomst: goedkeuren | afkeuren, reden})",
            &[(200, "beoordeeld"), (404, "bestaat niet"), (409, "al beoordeeld"), (422, "ongeldig")],
            RVO,
            post(beoordeel_uren),
        ),
        r(
            "GET",
            "/rondes/{id}/ondersteuning",
            "Het verslag per prioriteitsgebied: budget (parameter ondersteuning, met bron), toegekend, geschreven, goedgekeurd en de verzoeken",
            &[(200, "het verslag"), (404, "onbekende ronde")],
            TOEZICHT,
            get(verslag),
        ),
    ]
}

fn lees<T: serde::de::DeserializeOwned>(body: &str, vorm: &str) -> Result<T, ApiFout> {
    serde_json::from_str(body)
        .map_err(|e| ApiFout::Ongeldig { detail: format!("Verwacht {vorm}: {}", vhf_core::melding::nederlands(&e.to_string())), velden: vec![] })
}

async fn adviseurs(State(s): State<AppState>) -> Result<Response, ApiFout> {
    let mut c = s.db.lees().await?;
    let a = db::adviseurs(&mut c).await?;
    Ok(Json(json!({ "adviseurs": a.iter().map(handeling::adviseur_json).collect::<Vec<_>>() })).into_response())
}

async fn zet_adviseur(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let a: handeling::Adviseurgegevens = lees(&body, "{expertise: [..], uren_per_week, beschikbaar, belangen: [GM....]}")?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("PUT /adviseurs/{id}"), &body)?;
    Ok(Json(handeling::zet_adviseur(&v, &id, a).await?).into_response())
}

async fn vraag_aan(State(s): State<AppState>, ident: Identiteit, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let a: handeling::Aanvraag = lees(&body, "{ronde, gebied?, onderwerp, deelplan?, uren}")?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, "POST /ondersteuningsverzoeken", &body)?;
    Ok((StatusCode::CREATED, Json(handeling::vraag_aan(&v, a).await?)).into_response())
}

#[derive(Deserialize)]
struct Filter {
    ronde: Option<String>,
}

async fn verzoeken(State(s): State<AppState>, ident: Identiteit, Query(f): Query<Filter>) -> Result<Response, ApiFout> {
    let z = handeling::zicht(&ident)?;
    let mut c = s.db.lees().await?;
    let v = db::verzoeken(&mut c, f.ronde.as_deref().unwrap_or(""), &z).await?;
    Ok(Json(json!({ "totaal": v.len(), "verzoeken": v.iter().map(handeling::verzoek_json).collect::<Vec<_>>() })).into_response())
}

async fn verzoek(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let z = handeling::zicht(&ident)?;
    let mut c = s.db.lees().await?;
    Ok(Json(handeling::verzoek(&mut c, &id, &z).await?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Toewijzing {
    adviseur: String,
    uren: handeling::UrenInvoer,
}

async fn wijs_toe(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let t: Toewijzing = lees(&body, "{adviseur, uren}")?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /ondersteuningsverzoeken/{id}/toewijzing"), &body)?;
    Ok(Json(handeling::wijs_toe(&v, &id, &t.adviseur, &t.uren).await?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Afwijzing {
    reden: String,
}

async fn wijs_af(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let a: Afwijzing = lees(&body, "{reden}")?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /ondersteuningsverzoeken/{id}/afwijzing"), &body)?;
    Ok(Json(handeling::wijs_af(&v, &id, &a.reden).await?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Uren {
    datum: String,
    uren: handeling::UrenInvoer,
    omschrijving: String,
}

async fn schrijf_uren(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    // Eerst het zicht: wie het verzoek niet heeft, hoort niets over de vorm van zijn verzoek (404).
    {
        let z = handeling::zicht(&ident)?;
        let mut c = s.db.lees().await?;
        db::haal_verzoek(&mut c, &id, &z).await?.ok_or(ApiFout::NietGevonden)?;
    }
    let u: Uren = lees(&body, "{datum, uren, omschrijving}")?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /ondersteuningsverzoeken/{id}/uren"), &body)?;
    Ok((StatusCode::CREATED, Json(handeling::schrijf_uren(&v, &id, &u.datum, &u.uren, &u.omschrijving).await?)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Beoordeling {
    uitkomst: String,
    #[serde(default)]
    reden: String,
}

async fn beoordeel_uren(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let b: Beoordeling = lees(&body, "{uitkomst: goedkeuren | afkeuren, reden}")?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /urenregels/{id}/beoordeling"), &body)?;
    Ok(Json(handeling::beoordeel_uren(&v, &id, &b.uitkomst, &b.reden).await?).into_response())
}

async fn verslag(State(s): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let ronde = vhf_core::regeling::Ronde::zoek(&id).ok_or(ApiFout::NietGevonden)?;
    let mut c = s.db.lees().await?;
    Ok(Json(handeling::verslag(&mut c, ronde, (s.klok)()).await?).into_response())
}
