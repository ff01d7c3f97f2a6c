import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpSender,
  type HttpSender,
  type OutboundRequest,
  RESPONSE_BODY_LIMIT,
} from './http-sender.ts';
import { createNetworkPolicy } from './network-policy.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface LoopbackServer {
  port: number;
  url: string;
  seen: Seen[];
  /** Raw bytes received on every connection, request lines and headers included. */
  raw: () => string;
  /** Closes keep-alive connections that are not serving a request. */
  closeIdle(): void;
  close(): Promise<void>;
}

async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_req, res) => res.end('ok'),
): Promise<LoopbackServer> {
  const seen: Seen[] = [];
  const rawChunks: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('connection', (socket) => socket.on('data', (chunk: Buffer) => rawChunks.push(chunk)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    seen,
    raw: () => Buffer.concat(rawChunks).toString('latin1'),
    closeIdle: () => server.closeIdleConnections(),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const USER_AGENT = 'Switchyard-Test/1.0 (+https://example.com/switchyard)';

function post(url: string, extra: Partial<OutboundRequest> = {}): OutboundRequest {
  return {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"type":"invoice.paid"}',
    ...extra,
  };
}

describe('http sender against loopback (127.0.0.0/8 allowed)', () => {
  const servers: LoopbackServer[] = [];
  let sender: HttpSender;

  async function server(handler?: Parameters<typeof startServer>[0]): Promise<LoopbackServer> {
    const s = await startServer(handler);
    servers.push(s);
    return s;
  }

  beforeAll(() => {
    sender = createHttpSender({
      policy: createNetworkPolicy({ allowedPrivateRanges: ['127.0.0.0/8'] }),
      timeoutMs: 5_000,
      userAgent: USER_AGENT,
    });
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await sender.close();
  });

  it('returns status, body, headers and duration of a 200', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-receiver': 'yes' });
      res.end('{"received":true}');
    });
    const result = await sender.send(post(`${s.url}/hooks?x=1`));
    expect(result.errorClass).toBeUndefined();
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('{"received":true}');
    expect(result.headers['content-type']).toBe('application/json');
    expect(result.headers['x-receiver']).toBe('yes');
    expect(typeof result.durationMs).toBe('number');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.durationMs).toBeLessThan(5_000);

    expect(s.seen).toHaveLength(1);
    expect(s.seen[0]!.method).toBe('POST');
    expect(s.seen[0]!.url).toBe('/hooks?x=1');
    expect(s.seen[0]!.body).toBe('{"type":"invoice.paid"}');
    expect(s.seen[0]!.headers['content-type']).toBe('application/json');
  });

  it('returns a non-2xx status with its body, not as a transport error', async () => {
    const s = await server((_req, res) => res.writeHead(503).end('try later'));
    const result = await sender.send(post(s.url));
    expect(result).toMatchObject({ statusCode: 503, body: 'try later' });
    expect(result.errorClass).toBeUndefined();
  });

  it(`cuts a response body to ${RESPONSE_BODY_LIMIT} bytes`, async () => {
    expect(RESPONSE_BODY_LIMIT).toBe(20 * 1024);
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // Several writes so the body arrives in more than one chunk.
      for (let i = 0; i < 10; i++) res.write('a'.repeat(10 * 1024));
      res.end('tail');
    });
    const result = await sender.send(post(s.url));
    expect(result.statusCode).toBe(200);
    expect(result.body).toHaveLength(RESPONSE_BODY_LIMIT);
    expect(result.body).toBe('a'.repeat(RESPONSE_BODY_LIMIT));
  });

  it('keeps a body of exactly the limit whole and a body under it untouched', async () => {
    const exact = await server((_req, res) => res.end('b'.repeat(RESPONSE_BODY_LIMIT)));
    const small = await server((_req, res) => res.end('c'.repeat(RESPONSE_BODY_LIMIT - 1)));
    expect((await sender.send(post(exact.url))).body).toBe('b'.repeat(RESPONSE_BODY_LIMIT));
    expect((await sender.send(post(small.url))).body).toBe('c'.repeat(RESPONSE_BODY_LIMIT - 1));
  });

  it('does not follow a redirect', async () => {
    const target = await server();
    const s = await server((_req, res) => res.writeHead(302, { location: `${target.url}/elsewhere` }).end());
    const result = await sender.send(post(s.url));
    expect(result.statusCode).toBe(302);
    expect(result.errorClass).toBeUndefined();
    expect(result.headers.location).toBe(`${target.url}/elsewhere`);
    // Give a follow-up request, were one made, time to land.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(s.seen).toHaveLength(1);
    expect(target.seen).toHaveLength(0);
  });

  it("classifies a server that never answers as 'timeout'", async () => {
    const s = await server(() => {
      // Never respond.
    });
    const slow = createHttpSender({
      policy: createNetworkPolicy({ allowedPrivateRanges: ['127.0.0.0/8'] }),
      timeoutMs: 300,
      userAgent: USER_AGENT,
    });
    try {
      const started = Date.now();
      const result = await slow.send(post(s.url));
      expect(result.errorClass).toBe('timeout');
      expect(result.statusCode).toBe(0);
      expect(result.body).toBe('no response within 300 ms');
      expect(result.headers).toEqual({});
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(result.durationMs).toBeGreaterThanOrEqual(250);
    } finally {
      await slow.close();
    }
  });

  it('times out a response that trickles in for longer than the timeout, each chunk in time', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const drip = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(drip));
    });
    const slow = createHttpSender({
      policy: createNetworkPolicy({ allowedPrivateRanges: ['127.0.0.0/8'] }),
      timeoutMs: 300,
      userAgent: USER_AGENT,
    });
    try {
      const result = await slow.send(post(s.url));
      expect(result.errorClass).toBe('timeout');
      expect(result.body).toBe('no response within 300 ms');
      expect(result.durationMs).toBeGreaterThanOrEqual(250);
      expect(result.durationMs).toBeLessThan(3_000);
    } finally {
      await slow.close();
    }
  });

  it("classifies a closed port as 'connect'", async () => {
    const s = await startServer();
    const { port } = s;
    await s.close();
    const result = await sender.send(post(`http://127.0.0.1:${port}/`));
    expect(result.errorClass).toBe('connect');
    expect(result.statusCode).toBe(0);
    expect(result.body).toMatch(/ECONNREFUSED/);
  });

  it("classifies a name that does not resolve as 'dns'", async () => {
    const result = await sender.send(post('http://nonexistent.invalid/'));
    expect(result.errorClass).toBe('dns');
    expect(result.statusCode).toBe(0);
  });

  it('turns URL userinfo into Basic auth and keeps it out of the request line', async () => {
    const s = await server();
    const result = await sender.send(post(`http://user:p%40ss@127.0.0.1:${s.port}/hook`));
    expect(result.statusCode).toBe(200);
    expect(s.seen).toHaveLength(1);
    const seen = s.seen[0]!;
    expect(seen.headers.authorization).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    expect(seen.url).toBe('/hook');
    const raw = s.raw();
    const requestLine = raw.split('\r\n')[0];
    expect(requestLine).toBe('POST /hook HTTP/1.1');
    expect(raw).not.toContain('user:');
    expect(raw).not.toContain('p%40ss');
    expect(raw).not.toContain('@');
    expect(seen.headers.host).toBe(`127.0.0.1:${s.port}`);
  });

  it('keeps an explicit Authorization header over URL userinfo', async () => {
    const s = await server();
    await sender.send(
      post(`http://user:pass@127.0.0.1:${s.port}/`, { headers: { Authorization: 'Bearer token-1' } }),
    );
    expect(s.seen[0]!.headers.authorization).toBe('Bearer token-1');
  });

  it('sends the configured user-agent', async () => {
    const s = await server();
    await sender.send(post(s.url));
    expect(s.seen[0]!.headers['user-agent']).toBe(USER_AGENT);
  });
});

