// The generated JSON Schemas (schemas/*.json) cross-checked with ajv (draft 2020-12):
// - every schema is valid against the 2020-12 meta-schema and its `examples` validate;
// - for every corpus case (tests/corpus/*.json), ajv's verdict with the schema equals
//   amojo-kit's (validate() / validateRequest() of the built package), except the cases
//   listed in tests/schema_divergences.json, which must diverge exactly as listed;
// - schema() / schemaIndex() of every entry give the files' content.
// tests/schema_crosscheck.py does the same cross-check with Python's jsonschema.
//
// How a case reaches the schema: a `body` is the instance; a `body_text` is parsed with
// JSON.parse (text that does not parse is invalid for the schema). History query strings
// (`query`) and requests.json cases whose route has no body schema (`endpoint` null, or
// history: its parameters are in the URL) have no schema verdict: they are counted as
// inexpressible (route_or_query) and must not be listed. A requests.json case is judged by
// validateRequest(), so its route-only errors (method_not_allowed, msgid_mismatch) are
// listed divergences.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { amojo, pkgDir, root, readText, loadJson, jsonSpans, spanText } from "./helpers.mjs";

const ME = "ajv";
const VALIDATORS = ["ajv", "python"];
const DRAFT = "https://json-schema.org/draft/2020-12/schema";
const HISTORY_PATH = "/v2/origin/custom/scope/chats/conversation/history";
// The reasons a divergence may give, each with words that identify its entry in the
// generated INEXPRESSIBLE list (schemas/index.json `inexpressible`).
const TOPICS = {
  strict_integer: "strict integers",
  path_param: "path parameter",
  route_or_query: "the route",
  warnings: "warnings are not verdicts",
  js_number_precision: "2^53",
};

const toolsRequire = createRequire(path.join(root, "target", "tools", "package.json"));
let Ajv2020 = null;
let ajvVersion = "";
try {
  const mod = toolsRequire("ajv/dist/2020");
  Ajv2020 = mod.default || mod;
  ajvVersion = toolsRequire("ajv/package.json").version;
} catch (_) {
  Ajv2020 = null;
}
const NO_AJV = "ajv is missing (target/tools/node_modules/ajv): run `make setup-wasm` (make test does)";

const index = loadJson("schemas/index.json");
const ENDPOINTS = Object.keys(index.schemas);
const fileSchema = (e) => loadJson(`schemas/${index.schemas[e].file}`);

function newAjv() {
  return new Ajv2020({ allErrors: true, strict: false });
}

function ajvErrors(errors) {
  return (errors || [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || "/"} ${e.message}`)
    .join("; ");
}

// ---- the cross-check (computed once; the tests below report it) ------------------------

function corpusCases() {
  const dir = path.join(root, "tests", "corpus");
  const out = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const stem = file.replace(/\.json$/, "");
    const text = readText(`tests/corpus/${file}`);
    const spans = jsonSpans(text);
    JSON.parse(text).forEach((c, i) => {
      const span = spans.items[i].members;
      // The body's own JSON text, byte for byte as written (JSON.parse would turn 1.0 into 1).
      const bodyText = c.body_text !== undefined ? c.body_text : span.has("body") ? spanText(text, span.get("body").value) : undefined;
      out.push({ file, stem, c, bodyText });
    });
  }
  return out;
}

/** [endpoint whose schema checks the case, null] or [null, why it has no schema verdict]. */
function schemaTarget(stem, c) {
  if (stem === "requests") {
    if (c.endpoint === null) {
      return [null, "unknown route"];
    }
    if (c.endpoint === "history") {
      return [null, "history request (query in the URL)"];
    }
    return [c.endpoint, null];
  }
  if (c.query !== undefined) {
    return [null, "history query string"];
  }
  return [stem, null];
}

/** amojo-kit's verdict, through the built package. */
function amojoVerdict(stem, c, bodyText) {
  if (stem === "requests") {
    return amojo.validateRequest({ method: c.method, path: c.path, body: bodyText }).valid;
  }
  if (c.query !== undefined) {
    const q = c.query.replace(/^\?/, "");
    return amojo.validateRequest({ method: "GET", path: q === "" ? HISTORY_PATH : `${HISTORY_PATH}?${q}` }).valid;
  }
  return amojo.validate(stem, bodyText).valid;
}

function checkDivergenceList(divergences) {
  const problems = [];
  for (const [name, d] of Object.entries(divergences)) {
    const keys = d !== null && typeof d === "object" ? Object.keys(d).sort().join(",") : "";
    if (keys !== "reason,schema,validator,validators") {
      problems.push(`${name}: each entry is {"reason", "schema", "validator", "validators"}`);
      continue;
    }
    if (!(d.reason in TOPICS)) {
      problems.push(`${name}: reason ${JSON.stringify(d.reason)} is none of ${Object.keys(TOPICS).join(", ")}`);
    }
    if (typeof d.schema !== "boolean" || typeof d.validator !== "boolean") {
      problems.push(`${name}: \`schema\` and \`validator\` are true or false (the verdicts)`);
    } else if (d.schema === d.validator) {
      problems.push(`${name}: \`schema\` equals \`validator\`: that is no divergence`);
    }
    const vs = d.validators;
    if (!Array.isArray(vs) || vs.length === 0 || vs.some((v) => !VALIDATORS.includes(v)) || new Set(vs).size !== vs.length) {
      problems.push(`${name}: \`validators\` is a non-empty list of ${VALIDATORS.join(", ")}`);
    }
  }
  return problems;
}

