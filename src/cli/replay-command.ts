import { startAndFollowTask, type TaskCommandOptions } from './follow-task.ts';
import { loadCliConfig } from './load-cli-config.ts';
import { type ClientOptions, createSwitchyardClient } from './switchyard-client.ts';

export interface ReplayOptions extends TaskCommandOptions, ClientOptions {
  config?: string;
  /** Only the messages the endpoint never got (created before it, or filtered out then). */
  missing?: boolean;
}

/** `switchyard replay`: sends every message of the window to the endpoint again, or only those it missed. */
export async function runReplay(options: ReplayOptions) {
  const client = createSwitchyardClient(loadCliConfig(options.config), options);
  await startAndFollowTask(client, options.missing ? 'replay-missing' : 'bulk-replay', options);
}
