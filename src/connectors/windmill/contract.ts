import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { briefJson, isJsonObject, jsonByteLength } from '../json-value.ts';

/**
 * Windmill's webhooks (shared/reference/destinations.md §3f), checked before anything is sent:
 * - `POST https://<host>/api/w/{workspace}/jobs/run/{p|h|f}/{path}` or `…/jobs/run_wait_result/{p|h|f}/{path}`
 *   (the flow form `f` is **[unverified]**, so it is accepted but not required);
 * - the token in the query (`?token=`): the card sends no Authorization header, so a URL without it gets 401;
 * - a JSON object body whose keys are the script's `main` parameters.
 */

/** Windmill's default `REQUEST_SIZE_LIMIT`, 2 MiB **[unverified: not in the cited page]**. */
export const WINDMILL_MAX_BODY_BYTES = 2 * 1024 * 1024;

/** `/api/w/{workspace}/jobs/{run|run_wait_result}/{p|h|f}/{path}`. */
export const WINDMILL_PATH = /^\/api\/w\/([^/]+)\/jobs\/(run|run_wait_result)\/(p|h|f)\/(.+)$/;

const EXAMPLE = 'https://app.windmill.dev/api/w/{workspace}/jobs/run/p/{script path}?token={webhook token}';

function checkUrl(raw: string, findings: ContractFinding[]): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    findings.push({
      field: 'url',
      message: `${briefJson(raw)} is not a URL: keep webhook.url as pasted, of the form ${EXAMPLE}`,
    });
    return;
  }
  if (url.protocol !== 'https:') {
    findings.push({
      field: 'url',
      message: `the token travels in the URL, so it is only sent over HTTPS: write https://${url.host}${url.pathname}${url.search}`,
    });
  }
  if (url.username !== '' || url.password !== '') {
    findings.push({
      field: 'url',
      message: `remove the user name and password from the URL; Windmill takes the token as ?token=: write ${EXAMPLE}`,
    });
  }
  if (!WINDMILL_PATH.test(url.pathname)) {
    findings.push({
      field: 'url',
      message: `${briefJson(url.pathname)} is not a Windmill webhook path: copy the URL from the script's Details → Webhooks tab, of the form ${EXAMPLE} (or …/jobs/run_wait_result/p/…)`,
    });
  }
  const token = url.searchParams.get('token');
  if (token === null || token.trim() === '') {
    findings.push({
      field: 'url',
      message:
        'the URL has no token=, so Windmill answers 401 (this card sends no Authorization header): create a ' +
        'webhook-specific token on the script\'s Details → Webhooks tab, choose "Token in query", and paste ' +
        `the URL ending in ?token=…, e.g. https://${url.host}${url.pathname}?token={webhook token}`,
    });
  }
}

/**
 * What Windmill would refuse in this request.
 * @returns one finding per problem, naming the field and what to write instead
 */
export function checkWindmillRequest(
  request: TransformedRequest,
  _region: ConnectorRegion,
): ContractFinding[] {
  const findings: ContractFinding[] = [];
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `Windmill's webhooks take POST: write webhook.method = "POST" (not ${briefJson(request.method)})`,
    });
  }
  checkUrl(request.url, findings);
  for (const name of Object.keys(request.headers)) {
    if (name.toLowerCase() === 'authorization') {
      findings.push({
        field: 'headers.authorization',
        message:
          'remove the Authorization header: a token in the code is neither encrypted nor masked. Put the ' +
          'webhook token in the pasted URL as ?token= instead',
      });
    }
  }
  const { payload } = request;
  if (!isJsonObject(payload)) {
    findings.push({
      field: 'payload',
      message: `must be a JSON object whose keys are the script's main parameters, not ${briefJson(payload)}: write webhook.payload = { event: ..., ... }`,
    });
    return findings;
  }
  const size = jsonByteLength(payload);
  if (size > WINDMILL_MAX_BODY_BYTES) {
    findings.push({
      field: 'payload',
      message: `is ${(size / 1024 / 1024).toFixed(1)} MiB; Windmill refuses bodies over 2 MiB by default (413): send fewer fields`,
    });
  }
  return findings;
}
