//! Twilio: `X-Twilio-Signature`, the base64 HMAC-SHA1 (keyed with the Auth Token) of the URL
//! Twilio called followed by the form parameters of the body, sorted by name, each name
//! followed by its value.
//!
//! As twilio-python and twilio-node do:
//! - a parameter repeated with several values is written once per value, values sorted and
//!   duplicates dropped;
//! - the URL is tried with its port and without, since Twilio signs either form: as given
//!   first, then with its port removed, or with the default one added (`:443` for `https`,
//!   `:80` otherwise) when it has none;
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
//! The form is decoded in one pass into a buffer on the stack (see [`INLINE_FORM`]), so a
//! one-shot verification does not allocate.
//!
//! Unlike twilio-node, the URL is not re-encoded through a URL parser when both forms fail: the
//! adapters hand over the URL the provider called (see [`Request`]), and a second, looser match
//! would only widen what verifies.

use std::ops::Range;

use arrayvec::ArrayVec;
use sha2::{Digest as _, Sha256};

use super::content::{Content, Fields};
use super::family::{BodyFields, BodyUse, Family, Head, SignFields, SignWith, Signed};
use super::read::{HeaderView, malformed, printable, signature, split_on};
use crate::headers::{HeaderKey, Occurrence};
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
    fn tag_len<'h, H: Headers + ?Sized>(
        &'h self,
        headers: &HeaderView<'_, 'h, H>,
    ) -> Result<usize, VerifyError> {
        let Some(value) = headers.unique(&self.settings)? else {
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
        let keys = [&self.signature, &self.settings];
        let mut found = [Occurrence::Absent; 2];
        let headers = HeaderView::new(request.headers(), &keys, &mut found);
        let value = signature(&headers, &self.signature)?;
        let len = self.tag_len(&headers)?;
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
        // The JSON variant signs the URL alone.
        let form = if body_hash.is_some() { &[][..] } else { body };
        let matched = with_form(form, |params| {
            // The URL as given is one of the two forms Twilio may have signed; the other is
            // made only when it does not match.
            std::iter::once([url, "", ""])
                .chain(std::iter::once_with(|| other_form(url)).flatten())
                .find_map(|url| keys.first_match(&Signable { url, params }, candidates).ok())
        })
        .ok_or(VerifyError::MalformedBody {
            expected: "a form of UTF-8 text",
        })?;
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
        let form = match query_value(fields.url, "bodySHA256") {
            Some(_) => &[][..],
            None => body,
        };
        let message = with_form(form, |params| {
            let mut message = Vec::new();
            Signable {
                url: [fields.url, "", ""],
                params,
            }
            .write_into(&mut message);
            message
        })
        .ok_or(SignError::UnsignableBody {
            expected: "a form of UTF-8 text",
        })?;
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
    params: Params<'a>,
}

impl Message for Signable<'_> {
    fn write(&self, update: &mut impl FnMut(&[u8])) {
        for piece in self.url {
            update(piece.as_bytes());
        }
        for param in self.params.iter() {
            update(param);
        }
    }
}

/// Forms that decode to up to this many bytes are decoded on the stack, as Twilio's are (an
/// SMS webhook's twenty-odd parameters take under a kilobyte); bigger ones on the heap.
const INLINE_FORM: usize = 2048;

/// And forms of up to this many parameters.
const INLINE_PARAMS: usize = 48;

/// A parameter: where its name starts, where its value starts, and where the value ends, in
/// the decoded form (which holds each name just before its value).
type Param = [usize; 3];

/// The parameters of a form, sorted by name and then value.
#[derive(Clone, Copy)]
struct Params<'a> {
    /// The decoded form, UTF-8 text: every name and value, back to back.
    text: &'a [u8],
    sorted: &'a [Param],
}

impl<'a> Params<'a> {
    /// Each parameter's name followed by its value, duplicates dropped.
    fn iter(self) -> impl Iterator<Item = &'a [u8]> {
        let mut previous = None;
        self.sorted.iter().filter_map(move |&param| {
            let pair = name_and_value(self.text, param);
            let repeated = previous.replace(pair) == Some(pair);
            (!repeated).then(|| self.text.get(param[0]..param[2]).unwrap_or_default())
        })
    }
}

