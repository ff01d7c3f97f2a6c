import { setTimeout as sleep } from 'node:timers/promises';
import { Svix } from 'svix';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OPERATIONAL_APP_UID } from '../server/index.ts';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';
import { startTestReceiver, type TestReceiver } from './test-receiver.ts';

const envelope = (n: number) => ({
  business_id: 'bus_1',
  type: 'payment.succeeded',
  timestamp: '2026-11-23T10:00:00Z',
  data: { payload_type: 'Payment', payment_id: `pay_${n}` },
});

describe.each(testServerDrivers())('delivery control on %s', (driver) => {
  let server: TestServer;
  let receiver: TestReceiver;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  const newEndpoint = async (name: string, extra: Record<string, unknown> = {}) => {
    const app = await svix.application.create({ name });
    const endpoint = await svix.endpoint.create(app.id, { url: receiver.url, ...extra });
    return { appId: app.id, endpointId: endpoint.id };
  };
  const send = (appId: string, n: number) =>
    svix.message.create(appId, { eventType: 'payment.succeeded', payload: envelope(n) });
  const status = async (appId: string, messageId: string) =>
    (await svix.messageAttempt.listAttemptedDestinations(appId, messageId)).data[0]?.status;

  beforeAll(async () => {
    server = await startTestServer(driver, {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    receiver = await startTestReceiver();
    return () => receiver.close();
  });

  it('fails after the last attempt and sends message.attempt.exhausted to the operator, signed', async () => {
    const operatorInbox = await startTestReceiver();
    try {
      await svix.endpoint.create(OPERATIONAL_APP_UID, {
        url: operatorInbox.url,
        eventTypes: ['message.attempt.exhausted'],
      });
      receiver.respondWith((_req, res) => res.writeHead(500).end('down'));
      const { appId, endpointId } = await newEndpoint('Exhaust');
      const message = await send(appId, 1);
      await receiver.waitFor(3, 15_000);
      const [event] = await operatorInbox.waitFor(1, 15_000);
      expect(JSON.parse(event!.body)).toMatchObject({
        type: 'message.attempt.exhausted',
        data: { appId, endpointId, msgId: message.id, lastAttempt: { responseStatusCode: 500 } },
      });
      expect(event!.headers['webhook-signature']).toMatch(/^v1,/);
      await expect.poll(() => status(appId, message.id), { timeout: 5000 }).toBe(2);
      await sleep(1500);
      expect(receiver.received).toHaveLength(3);
    } finally {
      await operatorInbox.close();
    }
  });

  it('stops retrying a message when the receiver answers webhook-delivery: abort-message', async () => {
    receiver.respondWith((_req, res) => res.writeHead(500, { 'webhook-delivery': 'abort-message' }).end());
    const { appId } = await newEndpoint('Abort');
    const message = await send(appId, 2);
    await receiver.waitFor(1);
    await expect.poll(() => status(appId, message.id), { timeout: 5000 }).toBe(2);
    await sleep(1500);
    expect(receiver.received).toHaveLength(1);
  });

  it('disables the endpoint when the receiver answers webhook-delivery: disable', async () => {
    receiver.respondWith((_req, res) => res.writeHead(410, { 'webhook-delivery': 'disable' }).end());
    const { appId, endpointId } = await newEndpoint('Disable');
    await send(appId, 3);
    await receiver.waitFor(1);
    await expect
      .poll(async () => (await svix.endpoint.get(appId, endpointId)).disabled, { timeout: 5000 })
      .toBe(true);
  });

  it('stops pending deliveries at once when the endpoint is disabled', async () => {
    const slow = await startTestServer(driver, {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '3600',
    });
    try {
      const client = new Svix(slow.operatorTokenValue, { serverUrl: slow.url });
      receiver.respondWith((_req, res) => res.writeHead(503).end());
      const app = await client.application.create({ name: 'Stop' });
      const endpoint = await client.endpoint.create(app.id, { url: receiver.url });
      const message = await client.message.create(app.id, {
        eventType: 'payment.succeeded',
        payload: envelope(4),
      });
      await receiver.waitFor(1);
      const destination = async () =>
        (await client.messageAttempt.listAttemptedDestinations(app.id, message.id)).data[0];
      await expect.poll(async () => (await destination())?.nextAttempt).toBeTruthy();
      await client.endpoint.patch(app.id, endpoint.id, { disabled: true });
      expect((await destination())?.status).toBe(2);
      expect((await destination())?.nextAttempt).toBeNull();
    } finally {
      await slow.close();
    }
  });

  it('refuses private addresses by default, stores why, and does not retry', async () => {
    const guarded = await startTestServer(driver, { SWITCHYARD_RETRY_SCHEDULE: '1,1' });
    try {
      const client = new Svix(guarded.operatorTokenValue, { serverUrl: guarded.url });
      const app = await client.application.create({ name: 'SSRF' });
      await client.endpoint.create(app.id, { url: `http://localhost:${receiver.port}/` });
      const message = await client.message.create(app.id, {
        eventType: 'payment.succeeded',
        payload: envelope(5),
      });
      const attempts = async () =>
        (await client.messageAttempt.listByMsg(app.id, message.id, { withContent: true })).data;
      await expect.poll(async () => (await attempts()).length, { timeout: 5000 }).toBe(1);
      const [attempt] = await attempts();
      expect(attempt).toMatchObject({ responseStatusCode: 0, status: 2 });
      const raw = await fetch(`${guarded.url}/api/v1/app/${app.id}/attempt/msg/${message.id}`, {
        headers: { authorization: `Bearer ${guarded.operatorTokenValue}` },
      });
      expect(((await raw.json()) as { data: { errorClass: string }[] }).data[0]!.errorClass).toBe('blocked');
      expect(attempt!.response).toMatch(/loopback.*blocked/);
      await sleep(1500);
      expect(await attempts()).toHaveLength(1);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await guarded.close();
    }
  });

  it('resends one message on request, as a manual attempt', async () => {
    const { appId, endpointId } = await newEndpoint('Resend');
    const message = await send(appId, 6);
    await receiver.waitFor(1);
    await expect.poll(() => status(appId, message.id)).toBe(0);
    await svix.messageAttempt.resend(appId, message.id, endpointId);
    await receiver.waitFor(2);
    const attempts = async () => (await svix.messageAttempt.listByMsg(appId, message.id)).data;
    await expect.poll(async () => (await attempts()).length).toBe(2);
    expect((await attempts()).map((a) => a.triggerType).sort()).toEqual([0, 1]);
  });

  it('recovers failed messages, replays missing ones, and bulk-replays a window, each once', async () => {
    receiver.respondWith((_req, res) => res.writeHead(500).end());
    const { appId, endpointId } = await newEndpoint('Recover', { eventTypes: ['payment.succeeded'] });
    const since = new Date(Date.now() - 1000);
    const failed = await send(appId, 7);
    await expect.poll(() => status(appId, failed.id), { timeout: 10_000 }).toBe(2);
    const filteredOut = await svix.message.create(appId, {
      eventType: 'refund.succeeded',
      payload: envelope(8),
    });
    await svix.endpoint.patch(appId, endpointId, { eventTypes: ['payment.succeeded', 'refund.succeeded'] });

    receiver.respondWith((_req, res) => res.writeHead(200).end());
    receiver.received.length = 0;
    const waitTask = async (id: string) => {
      await expect
        .poll(async () => {
          const res = await fetch(`${server.url}/api/v1/background-task/${id}`, { headers: auth() });
          return ((await res.json()) as { status: string }).status;
        })
        .toBe('finished');
    };

    const recovered = await svix.endpoint.recover(appId, endpointId, { since });
    await waitTask(recovered.id);
    await receiver.waitFor(1);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([failed.id]);

    const replay = await svix.endpoint.replayMissing(appId, endpointId, { since });
    await waitTask(replay.id);
    await receiver.waitFor(2);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([failed.id, filteredOut.id]);
    const again = await svix.endpoint.replayMissing(appId, endpointId, { since });
    await waitTask(again.id);

    const bulk = await fetch(`${server.url}/api/v1/app/${appId}/endpoint/${endpointId}/bulk-replay`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ since: since.toISOString() }),
    });
    expect(bulk.status).toBe(202);
    await waitTask(((await bulk.json()) as { id: string }).id);
    await receiver.waitFor(4);
    await sleep(500);
    expect(receiver.received.map((r) => r.headers['webhook-id']).sort()).toEqual(
      [failed.id, filteredOut.id, failed.id, filteredOut.id].sort(),
    );
  });

  it('sends an example of an event type to one endpoint, once', async () => {
    const { appId, endpointId } = await newEndpoint('Example');
    await svix.endpoint.create(appId, { url: `${receiver.url}/other` });
    receiver.respondWith((_req, res) => res.writeHead(500).end());
    const message = await svix.endpoint.sendExample(appId, endpointId, { eventType: 'subscription.active' });
    const [request] = await receiver.waitFor(1);
    expect(JSON.parse(request!.body)).toMatchObject({
      type: 'subscription.active',
      data: { payload_type: 'Subscription' },
    });
    expect(message.eventType).toBe('subscription.active');
    await sleep(1500);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received.some((r) => r.path === '/other')).toBe(false);
  });

  it('spends at most 3 SQL statements per delivery, ingest included', async () => {
    const app = await svix.application.create({ name: 'Statements' });
    for (let i = 0; i < 5; i++) await svix.endpoint.create(app.id, { url: `${receiver.url}/${i}` });
    const messages = 60;
    const before = server.database.statements.count;
    await Promise.all(Array.from({ length: messages }, (_, n) => send(app.id, 100 + n)));
    await receiver.waitFor(messages * 5, 20_000);
    await expect
      .poll(
        async () =>
          (await svix.endpoint.getStats(app.id, (await svix.endpoint.list(app.id)).data[0]!.id)).success,
      )
      .toBe(messages);
    const perDelivery = (server.database.statements.count - before) / (messages * 5);
    expect(perDelivery).toBeLessThanOrEqual(3);
  });
});
