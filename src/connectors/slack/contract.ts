import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { briefJson, isJsonObject } from '../json-value.ts';

/**
 * Slack incoming webhooks (shared/reference/destinations.md §3a). The endpoint URL the merchant pastes is the
 * secret; the transformation only builds the body. The rules here are used twice: by `checkSlackRequest`
 * before any network call, and by the fake in `fake.ts`, so the two never disagree.
 *
 * The block limits are **[partly unverified]** (third-party reports): they are enforced anyway, because sending
 * a message Slack may refuse is worse than asking the merchant to shorten it.
 */

export const SLACK_HOST = 'hooks.slack.com';
/** `/services/T…/B…/<secret>`: workspace id, webhook id, secret. */
export const SLACK_PATH = /^\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+$/;
export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;
/** Slack truncates `text` near 40,000 characters. */
export const MAX_TEXT = 40_000;

/** One thing Slack refuses, with the plain-text error code its 400 answer carries. */
export interface SlackProblem {
  code: 'invalid_payload' | 'no_text' | 'invalid_blocks' | 'msg_too_long';
  field: string;
  message: string;
}

/** Everything Slack would refuse in a message body; `field` is dotted from `payload`. */
export function slackPayloadProblems(payload: unknown): SlackProblem[] {
  if (!isJsonObject(payload)) {
    return [
      {
        code: 'invalid_payload',
        field: 'payload',
        message: `must be a JSON object, not ${briefJson(payload)}: build the message as { text, blocks }`,
      },
    ];
  }
  const problems: SlackProblem[] = [];
  const { text, blocks } = payload;
  // Conservative: `text` is required even with blocks (it is the notification fallback; without it Slack
  // either refuses the message or notifies with nothing).
  if (typeof text !== 'string' || text.trim() === '') {
    problems.push({
      code: 'no_text',
      field: 'payload.text',
      message: `Slack needs a non-empty text (it is ${briefJson(text)}): set payload.text to a one-line summary such as "Payment received"; with blocks it is the notification fallback`,
    });
  } else if (text.length > MAX_TEXT) {
    problems.push({
      code: 'msg_too_long',
      field: 'payload.text',
      message: `is ${text.length} characters; Slack truncates text past ${MAX_TEXT}: shorten it`,
    });
  }
  if (blocks !== undefined) {
    if (!Array.isArray(blocks)) {
      problems.push({
        code: 'invalid_blocks',
        field: 'payload.blocks',
        message: `must be an array of blocks, not ${briefJson(blocks)}: write [{ type: "section", text: { type: "mrkdwn", text } }] or remove it`,
      });
    } else {
      if (blocks.length > MAX_BLOCKS) {
        problems.push({
          code: 'invalid_blocks',
          field: 'payload.blocks',
          message: `has ${blocks.length} blocks; Slack takes at most ${MAX_BLOCKS}: remove some`,
        });
      }
      blocks.forEach((block, index) => {
        const field = `payload.blocks[${index}]`;
        if (!isJsonObject(block) || typeof block.type !== 'string' || block.type === '') {
          problems.push({
            code: 'invalid_blocks',
            field: `${field}.type`,
            message: `every block needs a type (it is ${briefJson(isJsonObject(block) ? block.type : block)}): set it, e.g. "section"`,
          });
          return;
        }
        if (block.type === 'section') {
          const sectionText = isJsonObject(block.text) ? block.text.text : undefined;
          if (block.text !== undefined && (typeof sectionText !== 'string' || sectionText === '')) {
            problems.push({
              code: 'invalid_blocks',
              field: `${field}.text.text`,
              message: `a section's text must be a non-empty string (it is ${briefJson(sectionText)}): set it or remove the block`,
            });
          } else if (typeof sectionText === 'string' && sectionText.length > MAX_SECTION_TEXT) {
            problems.push({
              code: 'invalid_blocks',
              field: `${field}.text.text`,
              message: `is ${sectionText.length} characters; Slack takes at most ${MAX_SECTION_TEXT} in a section: shorten it or split it across sections`,
            });
          }
          if (block.text === undefined && !Array.isArray(block.fields)) {
            problems.push({
              code: 'invalid_blocks',
              field: `${field}.text`,
              message: 'a section needs text or fields: add text: { type: "mrkdwn", text: "..." }',
            });
          }
        }
      });
    }
  }
  return problems;
}

/**
 * What Slack would refuse in this request: a URL that is not an incoming-webhook URL, a method other than POST,
 * or a body without text or with broken blocks.
 * @returns one finding per problem, naming the field and what to write instead
 */
export function checkSlackRequest(request: TransformedRequest, region: ConnectorRegion): ContractFinding[] {
  const findings: ContractFinding[] = [];
  const example = `https://${SLACK_HOST}/services/T…/B…/…`;
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `Slack incoming webhooks only take POST: write webhook.method = "POST" (not ${briefJson(request.method)})`,
    });
  }
  let url: URL | undefined;
  try {
    url = new URL(request.url);
  } catch {
    findings.push({
      field: 'url',
      message: `${briefJson(request.url)} is not a URL: keep webhook.url, the incoming-webhook URL pasted on the card (${example})`,
    });
  }
  if (url) {
    if (!region.hosts.includes(url.hostname) || url.protocol !== 'https:' || url.port !== '') {
      findings.push({
        field: 'url',
        message: `${url.origin} is not Slack's incoming-webhook host: keep webhook.url as pasted on the card (${example}); do not set it in the code`,
      });
    }
    if (!SLACK_PATH.test(url.pathname)) {
      findings.push({
        field: 'url',
        message: `${briefJson(url.pathname)} is not an incoming-webhook path: paste the whole Webhook URL from Slack (${example}) on the card and keep webhook.url`,
      });
    }
  }
  for (const name of Object.keys(request.headers)) {
    if (name.toLowerCase() === 'authorization') {
      findings.push({
        field: 'headers.authorization',
        message: 'remove it: the webhook URL is the credential, and Slack ignores other authentication',
      });
    }
  }
  for (const problem of slackPayloadProblems(request.payload)) {
    findings.push({ field: problem.field, message: problem.message });
  }
  return findings;
}
