//! Arbitrary bytes against every endpoint: no panic, the cap holds, the verdict is the
//! error count, and tight limits behave.
#![no_main]

use amojo_kit::{Endpoint, ValidateOptions, validate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let endpoint = Endpoint::ALL[usize::from(sel) % Endpoint::ALL.len()];
    let tight = ValidateOptions {
        max_issues: usize::from(sel >> 4) + 1,
        max_body_bytes: 256,
        max_depth: 4,
        ..ValidateOptions::default()
    };
    for opts in [ValidateOptions::default(), tight] {
        let r = validate(endpoint, body, &opts);
        assert!(r.errors.len() + r.warnings.len() <= opts.max_issues);
        if !r.errors.is_empty() {
            assert!(!r.valid);
        }
        if r.valid {
            assert!(r.errors.is_empty());
        }
        for i in r.errors.iter().chain(&r.warnings) {
            assert!(i.path.is_empty() || i.path.starts_with('/'));
            assert!(!i.message.is_empty());
        }
    }
});
