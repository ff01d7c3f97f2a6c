import { expect, it } from 'vitest';
import { describeEndToEnd } from '../end-to-end-fixture.ts';
import { startMailerliteFake } from './index.ts';

const API_KEY = 'mlite_e2e_token_9d8e7f6a5b';

describeEndToEnd(
  'MailerLite end to end: card → API → delivery → MailerLite (fake)',
  {
    connector: 'mailerlite',
    start: () => startMailerliteFake({ apiKeys: [API_KEY] }),
    hosts: (fake) => ({ 'connect.mailerlite.com': fake.url }),
    credentials: { apiKey: API_KEY },
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: the fake receives exactly what the template builds, with Bearer auth',
      () => e2e.fake.received,
      (call, expected) => {
        expect(call.method).toBe(expected.method);
        expect(call.path).toBe(new URL(expected.url).pathname);
        expect(call.body).toEqual(expected.payload);
        expect(call.headers.authorization).toBe(`Bearer ${API_KEY}`);
      },
    );

    it('a wrong token gets MailerLite’s 401, and the attempt shows it', async () => {
      const { appId } = await e2e.createCardEndpoint('customer-sync', {
        credentials: { apiKey: 'wrong_token_0000000000' },
      });
      const message = await e2e.send(appId);
      expect((await e2e.firstAttempt(appId, message.id, 401)).response).toContain('Unauthenticated.');
    });
  },
);
