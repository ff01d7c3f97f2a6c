import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding, VendorResponse } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  checkInngestRequest,
  type InngestFake,
  inngest,
  inngestEventId,
  inngestManifest,
  inngestRegions,
  startInngestFake,
} from './index.ts';

const KEY = 'evK3y_9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6';
const ENDPOINT_URL = `https://inn.gs/e/${KEY}`;
const region = inngestRegions.default;
const seed = { messageId: 'msg_2aBcD', endpointId: 'ep_9xYz' };

const webhookFor = (eventType: string) => exampleWebhook(eventType, ENDPOINT_URL);

const templates = templateSandbox();

let fake: InngestFake;

const run = (code: string, eventType: string) => templates.run(code, webhookFor(eventType));

function request(
  payload: unknown,
  url = ENDPOINT_URL,
  method: TransformedRequest['method'] = 'POST',
): TransformedRequest {
  return { method, url, headers: {}, payload };
}

const event = (overrides: Record<string, unknown> = {}) => ({
  name: 'dodo/payment.succeeded',
  data: { payment_id: 'pay_1' },
  ...overrides,
});
const fields = (findings: ContractFinding[]) => findings.map((finding) => finding.field);
const response = (statusCode: number, body = '', headers: Record<string, string> = {}): VendorResponse => ({
  statusCode,
  headers,
  body,
});

async function post(path: string, body: unknown, raw?: string) {
  const res = await fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ?? JSON.stringify(body),
  });
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

