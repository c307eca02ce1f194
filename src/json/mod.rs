//! JSON in and out: a parser that keeps key order and notices duplicate keys, and the two
//! body styles (`compact`, and `php`, byte-identical to PHP `json_encode` defaults).

mod node;

use std::fmt::{self, Write as _};
use std::str::FromStr;

use serde_json::{Number, Value};

pub(crate) use node::{
    Entries, Node, Num, Path, lookup, parse as parse_node, previous_occurrences, push_u64,
    push_usize, same_key,
};

/// How a body is serialized before it is hashed and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyStyle {
    /// serde_json compact UTF-8: no whitespace, non-ASCII as is, `/` unescaped.
    #[default]
    Compact,
    /// PHP `json_encode` with default flags: `\/`, lowercase `\uXXXX` for every
    /// non-ASCII character (surrogate pairs for astral ones). Reproduces the docs' MD5s.
    Php,
}

impl BodyStyle {
    /// Both styles.
    pub const ALL: [BodyStyle; 2] = [BodyStyle::Compact, BodyStyle::Php];

    /// `"compact"` or `"php"`.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyStyle::Compact => "compact",
            BodyStyle::Php => "php",
        }
    }
}

impl FromStr for BodyStyle {
    type Err = crate::ParseNameError;
    fn from_str(s: &str) -> Result<Self, crate::ParseNameError> {
        BodyStyle::ALL
            .into_iter()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| {
                crate::ParseNameError::new("body style", s, &BodyStyle::ALL.map(BodyStyle::as_str))
            })
    }
}

/// Serializes a JSON value in the given style.
pub fn serialize_body(value: &Value, style: BodyStyle) -> String {
    write_body(&Node::from(value), style)
}

pub(crate) fn write_body(node: &Node<'_>, style: BodyStyle) -> String {
    let mut out = String::new();
    write_value(node, style, &mut out);
    out
}

/// Parses JSON bytes and serializes them again in `style`, keeping key order.
///
/// # Errors
///
/// [`JsonError`] when the bytes are not one JSON value.
pub fn reserialize(bytes: &[u8], style: BodyStyle) -> Result<String, JsonError> {
    Ok(write_body(&parse_node(bytes, MAX_PARSE_DEPTH)?.node, style))
}

// One writer for both styles (instead of serde_json's io::Write-based serializer, which is
// much larger in wasm): `compact` is byte-identical to serde_json's compact output.
fn write_value(v: &Node<'_>, style: BodyStyle, out: &mut String) {
    match v {
        Node::Null => out.push_str("null"),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Num(n) => write_number(*n, style, out),
        Node::Str(s) => write_string(s, style, out),
        Node::Arr(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(x, style, out);
            }
            out.push(']');
        }
        Node::Obj(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, style, out);
                out.push(':');
                write_value(x, style, out);
            }
            out.push('}');
        }
    }
}

pub(crate) fn write_string(s: &str, style: BodyStyle, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let php = style == BodyStyle::Php;
    let plain = |b: u8| b >= 0x20 && b != b'"' && b != b'\\' && !(php && (b == b'/' || b >= 0x80));
    out.reserve(s.len() + 2);
    out.push('"');
    let mut rest = s;
    while !rest.is_empty() {
        // Copy the longest run that needs no escape in one go.
        let run = rest.bytes().position(|b| !plain(b)).unwrap_or(rest.len());
        let (head, tail) = rest.split_at(run);
        out.push_str(head);
        let Some(ch) = tail.chars().next() else {
            break;
        };
        rest = &tail[ch.len_utf8()..];
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Other control characters, and (PHP) every non-ASCII character as UTF-16
            // units (DEL stays as is in both styles).
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str("\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(char::from(HEX[usize::from((*unit >> shift) & 0xf)]));
                    }
                }
            }
        }
    }
    out.push('"');
}

