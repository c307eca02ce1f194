// The amojo-kit playground. Plain ES modules, no framework, no network: the WebAssembly
// core (./pkg/, copied from the npm package by scripts/build-playground.mjs) does the
// validation, serialization, signing and verification.
import { translator } from "./i18n.mjs";
import { jsonSpans, locate, lineColumn, offsetOf, prettyJson } from "./jsonspans.mjs";

const $ = (id) => document.getElementById(id);
const STORE = "amojo-playground:";
const ROUTE_CODES = new Set(["unknown_route", "method_not_allowed", "msgid_mismatch", "body_not_empty"]);
const DEFAULT_IDS = {
  channel: "344a5002-f8ca-454d-af3d-396180102ac7",
  account: "52e591f7-c98f-4255-8495-827210138c81",
};

let kit;
let templates;
let DEFAULT_TEMPLATE;
let GROUPS;

// ---- state --------------------------------------------------------------------------------

let secret = ""; // the channel secret: this variable, and localStorage only when opted in
const state = {
  lang: "en",
  endpoint: "send_message",
  templateId: null,
  issues: [], // [{ severity, path, code, message, line?, column?, range? }]
  active: -1,
  escArmed: false,
  lastSigned: null, // { method, path, headers, body } of the last signed request
  signView: null, // what the sign panel shows, re-rendered on a language change
  diagView: null,
  hookView: null,
};
let t = translator("en");

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

