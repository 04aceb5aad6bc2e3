//! The [`Headers`] trait: how core reads request headers without caring whose map they are in.

use std::sync::Arc;

use crate::{MAX_HEADER_LEN, VerifyError};

/// Read access to a request's headers.
///
/// Core asks for every value of a header by name and decides itself what a missing or repeated
/// header means, so an implementation only iterates. Names are matched case-insensitively.
///
/// Implemented for [`http::HeaderMap`] (with the `http` feature), for actix-web's `HeaderMap`
/// (with the `actix-http` feature), for slices, arrays and vectors of `(name, value)` pairs, and
/// for references to any implementor. Other frameworks implement it for their own map.
///
/// # Examples
///
/// ```
/// use hookverify_core::Headers;
///
/// let headers = [("Content-Type", "application/json"), ("X-Hub-Signature-256", "sha256=00")];
/// let values: Vec<&[u8]> = headers.get_all("x-hub-signature-256").collect();
/// assert_eq!(values, [b"sha256=00".as_slice()]);
/// ```
pub trait Headers {
    /// The iterator over one header's values.
    type Values<'a>: Iterator<Item = &'a [u8]>
    where
        Self: 'a;

    /// Every value of the header `name` (ASCII case-insensitive), in order.
    fn get_all<'a>(&'a self, name: &'a str) -> Self::Values<'a>;

    /// Every value of the header `key`, in order. The default looks it up by
    /// [`HeaderKey::as_str`]; maps with a faster path for a pre-parsed name override it
    /// (`http::HeaderMap` and actix-web's `HeaderMap` do).
    fn get_all_key<'a>(&'a self, key: &'a HeaderKey) -> Self::Values<'a> {
        self.get_all(key.as_str())
    }

    /// Looks up all of `keys` in one pass over the map, writing what was found for `keys[i]` to
    /// `found[i]` (`found` is at least as long as `keys`), where one pass is cheaper than a
    /// lookup per key; returns whether it did.
    ///
    /// A scheme reads two to five headers per delivery, and a hashed lookup costs time in
    /// proportion to the length of the name (Twitch's are 26 to 33 bytes), so in a map of a
    /// dozen entries one pass that compares every entry with every name can be the cheaper way.
    /// The default returns `false`, and core looks each key up with
    /// [`get_all_key`](Self::get_all_key) instead; `http::HeaderMap` overrides it for maps
    /// small enough to pay.
    fn find_each<'a>(&'a self, keys: &[&HeaderKey], found: &mut [Occurrence<'a>]) -> bool {
        let _ = (keys, found);
        false
    }
}

/// What a map holds for one header name; see [`Headers::find_each`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Occurrence<'a> {
    /// The header is not there.
    Absent,
    /// The header appears once, with this value.
    Once(&'a [u8]),
    /// The header appears more than once.
    Repeated,
}

impl<'a> Occurrence<'a> {
    /// Counts one more value of the header.
    fn add(&mut self, value: &'a [u8]) {
        *self = match self {
            Self::Absent => Self::Once(value),
            Self::Once(_) | Self::Repeated => Self::Repeated,
        };
    }
}

/// A header name a scheme reads, prepared once when the scheme is built.
///
/// Lookups in an `http::HeaderMap` (or actix-web's) by a pre-parsed header name skip
/// re-validating and lower-casing the name on every request.
#[derive(Debug, Clone)]
pub struct HeaderKey {
    name: Arc<str>,
    /// The name for `http::HeaderMap`, with its [`tail`].
    #[cfg(feature = "http")]
    http: Option<(http::HeaderName, u64)>,
    /// actix-web's header names (from http 0.2), for the same reason; a lookup by `&str` there
    /// would also allocate a lower-cased copy of the name.
    #[cfg(feature = "actix-http")]
    actix: Option<actix_http::header::HeaderName>,
}

impl HeaderKey {
    /// Prepares `name`, which the scheme builders have already validated.
    pub(crate) fn new(name: impl Into<Arc<str>>) -> Self {
        let name = name.into();
        Self {
            #[cfg(feature = "http")]
            http: http::HeaderName::from_bytes(name.as_bytes())
                .ok()
                .map(|http| {
                    let tail = tail(http.as_str());
                    (http, tail)
                }),
            #[cfg(feature = "actix-http")]
            actix: actix_http::header::HeaderName::from_bytes(name.as_bytes()).ok(),
            name,
        }
    }

    /// The name as configured.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The name, shared, for errors.
    pub(crate) fn arc(&self) -> Arc<str> {
        Arc::clone(&self.name)
    }
}

impl<H: Headers + ?Sized> Headers for &H {
    type Values<'a>
        = H::Values<'a>
    where
        Self: 'a;

    fn get_all<'a>(&'a self, name: &'a str) -> Self::Values<'a> {
        (**self).get_all(name)
    }

    fn get_all_key<'a>(&'a self, key: &'a HeaderKey) -> Self::Values<'a> {
        (**self).get_all_key(key)
    }

