//! Het resultaat van een verdeling als gegevens, zodat iedereen een verdeling met een script kan narekenen: wat
//! `vhf allocate --json` schrijft en wat de API bewaart en teruggeeft (`POST /rondes/{id}/verdelingen`,
//! `GET /verdelingen/{id}`). Eén vorm voor beide; de API zet er alleen haar eigen id's bij. Het JSON Schema is
//! `schema/verdeelresultaat.schema.json` (`vhf schema verdeelresultaat`), gemaakt uit deze typen; een test houdt
//! het actueel en legt de echte uitvoer ernaast.
//!
//! Elke gemeente staat er met haar CBS-code in een eigen veld (de naam ernaast, nooit alleen "Zaanstad
//! (GM0479)"). Per deelplan: de prioriteit zoals gebruikt (regel, gebied, voorrang, punten en waarom), de
//! rangscore, de rang, de uitkomst en het bedrag, als tekst in euro's én als geheel getal in centen.

use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Serialize;

use crate::codes::GemeenteCode;
use crate::geld::{Bedrag, Honderdsten};
use crate::referentie::{GebiedSoort, Referentie};
use crate::regeling::{ParameterNaam, Prioriteitsregel};
use crate::verdeling::{Analyse, Deelname, Kandidaat, Toekenning, Totalen, Uitkomst, Verdeelregels, Verdeling, Verschillen, WatAls};

/// Wat `vhf allocate --json` schrijft: één verdeling, of bij `--what-if` de verdeling volgens de ronde, de
/// variant en de verschillen.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(title = "Resultaat van een verdeling van het Volkshuisvestingsfonds (vhf allocate --json en de API)")]
pub enum Uitvoer {
    Verdeling(Box<Verdeelresultaat>),
    WatAls(Box<WatAlsResultaat>),
}

/// Een wat-als naast de verdeling volgens de ronde.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct WatAlsResultaat {
    /// De verdeling met de parameters van de ronde.
    pub basis: Verdeelresultaat,
    /// De verdeling met de andere waarden van de wat-als.
    pub variant: Verdeelresultaat,
    /// Per deelplan en per gemeente wat er verandert: `voor` en `na` zijn [uitkomst, bedrag, rang].
    pub verschillen: Verschillen,
}

/// Eén verdeling: met welke parameters, welke regels, per deelplan de uitkomst, per gemeente de uitkering.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Verdeelresultaat {
    /// Alleen in de API: het id van de bewaarde verdeling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub ronde: String,
    /// Alleen in de API: de versie van de beoordelingen van de commissie waarmee verdeeld is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beoordeling_versie: Option<i64>,
    /// Het moment waarvan de parameters gelden (standaard de besluitdatum van de ronde, 12:00 lokale tijd).
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub peilmoment: Timestamp,
    /// De gebruikte parameters van de ronde, elk met waarde, datum en bron.
    pub parameters: Vec<Parameter>,
    /// De andere waarden van een wat-als; null bij een verdeling volgens de ronde.
    pub wat_als: Option<WatAls>,
    /// Het budget waarmee gerekend is (bij een wat-als dat van de wat-als), inclusief btw.
    pub budget: Bedrag,
    /// De btw-reserve waarmee gerekend is; het plafond is budget min reserve.
    pub btw_reserve: Bedrag,
    /// Plafond, vulwijze en prioriteitsregel van deze verdeling.
    pub regels: Verdeelregels,
    /// Elk deelplan van de ronde, op rang (deelplannen zonder rang daarna).
    pub deelplannen: Vec<DeelplanUitslag>,
    /// Eén uitkering per gemeente (de penvoerder): de som van haar toegekende deelplannen.
    pub uitkeringen: Vec<Uitkering>,
    pub totalen: Totalen,
    /// De ingediende aanvragen die niet meedoen (nog niet ontvankelijk verklaard, niet ontvankelijk, …), met hun
    /// status en waarom; alleen in een verdeling van de server (een bestand heeft geen statussen).
    #[serde(default)]
    pub buiten_verdeling: Vec<BuitenVerdeling>,
    /// De uitkomsten van eerdere rondes waarmee de puntenregel rekende (uit de besloten verdelingen van het
    /// systeem en de gedateerde lijst van de ronde), elk met bron.
    #[serde(default)]
    pub voorgeschiedenis: Vec<crate::verdeling::EerdereUitkomst>,
    /// Alleen bij `GET /verdelingen/{id}`: wanneer over deze verdeling besloten is (null: nog niet).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub besloten_op: Option<Timestamp>,
    /// Alleen bij `GET /verdelingen/{id}`: wie de verdeling maakte.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub door: Option<String>,
}

