import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseHandle } from './database.ts';
import { openPgliteDatabase } from './pglite/driver.ts';
import { openPostgresDatabase } from './postgres/driver.ts';

/** A way to open a fresh, empty, migrated database for one test file. */
export interface TestDriver {
  name: 'pglite' | 'postgres';
  open(): Promise<DatabaseHandle>;
}

/**
 * The PostgreSQL server tests run against: `DATABASE_URL`. In CI it must be set, so that no suite is skipped
 * there; elsewhere, without it, only PGlite runs.
 */
export function postgresTestUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  if (!url && process.env.CI)
    throw new Error('DATABASE_URL must be set in CI: every storage test runs on PostgreSQL too');
  return url;
}

/** Creates a database of its own on the test server, so that test files running in parallel do not meet. */
export async function createPostgresTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const baseUrl = postgresTestUrl();
  if (!baseUrl) throw new Error('DATABASE_URL is not set');
  const name = `switchyard_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** The drivers every storage test runs on: PGlite always, PostgreSQL when a server is configured. */
export function testDrivers(): TestDriver[] {
  const drivers: TestDriver[] = [{ name: 'pglite', open: () => openPgliteDatabase() }];
  if (postgresTestUrl()) {
    drivers.push({
      name: 'postgres',
      async open() {
        const database = await createPostgresTestDatabase();
        const handle = await openPostgresDatabase({ url: database.url, poolSize: 4 });
        return {
          ...handle,
          async close() {
            await handle.close();
            await database.drop();
          },
        };
      },
    });
  }
  return drivers;
}
