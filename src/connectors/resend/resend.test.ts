import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { VendorResponse } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  checkResendRequest,
  classifyResendResponse,
  type ResendFake,
  resend,
  resendIdempotencyKey,
  resendManifest,
  resendRegions,
  startResendFake,
} from './index.ts';

const REGION = resendRegions.default;
const API_KEY = 're_Test1234_abcdefghijklmnop';
const URL_EMAILS = 'https://api.resend.com/emails';
const email = {
  from: 'Billing <billing@example.com>',
  to: ['ada@example.com'],
  subject: 'Payment received',
  html: '<p>Thanks</p>',
};

function request(payload: unknown, extra: Partial<TransformedRequest> = {}): TransformedRequest {
  return { method: 'POST', url: URL_EMAILS, headers: {}, payload, ...extra };
}
function fields(req: TransformedRequest) {
  return checkResendRequest(req, REGION).map((finding) => finding.field);
}
function response(
  statusCode: number,
  body: unknown = '',
  headers: Record<string, string> = {},
): VendorResponse {
  return { statusCode, headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
}
const webhookFor = (eventType: string) => exampleWebhook(eventType, 'https://api.resend.com/');

const templates = templateSandbox();

describe('the Resend manifest', () => {
  it('describes a bearer card with one secret re_ key and the one API host', () => {
    expect(resendManifest).toMatchObject({
      id: 'resend',
      name: 'Resend',
      category: 'email',
      authentication: 'bearer',
    });
    expect(resendManifest.regions).toEqual([
      { id: 'default', label: 'Resend API', hosts: ['api.resend.com'] },
    ]);
    const [field] = resendManifest.credentials;
    expect(resendManifest.credentials).toHaveLength(1);
    expect(field).toMatchObject({ id: 'apiKey', secret: true });
    const pattern = new RegExp(field!.pattern!);
    expect(pattern.test(API_KEY)).toBe(true);
    for (const bad of ['', 'sk_live_123456789', 're_', `Bearer ${API_KEY}`, `${API_KEY} `])
      expect(pattern.test(bad), bad).toBe(false);
    expect(resendManifest.instructions).toMatch(/API Keys → Create API Key/);
    expect(resendManifest.logo).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(resendManifest.logo).not.toMatch(/<script|href=|<image/);
    expect([...resendManifest.defaultEventTypes].sort()).toEqual([
      'payment.succeeded',
      'subscription.active',
      'subscription.cancelled',
    ]);
  });

  for (const template of resendManifest.templates) {
    for (const eventType of template.eventTypes) {
      it(`template ${template.id} builds an email Resend accepts for ${eventType}`, async () => {
        const built = await templates.run(template.code, webhookFor(eventType));
        expect(built.url).toBe(URL_EMAILS);
        expect(checkResendRequest(built, REGION)).toEqual([]);
        const payload = built.payload as Record<string, unknown>;
        const data = findEventType(eventType)!.example.data as {
          customer: { email: string };
          payment_id?: string;
          subscription_id?: string;
        };
        expect(payload.to).toEqual([data.customer.email]);
        expect(String(payload.text)).toContain(
          eventType.startsWith('payment') ? data.payment_id : data.subscription_id,
        );
      });
    }
  }
});

describe('checkResendRequest', () => {
  it('accepts a complete email, and a batch', () => {
    expect(fields(request(email))).toEqual([]);
    expect(fields(request([email, email], { url: 'https://api.resend.com/emails/batch' }))).toEqual([]);
  });
  it('names each missing field and says what to write', () => {
    const findings = checkResendRequest(request({}), REGION);
    expect(findings.map((f) => f.field)).toEqual([
      'payload.from',
      'payload.to',
      'payload.subject',
      'payload.html',
    ]);
    for (const f of findings) expect(f.message).toMatch(/write|set|add/);
  });
  it('refuses other hosts, paths, methods and plain http', () => {
    expect(fields(request(email, { url: 'https://api.resend.dev/emails' }))).toEqual(['url']);
    expect(fields(request(email, { url: 'https://api.resend.com/email' }))).toEqual(['url']);
    expect(fields(request(email, { url: 'http://api.resend.com/emails' }))).toEqual(['url']);
    expect(fields(request(email, { method: 'PUT' }))).toEqual(['method']);
  });
  it('refuses bad addresses, too many recipients, bad tags and batch-only restrictions', () => {
    expect(fields(request({ ...email, from: 'billing' }))).toEqual(['payload.from']);
    expect(fields(request({ ...email, to: ['ok@example.com', 'nope'] }))).toEqual(['payload.to[1]']);
    expect(
      fields(request({ ...email, to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`) })),
    ).toEqual(['payload.to']);
    expect(fields(request({ ...email, tags: [{ name: 'has space', value: 'x' }] }))).toEqual([
      'payload.tags',
    ]);
    expect(
      fields(
        request([{ ...email, scheduled_at: 'in 1 hour' }], { url: 'https://api.resend.com/emails/batch' }),
      ),
    ).toEqual(['payload[0].scheduled_at']);
    expect(fields(request(Array(101).fill(email), { url: 'https://api.resend.com/emails/batch' }))).toEqual([
      'payload',
    ]);
  });
  it('refuses an idempotency key over 256 characters and a body over 40 MB', () => {
    expect(fields(request(email, { headers: { 'Idempotency-Key': 'k'.repeat(257) } }))).toEqual([
      'headers.idempotency-key',
    ]);
    expect(fields(request({ ...email, html: 'x'.repeat(40 * 1024 * 1024) }))).toEqual(['payload']);
  });
});

describe('prepare, authenticate, classify', () => {
  const seed = { messageId: 'msg_1', endpointId: 'ep_1' };
  it('adds a deterministic idempotency-key, the same on every retry, different per endpoint', () => {
    const prepared = resend.prepare(request(email), seed);
    expect(prepared.headers['idempotency-key']).toBe(resendIdempotencyKey(seed));
    expect(resend.prepare(request(email), seed).headers['idempotency-key']).toBe(
      prepared.headers['idempotency-key'],
    );
    expect(resendIdempotencyKey({ ...seed, endpointId: 'ep_2' })).not.toBe(
      prepared.headers['idempotency-key'],
    );
    expect(prepared.headers['idempotency-key']!.length).toBeLessThanOrEqual(256);
    const own = request(email, { headers: { 'Idempotency-Key': 'mine' } });
    expect(resend.prepare(own, seed)).toBe(own);
  });
  it('sends the key as a Bearer token and refuses an empty card', () => {
    expect(resend.authenticate({ apiKey: API_KEY }, REGION)).toEqual({ authorization: `Bearer ${API_KEY}` });
    expect(() => resend.authenticate({}, REGION)).toThrow(/no API key/);
  });
  it('classifies Resend answers', () => {
    expect(classifyResendResponse(response(200, { id: 'x' }))).toEqual({ kind: 'success' });
    expect(classifyResendResponse(response(429, '', { 'retry-after': '2' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 2000,
    });
    expect(classifyResendResponse(response(429, '', { 'ratelimit-reset': '1' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 1000,
    });
    expect(classifyResendResponse(response(503))).toEqual({ kind: 'retry' });
    expect(
      classifyResendResponse(
        response(409, { statusCode: 409, name: 'concurrent_idempotent_requests', message: 'x' }),
      ).kind,
    ).toBe('retry');
    expect(
      classifyResendResponse(
        response(409, { statusCode: 409, name: 'invalid_idempotent_request', message: 'x' }),
      ).kind,
    ).toBe('permanent');
    const denied = classifyResendResponse(
      response(403, { statusCode: 403, name: 'invalid_api_key', message: 'API key is invalid' }),
    );
    expect(denied).toMatchObject({ kind: 'permanent' });
    expect(denied.kind === 'permanent' && denied.reason).toMatch(/invalid_api_key: API key is invalid/);
    expect(
      classifyResendResponse(response(422, { statusCode: 422, name: 'validation_error', message: 'm' })).kind,
    ).toBe('permanent');
    expect(classifyResendResponse(response(403, 'error code: 1010')).kind).toBe('permanent');
  });
});

describe('the Resend fake', () => {
  let fake: ResendFake;
  beforeAll(async () => {
    fake = await startResendFake({ apiKeys: [API_KEY] });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });
  const send = (body: unknown, headers: Record<string, string> = {}, path = '/emails') =>
    fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${API_KEY}`,
        'content-type': 'application/json',
        'user-agent': 'test/1',
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('accepts a good email and returns its id', async () => {
    const res = await send(email);
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    expect(fake.received).toEqual([
      expect.objectContaining({ id, path: '/emails', apiKey: API_KEY, body: email }),
    ]);
  });
  it('refuses a request without a User-Agent with 403 error 1010', async () => {
    const res = await send(email, { 'user-agent': '' });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('error code: 1010');
    expect(fake.received).toEqual([]);
  });
  it('refuses a missing key (401) and an unknown key (403) in Resend’s error shape', async () => {
    const missing = await send(email, { authorization: '' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      statusCode: 401,
      name: 'missing_api_key',
      message: expect.any(String),
    });
    const wrong = await send(email, { authorization: 'Bearer re_wrong_key_123456' });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { name: string }).name).toBe('invalid_api_key');
    expect(fake.received).toEqual([]);
  });
  it('refuses a missing field with 422 validation_error naming it', async () => {
    const { subject: _subject, ...noSubject } = email;
    const res = await send(noSubject);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { name: string; message: string };
    expect(body.name).toBe('validation_error');
    expect(body.message).toContain('payload.subject');
    expect(fake.received).toEqual([]);
  });
  it('refuses an oversize body, a bad idempotency key, and a wrong path', async () => {
    expect((await send({ ...email, html: 'x'.repeat(40 * 1024 * 1024 + 10) })).status).toBe(413);
    const badKey = await send(email, { 'idempotency-key': 'k'.repeat(257) });
    expect(badKey.status).toBe(400);
    expect(((await badKey.json()) as { name: string }).name).toBe('invalid_idempotency_key');
    expect((await send(email, {}, '/email')).status).toBe(404);
    expect(fake.received).toEqual([]);
  });
  it('replays the original answer for a repeated idempotency key and sends once', async () => {
    const first = await (await send(email, { 'idempotency-key': 'abc' })).json();
    const second = await (await send(email, { 'idempotency-key': 'abc' })).json();
    expect(second).toEqual(first);
    expect(fake.received).toHaveLength(1);
  });
  it('answers 429 with the rate-limit headers past the per-second limit', async () => {
    const limited = await startResendFake({ apiKeys: [API_KEY], rateLimitPerSecond: 3 });
    try {
      const post = () =>
        fetch(`${limited.url}/emails`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${API_KEY}`,
            'content-type': 'application/json',
            'user-agent': 'test/1',
          },
          body: JSON.stringify(email),
        });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await post()).status);
      const res = await post();
      statuses.push(res.status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('ratelimit-remaining')).toBe('0');
      expect(((await res.json()) as { name: string }).name).toBe('rate_limit_exceeded');
      expect(limited.received).toHaveLength(3);
    } finally {
      await limited.close();
    }
  });
});
