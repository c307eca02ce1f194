// The npm package in Node: validate, serialize the docs' way, sign, then verify as the
// server would. Run after `make pkg` (make demo does both).
import { buildRequest, verifyRequest, validate, diagnoseRequest } from "../pkg/index.mjs";

const secret = process.env.AMOJO_SECRET || "demo-secret";
const date = "Thu, 16 Dec 2021 13:15:29 +0000"; // the docs' send_message example
const path = "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7_52e591f7-c98f-4255-8495-827210138c81";
const payload = {
  event_type: "new_message",
  payload: {
    timestamp: 1639660529,
    msec_timestamp: 1639660529379,
    msgid: "my_int-5f2836a8ca481",
    conversation_id: "my_int-d5a421f7f218",
    sender: {
      id: "my_int-1376265f-86df-4c49-a0c3-a4816df41af8",
      avatar: "https://images.pexels.com/photos/10050979/pexels-photo-10050979.jpeg?auto=compress&cs=tinysrgb&dpr=2&w=500",
      profile: { phone: "+79151112233", email: "example.client@example.com" },
      profile_link: "https://example.com/profile/example.client",
      name: "Вася клиент",
    },
    message: { type: "text", text: "Сообщение от клиента" },
    silent: false,
  },
};

const req = buildRequest({ secret, path, payload, date, style: "php" });
console.log(`node: ${req.method} ${req.url}`);
for (const [name, value] of Object.entries(req.headers)) console.log(`${name}: ${value}`);
const docsMd5 = "223ef85def871bc7cb58aa6f02f0a26e";
console.log(`Content-MD5 ${req.headers["Content-MD5"] === docsMd5 ? "matches" : "DIFFERS FROM"} the docs' ${docsMd5}`);

const now = Date.parse(date);
const ok = verifyRequest({ secret, method: req.method, path, headers: req.headers, body: req.body, now });
console.log("verify:", JSON.stringify(ok));

// The classic mistake: the body re-serialized after signing.
const reencoded = JSON.stringify(JSON.parse(req.body));
const bad = verifyRequest({ secret, method: req.method, path, headers: req.headers, body: reencoded, now });
const why = diagnoseRequest({ secret, method: req.method, path, headers: req.headers, body: reencoded, now });
console.log("verify after JSON.stringify(JSON.parse(body)):", bad.reason, "-", why.findings.map((f) => f.code).join(", "));

const report = validate("send_message", { event_type: "new_message", payload: { msgid: "1", message: { type: "picture" } } });
console.log("validate a broken body:");
for (const e of report.errors) console.log(`  ${e.path} ${e.code}: ${e.message}`);

if (req.headers["Content-MD5"] !== docsMd5 || !ok.ok || bad.ok || report.valid) process.exit(1);
