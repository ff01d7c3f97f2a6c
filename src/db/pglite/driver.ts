import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import {
  countCalls,
  type Database,
  type DatabaseHandle,
  migrationsFolder,
  SESSION_SETTINGS,
  type StatementCounter,
} from '../database.ts';
import * as schema from '../schema.ts';

export interface PgliteOptions {
  /** Data directory; omitted, the database lives in memory (tests). */
  dataDir?: string;
}

/**
 * Opens embedded PostgreSQL (PGlite) and applies the migrations. Only one process may open a data directory.
 */
export async function openPgliteDatabase(options: PgliteOptions = {}): Promise<DatabaseHandle> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const client = await PGlite.create(options.dataDir);
  for (const [name, value] of Object.entries(SESSION_SETTINGS)) await client.exec(`set ${name} = ${value}`);
  const db = drizzle(client, { schema }) as unknown as Database;
  await migrate(db as never, { migrationsFolder });
  const statements: StatementCounter = { count: 0 };
  countCalls(client, 'query', statements);
  countCalls(client, 'exec', statements);
  const transaction = client.transaction.bind(client);
  client.transaction = (callback) => {
    // BEGIN and COMMIT (or ROLLBACK) are sent inside transaction(); the statements in between go through tx.
    statements.count += 2;
    return transaction((tx) => {
      countCalls(tx, 'query', statements);
      countCalls(tx, 'exec', statements);
      return callback(tx);
    });
  };
  return {
    driver: 'pglite',
    db,
    statements,
    listen: (channel, onNotify) => client.listen(channel, onNotify),
    // One embedded connection, which queues queries inside PGlite, where nothing says how many wait.
    connections: () => ({ open: 1, idle: null, waiting: null }),
    async close() {
      await client.close();
    },
  };
}