pub(crate) fn write_number(n: Num, style: BodyStyle, out: &mut String) {
    match n {
        Num::Int(i) => {
            if i < 0 {
                out.push('-');
            }
            push_u64(out, i.unsigned_abs());
        }
        Num::Big(u) => push_u64(out, u),
        Num::Float(f) if style == BodyStyle::Php => out.push_str(&php_float(f)),
        // serde_json's shortest float form (`1.0`, `1e25`).
        Num::Float(f) => match Number::from_f64(f) {
            Some(n) => out.push_str(&n.to_string()),
            None => out.push_str("null"),
        },
    }
}

/// The shortest round-trip decimal digits of `f` (no sign, no leading or trailing zeros)
/// and the position of the decimal point relative to them (`0.0012` → ("12", -2)).
fn shortest_digits(f: f64) -> (String, i32) {
    // serde_json's float formatting gives the shortest round-trip form ("1e25", "0.0012").
    let text = Number::from_f64(f.abs()).map_or_else(|| "0".to_owned(), |n| n.to_string());
    let (mant, exp) = text.split_once(['e', 'E']).unwrap_or((&text, "0"));
    let exp: i32 = exp.trim_start_matches('+').parse().unwrap_or(0);
    let point = mant.find('.').unwrap_or(mant.len());
    let all: String = mant.chars().filter(char::is_ascii_digit).collect();
    let lead = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_start_matches('0').trim_end_matches('0').to_owned();
    (digits, point as i32 - lead as i32 + exp)
}

/// A float as PHP ≥ 7.1 `json_encode` prints it with default flags (`serialize_precision
/// = -1`, no `JSON_PRESERVE_ZERO_FRACTION`): `php_gcvt` with the shortest round-trip
/// digits, fixed notation (whole numbers without `.0`), and `d.ddde±X` when the decimal
/// point position is below -3 or above 17.
pub fn php_float(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    let (digits, decpt) = shortest_digits(f);
    let exp = decpt - 1;
    let mut s = String::new();
    if f < 0.0 {
        s.push('-');
    }
    if !(-3..=17).contains(&decpt) {
        let (first, rest) = digits.split_at(1);
        s.push_str(first);
        s.push('.');
        s.push_str(if rest.is_empty() { "0" } else { rest });
        let _ = write!(s, "e{}{}", if exp < 0 { '-' } else { '+' }, exp.abs());
    } else if decpt <= 0 {
        s.push_str("0.");
        for _ in 0..(-decpt) {
            s.push('0');
        }
        s.push_str(&digits);
    } else {
        let d = decpt as usize;
        if digits.len() <= d {
            s.push_str(&digits);
            for _ in digits.len()..d {
                s.push('0');
            }
        } else {
            s.push_str(&digits[..d]);
            s.push('.');
            s.push_str(&digits[d..]);
        }
    }
    s
}

/// Deepest nesting [`parse_json`] accepts (serde_json's own recursion limit).
pub const MAX_PARSE_DEPTH: usize = 128;

/// What kind of JSON error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// Not JSON: invalid UTF-8, a byte-order mark, a syntax error or trailing data.
    Syntax,
    /// The document nests deeper than the limit.
    TooDeep,
}

/// A JSON error with its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Syntax, or nesting too deep.
    pub kind: JsonErrorKind,
    /// 1-based line (0 when the input ended early).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What went wrong: mostly serde_json's wording (tests/parser.rs holds verdicts and
    /// positions to serde_json; a few messages differ, e.g. at the end of the input).
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JsonError {}

/// A parsed document: the value (key order kept; the last of duplicate keys wins, as in
/// JavaScript, PHP and serde_json) and the JSON Pointers of every duplicated key.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedJson {
    /// The value.
    pub value: Value,
    /// Pointers to keys that appeared more than once in their object.
    pub duplicate_keys: Vec<String>,
}

/// Parses one JSON document.
///
/// # Errors
///
/// [`JsonError`] for invalid UTF-8, a byte-order mark, a syntax error, trailing data,
/// or nesting deeper than 128.
pub fn parse_json(bytes: &[u8]) -> Result<ParsedJson, JsonError> {
    parse_json_with_depth(bytes, MAX_PARSE_DEPTH)
}

