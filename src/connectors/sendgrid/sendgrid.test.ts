import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { VendorResponse } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  checkSendgridRequest,
  classifySendgridResponse,
  type SendgridFake,
  sendgrid,
  sendgridManifest,
  sendgridRegions,
  startSendgridFake,
} from './index.ts';

const GLOBAL = sendgridRegions.global;
const EU = sendgridRegions.eu;
const API_KEY = 'SG.abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq';
const URL_SEND = 'https://api.sendgrid.com/v3/mail/send';
const mail = {
  personalizations: [{ to: [{ email: 'ada@example.com', name: 'Ada' }] }],
  from: { email: 'billing@example.com', name: 'Billing' },
  subject: 'Payment received',
  content: [
    { type: 'text/plain', value: 'Thanks' },
    { type: 'text/html', value: '<p>Thanks</p>' },
  ],
};

function request(payload: unknown, extra: Partial<TransformedRequest> = {}): TransformedRequest {
  return { method: 'POST', url: URL_SEND, headers: {}, payload, ...extra };
}
function fields(req: TransformedRequest, region = GLOBAL) {
  return checkSendgridRequest(req, region).map((finding) => finding.field);
}
function response(
  statusCode: number,
  body: unknown = '',
  headers: Record<string, string> = {},
): VendorResponse {
  return { statusCode, headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
}
const webhookFor = (eventType: string) => exampleWebhook(eventType, 'https://api.sendgrid.com/');

const templates = templateSandbox();

describe('the SendGrid manifest', () => {
  it('describes a bearer card with one secret SG. key, global and EU regions', () => {
    expect(sendgridManifest).toMatchObject({
      id: 'sendgrid',
      name: 'SendGrid',
      category: 'email',
      authentication: 'bearer',
    });
    expect(sendgridManifest.regions.map((r) => [r.id, r.hosts])).toEqual([
      ['global', ['api.sendgrid.com']],
      ['eu', ['api.eu.sendgrid.com']],
    ]);
    const [field] = sendgridManifest.credentials;
    expect(sendgridManifest.credentials).toHaveLength(1);
    expect(field).toMatchObject({ id: 'apiKey', secret: true });
    const pattern = new RegExp(field!.pattern!);
    expect(pattern.test(API_KEY)).toBe(true);
    for (const bad of ['', 're_123456789abc', 'SG.short', `Bearer ${API_KEY}`])
      expect(pattern.test(bad), bad).toBe(false);
    expect(sendgridManifest.instructions).toMatch(/Settings → API Keys/);
    expect(sendgridManifest.instructions).toContain('api.eu.sendgrid.com');
    expect(sendgridManifest.logo).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect([...sendgridManifest.defaultEventTypes].sort()).toEqual([
      'payment.succeeded',
      'subscription.active',
      'subscription.cancelled',
    ]);
  });

  for (const template of sendgridManifest.templates) {
    for (const eventType of template.eventTypes) {
      it(`template ${template.id} builds mail SendGrid accepts for ${eventType}`, async () => {
        const built = await templates.run(template.code, webhookFor(eventType));
        expect(built.url).toBe(URL_SEND);
        expect(checkSendgridRequest(built, GLOBAL)).toEqual([]);
        const payload = built.payload as {
          personalizations: { to: { email: string }[] }[];
          content: { value: string }[];
        };
        const data = findEventType(eventType)!.example.data as {
          customer: { email: string };
          payment_id?: string;
          subscription_id?: string;
        };
        expect(payload.personalizations[0]!.to[0]!.email).toBe(data.customer.email);
        expect(payload.content[0]!.value).toContain(
          eventType.startsWith('payment') ? data.payment_id : data.subscription_id,
        );
      });
    }
  }
});

describe('checkSendgridRequest', () => {
  it('accepts complete mail, on the host of the region', () => {
    expect(fields(request(mail))).toEqual([]);
    expect(fields(request(mail, { url: 'https://api.eu.sendgrid.com/v3/mail/send' }), EU)).toEqual([]);
    expect(fields(request(mail), EU)).toEqual(['url']);
  });
  it('names each missing field and says what to write', () => {
    const findings = checkSendgridRequest(request({}), GLOBAL);
    expect(findings.map((f) => f.field)).toEqual([
      'payload.personalizations',
      'payload.from',
      'payload.subject',
      'payload.content',
    ]);
    for (const f of findings) expect(f.message).toMatch(/write|set|add/);
  });
  it('takes the subject from every personalization, or a template instead of subject and content', () => {
    const { subject: _s, ...noSubject } = mail;
    expect(fields(request(noSubject))).toEqual(['payload.subject']);
    expect(
      fields(request({ ...noSubject, personalizations: [{ ...mail.personalizations[0], subject: 'Hi' }] })),
    ).toEqual([]);
    expect(
      fields(request({ personalizations: mail.personalizations, from: mail.from, template_id: 'd-123' })),
    ).toEqual([]);
  });
  it('refuses bad addresses, duplicates, too many recipients, wrong content order, bad categories and custom_args', () => {
    expect(fields(request({ ...mail, from: { email: 'Billing <b@example.com>' } }))).toEqual([
      'payload.from.email',
    ]);
    expect(fields(request({ ...mail, personalizations: [{ to: [] }] }))).toEqual([
      'payload.personalizations[0].to',
    ]);
    expect(
      fields(
        request({
          ...mail,
          personalizations: [{ to: [{ email: 'a@example.com' }], cc: [{ email: 'A@example.com' }] }],
        }),
      ),
    ).toEqual(['payload.personalizations[0].cc[0].email']);
    const many = Array.from({ length: 1001 }, (_, i) => ({ email: `u${i}@example.com` }));
    expect(fields(request({ ...mail, personalizations: [{ to: many }] }))).toEqual([
      'payload.personalizations',
    ]);
    expect(fields(request({ ...mail, content: [...mail.content].reverse() }))).toEqual(['payload.content']);
    expect(fields(request({ ...mail, categories: Array(11).fill('x') }))).toEqual(['payload.categories']);
    expect(fields(request({ ...mail, custom_args: { n: 1 } }))).toEqual(['payload.custom_args']);
  });
  it('refuses other paths, methods, and a body over 30 MB', () => {
    expect(fields(request(mail, { url: 'https://api.sendgrid.com/v3/mail/batch' }))).toEqual(['url']);
    expect(fields(request(mail, { method: 'PUT' }))).toEqual(['method']);
    const huge = { ...mail, content: [{ type: 'text/plain', value: 'x'.repeat(30_000_000) }] };
    expect(fields(request(huge))).toEqual(['payload']);
  });
});

describe('prepare, authenticate, classify', () => {
  it('leaves the request as built (SendGrid has no idempotency key)', () => {
    const req = request(mail);
    expect(sendgrid.prepare(req, { messageId: 'm', endpointId: 'e' })).toBe(req);
  });
  it('sends the key as a Bearer token with the Accept header SendGrid requires', () => {
    expect(sendgrid.authenticate({ apiKey: API_KEY }, GLOBAL)).toEqual({
      authorization: `Bearer ${API_KEY}`,
      accept: 'application/json',
    });
    expect(() => sendgrid.authenticate({}, GLOBAL)).toThrow(/no API key/);
  });
  it('classifies SendGrid answers', () => {
    const now = 1_700_000_000_000;
    expect(classifySendgridResponse(response(202))).toEqual({ kind: 'success' });
    expect(
      classifySendgridResponse(response(429, '', { 'x-ratelimit-reset': String(now / 1000 + 3) }), now),
    ).toEqual({ kind: 'retry', retryAfterMs: 3000 });
    expect(classifySendgridResponse(response(503))).toEqual({ kind: 'retry' });
    const bad = classifySendgridResponse(
      response(400, { errors: [{ field: 'from.email', message: 'does not contain a valid address' }] }),
    );
    expect(bad).toMatchObject({ kind: 'permanent' });
    expect(bad.kind === 'permanent' && bad.reason).toContain('from.email: does not contain a valid address');
    for (const status of [401, 403, 406, 413])
      expect(classifySendgridResponse(response(status)).kind).toBe('permanent');
  });
});

describe('the SendGrid fake', () => {
  let fake: SendgridFake;
  const RESTRICTED = 'SG.restrictedkey1234567.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq';
  beforeAll(async () => {
    fake = await startSendgridFake({ apiKeys: [API_KEY], restrictedKeys: [RESTRICTED] });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });
  const send = (body: unknown, headers: Record<string, string> = {}, base?: string) =>
    fetch(`${base ?? fake.url}/v3/mail/send`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${API_KEY}`,
        'content-type': 'application/json',
        accept: 'application/json',
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('accepts good mail with 202, an empty body and X-Message-Id', async () => {
    const res = await send(mail);
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    expect(res.headers.get('x-message-id')).toBe(fake.received[0]!.messageId);
    expect(fake.received).toEqual([expect.objectContaining({ apiKey: API_KEY, body: mail })]);
  });
  it('refuses a bad key (401), a key without Mail Send (403) and a missing Accept (406)', async () => {
    const wrong = await send(mail, { authorization: 'Bearer SG.nope' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { errors: unknown[] }).errors).toHaveLength(1);
    expect((await send(mail, { authorization: `Bearer ${RESTRICTED}` })).status).toBe(403);
    expect((await send(mail, { accept: '' })).status).toBe(406);
    expect(fake.received).toEqual([]);
  });
  it('refuses a missing field with 400 errors naming it', async () => {
    const { from: _from, ...noFrom } = mail;
    const res = await send(noFrom);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { field: string; message: string; help: string }[] };
    expect(body.errors.map((e) => e.field)).toEqual(['from']);
    expect(body.errors[0]!.help).toMatch(/^http/);
    expect(fake.received).toEqual([]);
  });
  it('refuses an oversize body with 413', async () => {
    const res = await send({ ...mail, content: [{ type: 'text/plain', value: 'x'.repeat(30_000_001) }] });
    expect(res.status).toBe(413);
    expect(fake.received).toEqual([]);
  });
  it('answers 429 with X-RateLimit headers past the per-second limit', async () => {
    const limited = await startSendgridFake({ apiKeys: [API_KEY], rateLimitPerSecond: 2 });
    try {
      const statuses = [];
      for (let i = 0; i < 2; i++) statuses.push((await send(mail, {}, limited.url)).status);
      const res = await send(mail, {}, limited.url);
      statuses.push(res.status);
      expect(statuses).toEqual([202, 202, 429]);
      expect(res.headers.get('x-ratelimit-limit')).toBe('2');
      expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(
        Math.floor(Date.now() / 1000),
      );
      expect(limited.received).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });
});
