//! The serializers: parse(serialize(x)) == x (numbers by value: PHP prints a whole float as
//! an integer), the PHP bytes are ASCII, and serializing twice gives the same MD5.
#![no_main]

use amojo_kit::{BodyStyle, content_md5, parse_json, serialize_body};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && same(v1, v2))
        }
        _ => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = parse_json(data) else {
        return;
    };
    for style in [BodyStyle::Compact, BodyStyle::Php] {
        let text = serialize_body(&parsed.value, style);
        let back = parse_json(text.as_bytes()).expect("our own output parses");
        assert!(same(&back.value, &parsed.value), "{style:?}: {text}");
        assert_eq!(
            content_md5(text.as_bytes()),
            content_md5(serialize_body(&back.value, style).as_bytes())
        );
        if style == BodyStyle::Php {
            assert!(text.is_ascii());
        }
    }
});
