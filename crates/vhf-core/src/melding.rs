//! De meldingen van de lezers (serde, serde_json, toml, jiff en de getallenlezers van std) in het Nederlands.
//!
//! Die bibliotheken melden in het Engels en hebben geen vertaling; hun meldingen zijn wel vaste zinnen. Eén
//! functie, [`nederlands`], zet ze om, zodat `vhf check`, `vhf allocate`, de configuratie van `vhf serve`, de
//! rondebestanden en de opdrachtregel dezelfde woorden gebruiken. Het veld en de waarde uit de melding blijven
//! staan (`onbekend veld `poort``, `tekst "a"`); plek en veldpad melden de lezers zelf apart.
//!
//! Een melding die we niet herkennen, komt ongewijzigd terug: onze eigen meldingen (bij het lezen van bedragen,
//! codes en labels) zijn al Nederlands. De test `elke_bekende_melding_wordt_nederlands` noemt de Engelse zinnen
//! die we kennen; komt er bij een nieuwe versie van een bibliotheek een bij, dan hoort die daar ook in.

/// Zet een (Engelse) melding van serde, serde_json, toml, jiff of `str::parse` om in het Nederlands.
///
/// ```
/// use vhf_core::melding::nederlands;
/// assert_eq!(nederlands("missing field `ronde`"), "het veld `ronde` ontbreekt");
/// assert_eq!(nederlands("invalid type: string \"a\", expected u32"), "verkeerd soort waarde: tekst \"a\", verwacht een geheel getal van 0 tot en met 4294967295");
/// ```
pub fn nederlands(melding: &str) -> String {
    let m = zonder_plek(melding.trim());
    if let Some(veld) = m.strip_prefix("missing field ") {
        return format!("het veld {veld} ontbreekt");
    }
    if let Some(veld) = m.strip_prefix("duplicate field ") {
        return format!("het veld {veld} staat er twee keer");
    }
    if let Some(rest) = m.strip_prefix("unknown field ") {
        return match rest.split_once(", ") {
            Some((veld, "there are no fields")) => format!("onbekend veld {veld}; hier zijn geen velden toegestaan"),
            Some((veld, verwacht)) => format!("onbekend veld {veld}; {}", toegestaan(verwacht.strip_prefix("expected ").unwrap_or(verwacht))),
            None => format!("onbekend veld {rest}"),
        };
    }
    if let Some(rest) = m.strip_prefix("unknown variant ") {
        // Een waarde is een tekst in het bestand; we tonen haar zoals daar, tussen dubbele aanhalingstekens.
        return match rest.split_once(", ") {
            Some((waarde, "there are no variants")) => format!("onbekende waarde {}; er zijn geen waarden toegestaan", aanhalen(waarde)),
            Some((waarde, verwacht)) => {
                format!("onbekende waarde {}; {}", aanhalen(waarde), aanhalen(&toegestaan(verwacht.strip_prefix("expected ").unwrap_or(verwacht))))
            }
            None => format!("onbekende waarde {}", aanhalen(rest)),
        };
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        let (kreeg, verwacht) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("verkeerd soort waarde: {}{}", gekregen(kreeg), verwacht_deel(verwacht));
    }
    if let Some(rest) = m.strip_prefix("invalid value: ") {
        if rest == "expected key to be a number in quotes" {
            return "de sleutel moet een getal tussen aanhalingstekens zijn".into();
        }
        let (kreeg, verwacht) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("ongeldige waarde: {}{}", gekregen(kreeg), verwacht_deel(verwacht));
    }
    if let Some(rest) = m.strip_prefix("invalid length ") {
        let (n, verwacht) = rest.split_once(", expected ").unwrap_or((rest, ""));
        // Een object mag in serde ook als lijst; een lijst waar een object hoort, meldt het als "lengte".
        if verwacht.starts_with("struct ") {
            return format!("verkeerd soort waarde: een lijst{}", verwacht_deel(verwacht));
        }
        return format!("verkeerd aantal elementen: {n}{}", verwacht_deel(verwacht));
    }
    if let Some(n) = vast(m) {
        return n.to_string();
    }
    if let Some(n) = toml_syntax(m) {
        return n;
    }
    if let Some(n) = datum_of_tijd(m) {
        return n;
    }
    if let Some(n) = getal_buiten_bereik(m) {
        return n;
    }
    m.to_string()
}

