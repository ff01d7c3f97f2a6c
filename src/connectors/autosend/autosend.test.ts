import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  type AutosendFake,
  autosend,
  autosendManifest,
  autosendRegions,
  SEND_URL,
  startAutosendFake,
} from './index.ts';

const API_KEY = 'as_live_4f2a9c0d1e7b';
const region = autosendRegions.default;
const templates = templateSandbox();

let fake: AutosendFake;

beforeAll(async () => {
  fake = await startAutosendFake({
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

const mail = (payload: Record<string, unknown> = {}): TransformedRequest => ({
  method: 'POST',
  url: SEND_URL,
  headers: {},
  payload: {
    to: { email: 'ada@example.com', name: 'Ada' },
    from: { email: 'billing@mail.yourdomain.com' },
    subject: 'Hi',
    html: '<p>Hi</p>',
    ...payload,
  },
});
const fields = (findings: ContractFinding[]) => findings.map((f) => f.field);

async function send(request: TransformedRequest, apiKey = API_KEY) {
  const res = await fetch(`${fake.url}${new URL(request.url).pathname}`, {
    method: request.method,
    headers: { 'content-type': 'application/json', ...autosend.authenticate({ apiKey }, region) },
    body: JSON.stringify(request.payload),
  });
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

describe('the AutoSend manifest', () => {
  it('is a Bearer card on api.autosend.com', () => {
    expect(autosendManifest.id).toBe('autosend');
    expect(autosendManifest.authentication).toBe('bearer');
    expect(autosendManifest.regions).toEqual([
      { id: 'default', label: 'AutoSend API', hosts: ['api.autosend.com'] },
    ]);
    expect(autosendManifest.credentials.map((c) => [c.id, c.secret])).toEqual([['apiKey', true]]);
    expect(new RegExp(autosendManifest.credentials[0]!.pattern!).test(API_KEY)).toBe(true);
    expect(autosendManifest.logo).toMatch(/^<svg [\s\S]*<\/svg>$/);
    expect(autosendManifest.instructions).toContain('Settings → API Keys');
    expect([...autosendManifest.defaultEventTypes].sort()).toEqual([
      'payment.succeeded',
      'subscription.active',
      'subscription.cancelled',
    ]);
    expect(autosend.authenticate({ apiKey: API_KEY }, region)).toEqual({
      authorization: `Bearer ${API_KEY}`,
    });
    expect(() => autosend.authenticate({}, region)).toThrow(/API key/);
  });
});

const CASES = autosendManifest.templates.flatMap((t) => t.eventTypes.map((e) => [t.id, e] as const));

describe.each(CASES)('template %s on the %s example', (templateId, eventType) => {
  const template = autosendManifest.templates.find((t) => t.id === templateId)!;
  it('passes its own contract, and the fake queues it', async () => {
    const request = await run(template.code, eventType);
    expect(request).toMatchObject({ method: 'POST', url: SEND_URL });
    expect(autosend.check(request, region)).toEqual([]);
    expect(autosend.prepare(request, { messageId: 'm', endpointId: 'e' })).toBe(request);
    const answer = await send(request);
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      success: true,
      message: 'Email queued successfully',
      data: { emailId: expect.any(String), status: 'queued' },
    });
    expect(autosend.classify(answer)).toEqual({ kind: 'success' });
    expect(fake.received.map((c) => c.body)).toEqual([request.payload]);
  });
});

describe('check', () => {
  it('flags a wrong host, path or method', () => {
    expect(autosend.check(mail(), region)).toEqual([]);
    expect(fields(autosend.check({ ...mail(), url: 'https://autosend.com/v1/mails/send' }, region))).toEqual([
      'url',
    ]);
    expect(fields(autosend.check({ ...mail(), url: 'https://api.autosend.com/v1/emails' }, region))).toEqual([
      'url',
    ]);
    expect(fields(autosend.check({ ...mail(), method: 'PATCH' }, region))).toEqual(['method']);
  });

  it('requires {email} objects for to and from, and content or a templateId', () => {
    expect(autosend.check(mail({ to: 'ada@example.com' }), region)).toEqual([
      { field: 'payload.to', message: 'to must be an object: write {"email": "ada@example.com"}' },
    ]);
    expect(fields(autosend.check(mail({ to: [{ email: 'ada@example.com' }] }), region))).toEqual([
      'payload.to',
    ]);
    expect(fields(autosend.check(mail({ from: { email: 'nope' } }), region))).toEqual(['payload.from.email']);
    expect(fields(autosend.check(mail({ html: undefined }), region))).toEqual(['payload.html']);
    expect(autosend.check(mail({ html: undefined, text: 'Hi' }), region)).toEqual([]);
    expect(fields(autosend.check(mail({ subject: undefined }), region))).toEqual(['payload.subject']);
    expect(
      autosend.check(
        mail({ subject: undefined, html: undefined, templateId: 'tpl_receipt', dynamicData: { a: 1 } }),
        region,
      ),
    ).toEqual([]);
    expect(fields(autosend.check(mail({ cc: [{ email: 'x' }] }), region))).toEqual(['payload.cc[0].email']);
  });
});

describe('classify', () => {
  const r = (statusCode: number, headers: Record<string, string> = {}) => ({ statusCode, headers, body: '' });
  it('counts 2xx as success, retries 429 and 5xx, and stops on 400/401/403/404', () => {
    expect(autosend.classify(r(200))).toEqual({ kind: 'success' });
    expect(autosend.classify(r(429, { 'retry-after': '2' }))).toEqual({ kind: 'retry', retryAfterMs: 2000 });
    expect(autosend.classify(r(503))).toEqual({ kind: 'retry' });
    for (const status of [400, 401, 403, 404])
      expect(autosend.classify(r(status))).toMatchObject({ kind: 'permanent' });
  });
});

describe('the fake AutoSend API', () => {
  it('rejects a wrong key with 401', async () => {
    const answer = await send(mail(), 'as_wrong_000000');
    expect(answer.statusCode).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ success: false });
    expect(fake.received).toEqual([]);
  });

  it('rejects a string `to` and missing content with 400', async () => {
    const answer = await send(mail({ to: 'ada@example.com' }));
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body).message).toContain('to must be an object');
    expect((await send(mail({ html: undefined }))).statusCode).toBe(400);
    expect(fake.received).toEqual([]);
  });

  it('rejects an unverified sender domain with 403 and an unknown template with 404', async () => {
    expect((await send(mail({ from: { email: 'me@gmail.com' } }))).statusCode).toBe(403);
    expect(
      (await send(mail({ subject: undefined, html: undefined, templateId: 'tpl_other' }))).statusCode,
    ).toBe(404);
    expect(fake.received).toEqual([]);
  });

  it('rejects an oversize body with 413', async () => {
    expect((await send(mail({ html: 'x'.repeat(1024 * 1024 + 1) }))).statusCode).toBe(413);
    expect(fake.received).toEqual([]);
  });

  it('answers 429 with Retry-After past the configured rate', async () => {
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await send(mail()));
    const limited = answers.find((a) => a.statusCode === 429)!;
    expect(limited).toBeDefined();
    expect(autosend.classify(limited)).toEqual({ kind: 'retry', retryAfterMs: 1000 });
  });
});
