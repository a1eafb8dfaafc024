//! `vhf allocate`: rangschikking en verdeling van een ronde, met wat-als en gevoeligheidsanalyse.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use jiff::Timestamp;
use vhf_core::geld::{Bedrag, Honderdsten, Percentage};
use vhf_core::referentie::Referentie;
use vhf_core::regeling::{Beschrijf, Ronde};
use vhf_core::uitslag::{self, Uitvoer};
use vhf_core::verdeling::{self, Analyse, Verdeelinvoer, Verdeling, WatAls};

use super::{io_melding, schrijf};

pub struct Opties {
    pub ronde: Option<String>,
    pub bestand: PathBuf,
    pub json: bool,
    pub uitleg: bool,
    pub wat_als: Vec<String>,
    pub gevoeligheid: Option<u32>,
    pub marge: Honderdsten,
    pub zaad: u64,
    pub draden: usize,
    pub peilmoment: Option<Timestamp>,
}

fn lees(pad: &PathBuf) -> Result<Verdeelinvoer, String> {
    let meta = std::fs::metadata(pad).map_err(|e| format!("{}: kan het bestand niet openen: {}", pad.display(), io_melding(&e)))?;
    if meta.is_dir() {
        return Err(format!("{}: dit is een map, geen bestand", pad.display()));
    }
    if meta.len() > 256 * 1024 * 1024 {
        return Err(format!("{}: het bestand is groter dan 256 MiB", pad.display()));
    }
    let tekst = std::fs::read_to_string(pad).map_err(|e| format!("{}: kan het bestand niet lezen: {}", pad.display(), io_melding(&e)))?;
    if tekst.trim().is_empty() {
        return Err(format!("{}: het bestand is leeg", pad.display()));
    }
    let mut de = serde_json::Deserializer::from_str(&tekst);
    serde_path_to_error::deserialize(&mut de)
        .map_err(|e| {
            // Bij een syntaxisfout kent de lezer het laatste veld nog niet ("aanvragen[0].?").
            let pad_in = e.path().to_string().trim_end_matches(".?").trim_end_matches('?').to_string();
            let inner = e.into_inner();
            let veld = if pad_in.is_empty() || pad_in == "." { String::new() } else { format!(" veld {pad_in}:") };
            let melding = vhf_core::melding::nederlands(&inner.to_string());
            let melding = if inner.is_syntax() { format!("geen geldige JSON: {melding}") } else { melding };
            format!("{}:{}:{}:{veld} {melding}", pad.display(), inner.line(), inner.column())
        })
        .and_then(|v: Verdeelinvoer| {
            de.end().map_err(|e| format!("{}:{}:{}: na de invoer staat nog tekst", pad.display(), e.line(), e.column()))?;
            Ok(v)
        })
}

fn gemeente(c: vhf_core::codes::GemeenteCode) -> String {
    format!("{} ({c})", Referentie::ingebouwd().gemeentenaam(c))
}

