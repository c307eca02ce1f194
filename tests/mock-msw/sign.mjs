// An independent signer of Chats API requests (node:crypto only, none of amojo-kit's code),
// for the tests of amojo-kit/mock (tests/js/mock.test.mjs and the MSW tests here): the
// mock's verdicts are checked against a second implementation of chat-start.md's rules.
//
//   X-Signature = hex(HMAC-SHA1(secret, METHOD \n Content-MD5 \n Content-Type \n Date \n PATH))
//   Content-MD5 = hex(MD5(body bytes)), PATH without the query string, Date in RFC 2822.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const BASE = "https://amojo.amocrm.ru";
export const CONTENT_TYPE = "application/json";

/** `Wed, 15 Dec 2021 23:12:55 +0000` of a time in milliseconds. */
export function rfc2822(ms) {
  return new Date(ms).toUTCString().replace(/GMT$/, "+0000");
}

export function md5Hex(body) {
  return createHash("md5").update(body).digest("hex");
}

/** The four headers of a request to `target` (path and query; the query is not signed). */
export function signHeaders({ secret, method, target, body = "", date = Date.now() }) {
  const path = target.split("?")[0];
  const headers = {
    Date: typeof date === "string" ? date : rfc2822(date),
    "Content-Type": CONTENT_TYPE,
    "Content-MD5": md5Hex(body),
  };
  const canonical = [method.toUpperCase(), headers["Content-MD5"], CONTENT_TYPE, headers.Date, path].join("\n");
  headers["X-Signature"] = createHmac("sha1", secret).update(canonical).digest("hex");
  return headers;
}

/** A signed fetch Request; `body` an object (sent as JSON), a string or bytes. */
export function signedRequest({ secret, method = "POST", target, body, date, base = BASE }) {
  const raw = body === undefined ? "" : typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  const headers = signHeaders({ secret, method, target, body: raw, date });
  return new Request(base + target, { method, headers, body: method === "GET" || method === "HEAD" ? undefined : raw });
}

/** A hook's X-Signature checked as a receiver must: HMAC-SHA1 over the raw body bytes. */
export function hookSignatureOk(secret, rawBody, signature) {
  const expected = createHmac("sha1", secret).update(rawBody).digest();
  const given = Buffer.from(String(signature), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