// ---- small DOM helpers -----------------------------------------------------------------

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** Escapes a message and renders `code spans` as <code>. */
function rich(s) {
  return esc(s).replace(/`([^`]+)`/g, "<code>$1</code>");
}

function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) {
      continue;
    }
    if (k === "class") {
      el.className = v;
    } else if (k === "text") {
      el.textContent = v;
    } else if (k === "html") {
      el.innerHTML = v;
    } else if (k.startsWith("on")) {
      el.addEventListener(k.slice(2), v);
    } else {
      el.setAttribute(k, v === true ? "" : v);
    }
  }
  for (const c of [].concat(children)) {
    if (c !== null && c !== undefined && c !== false) {
      el.append(c);
    }
  }
  return el;
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = h("textarea", { class: "sr-only" });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    document.execCommand("copy");
    ta.remove();
  }
  if (button) {
    const old = button.textContent;
    button.textContent = t("copied");
    button.classList.add("done");
    setTimeout(() => {
      button.textContent = old;
      button.classList.remove("done");
    }, 1200);
  }
}

function copyButton(text, label) {
  const b = h("button", { type: "button", class: "btn small copy", "aria-label": label ? `${t("copy")}: ${label}` : t("copy"), text: t("copy") });
  b.addEventListener("click", () => copyText(text, b));
  return b;
}

/** A titled code block with a copy button. */
function block(title, text, { id, cls = "", extra } = {}) {
  const pre = h("pre", { class: `code-block ${cls}`, id, tabindex: "0" });
  pre.textContent = text;
  return h("section", { class: "out-block" }, [
    h("div", { class: "out-head" }, [h("h3", { text: title }), extra || null, copyButton(text, title)]),
    pre,
  ]);
}

function banner(kind, html, attrs = {}, extra = null) {
  const icon = { ok: "✓", error: "✕", warn: "⚠", info: "ℹ" }[kind] || "";
  const body = h("span", { class: "banner-text" }, [h("span", { html }), extra]);
  return h("div", { class: `banner ${kind}`, ...attrs }, [h("span", { class: "banner-icon", "aria-hidden": "true", text: icon }), body]);
}

// ---- endpoints and templates --------------------------------------------------------------

function meta(endpoint = state.endpoint) {
  return kit.schemaIndex().schemas[endpoint];
}

function isHook(endpoint = state.endpoint) {
  return meta(endpoint).kind === "webhook";
}

/** A body the API answers with: no route of its own, not signed. */
function isResponse(endpoint = state.endpoint) {
  return meta(endpoint).kind === "response";
}

function currentTemplate() {
  return templates.find((x) => x.id === state.templateId) || null;
}

function fillEndpointSelect() {
  const sel = $("endpoint");
  const value = state.endpoint;
  sel.replaceChildren();
  const requests = h("optgroup", { label: state.lang === "ru" ? "Запросы к API" : "Requests to the API" });
  const hooks = h("optgroup", { label: state.lang === "ru" ? "Хуки (amoCRM → вы)" : "Hooks (amoCRM → you)" });
  const responses = h("optgroup", { label: state.lang === "ru" ? "Ответы API (API → вы)" : "API responses (API → you)" });
  for (const name of kit.endpoints()) {
    const label = `${name} — ${t("endpoints")[name] || meta(name).title}`;
    (isHook(name) ? hooks : isResponse(name) ? responses : requests).append(h("option", { value: name, text: label }));
  }
  sel.append(requests, hooks, responses);
  sel.value = value;
}

function fillTemplateSelect() {
  const sel = $("template");
  sel.replaceChildren();
  const mine = templates.filter((x) => x.endpoint === state.endpoint);
  for (const group of GROUPS) {
    const items = mine.filter((x) => x.group === group);
    if (items.length === 0) {
      continue;
    }
    const og = h("optgroup", { label: t("groups")[group] || group });
    for (const x of items) {
      og.append(h("option", { value: x.id, text: x.label[state.lang] || x.label.en }));
    }
    sel.append(og);
  }
  sel.value = state.templateId;
}

function templateText(tpl) {
  return JSON.stringify(tpl.body, null, 2);
}

/** Path parameters a concrete path carries (the package's route), percent-decoded; a
 * scope_id is also split into the channel and account ids it joins. */
function paramsOf(endpoint, path) {
  const r = path ? kit.route(path) : null;
  if (r === null || r.endpoint !== endpoint) {
    return {};
  }
  const out = {};
  for (const [name, value] of Object.entries(r.params)) {
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  if (out.scope_id) {
    const cut = out.scope_id.indexOf("_");
    if (cut > 0) {
      out.channel_id = out.scope_id.slice(0, cut);
      out.account_id = out.scope_id.slice(cut + 1);
    }
  }
  return out;
}

function pickEndpoint(endpoint, templateId) {
  state.endpoint = endpoint;
  const id = templateId && templates.some((x) => x.id === templateId && x.endpoint === endpoint) ? templateId : DEFAULT_TEMPLATE[endpoint];
  $("endpoint").value = endpoint;
  const m = meta(endpoint);
  if (m.method) {
    $("method").value = m.method;
  }
  pickTemplate(id);
}

function pickTemplate(id) {
  const tpl = templates.find((x) => x.id === id);
  if (!tpl) {
    return;
  }
  state.templateId = id;
  fillTemplateSelect();
  const p = paramsOf(tpl.endpoint, tpl.path);
  if (p.channel_id) {
    $("channel-id").value = p.channel_id;
  }
  if (p.account_id) {
    $("account-id").value = p.account_id;
  }
  if (p.msgid) {
    $("msgid").value = p.msgid;
  } else if (tpl.endpoint === "delivery_status" && tpl.body && typeof tpl.body.msgid === "string") {
    $("msgid").value = tpl.body.msgid;
  }
  if (p.conversation_id) {
    $("conversation-id").value = p.conversation_id;
  }
  if (tpl.docs && tpl.docs.date) {
    $("date").value = tpl.docs.date;
  }
  setEditor(templateText(tpl));
  renderRoute();
  state.signView = null;
  renderSign();
}

function renderRoute() {
  const m = meta();
  const hook = isHook();
  const answered = isResponse() ? meta(m.response_to) : null;
  $("route-method").textContent = hook ? "POST" : answered ? "200" : m.method;
  $("route-method").dataset.method = hook ? "HOOK" : answered ? "RESPONSE" : m.method;
  $("route-path").textContent = hook ? t("hookRoute") : answered ? t("responseRoute", { method: answered.method, path: answered.path }) : m.path;
  $("route-title").textContent = state.endpoint === "history" ? t("historyNote") : "";
  const tpl = currentTemplate();
  const src = $("template-source");
  src.replaceChildren();
  if (tpl && tpl.source) {
    src.append(h("span", { class: "muted", text: `${t("source")}: ` }), h("span", { text: tpl.source }));
    if (tpl.note) {
      src.append(h("span", { class: "note", text: ` · ${tpl.note}` }));
    }
  }
  for (const el of document.querySelectorAll(".request-only")) {
    el.hidden = hook || answered !== null;
  }
  for (const el of document.querySelectorAll(".hook-only")) {
    el.hidden = !hook;
  }
  const path = m.path || "";
  $("f-channel").hidden = hook || !path.includes("{channel_id}") && !path.includes("{scope_id}");
  $("f-account").hidden = hook || !path.includes("{scope_id}");
  $("f-msgid").hidden = hook || !path.includes("{msgid}");
  $("f-conversation").hidden = hook || !path.includes("{conversation_id}");
  $("date-docs").hidden = !(tpl && tpl.docs && tpl.docs.date);
  updatePath();
}

// ---- the path and the route check ---------------------------------------------------------

function buildPath() {
  const m = meta();
  if (!m.path) {
    return "";
  }
  const enc = (id) => encodeURIComponent($(id).value.trim());
  return m.path
    .replace("{channel_id}", enc("channel-id"))
    .replace("{scope_id}", `${enc("channel-id")}_${enc("account-id")}`)
    .replace("{msgid}", enc("msgid"))
    .replace("{conversation_id}", enc("conversation-id"));
}

/** The history query string from the editor's JSON ("" when not an object). */
function historyQuery(text) {
  let q;
  try {
    q = JSON.parse(text);
  } catch {
    return "";
  }
  if (q === null || typeof q !== "object" || Array.isArray(q)) {
    return "";
  }
  const parts = Object.entries(q).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === "string" ? v : JSON.stringify(v))}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

function updatePath() {
  if (isHook() || isResponse()) {
    return;
  }
  const path = buildPath();
  const query = state.endpoint === "history" ? historyQuery(editor().value) : "";
  $("path-out").textContent = path + query;
  const check = $("route-check");
  let report;
  try {
    report = kit.validateRequest(
      { method: $("method").value, path: path + query, body: state.endpoint === "history" ? "" : editor().value },
      { lang: state.lang },
    );
  } catch (e) {
    check.className = "route-check bad";
    check.textContent = e.message;
    return;
  }
  const routeIssues = report.errors.filter((x) => ROUTE_CODES.has(x.code));
  if (routeIssues.length === 0 && report.endpoint === state.endpoint) {
    check.className = "route-check ok";
    check.textContent = `✓ ${t("routeOk", { endpoint: state.endpoint })}`;
  } else {
    check.className = "route-check bad";
    const first = routeIssues[0];
    check.innerHTML = first ? `✕ <code>${esc(first.code)}</code> ${rich(first.message)}` : `✕ ${esc(report.endpoint || "?")}`;
  }
}

// ---- the editor ---------------------------------------------------------------------------

const editor = () => $("editor");

function setEditor(text) {
  const ta = editor();
  ta.value = text;
  ta.setSelectionRange(0, 0);
  $("editor-scroll").scrollTop = 0;
  $("editor-scroll").scrollLeft = 0;
  onEdit();
}

/** Replaces the selection with `text` (undoable where the browser allows it). */
function insertText(text) {
  const ta = editor();
  if (!document.execCommand("insertText", false, text)) {
    const { selectionStart: s, selectionEnd: e } = ta;
    ta.setRangeText(text, s, e, "end");
    onEdit();
  }
}

function onEdit() {
  validateNow();
  updatePath();
  updateCursor();
}

function validateNow() {
  const text = editor().value;
  let report;
  try {
    report = kit.validate(state.endpoint, text, { lang: state.lang });
  } catch (e) {
    report = { valid: false, errors: [{ path: "", code: e.code || "error", message: e.message }], warnings: [], truncated: false };
  }
  let tree = null;
  try {
    tree = jsonSpans(text);
  } catch {
    tree = null;
  }
  const issues = [];
  for (const [severity, list] of [["error", report.errors], ["warning", report.warnings]]) {
    for (const x of list) {
      const issue = { severity, ...x };
      if (x.code === "invalid_json" && Number.isInteger(x.line) && Number.isInteger(x.column)) {
        const at = offsetOf(text, x.line, x.column);
        issue.range = { start: Math.min(at, Math.max(text.length - 1, 0)), end: Math.min(at + 1, text.length), missing: false };
        if (issue.range.end <= issue.range.start) {
          issue.range = { start: Math.max(text.length - 1, 0), end: text.length, missing: false };
        }
      } else if (tree && typeof x.path === "string") {
        issue.range = locate(tree, x.path);
      }
      issues.push(issue);
    }
  }
  state.issues = issues;
  state.truncated = report.truncated;
  state.valid = report.valid;
  if (state.active >= issues.length) {
    state.active = -1;
  }
  renderIssues();
  renderOverlay();
}

function renderIssues() {
  const list = $("issues");
  list.replaceChildren();
  const errors = state.issues.filter((x) => x.severity === "error").length;
  const warnings = state.issues.length - errors;
  const status = $("status");
  status.className = `status ${errors ? "bad" : warnings ? "warn" : "ok"}`;
  status.textContent = errors
    ? `✕ ${t("invalid", { e: errors, w: warnings })}`
    : warnings
      ? `✓ ${t("validWithWarnings", { w: warnings })}`
      : `✓ ${t("valid")}`;
  if (state.truncated) {
    status.textContent += ` ${t("truncated")}`;
  }
  state.issues.forEach((x, k) => {
    const where = x.code === "invalid_json" && x.line
      ? h("span", { class: "where", "data-line": String(x.line), "data-column": String(x.column), text: t("lineCol", { line: x.line, column: x.column }) })
      : h("code", { class: "where ptr", text: x.path === "" ? t("root") : x.path });
    const btn = h("button", { type: "button", class: "issue-btn", "aria-current": k === state.active ? "true" : null }, [
      h("span", { class: "sev", "aria-hidden": "true", text: x.severity === "error" ? "✕" : "⚠" }),
      h("span", { class: "sr-only", text: x.severity === "error" ? "error" : "warning" }),
      where,
      h("span", { class: "code-badge", text: x.code }),
      h("span", { class: "msg", html: rich(x.message) }),
    ]);
    btn.addEventListener("click", () => focusIssue(k));
    list.append(h("li", { class: `issue ${x.severity}`, "data-path": x.path ?? "", "data-code": x.code, "data-severity": x.severity }, [btn]));
  });
}

function renderOverlay() {
  const text = editor().value;
  const ranges = state.issues
    .map((x, k) => (x.range ? { ...x.range, severity: x.severity, k } : null))
    .filter(Boolean);
  const cuts = new Set([0, text.length]);
  for (const r of ranges) {
    cuts.add(Math.min(r.start, text.length));
    cuts.add(Math.min(r.end, text.length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  let html = "";
  for (let p = 0; p + 1 < points.length; p++) {
    const a = points[p];
    const b = points[p + 1];
    const seg = esc(text.slice(a, b));
    const cover = ranges.filter((r) => r.start <= a && r.end >= b);
    if (cover.length === 0) {
      html += seg;
      continue;
    }
    const cls = [cover.some((r) => r.severity === "error") ? "err" : "warn"];
    if (cover.some((r) => r.k === state.active)) {
      cls.push("active");
    }
    if (cover.every((r) => r.missing)) {
      cls.push("missing");
    }
    html += `<mark class="${cls.join(" ")}">${seg}</mark>`;
  }
  $("overlay").innerHTML = `${html}\n`;

  // The gutter: a number per line, a dot on lines with a problem.
  const lineCount = text.split("\n").length;
  const marks = new Map();
  for (const r of ranges) {
    const line = lineColumn(text, r.start).line;
    if (marks.get(line) !== "err") {
      marks.set(line, r.severity === "error" ? "err" : "warn");
    }
  }
  const gutter = $("gutter");
  let g = "";
  for (let l = 1; l <= lineCount; l++) {
    const m = marks.get(l);
    g += `<div${m ? ` class="${m}"` : ""}>${l}</div>`;
  }
  gutter.innerHTML = g;
}

function focusIssue(k) {
  const x = state.issues[k];
  if (!x) {
    return;
  }
  state.active = k;
  renderIssues();
  renderOverlay();
  const ta = editor();
  ta.focus();
  if (x.range) {
    ta.setSelectionRange(x.range.start, x.range.missing ? x.range.start : x.range.end);
    scrollToOffset(x.range.start);
  }
  const item = $("issues").children[k];
  if (item) {
    item.scrollIntoView({ block: "nearest" });
  }
  updateCursor();
}

function scrollToOffset(offset) {
  const scroller = $("editor-scroll");
  const { line } = lineColumn(editor().value, offset);
  const lh = parseFloat(getComputedStyle(editor()).lineHeight) || 20;
  const top = (line - 1) * lh;
  if (top < scroller.scrollTop || top + lh > scroller.scrollTop + scroller.clientHeight) {
    scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 3);
  }
}

function updateCursor() {
  const ta = editor();
  const { line, column } = lineColumn(ta.value, ta.selectionStart);
  $("cursor").textContent = state.escArmed ? t("escArmed") : t("cursor", { line, column });
}

function lineStartOf(text, offset) {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function indentLines(outdent) {
  const ta = editor();
  const text = ta.value;
  const s = ta.selectionStart;
  const e = ta.selectionEnd;
  const multi = text.slice(s, e).includes("\n");
  if (!outdent && !multi) {
    insertText("  ");
    return;
  }
  const from = lineStartOf(text, s);
  const to = e > s && text[e - 1] === "\n" ? e - 1 : e;
  const lines = text.slice(from, to).split("\n");
  let firstDelta = 0;
  let total = 0;
  const changed = lines.map((line, k) => {
    if (outdent) {
      const n = line.startsWith("  ") ? 2 : line.startsWith(" ") || line.startsWith("\t") ? 1 : 0;
      if (k === 0) {
        firstDelta = -n;
      }
      total -= n;
      return line.slice(n);
    }
    if (k === 0) {
      firstDelta = 2;
    }
    total += 2;
    return `  ${line}`;
  });
  ta.setSelectionRange(from, to);
  insertText(changed.join("\n"));
  ta.setSelectionRange(Math.max(from, s + firstDelta), Math.max(from, e + total));
  onEdit();
}

function onEditorKey(ev) {
  const ta = editor();
  if (ev.key === "Escape") {
    state.escArmed = true;
    updateCursor();
    return;
  }
  if (ev.key === "Tab" && !ev.ctrlKey && !ev.altKey && !ev.metaKey) {
    if (state.escArmed) {
      state.escArmed = false;
      return; // let the focus move
    }
    ev.preventDefault();
    indentLines(ev.shiftKey);
    return;
  }
  state.escArmed = false;
  if (ev.key === "Enter" && !ev.ctrlKey && !ev.metaKey && !ev.altKey && !ev.shiftKey) {
    // Keep the indentation; one level more after an opening bracket.
    const text = ta.value;
    const s = ta.selectionStart;
    const lineStart = lineStartOf(text, s);
    const indent = /^[ \t]*/.exec(text.slice(lineStart, s))[0];
    const before = text.slice(lineStart, s).trimEnd();
    const opens = before.endsWith("{") || before.endsWith("[");
    const after = text[ta.selectionEnd];
    ev.preventDefault();
    if (opens && (after === "}" || after === "]")) {
      insertText(`\n${indent}  \n${indent}`);
      const at = s + 1 + indent.length + 2;
      ta.setSelectionRange(at, at);
    } else {
      insertText(`\n${indent}${opens ? "  " : ""}`);
    }
  }
}

function formatEditor() {
  const ta = editor();
  try {
    const pretty = prettyJson(ta.value);
    ta.focus();
    ta.select();
    insertText(pretty);
    ta.setSelectionRange(0, 0);
  } catch (e) {
    const x = state.issues.find((i) => i.code === "invalid_json");
    const at = x ? { line: x.line, column: x.column } : lineColumn(ta.value, e.offset || 0);
    $("status").textContent = `✕ ${t("formatFailed", at)}`;
  }
}

// ---- sign -----------------------------------------------------------------------------------

function styleValue() {
  return document.querySelector('input[name="style"]:checked').value;
}

function dateMode() {
  return document.querySelector('input[name="date-mode"]:checked').value;
}

/** The exact body bytes to send, or throws { notJson: { line, column } }. */
function bodyToSend() {
  const text = editor().value;
  const style = styleValue();
  if (style === "raw") {
    return text;
  }
  try {
    return kit.serializeBody(text, { style });
  } catch (e) {
    if (e.code === "invalid_json") {
      const err = new Error(e.message);
      err.notJson = { line: e.line ?? "?", column: e.column ?? "?" };
      throw err;
    }
    throw e;
  }
}

function fetchSnippet(method, url, headers, body, comment) {
  const hs = Object.entries(headers).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)},`).join("\n");
  return [
    `// ${comment}`,
    `const res = await fetch(${JSON.stringify(url)}, {`,
    `  method: ${JSON.stringify(method)},`,
    "  headers: {",
    hs,
    "  },",
    body !== "" ? `  body: ${JSON.stringify(body)}, // the exact bytes that were signed: send them as they are` : null,
    "});",
    "console.log(res.status, await res.text());",
  ].filter((l) => l !== null).join("\n");
}

