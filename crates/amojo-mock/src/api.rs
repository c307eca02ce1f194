//! The API side: one request in, the documented answer out.
//!
//! Order of the checks, each answered before the next runs:
//!
//! 1. route: no endpoint has the path → 404 `unknown_route`;
//! 2. method: the endpoint takes another → 405 `method_not_allowed` (with `allowed`);
//! 3. size: a body over [`crate::Options::max_body_bytes`] → 413 `too_large`;
//! 4. channel: connect/disconnect name a channel not configured → 404 `channel_not_found`
//!    (the docs' «404 Канал не существует»); a scope route whose `{scope_id}` is no
//!    configured channel's `{channel_id}_…` → 404 `scope_not_found` (there is no secret to
//!    check the signature with);
//! 5. signature, with the channel's secret and the Date window around now → 403 with the
//!    verification reason (and the diagnosis with [`crate::Options::diagnose`]);
//! 6. scope: a scope route for an account not connected, or disconnected → 404
//!    `scope_not_found` (decision: the docs' tables for the scope routes list no status for
//!    it; after a signature check that passed, the resource is missing, and the issue asks
//!    for 404 after disconnect);
//! 7. validation by the core's rules → 400 `invalid_request` with the issues;
//! 8. the state transition and the documented answer.

use amojo_kit::Endpoint;
use serde_json::{Map, Value, json};

use crate::check::{Checked, Judged, Verdict, channel_for_scope, judge};
use crate::doc::J;
use crate::ids::{fnv1a, format_uuid};
use crate::state::{
    Chat, Delivery, HashMap, Kind, Msg, Reaction, Scope, User, default_bot_id, type_index,
    type_name,
};
use crate::{Emulator, Request};

/// What a request came to, before it becomes a response and a log entry.
pub(crate) struct Outcome {
    pub status: u16,
    pub body: Option<Value>,
    /// The JSON body already serialized (in place of `body`): the answer of a request that
    /// succeeds, written straight from the state.
    pub raw: Option<Vec<u8>>,
    pub endpoint: Option<Endpoint>,
    pub scope_id: Option<String>,
    pub reason: Option<String>,
    pub errors: Vec<Value>,
    pub warnings: Vec<Value>,
    pub diagnosis: Option<Value>,
}

impl Outcome {
    pub(crate) fn refuse(status: u16, code: &str, message: impl Into<String>) -> Outcome {
        Outcome {
            status,
            body: Some(json!({ "error": code, "message": message.into() })),
            raw: None,
            endpoint: None,
            scope_id: None,
            reason: Some(code.to_owned()),
            errors: Vec::new(),
            warnings: Vec::new(),
            diagnosis: None,
        }
    }
}

/// An answer's body.
pub(crate) enum Body {
    None,
    Json(Value),
    /// Already serialized (see [`Outcome::raw`]).
    Raw(Vec<u8>),
}

/// An endpoint handler's answer.
pub(crate) struct Answer {
    status: u16,
    body: Body,
    /// Why a 204 or 404 answered so (the log's reason).
    reason: Option<&'static str>,
    /// State errors answered as 400 (an unknown `ref_id`, chat or message).
    errors: Vec<Value>,
}

fn ok(body: Value) -> Answer {
    Answer {
        status: 200,
        body: Body::Json(body),
        reason: None,
        errors: Vec::new(),
    }
}

fn empty(status: u16, reason: Option<&'static str>) -> Answer {
    Answer {
        status,
        body: Body::None,
        reason,
        errors: Vec::new(),
    }
}

fn not_found(code: &'static str, message: &str) -> Answer {
    Answer {
        status: 404,
        body: Body::Json(json!({ "error": code, "message": message })),
        reason: Some(code),
        errors: Vec::new(),
    }
}

/// A 400 for what the state refuses, in the validator's issue shape.
fn invalid(path: &str, code: &'static str, message: impl Into<String>) -> Answer {
    Answer {
        status: 400,
        body: Body::None,
        reason: Some(code),
        errors: vec![json!({ "path": path, "code": code, "message": message.into() })],
    }
}

/// `%XX` decoding of a path segment (invalid escapes stay as written).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| char::from(c).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `offset` and `limit` of the history query (validated before: integers in range).
fn history_window(target: &str) -> (usize, usize) {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let (mut offset, mut limit) = (0usize, 50usize);
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(&k.replace('+', " "));
        let v = percent_decode(&v.replace('+', " "));
        match (k.as_str(), v.parse::<usize>()) {
            ("offset", Ok(n)) => offset = n,
            ("limit", Ok(n)) => limit = n.clamp(1, 50),
            _ => {}
        }
    }
    (offset, limit)
}

