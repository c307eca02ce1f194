//! A light JSON tree and its parser: strings borrow from the input when they hold no
//! escape, objects are vectors of entries in document order (no hashing), duplicate keys
//! are resolved while parsing (the last wins) and reported with their JSON Pointers.
//! The validator walks this tree; [`super::parse_json`] converts it to a serde_json value.

use std::borrow::Cow;

use super::{JsonError, JsonErrorKind, MAX_PARSE_DEPTH, escape_pointer};

/// A JSON number as serde_json classifies it (without `arbitrary_precision`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    /// An integer written without fraction or exponent, within i64 (`-0` is `Float(-0.0)`,
    /// as in serde_json).
    Int(i64),
    /// An integer above i64::MAX, within u64.
    Big(u64),
    /// Anything else, finite.
    Float(f64),
}

/// One JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node<'a> {
    Null,
    Bool(bool),
    Num(Num),
    Str(Cow<'a, str>),
    Arr(Vec<Node<'a>>),
    /// Entries in document order; keys are unique (of duplicates the last one stays, at
    /// the position of its last occurrence).
    Obj(Vec<(Cow<'a, str>, Node<'a>)>),
}

/// Entries of an object node.
pub(crate) type Entries<'a> = [(Cow<'a, str>, Node<'a>)];

impl<'a> Node<'a> {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_obj(&self) -> Option<&Entries<'a>> {
        match self {
            Node::Obj(e) => Some(e),
            _ => None,
        }
    }

    /// The value of `key` in an object (`None` for a non-object).
    pub(crate) fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.as_obj().and_then(|e| lookup(e, key))
    }
}

/// The value of `key` among an object's entries.
pub(crate) fn lookup<'n, 'a>(entries: &'n Entries<'a>, key: &str) -> Option<&'n Node<'a>> {
    entries
        .iter()
        .find(|(k, _)| same_key(k, key))
        .map(|(_, v)| v)
}

/// A key's bit in an object's duplicate filter, from its length and first byte (what
/// [`same_key`] compares first).
#[inline(always)]
fn key_bit(key: &str) -> u64 {
    let first = u64::from(key.as_bytes().first().copied().unwrap_or(0));
    1 << ((key.len() as u64).wrapping_mul(7).wrapping_add(first) % 64)
}

/// Key equality with the cheap checks first (most keys differ in length or first byte;
/// this runs for every field of every object validated).
#[inline(always)]
pub(crate) fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() || a.first() != b.first() {
        return false;
    }
    // Keys are short: OR the differences instead of calling memcmp (a function call in
    // wasm, a third of the lookup's time).
    let mut diff = 0;
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    diff == 0
}

impl<'a> From<&'a serde_json::Value> for Node<'a> {
    fn from(v: &'a serde_json::Value) -> Self {
        use serde_json::Value;
        match v {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => Node::Num(if let Some(i) = n.as_i64() {
                Num::Int(i)
            } else if let Some(u) = n.as_u64() {
                Num::Big(u)
            } else {
                Num::Float(n.as_f64().unwrap_or(0.0))
            }),
            Value::String(s) => Node::Str(Cow::Borrowed(s)),
            Value::Array(a) => Node::Arr(a.iter().map(Node::from).collect()),
            Value::Object(m) => Node::Obj(
                m.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Node::from(v)))
                    .collect(),
            ),
        }
    }
}

impl From<&Node<'_>> for serde_json::Value {
    fn from(n: &Node<'_>) -> Self {
        use serde_json::Value;
        match n {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Num(Num::Int(i)) => Value::from(*i),
            Node::Num(Num::Big(u)) => Value::from(*u),
            Node::Num(Num::Float(f)) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            Node::Str(s) => Value::String(s.as_ref().to_owned()),
            Node::Arr(a) => Value::Array(a.iter().map(Value::from).collect()),
            Node::Obj(e) => Value::Object(
                e.iter()
                    .map(|(k, v)| (k.as_ref().to_owned(), Value::from(v)))
                    .collect(),
            ),
        }
    }
}

