import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailSender, MailSendError } from './mail-sender.ts';
import { startTestSmtpServer, type TestSmtpServer } from './test-smtp-server.ts';

const mail = {
  from: 'alerts@switchyard.test',
  to: ['ops@acme.example'],
  subject: 'Test',
  text: 'text',
  html: '<p>html</p>',
  headers: {},
};

describe('the SMTP mail sender', () => {
  let smtp: TestSmtpServer;
  const server = (overrides: { pass?: string; requireTls?: boolean } = {}) => ({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    requireTls: overrides.requireTls ?? false,
    auth: { user: 'alerts', pass: overrides.pass ?? 'right-password' },
  });

  beforeAll(async () => {
    smtp = await startTestSmtpServer({ user: 'alerts', password: 'right-password' });
  });
  afterAll(async () => {
    await smtp.close();
  });

  it('logs in and sends', async () => {
    const sender = createSmtpMailSender(server());
    expect(await sender.send(mail)).toEqual({ rejected: [] });
    sender.close();
    expect(smtp.received.at(-1)).toMatchObject({ user: 'alerts', envelope: { to: ['ops@acme.example'] } });
  });

  it('refuses to log in without TLS when TLS is required, sending nothing', async () => {
    const count = smtp.received.length;
    const sender = createSmtpMailSender(server({ requireTls: true }));
    await expect(sender.send(mail)).rejects.toBeInstanceOf(MailSendError);
    sender.close();
    expect(smtp.received).toHaveLength(count);
  });

  it('fails a refused login with the reason and without the password', async () => {
    const sender = createSmtpMailSender(server({ pass: 'Wr0ng-secret-pw' }));
    const error = (await sender.send(mail).catch((e: unknown) => e)) as MailSendError;
    sender.close();
    expect(error).toBeInstanceOf(MailSendError);
    expect(error.code).toBe('EAUTH');
    expect(error.message).not.toContain('Wr0ng-secret-pw');
  });

  it('ends a send under way when closed', async () => {
    // Accepts the connection and never greets, as a hung server does.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const sender = createSmtpMailSender({ ...server(), port: (silent.address() as AddressInfo).port });
    const started = Date.now();
    const sending = sender.send(mail).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    sender.close();
    expect(await sending).toBeInstanceOf(MailSendError);
    expect(Date.now() - started).toBeLessThan(2_000);
    silent.close();
  });
});
