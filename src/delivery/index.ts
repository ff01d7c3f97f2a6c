export { createHttpSender, type HttpSender, RESPONSE_BODY_LIMIT, type SendResult } from './http-sender.ts';
export { BlockedDestinationError, createNetworkPolicy, type NetworkPolicy } from './network-policy.ts';
export type { OperationalEvent, OperationalEventType } from './operational-event.ts';
export { startRetentionJob } from './retention-job.ts';
export { createRetrySchedule, DEFAULT_RETRY_SCHEDULE_SECONDS, parseRetryAfter } from './retry-schedule.ts';
export { signWebhook } from './signature.ts';
export { startTaskRunner, type TaskRunner } from './task-runner.ts';
export {
  createDeliveryWorker,
  type DeliveryObserver,
  type DeliveryWorker,
  type DeliveryWorkerOptions,
} from './worker.ts';
