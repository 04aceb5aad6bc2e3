//! A shared token sent as it is: GitLab's `X-Gitlab-Token`.
//!
//! Nothing is signed: the token proves who sent the delivery, not what it holds, and it never
//! changes, so anyone who sees one delivery can forge the next. GitLab's signing tokens
//! (`gitlab-signing-token`, Standard Webhooks) replace it. The comparison is of the whole token,
//! through its SHA-256, so neither its bytes nor its length show in the time it takes.

use sha2::{Digest as _, Sha256};

use super::content::Content;
use super::family::{BodyUse, Family, Head, SignFields, SignWith, Signed};
use super::read::{HeaderView, signature};
use crate::headers::HeaderKey;
use crate::signature::{Candidates, Kind};
use crate::{Headers, Request, SignError, VerifyError};

/// The header a token arrives in.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    header: HeaderKey,
    content: Content,
}

impl Token {
    pub(crate) fn new(header: &str) -> Self {
        Self {
            header: HeaderKey::new(header),
            content: Content::body(),
        }
    }
}

impl Family for Token {
    fn max_candidates(&self) -> usize {
        1
    }

    fn body_use(&self) -> BodyUse {
        BodyUse::Unsigned
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
        let token = signature(&HeaderView::direct(request.headers()), &self.header)?;
        candidates.push_bytes(&Sha256::digest(token), Kind::Tag);
        Ok(Head::default())
    }

    fn sign(
        &self,
        with: &SignWith<'_>,
        _body: &[u8],
        _fields: &SignFields<'_>,
    ) -> Result<Signed, SignError> {
        let token = with.token.ok_or(SignError::NeedsSigningKey)?;
        Ok(Signed {
            headers: vec![(
                self.header.as_str().to_owned(),
                String::from_utf8_lossy(token).into_owned(),
            )],
            body: None,
        })
    }
}
