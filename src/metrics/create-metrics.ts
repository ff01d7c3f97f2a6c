import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ConnectionUse } from '../db/database.ts';
import type { ClaimedDelivery, DeliveryOutcome, QueueDepth } from '../db/index.ts';
import { DeliveryStatus } from '../db/index.ts';
import type { TransformationOutcome } from '../sandbox/index.ts';

export interface MetricsSources {
  /** SQL statements this process has sent since it started. */
  statements(): number;
  connections(): ConnectionUse;
  /** Read at each scrape. */
  queueDepth(): Promise<QueueDepth>;
}

/** Attempts take milliseconds to the delivery timeout; delivery latency spans retries, up to days. */
const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const DELIVERY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300, 3_600, 21_600, 86_400, 432_000];
const SANDBOX_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

/** A plain signed webhook, or the integration card the endpoint was made from: a small, fixed set. */
function endpointClass(delivery: ClaimedDelivery): string {
  return delivery.connector?.id ?? 'webhook';
}

function attemptOutcome(outcome: DeliveryOutcome): string {
  const status = outcome.attempt?.status;
  if (status === DeliveryStatus.success) return 'succeeded';
  if (status === DeliveryStatus.canceled) return 'cancelled';
  return 'failed';
}

function deliveryOutcome(outcome: DeliveryOutcome): string {
  switch (outcome.status) {
    case DeliveryStatus.success:
      return 'succeeded';
    case DeliveryStatus.canceled:
      return 'cancelled';
    case DeliveryStatus.pending:
      return 'retry_scheduled';
    default:
      return 'failed';
  }
}

/** The Prometheus registry of one process: Node's process metrics and Switchyard's own. */
export function createMetrics(sources: MetricsSources) {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });

  let reported = 0;
  new Counter({
    name: 'switchyard_db_statements_total',
    help: 'SQL statements sent to the database by this process, transaction control included.',
    registers,
    collect() {
      const now = sources.statements();
      this.inc(now - reported);
      reported = now;
    },
  });
  new Gauge({
    name: 'switchyard_db_pool_connections',
    help: 'Database connections of this process by state (open, idle), and queries waiting for one.',
    labelNames: ['state'],
    registers,
    collect() {
      const use = sources.connections();
      this.set({ state: 'open' }, use.open);
      if (use.idle !== null) this.set({ state: 'idle' }, use.idle);
      if (use.waiting !== null) this.set({ state: 'waiting' }, use.waiting);
    },
  });
  // One query per scrape: the first gauge reads the depth and sets the two registered after it, which the
  // registry serialises after this one.
  const due = new Gauge({
    name: 'switchyard_queue_due_deliveries',
    help: 'Queued deliveries whose time has come.',
    registers: [],
  });
  const oldest = new Gauge({
    name: 'switchyard_queue_oldest_due_age_seconds',
    help: 'How long the oldest due delivery has waited: grows when workers do not keep up.',
    registers: [],
  });
  new Gauge({
    name: 'switchyard_queue_deliveries',
    help: 'Deliveries waiting in the queue (pending, or held by a worker), all processes together.',
    registers,
    async collect() {
      const depth = await sources.queueDepth();
      this.set(depth.queued);
      due.set(depth.due);
      oldest.set(depth.oldestDueSeconds);
    },
  });
  registry.registerMetric(due);
  registry.registerMetric(oldest);

  const ingested = new Counter({
    name: 'switchyard_messages_ingested_total',
    help: 'Messages accepted through the API.',
    registers,
  });
  const fannedOut = new Counter({
    name: 'switchyard_deliveries_created_total',
    help: 'Deliveries queued by accepted messages (one per matching endpoint).',
    registers,
  });
  const deliveries = new Counter({
    name: 'switchyard_deliveries_total',
    help: 'Delivery outcomes after each attempt: succeeded, failed (for good), cancelled, retry_scheduled.',
    labelNames: ['outcome', 'endpoint_class'],
    registers,
  });
  const attempts = new Counter({
    name: 'switchyard_attempts_total',
    help: 'Attempts by outcome and endpoint class (webhook, or the connector id); error_class says why one failed.',
    labelNames: ['outcome', 'endpoint_class', 'error_class'],
    registers,
  });
  const attemptDuration = new Histogram({
    name: 'switchyard_attempt_duration_seconds',
    help: 'Time from sending a request to its answer (or to the sandbox or contract refusing it).',
    labelNames: ['endpoint_class'],
    buckets: ATTEMPT_BUCKETS,
    registers,
  });
  const deliveryLatency = new Histogram({
    name: 'switchyard_delivery_latency_seconds',
    help: "From a message's creation to its successful delivery to one endpoint, retries included.",
    labelNames: ['endpoint_class'],
    buckets: DELIVERY_BUCKETS,
    registers,
  });
  const throttled = new Counter({
    name: 'switchyard_throttled_deliveries_total',
    help: "Deliveries held back by an endpoint's rate limit (sent later in the second, or put back).",
    registers,
  });
  const blocked = new Counter({
    name: 'switchyard_blocked_attempts_total',
    help: 'Attempts refused by the network policy: the destination was private, loopback or reserved.',
    registers,
  });
  const sandboxDuration = new Histogram({
    name: 'switchyard_sandbox_call_duration_seconds',
    help: 'Time a transformation call took inside its sandbox process.',
    buckets: SANDBOX_BUCKETS,
    registers,
  });
  const sandboxFailures = new Counter({
    name: 'switchyard_sandbox_failures_total',
    help: 'Transformation calls that failed, by error (TransformationError, TimeoutError, SandboxUnavailableError, …).',
    labelNames: ['error'],
    registers,
  });

  return {
    registry,
    messageIngested(deliveriesQueued: number) {
      ingested.inc();
      fannedOut.inc(deliveriesQueued);
    },
    deliverySettled(delivery: ClaimedDelivery, outcome: DeliveryOutcome) {
      const endpoint_class = endpointClass(delivery);
      deliveries.inc({ outcome: deliveryOutcome(outcome), endpoint_class });
      const attempt = outcome.attempt;
      if (!attempt) return;
      attempts.inc({
        outcome: attemptOutcome(outcome),
        endpoint_class,
        error_class: attempt.errorClass ?? 'none',
      });
      attemptDuration.observe({ endpoint_class }, attempt.durationMs / 1000);
      if (attempt.errorClass === 'blocked') blocked.inc();
      if (outcome.status === DeliveryStatus.success) {
        deliveryLatency.observe(
          { endpoint_class },
          Math.max(0, attempt.at.getTime() + attempt.durationMs - delivery.messageCreatedAt.getTime()) / 1000,
        );
      }
    },
    deliveriesThrottled(count: number) {
      throttled.inc(count);
    },
    sandboxCalled(outcome: TransformationOutcome) {
      sandboxDuration.observe(outcome.durationMs / 1000);
      if (outcome.kind === 'error') sandboxFailures.inc({ error: outcome.error.name });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
