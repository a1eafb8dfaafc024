//! Het schaalpad (issue 14): twee exemplaren van de server op één PostgreSQL-database (een eigen, vers schema) en
//! één S3-compatibele opslag (s3rver), zoals achter een proxy of load balancer, en ze gedragen zich als één dienst.
//! Elk exemplaar is een eigen [`Application`] met een eigen databasepool, documentopslag, OIDC-client en metrieken;
//! wat ze delen is wat een proxy ook laat delen: de database, de bucket, de configuratie en (zoals machines met
//! NTP) de klok. Ze starten tegelijk op een lege database (de migraties), en wat de test doet, loopt steeds via
//! het ene exemplaar heen en via het andere terug:
//!
//! 1. inloggen (ontwikkel-login en OIDC) dat op A begint en op B verdergaat, uitloggen op B dat A merkt, en het
//!    remmen van mislukte pogingen dat over beide telt (het klantadres uit X-Forwarded-For: `achter_proxy`);
//! 2. een `Idempotency-Key` die op B herhaald wordt, na elkaar en tegelijk: één aanvraag, hetzelfde antwoord;
//! 3. gelijktijdige wijzigingen met `If-Match` via A en B: steeds precies één wint, de ander krijgt 412;
//! 4. documenten die via het ene exemplaar binnenkomen, komen bit voor bit terug uit het andere;
//! 5. één audittrail waarvan de keten klopt, gevraagd aan beide;
//! 6. de achtergrondtaken (opruimen van documenten zonder rij bij de start, van verlopen sessies en oude
//!    inlogpogingen daarna): een tweede paar start tegelijk, beide ruimen tegelijk op, zonder één fout in het log,
//!    zonder een document met een rij te raken, en verlopen sessies zijn daarna op elk exemplaar weg.
//!
//! Zonder `VHF_TEST_DATABASE_URL` of de npm-diensten wordt de test overgeslagen met een melding; in CI is dat een fout.

#[path = "gemeenschappelijk/diensten.rs"]
mod diensten;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use diensten::*;
use reqwest::StatusCode;
use serde_json::Value;
use vhf::server::{Application, Instellingen};

/// Wat de exemplaren loggen (WARN en erger, alleen van vhf zelf), om na afloop te zien dat niets misging.
static LOG: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Logschrijver;
impl std::io::Write for Logschrijver {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        LOG.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logregels() -> Vec<String> {
    String::from_utf8_lossy(&LOG.lock().unwrap()).lines().map(str::to_string).collect()
}

/// Een draaiend exemplaar: zijn adres; als `_stop` valt, stopt het netjes.
struct Exemplaar {
    basis: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Exemplaar {
    fn url(&self, pad: &str) -> String {
        format!("{}{pad}", self.basis)
    }
    fn api(&self, pad: &str) -> String {
        format!("{}/api/v1{pad}", self.basis)
    }
}

/// Start twee exemplaren tegelijk (zoals een uitrol met twee replica's) en geeft ze, draaiend.
async fn start_paar(a: &Instellingen, b: &Instellingen, klok: &Arc<AtomicI64>) -> (Exemplaar, Exemplaar) {
    let klok_van = || {
        let k = klok.clone();
        Arc::new(move || jiff::Timestamp::from_microsecond(k.load(Ordering::SeqCst)).unwrap()) as vhf::server::Klok
    };
    let (app_a, app_b) = tokio::join!(Application::build(a, klok_van()), Application::build(b, klok_van()));
    let draai = |app: Result<Application, String>, naam: &str| {
        let app = app.unwrap_or_else(|e| panic!("exemplaar {naam} start niet: {e}"));
        let basis = format!("http://127.0.0.1:{}", app.poort());
        let (stop, wacht) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until_stopped(async move {
            let _ = wacht.await;
        }));
        Exemplaar { basis, _stop: stop }
    };
    (draai(app_a, "A"), draai(app_b, "B"))
}

fn zet_klok(klok: &AtomicI64, moment: &str) {
    klok.store(moment.parse::<jiff::Timestamp>().unwrap().as_microsecond(), Ordering::SeqCst);
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect()
}

/// Het voorbeeld van Zaanstad als concept, zonder moment van indienen en zonder documentenlijst.
fn concept() -> String {
    let mut v: Value = serde_json::from_str(include_str!("../../../examples/zaanstad-poelenburg-peldersveld.json")).unwrap();
    v.as_object_mut().unwrap().remove("ingediend_op");
    v.as_object_mut().unwrap().remove("documenten");
    v.to_string()
}

async fn tel(db: &vhf::db::Db, sql: &str) -> i64 {
    let mut c = db.pool.acquire().await.unwrap();
    sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&mut *c).await.unwrap().0
}