/// The name and the value of `param`, in the decoded form `text`.
fn name_and_value(text: &[u8], [name, value, end]: Param) -> (&[u8], &[u8]) {
    let piece = |start, end| text.get(start..end).unwrap_or_default();
    (piece(name, value), piece(value, end))
}

/// Calls `with` on the parameters of `body` (a form), decoded and sorted by name and then
/// value; `None` when one does not decode to UTF-8 text (Twilio sends UTF-8, and a lossy
/// decoding would let different bodies sign the same).
fn with_form<R>(body: &[u8], with: impl FnOnce(Params<'_>) -> R) -> Option<R> {
    let mut text = ArrayVec::<u8, INLINE_FORM>::new();
    let mut params = ArrayVec::<Param, INLINE_PARAMS>::new();
    if decode_form(body, &mut text, &mut params).is_some() {
        return sort(&text, &mut params).map(with);
    }
    // Too big for the stack: decoding never lengthens, so this does not fail.
    let mut text = Vec::with_capacity(body.len());
    let mut params = Vec::new();
    decode_form(body, &mut text, &mut params)?;
    sort(&text, &mut params).map(with)
}

/// Where a form is decoded to: arrays on the stack, or vectors.
trait Sink<T> {
    /// Appends `items`; `None` when they do not fit.
    fn append(&mut self, items: &[T]) -> Option<()>;
}

impl<T: Copy, const N: usize> Sink<T> for ArrayVec<T, N> {
    fn append(&mut self, items: &[T]) -> Option<()> {
        self.try_extend_from_slice(items).ok()
    }
}

impl<T: Copy> Sink<T> for Vec<T> {
    fn append(&mut self, items: &[T]) -> Option<()> {
        self.extend_from_slice(items);
        Some(())
    }
}

/// Decodes every parameter of `body` into `text`, and where each name and value went into
/// `params`; `None` when either is full. An empty parameter is skipped; the first `=` of a
/// parameter ends its name; `+` is a space, `%` and two hex digits a byte, and any other `%`
/// stays as it is (as `percent-encoding` and Python's `unquote` do).
///
/// Each `&`, `=` and escape is looked for once, over the rest of the body rather than piece by
/// piece: `memchr` is quick over long haystacks, not over a parameter's few bytes.
fn decode_form(
    body: &[u8],
    text: &mut (impl Sink<u8> + AsRef<[u8]>),
    params: &mut impl Sink<Param>,
) -> Option<()> {
    let mut equals = Ahead::new(body, |rest| memchr::memchr(b'=', rest));
    let mut escapes = Ahead::new(body, |rest| memchr::memchr2(b'+', b'%', rest));
    let mut start = 0;
    for end in memchr::memchr_iter(b'&', body).chain([body.len()]) {
        if end > start {
            let name_end = equals.from(start).min(end);
            let name_start = text.as_ref().len();
            decode(body, start..name_end, &mut escapes, text)?;
            let value_start = text.as_ref().len();
            decode(body, (name_end + 1).min(end)..end, &mut escapes, text)?;
            params.append(&[[name_start, value_start, text.as_ref().len()]])?;
        }
        start = end + 1;
    }
    Some(())
}

/// Appends the bytes `range` of `body` to `text`, decoded; `escapes` finds each `+` and `%`.
fn decode(
    body: &[u8],
    range: Range<usize>,
    escapes: &mut Ahead<'_, impl Fn(&[u8]) -> Option<usize>>,
    text: &mut impl Sink<u8>,
) -> Option<()> {
    let hex = |at: usize| {
        let digit = char::from(*body.get(at)?).to_digit(16)?;
        u8::try_from(digit).ok()
    };
    let mut at = range.start;
    loop {
        let escape = escapes.from(at).min(range.end);
        text.append(body.get(at..escape)?)?;
        if escape == range.end {
            return Some(());
        }
        let (byte, used) = match body.get(escape) {
            Some(b'+') => (b' ', 1),
            // The digits are this component's: `&` and `=` are not hex digits.
            _ => match (hex(escape + 1), hex(escape + 2)) {
                (Some(high), Some(low)) => (high << 4 | low, 3),
                _ => (b'%', 1),
            },
        };
        text.append(&[byte])?;
        at = escape + used;
    }
}

/// Where the next byte that `find` looks for is in a body, from a position on: looked for again
/// only once that position is passed.
struct Ahead<'b, F> {
    body: &'b [u8],
    find: F,
    next: Option<usize>,
}

