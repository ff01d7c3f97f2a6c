import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import { type Api, createApi } from '../api/index.ts';
import { eventCatalog } from '../catalog/index.ts';
import type { Config } from '../config/index.ts';
import { createStore, type DatabaseHandle, openDatabase, type Store } from '../db/index.ts';
import { createMetrics, instrumentSandbox } from '../metrics/index.ts';
import { oauthClientsFromConfig } from '../oauth/index.ts';
import type { Sandbox } from '../sandbox/index.ts';
import { createSecretBox } from '../secrets/index.ts';
import { createDashboardHandler } from '../web/dashboard-handler.ts';
import { WEB_DIST_DIR } from '../web/dist-dir.ts';
import { operationalEventTypes } from './operational-webhooks.ts';
import { ensureOperatorToken, type OperatorTokenSource } from './operator-token.ts';
import { resolveSecretKey } from './secret-key.ts';
import { createConfiguredSandbox, type RunningWorker, startWorker } from './start-worker.ts';

/** Bumped whenever the catalog changes, so that new event types are loaded on the next start. */
export const CATALOG_VERSION = 'dodo-2.52.0-2';

const MAX_HEADER_BYTES = 16 * 1024;
const HOUR_MS = 3_600_000;

export interface RunningServer {
  url: string;
  /** The HTTP API it serves (its routes, its OpenAPI document). */
  api: Api;
  sandbox: Sandbox;
  worker: RunningWorker | undefined;
  store: Store;
  database: DatabaseHandle;
  operatorToken: OperatorTokenSource;
  close(): Promise<void>;
}

function toCatalogInput() {
  const platform = eventCatalog.map((e) => ({
    name: e.name,
    description: e.description,
    groupName: e.groupName,
    schemas: { '1': e.schema },
  }));
  return [...platform, ...operationalEventTypes];
}

/** Opens the configured database with the secret box: what both the server and a lone worker start from. */
export async function openStore(config: Config): Promise<{ store: Store; database: DatabaseHandle }> {
  const secretKey = await resolveSecretKey(config.SWITCHYARD_SECRET_KEY, config.SWITCHYARD_DATA_DIR);
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.SWITCHYARD_DATA_DIR,
    poolSize: config.SWITCHYARD_DB_POOL_SIZE,
  });
  return { store: createStore(database, createSecretBox(secretKey)), database };
}

/** The metrics of one Switchyard process, read from its store and its database connection. */
export function createProcessMetrics(store: Store, database: DatabaseHandle) {
  return createMetrics({
    statements: () => database.statements.count,
    connections: () => database.connections(),
    queueDepth: () => store.deliveryQueue.depth(),
  });
}

/**
 * Starts Switchyard in one process: database and migrations, the catalog, the operator token, and the
 * HTTP API. Resolves once it is listening.
 */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const { store, database } = await openStore(config);
  const loaded = await store.eventTypes.loadCatalog(CATALOG_VERSION, toCatalogInput());
  if (loaded) logger.info({ eventTypes: loaded }, 'event catalog loaded');
  const operatorToken = await ensureOperatorToken(
    store,
    config.SWITCHYARD_ADMIN_TOKEN,
    config.SWITCHYARD_DATA_DIR,
  );
  const metrics = createProcessMetrics(store, database);
  const sandbox = instrumentSandbox(createConfiguredSandbox(config), metrics);
  const worker = config.SWITCHYARD_WORKER
    ? await startWorker(config, store, database, logger, sandbox, metrics)
    : undefined;

  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  // The API is built once the port is known (PORT=0 picks a free one), since app-portal links name it.
  let api: Api | undefined;
  let url = '';
  const dashboard = createDashboardHandler(WEB_DIST_DIR);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      {
        fetch: async (request, env) => (await dashboard(request)) ?? api!.fetch(request, env),
        hostname: config.HOST,
        port: config.PORT,
        serverOptions: {
          maxHeaderSize: MAX_HEADER_BYTES,
          // Slow clients (slow-loris: headers a byte at a time, bodies never finished) are cut off, so that
          // they cannot hold sockets and memory; Node checks on every connection at this interval.
          headersTimeout: Math.min(
            config.SWITCHYARD_HEADERS_TIMEOUT_MS,
            config.SWITCHYARD_REQUEST_TIMEOUT_MS,
          ),
          requestTimeout: config.SWITCHYARD_REQUEST_TIMEOUT_MS,
          connectionsCheckingInterval: Math.min(1_000, config.SWITCHYARD_HEADERS_TIMEOUT_MS),
        },
      },
      (info) => {
        url = `http://${host}:${info.port}`;
        api = createApi({
          store,
          logger,
          adminToken: config.SWITCHYARD_ADMIN_TOKEN,
          publicUrl: config.SWITCHYARD_PUBLIC_URL ?? url,
          maxBodyBytes: config.SWITCHYARD_MAX_BODY_BYTES,
          payloadRetentionDays: config.SWITCHYARD_RETENTION_DAYS,
          metrics,
          metricsToken: config.SWITCHYARD_METRICS_TOKEN,
          validateResponses: config.SWITCHYARD_VALIDATE_RESPONSES,
          sandbox,
          oauth: oauthClientsFromConfig(config),
        });
        resolve(s);
      },
    );
    s.once('error', reject);
  });
  // Node answers oversized or malformed requests before Hono sees them; give them a problem body too.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const { status, title, type, code, detail } =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? {
            status: 431,
            title: 'Request Header Fields Too Large',
            type: 'headers_too_large',
            code: 'headers_too_large',
            detail: `Request headers must total at most ${MAX_HEADER_BYTES} bytes`,
          }
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? {
              status: 408,
              title: 'Request Timeout',
              type: 'request_timeout',
              code: 'request_timeout',
              detail: 'The request was not received in time',
            }
          : {
              status: 400,
              title: 'Bad Request',
              type: 'bad_request',
              code: 'generic_error',
              detail: 'Malformed HTTP request',
            };
    const body = JSON.stringify({
      type: `https://switchyard.dev/problems/${type}`,
      title,
      status,
      code,
      detail,
    });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\n` +
        `content-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  const purge = setInterval(() => {
    store.idempotency.purgeExpired().catch((err) => logger.warn({ err }, 'idempotency key purge failed'));
  }, HOUR_MS);
  purge.unref();

  return {
    url,
    api: api!,
    sandbox,
    worker,
    store,
    database,
    operatorToken,
    async close() {
      clearInterval(purge);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker?.stop();
      await sandbox.close();
      await database.close();
    },
  };
}
