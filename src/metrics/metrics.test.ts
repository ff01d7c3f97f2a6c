import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../delivery/test-receiver.ts';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';

const SCRAPE_TOKEN = 'scrape-only-token-0123456789abcdef';

/** The value of one series in a Prometheus text exposition, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe.each(testServerDrivers())('metrics on %s', (driver) => {
  let server: TestServer;
  let receiver: TestReceiver;
  let appId: string;

  const api = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.operatorTokenValue}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return (await response.json()) as { id: string };
  };
  const scrape = async () => {
    const response = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${SCRAPE_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return response.text();
  };

  beforeAll(async () => {
    receiver = await startTestReceiver();
    // Loopback is allowed for the receiver; 10.0.0.0/8 stays private, so an endpoint there is blocked.
    server = await startTestServer(driver, {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_METRICS_TOKEN: SCRAPE_TOKEN,
      SWITCHYARD_RETRY_SCHEDULE: '3600',
    });
    appId = (await api('/api/v1/app', { name: 'Metrics' })).id;
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it('counts ingest, outcomes by endpoint class, latency, throttling, blocked attempts and sandbox calls', async () => {
    await api(`/api/v1/app/${appId}/endpoint`, { url: `${receiver.url}/plain` });
    await api(`/api/v1/app/${appId}/endpoint`, { url: `${receiver.url}/slow`, throttleRate: 1 });
    await api(`/api/v1/app/${appId}/endpoint`, { url: 'http://10.0.0.1/private' });
    const transformed = await api(`/api/v1/app/${appId}/endpoint`, { url: `${receiver.url}/transformed` });
    const code =
      'function handler(webhook) { if (webhook.payload.data.n === 2) throw new Error("no"); return webhook; }';
    const patched = await fetch(
      `${server.url}/api/v1/app/${appId}/endpoint/${transformed.id}/transformation`,
      {
        method: 'PATCH',
        headers: { authorization: `Bearer ${server.operatorTokenValue}`, 'content-type': 'application/json' },
        body: JSON.stringify({ code, enabled: true }),
      },
    );
    expect(patched.status).toBe(204);

    for (const n of [1, 2, 3]) {
      await api(`/api/v1/app/${appId}/msg`, { eventType: 'payment.succeeded', payload: { data: { n } } });
    }
    // plain 3 + transformed 2 (one throws) + throttled 1 in the first second.
    await receiver.waitFor(6, 15_000);

    // Outcomes reach the metrics as they are settled; wait until the last of them has.
    let text = '';
    const settled = () =>
      sample(text, 'switchyard_attempts_total', {
        outcome: 'succeeded',
        endpoint_class: 'webhook',
        error_class: 'none',
      })! >= 6 &&
      sample(text, 'switchyard_blocked_attempts_total') === 3 &&
      sample(text, 'switchyard_sandbox_failures_total', { error: 'TransformationError' }) === 1;
    for (let i = 0; i < 150 && !settled(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = await scrape();
    }
    expect(sample(text, 'switchyard_messages_ingested_total')).toBe(3);
    expect(sample(text, 'switchyard_deliveries_created_total')).toBe(12);
    expect(
      sample(text, 'switchyard_attempts_total', {
        outcome: 'succeeded',
        endpoint_class: 'webhook',
        error_class: 'none',
      }),
    ).toBeGreaterThanOrEqual(6);
    expect(
      sample(text, 'switchyard_attempts_total', {
        outcome: 'failed',
        endpoint_class: 'webhook',
        error_class: 'blocked',
      }),
    ).toBe(3);
    expect(
      sample(text, 'switchyard_attempts_total', {
        outcome: 'failed',
        endpoint_class: 'webhook',
        error_class: 'transformation',
      }),
    ).toBe(1);
    expect(sample(text, 'switchyard_blocked_attempts_total')).toBe(3);
    expect(
      sample(text, 'switchyard_deliveries_total', { outcome: 'failed', endpoint_class: 'webhook' }),
    ).toBe(4);
    expect(sample(text, 'switchyard_throttled_deliveries_total')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'switchyard_sandbox_call_duration_seconds_count')).toBe(3);
    expect(sample(text, 'switchyard_sandbox_failures_total', { error: 'TransformationError' })).toBe(1);
    expect(
      sample(text, 'switchyard_delivery_latency_seconds_count', { endpoint_class: 'webhook' }),
    ).toBeGreaterThanOrEqual(6);
    expect(
      sample(text, 'switchyard_delivery_latency_seconds_bucket', { endpoint_class: 'webhook', le: '+Inf' }),
    ).toBeGreaterThanOrEqual(6);
    expect(
      sample(text, 'switchyard_attempt_duration_seconds_count', { endpoint_class: 'webhook' }),
    ).toBeGreaterThanOrEqual(10);
    // The throttled endpoint still has messages waiting for their second.
    expect(sample(text, 'switchyard_queue_deliveries')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'switchyard_queue_oldest_due_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'switchyard_db_pool_connections', { state: 'open' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'switchyard_db_statements_total')).toBeGreaterThan(10);
  });

  it('shows a queue that workers do not keep up with', async () => {
    const stuck = await api(`/api/v1/app/${appId}/endpoint`, {
      url: `${receiver.url}/stuck`,
      throttleRate: 1,
    });
    for (let n = 0; n < 5; n++) {
      await api(`/api/v1/app/${appId}/msg`, {
        eventType: 'refund.succeeded',
        payload: { data: { n } },
        channels: undefined,
      });
    }
    expect(stuck.id).toBeTruthy();
    const text = await scrape();
    expect(sample(text, 'switchyard_queue_deliveries')).toBeGreaterThanOrEqual(3);
  });

  it('answers the scrape token and the operator, and nobody else; the scrape token opens nothing else', async () => {
    const { token } = await server.createAppWithToken('Other');
    const as = (value?: string) =>
      fetch(`${server.url}/metrics`, value ? { headers: { authorization: `Bearer ${value}` } } : {});
    expect((await as()).status).toBe(401);
    expect((await as('scrape-only-token-0123456789abcdeX')).status).toBe(401);
    expect((await as(token)).status).toBe(403);
    expect((await as(server.operatorTokenValue)).status).toBe(200);
    expect((await as(SCRAPE_TOKEN)).status).toBe(200);
    const apps = await fetch(`${server.url}/api/v1/app`, {
      headers: { authorization: `Bearer ${SCRAPE_TOKEN}` },
    });
    expect(apps.status).toBe(401);
  });
});
