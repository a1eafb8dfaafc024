//! E05 — elk deelplan heeft ten minste één primaire maatregel (renovatie, transformatie, sloop-nieuwbouw);
//! inponding en openbare ruimte alleen daarnaast.
//! E06 — een renovatie wint ten minste `renovatie.min_labelstappen` labelstappen, of eindigt op
//! `renovatie.of_minimaal_label` of beter.
//! E07 — de aanvraag pakt particuliere woningen aan (eigenaar-bewoners of particuliere verhuur) in haar
//! primaire maatregelen [seed].

use super::{Bevindingen, Context, Niveau, Regel, Uitkomst};
use crate::aanvraag::Activiteit;

/// Bewaard als JSON bij de toetsing (formaat 2 van `toetsingen.rapport`); de uitleg wordt bij het lezen gemaakt.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reden {
    HeeftPrimair,
    GeenPrimair { alleen_secundair: bool },
    RenovatieStappen { stappen: i32 },
    RenovatieEindlabel { stappen: i32 },
    RenovatieTeWeinig { stappen: i32 },
    LabelsOntbreken,
    ParticulierAangepakt,
    GeenParticulier,
}

impl From<Reden> for super::Reden {
    fn from(r: Reden) -> Self {
        super::Reden::Maatregelen(r)
    }
}

pub(super) fn toets(ctx: &Context<'_, '_>, b: &mut Bevindingen) {
    let eis = ctx.p.renovatie.waarde;
    for (i, dp) in ctx.aanvraag.deelplannen.iter().enumerate() {
        if dp.maatregelen.iter().any(|m| m.activiteit.is_primair()) {
            b.voeg_toe(Regel::E05, Uitkomst::Voldaan, Niveau::Deelplan(i), Reden::HeeftPrimair);
        } else {
            b.voeg_toe(Regel::E05, Uitkomst::Fout, Niveau::Deelplan(i), Reden::GeenPrimair { alleen_secundair: !dp.maatregelen.is_empty() });
        }
        for (j, m) in dp.maatregelen.iter().enumerate() {
            if m.activiteit != Activiteit::Renovatie {
                continue;
            }
            let niveau = Niveau::Maatregel(i, j);
            let (Some(voor), Some(na)) = (m.label_voor, m.label_na) else {
                b.voeg_toe(Regel::E06, Uitkomst::Fout, niveau, Reden::LabelsOntbreken);
                continue;
            };
            let stappen = voor.stappen_naar(na);
            let min = i32::try_from(eis.min_labelstappen).unwrap_or(i32::MAX);
            if stappen >= min {
                b.voeg_toe(Regel::E06, Uitkomst::Voldaan, niveau, Reden::RenovatieStappen { stappen });
            } else if na >= eis.of_minimaal_label && stappen > 0 {
                b.voeg_toe(Regel::E06, Uitkomst::Voldaan, niveau, Reden::RenovatieEindlabel { stappen });
            } else {
                b.voeg_toe(Regel::E06, Uitkomst::Fout, niveau, Reden::RenovatieTeWeinig { stappen });
            }
        }
    }
    if ctx.ind.woningen.particulier() > 0 {
        b.voeg_toe(Regel::E07, Uitkomst::Voldaan, Niveau::Aanvraag, Reden::ParticulierAangepakt);
    } else {
        b.voeg_toe(Regel::E07, Uitkomst::Fout, Niveau::Aanvraag, Reden::GeenParticulier);
    }
}

impl Reden {
    pub(super) fn uitleg(&self, ctx: &Context<'_, '_>, niveau: Niveau) -> String {
        let eis = ctx.p.renovatie.waarde;
        let m = match niveau {
            Niveau::Maatregel(d, m) => Some(&ctx.aanvraag.deelplannen[d].maatregelen[m]),
            _ => None,
        };
        let labels =
            || m.map(|m| format!("van label {} naar {}", m.label_voor.map_or("?", |l| l.naam()), m.label_na.map_or("?", |l| l.naam()))).unwrap_or_default();
        let stap = |n: i32| if n == 1 { "1 labelstap".to_string() } else { format!("{n} labelstappen") };
        let w = &ctx.ind.woningen;
        match self {
            Reden::HeeftPrimair => {
                let d = &ctx.aanvraag.deelplannen[niveau.deelplan().expect("deelplanniveau")];
                let soorten: Vec<_> = d.maatregelen.iter().filter(|m| m.activiteit.is_primair()).map(|m| m.activiteit.naam()).collect();
                format!("Het deelplan heeft een primaire maatregel ({}).", soorten.join(", "))
            }
            Reden::GeenPrimair { alleen_secundair: true } => {
                "Het deelplan heeft alleen inponding of openbare ruimte. Die mogen alleen naast een renovatie, transformatie of sloop-nieuwbouw.".into()
            }
            Reden::GeenPrimair { alleen_secundair: false } => {
                "Het deelplan heeft geen maatregelen; er is ten minste één renovatie, transformatie of sloop-nieuwbouw nodig.".into()
            }
            Reden::RenovatieStappen { stappen } => format!("De renovatie gaat {}: {} (ten minste {} vereist).", labels(), stap(*stappen), eis.min_labelstappen),
            Reden::RenovatieEindlabel { stappen } => format!(
                "De renovatie gaat {}: {}, minder dan {}, maar het eindlabel is {} of beter. Dat is voldoende.",
                labels(),
                stap(*stappen),
                eis.min_labelstappen,
                eis.of_minimaal_label
            ),
            Reden::RenovatieTeWeinig { stappen } if *stappen <= 0 => format!(
                "De renovatie gaat {}: het label wordt niet beter. Vereist is ten minste {} labelstappen of eindlabel {} of beter.",
                labels(),
                eis.min_labelstappen,
                eis.of_minimaal_label
            ),
            Reden::RenovatieTeWeinig { stappen } => format!(
                "De renovatie gaat {}: {}. Vereist is ten minste {} labelstappen of eindlabel {} of beter.",
                labels(),
                stap(*stappen),
                eis.min_labelstappen,
                eis.of_minimaal_label
            ),
            Reden::LabelsOntbreken => "Bij een renovatie zijn het energielabel vóór en na verplicht (label_voor en label_na).".into(),
            Reden::ParticulierAangepakt => format!(
                "De primaire maatregelen omvatten {} particuliere woningen ({} eigenaar-bewoners, {} particuliere verhuur) van {} in totaal.",
                w.particulier(),
                w.eigenaar_bewoner,
                w.particuliere_verhuur,
                w.totaal()
            ),
            Reden::GeenParticulier => format!(
                "De primaire maatregelen omvatten geen particuliere woningen (eigenaar-bewoners of particuliere verhuur), alleen {} corporatiewoningen. Elke aanvraag moet ook particuliere woningen aanpakken.",
                w.corporatie
            ),
        }
    }
}
