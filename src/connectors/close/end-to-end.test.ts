import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { type CloseFake, startCloseFake } from './index.ts';
import { closeManifest } from './manifest.ts';

const API_KEY = 'api_e2eKeyAbcdefghij.klmnopqrstuvwxyz';
/** The reference: the template run as plain JavaScript. */
const runPlainJs = (code: string, eventType: string, example: unknown) =>
  new Function(`${code}\nreturn handler;`)()({
    eventType,
    payload: structuredClone(example),
    url: 'https://api.close.com/',
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  });

describe('Close end to end: card → API → delivery → Close (fake)', () => {
  let fake: CloseFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });
  const paymentExample = () => findEventType('payment.succeeded')!.example;

  beforeAll(async () => {
    fake = await startCloseFake({ apiKeys: [API_KEY] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `api.close.com=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(template: string, apiKey = API_KEY) {
    const app = await svix.application.create({ name: `Close ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ connector: { id: 'close', template, credentials: { apiKey } } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(closeManifest.templates.map((t) => [t.id, t] as const))(
    'template %s: the fake receives exactly what the template builds, with the key as Basic user name',
    async (_id, template) => {
      const { appId, endpoint } = await createCardEndpoint(template.id);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(endpoint.connector).toMatchObject({ id: 'close', template: template.id, region: 'default' });
      expect(JSON.stringify(endpoint)).not.toContain(API_KEY);
      for (const eventType of template.eventTypes) {
        const example = findEventType(eventType)!.example;
        const before = fake.received.length;
        const message = await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
        const record = fake.received.at(-1)!;
        const expected = runPlainJs(template.code, eventType, example);
        expect(`/api/v1/${record.object}/`).toBe(new URL(expected.url).pathname);
        expect(record.body).toEqual(expected.payload);
        expect(record.apiKey).toBe(API_KEY);
        expect(record.headers.authorization).toBe(`Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`);
        await expect
          .poll(
            async () =>
              (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
          )
          .toBe(0);
      }
    },
  );

  it('a wrong API key gets Close’s 401, recorded on the attempt, and is not retried', async () => {
    const { appId } = await createCardEndpoint('create-contact', 'api_wrongKeyAbcdefghijklmnop');
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: paymentExample(),
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(401);
    await expect
      .poll(
        async () => (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
      )
      .toBe(2);
    expect((await attempts())[0]!.response).toContain('Unauthorized');
    expect(await attempts()).toHaveLength(1);
  });

  it('a lead id Close does not know gets its 400 field error on the attempt; a 429 is retried', async () => {
    const { appId } = await createCardEndpoint('create-contact');
    const example = structuredClone(paymentExample());
    (example.data as { metadata: Record<string, unknown> }).metadata = { close_lead_id: 'lead_gone' };
    const bad = await svix.message.create(appId, { eventType: 'payment.succeeded', payload: example });
    const attempts = async (id: string) =>
      (await svix.messageAttempt.listByMsg(appId, id, { withContent: true })).data;
    await expect
      .poll(async () => (await attempts(bad.id))[0]?.responseStatusCode, { timeout: 10_000 })
      .toBe(400);
    expect((await attempts(bad.id))[0]!.response).toContain('Object does not exist.');

    fake.respondWith({
      statusCode: 429,
      body: { error: { rate_reset: 0.01, message: 'slow down' } },
      headers: { 'retry-after': '0' },
    });
    const before = fake.received.length;
    const retried = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: paymentExample(),
    });
    await expect.poll(() => fake.received.length, { timeout: 15_000 }).toBe(before + 1);
    await expect
      .poll(async () => (await attempts(retried.id)).map((a) => a.responseStatusCode).sort())
      .toEqual([200, 429]);
  });
});
