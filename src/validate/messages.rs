//! Issue messages in English and Russian. Lower-case, no trailing period, field names in
//! backticks. Callers match on codes, never on this text.

use super::{IssueCode, JsonType, Lang};
use crate::json::JsonError;

/// The field a pointer ends at (`body` for the root).
fn field(path: &str) -> std::borrow::Cow<'_, str> {
    match path.rsplit_once('/') {
        Some((_, last)) if last.contains('~') => last.replace("~1", "/").replace("~0", "~").into(),
        Some((_, last)) => last.into(),
        None => "body".into(),
    }
}

fn ty_ru(t: JsonType) -> &'static str {
    match t {
        JsonType::Null => "null",
        JsonType::Boolean => "логическим значением (boolean)",
        JsonType::Integer => "целым числом (integer)",
        JsonType::Number => "числом (number)",
        JsonType::String => "строкой (string)",
        JsonType::Array => "массивом (array)",
        JsonType::Object => "объектом (object)",
    }
}

/// A bound as text without core's float formatting (large in wasm): `-180`, `0.5`.
fn num(f: f64) -> String {
    let text = serde_json::Number::from_f64(f).map_or_else(String::new, |n| n.to_string());
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

fn range_text(min: Option<f64>, max: Option<f64>, lang: Lang) -> String {
    let (min, max) = (min.map(num), max.map(num));
    match (min, max, lang) {
        (Some(a), Some(b), _) => cat(&[&a, "..", &b]),
        (Some(a), None, Lang::En) => cat(&["at least ", &a]),
        (Some(a), None, Lang::Ru) => cat(&["не меньше ", &a]),
        (None, Some(b), Lang::En) => cat(&["at most ", &b]),
        (None, Some(b), Lang::Ru) => cat(&["не больше ", &b]),
        (None, None, _) => String::new(),
    }
}

/// The parts joined (messages are built without core::fmt: faster, and smaller in wasm).
fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

fn int(n: usize) -> String {
    let mut s = String::new();
    crate::json::push_usize(&mut s, n);
    s
}

/// `` `a`, `b` `` (enum values arrive as JSON text: strings keep their quotes there).
fn list<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::new();
    for (i, a) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('`');
        out.push_str(a.as_ref().trim_matches('"'));
        out.push('`');
    }
    out
}

