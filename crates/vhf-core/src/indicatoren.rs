//! De kengetallen van een deelplan en een aanvraag: wat een behandelaar en de commissie bekijken.
//!
//! In stappen, zoals de regeling ze noemt: kosten − opbrengsten = tekort → maximale Rijksbijdrage
//! (max_aandeel_tekort × tekort) → gevraagd → te dekken door cofinanciering → gat.

use serde::Serialize;

use crate::aanvraag::{Aanvraag, Activiteit, Deelplan};
use crate::codes::{EnergieLabel, GemeenteCode};
use crate::geld::{Bedrag, Overloop, Percentage};
use crate::referentie::{GebiedSoort, Referentie};
use crate::regeling::ParameterWaarden;

/// Woningen per eigendom, opgeteld.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Woningtelling {
    pub eigenaar_bewoner: u64,
    pub particuliere_verhuur: u64,
    pub corporatie: u64,
}

impl Woningtelling {
    pub fn particulier(&self) -> u64 {
        self.eigenaar_bewoner + self.particuliere_verhuur
    }
    pub fn totaal(&self) -> u64 {
        self.particulier() + self.corporatie
    }
    fn tel(&mut self, w: &crate::aanvraag::Woningen) {
        self.eigenaar_bewoner += u64::from(w.eigenaar_bewoner);
        self.particuliere_verhuur += u64::from(w.particuliere_verhuur);
        self.corporatie += u64::from(w.corporatie);
    }
    fn plus(&mut self, w: &Woningtelling) {
        self.eigenaar_bewoner += w.eigenaar_bewoner;
        self.particuliere_verhuur += w.particuliere_verhuur;
        self.corporatie += w.corporatie;
    }
    /// Aandeel particuliere woningen.
    pub fn aandeel_particulier(&self) -> Option<Percentage> {
        Percentage::verhouding(i128::from(self.particulier()), i128::from(self.totaal()))
    }
}

/// Woningen per soort maatregel, voor de soorten die in het deelplan (of de aanvraag) voorkomen; ook met 0
/// woningen telt een soort die voorkomt. Een vaste rij in plaats van een `BTreeMap`: geen allocatie per
/// deelplan. Als JSON een object in de volgorde van [`Activiteit`] (dezelfde als die van een `BTreeMap`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PerActiviteit([Option<u64>; Activiteit::ALLE.len()]);

impl PerActiviteit {
    fn tel(&mut self, a: Activiteit, n: u64) {
        *self.0[a as usize].get_or_insert(0) += n;
    }

    /// De soorten die voorkomen, met hun woningen, in de volgorde van [`Activiteit`].
    pub fn iter(&self) -> impl Iterator<Item = (Activiteit, u64)> + '_ {
        Activiteit::ALLE.iter().zip(&self.0).filter_map(|(a, n)| n.map(|n| (*a, n)))
    }

    pub fn get(&self, a: Activiteit) -> Option<u64> {
        self.0[a as usize]
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }
}

impl Serialize for PerActiviteit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// Hoe een deelgebied in een prioriteitsgebied ligt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Prioriteit {
    /// Niet in een prioriteitsgebied van de lijst van de ronde.
    Geen,
    /// In een gebied van de lijst: verklaard door de aanvrager (stedelijk gebied: de behandelaar bevestigt),
    /// of vanzelf omdat de hele gemeente in een grens- of krimpregio ligt.
    Gebied { id: String, naam: String, soort: GebiedSoort, verklaard: bool },
    /// De aanvrager noemt een gebied, maar dat is niet (of niet voor deze gemeente) op de lijst (regel E16).
    Ongeldig { verklaard: String },
}

impl Prioriteit {
    pub fn in_gebied(&self) -> bool {
        matches!(self, Prioriteit::Gebied { .. })
    }
}

