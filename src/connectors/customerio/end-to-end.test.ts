import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeEndToEnd } from '../end-to-end-fixture.ts';
import { startCustomerioFake } from './index.ts';

const SITE_ID = 'site4f2a9c';
const API_KEY = 'ak9d8e7f6a5b4c3d2e1f0a9b';

describeEndToEnd(
  'Customer.io end to end: card → API → delivery → Customer.io (fake)',
  {
    connector: 'customerio',
    start: () => startCustomerioFake({ sites: [{ siteId: SITE_ID, apiKey: API_KEY }] }),
    hosts: (fake) => ({ 'track.customer.io': fake.url }),
    credentials: { siteId: SITE_ID, apiKey: API_KEY },
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: the fake records exactly what the template builds, with Basic auth',
      () => e2e.fake.operations,
      (recorded, expected) => {
        expect(recorded).toMatchObject({ siteId: SITE_ID, endpoint: 'v2/entity' });
        const { id, ...operation } = recorded.operation as Record<string, unknown>;
        expect(operation).toEqual(expected.payload);
        // Events carry a deterministic id so that a retry is dropped as a duplicate.
        if ((expected.payload as { action?: string }).action === 'event') {
          expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
        }
        expect(e2e.fake.requests.at(-1)!.headers.authorization).toBe(
          `Basic ${Buffer.from(`${SITE_ID}:${API_KEY}`).toString('base64')}`,
        );
      },
    );

    e2e.itIsRefused('a wrong API key gets Customer.io’s 401, and the attempt shows it', {
      template: 'track-payment',
      credentials: { siteId: SITE_ID, apiKey: 'wrongkey0000000000' },
      statusCode: 401,
      response: 'Unauthorized request',
      final: true,
    });

    it("stops a seed's original invalid action before sending, naming the field and the fix", async () => {
      const { appId, endpoint } = await e2e.createCardEndpoint('track-payment');
      const original = readFileSync(
        new URL('../../../../shared/seeds/transformations/customerio-track-payment.js', import.meta.url),
        'utf8',
      );
      await e2e.svix.endpoint.transformation.patch(appId, endpoint.id, { code: original });
      const before = e2e.fake.requests.length;
      const message = await e2e.send(appId);
      expect((await e2e.firstAttempt(appId, message.id)).response).toMatch(
        /payload\.action: "payment_completed" is not a Customer\.io action; send action "event"/,
      );
      expect(await e2e.attempts(appId, message.id)).toHaveLength(1);
      expect(e2e.fake.requests.length).toBe(before);

      const run = await fetch(`${e2e.server.url}/api/v1/transformations/run`, {
        method: 'POST',
        headers: e2e.operatorHeaders(),
        body: JSON.stringify({ code: original, eventType: 'payment.succeeded', connector: 'customerio' }),
      });
      const { warnings } = (await run.json()) as { warnings: { field: string }[] };
      expect(warnings.map((w) => w.field)).toContain('payload.action');
    });
  },
);
