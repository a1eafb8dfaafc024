//! De bedragen, in stappen zoals de regeling ze noemt:
//! E08 — tekort = Σ kosten − Σ opbrengsten van de fysieke maatregelen is groter dan nul.
//! E09 — bijdrage_fysiek ≤ max_aandeel_tekort × tekort (exact vergeleken, zonder afronding).
//! E10 — cofinanciering ≥ tekort − bijdrage_fysiek.
//! E11 — Σ projectkosten ≤ max_aandeel_projectkosten × Σ gevraagd (gevraagd = bijdrage_fysiek + projectkosten).
//! E14 — Σ gevraagd ≤ het plafond per aanvraag (een vast bedrag of een aandeel van het budget op de peildatum).

use super::{Bevindingen, Context, Niveau, Regel, Uitkomst};
use crate::geld::{Bedrag, Overloop};
use crate::regeling::{Plafond, Ronde};

/// Bewaard als JSON bij de toetsing (formaat 2 van `toetsingen.rapport`); de uitleg wordt bij het lezen gemaakt.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reden {
    Tekort,
    GeenTekort,
    BinnenMaximum,
    BovenMaximum,
    CofinancieringGedekt,
    CofinancieringsGat,
    ProjectkostenBinnen,
    ProjectkostenTeHoog,
    OnderPlafond {
        #[serde(with = "crate::geld::centen")]
        plafond: Bedrag,
    },
    BovenPlafond {
        #[serde(with = "crate::geld::centen")]
        plafond: Bedrag,
    },
}

impl From<Reden> for super::Reden {
    fn from(r: Reden) -> Self {
        super::Reden::Financien(r)
    }
}

pub(super) fn toets(ctx: &Context<'_, '_>, b: &mut Bevindingen) -> Result<(), Overloop> {
    let max_aandeel = *ctx.p.max_aandeel_tekort.waarde;
    for (i, d) in ctx.ind.deelplannen.iter().enumerate() {
        let n = Niveau::Deelplan(i);
        if d.tekort.is_positief() {
            b.voeg_toe(Regel::E08, Uitkomst::Voldaan, n, Reden::Tekort);
        } else {
            b.voeg_toe(Regel::E08, Uitkomst::Fout, n, Reden::GeenTekort);
        }
        if d.bijdrage_fysiek.hoogstens_aandeel_van(max_aandeel, d.tekort.max(Bedrag::NUL)) {
            b.voeg_toe(Regel::E09, Uitkomst::Voldaan, n, Reden::BinnenMaximum);
        } else {
            b.voeg_toe(Regel::E09, Uitkomst::Fout, n, Reden::BovenMaximum);
        }
        if d.cofinancieringsgat.is_positief() {
            b.voeg_toe(Regel::E10, Uitkomst::Fout, n, Reden::CofinancieringsGat);
        } else {
            b.voeg_toe(Regel::E10, Uitkomst::Voldaan, n, Reden::CofinancieringGedekt);
        }
    }
    let ind = ctx.ind;
    if ind.projectkosten.hoogstens_aandeel_van(*ctx.p.max_aandeel_projectkosten.waarde, ind.gevraagd) {
        b.voeg_toe(Regel::E11, Uitkomst::Voldaan, Niveau::Aanvraag, Reden::ProjectkostenBinnen);
    } else {
        b.voeg_toe(Regel::E11, Uitkomst::Fout, Niveau::Aanvraag, Reden::ProjectkostenTeHoog);
    }
    let plafond = Ronde::plafond_per_aanvraag(ctx.p)?;
    if ind.gevraagd <= plafond {
        b.voeg_toe(Regel::E14, Uitkomst::Voldaan, Niveau::Aanvraag, Reden::OnderPlafond { plafond });
    } else {
        b.voeg_toe(Regel::E14, Uitkomst::Fout, Niveau::Aanvraag, Reden::BovenPlafond { plafond });
    }
    Ok(())
}

impl Reden {
    pub(super) fn uitleg(&self, ctx: &Context<'_, '_>, niveau: Niveau) -> String {
        let ind = ctx.ind;
        let d = niveau.deelplan().map(|i| &ind.deelplannen[i]);
        let dp = || d.expect("deelplanniveau");
        let max_aandeel = ctx.p.max_aandeel_tekort.waarde;
        let max_pk = ctx.p.max_aandeel_projectkosten.waarde;
        let plafond_uitleg = |plafond: &Bedrag| match ctx.p.plafond_per_aanvraag.waarde {
            Plafond::Bedrag(_) => format!("het plafond per aanvraag ({plafond})"),
            Plafond::AandeelBudget(a) => format!("het plafond per aanvraag ({a} van het budget van {} → {plafond})", ctx.p.budget.waarde),
        };
        match self {
            Reden::Tekort => format!("Tekort: kosten {} − opbrengsten {} = {}.", dp().kosten, dp().opbrengsten, dp().tekort),
            Reden::GeenTekort => format!(
                "Er is geen tekort: de kosten ({}) min de opbrengsten ({}) zijn {}. Het fonds draagt alleen bij aan een tekort.",
                dp().kosten,
                dp().opbrengsten,
                dp().tekort
            ),
            Reden::BinnenMaximum => format!(
                "Het gevraagde bedrag voor fysieke maatregelen ({}) is niet meer dan {max_aandeel} van het tekort ({} → maximaal {}).",
                dp().bijdrage_fysiek,
                dp().tekort,
                dp().max_bijdrage_fysiek
            ),
            Reden::BovenMaximum => format!(
                "Het gevraagde bedrag voor fysieke maatregelen ({}) is meer dan {max_aandeel} van het tekort ({} → maximaal {}).",
                dp().bijdrage_fysiek,
                dp().tekort.max(Bedrag::NUL),
                dp().max_bijdrage_fysiek
            ),
            Reden::CofinancieringGedekt => format!(
                "Na de gevraagde bijdrage ({}) blijft van het tekort ({}) {} over; de cofinanciering ({}) dekt dat.",
                dp().bijdrage_fysiek,
                dp().tekort,
                dp().te_dekken,
                dp().cofinanciering
            ),
            Reden::CofinancieringsGat => format!(
                "Na de gevraagde bijdrage ({}) blijft van het tekort ({}) {} over, maar de cofinanciering is {}: er ontbreekt {}.",
                dp().bijdrage_fysiek,
                dp().tekort,
                dp().te_dekken,
                dp().cofinanciering,
                dp().cofinancieringsgat
            ),
            Reden::ProjectkostenBinnen | Reden::ProjectkostenTeHoog => format!(
                "De projectkosten ({}) zijn {} van het totale gevraagde bedrag ({}); het maximum is {max_pk} ({}).",
                ind.projectkosten,
                ind.aandeel_projectkosten.map_or_else(|| "0%".to_string(), |p| p.to_string()),
                ind.gevraagd,
                ind.gevraagd.maal_omlaag(*max_pk).map_or_else(|_| "?".to_string(), |b| b.to_string())
            ),
            Reden::OnderPlafond { plafond } => format!("Het totale gevraagde bedrag ({}) is niet meer dan {}.", ind.gevraagd, plafond_uitleg(plafond)),
            Reden::BovenPlafond { plafond } => format!("Het totale gevraagde bedrag ({}) is meer dan {}.", ind.gevraagd, plafond_uitleg(plafond)),
        }
    }
}
