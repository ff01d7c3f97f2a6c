import { expect, it } from 'vitest';
import { describeEndToEnd, expectSentAsBuilt } from '../end-to-end-fixture.ts';
import { startZapierFake } from './index.ts';

const HOOK_PATH = '/hooks/catch/1234567/abc1x2y/';
const GONE_PATH = '/hooks/catch/1234567/deleted/';

describeEndToEnd(
  'Zapier end to end: card → API → delivery → Zapier (fake)',
  {
    connector: 'zapier',
    start: () => startZapierFake({ hooks: [HOOK_PATH] }),
    hosts: (fake) => ({ 'hooks.zapier.com': fake.url }),
    url: `https://hooks.zapier.com${HOOK_PATH}`,
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: the fake records exactly what the template builds, at the pasted URL',
      () => e2e.fake.received,
      (recorded, expected) =>
        expectSentAsBuilt(recorded, expected, {
          'content-type': 'application/json',
          authorization: undefined,
        }),
    );

    it('a catch hook that does not exist gets Zapier’s 404, and the attempt shows it', async () => {
      const { appId } = await e2e.createCardEndpoint('flat-event', {
        url: `https://hooks.zapier.com${GONE_PATH}`,
      });
      const before = e2e.fake.received.length;
      const message = await e2e.send(appId);
      expect((await e2e.firstAttempt(appId, message.id, 404)).response).toContain('Not found');
      expect(e2e.fake.received.length).toBe(before);
      expect(e2e.fake.rejected.at(-1)).toMatchObject({ path: GONE_PATH, statusCode: 404 });
    });
  },
);
