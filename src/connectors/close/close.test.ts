import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import type { TransformedRequest, WebhookInput } from '../../sandbox/index.ts';
import type { VendorResponse } from '../connector.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  type CloseFake,
  checkCloseRequest,
  classifyCloseResponse,
  close,
  closeManifest,
  closeRegions,
  startCloseFake,
} from './index.ts';

const REGION = closeRegions.default;
const API_KEY = 'api_3kd9Xq2LmP7vRt5Wz.8sYb1NcQ4hFj6Ge0Ua';
const BASE = 'https://api.close.com';
const contact = { name: 'Ada Lovelace', emails: [{ type: 'office', email: 'ada@example.com' }] };
const opportunity = {
  note: 'Payment',
  value: 2999,
  value_period: 'one_time',
  value_currency: 'USD',
  confidence: 100,
};

function request(
  path: string,
  payload: unknown,
  extra: Partial<TransformedRequest> = {},
): TransformedRequest {
  return { method: 'POST', url: `${BASE}${path}`, headers: {}, payload, ...extra };
}
function fields(req: TransformedRequest) {
  return checkCloseRequest(req, REGION).map((finding) => finding.field);
}
function response(
  statusCode: number,
  body: unknown = '',
  headers: Record<string, string> = {},
): VendorResponse {
  return { statusCode, headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
}
function basic(key: string) {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}
function webhookFor(eventType: string, metadata?: Record<string, unknown>): WebhookInput {
  const payload = structuredClone(findEventType(eventType)!.example);
  if (metadata) (payload.data as { metadata: unknown }).metadata = metadata;
  return {
    eventType,
    payload,
    url: 'https://api.close.com/',
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  };
}

const templates = templateSandbox();

describe('the Close manifest', () => {
  it('describes a basic-auth card with one secret API key', () => {
    expect(closeManifest).toMatchObject({
      id: 'close',
      name: 'Close CRM',
      category: 'crm',
      authentication: 'basic',
    });
    expect(closeManifest.regions).toEqual([{ id: 'default', label: 'Close API', hosts: ['api.close.com'] }]);
    const [field] = closeManifest.credentials;
    expect(closeManifest.credentials).toHaveLength(1);
    expect(field).toMatchObject({ id: 'apiKey', secret: true });
    const pattern = new RegExp(field!.pattern!);
    expect(pattern.test(API_KEY)).toBe(true);
    for (const bad of ['', 'api_short', `Basic ${API_KEY}`, 'sk_live_1234567890abcdef', `${API_KEY}:`])
      expect(pattern.test(bad), bad).toBe(false);
    expect(closeManifest.instructions).toMatch(/Settings → Developer → API Keys/);
    expect(closeManifest.logo).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect([...closeManifest.defaultEventTypes].sort()).toEqual(['payment.succeeded', 'subscription.active']);
  });

  for (const template of closeManifest.templates) {
    for (const eventType of template.eventTypes) {
      it(`template ${template.id} builds a request Close accepts for ${eventType}`, async () => {
        const built = await templates.run(template.code, webhookFor(eventType));
        expect(checkCloseRequest(built, REGION)).toEqual([]);
        const fake = await startCloseFake({ apiKeys: [API_KEY] });
        try {
          const res = await fetch(`${fake.url}${new URL(built.url).pathname}`, {
            method: built.method,
            headers: { authorization: basic(API_KEY), 'content-type': 'application/json' },
            body: JSON.stringify(built.payload),
          });
          expect(res.status, await res.clone().text()).toBe(200);
        } finally {
          await fake.close();
        }
      });
    }
  }

  it('the templates use the amount in cents, the billing period, and a close_lead_id from metadata', async () => {
    const [contactTemplate, opportunityTemplate] = closeManifest.templates;
    const payment = await templates.run(opportunityTemplate!.code, webhookFor('payment.succeeded'));
    expect(payment.payload).toMatchObject({
      value: 2999,
      value_period: 'one_time',
      value_currency: 'USD',
      date_won: '2025-08-04',
    });
    const subscription = await templates.run(opportunityTemplate!.code, webhookFor('subscription.active'));
    expect(subscription.payload).toMatchObject({ value: 2999, value_period: 'monthly' });
    const linked = await templates.run(
      contactTemplate!.code,
      webhookFor('payment.succeeded', { close_lead_id: 'lead_abc' }),
    );
    expect(linked.payload).toEqual({
      name: 'Ada Lovelace',
      emails: [{ type: 'office', email: 'ada.lovelace@example.com' }],
      phones: [{ type: 'mobile', phone: '+13025550142' }],
      lead_id: 'lead_abc',
    });
  });
});

describe('checkCloseRequest', () => {
  it('accepts a contact and an opportunity', () => {
    expect(fields(request('/api/v1/contact/', contact))).toEqual([]);
    expect(fields(request('/api/v1/opportunity/', opportunity))).toEqual([]);
    expect(
      fields(request('/api/v1/opportunity/', { ...opportunity, 'custom.cf_abc123': 'x', lead_id: 'lead_1' })),
    ).toEqual([]);
  });
  it('names what is wrong and says what to write', () => {
    const findings = checkCloseRequest(request('/api/v1/contact/', {}), REGION);
    expect(findings.map((f) => f.field)).toEqual(['payload.name']);
    expect(findings[0]!.message).toMatch(/set name/);
    expect(fields(request('/api/v1/contact/', { ...contact, emails: [{ email: 'nope' }] }))).toEqual([
      'payload.emails.0.email',
    ]);
    expect(
      fields(request('/api/v1/contact/', { ...contact, emails: [{ type: 'work', email: 'a@b.co' }] })),
    ).toEqual(['payload.emails.0.type']);
    expect(fields(request('/api/v1/contact/', { ...contact, email: 'a@b.co' }))).toEqual(['payload.email']);
    expect(fields(request('/api/v1/opportunity/', { ...opportunity, value: 29.99 }))).toEqual([
      'payload.value',
    ]);
    expect(fields(request('/api/v1/opportunity/', { ...opportunity, value_period: 'yearly' }))).toEqual([
      'payload.value_period',
    ]);
    expect(fields(request('/api/v1/opportunity/', { ...opportunity, confidence: 101 }))).toEqual([
      'payload.confidence',
    ]);
    expect(
      fields(request('/api/v1/opportunity/', { ...opportunity, date_won: '2025-08-04T05:30:00Z' })),
    ).toEqual(['payload.date_won']);
    expect(fields(request('/api/v1/opportunity/', { ...opportunity, lead_id: 'cus_1' }))).toEqual([
      'payload.lead_id',
    ]);
  });
  it('refuses other paths (including a missing trailing slash), methods and hosts', () => {
    const noSlash = checkCloseRequest(request('/api/v1/contact', contact), REGION);
    expect(noSlash.map((f) => f.field)).toEqual(['url']);
    expect(noSlash[0]!.message).toMatch(/trailing slash/);
    expect(fields(request('/api/v1/lead/', contact))).toEqual(['url']);
    expect(fields(request('/api/v1/contact/', contact, { method: 'PUT' }))).toEqual(['method']);
    expect(
      fields({ ...request('/api/v1/contact/', contact), url: 'https://app.close.com/api/v1/contact/' }),
    ).toEqual(['url']);
  });
});

describe('prepare, authenticate, classify', () => {
  it('leaves the request as built and sends the key as the Basic user name with an empty password', () => {
    const req = request('/api/v1/contact/', contact);
    expect(close.prepare(req, { messageId: 'm', endpointId: 'e' })).toBe(req);
    expect(close.authenticate({ apiKey: API_KEY }, REGION)).toEqual({ authorization: basic(API_KEY) });
    expect(() => close.authenticate({}, REGION)).toThrow(/no API key/);
  });
  it('classifies Close answers', () => {
    expect(classifyCloseResponse(response(200, { id: 'cont_1' }))).toEqual({ kind: 'success' });
    expect(classifyCloseResponse(response(429, '', { 'retry-after': '2' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 2000,
    });
    expect(
      classifyCloseResponse(response(429, '', { ratelimit: 'limit=10, remaining=0, reset=1.5' })),
    ).toEqual({ kind: 'retry', retryAfterMs: 1500 });
    expect(classifyCloseResponse(response(429, { error: { rate_reset: 0.25 } }))).toEqual({
      kind: 'retry',
      retryAfterMs: 250,
    });
    expect(classifyCloseResponse(response(502))).toEqual({ kind: 'retry' });
    const bad = classifyCloseResponse(
      response(400, { error: '', errors: [], 'field-errors': { lead_id: 'Object does not exist.' } }),
    );
    expect(bad.kind === 'permanent' && bad.reason).toMatch(/lead_id: Object does not exist/);
    expect(classifyCloseResponse(response(401, { error: 'Unauthorized' })).kind).toBe('permanent');
    expect(classifyCloseResponse(response(404)).kind).toBe('permanent');
  });
});

describe('the Close fake', () => {
  let fake: CloseFake;
  beforeAll(async () => {
    fake = await startCloseFake({ apiKeys: [API_KEY] });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}, base?: string) =>
    fetch(`${base ?? fake.url}${path}`, {
      method: 'POST',
      headers: { authorization: basic(API_KEY), 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('creates a contact on a new lead, and an opportunity on an existing lead', async () => {
    const res = await post('/api/v1/contact/', contact);
    expect(res.status).toBe(200);
    const created = (await res.json()) as { id: string; lead_id: string };
    expect(created.id).toMatch(/^cont_/);
    expect(fake.leads.has(created.lead_id)).toBe(true);
    const opp = await post('/api/v1/opportunity/', { ...opportunity, lead_id: created.lead_id });
    expect(opp.status).toBe(200);
    expect(fake.received.map((r) => [r.object, r.lead_id])).toEqual([
      ['contact', created.lead_id],
      ['opportunity', created.lead_id],
    ]);
  });
  it('refuses a wrong key, a key with a password, and no auth with 401', async () => {
    expect(
      (await post('/api/v1/contact/', contact, { authorization: basic('api_wrongwrongwrongwrong') })).status,
    ).toBe(401);
    const withPassword = `Basic ${Buffer.from(`${API_KEY}:secret`).toString('base64')}`;
    expect((await post('/api/v1/contact/', contact, { authorization: withPassword })).status).toBe(401);
    expect((await post('/api/v1/contact/', contact, { authorization: `Bearer ${API_KEY}` })).status).toBe(
      401,
    );
    expect(fake.received).toEqual([]);
  });
  it('refuses invalid fields and unknown leads with 400 field-errors', async () => {
    const res = await post('/api/v1/opportunity/', { ...opportunity, value: '29.99' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { 'field-errors': Record<string, string> })['field-errors']).toHaveProperty(
      'value',
    );
    const missing = await post('/api/v1/contact/', { title: 'CTO' });
    expect(missing.status).toBe(400);
    const unknownLead = await post('/api/v1/contact/', { ...contact, lead_id: 'lead_doesnotexist' });
    expect(unknownLead.status).toBe(400);
    expect(await unknownLead.json()).toMatchObject({ 'field-errors': { lead_id: 'Object does not exist.' } });
    expect((await post('/api/v1/contact', contact)).status).toBe(404);
    expect(fake.received).toEqual([]);
  });
  it('answers 429 with Retry-After, RateLimit and rate_reset past the window limit', async () => {
    const limited = await startCloseFake({ apiKeys: [API_KEY], ratePerWindow: 2, windowMs: 5000 });
    try {
      const statuses = [];
      for (let i = 0; i < 2; i++)
        statuses.push((await post('/api/v1/contact/', contact, {}, limited.url)).status);
      const res = await post('/api/v1/contact/', contact, {}, limited.url);
      statuses.push(res.status);
      expect(statuses).toEqual([200, 200, 429]);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(res.headers.get('ratelimit')).toMatch(/^limit=2, remaining=0, reset=\d/);
      const verdict = classifyCloseResponse({
        statusCode: 429,
        headers: { 'retry-after': res.headers.get('retry-after')! },
        body: await res.text(),
      });
      expect(verdict.kind).toBe('retry');
      expect(limited.received).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });
});