function crossCheck() {
  const ajv = newAjv();
  const compiled = {};
  const broken = {};
  for (const e of ENDPOINTS) {
    try {
      compiled[e] = ajv.compile(fileSchema(e));
    } catch (err) {
      broken[e] = err && err.message ? err.message.split("\n")[0] : String(err);
    }
  }
  const divergences = loadJson("tests/schema_divergences.json");
  const results = []; // { file, name, problem | null }
  const counts = { agree: 0, listed: 0, skipped: {} };
  for (const { file, stem, c, bodyText } of corpusCases()) {
    const name = c.name;
    const d = divergences[name];
    const result = { file, name, problem: null };
    results.push(result);
    const validator = amojoVerdict(stem, c, bodyText);
    if (validator !== c.valid) {
      result.problem = `amojo-kit says valid=${validator}, the corpus records ${c.valid} (see corpus.test.mjs)`;
      continue;
    }
    const [target, whyNot] = schemaTarget(stem, c);
    if (target === null) {
      counts.skipped[whyNot] = (counts.skipped[whyNot] || 0) + 1;
      if (d !== undefined) {
        result.problem = `listed, but it has no schema verdict (${whyNot}: inexpressible, route_or_query); remove the entry`;
      }
      continue;
    }
    const check = compiled[target];
    if (check === undefined) {
      result.problem = `no usable schema for endpoint \`${target}\`${broken[target] ? `: ${broken[target]}` : ""}`;
      continue;
    }
    let parsed = true;
    let value = c.body;
    if (c.body_text !== undefined) {
      try {
        value = JSON.parse(c.body_text);
      } catch (_) {
        parsed = false;
      }
    }
    const verdict = parsed && check(value);
    const why = verdict ? "" : parsed ? ajvErrors(check.errors) : "the body is not JSON";
    const mine = d !== undefined && Array.isArray(d.validators) && d.validators.includes(ME);
    if (verdict === validator) {
      if (mine) {
        result.problem = `stale divergence: the schema (${ME}) agrees with the validator (both ${verdict}); remove \`${ME}\` from its \`validators\` (or the entry)`;
      } else if (d !== undefined && d.validator !== validator) {
        result.problem = `listed with validator ${d.validator}, but the validator says ${validator}`;
      } else {
        counts.agree++;
      }
    } else if (!mine) {
      result.problem = `schema (${ME}) says ${verdict}, the validator says ${validator}${why ? ` (${why})` : ""}; fix the schema, or list the case in tests/schema_divergences.json`;
    } else if (d.schema !== verdict || d.validator !== validator) {
      result.problem = `diverges, but not as listed: schema (${ME}) ${verdict} (listed ${d.schema}), validator ${validator} (listed ${d.validator})`;
    } else {
      counts.listed++;
    }
  }
  const names = new Set(results.map((r) => r.name));
  const listProblems = checkDivergenceList(divergences);
  for (const name of Object.keys(divergences)) {
    if (!names.has(name)) {
      listProblems.push(`${name}: no corpus case has this name (stale entry)`);
    }
  }
  // Failures of the list that are no case's own count once per entry in the summary.
  listProblems.entries = new Set(listProblems.map((p) => p.slice(0, p.indexOf(": ")))).size;
  return { results, counts, listProblems };
}

