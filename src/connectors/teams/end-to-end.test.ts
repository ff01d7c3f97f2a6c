import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { startTeamsFake, type TeamsFake } from './index.ts';
import { teamsManifest } from './manifest.ts';

const LEGACY_HOST = 'contoso.webhook.office.com';
const LEGACY_PATH =
  '/webhookb2/0a1b2c3d-0000-4000-8000-000000000001@9f8e7d6c-0000-4000-8000-000000000002/IncomingWebhook/4b5c6d7e8f90a1b2c3d4/1c2d3e4f-0000-4000-8000-000000000003';
const FLOW_HOST = 'prod-12.westus.logic.azure.com';
const FLOW_PATH = '/workflows/0a1b2c3d4e5f40718293a4b5c6d7e8f9/triggers/manual/paths/invoke';
const SIG = 'Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1Ji0Hg9Fe8Dc7Ba6';
const flowUrl = (sig: string) =>
  `https://${FLOW_HOST}:443${FLOW_PATH}?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`;
const URLS = { workflows: flowUrl(SIG), legacy: `https://${LEGACY_HOST}${LEGACY_PATH}` } as const;

/** The reference: the template run as plain JavaScript. */
const runPlainJs = (code: string, eventType: string, example: unknown, url: string) =>
  new Function(`${code}\nreturn handler;`)()({
    eventType,
    payload: structuredClone(example),
    url,
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  });

describe('Microsoft Teams end to end: card → API → delivery → Teams (fake)', () => {
  let fake: TeamsFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startTeamsFake({ legacyHooks: [LEGACY_PATH], workflows: [{ path: FLOW_PATH, sig: SIG }] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `${LEGACY_HOST}=${fake.url},${FLOW_HOST}=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(template: string, url: string) {
    const app = await svix.application.create({ name: `Teams ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ url, connector: { id: 'teams', template, credentials: {} } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  for (const kind of ['workflows', 'legacy'] as const) {
    it.each(teamsManifest.templates.map((t) => [t.id, t] as const))(
      `template %s to a ${kind} URL: the fake posts exactly what the template builds`,
      async (_id, template) => {
        const { appId, endpoint } = await createCardEndpoint(template.id, URLS[kind]);
        expect(endpoint.eventTypes).toEqual(template.eventTypes);
        for (const eventType of template.eventTypes) {
          const example = findEventType(eventType)!.example;
          const before = fake.received.length;
          await svix.message.create(appId, { eventType, payload: example });
          await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
          const recorded = fake.received.at(-1)!;
          expect(recorded.kind).toBe(kind);
          expect(recorded.body).toEqual(runPlainJs(template.code, eventType, example, URLS[kind]).payload);
          expect(recorded.headers.authorization).toBeUndefined();
        }
        expect(fake.failedRuns).toEqual([]);
      },
    );
  }

  it('a Workflows URL with a wrong sig gets a 401, and the attempt shows it', async () => {
    const { appId } = await createCardEndpoint('post-card', flowUrl('forged0000'));
    const before = fake.received.length;
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(401);
    expect((await attempts())[0]!.response).toContain('DirectApiInvalidAuthorizationSignature');
    expect(fake.received.length).toBe(before);
  });
});
