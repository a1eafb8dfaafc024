//! `vhf serve --demo`: een lege database krijgt een realistische ronde (de generator van de kern: ronde 2021,
//! 48 aanvragen, 75 deelplannen, ingediend binnen het loket, met de beoordelingen van de commissie), zodat
//! verdelen en besluiten meteen te proberen zijn zodra de behandelaar ze ontvankelijk verklaart (de werkvoorraad
//! doet dat voor alle tegelijk; een verdeling neemt alleen ontvankelijke aanvragen mee). Een database met
//! aanvragen wordt nooit aangeraakt.
//!
//! Elk document dat een demo-aanvraag verklaart, wordt ook echt in de documentopslag gezet (een kleine
//! plaatshouder met de juiste eerste bytes), met zijn rij in de documententabel; de SHA-256 in de verklaarde
//! lijst is die van de plaatshouder. E15 toetst op de server wat er geüpload is, dus zonder dat zou geen enkele
//! demo-aanvraag ontvankelijk zijn.

use object_store::path::Path as OpslagPad;
use object_store::{ObjectStore, ObjectStoreExt};
use vhf_core::levensloop::{Status, inhoudshash};
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;

use crate::db::Db;
use crate::db::aanvragen::{self as db, AanvraagRij, IndieningRij};
use crate::toegang::{Gebruiker, Rol};

