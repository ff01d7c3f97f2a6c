import { describe, expect, it } from 'vitest';
import { parseTime } from './parse-time.ts';

describe('parseTime', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');

  it('reads durations ago', () => {
    expect(parseTime('90m', now).toISOString()).toBe('2026-11-30T10:30:00.000Z');
    expect(parseTime('24h', now).toISOString()).toBe('2026-11-29T12:00:00.000Z');
    expect(parseTime('7d', now).toISOString()).toBe('2026-11-23T12:00:00.000Z');
  });

  it('reads ISO 8601 times and dates', () => {
    expect(parseTime('2026-11-23T10:00:00Z', now).toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(parseTime('2026-11-23T10:00:00+02:00', now).toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(parseTime('2026-11-23', now).toISOString()).toBe('2026-11-23T00:00:00.000Z');
  });

  it('refuses anything else, saying what it accepts', () => {
    for (const text of ['yesterday', '10', '2026-13-45', '5 hours']) {
      expect(() => parseTime(text, now)).toThrow(/ISO 8601 .* 24h/);
    }
  });
});
