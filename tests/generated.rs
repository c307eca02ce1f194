//! Generated artefacts are committed and must be fresh: each is regenerated from the Rust
//! source and compared byte for byte. `AMOJO_REGENERATE=1` (what `make generate` sets)
//! writes them instead.

use std::path::Path;

fn check(rel: &str, fresh: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    if std::env::var_os("AMOJO_REGENERATE").is_some() {
        std::fs::write(&path, fresh).unwrap_or_else(|e| panic!("{rel}: {e}"));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{rel} is stale: run `make generate` and commit the result"
    );
}

#[test]
fn payload_typings_are_fresh() {
    check(
        "pkg-template/payloads.d.ts",
        &amojo_kit::typescript_declarations(),
    );
}

/// Docs' example bodies per endpoint, for the schemas' `examples`.
fn examples(endpoint: &str) -> Vec<serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/docs_bodies.json");
    let all: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_default())
            .unwrap_or_default();
    all.into_iter()
        .filter(|b| b["endpoint"] == endpoint)
        .map(|b| b["body"].clone())
        .collect()
}

fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

#[test]
fn json_schemas_are_fresh() {
    for e in amojo_kit::Endpoint::ALL {
        let schema = amojo_kit::json_schema(e, &examples(e.as_str()));
        check(&format!("schemas/{}.json", e.as_str()), &pretty(&schema));
    }
    check("schemas/index.json", &pretty(&amojo_kit::schema_index()));
}

#[test]
fn every_docs_example_is_valid() {
    for e in amojo_kit::Endpoint::ALL {
        for body in examples(e.as_str()) {
            let r = amojo_kit::validate_value(e, &body, &Default::default());
            assert!(r.valid, "{e}: {:?}", r.errors);
        }
    }
}
