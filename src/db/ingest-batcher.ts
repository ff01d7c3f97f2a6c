import { sql } from 'drizzle-orm';
import { DELIVERY_CHANNEL, type Executor, rowsOf } from './database.ts';
import type { Message } from './messages.ts';

/** The idempotency record a message's creation completes, its response already rendered. */
export interface CompletedResponse {
  keyHash: string;
  status: number;
  body: string;
}

interface Waiting {
  message: Message;
  completes: CompletedResponse | undefined;
  resolve: (deliveries: number | 'conflict') => void;
  reject: (error: unknown) => void;
  /** Stores this message alone, in its own transaction: used when the batch it was in failed. */
  alone: () => Promise<number | 'conflict'>;
}

/** Bounds on one statement: its parameter size, and how long its transaction holds its rows. */
const MAX_BATCH = 500;
/** While this many batches are in the database, new messages wait and join the next: group commit. */
const MAX_IN_FLIGHT = 2;

/**
 * Stores the messages that arrive while the database is busy in one statement: the messages, their
 * deliveries to every matching endpoint, the completion of their idempotency keys and one NOTIFY, atomically.
 * At rest a message goes alone, at once; under load each statement carries many, so ingest costs a fraction of
 * a statement per message. A batch the database refuses (an app deleted meanwhile, say) is retried message by
 * message, so that the error reaches only the request it belongs to.
 */
export function createIngestBatcher(db: Executor) {
  let waiting: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function store(batch: Waiting[]) {
    const rows = batch.map(({ message: m, completes }) => ({
      id: m.id,
      app_id: m.appId,
      event_id: m.eventId,
      event_type: m.eventType,
      payload: m.payload,
      channels: m.channels,
      tags: m.tags,
      request_id: m.requestId,
      created_at: m.createdAt.toISOString(),
      payload_expires_at: m.payloadExpiresAt.toISOString(),
      key_hash: completes?.keyHash ?? null,
      response_status: completes?.status ?? null,
      response_body: completes?.body ?? null,
    }));
    const result = await db.execute(sql`
      with input as (
        select * from json_to_recordset(${JSON.stringify(rows)}::json) as x(
          id text, app_id text, event_id text, event_type text, payload json, channels text[], tags text[],
          request_id text, created_at timestamptz, payload_expires_at timestamptz,
          key_hash text, response_status int, response_body text)
      ), inserted as (
        insert into messages (id, app_id, event_id, event_type, payload, channels, tags, request_id, created_at, payload_expires_at)
        select id, app_id, event_id, event_type, payload, channels, tags, request_id, created_at, payload_expires_at
        from input
        on conflict (app_id, event_id) do nothing
        returning id, app_id, event_type, channels, created_at
      ), fanned_out as (
        insert into deliveries (app_id, message_id, endpoint_id, next_attempt_at, manual)
        select e.app_id, m.id, e.id, m.created_at, false
        from inserted m
        join endpoints e on e.app_id = m.app_id
        where e.deleted_at is null and not e.disabled
          and (e.event_types is null or m.event_type = any(e.event_types))
          and (e.channels is null or e.channels && m.channels)
        returning message_id
      ), completed as (
        update idempotency_keys k
        set response_status = i.response_status, response_body = i.response_body
        from input i join inserted m on m.id = i.id
        where i.key_hash is not null and k.key_hash = i.key_hash
        returning 1
      ), counted as (
        select message_id, count(*)::int as deliveries from fanned_out group by message_id
      )
      select m.id, coalesce(c.deliveries, 0) as deliveries,
             (select count(*) from completed)::int as completed,
             (select count(*) from (select pg_notify(${DELIVERY_CHANNEL}, '') from fanned_out limit 1) n)::int as notified
      from inserted m left join counted c on c.message_id = m.id
    `);
    return new Map(
      rowsOf<{ id: string; deliveries: number }>(result).map((r) => [r.id, Number(r.deliveries)]),
    );
  }

  async function run(batch: Waiting[]) {
    inFlight++;
    try {
      const stored = await store(batch);
      for (const entry of batch) entry.resolve(stored.get(entry.message.id) ?? 'conflict');
    } catch {
      for (const entry of batch) entry.alone().then(entry.resolve, entry.reject);
    } finally {
      inFlight--;
      flush();
    }
  }

  function flush() {
    while (waiting.length && inFlight < MAX_IN_FLIGHT) {
      const batch = waiting.slice(0, MAX_BATCH);
      waiting = waiting.slice(MAX_BATCH);
      void run(batch);
    }
  }

  return {
    /** @returns how many deliveries the message made, or 'conflict' when its app has its eventId already */
    add(message: Message, completes: CompletedResponse | undefined, alone: Waiting['alone']) {
      return new Promise<number | 'conflict'>((resolve, reject) => {
        waiting.push({ message, completes, resolve, reject, alone });
        // Requests parsed in the same turn of the event loop go together.
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            flush();
          });
        }
      });
    },
  };
}