/// Een leesfout van toml in het Nederlands: "regel R, kolom K: melding", met daaronder de regel uit het bestand
/// en de plek (`^^^`), zoals toml die zelf ook toont.
pub fn toml_fout(tekst: &str, e: &toml::de::Error) -> String {
    let melding = nederlands(e.message());
    let Some(span) = e.span() else { return melding };
    let begin = span.start.min(tekst.len());
    let voor = &tekst[..begin];
    let regel = voor.matches('\n').count() + 1;
    let regelbegin = voor.rfind('\n').map_or(0, |i| i + 1);
    let kolom = voor[regelbegin..].chars().count() + 1;
    let inhoud = tekst[regelbegin..].split('\n').next().unwrap_or("").trim_end_matches('\r');
    let tot = span.end.clamp(begin, regelbegin + inhoud.len());
    let breedte = tekst.get(begin..tot).map_or(0, |t| t.chars().count()).max(1);
    let n = regel.to_string();
    let marge = " ".repeat(n.len());
    format!("regel {regel}, kolom {kolom}: {melding}\n{marge} |\n{n} | {inhoud}\n{marge} | {}{}", " ".repeat(kolom - 1), "^".repeat(breedte))
}

/// serde_json zet " at line X column Y" achter de melding; de lezers melden regel en kolom al apart.
fn zonder_plek(m: &str) -> &str {
    if let Some(i) = m.rfind(" at line ") {
        let staart = &m[i + " at line ".len()..];
        let mut delen = staart.split(" column ");
        if let (Some(r), Some(k), None) = (delen.next(), delen.next(), delen.next())
            && r.chars().all(|c| c.is_ascii_digit())
            && k.chars().all(|c| c.is_ascii_digit())
        {
            return &m[..i];
        }
    }
    m
}

/// "one of `a`, `b`" / "`a` or `b`" / "`a`" → "toegestaan zijn: `a`, `b`" / "toegestaan is alleen `a`".
fn toegestaan(lijst: &str) -> String {
    let lijst = lijst.strip_prefix("one of ").unwrap_or(lijst);
    let namen = lijst.replace(" or ", " of ");
    if namen.matches('`').count() <= 2 { format!("toegestaan is alleen {namen}") } else { format!("toegestaan zijn: {namen}") }
}

/// `x` → "x" (waarden staan in het bestand tussen dubbele aanhalingstekens).
fn aanhalen(s: &str) -> String {
    s.replace('`', "\"")
}

/// Wat de lezer aantrof (serde `Unexpected`), in het Nederlands, met de waarde erbij.
fn gekregen(s: &str) -> String {
    let s = s.trim();
    let tussen = |r: &str| r.trim().trim_matches('`').to_string();
    if let Some(r) = s.strip_prefix("string ") {
        format!("tekst {r}")
    } else if let Some(r) = s.strip_prefix("integer ") {
        format!("getal {}", tussen(r))
    } else if let Some(r) = s.strip_prefix("floating point ") {
        format!("kommagetal {}", tussen(r))
    } else if let Some(r) = s.strip_prefix("boolean ") {
        format!("waarheidswaarde {}", tussen(r))
    } else if let Some(r) = s.strip_prefix("character ") {
        format!("teken '{}'", tussen(r))
    } else {
        match s {
            "null" => "null".into(),
            "sequence" => "een lijst".into(),
            "map" => "een object".into(),
            "unit value" => "een lege waarde".into(),
            "byte array" => "bytes".into(),
            "Option value" => "een optionele waarde".into(),
            "enum" | "unit variant" | "newtype variant" | "tuple variant" | "struct variant" => "een keuzewaarde".into(),
            "newtype struct" => "een samengestelde waarde".into(),
            _ => s.to_string(),
        }
    }
}

fn verwacht_deel(verwacht: &str) -> String {
    if verwacht.is_empty() { String::new() } else { format!(", verwacht {}", verwachting(verwacht)) }
}

