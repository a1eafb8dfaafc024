//! Rangschikking en verdeling van het budget (docs/regeling.md, "Ranking and allocation"; [D] waar de bronnen
//! zwijgen, alle keuzes zijn parameters van de ronde).
//!
//! 1. Kandidaten: subsidiabele deelplannen van ontvankelijke aanvragen met een positief advies.
//! 2. Rangorde: prioriteit (voorrang: deelplannen in een prioriteitsgebied eerst) → totaalscore (puntenregel:
//!    plus de prioriteitspunten) aflopend → Rijksbijdrage per woning oplopend → moment van indienen oplopend →
//!    kenmerk van aanvraag en deelplan. Wie de punten krijgt (2024: een gemeente die nooit een uitkering kreeg en
//!    van wie een eerdere aanvraag voldoende was) volgt uit de geschiedenis van het fonds ([`EerdereUitkomst`]):
//!    de besloten verdelingen van eerdere rondes in dit systeem en, voor rondes van daarvóór, de gedateerde
//!    parameter `uitkomsten_buiten_systeem` van die rondes. De uitkomst zegt per deelplan of de punten gegeven zijn
//!    en op welke eerdere aanvraag ([`Punten`]).
//! 3. Met `restant = plafond` de ranglijst af: past het gevraagde bedrag, dan volledig. Het eerste deelplan dat
//!    niet past krijgt `restant` als dat ten minste het minimaal werkbare bedrag is (gedeeltelijk); alles
//!    daaronder is "positief, niet gehonoreerd wegens budget" (reservelijst). Vulwijze `doorgaan`: na het eerste
//!    deelplan dat niet past, krijgen lagere deelplannen die nog volledig passen hun bedrag.
//! 4. Deterministisch (de volgorde van de invoer doet er niet toe), nooit boven het plafond, nooit meer dan
//!    gevraagd; bij `stop` krijgt geen deelplan minder als het plafond stijgt. (Bij `doorgaan` kan dat wel: een
//!    hoger plafond kan een hoger deelplan laten passen dat het restant opmaakt dat eerst naar een lager ging.)
//! 5. Per gemeente (de penvoerder) tellen de toegekende deelplannen op tot één uitkering.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;

use crate::aanvraag::Activiteit;
use crate::beoordeling::DeelplanRef;
use crate::codes::GemeenteCode;
use crate::geld::{Bedrag, Honderdsten, Percentage};
use crate::indicatoren::Woningtelling;
use crate::referentie::GebiedSoort;
use crate::regeling::{Afloop, Prioriteitsregel, Vulwijze};
use crate::toetsing::Regel;

/// Waarom een deelplan (niet) meedoet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Deelname {
    /// Subsidiabel en positief geadviseerd: doet mee in de rangschikking.
    Kandidaat,
    NegatiefAdvies {
        motivering: String,
    },
    /// De aanvraag als geheel is niet ontvankelijk (fouten op aanvraagniveau).
    NietOntvankelijk {
        regels: Vec<Regel>,
    },
    /// Het deelplan zelf heeft fouten.
    NietSubsidiabel {
        regels: Vec<Regel>,
    },
}

/// Een deelplan zoals de verdeling het ziet.
#[derive(Clone, Debug, Serialize)]
pub struct Kandidaat {
    pub deelplan: DeelplanRef,
    pub naam: String,
    /// De gemeente die de uitkering ontvangt (penvoerder van de aanvraag).
    pub penvoerder: GemeenteCode,
    /// De gemeente van het deelgebied (voor de puntenregel: haar voorgeschiedenis in het fonds).
    pub gemeente: GemeenteCode,
    pub deelname: Deelname,
    pub gevraagd: Bedrag,
    pub minimum_werkbaar: Bedrag,
    pub score: Option<Honderdsten>,
    pub voldoende: bool,
    /// Naam en soort van het prioriteitsgebied, als het deelgebied erin ligt.
    pub prioriteitsgebied: Option<(String, GebiedSoort)>,
    /// Wat eerdere rondes zeggen over de gemeente van het deelgebied (voor de puntenregel).
    pub voorgeschiedenis: Voorgeschiedenis,
    pub bijdrage_per_woning: Option<Bedrag>,
    pub ingediend_op: Timestamp,
    pub woningen: Woningtelling,
    pub woningen_per_activiteit: BTreeMap<Activiteit, u64>,
}

/// Eén uitkomst van een deelplan (of een uitkering aan een gemeente) in een eerdere ronde: uit een besloten
/// verdeling van dit systeem of uit de parameter `uitkomsten_buiten_systeem` van die ronde, met de bron.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EerdereUitkomst {
    pub ronde: String,
    /// De gemeente van het deelgebied, of de penvoerder die de uitkering ontving.
    pub gemeente: GemeenteCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kenmerk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deelplan: Option<String>,
    pub afloop: Afloop,
    /// Waar het vandaan komt: de besloten verdeling, of de parameter met zijn bron en datum.
    pub bron: String,
}

/// Een eerdere aanvraag waarop de puntenregel steunt (of die de punten uitsluit).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct EerdereAanvraag {
    pub ronde: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kenmerk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deelplan: Option<String>,
    pub bron: String,
}

impl EerdereAanvraag {
    fn beschrijf(&self) -> String {
        let wat = match (&self.kenmerk, &self.deelplan) {
            (Some(k), Some(d)) => format!("deelplan {d} van aanvraag {k}"),
            (Some(k), None) => format!("aanvraag {k}"),
            _ => "een aanvraag".to_string(),
        };
        format!("{wat} in ronde {} (bron: {})", self.ronde, self.bron)
    }
}

/// Wat de geschiedenis van het fonds zegt over één gemeente: de eerste eerdere toekenning, het eerste eerdere
/// deelplan dat voldoende was maar geen geld kreeg, en het eerste dat niet voldoende was (elk op ronde, kenmerk,
/// deelplan). Leeg: de gemeente kreeg nooit iets en er is geen eerdere aanvraag van haar bekend.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Voorgeschiedenis {
    pub toekenning: Option<EerdereAanvraag>,
    pub voldoende: Option<EerdereAanvraag>,
    pub niet_voldoende: Option<EerdereAanvraag>,
}

