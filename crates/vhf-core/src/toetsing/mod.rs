//! Toetsing van een aanvraag aan de regeling: regels E01–E16 uit `docs/regeling.md`.
//!
//! Elke regel staat in de module van zijn groep (loket, aanvragers, gebied, maatregelen, financien, omvang,
//! documenten) en levert per niveau (aanvraag, deelplan, maatregel) een [`Bevinding`]: voldaan, waarschuwing
//! of fout, met een reden die de getallen bevat. De Nederlandse uitleg wordt pas gemaakt als iemand hem
//! opvraagt ([`Toetsing::uitleg`]), zodat het toetsen van duizenden aanvragen snel blijft.
//!
//! Een fout op aanvraagniveau maakt de aanvraag niet ontvankelijk; een fout bij een deelplan of een van zijn
//! maatregelen maakt dat deelplan niet subsidiabel. Een waarschuwing is voor de behandelaar.

pub mod aanvragers;
pub mod documenten;
pub mod financien;
pub mod gebied;
pub mod loket;
pub mod maatregelen;
pub mod omvang;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::aanvraag::{Aanvraag, Document};
use crate::codes::Pc4;
use crate::geld::Overloop;
use crate::indicatoren::{self, AanvraagIndicatoren};
use crate::referentie::Referentie;
use crate::regeling::{GebruikteWaarde, ParameterNaam, ParameterWaarden, Parameters, Ronde};

/// De regels van de toetsing, zoals in de tabel van `docs/regeling.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Regel {
    E01,
    E02,
    E03,
    E04,
    E05,
    E06,
    E07,
    E08,
    E09,
    E10,
    E11,
    E12,
    E13,
    E14,
    E15,
    E16,
}

/// Wat het register over een regel zegt.
pub struct RegelInfo {
    pub regel: Regel,
    pub titel: &'static str,
    /// Vindplaats in de regeling, met het label uit `docs/regeling.md` en het anker van de regel daarin
    /// (`docs/regeling.md#e15`); de test `crates/vhf/tests/bronnen.rs` controleert dat het bestaat.
    pub bron: &'static str,
    /// De parameters van de ronde die de regel gebruikt.
    pub parameters: &'static [ParameterNaam],
}

use ParameterNaam as P;

