import type { Logger } from 'pino';
import { createConfiguredAlerter } from '../alerts/index.ts';
import type { Config } from '../config/index.ts';
import { findConnector } from '../connectors/index.ts';
import { type DatabaseHandle, DELIVERY_CHANNEL, type Store, TASK_CHANNEL } from '../db/index.ts';
import {
  createDeliveryWorker,
  createHttpSender,
  createNetworkPolicy,
  createRetrySchedule,
  type DeliveryWorker,
  startRetentionJob,
  startTaskRunner,
} from '../delivery/index.ts';
import type { Metrics } from '../metrics/index.ts';
import { createCredentialRefresher, oauthClientsFromConfig } from '../oauth/index.ts';
import { createSandbox, type Sandbox } from '../sandbox/index.ts';
import { createDeliveryObserver } from './delivery-observer.ts';
import { createOperationalWebhooks } from './operational-webhooks.ts';
import { startWorkerHeartbeat } from './worker-heartbeat.ts';

export const USER_AGENT = `Switchyard/${process.env.npm_package_version ?? '0.1.0'}`;

const HOUR_MS = 3_600_000;

export interface RunningWorker {
  worker: DeliveryWorker;
  stop(): Promise<void>;
}

/** Starts a delivery worker on an open store: woken by NOTIFY, polling as a fallback. */
export async function startWorker(
  config: Config,
  store: Store,
  database: DatabaseHandle,
  logger: Logger,
  sandbox: Sandbox,
  metrics?: Metrics,
): Promise<RunningWorker> {
  const alerts = createConfiguredAlerter(config, store, logger);
  const operational = alerts.observing(await createOperationalWebhooks(store, logger));
  const sender = createHttpSender({
    policy: createNetworkPolicy({
      allowedPrivateRanges: config.SWITCHYARD_ALLOW_PRIVATE_NETWORKS,
      httpsOnly: config.SWITCHYARD_HTTPS_ONLY,
    }),
    timeoutMs: config.SWITCHYARD_DELIVERY_TIMEOUT_MS,
    userAgent: USER_AGENT,
    connectionsPerOrigin: config.SWITCHYARD_ENDPOINT_CONCURRENCY,
    destinationOverrides: config.SWITCHYARD_DESTINATION_OVERRIDES,
  });
  const worker = createDeliveryWorker({
    queue: store.deliveryQueue,
    sender,
    schedule: createRetrySchedule(config.SWITCHYARD_RETRY_SCHEDULE),
    logger,
    concurrency: config.SWITCHYARD_DELIVERY_CONCURRENCY,
    perEndpointConcurrency: config.SWITCHYARD_ENDPOINT_CONCURRENCY,
    batchSize: Math.min(256, Math.max(16, config.SWITCHYARD_DELIVERY_CONCURRENCY)),
    leaseMs:
      config.SWITCHYARD_DELIVERY_LEASE_MS ?? Math.max(60_000, config.SWITCHYARD_DELIVERY_TIMEOUT_MS * 4),
    pollIntervalMs: config.SWITCHYARD_POLL_INTERVAL_MS,
    flushIntervalMs: 5,
    autoDisable: {
      afterMs: config.SWITCHYARD_AUTO_DISABLE_AFTER_HOURS * HOUR_MS,
      minFailureSpanMs: 12 * HOUR_MS,
    },
    async disableEndpoints(ids, reason) {
      for (const endpoint of await store.endpoints.disable(ids)) {
        logger.warn({ endpointId: endpoint.id, appId: endpoint.appId, reason }, 'endpoint disabled');
        operational.emit({
          type: 'endpoint.disabled',
          appId: endpoint.appId,
          endpointId: endpoint.id,
          data: { reason },
        });
      }
    },
    emit: operational.emit,
    transform: (call) => sandbox.transform(call),
    connectors: findConnector,
    observer: createDeliveryObserver(logger, metrics),
    freshCredentials: createCredentialRefresher({
      store,
      clients: oauthClientsFromConfig(config),
      logger,
    }),
  });
  const unlisten = await database.listen(DELIVERY_CHANNEL, () => worker.wake());
  worker.start();
  const tasks = startTaskRunner(store, logger);
  const unlistenTasks = await database.listen(TASK_CHANNEL, () => tasks.wake());
  const stopRetention = startRetentionJob(store, config.SWITCHYARD_RETENTION_DAYS, logger);
  const heartbeat = startWorkerHeartbeat(store, logger);
  await heartbeat.ready;
  return {
    worker,
    async stop() {
      await heartbeat.stop();
      stopRetention();
      await unlistenTasks();
      await tasks.stop();
      await unlisten();
      await worker.stop();
      await alerts.stop();
      await sender.close();
    },
  };
}

/** The sandbox configuration, shared by the API's test runs and the workers of one process. */
export function createConfiguredSandbox(config: Config): Sandbox {
  return createSandbox({
    processes: config.SWITCHYARD_SANDBOX_PROCESSES,
    timeoutMs: config.SWITCHYARD_TRANSFORM_TIMEOUT_MS,
    memoryLimitMb: config.SWITCHYARD_TRANSFORM_MEMORY_MB,
    maxCodeBytes: config.SWITCHYARD_TRANSFORM_MAX_CODE_BYTES,
    maxOutputBytes: config.SWITCHYARD_TRANSFORM_MAX_OUTPUT_BYTES,
  });
}
