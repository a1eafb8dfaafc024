//! De API als echte server op een willekeurige poort, tegen een vers SQLite-bestand én tegen PostgreSQL
//! (`VHF_TEST_DATABASE_URL`, gezet door .ci/run; zonder die variabele wordt de PostgreSQL-helft overgeslagen met
//! een melding). Eén doorloop van een aanvraag per database: concept → wijzigen met If-Match → indienen buiten
//! en binnen het loket → ontvangstbewijs → idempotente herhaling → statusovergangen → bevindingen.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use reqwest::StatusCode;
use serde_json::{Value, json};
use vhf::server::{Application, Instellingen};

#[path = "gemeenschappelijk/schema.rs"]
mod schemacontrole;

struct App {
    basis: String,
    klok: Arc<AtomicI64>,
    /// Aanvrager van Zaanstad (GM0479), de penvoerder van het voorbeeld.
    http: reqwest::Client,
    /// Behandelaar (RVO).
    rvo: reqwest::Client,
    /// Beslisser (ministerie).
    bzk: reqwest::Client,
    beheer: reqwest::Client,
    auditor: reqwest::Client,
    /// Aanvrager van een andere gemeente (Amsterdam).
    ander: reqwest::Client,
    database_url: String,
}

/// Een client die elk verzoek met dit token doet.
fn client_met(token: &str) -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    // JSON-routes weigeren een body zonder Content-Type: application/json (415); een upload zet zijn eigen soort niet
    // nodig (de server herkent het bestand aan de inhoud).
    h.insert(reqwest::header::CONTENT_TYPE, "application/json".parse().unwrap());
    vhf::tls::bouwer().default_headers(h).build().unwrap()
}

/// Zet een gebruiker met een schrijftoken rechtstreeks in de database (zoals `vhf gebruiker` en `vhf token` doen).
async fn gebruiker_met_token(db: &vhf::db::Db, id: &str, rol: vhf::toegang::Rol, gemeente: Option<&str>) -> String {
    let g = vhf::toegang::Gebruiker::nieuw(id, id, rol, gemeente.map(|g| vhf_core::codes::GemeenteCode::parse(g).unwrap())).unwrap();
    let mut tx = db.schrijf().await.unwrap();
    vhf::db::toegang::sla_op(&mut tx, &g, None, 0).await.unwrap();
    let (token, hash) = vhf::server::beheer::nieuw_token();
    vhf::db::toegang::voeg_token_toe(&mut tx, &hash, &g, vhf::toegang::Reikwijdte::Schrijven, "test", 0, i64::MAX).await.unwrap();
    tx.commit().await.unwrap();
    token
}

impl App {
    fn zet_klok(&self, moment: &str) {
        let t: jiff::Timestamp = moment.parse().unwrap();
        self.klok.store(t.as_microsecond(), Ordering::SeqCst);
    }
    fn url(&self, pad: &str) -> String {
        format!("{}/api/v1{pad}", self.basis)
    }
}

async fn start(database_url: String) -> App {
    start_met(database_url, 100 * 1024 * 1024).await
}

async fn start_met(database_url: String, max_document_bytes: u64) -> App {
    let klok = Arc::new(AtomicI64::new(0));
    let k = klok.clone();
    let documenten = std::env::temp_dir().join(uniek("vhf-docs"));
    let instellingen = Instellingen { database_url: database_url.clone(), ..instellingen(documenten, max_document_bytes) };
    let app = Application::build(&instellingen, Arc::new(move || jiff::Timestamp::from_microsecond(k.load(Ordering::SeqCst)).unwrap())).await.unwrap();
    let basis = format!("http://127.0.0.1:{}", app.poort());
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    use vhf::toegang::Rol;
    let db = vhf::db::Db::verbind(&database_url).await.unwrap();
    App {
        basis,
        klok,
        http: client_met(&gebruiker_met_token(&db, "zaanstad", Rol::Aanvrager, Some("GM0479")).await),
        rvo: client_met(&gebruiker_met_token(&db, "rvo", Rol::Behandelaar, None).await),
        bzk: client_met(&gebruiker_met_token(&db, "bzk", Rol::Beslisser, None).await),
        beheer: client_met(&gebruiker_met_token(&db, "beheer", Rol::Beheerder, None).await),
        auditor: client_met(&gebruiker_met_token(&db, "auditor", Rol::Auditor, None).await),
        ander: client_met(&gebruiker_met_token(&db, "amsterdam", Rol::Aanvrager, Some("GM0363")).await),
        database_url,
    }
}

/// Instellingen voor een testserver: ontwikkel-login aan, geen OIDC, standaard sessiebeleid.
fn instellingen(documenten: std::path::PathBuf, max_document_bytes: u64) -> Instellingen {
    Instellingen {
        database_url: String::new(),
        adres: "127.0.0.1:0".parse().unwrap(),
        documenten,
        max_document_bytes,
        demo: false,
        ontwikkel_login: true,
        achter_proxy: false,
        oidc: None,
        s3: None,
        sessiebeleid: Default::default(),
    }
}

fn uniek(naam: &str) -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).unwrap();
    format!("{naam}_{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>())
}

async fn sqlite() -> App {
    let dir = std::env::temp_dir().join(uniek("vhf-api"));
    std::fs::create_dir_all(&dir).unwrap();
    start(format!("sqlite://{}?mode=rwc", dir.join("vhf.db").display())).await
}

/// Een eigen schema per test in de PostgreSQL-database van CI, zodat tests elkaar niet raken.
async fn postgres() -> Option<App> {
    let url = match std::env::var("VHF_TEST_DATABASE_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            // Rechtstreeks naar stderr, zodat de melding ook zonder --nocapture te zien is.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "OVERGESLAGEN: VHF_TEST_DATABASE_URL is niet gezet, dus de PostgreSQL-helft van de API-tests draait niet (.ci/run zet hem; zie de README)"
            );
            return None;
        }
    };
    sqlx::any::install_default_drivers();
    let schema = uniek("t");
    let pool = sqlx::any::AnyPoolOptions::new().max_connections(1).connect(&url).await.expect("PostgreSQL bereikbaar op VHF_TEST_DATABASE_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&pool).await.unwrap();
    let scheiding = if url.contains('?') { '&' } else { '?' };
    Some(start(format!("{url}{scheiding}options=-c%20search_path%3D{schema}")).await)
}

/// Een gebruiker en een schrijftoken via de opdrachtregel (`vhf gebruiker opslaan`, `vhf token maak`).
fn cli_token(dir: &std::path::Path, id: &str, rol: &str, gemeente: Option<&str>) -> String {
    let vhf = env!("CARGO_BIN_EXE_vhf");
    let d = dir.to_str().unwrap();
    let mut args = vec!["gebruiker", "opslaan", id, "--naam", id, "--rol", rol, "--data-dir", d];
    if let Some(g) = gemeente {
        args.extend(["--gemeente", g]);
    }
    let o = std::process::Command::new(vhf).args(&args).env_remove("DATABASE_URL").output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = std::process::Command::new(vhf)
        .args(["token", "maak", id, "--reikwijdte", "schrijven", "--omschrijving", "test", "--data-dir", d])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect()
}

fn concept() -> String {
    let tekst = include_str!("../../../examples/zaanstad-poelenburg-peldersveld.json");
    let mut v: Value = serde_json::from_str(tekst).unwrap();
    v.as_object_mut().unwrap().remove("ingediend_op");
    v.to_string()
}

/// Het voorbeeld van Zaanstad als concept zonder de documentenlijst van het bestand: op de server telt voor E15
/// wat er geüpload is.
fn concept_zonder_documentenlijst() -> String {
    let mut v: Value = serde_json::from_str(&concept()).unwrap();
    v.as_object_mut().unwrap().remove("documenten");
    v.to_string()
}

/// Uploadt wat ronde 2021 van het voorbeeld van Zaanstad vraagt (E15): een plan van aanpak per deelplan, een
/// begroting en een intentieverklaring van de partnercorporatie.
async fn upload_verplichte_documenten(app: &App, id: &str) {
    for (soort, deelplan, naam) in [
        ("plan_van_aanpak", Some("DP1"), "Plan DP1.pdf"),
        ("plan_van_aanpak", Some("DP2"), "Plan DP2.pdf"),
        ("begroting", None, "Begroting.pdf"),
        ("intentieverklaring_corporatie", None, "Intentieverklaring Parteon.pdf"),
    ] {
        let dp = deelplan.map(|d| format!("&deelplan={d}")).unwrap_or_default();
        let r = app
            .http
            .post(app.url(&format!("/aanvragen/{id}/documenten?soort={soort}{dp}&naam={}", naam.replace(' ', "%20"))))
            .body(format!("%PDF-1.7\n% {naam}\n").repeat(20))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{naam}: {}", r.text().await.unwrap());
    }
}

/// De bevindingen van één regel uit een verslag: (uitkomst, uitleg).
fn bevindingen_van(rapport: &Value, regel: &str) -> Vec<(String, String)> {
    rapport["bevindingen"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["regel"] == regel)
        .map(|b| (b["uitkomst"].as_str().unwrap().to_string(), b["uitleg"].as_str().unwrap().to_string()))
        .collect()
}

fn schema_van_het_verdeelresultaat() -> Value {
    serde_json::from_str(&std::fs::read_to_string(gemeenschappelijk_repo().join("schema/verdeelresultaat.schema.json")).unwrap()).unwrap()
}

