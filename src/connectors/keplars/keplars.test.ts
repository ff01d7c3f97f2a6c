import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  type KeplarsFake,
  keplars,
  keplarsManifest,
  keplarsRegions,
  SEND_URL,
  startKeplarsFake,
} from './index.ts';

const API_KEY = 'kms_ws1.live_4f2a9c0d1e7b';
const region = keplarsRegions.default;
const templates = templateSandbox();

let fake: KeplarsFake;

beforeAll(async () => {
  fake = await startKeplarsFake({
    apiKeys: [API_KEY],
    verifiedDomains: ['mail.yourdomain.com'],
    templates: ['tpl_receipt'],
    rateLimitPerSecond: 3,
  });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

const run = (code: string, eventType: string) =>
  templates.run(code, exampleWebhook(eventType, 'https://merchant.example/hooks'));

const email = (payload: Record<string, unknown> = {}): TransformedRequest => ({
  method: 'POST',
  url: SEND_URL,
  headers: {},
  payload: {
    to: ['ada@example.com'],
    from: 'payments@mail.yourdomain.com',
    subject: 'Hi',
    body: '<p>Hi</p>',
    ...payload,
  },
});
const fields = (findings: ContractFinding[]) => findings.map((f) => f.field);

async function send(request: TransformedRequest, apiKey = API_KEY) {
  const res = await fetch(`${fake.url}${new URL(request.url).pathname}`, {
    method: request.method,
    headers: { 'content-type': 'application/json', ...keplars.authenticate({ apiKey }, region) },
    body: JSON.stringify(request.payload),
  });
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

describe('the Keplars manifest', () => {
  it('is a Bearer card on api.keplars.com', () => {
    expect(keplarsManifest.id).toBe('keplars');
    expect(keplarsManifest.authentication).toBe('bearer');
    expect(keplarsManifest.regions).toEqual([
      { id: 'default', label: 'Keplars API', hosts: ['api.keplars.com'] },
    ]);
    expect(keplarsManifest.credentials.map((c) => [c.id, c.secret])).toEqual([['apiKey', true]]);
    expect(new RegExp(keplarsManifest.credentials[0]!.pattern!).test(API_KEY)).toBe(true);
    expect(keplarsManifest.logo).toMatch(/^<svg [\s\S]*<\/svg>$/);
    expect(keplarsManifest.instructions).toContain('Settings → API Keys');
    expect([...keplarsManifest.defaultEventTypes].sort()).toEqual([
      'payment.succeeded',
      'subscription.active',
      'subscription.cancelled',
    ]);
    expect(keplars.authenticate({ apiKey: API_KEY }, region)).toEqual({ authorization: `Bearer ${API_KEY}` });
    expect(() => keplars.authenticate({}, region)).toThrow(/API key/);
  });
});

const CASES = keplarsManifest.templates.flatMap((t) => t.eventTypes.map((e) => [t.id, e] as const));

describe.each(CASES)('template %s on the %s example', (templateId, eventType) => {
  const template = keplarsManifest.templates.find((t) => t.id === templateId)!;
  it('passes its own contract, and the fake queues it', async () => {
    const request = await run(template.code, eventType);
    expect(request).toMatchObject({ method: 'POST', url: SEND_URL });
    expect(keplars.check(request, region)).toEqual([]);
    expect(keplars.prepare(request, { messageId: 'm', endpointId: 'e' })).toBe(request);
    const answer = await send(request);
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ success: true, data: { job_id: expect.any(String) } });
    expect(keplars.classify(answer)).toEqual({ kind: 'success' });
    expect(fake.received.map((c) => c.body)).toEqual([request.payload]);
  });
});

describe('check', () => {
  it('flags a wrong host or path', () => {
    expect(keplars.check(email(), region)).toEqual([]);
    expect(
      fields(keplars.check({ ...email(), url: 'https://keplars.com/api/v1/send-email/high' }, region)),
    ).toEqual(['url']);
    expect(
      fields(keplars.check({ ...email(), url: 'https://api.keplars.com/api/v1/emails' }, region)),
    ).toEqual(['url']);
    expect(
      keplars.check({ ...email(), url: 'https://api.keplars.com/api/v1/send-email/instant' }, region),
    ).toEqual([]);
  });

  it('requires `to` as an array, a sender, and subject+body or a template_id (not both)', () => {
    expect(keplars.check(email({ to: 'ada@example.com' }), region)).toEqual([
      { field: 'payload.to', message: expect.stringContaining('must be an array, even for one recipient') },
    ]);
    expect(fields(keplars.check(email({ to: [] }), region))).toEqual(['payload.to']);
    expect(fields(keplars.check(email({ to: ['nope'] }), region))).toEqual(['payload.to[0]']);
    expect(fields(keplars.check(email({ from: undefined }), region))).toEqual(['payload.from']);
    expect(fields(keplars.check(email({ subject: undefined, body: undefined }), region))).toEqual([
      'payload.subject',
      'payload.body',
    ]);
    expect(fields(keplars.check(email({ template_id: 'tpl_receipt' }), region))).toEqual([
      'payload.subject',
      'payload.body',
    ]);
    expect(
      keplars.check(
        email({ subject: undefined, body: undefined, template_id: 'tpl_receipt', params: { a: 1 } }),
        region,
      ),
    ).toEqual([]);
    expect(
      fields(keplars.check(email({ to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`) }), region)),
    ).toEqual(['payload.to']);
  });
});

describe('classify', () => {
  const r = (statusCode: number, headers: Record<string, string> = {}) => ({ statusCode, headers, body: '' });
  it('counts 2xx as success, retries 429 and 5xx, and stops on 400/401/403/404', () => {
    expect(keplars.classify(r(200))).toEqual({ kind: 'success' });
    expect(keplars.classify(r(429, { 'retry-after': '2' }))).toEqual({ kind: 'retry', retryAfterMs: 2000 });
    expect(keplars.classify(r(503))).toEqual({ kind: 'retry' });
    for (const status of [400, 401, 403, 404])
      expect(keplars.classify(r(status))).toMatchObject({ kind: 'permanent' });
  });
});

describe('the fake Keplars API', () => {
  it('rejects a wrong key with 401', async () => {
    const answer = await send(email(), 'kms_wrong.live_0000');
    expect(answer.statusCode).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ success: false });
    expect(fake.received).toEqual([]);
  });

  it('rejects a string `to` and a missing subject with 400', async () => {
    const answer = await send(email({ to: 'ada@example.com' }));
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body).error).toContain('must be an array');
    expect((await send(email({ subject: undefined }))).statusCode).toBe(400);
    expect(fake.received).toEqual([]);
  });

  it('rejects an unverified sender with 403 and an unknown template with 404', async () => {
    expect((await send(email({ from: 'me@gmail.com' }))).statusCode).toBe(403);
    const templated = email({ subject: undefined, body: undefined, template_id: 'tpl_other' });
    expect((await send(templated)).statusCode).toBe(404);
    expect(fake.received).toEqual([]);
  });

  it('rejects an oversize body with 413', async () => {
    const answer = await send(email({ body: 'x'.repeat(1024 * 1024 + 1) }));
    expect(answer.statusCode).toBe(413);
    expect(fake.received).toEqual([]);
  });

  it('answers 429 with Retry-After past the configured rate', async () => {
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await send(email()));
    const limited = answers.find((a) => a.statusCode === 429)!;
    expect(limited).toBeDefined();
    expect(keplars.classify(limited)).toEqual({ kind: 'retry', retryAfterMs: 1000 });
  });
});