impl Voorgeschiedenis {
    /// De voorgeschiedenis van `gemeente` in de eerdere uitkomsten (die van de huidige ronde tellen niet mee).
    pub fn van(eerder: &[EerdereUitkomst], gemeente: GemeenteCode, huidige_ronde: &str) -> Voorgeschiedenis {
        let mut lijst: Vec<&EerdereUitkomst> = eerder.iter().filter(|u| u.gemeente == gemeente && u.ronde != huidige_ronde).collect();
        // Vast en leesbaar: eerst de oudste ronde, een uitkomst met kenmerk vóór een zonder.
        lijst.sort_by(|a, b| {
            (&a.ronde, a.kenmerk.is_none(), &a.kenmerk, &a.deelplan, &a.bron).cmp(&(&b.ronde, b.kenmerk.is_none(), &b.kenmerk, &b.deelplan, &b.bron))
        });
        let mut v = Voorgeschiedenis::default();
        for u in lijst {
            let vak = match u.afloop {
                Afloop::Toegekend => &mut v.toekenning,
                Afloop::VoldoendeNietToegekend => &mut v.voldoende,
                Afloop::NietVoldoende => &mut v.niet_voldoende,
            };
            if vak.is_none() {
                *vak = Some(EerdereAanvraag { ronde: u.ronde.clone(), kenmerk: u.kenmerk.clone(), deelplan: u.deelplan.clone(), bron: u.bron.clone() });
            }
        }
        v
    }
}

/// De uitkomsten van de rondes vóór `huidig` (eerder begonnen) die buiten dit systeem besloten zijn: hun parameter
/// `uitkomsten_buiten_systeem` zoals die geldt op `peilmoment`, elk met ronde en bron (met datum).
pub fn uitkomsten_buiten_systeem<'r>(
    rondes: impl IntoIterator<Item = &'r crate::regeling::Ronde>,
    huidig: &crate::regeling::Ronde,
    peilmoment: Timestamp,
) -> Vec<EerdereUitkomst> {
    let mut uit = Vec::new();
    for r in rondes.into_iter().filter(|r| r.id != huidig.id && r.geldig_vanaf < huidig.geldig_vanaf) {
        let g = r.parameters_op(peilmoment).uitkomsten_buiten_systeem;
        let bron = format!("parameter uitkomsten_buiten_systeem van {} vanaf {}: {}", r.id, g.vanaf.strftime("%d-%m-%Y"), g.bron);
        uit.extend(g.waarde.iter().map(|u| EerdereUitkomst {
            ronde: r.id.clone(),
            gemeente: u.gemeente,
            kenmerk: u.kenmerk.clone(),
            deelplan: u.deelplan.clone(),
            afloop: u.afloop,
            bron: bron.clone(),
        }));
    }
    uit
}

/// Of een deelplan de prioriteitspunten kreeg, waarom (in het Nederlands, met de getallen en de bronnen), en op welke
/// eerdere aanvraag dat steunt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Punten {
    pub gegeven: bool,
    /// Het aantal punten dat bij de score is opgeteld (0 als niet gegeven).
    pub aantal: Honderdsten,
    pub reden: String,
    /// Het eerdere deelplan van de gemeente dat voldoende was maar geen geld kreeg (waarop de punten steunen).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eerdere_aanvraag: Option<EerdereAanvraag>,
    /// De eerdere toekenning aan de gemeente, als die er was (die sluit de punten uit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eerdere_toekenning: Option<EerdereAanvraag>,
}

/// De keuzes van de verdeling (uit de parameters van de ronde, of anders bij een wat-als).
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Verdeelregels {
    /// Budget min btw-reserve.
    pub plafond: Bedrag,
    pub vulwijze: Vulwijze,
    pub prioriteitsregel: Prioriteitsregel,
    /// De bron van de prioriteitsregel (uit de parameter van de ronde; bij een wat-als: de wat-als), voor de uitleg.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prioriteitsbron: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Uitkomst {
    Toegekend,
    GedeeltelijkToegekend,
    PositiefNietGehonoreerdWegensBudget,
    NegatiefAdvies,
    NietOntvankelijk,
}

impl Uitkomst {
    pub fn omschrijving(self) -> &'static str {
        match self {
            Uitkomst::Toegekend => "toegekend",
            Uitkomst::GedeeltelijkToegekend => "gedeeltelijk toegekend",
            Uitkomst::PositiefNietGehonoreerdWegensBudget => "positief, niet gehonoreerd wegens budget",
            Uitkomst::NegatiefAdvies => "negatief advies",
            Uitkomst::NietOntvankelijk => "niet ontvankelijk",
        }
    }
}

/// De uitkomst voor één deelplan (in de volgorde van de kandidaten).
#[derive(Clone, Debug, Serialize)]
pub struct Toekenning {
    pub deelplan: DeelplanRef,
    pub uitkomst: Uitkomst,
    pub bedrag: Bedrag,
    /// Plaats op de ranglijst (1 = hoogst), voor kandidaten.
    pub rang: Option<usize>,
    /// Plaats op de reservelijst.
    pub reserve: Option<usize>,
    /// Score plus prioriteitspunten (puntenregel), waarop gerangschikt is.
    pub rangscore: Option<Honderdsten>,
    /// De prioriteitspunten die bij de score zijn opgeteld (puntenregel), als ze gegeven zijn. Waarom (niet), en op
    /// welke eerdere aanvraag: [`Verdeling::punten`] (pas berekend als erom gevraagd wordt, zoals de uitleg).
    pub punten: Option<Honderdsten>,
    /// Restant van het plafond vlak vóór dit deelplan aan de beurt was.
    pub restant_voor: Option<Bedrag>,
}

#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
pub struct Gebiedsverdeling {
    pub stedelijk: Bedrag,
    pub regio: Bedrag,
    pub elders: Bedrag,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Totalen {
    pub plafond: Bedrag,
    pub toegekend: Bedrag,
    pub restant: Bedrag,
    pub gevraagd_door_kandidaten: Bedrag,
    pub aantal_per_uitkomst: BTreeMap<Uitkomst, usize>,
    /// Woningen in toegekende (ook gedeeltelijk toegekende) deelplannen.
    pub woningen: Woningtelling,
    pub aandeel_particulier: Option<Percentage>,
    pub woningen_per_activiteit: BTreeMap<Activiteit, u64>,
    /// Toegekend naar soort gebied (bijvoorbeeld 2021: steden ¾, regio's ¼).
    pub per_gebied: Gebiedsverdeling,
}

#[derive(Clone, Debug, Serialize)]
pub struct Verdeling {
    pub regels: Verdeelregels,
    pub toekenningen: Vec<Toekenning>,
    /// Eén uitkering per gemeente (penvoerder): de som van haar toegekende deelplannen.
    pub uitkeringen: BTreeMap<GemeenteCode, Bedrag>,
    pub totalen: Totalen,
    /// Rang van het eerste deelplan dat niet volledig paste (de budgetlijn ligt erboven), als er een was. Alleen dat
    /// deelplan kan een gedeeltelijke toekenning krijgen; daaronder bij `stop` niets, bij `doorgaan` alleen wat nog
    /// volledig past.
    pub eerste_niet_passend: Option<usize>,
}

/// De kale getallen waarop gerangschikt en gevuld wordt; ook gebruikt door de gevoeligheidsanalyse.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Kern {
    pub kandidaat: bool,
    pub prioriteit: bool,
    pub nooit_eerder: bool,
    pub eerder_voldoende: bool,
    pub voldoende: bool,
    pub score: i64,
    pub bpw: i64,
    pub tijd: i64,
    /// Plaats in de volgorde van de kenmerken (laatste tie-break).
    pub volg: u32,
    pub gevraagd: i64,
    pub minimum: i64,
}

