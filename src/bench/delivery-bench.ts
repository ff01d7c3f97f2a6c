import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Svix } from 'svix';
import { Pool } from 'undici';
import { findEventType } from '../catalog/index.ts';
import { createPostgresTestDatabase } from '../db/testing.ts';
import { createId } from '../secrets/index.ts';
import { type SwitchyardProcess, spawnSwitchyard } from '../server/spawn-switchyard.ts';
import {
  childPidsOf,
  cpuUsOfTree,
  peakRssMb,
  peakRssMbOfTree,
  percentile,
  type ReceiverProcess,
  rssMb,
  rssMbOfTree,
  runPool,
  startReceiverProcess,
} from './bench-tools.ts';

/**
 * The delivery benchmark: Switchyard and a fast loopback receiver as separate processes, events posted
 * through the HTTP API with the svix SDK, measured at the receiver. Every figure is printed beside a bare
 * undici POST loop to the same receiver at the same concurrency, measured in the same run.
 */
const { values: args } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '20000' },
    fanouts: { type: 'string', default: '1,10' },
    transforms: { type: 'string', default: 'off,on' },
    drivers: { type: 'string', default: 'pglite,postgres' },
    concurrency: { type: 'string', default: '64' },
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '60' },
    workers: { type: 'string', default: '1,2,4' },
    pending: { type: 'string', default: '1000000' },
    json: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const DELIVERIES = Number(args.deliveries);
const FANOUTS = args.fanouts.split(',').filter(Boolean).map(Number);
const TRANSFORMS = args.transforms.split(',').filter(Boolean) as ('off' | 'on')[];
const DRIVERS = args.drivers.split(',').filter(Boolean) as ('pglite' | 'postgres')[];
const CONCURRENCY = Number(args.concurrency);
const RATE = Number(args.rate);
const DURATION_S = Number(args.duration);
const WORKER_COUNTS = args.workers.split(',').filter(Boolean).map(Number);
const PENDING = Number(args.pending);
const TOKEN = `sy_admin_bench_${randomBytes(12).toString('hex')}`;
/** Posts in flight from the benchmark's client. */
const POSTERS = 32;

/** The seed sample, as shipped with the Segment card: it sends to api.segment.io, overridden to the receiver. */
const SEED_CODE = readFileSync(
  new URL('../connectors/segment/templates/segment-track-payment.js', import.meta.url),
  'utf8',
);
const EXAMPLE = findEventType('payment.succeeded')!.example as { data: Record<string, unknown> };

interface Row {
  run: string;
  driver: 'pglite' | 'postgres' | null;
  transform: boolean | null;
  fanout: number | null;
  workers: number | null;
  deliveries: number;
  perSecond: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** SQL statements Switchyard sent (its own count, every process), per delivery. */
  statementsPerDelivery: number | null;
  /** Transactions PostgreSQL committed or rolled back in the database, per delivery (its statistics). */
  pgTransactionsPerDelivery: number | null;
  /** CPU time of Switchyard's processes (sandbox processes included) per delivery, in µs. */
  cpuUsPerDelivery: number | null;
  peakRssMb: number | null;
  note: string;
}

function payloadOf(n: number) {
  return { ...EXAMPLE, data: { ...EXAMPLE.data, payment_id: `pay_bench_${n}` } };
}

async function baseline(receiver: ReceiverProcess, total: number): Promise<Row> {
  await receiver.reset();
  const pool = new Pool(receiver.url, { connections: CONCURRENCY });
  const body = JSON.stringify(payloadOf(0));
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
    driver: null,
    transform: null,
    fanout: null,
    workers: null,
    deliveries: total,
    perSecond: total / seconds,
    p50Ms: null,
    p95Ms: null,
    p99Ms: null,
    statementsPerDelivery: null,
    pgTransactionsPerDelivery: null,
    cpuUsPerDelivery: null,
    peakRssMb: null,
    note: `${CONCURRENCY} in flight`,
  };
}

/**
 * Switchyard as one process (`start`), or (PostgreSQL) an API process and `workers` worker processes, which
 * may be none until `startWorkers`.
 */
