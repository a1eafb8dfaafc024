//! De kaart van Nederland op het publieke dashboard: de gemeentegrenzen van 2021 als SVG-paden, en de kleurklassen
//! en legenda van een choropleet van het toegekende bedrag per gemeente.
//!
//! Alleen meetkunde en getallen, geen opmaak: dit module levert per gemeente de padgegevens (`d`) en laat de HTML
//! en SVG aan het askama-sjabloon, dat ze escapet (`<path d="{{ v.d }}" fill-rule="evenodd" …>`). Zo wordt de kaart
//! op de server getekend, zonder JavaScript, met de tabel van dezelfde bedragen ernaast als toegankelijke versie.
//! `fill-rule="evenodd"` is nodig omdat een gat in een gemeente hier gewoon een extra deelpad is: de omloopzin van
//! de ringen ligt na het projecteren (y omgekeerd) niet meer vast.
//!
//! **Bron en naamsvermelding.** `data/gemeente_2021.geojson` is de gegeneraliseerde gemeentekaart 2021 van het CBS
//! (via PDOK, vereenvoudigd door cartomap/nl; herkomst en controles in `data/README.md`). De voorwaarden van het
//! CBS eisen dat overal waar deze grenzen getoond worden de bron vermeld staat: "Kadaster / CBS". Toon daarom
//! [`BRON`] onder elke kaart die uit [`laad`] komt.

use serde_json::Value;

/// De naamsvermelding die de voorwaarden van het CBS eisen bij elke weergave van deze grenzen (zie de moduletekst).
pub const BRON: &str = "Kaart: Kadaster / CBS (gemeentegrenzen 2021), vereenvoudigd door cartomap/nl";

/// Ingebed in de binary: de kaart is referentiegegeven van één jaar, geen configuratie. Het pad is relatief aan dit
/// bestand (`crates/vhf/src/web/kaart.rs` → `data/` in de hoofdmap van de repository).
const GEOJSON: &str = include_str!("../../../../data/gemeente_2021.geojson");

/// Breedte van de viewBox. Rond 600 is een kaart op een dashboardpagina leesbaar zonder de paden groot te maken; het
/// sjabloon schaalt de SVG met CSS, de viewBox bepaalt alleen de nauwkeurigheid van de coördinaten.
const BREEDTE: u32 = 600;
/// Lege rand rond het land, zodat de lijnen aan de rand (dikker bij voorranggebieden) niet worden afgesneden.
const MARGE: f64 = 8.0;
/// De breedtegraad waar de equirectangulaire projectie lengtes goed houdt: ongeveer het midden van Nederland
/// (50,75°–53,55°). Zonder de factor cos(φ) zou het land een derde te breed en dus platgedrukt lijken; de
/// vervorming die overblijft (± 2 % aan de randen) is op deze schaal niet te zien.
const BREEDTEGRAAD_MIDDEN: f64 = 52.2;
/// Coördinaten in tienden van een viewBox-eenheid: fijn genoeg om ook de kleinste gemeenten (enkele eenheden groot)
/// herkenbaar te houden, en alle paden samen blijven ruim onder 150 KB.
const FIJNHEID: f64 = 10.0;

/// De kaart: een viewBox van `0 0 breedte hoogte` en één vlak per gemeente, gesorteerd op code.
#[derive(Debug, Clone, PartialEq)]
pub struct Kaart {
    pub breedte: u32,
    pub hoogte: u32,
    pub vlakken: Vec<Vlak>,
}

/// Eén gemeente op de kaart.
#[derive(Debug, Clone, PartialEq)]
pub struct Vlak {
    /// CBS-code in de indeling van 2021, bijvoorbeeld `GM0014`.
    pub code: String,
    pub naam: String,
    /// SVG-padgegevens in absolute coördinaten (`M`, `L`, `Z`), hele getallen of één decimaal, één deelpad per
    /// ring (buitenranden, eilanden en gaten); te tekenen met `fill-rule="evenodd"`.
    pub d: String,
}

