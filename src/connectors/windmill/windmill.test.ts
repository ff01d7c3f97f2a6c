import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding, VendorResponse } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  checkWindmillRequest,
  startWindmillFake,
  type WindmillFake,
  windmill,
  windmillManifest,
  windmillRegions,
} from './index.ts';

const TOKEN = 'wmTok3n9d8e7f6a5b4c3';
const RUN_PATH = '/api/w/acme/jobs/run/p/u/ada/on_payment';
const ENDPOINT_URL = `https://app.windmill.dev${RUN_PATH}?token=${TOKEN}`;
const region = windmillRegions.default;

const webhookFor = (eventType: string) => exampleWebhook(eventType, ENDPOINT_URL);

const templates = templateSandbox();

let fake: WindmillFake;

const run = (code: string, eventType: string) => templates.run(code, webhookFor(eventType));

function request(
  payload: unknown,
  url = ENDPOINT_URL,
  headers: Record<string, string> = {},
  method: TransformedRequest['method'] = 'POST',
): TransformedRequest {
  return { method, url, headers, payload };
}

const fields = (findings: ContractFinding[]) => findings.map((finding) => finding.field);
const response = (statusCode: number, body = '', headers: Record<string, string> = {}): VendorResponse => ({
  statusCode,
  headers,
  body,
});

