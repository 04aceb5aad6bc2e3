//! [`PublicUrl`]: which URL a request-signing scheme checks the signature against.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use crate::{ConfigError, Headers, Malformation, VerifyError};

/// Where the public URL of a delivery comes from, for the schemes that sign it (Twilio, Square,
/// HubSpot v2 and v3).
///
/// The provider signs the URL it called, such as `https://hooks.example.com/twilio?id=7`. The
/// server rarely sees that URL: a proxy, a load balancer or a tunnel stands in front, and the
/// `Host` and `X-Forwarded-*` headers that could rebuild it are chosen by whoever connects. So the
/// URL is never taken from them by default. Give the verifier one of:
///
/// - [`PublicUrl::exact`]: the whole URL, for a route that always receives at one URL;
/// - [`PublicUrl::origin`]: the scheme and host (and a path prefix, if a proxy strips one),
///   followed by the path and query exactly as the request carried them;
/// - [`PublicUrl::trust_forwarded_headers_from`] on an origin: when the connection comes from
///   one of the listed proxies, its `X-Forwarded-Proto` and `X-Forwarded-Host` replace the
///   origin's scheme and host; from anyone else they are ignored.
///
/// The adapters hand core the request's method, path and query, headers and peer address
/// ([`Request::target`](crate::Request::target), [`Request::peer`](crate::Request::peer)); a URL
/// given with [`Request::url`](crate::Request::url) is used as it is, ahead of this setting.
/// When a signature does not match, the error names the URL that was used
/// ([`VerifyError::SignatureMismatchForUrl`]).
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
/// use hookverify_core::{PublicUrl, Request, Scheme, SignOptions, Verifier};
///
/// let verifier = Verifier::builder(Scheme::twilio())
///     .secret("12345")
///     .public_url(PublicUrl::origin("https://hooks.example.com")?)
///     .build()?;
///
/// // What the adapters do: the method, and the path and query as received.
/// let now = SystemTime::now();
/// let body = b"CallSid=CA123&From=%2B14158675309";
/// let signed = verifier.sign(body, &SignOptions::at(now).url("https://hooks.example.com/voice?x=1"))?;
/// let request = Request::new(&signed).method("POST").target("/voice?x=1");
/// verifier.verify(request, body, now)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct PublicUrl {
    inner: Arc<Mode>,
}

enum Mode {
    /// The whole URL, whatever the request's target.
    Exact(Box<str>),
    /// A scheme and host, then an optional path prefix, then the request's target.
    Origin {
        /// `http` or `https`, lower case.
        scheme: Box<str>,
        host: Box<str>,
        /// Empty, or a path starting with `/` and not ending with one.
        prefix: Box<str>,
        /// The peers whose forwarded headers are believed.
        trusted: Box<[Network]>,
    },
}

/// The header a trusted proxy names the scheme it was called with in.
const FORWARDED_PROTO: &str = "X-Forwarded-Proto";
/// The header a trusted proxy names the host it was called at in.
const FORWARDED_HOST: &str = "X-Forwarded-Host";
/// The longest host (with its port) taken from a forwarded header.
const MAX_HOST_LEN: usize = 262;

impl PublicUrl {
    /// The delivery's URL is always `url`, whatever path and query the request carries.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidPublicUrl`] unless `url` is an `http` or `https` URL with a host,
    /// in printable ASCII, without a fragment.
    pub fn exact(url: &str) -> Result<Self, ConfigError> {
        let (_, rest) = split_scheme(url)?;
        let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
        check_host(rest.get(..host_end).unwrap_or_default())?;
        if url.contains('#') {
            return Err(ConfigError::InvalidPublicUrl("it has a fragment"));
        }
        Ok(Self::from_mode(Mode::Exact(url.into())))
    }