/// Kengetallen van één deelplan.
#[derive(Clone, Debug, Serialize)]
pub struct DeelplanIndicatoren {
    pub deelplan: String,
    pub gemeente: GemeenteCode,
    pub kosten: Bedrag,
    pub opbrengsten: Bedrag,
    /// Σ kosten − Σ opbrengsten van de fysieke maatregelen.
    pub tekort: Bedrag,
    /// max_aandeel_tekort × tekort, naar beneden afgerond op centen; 0 als er geen tekort is.
    pub max_bijdrage_fysiek: Bedrag,
    pub bijdrage_fysiek: Bedrag,
    pub projectkosten: Bedrag,
    /// bijdrage_fysiek + projectkosten.
    pub gevraagd: Bedrag,
    /// bijdrage_fysiek / tekort.
    pub aandeel_van_tekort: Option<Percentage>,
    pub cofinanciering: Bedrag,
    /// Wat na de Rijksbijdrage van het tekort overblijft: max(0, tekort − bijdrage_fysiek).
    pub te_dekken: Bedrag,
    /// max(0, te_dekken − cofinanciering).
    pub cofinancieringsgat: Bedrag,
    /// Woningen in de primaire maatregelen (renovatie, transformatie, sloop-nieuwbouw).
    pub woningen: Woningtelling,
    pub aandeel_particulier: Option<Percentage>,
    /// gevraagd / woningen, half-omhoog op centen.
    pub bijdrage_per_woning: Option<Bedrag>,
    pub woningen_per_activiteit: PerActiviteit,
    /// Σ over renovaties: woningen × gewonnen labelstappen.
    pub labelstappen_woningen: u64,
    /// Gemiddeld aantal gewonnen labelstappen per gerenoveerde woning, in honderdsten.
    pub gemiddelde_labelstappen: Option<crate::geld::Honderdsten>,
    pub minimum_werkbaar: Bedrag,
    pub prioriteit: Prioriteit,
}

/// Kengetallen van een aanvraag.
#[derive(Clone, Debug, Serialize)]
pub struct AanvraagIndicatoren {
    pub deelplannen: Vec<DeelplanIndicatoren>,
    pub kosten: Bedrag,
    pub tekort: Bedrag,
    pub bijdrage_fysiek: Bedrag,
    pub projectkosten: Bedrag,
    pub gevraagd: Bedrag,
    pub aandeel_projectkosten: Option<Percentage>,
    pub cofinanciering: Bedrag,
    pub woningen: Woningtelling,
    pub aandeel_particulier: Option<Percentage>,
    pub bijdrage_per_woning: Option<Bedrag>,
    pub woningen_per_activiteit: PerActiviteit,
    pub in_prioriteitsgebied: bool,
}

/// Bepaalt of een deelgebied in een prioriteitsgebied ligt, volgens de lijst die op de peildatum geldt.
pub fn prioriteit(dp: &Deelplan, p: &ParameterWaarden<'_>, referentie: &Referentie) -> Prioriteit {
    let Some(lijst) = referentie.lijst(p.prioriteitslijst.waarde) else {
        return Prioriteit::Geen;
    };
    let gemeente = dp.deelgebied.gemeente;
    if let Some(verklaard) = &dp.deelgebied.prioriteitsgebied {
        return match lijst.get(verklaard) {
            Some(g) if g.gemeenten.contains_key(&gemeente) => Prioriteit::Gebied { id: g.id.clone(), naam: g.naam.clone(), soort: g.soort, verklaard: true },
            _ => Prioriteit::Ongeldig { verklaard: verklaard.clone() },
        };
    }
    // Zonder verklaring: een gemeente die helemaal in een grens- of krimpregio ligt.
    // Een gemeente ligt op een lijst in hoogstens één regio (gecontroleerd bij het lezen van de referentie).
    referentie.regio(p.prioriteitslijst.waarde, gemeente).filter(|g| g.soort == GebiedSoort::GrensKrimpregio).map_or(Prioriteit::Geen, |g| Prioriteit::Gebied {
        id: g.id.clone(),
        naam: g.naam.clone(),
        soort: g.soort,
        verklaard: false,
    })
}