async function post(pathAndQuery: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${fake.url}${pathAndQuery}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

beforeAll(async () => {
  fake = await startWindmillFake({ workspace: 'acme', runnables: ['u/ada/on_payment'], tokens: [TOKEN] });
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => fake.reset());

describe('the Windmill manifest', () => {
  it('is a URL-secret card with no credential fields, any host, and explains the ?token= form', () => {
    expect(windmillManifest.id).toBe('windmill');
    expect(windmillManifest.authentication).toBe('url');
    expect(windmillManifest.credentials).toEqual([]);
    expect(windmillManifest.regions).toHaveLength(1);
    expect(windmillManifest.regions[0]).toMatchObject({ id: 'default', hosts: [] });
    expect(windmillManifest.instructions).toContain('?token=');
    expect(windmillManifest.instructions).toContain('Details → Webhooks');
    expect(windmillManifest.logo).toMatch(
      /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/,
    );
    expect(windmill.authenticate({}, region)).toEqual({});
  });
});

describe('the Windmill template', () => {
  for (const template of windmillManifest.templates) {
    for (const eventType of template.eventTypes) {
      it(`${template.id} on ${eventType}: keeps the URL, builds flat arguments, passes the contract and the fake`, async () => {
        const built = await run(template.code, eventType);
        expect(built.url).toBe(ENDPOINT_URL);
        expect(checkWindmillRequest(built, region)).toEqual([]);
        const args = built.payload as Record<string, unknown>;
        expect(args).toMatchObject({ event: eventType, customer_id: 'cus_pfJBd0Kh8oOOL8dKLzdoc' });
        for (const value of Object.values(args))
          expect(typeof value === 'object' && value !== null).toBe(false);
        const url = new URL(built.url);
        const answer = await post(`${url.pathname}${url.search}`, JSON.stringify(built.payload));
        expect(answer.statusCode).toBe(201);
        expect(answer.body).toMatch(/^[0-9a-f-]{36}$/);
        expect(fake.jobs.at(-1)!.args).toStrictEqual(built.payload);
      });
    }
  }
});

describe('checkWindmillRequest', () => {
  it('accepts any HTTPS host with a webhook path and a token', () => {
    expect(checkWindmillRequest(request({}), region)).toEqual([]);
    const selfHosted = `https://windmill.acme.internal.example/api/w/ops/jobs/run_wait_result/h/abc123?token=${TOKEN}`;
    expect(checkWindmillRequest(request({}, selfHosted), region)).toEqual([]);
  });

  it('flags a URL without token= and says what to write', () => {
    const findings = checkWindmillRequest(request({}, `https://app.windmill.dev${RUN_PATH}`), region);
    expect(fields(findings)).toEqual(['url']);
    expect(findings[0]!.message).toContain('no token=');
    expect(findings[0]!.message).toContain(`https://app.windmill.dev${RUN_PATH}?token={webhook token}`);
    expect(
      fields(checkWindmillRequest(request({}, `https://app.windmill.dev${RUN_PATH}?token=`), region)),
    ).toEqual(['url']);
  });

  it('flags plain HTTP, a non-webhook path, an Authorization header, another method, a non-object payload', () => {
    const http = checkWindmillRequest(request({}, ENDPOINT_URL.replace('https:', 'http:')), region);
    expect(http[0]!.message).toContain(`write ${ENDPOINT_URL}`);
    const path = checkWindmillRequest(
      request({}, `https://app.windmill.dev/api/w/acme/scripts?token=${TOKEN}`),
      region,
    );
    expect(path[0]!.message).toContain('Details → Webhooks');
    expect(
      fields(checkWindmillRequest(request({}, ENDPOINT_URL, { Authorization: 'Bearer x' }), region)),
    ).toEqual(['headers.authorization']);
    expect(fields(checkWindmillRequest(request({}, ENDPOINT_URL, {}, 'PUT'), region))).toEqual(['method']);
    expect(fields(checkWindmillRequest(request([1]), region))).toEqual(['payload']);
    expect(fields(checkWindmillRequest(request('x', 'nope'), region))).toEqual(['url', 'payload']);
  });

  it('flags a body over 2 MiB', () => {
    const findings = checkWindmillRequest(request({ pad: 'x'.repeat(2 * 1024 * 1024) }), region);
    expect(fields(findings)).toEqual(['payload']);
    expect(findings[0]!.message).toContain('2 MiB');
  });
});

describe('prepare and classify', () => {
  it('prepare leaves the request unchanged', () => {
    const built = request({ a: 1 });
    expect(windmill.prepare(built, { messageId: 'msg_1', endpointId: 'ep_1' })).toBe(built);
  });

  it('2xx success; 401/403/404/400 permanent; 429 and 5xx retry', () => {
    expect(windmill.classify(response(201, '0190c1a2-...'))).toEqual({ kind: 'success' });
    expect(windmill.classify(response(200, '{}'))).toEqual({ kind: 'success' });
    const unauthorized = windmill.classify(response(401, 'Unauthorized'));
    expect(unauthorized).toMatchObject({ kind: 'permanent', reason: expect.stringContaining('?token=') });
    for (const status of [400, 403, 404, 413])
      expect(windmill.classify(response(status)).kind).toBe('permanent');
    expect(windmill.classify(response(429, '', { 'retry-after': '2' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 2000,
    });
    expect(windmill.classify(response(502))).toEqual({ kind: 'retry' });
  });
});

describe('the Windmill fake', () => {
  it('runs async (201, job id) and sync (200, result), with the token in the query or as Bearer', async () => {
    const asyncRun = await post(`${RUN_PATH}?token=${TOKEN}`, '{"event":"e"}');
    expect(asyncRun.statusCode).toBe(201);
    const sync = await post('/api/w/acme/jobs/run_wait_result/p/u/ada/on_payment', '{"event":"e"}', {
      authorization: `Bearer ${TOKEN}`,
    });
    expect(sync.statusCode).toBe(200);
    expect(JSON.parse(sync.body)).toEqual({ event: 'e' });
    expect(fake.jobs.map((job) => [job.mode, job.auth, job.runnable])).toEqual([
      ['run', 'query', 'u/ada/on_payment'],
      ['run_wait_result', 'bearer', 'u/ada/on_payment'],
    ]);
  });

  it('answers 401 without a token or with a wrong one, 404 to an unknown script or workspace', async () => {
    expect((await post(RUN_PATH, '{}')).statusCode).toBe(401);
    const wrong = await post(`${RUN_PATH}?token=nope`, '{}');
    expect(wrong.statusCode).toBe(401);
    expect(windmill.classify(wrong).kind).toBe('permanent');
    expect((await post(`/api/w/acme/jobs/run/p/u/ada/other?token=${TOKEN}`, '{}')).statusCode).toBe(404);
    expect((await post(`/api/w/other/jobs/run/p/u/ada/on_payment?token=${TOKEN}`, '{}')).statusCode).toBe(
      404,
    );
    expect(fake.jobs).toEqual([]);
  });

  it('answers 400 to a body that is not a JSON object, 413 over the limit', async () => {
    expect((await post(`${RUN_PATH}?token=${TOKEN}`, '[1,2]')).statusCode).toBe(400);
    expect((await post(`${RUN_PATH}?token=${TOKEN}`, '{"a":')).statusCode).toBe(400);
    const pad = (n: number) => JSON.stringify({ pad: 'x'.repeat(n) });
    const limit = 2 * 1024 * 1024;
    expect((await post(`${RUN_PATH}?token=${TOKEN}`, pad(limit - 20))).statusCode).toBe(201);
    expect((await post(`${RUN_PATH}?token=${TOKEN}`, pad(limit))).statusCode).toBe(413);
    expect(fake.jobs).toHaveLength(1);
    expect(fake.rejected.map((r) => r.statusCode)).toEqual([400, 400, 413]);
  });

  it('rate limits with 429 and Retry-After when configured', async () => {
    const limited = await startWindmillFake({
      workspace: 'acme',
      runnables: ['u/ada/on_payment'],
      tokens: [TOKEN],
      rateLimitPerSecond: 1,
    });
    try {
      const send = () =>
        fetch(`${limited.url}${RUN_PATH}?token=${TOKEN}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
      const statuses = [(await send()).status];
      const throttled = await send();
      statuses.push(throttled.status);
      expect(statuses).toEqual([201, 429]);
      expect(throttled.headers.get('retry-after')).toBe('1');
      expect(limited.jobs).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});
