//! Parsing a verified body: JSON, forms (with repeated keys), Slack's `payload=` forms and XML,
//! each bounded, each failing with a clear [`FormatError`].
//!
//! The adapters' typed extractors (`VerifiedJson`, `VerifiedForm`, `VerifiedXml`) verify first
//! and then call these on the verified bytes; they are as useful on their own, after
//! [`Verifier::verify`](crate::Verifier::verify).
//!
//! # Examples
//!
//! ```
//! use hookverify_core::format;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Event {
//!     id: String,
//! }
//!
//! let event: Event = format::from_json(br#"{"id":"evt_1","type":"charge.succeeded"}"#)?;
//! assert_eq!(event.id, "evt_1");
//! # Ok::<(), hookverify_core::format::FormatError>(())
//! ```

use serde::de::DeserializeOwned;

/// How deep XML elements may nest before a body is refused: far more than any provider sends,
/// far less than what would exhaust a stack.
#[cfg(feature = "xml")]
pub const MAX_XML_DEPTH: usize = 64;

/// Why a verified body did not parse into the type a handler asked for. The body was signed by
/// the provider, so this is a mismatch between the handler's type and what the provider sends
/// (or a provider bug), answered 400.
///
/// The messages come from the parsers and may quote a few bytes of the body; they never hold a
/// secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The body is not JSON of the expected shape.
    #[error("invalid JSON body: {0}")]
    InvalidJson(String),
    /// The body is not an `application/x-www-form-urlencoded` form of the expected shape.
    #[error("invalid form body: {0}")]
    InvalidForm(String),
    /// A Slack interactivity form has no `payload` field, or more than one.
    #[error("the form has no single `payload` field")]
    MissingPayload,
    /// The body is not XML of the expected shape.
    #[error("invalid XML body: {0}")]
    InvalidXml(String),
    /// The XML body declares a document type (`<!DOCTYPE …>`), which could define entities;
    /// refused outright.
    #[error("the XML body declares a document type, which is refused")]
    XmlDoctype,
    /// The XML body nests elements deeper than [`MAX_XML_DEPTH`].
    #[error("the XML body nests elements deeper than {max}")]
    XmlTooDeep {
        /// The limit.
        max: usize,
    },
}

impl FormatError {
    /// The HTTP status an adapter answers with: always 400.
    #[must_use]
    pub const fn status_code(&self) -> u16 {
        400
    }
}

/// Parses a JSON body, whatever its `Content-Type` (SNS and others send JSON as `text/plain`).
///
/// # Errors
///
/// [`FormatError::InvalidJson`] when it is not JSON for `T`.
pub fn from_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, FormatError> {
    serde_json::from_slice(body).map_err(|error| FormatError::InvalidJson(error.to_string()))
}

