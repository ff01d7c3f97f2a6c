import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { countAffected, type Executor } from './database.ts';
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
  const now = () => new Date();
  return {
    /**
     * Takes the key for a new request, unless a completed response is stored (replay it) or another request
     * holds it now. An expired response or a stale lock is taken over.
     */
    async reserve(keyHash: string): Promise<Reservation> {
      const at = now();
      const [taken] = await db
        .insert(idempotencyKeys)
        .values({
          keyHash,
          lockedUntil: new Date(at.getTime() + IDEMPOTENCY_LOCK_MS),
          expiresAt: new Date(at.getTime() + IDEMPOTENCY_TTL_MS),
        })
        .onConflictDoUpdate({
          target: idempotencyKeys.keyHash,
          set: {
            responseStatus: null,
            responseBody: null,
            lockedUntil: sql`excluded.locked_until`,
            expiresAt: sql`excluded.expires_at`,
          },
          setWhere: or(
            lt(idempotencyKeys.expiresAt, at),
            and(isNull(idempotencyKeys.responseStatus), lt(idempotencyKeys.lockedUntil, at)),
          ),
        })
        .returning({ keyHash: idempotencyKeys.keyHash });
      if (taken) return { state: 'reserved' };
      const [row] = await db
        .select()
        .from(idempotencyKeys)
        .where(eq(idempotencyKeys.keyHash, keyHash))
        .limit(1);
      if (row?.responseStatus != null && row.responseBody != null) {
        return { state: 'completed', status: row.responseStatus, body: row.responseBody };
      }
      return { state: 'in_flight' };
    },

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
