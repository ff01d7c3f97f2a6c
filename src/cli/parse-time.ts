import { InvalidArgumentError } from 'commander';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A point in time as an operator types it: an ISO 8601 date-time (`2026-11-23T10:00:00Z`, or a date alone,
 * read as UTC midnight) or a duration ago (`90m`, `24h`, `7d`).
 * @throws InvalidArgumentError, which commander reports as a usage error naming the option
 */
export function parseTime(text: string, now: number = Date.now()): Date {
  const ago = /^(\d+)([smhdw])$/.exec(text.trim());
  if (ago) return new Date(now - Number(ago[1]) * UNIT_MS[ago[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())) {
    const date = new Date(text);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new InvalidArgumentError(
    'expected an ISO 8601 time such as 2026-11-23T10:00:00Z, or a duration ago such as 30m, 24h or 7d',
  );
}
