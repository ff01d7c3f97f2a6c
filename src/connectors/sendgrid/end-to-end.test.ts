import { expect, it } from 'vitest';
import { describeEndToEnd } from '../end-to-end-fixture.ts';
import { startSendgridFake } from './index.ts';

const API_KEY = 'SG.e2eKeyAbcdefghijklmno.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq';

describeEndToEnd(
  'SendGrid end to end: card → API → delivery → SendGrid (fake)',
  {
    connector: 'sendgrid',
    start: () => startSendgridFake({ apiKeys: [API_KEY] }),
    hosts: (fake) => ({ 'api.sendgrid.com': fake.url }),
    credentials: { apiKey: API_KEY },
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: the fake receives exactly what the template builds, with Bearer auth and Accept, and 202 counts as success',
      () => e2e.fake.received,
      async (sent, expected, { appId, message }) => {
        expect(new URL(expected.url).pathname).toBe('/v3/mail/send');
        expect(sent.body).toEqual(expected.payload);
        expect(sent.headers.authorization).toBe(`Bearer ${API_KEY}`);
        expect(sent.headers.accept).toBe('application/json');
        await e2e.expectAttemptCodes(appId, message.id, [202]);
      },
    );

    e2e.itIsRefused('a wrong API key gets SendGrid’s 401, recorded on the attempt, and is not retried', {
      template: 'payment-receipt',
      credentials: { apiKey: 'SG.wrongKeyAbcdefghijklm.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq' },
      statusCode: 401,
      response: 'authorization grant is invalid',
      final: true,
    });

    it('a 503 is retried and the retry is delivered', async () => {
      const { appId } = await e2e.createCardEndpoint('payment-receipt');
      e2e.fake.respondWith({
        statusCode: 503,
        body: { errors: [{ field: null, message: 'Service Unavailable' }] },
      });
      const before = e2e.fake.received.length;
      const message = await e2e.send(appId);
      await e2e.expectAttemptCodes(appId, message.id, [202, 503]);
      expect(e2e.fake.received.length).toBe(before + 1);
    });
  },
);
