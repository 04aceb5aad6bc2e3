// Interop harness: drives the providers' official Node SDKs for hookverify's tests.
//
// Reads one JSON request per line on stdin and writes exactly one JSON reply per line on
// stdout until EOF (see ../README.md for the protocol and, per preset, which SDK function is
// called). Nothing else is ever written to stdout: console output goes to stderr.
//
// Every SDK call is made the way the SDK documents it; the harness only does what the web
// framework would do around it (collect headers, hand over the raw body, parse a form body for
// Twilio). The raw body is handed over as a Buffer where the SDK takes one; where it takes a
// string, the body is decoded as strict UTF-8 (BOM kept) and a body that is not UTF-8 is
// reported as a failure, with that reason.

import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { Buffer } from 'node:buffer';

// The protocol owns stdout: route every console method to stderr.
for (const name of ['log', 'info', 'debug', 'warn', 'trace']) {
  console[name] = (...args) => console.error(...args);
}
const send = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const log = (message) => console.error(`[harness.mjs] ${message}`);

// --- the SDKs: each imported on its own, so one that fails to load only drops its presets

const SDK = {};
async function load(key, loader) {
  try {
    SDK[key] = await loader();
  } catch (error) {
    log(`SDK ${key} unavailable: ${error && error.stack ? error.stack : error}`);
  }
}

await load('stripe', async () => {
  const { default: Stripe } = await import('stripe');
  // No request is ever made: only the webhook helpers are used.
  return new Stripe('sk_test_interop_harness_offline');
});
await load('standardwebhooks', async () => (await import('standardwebhooks')).Webhook);
await load('svix', async () => (await import('svix')).Webhook);
await load('slack', async () => (await import('@slack/bolt')).verifySlackRequest);
await load('twilio', async () => (await import('twilio')).default);
await load('octokit', async () => await import('@octokit/webhooks-methods'));
await load('discord', async () => (await import('discord-interactions')).verifyKey);
await load('paddle', async () => {
  const { Paddle } = await import('@paddle/paddle-node-sdk');
  // No request is ever made: only paddle.webhooks is used.
  return new Paddle('pdl_sdbx_apikey_interop_harness_offline');
});
await load('square', async () => (await import('square')).WebhooksHelper);
await load('sendgrid', async () => (await import('@sendgrid/eventwebhook')).default);
await load('hubspot', async () => (await import('@hubspot/api-client')).Signature);
await load('box', async () => (await import('box-node-sdk/lib/managers/webhooks')).WebhooksManager);
await load('linear', async () => (await import('@linear/sdk/webhooks')).LinearWebhookClient);

// --- request plumbing

class Rejected extends Error {
  constructor(message) {
    super(message);
    this.name = 'Rejected';
  }
}

