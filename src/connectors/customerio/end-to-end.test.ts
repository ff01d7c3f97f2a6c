import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { type CustomerioFake, startCustomerioFake } from './index.ts';
import { customerioManifest } from './manifest.ts';

const SITE_ID = 'site4f2a9c';
const API_KEY = 'ak9d8e7f6a5b4c3d2e1f0a9b';

/** The reference: the template run as plain JavaScript. */
const runPlainJs = (code: string, eventType: string, example: unknown) =>
  new Function(`${code}\nreturn handler;`)()({
    eventType,
    payload: structuredClone(example),
    url: 'https://track.customer.io/',
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  });

describe('Customer.io end to end: card → API → delivery → Customer.io (fake)', () => {
  let fake: CustomerioFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startCustomerioFake({ sites: [{ siteId: SITE_ID, apiKey: API_KEY }] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `track.customer.io=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(template: string, apiKey = API_KEY) {
    const app = await svix.application.create({ name: `Customer.io ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({
        connector: { id: 'customerio', template, credentials: { siteId: SITE_ID, apiKey } },
      }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(customerioManifest.templates.map((t) => [t.id, t] as const))(
    'template %s: the fake records exactly what the template builds, with Basic auth',
    async (_id, template) => {
      const { appId, endpoint } = await createCardEndpoint(template.id);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(JSON.stringify(endpoint)).not.toContain(API_KEY);
      expect(endpoint.connector).toMatchObject({ credentials: { siteId: SITE_ID } });
      for (const eventType of template.eventTypes) {
        const example = findEventType(eventType)!.example;
        const before = fake.operations.length;
        await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.operations.length, { timeout: 10_000 }).toBe(before + 1);
        const recorded = fake.operations.at(-1)!;
        expect(recorded).toMatchObject({ siteId: SITE_ID, endpoint: 'v2/entity' });
        const expected = runPlainJs(template.code, eventType, example).payload;
        const { id, ...operation } = recorded.operation as Record<string, unknown>;
        expect(operation).toEqual(expected);
        // Events carry a deterministic id so that a retry is dropped as a duplicate.
        if (expected.action === 'event') expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
        const request = fake.requests.at(-1)!;
        expect(request.headers.authorization).toBe(
          `Basic ${Buffer.from(`${SITE_ID}:${API_KEY}`).toString('base64')}`,
        );
      }
    },
  );

  it('a wrong API key gets Customer.io’s 401, and the attempt shows it', async () => {
    const { appId } = await createCardEndpoint('track-payment', 'wrongkey0000000000');
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
  });

  it("stops a seed's original invalid action before sending, naming the field and the fix", async () => {
    const { appId, endpoint } = await createCardEndpoint('track-payment');
    const original = (await import('node:fs')).readFileSync(
      new URL('../../../../shared/seeds/transformations/customerio-track-payment.js', import.meta.url),
      'utf8',
    );
    await svix.endpoint.transformation.patch(appId, endpoint.id, { code: original });
    const before = fake.requests.length;
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts()).length, { timeout: 10_000 }).toBe(1);
    expect((await attempts())[0]!.response).toMatch(
      /payload\.action: "payment_completed" is not a Customer\.io action; send action "event"/,
    );
    expect(fake.requests.length).toBe(before);

    const run = await fetch(`${server.url}/api/v1/transformations/run`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ code: original, eventType: 'payment.succeeded', connector: 'customerio' }),
    });
    const { warnings } = (await run.json()) as { warnings: { field: string }[] };
    expect(warnings.map((w) => w.field)).toContain('payload.action');
  });
});