/// Punten volgens de prioriteitsregel, als ze van toepassing zijn.
pub(crate) fn punten(k: &Kern, regel: &Prioriteitsregel) -> i64 {
    match regel {
        Prioriteitsregel::Geen | Prioriteitsregel::Voorrang => 0,
        Prioriteitsregel::Punten {
            punten,
            alleen_gemeenten_zonder_eerdere_toekenning,
            alleen_na_eerdere_voldoende_aanvraag,
            alleen_als_voldoende_zonder_punten,
            alleen_in_prioriteitsgebied,
        } => {
            let telt = (!alleen_in_prioriteitsgebied || k.prioriteit)
                && (!alleen_gemeenten_zonder_eerdere_toekenning || k.nooit_eerder)
                && (!alleen_na_eerdere_voldoende_aanvraag || k.eerder_voldoende)
                && (!alleen_als_voldoende_zonder_punten || k.voldoende);
            if telt { punten.0 } else { 0 }
        }
    }
}

/// Bij de puntenregel: of een kandidaat de punten kreeg (`p`, uit [`punten`], waarop gerangschikt is) en waarom,
/// voorwaarde voor voorwaarde (dezelfde als in [`punten`]), met de gemeente, de eerdere aanvraag en de bronnen.
fn puntenuitleg(kand: &Kandidaat, regels: &Verdeelregels, p: i64) -> Option<Punten> {
    let Prioriteitsregel::Punten {
        punten: aantal,
        alleen_gemeenten_zonder_eerdere_toekenning,
        alleen_na_eerdere_voldoende_aanvraag,
        alleen_als_voldoende_zonder_punten,
        alleen_in_prioriteitsgebied,
    } = &regels.prioriteitsregel
    else {
        return None;
    };
    let gemeente = crate::referentie::Referentie::ingebouwd().gemeentenaam(kand.gemeente);
    let vg = &kand.voorgeschiedenis;
    let (mut wel, mut niet): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    if *alleen_in_prioriteitsgebied {
        match &kand.prioriteitsgebied {
            Some((naam, _)) => wel.push(format!("het deelgebied ligt in prioriteitsgebied {naam}")),
            None => niet.push("het deelgebied ligt niet in een prioriteitsgebied, en de ronde geeft de punten alleen daar".into()),
        }
    }
    if *alleen_gemeenten_zonder_eerdere_toekenning {
        match &vg.toekenning {
            None => wel.push(format!("{gemeente} kreeg nooit een uitkering uit het fonds")),
            Some(a) => niet.push(format!("{gemeente} kreeg eerder een uitkering uit het fonds: {}", a.beschrijf())),
        }
    }
    if *alleen_na_eerdere_voldoende_aanvraag {
        match (&vg.voldoende, &vg.niet_voldoende) {
            (Some(a), _) => wel.push(format!("{} werd voldoende beoordeeld maar kreeg geen geld", a.beschrijf())),
            (None, Some(a)) => niet.push(format!("geen eerdere aanvraag van {gemeente} werd voldoende beoordeeld ({} was niet voldoende)", a.beschrijf())),
            (None, None) => niet.push(format!("er is geen eerdere aanvraag van {gemeente} bekend die voldoende werd beoordeeld")),
        }
    }
    if *alleen_als_voldoende_zonder_punten {
        if kand.voldoende {
            wel.push("dit deelplan is ook zonder de punten voldoende".into());
        } else {
            niet.push("dit deelplan is zonder de punten niet voldoende".into());
        }
    }
    let gegeven = p != 0;
    debug_assert!(gegeven == niet.is_empty() || aantal.0 == 0, "punten en hun uitleg lopen uiteen");
    let bron = regels.prioriteitsbron.as_deref().map(|b| format!(" (parameter prioriteitsregel, bron: {b})")).unwrap_or_default();
    let reden = if gegeven {
        format!("+{aantal} prioriteitspunten{bron}: {}.", if wel.is_empty() { "de ronde stelt geen voorwaarden".to_string() } else { wel.join("; ") })
    } else {
        format!("geen prioriteitspunten{bron}: {}.", niet.join("; "))
    };
    Some(Punten { gegeven, aantal: Honderdsten(p), reden, eerdere_aanvraag: vg.voldoende.clone(), eerdere_toekenning: vg.toekenning.clone() })
}

/// Rangschikt de kandidaten (indices in `kern`) in `volgorde`.
pub(crate) fn rangschik(kern: &[Kern], regel: &Prioriteitsregel, volgorde: &mut Vec<u32>) {
    volgorde.clear();
    volgorde.extend((0..kern.len() as u32).filter(|&i| kern[i as usize].kandidaat));
    let voorrang = matches!(regel, Prioriteitsregel::Voorrang);
    volgorde.sort_unstable_by_key(|&i| {
        let k = &kern[i as usize];
        let groep = u8::from(!(voorrang && k.prioriteit));
        (groep, -(k.score + punten(k, regel)), k.bpw, k.tijd, k.volg)
    });
}

/// Vult het plafond langs de ranglijst; schrijft per kandidaat het bedrag (0 als niets).
pub(crate) fn vul(kern: &[Kern], volgorde: &[u32], plafond: i64, vulwijze: Vulwijze, bedragen: &mut [i64]) {
    let mut restant = plafond;
    let mut gestopt = false;
    let mut eerste_gemist = false;
    for &i in volgorde {
        let k = &kern[i as usize];
        bedragen[i as usize] = if gestopt {
            0
        } else if k.gevraagd <= restant {
            restant -= k.gevraagd;
            k.gevraagd
        } else if !eerste_gemist {
            // Het eerste deelplan dat niet past: gedeeltelijk als het restant werkbaar is.
            eerste_gemist = true;
            if restant > 0 && restant >= k.minimum {
                let b = restant;
                restant = 0;
                gestopt = true;
                b
            } else {
                gestopt = vulwijze == Vulwijze::Stop;
                0
            }
        } else {
            // Vulwijze doorgaan: alleen wat nog volledig past.
            0
        };
    }
}

