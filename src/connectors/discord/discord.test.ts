import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  checkDiscordRequest,
  type DiscordFake,
  discord,
  discordManifest,
  discordRegions,
  startDiscordFake,
} from './index.ts';

const REGION = discordRegions.default;
const HOOK_ID = '1234567890123456789';
const TOKEN = 'aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5zA7bC9dE1fG3hI5jK7lM9nO1pQ3r';
const HOOK_PATH = `/api/webhooks/${HOOK_ID}/${TOKEN}`;
const HOOK_URL = `https://discord.com${HOOK_PATH}`;
const message = { embeds: [{ title: 'Payment received', fields: [{ name: 'Customer', value: 'Ada' }] }] };

const webhookFor = (eventType: string, url = HOOK_URL) => exampleWebhook(eventType, url);

function request(payload: unknown, extra: Partial<TransformedRequest> = {}): TransformedRequest {
  return { method: 'POST', url: HOOK_URL, headers: {}, payload, ...extra };
}

const fields = (findings: ContractFinding[]) => findings.map((finding) => finding.field);

function expectActionable(findings: ContractFinding[]) {
  for (const finding of findings) {
    expect(finding.message, finding.field).toMatch(
      /\b(write|set|remove|shorten|keep|paste|add|build|pass)\b/i,
    );
  }
}

const templates = templateSandbox();

describe('the Discord manifest', () => {
  it('is a URL-secret card: no credential fields, discord.com, messaging', () => {
    expect(discordManifest).toMatchObject({
      id: 'discord',
      name: 'Discord',
      category: 'messaging',
      authentication: 'url',
    });
    expect(discordManifest.credentials).toEqual([]);
    expect(discordManifest.regions).toEqual([{ id: 'default', label: 'Discord', hosts: ['discord.com'] }]);
    expect(discordManifest.logo).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(discordManifest.instructions).toMatch(/Integrations → Webhooks/);
    expect(discordManifest.instructions).toMatch(/Copy Webhook URL/);
    expect(discordManifest.defaultEventTypes).toEqual(
      expect.arrayContaining(['payment.succeeded', 'subscription.active', 'subscription.cancelled']),
    );
  });
});

describe('the Discord template', () => {
  for (const template of discordManifest.templates) {
    for (const eventType of template.eventTypes) {
      it(`${template.id} on ${eventType}: keeps the pasted URL and passes the contract`, async () => {
        const built = await templates.run(template.code, webhookFor(eventType));
        expect(built.url).toBe(HOOK_URL);
        expect(built.method).toBe('POST');
        expect(checkDiscordRequest(built, REGION)).toEqual([]);
        const payload = built.payload as { embeds: { title: string; footer: { text: string } }[] };
        expect(payload.embeds).toHaveLength(1);
        expect(payload.embeds[0]!.footer.text).toBe(eventType);
      });
    }
  }

  it('writes the amount and the customer into a payment embed', async () => {
    const built = await templates.run(discordManifest.templates[0]!.code, webhookFor('payment.succeeded'));
    const embed = (built.payload as { embeds: Record<string, unknown>[] }).embeds[0]!;
    expect(embed.title).toBe('Payment received: 29.99 USD');
    expect(embed.timestamp).toBe('2025-08-04T05:30:45.182629Z');
    expect(embed.fields).toContainEqual({
      name: 'Customer',
      value: 'Ada Lovelace (ada.lovelace@example.com)',
    });
  });

  it('leaves events it does not handle unchanged (the check then refuses the raw envelope)', async () => {
    const input = webhookFor('payment.succeeded');
    input.eventType = 'dispute.opened';
    const built = await templates.run(discordManifest.templates[0]!.code, input);
    expect(built.payload).toEqual(input.payload);
    expect(fields(checkDiscordRequest(built, REGION))).toEqual(['payload.content']);
  });
});

