import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import type { TransformedRequest, WebhookInput } from '../../sandbox/index.ts';
import type { ContractFinding } from '../connector.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  checkTeamsRequest,
  startTeamsFake,
  type TeamsFake,
  THROTTLED_BODY,
  teams,
  teamsManifest,
  teamsRegions,
} from './index.ts';

const REGION = teamsRegions.default;
const LEGACY_PATH =
  '/webhookb2/0a1b2c3d-0000-4000-8000-000000000001@9f8e7d6c-0000-4000-8000-000000000002/IncomingWebhook/4b5c6d7e8f90a1b2c3d4/1c2d3e4f-0000-4000-8000-000000000003';
const LEGACY_URL = `https://contoso.webhook.office.com${LEGACY_PATH}`;
const FLOW_PATH = '/workflows/0a1b2c3d4e5f40718293a4b5c6d7e8f9/triggers/manual/paths/invoke';
const SIG = 'Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1Ji0Hg9Fe8Dc7Ba6';
const FLOW_QUERY = `?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`;
const FLOW_URL = `https://prod-12.westus.logic.azure.com:443${FLOW_PATH}${FLOW_QUERY}`;

const card = {
  type: 'message',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: 'Hi' }] },
    },
  ],
};

function webhookFor(eventType: string, url: string): WebhookInput {
  return {
    eventType,
    payload: structuredClone(findEventType(eventType)!.example),
    url,
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  };
}

function request(payload: unknown, extra: Partial<TransformedRequest> = {}): TransformedRequest {
  return { method: 'POST', url: FLOW_URL, headers: {}, payload, ...extra };
}

const fields = (findings: ContractFinding[]) => findings.map((finding) => finding.field);

function expectActionable(findings: ContractFinding[]) {
  for (const finding of findings) {
    expect(finding.message, finding.field).toMatch(/\b(write|set|remove|shorten|keep|paste|add|build)\b/i);
  }
}

const templates = templateSandbox();

describe('the Teams manifest', () => {
  it('is a URL-secret card for both Workflows and legacy Incoming Webhook hosts', () => {
    expect(teamsManifest).toMatchObject({
      id: 'teams',
      name: 'Microsoft Teams',
      category: 'messaging',
      authentication: 'url',
    });
    expect(teamsManifest.credentials).toEqual([]);
    expect(teamsManifest.regions).toHaveLength(1);
    expect(REGION.hosts).toEqual([
      'webhook.office.com',
      'outlook.office.com',
      'logic.azure.com',
      'environment.api.powerplatform.com',
    ]);
    expect(teamsManifest.logo).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(teamsManifest.instructions).toMatch(/Workflows/);
    expect(teamsManifest.instructions).toMatch(/Incoming Webhook/);
    expect(teamsManifest.defaultEventTypes).toEqual(
      expect.arrayContaining(['payment.succeeded', 'subscription.active', 'subscription.cancelled']),
    );
  });
});

describe('the Teams template', () => {
  for (const template of teamsManifest.templates) {
    for (const eventType of template.eventTypes) {
      it(`${template.id} on ${eventType}: builds the Adaptive Card envelope both kinds accept`, async () => {
        for (const url of [FLOW_URL, LEGACY_URL]) {
          const built = await templates.run(template.code, webhookFor(eventType, url));
          expect(built.url).toBe(url);
          expect(checkTeamsRequest(built, REGION)).toEqual([]);
          expect(built.payload).toMatchObject({
            type: 'message',
            attachments: [
              {
                contentType: 'application/vnd.microsoft.card.adaptive',
                content: { type: 'AdaptiveCard', version: '1.4' },
              },
            ],
          });
        }
      });
    }
  }

  it('writes the title and the facts of a payment', async () => {
    const built = await templates.run(
      teamsManifest.templates[0]!.code,
      webhookFor('payment.succeeded', FLOW_URL),
    );
    const content = (built.payload as typeof card).attachments[0]!.content as {
      body: Record<string, unknown>[];
    };
    expect(content.body[0]).toMatchObject({ type: 'TextBlock', text: 'Payment received: 29.99 USD' });
    expect(content.body[1]!.facts).toContainEqual({ title: 'Payment', value: 'pay_2IjeQm4hqU6RGzjvdbzsS' });
  });

  it('leaves events it does not handle unchanged (the check then refuses the raw envelope)', async () => {
    const input = webhookFor('payment.succeeded', FLOW_URL);
    input.eventType = 'dispute.opened';
    const built = await templates.run(teamsManifest.templates[0]!.code, input);
    expect(built.payload).toEqual(input.payload);
    expect(fields(checkTeamsRequest(built, REGION))).toEqual(['payload.type', 'payload.attachments']);
  });
});

