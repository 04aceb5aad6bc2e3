//! A verifier's keys, each prepared once for its scheme's primitive, and the one place where a
//! delivery's signatures are compared with what the keys compute.
//!
//! Every primitive follows the same two steps: each key gets a running state that the signed
//! content is fed into (an HMAC, a hash, or for Ed25519 the message itself), and at the end the
//! state is checked against every candidate signature of the delivery. Every key is checked
//! against every candidate it may match, with no early exit, so the time taken does not say
//! which one matched.

#![cfg_attr(
    not(any(feature = "ed25519", feature = "p256")),
    allow(
        unused,
        unreachable_code,
        reason = "without a public-key feature, the public-key paths are compiled out"
    )
)]

use sha2::{Digest as _, Sha256};

use crate::mac::{KeyedMac, MAX_TAG_LEN, Message, Whole, any_matches};
use crate::public_key::PublicKeyInner;
use crate::signature::{Candidates, Kind};
use crate::{Algorithm, MAX_SECRETS, PublicKey, Secret, VerifyError};

/// How a scheme proves a delivery: the primitive its keys are used with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Primitive {
    /// An HMAC keyed with the secret.
    Hmac(Algorithm),
    /// An HMAC-SHA1 or, when the delivery asks for it, HMAC-SHA256 (Twilio's shared keys): the
    /// candidate's length says which.
    HmacSha1OrSha256,
    /// SHA-256 of the secret followed by the content (HubSpot v1 and v2): not an HMAC.
    PrefixedSha256,
    /// The secret itself, sent as a token (GitLab): compared through its SHA-256, so neither
    /// its bytes nor its length show in the comparison's timing.
    Token,
    /// A signature from the provider's private key, checked with its public key.
    PublicKey,
}

/// One key, prepared for its primitive.
#[derive(Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "built once per verifier and read by reference; boxing would add a pointer chase \
              to every verification"
)]
pub(crate) enum Key {
    Hmac(KeyedMac),
    HmacPair {
        sha1: KeyedMac,
        sha256: KeyedMac,
    },
    PrefixedSha256(Sha256),
    Token {
        digest: [u8; 32],
        /// Kept to sign with: the token is sent as it is.
        secret: Secret,
    },
    #[cfg(feature = "ed25519")]
    Ed25519(ed25519_dalek::VerifyingKey),
    #[cfg(feature = "p256")]
    P256(p256::ecdsa::VerifyingKey),
}

impl Key {
    /// `secret` prepared for `primitive`; `None` for [`Primitive::PublicKey`], which takes public
    /// keys.
    pub(crate) fn from_secret(primitive: Primitive, secret: &Secret) -> Option<Self> {
        Some(match primitive {
            Primitive::Hmac(algorithm) => Self::Hmac(KeyedMac::new(algorithm, secret)),
            Primitive::HmacSha1OrSha256 => Self::HmacPair {
                sha1: KeyedMac::new(Algorithm::Sha1, secret),
                sha256: KeyedMac::new(Algorithm::Sha256, secret),
            },
            Primitive::PrefixedSha256 => {
                let mut state = Sha256::new();
                state.update(secret.expose());
                Self::PrefixedSha256(state)
            }
            Primitive::Token => Self::Token {
                digest: Sha256::digest(secret.expose()).into(),
                secret: secret.clone(),
            },
            Primitive::PublicKey => return None,
        })
    }

    pub(crate) fn from_public_key(key: &PublicKey) -> Self {
        // By place, so that without either feature the empty match compiles.
        match key.0 {
            #[cfg(feature = "ed25519")]
            PublicKeyInner::Ed25519(ref key) => Self::Ed25519(*key),
            #[cfg(feature = "p256")]
            PublicKeyInner::P256(ref key) => Self::P256(*key),
        }
    }

