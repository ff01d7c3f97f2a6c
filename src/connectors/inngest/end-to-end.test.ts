import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { type InngestFake, startInngestFake } from './index.ts';
import { inngestManifest } from './manifest.ts';

const KEY = 'e2eKey_0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2';
const PASTED_URL = `https://inn.gs/e/${KEY}`;

/** The reference: the template run as plain JavaScript. */
const runPlainJs = (code: string, eventType: string, example: unknown) =>
  new Function(`${code}\nreturn handler;`)()({
    eventType,
    payload: structuredClone(example),
    url: PASTED_URL,
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  });

describe('Inngest end to end: card → API → delivery → Inngest event API (fake)', () => {
  let fake: InngestFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startInngestFake({ eventKeys: [KEY] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `inn.gs=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(template: string, url = PASTED_URL) {
    const app = await svix.application.create({ name: `Inngest ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ url, connector: { id: 'inngest', template, credentials: {} } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(inngestManifest.templates.map((t) => [t.id, t] as const))(
    'template %s: Inngest receives exactly what the template builds, with a deterministic id',
    async (_id, template) => {
      const { appId, endpoint } = await createCardEndpoint(template.id);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(endpoint.connector).toMatchObject({ id: 'inngest', template: template.id, region: 'default' });
      for (const eventType of template.eventTypes) {
        const example = findEventType(eventType)!.example;
        const before = fake.events.length;
        const message = await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.events.length, { timeout: 10_000 }).toBe(before + 1);
        const received = fake.events.at(-1)!;
        expect(received.key).toBe(KEY);
        const expected = runPlainJs(template.code, eventType, example);
        const { id, ...event } = received.event;
        expect(event).toEqual(expected.payload);
        expect(id).toMatch(/^sy-[A-Za-z0-9_-]{43}$/);
        await expect
          .poll(
            async () =>
              (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
          )
          .toBe(0);
      }
    },
  );

  it('a resend of the same message carries the same id, so Inngest runs it once', async () => {
    const { appId, endpoint } = await createCardEndpoint('send-events');
    const before = { events: fake.events.length, duplicates: fake.duplicates.length };
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    await expect.poll(() => fake.events.length, { timeout: 10_000 }).toBe(before.events + 1);
    await svix.messageAttempt.resend(appId, message.id, endpoint.id);
    await expect.poll(() => fake.duplicates.length, { timeout: 10_000 }).toBe(before.duplicates + 1);
    expect(fake.duplicates.at(-1)!.event.id).toBe(fake.events.at(-1)!.event.id);
    expect(fake.events.length).toBe(before.events + 1);
  });

  it('a deleted event key gets Inngest’s 401, and the attempt records it', async () => {
    const { appId } = await createCardEndpoint('send-events', 'https://inn.gs/e/deletedKey0000');
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(401);
    expect((await attempts())[0]!.response).toMatch(/Event key not found/);
    await expect
      .poll(
        async () => (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
      )
      .toBe(2);
    expect(await attempts()).toHaveLength(1);
  });
});
