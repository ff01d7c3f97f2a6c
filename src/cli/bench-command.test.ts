import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchArguments } from './bench-command.ts';
import { runSwitchyard } from './testing.ts';

describe('switchyard bench', () => {
  it("passes commander's options on as the benchmark's flags", () => {
    expect(
      benchArguments({ calls: '2000', cpuProf: 'profiles', json: undefined, quiet: true, wave: false }),
    ).toEqual(['--calls', '2000', '--cpu-prof', 'profiles', '--quiet']);
  });

  it('runs the sandbox benchmark with the options given, prints its table and exits 0', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-bench-'));
    try {
      const json = path.join(dir, 'sandbox.json');
      const run = await runSwitchyard(
        [
          'bench',
          'sandbox',
          '--calls',
          '2000',
          '--wave',
          '50',
          '--latency',
          '100',
          '--cold',
          '5',
          '--processes',
          '1',
          '--json',
          json,
        ],
        {},
        { timeoutMs: 120_000 },
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('| switchyard sandbox, 1 process, 50 in flight |');
      const results = JSON.parse(await readFile(json, 'utf8'));
      expect(results).toMatchObject({ calls: 2000, wave: 50, latencyCalls: 100 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
