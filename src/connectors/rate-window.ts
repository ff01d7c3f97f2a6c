/** Whether a request got through a rate window, and what the vendor's rate-limit headers report. */
export interface RateDecision {
  admitted: boolean;
  /** Requests the key may still make in the window. */
  remaining: number;
  /** Until the oldest request in the window leaves it, so that another gets through. */
  resetMs: number;
}

/**
 * A vendor's rate limit in a fake: at most `limit` requests per key in any `windowMs` (a sliding window, so that a
 * burst across a second boundary is refused as the documented "N per second" says). The key is what the vendor
 * counts per: a credential, a webhook, or one key for the whole account. Unlimited when `limit` is undefined.
 */
export class RateWindow {
  readonly limit: number | undefined;
  readonly windowMs: number;
  readonly #admitted = new Map<string, number[]>();

  constructor(limit: number | undefined, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** Admits one request for `key` unless `limit` were admitted in the last `windowMs`. */
  admit(key = ''): RateDecision {
    if (this.limit === undefined) {
      return { admitted: true, remaining: Number.POSITIVE_INFINITY, resetMs: this.windowMs };
    }
    const now = Date.now();
    const recent = (this.#admitted.get(key) ?? []).filter((at) => now - at < this.windowMs);
    const admitted = recent.length < this.limit;
    if (admitted) recent.push(now);
    this.#admitted.set(key, recent);
    const oldest = recent[0] ?? now;
    return { admitted, remaining: this.limit - recent.length, resetMs: oldest + this.windowMs - now };
  }

  clear(): void {
    this.#admitted.clear();
  }
}