async fn doorloop(app: App) {
    let c = &app.http;
    app.zet_klok("2021-05-01T10:00:00Z");

    // Gezondheid en versiekop.
    let r = c.get(format!("{}/readyz", app.basis)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c.get(app.url("/rondes")).send().await.unwrap();
    assert_eq!(r.headers()["api-version"], "1.0.0");

    // Concept maken, met een idempotentiesleutel; de herhaling maakt geen tweede aanvraag. Het bestand verklaart
    // hier geen documenten: wat telt (E15), is wat er geüpload wordt.
    let body = concept_zonder_documentenlijst();
    let r = c.post(app.url("/aanvragen")).header("Idempotency-Key", "maak-1").body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["etag"], "\"1\"");
    let v: Value = r.json().await.unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["status"], "concept");
    let r = c.post(app.url("/aanvragen")).header("Idempotency-Key", "maak-1").body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    assert_eq!(r.json::<Value>().await.unwrap()["id"], id.as_str());
    let lijst: Value = c.get(app.url("/aanvragen")).send().await.unwrap().json().await.unwrap();
    assert_eq!(lijst["totaal"], 1);
    // Het totaal telt per zicht en per ronde hetzelfde als de pagina laat zien.
    for (client, ronde, verwacht) in [(c, "vhf-2021", 1), (c, "vhf-2023", 0), (&app.rvo, "vhf-2021", 1), (&app.ander, "vhf-2021", 0), (&app.rvo, "", 1)] {
        let l: Value = client.get(app.url(&format!("/aanvragen?ronde={ronde}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!((l["totaal"].as_i64(), l["data"].as_array().map(Vec::len)), (Some(verwacht), Some(verwacht as usize)), "ronde '{ronde}': {l}");
    }
    // Dezelfde sleutel voor een ander verzoek: geweigerd.
    let r = c.post(app.url("/aanvragen")).header("Idempotency-Key", "maak-1").body(body.replace("ZAANSTAD-2021-01", "ZAANSTAD-2021-99")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Hetzelfde kenmerk zonder sleutel: conflict, geen tweede aanvraag.
    let r = c.post(app.url("/aanvragen")).body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // Slechte invoer: problem+json met veld en regel.
    let r = c.post(app.url("/aanvragen")).body(body.replacen("\"1504\"", "\"12345\"", 1)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["invalid-params"][0]["name"], "deelplannen[0].deelgebied.pc4[0]");
    assert!(p["invalid-params"][0]["reason"].as_str().unwrap().contains("E04"));
    assert!(p["invalid-params"][0]["line"].as_u64().is_some());

    // Wijzigen: zonder If-Match 428, met de juiste versie 200, met een oude versie 412.
    let gewijzigd = body.replace("Zaandam Oost: Poelenburg en Peldersveld", "Zaandam Oost: Poelenburg, Peldersveld");
    let r = c.put(app.url(&format!("/aanvragen/{id}"))).body(gewijzigd.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);
    let r = c.put(app.url(&format!("/aanvragen/{id}"))).header("If-Match", "\"1\"").body(gewijzigd.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"2\"");
    let r = c.put(app.url(&format!("/aanvragen/{id}"))).header("If-Match", "\"1\"").body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    let v: Value = c.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["inhoud"]["titel"], "Zaandam Oost: Poelenburg, Peldersveld", "de tweede schrijver overschreef niets");

    // Documenten: gestroomd opgeslagen met SHA-256; het soort wordt aan de inhoud gecontroleerd.
    let pdf = b"%PDF-1.7\n% plan van aanpak Poelenburg\n".repeat(100);
    let r = c
        .post(app.url(&format!("/aanvragen/{id}/documenten?soort=plan_van_aanpak&deelplan=DP1&naam=Plan%20van%20aanpak.pdf")))
        .body(pdf.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["sha256"], sha256_hex(&pdf));
    assert_eq!(d["grootte"], pdf.len());
    let terug = c.get(app.url(&format!("/aanvragen/{id}/documenten/{}", d["id"].as_str().unwrap()))).send().await.unwrap();
    assert_eq!(terug.headers()["content-type"], "application/pdf");
    assert_eq!(terug.bytes().await.unwrap().as_ref(), pdf.as_slice());
    let r = c.post(app.url(&format!("/aanvragen/{id}/documenten?soort=plan_van_aanpak&naam=nep.pdf"))).body(b"GIF89a nep".to_vec()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("begint niet zoals een .pdf"));
    let r = c.post(app.url(&format!("/aanvragen/{id}/documenten?soort=schoenendoos&naam=x.pdf"))).body(pdf.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let l: Value = c.get(app.url(&format!("/aanvragen/{id}/documenten"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(l["data"].as_array().unwrap().len(), 1, "de geweigerde uploads laten niets achter");
    upload_verplichte_documenten(&app, &id).await;

    // Indienen vóór de opening (08:59:59 lokale tijd): geweigerd, en er verandert niets.
    app.zet_klok("2021-05-03T06:59:59Z");
    let r = c.post(app.url(&format!("/aanvragen/{id}/indiening"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().contains("vóór de opening"), "{p}");
    let v: Value = c.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((v["status"].as_str(), v["versie"].as_i64()), (Some("concept"), Some(2)));

    // Indienen om 09:00:00: ontvangstbewijs met SHA-256 over de bevroren inhoud.
    app.zet_klok("2021-05-03T07:00:00Z");
    let r = c.post(app.url(&format!("/aanvragen/{id}/indiening"))).header("Idempotency-Key", "indien-1").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let ontvangst: Value = r.json().await.unwrap();
    let bewijs = &ontvangst["ontvangstbewijs"];
    assert_eq!(bewijs["ingediend_op_lokaal"], "03-05-2021 09:00:00");
    assert!(ontvangst["toetsing"]["zonder_fouten"].as_bool().unwrap(), "{ontvangst}");
    // Herhaald (bijvoorbeeld na een time-out): hetzelfde bewijs, geen tweede indiening.
    app.zet_klok("2021-05-03T07:00:05Z");
    let r = c.post(app.url(&format!("/aanvragen/{id}/indiening"))).header("Idempotency-Key", "indien-1").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["ontvangstbewijs"], *bewijs);
    // Zonder sleutel nog eens indienen: dat kan niet meer.
    let r = c.post(app.url(&format!("/aanvragen/{id}/indiening"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // Het bewijs is na te rekenen uit de bewaarde inhoud.
    let b: Value = c.get(app.url(&format!("/aanvragen/{id}/ontvangstbewijs"))).send().await.unwrap().json().await.unwrap();
    let a: vhf_core::aanvraag::Aanvraag = serde_json::from_value(b["inhoud"].clone()).unwrap();
    assert_eq!(vhf_core::levensloop::inhoudshash(&a), b["sha256"].as_str().unwrap());
    assert_eq!(b["ontvangstnummer"], bewijs["ontvangstnummer"]);
    // Na indiening is de inhoud bevroren, ook de documenten.
    let r = c.post(app.url(&format!("/aanvragen/{id}/documenten?soort=overig&naam=later.pdf"))).body(pdf.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = c.put(app.url(&format!("/aanvragen/{id}"))).header("If-Match", "\"3\"").body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // Aanvulling op verzoek: de behandelaar vraagt, de aanvrager levert een nieuwe versie met eigen SHA-256;
    // het oorspronkelijke ontvangstbewijs blijft staan.
    let r = c.post(app.url(&format!("/aanvragen/{id}/aanvullingen"))).header("If-Match", "\"3\"").body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT, "geen aanvulling zonder verzoek");
    let r = app
        .rvo
        .post(app.url(&format!("/aanvragen/{id}/statusovergangen")))
        .header("If-Match", "\"3\"")
        .json(&json!({"naar": "aanvulling_gevraagd", "reden": "begroting DP2 ontbreekt een post"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let aangevuld = body.replace("Veilige routes en verlichting", "Veilige routes, verlichting en camera's");
    let r = c.post(app.url(&format!("/aanvragen/{id}/aanvullingen"))).header("If-Match", "\"4\"").body(aangevuld).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let av: Value = r.json().await.unwrap();
    assert_eq!((av["aanvulling"].as_i64(), av["status"].as_str()), (Some(1), Some("ingediend")));
    assert_ne!(av["sha256"], bewijs["sha256"]);
    let b2: Value = c.get(app.url(&format!("/aanvragen/{id}/ontvangstbewijs"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(b2["sha256"], bewijs["sha256"], "het ontvangstbewijs van de indiening verandert niet");
    let huidig: Value = c.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(huidig["inhoud"]["ingediend_op"], "2021-05-03T07:00:00Z", "de aanvulling houdt het moment van indienen");

    // De bewaarde toetsing noemt de parameters van toen.
    let f: Value = c.get(app.url(&format!("/aanvragen/{id}/bevindingen"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(f["bewaard"], true);
    assert_eq!(f["aanleiding"], "aanvulling 1");
    assert_eq!(f["rapport"]["parameters"]["max_aandeel_tekort"]["waarde"], "70.00%");
    assert_eq!(f["rapport"]["ontvankelijk"], true);

    // Een gedateerde parameterwijziging (hier: 60% in plaats van 70% van het tekort, vanaf 1 april 2021) wordt
    // vastgelegd met bron, en de bevindingen van de ingediende aanvraag worden herberekend.
    let w = json!({"parameter": "max_aandeel_tekort", "vanaf": "2021-04-01", "waarde": "60%", "bron": "[D] test: verlaagd maximum"});
    let r = c.post(app.url("/rondes/vhf-2021/parameterwijzigingen")).json(&w).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "een aanvrager wijzigt geen parameters");
    let r = app.beheer.post(app.url("/rondes/vhf-2021/parameterwijzigingen")).json(&w).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["herberekend"], json!([id]));
    let f: Value = c.get(app.url(&format!("/aanvragen/{id}/bevindingen"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(f["aanleiding"], "parameterwijziging max_aandeel_tekort vanaf 2021-04-01");
    assert_eq!(f["rapport"]["parameters"]["max_aandeel_tekort"]["waarde"], "60.00%");
    assert_eq!(f["rapport"]["parameters"]["max_aandeel_tekort"]["bron"], "[D] test: verlaagd maximum");
    let e09 =
        f["rapport"]["bevindingen"].as_array().unwrap().iter().find(|b| b["regel"] == "E09" && b["uitkomst"] == "fout").expect("DP2 vraagt 68% en zakt nu");
    assert!(e09["uitleg"].as_str().unwrap().contains("meer dan 60% van het tekort"), "{e09}");
    let ronde: Value = c.get(app.url("/rondes/vhf-2021")).send().await.unwrap().json().await.unwrap();
    let p = ronde["parameters"].as_array().unwrap().iter().find(|p| p["naam"] == "max_aandeel_tekort").unwrap();
    assert_eq!(p["waarden"].as_array().unwrap().len(), 2);
    for (fout, verwacht) in [
        (json!({"parameter": "kleur", "vanaf": "2021-04-02", "waarde": "rood", "bron": "x"}), "onbekende parameter 'kleur'"),
        (json!({"parameter": "max_aandeel_tekort", "vanaf": "2021-03-20", "waarde": "50%", "bron": "x"}), "niet na de laatste wijziging"),
        (json!({"parameter": "max_aandeel_tekort", "vanaf": "2021-04-02", "waarde": "veel", "bron": "x"}), "percentage"),
    ] {
        let r = app.beheer.post(app.url("/rondes/vhf-2021/parameterwijzigingen")).json(&fout).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let d = r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().to_string();
        assert!(d.contains(verwacht), "{d}");
    }

    // Statusovergangen: alleen wat de levensloop toestaat, met If-Match, reden en actor.
    let r = app
        .rvo
        .post(app.url(&format!("/aanvragen/{id}/statusovergangen")))
        .header("If-Match", "\"5\"")
        .json(&json!({"naar": "toegekend", "reden": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = app
        .rvo
        .post(app.url(&format!("/aanvragen/{id}/statusovergangen")))
        .header("If-Match", "\"5\"")
        .json(&json!({"naar": "ontvankelijk", "reden": "volledig en tijdig"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"6\"");
    let o: Value = c.get(app.url(&format!("/aanvragen/{id}/statusovergangen"))).send().await.unwrap().json().await.unwrap();
    let naar: Vec<&str> = o["data"].as_array().unwrap().iter().map(|x| x["naar"].as_str().unwrap()).collect();
    assert_eq!(naar, ["concept", "ingediend", "aanvulling_gevraagd", "ingediend", "ontvankelijk"]);

    // Beoordeling, verdeling en besluit. Eerst in beoordeling; zonder scores kan er niet verdeeld worden.
    for (naar, versie) in [("in_beoordeling", 6), ("beoordeeld", 7)] {
        let r = app
            .rvo
            .post(app.url(&format!("/aanvragen/{id}/statusovergangen")))
            .header("If-Match", format!("\"{versie}\""))
            .json(&json!({"naar": naar, "reden": "commissie"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = app.bzk.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("niet beoordeeld door de commissie"));
    let scores: Vec<Value> = ["L1", "L2"]
        .iter()
        .flat_map(|l| {
            ["effectiviteit", "additionaliteit", "proportionaliteit", "haalbaarheid"]
                .map(|k| json!({"lid": l, "aanvraag": "ZAANSTAD-2021-01", "deelplan": "DP1", "criterium": k, "score": "8", "motivering": "sterk plan"}))
        })
        .collect();
    let b = json!({"beoordelingen": {
        "leden": [{"id": "L1", "naam": "Lid 1", "conflicten": [{"gemeente": "GM0363"}]}, {"id": "L2", "naam": "Lid 2"}],
        "toewijzingen": [{"aanvraag": "ZAANSTAD-2021-01", "deelplan": "DP1", "leden": ["L1", "L2"]}],
        "scores": scores,
    }});
    // Een lid dat (nog) geen gebruiker met de rol commissielid is, kan niet worden toegewezen.
    let r = app.rvo.post(app.url("/rondes/vhf-2021/beoordelingen")).json(&b).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("L1 is geen (actieve) gebruiker"));
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    for l in ["L1", "L2"] {
        gebruiker_met_token(&db, l, vhf::toegang::Rol::Commissielid, None).await;
    }
    let r = app.rvo.post(app.url("/rondes/vhf-2021/beoordelingen")).json(&b).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app.bzk.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    let vid = v["id"].as_str().unwrap().to_string();
    let dp = |d: &str| v["deelplannen"].as_array().unwrap().iter().find(|x| x["deelplan"] == d).unwrap().clone();
    assert_eq!(dp("DP1")["uitkomst"], "toegekend");
    assert_eq!(dp("DP1")["toegekend"], "21200000.00");
    // Voor machines: dezelfde vorm als `vhf allocate --json` (het gepubliceerde schema), met het id van de
    // aanvraag erbij; elke gemeente met haar CBS-code, per deelplan prioriteit, punten, rangscore, rang en centen.
    let schema = schema_van_het_verdeelresultaat();
    let f = schemacontrole::afwijkingen(&schema, &v);
    assert!(f.is_empty(), "de verdeling van de API wijkt af van schema/verdeelresultaat.schema.json:\n{}", f.join("\n"));
    let d1 = dp("DP1");
    assert_eq!((d1["aanvraag"].as_str(), d1["kenmerk"].as_str()), (Some(id.as_str()), Some("ZAANSTAD-2021-01")));
    assert_eq!((d1["penvoerder"].as_str(), d1["penvoerder_naam"].as_str(), d1["gemeente"].as_str()), (Some("GM0479"), Some("Zaanstad"), Some("GM0479")));
    assert_eq!((d1["rang"].as_u64(), d1["rangscore"].as_str(), d1["toegekend_centen"].as_i64()), (Some(1), Some("8.00"), Some(2_120_000_000)));
    assert_eq!((d1["prioriteit"]["regel"].as_str(), d1["prioriteit"]["voorrang"].as_bool()), (Some("voorrang"), Some(true)));
    assert_eq!(d1["prioriteit"]["gebied"]["naam"], "Zaandam Oost");
    assert_eq!(
        v["uitkeringen"],
        json!([{"gemeente": "GM0479", "naam": "Zaanstad", "bedrag": "21200000.00", "bedrag_centen": 2_120_000_000i64, "deelplannen": 1}])
    );
    let bewaard: Value = app.bzk.get(app.url(&format!("/verdelingen/{vid}"))).send().await.unwrap().json().await.unwrap();
    let f = schemacontrole::afwijkingen(&schema, &bewaard);
    assert!(f.is_empty(), "GET /verdelingen/{{id}} wijkt af van het schema:\n{}", f.join("\n"));
    assert_eq!(bewaard["deelplannen"], v["deelplannen"]);
    // DP2 zakte na de parameterwijziging op E09: niet ontvankelijk, met uitleg.
    assert_eq!(dp("DP2")["uitkomst"], "niet_ontvankelijk");
    assert!(dp("DP2")["uitleg"].as_str().unwrap().contains("E09"));
    let r = app.bzk.post(app.url(&format!("/verdelingen/{vid}/besluit"))).json(&json!({"reden": "verdeling vhf-2021"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app.bzk.post(app.url(&format!("/verdelingen/{vid}/besluit"))).json(&json!({"reden": "nog eens"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let a: Value = c.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(a["status"], "gedeeltelijk_toegekend");
    let open: Value = c.get(app.url("/besluiten?ronde=vhf-2021")).send().await.unwrap().json().await.unwrap();
    assert_eq!(open["data"][0]["naam"], "Zaanstad");
    assert_eq!(open["data"][0]["bedrag"], "21200000.00");
    // Het publieke dashboard (zonder login) toont het besluit: op de kaart (een link naar de rij van Zaanstad, met
    // het bedrag als naam), in de tabel en in de open data, en zegt de bron van de kaart.
    let publiek = vhf::tls::bouwer().build().unwrap();
    let r = publiek.get(format!("{}/?ronde=vhf-2021", app.basis)).header("accept", "text/html").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(r##"<a href="#GM0479" aria-label="Zaanstad: € 21.200.000,00">"##), "kaart zonder Zaanstad");
    assert!(html.contains(r#"<tr class="rvo-table-row" id="GM0479">"#) && html.contains("Kadaster / CBS"));
    assert_eq!(html.matches("<a href=\"#GM").count(), 1, "alleen gemeenten met een toekenning zijn een link op de kaart");
    let csv = publiek.get(format!("{}/openbaar/toekenningen.csv?ronde=vhf-2021", app.basis)).send().await.unwrap().text().await.unwrap();
    assert_eq!(csv.lines().nth(1), Some("vhf-2021,Zaanstad,GM0479,21200000.00,1,Zaandam Oost"), "{csv}");
    let j: Value = publiek.get(format!("{}/openbaar/toekenningen.json?ronde=vhf-2021", app.basis)).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (j["besloten"].as_bool(), j["data"][0]["cbs_code"].as_str(), j["data"][0]["bedrag"].as_str()),
        (Some(true), Some("GM0479"), Some("21200000.00"))
    );
    // Een ronde zonder besluit zegt dat; een onbekende ronde is 404 (een Nederlandse pagina voor een browser).
    let html = publiek.get(format!("{}/?ronde=vhf-2023", app.basis)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Nog geen besluit"));
    let r = publiek.get(format!("{}/?ronde=bestaat-niet", app.basis)).header("accept", "text/html").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("<html lang=\"nl\">"));
    // Een adres zonder route: voor een browser een Nederlandse pagina, voor de API problem+json.
    let r = publiek.get(format!("{}/bestaat-niet", app.basis)).header("accept", "text/html").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("Pagina niet gevonden"));
    let r = publiek.get(app.url("/bestaat-niet")).header("accept", "text/html").send().await.unwrap();
    assert_eq!((r.status(), r.headers()["content-type"].to_str().unwrap()), (StatusCode::NOT_FOUND, "application/problem+json"));

    // Een andere gemeente ziet de aanvraag nergens: 404 op elke plek, niet in de lijst en niet in de telling.
    for pad in ["", "/bevindingen", "/ontvangstbewijs", "/statusovergangen", "/aanvullingen", "/documenten"] {
        let r = app.ander.get(app.url(&format!("/aanvragen/{id}{pad}"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{pad}");
    }
    let r = app.ander.get(app.url(&format!("/aanvragen/{id}/documenten/{}", d["id"].as_str().unwrap()))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let l: Value = app.ander.get(app.url("/aanvragen")).send().await.unwrap().json().await.unwrap();
    assert_eq!((l["totaal"].as_i64(), l["data"].as_array().map(Vec::len)), (Some(0), Some(0)));
    // Zonder login: 401 met uitleg; de openbare lijst en de rondes blijven open.
    let r = vhf::tls::bouwer().build().unwrap().get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().contains_key("www-authenticate"));
    assert_eq!(vhf::tls::bouwer().build().unwrap().get(app.url("/besluiten")).send().await.unwrap().status(), StatusCode::OK);

    // Het audittrail van de aanvraag: elke wijziging met wie, rol en voor/na; de keten klopt.
    let t: Value = app.auditor.get(app.url(&format!("/aanvragen/{id}/audit"))).send().await.unwrap().json().await.unwrap();
    let acties: Vec<(&str, &str)> = t["data"].as_array().unwrap().iter().map(|r| (r["actie"].as_str().unwrap(), r["actor"].as_str().unwrap())).collect();
    assert_eq!(acties[0], ("aanvraag.aangemaakt", "zaanstad"));
    assert!(acties.contains(&("aanvraag.ingediend", "zaanstad")), "{acties:?}");
    assert!(acties.contains(&("aanvraag.statusovergang", "rvo")), "{acties:?}");
    assert!(acties.contains(&("aanvraag.besluit", "bzk")), "{acties:?}");
    let overgang = t["data"].as_array().unwrap().iter().find(|r| r["actie"] == "aanvraag.statusovergang").unwrap();
    assert_eq!((overgang["voor"]["status"].as_str(), overgang["na"]["status"].as_str()), (Some("ingediend"), Some("aanvulling_gevraagd")));
    assert_eq!(app.http.get(app.url(&format!("/aanvragen/{id}/audit"))).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let k: Value = app.auditor.get(app.url("/audit/controle")).send().await.unwrap().json().await.unwrap();
    assert_eq!(k["in_orde"], true, "{k}");
    let _ = &app.database_url;

    // Ook fouten buiten onze handlers zijn problem+json: onbekende route, verkeerde methode.
    let r = c.get(app.url("/bestaat-niet")).send().await.unwrap();
    assert_eq!((r.status(), r.headers()["content-type"].to_str().unwrap()), (StatusCode::NOT_FOUND, "application/problem+json"));
    let r = c.delete(app.url("/rondes")).send().await.unwrap();
    assert_eq!((r.status(), r.headers()["content-type"].to_str().unwrap()), (StatusCode::METHOD_NOT_ALLOWED, "application/problem+json"));

    // Onbekend: 404 als problem+json.
    let r = c.get(app.url("/aanvragen/AVbestaatniet")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert!(r.headers().contains_key("x-request-id"));
    let r = c.get(app.url("/rondes")).header("X-Request-Id", "verzoek-123").send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"], "verzoek-123");

    // Het OpenAPI-document komt uit hetzelfde register als de router: elke route staat erin.
    let o: Value = c.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(o["openapi"], "3.1.0");
    for r in vhf::server::routes::alle().into_iter().filter(|r| r.basis == vhf::server::routes::Basis::Api) {
        let op = &o["paths"][format!("/api/v1{}", r.pad)][r.methode.to_lowercase()];
        assert!(op.is_object(), "{} {} ontbreekt in openapi.json", r.methode, r.pad);
    }
    assert!(o["components"]["schemas"]["AanvraagVolkshuisvestingsfonds"]["properties"]["deelplannen"].is_object());
    assert!(o["components"]["schemas"]["Bedrag"].is_object());
    assert!(!o.to_string().contains("#/$defs/"), "alle verwijzingen wijzen naar components");

    // Metrieken per routepatroon (geen kenmerken in de labels).
    assert_eq!(
        c.get(format!("{}/metrics", app.basis)).send().await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "metrieken alleen met een beheer- of auditortoken"
    );
    let m = app.auditor.get(format!("{}/metrics", app.basis)).send().await.unwrap().text().await.unwrap();
    assert!(m.contains("vhf_http_requests_total{method=\"POST\",route=\"/api/v1/aanvragen/{id}/indiening\",status=\"201\"} 2"), "{m}");
    assert!(m.contains("vhf_http_request_duration_seconds_count{method=\"PUT\",route=\"/api/v1/aanvragen/{id}\"}"), "{m}");
    assert!(!m.contains(&id), "geen kenmerken in de metrieken");
    // De ene SQLite-schrijver: schrijfbeurten en groepscommits worden geteld (PostgreSQL heeft die niet).
    let teller = |naam: &str| m.lines().find_map(|l| l.strip_prefix(&format!("{naam} "))).and_then(|v| v.parse::<f64>().ok());
    if app.database_url.starts_with("sqlite:") {
        let beurten = teller("vhf_sqlite_schrijfbeurten_total").expect("schrijfbeurten");
        let commits = teller("vhf_sqlite_groepscommits_total").expect("groepscommits");
        assert!(beurten >= 10.0 && commits >= 1.0 && commits <= beurten, "{beurten} beurten, {commits} commits");
        assert_eq!(teller("vhf_sqlite_groepscommits_mislukt_total"), Some(0.0));
    } else {
        assert!(teller("vhf_sqlite_groepscommits_total").is_none());
    }
}

/// Een back-up terwijl de server draait, teruggezet in een nieuwe datamap: daar staat de ingediende aanvraag
/// met hetzelfde ontvangstbewijs.
#[tokio::test]
async fn backup_en_restore_terwijl_de_server_draait() {
    let dir = std::env::temp_dir().join(uniek("vhf-backup"));
    std::fs::create_dir_all(&dir).unwrap();
    let app = start(format!("sqlite://{}?mode=rwc", dir.join("vhf.db").display())).await;
    app.zet_klok("2021-05-10T10:00:00Z");
    let v: Value = app.http.post(app.url("/aanvragen")).body(concept()).send().await.unwrap().json().await.unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    let bewijs: Value = app.http.post(app.url(&format!("/aanvragen/{id}/indiening"))).send().await.unwrap().json().await.unwrap();
    let kopie = dir.join("kopie.db");
    let vhf = env!("CARGO_BIN_EXE_vhf");
    let o = std::process::Command::new(vhf)
        .args(["backup", "--data-dir", dir.to_str().unwrap(), kopie.to_str().unwrap()])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Nooit overschrijven.
    let o = std::process::Command::new(vhf)
        .args(["backup", "--data-dir", dir.to_str().unwrap(), kopie.to_str().unwrap()])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let nieuw = dir.join("hersteld");
    let o = std::process::Command::new(vhf)
        .args(["restore", "--data-dir", nieuw.to_str().unwrap(), kopie.to_str().unwrap()])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hersteld = start(format!("sqlite://{}?mode=rwc", nieuw.join("vhf.db").display())).await;
    let b: Value = hersteld.http.get(hersteld.url(&format!("/aanvragen/{id}/ontvangstbewijs"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(b["sha256"], bewijs["ontvangstbewijs"]["sha256"]);
    // Een bestand dat geen vhf-database is, wordt niet teruggezet.
    let onzin = dir.join("onzin.db");
    std::fs::write(&onzin, b"geen database").unwrap();
    let o = std::process::Command::new(vhf)
        .args(["restore", "--data-dir", nieuw.to_str().unwrap(), onzin.to_str().unwrap()])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// E15 (verplichte documenten) toetst op de server wat er geüpload is (soort, deelplan, SHA-256), niet de lijst die
/// de gemeente in de JSON verklaart: bij het concept (bevindingen en dossier), bij het indienen en bij een
/// aanvulling.
async fn e15_op_wat_er_geupload_is(app: App) {
    let c = &app.http;
    app.zet_klok("2021-05-10T10:00:00Z");
    // Het bestand verklaart vier documenten; geüpload is er niets.
    let v: Value = c.post(app.url("/aanvragen")).body(concept()).send().await.unwrap().json().await.unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["inhoud"]["documenten"].as_array().unwrap().len(), 4);
    let f: Value = c.get(app.url(&format!("/aanvragen/{id}/bevindingen"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((f["bewaard"].as_bool(), f["rapport"]["documenten"].as_str()), (Some(false), Some("geupload")), "{f}");
    let e15 = bevindingen_van(&f["rapport"], "E15");
    assert!(e15.contains(&("fout".into(), "Het document 'plan van aanpak' voor deelplan DP1 is niet geüpload.".into())), "{e15:?}");
    assert!(e15.contains(&("fout".into(), "Het document 'begroting / exploitatieopzet' is niet geüpload.".into())), "{e15:?}");
    // Het dossier toont dezelfde bevinding.
    let html = c.get(format!("{}/aanvragen/{id}", app.basis)).header("accept", "text/html").send().await.unwrap().text().await.unwrap();
    let html = html.replace("&#39;", "'").replace("&#x27;", "'");
    for f in ["Het document 'plan van aanpak' voor deelplan DP1 is niet geüpload.", "Het document 'begroting / exploitatieopzet' is niet geüpload."] {
        assert!(html.contains(f), "het dossier noemt niet: {f}");
    }

    // Indienen zonder uploads: het loket neemt de aanvraag aan (ontvangstbewijs), maar ze is niet ontvankelijk.
    let r = c.post(app.url(&format!("/aanvragen/{id}/indiening"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let o: Value = r.json().await.unwrap();
    assert_eq!((o["toetsing"]["ontvankelijk"].as_bool(), o["toetsing"]["zonder_fouten"].as_bool()), (Some(false), Some(false)), "{o}");
    let f: Value = c.get(app.url(&format!("/aanvragen/{id}/bevindingen"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((f["bewaard"].as_bool(), f["aanleiding"].as_str(), f["rapport"]["ontvankelijk"].as_bool()), (Some(true), Some("indiening"), Some(false)));
    let fouten: Vec<_> = bevindingen_van(&f["rapport"], "E15").into_iter().filter(|(u, _)| u == "fout").collect();
    assert_eq!(fouten.len(), 4, "plan van aanpak DP1 en DP2, begroting, intentieverklaring: {fouten:?}");
    // Alleen E15 faalt: de rest van de aanvraag is in orde.
    let andere: Vec<_> = f["rapport"]["bevindingen"].as_array().unwrap().iter().filter(|b| b["uitkomst"] == "fout" && b["regel"] != "E15").collect();
    assert!(andere.is_empty(), "{andere:?}");

    // De behandelaar vraagt een aanvulling; dan kan de gemeente de documenten uploaden en de aanvulling leveren.
    let r = app
        .rvo
        .post(app.url(&format!("/aanvragen/{id}/statusovergangen")))
        .header("If-Match", "\"2\"")
        .json(&json!({"naar": "aanvulling_gevraagd", "reden": "de verplichte documenten zijn niet geüpload (E15)"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    upload_verplichte_documenten(&app, &id).await;
    let r = c.post(app.url(&format!("/aanvragen/{id}/aanvullingen"))).header("If-Match", "\"3\"").body(concept()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let av: Value = r.json().await.unwrap();
    assert_eq!((av["toetsing"]["ontvankelijk"].as_bool(), av["toetsing"]["zonder_fouten"].as_bool()), (Some(true), Some(true)), "{av}");
    let f: Value = c.get(app.url(&format!("/aanvragen/{id}/bevindingen"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(f["aanleiding"], "aanvulling 1");
    let e15 = bevindingen_van(&f["rapport"], "E15");
    assert_eq!(e15.len(), 1, "{e15:?}");
    assert_eq!(e15[0].0, "voldaan");
    assert!(e15[0].1.starts_with("Alle verplichte documenten zijn geüpload (4 documenten)"), "{e15:?}");
    // Weer ingediend: de documenten liggen vast.
    let r = c.post(app.url(&format!("/aanvragen/{id}/documenten?soort=overig&naam=later.pdf"))).body("%PDF-1.7 later").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // Een tweede aanvraag die haar documenten vóór het indienen uploadt (en in het bestand niets verklaart), is bij
    // het indienen ontvankelijk.
    let tweede = concept_zonder_documentenlijst().replace("ZAANSTAD-2021-01", "ZAANSTAD-2021-02");
    let v: Value = c.post(app.url("/aanvragen")).body(tweede).send().await.unwrap().json().await.unwrap();
    let id2 = v["id"].as_str().unwrap().to_string();
    upload_verplichte_documenten(&app, &id2).await;
    let o: Value = c.post(app.url(&format!("/aanvragen/{id2}/indiening"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((o["toetsing"]["ontvankelijk"].as_bool(), o["toetsing"]["zonder_fouten"].as_bool()), (Some(true), Some(true)), "{o}");
}

#[tokio::test]
async fn e15_op_wat_er_geupload_is_op_sqlite() {
    e15_op_wat_er_geupload_is(sqlite().await).await;
}

#[tokio::test]
async fn e15_op_wat_er_geupload_is_op_postgresql() {
    if let Some(app) = postgres().await {
        e15_op_wat_er_geupload_is(app).await;
    }
}

/// Issue 14: een toetsing wordt bewaard als vastlegging (bevindingen met hun getallen, formaat 2) en de parameters
/// één keer per stand; de API maakt het verslag bij het lezen. Verslagen van vóór migratie 0016 (formaat 1: het
/// volledige verslag) worden omgezet als de vastlegging ze precies teruggeeft; een verslag dat dit programma niet
/// precies kan nadoen, blijft staan en wordt getoond zoals het bewaard is.
async fn verslagen_bewaard_als_vastlegging(app: App) {
    app.zet_klok("2021-05-03T07:00:00Z");
    let c = &app.http;
    let mut ids = Vec::new();
    for kenmerk in ["ZAANSTAD-2021-01", "ZAANSTAD-2021-02"] {
        let v: Value = c
            .post(app.url("/aanvragen"))
            .body(concept_zonder_documentenlijst().replace("ZAANSTAD-2021-01", kenmerk))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        upload_verplichte_documenten(&app, &id).await;
        let r = c.post(app.url(&format!("/aanvragen/{id}/indiening"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        ids.push(id);
    }
    let lees = |id: &str| {
        let (c, url) = (c.clone(), app.url(&format!("/aanvragen/{id}/bevindingen")));
        async move { c.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let voor = [lees(&ids[0]).await, lees(&ids[1]).await];
    let v: Value = serde_json::from_str(&voor[0]).unwrap();
    assert_eq!(v["bewaard"], true);
    assert_eq!(bevindingen_van(&v["rapport"], "E15")[0].0, "voldaan");
    assert!(bevindingen_van(&v["rapport"], "E09")[0].1.contains("van het tekort"), "de uitleg wordt bij het lezen gemaakt");

    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let rij = |id: String| sqlx::query_as::<_, (i64, String)>("SELECT formaat, rapport FROM toetsingen WHERE aanvraag_id = $1").bind(id);
    let (formaat, vastlegging) = rij(ids[0].clone()).fetch_one(&mut *conn).await.unwrap();
    assert_eq!(formaat, 2);
    assert!(!vastlegging.contains("uitleg") && !vastlegging.contains("van het tekort"), "geen tekst bewaard: {vastlegging}");
    let v0: Value = serde_json::from_str(&voor[0]).unwrap();
    assert!(vastlegging.len() * 4 < serde_json::to_string(&v0["rapport"]).unwrap().len(), "{} bytes", vastlegging.len());
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM parameterstanden").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(n, 1, "beide toetsingen delen één stand van de parameters");

    // Zoals vóór migratie 0016: het volledige verslag, precies zoals de kern het schreef (formaat 1). Bij de
    // eerste aanvraag ongewijzigd; bij de tweede met een uitleg die dit programma niet zo schrijft (zoals een
    // oudere versie dat zou kunnen hebben gedaan).
    let mut oud = Vec::new();
    for id in &ids {
        let (_, vl) = rij(id.clone()).fetch_one(&mut *conn).await.unwrap();
        let v: vhf_core::toetsing::Vastlegging = serde_json::from_str(&vl).unwrap();
        let (inhoud, ronde): (String, String) =
            sqlx::query_as("SELECT inhoud, ronde FROM aanvragen WHERE id = $1").bind(id).fetch_one(&mut *conn).await.unwrap();
        let (stand,): (String,) =
            sqlx::query_as("SELECT parameters FROM parameterstanden WHERE sha256 = $1").bind(&v.parameters_sha256).fetch_one(&mut *conn).await.unwrap();
        let a: vhf_core::aanvraag::Aanvraag = serde_json::from_str(&inhoud).unwrap();
        let p = vhf_core::toetsing::Parameterstand::lees(&v.parameters_sha256, &stand).unwrap();
        let ronde = vhf_core::regeling::Ronde::zoek(&ronde).unwrap();
        let t = vhf_core::toetsing::herstel(&a, ronde, vhf_core::referentie::Referentie::ingebouwd(), &v, &p).unwrap();
        oud.push(serde_json::to_string(&t.rapport()).unwrap());
    }
    assert!(oud[1].contains("Tekort: kosten"));
    oud[1] = oud[1].replacen("Tekort: kosten", "Tekort (oude tekst): kosten", 1);
    for (id, verslag) in ids.iter().zip(&oud) {
        sqlx::query("UPDATE toetsingen SET formaat = 1, rapport = $2 WHERE aanvraag_id = $1").bind(id).bind(verslag).execute(&mut *conn).await.unwrap();
    }
    let omgezet = vhf::handelingen::aanvragen::zet_verslagen_om(&db).await.unwrap();
    assert_eq!((omgezet.omgezet, omgezet.gelaten), (1, 1));
    assert_eq!(rij(ids[0].clone()).fetch_one(&mut *conn).await.unwrap().0, 2, "precies na te doen: omgezet");
    assert_eq!(rij(ids[1].clone()).fetch_one(&mut *conn).await.unwrap(), (1, oud[1].clone()), "niet precies na te doen: onaangeroerd");
    // Wat de API toont, is hetzelfde als voor het omzetten, tot op de byte; het gelaten verslag zoals het bewaard is.
    assert_eq!(lees(&ids[0]).await, voor[0]);
    let na = lees(&ids[1]).await;
    assert_ne!(na, voor[1]);
    assert_eq!(na, voor[1].replacen("Tekort: kosten", "Tekort (oude tekst): kosten", 1));
    // Nog een keer omzetten (een tweede exemplaar dat start): niets meer om te zetten, niets dubbel.
    let opnieuw = vhf::handelingen::aanvragen::zet_verslagen_om(&db).await.unwrap();
    assert_eq!((opnieuw.omgezet, opnieuw.gelaten), (0, 1));
    assert_eq!(lees(&ids[0]).await, voor[0]);

    // Na een wijziging van de ronde blijft het bewaarde verslag dat van toen: de parameters zitten in de stand.
    let w = json!({"parameter": "max_aandeel_projectkosten", "vanaf": "2021-06-01", "waarde": "5%", "bron": "[D] test"});
    let r = app.beheer.post(app.url("/rondes/vhf-2021/parameterwijzigingen")).json(&w).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(lees(&ids[0]).await, voor[0]);
}

#[tokio::test]
async fn verslagen_bewaard_als_vastlegging_op_sqlite() {
    verslagen_bewaard_als_vastlegging(sqlite().await).await;
}

#[tokio::test]
async fn verslagen_bewaard_als_vastlegging_op_postgresql() {
    if let Some(app) = postgres().await {
        verslagen_bewaard_als_vastlegging(app).await;
    }
}

/// Het totaal van de lijst van een gemeente is het aantal aanvragen waarin zij penvoerder of mede-aanvrager is, ook
/// na een wijziging die een mede-aanvrager weghaalt. Op SQLite komt dat getal uit `aantal_per_gemeente` (triggers,
/// migratie 0017): die tabel is precies de telling van `aanvraag_gemeenten`, en een database van vóór 0017 krijgt bij
/// de migratie de aantallen van wat er al was.
async fn aantal_per_gemeente(app: App) {
    let totaal = |c: reqwest::Client, url: String| async move {
        let v: Value = c.get(url).send().await.unwrap().json().await.unwrap();
        v["totaal"].as_i64().unwrap_or_else(|| panic!("geen totaal in {v}"))
    };
    let lijst = app.url("/aanvragen?per_pagina=1");
    assert_eq!((totaal(app.http.clone(), lijst.clone()).await, totaal(app.ander.clone(), lijst.clone()).await), (0, 0));
    let mut samen: Value = serde_json::from_str(&concept()).unwrap();
    samen["kenmerk"] = json!("ZAANSTAD-SAMEN");
    samen["aanvragers"] = json!(["GM0479", "GM0363"]);
    samen["penvoerder"] = json!("GM0479");
    for body in [concept(), samen.to_string()] {
        let r = app.http.post(app.url("/aanvragen")).body(body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    }
    let id_samen = {
        let v: Value = app.http.get(app.url("/aanvragen")).send().await.unwrap().json().await.unwrap();
        v["data"].as_array().unwrap().iter().find(|a| a["kenmerk"] == "ZAANSTAD-SAMEN").unwrap()["id"].as_str().unwrap().to_string()
    };
    assert_eq!((totaal(app.http.clone(), lijst.clone()).await, totaal(app.ander.clone(), lijst.clone()).await), (2, 1));
    // Amsterdam gaat eruit: haar totaal wordt 0, dat van Zaanstad blijft 2.
    samen["aanvragers"] = json!(["GM0479"]);
    let r = app.http.put(app.url(&format!("/aanvragen/{id_samen}"))).header("If-Match", "\"1\"").body(samen.to_string()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!((totaal(app.http.clone(), lijst.clone()).await, totaal(app.ander.clone(), lijst.clone()).await), (2, 0));

    if !app.database_url.starts_with("sqlite:") {
        return;
    }
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let telling = "SELECT gemeente, COUNT(*) FROM aanvraag_gemeenten GROUP BY gemeente ORDER BY gemeente";
    let bijgehouden = "SELECT gemeente, n FROM aantal_per_gemeente WHERE n <> 0 ORDER BY gemeente";
    let echt: Vec<(String, i64)> = sqlx::query_as(telling).fetch_all(&mut *conn).await.unwrap();
    assert_eq!(echt, [("GM0479".to_string(), 2)]);
    assert_eq!(sqlx::query_as::<_, (String, i64)>(bijgehouden).fetch_all(&mut *conn).await.unwrap(), echt);
    // Als vóór migratie 0017: geen tabel, geen triggers. De migratie vult de tabel uit wat er is.
    for z in [
        "DROP TRIGGER aantal_per_gemeente_bij",
        "DROP TRIGGER aantal_per_gemeente_af",
        "DROP TRIGGER aantal_per_gemeente_om",
        "DROP TABLE aantal_per_gemeente",
        "DELETE FROM schema_migraties WHERE versie = 17",
    ] {
        sqlx::query(z).execute(&mut *conn).await.unwrap();
    }
    drop(conn);
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(sqlx::query_as::<_, (String, i64)>(bijgehouden).fetch_all(&mut *conn).await.unwrap(), echt);
    assert_eq!(totaal(app.http.clone(), lijst.clone()).await, 2);
    // En de lijst leest dat getal echt uit de tabel (niet opnieuw geteld): met de hand veranderd, ziet de lijst het.
    sqlx::query("UPDATE aantal_per_gemeente SET n = 99 WHERE gemeente = 'GM0479'").execute(&mut *conn).await.unwrap();
    assert_eq!(totaal(app.http.clone(), lijst.clone()).await, 99);
}

#[tokio::test]
async fn aantal_per_gemeente_op_sqlite() {
    aantal_per_gemeente(sqlite().await).await;
}

#[tokio::test]
async fn aantal_per_gemeente_op_postgresql() {
    if let Some(app) = postgres().await {
        aantal_per_gemeente(app).await;
    }
}

#[tokio::test]
async fn doorloop_op_sqlite() {
    doorloop(sqlite().await).await;
}

#[tokio::test]
async fn doorloop_op_postgresql() {
    if let Some(app) = postgres().await {
        doorloop(app).await;
    }
}

/// Veel gelijktijdige herhalingen van dezelfde indiening: precies één indiening, iedereen hetzelfde bewijs.
async fn gelijktijdig(app: App) {
    app.zet_klok("2021-05-10T10:00:00Z");
    let r = app.http.post(app.url("/aanvragen")).body(concept()).send().await.unwrap();
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let app = Arc::new(app);
    let mut taken = Vec::new();
    for _ in 0..16 {
        let app = app.clone();
        let id = id.clone();
        taken.push(tokio::spawn(async move {
            let r = app.http.post(app.url(&format!("/aanvragen/{id}/indiening"))).header("Idempotency-Key", "zelfde").send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }));
    }
    let mut bewijzen = std::collections::BTreeSet::new();
    for t in taken {
        let (status, v) = t.await.unwrap();
        assert!(status == StatusCode::CREATED || status == StatusCode::CONFLICT, "{status} {v}");
        if status == StatusCode::CREATED {
            bewijzen.insert(v["ontvangstbewijs"]["ontvangstnummer"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(bewijzen.len(), 1);
    let o: Value = app.http.get(app.url(&format!("/aanvragen/{id}/statusovergangen"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(o["data"].as_array().unwrap().len(), 2, "precies één indiening");

    // Gelijktijdig indienen met verschillende sleutels (twee loketmedewerkers tegelijk): de indiening wordt vooraf
    // voorbereid en in de schrijfbeurt op versie gecontroleerd; precies één lukt, de rest krijgt 409, en er
    // staat één ontvangstbewijs.
    let mut tweede: Value = serde_json::from_str(&concept()).unwrap();
    tweede["kenmerk"] = json!("ZAANSTAD-2021-02");
    let r = app.http.post(app.url("/aanvragen")).body(tweede.to_string()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let mut taken = Vec::new();
    for i in 0..8 {
        let app = app.clone();
        let id = id.clone();
        taken.push(tokio::spawn(async move {
            let r = app.http.post(app.url(&format!("/aanvragen/{id}/indiening"))).header("Idempotency-Key", format!("eigen-{i}")).send().await.unwrap();
            r.status()
        }));
    }
    let mut statussen = Vec::new();
    for t in taken {
        statussen.push(t.await.unwrap());
    }
    assert_eq!(statussen.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statussen:?}");
    assert!(statussen.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{statussen:?}");
    let o: Value = app.http.get(app.url(&format!("/aanvragen/{id}/statusovergangen"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(o["data"].as_array().unwrap().len(), 2, "precies één indiening");
}

#[tokio::test]
async fn gelijktijdige_herhalingen_op_sqlite() {
    gelijktijdig(sqlite().await).await;
}

#[tokio::test]
async fn gelijktijdige_herhalingen_op_postgresql() {
    if let Some(app) = postgres().await {
        gelijktijdig(app).await;
    }
}

/// `vhf serve` als echt proces, met de standaard logging: het antwoordt (ook terwijl het vanuit andere draden
/// logt) en stopt netjes op SIGTERM met afsluitcode 0.
#[test]
fn serve_als_proces_antwoordt_en_stopt_netjes() {
    let dir = std::env::temp_dir().join(uniek("vhf-serve"));
    let poort = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut kind = std::process::Command::new(env!("CARGO_BIN_EXE_vhf"))
        .args(["serve", "--data-dir", dir.to_str().unwrap(), "--port", &poort.to_string()])
        .env_remove("DATABASE_URL")
        .env_remove("VHF_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let antwoord = rt.block_on(async {
        let c = vhf::tls::bouwer().timeout(std::time::Duration::from_secs(5)).build().unwrap();
        for _ in 0..100 {
            if c.get(format!("http://127.0.0.1:{poort}/readyz")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let mut teksten = Vec::new();
        for pad in ["/healthz", "/api/v1/rondes", "/api/v1/openapi.json", "/metrics"] {
            let r = c.get(format!("http://127.0.0.1:{poort}{pad}")).send().await;
            teksten.push(r.map(|r| r.status().as_u16()).unwrap_or(0));
        }
        teksten
    });
    // SIGTERM zonder extern `kill`-programma (dat ontbreekt op een kale machine).
    // SAFETY: kill(2) met het pid van ons eigen kindproces en een geldig signaal.
    unsafe { libc::kill(kind.id() as libc::pid_t, libc::SIGTERM) };
    let mut klaar = None;
    for _ in 0..100 {
        if let Some(s) = kind.try_wait().unwrap() {
            klaar = Some(s);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    if klaar.is_none() {
        let _ = kind.kill();
    }
    let _ = kind.wait();
    assert_eq!(antwoord, [200, 200, 200, 401], "de server antwoordt niet (of hangt); /metrics vraagt een token");
    assert_eq!(klaar.and_then(|s| s.code()), Some(0), "geen nette stop op SIGTERM");
}

/// Een te groot document wordt afgebroken (413) en laat niets achter in de opslag.
#[tokio::test]
async fn te_groot_document_laat_niets_achter() {
    let dir = std::env::temp_dir().join(uniek("vhf-groot"));
    std::fs::create_dir_all(&dir).unwrap();
    let app = start_met(format!("sqlite://{}?mode=rwc", dir.join("vhf.db").display()), 1024 * 1024).await;
    app.zet_klok("2021-05-10T10:00:00Z");
    let v: Value = app.http.post(app.url("/aanvragen")).body(concept()).send().await.unwrap().json().await.unwrap();
    let id = v["id"].as_str().unwrap();
    let mut groot = b"%PDF-1.7\n".to_vec();
    groot.resize(3 * 1024 * 1024, b'x');
    let r = app.http.post(app.url(&format!("/aanvragen/{id}/documenten?soort=overig&naam=groot.pdf"))).body(groot).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let l: Value = app.http.get(app.url(&format!("/aanvragen/{id}/documenten"))).send().await.unwrap().json().await.unwrap();
    assert!(l["data"].as_array().unwrap().is_empty());
}

fn piek_rss_mb(pid: u32) -> f64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: f64 = s.lines().find(|l| l.starts_with("VmHWM:")).unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    kb / 1024.0
}

/// 50 MB uploaden naar het echte serverproces: het geheugen blijft begrensd (het bestand gaat in stukken van
/// 1 MiB naar de opslag) en de inhoud komt bit voor bit terug.
#[test]
fn upload_van_50_mb_met_begrensd_geheugen() {
    let dir = std::env::temp_dir().join(uniek("vhf-50mb"));
    let token = cli_token(&dir, "zaanstad", "aanvrager", Some("GM0479"));
    let (mut kind, poort) = serve_proces(&dir, &[], &[]);
    let basis = format!("http://127.0.0.1:{poort}/api/v1");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let uitkomst = rt.block_on(async {
        let c = vhf::tls::bouwer().build().unwrap();
        for _ in 0..100 {
            if c.get(format!("http://127.0.0.1:{poort}/readyz")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let voor = piek_rss_mb(kind.id());
        let c = client_met(&token);
        let v: Value = c.post(format!("{basis}/aanvragen")).body(concept()).send().await.unwrap().json().await.unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        let mut groot = b"%PDF-1.7\n".to_vec();
        groot.extend((0..50 * 1024 * 1024u32).map(|i| (i % 251) as u8));
        let r = c.post(format!("{basis}/aanvragen/{id}/documenten?soort=overig&naam=bijlage.pdf")).body(groot.clone()).send().await.unwrap();
        let status = r.status();
        let d: Value = r.json().await.unwrap();
        let na = piek_rss_mb(kind.id());
        let terug = c.get(format!("{basis}/aanvragen/{id}/documenten/{}", d["id"].as_str().unwrap_or(""))).send().await.unwrap().bytes().await.unwrap();
        (status, d, voor, na, sha256_hex(&groot), sha256_hex(&terug))
    });
    let _ = kind.kill();
    let _ = kind.wait();
    let (status, d, voor, na, verstuurd, ontvangen) = uitkomst;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!(d["sha256"], verstuurd.as_str());
    assert_eq!(ontvangen, verstuurd);
    assert!(na - voor < 40.0, "piekgeheugen van de server steeg van {voor:.0} naar {na:.0} MB bij een upload van 50 MB");
    eprintln!("50 MB upload: piek-RSS server {voor:.0} → {na:.0} MB");
}

/// Een bestand zonder databaserij (achtergelaten door een crash tussen opslaan en vastleggen) wordt bij de start
/// opgeruimd als het ouder is dan een uur; een jong bestand (een upload die elders nog loopt) blijft staan.
#[tokio::test]
async fn wezen_in_de_documentopslag_worden_opgeruimd() {
    let dir = std::env::temp_dir().join(uniek("vhf-wezen"));
    let map = dir.join("docs/documenten/AVx");
    std::fs::create_dir_all(&map).unwrap();
    std::fs::write(map.join("DOCoud"), b"%PDF-1.7 wees").unwrap();
    std::fs::write(map.join("DOCjong"), b"%PDF-1.7 bezig").unwrap();
    assert!(std::process::Command::new("touch").args(["-d", "2 hours ago", map.join("DOCoud").to_str().unwrap()]).status().unwrap().success());
    let db = vhf::db::Db::verbind(&format!("sqlite://{}?mode=rwc", dir.join("vhf.db").display())).await.unwrap();
    let store = object_store::local::LocalFileSystem::new_with_prefix(dir.join("docs")).unwrap();
    assert_eq!(vhf::server::documenten::ruim_wezen_op(&db, &store).await.unwrap(), 1);
    assert!(!map.join("DOCoud").exists());
    assert!(map.join("DOCjong").exists());
}

/// `--demo`: een lege database krijgt de demoronde; daarmee is meteen te verdelen. Een tweede start zaait niets.
#[tokio::test]
async fn demo_zaait_een_ronde_die_te_verdelen_is() {
    let dir = std::env::temp_dir().join(uniek("vhf-demo"));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("vhf.db").display());
    let instellingen = Instellingen { database_url: url.clone(), demo: true, ..instellingen(dir.join("docs"), 1 << 20) };
    let app = Application::build(&instellingen, Arc::new(jiff::Timestamp::now)).await.unwrap();
    let basis = format!("http://127.0.0.1:{}/api/v1", app.poort());
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    // Een gebruiker per rol is gezaaid; de demo-aanvrager ziet alleen de aanvragen van zijn gemeente.
    let db = vhf::db::Db::verbind(&url).await.unwrap();
    let mut pc = db.pool.acquire().await.unwrap();
    let rollen: std::collections::BTreeSet<String> = vhf::db::toegang::lijst(&mut pc).await.unwrap().iter().map(|g| g.rol.code().to_string()).collect();
    assert_eq!(rollen.len(), vhf::toegang::Rol::ALLE.len(), "{rollen:?}");
    drop(pc);
    let c = client_met(&gebruiker_met_token(&db, "test-beslisser", vhf::toegang::Rol::Beslisser, None).await);
    let l: Value = c.get(format!("{basis}/aanvragen?per_pagina=500")).send().await.unwrap().json().await.unwrap();
    assert_eq!(l["totaal"], 48);
    // De demo dient in; zolang RVO niets ontvankelijk verklaarde, wordt er niets verdeeld en zegt de verdeling waarom.
    let r = c.post(format!("{basis}/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!((v["deelplannen"].as_array().unwrap().len(), v["buiten_verdeling"].as_array().unwrap().len()), (0, 48));
    assert!(v["buiten_verdeling"][0]["reden"].as_str().unwrap().contains("status ingediend"));
    for a in l["data"].as_array().unwrap() {
        let r = c
            .post(format!("{basis}/aanvragen/{}/statusovergangen", a["id"].as_str().unwrap()))
            .header("If-Match", format!("\"{}\"", a["versie"]))
            .json(&json!({"naar": "ontvankelijk", "reden": "demo"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = c.post(format!("{basis}/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["buiten_verdeling"], json!([]));
    assert_eq!(v["regels"]["plafond"], "412000000.00");
    assert!(v["totalen"]["aantal_per_uitkomst"]["toegekend"].as_u64().unwrap() > 20);
    // De demo-aanvragen hebben hun documenten echt geüpload (E15 toetst op de server wat er geüpload is): de lijst
    // in het bestand is precies wat er in de opslag staat, met dezelfde SHA-256.
    let rvo = client_met(&gebruiker_met_token(&db, "test-behandelaar", vhf::toegang::Rol::Behandelaar, None).await);
    let a: Value = rvo.get(format!("{basis}/aanvragen/AVDEMO0000")).send().await.unwrap().json().await.unwrap();
    let d: Value = rvo.get(format!("{basis}/aanvragen/AVDEMO0000/documenten")).send().await.unwrap().json().await.unwrap();
    let verklaard: std::collections::BTreeSet<(String, String)> =
        a["inhoud"]["documenten"].as_array().unwrap().iter().map(|x| (x["soort"].as_str().unwrap().into(), x["sha256"].as_str().unwrap().into())).collect();
    let geupload: std::collections::BTreeSet<(String, String)> =
        d["data"].as_array().unwrap().iter().map(|x| (x["soort"].as_str().unwrap().into(), x["sha256"].as_str().unwrap().into())).collect();
    assert!(!geupload.is_empty() && verklaard == geupload, "{verklaard:?} {geupload:?}");
    let eerste = &d["data"][0];
    let inhoud = rvo.get(format!("{basis}/aanvragen/AVDEMO0000/documenten/{}", eerste["id"].as_str().unwrap())).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(sha256_hex(&inhoud), eerste["sha256"].as_str().unwrap());
    let f: Value = rvo.get(format!("{basis}/aanvragen/AVDEMO0000/bevindingen")).send().await.unwrap().json().await.unwrap();
    assert_eq!(f["rapport"]["documenten"], "geupload");
    // Opnieuw starten met --demo: de bestaande gegevens blijven zoals ze zijn.
    let opnieuw = Application::build(&instellingen, Arc::new(jiff::Timestamp::now)).await.unwrap();
    drop(opnieuw);
    let l: Value = c.get(format!("{basis}/aanvragen?per_pagina=500")).send().await.unwrap().json().await.unwrap();
    assert_eq!(l["totaal"], 48);
}

// ---------------------------------------------------------------------------------------------------------------
// Beoordelen en verdelen (issue 13): een commissielid dat één criterium scoort, alleen ontvankelijke aanvragen in
// de verdeling, en de prioriteitspunten van 2024 uit een eerdere ronde die dit systeem besliste.

const CRITERIA: [&str; 4] = ["effectiviteit", "additionaliteit", "proportionaliteit", "haalbaarheid"];

/// Brengt een ingediende aanvraag via de behandelaar naar `tot` (ontvankelijk, in_beoordeling of beoordeeld).
async fn naar_status(app: &App, id: &str, tot: &str) {
    for naar in ["ontvankelijk", "in_beoordeling", "beoordeeld"] {
        let a: Value = app.rvo.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
        let r = app
            .rvo
            .post(app.url(&format!("/aanvragen/{id}/statusovergangen")))
            .header("If-Match", format!("\"{}\"", a["versie"]))
            .json(&json!({"naar": naar, "reden": "test"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{id} naar {naar}");
        if naar == tot {
            return;
        }
    }
}

/// De scores van elk lid op elk criterium van deze deelplannen (aanvraag, deelplan, score).
fn scores_van(leden: &[&str], deelplannen: &[(&str, &str, &str)]) -> Vec<Value> {
    let mut v = Vec::new();
    for (aanvraag, deelplan, score) in deelplannen {
        for l in leden {
            for c in CRITERIA {
                v.push(
                    json!({"lid": l, "aanvraag": aanvraag, "deelplan": deelplan, "criterium": c, "score": score, "motivering": "volgens het plan van aanpak"}),
                );
            }
        }
    }
    v
}

/// Een commissielid dat één criterium opnieuw scoort, houdt zijn scores op de andere criteria, en het antwoord zegt
/// welke er bleven staan; de verdeling kan daarna gewoon. (Eerst verving zo'n post al zijn scores voor het deelplan,
/// zonder waarschuwing, en weigerde de verdeling daarna omdat het deelplan niet volledig beoordeeld was.)
async fn een_score_op_een_criterium(app: App) {
    app.zet_klok("2021-05-10T10:00:00Z");
    let v: Value = app.http.post(app.url("/aanvragen")).body(concept()).send().await.unwrap().json().await.unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(app.http.post(app.url(&format!("/aanvragen/{id}/indiening"))).send().await.unwrap().status(), StatusCode::CREATED);
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    gebruiker_met_token(&db, "L1", vhf::toegang::Rol::Commissielid, None).await;
    let l2 = client_met(&gebruiker_met_token(&db, "L2", vhf::toegang::Rol::Commissielid, None).await);
    let b = json!({"beoordelingen": {
        "leden": [{"id": "L1", "naam": "Lid 1"}, {"id": "L2", "naam": "Lid 2"}],
        "toewijzingen": [{"aanvraag": "ZAANSTAD-2021-01", "deelplan": "DP1", "leden": ["L1", "L2"]}, {"aanvraag": "ZAANSTAD-2021-01", "deelplan": "DP2", "leden": ["L1", "L2"]}],
        "scores": scores_van(&["L1", "L2"], &[("ZAANSTAD-2021-01", "DP1", "8"), ("ZAANSTAD-2021-01", "DP2", "8")]),
    }});
    assert_eq!(app.rvo.post(app.url("/rondes/vhf-2021/beoordelingen")).json(&b).send().await.unwrap().status(), StatusCode::CREATED);
    naar_status(&app, &id, "beoordeeld").await;

    // L2 herziet alleen effectiviteit van DP1.
    let een =
        json!({"aanvraag": "ZAANSTAD-2021-01", "deelplan": "DP1", "scores": [{"criterium": "effectiviteit", "score": "9", "motivering": "herzien na bezoek"}]});
    let r = l2.post(app.url("/rondes/vhf-2021/scores")).json(&een).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["gescoord"], json!(["effectiviteit"]), "{a}");
    assert_eq!(a["behouden"], json!(["additionaliteit", "proportionaliteit", "haalbaarheid"]), "{a}");
    assert_eq!(a["ontbreekt"], json!([]), "{a}");
    let melding = a["melding"].as_str().unwrap();
    assert!(melding.contains("Effectiviteit") && melding.contains("blijven staan") && melding.contains("Haalbaarheid"), "{melding}");
    let t: Value = l2.get(app.url("/rondes/vhf-2021/toewijzingen")).send().await.unwrap().json().await.unwrap();
    let dp1 = t["data"].as_array().unwrap().iter().find(|x| x["deelplan"] == "DP1").unwrap();
    let mut scores: Vec<(String, String)> =
        dp1["scores"].as_array().unwrap().iter().map(|s| (s["criterium"].as_str().unwrap().into(), s["score"].as_str().unwrap().into())).collect();
    scores.sort();
    assert_eq!(
        scores,
        [("additionaliteit", "8.00"), ("effectiviteit", "9.00"), ("haalbaarheid", "8.00"), ("proportionaliteit", "8.00")]
            .map(|(c, s)| (c.to_string(), s.to_string())),
        "de andere criteria van L2 blijven staan: {t}"
    );

    // Twee keer hetzelfde criterium in één post, of geen enkele score: 422, niets vastgelegd.
    let dubbel = json!({"aanvraag": "ZAANSTAD-2021-01", "deelplan": "DP1", "scores": [
        {"criterium": "haalbaarheid", "score": "7", "motivering": "a"}, {"criterium": "haalbaarheid", "score": "6", "motivering": "b"}]});
    let r = l2.post(app.url("/rondes/vhf-2021/scores")).json(&dubbel).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("twee keer"));
    let leeg = json!({"aanvraag": "ZAANSTAD-2021-01", "deelplan": "DP1", "scores": []});
    let r = l2.post(app.url("/rondes/vhf-2021/scores")).json(&leeg).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let na: Value = l2.get(app.url("/rondes/vhf-2021/toewijzingen")).send().await.unwrap().json().await.unwrap();
    assert_eq!(na, t, "de geweigerde posts veranderden niets");

    // De verdeling kan: DP1 heeft van beide leden vier scores. Effectiviteit (8 + 9) / 2 = 8,50; totaal
    // 0,40 × 8,50 + 0,60 × 8,00 = 8,20.
    let r = app.bzk.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    let dp1 = v["deelplannen"].as_array().unwrap().iter().find(|d| d["deelplan"] == "DP1").unwrap();
    assert_eq!(dp1["score"], "8.20", "{dp1}");
}

#[tokio::test]
async fn een_score_op_een_criterium_houdt_de_andere_op_sqlite() {
    een_score_op_een_criterium(sqlite().await).await;
}

#[tokio::test]
async fn een_score_op_een_criterium_houdt_de_andere_op_postgresql() {
    if let Some(app) = postgres().await {
        een_score_op_een_criterium(app).await;
    }
}

/// Het concept van Zaanstad (twee deelplannen) als aanvraag van een andere gemeente, met eigen kenmerk, eigen PC4's
/// en (of geen) prioriteitsgebied van die gemeente.
fn concept_van(gemeente: &str, kenmerk: &str, pc4: [&str; 2], gebied: Option<&str>) -> Value {
    let mut v: Value = serde_json::from_str(&concept()).unwrap();
    v["kenmerk"] = json!(kenmerk);
    v["aanvragers"] = json!([gemeente]);
    for (dp, pc) in v["deelplannen"].as_array_mut().unwrap().iter_mut().zip(pc4) {
        dp["deelgebied"] = json!({"gemeente": gemeente, "pc4": [pc], "prioriteitsgebied": gebied});
    }
    v
}

/// Maakt het concept met deze client, uploadt elk document dat het noemt (als PDF) en dient het in. Geeft het id.
async fn dien_in(app: &App, c: &reqwest::Client, concept: &Value) -> String {
    let r = c.post(app.url("/aanvragen")).json(concept).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    for (i, d) in concept["documenten"].as_array().unwrap().iter().enumerate() {
        let deelplan = d["deelplan"].as_str().map(|x| format!("&deelplan={x}")).unwrap_or_default();
        let pad = format!("/aanvragen/{id}/documenten?soort={}&naam=document-{i}.pdf{deelplan}", d["soort"].as_str().unwrap());
        let r = c.post(app.url(&pad)).body(format!("%PDF-1.7\n% {i}\n").repeat(20)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{pad}");
    }
    let r = c.post(app.url(&format!("/aanvragen/{id}/indiening"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["toetsing"]["zonder_fouten"], true, "{}", t["toetsing"]);
    id
}

/// Alleen aanvragen die RVO ontvankelijk verklaarde (of die verder zijn in de beoordeling) worden verdeeld. Een
/// ingediende aanvraag en een niet-ontvankelijk verklaarde aanvraag, allebei zonder fouten en door de commissie
/// gescoord, blijven erbuiten; het resultaat noemt ze met hun status en de reden. (Eerst kregen ze geld, en
/// weigerde het besluit daarna omdat ze niet beoordeeld waren.)
async fn alleen_ontvankelijk(app: App) {
    app.zet_klok("2021-05-10T10:00:00Z");
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    let rotterdam = client_met(&gebruiker_met_token(&db, "rotterdam", vhf::toegang::Rol::Aanvrager, Some("GM0599")).await);
    let zaanstad = dien_in(&app, &app.http, &serde_json::from_str(&concept()).unwrap()).await;
    let amsterdam = dien_in(&app, &app.ander, &concept_van("GM0363", "AMSTERDAM-2021-01", ["1102", "1103"], Some("amsterdam-zuidoost"))).await;
    let rdam = dien_in(&app, &rotterdam, &concept_van("GM0599", "ROTTERDAM-2021-01", ["3071", "3072"], Some("rotterdam-zuid"))).await;
    for l in ["L1", "L2"] {
        gebruiker_met_token(&db, l, vhf::toegang::Rol::Commissielid, None).await;
    }
    let kenmerken = ["ZAANSTAD-2021-01", "AMSTERDAM-2021-01", "ROTTERDAM-2021-01"];
    let toewijzingen: Vec<Value> =
        kenmerken.iter().flat_map(|k| ["DP1", "DP2"].map(|d| json!({"aanvraag": k, "deelplan": d, "leden": ["L1", "L2"]}))).collect();
    let deelplannen: Vec<(&str, &str, &str)> = kenmerken.iter().flat_map(|k| [(*k, "DP1", "8"), (*k, "DP2", "7")]).collect();
    let b = json!({"beoordelingen": {
        "leden": [{"id": "L1", "naam": "Lid 1"}, {"id": "L2", "naam": "Lid 2"}],
        "toewijzingen": toewijzingen,
        "scores": scores_van(&["L1", "L2"], &deelplannen),
    }});
    assert_eq!(app.rvo.post(app.url("/rondes/vhf-2021/beoordelingen")).json(&b).send().await.unwrap().status(), StatusCode::CREATED);
    // Zaanstad wordt beoordeeld, Amsterdam blijft ingediend, Rotterdam wordt niet ontvankelijk verklaard.
    naar_status(&app, &zaanstad, "beoordeeld").await;
    let r = app
        .rvo
        .post(app.url(&format!("/aanvragen/{rdam}/statusovergangen")))
        .header("If-Match", "\"2\"")
        .json(&json!({"naar": "niet_ontvankelijk", "reden": "onvolledig"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let r = app.bzk.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    let verdeeld: std::collections::BTreeSet<&str> = v["deelplannen"].as_array().unwrap().iter().map(|d| d["kenmerk"].as_str().unwrap()).collect();
    assert_eq!(verdeeld, ["ZAANSTAD-2021-01"].into(), "{}", v["deelplannen"]);
    assert_eq!(v["uitkeringen"].as_array().unwrap().iter().map(|u| u["gemeente"].as_str().unwrap()).collect::<Vec<_>>(), ["GM0479"]);
    let buiten = v["buiten_verdeling"].as_array().expect("buiten_verdeling");
    let per: Vec<(&str, &str, &str)> =
        buiten.iter().map(|b| (b["aanvraag"].as_str().unwrap(), b["kenmerk"].as_str().unwrap(), b["status"].as_str().unwrap())).collect();
    assert_eq!(per, [(amsterdam.as_str(), "AMSTERDAM-2021-01", "ingediend"), (rdam.as_str(), "ROTTERDAM-2021-01", "niet_ontvankelijk")]);
    let reden = |i: usize| buiten[i]["reden"].as_str().unwrap().to_string();
    assert!(reden(0).contains("nog niet ontvankelijk verklaard") && reden(0).contains("status ingediend"), "{}", reden(0));
    assert!(reden(1).contains("niet ontvankelijk verklaard"), "{}", reden(1));
    // Het besluit kan: de aanvragen buiten de verdeling houden het niet op, en houden hun status.
    let r = app.bzk.post(app.url(&format!("/verdelingen/{}/besluit", v["id"].as_str().unwrap()))).json(&json!({"reden": "test"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    for (id, status) in [(&zaanstad, "toegekend"), (&amsterdam, "ingediend"), (&rdam, "niet_ontvankelijk")] {
        let a: Value = app.rvo.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(a["status"], status, "{id}");
    }
}

#[tokio::test]
async fn alleen_ontvankelijke_aanvragen_worden_verdeeld_op_sqlite() {
    alleen_ontvankelijk(sqlite().await).await;
}

#[tokio::test]
async fn alleen_ontvankelijke_aanvragen_worden_verdeeld_op_postgresql() {
    if let Some(app) = postgres().await {
        alleen_ontvankelijk(app).await;
    }
}

/// Een aanvraag met één deelplan (renovatie van 460 particuliere woningen, € 7,4 mln gevraagd) die in 2021 en in
/// 2024 zonder fouten is: binnen het plafond per aanvraag van 2024, met plan van aanpak en begroting.
fn klein_concept(ronde: &str, gemeente: &str, kenmerk: &str, pc4: &str, gebied: Option<&str>) -> Value {
    let (start, einde) = if ronde == "vhf-2021" { ("2021-10-01", "2030-12-31") } else { ("2025-03-01", "2034-12-31") };
    let woningen = |eb: u32, pv: u32| json!({"eigenaar_bewoner": eb, "particuliere_verhuur": pv, "corporatie": 0});
    json!({
        "kenmerk": kenmerk, "ronde": ronde, "titel": format!("Herstructurering {kenmerk}"), "aanvragers": [gemeente],
        "contactpersoon": {"naam": "T. Est", "email": "vhf@gemeente.example"},
        "planning": {"start": start, "einde": einde},
        "deelplannen": [{
            "id": "DP1", "naam": "Wijk", "deelgebied": {"gemeente": gemeente, "pc4": [pc4], "prioriteitsgebied": gebied},
            "maatregelen": [
                {"id": "M1", "activiteit": "renovatie", "omschrijving": "Funderingsherstel en renovatie", "woningen": woningen(310, 150),
                 "label_voor": "F", "label_na": "C", "kosten": "9750000.00", "opbrengsten": "500000.00"},
                {"id": "M2", "activiteit": "openbare_ruimte", "omschrijving": "Veilige routes", "woningen": woningen(0, 0), "kosten": "1000000.00", "opbrengsten": "0.00"},
            ],
            "bijdrage_fysiek": "7000000.00", "projectkosten": "400000.00",
            "cofinanciering": [{"financier": "gemeente", "naam": "Gemeente", "bedrag": "3250000.00"}],
        }],
        "documenten": [
            {"soort": "plan_van_aanpak", "deelplan": "DP1", "naam": "Plan van aanpak.pdf", "sha256": "42b3e746a528981f72b014ad623c7e6f20d41dafeff208e7d63de899ebaa9066"},
            {"soort": "begroting", "naam": "Begroting.xlsx", "sha256": "c34233d8d39a9f16174f97a4647e6cda7f751747369e8ec7da01af05bf86e090"},
        ],
    })
}

/// Legt een versie van de beoordelingen van een ronde vast: L1 en L2 op DP1 van elke aanvraag, met deze score.
async fn scoor_ronde(app: &App, ronde: &str, per_aanvraag: &[(&str, &str)]) {
    let toewijzingen: Vec<Value> = per_aanvraag.iter().map(|(k, _)| json!({"aanvraag": k, "deelplan": "DP1", "leden": ["L1", "L2"]})).collect();
    let deelplannen: Vec<(&str, &str, &str)> = per_aanvraag.iter().map(|(k, s)| (*k, "DP1", *s)).collect();
    let b = json!({"beoordelingen": {
        "leden": [{"id": "L1", "naam": "Lid 1"}, {"id": "L2", "naam": "Lid 2"}],
        "toewijzingen": toewijzingen,
        "scores": scores_van(&["L1", "L2"], &deelplannen),
    }});
    let r = app.rvo.post(app.url(&format!("/rondes/{ronde}/beoordelingen"))).json(&b).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
}

/// De prioriteitspunten van 2024 (Meerjarige regeling, Bijlage 2: een gemeente die nooit een uitkering kreeg en van
/// wie een eerdere aanvraag voldoende was) uit een eerdere ronde die dit systeem verdeelde en besliste. Ronde 2021,
/// met een plafond van € 13 mln (btw-reserve verhoogd): Den Haag (8,00) krijgt € 7,4 mln; Rotterdam (8,00, later
/// ingediend) en Arnhem (7,00) zijn voldoende maar passen niet meer; Utrecht (5,00) is niet voldoende. In 2024:
/// Arnhem (6,50, geen prioriteitsgebied) en Rotterdam (6,00, Rotterdam-Zuid) krijgen +5; Den Haag (kreeg geld),
/// Utrecht (was niet voldoende) en Groningen (geen eerdere aanvraag) niet.
async fn punten_uit_een_eerdere_ronde(app: App) {
    use vhf::toegang::Rol;
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    let mut c = std::collections::BTreeMap::new();
    for (naam, gm) in [("denhaag", "GM0518"), ("rotterdam", "GM0599"), ("arnhem", "GM0202"), ("utrecht", "GM0344"), ("groningen", "GM0014")] {
        c.insert(gm, client_met(&gebruiker_met_token(&db, naam, Rol::Aanvrager, Some(gm)).await));
    }
    for l in ["L1", "L2"] {
        gebruiker_met_token(&db, l, Rol::Commissielid, None).await;
    }
    // Ronde 2021, in dit systeem. Den Haag dient het eerst in.
    let w = json!({"parameter": "btw_reserve", "vanaf": "2021-08-01", "waarde": "437000000.00", "bron": "[D] test: plafond € 13 mln"});
    assert_eq!(app.beheer.post(app.url("/rondes/vhf-2021/parameterwijzigingen")).json(&w).send().await.unwrap().status(), StatusCode::CREATED);
    let mut ids = Vec::new();
    for (i, (gm, kenmerk, pc4)) in
        [("GM0518", "DH-2021", "2531"), ("GM0599", "RDAM-2021", "3071"), ("GM0202", "ARN-2021", "6825"), ("GM0344", "UTR-2021", "3531")].into_iter().enumerate()
    {
        app.zet_klok(&format!("2021-05-10T10:0{i}:00Z"));
        ids.push(dien_in(&app, &c[gm], &klein_concept("vhf-2021", gm, kenmerk, pc4, None)).await);
    }
    scoor_ronde(&app, "vhf-2021", &[("DH-2021", "8"), ("RDAM-2021", "8"), ("ARN-2021", "7"), ("UTR-2021", "5")]).await;
    for id in &ids {
        naar_status(&app, id, "beoordeeld").await;
    }
    let r = app.bzk.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v2021: Value = r.json().await.unwrap();
    let uitkomst = |v: &Value, k: &str| v["deelplannen"].as_array().unwrap().iter().find(|d| d["kenmerk"] == k).unwrap().clone();
    assert_eq!(
        ["DH-2021", "RDAM-2021", "ARN-2021", "UTR-2021"].map(|k| uitkomst(&v2021, k)["uitkomst"].as_str().unwrap().to_string()),
        ["toegekend", "positief_niet_gehonoreerd_wegens_budget", "positief_niet_gehonoreerd_wegens_budget", "negatief_advies"]
    );
    assert_eq!(uitkomst(&v2021, "RDAM-2021")["voldoende"], true);
    assert_eq!(uitkomst(&v2021, "UTR-2021")["voldoende"], false);
    // Een verdeling zonder besluit telt nog niet: pas het besluit maakt een uitkomst.
    let vid2021 = v2021["id"].as_str().unwrap().to_string();

    // Ronde 2024.
    let concepten = [
        ("GM0599", "RDAM-2024", "3072", Some("rotterdam-zuid"), "6"),
        ("GM0202", "ARN-2024", "6826", None, "6.5"),
        ("GM0518", "DH-2024", "2532", None, "8"),
        ("GM0344", "UTR-2024", "3532", None, "7"),
        ("GM0014", "GRON-2024", "9711", None, "9"),
    ];
    let mut ids = Vec::new();
    for (i, (gm, kenmerk, pc4, gebied, _)) in concepten.iter().enumerate() {
        app.zet_klok(&format!("2024-06-10T10:0{i}:00Z"));
        ids.push(dien_in(&app, &c[gm], &klein_concept("vhf-2024", gm, kenmerk, pc4, *gebied)).await);
    }
    scoor_ronde(&app, "vhf-2024", &concepten.map(|(_, k, _, _, s)| (k, s))).await;
    for id in &ids {
        naar_status(&app, id, "beoordeeld").await;
    }
    let maak_2024 = || async {
        let r = app.bzk.post(app.url("/rondes/vhf-2024/verdelingen")).json(&json!({})).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json::<Value>().await.unwrap()
    };
    // Zolang over 2021 niet besloten is, krijgt niemand punten.
    let voor = maak_2024().await;
    assert!(voor["deelplannen"].as_array().unwrap().iter().all(|d| d["prioriteit"]["punten"] == "0.00"), "{}", voor["deelplannen"]);
    let r = app.bzk.post(app.url(&format!("/verdelingen/{vid2021}/besluit"))).json(&json!({"reden": "verdeling 2021"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    let v = maak_2024().await;
    let d = |k: &str| uitkomst(&v, k);
    let rang: Vec<(String, u64, String)> = ["ARN-2024", "RDAM-2024", "GRON-2024", "DH-2024", "UTR-2024"]
        .map(|k| (k.to_string(), d(k)["rang"].as_u64().unwrap(), d(k)["score"].as_str().unwrap().to_string()))
        .into();
    assert_eq!(
        rang,
        [("ARN-2024", 1, "6.50"), ("RDAM-2024", 2, "6.00"), ("GRON-2024", 3, "9.00"), ("DH-2024", 4, "8.00"), ("UTR-2024", 5, "7.00")].map(|(k, r, s)| (
            k.to_string(),
            r,
            s.to_string()
        ))
    );
    // De punten staan bij de prioriteit van elk deelplan (schema/verdeelresultaat.schema.json).
    let p = |k: &str| {
        let x = &d(k)["prioriteit"];
        json!({
            "gegeven": x["punten"] != "0.00", "aantal": x["punten"], "reden": x["punten_reden"],
            "eerdere_aanvraag": x["eerdere_aanvraag"], "eerdere_toekenning": x["eerdere_toekenning"],
        })
    };
    assert_eq!(["RDAM-2024", "ARN-2024", "DH-2024", "UTR-2024", "GRON-2024"].map(|k| p(k)["gegeven"].as_bool().unwrap()), [true, true, false, false, false]);
    assert_eq!(p("RDAM-2024")["aantal"], "5.00");
    assert_eq!(p("DH-2024")["aantal"], "0.00");
    let e = &p("RDAM-2024")["eerdere_aanvraag"];
    assert_eq!((e["ronde"].as_str(), e["kenmerk"].as_str(), e["deelplan"].as_str()), (Some("vhf-2021"), Some("RDAM-2021"), Some("DP1")), "{e}");
    assert!(e["bron"].as_str().unwrap().contains(&format!("verdeling {vid2021}")) && e["bron"].as_str().unwrap().contains("besloten op"), "{e}");
    assert_eq!(p("ARN-2024")["eerdere_aanvraag"]["kenmerk"], "ARN-2021");
    assert_eq!(p("DH-2024")["eerdere_toekenning"]["kenmerk"], "DH-2021");
    let reden = |k: &str| p(k)["reden"].as_str().unwrap().to_string();
    assert!(reden("RDAM-2024").contains("Rotterdam kreeg nooit een uitkering uit het fonds"), "{}", reden("RDAM-2024"));
    assert!(reden("RDAM-2024").contains("Stcrt. 2024, 15432"), "de bron van de parameter: {}", reden("RDAM-2024"));
    assert!(
        reden("DH-2024").contains("'s-Gravenhage kreeg eerder een uitkering uit het fonds: deelplan DP1 van aanvraag DH-2021 in ronde vhf-2021"),
        "{}",
        reden("DH-2024")
    );
    assert!(reden("UTR-2024").contains("geen eerdere aanvraag van Utrecht werd voldoende beoordeeld"), "{}", reden("UTR-2024"));
    assert!(reden("GRON-2024").contains("er is geen eerdere aanvraag van Groningen bekend"), "{}", reden("GRON-2024"));
    let uitleg = d("RDAM-2024")["uitleg"].as_str().unwrap().to_string();
    assert!(uitleg.contains("score 6,00 +5,00 prioriteitspunten = 11,00") && uitleg.contains("RDAM-2021"), "{uitleg}");
    // Het resultaat bewaart de geschiedenis die het gebruikte: uit de besloten verdeling én de lijst in de rondedata.
    let g = v["voorgeschiedenis"].as_array().unwrap();
    assert!(g.iter().any(|u| u["kenmerk"] == "RDAM-2021" && u["afloop"] == "voldoende_niet_toegekend"), "{g:?}");
    assert!(
        g.iter().any(|u| u["gemeente"] == "GM0518" && u["afloop"] == "toegekend" && u["kenmerk"].is_null()),
        "de uitkering aan Den Haag uit het besluit: {g:?}"
    );
    assert!(
        g.iter().any(|u| u["gemeente"] == "GM0479" && u["bron"].as_str().unwrap().starts_with("parameter uitkomsten_buiten_systeem van vhf-2021")),
        "{g:?}"
    );
    assert!(g.iter().all(|u| u["ronde"] == "vhf-2021"), "alleen eerdere rondes: {g:?}");

    // Een oude client die de lijst nog meestuurt, hoort waarom die niet meer bestaat.
    let r = app.bzk.post(app.url("/rondes/vhf-2024/verdelingen")).json(&json!({"eerder_toegekend": ["GM0599"]})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("uitkomsten_buiten_systeem"));
}

#[tokio::test]
async fn prioriteitspunten_uit_een_eerdere_ronde_op_sqlite() {
    punten_uit_een_eerdere_ronde(sqlite().await).await;
}

#[tokio::test]
async fn prioriteitspunten_uit_een_eerdere_ronde_op_postgresql() {
    if let Some(app) = postgres().await {
        punten_uit_een_eerdere_ronde(app).await;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Autorisatiematrix: elke route uit het register × elke rol × eigen/andere gemeente (en toegewezen/niet
// toegewezen commissielid), met de verwachte uitkomst. Een route in het register zonder regel hieronder laat de
// test falen, net als een regel zonder route.

/// De regel van een route in de matrix: `GET /aanvragen` voor de API, `WEB GET /aanvragen` voor een pagina.
fn sleutel_van(r: &vhf::server::routes::Route) -> String {
    match r.basis {
        vhf::server::routes::Basis::Api => format!("{} {}", r.methode, r.pad),
        vhf::server::routes::Basis::Web => format!("WEB {} {}", r.methode, r.pad),
    }
}

/// Uitkomsten: A = 401 (niet ingelogd), V = 403 (rol mag niet), N = 404 (verborgen of bestaat niet),
/// T = toegelaten (elk ander antwoord behalve 5xx; schrijfverzoeken zijn ongeldig en veranderen niets).
/// Kolommen: publiek, aanvrager eigen gemeente, aanvrager andere gemeente, behandelaar, commissielid toegewezen,
/// commissielid niet toegewezen, beslisser, auditor, beheerder, adviseur toegewezen (aan het verzoek om
/// ondersteuning van de eigen gemeente), adviseur niet toegewezen.
const MATRIX: &[(&str, &str)] = &[
    ("GET /rondes", "TTTTTTTTTTT"),
    ("GET /rondes/{id}", "TTTTTTTTTTT"),
    ("POST /rondes/{id}/parameterwijzigingen", "AVVVVVVVTVV"),
    ("POST /aanvragen", "ATTVVVVVVVV"),
    ("POST /aanvragen/import", "ATTVVVVVVVV"),
    ("GET /aanvragen", "ATTTTTTTVVV"),
    ("GET /aanvragen/{id}", "ATNTTNTTVVV"),
    ("PUT /aanvragen/{id}", "ATNVVVVVVVV"),
    ("POST /aanvragen/{id}/indiening", "ATNVVVVVVVV"),
    ("POST /aanvragen/{id}/aanvullingen", "ATNVVVVVVVV"),
    ("POST /aanvragen/{id}/deelplannen/{deelplan}/prioriteitsvaststelling", "AVVTVVVVVVV"),
    // Het dossier (ontvangstbewijs, aanvullingen, levensloop) is niet voor de commissie.
    ("GET /aanvragen/{id}/aanvullingen", "ATNTVVTTVVV"),
    ("GET /aanvragen/{id}/ontvangstbewijs", "ATNTVVTTVVV"),
    ("GET /aanvragen/{id}/ontvangstbewijs/inhoud", "ATNTVVTTVVV"),
    ("GET /aanvragen/{id}/bevindingen", "ATNTTNTTVVV"),
    ("GET /aanvragen/{id}/statusovergangen", "ATNTVVTTVVV"),
    ("POST /aanvragen/{id}/statusovergangen", "AVVTVVTVVVV"),
    ("GET /aanvragen/{id}/audit", "AVVTVVVTVVV"),
    ("POST /aanvragen/{id}/documenten", "ATNVVVVVVVV"),
    ("GET /aanvragen/{id}/documenten", "ATNTTNTTVVV"),
    ("GET /aanvragen/{id}/documenten/{document}", "ATNTTNTTVVV"),
    ("POST /rondes/{id}/beoordelingen", "AVVTVVVVVVV"),
    ("GET /rondes/{id}/toewijzingen", "AVVVTTVVVVV"),
    ("POST /rondes/{id}/scores", "AVVVTTVVVVV"),
    ("POST /rondes/{id}/verdelingen", "AVVVVVTVVVV"),
    ("GET /verdelingen/{id}", "AVVTVVTTVVV"),
    ("GET /verdelingen/{id}/dossier", "AVVTVVTTVVV"),
    ("POST /verdelingen/{id}/besluit", "AVVVVVTVVVV"),
    ("GET /besluiten", "TTTTTTTTTTT"),
    ("GET /rondes/{id}/toekenningen", "TTTTTTTTTTT"),
    // Besluiten per gemeente: opstellen, ondertekenen en corrigeren doet het ministerie; lezen de gemeente zelf (een
    // andere: 404), RVO, het ministerie en de auditor; de commissie en de beheerder niet.
    ("POST /rondes/{id}/besluiten", "AVVVVVTVVVV"),
    ("GET /rondes/{id}/besluiten", "ATTTVVTTVVV"),
    ("GET /besluiten/{id}", "ATNTVVTTVVV"),
    ("GET /besluiten/{id}/brief", "ATNTVVTTVVV"),
    ("POST /besluiten/{id}/ondertekening", "AVVVVVTVVVV"),
    ("POST /besluiten/{id}/correctie", "AVVVVVTVVVV"),
    // Bezwaar: RVO of het ministerie registreert, het ministerie beslist; lezen als het besluit.
    ("POST /besluiten/{id}/bezwaren", "AVVTVVTVVVV"),
    ("GET /bezwaren", "ATTTVVTTVVV"),
    ("POST /bezwaren/{id}/afhandeling", "AVVVVVTVVVV"),
    // Na het besluit (issue 12): betalen, wijzigingen beoordelen en vaststellen doet het ministerie (vier ogen); de
    // gemeente verantwoordt (of RVO namens haar) en vraagt wijzigingen aan; lezen als het besluit.
    ("GET /besluiten/{id}/uitvoering", "ATNTVVTTVVV"),
    ("POST /besluiten/{id}/betalingen", "AVVVVVTVVVV"),
    ("POST /betalingen/{id}/goedkeuring", "AVVVVVTVVVV"),
    ("GET /rondes/{id}/betaalbestand", "AVVVVVTTVVV"),
    ("POST /besluiten/{id}/verantwoordingen", "ATNTVVVVVVV"),
    ("POST /besluiten/{id}/verantwoordingen/import", "ATNTVVVVVVV"),
    ("POST /besluiten/{id}/wijzigingen", "ATNVVVVVVVV"),
    ("POST /wijzigingen/{id}/beoordeling", "AVVVVVTVVVV"),
    ("POST /wijzigingen/{id}/goedkeuring", "AVVVVVTVVVV"),
    ("POST /besluiten/{id}/vaststelling", "AVVVVVTVVVV"),
    ("POST /vaststellingen/{id}/ondertekening", "AVVVVVTVVVV"),
    ("GET /vaststellingen/{id}/brief", "ANNNVVNNVVV"),
    ("GET /rondes/{id}/monitoring", "ATTTVVTTVVV"),
    // Onafhankelijke ondersteuning (issue 12): RVO houdt de pool bij, wijst toe en keurt uren goed; een gemeente in
    // een prioriteitsgebied vraagt aan en ziet haar eigen verzoeken; een adviseur ziet alleen wat hem is toegewezen
    // (een ander verzoek: 404) en schrijft daar uren op.
    ("GET /adviseurs", "AVVTVVTTVVV"),
    ("PUT /adviseurs/{id}", "AVVTVVVVVVV"),
    ("POST /ondersteuningsverzoeken", "ATTVVVVVVVV"),
    ("GET /ondersteuningsverzoeken", "ATTTVVTTVTT"),
    ("GET /ondersteuningsverzoeken/{id}", "ATNTVVTTVTN"),
    ("POST /ondersteuningsverzoeken/{id}/toewijzing", "AVVTVVVVVVV"),
    ("POST /ondersteuningsverzoeken/{id}/afwijzing", "AVVTVVVVVVV"),
    ("POST /ondersteuningsverzoeken/{id}/uren", "AVVVVVVVVTN"),
    ("POST /urenregels/{id}/beoordeling", "AVVTVVVVVVV"),
    ("GET /rondes/{id}/ondersteuning", "AVVTVVTTVVV"),
    ("GET /gebruikers", "AVVVVVVTTVV"),
    ("PUT /gebruikers/{id}", "AVVVVVVVTVV"),
    ("POST /gebruikers/{id}/tokens", "AVVVVVVVTVV"),
    ("GET /gebruikers/{id}/tokens", "AVVVVVVTTVV"),
    ("POST /gebruikers/{id}/tokens/{token}/intrekking", "AVVVVVVVTVV"),
    ("POST /gebruikers/{id}/deactivering", "AVVVVVVVTVV"),
    ("GET /rolverzoeken", "AVVVVVVTTVV"),
    ("POST /rolverzoeken/{id}/goedkeuring", "AVVVVVVVTVV"),
    ("POST /rolverzoeken/{id}/afwijzing", "AVVVVVVVTVV"),
    ("GET /ik/tokens", "ATTTTTTTTTT"),
    // Het token van een ander is voor iedereen 404: niet te zien dat het bestaat.
    ("POST /ik/tokens/{token}/intrekking", "ANNNNNNNNNN"),
    ("GET /audit", "AVVVVVVTVVV"),
    ("GET /audit/controle", "AVVVVVVTVVV"),
    ("GET /ik", "ATTTTTTTTTT"),
    ("WEB GET /", "TTTTTTTTTTT"),
    ("WEB GET /static/vhf.css", "TTTTTTTTTTT"),
    ("WEB GET /static/nlds/vhf-tokens.css", "TTTTTTTTTTT"),
    ("WEB GET /static/nlds/component-library-css/index.css", "TTTTTTTTTTT"),
    ("WEB GET /static/nlds/vhf-aanvullingen.css", "TTTTTTTTTTT"),
    ("WEB GET /openbaar/toekenningen.csv", "TTTTTTTTTTT"),
    ("WEB GET /openbaar/toekenningen.json", "TTTTTTTTTTT"),
    ("WEB GET /openbaar/toekenningen.xlsx", "TTTTTTTTTTT"),
    ("WEB GET /openbaar/deelplannen.csv", "TTTTTTTTTTT"),
    ("WEB GET /openbaar/deelplannen.json", "TTTTTTTTTTT"),
    ("WEB GET /openbaar/kamerbrief", "TTTTTTTTTTT"),
    ("WEB GET /openbaar/sjabloon-aanvraag.xlsx", "TTTTTTTTTTT"),
    ("WEB GET /toegankelijkheid", "TTTTTTTTTTT"),
    // De pagina's van de balie (gemeente) en de behandeling: dezelfde rollen en hetzelfde 404 voor een andere
    // gemeente als de API; de commissie ziet het dossier niet.
    ("WEB GET /aanvragen", "ATTVVVVVVVV"),
    ("WEB GET /aanvragen/nieuw", "ATTVVVVVVVV"),
    ("WEB POST /aanvragen/nieuw", "ATTVVVVVVVV"),
    ("WEB POST /aanvragen/importeren", "ATTVVVVVVVV"),
    ("WEB GET /aanvragen/{id}", "ATNTVVTTVVV"),
    ("WEB GET /aanvragen/{id}/algemeen", "ATNVVVVVVVV"),
    ("WEB POST /aanvragen/{id}/algemeen", "ATNVVVVVVVV"),
    ("WEB GET /aanvragen/{id}/deelplannen/{deelplan}", "ATNVVVVVVVV"),
    ("WEB POST /aanvragen/{id}/deelplannen/{deelplan}", "ATNVVVVVVVV"),
    ("WEB POST /aanvragen/{id}/documenten", "ATNVVVVVVVV"),
    ("WEB POST /aanvragen/{id}/indienen", "ATNVVVVVVVV"),
    ("WEB GET /aanvragen/{id}/bewijs", "ATNTVVTTVVV"),
    ("WEB POST /aanvragen/{id}/aanvulling", "ATNVVVVVVVV"),
    ("WEB POST /aanvragen/{id}/status", "AVVTVVVVVVV"),
    ("WEB POST /aanvragen/{id}/prioriteit", "AVVTVVVVVVV"),
    ("WEB POST /aanvragen/{id}/toewijzing", "AVVTVVVVVVV"),
    ("WEB GET /behandeling", "AVVTVVTTVVV"),
    ("WEB GET /behandeling/werkvoorraad.xlsx", "AVVTVVTTVVV"),
    ("WEB GET /behandeling/werkvoorraad.csv", "AVVTVVTTVVV"),
    ("WEB POST /behandeling/statusovergang", "AVVTVVVVVVV"),
    // De commissie: alleen het toegewezen deelplan (een ander: 404); het ministerie: verdelen en besluiten.
    ("WEB GET /beoordeling", "AVVVTTVVVVV"),
    ("WEB GET /beoordeling/{id}/{aanvraag}/{deelplan}", "AVVVTNVVVVV"),
    ("WEB POST /beoordeling/{id}/{aanvraag}/{deelplan}", "AVVVTNVVVVV"),
    ("WEB GET /verdeling", "AVVVVVTTVVV"),
    ("WEB POST /verdeling/maken", "AVVVVVTVVVV"),
    ("WEB GET /verdeling/{id}", "AVVVVVTTVVV"),
    ("WEB GET /verdeling/{id}/rangorde.xlsx", "AVVVVVTTVVV"),
    ("WEB GET /verdeling/{id}/rangorde.csv", "AVVVVVTTVVV"),
    ("WEB POST /verdeling/{id}/besluit", "AVVVVVTVVVV"),
    ("WEB GET /besluiten", "ATTTVVTTVVV"),
    ("WEB POST /besluiten/opstellen", "AVVVVVTVVVV"),
    ("WEB POST /besluiten/{id}/ondertekenen", "AVVVVVTVVVV"),
    ("WEB GET /ondersteuning", "ATTTVVTTVTT"),
    ("WEB POST /ondersteuning/verzoeken", "ATTVVVVVVVV"),
    ("WEB POST /ondersteuning/adviseurs", "AVVTVVVVVVV"),
    ("WEB POST /ondersteuning/{id}/toewijzing", "AVVTVVVVVVV"),
    ("WEB POST /ondersteuning/{id}/afwijzing", "AVVTVVVVVVV"),
    ("WEB POST /ondersteuning/{id}/uren", "AVVVVVVVVTN"),
    ("WEB POST /urenregels/{id}/beoordeling", "AVVTVVVVVVV"),
    // Na het besluit: dezelfde rollen en hetzelfde 404 voor een andere gemeente als de API-routes van de uitvoering
    // (monitoring, overzicht, betalen, verantwoorden, wijzigen, vaststellen).
    ("WEB GET /uitvoering", "ATTTVVTTVVV"),
    ("WEB GET /uitvoering/monitoring.xlsx", "ATTTVVTTVVV"),
    ("WEB GET /uitvoering/monitoring.csv", "ATTTVVTTVVV"),
    ("WEB GET /uitvoering/{besluit}", "ATNTVVTTVVV"),
    ("WEB POST /uitvoering/{besluit}/betaling", "AVVVVVTVVVV"),
    ("WEB POST /uitvoering/{besluit}/betaling/goedkeuren", "AVVVVVTVVVV"),
    ("WEB GET /uitvoering/{besluit}/verantwoording", "ATNTVVVVVVV"),
    ("WEB POST /uitvoering/{besluit}/verantwoording", "ATNTVVVVVVV"),
    ("WEB POST /uitvoering/{besluit}/verantwoording/bestand", "ATNTVVVVVVV"),
    ("WEB GET /uitvoering/{besluit}/wijziging", "ATNVVVVVVVV"),
    ("WEB POST /uitvoering/{besluit}/wijziging", "ATNVVVVVVVV"),
    ("WEB POST /uitvoering/{besluit}/wijziging/beoordelen", "AVVVVVTVVVV"),
    ("WEB POST /uitvoering/{besluit}/wijziging/goedkeuren", "AVVVVVTVVVV"),
    ("WEB POST /uitvoering/{besluit}/vaststelling", "AVVVVVTVVVV"),
    ("WEB POST /uitvoering/{besluit}/vaststelling/ondertekenen", "AVVVVVTVVVV"),
    ("WEB GET /beheer", "AVVVVVVTTVV"),
    ("WEB POST /beheer/rolverzoeken/{id}", "AVVVVVVVTVV"),
    ("WEB POST /beheer/gebruikers", "AVVVVVVVTVV"),
    ("WEB POST /beheer/tokens", "AVVVVVVVTVV"),
    ("WEB POST /beheer/parameterwijzigingen", "AVVVVVVVTVV"),
    ("WEB GET /auth/inloggen", "TTTTTTTTTTT"),
    // Zonder sessie (dus zonder CSRF-token) weigert de ontwikkel-login iedereen.
    ("WEB POST /auth/ontwikkel", "VVVVVVVVVVV"),
    ("WEB POST /auth/uitloggen", "ATTTTTTTTTT"),
    // Deze server heeft geen OIDC ingesteld: de routes bestaan niet.
    ("WEB GET /auth/oidc/start", "NNNNNNNNNNN"),
    ("WEB GET /auth/oidc/terugkeer", "NNNNNNNNNNN"),
    ("WEB GET /healthz", "TTTTTTTTTTT"),
    ("WEB GET /readyz", "TTTTTTTTTTT"),
    ("WEB GET /metrics", "AVVVVVVTTVV"),
    ("GET /openapi.json", "TTTTTTTTTTT"),
];

/// Een ingediende aanvraag van Zaanstad met een document, beoordelingen (L1 en L2 toegewezen, L3 niet) en een
/// verdeling: genoeg om elke route met echte id's aan te spreken.
async fn zaai_voor_matrix(app: &App) -> (String, String, String) {
    app.zet_klok("2021-05-10T10:00:00Z");
    let v: Value = app.http.post(app.url("/aanvragen")).body(concept()).send().await.unwrap().json().await.unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    let pdf = b"%PDF-1.7\n% plan\n".repeat(10);
    let d: Value = app
        .http
        .post(app.url(&format!("/aanvragen/{id}/documenten?soort=plan_van_aanpak&deelplan=DP1&naam=plan.pdf")))
        .body(pdf)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = app
        .http
        .post(app.url(&format!("/aanvragen/{id}/documenten?soort=plan_van_aanpak&deelplan=DP2&naam=plan-dp2.pdf")))
        .body(b"%PDF-1.7\n% plan DP2\n".repeat(10))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    for (soort, naam) in [("begroting", "begroting.pdf"), ("intentieverklaring_corporatie", "intentieverklaring.pdf")] {
        let r =
            app.http.post(app.url(&format!("/aanvragen/{id}/documenten?soort={soort}&naam={naam}"))).body(b"%PDF-1.7\n% x\n".repeat(10)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let r = app.http.post(app.url(&format!("/aanvragen/{id}/indiening"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["toetsing"]["zonder_fouten"], true, "alle verplichte documenten zijn geüpload");
    // De leden van de commissie zijn gebruikers met die rol (anders weigert de server de toewijzing).
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    for l in ["L1", "L2", "L3", "L4"] {
        gebruiker_met_token(&db, l, vhf::toegang::Rol::Commissielid, None).await;
    }
    // L1 en L2 beoordelen DP1, L1 en L4 DP2: L2 ziet DP2 niet.
    let scores: Vec<Value> = [("L1", "DP1"), ("L2", "DP1"), ("L1", "DP2"), ("L4", "DP2")]
        .into_iter()
        .flat_map(|(l, dp)| {
            ["effectiviteit", "additionaliteit", "proportionaliteit", "haalbaarheid"]
                .map(|k| json!({"lid": l, "aanvraag": "ZAANSTAD-2021-01", "deelplan": dp, "criterium": k, "score": "8", "motivering": "sterk plan"}))
        })
        .collect();
    let b = json!({"beoordelingen": {
        "leden": [{"id": "L1", "naam": "Lid 1"}, {"id": "L2", "naam": "Lid 2"}, {"id": "L3", "naam": "Lid 3"}, {"id": "L4", "naam": "Lid 4"}],
        "toewijzingen": [{"aanvraag": "ZAANSTAD-2021-01", "deelplan": "DP1", "leden": ["L1", "L2"]}, {"aanvraag": "ZAANSTAD-2021-01", "deelplan": "DP2", "leden": ["L1", "L4"]}],
        "scores": scores,
    }});
    let r = app.rvo.post(app.url("/rondes/vhf-2021/beoordelingen")).json(&b).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app.bzk.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let l: Value = app.bzk.get(app.url("/aanvragen")).send().await.unwrap().json().await.unwrap();
    assert_eq!(l["totaal"], 1);
    let mut c = db.pool.acquire().await.unwrap();
    let (vid,): (String,) = sqlx::query_as("SELECT id FROM verdelingen").fetch_one(&mut *c).await.unwrap();
    (id, d["id"].as_str().unwrap().to_string(), vid)
}

/// Een ondertekend besluit voor Zaanstad uit de verdeling van de matrix (rechtstreeks in de opslag: de verdeling
/// van de matrix is niet besloten, zodat de aanvraag ingediend blijft).
async fn zaai_besluit(db: &vhf::db::Db, vid: &str) -> String {
    use vhf::handelingen::besluiten as h;
    let vr = {
        let mut c = db.lees().await.unwrap();
        vhf::db::verdeling::verdeling(&mut c, vid).await.unwrap().unwrap()
    };
    let ronde = vhf_core::regeling::Ronde::zoek("vhf-2021").unwrap();
    // De verdeling van de matrix neemt de (alleen ingediende, niet ontvankelijk verklaarde) aanvraag niet mee; het
    // besluit krijgt daarom een eigen, klein resultaat in de vorm van schema/verdeelresultaat.schema.json.
    let _ = vr;
    let resultaat = json!({
        "regels": {"plafond": "412000000.00"},
        "deelplannen": [{"penvoerder": "GM0479", "kenmerk": "ZAANSTAD-2021-01", "deelplan": "DP1", "uitkomst": "toegekend",
            "gevraagd": "1000000.00", "toegekend": "1000000.00", "rang": 1, "score": "8.00", "uitleg": "matrix"}],
        "uitkeringen": [{"gemeente": "GM0479", "bedrag": "1000000.00"}],
    });
    let inhoud = h::inhoud_uit_verdeling(ronde, vid, &resultaat).unwrap().remove("GM0479").unwrap();
    let mut rij = h::nieuwe_rij("vhf-2021", "GM0479", vid, 1, &inhoud, None, "matrix-opsteller", 0);
    let mut tx = db.schrijf().await.unwrap();
    vhf::db::besluiten::voeg_toe(&mut tx, &rij).await.unwrap();
    rij.status = "ondertekend".into();
    rij.datum = Some("2021-07-01".into());
    rij.ondertekend_door = Some("matrix-ondertekenaar".into());
    let datum: jiff::civil::Date = "2021-07-01".parse().unwrap();
    let brief = serde_json::to_string(&h::stel_brief_op(&rij, &inhoud, &vhf::brief::Sjabloon::van_ronde("vhf-2021", None).unwrap(), datum)).unwrap();
    assert!(vhf::db::besluiten::onderteken(&mut tx, &rij.id, "matrix-ondertekenaar", 0, "2021-07-01", "2021-08-12", &brief, "").await.unwrap());
    tx.commit().await.unwrap();
    rij.id
}

/// Een verzoek om ondersteuning van Zaanstad (zaandam-oost), toegewezen aan adviseur A1 (A2 staat ook in de pool),
/// met een geschreven urenregel: (verzoek, urenregel).
async fn zaai_ondersteuning(app: &App, a1: &reqwest::Client) -> (String, String) {
    for (id, belangen) in [("A1", json!([])), ("A2", json!(["GM0479"]))] {
        let r = app
            .rvo
            .put(app.url(&format!("/adviseurs/{id}")))
            .json(&json!({"expertise": ["herstructurering"], "uren_per_week": 16, "beschikbaar": true, "belangen": belangen}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }
    let r = app
        .http
        .post(app.url("/ondersteuningsverzoeken"))
        .json(&json!({"ronde": "vhf-2021", "onderwerp": "hulp bij het plan van aanpak", "uren": 20}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let ov = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let r = app.rvo.post(app.url(&format!("/ondersteuningsverzoeken/{ov}/toewijzing"))).json(&json!({"adviseur": "A1", "uren": "20"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = a1
        .post(app.url(&format!("/ondersteuningsverzoeken/{ov}/uren")))
        .json(&json!({"datum": "2021-05-10", "uren": "2,5", "omschrijving": "intake"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    (ov, r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string())
}

async fn matrix(app: App) {
    let (id, doc, vid) = zaai_voor_matrix(&app).await;
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    let bid = zaai_besluit(&db, &vid).await;
    use vhf::toegang::Rol;
    let kolommen: Vec<(&str, reqwest::Client)> = vec![
        ("publiek", vhf::tls::bouwer().build().unwrap()),
        ("aanvrager eigen", app.http.clone()),
        ("aanvrager ander", app.ander.clone()),
        ("behandelaar", app.rvo.clone()),
        ("commissielid toegewezen", client_met(&gebruiker_met_token(&db, "L2", Rol::Commissielid, None).await)),
        ("commissielid niet toegewezen", client_met(&gebruiker_met_token(&db, "L3", Rol::Commissielid, None).await)),
        ("beslisser", app.bzk.clone()),
        ("auditor", app.auditor.clone()),
        ("beheerder", app.beheer.clone()),
        ("adviseur toegewezen", client_met(&gebruiker_met_token(&db, "A1", Rol::Adviseur, None).await)),
        ("adviseur niet toegewezen", client_met(&gebruiker_met_token(&db, "A2", Rol::Adviseur, None).await)),
    ];
    let (ovid, urid) = zaai_ondersteuning(&app, &kolommen[9].1).await;
    // Een gebruiker met een token (om in te trekken en uit te schakelen) en een open verzoek om een rolwijziging
    // van een andere beheerder (om goed te keuren of af te wijzen).
    gebruiker_met_token(&db, "matrix-doel", Rol::Aanvrager, Some("GM0479")).await;
    let token_id = {
        let mut c = db.lees().await.unwrap();
        vhf::db::toegang::tokens(&mut c, "matrix-doel").await.unwrap()[0].id.clone()
    };
    gebruiker_met_token(&db, "matrix-rol", Rol::Aanvrager, Some("GM0479")).await;
    {
        let mut tx = db.schrijf().await.unwrap();
        let v = vhf::db::toegang::Rolverzoek {
            id: "RVMATRIX".into(),
            gebruiker: "matrix-rol".into(),
            naam: "matrix-rol".into(),
            rol: "behandelaar".into(),
            gemeente: None,
            vorige_rol: Some("aanvrager".into()),
            vorige_gemeente: Some("GM0479".into()),
            aangevraagd_door: "beheer-2".into(),
            aangevraagd_op: 0,
            besloten_door: None,
            besloten_op: None,
            uitkomst: None,
        };
        vhf::db::toegang::voeg_rolverzoek_toe(&mut tx, &v).await.unwrap();
        tx.commit().await.unwrap();
    }
    let routes = vhf::server::routes::alle();
    let verwacht: std::collections::BTreeMap<&str, &str> = MATRIX.iter().copied().collect();
    let sleutels: Vec<String> = routes.iter().map(sleutel_van).collect();
    for s in &sleutels {
        assert!(verwacht.contains_key(s.as_str()), "route {s} staat niet in de autorisatiematrix: zeg wie er mag komen");
    }
    for k in verwacht.keys() {
        assert!(sleutels.iter().any(|s| s == k), "de matrix noemt {k}, maar die route bestaat niet");
    }
    let mut fouten = Vec::new();
    for r in &routes {
        let sleutel = sleutel_van(r);
        let rij = verwacht[sleutel.as_str()];
        assert_eq!(rij.len(), kolommen.len(), "{sleutel}");
        let pad = r
            .pad
            .replace("{document}", &doc)
            .replace("{besluit}", &bid)
            .replace("{token}", &token_id)
            .replace("{deelplan}", "DP1")
            .replace("{aanvraag}", "ZAANSTAD-2021-01")
            .replace(
                "{id}",
                if r.pad.starts_with("/rondes") || r.pad.starts_with("/beoordeling") {
                    "vhf-2021"
                } else if r.pad.starts_with("/verdeling") {
                    &vid
                } else if r.pad.starts_with("/besluiten/") || r.pad.starts_with("/uitvoering/") {
                    &bid
                } else if r.pad.starts_with("/gebruikers") {
                    "matrix-doel"
                } else if r.pad.starts_with("/rolverzoeken") {
                    "RVMATRIX"
                } else if r.pad.starts_with("/ondersteuningsverzoeken") || r.pad.starts_with("/ondersteuning/") {
                    &ovid
                } else if r.pad.starts_with("/urenregels") {
                    &urid
                } else if r.pad.starts_with("/adviseurs") {
                    "A1"
                } else {
                    &id
                },
            );
        let url = match r.basis {
            vhf::server::routes::Basis::Api => app.url(&pad),
            vhf::server::routes::Basis::Web => format!("{}{pad}", app.basis),
        };
        for ((naam, c), code) in kolommen.iter().zip(rij.chars()) {
            let verzoek = match r.methode {
                "GET" => c.get(&url),
                m => c.request(m.parse().unwrap(), &url).header("If-Match", "\"999\"").header("content-type", "application/json").body("{\"__matrix\": true}"),
            };
            let status = verzoek.send().await.unwrap().status().as_u16();
            let gekregen = match status {
                401 => 'A',
                403 => 'V',
                404 => 'N',
                s if s >= 500 => '!',
                _ => 'T',
            };
            if gekregen != code {
                fouten.push(format!("{sleutel} als {naam}: verwacht {code}, kreeg {gekregen} ({status})"));
            }
        }
    }
    assert!(fouten.is_empty(), "autorisatiematrix:\n{}", fouten.join("\n"));

    // Een commissielid ziet van een aanvraag alleen zijn toegewezen deelplan: in de inhoud, de bevindingen en
    // de documenten. RVO ziet alles.
    let l2 = &kolommen[4].1;
    let ids = |v: &Value| v["inhoud"]["deelplannen"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let a: Value = l2.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(ids(&a), ["DP1"]);
    let a: Value = app.rvo.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(ids(&a), ["DP1", "DP2"]);
    let f: Value = l2.get(app.url(&format!("/aanvragen/{id}/bevindingen"))).send().await.unwrap().json().await.unwrap();
    let b = f["rapport"]["bevindingen"].as_array().unwrap();
    assert!(b.iter().any(|x| x["deelplan"] == "DP1") && !b.iter().any(|x| x["deelplan"] == "DP2"), "{f}");
    assert!(!f["rapport"]["indicatoren"].to_string().contains("DP2"));
    // Ook niets wat uit DP2 volgt: geen totalen over de hele aanvraag (DP2 = totaal − DP1), geen documenten van DP2
    // in de inhoud, en bij bevindingen over de hele aanvraag geen getallen.
    let indicatoren = f["rapport"]["indicatoren"].as_object().unwrap();
    assert_eq!(indicatoren.keys().collect::<Vec<_>>(), ["deelplannen"], "{f}");
    for b in f["rapport"]["bevindingen"].as_array().unwrap().iter().filter(|b| b["deelplan"].is_null()) {
        assert!(b.get("parameters").is_none() && b["uitleg"].as_str().unwrap().contains("weggelaten"), "{b}");
    }
    let a: Value = l2.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    for (wat, body) in [("aanvraag", a.to_string()), ("bevindingen", f.to_string())] {
        for geheim in ["Plan van aanpak Peldersveld.pdf", "19500000.00", "93000000.00", "69000000.00"] {
            assert!(!body.contains(geheim), "het commissielid van DP1 ziet '{geheim}' van DP2 of de totalen in de {wat}: {body}");
        }
    }
    let d: Value = l2.get(app.url(&format!("/aanvragen/{id}/documenten"))).send().await.unwrap().json().await.unwrap();
    let docs = d["data"].as_array().unwrap();
    assert_eq!(docs.iter().map(|x| x["deelplan"].as_str().unwrap()).collect::<Vec<_>>(), ["DP1"]);
    let alle: Value = app.rvo.get(app.url(&format!("/aanvragen/{id}/documenten"))).send().await.unwrap().json().await.unwrap();
    let dp2 = alle["data"].as_array().unwrap().iter().find(|x| x["deelplan"] == "DP2").unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(l2.get(app.url(&format!("/aanvragen/{id}/documenten/{dp2}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // Het commissielid scoort zijn eigen deelplan (een nieuwe versie), niet dat van een ander; tegen het kader.
    let t: Value = l2.get(app.url("/rondes/vhf-2021/toewijzingen")).send().await.unwrap().json().await.unwrap();
    assert_eq!(t["data"].as_array().unwrap().iter().map(|x| x["deelplan"].as_str().unwrap()).collect::<Vec<_>>(), ["DP1"]);
    let mijn = |dp: &str, score: &str| json!({"aanvraag": "ZAANSTAD-2021-01", "deelplan": dp, "scores": [{"criterium": "effectiviteit", "score": score, "motivering": "herzien na bezoek"}]});
    let r = l2.post(app.url("/rondes/vhf-2021/scores")).json(&mijn("DP1", "9")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let versie = r.json::<Value>().await.unwrap()["versie"].as_i64().unwrap();
    assert_eq!(l2.post(app.url("/rondes/vhf-2021/scores")).json(&mijn("DP2", "9")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let r = l2.post(app.url("/rondes/vhf-2021/scores")).json(&mijn("DP1", "11")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("buiten de schaal"));
    let t: Value = l2.get(app.url("/rondes/vhf-2021/toewijzingen")).send().await.unwrap().json().await.unwrap();
    let scores = t["data"][0]["scores"].as_array().unwrap();
    assert_eq!(scores.len(), 4, "de nieuwe score van L2 voor effectiviteit vervangt alleen die; de andere criteria blijven: {t}");
    let eff: Vec<&Value> = scores.iter().filter(|s| s["criterium"] == "effectiviteit").collect();
    assert_eq!((eff.len(), eff[0]["score"].as_str()), (1, Some("9.00")));
    assert!(versie >= 2);
    // De matrix veranderde niets: de aanvraag is nog ingediend, versie 2.
    let a: Value = app.http.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((a["status"].as_str(), a["versie"].as_i64()), (Some("ingediend"), Some(2)));
}

#[tokio::test]
async fn autorisatiematrix_op_sqlite() {
    matrix(sqlite().await).await;
}

#[tokio::test]
async fn autorisatiematrix_op_postgresql() {
    if let Some(app) = postgres().await {
        matrix(app).await;
    }
}

fn set_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find(|v| v.starts_with("__Host-vhf-sessie=")).map(|v| v.to_string())
}

fn cookie_id(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().trim_start_matches("__Host-vhf-sessie=").to_string()
}

fn csrf_uit_html(html: &str) -> String {
    let na = html.split("name=\"_csrf\" value=\"").nth(1).expect("CSRF-veld in het formulier");
    na.split('"').next().unwrap().to_string()
}

/// Sessies: het cookie (HttpOnly, Secure, SameSite), CSRF bij elke wijziging, een nieuw sessie-id bij het
/// inloggen (geen session fixation), uitloggen, inactiviteit, remmen na te veel mislukte pogingen, en de
/// beveiligingskoppen op elk antwoord.
#[tokio::test]
async fn sessies_csrf_rotatie_verloop_en_remmen() {
    let app = sqlite().await;
    app.zet_klok("2021-05-10T10:00:00Z");
    let c = vhf::tls::bouwer().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let met = |cookie: &str| format!("__Host-vhf-sessie={cookie}");

    // De inlogpagina geeft een sessie zonder gebruiker, met het CSRF-token in het formulier.
    let r = c.get(format!("{}/auth/inloggen", app.basis)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let sc = set_cookie(&r).expect("cookie");
    for attr in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(sc.contains(attr), "{attr} ontbreekt: {sc}");
    }
    let voor = cookie_id(&sc);
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"nl\">") && !html.contains("<script"), "geen inline script");
    let csrf = csrf_uit_html(&html);

    // Zonder CSRF-token: geweigerd; met een verkeerd token ook.
    for body in ["gebruiker=rvo".to_string(), "gebruiker=rvo&_csrf=fout".to_string()] {
        let r = c
            .post(format!("{}/auth/ontwikkel", app.basis))
            .header("cookie", met(&voor))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    // Met token: ingelogd, met een NIEUW sessie-id; het oude id is niets meer waard.
    let r = c
        .post(format!("{}/auth/ontwikkel", app.basis))
        .header("cookie", met(&voor))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("gebruiker=rvo&_csrf={csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let na = cookie_id(&set_cookie(&r).expect("nieuw cookie"));
    assert_ne!(na, voor, "het sessie-id wisselt bij het inloggen");
    assert_eq!(c.get(app.url("/ik")).header("cookie", met(&voor)).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let ik: Value = c.get(app.url("/ik")).header("cookie", met(&na)).send().await.unwrap().json().await.unwrap();
    assert_eq!(ik["rol"], "behandelaar");
    let csrf2 = ik["csrf"].as_str().unwrap().to_string();
    assert_ne!(csrf2, csrf, "ook het CSRF-token is nieuw");

    // Een wijziging via de sessie zonder X-CSRF-Token: 403; met: doorgelaten (hier 422, want de body is leeg).
    let r = c.post(app.url("/rondes/vhf-2021/beoordelingen")).header("cookie", met(&na)).body("{}").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.json::<Value>().await.unwrap()["title"].as_str().unwrap().contains("CSRF"));
    let r = c
        .post(app.url("/rondes/vhf-2021/beoordelingen"))
        .header("cookie", met(&na))
        .header("x-csrf-token", &csrf2)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Beveiligingskoppen op elk soort antwoord: pagina, JSON, 401, 404.
    for r in [
        c.get(format!("{}/", app.basis)).send().await.unwrap(),
        c.get(app.url("/rondes")).send().await.unwrap(),
        c.get(app.url("/aanvragen")).send().await.unwrap(),
        c.get(app.url("/bestaat-niet")).send().await.unwrap(),
    ] {
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
        assert!(h["strict-transport-security"].to_str().unwrap().contains("max-age="));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["referrer-policy"], "no-referrer");
    }

    // Inactief langer dan 30 minuten: de sessie is verlopen, met een melding die dat zegt.
    app.zet_klok("2021-05-10T10:31:00Z");
    let r = c.get(app.url("/ik")).header("cookie", met(&na)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("verlopen"));

    // Uitloggen beëindigt de sessie aan de serverkant.
    let r = c.get(format!("{}/auth/inloggen", app.basis)).send().await.unwrap();
    let s3 = cookie_id(&set_cookie(&r).unwrap());
    let csrf3 = csrf_uit_html(&r.text().await.unwrap());
    let form = |body: String, cookie: &str| {
        c.post(format!("{}/auth/ontwikkel", app.basis)).header("cookie", met(cookie)).header("content-type", "application/x-www-form-urlencoded").body(body)
    };
    let r = form(format!("gebruiker=auditor&_csrf={csrf3}"), &s3).send().await.unwrap();
    let s4 = cookie_id(&set_cookie(&r).unwrap());
    let ik: Value = c.get(app.url("/ik")).header("cookie", met(&s4)).send().await.unwrap().json().await.unwrap();
    let r = c
        .post(format!("{}/auth/uitloggen", app.basis))
        .header("cookie", met(&s4))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("_csrf={}", ik["csrf"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(c.get(app.url("/ik")).header("cookie", met(&s4)).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);

    // Een browser krijgt een fout op een webpagina als Nederlandse pagina, met dezelfde status.
    let r = c.post(format!("{}/auth/ontwikkel", app.basis)).header("accept", "text/html").body("gebruiker=rvo").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"nl\">") && html.contains("inlogpagina"), "{html}");

    // Vijf mislukte pogingen, dan geremd (429 met Retry-After), ook voor een bestaande gebruiker.
    let r = c.get(format!("{}/auth/inloggen", app.basis)).send().await.unwrap();
    let s5 = cookie_id(&set_cookie(&r).unwrap());
    let csrf5 = csrf_uit_html(&r.text().await.unwrap());
    for _ in 0..5 {
        assert_eq!(form(format!("gebruiker=bestaat-niet&_csrf={csrf5}"), &s5).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    let r = form(format!("gebruiker=rvo&_csrf={csrf5}"), &s5).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    // De mislukte pogingen staan in het audittrail, met adres en reden; de geremde niet meer.
    let trail: Value = app.auditor.get(app.url("/audit?aantal=1000")).send().await.unwrap().json().await.unwrap();
    let mislukt: Vec<&Value> = trail["data"].as_array().unwrap().iter().filter(|r| r["actie"] == "inloggen.mislukt").collect();
    assert_eq!(mislukt.len(), 5);
    assert_eq!(mislukt[0]["object"], "inloggen:127.0.0.1");
    assert!(mislukt[0]["na"]["reden"].as_str().unwrap().contains("bestaat-niet"));

    // Opruimen (de server doet het elke 5 minuten): verlopen sessies en oude pogingen verdwijnen, geldige blijven.
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    let tel = |tabel: &'static str| {
        let db = db.clone();
        async move {
            let mut c = db.pool.acquire().await.unwrap();
            sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {tabel}"))).fetch_one(&mut *c).await.unwrap().0
        }
    };
    // De voorsessie van 10:31 is om 11:02 verlopen; een nieuwe van 11:00 nog niet.
    app.zet_klok("2021-05-10T11:00:00Z");
    c.get(format!("{}/auth/inloggen", app.basis)).send().await.unwrap();
    let (sessies, pogingen) = (tel("sessies").await, tel("inlogpogingen").await);
    // Pogingen: 5 mislukte logins en 4 nieuwe voorsessies (die tellen per adres mee tegen overspoelen).
    assert_eq!((sessies, pogingen), (2, 9));
    let nu = "2021-05-10T11:02:00Z".parse::<jiff::Timestamp>().unwrap().as_microsecond();
    let mut tx = db.schrijf().await.unwrap();
    let weg = vhf::db::toegang::ruim_sessies_op(&mut tx, nu - 30 * 60_000_000, nu - 10 * 3_600_000_000).await.unwrap();
    vhf::db::toegang::ruim_pogingen_op(&mut tx, nu - 15 * 60_000_000).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(weg, 1, "de verlopen voorsessie is weg");
    assert_eq!(tel("sessies").await, 1, "de geldige blijft");
    assert_eq!(tel("inlogpogingen").await, 1, "alleen de voorsessie van 11:00 valt nog binnen het venster van 15 minuten");
}

/// `vhf audit verify`: in orde op een schone database; na een rechtstreekse wijziging van één rij in de database
/// faalt hij en noemt hij die rij. Op SQLite (via --data-dir) en PostgreSQL (via DATABASE_URL).
async fn audit_verify_vangt_een_gewijzigde_rij(app: App, omgeving: Vec<(&'static str, String)>, args: Vec<String>) {
    zaai_voor_matrix(&app).await;
    // Het proces draait naast de server in deze runtime: wachten zonder de runtime te blokkeren.
    let verify = || {
        let (args, omgeving) = (args.clone(), omgeving.clone());
        async move {
            tokio::task::spawn_blocking(move || {
                std::process::Command::new(env!("CARGO_BIN_EXE_vhf"))
                    .args(["audit", "verify"])
                    .args(&args)
                    .env_remove("DATABASE_URL")
                    .envs(omgeving.iter().map(|(k, v)| (*k, v.as_str())))
                    .output()
                    .unwrap()
            })
            .await
            .unwrap()
        }
    };
    let o = verify().await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("in orde"));
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    let mut c = db.pool.acquire().await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit").fetch_one(&mut *c).await.unwrap();
    assert!(n >= 5, "er is wat te controleren ({n} rijen)");
    sqlx::query("UPDATE audit SET actor = 'iemand-anders' WHERE volgnummer = 3").execute(&mut *c).await.unwrap();
    let o = verify().await;
    assert_eq!(o.status.code(), Some(1));
    let fout = String::from_utf8_lossy(&o.stderr);
    assert!(fout.contains("rij 3 is gewijzigd"), "{fout}");
    // En een verwijderde rij in het midden.
    sqlx::query("DELETE FROM audit WHERE volgnummer = 4").execute(&mut *c).await.unwrap();
    let fout = String::from_utf8_lossy(&verify().await.stderr).to_string();
    assert!(fout.contains("rij 4 ontbreekt"), "{fout}");
}

#[test]
fn audit_verify_zonder_database_zegt_dat() {
    let dir = std::env::temp_dir().join(uniek("vhf-geen-db"));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_vhf"))
        .args(["audit", "verify", "--data-dir", dir.to_str().unwrap()])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bestaat niet"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!dir.join("vhf.db").exists(), "een controle maakt geen lege database aan");
}

#[tokio::test]
async fn audit_verify_op_sqlite() {
    let dir = std::env::temp_dir().join(uniek("vhf-audit"));
    std::fs::create_dir_all(&dir).unwrap();
    let app = start(format!("sqlite://{}?mode=rwc", dir.join("vhf.db").display())).await;
    audit_verify_vangt_een_gewijzigde_rij(app, vec![], vec!["--data-dir".into(), dir.to_str().unwrap().into()]).await;
}

#[tokio::test]
async fn audit_verify_op_postgresql() {
    if let Some(app) = postgres().await {
        let url = app.database_url.clone();
        audit_verify_vangt_een_gewijzigde_rij(app, vec![("DATABASE_URL", url)], vec![]).await;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Inloggen via OpenID Connect tegen een echte provider (oidc-provider uit npm, tests/diensten/provider.mjs; .ci/run
// installeert hem). Zonder node_modules wordt de test overgeslagen met een melding, behalve in CI.

/// Een testdienst uit `tests/diensten` (node-proces); wordt gestopt als de test klaar is.
struct Dienst(std::process::Child);
impl Drop for Dienst {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// De map met de testdiensten, als dit npm-pakket er is; anders `None` met een melding (in CI een fout).
fn diensten(pakket: &str) -> Option<std::path::PathBuf> {
    let map = gemeenschappelijk_repo().join("tests/diensten");
    if map.join("node_modules").join(pakket).exists() {
        return Some(map);
    }
    assert!(std::env::var("CI").is_err(), "CI moet {pakket} installeren (npm ci --prefix tests/diensten)");
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "OVERGESLAGEN: {pakket} ontbreekt in tests/diensten/node_modules (npm ci --prefix tests/diensten); .ci/run installeert het"
    );
    None
}

/// Start `node <script>` in de dienstenmap met deze omgeving en wacht op de regel "klaar".
fn start_dienst(map: &std::path::Path, script: &str, omgeving: &[(&str, &std::ffi::OsStr)]) -> Dienst {
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

fn vrije_poort() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `vhf serve` als echt proces op een vrije poort, met de klok op het open loket van 2021 en `extra` argumenten
/// en omgeving; de uitvoer gaat weg. Geeft het proces en zijn poort.
fn serve_proces(dir: &std::path::Path, extra: &[&str], omgeving: &[(&str, &str)]) -> (std::process::Child, u16) {
    let poort = vrije_poort();
    let kind = std::process::Command::new(env!("CARGO_BIN_EXE_vhf"))
        .args(["serve", "--data-dir", dir.to_str().unwrap(), "--port", &poort.to_string(), "--tijdreis", "2021-05-10T10:00:00Z"])
        .args(extra)
        .env_remove("DATABASE_URL")
        .env("VHF_LOG", "warn")
        .envs(omgeving.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    (kind, poort)
}

/// Volgt de browser door de provider (inlogformulier, toestemming) tot de terugkeer naar vhf; geeft die URL.
async fn door_de_provider(pc: &reqwest::Client, begin: &str, account: &str, terug: &str, provider: &str) -> String {
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

#[tokio::test]
async fn inloggen_via_oidc_met_een_echte_provider() {
    let Some(map) = diensten("oidc-provider") else { return };
    let (pp, sp) = (vrije_poort(), vrije_poort());
    let provider = format!("http://127.0.0.1:{pp}");
    let terug = format!("http://127.0.0.1:{sp}/auth/oidc/terugkeer");
    let pp_tekst = pp.to_string();
    let _provider = start_dienst(&map, "provider.mjs", &[("PORT", pp_tekst.as_ref()), ("REDIRECT_URI", terug.as_ref()), ("NODE_ENV", "test".as_ref())]);

    // vhf met de broker ingesteld: rol uit vhf_rol, gemeente uit de OIN.
    let dir = std::env::temp_dir().join(uniek("vhf-oidc"));
    std::fs::create_dir_all(&dir).unwrap();
    let klok = Arc::new(AtomicI64::new(0));
    let k = klok.clone();
    let oidc: vhf::config::OidcInstellingen = toml::from_str(&format!(
        "issuer = \"{provider}\"\nclient_id = \"vhf\"\nclient_secret = \"geheim-voor-de-test\"\nredirect_url = \"{terug}\"\nscopes = [\"vhf\"]\n[organisaties]\n\"00000001002564440000\" = \"GM0479\"\n"
    ))
    .unwrap();
    let inst = Instellingen {
        database_url: format!("sqlite://{}?mode=rwc", dir.join("vhf.db").display()),
        adres: format!("127.0.0.1:{sp}").parse().unwrap(),
        oidc: Some(oidc),
        ontwikkel_login: false,
        ..instellingen(dir.join("docs"), 1 << 20)
    };
    let app = Application::build(&inst, Arc::new(move || jiff::Timestamp::from_microsecond(k.load(Ordering::SeqCst)).unwrap())).await.unwrap();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let zet = |m: &str| klok.store(m.parse::<jiff::Timestamp>().unwrap().as_microsecond(), Ordering::SeqCst);
    // De provider kijkt naar de echte klok (geldigheid van het ID-token); vhf's sessies naar de testklok.
    zet(&jiff::Timestamp::now().to_string());
    let basis = format!("http://127.0.0.1:{sp}");
    let vhf = vhf::tls::bouwer().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let pc = vhf::tls::bouwer().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();

    // Eén poging: start bij vhf (cookie + doorverwijzing), door de provider, terug bij vhf. `pas_aan` mag de
    // doorverwijzing wijzigen (zoals een aanvaller zou doen). Geeft het antwoord van vhf en het cookie.
    let poging = |account: &'static str, pas_aan: fn(String) -> String| {
        let (vhf, basis, terug, provider) = (vhf.clone(), basis.clone(), terug.clone(), provider.clone());
        async move {
            // Elke poging in een verse browser: geen sessie bij de provider van een vorige poging.
            let pc = vhf::tls::bouwer().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
            let r = vhf.get(format!("{basis}/auth/oidc/start")).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            let cookie = cookie_id(&set_cookie(&r).unwrap());
            let naar = pas_aan(r.headers()["location"].to_str().unwrap().to_string());
            assert!(naar.contains("code_challenge=") && naar.contains("nonce=") && naar.contains("state="), "{naar}");
            let terugkeer = door_de_provider(&pc, &naar, account, &terug, &provider).await;
            vhf.get(terugkeer).header("cookie", format!("__Host-vhf-sessie={cookie}")).send().await.unwrap()
        }
    };

    // Goed: ingelogd als aanvrager van Zaanstad, met een nieuw sessie-id.
    let r = poging("zaanstad-1", |u| u).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let sessie = cookie_id(&set_cookie(&r).unwrap());
    let ik: Value = vhf.get(format!("{basis}/api/v1/ik")).header("cookie", format!("__Host-vhf-sessie={sessie}")).send().await.unwrap().json().await.unwrap();
    assert_eq!((ik["rol"].as_str(), ik["gemeente"].as_str(), ik["naam"].as_str()), (Some("aanvrager"), Some("GM0479"), Some("Zoë Zaanstad")), "{ik}");

    // Een verkeerde nonce (de doorverwijzing onderweg gewijzigd): geweigerd.
    let r = poging("rvo-1", |u| {
        let (voor, na) = u.split_once("nonce=").unwrap();
        let rest = na.split_once('&').map(|x| format!("&{}", x.1)).unwrap_or_default();
        format!("{voor}nonce=andere-nonce{rest}")
    })
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let d = r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().to_string();
    assert!(d.contains("ID-token is ongeldig") && d.to_lowercase().contains("nonce"), "{d}");

    // Een vervalst ID-token (inhoud gewijzigd, handtekening niet meer geldig): geweigerd.
    pc.get(format!("{provider}/__test/vervals?aan=1")).send().await.unwrap();
    let r = poging("zaanstad-1", |u| u).await;
    pc.get(format!("{provider}/__test/vervals?aan=0")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let d = r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().to_string();
    assert!(d.contains("ID-token is ongeldig"), "{d}");

    // Een organisatie zonder koppeling aan een gemeente: geweigerd, met uitleg.
    let r = poging("onbekend-1", |u| u).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("niet gekoppeld aan een gemeente"));

    // Een verkeerde state (een terugkeer die niet bij deze sessie hoort): geweigerd.
    let r = vhf.get(format!("{basis}/auth/oidc/start")).send().await.unwrap();
    let c2 = cookie_id(&set_cookie(&r).unwrap());
    let r = vhf.get(format!("{terug}?code=x&state=niet-de-goede")).header("cookie", format!("__Host-vhf-sessie={c2}")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // Deze server staat ingesteld zonder ontwikkel-login (zoals productie): die wordt geweigerd.
    let html = vhf.get(format!("{basis}/auth/inloggen")).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("/auth/ontwikkel") && html.contains("/auth/oidc/start"), "alleen de broker op de inlogpagina");
    // Met een geldige sessie en het juiste CSRF-token, zodat de weigering echt van de ontwikkel-login komt.
    let r = vhf
        .post(format!("{basis}/auth/ontwikkel"))
        .header("cookie", format!("__Host-vhf-sessie={sessie}"))
        .header("x-csrf-token", ik["csrf"].as_str().unwrap())
        .body("gebruiker=rvo")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("bestaat niet in deze omgeving"));

    // De sessie van de geslaagde login verloopt na 30 minuten zonder verzoek.
    zet(&(jiff::Timestamp::now() + jiff::SignedDuration::from_mins(31)).to_string());
    let r = vhf.get(format!("{basis}/api/v1/ik")).header("cookie", format!("__Host-vhf-sessie={sessie}")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("verlopen"));
}

fn gemeenschappelijk_repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Een samenwerkingsverband (Parkstad: penvoerder Heerlen, mede-aanvragers o.a. Kerkrade): de mede-aanvrager
/// leest mee maar wijzigt, uploadt en dient niet in; een gemeente die niet meedoet ziet niets. Een token met
/// reikwijdte `lezen` leest en schrijft niet. Een commissielid met een band met een van de gemeenten kan niet
/// worden toegewezen.
#[tokio::test]
async fn samenwerkingsverband_leestoken_en_belangenconflict() {
    use vhf::toegang::{Reikwijdte, Rol};
    let app = sqlite().await;
    app.zet_klok("2021-05-10T10:00:00Z");
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    let heerlen = client_met(&gebruiker_met_token(&db, "heerlen", Rol::Aanvrager, Some("GM0917")).await);
    let kerkrade = client_met(&gebruiker_met_token(&db, "kerkrade", Rol::Aanvrager, Some("GM0928")).await);
    let mut v: Value = serde_json::from_str(include_str!("../../../examples/parkstad-limburg-samenwerkingsverband.json")).unwrap();
    v.as_object_mut().unwrap().remove("ingediend_op");
    let body = v.to_string();

    let r = kerkrade.post(app.url("/aanvragen")).body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "alleen de penvoerder maakt de aanvraag");
    let r = heerlen.post(app.url("/aanvragen")).body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();

    // De penvoerder wijzigt het deelplan van Kerkrade op de pagina (het formulier, met zijn token): het deelgebied
    // blijft in Kerkrade; de mede-aanvrager zelf mag het formulier niet opslaan.
    let formulier = "versie=1&naam=Kerkrade+West&pc4=6466%2C+6467&bijdrage_fysiek=1.000.000&m_id_0=M1&m_activiteit_0=renovatie\
                     &m_omschrijving_0=Renovatie&m_eb_0=10&m_pv_0=5&m_co_0=0&m_kosten_0=3.000.000&m_opbrengsten_0=500.000";
    let pagina = format!("{}/aanvragen/{id}/deelplannen/KER-W", app.basis);
    let r = kerkrade.post(&pagina).header("content-type", "application/x-www-form-urlencoded").body(formulier).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "een mede-aanvrager slaat geen stap op");
    let r = heerlen.post(&pagina).header("content-type", "application/x-www-form-urlencoded").body(formulier).send().await.unwrap();
    // reqwest volgt de 303 naar het dossier.
    let (status, adres) = (r.status(), r.url().to_string());
    assert!(status == StatusCode::OK && adres.contains("opgeslagen=1"), "{status} {adres}: {}", r.text().await.unwrap());
    let a: Value = heerlen.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    let kerw = a["inhoud"]["deelplannen"].as_array().unwrap().iter().find(|d| d["id"] == "KER-W").unwrap().clone();
    assert_eq!((kerw["naam"].as_str(), kerw["deelgebied"]["gemeente"].as_str()), (Some("Kerkrade West"), Some("GM0928")), "{kerw}");
    assert_eq!(kerw["maatregelen"][0]["kosten"], "3000000.00");
    assert_eq!(a["versie"], 2);
    let body = {
        let mut i = a["inhoud"].clone();
        i.as_object_mut().unwrap().remove("ingediend_op");
        i.to_string()
    };

    let r = kerkrade.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "de mede-aanvrager leest mee");
    let l: Value = kerkrade.get(app.url("/aanvragen")).send().await.unwrap().json().await.unwrap();
    assert_eq!(l["totaal"], 1);
    let l: Value = kerkrade.get(app.url("/aanvragen?ronde=vhf-2021")).send().await.unwrap().json().await.unwrap();
    assert_eq!((l["totaal"].as_i64(), l["data"].as_array().map(Vec::len)), (Some(1), Some(1)), "mede-aanvrager, per ronde: {l}");
    for r in [
        kerkrade.put(app.url(&format!("/aanvragen/{id}"))).header("If-Match", "\"1\"").body(body.clone()).send().await.unwrap(),
        kerkrade.post(app.url(&format!("/aanvragen/{id}/indiening"))).send().await.unwrap(),
        kerkrade.post(app.url(&format!("/aanvragen/{id}/documenten?soort=overig&naam=x.pdf"))).body("%PDF-1.7 x").send().await.unwrap(),
    ] {
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("penvoerder"));
    }
    assert_eq!(app.ander.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // Een leestoken van de penvoerder: lezen mag, indienen niet.
    let g = vhf::toegang::Gebruiker::nieuw("heerlen", "heerlen", Rol::Aanvrager, Some(vhf_core::codes::GemeenteCode::parse("GM0917").unwrap())).unwrap();
    let (token, hash) = vhf::server::beheer::nieuw_token();
    let mut tx = db.schrijf().await.unwrap();
    vhf::db::toegang::voeg_token_toe(&mut tx, &hash, &g, Reikwijdte::Lezen, "dashboard", 0, i64::MAX).await.unwrap();
    tx.commit().await.unwrap();
    let lezer = client_met(&token);
    assert_eq!(lezer.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().status(), StatusCode::OK);
    let r = lezer.post(app.url(&format!("/aanvragen/{id}/indiening"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("alleen lezen"));

    // De beheerder maakt via de API een token voor een koppeling van een gemeente, maar niet voor een beslisser
    // (anders kon hij zichzelf diens rechten geven).
    let nieuw = json!({"reikwijdte": "lezen", "omschrijving": "zaaksysteem Heerlen"});
    let r = app.beheer.post(app.url("/gebruikers/heerlen/tokens")).json(&nieuw).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let t = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    assert_eq!(client_met(&t).get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().status(), StatusCode::OK);
    let r = app.beheer.post(app.url("/gebruikers/bzk/tokens")).json(&nieuw).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Indienen door de penvoerder; daarna een toewijzing met een belangenconflict: geweigerd, niets vastgelegd.
    assert_eq!(heerlen.post(app.url(&format!("/aanvragen/{id}/indiening"))).send().await.unwrap().status(), StatusCode::CREATED);
    let b = json!({"beoordelingen": {
        "leden": [{"id": "L1", "naam": "Lid 1", "conflicten": [{"gemeente": "GM0928"}]}, {"id": "L2", "naam": "Lid 2"}],
        "toewijzingen": [{"aanvraag": "PARKSTAD-2021-01", "deelplan": "DP1", "leden": ["L1", "L2"]}],
        "scores": [],
    }});
    let r = app.rvo.post(app.url("/rondes/vhf-2021/beoordelingen")).json(&b).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let d = r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().to_string();
    assert!(d.contains("L1 kan deelplan DP1 van PARKSTAD-2021-01 niet beoordelen: band met gemeente GM0928"), "{d}");
    let mut c = db.pool.acquire().await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM beoordelingen").fetch_one(&mut *c).await.unwrap();
    assert_eq!(n, 0);
}

/// Bestanden van alle objecten onder een map (voor de S3-test: s3rver bewaart elk object als bestand).
fn bestanden_onder(map: &std::path::Path) -> Vec<std::path::PathBuf> {
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

/// Documenten in een S3-compatibele opslag (`[s3]` in de configuratie, sleutels uit de omgeving): de echte
/// server als proces tegen s3rver (het S3-protocol, uit npm). Een upload van 12 MB gaat in delen van 5 MiB
/// (het minimum van S3) naar de bucket, niet naar de datamap, en komt bit voor bit terug; een nep-PDF laat geen
/// object achter.
#[test]
fn documenten_in_s3() {
    let Some(map) = diensten("s3rver") else { return };
    let dir = std::env::temp_dir().join(uniek("vhf-s3"));
    let emmer = dir.join("s3");
    std::fs::create_dir_all(&emmer).unwrap();
    let s3_poort = vrije_poort();
    let s3_poort_tekst = s3_poort.to_string();
    let _s3 = start_dienst(&map, "s3.mjs", &[("PORT", s3_poort_tekst.as_ref()), ("MAP", emmer.as_os_str())]);

    let token = cli_token(&dir, "zaanstad", "aanvrager", Some("GM0479"));
    let config = dir.join("vhf.toml");
    std::fs::write(&config, format!("[s3]\nbucket = \"vhf-test\"\nendpoint = \"http://127.0.0.1:{s3_poort}\"\nhttp_toestaan = true\n")).unwrap();
    let (mut kind, poort) =
        serve_proces(&dir, &["--config", config.to_str().unwrap()], &[("AWS_ACCESS_KEY_ID", "S3RVER"), ("AWS_SECRET_ACCESS_KEY", "S3RVER")]);
    let basis = format!("http://127.0.0.1:{poort}/api/v1");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let uitkomst = rt.block_on(async {
        let c = client_met(&token);
        for _ in 0..100 {
            if c.get(format!("http://127.0.0.1:{poort}/readyz")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let v: Value = c.post(format!("{basis}/aanvragen")).body(concept()).send().await.unwrap().json().await.unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        let mut groot = b"%PDF-1.7\n".to_vec();
        groot.extend((0..12 * 1024 * 1024u32).map(|i| (i % 253) as u8));
        let r = c.post(format!("{basis}/aanvragen/{id}/documenten?soort=overig&naam=bijlage.pdf")).body(groot.clone()).send().await.unwrap();
        let status = r.status();
        let d: Value = r.json().await.unwrap();
        let terug = c.get(format!("{basis}/aanvragen/{id}/documenten/{}", d["id"].as_str().unwrap_or(""))).send().await.unwrap().bytes().await.unwrap();
        let objecten_na_upload = bestanden_onder(&emmer).len();
        let nep =
            c.post(format!("{basis}/aanvragen/{id}/documenten?soort=overig&naam=nep.pdf")).body(b"GIF89a nep".repeat(1000)).send().await.unwrap().status();
        (status, d, sha256_hex(&groot), sha256_hex(&terug), objecten_na_upload, nep)
    });
    let _ = kind.kill();
    let _ = kind.wait();
    let (status, d, verstuurd, ontvangen, objecten_na_upload, nep) = uitkomst;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!((d["sha256"].as_str(), ontvangen.as_str()), (Some(verstuurd.as_str()), verstuurd.as_str()));
    assert_eq!(nep, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(bestanden_onder(&emmer).iter().any(|p| p.to_string_lossy().contains(d["id"].as_str().unwrap())), "het document staat in de bucket");
    assert_eq!(bestanden_onder(&emmer).len(), objecten_na_upload, "de geweigerde upload liet niets achter in S3");
    assert!(bestanden_onder(&dir.join("documenten")).is_empty(), "niets in de datamap: alles ging naar S3");
}

// ---------------------------------------------------------------------------------------------------------------
// Toegang onder vijandig gebruik (issue 10): elk gevonden gat met een eigen test, op SQLite en PostgreSQL, en een
// systematische vijandige gebruiker over het hele register.

/// Het audittrail klopt nog (gevraagd als auditor, via de API).
async fn keten_klopt(app: &App) {
    let c: Value = app.auditor.get(app.url("/audit/controle")).send().await.unwrap().json().await.unwrap();
    assert_eq!(c["in_orde"], true, "{c}");
}

/// Hoeveel auditregels met deze actie er zijn.
async fn auditregels(app: &App, actie: &str) -> Vec<Value> {
    let v: Value = app.auditor.get(app.url("/audit?aantal=1000")).send().await.unwrap().json().await.unwrap();
    v["data"].as_array().unwrap().iter().filter(|r| r["actie"] == actie).cloned().collect()
}

/// Het concept van Zaanstad als aanvraag van Amsterdam (GM0363): zelfde kenmerk, zelfde deelplannen.
fn concept_van_amsterdam() -> Value {
    let mut v: Value = serde_json::from_str(&concept()).unwrap();
    v["aanvragers"] = json!(["GM0363"]);
    for dp in v["deelplannen"].as_array_mut().unwrap() {
        dp["deelgebied"]["gemeente"] = json!("GM0363");
    }
    v
}

async fn rollen_en_tokens(app: App) {
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    use vhf::toegang::Rol;
    let beheer2 = client_met(&gebruiker_met_token(&db, "beheer-2", Rol::Beheerder, None).await);
    // 1. Een beheerder maakt een gebruiker en een token voor een koppeling, en maakt die gebruiker daarna beslisser.
    let r =
        app.beheer.put(app.url("/gebruikers/koppeling")).json(&json!({"naam": "Koppeling", "rol": "aanvrager", "gemeente": "GM0479"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let t: Value = app
        .beheer
        .post(app.url("/gebruikers/koppeling/tokens"))
        .json(&json!({"reikwijdte": "schrijven", "omschrijving": "zaaksysteem"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let koppeling = client_met(t["token"].as_str().unwrap());
    let r = app.beheer.put(app.url("/gebruikers/koppeling")).json(&json!({"naam": "Koppeling", "rol": "beslisser"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED, "een rolwijziging is een verzoek");
    let verzoek: Value = r.json().await.unwrap();
    let vid = verzoek["verzoek"]["id"].as_str().unwrap().to_string();
    // Zolang niemand goedkeurde, is het token nog een aanvrager: geen verdeling.
    let r = koppeling.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Dezelfde beheerder keurt zijn eigen verzoek niet goed (en dat staat in het trail).
    let r = app.beheer.post(app.url(&format!("/rolverzoeken/{vid}/goedkeuring"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Een tweede beheerder wel; daarna is het oude token dood (het hoort bij de rol waarvoor het gemaakt was).
    let r = beheer2.post(app.url(&format!("/rolverzoeken/{vid}/goedkeuring"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = koppeling.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "een rolwijziging geeft een bestaand token nooit meer macht");
    // Ook als de rol buiten de API om verandert (broker, opdrachtregel): het token hoort bij zijn rol.
    let t2 = gebruiker_met_token(&db, "stil", Rol::Aanvrager, Some("GM0479")).await;
    {
        let mut c = db.pool.acquire().await.unwrap();
        sqlx::query("UPDATE gebruikers SET rol = 'beslisser', gemeente = NULL WHERE id = 'stil'").execute(&mut *c).await.unwrap();
    }
    assert_eq!(client_met(&t2).get(app.url("/ik")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // Een beheerder wijzigt zijn eigen rol niet, en schakelt zichzelf niet uit.
    let r = app.beheer.put(app.url("/gebruikers/beheer")).json(&json!({"naam": "Ik", "rol": "beslisser"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.beheer.post(app.url("/gebruikers/beheer/deactivering")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    // Een nieuwe beslisser maken is ook een verzoek; alleen een naam wijzigen gaat direct.
    assert_eq!(
        app.beheer.put(app.url("/gebruikers/nieuw-bzk")).json(&json!({"naam": "N", "rol": "beslisser"})).send().await.unwrap().status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(
        app.beheer.put(app.url("/gebruikers/beheer-2")).json(&json!({"naam": "Tweede beheerder", "rol": "beheerder"})).send().await.unwrap().status(),
        StatusCode::OK
    );
    let geweigerd = auditregels(&app, "gebruiker.rolwijziging_geweigerd").await;
    assert_eq!(geweigerd.len(), 2, "eigen goedkeuring en eigen rol: {geweigerd:?}");
    assert_eq!(auditregels(&app, "gebruiker.deactivering_geweigerd").await.len(), 1);
    assert_eq!(auditregels(&app, "gebruiker.rolwijziging_goedgekeurd").await.len(), 1);

    // 5. Tokens inzien en intrekken (beheerder en eigenaar), gebruikers uitschakelen.
    let lijst: Value = app.beheer.get(app.url("/gebruikers/zaanstad/tokens")).send().await.unwrap().json().await.unwrap();
    let eerste = lijst["data"][0].clone();
    assert_eq!((eerste["geldig"].as_bool(), eerste["rol"].as_str()), (Some(true), Some("aanvrager")));
    assert!(!lijst.to_string().contains("vhf_"), "nooit het token zelf: {lijst}");
    let extra: Value = app
        .beheer
        .post(app.url("/gebruikers/zaanstad/tokens"))
        .json(&json!({"reikwijdte": "lezen", "omschrijving": "dashboard"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let extra_client = client_met(extra["token"].as_str().unwrap());
    assert_eq!(extra_client.get(app.url("/aanvragen")).send().await.unwrap().status(), StatusCode::OK);
    let r = app.beheer.post(app.url(&format!("/gebruikers/zaanstad/tokens/{}/intrekking", extra["id"].as_str().unwrap()))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(extra_client.get(app.url("/aanvragen")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // De eigenaar ziet en trekt zijn eigen tokens in; dat van een ander is 404.
    let mijn: Value = app.ander.get(app.url("/ik/tokens")).send().await.unwrap().json().await.unwrap();
    assert_eq!(mijn["data"].as_array().unwrap().len(), 1);
    let r = app.ander.post(app.url(&format!("/ik/tokens/{}/intrekking", eerste["id"].as_str().unwrap()))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "een token van Zaanstad trekt Amsterdam niet in");
    let eigen = mijn["data"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(app.ander.post(app.url(&format!("/ik/tokens/{eigen}/intrekking"))).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.ander.get(app.url("/ik")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // Uitschakelen: token en sessie houden meteen op.
    let t3 = gebruiker_met_token(&db, "weg", Rol::Behandelaar, None).await;
    let r = app.beheer.post(app.url("/gebruikers/weg/deactivering")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["tokens_ingetrokken"], 1);
    assert_eq!(client_met(&t3).get(app.url("/ik")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.beheer.post(app.url("/gebruikers/weg/deactivering")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // Weer inschakelen is ook een verzoek (vier ogen).
    assert_eq!(
        app.beheer.put(app.url("/gebruikers/weg")).json(&json!({"naam": "weg", "rol": "behandelaar"})).send().await.unwrap().status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(auditregels(&app, "token.ingetrokken").await.len(), 2);
    assert_eq!(auditregels(&app, "gebruiker.gedeactiveerd").await.len(), 1);
    keten_klopt(&app).await;
}

#[tokio::test]
async fn rolwijziging_tokens_en_uitschakelen_op_sqlite() {
    rollen_en_tokens(sqlite().await).await;
}

#[tokio::test]
async fn rolwijziging_tokens_en_uitschakelen_op_postgresql() {
    if let Some(app) = postgres().await {
        rollen_en_tokens(app).await;
    }
}

async fn zicht_en_invoer(app: App) {
    app.zet_klok("2021-05-10T10:00:00Z");
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    let v: Value = app.http.post(app.url("/aanvragen")).body(concept()).send().await.unwrap().json().await.unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    // 2. Een toewijzing aan een leeg of onbekend lid wordt geweigerd; en ook als er toch een lege rij staat, past
    // het zichtfilter er niet op.
    let b = |lid: &str| json!({"beoordelingen": {"leden": [{"id": lid, "naam": "?"}], "toewijzingen": [{"aanvraag": "ZAANSTAD-2021-01", "deelplan": "DP1", "leden": [lid]}], "scores": []}});
    for lid in ["", "onbekend", "zaanstad"] {
        let r = app.rvo.post(app.url("/rondes/vhf-2021/beoordelingen")).json(&b(lid)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "lid '{lid}'");
    }
    {
        let mut c = db.pool.acquire().await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO toewijzingen (ronde, lid, aanvraag_id, deelplan) VALUES ('vhf-2021', '', '{id}', 'DP1')")))
            .execute(&mut *c)
            .await
            .unwrap();
        // Een aanvrager zonder gemeente (buiten de code om in de database gezet).
        sqlx::query("INSERT INTO gebruikers (id, naam, rol, gemeente, actief, aangemaakt_op) VALUES ('leeg', 'Leeg', 'aanvrager', NULL, 1, 0)")
            .execute(&mut *c)
            .await
            .unwrap();
    }
    let (token, hash) = vhf::server::beheer::nieuw_token();
    {
        let g = vhf::toegang::Gebruiker { id: "leeg".into(), naam: "Leeg".into(), rol: vhf::toegang::Rol::Aanvrager, gemeente: None };
        let mut tx = db.schrijf().await.unwrap();
        vhf::db::toegang::voeg_token_toe(&mut tx, &hash, &g, vhf::toegang::Reikwijdte::Lezen, "test", 0, i64::MAX).await.unwrap();
        tx.commit().await.unwrap();
    }
    let leeg = client_met(&token);
    let l: Value = leeg.get(app.url("/aanvragen")).send().await.unwrap().json().await.unwrap();
    assert_eq!(l["totaal"], 0, "{l}");
    assert_eq!(leeg.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let l: Value = app.ander.get(app.url("/aanvragen")).send().await.unwrap().json().await.unwrap();
    assert_eq!(l["totaal"], 0);

    // 4. Het kenmerk van een andere gemeente is vrij (uniek per gemeente): geen 409 dat iets verraadt.
    let amsterdam = concept_van_amsterdam();
    let r = app.ander.post(app.url("/aanvragen")).json(&amsterdam).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let r = app.http.post(app.url("/aanvragen")).body(concept()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT, "in de eigen gemeente blijft het kenmerk uniek");
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("Uw gemeente"));

    // 6. Het schema is wat de server afdwingt; een ander Content-Type dan JSON is 415.
    let mut v: Value = serde_json::from_str(&concept()).unwrap();
    for (veld, waarde) in [("kenmerk", json!("K".repeat(65))), ("kenmerk", json!("")), ("titel", json!(""))] {
        let mut x = v.clone();
        x[veld] = waarde;
        let r = app.http.post(app.url("/aanvragen")).json(&x).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{veld}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["invalid-params"][0]["name"], veld, "{p}");
    }
    v["kenmerk"] = json!("ZAANSTAD-2021-02");
    let r = app.http.post(app.url("/aanvragen")).header("content-type", "text/plain").body(v.to_string()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = app
        .http
        .post(app.url(&format!("/aanvragen/{id}/documenten?soort=plan_van_aanpak&deelplan=DP9&naam=plan.pdf")))
        .body(b"%PDF-1.7\n".repeat(4))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("geen deelplan 'DP9'"));

    // 7. Paginering slaat niet om.
    let r = app.rvo.get(app.url("/aanvragen?pagina=9223372036854775807")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let l: Value = app.rvo.get(app.url("/aanvragen?pagina=1000000000")).send().await.unwrap().json().await.unwrap();
    assert_eq!((l["data"].as_array().unwrap().len(), l["totaal"].as_i64()), (0, Some(2)));

    // 8. Elk antwoord heeft een X-Request-Id, ook wat niet uit een handler komt.
    for (m, pad) in [
        ("GET", "/api/v1/bestaat-niet".to_string()),
        ("DELETE", "/api/v1/aanvragen".into()),
        ("GET", "/api/v1/aanvragen/%FF".into()),
        ("GET", "/api/v1/aanvragen/%00".into()),
        ("GET", "/nergens".into()),
    ] {
        let r = app.rvo.request(m.parse().unwrap(), format!("{}{pad}", app.basis)).send().await.unwrap();
        assert!(r.status().is_client_error(), "{m} {pad}: {}", r.status());
        assert!(r.headers().contains_key("x-request-id"), "{m} {pad} ({}) zonder X-Request-Id", r.status());
        assert!(r.headers().contains_key("content-security-policy") && r.headers().contains_key("api-version"), "{m} {pad}: koppen");
    }

    // 9. Het ontvangstbewijs is door een derde na te rekenen: de bytes waarover de SHA-256 gaat.
    let r = app.http.post(app.url(&format!("/aanvragen/{id}/indiening"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let bewijs: Value = app.http.get(app.url(&format!("/aanvragen/{id}/ontvangstbewijs"))).send().await.unwrap().json().await.unwrap();
    let sha = bewijs["sha256"].as_str().unwrap();
    assert_eq!(sha256_hex(bewijs["inhoud_exact"].as_str().unwrap().as_bytes()), sha);
    let bytes = app.http.get(format!("{}{}", app.basis, bewijs["inhoud_url"].as_str().unwrap())).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(sha256_hex(&bytes), sha, "sha256sum over de opgehaalde bytes geeft het ontvangstbewijs");
    assert_eq!(app.ander.get(format!("{}{}", app.basis, bewijs["inhoud_url"].as_str().unwrap())).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    keten_klopt(&app).await;
}

#[tokio::test]
async fn zicht_kenmerk_schema_paginering_en_ontvangstbewijs_op_sqlite() {
    zicht_en_invoer(sqlite().await).await;
}

#[tokio::test]
async fn zicht_kenmerk_schema_paginering_en_ontvangstbewijs_op_postgresql() {
    if let Some(app) = postgres().await {
        zicht_en_invoer(app).await;
    }
}

/// Een vijandige gebruiker, systematisch: elke route van het register × elke rol × echte, vreemde, lege, te lange
/// en rare id's × (bij een wijziging) een kapotte JSON-body, een body van een ander soort en een te grote, met
/// overlopende paginaparameters. Geen antwoord mag een 5xx zijn; wie een aanvraag niet mag zien, krijgt in geen
/// enkel antwoord iets van haar inhoud te zien; het audittrail klopt daarna nog.
async fn vijandig(app: App) {
    let (id, doc, vid) = zaai_voor_matrix(&app).await;
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    use vhf::toegang::Rol;
    // Amsterdam heeft een eigen aanvraag: dat is het vreemde id voor Zaanstad.
    let mut amsterdam = concept_van_amsterdam();
    amsterdam["kenmerk"] = json!("AMSTERDAM-2021-01");
    amsterdam["titel"] = json!("Amsterdam Nieuw-West");
    let a: Value = app.ander.post(app.url("/aanvragen")).json(&amsterdam).send().await.unwrap().json().await.unwrap();
    let vreemd = a["id"].as_str().unwrap().to_string();
    let kolommen: Vec<(&str, reqwest::Client)> = vec![
        ("publiek", vhf::tls::bouwer().build().unwrap()),
        ("aanvrager eigen", app.http.clone()),
        ("aanvrager ander", app.ander.clone()),
        ("behandelaar", app.rvo.clone()),
        ("commissielid toegewezen", client_met(&gebruiker_met_token(&db, "L2", Rol::Commissielid, None).await)),
        ("commissielid niet toegewezen", client_met(&gebruiker_met_token(&db, "L3", Rol::Commissielid, None).await)),
        ("beslisser", app.bzk.clone()),
        ("auditor", app.auditor.clone()),
        ("beheerder", app.beheer.clone()),
        ("adviseur", client_met(&gebruiker_met_token(&db, "A9", Rol::Adviseur, None).await)),
    ];
    // Wat alleen wie de aanvraag van Zaanstad mag zien, ooit te zien krijgt (en wat alleen DP2 betreft).
    // (De aanvraag van Amsterdam is een kopie met dezelfde deelplannen en bedragen; de titel en het kenmerk zijn
    // van Zaanstad alleen.)
    let zaanstad = [id.as_str(), "Zaandam Oost: Poelenburg en Peldersveld", "ZAANSTAD-2021-01"];
    let dp2 = ["Plan van aanpak Peldersveld.pdf", "plan-dp2.pdf", "19500000.00", "93000000.00"];
    let lang = "x".repeat(5000);
    let ids = [id.as_str(), vreemd.as_str(), "", "%00", "..%2F..%2Fetc", lang.as_str(), "AV' OR '1'='1"];
    let routes = vhf::server::routes::alle();
    let mut fouten = Vec::new();
    let mut aantal = 0;
    for r in &routes {
        let paden: Vec<String> = if r.pad.contains('{') {
            ids.iter().map(|x| r.pad.replace("{id}", x).replace("{document}", if *x == id { &doc } else { x }).replace("{token}", x)).collect()
        } else {
            vec![r.pad.to_string()]
        };
        let paden: Vec<String> =
            paden.into_iter().map(|p| if r.pad.starts_with("/verdelingen") && p.contains(&id) { p.replace(&id, &vid) } else { p }).collect();
        for pad in paden {
            let basis = match r.basis {
                vhf::server::routes::Basis::Api => app.url(&pad),
                vhf::server::routes::Basis::Web => format!("{}{pad}", app.basis),
            };
            let url = format!(
                "{basis}?pagina=9223372036854775807&per_pagina=-1&vanaf=-9223372036854775808&aantal=99999999999999999999&ronde={}&soort=geen&naam=..%2F..%2Fx&open=ja",
                "r".repeat(3000)
            );
            for (naam, c) in &kolommen {
                let verzoeken: Vec<reqwest::RequestBuilder> = match r.methode {
                    "GET" => vec![c.get(&url), c.get(&basis)],
                    m => {
                        let m: reqwest::Method = m.parse().unwrap();
                        vec![
                            c.request(m.clone(), &basis).header("content-type", "application/json").header("If-Match", "\"-1\"").body("{\"kenmerk\": ["),
                            c.request(m.clone(), &url).header("content-type", "text/xml").body("<aanvraag/>"),
                            c.request(m.clone(), &basis).header("content-type", "application/json").body("{\"titel\": \"a\\u0000b\", \"naam\": \"\\u0000\"}"),
                            c.request(m.clone(), &basis)
                                .header("content-type", "application/json")
                                .header("Idempotency-Key", &lang)
                                .body(format!("{{\"x\": \"{}\"}}", "y".repeat(200_000))),
                        ]
                    }
                };
                for v in verzoeken {
                    aantal += 1;
                    let antwoord = v.send().await.unwrap();
                    let status = antwoord.status().as_u16();
                    let body = antwoord.text().await.unwrap_or_default();
                    if status >= 500 {
                        fouten.push(format!("{} {pad} als {naam}: {status} {}", r.methode, &body[..body.len().min(200)]));
                    }
                    let mag_niet_zien = matches!(*naam, "aanvrager ander" | "commissielid niet toegewezen" | "publiek" | "beheerder" | "adviseur");
                    if r.toegang != vhf::server::routes::Toegang::Openbaar && mag_niet_zien {
                        for g in zaanstad.iter().filter(|g| body.contains(**g)) {
                            fouten.push(format!("{} {pad} als {naam}: het antwoord ({status}) bevat '{g}' van Zaanstad", r.methode));
                        }
                    }
                    if *naam == "commissielid toegewezen" {
                        for g in dp2.iter().filter(|g| body.contains(**g)) {
                            fouten.push(format!("{} {pad} als {naam}: het antwoord ({status}) bevat '{g}' van DP2 of de totalen", r.methode));
                        }
                    }
                }
            }
        }
    }
    assert!(fouten.is_empty(), "{} van {aantal} verzoeken gingen mis:\n{}", fouten.len(), fouten.join("\n"));
    assert!(aantal > 3000, "maar {aantal} verzoeken");
    keten_klopt(&app).await;
    // En de aanvraag van Zaanstad is na dit alles nog wat ze was: ingediend, versie 2.
    let a: Value = app.http.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((a["status"].as_str(), a["versie"].as_i64()), (Some("ingediend"), Some(2)));
}

#[tokio::test]
async fn vijandige_gebruiker_op_sqlite() {
    vijandig(sqlite().await).await;
}

#[tokio::test]
async fn vijandige_gebruiker_op_postgresql() {
    if let Some(app) = postgres().await {
        vijandig(app).await;
    }
}

/// `vhf token lijst`, `vhf token intrekken` en `vhf gebruiker deactiveren` vanaf de opdrachtregel, elk in het
/// audittrail; `vhf audit verify` daarna in orde.
#[test]
fn tokens_intrekken_en_uitschakelen_vanaf_de_opdrachtregel() {
    let dir = std::env::temp_dir().join(uniek("vhf-cli-token"));
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.to_str().unwrap();
    let token = cli_token(&dir, "koppeling", "aanvrager", Some("GM0479"));
    assert!(token.starts_with("vhf_"));
    let vhf =
        |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_vhf")).args(args).args(["--data-dir", d]).env_remove("DATABASE_URL").output().unwrap();
    let o = vhf(&["token", "lijst", "koppeling"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lijst = String::from_utf8(o.stdout).unwrap();
    let id = lijst.lines().nth(1).unwrap().split_whitespace().next().unwrap().to_string();
    assert_eq!(id, sha256_hex(token.as_bytes())[..16], "{lijst}");
    assert!(!lijst.contains(&token));
    let o = vhf(&["token", "intrekken", "koppeling", &id]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = vhf(&["token", "intrekken", "koppeling", &id]);
    assert_eq!(o.status.code(), Some(2), "een tweede keer intrekken kan niet");
    assert!(String::from_utf8_lossy(&o.stderr).contains("geen geldig token"));
    // Nu met een tijd van intrekken naast de tijd van verlopen (twee tijden op de regel, eerst één).
    assert_eq!(lijst.lines().nth(1).unwrap().matches(':').count(), 1, "{lijst}");
    let na = String::from_utf8(vhf(&["token", "lijst", "koppeling"]).stdout).unwrap();
    assert_eq!(na.lines().nth(1).unwrap().matches(':').count(), 2, "{na}");
    let o = vhf(&["gebruiker", "deactiveren", "koppeling"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(vhf(&["gebruiker", "deactiveren", "koppeling"]).status.code(), Some(2));
    let o = vhf(&["audit", "verify"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Een formulier van een pagina versturen (met een token: geen sessie, dus geen CSRF nodig); volgt de 303.
async fn formulier(c: &reqwest::Client, url: String, velden: &[(&str, &str)]) -> (StatusCode, String) {
    let body: String = velden.iter().map(|(k, v)| format!("{k}={}", urlencoding(v))).collect::<Vec<_>>().join("&");
    let r = c.post(url).header("content-type", "application/x-www-form-urlencoded").body(body).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

fn urlencoding(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Een gevraagde aanvulling via de pagina's: de vraag van de behandelaar staat bij de gemeente in het dossier,
/// de gemeente werkt in stappen aan een werkversie (de behandelaar ziet intussen de ingediende inhoud), levert de
/// aanvulling met een antwoord en de aanvraag is weer ingediend met een genummerde aanvulling. Daarna stelt de
/// behandelaar het prioriteitsgebied vast (gecorrigeerd naar geen) en de werkvoorraad filtert erop, en de
/// verdeling rekent ermee.
async fn aanvulling_en_prioriteit(app: App) {
    app.zet_klok("2021-05-10T10:00:00Z");
    let v: Value = app.http.post(app.url("/aanvragen")).body(concept()).send().await.unwrap().json().await.unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    let r = app.http.post(app.url(&format!("/aanvragen/{id}/indiening"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let web = |p: &str| format!("{}{p}", app.basis);
    let versie = |v: &Value| v["versie"].as_i64().unwrap().to_string();

    // De werkvoorraad: beide deelplannen verklaren Zaandam Oost, nog niet vastgesteld.
    let wv = app.rvo.get(web("/behandeling?prioriteit=te_bevestigen")).send().await.unwrap().text().await.unwrap();
    assert!(wv.contains("ZAANSTAD-2021-01") && wv.contains("nog vast te stellen"), "{wv}");
    let wv = app.rvo.get(web("/behandeling?prioriteit=buiten")).send().await.unwrap().text().await.unwrap();
    assert!(!wv.contains("ZAANSTAD-2021-01"), "niet buiten een prioriteitsgebied");
    let wv = app.rvo.get(web("/behandeling?prioriteit=zaandam-oost")).send().await.unwrap().text().await.unwrap();
    assert!(wv.contains("ZAANSTAD-2021-01"));
    let met_fouten = app.rvo.get(web("/behandeling?bevinding=E15")).send().await.unwrap().text().await.unwrap().contains("ZAANSTAD-2021-01");
    let zonder_fouten = app.rvo.get(web("/behandeling?bevinding=zonder")).send().await.unwrap().text().await.unwrap().contains("ZAANSTAD-2021-01");
    assert!(met_fouten != zonder_fouten, "precies een van 'E15 faalde' en 'zonder fouten' (E15 faalde: {met_fouten})");

    // De behandelaar vraagt om een aanvulling.
    let a: Value = app.rvo.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    let (st, _) = formulier(
        &app.rvo,
        web(&format!("/aanvragen/{id}/status")),
        &[("naar", "aanvulling_gevraagd"), ("reden", "Geef de planning per deelplan in de titel aan."), ("versie", &versie(&a)), ("_sleutel", "vraag-1")],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let dossier = app.http.get(web(&format!("/aanvragen/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(dossier.contains("Vraag van de behandelaar") && dossier.contains("Geef de planning per deelplan in de titel aan."), "{dossier}");
    assert!(dossier.contains("Aanvulling leveren") && !dossier.contains("Aanvraag indienen"));

    // De gemeente wijzigt de titel in de stap "algemeen": een werkversie, de ingediende inhoud blijft.
    let voorbeeld: Value = serde_json::from_str(&concept()).unwrap();
    let a: Value = app.http.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    let p = &voorbeeld["planning"];
    let c = &voorbeeld["contactpersoon"];
    let velden = |kenmerk: &'static str, v: String| {
        vec![
            ("kenmerk", kenmerk.to_string()),
            ("titel", "Poelenburg en Peldersveld, planning per deelplan 2021-2031".to_string()),
            ("contact_naam", c["naam"].as_str().unwrap().to_string()),
            ("contact_email", c["email"].as_str().unwrap().to_string()),
            ("start", p["start"].as_str().unwrap().to_string()),
            ("einde", p["einde"].as_str().unwrap().to_string()),
            ("versie", v),
        ]
    };
    // Een ander kenmerk kan niet in een aanvulling: 422 bij het veld, niets bewaard.
    let f = velden("ANDER-KENMERK", versie(&a));
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (st, html) = formulier(&app.http, web(&format!("/aanvragen/{id}/algemeen")), &f).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("het kenmerk blijft"), "{html}");
    let f = velden("ZAANSTAD-2021-01", versie(&a));
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (st, html) = formulier(&app.http, web(&format!("/aanvragen/{id}/algemeen")), &f).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("planning per deelplan 2021-2031") && html.contains("U werkt aan de aanvulling sinds"), "de gemeente ziet haar werkversie");
    let bij_rvo = app.rvo.get(web(&format!("/aanvragen/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(!bij_rvo.contains("planning per deelplan 2021-2031"), "de behandelaar ziet de ingediende inhoud tot de aanvulling geleverd is");
    let api: Value = app.rvo.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(api["inhoud"]["titel"], voorbeeld["titel"]);
    assert_eq!(api["status"], "aanvulling_gevraagd");

    // Leveren zonder bevestiging: 422, niets gebeurt; met bevestiging: een genummerde aanvulling.
    let a: Value = app.http.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    let (st, html) = formulier(&app.http, web(&format!("/aanvragen/{id}/aanvulling")), &[("toelichting", "Titel aangepast"), ("versie", &versie(&a))]).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Vink aan dat u de aanvulling"));
    let leveren = [("toelichting", "Titel aangepast"), ("versie", &versie(&a)), ("bevestig_aanvulling", "ja"), ("_sleutel", "lever-1")];
    let (st, html) = formulier(&app.http, web(&format!("/aanvragen/{id}/aanvulling")), &leveren).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("De aanvulling is geleverd"), "{html}");
    // Nog eens (terugknop, dubbelklik): dezelfde sleutel, geen tweede aanvulling.
    let (st, _) = formulier(&app.http, web(&format!("/aanvragen/{id}/aanvulling")), &leveren).await;
    assert_eq!(st, StatusCode::OK);
    let lijst: Value = app.rvo.get(app.url(&format!("/aanvragen/{id}/aanvullingen"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(lijst["data"].as_array().unwrap().len(), 1, "{lijst}");
    let api: Value = app.rvo.get(app.url(&format!("/aanvragen/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(api["status"], "ingediend");
    assert_eq!(api["inhoud"]["titel"], "Poelenburg en Peldersveld, planning per deelplan 2021-2031");
    let o: Value = app.rvo.get(app.url(&format!("/aanvragen/{id}/statusovergangen"))).send().await.unwrap().json().await.unwrap();
    assert!(o.to_string().contains("aanvulling 1 geleverd: Titel aangepast"), "{o}");
    assert_eq!(auditregels(&app, "aanvraag.aanvulling_bewerkt").await.len(), 1);
    assert_eq!(auditregels(&app, "aanvraag.aangevuld").await.len(), 1);
    let bij_rvo = app.rvo.get(web(&format!("/aanvragen/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(bij_rvo.contains("planning per deelplan 2021-2031") && bij_rvo.contains("Aanvullingen"));

    // Het prioriteitsgebied: een gebied dat niet bij de gemeente hoort wordt geweigerd, zonder reden ook.
    let pad = format!("/aanvragen/{id}/deelplannen/DP1/prioriteitsvaststelling");
    let r = app.rvo.post(app.url(&pad)).json(&json!({"gebied": "zaandam-oost", "reden": " "})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (st, html) =
        formulier(&app.rvo, web(&format!("/aanvragen/{id}/prioriteit")), &[("deelplan", "DP1"), ("gebied", "rotterdam-zuid"), ("reden_prioriteit_DP1", "x")])
            .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("geen prioriteitsgebied van de lijst"), "{html}");
    // DP1 bevestigd via de pagina, DP2 gecorrigeerd naar geen via de API.
    let (st, html) = formulier(
        &app.rvo,
        web(&format!("/aanvragen/{id}/prioriteit")),
        &[("deelplan", "DP1"), ("gebied", "zaandam-oost"), ("reden_prioriteit_DP1", "PC4 1503 ligt in Zaandam Oost")],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("bevestigd: Zaandam Oost"), "{html}");
    let r = app
        .rvo
        .post(app.url("/aanvragen/{id}/deelplannen/DP2/prioriteitsvaststelling".replace("{id}", &id).as_str()))
        .json(&json!({"gebied": null, "reden": "PC4 1506 ligt buiten de grens van Zaandam Oost"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let r = app.http.post(app.url(&pad)).json(&json!({"gebied": null, "reden": "wij willen"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "de gemeente stelt haar eigen gebied niet vast");
    let wv = app.rvo.get(web("/behandeling?prioriteit=te_bevestigen")).send().await.unwrap().text().await.unwrap();
    assert!(!wv.contains("ZAANSTAD-2021-01"), "beide deelplannen vastgesteld");
    assert_eq!(auditregels(&app, "aanvraag.prioriteit_vastgesteld").await.len(), 2);
    let gemeente = app.http.get(web(&format!("/aanvragen/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(gemeente.contains("gecorrigeerd: geen prioriteitsgebied"), "de gemeente ziet de vaststelling");

    // De verdeling rekent met de vaststelling: DP2 zonder prioriteitsgebied.
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    let mut c = db.lees().await.unwrap();
    let rijen = vhf::db::verdeling::ingediend_met_status(&mut c, "vhf-2021").await.unwrap();
    let a: Value = serde_json::from_str(&rijen[0].2).unwrap();
    assert_eq!(a["deelplannen"][0]["deelgebied"]["prioriteitsgebied"], "zaandam-oost");
    assert!(a["deelplannen"][1]["deelgebied"].get("prioriteitsgebied").is_none(), "{}", a["deelplannen"][1]["deelgebied"]);
    keten_klopt(&app).await;
}

#[tokio::test]
async fn aanvulling_en_prioriteit_op_sqlite() {
    aanvulling_en_prioriteit(sqlite().await).await;
}

#[tokio::test]
async fn aanvulling_en_prioriteit_op_postgresql() {
    if let Some(app) = postgres().await {
        aanvulling_en_prioriteit(app).await;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Besluiten per gemeente (issue 11): opstellen voor een hele ronde, vier ogen, onveranderlijk na ondertekenen,
// correctie met verwijzing, zicht per gemeente, en de brief als PDF/A die pdftotext terugleest.

// ---------------------------------------------------------------------------------------------------------
// Publicatie en rekenbladen (issue 11): de toekenningen per deelplan als JSON, CSV en XLSX (met dezelfde getallen
// en typen terug te lezen), de tabel voor de Kamerbrief, de werkvoorraad als rekenblad, en een aanvraag uit het
// Excel-sjabloon via de API.

/// Een blad van een XLSX als rijen van cellen (calamine, zoals een ontvanger het leest).
fn blad(xlsx: &[u8], naam: &str) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).expect("een leesbare XLSX");
    let r = wb.worksheet_range(naam).unwrap_or_else(|e| panic!("blad {naam}: {e}"));
    r.rows().map(|rij| rij.to_vec()).collect()
}

/// De kolom met deze kop (regel 2 van een export; regel 1 is de titel).
fn kolom(rijen: &[Vec<calamine::Data>], kop: &str) -> usize {
    rijen[1].iter().position(|c| *c == calamine::Data::String(kop.into())).unwrap_or_else(|| panic!("kolom {kop} in {:?}", rijen[1]))
}

fn euro_in_cel(c: &calamine::Data) -> i64 {
    match c {
        calamine::Data::Float(f) => {
            let centen = (f * 100.0).round();
            assert!((f * 100.0 - centen).abs() < 1e-6, "{f} ligt niet op hele centen");
            centen as i64
        }
        ander => panic!("een bedrag hoort een getal te zijn, niet {ander:?}"),
    }
}

async fn publicatie_en_rekenbladen(app: App) {
    use calamine::Data;
    app.zet_klok("2021-07-01T10:00:00Z");
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    // Voor het besluit: de publicatie zegt dat er nog niets besloten is, en is leeg.
    let p: Value = reqwest::get(app.url("/rondes/vhf-2021/toekenningen")).await.unwrap().json().await.unwrap();
    assert_eq!((p["besloten"].as_bool(), p["deelplannen"].as_array().map(Vec::len)), (Some(false), Some(0)), "{p}");
    demoronde_tot(&app, &db, &["ontvankelijk", "in_beoordeling", "beoordeeld"]).await;
    let v: Value = app.bzk.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap().json().await.unwrap();
    let r = app.bzk.post(app.url(&format!("/verdelingen/{}/besluit", v["id"].as_str().unwrap()))).json(&json!({"reden": "publicatie"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let toegekend: Vec<&Value> = v["deelplannen"].as_array().unwrap().iter().filter(|d| d["toegekend_centen"].as_i64().unwrap() > 0).collect();
    let totaal: i64 = toegekend.iter().map(|d| d["toegekend_centen"].as_i64().unwrap()).sum();
    assert!(toegekend.len() > 10, "de demoronde kent een deel toe");

    // JSON (de API, zonder inloggen): elk toegekend deelplan, met deelgebied en woningen uit de verdeelde aanvraag.
    let p: Value = reqwest::get(app.url("/rondes/vhf-2021/toekenningen")).await.unwrap().json().await.unwrap();
    let dps = p["deelplannen"].as_array().unwrap();
    assert_eq!(dps.len(), toegekend.len());
    assert_eq!(p["totaal_centen"].as_i64(), Some(totaal));
    for d in &toegekend {
        let k = dps
            .iter()
            .find(|x| x["kenmerk"] == d["kenmerk"] && x["deelplan"] == d["deelplan"] && x["cbs_code"] == d["penvoerder"])
            .expect("deelplan in de publicatie");
        assert_eq!(k["bedrag_centen"], d["toegekend_centen"]);
        assert_eq!(k["deelgebied_cbs_code"], d["gemeente"]);
        assert!(!k["pc4"].as_array().unwrap().is_empty());
        let w = k["woningen"].as_object().expect("woningen per activiteit");
        let som: u64 = w.values().map(|e| ["eigenaar_bewoner", "particuliere_verhuur", "corporatie"].iter().map(|s| e[s].as_u64().unwrap()).sum::<u64>()).sum();
        assert_eq!(k["woningen_totaal"].as_u64(), Some(som));
    }
    // Dezelfde gemeenten en bedragen als de open data van het dashboard.
    let dash: Value = reqwest::get(format!("{}/openbaar/toekenningen.json?ronde=vhf-2021", app.basis)).await.unwrap().json().await.unwrap();
    assert_eq!(dash["data"], p["gemeenten"]);
    let openbaar: Value = reqwest::get(format!("{}/openbaar/deelplannen.json?ronde=vhf-2021", app.basis)).await.unwrap().json().await.unwrap();
    assert_eq!(openbaar["deelplannen"], p["deelplannen"]);
    let r = reqwest::get(app.url("/rondes/vhf-2021/toekenningen?formaat=pdf")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // XLSX: drie bladen; bedragen zijn getallen (hele centen), codes tekst, aantallen getallen.
    let r = reqwest::get(format!("{}/openbaar/toekenningen.xlsx?ronde=vhf-2021", app.basis)).await.unwrap();
    assert_eq!(r.headers()["content-type"], vhf::spreadsheet::XLSX);
    let xlsx = r.bytes().await.unwrap();
    let g = blad(&xlsx, "Gemeenten");
    let (kb, kc) = (kolom(&g, "Bedrag"), kolom(&g, "CBS-code"));
    let gemeenten = p["gemeenten"].as_array().unwrap();
    assert_eq!(g.iter().skip(2).filter(|r| matches!(r[kc], Data::String(_))).count(), gemeenten.len());
    for (rij, verwacht) in g.iter().skip(2).zip(gemeenten) {
        assert_eq!(rij[kc], Data::String(verwacht["cbs_code"].as_str().unwrap().into()));
        assert_eq!(euro_in_cel(&rij[kb]), vhf_core::geld::Bedrag::parse(verwacht["bedrag"].as_str().unwrap()).unwrap().in_centen());
        assert!(matches!(rij[kolom(&g, "Deelplannen toegekend")], Data::Float(f) if f >= 1.0 && f.fract() == 0.0));
    }
    let d = blad(&xlsx, "Deelplannen");
    let (kb, kw, kk, kd) = (kolom(&d, "Bedrag"), kolom(&d, "Woningen"), kolom(&d, "Kenmerk"), kolom(&d, "Deelplan"));
    for verwacht in dps {
        let rij = d
            .iter()
            .find(|r| {
                r[kk] == Data::String(verwacht["kenmerk"].as_str().unwrap().into()) && r[kd] == Data::String(verwacht["deelplan"].as_str().unwrap().into())
            })
            .expect("rij");
        assert_eq!(euro_in_cel(&rij[kb]), verwacht["bedrag_centen"].as_i64().unwrap());
        assert_eq!(rij[kw], Data::Float(verwacht["woningen_totaal"].as_u64().unwrap() as f64));
    }
    let k = blad(&xlsx, "Kamerbrief");
    let totaalrij = k.iter().find(|r| r[0] == Data::String("Totaal".into())).expect("een totaalregel");
    assert_eq!(euro_in_cel(&totaalrij[kolom(&k, "Bedrag")]), totaal);
    assert!(k.iter().any(|r| r.iter().any(|c| matches!(c, Data::String(s) if s.contains("Kadaster / CBS")))), "bronvermelding onder de tabel");

    // CSV: een regel per deelplan, bedragen met een punt.
    let csv = reqwest::get(format!("{}/openbaar/deelplannen.csv?ronde=vhf-2021", app.basis)).await.unwrap().text().await.unwrap();
    let mut lezer = csv::Reader::from_reader(csv.as_bytes());
    let koppen = lezer.headers().unwrap().clone();
    let kb = koppen.iter().position(|k| k == "Bedrag").unwrap();
    assert!(koppen.iter().any(|k| k == "renovatie: eigenaar-bewoners"), "{koppen:?}");
    let regels: Vec<csv::StringRecord> = lezer.records().map(Result::unwrap).collect();
    assert_eq!(regels.len(), dps.len());
    let som: i64 = regels.iter().map(|r| vhf_core::geld::Bedrag::parse(&r[kb]).unwrap().in_centen()).sum();
    assert_eq!(som, totaal);

    // De tabel voor de Kamerbrief als pagina: het totaal in euro's, zonder inloggen.
    let html = reqwest::get(format!("{}/openbaar/kamerbrief?ronde=vhf-2021", app.basis)).await.unwrap().text().await.unwrap();
    assert!(html.contains("<tfoot>") && html.contains(&vhf_core::geld::Bedrag::centen(totaal).to_string()), "{html}");

    // De rangorde van de verdeling als rekenblad: elk deelplan, toegekend in centen zoals het resultaat.
    let r = app.bzk.get(format!("{}/verdeling/{}/rangorde.xlsx", app.basis, v["id"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let rg = blad(&r.bytes().await.unwrap(), "Rangorde");
    let (kk, kd, kt) = (kolom(&rg, "Kenmerk"), kolom(&rg, "Deelplan"), kolom(&rg, "Toegekend"));
    for d in v["deelplannen"].as_array().unwrap() {
        let rij = rg
            .iter()
            .find(|r| r[kk] == Data::String(d["kenmerk"].as_str().unwrap().into()) && r[kd] == Data::String(d["deelplan"].as_str().unwrap().into()))
            .expect("rij");
        assert_eq!(euro_in_cel(&rij[kt]), d["toegekend_centen"].as_i64().unwrap());
    }
    assert!(matches!(rg[2][kolom(&rg, "Rang")], Data::Float(f) if f == 1.0), "{:?}", rg[2]);

    // De werkvoorraad als rekenblad: dezelfde aanvragen als de lijst, gevraagde bedragen als getal.
    let lijst: Value = app.rvo.get(app.url("/aanvragen?ronde=vhf-2021&per_pagina=500")).send().await.unwrap().json().await.unwrap();
    let r = app.rvo.get(format!("{}/behandeling/werkvoorraad.xlsx?ronde=vhf-2021", app.basis)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let w = blad(&r.bytes().await.unwrap(), "Werkvoorraad");
    let (ki, kg) = (kolom(&w, "Id"), kolom(&w, "Gevraagd"));
    let ids: std::collections::BTreeSet<String> = w
        .iter()
        .skip(2)
        .filter_map(|r| match &r[ki] {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let verwacht: std::collections::BTreeSet<String> = lijst["data"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, verwacht);
    for r in w.iter().skip(2).filter(|r| matches!(r[ki], Data::String(_))) {
        assert!(matches!(r[kg], Data::Float(_)), "{r:?}");
        assert!(euro_in_cel(&r[kg]) > 0, "{r:?}");
    }
    let csv = app.rvo.get(format!("{}/behandeling/werkvoorraad.csv?ronde=vhf-2021&status=toegekend", app.basis)).send().await.unwrap().text().await.unwrap();
    assert!(csv.lines().skip(1).all(|l| l.contains(",toegekend,")), "{csv}");
    // Een gemeente krijgt de werkvoorraad niet.
    assert_eq!(app.http.get(format!("{}/behandeling/werkvoorraad.xlsx", app.basis)).send().await.unwrap().status(), StatusCode::FORBIDDEN);

    // Een aanvraag uit het Excel-sjabloon via de API: dezelfde aanvraag als het JSON-bestand.
    let mut a =
        vhf_core::invoer::lees_aanvraag(&std::fs::read_to_string(gemeenschappelijk_repo().join("examples/zaanstad-poelenburg-peldersveld.json")).unwrap())
            .unwrap();
    a.ingediend_op = None;
    a.kenmerk = "ZAANSTAD-XLSX-1".into();
    let sjabloon = vhf::spreadsheet::aanvraag::sjabloon(Some(&a)).unwrap();
    let r = app
        .http
        .post(app.url("/aanvragen/import"))
        .header("Content-Type", vhf::spreadsheet::XLSX)
        .header("Idempotency-Key", "xlsx-1")
        .body(sjabloon.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let gemaakt: Value = r.json().await.unwrap();
    assert_eq!(gemaakt["inhoud"], serde_json::to_value(&a).unwrap());
    // Opnieuw met dezelfde sleutel: hetzelfde antwoord, geen tweede aanvraag.
    let r = app
        .http
        .post(app.url("/aanvragen/import"))
        .header("Content-Type", vhf::spreadsheet::XLSX)
        .header("Idempotency-Key", "xlsx-1")
        .body(sjabloon)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["id"], gemaakt["id"]);
    // Een fout blad: 422, per fout het blad en de cel.
    let mut wb = vhf::spreadsheet::aanvraag::werkmap(Some(&a)).unwrap();
    wb.worksheet_from_name("Maatregelen").unwrap().write_string(2, 9, "veel").unwrap();
    let r = app.http.post(app.url("/aanvragen/import")).header("Content-Type", vhf::spreadsheet::XLSX).body(wb.save_to_buffer().unwrap()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let f: Value = r.json().await.unwrap();
    let veld = &f["invalid-params"][0];
    assert_eq!(
        (veld["sheet"].as_str(), veld["cell"].as_str(), veld["name"].as_str()),
        (Some("Maatregelen"), Some("J3"), Some("deelplannen[0].maatregelen[1].kosten")),
        "{f}"
    );
    // Op de pagina Nieuwe aanvraag: het blad uploaden (multipart); een fout blad toont blad en cel, een goed blad
    // wordt een concept.
    let mut wb = vhf::spreadsheet::aanvraag::werkmap(Some(&a)).unwrap();
    wb.worksheet_from_name("Maatregelen").unwrap().write_string(2, 9, "veel").unwrap();
    let upload = |bestand: Vec<u8>, sleutel: &str| {
        let grens = "----vhfgrens";
        let mut body = format!("--{grens}\r\nContent-Disposition: form-data; name=\"_sleutel\"\r\n\r\n{sleutel}\r\n--{grens}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"aanvraag.xlsx\"\r\nContent-Type: {}\r\n\r\n", vhf::spreadsheet::XLSX).into_bytes();
        body.extend(bestand);
        body.extend(format!("\r\n--{grens}--\r\n").into_bytes());
        app.http.post(format!("{}/aanvragen/importeren", app.basis)).header("Content-Type", format!("multipart/form-data; boundary={grens}")).body(body)
    };
    let r = upload(wb.save_to_buffer().unwrap(), "pagina-1").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Blad Maatregelen, cel J3:") && html.contains("niets is opgeslagen"), "{html}");
    a.kenmerk = "ZAANSTAD-XLSX-2".into();
    let r = upload(vhf::spreadsheet::aanvraag::sjabloon(Some(&a)).unwrap(), "pagina-2").send().await.unwrap();
    assert!(r.status().is_success() || r.status().is_redirection(), "{}", r.status());
    let lijst: Value = app.http.get(app.url("/aanvragen?per_pagina=500")).send().await.unwrap().json().await.unwrap();
    assert!(lijst["data"].as_array().unwrap().iter().any(|x| x["kenmerk"] == "ZAANSTAD-XLSX-2"), "{lijst}");

    // Geen XLSX: 415.
    let r = app.http.post(app.url("/aanvragen/import")).header("Content-Type", vhf::spreadsheet::XLSX).body("kenmerk;titel").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = app.http.post(app.url("/aanvragen/import")).body(serde_json::to_string(&a).unwrap()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn publicatie_en_rekenbladen_op_sqlite() {
    publicatie_en_rekenbladen(sqlite().await).await;
}

#[tokio::test]
async fn publicatie_en_rekenbladen_op_postgresql() {
    if let Some(app) = postgres().await {
        publicatie_en_rekenbladen(app).await;
    }
}

/// `pdftotext` (poppler-utils), of `None` met een melding; in CI is een ontbrekende pdftotext een fout.
fn pdftotext() -> Option<std::path::PathBuf> {
    let p = std::path::PathBuf::from("/usr/bin/pdftotext");
    if p.exists() {
        return Some(p);
    }
    assert!(std::env::var_os("CI").is_none(), "CI moet pdftotext hebben (.ci/run installeert poppler-utils)");
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "OVERGESLAGEN: pdftotext ontbreekt (apt-get install poppler-utils); de brieven worden niet teruggelezen");
    None
}

/// De tekst van een PDF, met alle witruimte tot één spatie samengevouwen.
fn tekst_van_pdf(pdftotext: &std::path::Path, pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(uniek("vhf-brief"));
    std::fs::create_dir_all(&dir).unwrap();
    let bestand = dir.join("brief.pdf");
    std::fs::write(&bestand, pdf).unwrap();
    let o = std::process::Command::new(pdftotext).args(["-enc", "UTF-8"]).arg(&bestand).arg("-").output().unwrap();
    assert!(o.status.success(), "pdftotext: {}", String::from_utf8_lossy(&o.stderr));
    samengevouwen(&String::from_utf8(o.stdout).unwrap())
}

fn samengevouwen(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Een bedrag zoals de brief het schrijft: "21200000.00" → "€ 21.200.000,00".
fn euro(s: &str) -> String {
    vhf_core::geld::Bedrag::parse(s).unwrap().to_string()
}

/// PDF/A-2a volgens de ruwe bytes: XMP met pdfaid:part 2 en conformance A, een output intent met ICC-profiel,
/// ingebedde lettertypen, een tagboom en de taal.
fn is_pdfa(pdf: &[u8]) -> Result<(), String> {
    let t = String::from_utf8_lossy(pdf);
    let xmp = t.find("<x:xmpmeta").map(|i| &t[i..]).ok_or("geen XMP-metadata")?;
    let part = xmp.contains("<pdfaid:part>2</pdfaid:part>") || xmp.contains("pdfaid:part=\"2\"");
    let conf = xmp.contains("<pdfaid:conformance>A</pdfaid:conformance>") || xmp.contains("pdfaid:conformance=\"A\"");
    if !(part && conf) {
        return Err(format!("XMP zonder pdfaid:part 2 / conformance A: {}", &xmp[..xmp.len().min(2000)]));
    }
    for nodig in ["/OutputIntents", "/GTS_PDFA1", "/DestOutputProfile", "/FontFile2", "/StructTreeRoot", "/MarkInfo", "/Lang"] {
        if !t.contains(nodig) {
            return Err(format!("{nodig} ontbreekt"));
        }
    }
    Ok(())
}

async fn besluiten_van_een_ronde(app: App) {
    use vhf::toegang::Rol;
    app.zet_klok("2021-07-01T10:00:00Z");
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    // Een gegenereerde ronde zoals 2021 (48 aanvragen, 75 deelplannen, scores van de commissie), door de
    // behandelaar beoordeeld en door de beslisser verdeeld en besloten.
    assert_eq!(vhf::server::demo::zaai(&db, &object_store::memory::InMemory::new()).await.unwrap(), 48);
    let l: Value = app.rvo.get(app.url("/aanvragen?ronde=vhf-2021&per_pagina=500")).send().await.unwrap().json().await.unwrap();
    for a in l["data"].as_array().unwrap() {
        let id = a["id"].as_str().unwrap();
        for (i, naar) in ["ontvankelijk", "in_beoordeling", "beoordeeld"].into_iter().enumerate() {
            let r = app
                .rvo
                .post(app.url(&format!("/aanvragen/{id}/statusovergangen")))
                .header("If-Match", format!("\"{}\"", a["versie"].as_i64().unwrap() + i as i64))
                .json(&json!({"naar": naar, "reden": "besluitentest"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{id} naar {naar}: {}", r.text().await.unwrap());
        }
    }
    // Vóór het besluit over de verdeling zijn er geen besluiten op te stellen.
    let r = app.bzk.post(app.url("/rondes/vhf-2021/besluiten")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let v: Value = app.bzk.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap().json().await.unwrap();
    let vid = v["id"].as_str().unwrap().to_string();
    let r = app.bzk.post(app.url(&format!("/verdelingen/{vid}/besluit"))).json(&json!({"reden": "verdeling 2021"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    // Alle gemeenten in één keer: één besluit per penvoerder, als concept.
    let r = app.bzk.post(app.url("/rondes/vhf-2021/besluiten")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let o: Value = r.json().await.unwrap();
    let opgesteld = o["opgesteld"].as_array().unwrap().clone();
    let gemeenten: std::collections::BTreeSet<&str> = v["deelplannen"].as_array().unwrap().iter().map(|d| d["penvoerder"].as_str().unwrap()).collect();
    assert_eq!(opgesteld.len(), gemeenten.len());
    for soort in ["toekenning", "afwijzing"] {
        assert!(opgesteld.iter().any(|b| b["besluittype"] == soort), "geen {soort} in {o}");
    }
    // Nog eens: elke gemeente heeft er al een.
    let o2: Value = app.bzk.post(app.url("/rondes/vhf-2021/besluiten")).json(&json!({})).send().await.unwrap().json().await.unwrap();
    assert_eq!(o2["opgesteld"].as_array().unwrap().len(), 0);
    assert_eq!(o2["overgeslagen"].as_array().unwrap().len(), gemeenten.len());

    let toekenning = opgesteld.iter().find(|b| b["besluittype"] == "toekenning").unwrap();
    let bid = toekenning["id"].as_str().unwrap().to_string();
    let gemeente = toekenning["gemeente"].as_str().unwrap().to_string();
    let eigen = client_met(&gebruiker_met_token(&db, "besluit-gemeente", Rol::Aanvrager, Some(&gemeente)).await);
    let ander_code = if gemeente == "GM0363" { "GM0479" } else { "GM0363" };
    let ander = client_met(&gebruiker_met_token(&db, "besluit-ander", Rol::Aanvrager, Some(ander_code)).await);
    // Een concept is voor de gemeente nog niet te zien.
    assert_eq!(eigen.get(app.url(&format!("/besluiten/{bid}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // Vier ogen: de opsteller ondertekent niet zelf (403, Nederlands, in het audittrail); een ander wel.
    let r = app.bzk.post(app.url(&format!("/besluiten/{bid}/ondertekening"))).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().contains("een andere beslisser"), "{p}");
    let geweigerd = auditregels(&app, "besluit.ondertekening_geweigerd").await;
    assert_eq!(geweigerd.len(), 1);
    assert_eq!(geweigerd[0]["actor"], "bzk");
    // Ook niet via een herhaling met een sleutel, en ook niet rechtstreeks in de opslag.
    let r = app.bzk.post(app.url(&format!("/besluiten/{bid}/ondertekening"))).header("Idempotency-Key", "x1").json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    {
        let mut tx = db.schrijf().await.unwrap();
        assert!(!vhf::db::besluiten::onderteken(&mut tx, &bid, "bzk", 0, "2021-07-01", "2021-08-12", "{}", "").await.unwrap());
        tx.commit().await.unwrap();
    }
    let b: Value = app.bzk.get(app.url(&format!("/besluiten/{bid}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(b["status"], "concept");
    let bzk2 = client_met(&gebruiker_met_token(&db, "bzk-2", Rol::Beslisser, None).await);
    let r = bzk2.post(app.url(&format!("/besluiten/{bid}/ondertekening"))).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let b: Value = r.json().await.unwrap();
    assert_eq!((b["status"].as_str(), b["ondertekend_door"].as_str(), b["opgesteld_door"].as_str()), (Some("ondertekend"), Some("bzk-2"), Some("bzk")));
    assert_eq!(
        (b["datum"].as_str(), b["verzenddatum"].as_str(), b["bezwaartermijn"]["tot_en_met"].as_str()),
        (Some("2021-07-01"), Some("2021-07-01"), Some("2021-08-12"))
    );
    let sha = b["informatieobjecten"][0]["sha256"].as_str().unwrap().to_string();

    // Ondertekend is onveranderlijk: nog eens ondertekenen is 409, en de brief blijft bit voor bit dezelfde.
    for c in [&app.bzk, &bzk2] {
        assert_eq!(c.post(app.url(&format!("/besluiten/{bid}/ondertekening"))).json(&json!({})).send().await.unwrap().status(), StatusCode::CONFLICT);
    }
    app.zet_klok("2021-07-20T10:00:00Z");
    let pdf = eigen.get(app.url(&format!("/besluiten/{bid}/brief"))).send().await.unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf.bytes().await.unwrap();
    assert_eq!(sha256_hex(&pdf), sha, "de brief van een ondertekend besluit verandert niet");
    is_pdfa(&pdf).unwrap();
    // Zicht: de gemeente zelf leest het besluit, een andere gemeente krijgt 404 (ook voor de brief en in de lijst).
    assert_eq!(eigen.get(app.url(&format!("/besluiten/{bid}"))).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(ander.get(app.url(&format!("/besluiten/{bid}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(ander.get(app.url(&format!("/besluiten/{bid}/brief"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let lijst: Value = ander.get(app.url("/rondes/vhf-2021/besluiten")).send().await.unwrap().json().await.unwrap();
    assert!(!lijst.to_string().contains(&bid));
    let lijst: Value = eigen.get(app.url("/rondes/vhf-2021/besluiten")).send().await.unwrap().json().await.unwrap();
    assert_eq!(lijst["totaal"], 1, "alleen het ondertekende besluit van de eigen gemeente: {lijst}");
    for c in [&app.rvo, &app.auditor] {
        assert_eq!(c.get(app.url(&format!("/besluiten/{bid}/brief"))).send().await.unwrap().status(), StatusCode::OK);
    }

    // Correctie: een nieuw concept dat naar het oude verwijst; het oude blijft zoals het was.
    let dp = &b["deelplannen"][0];
    let lager = vhf_core::geld::Bedrag::parse(dp["toegekend"].as_str().unwrap()).unwrap().minus(vhf_core::geld::Bedrag::euro(1000)).unwrap();
    let wijziging = json!({"reden": "rekenfout in de projectkosten", "deelplannen": [{"kenmerk": dp["kenmerk"], "deelplan": dp["deelplan"], "toegekend": serde_json::to_value(lager).unwrap(), "uitleg": "projectkosten 1000 euro te hoog"}]});
    let r = app.bzk.post(app.url(&format!("/besluiten/{bid}/correctie"))).json(&json!({"reden": ""})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = bzk2.post(app.url(&format!("/besluiten/{bid}/correctie"))).json(&wijziging).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let c: Value = r.json().await.unwrap();
    let cid = c["id"].as_str().unwrap().to_string();
    assert_eq!(
        (c["vervangt"].as_str(), c["status"].as_str(), c["besluittype"].as_str()),
        (Some(bid.as_str()), Some("concept"), Some("gedeeltelijke_toekenning"))
    );
    assert!(c["identificatie"].as_str().unwrap().ends_with("-2"), "{c}");
    let oud: Value = app.bzk.get(app.url(&format!("/besluiten/{bid}"))).send().await.unwrap().json().await.unwrap();
    // Tot de correctie ondertekend is, geldt het oude besluit: het is nog niet vervangen, er ligt een correctie klaar.
    assert_eq!(
        (oud["vervangen_door"].as_str(), oud["correctie_in_voorbereiding"].as_str(), oud["status"].as_str()),
        (None, Some(cid.as_str()), Some("ondertekend"))
    );
    assert_eq!(oud["informatieobjecten"][0]["sha256"], sha.as_str());
    assert_eq!(oud["totaal"], b["totaal"]);
    assert_eq!(app.bzk.post(app.url(&format!("/besluiten/{bid}/correctie"))).json(&wijziging).send().await.unwrap().status(), StatusCode::CONFLICT);
    // Ook een correctie langs vier ogen: bzk-2 stelde haar op, bzk ondertekent.
    assert_eq!(bzk2.post(app.url(&format!("/besluiten/{cid}/ondertekening"))).json(&json!({})).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(app.bzk.post(app.url(&format!("/besluiten/{cid}/ondertekening"))).json(&json!({})).send().await.unwrap().status(), StatusCode::OK);
    let oud: Value = app.bzk.get(app.url(&format!("/besluiten/{bid}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((oud["vervangen_door"].as_str(), oud["correctie_in_voorbereiding"].as_str()), (Some(cid.as_str()), None), "ondertekend: nu vervangen");

    // Alle andere besluiten ondertekenen (door bzk-2) en elke brief teruglezen.
    for x in &opgesteld {
        let id = x["id"].as_str().unwrap();
        if id != bid {
            assert_eq!(bzk2.post(app.url(&format!("/besluiten/{id}/ondertekening"))).json(&json!({})).send().await.unwrap().status(), StatusCode::OK);
        }
    }
    let alle: Value = app.auditor.get(app.url("/rondes/vhf-2021/besluiten")).send().await.unwrap().json().await.unwrap();
    let alle = alle["data"].as_array().unwrap().clone();
    assert_eq!(alle.len(), gemeenten.len() + 1);
    if let Some(pdftotext) = pdftotext() {
        let mut redenen = 0;
        for x in &alle {
            let id = x["id"].as_str().unwrap();
            let pdf = app.rvo.get(app.url(&format!("/besluiten/{id}/brief"))).send().await.unwrap().bytes().await.unwrap();
            is_pdfa(&pdf).unwrap_or_else(|e| panic!("{id}: {e}"));
            let t = tekst_van_pdf(&pdftotext, &pdf);
            assert!(t.contains("Stcrt. 2021, 12579"), "{id}: geen grondslag in {t}");
            assert!(t.contains("Regeling specifieke uitkering herstructurering volkshuisvesting"), "{id}");
            assert!(t.contains("zes weken") && t.contains("Algemene wet bestuursrecht"), "{id}: geen bezwaarclausule");
            assert!(t.contains("Totaal uitkering") && t.contains(&euro(x["totaal"].as_str().unwrap())), "{id}: totaal {} ontbreekt in {t}", x["totaal"]);
            for d in x["deelplannen"].as_array().unwrap() {
                let naam = format!("{} – {}", d["kenmerk"].as_str().unwrap(), d["deelplan"].as_str().unwrap());
                assert!(t.contains(&naam), "{id}: deelplan {naam} ontbreekt in {t}");
                for k in ["gevraagd", "toegekend"] {
                    assert!(t.contains(&euro(d[k].as_str().unwrap())), "{id}: {k} {} van {naam} ontbreekt", d[k]);
                }
                // Elke reden (toetsing, advies, rang en restant van het plafond) staat er in zijn geheel (zonder witruimte
                // en afbreekstreepjes vergeleken: pdftotext plakt "grens-" aan het eind van een regel aan "of").
                // De voetregel van een pagina ("VHF-2021-GM0479-1 — pagina 1 van 2") kan midden in een reden vallen.
                let kaal = |s: &str| {
                    let mut s = s.to_string();
                    for (n, m) in (1..=9).flat_map(|m| (1..=m).map(move |n| (n, m))) {
                        s = s.replace(&format!("{} — pagina {n} van {m}", x["identificatie"].as_str().unwrap()), "");
                    }
                    s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>()
                };
                assert!(kaal(&t).contains(&kaal(d["uitleg"].as_str().unwrap())), "{id}: reden van {naam} ontbreekt: {}\n{t}", d["uitleg"]);
            }
            if x["besluittype"] == "afwijzing" {
                assert!(t.contains("Ik wijs uw aanvraag af"), "{id}");
                assert!(!t.contains("SiSa"), "{id}: een afwijzing heeft geen verplichtingen bij de uitkering");
                redenen += 1;
            } else {
                assert!(t.contains("SiSa") && t.contains("teruggevorderd") && t.contains("instemming"), "{id}: verplichtingen ontbreken");
                // Hoe er betaald wordt, komt uit de parameter betaalschema van de ronde (2021: in één keer).
                let kaal = |s: &str| s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>();
                assert!(
                    kaal(&t).contains(&kaal("betaald volgens het betaalschema van de ronde: in één keer na het besluit.")),
                    "{id}: betaling ontbreekt in {t}"
                );
            }
        }
        assert!(redenen > 0);
    }

    // Bezwaar tegen het ondertekende besluit (verzonden 1 juli, bezwaartermijn tot en met 12 augustus 2021).
    let nieuw_bezwaar = |ontvangen: &str| json!({"ontvangen_op": ontvangen, "gronden": "de score voor haalbaarheid is te laag"});
    assert_eq!(
        app.rvo.post(app.url("/besluiten/BSonbekend/bezwaren")).json(&nieuw_bezwaar("2021-07-15")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let r = app.rvo.post(app.url(&format!("/besluiten/{bid}/bezwaren"))).json(&json!({"ontvangen_op": "2021-07-15", "gronden": " "})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.rvo.post(app.url(&format!("/besluiten/{bid}/bezwaren"))).json(&nieuw_bezwaar("2021-07-15")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let z: Value = r.json().await.unwrap();
    let zid = z["id"].as_str().unwrap().to_string();
    assert_eq!(
        (z["tijdig"].as_bool(), z["beslissen_uiterlijk"].as_str(), z["termijn_verstreken"].as_bool()),
        (Some(true), Some("2021-09-23"), Some(false)),
        "{z}"
    );
    // Een ontvangstdatum in de toekomst kan niet.
    let r = app.rvo.post(app.url(&format!("/besluiten/{bid}/bezwaren"))).json(&nieuw_bezwaar("2021-08-20")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Na 23 september is het open bezwaar over zijn beslistermijn; een bezwaar van 20 augustus is te laat.
    app.zet_klok("2021-09-30T10:00:00Z");
    let l: Value = app.bzk.get(app.url("/bezwaren?ronde=vhf-2021&termijn_verstreken=true")).send().await.unwrap().json().await.unwrap();
    assert_eq!((l["totaal"].as_u64(), l["data"][0]["id"].as_str()), (Some(1), Some(zid.as_str())), "{l}");
    let laat: Value =
        app.rvo.post(app.url(&format!("/besluiten/{bid}/bezwaren"))).json(&nieuw_bezwaar("2021-08-20")).send().await.unwrap().json().await.unwrap();
    assert_eq!(laat["te_laat"], true, "{laat}");
    // De gemeente ziet haar eigen bezwaren, een andere gemeente niet.
    let l: Value = eigen.get(app.url("/bezwaren")).send().await.unwrap().json().await.unwrap();
    assert_eq!(l["totaal"], 2);
    let l: Value = ander.get(app.url("/bezwaren")).send().await.unwrap().json().await.unwrap();
    assert_eq!(l["totaal"], 0);
    // Afhandelen: gegrond, met de correctie die het besluit vervangt (een ander besluit is geen correctie ervan).
    let af = |correctie: &str| json!({"uitkomst": "gegrond", "toelichting": "de haalbaarheid is opnieuw gewogen", "correctie": correctie});
    assert_eq!(app.bzk.post(app.url(&format!("/bezwaren/{zid}/afhandeling"))).json(&af(&bid)).send().await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.bzk.post(app.url(&format!("/bezwaren/{zid}/afhandeling"))).json(&af(&cid)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let z: Value = r.json().await.unwrap();
    assert_eq!((z["status"].as_str(), z["correctie"].as_str(), z["termijn_verstreken"].as_bool()), (Some("afgehandeld"), Some(cid.as_str()), Some(false)));
    assert_eq!(app.bzk.post(app.url(&format!("/bezwaren/{zid}/afhandeling"))).json(&af(&cid)).send().await.unwrap().status(), StatusCode::CONFLICT);
    // Nu staat alleen het late bezwaar nog open over zijn termijn.
    let l: Value = app.bzk.get(app.url("/bezwaren?termijn_verstreken=true")).send().await.unwrap().json().await.unwrap();
    assert_eq!((l["totaal"].as_u64(), l["data"][0]["id"].as_str()), (Some(1), laat["id"].as_str()), "{l}");
    assert_eq!(auditregels(&app, "bezwaar.geregistreerd").await.len(), 2);
    assert_eq!(auditregels(&app, "bezwaar.afgehandeld").await.len(), 1);

    // De opdrachtregel maakt alle brieven van de ronde uit dezelfde database.
    let dir = std::env::temp_dir().join(uniek("vhf-brieven"));
    let begin = std::time::Instant::now();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_vhf"))
        .args(["besluiten", "render", "--ronde", "vhf-2021", "--uit"])
        .arg(&dir)
        .env("DATABASE_URL", &app.database_url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    eprintln!("vhf besluiten render: {} brieven in {:.2} s", alle.len(), begin.elapsed().as_secs_f64());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), alle.len());
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(stdout.contains(&format!("{} brieven van vhf-2021", alle.len())), "{stdout}");
    // Het sjabloon is zonder nieuwe versie te wijzigen (--brieven of VHF_BRIEVEN): een concept krijgt de nieuwe
    // woorden, een ondertekende brief blijft bit voor bit wat bij het ondertekenen werd vastgelegd.
    let r = app.bzk.post(app.url(&format!("/besluiten/{cid}/correctie"))).json(&json!({"reden": "nog een correctie"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let c2: Value = r.json().await.unwrap();
    let sjablonen = std::env::temp_dir().join(uniek("vhf-sjablonen"));
    std::fs::create_dir_all(&sjablonen).unwrap();
    let eigen_sjabloon = include_str!("../../../data/brieven/vhf-2021.toml").replace("slot = \"Hoogachtend,\"", "slot = \"Met vriendelijke groet,\"");
    std::fs::write(sjablonen.join("vhf-2021.toml"), eigen_sjabloon).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_vhf"))
        .args(["besluiten", "render", "--ronde", "vhf-2021", "--uit"])
        .arg(dir.join("eigen"))
        .arg("--brieven")
        .arg(&sjablonen)
        .env("DATABASE_URL", &app.database_url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8(o.stdout).unwrap().contains("1 concept"));
    let opgeslagen = std::fs::read(dir.join("eigen").join(format!("{}.pdf", b["identificatie"].as_str().unwrap()))).unwrap();
    assert_eq!(sha256_hex(&opgeslagen), sha, "een ondertekende brief verandert niet met het sjabloon");
    if let Some(pdftotext) = pdftotext() {
        let concept = std::fs::read(dir.join("eigen").join(format!("{}.pdf", c2["identificatie"].as_str().unwrap()))).unwrap();
        let t = tekst_van_pdf(&pdftotext, &concept);
        assert!(t.contains("Met vriendelijke groet,") && !t.contains("Hoogachtend") && t.contains("CONCEPT"), "{t}");
    }
    // De Engelse naam doet hetzelfde.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_vhf"))
        .args(["decisions", "render", "--round", "vhf-2021", "--out"])
        .arg(dir.join("en"))
        .env("DATABASE_URL", &app.database_url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    keten_klopt(&app).await;
}

#[tokio::test]
async fn besluiten_vier_ogen_correctie_en_brief_op_sqlite() {
    besluiten_van_een_ronde(sqlite().await).await;
}

#[tokio::test]
async fn besluiten_vier_ogen_correctie_en_brief_op_postgresql() {
    if let Some(app) = postgres().await {
        besluiten_van_een_ronde(app).await;
    }
}

/// Elk meegeleverd briefsjabloon is te lezen en kent alleen bekende plaatshouders; een onbekende is een fout.
#[test]
fn briefsjablonen_zijn_geldig() {
    for r in vhf_core::regeling::Ronde::ingebouwd() {
        vhf::brief::Sjabloon::van_ronde(&r.id, None).unwrap_or_else(|e| panic!("{e}"));
    }
    let tekst = include_str!("../../../data/brieven/vhf-2021.toml").replace("{bezwaar_tot}", "{bezwaartermijn_tot}");
    let fout = vhf::brief::Sjabloon::lees("test", &tekst).unwrap_err();
    assert!(fout.to_string().contains("onbekende plaatshouder {bezwaartermijn_tot}"), "{fout}");
}

/// Het verdeeldossier (issue 11): de invoer van een verdeling van de server, als bestand door `vhf allocate --json`
/// gehaald, geeft byte voor byte de bewaarde uitvoer, ook met een parameterwijziging van de ronde; en de uitvoer
/// noemt dezelfde uitkeringen als de verdeling van de server.
async fn verdeeldossier(app: App) {
    app.zet_klok("2021-07-01T10:00:00Z");
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    demoronde_tot(&app, &db, &["ontvankelijk"]).await;
    // Een parameterwijziging die de uitkomst verandert: zonder haar in het dossier gaf `vhf allocate` iets anders.
    let w = json!({"parameter": "btw_reserve", "vanaf": "2021-06-01", "waarde": "150000000.00", "bron": "[D] test: hogere btw-reserve"});
    assert_eq!(app.beheer.post(app.url("/rondes/vhf-2021/parameterwijzigingen")).json(&w).send().await.unwrap().status(), StatusCode::CREATED);
    let v: Value = app.bzk.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap().json().await.unwrap();
    let vid = v["id"].as_str().unwrap();
    assert_eq!(v["regels"]["plafond"], "300000000.00", "de wijziging telt");
    let r = app.rvo.get(app.url(&format!("/verdelingen/{vid}/dossier"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["invoer"]["parameterwijzigingen"][0]["parameter"], "btw_reserve");
    let uitvoer = d["uitvoer"].as_str().unwrap();
    assert_eq!(d["uitvoer_sha256"].as_str().unwrap(), sha256_hex(uitvoer.as_bytes()));
    let map = std::env::temp_dir().join(uniek("vhf-dossier"));
    std::fs::create_dir_all(&map).unwrap();
    let bestand = map.join("dossier.json");
    std::fs::write(&bestand, serde_json::to_string_pretty(&d["invoer"]).unwrap()).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_vhf")).args(["allocate", "--json"]).arg(&bestand).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout == uitvoer.as_bytes(), "vhf allocate op het dossier geeft andere uitvoer dan bewaard");
    // Dezelfde uitkeringen als de verdeling van de server.
    let cli: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(cli["uitkeringen"], v["uitkeringen"]);
    assert_eq!(cli["totalen"], v["totalen"]);
    // Zonder de parameterwijziging in het bestand komt er iets anders uit: de test kan falen.
    let mut zonder = d["invoer"].clone();
    zonder.as_object_mut().unwrap().remove("parameterwijzigingen");
    std::fs::write(&bestand, serde_json::to_string(&zonder).unwrap()).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_vhf")).args(["allocate", "--json"]).arg(&bestand).output().unwrap();
    assert!(o.stdout != uitvoer.as_bytes());
    // Een verdeling die niet bestaat: 404; een aanvrager mag het dossier niet zien.
    assert_eq!(app.rvo.get(app.url("/verdelingen/VDBESTAATNIET/dossier")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(app.http.get(app.url(&format!("/verdelingen/{vid}/dossier"))).send().await.unwrap().status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn verdeeldossier_op_sqlite() {
    verdeeldossier(sqlite().await).await;
}

#[tokio::test]
async fn verdeeldossier_op_postgresql() {
    if let Some(app) = postgres().await {
        verdeeldossier(app).await;
    }
}

/// De besluiten in de browser: de beslisser stelt ze op uit de besloten verdeling, ondertekenen door dezelfde
/// beslisser wordt geweigerd (403, Nederlandse melding, niets getekend), een tweede beslisser tekent; daarna ziet de
/// gemeente haar eigen besluit met de brief, een andere gemeente ziet het niet.
async fn besluiten_op_de_paginas(app: App) {
    use vhf::toegang::Rol;
    app.zet_klok("2021-07-01T10:00:00Z");
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    demoronde_tot(&app, &db, &["ontvankelijk", "in_beoordeling", "beoordeeld"]).await;
    let web = |p: &str| format!("{}{p}", app.basis);
    // Zonder besloten verdeling: een Nederlandse melding op de pagina, niets opgesteld.
    let (st, html) = formulier(&app.bzk, web("/besluiten/opstellen"), &[("ronde", "vhf-2021")]).await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert!(html.contains("Over geen enkele verdeling"), "{html}");
    let v: Value = app.bzk.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap().json().await.unwrap();
    let r = app.bzk.post(app.url(&format!("/verdelingen/{}/besluit", v["id"].as_str().unwrap()))).json(&json!({"reden": "paginatest"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let (st, html) = formulier(&app.bzk, web("/besluiten/opstellen"), &[("ronde", "vhf-2021"), ("_sleutel", "opstellen-1")]).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("De besluiten zijn opgesteld als concept") && html.contains("een ander ondertekent"), "{html}");
    assert!(!html.contains(">Ondertekenen<"), "de opsteller krijgt geen knop om zelf te tekenen");
    let lijst: Value = app.bzk.get(app.url("/rondes/vhf-2021/besluiten")).send().await.unwrap().json().await.unwrap();
    let zaanstad = lijst["data"].as_array().unwrap().iter().find(|b| b["gemeente"] == "GM0479").expect("een besluit voor Zaanstad").clone();
    let bid = zaanstad["id"].as_str().unwrap().to_string();
    // Dezelfde beslisser tekent via het formulier: 403, niets getekend.
    let (st, html) = formulier(&app.bzk, web(&format!("/besluiten/{bid}/ondertekenen")), &[("ronde", "vhf-2021")]).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{html}");
    assert!(html.contains("Dat kan niet"), "{html}");
    let b: Value = app.bzk.get(app.url(&format!("/besluiten/{bid}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(b["status"], "concept");
    // Een tweede beslisser tekent.
    let bzk2 = client_met(&gebruiker_met_token(&db, "bzk-2", Rol::Beslisser, None).await);
    let (st, html) = formulier(&bzk2, web(&format!("/besluiten/{bid}/ondertekenen")), &[("ronde", "vhf-2021"), ("_sleutel", "teken-1")]).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("Het besluit is ondertekend"), "{html}");
    let b: Value = app.bzk.get(app.url(&format!("/besluiten/{bid}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(b["status"], "ondertekend");
    // De gemeente ziet haar eigen ondertekende besluit met de brief; een andere gemeente niet.
    let eigen = app.http.get(web("/besluiten?ronde=vhf-2021")).send().await.unwrap().text().await.unwrap();
    assert!(eigen.contains(&format!("/api/v1/besluiten/{bid}/brief")) && eigen.contains("Zaanstad"), "{eigen}");
    assert!(eigen.contains(&format!("href=\"/uitvoering/{bid}\"")), "een ondertekend besluit linkt naar zijn uitvoering: {eigen}");
    let ander = app.ander.get(web("/besluiten?ronde=vhf-2021")).send().await.unwrap().text().await.unwrap();
    assert!(!ander.contains(&bid) && ander.contains("Nog geen besluiten"), "{ander}");
    let pdf = app.http.get(app.url(&format!("/besluiten/{bid}/brief"))).send().await.unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
}

#[tokio::test]
async fn besluiten_op_de_paginas_op_sqlite() {
    besluiten_op_de_paginas(sqlite().await).await;
}

#[tokio::test]
async fn besluiten_op_de_paginas_op_postgresql() {
    if let Some(app) = postgres().await {
        besluiten_op_de_paginas(app).await;
    }
}

/// De demoronde van 2021 (48 aanvragen met scores) gezaaid en door de behandelaar langs de statussen tot en met
/// `tot` gebracht (elk met een eigen statusovergang).
async fn demoronde_tot(app: &App, db: &vhf::db::Db, tot: &[&str]) {
    assert_eq!(vhf::server::demo::zaai(db, &object_store::memory::InMemory::new()).await.unwrap(), 48);
    let l: Value = app.rvo.get(app.url("/aanvragen?ronde=vhf-2021&per_pagina=500")).send().await.unwrap().json().await.unwrap();
    for a in l["data"].as_array().unwrap() {
        for (i, naar) in tot.iter().enumerate() {
            let r = app
                .rvo
                .post(app.url(&format!("/aanvragen/{}/statusovergangen", a["id"].as_str().unwrap())))
                .header("If-Match", format!("\"{}\"", a["versie"].as_i64().unwrap() + i as i64))
                .json(&json!({"naar": naar, "reden": "test"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Na het besluit (issue 12): van ondertekende besluiten via betaling (vier ogen), twee jaar SiSa-opgaven (één te
// laat, één met een bevinding), een goedgekeurde wijziging (vier ogen) tot de vaststelling met terugvordering
// (vier ogen), elk bedrag tot op de cent tegen een met de hand berekende verwachting.

async fn na_het_besluit(app: App) {
    use vhf::toegang::Rol;
    app.zet_klok("2021-07-01T10:00:00Z");
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    demoronde_tot(&app, &db, &["ontvankelijk", "in_beoordeling", "beoordeeld"]).await;
    let v: Value = app.bzk.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap().json().await.unwrap();
    let r = app.bzk.post(app.url(&format!("/verdelingen/{}/besluit", v["id"].as_str().unwrap()))).json(&json!({"reden": "uitvoering"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let o: Value = app.bzk.post(app.url("/rondes/vhf-2021/besluiten")).json(&json!({})).send().await.unwrap().json().await.unwrap();
    let bzk2 = client_met(&gebruiker_met_token(&db, "bzk-2", Rol::Beslisser, None).await);
    let gemeente = client_met(&gebruiker_met_token(&db, "gm0060", Rol::Aanvrager, Some("GM0060")).await);
    let bid = o["opgesteld"].as_array().unwrap().iter().find(|b| b["gemeente"] == "GM0060").unwrap()["id"].as_str().unwrap().to_string();
    let url = |p: &str| app.url(&p.replace("{bid}", &bid));
    // Vóór de ondertekening is er geen uitvoering.
    assert_eq!(app.bzk.post(url("/besluiten/{bid}/betalingen")).json(&json!({})).send().await.unwrap().status(), StatusCode::CONFLICT);
    assert_eq!(bzk2.post(url("/besluiten/{bid}/ondertekening")).json(&json!({})).send().await.unwrap().status(), StatusCode::OK);
    let b: Value = app.bzk.get(url("/besluiten/{bid}")).send().await.unwrap().json().await.unwrap();
    let aid = b["deelplannen"][0]["aanvraag"].as_str().unwrap().to_string();
    let status = |c: reqwest::Client, aid: String| {
        let u = app.url(&format!("/aanvragen/{aid}"));
        async move { c.get(u).send().await.unwrap().json::<Value>().await.unwrap()["status"].as_str().unwrap().to_string() }
    };
    assert_eq!(status(app.rvo.clone(), aid.clone()).await, "toegekend");
    // De invoer van de hand-berekening: GM0060 met twee toegekende deelplannen van DEMO-2021-010 (de demoronde).
    let u: Value = gemeente.get(url("/besluiten/{bid}/uitvoering")).send().await.unwrap().json().await.unwrap();
    assert_eq!(u["besloten"], "10436969.00");
    let dp = |u: &Value, i: usize, k: &str| u["deelplannen"][i][k].clone();
    assert_eq!(
        (dp(&u, 0, "deelplan"), dp(&u, 0, "toegekend"), dp(&u, 0, "cofinanciering"), dp(&u, 0, "woningen_gepland")),
        (json!("DP1"), json!("905741.00"), json!("516674.00"), json!(30))
    );
    assert_eq!(
        (dp(&u, 1, "deelplan"), dp(&u, 1, "toegekend"), dp(&u, 1, "cofinanciering"), dp(&u, 1, "woningen_gepland")),
        (json!("DP2"), json!("9531228.00"), json!("7150646.00"), json!(207))
    );
    // Een andere gemeente ziet deze uitkering niet.
    assert_eq!(app.ander.get(url("/besluiten/{bid}/uitvoering")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // Betaling in één keer (betaalschema van 2021), vier ogen.
    let r = app.bzk.post(url("/besluiten/{bid}/betalingen")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let bt: Value = r.json().await.unwrap();
    assert_eq!(
        (bt["termijn"].as_i64(), bt["bedrag"].as_str(), bt["betaaldatum"].as_str(), bt["referentie"].as_str()),
        (Some(1), Some("10436969.00"), Some("2021-07-01"), Some("VHF-2021-GM0060-T1"))
    );
    let btid = bt["id"].as_str().unwrap().to_string();
    let r = app.bzk.post(app.url(&format!("/betalingen/{btid}/goedkeuring"))).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("een andere beslisser"));
    assert_eq!(auditregels(&app, "betaling.goedkeuring_geweigerd").await.len(), 1);
    {
        let mut tx = db.schrijf().await.unwrap();
        assert!(!vhf::db::uitvoering::keur_betaling_goed(&mut tx, &btid, "bzk", 0).await.unwrap(), "ook de opslag weigert vier ogen te omzeilen");
        tx.commit().await.unwrap();
    }
    for _ in 0..2 {
        let r = bzk2.post(app.url(&format!("/betalingen/{btid}/goedkeuring"))).header("Idempotency-Key", "betaling-1").json(&json!({})).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.json::<Value>().await.unwrap()["status"], "goedgekeurd");
    }
    assert_eq!(auditregels(&app, "betaling.goedgekeurd").await.len(), 1, "een herhaling met dezelfde sleutel doet niets opnieuw");
    let u: Value = app.bzk.get(url("/besluiten/{bid}/uitvoering")).send().await.unwrap().json().await.unwrap();
    assert_eq!((u["betaald"].as_str(), u["openstaand"].as_str()), (Some("10436969.00"), Some("0.00")));
    assert_eq!(app.bzk.post(url("/besluiten/{bid}/betalingen")).json(&json!({})).send().await.unwrap().status(), StatusCode::CONFLICT);
    assert_eq!(status(app.rvo.clone(), aid.clone()).await, "uitbetaald");
    let csv = app.bzk.get(app.url("/rondes/vhf-2021/betaalbestand")).send().await.unwrap().text().await.unwrap();
    let regel = csv.lines().find(|l| l.starts_with("VHF-2021-GM0060-T1;")).unwrap_or_else(|| panic!("{csv}"));
    assert!(regel.starts_with("VHF-2021-GM0060-T1;GM0060;") && regel.contains(";10436969.00;2021-07-01;") && regel.ends_with(";bzk;bzk-2"), "{regel}");

    // SiSa over 2021, op tijd (10 juli 2022), met een bevinding: cumulatief DP2 ≠ 0 + dit jaar.
    app.zet_klok("2022-07-10T10:00:00Z");
    let woningen = |g: u32, o: u32| json!([{"activiteit": "renovatie", "eigendom": "corporatie", "gestart": g, "opgeleverd": o}]);
    let opgave_2021 = json!({"jaar": 2021, "deelplannen": [
        {"kenmerk": "DEMO-2021-010", "deelplan": "DP1", "besteed_dit_jaar": "300000.00", "besteed_cumulatief": "300000.00", "cofinanciering_cumulatief": "100000.00", "woningen": woningen(10, 0)},
        {"kenmerk": "DEMO-2021-010", "deelplan": "DP2", "besteed_dit_jaar": "2000000.00", "besteed_cumulatief": "2500000.00", "cofinanciering_cumulatief": "1000000.00", "woningen": woningen(50, 0)},
    ]});
    assert_eq!(app.ander.post(url("/besluiten/{bid}/verantwoordingen")).json(&opgave_2021).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let r = gemeente.post(url("/besluiten/{bid}/verantwoordingen")).json(&opgave_2021).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let s1: Value = r.json().await.unwrap();
    assert_eq!(s1["te_laat"], false);
    let bev = s1["bevindingen"].as_array().unwrap();
    assert_eq!(bev.len(), 1, "{s1}");
    assert_eq!((bev[0]["regel"].as_str(), bev[0]["deelplan"].as_str()), (Some("V02"), Some("DEMO-2021-010 DP2")));
    assert!(bev[0]["uitleg"].as_str().unwrap().contains("€ 2.500.000,00") && bev[0]["uitleg"].as_str().unwrap().contains("€ 2.000.000,00"), "{bev:?}");
    assert_eq!(gemeente.post(url("/besluiten/{bid}/verantwoordingen")).json(&opgave_2021).send().await.unwrap().status(), StatusCode::CONFLICT);
    assert_eq!(status(app.rvo.clone(), aid.clone()).await, "in_uitvoering");

    // Een wijziging: € 100.000 van DP2 naar DP1 en 200 in plaats van 207 woningen in DP2. Eerst een die het totaal
    // verhoogt (W01), dan de goede; vier ogen bij de goedkeuring.
    app.zet_klok("2022-09-01T10:00:00Z");
    let r = gemeente
        .post(url("/besluiten/{bid}/wijzigingen"))
        .json(&json!({"toelichting": "meer", "deelplannen": [{"kenmerk": "DEMO-2021-010", "deelplan": "DP1", "toegekend": "1005741.00"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("€ 10.536.969,00"));
    // Een wijziging die het ministerie weigert (met reden): de deelplannen blijven zoals ze waren, en een
    // geweigerde wijziging kan daarna niet alsnog worden goedgekeurd.
    let r = gemeente
        .post(url("/besluiten/{bid}/wijzigingen"))
        .json(&json!({"toelichting": "ook de openbare ruimte", "deelplannen": [{"kenmerk": "DEMO-2021-010", "deelplan": "DP2", "omschrijving": "met herinrichting van het plein"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let geweigerd = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let r = app.bzk.post(app.url(&format!("/wijzigingen/{geweigerd}/beoordeling"))).json(&json!({"uitkomst": "weigeren", "reden": ""})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "weigeren vraagt een reden");
    let r = app
        .bzk
        .post(app.url(&format!("/wijzigingen/{geweigerd}/beoordeling")))
        .json(&json!({"uitkomst": "weigeren", "reden": "openbare ruimte valt buiten het toegekende deelplan"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let w: Value = r.json().await.unwrap();
    assert_eq!(w["status"], "geweigerd", "{w}");
    assert_eq!(bzk2.post(app.url(&format!("/wijzigingen/{geweigerd}/goedkeuring"))).json(&json!({})).send().await.unwrap().status(), StatusCode::CONFLICT);
    let u: Value = app.bzk.get(url("/besluiten/{bid}/uitvoering")).send().await.unwrap().json().await.unwrap();
    assert_eq!(dp(&u, 1, "versie"), json!(1), "een geweigerde wijziging maakt geen nieuwe versie");
    assert_eq!(auditregels(&app, "wijziging.geweigerd").await.len(), 1);
    let r = gemeente
        .post(url("/besluiten/{bid}/wijzigingen"))
        .json(&json!({"toelichting": "verschuiving naar DP1; DP2 kleiner", "deelplannen": [
            {"kenmerk": "DEMO-2021-010", "deelplan": "DP1", "toegekend": "1005741.00"},
            {"kenmerk": "DEMO-2021-010", "deelplan": "DP2", "toegekend": "9431228.00", "woningen_gepland": 200},
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let wid = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let r = app
        .bzk
        .post(app.url(&format!("/wijzigingen/{wid}/beoordeling")))
        .json(&json!({"uitkomst": "goedkeuren", "reden": "past binnen het plan"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.bzk.post(app.url(&format!("/wijzigingen/{wid}/goedkeuring"))).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(auditregels(&app, "wijziging.goedkeuring_geweigerd").await.len(), 1);
    assert_eq!(bzk2.post(app.url(&format!("/wijzigingen/{wid}/goedkeuring"))).json(&json!({})).send().await.unwrap().status(), StatusCode::OK);
    let u: Value = app.bzk.get(url("/besluiten/{bid}/uitvoering")).send().await.unwrap().json().await.unwrap();
    assert_eq!((dp(&u, 0, "toegekend"), dp(&u, 0, "versie"), dp(&u, 0, "toegekend_bij_besluit")), (json!("1005741.00"), json!(2), json!("905741.00")));
    assert_eq!((dp(&u, 1, "toegekend"), dp(&u, 1, "woningen_gepland"), dp(&u, 1, "versie")), (json!("9431228.00"), json!(200), json!(2)));
    let status_van = |id: &str| u["wijzigingen"].as_array().unwrap().iter().find(|w| w["id"] == id).map(|w| w["status"].clone());
    assert_eq!((status_van(&wid), status_van(&geweigerd)), (Some(json!("goedgekeurd")), Some(json!("geweigerd"))));

    // SiSa over 2022, te laat (1 augustus 2023, na 15 juli), met de eindverantwoording: als CSV uit het financiële
    // systeem van de gemeente (puntkomma's, Nederlandse bedragen). Eerst met een fout (regel 3, kolom opgeleverd):
    // 422 met regel en kolom, niets opgeslagen; JSON naar deze route is 415.
    app.zet_klok("2023-08-01T10:00:00Z");
    let csv = |opgeleverd: &str| {
        format!(
            "kenmerk;deelplan;besteed_dit_jaar;besteed_cumulatief;cofinanciering_cumulatief;eindverantwoording;activiteit;eigendom;gestart;opgeleverd\n\
             DEMO-2021-010;DP1;750.000,00;1.050.000,00;150.000,00;ja;renovatie;corporatie;30;30\n\
             DEMO-2021-010;DP2;6.500.000,00;9.000.000,00;1.500.000,00;ja;renovatie;corporatie;200;{opgeleverd}\n"
        )
    };
    let importeer = |body: String, soort: &'static str| {
        gemeente.post(url("/besluiten/{bid}/verantwoordingen/import?jaar=2022")).header("content-type", soort).body(body).send()
    };
    let r = importeer(csv("veel"), "text/csv").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let f: Value = r.json().await.unwrap();
    assert_eq!((f["invalid-params"][0]["line"].as_u64(), f["invalid-params"][0]["name"].as_str()), (Some(3), Some("opgeleverd")), "{f}");
    assert!(f["detail"].as_str().unwrap().contains("regel 3, kolom opgeleverd: 'veel' is geen aantal woningen"), "{f}");
    assert_eq!(importeer("{}".into(), "application/json").await.unwrap().status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = app.ander.post(url("/besluiten/{bid}/verantwoordingen/import?jaar=2022")).header("content-type", "text/csv").body(csv("157")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "een andere gemeente ziet het besluit niet");
    let r = importeer(csv("157"), "text/csv").await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let s2: Value = r.json().await.unwrap();
    assert_eq!(s2["te_laat"], true);
    let bev = s2["bevindingen"].as_array().unwrap();
    assert_eq!(bev.iter().map(|b| b["regel"].as_str().unwrap()).collect::<Vec<_>>(), ["V06"], "{s2}");
    assert!(bev[0]["uitleg"].as_str().unwrap().contains("2023-07-15") && bev[0]["parameter"].as_str().unwrap().contains("verantwoording_uiterlijk"), "{bev:?}");
    assert_eq!(status(app.rvo.clone(), aid.clone()).await, "verantwoord");

    // Vaststelling, met de hand:
    //   DP1: toegekend 1.005.741,00; besteed 1.050.000,00 − cofinanciering 150.000,00 = 900.000,00; 30 van 30
    //        woningen: geen verlaging; vastgesteld 900.000,00.
    //   DP2: toegekend 9.431.228,00; 9.000.000,00 − 1.500.000,00 = 7.500.000,00; 157 van 200 woningen: evenredig
    //        943.122.800 cent × 157 / 200 = 740.351.398 cent = 7.403.513,98; vastgesteld 7.403.513,98.
    //   Totaal 8.303.513,98; betaald 10.436.969,00; terug 10.436.969,00 − 8.303.513,98 = 2.133.455,02.
    app.zet_klok("2023-09-01T10:00:00Z");
    let r = app.bzk.post(url("/besluiten/{bid}/vaststelling")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let vs: Value = r.json().await.unwrap();
    assert_eq!(
        (vs["vastgesteld"].as_str(), vs["terugvordering"].as_str(), vs["betaald"].as_str(), vs["nabetaling"].as_str()),
        (Some("8303513.98"), Some("2133455.02"), Some("10436969.00"), Some("0.00"))
    );
    assert_eq!(
        (vs["deelplannen"][0]["vastgesteld"].as_str(), vs["deelplannen"][0]["ten_laste_van_uitkering"].as_str()),
        (Some("900000.00"), Some("900000.00"))
    );
    assert_eq!(
        (
            vs["deelplannen"][1]["vastgesteld"].as_str(),
            vs["deelplannen"][1]["plafond_woningen"].as_str(),
            vs["deelplannen"][1]["ten_laste_van_uitkering"].as_str()
        ),
        (Some("7403513.98"), Some("7403513.98"), Some("7500000.00"))
    );
    assert!(vs["deelplannen"][1]["uitleg"].as_str().unwrap().contains("157 / 200 = € 7.403.513,98"), "{vs}");
    assert!(vs["uitleg"].as_str().unwrap().contains("terug te vorderen € 10.436.969,00 − € 8.303.513,98 = € 2.133.455,02"), "{vs}");
    let vid = vs["id"].as_str().unwrap().to_string();
    // Een concept is voor de gemeente niet te zien; de opsteller ondertekent niet zelf.
    assert_eq!(gemeente.get(app.url(&format!("/vaststellingen/{vid}/brief"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(app.bzk.post(app.url(&format!("/vaststellingen/{vid}/ondertekening"))).json(&json!({})).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(auditregels(&app, "vaststelling.ondertekening_geweigerd").await.len(), 1);
    let r = bzk2.post(app.url(&format!("/vaststellingen/{vid}/ondertekening"))).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let vs: Value = r.json().await.unwrap();
    assert_eq!((vs["status"].as_str(), vs["datum"].as_str(), vs["ondertekend_door"].as_str()), (Some("ondertekend"), Some("2023-09-01"), Some("bzk-2")));
    assert_eq!(status(app.rvo.clone(), aid.clone()).await, "teruggevorderd");
    let pdf = gemeente.get(app.url(&format!("/vaststellingen/{vid}/brief"))).send().await.unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    let pdf = pdf.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(p) = pdftotext() {
        let t = samengevouwen(&tekst_van_pdf(&p, &pdf));
        for x in ["€ 2.133.455,02", "€ 8.303.513,98", "€ 7.403.513,98", "VS-VHF-2021-GM0060-1"] {
            assert!(t.contains(x), "{x} niet in de brief: {t}");
        }
    }
    // De levensloop: elke overgang met actor en reden.
    let l: Value = app.rvo.get(app.url(&format!("/aanvragen/{aid}/statusovergangen"))).send().await.unwrap().json().await.unwrap();
    let naar: Vec<String> = l.to_string().split("\"naar\":\"").skip(1).map(|x| x.split('"').next().unwrap().to_string()).collect();
    assert!(naar.ends_with(&["uitbetaald".into(), "in_uitvoering".into(), "verantwoord".into(), "teruggevorderd".into()]), "{l}");

    // Monitoring: de eigen rij voor de gemeente, alle rijen voor het ministerie; signalen. Alleen ondertekende
    // besluiten tellen: na het ondertekenen van dat van Zaanstad zijn er twee rijen.
    let zaanstad = o["opgesteld"].as_array().unwrap().iter().find(|b| b["gemeente"] == "GM0479").unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(bzk2.post(app.url(&format!("/besluiten/{zaanstad}/ondertekening"))).json(&json!({})).send().await.unwrap().status(), StatusCode::OK);
    let m: Value = app.bzk.get(app.url("/rondes/vhf-2021/monitoring")).send().await.unwrap().json().await.unwrap();
    let rij = m["gemeenten"].as_array().unwrap().iter().find(|g| g["gemeente"] == "GM0060").unwrap().clone();
    assert_eq!(
        (rij["besloten"].as_str(), rij["betaald"].as_str(), rij["verantwoord"].as_str(), rij["vastgesteld"].as_str(), rij["teruggevorderd"].as_str()),
        (Some("10436969.00"), Some("10436969.00"), Some("8400000.00"), Some("8303513.98"), Some("2133455.02"))
    );
    let soorten: Vec<&str> = rij["signalen"].as_array().unwrap().iter().map(|s| s["soort"].as_str().unwrap()).collect();
    assert!(soorten.contains(&"opgave_te_laat") && soorten.contains(&"opgave_met_bevindingen") && soorten.contains(&"onderbesteding"), "{rij}");
    assert_eq!(m["gemeenten"].as_array().unwrap().len(), 2);
    let z = m["gemeenten"].as_array().unwrap().iter().find(|g| g["gemeente"] == "GM0479").unwrap();
    assert_eq!((z["besloten"].as_str(), z["betaald"].as_str()), (Some("67230518.00"), Some("0.00")));
    assert_eq!(m["totaal"]["teruggevorderd"], "2133455.02");
    // Een correctie in voorbereiding verandert niets aan wat geldt: Zaanstad blijft in de monitoring met het
    // ondertekende besluit (eerder viel de gemeente er zolang uit: het oude besluit gold als vervangen, het concept
    // telde niet).
    let zb: Value = app.bzk.get(app.url(&format!("/besluiten/{zaanstad}"))).send().await.unwrap().json().await.unwrap();
    let zdp = &zb["deelplannen"][0];
    let zlager = vhf_core::geld::Bedrag::parse(zdp["toegekend"].as_str().unwrap()).unwrap().minus(vhf_core::geld::Bedrag::euro(1000)).unwrap();
    let r = app
        .bzk
        .post(app.url(&format!("/besluiten/{zaanstad}/correctie")))
        .json(&json!({"reden": "test", "deelplannen": [{"kenmerk": zdp["kenmerk"], "deelplan": zdp["deelplan"], "toegekend": serde_json::to_value(zlager).unwrap(), "uitleg": "test"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let m2: Value = app.bzk.get(app.url("/rondes/vhf-2021/monitoring")).send().await.unwrap().json().await.unwrap();
    assert_eq!(m2["gemeenten"], m["gemeenten"], "een concept-correctie verandert de monitoring niet");
    assert_eq!(m2["totaal"], m["totaal"]);
    let m: Value = gemeente.get(app.url("/rondes/vhf-2021/monitoring")).send().await.unwrap().json().await.unwrap();
    assert_eq!(m["gemeenten"].as_array().unwrap().iter().map(|g| g["gemeente"].as_str().unwrap()).collect::<Vec<_>>(), ["GM0060"]);
    assert_eq!(auditregels(&app, "verantwoording.ingediend").await.len(), 2);
    assert_eq!(auditregels(&app, "vaststelling.ondertekend").await.len(), 1);
    keten_klopt(&app).await;
}

#[tokio::test]
async fn na_het_besluit_betaling_verantwoording_wijziging_en_vaststelling_op_sqlite() {
    na_het_besluit(sqlite().await).await;
}

#[tokio::test]
async fn na_het_besluit_betaling_verantwoording_wijziging_en_vaststelling_op_postgresql() {
    if let Some(app) = postgres().await {
        na_het_besluit(app).await;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Onafhankelijke ondersteuning in de prioriteitsgebieden (issue 12, deel 6).

async fn ondersteuning(app: App) {
    use vhf::toegang::Rol;
    app.zet_klok("2021-04-15T10:00:00Z");
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    let haarlem = client_met(&gebruiker_met_token(&db, "haarlem", Rol::Aanvrager, Some("GM0392")).await);
    let a1 = client_met(&gebruiker_met_token(&db, "A1", Rol::Adviseur, None).await);
    let a2 = client_met(&gebruiker_met_token(&db, "A2", Rol::Adviseur, None).await);
    gebruiker_met_token(&db, "A3", Rol::Adviseur, None).await;
    let probleem = |v: &Value| v["detail"].as_str().unwrap_or_default().to_string();
    let verzoek = |c: &reqwest::Client, body: Value| {
        let c = c.clone();
        let url = app.url("/ondersteuningsverzoeken");
        async move {
            let r = c.post(url).json(&body).send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };

    // Alleen een gemeente in een prioriteitsgebied van de lijst van de ronde.
    let (st, v) = verzoek(&haarlem, json!({"ronde": "vhf-2021", "onderwerp": "plan", "uren": 10})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(probleem(&v).contains("Haarlem ligt niet in een prioriteitsgebied van lijst vhf2021"), "{v}");
    // Amsterdam ligt in twee gebieden: het verzoek noemt er een.
    let (st, v) = verzoek(&app.ander, json!({"ronde": "vhf-2021", "onderwerp": "plan", "uren": 10})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(probleem(&v).contains("amsterdam-zuidoost") && probleem(&v).contains("amsterdam-nieuw-west"), "{v}");
    let (st, v) = verzoek(&app.ander, json!({"ronde": "vhf-2021", "gebied": "amsterdam-zuidoost", "onderwerp": "plan", "uren": "10"})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let amsterdam = v["id"].as_str().unwrap().to_string();
    // Meer dan een verzoek kan krijgen (parameter ondersteuning: 80 uur per verzoek).
    let (st, v) = verzoek(&app.http, json!({"ronde": "vhf-2021", "onderwerp": "plan", "uren": 81})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(probleem(&v).contains("hoogstens 80 uur") && probleem(&v).contains("ondersteuning"), "{v}");
    let (st, v) = verzoek(&app.http, json!({"ronde": "vhf-2021", "onderwerp": "plan", "uren": "2,1"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(probleem(&v).contains("kwartieren"), "{v}");
    let (st, v) =
        verzoek(&app.http, json!({"ronde": "vhf-2021", "onderwerp": "hulp bij het plan van aanpak", "deelplan": "ZAANSTAD-2021-01 DP1", "uren": 40})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert!(v["uitleg"].as_str().unwrap().contains("Zaandam Oost"), "{v}");
    let ov = v["id"].as_str().unwrap().to_string();

    // De pool: alleen gebruikers met rol adviseur.
    let pool = |id: &str, beschikbaar: bool, belangen: Value| {
        let (c, url) = (app.rvo.clone(), app.url(&format!("/adviseurs/{id}")));
        async move {
            let r = c
                .put(url)
                .json(
                    &json!({"expertise": ["herstructurering", "particuliere voorraad"], "uren_per_week": 16, "beschikbaar": beschikbaar, "belangen": belangen}),
                )
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(pool("A1", true, json!(["GM0479"])).await.0, StatusCode::OK);
    assert_eq!(pool("A2", true, json!([])).await.0, StatusCode::OK);
    assert_eq!(pool("A3", false, json!([])).await.0, StatusCode::OK);
    let (st, v) = pool("haarlem", true, json!([])).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(probleem(&v).contains("rol aanvrager"), "{v}");
    let (st, v) = pool("A2", true, json!(["GM9999"])).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let p: Value = app.bzk.get(app.url("/adviseurs")).send().await.unwrap().json().await.unwrap();
    assert_eq!(p["adviseurs"].as_array().unwrap().len(), 3);

    // Toewijzen: geen belangenconflict, beschikbaar, binnen het plafond.
    let toewijzing = |id: &str, adviseur: &str, uren: Value| {
        let (c, url) = (app.rvo.clone(), app.url(&format!("/ondersteuningsverzoeken/{id}/toewijzing")));
        let body = json!({"adviseur": adviseur, "uren": uren});
        async move {
            let r = c.post(url).json(&body).send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    let (st, v) = toewijzing(&ov, "A1", json!(40)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(probleem(&v).contains("belang bij Zaanstad"), "{v}");
    let (st, v) = toewijzing(&ov, "A3", json!(40)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(probleem(&v).contains("niet beschikbaar"), "{v}");
    let (st, v) = toewijzing(&ov, "A2", json!(90)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(probleem(&v).contains("plafond van 80 uur per verzoek"), "{v}");
    let (st, v) = toewijzing(&ov, "A2", json!("40")).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!((v["status"].as_str(), v["uren_toegekend"].as_str()), (Some("toegewezen"), Some("40")));

    // De adviseur ziet alleen zijn eigen verzoeken; een ander verzoek bestaat voor hem niet.
    let l: Value = a2.get(app.url("/ondersteuningsverzoeken")).send().await.unwrap().json().await.unwrap();
    assert_eq!(l["verzoeken"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap()).collect::<Vec<_>>(), [ov.as_str()]);
    let l: Value = a1.get(app.url("/ondersteuningsverzoeken")).send().await.unwrap().json().await.unwrap();
    assert_eq!(l["totaal"], 0);
    assert_eq!(a2.get(app.url(&format!("/ondersteuningsverzoeken/{amsterdam}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let l: Value = app.ander.get(app.url("/ondersteuningsverzoeken")).send().await.unwrap().json().await.unwrap();
    assert_eq!(l["totaal"], 1, "Amsterdam ziet alleen het eigen verzoek");

    // Uren: nooit meer dan toegekend, met een duidelijke melding.
    let uren = |c: &reqwest::Client, id: &str, u: Value| {
        let (c, url) = (c.clone(), app.url(&format!("/ondersteuningsverzoeken/{id}/uren")));
        let body = json!({"datum": "2021-04-14", "uren": u, "omschrijving": "werksessie met de gemeente"});
        async move {
            let r = c.post(url).json(&body).send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(uren(&a1, &ov, json!(2)).await.0, StatusCode::NOT_FOUND);
    let (st, v) = uren(&a2, &ov, json!("13")).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "meer dan 12 uur op één dag: {v}");
    let (st, v) = uren(&a2, &ov, json!("12")).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let eerste = v["id"].as_str().unwrap().to_string();
    for u in ["12", "6"] {
        assert_eq!(uren(&a2, &ov, json!(u)).await.0, StatusCode::CREATED);
    }
    let (st, v) = uren(&a2, &ov, json!("12")).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        probleem(&v).contains("12 uur past niet: van de 40 uur die dit verzoek kreeg, staat 30 uur al geschreven") && probleem(&v).contains("nog 10 uur over"),
        "{v}"
    );
    let (st, v) = uren(&a2, &ov, json!("7,75")).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let tweede = v["id"].as_str().unwrap().to_string();
    let r = a2
        .post(app.url(&format!("/ondersteuningsverzoeken/{ov}/uren")))
        .json(&json!({"datum": "2021-05-01", "uren": 1, "omschrijving": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "uren in de toekomst");
    // RVO keurt af (de uren komen terug) en goed.
    let beoordeel = |id: &str, uitkomst: &str, reden: &str| {
        let (c, url) = (app.rvo.clone(), app.url(&format!("/urenregels/{id}/beoordeling")));
        let body = json!({"uitkomst": uitkomst, "reden": reden});
        async move { c.post(url).json(&body).send().await.unwrap().status() }
    };
    assert_eq!(beoordeel(&eerste, "afkeuren", "").await, StatusCode::UNPROCESSABLE_ENTITY, "afkeuren vraagt een reden");
    assert_eq!(beoordeel(&eerste, "afkeuren", "dubbel geschreven").await, StatusCode::OK);
    assert_eq!(beoordeel(&eerste, "goedkeuren", "").await, StatusCode::CONFLICT);
    assert_eq!(beoordeel(&tweede, "goedkeuren", "").await, StatusCode::OK);
    let (st, v) = uren(&a2, &ov, json!("12")).await;
    assert_eq!(st, StatusCode::CREATED, "na het afkeuren is er weer ruimte: {v}");
    let d: Value = a2.get(app.url(&format!("/ondersteuningsverzoeken/{ov}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(d["uren_geschreven"], "37.75", "{d}");
    assert_eq!(
        d["uren"].as_array().unwrap().iter().map(|u| u["status"].as_str().unwrap()).collect::<Vec<_>>(),
        ["afgekeurd", "ingediend", "ingediend", "goedgekeurd", "ingediend"]
    );
    // Minder toekennen dan al geschreven kan niet; een andere adviseur neemt een verzoek met uren niet over.
    let (st, v) = toewijzing(&ov, "A2", json!(37)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    gebruiker_met_token(&db, "A4", Rol::Adviseur, None).await;
    let r = app.rvo.put(app.url("/adviseurs/A4")).json(&json!({"uren_per_week": 8, "beschikbaar": true})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(toewijzing(&ov, "A4", json!(40)).await.0, StatusCode::CONFLICT);

    // Het budget van het gebied: 400 uur voor Zaandam Oost. 40 + 4 × 80 = 360; daarna past 80 niet meer.
    let mut laatste = String::new();
    for i in 0..5 {
        let (st, v) = verzoek(&app.http, json!({"ronde": "vhf-2021", "onderwerp": format!("verzoek {i}"), "uren": 80})).await;
        assert_eq!(st, StatusCode::CREATED);
        laatste = v["id"].as_str().unwrap().to_string();
        let (st, v) = toewijzing(&laatste, "A2", json!(80)).await;
        if i < 4 {
            assert_eq!(st, StatusCode::OK, "{v}");
        } else {
            assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(probleem(&v).contains("in Zaandam Oost is nog 40 uur vrij van de 400 uur voor het gebied (360 uur al toegekend"), "{v}");
        }
    }
    assert_eq!(toewijzing(&laatste, "A2", json!(40)).await.0, StatusCode::OK, "wat nog vrij is, past precies");
    let r = app
        .rvo
        .post(app.url(&format!("/ondersteuningsverzoeken/{amsterdam}/afwijzing")))
        .json(&json!({"reden": "dubbel met het verzoek van Nieuw-West"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(toewijzing(&amsterdam, "A2", json!(10)).await.0, StatusCode::CONFLICT, "een afgewezen verzoek wordt niet meer toegewezen");

    // Het verslag per gebied.
    let v: Value = app.bzk.get(app.url("/rondes/vhf-2021/ondersteuning")).send().await.unwrap().json().await.unwrap();
    let gebied = |id: &str| v["gebieden"].as_array().unwrap().iter().find(|g| g["gebied"] == id).cloned().unwrap();
    let z = gebied("zaandam-oost");
    assert_eq!(
        [&z["uren_budget"], &z["uren_toegekend"], &z["uren_geschreven"], &z["uren_goedgekeurd"], &z["uren_vrij"]].map(|x| x.as_str().unwrap()),
        ["400", "400", "37.75", "7.75", "0"],
        "{z}"
    );
    assert_eq!(z["verzoeken"].as_array().unwrap().len(), 6);
    assert_eq!(gebied("amsterdam-zuidoost")["uren_toegekend"], "0");
    assert!(v["parameter"]["bron"].as_str().unwrap().starts_with("[D]"), "{v}");
    assert_eq!(app.http.get(app.url("/rondes/vhf-2021/ondersteuning")).send().await.unwrap().status(), StatusCode::FORBIDDEN);

    // Alles in het audittrail.
    assert_eq!(auditregels(&app, "ondersteuning.aangevraagd").await.len(), 7);
    assert_eq!(auditregels(&app, "ondersteuning.toegewezen").await.len(), 6);
    assert_eq!(auditregels(&app, "ondersteuning.uren_geschreven").await.len(), 5);
    assert_eq!(auditregels(&app, "ondersteuning.uren_afgekeurd").await.len(), 1);
    assert_eq!(auditregels(&app, "adviseur.bijgewerkt").await.len(), 4);
    keten_klopt(&app).await;
}

#[tokio::test]
async fn ondersteuning_in_de_prioriteitsgebieden_op_sqlite() {
    ondersteuning(sqlite().await).await;
}

#[tokio::test]
async fn ondersteuning_in_de_prioriteitsgebieden_op_postgresql() {
    if let Some(app) = postgres().await {
        ondersteuning(app).await;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Na het besluit op de pagina's.

/// Na het besluit in de browser: de formulieren van de pagina's roepen dezelfde handelingen aan als de API. Een
/// beslisser die een betaling voorstelt en zelf goedkeurt, krijgt 403 met een Nederlandse melding op de pagina en
/// er is niets goedgekeurd (de poging staat in het audittrail); een tweede beslisser keurt goed. Daarna de
/// SiSa-opgave (eerst met een fout in het formulier), een wijziging met vier ogen, de vaststelling met vier ogen, de
/// monitoring met haar XLSX en CSV, en wat een andere gemeente niet ziet (404).
async fn uitvoering_op_de_paginas(app: App) {
    use vhf::toegang::Rol;
    app.zet_klok("2021-07-01T10:00:00Z");
    let db = vhf::db::Db::verbind(&app.database_url).await.unwrap();
    demoronde_tot(&app, &db, &["ontvankelijk", "in_beoordeling", "beoordeeld"]).await;
    let v: Value = app.bzk.post(app.url("/rondes/vhf-2021/verdelingen")).json(&json!({})).send().await.unwrap().json().await.unwrap();
    let r = app.bzk.post(app.url(&format!("/verdelingen/{}/besluit", v["id"].as_str().unwrap()))).json(&json!({"reden": "paginatest"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let o: Value = app.bzk.post(app.url("/rondes/vhf-2021/besluiten")).json(&json!({})).send().await.unwrap().json().await.unwrap();
    let bzk2 = client_met(&gebruiker_met_token(&db, "bzk-2", Rol::Beslisser, None).await);
    let gemeente = client_met(&gebruiker_met_token(&db, "gm0060", Rol::Aanvrager, Some("GM0060")).await);
    let bid = o["opgesteld"].as_array().unwrap().iter().find(|b| b["gemeente"] == "GM0060").unwrap()["id"].as_str().unwrap().to_string();
    let web = |p: &str| format!("{}{}", app.basis, p.replace("{bid}", &bid));
    // Een concept heeft nog geen uitvoering.
    assert_eq!(app.bzk.get(web("/uitvoering/{bid}")).send().await.unwrap().status(), StatusCode::CONFLICT);
    assert_eq!(bzk2.post(app.url(&format!("/besluiten/{bid}/ondertekening"))).json(&json!({})).send().await.unwrap().status(), StatusCode::OK);
    let overzicht = || async { app.bzk.get(app.url(&format!("/besluiten/{bid}/uitvoering"))).send().await.unwrap().json::<Value>().await.unwrap() };

    // De gemeente ziet haar uitkering; een andere gemeente krijgt 404, ook op de formulieren.
    let html = gemeente.get(web("/uitvoering/{bid}")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("€ 10.436.969,00") && html.contains("Nog geen betalingen"), "{html}");
    assert!(!html.contains("voorstellen</button>"), "de gemeente stelt geen betaling voor");
    for pad in ["/uitvoering/{bid}", "/uitvoering/{bid}/verantwoording", "/uitvoering/{bid}/wijziging"] {
        assert_eq!(app.ander.get(web(pad)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{pad}");
    }
    let (st, _) = formulier(&app.ander, web("/uitvoering/{bid}/wijziging"), &[("toelichting", "niet van mij")]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Betaling: voorstellen; een verouderde termijn wordt geweigerd.
    let html = app.bzk.get(web("/uitvoering/{bid}")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Termijn 1 voorstellen"), "{html}");
    let (st, html) = formulier(&app.bzk, web("/uitvoering/{bid}/betaling"), &[("termijn", "2")]).await;
    assert_eq!(st, StatusCode::CONFLICT, "{html}");
    assert!(html.contains("De pagina was verouderd"), "{html}");
    let (st, html) = formulier(&app.bzk, web("/uitvoering/{bid}/betaling"), &[("termijn", "1"), ("_sleutel", "voorstel-1")]).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("De betaling is voorgesteld") && html.contains("VHF-2021-GM0060-T1"), "{html}");
    assert!(html.contains("u stelde haar voor: een andere beslisser keurt goed") && !html.contains(">Goedkeuren<"), "de voorsteller krijgt geen knop");
    let btid = overzicht().await["betalingen"][0]["id"].as_str().unwrap().to_string();
    // Dezelfde beslisser keurt via het formulier goed: 403 met een Nederlandse melding, niets goedgekeurd.
    let (st, html) = formulier(&app.bzk, web("/uitvoering/{bid}/betaling/goedkeuren"), &[("betaling", &btid), ("_sleutel", "goed-1")]).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{html}");
    assert!(html.contains("Dat kan niet") && html.contains("een andere beslisser moet haar goedkeuren (vier ogen)"), "{html}");
    assert!(html.contains("role=\"alert\""));
    let u = overzicht().await;
    assert_eq!((u["betalingen"][0]["status"].as_str(), u["betaald"].as_str()), (Some("voorgesteld"), Some("0.00")));
    assert_eq!(auditregels(&app, "betaling.goedkeuring_geweigerd").await.len(), 1);
    assert!(auditregels(&app, "betaling.goedgekeurd").await.is_empty());
    // Een betaling van een andere uitkering in het formulier: 404.
    let (st, _) = formulier(&bzk2, web("/uitvoering/{bid}/betaling/goedkeuren"), &[("betaling", "BT-bestaat-niet")]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // Een tweede beslisser keurt goed, twee keer met dezelfde sleutel: één goedkeuring.
    for _ in 0..2 {
        let (st, html) = formulier(&bzk2, web("/uitvoering/{bid}/betaling/goedkeuren"), &[("betaling", &btid), ("_sleutel", "goed-2")]).await;
        assert_eq!(st, StatusCode::OK, "{html}");
        assert!(html.contains("De betaling is goedgekeurd"), "{html}");
    }
    assert_eq!(auditregels(&app, "betaling.goedgekeurd").await.len(), 1);
    assert_eq!(overzicht().await["betaald"], "10436969.00");

    // De SiSa-opgave over 2021 via het formulier: eerst een bedrag dat geen bedrag is (422, niets ingediend).
    app.zet_klok("2022-07-10T10:00:00Z");
    let html = gemeente.get(web("/uitvoering/{bid}/verantwoording")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("name=\"d0_dit_jaar\"") && html.contains("name=\"d1_eind\"") && html.contains("<option value=\"2021\""), "{html}");
    let mut velden = vec![
        ("jaar", "2021"),
        ("d0_dit_jaar", "300.000"),
        ("d0_cumulatief", "300.000"),
        ("d0_cofinanciering", "100.000"),
        ("d1_dit_jaar", "2.000.000"),
        ("d1_cumulatief", "2.500.000"),
        ("d1_cofinanciering", "1.000.000"),
        ("_sleutel", "opgave-2021"),
    ];
    let (st, html) = formulier(&gemeente, web("/uitvoering/{bid}/verantwoording"), &[&velden[..], &[("d0_dit_jaar", "drie ton")]].concat()).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(
        html.contains("href=\"#d0_dit_jaar\"") && (html.contains("&#39;drie ton&#39; is geen bedrag") || html.contains("'drie ton' is geen bedrag")),
        "{html}"
    );
    assert!(overzicht().await["verantwoordingen"].as_array().unwrap().is_empty());
    let (st, html) = formulier(&gemeente, web("/uitvoering/{bid}/verantwoording"), &velden).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("De SiSa-opgave is ingediend") && html.contains("Opgave over 2021") && html.contains("V02"), "{html}");
    let e = &overzicht().await["verantwoordingen"][0];
    assert_eq!((e["jaar"].as_i64(), e["deelplannen"][1]["besteed_cumulatief"].as_str()), (Some(2021), Some("2500000.00")));
    assert!(e["bevindingen"].as_array().unwrap().iter().any(|b| b["regel"] == "V02" && b["deelplan"] == "DEMO-2021-010 DP2"), "{e}");
    // Nog een keer over 2021: het jaar is er niet meer, en wie het toch stuurt, krijgt de weigering op de pagina.
    velden[7] = ("_sleutel", "opgave-2021-nogmaals");
    let (st, html) = formulier(&gemeente, web("/uitvoering/{bid}/verantwoording"), &velden).await;
    assert_eq!(st, StatusCode::CONFLICT, "{html}");
    assert!(html.contains("Over 2021 is al een opgave ingediend"), "{html}");

    // Een wijziging: de gemeente vraagt aan, een beslisser stelt voor, dezelfde keurt niet goed (403), een tweede wel.
    app.zet_klok("2022-09-01T10:00:00Z");
    let (st, html) = formulier(&gemeente, web("/uitvoering/{bid}/wijziging"), &[("d0_toegekend", "1.005.741,00"), ("d1_toegekend", "9.431.228,00")]).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("href=\"#toelichting\""), "{html}");
    let (st, html) = formulier(
        &gemeente,
        web("/uitvoering/{bid}/wijziging"),
        &[
            ("d0_toegekend", "1.005.741,00"),
            ("d1_toegekend", "9.431.228,00"),
            ("d1_woningen", "200"),
            ("toelichting", "verschuiving naar DP1"),
            ("_sleutel", "wz-1"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("De wijziging is aangevraagd"), "{html}");
    let wid = overzicht().await["wijzigingen"][0]["id"].as_str().unwrap().to_string();
    let (st, html) = formulier(&app.bzk, web("/uitvoering/{bid}/wijziging/beoordelen"), &[("wijziging", &wid), ("uitkomst", "goedkeuren")]).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "zonder reden: {html}");
    let (st, _) =
        formulier(&app.bzk, web("/uitvoering/{bid}/wijziging/beoordelen"), &[("wijziging", &wid), ("uitkomst", "goedkeuren"), ("reden", "past")]).await;
    assert_eq!(st, StatusCode::OK);
    let (st, html) = formulier(&app.bzk, web("/uitvoering/{bid}/wijziging/goedkeuren"), &[("wijziging", &wid)]).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{html}");
    assert!(html.contains("een andere beslisser moet haar goedkeuren"), "{html}");
    assert_eq!(overzicht().await["wijzigingen"][0]["status"], "voorgesteld");
    let (st, html) = formulier(&bzk2, web("/uitvoering/{bid}/wijziging/goedkeuren"), &[("wijziging", &wid)]).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("De wijziging is goedgekeurd") && html.contains("Geschiedenis van de versies"), "{html}");
    let u = overzicht().await;
    assert_eq!((u["deelplannen"][0]["toegekend"].as_str(), u["deelplannen"][1]["woningen_gepland"].as_i64()), (Some("1005741.00"), Some(200)));

    // De eindverantwoording als Excel-bestand op de pagina (multipart, CSRF als eerste deel in de browser; hier een
    // token): eerst met een fout in cel J4 (422, regel en cel op de pagina, niets ingediend), dan goed. Daarna de
    // vaststelling op de pagina: de opsteller tekent niet (403), een ander wel.
    app.zet_klok("2023-08-01T10:00:00Z");
    let sisa_blad = |opgeleverd: vhf::spreadsheet::Cel| {
        use vhf::spreadsheet::{Cel, Tabel};
        let mut t = Tabel::nieuw("SiSa 2022", "", &vhf::spreadsheet::sisa::KOLOMMEN);
        for (dp, dit, cum, cof, gestart, op) in
            [("DP1", 75_000_000, 105_000_000, 15_000_000, 30, Cel::Geheel(30)), ("DP2", 650_000_000, 900_000_000, 150_000_000, 200, opgeleverd)]
        {
            t.rij(vec![
                "DEMO-2021-010".into(),
                dp.into(),
                Cel::Euro(dit),
                Cel::Euro(cum),
                Cel::Euro(cof),
                "ja".into(),
                "renovatie".into(),
                "corporatie".into(),
                Cel::Geheel(gestart),
                op,
            ]);
        }
        vhf::spreadsheet::naar_xlsx(&[t]).unwrap()
    };
    let upload = |bestand: Vec<u8>, sleutel: &str| {
        let grens = "----vhfgrens";
        let mut body = format!("--{grens}\r\nContent-Disposition: form-data; name=\"jaar\"\r\n\r\n2022\r\n--{grens}\r\nContent-Disposition: form-data; name=\"_sleutel\"\r\n\r\n{sleutel}\r\n--{grens}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"sisa-2022.xlsx\"\r\nContent-Type: {}\r\n\r\n", vhf::spreadsheet::XLSX).into_bytes();
        body.extend(bestand);
        body.extend(format!("\r\n--{grens}--\r\n").into_bytes());
        gemeente
            .post(web("/uitvoering/{bid}/verantwoording/bestand"))
            .header("Content-Type", format!("multipart/form-data; boundary={grens}"))
            .body(body)
            .send()
    };
    let r = upload(sisa_blad(vhf::spreadsheet::Cel::Tekst("veel".into())), "sisa-bestand-1").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("regel 4, kolom opgeleverd (cel J4)") && html.contains("geen aantal woningen"), "{html}");
    assert_eq!(overzicht().await["verantwoordingen"].as_array().unwrap().len(), 1, "niets ingediend");
    let r = upload(sisa_blad(vhf::spreadsheet::Cel::Geheel(157)), "sisa-bestand-2").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("De SiSa-opgave is ingediend") && html.contains("Opgave over 2022"), "{html}");
    let e = &overzicht().await["verantwoordingen"][1];
    assert_eq!(
        (e["jaar"].as_i64(), e["deelplannen"][1]["besteed_cumulatief"].as_str(), e["deelplannen"][1]["eindverantwoording"].as_bool()),
        (Some(2022), Some("9000000.00"), Some(true)),
        "{e}"
    );
    app.zet_klok("2023-09-01T10:00:00Z");
    let (st, html) = formulier(&app.bzk, web("/uitvoering/{bid}/vaststelling"), &[("_sleutel", "vs-1")]).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("€ 2.133.455,02") && html.contains("Het concept van de brief"), "{html}");
    let vid = overzicht().await["vaststellingen"][0]["id"].as_str().unwrap().to_string();
    let (st, html) = formulier(&app.bzk, web("/uitvoering/{bid}/vaststelling/ondertekenen"), &[("vaststelling", &vid)]).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{html}");
    assert!(html.contains("een andere beslisser moet haar ondertekenen"), "{html}");
    let html = gemeente.get(web("/uitvoering/{bid}")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Nog geen vaststelling"), "de gemeente ziet het concept niet: {html}");
    let (st, html) = formulier(&bzk2, web("/uitvoering/{bid}/vaststelling/ondertekenen"), &[("vaststelling", &vid)]).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    let html = gemeente.get(web("/uitvoering/{bid}")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("/api/v1/vaststellingen/{vid}/brief")) && html.contains("€ 2.133.455,02"), "{html}");

    // De monitoring: het ministerie ziet alle rijen met een link naar de uitkering, de gemeente alleen de hare; de
    // export heeft dezelfde getallen (bedragen als getal).
    let html = app.bzk.get(web("/uitvoering?ronde=vhf-2021")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("href=\"/uitvoering/{bid}\"")) && html.contains("€ 2.133.455,02") && html.contains("te laat"), "{html}");
    let html = app.ander.get(web("/uitvoering?ronde=vhf-2021")).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains(&bid) && html.contains("Nog geen ondertekende besluiten"), "{html}");
    let xlsx = app.auditor.get(web("/uitvoering/monitoring.xlsx?ronde=vhf-2021")).send().await.unwrap().bytes().await.unwrap();
    let m = blad(&xlsx, "Monitoring");
    let rij = m.iter().find(|r| r.first() == Some(&calamine::Data::String("GM0060".into()))).expect("GM0060 in de export");
    assert_eq!(euro_in_cel(&rij[kolom(&m, "Teruggevorderd")]), 213_345_502);
    assert_eq!(euro_in_cel(&rij[kolom(&m, "Betaald")]), 1_043_696_900);
    let csv = gemeente.get(web("/uitvoering/monitoring.csv?ronde=vhf-2021")).send().await.unwrap().text().await.unwrap();
    assert_eq!(csv.lines().count(), 2, "kopregel en de eigen gemeente: {csv}");
    assert!(csv.lines().nth(1).unwrap().starts_with("GM0060,"), "{csv}");
    keten_klopt(&app).await;
}

#[tokio::test]
async fn uitvoering_op_de_paginas_met_vier_ogen_op_sqlite() {
    uitvoering_op_de_paginas(sqlite().await).await;
}

#[tokio::test]
async fn uitvoering_op_de_paginas_met_vier_ogen_op_postgresql() {
    if let Some(app) = postgres().await {
        uitvoering_op_de_paginas(app).await;
    }
}
