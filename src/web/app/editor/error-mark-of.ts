import type { ErrorMark } from './error-mark.ts';

/** The line a compile error names in the API's message ("… (line 3, column 7)"), to mark it in the editor. */
export function errorMarkOf(message: string | undefined): ErrorMark | undefined {
  const match = message ? /\(line (\d+), column \d+\)/.exec(message) : null;
  return match && message ? { line: Number(match[1]), message } : undefined;
}
