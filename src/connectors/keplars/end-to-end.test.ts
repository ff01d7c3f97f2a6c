import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { type KeplarsFake, startKeplarsFake } from './index.ts';
import { keplarsManifest } from './manifest.ts';

const API_KEY = 'kms_e2e.live_9d8e7f6a5b';

/** The reference: the template run as plain JavaScript. */
const runPlainJs = (code: string, eventType: string, example: unknown) =>
  new Function(`${code}\nreturn handler;`)()({
    eventType,
    payload: structuredClone(example),
    url: 'https://api.keplars.com/',
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  });

describe('Keplars end to end: card → API → delivery → Keplars (fake)', () => {
  let fake: KeplarsFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startKeplarsFake({ apiKeys: [API_KEY], verifiedDomains: ['mail.yourdomain.com'] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `api.keplars.com=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(template: string, apiKey = API_KEY) {
    const app = await svix.application.create({ name: `Keplars ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ connector: { id: 'keplars', template, credentials: { apiKey } } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(keplarsManifest.templates.map((t) => [t.id, t] as const))(
    'template %s: the fake receives exactly what the template builds, with Bearer auth',
    async (_id, template) => {
      const { appId, endpoint } = await createCardEndpoint(template.id);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(JSON.stringify(endpoint)).not.toContain(API_KEY);
      for (const eventType of template.eventTypes) {
        const example = findEventType(eventType)!.example;
        const before = fake.received.length;
        await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
        const call = fake.received.at(-1)!;
        const expected = runPlainJs(template.code, eventType, example);
        expect(call.path).toBe(new URL(expected.url).pathname);
        expect(call.body).toEqual(expected.payload);
        expect(call.headers.authorization).toBe(`Bearer ${API_KEY}`);
      }
    },
  );

  it('a wrong API key gets Keplars’s 401, and the attempt shows it', async () => {
    const { appId } = await createCardEndpoint('payment-receipt', 'kms_wrong.live_000000');
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(401);
    expect((await attempts())[0]!.response).toContain('Invalid or missing API key');
  });
});
