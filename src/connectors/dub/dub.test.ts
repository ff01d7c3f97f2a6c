import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding, VendorResponse } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  checkDubRequest,
  DUB_TRACK_SALE_URL,
  type DubFake,
  dub,
  dubManifest,
  dubRegions,
  startDubFake,
} from './index.ts';

const API_KEY = 'dub_9d8e7f6a5b4c3d2e1f0a9b8c';
const READ_ONLY = 'dub_readonly0a1b2c3d4e5f6a7b';
const region = dubRegions.default;

const webhookFor = (eventType: string) => exampleWebhook(eventType, 'https://api.dub.co/');

const templates = templateSandbox();

let fake: DubFake;

const transform = (code: string, eventType: string) => templates.transform(code, webhookFor(eventType));
const run = (code: string, eventType: string) => templates.run(code, webhookFor(eventType));

const sale = (overrides: Record<string, unknown> = {}) => ({
  customerExternalId: 'cus_1',
  amount: 2999,
  currency: 'usd',
  invoiceId: 'pay_1',
  ...overrides,
});
function request(
  payload: unknown,
  url = DUB_TRACK_SALE_URL,
  headers: Record<string, string> = {},
): TransformedRequest {
  return { method: 'POST', url, headers, payload };
}
const fields = (findings: ContractFinding[]) => findings.map((finding) => finding.field);
const response = (statusCode: number, body = '', headers: Record<string, string> = {}): VendorResponse => ({
  statusCode,
  headers,
  body,
});