/// Het register: elke regel met titel, bron en parameters. Een bevinding noemt altijd een regel uit dit register.
pub const REGELS: [RegelInfo; 16] = [
    RegelInfo {
        regel: Regel::E01,
        titel: "Ingediend binnen de openingstijd van het loket",
        bron: "[V] regeling, openstelling loket (docs/regeling.md#e01)",
        parameters: &[P::loket_open, P::loket_sluit],
    },
    RegelInfo {
        regel: Regel::E02,
        titel: "Aanvragers zijn gemeenten; een gezamenlijke aanvraag noemt de penvoerder",
        bron: "[V] regeling: aanvraag door een gemeente of samenwerkingsverband met penvoerder (docs/regeling.md#e02)",
        parameters: &[],
    },
    RegelInfo {
        regel: Regel::E03,
        titel: "Deelplannen met een deelgebied van PC4-gebieden, elk gebied in één deelgebied",
        bron: "[V] regeling: deelplan in één deelgebied; PC4 in hoogstens één deelgebied (docs/regeling.md#e03)",
        parameters: &[],
    },
    RegelInfo {
        regel: Regel::E04,
        titel: "PC4-codes zijn 4 cijfers, 1000–9999",
        bron: "[V] regeling: deelgebied van postcodegebieden (docs/regeling.md#e04)",
        parameters: &[],
    },
    RegelInfo {
        regel: Regel::E05,
        titel: "Elk deelplan heeft een primaire maatregel (renovatie, transformatie of sloop-nieuwbouw)",
        bron: "[V] regeling: inponding en openbare ruimte alleen naast herstructurering (docs/regeling.md#e05)",
        parameters: &[],
    },
    RegelInfo {
        regel: Regel::E06,
        titel: "Renovatie: ten minste 3 labelstappen of eindlabel B of beter",
        bron: "[V] regeling: eis aan renovatie (docs/regeling.md#e06)",
        parameters: &[P::renovatie],
    },
    RegelInfo {
        regel: Regel::E07,
        titel: "De aanvraag pakt particuliere woningen aan",
        bron: "[seed] Kamerstuk 32 847, nr. 720: alle aanvragen bevatten (ook) de aanpak van particuliere woningen (docs/regeling.md#e07)",
        parameters: &[],
    },
    RegelInfo {
        regel: Regel::E08,
        titel: "Het deelplan heeft een tekort",
        bron: "[V] regeling: de bijdrage dekt een deel van het tekort (docs/regeling.md#e08)",
        parameters: &[],
    },
    RegelInfo {
        regel: Regel::E09,
        titel: "Bijdrage voor fysieke maatregelen hoogstens het maximale aandeel van het tekort",
        bron: "[S] Rijksbijdrage hoogstens 70% van het tekort (docs/regeling.md#e09)",
        parameters: &[P::max_aandeel_tekort],
    },
    RegelInfo {
        regel: Regel::E10,
        titel: "Cofinanciering dekt de rest van het tekort",
        bron: "[V] regeling: dekking van het tekort (docs/regeling.md#e10)",
        parameters: &[],
    },
    RegelInfo {
        regel: Regel::E11,
        titel: "Projectkosten hoogstens 10% van het gevraagde bedrag",
        bron: "[V] regeling: projectkosten (docs/regeling.md#e11)",
        parameters: &[P::max_aandeel_projectkosten],
    },
    RegelInfo {
        regel: Regel::E12,
        titel: "Minimale omvang van de aanvraag",
        bron: "[S] minimale omvang per ronde (docs/regeling.md#e12)",
        parameters: &[P::minimale_omvang, P::prioriteitslijst],
    },
    RegelInfo {
        regel: Regel::E13,
        titel: "Looptijd en start van het programma",
        bron: "[S] looptijd en start per ronde (docs/regeling.md#e13)",
        parameters: &[P::looptijd, P::besluitdatum],
    },
    RegelInfo {
        regel: Regel::E14,
        titel: "Gevraagd bedrag hoogstens het plafond per aanvraag",
        bron: "[V/S] plafond per aanvraag (docs/regeling.md#e14)",
        parameters: &[P::plafond_per_aanvraag, P::budget],
    },
    RegelInfo {
        regel: Regel::E15,
        titel: "Verplichte documenten zijn bijgevoegd",
        bron: "[D] plan van aanpak per deelplan, begroting, intentieverklaringen (docs/regeling.md#e15)",
        parameters: &[P::verplichte_documenten],
    },
    RegelInfo {
        regel: Regel::E16,
        titel: "Een verklaard prioriteitsgebied hoort bij de gemeente van het deelgebied",
        bron: "[V] prioriteitsgebieden van de ronde (docs/regeling.md#e16)",
        parameters: &[P::prioriteitslijst],
    },
];

impl Regel {
    pub const ALLE: [Regel; 16] = [
        Regel::E01,
        Regel::E02,
        Regel::E03,
        Regel::E04,
        Regel::E05,
        Regel::E06,
        Regel::E07,
        Regel::E08,
        Regel::E09,
        Regel::E10,
        Regel::E11,
        Regel::E12,
        Regel::E13,
        Regel::E14,
        Regel::E15,
        Regel::E16,
    ];

    pub fn info(self) -> &'static RegelInfo {
        &REGELS[self as usize]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Uitkomst {
    Voldaan,
    Waarschuwing,
    Fout,
}

/// Waarop een bevinding slaat: de aanvraag, een deelplan (index) of een maatregel (deelplan, maatregel).
/// Bewaard als `"aanvraag"`, `{"deelplan": d}` of `{"maatregel": [d, m]}` (indexen in de aanvraag).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Niveau {
    Aanvraag,
    Deelplan(usize),
    Maatregel(usize, usize),
}

impl Niveau {
    /// Eén getal met dezelfde volgorde als de afgeleide `Ord` (aanvraag, dan deelplannen, dan maatregelen, elk
    /// op index), zodat het sorteren van bevindingen getallen vergelijkt in plaats van varianten. Exact zolang
    /// een index onder 2^31 blijft: meer deelplannen of maatregelen passen niet in het geheugen.
    fn sleutel(self) -> u64 {
        const G: usize = 1 << 31;
        match self {
            Niveau::Aanvraag => 0,
            Niveau::Deelplan(d) => (1 << 62) | d.min(G - 1) as u64,
            Niveau::Maatregel(d, m) => (2 << 62) | ((d.min(G - 1) as u64) << 31) | m.min(G - 1) as u64,
        }
    }