impl Emulator {
    /// The checks that need the state, in [`Emulator::handle`]'s order, then the state
    /// change: what a checked request comes to.
    pub(crate) fn process(&mut self, checked: Checked<'_>, now_ms: i64) -> Outcome {
        let req = checked.request;
        let (route, channel, scope, scope_id, judged) = match checked.verdict {
            Verdict::Done(o) => return o,
            Verdict::Channel {
                route,
                channel,
                judged,
            } => (route, channel, None, None, judged),
            Verdict::Scope {
                route,
                channel: checked_with,
                judged,
            } => {
                // Whose secret signs it: the channel of the scope the state holds, else the
                // one the scope id names.
                let sid = route.param("scope_id").unwrap_or("");
                let (channel, scope) = match self.state.scope_of(sid) {
                    Some(s) => (self.state.scopes[s as usize].channel, Some(s)),
                    None => match channel_for_scope(&self.config, sid) {
                        Some(ch) => (ch, None),
                        None => {
                            let mut o = Outcome::refuse(
                                404,
                                "scope_not_found",
                                "the scope id is not `{channel_id}_{account_id}` of a channel of this emulator",
                            );
                            o.scope_id = Some(sid.to_owned());
                            o.endpoint = Some(route.endpoint);
                            return o;
                        }
                    },
                };
                let judged = match judged {
                    Some(j) if checked_with == Some(channel) => j,
                    // Checked with another channel's secret (channel ids that prefix one
                    // another, an empty account id): again, with this one.
                    _ => judge(
                        &self.config,
                        &req,
                        route.endpoint,
                        channel,
                        Some(sid),
                        checked.now_ms,
                    ),
                };
                let scope_id = Some(sid.to_owned());
                (route, channel, scope, scope_id, judged)
            }
        };
        let endpoint = route.endpoint;
        let mut out = self.transition(&req, &route, channel, scope, scope_id, judged, now_ms);
        out.endpoint = Some(endpoint);
        out
    }

    /// The signature's verdict, the scope being connected, the body's verdict; then the
    /// state transition and the documented answer.
    #[allow(clippy::too_many_arguments)]
    fn transition(
        &mut self,
        req: &Request<'_>,
        route: &amojo_kit::RouteMatch,
        channel: usize,
        scope: Option<u32>,
        scope_id: Option<String>,
        judged: Judged<'_>,
        now_ms: i64,
    ) -> Outcome {
        let endpoint = route.endpoint;
        if let Judged::Forbidden(o) = judged {
            return o;
        }

        // The scope must be connected.
        let scope = match (endpoint, scope) {
            (Endpoint::Connect | Endpoint::Disconnect, _) => None,
            (_, Some(s)) if self.state.scopes[s as usize].connected => Some(s),
            (_, s) => {
                let mut o = Outcome::refuse(
                    404,
                    "scope_not_found",
                    if s.is_some() {
                        "the account was disconnected from the channel: connect it again"
                    } else {
                        "no account is connected with this scope id: connect it first"
                    },
                );
                o.scope_id = scope_id;
                return o;
            }
        };

        // The body.
        let (body, warnings) = match judged {
            Judged::Forbidden(o) | Judged::Invalid(o) => return o,
            Judged::Valid { body, warnings } => (body, warnings),
        };

        let (answer, scope_id) = match (endpoint, scope) {
            (Endpoint::Connect, _) => {
                let (a, sid) = self.connect(channel, &body);
                (a, Some(sid))
            }
            (Endpoint::Disconnect, _) => {
                let (a, sid) = self.disconnect(channel, &body);
                (a, Some(sid))
            }
            (e, Some(s)) => {
                let a = match e {
                    Endpoint::CreateChat => self.create_chat(s, &body, now_ms),
                    Endpoint::SendMessage => self.send_message(s, &body, now_ms),
                    Endpoint::DeliveryStatus => {
                        self.delivery_status(s, route.param("msgid").unwrap_or(""), &body, now_ms)
                    }
                    Endpoint::History => {
                        self.history(s, route.param("conversation_id").unwrap_or(""), req.target)
                    }
                    Endpoint::Typing => self.typing(s, &body, now_ms),
                    Endpoint::React => self.react(s, &body),
                    _ => not_found("unknown_route", "no Chats API endpoint has this path"),
                };
                (a, scope_id)
            }
            (_, None) => (
                not_found(
                    "scope_not_found",
                    "no account is connected with this scope id",
                ),
                scope_id,
            ),
        };
        let (body, raw) = match answer.body {
            Body::None => (None, None),
            Body::Json(v) => (Some(v), None),
            Body::Raw(bytes) => (None, Some(bytes)),
        };
        let mut o = Outcome {
            status: answer.status,
            body,
            raw,
            endpoint: Some(endpoint),
            scope_id,
            reason: answer.reason.map(str::to_owned),
            errors: Vec::new(),
            warnings,
            diagnosis: None,
        };
        if answer.status == 400 {
            o.body = Some(invalid_body(endpoint, &answer.errors, &o.warnings));
            o.errors = answer.errors;
        }
        o
    }

