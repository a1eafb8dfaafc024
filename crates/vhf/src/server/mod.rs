//! `vhf serve`: de API en de webpagina's (inloggen, start) boven de kern en de opslag, met identiteit, rollen en audittrail.
//!
//! Naar het voorbeeld van zero2prod: [`Application::build`] bindt de poort (0 in tests), [`Application::run_until_stopped`]
//! draait tot het stopsignaal en maakt lopende verzoeken af. De server bewaart niets zelf: alles staat in de
//! database, zodat meerdere exemplaren naast elkaar kunnen draaien.

pub mod aanvragen;
pub mod beheer;
pub mod besluiten;
pub mod demo;
pub mod documenten;
pub mod fout;
pub mod identiteit;
pub mod metriek;
pub mod oidc;
pub mod ondersteuning;
pub mod rondes;
pub mod routes;
pub mod sessies;
pub mod uitvoering;
pub mod verdeling;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header::HeaderName};
use axum::routing::get;
use jiff::Timestamp;

use crate::db::Db;

/// De versie van de API, in de kop `API-Version` van elk antwoord (API Design Rules).
pub const API_VERSIE: &str = "1.0.0";

/// De klok van de server. In tests vast te zetten, zodat het loket op de seconde te toetsen is.
pub type Klok = Arc<dyn Fn() -> Timestamp + Send + Sync>;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub klok: Klok,
    pub metrieken: Arc<metriek::Metrieken>,
    pub opslag: documenten::Opslag,
    pub sessiebeleid: identiteit::Sessiebeleid,
    /// De ontwikkel-login staat aan (alleen ontwikkeling/demo; de configuratie weigert hem in productie).
    pub ontwikkel_login: bool,
    pub oidc: Option<Arc<oidc::Oidc>>,
    /// Het klantadres komt uit X-Forwarded-For (laatste adres: dat van onze eigen proxy).
    pub achter_proxy: bool,
}

pub struct Instellingen {
    pub database_url: String,
    pub adres: SocketAddr,
    /// Map van de documentopslag (object_store op het bestandssysteem).
    pub documenten: std::path::PathBuf,
    /// Grootste document dat de server aanneemt.
    pub max_document_bytes: u64,
    /// Een lege database krijgt de demoronde en een gebruiker per rol.
    pub demo: bool,
    pub ontwikkel_login: bool,
    pub achter_proxy: bool,
    pub oidc: Option<crate::config::OidcInstellingen>,
    /// Documenten in S3 in plaats van in de map `documenten`.
    pub s3: Option<crate::config::S3Instellingen>,
    pub sessiebeleid: identiteit::Sessiebeleid,
}

pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    state: AppState,
}

/// Verwijdert sessies die niet meer kunnen gelden en inlogpogingen buiten het venster.
pub async fn ruim_op(s: &AppState) -> Result<(u64, u64), sqlx::Error> {
    let nu = (s.klok)().as_microsecond();
    let b = &s.sessiebeleid;
    let mut tx = s.db.schrijf().await?;
    let sessies = crate::db::toegang::ruim_sessies_op(&mut tx, nu - b.inactief.as_micros() as i64, nu - b.absoluut.as_micros() as i64).await?;
    let pogingen = crate::db::toegang::ruim_pogingen_op(&mut tx, nu - b.pogingen_venster.as_micros() as i64).await?;
    tx.commit().await?;
    Ok((sessies, pogingen))
}

