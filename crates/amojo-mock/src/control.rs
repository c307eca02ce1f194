//! The control API under `/_mock/`: what the manager does in amoCRM (reply, type, react,
//! start a chat), and the emulator's own state (the log, the state, a reset).
//!
//! Every answer is JSON. Refusals are `{error, message}`: 400 `invalid_json` (not JSON),
//! 400 `bad_request` (a field missing or of the wrong type), 404 `scope_not_found`,
//! `chat_not_found`, `message_not_found`, 404 `unknown_control`, 405 `method_not_allowed`
//! (with `allowed`), 413 `too_large`.

use amojo_kit::Endpoint;
use serde_json::{Map, Value, json};

use crate::api::set_reaction;
use crate::hooks;
use crate::ids::format_uuid;
use crate::state::{HOOK_MESSAGE_TYPES, Kind, Msg, User, type_index};
use crate::{Control, Emulator, Hook};

/// A refusal: status, code, message.
struct Refusal(u16, &'static str, String);

type Res<T> = Result<T, Refusal>;

/// A control action: the body (JSON) and now in, the answer and the hook out.
type Action = fn(&mut Emulator, &Value, i64) -> Res<(Value, Option<Hook>)>;

fn bad(message: impl Into<String>) -> Refusal {
    Refusal(400, "bad_request", message.into())
}

/// An optional string field: absent or null is None, another type is a 400.
fn opt_str<'a>(v: &'a Value, k: &str) -> Res<Option<&'a str>> {
    match v.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad(format!("`{k}` must be a string"))),
    }
}

fn req_str<'a>(v: &'a Value, k: &str) -> Res<&'a str> {
    opt_str(v, k)?.ok_or_else(|| bad(format!("`{k}` is required")))
}

/// What a manager's message carries: `text`, or `message{type, text, media, …}`.
struct Spec {
    kind: u8,
    text: String,
    extra: Map<String, Value>,
}

/// The message fields a manager's message may set (those of the v2 hook's `message`).
const MESSAGE_FIELDS: &[&str] = &[
    "type",
    "text",
    "media",
    "thumbnail",
    "file_name",
    "file_size",
    "media_group_id",
    "markup",
    "template",
    "tag",
];

fn message_spec(body: &Value) -> Res<Spec> {
    let text = opt_str(body, "text")?;
    let message = body.get("message").filter(|v| !v.is_null());
    let spec = match (text, message) {
        (Some(_), Some(_)) => return Err(bad("give `text` or `message`, not both")),
        (None, None) => return Err(bad("`text` or `message` is required")),
        (Some(t), None) => Spec {
            kind: 0,
            text: t.to_owned(),
            extra: Map::new(),
        },
        (None, Some(m)) => {
            let Some(fields) = m.as_object() else {
                return Err(bad("`message` must be an object"));
            };
            let mut extra = Map::new();
            for (k, v) in fields {
                if !MESSAGE_FIELDS.contains(&k.as_str()) {
                    return Err(bad(format!(
                        "`message.{k}` is not a field of a hook's message (one of {})",
                        MESSAGE_FIELDS.join(", ")
                    )));
                }
                let ok = match k.as_str() {
                    "file_size" => v.as_u64().is_some(),
                    "markup" | "template" => v.is_object(),
                    _ => v.is_string(),
                };
                if !ok && !v.is_null() {
                    return Err(bad(format!("`message.{k}` has the wrong type")));
                }
                if !matches!(k.as_str(), "type" | "text") && !v.is_null() {
                    extra.insert(k.clone(), v.clone());
                }
            }
            let t = opt_str(m, "type")?.unwrap_or("text");
            if !HOOK_MESSAGE_TYPES.contains(&t) {
                return Err(bad(format!(
                    "`message.type` must be one of {}",
                    HOOK_MESSAGE_TYPES.join(", ")
                )));
            }
            Spec {
                kind: type_index(t).unwrap_or(0),
                text: opt_str(m, "text")?.unwrap_or("").to_owned(),
                extra,
            }
        }
    };
    if spec.kind == 0 && spec.text.is_empty() {
        return Err(bad("a text message needs a non-empty `text`"));
    }
    Ok(spec)
}

