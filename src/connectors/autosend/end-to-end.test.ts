import { expect, it } from 'vitest';
import { describeEndToEnd } from '../end-to-end-fixture.ts';
import { startAutosendFake } from './index.ts';

const API_KEY = 'as_e2e_9d8e7f6a5b4c';

describeEndToEnd(
  'AutoSend end to end: card → API → delivery → AutoSend (fake)',
  {
    connector: 'autosend',
    start: () => startAutosendFake({ apiKeys: [API_KEY], verifiedDomains: ['mail.yourdomain.com'] }),
    hosts: (fake) => ({ 'api.autosend.com': fake.url }),
    credentials: { apiKey: API_KEY },
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: the fake receives exactly what the template builds, with Bearer auth',
      () => e2e.fake.received,
      (call, expected) => {
        expect(call.path).toBe(new URL(expected.url).pathname);
        expect(call.body).toEqual(expected.payload);
        expect(call.headers.authorization).toBe(`Bearer ${API_KEY}`);
      },
    );

    it('a wrong API key gets AutoSend’s 401, and the attempt shows it', async () => {
      const { appId } = await e2e.createCardEndpoint('payment-receipt', {
        credentials: { apiKey: 'as_wrong_00000000' },
      });
      const message = await e2e.send(appId);
      expect((await e2e.firstAttempt(appId, message.id, 401)).response).toContain(
        'Invalid or missing API key',
      );
    });
  },
);