/// A parsed document: the tree and the pointers of duplicated keys, in the order their
/// values ended (nested duplicates first).
pub(crate) struct Parsed<'a> {
    pub(crate) node: Node<'a>,
    pub(crate) duplicate_keys: Vec<String>,
}

/// Parses one JSON document whose arrays and objects nest at most `max_depth` deep
/// (capped at [`MAX_PARSE_DEPTH`]).
pub(crate) fn parse(bytes: &[u8], max_depth: usize) -> Result<Parsed<'_>, JsonError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(JsonError {
            kind: JsonErrorKind::Syntax,
            line: 1,
            column: 1,
            message: "the body starts with a UTF-8 byte-order mark; JSON must not".to_owned(),
        });
    }
    let src = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        // serde_json points at the byte before the invalid sequence.
        Err(e) => return Err(error_at(bytes, e.valid_up_to(), Fail::Utf8)),
    };
    let mut p = Parser {
        src,
        b: bytes,
        i: 0,
        max_depth: max_depth.min(MAX_PARSE_DEPTH),
        dups: Vec::new(),
        sorted: true,
    };
    let node = p
        .value(&Path::ROOT, 0)
        .and_then(|n| {
            p.skip_ws();
            if p.i < p.b.len() {
                Err(Fail::Trailing)
            } else {
                Ok(n)
            }
        })
        .map_err(|f| {
            // Positions as serde_json gives them: through the offending byte, or the end.
            error_at(bytes, (p.i + 1).min(bytes.len()), f)
        })?;
    let duplicate_keys = if p.sorted {
        p.dups.into_iter().map(|(_, ptr)| ptr).collect()
    } else {
        // Offsets are distinct (each value ends at its own byte): one order, no ties.
        let mut dups = p.dups;
        let order = sorted_indices(dups.len(), &|a, b| dups[a].0.cmp(&dups[b].0));
        order
            .into_iter()
            .map(|i| std::mem::take(&mut dups[i].1))
            .collect()
    };
    Ok(Parsed {
        node,
        duplicate_keys,
    })
}

/// What went wrong (serde_json's wording, so messages stay as users know them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fail {
    EofValue,
    EofObject,
    EofList,
    EofString,
    ExpectedValue,
    ExpectedColon,
    ExpectedCommaOrBrace,
    ExpectedCommaOrBracket,
    KeyMustBeString,
    TrailingComma,
    Trailing,
    InvalidNumber,
    NumberOutOfRange,
    InvalidEscape,
    ControlCharacter,
    LoneSurrogate,
    EofHexEscape,
    Utf8,
    TooDeep(usize),
}

impl Fail {
    fn text(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Fail::EofValue => "EOF while parsing a value",
            Fail::EofObject => "EOF while parsing an object",
            Fail::EofList => "EOF while parsing a list",
            Fail::EofString => "EOF while parsing a string",
            Fail::ExpectedValue => "expected value",
            Fail::ExpectedColon => "expected `:`",
            Fail::ExpectedCommaOrBrace => "expected `,` or `}`",
            Fail::ExpectedCommaOrBracket => "expected `,` or `]`",
            Fail::KeyMustBeString => "key must be a string",
            Fail::TrailingComma => "trailing comma",
            Fail::Trailing => "trailing characters",
            Fail::InvalidNumber => "invalid number",
            Fail::NumberOutOfRange => "number out of range",
            Fail::InvalidEscape => "invalid escape",
            Fail::ControlCharacter => {
                "control character (\\u0000-\\u001F) found while parsing a string"
            }
            Fail::LoneSurrogate => {
                "lone leading surrogate in hex escape (a lone UTF-16 surrogate such as `\\ud83d` without its pair is not valid Unicode)"
            }
            Fail::EofHexEscape => "unexpected end of hex escape",
            Fail::Utf8 => "invalid unicode code point (the body is not valid UTF-8)",
            Fail::TooDeep(n) => return Cow::Owned(format!("{TOO_DEEP} {n}")),
        })
    }
}

/// Start of the message of a nesting error.
pub(crate) const TOO_DEEP: &str = "nesting deeper than";

