#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::todo)
)]

mod compose;
mod curl;
mod date;
mod diagnose;
mod endpoint;
mod hash;
mod http;
mod json;
mod sign;
mod validate;
mod verify;

pub use compose::{
    BuildError, BuiltRequest, DEFAULT_BASE_URL, HookChecks, HookError, MaxAge, ReceivedHook,
    RequestToBuild, build_request, receive_webhook,
};
pub use curl::{CurlBody, CurlError, curl_command};
pub use date::{DateError, ParsedDate, UNIX_MS_ABOVE, format_rfc2822, parse_date};
pub use diagnose::{Component, Diagnosis, Finding, diagnose_request};
pub use endpoint::{
    ParseNameError, RouteError, RouteMatch, classify_webhook, find_route, match_route,
};
pub use http::request_url;
pub use json::{
    BodyStyle, JsonError, JsonErrorKind, ParsedJson, parse_json, reserialize, serialize_body,
};
pub use sign::{
    CanonicalString, DEFAULT_CONTENT_TYPE, DateInput, EMPTY_BODY_MD5, RequestToSign,
    SECRET_SCAN_MIN_LEN, SignError, SignedRequest, SigningKey, canonical_request, content_md5,
    sign_request, webhook_signature,
};
pub use validate::{
    Endpoint, Issue, IssueCode, JsonType, Lang, Report, Severity, ValidateOptions, field_names,
    too_large_report, validate, validate_query, validate_request, validate_value,
};
#[cfg(feature = "schema")]
pub use validate::{INEXPRESSIBLE, json_schema, schema_index, typescript_declarations};
pub use verify::{
    DEFAULT_TOLERANCE_SECS, HeaderLineError, Headers, Reason, ReceivedRequest, Verified,
    VerifyOptions, VerifyOutcome, verify_request, verify_webhook,
};
