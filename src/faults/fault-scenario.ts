import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { FaultCluster } from './fault-cluster.ts';
import { type FaultRow, recordFaultRow } from './fault-report.ts';
import { type Ledger, type LedgerCheck, startLedger } from './ledger.ts';
import { type Load, startLoad } from './load-generator.ts';

export interface FaultScenarioOptions {
  name: string;
  cluster: FaultCluster;
  messages: number;
  perSecond: number;
  /** How long the receiver takes to answer, so that deliveries are in flight when the fault strikes. */
  receiverDelayMs?: number;
  /** Transformation code for every endpoint, so that each delivery goes through the sandbox. */
  transformation?: string;
  /** How long a message may go unanswered before the client gives up on it. */
  giveUpAfterMs?: number;
}

export interface FaultResult {
  row: FaultRow;
  check: LedgerCheck;
  load: Load;
  badSignatures: number;
}

export interface FaultScenario {
  appId: string;
  ledger: Ledger;
  /** Starts the steady load (once the fault's preparations are done). */
  startLoad(): Load;
  /** Resolves once `count` messages were accepted. */
  acceptedAtLeast(count: number, timeoutMs?: number): Promise<void>;
  /** Marks the end of a fault (now): recovery is measured from here. */
  faultOver(): void;
  /** Waits for the load and every owed delivery, checks the books, and records the scenario's row. */
  finish(timeoutMs?: number): Promise<FaultResult>;
}

const EVENT_TYPES = ['payment.succeeded', 'refund.succeeded'] as const;
/** Endpoint name → the event types it subscribes to (none: every type). */
const ENDPOINTS: Record<string, string[] | undefined> = {
  all: undefined,
  payments: ['payment.succeeded'],
  refunds: ['refund.succeeded'],
};

const owedTo = (eventType: string) => [eventType === 'payment.succeeded' ? 'payments' : 'refunds', 'all'];

/**
 * One fault scenario's common shape: an app with three endpoints on a ledger (one taking every event, two
 * taking one type each, so that each message is owed to exactly two), a steady load of two event types
 * through the API, and the ledger check at the end.
 */
export async function startFaultScenario(options: FaultScenarioOptions): Promise<FaultScenario> {
  const { cluster } = options;
  const ledger = await startLedger(options.receiverDelayMs ?? 0);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${cluster.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  };

  const app = await call('POST', '/app', { name: options.name });
  const appId = app.id as string;
  const endpointIds = new Map<string, string>();
  for (const [name, eventTypes] of Object.entries(ENDPOINTS)) {
    const endpoint = await call('POST', `/app/${appId}/endpoint`, {
      url: `${ledger.url}/${name}`,
      ...(eventTypes ? { eventTypes } : {}),
    });
    const id = endpoint.id as string;
    endpointIds.set(name, id);
    const secret = await call('GET', `/app/${appId}/endpoint/${id}/secret`);
    ledger.addEndpoint(name, secret.key as string);
    if (options.transformation) {
      await call('PATCH', `/app/${appId}/endpoint/${id}/transformation`, {
        code: options.transformation,
        enabled: true,
      });
    }
  }

  const faultEnds: number[] = [];
  let load: Load | undefined;

  const owed = () =>
    new Map([...load!.accepted.values()].map((m) => [m.id, owedTo(m.eventType)] as [string, string[]]));

  async function stuckDeliveries(): Promise<number> {
    let stuck = 0;
    for (const id of endpointIds.values()) {
      const stats = await call('GET', `/app/${appId}/endpoint/${id}/stats`);
      stuck += Number(stats.pending) + Number(stats.sending);
    }
    return stuck;
  }

  /**
   * Seconds from each fault's end until the system was whole again: everything accepted before that end had
   * arrived, the API had accepted a message and a worker had delivered one since; the longest.
   */
  function recoverySeconds(): number {
    let longest = 0;
    for (const end of faultEnds) {
      let caughtUp = end;
      for (const message of load!.accepted.values()) {
        if (message.at >= end) continue;
        for (const endpoint of owedTo(message.eventType)) {
          caughtUp = Math.max(caughtUp, ledger.firstArrival(endpoint, message.id) ?? Number.NaN);
        }
      }
      for (const backInService of [load!.firstAcceptedAfter(end), ledger.firstArrivalAfter(end)])
        if (backInService !== undefined) caughtUp = Math.max(caughtUp, backInService);
      longest = Math.max(longest, (caughtUp - end) / 1000);
    }
    return longest;
  }

  return {
    appId,
    ledger,
    startLoad() {
      load = startLoad({
        target: () => cluster.url,
        token: cluster.token,
        appId,
        messages: options.messages,
        perSecond: options.perSecond,
        eventType: (seq) => EVENT_TYPES[seq % EVENT_TYPES.length]!,
        keyPrefix: `${options.name.replaceAll(/\W+/g, '-')}-${appId}`,
        ...(options.giveUpAfterMs ? { giveUpAfterMs: options.giveUpAfterMs } : {}),
      });
      return load;
    },
    async acceptedAtLeast(count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (load!.accepted.size < count) {
        if (Date.now() > deadline) throw new Error(`only ${load!.accepted.size} of ${count} accepted`);
        await sleep(20);
      }
    },
    faultOver() {
      faultEnds.push(Date.now());
    },
    async finish(timeoutMs = 60_000) {
      await load!.done;
      const deadline = Date.now() + timeoutMs;
      let check = ledger.check(owed());
      while (check.lost.length > 0 && Date.now() < deadline) {
        await sleep(100);
        check = ledger.check(owed());
      }
      let stuck = await stuckDeliveries();
      while (stuck > 0 && Date.now() < deadline) {
        await sleep(200);
        stuck = await stuckDeliveries();
      }
      check = ledger.check(owed());
      const row: FaultRow = {
        scenario: options.name,
        accepted: load!.accepted.size,
        due: check.due,
        delivered: check.delivered,
        lost: check.lost.length,
        duplicated: check.duplicated,
        stuck,
        recoverySeconds: recoverySeconds(),
      };
      recordFaultRow(row);
      await ledger.close();
      return { row, check, load: load!, badSignatures: ledger.badSignatures };
    },
  };
}

/** What every scenario must show: nothing accepted was lost, stored twice or left pending. */
export function expectNothingLost({ row, check, load, badSignatures }: FaultResult): void {
  expect(check.lost.slice(0, 10), `${row.lost} lost deliveries`).toEqual([]);
  expect(check.storedTwice, 'client retries stored as new messages').toEqual([]);
  expect(load.conflictingAnswers, 'one idempotency key answered with two message ids').toEqual([]);
  expect(row.stuck, 'deliveries left pending or sending').toBe(0);
  expect(badSignatures, 'deliveries whose signature did not verify').toBe(0);
  expect(row.accepted).toBeGreaterThan(0);
}