/// Een gebruikte parameter van de ronde.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Parameter {
    pub naam: String,
    pub omschrijving: String,
    /// De waarde in woorden.
    pub waarde: String,
    /// De eerste dag waarop deze waarde geldt.
    #[schemars(with = "String", extend("format" = "date"))]
    pub vanaf: Date,
    /// De bron, met het label uit docs/regeling.md#bronnen.
    pub bron: String,
}

/// De uitkomst voor één deelplan, met alles wat de rang en het bedrag bepaalde.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct DeelplanUitslag {
    /// Alleen in de API: het id van de aanvraag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aanvraag: Option<String>,
    /// Het kenmerk van de aanvraag zoals de ronde haar kent (kozen twee gemeenten hetzelfde kenmerk, dan
    /// `GM0479/KENMERK`).
    pub kenmerk: String,
    /// Het id van het deelplan in de aanvraag.
    pub deelplan: String,
    pub naam: String,
    /// CBS-code van de gemeente die de uitkering ontvangt (de penvoerder van de aanvraag).
    pub penvoerder: GemeenteCode,
    pub penvoerder_naam: String,
    /// CBS-code van de gemeente waarin het deelgebied ligt.
    pub gemeente: GemeenteCode,
    pub gemeente_naam: String,
    /// Of het deelplan meedeed in de rangschikking, en anders waarom niet (regels of advies).
    pub deelname: Deelname,
    /// Totaalscore van de commissie (zonder punten); null als niet beoordeeld.
    pub score: Option<Honderdsten>,
    /// Voldoende volgens de drempels van de ronde (zonder punten).
    pub voldoende: bool,
    pub prioriteit: PrioriteitUitslag,
    /// De score waarop gerangschikt is: score plus prioriteitspunten. Null als het deelplan niet meedeed.
    pub rangscore: Option<Honderdsten>,
    /// Plaats op de ranglijst (1 = hoogst). Null als het deelplan niet meedeed.
    pub rang: Option<usize>,
    /// Plaats op de reservelijst (positief, niet gehonoreerd wegens budget).
    pub reserve: Option<usize>,
    pub uitkomst: Uitkomst,
    /// Gevraagde Rijksbijdrage (fysiek plus projectkosten).
    pub gevraagd: Bedrag,
    pub gevraagd_centen: i64,
    /// Het kleinste bedrag waarmee het deelplan volgens de aanvrager uitvoerbaar is (voor een gedeeltelijke
    /// toekenning); zonder opgave het gevraagde bedrag.
    pub minimum_werkbaar: Bedrag,
    /// Toegekend bedrag (0.00 als niets).
    pub toegekend: Bedrag,
    pub toegekend_centen: i64,
    /// Restant van het plafond vlak vóór dit deelplan aan de beurt was.
    pub restant_voor: Option<Bedrag>,
    /// Rijksbijdrage per woning (de derde sleutel van de rangschikking).
    pub bijdrage_per_woning: Option<Bedrag>,
    /// Moment van indienen (de vierde sleutel); null bij een niet ingediende aanvraag.
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub ingediend_op: Option<Timestamp>,
    /// De uitleg van rang en bedrag in het Nederlands, met de getallen.
    pub uitleg: String,
}

