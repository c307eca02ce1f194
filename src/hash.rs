//! MD5 and HMAC-SHA1 for signing, over the RustCrypto compression functions
//! (`md5::block_api::compress`, `sha1::block_api::compress`).
//!
//! Why not the `Digest` / `Mac` traits: their generic buffering is instantiated in this
//! crate, which is size-optimised (`opt-level = "z"`), and for the short messages of signing
//! (a canonical string is about 200 bytes) it cost more than the compressions themselves
//! (profiled in wasm). What remains here is the padding, in plain code. Tests check both
//! against the trait implementations (the `hmac` crate) at every
//! length around the block boundaries, and tests/signing_vectors.rs against RFC 1321 and
//! RFC 2202. Verification stays on the `hmac` crate (`Mac::verify_slice`, constant time).

const BLOCK: usize = 64;

const MD5_INIT: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
const SHA1_INIT: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];

/// The last state of a Merkle–Damgård hash: `state` has absorbed `done` bytes (whole
/// blocks) and absorbs `data`, then the padding: 0x80, zeros, the message length in bits,
/// little-endian (MD5) or big-endian (SHA-1). One shot over contiguous bytes, so there is
/// no buffering: whole blocks go to `compress` where they lie. The tail and the length go
/// into the padding byte by byte: in wasm each slice copy is a `memory.copy`, whose fixed
/// cost (~6 ns in V8) exceeds a short loop's.
fn digest<const N: usize>(
    mut state: [u32; N],
    done: u64,
    data: &[u8],
    compress: fn(&mut [u32; N], &[[u8; BLOCK]]),
    big_endian: bool,
) -> [u32; N] {
    let mut blocks = data.chunks_exact(BLOCK);
    for b in &mut blocks {
        if let Ok(block) = <&[u8; BLOCK]>::try_from(b) {
            compress(&mut state, std::slice::from_ref(block));
        }
    }
    let bits = done.wrapping_add(data.len() as u64).wrapping_mul(8);
    let mut pad = [[0u8; BLOCK]; 2];
    let last = padding(&mut pad, blocks.remainder(), bits, big_endian);
    compress(&mut state, &pad[..=last]);
    state
}

/// Fills the last one or two blocks of a message (zeroed): its `tail` (under a block),
/// 0x80, zeros, the length in `bits`; returns the index of the last block.
fn padding(pad: &mut [[u8; BLOCK]; 2], tail: &[u8], bits: u64, big_endian: bool) -> usize {
    let mut i = 0;
    while i < tail.len() && i < BLOCK {
        pad[0][i] = tail[i];
        i += 1;
    }
    pad[0][i % BLOCK] = 0x80;
    let last = usize::from(tail.len() + 1 + 8 > BLOCK);
    let mut k = 0;
    while k < 8 {
        let shift = if big_endian { 56 - 8 * k } else { 8 * k };
        pad[last][BLOCK - 8 + k] = (bits >> shift) as u8;
        k += 1;
    }
    last
}

/// The state words as bytes (`M` = 4 `N`), each little- or big-endian. Byte by byte: at
/// `opt-level = "z"` a slice copy or an iterator adapter per word is a call.
fn word_bytes<const N: usize, const M: usize>(state: &[u32; N], big_endian: bool) -> [u8; M] {
    let mut out = [0u8; M];
    for i in 0..N.min(M / 4) {
        let b = if big_endian {
            state[i].to_be_bytes()
        } else {
            state[i].to_le_bytes()
        };
        out[4 * i] = b[0];
        out[4 * i + 1] = b[1];
        out[4 * i + 2] = b[2];
        out[4 * i + 3] = b[3];
    }
    out
}

/// MD5 of `data`.
pub(crate) fn md5(data: &[u8]) -> [u8; 16] {
    let state = digest(MD5_INIT, 0, data, md5::block_api::compress, false);
    word_bytes(&state, false)
}

/// SHA-1 from a state that has absorbed `done` bytes.
fn sha1(state: [u32; 5], done: u64, data: &[u8]) -> [u8; 20] {
    let state = digest(state, done, data, sha1::block_api::compress, true);
    word_bytes(&state, true)
}

/// An HMAC-SHA1 key, ready: the SHA-1 states after the key's inner and outer pad blocks,
/// so a tag costs the message's compressions plus two. No `Debug`: it is the key.
#[derive(Clone)]
pub(crate) struct HmacSha1Key {
    inner: [u32; 5],
    outer: [u32; 5],
}

impl HmacSha1Key {
    /// Keys of any length, as RFC 2104 says: one longer than a block is hashed first.
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut block = [0u8; BLOCK];
        if key.len() > BLOCK {
            block[..20].copy_from_slice(&sha1(SHA1_INIT, 0, key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let padded = |byte: u8| {
            let mut b = block;
            for x in &mut b {
                *x ^= byte;
            }
            let mut state = SHA1_INIT;
            sha1::block_api::compress(&mut state, &[b]);
            state
        };
        HmacSha1Key {
            inner: padded(0x36),
            outer: padded(0x5c),
        }
    }

    /// The tag of `message`.
    pub(crate) fn tag(&self, message: &[u8]) -> [u8; 20] {
        let inner = sha1(self.inner, BLOCK as u64, message);
        sha1(self.outer, BLOCK as u64, &inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, KeyInit, Mac};
    use md5::Digest;

    /// Every message length around one and two blocks and the padding's edge (55/56),
    /// against the `Digest` / `Mac` implementations.
    #[test]
    fn same_as_the_trait_implementations() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            let msg = &data[..len];
            assert_eq!(
                md5(msg),
                <[u8; 16]>::from(md5::Md5::digest(msg)),
                "md5 {len}"
            );
            for key_len in [1, 20, 63, 64, 65, 131] {
                let key = &data[300 - key_len..];
                let mut want = <Hmac<sha1::Sha1>>::new_from_slice(key).unwrap();
                want.update(msg);
                let want = <[u8; 20]>::from(want.finalize().into_bytes());
                assert_eq!(
                    HmacSha1Key::new(key).tag(msg),
                    want,
                    "hmac {len} key {key_len}"
                );
            }
        }
    }
}
