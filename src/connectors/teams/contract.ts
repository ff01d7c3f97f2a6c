import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { briefJson, isJsonObject } from '../json-value.ts';

/**
 * Microsoft Teams incoming webhooks (shared/reference/destinations.md §3c), both kinds the merchant may paste:
 * - the legacy O365 **Incoming Webhook** (`https://<tenant>.webhook.office.com/webhookb2/…`, older
 *   `https://outlook.office.com/webhook/…`): takes a MessageCard, `{text}` or the Adaptive Card envelope;
 * - a **Workflows** trigger ("When a Teams webhook request is received"):
 *   `https://prod-NN.<region>.logic.azure.com:443/workflows/<id>/triggers/manual/paths/invoke?…&sig=…`, or the newer
 *   `*.environment.api.powerplatform.com` host **[unverified]**, accepted as long as it carries `/workflows/` and a
 *   `sig`. It needs the Adaptive Card envelope; anything else is accepted (202) and then fails in the flow.
 * The templates build the envelope, which both kinds take. The rules are used twice: by `checkTeamsRequest` before
 * any network call and by the fake in `fake.ts`.
 */

export const TEAMS_LEGACY_DOMAINS = ['webhook.office.com', 'outlook.office.com'] as const;
export const TEAMS_WORKFLOWS_DOMAINS = ['logic.azure.com', 'environment.api.powerplatform.com'] as const;
export const ADAPTIVE_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** "≤ 28 KB" (413 has been seen); 1 KB = 1,024 bytes, conservatively on the whole JSON body. */
export const MAX_MESSAGE_BYTES = 28 * 1024;

export type TeamsWebhookKind = 'legacy' | 'workflows';

function onDomain(hostname: string, domain: string): boolean {
  return hostname === domain || hostname.endsWith(`.${domain}`);
}

/** Which kind of Teams webhook a URL is, from its host; undefined when it is neither. */
export function teamsWebhookKind(url: URL): TeamsWebhookKind | undefined {
  if (TEAMS_LEGACY_DOMAINS.some((domain) => onDomain(url.hostname, domain))) return 'legacy';
  if (TEAMS_WORKFLOWS_DOMAINS.some((domain) => onDomain(url.hostname, domain))) return 'workflows';
  return undefined;
}

export function bodyBytes(payload: unknown): number {
  return Buffer.byteLength(JSON.stringify(payload) ?? '', 'utf8');
}

const ENVELOPE_HINT =
  '{ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: { type: "AdaptiveCard", version: "1.4", body: [...] } }] }';

function envelopeProblems(payload: Record<string, unknown>): ContractFinding[] {
  const problems: ContractFinding[] = [];
  if (payload.type !== 'message') {
    problems.push({
      field: 'payload.type',
      message: `must be "message" (it is ${briefJson(payload.type)}): set it, the body is ${ENVELOPE_HINT}`,
    });
  }
  const { attachments } = payload;
  if (!Array.isArray(attachments) || attachments.length === 0) {
    problems.push({
      field: 'payload.attachments',
      message: `must be a non-empty array with the Adaptive Card (it is ${briefJson(attachments)}): build the body as ${ENVELOPE_HINT}`,
    });
    return problems;
  }
  attachments.forEach((attachment, index) => {
    const at = `payload.attachments[${index}]`;
    if (!isJsonObject(attachment)) {
      problems.push({
        field: at,
        message: `must be an object, not ${briefJson(attachment)}: write { contentType, content }`,
      });
      return;
    }
    if (attachment.contentType !== ADAPTIVE_CONTENT_TYPE) {
      problems.push({
        field: `${at}.contentType`,
        message: `must be "${ADAPTIVE_CONTENT_TYPE}" (it is ${briefJson(attachment.contentType)}): set it`,
      });
    }
    const content = attachment.content;
    if (!isJsonObject(content)) {
      problems.push({
        field: `${at}.content`,
        message: `must be the Adaptive Card object (it is ${briefJson(content)}): set it to { type: "AdaptiveCard", version: "1.4", body: [...] }`,
      });
      return;
    }
    if (content.type !== 'AdaptiveCard') {
      problems.push({
        field: `${at}.content.type`,
        message: `must be "AdaptiveCard" (it is ${briefJson(content.type)}): set it; with any other type the flow fails`,
      });
    }
    if (typeof content.version !== 'string' || !/^1\.\d+$/.test(content.version)) {
      problems.push({
        field: `${at}.content.version`,
        message: `must be the schema version as a string such as "1.4" (it is ${briefJson(content.version)}): set it`,
      });
    }
    if (!Array.isArray(content.body)) {
      problems.push({
        field: `${at}.content.body`,
        message: `must be an array of card elements (it is ${briefJson(content.body)}): write [{ type: "TextBlock", text: "..." }]`,
      });
    } else {
      content.body.forEach((element, elementIndex) => {
        if (!isJsonObject(element) || typeof element.type !== 'string' || element.type === '') {
          problems.push({
            field: `${at}.content.body[${elementIndex}].type`,
            message: `every card element needs a type (it is ${briefJson(isJsonObject(element) ? element.type : element)}): set it, e.g. "TextBlock"`,
          });
        }
      });
    }
  });
  return problems;
}

