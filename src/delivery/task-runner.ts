import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Store } from '../db/index.ts';

export interface TaskRunner {
  wake(): void;
  stop(): Promise<void>;
}

const LEASE_MS = 60_000;
const IDLE_POLL_MS = 5_000;

/**
 * Works through background tasks (recover, replay) one chunk at a time. Any worker may hold a task; a lapsed
 * lease hands it to another, which resumes from the recorded cursor.
 */
export function startTaskRunner(store: Pick<Store, 'backgroundTasks'>, logger: Logger): TaskRunner {
  let running = true;
  let wakeUp: (() => void) | undefined;

  async function run() {
    while (running) {
      let task = await store.backgroundTasks.claim(LEASE_MS).catch((err) => {
        logger.error({ err }, 'claiming a background task failed');
        return undefined;
      });
      if (!task) {
        await Promise.race([new Promise<void>((resolve) => (wakeUp = resolve)), sleep(IDLE_POLL_MS)]);
        wakeUp = undefined;
        continue;
      }
      try {
        while (running && task.status === 'running')
          task = await store.backgroundTasks.advance(task, LEASE_MS);
        logger.info(
          { taskId: task.id, kind: task.kind, status: task.status, processed: task.processed },
          'background task',
        );
      } catch (err) {
        logger.error({ err, taskId: task.id }, 'background task failed');
        await store.backgroundTasks.fail(task.id, (err as Error).message).catch(() => {});
      }
    }
  }

  const loop = run();
  return {
    wake: () => wakeUp?.(),
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
    },
  };
}
