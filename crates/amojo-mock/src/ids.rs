//! Deterministic ids: UUID-shaped (version 4 and variant bits set, so they look like the
//! API's), derived from a counter and a seed (the scope), never from a clock or randomness.
//! The same requests in the same order give the same ids, so tests are reproducible.

/// FNV-1a: the seed of a scope's ids.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The `n`-th id of the stream `seed`, with the version (4) and variant (10xx) bits of a
/// random UUID.
pub(crate) fn uuid(seed: u64, n: u64) -> u128 {
    let a = splitmix64(seed ^ n.wrapping_mul(0xd6e8_feb8_6659_fd93));
    let b = splitmix64(a ^ n);
    let v = (u128::from(a) << 64) | u128::from(b);
    let v = (v & !(0xf << 76)) | (0x4 << 76);
    (v & !(0x3 << 62)) | (0x2 << 62)
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lowercase.
pub(crate) fn format_uuid(v: u128) -> String {
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        (v >> 96) as u32,
        (v >> 80) as u16,
        (v >> 64) as u16,
        (v >> 48) as u16,
        v & 0xffff_ffff_ffff
    )
}

/// The value of a UUID-shaped string (hex digits of either case, dashes at 8, 13, 18, 23).
pub(crate) fn parse_uuid(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    if b.len() != 36 {
        return None;
    }
    let mut v: u128 = 0;
    for (i, &c) in b.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if c != b'-' {
                return None;
            }
            continue;
        }
        let d = char::from(c).to_digit(16)?;
        v = (v << 4) | u128::from(d);
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_round_trip() {
        for n in 0..1000 {
            let v = uuid(fnv1a(b"scope"), n);
            let s = format_uuid(v);
            assert_eq!(s.len(), 36);
            assert_eq!(&s[14..15], "4", "{s}");
            assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"), "{s}");
            assert_eq!(parse_uuid(&s), Some(v));
            assert_eq!(parse_uuid(&s.to_uppercase()), Some(v));
        }
        assert_eq!(uuid(1, 2), uuid(1, 2));
        assert_ne!(uuid(1, 2), uuid(1, 3));
        assert_ne!(uuid(1, 2), uuid(2, 2));
        for bad in [
            "",
            "x",
            "0000000000000000000000000000000000000",
            "g0000000-0000-0000-0000-000000000000",
            "00000000+0000-0000-0000-000000000000",
            "ффффффф-0000-0000-0000-000000000000",
        ] {
            assert_eq!(parse_uuid(bad), None, "{bad}");
        }
    }
}
