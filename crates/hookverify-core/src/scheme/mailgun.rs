//! Mailgun: the signature is inside the body, as `signature.{timestamp, token, signature}` in a
//! webhook's JSON, or as the `timestamp`, `token` and `signature` fields of a route's form. The
//! signature is the hex HMAC-SHA256 of the timestamp's text followed by the token, keyed with
//! the webhook signing key.
//!
//! The body itself is not signed (Mailgun's design): anyone holding a captured signature could
//! pair it with another body. What the signature does prove is fresh: the timestamp is checked
//! against the tolerance in both directions (Mailgun's Python SDK uses 15 minutes), and the
//! token is reported as [`Verified::id`](crate::Verified::id), so that a replayed token can be
//! refused as Mailgun advises. A subaccount's `parent-signature` is a second candidate.

use std::borrow::Cow;

use serde::Deserialize;

use super::content::{Content, Fields};
use super::family::{BodyFields, BodyUse, Family, Head, SignFields, SignWith, Signed};
use super::json::{Cursor, Pace, Plain};
use crate::key::{Keyring, Proof};
use crate::mac::Message;
use crate::signature::{Candidates, Kind};
use crate::timestamp::TimestampFormat;
use crate::{Encoding, Headers, MAX_ID_LEN, Malformation, Request, SignError, VerifyError};

/// Mailgun's fields.
#[derive(Debug, Clone)]
pub(crate) struct Mailgun {
    content: Content,
}

impl Mailgun {
    pub(crate) const fn new() -> Self {
        Self {
            content: Content::body(),
        }
    }
}

/// The three fields, and the parent account's signature, as they arrived (their bytes: each
/// must be ASCII to be of use, which is checked once they are all found).
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Found<'a> {
    timestamp: Option<Cow<'a, [u8]>>,
    token: Option<Cow<'a, [u8]>>,
    signature: Option<Cow<'a, [u8]>>,
    parent: Option<Cow<'a, [u8]>>,
}

/// The bytes of `text`.
fn bytes(text: Cow<'_, str>) -> Cow<'_, [u8]> {
    match text {
        Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
        Cow::Owned(text) => Cow::Owned(text.into_bytes()),
    }
}

#[derive(Deserialize)]
struct Webhook<'a> {
    #[serde(borrow, default)]
    signature: Option<SignatureObject<'a>>,
}

#[derive(Deserialize)]
struct SignatureObject<'a> {
    #[serde(default)]
    timestamp: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    token: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    signature: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "parent-signature")]
    parent: Option<Cow<'a, str>>,
}

/// The timestamp, which the docs show as a string and describe as an integer.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar<'a> {
    Text(#[serde(borrow)] Cow<'a, str>),
    Number(serde_json::Number),
}

fn read(body: &[u8]) -> Result<Found<'_>, VerifyError> {
    if body.trim_ascii_start().first() == Some(&b'{') {
        return read_plain_json(body).map_or_else(|| read_json(body), Ok);
    }
    let mut found = Found::default();
    for (name, value) in form_urlencoded::parse(body) {
        let slot = match name.as_ref() {
            "timestamp" => &mut found.timestamp,
            "token" => &mut found.token,
            "signature" => &mut found.signature,
            _ => continue,
        };
        if slot.is_some() {
            return Err(VerifyError::MalformedField {
                field: field_name(&name),
                problem: Malformation::Repeated,
            });
        }
        *slot = Some(bytes(value));
    }
    Ok(found)
}

/// The fields of a JSON body, read by `serde_json`.
pub(super) fn read_json(body: &[u8]) -> Result<Found<'_>, VerifyError> {
    let webhook: Webhook<'_> =
        serde_json::from_slice(body).map_err(|_| VerifyError::MalformedBody {
            expected: "a JSON object",
        })?;
    let Some(object) = webhook.signature else {
        return Ok(Found::default());
    };
    Ok(Found {
        timestamp: object.timestamp.map(|scalar| match scalar {
            Scalar::Text(text) => bytes(text),
            Scalar::Number(number) => Cow::Owned(number.to_string().into_bytes()),
        }),
        token: object.token.map(bytes),
        signature: object.signature.map(bytes),
        parent: object.parent.map(bytes),
    })
}

/// What [`read_json`] finds in a JSON body, found without `serde_json` when the body is plain (see
/// [`json`](super::json)); `None` when `serde_json` must decide.
pub(super) fn read_plain_json(body: &[u8]) -> Option<Found<'_>> {
    let mut found = Found::default();
    let mut json = Cursor::new(body);
    let mut signature_seen = false;
    json.members([b"signature"], |json, which| {
        if which.is_none() {
            return json.skip();
        }
        // serde_json refuses a repeated field; an object or `null` is all it reads here.
        if std::mem::replace(&mut signature_seen, true) {
            return None;
        }
        if !json.at_object() {
            return (json.plain()? == Plain::Null).then_some(());
        }
        // One bit per field seen: its place in this list, in the order Mailgun documents.
        let mut seen = 0u8;
        let fields: [&[u8]; 4] = [b"timestamp", b"token", b"signature", b"parent-signature"];
        json.members(fields, |json, which| {
            let Some(field) = which else {
                return json.skip();
            };
            let slot = match field {
                0 => &mut found.timestamp,
                1 => &mut found.token,
                2 => &mut found.signature,
                _ => &mut found.parent,
            };
            let bit = 1u8 << field;
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            *slot = match json.plain()? {
                Plain::Null => None,
                Plain::Text(text) => Some(Cow::Borrowed(text)),
                // A number is the timestamp's alone, read as `serde_json` writes it back.
                Plain::Digits(digits) if field == 0 => Some(Cow::Borrowed(digits)),
                Plain::Digits(_) => return None,
            };
            Some(())
        })
    })?;
    json.end()?;
    Some(found)
}

