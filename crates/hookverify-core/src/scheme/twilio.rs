//! Twilio: `X-Twilio-Signature`, the base64 HMAC-SHA1 (keyed with the Auth Token) of the URL
//! Twilio called followed by the form parameters of the body, sorted by name, each name
//! followed by its value.
//!
//! Exactly as twilio-python and twilio-node:
//! - a parameter repeated with several values is written once per value, values sorted and
//!   duplicates dropped;
//! - the URL is tried as given with any port removed and with the default port added (`:443`
//!   for `https`, `:80` otherwise) when it has none, since Twilio signs either form;
//! - a URL whose query holds `bodySHA256` is the JSON variant: the HMAC covers the URL alone and
//!   the body's SHA-256 must equal that parameter;
//! - with `X-Twilio-Webhooks-Signature-Settings: …,algorithm=HMAC_SHA256` (Twilio's shared
//!   keys) the HMAC is SHA-256, keyed with the shared key's secret.
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
use crate::key::Keyring;
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
        _read: &BodyFields,
        body: &[u8],
        candidates: &Candidates<N>,
    ) -> Result<usize, VerifyError> {
        let url = std::str::from_utf8(fields.url).map_err(|_| VerifyError::MissingRequestUrl)?;
        let mismatch = || VerifyError::SignatureMismatchForUrl { url: url.into() };
        let body_hash = query_value(url, "bodySHA256");
        let params = match body_hash {
            Some(_) => Vec::new(),
            None => sorted_params(body).ok_or(VerifyError::MalformedBody {
                expected: "a form of UTF-8 text",
            })?,
        };
        let mut matched = None;
        for candidate_url in url_forms(url) {
            let message = Signable {
                url: &candidate_url,
                params: &params,
            };
            if let Ok(index) = keys.first_match(&message, candidates) {
                matched = Some(index);
                break;
            }
        }
        let index = matched.ok_or_else(mismatch)?;
        if let Some(expected) = body_hash {
            // The JSON variant: the URL is signed, and it carries the body's hash.
            let mut hash = [0u8; 32];
            let decoded = const_hex::decode_to_slice(expected.as_bytes(), &mut hash).is_ok();
            if !decoded || !any_matches(&Sha256::digest(body), [&hash[..]].into_iter()) {
                return Err(mismatch());
            }
        }
        Ok(index)
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
            url: fields.url,
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

/// What Twilio signs: the URL, then each parameter's name and value.
struct Signable<'a> {
    url: &'a str,
    params: &'a [(Cow<'a, str>, Cow<'a, str>)],
}

impl Message for Signable<'_> {
    fn write(&self, update: &mut impl FnMut(&[u8])) {
        update(self.url.as_bytes());
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
    let mut params = Vec::new();
    for pair in body.split(|&b| b == b'&').filter(|pair| !pair.is_empty()) {
        let (name, value) = match memchr::memchr(b'=', pair) {
            Some(at) => (pair.get(..at)?, pair.get(at + 1..)?),
            None => (pair, &b""[..]),
        };
        params.push((decode(name)?, decode(value)?));
    }
    params.sort_unstable();
    params.dedup();
    Some(params)
}

/// One form component: `+` is a space, `%XX` a byte, and the result must be UTF-8.
fn decode(component: &[u8]) -> Option<Cow<'_, str>> {
    if !component.iter().any(|&b| b == b'+' || b == b'%') {
        return std::str::from_utf8(component).ok().map(Cow::Borrowed);
    }
    let spaced: Vec<u8> = component
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    let decoded: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
    String::from_utf8(decoded).ok().map(Cow::Owned)
}

/// The first value of `name` in the URL's query, as written.
fn query_value<'u>(url: &'u str, name: &str) -> Option<&'u str> {
    let query = url.split_once('?')?.1;
    let query = query.split_once('#').map_or(query, |(query, _)| query);
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then_some(value)
    })
}

/// The forms of `url` Twilio may have signed: without any port, and with its port (the default
/// one added when it has none). One form when both are the same.
fn url_forms(url: &str) -> Vec<String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return vec![url.to_owned()];
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host_start = authority.rfind('@').map_or(0, |at| at + 1);
    let (userinfo, host_port) = authority.split_at(host_start);
    // The port follows the last `:` outside an IPv6 literal's brackets.
    let host_end = match host_port.rfind(']') {
        Some(bracket) => host_port
            .get(bracket + 1..)
            .and_then(|after| after.starts_with(':').then_some(bracket + 1))
            .unwrap_or(host_port.len()),
        None => host_port.rfind(':').unwrap_or(host_port.len()),
    };
    let (host, port) = host_port.split_at(host_end);
    let without = format!("{scheme}://{userinfo}{host}{tail}");
    let with = if port.is_empty() {
        let default = if scheme.eq_ignore_ascii_case("https") {
            ":443"
        } else {
            ":80"
        };
        format!("{scheme}://{userinfo}{host}{default}{tail}")
    } else {
        url.to_owned()
    };
    if with == without {
        vec![without]
    } else {
        vec![without, with]
    }
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
        assert_eq!(
            url_forms("https://mycompany.com/myapp.php?foo=1&bar=2"),
            [
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                "https://mycompany.com:443/myapp.php?foo=1&bar=2"
            ]
        );
        assert_eq!(
            url_forms("http://mycompany.com:1234/myapp.php"),
            [
                "http://mycompany.com/myapp.php",
                "http://mycompany.com:1234/myapp.php"
            ]
        );
        assert_eq!(
            url_forms("http://user:pass@example.com"),
            [
                "http://user:pass@example.com",
                "http://user:pass@example.com:80"
            ]
        );
        assert_eq!(
            url_forms("https://[::1]:8443/hook"),
            ["https://[::1]/hook", "https://[::1]:8443/hook"]
        );
        assert_eq!(url_forms("not a url"), ["not a url"]);
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
        assert!(sorted_params(b"a=\xff").is_none());
        assert_eq!(sorted_params(b"&&a&b=").unwrap().len(), 2);
    }

    #[test]
    fn the_body_hash_is_read_from_the_query() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1f#frag";
        assert_eq!(query_value(url, "bodySHA256"), Some("0a1f"));
        assert_eq!(query_value(url, "foo"), Some("1"));
        assert_eq!(query_value("https://a/b", "bodySHA256"), None);
    }
}
