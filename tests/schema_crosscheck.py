#!/usr/bin/env python3
"""Cross-check of the generated JSON Schemas (schemas/*.json) with Python's jsonschema.

Run from anywhere with the tools' venv (`make setup-wasm` creates it):

    target/tools/py/bin/python tests/schema_crosscheck.py

It checks that
  1. every schema file is a valid draft 2020-12 schema (Draft202012Validator.check_schema),
     names its endpoint consistently with schemas/index.json, and that every `examples`
     entry validates against it;
  2. for every corpus case (tests/corpus/*.json), the schema's verdict (jsonschema
     Draft202012Validator) equals amojo-kit's verdict (the case's recorded `valid`, which
     the Rust corpus runner asserts equals the validator's), except for the cases listed
     in tests/schema_divergences.json, which must diverge exactly as listed (a stale
     entry fails too);
  3. when target/debug/amojo is built and newer than the sources, the CLI
     (`amojo validate ... --json`) gives every case its recorded verdict.

How a case reaches the schema: a `body` is the instance; a `body_text` is parsed as JSON
first (text that does not parse is invalid for the schema). `query` cases (history query
strings) and requests.json cases whose route has no body schema (`endpoint` null: an
unknown route; or history, whose parameters are in the URL's query) have no schema verdict:
they are counted as inexpressible (route_or_query) and must not be listed. A requests.json
case with a body schema is judged by its request-level verdict, so route-only errors
(method_not_allowed, msgid_mismatch) are listed divergences. tests/js/schema.test.mjs does
the same with ajv.

Exit status: 0 when everything agrees, 1 otherwise. The last line is `N passed, M failed`.
"""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMAS = os.path.join(ROOT, "schemas")
CORPUS = os.path.join(ROOT, "tests", "corpus")
DIVERGENCES = os.path.join(ROOT, "tests", "schema_divergences.json")
CLI = os.path.join(ROOT, "target", "debug", "amojo")
ME = "python"
VALIDATORS = ("ajv", "python")
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# The topics a divergence may give as its `reason`, each with words that identify its
# entry in the generated INEXPRESSIBLE list (schemas/index.json `inexpressible`).
TOPICS = {
    "strict_integer": "strict integers",
    "path_param": "path parameter",
    "route_or_query": "the route",
    "warnings": "warnings are not verdicts",
    "js_number_precision": "2^53",
}

try:
    from importlib.metadata import version as package_version

    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError, best_match
except ImportError:
    sys.exit(
        "schema_crosscheck: Python's jsonschema is missing: run `make setup-wasm`, then "
        "target/tools/py/bin/python tests/schema_crosscheck.py"
    )


class Raw(str):
    """A JSON number kept as its source text (for passing bodies to the CLI unchanged)."""


