import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import {
  countCalls,
  type Database,
  type DatabaseHandle,
  migrationsFolder,
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
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
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
  return {
    driver: 'postgres',
    db,
    statements,
    async close() {
      await pool.end();
    },
  };
}
