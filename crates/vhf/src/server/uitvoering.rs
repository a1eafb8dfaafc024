//! Na het besluit via de API (de handelingen staan in `handelingen/uitvoering.rs`): betaling met vier ogen en het
//! betaalbestand, SiSa-opgaven, wijzigingen met vier ogen, de vaststelling met terugvordering en haar brief, het
//! overzicht van één uitkering en de monitoring per ronde. Een gemeente ziet alleen haar eigen uitkering; een andere
//! is 404. Routes onder `/besluiten/{id}/…` nemen elk besluit van de gemeente in de ronde en werken op het geldende.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::AppState;
use super::fout::ApiFout;
use super::identiteit::Identiteit;
use super::routes::{Aanvrager, Auditor, Basis, Behandelaar, Beslisser, Route, Toegang};
use crate::db::uitvoering as db;
use crate::handelingen::besluiten::{lokale_datum, zicht};
use crate::handelingen::uitvoering as handeling;

const LEZERS: Toegang = Toegang::Rollen(&[Aanvrager, Behandelaar, Beslisser, Auditor]);
const MINISTERIE: Toegang = Toegang::Rollen(&[Beslisser]);

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
            "/besluiten/{id}/uitvoering",
            "De uitvoering van de uitkering van het (geldende) besluit: besloten, betaald, openstaand, betalingen, SiSa-opgaven, wijzigingen, deelplannen met versies, vaststelling",
            &[(200, "het overzicht"), (404, "bestaat niet of niet zichtbaar"), (409, "besluit nog niet ondertekend")],
            LEZERS,
            get(overzicht),
        ),
        r(
            "POST",
            "/besluiten/{id}/betalingen",
            "Stel de volgende betaling volgens het betaalschema van de ronde voor ({}); een andere beslisser keurt haar goed",
            &[(201, "voorgesteld"), (404, "bestaat niet"), (409, "al betaald, of er wacht een voorstel")],
            MINISTERIE,
            post(stel_betaling_voor),
        ),
        r(
            "POST",
            "/betalingen/{id}/goedkeuring",
            "Keur een voorgestelde betaling goed ({}); alleen een andere beslisser dan wie haar voorstelde (vier ogen)",
            &[(200, "goedgekeurd"), (403, "u stelde haar zelf voor"), (404, "bestaat niet"), (409, "al goedgekeurd")],
            MINISTERIE,
            post(keur_betaling_goed),
        ),
        r(
            "GET",
            "/rondes/{id}/betaalbestand",
            "De goedgekeurde betalingen van een ronde als CSV voor het financiële systeem (referentie;gemeente;gemeentenaam;bedrag;betaaldatum;besluit;termijn;voorgesteld_door;goedgekeurd_door)",
            &[(200, "text/csv"), (404, "onbekende ronde")],
            Toegang::Rollen(&[Beslisser, Auditor]),
            get(betaalbestand),
        ),
        r(
            "POST",
            "/besluiten/{id}/verantwoordingen",
            "Dien de SiSa-opgave over een jaar in ({jaar, deelplannen: [{kenmerk, deelplan, besteed_dit_jaar, besteed_cumulatief, cofinanciering_cumulatief, woningen: [{activiteit, eigendom, gestart, opgeleverd}], eindverantwoording}]}); bevindingen V01–V08",
            &[
                (201, "ingediend, met bevindingen"),
                (404, "bestaat niet of niet zichtbaar"),
                (409, "niets betaald, of dat jaar al ingediend"),
                (422, "ongeldig"),
            ],
            Toegang::Rollen(&[Aanvrager, Behandelaar]),
            post(dien_verantwoording_in),
        ),
        r(
            "POST",
            "/besluiten/{id}/verantwoordingen/import",
            "Dien de SiSa-opgave over een jaar in als rekenblad (?jaar=; body CSV of XLSX, één regel per deelplan, activiteit en eigendom: kenmerk, deelplan, besteed_dit_jaar, besteed_cumulatief, cofinanciering_cumulatief, eindverantwoording, activiteit, eigendom, gestart, opgeleverd); fouten met regel, kolom en cel",
            &[
                (201, "ingediend, met bevindingen"),
                (404, "bestaat niet of niet zichtbaar"),
                (409, "niets betaald, of dat jaar al ingediend"),
                (415, "geen CSV of XLSX"),
                (422, "ongeldig, met regel, kolom en cel"),
            ],
            Toegang::Rollen(&[Aanvrager, Behandelaar]),
            post(importeer_verantwoording),
        ),
        r(
            "POST",
            "/besluiten/{id}/wijzigingen",
            "Vraag een wijziging van deelplannen aan ({toelichting, deelplannen: [{kenmerk, deelplan, toegekend?, woningen_gepland?, einde?, omschrijving?}]}); een verschuiving laat het totaal gelijk",
            &[(201, "aangevraagd"), (404, "bestaat niet of niet zichtbaar"), (409, "verandert het totaal"), (422, "ongeldig")],
            Toegang::Rollen(&[Aanvrager]),
            post(vraag_wijziging_aan),
        ),
        r(
            "POST",
            "/wijzigingen/{id}/beoordeling",
            "Beoordeel een aangevraagde wijziging ({uitkomst: goedkeuren | weigeren, reden}): goedkeuren stelt haar voor, een andere beslisser keurt goed",
            &[(200, "voorgesteld of geweigerd"), (404, "bestaat niet"), (409, "al beoordeeld"), (422, "ongeldig")],
            MINISTERIE,
            post(beoordeel_wijziging),
        ),
        r(
            "POST",
            "/wijzigingen/{id}/goedkeuring",
            "Keur een voorgestelde wijziging goed ({}); alleen een andere beslisser dan wie haar voorstelde (vier ogen); de deelplannen krijgen een nieuwe versie",
            &[(200, "goedgekeurd"), (403, "u stelde haar zelf voor"), (404, "bestaat niet"), (409, "niet voorgesteld")],
            MINISTERIE,
            post(keur_wijziging_goed),
        ),
        r(
            "POST",
            "/besluiten/{id}/vaststelling",
            "Stel de vaststelling op (concept, {}) uit de eindverantwoording per deelplan, met de verlagingsregel van de ronde en de terugvordering tot op de cent",
            &[(201, "opgesteld"), (404, "bestaat niet"), (409, "eindverantwoording ontbreekt, of al vastgesteld")],
            MINISTERIE,
            post(stel_vaststelling_op),
        ),
        r(
            "POST",
            "/vaststellingen/{id}/ondertekening",
            "Onderteken een vaststelling ({}); alleen een andere beslisser dan de opsteller (vier ogen); de brief wordt gemaakt, de aanvragen afgerond of teruggevorderd",
            &[(200, "ondertekend"), (403, "u stelde haar zelf op"), (404, "bestaat niet"), (409, "al ondertekend")],
            MINISTERIE,
            post(onderteken_vaststelling),
        ),
        r(
            "GET",
            "/vaststellingen/{id}/brief",
            "De brief bij een vaststelling als PDF/A-2a (een concept is als concept gemerkt; een gemeente ziet alleen haar ondertekende)",
            &[(200, "application/pdf"), (404, "bestaat niet of niet zichtbaar")],
            LEZERS,
            get(vaststellingsbrief),
        ),
        r(
            "GET",
            "/rondes/{id}/monitoring",
            "Monitoring per gemeente: besloten, betaald, verantwoord, vastgesteld, teruggevorderd en signalen (een gemeente: alleen de eigen rij)",
            &[(200, "het overzicht"), (404, "onbekende ronde")],
            LEZERS,
            get(monitoring),
        ),
    ]
}

