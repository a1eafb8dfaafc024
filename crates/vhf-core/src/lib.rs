//! # vhf-core — de regeling van het Volkshuisvestingsfonds als code
//!
//! Zuiver: geen IO, geen klok, geen async, geen database. Het moment van toetsen is een argument.
//! Invoer: een aanvraag, de parameters van een ronde op een datum. Uitvoer: kengetallen en bevindingen, elk
//! met uitleg, regel en bron.
//!
//! | waar | wat |
//! | --- | --- |
//! | [`geld`] | bedragen in centen, percentages, gecontroleerd rekenen |
//! | [`codes`] | gemeentecode, PC4, energielabel |
//! | [`referentie`] | gemeenten 2021 en prioriteitsgebieden (uit `data/`) |
//! | [`regeling`] | rondes en hun gedateerde parameters met bron (uit `data/rondes/`) |
//! | [`aanvraag`] | het model en bestandsformaat van een aanvraag |
//! | [`invoer`] | een aanvraag inlezen met fouten die regel en veld noemen |
//! | [`indicatoren`] | tekort, maximale bijdrage, cofinancieringsgat, woningen, labelstappen |
//! | [`toetsing`] | de regels E01–E16, één module per groep |
//! | [`verdeling`] | rangschikking en verdeling van het budget, wat-als |
//! | [`uitslag`] | het resultaat van een verdeling als gegevens (JSON met schema), voor CLI en API |
//! | [`uitvoering`] | na het besluit: betaalschema, SiSa-controles, wijzigingen, vaststelling en terugvordering |
//! | [`ondersteuning`] | onafhankelijke ondersteuning in de prioriteitsgebieden: wie mag vragen, belangen, urenbudget |

pub mod aanvraag;
pub mod beoordeling;
pub mod codes;
pub mod demo;
pub mod geld;
pub mod gevoeligheid;
pub mod indicatoren;
pub mod invoer;
pub mod levensloop;
pub mod melding;
pub mod ondersteuning;
mod reeks;
pub mod referentie;
pub mod regeling;
pub mod toetsing;
pub mod uitslag;
pub mod uitvoering;
pub mod verdeling;

/// Het JSON Schema van het aanvraagbestand, gemaakt uit de typen.
pub fn aanvraag_schema() -> schemars::Schema {
    schemars::schema_for!(aanvraag::Aanvraag)
}
