import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  type MailerliteFake,
  mailerlite,
  mailerliteManifest,
  mailerliteRegions,
  SUBSCRIBERS_URL,
  startMailerliteFake,
} from './index.ts';

const API_KEY = 'mlite_token_4f2a9c0d1e7b';
const region = mailerliteRegions.default;
const templates = templateSandbox();

let fake: MailerliteFake;

beforeAll(async () => {
  fake = await startMailerliteFake({ apiKeys: [API_KEY], rateLimitPerMinute: 4 });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

const run = (code: string, eventType: string) =>
  templates.run(code, exampleWebhook(eventType, 'https://merchant.example/hooks'));

const create = (payload: Record<string, unknown> = {}): TransformedRequest => ({
  method: 'POST',
  url: SUBSCRIBERS_URL,
  headers: {},
  payload: { email: 'ada@example.com', fields: { name: 'Ada' }, ...payload },
});
const update = (email: string, payload: Record<string, unknown> = {}): TransformedRequest => ({
  method: 'PUT',
  url: `${SUBSCRIBERS_URL}/${encodeURIComponent(email)}`,
  headers: {},
  payload: { fields: { plan: 'pro' }, ...payload },
});
const fields = (findings: ContractFinding[]) => findings.map((f) => f.field);

async function send(request: TransformedRequest, apiKey = API_KEY) {
  const res = await fetch(`${fake.url}${new URL(request.url).pathname}`, {
    method: request.method,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...mailerlite.authenticate({ apiKey }, region),
    },
    body: JSON.stringify(request.payload),
  });
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

describe('the MailerLite manifest', () => {
  it('is a Bearer card on connect.mailerlite.com', () => {
    expect(mailerliteManifest.id).toBe('mailerlite');
    expect(mailerliteManifest.authentication).toBe('bearer');
    expect(mailerliteManifest.regions).toEqual([
      { id: 'default', label: 'MailerLite API', hosts: ['connect.mailerlite.com'] },
    ]);
    expect(mailerliteManifest.credentials.map((c) => [c.id, c.secret])).toEqual([['apiKey', true]]);
    expect(new RegExp(mailerliteManifest.credentials[0]!.pattern!).test(API_KEY)).toBe(true);
    expect(mailerliteManifest.logo).toMatch(/^<svg [\s\S]*<\/svg>$/);
    expect(mailerliteManifest.instructions).toContain('Integrations → MailerLite API');
    expect([...mailerliteManifest.defaultEventTypes].sort()).toEqual([
      'payment.succeeded',
      'subscription.active',
      'subscription.cancelled',
    ]);
    expect(mailerlite.authenticate({ apiKey: API_KEY }, region)).toEqual({
      authorization: `Bearer ${API_KEY}`,
    });
    expect(() => mailerlite.authenticate({}, region)).toThrow(/token/);
  });
});

const CASES = mailerliteManifest.templates.flatMap((t) => t.eventTypes.map((e) => [t.id, e] as const));

describe.each(CASES)('template %s on the %s example', (templateId, eventType) => {
  const template = mailerliteManifest.templates.find((t) => t.id === templateId)!;
  it('passes its own contract, and the fake creates the subscriber', async () => {
    const request = await run(template.code, eventType);
    expect(request).toMatchObject({ method: 'POST', url: SUBSCRIBERS_URL });
    expect(mailerlite.check(request, region)).toEqual([]);
    expect(mailerlite.prepare(request, { messageId: 'm', endpointId: 'e' })).toBe(request);
    const answer = await send(request);
    expect(answer.statusCode).toBe(201);
    expect(mailerlite.classify(answer)).toEqual({ kind: 'success' });
    expect(fake.received.map((c) => c.body)).toEqual([request.payload]);
    expect(fake.subscribers.get('ada.lovelace@example.com')?.fields).toMatchObject(
      (request.payload as { fields: object }).fields,
    );
    // A retry is an upsert, not a duplicate.
    expect((await send(request)).statusCode).toBe(200);
    expect(fake.subscribers.size).toBe(1);
  });
});

describe('check', () => {
  it('accepts a create and a PUT by email; flags the wrong host, path and method', () => {
    expect(mailerlite.check(create(), region)).toEqual([]);
    expect(mailerlite.check(update('ada@example.com'), region)).toEqual([]);
    expect(
      fields(mailerlite.check({ ...create(), url: 'https://api.mailerlite.com/api/v2/subscribers' }, region)),
    ).toEqual(['url']);
    expect(
      fields(mailerlite.check({ ...create(), url: 'https://connect.mailerlite.com/api/groups' }, region)),
    ).toEqual(['url']);
    expect(mailerlite.check({ ...create(), method: 'PUT' }, region)).toEqual([
      { field: 'method', message: expect.stringContaining('takes POST') },
    ]);
    expect(fields(mailerlite.check({ ...update('ada@example.com'), method: 'POST' }, region))).toEqual([
      'method',
    ]);
    expect(fields(mailerlite.check(update('not an email'), region))).toEqual(['url']);
  });

  it('requires a valid email on create and flat fields, string groups and a known status', () => {
    expect(fields(mailerlite.check(create({ email: undefined }), region))).toEqual(['payload.email']);
    expect(mailerlite.check(create({ email: 'nope' }), region)).toEqual([
      { field: 'payload.email', message: 'The email must be a valid email address.' },
    ]);
    expect(fields(mailerlite.check(create({ fields: { address: { city: 'x' } } }), region))).toEqual([
      'payload.fields.address',
    ]);
    expect(fields(mailerlite.check(create({ groups: [123] }), region))).toEqual(['payload.groups']);
    expect(fields(mailerlite.check(create({ status: 'paying' }), region))).toEqual(['payload.status']);
    expect(mailerlite.check(create({ groups: ['111'], status: 'active' }), region)).toEqual([]);
  });
});

describe('classify', () => {
  const r = (statusCode: number, headers: Record<string, string> = {}) => ({ statusCode, headers, body: '' });
  it('counts 200/201 as success, retries 429 (with Retry-After) and 5xx, and stops on 401/404/422', () => {
    expect(mailerlite.classify(r(201))).toEqual({ kind: 'success' });
    expect(mailerlite.classify(r(200))).toEqual({ kind: 'success' });
    expect(mailerlite.classify(r(429, { 'Retry-After': '30' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 30_000,
    });
    expect(mailerlite.classify(r(502))).toEqual({ kind: 'retry' });
    expect(mailerlite.classify(r(401))).toMatchObject({
      kind: 'permanent',
      reason: expect.stringContaining('token'),
    });
    expect(mailerlite.classify(r(404))).toMatchObject({ kind: 'permanent' });
    expect(mailerlite.classify(r(422))).toMatchObject({ kind: 'permanent' });
  });
});

describe('the fake MailerLite API', () => {
  it('rejects a wrong token with 401 Unauthenticated', async () => {
    const answer = await send(create(), 'wrong_token_00000000');
    expect(answer.statusCode).toBe(401);
    expect(JSON.parse(answer.body)).toEqual({ message: 'Unauthenticated.' });
    expect(fake.received).toEqual([]);
  });

  it('answers 422 with errors by field for a missing email', async () => {
    const answer = await send(create({ email: undefined }));
    expect(answer.statusCode).toBe(422);
    expect(JSON.parse(answer.body)).toEqual({
      message: 'The email field is required.',
      errors: { email: ['The email field is required.'] },
    });
    expect(mailerlite.classify(answer)).toMatchObject({ kind: 'permanent' });
    expect(fake.received).toEqual([]);
  });

  it('answers a PUT for an unknown subscriber 404, and updates a known one', async () => {
    expect((await send(update('ghost@example.com'))).statusCode).toBe(404);
    await send(create());
    const answer = await send(update('ada@example.com'));
    expect(answer.statusCode).toBe(200);
    expect(fake.subscribers.get('ada@example.com')?.fields).toEqual({ name: 'Ada', plan: 'pro' });
  });

  it('answers 413 to an oversize body', async () => {
    const answer = await send(create({ fields: { notes: 'x'.repeat(1024 * 1024 + 10) } }));
    expect(answer.statusCode).toBe(413);
    expect(fake.received).toEqual([]);
  });

  it('answers 429 with Retry-After past the per-minute limit', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await send(create()));
    const limited = answers.find((a) => a.statusCode === 429)!;
    expect(limited).toBeDefined();
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(mailerlite.classify(limited)).toMatchObject({ kind: 'retry', retryAfterMs: expect.any(Number) });
  });
});
