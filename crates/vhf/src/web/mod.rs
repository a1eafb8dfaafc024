//! De webpagina's: server-gerenderde HTML (askama-sjablonen in `crates/vhf/templates/`) boven dezelfde kern,
//! opslag, rollen, zichtfilter, CSRF en audittrail als de API. Een pagina is een regel in het routeregister
//! (`server/routes.rs`, basis [`Basis::Web`](crate::server::routes::Basis)), zodat de autorisatiematrix haar dekt.
//!
//! - [`pagina`]: het kader van elke pagina (wie is ingelogd, in welke rol, het menu, de klok), het renderen en de
//!   Nederlandse foutpagina's;
//! - [`openbaar`]: het publieke dashboard op `/` met de kaart, de open data (CSV, JSON) en de
//!   toegankelijkheidsverklaring;
//! - [`publicatie`]: de toekenningen per deelplan (CSV, JSON, XLSX), de tabel voor de Kamerbrief en het
//!   Excel-sjabloon van een aanvraag;
//! - [`kaart`]: de gemeentegrenzen als SVG-paden en de kleurklassen van de kaart;
//! - [`uitvoering`]: na het besluit: de monitoring per ronde en per uitkering de betalingen, SiSa-opgaven,
//!   wijzigingen en de vaststelling, met de acties van elke rol;
//! - [`stijl`]: de gevendorde NL Design System-stijl als bestanden (geen CDN).
//!
//! Alle Nederlandse teksten van een pagina staan in haar sjabloon; een Engelse versie is een tweede sjabloonmap.

pub mod aanvragen;
pub mod behandeling;
pub mod beheer;
pub mod besluiten;
pub mod commissie;
pub mod formulier;
pub mod kaart;
pub mod ondersteuning;
pub mod openbaar;
pub mod pagina;
pub mod publicatie;
pub mod stijl;
pub mod uitvoering;
pub mod verdeling;

use crate::server::routes::Route;

/// De routes van de webpagina's (de inlogpagina's staan bij de sessies, `server/sessies.rs`).
pub fn routes() -> Vec<Route> {
    let mut v = stijl::routes();
    v.extend(openbaar::routes());
    v.extend(publicatie::routes());
    v.extend(aanvragen::routes());
    v.extend(behandeling::routes());
    v.extend(commissie::routes());
    v.extend(verdeling::routes());
    v.extend(beheer::routes());
    v.extend(besluiten::routes());
    v.extend(uitvoering::routes());
    v.extend(ondersteuning::routes());
    v
}
