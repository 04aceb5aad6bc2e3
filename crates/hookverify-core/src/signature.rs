//! Signature values: decoding text into tag bytes, and the bounded set of candidate tags.

#![cfg_attr(
    not(any(feature = "ed25519", feature = "p256")),
    allow(
        unused,
        unreachable_code,
        reason = "without a public-key feature, the public-key paths are compiled out"
    )
)]

use arrayvec::ArrayVec;
use base64_simd::{Base64, Out, STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

use crate::mac::MAX_TAG_LEN;
use crate::{MAX_SIGNATURES, Malformation};

/// How a tag is written in a signature header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Encoding {
    /// Hexadecimal; upper- and lower-case digits are both accepted, lower-case is produced.
    #[default]
    Hex,
    /// Standard base64 (RFC 4648 §4), padded when produced; padding is optional when verifying.
    Base64,
    /// URL-safe base64 (RFC 4648 §5), unpadded when produced; padding is optional when verifying.
    Base64Url,
}

impl Encoding {
    /// Decodes `text` into `out`, requiring exactly `expected` bytes.
    ///
    /// Decoding is canonical: base64 whose unused low bits are not zero is rejected, so one tag
    /// has exactly one accepted spelling per alphabet and padding choice.
    pub(crate) fn decode(
        self,
        text: &[u8],
        expected: usize,
        out: &mut [u8; MAX_TAG_LEN],
    ) -> Result<(), Malformation> {
        let actual = match self {
            Self::Hex => {
                if text.len() != expected * 2 {
                    return Err(Malformation::WrongTagLength {
                        expected,
                        actual: text.len() / 2,
                    });
                }
                let dst = out.get_mut(..expected).ok_or(Malformation::InvalidHex)?;
                const_hex::decode_to_slice(text, dst).map_err(|_| Malformation::InvalidHex)?;
                expected
            }
            Self::Base64 | Self::Base64Url => {
                // A tag of `expected` bytes is at most this many symbols, padded; anything longer
                // is wrong, and checking first keeps the decoder's work bounded.
                let max_symbols = expected.div_ceil(3) * 4;
                if text.len() > max_symbols {
                    return Err(Malformation::WrongTagLength {
                        expected,
                        actual: text.len() * 3 / 4,
                    });
                }
                // Decoded into room for the longest text allowed, so a wrong length is reported
                // as such rather than as a decoding failure (and the decoder, which asserts
                // that its output fits, cannot panic).
                let mut decoded = [0u8; MAX_TAG_LEN.div_ceil(3) * 3];
                let actual = self
                    .decoder(text)
                    .decode(text, Out::from_slice(&mut decoded))
                    .map_err(|_| Malformation::InvalidBase64)?
                    .len();
                if actual != expected {
                    return Err(Malformation::WrongTagLength { expected, actual });
                }
                let (dst, src) = out
                    .get_mut(..expected)
                    .zip(decoded.get(..expected))
                    .ok_or(Malformation::InvalidBase64)?;
                dst.copy_from_slice(src);
                expected
            }
        };
        debug_assert_eq!(actual, expected);
        Ok(())
    }

    /// Decodes base64 `text` holding a DER-encoded ECDSA P-256 signature into `r ‖ s`.
    #[cfg(feature = "p256")]
    pub(crate) fn decode_der_p256(text: &[u8]) -> Result<[u8; 64], Malformation> {
        // A DER P-256 signature is at most 72 bytes: 96 base64 symbols.
        if text.len() > 96 {
            return Err(Malformation::InvalidDer);
        }
        let mut der = [0u8; 72];
        let dst: &[u8] = Self::Base64
            .decoder(text)
            .decode(text, Out::from_slice(&mut der))
            .map_err(|_| Malformation::InvalidBase64)?;
        let signature =
            p256::ecdsa::Signature::from_der(dst).map_err(|_| Malformation::InvalidDer)?;
        Ok(signature.to_bytes().into())
    }

    /// Encodes a tag for a header.
    pub(crate) fn encode(self, tag: &[u8]) -> String {
        match self {
            Self::Hex => const_hex::encode(tag),
            Self::Base64 => STANDARD.encode_to_string(tag),
            Self::Base64Url => URL_SAFE_NO_PAD.encode_to_string(tag),
        }
    }

    /// The base64 decoder for this alphabet and `text`: padding optional (but complete when
    /// present: a text whose length is a multiple of four is read as padded, any other as
    /// unpadded), trailing bits refused, so each tag has one encoding.
    const fn decoder(self, text: &[u8]) -> &'static Base64 {
        match (self, text.len().is_multiple_of(4)) {
            (Self::Base64Url, true) => &URL_SAFE,
            (Self::Base64Url, false) => &URL_SAFE_NO_PAD,
            (_, true) => &STANDARD,
            (_, false) => &STANDARD_NO_PAD,
        }
    }
}

