import { describe, expect, it } from 'vitest';
import { createRetrySchedule, DEFAULT_RETRY_SCHEDULE_SECONDS, parseRetryAfter } from './retry-schedule.ts';

describe('retry schedule', () => {
  const schedule = createRetrySchedule();
  const middle = () => 0.5;

  it('makes 8 attempts: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    expect(schedule.maxAttempts).toBe(8);
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) => schedule.delayAfter(attempt, undefined, middle));
    expect(delays).toEqual(DEFAULT_RETRY_SCHEDULE_SECONDS.map((s) => s * 1000));
    expect(schedule.delayAfter(8, undefined, middle)).toBeUndefined();
  });

  it('jitters by ±20 %', () => {
    expect(schedule.delayAfter(2, undefined, () => 0)).toBe(240_000);
    expect(schedule.delayAfter(2, undefined, () => 1)).toBe(360_000);
  });

  it('honours Retry-After within [delay, 2 × delay]', () => {
    expect(schedule.delayAfter(2, 400_000, middle)).toBe(400_000);
    expect(schedule.delayAfter(2, 10_000_000, middle)).toBe(600_000);
    expect(schedule.delayAfter(2, 1_000, middle)).toBe(300_000);
    expect(schedule.delayAfter(8, 1_000, middle)).toBeUndefined();
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
