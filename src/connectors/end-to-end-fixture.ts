import { type MessageAttemptOut, type MessageOut, Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../catalog/index.ts';
import type { TransformedRequest } from '../sandbox/index.ts';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';
import type { ConnectorManifest, ConnectorTemplate } from './connector.ts';
import { exampleWebhook } from './example-webhook.ts';
import { findConnector } from './registry.ts';

/**
 * The end-to-end test of a card, one per connector: a real Switchyard on each test driver (PGlite, and
 * PostgreSQL when configured), the vendor's fake standing in for its hosts, endpoints made from the card through
 * the API, and messages delivered through the whole pipeline. A connector's `end-to-end.test.ts` keeps only what
 * is its own: the fake and its credentials, the events, and what the fake must have received.
 */

/** Long enough for an attempt and its retries (the schedule is 1 s, 1 s) on a loaded machine. */
const DELIVERY_TIMEOUT_MS = 10_000;

export interface EndToEndSetup<F extends { close(): Promise<void> }> {
  /** The card's id. */
  connector: string;
  /** Starts the vendor's fake (or fakes, as one). */
  start(): Promise<F>;
  /** Each vendor host and the fake that stands in for it. */
  hosts(fake: F): Record<string, string>;
  /** What the card is made with unless a test gives others. */
  credentials?: Record<string, string>;
  /** The URL pasted on the card (URL-secret and own-API cards) unless a test gives another. */
  url?: string;
}

export interface CardSettings {
  credentials?: Record<string, string>;
  url?: string;
  /** The endpoint's signing secret. */
  secret?: string;
}

export interface CardEndpoint {
  appId: string;
  endpoint: Record<string, unknown> & { id: string };
}

/** The template run as plain JavaScript: the reference for what the vendor must receive. */
export type PlainRun = TransformedRequest;

/** A message delivered to an endpoint made from the card. */
export interface Delivery extends CardEndpoint {
  message: MessageOut;
}

export type DeliveryCheck<R> = (record: R, expected: PlainRun, delivery: Delivery) => void | Promise<void>;

export interface DeliveredCard extends CardEndpoint {
  template: ConnectorTemplate;
  /** The URL the endpoint was made with, when it is not the setup's. */
  url?: string;
  /** The events to send; the template's by default. */
  eventTypes?: readonly string[];
}

/** A card the vendor refuses: what the first attempt gets and shows. */
export interface RefusedCard extends CardSettings {
  template: string;
  statusCode: number;
  /** Text (or a pattern) the attempt's response shows. */
  response: string | RegExp;
  /** The refusal is final: the message fails after this one attempt. */
  final?: boolean;
}

export interface EndToEnd<F> {
  readonly fake: F;
  readonly server: TestServer;
  readonly svix: Svix;
  readonly manifest: ConnectorManifest;
  /** The operator's headers, for the API calls the Svix SDK does not make. */
  operatorHeaders(): Record<string, string>;
  /** Creates an app and an endpoint from the card with `template`, expecting 201. */
  createCardEndpoint(template: string, settings?: CardSettings): Promise<CardEndpoint>;
  /**
   * The endpoint was made from `template`: it subscribes to the template's event types, in the card's default
   * region, and shows no secret credential (the others as entered).
   */
  expectMadeFrom(
    endpoint: CardEndpoint['endpoint'],
    template: ConnectorTemplate,
    credentials: Record<string, string>,
  ): void;
  /** A card without credentials is refused with 422, naming the credential `field`. */
  expectCredentialRequired(template: string, field: string): Promise<void>;
  /** Posts the event catalog's example of `eventType`. */
  send(appId: string, eventType?: string): Promise<MessageOut>;
  /** The message's attempts, with the vendor's responses. */
  attempts(appId: string, messageId: string): Promise<MessageAttemptOut[]>;
  /** Waits for the message's first attempt (with `statusCode`, when given) and returns it. */
  firstAttempt(appId: string, messageId: string, statusCode?: number): Promise<MessageAttemptOut>;
  /** Waits until the message's status at its endpoint is `status`: 0 delivered, 2 failed. */
  expectStatus(appId: string, messageId: string, status: 0 | 2): Promise<void>;
  /** Waits until the message has failed for good after one attempt: not retried. */
  expectFailedOnce(appId: string, messageId: string): Promise<void>;
  /** Waits until the message's attempts got exactly these status codes, in any order. */
  expectAttemptCodes(appId: string, messageId: string, codes: number[]): Promise<void>;
  /**
   * For each event type, posts its example, waits for one more record in `records()`, gives `check` the
   * record and the template run as plain JavaScript, and waits until the message is delivered.
   */
  expectDelivered<R>(
    card: DeliveredCard,
    records: () => readonly R[],
    check: DeliveryCheck<R>,
  ): Promise<void>;
  /**
   * One test per template of the card: an endpoint made from it with the setup's credentials passes
   * `expectMadeFrom`, and its events arrive as `expectDelivered` checks them.
   */
  itDeliversEachTemplate<R>(
    title: string,
    records: () => readonly R[],
    check: DeliveryCheck<R>,
    options?: { url?: string },
  ): void;
  /** A test that a message to an endpoint made from `card` gets the vendor's refusal, shown on the attempt. */
  itIsRefused(title: string, card: RefusedCard): void;
}

/** What the fake recorded is the request the template built: path, method when recorded, body, `headers`. */
export function expectSentAsBuilt(
  record: { path: string; method?: string; body: unknown; headers: Record<string, string> },
  expected: PlainRun,
  headers: Record<string, string | undefined>,
): void {
  expect(record.path).toBe(new URL(expected.url).pathname);
  if (record.method !== undefined) expect(record.method).toBe(expected.method);
  expect(record.body).toEqual(expected.payload);
  for (const [name, value] of Object.entries(headers)) expect(record.headers[name], name).toBe(value);
}

function runPlainJs(code: string, eventType: string, url: string): PlainRun {
  return new Function(`${code}\nreturn handler;`)()(exampleWebhook(eventType, url));
}

export function describeEndToEnd<F extends { close(): Promise<void> }>(
  title: string,
  setup: EndToEndSetup<F>,
  tests: (e2e: EndToEnd<F>) => void,
): void {
  const connector = findConnector(setup.connector);
  if (!connector) throw new Error(`no connector ${setup.connector}`);
  const { manifest } = connector;
  const region = manifest.regions[0]!;

  describe.each(testServerDrivers())(`${title} on %s`, (driver) => {
    let fake: F;
    let server: TestServer;
    let svix: Svix;

    beforeAll(async () => {
      fake = await setup.start();
      server = await startTestServer(driver, {
        SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
        SWITCHYARD_RETRY_SCHEDULE: '1,1',
        SWITCHYARD_DESTINATION_OVERRIDES: Object.entries(setup.hosts(fake))
          .map(([host, url]) => `${host}=${url}`)
          .join(','),
      });
      svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
    });
    afterAll(async () => {
      await server?.close();
      await fake?.close();
    });

    const operatorHeaders = () => ({
      authorization: `Bearer ${server.operatorTokenValue}`,
      'content-type': 'application/json',
    });

    const postCard = async (appId: string, card: Record<string, unknown>) =>
      fetch(`${server.url}/api/v1/app/${appId}/endpoint`, {
        method: 'POST',
        headers: operatorHeaders(),
        body: JSON.stringify(card),
      });

    async function createCardEndpoint(template: string, settings: CardSettings = {}): Promise<CardEndpoint> {
      const app = await svix.application.create({ name: `${manifest.name} ${template}` });
      const url = settings.url ?? setup.url;
      const res = await postCard(app.id, {
        ...(url === undefined ? {} : { url }),
        ...(settings.secret === undefined ? {} : { secret: settings.secret }),
        connector: {
          id: manifest.id,
          template,
          credentials: settings.credentials ?? setup.credentials ?? {},
        },
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return { appId: app.id, endpoint: (await res.json()) as CardEndpoint['endpoint'] };
    }

    function expectMadeFrom(
      endpoint: CardEndpoint['endpoint'],
      template: ConnectorTemplate,
      credentials: Record<string, string>,
    ) {
      expect(endpoint.eventTypes).toEqual(template.eventTypes);
      expect(endpoint.connector).toMatchObject({ id: manifest.id, template: template.id, region: region.id });
      const shown = (endpoint.connector as { credentials: Record<string, string> }).credentials;
      for (const field of manifest.credentials.filter((f) => credentials[f.id])) {
        // A secret never comes back, not even inside another field; the rest (a Site ID) shows as entered.
        if (field.secret) expect(JSON.stringify(endpoint)).not.toContain(credentials[field.id]);
        else expect(shown[field.id]).toBe(credentials[field.id]);
      }
    }

    async function expectCredentialRequired(template: string, field: string) {
      const app = await svix.application.create({ name: `${manifest.name} without credentials` });
      const res = await postCard(app.id, { connector: { id: manifest.id, template, credentials: {} } });
      expect(res.status).toBe(422);
      const problem = (await res.json()) as { detail: { loc: string[] }[] };
      expect(problem.detail[0]!.loc).toEqual(['body', 'connector', 'credentials', field]);
    }

    const send = (appId: string, eventType = 'payment.succeeded') =>
      svix.message.create(appId, { eventType, payload: findEventType(eventType)!.example });

    const attempts = async (appId: string, messageId: string) =>
      (await svix.messageAttempt.listByMsg(appId, messageId, { withContent: true })).data;

    async function firstAttempt(appId: string, messageId: string, statusCode?: number) {
      await expect
        .poll(async () => (await attempts(appId, messageId))[0]?.responseStatusCode, {
          timeout: DELIVERY_TIMEOUT_MS,
        })
        .toSatisfy((code) => code !== undefined && (statusCode === undefined || code === statusCode));
      return (await attempts(appId, messageId))[0]!;
    }

    async function expectStatus(appId: string, messageId: string, status: 0 | 2) {
      await expect
        .poll(
          async () => (await svix.messageAttempt.listAttemptedDestinations(appId, messageId)).data[0]?.status,
          { timeout: DELIVERY_TIMEOUT_MS },
        )
        .toBe(status);
    }

    async function expectFailedOnce(appId: string, messageId: string) {
      await expectStatus(appId, messageId, 2);
      expect(await attempts(appId, messageId)).toHaveLength(1);
    }

    async function expectAttemptCodes(appId: string, messageId: string, codes: number[]) {
      await expect
        .poll(async () => (await attempts(appId, messageId)).map((a) => a.responseStatusCode).sort(), {
          timeout: DELIVERY_TIMEOUT_MS,
        })
        .toEqual([...codes].sort());
    }

    async function expectDelivered<R>(
      card: DeliveredCard,
      records: () => readonly R[],
      check: DeliveryCheck<R>,
    ) {
      // Without a pasted URL, the template gets the vendor's first host.
      const url = card.url ?? setup.url ?? `https://${region.hosts[0]}/`;
      for (const eventType of card.eventTypes ?? card.template.eventTypes) {
        const before = records().length;
        const message = await send(card.appId, eventType);
        await expect.poll(() => records().length, { timeout: DELIVERY_TIMEOUT_MS }).toBe(before + 1);
        const expected = runPlainJs(card.template.code, eventType, url);
        await check(records().at(-1)!, expected, { appId: card.appId, endpoint: card.endpoint, message });
        await expectStatus(card.appId, message.id, 0);
      }
    }

    function itDeliversEachTemplate<R>(
      testTitle: string,
      records: () => readonly R[],
      check: DeliveryCheck<R>,
      options: { url?: string } = {},
    ) {
      it.each(manifest.templates.map((t) => [t.id, t] as const))(testTitle, async (_id, template) => {
        const card = await createCardEndpoint(template.id, { url: options.url });
        expectMadeFrom(card.endpoint, template, setup.credentials ?? {});
        await expectDelivered({ ...card, template, url: options.url }, records, check);
      });
    }

    function itIsRefused(
      testTitle: string,
      { template, statusCode, response, final, ...settings }: RefusedCard,
    ) {
      it(testTitle, async () => {
        const { appId } = await createCardEndpoint(template, settings);
        const message = await send(appId);
        expect((await firstAttempt(appId, message.id, statusCode)).response).toMatch(response);
        if (final) await expectFailedOnce(appId, message.id);
      });
    }

    tests({
      get fake() {
        return fake;
      },
      get server() {
        return server;
      },
      get svix() {
        return svix;
      },
      manifest,
      operatorHeaders,
      createCardEndpoint,
      expectMadeFrom,
      expectCredentialRequired,
      send,
      attempts,
      firstAttempt,
      expectStatus,
      expectFailedOnce,
      expectAttemptCodes,
      expectDelivered,
      itDeliversEachTemplate,
      itIsRefused,
    });
  });
}
