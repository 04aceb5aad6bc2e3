//! [`PublicKey`] and [`SigningKey`]: the keys of the schemes that sign with Ed25519 (Discord,
//! Standard Webhooks `v1a`) or ECDSA P-256 (SendGrid).

#![cfg_attr(
    not(any(feature = "ed25519", feature = "p256")),
    allow(
        unused,
        unreachable_code,
        reason = "without a public-key feature, the public-key paths are compiled out"
    )
)]

use std::fmt;

use crate::ConfigError;

/// A provider's public key, for schemes that sign with a private key of their own: Discord and
/// Standard Webhooks `v1a` (Ed25519, with the `ed25519` feature), SendGrid (ECDSA P-256, with
/// the `p256` feature).
///
/// Most users never build one: [`VerifierBuilder::public_key`](crate::VerifierBuilder::public_key)
/// and the `Verifier::discord`-style shortcuts take the key exactly as the provider shows it.
/// An Ed25519 key of small order (one that would verify forged signatures) is refused.
///
/// # Examples
///
/// ```
/// use hookverify_core::PublicKey;
///
/// // Discord shows the key in hex.
/// let key = PublicKey::ed25519_hex("8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c")?;
/// assert_eq!(format!("{key:?}"), "PublicKey(Ed25519)");
/// # Ok::<(), hookverify_core::ConfigError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(pub(crate) PublicKeyInner);

#[derive(Clone, PartialEq, Eq)]
pub(crate) enum PublicKeyInner {
    #[cfg(feature = "ed25519")]
    Ed25519(ed25519_dalek::VerifyingKey),
    #[cfg(feature = "p256")]
    P256(p256::ecdsa::VerifyingKey),
}

/// A private key that signs like a provider, for tests, the CLI and senders: Ed25519 (Discord,
/// Standard Webhooks `v1a`) or ECDSA P-256 (SendGrid).
///
/// Zeroized on drop (the underlying keys are), printed as `SigningKey(..)`.
///
/// # Examples
///
/// ```
/// use hookverify_core::SigningKey;
///
/// let key = SigningKey::ed25519_hex(&"01".repeat(32))?;
/// assert_eq!(
///     format!("{:?}", key.public_key()),
///     "PublicKey(Ed25519)"
/// );
/// # Ok::<(), hookverify_core::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct SigningKey(pub(crate) SigningKeyInner);

#[derive(Clone)]
pub(crate) enum SigningKeyInner {
    #[cfg(feature = "ed25519")]
    Ed25519(ed25519_dalek::SigningKey),
    #[cfg(feature = "p256")]
    P256(p256::ecdsa::SigningKey),
}

impl PublicKey {
    /// An Ed25519 public key written as 64 hex digits, as Discord shows it.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidPublicKey`] when the text is not 32 bytes of hex or not a point on
    /// the curve, and [`ConfigError::WeakPublicKey`] for a key of small order.
    #[cfg(feature = "ed25519")]
    pub fn ed25519_hex(text: &str) -> Result<Self, ConfigError> {
        let mut bytes = [0u8; 32];
        const_hex::decode_to_slice(text.trim(), &mut bytes)
            .map_err(|_| ConfigError::InvalidPublicKey)?;
        Self::ed25519_bytes(&bytes)
    }

    /// An Ed25519 public key of Standard Webhooks: `whpk_` followed by the base64 of its 32
    /// bytes (the prefix is optional).
    ///
    /// # Errors
    ///
    /// As [`ed25519_hex`](Self::ed25519_hex).
    #[cfg(feature = "ed25519")]
    pub fn ed25519_standard_webhooks(text: &str) -> Result<Self, ConfigError> {
        let text = text.trim();
        let encoded = text.strip_prefix("whpk_").unwrap_or(text);
        let decoded = base64_simd::STANDARD
            .decode_to_vec(encoded)
            .map_err(|_| ConfigError::InvalidPublicKey)?;
        let bytes =
            <[u8; 32]>::try_from(decoded.as_slice()).map_err(|_| ConfigError::InvalidPublicKey)?;
        Self::ed25519_bytes(&bytes)
    }

