//! Runs the validation corpus in `tests/corpus/*.json` (format: `tests/corpus/README.md`).
//!
//! Every case is validated in English and in Russian; the verdict and the exact multiset of
//! (path, code) of errors and of warnings must match. All failures are collected and reported
//! together at the end.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use amojo_kit::{
    Endpoint, Issue, IssueCode, Lang, Report, ValidateOptions, validate, validate_query,
    validate_request, validate_value,
};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Minimum number of cases in the whole corpus.
const MIN_CASES: usize = 150;

/// The file of request-level cases (run through `validate_request`).
const REQUESTS: &str = "requests";

/// Every code the engine can produce; each must be expected by at least one case, except
/// the limits (`too_large`, `too_deep`: tests/limits.rs).
fn all_codes() -> impl Iterator<Item = &'static str> {
    IssueCode::ERROR_CODES
        .iter()
        .chain(IssueCode::WARNING_CODES)
        .copied()
        .filter(|c| !matches!(*c, "too_large" | "too_deep"))
}

/// `Some(x)` when the key is present (even as `null`), `None` when absent.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedIssue {
    path: String,
    code: String,
    /// When given, the issue's did-you-mean suggestion (`null`: none).
    #[serde(default, deserialize_with = "present")]
    suggestion: Option<Option<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    rule: String,
    #[serde(default, deserialize_with = "present")]
    body: Option<Value>,
    #[serde(default)]
    body_text: Option<String>,
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default, deserialize_with = "present")]
    endpoint: Option<Option<String>>,
    valid: bool,
    errors: Vec<ExpectedIssue>,
    warnings: Vec<ExpectedIssue>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Loads every `*.json` file of the corpus: (file stem, cases), sorted by file name.
fn load_corpus() -> Vec<(String, Vec<Case>)> {
    let dir = corpus_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            let cases: Vec<Case> = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not a list of cases: {e}", p.display()));
            (stem, cases)
        })
        .collect()
}

/// What a case runs.
enum Input<'a> {
    /// `validate` on these bytes (and `validate_value` on the value, when there is one).
    Body(Endpoint, Vec<u8>, Option<&'a Value>),
    /// `validate_query` on this query string.
    Query(&'a str),
    /// `validate_request`.
    Request {
        method: &'a str,
        path: &'a str,
        body: Vec<u8>,
    },
}

impl Input<'_> {
    fn run(&self, lang: Lang) -> Report {
        let opts = ValidateOptions {
            lang,
            ..ValidateOptions::default()
        };
        match self {
            Input::Body(ep, bytes, _) => validate(*ep, bytes, &opts),
            Input::Query(q) => validate_query(q, &opts),
            Input::Request { method, path, body } => validate_request(method, path, body, &opts),
        }
    }
}

/// The body bytes of a case: `body` serialized compactly, or `body_text` as is.
fn body_bytes(case: &Case) -> Result<Vec<u8>, String> {
    match (&case.body, &case.body_text) {
        (Some(v), None) => Ok(serde_json::to_vec(v).expect("serialize body")),
        (None, Some(t)) => Ok(t.as_bytes().to_vec()),
        _ => Err("needs exactly one of `body` and `body_text`".to_owned()),
    }
}

fn input<'a>(file: &str, case: &'a Case) -> Result<Input<'a>, String> {
    if file == REQUESTS {
        if case.query.is_some() {
            return Err("`query` is not used in requests.json (put it in `path`)".to_owned());
        }
        let (Some(method), Some(path)) = (&case.method, &case.path) else {
            return Err("a request case needs `method` and `path`".to_owned());
        };
        if case.endpoint.is_none() {
            return Err("a request case needs `endpoint` (a name or null)".to_owned());
        }
        return Ok(Input::Request {
            method,
            path,
            body: body_bytes(case)?,
        });
    }
    if case.method.is_some() || case.path.is_some() || case.endpoint.is_some() {
        return Err("`method`, `path` and `endpoint` belong in requests.json".to_owned());
    }
    let ep = Endpoint::from_str(file).map_err(|e| e.to_string())?;
    if let Some(q) = &case.query {
        if ep != Endpoint::History {
            return Err("`query` is for history.json only".to_owned());
        }
        if case.body.is_some() || case.body_text.is_some() {
            return Err("`query` excludes `body` and `body_text`".to_owned());
        }
        return Ok(Input::Query(q));
    }
    Ok(Input::Body(ep, body_bytes(case)?, case.body.as_ref()))
}