describe('checkTeamsRequest', () => {
  it('passes the envelope to either kind, and a MessageCard or {text} to the legacy webhook only', () => {
    expect(checkTeamsRequest(request(card), REGION)).toEqual([]);
    expect(checkTeamsRequest(request(card, { url: LEGACY_URL }), REGION)).toEqual([]);
    expect(checkTeamsRequest(request({ text: 'hi' }, { url: LEGACY_URL }), REGION)).toEqual([]);
    const messageCard = { '@type': 'MessageCard', summary: 'Paid', sections: [] };
    expect(checkTeamsRequest(request(messageCard, { url: LEGACY_URL }), REGION)).toEqual([]);
    expect(
      checkTeamsRequest(
        request({ text: 'hi' }, { url: 'https://outlook.office.com/webhook/abc@def/IncomingWebhook/1/2' }),
        REGION,
      ),
    ).toEqual([]);
    const platform = `https://default0a1b.02.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/0a1b/triggers/manual/paths/invoke?api-version=1&sig=${SIG}`;
    expect(checkTeamsRequest(request(card, { url: platform }), REGION)).toEqual([]);
    const findings = checkTeamsRequest(request({ text: 'hi' }), REGION);
    expect(fields(findings)).toEqual(['payload']);
    expectActionable(findings);
  });

  it('flags the method, foreign hosts, a Workflows URL without sig, a bad legacy path and Authorization', () => {
    const findings = checkTeamsRequest(
      request(card, {
        method: 'PATCH',
        url: 'https://evil.example.com/workflows/x?sig=1',
        headers: { Authorization: 'x' },
      }),
      REGION,
    );
    expect(fields(findings)).toEqual(['method', 'url', 'headers.authorization']);
    expectActionable(findings);
    expect(
      fields(checkTeamsRequest(request(card, { url: FLOW_URL.replace(`&sig=${SIG}`, '') }), REGION)),
    ).toEqual(['url']);
    expect(
      fields(checkTeamsRequest(request(card, { url: 'https://contoso.webhook.office.com/other' }), REGION)),
    ).toEqual(['url']);
    expect(
      fields(
        checkTeamsRequest(
          request(card, { url: 'https://notwebhook.office.com.example.com/webhookb2/x' }),
          REGION,
        ),
      ),
    ).toEqual(['url']);
    expect(fields(checkTeamsRequest(request(card, { url: 'nope' }), REGION))).toEqual(['url']);
  });

  it('flags a broken envelope, field by field, and anything over 28 KB', () => {
    const attachment = card.attachments[0]!;
    const withContent = (content: Record<string, unknown>) => ({
      type: 'message',
      attachments: [{ ...attachment, content: { ...attachment.content, ...content } }],
    });
    const cases: [unknown, string[]][] = [
      ['text', ['payload']],
      [{ ...card, type: 'card' }, ['payload.type']],
      [{ type: 'message', attachments: [] }, ['payload.attachments']],
      [
        { type: 'message', attachments: [{ ...attachment, contentType: 'application/json' }] },
        ['payload.attachments[0].contentType'],
      ],
      [
        { type: 'message', attachments: [{ ...attachment, content: null }] },
        ['payload.attachments[0].content'],
      ],
      [withContent({ type: 'MessageCard' }), ['payload.attachments[0].content.type']],
      [withContent({ version: 1.4 }), ['payload.attachments[0].content.version']],
      [withContent({ body: 'x' }), ['payload.attachments[0].content.body']],
      [withContent({ body: [{ text: 'x' }] }), ['payload.attachments[0].content.body[0].type']],
      [withContent({ body: [{ type: 'TextBlock', text: 'x'.repeat(28 * 1024) }] }), ['payload']],
    ];
    for (const [payload, expected] of cases) {
      const findings = checkTeamsRequest(request(payload), REGION);
      expect(fields(findings), JSON.stringify(payload).slice(0, 80)).toEqual(expected);
      expectActionable(findings);
    }
    expect(fields(checkTeamsRequest(request({ summary: ' ' }, { url: LEGACY_URL }), REGION))).toEqual([
      'payload.text',
    ]);
  });
});

describe('classify, authenticate and prepare', () => {
  const answer = (statusCode: number, body = '', headers: Record<string, string> = {}) =>
    teams.classify({ statusCode, body, headers });

  it('counts 200 "1" and 202 a success; a body with "HTTP error 429" is a retry whatever the status', () => {
    expect(answer(200, '1')).toEqual({ kind: 'success' });
    expect(answer(202, '')).toEqual({ kind: 'success' });
    expect(answer(200, THROTTLED_BODY)).toEqual({ kind: 'retry' });
    expect(answer(400, THROTTLED_BODY)).toEqual({ kind: 'retry' });
    expect(
      answer(
        200,
        'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 502',
      ),
    ).toEqual({
      kind: 'retry',
    });
    expect(
      answer(
        200,
        'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 400',
      ).kind,
    ).toBe('permanent');
    expect(
      answer(200, 'Webhook message delivery failed with error: ConnectorConfigurationNotFound').kind,
    ).toBe('permanent');
  });

  it('retries 429 (with Retry-After) and 5xx; 400, 401, 404 and 413 are permanent, never gone', () => {
    expect(answer(429, '', { 'Retry-After': '7' })).toEqual({ kind: 'retry', retryAfterMs: 7000 });
    expect(answer(503)).toEqual({ kind: 'retry' });
    for (const status of [400, 401, 403, 404, 410, 413]) {
      expect(answer(status, 'x').kind, String(status)).toBe('permanent');
    }
    const tooLarge = answer(413, 'Request Entity Too Large');
    expect(tooLarge.kind === 'permanent' && tooLarge.reason).toMatch(/28 KB/);
  });

  it('adds no headers and leaves the request as built', () => {
    expect(teams.authenticate({}, REGION)).toEqual({});
    const built = request(card);
    expect(teams.prepare(built, { messageId: 'msg_1', endpointId: 'ep_1' })).toBe(built);
  });
});

