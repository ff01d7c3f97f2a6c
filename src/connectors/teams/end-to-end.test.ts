import { expect, it } from 'vitest';
import { describeEndToEnd } from '../end-to-end-fixture.ts';
import { startTeamsFake } from './index.ts';

const LEGACY_HOST = 'contoso.webhook.office.com';
const LEGACY_PATH =
  '/webhookb2/0a1b2c3d-0000-4000-8000-000000000001@9f8e7d6c-0000-4000-8000-000000000002/IncomingWebhook/4b5c6d7e8f90a1b2c3d4/1c2d3e4f-0000-4000-8000-000000000003';
const FLOW_HOST = 'prod-12.westus.logic.azure.com';
const FLOW_PATH = '/workflows/0a1b2c3d4e5f40718293a4b5c6d7e8f9/triggers/manual/paths/invoke';
const SIG = 'Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1Ji0Hg9Fe8Dc7Ba6';
const flowUrl = (sig: string) =>
  `https://${FLOW_HOST}:443${FLOW_PATH}?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`;
const URLS = { workflows: flowUrl(SIG), legacy: `https://${LEGACY_HOST}${LEGACY_PATH}` } as const;

describeEndToEnd(
  'Microsoft Teams end to end: card → API → delivery → Teams (fake)',
  {
    connector: 'teams',
    start: () => startTeamsFake({ legacyHooks: [LEGACY_PATH], workflows: [{ path: FLOW_PATH, sig: SIG }] }),
    hosts: (fake) => ({ [LEGACY_HOST]: fake.url, [FLOW_HOST]: fake.url }),
  },
  (e2e) => {
    for (const kind of ['workflows', 'legacy'] as const) {
      e2e.itDeliversEachTemplate(
        `template %s to a ${kind} URL: the fake posts exactly what the template builds`,
        () => e2e.fake.received,
        (recorded, expected) => {
          expect(recorded.kind).toBe(kind);
          expect(recorded.body).toEqual(expected.payload);
          expect(recorded.headers.authorization).toBeUndefined();
          expect(e2e.fake.failedRuns).toEqual([]);
        },
        { url: URLS[kind] },
      );
    }

    it('a Workflows URL with a wrong sig gets a 401, and the attempt shows it', async () => {
      const { appId } = await e2e.createCardEndpoint('post-card', { url: flowUrl('forged0000') });
      const before = e2e.fake.received.length;
      const message = await e2e.send(appId);
      expect((await e2e.firstAttempt(appId, message.id, 401)).response).toContain(
        'DirectApiInvalidAuthorizationSignature',
      );
      expect(e2e.fake.received.length).toBe(before);
    });
  },
);
