//! What the emulator remembers: connected scopes, participants, chats and messages, with
//! the indexes that make each lookup a map access (no scan per message), and the versioned
//! JSON form that [`crate::Emulator::save`] writes and `GET /_mock/state` shows.
//!
//! Messages are compact: the amoCRM-side ids are 128-bit values (formatted as UUIDs on
//! output), the type a small enum, and only a message that is not plain text keeps its
//! other fields as JSON.

use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::{fnv1a, format_uuid, parse_uuid, uuid};

/// FxHash (rustc's): the maps' keys are ids, hashed on every request; SipHash's DoS
/// resistance buys nothing in a local test server and cost 7 % of a request.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Fx {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by ids.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<Fx>>;

/// The saved state's format name and version: [`crate::Emulator::load`] refuses others.
pub(crate) const FORMAT: &str = "amojo-mock-state";
pub(crate) const VERSION: u32 = 1;

/// The message types of the API (chat-api-reference.md, "Описание объекта message").
pub(crate) const MESSAGE_TYPES: [&str; 9] = [
    "text", "contact", "file", "video", "picture", "voice", "audio", "sticker", "location",
];

/// The types a message hook documents (chat-webhooks.md, "Описание объекта message"): what a
/// manager can send through the control API.
pub(crate) const HOOK_MESSAGE_TYPES: [&str; 7] = [
    "text", "file", "video", "picture", "voice", "audio", "sticker",
];

pub(crate) fn type_index(t: &str) -> Option<u8> {
    MESSAGE_TYPES.iter().position(|&x| x == t).map(|i| i as u8)
}

pub(crate) fn type_name(i: u8) -> &'static str {
    MESSAGE_TYPES.get(usize::from(i)).copied().unwrap_or("text")
}

/// Who a participant is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    /// A client of the messenger (has a `client_id` once the integration named it).
    Client,
    /// An amoCRM user.
    Manager,
    /// The channel's bot.
    Bot,
}

/// A connected (or once connected) account of a channel.
#[derive(Debug)]
pub(crate) struct Scope {
    pub scope_id: Box<str>,
    pub channel: usize,
    pub account_id: Box<str>,
    pub title: String,
    pub hook_api_version: String,
    pub is_time_window_disabled: bool,
    pub connected: bool,
    /// The default manager (control actions without a `sender`).
    pub manager: u32,
    /// The channel's bot in this scope.
    pub bot: u32,
    /// Seed of the scope's ids.
    pub seed: u64,
    /// Participants by amoCRM id.
    pub users_by_id: HashMap<Box<str>, u32>,
    /// Clients by the integration's id (`client_id`).
    pub users_by_client: HashMap<Box<str>, u32>,
    /// Chats by the integration's `conversation_id`.
    pub chats_by_conv: HashMap<Box<str>, u32>,
    /// Messages by the integration's `msgid` (the response's `ref_id`).
    pub msgs_by_ref: HashMap<Box<str>, u32>,
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub id: Box<str>,
    pub scope: u32,
    pub kind: Kind,
    pub client_id: Option<Box<str>>,
    pub name: String,
    pub avatar: String,
    pub phone: String,
    pub email: String,
    pub profile_link: String,
}

