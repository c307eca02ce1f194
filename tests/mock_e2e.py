#!/usr/bin/env python3
"""`amojo mock` end to end, over real HTTP, with an independent signer.

The signer and the hook check here are Python's own (hmac, hashlib, email.utils): none of
this project's code signs or verifies anything on this side. The flow is the issue's "Done
when": connect, create a chat, send, edit, import, delivery status, history, typing and
react get the documented statuses and bodies (SPEC section 4); a tampered body, path, Date
or secret gets 403 with the right reason; an invalid body gets 400 with the issues; a
manager's reply (and typing, a reaction, a chat the manager starts) reaches a local hook
receiver whose HMAC over the raw body matches X-Signature.

    python3 tests/mock_e2e.py [path/to/amojo]     (default: target/release/amojo)

Prints one line per step and `mock_e2e: N passed, N failed`; exits 1 on a failure.
"""

import datetime
import email.utils
import hashlib
import hmac
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHANNEL = "344a5002-f8ca-454d-af3d-396180102ac7"
SECRET = b"e2e-channel-secret-0b6f"
ACCOUNT = "52e591f7-c98f-4255-8495-827210138c81"
SCOPE = f"{CHANNEL}_{ACCOUNT}"
BOT = "5f0b3e4c-bot0-4a1e-9c55-000000000001"
BASE = "/v2/origin/custom"


# ---- the independent signer (SPEC section 1) ----------------------------------------------

def http_date(unix=None):
    """RFC 2822 with +0000, as the docs print it."""
    t = time.time() if unix is None else unix
    return email.utils.format_datetime(
        datetime.datetime.fromtimestamp(int(t), tz=datetime.timezone.utc))


def sign(method, path, body, secret=SECRET, date=None):
    """The four headers: X-Signature = hex HMAC-SHA1(secret,
    METHOD\\nContent-MD5\\nContent-Type\\nDate\\nPATH), PATH without the query."""
    date = date or http_date()
    md5 = hashlib.md5(body).hexdigest()
    canonical = "\n".join([method.upper(), md5, "application/json", date, path.split("?")[0]])
    signature = hmac.new(secret, canonical.encode(), hashlib.sha1).hexdigest()
    return {
        "Date": date,
        "Content-Type": "application/json",
        "Content-MD5": md5,
        "X-Signature": signature,
    }, canonical


# ---- HTTP ---------------------------------------------------------------------------------

class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.raw = status, headers, body

    def json(self):
        try:
            return json.loads(self.raw)
        except ValueError as e:
            raise AssertionError(f"{self.status} answer is not JSON ({e}): {self.raw[:300]!r}")

    def __repr__(self):
        return f"{self.status} {self.raw[:500].decode(errors='replace')}"


def request(url, method, path, body=b"", headers=None):
    req = urllib.request.Request(url + path, data=body if method != "GET" else None,
                                 method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return Answer(r.status, dict(r.headers), r.read())
    except urllib.error.HTTPError as e:
        return Answer(e.code, dict(e.headers), e.read())


def compact(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode()


# ---- a hook receiver ----------------------------------------------------------------------

class Receiver:
    """Records each POST (path, headers, raw body); answers 200."""

    def __init__(self):
        self.hooks = []
        self.cv = threading.Condition()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n)
                with outer.cv:
                    outer.hooks.append((self.path, dict(self.headers), raw))
                    outer.cv.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count, timeout=10):
        with self.cv:
            self.cv.wait_for(lambda: len(self.hooks) >= count, timeout)
            assert len(self.hooks) >= count, f"{len(self.hooks)} hooks arrived, {count} expected"
            return self.hooks[count - 1]


def check_hook(received, endpoint, control_answer):
    """The receiver's own HMAC over the raw body equals X-Signature; the body is the hook
    the control API answered with."""
    path, headers, raw = received
    assert path == f"/amojo/{SCOPE}", path
    lower = {k.lower(): v for k, v in headers.items()}
    assert lower.get("content-type") == "application/json", lower
    expected = hmac.new(SECRET, raw, hashlib.sha1).hexdigest()
    assert hmac.compare_digest(lower.get("x-signature", ""), expected), \
        "X-Signature is not HMAC-SHA1(secret, raw body)"
    body = json.loads(raw)
    hook = control_answer["hook"]
    assert control_answer["hook_status"] == 200, control_answer
    assert hook["endpoint"] == endpoint, hook
    assert hook["signature"] == expected, hook
    assert hook["body"] == body, (hook["body"], body)
    assert body["account_id"] == ACCOUNT, body
    return body


# ---- the run ------------------------------------------------------------------------------

