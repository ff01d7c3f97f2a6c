import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestServer,
  TEST_OPERATOR_TOKEN,
  type TestServer,
  testServerDrivers,
} from '../server/testing.ts';
import { createApi } from './index.ts';

/**
 * Bad input gets a clear 4xx problem document (RFC 9457 members plus Svix's `code`) and stores nothing; an
 * unexpected error gets a 500 without internals, and the log has the details under the request id.
 */

type Json = Record<string, unknown>;
interface Issue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

const MAX_BODY_BYTES = 2048;

/** Checks the problem members every error answer has, and returns the body. */
async function expectProblem(res: Response, status: number, code?: string): Promise<Json> {
  const text = await res.text();
  expect({ status: res.status, contentType: res.headers.get('content-type'), text }).toMatchObject({
    status,
    contentType: 'application/problem+json',
  });
  const body = JSON.parse(text) as Json;
  expect(body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    code: expect.any(String),
  });
  expect(body.type).toMatch(/^https?:\/\//);
  if (code) expect(body.code).toBe(code);
  if (typeof body.detail === 'string') expect(body.detail.length).toBeGreaterThan(0);
  else expect((body.detail as Issue[]).length).toBeGreaterThan(0);
  return body;
}

/** A 422 whose issues include one at `loc`; returns that issue. */
async function expectInvalid(res: Response, loc: (string | number)[]): Promise<Issue> {
  const body = await expectProblem(res, 422, 'validation');
  const issues = body.detail as Issue[];
  expect(Array.isArray(issues)).toBe(true);
  for (const issue of issues)
    expect(issue).toMatchObject({ msg: expect.any(String), type: expect.any(String) });
  const issue = issues.find((i) => JSON.stringify(i.loc) === JSON.stringify(loc));
  expect(issue, `an issue at ${JSON.stringify(loc)} in ${JSON.stringify(issues)}`).toBeDefined();
  expect(issue!.msg.length).toBeGreaterThan(0);
  return issue!;
}

