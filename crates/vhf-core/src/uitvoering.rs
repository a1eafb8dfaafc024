//! Na het besluit: betaling, verantwoording (SiSa), wijzigingen en vaststelling met terugvordering
//! (docs/regeling.md, "Decision and afterwards").
//!
//! - **Betaling**: in één keer na het besluit [D], als parameter `betaalschema` (termijnen met een aandeel en een
//!   aantal dagen na het besluit), zodat termijnen in te stellen zijn. Nooit meer betaald dan besloten.
//! - **Verantwoording** (SiSa, per jaar, per deelplan): besteed dit jaar en cumulatief, waarvan cofinanciering,
//!   woningen gestart en opgeleverd per activiteit en eigendom, eindverantwoording ja/nee; uiterlijk op de dag van
//!   parameter `verantwoording_uiterlijk` van het jaar erna [V: SiSa naar het CBS vóór 15 juli]. De controles
//!   V01–V07 geven bevindingen met uitleg; ze houden een opgave niet tegen (de gemeente verantwoordt wat er is).
//! - **Wijziging**: een nieuwe versie van een of meer deelplannen; een verschuiving van budget tussen deelplannen
//!   laat het totaal van de uitkering gelijk (W01).
//! - **Vaststelling**: per deelplan het laagste van het toegekende bedrag, de besteding ten laste van de uitkering
//!   (besteed min cofinanciering [D]) en, als er minder woningen zijn opgeleverd dan gepland, het plafond van de
//!   verlagingsregel van de ronde (parameter `verlagingsregel` [D]). Wat betaald is boven het vastgestelde totaal
//!   wordt teruggevorderd, tot op de cent.
//!
//! Alles in hele centen met gecontroleerde bewerkingen; de datum is een argument.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::aanvraag::Activiteit;
use crate::geld::{Bedrag, Overloop, Percentage};
use crate::regeling::{Beschrijf, GebruikteWaarde};

// ------------------------------------------------------------------------------------------------------------
// Parameters

/// Eén termijn van het betaalschema: een aandeel van de uitkering, zoveel dagen na de datum van het besluit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Betaaltermijn {
    pub aandeel: Percentage,
    pub dagen_na_besluit: u32,
}

impl Beschrijf for Vec<Betaaltermijn> {
    fn beschrijf(&self) -> String {
        if let [t] = self.as_slice()
            && t.aandeel == Percentage::honderdsten(10_000)
        {
            return if t.dagen_na_besluit == 0 {
                "in één keer na het besluit".into()
            } else {
                format!("in één keer, {} dagen na het besluit", t.dagen_na_besluit)
            };
        }
        self.iter().map(|t| format!("{} na {} dagen", t.aandeel, t.dagen_na_besluit)).collect::<Vec<_>>().join("; ")
    }
}

/// Controleert een betaalschema: ten minste één termijn, elk aandeel positief, samen 100%, dagen oplopend.
pub fn controleer_betaalschema(schema: &[Betaaltermijn]) -> Result<(), String> {
    if schema.is_empty() {
        return Err("een betaalschema heeft ten minste één termijn".into());
    }
    if schema.iter().any(|t| t.aandeel.in_honderdsten() <= 0) {
        return Err("elke termijn van het betaalschema heeft een positief aandeel".into());
    }
    let som: i64 = schema.iter().map(|t| t.aandeel.in_honderdsten()).sum();
    if som != 10_000 {
        return Err(format!("de termijnen van het betaalschema tellen op tot {}, niet 100%", Percentage::honderdsten(som)));
    }
    if schema.windows(2).any(|w| w[0].dagen_na_besluit > w[1].dagen_na_besluit) {
        return Err("de termijnen van het betaalschema staan op volgorde van dagen na het besluit".into());
    }
    Ok(())
}

/// Hoe de vaststelling verlaagt als er minder woningen zijn opgeleverd dan gepland.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verlagingsregel {
    /// Geen verlaging om woningen: alleen de besteding telt.
    Geen,
    /// Evenredig: hoogstens toegekend × opgeleverd / gepland, naar beneden afgerond op centen.
    Evenredig,
}

impl Beschrijf for Verlagingsregel {
    fn beschrijf(&self) -> String {
        match self {
            Verlagingsregel::Geen => "geen verlaging om minder opgeleverde woningen".into(),
            Verlagingsregel::Evenredig => "evenredig: hoogstens toegekend × opgeleverde / geplande woningen".into(),
        }
    }
}

/// De uiterste dag (maand en dag) in het jaar na het verantwoordingsjaar waarop de SiSa-opgave binnen is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uiterstedag {
    pub maand: i8,
    pub dag: i8,
}

