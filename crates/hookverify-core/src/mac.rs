//! Pre-keyed HMAC states and the constant-time comparison.

use hmac::{Hmac, KeyInit as _, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use subtle::{Choice, ConstantTimeEq as _};

use crate::Secret;

/// The longest tag any supported algorithm produces (HMAC-SHA-512).
pub(crate) const MAX_TAG_LEN: usize = 64;

/// The hash function under the HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC-SHA-1. Only for legacy providers (GitHub's `X-Hub-Signature`, Twilio).
    Sha1,
    /// HMAC-SHA-256, what nearly every provider uses.
    #[default]
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl Algorithm {
    /// The tag length in bytes.
    #[must_use]
    pub const fn tag_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha512 => 64,
        }
    }
}

/// An HMAC state keyed with one secret. Cloning it is how a request gets a fresh MAC without
/// recomputing the key schedule.
#[derive(Clone)]
pub(crate) enum KeyedMac {
    Sha1(Hmac<Sha1>),
    Sha256(Hmac<Sha256>),
    Sha512(Hmac<Sha512>),
}

impl KeyedMac {
    pub(crate) fn new(algorithm: Algorithm, secret: &Secret) -> Self {
        let key = secret.expose();
        // HMAC takes keys of any length, so these cannot fail; `new_from_slice` only errs for
        // fixed-key MACs. Match instead of unwrapping to keep the no-panic promise visible.
        match algorithm {
            Algorithm::Sha1 => match Hmac::<Sha1>::new_from_slice(key) {
                Ok(mac) => Self::Sha1(mac),
                Err(_) => unreachable_key_length(),
            },
            Algorithm::Sha256 => match Hmac::<Sha256>::new_from_slice(key) {
                Ok(mac) => Self::Sha256(mac),
                Err(_) => unreachable_key_length(),
            },
            Algorithm::Sha512 => match Hmac::<Sha512>::new_from_slice(key) {
                Ok(mac) => Self::Sha512(mac),
                Err(_) => unreachable_key_length(),
            },
        }
    }

    /// The length of this MAC's tags.
    pub(crate) const fn tag_len(&self) -> usize {
        match self {
            Self::Sha1(_) => Algorithm::Sha1.tag_len(),
            Self::Sha256(_) => Algorithm::Sha256.tag_len(),
            Self::Sha512(_) => Algorithm::Sha512.tag_len(),
        }
    }

    #[inline]
    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha1(mac) => mac.update(data),
            Self::Sha256(mac) => mac.update(data),
            Self::Sha512(mac) => mac.update(data),
        }
    }

    /// Finishes the MAC and writes the tag into `out`, returning its length.
    #[inline]
    pub(crate) fn finalize_into(self, out: &mut [u8; MAX_TAG_LEN]) -> usize {
        match self {
            Self::Sha1(mac) => copy_tag(out, &mac.finalize().into_bytes()),
            Self::Sha256(mac) => copy_tag(out, &mac.finalize().into_bytes()),
            Self::Sha512(mac) => copy_tag(out, &mac.finalize().into_bytes()),
        }
    }

    /// The tag of a whole `message`, computed on a fresh copy of this key's state, written into
    /// `out`; returns its length.
    ///
    /// The same as cloning, updating and [`finalize_into`](Self::finalize_into), without moving
    /// the state (sized for SHA-512) around: a verification's hottest copy.
    #[inline]
    pub(crate) fn tag_of(&self, message: &impl Message, out: &mut [u8; MAX_TAG_LEN]) -> usize {
        fn run<M: Mac + Clone>(
            key: &M,
            message: &impl Message,
            out: &mut [u8; MAX_TAG_LEN],
        ) -> usize {
            let mut mac = key.clone();
            message.write(&mut |data| mac.update(data));
            copy_tag(out, &mac.finalize().into_bytes())
        }
        match self {
            Self::Sha1(key) => run(key, message, out),
            Self::Sha256(key) => run(key, message, out),
            Self::Sha512(key) => run(key, message, out),
        }
    }
}

