import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { AlertKind, Store } from '../db/index.ts';
import type { OperationalEvent, OperationalEventType } from '../delivery/index.ts';
import { composeAlertEmail } from './alert-email.ts';
import { gatherAlertFacts } from './alert-facts.ts';
import type { MailSender } from './mail-sender.ts';

export interface AlerterOptions {
  store: Store;
  mailer: MailSender;
  /** The sender, `alerts@example.com` or `Name <alerts@example.com>`. */
  from: string;
  /** Base of the dashboard links; without it the emails carry none. */
  dashboardUrl: string | undefined;
  /** At most one email per endpoint and kind in this long, across processes sharing the database. */
  intervalMs: number;
  logger: Logger;
  /** Pauses between tries of an email the SMTP server did not take. */
  retryDelaysMs?: number[];
  /** Alerts waiting beyond this are dropped (and logged): an outage must not grow memory without bound. */
  maxQueued?: number;
  /** Alerts handled at once. */
  concurrency?: number;
  /** How long this process trusts that an app has no addresses, or that another process just sent. */
  recheckMs?: number;
}

export interface Alerter {
  /** Queues the email an operational event calls for, if any. Never blocks and never throws. */
  notify(event: OperationalEvent): void;
  /** The emitter, with each event it emits also passed to `notify`: how operational webhooks feed alerts. */
  observing<T extends { emit(event: OperationalEvent): void }>(emitter: T): T;
  /** Resolves once nothing is queued or being sent. */
  idle(): Promise<void>;
  /** Drops what is queued, ends retries and sends under way (giving their turn back), closes SMTP. */
  stop(): Promise<void>;
}

/** Operational events that alert, and the kind of alert each is. */
const ALERT_KIND_OF: Partial<Record<OperationalEventType, AlertKind>> = {
  'message.attempt.failing': 'endpoint.failing',
  'endpoint.disabled': 'endpoint.disabled',
  'message.attempt.exhausted': 'message.attempt.exhausted',
};

const DEFAULT_RETRY_DELAYS_MS = [10_000, 60_000, 300_000];
const QUIET_ENTRIES_LIMIT = 10_000;

interface Job {
  key: string;
  kind: AlertKind;
  event: OperationalEvent;
}

/**
 * Emails an app's alert addresses when one of its endpoints starts failing, is disabled, or exhausts a message.
 * Work happens off the delivery path, in a bounded queue; the database decides which process sends, so a
 * burst of failures, or several workers seeing the same one, makes one email per interval.
 */
