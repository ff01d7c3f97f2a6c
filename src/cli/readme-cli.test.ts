import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-error.ts';
import { createProgram } from './create-program.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.split('\n## CLI\n')[1]!.split('\n## ')[0]!;

/** The commands that do something (not the `transform` and `bench` groups), as `transform test`. */
function leafCommands(command: Command, prefix: string[] = []): { path: string; command: Command }[] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return sub.commands.length ? leafCommands(sub, path) : [{ path: path.join(' '), command: sub }];
  });
}

describe("README's CLI section", () => {
  const commands = leafCommands(createProgram());

  it('lists exactly the commands the program has', () => {
    const documented = [...section.matchAll(/^\| `switchyard ((?:[a-z]+ ?)+)/gm)].map((m) => m[1]!.trim());
    expect(documented.sort()).toEqual(commands.map((c) => c.path).sort());
  });

  it('names every option of every command', () => {
    for (const { path, command } of commands) {
      for (const option of command.options) {
        expect({
          path,
          option: option.long,
          named: new RegExp(`${option.long}(?![\\w-])`).test(section),
        }).toEqual({
          path,
          option: option.long,
          named: true,
        });
      }
    }
  });

  it('gives the exit codes', () => {
    expect(section).toMatch(
      new RegExp(
        `\\*\\*${EXIT_OK}\\*\\* success; \\*\\*${EXIT_FAILURE}\\*\\* the work failed[^]*\\*\\*${EXIT_USAGE}\\*\\* usage`,
      ),
    );
  });
});
