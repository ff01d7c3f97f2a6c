import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Svix } from 'svix';
import { describe, expect, it } from 'vitest';
import { createPostgresTestDatabase, postgresTestUrl } from '../db/testing.ts';
import { startTestReceiver } from '../delivery/test-receiver.ts';
import { type SwitchyardProcess, spawnSwitchyard } from '../server/spawn-switchyard.ts';
import { TEST_OPERATOR_TOKEN } from '../server/testing.ts';

const SCRAPE_TOKEN = 'worker-scrape-token-0123456789abcdef';

describe.skipIf(!postgresTestUrl())('a worker process', () => {
  it('serves the metrics of the deliveries it makes, to the scraper only', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-worker-metrics-'));
    const database = await createPostgresTestDatabase();
    const receiver = await startTestReceiver();
    const processes: SwitchyardProcess[] = [];
    try {
      const env = {
        PORT: '0',
        DATABASE_URL: database.url,
        SWITCHYARD_DATA_DIR: dataDir,
        SWITCHYARD_ADMIN_TOKEN: TEST_OPERATOR_TOKEN,
        SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64'),
        SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
        SWITCHYARD_METRICS_TOKEN: SCRAPE_TOKEN,
      };
      const api = await spawnSwitchyard('api', env);
      const worker = await spawnSwitchyard('worker', { ...env, SWITCHYARD_WORKER_METRICS_PORT: '0' });
      processes.push(api, worker);
      const metricsUrl = /"metrics":"(http:\/\/[^"]+)"/.exec(worker.output())?.[1];
      expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

      const svix = new Svix(TEST_OPERATOR_TOKEN, { serverUrl: api.url! });
      const app = await svix.application.create({ name: 'Worker metrics' });
      await svix.endpoint.create(app.id, { url: `${receiver.url}/hooks` });
      for (let n = 0; n < 3; n++) {
        await svix.message.create(app.id, { eventType: 'payment.succeeded', payload: { n } });
      }
      await receiver.waitFor(3);

      const scrape = (token?: string) =>
        fetch(metricsUrl!, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      expect((await scrape()).status).toBe(401);
      let text = '';
      for (
        let i = 0;
        i < 50 && !/switchyard_attempts_total\{[^}]*outcome="succeeded"[^}]*\} 3/.test(text);
        i++
      ) {
        const response = await scrape(SCRAPE_TOKEN);
        expect(response.status).toBe(200);
        text = await response.text();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(text).toMatch(/switchyard_attempts_total\{[^}]*outcome="succeeded"[^}]*\} 3/);
      expect((await scrape(TEST_OPERATOR_TOKEN)).status).toBe(200);
      // The API process made no delivery; the worker's metrics are where they are counted.
      const apiText = await (
        await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } })
      ).text();
      expect(apiText).toMatch(/^switchyard_messages_ingested_total 3$/m);
      expect(apiText).not.toMatch(/switchyard_attempts_total\{/);
    } finally {
      await Promise.all(processes.map((p) => p.kill()));
      await receiver.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