/// (path, code) pairs, sorted: the multiset compared.
fn pairs(issues: &[Issue]) -> Vec<(String, String)> {
    let mut v: Vec<_> = issues
        .iter()
        .map(|i| (i.path.clone(), i.code.code().to_owned()))
        .collect();
    v.sort();
    v
}

fn expected_pairs(issues: &[ExpectedIssue]) -> Vec<(String, String)> {
    let mut v: Vec<_> = issues
        .iter()
        .map(|i| (i.path.clone(), i.code.clone()))
        .collect();
    v.sort();
    v
}

fn show(v: &[(String, String)]) -> String {
    let items: Vec<String> = v.iter().map(|(p, c)| format!("{p:?} {c}")).collect();
    format!("[{}]", items.join(", "))
}

/// Describes the difference of two sorted multisets, or `None` when equal.
fn diff(kind: &str, want: &[(String, String)], got: &[(String, String)]) -> Option<String> {
    if want == got {
        return None;
    }
    let mut missing = want.to_vec();
    let mut extra = Vec::new();
    for g in got {
        match missing.iter().position(|w| w == g) {
            Some(i) => {
                missing.remove(i);
            }
            None => extra.push(g.clone()),
        }
    }
    Some(format!(
        "{kind}: expected {}\n      got {}\n      missing {}  unexpected {}",
        show(want),
        show(got),
        show(&missing),
        show(&extra)
    ))
}