/// Wat de lezer verwachtte (serde `Expected`, meestal de naam van het type).
fn verwachting(s: &str) -> String {
    let s = s.trim();
    let bereik = |min: &str, max: &str| format!("een geheel getal van {min} tot en met {max}");
    match s {
        "a string" | "a borrowed string" | "string" | "a string or a number" => return "een tekst".into(),
        "u8" => return bereik("0", "255"),
        "u16" => return bereik("0", "65535"),
        "u32" => return bereik("0", "4294967295"),
        "u64" | "u128" | "usize" => return "een geheel getal van 0 of meer".into(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => return "een geheel getal".into(),
        "f32" | "f64" => return "een getal".into(),
        "a boolean" | "boolean" => return "true of false".into(),
        "a sequence" | "sequence" | "an array" => return "een lijst".into(),
        "a map" | "map" => return "een object".into(),
        "a character" | "char" => return "één teken".into(),
        "option" => return "een waarde of null".into(),
        "unit" => return "een lege waarde".into(),
        "path string" | "a borrowed path" => return "een pad (tekst)".into(),
        "IP address" | "IPv4 address" | "IPv6 address" => return "een IP-adres".into(),
        "socket address" => return "een adres met poort".into(),
        "a date string" => return "een datum als tekst (bijvoorbeeld \"2021-05-10\")".into(),
        "a timestamp string" => return "een tijdstip als tekst in RFC 3339 (bijvoorbeeld \"2021-05-10T10:00:00Z\")".into(),
        "a datetime string" => return "een datum en tijd als tekst (bijvoorbeeld \"2021-05-10T10:00\")".into(),
        "a time string" => return "een tijd als tekst (bijvoorbeeld \"10:00\")".into(),
        "a zoned datetime string" => return "een tijdstip met tijdzone als tekst".into(),
        "variant identifier" => return "een keuzewaarde (tekst)".into(),
        "field identifier" => return "een veldnaam".into(),
        "an empty array" => return "een lege lijst".into(),
        _ => {}
    }
    if let Some(naam) = s.strip_prefix("struct ") {
        // Als lijst gelezen: "struct Aanvraag with 11 elements".
        return format!("een object ({})", naam.split(" with ").next().unwrap_or(naam));
    }
    if let Some(naam) = s.strip_prefix("tuple struct ") {
        return format!("een lijst ({naam})");
    }
    if let Some(naam) = s.strip_prefix("enum ") {
        return format!("een keuzewaarde ({naam})");
    }
    if let Some(n) = s.strip_prefix("a tuple of size ").or_else(|| s.strip_prefix("an array of length ")).or_else(|| s.strip_prefix("tuple of ")) {
        return format!("een lijst van {} elementen", n.trim_end_matches(" elements"));
    }
    if s.starts_with("one of ") || s.starts_with('`') {
        return s.trim_start_matches("one of ").replace(" or ", " of ");
    }
    s.to_string()
}

/// Vaste zinnen van serde_json (syntaxis), toml (bij het lezen van waarden) en `str::parse`.
fn vast(m: &str) -> Option<&'static str> {
    Some(match m {
        // serde_json
        "EOF while parsing a value" => "het bestand houdt midden in een waarde op",
        "EOF while parsing a list" => "het bestand houdt midden in een lijst op",
        "EOF while parsing an object" => "het bestand houdt midden in een object op",
        "EOF while parsing a string" => "het bestand houdt midden in een tekst op",
        "expected value" => "hier hoort een waarde (een tekst tussen dubbele aanhalingstekens, een getal, object, lijst, true, false of null)",
        "expected `:`" => "hier hoort een dubbele punt (`:`) tussen veldnaam en waarde",
        "expected `,` or `]`" => "hier hoort een komma of het einde van de lijst (`]`)",
        "expected `,` or `}`" => "hier hoort een komma of het einde van het object (`}`)",
        "expected ident" => "onbekend woord; bedoeld is true, false of null",
        "expected `\"`" => "hier hoort een dubbel aanhalingsteken (`\"`)",
        "invalid escape" => "ongeldige escape na `\\` in een tekst",
        "invalid number" => "ongeldig getal",
        "number out of range" => "het getal is te groot",
        "invalid unicode code point" => "ongeldig unicode-teken in een \\u-escape",
        "control character (\\u0000-\\u001F) found while parsing a string" => {
            "een stuurteken (U+0000 tot U+001F) in een tekst; schrijf het als escape (\\n, \\t of \\u…)"
        }
        "key must be a string" => "een veldnaam moet een tekst tussen dubbele aanhalingstekens zijn",
        "float key must be finite (got NaN or +/-inf)" => "een getal als veldnaam moet eindig zijn",
        "lone leading surrogate in hex escape" => "losse eerste helft van een surrogaatpaar in een \\u-escape",
        "trailing comma" => "een komma te veel voor het einde van de lijst of het object",
        "trailing characters" => "na het einde van de waarde staat nog tekst",
        "unexpected end of hex escape" => "onvolledige \\u-escape",
        "recursion limit exceeded" => "te diep genest",
        // toml (bij het omzetten naar waarden)
        "wanted string or table" => "verkeerd soort waarde, verwacht een tekst of een tabel",
        "duplicate key" => "deze sleutel staat er al",
        "integer number overflowed" => "het gehele getal is te groot",
        "floating-point number overflowed" => "het getal is te groot",
        "expected empty array" => "verkeerd soort waarde, verwacht een lege lijst",
        "expected empty table" => "verkeerd soort waarde, verwacht een lege tabel",
        "recursion limit" => "te diep genest",
        // str::parse en clap
        "invalid digit found in string" => "geen geheel getal (alleen cijfers)",
        "cannot parse integer from empty string" => "leeg; verwacht een geheel getal",
        "number too large to fit in target type" => "het getal is te groot",
        "number too small to fit in target type" => "het getal is te klein",
        "invalid float literal" => "geen getal",
        "cannot parse float from empty string" => "leeg; verwacht een getal",
        "invalid IP address syntax" => "geen geldig IP-adres (bijvoorbeeld 127.0.0.1 of ::1)",
        "invalid socket address syntax" => "geen geldig adres met poort (bijvoorbeeld 127.0.0.1:8080)",
        "provided string was not `true` or `false`" => "kies true of false",
        _ => return None,
    })
}