    /// The delivery's URL is `origin` followed by the request's path and query as received.
    ///
    /// `origin` is `http://` or `https://`, a host with an optional port, and optionally a path
    /// prefix that a proxy in front strips before the request reaches this server
    /// (`https://example.com/api` with a request for `/twilio` gives
    /// `https://example.com/api/twilio`). A trailing `/` is dropped.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidPublicUrl`] unless `origin` is of that form, in printable ASCII,
    /// without a query or a fragment.
    pub fn origin(origin: &str) -> Result<Self, ConfigError> {
        let (scheme, rest) = split_scheme(origin)?;
        let host_end = rest.find('/').unwrap_or(rest.len());
        let (host, prefix) = rest.split_at(host_end);
        check_host(host)?;
        if prefix.contains(['?', '#']) {
            return Err(ConfigError::InvalidPublicUrl(
                "an origin has no query or fragment",
            ));
        }
        Ok(Self::from_mode(Mode::Origin {
            scheme: scheme.to_ascii_lowercase().into(),
            host: host.into(),
            prefix: prefix.trim_end_matches('/').into(),
            trusted: Box::new([]),
        }))
    }

    /// Believes `X-Forwarded-Proto` and `X-Forwarded-Host` from the listed peers: each present
    /// on a request whose connection comes from one of them replaces the origin's scheme or host.
    /// Requests from any other address use the origin as configured.
    ///
    /// Each peer is an address (`10.0.0.7`, `::1`) or a network in CIDR notation
    /// (`10.0.0.0/8`, `fd00::/8`); IPv4 peers seen as IPv4-mapped IPv6 addresses match too.
    /// When a header holds a list (`https, http`), the last entry counts: the one the nearest
    /// proxy, which is trusted, appended. The proxies must overwrite or append these headers,
    /// never pass a client's through alone.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidTrustedPeer`] for a peer that is not an address or a network, and
    /// [`ConfigError::InvalidPublicUrl`] when called on an [`exact`](Self::exact) URL, which
    /// nothing replaces.
    pub fn trust_forwarded_headers_from<I>(self, peers: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let Mode::Origin {
            scheme,
            host,
            prefix,
            ..
        } = &*self.inner
        else {
            return Err(ConfigError::InvalidPublicUrl(
                "an exact URL takes nothing from forwarded headers",
            ));
        };
        let trusted = peers
            .into_iter()
            .map(|peer| Network::parse(peer.as_ref()))
            .collect::<Result<Box<[_]>, _>>()?;
        Ok(Self::from_mode(Mode::Origin {
            scheme: scheme.clone(),
            host: host.clone(),
            prefix: prefix.clone(),
            trusted,
        }))
    }

    fn from_mode(mode: Mode) -> Self {
        Self {
            inner: Arc::new(mode),
        }
    }

    /// The URL of a request whose target (path and query) is `target`, whose headers are
    /// `headers` and whose connection comes from `peer`.
    ///
    /// # Errors
    ///
    /// [`VerifyError::MissingRequestUrl`] for an origin when the request's target is unknown,
    /// and [`VerifyError::MalformedHeader`] when a trusted peer's forwarded header is not a
    /// scheme or a host.
    pub(crate) fn resolve<'a, H: Headers + ?Sized>(
        &'a self,
        target: Option<&str>,
        headers: &H,
        peer: Option<IpAddr>,
    ) -> Result<Cow<'a, str>, VerifyError> {
        let (scheme, host, prefix, trusted) = match &*self.inner {
            Mode::Exact(url) => return Ok(Cow::Borrowed(url)),
            Mode::Origin {
                scheme,
                host,
                prefix,
                trusted,
            } => (&**scheme, &**host, &**prefix, trusted),
        };
        let target = target.ok_or(VerifyError::MissingRequestUrl)?;
        let mut scheme = Cow::Borrowed(scheme);
        let mut host = Cow::Borrowed(host);
        if peer.is_some_and(|peer| trusted.iter().any(|network| network.contains(peer))) {
            if let Some(proto) = last_forwarded(headers, FORWARDED_PROTO)? {
                if !proto.eq_ignore_ascii_case("http") && !proto.eq_ignore_ascii_case("https") {
                    return Err(forwarded_malformed(FORWARDED_PROTO));
                }
                scheme = Cow::Owned(proto.to_ascii_lowercase());
            }
            if let Some(forwarded) = last_forwarded(headers, FORWARDED_HOST)? {
                if forwarded.len() > MAX_HOST_LEN || check_host(forwarded).is_err() {
                    return Err(forwarded_malformed(FORWARDED_HOST));
                }
                host = Cow::Owned(forwarded.to_owned());
            }
        }
        Ok(Cow::Owned(format!("{scheme}://{host}{prefix}{target}")))
    }
}

