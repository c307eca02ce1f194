//! Issue messages in English and Russian. Lower-case, no trailing period, field names in
//! backticks. Callers match on codes, never on this text.

use super::{IssueCode, JsonType, Lang};
use crate::json::JsonError;

/// The field a pointer ends at (`body` for the root).
fn field(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((_, last)) => last.replace("~1", "/").replace("~0", "~"),
        None => "body".to_owned(),
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
        (Some(a), Some(b), _) => format!("{a}..{b}"),
        (Some(a), None, Lang::En) => format!("at least {a}"),
        (Some(a), None, Lang::Ru) => format!("не меньше {a}"),
        (None, Some(b), Lang::En) => format!("at most {b}"),
        (None, Some(b), Lang::Ru) => format!("не больше {b}"),
        (None, None, _) => String::new(),
    }
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|a| format!("`{}`", a.trim_matches('"')))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The message of an issue at `path`.
pub(super) fn message(code: &IssueCode, path: &str, lang: Lang) -> String {
    let f = field(path);
    match (lang, code) {
        (Lang::En, IssueCode::InvalidJson { .. }) => "the body is empty; a JSON object is expected".to_owned(),
        (Lang::Ru, IssueCode::InvalidJson { .. }) => "тело запроса пустое; ожидается JSON-объект".to_owned(),
        (Lang::En, IssueCode::Type { expected, found }) => {
            format!("`{f}` must be {} {}, not {}", article(*expected), expected.as_str(), found.as_str())
        }
        (Lang::Ru, IssueCode::Type { expected, found }) => {
            format!("`{f}` должно быть {}, а не {}", ty_ru(*expected), found.as_str())
        }
        (Lang::En, IssueCode::Required) => format!("missing required field `{f}`"),
        (Lang::Ru, IssueCode::Required) => format!("отсутствует обязательное поле `{f}`"),
        (Lang::En, IssueCode::RequiredOneOf { fields }) => {
            format!("`{f}` needs at least one of {}", list(&fields.iter().map(|s| s.to_string()).collect::<Vec<_>>()))
        }
        (Lang::Ru, IssueCode::RequiredOneOf { fields }) => {
            format!("в `{f}` нужно хотя бы одно из полей {}", list(&fields.iter().map(|s| s.to_string()).collect::<Vec<_>>()))
        }
        (Lang::En, IssueCode::Enum { allowed }) => format!("`{f}` must be one of {}", list(allowed)),
        (Lang::Ru, IssueCode::Enum { allowed }) => format!("`{f}` должно быть одним из: {}", list(allowed)),
        (Lang::En, IssueCode::Empty) => format!("`{f}` must not be empty"),
        (Lang::Ru, IssueCode::Empty) => format!("`{f}` не должно быть пустым"),
        (Lang::En, IssueCode::MaxLength { limit: 36 }) => format!("`{f}` is longer than 36 characters, the Sources API limit for `external_id`"),
        (Lang::Ru, IssueCode::MaxLength { limit: 36 }) => format!("`{f}` длиннее 36 символов — предела `external_id` в API источников"),
        (Lang::En, IssueCode::MaxLength { limit }) => format!("`{f}` must be at most {limit} characters"),
        (Lang::Ru, IssueCode::MaxLength { limit }) => format!("`{f}` должно быть не длиннее {limit} символов"),
        (Lang::En, IssueCode::Charset) => format!("`{f}` may hold only printable ASCII characters and spaces"),
        (Lang::Ru, IssueCode::Charset) => format!("`{f}` может содержать только печатные символы ASCII и пробел"),
        (Lang::En, IssueCode::Range { min, max }) => format!("`{f}` must be {}", range_text(*min, *max, lang)),
        (Lang::Ru, IssueCode::Range { min, max }) => format!("`{f}` должно быть в пределах {}", range_text(*min, *max, lang)),
        (Lang::En, IssueCode::Items { min, max }) if min == max => format!("`{f}` must hold exactly {min} item{}", if *min == 1 { "" } else { "s" }),
        (Lang::Ru, IssueCode::Items { min, max }) if min == max => format!("`{f}` должен содержать ровно {min} элемент(а)"),
        (Lang::En, IssueCode::Items { min, max }) => format!("`{f}` must hold {min} to {max} items"),
        (Lang::Ru, IssueCode::Items { min, max }) => format!("`{f}` должен содержать от {min} до {max} элементов"),
        (Lang::En, IssueCode::NotAllowed) => format!("`{f}` is allowed only on `edit_message`"),
        (Lang::Ru, IssueCode::NotAllowed) => format!("`{f}` допускается только при `edit_message`"),
        (Lang::En, IssueCode::MsgidMismatch) => format!("`{f}` must equal the `{{msgid}}` in the path"),
        (Lang::Ru, IssueCode::MsgidMismatch) => format!("`{f}` должно совпадать с `{{msgid}}` в пути"),
        (Lang::En, IssueCode::DuplicateKey) => format!("`{f}` appears more than once; the last value wins"),
        (Lang::Ru, IssueCode::DuplicateKey) => format!("ключ `{f}` повторяется; действует последнее значение"),
        (Lang::En, IssueCode::UnknownField { suggestion: Some(s) }) => format!("unknown field `{f}`, did you mean `{s}`?"),
        (Lang::Ru, IssueCode::UnknownField { suggestion: Some(s) }) => format!("неизвестное поле `{f}`, возможно, имелось в виду `{s}`?"),
        (Lang::En, IssueCode::UnknownField { suggestion: None }) => format!("unknown field `{f}` (the API ignores it)"),
        (Lang::Ru, IssueCode::UnknownField { suggestion: None }) => format!("неизвестное поле `{f}` (API его игнорирует)"),
        (Lang::En, IssueCode::Recommended) if f == "hook_api_version" => "`hook_api_version` is absent: the server defaults to `v1`; pass `v2` for the hooks the docs describe".to_owned(),
        (Lang::Ru, IssueCode::Recommended) if f == "hook_api_version" => "`hook_api_version` не передан: по умолчанию сервер использует `v1`; передайте `v2` для хуков из документации".to_owned(),
        (Lang::En, IssueCode::Recommended) => format!("`{f}` is expected here"),
        (Lang::Ru, IssueCode::Recommended) => format!("ожидается поле `{f}`"),
        (Lang::En, IssueCode::IgnoredOnEdit) => format!("`{f}` is ignored on `edit_message`"),
        (Lang::Ru, IssueCode::IgnoredOnEdit) => format!("`{f}` игнорируется при `edit_message`"),
        (Lang::En, IssueCode::Unit { expected }) => format!("`{f}` looks like it is not in {expected}"),
        (Lang::Ru, IssueCode::Unit { expected }) => format!("`{f}`, похоже, указано не в {}", if *expected == "seconds" { "секундах" } else { "миллисекундах" }),
        (Lang::En, IssueCode::Format { .. }) => format!("`{f}` should be an http(s) URL"),
        (Lang::Ru, IssueCode::Format { .. }) => format!("`{f}` должно быть ссылкой http(s)"),
        (Lang::En, IssueCode::UnknownRoute) => "no Chats API endpoint has this path".to_owned(),
        (Lang::Ru, IssueCode::UnknownRoute) => "в API чатов нет метода с таким путём".to_owned(),
        (Lang::En, IssueCode::MethodNotAllowed { allowed }) => format!("this path takes `{allowed}`"),
        (Lang::Ru, IssueCode::MethodNotAllowed { allowed }) => format!("этот путь принимает только `{allowed}`"),
        (Lang::En, IssueCode::BodyNotEmpty) => "a GET request has no body; its MD5 must be of the empty string".to_owned(),
        (Lang::Ru, IssueCode::BodyNotEmpty) => "у GET-запроса нет тела; MD5 считается от пустой строки".to_owned(),
        (Lang::En, IssueCode::TooLarge { limit }) => format!("the body is larger than {limit} bytes and was not validated"),
        (Lang::Ru, IssueCode::TooLarge { limit }) => format!("тело больше {limit} байт и не проверялось"),
        (Lang::En, IssueCode::TooDeep { limit }) => format!("the body nests deeper than {limit} levels"),
        (Lang::Ru, IssueCode::TooDeep { limit }) => format!("вложенность тела глубже {limit} уровней"),
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
