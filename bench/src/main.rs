//! Crashtest en lasttest van `vhf serve` op deze machine (alleen 127.0.0.1; elke lus is begrensd in tijd en
//! aantal en stopt vanzelf).
//!
//! ```text
//! vhf-bench crash  [--vhf PAD] [--rondes 3] [--werkers 32] [--ms 1500]
//! vhf-bench load   [--vhf PAD] [--seconden 10] [--schrijvers 32] [--lezers 8] [--database-url postgres://…] [--schijf 5]
//! vhf-bench schijf [--seconden 5]
//! vhf-bench paginas [--vhf PAD] [--aanvragen 1000] [--keer 200] [--clients 4] [--opwarmen 20]
//! ```
//!
//! `crash`: veel gelijktijdige indieningen, SIGKILL van de server midden in de stroom, herstart, en de controle
//! dat elk bevestigd ontvangstbewijs er is en klopt, en dat er geen halve aanvraag bestaat (ingediend zonder
//! ontvangstbewijs, of een ontvangstbewijs bij een concept). `load`: de deadline-drukte (aanmaken + indienen,
//! en lezers), met doorvoer, p50/p99 en piekgeheugen (VmHWM) van de server; met `--database-url` op PostgreSQL
//! (in een nieuw schema, dat na afloop weer weg is) in plaats van SQLite, met `--schijf S` direct daarna de kale
//! schijfmeting van S seconden en de verhouding. `schijf`: de grens van de schijf,
//! een kale SQLite-insert met fsync per transactie, om de server mee te vergelijken. `paginas`: de latentie van
//! het publieke dashboard en de werkvoorraad van de behandelaar met een volle database (`vhf serve --demo` plus
//! `--aanvragen` ingediende aanvragen), vóór en na een besluit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

const TIJDREIS: &str = "2021-05-10T08:00:00Z";

fn arg(args: &[String], naam: &str, standaard: &str) -> String {
    args.windows(2).find(|w| w[0] == naam).map_or_else(|| standaard.to_string(), |w| w[1].clone())
}

fn vhf_pad(args: &[String]) -> PathBuf {
    let standaard = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_string()) + "/release/vhf";
    let p = PathBuf::from(arg(args, "--vhf", &standaard));
    if !p.exists() {
        eprintln!("vhf-bench: {} bestaat niet; bouw eerst `cargo build --release -p vhf` of geef --vhf PAD", p.display());
        std::process::exit(2);
    }
    p
}

fn vrije_poort() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("vrije poort")
}

struct Server {
    kind: Child,
    basis: String,
}

/// De database voor `vhf serve` en de opdrachten die gebruikers maken: `None` is de ingebouwde SQLite in de
/// datamap; anders een PostgreSQL-URL (met het schema van deze meting in `search_path`).
static DATABASE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Zet DATABASE_URL voor een opdracht van `vhf` naar de database van deze meting (of haalt hem weg: SQLite).
fn met_database(c: &mut Command) -> &mut Command {
    match DATABASE.get().cloned().flatten() {
        Some(url) => c.env("DATABASE_URL", url),
        None => c.env_remove("DATABASE_URL"),
    }
}

/// Het API-token van de aanvrager van Zaanstad (de penvoerder van het voorbeeld), gemaakt met `vhf gebruiker` en
/// `vhf token` in de datamap voordat de server voor het eerst start.
static TOKEN: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn maak_token(vhf: &Path, data: &Path) {
    if TOKEN.get().is_some() {
        return;
    }
    let _ = TOKEN.set(gebruiker_met_token(vhf, data, "bench-zaanstad", "aanvrager", Some("GM0479")));
}