// ---- the tests --------------------------------------------------------------------------

if (Ajv2020 === null) {
  test("schema cross-check with ajv", () => {
    assert.fail(NO_AJV);
  });
} else {
  test("schemas: valid draft 2020-12 schemas (ajv validateSchema), consistent with index.json; examples validate", () => {
    const problems = [];
    const files = fs.readdirSync(path.join(root, "schemas")).filter((f) => f.endsWith(".json")).sort();
    assert.deepEqual(files, [...ENDPOINTS.map((e) => index.schemas[e].file), "index.json"].sort(), "schemas/*.json vs index.json");
    assert.deepEqual(ENDPOINTS, amojo.endpoints(), "index.json lists the core's endpoints, in order");
    for (const [topic, words] of Object.entries(TOPICS)) {
      const hits = index.inexpressible.filter((s) => s.includes(words));
      assert.equal(hits.length, 1, `reason \`${topic}\`: expected one \`inexpressible\` entry mentioning ${JSON.stringify(words)}`);
    }
    for (const e of ENDPOINTS) {
      const rel = `schemas/${index.schemas[e].file}`;
      const schema = fileSchema(e);
      const ajv = newAjv();
      if (!ajv.validateSchema(schema)) {
        problems.push(`${rel}: not a valid draft 2020-12 schema: ${ajv.errorsText(ajv.errors)}`);
        continue;
      }
      if (schema.$schema !== DRAFT) {
        problems.push(`${rel}: $schema is ${JSON.stringify(schema.$schema)}`);
      }
      if (schema.$id !== index.schemas[e].$id || schema["x-endpoint"] !== e) {
        problems.push(`${rel}: $id ${JSON.stringify(schema.$id)} / x-endpoint ${JSON.stringify(schema["x-endpoint"])} do not match index.json`);
      }
      const check = ajv.compile(schema);
      (schema.examples || []).forEach((example, i) => {
        if (!check(example)) {
          problems.push(`${rel}: examples[${i}] does not validate: ${ajvErrors(check.errors)}`);
        }
        const report = amojo.validate(e, example);
        if (!report.valid) {
          problems.push(`${rel}: examples[${i}] is invalid for amojo-kit: ${JSON.stringify(report.errors)}`);
        }
      });
    }
    assert.deepEqual(problems, []);
  });

  const { results, counts, listProblems } = crossCheck();
  const failed = results.filter((r) => r.problem !== null);
  const files = [...new Set(results.map((r) => r.file))];

  for (const file of files) {
    test(`schema cross-check (amojo-kit vs ajv ${ajvVersion}): tests/corpus/${file}`, () => {
      const bad = failed.filter((r) => r.file === file).map((r) => `${r.name}: ${r.problem}`);
      assert.ok(bad.length === 0, `${bad.length} case(s) disagree:\n  ${bad.join("\n  ")}`);
    });
  }

  test("tests/schema_divergences.json: well-formed, every entry names a case", () => {
    assert.ok(listProblems.length === 0, listProblems.join("\n"));
  });

  test("schema cross-check summary", () => {
    const skipped = Object.entries(counts.skipped)
      .sort()
      .map(([why, n]) => `${n} ${why}`)
      .join(", ");
    const total = Object.values(counts.skipped).reduce((a, b) => a + b, 0);
    const lines = [
      `schema cross-check (ajv ${ajvVersion}): ${counts.agree} agree, ${counts.listed} listed divergences, ${total} without a schema verdict (inexpressible, route_or_query: ${skipped})`,
      `${results.length - failed.length} passed, ${failed.length + listProblems.entries} failed`,
    ];
    for (const line of lines) {
      console.log(line);
    }
    assert.equal(failed.length + listProblems.entries, 0);
  });
}

