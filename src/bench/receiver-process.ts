import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fast loopback receiver, run as its own process so that it competes with what it measures only for
 * cores. It answers 200 at once and records when each `webhook-id` (or `x-seq`) first arrived.
 * GET /stats returns the record; POST /reset clears it.
 */
const arrivals = new Map<string, number>();
let requests = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ requests, arrivals: [...arrivals] }));
    return;
  }
  if (req.method === 'GET' && req.url === '/count') {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ requests, distinct: arrivals.size }));
    return;
  }
  if (req.method === 'POST' && req.url === '/reset') {
    arrivals.clear();
    requests = 0;
    res.writeHead(204).end();
    return;
  }
  req.resume();
  req.on('end', () => {
    const at = Date.now();
    requests++;
    // A transformation may send every endpoint's requests to one URL: the endpoint's header tells them apart.
    const id = `${req.headers['webhook-id'] ?? req.headers['x-seq'] ?? requests}:${req.headers['x-bench-endpoint'] ?? req.url}`;
    if (!arrivals.has(id)) arrivals.set(id, at);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`receiver listening on ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
