import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { type DiscordFake, startDiscordFake } from './index.ts';
import { discordManifest } from './manifest.ts';

const HOOK_ID = '1234567890123456789';
const TOKEN = 'aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5zA7bC9dE1fG3hI5jK7lM9nO1pQ3r';
const HOOK_PATH = `/api/webhooks/${HOOK_ID}/${TOKEN}`;
const HOOK_URL = `https://discord.com${HOOK_PATH}`;
const GONE_PATH = `/api/webhooks/9876543210987654321/${TOKEN}`;

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

describe('Discord end to end: card → API → delivery → Discord (fake)', () => {
  let fake: DiscordFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startDiscordFake({ webhooks: [{ id: HOOK_ID, token: TOKEN }] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `discord.com=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(template: string, url = HOOK_URL) {
    const app = await svix.application.create({ name: `Discord ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ url, connector: { id: 'discord', template, credentials: {} } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(discordManifest.templates.map((t) => [t.id, t] as const))(
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
        expect(recorded.body).toEqual(runPlainJs(template.code, eventType, example).payload);
        expect(recorded.headers['content-type']).toBe('application/json');
        expect(recorded.headers.authorization).toBeUndefined();
      }
    },
  );

  it('a deleted webhook gets Discord’s 404 Unknown Webhook, and the attempt shows it', async () => {
    const { appId } = await createCardEndpoint('post-embed', `https://discord.com${GONE_PATH}`);
    const before = fake.received.length;
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(404);
    expect((await attempts())[0]!.response).toContain('Unknown Webhook');
    expect(fake.received.length).toBe(before);
    expect(fake.rejected.at(-1)).toMatchObject({
      path: GONE_PATH,
      statusCode: 404,
      reason: 'Unknown Webhook',
    });
  });
});
