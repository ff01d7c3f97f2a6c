import { expect, it } from 'vitest';
import { describeEndToEnd, expectSentAsBuilt } from '../end-to-end-fixture.ts';
import { resendIdempotencyKey, startResendFake } from './index.ts';

const API_KEY = 're_E2eKey42_abcdefghijklmnop';

describeEndToEnd(
  'Resend end to end: card → API → delivery → Resend (fake)',
  {
    connector: 'resend',
    start: () => startResendFake({ apiKeys: [API_KEY] }),
    hosts: (fake) => ({ 'api.resend.com': fake.url }),
    credentials: { apiKey: API_KEY },
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: the fake receives exactly what the template builds, with Bearer auth, a User-Agent and an idempotency key',
      () => e2e.fake.received,
      (sent, expected, { endpoint, message }) => {
        expectSentAsBuilt(sent, expected, { authorization: `Bearer ${API_KEY}` });
        expect(sent.headers['user-agent']).toMatch(/^Switchyard\//);
        expect(sent.idempotencyKey).toBe(
          resendIdempotencyKey({ messageId: message.id, endpointId: endpoint.id }),
        );
      },
    );

    e2e.itIsRefused(
      'a wrong API key gets Resend’s 403 invalid_api_key, recorded on the attempt, and is not retried',
      {
        template: 'payment-receipt',
        credentials: { apiKey: 're_WrongKey_abcdefghijkl' },
        statusCode: 403,
        response: 'invalid_api_key',
        final: true,
      },
    );

    it('a 429 is retried and the retry is delivered once, under the same idempotency key', async () => {
      const { appId, endpoint } = await e2e.createCardEndpoint('payment-receipt');
      e2e.fake.respondWith({
        statusCode: 429,
        body: { statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests' },
        headers: { 'retry-after': '0' },
      });
      const before = e2e.fake.received.length;
      const message = await e2e.send(appId);
      await e2e.expectAttemptCodes(appId, message.id, [200, 429]);
      expect(e2e.fake.received.length).toBe(before + 1);
      const key = resendIdempotencyKey({ messageId: message.id, endpointId: endpoint.id });
      expect(
        e2e.fake.requests.filter((r) => r.headers['idempotency-key'] === key).map((r) => r.statusCode),
      ).toEqual([429, 200]);
    });
  },
);