/// Hoe de prioriteit van de ronde bij dit deelplan gebruikt is.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PrioriteitUitslag {
    /// De prioriteitsregel van deze verdeling.
    pub regel: Prioriteitssoort,
    /// Het prioriteitsgebied waarin het deelgebied ligt; null als het er niet in ligt.
    pub gebied: Option<Gebied>,
    /// Of het deelplan bij de rangschikking voorging (regel voorrang, in een prioriteitsgebied, meedoend).
    pub voorrang: bool,
    /// Gegeven prioriteitspunten (puntenregel); 0.00 als er geen zijn.
    pub punten: Honderdsten,
    /// Bij de puntenregel, voor een deelplan in de rangschikking: waarom wel of geen punten, voorwaarde voor
    /// voorwaarde, met de bronnen (Bijlage 2 van de Meerjarige regeling zoals de ronde haar kent).
    pub punten_reden: Option<String>,
    /// Het eerdere deelplan van de gemeente dat voldoende was maar geen geld kreeg, waarop de punten steunen.
    pub eerdere_aanvraag: Option<crate::verdeling::EerdereAanvraag>,
    /// De eerdere toekenning aan de gemeente, als die er was (die sluit de punten uit).
    pub eerdere_toekenning: Option<crate::verdeling::EerdereAanvraag>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Prioriteitssoort {
    Geen,
    Voorrang,
    Punten,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Gebied {
    pub naam: String,
    pub soort: GebiedSoort,
}

/// Een ingediende aanvraag die niet in de verdeling komt, met haar status en waarom (in het Nederlands).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct BuitenVerdeling {
    pub aanvraag: String,
    pub kenmerk: String,
    pub status: crate::levensloop::Status,
    pub reden: String,
}

/// De uitkering aan één gemeente.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Uitkering {
    /// CBS-code van de gemeente (penvoerder).
    pub gemeente: GemeenteCode,
    pub naam: String,
    pub bedrag: Bedrag,
    pub bedrag_centen: i64,
    /// Aantal (ook gedeeltelijk) toegekende deelplannen in deze uitkering.
    pub deelplannen: usize,
}

/// De parameters die een verdeling noemt.
const PARAMETERS: [ParameterNaam; 6] = [
    ParameterNaam::budget,
    ParameterNaam::btw_reserve,
    ParameterNaam::prioriteitsregel,
    ParameterNaam::vulwijze,
    ParameterNaam::beoordelingskader,
    ParameterNaam::besluitdatum,
];

/// Het resultaat van verdeling `v` van de kandidaten in `a` (bij een wat-als: `wat_als` en de analyse met het
/// kader van de wat-als).
pub fn van(a: &Analyse<'_>, v: &Verdeling, wat_als: Option<&WatAls>, peilmoment: Timestamp) -> Verdeelresultaat {
    let p = &a.parameters;
    let (budget, btw_reserve) = wat_als.map_or((*p.budget.waarde, *p.btw_reserve.waarde), |w| w.budget_en_reserve(p));
    let parameters = PARAMETERS
        .iter()
        .map(|n| {
            let g = p.gebruikt(*n);
            Parameter { naam: g.naam.into(), omschrijving: g.omschrijving.into(), waarde: g.waarde, vanaf: g.vanaf, bron: g.bron.into() }
        })
        .collect();
    let mut deelplannen: Vec<DeelplanUitslag> = a
        .kandidaten
        .iter()
        .zip(&v.toekenningen)
        .enumerate()
        .map(|(i, (k, t))| deelplan(k, t, &v.regels, v.uitleg(&a.kandidaten, i), v.punten(&a.kandidaten, i)))
        .collect();
    deelplannen
        .sort_by(|x, y| (x.rang.is_none(), x.rang, x.uitkomst, &x.kenmerk, &x.deelplan).cmp(&(y.rang.is_none(), y.rang, y.uitkomst, &y.kenmerk, &y.deelplan)));
    let uitkeringen = v
        .uitkeringen
        .iter()
        .map(|(g, b)| Uitkering {
            gemeente: *g,
            naam: Referentie::ingebouwd().gemeentenaam(*g),
            bedrag: *b,
            bedrag_centen: b.in_centen(),
            deelplannen: a.kandidaten.iter().zip(&v.toekenningen).filter(|(k, t)| k.penvoerder == *g && t.bedrag.is_positief()).count(),
        })
        .collect();
    Verdeelresultaat {
        id: None,
        ronde: a.ronde.id.clone(),
        beoordeling_versie: None,
        peilmoment,
        parameters,
        wat_als: wat_als.cloned(),
        budget,
        btw_reserve,
        regels: v.regels.clone(),
        deelplannen,
        uitkeringen,
        totalen: v.totalen.clone(),
        buiten_verdeling: Vec::new(),
        voorgeschiedenis: Vec::new(),
        besloten_op: None,
        door: None,
    }
}

