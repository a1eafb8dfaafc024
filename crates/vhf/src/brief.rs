//! De brief bij een besluit: de tekst uit een sjabloon per ronde (`data/brieven/<ronde>.toml`, te bewerken door
//! beleidsmedewerkers zonder nieuwe versie van het programma), de getallen uit het besluit zelf, en de PDF.
//!
//! - Het sjabloon levert alleen woorden, met plaatshouders als `{gemeentenaam}` en `{bezwaar_tot}`; elk bedrag,
//!   de lijst van deelplannen en de grondslag vult het programma in uit het besluit en de rondegegevens. Een
//!   onbekende plaatshouder is een fout (getest voor elk meegeleverd sjabloon).
//! - Een sjabloon in de map van `VHF_BRIEVEN` (of `--brieven`) gaat voor het ingebouwde.
//! - Bij het ondertekenen wordt de ingevulde tekst ([`Brief`]) bij het besluit bewaard: een latere wijziging van
//!   het sjabloon verandert een ondertekende brief nooit.
//! - De PDF is PDF/A-2a (archief, getagd voor toegankelijkheid: kop, alinea's, lijst en tabel met kopcellen),
//!   met DejaVu Sans ingebed (`crates/vhf/fonts/`, vrije licentie) en taal `nl-NL`.

use std::collections::BTreeMap;
use std::num::NonZeroU16;

use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::tagging::{ContentTag, Identifier, ListNumbering, SpanTag, TableHeaderScope, Tag, TagGroup, TagKind, TagTree};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use serde::{Deserialize, Serialize};

const REGULIER: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const VET: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// De ingebouwde sjablonen (de versie bij de release); een map op schijf kan ze vervangen.
const INGEBOUWD: &[(&str, &str)] = &[
    ("vhf-2021", include_str!("../../../data/brieven/vhf-2021.toml")),
    ("vhf-2023", include_str!("../../../data/brieven/vhf-2023.toml")),
    ("vhf-2024", include_str!("../../../data/brieven/vhf-2024.toml")),
];

/// Tekst per soort besluit.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Soorttekst {
    pub onderwerp: String,
    pub inleiding: String,
}

/// Het sjabloon van de brief van één ronde: alleen woorden, met plaatshouders.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sjabloon {
    pub afzender: Vec<String>,
    pub aanhef: String,
    pub toekenning: Soorttekst,
    pub gedeeltelijke_toekenning: Soorttekst,
    pub afwijzing: Soorttekst,
    pub kop_deelplannen: String,
    pub kop_redenen: String,
    pub kop_grondslag: String,
    pub grondslag: String,
    pub kop_verplichtingen: String,
    pub verplichtingen: Vec<String>,
    pub kop_bezwaar: String,
    pub bezwaar: String,
    pub slot: String,
    pub ondertekening: Vec<String>,
}

/// Een fout in een sjabloon: welk bestand en wat.
#[derive(Debug, thiserror::Error)]
#[error("sjabloon {bron}: {wat}")]
pub struct SjabloonFout {
    pub bron: String,
    pub wat: String,
}

/// De plaatshouders die een sjabloon mag gebruiken.
pub const PLAATSHOUDERS: &[&str] = &[
    "gemeente",
    "gemeentenaam",
    "ronde",
    "ronde_naam",
    "regeling",
    "grondslag",
    "datum",
    "verzenddatum",
    "ingangsdatum",
    "bezwaar_tot",
    "totaal",
    "identificatie",
    "betaling",
];

impl Sjabloon {
    /// Leest een sjabloon en controleert dat elke plaatshouder bekend is.
    pub fn lees(bron: &str, tekst: &str) -> Result<Sjabloon, SjabloonFout> {
        let s: Sjabloon = toml::from_str(tekst).map_err(|e| SjabloonFout { bron: bron.into(), wat: e.to_string() })?;
        let mut teksten: Vec<&str> = vec![&s.aanhef, &s.kop_deelplannen, &s.kop_redenen, &s.kop_grondslag, &s.grondslag, &s.kop_verplichtingen];
        teksten.extend([&s.kop_bezwaar, &s.bezwaar, &s.slot].map(String::as_str));
        for t in [&s.toekenning, &s.gedeeltelijke_toekenning, &s.afwijzing] {
            teksten.extend([t.onderwerp.as_str(), t.inleiding.as_str()]);
        }
        teksten.extend(s.afzender.iter().chain(&s.verplichtingen).chain(&s.ondertekening).map(String::as_str));
        for t in teksten {
            let mut rest = t;
            while let Some(i) = rest.find('{') {
                let Some(j) = rest[i..].find('}') else {
                    return Err(SjabloonFout { bron: bron.into(), wat: format!("een '{{' zonder '}}' in \"{t}\"") });
                };
                let naam = &rest[i + 1..i + j];
                if !PLAATSHOUDERS.contains(&naam) {
                    return Err(SjabloonFout { bron: bron.into(), wat: format!("onbekende plaatshouder {{{naam}}} (bekend: {})", PLAATSHOUDERS.join(", ")) });
                }
                rest = &rest[i + j + 1..];
            }
        }
        Ok(s)
    }

