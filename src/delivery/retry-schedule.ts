/** Svix's and the platform's schedule: the delays, in seconds, before attempts 2 to 8. */
export const DEFAULT_RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];

const JITTER = 0.2;

export interface RetrySchedule {
  /** Attempts in all: the first, then one per delay. */
  readonly maxAttempts: number;
  /**
   * Milliseconds to wait after failed attempt number `attempt` (1-based), ±20 % jitter, or undefined when
   * no attempt is left. A receiver's Retry-After (429/503) counts, clamped to [delay, 2 × delay] as Svix does.
   */
  delayAfter(attempt: number, retryAfterMs?: number, random?: () => number): number | undefined;
}

export function createRetrySchedule(delaysSeconds: number[] = DEFAULT_RETRY_SCHEDULE_SECONDS): RetrySchedule {
  return {
    maxAttempts: delaysSeconds.length + 1,
    delayAfter(attempt, retryAfterMs, random = Math.random) {
      const base = delaysSeconds[attempt - 1];
      if (base === undefined) return undefined;
      const baseMs = base * 1000;
      const jittered = baseMs * (1 - JITTER + 2 * JITTER * random());
      if (retryAfterMs === undefined) return Math.round(jittered);
      return Math.round(Math.min(Math.max(retryAfterMs, jittered), 2 * baseMs));
    },
  };
}

/** Parses Retry-After: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
