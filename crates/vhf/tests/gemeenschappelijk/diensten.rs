//! Hulpmiddelen voor tests die een server draaien naast echte diensten uit `tests/diensten` (s3rver, een OpenID
//! Provider): de diensten starten en stoppen, gebruikers met een token, inloggen met cookie en CSRF-token.
//! In CI (`CI` gezet) is een ontbrekende dienst of database een fout, geen overgeslagen test.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Een naam met 12 willekeurige hexcijfers (een schema, een map).
pub fn uniek(naam: &str) -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).unwrap();
    format!("{naam}_{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>())
}

/// Een melding die ook zonder --nocapture te zien is.
pub fn meld(tekst: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{tekst}");
}

/// De PostgreSQL van `VHF_TEST_DATABASE_URL` met een eigen, vers schema, als URL waarvan elke verbinding dat
/// schema gebruikt. Zonder de variabele `None` met een melding; in CI een fout.
pub async fn postgres_schema() -> Option<String> {
    let url = match std::env::var("VHF_TEST_DATABASE_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            assert!(std::env::var_os("CI").is_none(), "CI moet VHF_TEST_DATABASE_URL zetten (.ci/run start PostgreSQL)");
            meld("OVERGESLAGEN: VHF_TEST_DATABASE_URL is niet gezet, dus deze PostgreSQL-test draait niet (.ci/run zet hem; zie de README)");
            return None;
        }
    };
    sqlx::any::install_default_drivers();
    let schema = uniek("t");
    let pool = sqlx::any::AnyPoolOptions::new().max_connections(1).connect(&url).await.expect("PostgreSQL bereikbaar op VHF_TEST_DATABASE_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&pool).await.unwrap();
    pool.close().await;
    let scheiding = if url.contains('?') { '&' } else { '?' };
    Some(format!("{url}{scheiding}options=-c%20search_path%3D{schema}"))
}

/// Een testdienst uit `tests/diensten` (node-proces); wordt gestopt als de test klaar is.
pub struct Dienst(std::process::Child);
impl Drop for Dienst {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// De map met de testdiensten, als dit npm-pakket er is; anders `None` met een melding (in CI een fout).
pub fn diensten(pakket: &str) -> Option<PathBuf> {
    let map = repo().join("tests/diensten");
    if map.join("node_modules").join(pakket).exists() {
        return Some(map);
    }
    assert!(std::env::var("CI").is_err(), "CI moet {pakket} installeren (npm ci --prefix tests/diensten)");
    meld(&format!("OVERGESLAGEN: {pakket} ontbreekt in tests/diensten/node_modules (npm ci --prefix tests/diensten); .ci/run installeert het"));
    None
}

/// Start `node <script>` in de dienstenmap met deze omgeving en wacht op de regel "klaar".
pub fn start_dienst(map: &Path, script: &str, omgeving: &[(&str, &std::ffi::OsStr)]) -> Dienst {
    let mut kind = std::process::Command::new("node")
        .arg(script)
        .current_dir(map)
        .envs(omgeving.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("node start");
    let mut regel = String::new();
    let mut uit = std::io::BufReader::new(kind.stdout.take().unwrap());
    std::io::BufRead::read_line(&mut uit, &mut regel).unwrap();
    assert_eq!(regel.trim(), "klaar", "{script} startte niet");
    // Blijven lezen: een gesloten pijp laat de dienst bij zijn volgende logregel vallen.
    std::thread::spawn(move || std::io::copy(&mut uit, &mut std::io::sink()));
    Dienst(kind)
}

pub fn vrije_poort() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Bestanden van alle objecten onder een map (s3rver bewaart elk object als bestand).
pub fn bestanden_onder(map: &Path) -> Vec<PathBuf> {
    let mut uit = Vec::new();
    if let Ok(lijst) = std::fs::read_dir(map) {
        for e in lijst.flatten() {
            let p = e.path();
            if p.is_dir() {
                uit.extend(bestanden_onder(&p));
            } else {
                uit.push(p);
            }
        }
    }
    uit
}

/// Een client die elk verzoek met dit token en als JSON doet.
pub fn client_met(token: &str) -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    h.insert(reqwest::header::CONTENT_TYPE, "application/json".parse().unwrap());
    vhf::tls::bouwer().default_headers(h).build().unwrap()
}

/// Zet een gebruiker met een schrijftoken rechtstreeks in de database (zoals `vhf gebruiker` en `vhf token` doen).
pub async fn gebruiker_met_token(db: &vhf::db::Db, id: &str, rol: vhf::toegang::Rol, gemeente: Option<&str>) -> String {
    let g = vhf::toegang::Gebruiker::nieuw(id, id, rol, gemeente.map(|g| vhf_core::codes::GemeenteCode::parse(g).unwrap())).unwrap();
    let mut tx = db.schrijf().await.unwrap();
    vhf::db::toegang::sla_op(&mut tx, &g, None, 0).await.unwrap();
    let (token, hash) = vhf::server::beheer::nieuw_token();
    vhf::db::toegang::voeg_token_toe(&mut tx, &hash, &g, vhf::toegang::Reikwijdte::Schrijven, "test", 0, i64::MAX).await.unwrap();
    tx.commit().await.unwrap();
    token
}

/// Het sessiecookie uit een antwoord (de hele Set-Cookie-regel).
pub fn set_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find(|v| v.starts_with("__Host-vhf-sessie=")).map(|v| v.to_string())
}

/// Het id uit een Set-Cookie-regel van de sessie.
pub fn cookie_id(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().trim_start_matches("__Host-vhf-sessie=").to_string()
}

pub fn csrf_uit_html(html: &str) -> String {
    let na = html.split("name=\"_csrf\" value=\"").nth(1).expect("CSRF-veld in het formulier");
    na.split('"').next().unwrap().to_string()
}

/// Volgt de browser door de provider (inlogformulier, toestemming) tot de terugkeer naar vhf; geeft die URL.
pub async fn door_de_provider(pc: &reqwest::Client, begin: &str, account: &str, terug: &str, provider: &str) -> String {
    let absoluut = |u: &str| if u.starts_with("http") { u.to_string() } else { format!("{provider}{u}") };
    let mut url = begin.to_string();
    for _ in 0..20 {
        if url.starts_with(terug) {
            return url;
        }
        let r = pc.get(&url).send().await.unwrap();
        if r.status().is_redirection() {
            url = absoluut(r.headers()["location"].to_str().unwrap());
            continue;
        }
        let html = r.text().await.unwrap();
        let actie = html.split("action=\"").nth(1).and_then(|x| x.split('"').next()).unwrap_or_else(|| panic!("geen formulier: {html}")).to_string();
        let mut velden: Vec<(String, String)> = html
            .split("<input")
            .skip(1)
            .filter_map(|i| {
                let naam = i.split("name=\"").nth(1)?.split('"').next()?.to_string();
                let waarde = i.split("value=\"").nth(1).and_then(|v| v.split('"').next()).unwrap_or("").to_string();
                Some((naam, waarde))
            })
            .collect();
        for (k, v) in velden.iter_mut() {
            match k.as_str() {
                "login" => *v = account.to_string(),
                "password" => *v = "wat-dan-ook".to_string(),
                _ => {}
            }
        }
        let r = pc.post(absoluut(&actie)).form(&velden).send().await.unwrap();
        assert!(r.status().is_redirection(), "{}", r.status());
        url = absoluut(r.headers()["location"].to_str().unwrap());
    }
    panic!("de provider stuurde niet terug naar vhf");
}
