//! Signature values: decoding text into tag bytes, and the bounded set of candidate tags.

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
                let engine = self.engine(text.last() == Some(&b'='));
                let actual = engine
                    .decoded_length(text)
                    .map_err(|_| Malformation::InvalidBase64)?;
                if actual != expected {
                    return Err(Malformation::WrongTagLength { expected, actual });
                }
                let dst = out.get_mut(..expected).ok_or(Malformation::InvalidBase64)?;
                engine
                    .decode(text, Out::from_slice(dst))
                    .map_err(|_| Malformation::InvalidBase64)?;
                expected
            }
        };
        debug_assert_eq!(actual, expected);
        Ok(())
    }

    /// Encodes a tag for a header.
    pub(crate) fn encode(self, tag: &[u8]) -> String {
        match self {
            Self::Hex => const_hex::encode(tag),
            Self::Base64 | Self::Base64Url => {
                self.engine(self == Self::Base64).encode_to_string(tag)
            }
        }
    }

    /// The strict, canonical base64 decoder for this alphabet, with or without padding.
    const fn engine(self, padded: bool) -> &'static Base64 {
        match (self, padded) {
            (Self::Base64Url, true) => &URL_SAFE,
            (Self::Base64Url, false) => &URL_SAFE_NO_PAD,
            (_, true) => &STANDARD,
            (_, false) => &STANDARD_NO_PAD,
        }
    }
}

/// Up to `N` decoded candidate tags of one length, stored inline.
///
/// `N` is [`MAX_SIGNATURES`] unless the scheme sends a single signature, whose one slot is
/// cheaper to set up than a kilobyte.
#[derive(Clone)]
pub(crate) struct Tags<const N: usize = MAX_SIGNATURES> {
    slots: [[u8; MAX_TAG_LEN]; N],
    count: usize,
    len: usize,
}

impl<const N: usize> Tags<N> {
    pub(crate) const fn new(len: usize) -> Self {
        Self {
            slots: [[0; MAX_TAG_LEN]; N],
            count: 0,
            len,
        }
    }

    /// Decodes `text` and adds it. Returns `Ok(false)` when the set is already full.
    pub(crate) fn push(&mut self, encoding: Encoding, text: &[u8]) -> Result<bool, Malformation> {
        let Some(slot) = self.slots.get_mut(self.count) else {
            return Ok(false);
        };
        encoding.decode(text, self.len, slot)?;
        self.count += 1;
        Ok(true)
    }

    pub(crate) const fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.slots
            .iter()
            .take(self.count)
            .filter_map(|tag| tag.get(..self.len))
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
    fn tags_hold_at_most_the_limit() {
        let mut tags = Tags::<MAX_SIGNATURES>::new(1);
        for _ in 0..MAX_SIGNATURES {
            assert_eq!(tags.push(Encoding::Hex, b"00"), Ok(true));
        }
        assert_eq!(tags.push(Encoding::Hex, b"00"), Ok(false));
        assert_eq!(tags.iter().count(), MAX_SIGNATURES);
    }
}
