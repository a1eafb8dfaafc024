//! E03 — ten minste één deelplan; elk deelgebied heeft ten minste één PC4-gebied; een PC4-gebied ligt in
//! hoogstens één deelgebied van de ronde (binnen de aanvraag hier, over aanvragen heen in `toets_ronde`).
//! E04 — PC4-codes zijn 4 cijfers, 1000–9999: gecontroleerd bij het inlezen ([`crate::codes::Pc4`]); een
//! aanvraag met een ongeldige code wordt niet gelezen.

use super::{Bevindingen, Context, Niveau, Regel, Uitkomst};
use crate::codes::Pc4;

/// Bewaard als JSON bij de toetsing (formaat 2 van `toetsingen.rapport`); de uitleg wordt bij het lezen gemaakt.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reden {
    GeenDeelplannen,
    DubbelDeelplanId(String),
    DeelgebiedLeeg,
    Pc4DubbelGenoemd(Pc4),
    Pc4InAnderDeelplan {
        pc4: Pc4,
        deelplan: String,
    },
    Pc4InAndereAanvraag {
        pc4: Pc4,
        kenmerk: String,
        deelplan: String,
        aantal_andere: usize,
    },
    DeelgebiedGeldig,
    /// E04
    Pc4Geldig,
}

impl From<Reden> for super::Reden {
    fn from(r: Reden) -> Self {
        super::Reden::Gebied(r)
    }
}

pub(super) fn toets(ctx: &Context<'_, '_>, b: &mut Bevindingen) {
    let a = ctx.aanvraag;
    if a.deelplannen.is_empty() {
        b.voeg_toe(Regel::E03, Uitkomst::Fout, Niveau::Aanvraag, Reden::GeenDeelplannen);
    }
    for (i, dp) in a.deelplannen.iter().enumerate() {
        if a.deelplannen[..i].iter().any(|d| d.id == dp.id) {
            b.voeg_toe(Regel::E03, Uitkomst::Fout, Niveau::Aanvraag, Reden::DubbelDeelplanId(dp.id.clone()));
        }
        let pc4 = &dp.deelgebied.pc4;
        let mut fout = false;
        if pc4.is_empty() {
            b.voeg_toe(Regel::E03, Uitkomst::Fout, Niveau::Deelplan(i), Reden::DeelgebiedLeeg);
            fout = true;
        }
        for (k, code) in pc4.iter().enumerate() {
            if pc4[..k].contains(code) {
                b.voeg_toe(Regel::E03, Uitkomst::Waarschuwing, Niveau::Deelplan(i), Reden::Pc4DubbelGenoemd(*code));
            }
            if let Some(ander) = a.deelplannen.iter().enumerate().find(|(j, d)| *j != i && d.deelgebied.pc4.contains(code)) {
                b.voeg_toe(Regel::E03, Uitkomst::Fout, Niveau::Deelplan(i), Reden::Pc4InAnderDeelplan { pc4: *code, deelplan: ander.1.id.clone() });
                fout = true;
            }
        }
        if !fout {
            b.voeg_toe(Regel::E03, Uitkomst::Voldaan, Niveau::Deelplan(i), Reden::DeelgebiedGeldig);
        }
        if !pc4.is_empty() {
            b.voeg_toe(Regel::E04, Uitkomst::Voldaan, Niveau::Deelplan(i), Reden::Pc4Geldig);
        }
    }
}

impl Reden {
    pub(super) fn uitleg(&self, ctx: &Context<'_, '_>, niveau: Niveau) -> String {
        let dp = niveau.deelplan().map(|i| &ctx.aanvraag.deelplannen[i]);
        let lijst = || dp.map(|d| d.deelgebied.pc4.iter().map(Pc4::to_string).collect::<Vec<_>>().join(", ")).unwrap_or_default();
        match self {
            Reden::GeenDeelplannen => "De aanvraag heeft geen deelplannen; er is ten minste één nodig.".into(),
            Reden::DubbelDeelplanId(id) => format!("Twee deelplannen hebben hetzelfde kenmerk '{id}'."),
            Reden::DeelgebiedLeeg => "Het deelgebied noemt geen enkel postcodegebied (PC4); er is ten minste één nodig.".into(),
            Reden::Pc4DubbelGenoemd(p) => format!("Postcodegebied {p} staat twee keer in dit deelgebied."),
            Reden::Pc4InAnderDeelplan { pc4, deelplan } => {
                format!(
                    "Postcodegebied {pc4} ligt ook in het deelgebied van deelplan {deelplan} van deze aanvraag; een postcodegebied mag maar in één deelgebied liggen."
                )
            }
            Reden::Pc4InAndereAanvraag { pc4, kenmerk, deelplan, aantal_andere } => format!(
                "Postcodegebied {pc4} ligt ook in het deelgebied van deelplan {deelplan} van aanvraag {kenmerk}{}; een postcodegebied mag in de ronde maar in één deelgebied liggen.",
                if *aantal_andere > 1 { format!(" (en van {} andere)", aantal_andere - 1) } else { String::new() }
            ),
            Reden::DeelgebiedGeldig => {
                format!("Het deelgebied bestaat uit de postcodegebieden {}, die in geen ander deelgebied van de aanvraag liggen.", lijst())
            }
            Reden::Pc4Geldig => format!("De postcodegebieden {} zijn geldige PC4-codes (4 cijfers, 1000–9999).", lijst()),
        }
    }
}
