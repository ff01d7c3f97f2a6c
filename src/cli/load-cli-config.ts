import { type Config, loadConfig, readConfigFile } from '../config/index.ts';

/**
 * The configuration of one command: the file of `--config` (which commander fills from SWITCHYARD_CONFIG),
 * with the environment over it.
 * @throws ConfigError naming the setting that is wrong
 */
export function loadCliConfig(configFile: string | undefined): Config {
  return loadConfig(process.env, configFile ? readConfigFile(configFile) : undefined);
}
