import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPostgresTestDatabase, postgresTestUrl } from '../db/testing.ts';
import { runSwitchyard } from './testing.ts';

const MIGRATED = /database schema is up to date on .*: (\d+) migrations applied, the latest \d{4}_\w+/;

// Creating an embedded database takes seconds, more on a busy machine.
describe('switchyard migrate', { timeout: 90_000 }, () => {
  it('migrates the embedded database in the data directory and exits 0, and again with nothing to do', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-migrate-'));
    try {
      const first = await runSwitchyard(['migrate'], { SWITCHYARD_DATA_DIR: dataDir });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(MIGRATED);
      expect(first.stdout).toContain(`embedded PGlite in ${dataDir}`);
      const again = await runSwitchyard(['migrate'], { SWITCHYARD_DATA_DIR: dataDir });
      expect(again.code).toBe(0);
      expect(MIGRATED.exec(again.stdout)?.[1]).toBe(MIGRATED.exec(first.stdout)?.[1]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it.runIf(postgresTestUrl())(
    'migrates PostgreSQL from several processes at once, each finding the schema complete',
    async () => {
      const database = await createPostgresTestDatabase();
      try {
        const runs = await Promise.all(
          [1, 2, 3].map(() => runSwitchyard(['migrate'], { DATABASE_URL: database.url })),
        );
        for (const run of runs) {
          expect(run.stderr).toBe('');
          expect(run.code).toBe(0);
          expect(run.stdout).toMatch(MIGRATED);
        }
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          const tables = await client.query(
            "select count(*)::int as n from information_schema.tables where table_name in ('messages', 'deliveries')",
          );
          expect(tables.rows[0].n).toBe(2);
        } finally {
          await client.end();
        }
      } finally {
        await database.drop();
      }
    },
  );

  it('stops with exit code 2 and the setting named when the database URL is wrong', async () => {
    const run = await runSwitchyard(['migrate'], { DATABASE_URL: 'mysql://localhost/switchyard' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DATABASE_URL: must be a postgres/);
  });
});