/// De inhoud van een plaatshouder voor een demodocument: een bestand dat begint zoals zijn soort (PDF of XLSX),
/// met in gewone tekst wat het is.
fn plaatshouder(kenmerk: &str, naam: &str) -> (Vec<u8>, &'static str) {
    let tekst = format!("Demodocument '{naam}' bij aanvraag {kenmerk} (vhf serve --demo); geen echte inhoud.\n");
    if naam.to_ascii_lowercase().ends_with(".xlsx") {
        ([b"PK\x03\x04".as_slice(), tekst.as_bytes()].concat(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    } else {
        (format!("%PDF-1.4\n% {tekst}%%EOF\n").into_bytes(), "application/pdf")
    }
}

/// Zaait de demoronde als de database nog geen aanvragen heeft, met de documenten in `opslag`. Geeft het aantal
/// gezaaide aanvragen.
pub async fn zaai(database: &Db, opslag: &dyn ObjectStore) -> Result<usize, String> {
    let mut tx = database.schrijf().await.map_err(|e| e.to_string())?;
    let (_, totaal) = db::lijst(&mut tx, None, &crate::toegang::Zicht::Alles, 1, 1).await.map_err(|e| e.to_string())?;
    if totaal > 0 {
        return Ok(0);
    }
    let ronde = Ronde::zoek("vhf-2021").expect("ingebouwde ronde");
    let mut invoer = vhf_core::demo::genereer(ronde, 75, 2021);
    for (i, a) in invoer.aanvragen.iter_mut().enumerate() {
        let ingediend = a.ingediend_op.expect("de generator dient in");
        let micro = ingediend.as_microsecond();
        let id = format!("AVDEMO{i:04}");
        // De verklaarde documenten echt in de opslag, met hun eigen SHA-256.
        let mut rijen = Vec::new();
        for (j, d) in a.documenten.iter_mut().enumerate() {
            let (bytes, soort_bestand) = plaatshouder(&a.kenmerk, &d.naam);
            let sha = vhf_core::levensloop::sha256_hex(&bytes);
            d.sha256 = serde_json::from_value(serde_json::Value::String(sha.clone())).map_err(|e| e.to_string())?;
            let doc_id = format!("DOCDEMO{i:04}{j:02}");
            let sleutel = format!("documenten/{id}/{doc_id}");
            let grootte = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
            opslag.put(&OpslagPad::from(sleutel.as_str()), bytes.into()).await.map_err(|e| format!("demodocument {sleutel}: {e}"))?;
            rijen.push(crate::db::documenten::DocumentRij {
                id: doc_id,
                aanvraag_id: id.clone(),
                soort: serde_json::to_value(d.soort).map_err(|e| e.to_string())?.as_str().unwrap_or_default().to_string(),
                deelplan: d.deelplan.clone(),
                naam: d.naam.clone(),
                soort_bestand: soort_bestand.to_string(),
                grootte,
                sha256: sha,
                sleutel,
                aangemaakt_op: micro,
            });
        }
        let a = &*a;
        let inhoud = serde_json::to_string(a).map_err(|e| e.to_string())?;
        let rij = AanvraagRij {
            id: id.clone(),
            ronde: a.ronde.clone(),
            kenmerk: a.kenmerk.clone(),
            penvoerder: a.penvoerder().map(|g| g.to_string()).unwrap_or_default(),
            status: Status::Ingediend,
            versie: 1,
            inhoud: inhoud.clone(),
            aangemaakt_op: micro,
            gewijzigd_op: micro,
        };
        db::voeg_toe(&mut tx, &rij).await.map_err(|e| e.to_string())?;
        let bewijs = IndieningRij { aanvraag_id: id.clone(), ontvangstnummer: format!("ONT-DEMO{i:04}"), ingediend_op: micro, sha256: inhoudshash(a), inhoud };
        db::voeg_indiening_toe(&mut tx, &bewijs).await.map_err(|e| e.to_string())?;
        db::voeg_overgang_toe(&mut tx, &id, None, Status::Concept, "demo", "demogegevens", micro).await.map_err(|e| e.to_string())?;
        db::voeg_overgang_toe(&mut tx, &id, Some(Status::Concept), Status::Ingediend, "demo", "demogegevens: ingediend binnen het loket", micro)
            .await
            .map_err(|e| e.to_string())?;
        let mut gemeenten: Vec<String> = a.aanvragers.iter().map(|g| g.to_string()).collect();
        gemeenten.push(rij.penvoerder.clone());
        crate::db::toegang::zet_aanvraag_gemeenten(&mut tx, &id, &gemeenten).await.map_err(|e| e.to_string())?;
        for d in &rijen {
            crate::db::documenten::voeg_toe(&mut tx, d).await.map_err(|e| e.to_string())?;
        }
        let geupload: Vec<_> = rijen.iter().map(|d| d.als_document()).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
        let t = vhf_core::toetsing::toets_met_documenten(a, ronde, Referentie::ingebouwd(), ingediend, &geupload).map_err(|e| e.to_string())?;
        db::voeg_toetsing_toe(&mut tx, &id, "indiening", &db::TeBewaren::van(&t), micro).await.map_err(|e| e.to_string())?;
    }
    let beoordelingen = serde_json::to_string(&invoer.beoordelingen).map_err(|e| e.to_string())?;
    crate::db::verdeling::voeg_beoordeling_toe(&mut tx, "vhf-2021", &beoordelingen, "demo", jiff::Timestamp::now().as_microsecond())
        .await
        .map_err(|e| e.to_string())?;
    let id_van = |kenmerk: &str| invoer.aanvragen.iter().position(|a| a.kenmerk == kenmerk).map(|i| format!("AVDEMO{i:04}"));
    let toewijzingen: Vec<(String, String, String)> = invoer
        .beoordelingen
        .toewijzingen
        .iter()
        .flat_map(|t| t.leden.iter().filter_map(|l| Some((l.clone(), id_van(&t.aanvraag)?, t.deelplan.clone()))).collect::<Vec<_>>())
        .collect();
    crate::db::toegang::zet_toewijzingen(&mut tx, "vhf-2021", &toewijzingen).await.map_err(|e| e.to_string())?;
    // Een gebruiker per rol, voor de ontwikkel-login. De aanvragers werken bij de penvoerders van de eerste twee
    // aanvragen; elk lid van de commissie is een commissielid (met zijn toewijzingen).
    let nu = jiff::Timestamp::now().as_microsecond();
    let gm = |i: usize| invoer.aanvragen.get(i).and_then(|a| a.penvoerder());

    let mut gebruikers = vec![
        Gebruiker::nieuw("demo-aanvrager", "Anne Aanvrager", Rol::Aanvrager, gm(0))?,
        Gebruiker::nieuw("demo-aanvrager-2", "Bram Aanvrager", Rol::Aanvrager, gm(1))?,
        Gebruiker::nieuw("demo-behandelaar", "Bea Behandelaar (RVO)", Rol::Behandelaar, None)?,
        Gebruiker::nieuw("demo-beslisser", "Daan Beslisser (BZK)", Rol::Beslisser, None)?,
        Gebruiker::nieuw("demo-auditor", "Eva Auditor", Rol::Auditor, None)?,
        Gebruiker::nieuw("demo-beheerder", "Frank Beheerder", Rol::Beheerder, None)?,
        Gebruiker::nieuw("demo-adviseur", "Ada Adviseur (onafhankelijk)", Rol::Adviseur, None)?,
        Gebruiker::nieuw("demo-adviseur-2", "Bas Adviseur (onafhankelijk)", Rol::Adviseur, None)?,
    ];
    // Elk lid van de commissie kan inloggen (met zijn eigen toewijzingen).
    for l in &invoer.beoordelingen.leden {
        gebruikers.push(Gebruiker::nieuw(&l.id, &l.naam, Rol::Commissielid, None)?);
    }
    for g in &gebruikers {
        crate::db::toegang::sla_op(&mut tx, g, None, nu).await.map_err(|e| e.to_string())?;
    }
    // De pool van onafhankelijke adviseurs: de tweede heeft een belang bij de gemeente van de tweede aanvrager (en
    // krijgt haar verzoeken dus niet).
    for (id, expertise, belangen) in [
        ("demo-adviseur", r#"["herstructurering","particuliere voorraad","businesscase"]"#, "[]".to_string()),
        ("demo-adviseur-2", r#"["verduurzaming","VvE-aanpak"]"#, serde_json::json!(gm(1).map(|g| vec![g.to_string()]).unwrap_or_default()).to_string()),
    ] {
        let naam = gebruikers.iter().find(|g| g.id == id).map(|g| g.naam.clone()).unwrap_or_default();
        let a = crate::db::ondersteuning::AdviseurRij {
            gebruiker: id.into(),
            naam,
            expertise: expertise.into(),
            uren_per_week: 16,
            beschikbaar: true,
            belangen,
            bijgewerkt_door: "vhf serve --demo".into(),
            bijgewerkt_op: nu,
        };
        crate::db::ondersteuning::zet_adviseur(&mut tx, &a).await.map_err(|e| e.to_string())?;
    }
    let g = crate::db::audit::Gebeurtenis {
        op: nu,
        actor: "vhf serve --demo",
        rol: "systeem",
        actie: "demo.gezaaid",
        object: "ronde/vhf-2021".into(),
        aanvraag_id: None,
        voor: None,
        na: Some(serde_json::json!({ "aanvragen": invoer.aanvragen.len(), "gebruikers": gebruikers.iter().map(|g| &g.id).collect::<Vec<_>>() }).to_string()),
        verzoek_id: "",
    };
    crate::db::audit::schrijf(&mut tx, g).await.map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(invoer.aanvragen.len())
}