function doSign() {
  activateTab("tab-sign", false);
  const out = $("sign-out");
  out.replaceChildren();
  state.signView = null;
  if (isResponse()) {
    out.append(banner("warn", esc(t("responseNotSigned"))));
    return;
  }
  if (secret === "") {
    out.append(banner("error", esc(t("needSecret")), { "data-kind": "need-secret" }));
    $("secret").focus();
    return;
  }
  let body;
  try {
    body = state.endpoint === "history" ? "" : bodyToSend();
  } catch (e) {
    out.append(banner("error", rich(e.notJson ? t("notJson", e.notJson) : t("signFailed", { message: e.message }))));
    return;
  }
  try {
    if (isHook()) {
      const sig = kit.signWebhook(body, secret);
      state.signView = { hook: true, body, headers: { "Content-Type": "application/json", "X-Signature": sig }, url: $("hook-url").value.trim() || "http://localhost:3000/amojo/hook" };
      state.lastSigned = null;
    } else {
      const method = $("method").value;
      const path = buildPath();
      const query = state.endpoint === "history" ? historyQuery(editor().value) : "";
      const date = dateMode() === "now" ? undefined : $("date").value.trim();
      const signed = kit.signRequest({ secret, method, path, body, date });
      const report = kit.validateRequest({ method, path: path + query, body }, { lang: state.lang });
      const url = $("base-url").value + path + query;
      state.signView = { hook: false, method, path, query, url, body, headers: signed.headers, canonical: signed.canonical, report, template: currentTemplate() };
      state.lastSigned = { method, path: path + query, headers: signed.headers, body };
    }
  } catch (e) {
    out.append(banner("error", rich(t("signFailed", { message: e.message }))));
    return;
  }
  renderSign();
}

