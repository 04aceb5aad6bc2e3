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
}

/// A header name a scheme reads, prepared once when the scheme is built.
///
/// Lookups in an `http::HeaderMap` (or actix-web's) by a pre-parsed header name skip
/// re-validating and lower-casing the name on every request.
#[derive(Debug, Clone)]
pub struct HeaderKey {
    name: Arc<str>,
    #[cfg(feature = "http")]
    http: Option<http::HeaderName>,
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
            http: http::HeaderName::from_bytes(name.as_bytes()).ok(),
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
            Some(name) => self.get_all(name).iter().map(http::HeaderValue::as_bytes),
            None => self
                .get_all(key.as_str())
                .iter()
                .map(http::HeaderValue::as_bytes),
        }
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
    if values.next().is_some() {
        return Err(VerifyError::DuplicateHeader { header: name.arc() });
    }
    if first.len() > MAX_HEADER_LEN {
        return Err(VerifyError::HeaderTooLong {
            header: name.arc(),
            len: first.len(),
            max: MAX_HEADER_LEN,
        });
    }
    Ok(Some(first))
}
