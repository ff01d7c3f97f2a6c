import { expect, it } from 'vitest';
import { describeEndToEnd, expectSentAsBuilt } from '../end-to-end-fixture.ts';
import { startHubspotFake } from './index.ts';

const TOKEN = 'pat-na1-e2e00000-abcd-4ef0-9abc-1234567890ab';

describeEndToEnd(
  'HubSpot end to end: card → API → delivery → HubSpot (fake)',
  {
    connector: 'hubspot',
    start: () => startHubspotFake({ tokens: [TOKEN] }),
    hosts: (fake) => ({ 'api.hubapi.com': fake.url }),
    credentials: { accessToken: TOKEN },
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: the fake receives exactly what the template builds, with the Bearer token',
      () => e2e.fake.received,
      (call, expected) => expectSentAsBuilt(call, expected, { authorization: `Bearer ${TOKEN}` }),
    );

    e2e.itIsRefused('a wrong token gets HubSpot’s 401, recorded on the attempt, and is not retried', {
      template: 'record-deals',
      credentials: { accessToken: 'pat-na1-00000000-0000-4000-8000-000000000000' },
      statusCode: 401,
      response: 'INVALID_AUTHENTICATION',
      final: true,
    });

    it('429 TEN_SECONDLY_ROLLING is retried; 429 DAILY is not', async () => {
      const { appId } = await e2e.createCardEndpoint('record-deals');
      const before = e2e.fake.deals.size;
      e2e.fake.respondWith({
        statusCode: 429,
        body: {
          status: 'error',
          message: 'ten secondly',
          category: 'RATE_LIMITS',
          policyName: 'TEN_SECONDLY_ROLLING',
        },
        headers: { 'retry-after': '0' },
      });
      const retried = await e2e.send(appId);
      await e2e.expectAttemptCodes(appId, retried.id, [201, 429]);
      expect(e2e.fake.deals.size).toBe(before + 1);

      e2e.fake.respondWith({
        statusCode: 429,
        body: { status: 'error', message: 'daily', category: 'RATE_LIMITS', policyName: 'DAILY' },
      });
      const held = await e2e.send(appId);
      await e2e.expectFailedOnce(appId, held.id);
      const [attempt] = await e2e.attempts(appId, held.id);
      expect(attempt!.responseStatusCode).toBe(429);
      expect(attempt!.response).toContain('DAILY');
      expect(e2e.fake.deals.size).toBe(before + 1);
    });
  },
);
