import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { briefJson, isJsonObject } from '../json-value.ts';

/**
 * Discord's Execute Webhook contract (shared/reference/destinations.md §3b; `discord/discord-api-docs`
 * `Webhook.md`, embed limits in `Channel.md`). The rules are used twice: by `checkDiscordRequest` before any
 * network call and by the fake in `fake.ts`, so the two never disagree. The URL the merchant pastes is the secret.
 */

export const DISCORD_HOST = 'discord.com';
/** `/api/webhooks/{id}/{token}`, optionally versioned (`/api/v10/webhooks/…`). */
export const DISCORD_PATH = /^\/api(?:\/v\d+)?\/webhooks\/(\d{15,25})\/([A-Za-z0-9_-]{20,120})$/;
export const MAX_CONTENT = 2000;
export const MAX_EMBEDS = 10;
export const MAX_EMBED_TOTAL = 6000;
export const MAX_FIELDS = 25;
/** The per-field embed limits. */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  'footer.text': 2048,
  'author.name': 256,
  'fields.name': 256,
  'fields.value': 1024,
} as const;
/** Discord's own limit on the webhook's display name (not in the reference; enforced conservatively). */
export const MAX_USERNAME = 80;

/** One thing Discord refuses: 50006 (empty message) or 50035 (Invalid Form Body, with the field). */
export interface DiscordProblem {
  code: 50006 | 50035;
  field: string;
  message: string;
}

function length(value: unknown): number {
  return typeof value === 'string' ? [...value].length : 0;
}

function embedProblems(embed: unknown, field: string): { problems: DiscordProblem[]; chars: number } {
  const problems: DiscordProblem[] = [];
  const invalid = (at: string, message: string) => problems.push({ code: 50035, field: at, message });
  if (!isJsonObject(embed)) {
    invalid(field, `must be an embed object, not ${briefJson(embed)}: write { title, description, fields }`);
    return { problems, chars: 0 };
  }
  let chars = 0;
  const text = (value: unknown, at: string, max: number, required = false) => {
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || (required && value.trim() === '')) {
      invalid(
        at,
        `must be a ${required ? 'non-empty ' : ''}string, not ${briefJson(value)}: set it or remove it`,
      );
      return;
    }
    chars += length(value);
    if (length(value) > max) {
      invalid(at, `is ${length(value)} characters; Discord takes at most ${max}: shorten it`);
    }
  };
  text(embed.title, `${field}.title`, EMBED_LIMITS.title);
  text(embed.description, `${field}.description`, EMBED_LIMITS.description);
  if (embed.footer !== undefined) {
    if (!isJsonObject(embed.footer))
      invalid(`${field}.footer`, 'must be { text }: write it as an object or remove it');
    else text(embed.footer.text, `${field}.footer.text`, EMBED_LIMITS['footer.text'], true);
  }
  if (embed.author !== undefined) {
    if (!isJsonObject(embed.author))
      invalid(`${field}.author`, 'must be { name }: write it as an object or remove it');
    else text(embed.author.name, `${field}.author.name`, EMBED_LIMITS['author.name'], true);
  }
  if (embed.fields !== undefined) {
    if (!Array.isArray(embed.fields)) {
      invalid(
        `${field}.fields`,
        `must be an array of { name, value }, not ${briefJson(embed.fields)}: write [{ name, value }] or remove it`,
      );
    } else {
      if (embed.fields.length > MAX_FIELDS) {
        invalid(
          `${field}.fields`,
          `has ${embed.fields.length} fields; Discord takes at most ${MAX_FIELDS} per embed: remove some`,
        );
      }
      embed.fields.forEach((item, index) => {
        const at = `${field}.fields[${index}]`;
        if (!isJsonObject(item)) {
          invalid(at, `must be { name, value }, not ${briefJson(item)}: write it as an object`);
          return;
        }
        text(item.name, `${at}.name`, EMBED_LIMITS['fields.name'], true);
        text(item.value, `${at}.value`, EMBED_LIMITS['fields.value'], true);
      });
    }
  }
  if (
    embed.color !== undefined &&
    !(Number.isInteger(embed.color) && (embed.color as number) >= 0 && (embed.color as number) <= 0xffffff)
  ) {
    invalid(
      `${field}.color`,
      `must be an integer colour such as 0x2ecc71, not ${briefJson(embed.color)}: set it or remove it`,
    );
  }
  if (
    embed.timestamp !== undefined &&
    (typeof embed.timestamp !== 'string' || Number.isNaN(Date.parse(embed.timestamp)))
  ) {
    invalid(
      `${field}.timestamp`,
      `must be an ISO 8601 timestamp, not ${briefJson(embed.timestamp)}: pass webhook.payload.timestamp or remove it`,
    );
  }
  return { problems, chars };
}