/// Parses one JSON document whose arrays and objects nest at most `max_depth` deep.
///
/// # Errors
///
/// As [`parse_json`]; deeper nesting is a [`JsonError`] of kind [`JsonErrorKind::TooDeep`].
pub fn parse_json_with_depth(bytes: &[u8], max_depth: usize) -> Result<ParsedJson, JsonError> {
    let parsed = parse_node(bytes, max_depth)?;
    Ok(ParsedJson {
        value: Value::from(&parsed.node),
        duplicate_keys: parsed.duplicate_keys,
    })
}

/// Escapes a key for a JSON Pointer (RFC 6901): `~` → `~0`, `/` → `~1`.
pub fn escape_pointer(key: &str) -> String {
    if !key.contains(['~', '/']) {
        return key.to_owned();
    }
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn php_strings() {
        let v: Value = serde_json::json!({"a/b": "Вася 😍 \"q\" \\ \n\u{1} <&'>\u{7f}é"});
        assert_eq!(
            serialize_body(&v, BodyStyle::Php),
            r#"{"a\/b":"\u0412\u0430\u0441\u044f \ud83d\ude0d \"q\" \\ \n\u0001 <&'>"#.to_owned()
                + "\u{7f}"
                + r#"\u00e9"}"#
        );
        assert_eq!(
            serialize_body(&v, BodyStyle::Compact),
            "{\"a/b\":\"Вася 😍 \\\"q\\\" \\\\ \\n\\u0001 <&'>\u{7f}é\"}"
        );
    }

    #[test]
    fn php_floats() {
        for (f, want) in [
            (1.0, "1"),
            (0.1, "0.1"),
            (-37.617635, "-37.617635"),
            (55.755814, "55.755814"),
            (1e25, "1.0e+25"),
            (1.5e-7, "1.5e-7"),
            (0.0001, "0.0001"),
            (0.00001, "1.0e-5"),
            (100000.0, "100000"),
            (1e15, "1000000000000000"),
            (1e16, "10000000000000000"),
            (1e17, "1.0e+17"),
            (0.5, "0.5"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (-0.0, "-0"),
        ] {
            assert_eq!(php_float(f), want, "{f}");
        }
    }

    #[test]
    fn parse_keeps_order_and_reports_duplicates() {
        let p = parse_json(br#"{"b":1,"a":{"x":1,"x":2},"a/~":[{"k":0,"k":1}]}"#).unwrap();
        assert_eq!(
            p.value.to_string(),
            r#"{"b":1,"a":{"x":2},"a/~":[{"k":1}]}"#
        );
        assert_eq!(p.duplicate_keys, vec!["/a/x", "/a~1~0/0/k"]);
    }

    #[test]
    fn parse_errors_have_positions() {
        let e = parse_json(b"{\n  \"a\": 1,\n}").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert!(parse_json(b"{} x").is_err());
        assert!(parse_json(b"\xEF\xBB\xBF{}").is_err());
        assert!(parse_json(b"\"\xff\"").is_err());
        let deep = "[".repeat(10_000);
        assert!(parse_json(deep.as_bytes()).is_err_and(|e| e.kind == JsonErrorKind::TooDeep));
        let ok = format!("{}{}", "[".repeat(8), "]".repeat(8));
        assert!(parse_json_with_depth(ok.as_bytes(), 8).is_ok());
        let e = parse_json_with_depth(format!("[{ok}]").as_bytes(), 8).unwrap_err();
        assert!(
            e.kind == JsonErrorKind::TooDeep && e.message.starts_with("nesting deeper than 8"),
            "{e:?}"
        );
        assert_eq!(parse_json(b"[1,]").unwrap_err().kind, JsonErrorKind::Syntax);
        let lone = parse_json(br#"{"a":"\ud83d"}"#).unwrap_err();
        assert!(lone.message.contains("lone UTF-16 surrogate"), "{lone:?}");
        assert!(parse_json(br#"{"a":"\ud83d\ude0d"}"#).is_ok());
    }
}
