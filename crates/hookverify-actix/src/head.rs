//! What core reads of a request before its body.

use actix_http::header::HeaderMap;
use actix_web::dev::RequestHead;

/// The headers, and for the schemes that sign them, the method, the path and query as
/// received, and the peer's address (for a [`PublicUrl`](hookverify_core::PublicUrl) that
/// trusts forwarded headers from some peers). actix-web keeps the whole path in every scope.
pub(crate) fn core_request(head: &RequestHead) -> hookverify_core::Request<'_, HeaderMap> {
    let request = hookverify_core::Request::new(&head.headers)
        .method(head.method.as_str())
        .target(target(head));
    match head.peer_addr {
        Some(peer) => request.peer(peer.ip()),
        None => request,
    }
}

/// What a [`Tenants`](hookverify_replay::Tenants) resolver reads to name the tenant.
pub(crate) fn tenant_head(head: &RequestHead) -> hookverify_replay::Head<'_> {
    hookverify_replay::Head::new(head.method.as_str(), target(head), &head.headers)
}

/// The path and query as received.
fn target(head: &RequestHead) -> &str {
    head.uri
        .path_and_query()
        .map_or("/", |target| target.as_str())
}