function renderSign() {
  const out = $("sign-out");
  const v = state.signView;
  out.replaceChildren();
  if (!v) {
    return;
  }
  if (v.hook) {
    out.append(
      headersTable(t("webhookHeaders"), v.headers, null),
      block(t("exactBody"), v.body, { id: "out-body", extra: h("span", { class: "muted small", text: t("bytes", { n: new TextEncoder().encode(v.body).length }) }) }),
      block(t("curl"), kit.curlCommand({ method: "POST", url: v.url, headers: v.headers, body: v.body }), { id: "out-curl" }),
      block(t("fetchSnippet"), fetchSnippet("POST", v.url, v.headers, v.body, t("hookComment")), { id: "out-fetch" }),
    );
    return;
  }
  const errors = v.report.errors;
  if (errors.length > 0) {
    const list = h("ul", { class: "mini-issues" }, errors.slice(0, 5).map((x) => h("li", {}, [h("code", { text: x.path || t("root") }), " ", h("span", { class: "code-badge", text: x.code }), " ", h("span", { html: rich(x.message) })])));
    out.append(banner("warn", esc(t("wouldReject", { n: errors.length })), { "data-kind": "would-reject" }, list));
  }
  const docs = v.template && v.template.docs;
  const sameRequest = docs && docs.path === v.path && docs.date === v.headers.Date;
  const docsBadge = (name, value) => {
    if (!sameRequest) {
      return null;
    }
    const expected = name === "Content-MD5" ? docs.contentMd5 : name === "canonical" ? docs.canonical : null;
    if (!expected) {
      return null;
    }
    if (expected === value) {
      return h("span", { class: "badge ok", title: t("docsMatchTitle"), text: `✓ ${t("docsMatch")}` });
    }
    const title = docs.md5Reproducible ? "" : t("docsUnreproducible");
    return h("span", { class: "badge muted", title, text: t("docsDiffer", { value: name === "canonical" ? "≠" : expected }) });
  };
  const bodyBytes = new TextEncoder().encode(v.body).length;
  out.append(
    headersTable(t("headers"), v.headers, docsBadge),
    block(t("canonical"), v.canonical, { id: "out-canonical", cls: "canonical", extra: docsBadge("canonical", v.canonical) || h("span", { class: "muted small", text: t("canonicalHint") }) }),
    block(t("exactBody"), v.body === "" ? "" : v.body, { id: "out-body", cls: v.body === "" ? "empty" : "", extra: h("span", { class: "muted small", text: v.body === "" ? t("emptyBody") : t("bytes", { n: bodyBytes }) }) }),
    block(t("curl"), kit.curlCommand({ method: v.method, url: v.url, headers: v.headers, body: v.body }), { id: "out-curl" }),
    block(t("fetchSnippet"), fetchSnippet(v.method, v.url, v.headers, v.body, t("signedComment", { date: v.headers.Date })), { id: "out-fetch" }),
  );
}

