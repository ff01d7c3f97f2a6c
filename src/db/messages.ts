import { and, eq, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import { createId } from '../secrets/index.ts';
import { DELIVERY_CHANNEL, type Executor, rowsOf } from './database.ts';
import { StoreError } from './errors.ts';
import { type CompletedResponse, createIngestBatcher } from './ingest-batcher.ts';
import { allOf, fetchPage, type Page, type PageRequest } from './pagination.ts';
import { idempotencyKeys, messages } from './schema.ts';

export type Message = typeof messages.$inferSelect;

export interface MessageInput {
  eventType: string;
  payload: Record<string, unknown>;
  eventId?: string | null | undefined;
  channels?: string[] | null | undefined;
  tags?: string[] | null | undefined;
  /** How long the payload is kept. */
  retentionHours: number;
  /** The API request that created it, carried into the delivery logs. */
  requestId?: string | null | undefined;
}

/** Completes an idempotency reservation inside the message's own transaction. */
export interface IdempotentResponse {
  keyHash: string;
  status: number;
  /** Builds the response body from the message about to be stored. */
  body: (message: Message) => unknown;
}

export interface ListMessagesOptions extends PageRequest {
  eventTypes?: string[] | undefined;
  channel?: string | undefined;
  tag?: string | undefined;
  before?: Date | undefined;
  after?: Date | undefined;
}

/** Sends the message to one endpoint only, as a single manual attempt (the endpoint's "send example"). */
export interface SingleTarget {
  endpointId: string;
}

export interface CreatedMessage {
  message: Message;
  /** How many endpoints the message fans out to. */
  deliveries: number;
}

export function createMessageRepository(db: Executor) {
  const batcher = createIngestBatcher(db);

  /**
   * One message in its own transaction: BEGIN, one statement that inserts it and its deliveries, COMMIT.
   * @returns how many deliveries it made, or 'conflict' when its app has its eventId already
   */
  function createAlone(
    message: Message,
    completes: CompletedResponse | undefined,
    target?: SingleTarget,
  ): Promise<number | 'conflict'> {
    const channels = message.channels ? sql`${pgTextArray(message.channels)}::text[]` : sql`null::text[]`;
    return db.transaction(async (tx) => {
      const result = await tx.execute(sql`
        with inserted as (
          insert into messages (id, app_id, event_id, event_type, payload, channels, tags, request_id, created_at, payload_expires_at)
          values (${message.id}, ${message.appId}, ${message.eventId}, ${message.eventType}, ${JSON.stringify(message.payload)}::json,
                  ${channels}, ${message.tags ? sql`${pgTextArray(message.tags)}::text[]` : sql`null::text[]`}, ${message.requestId},
                  ${message.createdAt.toISOString()}::timestamptz, ${message.payloadExpiresAt.toISOString()}::timestamptz)
          on conflict (app_id, event_id) do nothing
          returning id, created_at
        ), fanned_out as (
          insert into deliveries (app_id, message_id, endpoint_id, next_attempt_at, manual)
          select e.app_id, m.id, e.id, m.created_at, ${target !== undefined}
          from inserted m
          join endpoints e on e.app_id = ${message.appId}
          where e.deleted_at is null and not e.disabled
            and (e.event_types is null or ${message.eventType} = any(e.event_types))
            and (e.channels is null or e.channels && ${channels})
            ${target ? sql`and e.id = ${target.endpointId}` : sql``}
          returning 1
        )
        select (select count(*) from inserted)::int as messages, (select count(*) from fanned_out)::int as deliveries,
               (select count(*) from (select pg_notify(${DELIVERY_CHANNEL}, '') from fanned_out limit 1) n)::int as notified
      `);
      const counts = rowsOf<{ messages: number; deliveries: number }>(result)[0]!;
      if (Number(counts.messages) === 0) return 'conflict';
      if (completes) {
        await tx
          .update(idempotencyKeys)
          .set({ responseStatus: completes.status, responseBody: completes.body })
          .where(eq(idempotencyKeys.keyHash, completes.keyHash));
      }
      return Number(counts.deliveries);
    });
  }

  return {
    /**
     * Stores a message and one pending delivery for every enabled endpoint of the app whose event types and
     * channels match, atomically and in a number of statements that does not grow with the fan-out; messages
     * created at the same time share their statement (see the ingest batcher).
     * @param target sends the message to that endpoint only (the endpoint's "send example"), on its own
     * @throws StoreError `conflict` when the app already has a message with this eventId
     */
    async create(
      appId: string,
      input: MessageInput,
      idempotent?: IdempotentResponse,
      target?: SingleTarget,
    ): Promise<CreatedMessage> {
      const now = new Date();
      const message: Message = {
        id: createId('msg', now.getTime()),
        appId,
        eventId: input.eventId ?? null,
        eventType: input.eventType,
        payload: input.payload,
        channels: input.channels ?? null,
        tags: input.tags ?? null,
        requestId: input.requestId ?? null,
        createdAt: now,
        payloadExpiresAt: new Date(now.getTime() + input.retentionHours * 3_600_000),
      };
      const completes = idempotent && {
        keyHash: idempotent.keyHash,
        status: idempotent.status,
        body: JSON.stringify(idempotent.body(message)),
      };
      const deliveries = target
        ? await createAlone(message, completes, target)
        : await batcher.add(message, completes, () => createAlone(message, completes));
      if (deliveries === 'conflict') {
        throw new StoreError('conflict', `A message with eventId '${message.eventId}' already exists`);
      }
      return { message, deliveries };
    },

    /** Finds a message of the app by id or eventId. */
    async find(appId: string, idOrEventId: string): Promise<Message | undefined> {
      const column = idOrEventId.startsWith('msg_') ? messages.id : messages.eventId;
      const [row] = await db
        .select()
        .from(messages)
        .where(and(eq(messages.appId, appId), eq(column, idOrEventId)))
        .limit(1);
      return row;
    },

    list(appId: string, options: ListMessagesOptions): Promise<Page<Message>> {
      return fetchPage(
        options,
        messages.id,
        (row: Message) => row.id,
        (cursor, orderBy, limit) =>
          db
            .select()
            .from(messages)
            .where(
              allOf(
                eq(messages.appId, appId),
                cursor,
                options.eventTypes?.length ? inArray(messages.eventType, options.eventTypes) : undefined,
                options.channel ? sql`${options.channel} = any(${messages.channels})` : undefined,
                options.tag ? sql`${options.tag} = any(${messages.tags})` : undefined,
                options.before ? lte(messages.createdAt, options.before) : undefined,
                options.after ? gte(messages.createdAt, options.after) : undefined,
              ),
            )
            .orderBy(orderBy)
            .limit(limit),
      );
    },

    /** Removes a message's payload for good, keeping the record of its deliveries. */
    async expungeContent(appId: string, id: string): Promise<void> {
      await db
        .update(messages)
        .set({ payload: null })
        .where(and(eq(messages.appId, appId), eq(messages.id, id), isNotNull(messages.payload)));
    },
  };
}

/**
 * A text[] literal, since Drizzle expands a JS array in a `sql` template into a parameter list rather than
 * one array parameter.
 */
function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

export type MessageRepository = ReturnType<typeof createMessageRepository>;
