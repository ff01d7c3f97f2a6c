import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { readPayload, type TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding, VendorResponse } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { credentialHostProblem } from '../review-request.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  type CustomApiFake,
  custom,
  customManifest,
  customRegion,
  MAX_BODY_BYTES,
  PAYMENT_AND_SUBSCRIPTION_EVENTS,
  startCustomApiFake,
} from './index.ts';

const ENDPOINT_URL = 'https://api.merchant.example/dodo/events';
const BASIC = { scheme: 'basic', username: 'switchyard', password: 'p4ss-w0rd' };
const BEARER = { scheme: 'bearer', token: 'tok_9f8e7d6c5b4a' };
const HEADER = { scheme: 'header', headerName: 'X-Api-Key', headerValue: 'key_1a2b3c4d' };

const templates = templateSandbox();

let fake: CustomApiFake;

beforeAll(async () => {
  fake = await startCustomApiFake({
    auth: { scheme: 'basic', username: BASIC.username, password: BASIC.password },
    maxBodyBytes: 4096,
  });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

function request(overrides: Partial<TransformedRequest> = {}): TransformedRequest {
  return { method: 'POST', url: ENDPOINT_URL, headers: {}, payload: { ok: true }, ...overrides };
}

function fields(findings: ContractFinding[]): string[] {
  return findings.map((finding) => finding.field);
}

function response(statusCode: number, body = '', headers: Record<string, string> = {}): VendorResponse {
  return { statusCode, headers, body };
}

async function send(
  target: CustomApiFake,
  body: string,
  headers: Record<string, string>,
  method = 'POST',
): Promise<Response> {
  return fetch(`${target.url}/dodo/events`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('the custom manifest', () => {
  it('asks for a scheme and the fields of each scheme, secrets marked secret', () => {
    expect(customManifest.id).toBe('custom');
    expect(customManifest.category).toBe('custom');
    expect(customManifest.logo).toMatch(/^<svg /);
    expect(customManifest.credentials.map((f) => [f.id, f.secret])).toEqual([
      ['scheme', false],
      ['username', false],
      ['password', true],
      ['token', true],
      ['headerName', false],
      ['headerValue', true],
    ]);
    const scheme = new RegExp(customManifest.credentials[0]!.pattern!);
    expect(['basic', 'bearer', 'header'].every((s) => scheme.test(s))).toBe(true);
    expect(scheme.test('digest')).toBe(false);
    expect(customManifest.regions).toEqual([{ id: 'default', label: 'Your API', hosts: [] }]);
  });

  it('subscribes to every payment and subscription event, and its template handles them all', () => {
    expect(PAYMENT_AND_SUBSCRIPTION_EVENTS).toContain('payment.succeeded');
    expect(PAYMENT_AND_SUBSCRIPTION_EVENTS).toContain('subscription.cancelled');
    expect(PAYMENT_AND_SUBSCRIPTION_EVENTS.every((t) => /^(payment|subscription)\./.test(t))).toBe(true);
    expect(customManifest.defaultEventTypes).toEqual(PAYMENT_AND_SUBSCRIPTION_EVENTS);
    expect(customManifest.templates.map((t) => t.id)).toEqual(['pass-through']);
    expect(customManifest.templates[0]!.eventTypes).toEqual(PAYMENT_AND_SUBSCRIPTION_EVENTS);
  });
});

describe('the pass-through template', () => {
  it.each(PAYMENT_AND_SUBSCRIPTION_EVENTS)(
    '%s: sends the envelope unchanged to the endpoint URL and passes its own contract',
    async (eventType) => {
      const example = findEventType(eventType)!.example;
      const outcome = await templates.transform(
        customManifest.templates[0]!.code,
        exampleWebhook(eventType, ENDPOINT_URL),
      );
      expect(outcome.kind).toBe('request');
      if (outcome.kind !== 'request') return;
      const request = readPayload(outcome.request);
      expect(request.url).toBe(ENDPOINT_URL);
      expect(request.method).toBe('POST');
      expect(request.payload).toEqual(example);
      expect(custom.check(request, customRegion)).toEqual([]);
    },
  );
});

describe('check', () => {
  it('accepts POST, PUT and PATCH with a JSON body over https, and http to loopback', () => {
    for (const method of ['POST', 'PUT', 'PATCH'] as const) {
      expect(custom.check(request({ method }), customRegion)).toEqual([]);
    }
    expect(custom.check(request({ url: 'http://127.0.0.1:8080/x' }), customRegion)).toEqual([]);
    expect(custom.check(request({ url: 'http://localhost:3000/x' }), customRegion)).toEqual([]);
    expect(custom.check(request({ url: 'http://[::1]:3000/x' }), customRegion)).toEqual([]);
  });

  it('refuses plain http to another host, naming the https URL to write', () => {
    const findings = custom.check(request({ url: 'http://api.merchant.example/dodo' }), customRegion);
    expect(fields(findings)).toEqual(['url']);
    expect(findings[0]!.message).toContain('https://api.merchant.example/dodo');
  });

  it('refuses credentials in the URL or the code, a non-JSON content type, and a broken URL', () => {
    expect(
      fields(custom.check(request({ url: 'https://u:p@api.merchant.example/dodo' }), customRegion)),
    ).toEqual(['url']);
    expect(fields(custom.check(request({ headers: { Authorization: 'Bearer x' } }), customRegion))).toEqual([
      'headers.authorization',
    ]);
    expect(
      fields(custom.check(request({ headers: { 'Content-Type': 'text/plain' } }), customRegion)),
    ).toEqual(['headers.content-type']);
    expect(fields(custom.check(request({ url: 'not a url' }), customRegion))).toEqual(['url']);
    expect(fields(custom.check(request({ url: 'ftp://api.merchant.example/' }), customRegion))).toEqual([
      'url',
    ]);
  });

  it('wants a JSON payload of at most 1 MB, and a known method', () => {
    expect(fields(custom.check(request({ payload: undefined }), customRegion))).toEqual(['payload']);
    expect(fields(custom.check(request({ payload: null }), customRegion))).toEqual(['payload']);
    expect(fields(custom.check(request({ payload: 'x'.repeat(MAX_BODY_BYTES) }), customRegion))).toEqual([
      'payload',
    ]);
    expect(fields(custom.check(request({ payload: { n: 1n } }), customRegion))).toEqual(['payload']);
    expect(
      fields(custom.check(request({ method: 'DELETE' as TransformedRequest['method'] }), customRegion)),
    ).toEqual(['method']);
  });
});

describe('the credential host rule, for a card with no fixed hosts', () => {
  it('allows only the host of the endpoint URL', () => {
    expect(credentialHostProblem(custom, customRegion, `${ENDPOINT_URL}/more`, ENDPOINT_URL)).toBeUndefined();
    expect(credentialHostProblem(custom, customRegion, 'https://collector.example/x', ENDPOINT_URL)).toMatch(
      /only sent to api\.merchant\.example.*not to collector\.example/,
    );
  });
});

describe('authenticate', () => {
  it('builds Basic, Bearer and named-header credentials', () => {
    expect(custom.authenticate(BASIC, customRegion)).toEqual({
      authorization: `Basic ${Buffer.from('switchyard:p4ss-w0rd').toString('base64')}`,
    });
    expect(custom.authenticate(BEARER, customRegion)).toEqual({ authorization: 'Bearer tok_9f8e7d6c5b4a' });
    expect(custom.authenticate(HEADER, customRegion)).toEqual({ 'x-api-key': 'key_1a2b3c4d' });
  });

  it('uses only the chosen scheme’s fields when the card holds all of them', () => {
    const all = { ...BASIC, ...BEARER, ...HEADER, scheme: 'bearer' };
    expect(custom.authenticate(all, customRegion)).toEqual({ authorization: 'Bearer tok_9f8e7d6c5b4a' });
  });

  it('throws a clear error naming the missing fields of the scheme', () => {
    expect(() => custom.authenticate({ scheme: 'basic', username: 'u' }, customRegion)).toThrow(
      /basic scheme needs username and password; missing: password/,
    );
    expect(() => custom.authenticate({ scheme: 'bearer' }, customRegion)).toThrow(/missing: token/);
    expect(() => custom.authenticate({ scheme: 'header', headerValue: 'v' }, customRegion)).toThrow(
      /missing: headerName/,
    );
    expect(() => custom.authenticate({ token: 't' }, customRegion)).toThrow(/scheme must be one of/);
    expect(() => custom.authenticate({ scheme: 'digest' }, customRegion)).toThrow(/not "digest"/);
  });

  it('refuses unusable values: a colon in the Basic user, line breaks, reserved or invalid header names', () => {
    expect(() => custom.authenticate({ ...BASIC, username: 'a:b' }, customRegion)).toThrow(/colon/);
    expect(() => custom.authenticate({ ...BEARER, token: 'a\r\nx-evil: 1' }, customRegion)).toThrow(
      /line break/,
    );
    expect(() => custom.authenticate({ ...HEADER, headerName: 'Webhook-Signature' }, customRegion)).toThrow(
      /set by the delivery/,
    );
    expect(() => custom.authenticate({ ...HEADER, headerName: 'X Api Key' }, customRegion)).toThrow(
      /not a header name/,
    );
  });
});

describe('prepare', () => {
  it('returns the request unchanged', () => {
    const req = request();
    expect(custom.prepare(req, { messageId: 'msg_1', endpointId: 'ep_1' })).toBe(req);
  });
});

describe('classify', () => {
  it('2xx is success; 410 and webhook-delivery: disable are gone', () => {
    expect(custom.classify(response(200))).toEqual({ kind: 'success' });
    expect(custom.classify(response(204))).toEqual({ kind: 'success' });
    expect(custom.classify(response(410, 'bye')).kind).toBe('gone');
    expect(custom.classify(response(500, '', { 'Webhook-Delivery': 'disable' })).kind).toBe('gone');
    expect(custom.classify(response(500, '', { 'webhook-delivery': 'abort-message' })).kind).toBe(
      'permanent',
    );
  });

  it('408, 425, 429 and 5xx are retried, honouring Retry-After', () => {
    expect(custom.classify(response(429, '', { 'Retry-After': '7' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 7000,
    });
    for (const status of [408, 425, 500, 502, 503]) {
      expect(custom.classify(response(status))).toEqual({ kind: 'retry' });
    }
  });

  it('401/403 point at the credentials; other 4xx and redirects are permanent', () => {
    const unauthorized = custom.classify(response(401, '{"error":"unauthorized"}'));
    expect(unauthorized).toMatchObject({ kind: 'permanent' });
    expect((unauthorized as { reason: string }).reason).toMatch(/authentication.*unauthorized/);
    expect(custom.classify(response(422, 'bad field')).kind).toBe('permanent');
    const redirect = custom.classify(response(301, '', { location: 'https://other.example/' }));
    expect(redirect).toMatchObject({ kind: 'permanent' });
    expect((redirect as { reason: string }).reason).toContain('https://other.example/');
  });
});

describe('the fake JSON API', () => {
  const basic = custom.authenticate(BASIC, customRegion);

  it('accepts a JSON request with the configured auth, and records it', async () => {
    const res = await send(fake, JSON.stringify({ hello: 'world' }), basic);
    expect(res.status).toBe(200);
    expect(fake.received).toHaveLength(1);
    expect(fake.received[0]).toMatchObject({
      method: 'POST',
      path: '/dodo/events',
      body: { hello: 'world' },
    });
  });

  it('answers 401 to a wrong password, another scheme, or none', async () => {
    const wrong = custom.authenticate({ ...BASIC, password: 'nope' }, customRegion);
    expect((await send(fake, '{}', wrong)).status).toBe(401);
    expect((await send(fake, '{}', custom.authenticate(BEARER, customRegion))).status).toBe(401);
    const none = await send(fake, '{}', {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(fake.received).toHaveLength(0);
  });

  it('enforces Bearer and named-header auth when configured with them', async () => {
    const bearerApi = await startCustomApiFake({ auth: { scheme: 'bearer', token: BEARER.token } });
    const headerApi = await startCustomApiFake({
      auth: { scheme: 'header', headerName: 'X-Api-Key', headerValue: HEADER.headerValue },
    });
    try {
      expect((await send(bearerApi, '{}', custom.authenticate(BEARER, customRegion))).status).toBe(200);
      expect((await send(bearerApi, '{}', { authorization: 'Bearer other' })).status).toBe(401);
      expect((await send(headerApi, '{}', custom.authenticate(HEADER, customRegion))).status).toBe(200);
      expect((await send(headerApi, '{}', { 'x-api-key': 'other' })).status).toBe(401);
      expect((await send(headerApi, '{}', { authorization: `Bearer ${HEADER.headerValue}` })).status).toBe(
        401,
      );
    } finally {
      await bearerApi.close();
      await headerApi.close();
    }
  });

  it('rejects non-JSON, a wrong content type, other methods, and oversize bodies', async () => {
    expect((await send(fake, '{not json', basic)).status).toBe(400);
    expect((await send(fake, '{}', { ...basic, 'content-type': 'text/plain' })).status).toBe(415);
    expect((await fetch(`${fake.url}/x`, { method: 'DELETE', headers: basic })).status).toBe(405);
    expect((await send(fake, JSON.stringify({ big: 'x'.repeat(5000) }), basic)).status).toBe(413);
    expect(fake.received).toHaveLength(0);
  });

  it('answers 429 with Retry-After past its rate limit, which classify retries', async () => {
    const limited = await startCustomApiFake({
      auth: { scheme: 'bearer', token: BEARER.token },
      rateLimit: { requests: 2, windowMs: 60_000 },
    });
    try {
      const auth = custom.authenticate(BEARER, customRegion);
      expect((await send(limited, '{}', auth)).status).toBe(200);
      expect((await send(limited, '{}', auth)).status).toBe(200);
      const res = await send(limited, '{}', auth);
      expect(res.status).toBe(429);
      const verdict = custom.classify({
        statusCode: res.status,
        headers: Object.fromEntries(res.headers),
        body: await res.text(),
      });
      expect(verdict.kind).toBe('retry');
      expect((verdict as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);
      expect(limited.received).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });
});