impl Beschrijf for Uiterstedag {
    fn beschrijf(&self) -> String {
        const M: [&str; 12] = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];
        format!("{} {} van het jaar na het verantwoordingsjaar", self.dag, M[(self.maand.clamp(1, 12) - 1) as usize])
    }
}

impl Uiterstedag {
    pub fn controleer(&self) -> Result<(), String> {
        Date::new(2001, self.maand, self.dag).map(|_| ()).map_err(|_| format!("{}-{} is geen dag van het jaar", self.maand, self.dag))
    }

    /// De uiterste datum voor de opgave over `jaar`.
    pub fn voor_jaar(&self, jaar: i16) -> Option<Date> {
        Date::new(jaar.checked_add(1)?, self.maand, self.dag).ok()
    }
}

// ------------------------------------------------------------------------------------------------------------
// Betaling

/// De volgende betaling volgens het schema: (termijn, bedrag). Termijn k (1, 2, …) brengt het cumulatief betaalde
/// op het cumulatieve aandeel tot en met k van het besloten bedrag (naar beneden op centen; de laatste termijn op
/// precies het besloten bedrag). `None` als alles betaald is. Een fout als er al meer betaald is dan besloten.
pub fn volgende_betaling(schema: &[Betaaltermijn], besloten: Bedrag, betaald: Bedrag, termijnen_betaald: usize) -> Result<Option<(usize, Bedrag)>, String> {
    let open = openstaand(besloten, betaald)?;
    if !open.is_positief() {
        return Ok(None);
    }
    // Na de laatste termijn (bijvoorbeeld na een correctie die het besluit verhoogde): het restant als extra termijn.
    let k = (termijnen_betaald + 1).min(schema.len());
    let cumulatief: i64 = schema.iter().take(k).map(|t| t.aandeel.in_honderdsten()).sum();
    let doel = if k == schema.len() { besloten } else { besloten.maal_omlaag(Percentage::honderdsten(cumulatief)).map_err(|e| e.to_string())? };
    let bedrag = doel.minus(betaald).map_err(|e| e.to_string())?;
    if !bedrag.is_positief() {
        return Ok(None);
    }
    Ok(Some((termijnen_betaald + 1, bedrag)))
}

/// De datum waarop termijn `termijn` (vanaf 1) betaald mag worden: de datum van het besluit plus de dagen van die
/// termijn (een extra termijn na het schema: die van de laatste).
pub fn betaaldatum(schema: &[Betaaltermijn], besluitdatum: Date, termijn: usize) -> Date {
    let t = schema.get(termijn.saturating_sub(1)).or(schema.last()).map_or(0, |t| t.dagen_na_besluit);
    besluitdatum.checked_add(jiff::Span::new().days(i64::from(t))).unwrap_or(besluitdatum)
}

/// Besloten − betaald: wat nog te betalen is. Nooit negatief: is er meer betaald dan besloten, dan is dat een fout
/// (de betaling had geweigerd moeten worden), geen negatief bedrag.
pub fn openstaand(besloten: Bedrag, betaald: Bedrag) -> Result<Bedrag, String> {
    if betaald > besloten {
        return Err(format!("er is {betaald} betaald, meer dan de besloten {besloten}"));
    }
    besloten.minus(betaald).map_err(|e| e.to_string())
}

/// Mag deze betaling? Alleen als ze positief is en betaald + bedrag ≤ besloten.
pub fn controleer_betaling(besloten: Bedrag, betaald: Bedrag, bedrag: Bedrag) -> Result<(), String> {
    if !bedrag.is_positief() {
        return Err(format!("een betaling is positief (kreeg {bedrag})"));
    }
    let na = betaald.plus(bedrag).map_err(|e| e.to_string())?;
    if na > besloten {
        return Err(format!(
            "met deze betaling van {bedrag} komt het betaalde op {na}, meer dan het besloten bedrag {besloten} (al betaald: {betaald}); er staat {} open",
            openstaand(besloten, betaald)?
        ));
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------------------------
// Verantwoording (SiSa)

/// Eigendom van een woning in de opgave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Eigendom {
    EigenaarBewoner,
    ParticuliereVerhuur,
    Corporatie,
}

/// Woningen van één activiteit en eigendom: gestart en opgeleverd, cumulatief tot en met het jaar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Woningvoortgang {
    pub activiteit: Activiteit,
    pub eigendom: Eigendom,
    pub gestart: u32,
    pub opgeleverd: u32,
}

