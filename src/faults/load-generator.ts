import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadOptions {
  /** The API's base URL, read at every request (a restarted API may be elsewhere). */
  target: () => string;
  token: string;
  appId: string;
  /** Messages to post; message `seq` carries `data.seq` so that a receiver can tell them apart. */
  messages: number;
  perSecond: number;
  /** Requests in flight at most, retries included. */
  concurrency?: number;
  eventType: (seq: number) => string;
  /** Prefix of the idempotency keys, unique per run. */
  keyPrefix: string;
  /** How long one message may keep failing before the generator gives up on it (counted as unanswered). */
  giveUpAfterMs?: number;
}

export interface AcceptedMessage {
  seq: number;
  id: string;
  eventType: string;
  /** When the API answered 2xx. */
  at: number;
}

export interface Load {
  /** Messages answered 2xx, by seq. */
  accepted: Map<number, AcceptedMessage>;
  /** Requests that got no 2xx answer (connection cut, 5xx, 409 in flight), each retried with the same key. */
  readonly failedRequests: number;
  /** Statuses other than 2xx that were answered, by status, for the report. */
  statuses: Map<number, number>;
  /** Seqs whose retries were answered with a different message id than an earlier 2xx: a broken key. */
  conflictingAnswers: number[];
  /** Seqs never answered 2xx before the generator gave up on them. */
  unanswered: number[];
  /** The first 2xx answer at or after `time`. */
  firstAcceptedAfter(time: number): number | undefined;
  /** Resolves when every message was answered or given up on. */
  done: Promise<void>;
}

/**
 * Posts messages through the real HTTP API at a steady rate, as a careful client does: each with its own
 * Idempotency-Key, and a request that gets no 2xx (no answer, 5xx, a key still in flight) retried with the
 * same key after a short backoff. It records which messages were answered 2xx and with which id.
 */
export function startLoad(options: LoadOptions): Load {
  const accepted = new Map<number, AcceptedMessage>();
  const statuses = new Map<number, number>();
  const conflictingAnswers: number[] = [];
  const unanswered: number[] = [];
  const acceptedTimes: number[] = [];
  const giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
  let failedRequests = 0;
  let next = 0;
  const started = Date.now();

  async function post(seq: number): Promise<void> {
    const eventType = options.eventType(seq);
    const body = JSON.stringify({
      eventType,
      payload: {
        business_id: 'bus_faults',
        type: eventType,
        timestamp: new Date().toISOString(),
        data: { seq },
      },
    });
    const deadline = Date.now() + giveUpAfterMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${options.target()}/api/v1/app/${options.appId}/msg`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.token}`,
            'content-type': 'application/json',
            'idempotency-key': `${options.keyPrefix}-${seq}`,
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        if (res.ok) {
          const { id } = JSON.parse(text) as { id: string };
          const earlier = accepted.get(seq);
          if (earlier && earlier.id !== id) conflictingAnswers.push(seq);
          if (!earlier) {
            const at = Date.now();
            accepted.set(seq, { seq, id, eventType, at });
            acceptedTimes.push(at);
          }
          return;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        // 4xx other than a key still in flight is the generator's own mistake: retrying would not help.
        if (res.status < 500 && res.status !== 409 && res.status !== 429)
          throw new Error(`POST msg answered ${res.status}: ${text}`);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('POST msg answered')) throw error;
      }
      failedRequests++;
      if (Date.now() > deadline) {
        unanswered.push(seq);
        return;
      }
      await sleep(Math.min(50 * 2 ** attempt, 1_000));
    }
  }

  const done = Promise.all(
    Array.from({ length: options.concurrency ?? 32 }, async () => {
      while (next < options.messages) {
        const seq = next++;
        const due = started + (seq * 1000) / options.perSecond;
        if (due > Date.now()) await sleep(due - Date.now());
        await post(seq);
      }
    }),
  ).then(() => {});

  return {
    accepted,
    get failedRequests() {
      return failedRequests;
    },
    statuses,
    conflictingAnswers,
    unanswered,
    firstAcceptedAfter: (time) => acceptedTimes.find((at) => at >= time),
    done,
  };
}
