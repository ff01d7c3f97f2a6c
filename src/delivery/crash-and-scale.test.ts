import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Svix } from 'svix';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresTestDatabase, postgresTestUrl } from '../db/testing.ts';
import { type SwitchyardProcess, spawnSwitchyard } from '../server/spawn-switchyard.ts';
import { TEST_OPERATOR_TOKEN } from '../server/testing.ts';
import { startTestReceiver, type TestReceiver } from './test-receiver.ts';

const envelope = (n: number) => ({
  business_id: 'bus_1',
  type: 'payment.succeeded',
  timestamp: '2026-11-23T10:00:00Z',
  data: { payload_type: 'Payment', payment_id: `pay_${n}` },
});

/** Every process of one test shares these: the database, the token and the key that seals secrets. */
function sharedEnv(dataDir: string, databaseUrl?: string): Record<string, string> {
  return {
    PORT: '0',
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_ADMIN_TOKEN: TEST_OPERATOR_TOKEN,
    SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
    SWITCHYARD_DELIVERY_TIMEOUT_MS: '2000',
    SWITCHYARD_DELIVERY_LEASE_MS: '3000',
    SWITCHYARD_RETRY_SCHEDULE: '1,1,1,1,1',
    SWITCHYARD_POLL_INTERVAL_MS: '200',
    // Without a database of its own the process is embedded: clear any DATABASE_URL it would inherit.
    DATABASE_URL: databaseUrl ?? '',
    ...(databaseUrl ? { SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64') } : {}),
  };
}

function distinctIds(receiver: TestReceiver): Set<string> {
  return new Set(receiver.received.map((r) => String(r.headers['webhook-id'])));
}

async function waitForIds(receiver: TestReceiver, count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (distinctIds(receiver).size < count) {
    if (Date.now() > deadline)
      throw new Error(`only ${distinctIds(receiver).size} of ${count} messages arrived`);
    await sleep(100);
  }
}

/** Posts messages with a little concurrency and returns the ids the API accepted (the ledger). */
async function postMessages(svix: Svix, appId: string, count: number): Promise<string[]> {
  const accepted: string[] = [];
  for (let start = 0; start < count; start += 20) {
    const batch = Array.from({ length: Math.min(20, count - start) }, (_, i) =>
      svix.message.create(appId, { eventType: 'payment.succeeded', payload: envelope(start + i) }),
    );
    for (const message of await Promise.all(batch)) accepted.push(message.id);
  }
  return accepted;
}

describe('killing processes loses nothing', () => {
  let dataDir: string;
  let receiver: TestReceiver;
  const processes: SwitchyardProcess[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-crash-'));
    receiver = await startTestReceiver();
    // Slow enough that a burst is still being delivered when the worker dies.
    receiver.respondWith((_req, res) => void setTimeout(() => res.writeHead(200).end('ok'), 100));
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill()));
    await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function checkLedger(svix: Svix, appId: string, endpointId: string, accepted: string[]) {
    const arrived = distinctIds(receiver);
    expect(accepted.filter((id) => !arrived.has(id))).toEqual([]);
    await expect
      .poll(async () => svix.endpoint.getStats(appId, endpointId), { timeout: 10_000 })
      .toMatchObject({ success: accepted.length, pending: 0, sending: 0, fail: 0 });
  }

  it.skipIf(!postgresTestUrl())(
    'a worker SIGKILLed mid-burst: another worker delivers everything',
    async () => {
      const database = await createPostgresTestDatabase();
      try {
        const env = { ...sharedEnv(dataDir, database.url), SWITCHYARD_ENDPOINT_CONCURRENCY: '4' };
        const api = await spawnSwitchyard('start', { ...env, SWITCHYARD_WORKER: 'false' });
        processes.push(api);
        const svix = new Svix(TEST_OPERATOR_TOKEN, { serverUrl: api.url! });
        const app = await svix.application.create({ name: 'Crash' });
        const endpoint = await svix.endpoint.create(app.id, { url: receiver.url });
        const first = await spawnSwitchyard('worker', env);
        processes.push(first);
        const accepted = await postMessages(svix, app.id, 150);
        await receiver.waitFor(30, 20_000);
        await first.kill();
        const killedAt = distinctIds(receiver).size;
        expect(killedAt).toBeLessThan(accepted.length);
        processes.push(await spawnSwitchyard('worker', env));
        await waitForIds(receiver, accepted.length, 60_000);
        await checkLedger(svix, app.id, endpoint.id, accepted);
      } finally {
        await Promise.all(processes.splice(0).map((p) => p.kill()));
        await database.drop();
      }
    },
  );

  it('the embedded single process SIGKILLed mid-burst and restarted on the same data directory', async () => {
    const env = { ...sharedEnv(dataDir), SWITCHYARD_ENDPOINT_CONCURRENCY: '4' };
    const first = await spawnSwitchyard('start', env);
    processes.push(first);
    let svix = new Svix(TEST_OPERATOR_TOKEN, { serverUrl: first.url! });
    const app = await svix.application.create({ name: 'Embedded' });
    const endpoint = await svix.endpoint.create(app.id, { url: receiver.url });
    const accepted = await postMessages(svix, app.id, 120);
    await receiver.waitFor(30, 20_000);
    await first.kill();
    processes.splice(processes.indexOf(first), 1);
    expect(distinctIds(receiver).size).toBeLessThan(accepted.length);
    const second = await spawnSwitchyard('start', env);
    processes.push(second);
    svix = new Svix(TEST_OPERATOR_TOKEN, { serverUrl: second.url! });
    await waitForIds(receiver, accepted.length, 60_000);
    await checkLedger(svix, app.id, endpoint.id, accepted);
  });
});

describe.skipIf(!postgresTestUrl())('several worker processes on one PostgreSQL', () => {
  it('share the work: every delivery made exactly once, by all of them', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-scale-'));
    const database = await createPostgresTestDatabase();
    const receiver = await startTestReceiver();
    const processes: SwitchyardProcess[] = [];
    try {
      const env = sharedEnv(dataDir, database.url);
      const api = await spawnSwitchyard('api', env);
      const workers = await Promise.all(
        [1, 2, 3].map(() =>
          spawnSwitchyard('worker', { ...env, LOG_LEVEL: 'debug', SWITCHYARD_DELIVERY_CONCURRENCY: '8' }),
        ),
      );
      processes.push(api, ...workers);
      const svix = new Svix(TEST_OPERATOR_TOKEN, { serverUrl: api.url! });
      const app = await svix.application.create({ name: 'Scale' });
      const endpoints = 3;
      for (let i = 0; i < endpoints; i++)
        await svix.endpoint.create(app.id, { url: `${receiver.url}/ep${i}` });
      const accepted = await postMessages(svix, app.id, 400);
      await receiver.waitFor(accepted.length * endpoints, 60_000);
      await sleep(500);
      const deliveries = receiver.received.map((r) => `${r.headers['webhook-id']} ${r.path}`);
      expect(deliveries).toHaveLength(accepted.length * endpoints);
      expect(new Set(deliveries).size).toBe(accepted.length * endpoints);
      // Each worker logs its attempts (debug): all three took part.
      const shares = workers.map(
        (w) =>
          w
            .output()
            .split('\n')
            .filter((line) => line.includes('"msg":"delivery attempt"')).length,
      );
      expect(shares.reduce((a, b) => a + b, 0)).toBe(accepted.length * endpoints);
      for (const share of shares) expect(share).toBeGreaterThan(0);
    } finally {
      await Promise.all(processes.map((p) => p.kill()));
      await receiver.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('hold an endpoint to its throttleRate within 10 % with three workers sharing the work', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-throttle-'));
    const database = await createPostgresTestDatabase();
    const receiver = await startTestReceiver();
    const processes: SwitchyardProcess[] = [];
    try {
      const env = sharedEnv(dataDir, database.url);
      const api = await spawnSwitchyard('api', env);
      processes.push(api, ...(await Promise.all([1, 2, 3].map(() => spawnSwitchyard('worker', env)))));
      const svix = new Svix(TEST_OPERATOR_TOKEN, { serverUrl: api.url! });
      const app = await svix.application.create({ name: 'Throttle' });
      const rate = 20;
      await svix.endpoint.create(app.id, { url: receiver.url, throttleRate: rate });
      const accepted = await postMessages(svix, app.id, 120);
      await waitForIds(receiver, accepted.length, 30_000);
      const times = receiver.received.map((r) => r.at).sort((a, b) => a - b);
      const observed = (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000);
      expect(observed).toBeLessThanOrEqual(rate * 1.1);
      expect(observed).toBeGreaterThan(rate * 0.5);
      // No two-second window may hold more than the rate allows, either. (Over one second, a send or two that
      // a loaded machine's timers fire late land beside the next on-time ones and exceed 10 % by themselves.)
      const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 2000).length));
      expect(busiest).toBeLessThanOrEqual(Math.ceil(2 * rate * 1.1));
    } finally {
      await Promise.all(processes.map((p) => p.kill()));
      await receiver.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
