import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_OPERATOR_TOKEN, type TestServer } from '../server/testing.ts';
import { createApi } from './index.ts';

/**
 * Bug found by the fault suite (PostgreSQL restarted mid-load): while the database was down the API answered
 * 500 server_error, logged as a bug, so that clients and load balancers could not tell an outage they should
 * wait out from a broken request. It answers 503 database_unavailable with Retry-After.
 */

/** The error Drizzle really throws when PostgreSQL does not answer: a refused connection, wrapped. */
async function refusedConnectionError(): Promise<unknown> {
  const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
  try {
    await drizzle(pool).execute(sql`select 1`);
  } catch (error) {
    return error;
  } finally {
    await pool.end();
  }
  throw new Error('a connection to port 1 succeeded');
}

/** What a session gets when the server shuts down under it (pg's DatabaseError carries the SQLSTATE). */
const adminShutdown = Object.assign(new Error('terminating connection due to administrator command'), {
  code: '57P01',
});

describe('bug: the API answered 500 rather than 503 while the database was down', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', { SWITCHYARD_WORKER: 'false' });
  });
  afterAll(async () => server?.close());

  const apiFailingWith = (error: unknown) =>
    createApi({
      store: {
        ...server.store,
        apps: {
          ...server.store.apps,
          list: async () => {
            throw error;
          },
        },
      },
      logger: pino({ level: 'silent' }),
      adminToken: TEST_OPERATOR_TOKEN,
      publicUrl: 'http://localhost',
      maxBodyBytes: 1024 * 1024,
      sandbox: server.sandbox,
      validateResponses: true,
    });

  it.each([
    ['a refused connection', refusedConnectionError],
    [
      'a session cut by a shutdown',
      async () => new Error('Failed query: select 1', { cause: adminShutdown }),
    ],
    ['a socket closed mid-query', async () => new Error('Connection terminated unexpectedly')],
  ])('answers %s with 503 database_unavailable and Retry-After', async (_label, makeError) => {
    const res = await apiFailingWith(await makeError()).request('/api/v1/app', {
      headers: { authorization: `Bearer ${TEST_OPERATOR_TOKEN}` },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({
      status: 503,
      code: 'database_unavailable',
      title: 'Service Unavailable',
      detail: expect.stringMatching(/database/),
    });
  });

  it('still answers a bug with 500', async () => {
    const res = await apiFailingWith(new Error('syntax error at or near "selec"')).request('/api/v1/app', {
      headers: { authorization: `Bearer ${TEST_OPERATOR_TOKEN}` },
    });
    expect(res.status).toBe(500);
  });
});
