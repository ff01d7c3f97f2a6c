import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MiddlewareHandler } from 'hono';
import type { Store } from '../db/index.ts';
import { ApiError } from './api-error.ts';
import type { ApiEnv } from './context.ts';

const IN_FLIGHT_POLL_MS = 200;
const IN_FLIGHT_WAIT_MS = 5_000;

/**
 * Honours `Idempotency-Key` on POST requests, as Svix does: the first successful response is stored for
 * 12 hours and replayed for repeats from the same token to the same URL; a failed request frees the key.
 * A concurrent duplicate waits for the first to finish. Handlers that store their response in their own
 * transaction (message creation) mark the key completed themselves, so that a crash between the two
 * writes cannot lose the record.
 */
export function idempotency(store: Store): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || !key) return next();
    if (key.length > 256)
      throw new ApiError(400, 'generic_error', 'Idempotency-Key must be at most 256 characters');
    const keyHash = createHash('sha256')
      .update(`${c.req.header('authorization') ?? ''}\n${key}\n${c.req.url}`)
      .digest('hex');

    const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
    for (;;) {
      const reservation = await store.idempotency.reserve(keyHash);
      if (reservation.state === 'completed') {
        // A stored 204 (secret rotation, expire-all) has no body, and a Response with one would throw.
        if (reservation.status === 204) return new Response(null, { status: 204 });
        return new Response(reservation.body, {
          status: reservation.status,
          headers: { 'content-type': 'application/json' },
        });
      }
      if (reservation.state === 'reserved') break;
      if (Date.now() > deadline) {
        throw new ApiError(409, 'conflict', 'A request with this Idempotency-Key is still being processed');
      }
      await sleep(IN_FLIGHT_POLL_MS);
    }

    c.set('idempotencyKeyHash', keyHash);
    // Errors thrown by the handler reach here already turned into a problem response by onError.
    await next();
    if (c.res.status >= 200 && c.res.status < 300) {
      if (!c.get('idempotencyCompleted')) {
        await store.idempotency.complete(keyHash, c.res.status, await c.res.clone().text());
      }
    } else {
      await store.idempotency.release(keyHash);
    }
  };
}
