import { expect, it } from 'vitest';
import { describeEndToEnd } from '../end-to-end-fixture.ts';
import { startInngestFake } from './index.ts';

const KEY = 'e2eKey_0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2';

describeEndToEnd(
  'Inngest end to end: card → API → delivery → Inngest event API (fake)',
  {
    connector: 'inngest',
    start: () => startInngestFake({ eventKeys: [KEY] }),
    hosts: (fake) => ({ 'inn.gs': fake.url }),
    url: `https://inn.gs/e/${KEY}`,
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: Inngest receives exactly what the template builds, with a deterministic id',
      () => e2e.fake.events,
      (received, expected) => {
        expect(received.key).toBe(KEY);
        const { id, ...event } = received.event;
        expect(event).toEqual(expected.payload);
        expect(id).toMatch(/^sy-[A-Za-z0-9_-]{43}$/);
      },
    );

    it('a resend of the same message carries the same id, so Inngest runs it once', async () => {
      const { appId, endpoint } = await e2e.createCardEndpoint('send-events');
      const before = { events: e2e.fake.events.length, duplicates: e2e.fake.duplicates.length };
      const message = await e2e.send(appId);
      await e2e.expectStatus(appId, message.id, 0);
      await e2e.svix.messageAttempt.resend(appId, message.id, endpoint.id);
      await expect.poll(() => e2e.fake.duplicates.length, { timeout: 10_000 }).toBe(before.duplicates + 1);
      expect(e2e.fake.duplicates.at(-1)!.event.id).toBe(e2e.fake.events.at(-1)!.event.id);
      expect(e2e.fake.events.length).toBe(before.events + 1);
    });

    e2e.itIsRefused('a deleted event key gets Inngest’s 401, and the attempt records it', {
      template: 'send-events',
      url: 'https://inn.gs/e/deletedKey0000',
      statusCode: 401,
      response: 'Event key not found',
      final: true,
    });
  },
);
