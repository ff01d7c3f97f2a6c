import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { briefJson, isJsonObject, jsonByteLength } from '../json-value.ts';

/**
 * n8n's Webhook node (shared/reference/destinations.md §3g): the pasted URL, POST, flat JSON. No further contract is
 * documented in the cited pages, so the check is conservative and only flags what cannot work:
 * - a method other than POST (the card tells the merchant to set the node to POST);
 * - a URL that is not HTTPS (the URL is the secret; any host is accepted, since it is the merchant's own instance);
 * - the editor's `/webhook-test/` URL, which only answers while the editor listens;
 * - a payload that is not a JSON object, or is larger than n8n's default body limit.
 */

/**
 * n8n's default `N8N_PAYLOAD_SIZE_MAX` is 16 MiB **[unverified: n8n's configuration docs, not the cited pages]**;
 * an instance may set it lower, so the fake enforces this as an upper bound only.
 */
export const N8N_MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * What the merchant's n8n Webhook node would refuse in this request.
 * @returns one finding per problem, naming the field and what to write instead
 */
export function checkN8nRequest(request: TransformedRequest, _region: ConnectorRegion): ContractFinding[] {
  const findings: ContractFinding[] = [];
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `the card's Webhook node listens for POST: write webhook.method = "POST" (not ${briefJson(request.method)}), or change the node's HTTP Method`,
    });
  }
  let url: URL | undefined;
  try {
    url = new URL(request.url);
  } catch {
    findings.push({
      field: 'url',
      message: `${briefJson(request.url)} is not a URL: keep webhook.url as it is (the Webhook node's Production URL)`,
    });
  }
  if (url) {
    if (url.protocol !== 'https:') {
      findings.push({
        field: 'url',
        message: `the URL is the secret, so it is only sent over HTTPS: write https://${url.host}${url.pathname}${url.search} (your n8n instance needs TLS)`,
      });
    }
    if (url.username !== '' || url.password !== '') {
      findings.push({
        field: 'url',
        message: `remove the user name and password from the URL: write https://${url.host}${url.pathname}${url.search}`,
      });
    }
    if (url.pathname.startsWith('/webhook-test/')) {
      findings.push({
        field: 'url',
        message: `this is the node's Test URL, which only answers while the editor listens: write https://${url.host}${url.pathname.replace('/webhook-test/', '/webhook/')} (the Production URL) and activate the workflow`,
      });
    }
  }
  const { payload } = request;
  if (!isJsonObject(payload)) {
    findings.push({
      field: 'payload',
      message: `must be a JSON object, not ${briefJson(payload)}: write webhook.payload = { event: ..., ... }`,
    });
    return findings;
  }
  const size = jsonByteLength(payload);
  if (size > N8N_MAX_BODY_BYTES) {
    findings.push({
      field: 'payload',
      message: `is ${(size / 1024 / 1024).toFixed(1)} MiB; n8n refuses bodies over 16 MiB by default (413): send fewer fields`,
    });
  }
  return findings;
}