function chunkedBody(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

describe.each(testServerDrivers())('bad input on %s', (driver) => {
  let server: TestServer;
  let appId: string;
  let endpointId: string;
  const auth = () => ({ authorization: `Bearer ${server.operatorTokenValue}` });
  const jsonHeaders = () => ({ ...auth(), 'content-type': 'application/json' });

  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: body === undefined ? auth() : jsonHeaders(),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const raw = (path: string, body: string, contentType: string, method = 'POST') =>
    fetch(`${server.url}${path}`, { method, headers: { ...auth(), 'content-type': contentType }, body });
  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: auth() });
    expect(res.status, path).toBe(200);
    return (await res.json()) as Json;
  };
  const countOf = async (path: string) => ((await get(path)).data as unknown[]).length;

  /** What the failed requests must not have changed. */
  const state = async () => ({
    apps: await countOf('/api/v1/app?limit=250'),
    eventTypes: await countOf('/api/v1/event-type?limit=250&include_archived=true'),
    endpoints: await countOf(`/api/v1/app/${appId}/endpoint?limit=250`),
    messages: await countOf(`/api/v1/app/${appId}/msg?limit=250`),
    endpoint: await get(`/api/v1/app/${appId}/endpoint/${endpointId}`),
    headers: await get(`/api/v1/app/${appId}/endpoint/${endpointId}/headers`),
    app: await get(`/api/v1/app/${appId}`),
  });
  let before: Awaited<ReturnType<typeof state>>;

  beforeAll(async () => {
    server = await startTestServer(driver, {
      SWITCHYARD_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      SWITCHYARD_WORKER: 'false',
    });
    const app = await send('POST', '/api/v1/app', { name: 'Base', uid: 'base' });
    expect(app.status).toBe(201);
    appId = ((await app.json()) as Json).id as string;
    const endpoint = await send('POST', `/api/v1/app/${appId}/endpoint`, {
      url: 'https://example.com/hook',
      headers: { 'x-custom': 'kept' },
    });
    expect(endpoint.status).toBe(201);
    endpointId = ((await endpoint.json()) as Json).id as string;
    before = await state();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers malformed JSON with 400 invalid_json and a detail', async () => {
    for (const text of ['{"name":', '{name: "x"}', "{'name': 'x'}", '{"name": "x",}', 'nope']) {
      const body = await expectProblem(
        await raw('/api/v1/app', text, 'application/json'),
        400,
        'invalid_json',
      );
      expect(body.detail).toMatch(/JSON/);
    }
    const message = await raw(
      `/api/v1/app/${appId}/msg`,
      '{"eventType": "payment.succeeded", "payload": {',
      'application/json',
    );
    await expectProblem(message, 400, 'invalid_json');
    const empty = await expectProblem(await raw('/api/v1/app', '', 'application/json'), 400, 'invalid_json');
    expect(empty.detail).toMatch(/empty/);
  });

  it('answers a body that is not JSON with 415', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const body = await expectProblem(await raw('/api/v1/app', '{"name":"x"}', contentType), 415);
      expect(body.detail).toContain(contentType);
    }
    // fetch labels a string body text/plain when no content-type is given.
    const plain = await fetch(`${server.url}/api/v1/app`, {
      method: 'POST',
      headers: auth(),
      body: '{"name":"x"}',
    });
    await expectProblem(plain, 415);
    // A JSON media type with parameters or a +json suffix is JSON.
    const charset = await raw(
      `/api/v1/app/${appId}`,
      '{"name":"Base"}',
      'application/json; charset=utf-8',
      'PATCH',
    );
    expect(charset.status).toBe(200);
    await charset.body?.cancel();
  });

  it('answers a body over the limit with 413, with or without content-length', async () => {
    const padded = JSON.stringify({ name: 'x'.repeat(4096) });
    expect(Buffer.byteLength(padded)).toBeGreaterThan(MAX_BODY_BYTES);
    const sized = await raw('/api/v1/app', padded, 'application/json');
    const body = await expectProblem(sized, 413, 'payload_too_large');
    expect(body.detail).toContain(String(MAX_BODY_BYTES));

    // Chunked transfer encoding: no content-length, so the limit must hold while the body streams in.
    const parts = ['{"name":"', ...Array.from({ length: 8 }, () => 'x'.repeat(1024)), '"}'];
    const streamed = await fetch(`${server.url}/api/v1/app`, {
      method: 'POST',
      headers: jsonHeaders(),
      body: chunkedBody(parts),
      duplex: 'half',
    } as RequestInit);
    await expectProblem(streamed, 413, 'payload_too_large');

    const message = await fetch(`${server.url}/api/v1/app/${appId}/msg`, {
      method: 'POST',
      headers: jsonHeaders(),
      body: chunkedBody([
        '{"eventType":"payment.succeeded","payload":{"pad":"',
        ...Array.from({ length: 4 }, () => 'y'.repeat(1024)),
        '"}}',
      ]),
      duplex: 'half',
    } as RequestInit);
    await expectProblem(message, 413, 'payload_too_large');

    // A chunked body under the limit is read normally (the 413s above are not a blanket refusal).
    const small = await fetch(`${server.url}/api/v1/app/${appId}`, {
      method: 'PATCH',
      headers: jsonHeaders(),
      body: chunkedBody(['{"name":', '"Base"}']),
      duplex: 'half',
    } as RequestInit);
    expect(small.status).toBe(200);
    expect(((await small.json()) as Json).name).toBe('Base');
  });

  it('answers oversized request headers with 431 problem+json', async () => {
    const res = await fetch(`${server.url}/api/v1/app`, {
      headers: { ...auth(), 'x-padding': 'a'.repeat(20 * 1024) },
    });
    const body = await expectProblem(res, 431, 'headers_too_large');
    expect(body.title).toBe('Request Header Fields Too Large');
    // The server is still there for well-behaved clients.
    expect((await fetch(`${server.url}/api/v1/health`)).status).toBe(204);
  });

  it('names a field of the wrong type', async () => {
    const issue = await expectInvalid(await send('POST', '/api/v1/app', { name: 42 }), ['body', 'name']);
    expect(issue.msg).toMatch(/string/);
    const body = await expectProblem(await send('POST', '/api/v1/app', { name: 42 }), 422);
    expect((body.detail as Issue[])[0]!.loc).toEqual(['body', 'name']);
    await expectInvalid(await send('POST', '/api/v1/app', { name: 'x', throttleRate: '5' }), [
      'body',
      'throttleRate',
    ]);
    await expectInvalid(await send('POST', '/api/v1/app', { name: 'x', metadata: { tier: 1 } }), [
      'body',
      'metadata',
      'tier',
    ]);
    await expectInvalid(await send('POST', '/api/v1/app', [{ name: 'x' }]), ['body']);
    await expectInvalid(await send('POST', '/api/v1/app', {}), ['body', 'name']);
    await expectInvalid(
      await send('PATCH', `/api/v1/app/${appId}/endpoint/${endpointId}`, { disabled: 'yes' }),
      ['body', 'disabled'],
    );
  });

  it('names unknown fields', async () => {
    const issue = await expectInvalid(await send('POST', '/api/v1/app', { name: 'x', colour: 'red' }), [
      'body',
      'colour',
    ]);
    expect(issue.msg).toContain('colour');
    await expectInvalid(
      await send('POST', `/api/v1/app/${appId}/endpoint`, { url: 'https://example.com', filterTypez: ['a'] }),
      ['body', 'filterTypez'],
    );
    await expectInvalid(
      await send('POST', `/api/v1/app/${appId}/msg`, {
        eventType: 'payment.succeeded',
        payload: {},
        evnetId: 'x',
      }),
      ['body', 'evnetId'],
    );
  });

  it('refuses endpoint URLs that are not absolute http(s) URLs', async () => {
    for (const url of ['ftp://x', 'not a url', 'http://', '', '/relative/path', 'javascript:alert(1)']) {
      await expectInvalid(await send('POST', `/api/v1/app/${appId}/endpoint`, { url }), ['body', 'url']);
      await expectInvalid(await send('PATCH', `/api/v1/app/${appId}/endpoint/${endpointId}`, { url }), [
        'body',
        'url',
      ]);
      await expectInvalid(await send('PUT', `/api/v1/app/${appId}/endpoint/${endpointId}`, { url }), [
        'body',
        'url',
      ]);
    }
  });

  it('refuses invalid event type names on event types and messages', async () => {
    for (const name of ['has space', 'a/b', 'a'.repeat(257), '', 'ünïcode']) {
      await expectInvalid(await send('POST', '/api/v1/event-type', { name, description: 'd' }), [
        'body',
        'name',
      ]);
      await expectInvalid(await send('POST', `/api/v1/app/${appId}/msg`, { eventType: name, payload: {} }), [
        'body',
        'eventType',
      ]);
    }
    await expectInvalid(await send('PUT', '/api/v1/event-type/has%20space', { description: 'd' }), [
      'path',
      'event_type_name',
    ]);
    await expectInvalid(
      await send('POST', `/api/v1/app/${appId}/endpoint`, {
        url: 'https://example.com',
        eventTypes: ['a b'],
      }),
      ['body', 'eventTypes', 0],
    );
  });

  it('refuses an endpoint subscribing to an event type that does not exist, naming the index', async () => {
    const eventTypes = ['payment.succeeded', 'no.such.type'];
    const issue = await expectInvalid(
      await send('POST', `/api/v1/app/${appId}/endpoint`, { url: 'https://example.com', eventTypes }),
      ['body', 'eventTypes', 1],
    );
    expect(issue.msg).toContain('no.such.type');
    await expectInvalid(
      await send('POST', `/api/v1/app/${appId}/endpoint`, {
        url: 'https://example.com',
        filterTypes: eventTypes,
      }),
      ['body', 'filterTypes', 1],
    );
    await expectInvalid(await send('PATCH', `/api/v1/app/${appId}/endpoint/${endpointId}`, { eventTypes }), [
      'body',
      'eventTypes',
      1,
    ]);
    await expectInvalid(
      await send('PUT', `/api/v1/app/${appId}/endpoint/${endpointId}`, {
        url: 'https://example.com',
        eventTypes,
      }),
      ['body', 'eventTypes', 1],
    );
  });

  it('refuses page sizes outside 1–250', async () => {
    for (const path of [
      '/api/v1/app',
      '/api/v1/event-type',
      `/api/v1/app/${appId}/msg`,
      `/api/v1/app/${appId}/endpoint`,
    ]) {
      for (const limit of ['251', '0', 'abc', '-1', '2.5']) {
        await expectInvalid(await fetch(`${server.url}${path}?limit=${limit}`, { headers: auth() }), [
          'query',
          'limit',
        ]);
      }
    }
    expect((await fetch(`${server.url}/api/v1/app?limit=250`, { headers: auth() })).status).toBe(200);
  });

  it('refuses message payloads that are not JSON objects', async () => {
    for (const payload of [[1, 2], 'a string', 42, null, true]) {
      const issue = await expectInvalid(
        await send('POST', `/api/v1/app/${appId}/msg`, { eventType: 'payment.succeeded', payload }),
        ['body', 'payload'],
      );
      expect(issue.msg.length).toBeGreaterThan(0);
    }
    await expectInvalid(await send('POST', `/api/v1/app/${appId}/msg`, { eventType: 'payment.succeeded' }), [
      'body',
      'payload',
    ]);
  });

  it('refuses uids that look like ids', async () => {
    const issue = await expectInvalid(await send('POST', '/api/v1/app', { name: 'x', uid: 'app_123' }), [
      'body',
      'uid',
    ]);
    expect(issue.msg).toContain('app_');
    await expectInvalid(await send('PATCH', `/api/v1/app/${appId}`, { uid: 'app_123' }), ['body', 'uid']);
    await expectInvalid(
      await send('POST', `/api/v1/app/${appId}/endpoint`, { url: 'https://example.com', uid: 'ep_1' }),
      ['body', 'uid'],
    );
    await expectInvalid(
      await send('POST', `/api/v1/app/${appId}/msg`, {
        eventType: 'payment.succeeded',
        payload: {},
        eventId: 'msg_1',
      }),
      ['body', 'eventId'],
    );
    await expectInvalid(await send('POST', '/api/v1/app', { name: 'x', uid: 'has space' }), ['body', 'uid']);
  });

  it('refuses reserved or invalid custom header names on endpoints, saying why', async () => {
    const reserved = [
      'content-length',
      'webhook-signature',
      'svix-foo',
      'Content-Type',
      'Host',
      'x-svix-bar',
    ];
    for (const name of reserved) {
      const headers = { [name]: 'x', 'x-fine': 'ok' };
      const paths: [string, string, Json][] = [
        ['POST', `/api/v1/app/${appId}/endpoint`, { url: 'https://example.com', headers }],
        ['PUT', `/api/v1/app/${appId}/endpoint/${endpointId}/headers`, { headers }],
        ['PATCH', `/api/v1/app/${appId}/endpoint/${endpointId}/headers`, { headers }],
      ];
      for (const [method, path, body] of paths) {
        const issue = await expectInvalid(await send(method, path, body), ['body', 'headers', name]);
        // The reason, not a generic "invalid key".
        expect(issue.msg, `${method} ${path} ${name}`).toMatch(/reserved|set by Switchyard/);
      }
    }
    const invalid = await expectInvalid(
      await send('PUT', `/api/v1/app/${appId}/endpoint/${endpointId}/headers`, {
        headers: { 'bad name': 'x' },
      }),
      ['body', 'headers', 'bad name'],
    );
    expect(invalid.msg).toMatch(/not a valid header name/);
    await expectInvalid(
      await send('PUT', `/api/v1/app/${appId}/endpoint/${endpointId}/headers`, {
        headers: { 'x-a': 'line\r\nbreak' },
      }),
      ['body', 'headers', 'x-a'],
    );
  });

  it('gives every error the problem members, with status equal to the HTTP status', async () => {
    const cases: [Promise<Response>, number][] = [
      [fetch(`${server.url}/api/v1/app`), 401],
      [fetch(`${server.url}/api/v1/app/no-such-app`, { headers: auth() }), 404],
      [fetch(`${server.url}/api/v1/no-such-route`, { headers: auth() }), 404],
      [send('POST', '/api/v1/app', { name: 'dup', uid: 'base' }), 409],
      [raw('/api/v1/app', '', 'application/json'), 400],
      [send('GET', `/api/v1/app/${appId}/msg/msg_x/attempt/not-an-attempt`), 422],
    ];
    for (const [request, status] of cases) await expectProblem(await request, status);
  });

  it('still answers after all of that, and stored nothing from the failed requests', async () => {
    expect((await fetch(`${server.url}/api/v1/health`)).status).toBe(204);
    const after = await state();
    const { app: appAfter, ...restAfter } = after;
    const { app: appBefore, ...restBefore } = before;
    expect(restAfter).toEqual(restBefore);
    // The successful PATCHes above rewrote the same name; nothing else about the app changed.
    expect({ ...appAfter, updatedAt: undefined }).toEqual({ ...appBefore, updatedAt: undefined });
    expect(after.headers).toEqual({ headers: { 'x-custom': 'kept' }, sensitive: [] });
  });

  it('answers an unexpected error with 500 problem+json without internals, and logs it under the request id', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const store = {
      ...server.store,
      apps: {
        ...server.store.apps,
        list: async () => {
          throw new Error('secret internal detail SELECT * FROM x');
        },
      },
    };
    const api = createApi({
      store,
      logger: pino({ level: 'info' }, sink),
      adminToken: TEST_OPERATOR_TOKEN,
      publicUrl: 'http://localhost',
      maxBodyBytes: MAX_BODY_BYTES,
      sandbox: server.sandbox,
    });
    const res = await api.request('/api/v1/app', {
      headers: { authorization: `Bearer ${TEST_OPERATOR_TOKEN}` },
    });
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(text).not.toContain('secret internal detail');
    expect(text).not.toMatch(/SELECT|stack|\.ts:\d+|at async/);
    const body = JSON.parse(text) as Json;
    expect(body).toMatchObject({
      type: expect.any(String),
      title: 'Internal Server Error',
      status: 500,
      code: 'server_error',
      requestId: expect.any(String),
    });
    const requestId = body.requestId as string;
    expect(requestId.length).toBeGreaterThan(0);
    expect(body.detail).toContain(requestId);

    const logged = lines
      .map((line) => JSON.parse(line) as Json)
      .filter((entry) => entry.requestId === requestId);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 50,
      err: { message: 'secret internal detail SELECT * FROM x' },
    });
    expect((logged[0]!.err as Json).stack).toContain('secret internal detail');

    // Each failure has its own id.
    const again = (await (
      await api.request('/api/v1/app', { headers: { authorization: `Bearer ${TEST_OPERATOR_TOKEN}` } })
    ).json()) as Json;
    expect(again.requestId).not.toBe(requestId);
  });
});