    pub fn deelplan(self) -> Option<usize> {
        match self {
            Niveau::Aanvraag => None,
            Niveau::Deelplan(d) | Niveau::Maatregel(d, _) => Some(d),
        }
    }
}

/// Waarom een regel zo uitkwam; met de gegevens die de uitleg nodig heeft en die niet al in de kengetallen staan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reden {
    Loket(loket::Reden),
    Aanvragers(aanvragers::Reden),
    Gebied(gebied::Reden),
    Maatregelen(maatregelen::Reden),
    Financien(financien::Reden),
    Omvang(omvang::Reden),
    Documenten(documenten::Reden),
}

/// Waarop E15 (verplichte documenten) oordeelt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentBron {
    /// De documentenlijst in het aanvraagbestand: wat de gemeente verklaart (`vhf check` op een bestand).
    Verklaard,
    /// De documenten die op de server zijn geüpload (soort, deelplan, naam, SHA-256): wat er echt is.
    Geupload,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bevinding {
    pub regel: Regel,
    pub uitkomst: Uitkomst,
    pub niveau: Niveau,
    pub reden: Reden,
}

/// Zet bevindingen in de volgorde van het verslag: niveau, dan regel, en bij gelijke (niveau, regel) in de
/// volgorde waarin ze gevonden zijn (zoals een stabiele sortering op `(niveau, regel)`). Gesorteerd wordt een
/// rij getallen — niveau ([`Niveau::sleutel`]), regel en de oorspronkelijke plek in één `u128`, dus elk getal
/// uniek en een instabiele sortering even goed als een stabiele — en daarna worden de bevindingen zelf één
/// keer verplaatst, in plaats van ze bij elke vergelijking te verschuiven.
fn sorteer(bevindingen: &mut [Bevinding]) {
    let n = bevindingen.len();
    let Ok(n32) = u32::try_from(n) else {
        bevindingen.sort_by_key(|x| (x.niveau, x.regel));
        return;
    };
    let mut sleutels: Vec<u128> =
        bevindingen.iter().zip(0..n32).map(|(b, i)| (u128::from(b.niveau.sleutel()) << 64) | (u128::from(b.regel as u8) << 32) | u128::from(i)).collect();
    sleutels.sort_unstable();
    // Op plek i hoort de bevinding die oorspronkelijk op plek `van[i]` stond; dezelfde verwisselingen als in
    // `slice::sort_by_cached_key`.
    let mut van: Vec<u32> = sleutels.iter().map(|k| *k as u32).collect();
    for i in 0..n {
        let mut j = van[i] as usize;
        while j < i {
            j = van[j] as usize;
        }
        van[i] = j as u32;
        bevindingen.swap(i, j);
    }
}

/// De uitkomst van de toetsing van één aanvraag.
#[derive(Clone, Debug)]
pub struct Toetsing<'a> {
    pub aanvraag: &'a Aanvraag,
    pub ronde: &'a Ronde,
    /// Het moment waarop getoetst is: de indiening, of bij een concept het opgegeven peilmoment.
    pub peilmoment: Timestamp,
    pub parameters: ParameterWaarden<'a>,
    pub indicatoren: AanvraagIndicatoren,
    pub bevindingen: Vec<Bevinding>,
    /// Waarop E15 geoordeeld heeft.
    pub documenten: DocumentBron,
}

/// Wat van een toetsing bewaard wordt: de bevindingen zelf (regel, uitkomst, niveau en de reden met haar
/// getallen), het peilmoment, waarop E15 oordeelde, de SHA-256 van de getoetste inhoud
/// ([`crate::levensloop::inhoudshash`]) en die van de parameters zoals ze op de peildatum golden (waarde, `vanaf`,
/// bron en toelichting: [`Parameterstand`]), die apart bewaard worden omdat alle aanvragen van een ronde er
/// meestal één delen. Geen tekst: de Nederlandse uitleg, de titels, bronnen en kengetallen maakt [`herstel`] bij
/// het lezen opnieuw, uit deze gegevens, de parameters en de inhoud van de aanvraag, met dezelfde code als bij een
/// toetsing die niet bewaard wordt, dus met hetzelfde verslag tot op de byte.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vastlegging {
    /// 2: deze vorm. (1 is het volledige verslag van [`Toetsing::rapport`], zoals het tot 2026-12 bewaard werd.)
    pub formaat: u32,
    pub ronde: String,
    pub peilmoment: Timestamp,
    pub peildatum: jiff::civil::Date,
    pub documenten: DocumentBron,
    pub inhoud_sha256: String,
    pub parameters_sha256: String,
    pub bevindingen: Vec<Bevinding>,
}