/// Leest de ingebedde gemeentekaart en projecteert die op een viewBox van 600 breed. Deterministisch (vlakken op
/// code gesorteerd), dus geschikt om één keer in een `LazyLock` te bewaren.
pub fn laad() -> Result<Kaart, String> {
    uit_geojson(GEOJSON)
}

/// Een gemeente zoals ze uit de GeoJSON komt: ringen in (x, y) = (lengtegraad × cos φ₀, breedtegraad).
struct Gemeente {
    code: String,
    naam: String,
    ringen: Vec<Vec<(f64, f64)>>,
}

fn uit_geojson(tekst: &str) -> Result<Kaart, String> {
    let doc: Value = serde_json::from_str(tekst).map_err(|e| format!("de gemeentekaart is geen geldige JSON: {e}"))?;
    let features = doc.get("features").and_then(Value::as_array).ok_or("de gemeentekaart heeft geen lijst \"features\"")?;
    let schaal_x = BREEDTEGRAAD_MIDDEN.to_radians().cos();
    let mut gemeenten = features.iter().enumerate().map(|(i, f)| lees_gemeente(i, f, schaal_x)).collect::<Result<Vec<_>, _>>()?;
    if gemeenten.is_empty() {
        return Err("de gemeentekaart bevat geen gemeenten".into());
    }
    gemeenten.sort_by(|a, b| a.code.cmp(&b.code));
    if let Some(w) = gemeenten.windows(2).find(|w| w[0].code == w[1].code) {
        return Err(format!("gemeente {} komt meer dan één keer voor in de gemeentekaart", w[0].code));
    }

    // De omhullende rechthoek van het hele land bepaalt schaal en hoogte; de verhouding blijft behouden.
    let (mut x_min, mut x_max, mut y_min, mut y_max) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for &(x, y) in gemeenten.iter().flat_map(|g| &g.ringen).flatten() {
        x_min = x_min.min(x);
        x_max = x_max.max(x);
        y_min = y_min.min(y);
        y_max = y_max.max(y);
    }
    if x_max - x_min <= 0.0 || y_max - y_min <= 0.0 {
        return Err("de gemeentekaart heeft geen oppervlak: alle punten liggen op één lijn".into());
    }
    let schaal = (f64::from(BREEDTE) - 2.0 * MARGE) / (x_max - x_min);
    let hoogte = ((y_max - y_min) * schaal + 2.0 * MARGE).ceil();
    // Het noorden boven: SVG telt y naar beneden, breedtegraden tellen naar boven.
    let punt = |(x, y): (f64, f64)| -> (i64, i64) {
        let px = MARGE + (x - x_min) * schaal;
        let py = MARGE + (y_max - y) * schaal;
        ((px * FIJNHEID).round() as i64, (py * FIJNHEID).round() as i64)
    };

    let mut vlakken = Vec::with_capacity(gemeenten.len());
    for g in gemeenten {
        let mut d = String::new();
        for ring in &g.ringen {
            // Na het afronden vallen punten samen; dubbele punten na elkaar maken het pad alleen langer. Het
            // sluitpunt van de GeoJSON-ring vervalt ook: `Z` sluit de ring al.
            let mut punten: Vec<(i64, i64)> = Vec::with_capacity(ring.len());
            for p in ring.iter().copied().map(punt) {
                if punten.last() != Some(&p) {
                    punten.push(p);
                }
            }
            while punten.len() > 1 && punten.first() == punten.last() {
                punten.pop();
            }
            // Een ring die tot minder dan drie punten krimpt is op deze schaal onzichtbaar.
            if punten.len() < 3 {
                continue;
            }
            for (i, &(x, y)) in punten.iter().enumerate() {
                d.push(if i == 0 { 'M' } else { 'L' });
                schrijf_getal(&mut d, x);
                d.push(' ');
                schrijf_getal(&mut d, y);
            }
            d.push('Z');
        }
        if d.is_empty() {
            return Err(format!("gemeente {} ({}) is te klein om op de kaart te tekenen", g.code, g.naam));
        }
        vlakken.push(Vlak { code: g.code, naam: g.naam, d });
    }
    Ok(Kaart { breedte: BREEDTE, hoogte: hoogte as u32, vlakken })
}