/** Whether the body is a legacy MessageCard or a bare `{text}`, which only the legacy webhook takes. */
function isLegacyCard(payload: Record<string, unknown>): boolean {
  return (
    payload['@type'] === 'MessageCard' || (payload.type === undefined && payload.attachments === undefined)
  );
}

/**
 * What the Teams webhook of this kind would refuse, or (Workflows) accept and then fail to post, in the body.
 * `field` is dotted from `payload`.
 */
export function teamsPayloadProblems(payload: unknown, kind: TeamsWebhookKind): ContractFinding[] {
  if (!isJsonObject(payload)) {
    return [
      {
        field: 'payload',
        message: `must be a JSON object, not ${briefJson(payload)}: build it as ${ENVELOPE_HINT}`,
      },
    ];
  }
  const problems: ContractFinding[] = [];
  if (kind === 'legacy' && isLegacyCard(payload)) {
    const hasText = typeof payload.text === 'string' && payload.text.trim() !== '';
    const hasSummary = typeof payload.summary === 'string' && payload.summary.trim() !== '';
    if (!hasText && !hasSummary) {
      problems.push({
        field: 'payload.text',
        message: `a MessageCard needs text or summary (Teams answers "Summary or Text is required."): set payload.text, or build the Adaptive Card envelope ${ENVELOPE_HINT}`,
      });
    }
  } else if (kind === 'workflows' && isLegacyCard(payload)) {
    problems.push({
      field: 'payload',
      message: `a Workflows webhook only posts the Adaptive Card envelope; a MessageCard or a plain {text} makes the flow fail after a 202: build the body as ${ENVELOPE_HINT}`,
    });
  } else {
    problems.push(...envelopeProblems(payload));
  }
  const size = bodyBytes(payload);
  if (size > MAX_MESSAGE_BYTES) {
    problems.push({
      field: 'payload',
      message: `is ${(size / 1024).toFixed(1)} KB; Teams refuses messages over 28 KB (413): shorten the card or send fewer facts`,
    });
  }
  return problems;
}

function urlProblems(url: URL, kind: TeamsWebhookKind): string | undefined {
  if (kind === 'legacy') {
    const legacyPath = url.hostname === 'outlook.office.com' ? /^\/webhook\/.+/ : /^\/webhookb2\/.+/;
    if (!legacyPath.test(url.pathname)) return `${briefJson(url.pathname)} is not an Incoming Webhook path`;
    return undefined;
  }
  if (!url.pathname.includes('/workflows/') || !url.searchParams.get('sig')) {
    return 'a Workflows URL needs its /workflows/… path and its sig= signature';
  }
  return undefined;
}

/**
 * What Teams would refuse in this request: a URL that is not a Teams webhook (legacy or Workflows), a method
 * other than POST, a body the webhook's kind does not post, or one over 28 KB.
 * @returns one finding per problem, naming the field and what to write instead
 */
export function checkTeamsRequest(request: TransformedRequest, region: ConnectorRegion): ContractFinding[] {
  const findings: ContractFinding[] = [];
  const example =
    'https://<tenant>.webhook.office.com/webhookb2/… or https://prod-NN.<region>.logic.azure.com:443/workflows/…';
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `Teams webhooks only take POST: write webhook.method = "POST" (not ${briefJson(request.method)})`,
    });
  }
  let url: URL | undefined;
  try {
    url = new URL(request.url);
  } catch {
    findings.push({
      field: 'url',
      message: `${briefJson(request.url)} is not a URL: keep webhook.url, the webhook URL pasted on the card (${example})`,
    });
  }
  let kind: TeamsWebhookKind | undefined;
  if (url) {
    kind = teamsWebhookKind(url);
    const allowed = region.hosts.some((domain) => onDomain(url.hostname, domain));
    if (!kind || !allowed || url.protocol !== 'https:' || url.port !== '') {
      findings.push({
        field: 'url',
        message: `${url.origin} is not a Teams webhook host: keep webhook.url as pasted on the card (${example}); do not set it in the code`,
      });
      kind = undefined;
    } else {
      const problem = urlProblems(url, kind);
      if (problem) {
        findings.push({
          field: 'url',
          message: `${problem}: paste the whole URL Teams gave you (${example}) on the card and keep webhook.url`,
        });
      }
    }
  }
  for (const name of Object.keys(request.headers)) {
    if (name.toLowerCase() === 'authorization') {
      findings.push({
        field: 'headers.authorization',
        message: 'remove it: the webhook URL (and its sig) is the credential',
      });
    }
  }
  // When the URL's kind is unknown, the body is held to the stricter rule both kinds accept: the envelope.
  findings.push(...teamsPayloadProblems(request.payload, kind ?? 'workflows'));
  return findings;
}
