//! E15 — de verplichte documenten zijn bijgevoegd [D]: per eis van de ronde (per aanvraag, per deelplan, of
//! als een corporatie meedoet: een maatregel met corporatiewoningen of cofinanciering van een corporatie).
//!
//! Geoordeeld wordt op de lijst die de toetsing meekrijgt: op de server de geüploade documenten (soort,
//! deelplan, SHA-256 uit de documententabel), bij `vhf check` op een bestand de documentenlijst van dat bestand
//! (wat de gemeente verklaart). De uitleg zegt welke van de twee ([`DocumentBron`]).

use super::{Bevindingen, Context, DocumentBron, Niveau, Regel, Uitkomst};
use crate::aanvraag::{Document, DocumentSoort, Financier};
use crate::regeling::DocumentPer;

/// Bewaard als JSON bij de toetsing (formaat 2 van `toetsingen.rapport`); de uitleg wordt bij het lezen gemaakt.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reden {
    Compleet {
        aantal: usize,
    },
    /// Voor een deelplan (niveau deelplan) of voor de aanvraag.
    Ontbreekt {
        soort: DocumentSoort,
    },
    OnbekendDeelplan {
        naam: String,
        deelplan: String,
    },
}

impl From<Reden> for super::Reden {
    fn from(r: Reden) -> Self {
        super::Reden::Documenten(r)
    }
}

pub(super) fn toets(ctx: &Context<'_, '_>, documenten: &[Document], b: &mut Bevindingen) {
    let a = ctx.aanvraag;
    let heeft =
        |soort: DocumentSoort, deelplan: Option<&str>| documenten.iter().any(|d| d.soort == soort && (deelplan.is_none() || d.deelplan.as_deref() == deelplan));
    let corporatie_doet_mee = a
        .deelplannen
        .iter()
        .any(|dp| dp.maatregelen.iter().any(|m| m.woningen.corporatie > 0) || dp.cofinanciering.iter().any(|c| c.financier == Financier::Corporatie));
    let mut compleet = true;
    for eis in ctx.p.verplichte_documenten.waarde {
        match eis.per {
            DocumentPer::Aanvraag => {
                if !heeft(eis.soort, None) {
                    b.voeg_toe(Regel::E15, Uitkomst::Fout, Niveau::Aanvraag, Reden::Ontbreekt { soort: eis.soort });
                    compleet = false;
                }
            }
            DocumentPer::Corporatiepartner => {
                if corporatie_doet_mee && !heeft(eis.soort, None) {
                    b.voeg_toe(Regel::E15, Uitkomst::Fout, Niveau::Aanvraag, Reden::Ontbreekt { soort: eis.soort });
                    compleet = false;
                }
            }
            DocumentPer::Deelplan => {
                for (i, dp) in a.deelplannen.iter().enumerate() {
                    if !heeft(eis.soort, Some(&dp.id)) {
                        b.voeg_toe(Regel::E15, Uitkomst::Fout, Niveau::Deelplan(i), Reden::Ontbreekt { soort: eis.soort });
                        compleet = false;
                    }
                }
            }
        }
    }
    for d in documenten {
        if let Some(id) = &d.deelplan
            && !a.deelplannen.iter().any(|dp| &dp.id == id)
        {
            b.voeg_toe(Regel::E15, Uitkomst::Waarschuwing, Niveau::Aanvraag, Reden::OnbekendDeelplan { naam: d.naam.clone(), deelplan: id.clone() });
        }
    }
    if compleet {
        b.voeg_toe(Regel::E15, Uitkomst::Voldaan, Niveau::Aanvraag, Reden::Compleet { aantal: documenten.len() });
    }
}

impl Reden {
    pub(super) fn uitleg(&self, ctx: &Context<'_, '_>, niveau: super::Niveau) -> String {
        use crate::regeling::Beschrijf;
        let verklaard = ctx.documenten == DocumentBron::Verklaard;
        // Wat ontbreekt: niet geüpload (server), of niet in de lijst van het bestand (`vhf check`).
        let ontbreekt = if verklaard { "staat niet in de documentenlijst van het aanvraagbestand" } else { "is niet geüpload" };
        match self {
            Reden::Compleet { aantal } if verklaard => format!(
                "Alle verplichte documenten staan in de documentenlijst van het aanvraagbestand ({aantal} documenten). Dit is wat de gemeente verklaart; getoetst is de lijst, niet of ze geüpload zijn (dat toetst de server bij het indienen). Verplicht: {}.",
                ctx.p.verplichte_documenten.waarde.beschrijf()
            ),
            Reden::Compleet { aantal } => {
                format!("Alle verplichte documenten zijn geüpload ({aantal} documenten). Verplicht: {}.", ctx.p.verplichte_documenten.waarde.beschrijf())
            }
            Reden::Ontbreekt { soort } if niveau.deelplan().is_some() => {
                let dp = &ctx.aanvraag.deelplannen[niveau.deelplan().expect("deelplanniveau")].id;
                format!("Het document '{}' voor deelplan {dp} {ontbreekt}.", soort.omschrijving())
            }
            Reden::Ontbreekt { soort: DocumentSoort::IntentieverklaringCorporatie } => format!(
                "Er doet een corporatie mee (corporatiewoningen of cofinanciering door een corporatie), maar een intentieverklaring van een partnercorporatie {ontbreekt}."
            ),
            Reden::Ontbreekt { soort } => format!("Het document '{}' {ontbreekt}.", soort.omschrijving()),
            Reden::OnbekendDeelplan { naam, deelplan } => {
                format!("Document '{naam}' hoort bij deelplan '{deelplan}', maar de aanvraag heeft geen deelplan met dat kenmerk.")
            }
        }
    }
}
