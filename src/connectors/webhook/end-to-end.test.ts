import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { startWebhookReceiverFake, type WebhookReceiverFake } from './index.ts';
import { webhookManifest } from './manifest.ts';

const HOST = 'hooks.merchant.example';
const SECRET = `whsec_${Buffer.alloc(32, 42).toString('base64')}`;

/** The reference: the template run as plain JavaScript. */
const runPlainJs = (code: string, eventType: string, example: unknown, url: string) =>
  new Function(`${code}\nreturn handler;`)()({
    eventType,
    payload: structuredClone(example),
    url,
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  });

describe('Webhook end to end: card → API → delivery → a Standard Webhooks receiver (fake)', () => {
  let fake: WebhookReceiverFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startWebhookReceiverFake({ secrets: [SECRET] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `${HOST}=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(path: string) {
    const app = await svix.application.create({ name: `Webhook ${path}` });
    const url = `https://${HOST}${path}`;
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({
        url,
        secret: SECRET,
        connector: { id: 'webhook', template: 'pass-through', credentials: {} },
      }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, url, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it('delivers the events unchanged, signed so that the official standardwebhooks library verifies them', async () => {
    const template = webhookManifest.templates[0]!;
    const { appId, url, endpoint } = await createCardEndpoint('/dodo/hooks?shop=1');
    expect(endpoint.eventTypes).toEqual(webhookManifest.defaultEventTypes);
    expect(endpoint.connector).toMatchObject({ id: 'webhook', template: 'pass-through', region: 'default' });
    const { key } = await svix.endpoint.getSecret(appId, endpoint.id);
    expect(key).toBe(SECRET);
    const verifier = new StandardWebhook(key.slice('whsec_'.length));
    for (const eventType of ['payment.succeeded', 'subscription.active', 'subscription.cancelled']) {
      const example = findEventType(eventType)!.example;
      const before = fake.received.length;
      const message = await svix.message.create(appId, { eventType, payload: example });
      await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
      const call = fake.received.at(-1)!;
      const expected = runPlainJs(template.code, eventType, example, url);
      expect(call.path).toBe('/dodo/hooks?shop=1');
      expect(call.payload).toEqual(expected.payload);
      expect(call.id).toBe(message.id);
      expect(call.headers.authorization).toBeUndefined();
      const headers = {
        'webhook-id': call.headers['webhook-id']!,
        'webhook-timestamp': call.headers['webhook-timestamp']!,
        'webhook-signature': call.headers['webhook-signature']!,
      };
      expect(verifier.verify(call.body, headers)).toEqual(expected.payload);
      expect(() => verifier.verify(`${call.body} `, headers)).toThrow();
      await expect
        .poll(
          async () =>
            (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
        )
        .toBe(0);
    }
  });

  it('a receiver error is recorded on the attempt and retried on the schedule', async () => {
    const { appId } = await createCardEndpoint('/flaky');
    fake.respondWith({ statusCode: 500, body: '{"error":"database is down"}' });
    const before = fake.received.length;
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
    const all = await attempts();
    expect(all.map((a) => a.responseStatusCode).sort()).toEqual([200, 500]);
    expect(all.find((a) => a.responseStatusCode === 500)!.response).toContain('database is down');
    await expect
      .poll(
        async () => (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
      )
      .toBe(0);
  });

  it('410 Gone disables the endpoint', async () => {
    const { appId, endpoint } = await createCardEndpoint('/gone');
    fake.respondWith({ statusCode: 410, body: 'gone' });
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(410);
    await expect.poll(async () => (await svix.endpoint.get(appId, endpoint.id)).disabled).toBe(true);
  });
});
