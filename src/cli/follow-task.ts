import { setTimeout as sleep } from 'node:timers/promises';
import { failure } from './cli-error.ts';
import { createProgressDisplay } from './progress-display.ts';
import type { SwitchyardClient } from './switchyard-client.ts';

export interface BackgroundTaskOut {
  id: string;
  status: 'running' | 'finished' | 'failed';
  task: string;
  data: {
    appId: string;
    endpointId: string;
    since: string;
    until: string;
    processed: number;
    progress: number;
    error: string | null;
  };
}

export interface TaskCommandOptions {
  app: string;
  endpoint: string;
  since: Date;
  until?: Date;
  /** False: print the task as started and return, for scripts that follow it themselves. */
  wait: boolean;
  json?: boolean;
}

const POLL_INTERVAL_MS = 500;

/**
 * Starts a recover or replay task on an endpoint and follows it to the end with a progress display.
 * @throws CliError (failure) when the task fails
 */
export async function startAndFollowTask(
  client: SwitchyardClient,
  action: 'recover' | 'replay-missing' | 'bulk-replay',
  options: TaskCommandOptions,
): Promise<void> {
  const started = Date.now();
  let task = await client.request<BackgroundTaskOut>(
    'POST',
    `/api/v1/app/${encodeURIComponent(options.app)}/endpoint/${encodeURIComponent(options.endpoint)}/${action}`,
    { since: options.since.toISOString(), ...(options.until ? { until: options.until.toISOString() } : {}) },
  );
  if (!options.wait) {
    process.stdout.write(
      options.json ? `${JSON.stringify(task, null, 2)}\n` : `started ${action} ${task.id}\n`,
    );
    return;
  }
  const display = options.json ? undefined : createProgressDisplay(`${action} ${task.id}`);
  display?.update({ status: task.status, progress: task.data.progress, processed: task.data.processed });
  // Ctrl-C stops the following, not the task, which the server finishes: say so, and where to look.
  const id = task.id;
  const interrupted = () => {
    display?.done();
    process.stderr.write(
      `switchyard: stopped following; ${action} ${id} goes on (GET /api/v1/background-task/${id})\n`,
    );
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    while (task.status === 'running') {
      await sleep(POLL_INTERVAL_MS);
      task = await client.request<BackgroundTaskOut>('GET', `/api/v1/background-task/${task.id}`);
      display?.update({ status: task.status, progress: task.data.progress, processed: task.data.processed });
    }
  } finally {
    process.off('SIGINT', interrupted);
    // An error while following goes on a line of its own, after the bar.
    display?.done();
  }
  if (options.json) process.stdout.write(`${JSON.stringify(task, null, 2)}\n`);
  if (task.status === 'failed')
    throw failure(`${action} ${task.id} failed: ${task.data.error ?? 'no reason given'}`);
  if (!options.json) {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const count = task.data.processed;
    process.stdout.write(
      `${action} ${task.id} finished in ${seconds} s: ${count} ${count === 1 ? 'delivery' : 'deliveries'} queued\n`,
    );
  }
}
