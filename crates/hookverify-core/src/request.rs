//! [`Request`]: what core sees of a delivery besides its body.

use std::net::IpAddr;

use crate::Headers;

/// The parts of a delivery that core reads before the body: its headers and, for schemes that
/// sign them (Twilio, Square, HubSpot), its method and public URL.
///
/// The public URL is the one the provider called, such as
/// `https://hooks.example.com/webhooks/twilio?id=7`: scheme, host, path and query exactly as
/// the provider sent them. Behind a proxy it differs from what the server sees, and it must
/// never be rebuilt from `Host` or `X-Forwarded-*` headers that a client controls. A caller who
/// knows it gives it with [`url`](Self::url); otherwise the verifier builds it with its
/// [`PublicUrl`](crate::PublicUrl) from the request's [`target`](Self::target) (its path and
/// query as received) and, for trusted proxies, the [`peer`](Self::peer) address. The adapters
/// give the method, target and peer of every request.
///
/// Header-only schemes need nothing but the headers, and every `&H` where `H: Headers` turns
/// into a `Request` (so [`Verifier::begin`](crate::Verifier::begin) takes either).
///
/// # Examples
///
/// ```
/// use hookverify_core::Request;
///
/// let headers = [("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")];
/// let request = Request::new(&headers[..])
///     .method("POST")
///     .url("https://mycompany.com/myapp.php?foo=1&bar=2");
/// assert_eq!(request.url_text(), Some("https://mycompany.com/myapp.php?foo=1&bar=2"));
/// ```
#[derive(Debug)]
pub struct Request<'a, H: ?Sized> {
    headers: &'a H,
    method: Option<&'a str>,
    url: Option<&'a str>,
    target: Option<&'a str>,
    peer: Option<IpAddr>,
}

impl<H: ?Sized> Clone for Request<'_, H> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<H: ?Sized> Copy for Request<'_, H> {}

impl<'a, H: Headers + ?Sized> Request<'a, H> {
    /// A request of `headers` alone.
    pub const fn new(headers: &'a H) -> Self {
        Self {
            headers,
            method: None,
            url: None,
            target: None,
            peer: None,
        }
    }

    /// The request method, such as `POST`.
    #[must_use]
    pub const fn method(mut self, method: &'a str) -> Self {
        self.method = Some(method);
        self
    }

    /// The public URL the provider called, used as it is.
    #[must_use]
    pub const fn url(mut self, url: &'a str) -> Self {
        self.url = Some(url);
        self
    }

    /// The request's target as received: its path and query, such as `/twilio?id=7`. The
    /// verifier's [`PublicUrl`](crate::PublicUrl) puts its origin in front of it.
    #[must_use]
    pub const fn target(mut self, path_and_query: &'a str) -> Self {
        self.target = Some(path_and_query);
        self
    }

    /// The address the connection came from, which decides whether a
    /// [`PublicUrl`](crate::PublicUrl) believes forwarded headers.
    #[must_use]
    pub const fn peer(mut self, address: IpAddr) -> Self {
        self.peer = Some(address);
        self
    }

    /// The headers.
    #[must_use]
    pub const fn headers(&self) -> &'a H {
        self.headers
    }

    /// The method, if given.
    #[must_use]
    pub const fn method_text(&self) -> Option<&'a str> {
        self.method
    }

    /// The public URL, if given.
    #[must_use]
    pub const fn url_text(&self) -> Option<&'a str> {
        self.url
    }

    /// The target (path and query), if given.
    #[must_use]
    pub const fn target_text(&self) -> Option<&'a str> {
        self.target
    }

    /// The peer's address, if given.
    #[must_use]
    pub const fn peer_addr(&self) -> Option<IpAddr> {
        self.peer
    }
}

/// What [`Verifier::begin`](crate::Verifier::begin) and [`Verifier::verify`](crate::Verifier::verify)
/// accept: a [`Request`], or headers alone (any `&H` where `H: Headers`).
pub trait IntoRequest<'a> {
    /// The headers' type.
    type Headers: Headers + ?Sized + 'a;

    /// The request.
    fn into_request(self) -> Request<'a, Self::Headers>;
}

impl<'a, H: Headers + ?Sized> IntoRequest<'a> for &'a H {
    type Headers = H;

    fn into_request(self) -> Request<'a, H> {
        Request::new(self)
    }
}

impl<'a, H: Headers + ?Sized> IntoRequest<'a> for Request<'a, H> {
    type Headers = H;

    fn into_request(self) -> Self {
        self
    }
}