/// The error after `consumed` bytes: 1-based line, and the column counted in bytes up to
/// and including the last one consumed (0 right after a line break).
fn error_at(bytes: &[u8], consumed: usize, f: Fail) -> JsonError {
    let before = &bytes[..consumed.min(bytes.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = before.len() - line_start;
    let mut message = f.text().into_owned();
    message.push_str(" at line ");
    push_usize(&mut message, line);
    message.push_str(" column ");
    push_usize(&mut message, column);
    JsonError {
        kind: if matches!(f, Fail::TooDeep(_)) {
            JsonErrorKind::TooDeep
        } else {
            JsonErrorKind::Syntax
        },
        line,
        column,
        message,
    }
}

/// Appends a number in decimal without core::fmt.
pub(crate) fn push_usize(out: &mut String, n: usize) {
    push_u64(out, n as u64);
}

/// Appends a number in decimal without core::fmt.
pub(crate) fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &buf[at..] {
        out.push(char::from(d));
    }
}

/// Where a value sits, as a linked list up to the root: the JSON Pointer is only spelled
/// out when it is needed (a duplicate key here, an issue in the validator), so walking a
/// document costs no string work.
#[derive(Clone, Copy)]
pub(crate) struct Path<'p> {
    parent: Option<&'p Path<'p>>,
    seg: Seg<'p>,
}

#[derive(Clone, Copy)]
enum Seg<'p> {
    Root,
    Key(&'p str),
    Index(usize),
}

impl<'p> Path<'p> {
    /// The whole document (`""`).
    pub(crate) const ROOT: Path<'static> = Path {
        parent: None,
        seg: Seg::Root,
    };

    /// The member `key` of the object here.
    pub(crate) fn key(&'p self, key: &'p str) -> Path<'p> {
        Path {
            parent: Some(self),
            seg: Seg::Key(key),
        }
    }

    /// Item `i` of the array here.
    pub(crate) fn index(&'p self, i: usize) -> Path<'p> {
        Path {
            parent: Some(self),
            seg: Seg::Index(i),
        }
    }

    /// The JSON Pointer (RFC 6901).
    pub(crate) fn pointer(&self) -> String {
        let mut segs: Vec<Seg<'_>> = Vec::new();
        let mut node = Some(self);
        while let Some(n) = node {
            segs.push(n.seg);
            node = n.parent;
        }
        let mut out = String::new();
        for seg in segs.iter().rev() {
            match seg {
                Seg::Root => {}
                Seg::Key(k) => {
                    out.push('/');
                    out.push_str(&escape_pointer(k));
                }
                Seg::Index(i) => {
                    out.push('/');
                    push_usize(&mut out, *i);
                }
            }
        }
        out
    }
}

/// Bytes that end a run of plain string content: `"`, `\\` and control characters.
static STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Objects with more entries than this find duplicates with one ordered map at the end
/// instead of a scan per key.
const SCAN_LIMIT: usize = 16;

struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    i: usize,
    max_depth: usize,
    /// (offset where the duplicate's value ended, its pointer)
    dups: Vec<(usize, String)>,
    /// Whether `dups` is in offset order (large objects report theirs late).
    sorted: bool,
}

type Res<T> = Result<T, Fail>;

