import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import type { Store } from '../db/index.ts';
import { type Alerter, createAlerter, disabledAlerter } from './alerter.ts';
import { createSmtpMailSender } from './mail-sender.ts';
import { describeSmtp, smtpSettingsFromConfig } from './smtp-settings.ts';

const MINUTE_MS = 60_000;

/** Where the dashboard is, as far as the configuration says: links in emails need an absolute URL. */
function dashboardUrl(config: Config): string | undefined {
  if (config.SWITCHYARD_PUBLIC_URL) return config.SWITCHYARD_PUBLIC_URL;
  if (config.PORT === 0) return undefined;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return `http://${host}:${config.PORT}`;
}

/** The alerter the configuration asks for; without an SMTP server, one that ignores every alert. Logs which. */
export function createConfiguredAlerter(config: Config, store: Store, logger: Logger): Alerter {
  const smtp = smtpSettingsFromConfig(config);
  if (!smtp || !config.SWITCHYARD_ALERT_FROM) {
    logger.info('failure email alerts are off: no SMTP server is configured (SWITCHYARD_SMTP_URL)');
    return disabledAlerter;
  }
  const intervalMs = config.SWITCHYARD_ALERT_INTERVAL_MINUTES * MINUTE_MS;
  logger.info(
    { smtp: describeSmtp(smtp), intervalMinutes: config.SWITCHYARD_ALERT_INTERVAL_MINUTES },
    'failure email alerts are on',
  );
  return createAlerter({
    store,
    mailer: createSmtpMailSender(smtp),
    from: config.SWITCHYARD_ALERT_FROM,
    dashboardUrl: dashboardUrl(config),
    intervalMs,
    logger,
  });
}
