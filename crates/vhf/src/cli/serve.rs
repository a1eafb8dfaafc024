//! `vhf serve`: start de server op de ingebouwde standaard (SQLite-bestand in de datamap) of op PostgreSQL
//! (`DATABASE_URL`), en stopt netjes bij Ctrl-C of SIGTERM (lopende verzoeken worden afgemaakt).

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::config::{Configuratie, Modus, Opdrachtregel};
use crate::server::{Application, Instellingen};

use super::schrijf;

/// Waar de klok van `vhf serve --demo` begint (UTC): maandag 17 mei 2021, 10:00 in Nederland, twee dagen voor het
/// (verlengde) loket van ronde 2021 sluit.
pub const DEMOMOMENT: &str = "2021-05-17T08:00:00Z";

pub fn run(opdrachtregel: &Opdrachtregel, tijdreis: Option<jiff::Timestamp>, demo: bool, fout: &mut impl Write) -> u8 {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::try_from_env("VHF_LOG").unwrap_or_else(|_| "info".into())).init();
    let c = match Configuratie::laad(opdrachtregel, |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf serve: {e}"));
            return 2;
        }
    };
    if c.modus == Modus::Productie && (demo || tijdreis.is_some()) {
        let _ = schrijf(fout, "vhf serve: --demo en --tijdreis zijn in productie niet toegestaan (modus = productie); de server start niet.");
        return 2;
    }
    if c.database_url.is_none()
        && let Err(e) = std::fs::create_dir_all(&c.data_dir)
    {
        let _ = schrijf(fout, &format!("vhf serve: kan de datamap {} niet maken: {}", c.data_dir.display(), super::io_melding(&e)));
        return 2;
    }
    tracing::info!(configuratie = ?c, "configuratie");
    let database_url = c.database_url();
    let instellingen = Instellingen {
        database_url: database_url.clone(),
        adres: SocketAddr::new(c.bind, c.port),
        documenten: c.data_dir.join("documenten"),
        max_document_bytes: c.max_document_mb * 1024 * 1024,
        demo,
        ontwikkel_login: c.ontwikkel_login,
        achter_proxy: c.achter_proxy,
        s3: c.s3.clone(),
        oidc: c.oidc.clone(),
        sessiebeleid: c.sessiebeleid.clone(),
    };
    let bind = c.bind;
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf serve: {e}"));
            return 2;
        }
    };
    // De demo zonder --tijdreis: de klok op een moment waarop het loket van de demoronde (vhf-2021) open is, zodat
    // een demogemeente kan indienen. Elke pagina zegt dat de klok verzet is.
    let tijdreis = tijdreis.or_else(|| demo.then_some(DEMOMOMENT).and_then(|m| m.parse().ok()));
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
        if instellingen.demo {
            // Voor wie alleen de README las: waar het is en met wie je kunt inloggen (de ontwikkel-login).
            let adres = SocketAddr::new(bind, app.poort());
            let mut tekst = format!("\nvhf serve --demo luistert op http://{adres}/ — inloggen: http://{adres}/auth/inloggen (kies een demogebruiker)\n");
            if let Some(t) = tijdreis {
                tekst.push_str(&format!(
                    "Demoklok: de server rekent met {} (Nederlandse tijd) als nu en loopt door; elke pagina zegt het.\n",
                    crate::web::pagina::lokaal(t)
                ));
            }
            if let Ok(mut c) = app.database().lees().await
                && let Ok(gebruikers) = crate::db::toegang::lijst(&mut c).await
            {
                for g in gebruikers {
                    let gemeente = g.gemeente.map(|x| format!(", {x}")).unwrap_or_default();
                    tekst.push_str(&format!("  {:<22} {} ({}{gemeente})\n", g.id, g.naam, g.rol));
                }
            }
            println!("{tekst}");
        }
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