impl<'a> Parser<'a> {
    #[inline(always)]
    fn skip_ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline(never)]
    fn literal(&mut self, word: &[u8], node: Node<'a>) -> Res<Node<'a>> {
        let end = self.i + word.len();
        match self.b.get(self.i..end) {
            Some(s) if s == word => {
                self.i = end;
                Ok(node)
            }
            _ => {
                // Point at the first byte that differs.
                let same = self.b[self.i..]
                    .iter()
                    .zip(word)
                    .take_while(|(a, b)| a == b)
                    .count();
                self.i += same;
                Err(if self.i >= self.b.len() {
                    Fail::EofValue
                } else {
                    Fail::ExpectedValue
                })
            }
        }
    }

    fn value(&mut self, path: &Path<'_>, depth: usize) -> Res<Node<'a>> {
        self.skip_ws();
        match self.peek() {
            None => Err(Fail::EofValue),
            Some(b'"') => Ok(Node::Str(self.string()?)),
            Some(b'{') => self.object(path, depth),
            Some(b'[') => self.array(path, depth),
            Some(b't') => self.literal(b"true", Node::Bool(true)),
            Some(b'f') => self.literal(b"false", Node::Bool(false)),
            Some(b'n') => self.literal(b"null", Node::Null),
            Some(b'-' | b'0'..=b'9') => Ok(Node::Num(self.number()?)),
            Some(_) => Err(Fail::ExpectedValue),
        }
    }

    fn enter(&self, depth: usize) -> Res<()> {
        if depth >= self.max_depth {
            Err(Fail::TooDeep(self.max_depth))
        } else {
            Ok(())
        }
    }

    #[inline(never)]
    fn array(&mut self, path: &Path<'_>, depth: usize) -> Res<Node<'a>> {
        self.enter(depth)?;
        self.i += 1; // [
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Node::Arr(items));
        }
        loop {
            let here = path.index(items.len());
            items.push(self.value(&here, depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        return Err(Fail::TrailingComma);
                    }
                }
                Some(b']') => {
                    self.i += 1;
                    return Ok(Node::Arr(items));
                }
                None => return Err(Fail::EofList),
                Some(_) => return Err(Fail::ExpectedCommaOrBracket),
            }
        }
    }

    #[inline(never)]
    fn object(&mut self, path: &Path<'_>, depth: usize) -> Res<Node<'a>> {
        self.enter(depth)?;
        self.i += 1; // {
        let mut entries: Vec<(Cow<'a, str>, Node<'a>)> = Vec::with_capacity(8);
        // For entries past SCAN_LIMIT: (index, offset where the value ended).
        let mut late_ends: Vec<usize> = Vec::new();
        let mut filter: u64 = 0;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Node::Obj(entries));
        }
        loop {
            match self.peek() {
                Some(b'"') => {}
                None => return Err(Fail::EofObject),
                Some(_) => return Err(Fail::KeyMustBeString),
            }
            let key = self.string()?;
            self.skip_ws();
            match self.peek() {
                Some(b':') => self.i += 1,
                None => return Err(Fail::EofObject),
                Some(_) => return Err(Fail::ExpectedColon),
            }
            let here = path.key(&key);
            let value = self.value(&here, depth + 1)?;
            if entries.len() < SCAN_LIMIT {
                // A 64-bit filter of (length, first byte) of the keys so far: most keys
                // need no scan at all.
                let bit = key_bit(&key);
                let seen = filter & bit != 0;
                filter |= bit;
                if seen && let Some(pos) = entries.iter().position(|(k, _)| same_key(k, &key)) {
                    self.dups.push((self.i, here.pointer()));
                    // Last wins, and moves to the position of the last occurrence.
                    entries.remove(pos);
                }
            } else {
                late_ends.push(self.i);
            }
            entries.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        return Err(Fail::TrailingComma);
                    }
                }
                Some(b'}') => {
                    self.i += 1;
                    break;
                }
                None => return Err(Fail::EofObject),
                Some(_) => return Err(Fail::ExpectedCommaOrBrace),
            }
        }
        if !late_ends.is_empty() {
            self.dedup_large(path, &mut entries, &late_ends);
        }
        Ok(Node::Obj(entries))
    }

    /// Duplicates in an object too large to scan per key: one ordered map of the keys.
    /// The first `entries.len() - late_ends.len()` entries are already unique.
    #[inline(never)]
    fn dedup_large(
        &mut self,
        path: &Path<'_>,
        entries: &mut Vec<(Cow<'a, str>, Node<'a>)>,
        late_ends: &[usize],
    ) {
        let early = entries.len() - late_ends.len();
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_ref()).collect();
        let previous = previous_occurrences(&keys);
        let mut drop = vec![false; entries.len()];
        for (i, prev) in previous.iter().enumerate() {
            if let Some(prev) = *prev {
                // `i` is a later occurrence (index ≥ early) replacing `prev`.
                drop[prev] = true;
                let here = path.key(keys[i]);
                let end = late_ends.get(i - early).copied().unwrap_or(self.i);
                self.dups.push((end, here.pointer()));
                self.sorted = false;
            }
        }
        if drop.contains(&true) {
            let mut it = drop.iter();
            entries.retain(|_| !it.next().copied().unwrap_or(false));
        }
    }

    fn string(&mut self) -> Res<Cow<'a, str>> {
        self.i += 1; // opening quote
        let start = self.i;
        // Fast path: no escape. Skip ordinary bytes with one table lookup each.
        while self.b.get(self.i).is_some_and(|&c| !STOP[usize::from(c)]) {
            self.i += 1;
        }
        loop {
            match self.b.get(self.i) {
                None => return Err(Fail::EofString),
                Some(b'"') => {
                    let s = &self.src[start..self.i];
                    self.i += 1;
                    return Ok(Cow::Borrowed(s));
                }
                Some(b'\\') => return self.escaped_string(start),
                Some(&c) if c < 0x20 => return Err(Fail::ControlCharacter),
                Some(_) => self.i += 1,
            }
        }
    }

    /// The rest of a string that holds an escape (at `self.i`), from `start`.
    #[inline(never)]
    fn escaped_string(&mut self, start: usize) -> Res<Cow<'a, str>> {
        let mut out = String::with_capacity(self.i - start + 16);
        out.push_str(&self.src[start..self.i]);
        loop {
            let run = self.i;
            while let Some(&c) = self.b.get(self.i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(&self.src[run..self.i]);
            match self.b.get(self.i) {
                None => return Err(Fail::EofString),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.i += 1;
                    let Some(&e) = self.b.get(self.i) else {
                        return Err(Fail::EofString);
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{08}'),
                        b'f' => out.push('\u{0c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => {
                            self.i -= 1;
                            return Err(Fail::InvalidEscape);
                        }
                    }
                }
                Some(_) => return Err(Fail::ControlCharacter),
            }
        }
    }

    /// Four hex digits after `\u`.
    fn hex4(&mut self) -> Res<u32> {
        let Some(digits) = self.b.get(self.i..self.i + 4) else {
            self.i = self.b.len();
            return Err(Fail::EofString);
        };
        let mut n = 0u32;
        for &c in digits {
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => {
                    // serde_json reads all four before it complains.
                    self.i += 3;
                    return Err(Fail::InvalidEscape);
                }
            };
            n = n * 16 + u32::from(d);
        }
        self.i += 4;
        Ok(n)
    }

    /// The character of a `\uXXXX` escape (the `\u` consumed), joining surrogate pairs.
    #[inline(never)]
    fn unicode_escape(&mut self) -> Res<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.b.get(self.i..self.i + 2) != Some(b"\\u") {
                    return Err(if self.i >= self.b.len() {
                        Fail::EofHexEscape
                    } else {
                        Fail::LoneSurrogate
                    });
                }
                self.i += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(Fail::LoneSurrogate);
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(Fail::LoneSurrogate),
            c => c,
        };
        char::from_u32(code).ok_or(Fail::LoneSurrogate)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    #[inline(never)]
    fn number(&mut self) -> Res<Num> {
        let start = self.i;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.i += 1;
        }
        let int_start = self.i;
        match self.peek() {
            Some(b'0') => {
                self.i += 1;
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return Err(Fail::InvalidNumber);
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            None => return Err(Fail::EofValue),
            Some(_) => return Err(Fail::InvalidNumber),
        }
        let int_end = self.i;
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(if self.i >= self.b.len() {
                    Fail::EofValue
                } else {
                    Fail::InvalidNumber
                });
            }
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(if self.i >= self.b.len() {
                    Fail::EofValue
                } else {
                    Fail::InvalidNumber
                });
            }
            float = true;
        }
        if !float {
            // Integer: u64 magnitude, as serde_json parses it. Up to 19 digits cannot
            // overflow (10^19 < 2^64), so only longer ones take the checked path.
            let digits = &self.b[int_start..int_end];
            let mut mag: u64 = 0;
            let mut overflow = digits.len() > 20;
            if digits.len() <= 19 {
                for &c in digits {
                    mag = mag * 10 + u64::from(c - b'0');
                }
            } else if !overflow {
                for &c in digits {
                    match mag
                        .checked_mul(10)
                        .and_then(|m| m.checked_add(u64::from(c - b'0')))
                    {
                        Some(m) => mag = m,
                        None => {
                            overflow = true;
                            break;
                        }
                    }
                }
            }
            if !overflow {
                return Ok(if !negative {
                    i64::try_from(mag).map_or(Num::Big(mag), Num::Int)
                } else if mag == 0 {
                    Num::Float(-0.0)
                } else if mag <= 1 << 63 {
                    Num::Int((mag as i64).wrapping_neg())
                } else {
                    Num::Float(-(mag as f64))
                });
            }
        }
        match self.src[start..self.i].parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Num::Float(f)),
            _ => {
                // serde_json points at the number's last digit.
                self.i -= 1;
                Err(Fail::NumberOutOfRange)
            }
        }
    }
}

