//! De beheerder: gebruikers met rol en gemeente, de rolverzoeken (vier ogen: een tweede, andere beheerder keurt
//! goed of wijst af, via dezelfde code als de API in `server/beheer.rs`), en per ronde de gedateerde
//! parameterwijzigingen met bron en reden. Nieuwe gebruikers, tokens en parameterwijzigingen gaan (nog) via de
//! API of `vhf gebruiker` / `vhf token`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use vhf_core::regeling::Ronde;

use super::aanvragen::naar;
use super::formulier::Formulier;
use super::pagina::{Kader, html, lokaal, rol_en_gemeente};
use crate::server::AppState;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;
use crate::server::routes::{Auditor, Beheerder, Route, Toegang};

pub fn routes() -> Vec<Route> {
    let r = super::pagina::route;
    vec![
        r(
            "GET",
            "/beheer",
            "Gebruikers, rolverzoeken (vier ogen) en de parameterwijzigingen per ronde",
            Toegang::Rollen(&[Beheerder, Auditor]),
            get(overzicht),
        ),
        r(
            "POST",
            "/beheer/rolverzoeken/{id}",
            "Een rolverzoek goedkeuren of afwijzen (formulier: besluit, reden) door een tweede beheerder",
            Toegang::Rollen(&[Beheerder]),
            axum::routing::post(besluit),
        ),
    ]
}

/// Eén parameterwijziging om te tonen: (parameter, waarde en datum, bron, reden, door).
type Wijzigingsregel = (String, String, String, String, String);

#[derive(Template)]
#[template(path = "beheer/overzicht.html")]
struct Overzicht {
    kader: Kader,
    gebruikers: Vec<(String, String, String)>,
    verzoeken: Vec<(String, String, String, String, String)>,
    rondes: Vec<(String, Vec<Wijzigingsregel>)>,
    beheerder: bool,
    sleutel: String,
}

async fn overzicht(State(s): State<AppState>, ident: Identiteit) -> Result<Response, ApiFout> {
    let mut c = s.db.lees().await?;
    let gebruikers = crate::db::toegang::lijst(&mut c).await?.iter().map(|g| (g.id.clone(), g.naam.clone(), rol_en_gemeente(g))).collect();
    let verzoeken = crate::db::toegang::rolverzoeken(&mut c, true)
        .await?
        .into_iter()
        .map(|v| {
            let van = v
                .vorige_rol
                .clone()
                .map(|r| format!("{r}{}", v.vorige_gemeente.as_deref().map(|g| format!(", {g}")).unwrap_or_default()))
                .unwrap_or_else(|| "nieuw".into());
            let naar = format!("{}{}", v.rol, v.gemeente.as_deref().map(|g| format!(", {g}")).unwrap_or_default());
            (
                v.id,
                format!("{} ({})", v.naam, v.gebruiker),
                format!("{van} → {naar}"),
                v.aangevraagd_door,
                lokaal(jiff::Timestamp::from_microsecond(v.aangevraagd_op).unwrap_or_default()),
            )
        })
        .collect();
    let mut rondes = Vec::new();
    for r in Ronde::ingebouwd() {
        let w = crate::db::rondes::wijzigingen(&mut c, &r.id)
            .await?
            .into_iter()
            .map(|w| {
                let waarde = match &w.wijziging.waarde {
                    serde_json::Value::String(x) => x.clone(),
                    v => v.to_string(),
                };
                (
                    w.parameter,
                    format!("{} vanaf {}", waarde, w.wijziging.vanaf.strftime("%d-%m-%Y")),
                    w.wijziging.bron,
                    w.wijziging.toelichting.unwrap_or_default(),
                    w.door,
                )
            })
            .collect();
        rondes.push((r.naam.clone(), w));
    }
    let pagina = Overzicht {
        kader: Kader::nieuw(&s, &ident, "Beheer", "/beheer"),
        gebruikers,
        verzoeken,
        rondes,
        beheerder: ident.gebruiker()?.rol == crate::toegang::Rol::Beheerder,
        sleutel: crate::server::identiteit::geheim(),
    };
    Ok(html(StatusCode::OK, &pagina))
}

/// Goedkeuren of afwijzen met dezelfde functies als de API (vier ogen, controle dat de gebruiker niet intussen
/// veranderde, audittrail); een weigering wordt een Nederlandse foutpagina.
async fn besluit(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let mut h = HeaderMap::new();
    if let Ok(k) = HeaderValue::from_str(f.w("_sleutel"))
        && !f.w("_sleutel").is_empty()
    {
        h.insert("idempotency-key", k);
    }
    let p = Path(id.clone());
    let r = match f.w("besluit") {
        "goedkeuren" => crate::server::beheer::keur_goed(State(s.clone()), ident.clone(), p, h, String::new()).await,
        "afwijzen" => {
            let reden = if f.w("reden").is_empty() { "afgewezen door de tweede beheerder".to_string() } else { f.w("reden").to_string() };
            crate::server::beheer::wijs_af(State(s.clone()), ident.clone(), p, h, serde_json::json!({ "reden": reden }).to_string()).await
        }
        _ => return Err(ApiFout::Ongeldig { detail: "Kies goedkeuren of afwijzen.".into(), velden: vec![] }),
    };
    match r {
        Ok(_) | Err(ApiFout::Herhaald(_)) => Ok(naar("/beheer")),
        Err(e) => Err(e),
    }
}
