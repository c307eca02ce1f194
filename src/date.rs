//! RFC 2822 dates: formatting for signing, lenient parsing for verification.
//!
//! Time is an input: nothing here reads the clock. Callers pass unix seconds.

use std::fmt;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A timestamp above this is in milliseconds, not seconds: seconds now are ~1.7e9,
/// milliseconds ~1.7e12, and 1e11 s is the year 5138 (1e11 ms is March 1973).
pub const UNIX_MS_ABOVE: i64 = 100_000_000_000;

/// Smallest unix time accepted: 1970-01-01T00:00:00Z.
pub const MIN_UNIX: i64 = 0;
/// Largest unix time accepted: 9999-12-31T23:59:59Z (a four-digit year).
pub const MAX_UNIX: i64 = 253_402_300_799;

/// A date that could not be formatted or parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateError {
    /// The unix time is outside `MIN_UNIX..=MAX_UNIX`.
    OutOfRange(i64),
    /// The text is not an RFC 2822 / RFC 7231 date; the string says what was wrong.
    Invalid(&'static str),
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::OutOfRange(t) => write!(
                f,
                "unix time {t} is outside the supported range {MIN_UNIX}..={MAX_UNIX}"
            ),
            DateError::Invalid(why) => write!(f, "invalid date: {why}"),
        }
    }
}

impl std::error::Error for DateError {}

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month 1..=12, day 1..=31) for days since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Length of every date [`format_rfc2822`] writes: `Wed, 15 Dec 2021 23:12:55 +0000`.
pub(crate) const RFC2822_LEN: usize = 31;

/// Formats a unix time as the RFC 2822 date the API expects:
/// `Wed, 15 Dec 2021 23:12:55 +0000` (always UTC, zero-padded day).
///
/// # Errors
///
/// [`DateError::OutOfRange`] when `unix` is before 1970 or after year 9999.
pub fn format_rfc2822(unix: i64) -> Result<String, DateError> {
    format_rfc2822_bytes(unix).map(|b| b.iter().map(|&c| char::from(c)).collect())
}

/// [`format_rfc2822`] into a fixed array of ASCII, byte by byte (no `fmt`, no allocation:
/// the signing hot path).
pub(crate) fn format_rfc2822_bytes(unix: i64) -> Result<[u8; RFC2822_LEN], DateError> {
    if !(MIN_UNIX..=MAX_UNIX).contains(&unix) {
        return Err(DateError::OutOfRange(unix));
    }
    // In range: days and seconds are not negative, the year has four digits.
    let days = unix / 86_400;
    let secs = (unix % 86_400) as u32;
    let (y, m, d) = civil_from_days(days);
    let y = y as u32;
    let (h, mi, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    // 1970-01-01 was a Thursday (index 3 with Monday = 0).
    let wd = WEEKDAYS[((days + 3) % 7) as usize].as_bytes();
    let mon = MONTHS[(m - 1) as usize].as_bytes();
    let digit = |v: u32| b'0' + (v % 10) as u8;
    // Field by field into the fixed array: no allocation and no `fmt` on the signing path.
    Ok([
        wd[0],
        wd[1],
        wd[2],
        b',',
        b' ',
        digit(d / 10),
        digit(d),
        b' ',
        mon[0],
        mon[1],
        mon[2],
        b' ',
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b' ',
        digit(h / 10),
        digit(h),
        b':',
        digit(mi / 10),
        digit(mi),
        b':',
        digit(s / 10),
        digit(s),
        b' ',
        b'+',
        b'0',
        b'0',
        b'0',
        b'0',
    ])
}

/// A parsed date: the instant plus what was unusual about its spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedDate {
    /// Seconds since the unix epoch (UTC).
    pub unix: i64,
    /// The weekday named in the text, when one was given and it is not the real one
    /// (the docs' own `Mon, 03 Oct 2020` was a Saturday).
    pub wrong_weekday: bool,
    /// The zone was not spelled `+0000` (e.g. `GMT`, `UTC`, `+0300`).
    pub non_canonical_zone: bool,
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn skip_ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t') {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn word(&mut self) -> &'a [u8] {
        let start = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_alphabetic() {
            self.i += 1;
        }
        &self.s[start..self.i]
    }
    /// Up to `max` decimal digits; `None` when there are none.
    fn number(&mut self, max: usize) -> Option<(i64, usize)> {
        let start = self.i;
        let mut v: i64 = 0;
        while self.i < self.s.len() && self.i - start < max && self.s[self.i].is_ascii_digit() {
            v = v * 10 + i64::from(self.s[self.i] - b'0');
            self.i += 1;
        }
        (self.i > start).then_some((v, self.i - start))
    }
    fn done(&self) -> bool {
        self.i >= self.s.len()
    }
}