pub(crate) fn kern_van(kandidaten: &[Kandidaat]) -> Vec<Kern> {
    let mut refs: Vec<(&DeelplanRef, usize)> = kandidaten.iter().enumerate().map(|(i, k)| (&k.deelplan, i)).collect();
    refs.sort();
    let mut volg = vec![0u32; kandidaten.len()];
    for (positie, (_, i)) in refs.iter().enumerate() {
        volg[*i] = positie as u32;
    }
    kandidaten
        .iter()
        .zip(volg)
        .map(|(k, volg)| Kern {
            kandidaat: k.deelname == Deelname::Kandidaat,
            prioriteit: k.prioriteitsgebied.is_some(),
            nooit_eerder: k.voorgeschiedenis.toekenning.is_none(),
            eerder_voldoende: k.voorgeschiedenis.voldoende.is_some(),
            voldoende: k.voldoende,
            score: k.score.map_or(i64::MIN / 4, |s| s.0),
            bpw: k.bijdrage_per_woning.map_or(i64::MAX, Bedrag::in_centen),
            tijd: k.ingediend_op.as_second(),
            volg,
            gevraagd: k.gevraagd.in_centen(),
            minimum: k.minimum_werkbaar.in_centen().min(k.gevraagd.in_centen()),
        })
        .collect()
}

/// Verdeelt het plafond over de kandidaten. Pure functie: dezelfde invoer in welke volgorde ook geeft dezelfde
/// toekenningen (per deelplan).
pub fn verdeel(kandidaten: &[Kandidaat], regels: &Verdeelregels) -> Verdeling {
    let kern = kern_van(kandidaten);
    let mut volgorde = Vec::with_capacity(kern.len());
    rangschik(&kern, &regels.prioriteitsregel, &mut volgorde);
    let mut bedragen = vec![0i64; kern.len()];
    vul(&kern, &volgorde, regels.plafond.in_centen(), regels.vulwijze, &mut bedragen);

    let mut toekenningen: Vec<Toekenning> = kandidaten
        .iter()
        .map(|k| Toekenning {
            deelplan: k.deelplan.clone(),
            uitkomst: match k.deelname {
                Deelname::Kandidaat => Uitkomst::PositiefNietGehonoreerdWegensBudget,
                Deelname::NegatiefAdvies { .. } => Uitkomst::NegatiefAdvies,
                Deelname::NietOntvankelijk { .. } | Deelname::NietSubsidiabel { .. } => Uitkomst::NietOntvankelijk,
            },
            bedrag: Bedrag::NUL,
            rang: None,
            reserve: None,
            rangscore: None,
            punten: None,
            restant_voor: None,
        })
        .collect();
    let mut restant = regels.plafond.in_centen();
    let mut reserve = 0;
    let mut eerste_niet_passend = None;
    for (rang, &i) in volgorde.iter().enumerate() {
        let i = i as usize;
        let (k, t) = (&kern[i], &mut toekenningen[i]);
        let p = punten(k, &regels.prioriteitsregel);
        t.rang = Some(rang + 1);
        t.rangscore = Some(Honderdsten(k.score + p));
        t.punten = (p != 0).then_some(Honderdsten(p));
        t.restant_voor = Some(Bedrag::centen(restant));
        t.bedrag = Bedrag::centen(bedragen[i]);
        restant -= bedragen[i];
        if bedragen[i] != k.gevraagd && eerste_niet_passend.is_none() {
            eerste_niet_passend = Some(rang + 1);
        }
        t.uitkomst = if bedragen[i] == 0 {
            reserve += 1;
            t.reserve = Some(reserve);
            Uitkomst::PositiefNietGehonoreerdWegensBudget
        } else if bedragen[i] == k.gevraagd {
            Uitkomst::Toegekend
        } else {
            Uitkomst::GedeeltelijkToegekend
        };
    }

    let mut uitkeringen: BTreeMap<GemeenteCode, Bedrag> = BTreeMap::new();
    let mut woningen = Woningtelling::default();
    let mut per_activiteit: BTreeMap<Activiteit, u64> = BTreeMap::new();
    let mut per_gebied = Gebiedsverdeling::default();
    let mut aantal: BTreeMap<Uitkomst, usize> = BTreeMap::new();
    let mut toegekend = 0i64;
    for (k, t) in kandidaten.iter().zip(&toekenningen) {
        *aantal.entry(t.uitkomst).or_insert(0) += 1;
        if !t.bedrag.is_positief() {
            continue;
        }
        toegekend += t.bedrag.in_centen();
        let uitkering = uitkeringen.entry(k.penvoerder).or_insert(Bedrag::NUL);
        *uitkering = Bedrag::centen(uitkering.in_centen() + t.bedrag.in_centen());
        woningen = Woningtelling {
            eigenaar_bewoner: woningen.eigenaar_bewoner + k.woningen.eigenaar_bewoner,
            particuliere_verhuur: woningen.particuliere_verhuur + k.woningen.particuliere_verhuur,
            corporatie: woningen.corporatie + k.woningen.corporatie,
        };
        for (a, n) in &k.woningen_per_activiteit {
            *per_activiteit.entry(*a).or_insert(0) += n;
        }
        let vak = match &k.prioriteitsgebied {
            Some((_, s)) if s.is_stedelijk() => &mut per_gebied.stedelijk,
            Some(_) => &mut per_gebied.regio,
            None => &mut per_gebied.elders,
        };
        *vak = Bedrag::centen(vak.in_centen() + t.bedrag.in_centen());
    }
    let gevraagd: i64 = kern.iter().filter(|k| k.kandidaat).map(|k| k.gevraagd).sum();
    Verdeling {
        regels: regels.clone(),
        toekenningen,
        uitkeringen,
        totalen: Totalen {
            plafond: regels.plafond,
            toegekend: Bedrag::centen(toegekend),
            restant: Bedrag::centen(regels.plafond.in_centen() - toegekend),
            gevraagd_door_kandidaten: Bedrag::centen(gevraagd),
            aantal_per_uitkomst: aantal,
            aandeel_particulier: woningen.aandeel_particulier(),
            woningen,
            woningen_per_activiteit: per_activiteit,
            per_gebied,
        },
        eerste_niet_passend,
    }
}

impl Verdeling {
    /// Bij de puntenregel, voor een deelplan in de rangschikking: of het de prioriteitspunten kreeg, waarom
    /// (voorwaarde voor voorwaarde, met de bronnen) en op welke eerdere aanvraag. `None` bij een andere regel of voor
    /// een deelplan dat niet meedoet.
    pub fn punten(&self, kandidaten: &[Kandidaat], i: usize) -> Option<Punten> {
        let t = &self.toekenningen[i];
        t.rang?;
        puntenuitleg(&kandidaten[i], &self.regels, t.punten.map_or(0, |p| p.0))
    }

