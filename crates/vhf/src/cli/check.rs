//! `vhf check`: aanvragen inlezen, toetsen aan de regeling en het verslag tonen (tekst of JSON).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use jiff::Timestamp;
use serde::Serialize;
use vhf_core::aanvraag::Aanvraag;
use vhf_core::indicatoren::{DeelplanIndicatoren, Prioriteit};
use vhf_core::invoer::{self, Invoerfout, MAX_BESTANDSGROOTTE};
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;
use vhf_core::toetsing::{self, Niveau, Rapport, Regel, Toetsing, Uitkomst};

use super::{io_melding, schrijf};

pub struct Opties {
    pub ronde: Option<String>,
    pub json: bool,
    pub alles: bool,
    pub peilmoment: Timestamp,
    pub bestanden: Vec<PathBuf>,
}

#[derive(Serialize)]
struct Leesfout {
    bestand: String,
    /// Bij een rekenblad: het blad en de cel.
    #[serde(skip_serializing_if = "Option::is_none")]
    blad: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cel: Option<String>,
    #[serde(flatten)]
    fout: Invoerfout,
}

impl Leesfout {
    fn van(pad: &std::path::Path, fout: Invoerfout) -> Leesfout {
        Leesfout { bestand: pad.display().to_string(), blad: None, cel: None, fout }
    }
}

#[derive(Serialize)]
struct Uitvoer<'t> {
    rapporten: Vec<BestandRapport<'t>>,
    invoerfouten: Vec<Leesfout>,
}

#[derive(Serialize)]
struct BestandRapport<'t> {
    bestand: String,
    #[serde(flatten)]
    rapport: Rapport<'t>,
}

/// Leest een aanvraag: een JSON-bestand, of een ingevuld Excel-sjabloon (herkend aan de inhoud, een ZIP) dat
/// naar hetzelfde JSON-bestand wordt vertaald en door dezelfde lezer gaat.
fn lees(pad: &PathBuf) -> Result<Aanvraag, Vec<Leesfout>> {
    let bytes = lees_bytes(pad).map_err(|e| vec![Leesfout::van(pad, e)])?;
    if crate::spreadsheet::aanvraag::is_xlsx(&bytes) {
        return crate::spreadsheet::aanvraag::lees_aanvraag(&bytes).map(|(a, _)| a).map_err(|fouten| {
            fouten
                .into_iter()
                .map(|f| Leesfout {
                    bestand: pad.display().to_string(),
                    blad: Some(f.blad),
                    cel: f.cel,
                    fout: Invoerfout { regel: None, kolom: None, veld: f.veld, melding: f.melding },
                })
                .collect()
        });
    }
    let tekst = String::from_utf8(bytes).map_err(|e| {
        let voor = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let regel = voor.iter().filter(|b| **b == b'\n').count() + 1;
        vec![Leesfout::van(pad, Invoerfout { regel: Some(regel), kolom: None, veld: None, melding: "de tekst is geen UTF-8".into() })]
    })?;
    invoer::lees_aanvraag(tekst.strip_prefix('\u{feff}').unwrap_or(&tekst)).map_err(|e| vec![Leesfout::van(pad, e)])
}

fn lees_bytes(pad: &PathBuf) -> Result<Vec<u8>, Invoerfout> {
    let zonder_plek = |melding: String| Invoerfout { regel: None, kolom: None, veld: None, melding };
    let meta = std::fs::metadata(pad).map_err(|e| zonder_plek(format!("kan het bestand niet openen: {}", io_melding(&e))))?;
    if meta.is_dir() {
        return Err(zonder_plek("dit is een map, geen bestand".into()));
    }
    if meta.len() > MAX_BESTANDSGROOTTE as u64 {
        return Err(zonder_plek(format!("het bestand is groter dan {} MiB", MAX_BESTANDSGROOTTE / 1024 / 1024)));
    }
    std::fs::read(pad).map_err(|e| zonder_plek(format!("kan het bestand niet lezen: {}", io_melding(&e))))
}