class Headers {
  constructor(pairs) {
    if (pairs === undefined || pairs === null) pairs = [];
    if (!Array.isArray(pairs)) throw new TypeError('headers must be a list of [name, value]');
    this.pairs = pairs.map((pair) => {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
        throw new TypeError(`a header must be [name, value] strings, got ${JSON.stringify(pair)}`);
      }
      return pair;
    });
  }

  get(name) {
    const lowered = name.toLowerCase();
    const found = this.pairs.find(([key]) => key.toLowerCase() === lowered);
    return found ? found[1] : undefined;
  }

  require(name) {
    const value = this.get(name);
    if (value === undefined) throw new Rejected(`missing header ${name}`);
    return value;
  }

  // Node's IncomingMessage.headers: lower-case names, first of each name.
  lowerObject() {
    const out = {};
    for (const [key, value] of this.pairs) {
      const lowered = key.toLowerCase();
      if (!(lowered in out)) out[lowered] = value;
    }
    return out;
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function optionalInt(raw, key) {
  const value = raw[key];
  if (value === undefined || value === null) return null;
  if (!Number.isSafeInteger(value)) throw new TypeError(`${key} must be an integer (Unix seconds) or null`);
  return value;
}

function optionalString(raw, key) {
  const value = raw[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new TypeError(`${key} must be a string or null`);
  return value;
}

class Req {
  constructor(raw) {
    this.preset = raw.preset;
    if (typeof raw.secret !== 'string') throw new TypeError('secret must be a string');
    this.secret = raw.secret;
    const b64 = raw.body_b64 === undefined ? '' : raw.body_b64;
    if (typeof b64 !== 'string' || !BASE64.test(b64)) throw new TypeError('body_b64 must be base64');
    this.body = Buffer.from(b64, 'base64');
    this.headers = new Headers(raw.headers);
    this.url = optionalString(raw, 'url');
    this.method = optionalString(raw, 'method') || 'POST';
    this.now = optionalInt(raw, 'now');
    this.timestamp = optionalInt(raw, 'timestamp');
    this.id = optionalString(raw, 'id');
  }

  // The body as a string, for SDK functions that take it so: strict UTF-8, BOM kept.
  text(sdkFunction) {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(this.body);
    } catch {
      throw new Rejected(`body is not valid UTF-8; ${sdkFunction} takes the body as a string`);
    }
  }

  needUrl() {
    if (!this.url) throw new Rejected('this preset signs the URL: pass url');
    return this.url;
  }

  needTimestamp() {
    if (this.timestamp === null) throw new TypeError('sign needs timestamp');
    return this.timestamp;
  }

  messageId() {
    return this.id !== null ? this.id : `msg_${randomBytes(12).toString('hex')}`;
  }
}

function expect(result, what) {
  if (result !== true) throw new Rejected(`${what} returned ${JSON.stringify(result)}`);
}

// What a framework's form parser hands a Twilio app (express.urlencoded({ extended: false })):
// name -> value, or an array of values for a repeated name. As in the WHATWG
// application/x-www-form-urlencoded parser, pairs split on `&`, `+` is a space and %XX a byte
// (a malformed escape stays as it is); unlike it, the bytes must be UTF-8 (no U+FFFD
// replacement), so a body Twilio could not have sent is refused rather than re-signed.
function decodeFormComponent(component) {
  const raw = Buffer.from(component.replace(/\+/g, ' '), 'utf8');
  const bytes = [];
  const hex = (byte) => (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
  for (let i = 0; i < raw.length; i += 1) {
    if (raw[i] === 0x25 && i + 2 < raw.length && hex(raw[i + 1]) && hex(raw[i + 2])) {
      bytes.push(parseInt(String.fromCharCode(raw[i + 1], raw[i + 2]), 16));
      i += 2;
    } else {
      bytes.push(raw[i]);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(bytes));
  } catch {
    throw new Rejected(`a form field's %-escapes are not UTF-8: ${JSON.stringify(component)}`);
  }
}

function formParams(req, sdkFunction) {
  const text = req.text(sdkFunction);
  const params = {};
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const name = decodeFormComponent(at === -1 ? pair : pair.slice(0, at));
    const value = decodeFormComponent(at === -1 ? '' : pair.slice(at + 1));
    if (!Object.prototype.hasOwnProperty.call(params, name)) params[name] = value;
    else if (Array.isArray(params[name])) params[name].push(value);
    else params[name] = [params[name], value];
  }
  return params;
}

function twilioJsonVariant(url) {
  const query = url.indexOf('?');
  if (query === -1) return false;
  return new URLSearchParams(url.slice(query + 1).split('#')[0]).has('bodySHA256');
}

// --- verify: one function per preset; return normally when the SDK accepts

async function verifyStripe(req) {
  // verifyHeader takes a Buffer (it decodes it with TextDecoder itself) and `receivedAt`
  // (milliseconds) for the tolerance check. It throws on failure.
  const receivedAt = req.now !== null ? req.now * 1000 : undefined;
  SDK.stripe.webhooks.signature.verifyHeader(
    req.body,
    req.headers.get('Stripe-Signature'),
    req.secret,
    SDK.stripe.webhooks.DEFAULT_TOLERANCE,
    undefined,
    receivedAt,
  );
}

async function verifyStandardWebhooks(req) {
  // Freshness is checked against the real clock (no way to pass `now`).
  new SDK.standardwebhooks(req.secret).verify(req.body, req.headers.lowerObject(), { jsonParse: false });
}

async function verifySvix(req) {
  // Real clock. svix's verify always JSON.parses a non-empty body after the signature check,
  // so a non-JSON body fails here with a SyntaxError even when its signature matched.
  try {
    new SDK.svix(req.secret).verify(req.body, req.headers.lowerObject());
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new Rejected(`signature matched, then svix's verify failed to parse the body as JSON: ${error.message}`);
    }
    throw error;
  }
}

async function verifySlack(req) {
  // As Bolt's own receivers call it: the raw body as a string, the timestamp as a number.
  SDK.slack({
    signingSecret: req.secret,
    body: req.text('verifySlackRequest'),
    headers: {
      'x-slack-signature': req.headers.require('X-Slack-Signature'),
      'x-slack-request-timestamp': Number(req.headers.require('X-Slack-Request-Timestamp')),
    },
    nowMilliseconds: req.now !== null ? req.now * 1000 : undefined,
  });
}

