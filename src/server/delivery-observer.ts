import type { Logger } from 'pino';
import { DeliveryStatus } from '../db/index.ts';
import type { DeliveryObserver } from '../delivery/index.ts';
import type { Metrics } from '../metrics/index.ts';

const STATUS_NAMES: Record<number, string> = {
  [DeliveryStatus.success]: 'succeeded',
  [DeliveryStatus.pending]: 'retry_scheduled',
  [DeliveryStatus.fail]: 'failed',
  [DeliveryStatus.canceled]: 'cancelled',
};

/**
 * Counts every outcome in the metrics and writes it to the log with the id of the API request that created
 * the message, so that one request can be followed from ingest to each endpoint. Successes log at debug
 * (thousands a second), failures at warn. Response bodies are not logged: they are the receiver's, and may
 * hold anything.
 */
export function createDeliveryObserver(logger: Logger, metrics?: Metrics): DeliveryObserver {
  return {
    settled(delivery, outcome) {
      metrics?.deliverySettled(delivery, outcome);
      const attempt = outcome.attempt;
      const failed = attempt !== undefined && attempt.status === DeliveryStatus.fail;
      if (!failed && !logger.isLevelEnabled('debug')) return;
      const fields = {
        requestId: delivery.requestId,
        appId: delivery.appId,
        messageId: delivery.messageId,
        endpointId: delivery.endpointId,
        attemptId: attempt?.id,
        attempt: outcome.attemptCount,
        outcome: STATUS_NAMES[outcome.status] ?? String(outcome.status),
        statusCode: attempt?.statusCode,
        durationMs: attempt?.durationMs,
        errorClass: attempt?.errorClass ?? undefined,
        nextAttemptAt: outcome.nextAttemptAt ?? undefined,
      };
      if (failed) logger.warn(fields, 'delivery attempt failed');
      else logger.debug(fields, 'delivery attempt');
    },
    throttled(count) {
      metrics?.deliveriesThrottled(count);
    },
  };
}
