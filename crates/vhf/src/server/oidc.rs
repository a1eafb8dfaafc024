//! Inloggen via OpenID Connect (eHerkenning voor gemeenten en de SSO van het ministerie komen in de praktijk via
//! een OIDC-broker binnen): authorization code flow met PKCE, `state` en `nonce`, met de crate `openidconnect`.
//!
//! State, nonce en PKCE-verifier staan bij de (voor)sessie in de database, niet in het geheugen van dit exemplaar:
//! de terugkeer mag bij een ander exemplaar achter de load balancer uitkomen. De rol komt uit een claim
//! (`rol_claim`), de gemeente van een aanvrager uit de organisatie-claim (OIN/KvK) via de tabel `organisaties` in
//! de configuratie. Wie niet te koppelen is, komt niet binnen — met een melding die zegt waarom.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreProviderMetadata};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::AppState;
use super::fout::ApiFout;
use super::identiteit::{Identiteit, sessiecookie};
use super::routes::{Basis, Route, Toegang};
use crate::config::OidcInstellingen;
use crate::db::toegang as db;
use crate::toegang::{Gebruiker, Rol};

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            methode: "GET",
            pad: "/auth/oidc/start",
            samenvatting: "Begin van het inloggen via de OIDC-broker (doorverwijzing met PKCE, state en nonce)",
            body: None,
            antwoorden: &[(303, "naar de broker"), (404, "geen OIDC ingesteld")],
            basis: Basis::Web,
            toegang: Toegang::Openbaar,
            handler: get(begin),
        },
        Route {
            methode: "GET",
            pad: "/auth/oidc/terugkeer",
            samenvatting: "Terugkeer van de broker: state, code (met PKCE), ID-token (handtekening, nonce, geldigheid) en claims",
            body: None,
            antwoorden: &[(303, "ingelogd"), (401, "inloggen mislukt"), (429, "te veel pogingen")],
            basis: Basis::Web,
            toegang: Toegang::Openbaar,
            handler: get(terugkeer),
        },
    ]
}

/// De OIDC-koppeling: instellingen, een HTTP-client zonder doorverwijzingen (tegen SSRF) en de metadata van
/// de broker (eenmaal opgehaald per exemplaar; een mislukte poging wordt niet onthouden).
pub struct Oidc {
    pub instellingen: OidcInstellingen,
    http: Http,
    metadata: tokio::sync::OnceCell<CoreProviderMetadata>,
}

impl Oidc {
    pub fn nieuw(instellingen: OidcInstellingen) -> Result<Oidc, String> {
        IssuerUrl::new(instellingen.issuer.clone()).map_err(|e| format!("oidc.issuer '{}': {e}", instellingen.issuer))?;
        RedirectUrl::new(instellingen.redirect_url.clone()).map_err(|e| format!("oidc.redirect_url '{}': {e}", instellingen.redirect_url))?;
        let mut wortels = Vec::with_capacity(webpki_root_certs::TLS_SERVER_ROOT_CERTS.len());
        for der in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
            wortels.push(reqwest::Certificate::from_der(der).map_err(|e| format!("ingebouwde basiscertificaten: {e}"))?);
        }
        // Zoals vóór de overstap van reqwest 0.12 naar 0.13: de ingebouwde basiscertificaten (niet die van het
        // systeem) en alleen HTTP/1.1.
        let http = crate::tls::bouwer()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .tls_certs_only(wortels)
            .http1_only()
            .build()
            .map_err(|e| format!("HTTP-client voor OIDC: {e}"))?;
        Ok(Oidc { instellingen, http: Http(http), metadata: tokio::sync::OnceCell::new() })
    }

    async fn metadata(&self) -> Result<&CoreProviderMetadata, ApiFout> {
        self.metadata
            .get_or_try_init(|| async {
                let issuer = IssuerUrl::new(self.instellingen.issuer.clone()).map_err(|e| ApiFout::Intern(e.to_string()))?;
                CoreProviderMetadata::discover_async(issuer, &self.http).await.map_err(|e| {
                    tracing::error!(fout = %e, "OIDC-broker niet bereikbaar of ongeldige metadata");
                    ApiFout::Status {
                        code: StatusCode::BAD_GATEWAY,
                        titel: "Inlogdienst niet bereikbaar".into(),
                        detail: "De inlogdienst (eHerkenning/rijksinlog) is nu niet bereikbaar. Probeer het over enkele minuten opnieuw.".into(),
                    }
                })
            })
            .await
    }
}

/// De HTTP-client van openidconnect: dezelfde reqwest als die van de documentopslag (één HTTP-client in de
/// boom), in plaats van openidconnects feature `reqwest` (reqwest 0.12). Doet wat die feature deed: het verzoek
/// versturen en status, versie, kopregels en body teruggeven, met dezelfde fouten.
struct Http(reqwest::Client);

type HttpFout = openidconnect::HttpClientError<reqwest::Error>;

impl<'c> openidconnect::AsyncHttpClient<'c> for Http {
    type Error = HttpFout;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<openidconnect::HttpResponse, HttpFout>> + Send + 'c>>;

