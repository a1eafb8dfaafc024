//! Rekenbladen: elke werklijst of overzicht als XLSX en CSV, en het aanvraagsjabloon heen en terug.
//!
//! Een [`Tabel`] is een lijst rijen met getypeerde cellen: tekst, een heel getal, een bedrag in centen of een
//! datum. In XLSX wordt een bedrag een echt getal met euro-opmaak (`€ #.##0,00` in een Nederlandse Excel), een
//! datum een echte datum, de kopregel blijft staan bij scrollen en heeft een filter; een bronvermelding (zoals
//! "Kadaster / CBS") staat onder de tabel. In CSV staan bedragen als `1234.56` (punt, twee decimalen: leesbaar
//! voor een script zonder landinstelling), datums als `JJJJ-MM-DD`.
//!
//! Het aanvraagsjabloon (`aanvraag.rs`) is de weg voor gemeenten die hun begroting in Excel maken: het
//! sjabloon uitschrijven, en een ingevuld blad weer lezen tot precies dezelfde aanvraag als het JSON-bestand —
//! met een fout die blad, cel en veld noemt.

pub mod aanvraag;
pub mod sisa;

use jiff::civil::Date;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

/// Het MIME-type van een XLSX-bestand.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Eén cel.
#[derive(Clone, Debug, PartialEq)]
pub enum Cel {
    Tekst(String),
    Geheel(i64),
    /// Een bedrag in centen.
    Euro(i64),
    Datum(Date),
    Leeg,
}

impl From<&str> for Cel {
    fn from(s: &str) -> Cel {
        Cel::Tekst(s.to_string())
    }
}

impl From<String> for Cel {
    fn from(s: String) -> Cel {
        Cel::Tekst(s)
    }
}

impl<T: Into<Cel>> From<Option<T>> for Cel {
    fn from(v: Option<T>) -> Cel {
        v.map_or(Cel::Leeg, Into::into)
    }
}

/// Een tabel: de naam van het blad, de kolomkoppen, de rijen en wat eronder staat (bron, peildatum).
#[derive(Clone, Debug)]
pub struct Tabel {
    /// De naam van het blad (hoogstens 31 tekens, zonder `[]:*?/\`).
    pub blad: String,
    pub titel: String,
    pub kolommen: Vec<String>,
    pub rijen: Vec<Vec<Cel>>,
    /// Regels onder de tabel, zoals de bron van de gegevens.
    pub onderschrift: Vec<String>,
}

impl Tabel {
    pub fn nieuw(blad: &str, titel: impl Into<String>, kolommen: &[&str]) -> Tabel {
        Tabel { blad: blad.into(), titel: titel.into(), kolommen: kolommen.iter().map(|k| k.to_string()).collect(), rijen: vec![], onderschrift: vec![] }
    }

    pub fn rij(&mut self, cellen: Vec<Cel>) {
        debug_assert_eq!(cellen.len(), self.kolommen.len(), "rij van {} past niet in {} kolommen", cellen.len(), self.kolommen.len());
        self.rijen.push(cellen);
    }

    /// De tabel als CSV (RFC 4180, UTF-8, komma's), met de kopregel; het onderschrift staat er niet in, zodat
    /// een script elke regel als rij kan lezen.
    pub fn naar_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.kolommen).expect("CSV in geheugen");
        for r in &self.rijen {
            w.write_record(r.iter().map(csv_tekst)).expect("CSV in geheugen");
        }
        String::from_utf8(w.into_inner().expect("CSV in geheugen")).expect("UTF-8")
    }
}

fn csv_tekst(c: &Cel) -> String {
    match c {
        Cel::Tekst(s) => s.clone(),
        Cel::Geheel(n) => n.to_string(),
        Cel::Euro(c) => machinebedrag(*c),
        Cel::Datum(d) => d.to_string(),
        Cel::Leeg => String::new(),
    }
}

/// Een bedrag zoals de JSON en de CSV het schrijven: euro's met een punt en twee decimalen, `-0.05`.
pub fn machinebedrag(centen: i64) -> String {
    let abs = centen.unsigned_abs();
    format!("{}{}.{:02}", if centen < 0 { "-" } else { "" }, abs / 100, abs % 100)
}

/// De opmaak van een rekenblad: kop, bedrag, datum.
pub struct Opmaak {
    pub kop: Format,
    pub titel: Format,
    pub euro: Format,
    pub datum: Format,
    pub geheel: Format,
    pub tekst: Format,
    pub klein: Format,
}

impl Opmaak {
    pub fn nieuw() -> Opmaak {
        Opmaak {
            kop: Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top).set_background_color("#DCE3EA"),
            titel: Format::new().set_bold().set_font_size(13),
            // Excel toont dit volgens de landinstelling: € 1.234,56 in een Nederlandse Excel.
            euro: Format::new().set_num_format("[$€-413] #,##0.00;[$€-413] -#,##0.00"),
            datum: Format::new().set_num_format("dd-mm-yyyy"),
            geheel: Format::new().set_num_format("0"),
            tekst: Format::new().set_num_format("@"),
            klein: Format::new().set_italic().set_font_color("#555555"),
        }
    }
}