impl Application {
    pub async fn build(instellingen: &Instellingen, klok: Klok) -> Result<Application, String> {
        // De S3-client van object_store en die voor de OIDC-broker hebben de TLS-aanbieder nodig (crate::tls).
        crate::tls::kies_aanbieder();
        let db = Db::verbind(&instellingen.database_url).await.map_err(|e| e.to_string())?;
        let (store, deel_bytes): (Arc<dyn object_store::ObjectStore>, usize) = match &instellingen.s3 {
            None => {
                std::fs::create_dir_all(&instellingen.documenten).map_err(|e| format!("documentenmap {}: {e}", instellingen.documenten.display()))?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(&instellingen.documenten).map_err(|e| format!("documentopslag: {e}"))?;
                (Arc::new(store), 1024 * 1024)
            }
            Some(s3) => {
                let mut b =
                    object_store::aws::AmazonS3Builder::from_env().with_bucket_name(&s3.bucket).with_region(&s3.regio).with_allow_http(s3.http_toestaan);
                if let Some(e) = &s3.endpoint {
                    b = b.with_endpoint(e);
                }
                let store = b.build().map_err(|e| format!("S3-opslag (bucket {}): {e}", s3.bucket))?;
                // S3 wil delen van ten minste 5 MiB (behalve het laatste).
                (Arc::new(store), 5 * 1024 * 1024)
            }
        };
        if instellingen.demo {
            match demo::zaai(&db, store.as_ref()).await? {
                0 => tracing::info!("--demo: de database heeft al aanvragen; er is niets gezaaid"),
                n => tracing::info!(aantal = n, "--demo: demoronde vhf-2021 gezaaid (ingediende aanvragen met hun documenten, beoordelingen)"),
            }
        }
        // Verslagen van vóór migratie 0016 omzetten in vastleggingen, waar dat precies kan (zie de functie).
        match crate::handelingen::aanvragen::zet_verslagen_om(&db).await {
            Ok(o) if o.omgezet + o.gelaten == 0 => {}
            Ok(o) => tracing::info!(omgezet = o.omgezet, gelaten = o.gelaten, "bewaarde verslagen van toetsingen omgezet in vastleggingen (formaat 2)"),
            Err(e) => tracing::warn!("omzetten van bewaarde verslagen mislukt: {e:?}"),
        }
        match documenten::ruim_wezen_op(&db, store.as_ref()).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(aantal = n, "documenten zonder databaserij opgeruimd (achtergelaten door een crash)"),
            Err(e) => tracing::warn!("opruimen van de documentopslag mislukt: {e}"),
        }
        let opslag = documenten::Opslag { store, max_bytes: instellingen.max_document_bytes, deel_bytes };
        let oidc = instellingen.oidc.clone().map(oidc::Oidc::nieuw).transpose()?.map(Arc::new);
        let listener = tokio::net::TcpListener::bind(instellingen.adres).await.map_err(|e| format!("kan {} niet openen: {e}", instellingen.adres))?;
        let state = AppState {
            db,
            klok,
            metrieken: Arc::default(),
            opslag,
            sessiebeleid: instellingen.sessiebeleid.clone(),
            ontwikkel_login: instellingen.ontwikkel_login,
            oidc,
            achter_proxy: instellingen.achter_proxy,
        };
        Ok(Application { listener, router: router(state.clone()), state })
    }

    /// De database van deze server (voor `vhf serve --demo`, dat de demogebruikers noemt).
    pub fn database(&self) -> &Db {
        &self.state.db
    }

    pub fn poort(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub async fn run_until_stopped(self, stop: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        // Opruimen op de achtergrond: verlopen sessies (ook voorsessies van wie alleen de inlogpagina opende) en
        // oude inlogpogingen. Elk exemplaar doet het; dubbel opruimen kan geen kwaad.
        let state = self.state.clone();
        let opruimer = tokio::spawn(async move {
            let mut tik = tokio::time::interval(std::time::Duration::from_secs(300));
            loop {
                tik.tick().await;
                if let Err(e) = ruim_op(&state).await {
                    tracing::warn!("opruimen van sessies mislukt: {e}");
                }
            }
        });
        let r = self.serve(stop).await;
        opruimer.abort();
        r
    }

    async fn serve(self, stop: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        // Met het adres van de verbinding, voor het remmen van inlogpogingen.
        axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(stop).await
    }
}

/// De router: de webpagina's en de API uit het register (elk met zijn rolcontrole), de operationele routes,
/// en daaromheen identiteit, metrieken en de koppen die op elk antwoord staan.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(routes::router(routes::alle(), routes::Basis::Web).layer(axum::middleware::from_fn(crate::web::pagina::fouten_als_pagina)))
        .nest("/api/v1", routes::router(routes::alle(), routes::Basis::Api))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), identiteit::identificeer))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), metriek::meet))
        // Een adres zonder route: een Nederlandse pagina voor een browser, problem+json voor de API.
        .fallback(crate::web::pagina::onbekend_adres)
        // Binnen de laag hieronder, zodat ook deze 400 de koppen van elk antwoord krijgt.
        .layer(axum::middleware::from_fn(routes::weiger_nul_in_adres))
        .layer(axum::middleware::map_response(|r: axum::response::Response| async move {
            let mut r = fout::als_probleem(r).await;
            r.headers_mut().insert(HeaderName::from_static("api-version"), HeaderValue::from_static(API_VERSIE));
            identiteit::beveiligingskoppen(r.headers_mut());
            r
        }))
        .layer(axum::middleware::from_fn(metriek::verzoek_id_op_elk_antwoord))
        .layer(axum::extract::DefaultBodyLimit::max(vhf_core::invoer::MAX_BESTANDSGROOTTE))
        .with_state(state)
}

