import type { Logger } from 'pino';
import type { Store } from '../db/index.ts';

const INTERVAL_MS = 10 * 60_000;

async function drain(step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let n = await step(); n > 0; n = await step()) total += n;
  return total;
}

/** Forgets expired payloads and old response bodies every ten minutes, batch by batch until none is left. */
export function startRetentionJob(
  store: Pick<Store, 'retention'>,
  retentionDays: number,
  logger: Logger,
): () => void {
  let busy = false;
  async function purge() {
    if (busy) return;
    busy = true;
    try {
      const payloads = await drain(() => store.retention.purgeExpiredPayloads());
      const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
      const responses = await drain(() => store.retention.purgeAttemptResponses(cutoff));
      if (payloads + responses > 0) logger.info({ payloads, responses }, 'retention purge');
    } catch (err) {
      logger.error({ err }, 'retention purge failed');
    } finally {
      busy = false;
    }
  }
  const timer = setInterval(() => void purge(), INTERVAL_MS);
  timer.unref();
  void purge();
  return () => clearInterval(timer);
}
