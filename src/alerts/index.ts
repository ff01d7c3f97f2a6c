export { type Alerter, type AlerterOptions, createAlerter } from './alerter.ts';
export { createConfiguredAlerter } from './configured-alerter.ts';
export { createSmtpMailSender, type MailSender, type OutgoingMail } from './mail-sender.ts';
export { type SmtpSettings, smtpSettingsFromConfig } from './smtp-settings.ts';
