import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrationsFolder, rowsOf } from '../db/database.ts';
import { openDatabase } from '../db/index.ts';
import { loadCliConfig } from './load-cli-config.ts';

/**
 * `switchyard migrate`: brings the database schema up to date and exits, for deploy pipelines that migrate
 * before starting new processes. Opening the database is what migrates; on PostgreSQL under an advisory lock,
 * so concurrent runs (and starting servers) take turns and each finds the work done.
 */
export async function runMigrate(options: { config?: string }): Promise<void> {
  const config = loadCliConfig(options.config);
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.SWITCHYARD_DATA_DIR,
    poolSize: 1,
  });
  try {
    const [row] = rowsOf<{ applied: number }>(
      await database.db.execute(sql`select count(*)::int as applied from drizzle.__drizzle_migrations`),
    );
    const journal = JSON.parse(
      readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8'),
    ) as {
      entries: { tag: string }[];
    };
    const where =
      database.driver === 'pglite'
        ? `embedded PGlite in ${path.resolve(config.SWITCHYARD_DATA_DIR)}`
        : 'PostgreSQL';
    process.stdout.write(
      `database schema is up to date on ${where}: ${Number(row?.applied ?? 0)} migrations applied, the latest ${journal.entries.at(-1)?.tag}\n`,
    );
  } finally {
    await database.close();
  }
}
