//! E12 — minimale omvang van de aanvraag (per ronde: woningen óf kosten, of woningen naar prioriteit).
//! Woningen zijn de woningen in de primaire maatregelen; kosten de kosten van alle fysieke maatregelen.
//! E13 — looptijd en start: het einde ligt na de start, hoogstens `max_jaren` jaar later; en, als de ronde
//! dat eist, de start hoogstens `max_jaren_tot_start_na_besluit` jaar na de besluitdatum.

use jiff::Span;
use jiff::civil::Date;

use super::{Bevindingen, Context, Niveau, Regel, Uitkomst};
use crate::regeling::{Beschrijf, MinimaleOmvang};

/// Bewaard als JSON bij de toetsing (formaat 2 van `toetsingen.rapport`); de uitleg wordt bij het lezen gemaakt.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reden {
    OmvangVoldoende,
    OmvangTeKlein,
    EindeVoorStart,
    TeLang { uiterlijk: Date },
    StartTeLaat { uiterlijk: Date },
    LooptijdGoed,
}

impl From<Reden> for super::Reden {
    fn from(r: Reden) -> Self {
        super::Reden::Omvang(r)
    }
}

pub(super) fn toets(ctx: &Context<'_, '_>, b: &mut Bevindingen) {
    let ind = ctx.ind;
    let woningen = ind.woningen.totaal();
    let voldoende = match ctx.p.minimale_omvang.waarde {
        MinimaleOmvang::WoningenOfKosten { woningen: min_w, kosten: min_k } => woningen >= u64::from(*min_w) || ind.kosten >= *min_k,
        MinimaleOmvang::WoningenNaarPrioriteit { in_prioriteitsgebied, elders } => {
            woningen >= u64::from(if ind.in_prioriteitsgebied { *in_prioriteitsgebied } else { *elders })
        }
    };
    let (u, r) = if voldoende { (Uitkomst::Voldaan, Reden::OmvangVoldoende) } else { (Uitkomst::Fout, Reden::OmvangTeKlein) };
    b.voeg_toe(Regel::E12, u, Niveau::Aanvraag, r);

    let planning = &ctx.aanvraag.planning;
    let regels = ctx.p.looptijd.waarde;
    let mut goed = true;
    if planning.einde <= planning.start {
        b.voeg_toe(Regel::E13, Uitkomst::Fout, Niveau::Aanvraag, Reden::EindeVoorStart);
        goed = false;
    } else if let Ok(uiterlijk) = planning.start.checked_add(Span::new().years(regels.max_jaren))
        && planning.einde > uiterlijk
    {
        b.voeg_toe(Regel::E13, Uitkomst::Fout, Niveau::Aanvraag, Reden::TeLang { uiterlijk });
        goed = false;
    }
    if let Some(jaren) = regels.max_jaren_tot_start_na_besluit
        && let Ok(uiterlijk) = ctx.p.besluitdatum.waarde.checked_add(Span::new().years(jaren))
        && planning.start > uiterlijk
    {
        b.voeg_toe(Regel::E13, Uitkomst::Fout, Niveau::Aanvraag, Reden::StartTeLaat { uiterlijk });
        goed = false;
    }
    if goed {
        b.voeg_toe(Regel::E13, Uitkomst::Voldaan, Niveau::Aanvraag, Reden::LooptijdGoed);
    }
}

impl Reden {
    pub(super) fn uitleg(&self, ctx: &Context<'_, '_>) -> String {
        let ind = ctx.ind;
        let p = &ctx.aanvraag.planning;
        let eis = ctx.p.minimale_omvang.waarde.beschrijf();
        let omvang = match ctx.p.minimale_omvang.waarde {
            MinimaleOmvang::WoningenOfKosten { .. } => format!("{} woningen in de primaire maatregelen en {} totale kosten", ind.woningen.totaal(), ind.kosten),
            MinimaleOmvang::WoningenNaarPrioriteit { .. } => format!(
                "{} woningen in de primaire maatregelen; de aanvraag ligt {} prioriteitsgebied",
                ind.woningen.totaal(),
                if ind.in_prioriteitsgebied { "met ten minste één deelplan in een" } else { "niet in een" }
            ),
        };
        let besluit = ctx.p.besluitdatum.waarde.beschrijf();
        match self {
            Reden::OmvangVoldoende => format!("De aanvraag omvat {omvang}. De eis is {eis}: voldaan."),
            Reden::OmvangTeKlein => format!("De aanvraag omvat {omvang}. De eis is {eis}: de aanvraag is te klein."),
            Reden::EindeVoorStart => format!("Het geplande einde ({}) ligt niet na de start ({}).", p.einde.beschrijf(), p.start.beschrijf()),
            Reden::TeLang { uiterlijk } => format!(
                "Het programma loopt van {} tot {}; dat is langer dan {} jaar (uiterlijk {}).",
                p.start.beschrijf(),
                p.einde.beschrijf(),
                ctx.p.looptijd.waarde.max_jaren,
                uiterlijk.beschrijf()
            ),
            Reden::StartTeLaat { uiterlijk } => format!(
                "De start ({}) ligt meer dan {} jaar na de besluitdatum ({besluit}); uiterlijk {}.",
                p.start.beschrijf(),
                ctx.p.looptijd.waarde.max_jaren_tot_start_na_besluit.unwrap_or(0),
                uiterlijk.beschrijf()
            ),
            Reden::LooptijdGoed => format!(
                "Het programma loopt van {} tot {}. De eis is: {}{}.",
                p.start.beschrijf(),
                p.einde.beschrijf(),
                ctx.p.looptijd.waarde.beschrijf(),
                if ctx.p.looptijd.waarde.max_jaren_tot_start_na_besluit.is_some() { format!(" (besluitdatum {besluit})") } else { String::new() }
            ),
        }
    }
}