#[derive(Debug)]
pub(crate) struct Chat {
    pub id: u128,
    pub scope: u32,
    /// The integration's id; None for a chat a manager started until the integration links
    /// it (`conversation_ref_id` with `conversation_id`).
    pub conversation_id: Option<Box<str>>,
    pub client: u32,
    pub source: Option<Box<str>>,
    pub created_ms: i64,
    pub typing_until_ms: i64,
    /// Its messages, in the order received.
    pub msgs: Vec<u32>,
    /// A message arrived with an earlier timestamp than the one before it (an import):
    /// history sorts; otherwise the order received is the order of time.
    pub out_of_order: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Delivery {
    pub status: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub time_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Reaction {
    /// amoCRM id of who reacted (or the integration's id of a client not known).
    pub user_id: Box<str>,
    pub emoji: Box<str>,
}

#[derive(Debug)]
pub(crate) struct Msg {
    pub id: u128,
    /// The integration's `msgid`.
    pub ref_id: Option<Box<str>>,
    pub chat: u32,
    pub sender: u32,
    pub receiver: Option<u32>,
    pub msec: i64,
    pub kind: u8,
    pub text: Box<str>,
    /// The message's other fields (media, file_name, location, post, reply_to, …).
    pub extra: Option<Box<Map<String, Value>>>,
    pub silent: bool,
    pub delivery: Option<Box<Delivery>>,
    pub reactions: Vec<Reaction>,
    pub edits: u32,
    pub edited_ms: Option<i64>,
    pub received_ms: i64,
}

/// All state but the configuration and the log.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub next_id: u64,
    pub scopes: Vec<Scope>,
    pub scope_index: HashMap<Box<str>, u32>,
    pub users: Vec<User>,
    pub chats: Vec<Chat>,
    pub chat_by_id: HashMap<u128, u32>,
    pub msgs: Chunked<Msg>,
    pub msg_by_id: HashMap<u128, u32>,
}

/// Elements in chunks of [`CHUNK`]: growing never moves what is stored. A `Vec` of every
/// message doubles by copying them all wherever `realloc` copies (mimalloc; the .wasm's
/// allocator): with mimalloc, 524,288 messages held the emulator, and so the host's lock,
/// for a quarter of a second. (glibc moves such a block with mremap; the maps that index
/// the messages still rehash at once when they grow: ~0.1 s at 460k messages.)
pub(crate) struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

const CHUNK: usize = 4096;

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T> Chunked<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn push(&mut self, value: T) {
        match self.chunks.last_mut() {
            Some(c) if c.len() < CHUNK => c.push(value),
            _ => {
                let mut c = Vec::with_capacity(CHUNK);
                c.push(value);
                self.chunks.push(c);
            }
        }
        self.len += 1;
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }

    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.chunks.get_mut(i / CHUNK)?.get_mut(i % CHUNK)
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.chunks.iter().flatten()
    }
}

impl<T> std::ops::Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

/// Ids of the bot when the channel names none: derived from the channel id.
pub(crate) fn default_bot_id(channel_id: &str) -> String {
    format_uuid(uuid(fnv1a(channel_id.as_bytes()), u64::MAX))
}

impl State {
    /// A fresh id in `scope`'s stream, unused by chats and messages.
    pub fn mint(&mut self, seed: u64) -> u128 {
        loop {
            self.next_id = self.next_id.wrapping_add(1);
            let v = uuid(seed, self.next_id);
            if !self.chat_by_id.contains_key(&v) && !self.msg_by_id.contains_key(&v) {
                return v;
            }
        }
    }

    pub fn scope_of(&self, scope_id: &str) -> Option<u32> {
        self.scope_index.get(scope_id).copied()
    }

    /// Adds a participant to a scope (its amoCRM id must be new there).
    pub fn add_user(&mut self, user: User) -> u32 {
        let idx = self.users.len() as u32;
        if let Some(scope) = self.scopes.get_mut(user.scope as usize) {
            scope.users_by_id.insert(user.id.clone(), idx);
            if let (Kind::Client, Some(c)) = (user.kind, &user.client_id) {
                scope.users_by_client.insert(c.clone(), idx);
            }
        }
        self.users.push(user);
        idx
    }

    /// A new participant with a minted id.
    pub fn new_user(&mut self, scope: u32, kind: Kind, name: &str) -> u32 {
        let seed = self.scopes.get(scope as usize).map_or(0, |s| s.seed);
        let id = format_uuid(self.mint(seed));
        self.add_user(User {
            id: id.into(),
            scope,
            kind,
            client_id: None,
            name: name.to_owned(),
            avatar: String::new(),
            phone: String::new(),
            email: String::new(),
            profile_link: String::new(),
        })
    }

