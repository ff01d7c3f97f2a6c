import { type SQL, sql } from 'drizzle-orm';
import type { SecretBox } from '../secrets/index.ts';
import { DELIVERY_CHANNEL, type Executor, rowsOf } from './database.ts';
import { DeliveryStatus, type DeliveryStatusCode, type PreviousSecret } from './schema.ts';

/** A delivery a worker holds, with what it needs to send it. */
export interface ClaimedDelivery {
  id: number;
  appId: string;
  messageId: string;
  endpointId: string;
  /** Attempts made, this one included. */
  attemptCount: number;
  manual: boolean;
  eventType: string;
  /**
   * The payload as the JSON text it was posted in, null when it was expunged or expired: the body of a plain
   * delivery, and what a transformation's sandbox parses. The deliveries of one message in a claim share it.
   */
  payloadJson: string | null;
  messageCreatedAt: Date;
  /** The id of the API request that created the message, for the delivery's log lines. */
  requestId: string | null;
  url: string;
  /** Keys that sign now, current first. */
  signingSecrets: string[];
  headers: Record<string, string>;
  /** Messages per second, from the endpoint or else its app. */
  throttleRate: number | null;
  /** The endpoint was disabled or deleted after the delivery was queued. */
  stopped: boolean;
  /** The endpoint's transformation as it is now (a fix applies to retries), when enabled. */
  transformation: { code: string; variables: Record<string, string> } | null;
  /** The integration card the endpoint was made from, with its credentials opened. */
  connector: { id: string; region: string | null; credentials: Record<string, string> } | null;
}

/** What one attempt (or a decision not to attempt) did to a delivery. */
export interface DeliveryOutcome {
  deliveryId: number;
  appId: string;
  messageId: string;
  endpointId: string;
  status: DeliveryStatusCode;
  attemptCount: number;
  nextAttemptAt: Date | null;
  attempt?: {
    id: string;
    url: string;
    status: DeliveryStatusCode;
    statusCode: number;
    response: string;
    durationMs: number;
    errorClass: string | null;
    triggerType: 0 | 1;
    at: Date;
    /** Whether it says something about the endpoint's health (a real send, not a cancellation). */
    countsForHealth: boolean;
  };
}

export interface QueueDepth {
  queued: number;
  due: number;
  oldestDueSeconds: number;
}

export interface ClaimOptions {
  limit: number;
  leaseMs: number;
  /** At most this many deliveries of one endpoint per claim, so one backlog cannot crowd out the rest. */
  perEndpoint: number;
}

export interface ThrottleRequest {
  endpointId: string;
  wanted: number;
  rate: number;
}

export interface ThrottleGrant {
  granted: number;
  /** When the first granted slot is; the others follow every 1/rate seconds. */
  firstSlotAt: Date;
  /** When the slot after the granted ones is free. */
  nextFreeAt: Date;
}

interface ClaimRow {
  id: number | string;
  app_id: string;
  message_id: string;
  endpoint_id: string;
  attempt_count: number;
  manual: boolean;
  event_type: string;
  /** On one row per message of the claim, null on the others (and when the payload is gone). */
  payload_json: string | null;
  request_id: string | null;
  message_created_at: string | Date;
  url: string;
  secret: string;
  previous_secrets: PreviousSecret[] | string;
  headers: string | null;
  endpoint_updated_at: string | Date;
  throttle_rate: number | null;
  stopped: boolean;
  transformation_code: string | null;
  transformation_variables: Record<string, string> | string;
  connector_id: string | null;
  connector_region: string | null;
  connector_credentials: string | null;
}

const asDate = (value: string | Date) => (value instanceof Date ? value : new Date(value));

/** Moves the opened credentials under the connector they belong to. */
function withConnector(
  row: ClaimRow,
  opened: { signingSecrets: string[]; headers: Record<string, string>; credentials: Record<string, string> },
) {
  const { credentials, ...rest } = opened;
  return {
    ...rest,
    connector: row.connector_id ? { id: row.connector_id, region: row.connector_region, credentials } : null,
  };
}

/**
 * The claim, as one statement: the oldest due deliveries, at most `perEndpoint` of one endpoint, locked and
 * leased, with what sending them needs. It ranks a few candidates from the due index and locks among those
 * by primary key (`= any (array(…))`): given `in (select …)`, the planner could hash-join the candidates
 * against every due row instead.
 */
