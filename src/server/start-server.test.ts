import { stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, testServerDrivers } from './testing.ts';

describe.each(testServerDrivers())('server on %s', (driver) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(driver);
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers health with 204 and no authentication', async () => {
    const res = await fetch(`${server.url}/api/v1/health`);
    expect(res.status).toBe(204);
  });

  it('serves Prometheus metrics to the operator only', async () => {
    const open = await fetch(`${server.url}/metrics`);
    expect(open.status).toBe(401);
    const res = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${server.operatorTokenValue}` },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    const statements = Number(/^switchyard_db_statements_total (\d+)$/m.exec(text)?.[1]);
    expect(statements).toBeGreaterThan(0);
    const { token } = await server.createAppWithToken();
    const asApp = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(asApp.status).toBe(403);
  });

  it('has loaded every catalog event type with its schema', async () => {
    const res = await fetch(`${server.url}/api/v1/event-type/payment.succeeded`, {
      headers: { authorization: `Bearer ${server.operatorTokenValue}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      groupName: string;
      schemas: Record<string, { examples: unknown[] }>;
    };
    expect(body.groupName).toBe('payment');
    expect(body.schemas['1']!.examples).toHaveLength(1);
  });
});

describe('first start without SWITCHYARD_ADMIN_TOKEN', () => {
  it('generates an operator token, writes it owner-only, and accepts it', async () => {
    const server = await startTestServer('pglite', { SWITCHYARD_ADMIN_TOKEN: '' });
    try {
      expect(server.operatorToken.kind).toBe('generated');
      if (server.operatorToken.kind !== 'generated') return;
      const { token, file } = server.operatorToken;
      expect(token).not.toContain('.');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(path.join(path.dirname(file), 'secret.key'))).mode & 0o777).toBe(0o600);
      const ok = await fetch(`${server.url}/api/v1/app`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      const bad = await fetch(`${server.url}/api/v1/app`, {
        headers: { authorization: 'Bearer sy_admin_wrong' },
      });
      expect(bad.status).toBe(401);
      expect(bad.headers.get('content-type')).toBe('application/problem+json');
    } finally {
      await server.close();
    }
  });
});