    /// Gives a client the integration's id (linking a chat a manager started).
    pub fn set_client_id(&mut self, user: u32, client_id: &str) {
        let Some(u) = self.users.get_mut(user as usize) else {
            return;
        };
        u.client_id = Some(client_id.into());
        if let Some(scope) = self.scopes.get_mut(u.scope as usize) {
            scope.users_by_client.insert(client_id.into(), user);
        }
    }

    pub fn add_chat(&mut self, chat: Chat) -> u32 {
        let idx = self.chats.len() as u32;
        self.chat_by_id.insert(chat.id, idx);
        if let (Some(scope), Some(c)) = (
            self.scopes.get_mut(chat.scope as usize),
            &chat.conversation_id,
        ) {
            scope.chats_by_conv.insert(c.clone(), idx);
        }
        self.chats.push(chat);
        idx
    }

    pub fn set_conversation_id(&mut self, chat: u32, conversation_id: &str) {
        let Some(c) = self.chats.get_mut(chat as usize) else {
            return;
        };
        c.conversation_id = Some(conversation_id.into());
        if let Some(scope) = self.scopes.get_mut(c.scope as usize) {
            scope.chats_by_conv.insert(conversation_id.into(), chat);
        }
    }

    pub fn add_msg(&mut self, msg: Msg) -> u32 {
        let idx = self.msgs.len() as u32;
        self.msg_by_id.insert(msg.id, idx);
        if let Some(chat) = self.chats.get_mut(msg.chat as usize) {
            if let Some(last) = chat.msgs.last().and_then(|&l| self.msgs.get(l as usize))
                && last.msec > msg.msec
            {
                chat.out_of_order = true;
            }
            chat.msgs.push(idx);
            if let (Some(scope), Some(r)) = (self.scopes.get_mut(chat.scope as usize), &msg.ref_id)
            {
                scope.msgs_by_ref.insert(r.clone(), idx);
            }
        }
        self.msgs.push(msg);
        idx
    }

    pub fn set_ref_id(&mut self, msg: u32, ref_id: &str) {
        let Some(m) = self.msgs.get_mut(msg as usize) else {
            return;
        };
        let old = m.ref_id.replace(ref_id.into());
        let Some(chat) = self.chats.get(m.chat as usize) else {
            return;
        };
        if let Some(scope) = self.scopes.get_mut(chat.scope as usize) {
            if let Some(old) = old {
                scope.msgs_by_ref.remove(&old);
            }
            scope.msgs_by_ref.insert(ref_id.into(), msg);
        }
    }

    /// The scope a chat belongs to.
    pub fn chat_scope(&self, chat: u32) -> Option<u32> {
        self.chats.get(chat as usize).map(|c| c.scope)
    }

    /// A chat of `scope` by amoCRM id.
    pub fn chat_by_ref(&self, scope: u32, id: &str) -> Option<u32> {
        let c = *self.chat_by_id.get(&parse_uuid(id)?)?;
        (self.chat_scope(c) == Some(scope)).then_some(c)
    }

    /// A message of `scope` by amoCRM id.
    pub fn msg_by_amo_id(&self, scope: u32, id: &str) -> Option<u32> {
        let m = *self.msg_by_id.get(&parse_uuid(id)?)?;
        let chat = self.msgs.get(m as usize)?.chat;
        (self.chat_scope(chat) == Some(scope)).then_some(m)
    }

    /// A message of `scope` by the integration's msgid.
    pub fn msg_by_ref(&self, scope: u32, msgid: &str) -> Option<u32> {
        self.scopes
            .get(scope as usize)?
            .msgs_by_ref
            .get(msgid)
            .copied()
    }

    pub fn user(&self, i: u32) -> Option<&User> {
        self.users.get(i as usize)
    }
}

// ---- the saved form ---------------------------------------------------------------------

#[derive(Serialize, Deserialize)]
pub(crate) struct Saved {
    pub format: String,
    pub version: u32,
    pub next_id: u64,
    pub log_seq: u64,
    pub channels: Vec<SavedChannel>,
    pub scopes: Vec<SavedScope>,
    pub users: Vec<SavedUser>,
    pub chats: Vec<SavedChat>,
    pub messages: Vec<SavedMessage>,
}

