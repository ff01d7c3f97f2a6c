import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardHandler } from './dashboard-handler.ts';

describe('dashboard handler', () => {
  let dir: string;
  let handle: ReturnType<typeof createDashboardHandler>;
  const get = (p: string, method = 'GET') => handle(new Request(`http://127.0.0.1${p}`, { method }));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchyard-web-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(path.join(dir, 'assets/index-abc123.js'), 'console.log(1)');
    await writeFile(path.join(dir, 'favicon.svg'), '<svg/>');
    handle = createDashboardHandler(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('leaves every path but its own pages and files, and non-GET requests, to the API', async () => {
    for (const other of [
      '/api/v1/app',
      '/api/openapi.json',
      '/metrics',
      '/docs',
      '/docs/init.js',
      '/unknown',
    ]) {
      expect(await get(other)).toBeUndefined();
    }
    expect(await get('/app/x', 'POST')).toBeUndefined();
  });

  it('serves hashed assets for a year and index.html for every page path, revalidated', async () => {
    const asset = (await get('/assets/index-abc123.js'))!;
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    for (const page of ['/', '/app-portal', '/app/app_1/endpoints/ep_1']) {
      const response = (await get(page))!;
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toContain('<title>app</title>');
    }
    expect((await get('/favicon.svg'))!.headers.get('content-type')).toBe('image/svg+xml');
  });

  it('answers 404 for unknown or crafted asset paths, and HEAD without a body', async () => {
    expect((await get('/assets/missing.js'))!.status).toBe(404);
    expect((await get('/assets/..%2Findex.html'))!.status).toBe(404);
    // The URL parser resolves dot segments first: this is /etc/passwd, which is not the dashboard's.
    expect(await get('/assets/../../etc/passwd')).toBeUndefined();
    expect((await get('/missing.svg'))!.status).toBe(404);
    const head = (await get('/', 'HEAD'))!;
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('says how to build when nothing is built', async () => {
    const response = (await createDashboardHandler(path.join(dir, 'nowhere'))(new Request('http://x/')))!;
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:web');
  });
});
