import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  EVENTS_URL,
  type LoopsFake,
  loops,
  loopsIdempotencyKey,
  loopsManifest,
  loopsRegions,
  startLoopsFake,
} from './index.ts';

const API_KEY = 'loops_key_4f2a9c0d1e';
const region = loopsRegions.default;
const templates = templateSandbox();

let fake: LoopsFake;

beforeAll(async () => {
  fake = await startLoopsFake({ apiKeys: [API_KEY], rateLimitPerSecond: 3 });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

const run = (code: string, eventType: string) =>
  templates.run(code, exampleWebhook(eventType, 'https://merchant.example/hooks'));

const event = (payload: Record<string, unknown> = {}, url = EVENTS_URL): TransformedRequest => ({
  method: 'POST',
  url,
  headers: {},
  payload: { email: 'a@example.com', eventName: 'paymentSucceeded', ...payload },
});

const fields = (findings: ContractFinding[]) => findings.map((f) => f.field);

async function send(request: TransformedRequest, apiKey = API_KEY) {
  const res = await fetch(`${fake.url}${new URL(request.url).pathname}`, {
    method: request.method,
    headers: {
      'content-type': 'application/json',
      ...request.headers,
      ...loops.authenticate({ apiKey }, region),
    },
    body: JSON.stringify(request.payload),
  });
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

describe('the Loops manifest', () => {
  it('is a Bearer card on the documented host app.loops.so', () => {
    expect(loopsManifest.id).toBe('loops');
    expect(loopsManifest.authentication).toBe('bearer');
    expect(loopsManifest.regions).toEqual([{ id: 'default', label: 'Loops API', hosts: ['app.loops.so'] }]);
    expect(loopsManifest.credentials.map((c) => [c.id, c.secret])).toEqual([['apiKey', true]]);
    expect(new RegExp(loopsManifest.credentials[0]!.pattern!).test(API_KEY)).toBe(true);
    expect(loopsManifest.logo).toMatch(/^<svg [\s\S]*<\/svg>$/);
    expect([...loopsManifest.defaultEventTypes].sort()).toEqual([
      'payment.succeeded',
      'subscription.active',
      'subscription.cancelled',
    ]);
    expect(loops.authenticate({ apiKey: API_KEY }, region)).toEqual({ authorization: `Bearer ${API_KEY}` });
    expect(() => loops.authenticate({}, region)).toThrow(/API key/);
  });
});

const CASES = loopsManifest.templates.flatMap((t) => t.eventTypes.map((e) => [t.id, e] as const));

describe.each(CASES)('template %s on the %s example', (templateId, eventType) => {
  const template = loopsManifest.templates.find((t) => t.id === templateId)!;
  it('passes its own contract, and the fake accepts it once prepared', async () => {
    const request = await run(template.code, eventType);
    expect(request.url).toBe(EVENTS_URL);
    expect(loops.check(request, region)).toEqual([]);
    const prepared = loops.prepare(request, { messageId: 'msg_1', endpointId: 'ep_1' });
    expect(loops.check(prepared, region)).toEqual([]);
    const answer = await send(prepared);
    expect(answer).toMatchObject({ statusCode: 200, body: '{"success":true}' });
    expect(loops.classify(answer)).toEqual({ kind: 'success' });
    expect(fake.received).toHaveLength(1);
    expect(fake.received[0]!.body).toEqual(prepared.payload);
  });
});

describe('check', () => {
  it('flags the Dodo card host api.loops.so with the documented URL', () => {
    const findings = loops.check(event({}, 'https://api.loops.so/v1/events/send'), region);
    expect(findings).toEqual([
      { field: 'url', message: expect.stringContaining('write https://app.loops.so/api/v1/events/send') },
    ]);
    expect(fields(loops.check(event({}, 'https://example.com/v1/events/send'), region))).toEqual(['url']);
    expect(fields(loops.check(event({}, 'https://app.loops.so/api/v1/contacts'), region))).toEqual(['url']);
  });

  it('requires eventName without ":" and email or userId', () => {
    expect(loops.check(event(), region)).toEqual([]);
    expect(loops.check(event({ email: undefined, userId: 'cus_1' }), region)).toEqual([]);
    expect(fields(loops.check(event({ eventName: '' }), region))).toEqual(['payload.eventName']);
    expect(loops.check(event({ eventName: 'payment:ok' }), region)).toEqual([
      { field: 'payload.eventName', message: expect.stringContaining('"payment_ok"') },
    ]);
    expect(fields(loops.check(event({ email: undefined }), region))).toEqual(['payload.email']);
  });

  it('flags nested event properties, values over 500 characters, PUT and a bad idempotency key', () => {
    expect(fields(loops.check(event({ eventProperties: { cart: [1] } }), region))).toEqual([
      'payload.eventProperties.cart',
    ]);
    expect(fields(loops.check(event({ eventProperties: { note: 'x'.repeat(501) } }), region))).toEqual([
      'payload.eventProperties.note',
    ]);
    expect(loops.check(event({ eventProperties: { note: 'x'.repeat(500) } }), region)).toEqual([]);
    expect(fields(loops.check({ ...event(), method: 'PUT' }, region))).toEqual(['method']);
    expect(
      fields(loops.check({ ...event(), headers: { 'Idempotency-Key': 'k'.repeat(101) } }, region)),
    ).toEqual(['headers.idempotency-key']);
  });

  it("flags the Dodo sample's `properties` object: event data goes in eventProperties", () => {
    expect(loops.check(event({ properties: { amount: '29.99' } }), region)).toEqual([
      { field: 'payload.properties', message: expect.stringContaining('put event data in eventProperties') },
    ]);
    expect(loops.check(event({ firstName: 'Ada', plan: 'pro' }), region)).toEqual([]);
  });

  it('checks the Dodo sample (api.loops.so, `properties`) against the documented endpoint it meant', () => {
    const sample = {
      method: 'POST' as const,
      url: 'https://api.loops.so/v1/events/send',
      headers: {},
      payload: { eventName: 'payment_confirmation', email: 'a@example.com', properties: { amount: '29.99' } },
    };
    expect(loops.check(sample, region)).toEqual([
      { field: 'url', message: expect.stringContaining('write https://app.loops.so/api/v1/events/send') },
      { field: 'payload.properties', message: expect.stringContaining('eventProperties') },
    ]);
    expect(fields(loops.check({ ...sample, url: 'https://api.loops.so/v1/nope' }, region))).toEqual(['url']);
  });

  it('checks /v1/transactional for transactionalId and email', () => {
    const url = 'https://app.loops.so/api/v1/transactional';
    const ok = {
      method: 'POST' as const,
      url,
      headers: {},
      payload: { transactionalId: 't1', email: 'a@b.co' },
    };
    expect(loops.check(ok, region)).toEqual([]);
    expect(fields(loops.check({ ...ok, payload: { email: 'a@b.co' } }, region))).toEqual([
      'payload.transactionalId',
    ]);
  });
});

describe('prepare', () => {
  it('adds a deterministic idempotency-key of at most 100 characters, and keeps one the code set', () => {
    const seed = { messageId: 'msg_1', endpointId: 'ep_1' };
    const a = loops.prepare(event(), seed);
    const b = loops.prepare(event(), seed);
    expect(a.headers['idempotency-key']).toBe(loopsIdempotencyKey(seed));
    expect(a.headers['idempotency-key']).toBe(b.headers['idempotency-key']);
    expect(a.headers['idempotency-key']!.length).toBeLessThanOrEqual(100);
    expect(loops.prepare(event(), { ...seed, endpointId: 'ep_2' }).headers['idempotency-key']).not.toBe(
      a.headers['idempotency-key'],
    );
    const own = { ...event(), headers: { 'Idempotency-Key': 'mine' } };
    expect(loops.prepare(own, seed)).toBe(own);
  });
});

describe('classify', () => {
  const r = (statusCode: number, body = '', headers: Record<string, string> = {}) => ({
    statusCode,
    body,
    headers,
  });
  it('counts 2xx and 409 "Idempotency key already used" as success', () => {
    expect(loops.classify(r(200, '{"success":true}'))).toEqual({ kind: 'success' });
    expect(
      loops.classify(
        r(409, '{"success":false,"message":"Idempotency key already used in the last 24 hours"}'),
      ),
    ).toEqual({ kind: 'success' });
    expect(loops.classify(r(409, '{"success":false,"message":"Conflict"}'))).toMatchObject({
      kind: 'permanent',
    });
  });
  it('retries 429 and 5xx; 400/401 are permanent', () => {
    expect(loops.classify(r(429))).toEqual({ kind: 'retry' });
    expect(loops.classify(r(429, '', { 'Retry-After': '3' }))).toEqual({ kind: 'retry', retryAfterMs: 3000 });
    expect(loops.classify(r(503))).toEqual({ kind: 'retry' });
    expect(loops.classify(r(400, '{"success":false,"message":"bad"}'))).toMatchObject({ kind: 'permanent' });
    expect(loops.classify(r(401))).toEqual({
      kind: 'permanent',
      reason: expect.stringContaining('API key'),
    });
  });
});

describe('the fake Loops API', () => {
  it('rejects a wrong key with 401 and records nothing', async () => {
    const answer = await send(event(), 'wrong_key_000000');
    expect(answer.statusCode).toBe(401);
    expect(JSON.parse(answer.body)).toEqual({ success: false, message: expect.any(String) });
    expect(fake.received).toEqual([]);
  });

  it('rejects a missing eventName and an oversize value with 400', async () => {
    const missing = await send(event({ eventName: undefined }));
    expect(missing.statusCode).toBe(400);
    expect(JSON.parse(missing.body)).toMatchObject({
      success: false,
      message: expect.stringContaining('eventName'),
    });
    const long = await send(event({ eventProperties: { note: 'x'.repeat(501) } }));
    expect(long.statusCode).toBe(400);
    expect(loops.classify(long)).toMatchObject({ kind: 'permanent' });
    expect(fake.received).toEqual([]);
  });

  it('answers a repeated Idempotency-Key 409, which classifies as success', async () => {
    const prepared = loops.prepare(event(), { messageId: 'm', endpointId: 'e' });
    expect((await send(prepared)).statusCode).toBe(200);
    const again = await send(prepared);
    expect(again.statusCode).toBe(409);
    expect(loops.classify(again)).toEqual({ kind: 'success' });
    expect(fake.received).toHaveLength(1);
  });

  it('answers 429 past the per-second limit, with x-ratelimit headers', async () => {
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await send(event()));
    const limited = answers.filter((a) => a.statusCode === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.headers['x-ratelimit-limit']).toBe('3');
    expect(limited[0]!.headers['x-ratelimit-remaining']).toBe('0');
    expect(loops.classify(limited[0]!)).toEqual({ kind: 'retry' });
  });

  it('answers 413 to a body over 4 MB', async () => {
    const request = {
      method: 'POST' as const,
      url: 'https://app.loops.so/api/v1/transactional',
      headers: {},
      payload: {
        transactionalId: 't1',
        email: 'a@b.co',
        attachments: Array.from({ length: 9000 }, () => 'x'.repeat(480)),
      },
    };
    expect(fields(loops.check(request, region))).toEqual(['payload']);
    const answer = await send(request);
    expect(answer.statusCode).toBe(413);
    expect(loops.classify(answer)).toMatchObject({ kind: 'permanent' });
    expect(fake.received).toEqual([]);
  });

  it('answers 404 to unknown paths and 405 to other methods', async () => {
    expect((await send(event({}, 'https://app.loops.so/api/v1/nope'))).statusCode).toBe(404);
    expect((await send({ ...event(), method: 'PUT' })).statusCode).toBe(405);
  });
});
