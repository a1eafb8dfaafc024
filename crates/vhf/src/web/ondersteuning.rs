//! Onafhankelijke ondersteuning in de browser: één pagina per ronde, met wat de rol kan doen. Een gemeente in een
//! prioriteitsgebied vraagt ondersteuning aan en volgt haar verzoeken; een adviseur ziet zijn toegewezen verzoeken
//! en schrijft uren; RVO houdt de pool bij, wijst toe of af en keurt uren goed of af; ministerie en auditor lezen
//! het verslag per gebied. Alles via de handelingen van de API (`handelingen/ondersteuning.rs`): hetzelfde zicht
//! (een ander verzoek bestaat niet), dezelfde weigeringen met de getallen, hetzelfde audittrail.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use vhf_core::codes::GemeenteCode;
use vhf_core::ondersteuning as regels;
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;

use super::aanvragen::naar;
use super::formulier::Formulier;
use super::pagina::{Kader, html};
use crate::db::ondersteuning as db;
use crate::handelingen::Verzoek;
use crate::handelingen::ondersteuning as handeling;
use crate::server::AppState;
use crate::server::fout::ApiFout;
use crate::server::identiteit::Identiteit;
use crate::server::routes::{Aanvrager, Adviseur, Auditor, Behandelaar, Beslisser, Route, Toegang};
use crate::toegang::Rol;

pub fn routes() -> Vec<Route> {
    let r = super::pagina::route;
    const RVO: Toegang = Toegang::Rollen(&[Behandelaar]);
    vec![
        r(
            "GET",
            "/ondersteuning",
            "Onafhankelijke ondersteuning (?ronde=): aanvragen (gemeente), toegewezen verzoeken en uren (adviseur), pool, toewijzen en uren beoordelen (RVO), verslag per gebied",
            Toegang::Rollen(&[Aanvrager, Behandelaar, Beslisser, Auditor, Adviseur]),
            get(pagina),
        ),
        r(
            "POST",
            "/ondersteuning/verzoeken",
            "Ondersteuning aanvragen (formulier: ronde, gebied, onderwerp, deelplan, uren)",
            Toegang::Rollen(&[Aanvrager]),
            post(vraag_aan),
        ),
        r("POST", "/ondersteuning/adviseurs", "Een adviseur in de pool zetten of bijwerken (formulier)", RVO, post(zet_adviseur)),
        r("POST", "/ondersteuning/{id}/toewijzing", "Een adviseur toewijzen (formulier: adviseur, uren)", RVO, post(wijs_toe)),
        r("POST", "/ondersteuning/{id}/afwijzing", "Een verzoek afwijzen (formulier: reden)", RVO, post(wijs_af)),
        r(
            "POST",
            "/ondersteuning/{id}/uren",
            "Uren schrijven op een toegewezen verzoek (formulier: datum, uren, omschrijving)",
            Toegang::Rollen(&[Adviseur]),
            post(schrijf_uren),
        ),
        r("POST", "/urenregels/{id}/beoordeling", "Geschreven uren goedkeuren of afkeuren (formulier: uitkomst, reden)", RVO, post(beoordeel_uren)),
    ]
}

#[derive(Deserialize, Default)]
struct Keuze {
    ronde: Option<String>,
    gedaan: Option<String>,
}

struct Regel {
    id: String,
    gemeente: String,
    gebied: String,
    onderwerp: String,
    deelplan: String,
    status: String,
    gevraagd: String,
    toegekend: String,
    /// Voor het invulveld: "40" of "12,5".
    gevraagd_getal: String,
    toegekend_getal: String,
    geschreven: String,
    adviseur: String,
    reden: String,
    aangevraagd: bool,
    toegewezen: bool,
}

struct Urenregel {
    id: String,
    gemeente: String,
    adviseur: String,
    datum: String,
    uren: String,
    omschrijving: String,
    status: String,
    reden: String,
}

struct Poolregel {
    id: String,
    naam: String,
    expertise: String,
    uren_per_week: i64,
    beschikbaar: bool,
    belangen: String,
}

struct Gebiedsregel {
    naam: String,
    budget: String,
    toegekend: String,
    geschreven: String,
    goedgekeurd: String,
    vrij: String,
    verzoeken: usize,
}

