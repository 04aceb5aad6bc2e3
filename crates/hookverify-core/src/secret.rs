//! [`Secret`]: the shared key, protected in memory.

use std::fmt;

use zeroize::Zeroizing;

use crate::ConfigError;

/// The shared key a provider signs with.
///
/// A `Secret` holds raw key bytes. It is zeroized when dropped, prints as `Secret(..)` in
/// `Debug`, and has no `Display`, `PartialEq` or serialization, so it cannot leak through logs
/// or be compared in variable time.
///
/// Most users never build one: [`Verifier::builder`](crate::Verifier::builder) and the
/// `Verifier::github`-style shortcuts take the secret exactly as the provider shows it and
/// interpret it for the scheme (see [`Scheme::parse_secret`](crate::Scheme::parse_secret)).
///
/// # Examples
///
/// ```
/// use hookverify_core::Secret;
///
/// let secret = Secret::from_standard_webhooks("whsec_dGVzdC1vbmx5LXNlY3JldA==")?;
/// assert_eq!(format!("{secret:?}"), "Secret(..)");
/// # Ok::<(), hookverify_core::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Wraps raw key bytes.
    ///
    /// # Errors
    ///
    /// [`ConfigError::EmptySecret`] when `bytes` is empty: an empty HMAC key is valid to the
    /// algorithm but is always a configuration mistake.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Result<Self, ConfigError> {
        let bytes = Zeroizing::new(bytes.into());
        if bytes.is_empty() {
            return Err(ConfigError::EmptySecret);
        }
        Ok(Self(bytes))
    }

    /// Decodes a Standard Webhooks (Svix) secret: `whsec_` followed by base64, or the base64
    /// alone. The key is the decoded bytes.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidStandardWebhooksSecret`] when the text after the optional prefix is
    /// not base64, and [`ConfigError::EmptySecret`] when it decodes to nothing.
    pub fn from_standard_webhooks(text: &str) -> Result<Self, ConfigError> {
        let encoded = text.trim();
        let encoded = encoded.strip_prefix("whsec_").unwrap_or(encoded);
        let bytes = Zeroizing::new(
            base64_simd::STANDARD
                .decode_to_vec(encoded)
                .map_err(|_| ConfigError::InvalidStandardWebhooksSecret)?,
        );
        Self::from_bytes(bytes.to_vec())
    }

    /// The raw key bytes.
    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::from_bytes("hunter2").unwrap();
        assert_eq!(format!("{secret:?}"), "Secret(..)");
        assert!(!format!("{secret:#?}").contains("hunter2"));
    }

    #[test]
    fn empty_secret_is_rejected() {
        assert_eq!(
            Secret::from_bytes(Vec::new()).unwrap_err(),
            ConfigError::EmptySecret
        );
        assert_eq!(
            Secret::from_standard_webhooks("whsec_").unwrap_err(),
            ConfigError::EmptySecret
        );
    }

    #[test]
    fn standard_webhooks_secret_decodes_with_or_without_prefix() {
        let a = Secret::from_standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let b = Secret::from_standard_webhooks("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), 24);
    }

    #[test]
    fn standard_webhooks_secret_rejects_non_base64() {
        assert_eq!(
            Secret::from_standard_webhooks("whsec_not base64!").unwrap_err(),
            ConfigError::InvalidStandardWebhooksSecret
        );
    }
}