/// For each key, the index of the previous occurrence of the same key (`None`: its first).
/// O(n log n), whatever the keys (no hashing a hostile body could collide).
pub(crate) fn previous_occurrences(keys: &[&str]) -> Vec<Option<usize>> {
    // Most comparisons end at the first eight bytes, compared as one big-endian number
    // (the order of the bytes, shorter keys padded with zeros and then ordered in full).
    let prefix: Vec<u64> = keys
        .iter()
        .map(|k| {
            let mut p = [0u8; 8];
            let n = k.len().min(8);
            p[..n].copy_from_slice(&k.as_bytes()[..n]);
            u64::from_be_bytes(p)
        })
        .collect();
    let order = sorted_indices(keys.len(), &|a, b| {
        prefix[a]
            .cmp(&prefix[b])
            .then_with(|| keys[a].cmp(keys[b]))
            .then(a.cmp(&b))
    });
    let mut previous = vec![None; keys.len()];
    for pair in order.windows(2) {
        if let [a, b] = *pair
            && keys[a] == keys[b]
        {
            previous[b] = Some(a);
        }
    }
    previous
}

/// `0..n` sorted by `cmp` (a total order: ties are not kept in place). The crate's one
/// sort, a heapsort over indices with a `dyn` comparator: O(n log n) at worst, no recursion,
/// a few hundred bytes of .wasm, where std's sort (or the three `BTreeMap`s it replaces)
/// added ~11 KB.
fn sorted_indices(n: usize, cmp: &dyn Fn(usize, usize) -> std::cmp::Ordering) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    // Moves `v[root]` down the max-heap `v[..end]`.
    let sift_down = |v: &mut [usize], mut root: usize, end: usize| {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                break;
            }
            if child + 1 < end && cmp(v[child], v[child + 1]).is_lt() {
                child += 1;
            }
            if cmp(v[root], v[child]).is_ge() {
                break;
            }
            v.swap(root, child);
            root = child;
        }
    };
    for root in (0..n / 2).rev() {
        sift_down(&mut v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(&mut v, 0, end);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::{previous_occurrences, sorted_indices};

    /// The heapsort against std's sort, at every small length and with many ties broken
    /// by index; `previous_occurrences` against a quadratic scan.
    #[test]
    fn heapsort_and_previous_occurrences() {
        let mut seed = 0x2545_f491_u64;
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % m
        };
        for n in 0..300 {
            let keys: Vec<String> = (0..n)
                .map(|_| format!("k{}", next(n as u64 / 3 + 1)))
                .collect();
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let got = sorted_indices(n, &|a, b| keys[a].cmp(keys[b]).then(a.cmp(&b)));
            let mut want: Vec<usize> = (0..n).collect();
            want.sort_by(|&a, &b| keys[a].cmp(keys[b]).then(a.cmp(&b)));
            assert_eq!(got, want, "n {n}");
            let want: Vec<Option<usize>> = (0..n)
                .map(|i| (0..i).rev().find(|&j| keys[j] == keys[i]))
                .collect();
            assert_eq!(previous_occurrences(&keys), want, "n {n}");
        }
    }
}
