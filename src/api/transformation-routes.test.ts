import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../catalog/index.ts';
import { startTestReceiver, type TestReceiver } from '../delivery/test-receiver.ts';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';

const segmentTrack = readFileSync(
  new URL('../../../shared/seeds/transformations/segment-track-payment.js', import.meta.url),
  'utf8',
);

interface RunOut {
  cancelled: boolean;
  request: { method: string; url: string; headers: Record<string, string>; payload: unknown } | null;
  console: { level: string; message: string }[];
  durationMs: number;
  error: { name: string; message: string; line: number | null; column: number | null } | null;
}

describe.each(testServerDrivers())('transformation test runner and backtest on %s', (driver) => {
  let server: TestServer;
  let receiver: TestReceiver;
  let svix: Svix;

  const post = async (path: string, body: unknown, token = server.operatorTokenValue) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    receiver = await startTestReceiver();
    server = await startTestServer(driver, { SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8' });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it('runs a seed on the catalog example when no payload is given', async () => {
    const res = await post('/api/v1/transformations/run', {
      code: segmentTrack,
      eventType: 'payment.succeeded',
    });
    expect(res.status).toBe(200);
    const run = (await res.json()) as RunOut;
    const example = findEventType('payment.succeeded')!.example as unknown as {
      data: { payment_id: string };
    };
    expect(run).toMatchObject({ cancelled: false, error: null, console: [] });
    expect(run.request).toMatchObject({
      method: 'POST',
      url: 'https://api.segment.io/v1/track',
      headers: {},
      payload: { event: 'Payment Completed', properties: { payment_id: example.data.payment_id } },
    });
    expect(run.durationMs).toBeGreaterThan(0);
  });

  it('reports a thrown error with its line and column, and the console', async () => {
    const code =
      'function handler(webhook) {\n  console.warn("env", webhook.env.region);\n  webhook.payload.data.missing.field = 1;\n}';
    const res = await post('/api/v1/transformations/run', {
      code,
      eventType: 'refund.succeeded',
      payload: { data: {} },
      env: { region: 'eu' },
    });
    const run = (await res.json()) as RunOut;
    expect(run.request).toBeNull();
    // V8 places a failed property write at its `=`.
    expect(run.error).toMatchObject({ name: 'TransformationError', line: 3, column: 38 });
    expect(run.error!.message).toMatch(/TypeError/);
    expect(run.console).toEqual([{ level: 'warn', message: 'env eu' }]);
  });

  it('shows a cancellation, and takes a custom URL', async () => {
    const cancelled = (await (
      await post('/api/v1/transformations/run', {
        code: 'function handler(w) { w.cancel = true; return w; }',
        eventType: 'payment.failed',
      })
    ).json()) as RunOut;
    expect(cancelled).toMatchObject({ cancelled: true, request: null, error: null });
    const passthrough = (await (
      await post('/api/v1/transformations/run', {
        code: 'function handler(w) { return w; }',
        eventType: 'payment.failed',
        url: 'https://merchant.example/in',
      })
    ).json()) as RunOut;
    expect(passthrough.request?.url).toBe('https://merchant.example/in');
  });

  it('is open to an app-portal token, and checks its input', async () => {
    const { token } = await server.createAppWithToken('Portal user');
    const res = await post(
      '/api/v1/transformations/run',
      { code: segmentTrack, eventType: 'payment.succeeded' },
      token,
    );
    expect(res.status).toBe(200);
    const bad = await post('/api/v1/transformations/run', { code: segmentTrack, eventType: 'no such type' });
    expect(bad.status).toBe(422);
    const noExample = await post('/api/v1/transformations/run', {
      code: segmentTrack,
      eventType: 'custom.unknown',
    });
    expect(noExample.status).toBe(422);
    expect(((await noExample.json()) as { detail: { loc: string[] }[] }).detail[0]!.loc).toEqual([
      'body',
      'payload',
    ]);
  });

  it('backtests draft code on the endpoint’s latest messages beside the current result, sending nothing', async () => {
    const app = await svix.application.create({ name: 'Backtest' });
    const endpoint = await svix.endpoint.create(app.id, { url: receiver.url });
    const example = findEventType('payment.succeeded')!.example;
    await svix.message.create(app.id, { eventType: 'payment.succeeded', payload: example });
    await svix.message.create(app.id, {
      eventType: 'refund.succeeded',
      payload: { type: 'refund.succeeded' },
    });
    await expect.poll(async () => (await svix.endpoint.getStats(app.id, endpoint.id)).success).toBe(2);
    const delivered = receiver.received.length;

    const res = await post(`/api/v1/app/${app.id}/endpoint/${endpoint.id}/transformation/backtest`, {
      code: segmentTrack,
      limit: 10,
    });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as {
      data: { eventType: string; changed: boolean; current: RunOut; draft: RunOut }[];
    };
    expect(data.map((d) => d.eventType)).toEqual(['refund.succeeded', 'payment.succeeded']);
    const payment = data.find((d) => d.eventType === 'payment.succeeded')!;
    expect(payment.changed).toBe(true);
    expect(payment.current.request?.url).toBe(receiver.url);
    expect(payment.draft.request?.url).toBe('https://api.segment.io/v1/track');
    expect(data.find((d) => d.eventType === 'refund.succeeded')!.changed).toBe(false);
    await sleep(300);
    expect(receiver.received.length).toBe(delivered);

    const tooMany = await post(`/api/v1/app/${app.id}/endpoint/${endpoint.id}/transformation/backtest`, {
      code: segmentTrack,
      limit: 101,
    });
    expect(tooMany.status).toBe(422);
  });
});