async function verifyTwilio(req) {
  const twilio = SDK.twilio;
  const url = req.needUrl();
  const signature = req.headers.require(twilio.SIGNATURE_HEADER);
  const algorithm = twilio.getSignatureAlgorithm(req.headers.get(twilio.SIGNATURE_SETTINGS_HEADER));
  if (twilioJsonVariant(url)) {
    expect(
      twilio.validateRequestWithBody(req.secret, signature, url, req.text('validateRequestWithBody'), algorithm),
      'validateRequestWithBody',
    );
  } else {
    expect(
      twilio.validateRequest(req.secret, signature, url, formParams(req, 'validateRequest'), algorithm),
      'validateRequest',
    );
  }
}

async function verifyGithub(req) {
  expect(
    await SDK.octokit.verify(req.secret, req.text('verify'), req.headers.require('X-Hub-Signature-256')),
    'verify',
  );
}

async function verifyDiscord(req) {
  // `secret` is the application's public key in hex. The SDK checks no freshness.
  expect(
    await SDK.discord(
      req.body,
      req.headers.require('X-Signature-Ed25519'),
      req.headers.require('X-Signature-Timestamp'),
      req.secret,
    ),
    'verifyKey',
  );
}

async function verifyPaddle(req) {
  // Real clock: rejects a timestamp more than 5 s old (future ones are not checked).
  expect(
    await SDK.paddle.webhooks.isSignatureValid(
      req.text('webhooks.isSignatureValid'),
      req.secret,
      req.headers.require('Paddle-Signature'),
    ),
    'webhooks.isSignatureValid',
  );
}

async function verifySquare(req) {
  expect(
    await SDK.square.verifySignature({
      requestBody: req.text('WebhooksHelper.verifySignature'),
      signatureHeader: req.headers.require('x-square-hmacsha256-signature'),
      signatureKey: req.secret,
      notificationUrl: req.needUrl(),
    }),
    'WebhooksHelper.verifySignature',
  );
}

async function verifySendgrid(req) {
  const { EventWebhook, EventWebhookHeader } = SDK.sendgrid;
  const eventWebhook = new EventWebhook();
  // `secret` is SendGrid's verification key as shown: base64 of the DER public key.
  const key = eventWebhook.convertPublicKeyToECDSA(req.secret);
  expect(
    eventWebhook.verifySignature(
      key,
      req.body, // a Buffer, which the SDK turns into a string with Buffer#toString()
      req.headers.require(EventWebhookHeader.SIGNATURE()),
      req.headers.require(EventWebhookHeader.TIMESTAMP()),
    ),
    'EventWebhook.verifySignature',
  );
}

const HUBSPOT_VERSIONS = { 'hubspot-v1': 'v1', 'hubspot-v2': 'v2', 'hubspot-v3': 'v3' };

async function verifyHubspot(req) {
  const version = HUBSPOT_VERSIONS[req.preset];
  const v3 = version === 'v3';
  // v3's timestamp (milliseconds) is checked against the real clock, past side only. It is
  // passed as the header's text, so the signed string is exactly what was received.
  expect(
    SDK.hubspot.isValid({
      signatureVersion: version,
      signature: req.headers.require(v3 ? 'X-HubSpot-Signature-v3' : 'X-HubSpot-Signature'),
      clientSecret: req.secret,
      requestBody: req.text('Signature.isValid'),
      url: req.url === null ? undefined : req.url,
      method: req.method,
      timestamp: v3 ? req.headers.require('X-HubSpot-Request-Timestamp') : undefined,
    }),
    'Signature.isValid',
  );
}

async function verifyBox(req) {
  // validateMessage reads lower-case header names; real clock: at most 600 s old and never in
  // the future. `secret` is the primary key.
  expect(
    await SDK.box.validateMessage(req.text('WebhooksManager.validateMessage'), req.headers.lowerObject(), req.secret),
    'WebhooksManager.validateMessage',
  );
}

async function verifyLinear(req) {
  // verify takes the raw body as a Buffer, checks the hex HMAC, then parses the body as JSON
  // and checks its signed `webhookTimestamp` (milliseconds) against the real clock, +-60 s.
  // It throws on failure.
  expect(
    new SDK.linear(req.secret).verify(req.body, req.headers.require('Linear-Signature')),
    'LinearWebhookClient.verify',
  );
}

// --- sign: only where the SDK itself builds the signature

async function signStripe(req) {
  const header = SDK.stripe.webhooks.generateTestHeaderString({
    payload: req.text('generateTestHeaderString'),
    secret: req.secret,
    timestamp: req.needTimestamp(),
  });
  return [['Stripe-Signature', header]];
}

