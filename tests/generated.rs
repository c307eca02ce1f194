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
        &amojo_kit::validate::typescript_declarations(),
    );
}
