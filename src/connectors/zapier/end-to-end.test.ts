import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { startZapierFake, type ZapierFake } from './index.ts';
import { zapierManifest } from './manifest.ts';

const HOOK_PATH = '/hooks/catch/1234567/abc1x2y/';
const HOOK_URL = `https://hooks.zapier.com${HOOK_PATH}`;
const GONE_PATH = '/hooks/catch/1234567/deleted/';

/** The reference: the template run as plain JavaScript. */
const runPlainJs = (code: string, eventType: string, example: unknown) =>
  new Function(`${code}\nreturn handler;`)()({
    eventType,
    payload: structuredClone(example),
    url: HOOK_URL,
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  });

describe('Zapier end to end: card → API → delivery → Zapier (fake)', () => {
  let fake: ZapierFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startZapierFake({ hooks: [HOOK_PATH] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `hooks.zapier.com=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(template: string, url = HOOK_URL) {
    const app = await svix.application.create({ name: `Zapier ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ url, connector: { id: 'zapier', template, credentials: {} } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(zapierManifest.templates.map((t) => [t.id, t] as const))(
    'template %s: the fake records exactly what the template builds, at the pasted URL',
    async (_id, template) => {
      const { appId, endpoint } = await createCardEndpoint(template.id);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      for (const eventType of template.eventTypes) {
        const example = findEventType(eventType)!.example;
        const before = fake.received.length;
        await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
        const recorded = fake.received.at(-1)!;
        expect(recorded.path).toBe(HOOK_PATH);
        expect(recorded.method).toBe('POST');
        expect(recorded.body).toEqual(runPlainJs(template.code, eventType, example).payload);
        expect(recorded.headers['content-type']).toBe('application/json');
        expect(recorded.headers.authorization).toBeUndefined();
      }
    },
  );

  it('a catch hook that does not exist gets Zapier’s 404, and the attempt shows it', async () => {
    const { appId } = await createCardEndpoint('flat-event', `https://hooks.zapier.com${GONE_PATH}`);
    const before = fake.received.length;
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(404);
    expect((await attempts())[0]!.response).toContain('Not found');
    expect(fake.received.length).toBe(before);
    expect(fake.rejected.at(-1)).toMatchObject({ path: GONE_PATH, statusCode: 404 });
  });
});