describe('the Teams fake', () => {
  let fake: TeamsFake;
  beforeEach(async () => {
    fake = await startTeamsFake({ legacyHooks: [LEGACY_PATH], workflows: [{ path: FLOW_PATH, sig: SIG }] });
  });
  afterEach(async () => {
    await fake.close();
  });

  const post = async (pathAndQuery: string, body: unknown) => {
    const res = await fetch(`${fake.url}${pathAndQuery}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.text() };
  };

  it('legacy: accepts the envelope, a MessageCard and {text} with 200 "1"', async () => {
    expect(await post(LEGACY_PATH, card)).toEqual({ status: 200, body: '1' });
    expect(await post(LEGACY_PATH, { text: 'hi' })).toEqual({ status: 200, body: '1' });
    expect(fake.received.map((m) => [m.kind, m.body])).toEqual([
      ['legacy', card],
      ['legacy', { text: 'hi' }],
    ]);
  });

  it('workflows: accepts the envelope with 202; a plain {text} gets 202 too but its run fails', async () => {
    expect(await post(`${FLOW_PATH}${FLOW_QUERY}`, card)).toEqual({ status: 202, body: '' });
    expect(await post(`${FLOW_PATH}${FLOW_QUERY}`, { text: 'hi' })).toEqual({ status: 202, body: '' });
    expect(fake.received).toHaveLength(1);
    expect(fake.failedRuns).toHaveLength(1);
    expect(fake.failedRuns[0]!.body).toEqual({ text: 'hi' });
  });

  it('refuses a wrong sig (401), an unknown webhook (404), a MessageCard without text (400), invalid JSON and over 28 KB (413)', async () => {
    expect((await post(`${FLOW_PATH}${FLOW_QUERY.replace(SIG, 'forged')}`, card)).status).toBe(401);
    expect((await post(`${FLOW_PATH}?api-version=2016-06-01`, card)).status).toBe(401);
    expect((await post('/webhookb2/unknown', card)).status).toBe(404);
    expect(await post(LEGACY_PATH, { '@type': 'MessageCard' })).toEqual({
      status: 400,
      body: 'Summary or Text is required.',
    });
    expect((await post(LEGACY_PATH, '{"text":')).status).toBe(400);
    const big = { text: 'x'.repeat(28 * 1024) };
    expect((await post(LEGACY_PATH, big)).status).toBe(413);
    expect((await post(`${FLOW_PATH}${FLOW_QUERY}`, big)).status).toBe(413);
    expect(fake.received).toEqual([]);
    expect(fake.rejected.map((r) => r.statusCode)).toEqual([401, 401, 404, 400, 400, 413, 413]);
  });

  it('legacy: throttles past 4 per second with a 200 whose body says HTTP error 429, which classify retries', async () => {
    const answers = [];
    for (let index = 0; index < 5; index += 1) answers.push(await post(LEGACY_PATH, card));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.slice(0, 4).map((a) => a.body)).toEqual(['1', '1', '1', '1']);
    expect(answers[4]!.body).toContain('Microsoft Teams endpoint returned HTTP error 429');
    expect(teams.classify({ statusCode: 200, headers: {}, body: answers[4]!.body }).kind).toBe('retry');
    expect(fake.received).toHaveLength(4);
  });

  it('agrees with the check: what it passes the fake posts, what it flags the fake refuses or fails', async () => {
    const cases: [string, string, unknown][] = [
      [FLOW_URL, `${FLOW_PATH}${FLOW_QUERY}`, card],
      [FLOW_URL, `${FLOW_PATH}${FLOW_QUERY}`, { text: 'hi' }],
      [FLOW_URL, `${FLOW_PATH}${FLOW_QUERY}`, { ...card, type: 'x' }],
      [LEGACY_URL, LEGACY_PATH, card],
      [LEGACY_URL, LEGACY_PATH, { text: 'hi' }],
      [LEGACY_URL, LEGACY_PATH, { '@type': 'MessageCard', sections: [] }],
      [LEGACY_URL, LEGACY_PATH, { text: 'x'.repeat(30_000) }],
    ];
    for (const [url, path, payload] of cases) {
      const findings = checkTeamsRequest(request(payload, { url }), REGION);
      const before = fake.received.length;
      await post(path, payload);
      expect(fake.received.length - before, JSON.stringify(payload).slice(0, 60)).toBe(
        findings.length === 0 ? 1 : 0,
      );
    }
  });
});
