import type { AlertKind } from '../db/index.ts';

/** What an alert email says. Only facts fit for a mailbox: no payloads, secrets or credentials. */
export interface AlertFacts {
  kind: AlertKind;
  app: { id: string; name: string };
  /** `url` as it may be shown: see `displayUrl`. */
  endpoint: { id: string; url: string; description: string };
  messageId: string | undefined;
  /** Why an endpoint was disabled. */
  reason: string | undefined;
  lastError: string | undefined;
  at: Date;
  /** The endpoint's page in the dashboard, when the public URL is known. */
  link: string | undefined;
  intervalMs: number;
}

export interface AlertEmail {
  subject: string;
  text: string;
  html: string;
}

const TITLES: Record<AlertKind, string> = {
  'endpoint.failing': 'Endpoint failing',
  'endpoint.disabled': 'Endpoint disabled',
  'message.attempt.exhausted': 'Message not delivered',
};

function summary(facts: AlertFacts): string {
  const of = `an endpoint of ${facts.app.name}`;
  switch (facts.kind) {
    case 'endpoint.failing':
      return `Deliveries to ${of} are failing: a message has failed four attempts and is still being retried. If the endpoint keeps failing, Switchyard disables it.`;
    case 'endpoint.disabled':
      return `Switchyard disabled ${of}${facts.reason ? ` (${facts.reason})` : ''}. Nothing is sent to it until it is enabled again; its queued messages were marked failed and can be recovered from the dashboard.`;
    case 'message.attempt.exhausted':
      return `A message to ${of} failed every attempt of its retry schedule and will not be retried. It can be resent from the dashboard.`;
  }
}

function every(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes >= 1) return minutes === 1 ? 'minute' : `${minutes} minutes`;
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds === 1 ? 'second' : `${seconds} seconds`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A header value from merchant-chosen text: one line, of reasonable length. */
function oneLine(text: string, max: number): string {
  const line = text.replace(/[\r\n\t]+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The email for one alert, in plain text and simple HTML saying the same. */
export function composeAlertEmail(facts: AlertFacts): AlertEmail {
  const title = TITLES[facts.kind];
  const rows: [string, string][] = [
    ['Application', `${facts.app.name} (${facts.app.id})`],
    ['Endpoint', `${facts.endpoint.url} (${facts.endpoint.id})`],
    ...(facts.endpoint.description ? [['Description', facts.endpoint.description] as [string, string]] : []),
    ...(facts.messageId ? [['Message', facts.messageId] as [string, string]] : []),
    ...(facts.reason ? [['Reason', facts.reason] as [string, string]] : []),
    ['Last error', facts.lastError ?? 'unknown'],
    ['When', facts.at.toISOString()],
  ];
  const footer = `You receive this email because your address is in the alert settings of ${facts.app.name}. Switchyard sends at most one alert of each kind per endpoint every ${every(facts.intervalMs)}.`;
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;

  const text = [
    title,
    '',
    summary(facts),
    '',
    ...rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    '',
    ...(facts.link ? [`Open it in the dashboard: ${facts.link}`, ''] : []),
    '-- ',
    footer,
    '',
  ].join('\n');

  const html = `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.4; color: #1a1a1a">
<h2 style="margin: 0 0 12px">${escapeHtml(title)}</h2>
<p>${escapeHtml(summary(facts))}</p>
<table style="border-collapse: collapse">
${rows.map(([label, value]) => `<tr><th style="text-align: left; padding: 2px 16px 2px 0; vertical-align: top">${escapeHtml(label)}</th><td style="padding: 2px 0">${escapeHtml(value)}</td></tr>`).join('\n')}
</table>
${facts.link ? `<p><a href="${escapeHtml(facts.link)}">Open it in the dashboard</a></p>\n` : ''}<p style="color: #666; font-size: 12px">${escapeHtml(footer)}</p>
</body></html>
`;

  return {
    subject: oneLine(`[Switchyard] ${title}: ${facts.endpoint.url} (${facts.app.name})`, 250),
    text,
    html,
  };
}
