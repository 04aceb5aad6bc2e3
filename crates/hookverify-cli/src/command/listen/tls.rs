//! `listen --tls`: HTTPS with a self-signed certificate for localhost, made at start.

use std::sync::Arc;

use anyhow::Context as _;
use sha2::{Digest as _, Sha256};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A TLS acceptor with a fresh self-signed certificate for `localhost`, `127.0.0.1` and
/// `::1`, and the certificate's SHA-256 fingerprint (`AB:CD:…`), for the user to pin.
pub(super) fn self_signed() -> anyhow::Result<(TlsAcceptor, String)> {
    let names = [
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    let certified = rcgen::generate_simple_self_signed(names)
        .context("cannot make a self-signed certificate")?;
    let certificate: CertificateDer<'static> = certified.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let fingerprint = Sha256::digest(certificate.as_ref())
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    let config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .context("no TLS protocol version")?
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .context("the certificate does not fit its key")?;
    Ok((TlsAcceptor::from(Arc::new(config)), fingerprint))
}