    /// Het sjabloon van een ronde: uit `map/<ronde>.toml` als die bestaat, anders het ingebouwde.
    pub fn van_ronde(ronde: &str, map: Option<&std::path::Path>) -> Result<Sjabloon, SjabloonFout> {
        if let Some(m) = map {
            let pad = m.join(format!("{ronde}.toml"));
            if pad.exists() {
                let tekst = std::fs::read_to_string(&pad).map_err(|e| SjabloonFout { bron: pad.display().to_string(), wat: e.to_string() })?;
                return Sjabloon::lees(&pad.display().to_string(), &tekst);
            }
        }
        let (_, tekst) =
            INGEBOUWD.iter().find(|(r, _)| *r == ronde).ok_or_else(|| SjabloonFout { bron: ronde.into(), wat: "geen sjabloon voor deze ronde".into() })?;
        Sjabloon::lees(&format!("data/brieven/{ronde}.toml"), tekst)
    }

    /// De map met sjablonen uit de omgeving (`VHF_BRIEVEN`), als die gezet is.
    pub fn map_uit_omgeving() -> Option<std::path::PathBuf> {
        std::env::var_os("VHF_BRIEVEN").filter(|v| !v.is_empty()).map(std::path::PathBuf::from)
    }
}

/// Vult de plaatshouders in (alleen bekende; [`Sjabloon::lees`] heeft ze al gecontroleerd).
pub fn vul_in(tekst: &str, waarden: &BTreeMap<&str, String>) -> String {
    let mut uit = String::with_capacity(tekst.len() + 32);
    let mut rest = tekst;
    while let Some(i) = rest.find('{') {
        uit.push_str(&rest[..i]);
        match rest[i..].find('}') {
            Some(j) => {
                let naam = &rest[i + 1..i + j];
                match waarden.get(naam) {
                    Some(w) => uit.push_str(w),
                    None => uit.push_str(&rest[i..i + j + 1]),
                }
                rest = &rest[i + j + 1..];
            }
            None => {
                uit.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    uit.push_str(rest);
    uit
}

/// Een blok van de brief.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Blok {
    Kop(String),
    Alinea(String),
    Lijst(Vec<String>),
    /// Een tabel: kopcellen en rijen; `rechts` zegt welke kolommen rechts uitlijnen (bedragen).
    Tabel {
        kop: Vec<String>,
        rijen: Vec<Vec<String>>,
        rechts: Vec<bool>,
    },
}

/// De ingevulde brief: wat er op papier staat. Bij het ondertekenen bewaard, zodat de PDF later precies
/// dezelfde woorden en getallen heeft.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Brief {
    pub titel: String,
    /// Bovenaan, links: de afzender en het kenmerk.
    pub briefhoofd: Vec<String>,
    pub blokken: Vec<Blok>,
    /// Bovenaan elke pagina (bijvoorbeeld "CONCEPT – niet ondertekend"); leeg voor een ondertekende brief.
    pub merk: String,
    /// De datum in de metadata van de PDF (de datum van het besluit; voor een concept de dag van maken).
    pub datum: jiff::civil::Date,
    pub identificatie: String,
}

// ------------------------------------------------------------------------------------------------------------
// De PDF.

const A4_B: f32 = 595.28;
const A4_H: f32 = 841.89;
const MARGE: f32 = 64.0;
const KORPS: f32 = 10.0;
const REGEL: f32 = 14.0;

struct Lettertypen {
    regulier: Font,
    vet: Font,
    maat_r: skrifa::FontRef<'static>,
    maat_v: skrifa::FontRef<'static>,
}

impl Lettertypen {
    fn nieuw() -> Lettertypen {
        Lettertypen {
            regulier: Font::new(REGULIER.into(), 0).expect("DejaVu Sans is een geldig lettertype"),
            vet: Font::new(VET.into(), 0).expect("DejaVu Sans Bold is een geldig lettertype"),
            maat_r: skrifa::FontRef::new(REGULIER).expect("lettertype"),
            maat_v: skrifa::FontRef::new(VET).expect("lettertype"),
        }
    }

    /// De breedte van een tekst in punten.
    fn breedte(&self, tekst: &str, maat: f32, vet: bool) -> f32 {
        use skrifa::MetadataProvider;
        let f = if vet { &self.maat_v } else { &self.maat_r };
        let cmap = f.charmap();
        let m = f.glyph_metrics(skrifa::instance::Size::new(maat), skrifa::instance::LocationRef::default());
        tekst.chars().map(|c| cmap.map(c).and_then(|g| m.advance_width(g)).unwrap_or(maat * 0.6)).sum()
    }

    /// Breekt een tekst af op woordgrenzen tot regels van hoogstens `breedte` punten.
    fn regels(&self, tekst: &str, maat: f32, vet: bool, breedte: f32) -> Vec<String> {
        let mut uit = Vec::new();
        let mut regel = String::new();
        for woord in tekst.split_whitespace() {
            let kandidaat = if regel.is_empty() { woord.to_string() } else { format!("{regel} {woord}") };
            if !regel.is_empty() && self.breedte(&kandidaat, maat, vet) > breedte {
                uit.push(std::mem::take(&mut regel));
                regel = woord.to_string();
            } else {
                regel = kandidaat;
            }
        }
        if !regel.is_empty() {
            uit.push(regel);
        }
        uit
    }
}

/// Wat er op één pagina getekend wordt, voordat de pagina wordt geschreven.
enum Teken {
    Tekst { x: f32, y: f32, tekst: String, maat: f32, vet: bool, doel: Option<usize> },
    Lijn { x1: f32, x2: f32, y: f32 },
}

/// De opmaak in twee stappen: eerst alles op pagina's plaatsen (met per stuk tekst het knooppunt in de tagboom
/// waar het bij hoort), dan de pagina's tekenen en de identifiers in de boom hangen.
struct Opmaak<'a> {
    lt: &'a Lettertypen,
    paginas: Vec<Vec<Teken>>,
    y: f32,
    /// De knooppunten van de tagboom: (soort, ouder), in volgorde; de identifiers komen er later in.
    knopen: Vec<(TagKind, Option<usize>)>,
}