beforeAll(async () => {
  fake = await startInngestFake({ eventKeys: [KEY] });
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => fake.reset());

describe('the Inngest manifest', () => {
  it('is a URL-secret card on inn.gs with no credential fields', () => {
    expect(inngestManifest.id).toBe('inngest');
    expect(inngestManifest.authentication).toBe('url');
    expect(inngestManifest.credentials).toEqual([]);
    expect(inngestManifest.regions).toEqual([{ id: 'default', label: 'Inngest Cloud', hosts: ['inn.gs'] }]);
    expect(inngestManifest.instructions).toContain('https://inn.gs/e/{EVENT_KEY}');
    expect(inngestManifest.logo).toMatch(
      /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/,
    );
    expect(inngest.authenticate({}, region)).toEqual({});
  });
});

describe('the Inngest template', () => {
  for (const template of inngestManifest.templates) {
    for (const eventType of template.eventTypes) {
      it(`${template.id} on ${eventType}: {name, data, ts} that passes the contract and the fake, once`, async () => {
        const built = await run(template.code, eventType);
        expect(built.url).toBe(ENDPOINT_URL);
        const payload = built.payload as Record<string, unknown>;
        expect(payload.name).toBe(`dodo/${eventType}`);
        expect(payload.ts).toBe(Date.parse('2025-08-04T05:30:45.182629Z'));
        expect(payload.data).toMatchObject({ customer_id: 'cus_pfJBd0Kh8oOOL8dKLzdoc' });
        expect(checkInngestRequest(built, region)).toEqual([]);
        const prepared = inngest.prepare(built, seed);
        expect(checkInngestRequest(prepared, region)).toEqual([]);
        expect((prepared.payload as Record<string, unknown>).id).toBe(inngestEventId(seed));
        for (let attempt = 0; attempt < 2; attempt += 1) {
          expect((await post(new URL(prepared.url).pathname, prepared.payload)).statusCode).toBe(200);
        }
        expect(fake.events.map((e) => e.event)).toStrictEqual([prepared.payload]);
        expect(fake.duplicates).toHaveLength(1);
      });
    }
  }
});

describe('prepare', () => {
  it('sets a deterministic id per message and endpoint, and keeps one the code set', () => {
    const a = inngest.prepare(request(event()), seed);
    const b = inngest.prepare(request(event()), seed);
    expect((a.payload as { id: string }).id).toBe((b.payload as { id: string }).id);
    expect((a.payload as { id: string }).id).toMatch(/^sy-[A-Za-z0-9_-]{43}$/);
    const other = inngest.prepare(request(event()), { ...seed, endpointId: 'ep_other' });
    expect((other.payload as { id: string }).id).not.toBe((a.payload as { id: string }).id);
    expect((inngest.prepare(request(event({ id: 'mine' })), seed).payload as { id: string }).id).toBe('mine');
    const batch = inngest.prepare(request([event(), event({ id: 'x' })]), seed).payload as { id: string }[];
    expect(batch.map((e) => e.id)).toEqual([inngestEventId(seed, 0), 'x']);
    const odd = request('text');
    expect(inngest.prepare(odd, seed)).toBe(odd);
  });
});

describe('checkInngestRequest', () => {
  it('requires name and object data, and checks id, ts (milliseconds), user and v', () => {
    expect(checkInngestRequest(request(event()), region)).toEqual([]);
    expect(fields(checkInngestRequest(request({ data: {} }), region))).toEqual(['payload.name']);
    expect(fields(checkInngestRequest(request({ name: 'a/b', data: [1] }), region))).toEqual([
      'payload.data',
    ]);
    expect(fields(checkInngestRequest(request(event({ id: 7 })), region))).toEqual(['payload.id']);
    expect(fields(checkInngestRequest(request(event({ user: 'u' })), region))).toEqual(['payload.user']);
    expect(fields(checkInngestRequest(request(event({ v: 2 })), region))).toEqual(['payload.v']);
    expect(fields(checkInngestRequest(request(event({ ts: '2025-08-04' })), region))).toEqual(['payload.ts']);
    const seconds = checkInngestRequest(request(event({ ts: 1754285445 })), region);
    expect(seconds[0]!.message).toContain('write 1754285445000');
  });

  it('checks the URL: inn.gs, HTTPS, /e/{key}', () => {
    const host = checkInngestRequest(request(event(), `https://example.com/e/${KEY}`), region);
    expect(host[0]!.message).toContain(`write https://inn.gs/e/${KEY}`);
    expect(fields(checkInngestRequest(request(event(), `http://inn.gs/e/${KEY}`), region))).toEqual(['url']);
    const path = checkInngestRequest(request(event(), 'https://inn.gs/events'), region);
    expect(path[0]!.message).toContain('https://inn.gs/e/{EVENT_KEY}');
    expect(fields(checkInngestRequest(request(event(), ENDPOINT_URL, 'PUT'), region))).toEqual(['method']);
  });

  it('checks arrays, 512 events at most, and 256 KiB per event', () => {
    expect(checkInngestRequest(request([event(), event()]), region)).toEqual([]);
    expect(fields(checkInngestRequest(request([]), region))).toEqual(['payload']);
    expect(fields(checkInngestRequest(request([event(), { name: 'x' }]), region))).toEqual([
      'payload[1].data',
    ]);
    expect(fields(checkInngestRequest(request(Array(513).fill(event())), region))).toEqual(['payload']);
    const big = checkInngestRequest(request(event({ data: { pad: 'x'.repeat(256 * 1024) } })), region);
    expect(fields(big)).toEqual(['payload']);
    expect(big[0]!.message).toContain('256 KiB');
  });
});

describe('classify', () => {
  it('2xx success; 400/401/403/404 permanent; 429 and 5xx retry', () => {
    expect(inngest.classify(response(200, '{"ids":["a"],"status":200}'))).toEqual({ kind: 'success' });
    for (const status of [400, 401, 403, 404])
      expect(inngest.classify(response(status)).kind).toBe('permanent');
    expect(inngest.classify(response(401))).toMatchObject({ reason: expect.stringContaining('Event Keys') });
    expect(inngest.classify(response(429, '', { 'retry-after': '4' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 4000,
    });
    expect(inngest.classify(response(500))).toEqual({ kind: 'retry' });
  });
});

describe('the Inngest fake', () => {
  it('accepts an event and an array, answering {ids, status}', async () => {
    const one = await post(`/e/${KEY}`, event({ id: 'a' }));
    expect(one.statusCode).toBe(200);
    expect(JSON.parse(one.body)).toEqual({ ids: [expect.any(String)], status: 200 });
    const two = await post(`/e/${KEY}`, [event({ id: 'b' }), event({ id: 'c' })]);
    expect(JSON.parse(two.body).ids).toHaveLength(2);
    expect(fake.events.map((e) => e.event.id)).toEqual(['a', 'b', 'c']);
  });

  it('answers 401 to an unknown event key and 404 elsewhere', async () => {
    const bad = await post('/e/not-a-key', event());
    expect(bad.statusCode).toBe(401);
    expect(JSON.parse(bad.body)).toEqual({ error: 'Event key not found', status: 401 });
    expect(inngest.classify(bad).kind).toBe('permanent');
    expect((await post(`/events/${KEY}`, event())).statusCode).toBe(404);
    expect(fake.events).toEqual([]);
  });

  it('answers 400 to a missing name or data, invalid JSON, and an event over 256 KiB', async () => {
    expect((await post(`/e/${KEY}`, { data: {} })).statusCode).toBe(400);
    expect((await post(`/e/${KEY}`, { name: 'a/b' })).statusCode).toBe(400);
    expect((await post(`/e/${KEY}`, null, '{"name":')).statusCode).toBe(400);
    const base = JSON.stringify(event({ data: { pad: '' } })).length;
    const sized = (bytes: number) => event({ data: { pad: 'x'.repeat(bytes - base) } });
    expect((await post(`/e/${KEY}`, sized(256 * 1024))).statusCode).toBe(200);
    expect((await post(`/e/${KEY}`, sized(256 * 1024 + 1))).statusCode).toBe(400);
    expect(fake.events).toHaveLength(1);
    expect(fake.rejected.map((r) => r.statusCode)).toEqual([400, 400, 400, 400]);
  });

  it('rate limits with 429 and Retry-After when configured', async () => {
    const limited = await startInngestFake({ eventKeys: [KEY], rateLimitPerSecond: 1 });
    try {
      const send = () => fetch(`${limited.url}/e/${KEY}`, { method: 'POST', body: JSON.stringify(event()) });
      expect((await send()).status).toBe(200);
      const throttled = await send();
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('1');
      expect(limited.events).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});
