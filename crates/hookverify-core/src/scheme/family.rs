//! The contract every family of schemes implements, and the one place that dispatches to them.
//!
//! A family is a way of carrying a signature: one header, a keyed list (`t=…,v1=…`), the
//! Standard Webhooks list, Box's two headers, Twilio's signed URL and form, Mailgun's fields in
//! the body, a shared token. Each lives in its own file; nothing outside that file knows how its
//! headers look. The verifier drives every family through the same steps:
//!
//! 1. [`Family::read_head`] bounds and decodes what the request's head carries: candidate
//!    signatures, the timestamp, the id. Unsigned and malformed deliveries fail here.
//! 2. For families whose [`BodyUse`] streams the body, the content before the body
//!    ([`Family::content`]), the body, and the content after it are fed to every key.
//! 3. Families that read the body ([`BodyUse::SignedAndRead`], [`BodyUse::Read`]) see it whole
//!    in [`Family::read_body`]; [`BodyUse::Read`] families then give the verdict themselves in
//!    [`Family::prove`], streamed ones may try a second form in [`Family::retry`].

use std::borrow::Cow;

use super::content::{Content, Fields};
use super::json::Pace;
use super::{
    box_signatures::BoxSignatures, header::Header, keyed_list::KeyedList, mailgun::Mailgun,
    standard_webhooks::StandardWebhooks, token::Token, twilio::Twilio,
};
use crate::key::{Keyring, Proof};
use crate::signature::{Candidates, Kind};
use crate::timestamp::TimestampFormat;
use crate::{
    ConfigError, Headers, MAX_SIGNATURES, PublicKey, Request, Secret, SignError, VerifyError,
};

/// A timestamp as sent (the text that is signed) and its value in milliseconds since the epoch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stamp<'a> {
    pub(crate) text: &'a [u8],
    pub(crate) millis: u64,
}

/// What a request's head holds besides its candidate signatures.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Head<'r> {
    pub(crate) timestamp: Option<Stamp<'r>>,
    pub(crate) id: Option<&'r [u8]>,
}

/// What a family read from the body, for those that keep their timestamp or id there; borrowed
/// from the body wherever it needed no unescaping.
#[derive(Debug, Clone, Default)]
pub(crate) struct BodyFields<'b> {
    /// The timestamp, in milliseconds since the epoch; checked for freshness.
    pub(crate) millis: Option<u64>,
    /// The timestamp's text, for families that sign it as it was sent.
    pub(crate) timestamp: Option<Cow<'b, [u8]>>,
    pub(crate) id: Option<Cow<'b, [u8]>>,
}

/// What the body is to a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyUse {
    /// Signed: streamed through every key, never kept.
    Signed,
    /// Signed and streamed, then also read whole (Linear's timestamp, Box's escaped form).
    SignedAndRead,
    /// Read whole at the end, where the family computes what is signed (Twilio, Mailgun).
    Read,
    /// Not signed at all (a shared token proves only who sent the delivery).
    Unsigned,
}

/// The bits of a delivery a signer fills in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignFields<'a> {
    /// The timestamp written in the scheme's format.
    pub(crate) timestamp: &'a str,
    pub(crate) id: &'a str,
    pub(crate) method: &'a str,
    pub(crate) url: &'a str,
}

impl SignFields<'_> {
    pub(crate) const fn content(&self) -> Fields<'_> {
        Fields {
            timestamp: self.timestamp.as_bytes(),
            id: self.id.as_bytes(),
            method: self.method.as_bytes(),
            url: self.url.as_bytes(),
        }
    }
}

/// What signs for a family: the kind of signature it makes and the function that makes it over
/// a whole message.
pub(crate) struct SignWith<'a> {
    pub(crate) kind: Kind,
    pub(crate) sign: &'a dyn Fn(&[u8]) -> Vec<u8>,
    /// The shared secret as text, for schemes that send it as it is (a token).
    pub(crate) token: Option<&'a [u8]>,
}

/// A signed delivery: the headers to send, and the body when the signature lives inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signed {
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Vec<u8>>,
}

/// The steps every family implements; see the module docs.
pub(crate) trait Family {
    /// The most candidate signatures a delivery can carry; one lets verification skip a list.
    fn max_candidates(&self) -> usize {
        MAX_SIGNATURES
    }

    /// What the body is to this family.
    fn body_use(&self) -> BodyUse {
        BodyUse::Signed
    }

    /// What is signed around the body, for families that stream it.
    fn content(&self) -> &Content;

    /// Whether the family reads a timestamp (so deliveries are checked for freshness).
    fn has_timestamp(&self) -> bool;

    /// Whether the family reads a signed id.
    fn has_id(&self) -> bool;

    /// How the family writes the timestamp it signs.
    fn timestamp_format(&self) -> TimestampFormat {
        TimestampFormat::UnixSeconds
    }

    /// Interprets a shared secret exactly as the provider shows it.
    fn parse_secret(&self, text: &str) -> Result<Secret, ConfigError> {
        Secret::from_bytes(text)
    }

    /// The kind of signature the provider's private key makes, for families whose deliveries
    /// are checked with its public key.
    fn public_key_kind(&self) -> Option<Kind> {
        None
    }

    /// Interprets a public key exactly as the provider shows it; `None` when the family takes
    /// shared secrets only.
    fn parse_public_key(&self, text: &str) -> Option<Result<PublicKey, ConfigError>> {
        let _ = text;
        None
    }