    fn call(&'c self, verzoek: openidconnect::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let verzoek = reqwest::Request::try_from(verzoek).map_err(Box::new)?;
            let antwoord = self.0.execute(verzoek).await.map_err(Box::new)?;
            let mut b = axum::http::Response::builder().status(antwoord.status()).version(antwoord.version());
            for (naam, waarde) in antwoord.headers() {
                b = b.header(naam, waarde);
            }
            b.body(antwoord.bytes().await.map_err(Box::new)?.to_vec()).map_err(HttpFout::Http)
        })
    }
}

/// De client zoals de broker hem via discovery beschrijft: autorisatie- en tokenendpoint gezet, userinfo zo
/// mogelijk.
type Client = CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

impl Oidc {
    async fn client(&self) -> Result<Client, ApiFout> {
        let metadata = self.metadata().await?.clone();
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.instellingen.client_id.clone()),
            Some(ClientSecret::new(self.instellingen.client_secret.bloot().to_string())),
        )
        .set_redirect_uri(RedirectUrl::new(self.instellingen.redirect_url.clone()).map_err(|e| ApiFout::Intern(e.to_string()))?))
    }
}

/// De claims uit het userinfo-antwoord die we niet kennen als standaardclaim (rol, organisatie).
#[derive(Clone, Debug, Deserialize, Serialize)]
struct Overige {
    #[serde(flatten)]
    claims: BTreeMap<String, Value>,
}
impl AdditionalClaims for Overige {}

async fn begin(State(s): State<AppState>, ident: Identiteit) -> Result<Response, ApiFout> {
    let oidc = s.oidc.clone().ok_or(ApiFout::NietGevonden)?;
    let client = oidc.client().await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut verzoek = client.authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random).set_pkce_challenge(challenge);
    for scope in &oidc.instellingen.scopes {
        verzoek = verzoek.add_scope(Scope::new(scope.clone()));
    }
    let (url, state, nonce) = verzoek.url();
    // De (voor)sessie draagt state, nonce en verifier; zonder sessie maken we er een.
    let (cookie, hash) = match ident.sessie() {
        Some(h) => (None, h.to_string()),
        None => {
            let (id, hash, _) = super::sessies::nieuwe_voorsessie(&s, ident.adres).await?;
            (Some(id), hash)
        }
    };
    let mut tx = s.db.schrijf().await?;
    db::zet_oidc(&mut tx, &hash, state.secret(), nonce.secret(), verifier.secret()).await?;
    tx.commit().await?;
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_str(url.as_str()).map_err(|e| ApiFout::Intern(e.to_string()))?)]).into_response();
    if let Some(id) = cookie {
        r.headers_mut().insert(header::SET_COOKIE, sessiecookie(Some(&id)));
    }
    Ok(r)
}

#[derive(Deserialize)]
struct Terugkeer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

fn geweigerd(detail: impl Into<String>) -> ApiFout {
    ApiFout::NietIngelogdMet(detail.into())
}

