import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { type Connector, credentialHostProblem, type ResponseVerdict } from '../connectors/index.ts';
import type { ClaimedDelivery, DeliveryOutcome, DeliveryQueue } from '../db/index.ts';
import { DeliveryStatus, type DeliveryStatusCode } from '../db/index.ts';
import {
  readPayload,
  type SandboxRequest,
  type TransformationOutcome,
  type TransformCall,
  type TransformedRequest,
} from '../sandbox/index.ts';
import { createId } from '../secrets/index.ts';
import { type HttpSender, RESPONSE_BODY_LIMIT, type SendResult } from './http-sender.ts';
import { FAILING_AFTER_ATTEMPT, type OperationalEvent } from './operational-event.ts';
import { parseRetryAfter, type RetrySchedule } from './retry-schedule.ts';
import { signWebhook } from './signature.ts';

export interface DeliveryWorkerOptions {
  queue: DeliveryQueue;
  sender: HttpSender;
  schedule: RetrySchedule;
  logger: Logger;
  /** Requests in flight at once. */
  concurrency: number;
  /** Requests in flight to one endpoint at once. */
  perEndpointConcurrency: number;
  /** Deliveries claimed per query. */
  batchSize: number;
  /** How long a claim is held before another worker may take it; renewed while held. */
  leaseMs: number;
  /** Fallback poll when no wake-up arrives. */
  pollIntervalMs: number;
  /** Longest wait before results are written back. */
  flushIntervalMs: number;
  autoDisable: { afterMs: number; minFailureSpanMs: number };
  /** Disables endpoints (the receiver asked, or they failed for too long) and stops their queued work. */
  disableEndpoints(endpointIds: string[], reason: string): Promise<void>;
  /** Operational events, e.g. sent as operational webhooks. */
  emit(event: OperationalEvent): void;
  /** Runs an endpoint's transformation in the sandbox. */
  transform(call: TransformCall): Promise<TransformationOutcome>;
  /** The connector an endpoint was made from, by id. */
  connectors(id: string): Connector | undefined;
  /**
   * The connector credentials to attach, renewed first when they are OAuth tokens about to expire; rejects
   * with a message fit to record (no secret) when they cannot be had.
   */
  freshCredentials?(delivery: ClaimedDelivery): Promise<Record<string, string>>;
  /** Told of every outcome and of throttled deliveries: for metrics and logs. */
  observer?: DeliveryObserver;
}

export interface DeliveryObserver {
  settled(delivery: ClaimedDelivery, outcome: DeliveryOutcome): void;
  /** Deliveries an endpoint's rate limit held back: sent later in the second, or put back in the queue. */
  throttled(count: number): void;
}

export interface DeliveryWorker {
  start(): void;
  /** Something may be due now (a message was just created, or a NOTIFY arrived). */
  wake(): void;
  /** Stops claiming, finishes what is in flight, writes every result back. */
  stop(): Promise<void>;
}

const THROTTLE_HORIZON_MS = 1_000;
/** What is sent in place of a payload that retention has expunged. */
const EXPIRED_JSON = JSON.stringify({ expired: true });

/**
 * Claims due deliveries in batches, sends them concurrently (bounded overall and per endpoint, throttled
 * across processes), and writes the outcomes back in batches.
 */