    /// De uitleg van de uitkomst van één deelplan, in het Nederlands met de getallen.
    pub fn uitleg(&self, kandidaten: &[Kandidaat], i: usize) -> String {
        let k = &kandidaten[i];
        let t = &self.toekenningen[i];
        let punten = self.punten(kandidaten, i);
        let aantal = self.toekenningen.iter().filter(|t| t.rang.is_some()).count();
        let regels = |r: &[Regel]| r.iter().map(|r| format!("{r:?}")).collect::<Vec<_>>().join(", ");
        let waarom_rang = || {
            let mut delen = Vec::new();
            if let Some((naam, soort)) = &k.prioriteitsgebied {
                delen.push(format!("in prioriteitsgebied {naam} ({})", soort.omschrijving()));
                if matches!(self.regels.prioriteitsregel, Prioriteitsregel::Voorrang) {
                    delen.push("voorrang voor prioriteitsgebieden".into());
                }
            }
            match (k.score, &punten) {
                (Some(s), Some(p)) if p.gegeven => delen.push(format!("score {s} +{} prioriteitspunten = {}", p.aantal, t.rangscore.unwrap_or(Honderdsten(0)))),
                (Some(s), Some(_)) => delen.push(format!("score {s}, geen prioriteitspunten")),
                (Some(s), None) => delen.push(format!("score {s}")),
                (None, _) => {}
            }
            if let Some(b) = k.bijdrage_per_woning {
                delen.push(format!("{b} per woning"));
            }
            delen.join("; ")
        };
        let rang = t.rang.unwrap_or(0);
        let restant = t.restant_voor.unwrap_or(Bedrag::NUL);
        let doorgaan = self.regels.vulwijze == Vulwijze::Doorgaan;
        // Het eerste deelplan dat niet volledig paste, als dat boven dit deelplan staat, en of het iets kreeg.
        let boven = self.eerste_niet_passend.filter(|&m| m < rang);
        let gedeeltelijk_boven = boven.is_some_and(|m| self.toekenningen.iter().any(|x| x.rang == Some(m) && x.uitkomst == Uitkomst::GedeeltelijkToegekend));
        let tekst = match (&k.deelname, t.uitkomst) {
            (Deelname::NietOntvankelijk { regels: r }, _) => format!("Niet ontvankelijk: de aanvraag voldoet niet aan {}.", regels(r)),
            (Deelname::NietSubsidiabel { regels: r }, _) => format!("Niet ontvankelijk: het deelplan voldoet niet aan {}.", regels(r)),
            (Deelname::NegatiefAdvies { motivering }, _) => format!("Negatief advies van de commissie: {motivering}"),
            (Deelname::Kandidaat, Uitkomst::Toegekend) => {
                let mut u = format!(
                    "Rang {rang} van {aantal} ({}). Gevraagd {}; restant van het plafond vóór dit deelplan {restant} → volledig toegekend.",
                    waarom_rang(),
                    k.gevraagd,
                );
                if let Some(m) = boven {
                    u.push_str(&format!(
                        " Dat kan bij vulwijze doorgaan: het deelplan op rang {m} paste niet, en een lager gerangschikt deelplan dat nog volledig \
                         in het restant past, krijgt zijn bedrag. Bij doorgaan kan een hoger plafond dit deelplan juist minder geven (dan past \
                         een hoger deelplan wel en neemt het het restant); alleen bij vulwijze stop krijgt geen deelplan minder als het plafond stijgt."
                    ));
                }
                u
            }
            (Deelname::Kandidaat, Uitkomst::GedeeltelijkToegekend) => format!(
                "Rang {rang} van {aantal} ({}). Gevraagd {}, maar het restant van het plafond is {restant}; dat is ten minste het minimaal werkbare bedrag ({}) → gedeeltelijk toegekend: {}. Dit is het eerste deelplan dat niet past, en alleen het eerste deelplan dat niet past kan een gedeeltelijke toekenning krijgen; daarna is het restant {}.",
                waarom_rang(),
                k.gevraagd,
                k.minimum_werkbaar,
                t.bedrag,
                restant.minus(t.bedrag).unwrap_or(Bedrag::NUL),
            ),
            (Deelname::Kandidaat, _) => {
                let waarom = match boven {
                    // Dit is zelf het eerste deelplan dat niet past.
                    None => {
                        let mut w = String::new();
                        if restant.is_positief() && restant < k.minimum_werkbaar {
                            w.push_str(&format!(", minder dan het minimaal werkbare bedrag ({})", k.minimum_werkbaar));
                        }
                        if self.eerste_niet_passend == Some(rang) {
                            w.push_str(if doorgaan {
                                "; het is het eerste deelplan dat niet past, en bij vulwijze doorgaan krijgen lager gerangschikte deelplannen die nog volledig passen daarna hun bedrag"
                            } else {
                                "; het is het eerste deelplan dat niet past, en bij vulwijze stop krijgt geen lager gerangschikt deelplan nog geld"
                            });
                        }
                        w
                    }
                    Some(m) if gedeeltelijk_boven => format!(
                        "; na de gedeeltelijke toekenning aan rang {m} is het restant {restant} (vulwijze {}: alleen het eerste deelplan dat niet past kan een gedeeltelijke toekenning krijgen)",
                        if doorgaan { "doorgaan" } else { "stop" }
                    ),
                    Some(m) if doorgaan => format!(
                        "; bij vulwijze doorgaan krijgen deelplannen onder rang {m} alleen geld als ze nog volledig passen: alleen het eerste deelplan dat niet past (rang {m}) kan een gedeeltelijke toekenning krijgen"
                    ),
                    Some(m) if restant.is_positief() && restant >= k.gevraagd => {
                        format!(", maar een hoger gerangschikt deelplan paste niet (vulwijze stop): na rang {m} krijgt geen lager deelplan nog geld")
                    }
                    Some(m) => format!("; bij vulwijze stop krijgt na rang {m} geen lager deelplan nog geld"),
                };
                format!(
                    "Rang {rang} van {aantal} ({}). Positief advies, maar gevraagd {} en het restant van het plafond is {restant}{waarom} → niet gehonoreerd wegens budget; plaats {} op de reservelijst.",
                    waarom_rang(),
                    k.gevraagd,
                    t.reserve.unwrap_or(0)
                )
            }
        };
        // De puntenregel, voorwaarde voor voorwaarde, als zin erachter.
        match &punten {
            Some(p) => {
                let mut r = p.reden.chars();
                let hoofdletter: String = r.next().map(|c| c.to_uppercase().chain(r).collect()).unwrap_or_default();
                format!("{tekst} {hoofdletter}")
            }
            None => tekst,
        }
    }
}

