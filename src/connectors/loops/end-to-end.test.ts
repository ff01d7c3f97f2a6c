import { expect, it } from 'vitest';
import { describeEndToEnd, expectSentAsBuilt } from '../end-to-end-fixture.ts';
import { loopsIdempotencyKey, startLoopsFake } from './index.ts';

const API_KEY = 'loops_e2e_key_9d8e7f6a5b';

describeEndToEnd(
  'Loops end to end: card → API → delivery → Loops (fake)',
  {
    connector: 'loops',
    start: () => startLoopsFake({ apiKeys: [API_KEY] }),
    hosts: (fake) => ({ 'app.loops.so': fake.url }),
    credentials: { apiKey: API_KEY },
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: the fake receives exactly what the template builds, with Bearer auth and an idempotency key',
      () => e2e.fake.received,
      (call, expected, { endpoint, message }) => {
        expectSentAsBuilt(call, expected, { authorization: `Bearer ${API_KEY}` });
        expect(call.idempotencyKey).toBe(
          loopsIdempotencyKey({ messageId: message.id, endpointId: endpoint.id }),
        );
      },
    );

    e2e.itIsRefused('a wrong API key gets Loops’ 401, and the attempt shows it', {
      template: 'track-payment',
      credentials: { apiKey: 'wrong_key_000000' },
      statusCode: 401,
      response: 'Invalid API key',
    });

    it('flags the Dodo sample’s api.loops.so URL with the documented one, and sends nothing there', async () => {
      const sample = `function handler(webhook) {
  if (webhook.eventType === "payment.succeeded") {
    const p = webhook.payload.data;
    webhook.url = "https://api.loops.so/v1/events/send";
    webhook.payload = { eventName: "payment_confirmation", email: p.customer.email, properties: { amount: (p.total_amount / 100).toFixed(2) } };
  }
  return webhook;
}`;
      const run = await fetch(`${e2e.server.url}/api/v1/transformations/run`, {
        method: 'POST',
        headers: e2e.operatorHeaders(),
        body: JSON.stringify({ code: sample, eventType: 'payment.succeeded', connector: 'loops' }),
      });
      expect(run.status).toBe(200);
      const { warnings } = (await run.json()) as { warnings: { field: string; message: string }[] };
      expect(warnings).toEqual([
        { field: 'url', message: expect.stringContaining('https://app.loops.so/api/v1/events/send') },
        { field: 'payload.properties', message: expect.stringContaining('eventProperties') },
      ]);

      const { appId, endpoint } = await e2e.createCardEndpoint('track-payment');
      await e2e.svix.endpoint.transformation.patch(appId, endpoint.id, { code: sample });
      const before = e2e.fake.requests.length;
      const message = await e2e.send(appId);
      expect((await e2e.firstAttempt(appId, message.id)).response).toMatch(/app\.loops\.so/);
      expect(e2e.fake.requests.length).toBe(before);
    });
  },
);
