//! E02 — de aanvragers zijn gemeenten van de indeling van de ronde; een gezamenlijke aanvraag noemt een
//! penvoerder uit hun midden; elk deelgebied ligt in een van de aanvragende gemeenten.
//! E16 — een verklaard prioriteitsgebied staat op de lijst van de ronde en hoort bij de gemeente van het deelgebied.

use super::{Bevindingen, Context, Niveau, Regel, Uitkomst, gemeente};
use crate::codes::GemeenteCode;
use crate::indicatoren::Prioriteit;
use crate::referentie::Referentie;

/// Bewaard als JSON bij de toetsing (formaat 2 van `toetsingen.rapport`); de uitleg wordt bij het lezen gemaakt.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reden {
    AanvragersGeldig,
    DubbeleAanvrager(GemeenteCode),
    GeenPenvoerder,
    PenvoerderGeenAanvrager(GemeenteCode),
    DeelgebiedInAanvrager,
    DeelgebiedBuitenAanvragers,
    /// E16
    GeenPrioriteitsgebied,
    InPrioriteitsgebied,
    OngeldigPrioriteitsgebied,
}

impl From<Reden> for super::Reden {
    fn from(r: Reden) -> Self {
        super::Reden::Aanvragers(r)
    }
}

pub(super) fn toets(ctx: &Context<'_, '_>, b: &mut Bevindingen) {
    let a = ctx.aanvraag;
    let mut fout = false;
    for (i, g) in a.aanvragers.iter().enumerate() {
        if a.aanvragers[..i].contains(g) {
            b.voeg_toe(Regel::E02, Uitkomst::Fout, Niveau::Aanvraag, Reden::DubbeleAanvrager(*g));
            fout = true;
        }
    }
    match a.penvoerder() {
        None => {
            b.voeg_toe(Regel::E02, Uitkomst::Fout, Niveau::Aanvraag, Reden::GeenPenvoerder);
            fout = true;
        }
        Some(p) if !a.aanvragers.contains(&p) => {
            b.voeg_toe(Regel::E02, Uitkomst::Fout, Niveau::Aanvraag, Reden::PenvoerderGeenAanvrager(p));
            fout = true;
        }
        Some(_) => {}
    }
    if !fout && !a.aanvragers.is_empty() {
        b.voeg_toe(Regel::E02, Uitkomst::Voldaan, Niveau::Aanvraag, Reden::AanvragersGeldig);
    }
    for (i, dp) in a.deelplannen.iter().enumerate() {
        if a.aanvragers.contains(&dp.deelgebied.gemeente) {
            b.voeg_toe(Regel::E02, Uitkomst::Voldaan, Niveau::Deelplan(i), Reden::DeelgebiedInAanvrager);
        } else {
            b.voeg_toe(Regel::E02, Uitkomst::Fout, Niveau::Deelplan(i), Reden::DeelgebiedBuitenAanvragers);
        }
        let (uitkomst, reden) = match &ctx.ind.deelplannen[i].prioriteit {
            Prioriteit::Geen => (Uitkomst::Voldaan, Reden::GeenPrioriteitsgebied),
            Prioriteit::Gebied { .. } => (Uitkomst::Voldaan, Reden::InPrioriteitsgebied),
            Prioriteit::Ongeldig { .. } => (Uitkomst::Fout, Reden::OngeldigPrioriteitsgebied),
        };
        b.voeg_toe(Regel::E16, uitkomst, Niveau::Deelplan(i), reden);
    }
}

impl Reden {
    pub(super) fn uitleg(&self, ctx: &Context<'_, '_>, niveau: Niveau) -> String {
        let a = ctx.aanvraag;
        // Alleen gemaakt voor de redenen die de aanvragers noemen.
        let namen = || a.aanvragers.iter().map(|g| gemeente(*g)).collect::<Vec<_>>().join(", ");
        let dp = niveau.deelplan().map(|i| &a.deelplannen[i]);
        let lijst = ctx.p.prioriteitslijst.waarde;
        match self {
            Reden::AanvragersGeldig => match (a.aanvragers.len(), a.penvoerder()) {
                (1, _) => format!("Aanvrager: {}, een gemeente in de CBS-indeling {}.", namen(), ctx.ronde.gemeentelijke_indeling),
                (n, Some(p)) => format!(
                    "Gezamenlijke aanvraag van {n} gemeenten{} ({}); penvoerder is {}.",
                    a.samenwerkingsverband.as_deref().map(|s| format!(", {s}")).unwrap_or_default(),
                    namen(),
                    gemeente(p)
                ),
                (_, None) => String::new(),
            },
            Reden::DubbeleAanvrager(g) => format!("{} staat meer dan eens bij de aanvragers.", gemeente(*g)),
            Reden::GeenPenvoerder => format!("Een gezamenlijke aanvraag ({}) moet een penvoerder noemen: de gemeente die de uitkering ontvangt.", namen()),
            Reden::PenvoerderGeenAanvrager(p) => format!("De penvoerder {} is niet een van de aanvragers ({}).", gemeente(*p), namen()),
            Reden::DeelgebiedInAanvrager => {
                format!("Het deelgebied ligt in {}, een van de aanvragers.", gemeente(dp.map(|d| d.deelgebied.gemeente).expect("deelplanniveau")))
            }
            Reden::DeelgebiedBuitenAanvragers => format!(
                "Het deelgebied ligt in {}, maar die gemeente is geen aanvrager ({}).",
                gemeente(dp.map(|d| d.deelgebied.gemeente).expect("deelplanniveau")),
                namen()
            ),
            Reden::GeenPrioriteitsgebied => format!(
                "Het deelgebied ligt niet in een prioriteitsgebied van de lijst {lijst}: er is er geen verklaard en {} ligt niet in een grens- of krimpregio.",
                gemeente(dp.expect("deelplanniveau").deelgebied.gemeente)
            ),
            Reden::InPrioriteitsgebied => match niveau.deelplan().map(|i| &ctx.ind.deelplannen[i].prioriteit) {
                Some(Prioriteit::Gebied { naam, soort, verklaard: true, .. }) if soort.is_stedelijk() => format!(
                    "De aanvrager verklaart dat het deelgebied in {naam} ligt, een {} van {} op de lijst {lijst}. De behandelaar bevestigt de ligging.",
                    soort.omschrijving(),
                    gemeente(dp.expect("deelplanniveau").deelgebied.gemeente)
                ),
                Some(Prioriteit::Gebied { naam, soort, .. }) => format!(
                    "{} ligt in {naam}, een {} op de lijst {lijst}; het hele grondgebied van de gemeente telt als prioriteitsgebied.",
                    gemeente(dp.expect("deelplanniveau").deelgebied.gemeente),
                    soort.omschrijving()
                ),
                _ => String::new(),
            },
            Reden::OngeldigPrioriteitsgebied => {
                let d = dp.expect("deelplanniveau");
                let verklaard = d.deelgebied.prioriteitsgebied.as_deref().unwrap_or("");
                match Referentie::ingebouwd().lijst(lijst).and_then(|l| l.get(verklaard)) {
                    None => format!("Het verklaarde prioriteitsgebied '{verklaard}' staat niet op de lijst {lijst} van deze ronde."),
                    Some(g) => format!(
                        "Het verklaarde prioriteitsgebied {} ({}) hoort niet bij {}: het ligt in {}.",
                        g.naam,
                        g.soort.omschrijving(),
                        gemeente(d.deelgebied.gemeente),
                        g.gemeenten.keys().map(|c| gemeente(*c)).collect::<Vec<_>>().join(", ")
                    ),
                }
            }
        }
    }
}