async fn terugkeer(
    State(s): State<AppState>,
    ident: Identiteit,
    q: Result<Query<Terugkeer>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiFout> {
    let oidc = s.oidc.clone().ok_or(ApiFout::NietGevonden)?;
    let sleutel = format!("inloggen:{}", ident.adres);
    super::sessies::rem(&s, &sleutel).await?;
    match controleer(&s, &oidc, &ident, q.ok().map(|Query(q)| q)).await {
        Ok(g) => super::sessies::log_in(&s, &ident, &g, "oidc", &sleutel).await,
        Err(e) => {
            let reden = match &e {
                ApiFout::NietIngelogdMet(d) => d.clone(),
                _ => "interne fout of inlogdienst onbereikbaar".to_string(),
            };
            tracing::warn!(reden = %reden, "inloggen via OIDC geweigerd");
            super::sessies::mislukt(&s, &ident, &sleutel, &reden).await?;
            Err(e)
        }
    }
}

/// Alle controles van de terugkeer; geeft de gebruiker zoals die nu in de database staat.
async fn controleer(s: &AppState, oidc: &Oidc, ident: &Identiteit, q: Option<Terugkeer>) -> Result<Gebruiker, ApiFout> {
    let q = q.ok_or_else(|| geweigerd("De terugkeer van de inlogdienst is onvolledig."))?;
    if let Some(fout) = q.error {
        return Err(geweigerd(format!("De inlogdienst meldt: {fout} {}", q.error_description.unwrap_or_default())));
    }
    let (code, state) = q.code.zip(q.state).ok_or_else(|| geweigerd("De terugkeer mist code of state."))?;
    let hash = ident.sessie().ok_or_else(|| geweigerd("Er is geen sessie bij deze terugkeer (cookie ontbreekt). Begin opnieuw bij de inlogpagina."))?;
    let rij = {
        let mut c = s.db.lees().await?;
        db::sessie(&mut c, hash).await?.ok_or_else(|| geweigerd("De sessie bestaat niet meer. Begin opnieuw."))?
    };
    let (verwacht, nonce, verifier) = match (rij.oidc_state, rij.oidc_nonce, rij.oidc_pkce) {
        (Some(a), Some(b), Some(c)) => (a, b, c),
        _ => return Err(geweigerd("Deze sessie heeft geen lopende inlogpoging. Begin opnieuw.")),
    };
    // Eenmalig: state, nonce en verifier zijn na deze poging niet meer te gebruiken.
    {
        let mut tx = s.db.schrijf().await?;
        db::zet_oidc(&mut tx, hash, "", "", "").await?;
        tx.commit().await?;
    }
    if verwacht.is_empty() || !super::identiteit::gelijk(&state, &verwacht) {
        return Err(geweigerd("De state van de terugkeer hoort niet bij deze sessie (mogelijk een vervalst verzoek)."));
    }
    let client = oidc.client().await?;
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| ApiFout::Intern(format!("OIDC: {e}")))?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&oidc.http)
        .await
        .map_err(|e| geweigerd(format!("De inlogdienst wees de code af: {e}")))?;
    let id_token = token.id_token().ok_or_else(|| geweigerd("De inlogdienst gaf geen ID-token."))?;
    // Handtekening, uitgever, publiek (client_id), geldigheid en nonce.
    let claims = id_token.claims(&client.id_token_verifier(), &Nonce::new(nonce)).map_err(|e| geweigerd(format!("Het ID-token is ongeldig: {e}")))?;
    let subject = claims.subject().clone();
    let info: UserInfoClaims<Overige, CoreGenderClaim> = client
        .user_info(token.access_token().clone(), Some(subject.clone()))
        .map_err(|e| ApiFout::Intern(format!("OIDC userinfo: {e}")))?
        .request_async(&oidc.http)
        .await
        .map_err(|e| geweigerd(format!("De gegevens van de gebruiker zijn niet op te halen of horen niet bij dit ID-token: {e}")))?;
    let extra = &info.additional_claims().claims;
    let tekst = |naam: &str| extra.get(naam).and_then(Value::as_str).map(str::to_string);
    let inst = &oidc.instellingen;
    let rol: Rol = tekst(&inst.rol_claim)
        .ok_or_else(|| geweigerd(format!("De inlogdienst gaf geen rol (claim '{}'). Vraag uw beheerder om toegang tot vhf.", inst.rol_claim)))?
        .parse()
        .map_err(|e| geweigerd(format!("Rol niet bekend: {e}")))?;
    let gemeente = if rol == Rol::Aanvrager {
        let org =
            tekst(&inst.organisatie_claim).ok_or_else(|| geweigerd(format!("De inlogdienst gaf geen organisatie (claim '{}').", inst.organisatie_claim)))?;
        let code = inst
            .organisaties
            .get(&org)
            .ok_or_else(|| geweigerd(format!("Organisatie {org} is niet gekoppeld aan een gemeente. Vraag de beheerder van vhf om de koppeling.")))?;
        Some(vhf_core::codes::GemeenteCode::parse(code).map_err(|e| ApiFout::Intern(format!("oidc.organisaties: {e}")))?)
    } else {
        None
    };
    let naam = info.name().and_then(|n| n.get(None)).map(|n| n.to_string()).or_else(|| tekst("name")).unwrap_or_else(|| subject.to_string());
    let issuer = claims.issuer().to_string();
    let nu = (s.klok)().as_microsecond();
    let mut tx = s.db.schrijf().await?;
    let id = match db::via_oidc(&mut tx, &issuer, subject.as_str()).await? {
        Some(id) => id,
        None => {
            let id = format!("oidc-{}", &vhf_core::levensloop::sha256_hex(format!("{issuer}\u{1f}{}", subject.as_str()).as_bytes())[..16]);
            if db::haal(&mut tx, &id).await?.is_some() {
                return Err(ApiFout::Intern(format!("gebruiker {id} bestaat al zonder deze OIDC-identiteit")));
            }
            id
        }
    };
    let g = Gebruiker::nieuw(&id, &naam, rol, gemeente).map_err(geweigerd)?;
    // Een uitgeschakelde gebruiker komt er ook via de broker niet meer in (inloggen mag hem niet weer aanzetten).
    if db::haal_opgeslagen(&mut tx, &id).await?.is_some_and(|o| !o.actief) {
        return Err(geweigerd("Uw account is uitgeschakeld door een beheerder; u kunt niet inloggen."));
    }
    let vorige = db::sla_op(&mut tx, &g, Some((&issuer, subject.as_str())), nu).await?;
    if vorige.as_ref() != Some(&g) {
        let beschrijf = |g: &Gebruiker| serde_json::json!({ "naam": g.naam, "rol": g.rol.code(), "gemeente": g.gemeente.map(|x| x.to_string()) });
        let als = Identiteit { gebruiker: Some(g.clone()), ..ident.clone() };
        als.leg_vast(&mut tx, nu, "gebruiker.uit_oidc", format!("gebruiker/{id}"), None, vorige.as_ref().map(beschrijf), Some(beschrijf(&g))).await?;
    }
    tx.commit().await?;
    Ok(g)
}