export function createAlerter(options: AlerterOptions): Alerter {
  const { store, mailer, logger, intervalMs } = options;
  const retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const maxQueued = options.maxQueued ?? 1000;
  const concurrency = options.concurrency ?? 2;
  const recheckMs = options.recheckMs ?? 10_000;

  const queue: Job[] = [];
  /** Queued or being handled: a second event for the same endpoint and kind adds nothing. */
  const pending = new Set<string>();
  /** Until when events for an endpoint and kind are dropped without asking the database. */
  const quietUntil = new Map<string, number>();
  const waiters: (() => void)[] = [];
  const stopped = new AbortController();
  let active = 0;
  let overflowing = false;

  function quiet(key: string, ms: number) {
    const now = Date.now();
    if (quietUntil.size >= QUIET_ENTRIES_LIMIT) {
      for (const [k, until] of quietUntil) if (until <= now) quietUntil.delete(k);
      if (quietUntil.size >= QUIET_ENTRIES_LIMIT) quietUntil.clear();
    }
    quietUntil.set(key, now + ms);
  }

  async function sendWithRetries(job: Job, sentAt: Date): Promise<void> {
    const { event, kind, key } = job;
    const where = { appId: event.appId, endpointId: event.endpointId, kind };
    const giveBack = async () => {
      quietUntil.delete(key);
      await store.alerts.releaseSend(event.endpointId, kind, sentAt);
    };
    const facts = await gatherAlertFacts(store, event, kind, {
      dashboardUrl: options.dashboardUrl,
      intervalMs,
    });
    if (!facts) return giveBack();
    // Read again: the addresses may have changed while the facts were gathered.
    const { emails } = await store.alerts.settings(event.appId);
    if (emails.length === 0) return giveBack();
    const email = composeAlertEmail(facts);
    for (let attempt = 1; ; attempt++) {
      try {
        const { rejected } = await mailer.send({
          from: options.from,
          to: emails,
          ...email,
          // RFC 3834: vacation responders and ticket systems should not answer an alert.
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Switchyard-Alert': kind },
        });
        logger.info({ ...where, recipients: emails.length - rejected.length, rejected }, 'alert email sent');
        return;
      } catch (error) {
        const delay = retryDelaysMs[attempt - 1];
        const err = { message: (error as Error).message, code: (error as { code?: string }).code };
        if (delay === undefined || stopped.signal.aborted) {
          logger.error({ ...where, attempt, err }, 'alert email could not be sent; giving up');
          return giveBack();
        }
        logger.warn({ ...where, attempt, err, retryInMs: delay }, 'alert email could not be sent; retrying');
        await sleep(delay, undefined, { signal: stopped.signal }).catch(() => {});
      }
    }
  }

  async function handle(job: Job): Promise<void> {
    const { event, kind, key } = job;
    const settings = await store.alerts.settings(event.appId);
    if (settings.emails.length === 0 || !settings.kinds.includes(kind)) return quiet(key, recheckMs);
    const sentAt = await store.alerts.claimSend(event.endpointId, kind, intervalMs);
    // Another process (or an earlier event here) sent one within the interval.
    if (!sentAt) return quiet(key, recheckMs);
    quiet(key, intervalMs);
    try {
      await sendWithRetries(job, sentAt);
    } catch (error) {
      quietUntil.delete(key);
      await store.alerts.releaseSend(event.endpointId, kind, sentAt).catch(() => {});
      throw error;
    }
  }

  function pump() {
    while (active < concurrency && queue.length > 0) {
      const job = queue.shift()!;
      active++;
      handle(job)
        .catch((error) =>
          logger.error(
            { appId: job.event.appId, endpointId: job.event.endpointId, kind: job.kind, err: error },
            'alert could not be handled',
          ),
        )
        .finally(() => {
          active--;
          pending.delete(job.key);
          pump();
          if (active === 0 && queue.length === 0) for (const resolve of waiters.splice(0)) resolve();
        });
    }
  }

  function notify(event: OperationalEvent) {
    const kind = ALERT_KIND_OF[event.type];
    if (!kind || stopped.signal.aborted) return;
    const key = `${event.endpointId}|${kind}`;
    if (pending.has(key) || (quietUntil.get(key) ?? 0) > Date.now()) return;
    if (queue.length >= maxQueued) {
      if (!overflowing) logger.warn({ maxQueued }, 'alert queue full; alerts are dropped until it drains');
      overflowing = true;
      return;
    }
    overflowing = false;
    pending.add(key);
    queue.push({ key, kind, event });
    pump();
  }

  function idle(): Promise<void> {
    if (active === 0 && queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => waiters.push(resolve));
  }

  return {
    notify,
    idle,
    observing(emitter) {
      return {
        ...emitter,
        emit(event: OperationalEvent) {
          emitter.emit(event);
          notify(event);
        },
      };
    },
    async stop() {
      stopped.abort();
      for (const job of queue.splice(0)) pending.delete(job.key);
      mailer.close();
      await idle();
    },
  };
}

/** What runs when no SMTP server is configured: every alert is ignored. */
export const disabledAlerter: Alerter = {
  notify() {},
  observing: (emitter) => emitter,
  idle: () => Promise.resolve(),
  stop: () => Promise.resolve(),
};
