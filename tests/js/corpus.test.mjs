// The validation corpus (tests/corpus/*.json, format in tests/corpus/README.md) through the
// JS API: every case of every file gives the same verdict and the same (path, code)
// multisets as through the Rust runner (tests/validation_corpus.rs).
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { amojo, root, readText, jsonSpans, spanText, issueKeys } from "./helpers.mjs";

const dir = path.join(root, "tests", "corpus");
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const HISTORY_PATH = "/v2/origin/custom/scope/chats/conversation/history";

function expectSame(name, report, c, lang) {
  const where = `${name} (${lang})`;
  assert.equal(report.valid, c.valid, `${where}: verdict; errors ${JSON.stringify(report.errors)}`);
  assert.deepEqual(issueKeys(report.errors), issueKeys(c.errors), `${where}: errors`);
  assert.deepEqual(issueKeys(report.warnings), issueKeys(c.warnings), `${where}: warnings`);
  for (const [kind, expected] of [["errors", c.errors], ["warnings", c.warnings]]) {
    for (const e of expected) {
      if (e.suggestion !== undefined) {
        const got = report[kind].find((x) => x.path === e.path && x.code === e.code);
        assert.equal(got.suggestion === undefined ? null : got.suggestion, e.suggestion, `${where}: suggestion at ${e.path}`);
      }
    }
  }
  for (const issue of [...report.errors, ...report.warnings]) {
    assert.equal(typeof issue.message, "string");
    assert.ok(issue.message.length > 0, `${where}: empty message`);
  }
}

test("the corpus is there", () => {
  assert.ok(files.length >= 12, files.join(", "));
});

let objectRuns = 0;
let textOnly = 0;

for (const file of files) {
  const stem = file.replace(/\.json$/, "");
  test(`corpus ${file}: every case through ${stem === "requests" ? "validateRequest" : "validate"}`, () => {
    const text = readText(`tests/corpus/${file}`);
    const spans = jsonSpans(text);
    const cases = JSON.parse(text);
    assert.ok(cases.length > 0);
    cases.forEach((c, index) => {
      const span = spans.items[index].members;
      // The body's own JSON text, byte for byte as written in the corpus file.
      const bodyText = c.body_text !== undefined ? c.body_text : span.has("body") ? spanText(text, span.get("body").value) : undefined;
      for (const lang of ["en", "ru"]) {
        if (stem === "requests") {
          const report = amojo.validateRequest({ method: c.method, path: c.path, body: bodyText }, { lang });
          expectSame(c.name, report, c, lang);
          assert.equal(report.endpoint, c.endpoint, `${c.name}: endpoint`);
          continue;
        }
        if (c.query !== undefined) {
          const q = c.query.replace(/^\?/, "");
          const report = amojo.validateRequest({ method: "GET", path: q === "" ? HISTORY_PATH : `${HISTORY_PATH}?${q}` }, { lang });
          expectSame(c.name, report, c, lang);
          continue;
        }
        // The exact text (validate(endpoint, string) checks it as-is) ...
        const report = amojo.validate(stem, bodyText, { lang });
        expectSame(c.name, report, c, lang);
        assert.equal(report.endpoint, stem);
        assert.equal(amojo.validate(stem, Buffer.from(bodyText), { lang }).valid, c.valid, `${c.name}: as bytes`);
        // ... and the parsed object, wherever JSON.parse + JSON.stringify keep the meaning
        // (not for `1.0`, `-0`, duplicate keys, invalid JSON, or a non-object body).
        if (c.body !== undefined && c.body !== null && typeof c.body === "object" && lang === "en") {
          const compact = amojo.serializeBody(bodyText);
          if (compact === JSON.stringify(c.body)) {
            expectSame(c.name, amojo.validate(stem, c.body), c, "object");
            objectRuns++;
          } else {
            textOnly++;
          }
        }
      }
    });
  });
}

test("most body cases also ran as objects", () => {
  assert.ok(objectRuns > 250, `${objectRuns} object runs, ${textOnly} text only`);
});
