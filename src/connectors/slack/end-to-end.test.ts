import { expect, it } from 'vitest';
import { describeEndToEnd, expectSentAsBuilt } from '../end-to-end-fixture.ts';
import { startSlackFake } from './index.ts';

const HOOK_PATH = '/services/T000/B000/XXXX';

describeEndToEnd(
  'Slack end to end: card → API → delivery → Slack (fake)',
  {
    connector: 'slack',
    start: () => startSlackFake({ hooks: [HOOK_PATH] }),
    hosts: (fake) => ({ 'hooks.slack.com': fake.url }),
    url: `https://hooks.slack.com${HOOK_PATH}`,
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

    it('a removed webhook gets Slack’s 404 no_service, and the attempt shows it', async () => {
      const { appId } = await e2e.createCardEndpoint('post-message', {
        url: 'https://hooks.slack.com/services/T000/B000/GONE',
      });
      const before = e2e.fake.received.length;
      const message = await e2e.send(appId);
      expect((await e2e.firstAttempt(appId, message.id, 404)).response).toContain('no_service');
      expect(e2e.fake.received.length).toBe(before);
      expect(e2e.fake.rejected.at(-1)).toMatchObject({ path: '/services/T000/B000/GONE', statusCode: 404 });
    });
  },
);
