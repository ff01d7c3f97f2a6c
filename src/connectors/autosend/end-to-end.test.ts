import { describeEndToEnd, expectSentAsBuilt } from '../end-to-end-fixture.ts';
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
      (call, expected) => expectSentAsBuilt(call, expected, { authorization: `Bearer ${API_KEY}` }),
    );

    e2e.itIsRefused('a wrong API key gets AutoSend’s 401, and the attempt shows it', {
      template: 'payment-receipt',
      credentials: { apiKey: 'as_wrong_00000000' },
      statusCode: 401,
      response: 'Invalid or missing API key',
    });
  },
);