impl Emulator {
    pub(crate) fn control_answer(
        &mut self,
        method: &str,
        path: &str,
        body: &[u8],
        now_ms: i64,
    ) -> Control {
        match self.control_inner(method, path, body, now_ms) {
            Ok((body, hook)) => Control {
                status: 200,
                body,
                hook,
            },
            Err(Refusal(status, code, message)) => {
                let mut b = json!({ "error": code, "message": message });
                if status == 405
                    && let Some(obj) = b.as_object_mut()
                {
                    let allowed = if matches!(path_of(path), "/_mock/requests" | "/_mock/state") {
                        "GET"
                    } else {
                        "POST"
                    };
                    obj.insert("allowed".into(), allowed.into());
                }
                Control {
                    status,
                    body: b,
                    hook: None,
                }
            }
        }
    }

    fn control_inner(
        &mut self,
        method: &str,
        path: &str,
        body: &[u8],
        now_ms: i64,
    ) -> Res<(Value, Option<Hook>)> {
        let path = path_of(path);
        let (want, action): (&str, Action) = match path {
            "/_mock/requests" => ("GET", |em, _, _| {
                let list: Vec<Value> = em
                    .log
                    .iter()
                    .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
                    .collect();
                Ok((json!({ "requests": list }), None))
            }),
            "/_mock/state" => ("GET", |em, _, _| Ok((em.state_json(), None))),
            "/_mock/reset" => ("POST", |em, _, _| {
                em.reset();
                Ok((json!({ "ok": true }), None))
            }),
            "/_mock/reply" => ("POST", Emulator::ctl_reply),
            "/_mock/write-first" => ("POST", Emulator::ctl_write_first),
            "/_mock/typing" => ("POST", Emulator::ctl_typing),
            "/_mock/react" => ("POST", Emulator::ctl_react),
            _ => {
                return Err(Refusal(
                        404,
                        "unknown_control",
                        "the control API has /_mock/requests, /_mock/state, /_mock/reset, /_mock/reply, /_mock/write-first, /_mock/typing and /_mock/react".to_owned(),
                    ));
            }
        };
        if !method.eq_ignore_ascii_case(want) {
            return Err(Refusal(
                405,
                "method_not_allowed",
                format!("`{path}` takes `{want}`"),
            ));
        }
        let json = if want == "GET" || path == "/_mock/reset" {
            Value::Null
        } else {
            let limit = self.config.options.max_body_bytes;
            if body.len() > limit {
                return Err(Refusal(
                    413,
                    "too_large",
                    format!("the body is larger than {limit} bytes"),
                ));
            }
            let v: Value = serde_json::from_slice(body)
                .map_err(|e| Refusal(400, "invalid_json", format!("the body is not JSON: {e}")))?;
            if !v.is_object() {
                return Err(bad("the body must be a JSON object"));
            }
            v
        };
        action(self, &json, now_ms)
    }

    /// The connected scope `scope_id` names.
    fn ctl_scope(&self, body: &Value) -> Res<u32> {
        let sid = req_str(body, "scope_id")?;
        let s = self.state.scope_of(sid).ok_or_else(|| {
            Refusal(
                404,
                "scope_not_found",
                "no account is connected with this scope id".to_owned(),
            )
        })?;
        if !self.state.scopes[s as usize].connected {
            return Err(Refusal(
                404,
                "scope_not_found",
                "the account was disconnected from the channel".to_owned(),
            ));
        }
        Ok(s)
    }

