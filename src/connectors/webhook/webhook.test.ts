import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { readPayload, type TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding, VendorResponse } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { credentialHostProblem } from '../review-request.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  MAX_BODY_BYTES,
  PAYMENT_AND_SUBSCRIPTION_EVENTS,
  startWebhookReceiverFake,
  type WebhookReceiverFake,
  webhook,
  webhookManifest,
  webhookRegion,
} from './index.ts';

const ENDPOINT_URL = 'https://hooks.merchant.example/dodo';
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

const templates = templateSandbox();

let fake: WebhookReceiverFake;

beforeAll(async () => {
  fake = await startWebhookReceiverFake({ secrets: [SECRET], maxBodyBytes: 4096 });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

function request(overrides: Partial<TransformedRequest> = {}): TransformedRequest {
  return { method: 'POST', url: ENDPOINT_URL, headers: {}, payload: { ok: true }, ...overrides };
}

function fields(findings: ContractFinding[]): string[] {
  return findings.map((finding) => finding.field);
}

function response(statusCode: number, body = '', headers: Record<string, string> = {}): VendorResponse {
  return { statusCode, headers, body };
}

/** Signs with the official library, as a Standard Webhooks sender would. */
function signed(body: string, id = 'msg_1', at = new Date(), secret = SECRET): Record<string, string> {
  const signature = new StandardWebhook(secret.slice('whsec_'.length)).sign(id, at, body);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

async function post(body: string, headers: Record<string, string>, target = fake, method = 'POST') {
  return fetch(`${target.url}/dodo`, { method, headers, body: method === 'GET' ? undefined : body });
}

describe('the webhook manifest', () => {
  it('is a card with no credentials, no hosts and no authentication', () => {
    expect(webhookManifest.id).toBe('webhook');
    expect(webhookManifest.category).toBe('custom');
    expect(webhookManifest.logo).toMatch(/^<svg /);
    expect(webhookManifest.credentials).toEqual([]);
    expect(webhookManifest.authentication).toBe('none');
    expect(webhookManifest.regions).toEqual([{ id: 'default', label: 'Your endpoint', hosts: [] }]);
    expect(webhook.authenticate({}, webhookRegion)).toEqual({});
  });

  it('subscribes to every payment and subscription event with a pass-through template', () => {
    expect(PAYMENT_AND_SUBSCRIPTION_EVENTS.length).toBeGreaterThan(10);
    expect(PAYMENT_AND_SUBSCRIPTION_EVENTS.every((t) => /^(payment|subscription)\./.test(t))).toBe(true);
    expect(webhookManifest.defaultEventTypes).toEqual(PAYMENT_AND_SUBSCRIPTION_EVENTS);
    expect(webhookManifest.templates).toHaveLength(1);
    expect(webhookManifest.templates[0]!.code).toContain('function handler(webhook)');
    expect(webhookManifest.templates[0]!.eventTypes).toEqual(PAYMENT_AND_SUBSCRIPTION_EVENTS);
  });

  it('is not subject to the credential host rule (it carries none)', () => {
    expect(credentialHostProblem(webhook, webhookRegion, 'https://elsewhere.example/', ENDPOINT_URL)).toBe(
      undefined,
    );
  });
});

describe('the pass-through template', () => {
  it.each(PAYMENT_AND_SUBSCRIPTION_EVENTS)(
    '%s: the envelope goes unchanged to the endpoint URL and passes its own contract',
    async (eventType) => {
      const example = findEventType(eventType)!.example;
      const outcome = await templates.transform(
        webhookManifest.templates[0]!.code,
        exampleWebhook(eventType, ENDPOINT_URL),
      );
      expect(outcome.kind).toBe('request');
      if (outcome.kind !== 'request') return;
      const request = readPayload(outcome.request);
      expect(request).toMatchObject({ method: 'POST', url: ENDPOINT_URL, payload: example });
      expect(webhook.check(request, webhookRegion)).toEqual([]);
    },
  );
});

describe('check', () => {
  it('accepts a JSON POST to an http(s) URL', () => {
    expect(webhook.check(request(), webhookRegion)).toEqual([]);
    expect(webhook.check(request({ url: 'http://127.0.0.1:9000/hook' }), webhookRegion)).toEqual([]);
  });

  it('flags another method, a broken or non-HTTP URL, signature or non-JSON headers from the code', () => {
    expect(fields(webhook.check(request({ method: 'PUT' }), webhookRegion))).toEqual(['method']);
    expect(fields(webhook.check(request({ url: 'nope' }), webhookRegion))).toEqual(['url']);
    expect(fields(webhook.check(request({ url: 'ftp://x.example/' }), webhookRegion))).toEqual(['url']);
    expect(
      fields(webhook.check(request({ headers: { 'Webhook-Signature': 'v1,forged' } }), webhookRegion)),
    ).toEqual(['headers.webhook-signature']);
    expect(
      fields(webhook.check(request({ headers: { 'content-type': 'text/xml' } }), webhookRegion)),
    ).toEqual(['headers.content-type']);
  });

  it('wants a JSON payload of at most 1 MB', () => {
    expect(fields(webhook.check(request({ payload: undefined }), webhookRegion))).toEqual(['payload']);
    expect(fields(webhook.check(request({ payload: 'x'.repeat(MAX_BODY_BYTES) }), webhookRegion))).toEqual([
      'payload',
    ]);
  });
});

describe('prepare', () => {
  it('returns the request unchanged: webhook-id is the idempotency key', () => {
    const req = request();
    expect(webhook.prepare(req, { messageId: 'msg_1', endpointId: 'ep_1' })).toBe(req);
  });
});

describe('classify (Standard Webhooks)', () => {
  it('2xx is success; 410 and webhook-delivery: disable are gone; abort-message is permanent', () => {
    expect(webhook.classify(response(200))).toEqual({ kind: 'success' });
    expect(webhook.classify(response(202))).toEqual({ kind: 'success' });
    expect(webhook.classify(response(410)).kind).toBe('gone');
    expect(webhook.classify(response(500, '', { 'Webhook-Delivery': 'disable' })).kind).toBe('gone');
    expect(webhook.classify(response(400, '', { 'webhook-delivery': 'abort-message' })).kind).toBe(
      'permanent',
    );
  });

  it('everything else is retried, 3xx included, honouring Retry-After', () => {
    for (const status of [301, 400, 401, 404, 500, 502, 504]) {
      expect(webhook.classify(response(status))).toEqual({ kind: 'retry' });
    }
    expect(webhook.classify(response(429, '', { 'retry-after': '3' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 3000,
    });
  });
});

describe('the fake Standard Webhooks receiver', () => {
  it('accepts a request signed by the official library, and records it once per webhook-id', async () => {
    const body = JSON.stringify({ type: 'payment.succeeded' });
    expect((await post(body, signed(body, 'msg_a'))).status).toBe(200);
    expect((await post(body, signed(body, 'msg_a'))).status).toBe(200);
    expect(fake.received).toHaveLength(1);
    expect(fake.received[0]).toMatchObject({
      id: 'msg_a',
      path: '/dodo',
      body,
      payload: { type: 'payment.succeeded' },
    });
  });

  it('accepts a list of signatures when one matches, e.g. during rotation', async () => {
    const body = '{"a":1}';
    const headers = signed(body, 'msg_r');
    const other = signed(body, 'msg_r', new Date(), OTHER_SECRET)['webhook-signature'];
    headers['webhook-signature'] = `${other} ${headers['webhook-signature']}`;
    expect((await post(body, headers)).status).toBe(200);
  });

  it('rejects a wrong secret, a tampered body, a stale timestamp and missing headers', async () => {
    const body = '{"a":1}';
    expect((await post(body, signed(body, 'msg_w', new Date(), OTHER_SECRET))).status).toBe(401);
    expect((await post('{"a":2}', signed(body, 'msg_t'))).status).toBe(401);
    const stale = await post(body, signed(body, 'msg_s', new Date(Date.now() - 10 * 60_000)));
    expect(stale.status).toBe(401);
    expect(await stale.text()).toContain('timestamp');
    const { 'webhook-signature': _dropped, ...unsigned } = signed(body, 'msg_u');
    expect((await post(body, unsigned)).status).toBe(400);
    expect(fake.received).toHaveLength(0);
  });

  it('rejects other methods, non-JSON, a wrong content type, and oversize bodies', async () => {
    expect((await post('', signed(''), fake, 'GET')).status).toBe(405);
    expect((await post('{oops', signed('{oops', 'msg_j'))).status).toBe(400);
    expect((await post('{}', { ...signed('{}', 'msg_c'), 'content-type': 'text/plain' })).status).toBe(415);
    const big = JSON.stringify({ x: 'y'.repeat(5000) });
    expect((await post(big, signed(big, 'msg_b'))).status).toBe(413);
    expect(fake.received).toHaveLength(0);
  });

  it('answers 429 with Retry-After past its rate limit, which classify retries', async () => {
    const limited = await startWebhookReceiverFake({
      secrets: [SECRET],
      rateLimit: { requests: 1, windowMs: 60_000 },
    });
    try {
      expect((await post('{}', signed('{}', 'msg_1'), limited)).status).toBe(200);
      const res = await post('{}', signed('{}', 'msg_2'), limited);
      expect(res.status).toBe(429);
      const verdict = webhook.classify({
        statusCode: res.status,
        headers: Object.fromEntries(res.headers),
        body: await res.text(),
      });
      expect(verdict.kind).toBe('retry');
      expect((verdict as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);
      expect(limited.received).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});