export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { queue, logger } = options;
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  let inFlight = 0;
  /** Throttled sends waiting for their slot. */
  let scheduled = 0;
  const held = new Map<number, ClaimedDelivery>();
  const waitingByEndpoint = new Map<string, ClaimedDelivery[]>();
  const inFlightByEndpoint = new Map<string, number>();
  let outcomes: DeliveryOutcome[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let flushing = Promise.resolve();
  let renewTimer: NodeJS.Timeout | undefined;
  const maxHeld = options.concurrency * 4;

  function wake() {
    woken = true;
    wakeUp?.();
  }

  /** Until `wake()` or `ms` have passed. Called on every settled send while the worker is full, so kept cheap. */
  async function waitForWork(ms: number) {
    if (woken) {
      woken = false;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      wakeUp = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    wakeUp = undefined;
    woken = false;
  }

  function scheduleFlush() {
    if (outcomes.length >= options.batchSize) {
      void flush();
    } else if (!flushTimer) {
      flushTimer = setTimeout(() => void flush(), options.flushIntervalMs);
    }
  }

  function flush(): Promise<void> {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    const batch = outcomes;
    outcomes = [];
    if (batch.length === 0) return flushing;
    flushing = flushing.then(() => writeOutcomes(batch));
    return flushing;
  }

  async function writeOutcomes(batch: DeliveryOutcome[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        const failing = await queue.recordOutcomes(batch, options.autoDisable);
        if (failing.length) await options.disableEndpoints(failing, 'failing continuously');
        return;
      } catch (error) {
        // The deliveries stay leased; if this never succeeds they are re-sent after the lease (at least once).
        logger.error({ err: error, attempt, deliveries: batch.length }, 'writing delivery results failed');
        if (!running && attempt >= 3) return;
        await sleep(Math.min(1000 * attempt, 10_000));
      }
    }
  }

  function settle(delivery: ClaimedDelivery, outcome: DeliveryOutcome) {
    held.delete(delivery.id);
    options.observer?.settled(delivery, outcome);
    outcomes.push(outcome);
    scheduleFlush();
  }

  /**
   * How an answer counts. Plain endpoints: 2xx succeeds, the rest is retried unless the receiver or the
   * SSRF guard says otherwise. Connector endpoints: the vendor's own response policy decides.
   */
  function judge(result: SendResult, connector: Connector | undefined): ResponseVerdict {
    if (connector && result.statusCode > 0) return connector.classify(result);
    if (result.statusCode >= 200 && result.statusCode < 300) return { kind: 'success' };
    if (result.errorClass === 'blocked')
      return { kind: 'permanent', reason: 'blocked by the network policy' };
    const control = result.headers['webhook-delivery']?.toLowerCase();
    if (control === 'disable')
      return { kind: 'gone', reason: 'the receiver asked (webhook-delivery: disable)' };
    if (control === 'abort-message')
      return { kind: 'permanent', reason: 'the receiver asked (webhook-delivery: abort-message)' };
    const retryAfterMs =
      result.statusCode === 429 || result.statusCode === 503
        ? parseRetryAfter(result.headers['retry-after'])
        : undefined;
    return retryAfterMs === undefined ? { kind: 'retry' } : { kind: 'retry', retryAfterMs };
  }

  function outcomeOf(
    delivery: ClaimedDelivery,
    url: string,
    result: SendResult,
    at: Date,
    connector: Connector | undefined,
  ): DeliveryOutcome {
    const base = identify(delivery);
    const attempt = {
      id: createId('atmpt'),
      url,
      statusCode: result.statusCode,
      response: result.body,
      durationMs: result.durationMs,
      errorClass: result.errorClass ?? null,
      triggerType: triggerOf(delivery),
      at,
      countsForHealth: true,
    };
    const event = (type: OperationalEvent['type']) =>
      options.emit({
        type,
        appId: delivery.appId,
        endpointId: delivery.endpointId,
        messageId: delivery.messageId,
        data: lastAttemptData(attempt),
      });
    const verdict = judge(result, connector);
    if (verdict.kind === 'success') {
      if (!delivery.manual && delivery.attemptCount > FAILING_AFTER_ATTEMPT)
        event('message.attempt.recovered');
      return {
        ...base,
        status: DeliveryStatus.success,
        nextAttemptAt: null,
        attempt: { ...attempt, status: DeliveryStatus.success },
      };
    }
    if (verdict.kind === 'gone') void options.disableEndpoints([delivery.endpointId], verdict.reason);
    const delay =
      verdict.kind === 'retry' && !delivery.manual
        ? options.schedule.delayAfter(delivery.attemptCount, verdict.retryAfterMs)
        : undefined;
    const failed = { ...attempt, status: DeliveryStatus.fail };
    if (delay === undefined) {
      if (!delivery.manual) event('message.attempt.exhausted');
      return { ...base, status: DeliveryStatus.fail, nextAttemptAt: null, attempt: failed };
    }
    if (delivery.attemptCount === FAILING_AFTER_ATTEMPT) event('message.attempt.failing');
    return {
      ...base,
      status: DeliveryStatus.pending,
      nextAttemptAt: new Date(at.getTime() + delay),
      attempt: failed,
    };
  }

  /**
   * An attempt that sent nothing: the transformation cancelled or failed, or the connector refused the
   * request. Only a sandbox outage is retried; the same code or request would fail the same way again.
   */
  function unsent(
    delivery: ClaimedDelivery,
    why: {
      url: string;
      status: DeliveryStatusCode;
      response: string;
      errorClass: string | null;
      retry?: boolean;
      durationMs?: number;
    },
  ): DeliveryOutcome {
    const at = new Date();
    const delay =
      why.retry && !delivery.manual ? options.schedule.delayAfter(delivery.attemptCount) : undefined;
    return {
      ...identify(delivery),
      status: delay === undefined ? why.status : DeliveryStatus.pending,
      nextAttemptAt: delay === undefined ? null : new Date(at.getTime() + delay),
      attempt: {
        id: createId('atmpt'),
        url: why.url,
        status: why.status === DeliveryStatus.canceled ? DeliveryStatus.canceled : DeliveryStatus.fail,
        statusCode: 0,
        response: why.response.slice(0, RESPONSE_BODY_LIMIT),
        durationMs: Math.round(why.durationMs ?? 0),
        errorClass: why.errorClass,
        triggerType: triggerOf(delivery),
        at,
        countsForHealth: false,
      },
    };
  }

  /**
   * The request to send: the event as is, or what the endpoint's transformation made of it, its payload
   * still the JSON text the sandbox wrote.
   */
  async function buildRequest(
    delivery: ClaimedDelivery,
  ): Promise<TransformedRequest | SandboxRequest | DeliveryOutcome> {
    if (!delivery.transformation) {
      return {
        url: delivery.url,
        method: 'POST',
        headers: {},
        payloadJson: delivery.payloadJson ?? EXPIRED_JSON,
      };
    }
    const outcome = await options.transform({
      scope: delivery.endpointId,
      code: delivery.transformation.code,
      input: {
        eventType: delivery.eventType,
        payloadJson: delivery.payloadJson ?? EXPIRED_JSON,
        url: delivery.url,
        method: 'POST',
        headers: {},
        env: delivery.transformation.variables,
        cancel: false,
      },
    });
    if (outcome.kind === 'request') return outcome.request;
    const printed = outcome.console.map((line) => `[${line.level}] ${line.message}`).join('\n');
    const withConsole = (text: string) => (printed ? `${text}\n--- console ---\n${printed}` : text);
    if (outcome.kind === 'cancelled') {
      return unsent(delivery, {
        url: delivery.url,
        status: DeliveryStatus.canceled,
        response: withConsole('cancelled by the transformation'),
        errorClass: null,
        durationMs: outcome.durationMs,
      });
    }
    const { name, message, line, column } = outcome.error;
    const unavailable = name === 'SandboxUnavailableError';
    return unsent(delivery, {
      url: delivery.url,
      status: DeliveryStatus.fail,
      response: withConsole(`${name}: ${message}${line ? ` (line ${line}, column ${column})` : ''}`),
      errorClass: unavailable ? 'sandbox' : 'transformation',
      retry: unavailable,
      durationMs: outcome.durationMs,
    });
  }

  /**
   * The connector's step: idempotency fields, the vendor's contract (a request it would reject or silently
   * drop is never sent), and the credentials, attached only when the request goes to one of the vendor's
   * hosts for the endpoint's region.
   */
  function applyConnector(
    delivery: ClaimedDelivery,
    built: TransformedRequest | SandboxRequest,
  ):
    | {
        request: TransformedRequest | SandboxRequest;
        credentials: Record<string, string>;
        connector: Connector | undefined;
      }
    | DeliveryOutcome {
    if (!delivery.connector) return { request: built, credentials: {}, connector: undefined };
    const request = 'payloadJson' in built ? readPayload(built) : built;
    const refuse = (response: string, errorClass: string) =>
      unsent(delivery, { url: request.url, status: DeliveryStatus.fail, response, errorClass });
    const connector = options.connectors(delivery.connector.id);
    if (!connector) return refuse(`unknown connector '${delivery.connector.id}'`, 'contract');
    const { manifest } = connector;
    const region = manifest.regions.find((r) => r.id === delivery.connector?.region) ?? manifest.regions[0]!;
    const hostProblem = credentialHostProblem(connector, region, request.url, delivery.url);
    if (hostProblem) return refuse(`${hostProblem}, so nothing was sent`, 'credentials');
    const prepared = connector.prepare(request, {
      messageId: delivery.messageId,
      endpointId: delivery.endpointId,
    });
    const findings = connector.check(prepared, region);
    if (findings.length) {
      return refuse(
        `${manifest.name} would reject this request, so it was not sent:\n${findings.map((f) => `- ${f.field}: ${f.message}`).join('\n')}`,
        'contract',
      );
    }
    let credentials: Record<string, string>;
    try {
      credentials = connector.authenticate(delivery.connector.credentials, region);
    } catch (error) {
      return refuse(
        `${manifest.name} credentials are incomplete: ${(error as Error).message}`,
        'credentials',
      );
    }
    return { request: prepared, credentials, connector };
  }

  /** The delivery with credentials fit to attach, or the attempt that failed for want of them (retried). */
  async function withFreshCredentials(
    delivery: ClaimedDelivery,
    request: TransformedRequest | SandboxRequest,
  ): Promise<ClaimedDelivery | DeliveryOutcome> {
    if (!delivery.connector || !options.freshCredentials) return delivery;
    try {
      const credentials = await options.freshCredentials(delivery);
      return { ...delivery, connector: { ...delivery.connector, credentials } };
    } catch (error) {
      return unsent(delivery, {
        url: request.url,
        status: DeliveryStatus.fail,
        response: (error as Error).message,
        errorClass: 'credentials',
        retry: true,
      });
    }
  }

  async function send(delivery: ClaimedDelivery) {
    if (delivery.stopped) {
      settle(delivery, { ...identify(delivery), status: DeliveryStatus.fail, nextAttemptAt: null });
      return;
    }
    const built = await buildRequest(delivery);
    if ('deliveryId' in built) return settle(delivery, built);
    const current = await withFreshCredentials(delivery, built);
    if ('deliveryId' in current) return settle(delivery, current);
    const bound = applyConnector(current, built);
    if ('deliveryId' in bound) return settle(delivery, bound);
    const { request, credentials, connector } = bound;
    const body = 'payloadJson' in request ? request.payloadJson : JSON.stringify(request.payload);
    const at = new Date();
    const timestamp = Math.floor(at.getTime() / 1000);
    const headers = {
      ...delivery.headers,
      ...request.headers,
      ...credentials,
      'content-type': 'application/json',
      'webhook-id': delivery.messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(delivery.signingSecrets, delivery.messageId, timestamp, body),
    };
    const result = await options.sender.send({ url: request.url, method: request.method, headers, body });
    settle(delivery, outcomeOf(delivery, request.url, result, at, connector));
  }

  function dispatch(delivery: ClaimedDelivery) {
    const active = inFlightByEndpoint.get(delivery.endpointId) ?? 0;
    if (active >= options.perEndpointConcurrency || inFlight >= options.concurrency) {
      const waiting = waitingByEndpoint.get(delivery.endpointId) ?? [];
      waiting.push(delivery);
      waitingByEndpoint.set(delivery.endpointId, waiting);
      return;
    }
    inFlight++;
    inFlightByEndpoint.set(delivery.endpointId, active + 1);
    send(delivery)
      .catch((error) => {
        logger.error({ err: error, deliveryId: delivery.id }, 'delivery failed unexpectedly');
        held.delete(delivery.id);
      })
      .finally(() => {
        inFlight--;
        const left = (inFlightByEndpoint.get(delivery.endpointId) ?? 1) - 1;
        if (left === 0) inFlightByEndpoint.delete(delivery.endpointId);
        else inFlightByEndpoint.set(delivery.endpointId, left);
        drainWaiting();
        wake();
      });
  }

  function drainWaiting() {
    for (const [endpointId, waiting] of waitingByEndpoint) {
      while (
        waiting.length &&
        inFlight < options.concurrency &&
        (inFlightByEndpoint.get(endpointId) ?? 0) < options.perEndpointConcurrency
      ) {
        dispatch(waiting.shift()!);
      }
      if (waiting.length === 0) waitingByEndpoint.delete(endpointId);
      if (inFlight >= options.concurrency) return;
    }
  }

  /** Sends now what the shared throttles allow within the horizon, at their slot times; gives back the rest. */
  async function throttle(claimed: ClaimedDelivery[]) {
    const byEndpoint = new Map<string, ClaimedDelivery[]>();
    for (const delivery of claimed) {
      const list = byEndpoint.get(delivery.endpointId) ?? [];
      list.push(delivery);
      byEndpoint.set(delivery.endpointId, list);
    }
    const grants = await queue.reserveThrottle(
      [...byEndpoint].map(([endpointId, list]) => ({
        endpointId,
        wanted: list.length,
        rate: list[0]!.throttleRate!,
      })),
      THROTTLE_HORIZON_MS,
    );
    const giveBack: { id: number; manual: boolean; dueAt: Date }[] = [];
    let delayed = 0;
    for (const [endpointId, list] of byEndpoint) {
      const grant = grants.get(endpointId);
      const rate = list[0]!.throttleRate!;
      list.forEach((delivery, index) => {
        if (!grant || index >= grant.granted) {
          held.delete(delivery.id);
          giveBack.push({
            id: delivery.id,
            manual: delivery.manual,
            dueAt: grant?.nextFreeAt ?? new Date(Date.now() + 1000),
          });
          return;
        }
        const wait = grant.firstSlotAt.getTime() + (index * 1000) / rate - Date.now();
        if (wait <= 0) {
          dispatch(delivery);
          return;
        }
        scheduled++;
        delayed++;
        setTimeout(() => {
          scheduled--;
          dispatch(delivery);
        }, wait);
      });
    }
    if (delayed + giveBack.length) options.observer?.throttled(delayed + giveBack.length);
    await queue.release(giveBack);
  }

  async function handle(claimed: ClaimedDelivery[]) {
    for (const delivery of claimed) held.set(delivery.id, delivery);
    const throttled = claimed.filter((d) => d.throttleRate !== null && !d.stopped);
    for (const delivery of claimed)
      if (delivery.throttleRate === null || delivery.stopped) dispatch(delivery);
    if (throttled.length) {
      await throttle(throttled).catch((error) => {
        // Left leased: they come back after the lease, still throttled then.
        logger.error({ err: error }, 'throttle reservation failed');
        for (const d of throttled) held.delete(d.id);
      });
    }
  }

  async function run() {
    let failures = 0;
    while (running) {
      // One batch is claimed ahead while every send slot is busy, so that the next sends need not wait for
      // a claim to come back; beyond that, claiming more would only hold work other workers could do.
      const queuedHere = held.size - inFlight;
      if (held.size >= maxHeld || (inFlight >= options.concurrency && queuedHere >= options.batchSize)) {
        await waitForWork(options.pollIntervalMs);
        continue;
      }
      try {
        const limit = Math.min(options.batchSize, maxHeld - held.size);
        const claimed = await queue.claimDue({
          limit,
          leaseMs: options.leaseMs,
          perEndpoint: options.perEndpointConcurrency * 2,
        });
        failures = 0;
        if (claimed.length === 0) {
          await waitForWork(options.pollIntervalMs);
          continue;
        }
        await handle(claimed);
      } catch (error) {
        failures++;
        logger.error({ err: error }, 'claiming deliveries failed; backing off');
        await sleep(Math.min(100 * 2 ** failures, 10_000));
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      renewTimer = setInterval(() => {
        const ids = [...held.keys()];
        queue
          .renewLeases(ids, options.leaseMs)
          .catch((error) => logger.warn({ err: error }, 'lease renewal failed'));
      }, options.leaseMs / 3);
      renewTimer.unref();
      loop = run();
    },
    wake,
    async stop() {
      running = false;
      wake();
      await loop;
      clearInterval(renewTimer);
      while (inFlight > 0 || scheduled > 0 || waitingByEndpoint.size > 0) await sleep(10);
      await flush();
      await flushing;
    },
  };
}

/** The fields that say which delivery an outcome is for. */
function identify(delivery: ClaimedDelivery) {
  return {
    deliveryId: delivery.id,
    appId: delivery.appId,
    messageId: delivery.messageId,
    endpointId: delivery.endpointId,
    attemptCount: delivery.attemptCount,
  };
}

/** Svix's triggerType: 1 for a manual resend, 0 for the schedule. */
function triggerOf(delivery: ClaimedDelivery): 0 | 1 {
  return delivery.manual ? 1 : 0;
}

function lastAttemptData(attempt: { id: string; statusCode: number; at: Date }) {
  return {
    lastAttempt: {
      id: attempt.id,
      responseStatusCode: attempt.statusCode,
      timestamp: attempt.at.toISOString(),
    },
  };
}
