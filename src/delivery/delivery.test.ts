import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Svix, Webhook as SvixWebhook } from 'svix';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';
import { startTestReceiver, type TestReceiver } from './test-receiver.ts';

const payload = (n: number) => ({
  business_id: 'bus_1',
  type: 'payment.succeeded',
  timestamp: '2026-11-23T10:00:00.000000Z',
  data: { payload_type: 'Payment', payment_id: `pay_${n}`, total_amount: 2999 },
});

describe.each(testServerDrivers())('delivery on %s', (driver) => {
  let server: TestServer;
  let receiver: TestReceiver;
  let svix: Svix;

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

  it('delivers a signed POST that the official standardwebhooks and svix libraries verify', async () => {
    const app = await svix.application.create({ name: 'Shop' });
    const endpoint = await svix.endpoint.create(app.id, {
      url: `${receiver.url}/hooks?x=1`,
      eventTypes: ['payment.succeeded'],
      headers: { 'x-merchant': 'm-1' },
    });
    const { key } = await svix.endpoint.getSecret(app.id, endpoint.id);
    const message = await svix.message.create(app.id, {
      eventType: 'payment.succeeded',
      payload: payload(1),
    });

    const [request] = await receiver.waitFor(1);
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/hooks?x=1');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toMatch(/^Switchyard\//);
    expect(request!.headers['x-merchant']).toBe('m-1');
    expect(request!.headers['webhook-id']).toBe(message.id);
    expect(JSON.parse(request!.body)).toEqual(payload(1));
    const headers = {
      'webhook-id': String(request!.headers['webhook-id']),
      'webhook-timestamp': String(request!.headers['webhook-timestamp']),
      'webhook-signature': String(request!.headers['webhook-signature']),
    };
    expect(new StandardWebhook(key.slice('whsec_'.length)).verify(request!.body, headers)).toEqual(
      payload(1),
    );
    expect(() => new SvixWebhook(key).verify(request!.body, headers)).not.toThrow();
    expect(() => new SvixWebhook(key).verify(`${request!.body} `, headers)).toThrow();
  });

  it('records the attempt, retries a failure on the schedule, and succeeds', async () => {
    let calls = 0;
    receiver.respondWith((_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(500).end('try later');
      else res.writeHead(204).end();
    });
    const app = await svix.application.create({ name: 'Retry' });
    const endpoint = await svix.endpoint.create(app.id, { url: receiver.url });
    const message = await svix.message.create(app.id, { eventType: 'refund.succeeded', payload: payload(2) });
    await receiver.waitFor(2, 10_000);
    const listAttempts = async () =>
      (await svix.messageAttempt.listByMsg(app.id, message.id, { withContent: true })).data;
    await expect.poll(async () => (await listAttempts()).length).toBe(2);
    const attempts = await listAttempts();
    expect(attempts.map((a) => a.responseStatusCode).sort()).toEqual([204, 500]);
    expect(attempts.find((a) => a.responseStatusCode === 500)?.response).toBe('try later');
    const destinations = await svix.messageAttempt.listAttemptedDestinations(app.id, message.id);
    expect(destinations.data[0]).toMatchObject({ id: endpoint.id, status: 0 });
    expect(receiver.received[0]!.headers['webhook-id']).toBe(receiver.received[1]!.headers['webhook-id']);
  });

  it('signs with the old and the new key during a rotation grace period', async () => {
    const app = await svix.application.create({ name: 'Rotate' });
    const endpoint = await svix.endpoint.create(app.id, { url: receiver.url });
    const { key: oldKey } = await svix.endpoint.getSecret(app.id, endpoint.id);
    await svix.endpoint.rotateSecret(app.id, endpoint.id, {});
    const { key: newKey } = await svix.endpoint.getSecret(app.id, endpoint.id);
    await svix.message.create(app.id, { eventType: 'payment.succeeded', payload: payload(3) });
    const [request] = await receiver.waitFor(1);
    const signatures = String(request!.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    const headers = {
      'webhook-id': String(request!.headers['webhook-id']),
      'webhook-timestamp': String(request!.headers['webhook-timestamp']),
      'webhook-signature': String(request!.headers['webhook-signature']),
    };
    expect(new StandardWebhook(oldKey.slice(6)).verify(request!.body, headers)).toEqual(payload(3));
    expect(new StandardWebhook(newKey.slice(6)).verify(request!.body, headers)).toEqual(payload(3));
  });
});
