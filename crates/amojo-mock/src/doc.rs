//! A request body as the handlers read it: JSON whose strings borrow from the body when
//! they can and whose objects are vectors of pairs. Parsing into `serde_json::Value` (an
//! ordered map per object, every string copied) was a quarter of a request's cost.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum J<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Cow<'a, str>),
    Arr(Vec<J<'a>>),
    Obj(Vec<(Cow<'a, str>, J<'a>)>),
}

pub(crate) static NULL: J<'static> = J::Null;

impl<'a> J<'a> {
    /// A field (the last of repeated keys, as serde_json and the validator read them);
    /// None for a non-object or an absent key.
    pub fn get(&self, k: &str) -> Option<&J<'a>> {
        match self {
            J::Obj(pairs) => pairs.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A field, or null.
    pub fn at(&self, k: &str) -> &J<'a> {
        self.get(k).unwrap_or(&NULL)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            J::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            J::Int(i) => Some(i),
            J::UInt(u) => i64::try_from(u).ok(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            J::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, J::Null)
    }

    pub fn is_object(&self) -> bool {
        matches!(self, J::Obj(_))
    }

    /// The pairs of an object (none for anything else).
    pub fn pairs(&self) -> &[(Cow<'a, str>, J<'a>)] {
        match self {
            J::Obj(p) => p,
            _ => &[],
        }
    }

    /// A string field (null counts as absent, SPEC §5.3).
    pub fn str_at(&self, k: &str) -> Option<&str> {
        self.get(k).and_then(J::as_str)
    }

    pub fn i64_at(&self, k: &str) -> Option<i64> {
        self.get(k).and_then(J::as_i64)
    }

    pub fn to_value(&self) -> Value {
        match self {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Int(i) => Value::from(*i),
            J::UInt(u) => Value::from(*u),
            J::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            J::Str(s) => Value::String(s.to_string()),
            J::Arr(a) => Value::Array(a.iter().map(J::to_value).collect()),
            J::Obj(pairs) => {
                let mut m = Map::new();
                for (k, v) in pairs {
                    m.insert(k.to_string(), v.to_value());
                }
                Value::Object(m)
            }
        }
    }
}

/// Parses a body (already validated, so JSON of bounded depth).
pub(crate) fn parse(body: &[u8]) -> Result<J<'_>, serde_json::Error> {
    serde_json::from_slice(body)
}

struct JVisitor;

impl<'de> Visitor<'de> for JVisitor {
    type Value = J<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, v: bool) -> Result<J<'de>, E> {
        Ok(J::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<J<'de>, E> {
        Ok(J::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<J<'de>, E> {
        Ok(i64::try_from(v).map_or(J::UInt(v), J::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<J<'de>, E> {
        Ok(J::Float(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<J<'de>, E> {
        Ok(J::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<J<'de>, E> {
        Ok(J::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<J<'de>, E> {
        Ok(J::Str(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<J<'de>, E> {
        Ok(J::Null)
    }
    fn visit_none<E>(self) -> Result<J<'de>, E> {
        Ok(J::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<J<'de>, D::Error> {
        J::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J<'de>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(J::Arr(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J<'de>, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(Key(k)) = map.next_key()? {
            let v = map.next_value()?;
            out.push((k, v));
        }
        Ok(J::Obj(out))
    }
}

impl<'de> Deserialize<'de> for J<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<J<'de>, D::Error> {
        d.deserialize_any(JVisitor)
    }
}

/// An object key, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key<'de>, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_as_serde_json_does() {
        for text in [
            r#"{"a":1,"b":[true,null,-2,3.5,"x\"y"],"a":{"c":"é\u00e9"},"n":18446744073709551615}"#,
            "[]",
            "\"s\"",
            "0",
        ] {
            let j = parse(text.as_bytes()).unwrap();
            let v: Value = serde_json::from_str(text).unwrap();
            assert_eq!(j.to_value(), v, "{text}");
        }
        let j = parse(br#"{"a":1,"a":"two"}"#).unwrap();
        assert_eq!(j.str_at("a"), Some("two"));
        assert_eq!(j.at("zz"), &J::Null);
        assert!(parse(b"{").is_err());
        assert!(parse(&[0xff]).is_err());
    }
}
