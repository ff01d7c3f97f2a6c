export type { AlertSettings, AttemptSummary } from './alerts.ts';
export type { App, AppInput, AppPatch } from './apps.ts';
export { type BackgroundTask, TASK_CHANNEL } from './background-tasks.ts';
export { type OpenDatabaseOptions, openDatabase } from './connect.ts';
export { type Database, type DatabaseHandle, DELIVERY_CHANNEL, type DriverName } from './database.ts';
export type {
  Attempt,
  AttemptFilters,
  AttemptWithMessage,
  Delivery,
  DeliveryStats,
  DeliveryWithEndpoint,
  DeliveryWithMessage,
} from './deliveries.ts';
export {
  type ClaimedDelivery,
  createDeliveryQueue,
  type DeliveryOutcome,
  type DeliveryQueue,
  type QueueDepth,
  type ThrottleGrant,
} from './delivery-queue.ts';
export type {
  ConnectorSettings,
  Endpoint,
  EndpointInput,
  EndpointPatch,
  NewEndpointInput,
} from './endpoints.ts';
export { MAX_PREVIOUS_SECRETS } from './endpoints.ts';
export { isDatabaseUnavailable, isUnstorableText, StoreError, type StoreErrorCode } from './errors.ts';
export type { EventType, EventTypeInput, EventTypePatch } from './event-types.ts';
export type { Reservation } from './idempotency.ts';
export type { Message, MessageInput, SingleTarget } from './messages.ts';
export type {
  ConnectionClaim,
  NewOAuthConnection,
  OAuthConnection,
  StateUse,
  StoredCredentials,
} from './oauth-connections.ts';
export type { ListOrder, Page, PageRequest } from './pagination.ts';
export { openPgliteDatabase } from './pglite/driver.ts';
export { openPostgresDatabase } from './postgres/driver.ts';
export {
  ALERT_KINDS,
  type AlertKind,
  type BackgroundTaskKind,
  type BackgroundTaskStatus,
  DeliveryStatus,
  type DeliveryStatusCode,
  type OAuthConnectionStatus,
} from './schema.ts';
export { createStore, type Store } from './store.ts';
