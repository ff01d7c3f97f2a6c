import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { type HubspotFake, startHubspotFake } from './index.ts';
import { hubspotManifest } from './manifest.ts';

const TOKEN = 'pat-na1-e2e00000-abcd-4ef0-9abc-1234567890ab';
/** The reference: the template run as plain JavaScript. */
const runPlainJs = (code: string, eventType: string, example: unknown) =>
  new Function(`${code}\nreturn handler;`)()({
    eventType,
    payload: structuredClone(example),
    url: 'https://api.hubapi.com/',
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  });

describe('HubSpot end to end: card → API → delivery → HubSpot (fake)', () => {
  let fake: HubspotFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });
  const paymentExample = () => findEventType('payment.succeeded')!.example;

  beforeAll(async () => {
    fake = await startHubspotFake({ tokens: [TOKEN] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `api.hubapi.com=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(template: string, accessToken = TOKEN) {
    const app = await svix.application.create({ name: `HubSpot ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ connector: { id: 'hubspot', template, credentials: { accessToken } } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(hubspotManifest.templates.map((t) => [t.id, t] as const))(
    'template %s: the fake receives exactly what the template builds, with the Bearer token',
    async (_id, template) => {
      const { appId, endpoint } = await createCardEndpoint(template.id);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(endpoint.connector).toMatchObject({ id: 'hubspot', template: template.id, region: 'default' });
      expect(JSON.stringify(endpoint)).not.toContain(TOKEN);
      for (const eventType of template.eventTypes) {
        const example = findEventType(eventType)!.example;
        const before = fake.received.length;
        const message = await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
        const call = fake.received.at(-1)!;
        const expected = runPlainJs(template.code, eventType, example);
        expect(call.method).toBe(expected.method);
        expect(call.path).toBe(new URL(expected.url).pathname);
        expect(call.body).toEqual(expected.payload);
        expect(call.headers.authorization).toBe(`Bearer ${TOKEN}`);
        await expect
          .poll(
            async () =>
              (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
          )
          .toBe(0);
      }
    },
  );

  it('a wrong token gets HubSpot’s 401, recorded on the attempt, and is not retried', async () => {
    const { appId } = await createCardEndpoint(
      'record-deals',
      'pat-na1-00000000-0000-4000-8000-000000000000',
    );
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
    expect((await attempts())[0]!.response).toContain('INVALID_AUTHENTICATION');
    expect(await attempts()).toHaveLength(1);
  });

  it('429 TEN_SECONDLY_ROLLING is retried; 429 DAILY is not', async () => {
    const { appId } = await createCardEndpoint('record-deals');
    const before = fake.deals.size;
    fake.respondWith({
      statusCode: 429,
      body: {
        status: 'error',
        message: 'ten secondly',
        category: 'RATE_LIMITS',
        policyName: 'TEN_SECONDLY_ROLLING',
      },
      headers: { 'retry-after': '0' },
    });
    const retried = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: paymentExample(),
    });
    await expect.poll(() => fake.deals.size, { timeout: 15_000 }).toBe(before + 1);
    await expect
      .poll(async () =>
        (await svix.messageAttempt.listByMsg(appId, retried.id)).data.map((a) => a.responseStatusCode).sort(),
      )
      .toEqual([201, 429]);

    fake.respondWith({
      statusCode: 429,
      body: { status: 'error', message: 'daily', category: 'RATE_LIMITS', policyName: 'DAILY' },
    });
    const held = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: paymentExample(),
    });
    await expect
      .poll(
        async () => (await svix.messageAttempt.listAttemptedDestinations(appId, held.id)).data[0]?.status,
        { timeout: 10_000 },
      )
      .toBe(2);
    const attempts = (await svix.messageAttempt.listByMsg(appId, held.id, { withContent: true })).data;
    expect(attempts.map((a) => a.responseStatusCode)).toEqual([429]);
    expect(attempts[0]!.response).toContain('DAILY');
    expect(fake.deals.size).toBe(before + 1);
  });
});
