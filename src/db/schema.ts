import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * Ids sort by creation time only under bytewise comparison; `COLLATE "C"` keeps that true whatever the
 * database's default collation is (en_US would put `a` before `B`).
 */
const sortableId = customType<{ data: string }>({
  dataType() {
    return 'text COLLATE "C"';
  },
});

const createdAt = () => timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow();

/** Tenants: one per merchant of the payments platform. Deleted apps are kept as tombstones. */
export const apps = pgTable(
  'apps',
  {
    id: sortableId('id').primaryKey(),
    uid: text('uid'),
    name: text('name').notNull(),
    throttleRate: integer('throttle_rate'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [uniqueIndex('apps_uid_key').on(t.uid).where(sql`${t.deletedAt} is null`)],
);

/** The event catalog, shared by every app. */
export const eventTypes = pgTable('event_types', {
  name: text('name').primaryKey(),
  description: text('description').notNull(),
  groupName: text('group_name'),
  schemas: jsonb('schemas').$type<Record<string, unknown>>(),
  featureFlags: jsonb('feature_flags').$type<string[]>(),
  archived: boolean('archived').notNull().default(false),
  deprecated: boolean('deprecated').notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A rotated-out signing key that keeps signing until it expires. */
export interface PreviousSecret {
  sealed: string;
  expiresAt: string;
}

export const endpoints = pgTable(
  'endpoints',
  {
    id: sortableId('id').primaryKey(),
    appId: sortableId('app_id')
      .notNull()
      .references(() => apps.id),
    uid: text('uid'),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    eventTypes: text('event_types').array(),
    channels: text('channels').array(),
    throttleRate: integer('throttle_rate'),
    disabled: boolean('disabled').notNull().default(false),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    /** The current signing secret, sealed by the secret box. */
    secret: text('secret').notNull(),
    previousSecrets: jsonb('previous_secrets').$type<PreviousSecret[]>().notNull().default([]),
    /** Custom headers as sealed JSON: they often carry credentials. */
    headers: text('headers'),
    /** The integration card the endpoint was made from (`segment`, `customerio`, …); null for a plain endpoint. */
    connectorId: text('connector_id'),
    connectorTemplate: text('connector_template'),
    connectorRegion: text('connector_region'),
    /** The connector's credentials as sealed JSON: never returned, logged or shown to transformation code. */
    connectorCredentials: text('connector_credentials'),
    /** The merchant's `handler(webhook)` code; it runs on every attempt while enabled. */
    transformationCode: text('transformation_code'),
    transformationEnabled: boolean('transformation_enabled').notNull().default(false),
    /** Values the code reads as `webhook.env`: not secrets, shown to the merchant. */
    transformationVariables: jsonb('transformation_variables')
      .$type<Record<string, string>>()
      .notNull()
      .default({}),
    transformationUpdatedAt: timestamp('transformation_updated_at', { withTimezone: true, precision: 3 }),
    /** Start of the current run of failures (null after any success): the auto-disable clock. */
    failingSince: timestamp('failing_since', { withTimezone: true, precision: 3 }),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true, precision: 3 }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [
    index('endpoints_app_idx').on(t.appId, t.id),
    uniqueIndex('endpoints_app_uid_key').on(t.appId, t.uid).where(sql`${t.deletedAt} is null`),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: sortableId('id').primaryKey(),
    appId: sortableId('app_id')
      .notNull()
      .references(() => apps.id),
    eventId: text('event_id'),
    eventType: text('event_type').notNull(),
    /**
     * The event as the JSON text it was posted in (compact, the sender's key order), null once expunged or past
     * retention. `json` rather than `jsonb`: nothing queries inside it, and the text goes out as it is, to
     * receivers and into transformations, without PostgreSQL rebuilding it on the way in or printing it on the
     * way out.
     */
    payload: json('payload'),
    channels: text('channels').array(),
    tags: text('tags').array(),
    /** The id of the API request that created the message, so that delivery logs can be traced back to it. */
    requestId: text('request_id'),
    createdAt: createdAt(),
    payloadExpiresAt: timestamp('payload_expires_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [
    index('messages_app_idx').on(t.appId, t.id),
    uniqueIndex('messages_app_event_id_key').on(t.appId, t.eventId),
    index('messages_payload_expiry_idx').on(t.payloadExpiresAt).where(sql`${t.payload} is not null`),
  ],
);

/** Svix's MessageStatus numbers, used for deliveries and attempts alike. */
export const DeliveryStatus = {
  success: 0,
  pending: 1,
  fail: 2,
  sending: 3,
  canceled: 4,
} as const;
export type DeliveryStatusCode = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

/**
 * One row per (message, endpoint): the unit of work of the delivery engine.
 *
 * No foreign keys to messages and endpoints, nor from attempts to deliveries: rows are only ever written by
 * the statement that inserts their message (from the endpoints it joins) or that claimed them, and none of
 * these tables is ever deleted from. The checks' triggers took about 45 % of the ingest statement.
 *
 * Workers claim due rows with `FOR UPDATE SKIP LOCKED` through the partial index on `next_attempt_at`. A
 * claimed row is `sending` and its `next_attempt_at` is the end of the worker's lease, so a dead worker's rows
 * simply become due again.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    appId: sortableId('app_id').notNull(),
    messageId: sortableId('message_id').notNull(),
    endpointId: sortableId('endpoint_id').notNull(),
    status: smallint('status').$type<DeliveryStatusCode>().notNull().default(DeliveryStatus.pending),
    attemptCount: smallint('attempt_count').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, precision: 3 }),
    /** A manual resend: one attempt, recorded as triggerType 1, no retries, attempt count untouched. */
    manual: boolean('manual').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('deliveries_message_endpoint_key').on(t.messageId, t.endpointId),
    index('deliveries_endpoint_idx').on(t.endpointId, t.messageId),
    index('deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(
        sql`${t.status} in (${sql.raw(String(DeliveryStatus.pending))}, ${sql.raw(String(DeliveryStatus.sending))})`,
      ),
  ],
);

export const attempts = pgTable(
  'attempts',
  {
    id: sortableId('id').primaryKey(),
    appId: sortableId('app_id').notNull(),
    deliveryId: bigint('delivery_id', { mode: 'number' }).notNull(),
    messageId: sortableId('message_id').notNull(),
    endpointId: sortableId('endpoint_id').notNull(),
    url: text('url').notNull(),
    status: smallint('status').$type<DeliveryStatusCode>().notNull(),
    responseStatusCode: smallint('response_status_code').notNull().default(0),
    response: text('response'),
    responseDurationMs: integer('response_duration_ms').notNull().default(0),
    errorClass: text('error_class'),
    /** 0 scheduled, 1 manual, as Svix's MessageAttemptTriggerType. */
    triggerType: smallint('trigger_type').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index('attempts_endpoint_idx').on(t.endpointId, t.id),
    index('attempts_message_idx').on(t.messageId, t.id),
    index('attempts_response_age_idx').on(t.createdAt).where(sql`${t.response} is not null`),
  ],
);

/**
 * Per-endpoint throttling shared by every worker process: GCRA's theoretical arrival time. Sending k
 * messages at rate r moves `tat` forward by k / r seconds, atomically.
 */
export const endpointThrottles = pgTable('endpoint_throttles', {
  endpointId: sortableId('endpoint_id').primaryKey(),
  tat: timestamp('tat', { withTimezone: true, precision: 3 }).notNull(),
  /** Slots granted by the last reservation, so its caller can tell where its slots start. */
  granted: integer('granted').notNull().default(0),
});

export type BackgroundTaskKind = 'endpoint.recover' | 'endpoint.replay' | 'endpoint.bulk-replay';
export type BackgroundTaskStatus = 'running' | 'finished' | 'failed';

/**
 * Long work over message history (recover, replay), done in chunks by any worker; `cursor` is the last
 * message id done, so a crashed task resumes where it stopped once its lease runs out.
 */
export const backgroundTasks = pgTable(
  'background_tasks',
  {
    id: sortableId('id').primaryKey(),
    appId: sortableId('app_id').notNull(),
    endpointId: sortableId('endpoint_id').notNull(),
    kind: text('kind').$type<BackgroundTaskKind>().notNull(),
    status: text('status').$type<BackgroundTaskStatus>().notNull().default('running'),
    since: timestamp('since', { withTimezone: true, precision: 3 }).notNull(),
    until: timestamp('until', { withTimezone: true, precision: 3 }).notNull(),
    cursor: text('cursor'),
    processed: integer('processed').notNull().default(0),
    leasedUntil: timestamp('leased_until', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('background_tasks_runnable_idx').on(t.leasedUntil).where(sql`${t.status} = 'running'`),
    index('background_tasks_app_idx').on(t.appId, t.id),
  ],
);

/** Bearer tokens, stored as SHA-256 hashes. `appId` null means an operator token. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: sortableId('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    appId: sortableId('app_id').references(() => apps.id),
    sessionId: text('session_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_tokens_hash_key').on(t.tokenHash), index('api_tokens_app_idx').on(t.appId)],
);

/**
 * Responses of POST requests by idempotency key (hashed with the caller's token and the URL), kept 12 hours
 * as Svix does. A row without `responseStatus` is a request in flight, holding the key until `lockedUntil`.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    keyHash: text('key_hash').primaryKey(),
    responseStatus: smallint('response_status'),
    responseBody: text('response_body'),
    lockedUntil: timestamp('locked_until', { withTimezone: true, precision: 3 }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('idempotency_keys_expires_idx').on(t.expiresAt)],
);

/** Small facts about this installation, such as which catalog version was loaded. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updatedAt(),
});

/**
 * `pending` until the vendor redirects back, then `connected` or `failed`; `needs_reconnect` once the vendor
 * stops honouring the refresh token (the merchant uninstalled the app or revoked it).
 */
export type OAuthConnectionStatus = 'pending' | 'connected' | 'failed' | 'needs_reconnect';

/**
 * One OAuth authorization of a card for an app: started with a `state` (only its SHA-256 is kept, usable once
 * before it expires), completed by the vendor's redirect. What it yields waits here, sealed, until an endpoint
 * is made from it; from then on the endpoint keeps it (its URL, or its credentials) and the connection
 * records the endpoint, its status and, while one runs, the lease of a token refresh.
 */
export const oauthConnections = pgTable(
  'oauth_connections',
  {
    id: sortableId('id').primaryKey(),
    appId: sortableId('app_id')
      .notNull()
      .references(() => apps.id),
    connectorId: text('connector_id').notNull(),
    status: text('status').$type<OAuthConnectionStatus>().notNull().default('pending'),
    stateHash: text('state_hash').notNull(),
    stateExpiresAt: timestamp('state_expires_at', { withTimezone: true, precision: 3 }).notNull(),
    stateUsedAt: timestamp('state_used_at', { withTimezone: true, precision: 3 }),
    /** Sent at authorization and again with the code: vendors refuse a code sent with another. */
    redirectUri: text('redirect_uri').notNull(),
    /** Path under the public URL the merchant's browser is sent back to; null answers the callback as JSON. */
    returnPath: text('return_path'),
    /** Set at the start to reconnect an endpoint, or when an endpoint is made from the connection. */
    endpointId: sortableId('endpoint_id'),
    /** What the vendor gave, sealed JSON, until an endpoint takes it. */
    credentials: text('credentials'),
    /** Non-secret facts to show the merchant: workspace, channel, webhook name. */
    account: jsonb('account').$type<Record<string, string>>().notNull().default({}),
    errorCode: text('error_code'),
    errorDetail: text('error_detail'),
    /** A token refresh runs until then: one at a time per endpoint, across worker processes. */
    refreshLeaseUntil: timestamp('refresh_lease_until', { withTimezone: true, precision: 3 }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('oauth_connections_state_key').on(t.stateHash),
    index('oauth_connections_app_idx').on(t.appId, t.id),
    index('oauth_connections_endpoint_idx').on(t.endpointId).where(sql`${t.endpointId} is not null`),
  ],
);

/**
 * Each process running a delivery worker writes its row every few seconds, so that any process (an API-only
 * one, say) can tell in its readiness check whether deliveries are being made at all.
 */
export const workerHeartbeats = pgTable('worker_heartbeats', {
  id: text('id').primaryKey(),
  hostname: text('hostname').notNull(),
  pid: integer('pid').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }).notNull(),
  seenAt: timestamp('seen_at', { withTimezone: true, precision: 3 }).notNull(),
});

/** What an app's alert addresses can be told about by email. */
export const ALERT_KINDS = ['endpoint.failing', 'endpoint.disabled', 'message.attempt.exhausted'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Who is emailed about an app's failing endpoints, and about which kinds of alert. */
export const appAlertSettings = pgTable('app_alert_settings', {
  appId: sortableId('app_id')
    .primaryKey()
    .references(() => apps.id),
  emails: text('emails').array().notNull().default([]),
  kinds: text('kinds')
    .array()
    .$type<AlertKind[]>()
    .notNull()
    .default([...ALERT_KINDS]),
  updatedAt: updatedAt(),
});

/**
 * When an alert of one kind was last emailed for an endpoint: the rate limit, shared by every worker process.
 * A worker sends only after moving `sent_at` forward itself, in one conditional upsert.
 */
export const alertSends = pgTable(
  'alert_sends',
  {
    endpointId: sortableId('endpoint_id').notNull(),
    kind: text('kind').$type<AlertKind>().notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.kind] })],
);