fn lees_gemeente(i: usize, f: &Value, schaal_x: f64) -> Result<Gemeente, String> {
    let eigenschap = |sleutel: &str| f.get("properties").and_then(|p| p.get(sleutel)).and_then(Value::as_str);
    let code = eigenschap("statcode").ok_or_else(|| format!("feature {i} van de gemeentekaart heeft geen statcode"))?;
    if !is_gemeentecode(code) {
        return Err(format!("feature {i} van de gemeentekaart: statcode {code:?} is geen gemeentecode (GM en vier cijfers)"));
    }
    let naam = eigenschap("statnaam").ok_or_else(|| format!("gemeente {code} heeft geen statnaam"))?;
    let wie = format!("gemeente {code} ({naam})");
    let geometrie = f.get("geometry").ok_or_else(|| format!("{wie} heeft geen geometrie"))?;
    let coordinaten = geometrie.get("coordinates").ok_or_else(|| format!("{wie} heeft geen coördinaten"))?;
    let polygonen: Vec<&Value> = match geometrie.get("type").and_then(Value::as_str) {
        Some("Polygon") => vec![coordinaten],
        Some("MultiPolygon") => coordinaten.as_array().ok_or_else(|| format!("{wie}: MultiPolygon zonder lijst van polygonen"))?.iter().collect(),
        ander => return Err(format!("{wie}: geometrie {ander:?} is geen Polygon of MultiPolygon")),
    };
    let mut ringen = Vec::new();
    for polygoon in polygonen {
        for ring in polygoon.as_array().ok_or_else(|| format!("{wie}: polygoon zonder lijst van ringen"))? {
            let posities = ring.as_array().ok_or_else(|| format!("{wie}: ring zonder lijst van posities"))?;
            if posities.len() < 4 {
                return Err(format!("{wie}: ring met {} posities, een gesloten ring heeft er minstens 4", posities.len()));
            }
            let punten = posities
                .iter()
                .map(|p| match p.as_array().map(Vec::as_slice) {
                    Some([lon, lat, ..]) => match (lon.as_f64(), lat.as_f64()) {
                        (Some(lon), Some(lat)) if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) => Ok((lon * schaal_x, lat)),
                        _ => Err(format!("{wie}: positie {p} is geen lengte- en breedtegraad")),
                    },
                    _ => Err(format!("{wie}: positie {p} is geen paar getallen")),
                })
                .collect::<Result<Vec<_>, _>>()?;
            ringen.push(punten);
        }
    }
    if ringen.is_empty() {
        return Err(format!("{wie} heeft geen ringen"));
    }
    Ok(Gemeente { code: code.to_string(), naam: naam.to_string(), ringen })
}

fn is_gemeentecode(s: &str) -> bool {
    s.len() == 6 && s.starts_with("GM") && s[2..].bytes().all(|b| b.is_ascii_digit())
}

/// Schrijft een getal in tienden als `123` of `123.4`: de kortste vorm, en zonder de eigenaardigheden van
/// `f64`-opmaak, zodat dezelfde invoer altijd dezelfde tekst geeft.
fn schrijf_getal(d: &mut String, tienden: i64) {
    if tienden < 0 {
        d.push('-');
    }
    let a = tienden.unsigned_abs();
    d.push_str(&(a / 10).to_string());
    if !a.is_multiple_of(10) {
        d.push('.');
        d.push(char::from(b'0' + (a % 10) as u8));
    }
}

