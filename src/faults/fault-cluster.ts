import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPostgresTestDatabase } from '../db/testing.ts';
import { type SwitchyardProcess, spawnSwitchyard } from '../server/spawn-switchyard.ts';

export interface FaultClusterOptions {
  /** `postgres` makes a database of its own on `DATABASE_URL`'s server; `pglite` embeds one in the data directory. */
  database: 'postgres' | 'pglite';
  /** Settings over the compressed defaults below. */
  env?: Record<string, string>;
}

export interface FaultCluster {
  /** The API's fixed address: a process restarted in its place answers here again. */
  url: string;
  token: string;
  databaseUrl: string | undefined;
  /** `switchyard api` on the cluster's port. */
  api(): Promise<SwitchyardProcess>;
  /** `switchyard worker` (PostgreSQL only). */
  worker(): Promise<SwitchyardProcess>;
  /** `switchyard start`: API and worker in one process, on the cluster's port. */
  start(): Promise<SwitchyardProcess>;
  /** Every process started and not yet killed or stopped. */
  running(): SwitchyardProcess[];
  /** SIGKILL. */
  kill(process: SwitchyardProcess): Promise<void>;
  /** Kills what runs, drops the database, removes the data directory. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Real Switchyard processes (`api`, `worker`, `start`) sharing one database, data directory, token and
 * secret key, with the timings compressed so that a fault scenario fits in seconds: retries after 1–5 s,
 * leases of 3 s, polls every 200 ms.
 */
export async function startFaultCluster(options: FaultClusterOptions): Promise<FaultCluster> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-faults-'));
  const database = options.database === 'postgres' ? await createPostgresTestDatabase() : undefined;
  const port = await freePort();
  const token = `sy_admin_faults_${randomBytes(12).toString('hex')}`;
  const env: Record<string, string> = {
    PORT: String(port),
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_ADMIN_TOKEN: token,
    SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64'),
    SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
    SWITCHYARD_DELIVERY_TIMEOUT_MS: '2000',
    SWITCHYARD_DELIVERY_LEASE_MS: '3000',
    SWITCHYARD_RETRY_SCHEDULE: '1,1,2,2,3,3,5',
    SWITCHYARD_POLL_INTERVAL_MS: '200',
    SWITCHYARD_DB_POOL_SIZE: '6',
    // An embedded cluster must not inherit the DATABASE_URL that names the test server.
    DATABASE_URL: database?.url ?? '',
    ...options.env,
  };
  const processes = new Set<SwitchyardProcess>();
  const spawnTracked = async (command: 'api' | 'worker' | 'start') => {
    const started = await spawnSwitchyard(command, env);
    processes.add(started);
    started.child.once('exit', () => processes.delete(started));
    return started;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    databaseUrl: database?.url,
    api: () => spawnTracked('api'),
    worker: () => spawnTracked('worker'),
    start: () => spawnTracked('start'),
    running: () => [...processes],
    kill: (target) => target.kill(),
    async close() {
      await Promise.all([...processes].map((p) => p.kill()));
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