function headersTable(title, headers, badge) {
  const rows = Object.entries(headers).map(([k, val]) =>
    h("tr", { "data-header": k }, [
      h("th", { scope: "row", text: k }),
      h("td", {}, [h("code", { class: "value", text: val }), badge ? badge(k, val) : null]),
      h("td", { class: "copy-cell" }, [copyButton(val, k)]),
    ]));
  const all = Object.entries(headers).map(([k, val]) => `${k}: ${val}`).join("\n");
  const table = h("table", { class: "headers", id: "out-headers" }, [h("tbody", {}, rows)]);
  const b = h("button", { type: "button", class: "btn small copy", text: t("copyAll") });
  b.addEventListener("click", () => copyText(all, b));
  return h("section", { class: "out-block" }, [h("div", { class: "out-head" }, [h("h3", { text: title }), b]), table]);
}

// ---- diagnose -------------------------------------------------------------------------------

function parseHeaderLines(text) {
  try {
    return kit.parseHeaders(text);
  } catch (e) {
    if (e.code === "invalid_headers") {
      const err = new Error(t("badHeaderLine", { n: e.line }));
      err.friendly = true;
      throw err;
    }
    throw e;
  }
}

function splitRawRequest() {
  const raw = $("diag-raw").value.replace(/\r\n/g, "\n");
  const cut = raw.indexOf("\n\n");
  const head = cut < 0 ? raw : raw.slice(0, cut);
  const body = cut < 0 ? "" : raw.slice(cut + 2);
  const [first, ...rest] = head.split("\n");
  const m = /^\s*(\S+)\s+(\S+)(?:\s+HTTP\/[\d.]+)?\s*$/.exec(first || "");
  if (!m) {
    $("diag-out").replaceChildren(banner("error", rich(t("rawSplitFailed"))));
    return;
  }
  $("diag-method").value = m[1];
  $("diag-path").value = m[2];
  $("diag-headers").value = rest.join("\n");
  $("diag-body").value = body;
  $("diag-out").replaceChildren();
  $("diag-method").focus();
}