    // ---- connect and disconnect ---------------------------------------------------------

    fn connect(&mut self, channel: usize, body: &J<'_>) -> (Answer, String) {
        let ch = &self.config.channels[channel];
        let account_id = body.str_at("account_id").unwrap_or("");
        let scope_id = format!("{}_{account_id}", ch.id);
        // «По умолчанию – имя канала»: the emulator knows the channel by its id only.
        let title = body.str_at("title").unwrap_or(&ch.id).to_owned();
        // «По умолчанию v1».
        let version = body.str_at("hook_api_version").unwrap_or("v1").to_owned();
        let no_window = body
            .get("is_time_window_disabled")
            .and_then(J::as_bool)
            .unwrap_or(false);
        let bot_id = ch.bot_id.clone().unwrap_or_else(|| default_bot_id(&ch.id));
        let st = &mut self.state;
        let idx = match st.scope_of(&scope_id) {
            Some(i) => i,
            None => {
                let i = st.scopes.len() as u32;
                st.scope_index.insert(scope_id.clone().into(), i);
                st.scopes.push(Scope {
                    seed: fnv1a(scope_id.as_bytes()),
                    scope_id: scope_id.clone().into(),
                    channel,
                    account_id: account_id.into(),
                    title: String::new(),
                    hook_api_version: String::new(),
                    is_time_window_disabled: false,
                    connected: false,
                    manager: 0,
                    bot: 0,
                    users_by_id: HashMap::default(),
                    users_by_client: HashMap::default(),
                    chats_by_conv: HashMap::default(),
                    msgs_by_ref: HashMap::default(),
                });
                let manager = st.new_user(i, Kind::Manager, "Manager");
                let bot = st.add_user(User {
                    id: bot_id.into(),
                    scope: i,
                    kind: Kind::Bot,
                    client_id: None,
                    name: "Bot".to_owned(),
                    avatar: String::new(),
                    phone: String::new(),
                    email: String::new(),
                    profile_link: String::new(),
                });
                let s = &mut st.scopes[i as usize];
                s.manager = manager;
                s.bot = bot;
                i
            }
        };
        let s = &mut st.scopes[idx as usize];
        s.title = title;
        s.hook_api_version = version;
        s.is_time_window_disabled = no_window;
        s.connected = true;
        let answer = ok(json!({
            "account_id": account_id,
            "scope_id": scope_id,
            "title": s.title,
            "hook_api_version": s.hook_api_version,
            "is_time_window_disabled": s.is_time_window_disabled,
        }));
        (answer, scope_id)
    }

    /// 200 without a body («Метод не возвращает тела ответа»). Disconnecting an account that
    /// is not connected also answers 200 (the docs' 404 is for a channel that does not
    /// exist); the log's reason says `not_connected`.
    fn disconnect(&mut self, channel: usize, body: &J<'_>) -> (Answer, String) {
        let account_id = body.str_at("account_id").unwrap_or("");
        let scope_id = format!("{}_{account_id}", self.config.channels[channel].id);
        let st = &mut self.state;
        let answer = match st.scope_of(&scope_id) {
            Some(i) if st.scopes[i as usize].connected => {
                st.scopes[i as usize].connected = false;
                empty(200, None)
            }
            _ => empty(200, Some("not_connected")),
        };
        (answer, scope_id)
    }

    // ---- participants and chats ---------------------------------------------------------

