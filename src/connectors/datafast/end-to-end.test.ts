import { describeEndToEnd, expectSentAsBuilt } from '../end-to-end-fixture.ts';
import { startDatafastFake } from './index.ts';

const API_KEY = 'df_e2e_9d8e7f6a5b4c';

describeEndToEnd(
  'DataFast end to end: card → API → delivery → DataFast (fake)',
  {
    connector: 'datafast',
    start: () => startDatafastFake({ apiKeys: [API_KEY] }),
    hosts: (fake) => ({ 'datafa.st': fake.url }),
    credentials: { apiKey: API_KEY },
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: the fake receives exactly what the template builds, with Bearer auth',
      () => e2e.fake.received,
      (call, expected) => expectSentAsBuilt(call, expected, { authorization: `Bearer ${API_KEY}` }),
    );

    e2e.itIsRefused('a wrong API key gets DataFast’s 401, and the attempt shows it', {
      template: 'revenue-attribution',
      credentials: { apiKey: 'df_wrong_0000000000' },
      statusCode: 401,
      response: 'Invalid API key',
    });
  },
);
