import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from './node-flags.ts';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe("Node's own options for long-running processes", () => {
  it('are on the switchyard command’s first line', () => {
    const shebang = read('../cli/main.ts').split('\n')[0]!;
    expect(shebang.startsWith('#!/usr/bin/env -S node ')).toBe(true);
    for (const flag of NODE_FLAGS) expect(shebang.split(' ')).toContain(flag);
  });

  it('are in npm start', () => {
    const start = (JSON.parse(read('../../package.json')) as { scripts: Record<string, string> }).scripts
      .start!;
    for (const flag of NODE_FLAGS) expect(start.split(' ')).toContain(flag);
  });
});
