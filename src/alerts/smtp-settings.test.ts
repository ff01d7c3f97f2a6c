import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/index.ts';
import { describeSmtp, smtpSettingsFromConfig } from './smtp-settings.ts';

const FROM = { SWITCHYARD_ALERT_FROM: 'Switchyard <alerts@example.com>' };

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('SMTP settings of failure email alerts', () => {
  it('are off without a server, with a one-hour interval', () => {
    const config = loadConfig({});
    expect(smtpSettingsFromConfig(config)).toBeUndefined();
    expect(config.SWITCHYARD_ALERT_INTERVAL_MINUTES).toBe(60);
  });

  it('read a URL, its percent-encoded credentials and the port its scheme implies', () => {
    const submission = loadConfig({
      SWITCHYARD_SMTP_URL: 'smtp://me%40corp:p%3Ass%2Fw0rd@mail.example.com',
      ...FROM,
    });
    expect(smtpSettingsFromConfig(submission)).toEqual({
      host: 'mail.example.com',
      port: 587,
      secure: false,
      requireTls: true,
      auth: { user: 'me@corp', pass: 'p:ss/w0rd' },
    });
    expect(
      smtpSettingsFromConfig(loadConfig({ SWITCHYARD_SMTP_URL: 'smtps://[::1]:2465', ...FROM })),
    ).toEqual({
      host: '::1',
      port: 2465,
      secure: true,
      requireTls: false,
    });
  });

  it('read host, port, user, password and TLS as separate settings', () => {
    const config = loadConfig({
      SWITCHYARD_SMTP_HOST: 'smtp.example.com',
      SWITCHYARD_SMTP_PORT: '465',
      SWITCHYARD_SMTP_USER: 'apikey',
      SWITCHYARD_SMTP_PASSWORD: 'secret-value',
      ...FROM,
    });
    expect(smtpSettingsFromConfig(config)).toEqual({
      host: 'smtp.example.com',
      port: 465,
      secure: true,
      requireTls: false,
      auth: { user: 'apikey', pass: 'secret-value' },
    });
    const starttls = loadConfig({
      SWITCHYARD_SMTP_HOST: 'smtp.example.com',
      SWITCHYARD_SMTP_SECURE: 'false',
      ...FROM,
    });
    expect(smtpSettingsFromConfig(starttls)).toMatchObject({ port: 587, secure: false });
  });

  it('send a password in clear only to a relay on this machine', () => {
    const settings = (url: string) =>
      smtpSettingsFromConfig(loadConfig({ SWITCHYARD_SMTP_URL: url, ...FROM }))!;
    expect(settings('smtp://u:p@mail.example.com').requireTls).toBe(true);
    expect(settings('smtp://mail.example.com').requireTls).toBe(false);
    expect(settings('smtp://u:p@127.0.0.1:2525').requireTls).toBe(false);
    expect(settings('smtp://u:p@localhost:2525').requireTls).toBe(false);
    expect(settings('smtp://u:p@[::1]:2525').requireTls).toBe(false);
  });

  it('are described for the logs without the password', () => {
    const config = loadConfig({ SWITCHYARD_SMTP_URL: 'smtp://user:hunter2@mail.example.com:2525', ...FROM });
    expect(describeSmtp(smtpSettingsFromConfig(config)!)).toBe('smtp://user@mail.example.com:2525');
  });

  it.each([
    [{ SWITCHYARD_SMTP_URL: 'https://mail.example.com', ...FROM }, 'SWITCHYARD_SMTP_URL: must be an smtp://'],
    [{ SWITCHYARD_SMTP_URL: 'smtp://mail.example.com' }, 'SWITCHYARD_ALERT_FROM: must be set with SMTP'],
    [
      { SWITCHYARD_SMTP_HOST: 'mail.example.com', SWITCHYARD_ALERT_FROM: 'not an address' },
      'SWITCHYARD_ALERT_FROM: must be an address',
    ],
    [
      { SWITCHYARD_SMTP_HOST: 'mail.example.com', SWITCHYARD_SMTP_USER: 'me', ...FROM },
      'SWITCHYARD_SMTP_PASSWORD: must be set too',
    ],
    [{ SWITCHYARD_SMTP_PORT: '25', ...FROM }, 'SWITCHYARD_SMTP_PORT: needs SWITCHYARD_SMTP_HOST'],
    [
      { SWITCHYARD_SMTP_URL: 'smtp://a.example', SWITCHYARD_SMTP_PASSWORD: 'x', ...FROM },
      'SWITCHYARD_SMTP_PASSWORD: goes in SWITCHYARD_SMTP_URL',
    ],
    [
      { SWITCHYARD_SMTP_URL: 'smtp://a.example', SWITCHYARD_SMTP_HOST: 'b.example', ...FROM },
      'SWITCHYARD_SMTP_HOST: set either it or SWITCHYARD_SMTP_URL',
    ],
    [{ SWITCHYARD_ALERT_INTERVAL_MINUTES: '0' }, 'SWITCHYARD_ALERT_INTERVAL_MINUTES'],
  ])('refuse a wrong setting, naming it: %o', (env, message) => {
    expect(problem(env)).toContain(message);
  });

  it('never echo a refused URL, which may hold the password', () => {
    expect(problem({ SWITCHYARD_SMTP_URL: 'ftp://user:hunter2@mail.example.com', ...FROM })).not.toContain(
      'hunter2',
    );
  });
});
