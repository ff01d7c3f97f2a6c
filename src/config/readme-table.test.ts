import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from './config.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.split('\n## Configuration\n')[1]!.split('\n## ')[0]!;
/** Each row of the table: the variable and its default column. */
const rows = new Map(
  [...section.matchAll(/^\| `([A-Z_]+)`\s*\|\s*(.*?)\s*\|/gm)].map((m) => [m[1]!, m[2]!] as const),
);

/** A default as the table writes it, for the defaults that are plain values. */
function documentedDefault(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return `\`${value}\``;
  if (Array.isArray(value) && value.length) return `\`${value.join(',')}\``;
  return undefined;
}

describe('README configuration table', () => {
  it('lists exactly the settings the configuration schema has', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it("gives each setting's default as the schema has it", () => {
    for (const [name, schema] of Object.entries(configSchema.shape)) {
      const parsed = schema.safeParse(undefined);
      const expected = parsed.success ? documentedDefault(parsed.data) : undefined;
      if (expected) expect({ name, default: rows.get(name) }).toEqual({ name, default: expected });
    }
  });
});
