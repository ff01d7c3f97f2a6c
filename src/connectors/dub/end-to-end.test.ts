import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { type DubFake, startDubFake } from './index.ts';
import { dubManifest } from './manifest.ts';

const API_KEY = 'dub_e2e0a1b2c3d4e5f6a7b8c9d0';

/** The reference: the template run as plain JavaScript. */
const runPlainJs = (code: string, eventType: string, example: unknown) =>
  new Function(`${code}\nreturn handler;`)()({
    eventType,
    payload: structuredClone(example),
    url: 'https://api.dub.co/',
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  });

describe('Dub end to end: card → API → delivery → Dub (fake)', () => {
  let fake: DubFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startDubFake({ apiKeys: [API_KEY] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `api.dub.co=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(template: string, apiKey = API_KEY) {
    const app = await svix.application.create({ name: `Dub ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ connector: { id: 'dub', template, credentials: { apiKey } } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(dubManifest.templates.map((t) => [t.id, t] as const))(
    'template %s: Dub receives exactly what the template builds, with the Bearer key',
    async (_id, template) => {
      const { appId, endpoint } = await createCardEndpoint(template.id);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(endpoint.connector).toMatchObject({ id: 'dub', template: template.id, region: 'default' });
      expect(JSON.stringify(endpoint)).not.toContain(API_KEY);
      for (const eventType of template.eventTypes) {
        const example = findEventType(eventType)!.example;
        const before = fake.sales.length;
        const message = await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.sales.length, { timeout: 10_000 }).toBe(before + 1);
        const received = fake.sales.at(-1)!;
        const expected = runPlainJs(template.code, eventType, example);
        expect(new URL(expected.url).pathname).toBe('/track/sale');
        expect(received.body).toEqual(expected.payload);
        expect(received.apiKey).toBe(API_KEY);
        expect(received.headers.authorization).toBe(`Bearer ${API_KEY}`);
        await expect
          .poll(
            async () =>
              (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
          )
          .toBe(0);
      }
    },
  );

  it('a wrong API key gets Dub’s 401, and the attempt records it', async () => {
    const { appId } = await createCardEndpoint('track-sale', 'dub_revokedKey000000000000');
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(401);
    expect((await attempts())[0]!.response).toMatch(/Invalid API key/);
    await expect
      .poll(
        async () => (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
      )
      .toBe(2);
    expect(await attempts()).toHaveLength(1);
  });

  it('refuses a card without an API key, naming the field', async () => {
    const app = await svix.application.create({ name: 'Bad Dub card' });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ connector: { id: 'dub', template: 'track-sale', credentials: {} } }),
    });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { detail: { loc: string[] }[] };
    expect(problem.detail[0]!.loc).toEqual(['body', 'connector', 'credentials', 'apiKey']);
  });
});
