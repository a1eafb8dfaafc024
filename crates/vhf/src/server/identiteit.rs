//! Wie doet het verzoek? Middleware die bij elk verzoek de gebruiker vaststelt (API-token in
//! `Authorization: Bearer`, of het sessiecookie), sessies laat verlopen (inactief en absoluut), CSRF controleert
//! bij elke wijziging via een sessie, en de beveiligingskoppen op elk antwoord zet. Daarna controleert per route
//! [`vereis`] de rol uit het register.

use std::time::Duration;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::fout::ApiFout;
use crate::db::audit::Gebeurtenis;
use crate::db::toegang as db;
use crate::toegang::{Gebruiker, Reikwijdte, Toegang, Weigering};

/// Naam van het sessiecookie. `__Host-`: alleen over https (localhost telt in browsers als veilig), zonder
/// Domain, met Path=/ — een subdomein kan het niet overschrijven.
pub const COOKIE: &str = "__Host-vhf-sessie";
/// Kop waarin een browserscript het CSRF-token meestuurt; een formulier stuurt het veld `_csrf`.
pub const CSRF_KOP: &str = "x-csrf-token";

/// Instellingen voor sessies en inloggen.
#[derive(Clone, Debug)]
pub struct Sessiebeleid {
    /// Na zo lang zonder verzoek vervalt een sessie.
    pub inactief: Duration,
    /// Na zo lang vervalt een sessie hoe dan ook.
    pub absoluut: Duration,
    /// Zoveel mislukte inlogpogingen per sleutel binnen `pogingen_venster`; daarna 429.
    pub max_pogingen: i64,
    pub pogingen_venster: Duration,
}

impl Default for Sessiebeleid {
    fn default() -> Self {
        Sessiebeleid {
            inactief: Duration::from_secs(30 * 60),
            absoluut: Duration::from_secs(10 * 3600),
            max_pogingen: 5,
            pogingen_venster: Duration::from_secs(15 * 60),
        }
    }
}

/// Hoe de gebruiker zich meldde.
#[derive(Clone, Debug)]
pub enum Via {
    Niets,
    /// Een sessie (eventueel van vóór het inloggen, dan is er geen gebruiker).
    Sessie {
        id_hash: String,
        csrf: String,
    },
    Token(Reikwijdte),
}

/// De identiteit achter een verzoek; de middleware zet haar in de extensies, handlers nemen haar als argument.
#[derive(Clone, Debug)]
pub struct Identiteit {
    pub gebruiker: Option<Gebruiker>,
    pub via: Via,
    /// Er was een sessiecookie, maar de sessie is verlopen (voor een duidelijke melding).
    pub verlopen: bool,
    pub verzoek_id: String,
    /// Het adres van de klant (voor het remmen van inlogpogingen).
    pub adres: std::net::IpAddr,
}

impl Identiteit {
    /// De ingelogde gebruiker; routes met [`Toegang::Rollen`] hebben er altijd een.
    pub fn gebruiker(&self) -> Result<&Gebruiker, ApiFout> {
        self.gebruiker.as_ref().ok_or(ApiFout::NietIngelogd(self.verlopen))
    }