impl fmt::Debug for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.inner {
            Mode::Exact(url) => f.debug_tuple("PublicUrl::Exact").field(url).finish(),
            Mode::Origin {
                scheme,
                host,
                prefix,
                trusted,
            } => f
                .debug_struct("PublicUrl::Origin")
                .field("origin", &format_args!("{scheme}://{host}{prefix}"))
                .field("trusted_peers", &trusted.len())
                .finish(),
        }
    }
}

/// The scheme of a configured URL (`http` or `https`, any case) and what follows its `://`.
fn split_scheme(url: &str) -> Result<(&str, &str), ConfigError> {
    if !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ConfigError::InvalidPublicUrl(
            "it is not printable ASCII without spaces",
        ));
    }
    let (scheme, rest) = url.split_once("://").ok_or(ConfigError::InvalidPublicUrl(
        "it has no `http://` or `https://`",
    ))?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(ConfigError::InvalidPublicUrl(
            "its scheme is not `http` or `https`",
        ));
    }
    Ok((scheme, rest))
}

/// A host with an optional port, as URLs carry it: letters, digits, `-`, `.`, `_`, and `:`
/// and brackets for ports and IPv6 literals. No user information.
fn check_host(host: &str) -> Result<(), ConfigError> {
    let allowed =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b':' | b'[' | b']');
    if host.is_empty() || !host.bytes().all(allowed) {
        return Err(ConfigError::InvalidPublicUrl(
            "its host is empty or not a host name, an address or a port",
        ));
    }
    Ok(())
}

/// The last entry of the comma-separated lists in every `name` header, trimmed; `None` when the
/// header is absent.
fn last_forwarded<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &'static str,
) -> Result<Option<&'h str>, VerifyError> {
    let Some(value) = headers.get_all(name).last() else {
        return Ok(None);
    };
    let entry = value.rsplit(|&b| b == b',').next().unwrap_or_default();
    let entry = std::str::from_utf8(entry)
        .map_err(|_| forwarded_malformed(name))?
        .trim();
    if entry.is_empty() {
        return Err(forwarded_malformed(name));
    }
    Ok(Some(entry))
}

fn forwarded_malformed(header: &'static str) -> VerifyError {
    VerifyError::MalformedHeader {
        header: header.into(),
        problem: Malformation::InvalidUrlPart,
    }
}

