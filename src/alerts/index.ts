export { type AlertEmail, type AlertFacts, composeAlertEmail } from './alert-email.ts';
export { describeAttempt, displayUrl, gatherAlertFacts } from './alert-facts.ts';
export { type Alerter, type AlerterOptions, createAlerter, disabledAlerter } from './alerter.ts';
export { createConfiguredAlerter } from './configured-alerter.ts';
export { createSmtpMailSender, MailSendError, type MailSender, type OutgoingMail } from './mail-sender.ts';
export { describeSmtp, type SmtpSettings, smtpSettingsFromConfig } from './smtp-settings.ts';
