//! [`Request`]: what core sees of a delivery besides its body.

use crate::Headers;

/// The parts of a delivery that core reads before the body: its headers and, for schemes that
/// sign them (Twilio, Square, HubSpot), its method and public URL.
///
/// The public URL is the one the provider called, such as
/// `https://hooks.example.com/webhooks/twilio?id=7`: scheme, host, path and query exactly as
/// the provider sent them. Behind a proxy it differs from what the server sees, and it must
/// never be rebuilt from `Host` or `X-Forwarded-*` headers that a client controls; the adapters
/// build it from a configured origin.
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
        }
    }

    /// The request method, such as `POST`.
    #[must_use]
    pub const fn method(mut self, method: &'a str) -> Self {
        self.method = Some(method);
        self
    }

    /// The public URL the provider called.
    #[must_use]
    pub const fn url(mut self, url: &'a str) -> Self {
        self.url = Some(url);
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
