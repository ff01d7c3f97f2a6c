/** Exit codes scripts can rely on; the README's CLI section lists them. */
export const EXIT_OK = 0;
/** Something went wrong while doing what was asked: an API error, a failing transformation, a failed task. */
export const EXIT_FAILURE = 1;
/** What was asked cannot be done as written: a bad flag, a missing file, a wrong setting. */
export const EXIT_USAGE = 2;

/** An expected failure: printed as its message alone, never with a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: typeof EXIT_FAILURE | typeof EXIT_USAGE;
  constructor(message: string, exitCode: typeof EXIT_FAILURE | typeof EXIT_USAGE) {
    super(message);
    this.exitCode = exitCode;
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}

export function failure(message: string): CliError {
  return new CliError(message, EXIT_FAILURE);
}
