#!/usr/bin/env python3
"""Interop harness: drives the providers' official Python SDKs for hookverify's tests.

Reads one JSON request per line on stdin and writes exactly one JSON reply per line on
stdout until EOF (see ../README.md for the protocol and, per preset, which SDK function is
called). Nothing else is ever written to stdout: SDK output and logs go to stderr.

Every SDK call is made the way the SDK documents it; the harness only does what the web
framework would do around it (collect headers, hand over the raw body, parse a form body for
Twilio, read Mailgun's fields out of the body). Where an SDK takes the body as `str`, the
body is decoded as strict UTF-8 and a body that is not UTF-8 is reported as a failure, with
that reason.
"""

import base64
import binascii
import json
import secrets as _secrets
import sys
import time
import traceback
from datetime import datetime, timezone
from urllib.parse import parse_qs, parse_qsl, urlsplit

# The protocol owns the real stdout. Anything an SDK prints (discord-interactions prints the
# exception of a failed verification) goes to stderr instead.
_OUT = sys.stdout
sys.stdout = sys.stderr


def _log(message):
    print(f"[harness.py] {message}", file=sys.stderr, flush=True)


# --- the SDKs: each imported on its own, so one that fails to import only drops its presets

_SDK = {}


def _load(key, loader):
    try:
        _SDK[key] = loader()
    except Exception as error:  # noqa: BLE001 - any import failure drops the presets
        _log(f"SDK {key!r} unavailable: {error!r}")


def _load_stripe():
    import stripe

    return stripe


def _load_standardwebhooks():
    import standardwebhooks

    return standardwebhooks


def _load_svix():
    import svix.webhooks

    return svix.webhooks


def _load_slack():
    from slack_sdk import signature

    return signature


def _load_twilio():
    from twilio import request_validator

    return request_validator


def _load_sendgrid():
    from sendgrid.helpers.eventwebhook import EventWebhook, EventWebhookHeader

    return EventWebhook, EventWebhookHeader


def _load_hubspot():
    from hubspot.utils.signature import Signature

    return Signature


def _load_square():
    from square.utils.webhooks_helper import verify_signature

    return verify_signature


def _load_paddle():
    from paddle_billing.Notifications import Secret, Verifier

    return Secret, Verifier


def _load_box():
    from box_sdk_gen.managers.webhooks import WebhooksManager

    return WebhooksManager


def _load_mailgun():
    from mailgun.security import SecurityGuard

    return SecurityGuard


def _load_discord():
    import discord_interactions

    return discord_interactions


for _key, _loader in [
    ("stripe", _load_stripe),
    ("standardwebhooks", _load_standardwebhooks),
    ("svix", _load_svix),
    ("slack", _load_slack),
    ("twilio", _load_twilio),
    ("sendgrid", _load_sendgrid),
    ("hubspot", _load_hubspot),
    ("square", _load_square),
    ("paddle", _load_paddle),
    ("box", _load_box),
    ("mailgun", _load_mailgun),
    ("discord", _load_discord),
]:
    _load(_key, _loader)


# --- request plumbing


class Rejected(Exception):
    """The SDK said no (returned False) or the delivery lacks what the SDK needs."""


class Headers:
    """The request's headers as a framework hands them over: case-insensitive, first wins."""

    def __init__(self, pairs):
        self._pairs = []
        if pairs is None:
            pairs = []
        if not isinstance(pairs, list):
            raise ValueError("headers must be a list of [name, value]")
        for pair in pairs:
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise ValueError(f"a header must be [name, value], got {pair!r}")
            name, value = pair
            if not isinstance(name, str) or not isinstance(value, str):
                raise ValueError(f"a header name and value must be strings, got {pair!r}")
            self._pairs.append((name, value))

    def get(self, name, default=None):
        lowered = name.lower()
        for key, value in self._pairs:
            if key.lower() == lowered:
                return value
        return default

    def __contains__(self, name):
        return self.get(name) is not None

    def __getitem__(self, name):
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def require(self, name):
        value = self.get(name)
        if value is None:
            raise Rejected(f"missing header {name}")
        return value

    def as_dict(self):
        """A plain dict with the names as sent (first of each name, case-insensitively)."""
        out = {}
        seen = set()
        for key, value in self._pairs:
            if key.lower() not in seen:
                seen.add(key.lower())
                out[key] = value
        return out

    def as_lower_dict(self):
        return {key.lower(): value for key, value in self.as_dict().items()}