    /// Finds or makes the participant a request names: `ref_id` (amoCRM's id) must name a
    /// participant of the scope (a client, a manager, the bot), as the live API answers
    /// "sender: user not found" otherwise; `id` (the integration's) finds a client or makes
    /// one. Given both, a client without an integration id gets this one (how a chat a
    /// manager started is linked: chat-step-by-step.md, "Написать первым").
    fn participant(
        &mut self,
        scope: u32,
        p: &J<'_>,
        path: &str,
        role: &str,
    ) -> Result<u32, Answer> {
        let st = &mut self.state;
        let sc = &st.scopes[scope as usize];
        let id = p.str_at("id");
        let user = if let Some(r) = p.str_at("ref_id") {
            let Some(&u) = sc.users_by_id.get(r) else {
                return Err(invalid(
                    &format!("{path}/ref_id"),
                    "user_not_found",
                    format!("{role}: user not found"),
                ));
            };
            if let Some(id) = id
                && !sc.users_by_client.contains_key(id)
                && st.users[u as usize].kind == Kind::Client
                && st.users[u as usize].client_id.is_none()
            {
                st.set_client_id(u, id);
            }
            u
        } else if let Some(id) = id {
            match sc.users_by_client.get(id) {
                Some(&u) => u,
                None => {
                    let u = st.new_user(scope, Kind::Client, "");
                    st.set_client_id(u, id);
                    u
                }
            }
        } else {
            return Err(invalid(
                path,
                "required_one_of",
                "`id` or `ref_id` is required",
            ));
        };
        if let Some(u) = st.users.get_mut(user as usize)
            && u.kind == Kind::Client
        {
            update_profile(u, p);
        }
        Ok(user)
    }

    fn new_chat(
        &mut self,
        scope: u32,
        conversation_id: Option<&str>,
        client: u32,
        source: Option<&str>,
        now_ms: i64,
    ) -> u32 {
        let seed = self.state.scopes[scope as usize].seed;
        let id = self.state.mint(seed);
        self.state.add_chat(Chat {
            id,
            scope,
            conversation_id: conversation_id.map(Into::into),
            client,
            source: source.map(Into::into),
            created_ms: now_ms,
            typing_until_ms: 0,
            msgs: Vec::new(),
            out_of_order: false,
        })
    }

    /// `{id, user{id, client_id?, name, avatar, phone?, email?}}`; the same
    /// `conversation_id` again answers the same chat («если для conversation_id чат уже
    /// существует, вернет его id»).
    fn create_chat(&mut self, scope: u32, body: &J<'_>, now_ms: i64) -> Answer {
        let conv = body.str_at("conversation_id").unwrap_or("");
        let user = match self.participant(scope, body.at("user"), "/user", "user") {
            Ok(u) => u,
            Err(a) => return a,
        };
        let existing = self.state.scopes[scope as usize]
            .chats_by_conv
            .get(conv)
            .copied();
        let chat = match existing {
            Some(c) => c,
            None => {
                let source = body.get("source").and_then(|s| s.str_at("external_id"));
                self.new_chat(scope, Some(conv), user, source, now_ms)
            }
        };
        let st = &self.state;
        let u = &st.users[user as usize];
        let mut ju = Map::new();
        ju.insert("id".into(), u.id.as_ref().into());
        if let Some(c) = &u.client_id {
            ju.insert("client_id".into(), c.as_ref().into());
        }
        ju.insert("name".into(), u.name.clone().into());
        // «Ссылка на аватар, если была передана, или пустое поле».
        ju.insert("avatar".into(), u.avatar.clone().into());
        // «Поле отсутствует, если данные не передавались».
        if !u.phone.is_empty() {
            ju.insert("phone".into(), u.phone.clone().into());
        }
        if !u.email.is_empty() {
            ju.insert("email".into(), u.email.clone().into());
        }
        ok(json!({ "id": format_uuid(st.chats[chat as usize].id), "user": Value::Object(ju) }))
    }