fn month_index(w: &[u8]) -> Option<u32> {
    let w3 = w.get(..3)?;
    let idx = MONTHS
        .iter()
        .position(|m| m.as_bytes().eq_ignore_ascii_case(w3))?;
    // Accept "Dec" and "December", nothing else.
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let full = FULL.get(idx)?;
    if w.len() == 3 || full.as_bytes().eq_ignore_ascii_case(w) {
        Some(idx as u32 + 1)
    } else {
        None
    }
}

fn weekday_index(w: &[u8]) -> Option<usize> {
    const FULL: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let w3 = w.get(..3)?;
    let idx = WEEKDAYS
        .iter()
        .position(|d| d.as_bytes().eq_ignore_ascii_case(w3))?;
    let full = FULL.get(idx)?;
    (w.len() == 3 || full.as_bytes().eq_ignore_ascii_case(w)).then_some(idx)
}

/// Parses a date leniently: RFC 2822 (`Wed, 15 Dec 2021 23:12:55 +0000`) with an
/// optional or wrong weekday, one- or two-digit day, optional seconds, zones `+hhmm`,
/// `-hhmm`, `+hh:mm`, `GMT`, `UT`, `UTC`, `Z`; RFC 850 (`Wednesday, 15-Dec-21 …`) and
/// asctime (`Wed Dec 15 23:12:55 2021`) as HTTP allows. Two-digit years follow RFC 2822
/// (00–49 → 20xx, 50–99 → 19xx).
///
/// # Errors
///
/// [`DateError::Invalid`] naming the first part that does not parse, or
/// [`DateError::OutOfRange`] with the unix time of an instant before 1970 or after 9999.
pub fn parse_date(text: &str) -> Result<ParsedDate, DateError> {
    let mut c = Cursor {
        s: text.trim().as_bytes(),
        i: 0,
    };
    if c.done() {
        return Err(DateError::Invalid("empty"));
    }
    let mut weekday = None;
    let save = c.i;
    let first = c.word();
    let mut asctime_month = None;
    if !first.is_empty() {
        if let Some(wd) = weekday_index(first) {
            weekday = Some(wd);
            c.skip_ws();
            if !c.eat(b',') {
                // asctime: "Wed Dec 15 23:12:55 2021"
                c.skip_ws();
                let m = c.word();
                asctime_month =
                    Some(month_index(m).ok_or(DateError::Invalid("expected a month name"))?);
            }
            c.skip_ws();
        } else {
            c.i = save;
        }
    }
    let (year, month, day, h, mi, s, zone);
    if let Some(m) = asctime_month {
        let (d, _) = c.number(2).ok_or(DateError::Invalid("expected a day"))?;
        c.skip_ws();
        let (hh, mm, ss) = parse_time(&mut c)?;
        c.skip_ws();
        let (y, n) = c.number(4).ok_or(DateError::Invalid("expected a year"))?;
        if n != 4 {
            return Err(DateError::Invalid("expected a four-digit year"));
        }
        (year, month, day, h, mi, s) = (y, m, d as u32, hh, mm, ss);
        c.skip_ws();
        zone = if c.done() {
            Some(0)
        } else {
            parse_zone(&mut c)?
        };
    } else {
        let (d, _) = c.number(2).ok_or(DateError::Invalid("expected a day"))?;
        let dashed = c.eat(b'-');
        if !dashed {
            c.skip_ws();
        }
        let m = month_index(c.word()).ok_or(DateError::Invalid("expected a month name"))?;
        if dashed && !c.eat(b'-') {
            return Err(DateError::Invalid("expected `-` after the month"));
        }
        if !dashed {
            c.skip_ws();
        }
        let (y, n) = c.number(4).ok_or(DateError::Invalid("expected a year"))?;
        let y = match n {
            4 => y,
            2 if y < 50 => 2000 + y,
            2 => 1900 + y,
            _ => return Err(DateError::Invalid("expected a two- or four-digit year")),
        };
        c.skip_ws();
        let (hh, mm, ss) = parse_time(&mut c)?;
        c.skip_ws();
        zone = parse_zone(&mut c)?;
        (year, month, day, h, mi, s) = (y, m, d as u32, hh, mm, ss);
    }
    c.skip_ws();
    // A trailing comment such as "(UTC)" is allowed by RFC 2822.
    if c.eat(b'(') {
        while !c.done() && !c.eat(b')') {
            c.i += 1;
        }
        c.skip_ws();
    }
    if !c.done() {
        return Err(DateError::Invalid("unexpected text after the zone"));
    }
    let offset = zone.ok_or(DateError::Invalid("expected a zone"))?;
    if day == 0 || day > days_in_month(year, month) {
        return Err(DateError::Invalid("day out of range for the month"));
    }
    if h > 23 || mi > 59 || s > 60 {
        return Err(DateError::Invalid("time of day out of range"));
    }
    let days = days_from_civil(year, month, day);
    // A leap second (:60) counts as the next second.
    let unix = days * 86_400 + h * 3600 + mi * 60 + s - offset;
    // The instant, not the year: `01 Jan 1970 00:00:00 +0100` is before 1970.
    if !(MIN_UNIX..=MAX_UNIX).contains(&unix) {
        return Err(DateError::OutOfRange(unix));
    }
    let real_wd = (days + 3).rem_euclid(7) as usize;
    Ok(ParsedDate {
        unix,
        wrong_weekday: weekday.is_some_and(|w| w != real_wd),
        non_canonical_zone: !text.trim_end().ends_with("+0000"),
    })
}

