import { readFileSync } from 'node:fs';
import { CustomerIORequestError, TrackClient } from 'customerio-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding, VendorResponse } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  type CustomerioFake,
  customerio,
  customerioManifest,
  customerioRegions,
  deterministicEventId,
  startCustomerioFake,
} from './index.ts';

const SEED_DIR = new URL('../../../../shared/seeds/transformations/', import.meta.url);
const ENDPOINT_URL = 'https://merchant.example/hooks';
const ENTITY_URL = 'https://track.customer.io/api/v2/entity';
const BATCH_URL = 'https://track.customer.io/api/v2/batch';
const EU_ENTITY_URL = 'https://track-eu.customer.io/api/v2/entity';
const ULID_SHAPE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const { us, eu } = customerioRegions;

const SITE = { siteId: 'site4f2a9c0d1e', apiKey: 'key8b3e5d7f9a1c' };
const OTHER_SITE = { siteId: 'siteb7c1d2e3f4', apiKey: 'key0a1b2c3d4e5f' };

function readSeed(file: string): string {
  return readFileSync(new URL(file, SEED_DIR), 'utf8');
}

const webhookFor = (eventType: string) => exampleWebhook(eventType, ENDPOINT_URL);

const templates = templateSandbox();

const run = (code: string, eventType: string) => templates.run(code, webhookFor(eventType));

function entity(payload: unknown, url = ENTITY_URL): TransformedRequest {
  return { method: 'POST', url, headers: {}, payload };
}

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'person',
    identifiers: { id: 'cus_1' },
    action: 'event',
    name: 'Payment Completed',
    attributes: { amount: '29.99' },
    ...overrides,
  };
}

function fields(findings: ContractFinding[]): string[] {
  return findings.map((finding) => finding.field);
}

function response(statusCode: number, body = '', headers: Record<string, string> = {}): VendorResponse {
  return { statusCode, headers, body };
}

/** Sends a request as delivery would: the card's credentials, JSON, to the fake instead of the real host. */
async function sendToFake(fake: CustomerioFake, request: TransformedRequest, credentials = SITE) {
  const url = new URL(request.url);
  const res = await fetch(`${fake.url}${url.pathname}`, {
    method: request.method,
    headers: {
      'content-type': 'application/json',
      ...request.headers,
      ...customerio.authenticate(credentials, us),
    },
    body: JSON.stringify(request.payload),
  });
  return { statusCode: res.status, body: await res.text(), headers: Object.fromEntries(res.headers) };
}

let fake: CustomerioFake;