/// De parameters van een toetsing, elk met precies de waarde die op de peildatum gold
/// ([`ParameterWaarden::vastgelegd`]), als JSON en met de SHA-256 van die JSON: onder die sleutel bewaard.
#[derive(Clone, Debug)]
pub struct Parameterstand {
    pub sha256: String,
    pub json: String,
}

impl Parameterstand {
    pub fn van(p: &ParameterWaarden<'_>) -> Parameterstand {
        let json = serde_json::to_string(&p.vastgelegd()).expect("parameters zijn altijd JSON");
        Parameterstand { sha256: crate::levensloop::sha256_hex(json.as_bytes()), json }
    }

    /// Leest een bewaarde stand terug en controleert dat de JSON de SHA-256 heeft waaronder ze bewaard is.
    pub fn lees(sha256: &str, json: &str) -> Result<BewaardeParameters, HerstelFout> {
        let echt = crate::levensloop::sha256_hex(json.as_bytes());
        if echt != sha256 {
            return Err(HerstelFout::ParametersGewijzigd { bewaard: sha256.to_string(), gegeven: echt });
        }
        let parameters = serde_json::from_str(json).map_err(|e| HerstelFout::ParametersOnleesbaar(e.to_string()))?;
        Ok(BewaardeParameters { sha256: echt, parameters })
    }
}

/// De parameters die een verslag van [`Toetsing::rapport`] noemt (`parameters`: de peildatum en per parameter
/// `{waarde, vanaf, bron, toelichting}`, zoals [`ParameterWaarden`] ze schrijft), als parameters met elk precies
/// die ene waarde, met de peildatum: wat nodig is om een oud verslag (formaat 1) opnieuw te toetsen met de
/// parameters van toen en het als [`Vastlegging`] te bewaren. `None` als het verslag ze niet (leesbaar) noemt.
/// [`Parameters::op`] op de peildatum geeft dan weer precies die waarden.
pub fn parameters_uit_verslag(verslag: &serde_json::Value) -> Option<(jiff::civil::Date, Parameters)> {
    let serde_json::Value::Object(waarden) = verslag.get("parameters")? else { return None };
    let mut tijdlijnen = serde_json::Map::new();
    let mut peildatum = None;
    for (naam, w) in waarden {
        if naam == "peildatum" {
            peildatum = Some(w.as_str()?.parse::<jiff::civil::Date>().ok()?);
        } else {
            tijdlijnen.insert(naam.clone(), serde_json::Value::Array(vec![w.clone()]));
        }
    }
    let parameters: Parameters = serde_json::from_value(serde_json::Value::Object(tijdlijnen)).ok()?;
    Some((peildatum?, parameters))
}

/// Een teruggelezen [`Parameterstand`]: de parameters en de SHA-256 van hun JSON.
#[derive(Clone, Debug)]
pub struct BewaardeParameters {
    pub sha256: String,
    pub parameters: Parameters,
}

/// Waarom een bewaarde toetsing niet terug te lezen is.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HerstelFout {
    #[error("de bewaarde toetsing heeft formaat {0}; dit programma kent formaat 2")]
    Formaat(u32),
    #[error("de bewaarde toetsing hoort bij ronde {bewaard}, niet bij {gegeven}")]
    Ronde { bewaard: String, gegeven: String },
    #[error("de bewaarde toetsing gaat over een andere inhoud (SHA-256 {bewaard}) dan de gegeven aanvraag ({gegeven})")]
    Inhoud { bewaard: String, gegeven: String },
    #[error("de bewaarde parameters hebben geen waarde op {0}")]
    Parameters(jiff::civil::Date),
    #[error("de bewaarde parameters hebben SHA-256 {gegeven}, de toetsing noemt {bewaard}")]
    ParametersGewijzigd { bewaard: String, gegeven: String },
    #[error("de bewaarde parameters zijn niet te lezen: {0}")]
    ParametersOnleesbaar(String),
    #[error("een bevinding noemt {0}, dat de aanvraag niet heeft")]
    Niveau(String),
    #[error("de kengetallen zijn niet te berekenen: {0}")]
    Overloop(#[from] Overloop),
}