/// Maakt met `vhf gebruiker opslaan` een gebruiker met deze rol (en gemeente, bij een aanvrager) in de datamap en
/// geeft een schrijftoken van `vhf token maak`.
fn gebruiker_met_token(vhf: &Path, data: &Path, id: &str, rol: &str, gemeente: Option<&str>) -> String {
    let d = data.to_str().unwrap();
    let mut opslaan = vec!["gebruiker", "opslaan", id, "--naam", "lasttest", "--rol", rol, "--data-dir", d];
    if let Some(g) = gemeente {
        opslaan.extend(["--gemeente", g]);
    }
    let o = met_database(Command::new(vhf).args(opslaan)).output().expect("vhf gebruiker");
    assert!(o.status.success(), "vhf gebruiker: {}", String::from_utf8_lossy(&o.stderr));
    let o = met_database(Command::new(vhf).args(["token", "maak", id, "--reikwijdte", "schrijven", "--omschrijving", "crash- en lasttest", "--data-dir", d]))
        .output()
        .expect("vhf token");
    assert!(o.status.success(), "vhf token: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// Een HTTP-client die elk verzoek met het token doet.
fn client() -> reqwest::Client {
    client_met(TOKEN.get().map(String::as_str))
}

/// Een HTTP-client die elk verzoek met dit token doet (of zonder, als bezoeker).
fn client_met(token: Option<&str>) -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    if let Some(t) = token {
        h.insert(reqwest::header::AUTHORIZATION, format!("Bearer {t}").parse().expect("token"));
    }
    // reqwest kiest zelf geen cryptografie voor rustls (feature rustls-no-provider, zoals in vhf: crates/vhf/src/tls.rs);
    // zonder aanbieder stopt het bouwen van een client met een paniek, ook al spreekt de bench alleen http.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().default_headers(h).build().expect("client")
}

async fn start(vhf: &Path, data: &Path, poort: u16) -> Server {
    start_met(vhf, data, poort, &[]).await
}

/// Als [`start`], met extra opties voor `vhf serve` (zoals `--demo`).
async fn start_met(vhf: &Path, data: &Path, poort: u16, extra: &[&str]) -> Server {
    std::fs::create_dir_all(data).expect("datamap");
    maak_token(vhf, data);
    let kind = met_database(Command::new(vhf).args(["serve", "--data-dir", data.to_str().unwrap(), "--port", &poort.to_string(), "--tijdreis", TIJDREIS]))
        .args(extra)
        .env("VHF_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("vhf serve start");
    let basis = format!("http://127.0.0.1:{poort}");
    let c = client();
    let mut server = Server { kind, basis };
    for _ in 0..200 {
        if c.get(format!("{}/readyz", server.basis)).send().await.is_ok_and(|r| r.status().is_success()) {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = server.kind.kill();
    let _ = server.kind.wait();
    panic!("vhf serve werd niet gereed binnen 10 s");
}

/// Netjes stoppen (SIGTERM, lopende verzoeken worden afgemaakt); na 10 s hard (SIGKILL). Nooit eindeloos wachten.
fn stop_server(kind: &mut Child) {
    // SAFETY: kill(2) met het pid van ons eigen kindproces en een geldig signaal.
    unsafe { libc::kill(kind.id() as libc::pid_t, libc::SIGTERM) };
    for _ in 0..200 {
        if let Ok(Some(_)) = kind.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = kind.kill();
    let _ = kind.wait();
}

/// Het voorbeeld als concept met `kenmerk`. Het sjabloon wordt één keer gemaakt: de generator deelt de twee
/// kernen met de server en moet daar zo weinig mogelijk van gebruiken.
fn concept(kenmerk: &str) -> String {
    static SJABLOON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sjabloon = SJABLOON.get_or_init(|| {
        let mut v: Value = serde_json::from_str(include_str!("../../examples/zaanstad-poelenburg-peldersveld.json")).unwrap();
        v.as_object_mut().unwrap().remove("ingediend_op");
        v["kenmerk"] = Value::String("@KENMERK@".to_string());
        v.to_string()
    });
    sjabloon.replacen("@KENMERK@", kenmerk, 1)
}

#[derive(Clone, Debug)]
struct Bewijs {
    id: String,
    sha256: String,
}

/// Maakt een concept en dient het in; geeft het bewijs bij een bevestiging (201), of None bij een fout.
async fn dien_in(c: &reqwest::Client, basis: &str, kenmerk: &str, lat: Option<&Mutex<Vec<f64>>>) -> Result<Option<Bewijs>, reqwest::Error> {
    let r = c
        .post(format!("{basis}/api/v1/aanvragen"))
        .header("Idempotency-Key", format!("maak-{kenmerk}"))
        .header("content-type", "application/json")
        .body(concept(kenmerk))
        .send()
        .await?;
    if r.status() != 201 {
        return Ok(None);
    }
    // Het id uit de Location-kop (`/api/v1/aanvragen/{id}`); de body (de hele aanvraag) hoeft niet ontleed.
    let locatie = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let _ = r.bytes().await?;
    let Some(id) = locatie.rsplit('/').next().filter(|id| !id.is_empty()).map(str::to_string) else { return Ok(None) };
    let t = Instant::now();
    let r = c.post(format!("{basis}/api/v1/aanvragen/{id}/indiening")).header("Idempotency-Key", format!("dien-{kenmerk}")).send().await?;
    let status = r.status();
    let v: Value = r.json().await?;
    if let Some(l) = lat {
        l.lock().unwrap().push(t.elapsed().as_secs_f64());
    }
    if status != 201 {
        return Ok(None);
    }
    Ok(Some(Bewijs { id, sha256: v["ontvangstbewijs"]["sha256"].as_str().unwrap_or_default().to_string() }))
}

async fn crash(args: &[String]) -> i32 {
    let vhf = vhf_pad(args);
    let rondes: usize = arg(args, "--rondes", "3").parse().unwrap();
    let werkers: usize = arg(args, "--werkers", "32").parse().unwrap();
    let ms: u64 = arg(args, "--ms", "1500").parse().unwrap();
    let data = std::env::temp_dir().join(format!("vhf-crash-{}", std::process::id()));
    std::fs::create_dir_all(&data).unwrap();
    let poort = vrije_poort();
    let bevestigd: Arc<Mutex<Vec<Bewijs>>> = Arc::default();
    let mut fouten = 0;
    for ronde in 0..rondes {
        let mut server = start(&vhf, &data, poort).await;
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut taken = Vec::new();
        for w in 0..werkers {
            let (basis, bevestigd, stop) = (server.basis.clone(), bevestigd.clone(), stop.clone());
            taken.push(tokio::spawn(async move {
                let c = client();
                for n in 0..100_000 {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    match dien_in(&c, &basis, &format!("CRASH-{ronde}-{w}-{n}"), None).await {
                        Ok(Some(b)) => bevestigd.lock().unwrap().push(b),
                        Ok(None) => {}
                        Err(_) => break,
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(ms)).await;
        // SIGKILL midden in de stroom: geen kans om iets af te maken.
        server.kind.kill().expect("SIGKILL");
        let _ = server.kind.wait();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for t in taken {
            let _ = t.await;
        }
        let mut server = start(&vhf, &data, poort).await;
        let tot_nu = bevestigd.lock().unwrap().clone();
        let (ontbreekt, kapot, half, totaal) = controleer(&server.basis, &tot_nu).await;
        let aantal = bevestigd.lock().unwrap().len();
        println!(
            "ronde {}: SIGKILL na {ms} ms met {werkers} werkers; bevestigd tot nu toe {aantal}; na herstart aanwezig en intact {}; ontbrekend {ontbreekt}; beschadigd {kapot}; aanvragen in de database {totaal}; half geschreven {half}",
            ronde + 1,
            aantal - ontbreekt - kapot
        );
        fouten += ontbreekt + kapot + half;
        stop_server(&mut server.kind);
        // Ook het audittrail is na de crash een gave keten: elke rij hoort bij een gecommitte wijziging.
        let o =
            Command::new(&vhf).args(["audit", "verify", "--data-dir", data.to_str().unwrap()]).env_remove("DATABASE_URL").output().expect("vhf audit verify");
        let uitleg = String::from_utf8_lossy(if o.status.success() { &o.stdout } else { &o.stderr }).trim().to_string();
        println!("ronde {}: vhf audit verify: {uitleg}", ronde + 1);
        if !o.status.success() {
            fouten += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&data);
    if fouten == 0 {
        println!("crashtest geslaagd: elk bevestigd ontvangstbewijs is er en klopt; geen halve aanvragen");
        0
    } else {
        println!("crashtest MISLUKT: {fouten} problemen");
        1
    }
}

/// (ontbrekend, beschadigd, half geschreven, aanvragen in totaal)
async fn controleer(basis: &str, bevestigd: &[Bewijs]) -> (usize, usize, usize, usize) {
    let c = client();
    let (mut ontbreekt, mut kapot) = (0, 0);
    for b in bevestigd {
        let r = c.get(format!("{basis}/api/v1/aanvragen/{}/ontvangstbewijs", b.id)).send().await.unwrap();
        if r.status() != 200 {
            ontbreekt += 1;
            continue;
        }
        let v: Value = r.json().await.unwrap();
        let a: Result<vhf_core::aanvraag::Aanvraag, _> = serde_json::from_value(v["inhoud"].clone());
        if v["sha256"] != b.sha256.as_str() || a.map(|a| vhf_core::levensloop::inhoudshash(&a)).ok().as_deref() != Some(b.sha256.as_str()) {
            kapot += 1;
        }
    }
    // Geen halve toestand: ingediend ⇔ ontvangstbewijs.
    let (mut half, mut totaal, mut pagina) = (0, 0, 1);
    loop {
        let v: Value = c.get(format!("{basis}/api/v1/aanvragen?pagina={pagina}&per_pagina=500")).send().await.unwrap().json().await.unwrap();
        let data = v["data"].as_array().cloned().unwrap_or_default();
        if data.is_empty() {
            break;
        }
        for a in &data {
            totaal += 1;
            let r = c.get(format!("{basis}/api/v1/aanvragen/{}/ontvangstbewijs", a["id"].as_str().unwrap())).send().await.unwrap();
            let heeft_bewijs = r.status() == 200;
            if heeft_bewijs != (a["status"] != "concept") {
                half += 1;
            }
        }
        pagina += 1;
    }
    (ontbreekt, kapot, half, totaal)
}

fn percentiel(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize] * 1000.0
}

fn piekgeheugen_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|k| k.parse::<f64>().ok()))
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

async fn load(args: &[String]) -> i32 {
    let vhf = vhf_pad(args);
    let seconden: u64 = arg(args, "--seconden", "10").parse().unwrap();
    let schrijvers: usize = arg(args, "--schrijvers", "32").parse().unwrap();
    let lezers: usize = arg(args, "--lezers", "8").parse().unwrap();
    let schema = match args.windows(2).find(|w| w[0] == "--database-url").map(|w| w[1].clone()) {
        Some(url) => Some(nieuw_schema(&url).await),
        None => None,
    };
    let _ = DATABASE.set(schema.as_ref().map(|(u, _, _)| u.clone()));
    let data = std::env::temp_dir().join(format!("vhf-load-{}", std::process::id()));
    std::fs::create_dir_all(&data).unwrap();
    let mut server = start(&vhf, &data, vrije_poort()).await;
    let pid = server.kind.id();
    let einde = Instant::now() + Duration::from_secs(seconden);
    let indien_lat: Arc<Mutex<Vec<f64>>> = Arc::default();
    let lees_lat: Arc<Mutex<Vec<f64>>> = Arc::default();
    let ids: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut taken = Vec::new();
    for w in 0..schrijvers {
        let (basis, lat, ids) = (server.basis.clone(), indien_lat.clone(), ids.clone());
        taken.push(tokio::spawn(async move {
            let c = client();
            let mut n = 0;
            while Instant::now() < einde && n < 1_000_000 {
                if let Ok(Some(b)) = dien_in(&c, &basis, &format!("LAST-{w}-{n}"), Some(&lat)).await {
                    ids.lock().unwrap().push(b.id);
                }
                n += 1;
            }
            n
        }));
    }
    for l in 0..lezers {
        let (basis, lat, ids) = (server.basis.clone(), lees_lat.clone(), ids.clone());
        taken.push(tokio::spawn(async move {
            let c = client();
            let mut n = 0u64;
            while Instant::now() < einde && n < 10_000_000 {
                let id = {
                    let v = ids.lock().unwrap();
                    if v.is_empty() { None } else { Some(v[(n as usize * 7919 + l) % v.len()].clone()) }
                };
                let t = Instant::now();
                let url = match (&id, n % 4) {
                    (Some(id), 0..=2) => format!("{basis}/api/v1/aanvragen/{id}"),
                    _ => format!("{basis}/api/v1/aanvragen?pagina=1&per_pagina=20"),
                };
                if let Ok(r) = c.get(url).send().await {
                    let _ = r.bytes().await;
                    lat.lock().unwrap().push(t.elapsed().as_secs_f64());
                }
                n += 1;
            }
            n
        }));
    }
    for t in taken {
        let _ = t.await;
    }
    let rss = piekgeheugen_mb(pid);
    stop_server(&mut server.kind);
    let ingediend = ids.lock().unwrap().len();
    let mut il = indien_lat.lock().unwrap().clone();
    let mut ll = lees_lat.lock().unwrap().clone();
    println!("| schrijvers | lezers | seconden | bevestigde indieningen/s | indienen p50 | p99 | lezen/s | lezen p50 | p99 | piek-RSS server |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    println!(
        "| {schrijvers} | {lezers} | {seconden} | {:.0} | {:.1} ms | {:.1} ms | {:.0} | {:.1} ms | {:.1} ms | {:.0} MB |",
        ingediend as f64 / seconden as f64,
        percentiel(&mut il, 0.5),
        percentiel(&mut il, 0.99),
        ll.len() as f64 / seconden as f64,
        percentiel(&mut ll, 0.5),
        percentiel(&mut ll, 0.99),
        rss
    );
    println!("(elke indiening is twee transacties: aanmaken en indienen; de latentie is die van het indienen)");
    println!("database: {}", if schema.is_some() { "PostgreSQL" } else { "SQLite (ingebouwd)" });
    let _ = std::fs::remove_dir_all(&data);
    if let Some((_, pool, naam)) = schema {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {naam} CASCADE"))).execute(&pool).await;
    }
    let s: u64 = arg(args, "--schijf", "0").parse().unwrap();
    if s > 0 {
        let kaal = kale_schijf(s).await;
        let per_s = ingediend as f64 / seconden as f64;
        println!(
            "kale schijf direct daarna ({s} s): {kaal:.0} transacties/s; de server: {per_s:.0} indieningen/s = {:.0} schrijftransacties/s = {:.0}% daarvan",
            2.0 * per_s,
            200.0 * per_s / kaal
        );
    }
    0
}

/// Een nieuw, leeg schema in de PostgreSQL-database van `url`: (URL met dat schema als search_path, pool, naam).
async fn nieuw_schema(url: &str) -> (String, sqlx::AnyPool, String) {
    sqlx::any::install_default_drivers();
    let naam = format!("last_{}", std::process::id());
    let pool = sqlx::any::AnyPoolOptions::new().max_connections(1).connect(url).await.expect("PostgreSQL bereikbaar op --database-url");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {naam}"))).execute(&pool).await.expect("CREATE SCHEMA");
    let scheiding = if url.contains('?') { '&' } else { '?' };
    (format!("{url}{scheiding}options=-c%20search_path%3D{naam}"), pool, naam)
}

/// Eén pagina om te meten: naam in de tabel, pad, of het met het token van de behandelaar gaat (anders als
/// bezoeker zonder inloggen), en tekst die in het antwoord moet staan (zodat we meten wat we denken te meten).
struct Pagina {
    naam: String,
    pad: String,
    behandelaar: bool,
    verwacht: Option<String>,
}

/// Per pagina: (naam, verzoeken, bytes van het antwoord, latenties in seconden).
type Gemeten = Vec<(String, usize, usize, Vec<f64>)>;

/// Eén pagina als HTML, tot de laatste byte: status en body.
async fn haal_html(c: &reqwest::Client, url: &str) -> Result<(reqwest::StatusCode, Vec<u8>), reqwest::Error> {
    let r = c.get(url).header("accept", "text/html").send().await?;
    let status = r.status();
    Ok((status, r.bytes().await?.to_vec()))
}

/// Vraagt elke pagina eerst `opwarmen` keer op (niet geteld), dan `keer` keer met `clients` tegelijk, en meet
/// elk verzoek tot de laatste byte. Elk ander antwoord dan 200 telt als fout (en wordt genoemd).
async fn meet(basis: &str, paginas: &[Pagina], behandelaar: &reqwest::Client, keer: usize, clients: usize, opwarmen: usize) -> (Gemeten, usize) {
    let bezoeker = client_met(None);
    let mut uit = Vec::new();
    let mut fouten = 0;
    for p in paginas {
        let c = if p.behandelaar { behandelaar.clone() } else { bezoeker.clone() };
        let url = format!("{basis}{}", p.pad);
        let mut bytes = 0;
        for _ in 0..opwarmen {
            let (status, body) = match haal_html(&c, &url).await {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("{} (opwarmen): {e}", p.naam);
                    fouten += 1;
                    continue;
                }
            };
            if status != 200 {
                eprintln!("{} (opwarmen): {status} voor {}", p.naam, p.pad);
                fouten += 1;
            }
            bytes = body.len();
            if let Some(v) = &p.verwacht
                && !String::from_utf8_lossy(&body).contains(v.as_str())
            {
                eprintln!("{} (opwarmen): '{v}' staat niet in het antwoord op {}", p.naam, p.pad);
                fouten += 1;
            }
        }
        let lat: Arc<Mutex<Vec<f64>>> = Arc::default();
        let fout: Arc<std::sync::atomic::AtomicUsize> = Arc::default();
        let mut taken = Vec::new();
        for k in 0..clients {
            let (c, url, lat, fout, naam) = (c.clone(), url.clone(), lat.clone(), fout.clone(), p.naam.clone());
            // De verzoeken zo gelijk mogelijk over de clients verdeeld.
            let n = keer / clients + usize::from(k < keer % clients);
            taken.push(tokio::spawn(async move {
                for _ in 0..n {
                    let t = Instant::now();
                    let uitkomst = haal_html(&c, &url).await;
                    lat.lock().unwrap().push(t.elapsed().as_secs_f64());
                    let melding = match uitkomst {
                        Ok((status, _)) if status == 200 => continue,
                        Ok((status, _)) => format!("{status}"),
                        Err(e) => e.to_string(),
                    };
                    if fout.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < 3 {
                        eprintln!("{naam}: {melding} voor {url}");
                    }
                }
            }));
        }
        for t in taken {
            let _ = t.await;
        }
        fouten += fout.load(std::sync::atomic::Ordering::Relaxed);
        let lat = lat.lock().unwrap().clone();
        uit.push((p.naam.clone(), lat.len(), bytes, lat));
    }
    (uit, fouten)
}

fn druk_af(kop: &str, gemeten: &mut Gemeten) {
    println!("\n{kop}\n");
    println!("| pagina | verzoeken | grootte | gemiddeld | p50 | p95 | p99 | max |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (naam, n, bytes, lat) in gemeten.iter_mut() {
        let gemiddeld = lat.iter().sum::<f64>() / lat.len().max(1) as f64 * 1000.0;
        println!(
            "| {naam} | {n} | {:.0} KB | {gemiddeld:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            *bytes as f64 / 1024.0,
            percentiel(lat, 0.5),
            percentiel(lat, 0.95),
            percentiel(lat, 0.99),
            percentiel(lat, 1.0)
        );
    }
}

/// Een POST met JSON en een eigen Idempotency-Key; geeft status, ETag en body.
async fn post_json(c: &reqwest::Client, url: &str, sleutel: &str, if_match: Option<&str>, body: Value) -> (u16, String, Value) {
    let mut v = c.post(url).header("Idempotency-Key", sleutel).header("content-type", "application/json").body(body.to_string());
    if let Some(m) = if_match {
        v = v.header("if-match", m);
    }
    let r = match v.send().await {
        Ok(r) => r,
        Err(e) => return (0, String::new(), Value::String(e.to_string())),
    };
    let status = r.status().as_u16();
    let etag = r.headers().get("etag").and_then(|e| e.to_str().ok()).unwrap_or_default().to_string();
    (status, etag, r.json().await.unwrap_or(Value::Null))
}

/// Een verdeling van de demoronde: elke demo-aanvraag (`AVDEMO…`, met de scores van de commissie) ontvankelijk, in
/// beoordeling en beoordeeld (behandelaar, met If-Match), dan de verdeling (beslisser). Vóór de aanvragen van de
/// lasttest ingediend zijn, want een besluit gaat over elke aanvraag in de verdeling en die moet dan beoordeeld
/// zijn. Geeft het id van de verdeling.
async fn verdeling_demo(basis: &str, behandelaar: &reqwest::Client, beslisser: &reqwest::Client) -> Result<String, String> {
    let mut demo = Vec::new();
    for pagina in 1..1_000 {
        let v: Value = behandelaar
            .get(format!("{basis}/api/v1/aanvragen?ronde=vhf-2021&pagina={pagina}&per_pagina=500"))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let data = v["data"].as_array().cloned().unwrap_or_default();
        if data.is_empty() {
            break;
        }
        demo.extend(data.into_iter().filter(|a| a["id"].as_str().is_some_and(|id| id.starts_with("AVDEMO"))));
    }
    if demo.is_empty() {
        return Err("geen demo-aanvragen gevonden (vhf serve --demo op een lege datamap?)".into());
    }
    for a in &demo {
        let id = a["id"].as_str().unwrap_or_default();
        let mut versie = format!("\"{}\"", a["versie"].as_i64().unwrap_or(1));
        for naar in ["ontvankelijk", "in_beoordeling", "beoordeeld"] {
            let url = format!("{basis}/api/v1/aanvragen/{id}/statusovergangen");
            let (status, etag, body) =
                post_json(behandelaar, &url, &format!("{id}-{naar}"), Some(&versie), serde_json::json!({ "naar": naar, "reden": "lasttest pagina's" })).await;
            if status != 200 {
                return Err(format!("{id} naar {naar}: {status} {}", kort(&body)));
            }
            versie = etag;
        }
    }
    let (status, _, v) = post_json(beslisser, &format!("{basis}/api/v1/rondes/vhf-2021/verdelingen"), "paginas-verdeling", None, serde_json::json!({})).await;
    let Some(id) = v["id"].as_str().filter(|_| status == 201).map(str::to_string) else {
        return Err(format!("verdeling: {status} {}", kort(&v)));
    };
    println!("verdeling {id} gemaakt over {} beoordeelde demo-aanvragen", demo.len());
    Ok(id)
}

/// Het besluit over een verdeling (beslisser).
async fn besluit(basis: &str, beslisser: &reqwest::Client, id: &str) -> Result<(), String> {
    let url = format!("{basis}/api/v1/verdelingen/{id}/besluit");
    let (status, _, v) = post_json(beslisser, &url, "paginas-besluit", None, serde_json::json!({ "reden": "lasttest pagina's" })).await;
    if status != 201 {
        return Err(format!("besluit over {id}: {status} {}", kort(&v)));
    }
    println!("\nbesloten over verdeling {id}: {} aanvragen, {} uitkeringen", v["aanvragen"], v["besluiten"].as_array().map_or(0, Vec::len));
    Ok(())
}

/// Een antwoord in een melding, ingekort (een 409 kan elke aanvraag noemen).
fn kort(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 400 { s.chars().take(400).collect::<String>() + " …" } else { s }
}

/// De pagina's met een volle database: `vhf serve --demo` op een lege datamap (48 ingediende demo-aanvragen met
/// scores), de demo-aanvragen beoordeeld en verdeeld, dan `--aanvragen` ingediende aanvragen van Zaanstad via de
/// API. De pagina's gemeten vóór het besluit (dashboard zonder toekenningen) en, na het besluit over de
/// verdeling, nog eens (dashboard met kaart, tabel en totalen). Beweert niets over snelheid; eindigt met 1 bij
/// elk antwoord dat geen 200 is.
async fn paginas(args: &[String]) -> i32 {
    let vhf = vhf_pad(args);
    let aanvragen: usize = arg(args, "--aanvragen", "1000").parse().unwrap();
    let keer: usize = arg(args, "--keer", "200").parse().unwrap();
    let clients: usize = arg(args, "--clients", "4").parse::<usize>().unwrap().max(1);
    let opwarmen: usize = arg(args, "--opwarmen", "20").parse().unwrap();
    let data = std::env::temp_dir().join(format!("vhf-paginas-{}", std::process::id()));
    std::fs::create_dir_all(&data).unwrap();
    let behandelaar = client_met(Some(&gebruiker_met_token(&vhf, &data, "bench-behandelaar", "behandelaar", None)));
    let beslisser = client_met(Some(&gebruiker_met_token(&vhf, &data, "bench-beslisser", "beslisser", None)));
    let mut server = start_met(&vhf, &data, vrije_poort(), &["--demo"]).await;
    let basis = server.basis.clone();
    let verdeling = match verdeling_demo(&basis, &behandelaar, &beslisser).await {
        Ok(id) => id,
        Err(e) => {
            println!("de verdeling van de demoronde lukte niet: {e}");
            stop_server(&mut server.kind);
            let _ = std::fs::remove_dir_all(&data);
            return 1;
        }
    };

    // De aanvragen, met 8 schrijvers tegelijk.
    let t = Instant::now();
    let ingediend: Arc<std::sync::atomic::AtomicUsize> = Arc::default();
    let mut taken = Vec::new();
    for w in 0..8 {
        let (basis, ingediend) = (basis.clone(), ingediend.clone());
        taken.push(tokio::spawn(async move {
            let c = client();
            for n in (w..aanvragen).step_by(8) {
                if let Ok(Some(_)) = dien_in(&c, &basis, &format!("PAGINA-{n}"), None).await {
                    ingediend.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
        }));
    }
    for t in taken {
        let _ = t.await;
    }
    let ingediend = ingediend.load(std::sync::atomic::Ordering::Relaxed);
    let v: Value = behandelaar.get(format!("{basis}/api/v1/aanvragen?per_pagina=1")).send().await.unwrap().json().await.unwrap();
    let totaal = v["totaal"].as_i64().unwrap_or(0);
    println!("{ingediend} aanvragen ingediend in {:.1} s; in de database: {totaal} aanvragen (met de demoronde)", t.elapsed().as_secs_f64());
    if ingediend != aanvragen {
        println!("niet elke aanvraag is ingediend ({ingediend} van {aanvragen})");
        stop_server(&mut server.kind);
        let _ = std::fs::remove_dir_all(&data);
        return 1;
    }

    let laatste = (totaal + 49) / 50;
    let lijst = |m: &str| Pagina { naam: m.to_string(), pad: String::new(), behandelaar: true, verwacht: None };
    let mut paginas = vec![
        Pagina { naam: "dashboard `/`".into(), pad: "/".into(), behandelaar: false, verwacht: Some("Nog geen besluit".into()) },
        Pagina { pad: "/behandeling".into(), verwacht: Some(format!("{totaal} aanvragen, pagina 1 van {laatste}")), ..lijst("werkvoorraad, pagina 1") },
        Pagina { pad: "/behandeling?status=ingediend&ronde=vhf-2021".into(), ..lijst("werkvoorraad `?status=ingediend&ronde=vhf-2021`") },
        Pagina { pad: "/behandeling?gemeente=GM0479&sorteer=kenmerk".into(), ..lijst("werkvoorraad `?gemeente=GM0479&sorteer=kenmerk`") },
        Pagina { pad: "/behandeling?bevinding=fouten&prioriteit=te_bevestigen".into(), ..lijst("werkvoorraad `?bevinding=fouten&prioriteit=te_bevestigen`") },
        Pagina { pad: format!("/behandeling?pagina={laatste}"), ..lijst(&format!("werkvoorraad, pagina {laatste} (de laatste)")) },
    ];
    let (mut voor, mut fouten) = meet(&basis, &paginas, &behandelaar, keer, clients, opwarmen).await;
    druk_af(&format!("vóór het besluit ({totaal} aanvragen; het dashboard zonder toekenningen), {keer} keer per pagina, {clients} clients"), &mut voor);

    match besluit(&basis, &beslisser, &verdeling).await {
        Ok(_) => {
            // Het dashboard met de besloten toekenningen, en de werkvoorraad nu de demo-aanvragen besloten zijn.
            paginas[0].naam = "dashboard `/` (na het besluit)".into();
            // Het dashboard toont dan de totalen van het besluit (en de kaart en tabel met de toekenningen).
            paginas[0].verwacht = Some("Gemeenten met een bijdrage".into());
            let (mut na, f) = meet(&basis, &paginas, &behandelaar, keer, clients, opwarmen).await;
            fouten += f;
            druk_af(&format!("na het besluit ({totaal} aanvragen; het dashboard met kaart, tabel en totalen)"), &mut na);
        }
        Err(e) => {
            println!("het besluit over de demoronde lukte niet: {e}");
            fouten += 1;
        }
    }
    stop_server(&mut server.kind);
    let _ = std::fs::remove_dir_all(&data);
    if fouten == 0 {
        println!("\nelk antwoord was 200");
        0
    } else {
        println!("\n{fouten} antwoorden of stappen gingen mis");
        1
    }
}

/// De kale grens van deze schijf: één rij per transactie, WAL, synchronous=FULL, zoals de server.
async fn schijf(args: &[String]) -> i32 {
    let seconden: u64 = arg(args, "--seconden", "5").parse().unwrap();
    kale_schijf(seconden).await;
    0
}

/// Kale SQLite-transacties met fsync, `seconden` lang: transacties per seconde.
async fn kale_schijf(seconden: u64) -> f64 {
    let data = std::env::temp_dir().join(format!("vhf-schijf-{}", std::process::id()));
    std::fs::create_dir_all(&data).unwrap();
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new().max_connections(1).connect(&format!("sqlite://{}?mode=rwc", data.join("t.db").display())).await.unwrap();
    for p in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "CREATE TABLE t (id INTEGER PRIMARY KEY, inhoud TEXT NOT NULL)"] {
        sqlx::query(p).execute(&pool).await.unwrap();
    }
    let inhoud = concept("SCHIJF");
    let einde = Instant::now() + Duration::from_secs(seconden);
    let mut n = 0u64;
    let mut per: BTreeMap<&str, f64> = BTreeMap::new();
    while Instant::now() < einde && n < 10_000_000 {
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("INSERT INTO t (inhoud) VALUES ($1)").bind(&inhoud).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        n += 1;
    }
    per.insert("transacties/s", n as f64 / seconden as f64);
    println!("kale SQLite (WAL, synchronous=FULL, één rij van {} bytes per transactie): {:.0} transacties/s", inhoud.len(), per["transacties/s"]);
    let _ = std::fs::remove_dir_all(&data);
    per["transacties/s"]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let code = match args.get(1).map(String::as_str) {
        Some("crash") => crash(&args).await,
        Some("load") => load(&args).await,
        Some("schijf") => schijf(&args).await,
        Some("paginas") => paginas(&args).await,
        _ => {
            eprintln!("gebruik: vhf-bench crash|load|schijf|paginas [opties]  (zie bench/src/main.rs)");
            2
        }
    };
    std::process::exit(code);
}