/// De kleurklasse van een bedrag: 0 voor geen toekenning (nul of negatief), anders 1 plus het aantal grenzen dat
/// het bedrag overschrijdt. Een grens hoort dus bij de klasse eronder: met grenzen `[a, b]` is klasse 1 `(0, a]`,
/// klasse 2 `(a, b]` en klasse 3 `(b, ∞)`. Monotoon: een hoger bedrag krijgt nooit een lagere klasse.
pub fn klasse(bedrag_centen: i64, grenzen: &[i64]) -> usize {
    if bedrag_centen <= 0 {
        return 0;
    }
    1 + grenzen.iter().filter(|&&g| bedrag_centen > g).count()
}

/// Klassengrenzen (in centen, hele euro's, strikt stijgend) voor hoogstens `n` klassen van toegekende bedragen.
///
/// Kwantielen, zodat elke kleur ongeveer even veel gemeenten krijgt ook al lopen de bedragen uiteen van tonnen tot
/// tientallen miljoenen: grens `i` (1 ≤ i < n) is het kleinste bedrag waarbij minstens i/n van de positieve
/// bedragen niet hoger ligt, naar boven afgerond op twee significante cijfers in hele euro's (€ 4,8 mln,
/// € 850.000) zodat de legenda leesbaar blijft. Naar boven, zodat het kwantielbedrag zelf in de klasse onder de
/// grens blijft: gewoon afronden kan de enige gemeente van een klasse eruit duwen. Een grens die na afronden niets scheidt (een lege klasse eronder of niets erboven)
/// vervalt; zo heeft elke klasse minstens één gemeente, en geven weinig verschillende bedragen minder klassen.
/// Nul en negatieve bedragen tellen niet mee (klasse 0). Geen bedragen, alleen nullen of één bedrag: geen grenzen.
pub fn grenzen(bedragen: &[i64], n: usize) -> Vec<i64> {
    let mut positief: Vec<i64> = bedragen.iter().copied().filter(|&b| b > 0).collect();
    positief.sort_unstable();
    let m = positief.len();
    let mut uit: Vec<i64> = Vec::new();
    let (Some(&hoogste), true) = (positief.last(), n >= 2) else {
        return uit;
    };
    // Meer klassen dan bedragen levert dezelfde grenzen als m + 1 klassen (elk bedrag is dan een kwantiel), en zo
    // blijft de lus kort en `i * m` klein.
    let n = n.min(m + 1);
    for i in 1..n {
        let rang = (i * m).div_ceil(n); // 1..=m
        let grens = afgerond(positief[rang - 1]);
        let onder = uit.last().copied().unwrap_or(0);
        let klasse_eronder_leeg = positief.partition_point(|&b| b <= grens) == positief.partition_point(|&b| b <= onder);
        if grens > onder && !klasse_eronder_leeg && hoogste > grens {
            uit.push(grens);
        }
    }
    uit
}

/// Centen → hele euro's → twee significante cijfers, steeds naar boven, terug in centen (voor positieve bedragen).
/// Monotoon (niet dalend), zodat gesorteerde kwantielen gesorteerd blijven, en nooit lager dan de invoer.
fn afgerond(centen: i64) -> i64 {
    let euro = centen / 100 + i64::from(centen % 100 != 0);
    let mut stap = 1i64;
    while euro / stap >= 100 {
        stap *= 10;
    }
    ((euro + stap - 1) / stap * stap).saturating_mul(100)
}

/// De teksten van de legenda, één per klasse (index = [`klasse`]): "geen toekenning", "tot € 5 mln",
/// "€ 5 mln – € 10 mln", …, "meer dan € 20 mln". Zonder grenzen zijn er twee: "geen toekenning" en
/// "met toekenning". Zoals bij [`klasse`] hoort een grens bij de klasse eronder ("tot" is hier tot en met).
pub fn legenda(grenzen: &[i64]) -> Vec<String> {
    let mut teksten = vec!["geen toekenning".to_string()];
    match (grenzen.first(), grenzen.last()) {
        (Some(&eerste), Some(&laatste)) => {
            teksten.push(format!("tot {}", bedrag_kort(eerste)));
            teksten.extend(grenzen.windows(2).map(|w| format!("{} – {}", bedrag_kort(w[0]), bedrag_kort(w[1]))));
            teksten.push(format!("meer dan {}", bedrag_kort(laatste)));
        }
        _ => teksten.push("met toekenning".to_string()),
    }
    teksten
}