    /// An Ed25519 public key from its 32 bytes.
    ///
    /// # Errors
    ///
    /// As [`ed25519_hex`](Self::ed25519_hex).
    #[cfg(feature = "ed25519")]
    pub fn ed25519_bytes(bytes: &[u8; 32]) -> Result<Self, ConfigError> {
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes)
            .map_err(|_| ConfigError::InvalidPublicKey)?;
        if key.is_weak() {
            return Err(ConfigError::WeakPublicKey);
        }
        Ok(Self(PublicKeyInner::Ed25519(key)))
    }

    /// An ECDSA P-256 public key as SendGrid shows it: the base64 of its X.509
    /// SubjectPublicKeyInfo (DER), optionally armored as a PEM `PUBLIC KEY`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidPublicKey`] when the text is not such a key on P-256.
    #[cfg(feature = "p256")]
    pub fn p256_spki(text: &str) -> Result<Self, ConfigError> {
        use p256::pkcs8::DecodePublicKey as _;
        let der = decode_armored(text, "PUBLIC KEY").ok_or(ConfigError::InvalidPublicKey)?;
        let key = p256::ecdsa::VerifyingKey::from_public_key_der(&der)
            .map_err(|_| ConfigError::InvalidPublicKey)?;
        Ok(Self(PublicKeyInner::P256(key)))
    }

    /// The kind of signature this key checks.
    pub(crate) const fn kind(&self) -> crate::signature::Kind {
        match self.0 {
            #[cfg(feature = "ed25519")]
            PublicKeyInner::Ed25519(_) => crate::signature::Kind::Ed25519,
            #[cfg(feature = "p256")]
            PublicKeyInner::P256(_) => crate::signature::Kind::P256,
        }
    }

    /// The algorithm's name, for errors and docs.
    pub(crate) const fn algorithm(&self) -> &'static str {
        match self.0 {
            #[cfg(feature = "ed25519")]
            PublicKeyInner::Ed25519(_) => "Ed25519",
            #[cfg(feature = "p256")]
            PublicKeyInner::P256(_) => "P-256",
        }
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.algorithm())
    }
}

impl SigningKey {
    /// An Ed25519 private key from the hex of its 32-byte seed.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidSigningKey`] when the text is not 32 bytes of hex.
    #[cfg(feature = "ed25519")]
    pub fn ed25519_hex(text: &str) -> Result<Self, ConfigError> {
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        const_hex::decode_to_slice(text.trim(), seed.as_mut_slice())
            .map_err(|_| ConfigError::InvalidSigningKey)?;
        Ok(Self(SigningKeyInner::Ed25519(
            ed25519_dalek::SigningKey::from_bytes(&seed),
        )))
    }