    /// The chat a message goes to: `conversation_ref_id` (amoCRM's id) must name one of the
    /// scope's chats; with `conversation_id` too, a chat without an integration id gets it
    /// (linking a chat a manager started). `conversation_id` alone finds the chat or makes
    /// it, as the live API does («Метод создаст сообщение и при необходимости сам чат»).
    fn message_chat(
        &mut self,
        scope: u32,
        payload: &J<'_>,
        client: u32,
        now_ms: i64,
    ) -> Result<u32, Answer> {
        let conv = payload.str_at("conversation_id");
        if let Some(r) = payload.str_at("conversation_ref_id") {
            let Some(c) = self.state.chat_by_ref(scope, r) else {
                return Err(invalid(
                    "/payload/conversation_ref_id",
                    "chat_not_found",
                    "no chat of this scope has this `conversation_ref_id`",
                ));
            };
            if let Some(conv) = conv {
                let taken = self.state.scopes[scope as usize]
                    .chats_by_conv
                    .get(conv)
                    .copied();
                match (&self.state.chats[c as usize].conversation_id, taken) {
                    (None, None) => self.state.set_conversation_id(c, conv),
                    (Some(x), _) if x.as_ref() == conv => {}
                    _ => {
                        return Err(invalid(
                            "/payload/conversation_id",
                            "conversation_mismatch",
                            "`conversation_id` names another chat than `conversation_ref_id`",
                        ));
                    }
                }
            }
            return Ok(c);
        }
        let Some(conv) = conv else {
            return Err(invalid(
                "/payload",
                "required_one_of",
                "`conversation_id` or `conversation_ref_id` is required",
            ));
        };
        if let Some(&c) = self.state.scopes[scope as usize].chats_by_conv.get(conv) {
            return Ok(c);
        }
        let source = payload.get("source").and_then(|s| s.str_at("external_id"));
        Ok(self.new_chat(scope, Some(conv), client, source, now_ms))
    }

    // ---- messages -----------------------------------------------------------------------

    fn send_message(&mut self, scope: u32, body: &J<'_>, now_ms: i64) -> Answer {
        let payload = body.at("payload");
        let result = match body.str_at("event_type") {
            Some("edit_message") => self.edit_message(scope, payload, now_ms),
            _ => self.new_message(scope, payload, now_ms),
        };
        match result {
            Ok(m) => Answer {
                body: Body::Raw(sent_bytes(self, m)),
                ..empty(200, None)
            },
            Err(a) => a,
        }
    }

    /// A new message (incoming from the client, outgoing from a manager or the bot, an
    /// import with `silent`, a comment with `message.post`). The same `msgid` again answers
    /// the message stored the first time and changes nothing.
    fn new_message(&mut self, scope: u32, payload: &J<'_>, now_ms: i64) -> Result<u32, Answer> {
        let Some(msgid) = payload.str_at("msgid") else {
            return Err(invalid("/payload/msgid", "required", "`msgid` is required"));
        };
        if let Some(m) = self.state.msg_by_ref(scope, msgid) {
            return Ok(m);
        }
        let sender = self.participant(scope, payload.at("sender"), "/payload/sender", "sender")?;
        let receiver = match payload.get("receiver") {
            Some(r) if r.is_object() => {
                Some(self.participant(scope, r, "/payload/receiver", "receiver")?)
            }
            _ => None,
        };
        let chat = self.message_chat(scope, payload, receiver.unwrap_or(sender), now_ms)?;
        let message = payload.at("message");
        let kind = message.str_at("type").and_then(type_index).unwrap_or(0);
        let text = message.str_at("text").unwrap_or("");
        let mut extra = Map::new();
        for (k, v) in message.pairs() {
            if k != "type" && k != "text" && !v.is_null() {
                extra.insert(k.to_string(), v.to_value());
            }
        }
        for k in ["reply_to", "forwards"] {
            if let Some(v) = payload.get(k).filter(|v| !v.is_null()) {
                extra.insert(k.to_owned(), v.to_value());
            }
        }
        let msec = payload
            .i64_at("msec_timestamp")
            .or_else(|| payload.i64_at("timestamp").map(|s| s.saturating_mul(1000)))
            .unwrap_or(now_ms);
        let seed = self.state.scopes[scope as usize].seed;
        let id = self.state.mint(seed);
        Ok(self.state.add_msg(Msg {
            id,
            ref_id: Some(msgid.into()),
            chat,
            sender,
            receiver,
            msec,
            kind,
            text: text.into(),
            extra: (!extra.is_empty()).then(|| Box::new(extra)),
            silent: payload.get("silent").and_then(J::as_bool).unwrap_or(false),
            delivery: None,
            reactions: Vec::new(),
            edits: 0,
            edited_ms: None,
            received_ms: now_ms,
        }))
    }