impl<'b, F: Fn(&[u8]) -> Option<usize>> Ahead<'b, F> {
    fn new(body: &'b [u8], find: F) -> Self {
        Self {
            body,
            find,
            next: None,
        }
    }

    /// The position of the first one at or after `from`, or the body's length.
    fn from(&mut self, from: usize) -> usize {
        match self.next {
            Some(next) if next >= from => next,
            _ => {
                let rest = self.body.get(from..).unwrap_or_default();
                let next = (self.find)(rest).map_or(self.body.len(), |at| from + at);
                self.next = Some(next);
                next
            }
        }
    }
}

/// Checks that `with_form` reads `body` as `form_urlencoded` does (splitting on `&` and the first
/// `=`, `+` a space, then percent-decoding), sorted and without duplicates; and that a form it
/// refuses holds bytes that are not UTF-8 text, which `form_urlencoded` replaces. Panics if not.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn check_form_against_form_urlencoded(body: &[u8]) {
    let mut reference: Vec<(String, String)> = form_urlencoded::parse(body)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    reference.sort_unstable();
    reference.dedup();
    let read = with_form(body, |params| {
        params
            .iter()
            .map(|param| String::from_utf8_lossy(param).into_owned())
            .collect::<Vec<_>>()
    });
    match read {
        Some(read) => {
            let expected: Vec<String> = reference
                .iter()
                .map(|(name, value)| format!("{name}{value}"))
                .collect();
            assert_eq!(read, expected, "Twilio's form parameters");
        }
        None => assert!(
            reference
                .iter()
                .any(|(name, value)| name.contains('\u{fffd}') || value.contains('\u{fffd}')),
            "a form of UTF-8 text refused"
        ),
    }
}