    /// Reads and bounds the head: candidate signatures into `candidates`, and the timestamp and
    /// id.
    fn read_head<'r, H: Headers + ?Sized, const N: usize>(
        &'r self,
        request: &Request<'r, H>,
        candidates: &mut Candidates<N>,
    ) -> Result<Head<'r>, VerifyError>;

    /// Reads what the whole body holds, for families that read it, telling `pace` how far the
    /// reading has got where it reads in one pass (so that a MAC of the body can follow it).
    fn read_body<'b, const N: usize>(
        &self,
        body: &'b [u8],
        candidates: &mut Candidates<N>,
        pace: impl Pace,
    ) -> Result<BodyFields<'b>, VerifyError> {
        let _ = (body, candidates, pace);
        Ok(BodyFields::default())
    }

    /// The verdict of a [`BodyUse::Read`] family: the position of the key that proves the
    /// delivery.
    fn prove<const N: usize>(
        &self,
        keys: &Keyring,
        fields: &Fields<'_>,
        read: &BodyFields<'_>,
        body: &[u8],
        candidates: &Candidates<N>,
    ) -> Result<Proof, VerifyError> {
        let _ = (keys, fields, read, body, candidates);
        Err(VerifyError::SignatureMismatch)
    }

    /// Another form the provider may have signed a streamed delivery in, tried when the first
    /// fails (Box's escaped body). The position of the key that proves it, if one does.
    fn retry<const N: usize>(
        &self,
        keys: &Keyring,
        fields: &Fields<'_>,
        body: &[u8],
        candidates: &Candidates<N>,
    ) -> Option<Proof> {
        let _ = (keys, fields, body, candidates);
        None
    }

    /// Signs `body` as the provider would.
    fn sign(
        &self,
        with: &SignWith<'_>,
        body: &[u8],
        fields: &SignFields<'_>,
    ) -> Result<Signed, SignError>;
}

/// Every family, for dispatch.
#[derive(Debug, Clone)]
pub(crate) enum Families {
    Header(Header),
    KeyedList(KeyedList),
    StandardWebhooks(StandardWebhooks),
    Box(BoxSignatures),
    Twilio(Twilio),
    Mailgun(Mailgun),
    Token(Token),
}

/// Calls `$call` on whichever family `$self` is: the one `match` over families.
macro_rules! dispatch {
    ($self:expr, $family:ident => $call:expr) => {
        match $self {
            Families::Header($family) => $call,
            Families::KeyedList($family) => $call,
            Families::StandardWebhooks($family) => $call,
            Families::Box($family) => $call,
            Families::Twilio($family) => $call,
            Families::Mailgun($family) => $call,
            Families::Token($family) => $call,
        }
    };
}

impl Family for Families {
    fn max_candidates(&self) -> usize {
        dispatch!(self, f => f.max_candidates())
    }

    fn body_use(&self) -> BodyUse {
        dispatch!(self, f => f.body_use())
    }

    fn content(&self) -> &Content {
        dispatch!(self, f => f.content())
    }

    fn has_timestamp(&self) -> bool {
        dispatch!(self, f => f.has_timestamp())
    }

    fn has_id(&self) -> bool {
        dispatch!(self, f => f.has_id())
    }

    fn timestamp_format(&self) -> TimestampFormat {
        dispatch!(self, f => f.timestamp_format())
    }

    fn parse_secret(&self, text: &str) -> Result<Secret, ConfigError> {
        dispatch!(self, f => f.parse_secret(text))
    }

    fn public_key_kind(&self) -> Option<Kind> {
        dispatch!(self, f => f.public_key_kind())
    }

    fn parse_public_key(&self, text: &str) -> Option<Result<PublicKey, ConfigError>> {
        dispatch!(self, f => f.parse_public_key(text))
    }

    #[inline]
    fn read_head<'r, H: Headers + ?Sized, const N: usize>(
        &'r self,
        request: &Request<'r, H>,
        candidates: &mut Candidates<N>,
    ) -> Result<Head<'r>, VerifyError> {
        dispatch!(self, f => f.read_head(request, candidates))
    }

    fn read_body<'b, const N: usize>(
        &self,
        body: &'b [u8],
        candidates: &mut Candidates<N>,
        pace: impl Pace,
    ) -> Result<BodyFields<'b>, VerifyError> {
        dispatch!(self, f => f.read_body(body, candidates, pace))
    }

    fn prove<const N: usize>(
        &self,
        keys: &Keyring,
        fields: &Fields<'_>,
        read: &BodyFields<'_>,
        body: &[u8],
        candidates: &Candidates<N>,
    ) -> Result<Proof, VerifyError> {
        dispatch!(self, f => f.prove(keys, fields, read, body, candidates))
    }

    fn retry<const N: usize>(
        &self,
        keys: &Keyring,
        fields: &Fields<'_>,
        body: &[u8],
        candidates: &Candidates<N>,
    ) -> Option<Proof> {
        dispatch!(self, f => f.retry(keys, fields, body, candidates))
    }

    fn sign(
        &self,
        with: &SignWith<'_>,
        body: &[u8],
        fields: &SignFields<'_>,
    ) -> Result<Signed, SignError> {
        dispatch!(self, f => f.sign(with, body, fields))
    }
}
