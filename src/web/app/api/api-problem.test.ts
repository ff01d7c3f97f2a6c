import { describe, expect, it } from 'vitest';
import { ApiProblem } from './api-problem.ts';

const validation = new ApiProblem({
  type: 'https://switchyard.dev/problems/validation',
  title: 'Validation Failed',
  status: 422,
  code: 'validation',
  detail: [
    {
      loc: ['body', 'connector', 'credentials', 'writeKey'],
      msg: 'Write Key is required',
      type: 'value_error',
    },
    { loc: ['body', 'eventTypes', 2], msg: "event type 'x' does not exist", type: 'value_error' },
    { loc: ['body', 'metadata'], msg: 'bad', type: 'value_error' },
  ],
});

describe('ApiProblem', () => {
  it('finds a field by its path without the request part, or any field under it', () => {
    expect(validation.field('connector.credentials.writeKey')).toBe('Write Key is required');
    expect(validation.field('eventTypes')).toBe("event type 'x' does not exist");
    expect(validation.field('url')).toBeUndefined();
  });

  it('leaves for the banner only what no control claims', () => {
    expect(validation.unclaimed(['connector.credentials', 'eventTypes'])).toEqual(['metadata: bad']);
  });

  it('reads a plain detail as the message', () => {
    const problem = new ApiProblem({
      type: '',
      title: 'Not Found',
      status: 404,
      code: 'not_found',
      detail: 'gone',
    });
    expect(problem.message).toBe('gone');
    expect(problem.unclaimed([])).toEqual(['gone']);
  });
});