async function startSwitchyard(
  driver: 'pglite' | 'postgres',
  receiver: ReceiverProcess,
  layout: 'one process' | { workers: number },
) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-bench-'));
  const database = driver === 'postgres' ? await createPostgresTestDatabase() : undefined;
  const env = {
    PORT: '0',
    // Info, not less: a worker process says it is ready in an info line.
    LOG_LEVEL: 'info',
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_ADMIN_TOKEN: TOKEN,
    SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64'),
    SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
    SWITCHYARD_DESTINATION_OVERRIDES: `api.segment.io=${receiver.url}`,
    SWITCHYARD_DELIVERY_CONCURRENCY: String(CONCURRENCY),
    SWITCHYARD_ENDPOINT_CONCURRENCY: String(CONCURRENCY),
    // PGlite runs must not inherit the DATABASE_URL that selects the PostgreSQL runs.
    DATABASE_URL: database?.url ?? '',
    SWITCHYARD_DB_POOL_SIZE: '16',
  };
  const profile = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];
  const processes: SwitchyardProcess[] = [];
  try {
    const api = await spawnSwitchyard(layout === 'one process' ? 'start' : 'api', env, 60_000, profile);
    processes.push(api);
    const startWorkers = async (count: number) => {
      for (let i = 0; i < count; i++) processes.push(await spawnSwitchyard('worker', env, 60_000, profile));
    };
    if (layout !== 'one process') await startWorkers(layout.workers);
    return {
      url: api.url!,
      database,
      processes,
      startWorkers,
      pids: () => processes.map((p) => p.child.pid!),
      async stop() {
        await Promise.all(processes.map((p) => p.stop()));
        await database?.drop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(processes.map((p) => p.kill()));
    await database?.drop();
    throw error;
  }
}

type Target = Awaited<ReturnType<typeof startSwitchyard>>;

async function createApp(target: Target, receiver: ReceiverProcess, fanout: number, transform: boolean) {
  const svix = new Svix(TOKEN, { serverUrl: target.url });
  const app = await svix.application.create({ name: 'Bench' });
  for (let i = 0; i < fanout; i++) {
    // The header tells the receiver which endpoint a request is for once the seed has changed its URL.
    const endpoint = await svix.endpoint.create(app.id, {
      url: `${receiver.url}/ep${i}`,
      headers: { 'x-bench-endpoint': `ep${i}` },
    });
    if (transform) {
      await svix.endpoint.transformationPartialUpdate(app.id, endpoint.id, {
        code: SEED_CODE,
        enabled: true,
      });
    }
  }
  return { svix, appId: app.id };
}

async function statementsOf(target: Target): Promise<number | null> {
  if (target.processes.length > 1) return null;
  const text = await (
    await fetch(`${target.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).text();
  return Number(/^switchyard_db_statements_total (\d+)$/m.exec(text)?.[1] ?? Number.NaN);
}

async function pgTransactionsOf(target: Target): Promise<number | null> {
  if (!target.database) return null;
  const client = new pg.Client({ connectionString: target.database.url });
  await client.connect();
  try {
    // Backends report their counts when a transaction ends or within a second when idle.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const { rows } = await client.query<{ xacts: string }>(
      'select pg_stat_clear_snapshot(), (xact_commit + xact_rollback)::text as xacts from pg_stat_database where datname = current_database()',
    );
    return Number(rows[0]!.xacts);
  } finally {
    await client.end();
  }
}

/** Waits until the receiver has `total` distinct deliveries; returns their arrival times by message id. */
async function awaitArrivals(receiver: ReceiverProcess, total: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { distinct } = await receiver.count();
    if (distinct >= total) break;
    if (Date.now() > deadline) throw new Error(`only ${distinct} of ${total} deliveries arrived`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return (await receiver.stats()).arrivals;
}

function latencies(arrivals: [string, number][], created: Map<string, number>): number[] {
  return arrivals
    .map(([key, at]) => at - (created.get(key.split(':')[0]!) ?? Number.NaN))
    .filter((ms) => !Number.isNaN(ms))
    .sort((a, b) => a - b);
}

interface Measure {
  target: Target;
  receiver: ReceiverProcess;
  /** Endpoints each accepted message goes to: the receiver must get the accepted messages times this. */
  fanout: number;
  /** Posts the messages; returns the creation time of each one the API accepted, by message id. */
  run: () => Promise<Map<string, number>>;
}

/** Runs `run`, waits for every delivery of what was accepted, and reads the figures every row has. */
async function measure({ target, receiver, fanout, run }: Measure) {
  await receiver.reset();
  const statementsBefore = await statementsOf(target);
  const transactionsBefore = await pgTransactionsOf(target);
  const cpuBefore = cpuUsOfTree(target.pids());
  const started = Date.now();
  const created = await run();
  const total = created.size * fanout;
  const arrivals = await awaitArrivals(receiver, total, 30 * 60_000);
  const cpu = cpuUsOfTree(target.pids()) - cpuBefore;
  const lastArrival = Math.max(...arrivals.map(([, at]) => at));
  const statements = await statementsOf(target);
  const transactions = await pgTransactionsOf(target);
  const sorted = latencies(arrivals, created);
  return {
    deliveries: total,
    perSecond: total / ((lastArrival - started) / 1000),
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    statementsPerDelivery:
      statements !== null && statementsBefore !== null ? (statements - statementsBefore) / total : null,
    pgTransactionsPerDelivery:
      transactions !== null && transactionsBefore !== null
        ? (transactions - transactionsBefore) / total
        : null,
    cpuUsPerDelivery: cpu / total,
    peakRssMb: peakRssMbOfTree(target.pids()),
  };
}

/** Posts `count` messages as fast as `POSTERS` clients can: the closed loop. */
async function postAll(svix: Svix, appId: string, count: number, offset = 0) {
  const created = new Map<string, number>();
  await runPool(
    Array.from({ length: count }, (_, i) => i + offset),
    POSTERS,
    async (n) => {
      const message = await svix.message.create(appId, {
        eventType: 'payment.succeeded',
        payload: payloadOf(n),
      });
      created.set(message.id, new Date(message.timestamp).getTime());
    },
  );
  return created;
}

/** Posts at a fixed rate, whatever the answers' pace: the open loop. */
async function postAtRate(svix: Svix, appId: string, perSecond: number, seconds: number) {
  const created = new Map<string, number>();
  const inFlight: Promise<void>[] = [];
  // Past its capacity a server answers late or not at all: such posts are counted, not retried.
  let refused = 0;
  const started = performance.now();
  const total = perSecond * seconds;
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      svix.message.create(appId, { eventType: 'payment.succeeded', payload: payloadOf(n) }).then(
        (message) => {
          created.set(message.id, new Date(message.timestamp).getTime());
        },
        () => {
          refused++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return { created, refused, offeredPerSecond: total / ((performance.now() - started) / 1000) };
}

function rowOf(
  run: string,
  config: Pick<Row, 'driver' | 'transform' | 'fanout' | 'workers'>,
  figures: Awaited<ReturnType<typeof measure>>,
  note = '',
): Row {
  return { run, ...config, ...figures, note };
}

async function closedLoop(
  receiver: ReceiverProcess,
  driver: 'pglite' | 'postgres',
  fanout: number,
  transform: boolean,
) {
  const target = await startSwitchyard(driver, receiver, 'one process');
  try {
    const { svix, appId } = await createApp(target, receiver, fanout, transform);
    const messages = Math.ceil(DELIVERIES / fanout);
    const figures = await measure({ target, receiver, fanout, run: () => postAll(svix, appId, messages) });
    return rowOf(
      `${driver}, transformation ${transform ? 'on' : 'off'}, fan-out ${fanout}`,
      { driver, transform, fanout, workers: 0 },
      figures,
      `closed loop, ${POSTERS} posters`,
    );
  } finally {
    await target.stop();
  }
}

async function openLoop(receiver: ReceiverProcess, driver: 'pglite' | 'postgres') {
  const target = await startSwitchyard(driver, receiver, 'one process');
  try {
    const { svix, appId } = await createApp(target, receiver, 1, true);
    let offered = 0;
    let refused = 0;
    const figures = await measure({
      target,
      receiver,
      fanout: 1,
      run: async () => {
        const result = await postAtRate(svix, appId, RATE, DURATION_S);
        offered = result.offeredPerSecond;
        refused = result.refused;
        return result.created;
      },
    });
    return rowOf(
      `${driver}, transformation on, fan-out 1, ${RATE} events/s offered for ${DURATION_S} s`,
      { driver, transform: true, fanout: 1, workers: 0 },
      figures,
      `open loop, ${offered.toFixed(0)} events/s sent; ${refused} of ${RATE * DURATION_S} posts not accepted (timed out or refused)`,
    );
  } finally {
    await target.stop();
  }
}

async function scaleOut(receiver: ReceiverProcess, workers: number) {
  const target = await startSwitchyard('postgres', receiver, { workers });
  try {
    const fanout = 10;
    const { svix, appId } = await createApp(target, receiver, fanout, true);
    const messages = Math.ceil(DELIVERIES / fanout);
    const figures = await measure({ target, receiver, fanout, run: () => postAll(svix, appId, messages) });
    return rowOf(
      `postgres, transformation on, fan-out 10, API + ${workers} worker process${workers === 1 ? '' : 'es'}`,
      { driver: 'postgres', transform: true, fanout, workers },
      figures,
      'closed loop',
    );
  } finally {
    await target.stop();
  }
}

/**
 * A backlog of `PENDING` deliveries written straight into PostgreSQL (messages of 10 endpoints) while no
 * worker runs; then one worker starts. Reports its RSS while it drains, and the drain rate over the first
 * `DELIVERIES` deliveries, to compare with the same setup on an empty queue.
 */
async function backlog(receiver: ReceiverProcess) {
  const fresh = await startSwitchyard('postgres', receiver, { workers: 0 });
  try {
    const fanout = 10;
    const { appId } = await createApp(fresh, receiver, fanout, true);
    const messages = Math.ceil(PENDING / fanout);
    const client = new pg.Client({ connectionString: fresh.database!.url });
    await client.connect();
    try {
      const ids = Array.from({ length: messages }, () => createId('msg'));
      for (let start = 0; start < ids.length; start += 50_000) {
        await client.query(
          `insert into messages (id, app_id, event_type, payload, created_at, payload_expires_at)
           select id, $1, 'payment.succeeded', $2::json, now(), now() + interval '90 days' from unnest($3::text[]) id`,
          [appId, JSON.stringify(payloadOf(0)), ids.slice(start, start + 50_000)],
        );
      }
      await client.query(
        `insert into deliveries (app_id, message_id, endpoint_id, next_attempt_at)
         select $1, m.id, e.id, now() from messages m join endpoints e on e.app_id = m.app_id where m.app_id = $1`,
        [appId],
      );
    } finally {
      await client.end();
    }
    await receiver.reset();
    const cpuBefore = cpuUsOfTree(fresh.pids());
    const started = Date.now();
    await fresh.startWorkers(1);
    const worker = fresh.processes.at(-1)!.child.pid!;
    await awaitArrivals(receiver, DELIVERIES, 30 * 60_000).catch(() => undefined);
    const seconds = (Date.now() - started) / 1000;
    const { distinct } = await receiver.count();
    const cpu = cpuUsOfTree(fresh.pids()) - cpuBefore;
    return {
      run: `postgres, transformation on, fan-out 10, API + 1 worker, ${PENDING.toLocaleString('en')} deliveries pending`,
      driver: 'postgres' as const,
      transform: true,
      fanout,
      workers: 1,
      deliveries: distinct,
      perSecond: distinct / seconds,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
      statementsPerDelivery: null,
      pgTransactionsPerDelivery: null,
      cpuUsPerDelivery: cpu / distinct,
      peakRssMb: peakRssMbOfTree([worker]),
      note: `RSS while draining: worker process ${rssMb(worker)} MB (peak ${peakRssMb(worker)} MB), its sandbox processes ${childPidsOf(
        worker,
      )
        .map((pid) => `${rssMb(pid)} MB`)
        .join(', ')} (tree ${rssMbOfTree([worker])} MB); API process ${rssMb(fresh.pids()[0]!)} MB`,
    } satisfies Row;
  } finally {
    await fresh.stop();
  }
}

function printTable(rows: Row[]) {
  const ceiling = rows[0]!.perSecond;
  const fmt = (n: number | null, digits = 0) => (n === null || !Number.isFinite(n) ? '–' : n.toFixed(digits));
  console.log(
    `\n${CONCURRENCY} requests in flight per worker; receiver in its own process; ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), node ${process.version}\n`,
  );
  console.log(
    '| run | deliveries | deliveries/s | vs baseline | p50 ms | p95 ms | p99 ms | statements / delivery | PG transactions / delivery | CPU µs / delivery | peak RSS MB |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.run} | ${r.deliveries} | ${fmt(r.perSecond)} | ${(r.perSecond / ceiling).toFixed(2)} | ${fmt(r.p50Ms)} | ${fmt(r.p95Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.statementsPerDelivery, 2)} | ${fmt(r.pgTransactionsPerDelivery, 2)} | ${fmt(r.cpuUsPerDelivery)} | ${fmt(r.peakRssMb)} |`,
    );
  }
  for (const r of rows) if (r.note) console.log(`- ${r.run}: ${r.note}`);
}

const receiver = await startReceiverProcess();
const rows: Row[] = [];
try {
  rows.push(await baseline(receiver, DELIVERIES));
  const postgres = Boolean(process.env.DATABASE_URL);
  const drivers = DRIVERS.filter((driver) => driver === 'pglite' || postgres);
  if (drivers.length < DRIVERS.length) console.log('(postgres skipped: set DATABASE_URL)');
  for (const driver of drivers) {
    for (const transform of TRANSFORMS) {
      for (const fanout of FANOUTS) rows.push(await closedLoop(receiver, driver, fanout, transform === 'on'));
    }
    if (RATE > 0 && DURATION_S > 0) rows.push(await openLoop(receiver, driver));
  }
  if (postgres) {
    for (const workers of WORKER_COUNTS) rows.push(await scaleOut(receiver, workers));
    if (PENDING > 0) rows.push(await backlog(receiver));
  }
  printTable(rows);
  if (args.json) await writeFile(args.json, JSON.stringify({ concurrency: CONCURRENCY, rows }, null, 2));
} finally {
  await receiver.stop();
}