/// De SiSa-indicatoren van één deelplan over één jaar, zoals dit project ze modelleert [D].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deelplanopgave {
    pub kenmerk: String,
    pub deelplan: String,
    /// Besteed in dit jaar aan het deelplan (alle bronnen).
    pub besteed_dit_jaar: Bedrag,
    /// Besteed tot en met dit jaar (alle bronnen).
    pub besteed_cumulatief: Bedrag,
    /// Waarvan gedekt uit cofinanciering, tot en met dit jaar.
    #[serde(default)]
    pub cofinanciering_cumulatief: Bedrag,
    /// Woningen per activiteit en eigendom, cumulatief.
    #[serde(default)]
    pub woningen: Vec<Woningvoortgang>,
    /// Is dit de eindverantwoording van het deelplan?
    #[serde(default)]
    pub eindverantwoording: bool,
}

impl Deelplanopgave {
    pub fn gestart(&self) -> u64 {
        self.woningen.iter().map(|w| u64::from(w.gestart)).sum()
    }
    pub fn opgeleverd(&self) -> u64 {
        self.woningen.iter().map(|w| u64::from(w.opgeleverd)).sum()
    }
    /// Besteed ten laste van de uitkering: besteed min cofinanciering, niet onder nul [D].
    pub fn ten_laste_van_uitkering(&self) -> Result<Bedrag, Overloop> {
        Ok(self.besteed_cumulatief.minus(self.cofinanciering_cumulatief)?.max(Bedrag::NUL))
    }
}

/// Wat er van een deelplan vastligt voor de controle: de huidige versie (na goedgekeurde wijzigingen).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deelplanstand {
    pub kenmerk: String,
    pub deelplan: String,
    pub toegekend: Bedrag,
    /// Cofinanciering zoals opgegeven in de aanvraag.
    pub cofinanciering: Bedrag,
    /// Geplande woningen (primaire maatregelen).
    pub woningen_gepland: u64,
}

/// Een bevinding bij een opgave: welke regel, over welk deelplan, en waarom, met de getallen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bevinding {
    pub regel: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deelplan: Option<String>,
    pub uitleg: String,
    /// De parameter (met waarde en bron) die tot de bevinding leidde, als die er is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

/// Wat de controle van een opgave gebruikt uit de ronde.
pub struct Verantwoordingsregels<'a> {
    /// De datum van het besluit (Europe/Amsterdam).
    pub besluitdatum: Date,
    /// Uit parameter `looptijd`: de start ligt hoogstens zoveel jaar na het besluit (2023, 2024), met de bron.
    pub max_jaren_tot_start: Option<(u32, &'a GebruikteWaarde<'a>)>,
    pub uiterlijk: (Uiterstedag, &'a GebruikteWaarde<'a>),
}

fn noem(g: &GebruikteWaarde<'_>) -> String {
    format!("{} = {} (vanaf {}, bron: {})", g.naam, g.waarde, g.vanaf, g.bron)
}

