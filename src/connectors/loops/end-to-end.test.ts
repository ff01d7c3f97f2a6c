import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { type LoopsFake, loopsIdempotencyKey, startLoopsFake } from './index.ts';
import { loopsManifest } from './manifest.ts';

const API_KEY = 'loops_e2e_key_9d8e7f6a5b';

/** The reference: the template run as plain JavaScript. */
const runPlainJs = (code: string, eventType: string, example: unknown) =>
  new Function(`${code}\nreturn handler;`)()({
    eventType,
    payload: structuredClone(example),
    url: 'https://app.loops.so/',
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  });

describe('Loops end to end: card → API → delivery → Loops (fake)', () => {
  let fake: LoopsFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startLoopsFake({ apiKeys: [API_KEY] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `app.loops.so=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(template: string, apiKey = API_KEY) {
    const app = await svix.application.create({ name: `Loops ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ connector: { id: 'loops', template, credentials: { apiKey } } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(loopsManifest.templates.map((t) => [t.id, t] as const))(
    'template %s: the fake receives exactly what the template builds, with Bearer auth and an idempotency key',
    async (_id, template) => {
      const { appId, endpoint } = await createCardEndpoint(template.id);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(JSON.stringify(endpoint)).not.toContain(API_KEY);
      for (const eventType of template.eventTypes) {
        const example = findEventType(eventType)!.example;
        const before = fake.received.length;
        const message = await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
        const call = fake.received.at(-1)!;
        const expected = runPlainJs(template.code, eventType, example);
        expect(call.path).toBe('/api/v1/events/send');
        expect(call.body).toEqual(expected.payload);
        expect(call.headers.authorization).toBe(`Bearer ${API_KEY}`);
        expect(call.idempotencyKey).toBe(
          loopsIdempotencyKey({ messageId: message.id, endpointId: endpoint.id }),
        );
      }
    },
  );

  it('a wrong API key gets Loops’ 401, and the attempt shows it', async () => {
    const { appId } = await createCardEndpoint('track-payment', 'wrong_key_000000');
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(401);
    expect((await attempts())[0]!.response).toContain('Invalid API key');
  });

  it('flags the Dodo sample’s api.loops.so URL with the documented one, and sends nothing there', async () => {
    const sample = `function handler(webhook) {
  if (webhook.eventType === "payment.succeeded") {
    const p = webhook.payload.data;
    webhook.url = "https://api.loops.so/v1/events/send";
    webhook.payload = { eventName: "payment_confirmation", email: p.customer.email, properties: { amount: (p.total_amount / 100).toFixed(2) } };
  }
  return webhook;
}`;
    const run = await fetch(`${server.url}/api/v1/transformations/run`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ code: sample, eventType: 'payment.succeeded', connector: 'loops' }),
    });
    expect(run.status).toBe(200);
    const { warnings } = (await run.json()) as { warnings: { field: string; message: string }[] };
    expect(warnings).toEqual([
      { field: 'url', message: expect.stringContaining('https://app.loops.so/api/v1/events/send') },
      { field: 'payload.properties', message: expect.stringContaining('eventProperties') },
    ]);

    const { appId, endpoint } = await createCardEndpoint('track-payment');
    await svix.endpoint.transformation.patch(appId, endpoint.id, { code: sample });
    const before = fake.requests.length;
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await attempts())[0]!.response).toMatch(/app\.loops\.so/);
    expect(fake.requests.length).toBe(before);
  });
});
