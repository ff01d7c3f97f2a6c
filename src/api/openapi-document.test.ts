import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/testing.ts';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { summary?: string; tags?: string[] }>>;
  components?: { securitySchemes?: Record<string, unknown> };
  security?: unknown[];
}

/** Served beside the API but not operations of it: the document itself, its reference page, the scrape. */
const NOT_OPERATIONS = /^\/(api\/openapi\.json|docs(\/.*)?|metrics)$/;

describe('the OpenAPI document', () => {
  let server: TestServer;
  let document: OpenApiDocument;

  beforeAll(async () => {
    server = await startTestServer('pglite');
    document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as OpenApiDocument;
  });
  afterAll(() => server.close());

  it('describes every route the API serves, with a summary and a tag', () => {
    const routes = server.api.routes
      .filter((route) => route.method !== 'ALL' && !NOT_OPERATIONS.test(route.path))
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(routes.length).toBeGreaterThan(40);
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    expect(routes.filter((route) => !documented.has(route))).toEqual([]);
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.summary, `${method} ${path}`).toBeTruthy();
        expect(operation.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
  });

  it("documents Switchyard's own extensions like the rest", () => {
    for (const path of [
      '/api/v1/connectors',
      '/api/v1/connectors/{connector_id}',
      '/api/v1/transformations/run',
      '/api/v1/app/{app_id}/endpoint/{endpoint_id}/transformation/backtest',
    ]) {
      expect(document.paths[path], path).toBeDefined();
    }
  });

  it('is OpenAPI 3.1 with bearer authentication', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ bearer: [] }]);
  });

  it('has an interactive reference at /docs, served from this installation', async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(3);
    for (const asset of assets) {
      const response = await fetch(`${server.url}${asset}`);
      expect(response.status, asset).toBe(200);
      expect((await response.text()).length, asset).toBeGreaterThan(100);
    }
    const init = await (await fetch(`${server.url}/docs/init.js`)).text();
    expect(init).toContain("url: '/api/openapi.json'");
  });
});
