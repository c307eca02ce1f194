//! The JSON parser (src/json/node.rs) against serde_json, the reference it replaced:
//! the same values, the same accept/reject verdicts, the same error positions; and its
//! duplicate-key handling against a model (last wins, moved to its last position; the
//! pointers in the order the duplicates' values end), on both sides of the per-object
//! scan limit.
#![cfg(not(target_arch = "wasm32"))]

use amojo_kit::{BodyStyle, JsonErrorKind, parse_json, reserialize};
use proptest::prelude::*;
use serde_json::Value;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,12}".prop_map(Value::String),
        "[\\x00-\\x1f\"\\\\/\u{7f}-\u{10ffff}]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-c~/]{0,3}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// JSON-ish text: valid documents with one byte replaced, removed or the text cut.
fn mangled() -> impl Strategy<Value = Vec<u8>> {
    (
        json_value(),
        any::<prop::sample::Index>(),
        any::<u8>(),
        0..3u8,
    )
        .prop_map(|(v, at, byte, how)| {
            let mut b = if byte % 2 == 0 {
                serde_json::to_vec(&v).unwrap_or_default()
            } else {
                serde_json::to_vec_pretty(&v).unwrap_or_default()
            };
            if b.is_empty() {
                return b;
            }
            let i = at.index(b.len());
            match how {
                0 => b[i] = byte,
                1 => {
                    b.remove(i);
                }
                _ => b.truncate(i),
            }
            b
        })
}

fn reference(bytes: &[u8]) -> Result<Value, (usize, usize)> {
    serde_json::from_slice::<Value>(bytes).map_err(|e| (e.line(), e.column()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn same_values_as_serde_json(v in json_value(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) };
        let text = text.unwrap_or_default();
        let ours = parse_json(text.as_bytes()).map(|p| p.value);
        prop_assert_eq!(ours.as_ref().ok(), Some(&v), "{}", text);
        // And the compact writer gives serde_json's bytes back.
        prop_assert_eq!(reserialize(text.as_bytes(), BodyStyle::Compact).ok(), Some(v.to_string()));
    }

    #[test]
    fn same_verdicts_and_positions_as_serde_json(b in mangled()) {
        let ours = parse_json(&b);
        match (&ours, reference(&b)) {
            (Ok(p), Ok(v)) if p.duplicate_keys.is_empty() => prop_assert_eq!(&p.value, &v),
            (Ok(_), Ok(_)) => {}
            // (Positions of invalid UTF-8 are only checked for the verdict: serde_json's
            // depend on where the bytes sit.)
            (Err(_), Err(_)) if std::str::from_utf8(&b).is_err() => {}
            // (serde_json stops at the digit where an exponent overflows i32.)
            (Err(e), Err(pos)) if e.message.starts_with("number out of range") => prop_assert_eq!(e.line, pos.0),
            (Err(e), Err(pos)) => prop_assert_eq!((e.line, e.column), pos, "{:?} {}", String::from_utf8_lossy(&b), e),
            (o, r) => prop_assert!(false, "{:?}: ours {:?}, serde_json {:?}", String::from_utf8_lossy(&b), o, r),
        }
    }

    #[test]
    fn same_verdicts_on_arbitrary_bytes(b in prop::collection::vec(prop::sample::select(b"{}[],:\"\\ntrufalse0123456789.eE+- \n\tu\xd0\x90\x01".to_vec()), 0..40)) {
        prop_assert_eq!(parse_json(&b).is_ok(), reference(&b).is_ok(), "{:?}", String::from_utf8_lossy(&b));
    }

    #[test]
    fn duplicates_match_the_model(t in tree()) {
        let mut text = String::new();
        write_tree(&t, &mut text);
        let (want, dups) = model(&t, "");
        let got = parse_json(text.as_bytes()).map_err(|e| e.to_string());
        prop_assert!(got.is_ok(), "{}", text);
        let got = got.unwrap_or_else(|_| unreachable!());
        prop_assert_eq!(&got.value, &want, "{}", text);
        prop_assert_eq!(&got.duplicate_keys, &dups, "{}", text);
    }
}

#[derive(Debug, Clone)]
enum Tree {
    Leaf(u8),
    Obj(Vec<(String, Tree)>),
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = any::<u8>().prop_map(Tree::Leaf);
    leaf.prop_recursive(3, 120, 40, |inner| {
        // Few distinct keys, up to 40 entries: duplicates both below and above the
        // parser's scan limit (16).
        prop::collection::vec(("[a-h]|x/y|t~", inner), 0..40).prop_map(Tree::Obj)
    })
}

fn write_tree(t: &Tree, out: &mut String) {
    match t {
        Tree::Leaf(n) => out.push_str(&n.to_string()),
        Tree::Obj(kv) => {
            out.push('{');
            for (i, (k, v)) in kv.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                write_tree(v, out);
            }
            out.push('}');
        }
    }
}

/// The value and the duplicate pointers the parser must give.
fn model(t: &Tree, at: &str) -> (Value, Vec<String>) {
    match t {
        Tree::Leaf(n) => (Value::from(*n), Vec::new()),
        Tree::Obj(kv) => {
            let mut entries: Vec<(String, Value)> = Vec::new();
            let mut dups = Vec::new();
            for (k, v) in kv {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                let (value, inner) = model(v, &here);
                dups.extend(inner);
                if let Some(pos) = entries.iter().position(|(e, _)| e == k) {
                    entries.remove(pos);
                    dups.push(here);
                }
                entries.push((k.clone(), value));
            }
            (Value::Object(entries.into_iter().collect()), dups)
        }
    }
}

#[test]
fn nesting_limit_is_128() {
    // (serde_json stops one level earlier, at 127.)
    for depth in [1, 127, 128, 129, 1000] {
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let parsed = parse_json(text.as_bytes());
        assert_eq!(parsed.is_ok(), depth <= 128, "depth {depth}");
        if depth > 128 {
            assert!(
                parsed.is_err_and(
                    |e| e.kind == JsonErrorKind::TooDeep && (e.line, e.column) == (1, 129)
                )
            );
        }
    }
}

#[test]
fn numbers_classified_as_serde_json_does() {
    for text in [
        "0",
        "-0",
        "-0.0",
        "1",
        "-1",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "1e400",
        "-1e400",
        "1.5",
        "1E2",
        "1e-400",
        "0.1",
        "123456789012345678901234567890",
        "01",
        "-",
        "1.",
        "1e",
        ".5",
        "+1",
        "2.5e+3",
    ] {
        let ours = parse_json(text.as_bytes()).map(|p| p.value);
        match (ours, reference(text.as_bytes())) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, b, "{text}");
                assert_eq!(a.to_string(), b.to_string(), "{text}");
            }
            (Err(e), Err(pos)) => assert_eq!((e.line, e.column), pos, "{text}: {e}"),
            (a, b) => panic!("{text}: ours {a:?}, serde_json {b:?}"),
        }
    }
}
