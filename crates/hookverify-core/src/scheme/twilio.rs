//! Twilio: `X-Twilio-Signature`, the base64 HMAC-SHA1 (keyed with the Auth Token) of the URL
//! Twilio called followed by the form parameters of the body, sorted by name, each name
//! followed by its value.
//!
//! As twilio-python and twilio-node do:
//! - a parameter repeated with several values is written once per value, values sorted and
//!   duplicates dropped;
//! - the URL is tried as given with any port removed and with the default port added (`:443`
//!   for `https`, `:80` otherwise) when it has none, since Twilio signs either form;
//! - a URL whose query holds `bodySHA256` is the JSON variant: the HMAC covers the URL alone and
//!   the body's SHA-256 must equal that parameter;
//! - with `X-Twilio-Webhooks-Signature-Settings: …,algorithm=HMAC_SHA256` (Twilio's shared
//!   keys) the HMAC is SHA-256, keyed with the shared key's secret.
//!
//! Names (and a repeated name's values) are sorted by code point, as twilio-python does.
//! twilio-node sorts UTF-16 code units instead; the two orders differ only for names mixing
//! characters beyond U+FFFF with U+E000–U+FFFF, which Twilio's own parameters never do (the
//! interop suite found it, `tests/interop/README.md` item 5).
//!
//! Unlike twilio-node, the URL is not re-encoded through a URL parser when both forms fail: the
//! adapters hand over the URL the provider called (see [`Request`]), and a second, looser match
//! would only widen what verifies.

use std::borrow::Cow;

use sha2::{Digest as _, Sha256};

use super::content::{Content, Fields};
use super::family::{BodyFields, BodyUse, Family, Head, SignFields, SignWith, Signed};
use super::read::{malformed, printable, signature, split_on};
use crate::headers::{HeaderKey, unique};
use crate::key::{Keyring, Proof};
use crate::mac::{Message, any_matches};
use crate::signature::{Candidates, Kind};
use crate::{Encoding, Headers, Malformation, Request, SignError, VerifyError};

/// Twilio's headers.
#[derive(Debug, Clone)]
pub(crate) struct Twilio {
    signature: HeaderKey,
    settings: HeaderKey,
    content: Content,
}

impl Twilio {
    pub(crate) fn new() -> Self {
        Self {
            signature: HeaderKey::new("X-Twilio-Signature"),
            settings: HeaderKey::new("X-Twilio-Webhooks-Signature-Settings"),
            content: Content::body(),
        }
    }

    /// The tag length the settings header asks for: SHA-1 unless it names `HMAC_SHA256`.
    fn tag_len<H: Headers + ?Sized>(&self, headers: &H) -> Result<usize, VerifyError> {
        let Some(value) = unique(headers, &self.settings)? else {
            return Ok(20);
        };
        let value = printable(&self.settings, value)?;
        // `key=<id>,algorithm=<name>`: the first `algorithm` entry counts; its value is
        // matched case-insensitively, its name exactly (as the SDKs do).
        let algorithm = split_on(value, b',').find_map(|entry| {
            let (name, value) = split_once(entry, b'=')?;
            (name.trim_ascii() == b"algorithm").then(|| value.trim_ascii())
        });
        match algorithm {
            None | Some(b"") => Ok(20),
            Some(name) if name.eq_ignore_ascii_case(b"HMAC_SHA1") => Ok(20),
            Some(name) if name.eq_ignore_ascii_case(b"HMAC_SHA256") => Ok(32),
            Some(_) => Err(malformed(&self.settings, Malformation::UnsupportedVersion)),
        }
    }
}

impl Family for Twilio {
    fn max_candidates(&self) -> usize {
        1
    }

    fn body_use(&self) -> BodyUse {
        BodyUse::Read
    }