fn field_name(name: &str) -> &'static str {
    match name {
        "timestamp" => "timestamp",
        "token" => "token",
        _ => "signature",
    }
}

impl Family for Mailgun {
    fn max_candidates(&self) -> usize {
        2
    }

    fn body_use(&self) -> BodyUse {
        BodyUse::Read
    }

    fn content(&self) -> &Content {
        &self.content
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn has_id(&self) -> bool {
        true
    }

    fn read_head<'r, H: Headers + ?Sized, const N: usize>(
        &'r self,
        _request: &Request<'r, H>,
        _candidates: &mut Candidates<N>,
    ) -> Result<Head<'r>, VerifyError> {
        // Everything is in the body.
        Ok(Head::default())
    }

    fn read_body<'b, const N: usize>(
        &self,
        body: &'b [u8],
        candidates: &mut Candidates<N>,
        // Mailgun signs its fields, not the body: nothing follows the reading.
        _pace: impl Pace,
    ) -> Result<BodyFields<'b>, VerifyError> {
        let found = read(body)?;
        let signature = found
            .signature
            .filter(|s| !s.is_empty())
            .ok_or(VerifyError::MissingSignatureField { field: "signature" })?;
        for (field, value) in [
            ("signature", Some(signature)),
            ("parent-signature", found.parent),
        ] {
            let Some(value) = value else { continue };
            candidates
                .push(Encoding::Hex, value.trim_ascii(), 32, Kind::Tag)
                .map_err(|problem| VerifyError::MalformedField { field, problem })?;
        }
        let timestamp = found
            .timestamp
            .ok_or(VerifyError::MissingField { field: "timestamp" })?;
        let millis = TimestampFormat::UnixSeconds
            .parse(&timestamp)
            .map_err(|problem| VerifyError::MalformedField {
                field: "timestamp",
                problem,
            })?;
        let token = found
            .token
            .filter(|token| !token.is_empty())
            .ok_or(VerifyError::MissingField { field: "token" })?;
        // A fold without early exit, which the compiler vectorizes.
        let graphic = token
            .iter()
            .fold(true, |graphic, byte| graphic & byte.is_ascii_graphic());
        if token.len() > MAX_ID_LEN || !graphic {
            return Err(VerifyError::MalformedField {
                field: "token",
                problem: Malformation::IdTooLong,
            });
        }
        Ok(BodyFields {
            millis: Some(millis),
            timestamp: Some(timestamp),
            id: Some(token),
        })
    }

    fn prove<const N: usize>(
        &self,
        keys: &Keyring,
        _fields: &Fields<'_>,
        read: &BodyFields<'_>,
        _body: &[u8],
        candidates: &Candidates<N>,
    ) -> Result<Proof, VerifyError> {
        let (Some(timestamp), Some(token)) = (&read.timestamp, &read.id) else {
            return Err(VerifyError::SignatureMismatch);
        };
        keys.first_match(&Pair(timestamp, token), candidates)
    }

    fn sign(
        &self,
        with: &SignWith<'_>,
        body: &[u8],
        fields: &SignFields<'_>,
    ) -> Result<Signed, SignError> {
        if fields.id.is_empty() {
            return Err(SignError::MissingId);
        }
        let mut message = Vec::new();
        Pair(fields.timestamp.as_bytes(), fields.id.as_bytes()).write_into(&mut message);
        let signature = Encoding::Hex.encode(&(with.sign)(&message));
        let body = if body.trim_ascii_start().first() == Some(&b'{') {
            let unsignable = SignError::UnsignableBody {
                expected: "a JSON object or a form",
            };
            let mut object: serde_json::Map<String, serde_json::Value> =
                serde_json::from_slice(body).map_err(|_| unsignable.clone())?;
            object.insert(
                "signature".to_owned(),
                serde_json::json!({
                    "timestamp": fields.timestamp,
                    "token": fields.id,
                    "signature": signature,
                }),
            );
            serde_json::to_vec(&object).map_err(|_| unsignable)?
        } else {
            let mut form =
                form_urlencoded::Serializer::new(String::from_utf8_lossy(body).into_owned());
            form.append_pair("timestamp", fields.timestamp)
                .append_pair("token", fields.id)
                .append_pair("signature", &signature);
            form.finish().into_bytes()
        };
        Ok(Signed {
            headers: Vec::new(),
            body: Some(body),
        })
    }
}

/// The timestamp's text, then the token.
struct Pair<'a>(&'a [u8], &'a [u8]);

impl Message for Pair<'_> {
    fn write(&self, update: &mut impl FnMut(&[u8])) {
        update(self.0);
        update(self.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_and_form_fields() {
        let json = br#"{"signature":{"timestamp":1403645220,"token":"abc","signature":"00"},"event-data":{}}"#;
        let found = read(json).unwrap();
        assert_eq!(found.timestamp.as_deref(), Some(&b"1403645220"[..]));
        assert_eq!(found.token.as_deref(), Some(&b"abc"[..]));
        let form = b"timestamp=1403645220&token=abc&signature=00&body-plain=hi";
        let found = read(form).unwrap();
        assert_eq!(found.timestamp.as_deref(), Some(&b"1403645220"[..]));
        assert_eq!(found.signature.as_deref(), Some(&b"00"[..]));
        assert!(matches!(
            read(b"token=a&token=b"),
            Err(VerifyError::MalformedField { field: "token", .. })
        ));
        assert!(matches!(
            read(b"{not json"),
            Err(VerifyError::MalformedBody { .. })
        ));
    }
}
