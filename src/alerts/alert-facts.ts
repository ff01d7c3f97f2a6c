import { setTimeout as sleep } from 'node:timers/promises';
import { findConnector } from '../connectors/index.ts';
import type { AlertKind, AttemptSummary, Store } from '../db/index.ts';
import type { OperationalEvent } from '../delivery/index.ts';
import type { AlertFacts } from './alert-email.ts';

/** Error classes whose recorded text is Switchyard's own words, never the merchant's code or data. */
const OWN_ERROR_TEXT = new Set([
  'dns',
  'connect',
  'tls',
  'timeout',
  'blocked',
  'network',
  'sandbox',
  'contract',
]);
const ERROR_CHARS = 200;
/** The worker writes attempts back in batches after the event; give the write a moment to land. */
const ATTEMPT_LOOKUPS = 10;
const ATTEMPT_LOOKUP_PAUSE_MS = 100;

/**
 * An endpoint URL fit for an email: no userinfo, query or fragment (they often carry tokens), and only the
 * origin when the URL itself is the credential (incoming-webhook cards such as Slack's).
 */
export function displayUrl(url: string, connectorId: string | null): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(not a valid URL)';
  }
  const secretUrl = connectorId ? findConnector(connectorId)?.manifest.authentication === 'url' : false;
  return secretUrl ? `${parsed.origin}/••••` : `${parsed.origin}${parsed.pathname}`;
}

/**
 * The last error in a line: the status code of an answer, or the transport's own description. Response
 * bodies and transformation errors can hold payload data, so they stay in the dashboard.
 */
export function describeAttempt(attempt: AttemptSummary): string {
  if (attempt.statusCode > 0) return `HTTP ${attempt.statusCode}`;
  const errorClass = attempt.errorClass ?? 'network';
  if (errorClass === 'transformation') return 'the transformation threw an error (see the dashboard)';
  if (errorClass === 'credentials') return 'the connector credentials could not be used (see the dashboard)';
  const firstLine = attempt.response?.split('\n', 1)[0]?.trim();
  if (!OWN_ERROR_TEXT.has(errorClass) || !firstLine) return `${errorClass} error`;
  return `${errorClass}: ${firstLine.length > ERROR_CHARS ? `${firstLine.slice(0, ERROR_CHARS - 1)}…` : firstLine}`;
}

async function lastAttempt(store: Store, event: OperationalEvent): Promise<AttemptSummary | undefined> {
  const id = (event.data.lastAttempt as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string') return store.alerts.latestAttempt(event.appId, event.endpointId);
  for (let lookup = 1; ; lookup++) {
    const attempt = await store.alerts.attempt(event.appId, id);
    if (attempt || lookup >= ATTEMPT_LOOKUPS) return attempt;
    await sleep(ATTEMPT_LOOKUP_PAUSE_MS);
  }
}

/** What the email for an event says, or undefined when its app or endpoint is gone. */
export async function gatherAlertFacts(
  store: Store,
  event: OperationalEvent,
  kind: AlertKind,
  options: { dashboardUrl: string | undefined; intervalMs: number },
): Promise<AlertFacts | undefined> {
  const app = await store.apps.find(event.appId);
  const endpoint = app && (await store.endpoints.find(app.id, event.endpointId));
  if (!app || !endpoint) return undefined;
  const attempt = await lastAttempt(store, event);
  const statusCode = (event.data.lastAttempt as { responseStatusCode?: unknown } | undefined)
    ?.responseStatusCode;
  const lastError = attempt
    ? describeAttempt(attempt)
    : typeof statusCode === 'number' && statusCode > 0
      ? `HTTP ${statusCode}`
      : undefined;
  return {
    kind,
    app: { id: app.id, name: app.name },
    endpoint: {
      id: endpoint.id,
      url: displayUrl(endpoint.url, endpoint.connectorId),
      description: endpoint.description,
    },
    messageId: event.messageId,
    reason: typeof event.data.reason === 'string' ? event.data.reason : undefined,
    lastError,
    at: attempt?.at ?? new Date(),
    link: options.dashboardUrl
      ? `${options.dashboardUrl.replace(/\/+$/, '')}/app/${encodeURIComponent(app.id)}/endpoints/${encodeURIComponent(endpoint.id)}`
      : undefined,
    intervalMs: options.intervalMs,
  };
}
