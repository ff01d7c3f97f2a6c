import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing.ts';

/**
 * Bug found by the slow-client fault suite: the server kept Node's defaults, so a client sending its headers
 * a byte at a time held its socket for a minute and an unfinished body for five (slow-loris). The headers and
 * request timeouts are settings now, and a client that runs out of time gets a 408 problem and is cut off.
 */

/** Sends `first`, then a byte every 200 ms; resolves with what the server answered and when it hung up. */
function slowClient(port: number, first: string, dribble: boolean) {
  const socket = connect(port, '127.0.0.1');
  const opened = Date.now();
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    answer += chunk;
  });
  socket.on('connect', () => {
    socket.write(first);
    if (!dribble) return;
    const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write('a')), 200);
  });
  return new Promise<{ answer: string; afterMs: number }>((resolve) =>
    socket.once('close', () => resolve({ answer, afterMs: Date.now() - opened })),
  );
}

describe('bug: slow clients held their connections for minutes (slow-loris)', () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    server = await startTestServer('pglite', {
      SWITCHYARD_WORKER: 'false',
      SWITCHYARD_HEADERS_TIMEOUT_MS: '1000',
      SWITCHYARD_REQUEST_TIMEOUT_MS: '2000',
    });
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => server?.close());

  it('answers headers sent a byte at a time with 408 once the headers timeout passes', async () => {
    const { answer, afterMs } = await slowClient(
      port,
      'GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ',
      true,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer).toContain('content-type: application/problem+json');
    expect(JSON.parse(answer.split('\r\n\r\n')[1]!)).toMatchObject({ status: 408, code: 'request_timeout' });
    expect(afterMs).toBeGreaterThanOrEqual(1000);
    expect(afterMs).toBeLessThan(5000);
  });

  it('cuts off a body that never finishes once the request timeout passes', async () => {
    const head =
      'POST /api/v1/app HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"na';
    const { answer, afterMs } = await slowClient(port, head, false);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(2000);
    expect(afterMs).toBeLessThan(6000);
  });

  it('answers a prompt client as before', async () => {
    expect((await fetch(`${server.url}/api/v1/health`)).status).toBe(204);
  });
});