    /// The chat `conversation_id` names: the integration's id, or amoCRM's chat id.
    fn ctl_chat(&self, scope: u32, body: &Value) -> Res<u32> {
        let conv = req_str(body, "conversation_id")?;
        self.state.scopes[scope as usize]
            .chats_by_conv
            .get(conv)
            .copied()
            .or_else(|| self.state.chat_by_ref(scope, conv))
            .ok_or_else(|| {
                Refusal(
                    404,
                    "chat_not_found",
                    "no chat of this scope has this conversation id (the integration's or amoCRM's)"
                        .to_owned(),
                )
            })
    }

    /// The manager acting: `{id?, name?}` under `key`, or the scope's default manager. An
    /// unknown `id` becomes a new manager of the account (amoCRM has many users); a `name`
    /// alone finds the scope's manager of that name or makes one.
    fn ctl_manager(&mut self, scope: u32, body: &Value, key: &str) -> Res<u32> {
        let Some(p) = body.get(key).filter(|v| !v.is_null()) else {
            return Ok(self.state.scopes[scope as usize].manager);
        };
        if !p.is_object() {
            return Err(bad(format!("`{key}` must be an object")));
        }
        let id = opt_str(p, "id")?;
        let name = opt_str(p, "name")?;
        let st = &mut self.state;
        let user = if let Some(id) = id {
            if id.is_empty() {
                return Err(bad(format!("`{key}.id` is empty")));
            }
            match st.scopes[scope as usize].users_by_id.get(id).copied() {
                Some(u) if st.users[u as usize].kind == Kind::Client => {
                    return Err(bad(format!("`{key}.id` names a client, not a manager")));
                }
                Some(u) => u,
                None => st.add_user(User {
                    id: id.into(),
                    scope,
                    kind: Kind::Manager,
                    client_id: None,
                    name: name.unwrap_or("Manager").to_owned(),
                    avatar: String::new(),
                    phone: String::new(),
                    email: String::new(),
                    profile_link: String::new(),
                }),
            }
        } else if let Some(name) = name {
            let found = st.scopes[scope as usize]
                .users_by_id
                .values()
                .copied()
                .filter(|&u| {
                    st.users
                        .get(u as usize)
                        .is_some_and(|x| x.kind == Kind::Manager && x.name == name)
                })
                .min();
            match found {
                Some(u) => u,
                None => st.new_user(scope, Kind::Manager, name),
            }
        } else {
            st.scopes[scope as usize].manager
        };
        if let (Some(n), Some(u)) = (name, st.users.get_mut(user as usize)) {
            n.clone_into(&mut u.name);
        }
        Ok(user)
    }

    /// A message of the scope: `msgid` or `id` (amoCRM's), or `ref_id` (the integration's).
    fn ctl_message(&self, scope: u32, body: &Value) -> Res<u32> {
        let by_amo = match (opt_str(body, "msgid")?, opt_str(body, "id")?) {
            (Some(m), _) | (None, Some(m)) => Some(m),
            _ => None,
        };
        let by_ref = opt_str(body, "ref_id")?;
        if by_amo.is_none() && by_ref.is_none() {
            return Err(bad(
                "`msgid` (amoCRM's id) or `ref_id` (the integration's) is required",
            ));
        }
        by_amo
            .and_then(|m| self.state.msg_by_amo_id(scope, m))
            .or_else(|| by_ref.and_then(|r| self.state.msg_by_ref(scope, r)))
            .ok_or_else(|| {
                Refusal(
                    404,
                    "message_not_found",
                    "no message of this scope has this id".to_owned(),
                )
            })
    }