export function claimStatement(options: ClaimOptions): SQL {
  const scan = Math.max(options.limit * 4, 256);
  return sql`
    with candidates as (
      select id, endpoint_id, next_attempt_at from deliveries
      where status in (${DeliveryStatus.pending}, ${DeliveryStatus.sending}) and next_attempt_at <= now()
      order by next_attempt_at
      limit ${scan}
    ), fair as (
      select id from (
        select id, row_number() over (partition by endpoint_id order by next_attempt_at) as rank from candidates
      ) ranked where rank <= ${options.perEndpoint}
    ), claimed as (
      update deliveries d
      set status = ${DeliveryStatus.sending},
          next_attempt_at = now() + ${options.leaseMs}::float8 * interval '1 millisecond',
          attempt_count = case when d.manual then d.attempt_count else d.attempt_count + 1 end,
          updated_at = now()
      where d.id in (
        select id from deliveries
        where id = any (array(select id from fair))
          and status in (${DeliveryStatus.pending}, ${DeliveryStatus.sending}) and next_attempt_at <= now()
        order by next_attempt_at
        limit ${options.limit}
        for update skip locked
      )
      returning d.id, d.app_id, d.message_id, d.endpoint_id, d.attempt_count, d.manual
    )
    select c.*, m.event_type, m.created_at as message_created_at, m.request_id,
           case when row_number() over (partition by c.message_id) = 1 then m.payload::text end as payload_json,
           e.url, e.secret, e.previous_secrets, e.headers, e.updated_at as endpoint_updated_at,
           coalesce(e.throttle_rate, a.throttle_rate) as throttle_rate,
           (e.disabled or e.deleted_at is not null) as stopped,
           case when e.transformation_enabled then e.transformation_code end as transformation_code,
           e.transformation_variables, e.connector_id, e.connector_region, e.connector_credentials
    from claimed c
    join messages m on m.id = c.message_id
    join endpoints e on e.id = c.endpoint_id
    join apps a on a.id = c.app_id
  `;
}

/**
 * The delivery engine's SQL: claiming due work, writing results back, sharing throttles. Every operation is
 * one statement for a whole batch, so the cost per delivery falls as batches grow.
 */
