import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import type { Store } from '../db/index.ts';
import { disabledAlerter } from './alerter.ts';
import { createConfiguredAlerter } from './configured-alerter.ts';

function captureLogs() {
  const lines: { msg: string; [key: string]: unknown }[] = [];
  const logger = pino(
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  return { logger, lines };
}

describe('the configured alerter', () => {
  it('is off without an SMTP server, and says so once', async () => {
    const { logger, lines } = captureLogs();
    const alerter = createConfiguredAlerter(loadConfig({}), {} as Store, logger);
    expect(alerter).toBe(disabledAlerter);
    expect(lines.map((l) => l.msg)).toEqual([
      'failure email alerts are off: no SMTP server is configured (SWITCHYARD_SMTP_URL)',
    ]);
    const emitted: unknown[] = [];
    const emitter = { emit: (event: unknown) => emitted.push(event) };
    expect(alerter.observing(emitter)).toBe(emitter);
    await alerter.stop();
  });

  it('is on with one, naming the server and the interval but not the password', async () => {
    const { logger, lines } = captureLogs();
    const config = loadConfig({
      SWITCHYARD_SMTP_URL: 'smtp://mailer:hunter2-secret@mail.example.com:2525',
      SWITCHYARD_ALERT_FROM: 'alerts@example.com',
      SWITCHYARD_ALERT_INTERVAL_MINUTES: '15',
    });
    const alerter = createConfiguredAlerter(config, {} as Store, logger);
    expect(alerter).not.toBe(disabledAlerter);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'failure email alerts are on',
      smtp: 'smtp://mailer@mail.example.com:2525',
      intervalMinutes: 15,
    });
    expect(JSON.stringify(lines)).not.toContain('hunter2');
    await alerter.stop();
  });
});
