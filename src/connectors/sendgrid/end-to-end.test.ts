import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { type SendgridFake, startSendgridFake } from './index.ts';
import { sendgridManifest } from './manifest.ts';

const API_KEY = 'SG.e2eKeyAbcdefghijklmno.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq';
/** The reference: the template run as plain JavaScript. */
const runPlainJs = (code: string, eventType: string, example: unknown) =>
  new Function(`${code}\nreturn handler;`)()({
    eventType,
    payload: structuredClone(example),
    url: 'https://api.sendgrid.com/',
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  });

describe('SendGrid end to end: card → API → delivery → SendGrid (fake)', () => {
  let fake: SendgridFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startSendgridFake({ apiKeys: [API_KEY] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `api.sendgrid.com=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(template: string, apiKey = API_KEY) {
    const app = await svix.application.create({ name: `SendGrid ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ connector: { id: 'sendgrid', template, credentials: { apiKey } } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(sendgridManifest.templates.map((t) => [t.id, t] as const))(
    'template %s: the fake receives exactly what the template builds, with Bearer auth and Accept, and 202 counts as success',
    async (_id, template) => {
      const { appId, endpoint } = await createCardEndpoint(template.id);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(endpoint.connector).toMatchObject({ id: 'sendgrid', template: template.id, region: 'global' });
      expect(JSON.stringify(endpoint)).not.toContain(API_KEY);
      for (const eventType of template.eventTypes) {
        const example = findEventType(eventType)!.example;
        const before = fake.received.length;
        const message = await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
        const sent = fake.received.at(-1)!;
        const expected = runPlainJs(template.code, eventType, example);
        expect(new URL(expected.url).pathname).toBe('/v3/mail/send');
        expect(sent.body).toEqual(expected.payload);
        expect(sent.headers.authorization).toBe(`Bearer ${API_KEY}`);
        expect(sent.headers.accept).toBe('application/json');
        await expect
          .poll(
            async () =>
              (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
          )
          .toBe(0);
        const attempts = await svix.messageAttempt.listByMsg(appId, message.id);
        expect(attempts.data.map((a) => a.responseStatusCode)).toEqual([202]);
      }
    },
  );

  it('a wrong API key gets SendGrid’s 401, recorded on the attempt, and is not retried', async () => {
    const { appId } = await createCardEndpoint(
      'payment-receipt',
      'SG.wrongKeyAbcdefghijklm.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq',
    );
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(401);
    await expect
      .poll(
        async () => (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
      )
      .toBe(2);
    const [attempt] = await attempts();
    expect(attempt!.response).toContain('authorization grant is invalid');
    expect(await attempts()).toHaveLength(1);
  });

  it('a 503 is retried and the retry is delivered', async () => {
    const { appId } = await createCardEndpoint('payment-receipt');
    fake.respondWith({
      statusCode: 503,
      body: { errors: [{ field: null, message: 'Service Unavailable' }] },
    });
    const before = fake.received.length;
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    await expect.poll(() => fake.received.length, { timeout: 15_000 }).toBe(before + 1);
    await expect
      .poll(async () =>
        (await svix.messageAttempt.listByMsg(appId, message.id)).data.map((a) => a.responseStatusCode).sort(),
      )
      .toEqual([202, 503]);
  });
});