    /// Edits a stored message found by `id` (amoCRM's) or `msgid` (the integration's); with
    /// both, `msgid` becomes the message's integration id («Если при редактировании
    /// сообщения передан вместе с id, то msgid будет установлен…»). An unknown message is a
    /// 400 (`message_not_found`): the send table lists 200/403/400 only.
    fn edit_message(&mut self, scope: u32, payload: &J<'_>, now_ms: i64) -> Result<u32, Answer> {
        let id = payload.str_at("id");
        let msgid = payload.str_at("msgid");
        let m = match (id, msgid) {
            (Some(id), _) => self.state.msg_by_amo_id(scope, id).ok_or_else(|| {
                invalid(
                    "/payload/id",
                    "message_not_found",
                    "no message of this scope has this `id`",
                )
            })?,
            (None, Some(r)) => self.state.msg_by_ref(scope, r).ok_or_else(|| {
                invalid(
                    "/payload/msgid",
                    "message_not_found",
                    "no message of this scope has this `msgid`",
                )
            })?,
            (None, None) => {
                return Err(invalid(
                    "/payload",
                    "required_one_of",
                    "`msgid` or `id` is required",
                ));
            }
        };
        if let (Some(_), Some(r)) = (id, msgid) {
            match self.state.msg_by_ref(scope, r) {
                Some(other) if other != m => {
                    return Err(invalid(
                        "/payload/msgid",
                        "msgid_taken",
                        "another message of this scope has this `msgid`",
                    ));
                }
                Some(_) => {}
                None => self.state.set_ref_id(m, r),
            }
        }
        let message = payload.at("message");
        let delivery = message
            .get("delivery_status")
            .filter(|v| v.is_object())
            .or_else(|| payload.get("delivery_status").filter(|v| v.is_object()));
        let Some(msg) = self.state.msgs.get_mut(m as usize) else {
            return Err(invalid(
                "/payload",
                "message_not_found",
                "the message is gone",
            ));
        };
        if let Some(k) = message.str_at("type").and_then(type_index) {
            msg.kind = k;
        }
        if let Some(t) = message.str_at("text") {
            msg.text = t.into();
        }
        for (k, v) in message.pairs() {
            if matches!(k.as_ref(), "type" | "text" | "delivery_status") || v.is_null() {
                continue;
            }
            msg.extra
                .get_or_insert_with(Default::default)
                .insert(k.to_string(), v.to_value());
        }
        if let Some(d) = delivery {
            msg.delivery = Some(Box::new(delivery_of(d, now_ms)));
        }
        msg.edits = msg.edits.saturating_add(1);
        msg.edited_ms = Some(now_ms);
        Ok(m)
    }

    /// 200 without a body for a message of the scope (by amoCRM's id, the path's
    /// `{msgid}` as hooks carry it, or by the integration's msgid); 404 otherwise («404
    /// Сообщения не существует»).
    fn delivery_status(&mut self, scope: u32, msgid: &str, body: &J<'_>, now_ms: i64) -> Answer {
        let decoded = percent_decode(msgid);
        let st = &mut self.state;
        let found = [msgid, decoded.as_str()].into_iter().find_map(|id| {
            st.msg_by_amo_id(scope, id)
                .or_else(|| st.msg_by_ref(scope, id))
        });
        let Some(m) = found else {
            return not_found("message_not_found", "no message of this scope has this id");
        };
        if let Some(msg) = st.msgs.get_mut(m as usize) {
            msg.delivery = Some(Box::new(delivery_of(body, now_ms)));
        }
        empty(200, None)
    }

    /// `{messages:[…]}` newest first (the docs' example lists the later message first),
    /// `offset` and `limit` (default 50, at most 50) over that order. 204 when the chat does
    /// not exist or has no message in the window («Чат не существует или сообщения
    /// отсутствуют»). The path's `{conversation_id}` is amoCRM's chat id (chat-step-by-step
    /// .md: «потребуется scope_id и ID чата на стороне API Чатов»); the integration's id
    /// finds nothing, as on the live API (the log says `chat_not_found`).
    fn history(&self, scope: u32, conversation_id: &str, target: &str) -> Answer {
        let st = &self.state;
        let decoded = percent_decode(conversation_id);
        let Some(c) = st
            .chat_by_ref(scope, conversation_id)
            .or_else(|| st.chat_by_ref(scope, &decoded))
        else {
            return empty(204, Some("chat_not_found"));
        };
        let chat = &st.chats[c as usize];
        let (offset, limit) = history_window(target);
        let page: Vec<u32> = if chat.out_of_order {
            let mut all = chat.msgs.clone();
            all.sort_by_key(|&m| {
                std::cmp::Reverse((st.msgs.get(m as usize).map_or(0, |x| x.msec), m))
            });
            all.into_iter().skip(offset).take(limit).collect()
        } else {
            chat.msgs
                .iter()
                .rev()
                .skip(offset)
                .take(limit)
                .copied()
                .collect()
        };
        if page.is_empty() {
            return empty(
                204,
                Some(if chat.msgs.is_empty() {
                    "no_messages"
                } else {
                    "offset_past_end"
                }),
            );
        }
        let messages: Vec<Value> = page
            .into_iter()
            .filter_map(|m| st.msgs.get(m as usize))
            .map(|m| history_entry(self, m))
            .collect();
        ok(json!({ "messages": messages }))
    }