describe('checkDiscordRequest', () => {
  it('passes content, embeds, a versioned URL and ?wait=true', () => {
    expect(checkDiscordRequest(request(message), REGION)).toEqual([]);
    expect(checkDiscordRequest(request({ content: 'hi' }), REGION)).toEqual([]);
    const versioned = `https://discord.com/api/v10/webhooks/${HOOK_ID}/${TOKEN}?wait=true`;
    expect(checkDiscordRequest(request({ content: 'hi' }, { url: versioned }), REGION)).toEqual([]);
  });

  it('flags the method, a foreign host, a bad path and an Authorization header', () => {
    const findings = checkDiscordRequest(
      request(message, {
        method: 'PUT',
        url: 'https://example.com/hooks/1',
        headers: { Authorization: 'Bot x' },
      }),
      REGION,
    );
    expect(fields(findings)).toEqual(['method', 'url', 'url', 'headers.authorization']);
    expectActionable(findings);
    expect(fields(checkDiscordRequest(request(message, { url: '::' }), REGION))).toEqual(['url']);
  });

  it('flags an empty message and every embed limit', () => {
    const embed = (extra: Record<string, unknown>) => ({ embeds: [{ title: 't', ...extra }] });
    const cases: [unknown, string[]][] = [
      [[message], ['payload']],
      [{}, ['payload.content']],
      [{ content: ' ', embeds: [] }, ['payload.content']],
      [{ content: 'x'.repeat(2001) }, ['payload.content']],
      [{ content: 1 }, ['payload.content']],
      [{ embeds: {} }, ['payload.embeds']],
      [{ embeds: Array(11).fill({ title: 't' }) }, ['payload.embeds']],
      [embed({ title: 'x'.repeat(257) }), ['payload.embeds[0].title']],
      [embed({ description: 'x'.repeat(4097) }), ['payload.embeds[0].description']],
      [embed({ fields: Array(26).fill({ name: 'n', value: 'v' }) }), ['payload.embeds[0].fields']],
      [embed({ fields: [{ name: '', value: 'v' }] }), ['payload.embeds[0].fields[0].name']],
      [embed({ fields: [{ name: 'n', value: 'x'.repeat(1025) }] }), ['payload.embeds[0].fields[0].value']],
      [embed({ footer: { text: 'x'.repeat(2049) } }), ['payload.embeds[0].footer.text']],
      [embed({ author: { name: 'x'.repeat(257) } }), ['payload.embeds[0].author.name']],
      [embed({ color: '#fff' }), ['payload.embeds[0].color']],
      [embed({ timestamp: 'yesterday' }), ['payload.embeds[0].timestamp']],
      [{ content: 'hi', username: 'x'.repeat(81) }, ['payload.username']],
      [
        { embeds: [{ description: 'x'.repeat(4000) }, { description: 'x'.repeat(2001) }] },
        ['payload.embeds'],
      ],
    ];
    for (const [payload, expected] of cases) {
      const findings = checkDiscordRequest(request(payload), REGION);
      expect(fields(findings), JSON.stringify(payload).slice(0, 80)).toEqual(expected);
      expectActionable(findings);
    }
    expect(
      checkDiscordRequest(
        request({ embeds: [{ description: 'x'.repeat(4000) }, { description: 'x'.repeat(2000) }] }),
        REGION,
      ),
    ).toEqual([]);
    expect(checkDiscordRequest(request({ content: 'x'.repeat(2000) }), REGION)).toEqual([]);
  });
});

describe('classify, authenticate and prepare', () => {
  const answer = (statusCode: number, body = '', headers: Record<string, string> = {}) =>
    discord.classify({ statusCode, body, headers });

  it('counts 200/204 a success, 404 gone, 429 and 5xx retry, 400/401/403 permanent', () => {
    expect(answer(204)).toEqual({ kind: 'success' });
    expect(answer(200, '{"id":"1"}')).toEqual({ kind: 'success' });
    expect(answer(404, '{"message":"Unknown Webhook","code":10015}').kind).toBe('gone');
    expect(
      answer(429, '{"message":"You are being rate limited.","retry_after":64.57,"global":false}', {
        'Retry-After': '65',
      }),
    ).toEqual({
      kind: 'retry',
      retryAfterMs: 64570,
    });
    expect(answer(429, '', { 'X-RateLimit-Reset-After': '1.5' })).toEqual({
      kind: 'retry',
      retryAfterMs: 1500,
    });
    expect(answer(429, '', { 'Retry-After': '2' })).toEqual({ kind: 'retry', retryAfterMs: 2000 });
    expect(answer(502)).toEqual({ kind: 'retry' });
    const invalid = answer(
      400,
      JSON.stringify({
        code: 50035,
        message: 'Invalid Form Body',
        errors: {
          embeds: {
            0: {
              title: {
                _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }],
              },
            },
          },
        },
      }),
    );
    expect(invalid).toEqual({
      kind: 'permanent',
      reason:
        'Discord refused the message (400 Invalid Form Body (50035): embeds.0.title: Must be 256 or fewer in length.)',
    });
    expect(answer(401, '{"message":"Invalid Webhook Token","code":50027}').kind).toBe('permanent');
    expect(answer(403).kind).toBe('permanent');
  });

  it('adds no headers and leaves the request as built', () => {
    expect(discord.authenticate({}, REGION)).toEqual({});
    const built = request(message);
    expect(discord.prepare(built, { messageId: 'msg_1', endpointId: 'ep_1' })).toBe(built);
  });
});

