import { describe, expect, it } from 'vitest';
import { errorMarkOf } from './error-mark-of.ts';

describe('errorMarkOf', () => {
  it('takes the line from a compile error of the API', () => {
    const message = 'SyntaxError: Unexpected end of input (line 7, column 1)';
    expect(errorMarkOf(message)).toEqual({ line: 7, message });
  });

  it('gives nothing without a line', () => {
    expect(errorMarkOf('TypeError: x is not a function')).toBeUndefined();
    expect(errorMarkOf(undefined)).toBeUndefined();
  });
});
