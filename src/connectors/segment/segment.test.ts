import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Analytics } from '@segment/analytics-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventCatalog, findEventType } from '../../catalog/index.ts';
import type { TransformedRequest, WebhookInput } from '../../sandbox/index.ts';
import type { ContractFinding, VendorResponse } from '../connector.ts';
import { templateSandbox } from '../template-sandbox.ts';
import {
  checkSegmentRequest,
  classifySegmentResponse,
  type SegmentFake,
  segment,
  segmentManifest,
  segmentRegions,
  startSegmentFake,
} from './index.ts';

const US = segmentRegions.us;
const EU = segmentRegions.eu;
/** The URL of an endpoint made from the card: Segment's Track API, as the card's page says. */
const ENDPOINT_URL = 'https://api.segment.io/v1/track';
const SEED_DIR = new URL('../../../../shared/seeds/transformations/', import.meta.url);
const WRITE_KEY = 'k3VqT9wXyZa1B2c3D4e5F6g7H8i9J0kL';
const ALL_EVENT_TYPES = eventCatalog.map((definition) => definition.name);

function basic(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

function exampleOf(eventType: string) {
  const definition = findEventType(eventType);
  if (!definition) throw new Error(`${eventType} is not in the event catalog`);
  return definition.example;
}

function webhookFor(eventType: string, url = ENDPOINT_URL): WebhookInput {
  return {
    eventType,
    payload: structuredClone(exampleOf(eventType)),
    url,
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  };
}

function template(id: string) {
  const found = segmentManifest.templates.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no template ${id}`);
  return found;
}

function request(url: string, payload: unknown, extra: Partial<TransformedRequest> = {}): TransformedRequest {
  return { method: 'POST', url, headers: {}, payload, ...extra };
}

function fields(findings: ContractFinding[]): string[] {
  return findings.map((finding) => finding.field);
}

/** Every finding says what to write instead. */
function expectActionable(findings: ContractFinding[]) {
  for (const finding of findings) {
    expect(finding.message, finding.field).toMatch(
      /\b(write|set|remove|split|shorten|send|add|build|pass|post|fix|cancel)\b/i,
    );
  }
}

const track = { userId: 'cus_1', event: 'Payment Completed', properties: { amount: '29.99' } };

const templates = templateSandbox();

describe('the Segment manifest', () => {
  it('describes the card: id, category, regions, basic auth, one secret Write Key', () => {
    expect(segmentManifest.id).toBe('segment');
    expect(segmentManifest.name).toBe('Segment');
    expect(segmentManifest.category).toBe('analytics');
    expect(segmentManifest.description).not.toMatch(/\n/);
    expect(segmentManifest.authentication).toBe('basic');
    expect(segmentManifest.regions.map((region) => [region.id, region.hosts])).toEqual([
      ['us', ['api.segment.io']],
      ['eu', ['events.eu1.segmentapis.com']],
    ]);
    expect(segmentManifest.credentials).toHaveLength(1);
    const [field] = segmentManifest.credentials;
    expect(field).toMatchObject({ id: 'writeKey', secret: true });
    expect(field!.help).toMatch(/Settings → API Keys/);
  });

  it("the Write Key pattern takes plausible keys and refuses what can't be one", () => {
    const pattern = new RegExp(segmentManifest.credentials[0]!.pattern!);
    expect(pattern.test(WRITE_KEY)).toBe(true);
    expect(pattern.test('DmBXIN4JnwqBnTqXccTF0wBnLXNQmFtk')).toBe(true);
    for (const bad of [
      '',
      'abc',
      `${WRITE_KEY} `,
      'Basic abc123abc123abc123',
      'k3Vq:T9wXyZa1B2c3D4e5',
      'x'.repeat(65),
    ]) {
      expect(pattern.test(bad), bad).toBe(false);
    }
  });

  it('tells where the Write Key is and that EU workspaces pick the EU region', () => {
    const text = segmentManifest.instructions;
    expect(text).toContain('Connections → Sources');
    expect(text).toContain('HTTP API');
    expect(text).toContain('Settings → API Keys');
    expect(text).toMatch(/EU workspaces must pick EU/);
    expect(text).toContain('events.eu1.segmentapis.com');
  });

  it('has a small, self-contained SVG logo', () => {
    const { logo } = segmentManifest;
    expect(logo.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(logo.trimEnd().endsWith('</svg>')).toBe(true);
    expect(logo).toMatch(/viewBox="0 0 32 32"/);
    expect(logo).not.toMatch(/<script|href=|<image|url\(/i);
    expect(logo.length).toBeLessThan(2000);
  });

  it('offers the three seed samples, byte for byte, with the events each one handles', () => {
    const expected: Record<string, [string, string[]]> = {
      'track-payment': ['segment-track-payment.js', ['payment.succeeded']],
      'subscription-lifecycle': [
        'segment-subscription-lifecycle.js',
        ['subscription.active', 'subscription.cancelled'],
      ],
      'identify-customer': ['segment-identify-customer.js', ['payment.succeeded']],
    };
    expect(segmentManifest.templates.map((t) => t.id)).toEqual(Object.keys(expected));
    for (const t of segmentManifest.templates) {
      const [file, eventTypes] = expected[t.id]!;
      expect(t.code).toBe(readFileSync(new URL(file, SEED_DIR), 'utf8'));
      expect(t.eventTypes).toEqual(eventTypes);
      expect(t.name).toMatch(/^[A-Z][A-Za-z ]+$/);
      expect(t.description.length).toBeGreaterThan(20);
      for (const eventType of t.eventTypes) expect(ALL_EVENT_TYPES).toContain(eventType);
    }
    expect([...segmentManifest.defaultEventTypes].sort()).toEqual([
      'payment.succeeded',
      'subscription.active',
      'subscription.cancelled',
    ]);
  });

  it('fails to load with a clear error when a template file is missing', async () => {
    vi.resetModules();
    vi.doMock('node:fs', async (importOriginal) => {
      const fs = await importOriginal<typeof import('node:fs')>();
      const readFileSync = ((path: Parameters<typeof fs.readFileSync>[0], options?: unknown) => {
        if (String(path).endsWith('segment-subscription-lifecycle.js')) {
          throw Object.assign(new Error(`ENOENT: no such file or directory, open '${String(path)}'`), {
            code: 'ENOENT',
          });
        }
        return fs.readFileSync(path, options as BufferEncoding);
      }) as typeof fs.readFileSync;
      return { ...fs, default: { ...fs, readFileSync }, readFileSync };
    });
    try {
      await expect(import('./manifest.ts')).rejects.toThrow(
        /segment-subscription-lifecycle\.js cannot be read: ENOENT/,
      );
    } finally {
      vi.doUnmock('node:fs');
      vi.resetModules();
    }
  });
});

describe.each(segmentManifest.templates.map((t) => [t.id, t] as const))('the %s template', (_id, t) => {
  it.each(t.eventTypes)('builds a call that passes the US contract for the %s example', async (eventType) => {
    const built = await templates.run(t.code, webhookFor(eventType));
    expect(built.url).toMatch(/^https:\/\/api\.segment\.io\/v1\/(track|identify)$/);
    expect(checkSegmentRequest(built, US)).toEqual([]);
    // What is sent: with the deterministic messageId, still within the contract.
    const prepared = segment.prepare(built, { messageId: 'msg_1', endpointId: 'ep_1' });
    expect((prepared.payload as { messageId: string }).messageId).toMatch(/^sy-/);
    expect(checkSegmentRequest(prepared, US)).toEqual([]);
  });

  it.each(t.eventTypes)(
    'on an EU endpoint, the %s call is flagged for its US host, naming the EU URL; with the EU host it passes',
    async (eventType) => {
      const built = await templates.run(t.code, webhookFor(eventType));
      const findings = checkSegmentRequest(built, EU);
      expect(findings).toHaveLength(1);
      expect(findings[0]!.field).toBe('url');
      const path = new URL(built.url).pathname;
      expect(findings[0]!.message).toContain(`write https://events.eu1.segmentapis.com${path} instead`);

      const euCode = t.code.replaceAll('https://api.segment.io/', 'https://events.eu1.segmentapis.com/');
      expect(euCode).not.toBe(t.code);
      const euBuilt = await templates.run(euCode, webhookFor(eventType));
      expect(checkSegmentRequest(euBuilt, EU)).toEqual([]);
      expect(checkSegmentRequest(euBuilt, US)).toHaveLength(1);
    },
  );

  it('handles exactly its eventTypes: every other catalog event passes through unchanged', async () => {
    const changed: string[] = [];
    for (const eventType of ALL_EVENT_TYPES) {
      const built = await templates.run(t.code, webhookFor(eventType));
      if (
        built.url !== ENDPOINT_URL ||
        JSON.stringify(built.payload) !== JSON.stringify(exampleOf(eventType))
      ) {
        changed.push(eventType);
      }
    }
    expect(changed).toEqual(t.eventTypes);
  });

  it('never sends a pass-through event to Segment: it is not subscribed, and the contract would stop it', async () => {
    // The sample returns unhandled events unchanged, so the raw Dodo envelope would be POSTed to the endpoint's
    // URL (Segment's Track API), where Segment answers 200 and drops it (no userId, no event). That cannot happen:
    // an endpoint made from this template subscribes to the template's event types, so the other events never
    // reach it; and if a merchant subscribed it to more, the pre-send contract check refuses the envelope.
    const passThrough = ALL_EVENT_TYPES.filter((eventType) => !t.eventTypes.includes(eventType));
    expect(passThrough.length).toBe(ALL_EVENT_TYPES.length - t.eventTypes.length);
    for (const eventType of passThrough) {
      expect(t.eventTypes).not.toContain(eventType);
      const built = await templates.run(t.code, webhookFor(eventType));
      expect(built.payload).toStrictEqual(exampleOf(eventType));
      const found = fields(checkSegmentRequest(built, US));
      expect(found, eventType).toEqual(expect.arrayContaining(['payload.userId', 'payload.event']));
    }
    // Events outside every template are not in the card's defaults either.
    for (const eventType of ALL_EVENT_TYPES) {
      const handledSomewhere = segmentManifest.templates.some((other) =>
        other.eventTypes.includes(eventType),
      );
      expect(segmentManifest.defaultEventTypes.includes(eventType)).toBe(handledSomewhere);
    }
  });
});