describe('the Discord fake', () => {
  let fake: DiscordFake;
  beforeEach(async () => {
    fake = await startDiscordFake({ webhooks: [{ id: HOOK_ID, token: TOKEN }] });
  });
  afterEach(async () => {
    await fake.close();
  });

  const post = async (path: string, body: unknown, contentType = 'application/json') => {
    const res = await fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
    };
  };

  it('accepts a valid message with 204, or 200 and the message with ?wait=true, and records it', async () => {
    expect(await post(HOOK_PATH, message)).toEqual({ status: 204, body: undefined });
    const waited = await post(`${HOOK_PATH}?wait=true`, { content: 'hi' });
    expect(waited.status).toBe(200);
    expect(waited.body).toMatchObject({ webhook_id: HOOK_ID, content: 'hi' });
    expect(fake.received.map((m) => m.body)).toEqual([message, { content: 'hi' }]);
    expect(fake.received[1]!.query).toEqual({ wait: 'true' });
  });

  it('answers a wrong token 401 and an unknown webhook 404 Unknown Webhook (gone)', async () => {
    const wrong = await post(`/api/webhooks/${HOOK_ID}/${'x'.repeat(68)}`, message);
    expect(wrong).toEqual({ status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } });
    const unknown = await post(`/api/webhooks/9999999999999999999/${TOKEN}`, message);
    expect(unknown).toEqual({ status: 404, body: { message: 'Unknown Webhook', code: 10015 } });
    expect(discord.classify({ statusCode: 404, headers: {}, body: JSON.stringify(unknown.body) }).kind).toBe(
      'gone',
    );
    expect(fake.received).toEqual([]);
  });

  it('answers 400 50006 to an empty message and 50035 with the field to an over-limit one; 413 past the size', async () => {
    expect(await post(HOOK_PATH, {})).toEqual({
      status: 400,
      body: { message: 'Cannot send an empty message', code: 50006 },
    });
    const long = await post(HOOK_PATH, { embeds: [{ title: 'x'.repeat(257) }] });
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({
      code: 50035,
      message: 'Invalid Form Body',
      errors: { embeds: { 0: { title: {} } } },
    });
    expect((await post(HOOK_PATH, '{"content":')).status).toBe(400);
    expect((await post(HOOK_PATH, 'content=hi', 'application/x-www-form-urlencoded')).status).toBe(400);
    expect((await post(HOOK_PATH, { content: 'x'.repeat(8 * 1024 * 1024) })).status).toBe(413);
    expect(fake.received).toEqual([]);
    expect(fake.rejected.map((r) => r.statusCode)).toEqual([400, 400, 400, 400, 413]);
  });

  it('answers 429 with retry_after, Retry-After and X-RateLimit headers past the bucket, which classify retries', async () => {
    const limited = await startDiscordFake({
      webhooks: [{ id: HOOK_ID, token: TOKEN }],
      rateLimitPerSecond: 2,
    });
    try {
      const send = () =>
        fetch(`${limited.url}${HOOK_PATH}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ content: 'hi' }),
        });
      const answers = [await send(), await send(), await send()];
      expect(answers.map((a) => a.status)).toEqual([204, 204, 429]);
      expect(answers[1]!.headers.get('x-ratelimit-remaining')).toBe('0');
      const throttled = answers[2]!;
      expect(throttled.headers.get('retry-after')).toBe('1');
      expect(throttled.headers.get('x-ratelimit-scope')).toBe('shared');
      const body = await throttled.text();
      expect(JSON.parse(body)).toMatchObject({ message: 'You are being rate limited.', global: false });
      const verdict = discord.classify({
        statusCode: 429,
        headers: Object.fromEntries(throttled.headers),
        body,
      });
      expect(verdict.kind).toBe('retry');
      expect(verdict.kind === 'retry' && verdict.retryAfterMs).toBeGreaterThan(0);
      expect(verdict.kind === 'retry' && verdict.retryAfterMs).toBeLessThanOrEqual(1000);
      expect(limited.received).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });

  it('agrees with the check: what it passes the fake keeps, what it flags the fake refuses', async () => {
    const payloads: unknown[] = [
      message,
      { content: 'only content' },
      {},
      { embeds: [{ title: 't', fields: [{ name: 'n', value: '' }] }] },
      { embeds: Array(11).fill({ title: 't' }) },
      { content: 'x'.repeat(2001) },
      [message],
    ];
    for (const payload of payloads) {
      const findings = checkDiscordRequest(request(payload), REGION);
      const { status } = await post(HOOK_PATH, payload);
      expect(status === 204, JSON.stringify(payload).slice(0, 80)).toBe(findings.length === 0);
    }
  });
});