/// `vhf sjabloon`: het Excel-sjabloon, leeg of met de aanvraag uit een JSON-bestand.
pub fn sjabloon(bestand: &std::path::Path, van: Option<&std::path::Path>, uit: &mut impl Write, fout: &mut impl Write) -> u8 {
    let aanvraag = match van {
        None => None,
        Some(p) => match lees(&p.to_path_buf()) {
            Ok(a) => Some(a),
            Err(fouten) => {
                for f in fouten {
                    let _ = schrijf(fout, &format!("{}:{}", p.display(), plek(&f)));
                }
                return 2;
            }
        },
    };
    let bytes = match crate::spreadsheet::aanvraag::sjabloon(aanvraag.as_ref()) {
        Ok(b) => b,
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf sjabloon: {e}"));
            return 2;
        }
    };
    if let Err(e) = std::fs::write(bestand, bytes) {
        let _ = schrijf(fout, &format!("{}: kan het bestand niet schrijven: {}", bestand.display(), io_melding(&e)));
        return 2;
    }
    let _ = schrijf(uit, &format!("Sjabloon geschreven: {}", bestand.display()));
    0
}

pub fn run(o: &Opties, uit: &mut impl Write, fout: &mut impl Write) -> u8 {
    if let Some(r) = &o.ronde
        && Ronde::zoek(r).is_none()
    {
        let bekend: Vec<_> = Ronde::ingebouwd().iter().map(|r| r.id.as_str()).collect();
        let _ = schrijf(fout, &format!("vhf check: onbekende ronde '{r}'; bekend zijn: {}", bekend.join(", ")));
        return 2;
    }
    let mut invoerfouten = Vec::new();
    // Per ronde de aanvragen, met hun plek in de invoer.
    let mut per_ronde: BTreeMap<String, (Vec<usize>, Vec<Aanvraag>)> = BTreeMap::new();
    for (i, pad) in o.bestanden.iter().enumerate() {
        match lees(pad) {
            Ok(a) => {
                let ronde = o.ronde.clone().unwrap_or_else(|| a.ronde.clone());
                let groep = per_ronde.entry(ronde).or_default();
                groep.0.push(i);
                groep.1.push(a);
            }
            Err(fouten) => {
                for e in fouten {
                    let _ = schrijf(fout, &format!("{}:{}", pad.display(), plek(&e)));
                    invoerfouten.push(e);
                }
            }
        }
    }
    let referentie = Referentie::ingebouwd();
    let mut toetsingen: Vec<(usize, Toetsing<'_>)> = Vec::new();
    for (ronde, (plekken, aanvragen)) in &per_ronde {
        let ronde = Ronde::zoek(ronde).expect("ronde gecontroleerd bij het lezen");
        match toetsing::toets_ronde(aanvragen, ronde, referentie, o.peilmoment) {
            Ok(ts) => toetsingen.extend(plekken.iter().copied().zip(ts)),
            Err(e) => {
                for &i in plekken {
                    let pad = &o.bestanden[i];
                    let _ = schrijf(fout, &format!("{}: {e}", pad.display()));
                    invoerfouten.push(Leesfout::van(pad, Invoerfout { regel: None, kolom: None, veld: None, melding: e.to_string() }));
                }
            }
        }
    }
    toetsingen.sort_by_key(|(i, _)| *i);

    let geschreven = if o.json {
        let uitvoer = Uitvoer {
            rapporten: toetsingen.iter().map(|(i, t)| BestandRapport { bestand: o.bestanden[*i].display().to_string(), rapport: t.rapport() }).collect(),
            invoerfouten,
        };
        schrijf(uit, &serde_json::to_string_pretty(&uitvoer).expect("JSON"))
    } else {
        let mut tekst = String::new();
        for (n, (i, t)) in toetsingen.iter().enumerate() {
            if n > 0 {
                tekst.push_str("\n\n");
            }
            verslag(&mut tekst, &o.bestanden[*i].display().to_string(), t, o.alles);
        }
        if tekst.is_empty() { Ok(()) } else { schrijf(uit, &tekst) }
    };
    if geschreven.is_err() || toetsingen.len() < o.bestanden.len() {
        2
    } else if toetsingen.iter().all(|(_, t)| t.zonder_fouten()) {
        0
    } else {
        1
    }
}

/// `:regel:kolom: veld …: melding`, in de vorm die editors en CI herkennen; bij een rekenblad
/// `: blad Maatregelen, cel K3: veld …: melding`.
fn plek(l: &Leesfout) -> String {
    let e = &l.fout;
    let mut s = String::new();
    if let Some(b) = &l.blad {
        let _ = write!(s, " blad {b}");
        if let Some(c) = &l.cel {
            let _ = write!(s, ", cel {c}");
        }
        s.push(':');
    }
    if let Some(r) = e.regel {
        let _ = write!(s, "{r}:");
        if let Some(k) = e.kolom {
            let _ = write!(s, "{k}:");
        }
    }
    s.push(' ');
    if let Some(v) = &e.veld {
        let _ = write!(s, "veld {v}: ");
    }
    s.push_str(&e.melding);
    s
}

fn waar(t: &Toetsing<'_>, n: Niveau) -> String {
    let a = t.aanvraag;
    match n {
        Niveau::Aanvraag => "aanvraag".into(),
        Niveau::Deelplan(d) => format!("deelplan {}", a.deelplannen[d].id),
        Niveau::Maatregel(d, m) => format!("deelplan {}, maatregel {}", a.deelplannen[d].id, a.deelplannen[d].maatregelen[m].id),
    }
}

fn verslag(s: &mut String, bestand: &str, t: &Toetsing<'_>, alles: bool) {
    let a = t.aanvraag;
    let r = t.ronde;
    let gemeente = |c| format!("{} ({c})", Referentie::ingebouwd().gemeentenaam(c));
    let _ = writeln!(s, "Aanvraag {} — {}", a.kenmerk, a.titel);
    let _ = writeln!(s, "Bestand:    {bestand}");
    let _ = writeln!(s, "Ronde:      {r}{}", if r.id != a.ronde { format!(" (het bestand noemt {})", a.ronde) } else { String::new() });
    let aanvragers: Vec<_> = a.aanvragers.iter().map(|c| gemeente(*c)).collect();
    let _ = writeln!(s, "Aanvragers: {}", aanvragers.join(", "));
    if a.aanvragers.len() > 1 {
        let _ = writeln!(s, "Penvoerder: {}", a.penvoerder().map_or_else(|| "niet opgegeven".into(), gemeente));
    }
    let moment = r.lokaal(t.peilmoment).strftime("%d-%m-%Y %H:%M:%S").to_string();
    match a.ingediend_op {
        Some(_) => {
            let _ = writeln!(s, "Ingediend:  {moment} ({})", r.tijdzone);
        }
        None => {
            let _ = writeln!(s, "Concept, getoetst op {moment} ({})", r.tijdzone);
        }
    }
    let oordeel = if t.zonder_fouten() {
        "ONTVANKELIJK; alle deelplannen subsidiabel".to_string()
    } else if t.ontvankelijk() {
        let niet: Vec<_> = a.deelplannen.iter().enumerate().filter(|(i, _)| !t.deelplan_subsidiabel(*i)).map(|(_, d)| d.id.as_str()).collect();
        format!("ONTVANKELIJK, maar niet subsidiabel: deelplan {}", niet.join(", "))
    } else {
        "NIET ONTVANKELIJK".to_string()
    };
    let _ = writeln!(s, "Oordeel:    {oordeel}");

    for (kop, uitkomst, teken) in [("Fouten", Uitkomst::Fout, "✗"), ("Waarschuwingen", Uitkomst::Waarschuwing, "!")] {
        let lijst: Vec<_> = t.bevindingen.iter().filter(|b| b.uitkomst == uitkomst).collect();
        if lijst.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{kop} ({})", lijst.len());
        for b in lijst {
            bevinding(s, t, b, teken);
        }
    }

    let _ = writeln!(s, "\nKengetallen");
    for (d, ind) in a.deelplannen.iter().zip(&t.indicatoren.deelplannen) {
        deelplan_kengetallen(s, &d.naam, ind);
    }
    let ti = &t.indicatoren;
    let _ = writeln!(s, "  Aanvraag als geheel");
    let _ = writeln!(s, "    gevraagd totaal          {}  (waarvan projectkosten {} = {})", ti.gevraagd, ti.projectkosten, pct(ti.aandeel_projectkosten));
    let _ = writeln!(s, "    woningen (primair)       {}  (particulier {} = {})", ti.woningen.totaal(), ti.woningen.particulier(), pct(ti.aandeel_particulier));
    let _ = writeln!(s, "    bijdrage per woning      {}", ti.bijdrage_per_woning.map_or("—".into(), |b| b.to_string()));

    let voldaan: Vec<_> = t.bevindingen.iter().filter(|b| b.uitkomst == Uitkomst::Voldaan).collect();
    // Een regel die ergens faalt, is niet "voldaan", ook al is ze het bij een ander deelplan: die staat apart, met
    // per deelplan (of de aanvraag, of de maatregel) waar ze voldaan is en waar niet.
    let mut regels: Vec<Regel> = voldaan.iter().map(|b| b.regel).collect();
    regels.sort();
    regels.dedup();
    let faalt = |r: Regel| t.bevindingen.iter().any(|b| b.regel == r && b.uitkomst == Uitkomst::Fout);
    let (deels, overal): (Vec<Regel>, Vec<Regel>) = regels.into_iter().partition(|r| faalt(*r));
    if alles {
        let _ = writeln!(s, "\nVoldaan ({})", voldaan.len());
        for b in voldaan {
            bevinding(s, t, b, "✓");
        }
    } else {
        let namen: Vec<_> = overal.iter().map(|r| format!("{r:?}")).collect();
        let _ = writeln!(s, "\nVoldaan: {} (uitleg met --alles)", if namen.is_empty() { "—".into() } else { namen.join(" ") });
    }
    for r in deels {
        let waar_met = |u: Uitkomst| plekken(t, t.bevindingen.iter().filter(|b| b.regel == r && b.uitkomst == u).map(|b| b.niveau));
        let _ = writeln!(s, "Deels voldaan: {r:?} — voldaan bij {}; fout bij {}", waar_met(Uitkomst::Voldaan), waar_met(Uitkomst::Fout));
    }
    let _ = write!(s, "Parameters van {} op {}; `vhf rounds {}` toont ze met bron.", r.id, t.parameters.peildatum.strftime("%d-%m-%Y"), r.id);
}

/// Waar bevindingen over gaan, in woorden: "de aanvraag en deelplan DP1", "deelplan DP2 (maatregel M1, M3)".
/// Per deelplan één keer; maatregelen tussen haakjes achter hun deelplan.
fn plekken(t: &Toetsing<'_>, niveaus: impl Iterator<Item = Niveau>) -> String {
    let a = t.aanvraag;
    let mut aanvraag = false;
    let mut per_deelplan: BTreeMap<usize, (bool, Vec<usize>)> = BTreeMap::new();
    for n in niveaus {
        match n {
            Niveau::Aanvraag => aanvraag = true,
            Niveau::Deelplan(d) => per_deelplan.entry(d).or_default().0 = true,
            Niveau::Maatregel(d, m) => per_deelplan.entry(d).or_default().1.push(m),
        }
    }
    let mut delen: Vec<String> = Vec::new();
    if aanvraag {
        delen.push("de aanvraag".into());
    }
    for (d, (heel, maatregelen)) in per_deelplan {
        let dp = &a.deelplannen[d];
        if heel || maatregelen.is_empty() {
            delen.push(format!("deelplan {}", dp.id));
        } else {
            let m: Vec<&str> = maatregelen.iter().map(|m| dp.maatregelen[*m].id.as_str()).collect();
            delen.push(format!("deelplan {} (maatregel {})", dp.id, m.join(", ")));
        }
    }
    match delen.split_last() {
        None => "—".into(),
        Some((laatste, [])) => laatste.clone(),
        Some((laatste, rest)) => format!("{} en {laatste}", rest.join(", ")),
    }
}

fn bevinding(s: &mut String, t: &Toetsing<'_>, b: &toetsing::Bevinding, teken: &str) {
    let info = b.regel.info();
    let _ = writeln!(s, "  {teken} {:?} [{}] {}", b.regel, waar(t, b.niveau), t.uitleg(b));
    let _ = writeln!(s, "      regel: {} — {}", info.titel, info.bron);
    for p in info.parameters {
        let g = t.parameters.gebruikt(*p);
        let _ = writeln!(s, "      parameter {} = {} (vanaf {}; {})", g.naam, g.waarde, g.vanaf.strftime("%d-%m-%Y"), g.bron);
    }
}

fn pct(p: Option<vhf_core::geld::Percentage>) -> String {
    p.map_or("—".into(), |p| p.to_string())
}

fn deelplan_kengetallen(s: &mut String, naam: &str, d: &DeelplanIndicatoren) {
    let prioriteit = match &d.prioriteit {
        Prioriteit::Geen => "geen prioriteitsgebied".to_string(),
        Prioriteit::Gebied { naam, soort, .. } => format!("{naam} ({})", soort.omschrijving()),
        Prioriteit::Ongeldig { verklaard } => format!("verklaard '{verklaard}' staat niet op de lijst voor deze gemeente"),
    };
    let _ = writeln!(s, "  Deelplan {} — {naam}  [{prioriteit}]", d.deelplan);
    let _ = writeln!(s, "    kosten − opbrengsten     {} − {} = tekort {}", d.kosten, d.opbrengsten, d.tekort);
    let _ = writeln!(s, "    maximale bijdrage        {}", d.max_bijdrage_fysiek);
    let _ = writeln!(s, "    gevraagd fysiek          {}  ({} van het tekort)", d.bijdrage_fysiek, pct(d.aandeel_van_tekort));
    let _ = writeln!(s, "    projectkosten            {}", d.projectkosten);
    let _ = writeln!(s, "    gevraagd totaal          {}  (minimaal werkbaar {})", d.gevraagd, d.minimum_werkbaar);
    let _ = writeln!(s, "    cofinanciering           {}  (nodig {}, gat {})", d.cofinanciering, d.te_dekken, d.cofinancieringsgat);
    let _ = writeln!(
        s,
        "    woningen (primair)       {}  (eigenaar-bewoner {}, particuliere verhuur {}, corporatie {}; particulier {})",
        d.woningen.totaal(),
        d.woningen.eigenaar_bewoner,
        d.woningen.particuliere_verhuur,
        d.woningen.corporatie,
        pct(d.aandeel_particulier)
    );
    let per: Vec<_> = d.woningen_per_activiteit.iter().map(|(a, n)| format!("{a} {n}")).collect();
    let _ = writeln!(s, "    woningen per activiteit  {}", if per.is_empty() { "—".into() } else { per.join(", ") });
    let _ = writeln!(s, "    bijdrage per woning      {}", d.bijdrage_per_woning.map_or("—".into(), |b| b.to_string()));
    if let Some(g) = d.gemiddelde_labelstappen {
        let _ = writeln!(s, "    labelstappen renovatie   gemiddeld {g} per woning ({} woning-stappen)", d.labelstappen_woningen);
    }
}
