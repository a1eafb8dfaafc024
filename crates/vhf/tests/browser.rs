//! End-to-end in een echte browser (issue 15): de server draait in dit proces op een willekeurige poort, met de
//! demoronde en de ontwikkel-login, en `node tests/browser/rondgang.mjs` loopt er met headless Chromium doorheen
//! (playwright-core uit npm, met de Chromium van Debian; er wordt nooit een browser gedownload): elke rol op zijn
//! startpagina, een aanvraag van nieuw (eerst met een fout) via deelplan en indienen tot ontvangstbewijs, de
//! behandelaar die er drie tegelijk ontvankelijk verklaart en twee commissieleden toewijst, die scoren, alle
//! aanvragen van de ronde naar beoordeeld, de beslisser die verdeelt, een wat-als doorrekent en besluit, het
//! dashboard met de toekenning op de kaart, en wie iets niet mag zien (404, 401). Op elke pagina draait axe-core
//! (WCAG 2.1 A en AA); inloggen, indienen en de kaart gaan met alleen het toetsenbord. De SQLite-run
//! schrijft de schermafdrukken naar `docs/schermafdrukken/`; dezelfde rondgang draait op PostgreSQL als
//! `VHF_TEST_DATABASE_URL` gezet is (.ci/run doet dat).
//!
//! Een tweede rondgang, `tests/browser/uitvoering.mjs`, gaat door de pagina's na het besluit (issue 12): de
//! besluiten worden hier via de API ondertekend, dan stellen twee beslissers in de browser een betaling voor en keuren
//! haar goed, dient de gemeente haar SiSa-opgave in en bekijkt de beslisser de monitoring.
//!
//! Nodig: Chromium (`apt-get install chromium chromium-driver`, of `VHF_CHROMIUM=/pad/naar/chromium`), Node.js ≥ 20
//! en `npm ci --prefix tests/diensten`. Ontbreekt iets, dan slaat de test over met een melding, behalve in CI
//! (`CI` gezet): daar is het een fout. De stappen van de rondgang staan in `tests/browser/rondgang.mjs`, de
//! hulpmiddelen (axe, schermafdrukken, inloggen, toetsenbord, samenvatting) in `tests/browser/hulp.mjs`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use vhf::server::{Application, Instellingen};

/// Zo lang mag één script duren; daarna wordt node gestopt en faalt de test (een hangende browser mag de
/// testrun niet eindeloos laten wachten). Dit is een vangnet tegen hangen, geen snelheidseis: de vier scripts
/// duurden in CI op 2026-12-03 na elkaar samen 88 s (debug-build, twee kernen); op een tragere machine met twee
/// rondgangen tegelijk was één rondgang 326 s.
const MAX_DUUR: Duration = Duration::from_secs(600);

/// De scripts draaien één voor één: twee Chromiums en twee debug-servers tegelijk op twee kernen maakten elke stap
/// zo traag dat de rondgang in CI over het vangnet heen ging (stop 22: 326 s). De tijd van een script telt vanaf
/// zijn beurt.
static BEURT: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Het moment van de vaste klok: het loket van de ronde 2021 is open.
const MOMENT: &str = "2021-05-10T10:00:00Z";

fn werkmap() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("hoofdmap van de repository")
}

fn uniek(naam: &str) -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).unwrap();
    format!("{naam}_{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>())
}

fn meld(tekst: &str) {
    // Rechtstreeks naar stderr, zodat de melding ook zonder --nocapture te zien is.
    let _ = writeln!(std::io::stderr(), "{tekst}");
}

