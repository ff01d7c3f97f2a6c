import { expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { describeEndToEnd } from '../end-to-end-fixture.ts';
import { startCloseFake } from './index.ts';

const API_KEY = 'api_e2eKeyAbcdefghij.klmnopqrstuvwxyz';

describeEndToEnd(
  'Close end to end: card → API → delivery → Close (fake)',
  {
    connector: 'close',
    start: () => startCloseFake({ apiKeys: [API_KEY] }),
    hosts: (fake) => ({ 'api.close.com': fake.url }),
    credentials: { apiKey: API_KEY },
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: the fake receives exactly what the template builds, with the key as Basic user name',
      () => e2e.fake.received,
      (record, expected) => {
        expect(`/api/v1/${record.object}/`).toBe(new URL(expected.url).pathname);
        expect(record.body).toEqual(expected.payload);
        expect(record.apiKey).toBe(API_KEY);
        expect(record.headers.authorization).toBe(`Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`);
      },
    );

    e2e.itIsRefused('a wrong API key gets Close’s 401, recorded on the attempt, and is not retried', {
      template: 'create-contact',
      credentials: { apiKey: 'api_wrongKeyAbcdefghijklmnop' },
      statusCode: 401,
      response: 'Unauthorized',
      final: true,
    });

    it('a lead id Close does not know gets its 400 field error on the attempt; a 429 is retried', async () => {
      const { appId } = await e2e.createCardEndpoint('create-contact');
      const payload = structuredClone(findEventType('payment.succeeded')!.example);
      (payload.data as { metadata: Record<string, unknown> }).metadata = { close_lead_id: 'lead_gone' };
      const bad = await e2e.svix.message.create(appId, { eventType: 'payment.succeeded', payload });
      expect((await e2e.firstAttempt(appId, bad.id, 400)).response).toContain('Object does not exist.');

      e2e.fake.respondWith({
        statusCode: 429,
        body: { error: { rate_reset: 0.01, message: 'slow down' } },
        headers: { 'retry-after': '0' },
      });
      const before = e2e.fake.received.length;
      const retried = await e2e.send(appId);
      await e2e.expectAttemptCodes(appId, retried.id, [200, 429]);
      expect(e2e.fake.received.length).toBe(before + 1);
    });
  },
);
