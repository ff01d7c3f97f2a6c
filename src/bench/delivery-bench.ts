import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Svix } from 'svix';
import { Pool } from 'undici';
import { createPostgresTestDatabase } from '../db/testing.ts';
import { spawnSwitchyard } from '../server/spawn-switchyard.ts';
import { peakRssMb, percentile, type ReceiverProcess, runPool, startReceiverProcess } from './bench-tools.ts';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    fanout: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '64' },
    drivers: { type: 'string', default: 'pglite,postgres' },
    json: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const MESSAGES = Number(args.messages);
const FANOUT = Number(args.fanout);
const CONCURRENCY = Number(args.concurrency);
const TOKEN = `sy_admin_bench_${randomBytes(12).toString('hex')}`;

interface Row {
  run: string;
  deliveries: number;
  perSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  statementsPerDelivery: number | null;
  peakRssMb: number | null;
}

/** The ceiling: a bare undici POST loop to the same receiver at the same concurrency. */
async function baseline(receiver: ReceiverProcess, total: number): Promise<Row> {
  await receiver.reset();
  const pool = new Pool(receiver.url, { connections: CONCURRENCY });
  const body = JSON.stringify({ type: 'payment.succeeded', data: { payment_id: 'pay_1' } });
  const started = performance.now();
  await runPool(
    Array.from({ length: total }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const res = await pool.request({
        path: '/baseline',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-seq': String(i) },
        body,
      });
      await res.body.dump();
    },
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return {
    run: 'baseline: bare undici POST loop',
    deliveries: total,
    perSecond: total / seconds,
    p50Ms: null,
    p99Ms: null,
    statementsPerDelivery: null,
    peakRssMb: null,
  };
}

async function statementsOf(url: string): Promise<number> {
  const text = await (
    await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).text();
  return Number(/^switchyard_db_statements_total (\d+)$/m.exec(text)?.[1] ?? Number.NaN);
}

async function switchyard(receiver: ReceiverProcess, driver: 'pglite' | 'postgres'): Promise<Row> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-bench-'));
  const database = driver === 'postgres' ? await createPostgresTestDatabase() : undefined;
  const server = await spawnSwitchyard(
    'start',
    {
      PORT: '0',
      LOG_LEVEL: 'warn',
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_ADMIN_TOKEN: TOKEN,
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_DELIVERY_CONCURRENCY: String(CONCURRENCY),
      SWITCHYARD_ENDPOINT_CONCURRENCY: String(CONCURRENCY),
      // PGlite runs must not inherit the DATABASE_URL that selects the PostgreSQL run.
      DATABASE_URL: database?.url ?? '',
      SWITCHYARD_DB_POOL_SIZE: '16',
    },
    30_000,
    args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [],
  );
  try {
    const url = server.url!;
    const svix = new Svix(TOKEN, { serverUrl: url });
    const app = await svix.application.create({ name: 'Bench' });
    for (let i = 0; i < FANOUT; i++) await svix.endpoint.create(app.id, { url: `${receiver.url}/ep${i}` });
    await receiver.reset();
    const before = await statementsOf(url);
    const created = new Map<string, number>();
    const started = Date.now();
    await runPool(
      Array.from({ length: MESSAGES }, (_, i) => i),
      32,
      async (i) => {
        const message = await svix.message.create(app.id, {
          eventType: 'payment.succeeded',
          payload: {
            business_id: 'bus_1',
            type: 'payment.succeeded',
            timestamp: new Date().toISOString(),
            data: { payment_id: `pay_${i}` },
          },
        });
        created.set(message.id, new Date(message.timestamp).getTime());
      },
    );
    const total = MESSAGES * FANOUT;
    let stats = await receiver.stats();
    while (stats.arrivals.length < total) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stats = await receiver.stats();
    }
    const statements = (await statementsOf(url)) - before;
    const lastArrival = Math.max(...stats.arrivals.map(([, at]) => at));
    const latencies = stats.arrivals
      .map(([key, at]) => at - (created.get(key.split(':')[0]!) ?? Number.NaN))
      .filter((ms) => !Number.isNaN(ms))
      .sort((a, b) => a - b);
    return {
      run: `switchyard on ${driver}`,
      deliveries: total,
      perSecond: total / ((lastArrival - started) / 1000),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      statementsPerDelivery: statements / total,
      peakRssMb: peakRssMb(server.child.pid!),
    };
  } finally {
    await server.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function printTable(rows: Row[]) {
  const ceiling = rows[0]!.perSecond;
  const fmt = (n: number | null, digits = 0) => (n === null ? '–' : n.toFixed(digits));
  console.log(
    `\n${MESSAGES} messages × fan-out ${FANOUT}, ${CONCURRENCY} requests in flight, receiver in its own process\n`,
  );
  console.log(
    '| run | deliveries | deliveries/s | vs baseline | p50 ms | p99 ms | SQL statements / delivery | peak RSS MB |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.run} | ${r.deliveries} | ${fmt(r.perSecond)} | ${(r.perSecond / ceiling).toFixed(2)} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.statementsPerDelivery, 2)} | ${fmt(r.peakRssMb)} |`,
    );
  }
}

const receiver = await startReceiverProcess();
try {
  const rows = [await baseline(receiver, MESSAGES * FANOUT)];
  for (const driver of args.drivers.split(',') as ('pglite' | 'postgres')[]) {
    if (driver === 'postgres' && !process.env.DATABASE_URL) {
      console.log('(postgres skipped: set DATABASE_URL)');
      continue;
    }
    rows.push(await switchyard(receiver, driver));
  }
  printTable(rows);
  if (args.json)
    await writeFile(
      args.json,
      JSON.stringify({ messages: MESSAGES, fanout: FANOUT, concurrency: CONCURRENCY, rows }, null, 2),
    );
} finally {
  await receiver.stop();
}
