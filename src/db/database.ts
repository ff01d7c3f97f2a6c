import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.ts';

/** The Drizzle database every repository works on, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A database transaction or the database itself: repositories accept either. */
export type Executor = Pick<Database, 'select' | 'insert' | 'update' | 'delete' | 'execute' | 'transaction'>;

export type DriverName = 'pglite' | 'postgres';

/** An open database, the same shape for every driver. */
export interface DatabaseHandle {
  readonly driver: DriverName;
  readonly db: Database;
  /** SQL statements sent since open (transaction control included), for tests and benchmarks that count them. */
  readonly statements: StatementCounter;
  /**
   * Calls `onNotify` for each NOTIFY on `channel` (and once after a lost connection comes back, since
   * notifications may have been missed meanwhile).
   * @returns a function that stops listening
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** Connections open, idle, and queries waiting for one (null where the driver cannot tell). */
  connections(): ConnectionUse;
  close(): Promise<void>;
}

export interface ConnectionUse {
  open: number;
  idle: number | null;
  waiting: number | null;
}

/** The channel the ingest transaction notifies when it queued deliveries. */
export const DELIVERY_CHANNEL = 'switchyard_deliveries';

export interface StatementCounter {
  count: number;
}

/**
 * Set on every connection. The deliveries table changes faster than its statistics can follow: with a
 * backlog, the planner (believing few rows due) claimed through a bitmap scan of every due row and a sort,
 * 10 to 40 ms a claim at 70,000 due, where the ordered index scan that stops at the first rows it can lock
 * takes about 1 ms. No query of Switchyard's needs a bitmap scan; the planner still uses one where nothing
 * else can answer.
 */
export const SESSION_SETTINGS = { enable_bitmapscan: 'off' } as const;

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Wraps a client method so that every call counts as one statement. Drivers apply it at the lowest layer
 * they can reach, so that `begin` and `commit` count too.
 */
export function countCalls<T extends object, K extends keyof T>(
  target: T,
  method: K,
  counter: StatementCounter,
  statementsPerCall = 1,
): void {
  const original = target[method] as (...args: unknown[]) => unknown;
  target[method] = function (this: unknown, ...args: unknown[]) {
    counter.count += statementsPerCall;
    return original.apply(this, args);
  } as T[K];
}

/** Rows of a raw `db.execute()`: both drivers return them as `rows`, but Drizzle's shared type does not say so. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** Rows changed by a raw `db.execute()` update or delete, whichever driver ran it. */
export function countAffected(result: unknown): number {
  const { rowCount, affectedRows } = result as { rowCount?: number | null; affectedRows?: number };
  return Number(rowCount ?? affectedRows ?? 0);
}
