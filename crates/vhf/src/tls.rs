//! Eén HTTP-client en één TLS-stapel voor alles wat vhf naar buiten doet: reqwest 0.13 met rustls op `ring`, voor
//! de documentopslag (S3, via object_store) en voor de OIDC-broker.
//!
//! reqwest kiest met de feature `rustls-no-provider` zelf geen cryptografie (zijn eigen keuze zou aws-lc-rs zijn,
//! een grote C-bouw); rustls moet dan een procesbrede aanbieder hebben vóórdat er een client gebouwd wordt, anders
//! stopt reqwest met een paniek. [`kies_aanbieder`] zet die; `main`, [`crate::server::Application::build`] en
//! [`bouwer`] roepen haar aan, dus wie via die weg een client maakt, hoeft er niet aan te denken.

/// Zet `ring` als cryptografie van rustls voor dit proces. Vaker aanroepen kan: wat al gekozen is, blijft staan.
pub fn kies_aanbieder() {
    // Een fout betekent alleen dat er al een aanbieder is (van een eerdere aanroep).
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Een reqwest-bouwer met de aanbieder gekozen; voor elke client in dit proces (ook in de tests).
pub fn bouwer() -> reqwest::ClientBuilder {
    kies_aanbieder();
    reqwest::Client::builder()
}
