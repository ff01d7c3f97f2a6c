import { startAndFollowTask, type TaskCommandOptions } from './follow-task.ts';
import { loadCliConfig } from './load-cli-config.ts';
import { type ClientOptions, createSwitchyardClient } from './switchyard-client.ts';

/** `switchyard recover`: sends again every message of the window whose delivery to the endpoint failed. */
export async function runRecover(options: TaskCommandOptions & ClientOptions & { config?: string }) {
  const client = createSwitchyardClient(loadCliConfig(options.config), options);
  await startAndFollowTask(client, 'recover', options);
}