/// De syntaxisfouten van toml: "beschrijving, expected verwachting".
fn toml_syntax(m: &str) -> Option<String> {
    let (beschrijving, verwacht) = m.split_once(", expected ").unwrap_or((m, ""));
    let nl = match beschrijving {
        "string values must be quoted" => "een tekst moet tussen aanhalingstekens staan",
        "key with no value" => "een sleutel zonder waarde (`=` ontbreekt)",
        "missing value" | "missing value for key" => "de waarde ontbreekt",
        "invalid basic string" => "de tekst is niet afgesloten of bevat een ongeldig teken",
        "invalid multi-line basic string" => "de tekst over meer regels is niet afgesloten of bevat een ongeldig teken",
        "missing opening quote" => "het openende aanhalingsteken ontbreekt",
        "unclosed table" => "de tabelnaam is niet afgesloten met `]`",
        "unclosed array table" => "de naam van de tabellenlijst is niet afgesloten met `]]`",
        "unclosed array" => "de lijst is niet afgesloten met `]`",
        "unclosed inline table" => "de tabel is niet afgesloten met `}`",
        "unquoted keys cannot be empty" => "een sleutel zonder aanhalingstekens mag niet leeg zijn",
        "invalid unquoted key" => "ongeldige sleutel; zonder aanhalingstekens alleen letters, cijfers, `-` en `_`",
        "missing assignment between key-value pairs" => "tussen sleutel en waarde hoort `=`",
        "extra assignment between key-value pairs" => "een `=` te veel",
        "extra `=`" => "een `=` te veel",
        "missing comma between array elements" => "tussen de elementen van de lijst hoort een komma",
        "missing comma between key-value pairs" => "tussen de paren in de tabel hoort een komma",
        "extra comma in array" => "een komma te veel in de lijst",
        "extra comma in inline table" => "een komma te veel in de tabel",
        "missing key for inline table element" => "een sleutel ontbreekt in de tabel",
        "missing inline table opening" => "het openende `{` van de tabel ontbreekt",
        "missing array opening" => "het openende `[` van de lijst ontbreekt",
        "missing table open" => "het openende `[` van de tabelnaam ontbreekt",
        "invalid inline table element" => "ongeldig element in de tabel",
        "invalid key-value pair" => "ongeldig paar van sleutel en waarde",
        "invalid value" => "ongeldige waarde",
        "invalid boolean" => "ongeldige waarheidswaarde; kies true of false",
        "unexpected key or value" => "onverwachte sleutel of waarde",
        "unexpected content" => "onverwachte tekst",
        "unexpected content between comment and newline" => "onverwachte tekst na het commentaar",
        "unexpected `=` in array" => "een `=` hoort niet in een lijst",
        "unexpected leading zero" => "een getal begint niet met een nul",
        "unexpected sign" => "onverwacht teken + of -",
        "redundant numeric sign" => "een teken + of - te veel",
        "redundant integer number prefix" => "een voorvoegsel (0x, 0o, 0b) te veel",
        "integers with a radix cannot be signed" => "een getal met 0x, 0o of 0b heeft geen + of -",
        "radix must be lowercase" => "schrijf 0x, 0o en 0b met een kleine letter",
        "`_` may only go between digits" => "`_` mag alleen tussen cijfers staan",
        "missing escaped value" => "na `\\` ontbreekt wat er bedoeld is",
        "too few unicode value digits" => "te weinig cijfers in een \\u-escape",
        "carriage return must be followed by newline" => "een regelterugloop (CR) zonder regeleinde (LF)",
        "missing comment start" => "het commentaar begint niet met `#`",
        "invalid comment character" => "ongeldig teken in het commentaar",
        "keys cannot be multi-line basic strings" | "keys cannot be multi-line literal strings" => "een sleutel kan niet over meer regels gaan",
        "cannot recurse further; max recursion depth met" => "te diep genest",
        "cannot extend value of type array with a dotted key" => "een lijst kan niet worden uitgebreid met een sleutel met punten",
        "cannot extend value of type inline table with a dotted key" => "een tabel in één regel kan niet worden uitgebreid met een sleutel met punten",
        _ => return None,
    };
    // De verwachting is meestal al in de zin verwerkt; alleen letterlijke tekens (`=`, `]`) voegen iets toe.
    let letterlijk = !verwacht.is_empty() && verwacht.split(", ").all(|v| v.starts_with('`'));
    Some(if letterlijk && !nl.contains(verwacht.trim_matches('`')) { format!("{nl}; verwacht {}", verwacht.replace(" or ", " of ")) } else { nl.to_string() })
}