/// Een bedrag voor een legenda: "€ 4,7 mln" vanaf een miljoen als dat met hoogstens twee decimalen exact is, anders
/// hele euro's met punten ("€ 850.000"), en alleen centen als die er zijn. Nooit afgerond: een legenda die een
/// andere grens noemt dan de kaart gebruikt, zou gemeenten in de verkeerde klasse laten lijken.
fn bedrag_kort(centen: i64) -> String {
    let teken = if centen < 0 { "-" } else { "" };
    let c = centen.unsigned_abs();
    let (euro, rest) = (c / 100, c % 100);
    if rest == 0 && euro >= 1_000_000 && euro.is_multiple_of(10_000) {
        let honderdsten = euro / 10_000;
        let (heel, dec) = (honderdsten / 100, honderdsten % 100);
        let decimalen = match dec {
            0 => String::new(),
            d if d.is_multiple_of(10) => format!(",{}", d / 10),
            d => format!(",{d:02}"),
        };
        format!("{teken}€ {}{decimalen} mln", gegroepeerd(heel))
    } else if rest == 0 {
        format!("{teken}€ {}", gegroepeerd(euro))
    } else {
        format!("{teken}€ {},{rest:02}", gegroepeerd(euro))
    }
}

/// Duizendtallen gescheiden door een punt, zoals `Bedrag` in vhf-core: `7350000` → `7.350.000`.
fn gegroepeerd(n: u64) -> String {
    let s = n.to_string();
    let mut uit = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            uit.push('.');
        }
        uit.push(c);
    }
    uit
}

#[cfg(test)]
mod tests {
    use super::*;

    const MLN: i64 = 100_000_000; // een miljoen euro in centen

    /// Alle punten van een pad, terug als getallen; faalt als het pad iets anders bevat dan M/L/Z en getallen.
    fn punten(d: &str) -> Vec<(f64, f64)> {
        let mut uit = Vec::new();
        for stuk in d.split(['M', 'L', 'Z']).filter(|s| !s.is_empty()) {
            let (x, y) = stuk.split_once(' ').unwrap_or_else(|| panic!("geen coördinatenpaar: {stuk:?}"));
            for g in [x, y] {
                assert!(g.split_once('.').is_none_or(|(_, dec)| dec.len() == 1), "meer dan één decimaal: {g}");
            }
            uit.push((x.parse().unwrap(), y.parse().unwrap()));
        }
        uit
    }

    fn midden(v: &Vlak) -> (f64, f64) {
        let p = punten(&v.d);
        let n = p.len() as f64;
        (p.iter().map(|p| p.0).sum::<f64>() / n, p.iter().map(|p| p.1).sum::<f64>() / n)
    }