/** Everything Discord would refuse in an Execute Webhook JSON body; `field` is dotted from `payload`. */
export function discordPayloadProblems(payload: unknown): DiscordProblem[] {
  if (!isJsonObject(payload)) {
    return [
      {
        code: 50035,
        field: 'payload',
        message: `must be a JSON object, not ${briefJson(payload)}: build the message as { content, embeds }`,
      },
    ];
  }
  const problems: DiscordProblem[] = [];
  const { content, embeds, username } = payload;
  if (content !== undefined && content !== null) {
    if (typeof content !== 'string') {
      problems.push({
        code: 50035,
        field: 'payload.content',
        message: `must be a string, not ${briefJson(content)}: set it or remove it`,
      });
    } else if (length(content) > MAX_CONTENT) {
      problems.push({
        code: 50035,
        field: 'payload.content',
        message: `is ${length(content)} characters; Discord takes at most ${MAX_CONTENT}: shorten it, or move the details into embeds`,
      });
    }
  }
  let embedCount = 0;
  if (embeds !== undefined && embeds !== null) {
    if (!Array.isArray(embeds)) {
      problems.push({
        code: 50035,
        field: 'payload.embeds',
        message: `must be an array of embeds, not ${briefJson(embeds)}: write [{ title, description }]`,
      });
    } else {
      embedCount = embeds.length;
      if (embeds.length > MAX_EMBEDS) {
        problems.push({
          code: 50035,
          field: 'payload.embeds',
          message: `has ${embeds.length} embeds; Discord takes at most ${MAX_EMBEDS}: remove some`,
        });
      }
      let total = 0;
      embeds.forEach((embed, index) => {
        const result = embedProblems(embed, `payload.embeds[${index}]`);
        problems.push(...result.problems);
        total += result.chars;
      });
      if (total > MAX_EMBED_TOTAL) {
        problems.push({
          code: 50035,
          field: 'payload.embeds',
          message: `hold ${total} characters in all; Discord takes at most ${MAX_EMBED_TOTAL} across all embeds: shorten the titles, descriptions and fields`,
        });
      }
    }
  }
  if (
    username !== undefined &&
    (typeof username !== 'string' || length(username) < 1 || length(username) > MAX_USERNAME)
  ) {
    problems.push({
      code: 50035,
      field: 'payload.username',
      message: `must be 1 to ${MAX_USERNAME} characters, not ${briefJson(username)}: shorten it or remove it`,
    });
  }
  const hasContent = typeof content === 'string' && content.trim() !== '';
  if (!hasContent && embedCount === 0 && problems.length === 0) {
    problems.push({
      code: 50006,
      field: 'payload.content',
      message:
        'Discord refuses an empty message (50006): set payload.content, or add payload.embeds with at least one embed',
    });
  }
  return problems;
}

/**
 * What Discord would refuse in this request: a URL that is not a webhook URL, a method other than POST, or a
 * body that is empty or over the limits.
 * @returns one finding per problem, naming the field and what to write instead
 */
export function checkDiscordRequest(request: TransformedRequest, region: ConnectorRegion): ContractFinding[] {
  const findings: ContractFinding[] = [];
  const example = `https://${DISCORD_HOST}/api/webhooks/{id}/{token}`;
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `Discord's Execute Webhook only takes POST: write webhook.method = "POST" (not ${briefJson(request.method)})`,
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
  if (url) {
    if (!region.hosts.includes(url.hostname) || url.protocol !== 'https:' || url.port !== '') {
      findings.push({
        field: 'url',
        message: `${url.origin} is not Discord's webhook host: keep webhook.url as pasted on the card (${example}); do not set it in the code`,
      });
    }
    if (!DISCORD_PATH.test(url.pathname)) {
      findings.push({
        field: 'url',
        message: `${briefJson(url.pathname)} is not a webhook path: paste the whole Webhook URL from Discord (${example}) on the card and keep webhook.url`,
      });
    }
  }
  for (const name of Object.keys(request.headers)) {
    if (name.toLowerCase() === 'authorization') {
      findings.push({
        field: 'headers.authorization',
        message: 'remove it: the token in the webhook URL is the credential',
      });
    }
  }
  for (const problem of discordPayloadProblems(request.payload)) {
    findings.push({ field: problem.field, message: problem.message });
  }
  return findings;
}