/// clap meldt een getal buiten het bereik als "99999 is not in 0..=65535".
fn getal_buiten_bereik(m: &str) -> Option<String> {
    let (waarde, bereik) = m.split_once(" is not in ")?;
    let (van, tot) = bereik.split_once("..=")?;
    let getal = |s: &str| !s.is_empty() && s.trim_start_matches('-').chars().all(|c| c.is_ascii_digit());
    if !(getal(waarde) && getal(van) && getal(tot)) {
        return None;
    }
    Some(format!("{waarde} ligt niet tussen {van} en {tot}"))
}

/// jiff: datums en tijdstippen (RFC 3339). We noemen wat er mis is, als we het herkennen, en altijd de vorm.
fn datum_of_tijd(m: &str) -> Option<String> {
    const KENMERKEN: &[&str] = &[
        "four digit",
        "two digit",
        "required range",
        "which is required for parsing",
        "parsed date",
        "unparsed input",
        "civil date",
        "datetime",
        "offset",
        "time zone",
    ];
    if !KENMERKEN.iter().any(|k| m.contains(k)) {
        return None;
    }
    let onderdeel = |naam: &str| match naam {
        "year" => "het jaar",
        "month" => "de maand",
        "day" => "de dag",
        "hour" => "het uur",
        "minute" => "de minuut",
        "second" => "de seconde",
        "subsec_nanosecond" | "fraction" => "de fractie van de seconde",
        "offset-hours" | "offset-minutes" | "offset-seconds" => "de tijdzone",
        _ => "een onderdeel",
    };
    let detail = if let Some((_, r)) = m.split_once("parameter '") {
        let (naam, rest) = r.split_once('\'').unwrap_or((r, ""));
        let bereik = rest.rsplit(' ').next().unwrap_or("").trim_matches('`');
        match bereik.split_once("..=") {
            Some((van, tot)) => Some(format!("{} moet tussen {van} en {tot} liggen", onderdeel(naam))),
            None => Some(format!("{} klopt niet", onderdeel(naam))),
        }
    } else if m.contains("four digit integer as year") || m.starts_with("expected four digit year") {
        Some("het begint niet met een jaar van vier cijfers".into())
    } else if m.contains("failed to find time component") {
        Some("de tijd ontbreekt".into())
    } else if m.contains("failed to find offset component") {
        Some("de tijdzone ontbreekt (Z of bijvoorbeeld +02:00)".into())
    } else if m.contains("with a Zulu offset") {
        Some("een datum zonder tijdstip en zonder Z".into())
    } else if let Some((_, r)) = m.split_once("unparsed input ") {
        Some(format!("daarna staat nog {}", r.split(" remains").next().unwrap_or(r)))
    } else {
        None
    };
    let vorm = "RFC 3339: een datum als 2021-05-10, een tijdstip als 2021-05-10T10:00:00Z";
    Some(match detail {
        Some(d) => format!("geen geldige datum of tijd: {d} ({vorm})"),
        None => format!("geen geldige datum of tijd ({vorm})"),
    })
}