export function createDeliveryQueue(db: Executor, box: SecretBox) {
  const opened = new Map<
    string,
    {
      version: number;
      current: string;
      previous: { secret: string; expiresAt: number }[];
      headers: Record<string, string>;
      credentials: Record<string, string>;
    }
  >();

  function openEndpointSecrets(row: ClaimRow, now: number) {
    const version = asDate(row.endpoint_updated_at).getTime();
    let entry = opened.get(row.endpoint_id);
    if (!entry || entry.version !== version) {
      const previous =
        typeof row.previous_secrets === 'string'
          ? (JSON.parse(row.previous_secrets) as PreviousSecret[])
          : row.previous_secrets;
      entry = {
        version,
        current: box.decrypt(row.secret),
        previous: previous.map((p) => ({
          secret: box.decrypt(p.sealed),
          expiresAt: Date.parse(p.expiresAt),
        })),
        headers: row.headers ? (JSON.parse(box.decrypt(row.headers)) as Record<string, string>) : {},
        credentials: row.connector_credentials
          ? (JSON.parse(box.decrypt(row.connector_credentials)) as Record<string, string>)
          : {},
      };
      if (opened.size > 10_000) opened.clear();
      opened.set(row.endpoint_id, entry);
    }
    return {
      signingSecrets: [
        entry.current,
        ...entry.previous.filter((p) => p.expiresAt > now).map((p) => p.secret),
      ],
      headers: entry.headers,
      credentials: entry.credentials,
    };
  }

  return {
    /**
     * Deliveries waiting (pending, or held by a worker), those due now, and how long the oldest due one has
     * waited: what an operator watches to see whether workers keep up. Reads the partial index of the queue.
     */
    async depth(): Promise<QueueDepth> {
      const result = await db.execute(sql`
        select count(*)::int as queued,
               count(*) filter (where next_attempt_at <= now())::int as due,
               coalesce(extract(epoch from now() - min(next_attempt_at) filter (where next_attempt_at <= now())), 0)::float8 as oldest_due_seconds
        from deliveries
        where status in (${DeliveryStatus.pending}, ${DeliveryStatus.sending})
      `);
      const row = rowsOf<{ queued: number; due: number; oldest_due_seconds: number }>(result)[0]!;
      return {
        queued: Number(row.queued),
        due: Number(row.due),
        oldestDueSeconds: Number(row.oldest_due_seconds),
      };
    },

    /**
     * Claims due deliveries (pending, or sending with a lapsed lease) with `FOR UPDATE SKIP LOCKED`, marks them
     * sending until the lease ends, and counts the attempt now, so that a delivery that kills its worker
     * still runs out of attempts.
     */
    async claimDue(options: ClaimOptions): Promise<ClaimedDelivery[]> {
      const result = await db.execute(claimStatement(options));
      const now = Date.now();
      const rows = rowsOf<ClaimRow>(result);
      const payloads = new Map<string, string>();
      for (const row of rows) if (row.payload_json !== null) payloads.set(row.message_id, row.payload_json);
      return rows.map((row) => ({
        id: Number(row.id),
        appId: row.app_id,
        messageId: row.message_id,
        endpointId: row.endpoint_id,
        attemptCount: Number(row.attempt_count),
        manual: row.manual,
        eventType: row.event_type,
        payloadJson: payloads.get(row.message_id) ?? null,
        messageCreatedAt: asDate(row.message_created_at),
        requestId: row.request_id,
        url: row.url,
        ...withConnector(row, openEndpointSecrets(row, now)),
        throttleRate: row.throttle_rate === null ? null : Number(row.throttle_rate),
        stopped: row.stopped,
        transformation:
          row.transformation_code === null
            ? null
            : {
                code: row.transformation_code,
                variables:
                  typeof row.transformation_variables === 'string'
                    ? (JSON.parse(row.transformation_variables) as Record<string, string>)
                    : row.transformation_variables,
              },
      }));
    },

    /**
     * Extends the lease of deliveries still held (queued behind a per-endpoint cap or a throttle). Rows another
     * statement has locked are skipped: that is the write-back settling them, which, locking the same rows in
     * another order, would otherwise deadlock with this and lose a second to the deadlock timeout. A row
     * skipped and still held is renewed next time, well within its lease.
     */
    async renewLeases(ids: number[], leaseMs: number): Promise<void> {
      if (ids.length === 0) return;
      await db.execute(sql`
        update deliveries set next_attempt_at = now() + ${leaseMs}::float8 * interval '1 millisecond'
        where id in (
          select id from deliveries
          where id = any (array(select (value)::bigint from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)))
            and status = ${DeliveryStatus.sending}
          for update skip locked
        )`);
    },

    /**
     * Writes a batch of outcomes in one statement: attempts inserted, deliveries updated (unless they were
     * stopped meanwhile), and each endpoint's failure clock moved.
     * @returns endpoints that have now failed continuously for `disableAfterMs`, with failures at least
     *   `minFailureSpanMs` apart, and are still enabled
     */
    async recordOutcomes(
      outcomes: DeliveryOutcome[],
      autoDisable: { afterMs: number; minFailureSpanMs: number },
    ): Promise<string[]> {
      if (outcomes.length === 0) return [];
      const input = outcomes.map((o) => ({
        delivery_id: o.deliveryId,
        app_id: o.appId,
        message_id: o.messageId,
        endpoint_id: o.endpointId,
        status: o.status,
        attempt_count: o.attemptCount,
        next_attempt_at: o.nextAttemptAt?.toISOString() ?? null,
        attempt_id: o.attempt?.id ?? null,
        url: o.attempt?.url ?? null,
        attempt_status: o.attempt?.status ?? null,
        status_code: o.attempt?.statusCode ?? 0,
        response: o.attempt?.response ?? null,
        duration_ms: o.attempt?.durationMs ?? 0,
        error_class: o.attempt?.errorClass ?? null,
        trigger_type: o.attempt?.triggerType ?? 0,
        attempted_at: o.attempt?.at.toISOString() ?? null,
        counts_for_health: o.attempt?.countsForHealth ?? false,
      }));
      const result = await db.execute(sql`
        with input as (
          select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as t(
            delivery_id bigint, app_id text, message_id text, endpoint_id text, status smallint, attempt_count smallint,
            next_attempt_at timestamptz, attempt_id text, url text, attempt_status smallint, status_code smallint,
            response text, duration_ms int, error_class text, trigger_type smallint, attempted_at timestamptz,
            counts_for_health boolean)
        ), inserted as (
          insert into attempts (id, app_id, delivery_id, message_id, endpoint_id, url, status, response_status_code,
                                response, response_duration_ms, error_class, trigger_type, created_at)
          select attempt_id, app_id, delivery_id, message_id, endpoint_id, url, attempt_status, status_code,
                 response, duration_ms, error_class, trigger_type, attempted_at
          from input where attempt_id is not null
        ), updated as (
          update deliveries d
          set status = i.status, attempt_count = i.attempt_count, next_attempt_at = i.next_attempt_at,
              manual = false, updated_at = now()
          from input i
          where d.id = i.delivery_id and d.status = ${DeliveryStatus.sending}
        ), health as (
          select endpoint_id,
                 bool_or(attempt_status = ${DeliveryStatus.success}) as any_success,
                 min(attempted_at) filter (where attempt_status = ${DeliveryStatus.fail}) as first_failure,
                 max(attempted_at) filter (where attempt_status = ${DeliveryStatus.fail}) as last_failure
          from input where counts_for_health group by endpoint_id
        ), moved as (
          update endpoints e
          set failing_since = case when h.any_success then null else coalesce(e.failing_since, h.first_failure) end,
              last_failure_at = case when h.any_success then e.last_failure_at else h.last_failure end
          from health h
          where e.id = h.endpoint_id
            and ((h.any_success and e.failing_since is not null)
              or (not h.any_success and h.last_failure is not null and (e.failing_since is null
                  or e.last_failure_at is null or e.last_failure_at < h.last_failure - interval '1 minute')))
          returning e.id, e.failing_since, e.last_failure_at, e.disabled, e.deleted_at
        )
        select id from moved
        where not disabled and deleted_at is null
          and failing_since <= now() - ${autoDisable.afterMs}::float8 * interval '1 millisecond'
          and last_failure_at - failing_since >= ${autoDisable.minFailureSpanMs}::float8 * interval '1 millisecond'
      `);
      return rowsOf<{ id: string }>(result).map((r) => r.id);
    },

    /**
     * Reserves send slots on shared per-endpoint throttles (GCRA), granting at most what fits within
     * `horizonMs` from now, atomically across processes.
     */
    async reserveThrottle(
      requests: ThrottleRequest[],
      horizonMs: number,
    ): Promise<Map<string, ThrottleGrant>> {
      const grants = new Map<string, ThrottleGrant>();
      if (requests.length === 0) return grants;
      const input = JSON.stringify(
        requests.map((r) => ({ endpoint_id: r.endpointId, wanted: r.wanted, rate: r.rate })),
      );
      await db.execute(sql`
        insert into endpoint_throttles (endpoint_id, tat)
        select endpoint_id, now() from jsonb_to_recordset(${input}::jsonb) as t(endpoint_id text)
        on conflict (endpoint_id) do nothing`);
      const result = await db.execute(sql`
        with req as (
          select * from jsonb_to_recordset(${input}::jsonb) as t(endpoint_id text, wanted int, rate float8)
        )
        update endpoint_throttles et
        set granted = least(r.wanted, greatest(0, floor(
              extract(epoch from (now() + ${horizonMs}::float8 * interval '1 millisecond' - greatest(et.tat, now()))) * r.rate)))::int,
            tat = greatest(et.tat, now()) + least(r.wanted, greatest(0, floor(
              extract(epoch from (now() + ${horizonMs}::float8 * interval '1 millisecond' - greatest(et.tat, now()))) * r.rate)))
              / r.rate * interval '1 second'
        from req r
        where et.endpoint_id = r.endpoint_id
        returning et.endpoint_id, et.tat, et.granted, r.rate`);
      for (const row of rowsOf<{ endpoint_id: string; tat: string | Date; granted: number; rate: number }>(
        result,
      )) {
        const nextFreeAt = asDate(row.tat);
        const granted = Number(row.granted);
        grants.set(row.endpoint_id, {
          granted,
          firstSlotAt: new Date(nextFreeAt.getTime() - (granted / Number(row.rate)) * 1000),
          nextFreeAt,
        });
      }
      return grants;
    },

    /**
     * Sends a message to an endpoint once more, now, as a manual attempt outside the retry schedule. A
     * delivery already pending or sending is left as it is: it is on its way.
     * @returns whether a resend was queued
     */
    async resend(appId: string, messageId: string, endpointId: string): Promise<boolean> {
      const result = await db.execute(sql`
        with queued as (
          insert into deliveries (app_id, message_id, endpoint_id, next_attempt_at, manual)
          values (${appId}, ${messageId}, ${endpointId}, now(), true)
          on conflict (message_id, endpoint_id) do update
            set status = ${DeliveryStatus.pending}, manual = true, next_attempt_at = now(), updated_at = now()
            where deliveries.status not in (${DeliveryStatus.pending}, ${DeliveryStatus.sending})
          returning 1
        )
        select (select count(*) from queued)::int as queued,
               (select count(*) from (select pg_notify(${DELIVERY_CHANNEL}, '') from queued) n)::int as notified`);
      return Number(rowsOf<{ queued: number }>(result)[0]?.queued) > 0;
    },

    /** Puts held deliveries back as pending, due at the given times; their attempt is not counted. */
    async release(deliveries: { id: number; manual: boolean; dueAt: Date }[]): Promise<void> {
      if (deliveries.length === 0) return;
      const input = JSON.stringify(
        deliveries.map((d) => ({ id: d.id, manual: d.manual, due_at: d.dueAt.toISOString() })),
      );
      await db.execute(sql`
        update deliveries d
        set status = ${DeliveryStatus.pending}, next_attempt_at = i.due_at,
            attempt_count = case when i.manual then d.attempt_count else d.attempt_count - 1 end, updated_at = now()
        from jsonb_to_recordset(${input}::jsonb) as i(id bigint, manual boolean, due_at timestamptz)
        where d.id = i.id and d.status = ${DeliveryStatus.sending}`);
    },
  };
}

export type DeliveryQueue = ReturnType<typeof createDeliveryQueue>;
