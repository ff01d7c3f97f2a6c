export {
  type Config,
  ConfigError,
  type ConfigFileSettings,
  configSchema,
  loadConfig,
} from './config.ts';
export { readConfigFile } from './config-file.ts';
