import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SwitchyardProcess, spawnSwitchyard } from '../server/spawn-switchyard.ts';
import { recordHostileRow } from './fault-report.ts';

/**
 * Slow-loris and oversized requests against a real `switchyard api` process: clients that send headers a
 * byte at a time or never finish a body are cut off once the timeouts pass, oversized bodies and headers are
 * refused, and all the while the API answers everyone else promptly.
 */

const HEADERS_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 4_000;
const MAX_BODY_BYTES = 64 * 1024;
const DRIBBLERS = 300;
const STALLED_BODIES = 50;
const OVERSIZED = 30;
/** Checking is once a second, and the machine is shared: a cut may come this much after its timeout. */
const SLACK_MS = 3_000;
/** What "promptly" means for the well-behaved client on a busy 2-core machine. */
const PROMPT_MS = 1_000;

interface SlowClient {
  socket: Socket;
  opened: number;
  closedAt: number | undefined;
  answer: string;
}

function openSlowClient(port: number, first: string, dribble: string | undefined): SlowClient {
  const socket = connect(port, '127.0.0.1');
  const client: SlowClient = { socket, opened: Date.now(), closedAt: undefined, answer: '' };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    client.answer += chunk;
  });
  socket.on('error', () => {});
  socket.once('close', () => {
    client.closedAt = Date.now();
  });
  socket.once('connect', () => {
    socket.write(first);
    if (!dribble) return;
    const timer = setInterval(() => {
      if (socket.destroyed) clearInterval(timer);
      else socket.write(dribble);
    }, 250);
    timer.unref();
  });
  return client;
}

describe('slow and oversized clients', () => {
  let dataDir: string;
  let api: SwitchyardProcess;
  let port: number;
  const token = `sy_admin_slow_${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-slow-'));
    api = await spawnSwitchyard('api', {
      PORT: '0',
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_ADMIN_TOKEN: token,
      SWITCHYARD_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      SWITCHYARD_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      SWITCHYARD_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    port = Number(new URL(api.url!).port);
  });
  afterAll(async () => {
    await api?.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('cuts off slow-loris clients and refuses oversized requests, answering everyone else promptly', async () => {
    const started = Date.now();
    const dribblers = Array.from({ length: DRIBBLERS }, () =>
      openSlowClient(port, 'GET /api/v1/app HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 'a'),
    );
    const stalled = Array.from({ length: STALLED_BODIES }, () =>
      openSlowClient(
        port,
        `POST /api/v1/app HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"name":"',
        undefined,
      ),
    );

    // Meanwhile: oversized bodies (declared and streamed) and headers, and a well-behaved client timing its answers.
    const oversized = Array.from({ length: OVERSIZED }, async (_, i) => {
      const res = await fetch(`${api.url}/api/v1/app`, {
        method: 'POST',
        headers:
          i % 3 === 2
            ? { authorization: `Bearer ${token}`, 'x-padding': 'p'.repeat(32 * 1024) }
            : { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x'.repeat(i % 3 === 0 ? MAX_BODY_BYTES * 2 : 4 * 1024 * 1024) }),
      });
      return { status: res.status, type: res.headers.get('content-type') };
    });
    const latencies: number[] = [];
    const statuses = new Set<number>();
    while (Date.now() - started < REQUEST_TIMEOUT_MS + SLACK_MS) {
      const before = performance.now();
      const res = await fetch(`${api.url}/api/v1/app?limit=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.body?.cancel();
      latencies.push(performance.now() - before);
      statuses.add(res.status);
      await sleep(100);
    }
    const refused = await Promise.all(oversized);

    const lateHeaders = dribblers.filter(
      (c) => c.closedAt === undefined || c.closedAt - c.opened > HEADERS_TIMEOUT_MS + SLACK_MS,
    );
    const lateBodies = stalled.filter(
      (c) => c.closedAt === undefined || c.closedAt - c.opened > REQUEST_TIMEOUT_MS + SLACK_MS,
    );
    for (const client of [...dribblers, ...stalled]) client.socket.destroy();
    const slowest = Math.max(...latencies);
    const badRefusals = refused.filter(
      (r) => ![413, 431].includes(r.status) || r.type !== 'application/problem+json',
    );
    recordHostileRow({
      suite: 'slow-clients.fault.ts',
      checks: DRIBBLERS + STALLED_BODIES + OVERSIZED + latencies.length,
      failures: lateHeaders.length + lateBodies.length + badRefusals.length + Number(slowest > PROMPT_MS),
      note:
        `${DRIBBLERS} slow-header and ${STALLED_BODIES} stalled-body clients cut off (408) within the timeouts, ` +
        `${OVERSIZED} oversized requests refused (413/431); other requests answered in at most ${Math.round(slowest)} ms`,
    });

    expect(statuses).toEqual(new Set([200]));
    expect(slowest, 'the slowest answer to a well-behaved client (ms)').toBeLessThan(PROMPT_MS);
    expect(lateHeaders.length, 'slow-header clients still connected after the headers timeout').toBe(0);
    expect(lateBodies.length, 'stalled-body clients still connected after the request timeout').toBe(0);
    expect(dribblers.filter((c) => c.answer.startsWith('HTTP/1.1 408')).length).toBeGreaterThan(
      DRIBBLERS / 2,
    );
    expect(stalled.filter((c) => c.answer.startsWith('HTTP/1.1 408')).length).toBeGreaterThan(
      STALLED_BODIES / 2,
    );
    expect(badRefusals).toEqual([]);
    expect((await fetch(`${api.url}/api/v1/health`)).status).toBe(204);
    expect(api.child.exitCode).toBeNull();
  });
});