fn deelplan(k: &Kandidaat, t: &Toekenning, regels: &Verdeelregels, uitleg: String, punten: Option<crate::verdeling::Punten>) -> DeelplanUitslag {
    let naam = |g: GemeenteCode| Referentie::ingebouwd().gemeentenaam(g);
    let soort = match regels.prioriteitsregel {
        Prioriteitsregel::Geen => Prioriteitssoort::Geen,
        Prioriteitsregel::Voorrang => Prioriteitssoort::Voorrang,
        Prioriteitsregel::Punten { .. } => Prioriteitssoort::Punten,
    };
    let gerangschikt = t.rang.is_some();
    DeelplanUitslag {
        aanvraag: None,
        kenmerk: k.deelplan.aanvraag.clone(),
        deelplan: k.deelplan.deelplan.clone(),
        naam: k.naam.clone(),
        penvoerder: k.penvoerder,
        penvoerder_naam: naam(k.penvoerder),
        gemeente: k.gemeente,
        gemeente_naam: naam(k.gemeente),
        deelname: k.deelname.clone(),
        score: k.score,
        voldoende: k.voldoende,
        prioriteit: PrioriteitUitslag {
            regel: soort,
            gebied: k.prioriteitsgebied.as_ref().map(|(naam, soort)| Gebied { naam: naam.clone(), soort: *soort }),
            voorrang: soort == Prioriteitssoort::Voorrang && gerangschikt && k.prioriteitsgebied.is_some(),
            punten: t.punten.unwrap_or(Honderdsten(0)),
            punten_reden: punten.as_ref().map(|p| p.reden.clone()),
            eerdere_aanvraag: punten.as_ref().and_then(|p| p.eerdere_aanvraag.clone()),
            eerdere_toekenning: punten.and_then(|p| p.eerdere_toekenning),
        },
        rangscore: t.rangscore,
        rang: t.rang,
        reserve: t.reserve,
        uitkomst: t.uitkomst,
        gevraagd: k.gevraagd,
        gevraagd_centen: k.gevraagd.in_centen(),
        minimum_werkbaar: k.minimum_werkbaar.min(k.gevraagd),
        toegekend: t.bedrag,
        toegekend_centen: t.bedrag.in_centen(),
        restant_voor: t.restant_voor,
        bijdrage_per_woning: k.bijdrage_per_woning,
        ingediend_op: (k.ingediend_op != Timestamp::MAX).then_some(k.ingediend_op),
        uitleg,
    }
}

/// De uitkeringen uit een bewaard resultaat als (CBS-code, bedrag in euro's): de lijst van nu, of de map van
/// CBS-code naar bedrag waarin verdelingen van vóór deze vorm bewaard zijn.
pub fn uitkeringen_uit(resultaat: &serde_json::Value) -> Vec<(String, String)> {
    match &resultaat["uitkeringen"] {
        serde_json::Value::Array(v) => {
            v.iter().filter_map(|u| Some((u["gemeente"].as_str()?.to_string(), u["bedrag"].as_str().unwrap_or("0.00").to_string()))).collect()
        }
        serde_json::Value::Object(m) => m.iter().map(|(g, b)| (g.clone(), b.as_str().unwrap_or("0.00").to_string())).collect(),
        _ => Vec::new(),
    }
}

/// Het JSON Schema van [`Uitvoer`] (`schema/verdeelresultaat.schema.json`).
pub fn schema() -> schemars::Schema {
    schemars::schema_for!(Uitvoer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uitkeringen_uit_de_lijst_en_uit_de_oude_map() {
        let nieuw =
            serde_json::json!({ "uitkeringen": [{ "gemeente": "GM0479", "naam": "Zaanstad", "bedrag": "10.00", "bedrag_centen": 1000, "deelplannen": 1 }] });
        let oud = serde_json::json!({ "uitkeringen": { "GM0479": "10.00" } });
        assert_eq!(uitkeringen_uit(&nieuw), vec![("GM0479".to_string(), "10.00".to_string())]);
        assert_eq!(uitkeringen_uit(&oud), uitkeringen_uit(&nieuw));
        assert!(uitkeringen_uit(&serde_json::json!({})).is_empty());
    }
}
