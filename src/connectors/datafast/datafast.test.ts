import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  type DatafastFake,
  datafast,
  datafastManifest,
  datafastRegions,
  PAYMENTS_URL,
  startDatafastFake,
} from './index.ts';

const API_KEY = 'df_4f2a9c0d1e7b8a6c';
const region = datafastRegions.default;
const template = datafastManifest.templates[0]!;
const templates = templateSandbox();

let fake: DatafastFake;

beforeAll(async () => {
  fake = await startDatafastFake({ apiKeys: [API_KEY], rateLimitPerSecond: 3 });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

/** The catalog example of `eventType`, its `data` edited first when `edit` is given. */
function webhookFor(eventType: string, edit?: (data: Record<string, unknown>) => void) {
  const input = exampleWebhook(eventType, 'https://merchant.example/hooks');
  edit?.((input.payload as { data: Record<string, unknown> }).data);
  return input;
}

const transform = (eventType: string, edit?: (data: Record<string, unknown>) => void) =>
  templates.transform(template.code, webhookFor(eventType, edit));

const run = (eventType: string, edit?: (data: Record<string, unknown>) => void) =>
  templates.run(template.code, webhookFor(eventType, edit));

const payment = (payload: Record<string, unknown> = {}): TransformedRequest => ({
  method: 'POST',
  url: PAYMENTS_URL,
  headers: {},
  payload: { amount: 29.99, currency: 'USD', transaction_id: 'pay_1', ...payload },
});
const fields = (findings: ContractFinding[]) => findings.map((f) => f.field);

async function send(request: TransformedRequest, apiKey = API_KEY) {
  const res = await fetch(`${fake.url}${new URL(request.url).pathname}`, {
    method: request.method,
    headers: { 'content-type': 'application/json', ...datafast.authenticate({ apiKey }, region) },
    body: JSON.stringify(request.payload),
  });
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

describe('the DataFast manifest', () => {
  it('is a Bearer analytics card on datafa.st, for payments only', () => {
    expect(datafastManifest.id).toBe('datafast');
    expect(datafastManifest.category).toBe('analytics');
    expect(datafastManifest.authentication).toBe('bearer');
    expect(datafastManifest.regions).toEqual([
      { id: 'default', label: 'DataFast API', hosts: ['datafa.st'] },
    ]);
    expect(datafastManifest.credentials.map((c) => [c.id, c.secret])).toEqual([['apiKey', true]]);
    expect(new RegExp(datafastManifest.credentials[0]!.pattern!).test(API_KEY)).toBe(true);
    expect(datafastManifest.logo).toMatch(/^<svg [\s\S]*<\/svg>$/);
    expect(datafastManifest.instructions).toContain('datafast_visitor_id');
    expect(datafastManifest.defaultEventTypes).toEqual(['payment.succeeded']);
    expect(datafast.authenticate({ apiKey: API_KEY }, region)).toEqual({
      authorization: `Bearer ${API_KEY}`,
    });
    expect(() => datafast.authenticate({}, region)).toThrow(/API key/);
  });
});

describe('the revenue-attribution template', () => {
  it('turns the payment.succeeded example into a payment that passes the contract and the fake', async () => {
    const request = await run('payment.succeeded');
    expect(request).toMatchObject({ method: 'POST', url: PAYMENTS_URL });
    expect(request.payload).toEqual({
      amount: 29.99,
      currency: 'USD',
      transaction_id: 'pay_2IjeQm4hqU6RGzjvdbzsS',
      email: 'ada.lovelace@example.com',
      name: 'Ada Lovelace',
      customer_id: 'cus_pfJBd0Kh8oOOL8dKLzdoc',
      renewal: false,
      refunded: false,
      timestamp: '2025-08-04T05:30:45.182629Z',
    });
    expect(datafast.check(request, region)).toEqual([]);
    expect(datafast.prepare(request, { messageId: 'm', endpointId: 'e' })).toBe(request);
    const answer = await send(request);
    expect(answer.statusCode).toBe(200);
    expect(datafast.classify(answer)).toEqual({ kind: 'success' });
    expect(fake.received.map((c) => c.body)).toEqual([request.payload]);
  });

  it('passes the visitor id from the payment metadata', async () => {
    const request = await run('payment.succeeded', (data) => {
      data.metadata = { datafast_visitor_id: 'a3ab2331-989f-4cfa-91c6-2461c9e3c6bd' };
    });
    expect(request.payload).toMatchObject({ datafast_visitor_id: 'a3ab2331-989f-4cfa-91c6-2461c9e3c6bd' });
    expect(datafast.check(request, region)).toEqual([]);
  });

  it('does not divide zero-decimal currencies by 100', async () => {
    const yen = await run('payment.succeeded', (data) => {
      data.currency = 'JPY';
      data.total_amount = 4500;
    });
    expect(yen.payload).toMatchObject({ amount: 4500, currency: 'JPY' });
    expect(datafast.check(yen, region)).toEqual([]);
    const krw = await run('payment.succeeded', (data) => {
      data.currency = 'krw';
      data.total_amount = 12345;
    });
    expect(krw.payload).toMatchObject({ amount: 12345, currency: 'KRW' });
  });

  it('skips every other event with return null', async () => {
    for (const eventType of ['subscription.active', 'subscription.cancelled', 'refund.succeeded']) {
      expect((await transform(eventType)).kind, eventType).toBe('cancelled');
    }
  });
});

describe('check', () => {
  it('flags the wrong URL and method', () => {
    expect(datafast.check(payment(), region)).toEqual([]);
    expect(fields(datafast.check({ ...payment(), url: 'https://datafa.st/api/v1/payment' }, region))).toEqual(
      ['url'],
    );
    expect(
      fields(datafast.check({ ...payment(), url: 'https://api.datafa.st/api/v1/payments' }, region)),
    ).toEqual(['url']);
    expect(fields(datafast.check({ ...payment(), method: 'PUT' }, region))).toEqual(['method']);
  });

  it('requires a numeric amount, a currency code and a transaction_id', () => {
    expect(datafast.check(payment({ amount: '29.99' }), region)).toEqual([
      { field: 'payload.amount', message: expect.stringContaining('write Number("29.99")') },
    ]);
    expect(fields(datafast.check(payment({ amount: -1 }), region))).toEqual(['payload.amount']);
    expect(fields(datafast.check(payment({ currency: 'dollars' }), region))).toEqual(['payload.currency']);
    expect(fields(datafast.check(payment({ transaction_id: undefined }), region))).toEqual([
      'payload.transaction_id',
    ]);
    expect(fields(datafast.check(payment({ renewal: 'yes', timestamp: 'yesterday' }), region))).toEqual([
      'payload.renewal',
      'payload.timestamp',
    ]);
  });

  it('flags a zero-decimal amount divided by 100', () => {
    expect(datafast.check(payment({ amount: 45.5, currency: 'JPY' }), region)).toEqual([
      { field: 'payload.amount', message: expect.stringContaining('JPY has no minor units') },
    ]);
    expect(datafast.check(payment({ amount: 4550, currency: 'JPY' }), region)).toEqual([]);
  });
});

describe('classify', () => {
  const r = (statusCode: number, headers: Record<string, string> = {}) => ({ statusCode, headers, body: '' });
  it('counts 2xx as success, retries 429 and 5xx, and stops on 400/401', () => {
    expect(datafast.classify(r(200))).toEqual({ kind: 'success' });
    expect(datafast.classify(r(429, { 'Retry-After': '1' }))).toEqual({ kind: 'retry', retryAfterMs: 1000 });
    expect(datafast.classify(r(500))).toEqual({ kind: 'retry' });
    expect(datafast.classify(r(400))).toMatchObject({ kind: 'permanent' });
    expect(datafast.classify(r(401))).toMatchObject({
      kind: 'permanent',
      reason: expect.stringContaining('API key'),
    });
  });
});

describe('the fake DataFast API', () => {
  it('rejects a wrong key with 401', async () => {
    const answer = await send(payment(), 'df_wrong_00000000');
    expect(answer.statusCode).toBe(401);
    expect(fake.received).toEqual([]);
  });

  it('rejects a missing transaction_id and a string amount with 400', async () => {
    expect((await send(payment({ transaction_id: undefined }))).statusCode).toBe(400);
    const answer = await send(payment({ amount: '29.99' }));
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toContain('amount');
    expect(fake.received).toEqual([]);
  });

  it('records a transaction once: a repeat is acknowledged, not counted', async () => {
    expect((await send(payment())).statusCode).toBe(200);
    const again = await send(payment());
    expect(again.statusCode).toBe(200);
    expect(JSON.parse(again.body).message).toMatch(/duplicate/);
    expect(datafast.classify(again)).toEqual({ kind: 'success' });
    expect(fake.received).toHaveLength(1);
  });

  it('can require the visitor id, as the older DataFast page did', async () => {
    const strict = await startDatafastFake({ apiKeys: [API_KEY], requireVisitorId: true });
    try {
      const res = await fetch(`${strict.url}/api/v1/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify(payment().payload),
      });
      expect(res.status).toBe(400);
    } finally {
      await strict.close();
    }
  });

  it('rejects an oversize body with 413 and answers 429 past the configured rate', async () => {
    expect((await send(payment({ name: 'x'.repeat(70_000) }))).statusCode).toBe(413);
    fake.reset();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await send(payment({ transaction_id: `pay_${i}` })));
    const limited = answers.find((a) => a.statusCode === 429)!;
    expect(limited).toBeDefined();
    expect(datafast.classify(limited)).toEqual({ kind: 'retry', retryAfterMs: 1000 });
  });
});