#[derive(Template)]
#[template(path = "ondersteuning/pagina.html")]
struct Pagina {
    kader: Kader,
    ronde: String,
    rondes: Vec<(String, String)>,
    rol: &'static str,
    /// De gebieden waarvoor de gemeente van de aanvrager kan vragen (id, naam); leeg met `buiten` als ze er
    /// buiten valt.
    gebieden: Vec<(String, String)>,
    buiten: Option<String>,
    budget: String,
    regels: Vec<Regel>,
    uren: Vec<Urenregel>,
    pool: Vec<Poolregel>,
    verslag: Vec<Gebiedsregel>,
    sleutel: String,
    f: Formulier,
    melding: Option<String>,
}

fn rolcode(r: Rol) -> &'static str {
    match r {
        Rol::Aanvrager => "gemeente",
        Rol::Adviseur => "adviseur",
        Rol::Behandelaar => "rvo",
        _ => "lezer",
    }
}

fn gemeentenaam(g: &str) -> String {
    GemeenteCode::parse(g).map(|c| Referentie::ingebouwd().gemeentenaam(c)).unwrap_or_else(|_| g.to_string())
}

fn uren(m: i64) -> String {
    regels::uren(u32::try_from(m.max(0)).unwrap_or(u32::MAX))
}

async fn maak(s: &AppState, ident: &Identiteit, ronde: String, f: Formulier, melding: Option<String>) -> Result<Pagina, ApiFout> {
    let r = Ronde::zoek(&ronde).ok_or(ApiFout::NietGevonden)?;
    let g = ident.gebruiker()?;
    let zicht = handeling::zicht(ident)?;
    let nu = (s.klok)();
    let p = r.parameters_op(nu);
    let lijst = p.prioriteitslijst.waarde.clone();
    let (gebieden, buiten) = match (g.rol, g.gemeente) {
        (Rol::Aanvrager, Some(gm)) => match regels::gebieden_van(Referentie::ingebouwd(), &lijst, gm) {
            Ok(v) => (v.into_iter().map(|x| (x.id.clone(), x.naam.clone())).collect(), None),
            Err(e) => (vec![], Some(e)),
        },
        _ => (vec![], None),
    };
    let mut c = s.db.lees().await?;
    let rijen = db::verzoeken(&mut c, &ronde, &zicht).await?;
    let gebiedsnaam = |id: &str| Referentie::ingebouwd().lijst(&lijst).and_then(|l| l.get(id)).map_or_else(|| id.to_string(), |x| x.naam.clone());
    let regels_: Vec<Regel> = rijen
        .iter()
        .map(|v| Regel {
            id: v.id.clone(),
            gemeente: gemeentenaam(&v.gemeente),
            gebied: gebiedsnaam(&v.gebied),
            onderwerp: v.onderwerp.clone(),
            deelplan: v.deelplan.clone(),
            status: v.status.clone(),
            gevraagd: uren(v.gevraagd),
            toegekend: uren(v.toegekend),
            gevraagd_getal: uren(v.gevraagd).trim_end_matches(" uur").to_string(),
            toegekend_getal: uren(v.toegekend).trim_end_matches(" uur").to_string(),
            geschreven: uren(v.geschreven),
            adviseur: v.adviseur.clone().unwrap_or_default(),
            reden: v.reden.clone(),
            aangevraagd: v.status == "aangevraagd",
            toegewezen: v.status == "toegewezen",
        })
        .collect();
    let gemeente_van: std::collections::BTreeMap<&str, &str> = rijen.iter().map(|v| (v.id.as_str(), v.gemeente.as_str())).collect();
    let uren_: Vec<Urenregel> = db::urenregels(&mut c, &ronde, "", &zicht)
        .await?
        .into_iter()
        .map(|u| Urenregel {
            gemeente: gemeente_van.get(u.verzoek.as_str()).map(|g| gemeentenaam(g)).unwrap_or_default(),
            uren: uren(u.minuten),
            id: u.id,
            adviseur: u.adviseur,
            datum: u.datum,
            omschrijving: u.omschrijving,
            status: u.status,
            reden: u.reden,
        })
        .collect();
    let rol = rolcode(g.rol);
    let pool = if matches!(g.rol, Rol::Behandelaar | Rol::Beslisser | Rol::Auditor) {
        db::adviseurs(&mut c)
            .await?
            .into_iter()
            .map(|a| {
                let lijst = |t: &str| serde_json::from_str::<Vec<String>>(t).unwrap_or_default();
                Poolregel {
                    expertise: lijst(&a.expertise).join(", "),
                    belangen: lijst(&a.belangen).iter().map(|b| gemeentenaam(b)).collect::<Vec<_>>().join(", "),
                    id: a.gebruiker,
                    naam: a.naam,
                    uren_per_week: a.uren_per_week,
                    beschikbaar: a.beschikbaar,
                }
            })
            .collect()
    } else {
        vec![]
    };
    let verslag = if matches!(g.rol, Rol::Behandelaar | Rol::Beslisser | Rol::Auditor) {
        let v = handeling::verslag(&mut c, r, nu).await?;
        let t = |x: &serde_json::Value| x.as_str().unwrap_or("0").replace('.', ",") + " uur";
        v["gebieden"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|x| Gebiedsregel {
                naam: x["naam"].as_str().unwrap_or_default().to_string(),
                budget: t(&x["uren_budget"]),
                toegekend: t(&x["uren_toegekend"]),
                geschreven: t(&x["uren_geschreven"]),
                goedgekeurd: t(&x["uren_goedgekeurd"]),
                vrij: t(&x["uren_vrij"]),
                verzoeken: x["verzoeken"].as_array().map_or(0, Vec::len),
            })
            .collect()
    } else {
        vec![]
    };
    let gebruikt = p.gebruikt(vhf_core::regeling::ParameterNaam::ondersteuning);
    Ok(Pagina {
        kader: Kader::nieuw(s, ident, "Onafhankelijke ondersteuning", "/ondersteuning"),
        rondes: Ronde::ingebouwd().iter().map(|r| (r.id.clone(), r.naam.clone())).collect(),
        ronde,
        rol,
        gebieden,
        buiten,
        budget: format!("{} (vanaf {}, bron: {})", gebruikt.waarde, gebruikt.vanaf.strftime("%d-%m-%Y"), gebruikt.bron),
        regels: regels_,
        uren: uren_,
        pool,
        verslag,
        sleutel: crate::server::identiteit::geheim(),
        f,
        melding,
    })
}

