//! `vhf serve`: start de server op de ingebouwde standaard (SQLite-bestand in de datamap) of op PostgreSQL
//! (`DATABASE_URL`), en stopt netjes bij Ctrl-C of SIGTERM (lopende verzoeken worden afgemaakt).

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use crate::server::{Application, Instellingen};

use super::schrijf;

pub fn run(data_dir: &Path, bind: IpAddr, port: u16, tijdreis: Option<jiff::Timestamp>, demo: bool, fout: &mut impl Write) -> u8 {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::try_from_env("VHF_LOG").unwrap_or_else(|_| "info".into())).init();
    let database_url = match std::env::var("DATABASE_URL") {
        Ok(u) if !u.trim().is_empty() => u,
        _ => {
            if let Err(e) = std::fs::create_dir_all(data_dir) {
                let _ = schrijf(fout, &format!("vhf serve: kan de datamap {} niet maken: {e}", data_dir.display()));
                return 2;
            }
            format!("sqlite://{}?mode=rwc", data_dir.join("vhf.db").display())
        }
    };
    let max_mb: u64 = match std::env::var("VHF_MAX_DOCUMENT_MB") {
        Err(_) => 100,
        Ok(v) => match v.parse() {
            Ok(n) if (1..=10_240).contains(&n) => n,
            _ => {
                let _ = schrijf(fout, &format!("vhf serve: VHF_MAX_DOCUMENT_MB='{v}' is geen aantal megabytes van 1 tot 10240"));
                return 2;
            }
        },
    };
    let instellingen = Instellingen {
        database_url: database_url.clone(),
        adres: SocketAddr::new(bind, port),
        documenten: data_dir.join("documenten"),
        max_document_bytes: max_mb * 1024 * 1024,
        demo,
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf serve: {e}"));
            return 2;
        }
    };
    rt.block_on(async move {
        let klok: crate::server::Klok = match tijdreis {
            None => Arc::new(jiff::Timestamp::now),
            Some(begin) => {
                tracing::warn!(%begin, "TIJDREIS: de klok van deze server is verzet; alleen voor demo en tests, nooit in productie");
                let verschil = begin.as_microsecond() - jiff::Timestamp::now().as_microsecond();
                Arc::new(move || jiff::Timestamp::from_microsecond(jiff::Timestamp::now().as_microsecond() + verschil).expect("binnen bereik"))
            }
        };
        let app = match Application::build(&instellingen, klok).await {
            Ok(a) => a,
            Err(e) => {
                tracing::error!("vhf serve kan niet starten: {e}");
                return 2;
            }
        };
        tracing::info!(adres = %SocketAddr::new(bind, app.poort()), database = %crate::db::verberg_wachtwoord(&database_url), "vhf serve luistert");
        match app.run_until_stopped(stopsignaal()).await {
            Ok(()) => 0,
            Err(e) => {
                tracing::error!("server gestopt met een fout: {e}");
                1
            }
        }
    })
}

async fn stopsignaal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("stopsignaal ontvangen: lopende verzoeken worden afgemaakt");
}