    /// What this key signs `message` with: an HMAC tag, a hash, or a token's digest; `None` for
    /// a public key, which cannot sign.
    #[cfg_attr(
        not(any(feature = "ed25519", feature = "p256")),
        allow(
            clippy::unnecessary_wraps,
            reason = "public keys, which cannot sign, exist with a public-key feature"
        )
    )]
    pub(crate) fn sign(&self, message: &[u8]) -> Option<Vec<u8>> {
        match self {
            Self::Hmac(mac) | Self::HmacPair { sha1: mac, .. } => {
                let mut tag = [0u8; MAX_TAG_LEN];
                let len = mac.tag_of(&Whole(message), &mut tag);
                Some(tag.get(..len).unwrap_or_default().to_vec())
            }
            Self::PrefixedSha256(state) => {
                let mut state = state.clone();
                state.update(message);
                Some(state.finalize().to_vec())
            }
            Self::Token { digest, .. } => Some(digest.to_vec()),
            #[cfg(feature = "ed25519")]
            Self::Ed25519(_) => None,
            #[cfg(feature = "p256")]
            Self::P256(_) => None,
        }
    }

    /// The secret of a token key, which is sent as it is.
    pub(crate) fn token(&self) -> Option<&[u8]> {
        match self {
            Self::Token { secret, .. } => Some(secret.expose()),
            _ => None,
        }
    }

    /// What kind of candidate this key can match.
    const fn kind(&self) -> Kind {
        match self {
            Self::Hmac(_)
            | Self::HmacPair { .. }
            | Self::PrefixedSha256(_)
            | Self::Token { .. } => Kind::Tag,
            #[cfg(feature = "ed25519")]
            Self::Ed25519(_) => Kind::Ed25519,
            #[cfg(feature = "p256")]
            Self::P256(_) => Kind::P256,
        }
    }

    /// A fresh running state.
    fn start(&self) -> State {
        match self {
            Self::Hmac(mac) => State::Mac(mac.clone()),
            // Only read-whole families use pairs, and they never stream.
            Self::HmacPair { .. } => State::Nothing,
            Self::PrefixedSha256(state) => State::Hash(state.clone()),
            Self::Token { .. } => State::Nothing,
            #[cfg(feature = "ed25519")]
            Self::Ed25519(_) => State::Message(Vec::new()),
            #[cfg(feature = "p256")]
            Self::P256(_) => State::Hash(Sha256::new()),
        }
    }

    /// What proves the content fed into `state`, when it carries one of `candidates` that this
    /// key (the `index`th) may match: the MAC or hash that matched, the Ed25519 signature, the
    /// digest of the message a P-256 signature covers, or nothing for a token.
    fn check<const N: usize>(
        &self,
        index: usize,
        state: State,
        candidates: &Candidates<N>,
    ) -> Option<Material> {
        let mine = candidates.for_key(index, self.kind());
        match (self, state) {
            (Self::Hmac(_), State::Mac(mac)) => {
                let mut tag = [0u8; MAX_TAG_LEN];
                let len = mac.finalize_into(&mut tag);
                let matched = any_matches(tag.get(..len).unwrap_or_default(), mine);
                matched.then(|| Material::filled(tag, len))
            }
            (Self::PrefixedSha256(_), State::Hash(hash)) => hash_matches(hash, mine),
            (Self::Token { digest, .. }, State::Nothing) => token_matches(digest, mine),
            #[cfg(feature = "ed25519")]
            (Self::Ed25519(key), State::Message(message)) => {
                mine.fold(None, |found: Option<Material>, bytes| {
                    let verified = <&[u8; 64]>::try_from(bytes).is_ok_and(|bytes| {
                        let signature = ed25519_dalek::Signature::from_bytes(bytes);
                        key.verify_strict(&message, &signature).is_ok()
                    });
                    // `verify_strict` admits one encoding per signature, so it names the
                    // delivery as well as a MAC does.
                    found.or_else(|| verified.then(|| Material::new(bytes)))
                })
            }
            #[cfg(feature = "p256")]
            (Self::P256(key), State::Hash(hash)) => {
                use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
                let digest = hash.finalize();
                let verified = mine.fold(false, |found, bytes| {
                    let verified = p256::ecdsa::Signature::from_slice(bytes)
                        .is_ok_and(|signature| key.verify_prehash(&digest, &signature).is_ok());
                    found | verified
                });
                // ECDSA signatures are malleable (`s` and `n - s` both verify): the proof is the
                // digest of what was signed, never the signature.
                verified.then(|| Material::new(&digest))
            }
            // A state always comes from its own key's `start`.
            _ => None,
        }
    }
}

