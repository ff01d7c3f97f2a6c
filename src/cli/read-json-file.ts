import { readFileSync } from 'node:fs';
import { usageError } from './cli-error.ts';

/**
 * A JSON object from a file, or from standard input for `-`.
 * @throws CliError (usage) naming the file and what is wrong with it
 */
export function readJsonObject(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw usageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw usageError(`${file} must hold a JSON object (the event envelope)`);
  }
  return value as Record<string, unknown>;
}