/// Wat de rondgang nodig heeft: het pad van Chromium. Ontbreekt Chromium, node of het npm-pakket, dan `None` met
/// een melding hoe het te installeren is; in CI is dat een fout.
fn benodigdheden() -> Option<PathBuf> {
    let chromium = PathBuf::from(std::env::var_os("VHF_CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into()));
    let modules = werkmap().join("tests/diensten/node_modules");
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let mut ontbreekt = Vec::new();
    if !chromium.exists() {
        ontbreekt.push(format!("Chromium op {} (apt-get install chromium chromium-driver, of zet VHF_CHROMIUM op een ander pad)", chromium.display()));
    }
    if !node {
        ontbreekt.push("Node.js ≥ 20 (apt-get install nodejs npm)".to_string());
    }
    for pakket in ["playwright-core", "axe-core"] {
        if !modules.join(pakket).exists() {
            ontbreekt.push(format!("{pakket} in tests/diensten/node_modules (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/diensten)"));
        }
    }
    if ontbreekt.is_empty() {
        return Some(chromium);
    }
    let lijst = ontbreekt.join("; ");
    assert!(std::env::var_os("CI").is_none(), "CI moet de browsertests kunnen draaien (.ci/run installeert alles), maar dit ontbreekt: {lijst}");
    meld(&format!("OVERGESLAGEN: de browsertest draait niet, want dit ontbreekt: {lijst}"));
    None
}

/// Start de server met de demoronde, de ontwikkel-login en een vaste klok; geeft het basisadres.
async fn start_server(database_url: String, documenten: PathBuf) -> String {
    let moment: jiff::Timestamp = MOMENT.parse().unwrap();
    start_server_met_klok(database_url, documenten, Arc::new(move || moment)).await
}

/// Idem met een eigen klok (de rondgang na het besluit verzet hem tussen de stappen).
async fn start_server_met_klok(database_url: String, documenten: PathBuf, klok: vhf::server::Klok) -> String {
    let instellingen = Instellingen {
        database_url,
        adres: "127.0.0.1:0".parse().unwrap(),
        documenten,
        max_document_bytes: 100 * 1024 * 1024,
        demo: true,
        ontwikkel_login: true,
        achter_proxy: false,
        oidc: None,
        s3: None,
        sessiebeleid: Default::default(),
    };
    let app = Application::build(&instellingen, klok).await.expect("server start");
    let basis = format!("http://127.0.0.1:{}", app.poort());
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    basis
}

/// Draait `node tests/browser/<script>` tegen de server en faalt met de uitvoer van node als die niet met 0
/// eindigt. Node draait in een eigen draad, zodat de server in deze runtime blijft antwoorden.
async fn rondgang(basis: &str, database: &str, chromium: &Path, schermafdrukken: &Path) {
    draai_script("tests/browser/rondgang.mjs", &[], basis, database, chromium, schermafdrukken).await
}

/// Draait een script van de rondgang (`tests/browser/*.mjs`) met de omgeving van hulp.mjs plus `extra`.
async fn draai_script(script: &str, extra: &[(&str, &str)], basis: &str, database: &str, chromium: &Path, schermafdrukken: &Path) {
    let _beurt = BEURT.acquire().await.expect("de semafoor wordt nooit gesloten");
    let map = werkmap();
    let mut kind = Command::new("node")
        .arg(script)
        .envs(extra.iter().copied())
        .current_dir(&map)
        .env("VHF_BASIS", basis)
        .env("VHF_DATABASE", database)
        .env("VHF_CHROMIUM", chromium)
        .env("VHF_SCHERMAFDRUKKEN", schermafdrukken)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node start");
    let lees = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let uit = lees(Box::new(kind.stdout.take().unwrap()));
    let fout = lees(Box::new(kind.stderr.take().unwrap()));
    let begin = Instant::now();
    let status = loop {
        if let Some(s) = kind.try_wait().unwrap() {
            break Some(s);
        }
        if begin.elapsed() > MAX_DUUR {
            let _ = kind.kill();
            let _ = kind.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let (uit, fout) = (uit.join().unwrap(), fout.join().unwrap());
    let duur = begin.elapsed().as_secs_f64();
    match status {
        Some(s) if s.success() => println!("{uit}{fout}{script} in de browser op {database}: geslaagd in {duur:.1} s"),
        Some(s) => panic!("{script} in de browser op {database} faalde ({s}) na {duur:.1} s\n--- stdout ---\n{uit}\n--- stderr ---\n{fout}"),
        None => panic!(
            "{script} in de browser op {database} duurde langer dan {} s en is gestopt\n--- stdout ---\n{uit}\n--- stderr ---\n{fout}",
            MAX_DUUR.as_secs()
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rondgang_in_de_browser_op_sqlite() {
    let Some(chromium) = benodigdheden() else { return };
    let dir = std::env::temp_dir().join(uniek("vhf-browser"));
    std::fs::create_dir_all(&dir).unwrap();
    let basis = start_server(format!("sqlite://{}?mode=rwc", dir.join("vhf.db").display()), dir.join("documenten")).await;
    rondgang(&basis, "SQLite", &chromium, &werkmap().join("docs/schermafdrukken")).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rondgang_in_de_browser_op_postgres() {
    let url = match std::env::var("VHF_TEST_DATABASE_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            meld("OVERGESLAGEN: VHF_TEST_DATABASE_URL is niet gezet, dus de rondgang in de browser draait niet op PostgreSQL (.ci/run zet hem; zie de README)");
            return;
        }
    };
    let Some(chromium) = benodigdheden() else { return };
    // Een eigen schema, zoals de API-tests (t_<hex>; .ci/run ruimt die van eerdere runs op).
    sqlx::any::install_default_drivers();
    let schema = uniek("t");
    let pool = sqlx::any::AnyPoolOptions::new().max_connections(1).connect(&url).await.expect("PostgreSQL bereikbaar op VHF_TEST_DATABASE_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&pool).await.unwrap();
    let scheiding = if url.contains('?') { '&' } else { '?' };
    let dir = std::env::temp_dir().join(uniek("vhf-browser-pg"));
    std::fs::create_dir_all(&dir).unwrap();
    let basis = start_server(format!("{url}{scheiding}options=-c%20search_path%3D{schema}"), dir.join("documenten")).await;
    // De schermafdrukken van deze run gaan naar een tijdelijke map: docs/ krijgt die van de SQLite-run.
    rondgang(&basis, "PostgreSQL", &chromium, &dir.join("schermafdrukken")).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// De onafhankelijke ondersteuning (tests/browser/ondersteuning.mjs): gemeente buiten en binnen een
/// prioriteitsgebied, RVO die een adviseur toewijst (niet een met een belang), de adviseur die uren schrijft (niet
/// te veel), het verslag per gebied. Op SQLite, met een eigen demoserver.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ondersteuning_in_de_browser_op_sqlite() {
    let Some(chromium) = benodigdheden() else { return };
    let dir = std::env::temp_dir().join(uniek("vhf-browser-ov"));
    std::fs::create_dir_all(&dir).unwrap();
    let basis = start_server(format!("sqlite://{}?mode=rwc", dir.join("vhf.db").display()), dir.join("documenten")).await;
    draai_script("tests/browser/ondersteuning.mjs", &[], &basis, "SQLite", &chromium, &werkmap().join("docs/schermafdrukken")).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Een gebruiker (voor de ontwikkel-login) en, als `token`, een schrijftoken voor de API; geeft het token.
async fn gebruiker(db: &vhf::db::Db, id: &str, naam: &str, rol: vhf::toegang::Rol, gemeente: Option<&str>) -> String {
    let g = vhf::toegang::Gebruiker::nieuw(id, naam, rol, gemeente.map(|g| vhf_core::codes::GemeenteCode::parse(g).unwrap())).unwrap();
    let mut tx = db.schrijf().await.unwrap();
    vhf::db::toegang::sla_op(&mut tx, &g, None, 0).await.unwrap();
    let (token, hash) = vhf::server::beheer::nieuw_token();
    vhf::db::toegang::voeg_token_toe(&mut tx, &hash, &g, vhf::toegang::Reikwijdte::Schrijven, "browsertest", 0, i64::MAX).await.unwrap();
    tx.commit().await.unwrap();
    token
}

/// De demoronde via de API tot ondertekende besluiten (alle aanvragen beoordeeld, verdeeld, besloten, de besluiten
/// opgesteld en door een tweede beslisser ondertekend); geeft het id van het besluit van Ameland (GM0060). Zet ook
/// de gebruikers van de rondgang na het besluit: demo-beslisser-2 en de aanvrager van Ameland.
async fn tot_ondertekende_besluiten(basis: &str, database_url: &str) -> String {
    use serde_json::{Value, json};
    use vhf::toegang::Rol;
    let db = vhf::db::Db::verbind(database_url).await.unwrap();
    let client = |token: String| {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
        vhf::tls::bouwer().default_headers(h).build().unwrap()
    };
    let rvo = client(gebruiker(&db, "browsertest-rvo", "RVO (browsertest)", Rol::Behandelaar, None).await);
    let bzk = client(gebruiker(&db, "browsertest-bzk", "BZK (browsertest)", Rol::Beslisser, None).await);
    let bzk2 = client(gebruiker(&db, "demo-beslisser-2", "Bas Beslisser (BZK)", Rol::Beslisser, None).await);
    gebruiker(&db, "ameland-aanvrager", "Anke Aanvrager", Rol::Aanvrager, Some("GM0060")).await;
    let api = |p: &str| format!("{basis}/api/v1{p}");
    let l: Value = rvo.get(api("/aanvragen?ronde=vhf-2021&per_pagina=500")).send().await.unwrap().json().await.unwrap();
    for a in l["data"].as_array().unwrap() {
        for (i, naar) in ["ontvankelijk", "in_beoordeling", "beoordeeld"].iter().enumerate() {
            let r = rvo
                .post(api(&format!("/aanvragen/{}/statusovergangen", a["id"].as_str().unwrap())))
                .header("If-Match", format!("\"{}\"", a["versie"].as_i64().unwrap() + i as i64))
                .json(&json!({"naar": naar, "reden": "browsertest"}))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{naar}: {}", r.text().await.unwrap());
        }
    }
    let v: Value = bzk.post(api("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap().json().await.unwrap();
    let r = bzk.post(api(&format!("/verdelingen/{}/besluit", v["id"].as_str().unwrap()))).json(&json!({"reden": "browsertest"})).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let o: Value = bzk.post(api("/rondes/vhf-2021/besluiten")).json(&json!({})).send().await.unwrap().json().await.unwrap();
    let mut ameland = None;
    for b in o["opgesteld"].as_array().unwrap() {
        let id = b["id"].as_str().unwrap();
        let r = bzk2.post(api(&format!("/besluiten/{id}/ondertekening"))).json(&json!({})).send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        if b["gemeente"] == "GM0060" {
            ameland = Some(id.to_string());
        }
    }
    ameland.expect("een besluit voor Ameland (GM0060)")
}

/// Na het besluit (issue 12), in de browser: betaling met twee beslissers, de SiSa-opgave van de gemeente en de
/// monitoring (`tests/browser/uitvoering.mjs`). De besluiten worden op 1 juli 2021 ondertekend; daarna staat de klok
/// op 10 juli 2022, zodat de opgave over 2021 op tijd is. Schrijft uitvoering.png, sisa-opgave.png en monitoring.png.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uitvoering_in_de_browser_op_sqlite() {
    use std::sync::atomic::{AtomicI64, Ordering};
    let Some(chromium) = benodigdheden() else { return };
    let dir = std::env::temp_dir().join(uniek("vhf-browser-uitvoering"));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("vhf.db").display());
    let moment = |t: &str| t.parse::<jiff::Timestamp>().unwrap().as_microsecond();
    let klok = Arc::new(AtomicI64::new(moment("2021-07-01T10:00:00Z")));
    let k = klok.clone();
    let basis =
        start_server_met_klok(url.clone(), dir.join("documenten"), Arc::new(move || jiff::Timestamp::from_microsecond(k.load(Ordering::SeqCst)).unwrap()))
            .await;
    let besluit = tot_ondertekende_besluiten(&basis, &url).await;
    klok.store(moment("2022-07-10T10:00:00Z"), Ordering::SeqCst);
    draai_script("tests/browser/uitvoering.mjs", &[("VHF_BESLUIT", &besluit)], &basis, "SQLite", &chromium, &werkmap().join("docs/schermafdrukken")).await;
    let _ = std::fs::remove_dir_all(&dir);
}
