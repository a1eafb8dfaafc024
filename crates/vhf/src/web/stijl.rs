//! De stijl van de pagina's als bestanden: de gevendorde NL Design System-CSS (`static/nlds/`, versies en
//! licenties in `static/nlds/README.md`), onze eigen open tokens en aanvullingen, en het stijlblad van vhf zelf.
//! Alles zit in de binary: geen CDN en geen bestanden naast het programma.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::server::routes::{Basis, Route, Toegang};

/// (pad, inhoud) van elk stijlblad, in de volgorde waarin een pagina ze laadt.
pub const BLADEN: [(&str, &str); 4] = [
    ("/static/nlds/vhf-tokens.css", include_str!("../../static/nlds/vhf-tokens.css")),
    ("/static/nlds/component-library-css/index.css", include_str!("../../static/nlds/component-library-css/index.css")),
    ("/static/nlds/vhf-aanvullingen.css", include_str!("../../static/nlds/vhf-aanvullingen.css")),
    ("/static/vhf.css", include_str!("../../static/vhf.css")),
];

pub fn routes() -> Vec<Route> {
    BLADEN
        .iter()
        .map(|&(pad, inhoud)| Route {
            methode: "GET",
            pad,
            samenvatting: "Stijlblad van de pagina's (NL Design System, gevendord; eigen tokens en aanvullingen)",
            body: None,
            antwoorden: &[(200, "CSS")],
            basis: Basis::Web,
            toegang: Toegang::Openbaar,
            handler: get(move || async move {
                ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], inhoud).into_response()
            }),
        })
        .collect()
}