describe('checkSegmentRequest', () => {
  const trackUrl = 'https://api.segment.io/v1/track';

  it('accepts a complete call on every endpoint', () => {
    const calls: [string, Record<string, unknown>][] = [
      ['identify', { userId: 'cus_1', traits: { email: 'a@example.com' } }],
      ['track', track],
      ['page', { anonymousId: 'anon_1', name: 'Pricing' }],
      ['screen', { userId: 'cus_1', name: 'Home' }],
      ['group', { userId: 'cus_1', groupId: 'org_1', traits: { name: 'Acme' } }],
      ['alias', { previousId: 'anon_1', userId: 'cus_1' }],
      ['batch', { batch: [{ type: 'track', ...track }], context: { ip: '203.0.113.1' } }],
    ];
    for (const [path, payload] of calls) {
      expect(checkSegmentRequest(request(`https://api.segment.io/v1/${path}`, payload), US), path).toEqual(
        [],
      );
      const eu = request(`https://events.eu1.segmentapis.com/v1/${path}`, payload);
      expect(checkSegmentRequest(eu, EU), path).toEqual([]);
    }
  });

  it('catches a track without event', () => {
    for (const event of [undefined, '', '   ', 42]) {
      const findings = checkSegmentRequest(request(trackUrl, { ...track, event }), US);
      expect(fields(findings), String(event)).toEqual(['payload.event']);
      expect(findings[0]!.message).toMatch(/set payload\.event/);
    }
  });

  it('catches a call without userId or anonymousId', () => {
    const { userId: _user, ...anonymous } = track;
    const findings = checkSegmentRequest(request(trackUrl, anonymous), US);
    expect(fields(findings)).toEqual(['payload.userId']);
    expect(findings[0]!.message).toMatch(/userId or anonymousId/);
    expect(findings[0]!.message).toMatch(/no_user_anon_id/);
    expect(checkSegmentRequest(request(trackUrl, { ...anonymous, anonymousId: 'anon_1' }), US)).toEqual([]);
    expect(fields(checkSegmentRequest(request(trackUrl, { ...track, userId: '' }), US))).toEqual([
      'payload.userId',
    ]);
    expect(fields(checkSegmentRequest(request(trackUrl, { ...track, userId: 12 }), US))).toEqual([
      'payload.userId',
    ]);
    const identify = 'https://api.segment.io/v1/identify';
    expect(fields(checkSegmentRequest(request(identify, { traits: {} }), US))).toEqual(['payload.userId']);
  });

  it('catches group without groupId and alias without previousId or userId', () => {
    const group = 'https://api.segment.io/v1/group';
    expect(fields(checkSegmentRequest(request(group, { userId: 'cus_1' }), US))).toEqual(['payload.groupId']);
    const alias = 'https://api.segment.io/v1/alias';
    expect(fields(checkSegmentRequest(request(alias, { userId: 'cus_1' }), US))).toEqual([
      'payload.previousId',
    ]);
    // An anonymousId does not stand in for alias's userId.
    expect(
      fields(checkSegmentRequest(request(alias, { previousId: 'anon_1', anonymousId: 'anon_2' }), US)),
    ).toEqual(['payload.userId']);
  });

  it('catches a payload over 32 KB, to the byte', () => {
    const sized = (bytes: number) => {
      const base = JSON.stringify({ ...track, properties: { pad: '' } }).length;
      return { ...track, properties: { pad: 'x'.repeat(bytes - base) } };
    };
    expect(JSON.stringify(sized(32 * 1024)).length).toBe(32768);
    expect(checkSegmentRequest(request(trackUrl, sized(32768)), US)).toEqual([]);
    const findings = checkSegmentRequest(request(trackUrl, sized(32769)), US);
    expect(fields(findings)).toEqual(['payload']);
    expect(findings[0]!.message).toMatch(/over 32 KB/);
    // Bytes, not characters: 11,000 three-byte characters are 33,000 bytes.
    expect(fields(checkSegmentRequest(request(trackUrl, { ...track, name: '€'.repeat(11000) }), US))).toEqual(
      ['payload'],
    );
  });

  it("catches a host that is not the region's, naming the URL to write", () => {
    const usOnEu = checkSegmentRequest(request(trackUrl, track), EU);
    expect(fields(usOnEu)).toEqual(['url']);
    expect(usOnEu[0]!.message).toContain('write https://events.eu1.segmentapis.com/v1/track instead');
    const euOnUs = checkSegmentRequest(
      request('https://events.eu1.segmentapis.com/v1/identify', { userId: 'u' }),
      US,
    );
    expect(fields(euOnUs)).toEqual(['url']);
    expect(euOnUs[0]!.message).toContain('write https://api.segment.io/v1/identify instead');
    // The config-API host of one Twilio page is not the ingestion host.
    expect(
      fields(checkSegmentRequest(request('https://eu1.api.segmentapis.com/v1/track', track), EU)),
    ).toEqual(['url']);
    expect(fields(checkSegmentRequest(request('https://merchant.example/hooks', track), US))).toEqual([
      'url',
      'url',
    ]);
  });

  it('catches a wrong path, method, scheme, port or credentials in the URL', () => {
    const wrongPath = checkSegmentRequest(request('https://api.segment.io/v1/tracks', track), US);
    expect(fields(wrongPath)).toEqual(['url']);
    expect(wrongPath[0]!.message).toContain(
      '/v1/identify, /v1/track, /v1/page, /v1/screen, /v1/group, /v1/alias, /v1/batch',
    );
    const legacy = checkSegmentRequest(request('https://api.segment.io/v1/import', { batch: [] }), US);
    expect(legacy[0]!.message).toContain('write https://api.segment.io/v1/batch instead');
    expect(fields(checkSegmentRequest(request('https://api.segment.io/v1/track/', track), US))).toEqual([
      'url',
    ]);
    expect(fields(checkSegmentRequest(request('https://api.segment.io/track', track), US))).toEqual(['url']);
    expect(fields(checkSegmentRequest(request(trackUrl, track, { method: 'PUT' }), US))).toEqual(['method']);
    expect(fields(checkSegmentRequest(request('http://api.segment.io/v1/track', track), US))).toEqual([
      'url',
    ]);
    expect(fields(checkSegmentRequest(request('https://api.segment.io:8443/v1/track', track), US))).toEqual([
      'url',
    ]);
    expect(fields(checkSegmentRequest(request('https://key:@api.segment.io/v1/track', track), US))).toEqual([
      'url',
    ]);
    expect(fields(checkSegmentRequest(request('not a url', track), US))).toEqual(['url']);
  });

  it('wants a JSON object payload, without a Write Key, and no credentials or other content type in headers', () => {
    for (const payload of [null, [track], 'track', 42]) {
      expect(fields(checkSegmentRequest(request(trackUrl, payload), US))).toEqual(['payload']);
    }
    expect(fields(checkSegmentRequest(request(trackUrl, { ...track, writeKey: WRITE_KEY }), US))).toEqual([
      'payload.writeKey',
    ]);
    const headers = { authorization: basic(WRITE_KEY), 'content-type': 'text/plain' };
    expect(fields(checkSegmentRequest(request(trackUrl, track, { headers }), US)).sort()).toEqual([
      'headers.authorization',
      'headers.content-type',
    ]);
    const json = { 'content-type': 'application/json; charset=utf-8' };
    expect(checkSegmentRequest(request(trackUrl, track, { headers: json }), US)).toEqual([]);
  });

  it('wants messageId under 100 characters and ISO 8601 timestamps', () => {
    expect(checkSegmentRequest(request(trackUrl, { ...track, messageId: 'm'.repeat(99) }), US)).toEqual([]);
    expect(
      fields(checkSegmentRequest(request(trackUrl, { ...track, messageId: 'm'.repeat(100) }), US)),
    ).toEqual(['payload.messageId']);
    expect(fields(checkSegmentRequest(request(trackUrl, { ...track, messageId: 7 }), US))).toEqual([
      'payload.messageId',
    ]);
    for (const timestamp of [
      '2025-08-04T05:30:45.182629Z',
      '2025-08-04T05:30:45Z',
      '2025-08-04T05:30:45+02:00',
      '2025-08-04T05:30:45.1-0330',
      '2024-02-29T00:00:00Z',
      '2025-08-04',
    ]) {
      expect(checkSegmentRequest(request(trackUrl, { ...track, timestamp }), US), timestamp).toEqual([]);
    }
    // `2015-2-02…` is from Segment's own batch example, and is not ISO 8601.
    for (const timestamp of [
      '2015-2-02T00:30:08.276Z',
      '2025-02-30T00:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-08-04T24:00:00Z',
      'yesterday',
      'Mon, 04 Aug 2025 05:30:45 GMT',
      1754285445,
      '',
    ]) {
      const findings = checkSegmentRequest(request(trackUrl, { ...track, timestamp }), US);
      expect(fields(findings), String(timestamp)).toEqual(['payload.timestamp']);
    }
    expect(fields(checkSegmentRequest(request(trackUrl, { ...track, properties: 'x' }), US))).toEqual([
      'payload.properties',
    ]);
    const typed = checkSegmentRequest(request(trackUrl, { ...track, type: 'identify' }), US);
    expect(fields(typed)).toEqual(['payload.type']);
    expect(typed[0]!.message).toContain('/v1/identify');
  });

  it('checks a batch: shape, item types, fields per item, 2,500 items, 32 KB per item, 500 KB in all', () => {
    const batchUrl = 'https://api.segment.io/v1/batch';
    const item = { type: 'track', ...track };
    expect(fields(checkSegmentRequest(request(batchUrl, { batch: 'x' }), US))).toEqual(['payload.batch']);
    expect(fields(checkSegmentRequest(request(batchUrl, {}), US))).toEqual(['payload.batch']);
    expect(fields(checkSegmentRequest(request(batchUrl, { batch: [] }), US))).toEqual(['payload.batch']);
    const mixed = {
      batch: [
        item,
        { ...track },
        { type: 'flush', ...track },
        { type: 'track', userId: 'u' },
        { type: 'identify', traits: {} },
        'track',
      ],
    };
    expect(fields(checkSegmentRequest(request(batchUrl, mixed), US))).toEqual([
      'payload.batch[1].type',
      'payload.batch[2].type',
      'payload.batch[3].event',
      'payload.batch[4].userId',
      'payload.batch[5]',
    ]);
    const small = { type: 'track', userId: 'u', event: 'E' };
    expect(checkSegmentRequest(request(batchUrl, { batch: Array(2500).fill(small) }), US)).toEqual([]);
    const overCount = checkSegmentRequest(request(batchUrl, { batch: Array(2501).fill(small) }), US);
    expect(fields(overCount)).toEqual(['payload.batch']);
    expect(overCount[0]!.message).toMatch(/2,500/);

    const big = { ...item, properties: { pad: 'x'.repeat(31 * 1024) } };
    expect(checkSegmentRequest(request(batchUrl, { batch: Array(15).fill(big) }), US)).toEqual([]);
    const overSize = checkSegmentRequest(request(batchUrl, { batch: Array(17).fill(big) }), US);
    expect(fields(overSize)).toEqual(['payload']);
    expect(overSize[0]!.message).toMatch(/500 KB/);
    const huge = { ...item, properties: { pad: 'x'.repeat(33 * 1024) } };
    expect(fields(checkSegmentRequest(request(batchUrl, { batch: [item, huge] }), US))).toEqual([
      'payload.batch[1]',
    ]);
    // Thousands of broken items give a bounded list.
    const broken = checkSegmentRequest(request(batchUrl, { batch: Array(1000).fill({ type: 'track' }) }), US);
    expect(broken.length).toBe(20 * 2 + 1);
    expect(broken.at(-1)!.message).toMatch(/^980 more calls/);
  });

  it('says what to write instead in every finding', () => {
    const all = [
      ...checkSegmentRequest(request('http://merchant.example:81/x', { writeKey: 'k', type: 'x' }), EU),
      ...checkSegmentRequest(
        request(trackUrl, { messageId: '', timestamp: 'x', traits: 1 }, { method: 'PATCH' }),
        US,
      ),
      ...checkSegmentRequest(request('https://api.segment.io/v1/alias', {}), US),
      ...checkSegmentRequest(request('https://api.segment.io/v1/group', { anonymousId: 1 }), US),
      ...checkSegmentRequest(
        request(
          'https://api.segment.io/v1/batch',
          { batch: [{}], context: 1, sentAt: 'x' },
          {
            headers: { authorization: 'x', 'content-type': 'text/csv' },
          },
        ),
        US,
      ),
    ];
    expect(all.length).toBeGreaterThan(15);
    expectActionable(all);
  });
});

