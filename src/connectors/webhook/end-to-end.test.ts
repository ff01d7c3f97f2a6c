import { Webhook as StandardWebhook } from 'standardwebhooks';
import { expect, it } from 'vitest';
import { describeEndToEnd } from '../end-to-end-fixture.ts';
import { startWebhookReceiverFake } from './index.ts';

const HOST = 'hooks.merchant.example';
const SECRET = `whsec_${Buffer.alloc(32, 42).toString('base64')}`;

describeEndToEnd(
  'Webhook end to end: card → API → delivery → a Standard Webhooks receiver (fake)',
  {
    connector: 'webhook',
    start: () => startWebhookReceiverFake({ secrets: [SECRET] }),
    hosts: (fake) => ({ [HOST]: fake.url }),
  },
  (e2e) => {
    const createCardEndpoint = (path: string) =>
      e2e.createCardEndpoint('pass-through', { url: `https://${HOST}${path}`, secret: SECRET });

    it('delivers the events unchanged, signed so that the official standardwebhooks library verifies them', async () => {
      const template = e2e.manifest.templates[0]!;
      const card = await createCardEndpoint('/dodo/hooks?shop=1');
      e2e.expectMadeFrom(card.endpoint, template, {});
      const { key } = await e2e.svix.endpoint.getSecret(card.appId, card.endpoint.id);
      expect(key).toBe(SECRET);
      const verifier = new StandardWebhook(key.slice('whsec_'.length));
      await e2e.expectDelivered(
        {
          ...card,
          template,
          url: `https://${HOST}/dodo/hooks?shop=1`,
          eventTypes: ['payment.succeeded', 'subscription.active', 'subscription.cancelled'],
        },
        () => e2e.fake.received,
        (call, expected, { message }) => {
          expect(call.path).toBe('/dodo/hooks?shop=1');
          expect(call.payload).toEqual(expected.payload);
          expect(call.id).toBe(message.id);
          expect(call.headers.authorization).toBeUndefined();
          const headers = {
            'webhook-id': call.headers['webhook-id']!,
            'webhook-timestamp': call.headers['webhook-timestamp']!,
            'webhook-signature': call.headers['webhook-signature']!,
          };
          expect(verifier.verify(call.body, headers)).toEqual(expected.payload);
          expect(() => verifier.verify(`${call.body} `, headers)).toThrow();
        },
      );
    });

    it('a receiver error is recorded on the attempt and retried on the schedule', async () => {
      const { appId } = await createCardEndpoint('/flaky');
      e2e.fake.respondWith({ statusCode: 500, body: '{"error":"database is down"}' });
      const before = e2e.fake.received.length;
      const message = await e2e.send(appId);
      await e2e.expectAttemptCodes(appId, message.id, [200, 500]);
      const failed = (await e2e.attempts(appId, message.id)).find((a) => a.responseStatusCode === 500);
      expect(failed!.response).toContain('database is down');
      await e2e.expectStatus(appId, message.id, 0);
      expect(e2e.fake.received.length).toBe(before + 1);
    });

    it('410 Gone disables the endpoint', async () => {
      const { appId, endpoint } = await createCardEndpoint('/gone');
      e2e.fake.respondWith({ statusCode: 410, body: 'gone' });
      const message = await e2e.send(appId);
      await e2e.firstAttempt(appId, message.id, 410);
      await expect.poll(async () => (await e2e.svix.endpoint.get(appId, endpoint.id)).disabled).toBe(true);
    });
  },
);
