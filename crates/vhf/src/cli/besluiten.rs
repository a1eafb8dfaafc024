//! `vhf besluiten render --ronde R [--uit MAP] [--brieven MAP]` (ook `vhf decisions render --round`): de brief
//! van elk besluit van een ronde als PDF/A, uit dezelfde database als `vhf serve` (--config, VHF_*, DATABASE_URL,
//! --data-dir). Een ondertekend besluit krijgt zijn bewaarde brief; een concept een brief uit het sjabloon van nu,
//! gemerkt als concept. Op een terminal met een voortgangsbalk; de PDF's worden over de kernen verdeeld.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use super::schrijf;
use crate::config::Opdrachtregel;
use crate::db::besluiten::{self as db, Zicht};
use crate::handelingen::besluiten as handeling;

pub fn render(o: &Opdrachtregel, ronde: &str, uit_map: &Path, brieven: Option<&Path>, fout: &mut impl Write, uit: &mut impl Write) -> u8 {
    let begin = Instant::now();
    if vhf_core::regeling::Ronde::zoek(ronde).is_none() {
        let _ = schrijf(fout, &format!("vhf besluiten render: onbekende ronde '{ronde}'"));
        return 2;
    }
    let brieven = brieven.map(Path::to_path_buf).or_else(crate::brief::Sjabloon::map_uit_omgeving);
    let rijen = super::toegang::runtime().block_on(async {
        let database = super::toegang::verbind(o, false).await?;
        let mut c = database.lees().await.map_err(|e| e.to_string())?;
        db::van_ronde(&mut c, ronde, &Zicht::Alles).await.map_err(|e| e.to_string())
    });
    let rijen = match rijen {
        Ok(r) => r,
        Err(e) => {
            let _ = schrijf(fout, &format!("vhf besluiten render: {e}"));
            return 2;
        }
    };
    if let Err(e) = std::fs::create_dir_all(uit_map) {
        let _ = schrijf(fout, &format!("vhf besluiten render: map {}: {}", uit_map.display(), super::io_melding(&e)));
        return 2;
    }
    let balk = if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(rijen.len() as u64);
        if let Ok(stijl) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} brieven ({elapsed}) {msg}") {
            b.set_style(stijl);
        }
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let vandaag = handeling::lokale_datum(jiff::Timestamp::now());
    let draden = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let fouten: Vec<String> = std::thread::scope(|s| {
        let delen: Vec<_> = (0..draden)
            .map(|d| {
                let (rijen, balk, brieven) = (&rijen, &balk, brieven.as_deref());
                s.spawn(move || {
                    let mut fouten = Vec::new();
                    for r in rijen.iter().skip(d).step_by(draden) {
                        let gelukt = handeling::brief_van(r, brieven, vandaag)
                            .map_err(|e| format!("{e:?}"))
                            .and_then(|b| crate::brief::pdf(&b))
                            .and_then(|pdf| std::fs::write(uit_map.join(format!("{}.pdf", r.identificatie)), pdf).map_err(|e| super::io_melding(&e)));
                        if let Err(e) = gelukt {
                            fouten.push(format!("{}: {e}", r.identificatie));
                        }
                        balk.set_message(r.identificatie.clone());
                        balk.inc(1);
                    }
                    fouten
                })
            })
            .collect();
        delen.into_iter().flat_map(|d| d.join().unwrap_or_else(|_| vec!["een draad brak af".into()])).collect()
    });
    balk.finish_and_clear();
    for f in &fouten {
        let _ = schrijf(fout, &format!("vhf besluiten render: {f}"));
    }
    let concepten = rijen.iter().filter(|r| r.status != "ondertekend").count();
    let _ = schrijf(
        uit,
        &format!(
            "{} brieven van {ronde} in {} ({} ondertekend, {concepten} concept) in {:.2} s",
            rijen.len() - fouten.len(),
            uit_map.display(),
            rijen.len() - concepten,
            begin.elapsed().as_secs_f64()
        ),
    );
    if fouten.is_empty() { 0 } else { 1 }
}
