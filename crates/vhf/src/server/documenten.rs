//! `/api/v1/aanvragen/{id}/documenten`: uploaden (gestroomd, nooit helemaal in het geheugen), met controle van
//! het soort bestand aan de eerste bytes (PDF, XLSX, DOCX, ODT, PNG, JPEG), een maximale grootte, en de SHA-256
//! berekend tijdens het stromen. De inhoud gaat naar de documentopslag (object_store); de gegevens naar de
//! database. Lukt de database niet, dan wordt het opgeslagen bestand weer verwijderd; wat een crash toch achterlaat
//! (een bestand zonder rij) ruimt [`ruim_wezen_op`] bij de start op.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::StreamExt;
use object_store::path::Path as OpslagPad;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use vhf_core::aanvraag::DocumentSoort;

use super::AppState;
use super::fout::ApiFout;
use super::identiteit::Identiteit;
use super::routes::{Aanvrager, Basis, LEZERS, Route, Toegang};
use crate::db::aanvragen as db_aanvragen;
use crate::db::documenten::{self as db, DocumentRij};

/// De documentopslag: een map (standaard) of een S3-compatibele opslag, met de grootste toegestane upload.
#[derive(Clone)]
pub struct Opslag {
    pub store: Arc<dyn ObjectStore>,
    pub max_bytes: u64,
    /// Grootte van de delen waarin een upload naar de opslag gaat (map: 1 MiB; S3: 5 MiB, het minimum daar).
    pub deel_bytes: usize,
}

pub fn routes() -> Vec<Route> {
    vec![
        Route {
            methode: "POST",
            pad: "/aanvragen/{id}/documenten",
            samenvatting: "Upload een document (de body is het bestand; ?soort=…&naam=…&deelplan=…)",
            body: None,
            antwoorden: &[
                (201, "opgeslagen, met SHA-256"),
                (409, "aanvraag niet meer wijzigbaar"),
                (413, "te groot"),
                (415, "soort bestand niet toegestaan of klopt niet met de naam"),
                (422, "ongeldige gegevens"),
            ],
            basis: Basis::Api,
            toegang: Toegang::Rollen(&[Aanvrager]),
            handler: post(upload),
        },
        Route {
            methode: "GET",
            pad: "/aanvragen/{id}/documenten",
            samenvatting: "De documenten van een aanvraag",
            body: None,
            antwoorden: &[(200, "lijst"), (404, "bestaat niet")],
            basis: Basis::Api,
            toegang: LEZERS,
            handler: get(lijst),
        },
        Route {
            methode: "GET",
            pad: "/aanvragen/{id}/documenten/{document}",
            samenvatting: "De inhoud van een document (gestroomd)",
            body: None,
            antwoorden: &[(200, "het bestand"), (404, "bestaat niet")],
            basis: Basis::Api,
            toegang: LEZERS,
            handler: get(inhoud),
        },
    ]
}

/// Wat bij een document hoort: soort, naam en (bij een plan van aanpak) het deelplan.
#[derive(Deserialize)]
pub struct Gegevens {
    pub soort: DocumentSoort,
    pub naam: String,
    pub deelplan: Option<String>,
}

