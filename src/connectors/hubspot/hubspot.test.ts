import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { VendorResponse } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  checkHubspotRequest,
  classifyHubspotResponse,
  type HubspotFake,
  hubspot,
  hubspotManifest,
  hubspotRegions,
  startHubspotFake,
} from './index.ts';

const REGION = hubspotRegions.default;
const TOKEN = 'pat-na1-12345678-abcd-4ef0-9abc-1234567890ab';
const BASE = 'https://api.hubapi.com';
const contact = { properties: { email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' } };
const deal = {
  properties: { dealname: 'Payment', amount: '29.99', pipeline: 'default', dealstage: 'closedwon' },
};
const upsert = { inputs: [{ idProperty: 'email', id: 'ada@example.com', properties: { firstname: 'Ada' } }] };

function request(
  path: string,
  payload: unknown,
  extra: Partial<TransformedRequest> = {},
): TransformedRequest {
  return { method: 'POST', url: `${BASE}${path}`, headers: {}, payload, ...extra };
}
function fields(req: TransformedRequest) {
  return checkHubspotRequest(req, REGION).map((finding) => finding.field);
}
function response(
  statusCode: number,
  body: unknown = '',
  headers: Record<string, string> = {},
): VendorResponse {
  return { statusCode, headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
}
const webhookFor = (eventType: string) => exampleWebhook(eventType, 'https://api.hubapi.com/');

const templates = templateSandbox();

const runTemplate = (code: string, eventType: string) => templates.run(code, webhookFor(eventType));

describe('the HubSpot manifest', () => {
  it('describes a bearer card with one secret private-app token', () => {
    expect(hubspotManifest).toMatchObject({
      id: 'hubspot',
      name: 'HubSpot',
      category: 'crm',
      authentication: 'bearer',
    });
    expect(hubspotManifest.regions.map((r) => [r.id, r.hosts])).toEqual([
      ['default', ['api.hubapi.com', 'api.hubspot.com']],
    ]);
    const [field] = hubspotManifest.credentials;
    expect(hubspotManifest.credentials).toHaveLength(1);
    expect(field).toMatchObject({ id: 'accessToken', secret: true });
    const pattern = new RegExp(field!.pattern!);
    expect(pattern.test(TOKEN)).toBe(true);
    expect(pattern.test('pat-eu1-12345678-abcd-4ef0-9abc-1234567890ab')).toBe(true);
    for (const bad of ['', 'CJ3k…oauth', `Bearer ${TOKEN}`, 'pat-na1-1234'])
      expect(pattern.test(bad), bad).toBe(false);
    expect(hubspotManifest.instructions).toMatch(/Private Apps/);
    expect(hubspotManifest.instructions).toContain('crm.objects.contacts.write');
    expect(hubspotManifest.logo).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect([...hubspotManifest.defaultEventTypes].sort()).toEqual([
      'payment.succeeded',
      'subscription.active',
      'subscription.cancelled',
    ]);
  });

  for (const template of hubspotManifest.templates) {
    for (const eventType of template.eventTypes) {
      it(`template ${template.id} builds a request HubSpot accepts for ${eventType}`, async () => {
        const built = await runTemplate(template.code, eventType);
        expect(checkHubspotRequest(built, REGION)).toEqual([]);
        const fake = await startHubspotFake({ tokens: [TOKEN] });
        try {
          const res = await fetch(`${fake.url}${new URL(built.url).pathname}`, {
            method: built.method,
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify(built.payload),
          });
          expect(res.status, await res.clone().text()).toBeLessThan(300);
        } finally {
          await fake.close();
        }
      });
    }
  }

  it('the contact template splits the name and upserts by email', async () => {
    const built = await runTemplate(hubspotManifest.templates[0]!.code, 'payment.succeeded');
    expect(built.payload).toEqual({
      inputs: [
        {
          idProperty: 'email',
          id: 'ada.lovelace@example.com',
          properties: {
            email: 'ada.lovelace@example.com',
            firstname: 'Ada',
            lastname: 'Lovelace',
            phone: '+13025550142',
          },
        },
      ],
    });
  });
});

describe('checkHubspotRequest', () => {
  it('accepts contact create, contact PATCH, deal create and upsert', () => {
    expect(fields(request('/crm/v3/objects/contacts', contact))).toEqual([]);
    expect(
      fields(
        request('/crm/v3/objects/contacts/123', { properties: { firstname: 'A' } }, { method: 'PATCH' }),
      ),
    ).toEqual([]);
    expect(fields(request('/crm/v3/objects/deals', deal))).toEqual([]);
    expect(fields(request('/crm/v3/objects/contacts/batch/upsert', upsert))).toEqual([]);
  });
  it('names missing fields and says what to write', () => {
    const findings = checkHubspotRequest(request('/crm/v3/objects/deals', { properties: {} }), REGION);
    expect(findings.map((f) => f.field)).toEqual([
      'payload.properties.dealname',
      'payload.properties.dealstage',
      'payload.properties.pipeline',
    ]);
    for (const f of findings) expect(f.message).toMatch(/set/);
    expect(fields(request('/crm/v3/objects/contacts', { properties: { phone: '1' } }))).toEqual([
      'payload.properties',
    ]);
    expect(fields(request('/crm/v3/objects/contacts', { email: 'a@b.co' }))).toEqual(['payload.properties']);
    expect(fields(request('/crm/v3/objects/contacts/batch/upsert', { inputs: [] }))).toEqual([
      'payload.inputs',
    ]);
  });
  it('refuses wrong methods, paths, hosts, bad values', () => {
    expect(fields(request('/crm/v3/objects/contacts/123', contact))).toEqual(['method']);
    expect(fields(request('/crm/v3/objects/contacts', contact, { method: 'PATCH' }))).toEqual(['method']);
    expect(fields(request('/crm/v3/objects/companies', contact))).toEqual(['url']);
    expect(
      fields({
        ...request('/crm/v3/objects/contacts', contact),
        url: 'https://api.hubapi.io/crm/v3/objects/contacts',
      }),
    ).toEqual(['url']);
    expect(fields(request('/crm/v3/objects/contacts', { properties: { email: 'nope' } }))).toEqual([
      'payload.properties.email',
    ]);
    expect(
      fields(request('/crm/v3/objects/contacts', { properties: { email: 'a@b.co', tags: ['x'] } })),
    ).toEqual(['payload.properties.tags']);
    expect(
      fields(
        request('/crm/v3/objects/contacts', { properties: { email: 'a@b.co', note: 'x'.repeat(65_537) } }),
      ),
    ).toEqual(['payload.properties.note']);
    const many = {
      inputs: Array.from({ length: 101 }, (_, i) => ({
        idProperty: 'email',
        id: `u${i}@example.com`,
        properties: {},
      })),
    };
    expect(fields(request('/crm/v3/objects/contacts/batch/upsert', many))).toEqual(['payload.inputs']);
  });
});

describe('prepare, authenticate, classify', () => {
  it('leaves the request as built and sends the token as Bearer', () => {
    const req = request('/crm/v3/objects/contacts', contact);
    expect(hubspot.prepare(req, { messageId: 'm', endpointId: 'e' })).toBe(req);
    expect(hubspot.authenticate({ accessToken: TOKEN }, REGION)).toEqual({
      authorization: `Bearer ${TOKEN}`,
    });
    expect(() => hubspot.authenticate({}, REGION)).toThrow(/no private app access token/);
  });
  it('retries TEN_SECONDLY_ROLLING after the window, and holds DAILY as permanent for now', () => {
    const ten = {
      status: 'error',
      category: 'RATE_LIMITS',
      policyName: 'TEN_SECONDLY_ROLLING',
      message: 'x',
    };
    expect(
      classifyHubspotResponse(response(429, ten, { 'x-hubspot-ratelimit-interval-milliseconds': '10000' })),
    ).toEqual({ kind: 'retry', retryAfterMs: 10_000 });
    expect(classifyHubspotResponse(response(429, ten, { 'retry-after': '3' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 3000,
    });
    const daily = classifyHubspotResponse(response(429, { ...ten, policyName: 'DAILY' }));
    expect(daily.kind).toBe('permanent');
    expect(daily.kind === 'permanent' && daily.reason).toMatch(/daily/);
  });
  it('classifies the rest', () => {
    expect(classifyHubspotResponse(response(201, {}))).toEqual({ kind: 'success' });
    expect(classifyHubspotResponse(response(200, {}))).toEqual({ kind: 'success' });
    expect(classifyHubspotResponse(response(207, { status: 'COMPLETE', numErrors: 1 })).kind).toBe(
      'permanent',
    );
    expect(classifyHubspotResponse(response(502)).kind).toBe('retry');
    expect(classifyHubspotResponse(response(423)).kind).toBe('retry');
    expect(
      classifyHubspotResponse(
        response(409, {
          status: 'error',
          category: 'CONFLICT',
          message: 'Contact already exists. Existing ID: 5',
        }),
      ),
    ).toEqual({ kind: 'success' });
    expect(
      classifyHubspotResponse(
        response(409, { status: 'error', category: 'CONFLICT', message: 'Version mismatch' }),
      ).kind,
    ).toBe('permanent');
    const auth = classifyHubspotResponse(
      response(401, { status: 'error', category: 'INVALID_AUTHENTICATION', message: 'bad' }),
    );
    expect(auth.kind === 'permanent' && auth.reason).toMatch(/INVALID_AUTHENTICATION: bad/);
    expect(
      classifyHubspotResponse(response(400, { status: 'error', category: 'VALIDATION_ERROR', message: 'm' }))
        .kind,
    ).toBe('permanent');
  });
});

describe('the HubSpot fake', () => {
  let fake: HubspotFake;
  beforeAll(async () => {
    fake = await startHubspotFake({ tokens: [TOKEN] });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });
  const call = (
    path: string,
    body: unknown,
    method = 'POST',
    headers: Record<string, string> = {},
    base?: string,
  ) =>
    fetch(`${base ?? fake.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('creates a contact, refuses a duplicate email with 409, updates by id and by email', async () => {
    const created = await call('/crm/v3/objects/contacts', contact);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const duplicate = await call('/crm/v3/objects/contacts', contact);
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({
      status: 'error',
      category: 'CONFLICT',
      message: `Contact already exists. Existing ID: ${id}`,
    });
    expect(
      (await call(`/crm/v3/objects/contacts/${id}`, { properties: { phone: '1' } }, 'PATCH')).status,
    ).toBe(200);
    expect(
      (
        await call(
          '/crm/v3/objects/contacts/ada@example.com?idProperty=email',
          { properties: { lastname: 'L' } },
          'PATCH',
        )
      ).status,
    ).toBe(200);
    expect(fake.contacts.get(id)!.properties).toMatchObject({ phone: '1', lastname: 'L' });
    expect((await call('/crm/v3/objects/contacts/999', { properties: {} }, 'PATCH')).status).toBe(404);
  });
  it('upserts by email and creates deals', async () => {
    expect((await call('/crm/v3/objects/contacts/batch/upsert', upsert)).status).toBe(200);
    const again = (await (await call('/crm/v3/objects/contacts/batch/upsert', upsert)).json()) as {
      results: { new: boolean }[];
    };
    expect(again.results[0]!.new).toBe(false);
    expect(fake.contacts.size).toBe(1);
    expect((await call('/crm/v3/objects/deals', deal)).status).toBe(201);
    expect(fake.deals.size).toBe(1);
  });
  it('refuses a missing or unknown token with 401', async () => {
    expect((await call('/crm/v3/objects/contacts', contact, 'POST', { authorization: '' })).status).toBe(401);
    const wrong = await call('/crm/v3/objects/contacts', contact, 'POST', {
      authorization: 'Bearer pat-na1-00000000-0000-0000-0000-000000000000',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    expect(fake.received).toEqual([]);
  });
  it('refuses missing required fields, unknown properties and bad deal stages with 400', async () => {
    const missing = await call('/crm/v3/objects/deals', { properties: { dealname: 'x' } });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toContain('dealstage');
    const unknown = await call('/crm/v3/objects/contacts', {
      properties: { email: 'a@b.co', favourite_colour: 'red' },
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      category: 'VALIDATION_ERROR',
      errors: [{ code: 'PROPERTY_DOESNT_EXIST' }],
    });
    expect(
      (await call('/crm/v3/objects/deals', { properties: { ...deal.properties, dealstage: 'won' } })).status,
    ).toBe(400);
    expect(
      (await call('/crm/v3/objects/contacts', { properties: { email: 'a@b.co', note: 'x'.repeat(65_537) } }))
        .status,
    ).toBe(400);
    expect(fake.received).toEqual([]);
  });
  it('answers 429 TEN_SECONDLY_ROLLING past the burst and 429 DAILY past the daily limit', async () => {
    const limited = await startHubspotFake({ tokens: [TOKEN], burstPer10s: 2 });
    const daily = await startHubspotFake({ tokens: [TOKEN], dailyLimit: 1 });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await call('/crm/v3/objects/deals', deal, 'POST', {}, limited.url)).status);
      expect(statuses).toEqual([201, 201, 429]);
      const burst = await call('/crm/v3/objects/deals', deal, 'POST', {}, limited.url);
      expect(burst.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      expect(burst.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
      expect(await burst.json()).toMatchObject({
        status: 'error',
        category: 'RATE_LIMITS',
        policyName: 'TEN_SECONDLY_ROLLING',
      });
      expect((await call('/crm/v3/objects/deals', deal, 'POST', {}, daily.url)).status).toBe(201);
      const over = await call('/crm/v3/objects/deals', deal, 'POST', {}, daily.url);
      expect(over.status).toBe(429);
      const verdict = classifyHubspotResponse({ statusCode: 429, headers: {}, body: await over.text() });
      expect(verdict.kind).toBe('permanent');
      expect(limited.deals.size).toBe(2);
    } finally {
      await limited.close();
      await daily.close();
    }
  });
});