def raw_dump(value):
    """Compact JSON of a value loaded with Raw numbers: the numbers' text is kept."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k) + ":" + raw_dump(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(raw_dump(v) for v in value) + "]"
    return json.dumps(value)


def no_constants(name):
    # Python's json accepts NaN and Infinity; JSON (and JavaScript's JSON.parse) does not.
    raise ValueError(f"{name} is not JSON")


def parse_json(text):
    """(ok, value): text that is not JSON (RFC 8259) gives (False, None)."""
    try:
        return True, json.loads(text, parse_constant=no_constants)
    except (ValueError, RecursionError):
        return False, None


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


failures = []  # (case name or "schema file", message)


def fail(where, message):
    failures.append((where, message))


def describe_error(validator, instance):
    err = best_match(validator.iter_errors(instance))
    if err is None:
        return "no error"
    where = "/" + "/".join(str(p) for p in err.absolute_path)
    return f"{where}: {err.message[:200]}"


# ---- the schema files -----------------------------------------------------------------------

index = load(os.path.join(SCHEMAS, "index.json"))
endpoints = list(index["schemas"])
inexpressible = index.get("inexpressible", [])
validators = {}

files_on_disk = sorted(f for f in os.listdir(SCHEMAS) if f.endswith(".json"))
expected_files = sorted([index["schemas"][e]["file"] for e in endpoints] + ["index.json"])
if files_on_disk != expected_files:
    fail("schemas/", f"the schema files {files_on_disk} are not those of index.json {expected_files}")

for topic, words in TOPICS.items():
    hits = [s for s in inexpressible if words in s]
    if len(hits) != 1:
        fail("schemas/index.json", f"reason `{topic}`: expected one `inexpressible` entry mentioning {words!r}, found {len(hits)}")

schema_files_ok = 0
for e in endpoints:
    meta = index["schemas"][e]
    rel = f"schemas/{meta['file']}"
    try:
        schema = load(os.path.join(ROOT, rel))
    except (OSError, ValueError) as err:
        fail(rel, f"cannot be read: {err}")
        continue
    problems = []
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as err:
        problems.append(f"not a valid draft 2020-12 schema: {err.message}")
    if schema.get("$schema") != DRAFT:
        problems.append(f"$schema is {schema.get('$schema')!r}, expected {DRAFT!r}")
    if schema.get("$id") != meta["$id"]:
        problems.append(f"$id is {schema.get('$id')!r}, index.json says {meta['$id']!r}")
    if schema.get("x-endpoint") != e:
        problems.append(f"x-endpoint is {schema.get('x-endpoint')!r}, expected {e!r}")
    if problems:
        for p in problems:
            fail(rel, p)
        continue
    v = Draft202012Validator(schema)
    validators[e] = v
    for i, example in enumerate(schema.get("examples", [])):
        if not v.is_valid(example):
            fail(rel, f"examples[{i}] does not validate: {describe_error(v, example)}")
            problems.append("example")
    if not problems:
        schema_files_ok += 1

# ---- the divergence list --------------------------------------------------------------------

divergences = load(DIVERGENCES)
for name, d in divergences.items():
    where = f"schema_divergences.json: {name}"
    keys = set(d) if isinstance(d, dict) else set()
    if keys != {"reason", "schema", "validator", "validators"}:
        fail(where, 'each entry is {"reason", "schema", "validator", "validators"}')
        continue
    if d["reason"] not in TOPICS:
        fail(where, f"reason {d['reason']!r} is none of {', '.join(TOPICS)}")
    if not isinstance(d["schema"], bool) or not isinstance(d["validator"], bool):
        fail(where, "`schema` and `validator` are true or false (the verdicts)")
    vs = d["validators"]
    if not isinstance(vs, list) or not vs or any(x not in VALIDATORS for x in vs) or len(set(vs)) != len(vs):
        fail(where, f"`validators` is a non-empty list of {', '.join(VALIDATORS)}")
    elif d["schema"] is not None and d["schema"] == d["validator"]:
        fail(where, "`schema` equals `validator`: that is no divergence")

# ---- the corpus -----------------------------------------------------------------------------

def cases():
    """(file stem, case, raw case) for every corpus case, files in name order."""
    for f in sorted(os.listdir(CORPUS)):
        if not f.endswith(".json"):
            continue
        path = os.path.join(CORPUS, f)
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        plain = json.loads(text)
        raw = json.loads(text, parse_int=Raw, parse_float=Raw)
        stem = f[: -len(".json")]
        if stem != "requests" and stem not in endpoints:
            fail(f"tests/corpus/{f}", f"no schema for endpoint `{stem}`")
            continue
        for c, r in zip(plain, raw):
            yield stem, c, r


def schema_target(stem, c):
    """(endpoint whose schema checks the case, None) or (None, why it has no schema verdict)."""
    if stem == "requests":
        e = c.get("endpoint")
        if e is None:
            return None, "unknown route"
        if e == "history":
            return None, "history request (query in the URL)"
        return e, None
    if "query" in c:
        return None, "history query string"
    return stem, None


def instance(c):
    """(parsed, value) of a case's body as the schema validators see it."""
    if "body_text" in c:
        return parse_json(c["body_text"])
    return True, c["body"]


agreed = 0
listed = 0
skipped = {}
all_cases = []

