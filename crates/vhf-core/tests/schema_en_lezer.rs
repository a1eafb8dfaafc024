//! Het gepubliceerde schema en de lezer zijn het eens: elke grens die `schema/aanvraag.schema.json` stelt
//! (lengte van een tekst, aantal in een lijst, minimum en maximum van een getal, patroon), wordt hier uit het schema
//! zelf afgeleid, in het voorbeeld van Zaanstad overtreden, en de lezer moet die aanvraag weigeren, met precies dat
//! veld in de fout. Komt er in `aanvraag.rs` een grens bij die de lezer niet afdwingt, dan faalt deze test.

use serde_json::{Map, Value};

#[derive(Clone, Debug)]
enum Stap {
    Veld(String),
    Plek(usize),
}

fn pad_tekst(pad: &[Stap]) -> String {
    let mut s = String::new();
    for p in pad {
        match p {
            Stap::Veld(v) if s.is_empty() => s.push_str(v),
            Stap::Veld(v) => {
                s.push('.');
                s.push_str(v)
            }
            Stap::Plek(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Een overtreding: het pad en de waarde die de grens overschrijdt.
struct Overtreding {
    pad: Vec<Stap>,
    grens: String,
    waarde: Box<dyn Fn(&Value) -> Value>,
}

fn los_op<'a>(schema: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        Some(naam) => los_op(&defs[naam], defs),
        None => schema,
    }
}

fn loop_af(schema: &Value, defs: &Map<String, Value>, pad: Vec<Stap>, uit: &mut Vec<Overtreding>) {
    let schema = los_op(schema, defs);
    for k in ["anyOf", "oneOf", "allOf"] {
        for s in schema.get(k).and_then(Value::as_array).into_iter().flatten() {
            loop_af(s, defs, pad.clone(), uit);
        }
    }
    if let Some(n) = schema.get("minLength").and_then(Value::as_u64) {
        uit.push(Overtreding { pad: pad.clone(), grens: format!("minLength {n}"), waarde: Box::new(move |_| Value::String("x".repeat(n as usize - 1))) });
    }
    if let Some(n) = schema.get("maxLength").and_then(Value::as_u64) {
        uit.push(Overtreding { pad: pad.clone(), grens: format!("maxLength {n}"), waarde: Box::new(move |_| Value::String("x".repeat(n as usize + 1))) });
    }
    if let Some(n) = schema.get("minItems").and_then(Value::as_u64) {
        uit.push(Overtreding {
            pad: pad.clone(),
            grens: format!("minItems {n}"),
            waarde: Box::new(move |v| Value::Array(v.as_array().map(|a| a[..(n as usize - 1).min(a.len())].to_vec()).unwrap_or_default())),
        });
    }
    if let Some(n) = schema.get("maximum").and_then(Value::as_u64) {
        uit.push(Overtreding { pad: pad.clone(), grens: format!("maximum {n}"), waarde: Box::new(move |_| Value::from(n + 1)) });
    }
    if let Some(n) = schema.get("minimum").and_then(Value::as_i64) {
        uit.push(Overtreding { pad: pad.clone(), grens: format!("minimum {n}"), waarde: Box::new(move |_| Value::from(n - 1)) });
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        // Een teken dat in geen van de patronen van het schema past.
        uit.push(Overtreding { pad: pad.clone(), grens: format!("pattern {p}"), waarde: Box::new(|_| Value::String("!".into())) });
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (k, s) in props {
            let mut p = pad.clone();
            p.push(Stap::Veld(k.clone()));
            loop_af(s, defs, p, uit);
        }
    }
    if let Some(items) = schema.get("items") {
        let mut p = pad.clone();
        p.push(Stap::Plek(0));
        loop_af(items, defs, p, uit);
    }
}

fn plek<'a>(v: &'a mut Value, pad: &[Stap]) -> Option<&'a mut Value> {
    pad.iter().try_fold(v, |v, s| match s {
        Stap::Veld(k) => v.get_mut(k.as_str()),
        Stap::Plek(i) => v.get_mut(*i),
    })
}

#[test]
fn het_schema_en_de_lezer_zijn_het_eens() {
    let schema = serde_json::to_value(vhf_core::aanvraag_schema()).unwrap();
    let defs = schema.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut grenzen = Vec::new();
    loop_af(&schema, &defs, vec![], &mut grenzen);
    let voorbeeld: Value = serde_json::from_str(include_str!("../../../examples/zaanstad-poelenburg-peldersveld.json")).unwrap();
    assert!(vhf_core::invoer::lees_aanvraag(&voorbeeld.to_string()).is_ok());
    let mut getoetst = 0;
    let mut fouten = Vec::new();
    for o in &grenzen {
        let mut v = voorbeeld.clone();
        let Some(doel) = plek(&mut v, &o.pad) else { continue };
        *doel = (o.waarde)(doel);
        getoetst += 1;
        let veld = pad_tekst(&o.pad);
        match vhf_core::invoer::lees_aanvraag(&v.to_string()) {
            Ok(_) => fouten.push(format!("{veld} ({}): de lezer nam het aan", o.grens)),
            // Het veld zelf, of (bij een patroon in een type met eigen lezer) een veld daarbinnen.
            Err(e) if e.veld.as_deref().is_some_and(|f| f == veld || f.starts_with(&format!("{veld}."))) => {}
            Err(e) => fouten.push(format!("{veld} ({}): geweigerd, maar op veld {:?}: {}", o.grens, e.veld, e.melding)),
        }
    }
    assert!(fouten.is_empty(), "schema en lezer zijn het oneens:\n{}", fouten.join("\n"));
    // Zo kan de test niet stil niets toetsen: het voorbeeld raakt de grenzen van het schema echt.
    assert!(getoetst >= 15, "maar {getoetst} grenzen getoetst van de {} in het schema", grenzen.len());
}

#[test]
fn een_leeg_of_te_lang_kenmerk_noemt_regel_en_veld() {
    let tekst = include_str!("../../../examples/zaanstad-poelenburg-peldersveld.json");
    let v: Value = serde_json::from_str(tekst).unwrap();
    let kenmerk = v["kenmerk"].as_str().unwrap();
    let e = vhf_core::invoer::lees_aanvraag(&tekst.replacen(&format!("\"{kenmerk}\""), "\"\"", 1)).unwrap_err();
    assert_eq!(e.veld.as_deref(), Some("kenmerk"));
    assert_eq!(e.melding, "mag niet leeg zijn");
    assert!(e.regel.is_some());
    let e = vhf_core::invoer::lees_aanvraag(&tekst.replacen(&format!("\"{kenmerk}\""), &format!("\"{}\"", "K".repeat(65)), 1)).unwrap_err();
    assert_eq!((e.veld.as_deref(), e.melding.as_str()), (Some("kenmerk"), "is 65 tekens lang; hoogstens 64"));
}
