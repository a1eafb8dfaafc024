//! Een kleine controle van JSON tegen een JSON Schema zoals schemars het maakt (2020-12: `$ref` naar `$defs`,
//! `type`, `properties`, `required`, `additionalProperties`, `items`, `prefixItems`, `enum`, `const`, `oneOf`,
//! `anyOf`, `allOf`). Strenger dan de standaard op één punt: een object mag alleen velden hebben die het schema
//! noemt (tenzij `additionalProperties` een schema is, zoals bij een map). Zo faalt de test ook als de uitvoer
//! een veld krijgt dat niet in het gepubliceerde schema beschreven staat. Patronen en formaten worden niet
//! gecontroleerd.

use serde_json::Value;

/// De afwijkingen van `waarde` ten opzichte van `schema` (leeg: in orde), elk met het pad in de waarde.
pub fn afwijkingen(schema: &Value, waarde: &Value) -> Vec<String> {
    let mut uit = Vec::new();
    controleer(schema, schema, waarde, "$", &mut uit);
    uit
}

fn controleer(wortel: &Value, s: &Value, w: &Value, pad: &str, uit: &mut Vec<String>) {
    if s == &Value::Bool(true) {
        return;
    }
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let naam = r.strip_prefix("#/$defs/").unwrap_or_else(|| panic!("onbekende $ref {r}"));
        let def = wortel["$defs"].get(naam).unwrap_or_else(|| panic!("$defs/{naam} ontbreekt"));
        controleer(wortel, def, w, pad, uit);
    }
    for (sleutel, alle) in [("oneOf", false), ("anyOf", false), ("allOf", true)] {
        if let Some(keuzes) = s.get(sleutel).and_then(Value::as_array) {
            let fouten: Vec<Vec<String>> = keuzes
                .iter()
                .map(|k| {
                    let mut f = Vec::new();
                    controleer(wortel, k, w, pad, &mut f);
                    f
                })
                .collect();
            let goed = fouten.iter().filter(|f| f.is_empty()).count();
            if (alle && goed < keuzes.len()) || (!alle && goed == 0) {
                uit.push(format!("{pad}: past bij geen van de {sleutel}-keuzes: {}", fouten.iter().flatten().cloned().collect::<Vec<_>>().join(" | ")));
            }
        }
    }
    if let Some(c) = s.get("const")
        && c != w
    {
        uit.push(format!("{pad}: verwacht {c}, kreeg {w}"));
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.contains(w)
    {
        uit.push(format!("{pad}: {w} is niet een van {}", Value::Array(e.clone())));
    }
    let typen: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(v)) => v.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !typen.is_empty() && !typen.iter().any(|t| past(t, w)) {
        uit.push(format!("{pad}: verwacht {}, kreeg {w}", typen.join(" of ")));
        return;
    }
    if let Value::Object(o) = w {
        let velden = s.get("properties").and_then(Value::as_object);
        for r in s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !o.contains_key(r) {
                uit.push(format!("{pad}: verplicht veld '{r}' ontbreekt"));
            }
        }
        let extra = s.get("additionalProperties");
        let beschreven = velden.is_some() || extra.is_some() || ["oneOf", "anyOf", "allOf", "$ref"].iter().any(|k| s.get(*k).is_some());
        for (k, v) in o {
            match (velden.and_then(|p| p.get(k)), extra) {
                (Some(sub), _) => controleer(wortel, sub, v, &format!("{pad}.{k}"), uit),
                (None, Some(x)) if x.is_object() => controleer(wortel, x, v, &format!("{pad}.{k}"), uit),
                (None, _) if !beschreven => {}
                // Velden van een keuze (oneOf) of verwijzing worden daar gecontroleerd.
                (None, _) if velden.is_none() => {}
                (None, _) => uit.push(format!("{pad}: veld '{k}' staat niet in het schema")),
            }
        }
    }
    if let Value::Array(a) = w {
        let voor = s.get("prefixItems").and_then(Value::as_array);
        for (i, x) in a.iter().enumerate() {
            let sub = voor.and_then(|p| p.get(i)).or_else(|| s.get("items").filter(|i| i.is_object()));
            if let Some(sub) = sub {
                controleer(wortel, sub, x, &format!("{pad}[{i}]"), uit);
            }
        }
    }
}

fn past(t: &str, w: &Value) -> bool {
    match t {
        "null" => w.is_null(),
        "boolean" => w.is_boolean(),
        "string" => w.is_string(),
        "integer" => w.is_i64() || w.is_u64(),
        "number" => w.is_number(),
        "array" => w.is_array(),
        "object" => w.is_object(),
        _ => panic!("onbekend type {t}"),
    }
}