/// Een bewaarde toetsing terug als [`Toetsing`], met de gegeven inhoud (die de SHA-256 moet hebben die bij de
/// toetsing hoorde), de ronde (voor haar naam, tijdzone en indeling) en de bewaarde parameters
/// ([`Parameterstand::lees`]), niet die van de ronde nu. De kengetallen worden opnieuw berekend: ze volgen uit
/// de inhoud en de parameters.
pub fn herstel<'a>(
    aanvraag: &'a Aanvraag,
    ronde: &'a Ronde,
    referentie: &Referentie,
    v: &'a Vastlegging,
    parameters: &'a BewaardeParameters,
) -> Result<Toetsing<'a>, HerstelFout> {
    if v.formaat != 2 {
        return Err(HerstelFout::Formaat(v.formaat));
    }
    if v.ronde != ronde.id {
        return Err(HerstelFout::Ronde { bewaard: v.ronde.clone(), gegeven: ronde.id.clone() });
    }
    let sha = crate::levensloop::inhoudshash(aanvraag);
    if sha != v.inhoud_sha256 {
        return Err(HerstelFout::Inhoud { bewaard: v.inhoud_sha256.clone(), gegeven: sha });
    }
    if parameters.sha256 != v.parameters_sha256 {
        return Err(HerstelFout::ParametersGewijzigd { bewaard: v.parameters_sha256.clone(), gegeven: parameters.sha256.clone() });
    }
    let parameters = parameters.parameters.op(v.peildatum).ok_or(HerstelFout::Parameters(v.peildatum))?;
    for b in &v.bevindingen {
        let bestaat = match b.niveau {
            Niveau::Aanvraag => true,
            Niveau::Deelplan(d) => d < aanvraag.deelplannen.len(),
            Niveau::Maatregel(d, m) => aanvraag.deelplannen.get(d).is_some_and(|dp| m < dp.maatregelen.len()),
        };
        if !bestaat {
            return Err(HerstelFout::Niveau(format!("{:?}", b.niveau)));
        }
    }
    let indicatoren = indicatoren::aanvraag(aanvraag, &parameters, referentie)?;
    Ok(Toetsing { aanvraag, ronde, peilmoment: v.peilmoment, parameters, indicatoren, bevindingen: v.bevindingen.clone(), documenten: v.documenten })
}

/// Verzamelt bevindingen; gedeeld door de regelmodules.
pub(crate) struct Bevindingen(Vec<Bevinding>);

impl Bevindingen {
    pub(crate) fn voeg_toe(&mut self, regel: Regel, uitkomst: Uitkomst, niveau: Niveau, reden: impl Into<Reden>) {
        self.0.push(Bevinding { regel, uitkomst, niveau, reden: reden.into() });
    }
}

/// Wat een regelmodule nodig heeft om te toetsen.
pub(crate) struct Context<'t, 'a> {
    pub aanvraag: &'a Aanvraag,
    pub ronde: &'a Ronde,
    pub peilmoment: Timestamp,
    pub p: &'t ParameterWaarden<'a>,
    pub ind: &'t AanvraagIndicatoren,
    pub documenten: DocumentBron,
}

/// Toetst één aanvraag aan de regels E01–E16. Het peilmoment is de indiening (`ingediend_op`), of, bij een
/// concept, `peilmoment_concept` (bijvoorbeeld nu). De parameters van de ronde op de lokale datum van dat moment
/// gelden. Een rekenfout (bedragen buiten bereik) is een fout, geen bevinding. E15 oordeelt hier op de
/// documentenlijst in het bestand (wat de gemeente verklaart); zie [`toets_met_documenten`] voor de server.
pub fn toets<'a>(aanvraag: &'a Aanvraag, ronde: &'a Ronde, referentie: &Referentie, peilmoment_concept: Timestamp) -> Result<Toetsing<'a>, Overloop> {
    toets_op(aanvraag, ronde, referentie, peilmoment_concept, &aanvraag.documenten, DocumentBron::Verklaard)
}