/// What proved a delivery: the position of the key that did, and the bytes that name the
/// signed content under it (see [`Key::check`]), from which replay keys are derived.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Proof {
    pub(crate) key: usize,
    pub(crate) material: Material,
}

/// Up to 64 bytes that name a delivery's signed content: empty when the key proves nothing
/// about the content (a token).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Material {
    bytes: [u8; MAX_TAG_LEN],
    len: u8,
}

impl Material {
    fn new(bytes: &[u8]) -> Self {
        let mut material = Self::default();
        let len = bytes.len().min(MAX_TAG_LEN);
        if let (Some(dst), Some(src)) = (material.bytes.get_mut(..len), bytes.get(..len)) {
            dst.copy_from_slice(src);
        }
        material.len = u8::try_from(len).unwrap_or(u8::MAX);
        material
    }

    /// The first `len` bytes of `bytes`, taken as they are.
    fn filled(bytes: [u8; MAX_TAG_LEN], len: usize) -> Self {
        Self {
            bytes,
            len: u8::try_from(len.min(MAX_TAG_LEN)).unwrap_or(u8::MAX),
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }
}

impl Default for Material {
    fn default() -> Self {
        Self {
            bytes: [0; MAX_TAG_LEN],
            len: 0,
        }
    }
}

impl std::fmt::Debug for Material {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A MAC of the delivery, not a secret; its length is enough for debugging.
        f.debug_struct("Material")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

/// A key's view of one delivery's signed content, built up as it is fed.
#[derive(Clone)]
enum State {
    Mac(KeyedMac),
    Hash(Sha256),
    /// The whole message, for Ed25519, whose strict check needs it at once.
    #[cfg(feature = "ed25519")]
    Message(Vec<u8>),
    Nothing,
}

impl State {
    fn update(&mut self, data: &[u8]) {
        match self {
            Self::Mac(mac) => mac.update(data),
            Self::Hash(hash) => hash.update(data),
            #[cfg(feature = "ed25519")]
            Self::Message(message) => message.extend_from_slice(data),
            Self::Nothing => {}
        }
    }
}

/// A verifier's keys, in the order they were given: the first signs, any verifies.
#[derive(Clone)]
pub(crate) struct Keyring {
    keys: Vec<Key>,
    /// Whether any key is a public key, asked on every verification.
    public: bool,
}

impl Keyring {
    pub(crate) fn new(keys: Vec<Key>) -> Self {
        let public = keys.iter().any(|key| key.kind() != Kind::Tag);
        Self { keys, public }
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether any key is a public key.
    pub(crate) const fn has_public_keys(&self) -> bool {
        self.public
    }

    /// The key at `index`, in the order they were given.
    pub(crate) fn get(&self, index: usize) -> Option<&Key> {
        self.keys.get(index)
    }

    pub(crate) fn first(&self) -> Option<&Key> {
        self.keys.first()
    }

    /// Running states for every key, to be fed the signed content, written into `running`
    /// where they stay (returning them would copy every slot).
    pub(crate) fn start<'r>(&self, running: &'r mut Option<Running>) -> &'r mut Running {
        let running = running.insert(Running {
            states: Default::default(),
        });
        for (slot, key) in running.states.iter_mut().zip(&self.keys) {
            *slot = Some(key.start());
        }
        running
    }