class Req:
    def __init__(self, raw):
        if not isinstance(raw, dict):
            raise ValueError("a request must be a JSON object")
        self.preset = raw.get("preset")
        self.secret = raw.get("secret")
        if not isinstance(self.secret, str):
            raise ValueError("secret must be a string")
        body_b64 = raw.get("body_b64", "")
        if not isinstance(body_b64, str):
            raise ValueError("body_b64 must be a string")
        try:
            self.body = base64.b64decode(body_b64, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError(f"body_b64 is not base64: {error}") from None
        self.headers = Headers(raw.get("headers", []))
        self.url = raw.get("url")
        if self.url is not None and not isinstance(self.url, str):
            raise ValueError("url must be a string or null")
        self.method = raw.get("method") or "POST"
        if not isinstance(self.method, str):
            raise ValueError("method must be a string")
        self.now = _optional_int(raw, "now")
        self.timestamp = _optional_int(raw, "timestamp")
        self.id = raw.get("id")
        if self.id is not None and not isinstance(self.id, str):
            raise ValueError("id must be a string or null")

    def text(self, sdk_function):
        """The body as str, for SDK functions that take it so (strict UTF-8)."""
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise Rejected(
                f"body is not valid UTF-8 ({error}); {sdk_function} takes the body as str"
            ) from None

    def need_url(self):
        if not self.url:
            raise Rejected("this preset signs the URL: pass url")
        return self.url

    def need_timestamp(self):
        if self.timestamp is None:
            raise ValueError("sign needs timestamp")
        return self.timestamp


def _optional_int(raw, key):
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be an integer (Unix seconds) or null")
    return value


def _expect(result, what):
    if result is not True:
        raise Rejected(f"{what} returned {result!r}")


class _FormParams(dict):
    """Form fields as Django's QueryDict offers them: `getlist` gives every value of a name,
    which twilio's RequestValidator.get_values uses for a repeated parameter."""

    def getlist(self, name):
        return list(self[name])


def _form_params(req, sdk_function):
    # What a framework does with an application/x-www-form-urlencoded body: split on `&`,
    # `+` is a space, %XX escapes are UTF-8, blank values kept (Twilio sends empty fields).
    text = req.text(sdk_function)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise Rejected(f"a form field's %-escapes are not UTF-8: {error}") from None
    params = _FormParams()
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    return params


def _twilio_json_variant(url):
    # Twilio's JSON webhooks carry the body's SHA-256 in the URL's bodySHA256 parameter.
    return "bodySHA256" in parse_qs(urlsplit(url).query, keep_blank_values=True)


# --- verify: one function per preset; return normally when the SDK accepts


def verify_stripe(req):
    stripe = _SDK["stripe"]
    tolerance = stripe.Webhook.DEFAULT_TOLERANCE
    if req.now is not None:
        # verify_header rejects `timestamp < time.time() - tolerance`; shifting the tolerance
        # by (real clock - now) makes that `timestamp < now - 300` (the 0.5 s absorbs the
        # time spent before the SDK reads the clock, so integer boundaries stay exact).
        tolerance = tolerance + (time.time() - req.now) + 0.5
    # bytes are accepted: the SDK decodes them as UTF-8 itself (raising if they are not).
    stripe.WebhookSignature.verify_header(
        req.body, req.headers.get("Stripe-Signature"), req.secret, tolerance
    )


def verify_standard_webhooks(req):
    wh = _SDK["standardwebhooks"].Webhook(req.secret)
    # The SDK checks freshness against the real clock (no way to pass `now`).
    wh.verify(req.body, req.headers.as_dict(), json_parse=False)


def verify_svix(req):
    wh = _SDK["svix"].Webhook(req.secret)
    # Real clock too (svix delegates to standardwebhooks); verify does not parse JSON.
    wh.verify(req.body, req.headers.as_dict())


class _FixedClock:
    def __init__(self, now):
        self._now = now

    def now(self):
        return float(self._now)


def verify_slack(req):
    signature = _SDK["slack"]
    clock = _FixedClock(req.now) if req.now is not None else signature.Clock()
    verifier = signature.SignatureVerifier(req.secret, clock=clock)
    # bytes are accepted: generate_signature decodes them as UTF-8 (raising if they are not).
    _expect(
        verifier.is_valid_request(req.body, req.headers.as_dict()),
        "SignatureVerifier.is_valid_request",
    )


def verify_twilio(req):
    rv = _SDK["twilio"]
    url = req.need_url()
    signature = req.headers.require(rv.SIGNATURE_HEADER)
    algorithm = rv.get_signature_algorithm(req.headers.get(rv.SIGNATURE_SETTINGS_HEADER))
    if _twilio_json_variant(url):
        # The SDK takes the raw body as str and checks its SHA-256 against bodySHA256.
        params = req.text("RequestValidator.validate")
    else:
        params = _form_params(req, "RequestValidator.validate")
    validator = rv.RequestValidator(req.secret)
    _expect(validator.validate(url, params, signature, algorithm), "RequestValidator.validate")


def verify_sendgrid(req):
    event_webhook, header = _SDK["sendgrid"]
    signature = req.headers.require(header.SIGNATURE)
    timestamp = req.headers.require(header.TIMESTAMP)
    # `secret` is SendGrid's verification key as shown: base64 of the DER public key.
    verifier = event_webhook(public_key=req.secret)
    _expect(
        verifier.verify_signature(req.text("EventWebhook.verify_signature"), signature, timestamp),
        "EventWebhook.verify_signature",
    )


_HUBSPOT_VERSIONS = {"hubspot-v1": "v1", "hubspot-v2": "v2", "hubspot-v3": "v3"}


def verify_hubspot(req):
    sig = _SDK["hubspot"]
    version = _HUBSPOT_VERSIONS[req.preset]
    if version == "v3":
        signature = req.headers.require("X-HubSpot-Signature-v3")
        timestamp = req.headers.require("X-HubSpot-Request-Timestamp")
    else:
        signature = req.headers.require("X-HubSpot-Signature")
        timestamp = None
    # v3's timestamp (milliseconds) is checked against the real clock, past side only.
    _expect(
        sig.is_valid(
            signature=signature,
            client_secret=req.secret,
            request_body=req.text("Signature.is_valid"),
            http_uri=req.url,
            http_method=req.method,
            signature_version=version,
            timestamp=timestamp,
        ),
        "Signature.is_valid",
    )


def verify_square(req):
    verify_signature = _SDK["square"]
    _expect(
        verify_signature(
            request_body=req.text("webhooks_helper.verify_signature"),
            signature_header=req.headers.require("x-square-hmacsha256-signature"),
            signature_key=req.secret,
            notification_url=req.need_url(),
        ),
        "square.utils.webhooks_helper.verify_signature",
    )


class _PaddleRequest:
    """The `Request` protocol paddle_billing's Verifier reads: `.headers.get(...)`, `.body`."""

    def __init__(self, headers, body):
        self.headers = headers
        self.body = body


def verify_paddle(req):
    secret_cls, verifier_cls = _SDK["paddle"]
    # Verifier checks the 5 s window against the real clock, both sides. It decodes the
    # body as UTF-8 itself.
    _expect(
        verifier_cls().verify(_PaddleRequest(req.headers, req.body), secret_cls(req.secret)),
        "Verifier.verify",
    )


def verify_box(req):
    manager = _SDK["box"]
    # validate_message reads lower-case header names; real clock: at most 600 s old and
    # never in the future. `secret` is the primary key.
    _expect(
        manager.validate_message(
            req.text("WebhooksManager.validate_message"), req.headers.as_lower_dict(), req.secret
        ),
        "WebhooksManager.validate_message",
    )


def _mailgun_fields(req):
    # What the receiving app does: a webhook's JSON carries signature.{timestamp, token,
    # signature}; a route's form carries the three as fields.
    if req.body.lstrip()[:1] == b"{":
        try:
            document = json.loads(req.body)
        except ValueError as error:
            raise Rejected(f"body is not JSON: {error}") from None
        fields = document.get("signature") if isinstance(document, dict) else None
        if not isinstance(fields, dict):
            raise Rejected("no signature object in the JSON body")
        get = fields.get
    else:
        params = _form_params(req, "SecurityGuard.verify_webhook")
        get = lambda name: params.get(name, [None])[0]  # noqa: E731
    values = {name: get(name) for name in ("timestamp", "token", "signature")}
    missing = [name for name, value in values.items() if value is None]
    if missing:
        raise Rejected(f"missing field(s) {', '.join(missing)}")
    return values


def verify_mailgun(req):
    guard = _SDK["mailgun"]
    fields = _mailgun_fields(req)
    # Real clock, 900 s both sides.
    _expect(
        guard.verify_webhook(req.secret, fields["token"], fields["timestamp"], fields["signature"]),
        "SecurityGuard.verify_webhook",
    )


def verify_discord(req):
    discord = _SDK["discord"]
    # `secret` is the application's public key in hex. The SDK checks no freshness.
    _expect(
        discord.verify_key(
            req.body,
            req.headers.require("X-Signature-Ed25519"),
            req.headers.require("X-Signature-Timestamp"),
            req.secret,
        ),
        "verify_key",
    )


# --- sign: only where the SDK itself builds the signature


def sign_stripe(req):
    stripe = _SDK["stripe"]
    header = stripe.WebhookSignature.generate_signature_header(
        req.text("WebhookSignature.generate_signature_header"), req.secret, req.need_timestamp()
    )
    return [["Stripe-Signature", header]]


def _message_id(req):
    return req.id if req.id is not None else "msg_" + _secrets.token_hex(12)


def sign_standard_webhooks(req):
    timestamp = req.need_timestamp()
    msg_id = _message_id(req)
    signature = _SDK["standardwebhooks"].Webhook(req.secret).sign(
        msg_id, datetime.fromtimestamp(timestamp, tz=timezone.utc), req.body
    )
    return [
        ["webhook-id", msg_id],
        ["webhook-timestamp", str(timestamp)],
        ["webhook-signature", signature],
    ]


def sign_svix(req):
    timestamp = req.need_timestamp()
    msg_id = _message_id(req)
    signature = _SDK["svix"].Webhook(req.secret).sign(
        msg_id, datetime.fromtimestamp(timestamp, tz=timezone.utc), req.body
    )
    return [
        ["svix-id", msg_id],
        ["svix-timestamp", str(timestamp)],
        ["svix-signature", signature],
    ]


def sign_slack(req):
    timestamp = str(req.need_timestamp())
    verifier = _SDK["slack"].SignatureVerifier(req.secret)
    signature = verifier.generate_signature(timestamp=timestamp, body=req.body)
    return [["X-Slack-Request-Timestamp", timestamp], ["X-Slack-Signature", signature]]


def sign_twilio(req):
    rv = _SDK["twilio"]
    url = req.need_url()
    params = {} if _twilio_json_variant(url) else _form_params(req, "compute_signature")
    signature = rv.RequestValidator(req.secret).compute_signature(url, params)
    return [[rv.SIGNATURE_HEADER, signature]]


def sign_hubspot(req):
    sig = _SDK["hubspot"]
    version = _HUBSPOT_VERSIONS[req.preset]
    timestamp = str(req.need_timestamp() * 1000) if version == "v3" else None
    if version in ("v2", "v3"):
        req.need_url()
    signature = sig.get_signature(
        req.secret,
        req.text("Signature.get_signature"),
        version,
        http_uri=req.url,
        http_method=req.method,
        timestamp=timestamp,
    )
    if version == "v3":
        return [["X-HubSpot-Signature-v3", signature], ["X-HubSpot-Request-Timestamp", timestamp]]
    return [["X-HubSpot-Signature", signature], ["X-HubSpot-Signature-Version", version]]


# preset -> (SDK key, verify function, sign function or None)
PRESETS = {
    "stripe": ("stripe", verify_stripe, sign_stripe),
    "standard-webhooks": ("standardwebhooks", verify_standard_webhooks, sign_standard_webhooks),
    "svix": ("svix", verify_svix, sign_svix),
    "slack": ("slack", verify_slack, sign_slack),
    "twilio": ("twilio", verify_twilio, sign_twilio),
    "sendgrid": ("sendgrid", verify_sendgrid, None),
    "hubspot-v1": ("hubspot", verify_hubspot, sign_hubspot),
    "hubspot-v2": ("hubspot", verify_hubspot, sign_hubspot),
    "hubspot-v3": ("hubspot", verify_hubspot, sign_hubspot),
    "square": ("square", verify_square, None),
    "paddle": ("paddle", verify_paddle, None),
    "box": ("box", verify_box, None),
    "mailgun": ("mailgun", verify_mailgun, None),
    "discord": ("discord", verify_discord, None),
}


def _available(op_index):
    return [
        name
        for name, entry in PRESETS.items()
        if entry[0] in _SDK and entry[op_index] is not None
    ]


def _describe(error):
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"


def handle(raw):
    if not isinstance(raw, dict):
        return {"error": "a request must be a JSON object"}
    op = raw.get("op")
    if op == "presets":
        return {"verify": _available(1), "sign": _available(2)}
    if op not in ("verify", "sign"):
        return {"error": f"unknown op {op!r}"}
    preset = raw.get("preset")
    entry = PRESETS.get(preset) if isinstance(preset, str) else None
    index = 1 if op == "verify" else 2
    if entry is None or entry[0] not in _SDK or entry[index] is None:
        return {"error": "unsupported"}
    try:
        req = Req(raw)
    except (ValueError, TypeError) as error:
        return {"ok": False, "error": f"bad request: {error}"} if op == "verify" else {
            "error": f"bad request: {error}"
        }
    if op == "verify":
        try:
            entry[1](req)
        except Exception as error:  # noqa: BLE001 - any SDK exception is a rejection
            return {"ok": False, "error": _describe(error)}
        return {"ok": True}
    try:
        headers = entry[2](req)
    except Exception as error:  # noqa: BLE001
        return {"error": _describe(error)}
    return {"headers": headers}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except ValueError as error:
            reply = {"error": f"bad request: not JSON: {error}"}
        else:
            try:
                reply = handle(raw)
            except Exception as error:  # noqa: BLE001 - the harness never crashes
                _log(traceback.format_exc())
                reply = {"error": f"harness error: {_describe(error)}"}
                if isinstance(raw, dict) and raw.get("op") == "verify":
                    reply = {"ok": False, **reply}
        _OUT.write(json.dumps(reply) + "\n")
        _OUT.flush()


if __name__ == "__main__":
    main()