/// Als [`toets`], maar E15 oordeelt op `geupload`: de documenten die echt zijn geüpload (de server geeft ze mee;
/// de kern leest zelf niets). De documentenlijst in het bestand telt dan niet.
pub fn toets_met_documenten<'a>(
    aanvraag: &'a Aanvraag,
    ronde: &'a Ronde,
    referentie: &Referentie,
    peilmoment_concept: Timestamp,
    geupload: &[Document],
) -> Result<Toetsing<'a>, Overloop> {
    toets_op(aanvraag, ronde, referentie, peilmoment_concept, geupload, DocumentBron::Geupload)
}

fn toets_op<'a>(
    aanvraag: &'a Aanvraag,
    ronde: &'a Ronde,
    referentie: &Referentie,
    peilmoment_concept: Timestamp,
    documenten: &[Document],
    bron: DocumentBron,
) -> Result<Toetsing<'a>, Overloop> {
    let peilmoment = aanvraag.ingediend_op.unwrap_or(peilmoment_concept);
    toets_met_parameters(aanvraag, ronde, referentie, peilmoment, ronde.parameters_op(peilmoment), documenten, bron)
}

/// De toetsing met gegeven parameterwaarden in plaats van die van de ronde op het peilmoment: voor het omzetten
/// van een verslag dat bewaard is met de parameters van toen (de server controleert dat de nieuwe vastlegging
/// precies dat verslag teruggeeft). `peilmoment` is het moment van de toetsing zelf.
pub fn toets_met_parameters<'a>(
    aanvraag: &'a Aanvraag,
    ronde: &'a Ronde,
    referentie: &Referentie,
    peilmoment: Timestamp,
    parameters: ParameterWaarden<'a>,
    documenten: &[Document],
    bron: DocumentBron,
) -> Result<Toetsing<'a>, Overloop> {
    let indicatoren = indicatoren::aanvraag(aanvraag, &parameters, referentie)?;
    let mut b = Bevindingen(Vec::with_capacity(16 + 10 * aanvraag.deelplannen.len()));
    {
        let ctx = Context { aanvraag, ronde, peilmoment, p: &parameters, ind: &indicatoren, documenten: bron };
        loket::toets(&ctx, &mut b);
        aanvragers::toets(&ctx, &mut b);
        gebied::toets(&ctx, &mut b);
        maatregelen::toets(&ctx, &mut b);
        financien::toets(&ctx, &mut b)?;
        omvang::toets(&ctx, &mut b);
        documenten::toets(&ctx, documenten, &mut b);
    }
    let mut bevindingen = b.0;
    sorteer(&mut bevindingen);
    Ok(Toetsing { aanvraag, ronde, peilmoment, parameters, indicatoren, bevindingen, documenten: bron })
}

/// Toetst alle aanvragen van een ronde, met de regels die over aanvragen heen gaan (E03: een PC4-gebied in
/// deelgebieden van twee aanvragen). Beide betrokken deelplannen krijgen de fout; de volgorde van de invoer
/// maakt voor de uitkomst niet uit.
pub fn toets_ronde<'a>(
    aanvragen: &'a [Aanvraag],
    ronde: &'a Ronde,
    referentie: &Referentie,
    peilmoment_concept: Timestamp,
) -> Result<Vec<Toetsing<'a>>, Overloop> {
    toets_ronde_op(aanvragen, None, ronde, referentie, peilmoment_concept)
}

/// Als [`toets_ronde`], maar E15 oordeelt per aanvraag op wat er geüpload is: `geupload` per kenmerk (een
/// aanvraag die er niet in staat, heeft niets geüpload).
pub fn toets_ronde_met_documenten<'a>(
    aanvragen: &'a [Aanvraag],
    geupload: &std::collections::BTreeMap<String, Vec<Document>>,
    ronde: &'a Ronde,
    referentie: &Referentie,
    peilmoment_concept: Timestamp,
) -> Result<Vec<Toetsing<'a>>, Overloop> {
    toets_ronde_op(aanvragen, Some(geupload), ronde, referentie, peilmoment_concept)
}

