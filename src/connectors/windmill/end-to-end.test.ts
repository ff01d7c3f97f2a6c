import { expect, it } from 'vitest';
import { describeEndToEnd } from '../end-to-end-fixture.ts';
import { startWindmillFake } from './index.ts';

const TOKEN = 'wmTok3nE2E0a1b2c3d4e5';
const HOST = 'app.windmill.dev';
const RUN_PATH = '/api/w/acme/jobs/run/p/u/ada/on_payment';

describeEndToEnd(
  'Windmill end to end: card → API → delivery → Windmill webhook (fake)',
  {
    connector: 'windmill',
    start: () => startWindmillFake({ workspace: 'acme', runnables: ['u/ada/on_payment'], tokens: [TOKEN] }),
    hosts: (fake) => ({ [HOST]: fake.url }),
    url: `https://${HOST}${RUN_PATH}?token=${TOKEN}`,
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: Windmill runs the script with exactly what the template builds, token from the URL',
      () => e2e.fake.jobs,
      (job, expected) => {
        expect(job).toMatchObject({
          mode: 'run',
          kind: 'p',
          runnable: 'u/ada/on_payment',
          token: TOKEN,
          auth: 'query',
        });
        expect(job.args).toEqual(expected.payload);
        expect(job.headers.authorization).toBeUndefined();
      },
    );

    it('a URL with a revoked token gets Windmill’s 401, and the attempt records it', async () => {
      const { appId } = await e2e.createCardEndpoint('script-args', {
        url: `https://${HOST}${RUN_PATH}?token=revokedToken123`,
      });
      const before = e2e.fake.jobs.length;
      const message = await e2e.send(appId);
      expect((await e2e.firstAttempt(appId, message.id, 401)).response).toMatch(/Unauthorized/);
      await e2e.expectStatus(appId, message.id, 2);
      expect(e2e.fake.jobs).toHaveLength(before);
    });

    it('a pasted URL without token= is stopped before sending, with what to write', async () => {
      const { appId } = await e2e.createCardEndpoint('script-args', { url: `https://${HOST}${RUN_PATH}` });
      const before = e2e.fake.requests.length;
      const message = await e2e.send(appId);
      expect((await e2e.firstAttempt(appId, message.id)).response).toMatch(
        /no token=.*\?token=\{webhook token\}/s,
      );
      expect(await e2e.attempts(appId, message.id)).toHaveLength(1);
      expect(e2e.fake.requests.length).toBe(before);
    });
  },
);
