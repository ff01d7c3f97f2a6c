import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ContractFinding } from '../connector.ts';
import { exampleWebhook } from '../example-webhook.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  checkSlackRequest,
  classifySlackResponse,
  type SlackFake,
  slack,
  slackManifest,
  slackRegions,
  startSlackFake,
} from './index.ts';

const REGION = slackRegions.default;
const HOOK_PATH = '/services/T0AB12CD3/B0EF45GH6/q7W8e9R0t1Y2u3I4o5P6a7S8';
const HOOK_URL = `https://hooks.slack.com${HOOK_PATH}`;
const message = {
  text: 'Payment received',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Hi*' } }],
};

const webhookFor = (eventType: string, url = HOOK_URL) => exampleWebhook(eventType, url);

function request(payload: unknown, extra: Partial<TransformedRequest> = {}): TransformedRequest {
  return { method: 'POST', url: HOOK_URL, headers: {}, payload, ...extra };
}

const fields = (findings: ContractFinding[]) => findings.map((finding) => finding.field);

function expectActionable(findings: ContractFinding[]) {
  for (const finding of findings) {
    expect(finding.message, finding.field).toMatch(/\b(write|set|remove|shorten|keep|paste|add|build)\b/i);
  }
}

const templates = templateSandbox();

describe('the Slack manifest', () => {
  it('is a URL-secret card: no credential fields, hooks.slack.com, messaging', () => {
    expect(slackManifest).toMatchObject({
      id: 'slack',
      name: 'Slack',
      category: 'messaging',
      authentication: 'url',
    });
    expect(slackManifest.credentials).toEqual([]);
    expect(slackManifest.regions).toEqual([{ id: 'default', label: 'Slack', hosts: ['hooks.slack.com'] }]);
    expect(slackManifest.logo).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(slackManifest.instructions).toMatch(/Incoming Webhooks/);
    expect(slackManifest.instructions).toMatch(/Webhook URL/);
    expect(slackManifest.defaultEventTypes).toEqual(
      expect.arrayContaining(['payment.succeeded', 'subscription.active', 'subscription.cancelled']),
    );
  });
});

describe('the Slack template', () => {
  for (const template of slackManifest.templates) {
    for (const eventType of template.eventTypes) {
      it(`${template.id} on ${eventType}: keeps the pasted URL and passes the contract`, async () => {
        const built = await templates.run(template.code, webhookFor(eventType));
        expect(built.url).toBe(HOOK_URL);
        expect(built.method).toBe('POST');
        expect(checkSlackRequest(built, REGION)).toEqual([]);
        const payload = built.payload as { text: string; blocks: unknown[] };
        expect(payload.text).not.toBe('');
        expect(payload.blocks.length).toBeGreaterThan(0);
      });
    }
  }

  it('writes the amount and the customer into a payment message, escaping mrkdwn', async () => {
    const input = webhookFor('payment.succeeded');
    (input.payload as { data: { customer: { name: string } } }).data.customer.name = 'Ada <script>';
    const built = await templates.run(slackManifest.templates[0]!.code, input);
    const payload = built.payload as { text: string; blocks: { text?: { text: string } }[] };
    expect(payload.text).toBe('Payment received: 29.99 USD');
    expect(payload.blocks[0]!.text!.text).toContain('Ada &lt;script&gt;');
    expect(payload.blocks[0]!.text!.text).toContain('pay_2IjeQm4hqU6RGzjvdbzsS');
  });

  it('leaves events it does not handle unchanged', async () => {
    const input = webhookFor('payment.succeeded');
    input.eventType = 'dispute.opened';
    const built = await templates.run(slackManifest.templates[0]!.code, input);
    expect(built.payload).toEqual(input.payload);
    expect(fields(checkSlackRequest(built, REGION))).toContain('payload.text');
  });
});

