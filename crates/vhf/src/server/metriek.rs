//! Waarneembaarheid: een verzoek-id per verzoek (kop `X-Request-Id`, ook in elke logregel), gestructureerde
//! logs via tracing, en Prometheus-metrieken op `/metrics` (aantallen per route en status, duur in emmers).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use super::AppState;

/// Grenzen van de duur-emmers, in seconden.
const EMMERS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default)]
pub struct Metrieken {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// (methode, route, status) → aantal
    verzoeken: BTreeMap<(String, String, u16), u64>,
    /// (methode, route) → (emmers, som, aantal)
    duur: BTreeMap<(String, String), ([u64; EMMERS.len()], f64, u64)>,
}

impl Metrieken {
    fn tel(&self, methode: &str, route: &str, status: u16, seconden: f64) {
        let mut m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *m.verzoeken.entry((methode.to_string(), route.to_string(), status)).or_insert(0) += 1;
        let d = m.duur.entry((methode.to_string(), route.to_string())).or_insert(([0; EMMERS.len()], 0.0, 0));
        for (i, grens) in EMMERS.iter().enumerate() {
            if seconden <= *grens {
                d.0[i] += 1;
            }
        }
        d.1 += seconden;
        d.2 += 1;
    }

    /// Prometheus-tekstformaat; met de tellers van de SQLite-schrijver als die er is.
    pub fn tekst(&self, schrijver: Option<&crate::db::groep::Tellers>) -> String {
        let m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut t = String::new();
        if let Some(g) = schrijver {
            use std::sync::atomic::Ordering::Relaxed;
            let s = |us: &std::sync::atomic::AtomicU64| us.load(Relaxed) as f64 / 1e6;
            for (naam, help, soort, waarde) in [
                (
                    "vhf_sqlite_schrijfbeurten_total",
                    "Schrijvende transacties (savepoints) op de ene SQLite-schrijver.",
                    "counter",
                    g.deelnames.load(Relaxed) as f64,
                ),
                (
                    "vhf_sqlite_schrijfbeurt_seconds_total",
                    "Tijd dat verzoeken samen de schrijfbeurt hielden (de kritieke sectie).",
                    "counter",
                    s(&g.beurt_microseconden),
                ),
                ("vhf_sqlite_groepscommits_total", "COMMITs van een groep (elk één fsync).", "counter", g.commits.load(Relaxed) as f64),
                (
                    "vhf_sqlite_groepscommits_mislukt_total",
                    "Mislukte COMMITs (iedereen in de groep kreeg een fout).",
                    "counter",
                    g.mislukte_commits.load(Relaxed) as f64,
                ),
                ("vhf_sqlite_groepscommit_seconds_total", "Tijd in COMMIT (WAL schrijven en fsync).", "counter", s(&g.commit_microseconden)),
            ] {
                let _ = writeln!(t, "# HELP {naam} {help}\n# TYPE {naam} {soort}\n{naam} {waarde}");
            }
        }
        t.push_str("# HELP vhf_http_requests_total Afgehandelde HTTP-verzoeken.\n# TYPE vhf_http_requests_total counter\n");
        for ((methode, route, status), n) in &m.verzoeken {
            let _ = writeln!(t, "vhf_http_requests_total{{method=\"{methode}\",route=\"{route}\",status=\"{status}\"}} {n}");
        }
        t.push_str("# HELP vhf_http_request_duration_seconds Duur van HTTP-verzoeken.\n# TYPE vhf_http_request_duration_seconds histogram\n");
        for ((methode, route), (emmers, som, aantal)) in &m.duur {
            for (grens, n) in EMMERS.iter().zip(emmers) {
                let _ = writeln!(t, "vhf_http_request_duration_seconds_bucket{{method=\"{methode}\",route=\"{route}\",le=\"{grens}\"}} {n}");
            }
            let _ = writeln!(t, "vhf_http_request_duration_seconds_bucket{{method=\"{methode}\",route=\"{route}\",le=\"+Inf\"}} {aantal}");
            let _ = writeln!(t, "vhf_http_request_duration_seconds_sum{{method=\"{methode}\",route=\"{route}\"}} {som}");
            let _ = writeln!(t, "vhf_http_request_duration_seconds_count{{method=\"{methode}\",route=\"{route}\"}} {aantal}");
        }
        t
    }
}

fn verzoek_id(req: &Request) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .map(str::to_string)
        .unwrap_or_else(|| {
            let mut b = [0u8; 8];
            getrandom::fill(&mut b).expect("willekeur");
            vhf_core::levensloop::hex(&b)
        })
}

/// Middleware: verzoek-id, logregel met route, status en duur, en de metrieken. De route is het patroon
/// (`/api/v1/aanvragen/{id}`), nooit het concrete pad, zodat er geen kenmerken in de metrieken lekken.
pub async fn meet(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let id = req.extensions().get::<super::identiteit::VerzoekId>().map_or_else(|| verzoek_id(&req), |v| v.0.clone());
    let methode = req.method().to_string();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "onbekend".to_string(), |p| p.as_str().to_string());
    let begin = Instant::now();
    let span = tracing::info_span!("verzoek", verzoek_id = %id, methode = %methode, route = %route);
    let mut req = req;
    req.extensions_mut().insert(super::identiteit::VerzoekId(id.clone()));
    let mut r = next.run(req).instrument(span.clone()).await;
    let duur = begin.elapsed().as_secs_f64();
    let status = r.status().as_u16();
    s.metrieken.tel(&methode, &route, status, duur);
    span.in_scope(|| tracing::info!(status, duur_ms = duur * 1000.0, "verzoek afgehandeld"));
    if let Ok(v) = HeaderValue::from_str(&id) {
        r.headers_mut().insert("x-request-id", v);
    }
    r
}

/// Middleware om de hele router (ook om antwoorden die niet uit een route komen: onbekend pad, verkeerde methode,
/// een te grote body): elk verzoek krijgt zijn verzoek-id, en elk antwoord draagt het in `X-Request-Id`.
pub async fn verzoek_id_op_elk_antwoord(req: Request, next: Next) -> Response {
    let id = verzoek_id(&req);
    let mut req = req;
    req.extensions_mut().insert(super::identiteit::VerzoekId(id.clone()));
    let mut r = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        r.headers_mut().insert("x-request-id", v);
    }
    r
}
