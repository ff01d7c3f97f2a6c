import { and, count, eq, gte, lt, sql } from 'drizzle-orm';
import type { Executor } from './database.ts';
import { attempts, DeliveryStatus } from './schema.ts';

export interface ActivityWindow {
  since: Date;
  until: Date;
  bucketSeconds: number;
  endpointId?: string | undefined;
}

/** Attempts that succeeded and failed in one time bucket, to one endpoint. */
export interface ActivityRow {
  start: Date;
  endpointId: string;
  success: number;
  fail: number;
}

/** Delivery activity over time: attempt outcomes counted per time bucket and endpoint, in one query. */
export function createActivityRepository(db: Executor) {
  return {
    async attemptsOverTime(appId: string, window: ActivityWindow): Promise<ActivityRow[]> {
      const size = sql.raw(String(Math.trunc(window.bucketSeconds)));
      const bucket = sql<number>`floor(extract(epoch from ${attempts.createdAt}) / ${size}) * ${size}`;
      const rows = await db
        .select({
          start: bucket,
          endpointId: attempts.endpointId,
          success: count(sql`case when ${attempts.status} = ${DeliveryStatus.success} then 1 end`),
          fail: count(sql`case when ${attempts.status} = ${DeliveryStatus.fail} then 1 end`),
        })
        .from(attempts)
        .where(
          and(
            eq(attempts.appId, appId),
            gte(attempts.createdAt, window.since),
            lt(attempts.createdAt, window.until),
            window.endpointId ? eq(attempts.endpointId, window.endpointId) : undefined,
          ),
        )
        .groupBy(bucket, attempts.endpointId)
        .orderBy(bucket);
      return rows.map((row) => ({
        start: new Date(Number(row.start) * 1000),
        endpointId: row.endpointId,
        success: Number(row.success),
        fail: Number(row.fail),
      }));
    },
  };
}