describe('checkSlackRequest', () => {
  it('passes a message with text and blocks', () => {
    expect(checkSlackRequest(request(message), REGION)).toEqual([]);
    expect(checkSlackRequest(request({ text: 'plain' }), REGION)).toEqual([]);
  });

  it('flags the method, a foreign host, a bad path and an Authorization header', () => {
    const findings = checkSlackRequest(
      request(message, {
        method: 'PUT',
        url: 'https://hooks.example.com/services/x',
        headers: { Authorization: 'Bearer x' },
      }),
      REGION,
    );
    expect(fields(findings)).toEqual(['method', 'url', 'url', 'headers.authorization']);
    expectActionable(findings);
    expect(fields(checkSlackRequest(request(message, { url: 'not a url' }), REGION))).toEqual(['url']);
    expect(
      fields(checkSlackRequest(request(message, { url: `http://hooks.slack.com${HOOK_PATH}` }), REGION)),
    ).toEqual(['url']);
  });

  it('flags a missing text, broken blocks and the size limits', () => {
    const cases: [unknown, string[]][] = [
      [[message], ['payload']],
      [{ blocks: message.blocks }, ['payload.text']],
      [{ text: ' ' }, ['payload.text']],
      [{ text: 'x'.repeat(40_001) }, ['payload.text']],
      [{ text: 't', blocks: {} }, ['payload.blocks']],
      [{ text: 't', blocks: Array(51).fill({ type: 'divider' }) }, ['payload.blocks']],
      [{ text: 't', blocks: [{ text: 'x' }] }, ['payload.blocks[0].type']],
      [
        { text: 't', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] },
        ['payload.blocks[0].text.text'],
      ],
      [{ text: 't', blocks: [{ type: 'section' }] }, ['payload.blocks[0].text']],
    ];
    for (const [payload, expected] of cases) {
      const findings = checkSlackRequest(request(payload), REGION);
      expect(fields(findings), JSON.stringify(payload).slice(0, 80)).toEqual(expected);
      expectActionable(findings);
    }
    expect(
      checkSlackRequest(request({ text: 't', blocks: Array(50).fill({ type: 'divider' }) }), REGION),
    ).toEqual([]);
    expect(
      checkSlackRequest(
        request({
          text: 't',
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3000) } }],
        }),
        REGION,
      ),
    ).toEqual([]);
  });
});

describe('classify, authenticate and prepare', () => {
  const answer = (statusCode: number, body = '', headers: Record<string, string> = {}) =>
    slack.classify({ statusCode, body, headers });

  it('counts 2xx a success, 404 gone, 429 and 5xx retry (with Retry-After), other errors permanent', () => {
    expect(answer(200, 'ok')).toEqual({ kind: 'success' });
    for (const code of ['channel_not_found', 'no_service', 'no_team', 'no_active_hooks']) {
      expect(answer(404, code).kind).toBe('gone');
    }
    expect(answer(429, '{}', { 'Retry-After': '3' })).toEqual({ kind: 'retry', retryAfterMs: 3000 });
    expect(answer(500, 'rollup_error')).toEqual({ kind: 'retry' });
    expect(answer(503)).toEqual({ kind: 'retry' });
    for (const [status, body] of [
      [400, 'invalid_payload'],
      [400, 'no_text'],
      [403, 'invalid_token'],
      [403, 'action_prohibited'],
      [410, 'channel_is_archived'],
    ] as const) {
      const verdict = answer(status, body);
      expect(verdict.kind, body).toBe('permanent');
      expect(verdict.kind === 'permanent' && verdict.reason, body).toContain(body);
    }
    expect(classifySlackResponse({ statusCode: 429, body: '', headers: {} })).toEqual({ kind: 'retry' });
  });

  it('adds no headers and leaves the request as built', () => {
    expect(slack.authenticate({}, REGION)).toEqual({});
    const built = request(message);
    expect(slack.prepare(built, { messageId: 'msg_1', endpointId: 'ep_1' })).toBe(built);
  });
});

