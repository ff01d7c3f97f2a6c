import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { startWindmillFake, type WindmillFake } from './index.ts';
import { windmillManifest } from './manifest.ts';

const TOKEN = 'wmTok3nE2E0a1b2c3d4e5';
const HOST = 'app.windmill.dev';
const RUN_PATH = '/api/w/acme/jobs/run/p/u/ada/on_payment';
const PASTED_URL = `https://${HOST}${RUN_PATH}?token=${TOKEN}`;

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

describe('Windmill end to end: card → API → delivery → Windmill webhook (fake)', () => {
  let fake: WindmillFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startWindmillFake({ workspace: 'acme', runnables: ['u/ada/on_payment'], tokens: [TOKEN] });
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
    const app = await svix.application.create({ name: `Windmill ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ url, connector: { id: 'windmill', template, credentials: {} } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(windmillManifest.templates.map((t) => [t.id, t] as const))(
    'template %s: Windmill runs the script with exactly what the template builds, token from the URL',
    async (_id, template) => {
      const { appId, endpoint } = await createCardEndpoint(template.id);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(endpoint.connector).toMatchObject({ id: 'windmill', template: template.id, region: 'default' });
      for (const eventType of template.eventTypes) {
        const example = findEventType(eventType)!.example;
        const before = fake.jobs.length;
        const message = await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.jobs.length, { timeout: 10_000 }).toBe(before + 1);
        const job = fake.jobs.at(-1)!;
        const expected = runPlainJs(template.code, eventType, example);
        expect(job).toMatchObject({
          mode: 'run',
          kind: 'p',
          runnable: 'u/ada/on_payment',
          token: TOKEN,
          auth: 'query',
        });
        expect(job.args).toEqual(expected.payload);
        expect(job.headers.authorization).toBeUndefined();
        await expect
          .poll(
            async () =>
              (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
          )
          .toBe(0);
      }
    },
  );

  it('a URL with a revoked token gets Windmill’s 401, and the attempt records it', async () => {
    const { appId } = await createCardEndpoint(
      'script-args',
      `https://${HOST}${RUN_PATH}?token=revokedToken123`,
    );
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(401);
    expect((await attempts())[0]!.response).toMatch(/Unauthorized/);
    await expect
      .poll(
        async () => (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
      )
      .toBe(2);
    expect(fake.jobs).toHaveLength(3);
  });

  it('a pasted URL without token= is stopped before sending, with what to write', async () => {
    const { appId } = await createCardEndpoint('script-args', `https://${HOST}${RUN_PATH}`);
    const before = fake.rejected.length;
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts()).length, { timeout: 10_000 }).toBe(1);
    expect((await attempts())[0]!.response).toMatch(/no token=.*\?token=\{webhook token\}/s);
    expect(fake.rejected.length).toBe(before);
  });
});