/// An address, or a network in CIDR notation.
#[derive(Debug, Clone, Copy)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    fn parse(text: &str) -> Result<Self, ConfigError> {
        let invalid = || ConfigError::InvalidTrustedPeer(text.to_owned());
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address.parse().map_err(|_| invalid())?;
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix.parse::<u8>().map_err(|_| invalid())?,
            None => bits,
        };
        if prefix > bits {
            return Err(invalid());
        }
        Ok(Self {
            address: address.to_canonical(),
            prefix,
        })
    }

    fn contains(&self, peer: IpAddr) -> bool {
        match (self.address, peer.to_canonical()) {
            (IpAddr::V4(network), IpAddr::V4(peer)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(network) & mask == u32::from(peer) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(peer)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(network) & mask == u128::from(peer) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(url: &PublicUrl, target: &str, headers: &[(&str, &str)], peer: &str) -> String {
        url.resolve(Some(target), headers, Some(peer.parse().unwrap()))
            .unwrap()
            .into_owned()
    }

    #[test]
    fn an_exact_url_ignores_the_request() {
        let url = PublicUrl::exact("https://hooks.example.com/twilio?id=7").unwrap();
        let forged = [
            ("X-Forwarded-Host", "evil.example"),
            ("Host", "evil.example"),
        ];
        assert_eq!(
            resolve(&url, "/other", &forged, "10.0.0.1"),
            "https://hooks.example.com/twilio?id=7"
        );
    }

    #[test]
    fn an_origin_takes_the_target_as_received() {
        let url = PublicUrl::origin("HTTPS://hooks.example.com:8443/api/").unwrap();
        assert_eq!(
            resolve(
                &url,
                "/voice?a=%20b&c",
                &[("Host", "evil.example")],
                "10.0.0.1"
            ),
            "https://hooks.example.com:8443/api/voice?a=%20b&c"
        );
        assert_eq!(
            url.resolve(None, &[("Host", "x")][..], None),
            Err(VerifyError::MissingRequestUrl)
        );
    }

    #[test]
    fn forwarded_headers_count_from_trusted_peers_only() {
        let url = PublicUrl::origin("http://internal:8080")
            .unwrap()
            .trust_forwarded_headers_from(["10.0.0.0/8", "::1"])
            .unwrap();
        let headers = [
            ("X-Forwarded-Proto", "http, HTTPS"),
            ("X-Forwarded-Host", "evil.example, hooks.example.com"),
        ];
        assert_eq!(
            resolve(&url, "/t", &headers, "10.20.30.40"),
            "https://hooks.example.com/t"
        );
        assert_eq!(
            resolve(&url, "/t", &headers, "::ffff:10.0.0.1"),
            "https://hooks.example.com/t"
        );
        assert_eq!(
            resolve(&url, "/t", &headers, "::1"),
            "https://hooks.example.com/t"
        );
        assert_eq!(
            resolve(&url, "/t", &headers, "11.0.0.1"),
            "http://internal:8080/t"
        );
        assert_eq!(
            resolve(&url, "/t", &headers, "::2"),
            "http://internal:8080/t"
        );
        // Only what is sent is replaced.
        let proto = [("X-Forwarded-Proto", "https")];
        assert_eq!(
            resolve(&url, "/t", &proto, "10.0.0.1"),
            "https://internal:8080/t"
        );

        for (name, value) in [
            ("X-Forwarded-Proto", "ftp"),
            ("X-Forwarded-Proto", "https,"),
            ("X-Forwarded-Host", "a/b"),
            ("X-Forwarded-Host", "user@host"),
            ("X-Forwarded-Host", ""),
        ] {
            let error = url
                .resolve(
                    Some("/t"),
                    &[(name, value)][..],
                    Some("10.0.0.1".parse().unwrap()),
                )
                .unwrap_err();
            assert_eq!(error.status_code(), 400, "{name}: {value}");
        }
        let long = "a".repeat(MAX_HOST_LEN + 1);
        assert!(
            url.resolve(
                Some("/t"),
                &[("X-Forwarded-Host", long.as_str())][..],
                Some("10.0.0.1".parse().unwrap())
            )
            .is_err()
        );
    }

    #[test]
    fn configuration_is_checked() {
        for bad in [
            "hooks.example.com",
            "ftp://hooks.example.com",
            "https://",
            "https://user@hooks.example.com",
            "https://hooks.example.com/a b",
            "https://hooks.example.com/a#b",
        ] {
            assert!(PublicUrl::exact(bad).is_err(), "{bad}");
        }
        assert!(PublicUrl::origin("https://hooks.example.com/?a=1").is_err());
        assert!(PublicUrl::origin("https://[::1]:8443").is_ok());
        let origin = PublicUrl::origin("https://a.example").unwrap();
        for bad in ["10.0.0.0/33", "::/129", "10.0.0", "host", "10.0.0.1/x"] {
            assert_eq!(
                origin
                    .clone()
                    .trust_forwarded_headers_from([bad])
                    .unwrap_err(),
                ConfigError::InvalidTrustedPeer(bad.to_owned())
            );
        }
        assert!(
            PublicUrl::exact("https://a.example/x")
                .unwrap()
                .trust_forwarded_headers_from(["10.0.0.1"])
                .is_err()
        );
        let all = origin.trust_forwarded_headers_from(["0.0.0.0/0"]).unwrap();
        assert!(format!("{all:?}").contains("https://a.example"));
    }
}