/// What a candidate signature is, so that each key is only compared with its own kind (a
/// Standard Webhooks header may mix HMAC `v1` and Ed25519 `v1a` entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Kind {
    /// An HMAC tag, a hash, or a token's digest.
    #[default]
    Tag,
    /// An Ed25519 signature (64 bytes).
    #[cfg(feature = "ed25519")]
    Ed25519,
    /// An ECDSA P-256 signature, as `r ‖ s` (64 bytes).
    #[cfg(feature = "p256")]
    P256,
}

/// One candidate's length, kind and, where the scheme ties a header to a key (Box's primary
/// and secondary signatures), the one key it may match.
#[derive(Debug, Clone, Copy, Default)]
struct Meta {
    len: u8,
    kind: Kind,
    key: Option<u8>,
}

/// Up to `N` decoded candidate signatures of a delivery, stored inline.
///
/// `N` is [`MAX_SIGNATURES`] unless the scheme sends a single signature. The slots are not
/// written until a candidate fills them, so an empty set of sixteen costs no more to set up
/// than one of one.
#[derive(Clone)]
pub(crate) struct Candidates<const N: usize = MAX_SIGNATURES> {
    items: ArrayVec<Candidate, N>,
    /// Whether the verifier holds public keys; without, signature entries a list may carry
    /// beside its tags (Standard Webhooks `v1a`) are skipped like unknown versions.
    public_keys: bool,
}

/// One decoded signature and what it may be compared with.
#[derive(Clone)]
struct Candidate {
    bytes: [u8; MAX_TAG_LEN],
    meta: Meta,
}

impl Candidate {
    /// The first `len` bytes of `bytes`, as a candidate of `kind` for any key.
    fn new(bytes: [u8; MAX_TAG_LEN], len: usize, kind: Kind) -> Self {
        Self {
            bytes,
            meta: Meta {
                len: u8::try_from(len).unwrap_or(u8::MAX),
                kind,
                key: None,
            },
        }
    }

    fn bytes(&self) -> &[u8] {
        self.bytes
            .get(..usize::from(self.meta.len))
            .unwrap_or_default()
    }
}

impl<const N: usize> Candidates<N> {
    /// No candidates yet, for a verifier that holds public keys or not.
    pub(crate) fn new(public_keys: bool) -> Self {
        Self {
            // Not `new_const`, whose uninitialized slots become a constant the compiler zeroes
            // (a kilobyte for sixteen, on every delivery).
            items: ArrayVec::new(),
            public_keys,
        }
    }

    /// Whether a candidate of `kind` could be checked by the verifier's keys.
    pub(crate) const fn wants(&self, kind: Kind) -> bool {
        matches!(kind, Kind::Tag) || self.public_keys
    }

    /// Decodes `text` (which must decode to `len` bytes) and adds it as a candidate of `kind`.
    /// Returns `Ok(false)` when the set is already full.
    pub(crate) fn push(
        &mut self,
        encoding: Encoding,
        text: &[u8],
        len: usize,
        kind: Kind,
    ) -> Result<bool, Malformation> {
        // Checked first so that a full set does not decode what it cannot keep.
        if self.items.is_full() {
            return Ok(false);
        }
        let mut bytes = [0; MAX_TAG_LEN];
        encoding.decode(text, len, &mut bytes)?;
        Ok(self
            .items
            .try_push(Candidate::new(bytes, len, kind))
            .is_ok())
    }

    /// Adds decoded `bytes` (at most 64) as a candidate of `kind`. Returns `false` when the set
    /// is full or the bytes are too long.
    pub(crate) fn push_bytes(&mut self, bytes: &[u8], kind: Kind) -> bool {
        let mut slot = [0; MAX_TAG_LEN];
        let Some(dst) = slot.get_mut(..bytes.len()) else {
            return false;
        };
        dst.copy_from_slice(bytes);
        self.items
            .try_push(Candidate::new(slot, bytes.len(), kind))
            .is_ok()
    }

    /// Ties the candidate added last to the `key`th key alone.
    pub(crate) fn tie_last_to(&mut self, key: u8) {
        if let Some(last) = self.items.last_mut() {
            last.meta.key = Some(key);
        }
    }