    /// Stores a manager's message in `chat` and makes its v2 hook (none when the account
    /// connected with `hook_api_version` v1: v1 hooks are no longer sent, chat-webhooks.md
    /// «v1 является устаревшим и больше не поддерживается»).
    fn manager_message(
        &mut self,
        scope: u32,
        chat: u32,
        sender: u32,
        body: &Value,
        now_ms: i64,
    ) -> Res<(Value, Option<Hook>)> {
        let mut spec = message_spec(body)?;
        if let Some(q) = opt_str(body, "reply_to")? {
            let quoted = self
                .state
                .msg_by_amo_id(scope, q)
                .or_else(|| self.state.msg_by_ref(scope, q))
                .filter(|&m| {
                    self.state
                        .msgs
                        .get(m as usize)
                        .is_some_and(|x| x.chat == chat)
                })
                .ok_or_else(|| {
                    Refusal(
                        404,
                        "message_not_found",
                        "`reply_to` names no message of this chat".to_owned(),
                    )
                })?;
            let embedded = hooks::embedded_json(&self.state, &self.state.msgs[quoted as usize]);
            spec.extra.insert("reply_to".into(), embedded);
        }
        if let Some(p) = opt_str(body, "post_id")? {
            spec.extra.insert("post".into(), json!({ "id": p }));
        }
        let client = self.state.chats[chat as usize].client;
        let seed = self.state.scopes[scope as usize].seed;
        let id = self.state.mint(seed);
        let hook_extra = spec.extra.clone();
        let m = self.state.add_msg(Msg {
            id,
            ref_id: None,
            chat,
            sender,
            receiver: Some(client),
            msec: now_ms,
            kind: spec.kind,
            text: spec.text.into(),
            extra: (!spec.extra.is_empty()).then(|| Box::new(spec.extra)),
            silent: false,
            delivery: None,
            reactions: Vec::new(),
            edits: 0,
            edited_ms: None,
            received_ms: now_ms,
        });
        let sc = &self.state.scopes[scope as usize];
        let mut answer = Map::new();
        let hook = if sc.hook_api_version == "v2" {
            let b = hooks::message_body(
                &self.state,
                &sc.account_id,
                &self.state.msgs[m as usize],
                now_ms,
                &hook_extra,
            );
            Some(hooks::make(
                &self.config.channels[sc.channel],
                &sc.scope_id,
                Endpoint::WebhookMessage,
                &b,
            ))
        } else {
            answer.insert(
                "warning".into(),
                "the account connected with hook_api_version `v1`: amoCRM no longer sends v1 hooks, so none was made (connect with `\"hook_api_version\": \"v2\"`)".into(),
            );
            None
        };
        answer.insert(
            "hook".into(),
            hook.as_ref().map_or(Value::Null, hooks::to_json),
        );
        answer.insert("msgid".into(), format_uuid(id).into());
        answer.insert(
            "chat_id".into(),
            format_uuid(self.state.chats[chat as usize].id).into(),
        );
        Ok((Value::Object(answer), hook))
    }

    /// `{scope_id, conversation_id, text | message, sender?, reply_to?, post_id?}`.
    fn ctl_reply(&mut self, body: &Value, now_ms: i64) -> Res<(Value, Option<Hook>)> {
        let scope = self.ctl_scope(body)?;
        let chat = self.ctl_chat(scope, body)?;
        // Check the message before making a manager.
        message_spec(body)?;
        let sender = self.ctl_manager(scope, body, "sender")?;
        self.manager_message(scope, chat, sender, body, now_ms)
    }

