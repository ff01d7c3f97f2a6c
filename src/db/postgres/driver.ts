import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import {
  countCalls,
  type Database,
  type DatabaseHandle,
  migrationsFolder,
  SESSION_SETTINGS,
  type StatementCounter,
} from '../database.ts';
import * as schema from '../schema.ts';

export interface PostgresOptions {
  url: string;
  poolSize?: number;
}

/** Any fixed number: it only has to be the same in every Switchyard process. */
const MIGRATION_LOCK_ID = 7_405_922_611;

/**
 * Connects to PostgreSQL and applies the migrations under an advisory lock, so that several processes
 * starting at once migrate one after the other.
 */
export async function openPostgresDatabase(options: PostgresOptions): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    options: Object.entries(SESSION_SETTINGS)
      .map(([name, value]) => `-c ${name}=${value}`)
      .join(' '),
  });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const statements: StatementCounter = { count: 0 };
  pool.on('connect', (client) => countCalls(client, 'query', statements));
  const db = drizzle(pool, { schema }) as unknown as Database;
  // The lock lives on its own connection so that a pool of one can still run the migrations.
  const lock = new pg.Client({ connectionString: options.url });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await migrate(db as never, { migrationsFolder });
  } catch (error) {
    await pool.end();
    throw error;
  } finally {
    await lock.end();
  }
  const listeners = new Set<() => Promise<void>>();
  return {
    driver: 'postgres',
    db,
    statements,
    async listen(channel, onNotify) {
      const stop = await listenWithReconnect(options.url, channel, onNotify);
      listeners.add(stop);
      return async () => {
        listeners.delete(stop);
        await stop();
      };
    },
    connections: () => ({ open: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await Promise.all([...listeners].map((stop) => stop()));
      await pool.end();
    },
  };
}

/** LISTEN on a connection of its own, reconnecting with backoff when the server goes away. */
async function listenWithReconnect(
  url: string,
  channel: string,
  onNotify: () => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    next.on('error', () => reconnect());
    next.on('end', () => reconnect());
    await next.connect();
    await next.query(`listen ${pg.escapeIdentifier(channel)}`);
    client = next;
    failures = 0;
  }

  function reconnect() {
    if (stopped || retry) return;
    client = undefined;
    failures++;
    retry = setTimeout(
      () => {
        retry = undefined;
        connect().then(onNotify, () => reconnect());
      },
      Math.min(100 * 2 ** failures, 10_000),
    );
    retry.unref();
  }

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}
