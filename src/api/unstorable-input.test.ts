import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';

/**
 * Bugs found by the API fuzzer (`npm run test:faults`): input that passed validation but that PostgreSQL
 * refuses answered 500 server_error. Each is a 4xx problem now, on both drivers.
 */

describe.each(testServerDrivers())('input the database cannot take, on %s', (driver) => {
  let server: TestServer;
  let appId: string;
  let endpointId: string;
  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.operatorTokenValue}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const expectProblem = async (res: Response, status: number, code: string) => {
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect({ status: res.status, body: await res.json() }).toMatchObject({ status, body: { status, code } });
  };

  beforeAll(async () => {
    server = await startTestServer(driver, { SWITCHYARD_WORKER: 'false' });
    appId = ((await (await send('POST', '/api/v1/app', { name: 'Base' })).json()) as { id: string }).id;
    const endpoint = await send('POST', `/api/v1/app/${appId}/endpoint`, { url: 'https://example.com/hook' });
    endpointId = ((await endpoint.json()) as { id: string }).id;
  });
  afterAll(async () => server?.close());

  it('bug: a NUL character in a path parameter or a body answered 500', async () => {
    await expectProblem(await send('GET', '/api/v1/app/%00'), 400, 'invalid_characters');
    await expectProblem(
      await send('GET', `/api/v1/app/a%00b/endpoint/x/transformation`),
      400,
      'invalid_characters',
    );
    await expectProblem(await send('GET', `/api/v1/app/${appId}/msg/%00`), 400, 'invalid_characters');
    await expectProblem(await send('POST', '/api/v1/app', { name: 'a\u0000b' }), 400, 'invalid_characters');
    expect((await send('GET', '/api/v1/health')).status).toBe(204);
  });

  it('keeps a NUL character escaped inside a payload, which is valid JSON, as it was sent', async () => {
    const created = await send('POST', `/api/v1/app/${appId}/msg`, {
      eventType: 'payment.succeeded',
      payload: { note: 'a\u0000b' },
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const found = (await (await send('GET', `/api/v1/app/${appId}/msg/${id}`)).json()) as {
      payload: unknown;
    };
    expect(found.payload).toEqual({ note: 'a\u0000b' });
  });

  it('bug: a time in year 0 answered 500', async () => {
    const year0 = encodeURIComponent('0000-01-01T00:00:00Z');
    for (const path of [
      `/api/v1/app/${appId}/activity?until=${year0}`,
      `/api/v1/app/${appId}/attempt/endpoint/${endpointId}?before=${year0}`,
      `/api/v1/app/${appId}/msg?after=${year0}`,
      `/api/v1/app/${appId}/endpoint/${endpointId}/stats?since=${year0}`,
    ]) {
      await expectProblem(await send('GET', path), 422, 'validation');
    }
    await expectProblem(
      await send('POST', `/api/v1/app/${appId}/endpoint/${endpointId}/recover`, {
        since: '0000-01-01T00:00:00Z',
      }),
      422,
      'validation',
    );
    const ok = await send(
      'GET',
      `/api/v1/app/${appId}/activity?until=${encodeURIComponent('1970-01-02T00:00:00Z')}`,
    );
    expect(ok.status).toBe(200);
  });
});
