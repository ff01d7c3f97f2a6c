import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';

const EVERY_KIND = ['endpoint.failing', 'endpoint.disabled', 'message.attempt.exhausted'];

describe.each(testServerDrivers())('failure email alert settings API on %s', (driver) => {
  let server: TestServer;

  async function call(method: string, path: string, token: string | undefined, body?: unknown) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: (await res.json()) as Record<string, unknown>,
    };
  }
  const operator = () => server.operatorTokenValue;

  beforeAll(async () => {
    server = await startTestServer(driver);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers no addresses and every kind before anything is set, then keeps what is put', async () => {
    const { appId } = await server.createAppWithToken('Acme');
    expect(await call('GET', `/api/v1/app/${appId}/alerts`, operator())).toMatchObject({
      status: 200,
      body: { emails: [], events: EVERY_KIND },
    });

    const put = await call('PUT', `/api/v1/app/${appId}/alerts`, operator(), {
      emails: ['ops@acme.example', 'Dev.Team+hooks@acme.example'],
      events: ['endpoint.disabled'],
    });
    expect(put).toMatchObject({
      status: 200,
      body: { emails: ['ops@acme.example', 'Dev.Team+hooks@acme.example'], events: ['endpoint.disabled'] },
    });
    expect((await call('GET', `/api/v1/app/${appId}/alerts`, operator())).body).toEqual(put.body);

    // Omitted kinds mean every kind; an empty list of addresses turns alerts off.
    expect((await call('PUT', `/api/v1/app/${appId}/alerts`, operator(), { emails: [] })).body).toEqual({
      emails: [],
      events: EVERY_KIND,
    });
  });

  it('takes the app by uid too', async () => {
    await call('POST', '/api/v1/app', operator(), { name: 'By uid', uid: 'alerts-by-uid' });
    const put = await call('PUT', '/api/v1/app/alerts-by-uid/alerts', operator(), {
      emails: ['a@b.example'],
    });
    expect(put.status).toBe(200);
    expect((await call('GET', '/api/v1/app/alerts-by-uid/alerts', operator())).body.emails).toEqual([
      'a@b.example',
    ]);
  });

  it.each([
    ['an invalid address', { emails: ['ops@acme.example', 'not an email'] }, ['body', 'emails', 1]],
    ['an address with a line break', { emails: ['a@b.example\r\nBcc: x@y.example'] }, ['body', 'emails', 0]],
    [
      'an address listed twice',
      { emails: ['a@b.example', 'c@d.example', 'A@B.example'] },
      ['body', 'emails', 2],
    ],
    [
      'too many addresses',
      { emails: Array.from({ length: 21 }, (_, i) => `ops${i}@acme.example`) },
      ['body', 'emails'],
    ],
    ['an unknown kind', { emails: [], events: ['endpoint.created'] }, ['body', 'events', 0]],
    [
      'a kind listed twice',
      { emails: [], events: ['endpoint.disabled', 'endpoint.disabled'] },
      ['body', 'events'],
    ],
    ['no addresses field', { events: [] }, ['body', 'emails']],
    ['an unknown field', { emails: [], cc: ['x@y.example'] }, ['body', 'cc']],
  ])('refuses %s with a problem naming the field', async (_, body, loc) => {
    const { appId } = await server.createAppWithToken();
    const answer = await call('PUT', `/api/v1/app/${appId}/alerts`, operator(), body);
    expect(answer.status).toBe(422);
    expect(answer.contentType).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'validation', status: 422 });
    expect((answer.body.detail as { loc: unknown[] }[]).map((d) => d.loc)).toContainEqual(loc);
    expect((await call('GET', `/api/v1/app/${appId}/alerts`, operator())).body.emails).toEqual([]);
  });

  it("lets an app-portal token manage its own app's alerts and not another's", async () => {
    const mine = await server.createAppWithToken('Mine');
    const theirs = await server.createAppWithToken('Theirs');
    await call('PUT', `/api/v1/app/${theirs.appId}/alerts`, operator(), { emails: ['them@theirs.example'] });

    expect(
      (await call('PUT', `/api/v1/app/${mine.appId}/alerts`, mine.token, { emails: ['me@mine.example'] }))
        .status,
    ).toBe(200);
    expect((await call('GET', `/api/v1/app/${mine.appId}/alerts`, mine.token)).body.emails).toEqual([
      'me@mine.example',
    ]);

    const read = await call('GET', `/api/v1/app/${theirs.appId}/alerts`, mine.token);
    expect(read).toMatchObject({
      status: 404,
      contentType: 'application/problem+json',
      body: { code: 'not_found' },
    });
    expect(JSON.stringify(read.body)).not.toContain('them@theirs.example');
    const write = await call('PUT', `/api/v1/app/${theirs.appId}/alerts`, mine.token, {
      emails: ['me@mine.example'],
    });
    expect(write).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect((await call('GET', `/api/v1/app/${theirs.appId}/alerts`, operator())).body.emails).toEqual([
      'them@theirs.example',
    ]);
    expect((await call('GET', `/api/v1/app/${mine.appId}/alerts`, undefined)).status).toBe(401);
  });

  it('describes both operations in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths['/api/v1/app/{app_id}/alerts'] ?? {}).sort()).toEqual(['get', 'put']);
  });
});