/// Het invoerbestand van `vhf allocate`: de aanvragen van een ronde, de vastgelegde beoordeling van de
/// commissie, en de uitkomsten van eerdere rondes (voor de puntenregel van 2024: wie nooit een uitkering kreeg en
/// eerder voldoende was). De uitkomsten van rondes die vóór dit systeem besloten zijn, staan in hun
/// rondeparameter `uitkomsten_buiten_systeem` en komen er bij het verdelen vanzelf bij.
#[derive(Clone, Debug, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Verdeling Volkshuisvestingsfonds: aanvragen en beoordelingen van een ronde")]
pub struct Verdeelinvoer {
    pub ronde: String,
    pub aanvragen: Vec<crate::aanvraag::Aanvraag>,
    pub beoordelingen: crate::beoordeling::Beoordelingen,
    /// Uitkomsten van eerdere rondes (bijvoorbeeld de besloten verdelingen van dit systeem), elk met bron.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eerdere_uitkomsten: Vec<EerdereUitkomst>,
    /// Gedateerde parameterwijzigingen van de ronde bovenop `data/rondes/` (zoals de server ze bewaart, elk met
    /// bron): met deze lijst rekent `vhf allocate` met dezelfde parameters als de verdeling van de server.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameterwijzigingen: Vec<Parameterwijziging>,
    /// Geen deel van het bestand: de documenten die op de server per aanvraag (kenmerk) zijn geüpload. Gezet,
    /// dan toetst E15 daarop in plaats van op de documentenlijst van elke aanvraag (`vhf allocate` op een bestand
    /// heeft alleen die lijst).
    #[serde(skip)]
    pub geuploade_documenten: Option<BTreeMap<String, Vec<crate::aanvraag::Document>>>,
}

/// Eén gedateerde parameterwijziging in een verdeelbestand (dezelfde velden als
/// `POST /api/v1/rondes/{id}/parameterwijzigingen`).
#[derive(Clone, Debug, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Parameterwijziging {
    pub parameter: String,
    #[schemars(with = "String", extend("format" = "date"))]
    pub vanaf: jiff::civil::Date,
    pub waarde: serde_json::Value,
    pub bron: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toelichting: Option<String>,
}

impl Verdeelinvoer {
    /// De ronde met de parameterwijzigingen van dit bestand erbij (geen: de ronde zelf).
    pub fn ronde_met_wijzigingen(&self, ronde: &crate::regeling::Ronde) -> Result<crate::regeling::Ronde, String> {
        if self.parameterwijzigingen.is_empty() {
            return Ok(ronde.clone());
        }
        ronde.met_wijzigingen(self.parameterwijzigingen.iter().map(|w| {
            (
                w.parameter.as_str(),
                crate::regeling::Wijziging { vanaf: w.vanaf, waarde: w.waarde.clone(), bron: w.bron.clone(), toelichting: w.toelichting.clone() },
            )
        }))
    }
}

/// Maakt de kandidaten uit de toetsing en het oordeel van de commissie. Een subsidiabel deelplan zonder
/// volledige beoordeling kan niet verdeeld worden: dat is een fout, geen stille uitsluiting.
pub fn kandidaten(
    toetsingen: &[crate::toetsing::Toetsing<'_>],
    oordelen: &BTreeMap<DeelplanRef, crate::beoordeling::Oordeel>,
    eerder: &[EerdereUitkomst],
    ronde: &str,
) -> Result<Vec<Kandidaat>, Vec<String>> {
    use crate::beoordeling::Advies;
    use crate::indicatoren::Prioriteit;
    use crate::toetsing::{Niveau, Uitkomst as T};
    let mut uit = Vec::new();
    let mut fouten = Vec::new();
    let mut voorgeschiedenis: BTreeMap<GemeenteCode, Voorgeschiedenis> = BTreeMap::new();
    for t in toetsingen {
        let a = t.aanvraag;
        let aanvraagfouten: Vec<Regel> = {
            let mut r: Vec<Regel> = t.fouten().filter(|b| b.niveau == Niveau::Aanvraag).map(|b| b.regel).collect();
            if a.ingediend_op.is_none() {
                r.push(Regel::E01);
            }
            r.sort();
            r.dedup();
            r
        };
        let Some(penvoerder) = a.penvoerder() else {
            // Zonder penvoerder is de aanvraag niet ontvankelijk (E02); de uitkering zou nergens heen kunnen.
            for i in 0..a.deelplannen.len() {
                uit.push(Kandidaat::niet(a, i, penvoerder_of_eerste(a), t, Deelname::NietOntvankelijk { regels: vec![Regel::E02] }));
            }
            continue;
        };
        for (i, dp) in a.deelplannen.iter().enumerate() {
            let dpfouten: Vec<Regel> = {
                let mut r: Vec<Regel> = t.bevindingen.iter().filter(|b| b.uitkomst == T::Fout && b.niveau.deelplan() == Some(i)).map(|b| b.regel).collect();
                r.sort();
                r.dedup();
                r
            };
            let deelname = if !aanvraagfouten.is_empty() {
                Deelname::NietOntvankelijk { regels: aanvraagfouten.clone() }
            } else if !dpfouten.is_empty() {
                Deelname::NietSubsidiabel { regels: dpfouten }
            } else {
                let r = DeelplanRef { aanvraag: a.kenmerk.clone(), deelplan: dp.id.clone() };
                match oordelen.get(&r) {
                    None => {
                        fouten.push(format!("deelplan {r} is subsidiabel maar niet beoordeeld door de commissie"));
                        continue;
                    }
                    Some(o) if o.advies.is_none() => {
                        fouten.push(format!("deelplan {r} is niet volledig beoordeeld: {}", o.voortgang()));
                        continue;
                    }
                    Some(o) => match o.advies {
                        Some(Advies::Positief) => Deelname::Kandidaat,
                        _ => Deelname::NegatiefAdvies {
                            motivering: o.advies_motivering.clone().unwrap_or_else(|| match (o.totaal, o.onder_drempel.is_empty()) {
                                (Some(tot), true) => format!("totaalscore {tot} is lager dan de drempel."),
                                (Some(tot), false) => format!("totaalscore {tot}; onder de drempel per criterium: {}.", o.onder_drempel.join(", ")),
                                (None, _) => "onvoldoende.".into(),
                            }),
                        },
                    },
                }
            };
            let mut k = Kandidaat::niet(a, i, penvoerder, t, deelname);
            let r = DeelplanRef { aanvraag: a.kenmerk.clone(), deelplan: dp.id.clone() };
            if let Some(o) = oordelen.get(&r) {
                k.score = o.totaal;
                k.voldoende = o.voldoende.unwrap_or(false);
            }
            k.voorgeschiedenis =
                voorgeschiedenis.entry(dp.deelgebied.gemeente).or_insert_with(|| Voorgeschiedenis::van(eerder, dp.deelgebied.gemeente, ronde)).clone();
            if let Prioriteit::Gebied { naam, soort, .. } = &t.indicatoren.deelplannen[i].prioriteit {
                k.prioriteitsgebied = Some((naam.clone(), *soort));
            }
            uit.push(k);
        }
    }
    if fouten.is_empty() { Ok(uit) } else { Err(fouten) }
}

fn penvoerder_of_eerste(a: &crate::aanvraag::Aanvraag) -> GemeenteCode {
    a.penvoerder().or_else(|| a.aanvragers.first().copied()).unwrap_or_else(|| a.deelplannen[0].deelgebied.gemeente)
}

impl Kandidaat {
    fn niet(a: &crate::aanvraag::Aanvraag, i: usize, penvoerder: GemeenteCode, t: &crate::toetsing::Toetsing<'_>, deelname: Deelname) -> Kandidaat {
        let dp = &a.deelplannen[i];
        let ind = &t.indicatoren.deelplannen[i];
        Kandidaat {
            deelplan: DeelplanRef { aanvraag: a.kenmerk.clone(), deelplan: dp.id.clone() },
            naam: dp.naam.clone(),
            penvoerder,
            gemeente: dp.deelgebied.gemeente,
            deelname,
            gevraagd: ind.gevraagd,
            minimum_werkbaar: ind.minimum_werkbaar,
            score: None,
            voldoende: false,
            prioriteitsgebied: None,
            voorgeschiedenis: Voorgeschiedenis::default(),
            bijdrage_per_woning: ind.bijdrage_per_woning,
            ingediend_op: a.ingediend_op.unwrap_or(Timestamp::MAX),
            woningen: ind.woningen,
            woningen_per_activiteit: ind.woningen_per_activiteit.iter().collect(),
        }
    }
}

/// Alles wat een verdeling nodig heeft, uit één invoerbestand: toetsing, oordelen en kandidaten.
pub struct Analyse<'a> {
    pub ronde: &'a crate::regeling::Ronde,
    pub parameters: crate::regeling::ParameterWaarden<'a>,
    pub toetsingen: Vec<crate::toetsing::Toetsing<'a>>,
    pub kader: crate::regeling::Beoordelingskader,
    pub oordelen: BTreeMap<DeelplanRef, crate::beoordeling::Oordeel>,
    pub kandidaten: Vec<Kandidaat>,
}

