import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../cli/logger.ts';
import { startTestReceiver, type TestReceiver } from '../delivery/test-receiver.ts';
import { startTestServer, type TestServer, testServerDrivers } from './testing.ts';

/**
 * The logs follow one API request to each of its deliveries, and never show a secret: every token and
 * credential this test hands Switchyard is searched for in everything it logged, at the most verbose level.
 */
describe.each(testServerDrivers())('logs on %s', (driver) => {
  const lines: string[] = [];
  let server: TestServer;
  let good: TestReceiver;
  let bad: TestReceiver;
  const secrets: string[] = [];
  const REQUEST_ID = `trace-${driver}-0001`;
  const BEARER = 'custom-api-bearer-token-4f9a1c7e2b';

  const logs = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    good = await startTestReceiver();
    bad = await startTestReceiver();
    bad.respondWith((_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('down');
    });
    const logger = createLogger('trace', { write: (line: string) => lines.push(line) });
    server = await startTestServer(
      driver,
      {
        SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
        SWITCHYARD_RETRY_SCHEDULE: '60',
        LOG_LEVEL: 'trace',
      },
      logger,
    );
    secrets.push(server.operatorTokenValue, BEARER);
  });
  afterAll(async () => {
    await server.close();
    await good.close();
    await bad.close();
  });

  it('carries the request id from the API call to every delivery attempt, and logs no secret', async () => {
    const { appId, token } = await server.createAppWithToken('Logs');
    secrets.push(token);
    const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      expect(response.status, await response.clone().text()).toBeLessThan(300);
      return (await response.json()) as Record<string, unknown>;
    };
    const plain = await call(`/api/v1/app/${appId}/endpoint`, { url: `${good.url}/hooks` });
    const secret = await (
      await fetch(`${server.url}/api/v1/app/${appId}/endpoint/${plain.id}/secret`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json();
    secrets.push((secret as { key: string }).key);
    await call(`/api/v1/app/${appId}/endpoint`, {
      url: `${bad.url}/api`,
      connector: { id: 'custom', template: 'pass-through', credentials: { scheme: 'bearer', token: BEARER } },
    });

    await call(
      `/api/v1/app/${appId}/msg`,
      { eventType: 'payment.succeeded', payload: { type: 'payment.succeeded', data: { amount: 1 } } },
      { 'x-request-id': REQUEST_ID },
    );
    await good.waitFor(1);
    const sent = await bad.waitFor(1);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${BEARER}`);

    const traced = async () => {
      for (let i = 0; i < 100; i++) {
        const mine = logs().filter((line) => line.requestId === REQUEST_ID);
        if (
          mine.some((l) => l.msg === 'delivery attempt') &&
          mine.some((l) => l.msg === 'delivery attempt failed')
        )
          return mine;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('the delivery logs never carried the request id');
    };
    const mine = await traced();
    expect(mine.find((l) => l.msg === 'api request')).toMatchObject({
      method: 'POST',
      path: `/api/v1/app/${appId}/msg`,
      status: 202,
    });
    expect(mine.find((l) => l.msg === 'delivery attempt')).toMatchObject({
      appId,
      outcome: 'succeeded',
      statusCode: 200,
      level: 20,
    });
    expect(mine.find((l) => l.msg === 'delivery attempt failed')).toMatchObject({
      appId,
      outcome: 'retry_scheduled',
      statusCode: 500,
      level: 40,
    });

    const everything = lines.join('\n');
    expect(everything.length).toBeGreaterThan(1_000);
    for (const value of secrets) {
      expect(value.length).toBeGreaterThan(10);
      expect(everything).not.toContain(value);
    }
  });
});
