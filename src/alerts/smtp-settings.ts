import type { Config } from '../config/index.ts';

/** Where alert emails go out, as nodemailer's SMTP transport takes it. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte; otherwise STARTTLS when the server offers it. */
  secure: boolean;
  /** Refuse to go on without STARTTLS: set when a password would otherwise cross the network in clear. */
  requireTls: boolean;
  auth?: { user: string; pass: string };
}

const IMPLICIT_TLS_PORT = 465;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1)$/i;
const SUBMISSION_PORT = 587;

/**
 * A password goes to the server only over TLS (implicit, or STARTTLS that a man in the middle cannot strip),
 * except to a relay on this machine.
 */
function withTlsPolicy(settings: Omit<SmtpSettings, 'requireTls'>): SmtpSettings {
  return { ...settings, requireTls: !settings.secure && !!settings.auth && !LOOPBACK.test(settings.host) };
}

/** The SMTP server of the configuration (its URL, or host and parts), or undefined when there is none. */
export function smtpSettingsFromConfig(config: Config): SmtpSettings | undefined {
  if (config.SWITCHYARD_SMTP_URL) {
    const url = new URL(config.SWITCHYARD_SMTP_URL);
    const secure = url.protocol.toLowerCase() === 'smtps:';
    const user = decodeURIComponent(url.username);
    return withTlsPolicy({
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : secure ? IMPLICIT_TLS_PORT : SUBMISSION_PORT,
      secure,
      ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
    });
  }
  if (!config.SWITCHYARD_SMTP_HOST) return undefined;
  const port = config.SWITCHYARD_SMTP_PORT;
  const secure = config.SWITCHYARD_SMTP_SECURE ?? port === IMPLICIT_TLS_PORT;
  const { SWITCHYARD_SMTP_USER: user, SWITCHYARD_SMTP_PASSWORD: pass } = config;
  return withTlsPolicy({
    host: config.SWITCHYARD_SMTP_HOST,
    port: port ?? (secure ? IMPLICIT_TLS_PORT : SUBMISSION_PORT),
    secure,
    ...(user && pass ? { auth: { user, pass } } : {}),
  });
}

/** The server as it may be logged: user, host and port, never the password. */
export function describeSmtp(settings: SmtpSettings): string {
  const scheme = settings.secure ? 'smtps' : 'smtp';
  const user = settings.auth ? `${encodeURIComponent(settings.auth.user)}@` : '';
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `${scheme}://${user}${host}:${settings.port}`;
}