/// Het moment waarop de verdeling standaard wordt gemaakt: de (laatst bekende) besluitdatum, 12:00 lokale tijd.
pub fn besluitmoment(ronde: &crate::regeling::Ronde) -> Timestamp {
    let datum = ronde.parameters.besluitdatum.wijzigingen().last().expect("besluitdatum gecontroleerd").waarde;
    ronde.moment(datum.at(12, 0, 0, 0))
}

/// Toetst de aanvragen (elk op haar moment van indienen), controleert en berekent de beoordeling met `kader`
/// (standaard dat van de ronde op het peilmoment), en maakt de kandidaten. Fouten in invoer of beoordeling
/// worden allemaal teruggegeven.
pub fn analyseer<'a>(
    invoer: &'a Verdeelinvoer,
    ronde: &'a crate::regeling::Ronde,
    peilmoment: Timestamp,
    kader: Option<crate::regeling::Beoordelingskader>,
) -> Result<Analyse<'a>, Vec<String>> {
    use crate::beoordeling::{TeBeoordelen, beoordeel};
    let parameters = ronde.parameters_op(peilmoment);
    let kader = kader.unwrap_or_else(|| parameters.beoordelingskader.waarde.clone());
    let mut fouten = Vec::new();
    let mut kenmerken = std::collections::BTreeSet::new();
    for a in &invoer.aanvragen {
        if !kenmerken.insert(a.kenmerk.as_str()) {
            fouten.push(format!("aanvraag {} komt twee keer voor", a.kenmerk));
        }
        if a.ronde != ronde.id {
            fouten.push(format!("aanvraag {} is voor ronde {}, niet {}", a.kenmerk, a.ronde, ronde.id));
        }
    }
    let referentie = crate::referentie::Referentie::ingebouwd();
    let toetsingen = match &invoer.geuploade_documenten {
        None => crate::toetsing::toets_ronde(&invoer.aanvragen, ronde, referentie, peilmoment),
        Some(g) => crate::toetsing::toets_ronde_met_documenten(&invoer.aanvragen, g, ronde, referentie, peilmoment),
    }
    .map_err(|e| vec![e.to_string()])?;
    let te_beoordelen: Vec<TeBeoordelen<'_>> = invoer
        .aanvragen
        .iter()
        .flat_map(|a| {
            a.deelplannen
                .iter()
                .map(move |d| TeBeoordelen { deelplan: DeelplanRef { aanvraag: a.kenmerk.clone(), deelplan: d.id.clone() }, aanvragers: &a.aanvragers })
        })
        .collect();
    let oordelen = match beoordeel(&te_beoordelen, &invoer.beoordelingen, &kader) {
        Ok(o) => o.into_iter().filter(|o| o.toegewezen > 0).map(|o| (o.deelplan.clone(), o)).collect(),
        Err(f) => {
            fouten.extend(f.iter().map(|e| format!("beoordeling: {e}")));
            BTreeMap::new()
        }
    };
    if !fouten.is_empty() {
        return Err(fouten);
    }
    let kandidaten = kandidaten(&toetsingen, &oordelen, &invoer.eerdere_uitkomsten, &ronde.id)?;
    Ok(Analyse { ronde, parameters, toetsingen, kader, oordelen, kandidaten })
}

impl Analyse<'_> {
    /// De verdeelregels van de ronde op het peilmoment.
    pub fn regels(&self) -> Result<Verdeelregels, crate::geld::Overloop> {
        Ok(Verdeelregels {
            plafond: crate::regeling::Ronde::plafond_toekenningen(&self.parameters)?,
            vulwijze: *self.parameters.vulwijze.waarde,
            prioriteitsregel: self.parameters.prioriteitsregel.waarde.clone(),
            prioriteitsbron: Some(format!("{} (vanaf {})", self.parameters.prioriteitsregel.bron, self.parameters.prioriteitsregel.vanaf.strftime("%d-%m-%Y"))),
        })
    }
}

