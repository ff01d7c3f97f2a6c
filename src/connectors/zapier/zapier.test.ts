import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  checkZapierRequest,
  startZapierFake,
  type ZapierFake,
  zapier,
  zapierManifest,
  zapierRegions,
} from './index.ts';

const REGION = zapierRegions.default;
const HOOK_PATH = '/hooks/catch/1234567/abc1x2y/';
const HOOK_URL = `https://hooks.zapier.com${HOOK_PATH}`;
const flat = { event_type: 'payment.succeeded', customer_email: 'ada@example.com', amount: '29.99' };

const webhookFor = (eventType: string, url = HOOK_URL) => exampleWebhook(eventType, url);

function request(payload: unknown, extra: Partial<TransformedRequest> = {}): TransformedRequest {
  return { method: 'POST', url: HOOK_URL, headers: {}, payload, ...extra };
}

const fields = (findings: ContractFinding[]) => findings.map((finding) => finding.field);

function expectActionable(findings: ContractFinding[]) {
  for (const finding of findings) {
    expect(finding.message, finding.field).toMatch(/\b(write|set|remove|send|keep|paste|build)\b/i);
  }
}

const templates = templateSandbox();

describe('the Zapier manifest', () => {
  it('is a URL-secret automation card on hooks.zapier.com', () => {
    expect(zapierManifest).toMatchObject({
      id: 'zapier',
      name: 'Zapier',
      category: 'automation',
      authentication: 'url',
    });
    expect(zapierManifest.credentials).toEqual([]);
    expect(zapierManifest.regions).toEqual([{ id: 'default', label: 'Zapier', hosts: ['hooks.zapier.com'] }]);
    expect(zapierManifest.logo).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(zapierManifest.instructions).toMatch(/Webhooks by Zapier/);
    expect(zapierManifest.instructions).toMatch(/Catch Hook/);
    expect(zapierManifest.defaultEventTypes).toEqual(
      expect.arrayContaining(['payment.succeeded', 'subscription.active', 'subscription.cancelled']),
    );
  });
});

describe('the Zapier template', () => {
  for (const template of zapierManifest.templates) {
    for (const eventType of template.eventTypes) {
      it(`${template.id} on ${eventType}: keeps the pasted URL and builds flat JSON that passes the contract`, async () => {
        const built = await templates.run(template.code, webhookFor(eventType));
        expect(built.url).toBe(HOOK_URL);
        expect(checkZapierRequest(built, REGION)).toEqual([]);
        const payload = built.payload as Record<string, unknown>;
        expect(payload.event_type).toBe(eventType);
        expect(payload.customer_email).toBe('ada.lovelace@example.com');
        for (const [key, value] of Object.entries(payload)) {
          expect(typeof value === 'object' && value !== null, `${key} is flat`).toBe(false);
        }
      });
    }
  }

  it('converts the amounts and keeps the ids', async () => {
    const code = zapierManifest.templates[0]!.code;
    const payment = (await templates.run(code, webhookFor('payment.succeeded'))).payload as Record<
      string,
      unknown
    >;
    expect(payment).toMatchObject({
      amount: '29.99',
      currency: 'USD',
      payment_id: 'pay_2IjeQm4hqU6RGzjvdbzsS',
    });
    const cancelled = (await templates.run(code, webhookFor('subscription.cancelled'))).payload as Record<
      string,
      unknown
    >;
    expect(cancelled).toMatchObject({ status: 'cancelled', cancellation_feedback: 'too_expensive' });
  });
});

describe('checkZapierRequest', () => {
  it('passes POST and PUT of a JSON object to a catch hook, legacy URLs and no trailing slash too', () => {
    expect(checkZapierRequest(request(flat), REGION)).toEqual([]);
    expect(checkZapierRequest(request(flat, { method: 'PUT' }), REGION)).toEqual([]);
    expect(
      checkZapierRequest(request(flat, { url: 'https://hooks.zapier.com/hooks/catch/abc1x2y/' }), REGION),
    ).toEqual([]);
    expect(
      checkZapierRequest(
        request(flat, { url: 'https://hooks.zapier.com/hooks/catch/1234567/abc1x2y' }),
        REGION,
      ),
    ).toEqual([]);
  });

  it('flags PATCH, a foreign host, a non-catch path, an Authorization header, a non-object and over 2 MB', () => {
    const findings = checkZapierRequest(
      request([flat], {
        method: 'PATCH',
        url: 'https://hooks.example.com/hooks/x',
        headers: { authorization: 'x' },
      }),
      REGION,
    );
    expect(fields(findings)).toEqual(['method', 'url', 'url', 'headers.authorization', 'payload']);
    expectActionable(findings);
    expect(fields(checkZapierRequest(request(flat, { url: '%' }), REGION))).toEqual(['url']);
    const big = checkZapierRequest(request({ pad: 'x'.repeat(2 * 1024 * 1024) }), REGION);
    expect(fields(big)).toEqual(['payload']);
    expectActionable(big);
    expect(checkZapierRequest(request({ pad: 'x'.repeat(2 * 1024 * 1024 - 20) }), REGION)).toEqual([]);
  });
});