/// The signed bytes of one delivery, written piece by piece (never concatenated).
pub(crate) trait Message {
    /// Feeds every piece, in order, to `update`.
    fn write(&self, update: &mut impl FnMut(&[u8]));

    /// The whole message, appended to `out` (for signing, where a copy costs nothing).
    fn write_into(&self, out: &mut Vec<u8>) {
        self.write(&mut |data| out.extend_from_slice(data));
    }
}

/// A message that is one slice.
pub(crate) struct Whole<'a>(pub(crate) &'a [u8]);

impl Message for Whole<'_> {
    fn write(&self, update: &mut impl FnMut(&[u8])) {
        update(self.0);
    }
}

fn copy_tag(out: &mut [u8; MAX_TAG_LEN], tag: &[u8]) -> usize {
    let len = tag.len().min(MAX_TAG_LEN);
    if let (Some(dst), Some(src)) = (out.get_mut(..len), tag.get(..len)) {
        dst.copy_from_slice(src);
    }
    len
}

#[cold]
fn unreachable_key_length() -> ! {
    // `Hmac::new_from_slice` accepts every key length (RFC 2104 hashes long keys).
    unreachable!("HMAC accepts keys of any length")
}

/// Compares `expected` against every candidate in constant time, without stopping at a match.
///
/// Tags are compared as 64-bit words through `subtle` (a byte-wise `ct_eq` over 32 bytes costs
/// several times more); a tail shorter than a word (SHA-1's 20 bytes) is compared byte-wise.
/// Lengths are public (they are checked when a signature is decoded), so a candidate of another
/// length simply does not match.
pub(crate) fn any_matches<'a>(expected: &[u8], candidates: impl Iterator<Item = &'a [u8]>) -> bool {
    let found = candidates.fold(Choice::from(0), |found, candidate| {
        found | tag_eq(expected, candidate)
    });
    found.into()
}

fn tag_eq(a: &[u8], b: &[u8]) -> Choice {
    if a.len() != b.len() {
        return Choice::from(0);
    }
    let ((a_words, a_tail), (b_words, b_tail)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
    a_words
        .iter()
        .zip(b_words)
        .fold(a_tail.ct_eq(b_tail), |equal, (x, y)| {
            equal & u64::from_ne_bytes(*x).ct_eq(&u64::from_ne_bytes(*y))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4231_case_2() {
        // RFC 4231 section 4.3: key "Jefe", data "what do ya want for nothing?".
        let secret = Secret::from_bytes("Jefe").unwrap();
        let mut mac = KeyedMac::new(Algorithm::Sha256, &secret);
        mac.update(b"what do ya want ");
        mac.update(b"for nothing?");
        let mut out = [0; MAX_TAG_LEN];
        let len = mac.finalize_into(&mut out);
        assert_eq!(
            const_hex::encode(&out[..len]),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn tags_differing_in_any_byte_or_in_length_do_not_match() {
        for len in [20, 32, 64] {
            let tag: Vec<u8> = (0..len).map(|i| u8::try_from(i).unwrap()).collect();
            assert!(any_matches(&tag, [tag.as_slice()].into_iter()));
            for i in 0..len {
                let mut other = tag.clone();
                other[i] ^= 0x80;
                assert!(
                    !any_matches(&tag, [other.as_slice()].into_iter()),
                    "byte {i} of {len}"
                );
            }
            assert!(!any_matches(&tag, [&tag[..len - 1]].into_iter()));
        }
    }

    #[test]
    fn any_matches_checks_every_candidate() {
        let expected = [7u8; 32];
        let other = [8u8; 32];
        assert!(any_matches(
            &expected,
            [&other[..], &expected[..]].into_iter()
        ));
        assert!(any_matches(
            &expected,
            [&expected[..], &other[..]].into_iter()
        ));
        assert!(!any_matches(&expected, [&other[..]].into_iter()));
        assert!(!any_matches(&expected, std::iter::empty()));
    }
}