    fn content(&self) -> &Content {
        &self.content
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn has_id(&self) -> bool {
        false
    }

    fn read_head<'r, H: Headers + ?Sized, const N: usize>(
        &'r self,
        request: &Request<'r, H>,
        candidates: &mut Candidates<N>,
    ) -> Result<Head<'r>, VerifyError> {
        let headers = request.headers();
        let value = signature(headers, &self.signature)?;
        let len = self.tag_len(headers)?;
        candidates
            .push(Encoding::Base64, value, len, Kind::Tag)
            .map_err(|problem| malformed(&self.signature, problem))?;
        Ok(Head::default())
    }

    fn prove<const N: usize>(
        &self,
        keys: &Keyring,
        fields: &Fields<'_>,
        _read: &BodyFields<'_>,
        body: &[u8],
        candidates: &Candidates<N>,
    ) -> Result<Proof, VerifyError> {
        let url = std::str::from_utf8(fields.url).map_err(|_| VerifyError::MissingRequestUrl)?;
        let mismatch = || VerifyError::SignatureMismatchForUrl { url: url.into() };
        let body_hash = query_value(url, "bodySHA256");
        let params = match body_hash {
            Some(_) => Vec::new(),
            None => sorted_params(body).ok_or(VerifyError::MalformedBody {
                expected: "a form of UTF-8 text",
            })?,
        };
        let (without_port, with_port) = url_forms(url);
        let mut matched = None;
        for form in std::iter::once(without_port).chain(with_port) {
            let message = Signable {
                url: form,
                params: &params,
            };
            if let Ok(proof) = keys.first_match(&message, candidates) {
                matched = Some(proof);
                break;
            }
        }
        let proof = matched.ok_or_else(mismatch)?;
        if let Some(expected) = body_hash {
            // The JSON variant: the URL is signed, and it carries the body's hash.
            let mut hash = [0u8; 32];
            let decoded = const_hex::decode_to_slice(expected.as_bytes(), &mut hash).is_ok();
            if !decoded || !any_matches(&Sha256::digest(body), [&hash[..]].into_iter()) {
                return Err(mismatch());
            }
        }
        Ok(proof)
    }

    fn sign(
        &self,
        with: &SignWith<'_>,
        body: &[u8],
        fields: &SignFields<'_>,
    ) -> Result<Signed, SignError> {
        if fields.url.is_empty() {
            return Err(SignError::MissingUrl);
        }
        let params = match query_value(fields.url, "bodySHA256") {
            Some(_) => Vec::new(),
            None => sorted_params(body).ok_or(SignError::UnsignableBody {
                expected: "a form of UTF-8 text",
            })?,
        };
        let mut message = Vec::new();
        Signable {
            url: [fields.url, "", ""],
            params: &params,
        }
        .write_into(&mut message);
        let signature = Encoding::Base64.encode(&(with.sign)(&message));
        Ok(Signed {
            headers: vec![(self.signature.as_str().to_owned(), signature)],
            body: None,
        })
    }
}

/// What Twilio signs: the URL (in pieces), then each parameter's name and value.
struct Signable<'a> {
    url: [&'a str; 3],
    params: &'a [(Cow<'a, str>, Cow<'a, str>)],
}

impl Message for Signable<'_> {
    fn write(&self, update: &mut impl FnMut(&[u8])) {
        for piece in self.url {
            update(piece.as_bytes());
        }
        for (name, value) in self.params {
            update(name.as_bytes());
            update(value.as_bytes());
        }
    }
}

/// The body's form parameters, decoded, sorted by name and then value, duplicates dropped;
/// `None` when one does not decode to UTF-8 text (Twilio sends UTF-8, and a lossy decoding
/// would let different bodies sign the same).
fn sorted_params(body: &[u8]) -> Option<Vec<(Cow<'_, str>, Cow<'_, str>)>> {
    // Checked once: every component is then a `str` (split at ASCII bytes), and only what
    // percent-decoding produces needs checking again.
    let body = std::str::from_utf8(body).ok()?;
    let mut params = Vec::new();
    for pair in split_ascii(body, b'&').filter(|pair| !pair.is_empty()) {
        let (name, value) = match memchr::memchr(b'=', pair.as_bytes()) {
            Some(at) => (pair.get(..at)?, pair.get(at + 1..)?),
            None => (pair, ""),
        };
        // Most pairs have nothing to decode: one scan of the pair tells.
        if memchr::memchr2(b'+', b'%', pair.as_bytes()).is_none() {
            params.push((Cow::Borrowed(name), Cow::Borrowed(value)));
        } else {
            params.push((decode(name)?, decode(value)?));
        }
    }
    params.sort_unstable();
    params.dedup();
    Some(params)
}

/// Splits `text` on an ASCII `separator`, found with `memchr` (`str::split` looks byte by byte
/// for short texts, and form values can be long).
fn split_ascii(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        if let Some(at) = memchr::memchr(separator, current.as_bytes()) {
            rest = current.get(at + 1..);
            current.get(..at)
        } else {
            rest = None;
            Some(current)
        }
    })
}

/// One form component: `+` is a space, `%XX` a byte, and the result must be UTF-8. Borrowed
/// when there is nothing to decode.
fn decode(component: &str) -> Option<Cow<'_, str>> {
    if memchr::memchr2(b'+', b'%', component.as_bytes()).is_none() {
        return Some(Cow::Borrowed(component));
    }
    // An escape never spans a `+` (not a hex digit), so the pieces between them decode alone.
    let mut decoded = Vec::with_capacity(component.len());
    for (index, piece) in split_ascii(component, b'+').enumerate() {
        if index > 0 {
            decoded.push(b' ');
        }
        decoded.extend(percent_encoding::percent_decode_str(piece));
    }
    String::from_utf8(decoded).ok().map(Cow::Owned)
}

