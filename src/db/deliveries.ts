import { and, count, eq, getTableColumns, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Executor } from './database.ts';
import { allOf, fetchPage, type Page, type PageRequest } from './pagination.ts';
import { attempts, type DeliveryStatusCode, deliveries, endpoints, messages } from './schema.ts';

export type Attempt = typeof attempts.$inferSelect;
export type Delivery = typeof deliveries.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type Endpoint = typeof endpoints.$inferSelect;

export interface AttemptFilters extends PageRequest {
  status?: DeliveryStatusCode | undefined;
  /** 0 for attempts without a response, else 100, 200, … 500. */
  statusCodeClass?: number | undefined;
  eventTypes?: string[] | undefined;
  channel?: string | undefined;
  tag?: string | undefined;
  before?: Date | undefined;
  after?: Date | undefined;
  endpointId?: string | undefined;
}

export interface AttemptWithMessage {
  attempt: Attempt;
  message: Message;
}

export interface DeliveryWithMessage {
  delivery: Delivery;
  message: Message;
}

export interface DeliveryWithEndpoint {
  delivery: Delivery;
  endpoint: Endpoint;
}

export type DeliveryStats = Record<'success' | 'pending' | 'fail' | 'sending' | 'canceled', number>;

function messageFilters(filters: AttemptFilters) {
  return [
    filters.eventTypes?.length ? inArray(messages.eventType, filters.eventTypes) : undefined,
    filters.channel ? sql`${filters.channel} = any(${messages.channels})` : undefined,
    filters.tag ? sql`${filters.tag} = any(${messages.tags})` : undefined,
  ];
}

function statusCodeClassFilter(codeClass: number | undefined) {
  if (codeClass === undefined) return undefined;
  if (codeClass === 0) return eq(attempts.responseStatusCode, 0);
  return and(gte(attempts.responseStatusCode, codeClass), lte(attempts.responseStatusCode, codeClass + 99));
}

/** Read side of deliveries and attempts: logs, per-message and per-endpoint views, statistics. */
export function createDeliveryRepository(db: Executor) {
  function listAttempts(appId: string, scope: ReturnType<typeof eq>, filters: AttemptFilters) {
    return fetchPage(
      filters,
      attempts.id,
      (row: AttemptWithMessage) => row.attempt.id,
      (cursor, orderBy, limit) =>
        db
          .select({ attempt: attempts, message: messages })
          .from(attempts)
          .innerJoin(messages, eq(messages.id, attempts.messageId))
          .where(
            allOf(
              eq(attempts.appId, appId),
              scope,
              cursor,
              filters.status === undefined ? undefined : eq(attempts.status, filters.status),
              statusCodeClassFilter(filters.statusCodeClass),
              filters.endpointId ? eq(attempts.endpointId, filters.endpointId) : undefined,
              filters.before ? lte(attempts.createdAt, filters.before) : undefined,
              filters.after ? gte(attempts.createdAt, filters.after) : undefined,
              ...messageFilters(filters),
            ),
          )
          .orderBy(orderBy)
          .limit(limit),
    );
  }

  return {
    listAttemptsByEndpoint(
      appId: string,
      endpointId: string,
      filters: AttemptFilters,
    ): Promise<Page<AttemptWithMessage>> {
      return listAttempts(appId, eq(attempts.endpointId, endpointId), filters);
    },

    listAttemptsByMessage(
      appId: string,
      messageId: string,
      filters: AttemptFilters,
    ): Promise<Page<AttemptWithMessage>> {
      return listAttempts(appId, eq(attempts.messageId, messageId), filters);
    },

    async findAttempt(appId: string, messageId: string, attemptId: string): Promise<Attempt | undefined> {
      const [row] = await db
        .select()
        .from(attempts)
        .where(and(eq(attempts.appId, appId), eq(attempts.messageId, messageId), eq(attempts.id, attemptId)))
        .limit(1);
      return row;
    },

    async expungeAttemptContent(appId: string, messageId: string, attemptId: string): Promise<void> {
      await db
        .update(attempts)
        .set({ response: null })
        .where(and(eq(attempts.appId, appId), eq(attempts.messageId, messageId), eq(attempts.id, attemptId)));
    },

    /** Messages sent (or being sent) to one endpoint, newest first, with that endpoint's delivery status. */
    listEndpointMessages(
      appId: string,
      endpointId: string,
      filters: AttemptFilters,
    ): Promise<Page<DeliveryWithMessage>> {
      return fetchPage(
        filters,
        deliveries.messageId,
        (row: DeliveryWithMessage) => row.message.id,
        (cursor, orderBy, limit) =>
          db
            .select({ delivery: deliveries, message: messages })
            .from(deliveries)
            .innerJoin(messages, eq(messages.id, deliveries.messageId))
            .where(
              allOf(
                eq(deliveries.appId, appId),
                eq(deliveries.endpointId, endpointId),
                cursor,
                filters.status === undefined ? undefined : eq(deliveries.status, filters.status),
                filters.before ? lte(messages.createdAt, filters.before) : undefined,
                filters.after ? gte(messages.createdAt, filters.after) : undefined,
                ...messageFilters(filters),
              ),
            )
            .orderBy(orderBy)
            .limit(limit),
      );
    },

    /** Endpoints a message was fanned out to, with each delivery's status. */
    listMessageDestinations(
      appId: string,
      messageId: string,
      page: PageRequest,
    ): Promise<Page<DeliveryWithEndpoint>> {
      return fetchPage(
        page,
        deliveries.endpointId,
        (row: DeliveryWithEndpoint) => row.endpoint.id,
        (cursor, orderBy, limit) =>
          db
            .select({ delivery: deliveries, endpoint: endpoints })
            .from(deliveries)
            .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
            .where(allOf(eq(deliveries.appId, appId), eq(deliveries.messageId, messageId), cursor))
            .orderBy(orderBy)
            .limit(limit),
      );
    },

    /** Delivery counts by status for one endpoint, over messages created in the window. */
    async endpointStats(endpointId: string, since?: Date, until?: Date): Promise<DeliveryStats> {
      const rows = await db
        .select({ status: deliveries.status, n: count() })
        .from(deliveries)
        .where(
          allOf(
            eq(deliveries.endpointId, endpointId),
            since ? gte(deliveries.createdAt, since) : undefined,
            until ? lte(deliveries.createdAt, until) : undefined,
          ),
        )
        .groupBy(deliveries.status);
      const byStatus = new Map(rows.map((r) => [r.status, Number(r.n)]));
      return {
        success: byStatus.get(0) ?? 0,
        pending: byStatus.get(1) ?? 0,
        fail: byStatus.get(2) ?? 0,
        sending: byStatus.get(3) ?? 0,
        canceled: byStatus.get(4) ?? 0,
      };
    },

    /** Every delivery of a message, for tests and tools that inspect fan-out. */
    listForMessage(messageId: string): Promise<Delivery[]> {
      return db
        .select(getTableColumns(deliveries))
        .from(deliveries)
        .where(eq(deliveries.messageId, messageId));
    },
  };
}

export type DeliveryRepository = ReturnType<typeof createDeliveryRepository>;
