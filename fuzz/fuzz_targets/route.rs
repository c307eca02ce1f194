//! Route matching: no panic; match_route agrees with find_route and the endpoint's method.
#![no_main]

use amojo_kit::{RouteError, find_route, match_route};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (String, String)| {
    let (method, path) = input;
    match (match_route(&method, &path), find_route(&path)) {
        (Ok(m), Some(f)) => {
            assert_eq!(m, f);
            assert!(method.eq_ignore_ascii_case(m.method()));
        }
        (Err(RouteError::MethodNotAllowed { route, allowed }), Some(f)) => {
            assert_eq!(route, f);
            assert_eq!(allowed, f.method());
        }
        (Err(RouteError::UnknownRoute), None) => {}
        (a, b) => panic!("{a:?} vs {b:?}"),
    }
});
