import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding, VendorResponse } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import { checkN8nRequest, type N8nFake, n8n, n8nManifest, n8nRegions, startN8nFake } from './index.ts';

const HOOK = '3f2a9c0d-1e4b-4c5d-8e9f-0a1b2c3d4e5f';
const ENDPOINT_URL = `https://n8n.merchant.example/webhook/${HOOK}`;
const region = n8nRegions.default;

const webhookFor = (eventType: string) => exampleWebhook(eventType, ENDPOINT_URL);

const templates = templateSandbox();

let fake: N8nFake;

const run = (code: string, eventType: string) => templates.run(code, webhookFor(eventType));

function request(payload: unknown, url = ENDPOINT_URL, method: TransformedRequest['method'] = 'POST') {
  return { method, url, headers: {}, payload } satisfies TransformedRequest;
}

const fields = (findings: ContractFinding[]) => findings.map((finding) => finding.field);
const response = (statusCode: number, body = '', headers: Record<string, string> = {}): VendorResponse => ({
  statusCode,
  headers,
  body,
});

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

beforeAll(async () => {
  fake = await startN8nFake({ webhooks: [HOOK] });
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => fake.reset());

describe('the n8n manifest', () => {
  it('is a URL-secret card with no credential fields and no fixed hosts', () => {
    expect(n8nManifest.id).toBe('n8n');
    expect(n8nManifest.authentication).toBe('url');
    expect(n8nManifest.credentials).toEqual([]);
    expect(n8nManifest.regions).toEqual([{ id: 'default', label: 'Your n8n instance', hosts: [] }]);
    expect(n8nManifest.category).toBe('automation');
    expect(n8nManifest.logo).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/);
    expect(n8nManifest.instructions).toContain('Production URL');
    expect(n8nManifest.defaultEventTypes).toEqual(
      expect.arrayContaining(['payment.succeeded', 'subscription.active', 'subscription.cancelled']),
    );
    expect(n8n.authenticate({}, region)).toEqual({});
  });
});

describe('the n8n templates', () => {
  for (const template of n8nManifest.templates) {
    for (const eventType of template.eventTypes) {
      it(`${template.id} on ${eventType}: keeps the URL, builds flat JSON and passes the contract`, async () => {
        const built = await run(template.code, eventType);
        expect(built.url).toBe(ENDPOINT_URL);
        expect(built.method).toBe('POST');
        expect(checkN8nRequest(built, region)).toEqual([]);
        const payload = built.payload as Record<string, unknown>;
        expect(payload.event).toBe(eventType);
        expect(payload.customer_email).toBe('ada.lovelace@example.com');
        for (const value of Object.values(payload)) {
          expect(typeof value === 'object' && value !== null, `${eventType} ${JSON.stringify(value)}`).toBe(
            false,
          );
        }
        const answer = await post(new URL(built.url).pathname, JSON.stringify(built.payload));
        expect(answer.statusCode).toBe(200);
        expect(fake.received.at(-1)!.body).toStrictEqual(built.payload);
      });
    }
  }

  it('turns payment.succeeded into the amount as a decimal string', async () => {
    const built = await run(n8nManifest.templates[0]!.code, 'payment.succeeded');
    expect(built.payload).toMatchObject({
      payment_id: 'pay_2IjeQm4hqU6RGzjvdbzsS',
      amount: '29.99',
      amount_minor: 2999,
      currency: 'USD',
    });
  });
});

describe('checkN8nRequest', () => {
  it('accepts any HTTPS host, since the instance is the merchant’s own', () => {
    expect(checkN8nRequest(request({ a: 1 }, 'https://acme.app.n8n.cloud/webhook/x'), region)).toEqual([]);
    expect(checkN8nRequest(request({ a: 1 }, 'https://10.0.0.1.nip.io:5678/webhook/x'), region)).toEqual([]);
  });

  it('flags plain HTTP, the Test URL, userinfo, a bad URL and another method, saying what to write', () => {
    const http = checkN8nRequest(request({ a: 1 }, 'http://n8n.merchant.example/webhook/x'), region);
    expect(http).toHaveLength(1);
    expect(http[0]!.message).toContain('https://n8n.merchant.example/webhook/x');
    const test = checkN8nRequest(request({ a: 1 }, 'https://n8n.merchant.example/webhook-test/x'), region);
    expect(test[0]!.message).toContain('write https://n8n.merchant.example/webhook/x');
    expect(fields(checkN8nRequest(request({}, 'https://u:p@n8n.example/webhook/x'), region))).toEqual([
      'url',
    ]);
    expect(fields(checkN8nRequest(request({}, 'not a url'), region))).toEqual(['url']);
    const put = checkN8nRequest(request({}, ENDPOINT_URL, 'PUT'), region);
    expect(fields(put)).toEqual(['method']);
    expect(put[0]!.message).toContain('webhook.method = "POST"');
  });

  it('flags a payload that is not a JSON object, or over 16 MiB', () => {
    expect(fields(checkN8nRequest(request([1, 2]), region))).toEqual(['payload']);
    expect(fields(checkN8nRequest(request('text'), region))).toEqual(['payload']);
    const big = { pad: 'x'.repeat(16 * 1024 * 1024) };
    expect(checkN8nRequest(request(big), region)[0]!.message).toMatch(/16 MiB/);
  });
});

