import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigFileSettings, configSchema } from './config.ts';

/**
 * Reads a JSON configuration file whose keys are the settings' environment variable names. Values may be
 * strings, numbers, booleans, or arrays for the comma-separated settings; they become the text the
 * environment would carry, so that one schema validates both sources the same way.
 * @throws ConfigError for an unreadable file, malformed JSON, an unknown key or a value of the wrong kind
 */
export function readConfigFile(file: string): ConfigFileSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? `not valid JSON (${error.message})` : errorCode(error);
    throw new ConfigError(`cannot read the configuration file ${file}: ${reason}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(
      `the configuration file ${file} must hold one JSON object of settings, such as {"PORT": 8080}`,
    );
  }
  const known = new Set(Object.keys(configSchema.shape));
  const problems: string[] = [];
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!known.has(key)) {
      problems.push(
        `${key} (in ${file}): unknown setting; the settings are the variables of the README's table`,
      );
      continue;
    }
    const text = asSettingText(value);
    if (text === undefined) {
      problems.push(`${key} (in ${file}): must be a string, number, boolean or array of those`);
      continue;
    }
    values[key] = text;
  }
  if (problems.length) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return { file, values };
}

function asSettingText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return value.join(',');
  }
  return undefined;
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