async function post(body: unknown, options: { key?: string | null; raw?: string; path?: string } = {}) {
  const key = options.key === undefined ? API_KEY : options.key;
  const res = await fetch(`${fake.url}${options.path ?? '/track/sale'}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    body: options.raw ?? JSON.stringify(body),
  });
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

beforeAll(async () => {
  fake = await startDubFake({ apiKeys: [API_KEY], readOnlyKeys: [READ_ONLY] });
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => fake.reset());

describe('the Dub manifest', () => {
  it('is a Bearer API-key card on api.dub.co', () => {
    expect(dubManifest.id).toBe('dub');
    expect(dubManifest.authentication).toBe('bearer');
    expect(dubManifest.regions).toEqual([{ id: 'default', label: 'Dub (global)', hosts: ['api.dub.co'] }]);
    expect(dubManifest.credentials.map((f) => [f.id, f.secret])).toEqual([['apiKey', true]]);
    const pattern = new RegExp(dubManifest.credentials[0]!.pattern!);
    expect(pattern.test(API_KEY)).toBe(true);
    expect(pattern.test('sk_live_123')).toBe(false);
    expect(dubManifest.instructions).toContain('conversions.write');
    expect(dubManifest.logo).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/);
    expect(dub.authenticate({ apiKey: API_KEY }, region)).toEqual({ authorization: `Bearer ${API_KEY}` });
    expect(() => dub.authenticate({}, region)).toThrow(/no API key/);
  });
});

describe('the Dub template', () => {
  it('turns payment.succeeded into a /track/sale call that passes the contract and the fake', async () => {
    const template = dubManifest.templates[0]!;
    expect(template.eventTypes).toEqual(['payment.succeeded']);
    const built = await run(template.code, 'payment.succeeded');
    expect(built.url).toBe('https://api.dub.co/track/sale');
    expect(built.payload).toEqual({
      customerExternalId: 'cus_pfJBd0Kh8oOOL8dKLzdoc',
      amount: 2999,
      currency: 'usd',
      eventName: 'Purchase',
      paymentProcessor: 'custom',
      invoiceId: 'pay_2IjeQm4hqU6RGzjvdbzsS',
      metadata: {
        payment_id: 'pay_2IjeQm4hqU6RGzjvdbzsS',
        subscription_id: 'sub_J2isAjIhKtJ0RlgLKOmxg',
        customer_email: 'ada.lovelace@example.com',
      },
    });
    expect(checkDubRequest(built, region)).toEqual([]);
    expect(dub.prepare(built, { messageId: 'm', endpointId: 'e' })).toBe(built);
    const answer = await post(built.payload);
    expect(answer.statusCode).toBe(200);
    expect(fake.sales.at(-1)!.body).toStrictEqual(built.payload);
  });

  it('cancels every other event with webhook.cancel = true', async () => {
    for (const eventType of ['subscription.active', 'subscription.cancelled', 'refund.succeeded']) {
      expect((await transform(dubManifest.templates[0]!.code, eventType)).kind, eventType).toBe('cancelled');
    }
  });
});

describe('checkDubRequest', () => {
  it('requires customerExternalId and an integer amount in cents', () => {
    expect(checkDubRequest(request(sale()), region)).toEqual([]);
    expect(fields(checkDubRequest(request(sale({ customerExternalId: '' })), region))).toEqual([
      'payload.customerExternalId',
    ]);
    const decimal = checkDubRequest(request(sale({ amount: '29.99' })), region);
    expect(fields(decimal)).toEqual(['payload.amount']);
    expect(decimal[0]!.message).toContain('write data.total_amount');
    expect(fields(checkDubRequest(request(sale({ amount: 29.99 })), region))).toEqual(['payload.amount']);
    expect(fields(checkDubRequest(request(sale({ currency: 'dollars' })), region))).toEqual([
      'payload.currency',
    ]);
    expect(fields(checkDubRequest(request(sale({ metadata: 'x' })), region))).toEqual(['payload.metadata']);
    expect(fields(checkDubRequest(request(sale({ invoiceId: 7 })), region))).toEqual(['payload.invoiceId']);
    expect(fields(checkDubRequest(request([sale()]), region))).toEqual(['payload']);
  });

  it('requires https://api.dub.co/track/sale, POST, and no Authorization in the code', () => {
    const wrongHost = checkDubRequest(request(sale(), 'https://api.dub.sh/track/sale'), region);
    expect(wrongHost[0]!.message).toContain('write webhook.url = "https://api.dub.co/track/sale"');
    expect(fields(checkDubRequest(request(sale(), 'https://api.dub.co/track/lead'), region))).toEqual([
      'url',
    ]);
    expect(fields(checkDubRequest(request(sale(), 'https://api.dub.co/'), region))).toEqual(['url']);
    expect(
      fields(checkDubRequest(request(sale(), DUB_TRACK_SALE_URL, { Authorization: 'Bearer x' }), region)),
    ).toEqual(['headers.authorization']);
    expect(fields(checkDubRequest({ ...request(sale()), method: 'PUT' }, region))).toEqual(['method']);
  });

  it('flags a body over 4.5 MB', () => {
    const findings = checkDubRequest(request(sale({ metadata: { pad: 'x'.repeat(4_500_000) } })), region);
    expect(fields(findings)).toEqual(['payload']);
  });
});

describe('classify', () => {
  it('2xx success; 401/403/422 permanent with the fix; 429 retry after Retry-After or the reset; 5xx retry', () => {
    expect(dub.classify(response(200, '{}'))).toEqual({ kind: 'success' });
    expect(dub.classify(response(403, '{"error":{"code":"forbidden","message":"no"}}'))).toMatchObject({
      kind: 'permanent',
      reason: expect.stringContaining('conversions.write'),
    });
    for (const status of [400, 401, 404, 409, 422])
      expect(dub.classify(response(status)).kind).toBe('permanent');
    expect(dub.classify(response(429, '', { 'Retry-After': '2' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 2000,
    });
    expect(
      dub.classify(response(429, '', { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 30) })),
    ).toMatchObject({ kind: 'retry', retryAfterMs: expect.any(Number) });
    expect(dub.classify(response(503))).toEqual({ kind: 'retry' });
  });
});

describe('the Dub fake', () => {
  it('records a sale once per invoiceId', async () => {
    expect((await post(sale())).statusCode).toBe(200);
    const again = await post(sale());
    expect(again.statusCode).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({
      eventName: 'Purchase',
      sale: { amount: 2999, invoiceId: 'pay_1' },
    });
    expect(fake.sales).toHaveLength(1);
    expect(fake.duplicates).toHaveLength(1);
    expect(fake.sales[0]!.apiKey).toBe(API_KEY);
  });

  it('answers 401 without a key or with a wrong one, 403 without conversions.write, in Dub’s error shape', async () => {
    const none = await post(sale(), { key: null });
    expect(none.statusCode).toBe(401);
    const wrong = await post(sale(), { key: 'dub_wrongwrongwrongwrong' });
    expect(wrong.statusCode).toBe(401);
    expect(JSON.parse(wrong.body)).toEqual({
      error: { code: 'unauthorized', message: 'Unauthorized: Invalid API key.', doc_url: expect.any(String) },
    });
    const readOnly = await post(sale(), { key: READ_ONLY });
    expect(readOnly.statusCode).toBe(403);
    expect(dub.classify(readOnly)).toMatchObject({
      kind: 'permanent',
      reason: expect.stringContaining('forbidden'),
    });
    expect(fake.sales).toEqual([]);
  });

  it('answers 422 to a missing field, 400 to invalid JSON, 404 elsewhere, 413 over 4.5 MB', async () => {
    const { customerExternalId: _id, ...noCustomer } = sale();
    expect((await post(noCustomer)).statusCode).toBe(422);
    expect((await post(sale({ amount: '29.99' }))).statusCode).toBe(422);
    expect((await post(null, { raw: '{"amount":' })).statusCode).toBe(400);
    expect((await post(sale(), { path: '/track/lead' })).statusCode).toBe(404);
    const base = JSON.stringify(sale({ metadata: { pad: '' } })).length;
    expect((await post(sale({ metadata: { pad: 'x'.repeat(4_500_000 - base) } }))).statusCode).toBe(200);
    expect(
      (await post(sale({ invoiceId: 'pay_2', metadata: { pad: 'x'.repeat(4_500_001 - base) } }))).statusCode,
    ).toBe(413);
    expect(fake.sales).toHaveLength(1);
    expect(fake.rejected.map((r) => r.reason)).toEqual([
      'unprocessable_entity',
      'unprocessable_entity',
      'bad_request',
      'not_found',
      'payload_too_large',
    ]);
  });

  it('rate limits with 429 rate_limit_exceeded, Retry-After and X-RateLimit headers', async () => {
    const limited = await startDubFake({ apiKeys: [API_KEY], rateLimitPerSecond: 1 });
    try {
      const send = (invoiceId: string) =>
        fetch(`${limited.url}/track/sale`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify(sale({ invoiceId })),
        });
      expect((await send('a')).status).toBe(200);
      const throttled = await send('b');
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('1');
      expect(throttled.headers.get('x-ratelimit-remaining')).toBe('0');
      const verdict = dub.classify({
        statusCode: 429,
        headers: Object.fromEntries(throttled.headers),
        body: await throttled.text(),
      });
      expect(verdict).toEqual({ kind: 'retry', retryAfterMs: 1000 });
      expect(limited.sales).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});