/// Het bedrijf van de server: levend, gereed (database bereikbaar) en de metrieken (voor Prometheus, met een
/// token van een beheerder of auditor). Ook deze routes staan in het register, met hun regel.
pub fn bedrijfsroutes() -> Vec<routes::Route> {
    use routes::{Auditor, Basis, Beheerder, Route, Toegang};
    vec![
        Route {
            methode: "GET",
            pad: "/healthz",
            samenvatting: "Leeft de server?",
            body: None,
            antwoorden: &[(200, "ok")],
            basis: Basis::Web,
            toegang: Toegang::Openbaar,
            handler: get(|| async { "ok" }),
        },
        Route {
            methode: "GET",
            pad: "/readyz",
            samenvatting: "Kan de server werken (database bereikbaar)?",
            body: None,
            antwoorden: &[(200, "gereed"), (503, "database niet bereikbaar")],
            basis: Basis::Web,
            toegang: Toegang::Openbaar,
            handler: get(gereed),
        },
        Route {
            methode: "GET",
            pad: "/metrics",
            samenvatting: "Prometheus-metrieken per routepatroon (scrape met een token)",
            body: None,
            antwoorden: &[(200, "tekstformaat van Prometheus")],
            basis: Basis::Web,
            toegang: Toegang::Rollen(&[Beheerder, Auditor]),
            handler: get(|axum::extract::State(s): axum::extract::State<AppState>| async move { s.metrieken.tekst(s.db.schrijftellers()) }),
        },
        Route {
            methode: "GET",
            pad: "/openapi.json",
            samenvatting: "Dit OpenAPI-document, gemaakt uit het routeregister",
            body: None,
            antwoorden: &[(200, "OpenAPI 3.1")],
            basis: Basis::Api,
            toegang: Toegang::Openbaar,
            handler: get(|| async { axum::Json(routes::openapi(&routes::alle())) }),
        },
    ]
}

async fn gereed(axum::extract::State(s): axum::extract::State<AppState>) -> (axum::http::StatusCode, &'static str) {
    if s.db.gereed().await { (axum::http::StatusCode::OK, "gereed") } else { (axum::http::StatusCode::SERVICE_UNAVAILABLE, "database niet bereikbaar") }
}

/// Een nieuw id: `prefix`, dan 48 bits tijd (milliseconden sinds 1970, de echte klok) en 40 bits willekeur, in hex.
/// Op tijd geordend, zodat nieuwe rijen in de indexen achteraan komen (een groep schrijvers raakt dezelfde
/// paar pagina's) in plaats van verspreid over een groeiende database; de willekeur maakt het onraadbaar genoeg
/// binnen dezelfde milliseconde. Een id geeft geen toegang: elke vraag controleert de rechten zelf.
pub(crate) fn nieuw_id(prefix: &str) -> String {
    let ms = u64::try_from(jiff::Timestamp::now().as_millisecond()).unwrap_or(0);
    let mut b = [0u8; 11];
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    getrandom::fill(&mut b[6..]).expect("het besturingssysteem levert willekeur");
    let mut uit = String::with_capacity(prefix.len() + 22);
    uit.push_str(prefix);
    uit.push_str(&vhf_core::levensloop::hex(&b));
    uit
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_zijn_op_tijd_geordend_en_verschillend() {
        let a = super::nieuw_id("AV");
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = super::nieuw_id("AV");
        assert!(a.starts_with("AV") && a.len() == 24, "{a}");
        assert!(a < b, "{a} < {b}");
        let veel: std::collections::BTreeSet<String> = (0..1000).map(|_| super::nieuw_id("AV")).collect();
        assert_eq!(veel.len(), 1000);
    }
}
