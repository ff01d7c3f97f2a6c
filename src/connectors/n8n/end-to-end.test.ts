import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { type N8nFake, startN8nFake } from './index.ts';
import { n8nManifest } from './manifest.ts';

const HOOK = '7d1c2b3a-4e5f-4a6b-9c8d-0e1f2a3b4c5d';
const HOST = 'n8n.merchant.example';
const PASTED_URL = `https://${HOST}/webhook/${HOOK}`;

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

describe('n8n end to end: card → API → delivery → n8n Webhook node (fake)', () => {
  let fake: N8nFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startN8nFake({ webhooks: [HOOK] });
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

  async function createCardEndpoint(template: string, url = PASTED_URL) {
    const app = await svix.application.create({ name: `n8n ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ url, connector: { id: 'n8n', template, credentials: {} } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(n8nManifest.templates.map((t) => [t.id, t] as const))(
    'template %s: the Webhook node receives exactly what the template builds, at the pasted URL',
    async (_id, template) => {
      const { appId, endpoint } = await createCardEndpoint(template.id);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(endpoint.connector).toMatchObject({ id: 'n8n', template: template.id, region: 'default' });
      for (const eventType of template.eventTypes) {
        const example = findEventType(eventType)!.example;
        const before = fake.received.length;
        const message = await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
        const call = fake.received.at(-1)!;
        const expected = runPlainJs(template.code, eventType, example);
        expect(call.path).toBe(new URL(expected.url).pathname);
        expect(call.body).toEqual(expected.payload);
        expect(call.headers.authorization).toBeUndefined();
        expect(call.headers['webhook-signature']).toMatch(/^v1,/);
        await expect
          .poll(
            async () =>
              (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
          )
          .toBe(0);
      }
    },
  );

  it('an inactive workflow’s URL gets n8n’s 404, and the attempt records it as a failure', async () => {
    const { appId } = await createCardEndpoint('flat-events', `https://${HOST}/webhook/inactive-workflow`);
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(404);
    expect((await attempts())[0]!.response).toMatch(/is not registered/);
    await expect
      .poll(
        async () => (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
      )
      .toBe(2);
    expect(await attempts()).toHaveLength(1);
  });
});