/// A channel as the state shows it: no secret.
#[derive(Serialize, Deserialize)]
pub(crate) struct SavedChannel {
    pub id: String,
    pub hook_url: Option<String>,
    pub bot_id: String,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct SavedScope {
    pub scope_id: String,
    pub channel_id: String,
    pub account_id: String,
    pub title: String,
    pub hook_api_version: String,
    pub is_time_window_disabled: bool,
    pub connected: bool,
    pub manager_id: String,
    pub bot_id: String,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct SavedUser {
    pub id: String,
    pub scope_id: String,
    pub kind: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub avatar: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub profile_link: String,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct SavedChat {
    pub id: String,
    pub scope_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// The client's amoCRM id.
    pub client: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_external_id: Option<String>,
    pub created_ms: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub typing_until_ms: i64,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

fn is_false(v: &bool) -> bool {
    !*v
}

fn is_zero_u32(v: &u32) -> bool {
    *v == 0
}

#[derive(Serialize, Deserialize)]
pub(crate) struct SavedMessage {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ref_id: Option<String>,
    pub chat_id: String,
    pub sender: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<String>,
    pub msec_timestamp: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub silent: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<Reaction>,
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub edits: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_ms: Option<i64>,
    pub received_ms: i64,
}

impl State {
    /// The saved form (`channels`: the configuration, without secrets).
    pub fn to_saved(&self, channels: &[crate::Channel], log_seq: u64) -> Saved {
        let scope_id = |i: u32| {
            self.scopes
                .get(i as usize)
                .map_or_else(String::new, |s| s.scope_id.to_string())
        };
        let user_id = |i: u32| {
            self.users
                .get(i as usize)
                .map_or_else(String::new, |u| u.id.to_string())
        };
        let chat_id = |i: u32| {
            self.chats
                .get(i as usize)
                .map_or_else(String::new, |c| format_uuid(c.id))
        };
        Saved {
            format: FORMAT.to_owned(),
            version: VERSION,
            next_id: self.next_id,
            log_seq,
            channels: channels
                .iter()
                .map(|c| SavedChannel {
                    id: c.id.clone(),
                    hook_url: c.hook_url.clone(),
                    bot_id: c.bot_id.clone().unwrap_or_else(|| default_bot_id(&c.id)),
                })
                .collect(),
            scopes: self
                .scopes
                .iter()
                .map(|s| SavedScope {
                    scope_id: s.scope_id.to_string(),
                    channel_id: channels
                        .get(s.channel)
                        .map_or_else(String::new, |c| c.id.clone()),
                    account_id: s.account_id.to_string(),
                    title: s.title.clone(),
                    hook_api_version: s.hook_api_version.clone(),
                    is_time_window_disabled: s.is_time_window_disabled,
                    connected: s.connected,
                    manager_id: user_id(s.manager),
                    bot_id: user_id(s.bot),
                })
                .collect(),
            users: self
                .users
                .iter()
                .map(|u| SavedUser {
                    id: u.id.to_string(),
                    scope_id: scope_id(u.scope),
                    kind: u.kind,
                    client_id: u.client_id.as_deref().map(str::to_owned),
                    name: u.name.clone(),
                    avatar: u.avatar.clone(),
                    phone: u.phone.clone(),
                    email: u.email.clone(),
                    profile_link: u.profile_link.clone(),
                })
                .collect(),
            chats: self
                .chats
                .iter()
                .map(|c| SavedChat {
                    id: format_uuid(c.id),
                    scope_id: scope_id(c.scope),
                    conversation_id: c.conversation_id.as_deref().map(str::to_owned),
                    client: user_id(c.client),
                    source_external_id: c.source.as_deref().map(str::to_owned),
                    created_ms: c.created_ms,
                    typing_until_ms: c.typing_until_ms,
                })
                .collect(),
            messages: self
                .msgs
                .iter()
                .map(|m| SavedMessage {
                    id: format_uuid(m.id),
                    ref_id: m.ref_id.as_deref().map(str::to_owned),
                    chat_id: chat_id(m.chat),
                    sender: user_id(m.sender),
                    receiver: m.receiver.map(user_id),
                    msec_timestamp: m.msec,
                    kind: type_name(m.kind).to_owned(),
                    text: m.text.to_string(),
                    extra: m.extra.as_deref().cloned(),
                    silent: m.silent,
                    delivery: m.delivery.as_deref().cloned(),
                    reactions: m.reactions.clone(),
                    edits: m.edits,
                    edited_ms: m.edited_ms,
                    received_ms: m.received_ms,
                })
                .collect(),
        }
    }

    /// Rebuilds the state and its indexes from the saved form, checking every reference.
    ///
    /// # Errors
    ///
    /// Why the saved form is not this emulator's, or names a channel not in `channels`.
    pub fn from_saved(saved: Saved, channels: &[crate::Channel]) -> Result<State, String> {
        if saved.format != FORMAT {
            return Err(format!("its format is not `{FORMAT}`"));
        }
        if saved.version != VERSION {
            return Err(format!(
                "its version is {}, this emulator reads version {VERSION}",
                saved.version
            ));
        }
        let mut st = State {
            next_id: saved.next_id,
            ..State::default()
        };
        // Managers and bots are filled in once the users are known.
        let mut pending: Vec<(String, String)> = Vec::with_capacity(saved.scopes.len());
        for s in saved.scopes {
            let channel = channels
                .iter()
                .position(|c| c.id == s.channel_id)
                .ok_or_else(|| {
                    format!(
                        "channel `{}` of the saved state is not configured",
                        s.channel_id
                    )
                })?;
            let expected = format!("{}_{}", s.channel_id, s.account_id);
            if s.scope_id != expected {
                return Err(format!("scope `{}` is not `{expected}`", s.scope_id));
            }
            if st.scope_index.contains_key(s.scope_id.as_str()) {
                return Err(format!("scope `{}` is saved twice", s.scope_id));
            }
            let idx = st.scopes.len() as u32;
            st.scope_index.insert(s.scope_id.clone().into(), idx);
            pending.push((s.manager_id, s.bot_id));
            st.scopes.push(Scope {
                seed: fnv1a(s.scope_id.as_bytes()),
                scope_id: s.scope_id.into(),
                channel,
                account_id: s.account_id.into(),
                title: s.title,
                hook_api_version: s.hook_api_version,
                is_time_window_disabled: s.is_time_window_disabled,
                connected: s.connected,
                manager: 0,
                bot: 0,
                users_by_id: HashMap::default(),
                users_by_client: HashMap::default(),
                chats_by_conv: HashMap::default(),
                msgs_by_ref: HashMap::default(),
            });
        }
        for u in saved.users {
            let scope = st
                .scope_of(&u.scope_id)
                .ok_or_else(|| format!("user `{}` names an unknown scope", u.id))?;
            let sc = &st.scopes[scope as usize];
            if sc.users_by_id.contains_key(u.id.as_str()) {
                return Err(format!("user `{}` is saved twice", u.id));
            }
            if let Some(c) = &u.client_id
                && u.kind == Kind::Client
                && sc.users_by_client.contains_key(c.as_str())
            {
                return Err(format!("client id `{c}` is saved twice"));
            }
            st.add_user(User {
                id: u.id.into(),
                scope,
                kind: u.kind,
                client_id: u.client_id.map(Into::into),
                name: u.name,
                avatar: u.avatar,
                phone: u.phone,
                email: u.email,
                profile_link: u.profile_link,
            });
        }
        for (i, (manager, bot)) in pending.into_iter().enumerate() {
            let sc = &mut st.scopes[i];
            let find = |id: &str, kind: Kind| {
                sc.users_by_id
                    .get(id)
                    .copied()
                    .filter(|&u| st.users.get(u as usize).is_some_and(|u| u.kind == kind))
            };
            let m = find(&manager, Kind::Manager)
                .ok_or_else(|| format!("scope `{}` names no saved manager", sc.scope_id))?;
            let b = find(&bot, Kind::Bot)
                .ok_or_else(|| format!("scope `{}` names no saved bot", sc.scope_id))?;
            sc.manager = m;
            sc.bot = b;
        }
        for c in saved.chats {
            let scope = st
                .scope_of(&c.scope_id)
                .ok_or_else(|| format!("chat `{}` names an unknown scope", c.id))?;
            let id =
                parse_uuid(&c.id).ok_or_else(|| format!("chat id `{}` is not a UUID", c.id))?;
            if st.chat_by_id.contains_key(&id) {
                return Err(format!("chat `{}` is saved twice", c.id));
            }
            let sc = &st.scopes[scope as usize];
            let client = *sc
                .users_by_id
                .get(c.client.as_str())
                .ok_or_else(|| format!("chat `{}` names an unknown client", c.id))?;
            if let Some(conv) = &c.conversation_id
                && sc.chats_by_conv.contains_key(conv.as_str())
            {
                return Err(format!("conversation `{conv}` is saved twice"));
            }
            st.add_chat(Chat {
                id,
                scope,
                conversation_id: c.conversation_id.map(Into::into),
                client,
                source: c.source_external_id.map(Into::into),
                created_ms: c.created_ms,
                typing_until_ms: c.typing_until_ms,
                msgs: Vec::new(),
                out_of_order: false,
            });
        }
        for m in saved.messages {
            let id =
                parse_uuid(&m.id).ok_or_else(|| format!("message id `{}` is not a UUID", m.id))?;
            if st.msg_by_id.contains_key(&id) || st.chat_by_id.contains_key(&id) {
                return Err(format!("message `{}` is saved twice", m.id));
            }
            let chat = parse_uuid(&m.chat_id)
                .and_then(|c| st.chat_by_id.get(&c).copied())
                .ok_or_else(|| format!("message `{}` names an unknown chat", m.id))?;
            let scope = st.chats[chat as usize].scope;
            let sc = &st.scopes[scope as usize];
            let user = |id: &str| {
                sc.users_by_id
                    .get(id)
                    .copied()
                    .ok_or_else(|| format!("message `{}` names an unknown user `{id}`", m.id))
            };
            let sender = user(&m.sender)?;
            let receiver = m.receiver.as_deref().map(user).transpose()?;
            if let Some(r) = &m.ref_id
                && sc.msgs_by_ref.contains_key(r.as_str())
            {
                return Err(format!("msgid `{r}` is saved twice"));
            }
            let kind = type_index(&m.kind)
                .ok_or_else(|| format!("message `{}` has an unknown type", m.id))?;
            st.add_msg(Msg {
                id,
                ref_id: m.ref_id.map(Into::into),
                chat,
                sender,
                receiver,
                msec: m.msec_timestamp,
                kind,
                text: m.text.into(),
                extra: m.extra.filter(|e| !e.is_empty()).map(Box::new),
                silent: m.silent,
                delivery: m.delivery.map(Box::new),
                reactions: m.reactions,
                edits: m.edits,
                edited_ms: m.edited_ms,
                received_ms: m.received_ms,
            });
        }
        Ok(st)
    }
}

#[cfg(test)]
mod chunked_tests {
    use super::{CHUNK, Chunked};

    #[test]
    fn chunked_is_a_vec_that_never_moves() {
        let mut c = Chunked::default();
        let n = 2 * CHUNK + 3;
        for i in 0..n {
            c.push(i);
        }
        assert_eq!(c.len(), n);
        assert_eq!(
            c.iter().copied().collect::<Vec<_>>(),
            (0..n).collect::<Vec<_>>()
        );
        assert_eq!(c[CHUNK], CHUNK);
        assert_eq!(c.get(n - 1), Some(&(n - 1)));
        assert_eq!(c.get(n), None);
        *c.get_mut(CHUNK + 1).unwrap() = 7;
        assert_eq!(c[CHUNK + 1], 7);
        assert!(c.get_mut(n).is_none());
    }
}
