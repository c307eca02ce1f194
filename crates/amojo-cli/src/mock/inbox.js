// The inbox page of `amojo mock`: polls GET /_mock/state and GET /_mock/requests, shows the
// chats, their messages both ways and the request log with each refusal's diagnosis or
// issues, and acts as the manager through POST /_mock/reply, /_mock/typing, /_mock/react
// and /_mock/write-first. Served by the mock itself; loads nothing from elsewhere. Every
// value from the state is put in the page as text, never as markup.
"use strict";

const POLL_MS = 1000;
const EMOJI = ["👍", "❤", "😂", "🙏", "👀"];

const view = {
  state: null,
  requests: [],
  stateText: "",
  requestsText: "",
  selected: null, // chat id
  expanded: new Set(), // request seqs shown in full
  picker: null, // message id whose emoji picker is open
  hookResults: new Map(), // message id → outcome of the hook sent for it
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function time(ms) {
  if (typeof ms !== "number") return "";
  const d = new Date(ms);
  const p = (n, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

async function getJSON(path) {
  const r = await fetch(path, { cache: "no-store" });
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return r.text();
}

async function post(path, body) {
  const r = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  let json = null;
  try {
    json = await r.json();
  } catch {
    json = null;
  }
  return { status: r.status, json };
}

// ---- polling --------------------------------------------------------------------------

// The state comes whole (GET /_mock/state has no "since"): with many messages it is large
// and building it holds the emulator's lock. The next poll waits ten times as long as the
// last one took (at least POLL_MS), so the page never takes more than a tenth of the mock.
let polling = false;
let pollTimer = null;
let soon = false; // an action changed the state: poll again right away

function schedule(ms) {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(poll, ms);
}

async function poll() {
  if (polling) return;
  polling = true;
  soon = false;
  const t0 = performance.now();
  try {
    const [s, q] = await Promise.all([getJSON("/_mock/state"), getJSON("/_mock/requests")]);
    $("conn").textContent = `live · ${location.host}`;
    $("conn").classList.remove("down");
    if (s !== view.stateText) {
      view.stateText = s;
      view.state = JSON.parse(s);
      renderState();
    }
    if (q !== view.requestsText) {
      view.requestsText = q;
      view.requests = JSON.parse(q).requests || [];
      renderRequests();
    }
  } catch (e) {
    $("conn").textContent = "the mock is not answering";
    $("conn").classList.add("down");
  } finally {
    polling = false;
    schedule(soon ? 50 : Math.max(POLL_MS, 10 * (performance.now() - t0)));
  }
}

function refreshSoon() {
  soon = true;
  if (!polling) schedule(50);
}

// ---- chats and messages ---------------------------------------------------------------

function users() {
  const m = new Map();
  for (const u of view.state?.users || []) m.set(u.id, u);
  return m;
}

function scopesById() {
  const m = new Map();
  for (const s of view.state?.scopes || []) m.set(s.scope_id, s);
  return m;
}

function renderState() {
  const st = view.state || {};
  const us = users();
  const scopes = scopesById();
  const chats = [...(st.chats || [])];
  const msgs = st.messages || [];
  const byChat = new Map();
  for (const m of msgs) {
    if (!byChat.has(m.chat_id)) byChat.set(m.chat_id, []);
    byChat.get(m.chat_id).push(m);
  }
  const lastMs = (c) => {
    const l = byChat.get(c.id);
    return l && l.length ? Math.max(...l.map((m) => m.received_ms || 0)) : c.created_ms || 0;
  };
  chats.sort((a, b) => lastMs(b) - lastMs(a));
  if (view.selected && !chats.some((c) => c.id === view.selected)) view.selected = null;
  if (!view.selected && chats.length) view.selected = chats[0].id;

  // Accounts.
  const sc = $("scopes");
  sc.replaceChildren(
    ...(st.scopes || []).map((s) =>
      el("div", { class: s.connected ? "scope" : "scope off", title: s.scope_id },
        `${s.title || s.account_id} · hooks ${s.hook_api_version}${s.connected ? "" : " · disconnected"}`)),
  );
  const wf = $("wf-scope");
  const chosen = wf.value;
  wf.replaceChildren(
    ...(st.scopes || []).filter((s) => s.connected).map((s) =>
      el("option", { value: s.scope_id, text: s.title || s.scope_id })),
  );
  if (chosen) wf.value = chosen;

  // The chat list.
  $("no-chats").hidden = chats.length > 0;
  $("chats").replaceChildren(
    ...chats.map((c) => {
      const client = us.get(c.client) || {};
      const list = byChat.get(c.id) || [];
      const last = list[list.length - 1];
      const typing = c.typing_until_ms && c.typing_until_ms > Date.now();
      return el("li", {
        class: c.id === view.selected ? "chat selected" : "chat",
        "data-chat-id": c.id,
        onclick: () => {
          view.selected = c.id;
          view.picker = null;
          renderState();
        },
      },
      el("div", { class: "name", text: client.name || client.client_id || "client" }),
      el("div", { class: "last", text: last ? last.text || `[${last.type}]` : "no messages" }),
      el("div", { class: "meta", text: c.conversation_id ? `conversation_id ${c.conversation_id}` : "started by the manager (no conversation_id yet)" }),
      typing ? el("div", { class: "typing", text: "typing…" }) : null);
    }),
  );

  renderThread(chats.find((c) => c.id === view.selected), byChat, us, scopes);
}

function delivery(d) {
  if (!d) return null;
  const names = { 1: "delivered", 2: "read", "-1": "error", 0: "sent" };
  const name = names[String(d.status)] || `status ${d.status}`;
  const detail = d.status === -1 ? ` ${d.error_code ?? ""}${d.error ? `: ${d.error}` : ""}` : "";
  return el("span", { class: d.status === -1 ? "badge bad" : "badge ok", text: `${name}${detail}` });
}

function renderThread(chat, byChat, us, scopes) {
  const send = $("reply-send");
  const typing = $("typing-send");
  if (!chat) {
    $("thread-title").textContent = "No chat selected";
    $("thread-meta").textContent = "";
    $("messages").replaceChildren();
    send.disabled = typing.disabled = true;
    return;
  }
  const client = us.get(chat.client) || {};
  const scope = scopes.get(chat.scope_id) || {};
  $("thread-title").textContent = client.name || client.client_id || "client";
  $("thread-meta").textContent = [
    `chat ${chat.id}`,
    chat.conversation_id ? `conversation_id ${chat.conversation_id}` : null,
    client.client_id ? `client_id ${client.client_id}` : null,
    chat.source_external_id ? `source ${chat.source_external_id}` : null,
    scope.title ? `account ${scope.title}` : null,
  ].filter(Boolean).join(" · ");
  send.disabled = typing.disabled = !scope.connected;

  const list = [...(byChat.get(chat.id) || [])].sort(
    (a, b) => (a.msec_timestamp || 0) - (b.msec_timestamp || 0));
  $("messages").replaceChildren(
    ...list.map((m) => {
      const sender = us.get(m.sender) || {};
      const out = sender.kind === "manager" || sender.kind === "bot";
      const badges = [];
      badges.push(el("span", { class: "badge ok", text: out && !m.ref_id ? "sent by the manager" : "accepted · 200" }));
      if (m.silent) badges.push(el("span", { class: "badge", text: "imported (silent)" }));
      if (m.edits) badges.push(el("span", { class: "badge warn", text: `edited${m.edits > 1 ? ` ×${m.edits}` : ""}` }));
      const d = delivery(m.delivery);
      if (d) badges.push(d);
      for (const r of m.reactions || []) {
        const who = us.get(r.user_id);
        badges.push(el("span", { class: "badge", title: who ? who.name : r.user_id, text: r.emoji || "∅" }));
      }
      const hook = view.hookResults.get(m.id);
      if (hook) badges.push(hookBadge(hook));
      badges.push(el("button", {
        type: "button",
        class: "react-btn",
        text: "react",
        title: "react as the manager (a signed webhook_reaction)",
        onclick: () => {
          view.picker = view.picker === m.id ? null : m.id;
          renderState();
        },
      }));
      if (view.picker === m.id) {
        badges.push(el("span", { class: "picker" },
          EMOJI.map((e) => el("button", { type: "button", text: e, onclick: () => react(chat, m, e) }))));
      }
      const kind = m.type && m.type !== "text" ? `[${m.type}] ` : "";
      return el("li", { class: out ? "msg out" : "msg in", "data-msg-id": m.id },
        el("div", { class: "who", text: `${sender.name || sender.kind || "?"} (${sender.kind || "?"}) · ${time(m.msec_timestamp)}${m.ref_id ? ` · msgid ${m.ref_id}` : ""}` }),
        el("div", { class: "msg-text", text: kind + (m.text || "") }),
        el("div", { class: "badges" }, badges));
    }),
  );
}

function hookBadge(h) {
  if (h.status === null || h.status === undefined) {
    return el("span", { class: "badge bad", text: `hook not delivered${h.url ? "" : " (no --hook-url)"}` });
  }
  return el("span", { class: h.status === 200 ? "badge ok" : "badge bad", text: `hook → ${h.status}` });
}

function showHook(answer, what) {
  const box = $("last-hook");
  const j = answer.json || {};
  if (answer.status !== 200) {
    box.className = "hook-result bad";
    box.textContent = `${what}: ${answer.status} ${j.error || ""} ${j.message || ""}`.trim();
    return;
  }
  const hook = j.hook || {};
  const st = j.hook_status;
  box.className = st === 200 ? "hook-result ok" : "hook-result bad";
  box.textContent = st === null || st === undefined
    ? `${what}: ${hook.endpoint || "hook"} not delivered${hook.url ? ` to ${hook.url}` : " (no --hook-url)"}`
    : `${what}: ${hook.endpoint} → ${hook.url} answered ${st}`;
}

// ---- manager actions ------------------------------------------------------------------

function selectedChat() {
  return (view.state?.chats || []).find((c) => c.id === view.selected);
}

async function reply(ev) {
  ev.preventDefault();
  const chat = selectedChat();
  const text = $("reply-text").value;
  if (!chat || !text.trim()) return;
  $("reply-send").disabled = true;
  try {
    const a = await post("/_mock/reply", {
      scope_id: chat.scope_id,
      conversation_id: chat.conversation_id || chat.id,
      text,
    });
    showHook(a, "reply");
    if (a.status === 200) {
      $("reply-text").value = "";
      if (a.json?.msgid) view.hookResults.set(a.json.msgid, { status: a.json.hook_status, url: a.json.hook?.url });
    }
  } finally {
    $("reply-send").disabled = false;
    refreshSoon();
  }
}

async function typing() {
  const chat = selectedChat();
  if (!chat) return;
  const a = await post("/_mock/typing", {
    scope_id: chat.scope_id,
    conversation_id: chat.conversation_id || chat.id,
  });
  showHook(a, "typing");
}

async function react(chat, m, emoji) {
  view.picker = null;
  const a = await post("/_mock/react", { scope_id: chat.scope_id, msgid: m.id, emoji });
  showHook(a, `react ${emoji}`);
  refreshSoon();
}

async function writeFirst(ev) {
  ev.preventDefault();
  const scope = $("wf-scope").value;
  if (!scope) return;
  const user = { name: $("wf-name").value };
  if ($("wf-phone").value) user.phone = $("wf-phone").value;
  const a = await post("/_mock/write-first", { scope_id: scope, user, text: $("wf-text").value });
  showHook(a, "write first");
  if (a.status === 200 && a.json?.chat_id) {
    view.selected = a.json.chat_id;
    if (a.json.msgid) view.hookResults.set(a.json.msgid, { status: a.json.hook_status, url: a.json.hook?.url });
  }
  refreshSoon();
}

async function reset() {
  if (!confirm("Forget every account, chat, message and logged request?")) return;
  await post("/_mock/reset", {});
  view.selected = null;
  view.hookResults.clear();
  view.expanded.clear();
  refreshSoon();
}

// ---- the request log ------------------------------------------------------------------

function verdict(r) {
  if (r.status >= 200 && r.status < 300) {
    return r.warnings && r.warnings.length ? `ok · ${r.warnings.length} warning(s)` : "ok";
  }
  if (r.errors && r.errors.length) {
    const e = r.errors[0];
    return `${r.reason || "invalid"}: ${e.path || "/"} ${e.code}${r.errors.length > 1 ? ` (+${r.errors.length - 1})` : ""}`;
  }
  return r.reason || "";
}

function issueList(title, list) {
  if (!list || !list.length) return null;
  return el("div", {},
    el("strong", { text: title }),
    el("ul", {}, list.map((i) => el("li", {},
      el("code", { text: i.path || "/" }), " ", el("code", { text: i.code || "" }), ": ", i.message || ""))));
}

function details(r) {
  const parts = [];
  const d = r.diagnosis;
  if (d) {
    parts.push(el("div", {}, el("strong", { text: `${d.reason || r.reason}: ` }), d.message || ""));
    if (d.expected_canonical !== undefined) {
      parts.push(el("div", { class: "meta", text: "the canonical string the mock signed for what it received (compare with yours byte for byte):" }));
      parts.push(el("pre", { class: "canonical", text: d.expected_canonical }));
    }
    if (d.body_md5) parts.push(el("div", { class: "meta", text: `body MD5 ${d.body_md5}` }));
    if (d.findings && d.findings.length) {
      parts.push(el("ul", {}, d.findings.map((f) => el("li", {},
        el("code", { text: `${f.component} ${f.code}` }), ": ", f.message || ""))));
    }
  } else if (r.status === 403 && r.reason) {
    parts.push(el("div", { text: r.reason }));
  }
  parts.push(issueList("issues (400)", r.errors));
  parts.push(issueList("warnings", r.warnings));
  if (!parts.some(Boolean)) parts.push(el("div", { class: "meta", text: "nothing more to show" }));
  return parts;
}

function renderRequests() {
  const list = [...view.requests].reverse();
  $("log-count").textContent = `${list.length} logged`;
  const rows = [];
  for (const r of list) {
    const open = view.expanded.has(r.seq);
    rows.push(el("tr", {
      class: "req",
      "data-seq": r.seq,
      "data-status": r.status,
      onclick: () => {
        if (open) view.expanded.delete(r.seq);
        else view.expanded.add(r.seq);
        renderRequests();
      },
    },
    el("td", { text: time(r.time_ms) }),
    el("td", { text: r.method }),
    el("td", { class: "path", title: r.path, text: r.path.replace(/^\/v2\/origin\/custom\//, "…/") }),
    el("td", { class: `s${String(r.status)[0]}`, text: r.status }),
    el("td", { text: r.endpoint || "" }),
    el("td", { class: "verdict", text: verdict(r) })));
    if (open) {
      rows.push(el("tr", { class: "detail", "data-seq": r.seq }, el("td", { colspan: 6 }, details(r))));
    }
  }
  $("requests").tBodies[0].replaceChildren(...rows);
}

// ---- start ----------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  $("reply").addEventListener("submit", reply);
  $("reply-text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) reply(e);
  });
  $("typing-send").addEventListener("click", typing);
  $("write-first").addEventListener("submit", writeFirst);
  $("reset").addEventListener("click", reset);
  poll();
});