#[cfg(test)]
mod tests {
    use super::nederlands;

    /// Engelse woorden die niet in een vertaalde melding mogen staan.
    const ENGELS: &[&str] =
        &["missing", "unknown", "invalid", "expected", "EOF", "trailing", "duplicate", "parse", "found", "string", "integer", "sequence", "type", "value:"];

    #[test]
    fn elke_bekende_melding_wordt_nederlands() {
        let gevallen: &[(&str, &str)] = &[
            ("missing field `ronde`", "het veld `ronde` ontbreekt"),
            ("duplicate field `eigenaar_bewoner`", "het veld `eigenaar_bewoner` staat er twee keer"),
            ("unknown field `poort`, expected one of `port`, `bind`", "onbekend veld `poort`; toegestaan zijn: `port`, `bind`"),
            ("unknown field `x`, expected `a`", "onbekend veld `x`; toegestaan is alleen `a`"),
            ("unknown field `x`, there are no fields", "onbekend veld `x`; hier zijn geen velden toegestaan"),
            ("unknown variant `test`, expected `ontwikkeling` or `productie`", "onbekende waarde \"test\"; toegestaan zijn: \"ontwikkeling\" of \"productie\""),
            ("unknown variant `x`, expected one of `a`, `b`, `c`", "onbekende waarde \"x\"; toegestaan zijn: \"a\", \"b\", \"c\""),
            ("invalid type: string \"a\", expected u32", "verkeerd soort waarde: tekst \"a\", verwacht een geheel getal van 0 tot en met 4294967295"),
            ("invalid type: integer `5`, expected a string at line 39 column 25", "verkeerd soort waarde: getal 5, verwacht een tekst"),
            (
                "invalid type: floating point `4.5`, expected u32",
                "verkeerd soort waarde: kommagetal 4.5, verwacht een geheel getal van 0 tot en met 4294967295",
            ),
            ("invalid type: boolean `true`, expected a string", "verkeerd soort waarde: waarheidswaarde true, verwacht een tekst"),
            ("invalid type: null, expected a date string", "verkeerd soort waarde: null, verwacht een datum als tekst (bijvoorbeeld \"2021-05-10\")"),
            ("invalid type: map, expected a sequence", "verkeerd soort waarde: een object, verwacht een lijst"),
            ("invalid type: sequence, expected struct Contactpersoon", "verkeerd soort waarde: een lijst, verwacht een object (Contactpersoon)"),
            ("invalid type: integer `5`, expected path string", "verkeerd soort waarde: getal 5, verwacht een pad (tekst)"),
            ("invalid value: integer `-4`, expected u32", "ongeldige waarde: getal -4, verwacht een geheel getal van 0 tot en met 4294967295"),
            ("invalid value: integer `99999`, expected u16", "ongeldige waarde: getal 99999, verwacht een geheel getal van 0 tot en met 65535"),
            ("invalid length 0, expected struct Aanvraag with 11 elements", "verkeerd soort waarde: een lijst, verwacht een object (Aanvraag)"),
            ("invalid length 1, expected a tuple of size 2", "verkeerd aantal elementen: 1, verwacht een lijst van 2 elementen"),
            (
                "expected value at line 9 column 13",
                "hier hoort een waarde (een tekst tussen dubbele aanhalingstekens, een getal, object, lijst, true, false of null)",
            ),
            ("EOF while parsing an object", "het bestand houdt midden in een object op"),
            ("trailing characters", "na het einde van de waarde staat nog tekst"),
            ("key with no value, expected `=`", "een sleutel zonder waarde (`=` ontbreekt)"),
            ("unclosed array, expected `]`", "de lijst is niet afgesloten met `]`"),
            ("string values must be quoted, expected literal string", "een tekst moet tussen aanhalingstekens staan"),
            ("invalid boolean, expected `true`", "ongeldige waarheidswaarde; kies true of false"),
            ("wanted string or table", "verkeerd soort waarde, verwacht een tekst of een tabel"),
            ("99999 is not in 0..=65535", "99999 ligt niet tussen 0 en 65535"),
            ("invalid digit found in string", "geen geheel getal (alleen cijfers)"),
            ("invalid IP address syntax", "geen geldig IP-adres (bijvoorbeeld 127.0.0.1 of ::1)"),
            (
                "failed to parse two digit integer as month: parameter 'month' is not in the required range of 1..=12",
                "geen geldige datum of tijd: de maand moet tussen 1 en 12 liggen (RFC 3339: een datum als 2021-05-10, een tijdstip als 2021-05-10T10:00:00Z)",
            ),
            (
                "parsed date is not valid: parameter 'day' for `2021-02` is invalid, must be in range `1..=28`",
                "geen geldige datum of tijd: de dag moet tussen 1 en 28 liggen (RFC 3339: een datum als 2021-05-10, een tijdstip als 2021-05-10T10:00:00Z)",
            ),
            (
                "failed to parse four digit integer as year: invalid digit, expected 0-9 but got g",
                "geen geldige datum of tijd: het begint niet met een jaar van vier cijfers (RFC 3339: een datum als 2021-05-10, een tijdstip als 2021-05-10T10:00:00Z)",
            ),
            (
                "failed to find offset component, which is required for parsing a timestamp",
                "geen geldige datum of tijd: de tijdzone ontbreekt (Z of bijvoorbeeld +02:00) (RFC 3339: een datum als 2021-05-10, een tijdstip als 2021-05-10T10:00:00Z)",
            ),
        ];
        for (engels, verwacht) in gevallen {
            let nl = nederlands(engels);
            assert_eq!(&nl, verwacht, "{engels}");
        }
    }

