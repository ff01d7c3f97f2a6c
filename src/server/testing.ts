import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { loadConfig } from '../config/index.ts';
import { createPostgresTestDatabase, postgresTestUrl } from '../db/testing.ts';
import { type RunningServer, startServer } from './start-server.ts';

export const TEST_OPERATOR_TOKEN = 'sy_admin_test_operator_token_0123456789';

export interface TestServer extends RunningServer {
  operatorTokenValue: string;
  /** Creates an app through the store and returns an app-portal token for it. */
  createAppWithToken(name?: string): Promise<{ appId: string; token: string }>;
}

/**
 * Starts a real Switchyard on a free loopback port, on a fresh PGlite (in a temporary data directory)
 * or a fresh PostgreSQL database, for tests that talk HTTP to it.
 * @param logger receives the logs (a test that reads them); silent by default
 */
export async function startTestServer(
  driver: 'pglite' | 'postgres',
  env: Record<string, string> = {},
  logger?: Logger,
): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-test-'));
  const database = driver === 'postgres' ? await createPostgresTestDatabase() : undefined;
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_ADMIN_TOKEN: TEST_OPERATOR_TOKEN,
    LOG_LEVEL: 'silent',
    // Every HTTP suite doubles as a check that the API answers as its OpenAPI document says.
    SWITCHYARD_VALIDATE_RESPONSES: 'true',
    ...(database ? { DATABASE_URL: database.url, SWITCHYARD_DB_POOL_SIZE: '4' } : {}),
    ...env,
  });
  const server = await startServer(config, logger ?? pino({ level: config.LOG_LEVEL }));
  return {
    ...server,
    operatorTokenValue: config.SWITCHYARD_ADMIN_TOKEN ?? '',
    async createAppWithToken(name = 'Merchant') {
      const app = await server.store.apps.create({ name });
      const { token } = await server.store.tokens.issueAppToken(app.id, { expiresInSeconds: 3600 });
      return { appId: app.id, token };
    },
    async close() {
      await server.close();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The drivers HTTP-level suites run on: PGlite always, PostgreSQL when configured (always in CI). */
export function testServerDrivers(): ('pglite' | 'postgres')[] {
  return postgresTestUrl() ? ['pglite', 'postgres'] : ['pglite'];
}
