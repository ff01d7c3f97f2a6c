import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lt, sql } from 'drizzle-orm';
import { type Executor, migrationsFolder, rowsOf } from './database.ts';
import { workerHeartbeats } from './schema.ts';

/** Migrations this build ships; a database that has applied fewer is behind it. */
const KNOWN_MIGRATIONS = (
  JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  }
).entries.length;

export interface WorkerBeat {
  id: string;
  hostname: string;
  pid: number;
  startedAt: Date;
}

export interface Readiness {
  migrationsApplied: number;
  migrationsKnown: number;
  /** Worker processes that reported within the window asked for. */
  liveWorkers: number;
}

/** What a readiness probe needs to know about the database, and the heartbeats of delivery workers. */
export function createReadinessRepository(db: Executor) {
  return {
    /** One statement: reachability, migrations applied, and live workers. */
    async check(liveWithinMs: number): Promise<Readiness> {
      const result = await db.execute(sql`
        select (select count(*) from drizzle.__drizzle_migrations)::int as applied,
               (select count(*) from worker_heartbeats
                where seen_at > now() - ${liveWithinMs}::float8 * interval '1 millisecond')::int as live
      `);
      const row = rowsOf<{ applied: number; live: number }>(result)[0]!;
      return {
        migrationsApplied: Number(row.applied),
        migrationsKnown: KNOWN_MIGRATIONS,
        liveWorkers: Number(row.live),
      };
    },

    /** Records that a worker process is alive, and forgets processes silent for longer than `forgetAfterMs`. */
    async beat(worker: WorkerBeat, forgetAfterMs: number): Promise<void> {
      await db
        .insert(workerHeartbeats)
        .values({ ...worker, seenAt: sql`now()` })
        .onConflictDoUpdate({ target: workerHeartbeats.id, set: { seenAt: sql`now()` } });
      await db
        .delete(workerHeartbeats)
        .where(lt(workerHeartbeats.seenAt, sql`now() - ${forgetAfterMs}::float8 * interval '1 millisecond'`));
    },

    /** A worker stopping cleanly leaves at once rather than when its heartbeat goes stale. */
    async leave(id: string): Promise<void> {
      await db.delete(workerHeartbeats).where(sql`${workerHeartbeats.id} = ${id}`);
    },
  };
}
