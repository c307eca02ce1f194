#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::todo)
)]

pub mod date;
mod hash;
pub mod json;
pub mod sign;
pub mod verify;

pub use date::{DateError, ParsedDate, format_rfc2822, parse_date};
pub use json::{BodyStyle, JsonError, ParsedJson, parse_json, reserialize, serialize_body};
pub use sign::{
    CanonicalString, DEFAULT_CONTENT_TYPE, DateInput, EMPTY_BODY_MD5, RequestToSign, SignError,
    SignedRequest, canonical_request, content_md5, legacy_signature, sign_request,
    webhook_signature,
};
pub use verify::{
    Component, DEFAULT_TOLERANCE_SECS, Diagnosis, Finding, Headers, Reason, ReceivedRequest,
    Verified, VerifyOptions, diagnose_request, verify_legacy, verify_request, verify_webhook,
};
pub mod route;
pub mod validate;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;

pub use route::{RouteError, RouteMatch, find_route, match_route, method_of};
pub use validate::{
    Endpoint, Issue, IssueCode, JsonType, Lang, Report, Severity, ValidateOptions,
    classify_webhook, field_names, validate, validate_query, validate_request, validate_value,
};