describe('http sender with the default policy', () => {
  let s: LoopbackServer;
  let sender: HttpSender;

  beforeAll(async () => {
    s = await startServer();
    sender = createHttpSender({ policy: createNetworkPolicy(), timeoutMs: 5_000, userAgent: USER_AGENT });
  });

  afterAll(async () => {
    await sender.close();
    await s.close();
  });

  it.each([
    ['127.0.0.1', () => `http://127.0.0.1:${s.port}/`],
    ['localhost', () => `http://localhost:${s.port}/`],
    ['[::1]', () => `http://[::1]:${s.port}/`],
    ['[::ffff:127.0.0.1]', () => `http://[::ffff:127.0.0.1]:${s.port}/`],
    ['2130706433', () => `http://2130706433:${s.port}/`],
  ])("refuses %s as 'blocked' and sends nothing", async (_label, url) => {
    const result = await sender.send(post(url()));
    expect(result.errorClass).toBe('blocked');
    expect(result.statusCode).toBe(0);
    expect(result.body).toMatch(/refused to connect/);
    expect(s.seen).toHaveLength(0);
    expect(s.raw()).toBe('');
  });

  it("refuses a non-http scheme as 'blocked'", async () => {
    const result = await sender.send(post('ftp://example.com/'));
    expect(result.errorClass).toBe('blocked');
  });

  it("refuses http:// as 'blocked' when httpsOnly is set, before any connection", async () => {
    const strict = createHttpSender({
      policy: createNetworkPolicy({ httpsOnly: true, allowedPrivateRanges: ['127.0.0.0/8'] }),
      timeoutMs: 5_000,
      userAgent: USER_AGENT,
    });
    try {
      const result = await strict.send(post(s.url));
      expect(result.errorClass).toBe('blocked');
      expect(result.body).toMatch(/https/);
      expect(s.seen).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });
});

describe('http sender: a name that resolves to loopback (DNS rebinding)', () => {
  let s: LoopbackServer;
  const senders: HttpSender[] = [];
  const lookups: string[] = [];
  const rebindingResolver = async (hostname: string) => {
    lookups.push(hostname);
    return ['127.0.0.1'];
  };

  beforeAll(async () => {
    s = await startServer();
  });

  afterEach(async () => {
    await Promise.all(senders.splice(0).map((sender) => sender.close()));
    lookups.length = 0;
  });

  afterAll(async () => {
    await s.close();
  });

  it("is 'blocked' with no allowed ranges, and the server receives nothing", async () => {
    const sender = createHttpSender({
      policy: createNetworkPolicy({ resolve: rebindingResolver }),
      timeoutMs: 5_000,
      userAgent: USER_AGENT,
    });
    senders.push(sender);
    const result = await sender.send(post(`http://rebind.test:${s.port}/hook`));
    expect(result.errorClass).toBe('blocked');
    expect(result.body).toMatch(/127\.0\.0\.1 is in a loopback range/);
    expect(lookups).toEqual(['rebind.test']);
    expect(s.seen).toHaveLength(0);
  });

  it('reaches the loopback server when 127.0.0.0/8 is allowed, with the name in Host', async () => {
    const sender = createHttpSender({
      policy: createNetworkPolicy({ resolve: rebindingResolver, allowedPrivateRanges: ['127.0.0.0/8'] }),
      timeoutMs: 5_000,
      userAgent: USER_AGENT,
    });
    senders.push(sender);
    const result = await sender.send(post(`http://rebind.test:${s.port}/hook`));
    expect(result.errorClass).toBeUndefined();
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('ok');
    expect(lookups).toEqual(['rebind.test']);
    expect(s.seen).toHaveLength(1);
    expect(s.seen[0]!.headers.host).toBe(`rebind.test:${s.port}`);
    expect(s.seen[0]!.url).toBe('/hook');
  });

  it('checks the address on every new connection, not once per name', async () => {
    let answer = '127.0.0.1';
    const sender = createHttpSender({
      policy: createNetworkPolicy({
        resolve: async () => [answer],
        allowedPrivateRanges: ['127.0.0.0/8'],
      }),
      timeoutMs: 5_000,
      userAgent: USER_AGENT,
    });
    senders.push(sender);
    const first = await sender.send(post(`http://flip.test:${s.port}/`));
    expect(first.statusCode).toBe(200);
    // Drop the pooled connection so the next request must dial again.
    s.closeIdle();
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer = '10.0.0.1';
    const second = await sender.send(post(`http://flip.test:${s.port}/`));
    expect(second.errorClass).toBe('blocked');
  });
});