impl<'a> Opmaak<'a> {
    fn nieuw(lt: &'a Lettertypen) -> Self {
        Opmaak { lt, paginas: vec![Vec::new()], y: MARGE, knopen: Vec::new() }
    }

    fn knoop(&mut self, soort: impl Into<TagKind>, ouder: Option<usize>) -> usize {
        self.knopen.push((soort.into(), ouder));
        self.knopen.len() - 1
    }

    fn ruimte(&mut self, hoogte: f32) {
        if self.y + hoogte > A4_H - MARGE {
            self.paginas.push(Vec::new());
            self.y = MARGE;
        }
    }

    fn tekst(&mut self, x: f32, tekst: &str, maat: f32, vet: bool, doel: usize) {
        self.paginas.last_mut().expect("pagina").push(Teken::Tekst { x, y: self.y, tekst: tekst.to_string(), maat, vet, doel: Some(doel) });
    }

    fn alinea(&mut self, tekst: &str, maat: f32, vet: bool, doel: usize, inspringen: f32) {
        for r in self.lt.regels(tekst, maat, vet, A4_B - 2.0 * MARGE - inspringen) {
            self.ruimte(REGEL);
            self.y += REGEL;
            self.tekst(MARGE + inspringen, &r, maat, vet, doel);
        }
    }
}