    pub(crate) const fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) const fn len(&self) -> usize {
        self.items.len()
    }

    /// The candidates of `kind` that the `key`th key may match.
    pub(crate) fn for_key(&self, key: usize, kind: Kind) -> impl Iterator<Item = &[u8]> {
        self.items
            .iter()
            .filter(move |item| {
                item.meta.kind == kind && item.meta.key.is_none_or(|tied| usize::from(tied) == key)
            })
            .map(Candidate::bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(encoding: Encoding, text: &str, expected: usize) -> Result<Vec<u8>, Malformation> {
        let mut out = [0; MAX_TAG_LEN];
        encoding.decode(text.as_bytes(), expected, &mut out)?;
        Ok(out[..expected].to_vec())
    }

    #[test]
    fn hex_accepts_either_case() {
        assert_eq!(decode(Encoding::Hex, "0aFf", 2), Ok(vec![0x0a, 0xff]));
    }

    #[test]
    fn hex_of_wrong_length_is_rejected() {
        assert_eq!(
            decode(Encoding::Hex, "0a", 2),
            Err(Malformation::WrongTagLength {
                expected: 2,
                actual: 1
            })
        );
        assert_eq!(
            decode(Encoding::Hex, "0a0", 2).unwrap_err(),
            Malformation::WrongTagLength {
                expected: 2,
                actual: 1
            }
        );
        assert_eq!(
            decode(Encoding::Hex, "zz00", 2),
            Err(Malformation::InvalidHex)
        );
    }

    #[test]
    fn base64_padding_is_optional_but_trailing_bits_must_be_zero() {
        assert_eq!(decode(Encoding::Base64, "AAE=", 2), Ok(vec![0, 1]));
        assert_eq!(decode(Encoding::Base64, "AAE", 2), Ok(vec![0, 1]));
        assert_eq!(
            decode(Encoding::Base64, "AAF=", 2),
            Err(Malformation::InvalidBase64)
        );
        assert_eq!(decode(Encoding::Base64Url, "-_8", 2), Ok(vec![0xfb, 0xff]));
        assert_eq!(
            decode(Encoding::Base64, "-_8", 2),
            Err(Malformation::InvalidBase64)
        );
    }

    #[test]
    fn base64_padding_when_present_is_complete() {
        for text in ["AQ=", "A===", "=", "AQ=A", "=AQ="] {
            assert_eq!(
                decode(Encoding::Base64, text, 1),
                Err(Malformation::InvalidBase64),
                "{text}"
            );
        }
    }

    proptest::proptest! {
        /// The decoder accepts exactly what the `base64` crate's pad-indifferent engines
        /// accept (canonical symbols, padding complete or absent), and decodes it alike.
        #[test]
        fn base64_agrees_with_the_base64_crate(
            text in "[A-Za-z0-9+/_=-]{0,92}",
            url in proptest::bool::ANY,
        ) {
            use base64::Engine as _;
            use base64::engine::general_purpose::{
                STANDARD_PAD_INDIFFERENT, URL_SAFE_PAD_INDIFFERENT,
            };
            let (encoding, reference) = if url {
                (Encoding::Base64Url, &URL_SAFE_PAD_INDIFFERENT)
            } else {
                (Encoding::Base64, &STANDARD_PAD_INDIFFERENT)
            };
            let expected = reference.decode(&text).ok().filter(|bytes| !bytes.is_empty());
            let len = expected.as_ref().map_or(text.len() * 3 / 4, Vec::len).clamp(1, 64);
            let ours = decode(encoding, &text, len).ok();
            proptest::prop_assert_eq!(ours, expected);
        }

        #[test]
        fn base64_decodes_every_tag_padded_or_not(
            tag in proptest::collection::vec(proptest::num::u8::ANY, 1..=64),
            padded in proptest::bool::ANY,
        ) {
            use base64::Engine as _;
            use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
            let text = if padded { STANDARD.encode(&tag) } else { STANDARD_NO_PAD.encode(&tag) };
            proptest::prop_assert_eq!(decode(Encoding::Base64, &text, tag.len()), Ok(tag));
        }
    }

    #[test]
    fn base64_of_wrong_length_is_rejected() {
        assert!(matches!(
            decode(Encoding::Base64, "AAAA", 2),
            Err(Malformation::WrongTagLength { .. })
        ));
        assert!(matches!(
            decode(Encoding::Base64, "AAAAAAAAAAAA", 2),
            Err(Malformation::WrongTagLength { .. })
        ));
    }

    #[test]
    fn candidates_hold_at_most_the_limit() {
        let mut candidates = Candidates::<MAX_SIGNATURES>::new(true);
        for _ in 0..MAX_SIGNATURES {
            assert_eq!(
                candidates.push(Encoding::Hex, b"00", 1, Kind::Tag),
                Ok(true)
            );
        }
        assert_eq!(
            candidates.push(Encoding::Hex, b"00", 1, Kind::Tag),
            Ok(false)
        );
        assert!(!candidates.push_bytes(b"0", Kind::Tag));
        assert_eq!(candidates.for_key(0, Kind::Tag).count(), MAX_SIGNATURES);
    }

    #[cfg(all(feature = "ed25519", feature = "p256"))]
    #[test]
    fn each_key_sees_only_its_kind_and_its_own_candidates() {
        let mut candidates = Candidates::<4>::new(true);
        assert!(candidates.push_bytes(b"tag", Kind::Tag));
        assert!(candidates.push_bytes(b"primary", Kind::Tag));
        candidates.tie_last_to(0);
        assert!(candidates.push_bytes(b"secondary", Kind::Tag));
        candidates.tie_last_to(1);
        assert!(candidates.push_bytes(&[7; 64], Kind::Ed25519));
        let seen = |key, kind| candidates.for_key(key, kind).collect::<Vec<_>>();
        assert_eq!(seen(0, Kind::Tag), [&b"tag"[..], b"primary"]);
        assert_eq!(seen(1, Kind::Tag), [&b"tag"[..], b"secondary"]);
        assert_eq!(seen(0, Kind::Ed25519), [&[7; 64][..]]);
        assert!(seen(0, Kind::P256).is_empty());
    }
}
