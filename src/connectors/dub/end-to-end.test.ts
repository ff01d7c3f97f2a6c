import { expect, it } from 'vitest';
import { describeEndToEnd } from '../end-to-end-fixture.ts';
import { startDubFake } from './index.ts';

const API_KEY = 'dub_e2e0a1b2c3d4e5f6a7b8c9d0';

describeEndToEnd(
  'Dub end to end: card → API → delivery → Dub (fake)',
  {
    connector: 'dub',
    start: () => startDubFake({ apiKeys: [API_KEY] }),
    hosts: (fake) => ({ 'api.dub.co': fake.url }),
    credentials: { apiKey: API_KEY },
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: Dub receives exactly what the template builds, with the Bearer key',
      () => e2e.fake.sales,
      (received, expected) => {
        expect(new URL(expected.url).pathname).toBe('/track/sale');
        expect(received.body).toEqual(expected.payload);
        expect(received.apiKey).toBe(API_KEY);
        expect(received.headers.authorization).toBe(`Bearer ${API_KEY}`);
      },
    );

    e2e.itIsRefused('a wrong API key gets Dub’s 401, and the attempt records it', {
      template: 'track-sale',
      credentials: { apiKey: 'dub_revokedKey000000000000' },
      statusCode: 401,
      response: 'Invalid API key',
      final: true,
    });

    it('refuses a card without an API key, naming the field', async () => {
      await e2e.expectCredentialRequired('track-sale', 'apiKey');
    });
  },
);
