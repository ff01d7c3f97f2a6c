import { sql } from 'drizzle-orm';
import { countAffected, type Executor } from './database.ts';

const BATCH = 1000;

/**
 * Purges what retention says to forget, in short batches that skip rows others hold, so it can run beside
 * live traffic: message payloads past their expiry, and attempt response bodies older than the cutoff.
 * Message and attempt records themselves stay.
 */
export function createRetentionRepository(db: Executor) {
  return {
    async purgeExpiredPayloads(): Promise<number> {
      return countAffected(
        await db.execute(sql`
          update messages set payload = null where id in (
            select id from messages where payload is not null and payload_expires_at < now()
            limit ${BATCH} for update skip locked)`),
      );
    },

    async purgeAttemptResponses(olderThan: Date): Promise<number> {
      return countAffected(
        await db.execute(sql`
          update attempts set response = null where id in (
            select id from attempts where response is not null and created_at < ${olderThan.toISOString()}::timestamptz
            limit ${BATCH} for update skip locked)`),
      );
    },
  };
}

export type RetentionRepository = ReturnType<typeof createRetentionRepository>;
