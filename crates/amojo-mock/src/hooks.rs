//! The hooks amoCRM sends, as `reference/current/chat-webhooks.md` shows them (v2 message,
//! typing, reaction), signed with the channel secret over the exact bytes delivered.

use amojo_kit::{Endpoint, webhook_signature};
use serde_json::{Map, Value, json};

use crate::ids::format_uuid;
use crate::state::{Msg, State, User, type_name};
use crate::{Channel, Hook};

/// Signs `body` for `channel` and addresses it to the scope's hook URL.
pub(crate) fn make(channel: &Channel, scope_id: &str, endpoint: Endpoint, body: &Value) -> Hook {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    // The secret is not empty (checked when the emulator was made), so this cannot fail.
    let signature = webhook_signature(&channel.secret, &bytes).unwrap_or_default();
    Hook {
        url: channel
            .hook_url
            .as_ref()
            .map(|u| u.replace(":scope_id", scope_id)),
        scope_id: scope_id.to_owned(),
        endpoint: endpoint.as_str(),
        body: bytes,
        signature,
    }
}

/// The hook as a control answer shows it: its fields and the body as JSON.
pub(crate) fn to_json(hook: &Hook) -> Value {
    json!({
        "url": hook.url,
        "scope_id": hook.scope_id,
        "endpoint": hook.endpoint,
        "signature": hook.signature,
        "body": serde_json::from_slice::<Value>(&hook.body).unwrap_or(Value::Null),
    })
}

/// A participant in a hook: `{id, client_id?, name?}`, plus the receiver's `phone` and
/// `email` ("Поле приходит пустой строкой, если не передавался профиль").
pub(crate) fn user_json(u: &User, contacts: bool) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), u.id.as_ref().into());
    if contacts {
        m.insert("phone".into(), u.phone.clone().into());
        m.insert("email".into(), u.email.clone().into());
    }
    if let Some(c) = &u.client_id {
        m.insert("client_id".into(), c.as_ref().into());
    }
    if !u.name.is_empty() {
        m.insert("name".into(), u.name.clone().into());
    }
    Value::Object(m)
}

/// `conversation{id, client_id?}`: no `client_id` for a chat a manager started that the
/// integration has not linked yet.
pub(crate) fn conversation_json(st: &State, chat: u32) -> Value {
    let Some(c) = st.chats.get(chat as usize) else {
        return Value::Null;
    };
    let mut m = Map::new();
    m.insert("id".into(), format_uuid(c.id).into());
    if let Some(conv) = &c.conversation_id {
        m.insert("client_id".into(), conv.as_ref().into());
    }
    Value::Object(m)
}

/// The quoted message of a reply (`reply_to.message`, as the comment-reply example shows it).
pub(crate) fn embedded_json(st: &State, m: &Msg) -> Value {
    let mut e = Map::new();
    e.insert("id".into(), format_uuid(m.id).into());
    if let Some(r) = &m.ref_id {
        e.insert("msgid".into(), r.as_ref().into());
    }
    e.insert("type".into(), type_name(m.kind).into());
    e.insert("text".into(), m.text.as_ref().into());
    e.insert("timestamp".into(), m.msec.div_euclid(1000).into());
    e.insert("msec_timestamp".into(), m.msec.into());
    if let Some(u) = st.user(m.sender) {
        e.insert("sender".into(), user_json(u, false));
    }
    json!({ "message": Value::Object(e) })
}

