import { readdirSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectors } from './registry.ts';

const FOLDER_FILES = [
  'contract.ts',
  'end-to-end.test.ts',
  'fake.ts',
  'index.ts',
  'manifest.ts',
  'response-policy.ts',
];

describe('connector registry', () => {
  const folders = readdirSync(new URL('.', import.meta.url)).filter((name) =>
    statSync(new URL(`./${name}`, import.meta.url)).isDirectory(),
  );

  it('lists every connector folder exactly once, with unique ids', () => {
    const ids = connectors.map((c) => c.manifest.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...folders].sort());
  });

  it('gives every folder the same shape', () => {
    for (const folder of folders) {
      const files = readdirSync(new URL(`./${folder}`, import.meta.url));
      for (const file of FOLDER_FILES) expect(files, `${folder}/${file}`).toContain(file);
      expect(files, `${folder} has its unit tests`).toContain(`${folder}.test.ts`);
    }
  });

  it('has 19 cards of the platform plus the custom and plain webhook cards', () => {
    expect(connectors).toHaveLength(21);
    expect(connectors.slice(-2).map((c) => c.manifest.id)).toEqual(['custom', 'webhook']);
  });
});
