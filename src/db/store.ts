import type { SecretBox } from '../secrets/index.ts';
import { createAlertRepository } from './alerts.ts';
import { createAppRepository } from './apps.ts';
import { createBackgroundTaskRepository } from './background-tasks.ts';
import type { DatabaseHandle } from './database.ts';
import { createDeliveryRepository } from './deliveries.ts';
import { createDeliveryQueue } from './delivery-queue.ts';
import { createEndpointRepository } from './endpoints.ts';
import { createEventTypeRepository } from './event-types.ts';
import { createIdempotencyRepository } from './idempotency.ts';
import { createMessageRepository } from './messages.ts';
import { createOAuthConnectionRepository } from './oauth-connections.ts';
import { createReadinessRepository } from './readiness.ts';
import { createRetentionRepository } from './retention.ts';
import { createTokenRepository } from './tokens.ts';

/** Every repository over one open database: what the API and the workers are given. */
export function createStore(handle: DatabaseHandle, box: SecretBox) {
  const { db } = handle;
  return {
    handle,
    apps: createAppRepository(db),
    eventTypes: createEventTypeRepository(db),
    endpoints: createEndpointRepository(db, box),
    messages: createMessageRepository(db),
    deliveries: createDeliveryRepository(db),
    deliveryQueue: createDeliveryQueue(db, box),
    tokens: createTokenRepository(db),
    idempotency: createIdempotencyRepository(db),
    backgroundTasks: createBackgroundTaskRepository(db),
    retention: createRetentionRepository(db),
    oauthConnections: createOAuthConnectionRepository(db, box),
    alerts: createAlertRepository(db),
    readiness: createReadinessRepository(db),
  };
}

export type Store = ReturnType<typeof createStore>;