/// Een browser zonder cookieopslag achter de proxy: elk verzoek met het klantadres dat de proxy zou toevoegen.
fn browser(klantadres: &str) -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("x-forwarded-for", klantadres.parse().unwrap());
    vhf::tls::bouwer().default_headers(h).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn met(cookie: &str) -> String {
    format!("__Host-vhf-sessie={cookie}")
}

/// Opent de inlogpagina op dit exemplaar: (voorsessie, CSRF-token).
async fn inlogpagina(c: &reqwest::Client, e: &Exemplaar) -> (String, String) {
    let r = c.get(e.url("/auth/inloggen")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = cookie_id(&set_cookie(&r).expect("voorsessie"));
    (cookie, csrf_uit_html(&r.text().await.unwrap()))
}

async fn ontwikkel_login(c: &reqwest::Client, e: &Exemplaar, cookie: &str, csrf: &str, gebruiker: &str) -> reqwest::Response {
    c.post(e.url("/auth/ontwikkel"))
        .header("cookie", met(cookie))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("gebruiker={gebruiker}&_csrf={csrf}"))
        .send()
        .await
        .unwrap()
}

async fn ik(c: &reqwest::Client, e: &Exemplaar, cookie: &str) -> (StatusCode, Value) {
    let r = c.get(e.api("/ik")).header("cookie", met(cookie)).send().await.unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

/// De sleutels van de bucket komen, zoals in productie, uit de omgeving (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
/// Elke test van dit bestand roept dit als eerste aan: wie als tweede komt, wacht tot ze gezet zijn, zodat er geen
/// draad van deze tests de omgeving leest terwijl die verandert.
fn zet_s3_sleutels() {
    static EENMAAL: std::sync::Once = std::sync::Once::new();
    EENMAAL.call_once(|| unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", "S3RVER");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "S3RVER");
    });
}

#[test]
fn twee_exemplaren_gedragen_zich_als_een_dienst() {
    zet_s3_sleutels();
    let (Some(s3map), Some(oidcmap)) = (diensten("s3rver"), diensten("oidc-provider")) else { return };
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::new("vhf=warn")).with_ansi(false).with_writer(|| Logschrijver).init();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap();
    rt.block_on(doorloop(s3map, oidcmap));
}

