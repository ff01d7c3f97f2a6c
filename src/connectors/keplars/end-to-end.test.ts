import { describeEndToEnd, expectSentAsBuilt } from '../end-to-end-fixture.ts';
import { startKeplarsFake } from './index.ts';

const API_KEY = 'kms_e2e.live_9d8e7f6a5b';

describeEndToEnd(
  'Keplars end to end: card → API → delivery → Keplars (fake)',
  {
    connector: 'keplars',
    start: () => startKeplarsFake({ apiKeys: [API_KEY], verifiedDomains: ['mail.yourdomain.com'] }),
    hosts: (fake) => ({ 'api.keplars.com': fake.url }),
    credentials: { apiKey: API_KEY },
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: the fake receives exactly what the template builds, with Bearer auth',
      () => e2e.fake.received,
      (call, expected) => expectSentAsBuilt(call, expected, { authorization: `Bearer ${API_KEY}` }),
    );

    e2e.itIsRefused('a wrong API key gets Keplars’s 401, and the attempt shows it', {
      template: 'payment-receipt',
      credentials: { apiKey: 'kms_wrong.live_000000' },
      statusCode: 401,
      response: 'Invalid or missing API key',
    });
  },
);