describe('prepare', () => {
  const seed = { messageId: 'msg_2Hx', endpointId: 'ep_9Q' };
  const expectedId = (input: string) => `sy-${createHash('sha256').update(input).digest('base64url')}`;

  it('sets a deterministic messageId from the message and the endpoint', () => {
    const original = request(ENDPOINT_URL, { ...track });
    const once = segment.prepare(original, seed);
    const twice = segment.prepare(request(ENDPOINT_URL, { ...track }), { ...seed });
    const id = (once.payload as { messageId: string }).messageId;
    expect(id).toBe(expectedId('msg_2Hx:ep_9Q'));
    expect(id.length).toBeLessThan(100);
    expect(twice).toStrictEqual(once);
    expect(once.payload).toStrictEqual({ ...track, messageId: id });
    // The input is left as it was.
    expect(original.payload).toStrictEqual(track);
    const otherEndpoint = segment.prepare(original, { ...seed, endpointId: 'ep_other' });
    const otherMessage = segment.prepare(original, { ...seed, messageId: 'msg_other' });
    expect((otherEndpoint.payload as { messageId: string }).messageId).not.toBe(id);
    expect((otherMessage.payload as { messageId: string }).messageId).not.toBe(id);
  });

  it('leaves a messageId the code set', () => {
    const own = request(ENDPOINT_URL, { ...track, messageId: 'pay_123-completed' });
    expect(segment.prepare(own, seed)).toStrictEqual(own);
  });

  it('derives one messageId per batch item, by index, keeping the ones set', () => {
    const batch = [
      { type: 'track', ...track },
      { type: 'identify', userId: 'u', messageId: 'mine' },
      { type: 'page', userId: 'u' },
    ];
    const prepared = segment.prepare(request('https://api.segment.io/v1/batch', { batch }), seed);
    const ids = (prepared.payload as { batch: { messageId: string }[] }).batch.map((item) => item.messageId);
    expect(ids).toEqual([expectedId('msg_2Hx:ep_9Q:0'), 'mine', expectedId('msg_2Hx:ep_9Q:2')]);
    expect(batch[0]).not.toHaveProperty('messageId');
    expect(segment.prepare(request('https://api.segment.io/v1/batch', { batch }), seed)).toStrictEqual(
      prepared,
    );
  });

  it('leaves a payload that is not a call alone', () => {
    for (const payload of [null, 'x', [track]]) {
      const untouched = request(ENDPOINT_URL, payload);
      expect(segment.prepare(untouched, seed)).toStrictEqual(untouched);
    }
    const noBatch = request('https://api.segment.io/v1/batch', { batch: 'x' });
    expect(segment.prepare(noBatch, seed)).toStrictEqual(noBatch);
  });
});