/// Parses an `application/x-www-form-urlencoded` body (Twilio, Slack commands) with
/// `serde_html_form`: a key repeated with several values fills a `Vec` field.
///
/// # Errors
///
/// [`FormatError::InvalidForm`] when it is not a form for `T`.
///
/// # Examples
///
/// ```
/// use hookverify_core::format;
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct Sms {
///     #[serde(rename = "MessageSid")]
///     message_sid: String,
///     #[serde(rename = "MediaUrl", default)]
///     media: Vec<String>,
/// }
///
/// let sms: Sms = format::from_form(b"MessageSid=SM1&MediaUrl=a&MediaUrl=b")?;
/// assert_eq!((sms.message_sid.as_str(), sms.media.len()), ("SM1", 2));
/// # Ok::<(), hookverify_core::format::FormatError>(())
/// ```
#[cfg(feature = "form")]
pub fn from_form<T: DeserializeOwned>(body: &[u8]) -> Result<T, FormatError> {
    serde_html_form::from_bytes(body).map_err(|error| FormatError::InvalidForm(error.to_string()))
}

/// Parses the JSON in the `payload` field of a Slack interactivity form (block actions, view
/// submissions, shortcuts): Slack posts `payload=<JSON>` as a form.
///
/// # Errors
///
/// [`FormatError::InvalidForm`] when the body is not a form, [`FormatError::MissingPayload`]
/// when it has no `payload` field or several, and [`FormatError::InvalidJson`] when the payload
/// is not JSON for `T`.
///
/// # Examples
///
/// ```
/// use hookverify_core::format;
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct Interaction {
///     r#type: String,
/// }
///
/// let body = b"payload=%7B%22type%22%3A%22block_actions%22%7D";
/// let interaction: Interaction = format::from_slack_payload(body)?;
/// assert_eq!(interaction.r#type, "block_actions");
/// # Ok::<(), hookverify_core::format::FormatError>(())
/// ```
#[cfg(feature = "form")]
pub fn from_slack_payload<T: DeserializeOwned>(body: &[u8]) -> Result<T, FormatError> {
    #[derive(serde::Deserialize)]
    struct Form {
        #[serde(default)]
        payload: Vec<String>,
    }
    let form: Form = from_form(body)?;
    let [payload] = form.payload.as_slice() else {
        return Err(FormatError::MissingPayload);
    };
    from_json(payload.as_bytes())
}

/// Parses an XML body (Shopify's XML webhooks, and others) with `quick-xml`'s serde support,
/// after refusing any document type declaration (so no entity can be defined, let alone
/// expanded) and any nesting deeper than [`MAX_XML_DEPTH`]. Only the five predefined entities
/// and character references are understood. The body must be UTF-8.
///
/// # Errors
///
/// [`FormatError::XmlDoctype`], [`FormatError::XmlTooDeep`], or [`FormatError::InvalidXml`]
/// when it is not XML for `T`.
///
/// # Examples
///
/// ```
/// use hookverify_core::format::{self, FormatError};
/// use serde::Deserialize;
///
/// #[derive(Debug, Deserialize)]
/// struct Order {
///     id: u64,
/// }
///
/// let order: Order = format::from_xml(b"<order><id>450789469</id></order>")?;
/// assert_eq!(order.id, 450789469);
///
/// let bomb = b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><order><id>&a;</id></order>";
/// assert_eq!(format::from_xml::<Order>(bomb).unwrap_err(), FormatError::XmlDoctype);
/// # Ok::<(), FormatError>(())
/// ```
#[cfg(feature = "xml")]
pub fn from_xml<T: DeserializeOwned>(body: &[u8]) -> Result<T, FormatError> {
    use quick_xml::events::Event;

    let text = std::str::from_utf8(body)
        .map_err(|_| FormatError::InvalidXml("the body is not UTF-8".to_owned()))?;
    let invalid = |error: quick_xml::Error| FormatError::InvalidXml(error.to_string());
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0usize;
    loop {
        match reader.read_event().map_err(invalid)? {
            Event::DocType(_) => return Err(FormatError::XmlDoctype),
            Event::Start(_) => {
                depth += 1;
                if depth > MAX_XML_DEPTH {
                    return Err(FormatError::XmlTooDeep { max: MAX_XML_DEPTH });
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => break,
            _ => {}
        }
    }
    quick_xml::de::from_str(text).map_err(|error| FormatError::InvalidXml(error.to_string()))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Event {
        id: String,
    }

    #[test]
    fn json_failures_say_why() {
        assert_eq!(from_json::<Event>(br#"{"id":"a"}"#).unwrap().id, "a");
        let error = from_json::<Event>(b"{").unwrap_err();
        assert!(matches!(error, FormatError::InvalidJson(_)), "{error}");
        assert!(error.to_string().starts_with("invalid JSON body: "));
        assert_eq!(error.status_code(), 400);
    }

    #[cfg(feature = "form")]
    #[test]
    fn forms_keep_repeated_keys_and_slack_payloads_are_single() {
        #[derive(Deserialize)]
        struct Form {
            tag: Vec<String>,
        }
        let form: Form = from_form(b"tag=a&tag=b+c&tag=%C3%A9").unwrap();
        assert_eq!(form.tag, ["a", "b c", "é"]);
        assert!(matches!(
            from_form::<Event>(b"x=1"),
            Err(FormatError::InvalidForm(_))
        ));

        let payload = b"payload=%7B%22id%22%3A%22a%22%7D";
        assert_eq!(from_slack_payload::<Event>(payload).unwrap().id, "a");
        for bad in [&b"x=1"[..], b"payload=%7B%7D&payload=%7B%7D"] {
            assert_eq!(
                from_slack_payload::<Event>(bad).unwrap_err(),
                FormatError::MissingPayload
            );
        }
        assert!(matches!(
            from_slack_payload::<Event>(b"payload=nope"),
            Err(FormatError::InvalidJson(_))
        ));
    }

    #[cfg(feature = "xml")]
    #[test]
    fn xml_refuses_doctypes_and_deep_nesting() {
        assert_eq!(
            from_xml::<Event>(b"<e><id>a&amp;b</id></e>").unwrap().id,
            "a&b"
        );
        let doctype = b"<!DOCTYPE e SYSTEM \"file:///etc/passwd\"><e><id>a</id></e>";
        assert_eq!(
            from_xml::<Event>(doctype).unwrap_err(),
            FormatError::XmlDoctype
        );
        let deep = format!(
            "<e>{}<id>a</id>{}</e>",
            "<x>".repeat(MAX_XML_DEPTH),
            "</x>".repeat(MAX_XML_DEPTH)
        );
        assert_eq!(
            from_xml::<Event>(deep.as_bytes()).unwrap_err(),
            FormatError::XmlTooDeep { max: MAX_XML_DEPTH }
        );
        for bad in [
            &b"<e><id>&undefined;</id></e>"[..],
            b"<e>",
            b"\xff",
            b"<e><id>a</e>",
        ] {
            assert!(
                matches!(from_xml::<Event>(bad), Err(FormatError::InvalidXml(_))),
                "{bad:?}"
            );
        }
    }
}