    /// `{scope_id, user{name?, phone?, email?, avatar?}, text | message, sender?,
    /// source_external_id?}`: a new client and chat, amoCRM's side only (no integration
    /// ids), and the hook without `conversation.client_id`.
    fn ctl_write_first(&mut self, body: &Value, now_ms: i64) -> Res<(Value, Option<Hook>)> {
        let scope = self.ctl_scope(body)?;
        let user = body
            .get("user")
            .filter(|u| u.is_object())
            .ok_or_else(|| bad("`user` (an object: name, phone, email, avatar) is required"))?;
        let (name, phone) = (opt_str(user, "name")?, opt_str(user, "phone")?);
        let (email, avatar) = (opt_str(user, "email")?, opt_str(user, "avatar")?);
        let source = opt_str(body, "source_external_id")?;
        message_spec(body)?;
        let sender = self.ctl_manager(scope, body, "sender")?;
        let client = self.state.new_user(scope, Kind::Client, name.unwrap_or(""));
        if let Some(u) = self.state.users.get_mut(client as usize) {
            phone.unwrap_or("").clone_into(&mut u.phone);
            email.unwrap_or("").clone_into(&mut u.email);
            avatar.unwrap_or("").clone_into(&mut u.avatar);
        }
        let seed = self.state.scopes[scope as usize].seed;
        let id = self.state.mint(seed);
        let chat = self.state.add_chat(crate::state::Chat {
            id,
            scope,
            conversation_id: None,
            client,
            source: source.map(Into::into),
            created_ms: now_ms,
            typing_until_ms: 0,
            msgs: Vec::new(),
            out_of_order: false,
        });
        let (mut answer, hook) = self.manager_message(scope, chat, sender, body, now_ms)?;
        if let Some(a) = answer.as_object_mut() {
            a.insert(
                "user_id".into(),
                self.state.users[client as usize].id.as_ref().into(),
            );
        }
        Ok((answer, hook))
    }

    /// `{scope_id, conversation_id, user?{id?, name?}, post_id?}` → a typing hook.
    fn ctl_typing(&mut self, body: &Value, now_ms: i64) -> Res<(Value, Option<Hook>)> {
        let scope = self.ctl_scope(body)?;
        let chat = self.ctl_chat(scope, body)?;
        let post_id = opt_str(body, "post_id")?;
        let user = self.ctl_manager(scope, body, "user")?;
        let sc = &self.state.scopes[scope as usize];
        let b = hooks::typing_body(
            &self.state,
            &sc.account_id,
            chat,
            &self.state.users[user as usize],
            post_id,
            now_ms,
        );
        let hook = hooks::make(
            &self.config.channels[sc.channel],
            &sc.scope_id,
            Endpoint::WebhookTyping,
            &b,
        );
        Ok((json!({ "hook": hooks::to_json(&hook) }), Some(hook)))
    }

    /// `{scope_id, msgid | ref_id, emoji, type?: react|unreact, user?{id?, name?}}` → the
    /// reaction stored and its hook (no `emoji` in an `unreact` hook: «Если пользователь убрал
    /// реакцию, то поле будет отсутствовать»).
    fn ctl_react(&mut self, body: &Value, now_ms: i64) -> Res<(Value, Option<Hook>)> {
        let scope = self.ctl_scope(body)?;
        let m = self.ctl_message(scope, body)?;
        let kind = opt_str(body, "type")?.unwrap_or("react");
        if kind != "react" && kind != "unreact" {
            return Err(bad("`type` must be `react` or `unreact`"));
        }
        let emoji = opt_str(body, "emoji")?;
        let emoji = match (kind, emoji) {
            ("react", None | Some("")) => return Err(bad("`emoji` is required to react")),
            ("react", e) => e,
            _ => None,
        };
        let user = self.ctl_manager(scope, body, "user")?;
        let user_id = self.state.users[user as usize].id.clone();
        if let Some(msg) = self.state.msgs.get_mut(m as usize) {
            set_reaction(
                &mut msg.reactions,
                user_id,
                emoji.unwrap_or(""),
                kind == "unreact",
            );
        }
        let sc = &self.state.scopes[scope as usize];
        let b = hooks::reaction_body(
            &self.state,
            &sc.account_id,
            &self.state.msgs[m as usize],
            &self.state.users[user as usize],
            kind,
            emoji,
            now_ms,
        );
        let hook = hooks::make(
            &self.config.channels[sc.channel],
            &sc.scope_id,
            Endpoint::WebhookReaction,
            &b,
        );
        Ok((json!({ "hook": hooks::to_json(&hook) }), Some(hook)))
    }
}

/// The path without a query string.
fn path_of(path: &str) -> &str {
    path.split(['?', '#']).next().unwrap_or(path)
}
