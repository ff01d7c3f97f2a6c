import { eq, sql } from 'drizzle-orm';
import { createId, idFloor } from '../secrets/index.ts';
import { DELIVERY_CHANNEL, type Executor, rowsOf } from './database.ts';
import { allOf, fetchPage, type Page, type PageRequest } from './pagination.ts';
import { type BackgroundTaskKind, backgroundTasks, DeliveryStatus } from './schema.ts';

export type BackgroundTask = typeof backgroundTasks.$inferSelect;

/** Channel notified when a task is created, so that an idle worker picks it up at once. */
export const TASK_CHANNEL = 'switchyard_tasks';

/** Messages looked at per chunk: one short statement each, however long the history. */
export const TASK_CHUNK = 1000;

interface ChunkResult {
  last: string | null;
  scanned: number;
  queued: number;
}

/** Endpoint filters in SQL: event types and channels as the fan-out applies them. */
const matchesEndpoint = sql`(e.event_types is null or m.event_type = any(e.event_types))
  and (e.channels is null or e.channels && m.channels)`;

/**
 * Recover, replay-missing and bulk replay over an endpoint's history, done in chunks by whichever worker
 * holds the task. Each chunk is idempotent (it only moves failed rows back, or inserts missing ones), so a
 * task resumed after a crash, or started twice, sends nothing twice.
 */
export function createBackgroundTaskRepository(db: Executor) {
  function runChunk(task: BackgroundTask): Promise<ChunkResult> {
    const from = idFloor('msg', task.since);
    const to = idFloor('msg', task.until);
    const cursor = task.cursor ?? '';
    const chunk = sql`
      select m.id, m.app_id, m.event_type, m.channels from messages m
      where m.app_id = ${task.appId} and m.id > ${cursor} and m.id >= ${from} and m.id < ${to}
      order by m.id limit ${TASK_CHUNK}`;
    const pending = DeliveryStatus.pending;
    const action =
      task.kind === 'endpoint.recover'
        ? sql`update deliveries d set status = ${pending}, manual = true, next_attempt_at = now(), updated_at = now()
              from chunk m where d.message_id = m.id and d.endpoint_id = ${task.endpointId}
                and d.status = ${DeliveryStatus.fail}
              returning 1`
        : task.kind === 'endpoint.replay'
          ? sql`insert into deliveries (app_id, message_id, endpoint_id, next_attempt_at)
                select m.app_id, m.id, e.id, now() from chunk m join endpoints e on e.id = ${task.endpointId}
                where ${matchesEndpoint}
                on conflict (message_id, endpoint_id) do nothing
                returning 1`
          : sql`insert into deliveries (app_id, message_id, endpoint_id, next_attempt_at, manual)
                select m.app_id, m.id, e.id, now(), true from chunk m join endpoints e on e.id = ${task.endpointId}
                where ${matchesEndpoint}
                on conflict (message_id, endpoint_id) do update
                  set status = ${pending}, manual = true, next_attempt_at = now(), updated_at = now()
                  where deliveries.status not in (${pending}, ${DeliveryStatus.sending})
                returning 1`;
    return db
      .execute(sql`
        with chunk as (${chunk}), acted as (${action})
        select (select max(id) from chunk) as last, (select count(*) from chunk)::int as scanned,
               (select count(*) from acted)::int as queued,
               (select count(*) from (select pg_notify(${DELIVERY_CHANNEL}, '') from acted limit 1) n)::int as notified`)
      .then((result) => {
        const row = rowsOf<{ last: string | null; scanned: number; queued: number }>(result)[0]!;
        return { last: row.last, scanned: Number(row.scanned), queued: Number(row.queued) };
      });
  }

  return {
    async create(input: {
      appId: string;
      endpointId: string;
      kind: BackgroundTaskKind;
      since: Date;
      until: Date;
    }) {
      const [task] = await db
        .insert(backgroundTasks)
        .values({ id: createId('qtask'), ...input })
        .returning();
      await db.execute(sql`select pg_notify(${TASK_CHANNEL}, '')`);
      return task!;
    },

    async find(id: string): Promise<BackgroundTask | undefined> {
      const [row] = await db.select().from(backgroundTasks).where(eq(backgroundTasks.id, id)).limit(1);
      return row;
    },

    list(page: PageRequest, appId?: string): Promise<Page<BackgroundTask>> {
      return fetchPage(
        page,
        backgroundTasks.id,
        (row: BackgroundTask) => row.id,
        (cursor, orderBy, limit) =>
          db
            .select()
            .from(backgroundTasks)
            .where(allOf(cursor, appId ? eq(backgroundTasks.appId, appId) : undefined))
            .orderBy(orderBy)
            .limit(limit),
      );
    },

    /** Takes one running task whose lease has lapsed (new, or left by a dead worker). */
    async claim(leaseMs: number): Promise<BackgroundTask | undefined> {
      const result = await db.execute(sql`
        update background_tasks set leased_until = now() + ${leaseMs}::float8 * interval '1 millisecond', updated_at = now()
        where id = (
          select id from background_tasks where status = 'running' and leased_until <= now()
          order by id limit 1 for update skip locked)
        returning id`);
      const id = rowsOf<{ id: string }>(result)[0]?.id;
      return id ? this.find(id) : undefined;
    },

    /** Does the next chunk and records progress; returns the task as it now stands. */
    async advance(task: BackgroundTask, leaseMs: number): Promise<BackgroundTask> {
      const chunk = await runChunk(task);
      const done = chunk.scanned < TASK_CHUNK;
      const [row] = await db
        .update(backgroundTasks)
        .set({
          cursor: chunk.last ?? task.cursor,
          processed: task.processed + chunk.queued,
          status: done ? 'finished' : 'running',
          leasedUntil: new Date(Date.now() + leaseMs),
          updatedAt: new Date(),
        })
        .where(eq(backgroundTasks.id, task.id))
        .returning();
      return row!;
    },

    async fail(id: string, error: string): Promise<void> {
      await db
        .update(backgroundTasks)
        .set({ status: 'failed', error, updatedAt: new Date() })
        .where(eq(backgroundTasks.id, id));
    },
  };
}

export type BackgroundTaskRepository = ReturnType<typeof createBackgroundTaskRepository>;
