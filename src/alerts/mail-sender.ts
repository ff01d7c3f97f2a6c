import { createTransport } from 'nodemailer';
import type { SmtpSettings } from './smtp-settings.ts';

export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface MailSender {
  /**
   * @returns the addresses the server refused (the others were accepted)
   * @throws MailSendError when nothing was accepted; its message never holds the SMTP password
   */
  send(mail: OutgoingMail): Promise<{ rejected: string[] }>;
  close(): void;
}

/** A send that failed, with the server's answer code when there was one. */
export class MailSendError extends Error {
  override name = 'MailSendError';
  readonly code: string | undefined;
  readonly responseCode: number | undefined;

  constructor(message: string, code: string | undefined, responseCode: number | undefined) {
    super(message);
    this.code = code;
    this.responseCode = responseCode;
  }
}

/** An unreachable or silent server must not hold an alert (and its retries) for minutes. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** Sends through one SMTP server over a small pool of reused connections. */
export function createSmtpMailSender(settings: SmtpSettings): MailSender {
  const transport = createTransport({
    pool: true,
    maxConnections: 2,
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTls,
    ...(settings.auth ? { auth: settings.auth } : {}),
    ...TIMEOUTS,
    // Alert content is text built here; nothing in it may make nodemailer read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const secrets = settings.auth
    ? [
        settings.auth.pass,
        encodeURIComponent(settings.auth.pass),
        Buffer.from(`\u0000${settings.auth.user}\u0000${settings.auth.pass}`).toString('base64'),
      ].filter((s) => s.length > 0)
    : [];
  // Closing cancels sends under way too: a silent server must not hold a shutdown for its timeouts.
  const closing = new AbortController();
  const redact = (text: string) =>
    secrets.reduce((out, secret) => out.replaceAll(secret, '[redacted]'), text);

  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({ ...mail, signal: closing.signal });
        return { rejected: info.rejected ?? [] };
      } catch (error) {
        const { message, code, responseCode } = error as {
          message?: string;
          code?: string;
          responseCode?: number;
        };
        throw new MailSendError(redact(message ?? String(error)), code, responseCode);
      }
    },
    close() {
      closing.abort();
      transport.close();
    },
  };
}
