import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { type ResendFake, resendIdempotencyKey, startResendFake } from './index.ts';
import { resendManifest } from './manifest.ts';

const API_KEY = 're_E2eKey42_abcdefghijklmnop';
/** The reference: the template run as plain JavaScript. */
const runPlainJs = (code: string, eventType: string, example: unknown) =>
  new Function(`${code}\nreturn handler;`)()({
    eventType,
    payload: structuredClone(example),
    url: 'https://api.resend.com/',
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  });

describe('Resend end to end: card → API → delivery → Resend (fake)', () => {
  let fake: ResendFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startResendFake({ apiKeys: [API_KEY] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `api.resend.com=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(template: string, apiKey = API_KEY) {
    const app = await svix.application.create({ name: `Resend ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ connector: { id: 'resend', template, credentials: { apiKey } } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(resendManifest.templates.map((t) => [t.id, t] as const))(
    'template %s: the fake receives exactly what the template builds, with Bearer auth, a User-Agent and an idempotency key',
    async (_id, template) => {
      const { appId, endpoint } = await createCardEndpoint(template.id);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(endpoint.connector).toMatchObject({ id: 'resend', template: template.id, region: 'default' });
      expect(JSON.stringify(endpoint)).not.toContain(API_KEY);
      for (const eventType of template.eventTypes) {
        const example = findEventType(eventType)!.example;
        const before = fake.received.length;
        const message = await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
        const sent = fake.received.at(-1)!;
        const expected = runPlainJs(template.code, eventType, example);
        expect(sent.path).toBe(new URL(expected.url).pathname);
        expect(sent.body).toEqual(expected.payload);
        expect(sent.headers.authorization).toBe(`Bearer ${API_KEY}`);
        expect(sent.headers['user-agent']).toMatch(/^Switchyard\//);
        expect(sent.idempotencyKey).toBe(
          resendIdempotencyKey({ messageId: message.id, endpointId: endpoint.id }),
        );
        await expect
          .poll(
            async () =>
              (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
          )
          .toBe(0);
      }
    },
  );

  it('a wrong API key gets Resend’s 403 invalid_api_key, recorded on the attempt, and is not retried', async () => {
    const { appId } = await createCardEndpoint('payment-receipt', 're_WrongKey_abcdefghijkl');
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(403);
    await expect
      .poll(
        async () => (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
      )
      .toBe(2);
    const [attempt] = await attempts();
    expect(attempt!.response).toContain('invalid_api_key');
    expect(await attempts()).toHaveLength(1);
  });

  it('a 429 is retried and the retry is delivered once, under the same idempotency key', async () => {
    const { appId, endpoint } = await createCardEndpoint('payment-receipt');
    fake.respondWith({
      statusCode: 429,
      body: { statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests' },
      headers: { 'retry-after': '0' },
    });
    const before = fake.received.length;
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    await expect.poll(() => fake.received.length, { timeout: 15_000 }).toBe(before + 1);
    const key = resendIdempotencyKey({ messageId: message.id, endpointId: endpoint.id });
    expect(
      fake.requests.filter((r) => r.headers['idempotency-key'] === key).map((r) => r.statusCode),
    ).toEqual([429, 200]);
  });
});