/// Message hook v2 for a message a manager sent (stored as `msg`).
pub(crate) fn message_body(
    st: &State,
    account_id: &str,
    msg: &Msg,
    now_ms: i64,
    extra: &Map<String, Value>,
) -> Value {
    let chat = st.chats.get(msg.chat as usize);
    let receiver = chat
        .and_then(|c| st.user(c.client))
        .map_or(Value::Null, |u| user_json(u, true));
    let sender = st
        .user(msg.sender)
        .map_or(Value::Null, |u| user_json(u, false));
    let mut inner = Map::new();
    inner.insert("receiver".into(), receiver);
    inner.insert("sender".into(), sender);
    inner.insert("conversation".into(), conversation_json(st, msg.chat));
    if let Some(src) = chat.and_then(|c| c.source.as_deref()) {
        inner.insert("source".into(), json!({ "external_id": src }));
    }
    inner.insert("timestamp".into(), msg.msec.div_euclid(1000).into());
    inner.insert("msec_timestamp".into(), msg.msec.into());
    let mut body = Map::new();
    body.insert("id".into(), format_uuid(msg.id).into());
    body.insert("type".into(), type_name(msg.kind).into());
    body.insert("text".into(), msg.text.as_ref().into());
    if let Some(markup) = extra.get("markup") {
        body.insert("markup".into(), markup.clone());
    }
    body.insert(
        "tag".into(),
        extra.get("tag").cloned().unwrap_or_else(|| "".into()),
    );
    for k in ["media", "thumbnail", "file_name"] {
        body.insert(k.into(), extra.get(k).cloned().unwrap_or_else(|| "".into()));
    }
    body.insert(
        "file_size".into(),
        extra.get("file_size").cloned().unwrap_or_else(|| 0.into()),
    );
    for k in ["media_group_id", "template", "post", "reply_to"] {
        if let Some(v) = extra.get(k) {
            body.insert(k.into(), v.clone());
        }
    }
    inner.insert("message".into(), Value::Object(body));
    json!({
        "account_id": account_id,
        "time": now_ms.div_euclid(1000),
        "message": Value::Object(inner),
    })
}

/// Typing hook: the example's shape (`action.typing.user`), `expired_at` = now + 5 s.
pub(crate) fn typing_body(
    st: &State,
    account_id: &str,
    chat: u32,
    user: &User,
    post_id: Option<&str>,
    now_ms: i64,
) -> Value {
    let now = now_ms.div_euclid(1000);
    let mut typing = Map::new();
    typing.insert("user".into(), json!({ "id": user.id.as_ref() }));
    typing.insert("conversation".into(), conversation_json(st, chat));
    typing.insert("expired_at".into(), now.saturating_add(5).into());
    if let Some(p) = post_id {
        typing.insert("post_id".into(), p.into());
    }
    json!({
        "account_id": account_id,
        "time": now,
        "action": { "typing": Value::Object(typing) },
    })
}

/// Reaction hook: the table's `message{id, client_id?, sender, receiver?, timestamp,
/// msec_timestamp}` and the example's `msgid` (the integration's id of the message, present
/// when it has one), so that a receiver written against either form finds the message.
pub(crate) fn reaction_body(
    st: &State,
    account_id: &str,
    msg: &Msg,
    user: &User,
    kind: &str,
    emoji: Option<&str>,
    now_ms: i64,
) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), format_uuid(msg.id).into());
    if let Some(r) = &msg.ref_id {
        m.insert("client_id".into(), r.as_ref().into());
    }
    if let Some(u) = st.user(msg.sender) {
        m.insert("sender".into(), user_json(u, false));
    }
    if let Some(u) = msg.receiver.and_then(|r| st.user(r)) {
        m.insert("receiver".into(), user_json(u, false));
    }
    m.insert("timestamp".into(), msg.msec.div_euclid(1000).into());
    m.insert("msec_timestamp".into(), msg.msec.into());
    let mut reaction = Map::new();
    if let Some(r) = &msg.ref_id {
        reaction.insert("msgid".into(), r.as_ref().into());
    }
    reaction.insert("message".into(), Value::Object(m));
    reaction.insert("user".into(), json!({ "id": user.id.as_ref() }));
    reaction.insert("conversation".into(), conversation_json(st, msg.chat));
    reaction.insert("type".into(), kind.into());
    if let Some(e) = emoji {
        reaction.insert("emoji".into(), e.into());
    }
    json!({
        "account_id": account_id,
        "time": now_ms.div_euclid(1000),
        "action": { "reaction": Value::Object(reaction) },
    })
}