fn parse_time(c: &mut Cursor<'_>) -> Result<(i64, i64, i64), DateError> {
    let (h, n) = c.number(2).ok_or(DateError::Invalid("expected the hour"))?;
    if n != 2 && n != 1 {
        return Err(DateError::Invalid("expected the hour"));
    }
    if !c.eat(b':') {
        return Err(DateError::Invalid("expected `:` after the hour"));
    }
    let (m, n) = c.number(2).ok_or(DateError::Invalid("expected minutes"))?;
    if n != 2 {
        return Err(DateError::Invalid("expected two-digit minutes"));
    }
    let s = if c.eat(b':') {
        let (s, n) = c.number(2).ok_or(DateError::Invalid("expected seconds"))?;
        if n != 2 {
            return Err(DateError::Invalid("expected two-digit seconds"));
        }
        s
    } else {
        0
    };
    Ok((h, m, s))
}

/// Zone offset in seconds east of UTC.
fn parse_zone(c: &mut Cursor<'_>) -> Result<Option<i64>, DateError> {
    if c.done() {
        return Ok(None);
    }
    let sign = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        let w = c.word();
        let off = match w.to_ascii_uppercase().as_slice() {
            b"GMT" | b"UT" | b"UTC" | b"Z" => 0,
            b"EDT" => -4,
            b"EST" | b"CDT" => -5,
            b"CST" | b"MDT" => -6,
            b"MST" | b"PDT" => -7,
            b"PST" => -8,
            _ => return Err(DateError::Invalid("unknown zone")),
        };
        return Ok(Some(off * 3600));
    };
    let (hh, n) = c
        .number(2)
        .ok_or(DateError::Invalid("expected a zone offset"))?;
    if n != 2 {
        return Err(DateError::Invalid("expected a four-digit zone offset"));
    }
    c.eat(b':');
    let (mm, n) = c
        .number(2)
        .ok_or(DateError::Invalid("expected a four-digit zone offset"))?;
    if n != 2 || hh > 23 || mm > 59 {
        return Err(DateError::Invalid("zone offset out of range"));
    }
    Ok(Some(sign * (hh * 3600 + mm * 60)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_docs_example() {
        // chat-step-by-step.md, connect: Date: Wed, 15 Dec 2021 23:12:55 +0000
        assert_eq!(
            format_rfc2822(1_639_609_975).as_deref(),
            Ok("Wed, 15 Dec 2021 23:12:55 +0000")
        );
        assert_eq!(
            format_rfc2822(0).as_deref(),
            Ok("Thu, 01 Jan 1970 00:00:00 +0000")
        );
        assert_eq!(
            format_rfc2822(951_782_400).as_deref(),
            Ok("Tue, 29 Feb 2000 00:00:00 +0000")
        );
        assert_eq!(
            format_rfc2822(MAX_UNIX).as_deref(),
            Ok("Fri, 31 Dec 9999 23:59:59 +0000")
        );
        assert_eq!(format_rfc2822(-1), Err(DateError::OutOfRange(-1)));
        assert_eq!(
            format_rfc2822(MAX_UNIX + 1),
            Err(DateError::OutOfRange(MAX_UNIX + 1))
        );
    }

    /// Parsing checks the instant against the same range, and says which instant (it once
    /// put the year where the unix time belongs, and let a pre-1970 instant through).
    #[test]
    fn parsed_instants_outside_the_range() {
        assert_eq!(
            parse_date("Wed, 15 Dec 1969 23:12:55 +0000"),
            Err(DateError::OutOfRange(-1_385_225))
        );
        assert_eq!(
            parse_date("Thu, 01 Jan 1970 00:00:00 +0100"),
            Err(DateError::OutOfRange(-3600))
        );
        assert_eq!(
            parse_date("Thu, 01 Jan 1970 00:00:00 -0100").map(|p| p.unix),
            Ok(3600)
        );
        assert_eq!(
            parse_date("Fri, 31 Dec 9999 23:59:59 -0001"),
            Err(DateError::OutOfRange(MAX_UNIX + 60))
        );
        assert_eq!(
            parse_date("Sat, 01 Jan 0000 00:00:00 +0000").map_err(|e| e.to_string()),
            Err(
                "unix time -62167219200 is outside the supported range 0..=253402300799".to_owned()
            )
        );
    }

    /// The byte-by-byte formatter against `format!`, across leap years,
    /// month and day boundaries and the whole range.
    #[test]
    fn formats_like_format_macro() {
        let reference = |unix: i64| {
            let days = unix.div_euclid(86_400);
            let secs = unix.rem_euclid(86_400);
            let (y, m, d) = civil_from_days(days);
            let wd = WEEKDAYS[(days + 3).rem_euclid(7) as usize];
            let mon = MONTHS[(m - 1) as usize];
            format!(
                "{wd}, {d:02} {mon} {y:04} {:02}:{:02}:{:02} +0000",
                secs / 3600,
                (secs / 60) % 60,
                secs % 60
            )
        };
        let mut t = MIN_UNIX;
        while t <= MAX_UNIX {
            let s = format_rfc2822(t).unwrap();
            assert_eq!(s, reference(t), "{t}");
            assert_eq!(s.len(), RFC2822_LEN);
            t += 86_400 * 13 + 3_599;
        }
    }

    #[test]
    fn parses_leniently() {
        let p = parse_date("Wed, 15 Dec 2021 23:12:55 +0000").unwrap();
        assert_eq!(p.unix, 1_639_609_975);
        assert!(!p.wrong_weekday && !p.non_canonical_zone);
        // The docs' own wrong weekday: 3 Oct 2020 was a Saturday.
        let p = parse_date("Mon, 03 Oct 2020 15:11:21 +0000").unwrap();
        assert!(p.wrong_weekday);
        assert_eq!(p.unix, 1_601_737_881);
        for (t, want) in [
            ("Wed, 15 Dec 2021 23:12:55 GMT", 1_639_609_975),
            ("15 Dec 2021 23:12:55 UTC", 1_639_609_975),
            ("Thu, 16 Dec 2021 02:12:55 +0300", 1_639_609_975),
            ("Wed, 15 Dec 2021 18:12:55 -05:00", 1_639_609_975),
            ("Wed, 15 Dec 21 23:12:55 +0000", 1_639_609_975),
            ("Wednesday, 15-Dec-21 23:12:55 GMT", 1_639_609_975),
            ("Wed Dec 15 23:12:55 2021", 1_639_609_975),
            ("Wed, 5 Jan 2022 00:00 +0000", 1_641_340_800),
            ("  Wed, 15 Dec 2021 23:12:55 +0000 (UTC) ", 1_639_609_975),
        ] {
            assert_eq!(parse_date(t).map(|p| p.unix), Ok(want), "{t}");
        }
    }

    #[test]
    fn rejects_garbage() {
        for t in [
            "",
            "yesterday",
            "Wed, 32 Dec 2021 23:12:55 +0000",
            "Wed, 29 Feb 2021 23:12:55 +0000",
            "Wed, 15 Foo 2021 23:12:55 +0000",
            "Wed, 15 Dec 2021 24:00:00 +0000",
            "Wed, 15 Dec 2021 23:12:55",
            "Wed, 15 Dec 2021 23:12:55 +0000 trailing",
            "Wed, 15 Dec 2021 23:12:55 +99999",
            "Wed, 15 Dec 1969 23:12:55 +0000",
            "1639609975",
        ] {
            assert!(parse_date(t).is_err(), "{t:?} parsed");
        }
    }

    #[test]
    fn format_parse_round_trip() {
        for t in [
            0,
            1,
            59,
            86_399,
            86_400,
            951_868_799,
            1_639_609_975,
            MAX_UNIX,
        ] {
            let s = format_rfc2822(t).unwrap();
            assert_eq!(parse_date(&s).unwrap().unix, t, "{s}");
        }
    }
}