pub fn run(o: &Opties, uit: &mut impl Write, fout: &mut impl Write) -> u8 {
    let mut meld = |t: &str| {
        let _ = schrijf(fout, t);
    };
    let mut invoer = match lees(&o.bestand) {
        Ok(i) => i,
        Err(e) => {
            meld(&e);
            return 2;
        }
    };
    let ronde_id = o.ronde.clone().unwrap_or_else(|| invoer.ronde.clone());
    let Some(ronde) = Ronde::zoek(&ronde_id) else {
        let bekend: Vec<_> = Ronde::ingebouwd().iter().map(|r| r.id.as_str()).collect();
        meld(&format!("vhf allocate: onbekende ronde '{ronde_id}'; bekend zijn: {}", bekend.join(", ")));
        return 2;
    };
    // De parameterwijzigingen die het bestand meebrengt (een verdeeldossier van de server), bovenop de ronde.
    let ronde_met = match invoer.ronde_met_wijzigingen(ronde) {
        Ok(r) => r,
        Err(e) => {
            meld(&format!("{}: parameterwijzigingen: {e}", o.bestand.display()));
            return 2;
        }
    };
    let ronde = &ronde_met;
    let mut wat_als = WatAls::default();
    for w in &o.wat_als {
        if let Err(e) = wat_als.zet(w) {
            meld(&format!("vhf allocate --what-if: {e}"));
            return 2;
        }
    }
    let peilmoment = o.peilmoment.unwrap_or_else(|| verdeling::besluitmoment(ronde));
    // De uitkomsten van eerdere rondes die vóór dit systeem besloten zijn (hun gedateerde parameter), naast wat het
    // bestand zelf aan eerdere uitkomsten meebrengt.
    // Een dossier van de server bevat ze al: dezelfde uitkomst telt één keer (de volgorde van het bestand blijft).
    for u in verdeling::uitkomsten_buiten_systeem(Ronde::ingebouwd(), ronde, peilmoment) {
        if !invoer.eerdere_uitkomsten.contains(&u) {
            invoer.eerdere_uitkomsten.push(u);
        }
    }
    let basis = match verdeling::analyseer(&invoer, ronde, peilmoment, None) {
        Ok(a) => a,
        Err(f) => {
            meld(&format!("{}: de verdeling kan niet worden gemaakt ({} fouten):", o.bestand.display(), f.len()));
            for e in f {
                meld(&format!("  - {e}"));
            }
            return 2;
        }
    };
    let basisregels = match basis.regels() {
        Ok(r) => r,
        Err(e) => {
            meld(&e.to_string());
            return 2;
        }
    };
    let basisverdeling = verdeling::verdeel(&basis.kandidaten, &basisregels);

    if let Some(runs) = o.gevoeligheid {
        let model = vhf_core::gevoeligheid::Model::nieuw(&basis.kandidaten, &basis.oordelen, &basis.kader, &basisregels);
        let r = model.draai(&basis.kandidaten, o.marge, runs, o.zaad, o.draden);
        return gevoeligheid(o, &basis, &basisverdeling, &r, uit);
    }

    let heeft_wat_als = !o.wat_als.is_empty();
    let variant = if heeft_wat_als {
        let kader = match wat_als.kader(&basis.kader) {
            Ok(k) => k,
            Err(e) => {
                meld(&format!("vhf allocate --what-if: {e}"));
                return 2;
            }
        };
        let analyse = match verdeling::analyseer(&invoer, ronde, peilmoment, kader) {
            Ok(a) => a,
            Err(f) => {
                meld(&f.join("\n"));
                return 2;
            }
        };
        let regels = match wat_als.regels(&basisregels, &basis.parameters) {
            Ok(r) => r,
            Err(e) => {
                meld(&format!("vhf allocate --what-if: {e}"));
                return 2;
            }
        };
        let v = verdeling::verdeel(&analyse.kandidaten, &regels);
        Some((analyse, v))
    } else {
        None
    };

    let geschreven = if o.json {
        // De vorm van schema/verdeelresultaat.schema.json (`vhf schema verdeelresultaat`), dezelfde als die van de API.
        let waarde = match &variant {
            None => Uitvoer::Verdeling(Box::new(uitslag::van(&basis, &basisverdeling, None, peilmoment))),
            Some((a, v)) => Uitvoer::WatAls(Box::new(uitslag::WatAlsResultaat {
                basis: uitslag::van(&basis, &basisverdeling, None, peilmoment),
                variant: uitslag::van(a, v, Some(&wat_als), peilmoment),
                verschillen: verdeling::vergelijk(&basisverdeling, v),
            })),
        };
        schrijf(uit, &serde_json::to_string_pretty(&waarde).expect("JSON"))
    } else {
        let mut t = String::new();
        match &variant {
            None => tabel(&mut t, &basis, &basisverdeling, None, peilmoment, o.uitleg),
            Some((a, v)) => {
                let _ = writeln!(t, "WAT-ALS: {}\n", o.wat_als.join(", "));
                tabel(&mut t, a, v, Some(&wat_als), peilmoment, o.uitleg);
                verschillen(&mut t, &basis, &basisverdeling, v);
            }
        }
        schrijf(uit, t.trim_end())
    };
    if geschreven.is_err() { 2 } else { 0 }
}

