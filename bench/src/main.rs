//! Crashtest en lasttest van `vhf serve` op deze machine (alleen 127.0.0.1; elke lus is begrensd in tijd en
//! aantal en stopt vanzelf).
//!
//! ```text
//! vhf-bench crash  [--vhf PAD] [--rondes 3] [--werkers 32] [--ms 1500]
//! vhf-bench load   [--vhf PAD] [--seconden 10] [--schrijvers 32] [--lezers 8]
//! vhf-bench schijf [--seconden 5]
//! ```
//!
//! `crash`: veel gelijktijdige indieningen, SIGKILL van de server midden in de stroom, herstart, en de controle
//! dat elk bevestigd ontvangstbewijs er is en klopt, en dat er geen halve aanvraag bestaat (ingediend zonder
//! ontvangstbewijs, of een ontvangstbewijs bij een concept). `load`: de deadline-drukte (aanmaken + indienen,
//! en lezers), met doorvoer, p50/p99 en piekgeheugen (VmHWM) van de server. `schijf`: de grens van de schijf,
//! een kale SQLite-insert met fsync per transactie, om de server mee te vergelijken.

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

/// Het API-token van de aanvrager van Zaanstad (de penvoerder van het voorbeeld), gemaakt met `vhf gebruiker` en
/// `vhf token` in de datamap voordat de server voor het eerst start.
static TOKEN: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn maak_token(vhf: &Path, data: &Path) {
    if TOKEN.get().is_some() {
        return;
    }
    let d = data.to_str().unwrap();
    let o = Command::new(vhf)
        .args(["gebruiker", "opslaan", "bench-zaanstad", "--naam", "lasttest", "--rol", "aanvrager", "--gemeente", "GM0479", "--data-dir", d])
        .env_remove("DATABASE_URL")
        .output()
        .expect("vhf gebruiker");
    assert!(o.status.success(), "vhf gebruiker: {}", String::from_utf8_lossy(&o.stderr));
    let o = Command::new(vhf)
        .args(["token", "maak", "bench-zaanstad", "--reikwijdte", "schrijven", "--omschrijving", "crash- en lasttest", "--data-dir", d])
        .env_remove("DATABASE_URL")
        .output()
        .expect("vhf token");
    assert!(o.status.success(), "vhf token: {}", String::from_utf8_lossy(&o.stderr));
    let _ = TOKEN.set(String::from_utf8_lossy(&o.stdout).trim().to_string());
}

/// Een HTTP-client die elk verzoek met het token doet.
fn client() -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    if let Some(t) = TOKEN.get() {
        h.insert(reqwest::header::AUTHORIZATION, format!("Bearer {t}").parse().expect("token"));
    }
    reqwest::Client::builder().default_headers(h).build().expect("client")
}

async fn start(vhf: &Path, data: &Path, poort: u16) -> Server {
    std::fs::create_dir_all(data).expect("datamap");
    maak_token(vhf, data);
    let kind = Command::new(vhf)
        .args(["serve", "--data-dir", data.to_str().unwrap(), "--port", &poort.to_string(), "--tijdreis", TIJDREIS])
        .env("VHF_LOG", "warn")
        .env_remove("DATABASE_URL")
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
    let _ = std::fs::remove_dir_all(&data);
    0
}

/// De kale grens van deze schijf: één rij per transactie, WAL, synchronous=FULL, zoals de server.
async fn schijf(args: &[String]) -> i32 {
    let seconden: u64 = arg(args, "--seconden", "5").parse().unwrap();
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
    0
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let code = match args.get(1).map(String::as_str) {
        Some("crash") => crash(&args).await,
        Some("load") => load(&args).await,
        Some("schijf") => schijf(&args).await,
        _ => {
            eprintln!("gebruik: vhf-bench crash|load|schijf [opties]  (zie bench/src/main.rs)");
            2
        }
    };
    std::process::exit(code);
}
