import { expect, it } from 'vitest';
import { describeEndToEnd, expectSentAsBuilt } from '../end-to-end-fixture.ts';
import { startDiscordFake } from './index.ts';

const HOOK_ID = '1234567890123456789';
const TOKEN = 'aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5zA7bC9dE1fG3hI5jK7lM9nO1pQ3r';
const HOOK_PATH = `/api/webhooks/${HOOK_ID}/${TOKEN}`;
const GONE_PATH = `/api/webhooks/9876543210987654321/${TOKEN}`;

describeEndToEnd(
  'Discord end to end: card → API → delivery → Discord (fake)',
  {
    connector: 'discord',
    start: () => startDiscordFake({ webhooks: [{ id: HOOK_ID, token: TOKEN }] }),
    hosts: (fake) => ({ 'discord.com': fake.url }),
    url: `https://discord.com${HOOK_PATH}`,
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

    it('a deleted webhook gets Discord’s 404 Unknown Webhook, and the attempt shows it', async () => {
      const { appId } = await e2e.createCardEndpoint('post-embed', {
        url: `https://discord.com${GONE_PATH}`,
      });
      const before = e2e.fake.received.length;
      const message = await e2e.send(appId);
      expect((await e2e.firstAttempt(appId, message.id, 404)).response).toContain('Unknown Webhook');
      expect(e2e.fake.received.length).toBe(before);
      expect(e2e.fake.rejected.at(-1)).toMatchObject({
        path: GONE_PATH,
        statusCode: 404,
        reason: 'Unknown Webhook',
      });
    });
  },
);