    /// 204 («Событие принято»), known chat or not (the table has no other status); the
    /// chat shows the client typing until now + `duration_ms` (default 5000).
    fn typing(&mut self, scope: u32, body: &J<'_>, now_ms: i64) -> Answer {
        let conv = body.str_at("conversation_id").unwrap_or("");
        let duration = body.i64_at("duration_ms").unwrap_or(5000);
        let sc = &self.state.scopes[scope as usize];
        match sc.chats_by_conv.get(conv).copied() {
            Some(c) => {
                if let Some(chat) = self.state.chats.get_mut(c as usize) {
                    chat.typing_until_ms = now_ms.saturating_add(duration);
                }
                empty(204, None)
            }
            None => empty(204, Some("chat_not_found")),
        }
    }

    /// 200 without a body for a message of the chat named; 404 (`chat_not_found`,
    /// `message_not_found`) otherwise («404 Сообщение не существует»). `react` sets the
    /// user's reaction (one per user), `unreact` removes it.
    fn react(&mut self, scope: u32, body: &J<'_>) -> Answer {
        let st = &mut self.state;
        let sc = &st.scopes[scope as usize];
        let chat = match (
            body.str_at("conversation_id"),
            body.str_at("conversation_ref_id"),
        ) {
            (Some(c), _) if sc.chats_by_conv.contains_key(c) => sc.chats_by_conv.get(c).copied(),
            (_, Some(r)) => st.chat_by_ref(scope, r),
            _ => None,
        };
        let Some(chat) = chat else {
            return not_found(
                "chat_not_found",
                "no chat of this scope has this conversation id",
            );
        };
        let msg = body
            .str_at("id")
            .and_then(|id| st.msg_by_amo_id(scope, id))
            .or_else(|| body.str_at("msgid").and_then(|r| st.msg_by_ref(scope, r)));
        let Some(m) = msg.filter(|&m| st.msgs.get(m as usize).is_some_and(|x| x.chat == chat))
        else {
            return not_found("message_not_found", "the chat has no message with this id");
        };
        let user = body.at("user");
        let sc = &st.scopes[scope as usize];
        let user_id: Box<str> = match (user.str_at("ref_id"), user.str_at("id")) {
            (Some(r), _) => r.into(),
            (None, Some(id)) => sc
                .users_by_client
                .get(id)
                .and_then(|&u| st.users.get(u as usize))
                .map_or_else(|| id.into(), |u| u.id.clone()),
            (None, None) => "".into(),
        };
        let emoji = body.str_at("emoji").unwrap_or("");
        let unreact = body.str_at("type") == Some("unreact");
        if let Some(msg) = st.msgs.get_mut(m as usize) {
            set_reaction(&mut msg.reactions, user_id, emoji, unreact);
        }
        empty(200, None)
    }
}

pub(crate) fn set_reaction(
    list: &mut Vec<Reaction>,
    user_id: Box<str>,
    emoji: &str,
    unreact: bool,
) {
    list.retain(|r| r.user_id != user_id);
    if !unreact {
        list.push(Reaction {
            user_id,
            emoji: emoji.into(),
        });
    }
}

fn delivery_of(d: &J<'_>, now_ms: i64) -> Delivery {
    Delivery {
        status: d
            .i64_at("status_code")
            .or_else(|| d.i64_at("delivery_status"))
            .unwrap_or(0),
        error_code: d.i64_at("error_code"),
        error: d.str_at("error").map(str::to_owned),
        time_ms: now_ms,
    }
}

fn update_profile(u: &mut User, p: &J<'_>) {
    if let Some(n) = p.str_at("name") {
        n.clone_into(&mut u.name);
    }
    if let Some(a) = p.str_at("avatar") {
        a.clone_into(&mut u.avatar);
    }
    if let Some(l) = p.str_at("profile_link") {
        l.clone_into(&mut u.profile_link);
    }
    if let Some(profile) = p.get("profile") {
        if let Some(ph) = profile.str_at("phone") {
            ph.clone_into(&mut u.phone);
        }
        if let Some(e) = profile.str_at("email") {
            e.clone_into(&mut u.email);
        }
    }
}