/// The first value of `name` in the URL's query, as written.
fn query_value<'u>(url: &'u str, name: &str) -> Option<&'u str> {
    let bytes = url.as_bytes();
    let query = bytes.get(memchr::memchr(b'?', bytes)? + 1..)?;
    let query = query.get(..memchr::memchr(b'#', query).unwrap_or(query.len()))?;
    let value = split_on(query, b'&').find_map(|pair| {
        let (key, value) = split_once(pair, b'=').unwrap_or((pair, b""));
        (key == name.as_bytes()).then_some(value)
    })?;
    // `value` ends before a `&`, a `#` or the end, all ASCII: its bounds are char boundaries.
    std::str::from_utf8(value).ok()
}

/// The forms of `url` Twilio may have signed: without any port, and with its port (the default
/// one added when it has none); the second is `None` for a URL without a scheme. Each form is the
/// URL up to its host, the port with its `:` (or nothing), and the rest.
///
/// Every split is at an ASCII byte, so each piece is a `str` slice of `url`.
fn url_forms(url: &str) -> ([&str; 3], Option<[&str; 3]>) {
    let bytes = url.as_bytes();
    let after_scheme = match memchr::memchr(b':', bytes) {
        Some(colon) if bytes.get(colon + 1..colon + 3) == Some(b"//") => colon + 3,
        _ => return ([url, "", ""], None),
    };
    let rest = bytes.get(after_scheme..).unwrap_or_default();
    let authority_end =
        after_scheme + memchr::memchr3(b'/', b'?', b'#', rest).unwrap_or(rest.len());
    let authority = bytes.get(after_scheme..authority_end).unwrap_or_default();
    let host_start = authority
        .iter()
        .rposition(|&b| b == b'@')
        .map_or(0, |at| at + 1);
    let host_port = authority.get(host_start..).unwrap_or_default();
    // The port follows the last `:` outside an IPv6 literal's brackets.
    let port_at = match host_port.iter().rposition(|&b| b == b']') {
        Some(bracket) => match host_port.get(bracket + 1) {
            Some(b':') => bracket + 1,
            _ => host_port.len(),
        },
        None => host_port
            .iter()
            .rposition(|&b| b == b':')
            .unwrap_or(host_port.len()),
    };
    let host_end = after_scheme + host_start + port_at;
    let piece = |range: std::ops::Range<usize>| url.get(range).unwrap_or_default();
    let (head, tail) = (piece(0..host_end), piece(authority_end..url.len()));
    let port = match piece(host_end..authority_end) {
        "" if piece(0..after_scheme).eq_ignore_ascii_case("https://") => ":443",
        "" => ":80",
        port => port,
    };
    ([head, "", tail], Some([head, port, tail]))
}

fn split_once(bytes: &[u8], separator: u8) -> Option<(&[u8], &[u8])> {
    let at = memchr::memchr(separator, bytes)?;
    Some((bytes.get(..at)?, bytes.get(at + 1..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_tried_without_and_with_their_port() {
        let forms = |url| {
            let (without, with) = url_forms(url);
            std::iter::once(without)
                .chain(with)
                .map(|pieces| pieces.concat())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            forms("https://mycompany.com/myapp.php?foo=1&bar=2"),
            [
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                "https://mycompany.com:443/myapp.php?foo=1&bar=2"
            ]
        );
        assert_eq!(
            forms("http://mycompany.com:1234/myapp.php"),
            [
                "http://mycompany.com/myapp.php",
                "http://mycompany.com:1234/myapp.php"
            ]
        );
        assert_eq!(
            forms("http://user:pass@example.com"),
            [
                "http://user:pass@example.com",
                "http://user:pass@example.com:80"
            ]
        );
        assert_eq!(
            forms("HTTPS://[::1]:8443/hook"),
            ["HTTPS://[::1]/hook", "HTTPS://[::1]:8443/hook"]
        );
        assert_eq!(forms("not a url"), ["not a url"]);
    }

    #[test]
    fn parameters_are_sorted_by_name_then_value_without_duplicates() {
        let params = sorted_params(
            b"Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234&Body=It%27s+amazing",
        )
        .unwrap();
        let flat: Vec<String> = params.iter().map(|(k, v)| format!("{k}{v}")).collect();
        assert_eq!(
            flat,
            [
                "BodyIt's amazing",
                "Digits1234",
                "Digits5678",
                "SidCA123",
                "SidAccountAC123"
            ]
        );
        assert!(sorted_params(b"a=%FF").is_none());
        let decoded = sorted_params(b"a=1+%2B+2%+%zz%4").unwrap();
        assert_eq!(decoded[0].1, "1 + 2% %zz%4");
        assert!(sorted_params(b"a=\xff").is_none());
        assert_eq!(sorted_params(b"&&a&b=").unwrap().len(), 2);
    }

    #[test]
    fn the_body_hash_is_read_from_the_query() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1f#frag";
        assert_eq!(query_value(url, "bodySHA256"), Some("0a1f"));
        assert_eq!(query_value(url, "foo"), Some("1"));
        assert_eq!(query_value("https://a/b", "bodySHA256"), None);
        assert_eq!(query_value("https://a/b#x?c=1#d", "c"), Some("1"));
        assert_eq!(query_value("https://a/b?c", "c"), Some(""));
    }
}