async fn doorloop(s3map: std::path::PathBuf, oidcmap: std::path::PathBuf) {
    let Some(database_url) = postgres_schema().await else { return };
    let dir = std::env::temp_dir().join(uniek("vhf-twee"));
    let emmer = dir.join("s3");
    std::fs::create_dir_all(&emmer).unwrap();
    let s3_poort = vrije_poort().to_string();
    let _s3 = start_dienst(&s3map, "s3.mjs", &[("PORT", s3_poort.as_ref()), ("MAP", emmer.as_os_str())]);
    // De proxy: het adres dat de buitenwereld (en de OIDC-provider) kent. De test speelt zelf de proxy en kiest
    // per verzoek een exemplaar.
    let proxy = format!("http://127.0.0.1:{}", vrije_poort());
    let terug = format!("{proxy}/auth/oidc/terugkeer");
    let pp = vrije_poort();
    let provider = format!("http://127.0.0.1:{pp}");
    let pp_tekst = pp.to_string();
    let _provider = start_dienst(&oidcmap, "provider.mjs", &[("PORT", pp_tekst.as_ref()), ("REDIRECT_URI", terug.as_ref()), ("NODE_ENV", "test".as_ref())]);

    // Dezelfde configuratie voor beide, op de eigen documentenmap na (die leeg moet blijven: alles gaat naar S3).
    let oidc: vhf::config::OidcInstellingen = toml::from_str(&format!(
        "issuer = \"{provider}\"\nclient_id = \"vhf\"\nclient_secret = \"geheim-voor-de-test\"\nredirect_url = \"{terug}\"\n\
         scopes = [\"vhf\"]\n[organisaties]\n\"00000001002564440000\" = \"GM0479\"\n"
    ))
    .unwrap();
    let s3: vhf::config::S3Instellingen =
        toml::from_str(&format!("bucket = \"vhf-test\"\nendpoint = \"http://127.0.0.1:{s3_poort}\"\nhttp_toestaan = true\n")).unwrap();
    let instellingen = |naam: &str| Instellingen {
        database_url: database_url.clone(),
        adres: "127.0.0.1:0".parse().unwrap(),
        documenten: dir.join(format!("documenten-{naam}")),
        max_document_bytes: 20 * 1024 * 1024,
        demo: false,
        ontwikkel_login: true,
        achter_proxy: true,
        oidc: Some(oidc.clone()),
        s3: Some(s3.clone()),
        sessiebeleid: Default::default(),
    };
    let (ia, ib) = (instellingen("a"), instellingen("b"));
    let klok = Arc::new(AtomicI64::new(0));
    zet_klok(&klok, "2021-05-01T10:00:00Z");

    // Beide tegelijk op de lege database: de migraties mogen elkaar niet in de weg zitten.
    let (a, b) = start_paar(&ia, &ib, &klok).await;
    let db = vhf::db::Db::verbind(&database_url).await.unwrap();
    use vhf::toegang::Rol;
    let zaanstad = client_met(&gebruiker_met_token(&db, "zaanstad", Rol::Aanvrager, Some("GM0479")).await);
    let auditor = client_met(&gebruiker_met_token(&db, "auditor", Rol::Auditor, None).await);
    gebruiker_met_token(&db, "rvo", Rol::Behandelaar, None).await;
    for e in [&a, &b] {
        assert_eq!(zaanstad.get(e.url("/readyz")).send().await.unwrap().status(), StatusCode::OK);
    }

    // 1. Inloggen. De ontwikkel-login: de inlogpagina (voorsessie met CSRF-token) van A, het formulier naar B.
    let kantoor = browser("203.0.113.7");
    let (voor, csrf) = inlogpagina(&kantoor, &a).await;
    let r = ontwikkel_login(&kantoor, &b, &voor, &csrf, "rvo").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "B kent de voorsessie en het CSRF-token van A");
    let sessie = cookie_id(&set_cookie(&r).unwrap());
    let (status, wie) = ik(&kantoor, &a, &sessie).await;
    assert_eq!((status, wie["rol"].as_str()), (StatusCode::OK, Some("behandelaar")), "de sessie van B geldt op A: {wie}");
    for e in [&a, &b] {
        assert_eq!(ik(&kantoor, e, &voor).await.0, StatusCode::UNAUTHORIZED, "de voorsessie is op beide exemplaren weg");
    }
    // Een wijziging via de sessie op B met het CSRF-token dat A gaf: langs de CSRF-controle (422: de body is leeg).
    let csrf_a = wie["csrf"].as_str().unwrap().to_string();
    let r = kantoor
        .post(b.api("/rondes/vhf-2021/beoordelingen"))
        .header("cookie", met(&sessie))
        .header("x-csrf-token", &csrf_a)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Uitloggen op B: A kent de sessie niet meer.
    let r = kantoor
        .post(b.url("/auth/uitloggen"))
        .header("cookie", met(&sessie))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("_csrf={csrf_a}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(ik(&kantoor, &a, &sessie).await.0, StatusCode::UNAUTHORIZED, "uitgelogd op B is uitgelogd op A");

    // OIDC: begonnen op A (state, nonce en PKCE-verifier bij de voorsessie), de terugkeer via de proxy op B.
    let r = kantoor.get(a.url("/auth/oidc/start")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let voor_oidc = cookie_id(&set_cookie(&r).unwrap());
    let naar = r.headers()["location"].to_str().unwrap().to_string();
    let pc = vhf::tls::bouwer().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    let terugkeer = door_de_provider(&pc, &naar, "zaanstad-1", &terug, &provider).await;
    let r = kantoor.get(terugkeer.replacen(&proxy, &b.basis, 1)).header("cookie", met(&voor_oidc)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "de terugkeer op B: {}", r.text().await.unwrap());
    let oidc_sessie = cookie_id(&set_cookie(&r).unwrap());
    let (status, wie) = ik(&kantoor, &a, &oidc_sessie).await;
    assert_eq!((status, wie["gemeente"].as_str(), wie["naam"].as_str()), (StatusCode::OK, Some("GM0479"), Some("Zoë Zaanstad")), "{wie}");

    // Remmen: vijf mislukte pogingen van één klant, verdeeld over A en B, tellen samen; daarna weigeren beide.
    // Een andere klant achter dezelfde proxy (hetzelfde verbindingsadres, een ander X-Forwarded-For) niet.
    let aanvaller = browser("198.51.100.4");
    let (v, c) = inlogpagina(&aanvaller, &a).await;
    for e in [&a, &b, &a, &b, &b] {
        assert_eq!(ontwikkel_login(&aanvaller, e, &v, &c, "bestaat-niet").await.status(), StatusCode::UNAUTHORIZED);
    }
    for e in [&a, &b] {
        let r = ontwikkel_login(&aanvaller, e, &v, &c, "rvo").await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "de pogingen op A en B tellen samen");
    }
    let (v2, c2) = inlogpagina(&kantoor, &b).await;
    assert_eq!(ontwikkel_login(&kantoor, &a, &v2, &c2, "rvo").await.status(), StatusCode::SEE_OTHER, "een ander klantadres is niet geremd");

    // 2. Idempotentie: op A gemaakt, op B herhaald (een time-out, de proxy koos het andere exemplaar).
    let body = concept();
    let r = zaanstad.post(a.api("/aanvragen")).header("Idempotency-Key", "maak-1").body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(r.headers().get("idempotent-replayed").is_none());
    let eerste: Value = r.json().await.unwrap();
    let id = eerste["id"].as_str().unwrap().to_string();
    let r = zaanstad.post(b.api("/aanvragen")).header("Idempotency-Key", "maak-1").body(body.clone()).send().await.unwrap();
    assert_eq!((r.status(), r.headers()["idempotent-replayed"].to_str().unwrap()), (StatusCode::CREATED, "true"));
    assert_eq!(r.json::<Value>().await.unwrap(), eerste, "B geeft hetzelfde antwoord als A");
    assert_eq!(tel(&db, "SELECT COUNT(*) FROM aanvragen").await, 1);
    // En tegelijk: hetzelfde verzoek op hetzelfde moment naar A en B.
    let body2 = body.replace("ZAANSTAD-2021-01", "ZAANSTAD-2021-02");
    let verzoek = |e: &Exemplaar| zaanstad.post(e.api("/aanvragen")).header("Idempotency-Key", "maak-2").body(body2.clone()).send();
    let (ra, rb) = tokio::join!(verzoek(&a), verzoek(&b));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!((ra.status(), rb.status()), (StatusCode::CREATED, StatusCode::CREATED));
    let herhaald = [&ra, &rb].iter().filter(|r| r.headers().get("idempotent-replayed").is_some()).count();
    assert_eq!(herhaald, 1, "één van de twee deed het werk, de ander gaf het bewaarde antwoord");
    let (va, vb): (Value, Value) = (ra.json().await.unwrap(), rb.json().await.unwrap());
    assert_eq!(va, vb);
    assert_eq!(tel(&db, "SELECT COUNT(*) FROM aanvragen").await, 2, "één aanvraag per sleutel");
    assert_eq!(tel(&db, "SELECT COUNT(*) FROM audit WHERE actie = 'aanvraag.aangemaakt'").await, 2, "en één auditregel per aanvraag");

    // 3. If-Match: telkens tegelijk een wijziging via A en een via B op dezelfde versie. Precies één wint.
    for ronde in 0..6 {
        let r = zaanstad.get(b.api(&format!("/aanvragen/{id}"))).send().await.unwrap();
        let versie = r.headers()["etag"].to_str().unwrap().to_string();
        let titel = |e: &str| format!("Poelenburg en Peldersveld, ronde {ronde} via {e}");
        let wijzig = |e: &Exemplaar, naam: &str| {
            zaanstad
                .put(e.api(&format!("/aanvragen/{id}")))
                .header("If-Match", &versie)
                .body(body.replace("Zaandam Oost: Poelenburg en Peldersveld", &titel(naam)))
                .send()
        };
        let (ra, rb) = tokio::join!(wijzig(&a, "A"), wijzig(&b, "B"));
        let (sa, sb) = (ra.unwrap().status(), rb.unwrap().status());
        let winnaar = match (sa, sb) {
            (StatusCode::OK, StatusCode::PRECONDITION_FAILED) => "A",
            (StatusCode::PRECONDITION_FAILED, StatusCode::OK) => "B",
            _ => panic!("ronde {ronde}: A gaf {sa}, B gaf {sb}; verwacht precies één 200 en één 412"),
        };
        let nu: Value = zaanstad.get(a.api(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
        let verwacht = versie.trim_matches('"').parse::<i64>().unwrap() + 1;
        assert_eq!((nu["versie"].as_i64(), nu["inhoud"]["titel"].as_str()), (Some(verwacht), Some(titel(winnaar).as_str())), "ronde {ronde}");
    }
    assert_eq!(tel(&db, "SELECT COUNT(*) FROM audit WHERE actie = 'aanvraag.gewijzigd'").await, 6, "de verliezers lieten niets achter");

    // 4. Documenten: een groot document (in delen van 5 MiB) via A, terug via B; acht kleine tegelijk, om en om.
    let mut groot = b"%PDF-1.7\n".to_vec();
    groot.extend((0..7 * 1024 * 1024u32).map(|i| (i % 251) as u8));
    let r = zaanstad.post(a.api(&format!("/aanvragen/{id}/documenten?soort=begroting&naam=Begroting.pdf"))).body(groot.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let groot_doc: Value = r.json().await.unwrap();
    assert_eq!(groot_doc["sha256"], sha256_hex(&groot));
    let terug_b = zaanstad.get(b.api(&format!("/aanvragen/{id}/documenten/{}", groot_doc["id"].as_str().unwrap()))).send().await.unwrap();
    assert_eq!(terug_b.status(), StatusCode::OK);
    assert!(terug_b.bytes().await.unwrap().as_ref() == groot.as_slice(), "B geeft het document van A bit voor bit terug");
    let klein = |i: usize| format!("%PDF-1.7\n% bijlage {i}\n").repeat(50 + i).into_bytes();
    let uploads = (0..8).map(|i| {
        let e = if i % 2 == 0 { &a } else { &b };
        zaanstad.post(e.api(&format!("/aanvragen/{id}/documenten?soort=overig&naam=bijlage-{i}.pdf"))).body(klein(i)).send()
    });
    let mut kleine = Vec::new();
    for (i, r) in futures_util::future::join_all(uploads).await.into_iter().enumerate() {
        let r = r.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "upload {i}");
        kleine.push((i, r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()));
    }
    for (i, doc) in &kleine {
        // Terug via het andere exemplaar dan waar het binnenkwam.
        let e = if i % 2 == 0 { &b } else { &a };
        let inhoud = zaanstad.get(e.api(&format!("/aanvragen/{id}/documenten/{doc}"))).send().await.unwrap().bytes().await.unwrap();
        assert_eq!(sha256_hex(&inhoud), sha256_hex(&klein(*i)), "bijlage {i}");
    }
    for e in [&a, &b] {
        let l: Value = zaanstad.get(e.api(&format!("/aanvragen/{id}/documenten"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(l["data"].as_array().unwrap().len(), 9, "beide exemplaren zien alle negen");
    }
    let sleutel_groot = format!("documenten/{id}/{}", groot_doc["id"].as_str().unwrap());
    let bestand_groot = emmer.join("vhf-test").join(format!("{sleutel_groot}._S3rver_object"));
    assert!(bestand_groot.exists(), "het document staat in de bucket: {}", bestand_groot.display());
    for naam in ["a", "b"] {
        assert!(bestanden_onder(&dir.join(format!("documenten-{naam}"))).is_empty(), "niets in de eigen map van {naam}");
    }

    // 5. Eén keten, gevraagd aan beide exemplaren: in orde, met dezelfde kop.
    let mut koppen = Vec::new();
    for e in [&a, &b] {
        let c: Value = auditor.get(e.api("/audit/controle")).send().await.unwrap().json().await.unwrap();
        assert_eq!(c["in_orde"], true, "{c}");
        koppen.push((c["rijen"].clone(), c["kop_hash"].clone()));
    }
    assert_eq!(koppen[0], koppen[1]);
    assert_eq!(tel(&db, "SELECT COUNT(*) FROM audit WHERE actie = 'document.toegevoegd'").await, 9);

    // 6. Achtergrondtaken. In de bucket: twaalf documenten zonder rij (een crash tussen opslaan en vastleggen) van
    // twee uur geleden, en één van zojuist (misschien een upload die op een ander exemplaar nog loopt). Het grote
    // document (met rij) wordt ook twee uur oud gemaakt: dat mag niet weg.
    let opslag = object_store::aws::AmazonS3Builder::from_env()
        .with_bucket_name("vhf-test")
        .with_region("eu-central-1")
        .with_endpoint(format!("http://127.0.0.1:{s3_poort}"))
        .with_allow_http(true)
        .build()
        .unwrap();
    use object_store::ObjectStoreExt;
    let twee_uur_terug = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
    let oud_maken = |p: &std::path::Path| std::fs::File::options().write(true).open(p).unwrap().set_modified(twee_uur_terug).unwrap();
    let wezen: Vec<String> = (0..12).map(|i| format!("documenten/{id}/DOCwees{i:02}")).chain(["documenten/AVweg/DOCwees".to_string()]).collect();
    for w in &wezen {
        opslag.put(&object_store::path::Path::from(w.as_str()), b"%PDF-1.7 wees".to_vec().into()).await.unwrap();
        oud_maken(&emmer.join("vhf-test").join(format!("{w}._S3rver_object")));
    }
    let vers_wees = format!("documenten/{id}/DOCvers");
    opslag.put(&object_store::path::Path::from(vers_wees.as_str()), b"%PDF-1.7 nog bezig".to_vec().into()).await.unwrap();
    oud_maken(&bestand_groot);

    // Sessies: 31 minuten later zijn alle sessies van 10:00 verlopen. Eén wordt op A nog geprobeerd (en dan door A
    // zelf verwijderd); de rest laat het verzoekverkeer liggen, dat is werk voor de opruimer. Een verse sessie van
    // nu moet blijven.
    zet_klok(&klok, "2021-05-01T10:31:00Z");
    let (status, wie) = ik(&kantoor, &a, &oidc_sessie).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(wie["detail"].as_str().unwrap().contains("verlopen"), "{wie}");
    assert_eq!(ik(&kantoor, &b, &oidc_sessie).await.0, StatusCode::UNAUTHORIZED);
    let (v3, c3) = inlogpagina(&kantoor, &b).await;
    let r = ontwikkel_login(&kantoor, &a, &v3, &c3, "rvo").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let vers = cookie_id(&set_cookie(&r).unwrap());
    let grens = "2021-05-01T10:01:00Z".parse::<jiff::Timestamp>().unwrap().as_microsecond();
    let verlopen = format!("SELECT COUNT(*) FROM sessies WHERE laatst_gezien < {grens}");
    assert!(tel(&db, &verlopen).await >= 2, "er liggen verlopen sessies voor de opruimer");
    let pogingen_oud = format!("SELECT COUNT(*) FROM inlogpogingen WHERE op < {grens}");
    zet_klok(&klok, "2021-05-01T10:45:00Z");
    assert!(tel(&db, &pogingen_oud).await >= 5, "en inlogpogingen van buiten het venster");

    // Een tweede paar (een uitrol: twee nieuwe exemplaren tegelijk) naast het eerste. Bij de start ruimen beide
    // tegelijk de bucket op, daarna beide tegelijk de sessies en pogingen.
    let (a2, b2) = start_paar(&ia, &ib, &klok).await;
    let over: Vec<String> = bestanden_onder(&emmer).iter().map(|p| p.to_string_lossy().to_string()).collect();
    for w in &wezen {
        assert!(!over.iter().any(|p| p.contains(&format!("{w}._S3rver_object"))), "{w} is opgeruimd");
    }
    assert!(over.iter().any(|p| p.contains(&format!("{vers_wees}._S3rver_object"))), "een document van zojuist blijft (misschien loopt de upload nog)");
    for e in [&a, &b, &a2, &b2] {
        let r = zaanstad.get(e.api(&format!("/aanvragen/{id}/documenten/{}", groot_doc["id"].as_str().unwrap()))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(sha256_hex(&r.bytes().await.unwrap()), sha256_hex(&groot), "een oud document mét rij blijft, op elk exemplaar leesbaar");
    }
    // De opruimer draait bij de start van elk exemplaar (en daarna elke vijf minuten): wachten tot hij klaar is.
    let tot = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while tel(&db, &verlopen).await > 0 || tel(&db, &pogingen_oud).await > 0 {
        assert!(std::time::Instant::now() < tot, "de verlopen sessies en oude pogingen zijn na 20 s nog niet opgeruimd");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    for e in [&a, &b, &a2, &b2] {
        assert_eq!(ik(&kantoor, e, &vers).await.0, StatusCode::OK, "de verse sessie geldt op elk exemplaar");
        assert_eq!(ik(&kantoor, e, &oidc_sessie).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(tel(&db, "SELECT COUNT(*) FROM sessies").await, 1, "alleen de verse sessie is er nog");
    let c: Value = auditor.get(b2.api("/audit/controle")).send().await.unwrap().json().await.unwrap();
    assert_eq!(c["in_orde"], true, "{c}");

    // Geen fout in het log van welk exemplaar ook; alleen de twee waarschuwingen die bij deze test horen.
    let regels = logregels();
    let verwacht = ["inloggen geremd na te veel mislukte pogingen", "documenten zonder databaserij opgeruimd"];
    let anders: Vec<&String> = regels.iter().filter(|r| !verwacht.iter().any(|v| r.contains(v))).collect();
    assert!(anders.is_empty(), "onverwachte waarschuwingen of fouten:\n{}", anders.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"));
    assert!(regels.iter().any(|r| r.contains("documenten zonder databaserij opgeruimd")), "{regels:?}");
}

/// Wie de documenten niet in S3 maar in een gedeelde map (een netwerkschijf) zet, laat ook daar twee exemplaren
/// tegelijk opruimen. Dan verwijderen ze soms hetzelfde bestand: voor de tweede is het al weg, en dat is geen fout
/// (S3 zegt dan niets, een map wel). Zonder die regel stopte het opruimen van een van beide met een fout.
#[test]
fn twee_exemplaren_ruimen_tegelijk_een_gedeelde_map_op() {
    zet_s3_sleutels();
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap().block_on(gedeelde_map_opruimen());
}

async fn gedeelde_map_opruimen() {
    let Some(database_url) = postgres_schema().await else { return };
    let (db_a, db_b) = (vhf::db::Db::verbind(&database_url).await.unwrap(), vhf::db::Db::verbind(&database_url).await.unwrap());
    let map = std::env::temp_dir().join(uniek("vhf-gedeeld"));
    let twee_uur_terug = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
    for i in 0..400 {
        let p = map.join(format!("documenten/AV{:02}/DOCwees{i:03}", i % 7));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, b"%PDF-1.7 wees").unwrap();
        std::fs::File::options().write(true).open(&p).unwrap().set_modified(twee_uur_terug).unwrap();
    }
    let opslag = || object_store::local::LocalFileSystem::new_with_prefix(&map).unwrap();
    let (sa, sb) = (opslag(), opslag());
    let (ra, rb) = tokio::join!(vhf::server::documenten::ruim_wezen_op(&db_a, &sa), vhf::server::documenten::ruim_wezen_op(&db_b, &sb));
    let (na, nb) = (ra.expect("A ruimt op zonder fout"), rb.expect("B ruimt op zonder fout"));
    assert_eq!(na + nb, 400, "elk bestand één keer geteld (A {na}, B {nb})");
    assert!(bestanden_onder(&map).is_empty(), "alles is weg: {:?}", bestanden_onder(&map));
}