describe('classify, authenticate and prepare', () => {
  const answer = (statusCode: number, body = '', headers: Record<string, string> = {}) =>
    zapier.classify({ statusCode, body, headers });

  it('counts 2xx a success, 429/5xx retry (with Retry-After), other 4xx permanent (never gone)', () => {
    expect(answer(200, '{"status":"success"}')).toEqual({ kind: 'success' });
    expect(answer(200, 'anything')).toEqual({ kind: 'success' });
    expect(answer(429, '', { 'retry-after': '30' })).toEqual({ kind: 'retry', retryAfterMs: 30_000 });
    expect(answer(500)).toEqual({ kind: 'retry' });
    for (const status of [400, 401, 404, 410, 413])
      expect(answer(status).kind, String(status)).toBe('permanent');
  });

  it('adds no headers and leaves the request as built', () => {
    expect(zapier.authenticate({}, REGION)).toEqual({});
    const built = request(flat);
    expect(zapier.prepare(built, { messageId: 'msg_1', endpointId: 'ep_1' })).toBe(built);
  });
});

describe('the Zapier fake', () => {
  let fake: ZapierFake;
  beforeEach(async () => {
    fake = await startZapierFake({ hooks: [HOOK_PATH] });
  });
  afterEach(async () => {
    await fake.close();
  });

  const send = async (path: string, body: string, method = 'POST', contentType = 'application/json') => {
    const res = await fetch(`${fake.url}${path}`, { method, headers: { 'content-type': contentType }, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('accepts JSON by POST or PUT, a form body, and GET query data, with the success message', async () => {
    const ok = await send(HOOK_PATH, JSON.stringify(flat));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'success' });
    expect(ok.body.request_id).toBe(fake.received[0]!.requestId);
    expect((await send(HOOK_PATH.slice(0, -1), JSON.stringify(flat), 'PUT')).status).toBe(200);
    expect((await send(HOOK_PATH, 'a=1&b=two', 'POST', 'application/x-www-form-urlencoded')).status).toBe(
      200,
    );
    const get = await fetch(`${fake.url}${HOOK_PATH}?a=1`);
    expect(get.status).toBe(200);
    expect(fake.received.map((r) => [r.method, r.body])).toEqual([
      ['POST', flat],
      ['PUT', flat],
      ['POST', { a: '1', b: 'two' }],
      ['GET', { a: '1' }],
    ]);
  });

  it('answers 404 to an unknown hook (the URL is the credential), 400 to a non-object or invalid JSON, 413 over 2 MB', async () => {
    expect((await send('/hooks/catch/1234567/wrong00/', JSON.stringify(flat))).status).toBe(404);
    expect((await send('/hooks/other/', JSON.stringify(flat))).status).toBe(404);
    expect((await send(HOOK_PATH, '[1,2]')).status).toBe(400);
    expect((await send(HOOK_PATH, '{"a":')).status).toBe(400);
    expect((await send(HOOK_PATH, JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }))).status).toBe(413);
    expect((await send(HOOK_PATH, '{}', 'DELETE')).status).toBe(405);
    expect(fake.received).toEqual([]);
    expect(fake.rejected.map((r) => r.statusCode)).toEqual([404, 404, 400, 400, 413, 405]);
  });

  it('answers 429 with Retry-After past the rate, which classify retries', async () => {
    const limited = await startZapierFake({ hooks: [HOOK_PATH], rateLimit: { max: 2, windowMs: 5000 } });
    try {
      const post = () =>
        fetch(`${limited.url}${HOOK_PATH}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(flat),
        });
      const answers = [await post(), await post(), await post()];
      expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
      const throttled = answers[2]!;
      expect(throttled.headers.get('retry-after')).toBe('5');
      const verdict = zapier.classify({
        statusCode: 429,
        headers: Object.fromEntries(throttled.headers),
        body: await throttled.text(),
      });
      expect(verdict).toEqual({ kind: 'retry', retryAfterMs: 5000 });
      expect(limited.received).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });

  it('agrees with the check: what it passes the fake keeps, what it flags the fake refuses', async () => {
    const payloads: unknown[] = [flat, {}, { nested: { a: 1 } }, [flat], 'text', 3];
    for (const payload of payloads) {
      const findings = checkZapierRequest(request(payload), REGION);
      const { status } = await send(HOOK_PATH, JSON.stringify(payload));
      expect(status === 200, JSON.stringify(payload)).toBe(findings.length === 0);
    }
  });
});
