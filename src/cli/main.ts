#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ConfigError } from '../config/index.ts';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-error.ts';
import { createProgram } from './create-program.ts';

/** Prints what went wrong (commander has printed its own) and says which exit code it means. */
function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (error instanceof ConfigError || error instanceof CliError) {
    process.stderr.write(`switchyard: ${error.message}\n`);
    return error instanceof CliError ? error.exitCode : EXIT_USAGE;
  }
  // Unexpected: the stack is what a bug report needs.
  process.stderr.write(
    `switchyard: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT_FAILURE;
}

createProgram()
  .parseAsync()
  .catch((error: unknown) => process.exit(exitCodeOf(error)));
