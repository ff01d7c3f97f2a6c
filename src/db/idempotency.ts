import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { batchPerTurn } from './batch-per-turn.ts';
import { countAffected, type Executor, rowsOf } from './database.ts';
import { idempotencyKeys } from './schema.ts';

/** Svix replays a key's first successful response for 12 hours. */
export const IDEMPOTENCY_TTL_MS = 12 * 3_600_000;
/** How long a request in flight holds its key before a retry may take over (a crashed request). */
export const IDEMPOTENCY_LOCK_MS = 30_000;

export type Reservation =
  | { state: 'reserved' }
  | { state: 'completed'; status: number; body: string }
  | { state: 'in_flight' };

export function createIdempotencyRepository(db: Executor) {
  /**
   * Takes every key of the batch that is free in one statement (an expired response or a stale lock counts
   * as free), then reads the rest in one more: a burst of requests costs two statements, not two each.
   */
  async function reserveAll(requested: string[]): Promise<Reservation[]> {
    const at = new Date();
    // A key twice in one batch: the first request takes it, the second finds it in flight, as if it came later.
    const keys = [...new Set(requested)];
    const taken = await db.execute(sql`
      insert into idempotency_keys (key_hash, locked_until, expires_at)
      select key_hash, ${new Date(at.getTime() + IDEMPOTENCY_LOCK_MS).toISOString()}::timestamptz,
             ${new Date(at.getTime() + IDEMPOTENCY_TTL_MS).toISOString()}::timestamptz
      from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) as key_hash
      on conflict (key_hash) do update
      set response_status = null, response_body = null,
          locked_until = excluded.locked_until, expires_at = excluded.expires_at
      where idempotency_keys.expires_at < ${at.toISOString()}::timestamptz
         or (idempotency_keys.response_status is null and idempotency_keys.locked_until < ${at.toISOString()}::timestamptz)
      returning key_hash
    `);
    const reserved = new Set(rowsOf<{ key_hash: string }>(taken).map((row) => row.key_hash));
    const others = keys.filter((key) => !reserved.has(key));
    const rows = others.length
      ? await db.select().from(idempotencyKeys).where(inArray(idempotencyKeys.keyHash, others))
      : [];
    const existing = new Map(rows.map((row) => [row.keyHash, row]));
    return requested.map((keyHash): Reservation => {
      if (reserved.delete(keyHash)) return { state: 'reserved' };
      const row = existing.get(keyHash);
      return row?.responseStatus != null && row.responseBody != null
        ? { state: 'completed', status: row.responseStatus, body: row.responseBody }
        : { state: 'in_flight' };
    });
  }

  return {
    /**
     * Takes the key for a new request, unless a completed response is stored (replay it) or another request
     * holds it now. An expired response or a stale lock is taken over. Keys asked for in the same turn of the
     * event loop are taken together.
     */
    reserve: batchPerTurn(reserveAll),

    async complete(keyHash: string, status: number, body: string): Promise<void> {
      await db
        .update(idempotencyKeys)
        .set({ responseStatus: status, responseBody: body })
        .where(eq(idempotencyKeys.keyHash, keyHash));
    },

    /** Frees the key after a failed request, so that a retry runs again. */
    async release(keyHash: string): Promise<void> {
      await db
        .delete(idempotencyKeys)
        .where(and(eq(idempotencyKeys.keyHash, keyHash), isNull(idempotencyKeys.responseStatus)));
    },

    /** Deletes expired keys in bounded batches; returns how many went. */
    async purgeExpired(batchSize = 1000): Promise<number> {
      return countAffected(
        await db.execute(sql`
          delete from idempotency_keys where key_hash in (
            select key_hash from idempotency_keys where expires_at < now() limit ${batchSize} for update skip locked
          )`),
      );
    },
  };
}

export type IdempotencyRepository = ReturnType<typeof createIdempotencyRepository>;