/// Een bedrag in centen als getal in euro's voor een cel. Exact zolang het onder 2^53 centen blijft (ruim
/// 90 biljoen euro); daarboven weigeren we liever dan af te ronden.
pub fn euro_getal(centen: i64) -> Result<f64, XlsxError> {
    if centen.unsigned_abs() >= 1 << 53 {
        return Err(XlsxError::ParameterError(format!("bedrag van {centen} cent past niet exact in een cel")));
    }
    Ok(centen as f64 / 100.0)
}

pub fn excel_datum(d: Date) -> Result<ExcelDateTime, XlsxError> {
    let jaar = u16::try_from(d.year()).map_err(|_| XlsxError::ParameterError(format!("datum {d} past niet in Excel")))?;
    ExcelDateTime::from_ymd(jaar, d.month() as u8, d.day() as u8)
}

/// Schrijft de tabellen als bladen van één werkmap.
pub fn naar_xlsx(tabellen: &[Tabel]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let titel = tabellen.first().map(|t| t.titel.clone()).unwrap_or_default();
    wb.set_properties(&DocProperties::new().set_title(&titel).set_author("Volkshuisvestingsfonds (vhf)").set_company("Volkshuisvestingsfonds"));
    let o = Opmaak::nieuw();
    for t in tabellen {
        let ws = wb.add_worksheet();
        ws.set_name(&t.blad)?;
        // Regel 1: de titel; regel 2: de kopregel (bevroren, met filter); daarna de rijen.
        ws.write_string_with_format(0, 0, &t.titel, &o.titel)?;
        for (k, kop) in t.kolommen.iter().enumerate() {
            let k = u16::try_from(k).map_err(|_| XlsxError::ParameterError("te veel kolommen".into()))?;
            ws.write_string_with_format(1, k, kop, &o.kop)?;
            let breedte = t.rijen.iter().map(|r| breedte(&r[usize::from(k)])).max().unwrap_or(0).max(kop.chars().count().min(24)).clamp(8, 60);
            ws.set_column_width(k, breedte as f64 + 2.0)?;
        }
        for (i, r) in t.rijen.iter().enumerate() {
            let rij = u32::try_from(i + 2).map_err(|_| XlsxError::ParameterError("te veel rijen".into()))?;
            for (k, c) in r.iter().enumerate() {
                let k = k as u16;
                match c {
                    Cel::Tekst(s) => {
                        ws.write_string(rij, k, s)?;
                    }
                    Cel::Geheel(n) => {
                        ws.write_number_with_format(rij, k, *n as f64, &o.geheel)?;
                    }
                    Cel::Euro(c) => {
                        ws.write_number_with_format(rij, k, euro_getal(*c)?, &o.euro)?;
                    }
                    Cel::Datum(d) => {
                        ws.write_datetime_with_format(rij, k, excel_datum(*d)?, &o.datum)?;
                    }
                    Cel::Leeg => {}
                }
            }
        }
        ws.set_freeze_panes(2, 0)?;
        if !t.kolommen.is_empty() {
            let laatste = u32::try_from(t.rijen.len() + 1).unwrap_or(u32::MAX);
            ws.autofilter(1, 0, laatste, (t.kolommen.len() - 1) as u16)?;
        }
        for (n, regel) in t.onderschrift.iter().enumerate() {
            let rij = u32::try_from(t.rijen.len() + 3 + n).unwrap_or(u32::MAX);
            ws.write_string_with_format(rij, 0, regel, &o.klein)?;
        }
    }
    wb.save_to_buffer()
}

fn breedte(c: &Cel) -> usize {
    match c {
        Cel::Tekst(s) => s.chars().count(),
        Cel::Geheel(n) => n.to_string().len(),
        Cel::Euro(c) => vhf_core::geld::Bedrag::centen(*c).to_string().chars().count(),
        Cel::Datum(_) => 10,
        Cel::Leeg => 0,
    }
}

/// De naam van een cel zoals een rekenblad hem toont: kolom 0, regel 0 is `A1`.
pub fn celnaam(rij: u32, kolom: u32) -> String {
    let mut k = kolom + 1;
    let mut letters = Vec::new();
    while k > 0 {
        let r = (k - 1) % 26;
        letters.push(b'A' + r as u8);
        k = (k - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8(letters).expect("ASCII"), rij + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn celnamen() {
        assert_eq!(celnaam(0, 0), "A1");
        assert_eq!(celnaam(4, 7), "H5");
        assert_eq!(celnaam(9, 25), "Z10");
        assert_eq!(celnaam(0, 26), "AA1");
        assert_eq!(celnaam(0, 701), "ZZ1");
        assert_eq!(celnaam(0, 702), "AAA1");
    }

    #[test]
    fn csv_met_bedragen_in_euro_en_datums() {
        let mut t = Tabel::nieuw("Blad", "Titel", &["naam", "bedrag", "datum", "aantal"]);
        t.rij(vec!["Zaanstad, \"oost\"".into(), Cel::Euro(123_456), Cel::Datum(jiff::civil::date(2021, 10, 1)), Cel::Geheel(-3)]);
        t.rij(vec![Cel::Leeg, Cel::Euro(-5), Cel::Leeg, Cel::Geheel(0)]);
        assert_eq!(t.naar_csv(), "naam,bedrag,datum,aantal\n\"Zaanstad, \"\"oost\"\"\",1234.56,2021-10-01,-3\n,-0.05,,0\n");
    }
}