pub(crate) fn invalid_body(endpoint: Endpoint, errors: &[Value], warnings: &[Value]) -> Value {
    json!({
        "error": "invalid_request",
        "message": "the request does not follow the API's rules",
        "endpoint": endpoint.as_str(),
        "errors": errors,
        "warnings": warnings,
    })
}

/// `{new_message{conversation_id, sender_id, receiver_id|null, msgid, ref_id}}`, keys in the
/// docs' order, as JSON bytes (written straight from the state: building a `Value` first
/// was a tenth of a request). As the docs' example shows them: `conversation_id` and
/// `sender_id` are the integration's ids when there are (the example echoes the request's),
/// else amoCRM's; `receiver_id` is amoCRM's id of the receiver (null for an incoming
/// message); `msgid` is amoCRM's id, `ref_id` the integration's.
pub(crate) fn sent_bytes(em: &Emulator, m: u32) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Sent<'a> {
        conversation_id: Option<std::borrow::Cow<'a, str>>,
        sender_id: Option<&'a str>,
        receiver_id: Option<&'a str>,
        msgid: String,
        ref_id: Option<&'a str>,
    }
    #[derive(serde::Serialize)]
    struct Answer<'a> {
        new_message: Sent<'a>,
    }
    let st = &em.state;
    let Some(msg) = st.msgs.get(m as usize) else {
        return b"null".to_vec();
    };
    let chat = st.chats.get(msg.chat as usize);
    let conversation_id = chat.map(|c| {
        c.conversation_id.as_deref().map_or_else(
            || std::borrow::Cow::Owned(format_uuid(c.id)),
            std::borrow::Cow::Borrowed,
        )
    });
    let sender_id = st
        .user(msg.sender)
        .map(|u| u.client_id.as_deref().unwrap_or(&u.id));
    let receiver_id = msg.receiver.and_then(|r| st.user(r)).map(|u| &*u.id);
    let answer = Answer {
        new_message: Sent {
            conversation_id,
            sender_id,
            receiver_id,
            msgid: format_uuid(msg.id),
            ref_id: msg.ref_id.as_deref(),
        },
    };
    serde_json::to_vec(&answer).unwrap_or_default()
}

/// A participant in history: `{id, client_id?, name?, avatar?, phone?, email?}` («Пустые
/// значения могут быть опущены»).
fn history_user(u: &User) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), u.id.as_ref().into());
    if let Some(c) = &u.client_id {
        m.insert("client_id".into(), c.as_ref().into());
    }
    for (k, v) in [
        ("name", &u.name),
        ("avatar", &u.avatar),
        ("phone", &u.phone),
        ("email", &u.email),
    ] {
        if !v.is_empty() {
            m.insert(k.into(), v.clone().into());
        }
    }
    Value::Object(m)
}

fn history_entry(em: &Emulator, m: &Msg) -> Value {
    let st = &em.state;
    let mut e = Map::new();
    e.insert("timestamp".into(), m.msec.div_euclid(1000).into());
    e.insert("msec_timestamp".into(), m.msec.into());
    if let Some(u) = st.user(m.sender) {
        e.insert("sender".into(), history_user(u));
    }
    if let Some(u) = m.receiver.and_then(|r| st.user(r)) {
        e.insert("receiver".into(), history_user(u));
    }
    let extra = m.extra.as_deref();
    let field = |k: &str| extra.and_then(|x| x.get(k)).cloned();
    let mut msg = Map::new();
    msg.insert("id".into(), format_uuid(m.id).into());
    if let Some(r) = &m.ref_id {
        msg.insert("client_id".into(), r.as_ref().into());
    }
    msg.insert("type".into(), type_name(m.kind).into());
    msg.insert("text".into(), m.text.as_ref().into());
    for k in ["media", "thumbnail", "file_name"] {
        msg.insert(k.into(), field(k).unwrap_or_else(|| "".into()));
    }
    msg.insert(
        "file_size".into(),
        field("file_size").unwrap_or_else(|| 0.into()),
    );
    for k in ["media_group_id", "location", "contact"] {
        if let Some(v) = field(k) {
            msg.insert(k.into(), v);
        }
    }
    e.insert("message".into(), Value::Object(msg));
    Value::Object(e)
}