/// Het soort bestand volgens de eerste bytes, als het past bij de extensie van de naam.
fn herken(begin: &[u8], naam: &str) -> Result<&'static str, String> {
    let ext = naam.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let (verwacht, mime): (&[u8], &str) = match ext.as_str() {
        "pdf" => (b"%PDF-", "application/pdf"),
        "png" => (b"\x89PNG\r\n\x1a\n", "image/png"),
        "jpg" | "jpeg" => (b"\xff\xd8\xff", "image/jpeg"),
        "xlsx" => (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "docx" => (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "odt" => (b"PK\x03\x04", "application/vnd.oasis.opendocument.text"),
        _ => return Err(format!("'{naam}': alleen PDF, XLSX, DOCX, ODT, PNG en JPEG zijn toegestaan")),
    };
    if begin.starts_with(verwacht) {
        Ok(mime)
    } else {
        Err(format!("'{naam}' heet een .{ext}-bestand, maar de inhoud begint niet zoals een .{ext}-bestand begint"))
    }
}

fn status(code: StatusCode, titel: &str, detail: String) -> ApiFout {
    ApiFout::Status { code, titel: titel.to_string(), detail }
}

async fn upload(
    State(s): State<AppState>,
    ident: Identiteit,
    Path(id): Path<String>,
    g: Result<Query<Gegevens>, QueryRejection>,
    body: Body,
) -> Result<Response, ApiFout> {
    // Eerst of de gebruiker de aanvraag mag zien (anders 404) en haar penvoerder is, dan pas de rest.
    mag_toevoegen(&s, &ident, &id).await?;
    let Query(g) = g.map_err(|e| ApiFout::Ongeldig {
        detail: format!(
            "Geef ?soort=…&naam=… (en bij een plan van aanpak &deelplan=…); soort is plan_van_aanpak, begroting, intentieverklaring_corporatie of overig. ({e})"
        ),
        velden: vec![],
    })?;
    let rij = bewaar(&s, &ident, &id, g, body.into_data_stream()).await?;
    let mut r = (StatusCode::CREATED, axum::Json(json!(rij))).into_response();
    r.headers_mut().insert(header::LOCATION, HeaderValue::from_str(&format!("/api/v1/aanvragen/{id}/documenten/{}", rij.id)).expect("pad"));
    Ok(r)
}

/// Alleen de penvoerder voegt documenten toe; wie de aanvraag niet mag zien, krijgt 404.
pub async fn mag_toevoegen(s: &AppState, ident: &Identiteit, id: &str) -> Result<(), ApiFout> {
    let gebruiker = ident.gebruiker()?;
    let penvoerder = super::aanvragen::haal_rij(s, ident, id).await?.penvoerder;
    if gebruiker.gemeente.map(|g| g.to_string()).as_deref() != Some(penvoerder.as_str()) {
        return Err(ApiFout::GeenRecht(format!("Alleen de penvoerder ({penvoerder}) voegt documenten toe.")));
    }
    Ok(())
}

/// Slaat een document op dat als stroom binnenkomt (de body van de API, of het bestandsveld van een formulier):
/// gestroomd in delen naar de documentopslag, SHA-256 onderweg, soort herkend aan de eerste bytes, grootte
/// begrensd; dan de rij en de auditregel in één transactie. Mislukt iets, dan blijft er niets achter.
pub async fn bewaar<S, E>(s: &AppState, ident: &Identiteit, id: &str, g: Gegevens, mut stroom: S) -> Result<DocumentRij, ApiFout>
where
    S: futures_util::Stream<Item = Result<axum::body::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let id = id.to_string();
    mag_toevoegen(s, ident, &id).await?;
    if g.naam.is_empty() || g.naam.len() > 200 || g.naam.contains(['/', '\\', '\0']) {
        return Err(ApiFout::Ongeldig { detail: "naam: 1 tot 200 tekens, zonder / of \\".into(), velden: vec![] });
    }
    {
        let mut c = s.db.lees().await?;
        let a = db_aanvragen::haal_intern(&mut c, &id).await?.ok_or(ApiFout::NietGevonden)?;
        if !toevoegen_kan(a.status) {
            return Err(ApiFout::Conflict(format!(
                "De aanvraag is {}; documenten horen bij de ingediende inhoud en veranderen niet meer (alleen als de behandelaar om een aanvulling vraagt).",
                a.status
            )));
        }
        // Een document hoort bij een deelplan dat bestaat: anders telt het voor niets (E15) en zou het bij een
        // deelplan kunnen komen dat later wordt toegevoegd, zonder dat iemand het zag.
        if let Some(dp) = &g.deelplan {
            let werk = db_aanvragen::werkversie(&mut c, &id).await?.map(|(w, _, _)| w);
            let inhoud: vhf_core::aanvraag::Aanvraag =
                serde_json::from_str(werk.as_deref().unwrap_or(&a.inhoud)).map_err(|e| ApiFout::Intern(format!("inhoud van {id}: {e}")))?;
            if !inhoud.deelplannen.iter().any(|d| &d.id == dp) {
                let bekend: Vec<&str> = inhoud.deelplannen.iter().map(|d| d.id.as_str()).collect();
                return Err(ApiFout::Ongeldig {
                    detail: format!("De aanvraag heeft geen deelplan '{dp}'; wel: {}.", bekend.join(", ")),
                    velden: vec![super::fout::OngeldigVeld {
                        name: "deelplan".into(),
                        reason: format!("onbekend deelplan '{dp}'"),
                        line: None,
                        column: None,
                        sheet: None,
                        cell: None,
                    }],
                });
            }
        }
    }
    let doc_id = super::nieuw_id("DOC");
    let sleutel = format!("documenten/{id}/{doc_id}");
    let pad = OpslagPad::from(sleutel.as_str());
    // Het begin vasthouden tot er genoeg is om het soort te herkennen.
    let mut begin: Vec<u8> = Vec::new();
    let mut mime = None;
    let mut hasher = Sha256::new();
    let mut grootte: u64 = 0;
    let mut schrijver: Option<WriteMultipart> = None;
    let max = s.opslag.max_bytes;
    let resultaat: Result<(), ApiFout> = async {
        while let Some(stuk) = stroom.next().await {
            let stuk = stuk.map_err(|e| ApiFout::Ongeldig { detail: format!("upload afgebroken: {e}"), velden: vec![] })?;
            grootte += stuk.len() as u64;
            if grootte > max {
                return Err(status(StatusCode::PAYLOAD_TOO_LARGE, "Bestand te groot", format!("Een document mag hoogstens {} MB zijn.", max / 1024 / 1024)));
            }
            hasher.update(&stuk);
            if mime.is_none() {
                begin.extend_from_slice(&stuk);
                if begin.len() < 8 {
                    continue;
                }
                mime = Some(herken(&begin, &g.naam).map_err(|e| status(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Soort bestand niet toegestaan", e))?);
                let w = s.opslag.store.put_multipart(&pad).await.map_err(|e| ApiFout::Intern(format!("opslag: {e}")))?;
                let mut w = WriteMultipart::new_with_chunk_size(w, s.opslag.deel_bytes);
                w.write(&begin);
                begin = Vec::new();
                schrijver = Some(w);
                continue;
            }
            let w = schrijver.as_mut().expect("gezet bij het herkennen");
            // Hoogstens twee delen tegelijk onderweg: het geheugen blijft begrensd, hoe groot het bestand ook is.
            w.wait_for_capacity(2).await.map_err(|e| ApiFout::Intern(format!("opslag: {e}")))?;
            w.write(&stuk);
        }
        if mime.is_none() {
            mime = Some(herken(&begin, &g.naam).map_err(|e| status(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Soort bestand niet toegestaan", e))?);
            let w = s.opslag.store.put_multipart(&pad).await.map_err(|e| ApiFout::Intern(format!("opslag: {e}")))?;
            let mut w = WriteMultipart::new_with_chunk_size(w, s.opslag.deel_bytes);
            w.write(&begin);
            schrijver = Some(w);
        }
        Ok(())
    }
    .await;
    if let Err(e) = resultaat {
        if let Some(w) = schrijver {
            let _ = w.abort().await;
        }
        return Err(e);
    }
    schrijver.expect("gezet").finish().await.map_err(|e| ApiFout::Intern(format!("opslag: {e}")))?;
    let sha = vhf_core::levensloop::hex(&hasher.finalize());
    let rij = DocumentRij {
        id: doc_id,
        aanvraag_id: id.clone(),
        soort: serde_json::to_value(g.soort).expect("soort").as_str().unwrap_or_default().to_string(),
        deelplan: g.deelplan,
        naam: g.naam,
        soort_bestand: mime.unwrap_or("application/octet-stream").to_string(),
        grootte: i64::try_from(grootte).unwrap_or(i64::MAX),
        sha256: sha,
        sleutel,
        aangemaakt_op: (s.klok)().as_microsecond(),
    };
    // De database; lukt dat niet (of is de aanvraag intussen ingediend), dan het bestand weer weg.
    let opgeslagen: Result<(), ApiFout> = async {
        let mut tx = s.db.schrijf().await?;
        let a = db_aanvragen::haal_intern(&mut tx, &id).await?.ok_or(ApiFout::NietGevonden)?;
        if !toevoegen_kan(a.status) {
            return Err(ApiFout::Conflict(format!("De aanvraag is intussen {}.", a.status)));
        }
        db::voeg_toe(&mut tx, &rij).await?;
        let na = json!({ "document": rij.id, "naam": rij.naam, "soort": rij.soort, "grootte": rij.grootte, "sha256": rij.sha256 });
        ident.leg_vast(&mut tx, rij.aangemaakt_op, "document.toegevoegd", format!("aanvraag/{id}/document/{}", rij.id), Some(&id), None, Some(na)).await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    if let Err(e) = opgeslagen {
        let _ = s.opslag.store.delete(&pad).await;
        return Err(e);
    }
    tracing::info!(aanvraag = %id, document = %rij.id, grootte = rij.grootte, "document opgeslagen");
    Ok(rij)
}

/// Een document komt erbij zolang de aanvraag een concept is, en als de behandelaar om een aanvulling vroeg: E15
/// toetst op wat er geüpload is, dus een aanvulling moet een ontbrekend document kunnen leveren. Daarna (weer
/// ingediend) liggen de documenten vast.
pub fn toevoegen_kan(s: vhf_core::levensloop::Status) -> bool {
    s.inhoud_wijzigbaar() || s == vhf_core::levensloop::Status::AanvullingGevraagd
}

/// Mag deze gebruiker dit document zien? Een commissielid alleen documenten van zijn toegewezen deelplannen.
fn zichtbaar(d: &DocumentRij, toegewezen: &Option<std::collections::BTreeSet<String>>) -> bool {
    match toegewezen {
        None => true,
        Some(t) => d.deelplan.as_ref().is_some_and(|dp| t.contains(dp)),
    }
}

async fn lijst(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>) -> Result<Response, ApiFout> {
    let r = super::aanvragen::haal_rij(&s, &ident, &id).await?;
    let toegewezen = super::aanvragen::toegewezen(&s, &ident, &r).await?;
    let mut c = s.db.lees().await?;
    let mut v = db::van_aanvraag(&mut c, &id).await?;
    v.retain(|d| zichtbaar(d, &toegewezen));
    Ok(axum::Json(json!({ "data": v })).into_response())
}

async fn inhoud(State(s): State<AppState>, ident: Identiteit, Path((id, doc)): Path<(String, String)>) -> Result<Response, ApiFout> {
    let r = super::aanvragen::haal_rij(&s, &ident, &id).await?;
    let toegewezen = super::aanvragen::toegewezen(&s, &ident, &r).await?;
    let d = {
        let mut c = s.db.lees().await?;
        db::haal(&mut c, &id, &doc).await?.filter(|d| zichtbaar(d, &toegewezen)).ok_or(ApiFout::NietGevonden)?
    };
    let r = s.opslag.store.get(&OpslagPad::from(d.sleutel.as_str())).await.map_err(|e| ApiFout::Intern(format!("opslag: {e}")))?;
    let mut resp = Body::from_stream(r.into_stream()).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&d.soort_bestand).unwrap_or(HeaderValue::from_static("application/octet-stream")));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(d.grootte));
    h.insert(header::ETAG, HeaderValue::from_str(&format!("\"{}\"", d.sha256)).expect("hex"));
    let veilig: String = d.naam.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{veilig}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

/// Ruimt bestanden op die geen rij in de database hebben (een crash tussen opslaan en vastleggen), als ze ouder
/// zijn dan een uur, zodat een upload van een ander exemplaar die nog loopt niet wordt geraakt. Ruimt een ander
/// exemplaar tegelijk op, dan is een bestand soms weg voordat dit exemplaar het las of verwijderde: dat telt niet
/// mee en is geen fout (S3 meldt het niet, een map wel).
pub async fn ruim_wezen_op(db: &crate::db::Db, store: &dyn ObjectStore) -> Result<usize, String> {
    let grens = jiff::Timestamp::now().as_second() - 3600;
    let mut lijst = store.list(Some(&OpslagPad::from("documenten")));
    let mut weg = 0;
    while let Some(meta) = lijst.next().await {
        let meta = match meta {
            Ok(m) => m,
            Err(object_store::Error::NotFound { .. }) => continue,
            Err(e) => return Err(e.to_string()),
        };
        if meta.last_modified.timestamp() > grens {
            continue;
        }
        let mut c = db.lees().await.map_err(|e| e.to_string())?;
        if !db::sleutel_bestaat(&mut c, meta.location.as_ref()).await.map_err(|e| e.to_string())? {
            match store.delete(&meta.location).await {
                Ok(()) => weg += 1,
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
    }
    Ok(weg)
}

#[cfg(test)]
mod tests {
    use super::herken;

    #[test]
    fn soort_bestand_aan_de_eerste_bytes() {
        assert_eq!(herken(b"%PDF-1.7\n...", "plan.pdf"), Ok("application/pdf"));
        assert_eq!(herken(b"%PDF-1.7\n...", "PLAN.PDF"), Ok("application/pdf"));
        assert!(herken(b"GIF89a......", "plan.pdf").unwrap_err().contains("begint niet zoals een .pdf"));
        assert!(herken(b"PK\x03\x04....", "begroting.xlsx").is_ok());
        assert!(herken(b"PK\x03\x04....", "plan.pdf").is_err());
        assert!(herken(b"\x89PNG\r\n\x1a\n", "kaart.png").is_ok());
        assert!(herken(b"MZ\x90\x00....", "virus.exe").unwrap_err().contains("alleen PDF"));
    }
}
