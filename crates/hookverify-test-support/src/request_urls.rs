//! How both adapters give the request-signing schemes (Twilio, Square, HubSpot) their public
//! URL, written once: each adapter's test hands [`the_signed_url_is_the_configured_public_url`]
//! a function that serves a verifier on [`PATH`] and returns the address.
//!
//! A forged `Host` or `X-Forwarded-*` header never changes the URL; a trusted proxy's does.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use hookverify_core::{PublicUrl, Scheme, SignOptions, Verifier};

use crate::{Connection, Response, request_head};

/// The path and query every server under test routes to the verified handler, which answers
/// 200. A server may mount it under a nested router or scope.
pub const PATH: &str = "/hooks/twilio?tenant=7";

/// Twilio's form body of its documented example.
const BODY: &[u8] = b"CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212";

const AUTH_TOKEN: &str = "12345";

/// Patience for one answer on loopback.
const PATIENCE: Duration = Duration::from_secs(10);

/// One delivery: the URL it was signed for, and the headers sent besides the signature.
async fn deliver(
    addr: SocketAddr,
    scheme: &Scheme,
    signed_for: &str,
    extra: &[(&str, &str)],
) -> Response {
    let signer = Verifier::builder(scheme.clone())
        .secret(AUTH_TOKEN)
        .build()
        .expect("a signer");
    let options = SignOptions::at(SystemTime::now()).url(signed_for);
    let mut headers = signer.sign(BODY, &options).expect("signing");
    headers.push((
        "Content-Type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    ));
    headers.extend(
        extra
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
    );
    let mut request = request_head("POST", PATH, &headers, Some(BODY.len())).into_bytes();
    request.extend_from_slice(BODY);
    let mut connection = Connection::open(addr).await;
    connection.send(request).await.expect("the request is sent");
    connection
        .response(PATIENCE)
        .await
        .expect("the server answers")
}

fn verifier(scheme: &Scheme, public_url: Option<PublicUrl>) -> Verifier {
    let builder = Verifier::builder(scheme.clone()).secret(AUTH_TOKEN);
    match public_url {
        Some(url) => builder.public_url(url),
        None => builder,
    }
    .build()
    .expect("a verifier")
}

/// Every way of configuring the public URL, against a server that `serve` starts for each
/// verifier.
///
/// # Panics
///
/// When the server answers otherwise.
pub async fn the_signed_url_is_the_configured_public_url<F>(serve: F)
where
    F: AsyncFn(Verifier) -> SocketAddr,
{
    let forged = [
        ("Host", "evil.example"),
        ("X-Forwarded-Host", "evil.example"),
        ("X-Forwarded-Proto", "http"),
    ];
    for scheme in [Scheme::twilio(), Scheme::square()] {
        let name = scheme.name().to_owned();

        // An origin, then the path and query as received; forged headers change nothing.
        let origin = PublicUrl::origin("https://hooks.example.com").expect("an origin");
        let addr = serve(verifier(&scheme, Some(origin))).await;
        let public = format!("https://hooks.example.com{PATH}");
        let answer = deliver(addr, &scheme, &public, &forged).await;
        assert_eq!(answer.status, 200, "{name}, origin: {}", answer.head);
        let elsewhere = format!("https://evil.example{PATH}");
        let answer = deliver(addr, &scheme, &elsewhere, &forged).await;
        assert_eq!(answer.status, 401, "{name}, forged host: {}", answer.head);

        // An exact URL, whatever the request's path.
        let exact = PublicUrl::exact("https://hooks.example.com/twilio/voice").expect("a URL");
        let addr = serve(verifier(&scheme, Some(exact))).await;
        let answer = deliver(addr, &scheme, "https://hooks.example.com/twilio/voice", &[]).await;
        assert_eq!(answer.status, 200, "{name}, exact: {}", answer.head);
        let answer = deliver(addr, &scheme, &public, &[]).await;
        assert_eq!(answer.status, 401, "{name}, exact: {}", answer.head);

        // Forwarded headers from a trusted peer (this test connects from 127.0.0.1).
        let proxied = [
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", "hooks.example.com"),
        ];
        let internal = format!("http://internal:8080{PATH}");
        let trusting = PublicUrl::origin("http://internal:8080")
            .and_then(|url| url.trust_forwarded_headers_from(["127.0.0.0/8", "::1"]))
            .expect("an origin");
        let addr = serve(verifier(&scheme, Some(trusting))).await;
        let answer = deliver(addr, &scheme, &public, &proxied).await;
        assert_eq!(answer.status, 200, "{name}, trusted proxy: {}", answer.head);
        let answer = deliver(addr, &scheme, &internal, &[]).await;
        assert_eq!(
            answer.status, 200,
            "{name}, no forwarded headers: {}",
            answer.head
        );
        let bad = [("X-Forwarded-Host", "evil.example/path")];
        let answer = deliver(addr, &scheme, &public, &bad).await;
        assert_eq!(
            answer.status, 400,
            "{name}, malformed forwarded host: {}",
            answer.head
        );

        // ... and from anyone else, ignored.
        let elsewhere_trusted = PublicUrl::origin("http://internal:8080")
            .and_then(|url| url.trust_forwarded_headers_from(["10.0.0.0/8"]))
            .expect("an origin");
        let addr = serve(verifier(&scheme, Some(elsewhere_trusted))).await;
        let answer = deliver(addr, &scheme, &public, &proxied).await;
        assert_eq!(
            answer.status, 401,
            "{name}, untrusted proxy: {}",
            answer.head
        );
        let answer = deliver(addr, &scheme, &internal, &proxied).await;
        assert_eq!(
            answer.status, 200,
            "{name}, untrusted proxy: {}",
            answer.head
        );

        // Nothing configured: the server's mistake, not the delivery's.
        let addr = serve(verifier(&scheme, None)).await;
        let answer = deliver(addr, &scheme, &public, &[]).await;
        assert_eq!(answer.status, 500, "{name}, unconfigured: {}", answer.head);
    }
}