function loadLastSigned() {
  const s = state.lastSigned;
  if (!s) {
    $("diag-out").replaceChildren(banner("info", esc(t("diagNothingSigned"))));
    return;
  }
  $("diag-method").value = s.method;
  $("diag-path").value = s.path;
  $("diag-headers").value = Object.entries(s.headers).map(([k, v]) => `${k}: ${v}`).join("\n");
  $("diag-body").value = s.body;
  $("diag-out").replaceChildren();
}

function doDiagnose() {
  const out = $("diag-out");
  out.replaceChildren();
  state.diagView = null;
  if (secret === "") {
    out.append(banner("error", esc(t("needSecret")), { "data-kind": "need-secret" }));
    $("secret").focus();
    return;
  }
  try {
    const headers = parseHeaderLines($("diag-headers").value);
    const input = {
      secret,
      method: $("diag-method").value.trim(),
      path: $("diag-path").value.trim(),
      headers,
      body: $("diag-body").value,
      now: Date.now(),
      // The core's ±15 minutes, or 0: no clock check.
      toleranceSeconds: $("diag-clock").checked ? undefined : 0,
    };
    const d = kit.diagnoseRequest(input);
    const get = (name) => {
      const hit = headers.find(([n]) => n.toLowerCase() === name.toLowerCase());
      return hit ? hit[1] : null;
    };
    state.diagView = { d, received: { md5: get("Content-MD5"), signature: get("X-Signature") } };
  } catch (e) {
    out.append(banner("error", rich(e.friendly ? e.message : t("diagFailed", { message: e.message }))));
    return;
  }
  renderDiagnose();
}

