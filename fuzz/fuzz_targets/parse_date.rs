//! Date parsing: no panic; a parsed date formats and parses back to the same instant.
#![no_main]

use amojo_kit::{format_rfc2822, parse_date};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = parse_date(text) {
        if let Ok(f) = format_rfc2822(p.unix) {
            assert_eq!(
                parse_date(&f).map(|q| q.unix),
                Ok(p.unix),
                "{text:?} -> {f}"
            );
        }
    }
});