fn ongeldig(detail: String) -> ApiFout {
    ApiFout::Ongeldig { detail, velden: vec![] }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Leeg {}

fn leeg(body: &str) -> Result<(), ApiFout> {
    let tekst = if body.trim().is_empty() { "{}" } else { body };
    serde_json::from_str::<Leeg>(tekst).map(|_| ()).map_err(|e| ongeldig(format!("Verwacht een lege body of {{}}: {e}")))
}

async fn overzicht(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let z = zicht(&ident)?;
    let mut c = s.db.lees().await?;
    Ok(Json(handeling::overzicht(&mut c, &id, &z).await?).into_response())
}

async fn stel_betaling_voor(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    leeg(&body)?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /besluiten/{id}/betalingen"), &body)?;
    Ok((StatusCode::CREATED, Json(handeling::stel_betaling_voor(&v, &id).await?)).into_response())
}

async fn keur_betaling_goed(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    leeg(&body)?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /betalingen/{id}/goedkeuring"), &body)?;
    Ok((StatusCode::OK, Json(handeling::keur_betaling_goed(&v, &id).await?)).into_response())
}

async fn betaalbestand(State(s): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiFout> {
    vhf_core::regeling::Ronde::zoek(&id).ok_or(ApiFout::NietGevonden)?;
    let mut c = s.db.lees().await?;
    let csv = handeling::betaalbestand(&mut c, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"betaalbestand-{id}.csv\"")),
        ],
        csv,
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Opgave {
    jaar: i16,
    deelplannen: Vec<vhf_core::uitvoering::Deelplanopgave>,
}

async fn dien_verantwoording_in(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    // Eerst het zicht: wie het besluit niet mag zien, hoort ook niets over de vorm van zijn verzoek (404).
    let z = zicht(&ident)?;
    {
        let mut c = s.db.lees().await?;
        handeling::geldend(&mut c, &id, &z).await?;
    }
    let o: Opgave = serde_json::from_str(&body).map_err(|e| {
        ongeldig(format!(
            "Verwacht {{jaar, deelplannen: [{{kenmerk, deelplan, besteed_dit_jaar, besteed_cumulatief, cofinanciering_cumulatief, woningen, eindverantwoording}}]}}: {}",
            vhf_core::melding::nederlands(&e.to_string())
        ))
    })?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /besluiten/{id}/verantwoordingen"), &body)?;
    Ok((StatusCode::CREATED, Json(handeling::dien_verantwoording_in(&v, &id, &z, o.jaar, o.deelplannen).await?)).into_response())
}

#[derive(Deserialize)]
struct Jaar {
    jaar: Option<String>,
}

async fn importeer_verantwoording(
    State(s): State<AppState>,
    ident: Identiteit,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Jaar>,
    h: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiFout> {
    let z = zicht(&ident)?;
    {
        let mut c = s.db.lees().await?;
        handeling::geldend(&mut c, &id, &z).await?;
    }
    let soort = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !matches!(soort.as_str(), "text/csv" | "application/octet-stream") && soort != crate::spreadsheet::XLSX {
        return Err(ApiFout::Status {
            code: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            titel: "Soort inhoud niet ondersteund".into(),
            detail: format!(
                "Stuur de SiSa-opgave als CSV (Content-Type: text/csv) of als XLSX ({}); kreeg {}.",
                crate::spreadsheet::XLSX,
                if soort.is_empty() { "geen Content-Type" } else { &soort }
            ),
        });
    }
    let jaar: i16 = q
        .jaar
        .as_deref()
        .and_then(|j| j.trim().parse().ok())
        .filter(|j| (2000..=2100).contains(j))
        .ok_or_else(|| ongeldig("Zeg over welk jaar de opgave gaat: ?jaar=2021.".into()))?;
    let opgave = crate::spreadsheet::sisa::lees(&body).map_err(|fouten| ApiFout::Ongeldig {
        detail: format!("De SiSa-opgave is niet te lezen: {}", fouten.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
        velden: fouten
            .into_iter()
            .map(|f| super::fout::OngeldigVeld {
                name: f.kolom,
                reason: f.melding,
                line: Some(f.regel),
                column: None,
                sheet: f.cel.as_ref().map(|_| "eerste blad".to_string()),
                cell: f.cel,
            })
            .collect(),
    })?;
    // Voor de Idempotency-Key telt wat er gelezen is: hetzelfde bestand nog eens doet niets twee keer.
    let json = serde_json::to_string(&serde_json::json!({ "jaar": jaar, "deelplannen": opgave })).map_err(|e| ApiFout::Intern(e.to_string()))?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /besluiten/{id}/verantwoordingen"), &json)?;
    Ok((StatusCode::CREATED, Json(handeling::dien_verantwoording_in(&v, &id, &z, jaar, opgave).await?)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wijzigingsverzoek {
    toelichting: String,
    deelplannen: Vec<handeling::Deelplanwijziging>,
}

async fn vraag_wijziging_aan(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let z = zicht(&ident)?;
    {
        let mut c = s.db.lees().await?;
        handeling::geldend(&mut c, &id, &z).await?;
    }
    let w: Wijzigingsverzoek = serde_json::from_str(&body).map_err(|e| {
        ongeldig(format!(
            "Verwacht {{toelichting, deelplannen: [{{kenmerk, deelplan, toegekend?, woningen_gepland?, einde?, omschrijving?}}]}}: {}",
            vhf_core::melding::nederlands(&e.to_string())
        ))
    })?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /besluiten/{id}/wijzigingen"), &body)?;
    Ok((StatusCode::CREATED, Json(handeling::vraag_wijziging_aan(&v, &id, &z, w.deelplannen, &w.toelichting).await?)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Beoordeling {
    uitkomst: String,
    reden: String,
}

async fn beoordeel_wijziging(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    let b: Beoordeling = serde_json::from_str(&body).map_err(|e| ongeldig(format!("Verwacht {{uitkomst: goedkeuren | weigeren, reden}}: {e}")))?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /wijzigingen/{id}/beoordeling"), &body)?;
    Ok((StatusCode::OK, Json(handeling::beoordeel_wijziging(&v, &id, &b.uitkomst, &b.reden).await?)).into_response())
}

async fn keur_wijziging_goed(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    leeg(&body)?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /wijzigingen/{id}/goedkeuring"), &body)?;
    Ok((StatusCode::OK, Json(handeling::keur_wijziging_goed(&v, &id).await?)).into_response())
}

async fn stel_vaststelling_op(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, h: HeaderMap, body: String) -> Result<Response, ApiFout> {
    leeg(&body)?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /besluiten/{id}/vaststelling"), &body)?;
    Ok((StatusCode::CREATED, Json(handeling::stel_vaststelling_op(&v, &id).await?)).into_response())
}

async fn onderteken_vaststelling(
    State(s): State<AppState>,
    ident: Identiteit,
    Path(id): Path<String>,
    h: HeaderMap,
    body: String,
) -> Result<Response, ApiFout> {
    leeg(&body)?;
    let v = super::aanvragen::verzoek(&s, &ident, &h, &format!("POST /vaststellingen/{id}/ondertekening"), &body)?;
    Ok((StatusCode::OK, Json(handeling::onderteken_vaststelling(&v, &id).await?)).into_response())
}

async fn vaststellingsbrief(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let z = zicht(&ident)?;
    let (r, b) = {
        let mut c = s.db.lees().await?;
        let r = db::haal_vaststelling(&mut c, &id, &z).await?.ok_or(ApiFout::NietGevonden)?;
        let b = handeling::brief_van_vaststelling(&mut c, &r, lokale_datum((s.klok)())).await?;
        (r, b)
    };
    let pdf = tokio::task::spawn_blocking(move || crate::brief::pdf(&b)).await.map_err(|e| ApiFout::Intern(e.to_string()))?.map_err(ApiFout::Intern)?;
    let naam = format!("vaststelling-{}.pdf", r.identificatie);
    Ok(([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, format!("inline; filename=\"{naam}\""))], pdf).into_response())
}

async fn monitoring(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    vhf_core::regeling::Ronde::zoek(&id).ok_or(ApiFout::NietGevonden)?;
    let z = zicht(&ident)?;
    let mut c = s.db.lees().await?;
    Ok(Json(handeling::monitoring(&mut c, &id, &z, lokale_datum((s.klok)())).await?).into_response())
}