    /// Een regel voor het audittrail namens deze gebruiker.
    pub fn gebeurtenis<'a>(&'a self, op: i64, actie: &'a str, object: String, aanvraag_id: Option<&'a str>) -> Gebeurtenis<'a> {
        let (actor, rol) = match &self.gebruiker {
            Some(g) => (g.id.as_str(), g.rol.code()),
            None => ("anoniem", "publiek"),
        };
        Gebeurtenis { op, actor, rol, actie, object, aanvraag_id, voor: None, na: None, verzoek_id: &self.verzoek_id }
    }

    /// Schrijft een regel in het audittrail, in de transactie van de wijziging.
    #[allow(clippy::too_many_arguments)]
    pub async fn leg_vast(
        &self,
        c: &mut impl crate::db::Verbinding,
        op: i64,
        actie: &str,
        object: String,
        aanvraag_id: Option<&str>,
        voor: Option<serde_json::Value>,
        na: Option<serde_json::Value>,
    ) -> Result<(), ApiFout> {
        let mut g = self.gebeurtenis(op, actie, object, aanvraag_id);
        g.voor = voor.map(|v| v.to_string());
        g.na = na.map(|v| v.to_string());
        crate::db::audit::schrijf(c, g).await?;
        Ok(())
    }

    /// De naam waaronder deze gebruiker in statusovergangen en besluiten staat.
    pub fn actor(&self) -> String {
        self.gebruiker.as_ref().map_or_else(|| "anoniem".to_string(), |g| format!("{} ({})", g.id, g.rol))
    }

    /// Het id van de sessie (hash), als het verzoek met een sessie kwam.
    pub fn sessie(&self) -> Option<&str> {
        match &self.via {
            Via::Sessie { id_hash, .. } => Some(id_hash),
            _ => None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Identiteit {
    type Rejection = ApiFout;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Identiteit>().cloned().ok_or_else(|| ApiFout::Intern("identiteit ontbreekt: middleware niet geplaatst".into()))
    }
}

/// Het verzoek-id, gezet door de metriek-middleware.
#[derive(Clone, Debug)]
pub struct VerzoekId(pub String);

/// Een nieuw geheim van 32 willekeurige bytes, hexadecimaal.
pub fn geheim() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("het besturingssysteem levert willekeur");
    vhf_core::levensloop::hex(&b)
}

/// Vergelijkt zonder vroeg te stoppen, zodat de duur niets over het geheim verraadt.
pub fn gelijk(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn cookie_waarde(h: &HeaderMap, naam: &str) -> Option<String> {
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == naam)
        .map(|(_, v)| v.to_string())
}

/// Set-Cookie voor een sessie; `None` wist het cookie.
pub fn sessiecookie(id: Option<&str>) -> HeaderValue {
    let v = match id {
        Some(id) => format!("{COOKIE}={id}; Path=/; HttpOnly; Secure; SameSite=Lax"),
        None => format!("{COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0"),
    };
    HeaderValue::from_str(&v).expect("cookie")
}