describe('prepare and classify', () => {
  it('prepare leaves the request unchanged', () => {
    const built = request({ a: 1 });
    expect(n8n.prepare(built, { messageId: 'msg_1', endpointId: 'ep_1' })).toBe(built);
  });

  it('classifies 2xx success; 404 permanent (inactive workflow), not gone; 429/5xx retry; other 4xx permanent', () => {
    expect(n8n.classify(response(200, '{"message":"Workflow was started"}'))).toEqual({ kind: 'success' });
    const notRegistered = n8n.classify(response(404, '{"code":404,"message":"not registered"}'));
    expect(notRegistered.kind).toBe('permanent');
    expect(notRegistered).toMatchObject({ reason: expect.stringContaining('activate the workflow') });
    expect(n8n.classify(response(429, '', { 'Retry-After': '3' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 3000,
    });
    expect(n8n.classify(response(503))).toEqual({ kind: 'retry' });
    expect(n8n.classify(response(401)).kind).toBe('permanent');
    expect(n8n.classify(response(413)).kind).toBe('permanent');
    expect(n8n.classify(response(400)).kind).toBe('permanent');
  });
});

describe('the n8n fake', () => {
  it('accepts a POST to an active webhook and records the body and headers', async () => {
    const answer = await post(`/webhook/${HOOK}`, '{"event":"payment.succeeded"}');
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ message: 'Workflow was started' });
    expect(fake.received).toEqual([
      {
        path: `/webhook/${HOOK}`,
        headers: expect.objectContaining({}),
        body: { event: 'payment.succeeded' },
      },
    ]);
  });

  it('answers 404 to an unknown path (the "bad credential" of a URL card), the Test URL and GET', async () => {
    const unknown = await post('/webhook/not-a-hook', '{}');
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(unknown.body).message).toMatch(/is not registered/);
    expect((await post(`/webhook-test/${HOOK}`, '{}')).statusCode).toBe(404);
    expect((await fetch(`${fake.url}/webhook/${HOOK}`)).status).toBe(404);
    expect(fake.received).toEqual([]);
    expect(fake.rejected.map((r) => r.statusCode)).toEqual([404, 404, 404]);
    expect(n8n.classify(unknown).kind).toBe('permanent');
  });

  it('answers 400 to JSON that does not parse, and 413 over the body limit', async () => {
    expect((await post(`/webhook/${HOOK}`, '{"event": ')).statusCode).toBe(400);
    const small = await startN8nFake({ webhooks: [HOOK], maxBodyBytes: 1024 });
    try {
      const ok = await fetch(`${small.url}/webhook/${HOOK}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pad: 'x'.repeat(1000) }),
      });
      expect(ok.status).toBe(200);
      const over = await fetch(`${small.url}/webhook/${HOOK}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pad: 'x'.repeat(1100) }),
      });
      expect(over.status).toBe(413);
      expect(small.received).toHaveLength(1);
    } finally {
      await small.close();
    }
    expect(fake.received).toEqual([]);
  });

  it('rate limits with 429 and Retry-After when configured, which classify retries', async () => {
    const limited = await startN8nFake({ webhooks: [HOOK], rateLimitPerSecond: 1 });
    try {
      const send = () =>
        fetch(`${limited.url}/webhook/${HOOK}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
      const first = await send();
      const second = await send();
      expect([first.status, second.status]).toEqual([200, 429]);
      expect(second.headers.get('retry-after')).toBe('1');
      expect(
        n8n.classify({
          statusCode: 429,
          headers: Object.fromEntries(second.headers),
          body: await second.text(),
        }),
      ).toEqual({ kind: 'retry', retryAfterMs: 1000 });
      expect(limited.received).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});