/// De regel van het plafond: budget min btw-reserve, met de bron van het budget. Bij een wat-als het budget en
/// de reserve van de wat-als (met die van de ronde erbij), niet die van de ronde alsof er niets veranderd was.
fn plafondregel(a: &Analyse<'_>, v: &Verdeling, w: Option<&WatAls>) -> String {
    let p = &a.parameters;
    let (budget, reserve) = w.map_or((*p.budget.waarde, *p.btw_reserve.waarde), |w| w.budget_en_reserve(p));
    let machine = |b: Bedrag| serde_json::to_value(b).ok().and_then(|x| x.as_str().map(String::from)).unwrap_or_default();
    let bron_budget = match w.and_then(|w| w.budget) {
        Some(b) => format!("wat-als budget={} (de ronde: {}; {})", machine(b), p.budget.waarde, p.budget.bron),
        None => p.budget.bron.to_string(),
    };
    let bron_reserve = match w.and_then(|w| w.btw_reserve) {
        Some(b) => format!("; bron btw-reserve: wat-als btw_reserve={} (de ronde: {}; {})", machine(b), p.btw_reserve.waarde, p.btw_reserve.bron),
        None => String::new(),
    };
    format!("Plafond:    {} (budget {budget} − btw-reserve {reserve}; bron budget: {bron_budget}{bron_reserve})", v.regels.plafond)
}

fn tabel(t: &mut String, a: &Analyse<'_>, v: &Verdeling, w: Option<&WatAls>, peilmoment: Timestamp, uitleg: bool) {
    let p = &a.parameters;
    let _ = writeln!(t, "Verdeling {} ({})", a.ronde.naam, a.ronde.id);
    let _ = writeln!(
        t,
        "Peilmoment {} ({}); parameters zoals op {}",
        a.ronde.lokaal(peilmoment).strftime("%d-%m-%Y %H:%M"),
        a.ronde.tijdzone,
        p.peildatum.strftime("%d-%m-%Y")
    );
    let _ = writeln!(t, "{}", plafondregel(a, v, w));
    let _ = writeln!(t, "Prioriteit: {}", v.regels.prioriteitsregel.beschrijf());
    let _ = writeln!(t, "Vulwijze:   {}", v.regels.vulwijze.beschrijf());
    let _ = writeln!(t, "Kader:      {}", a.kader.beschrijf());
    let _ = writeln!(t);
    let _ = writeln!(t, "{:>4}  {:<24} {:<34} {:>6}  {:>18} {:>18}  uitkomst", "rang", "deelplan", "penvoerder", "score", "gevraagd", "toegekend");
    for r in uitslag::van(a, v, w, peilmoment).deelplannen {
        let rang = r.rang.map_or("—".to_string(), |x| x.to_string());
        let score = match (r.rangscore, r.score) {
            (Some(rs), Some(s)) if rs != s => format!("{rs}*"),
            (_, Some(s)) => s.to_string(),
            _ => "—".into(),
        };
        let uitkomst = match r.reserve {
            Some(n) => format!("{} (reserve {n})", r.uitkomst.omschrijving()),
            None => r.uitkomst.omschrijving().to_string(),
        };
        let _ = writeln!(
            t,
            "{rang:>4}  {:<24} {:<34} {score:>6}  {:>18} {:>18}  {uitkomst}",
            format!("{}/{}", r.kenmerk, r.deelplan),
            gemeente(r.penvoerder),
            r.gevraagd.to_string(),
            r.toegekend.to_string()
        );
        if uitleg {
            let _ = writeln!(t, "      {}", r.uitleg);
        }
    }
    if v.toekenningen.iter().any(|x| x.punten.is_some()) {
        let _ = writeln!(t, "      * score inclusief prioriteitspunten");
    }
    let _ = writeln!(t, "\nUitkeringen per gemeente ({}; één beschikking per gemeente)", v.uitkeringen.len());
    for (g, b) in &v.uitkeringen {
        let _ = writeln!(t, "  {:<40} {:>18}", gemeente(*g), b.to_string());
    }
    let tot = &v.totalen;
    let _ = writeln!(t, "\nTotalen");
    let _ = writeln!(t, "  plafond {}; toegekend {}; restant {}", tot.plafond, tot.toegekend, tot.restant);
    let _ = writeln!(t, "  gevraagd door positief geadviseerde deelplannen: {}", tot.gevraagd_door_kandidaten);
    let aantallen: Vec<String> = tot.aantal_per_uitkomst.iter().map(|(u, n)| format!("{} {n}", u.omschrijving())).collect();
    let _ = writeln!(t, "  deelplannen: {}", aantallen.join("; "));
    let _ = writeln!(
        t,
        "  woningen in toegekende deelplannen: {} (particulier {} = {})",
        tot.woningen.totaal(),
        tot.woningen.particulier(),
        tot.aandeel_particulier.map_or("—".into(), |p| p.to_string())
    );
    let per: Vec<String> = tot.woningen_per_activiteit.iter().map(|(a, n)| format!("{a} {n}")).collect();
    let _ = writeln!(t, "  woningen per activiteit: {}", per.join(", "));
    let g = &tot.per_gebied;
    let aandeel = |b: Bedrag| Percentage::verhouding(i128::from(b.in_centen()), i128::from(tot.toegekend.in_centen())).map_or("—".into(), |p| p.to_string());
    let _ = writeln!(
        t,
        "  naar gebied: stedelijke prioriteitsgebieden {} ({}), grens- en krimpregio's {} ({}), elders {} ({})",
        g.stedelijk,
        aandeel(g.stedelijk),
        g.regio,
        aandeel(g.regio),
        g.elders,
        aandeel(g.elders)
    );
}