class Mock:
    def __init__(self, binary, hook_port):
        self.proc = subprocess.Popen(
            [binary, "mock", "--listen", "127.0.0.1:0", "--channel",
             f"{CHANNEL}={SECRET.decode()}", "--bot-id", BOT,
             "--hook-url", f"http://127.0.0.1:{hook_port}/amojo/:scope_id"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        first = self.proc.stdout.readline().decode()
        prefix = "amojo mock: listening on http://"
        if not first.startswith(prefix):
            self.proc.kill()
            raise SystemExit(f"mock_e2e: unexpected first line {first!r}: "
                             f"{self.proc.stderr.read().decode()}")
        self.url = first.strip()[len(prefix) - len("http://"):]
        self.log = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.proc.stdout:
            self.log.append(line.decode(errors="replace").rstrip("\n"))

    def signed(self, method, path, value=None, raw=None, **kw):
        body = raw if raw is not None else (b"" if value is None else compact(value))
        headers, _ = sign(method, path, body, **kw)
        return request(self.url, method, path, body, headers)

    def control(self, path, value):
        return request(self.url, "POST", path, compact(value),
                       {"Content-Type": "application/json"})

    def stop(self):
        self.proc.terminate()
        try:
            code = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        return code


def new_message(msgid, text, conversation="conv-1", **extra):
    now = int(time.time())
    payload = {
        "timestamp": now,
        "msec_timestamp": now * 1000,
        "msgid": msgid,
        "conversation_id": conversation,
        "sender": {"id": "client-1", "name": "Ivan Petrov"},
        "message": {"type": "text", "text": text},
        "silent": False,
    }
    payload.update(extra)
    return {"event_type": "new_message", "payload": payload}


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/amojo")
    receiver = Receiver()
    mock = Mock(binary, receiver.port)
    ctx = {}
    steps = []

    def step(fn):
        steps.append(fn)
        return fn

    @step
    def connect():
        a = mock.signed("POST", f"{BASE}/{CHANNEL}/connect",
                        {"account_id": ACCOUNT, "title": "E2E", "hook_api_version": "v2"})
        assert a.status == 200, a
        assert a.json() == {"account_id": ACCOUNT, "scope_id": SCOPE, "title": "E2E",
                            "hook_api_version": "v2", "is_time_window_disabled": False}, a

    @step
    def create_chat():
        a = mock.signed("POST", f"{BASE}/{SCOPE}/chats", {
            "conversation_id": "conv-1",
            "source": {"external_id": "e2e-line"},
            "user": {"id": "client-1", "name": "Ivan Petrov",
                     "profile": {"phone": "+79990001122", "email": "ivan@example.com"}},
        })
        assert a.status == 200, a
        v = a.json()
        assert isinstance(v["id"], str) and v["id"], v
        assert v["user"]["client_id"] == "client-1" and v["user"]["name"] == "Ivan Petrov", v
        assert v["user"]["id"] and v["user"]["id"] != "client-1", v
        ctx["chat_id"], ctx["client_amo_id"] = v["id"], v["user"]["id"]

    @step
    def send_message():
        a = mock.signed("POST", f"{BASE}/{SCOPE}", new_message("msg-1", "Hello!"))
        assert a.status == 200, a
        nm = a.json()["new_message"]
        assert nm["ref_id"] == "msg-1" and nm["msgid"], nm
        assert nm["conversation_id"] == "conv-1" and nm["sender_id"] == "client-1", nm
        assert nm["receiver_id"] is None, nm
        ctx["msg_1"] = nm["msgid"]
        # The same msgid again: the same message, nothing new.
        again = mock.signed("POST", f"{BASE}/{SCOPE}", new_message("msg-1", "Hello!"))
        assert again.status == 200 and again.json()["new_message"]["msgid"] == nm["msgid"], again

    @step
    def edit_message():
        a = mock.signed("POST", f"{BASE}/{SCOPE}", {
            "event_type": "edit_message",
            "payload": {"msgid": "msg-1", "message": {"type": "text", "text": "Hello, edited"}},
        })
        assert a.status == 200, a
        assert a.json()["new_message"]["msgid"] == ctx["msg_1"], a

    @step
    def import_message():
        # An outgoing message from the bot, silent: how history is imported.
        a = mock.signed("POST", f"{BASE}/{SCOPE}", new_message(
            "imp-1", "Imported answer", silent=True,
            sender={"ref_id": BOT, "name": "Bot"},
            receiver={"id": "client-1", "name": "Ivan Petrov"},
            timestamp=int(time.time()) - 3600, msec_timestamp=(int(time.time()) - 3600) * 1000))
        assert a.status == 200, a
        nm = a.json()["new_message"]
        assert nm["ref_id"] == "imp-1" and nm["receiver_id"] == ctx["client_amo_id"], nm
        ctx["imp_1"] = nm["msgid"]

    @step
    def delivery_status():
        path = f"{BASE}/{SCOPE}/{ctx['imp_1']}/delivery_status"
        # The older shape (msgid + delivery_status), then the current one (status_code).
        a = mock.signed("POST", path, {"msgid": ctx["imp_1"], "delivery_status": 2})
        assert a.status == 200 and a.raw == b"", a
        a = mock.signed("POST", path, {"status_code": -1, "error_code": 905, "error": "blocked"})
        assert a.status == 200, a
        a = mock.signed("POST", f"{BASE}/{SCOPE}/no-such-message/delivery_status",
                        {"status_code": 1})
        assert a.status == 404, a

    @step
    def history():
        path = f"{BASE}/{SCOPE}/chats/{ctx['chat_id']}/history?offset=0&limit=50"
        a = mock.signed("GET", path)
        assert a.status == 200, a
        msgs = a.json()["messages"]
        assert len(msgs) == 2, msgs
        by_id = {m["message"]["id"]: m for m in msgs}
        first = by_id[ctx["msg_1"]]
        assert first["message"]["text"] == "Hello, edited", first
        assert first["message"]["type"] == "text" and first["message"]["file_size"] == 0, first
        assert first["sender"]["client_id"] == "client-1", first
        imported = by_id[ctx["imp_1"]]
        assert imported["receiver"]["id"] == ctx["client_amo_id"], imported
        for m in msgs:
            assert isinstance(m["timestamp"], int) and isinstance(m["msec_timestamp"], int), m
        # Newest first.
        assert msgs[0]["msec_timestamp"] >= msgs[1]["msec_timestamp"], msgs
        # The window: one per page.
        page = mock.signed("GET", f"{BASE}/{SCOPE}/chats/{ctx['chat_id']}/history?offset=1&limit=1")
        assert page.status == 200 and len(page.json()["messages"]) == 1, page
        # A chat with no messages: 204.
        c = mock.signed("POST", f"{BASE}/{SCOPE}/chats",
                        {"conversation_id": "conv-empty", "user": {"id": "client-2", "name": "Anna"}})
        assert c.status == 200, c
        empty = mock.signed("GET", f"{BASE}/{SCOPE}/chats/{c.json()['id']}/history")
        assert empty.status == 204 and empty.raw == b"", empty

    @step
    def typing():
        a = mock.signed("POST", f"{BASE}/{SCOPE}/typing",
                        {"conversation_id": "conv-1", "sender": {"id": "client-1"}})
        assert a.status == 204 and a.raw == b"", a

    @step
    def react():
        a = mock.signed("POST", f"{BASE}/{SCOPE}/react", {
            "conversation_id": "conv-1", "msgid": "msg-1",
            "user": {"id": "client-1"}, "type": "react", "emoji": "👍"})
        assert a.status == 200, a
        a = mock.signed("POST", f"{BASE}/{SCOPE}/react", {
            "conversation_id": "conv-1", "msgid": "no-such", "user": {"id": "client-1"},
            "type": "react", "emoji": "👍"})
        assert a.status == 404, a

    @step
    def tampered_requests_get_403_with_the_reason():
        path = f"{BASE}/{SCOPE}"
        body = compact(new_message("msg-t", "tamper me"))
        headers, _ = sign("POST", path, body)

        def sent(p, b, h, reason):
            a = request(mock.url, "POST", p, b, h)
            assert a.status == 403, (reason, a)
            v = a.json()
            assert v["error"] == reason, (reason, v)
            assert v["message"], v
            return v

        # The body changed after signing: its MD5 no longer matches.
        sent(path, body.replace(b"tamper me", b"tampered!"), headers, "md5_mismatch")
        # Another path (same scope, another endpoint) with the same headers.
        v = sent(f"{path}/chats", body, headers, "signature_mismatch")
        # The diagnosis shows the canonical string the server expected for what it got,
        # which is what this side computes for the path actually sent.
        _, canonical = sign("POST", f"{path}/chats", body, date=headers["Date"])
        assert v["diagnosis"]["expected_canonical"] == canonical, v["diagnosis"]
        # Another Date than the one signed.
        h = dict(headers, Date=http_date(time.time() - 5))
        sent(path, body, h, "signature_mismatch")
        # Another secret.
        h, _ = sign("POST", path, body, secret=b"not-the-channel-secret")
        sent(path, body, h, "signature_mismatch")
        # A Date outside the 15 minutes, correctly signed.
        h, _ = sign("POST", path, body, date=http_date(time.time() - 3600))
        v = sent(path, body, h, "stale_date")
        # No signature at all.
        h = {k: v for k, v in headers.items() if k != "X-Signature"}
        sent(path, body, h, "missing_header")

    @step
    def invalid_body_gets_400_with_the_issues():
        a = mock.signed("POST", f"{BASE}/{SCOPE}", {
            "event_type": "new_message",
            "payload": {"msgid": "bad-1", "conversation_id": "conv-1",
                        "sender": {"id": "client-1", "name": "Ivan"},
                        "message": {"type": "location", "location": {"lon": 200, "lat": "north"}}},
        })
        assert a.status == 400, a
        v = a.json()
        assert v["error"] == "invalid_request" and v["endpoint"] == "send_message", v
        paths = {e["path"]: e for e in v["errors"]}
        for p in ("/payload/message/location/lon", "/payload/message/location/lat"):
            assert p in paths, (p, v["errors"])
        for e in v["errors"]:
            assert e["code"] and e["message"], e
        garbage = mock.signed("POST", f"{BASE}/{SCOPE}", raw=b"{not json")
        assert garbage.status == 400 and garbage.json()["errors"], garbage

    @step
    def manager_reply_reaches_the_hook_receiver():
        a = mock.control("/_mock/reply", {"scope_id": SCOPE, "conversation_id": "conv-1",
                                          "text": "Hello from the manager"})
        assert a.status == 200, a
        v = a.json()
        body = check_hook(receiver.wait(1), "webhook_message", v)
        m = body["message"]
        assert m["message"]["text"] == "Hello from the manager" and m["message"]["type"] == "text", m
        assert m["conversation"]["client_id"] == "conv-1", m
        assert m["conversation"]["id"] == ctx["chat_id"], m
        assert m["receiver"]["client_id"] == "client-1", m
        assert m["message"]["id"] == v["msgid"], (m, v)
        # The reply is in the history now, as an outgoing message.
        h = mock.signed("GET", f"{BASE}/{SCOPE}/chats/{ctx['chat_id']}/history")
        assert any(x["message"]["id"] == v["msgid"] for x in h.json()["messages"]), h

    @step
    def manager_typing_react_and_write_first_hooks():
        a = mock.control("/_mock/typing", {"scope_id": SCOPE, "conversation_id": "conv-1"})
        assert a.status == 200, a
        body = check_hook(receiver.wait(2), "webhook_typing", a.json())
        assert body["action"]["typing"]["conversation"]["client_id"] == "conv-1", body

        a = mock.control("/_mock/react", {"scope_id": SCOPE, "ref_id": "msg-1", "emoji": "❤"})
        assert a.status == 200, a
        body = check_hook(receiver.wait(3), "webhook_reaction", a.json())
        assert body["action"]["reaction"]["type"] == "react", body

        a = mock.control("/_mock/write-first", {"scope_id": SCOPE,
                                                "user": {"name": "Olga", "phone": "+79990002233"},
                                                "text": "We are writing first"})
        assert a.status == 200, a
        body = check_hook(receiver.wait(4), "webhook_message", a.json())
        assert "client_id" not in body["message"]["conversation"], body

    @step
    def the_request_log_keeps_verdicts():
        a = request(mock.url, "GET", "/_mock/requests")
        assert a.status == 200, a
        reqs = a.json()["requests"]
        denied = [r for r in reqs if r["status"] == 403]
        assert {r["reason"] for r in denied} >= {"md5_mismatch", "signature_mismatch",
                                                 "stale_date", "missing_header"}, denied
        assert any(r.get("diagnosis") for r in denied), denied
        invalid = [r for r in reqs if r["status"] == 400]
        assert invalid and all(r["errors"] for r in invalid), invalid
        # The host's log lines name them too (stdout after the first line).
        deadline = time.time() + 3
        while time.time() < deadline and not any(" 403 " in l for l in mock.log):
            time.sleep(0.05)
        assert any(" 403 " in l and "signature_mismatch" in l for l in mock.log), mock.log[-5:]

    @step
    def disconnect():
        a = mock.signed("DELETE", f"{BASE}/{CHANNEL}/disconnect", {"account_id": ACCOUNT})
        assert a.status == 200, a
        after = mock.signed("POST", f"{BASE}/{SCOPE}", new_message("msg-late", "anyone?"))
        assert after.status == 404, after

    passed = failed = 0
    try:
        for fn in steps:
            try:
                fn()
            except Exception as e:  # noqa: BLE001 (a failed step is reported, the run stops)
                failed += 1
                print(f"FAIL {fn.__name__}: {type(e).__name__}: {e}")
                print("  last log lines:\n    " + "\n    ".join(mock.log[-8:]))
                break
            passed += 1
            print(f"ok   {fn.__name__}")
    finally:
        code = mock.stop()
        receiver.server.shutdown()
    if code != 0:
        failed += 1
        print(f"FAIL the mock exited {code} on SIGTERM: {mock.proc.stderr.read().decode()}")
    print(f"mock_e2e: {passed} passed, {failed} failed"
          + (f", {len(steps) - passed - (1 if failed else 0)} not run" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