for stem, c, r in cases():
    name = c["name"]
    all_cases.append((stem, c, r))
    d = divergences.get(name)
    target, why_not = schema_target(stem, c)
    if target is None:
        skipped[why_not] = skipped.get(why_not, 0) + 1
        if d is not None:
            fail(name, f"listed, but it has no schema verdict ({why_not}: inexpressible, route_or_query); remove the entry")
        continue
    v = validators.get(target)
    if v is None:
        fail(name, f"no usable schema for `{target}`")
        continue
    ok, value = instance(c)
    verdict = ok and v.is_valid(value)
    why = "" if verdict else (describe_error(v, value) if ok else "the body is not JSON")
    mine = d is not None and ME in d.get("validators", [])
    if verdict == c["valid"]:
        if mine:
            fail(name, f"stale divergence: the schema ({ME}) agrees with the validator (both {json.dumps(verdict)}); remove `{ME}` from its `validators` (or the entry)")
        elif d is not None and d.get("validator") is not c["valid"]:
            fail(name, f"listed with validator {json.dumps(d.get('validator'))}, but the validator says {json.dumps(c['valid'])}")
        else:
            agreed += 1
    elif not mine:
        fail(name, f"schema ({ME}) says {json.dumps(verdict)}, the validator says {json.dumps(c['valid'])}{' (' + why + ')' if why else ''}; fix the schema, or list the case in tests/schema_divergences.json")
    elif d.get("schema") is not verdict or d.get("validator") is not c["valid"]:
        fail(name, f"diverges, but not as listed: schema ({ME}) {json.dumps(verdict)} (listed {json.dumps(d.get('schema'))}), validator {json.dumps(c['valid'])} (listed {json.dumps(d.get('validator'))})")
    else:
        listed += 1

case_names = {c["name"] for _s, c, _r in all_cases}
for name in divergences:
    if name not in case_names:
        fail(f"schema_divergences.json: {name}", "no corpus case has this name (stale entry)")

# ---- the CLI (optional: only when target/debug/amojo is current) ----------------------------


def newest_source():
    newest = 0.0
    for base in ("src",):
        for dirpath, _dirs, files in os.walk(os.path.join(ROOT, base)):
            for f in files:
                newest = max(newest, os.path.getmtime(os.path.join(dirpath, f)))
    for f in ("Cargo.toml", "Cargo.lock"):
        newest = max(newest, os.path.getmtime(os.path.join(ROOT, f)))
    return newest


HISTORY_PATH = "/v2/origin/custom/scope/chats/conversation/history"


def cli_verdict(stem, c, r):
    if stem == "requests":
        args = ["--method", c["method"], "--path", c["path"]]
    elif "query" in c:
        q = c["query"][1:] if c["query"].startswith("?") else c["query"]
        args = ["--method", "GET", "--path", HISTORY_PATH + ("?" + q if q else "")]
    else:
        args = ["--endpoint", stem]
    if "query" in c:
        body = b""
    elif "body_text" in c:
        body = c["body_text"].encode("utf-8")
    else:
        body = raw_dump(r["body"]).encode("utf-8")
    out = subprocess.run([CLI, "validate", *args, "-", "--json"], input=body, capture_output=True, timeout=60)
    if out.returncode not in (0, 1):
        return None, out.stderr.decode("utf-8", "replace").strip()
    report = json.loads(out.stdout)
    return report["valid"], None


cli_note = ""
if not os.access(CLI, os.X_OK):
    cli_note = "CLI check skipped: target/debug/amojo is not built"
elif os.path.getmtime(CLI) < newest_source():
    cli_note = "CLI check skipped: target/debug/amojo is older than src/ (cargo build)"
else:
    cli_cases = 0
    for stem, c, r in all_cases:
        got, err = cli_verdict(stem, c, r)
        cli_cases += 1
        if err is not None:
            fail(c["name"], f"amojo validate failed: {err}")
        elif got != c["valid"]:
            fail(c["name"], f"the CLI says valid={json.dumps(got)}, the corpus records {json.dumps(c['valid'])}")
    cli_note = f"CLI (target/debug/amojo validate --json): {cli_cases} cases checked"

# ---- report ---------------------------------------------------------------------------------

for where, message in failures:
    print(f"FAIL {where}: {message}")
failed_cases = {w for w, _m in failures if w in case_names}
# Failures that are no case's (a schema file, the divergence list) count as failed checks.
other = len({w for w, _m in failures if w not in case_names})
none = ", ".join(f"{n} {k}" for k, n in sorted(skipped.items()))
print(
    f"schemas: {schema_files_ok}/{len(endpoints)} files valid (draft 2020-12 meta-schema, examples). "
    f"Corpus vs jsonschema {package_version('jsonschema')} {Draft202012Validator.__name__}: {agreed} agree, {listed} listed divergences, "
    f"{sum(skipped.values())} without a schema verdict (inexpressible, route_or_query: {none})"
)
print(cli_note)
print(f"{len(all_cases) - len(failed_cases)} passed, {len(failed_cases) + other} failed")
sys.exit(1 if failures else 0)