function renderDiagnose() {
  const out = $("diag-out");
  const v = state.diagView;
  out.replaceChildren();
  if (!v) {
    return;
  }
  const { d, received } = v;
  const verdict = d.ok
    ? banner("ok", esc(d.secretIndex > 0 ? t("verifiesWith", { n: d.secretIndex + 1 }) : t("verifies")), { id: "diag-verdict", "data-ok": "true" })
    : banner("error", `${rich(t("rejected", { reason: `\`${d.reason}\`` }))} — ${rich(d.message || "")}`, { id: "diag-verdict", "data-ok": "false", "data-reason": d.reason });
  out.append(verdict);

  const findings = h("ul", { class: "findings", id: "diag-findings" });
  for (const f of d.findings) {
    findings.append(h("li", { "data-code": f.code, "data-component": f.component }, [
      h("span", { class: `chip c-${f.component}`, title: t("component"), text: f.component }),
      h("code", { class: "finding-code", text: f.code }),
      h("span", { class: "msg", html: rich(f.message) }),
    ]));
  }
  if (d.findings.length === 0) {
    findings.append(h("li", { class: "muted", text: t("noFindings") }));
  }
  out.append(h("section", { class: "out-block" }, [h("div", { class: "out-head" }, [h("h3", { text: t("findings") })]), findings]));

  const flagged = new Set(d.findings.map((f) => f.component));
  const cmp = (label, a, b) => {
    const same = a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
    return h("tr", { class: same ? "same" : "differs" }, [
      h("th", { scope: "row", text: label }),
      h("td", {}, [h("code", { text: a ?? t("absent") })]),
      h("td", { class: "mark", "aria-label": same ? "=" : "≠", text: same ? "=" : "≠" }),
    ]);
  };
  const table = h("table", { class: "compare" }, [h("tbody", {}, [
    cmp(t("headerMd5"), received.md5, d.bodyMd5),
    h("tr", {}, [h("th", { scope: "row", text: t("bodyMd5") }), h("td", {}, [h("code", { text: d.bodyMd5 })]), h("td")]),
    cmp(t("receivedSignature"), received.signature, d.expectedSignature ?? null),
    h("tr", {}, [h("th", { scope: "row", text: t("expectedSignature") }), h("td", {}, [h("code", { text: d.expectedSignature ?? t("absent") })]), h("td")]),
  ])]);
  out.append(h("section", { class: "out-block" }, [table]));

  if (d.expectedCanonical) {
    const names = ["method", "content_md5", "content_type", "date", "path"];
    const pre = h("pre", { class: "code-block canonical", id: "diag-canonical", tabindex: "0" });
    d.expectedCanonical.split("\n").forEach((line, k) => {
      const span = h("span", { class: flagged.has(names[k]) ? "line flagged" : "line", text: line });
      pre.append(span, k < 4 ? "\n" : "");
    });
    out.append(h("section", { class: "out-block" }, [h("div", { class: "out-head" }, [h("h3", { text: t("expectedCanonical") }), copyButton(d.expectedCanonical)]), pre]));
  }
}

// ---- webhook --------------------------------------------------------------------------------

function doVerifyHook() {
  const out = $("hook-out");
  out.replaceChildren();
  state.hookView = null;
  if (secret === "") {
    out.append(banner("error", esc(t("needSecret")), { "data-kind": "need-secret" }));
    $("secret").focus();
    return;
  }
  const body = $("hook-body").value;
  if (body === "") {
    out.append(banner("error", esc(t("hookNeedBody"))));
    return;
  }
  const sig = $("hook-sig").value.trim();
  try {
    const outcome = kit.verifyWebhook({ body, signature: sig === "" ? null : sig, secret });
    let json;
    let notJson = false;
    try {
      json = JSON.parse(body);
    } catch {
      notJson = true;
    }
    const endpoint = notJson ? null : kit.webhookEndpoint(body);
    const report = endpoint ? kit.validate(endpoint, body, { lang: state.lang }) : null;
    state.hookView = { outcome, endpoint, report, notJson };
  } catch (e) {
    out.append(banner("error", rich(t("hookFailed", { message: e.message }))));
    return;
  }
  renderHook();
}

function renderHook() {
  const out = $("hook-out");
  const v = state.hookView;
  out.replaceChildren();
  if (!v) {
    return;
  }
  const o = v.outcome;
  out.append(o.ok
    ? banner("ok", esc(o.secretIndex > 0 ? t("verifiesWith", { n: o.secretIndex + 1 }) : t("hookOk")), { id: "hook-verdict", "data-ok": "true" })
    : banner("error", `${rich(t("hookBad", { reason: `\`${o.reason}\`` }))} — ${rich(o.message || "")}`, { id: "hook-verdict", "data-ok": "false", "data-reason": o.reason }));
  if (v.notJson) {
    out.append(banner("warn", esc(t("hookNotJson"))));
    return;
  }
  if (!v.endpoint) {
    out.append(banner("warn", esc(t("hookUnknown"))));
    return;
  }
  const r = v.report;
  const errors = r.errors.length;
  const warnings = r.warnings.length;
  const head = h("div", { class: "out-head" }, [
    h("h3", { html: rich(t("hookType", { endpoint: `\`${v.endpoint}\`` })) }),
    h("span", { class: `status ${errors ? "bad" : warnings ? "warn" : "ok"}`, id: "hook-validity", text: errors ? `✕ ${t("invalid", { e: errors, w: warnings })}` : `✓ ${warnings ? t("validWithWarnings", { w: warnings }) : t("valid")}` }),
  ]);
  const list = h("ul", { class: "issues static", id: "hook-issues" });
  for (const [severity, items] of [["error", r.errors], ["warning", r.warnings]]) {
    for (const x of items) {
      list.append(h("li", { class: `issue ${severity}`, "data-path": x.path, "data-code": x.code }, [h("div", { class: "issue-btn" }, [
        h("span", { class: "sev", "aria-hidden": "true", text: severity === "error" ? "✕" : "⚠" }),
        h("code", { class: "where ptr", text: x.path === "" ? t("root") : x.path }),
        h("span", { class: "code-badge", text: x.code }),
        h("span", { class: "msg", html: rich(x.message) }),
      ])]));
    }
  }
  out.append(h("section", { class: "out-block" }, [head, list]));
}

function hookSign() {
  const out = $("hook-out");
  out.replaceChildren();
  if (secret === "") {
    out.append(banner("error", esc(t("needSecret")), { "data-kind": "need-secret" }));
    $("secret").focus();
    return;
  }
  try {
    $("hook-sig").value = kit.signWebhook($("hook-body").value, secret);
    out.append(banner("info", esc(t("hookSigned"))));
  } catch (e) {
    out.append(banner("error", rich(t("hookFailed", { message: e.message }))));
  }
}

// ---- tabs, language, secret, keyboard ---------------------------------------------------------

function activateTab(id, focus = true) {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const on = tab.id === id;
    tab.setAttribute("aria-selected", on ? "true" : "false");
    tab.tabIndex = on ? 0 : -1;
    $(tab.getAttribute("aria-controls")).hidden = !on;
    if (on && focus) {
      tab.focus();
    }
  }
}

function setupTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener("click", () => activateTab(tab.id));
    tab.addEventListener("keydown", (ev) => {
      const k = tabs.indexOf(tab);
      const go = { ArrowRight: k + 1, ArrowLeft: k - 1, Home: 0, End: tabs.length - 1 }[ev.key];
      if (go !== undefined) {
        ev.preventDefault();
        activateTab(tabs[(go + tabs.length) % tabs.length].id);
      }
    });
  }
}