fn toets_ronde_op<'a>(
    aanvragen: &'a [Aanvraag],
    geupload: Option<&std::collections::BTreeMap<String, Vec<Document>>>,
    ronde: &'a Ronde,
    referentie: &Referentie,
    peilmoment_concept: Timestamp,
) -> Result<Vec<Toetsing<'a>>, Overloop> {
    let mut uit = aanvragen
        .iter()
        .map(|a| match geupload {
            None => toets(a, ronde, referentie, peilmoment_concept),
            Some(g) => toets_met_documenten(a, ronde, referentie, peilmoment_concept, g.get(&a.kenmerk).map_or(&[], Vec::as_slice)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Alle (PC4, aanvraag, deelplan), gesorteerd: gelijke PC4-codes liggen dan naast elkaar.
    let mut gebruik: Vec<(Pc4, usize, usize)> = Vec::new();
    for (ai, a) in aanvragen.iter().enumerate() {
        for (di, dp) in a.deelplannen.iter().enumerate() {
            gebruik.extend(dp.deelgebied.pc4.iter().map(|p| (*p, ai, di)));
        }
    }
    gebruik.sort_unstable();
    gebruik.dedup();
    for groep in gebruik.chunk_by(|x, y| x.0 == y.0) {
        if groep.iter().all(|(_, ai, _)| *ai == groep[0].1) {
            continue;
        }
        for &(pc4, ai, di) in groep {
            let anderen: Vec<_> = groep.iter().filter(|(_, aj, _)| *aj != ai).collect();
            let &&(_, aj, dj) = anderen.first().expect("groep met meer dan één aanvraag");
            let reden = gebied::Reden::Pc4InAndereAanvraag {
                pc4,
                kenmerk: aanvragen[aj].kenmerk.clone(),
                deelplan: aanvragen[aj].deelplannen[dj].id.clone(),
                aantal_andere: anderen.len(),
            };
            uit[ai].bevindingen.push(Bevinding { regel: Regel::E03, uitkomst: Uitkomst::Fout, niveau: Niveau::Deelplan(di), reden: Reden::Gebied(reden) });
        }
    }
    // Op volgorde houden (al gesorteerde delen kosten een stabiele sortering bijna niets).
    for t in &mut uit {
        sorteer(&mut t.bevindingen);
    }
    Ok(uit)
}

impl Toetsing<'_> {
    /// Wat er van deze toetsing bewaard wordt (zie [`Vastlegging`]), met de parameters apart;
    /// [`herstel`] maakt er weer deze toetsing van.
    pub fn vastlegging(&self) -> (Vastlegging, Parameterstand) {
        let stand = Parameterstand::van(&self.parameters);
        let v = Vastlegging {
            formaat: 2,
            ronde: self.ronde.id.clone(),
            peilmoment: self.peilmoment,
            peildatum: self.parameters.peildatum,
            documenten: self.documenten,
            inhoud_sha256: crate::levensloop::inhoudshash(self.aanvraag),
            parameters_sha256: stand.sha256.clone(),
            bevindingen: self.bevindingen.clone(),
        };
        (v, stand)
    }

    pub fn fouten(&self) -> impl Iterator<Item = &Bevinding> {
        self.bevindingen.iter().filter(|b| b.uitkomst == Uitkomst::Fout)
    }

    /// Geen fout op aanvraagniveau en ten minste één subsidiabel deelplan.
    pub fn ontvankelijk(&self) -> bool {
        !self.fouten().any(|b| b.niveau == Niveau::Aanvraag) && (0..self.aanvraag.deelplannen.len()).any(|i| self.deelplan_subsidiabel(i))
    }

    /// Geen fout bij het deelplan of een van zijn maatregelen.
    pub fn deelplan_subsidiabel(&self, i: usize) -> bool {
        !self.fouten().any(|b| b.niveau.deelplan() == Some(i))
    }

    /// Alles in orde: ontvankelijk en elk deelplan subsidiabel.
    pub fn zonder_fouten(&self) -> bool {
        self.fouten().next().is_none()
    }

    /// De uitleg van een bevinding in het Nederlands, met de getallen.
    pub fn uitleg(&self, b: &Bevinding) -> String {
        let ctx = Context {
            aanvraag: self.aanvraag,
            ronde: self.ronde,
            peilmoment: self.peilmoment,
            p: &self.parameters,
            ind: &self.indicatoren,
            documenten: self.documenten,
        };
        match &b.reden {
            Reden::Loket(r) => r.uitleg(&ctx),
            Reden::Aanvragers(r) => r.uitleg(&ctx, b.niveau),
            Reden::Gebied(r) => r.uitleg(&ctx, b.niveau),
            Reden::Maatregelen(r) => r.uitleg(&ctx, b.niveau),
            Reden::Financien(r) => r.uitleg(&ctx, b.niveau),
            Reden::Omvang(r) => r.uitleg(&ctx),
            Reden::Documenten(r) => r.uitleg(&ctx, b.niveau),
        }
    }

    /// Het volledige verslag: bevindingen met uitleg, bron en gebruikte parameters, en de kengetallen.
    pub fn rapport(&self) -> Rapport<'_> {
        // Elke gebruikte parameter één keer beschreven, niet opnieuw bij elke bevinding die hem noemt.
        let mut beschreven: Vec<Option<GebruikteWaarde<'_>>> = vec![None; ParameterNaam::ALLE.len()];
        let mut gebruikt = |p: ParameterNaam| beschreven[p as usize].get_or_insert_with(|| self.parameters.gebruikt(p)).clone();
        let bevindingen = self
            .bevindingen
            .iter()
            .map(|b| {
                let info = b.regel.info();
                BevindingRapport {
                    regel: b.regel,
                    titel: info.titel,
                    uitkomst: b.uitkomst,
                    niveau: match b.niveau {
                        Niveau::Aanvraag => "aanvraag",
                        Niveau::Deelplan(_) => "deelplan",
                        Niveau::Maatregel(..) => "maatregel",
                    },
                    deelplan: b.niveau.deelplan().map(|d| self.aanvraag.deelplannen[d].id.as_str()),
                    maatregel: match b.niveau {
                        Niveau::Maatregel(d, m) => Some(self.aanvraag.deelplannen[d].maatregelen[m].id.as_str()),
                        _ => None,
                    },
                    uitleg: self.uitleg(b),
                    bron: info.bron,
                    parameters: info.parameters.iter().map(|p| gebruikt(*p)).collect(),
                }
            })
            .collect();
        Rapport {
            kenmerk: &self.aanvraag.kenmerk,
            titel: &self.aanvraag.titel,
            ronde: &self.ronde.id,
            peilmoment: self.peilmoment,
            peilmoment_lokaal: self.ronde.lokaal(self.peilmoment).strftime("%d-%m-%Y %H:%M:%S").to_string(),
            ingediend: self.aanvraag.ingediend_op.is_some(),
            documenten: self.documenten,
            ontvankelijk: self.ontvankelijk(),
            zonder_fouten: self.zonder_fouten(),
            deelplannen: self
                .aanvraag
                .deelplannen
                .iter()
                .enumerate()
                .map(|(i, d)| DeelplanOordeel { id: &d.id, naam: &d.naam, subsidiabel: self.deelplan_subsidiabel(i) })
                .collect(),
            bevindingen,
            indicatoren: &self.indicatoren,
            parameters: self.parameters,
        }
    }
}