    fn vlak<'a>(k: &'a Kaart, code: &str) -> &'a Vlak {
        k.vlakken.iter().find(|v| v.code == code).unwrap_or_else(|| panic!("{code} ontbreekt"))
    }

    #[test]
    fn alle_352_gemeenten_van_2021_met_unieke_codes_op_volgorde() {
        let k = laad().unwrap();
        assert_eq!(k.vlakken.len(), 352);
        assert!(k.vlakken.iter().all(|v| is_gemeentecode(&v.code)));
        assert!(k.vlakken.windows(2).all(|w| w[0].code < w[1].code), "gesorteerd en uniek");
        assert_eq!(vlak(&k, "GM0363").naam, "Amsterdam");
        assert_eq!(vlak(&k, "GM1900").naam, "Súdwest-Fryslân");
        assert_eq!(k.vlakken.first().map(|v| v.code.as_str()), Some("GM0014"));
    }

    #[test]
    fn is_gemeentecode_herkent_alleen_gm_en_vier_cijfers() {
        assert!(is_gemeentecode("GM0014"));
        for fout in ["GM014", "GM00145", "gm0014", "PV0014", "GM00a4", "GM٠٠١٤"] {
            assert!(!is_gemeentecode(fout), "{fout}");
        }
    }

    #[test]
    fn paden_zijn_gesloten_en_liggen_binnen_de_viewbox() {
        let k = laad().unwrap();
        for v in &k.vlakken {
            assert!(v.d.starts_with('M') && v.d.ends_with('Z'), "{}: {}…", v.code, &v.d[..20]);
            assert!(v.d.chars().all(|c| "MLZ .0123456789".contains(c)), "{}", v.code);
            for (x, y) in punten(&v.d) {
                assert!((0.0..=f64::from(k.breedte)).contains(&x) && (0.0..=f64::from(k.hoogte)).contains(&y), "{}: ({x}, {y})", v.code);
            }
            // Geen dubbele punten na elkaar, ook niet het sluitpunt vóór Z.
            for deelpad in v.d.split('Z').filter(|s| !s.is_empty()) {
                let p: Vec<&str> = deelpad[1..].split('L').collect();
                assert!(p.len() >= 3, "{}: deelpad met {} punten", v.code, p.len());
                assert!(p.windows(2).all(|w| w[0] != w[1]) && p.first() != p.last(), "{}: dubbel punt", v.code);
            }
        }
    }

    #[test]
    fn nederland_staat_rechtop_en_is_niet_platgedrukt() {
        let k = laad().unwrap();
        assert_eq!(k.breedte, 600);
        // Het land is ~265 km breed en ~314 km hoog (RD-coördinaten): hoogte/breedte ≈ 1,19.
        let verhouding = f64::from(k.hoogte) / f64::from(k.breedte);
        assert!((1.12..1.26).contains(&verhouding), "hoogte {} bij breedte {}", k.hoogte, k.breedte);
        let (adam, gron) = (midden(vlak(&k, "GM0363")), midden(vlak(&k, "GM0014")));
        assert!(adam.0 < gron.0, "Amsterdam ligt west van Groningen: {adam:?} {gron:?}");
        assert!(adam.1 > gron.1, "Amsterdam ligt zuid van Groningen (y naar beneden): {adam:?} {gron:?}");
        // Maastricht helemaal onderaan, Vlieland/Terschelling boven in het westen.
        let maastricht = midden(vlak(&k, "GM0935"));
        assert!(maastricht.1 > f64::from(k.hoogte) * 0.9, "{maastricht:?}");
        let vlieland = midden(vlak(&k, "GM0096"));
        assert!(vlieland.1 < f64::from(k.hoogte) * 0.15 && vlieland.0 < f64::from(k.breedte) * 0.5, "{vlieland:?}");
    }

    #[test]
    fn meerdelige_gemeenten_hebben_meer_deelpaden() {
        let k = laad().unwrap();
        // Het Hogeland (met Rottumeroog en Rottumerplaat) en Veere zijn MultiPolygons in de bron.
        for code in ["GM1966", "GM0717"] {
            assert!(vlak(&k, code).d.matches('M').count() >= 2, "{code}");
        }
    }

    #[test]
    fn alle_paden_samen_blijven_onder_150_kb() {
        let k = laad().unwrap();
        let totaal: usize = k.vlakken.iter().map(|v| v.d.len()).sum();
        let punten: usize = k.vlakken.iter().map(|v| v.d.matches(['M', 'L']).count()).sum();
        eprintln!("padgegevens: {totaal} bytes, {punten} punten, viewBox 0 0 {} {}", k.breedte, k.hoogte);
        assert!(totaal < 150_000, "{totaal} bytes");
    }

    #[test]
    fn laden_is_deterministisch() {
        assert_eq!(laad().unwrap(), laad().unwrap());
    }

    #[test]
    fn foute_invoer_geeft_een_melding_met_de_gemeente() {
        let met = |geometrie: &str| format!(r#"{{"features":[{{"properties":{{"statcode":"GM0001","statnaam":"Proef"}},"geometry":{geometrie}}}]}}"#);
        let fout = |tekst: &str| uit_geojson(tekst).unwrap_err();
        assert!(fout("niet json").contains("geen geldige JSON"));
        assert!(fout(r#"{"features":[]}"#).contains("geen gemeenten"));
        assert!(fout(&met("null")).contains("gemeente GM0001 (Proef)"));
        assert!(fout(&met(r#"{"type":"Point","coordinates":[5,52]}"#)).contains("geen Polygon"));
        assert!(fout(&met(r#"{"type":"Polygon","coordinates":[[[5,52],[6,52],[5,52]]]}"#)).contains("minstens 4"));
        assert!(fout(&met(r#"{"type":"Polygon","coordinates":[[[5,52],[6,"x"],[6,53],[5,52]]]}"#)).contains("GM0001"));
        assert!(fout(&met(r#"{"type":"Polygon","coordinates":[[[5,52],[6,952],[6,53],[5,52]]]}"#)).contains("breedtegraad"));
        let zonder_code = r#"{"features":[{"properties":{"statcode":"0014"},"geometry":null}]}"#;
        assert!(fout(zonder_code).contains("feature 0"));
        let gemeente = |code: &str| {
            format!(
                r#"{{"properties":{{"statcode":"{code}","statnaam":"Proef"}},"geometry":{{"type":"Polygon","coordinates":[[[5,52],[6,52],[6,53],[5,52]]]}}}}"#
            )
        };
        let twee = |a: &str, b: &str| format!(r#"{{"features":[{},{}]}}"#, gemeente(a), gemeente(b));
        assert!(fout(&twee("GM0001", "GM0001")).contains("GM0001 komt meer dan één keer voor"));
        let k = uit_geojson(&twee("GM0002", "GM0001")).unwrap();
        assert_eq!(k.vlakken.iter().map(|v| v.code.as_str()).collect::<Vec<_>>(), ["GM0001", "GM0002"]);
        assert_eq!((k.breedte, k.vlakken[0].d.matches('L').count()), (600, 2));
    }

    #[test]
    fn klasse_nul_is_geen_toekenning_en_een_grens_hoort_bij_de_klasse_eronder() {
        let g = [5 * MLN, 10 * MLN, 20 * MLN];
        assert_eq!(klasse(0, &g), 0);
        assert_eq!(klasse(-1, &g), 0);
        assert_eq!(klasse(1, &g), 1);
        assert_eq!(klasse(5 * MLN, &g), 1);
        assert_eq!(klasse(5 * MLN + 1, &g), 2);
        assert_eq!(klasse(20 * MLN, &g), 3);
        assert_eq!(klasse(i64::MAX, &g), 4);
        assert_eq!(klasse(7, &[]), 1);
    }

    #[test]
    fn grenzen_randgevallen() {
        assert_eq!(grenzen(&[], 5), Vec::<i64>::new());
        assert_eq!(grenzen(&[0, 0, 0], 5), Vec::<i64>::new());
        assert_eq!(grenzen(&[0, -5 * MLN], 5), Vec::<i64>::new());
        assert_eq!(grenzen(&[3 * MLN], 5), Vec::<i64>::new(), "één bedrag: één klasse");
        assert_eq!(grenzen(&[3 * MLN; 10], 5), Vec::<i64>::new(), "allemaal gelijk: één klasse");
        assert_eq!(grenzen(&[1, 2 * MLN, 3 * MLN], 0), Vec::<i64>::new());
        assert_eq!(grenzen(&[1, 2 * MLN, 3 * MLN], 1), Vec::<i64>::new());
        assert_eq!(grenzen(&[MLN, 2 * MLN], usize::MAX), vec![MLN]);
        assert_eq!(grenzen(&[i64::MAX, i64::MAX - 1, 1], 3).len(), 1);
        // Naar boven afgerond op twee significante cijfers in hele euro's.
        assert_eq!(grenzen(&[473_456_789, 900_000_000], 2), vec![480_000_000]);
        assert_eq!(grenzen(&[84_999_999, 900_000_000], 2), vec![85_000_000]);
        assert_eq!(grenzen(&[85_000_001, 900_000_000], 2), vec![86_000_000]);
        assert_eq!(grenzen(&[4_750, 8_000], 2), vec![4_800], "€ 47,50 → € 48");
        // Ligt de afgeronde grens boven het hoogste bedrag, dan scheidt ze niets.
        assert_eq!(grenzen(&[473_000_000, 475_000_000], 2), Vec::<i64>::new());
        // Kwartielen van 1..=8 mln: 2, 4 en 6 mln.
        let acht: Vec<i64> = (1..=8).map(|e| e * MLN).collect();
        assert_eq!(grenzen(&acht, 4), vec![2 * MLN, 4 * MLN, 6 * MLN]);
    }

    #[test]
    fn grenzen_zijn_stijgend_en_elke_klasse_heeft_een_gemeente() {
        // Een vaste pseudo-willekeurige reeks (lineair congruent), zodat de test deterministisch is.
        let mut s: u64 = 20_210_705;
        for ronde in 0..200 {
            let lengte = ronde % 60;
            let bedragen: Vec<i64> = (0..lengte)
                .map(|_| {
                    s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                    let r = (s >> 33) as i64;
                    if r % 4 == 0 { 0 } else { r % (45 * MLN) * (1 + r % 3) }
                })
                .collect();
            for n in 1..9 {
                let g = grenzen(&bedragen, n);
                assert!(g.len() < n.max(1), "{n} klassen, {} grenzen", g.len());
                assert!(g.windows(2).all(|w| w[0] < w[1]) && g.iter().all(|&x| x > 0 && x % 100 == 0), "{g:?}");
                let mut aantal = vec![0usize; g.len() + 2];
                for &b in &bedragen {
                    aantal[klasse(b, &g)] += 1;
                }
                if bedragen.iter().any(|&b| b > 0) {
                    assert!(aantal[1..].iter().all(|&a| a > 0), "lege klasse: {g:?} {aantal:?}");
                }
                let mut gesorteerd = bedragen.clone();
                gesorteerd.sort_unstable();
                assert!(gesorteerd.windows(2).all(|w| klasse(w[0], &g) <= klasse(w[1], &g)), "monotoon");
                assert_eq!(legenda(&g).len(), g.len() + 2);
            }
        }
    }

    #[test]
    fn legenda_in_nederlandse_notatie() {
        assert_eq!(
            legenda(&[5 * MLN, 10 * MLN, 20 * MLN]),
            ["geen toekenning", "tot € 5 mln", "€ 5 mln – € 10 mln", "€ 10 mln – € 20 mln", "meer dan € 20 mln"]
        );
        assert_eq!(legenda(&[]), ["geen toekenning", "met toekenning"]);
        assert_eq!(legenda(&[85_000_000, 470_000_000]), ["geen toekenning", "tot € 850.000", "€ 850.000 – € 4,7 mln", "meer dan € 4,7 mln"]);
        assert_eq!(bedrag_kort(125 * MLN / 100), "€ 1,25 mln");
        assert_eq!(bedrag_kort(1_500 * MLN), "€ 1.500 mln");
        assert_eq!(bedrag_kort(123_456_700), "€ 1.234.567");
        assert_eq!(bedrag_kort(99_999), "€ 999,99");
        assert_eq!(bedrag_kort(-5 * MLN), "-€ 5 mln");
        assert_eq!(bedrag_kort(i64::MIN), "-€ 92.233.720.368.547.758,08");
    }
}