/// Checks that the decoded form is UTF-8 text and that each name and value is text of its own,
/// then sorts the parameters.
fn sort<'a>(text: &'a [u8], params: &'a mut [Param]) -> Option<Params<'a>> {
    // One check for the whole form; then a piece that does not start and end on a char
    // boundary holds bytes that are text only with its neighbours'.
    let whole = std::str::from_utf8(text).ok()?;
    if !params
        .iter()
        .flatten()
        .all(|&at| whole.is_char_boundary(at))
    {
        return None;
    }
    // UTF-8 sorts by code point as bytes.
    params.sort_unstable_by(|&a, &b| name_and_value(text, a).cmp(&name_and_value(text, b)));
    Some(Params {
        text,
        sorted: params,
    })
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

/// The other form of `url` Twilio may have signed (it signs the URL with or without its port):
/// without its port when it has one, else with the default one (`:443` for `https`, `:80`
/// otherwise); `None` for a URL without a scheme. The form is the URL up to its host, the port
/// with its `:` (or nothing), and the rest.
///
/// Every split is at an ASCII byte, so each piece is a `str` slice of `url`.
fn other_form(url: &str) -> Option<[&str; 3]> {
    let bytes = url.as_bytes();
    let after_scheme = match memchr::memchr(b':', bytes) {
        Some(colon) if bytes.get(colon + 1..colon + 3) == Some(b"//") => colon + 3,
        _ => return None,
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
    let piece = |range: Range<usize>| url.get(range).unwrap_or_default();
    let (head, tail) = (piece(0..host_end), piece(authority_end..url.len()));
    let port = match piece(host_end..authority_end) {
        "" if piece(0..after_scheme).eq_ignore_ascii_case("https://") => ":443",
        "" => ":80",
        _ => "",
    };
    Some([head, port, tail])
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
            std::iter::once([url, "", ""])
                .chain(other_form(url))
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
                "http://mycompany.com:1234/myapp.php",
                "http://mycompany.com/myapp.php"
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
            ["HTTPS://[::1]:8443/hook", "HTTPS://[::1]/hook"]
        );
        assert_eq!(forms("not a url"), ["not a url"]);
    }

    /// Each parameter of `body` as its name followed by its value, in signing order.
    fn params(body: &[u8]) -> Option<Vec<String>> {
        with_form(body, |params| {
            params
                .iter()
                .map(|param| String::from_utf8(param.to_vec()).unwrap())
                .collect()
        })
    }

    #[test]
    fn parameters_are_sorted_by_name_then_value_without_duplicates() {
        let flat = params(
            b"Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234&Body=It%27s+amazing",
        );
        assert_eq!(
            flat.unwrap(),
            [
                "BodyIt's amazing",
                "Digits1234",
                "Digits5678",
                "SidCA123",
                "SidAccountAC123"
            ]
        );
        assert_eq!(params(b"a=%FF"), None);
        assert_eq!(params(b"a=1+%2B+2%+%zz%4").unwrap(), ["a1 + 2% %zz%4"]);
        assert_eq!(params(b"a=\xff"), None);
        assert_eq!(params(b"&&a&b=").unwrap(), ["a", "b"]);
        // Bytes that are UTF-8 only together, split between a name and its value.
        assert_eq!(params(b"a%C3=%A9"), None);
        assert_eq!(params(b"a=%C3%A9").unwrap(), ["a\u{e9}"]);
    }

    #[test]
    fn big_forms_are_read_as_small_ones() {
        let pairs = |count: usize, len: usize| {
            let pairs: Vec<String> = (0..count)
                .rev()
                .map(|index| format!("p{index:03}={}%21", "v".repeat(len)))
                .collect();
            pairs.join("&").into_bytes()
        };
        for (count, len) in [(INLINE_PARAMS, 1), (INLINE_PARAMS + 1, 1), (4, INLINE_FORM)] {
            let read = params(&pairs(count, len)).unwrap();
            let expected: Vec<String> = (0..count)
                .map(|index| format!("p{index:03}{}!", "v".repeat(len)))
                .collect();
            assert_eq!(read, expected);
        }
    }

    /// Each parameter of `body`, decoded the slow way: split on `&` and the first `=`, `+` made
    /// a space, then `percent-encoding`'s decoding.
    fn reference(body: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let decode = |component: &[u8]| {
            let spaced: Vec<u8> = component
                .iter()
                .map(|&b| if b == b'+' { b' ' } else { b })
                .collect();
            percent_encoding::percent_decode(&spaced).collect::<Vec<u8>>()
        };
        body.split(|&b| b == b'&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.iter().position(|&b| b == b'=') {
                Some(at) => (decode(&pair[..at]), decode(&pair[at + 1..])),
                None => (decode(pair), Vec::new()),
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

        /// Whole forms read as `form_urlencoded` reads them.
        #[test]
        fn forms_read_as_form_urlencoded_does(
            body in proptest::collection::vec(
                proptest::sample::select(b"aZ0&&==++%%2bB\xc3\xa9\xff ".to_vec()),
                0..40,
            ),
        ) {
            check_form_against_form_urlencoded(&body);
        }

        /// Forms decode as splitting and `percent-encoding` decode them.
        #[test]
        fn forms_decode_as_percent_encoding_does(
            body in proptest::collection::vec(
                proptest::sample::select(b"aZ0&&==++%%2bB\xc3\xa9 ".to_vec()),
                0..40,
            ),
        ) {
            let mut text = Vec::new();
            let mut params = Vec::new();
            decode_form(&body, &mut text, &mut params).unwrap();
            let decoded: Vec<(Vec<u8>, Vec<u8>)> = params
                .iter()
                .map(|&[name, value, end]| (text[name..value].to_vec(), text[value..end].to_vec()))
                .collect();
            proptest::prop_assert_eq!(decoded, reference(&body));
        }
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
