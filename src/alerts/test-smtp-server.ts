import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Who logged in to send it. */
  user: string | undefined;
  envelope: { from: string; to: string[] };
  mail: ParsedMail;
  raw: string;
}

export interface TestSmtpServer {
  port: number;
  /** `smtp://user:password@127.0.0.1:port`, as SWITCHYARD_SMTP_URL takes it. */
  url: string;
  received: ReceivedMail[];
  /** Logins refused for a wrong user or password. */
  failedLogins: number;
  /** Answers the next `count` messages with a temporary failure (451), as a server in trouble does. */
  failNext(count: number): void;
  /** Resolves once `count` messages have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback that requires a login and records what it is sent, for tests. Plain text
 * (no STARTTLS), so that no certificate is needed.
 */
export async function startTestSmtpServer(options: {
  user: string;
  password: string;
  /** A fixed port, e.g. to bring back a server that was down; a free one otherwise. */
  port?: number;
}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let failing = 0;
  let failedLogins = 0;
  const server = new SMTPServer({
    logger: false,
    // Clients of a test keep pooled connections open; closing need not wait for them.
    closeTimeout: 100,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) {
        callback(null, { user: auth.username });
        return;
      }
      failedLogins++;
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failing > 0) {
          failing--;
          callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom;
        simpleParser(raw).then((mail) => {
          received.push({
            user: typeof session.user === 'string' ? session.user : undefined,
            envelope: {
              from: from ? from.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            mail,
            raw,
          });
          for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    url: `smtp://${encodeURIComponent(options.user)}:${encodeURIComponent(options.password)}@127.0.0.1:${port}`,
    received,
    get failedLogins() {
      return failedLogins;
    },
    failNext(count) {
      failing = count;
    },
    waitFor(count, timeoutMs = 10_000) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} emails within ${timeoutMs} ms, got ${received.length}`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