fn verschillen(t: &mut String, basis: &Analyse<'_>, voor: &Verdeling, na: &Verdeling) {
    let d = verdeling::vergelijk(voor, na);
    let _ = writeln!(t, "\nVerschil met de verdeling volgens de ronde ({} deelplannen, {} gemeenten)", d.deelplannen.len(), d.gemeenten.len());
    for x in &d.deelplannen {
        let naam = basis.kandidaten.iter().find(|k| k.deelplan == x.deelplan).map_or("", |k| k.naam.as_str());
        let _ = writeln!(
            t,
            "  {:<24} {:<30} {} {} (rang {}) → {} {} (rang {})",
            x.deelplan.to_string(),
            naam,
            x.voor.0.omschrijving(),
            x.voor.1,
            x.voor.2.map_or("—".into(), |r| r.to_string()),
            x.na.0.omschrijving(),
            x.na.1,
            x.na.2.map_or("—".into(), |r| r.to_string())
        );
    }
    for g in &d.gemeenten {
        let _ = writeln!(t, "  uitkering {:<40} {} → {}", gemeente(g.gemeente), g.voor, g.na);
    }
    let _ = writeln!(t, "  totaal toegekend {} → {}", voor.totalen.toegekend, na.totalen.toegekend);
}

fn gevoeligheid(o: &Opties, a: &Analyse<'_>, v: &Verdeling, r: &[vhf_core::gevoeligheid::Robuustheid], uit: &mut impl Write) -> u8 {
    if o.json {
        return schrijf(uit, &serde_json::to_string_pretty(&r).expect("JSON")).map_or(2, |_| 0);
    }
    let mut t = String::new();
    let runs = r.first().map_or(0, |x| x.runs);
    let _ = writeln!(t, "Gevoeligheid van de verdeling {} voor de scores: {runs} runs, elke score ± {} (zaad {})", a.ronde.id, o.marge, o.zaad);
    let _ = writeln!(t, "Kans = aandeel van de runs waarin het deelplan (een deel van) het bedrag krijgt.\n");
    let _ = writeln!(t, "{:>4}  {:<24} {:>6}  {:<42} {:>8}", "rang", "deelplan", "score", "uitkomst nu", "kans");
    let mut rijen: Vec<usize> =
        (0..a.kandidaten.len()).filter(|&i| v.toekenningen[i].rang.is_some() || r[i].gehonoreerd > 0 || a.kandidaten[i].score.is_some()).collect();
    rijen.sort_by_key(|&i| (v.toekenningen[i].rang.is_none(), v.toekenningen[i].rang, a.kandidaten[i].deelplan.clone()));
    for i in rijen {
        let tk = &v.toekenningen[i];
        let _ = writeln!(
            t,
            "{:>4}  {:<24} {:>6}  {:<42} {:>8}",
            tk.rang.map_or("—".into(), |x| x.to_string()),
            a.kandidaten[i].deelplan.to_string(),
            a.kandidaten[i].score.map_or("—".into(), |s| s.to_string()),
            tk.uitkomst.omschrijving(),
            r[i].kans.to_string()
        );
    }
    schrijf(uit, t.trim_end()).map_or(2, |_| 0)
}