#[derive(Serialize)]
pub struct Rapport<'t> {
    pub kenmerk: &'t str,
    pub titel: &'t str,
    pub ronde: &'t str,
    pub peilmoment: Timestamp,
    pub peilmoment_lokaal: String,
    pub ingediend: bool,
    /// Waarop E15 oordeelde: `verklaard` (de lijst in het bestand) of `geupload` (wat op de server staat).
    pub documenten: DocumentBron,
    pub ontvankelijk: bool,
    pub zonder_fouten: bool,
    pub deelplannen: Vec<DeelplanOordeel<'t>>,
    pub bevindingen: Vec<BevindingRapport<'t>>,
    pub indicatoren: &'t AanvraagIndicatoren,
    pub parameters: ParameterWaarden<'t>,
}

#[derive(Serialize)]
pub struct DeelplanOordeel<'t> {
    pub id: &'t str,
    pub naam: &'t str,
    pub subsidiabel: bool,
}

#[derive(Serialize)]
pub struct BevindingRapport<'t> {
    pub regel: Regel,
    pub titel: &'static str,
    pub uitkomst: Uitkomst,
    pub niveau: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deelplan: Option<&'t str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maatregel: Option<&'t str>,
    pub uitleg: String,
    pub bron: &'static str,
    pub parameters: Vec<GebruikteWaarde<'t>>,
}

/// Naam en code van een gemeente, voor in een uitleg: "Zaanstad (GM0479)".
pub(crate) fn gemeente(code: crate::codes::GemeenteCode) -> String {
    match Referentie::ingebouwd().gemeente(code) {
        Some(g) => format!("{} ({code})", g.naam),
        None => format!("{code} ({code})"),
    }
}

#[cfg(test)]
mod tests;