/// Controleert de opgave over `jaar`, ingediend op `ingediend` (lokale datum), tegen de opgave van het jaar ervoor
/// (`vorige`, per deelplan) en de stand van elk deelplan.
///
/// - V01 cumulatief besteed daalt nooit ten opzichte van het jaar ervoor;
/// - V02 cumulatief = vorig cumulatief + dit jaar;
/// - V03 cumulatief besteed ≤ toegekend + de cofinanciering uit de aanvraag;
/// - V04 opgeleverd ≤ gepland, en per regel opgeleverd ≤ gestart;
/// - V05 (2023/2024: `looptijd.max_jaren_tot_start_na_besluit`) niet gestart terwijl de termijn na het besluit om is;
/// - V06 te laat: na de uiterste dag van het jaar erna;
/// - V07 een deelplan van het besluit ontbreekt in de opgave, of de opgave noemt een onbekend deelplan;
/// - V08 cofinanciering is hoogstens wat besteed is; woningen gestart dalen niet.
pub fn controleer_opgave(
    jaar: i16,
    ingediend: Date,
    opgave: &[Deelplanopgave],
    vorige: &[Deelplanopgave],
    standen: &[Deelplanstand],
    regels: &Verantwoordingsregels<'_>,
) -> Result<Vec<Bevinding>, Overloop> {
    let mut b = Vec::new();
    let naam = |o: &Deelplanopgave| format!("{} {}", o.kenmerk, o.deelplan);
    let (dag, bron) = regels.uiterlijk;
    if let Some(uiterst) = dag.voor_jaar(jaar)
        && ingediend > uiterst
    {
        b.push(Bevinding {
            regel: "V06".into(),
            deelplan: None,
            uitleg: format!("De opgave over {jaar} kwam binnen op {ingediend}, na de uiterste datum {uiterst}: te laat."),
            parameter: Some(noem(bron)),
        });
    }
    for s in standen {
        if !opgave.iter().any(|o| o.kenmerk == s.kenmerk && o.deelplan == s.deelplan) {
            b.push(Bevinding {
                regel: "V07".into(),
                deelplan: Some(format!("{} {}", s.kenmerk, s.deelplan)),
                uitleg: format!("Deelplan {} {} van het besluit ontbreekt in de opgave over {jaar}.", s.kenmerk, s.deelplan),
                parameter: None,
            });
        }
    }
    for o in opgave {
        let dp = Some(naam(o));
        let Some(s) = standen.iter().find(|s| s.kenmerk == o.kenmerk && s.deelplan == o.deelplan) else {
            b.push(Bevinding { regel: "V07".into(), deelplan: dp, uitleg: format!("Deelplan {} staat niet in het besluit.", naam(o)), parameter: None });
            continue;
        };
        let v = vorige.iter().find(|v| v.kenmerk == o.kenmerk && v.deelplan == o.deelplan);
        let vorig_cumulatief = v.map_or(Bedrag::NUL, |v| v.besteed_cumulatief);
        if o.besteed_cumulatief < vorig_cumulatief {
            b.push(Bevinding {
                regel: "V01".into(),
                deelplan: dp.clone(),
                uitleg: format!("Cumulatief besteed daalt: {} over {jaar}, terwijl het over {} al {vorig_cumulatief} was.", o.besteed_cumulatief, jaar - 1),
                parameter: None,
            });
        }
        let verwacht = vorig_cumulatief.plus(o.besteed_dit_jaar)?;
        if o.besteed_cumulatief != verwacht {
            b.push(Bevinding {
                regel: "V02".into(),
                deelplan: dp.clone(),
                uitleg: format!(
                    "Cumulatief besteed ({}) is niet het cumulatief van vorig jaar ({vorig_cumulatief}) plus dit jaar ({}) = {verwacht}.",
                    o.besteed_cumulatief, o.besteed_dit_jaar
                ),
                parameter: None,
            });
        }
        let dekking = s.toegekend.plus(s.cofinanciering)?;
        if o.besteed_cumulatief > dekking {
            b.push(Bevinding {
                regel: "V03".into(),
                deelplan: dp.clone(),
                uitleg: format!(
                    "Cumulatief besteed ({}) is meer dan toegekend ({}) plus de cofinanciering uit de aanvraag ({}) = {dekking}.",
                    o.besteed_cumulatief, s.toegekend, s.cofinanciering
                ),
                parameter: None,
            });
        }
        if o.opgeleverd() > s.woningen_gepland {
            b.push(Bevinding {
                regel: "V04".into(),
                deelplan: dp.clone(),
                uitleg: format!("Er zijn {} woningen opgeleverd, meer dan de {} geplande.", o.opgeleverd(), s.woningen_gepland),
                parameter: None,
            });
        }
        for w in o.woningen.iter().filter(|w| w.opgeleverd > w.gestart) {
            b.push(Bevinding {
                regel: "V04".into(),
                deelplan: dp.clone(),
                uitleg: format!("{} ({:?}): {} opgeleverd maar {} gestart.", w.activiteit.naam(), w.eigendom, w.opgeleverd, w.gestart).to_lowercase(),
                parameter: None,
            });
        }
        if o.cofinanciering_cumulatief > o.besteed_cumulatief {
            b.push(Bevinding {
                regel: "V08".into(),
                deelplan: dp.clone(),
                uitleg: format!("De cofinanciering ({}) is meer dan wat besteed is ({}).", o.cofinanciering_cumulatief, o.besteed_cumulatief),
                parameter: None,
            });
        }
        if let Some(v) = v
            && o.gestart() < v.gestart()
        {
            b.push(Bevinding {
                regel: "V08".into(),
                deelplan: dp.clone(),
                uitleg: format!("Woningen gestart dalen: {} over {jaar}, {} over {}.", o.gestart(), v.gestart(), jaar - 1),
                parameter: None,
            });
        }
        if let Some((n, g)) = regels.max_jaren_tot_start
            && niet_gestart_na_termijn(regels.besluitdatum, n, Date::new(jaar, 12, 31).unwrap_or(ingediend), o.gestart())
        {
            b.push(Bevinding {
                regel: "V05".into(),
                deelplan: dp.clone(),
                uitleg: format!(
                    "Eind {jaar} is geen woning gestart, terwijl de start uiterlijk {n} jaar na het besluit van {} moest liggen ({}).",
                    regels.besluitdatum,
                    regels.besluitdatum.checked_add(jiff::Span::new().years(i64::from(n))).unwrap_or(regels.besluitdatum)
                ),
                parameter: Some(noem(g)),
            });
        }
    }
    Ok(b)
}