function applyLanguage(lang) {
  state.lang = lang;
  t = translator(lang);
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of document.querySelectorAll("[data-i18n-html]")) {
    el.innerHTML = t(el.dataset.i18nHtml);
  }
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of document.querySelectorAll("[data-i18n-title]")) {
    el.title = t(el.dataset.i18nTitle);
  }
  for (const el of document.querySelectorAll("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  }
  for (const b of document.querySelectorAll("[data-lang]")) {
    b.setAttribute("aria-pressed", b.dataset.lang === lang ? "true" : "false");
  }
  $("secret-show").textContent = $("secret").type === "password" ? t("show") : t("hide");
  const store = storage();
  if (store) {
    store.setItem(`${STORE}lang`, lang);
  }
  if (kit) {
    fillEndpointSelect();
    fillTemplateSelect();
    renderRoute();
    validateNow();
    updateCursor();
    renderSign();
    renderDiagnose();
    renderHook();
  }
}

function setupSecret() {
  const input = $("secret");
  const remember = $("remember");
  const store = storage();
  const saved = store ? store.getItem(`${STORE}secret`) : null;
  if (saved !== null) {
    secret = saved;
    input.value = saved;
    remember.checked = true;
  }
  input.addEventListener("input", () => {
    secret = input.value;
    if (remember.checked && store) {
      store.setItem(`${STORE}secret`, secret);
    }
  });
  remember.addEventListener("change", () => {
    if (!store) {
      return;
    }
    if (remember.checked) {
      store.setItem(`${STORE}secret`, secret);
    } else {
      store.removeItem(`${STORE}secret`);
    }
  });
  $("secret-show").addEventListener("click", () => {
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    $("secret-show").setAttribute("aria-pressed", show ? "true" : "false");
    $("secret-show").textContent = show ? t("hide") : t("show");
  });
}

function onGlobalKey(ev) {
  if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
    ev.preventDefault();
    const inDiag = ev.target.closest && ev.target.closest("#panel-diagnose");
    const inHook = ev.target.closest && ev.target.closest("#panel-webhook");
    if (inDiag) {
      doDiagnose();
    } else if (inHook) {
      doVerifyHook();
    } else {
      doSign();
    }
    return;
  }
  if (ev.key === "F8" && state.issues.length > 0) {
    ev.preventDefault();
    const n = state.issues.length;
    focusIssue(ev.shiftKey ? (state.active - 1 + n) % n : (state.active + 1) % n);
  }
}

// ---- start ----------------------------------------------------------------------------------

function wire() {
  $("endpoint").addEventListener("change", (ev) => pickEndpoint(ev.target.value));
  $("template").addEventListener("change", (ev) => pickTemplate(ev.target.value));
  $("format").addEventListener("click", formatEditor);
  $("reset").addEventListener("click", () => {
    const tpl = currentTemplate();
    if (tpl) {
      setEditor(templateText(tpl));
    }
  });
  const ta = editor();
  ta.addEventListener("input", onEdit);
  ta.addEventListener("keydown", onEditorKey);
  ta.addEventListener("blur", () => {
    state.escArmed = false;
  });
  for (const ev of ["click", "keyup", "select"]) {
    ta.addEventListener(ev, updateCursor);
  }
  for (const id of ["channel-id", "account-id", "msgid", "conversation-id"]) {
    $(id).addEventListener("input", updatePath);
  }
  $("method").addEventListener("change", updatePath);
  for (const r of document.querySelectorAll('input[name="date-mode"]')) {
    r.addEventListener("change", () => {
      $("date").disabled = dateMode() !== "fixed";
      if (dateMode() === "fixed") {
        if ($("date").value === "") {
          $("date").value = kit.formatDate();
        }
        $("date").focus();
      }
    });
  }
  $("date-docs").addEventListener("click", () => {
    const tpl = currentTemplate();
    if (tpl && tpl.docs) {
      document.querySelector('input[name="date-mode"][value="fixed"]').checked = true;
      $("date").disabled = false;
      $("date").value = tpl.docs.date;
    }
  });
  $("sign-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    doSign();
  });
  $("diag-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    doDiagnose();
  });
  $("diag-split").addEventListener("click", splitRawRequest);
  $("diag-load").addEventListener("click", loadLastSigned);
  $("hook-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    doVerifyHook();
  });
  $("hook-sign").addEventListener("click", hookSign);
  $("hook-from-editor").addEventListener("click", () => {
    $("hook-body").value = isHook() ? bodyOrText() : editor().value;
    $("hook-body").focus();
  });
  for (const b of document.querySelectorAll("[data-lang]")) {
    b.addEventListener("click", () => applyLanguage(b.dataset.lang));
  }
  document.addEventListener("keydown", onGlobalKey);
  setupTabs();
  setupSecret();
}

/** The editor's body in the chosen style (falls back to the text when it is not JSON). */
function bodyOrText() {
  try {
    return bodyToSend();
  } catch {
    return editor().value;
  }
}

async function main() {
  const store = storage();
  const lang = store && store.getItem(`${STORE}lang`) === "ru" ? "ru" : "en";
  applyLanguage(lang);
  try {
    const [mod, tpl] = await Promise.all([import("./pkg/web.mjs"), import("./templates.mjs")]);
    await mod.default();
    kit = mod;
    templates = tpl.templates;
    DEFAULT_TEMPLATE = tpl.DEFAULT_TEMPLATE;
    GROUPS = tpl.GROUPS;
  } catch (e) {
    const boot = $("boot");
    boot.classList.add("failed");
    boot.textContent = t("bootFailed", { detail: e && e.message ? e.message : String(e) });
    return;
  }
  $("version").textContent = `amojo-kit ${kit.version}`;
  $("channel-id").value = DEFAULT_IDS.channel;
  $("account-id").value = DEFAULT_IDS.account;
  wire();
  fillEndpointSelect();
  pickEndpoint("send_message");
  applyLanguage(lang);
  $("boot").hidden = true;
  $("app").hidden = false;
  document.body.dataset.ready = "true";
}

main();