/// Een wat-als: andere waarden voor één verdeling, naast die van de ronde.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
pub struct WatAls {
    pub budget: Option<Bedrag>,
    pub btw_reserve: Option<Bedrag>,
    pub vulwijze: Option<Vulwijze>,
    pub prioriteitsregel: Option<Prioriteitsregel>,
    /// Gewicht per criterium-id.
    pub gewichten: BTreeMap<String, Percentage>,
}

impl WatAls {
    /// Leest `sleutel=waarde`: `budget=150000000`, `btw_reserve=0`, `vulwijze=doorgaan`,
    /// `prioriteit=geen|voorrang|punten:5`, `gewicht.effectiviteit=50%`.
    pub fn zet(&mut self, regel: &str) -> Result<(), String> {
        let (k, v) = regel.split_once('=').ok_or_else(|| format!("'{regel}': schrijf sleutel=waarde, bijvoorbeeld budget=150000000"))?;
        let bedrag = |v: &str| Bedrag::parse(v).map_err(|e| format!("{k}: {e}"));
        match k.trim() {
            "budget" => self.budget = Some(bedrag(v)?),
            "btw_reserve" => self.btw_reserve = Some(bedrag(v)?),
            "vulwijze" => {
                self.vulwijze = Some(match v {
                    "stop" => Vulwijze::Stop,
                    "doorgaan" | "continue" => Vulwijze::Doorgaan,
                    _ => return Err(format!("vulwijze '{v}': kies stop of doorgaan")),
                })
            }
            "prioriteit" | "prioriteitsregel" => {
                self.prioriteitsregel = Some(match v {
                    "geen" => Prioriteitsregel::Geen,
                    "voorrang" => Prioriteitsregel::Voorrang,
                    _ => match v.strip_prefix("punten:") {
                        // Met de voorwaarden van 2024 (Meerjarige regeling, Bijlage 2).
                        Some(p) => Prioriteitsregel::Punten {
                            punten: p.parse().map_err(|e| format!("prioriteit: {e}"))?,
                            alleen_gemeenten_zonder_eerdere_toekenning: true,
                            alleen_na_eerdere_voldoende_aanvraag: true,
                            alleen_als_voldoende_zonder_punten: true,
                            alleen_in_prioriteitsgebied: false,
                        },
                        None => return Err(format!("prioriteit '{v}': kies geen, voorrang of punten:N")),
                    },
                })
            }
            s => match s.strip_prefix("gewicht.") {
                Some(c) => {
                    self.gewichten.insert(c.to_string(), v.parse().map_err(|e| format!("{k}: {e}"))?);
                }
                None => return Err(format!("onbekende wat-als '{s}': kies budget, btw_reserve, vulwijze, prioriteit of gewicht.<criterium>")),
            },
        }
        Ok(())
    }

    /// Het budget en de btw-reserve waarmee deze wat-als rekent: de zijne, of anders die van de ronde.
    pub fn budget_en_reserve(&self, p: &crate::regeling::ParameterWaarden<'_>) -> (Bedrag, Bedrag) {
        (self.budget.unwrap_or(*p.budget.waarde), self.btw_reserve.unwrap_or(*p.btw_reserve.waarde))
    }

    /// Past de wat-als toe op de verdeelregels van de ronde.
    pub fn regels(&self, basis: &Verdeelregels, p: &crate::regeling::ParameterWaarden<'_>) -> Result<Verdeelregels, String> {
        let (budget, reserve) = self.budget_en_reserve(p);
        Ok(Verdeelregels {
            plafond: budget.minus(reserve).map_err(|e| e.to_string())?.max(Bedrag::NUL),
            vulwijze: self.vulwijze.unwrap_or(basis.vulwijze),
            prioriteitsregel: self.prioriteitsregel.clone().unwrap_or_else(|| basis.prioriteitsregel.clone()),
            prioriteitsbron: match self.prioriteitsregel {
                Some(_) => Some("wat-als (niet de regeling van de ronde)".into()),
                None => basis.prioriteitsbron.clone(),
            },
        })
    }

    /// Het beoordelingskader met de andere gewichten (die samen weer 100% moeten zijn).
    pub fn kader(&self, basis: &crate::regeling::Beoordelingskader) -> Result<Option<crate::regeling::Beoordelingskader>, String> {
        if self.gewichten.is_empty() {
            return Ok(None);
        }
        let mut k = basis.clone();
        for (id, g) in &self.gewichten {
            let c =
                k.criteria.iter_mut().find(|c| &c.id == id).ok_or_else(|| {
                    format!("onbekend criterium '{id}' (kader: {})", basis.criteria.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", "))
                })?;
            c.gewicht = *g;
        }
        let som: i64 = k.criteria.iter().map(|c| c.gewicht.in_honderdsten()).sum();
        if som != 10_000 {
            return Err(format!("de gewichten tellen op tot {}, niet 100%", Percentage::honderdsten(som)));
        }
        Ok(Some(k))
    }
}

/// Wat per deelplan en per gemeente verandert tussen twee verdelingen van dezelfde deelplannen.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Verschillen {
    pub deelplannen: Vec<DeelplanVerschil>,
    pub gemeenten: Vec<GemeenteVerschil>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct DeelplanVerschil {
    pub deelplan: DeelplanRef,
    pub voor: (Uitkomst, Bedrag, Option<usize>),
    pub na: (Uitkomst, Bedrag, Option<usize>),
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct GemeenteVerschil {
    pub gemeente: GemeenteCode,
    pub voor: Bedrag,
    pub na: Bedrag,
}

pub fn vergelijk(voor: &Verdeling, na: &Verdeling) -> Verschillen {
    let na_per: BTreeMap<&DeelplanRef, &Toekenning> = na.toekenningen.iter().map(|t| (&t.deelplan, t)).collect();
    let deelplannen = voor
        .toekenningen
        .iter()
        .filter_map(|a| {
            let b = na_per.get(&a.deelplan)?;
            (a.bedrag != b.bedrag || a.uitkomst != b.uitkomst || a.rang != b.rang).then(|| DeelplanVerschil {
                deelplan: a.deelplan.clone(),
                voor: (a.uitkomst, a.bedrag, a.rang),
                na: (b.uitkomst, b.bedrag, b.rang),
            })
        })
        .collect();
    let gemeenten: std::collections::BTreeSet<&GemeenteCode> = voor.uitkeringen.keys().chain(na.uitkeringen.keys()).collect();
    let gemeenten = gemeenten
        .into_iter()
        .filter_map(|g| {
            let (x, y) = (voor.uitkeringen.get(g).copied().unwrap_or(Bedrag::NUL), na.uitkeringen.get(g).copied().unwrap_or(Bedrag::NUL));
            (x != y).then_some(GemeenteVerschil { gemeente: *g, voor: x, na: y })
        })
        .collect();
    Verschillen { deelplannen, gemeenten }
}