/// Maakt de PDF/A-2a van een brief.
pub fn pdf(brief: &Brief) -> Result<Vec<u8>, String> {
    let lt = Lettertypen::nieuw();
    let mut o = Opmaak::nieuw(&lt);
    let breedte = A4_B - 2.0 * MARGE;
    for r in &brief.briefhoofd {
        let k = o.knoop(Tag::P, None);
        o.alinea(r, 9.0, false, k, 0.0);
    }
    o.y += REGEL;
    let k = o.knoop(Tag::Hn(NonZeroU16::MIN, Some(brief.titel.clone())), None);
    for r in lt.regels(&brief.titel, 14.0, true, breedte) {
        o.ruimte(20.0);
        o.y += 20.0;
        o.tekst(MARGE, &r, 14.0, true, k);
    }
    for b in &brief.blokken {
        match b {
            Blok::Kop(t) => {
                o.ruimte(3.0 * REGEL);
                o.y += REGEL * 0.6;
                let k = o.knoop(Tag::Hn(NonZeroU16::new(2).expect("2"), Some(t.clone())), None);
                o.alinea(t, 11.0, true, k, 0.0);
            }
            Blok::Alinea(t) => {
                o.y += REGEL * 0.4;
                let k = o.knoop(Tag::P, None);
                o.alinea(t, KORPS, false, k, 0.0);
            }
            Blok::Lijst(punten) => {
                o.y += REGEL * 0.4;
                let lijst = o.knoop(Tag::L(ListNumbering::Disc), None);
                for p in punten {
                    let li = o.knoop(Tag::LI, Some(lijst));
                    let lbl = o.knoop(Tag::Lbl, Some(li));
                    let body = o.knoop(Tag::LBody, Some(li));
                    o.ruimte(REGEL);
                    let y0 = o.y;
                    o.paginas.last_mut().expect("pagina").push(Teken::Tekst {
                        x: MARGE,
                        y: y0 + REGEL,
                        tekst: "•".into(),
                        maat: KORPS,
                        vet: false,
                        doel: Some(lbl),
                    });
                    o.alinea(p, KORPS, false, body, 14.0);
                }
            }
            Blok::Tabel { kop, rijen, rechts } => {
                o.y += REGEL * 0.4;
                let n = kop.len().max(1);
                // Kolombreedtes: de eerste kolom (omschrijving) krijgt wat de bedragen overlaten.
                let mut breedtes = vec![0f32; n];
                for (i, b) in breedtes.iter_mut().enumerate() {
                    let mut m = lt.breedte(&kop[i], 8.5, true);
                    for r in rijen {
                        m = m.max(lt.breedte(r.get(i).map_or("", String::as_str), 8.5, false));
                    }
                    *b = m + 10.0;
                }
                let rest: f32 = breedtes[1..].iter().sum();
                breedtes[0] = (breedte - rest).max(80.0);
                let tabel = o.knoop(Tag::Table, None);
                let regel = |o: &mut Opmaak, cellen: &[String], vet: bool| {
                    let tr = o.knoop(Tag::TR, Some(tabel));
                    let inhoud: Vec<Vec<String>> =
                        cellen.iter().enumerate().map(|(i, c)| lt.regels(c, 8.5, vet, breedtes[i] - 8.0).into_iter().collect::<Vec<_>>()).collect();
                    let hoogte = inhoud.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * 11.0 + 4.0;
                    o.ruimte(hoogte);
                    let y0 = o.y;
                    let mut x = MARGE;
                    for (i, regels) in inhoud.iter().enumerate() {
                        let cel = if vet { o.knoop(Tag::TH(TableHeaderScope::Column), Some(tr)) } else { o.knoop(Tag::TD, Some(tr)) };
                        for (j, r) in regels.iter().enumerate() {
                            let rx = if rechts.get(i).copied().unwrap_or(false) { x + breedtes[i] - 4.0 - lt.breedte(r, 8.5, vet) } else { x };
                            o.paginas.last_mut().expect("pagina").push(Teken::Tekst {
                                x: rx,
                                y: y0 + 11.0 * (j as f32 + 1.0),
                                tekst: r.clone(),
                                maat: 8.5,
                                vet,
                                doel: Some(cel),
                            });
                        }
                        if regels.is_empty() {
                            // Een lege cel heeft toch een kind nodig in de tagboom: een spatie.
                            o.paginas.last_mut().expect("pagina").push(Teken::Tekst { x, y: y0 + 11.0, tekst: " ".into(), maat: 8.5, vet, doel: Some(cel) });
                        }
                        x += breedtes[i];
                    }
                    o.y = y0 + hoogte;
                    o.paginas.last_mut().expect("pagina").push(Teken::Lijn { x1: MARGE, x2: MARGE + breedte, y: o.y - 2.0 });
                };
                regel(&mut o, kop, true);
                for r in rijen {
                    regel(&mut o, r, false);
                }
            }
        }
    }

    // Tekenen.
    let configuratie = ConfigurationBuilder::new().with_archival_validator(Archival::A2_A).finish().map_err(|e| format!("{e:?}"))?;
    let instellingen = SerializeSettings { configuration: configuratie, enable_tagging: true, ..Default::default() };
    let mut doc = Document::new_with(instellingen);
    let d = brief.datum;
    let datum = DateTime::new(d.year() as u16).month(d.month() as u8).day(d.day() as u8).hour(12).minute(0).second(0).utc_offset_hour(0).utc_offset_minute(0);
    doc.set_metadata(
        Metadata::new()
            .title(brief.titel.clone())
            .language("nl-NL".into())
            .creator("vhf (Volkshuisvestingsfonds)".into())
            .producer("vhf met krilla".into())
            .authors(vec!["Minister van Binnenlandse Zaken en Koninkrijksrelaties".into()])
            .document_id(brief.identificatie.clone())
            .creation_date(datum),
    );
    let mut ids: Vec<Vec<Identifier>> = vec![Vec::new(); o.knopen.len()];
    let totaal = o.paginas.len();
    for (p, tekens) in o.paginas.iter().enumerate() {
        let mut pagina = doc.start_page_with(PageSettings::from_wh(A4_B, A4_H).expect("A4"));
        let mut s = pagina.surface();
        // Merk en paginanummer zijn geen inhoud: artefacten.
        let voet = format!("{} — pagina {} van {totaal}", brief.identificatie, p + 1);
        artefact(&mut s, &lt, MARGE, A4_H - MARGE / 2.0, &voet, 8.0);
        if !brief.merk.is_empty() {
            artefact(&mut s, &lt, MARGE, MARGE / 2.0, &brief.merk, 9.0);
        }
        for t in tekens {
            match t {
                Teken::Tekst { x, y, tekst, maat, vet, doel } => {
                    let id = s.start_tagged(ContentTag::Span(SpanTag::empty()));
                    let f = if *vet { lt.vet.clone() } else { lt.regulier.clone() };
                    s.draw_text(Point::from_xy(*x, *y), f, *maat, tekst, false, TextDirection::Auto);
                    s.end_tagged();
                    if let Some(d) = doel {
                        ids[*d].push(id);
                    }
                }
                Teken::Lijn { x1, x2, y } => {
                    s.start_tagged(ContentTag::Artifact(krilla::tagging::Artifact::with_kind(krilla::tagging::ArtifactType::Other)));
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y);
                    pb.line_to(*x2, *y);
                    if let Some(pad) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(krilla::paint::Stroke { width: 0.4, ..Default::default() }));
                        s.draw_path(&pad);
                        s.set_stroke(None);
                    }
                    s.end_tagged();
                }
            }
        }
        s.finish();
        pagina.finish();
    }
    // De tagboom: elk knooppunt met zijn identifiers en kinderen, in leesvolgorde.
    let mut groepen: Vec<Option<TagGroup>> = o.knopen.iter().map(|(soort, _)| Some(TagGroup::new(soort.clone()))).collect();
    for (i, lijst) in ids.into_iter().enumerate() {
        if let Some(g) = groepen[i].as_mut() {
            for id in lijst {
                g.push(id);
            }
        }
    }
    // Kinderen komen na hun ouder in de lijst: van achter naar voren inhangen.
    let mut kinderen: Vec<Vec<krilla::tagging::Node>> = vec![Vec::new(); o.knopen.len()];
    let mut wortel = Vec::new();
    for i in (0..o.knopen.len()).rev() {
        let mut g = groepen[i].take().expect("groep");
        for k in std::mem::take(&mut kinderen[i]).into_iter().rev() {
            g.push(k);
        }
        match o.knopen[i].1 {
            Some(ouder) => kinderen[ouder].push(g.into()),
            None => wortel.push(g),
        }
    }
    let mut boom = TagTree::new().with_lang(Some("nl-NL".into()));
    for g in wortel.into_iter().rev() {
        boom.push(g);
    }
    doc.set_tag_tree(boom);
    doc.finish().map_err(|e| format!("PDF: {e}"))
}

fn artefact(s: &mut Surface, lt: &Lettertypen, x: f32, y: f32, tekst: &str, maat: f32) {
    s.start_tagged(ContentTag::Artifact(krilla::tagging::Artifact::with_kind(krilla::tagging::ArtifactType::Page)));
    s.draw_text(Point::from_xy(x, y), lt.regulier.clone(), maat, tekst, false, TextDirection::Auto);
    s.end_tagged();
}
