import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';

interface Readiness {
  status?: string;
  code?: string;
  detail?: string;
  checks: Record<'database' | 'migrations' | 'workers', { ok: boolean; detail: string }>;
}

async function ready(server: TestServer): Promise<{ status: number; type: string; body: Readiness }> {
  const response = await fetch(`${server.url}/api/v1/ready`);
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: (await response.json()) as Readiness,
  };
}

describe.each(testServerDrivers())('health and readiness on %s', (driver) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('is live and ready without a token when the database answers, is migrated and a worker runs', async () => {
    server = await startTestServer(driver);
    expect((await fetch(`${server.url}/api/v1/health`)).status).toBe(204);
    const { status, body } = await ready(server);
    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks.database.ok).toBe(true);
    expect(body.checks.migrations).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^(\d+) of \1 applied$/),
    });
    expect(body.checks.workers).toEqual({ ok: true, detail: '1 delivery worker process live' });
  });

  it('is not ready, as problem+json naming the check, when no process delivers', async () => {
    server = await startTestServer(driver, { SWITCHYARD_WORKER: 'false' });
    const { status, type, body } = await ready(server);
    expect(status).toBe(503);
    expect(type).toContain('application/problem+json');
    expect(body).toMatchObject({ code: 'not_ready', detail: 'workers: 0 delivery worker processes live' });
    expect(body.checks.database.ok).toBe(true);
  });

  it('is not ready when the database lacks a migration of this build', async () => {
    server = await startTestServer(driver);
    await server.store.handle.db.execute(
      sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)`,
    );
    const { status, body } = await ready(server);
    expect(status).toBe(503);
    expect(body.detail).toMatch(/^migrations: (\d+) of (\d+) applied$/);
    expect(body.checks.workers.ok).toBe(true);
  });
});

describe('readiness without a database', () => {
  it('answers 503 naming the database, quickly, when it is gone', async () => {
    const server = await startTestServer('pglite', { SWITCHYARD_WORKER: 'false' });
    try {
      await server.database.close();
      const { status, body } = await ready(server);
      expect(status).toBe(503);
      expect(body.checks.database.ok).toBe(false);
      expect(body.detail).toMatch(/^database: /);
    } finally {
      await server.close().catch(() => {});
    }
  });
});
