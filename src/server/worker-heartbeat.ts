import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Store } from '../db/index.ts';

/** How often a worker process reports; the readiness check counts a worker live for three of these. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
const FORGET_AFTER_MS = 24 * 3_600_000;

/**
 * Reports every few seconds that this process runs a delivery worker, so that every process's readiness
 * check (an API-only one too) can tell whether deliveries are being made.
 */
export function startWorkerHeartbeat(store: Store, logger: Logger) {
  const beat = {
    id: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    hostname: hostname(),
    pid: process.pid,
    startedAt: new Date(),
  };
  const send = () =>
    store.readiness
      .beat(beat, FORGET_AFTER_MS)
      .catch((err) => logger.warn({ err }, 'worker heartbeat failed'));
  const first = send();
  const timer = setInterval(send, HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return {
    ready: first,
    async stop() {
      clearInterval(timer);
      await store.readiness.leave(beat.id).catch(() => {});
    },
  };
}