/// Is een deelplan op `peildatum` niet gestart terwijl de start uiterlijk `jaren` jaar na het besluit moest liggen?
pub fn niet_gestart_na_termijn(besluitdatum: Date, jaren: u32, peildatum: Date, gestart: u64) -> bool {
    let Ok(uiterst) = besluitdatum.checked_add(jiff::Span::new().years(i64::from(jaren))) else { return false };
    gestart == 0 && peildatum >= uiterst
}

// ------------------------------------------------------------------------------------------------------------
// Wijziging

/// Controleert de nieuwe toekenningen per deelplan na een wijziging: een verschuiving van budget tussen de
/// deelplannen van een besluit laat het totaal van de uitkering gelijk (W01), en geen bedrag is negatief.
pub fn controleer_verschuiving(besloten_totaal: Bedrag, nieuw: &[Bedrag]) -> Result<(), String> {
    let som = Bedrag::som(nieuw.iter().copied()).map_err(|e| e.to_string())?;
    if nieuw.iter().any(|b| b.in_centen() < 0) {
        return Err("een toegekend bedrag is nooit negatief".into());
    }
    if som != besloten_totaal {
        return Err(format!(
            "W01: na de wijziging tellen de deelplannen op tot {som}, maar de uitkering is {besloten_totaal}; een wijziging verschuift budget tussen deelplannen en verhoogt of verlaagt de uitkering niet"
        ));
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------------------------
// Vaststelling en terugvordering

/// De vaststelling van één deelplan, met de stappen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeelplanVaststelling {
    pub kenmerk: String,
    pub deelplan: String,
    pub toegekend: Bedrag,
    pub besteed: Bedrag,
    pub cofinanciering: Bedrag,
    pub ten_laste_van_uitkering: Bedrag,
    pub woningen_gepland: u64,
    pub woningen_opgeleverd: u64,
    /// Het plafond uit de verlagingsregel (gelijk aan toegekend als er niet verlaagd wordt).
    pub plafond_woningen: Bedrag,
    pub vastgesteld: Bedrag,
    pub uitleg: String,
}

/// De vaststelling van een uitkering: per deelplan en in totaal, met wat terug moet (of nog betaald wordt).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vaststelling {
    pub deelplannen: Vec<DeelplanVaststelling>,
    pub besloten: Bedrag,
    pub betaald: Bedrag,
    pub vastgesteld: Bedrag,
    /// betaald − vastgesteld, als dat positief is.
    pub terugvordering: Bedrag,
    /// vastgesteld − betaald, als dat positief is (nog te betalen).
    pub nabetaling: Bedrag,
    pub uitleg: String,
}

/// Stelt één deelplan vast: het laagste van toegekend, besteed ten laste van de uitkering en het plafond van de
/// verlagingsregel.
pub fn stel_deelplan_vast(
    stand: &Deelplanstand,
    eind: Option<&Deelplanopgave>,
    regel: Verlagingsregel,
    bron: &GebruikteWaarde<'_>,
) -> Result<DeelplanVaststelling, Overloop> {
    let (besteed, cofi, opgeleverd) = eind.map_or((Bedrag::NUL, Bedrag::NUL, 0), |o| (o.besteed_cumulatief, o.cofinanciering_cumulatief, o.opgeleverd()));
    let ten_laste = besteed.minus(cofi)?.max(Bedrag::NUL);
    let t = stand.toegekend;
    let (plafond, stap_woningen) = match regel {
        Verlagingsregel::Evenredig if stand.woningen_gepland > 0 && opgeleverd < stand.woningen_gepland => {
            let x = i128::from(t.in_centen()) * i128::from(opgeleverd) / i128::from(stand.woningen_gepland);
            let p = Bedrag::centen(i64::try_from(x).map_err(|_| Overloop("een vermenigvuldiging"))?);
            (
                p,
                format!(
                    "{opgeleverd} van {} geplande woningen opgeleverd: volgens de verlagingsregel ({}) hoogstens {t} × {opgeleverd} / {} = {p} (naar beneden op centen)",
                    stand.woningen_gepland,
                    noem(bron),
                    stand.woningen_gepland
                ),
            )
        }
        _ => (t, format!("{opgeleverd} van {} geplande woningen opgeleverd: geen verlaging ({})", stand.woningen_gepland, noem(bron))),
    };
    let vastgesteld = t.min(ten_laste).min(plafond);
    let zonder_opgave = if eind.is_none() { " Er is geen verantwoording van dit deelplan: niets besteed." } else { "" };
    let uitleg = format!(
        "{} {}: toegekend {t}; besteed {besteed}, waarvan cofinanciering {cofi}, dus ten laste van de uitkering {ten_laste}; {stap_woningen}. Vastgesteld op het laagste: {vastgesteld}.{zonder_opgave}",
        stand.kenmerk, stand.deelplan
    );
    Ok(DeelplanVaststelling {
        kenmerk: stand.kenmerk.clone(),
        deelplan: stand.deelplan.clone(),
        toegekend: t,
        besteed,
        cofinanciering: cofi,
        ten_laste_van_uitkering: ten_laste,
        woningen_gepland: stand.woningen_gepland,
        woningen_opgeleverd: opgeleverd,
        plafond_woningen: plafond,
        vastgesteld,
        uitleg,
    })
}

