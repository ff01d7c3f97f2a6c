import { describeEndToEnd, expectSentAsBuilt } from '../end-to-end-fixture.ts';
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
      (call, expected) => expectSentAsBuilt(call, expected, { authorization: `Bearer ${API_KEY}` }),
    );

    e2e.itIsRefused('a wrong token gets MailerLite’s 401, and the attempt shows it', {
      template: 'customer-sync',
      credentials: { apiKey: 'wrong_token_0000000000' },
      statusCode: 401,
      response: 'Unauthenticated.',
    });
  },
);