    fn find_each<'a>(&'a self, keys: &[&HeaderKey], found: &mut [Occurrence<'a>]) -> bool {
        (**self).find_each(keys, found)
    }
}

/// The values of one header in a list of `(name, value)` pairs; see [`Headers`].
#[derive(Debug, Clone)]
pub struct PairValues<'a, K, V> {
    pairs: std::slice::Iter<'a, (K, V)>,
    name: &'a str,
}

impl<'a, K: AsRef<str>, V: AsRef<[u8]>> Iterator for PairValues<'a, K, V> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<Self::Item> {
        let name = self.name;
        self.pairs.find_map(|(key, value)| {
            key.as_ref()
                .eq_ignore_ascii_case(name)
                .then(|| value.as_ref())
        })
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for [(K, V)] {
    type Values<'a>
        = PairValues<'a, K, V>
    where
        Self: 'a;

    fn get_all<'a>(&'a self, name: &'a str) -> Self::Values<'a> {
        PairValues {
            pairs: self.iter(),
            name,
        }
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> Headers for [(K, V); N] {
    type Values<'a>
        = PairValues<'a, K, V>
    where
        Self: 'a;

    fn get_all<'a>(&'a self, name: &'a str) -> Self::Values<'a> {
        self.as_slice().get_all(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for Vec<(K, V)> {
    type Values<'a>
        = PairValues<'a, K, V>
    where
        Self: 'a;

    fn get_all<'a>(&'a self, name: &'a str) -> Self::Values<'a> {
        self.as_slice().get_all(name)
    }
}

#[cfg(feature = "http")]
impl Headers for http::HeaderMap {
    type Values<'a> = std::iter::Map<
        http::header::ValueIter<'a, http::HeaderValue>,
        fn(&'a http::HeaderValue) -> &'a [u8],
    >;

    fn get_all<'a>(&'a self, name: &'a str) -> Self::Values<'a> {
        self.get_all(name).iter().map(http::HeaderValue::as_bytes)
    }

    fn get_all_key<'a>(&'a self, key: &'a HeaderKey) -> Self::Values<'a> {
        match &key.http {
            Some((name, _)) => self.get_all(name).iter().map(http::HeaderValue::as_bytes),
            None => self
                .get_all(key.as_str())
                .iter()
                .map(http::HeaderValue::as_bytes),
        }
    }

    fn find_each<'a>(&'a self, keys: &[&HeaderKey], found: &mut [Occurrence<'a>]) -> bool {
        // A hashed lookup runs FNV over its name, one multiplication waiting on the last per
        // byte, about 1 ns per byte. One pass instead looks at each value's name once: most are
        // told apart from every key by their length alone (one bit test against the keys'
        // lengths), the rest by their last eight bytes (where a provider's names, which share a
        // prefix, differ) before the whole name. In a map of a dozen values that takes about
        // 45 ns off Twitch's three lookups and Box's five, and nothing off Standard Webhooks'
        // three short names (BENCHMARKS.md).
        //
        // One pass costs about as much per value as hashing a byte and a half of every key, so
        // a single key, or a map with more values than two thirds of the keys' average length,
        // is looked up by hash.
        let name_bytes: usize = keys.iter().map(|key| key.as_str().len()).sum();
        if keys.len() < 2 || 3 * self.len() * keys.len() > 2 * name_bytes {
            return false;
        }
        let mut lengths = 0u64;
        for key in keys {
            let Some((name, _)) = &key.http else {
                return false;
            };
            lengths |= length_bit(name.as_str().len());
        }
        found.fill(Occurrence::Absent);
        for (name, value) in self {
            let name = name.as_str();
            if lengths & length_bit(name.len()) == 0 {
                continue;
            }
            let last = tail(name);
            for (key, slot) in keys.iter().zip(&mut *found) {
                if let Some((key, tail)) = &key.http
                    && *tail == last
                    && key.as_str() == name
                {
                    slot.add(value.as_bytes());
                }
            }
        }
        true
    }
}

#[cfg(feature = "actix-http")]
impl Headers for actix_http::header::HeaderMap {
    type Values<'a> = std::iter::Map<
        std::slice::Iter<'a, actix_http::header::HeaderValue>,
        fn(&'a actix_http::header::HeaderValue) -> &'a [u8],
    >;

    fn get_all<'a>(&'a self, name: &'a str) -> Self::Values<'a> {
        self.get_all(name)
            .map(actix_http::header::HeaderValue::as_bytes)
    }

    fn get_all_key<'a>(&'a self, key: &'a HeaderKey) -> Self::Values<'a> {
        match &key.actix {
            Some(name) => self.get_all(name),
            None => self.get_all(key.as_str()),
        }
        .map(actix_http::header::HeaderValue::as_bytes)
    }
}

/// The bit standing for names `len` bytes long in a set of lengths: bit `len` below 64, bit 0
/// (no name is empty) for every longer name.
#[cfg(feature = "http")]
#[inline]
const fn length_bit(len: usize) -> u64 {
    if len < 64 { 1 << len } else { 1 }
}

/// The last eight bytes of `name` as a word (all of a shorter name, zero-extended).
#[cfg(feature = "http")]
#[inline]
fn tail(name: &str) -> u64 {
    match name.as_bytes().last_chunk::<8>() {
        Some(last) => u64::from_le_bytes(*last),
        None => name
            .bytes()
            .fold(0, |word, byte| word << 8 | u64::from(byte)),
    }
}

/// Looks up a header that must appear at most once, bounding its length.
#[inline]
pub(crate) fn unique<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &'h HeaderKey,
) -> Result<Option<&'h [u8]>, VerifyError> {
    let mut values = headers.get_all_key(name);
    let Some(first) = values.next() else {
        return Ok(None);
    };
    let occurrence = match values.next() {
        Some(_) => Occurrence::Repeated,
        None => Occurrence::Once(first),
    };
    checked(name, occurrence)
}

/// What `unique` answers for a header that occurs so.
#[inline]
pub(crate) fn checked<'h>(
    name: &HeaderKey,
    occurrence: Occurrence<'h>,
) -> Result<Option<&'h [u8]>, VerifyError> {
    match occurrence {
        Occurrence::Absent => Ok(None),
        Occurrence::Repeated => Err(VerifyError::DuplicateHeader { header: name.arc() }),
        Occurrence::Once(value) if value.len() > MAX_HEADER_LEN => {
            Err(VerifyError::HeaderTooLong {
                header: name.arc(),
                len: value.len(),
                max: MAX_HEADER_LEN,
            })
        }
        Occurrence::Once(value) => Ok(Some(value)),
    }
}

#[cfg(all(test, feature = "http"))]
mod tests {
    use super::*;

    fn map(pairs: &[(&'static str, &'static str)]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, http::HeaderValue::from_static(value));
        }
        map
    }

    /// What one hashed lookup per key finds.
    fn looked_up<'a>(map: &'a http::HeaderMap, key: &'a HeaderKey) -> Occurrence<'a> {
        let mut values = map.get_all_key(key);
        match (values.next(), values.next()) {
            (None, _) => Occurrence::Absent,
            (Some(value), None) => Occurrence::Once(value),
            (Some(_), Some(_)) => Occurrence::Repeated,
        }
    }

    #[test]
    fn one_pass_finds_what_lookups_find_in_a_small_map() {
        let keys = [
            HeaderKey::new("Twitch-Eventsub-Message-Id"),
            HeaderKey::new("Twitch-Eventsub-Message-Signature"),
            HeaderKey::new("Twitch-Eventsub-Message-Timestamp"),
            HeaderKey::new("X-Absent"),
        ];
        let keys: Vec<&HeaderKey> = keys.iter().collect();
        let map = map(&[
            ("host", "example.com"),
            ("twitch-eventsub-message-signature", "sha256=00"),
            // The same length as the signature and the timestamp, and the same last eight
            // bytes as the timestamp.
            ("twitch-eventsub-xxxxxxx-timestamp", "1"),
            ("twitch-eventsub-message-id", "a"),
            ("twitch-eventsub-message-timestamp", "2"),
            ("twitch-eventsub-message-id", "b"),
            ("x-absenz", "a near miss"),
        ]);
        let mut found = [Occurrence::Absent; 4];
        assert!(map.find_each(&keys, &mut found));
        let expected: Vec<Occurrence<'_>> = keys.iter().map(|key| looked_up(&map, key)).collect();
        assert_eq!(found.as_slice(), expected);
        assert_eq!(
            found,
            [
                Occurrence::Repeated,
                Occurrence::Once(b"sha256=00"),
                Occurrence::Once(b"2"),
                Occurrence::Absent,
            ]
        );
    }

    #[test]
    fn large_maps_and_single_keys_are_looked_up_by_hash() {
        let keys = [
            HeaderKey::new("webhook-id"),
            HeaderKey::new("webhook-signature"),
        ];
        let keys: Vec<&HeaderKey> = keys.iter().collect();
        let mut found = [Occurrence::Absent; 2];
        let small = map(&[("webhook-id", "1"), ("webhook-signature", "v1,00")]);
        assert!(small.find_each(&keys, &mut found));
        assert!(!small.find_each(&keys[..1], &mut found[..1]));
        let mut large = small.clone();
        for name in [
            "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n",
        ] {
            large.append(name, http::HeaderValue::from_static("1"));
        }
        assert!(!large.find_each(&keys, &mut found));
    }

    #[test]
    fn a_name_s_tail_is_its_last_eight_bytes() {
        assert_eq!(
            tail("x-hub-signature-256"),
            u64::from_le_bytes(*b"ture-256")
        );
        assert_ne!(tail("webhook-id"), tail("webhook-ie"));
        assert_ne!(tail("host"), tail("hosu"));
        assert_ne!(tail("a"), tail("b"));
        assert_eq!(length_bit(3), 8);
        assert_eq!(length_bit(64), length_bit(200));
    }
}
