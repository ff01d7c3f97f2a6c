import { expect } from 'vitest';
import { describeEndToEnd, expectSentAsBuilt } from '../end-to-end-fixture.ts';
import { startN8nFake } from './index.ts';

const HOOK = '7d1c2b3a-4e5f-4a6b-9c8d-0e1f2a3b4c5d';
const HOST = 'n8n.merchant.example';

describeEndToEnd(
  'n8n end to end: card → API → delivery → n8n Webhook node (fake)',
  {
    connector: 'n8n',
    start: () => startN8nFake({ webhooks: [HOOK] }),
    hosts: (fake) => ({ [HOST]: fake.url }),
    url: `https://${HOST}/webhook/${HOOK}`,
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: the Webhook node receives exactly what the template builds, at the pasted URL',
      () => e2e.fake.received,
      (call, expected) => {
        expectSentAsBuilt(call, expected, { authorization: undefined });
        expect(call.headers['webhook-signature']).toMatch(/^v1,/);
      },
    );

    e2e.itIsRefused('an inactive workflow’s URL gets n8n’s 404, and the attempt records it as a failure', {
      template: 'flat-events',
      url: `https://${HOST}/webhook/inactive-workflow`,
      statusCode: 404,
      response: 'is not registered',
      final: true,
    });
  },
);
