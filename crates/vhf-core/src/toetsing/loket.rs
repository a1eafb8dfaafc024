//! E01 — ingediend binnen de openingstijd van het loket (Europe/Amsterdam).
//!
//! Het loket is open vanaf `loket_open` (dat moment telt mee) tot `loket_sluit` (vanaf dat moment is het
//! dicht): 08:59:59 is te vroeg, 09:00:00 op tijd; 16:59:59 op tijd, 17:00:00 te laat [D]. De tijden zijn
//! lokale tijden van de ronde; zomer- en wintertijd volgen uit de tijdzone, niet uit een vaste afwijking.

use jiff::Timestamp;

use super::{Bevindingen, Context, Niveau, Regel, Uitkomst};
use crate::regeling::Beschrijf;

/// Bewaard als JSON bij de toetsing (formaat 2 van `toetsingen.rapport`); de uitleg wordt bij het lezen gemaakt.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reden {
    BinnenLoket,
    VoorOpening,
    NaSluiting,
    /// Nog niet ingediend: hoe het loket er op het peilmoment voor staat.
    NietIngediend {
        loket_open: bool,
    },
}

impl From<Reden> for super::Reden {
    fn from(r: Reden) -> Self {
        super::Reden::Loket(r)
    }
}

/// Het loket als paar momenten (UTC) volgens de parameters.
fn loket(ctx: &Context<'_, '_>) -> (Timestamp, Timestamp) {
    (ctx.ronde.moment(*ctx.p.loket_open.waarde), ctx.ronde.moment(*ctx.p.loket_sluit.waarde))
}

pub(super) fn toets(ctx: &Context<'_, '_>, b: &mut Bevindingen) {
    let (open, sluit) = loket(ctx);
    let t = ctx.peilmoment;
    let binnen = open <= t && t < sluit;
    let (uitkomst, reden) = match ctx.aanvraag.ingediend_op {
        None => (Uitkomst::Waarschuwing, Reden::NietIngediend { loket_open: binnen }),
        Some(_) if binnen => (Uitkomst::Voldaan, Reden::BinnenLoket),
        Some(_) if t < open => (Uitkomst::Fout, Reden::VoorOpening),
        Some(_) => (Uitkomst::Fout, Reden::NaSluiting),
    };
    b.voeg_toe(Regel::E01, uitkomst, Niveau::Aanvraag, reden);
}

impl Reden {
    pub(super) fn uitleg(&self, ctx: &Context<'_, '_>) -> String {
        let tz = ctx.ronde.tijdzone.as_str();
        let venster = format!("van {} tot {} ({tz})", ctx.p.loket_open.waarde.beschrijf(), ctx.p.loket_sluit.waarde.beschrijf());
        let moment = ctx.ronde.lokaal(ctx.peilmoment).strftime("%d-%m-%Y %H:%M:%S").to_string();
        match self {
            Reden::BinnenLoket => format!("Ingediend op {moment} ({tz}), binnen de openingstijd van het loket {venster}."),
            Reden::VoorOpening => format!("Ingediend op {moment} ({tz}), vóór de opening van het loket. Het loket is open {venster}."),
            Reden::NaSluiting => format!("Ingediend op {moment} ({tz}), na de sluiting van het loket. Het loket is open {venster}."),
            Reden::NietIngediend { loket_open } => format!(
                "De aanvraag is nog niet ingediend. Het loket is open {venster}; op het peilmoment ({moment}) is het {}.",
                if *loket_open { "open" } else { "dicht" }
            ),
        }
    }
}