fn suggestion_of(issue: &Issue) -> Option<String> {
    let v = serde_json::to_value(issue).expect("serialize issue");
    v.get("suggestion")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Compares a report with the case's expectations; returns the problems found.
fn check_report(case: &Case, report: &Report, problems: &mut Vec<String>) {
    if report.valid != case.valid {
        problems.push(format!(
            "valid: expected {}, got {}",
            case.valid, report.valid
        ));
    }
    if report.valid != report.errors.is_empty() {
        problems.push(format!(
            "report.valid is {} with {} error(s)",
            report.valid,
            report.errors.len()
        ));
    }
    if report.truncated {
        problems.push("report was truncated".to_owned());
    }
    // The serde-free JSON writer (used by the wasm binding) gives serde_json's bytes.
    let serde_text = serde_json::to_string(report).expect("serialize report");
    if report.to_json() != serde_text {
        problems.push(format!(
            "Report::to_json differs from serde_json:\n      {}\n      {serde_text}",
            report.to_json()
        ));
    }
    for (kind, want, got) in [
        ("errors", &case.errors, &report.errors),
        ("warnings", &case.warnings, &report.warnings),
    ] {
        if let Some(d) = diff(kind, &expected_pairs(want), &pairs(got)) {
            problems.push(d);
        }
        for w in want {
            let Some(s) = &w.suggestion else { continue };
            let found: Vec<Option<String>> = got
                .iter()
                .filter(|i| i.path == w.path && i.code.code() == w.code)
                .map(suggestion_of)
                .collect();
            if !found.is_empty() && !found.contains(s) {
                problems.push(format!(
                    "{kind}: {:?} {}: expected suggestion {s:?}, got {found:?}",
                    w.path, w.code
                ));
            }
        }
    }
}

/// The Russian report must carry the same issues, in the same order, with other messages.
fn check_russian(en: &Report, ru: &Report, problems: &mut Vec<String>) {
    if en.valid != ru.valid {
        problems.push(format!(
            "ru: valid {} differs from en {}",
            ru.valid, en.valid
        ));
    }
    for (kind, e, r) in [
        ("errors", &en.errors, &ru.errors),
        ("warnings", &en.warnings, &ru.warnings),
    ] {
        let key = |v: &[Issue]| -> Vec<(String, String)> {
            v.iter()
                .map(|i| (i.path.clone(), i.code.code().to_owned()))
                .collect()
        };
        if key(e) != key(r) {
            problems.push(format!(
                "ru {kind}: {} differ from en {}",
                show(&key(r)),
                show(&key(e))
            ));
            continue;
        }
        for (a, b) in e.iter().zip(r.iter()) {
            if a.message.trim().is_empty() || b.message.trim().is_empty() {
                problems.push(format!(
                    "{kind}: {:?} {}: empty message (en {:?}, ru {:?})",
                    a.path,
                    a.code.code(),
                    a.message,
                    b.message
                ));
            } else if a.message == b.message {
                problems.push(format!(
                    "{kind}: {:?} {}: Russian message equals English: {:?}",
                    a.path,
                    a.code.code(),
                    a.message
                ));
            }
        }
    }
}

/// Runs one case; returns its problems (empty when it passes).
fn run_case(file: &str, case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    if case.rule.trim().is_empty() {
        problems.push("`rule` is empty".to_owned());
    }
    if case.valid != case.errors.is_empty() {
        problems.push(format!(
            "corpus: `valid` is {} but {} error(s) are expected",
            case.valid,
            case.errors.len()
        ));
    }
    for i in case.errors.iter().chain(&case.warnings) {
        if !all_codes().any(|c| c == i.code) {
            problems.push(format!("corpus: unknown code {:?}", i.code));
        }
    }
    let input = match input(file, case) {
        Ok(i) => i,
        Err(e) => {
            problems.push(format!("corpus: {e}"));
            return problems;
        }
    };
    let en = input.run(Lang::En);
    check_report(case, &en, &mut problems);
    if let Some(want) = &case.endpoint {
        let got = en.endpoint.map(|e| e.as_str().to_owned());
        if &got != want {
            problems.push(format!("endpoint: expected {want:?}, got {got:?}"));
        }
    }
    let ru = input.run(Lang::Ru);
    check_russian(&en, &ru, &mut problems);
    // A parsed value validates like its bytes (no duplicate keys can survive parsing).
    if let Input::Body(ep, _, Some(value)) = &input {
        let by_value = validate_value(*ep, value, &ValidateOptions::default());
        if (
            by_value.valid,
            pairs(&by_value.errors),
            pairs(&by_value.warnings),
        ) != (en.valid, pairs(&en.errors), pairs(&en.warnings))
        {
            problems.push(format!(
                "validate_value differs from validate: errors {} warnings {}",
                show(&pairs(&by_value.errors)),
                show(&pairs(&by_value.warnings))
            ));
        }
    }
    problems
}

#[test]
fn validation_corpus() {
    let corpus = load_corpus();
    let mut failures = Vec::new();
    let mut names = BTreeSet::new();
    let mut total = 0;
    let mut codes_seen = BTreeSet::new();
    let mut per_file: BTreeMap<String, (usize, usize)> = BTreeMap::new();

    let mut expected_files: Vec<String> = Endpoint::ALL
        .iter()
        .map(|e| e.as_str().to_owned())
        .collect();
    expected_files.push(REQUESTS.to_owned());
    for f in &expected_files {
        if !corpus.iter().any(|(stem, _)| stem == f) {
            failures.push(format!("missing corpus file tests/corpus/{f}.json"));
        }
    }

    for (file, cases) in &corpus {
        if !expected_files.contains(file) {
            failures.push(format!(
                "tests/corpus/{file}.json: not an endpoint name nor `{REQUESTS}`"
            ));
            continue;
        }
        let counts = per_file.entry(file.clone()).or_default();
        for case in cases {
            total += 1;
            if case.valid {
                counts.0 += 1;
            } else {
                counts.1 += 1;
            }
            if !names.insert(case.name.clone()) {
                failures.push(format!("{file}: duplicate case name {:?}", case.name));
            }
            for i in case.errors.iter().chain(&case.warnings) {
                codes_seen.insert(i.code.clone());
            }
            let problems = run_case(file, case);
            if !problems.is_empty() {
                let mut s = format!("{} ({file}.json)  [{}]", case.name, case.rule);
                for p in problems {
                    let _ = write!(s, "\n    {p}");
                }
                failures.push(s);
            }
        }
    }

    for (file, (valid, invalid)) in &per_file {
        if *valid == 0 || *invalid == 0 {
            failures.push(format!(
                "{file}.json needs at least one valid and one invalid case (has {valid} valid, {invalid} invalid)"
            ));
        }
    }
    if total < MIN_CASES {
        failures.push(format!(
            "the corpus has {total} cases, at least {MIN_CASES} expected"
        ));
    }
    for code in all_codes() {
        if !codes_seen.contains(code) {
            failures.push(format!("no case expects code `{code}`"));
        }
    }

    let summary: Vec<String> = per_file
        .iter()
        .map(|(f, (v, i))| format!("{f}: {} ({v} valid, {i} invalid)", v + i))
        .collect();
    println!("validation corpus: {total} cases; {}", summary.join("; "));
    if !failures.is_empty() {
        panic!(
            "{} validation corpus failure(s) out of {total} cases:\n\n{}\n",
            failures.len(),
            failures.join("\n\n")
        );
    }
}
