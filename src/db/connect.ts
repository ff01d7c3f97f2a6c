import path from 'node:path';
import type { DatabaseHandle } from './database.ts';
import { openPgliteDatabase } from './pglite/driver.ts';
import { openPostgresDatabase } from './postgres/driver.ts';

export interface OpenDatabaseOptions {
  /** A postgres:// URL selects PostgreSQL; without it the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  dataDir: string;
  poolSize?: number;
}

/** Opens the configured database with migrations applied. */
export function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    return openPostgresDatabase({ url: options.databaseUrl, poolSize: options.poolSize ?? 10 });
  }
  return openPgliteDatabase({ dataDir: path.join(options.dataDir, 'pglite') });
}