/// The message of an issue at `path`.
pub(super) fn message(code: &IssueCode, path: &str, lang: Lang) -> String {
    let f = field(path);
    let f = f.as_ref();
    match (lang, code) {
        (Lang::En, IssueCode::InvalidJson { .. }) => "the body is empty; a JSON object is expected".to_owned(),
        (Lang::Ru, IssueCode::InvalidJson { .. }) => "тело запроса пустое; ожидается JSON-объект".to_owned(),
        (Lang::En, IssueCode::Type { expected, found }) => {
            cat(&["`", f, "` must be ", article(*expected), " ", expected.as_str(), ", not ", found.as_str()])
        }
        (Lang::Ru, IssueCode::Type { expected, found }) => {
            cat(&["`", f, "` должно быть ", ty_ru(*expected), ", а не ", found.as_str()])
        }
        (Lang::En, IssueCode::Required) => cat(&["missing required field `", f, "`"]),
        (Lang::Ru, IssueCode::Required) => cat(&["отсутствует обязательное поле `", f, "`"]),
        (Lang::En, IssueCode::RequiredOneOf { fields }) => cat(&["`", f, "` needs at least one of ", &list(fields)]),
        (Lang::Ru, IssueCode::RequiredOneOf { fields }) => cat(&["в `", f, "` нужно хотя бы одно из полей ", &list(fields)]),
        (Lang::En, IssueCode::Enum { allowed }) => cat(&["`", f, "` must be one of ", &list(allowed)]),
        (Lang::Ru, IssueCode::Enum { allowed }) => cat(&["`", f, "` должно быть одним из: ", &list(allowed)]),
        (Lang::En, IssueCode::Empty) => cat(&["`", f, "` must not be empty"]),
        (Lang::Ru, IssueCode::Empty) => cat(&["`", f, "` не должно быть пустым"]),
        (Lang::En, IssueCode::MaxLength { limit: 36 }) => cat(&["`", f, "` is longer than 36 characters, the Sources API limit for `external_id`"]),
        (Lang::Ru, IssueCode::MaxLength { limit: 36 }) => cat(&["`", f, "` длиннее 36 символов — предела `external_id` в API источников"]),
        (Lang::En, IssueCode::MaxLength { limit }) => cat(&["`", f, "` must be at most ", &int(*limit), " characters"]),
        (Lang::Ru, IssueCode::MaxLength { limit }) => cat(&["`", f, "` должно быть не длиннее ", &int(*limit), " символов"]),
        (Lang::En, IssueCode::Charset) => cat(&["`", f, "` may hold only printable ASCII characters and spaces"]),
        (Lang::Ru, IssueCode::Charset) => cat(&["`", f, "` может содержать только печатные символы ASCII и пробел"]),
        (Lang::En, IssueCode::Range { min, max }) => cat(&["`", f, "` must be ", &range_text(*min, *max, lang)]),
        (Lang::Ru, IssueCode::Range { min, max }) => cat(&["`", f, "` должно быть в пределах ", &range_text(*min, *max, lang)]),
        (Lang::En, IssueCode::Items { min, max }) if min == max => cat(&["`", f, "` must hold exactly ", &int(*min), " item", if *min == 1 { "" } else { "s" }]),
        (Lang::Ru, IssueCode::Items { min, max }) if min == max => cat(&["`", f, "` должен содержать ровно ", &int(*min), " элемент(а)"]),
        (Lang::En, IssueCode::Items { min, max }) => cat(&["`", f, "` must hold ", &int(*min), " to ", &int(*max), " items"]),
        (Lang::Ru, IssueCode::Items { min, max }) => cat(&["`", f, "` должен содержать от ", &int(*min), " до ", &int(*max), " элементов"]),
        (Lang::En, IssueCode::NotAllowed { event }) => cat(&["`", f, "` is allowed only on `", event, "`"]),
        (Lang::Ru, IssueCode::NotAllowed { event }) => cat(&["`", f, "` допускается только при `", event, "`"]),
        (Lang::En, IssueCode::MsgidMismatch) => cat(&["`", f, "` must equal the `{msgid}` in the path"]),
        (Lang::Ru, IssueCode::MsgidMismatch) => cat(&["`", f, "` должно совпадать с `{msgid}` в пути"]),
        (Lang::En, IssueCode::DuplicateKey) => cat(&["`", f, "` appears more than once; the last value wins"]),
        (Lang::Ru, IssueCode::DuplicateKey) => cat(&["ключ `", f, "` повторяется; действует последнее значение"]),
        (Lang::En, IssueCode::UnknownField { suggestion: Some(s) }) => cat(&["`", f, "` is not in the docs' field tables; did you mean `", s, "`?"]),
        (Lang::Ru, IssueCode::UnknownField { suggestion: Some(s) }) => cat(&["поля `", f, "` нет в таблицах полей документации; возможно, имелось в виду `", s, "`?"]),
        (Lang::En, IssueCode::UnknownField { suggestion: None }) => cat(&["`", f, "` is not in the docs' field tables"]),
        (Lang::Ru, IssueCode::UnknownField { suggestion: None }) => cat(&["поля `", f, "` нет в таблицах полей документации"]),
        (Lang::En, IssueCode::Recommended) if f == "hook_api_version" => "`hook_api_version` is absent: the server defaults to `v1`, whose hooks are no longer sent; pass `v2`".to_owned(),
        (Lang::Ru, IssueCode::Recommended) if f == "hook_api_version" => "`hook_api_version` не передан: по умолчанию сервер использует `v1`, а хуки v1 больше не отправляются; передайте `v2`".to_owned(),
        (Lang::En, IssueCode::Recommended) => cat(&["`", f, "` is expected here"]),
        (Lang::Ru, IssueCode::Recommended) => cat(&["ожидается поле `", f, "`"]),
        (Lang::En, IssueCode::IgnoredOnEdit) => cat(&["`", f, "` is ignored on `edit_message`"]),
        (Lang::Ru, IssueCode::IgnoredOnEdit) => cat(&["`", f, "` игнорируется при `edit_message`"]),
        (Lang::En, IssueCode::IgnoredInComment) => cat(&["`", f, "` is not part of a comment's payload (`message.post` is set)"]),
        (Lang::Ru, IssueCode::IgnoredInComment) => cat(&["`", f, "` не входит в payload комментария (передан `message.post`)"]),
        (Lang::En, IssueCode::NullValue) => cat(&["`", f, "` is null; it counts as absent (omit it instead)"]),
        (Lang::Ru, IssueCode::NullValue) => cat(&["`", f, "` равно null и считается отсутствующим (лучше не передавать поле)"]),
        (Lang::En, IssueCode::Deprecated) if f == "hook_api_version" => "`hook_api_version` `v1` is deprecated: v1 hooks are no longer sent; pass `v2`".to_owned(),
        (Lang::Ru, IssueCode::Deprecated) if f == "hook_api_version" => "`hook_api_version` `v1` устарел: хуки v1 больше не отправляются; передайте `v2`".to_owned(),
        (Lang::En, IssueCode::Deprecated) => cat(&["`", f, "` is deprecated"]),
        (Lang::Ru, IssueCode::Deprecated) => cat(&["`", f, "` устарело"]),
        (Lang::En, IssueCode::Ambiguous { fields }) => cat(&[&list(fields), " are both given; the docs do not say which one the API reads: send one"]),
        (Lang::Ru, IssueCode::Ambiguous { fields }) => cat(&["переданы одновременно ", &list(fields), "; документация не говорит, какое из них читает API: передайте одно"]),
        (Lang::En, IssueCode::UndocumentedValue { allowed }) => cat(&["`", f, "` is not one of the documented values ", &list(allowed)]),
        (Lang::Ru, IssueCode::UndocumentedValue { allowed }) => cat(&["`", f, "` не входит в документированные значения: ", &list(allowed)]),
        (Lang::En, IssueCode::Unit { expected }) => cat(&["`", f, "` looks like it is not in ", expected]),
        (Lang::Ru, IssueCode::Unit { expected }) => cat(&["`", f, "`, похоже, указано не в ", if *expected == "seconds" { "секундах" } else { "миллисекундах" }]),
        (Lang::En, IssueCode::Format { .. }) => cat(&["`", f, "` should be an http(s) URL"]),
        (Lang::Ru, IssueCode::Format { .. }) => cat(&["`", f, "` должно быть ссылкой http(s)"]),
        (Lang::En, IssueCode::UnknownRoute) => "no Chats API endpoint has this path".to_owned(),
        (Lang::Ru, IssueCode::UnknownRoute) => "в API чатов нет метода с таким путём".to_owned(),
        (Lang::En, IssueCode::MethodNotAllowed { allowed }) => cat(&["this path takes `", allowed, "`"]),
        (Lang::Ru, IssueCode::MethodNotAllowed { allowed }) => cat(&["этот путь принимает только `", allowed, "`"]),
        (Lang::En, IssueCode::BodyNotEmpty) => "a GET request has no body; its MD5 must be of the empty string".to_owned(),
        (Lang::Ru, IssueCode::BodyNotEmpty) => "у GET-запроса нет тела; MD5 считается от пустой строки".to_owned(),
        (Lang::En, IssueCode::TooLarge { limit }) => cat(&["the body is larger than ", &int(*limit), " bytes and was not validated"]),
        (Lang::Ru, IssueCode::TooLarge { limit }) => cat(&["тело больше ", &int(*limit), " байт и не проверялось"]),
        (Lang::En, IssueCode::TooDeep { limit }) => cat(&["the body nests deeper than ", &int(*limit), " levels"]),
        (Lang::Ru, IssueCode::TooDeep { limit }) => cat(&["вложенность тела глубже ", &int(*limit), " уровней"]),
    }
}

fn article(t: JsonType) -> &'static str {
    match t {
        JsonType::Integer | JsonType::Array | JsonType::Object => "an",
        _ => "a",
    }
}

/// The message of a JSON syntax error.
pub(super) fn json_error(e: &JsonError, lang: Lang) -> String {
    match lang {
        Lang::En => format!("the body is not valid JSON: {e}"),
        Lang::Ru => format!(
            "тело не является корректным JSON (строка {}, столбец {}): {e}",
            e.line, e.column
        ),
    }
}