describe('the Slack fake', () => {
  let fake: SlackFake;
  beforeEach(async () => {
    fake = await startSlackFake({ hooks: [HOOK_PATH] });
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
    return { status: res.status, body: await res.text() };
  };

  it('accepts a valid message with 200 ok and records it', async () => {
    expect(await post(HOOK_PATH, message)).toEqual({ status: 200, body: 'ok' });
    expect(fake.received).toHaveLength(1);
    expect(fake.received[0]).toMatchObject({ path: HOOK_PATH, body: message });
  });

  it('answers 404 no_service to an unknown webhook (a wrong secret): the URL is the credential', async () => {
    const wrong = await post('/services/T0AB12CD3/B0EF45GH6/wrongsecret', message);
    expect(wrong).toEqual({ status: 404, body: 'no_service' });
    expect(slack.classify({ statusCode: wrong.status, body: wrong.body, headers: {} }).kind).toBe('gone');
    expect((await post('/services/T0AB12CD3/B0EF45GH6', message)).status).toBe(404);
    expect(fake.received).toEqual([]);
    expect(fake.rejected.map((r) => r.statusCode)).toEqual([404, 404]);
  });

  it('answers 400 with the error code to a missing text, bad blocks, invalid JSON and oversize text', async () => {
    expect(await post(HOOK_PATH, { blocks: message.blocks })).toEqual({ status: 400, body: 'no_text' });
    expect(await post(HOOK_PATH, { text: 't', blocks: Array(51).fill({ type: 'divider' }) })).toEqual({
      status: 400,
      body: 'invalid_blocks',
    });
    expect(await post(HOOK_PATH, '{"text": ')).toEqual({ status: 400, body: 'invalid_payload' });
    expect(await post(HOOK_PATH, { text: 'x'.repeat(40_001) })).toEqual({
      status: 400,
      body: 'msg_too_long',
    });
    expect((await post(HOOK_PATH, 'x'.repeat(1024 * 1024 + 1), 'text/plain')).status).toBe(413);
    expect(fake.received).toEqual([]);
    expect(fake.rejected.map((r) => r.statusCode)).toEqual([400, 400, 400, 400, 413]);
  });

  it('answers 429 with Retry-After past the rate, which classify retries', async () => {
    const limited = await startSlackFake({ hooks: [HOOK_PATH], rateLimitPerSecond: 1 });
    try {
      const send = () =>
        fetch(`${limited.url}${HOOK_PATH}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message),
        });
      const first = await send();
      const second = await send();
      expect([first.status, second.status]).toEqual([200, 429]);
      expect(second.headers.get('retry-after')).toBe('1');
      const verdict = slack.classify({
        statusCode: second.status,
        headers: Object.fromEntries(second.headers),
        body: await second.text(),
      });
      expect(verdict).toEqual({ kind: 'retry', retryAfterMs: 1000 });
      expect(limited.received).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });

  it('answers 410 channel_is_archived for an archived channel', async () => {
    const archivedFake = await startSlackFake({ hooks: [HOOK_PATH], archived: [HOOK_PATH] });
    try {
      const res = await fetch(`${archivedFake.url}${HOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
      });
      expect(res.status).toBe(410);
      expect(await res.text()).toBe('channel_is_archived');
    } finally {
      await archivedFake.close();
    }
  });

  it('agrees with the check: what it passes the fake keeps, what it flags the fake refuses', async () => {
    const payloads: unknown[] = [
      message,
      { text: 'only text' },
      { blocks: message.blocks },
      { text: 't', blocks: [{ type: 'section' }] },
      { text: 't', blocks: 'x' },
      [message],
    ];
    for (const payload of payloads) {
      const findings = checkSlackRequest(request(payload), REGION);
      const { status } = await post(HOOK_PATH, payload);
      expect(status === 200, JSON.stringify(payload)).toBe(findings.length === 0);
    }
  });
});