describe('authenticate', () => {
  it('sends Basic base64(writeKey + ":"), as the docs show for abc123', () => {
    expect(segment.authenticate({ writeKey: 'abc123' }, US)).toEqual({ authorization: 'Basic YWJjMTIzOg==' });
    expect(segment.authenticate({ writeKey: WRITE_KEY }, EU)).toEqual({ authorization: basic(WRITE_KEY) });
  });

  it('refuses to go without a Write Key', () => {
    expect(() => segment.authenticate({}, US)).toThrow(/no Write Key/);
    expect(() => segment.authenticate({ writeKey: '' }, US)).toThrow(/no Write Key/);
  });
});

describe('classify', () => {
  const answer = (statusCode: number, headers: Record<string, string> = {}, body = ''): VendorResponse => ({
    statusCode,
    headers,
    body,
  });

  it('2xx is success', () => {
    for (const status of [200, 201, 204])
      expect(segment.classify(answer(status))).toEqual({ kind: 'success' });
  });

  it('400 is permanent, never retried (as the SDK)', () => {
    const verdict = segment.classify(answer(400, {}, '{"error":"invalid JSON"}'));
    expect(verdict).toMatchObject({ kind: 'permanent' });
    expect(verdict.kind === 'permanent' && verdict.reason).toMatch(/400.*invalid JSON/);
  });

  it('401 and 403 are permanent: a configuration error', () => {
    for (const status of [401, 403]) {
      const verdict = segment.classify(answer(status));
      expect(verdict.kind).toBe('permanent');
      expect(verdict.kind === 'permanent' && verdict.reason).toMatch(/Write Key/);
    }
  });

  it('429 is retried after Retry-After, else X-RateLimit-Reset, in seconds', () => {
    expect(segment.classify(answer(429, { 'retry-after': '7' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 7000,
    });
    expect(segment.classify(answer(429, { 'Retry-After': '2', 'X-RateLimit-Reset': '9' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 2000,
    });
    expect(segment.classify(answer(429, { 'x-ratelimit-reset': '3' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 3000,
    });
    expect(segment.classify(answer(429))).toEqual({ kind: 'retry' });
    expect(segment.classify(answer(429, { 'retry-after': 'soon' }))).toEqual({ kind: 'retry' });
    const now = Date.parse('2025-08-04T05:30:00Z');
    expect(
      classifySegmentResponse(answer(429, { 'retry-after': 'Mon, 04 Aug 2025 05:30:30 GMT' }), now),
    ).toEqual({ kind: 'retry', retryAfterMs: 30_000 });
    expect(
      classifySegmentResponse(answer(429, { 'x-ratelimit-reset': String(now / 1000 + 12) }), now),
    ).toEqual({
      kind: 'retry',
      retryAfterMs: 12_000,
    });
  });

  it('5xx and the other 4xx are retried', () => {
    for (const status of [500, 501, 502, 503, 504, 404, 408, 409, 413, 422]) {
      expect(segment.classify(answer(status)), String(status)).toEqual({ kind: 'retry' });
    }
    expect(segment.classify(answer(503, { 'retry-after': '5' }))).toEqual({
      kind: 'retry',
      retryAfterMs: 5000,
    });
  });
});

describe('the Segment fake', () => {
  let fake: SegmentFake;

  beforeEach(async () => {
    fake = await startSegmentFake({ writeKeys: [WRITE_KEY] });
  });

  afterEach(async () => {
    await fake.close();
  });

  async function post(
    path: string,
    body: unknown,
    options: { headers?: Record<string, string>; raw?: string | Buffer; writeKey?: string | null } = {},
  ) {
    const writeKey = options.writeKey === undefined ? WRITE_KEY : options.writeKey;
    const response = await fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(writeKey === null ? {} : { authorization: basic(writeKey) }),
        ...options.headers,
      },
      body: options.raw ?? JSON.stringify(body),
    });
    return {
      statusCode: response.status,
      headers: Object.fromEntries(response.headers),
      body: await response.text(),
    };
  }

  function sdk(writeKey: string, extra: Partial<ConstructorParameters<typeof Analytics>[0]> = {}) {
    const analytics = new Analytics({ writeKey, host: fake.url, flushAt: 1, maxRetries: 0, ...extra });
    const statuses: number[] = [];
    analytics.on('http_response', (response) => statuses.push(response.status));
    return { analytics, statuses };
  }

  it('takes the official SDK’s track and identify, with Basic auth, on /v1/batch', async () => {
    const { analytics, statuses } = sdk(WRITE_KEY);
    analytics.track({ userId: 'cus_1', event: 'Payment Completed', properties: { amount: '29.99' } });
    analytics.identify({ userId: 'cus_1', traits: { email: 'ada@example.com' } });
    await analytics.closeAndFlush();

    expect(statuses).toEqual([200, 200]);
    expect(fake.rejected).toEqual([]);
    expect(fake.dropped).toEqual([]);
    expect(fake.received.map((call) => call.type).sort()).toEqual(['identify', 'track']);
    for (const call of fake.received) {
      expect(call.path).toBe('/v1/batch');
      expect(call.writeKey).toBe(WRITE_KEY);
      expect(call.auth).toBe('basic');
      expect(call.headers.authorization).toBe(basic(WRITE_KEY));
      expect(call.headers['content-type']).toBe('application/json');
      expect(call.headers['user-agent']).toBe('analytics-node-next/latest');
      expect(call.message.userId).toBe('cus_1');
      expect(String(call.message.messageId).length).toBeLessThan(100);
      expect(Array.isArray(call.body.batch)).toBe(true);
    }
    const trackCall = fake.received.find((call) => call.type === 'track')!;
    expect(trackCall.message).toMatchObject({ event: 'Payment Completed', properties: { amount: '29.99' } });
  });

  it('answers a wrong Write Key with 401, which the SDK does not retry and classify calls permanent', async () => {
    const { analytics, statuses } = sdk('wrongKey0000000000000000000000000', { maxRetries: 3 });
    analytics.track({ userId: 'cus_1', event: 'Payment Completed' });
    await analytics.closeAndFlush();
    expect(statuses).toEqual([401]);
    expect(fake.received).toEqual([]);
    expect(fake.rejected).toEqual([
      { method: 'POST', path: '/v1/batch', statusCode: 401, reason: 'unknown Write Key' },
    ]);
    const raw = await post('/v1/track', track, { writeKey: 'wrongKey0000000000000000000000000' });
    expect(raw.statusCode).toBe(401);
    expect(segment.classify(raw).kind).toBe('permanent');
  });

  it('answers a track without event, or a call without ids, 200 — and drops it', async () => {
    const { event: _event, ...noEvent } = track;
    const missingEvent = await post('/v1/track', noEvent);
    expect(missingEvent.statusCode).toBe(200);
    expect(JSON.parse(missingEvent.body)).toEqual({ success: true });
    const { userId: _user, ...noIds } = track;
    expect((await post('/v1/track', noIds)).statusCode).toBe(200);
    expect((await post('/v1/identify', { traits: { plan: 'pro' } })).statusCode).toBe(200);
    expect((await post('/v1/group', { userId: 'u' })).statusCode).toBe(200);
    expect((await post('/v1/alias', { userId: 'u' })).statusCode).toBe(200);
    expect(fake.received).toEqual([]);
    expect(fake.dropped.map((call) => call.reason)).toEqual([
      'a track call without event is not accepted',
      'no_user_anon_id: the call has neither userId nor anonymousId',
      'no_user_anon_id: the call has neither userId nor anonymousId',
      'a group call without groupId',
      'an alias call without previousId',
    ]);
    // Segment's "success" means nothing here: classify counts it a success, so only the pre-send check stops it.
    expect(segment.classify(missingEvent)).toEqual({ kind: 'success' });
    expect(fields(checkSegmentRequest(request('https://api.segment.io/v1/track', noEvent), US))).toEqual([
      'payload.event',
    ]);
  });

  it('answers 400 to a call over 32 KB and to a batch over 500 KB or with a call over 32 KB', async () => {
    const base = JSON.stringify({ ...track, properties: { pad: '' } }).length;
    const sized = (bytes: number) => ({ ...track, properties: { pad: 'x'.repeat(bytes - base) } });
    expect((await post('/v1/track', sized(32768))).statusCode).toBe(200);
    const overCall = await post('/v1/track', sized(32769));
    expect(overCall.statusCode).toBe(400);
    expect(segment.classify(overCall).kind).toBe('permanent');

    const big = { type: 'track', ...track, properties: { pad: 'x'.repeat(31 * 1024) } };
    expect((await post('/v1/batch', { batch: Array(15).fill(big) })).statusCode).toBe(200);
    expect((await post('/v1/batch', { batch: Array(17).fill(big) })).statusCode).toBe(400);
    const huge = { type: 'track', ...track, properties: { pad: 'x'.repeat(33 * 1024) } };
    expect((await post('/v1/batch', { batch: [{ type: 'track', ...track }, huge] })).statusCode).toBe(400);

    expect(fake.received).toHaveLength(1 + 15);
    expect(fake.rejected.map((rejection) => [rejection.path, rejection.statusCode])).toEqual([
      ['/v1/track', 400],
      ['/v1/batch', 400],
      ['/v1/batch', 400],
    ]);
  });

  it('answers 400 to invalid JSON, a non-object body or a non-JSON content type; 404 to an unknown path', async () => {
    expect((await post('/v1/track', null, { raw: '{"userId": "u", "event": ' })).statusCode).toBe(400);
    expect((await post('/v1/track', null, { raw: Buffer.from([0x7b, 0xff, 0x7d]) })).statusCode).toBe(400);
    expect((await post('/v1/track', [track])).statusCode).toBe(400);
    expect((await post('/v1/track', track, { headers: { 'content-type': 'text/plain' } })).statusCode).toBe(
      400,
    );
    expect((await post('/v1/batch', { batch: { type: 'track' } })).statusCode).toBe(400);
    expect((await post('/v1/tracks', track)).statusCode).toBe(404);
    expect((await post('/track', track)).statusCode).toBe(404);
    const get = await fetch(`${fake.url}/v1/track`);
    expect(get.status).toBe(405);
    expect(fake.received).toEqual([]);
    expect(fake.rejected.map((rejection) => rejection.statusCode)).toEqual([
      400, 400, 400, 400, 400, 404, 404, 405,
    ]);
  });

  it('authenticates by Basic with the colon, or by writeKey in the body; nothing else', async () => {
    expect((await post('/v1/track', { ...track, writeKey: WRITE_KEY }, { writeKey: null })).statusCode).toBe(
      200,
    );
    expect(fake.received[0]).toMatchObject({ auth: 'body', writeKey: WRITE_KEY });
    expect(fake.received[0]!.message).not.toHaveProperty('writeKey');
    const noColon = `Basic ${Buffer.from(WRITE_KEY).toString('base64')}`;
    const withPassword = `Basic ${Buffer.from(`${WRITE_KEY}:secret`).toString('base64')}`;
    for (const authorization of [noColon, withPassword, `Bearer ${WRITE_KEY}`]) {
      expect((await post('/v1/track', track, { headers: { authorization } })).statusCode, authorization).toBe(
        401,
      );
    }
    expect((await post('/v1/track', track, { writeKey: null })).statusCode).toBe(401);
    expect((await post('/v1/track', { ...track, writeKey: 'other' })).statusCode).toBe(401);
    expect(fake.received).toHaveLength(1);
  });

  it('merges a batch’s context and integrations into its calls; /v1/import is batch; over 2,500 calls are dropped', async () => {
    const body = {
      batch: [
        { type: 'track', ...track, context: { locale: 'it-IT' } },
        { type: 'identify', userId: 'cus_1' },
        { type: 'flush', userId: 'cus_1' },
      ],
      context: { ip: '203.0.113.1', locale: 'en-US' },
      integrations: { All: true },
    };
    expect((await post('/v1/batch', body)).statusCode).toBe(200);
    expect(fake.received.map((call) => call.message)).toEqual([
      {
        type: 'track',
        ...track,
        context: { ip: '203.0.113.1', locale: 'it-IT' },
        integrations: { All: true },
      },
      {
        type: 'identify',
        userId: 'cus_1',
        context: { ip: '203.0.113.1', locale: 'en-US' },
        integrations: { All: true },
      },
    ]);
    expect(fake.dropped.map((call) => call.reason)).toEqual(['a batch item without a valid type']);

    expect((await post('/v1/import', { batch: [{ type: 'page', userId: 'u' }] })).statusCode).toBe(200);
    expect(fake.received.at(-1)).toMatchObject({ path: '/v1/import', type: 'page' });

    const small = { type: 'track', userId: 'u', event: 'E' };
    const overCount = await post('/v1/batch', { batch: Array(2501).fill(small) });
    expect(overCount.statusCode).toBe(200);
    expect(fake.received).toHaveLength(3);
    expect(fake.dropped).toHaveLength(1 + 2501);
  });

  it('rate limits with 429, Retry-After and X-RateLimit-Reset; the SDK waits and gets through', async () => {
    const limited = await startSegmentFake({ writeKeys: [WRITE_KEY], rateLimitPerSecond: 2 });
    try {
      const send = () =>
        fetch(`${limited.url}/v1/track`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: basic(WRITE_KEY) },
          body: JSON.stringify(track),
        });
      const answers = [await send(), await send(), await send()];
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429]);
      const throttled = answers[2]!;
      expect(throttled.headers.get('retry-after')).toBe('1');
      expect(throttled.headers.get('x-ratelimit-reset')).toBe('1');
      const verdict = segment.classify({
        statusCode: 429,
        headers: Object.fromEntries(throttled.headers),
        body: await throttled.text(),
      });
      expect(verdict).toEqual({ kind: 'retry', retryAfterMs: 1000 });
      expect(limited.received).toHaveLength(2);

      // The official SDK honours Retry-After: the throttled batch goes through on its own after a second.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const analytics = new Analytics({ writeKey: WRITE_KEY, host: limited.url, flushAt: 1, maxRetries: 0 });
      const statuses: number[] = [];
      analytics.on('http_response', (response) => statuses.push(response.status));
      for (let index = 0; index < 3; index += 1) analytics.track({ userId: 'u', event: `E${index}` });
      await analytics.closeAndFlush({ timeout: 10_000 });
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(1);
      expect(statuses.filter((status) => status === 200)).toHaveLength(3);
      expect(
        limited.received
          .slice(2)
          .map((call) => call.message.event)
          .sort(),
      ).toEqual(['E0', 'E1', 'E2']);
    } finally {
      await limited.close();
    }
  });

  it('takes every template’s prepared call as sent at delivery, and drops the pass-through envelope', async () => {
    for (const t of segmentManifest.templates) {
      for (const eventType of t.eventTypes) {
        const built = await templates.run(t.code, webhookFor(eventType));
        const prepared = segment.prepare(built, { messageId: `msg_${eventType}`, endpointId: 'ep_1' });
        expect(checkSegmentRequest(prepared, US)).toEqual([]);
        const path = new URL(prepared.url).pathname;
        const answer = await post(path, prepared.payload, {
          writeKey: null,
          headers: segment.authenticate({ writeKey: WRITE_KEY }, US),
        });
        expect(answer.statusCode, `${t.id} ${eventType}`).toBe(200);
        expect(fake.received.at(-1)!.message).toStrictEqual(prepared.payload);
      }
    }
    expect(fake.received).toHaveLength(4);
    expect(fake.dropped).toEqual([]);

    // What the check stops: the raw envelope on the Track API is a 200 that Segment drops.
    const passThrough = await templates.run(template('track-payment').code, webhookFor('refund.succeeded'));
    expect((await post('/v1/track', passThrough.payload)).statusCode).toBe(200);
    expect(fake.received).toHaveLength(4);
    expect(fake.dropped).toHaveLength(1);
  });

  it('agrees with the contract check: what the check passes the fake keeps, what it flags the fake refuses', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['/v1/track', track],
      ['/v1/track', { ...track, event: '' }],
      ['/v1/track', { ...track, userId: ' ' }],
      ['/v1/track', { ...track, userId: undefined, anonymousId: 'anon_1' }],
      ['/v1/track', { ...track, messageId: 'm'.repeat(100) }],
      ['/v1/track', { ...track, timestamp: '2015-2-02T00:30:08.276Z' }],
      ['/v1/track', { ...track, properties: [1, 2] }],
      ['/v1/track', { ...track, type: 'identify' }],
      ['/v1/identify', { userId: 'u', traits: {} }],
      ['/v1/page', { anonymousId: 'a' }],
      ['/v1/screen', {}],
      ['/v1/group', { userId: 'u', groupId: 'g' }],
      ['/v1/group', { userId: 'u', groupId: '' }],
      ['/v1/alias', { previousId: 'a', userId: 'u' }],
      ['/v1/alias', { previousId: 'a', anonymousId: 'u' }],
      [
        '/v1/batch',
        {
          batch: [
            { type: 'track', ...track },
            { type: 'alias', previousId: 'a', userId: 'u' },
          ],
        },
      ],
      ['/v1/batch', { batch: [{ type: 'track', ...track }, { type: 'screen' }] }],
      ['/v1/batch', { batch: [{ type: 'track', ...track, timestamp: 'now' }] }],
    ];
    for (const [path, payload] of cases) {
      const label = `${path} ${JSON.stringify(payload)}`;
      const findings = checkSegmentRequest(request(`https://api.segment.io${path}`, payload), US);
      const before = { received: fake.received.length, dropped: fake.dropped.length };
      const answer = await post(path, payload);
      const items = path === '/v1/batch' ? (payload.batch as unknown[]).length : 1;
      if (findings.length === 0) {
        expect(answer.statusCode, label).toBe(200);
        expect(fake.received.length - before.received, label).toBe(items);
      } else {
        const refused = answer.statusCode !== 200 || fake.dropped.length > before.dropped;
        expect(refused, label).toBe(true);
      }
    }
  });
});