/// Stelt de uitkering vast uit de huidige stand van elk deelplan en de laatste opgave per deelplan, en berekent
/// wat teruggevorderd (of nog betaald) wordt. `besloten` is het totaal van het geldende besluit.
pub fn stel_vast(
    standen: &[Deelplanstand],
    laatste: &[Deelplanopgave],
    besloten: Bedrag,
    betaald: Bedrag,
    regel: Verlagingsregel,
    bron: &GebruikteWaarde<'_>,
) -> Result<Vaststelling, String> {
    let deelplannen = standen
        .iter()
        .map(|s| stel_deelplan_vast(s, laatste.iter().find(|o| o.kenmerk == s.kenmerk && o.deelplan == s.deelplan), regel, bron))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let vastgesteld = Bedrag::som(deelplannen.iter().map(|d| d.vastgesteld)).map_err(|e| e.to_string())?;
    if vastgesteld > besloten {
        // Kan niet: elk deelplan is hoogstens toegekend, en de toekenningen tellen op tot het besluit.
        return Err(format!("de vaststelling ({vastgesteld}) is hoger dan het besluit ({besloten}): de deelplannen tellen niet op tot het besluit"));
    }
    openstaand(besloten, betaald)?;
    let verschil = betaald.minus(vastgesteld).map_err(|e| e.to_string())?;
    let (terugvordering, nabetaling) =
        if verschil.is_positief() { (verschil, Bedrag::NUL) } else { (Bedrag::NUL, Bedrag::NUL.minus(verschil).map_err(|e| e.to_string())?) };
    let uitleg = if terugvordering.is_positief() {
        format!("Besloten {besloten}, betaald {betaald}, vastgesteld {vastgesteld}: terug te vorderen {betaald} − {vastgesteld} = {terugvordering}.")
    } else if nabetaling.is_positief() {
        format!("Besloten {besloten}, betaald {betaald}, vastgesteld {vastgesteld}: nog te betalen {vastgesteld} − {betaald} = {nabetaling}.")
    } else {
        format!("Besloten {besloten}, betaald {betaald}, vastgesteld {vastgesteld}: niets terug te vorderen.")
    };
    Ok(Vaststelling { deelplannen, besloten, betaald, vastgesteld, terugvordering, nabetaling, uitleg })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bron() -> GebruikteWaarde<'static> {
        GebruikteWaarde { naam: "verlagingsregel", omschrijving: "", waarde: "evenredig".into(), vanaf: Date::constant(2021, 3, 11), bron: "[D] test" }
    }

    fn stand(t: i64, gepland: u64) -> Deelplanstand {
        Deelplanstand {
            kenmerk: "K".into(),
            deelplan: "DP1".into(),
            toegekend: Bedrag::centen(t),
            cofinanciering: Bedrag::euro(100),
            woningen_gepland: gepland,
        }
    }

    fn opgave(besteed: i64, cofi: i64, opgeleverd: u32) -> Deelplanopgave {
        Deelplanopgave {
            kenmerk: "K".into(),
            deelplan: "DP1".into(),
            besteed_dit_jaar: Bedrag::centen(besteed),
            besteed_cumulatief: Bedrag::centen(besteed),
            cofinanciering_cumulatief: Bedrag::centen(cofi),
            woningen: vec![Woningvoortgang { activiteit: Activiteit::Renovatie, eigendom: Eigendom::Corporatie, gestart: opgeleverd, opgeleverd }],
            eindverantwoording: true,
        }
    }

    #[test]
    fn evenredige_verlaging_tot_op_de_cent() {
        // 100.000,01 toegekend, 2 van 3 woningen: 10000001 × 2 / 3 = 6666667,33… → 6666667 cent.
        let v = stel_deelplan_vast(&stand(10_000_001, 3), Some(&opgave(20_000_000, 0, 2)), Verlagingsregel::Evenredig, &bron()).unwrap();
        assert_eq!(v.plafond_woningen, Bedrag::centen(6_666_667));
        assert_eq!(v.vastgesteld, Bedrag::centen(6_666_667));
        assert!(v.uitleg.contains("× 2 / 3 = € 66.666,67") && v.uitleg.contains("[D] test"), "{}", v.uitleg);
        // Zonder verlagingsregel telt alleen de besteding (ten laste van de uitkering: besteed − cofinanciering).
        let v = stel_deelplan_vast(&stand(10_000_001, 3), Some(&opgave(9_000_000, 500_000, 2)), Verlagingsregel::Geen, &bron()).unwrap();
        assert_eq!(v.vastgesteld, Bedrag::centen(8_500_000));
        // Zonder opgave: niets besteed, niets vastgesteld.
        let v = stel_deelplan_vast(&stand(100, 3), None, Verlagingsregel::Evenredig, &bron()).unwrap();
        assert_eq!(v.vastgesteld, Bedrag::NUL);
        assert!(v.uitleg.contains("geen verantwoording"));
    }

    #[test]
    fn terugvordering_is_betaald_min_vastgesteld() {
        let v = stel_vast(
            &[stand(1_000_000, 10)],
            &[opgave(800_000, 0, 10)],
            Bedrag::centen(1_000_000),
            Bedrag::centen(1_000_000),
            Verlagingsregel::Evenredig,
            &bron(),
        )
        .unwrap();
        assert_eq!((v.vastgesteld, v.terugvordering, v.nabetaling), (Bedrag::centen(800_000), Bedrag::centen(200_000), Bedrag::NUL));
        assert!(v.uitleg.contains("terug te vorderen"), "{}", v.uitleg);
        assert!(stel_vast(&[stand(1_000_000, 10)], &[], Bedrag::centen(1_000_000), Bedrag::centen(1_000_001), Verlagingsregel::Geen, &bron()).is_err());
    }

    #[test]
    fn betaalschema_in_een_keer_of_in_termijnen() {
        let een = vec![Betaaltermijn { aandeel: Percentage::honderdsten(10_000), dagen_na_besluit: 0 }];
        controleer_betaalschema(&een).unwrap();
        assert_eq!(volgende_betaling(&een, Bedrag::centen(101), Bedrag::NUL, 0).unwrap(), Some((1, Bedrag::centen(101))));
        assert_eq!(volgende_betaling(&een, Bedrag::centen(101), Bedrag::centen(101), 1).unwrap(), None);
        let twee = vec![
            Betaaltermijn { aandeel: Percentage::honderdsten(3333), dagen_na_besluit: 0 },
            Betaaltermijn { aandeel: Percentage::honderdsten(6667), dagen_na_besluit: 365 },
        ];
        controleer_betaalschema(&twee).unwrap();
        assert_eq!(volgende_betaling(&twee, Bedrag::centen(101), Bedrag::NUL, 0).unwrap(), Some((1, Bedrag::centen(33))));
        assert_eq!(volgende_betaling(&twee, Bedrag::centen(101), Bedrag::centen(33), 1).unwrap(), Some((2, Bedrag::centen(68))));
        assert_eq!(betaaldatum(&twee, Date::constant(2021, 7, 1), 2), Date::constant(2022, 7, 1));
        assert!(controleer_betaalschema(&twee[..1]).unwrap_err().contains("33,33%"));
        assert!(controleer_betaling(Bedrag::centen(100), Bedrag::centen(60), Bedrag::centen(41)).unwrap_err().contains("er staat € 0,40 open"));
        assert!(openstaand(Bedrag::centen(1), Bedrag::centen(2)).is_err());
    }

    #[test]
    fn controles_van_de_opgave() {
        let g = bron();
        let regels = Verantwoordingsregels {
            besluitdatum: Date::constant(2023, 12, 1),
            max_jaren_tot_start: Some((2, &g)),
            uiterlijk: (Uiterstedag { maand: 7, dag: 15 }, &g),
        };
        let s = [stand(1_000_000, 10)];
        let mut o = opgave(500_000, 0, 0);
        o.woningen.clear();
        // Op tijd, eerste jaar: niets bijzonders.
        assert!(controleer_opgave(2024, Date::constant(2025, 7, 15), std::slice::from_ref(&o), &[], &s, &regels).unwrap().is_empty());
        // Een dag te laat; en in 2025 (twee jaar na 1-12-2023) nog niet gestart.
        let b = controleer_opgave(2025, Date::constant(2026, 7, 16), std::slice::from_ref(&o), &[], &s, &regels).unwrap();
        let regels_van = |b: &[Bevinding]| b.iter().map(|x| x.regel.clone()).collect::<Vec<_>>();
        assert_eq!(regels_van(&b), ["V06", "V05"], "{b:?}");
        // Cumulatief daalt, meer opgeleverd dan gepland, meer besteed dan toegekend + cofinanciering.
        let mut n = opgave(1_000_000 + 10_001, 0, 11);
        n.besteed_dit_jaar = Bedrag::NUL;
        let mut v = opgave(2_000_000, 0, 1);
        v.besteed_dit_jaar = Bedrag::centen(2_000_000);
        let b = controleer_opgave(2024, Date::constant(2025, 1, 1), &[n], &[v], &s, &regels).unwrap();
        assert_eq!(regels_van(&b), ["V01", "V02", "V03", "V04"], "{b:?}");
        assert!(b[2].uitleg.contains("€ 10.100,01"), "{}", b[2].uitleg);
    }

    proptest! {
        /// Betaald ≤ besloten: wie het schema volgt, betaalt precies het besluit, nooit meer.
        #[test]
        fn betaald_nooit_meer_dan_besloten(besloten in 0i64..=1_000_000_000_000, delen in proptest::collection::vec(1i64..=5000, 1..5)) {
            let som: i64 = delen.iter().sum();
            let mut schema: Vec<Betaaltermijn> = delen.iter().map(|d| Betaaltermijn { aandeel: Percentage::honderdsten(d * 10_000 / som), dagen_na_besluit: 0 }).collect();
            let rest = 10_000 - schema.iter().map(|t| t.aandeel.in_honderdsten()).sum::<i64>();
            let laatste = schema.last_mut().unwrap();
            laatste.aandeel = Percentage::honderdsten(laatste.aandeel.in_honderdsten() + rest);
            prop_assume!(schema.iter().all(|t| t.aandeel.in_honderdsten() > 0));
            let besloten = Bedrag::centen(besloten);
            let (mut betaald, mut n) = (Bedrag::NUL, 0);
            while let Some((k, b)) = volgende_betaling(&schema, besloten, betaald, n).unwrap() {
                prop_assert!(controleer_betaling(besloten, betaald, b).is_ok());
                betaald = betaald.plus(b).unwrap();
                n = k;
                prop_assert!(betaald <= besloten);
                prop_assert!(n <= schema.len());
            }
            prop_assert_eq!(betaald, besloten);
        }

        /// Vastgesteld ≤ besloten en terugvordering ≤ betaald, ook bij verschuivingen tussen deelplannen.
        #[test]
        fn vaststelling_nooit_boven_het_besluit(
            delen in proptest::collection::vec((0i64..=10_000_000_000, 0u64..500, 0i64..=20_000_000_000, 0i64..=5_000_000_000, 0u32..600), 1..6),
            betaald_aandeel in 0i64..=10_000,
            evenredig in any::<bool>(),
        ) {
            let standen: Vec<Deelplanstand> = delen.iter().enumerate().map(|(i, (t, g, ..))| Deelplanstand {
                kenmerk: "K".into(), deelplan: format!("DP{i}"), toegekend: Bedrag::centen(*t), cofinanciering: Bedrag::NUL, woningen_gepland: *g,
            }).collect();
            let opgaven: Vec<Deelplanopgave> = delen.iter().enumerate().map(|(i, (_, _, b, c, o))| {
                let mut x = opgave(*b, *c, *o);
                x.deelplan = format!("DP{i}");
                x
            }).collect();
            let besloten = Bedrag::som(standen.iter().map(|s| s.toegekend)).unwrap();
            let betaald = besloten.maal_omlaag(Percentage::honderdsten(betaald_aandeel)).unwrap();
            let regel = if evenredig { Verlagingsregel::Evenredig } else { Verlagingsregel::Geen };
            let v = stel_vast(&standen, &opgaven, besloten, betaald, regel, &bron()).unwrap();
            prop_assert!(v.vastgesteld <= besloten);
            prop_assert!(v.terugvordering <= v.betaald);
            prop_assert!(v.terugvordering.in_centen() >= 0 && v.nabetaling.in_centen() >= 0);
            for d in &v.deelplannen {
                prop_assert!(d.vastgesteld <= d.toegekend && d.vastgesteld.in_centen() >= 0);
            }
            // Tot op de cent: betaald − terug + nabetaling = vastgesteld.
            prop_assert_eq!(betaald.minus(v.terugvordering).unwrap().plus(v.nabetaling).unwrap(), v.vastgesteld);
        }
    }
}
