import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What a ledger holds about one endpoint: its signing secret and the first arrival of each webhook-id. */
interface EndpointBook {
  verifier: Webhook;
  /** webhook-id → arrivals, first arrival time */
  arrivals: Map<string, { count: number; firstAt: number }>;
}

export interface LedgerCheck {
  /** Deliveries the accepted messages are owed: one per matching endpoint. */
  due: number;
  delivered: number;
  /** Owed deliveries that never arrived, as `endpoint:webhook-id`. */
  lost: string[];
  /** Arrivals beyond the first of the same webhook-id at the same endpoint (at-least-once allows them). */
  duplicated: number;
  /** Client sequence numbers that arrived under more than one webhook-id: one request stored twice. */
  storedTwice: number[];
}

export interface Ledger {
  /** Loopback base URL; an endpoint named `name` receives at `${url}/${name}`. */
  url: string;
  /** Starts recording for an endpoint, verifying every request with its signing secret. */
  addEndpoint(name: string, secret: string): void;
  /** Requests whose signature did not verify (answered 401, never recorded as delivered). */
  readonly badSignatures: number;
  /** When `id` first reached `endpoint`, if it did. */
  firstArrival(endpoint: string, id: string): number | undefined;
  /** The first delivery to any endpoint at or after `time`. */
  firstArrivalAfter(time: number): number | undefined;
  /** Stops answering: the port refuses connections and open ones are cut, as a receiver that went down. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Compares the accepted messages (webhook-id → endpoints they are owed to) with what arrived. */
  check(owed: Map<string, string[]>): LedgerCheck;
  close(): Promise<void>;
}

function seqOf(body: string): number | undefined {
  try {
    const seq = (JSON.parse(body) as { data?: { seq?: unknown } }).data?.seq;
    return typeof seq === 'number' ? seq : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A loopback receiver that keeps the books of a fault scenario: every `webhook-id` each endpoint got, how
 * often, and when first, counting only requests whose Standard Webhooks signature verifies.
 * @param delayMs how long it takes to answer, so that work is still in flight when a fault strikes
 */
export async function startLedger(delayMs = 0): Promise<Ledger> {
  const books = new Map<string, EndpointBook>();
  const sockets = new Set<Socket>();
  /** The load generator's `data.seq` → the webhook-ids it arrived under. */
  const idsBySeq = new Map<number, Set<string>>();
  /** Every recorded arrival's time, in order. */
  const arrivalTimes: number[] = [];
  let badSignatures = 0;
  let port = 0;
  let server: Server | undefined;

  function listen(): Promise<void> {
    const next = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const book = books.get((req.url ?? '').slice(1));
        const id = String(req.headers['webhook-id'] ?? '');
        try {
          if (!book) throw new Error('unknown endpoint');
          book.verifier.verify(Buffer.concat(chunks), req.headers as Record<string, string>);
        } catch {
          badSignatures++;
          res.writeHead(401).end();
          return;
        }
        const seq = seqOf(Buffer.concat(chunks).toString('utf8'));
        if (seq !== undefined) idsBySeq.set(seq, (idsBySeq.get(seq) ?? new Set()).add(id));
        const seen = book.arrivals.get(id);
        const at = Date.now();
        arrivalTimes.push(at);
        if (seen) seen.count++;
        else book.arrivals.set(id, { count: 1, firstAt: at });
        const answer = () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        if (delayMs > 0) setTimeout(answer, delayMs);
        else answer();
      });
    });
    next.keepAliveTimeout = 60_000;
    next.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    server = next;
    return new Promise((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  async function stop() {
    const current = server;
    server = undefined;
    if (!current) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => current.close(() => resolve()));
  }

  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    addEndpoint(name, secret) {
      books.set(name, { verifier: new Webhook(secret), arrivals: new Map() });
    },
    get badSignatures() {
      return badSignatures;
    },
    firstArrival: (endpoint, id) => books.get(endpoint)?.arrivals.get(id)?.firstAt,
    firstArrivalAfter: (time) => arrivalTimes.find((at) => at >= time),
    down: stop,
    up: listen,
    check(owed) {
      const lost: string[] = [];
      let due = 0;
      for (const [id, endpoints] of owed) {
        for (const endpoint of endpoints) {
          due++;
          if (!books.get(endpoint)?.arrivals.has(id)) lost.push(`${endpoint}:${id}`);
        }
      }
      let duplicated = 0;
      for (const book of books.values())
        for (const { count } of book.arrivals.values()) duplicated += count - 1;
      const storedTwice = [...idsBySeq].filter(([, ids]) => ids.size > 1).map(([seq]) => seq);
      return { due, delivered: due - lost.length, lost, duplicated, storedTwice };
    },
    close: stop,
  };
}
