//! Structure-aware: arbitrary JSON built from the API's own field names, validated as a
//! value and as bytes (compact and PHP style): same verdict, same issues.
#![no_main]

use amojo_kit::{BodyStyle, Endpoint, ValidateOptions, serialize_body, validate, validate_value};
use std::sync::LazyLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

/// The rule tables' own field names (so the fuzzer follows the tables as they change).
static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(amojo_kit::field_names);
const STRINGS: &[&str] = &[
    "new_message",
    "edit_message",
    "text",
    "picture",
    "file",
    "video",
    "voice",
    "location",
    "contact",
    "sticker",
    "react",
    "unreact",
    "post",
    "v1",
    "v2",
    "",
    "https://x.example/a.png",
];

#[derive(Arbitrary, Debug)]
enum J {
    Null,
    Bool(bool),
    Int(i64),
    Small(i8),
    Float(f64),
    Known(u8),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(u8, Option<String>, J)>),
}

fn build(j: &J, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Int(i) => Value::from(*i),
        J::Small(i) => Value::from(*i),
        J::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        J::Known(k) => Value::from(STRINGS[usize::from(*k) % STRINGS.len()]),
        J::Str(s) => Value::from(s.as_str()),
        J::Arr(a) => Value::Array(a.iter().take(4).map(|x| build(x, depth + 1)).collect()),
        J::Obj(kv) => {
            let mut m = Map::new();
            for (k, custom, v) in kv.iter().take(10) {
                let key = custom
                    .clone()
                    .unwrap_or_else(|| KEYS[usize::from(*k) % KEYS.len()].to_owned());
                m.insert(key, build(v, depth + 1));
            }
            Value::Object(m)
        }
    }
}

fuzz_target!(|input: (u8, J)| {
    let (sel, j) = input;
    let endpoint = Endpoint::ALL[usize::from(sel) % Endpoint::ALL.len()];
    let value = build(&j, 0);
    let opts = ValidateOptions::default();
    let by_value = validate_value(endpoint, &value, &opts);
    for style in [BodyStyle::Compact, BodyStyle::Php] {
        let text = serialize_body(&value, style);
        let by_bytes = validate(endpoint, text.as_bytes(), &opts);
        // PHP prints a whole float as an integer, which may turn a `type` error into none:
        // only the compact text must give exactly what the value gives.
        if style == BodyStyle::Compact && text.len() <= opts.max_body_bytes {
            assert_eq!(by_value.valid, by_bytes.valid, "{text}");
            let codes = |r: &amojo_kit::Report| {
                r.errors
                    .iter()
                    .map(|i| (i.path.clone(), i.code.code()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(codes(&by_value), codes(&by_bytes), "{text}");
        }
    }
});