    /// Alle vaste zinnen die we kennen, worden iets zonder Engelse woorden.
    #[test]
    fn geen_engels_over() {
        let zinnen = [
            "EOF while parsing a value",
            "EOF while parsing a list",
            "EOF while parsing a string",
            "expected `:`",
            "expected `,` or `]`",
            "expected `,` or `}`",
            "expected ident",
            "invalid escape",
            "invalid number",
            "number out of range",
            "key must be a string",
            "trailing comma",
            "control character (\\u0000-\\u001F) found while parsing a string",
            "duplicate key",
            "integer number overflowed",
            "unquoted keys cannot be empty, expected letters, numbers, `-`, `_`",
            "invalid basic string, expected `\"`",
            "unclosed table, expected `]`",
            "missing comma between array elements, expected `,`",
            "cannot parse integer from empty string",
            "number too large to fit in target type",
            "expected four digit year (or leading sign for six digit year), but found end of input",
            "failed to find time component, which is required for parsing a timestamp",
            "parsed value '2021-05-10T10:00:00Z', but unparsed input \"x\" remains (expected no unparsed input)",
            "invalid type: unit value, expected option",
            "invalid type: character `c`, expected a boolean",
        ];
        for z in zinnen {
            let nl = nederlands(z);
            for w in ENGELS {
                assert!(!nl.contains(w), "'{z}' werd '{nl}' (met '{w}')");
            }
        }
    }

    #[test]
    fn een_tomlfout_noemt_regel_kolom_en_plek() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Bestand {
            port: Option<u16>,
        }
        let tekst = "# poort\nport = \"acht\"\n";
        let e = toml::from_str::<Bestand>(tekst).unwrap_err();
        assert_eq!(
            super::toml_fout(tekst, &e),
            "regel 2, kolom 8: verkeerd soort waarde: tekst \"acht\", verwacht een geheel getal van 0 tot en met 65535\n  |\n2 | port = \"acht\"\n  |        ^^^^^^"
        );
        let e = toml::from_str::<Bestand>("poort = 1").unwrap_err();
        assert!(super::toml_fout("poort = 1", &e).starts_with("regel 1, kolom 1: onbekend veld `poort`; toegestaan is alleen `port`"));
    }

    #[test]
    fn eigen_meldingen_blijven_zoals_ze_zijn() {
        for m in ["'x' is geen getal met hoogstens 2 decimalen", "GM9999 is onbekend", "'Z' is geen energielabel"] {
            assert_eq!(nederlands(m), m);
        }
    }
}