    /// An Ed25519 private key of Standard Webhooks: `whsk_` followed by the base64 of its
    /// 32-byte seed, or of the seed and the public key (64 bytes, as Svix writes it).
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidSigningKey`] for anything else, or when the public half does not
    /// belong to the seed.
    #[cfg(feature = "ed25519")]
    pub fn ed25519_standard_webhooks(text: &str) -> Result<Self, ConfigError> {
        let text = text.trim();
        let encoded = text.strip_prefix("whsk_").unwrap_or(text);
        let decoded = zeroize::Zeroizing::new(
            base64_simd::STANDARD
                .decode_to_vec(encoded)
                .map_err(|_| ConfigError::InvalidSigningKey)?,
        );
        let key = match decoded.len() {
            32 => {
                let seed = <&[u8; 32]>::try_from(decoded.as_slice())
                    .map_err(|_| ConfigError::InvalidSigningKey)?;
                ed25519_dalek::SigningKey::from_bytes(seed)
            }
            64 => {
                let pair = <&[u8; 64]>::try_from(decoded.as_slice())
                    .map_err(|_| ConfigError::InvalidSigningKey)?;
                ed25519_dalek::SigningKey::from_keypair_bytes(pair)
                    .map_err(|_| ConfigError::InvalidSigningKey)?
            }
            _ => return Err(ConfigError::InvalidSigningKey),
        };
        Ok(Self(SigningKeyInner::Ed25519(key)))
    }

    /// An ECDSA P-256 private key: the base64 of its PKCS #8 DER (optionally armored as a PEM
    /// `PRIVATE KEY`), or the hex of its 32-byte scalar.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidSigningKey`] when the text is neither.
    #[cfg(feature = "p256")]
    pub fn p256(text: &str) -> Result<Self, ConfigError> {
        use p256::pkcs8::DecodePrivateKey as _;
        let text = text.trim();
        let mut scalar = zeroize::Zeroizing::new([0u8; 32]);
        let key = if const_hex::decode_to_slice(text, scalar.as_mut_slice()).is_ok() {
            p256::ecdsa::SigningKey::from_slice(scalar.as_slice())
                .map_err(|_| ConfigError::InvalidSigningKey)?
        } else {
            let der = zeroize::Zeroizing::new(
                decode_armored(text, "PRIVATE KEY").ok_or(ConfigError::InvalidSigningKey)?,
            );
            p256::ecdsa::SigningKey::from_pkcs8_der(&der)
                .map_err(|_| ConfigError::InvalidSigningKey)?
        };
        Ok(Self(SigningKeyInner::P256(key)))
    }

    /// The public key that verifies this key's signatures.
    #[must_use]
    pub fn public_key(&self) -> PublicKey {
        match self.0 {
            #[cfg(feature = "ed25519")]
            SigningKeyInner::Ed25519(ref key) => {
                PublicKey(PublicKeyInner::Ed25519(key.verifying_key()))
            }
            #[cfg(feature = "p256")]
            SigningKeyInner::P256(ref key) => PublicKey(PublicKeyInner::P256(*key.verifying_key())),
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

/// The DER bytes of base64 text, with or without PEM armor of the given label.
#[cfg(feature = "p256")]
fn decode_armored(text: &str, label: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let body = match text.strip_prefix(&format!("-----BEGIN {label}-----")) {
        Some(rest) => rest.strip_suffix(&format!("-----END {label}-----"))?,
        None => text,
    };
    let base64: String = body.split_ascii_whitespace().collect();
    base64_simd::STANDARD.decode_to_vec(base64).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ed25519")]
    #[test]
    fn small_order_ed25519_keys_are_refused() {
        // The identity point: it "verifies" a forged signature over any message.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            PublicKey::ed25519_bytes(&identity),
            Err(ConfigError::WeakPublicKey)
        );
    }

    #[cfg(feature = "ed25519")]
    #[test]
    fn standard_webhooks_keys_read_either_secret_layout() {
        // Svix's server test key (seed then public key) and its public key.
        let signing = SigningKey::ed25519_standard_webhooks(
            "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==",
        )
        .unwrap();
        let public = PublicKey::ed25519_standard_webhooks(
            "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=",
        )
        .unwrap();
        assert!(signing.public_key() == public);
        assert!(SigningKey::ed25519_standard_webhooks("whsk_AAAA").is_err());
    }

    #[cfg(feature = "p256")]
    #[test]
    fn sendgrid_keys_read_with_or_without_pem_armor() {
        let base64 = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
        let bare = PublicKey::p256_spki(base64).unwrap();
        let pem = format!("-----BEGIN PUBLIC KEY-----\n{base64}\n-----END PUBLIC KEY-----\n");
        assert!(PublicKey::p256_spki(&pem).unwrap() == bare);
        assert_eq!(
            PublicKey::p256_spki("not a key"),
            Err(ConfigError::InvalidPublicKey)
        );
    }
}