async function signStandardWebhooks(req) {
  const timestamp = req.needTimestamp();
  const id = req.messageId();
  const signature = new SDK.standardwebhooks(req.secret).sign(id, new Date(timestamp * 1000), req.body);
  return [['webhook-id', id], ['webhook-timestamp', String(timestamp)], ['webhook-signature', signature]];
}

async function signSvix(req) {
  const timestamp = req.needTimestamp();
  const id = req.messageId();
  const signature = new SDK.svix(req.secret).sign(id, new Date(timestamp * 1000), req.body);
  return [['svix-id', id], ['svix-timestamp', String(timestamp)], ['svix-signature', signature]];
}

async function signTwilio(req) {
  const url = req.needUrl();
  const params = twilioJsonVariant(url) ? null : formParams(req, 'getExpectedTwilioSignature');
  return [[SDK.twilio.SIGNATURE_HEADER, SDK.twilio.getExpectedTwilioSignature(req.secret, url, params)]];
}

async function signGithub(req) {
  return [['X-Hub-Signature-256', await SDK.octokit.sign(req.secret, req.text('sign'))]];
}

async function signHubspot(req) {
  const version = HUBSPOT_VERSIONS[req.preset];
  if (version !== 'v1') req.needUrl();
  const timestamp = version === 'v3' ? String(req.needTimestamp() * 1000) : undefined;
  const signature = SDK.hubspot.getSignature(req.method, version, {
    clientSecret: req.secret,
    requestBody: req.text('Signature.getSignature'),
    url: req.url === null ? undefined : req.url,
    timestamp,
  });
  if (version === 'v3') {
    return [['X-HubSpot-Signature-v3', signature], ['X-HubSpot-Request-Timestamp', timestamp]];
  }
  return [['X-HubSpot-Signature', signature], ['X-HubSpot-Signature-Version', version]];
}

// preset -> [SDK key, verify, sign or null]
const PRESETS = {
  stripe: ['stripe', verifyStripe, signStripe],
  'standard-webhooks': ['standardwebhooks', verifyStandardWebhooks, signStandardWebhooks],
  svix: ['svix', verifySvix, signSvix],
  slack: ['slack', verifySlack, null],
  twilio: ['twilio', verifyTwilio, signTwilio],
  github: ['octokit', verifyGithub, signGithub],
  discord: ['discord', verifyDiscord, null],
  paddle: ['paddle', verifyPaddle, null],
  square: ['square', verifySquare, null],
  sendgrid: ['sendgrid', verifySendgrid, null],
  'hubspot-v1': ['hubspot', verifyHubspot, signHubspot],
  'hubspot-v2': ['hubspot', verifyHubspot, signHubspot],
  'hubspot-v3': ['hubspot', verifyHubspot, signHubspot],
  box: ['box', verifyBox, null],
  linear: ['linear', verifyLinear, null],
};

function available(index) {
  return Object.entries(PRESETS)
    .filter(([, entry]) => entry[0] in SDK && entry[index] !== null)
    .map(([name]) => name);
}

function describe(error) {
  if (error instanceof Error) return `${error.name}: ${error.message || error.constructor.name}`;
  return String(error);
}

async function handle(raw) {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { error: 'a request must be a JSON object' };
  }
  const { op, preset } = raw;
  if (op === 'presets') return { verify: available(1), sign: available(2) };
  if (op !== 'verify' && op !== 'sign') return { error: `unknown op ${JSON.stringify(op)}` };
  const entry = typeof preset === 'string' && Object.prototype.hasOwnProperty.call(PRESETS, preset) ? PRESETS[preset] : null;
  const index = op === 'verify' ? 1 : 2;
  if (entry === null || !(entry[0] in SDK) || entry[index] === null) return { error: 'unsupported' };
  let req;
  try {
    req = new Req(raw);
  } catch (error) {
    return op === 'verify' ? { ok: false, error: `bad request: ${error.message}` } : { error: `bad request: ${error.message}` };
  }
  if (op === 'verify') {
    try {
      await entry[1](req);
    } catch (error) {
      return { ok: false, error: describe(error) };
    }
    return { ok: true };
  }
  try {
    return { headers: await entry[2](req) };
  } catch (error) {
    return { error: describe(error) };
  }
}

// A stray rejection from an SDK must not end the process.
process.on('unhandledRejection', (reason) => log(`unhandled rejection: ${describe(reason)}`));

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let raw;
  let reply;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    reply = { error: `bad request: not JSON: ${error.message}` };
  }
  if (reply === undefined) {
    try {
      reply = await handle(raw);
    } catch (error) {
      log(error && error.stack ? error.stack : String(error));
      reply = { error: `harness error: ${describe(error)}` };
      if (raw && raw.op === 'verify') reply = { ok: false, ...reply };
    }
  }
  send(reply);
}
