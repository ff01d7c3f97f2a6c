import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from './create-program.ts';
import { runSwitchyard } from './testing.ts';

/** Every command path, groups (`transform`, `bench`) included: `[[], ['start'], ['transform', 'test'], …]`. */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return [prefix, ...command.commands.flatMap((sub) => commandPaths(sub, [...prefix, sub.name()]))];
}

describe('switchyard command line', () => {
  it('answers --help on every command with its usage, and exit code 0', async () => {
    const paths = commandPaths(createProgram());
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining(['start', 'api', 'worker', 'migrate', 'send', 'transform test', 'replay']),
    );
    for (const path of paths) {
      const run = await runSwitchyard([...path, '--help']);
      expect({ path, code: run.code, stderr: run.stderr }).toEqual({ path, code: 0, stderr: '' });
      expect(run.stdout).toContain(`Usage: switchyard${path.length ? ` ${path.join(' ')}` : ''} `);
    }
  });

  it('prints its version', async () => {
    const run = await runSwitchyard(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    [['sned', 'payment.succeeded'], /unknown command 'sned'[\s\S]*Did you mean send\?/],
    [['send', 'payment.succeeded'], /required option '--app <app>' not specified/],
    [['send', '--app', 'acme', 'payment.succeeded', '--colour'], /unknown option '--colour'/],
    [
      ['replay', '--app', 'a', '--endpoint', 'e', '--since', 'yesterday'],
      /option '--since <time>' argument 'yesterday' is invalid\. expected an ISO 8601 time/,
    ],
    [['recover', '--app', 'a', '--endpoint', 'e'], /required option '--since <time>' not specified/],
    [
      ['transform', 'test', 'code.js', '--event', 'payment.succeeded', '--env', 'NOEQUALS'],
      /expected KEY=VALUE/,
    ],
    [['bench', 'delivery', '--deliveries', '-5'], /'--deliveries <n>' argument '-5' is invalid/],
    [['bench', 'delivery', '--drivers', 'mysql'], /expected a comma-separated list of pglite, postgres/],
    [['transform'], /Usage: switchyard transform/],
  ])('refuses %j with exit code 2 and says why', async (args, message) => {
    const run = await runSwitchyard(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
