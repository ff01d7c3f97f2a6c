import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../secrets/index.ts';
import { rowsOf } from './database.ts';
import { openPostgresDatabase } from './postgres/driver.ts';
import { createStore, type Store } from './store.ts';
import { createPostgresTestDatabase, postgresTestUrl } from './testing.ts';

/**
 * Only a server has a second connection that can hold a row lock while the worker renews its leases; PGlite
 * runs one statement at a time.
 */
describe.runIf(postgresTestUrl())('lease renewal on postgres', () => {
  let database: Awaited<ReturnType<typeof createPostgresTestDatabase>>;
  let handle: Awaited<ReturnType<typeof openPostgresDatabase>>;
  let store: Store;

  beforeAll(async () => {
    database = await createPostgresTestDatabase();
    handle = await openPostgresDatabase({ url: database.url, poolSize: 4 });
    store = createStore(handle, createSecretBox(randomBytes(32)));
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  it('renews the leases it can without waiting for a row another transaction holds (regression: a deadlock with the write-back stalled every result for a second)', async () => {
    const app = await store.apps.create({ name: 'Leases' });
    for (const n of [1, 2]) await store.endpoints.create(app.id, { url: `https://example.com/lease/${n}` });
    await store.messages.create(app.id, { eventType: 'a.b', payload: { n: 1 }, retentionHours: 1 });
    const [locked, free] = await store.deliveryQueue.claimDue({ limit: 10, leaseMs: 1_000, perEndpoint: 10 });
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('select id from deliveries where id = $1 for update', [locked!.id]);
      const renewal = store.deliveryQueue.renewLeases([locked!.id, free!.id], 600_000);
      const answer = await Promise.race([renewal.then(() => 'renewed'), sleep(3_000, 'still waiting')]);
      await other.query('rollback');
      await renewal;
      expect(answer).toBe('renewed');
      const rows = rowsOf<{ id: string; lease_left_s: number }>(
        await handle.db.execute(
          sql`select id::text, extract(epoch from next_attempt_at - now())::float8 as lease_left_s
              from deliveries where app_id = ${app.id} order by id`,
        ),
      );
      const leaseOf = (id: number) => rows.find((r) => Number(r.id) === id)!.lease_left_s;
      expect(leaseOf(free!.id)).toBeGreaterThan(500);
      // Skipped now, renewed by the next round, a third of a lease later.
      expect(leaseOf(locked!.id)).toBeLessThan(2);
    } finally {
      await other.end();
    }
  });
});