pub fn deelplan(dp: &Deelplan, p: &ParameterWaarden<'_>, referentie: &Referentie) -> Result<DeelplanIndicatoren, Overloop> {
    let kosten = Bedrag::som(dp.maatregelen.iter().map(|m| m.kosten))?;
    let opbrengsten = Bedrag::som(dp.maatregelen.iter().map(|m| m.opbrengsten))?;
    let tekort = kosten.minus(opbrengsten)?;
    let max_bijdrage_fysiek = if tekort.is_positief() { tekort.maal_omlaag(*p.max_aandeel_tekort.waarde)? } else { Bedrag::NUL };
    let gevraagd = dp.bijdrage_fysiek.plus(dp.projectkosten)?;
    let cofinanciering = Bedrag::som(dp.cofinanciering.iter().map(|c| c.bedrag))?;
    let te_dekken = tekort.minus(dp.bijdrage_fysiek)?.max(Bedrag::NUL);
    let cofinancieringsgat = te_dekken.minus(cofinanciering)?.max(Bedrag::NUL);

    let mut woningen = Woningtelling::default();
    let mut per_activiteit = PerActiviteit::default();
    let mut labelstappen_woningen = 0u64;
    let mut gerenoveerd = 0u64;
    for m in &dp.maatregelen {
        per_activiteit.tel(m.activiteit, m.woningen.totaal());
        if m.activiteit.is_primair() {
            woningen.tel(&m.woningen);
        }
        if let (Activiteit::Renovatie, Some(voor), Some(na)) = (m.activiteit, m.label_voor, m.label_na) {
            let stappen = u64::try_from(EnergieLabel::stappen_naar(voor, na).max(0)).unwrap_or(0);
            labelstappen_woningen += stappen * m.woningen.totaal();
            gerenoveerd += m.woningen.totaal();
        }
    }
    let gemiddelde_labelstappen = (gerenoveerd > 0).then(|| {
        let h = (u128::from(labelstappen_woningen) * 200 + u128::from(gerenoveerd)) / (2 * u128::from(gerenoveerd));
        crate::geld::Honderdsten(i64::try_from(h).unwrap_or(i64::MAX))
    });
    Ok(DeelplanIndicatoren {
        deelplan: dp.id.clone(),
        gemeente: dp.deelgebied.gemeente,
        kosten,
        opbrengsten,
        tekort,
        max_bijdrage_fysiek,
        bijdrage_fysiek: dp.bijdrage_fysiek,
        projectkosten: dp.projectkosten,
        gevraagd,
        aandeel_van_tekort: if tekort.is_positief() { dp.bijdrage_fysiek.aandeel_van(tekort) } else { None },
        cofinanciering,
        te_dekken,
        cofinancieringsgat,
        aandeel_particulier: woningen.aandeel_particulier(),
        bijdrage_per_woning: gevraagd.per(woningen.totaal()),
        woningen,
        woningen_per_activiteit: per_activiteit,
        labelstappen_woningen,
        gemiddelde_labelstappen,
        minimum_werkbaar: dp.minimum_werkbaar.unwrap_or(gevraagd),
        prioriteit: prioriteit(dp, p, referentie),
    })
}

pub fn aanvraag(a: &Aanvraag, p: &ParameterWaarden<'_>, referentie: &Referentie) -> Result<AanvraagIndicatoren, Overloop> {
    let deelplannen = a.deelplannen.iter().map(|dp| deelplan(dp, p, referentie)).collect::<Result<Vec<_>, _>>()?;
    let som = |f: fn(&DeelplanIndicatoren) -> Bedrag| Bedrag::som(deelplannen.iter().map(f));
    let mut woningen = Woningtelling::default();
    let mut per_activiteit = PerActiviteit::default();
    for d in &deelplannen {
        woningen.plus(&d.woningen);
        for (act, n) in d.woningen_per_activiteit.iter() {
            per_activiteit.tel(act, n);
        }
    }
    let gevraagd = som(|d| d.gevraagd)?;
    let projectkosten = som(|d| d.projectkosten)?;
    Ok(AanvraagIndicatoren {
        kosten: som(|d| d.kosten)?,
        tekort: som(|d| d.tekort)?,
        bijdrage_fysiek: som(|d| d.bijdrage_fysiek)?,
        projectkosten,
        aandeel_projectkosten: projectkosten.aandeel_van(gevraagd),
        cofinanciering: som(|d| d.cofinanciering)?,
        aandeel_particulier: woningen.aandeel_particulier(),
        bijdrage_per_woning: gevraagd.per(woningen.totaal()),
        gevraagd,
        woningen,
        woningen_per_activiteit: per_activiteit,
        in_prioriteitsgebied: deelplannen.iter().any(|d| d.prioriteit.in_gebied()),
        deelplannen,
    })
}