// ---- schema() and schemaIndex() in every entry --------------------------------------------

const wasmPath = path.join(pkgDir, "wasm", "amojo_kit_bg.wasm");

function sameAsFiles(api, where) {
  for (const e of ENDPOINTS) {
    const fromFile = JSON.parse(fs.readFileSync(path.join(pkgDir, "schemas", `${e}.json`), "utf8"));
    const got = api.schema(e);
    assert.deepEqual(got, fromFile, `${where}: schema("${e}")`);
    assert.equal(JSON.stringify(got), JSON.stringify(fromFile), `${where}: schema("${e}") key order`);
    assert.deepEqual(fromFile, fileSchema(e), `pkg/schemas/${e}.json is a copy of schemas/${e}.json`);
  }
  assert.deepEqual(api.schemaIndex(), JSON.parse(fs.readFileSync(path.join(pkgDir, "schemas", "index.json"), "utf8")), `${where}: schemaIndex()`);
}

function badArguments(api, where) {
  const isTypeError = (code) => (e) => e instanceof api.AmojoTypeError && e instanceof TypeError && e.code === code;
  assert.throws(() => api.schema("nope"), isTypeError("unknown_endpoint"), where);
  assert.throws(() => api.schema("nope"), /: unknown endpoint; expected one of connect, disconnect/, where);
  assert.throws(() => api.schema("conect"), /: unknown endpoint \(did you mean `connect`\?\); expected one of connect, disconnect/, where);
  assert.throws(() => api.schema("__proto__"), isTypeError("unknown_endpoint"), where);
  assert.throws(() => api.schema("toString"), isTypeError("unknown_endpoint"), where);
  assert.throws(() => api.schema(), isTypeError("missing_argument"), where);
  assert.throws(() => api.schema(1), isTypeError("invalid_argument"), where);
  assert.throws(() => api.schema({}), /`endpoint` must be a string, got an object/, where);
}

test("schema(): the files' content in CJS and ESM, a fresh copy each call", async () => {
  sameAsFiles(amojo, "require");
  badArguments(amojo, "require");
  const a = amojo.schema("send_message");
  a.properties.event_type.enum.push("mutated");
  a.title = "mutated";
  const b = amojo.schema("send_message");
  assert.notEqual(a, b);
  assert.deepEqual(b, fileSchema("send_message"));
  const i = amojo.schemaIndex();
  i.schemas.connect.file = "x";
  assert.equal(amojo.schemaIndex().schemas.connect.file, "connect.json");
  assert.equal(amojo.schema("connect").$id, "urn:amojo-kit:schema:connect");
  const esm = await import(path.join(pkgDir, "index.mjs"));
  assert.equal(esm.schema, amojo.schema);
  sameAsFiles(esm, "import");
});

test("schema(): the browser entry, without fetching anything, before and after initSync", async () => {
  const web = await import(path.join(pkgDir, "web.mjs"));
  // Plain data: no WebAssembly needed (in a fresh process the module is not initialised).
  sameAsFiles(web, "web");
  badArguments(web, "web");
  web.initSync({ module: new WebAssembly.Module(fs.readFileSync(wasmPath)) });
  sameAsFiles(web, "web after initSync");
  assert.deepEqual(web.schema("history"), amojo.schema("history"));
});

test("pkg/: schemas/*.json shipped, exported and listed in files", () => {
  const pkgJson = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  assert.equal(pkgJson.exports["./schemas/*"], "./schemas/*");
  assert.ok(pkgJson.files.includes("schemas/"));
  const shipped = fs.readdirSync(path.join(pkgDir, "schemas")).sort();
  const source = fs.readdirSync(path.join(root, "schemas")).filter((f) => f.endsWith(".json")).sort();
  assert.deepEqual(shipped, source);
  for (const f of source) {
    assert.equal(fs.readFileSync(path.join(pkgDir, "schemas", f), "utf8"), readText(`schemas/${f}`), f);
  }
  const req = createRequire(path.join(pkgDir, "package.json"));
  assert.deepEqual(req("./schemas/send_message.json"), fileSchema("send_message"));
});