async fn pagina(State(s): State<AppState>, ident: Identiteit, Query(k): Query<Keuze>) -> Result<Response, ApiFout> {
    let ronde = k.ronde.filter(|r| !r.is_empty()).unwrap_or_else(|| super::pagina::huidige_ronde((s.klok)()));
    let melding = k.gedaan.map(|w| {
        match w.as_str() {
            "aangevraagd" => "Uw verzoek is ontvangen; RVO wijst een onafhankelijke adviseur toe.",
            "pool" => "De adviseur staat in de pool.",
            "toegewezen" => "De adviseur is toegewezen; hij ziet het verzoek nu bij zijn werk.",
            "afgewezen" => "Het verzoek is afgewezen; de gemeente ziet de reden.",
            "uren" => "De uren zijn geschreven; RVO keurt ze goed.",
            _ => "De uren zijn beoordeeld.",
        }
        .to_string()
    });
    Ok(html(StatusCode::OK, &maak(&s, &ident, ronde, Formulier::default(), melding).await?))
}

/// De ronde uit het formulier, of de huidige.
fn ronde_van(s: &AppState, f: &Formulier) -> String {
    Some(f.w("ronde").to_string()).filter(|r| Ronde::zoek(r).is_some()).unwrap_or_else(|| super::pagina::huidige_ronde((s.klok)()))
}

