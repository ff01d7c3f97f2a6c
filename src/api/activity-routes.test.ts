import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../catalog/index.ts';
import { startTestReceiver, type TestReceiver } from '../delivery/test-receiver.ts';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';

interface ActivityOut {
  bucket: string;
  since: string;
  until: string;
  data: { start: string; success: number; fail: number }[];
  endpoints: { endpointId: string; success: number; fail: number }[];
}

describe.each(testServerDrivers())('activity API on %s', (driver) => {
  let server: TestServer;
  let receiver: TestReceiver;
  let appId: string;
  let okId: string;
  let failingId: string;
  const call = (path: string, token = server.operatorTokenValue, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
  const post = (path: string, body: unknown) =>
    call(path, undefined, { method: 'POST', body: JSON.stringify(body) });

  beforeAll(async () => {
    receiver = await startTestReceiver();
    receiver.respondWith((request, response) =>
      response.writeHead(request.path === '/fail' ? 500 : 200).end(),
    );
    server = await startTestServer(driver, {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1',
    });
    appId = (await server.store.apps.create({ name: 'Activity' })).id;
    const endpoint = async (path: string) =>
      (
        (await (await post(`/api/v1/app/${appId}/endpoint`, { url: `${receiver.url}${path}` })).json()) as {
          id: string;
        }
      ).id;
    okId = await endpoint('/ok');
    failingId = await endpoint('/fail');
    const payload = findEventType('payment.succeeded')!.example;
    for (let i = 0; i < 3; i++)
      await post(`/api/v1/app/${appId}/msg`, { eventType: 'payment.succeeded', payload });
    // 3 successes, and 3 messages × 2 attempts that fail.
    await receiver.waitFor(9, 20_000);
    const deadline = Date.now() + 20_000;
    while ((await server.store.deliveries.endpointStats(failingId)).fail < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it('counts attempts per bucket, every bucket of the window present, and totals per endpoint', async () => {
    const res = await call(`/api/v1/app/${appId}/activity?bucket=5m`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as ActivityOut;
    expect(body.bucket).toBe('5m');
    expect(body.data.length).toBeGreaterThanOrEqual(288);
    expect(body.data.length).toBeLessThanOrEqual(289);
    const starts = body.data.map((b) => Date.parse(b.start));
    expect(starts.every((s, i) => i === 0 || s - starts[i - 1]! === 300_000)).toBe(true);
    expect(body.data.reduce((n, b) => n + b.success, 0)).toBe(3);
    expect(body.data.reduce((n, b) => n + b.fail, 0)).toBe(6);
    expect(body.endpoints).toEqual(
      expect.arrayContaining([
        { endpointId: okId, success: 3, fail: 0 },
        { endpointId: failingId, success: 0, fail: 6 },
      ]),
    );
  });

  it('narrows to one endpoint, and takes daily buckets over a month', async () => {
    const one = (await (
      await call(`/api/v1/app/${appId}/activity?endpoint_id=${failingId}`)
    ).json()) as ActivityOut;
    expect(one.endpoints).toEqual([{ endpointId: failingId, success: 0, fail: 6 }]);
    const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const month = (await (
      await call(`/api/v1/app/${appId}/activity?bucket=1d&since=${since}`)
    ).json()) as ActivityOut;
    expect(month.data.length).toBeGreaterThanOrEqual(30);
    expect(month.data.reduce((n, b) => n + b.success + b.fail, 0)).toBe(9);
  });

  it('refuses windows that make too many buckets or run backwards, and hides other apps', async () => {
    const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const tooMany = await call(`/api/v1/app/${appId}/activity?bucket=5m&since=${since}`);
    expect(tooMany.status).toBe(422);
    expect(JSON.stringify(await tooMany.json())).toContain('take a larger bucket');
    const backwards = await call(
      `/api/v1/app/${appId}/activity?since=${new Date(Date.now() + 60_000).toISOString()}`,
    );
    expect(backwards.status).toBe(422);
    expect((await call(`/api/v1/app/${appId}/activity?endpoint_id=ep_missing`)).status).toBe(404);
    const { token } = await server.createAppWithToken('Someone else');
    expect((await call(`/api/v1/app/${appId}/activity`, token)).status).toBe(404);
  });
});
