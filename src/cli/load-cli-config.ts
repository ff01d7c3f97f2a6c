import { type Config, loadConfig, readConfigFile } from '../config/index.ts';

/**
 * The configuration of one command: the file named by `--config` (else `SWITCHYARD_CONFIG`), with the
 * environment over it.
 * @throws ConfigError naming the setting that is wrong
 */
export function loadCliConfig(configFile: string | undefined, env = process.env): Config {
  const file = configFile || env.SWITCHYARD_CONFIG || undefined;
  return loadConfig(env, file ? readConfigFile(file) : undefined);
}