    /// The first key that proves one of `candidates` over `message`, and its proof, computed
    /// for each key without keeping running states around.
    pub(crate) fn first_match<const N: usize>(
        &self,
        message: &impl Message,
        candidates: &Candidates<N>,
    ) -> Result<Proof, VerifyError> {
        let mut matched = None;
        for (index, key) in self.keys.iter().enumerate() {
            let found = match key {
                // The hot path, without moving a SHA-512-sized state around.
                Key::Hmac(mac) => tag_matches(mac, index, message, candidates),
                Key::HmacPair { sha1, sha256 } => {
                    [sha1, sha256].into_iter().fold(None, |found, mac| {
                        // Only the algorithm whose tag length a candidate has can match it.
                        let len = mac.tag_len();
                        let wanted = candidates.for_key(index, Kind::Tag).any(|c| c.len() == len);
                        let this = wanted.then(|| tag_matches(mac, index, message, candidates));
                        found.or(this.flatten())
                    })
                }
                // Neither needs a running state, which is the size of the largest (a SHA-512
                // HMAC's) and would be built and moved twice for nothing.
                Key::Token { digest, .. } => {
                    token_matches(digest, candidates.for_key(index, Kind::Tag))
                }
                Key::PrefixedSha256(prefixed) => {
                    let mut hash = prefixed.clone();
                    message.write(&mut |data| hash.update(data));
                    hash_matches(hash, candidates.for_key(index, Kind::Tag))
                }
                _ => {
                    let mut state = key.start();
                    message.write(&mut |data| state.update(data));
                    key.check(index, state, candidates)
                }
            };
            if let (Some(material), None) = (found, matched) {
                matched = Some(Proof {
                    key: index,
                    material,
                });
            }
        }
        matched.ok_or(VerifyError::SignatureMismatch)
    }
}

/// The tag of `message` under `mac`, when it is among the candidates of the `index`th key.
fn tag_matches<const N: usize>(
    mac: &KeyedMac,
    index: usize,
    message: &impl Message,
    candidates: &Candidates<N>,
) -> Option<Material> {
    let mut tag = [0u8; MAX_TAG_LEN];
    let len = mac.tag_of(message, &mut tag);
    let matched = any_matches(
        tag.get(..len).unwrap_or_default(),
        candidates.for_key(index, Kind::Tag),
    );
    // The tag's own buffer becomes the proof: no second buffer to zero and copy into.
    matched.then(|| Material::filled(tag, len))
}

/// The digest of what `hash` was fed, when it is among `candidates` (HubSpot v1 and v2).
fn hash_matches<'c>(hash: Sha256, candidates: impl Iterator<Item = &'c [u8]>) -> Option<Material> {
    let hash = hash.finalize();
    any_matches(hash.as_slice(), candidates).then(|| Material::new(&hash))
}

/// Whether the digest of a token is among `candidates`; a token proves nothing about the
/// content, so its proof is empty.
fn token_matches<'c>(
    digest: &[u8; 32],
    candidates: impl Iterator<Item = &'c [u8]>,
) -> Option<Material> {
    any_matches(digest, candidates).then(Material::default)
}

/// Every key's running state for one delivery.
#[derive(Clone)]
pub(crate) struct Running {
    states: [Option<State>; MAX_SECRETS],
}

impl Running {
    pub(crate) fn update(&mut self, data: &[u8]) {
        for state in self.states.iter_mut().flatten() {
            state.update(data);
        }
    }

    /// The first key whose state proves one of `candidates`, and its proof; every key is
    /// checked. The states are taken where they lie (moving the whole array out would copy
    /// every slot, used or not), so a verification finishes once.
    pub(crate) fn finish<const N: usize>(
        &mut self,
        keys: &Keyring,
        candidates: &Candidates<N>,
    ) -> Result<Proof, VerifyError> {
        let mut matched = None;
        for (index, (key, state)) in keys.keys.iter().zip(&mut self.states).enumerate() {
            let Some(state) = state.take() else { break };
            if let (Some(material), None) = (key.check(index, state, candidates), matched) {
                matched = Some(Proof {
                    key: index,
                    material,
                });
            }
        }
        matched.ok_or(VerifyError::SignatureMismatch)
    }
}