fn veilig(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Middleware: stelt de identiteit vast en controleert CSRF. Antwoordt zelf alleen bij een ongeldig token (401)
/// of een wijziging via een sessie zonder geldig CSRF-token (403).
pub async fn identificeer(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let verzoek_id = req.extensions().get::<VerzoekId>().map(|v| v.0.clone()).unwrap_or_default();
    let nu = (s.klok)().as_microsecond();
    let adres = klantadres(&req, s.achter_proxy);
    let mut ident = Identiteit { gebruiker: None, via: Via::Niets, verlopen: false, verzoek_id, adres };
    let auth = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    let mut req = req;
    if let Some(auth) = auth {
        let Some(token) = auth.strip_prefix("Bearer ").map(str::trim) else {
            return ApiFout::NietIngelogdMet("De kop Authorization verwacht 'Bearer <token>'.".into()).into_response();
        };
        let gevonden = match s.db.lees().await {
            Ok(mut c) => db::token(&mut c, &vhf_core::levensloop::sha256_hex(token.as_bytes()), nu).await,
            Err(e) => return ApiFout::from(e).into_response(),
        };
        match gevonden {
            Ok(Some((g, r))) => {
                ident.gebruiker = Some(g);
                ident.via = Via::Token(r);
            }
            Ok(None) => return ApiFout::NietIngelogdMet("Dit token is onbekend, verlopen of ingetrokken.".into()).into_response(),
            Err(e) => return ApiFout::from(e).into_response(),
        }
    } else if let Some(id) = cookie_waarde(req.headers(), COOKIE) {
        let id_hash = vhf_core::levensloop::sha256_hex(id.as_bytes());
        let rij = match s.db.lees().await {
            Ok(mut c) => db::sessie(&mut c, &id_hash).await,
            Err(e) => return ApiFout::from(e).into_response(),
        };
        match rij {
            Err(e) => return ApiFout::from(e).into_response(),
            Ok(None) => ident.verlopen = true,
            Ok(Some(r)) => {
                let b = &s.sessiebeleid;
                let te_lang_stil = nu - r.laatst_gezien > b.inactief.as_micros() as i64;
                let te_oud = nu - r.aangemaakt_op > b.absoluut.as_micros() as i64;
                if te_lang_stil || te_oud {
                    ident.verlopen = true;
                    if let Ok(mut tx) = s.db.schrijf().await {
                        let _ = db::verwijder_sessie(&mut tx, &id_hash).await;
                        let _ = tx.commit().await;
                    }
                } else {
                    if !veilig(req.method()) {
                        let (r2, token) = match csrf_uit(req).await {
                            Ok(x) => x,
                            Err(resp) => return resp,
                        };
                        req = r2;
                        if !token.is_some_and(|t| gelijk(&t, &r.csrf)) {
                            return ApiFout::Status {
                                code: axum::http::StatusCode::FORBIDDEN,
                                titel: "CSRF-token ontbreekt of klopt niet".into(),
                                detail: format!(
                                    "Een wijziging via een sessie heeft het CSRF-token nodig (kop {CSRF_KOP} of formulierveld _csrf). Laad de pagina opnieuw."
                                ),
                            }
                            .into_response();
                        }
                    }
                    // Alleen bijwerken als het er toe doet: niet bij elk verzoek een schrijfactie.
                    if nu - r.laatst_gezien > 60_000_000
                        && let Ok(mut tx) = s.db.schrijf().await
                    {
                        let _ = db::raak_sessie_aan(&mut tx, &id_hash, nu).await;
                        let _ = tx.commit().await;
                    }
                    ident.gebruiker = r.gebruiker;
                    ident.via = Via::Sessie { id_hash, csrf: r.csrf };
                }
            }
        }
    }
    req.extensions_mut().insert(ident);
    next.run(req).await
}

/// Het adres van de klant: dat van de verbinding, of achter een eigen proxy het laatste adres in
/// X-Forwarded-For (het adres dat onze proxy toevoegde; eerdere adressen kan de klant zelf verzinnen).
fn klantadres(req: &Request, achter_proxy: bool) -> std::net::IpAddr {
    let verbinding = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map_or(std::net::IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    if !achter_proxy {
        return verbinding;
    }
    req.headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()
        .and_then(|a| a.trim().parse().ok())
        .unwrap_or(verbinding)
}

/// Haalt het CSRF-token uit de kop of, bij een formulier, uit het veld `_csrf` (de body wordt daarvoor gelezen,
/// met een grens, en weer teruggezet).
async fn csrf_uit(req: Request) -> Result<(Request, Option<String>), Response> {
    if let Some(t) = req.headers().get(CSRF_KOP).and_then(|v| v.to_str().ok()) {
        let t = t.to_string();
        return Ok((req, Some(t)));
    }
    let soort = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    if soort.starts_with("multipart/form-data") {
        return Ok(csrf_uit_multipart(req, &soort).await);
    }
    let is_formulier = soort.starts_with("application/x-www-form-urlencoded");
    if !is_formulier {
        return Ok((req, None));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.map_err(|_| {
        ApiFout::Status {
            code: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            titel: "Formulier te groot".into(),
            detail: "Een formulier is hoogstens 64 KB.".into(),
        }
        .into_response()
    })?;
    let token = form_veld(&bytes, "_csrf");
    Ok((Request::from_parts(parts, axum::body::Body::from(bytes)), token))
}

/// Een formulier met een bestand (`multipart/form-data`): het CSRF-token moet het eerste deel zijn (`_csrf`, zo
/// staat het bovenaan elk formulier). Alleen het begin van de body wordt gelezen (hoogstens 16 KB, tot dat deel
/// compleet is) en daarna weer vóór de rest gezet, zodat een groot bestand gewoon doorstroomt.
async fn csrf_uit_multipart(req: Request, soort: &str) -> (Request, Option<String>) {
    use futures_util::StreamExt;
    let Some(grens) = soort.split(';').filter_map(|d| d.trim().strip_prefix("boundary=")).next().map(|g| g.trim_matches('"').to_string()) else {
        return (req, None);
    };
    let (delen, body) = req.into_parts();
    let mut stroom = body.into_data_stream();
    let mut begin: Vec<u8> = Vec::new();
    let scheiding = format!("\r\n--{grens}");
    while begin.len() < 16 * 1024 {
        match stroom.next().await {
            Some(Ok(b)) => begin.extend_from_slice(&b),
            _ => break,
        }
        // Het eerste deel is compleet als na de eerste grens een tweede volgt.
        if begin.windows(scheiding.len()).filter(|w| *w == scheiding.as_bytes()).count() >= 1 {
            break;
        }
    }
    let token = eerste_deel(&begin, &grens).filter(|(naam, _)| naam == "_csrf").map(|(_, w)| w);
    let voor = axum::body::Bytes::from(begin);
    let rest = futures_util::stream::once(async move { Ok::<_, axum::Error>(voor) }).chain(stroom);
    (Request::from_parts(delen, axum::body::Body::from_stream(rest)), token)
}

/// Naam en waarde van het eerste deel van een multipart-body (als het een gewoon tekstveld is).
fn eerste_deel(body: &[u8], grens: &str) -> Option<(String, String)> {
    let tekst = std::str::from_utf8(body.get(..body.len().min(16 * 1024))?).ok().or_else(|| {
        // Het begin kan midden in een bestand eindigen: alleen het geldige UTF-8-deel.
        let n = std::str::from_utf8(body).err()?.valid_up_to();
        std::str::from_utf8(&body[..n]).ok()
    })?;
    let na_grens = tekst.strip_prefix(&format!("--{grens}\r\n"))?;
    let (koppen, rest) = na_grens.split_once("\r\n\r\n")?;
    if koppen.to_ascii_lowercase().contains("filename=") {
        return None;
    }
    let naam = koppen.split("name=\"").nth(1)?.split('"').next()?.to_string();
    let waarde = rest.split_once(&format!("\r\n--{grens}"))?.0.to_string();
    Some((naam, waarde))
}

fn form_veld(body: &[u8], naam: &str) -> Option<String> {
    form_urlencoded(body).into_iter().find(|(k, _)| k == naam).map(|(_, v)| v)
}

/// `a=b&c=d` met %-codering en `+` als spatie.
pub fn form_urlencoded(body: &[u8]) -> Vec<(String, String)> {
    fn hex(x: u8) -> Option<u8> {
        (x as char).to_digit(16).map(|d| d as u8)
    }
    fn decodeer(s: &[u8]) -> String {
        let mut uit = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            match (s[i], s.get(i + 1).copied().and_then(hex), s.get(i + 2).copied().and_then(hex)) {
                (b'+', _, _) => uit.push(b' '),
                (b'%', Some(h), Some(l)) => {
                    uit.push(h * 16 + l);
                    i += 2;
                }
                (x, _, _) => uit.push(x),
            }
            i += 1;
        }
        String::from_utf8_lossy(&uit).into_owned()
    }
    body.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.iter().position(|b| *b == b'=') {
            Some(i) => (decodeer(&p[..i]), decodeer(&p[i + 1..])),
            None => (decodeer(p), String::new()),
        })
        .collect()
}

/// Per route: is de rol toegestaan? 401 zonder login (met de melding dat de sessie verliep, als dat zo is), 403
/// met een verkeerde rol of met een alleen-lezen-token bij een wijziging.
pub async fn vereis(toegang: Toegang, req: Request, next: Next) -> Response {
    let Some(ident) = req.extensions().get::<Identiteit>() else {
        return ApiFout::Intern("identiteit ontbreekt".into()).into_response();
    };
    match toegang.toegestaan(ident.gebruiker.as_ref().map(|g| g.rol)) {
        Err(Weigering::NietIngelogd) => return ApiFout::NietIngelogd(ident.verlopen).into_response(),
        Err(Weigering::GeenRecht) => {
            return ApiFout::GeenRecht(format!(
                "Uw rol ({}) geeft geen toegang tot deze functie.",
                ident.gebruiker.as_ref().map(|g| g.rol.code()).unwrap_or("publiek")
            ))
            .into_response();
        }
        Ok(()) => {}
    }
    if matches!(ident.via, Via::Token(Reikwijdte::Lezen)) && !veilig(req.method()) && toegang != Toegang::Openbaar {
        return ApiFout::GeenRecht("Dit token mag alleen lezen.".into()).into_response();
    }
    next.run(req).await
}

/// De beveiligingskoppen, op elk antwoord (ook fouten en de openbare routes).
pub fn beveiligingskoppen(h: &mut HeaderMap) {
    let vast: [(&str, &str); 8] = [
        (
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
        ("strict-transport-security", "max-age=31536000; includeSubDomains"),
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
    ];
    for (k, v) in vast {
        h.insert(k, HeaderValue::from_static(v));
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn csrf_als_eerste_deel_van_een_formulier_met_bestand() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nab/c\r\n--XyZ\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"a.pdf\"\r\n\r\n%PDF\xff\xfe";
        assert_eq!(super::eerste_deel(body, "XyZ"), Some(("_csrf".into(), "ab/c".into())));
        // Een bestand als eerste deel is geen token; een ander veld ook niet (de aanroeper eist de naam _csrf).
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"; filename=\"x\"\r\n\r\nab\r\n--XyZ";
        assert_eq!(super::eerste_deel(body, "XyZ"), None);
        assert_eq!(super::eerste_deel(b"--XyZ\r\nContent-Disposition: form-data; name=\"soort\"\r\n\r\nx\r\n--XyZ", "XyZ").map(|d| d.0), Some("soort".into()));
        assert_eq!(super::eerste_deel(b"rommel", "XyZ"), None);
    }

    #[test]
    fn formulieren_en_cookies_lezen() {
        let v = super::form_urlencoded(b"_csrf=ab%2Fc&naam=Jan+de+Vries&leeg=&x=%zz&%C3%A9=%C3%A9");
        assert_eq!(v[0], ("_csrf".into(), "ab/c".into()));
        assert_eq!(v[1].1, "Jan de Vries");
        assert_eq!(v[2].1, "");
        assert_eq!(v[3].1, "%zz");
        assert_eq!(v[4], ("é".into(), "é".into()));
        let mut h = axum::http::HeaderMap::new();
        h.insert("cookie", "a=1; __Host-vhf-sessie=xyz; b=2".parse().unwrap());
        assert_eq!(super::cookie_waarde(&h, super::COOKIE).as_deref(), Some("xyz"));
        assert!(super::gelijk("abc", "abc") && !super::gelijk("abc", "abd") && !super::gelijk("abc", "ab"));
    }

    #[test]
    fn klantadres_alleen_uit_forwarded_for_achter_een_eigen_proxy() {
        let req = || {
            let mut r = axum::http::Request::builder().header("x-forwarded-for", "6.6.6.6, 192.0.2.7").body(axum::body::Body::empty()).unwrap();
            r.extensions_mut().insert(axum::extract::ConnectInfo("10.0.0.2:5000".parse::<std::net::SocketAddr>().unwrap()));
            r
        };
        // Zonder proxy: de verbinding; een verzonnen kop telt niet.
        assert_eq!(super::klantadres(&req(), false).to_string(), "10.0.0.2");
        // Achter onze proxy: het laatste adres (dat de proxy toevoegde), niet het eerste (dat de klant verzon).
        assert_eq!(super::klantadres(&req(), true).to_string(), "192.0.2.7");
    }
}