beforeAll(async () => {
  fake = await startCustomerioFake({ sites: [SITE, OTHER_SITE] });
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => {
  fake.reset();
});

describe('the Customer.io manifest', () => {
  it('describes the card: id, category, credentials, regions and Basic auth', () => {
    expect(customerioManifest.id).toBe('customerio');
    expect(customerioManifest.name).toBe('Customer.io');
    expect(customerioManifest.category).toBe('marketing');
    expect(customerioManifest.authentication).toBe('basic');
    expect(customerioManifest.logo).toMatch(
      /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/,
    );
    expect(customerioManifest.instructions).toContain('API and webhook credentials');
    expect(customerioManifest.instructions).toContain('Tracking API keys');
    expect(customerioManifest.instructions).toMatch(/EU accounts choose EU/);
    expect(customerioManifest.credentials.map((field) => [field.id, field.secret])).toEqual([
      ['siteId', false],
      ['apiKey', true],
    ]);
    for (const field of customerioManifest.credentials) {
      expect(new RegExp(field.pattern!).test(field.id === 'siteId' ? SITE.siteId : SITE.apiKey)).toBe(true);
    }
    expect(customerioManifest.regions).toEqual([
      { id: 'us', label: expect.any(String), hosts: ['track.customer.io'] },
      { id: 'eu', label: expect.any(String), hosts: ['track-eu.customer.io'] },
    ]);
  });

  it('offers three templates, and subscribes by default to the union of their event types', () => {
    expect(customerioManifest.templates.map((template) => template.id)).toEqual([
      'track-payment',
      'subscription-lifecycle',
      'customer-attributes',
    ]);
    expect([...customerioManifest.defaultEventTypes].sort()).toEqual([
      'payment.succeeded',
      'subscription.active',
      'subscription.cancelled',
    ]);
    for (const template of customerioManifest.templates) {
      expect(template.code).toMatch(/^function handler\(webhook\) \{/);
      // Deterministic: no event id in the code (prepare adds it), no clock, no randomness.
      expect(template.code).not.toMatch(/\bid:\s*["'`]|Date\.now|Math\.random/);
      expect(template.code).not.toMatch(/payment_completed|subscription_started|subscription_cancelled/);
    }
  });
});

const TEMPLATE_CASES = customerioManifest.templates.flatMap((template) =>
  template.eventTypes.map((eventType) => [template.id, eventType] as const),
);

describe.each(TEMPLATE_CASES)('template %s on the %s example', (templateId, eventType) => {
  const template = customerioManifest.templates.find((candidate) => candidate.id === templateId)!;

  it('passes its own contract in the US region, and names the EU host for an EU endpoint', async () => {
    const request = await run(template.code, eventType);
    expect(request.url).toBe(ENTITY_URL);
    expect(request.method).toBe('POST');
    expect(customerio.check(request, us)).toEqual([]);
    const prepared = customerio.prepare(request, { messageId: 'msg_1', endpointId: 'ep_1' });
    expect(customerio.check(prepared, us)).toEqual([]);

    const euFindings = customerio.check(request, eu);
    expect(fields(euFindings)).toEqual(['url']);
    expect(euFindings[0]!.message).toContain('https://track-eu.customer.io/api/v2/entity');
    const moved = { ...request, url: EU_ENTITY_URL };
    expect(customerio.check(moved, eu)).toEqual([]);
  });

  it('is accepted by the fake Track API once prepared, and recorded under the site', async () => {
    const request = await run(template.code, eventType);
    const prepared = customerio.prepare(request, { messageId: `msg_${eventType}`, endpointId: 'ep_1' });
    const answer = await sendToFake(fake, prepared);
    expect(answer).toMatchObject({ statusCode: 200, body: '{}' });
    expect(customerio.classify(answer)).toEqual({ kind: 'success' });
    expect(fake.operations).toEqual([
      {
        siteId: SITE.siteId,
        endpoint: 'v2/entity',
        operation: prepared.payload,
        receivedAt: expect.any(Number),
      },
    ]);
  });
});

/** Each published sample, and the template that keeps its intent in the form the API accepts. */
const SEED_TEMPLATES = [
  ['customerio-track-payment.js', 'track-payment', ['payment.succeeded']],
  [
    'customerio-subscription-lifecycle.js',
    'subscription-lifecycle',
    ['subscription.active', 'subscription.cancelled'],
  ],
  ['customerio-customer-attributes.js', 'customer-attributes', ['payment.succeeded']],
] as const;

describe('the templates keep the published samples, with valid actions', () => {
  it.each(SEED_TEMPLATES)(
    '%s → template %s: same request but for action (and name)',
    async (file, id, events) => {
      const template = customerioManifest.templates.find((candidate) => candidate.id === id)!;
      expect([...template.eventTypes]).toEqual([...events]);
      const seed = readSeed(file);
      for (const eventType of events) {
        const original = await run(seed, eventType);
        const fixed = await run(template.code, eventType);
        expect(fixed.url).toBe(original.url);
        const originalPayload = original.payload as Record<string, unknown>;
        const fixedPayload = fixed.payload as Record<string, unknown>;
        if (originalPayload.action === 'identify') {
          const { name: _ignored, ...rest } = originalPayload;
          expect(fixedPayload).toStrictEqual(rest);
        } else {
          expect(fixedPayload).toStrictEqual({ ...originalPayload, action: 'event' });
        }
      }
    },
  );
});

describe('the original samples, pasted unchanged', () => {
  const INVALID = [
    ['customerio-track-payment.js', 'payment.succeeded', 'payment_completed', 'Payment Completed'],
    [
      'customerio-subscription-lifecycle.js',
      'subscription.active',
      'subscription_started',
      'Subscription Started',
    ],
    [
      'customerio-subscription-lifecycle.js',
      'subscription.cancelled',
      'subscription_cancelled',
      'Subscription Cancelled',
    ],
  ] as const;

  it.each(INVALID)(
    '%s on %s is caught on payload.action, with the fix',
    async (file, eventType, action, name) => {
      const request = await run(readSeed(file), eventType);
      expect((request.payload as { action: string }).action).toBe(action);
      const findings = customerio.check(request, us);
      expect(findings).toEqual([
        {
          field: 'payload.action',
          message: expect.stringContaining(
            `"${action}" is not a Customer.io action; send action "event" with name "${name}"`,
          ),
        },
      ]);
      // The fake Track API rejects it too, with the documented 400 shape.
      const answer = await sendToFake(fake, request);
      expect(answer.statusCode).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({
        errors: [{ reason: 'invalid', field: 'action', message: expect.stringContaining(`"${action}"`) }],
      });
      expect(customerio.classify(answer)).toMatchObject({ kind: 'permanent' });
      expect(fake.operations).toEqual([]);
    },
  );

  it('the customer-attributes sample already sends action "identify", which Customer.io takes', async () => {
    const request = await run(readSeed('customerio-customer-attributes.js'), 'payment.succeeded');
    expect((request.payload as { action: string }).action).toBe('identify');
    expect(customerio.check(request, us)).toEqual([]);
    expect((await sendToFake(fake, request)).statusCode).toBe(200);
  });
});

describe('check: identifiers', () => {
  it('accepts exactly one of id, email, phone, cio_id', () => {
    for (const identifiers of [
      { id: 'cus_1' },
      { id: 42 },
      { email: 'a@example.com' },
      { phone: '+15551234' },
    ]) {
      expect(customerio.check(entity(event({ identifiers })), us)).toEqual([]);
    }
    expect(customerio.check(entity(event({ identifiers: { cio_id: 'cio_03000001' } })), us)).toEqual([]);
  });

  it('flags none, two, an empty object, an unknown key and an empty value', () => {
    const cases: [unknown, string, RegExp][] = [
      [undefined, 'payload.identifiers', /is required/],
      [{}, 'payload.identifiers', /exactly one of id \| email \| phone \| cio_id/],
      [{ id: 'cus_1', email: 'a@example.com' }, 'payload.identifiers', /exactly one identifier, not 2/],
      [{ customer_id: 'cus_1' }, 'payload.identifiers', /"customer_id" is not a Customer.io identifier/],
      [{ id: '' }, 'payload.identifiers.id', /non-empty string/],
      [{ email: 7 }, 'payload.identifiers.email', /non-empty string/],
      [{ id: 'x'.repeat(151) }, 'payload.identifiers.id', /151 bytes; Customer.io allows at most 150/],
    ];
    for (const [identifiers, field, message] of cases) {
      const op = event();
      if (identifiers === undefined) delete op.identifiers;
      else op.identifiers = identifiers;
      const findings = customerio.check(entity(op), us);
      expect(findings, JSON.stringify(identifiers)).toEqual([
        { field, message: expect.stringMatching(message) },
      ]);
    }
  });

  it('objects take object_type_id and object_id; merge takes primary and secondary', () => {
    const object = {
      type: 'object',
      identifiers: { object_type_id: '1', object_id: 'acme' },
      action: 'identify',
    };
    expect(customerio.check(entity(object), us)).toEqual([]);
    expect(fields(customerio.check(entity({ ...object, identifiers: { object_id: 'acme' } }), us))).toEqual([
      'payload.identifiers.object_type_id',
    ]);
    expect(fields(customerio.check(entity({ ...object, action: 'screen' }), us))).toEqual(['payload.action']);
    const merge = {
      type: 'person',
      action: 'merge',
      primary: { id: 'a' },
      secondary: { email: 'b@example.com' },
    };
    expect(customerio.check(entity(merge), us)).toEqual([]);
    expect(
      fields(customerio.check(entity({ ...merge, secondary: { id: 'b', email: 'b@x.io' } }), us)),
    ).toEqual(['payload.secondary']);
  });
});

describe('check: type, action, name, id and timestamp', () => {
  it('flags an unknown type and a missing action', () => {
    expect(fields(customerio.check(entity(event({ type: 'customer' })), us))).toEqual(['payload.type']);
    const noAction = event();
    delete noAction.action;
    expect(customerio.check(entity(noAction), us)).toEqual([
      { field: 'payload.action', message: expect.stringContaining('action is required') },
    ]);
  });

  it('requires a name of at most 100 bytes for an event', () => {
    const unnamed = event();
    delete unnamed.name;
    expect(customerio.check(entity(unnamed), us)).toEqual([
      { field: 'payload.name', message: expect.stringContaining('is required for action "event"') },
    ]);
    expect(customerio.check(entity(event({ name: 'é'.repeat(50) })), us)).toEqual([]);
    expect(customerio.check(entity(event({ name: 'é'.repeat(51) })), us)).toEqual([
      { field: 'payload.name', message: expect.stringContaining('102 bytes') },
    ]);
  });

  it('requires the event id, when present, to be a non-empty string', () => {
    expect(customerio.check(entity(event({ id: '01J0000000000000000000000' })), us)).toEqual([]);
    expect(fields(customerio.check(entity(event({ id: '' })), us))).toEqual(['payload.id']);
    expect(fields(customerio.check(entity(event({ id: 12 })), us))).toEqual(['payload.id']);
  });

  it('wants timestamps as integer Unix seconds', () => {
    expect(customerio.check(entity(event({ timestamp: 1772013598 })), us)).toEqual([]);
    expect(customerio.check(entity(event({ timestamp: '2025-08-04T05:30:45.182629Z' })), us)).toEqual([
      { field: 'payload.timestamp', message: expect.stringContaining('Math.floor(Date.parse(') },
    ]);
    expect(fields(customerio.check(entity(event({ timestamp: 1772013598.5 })), us))).toEqual([
      'payload.timestamp',
    ]);
    expect(customerio.check(entity(event({ timestamp: 1772013598000 })), us)).toEqual([
      { field: 'payload.timestamp', message: expect.stringContaining('looks like milliseconds') },
    ]);
  });
});

describe('check: URL, method and headers', () => {
  it('names the right host when the URL is in the other region', () => {
    const usOnEu = customerio.check(entity(event(), EU_ENTITY_URL), us);
    expect(usOnEu).toEqual([
      { field: 'url', message: expect.stringContaining('a US account posting to it fails') },
    ]);
    expect(usOnEu[0]!.message).toContain('https://track.customer.io/api/v2/entity');
    const euOnUs = customerio.check(entity(event(), ENTITY_URL), eu);
    expect(euOnUs).toEqual([{ field: 'url', message: expect.stringContaining('passes through the US') }]);
    expect(euOnUs[0]!.message).toContain('https://track-eu.customer.io/api/v2/entity');
    const elsewhere = customerio.check(entity(event(), 'https://api.customer.io/api/v2/entity'), us);
    expect(elsewhere).toEqual([
      { field: 'url', message: expect.stringContaining('https://track.customer.io') },
    ]);
  });

  it('flags other paths (v1 included), other methods, http, and credentials or non-JSON set in code', () => {
    expect(
      fields(customerio.check(entity(event(), 'https://track.customer.io/api/v1/customers/1'), us)),
    ).toEqual(['url']);
    expect(fields(customerio.check({ ...entity(event()), method: 'PUT' }, us))).toEqual(['method']);
    expect(fields(customerio.check(entity(event(), 'http://track.customer.io/api/v2/entity'), us))).toEqual([
      'url',
    ]);
    const headers = { authorization: 'Basic eDp5', 'content-type': 'text/plain' };
    expect(fields(customerio.check({ ...entity(event()), headers }, us))).toEqual([
      'headers.authorization',
      'headers.content-type',
    ]);
    expect(
      customerio.check({ ...entity(event()), headers: { 'content-type': 'application/json' } }, us),
    ).toEqual([]);
  });
});

describe('check: sizes', () => {
  it('flags an entity body of 32 KB or more', () => {
    const op = event({ attributes: { notes: 'x'.repeat(33_000) } });
    const findings = customerio.check(entity(op), us);
    expect(findings).toEqual([{ field: 'payload', message: expect.stringContaining('less than 32768') }]);
  });

  it('flags attribute names over 150 bytes, values over 1,000 bytes and more than 300 attributes on identify', () => {
    const identify = (attributes: Record<string, unknown>) => ({
      type: 'person',
      identifiers: { id: 'cus_1' },
      action: 'identify',
      attributes,
    });
    expect(customerio.check(entity(identify({ plan: 'x'.repeat(1000) })), us)).toEqual([]);
    expect(customerio.check(entity(identify({ plan: 'x'.repeat(1001) })), us)).toEqual([
      { field: 'payload.attributes.plan', message: expect.stringContaining('1001 bytes') },
    ]);
    expect(fields(customerio.check(entity(identify({ ['n'.repeat(151)]: 1 })), us))).toEqual([
      `payload.attributes.${'n'.repeat(151)}`,
    ]);
    const many = Object.fromEntries(Array.from({ length: 301 }, (_, i) => [`a${i}`, i]));
    expect(fields(customerio.check(entity(identify(many)), us))).toEqual(['payload.attributes']);
  });

  it('batches: items by index, each item at most 32 KB, the body under 500 KB', () => {
    const unnamed = event();
    delete unnamed.name;
    const batch = { batch: [event(), unnamed, event({ attributes: { notes: 'x'.repeat(33_000) } })] };
    expect(customerio.check(entity(batch, BATCH_URL), us)).toEqual([
      { field: 'payload.batch[1].name', message: expect.stringContaining('is required') },
      { field: 'payload.batch[2]', message: expect.stringContaining('at most 32768') },
    ]);
    const big = {
      batch: Array.from({ length: 17 }, () => event({ attributes: { notes: 'x'.repeat(31_000) } })),
    };
    expect(customerio.check(entity(big, BATCH_URL), us)).toEqual([
      { field: 'payload', message: expect.stringContaining('less than 512000') },
    ]);
    expect(fields(customerio.check(entity({ batch: [] }, BATCH_URL), us))).toEqual(['payload.batch']);
    expect(customerio.check(entity({ batch: [event(), event({ name: 'Other' })] }, BATCH_URL), us)).toEqual(
      [],
    );
  });
});

describe('prepare', () => {
  const seed = { messageId: 'msg_2Kx9', endpointId: 'ep_7Qw1' };

  it('adds a deterministic ULID-shaped id to an event without one, without changing the input', () => {
    const request = entity(event());
    const before = structuredClone(request);
    const first = customerio.prepare(request, seed);
    const second = customerio.prepare(structuredClone(request), seed);
    expect(request).toStrictEqual(before);
    const id = (first.payload as { id: string }).id;
    expect(id).toMatch(ULID_SHAPE);
    expect(second).toStrictEqual(first);
    expect(first.payload).toStrictEqual({ ...event(), id });
    expect(id).toBe(deterministicEventId(seed));
    expect(deterministicEventId({ ...seed, messageId: 'msg_other' })).not.toBe(id);
    expect(deterministicEventId({ ...seed, endpointId: 'ep_other' })).not.toBe(id);
  });

  it('keeps an id the code set, and leaves non-events alone', () => {
    const withId = entity(event({ id: 'merchant-chosen' }));
    expect(customerio.prepare(withId, seed)).toStrictEqual(withId);
    const identify = entity({
      type: 'person',
      identifiers: { id: 'cus_1' },
      action: 'identify',
      attributes: {},
    });
    expect(customerio.prepare(identify, seed)).toStrictEqual(identify);
    const elsewhere = entity(event(), 'https://merchant.example/hooks');
    expect(customerio.prepare(elsewhere, seed)).toStrictEqual(elsewhere);
  });

  it('gives each batch item its own id by index, and keeps existing ones', () => {
    const request = entity(
      {
        batch: [
          event(),
          event({ id: 'kept' }),
          { type: 'person', identifiers: { id: 'x' }, action: 'delete' },
          event(),
        ],
      },
      BATCH_URL,
    );
    const prepared = customerio.prepare(request, seed).payload as { batch: Record<string, unknown>[] };
    expect(prepared.batch[0]!.id).toBe(deterministicEventId(seed, 0));
    expect(prepared.batch[1]!.id).toBe('kept');
    expect(prepared.batch[2]).not.toHaveProperty('id');
    expect(prepared.batch[3]!.id).toBe(deterministicEventId(seed, 3));
    expect(prepared.batch[0]!.id).not.toBe(prepared.batch[3]!.id);
    expect(prepared.batch[0]!.id).toMatch(ULID_SHAPE);
    expect(customerio.prepare(request, seed)).toStrictEqual(customerio.prepare(request, seed));
  });
});

describe('authenticate', () => {
  it('sends Basic base64(site_id:api_key)', () => {
    expect(customerio.authenticate({ siteId: 'abc', apiKey: 'def' }, us)).toEqual({
      authorization: `Basic ${Buffer.from('abc:def').toString('base64')}`,
    });
    expect(() => customerio.authenticate({ siteId: 'abc' }, us)).toThrow(/Site ID and the API Key/);
  });
});

describe('classify', () => {
  it('200 is success; 400 and 401 are permanent', () => {
    expect(customerio.classify(response(200, '{}'))).toEqual({ kind: 'success' });
    const bad = customerio.classify(
      response(
        400,
        JSON.stringify({ errors: [{ reason: 'required', field: 'name', message: 'name is required' }] }),
      ),
    );
    expect(bad).toEqual({ kind: 'permanent', reason: expect.stringContaining('name: name is required') });
    expect(customerio.classify(response(401, ''))).toEqual({
      kind: 'permanent',
      reason: expect.stringContaining('Site ID'),
    });
    expect(customerio.classify(response(404, 'not found'))).toMatchObject({ kind: 'permanent' });
  });

  it('207 is permanent, naming the failed batch indices, never a retry of the whole batch', () => {
    const body = JSON.stringify({
      errors: [
        { batch_index: 3, reason: 'invalid', field: 'action', message: 'bad action' },
        { batch_index: 1, reason: 'required', field: 'name', message: 'name is required' },
      ],
    });
    const verdict = customerio.classify(response(207, body));
    expect(verdict).toEqual({
      kind: 'permanent',
      reason: expect.stringContaining('rejected batch items 1, 3'),
    });
    expect(verdict.kind === 'permanent' && verdict.reason).toContain('[1] name: name is required');
    expect(customerio.classify(response(207, 'garbled'))).toEqual({
      kind: 'permanent',
      reason: expect.stringContaining('did not say which'),
    });
  });

  it('429 and 5xx are retried, honouring Retry-After when present', () => {
    expect(customerio.classify(response(429))).toEqual({ kind: 'retry' });
    expect(customerio.classify(response(429, '', { 'Retry-After': '7' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 7000,
    });
    expect(customerio.classify(response(500))).toEqual({ kind: 'retry' });
    expect(customerio.classify(response(503, '', { 'retry-after': 'not a date' }))).toEqual({
      kind: 'retry',
    });
    const date = new Date(Date.now() + 60_000).toUTCString();
    const verdict = customerio.classify(response(502, '', { 'retry-after': date }));
    expect(verdict.kind).toBe('retry');
    expect(verdict.kind === 'retry' && verdict.retryAfterMs).toBeGreaterThan(55_000);
  });

  it('a redirect is permanent and says where it pointed', () => {
    expect(
      customerio.classify(response(307, '', { location: 'https://track-eu.customer.io/api/v2/entity' })),
    ).toEqual({ kind: 'permanent', reason: expect.stringContaining('track-eu.customer.io') });
  });
});

describe('the fake Track API, driven by the official customerio-node library', () => {
  const client = (site = SITE) =>
    new TrackClient(site.siteId, site.apiKey, { url: fake.trackUrl, retry: { maxRetries: 0 } });

  async function rejection(promise: Promise<unknown>): Promise<CustomerIORequestError> {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(CustomerIORequestError);
    return error as CustomerIORequestError;
  }

  it('accepts identify and track with Basic auth, and records them under the site', async () => {
    await expect(client().identify('cus_1', { email: 'ada@example.com', plan: 'pro' })).resolves.toEqual({});
    await expect(
      client().track('cus_1', { name: 'Payment Completed', data: { amount: '29.99' } }),
    ).resolves.toEqual({});
    await expect(client(OTHER_SITE).track('cus_2', { name: 'Signed Up' })).resolves.toEqual({});
    expect(fake.operations).toEqual([
      {
        siteId: SITE.siteId,
        endpoint: 'v1/identify',
        operation: { id: 'cus_1', body: { email: 'ada@example.com', plan: 'pro' } },
        receivedAt: expect.any(Number),
      },
      {
        siteId: SITE.siteId,
        endpoint: 'v1/event',
        operation: { id: 'cus_1', body: { name: 'Payment Completed', data: { amount: '29.99' } } },
        receivedAt: expect.any(Number),
      },
      {
        siteId: OTHER_SITE.siteId,
        endpoint: 'v1/event',
        operation: { id: 'cus_2', body: { name: 'Signed Up' } },
        receivedAt: expect.any(Number),
      },
    ]);
    expect(fake.requests[0]).toMatchObject({
      method: 'PUT',
      path: '/api/v1/customers/cus_1',
      headers: { authorization: customerio.authenticate(SITE, us).authorization },
      statusCode: 200,
    });
  });

  it('answers 401 to a wrong API key, and to another site with this key', async () => {
    const wrong = await rejection(
      client({ ...SITE, apiKey: 'wrongkey123' }).identify('cus_1', { plan: 'pro' }),
    );
    expect(wrong.statusCode).toBe(401);
    const mixed = await rejection(
      client({ siteId: OTHER_SITE.siteId, apiKey: SITE.apiKey }).track('c', { name: 'x' }),
    );
    expect(mixed.statusCode).toBe(401);
    expect(customerio.classify(response(401, wrong.body))).toMatchObject({ kind: 'permanent' });
    expect(fake.operations).toEqual([]);
  });

  it('accepts a v2 entity event, and drops a repeat of its id', async () => {
    const op = event({ id: deterministicEventId({ messageId: 'm', endpointId: 'e' }) });
    await expect(client().entity(op)).resolves.toEqual({});
    await expect(client().entity(op)).resolves.toEqual({});
    expect(fake.operations).toHaveLength(1);
    expect(fake.operations[0]).toMatchObject({ siteId: SITE.siteId, endpoint: 'v2/entity', operation: op });
  });

  it('rejects an event without a name with 400, on v2 and on v1', async () => {
    const unnamed = event();
    delete unnamed.name;
    const error = await rejection(client().entity(unnamed));
    expect(error.statusCode).toBe(400);
    expect(JSON.parse(error.body)).toEqual({
      errors: [{ reason: 'required', field: 'name', message: expect.stringContaining('is required') }],
    });
    // The library refuses a nameless track() before sending, so v1 is checked with a plain request.
    const res = await fetch(`${fake.trackUrl}/customers/cus_1/events`, {
      method: 'POST',
      headers: { ...customerio.authenticate(SITE, us), 'content-type': 'application/json' },
      body: JSON.stringify({ data: { amount: 1 } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ field: 'name', reason: 'required' }] });
    expect(fake.operations).toEqual([]);
  });

  it('rejects two identifiers with 400', async () => {
    const error = await rejection(
      client().entity(event({ identifiers: { id: 'cus_1', email: 'a@example.com' } })),
    );
    expect(error.statusCode).toBe(400);
    expect(JSON.parse(error.body)).toMatchObject({ errors: [{ field: 'identifiers', reason: 'invalid' }] });
  });

  it('rejects oversize bodies and attribute values with 400', async () => {
    const big = await rejection(client().entity(event({ attributes: { notes: 'x'.repeat(33_000) } })));
    expect(big.statusCode).toBe(400);
    expect(JSON.parse(big.body)).toMatchObject({ errors: [{ reason: 'too_large' }] });
    const value = await rejection(client().identify('cus_1', { bio: 'x'.repeat(1001) }));
    expect(value.statusCode).toBe(400);
    expect(JSON.parse(value.body)).toMatchObject({ errors: [{ field: 'bio', reason: 'too_large' }] });
    const body = await rejection(
      client().identify('cus_1', {
        a: 'x'.repeat(900),
        b: 'y'.repeat(900),
        ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'z'.repeat(900)])),
      }),
    );
    expect(body.statusCode).toBe(400);
    expect(fake.operations).toEqual([]);
  });

  it('answers a batch with some invalid items 207, naming their indices, and keeps the valid ones', async () => {
    const unnamed = event();
    delete unnamed.name;
    const valid = [event({ id: 'ev-a' }), event({ id: 'ev-b', name: 'Refund Issued' })];
    const result = await client().batch([
      valid[0]!,
      unnamed,
      { ...event(), action: 'payment_completed' },
      valid[1]!,
    ]);
    expect(result).toEqual({
      errors: [
        { batch_index: 1, reason: 'required', field: 'name', message: expect.any(String) },
        {
          batch_index: 2,
          reason: 'invalid',
          field: 'action',
          message: expect.stringContaining('send action "event"'),
        },
      ],
    });
    expect(fake.requests.at(-1)).toMatchObject({ path: '/api/v2/batch', statusCode: 207 });
    expect(fake.operations.map((recorded) => recorded.operation)).toEqual(valid);
    const verdict = customerio.classify(response(207, JSON.stringify(result)));
    expect(verdict).toEqual({
      kind: 'permanent',
      reason: expect.stringContaining('rejected batch items 1, 2'),
    });
  });

  it('answers 400 to a batch envelope that is not {batch: [...]}, to non-JSON, and 404 to other paths', async () => {
    const headers = { ...customerio.authenticate(SITE, us), 'content-type': 'application/json' };
    const envelope = await fetch(`${fake.url}/api/v2/batch`, { method: 'POST', headers, body: '[{}]' });
    expect(envelope.status).toBe(400);
    const text = await fetch(`${fake.url}/api/v2/entity`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/plain' },
      body: JSON.stringify(event()),
    });
    expect(text.status).toBe(400);
    const broken = await fetch(`${fake.url}/api/v2/entity`, { method: 'POST', headers, body: '{"type":' });
    expect(broken.status).toBe(400);
    const other = await fetch(`${fake.url}/api/v2/people`, { method: 'POST', headers, body: '{}' });
    expect(other.status).toBe(404);
    const method = await fetch(`${fake.url}/api/v2/entity`, { method: 'PUT', headers, body: '{}' });
    expect(method.status).toBe(405);
    expect(fake.operations).toEqual([]);
  });

  it('can be scripted to answer 429 and 500, which classify retries', async () => {
    fake.respondWith({ statusCode: 429, headers: { 'retry-after': '2' } }, { statusCode: 500 });
    const first = await sendToFake(fake, entity(event()));
    expect(customerio.classify(first)).toEqual({ kind: 'retry', retryAfterMs: 2000 });
    const second = await sendToFake(fake, entity(event()));
    expect(customerio.classify(second)).toEqual({ kind: 'retry' });
    expect((await sendToFake(fake, entity(event()))).statusCode).toBe(200);
    expect(fake.operations).toHaveLength(1);
  });
});