/// Na de handeling: door naar de pagina, of de pagina opnieuw met de weigering bij het veld en de invoer erin.
async fn na(
    s: &AppState,
    ident: &Identiteit,
    mut f: Formulier,
    veld: &str,
    gedaan: &str,
    uitkomst: Result<serde_json::Value, ApiFout>,
) -> Result<Response, ApiFout> {
    let ronde = ronde_van(s, &f);
    match uitkomst {
        Ok(_) | Err(ApiFout::Herhaald(_)) => Ok(naar(&format!("/ondersteuning?ronde={ronde}&gedaan={gedaan}"))),
        Err(e) => {
            // Een verzoek dat niet bestaat of niet zichtbaar is: de gewone 404-pagina, die niets van het verzoek (ook
            // het id uit het adres niet) terugzegt.
            let status = match &e {
                ApiFout::Conflict(_) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let m = match e {
                ApiFout::Ongeldig { detail, .. } | ApiFout::Conflict(detail) | ApiFout::GeenRecht(detail) | ApiFout::Regel { detail, .. } => detail,
                e => return Err(e),
            };
            f.fout(veld, m);
            Ok(html(status, &maak(s, ident, ronde, f, None).await?))
        }
    }
}

fn sleutel(f: &Formulier, achter: &str) -> Option<String> {
    Some(f.w("_sleutel").to_string()).filter(|k| !k.is_empty()).map(|k| format!("{k}/{achter}"))
}

async fn vraag_aan(State(s): State<AppState>, ident: Identiteit, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let a = handeling::Aanvraag {
        ronde: ronde_van(&s, &f),
        gebied: Some(f.w("gebied").to_string()).filter(|g| !g.is_empty()),
        onderwerp: f.w("onderwerp").to_string(),
        deelplan: Some(f.w("deelplan").to_string()),
        uren: handeling::UrenInvoer::Tekst(f.w("uren").to_string()),
    };
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, "aanvraag"), "POST /ondersteuningsverzoeken", body.clone())?;
    let u = handeling::vraag_aan(&v, a).await;
    na(&s, &ident, f, "onderwerp", "aangevraagd", u).await
}

async fn zet_adviseur(State(s): State<AppState>, ident: Identiteit, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let id = f.w("adviseur").to_string();
    let lijst = |t: &str| t.split([',', ';']).map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect::<Vec<_>>();
    let uren_per_week = match f.w("uren_per_week").parse::<u32>() {
        Ok(u) => u,
        Err(_) => {
            let mut f = f;
            let t = f.w("uren_per_week").to_string();
            f.fout("uren_per_week", format!("Uren per week: '{t}' is geen geheel aantal uren."));
            let ronde = ronde_van(&s, &f);
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &maak(&s, &ident, ronde, f, None).await?));
        }
    };
    let a =
        handeling::Adviseurgegevens { expertise: lijst(f.w("expertise")), uren_per_week, beschikbaar: f.aan("beschikbaar"), belangen: lijst(f.w("belangen")) };
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, &format!("pool/{id}")), format!("PUT /adviseurs/{id}"), body.clone())?;
    let u = handeling::zet_adviseur(&v, &id, a).await;
    na(&s, &ident, f, "adviseur", "pool", u).await
}

async fn wijs_toe(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, &format!("{id}/toewijzing")), format!("POST /ondersteuningsverzoeken/{id}/toewijzing"), body.clone())?;
    let u = handeling::wijs_toe(&v, &id, f.w("adviseur"), &handeling::UrenInvoer::Tekst(f.w("uren").to_string())).await;
    na(&s, &ident, f, &format!("toewijzing-{id}"), "toegewezen", u).await
}

async fn wijs_af(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, &format!("{id}/afwijzing")), format!("POST /ondersteuningsverzoeken/{id}/afwijzing"), body.clone())?;
    let u = handeling::wijs_af(&v, &id, f.w("reden")).await;
    na(&s, &ident, f, &format!("afwijzing-{id}"), "afgewezen", u).await
}

async fn schrijf_uren(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, &format!("{id}/uren")), format!("POST /ondersteuningsverzoeken/{id}/uren"), body.clone())?;
    let u = handeling::schrijf_uren(&v, &id, f.w("datum"), &handeling::UrenInvoer::Tekst(f.w("uren").to_string()), f.w("omschrijving")).await;
    na(&s, &ident, f, &format!("uren-{id}"), "uren", u).await
}

async fn beoordeel_uren(State(s): State<AppState>, ident: Identiteit, Path(id): Path<String>, body: String) -> Result<Response, ApiFout> {
    let f = Formulier::uit_body(body.as_bytes());
    let v = Verzoek::nieuw(&s, &ident, sleutel(&f, &format!("{id}/beoordeling")), format!("POST /urenregels/{id}/beoordeling"), body.clone())?;
    let u = handeling::beoordeel_uren(&v, &id, f.w("uitkomst"), f.w("reden")).await;
    na(&s, &ident, f, &format!("beoordeling-{id}"), "beoordeeld", u).await
}
