//! MD5 and HMAC-SHA1 for signing, through the RustCrypto traits (`Digest`, `Mac`).
//!
//! `HmacSha1Key` is the keyed `Hmac<Sha1>` (the key's inner and outer pad blocks already
//! absorbed), cloned for every message: a tag costs the message's compressions plus two.
//! Verification uses the same keyed state and compares with `CtOutput` (constant time), so
//! the binary carries one HMAC. tests/signing_vectors.rs holds both to RFC 1321 and
//! RFC 2202.

use hmac::digest::CtOutput;
use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;

/// MD5 of `data`.
pub(crate) fn md5(data: &[u8]) -> [u8; 16] {
    Md5::digest(data).into()
}

/// An HMAC-SHA1 key, ready. No `Debug`: it is the key.
#[derive(Clone)]
pub(crate) struct HmacSha1Key(Hmac<Sha1>);

impl HmacSha1Key {
    /// Keys of any length, as RFC 2104 says: one longer than a block is hashed first.
    /// `None` only if the `hmac` crate refused the key, which it does for no length: the
    /// caller then refuses to sign or counts no match, never falls back to another key.
    pub(crate) fn new(key: &[u8]) -> Option<Self> {
        <Hmac<Sha1> as KeyInit>::new_from_slice(key)
            .ok()
            .map(HmacSha1Key)
    }

    /// The MAC of `message`, from a clone of the keyed state. One function for signing and
    /// verifying, so the `Mac` glue is in the binary once.
    #[inline(never)]
    fn mac(&self, message: &[u8]) -> CtOutput<Hmac<Sha1>> {
        let mut mac = self.0.clone();
        mac.update(message);
        mac.finalize()
    }

    /// The tag of `message`.
    pub(crate) fn tag(&self, message: &[u8]) -> [u8; 20] {
        self.mac(message).into_bytes().into()
    }

    /// Whether `tag` is the tag of `message`, in constant time (`CtOutput`'s equality).
    pub(crate) fn verifies(&self, message: &[u8], tag: &[u8]) -> bool {
        match <[u8; 20]>::try_from(tag) {
            Ok(tag) => self.mac(message) == CtOutput::new(tag.into()),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message length around one and two blocks and the padding's edge (55/56),
    /// and keys around the block size, against fresh (uncloned) trait computations.
    #[test]
    fn same_as_the_trait_implementations() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for key_len in [1, 20, 63, 64, 65, 131] {
            let key = HmacSha1Key::new(&data[300 - key_len..]).expect("any length");
            for len in 0..data.len() {
                let msg = &data[..len];
                assert_eq!(md5(msg), <[u8; 16]>::from(Md5::digest(msg)), "md5 {len}");
                let mut want = <Hmac<Sha1>>::new_from_slice(&data[300 - key_len..]).unwrap();
                want.update(msg);
                let want = <[u8; 20]>::from(want.finalize().into_bytes());
                assert_eq!(key.tag(msg), want, "hmac {len} key {key_len}");
                assert!(key.verifies(msg, &want));
                let mut bad = want;
                bad[19] ^= 1;
                assert!(!key.verifies(msg, &bad));
            }
        }
    }
}
