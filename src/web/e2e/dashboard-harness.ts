import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from '../../server/testing.ts';
import { ensureWebBuild } from '../build/ensure-web-build.ts';
import { type BrowserSession, launchBrowser } from './browser.ts';

/**
 * Switchyard serving the freshly built dashboard, on PGlite, delivering to loopback (where the fakes listen)
 * with quick retries, and a transformation CPU limit that a busy CI machine cannot trip. `env` adds settings
 * such as `SWITCHYARD_DESTINATION_OVERRIDES`.
 */
export async function startDashboardServer(env: Record<string, string> = {}): Promise<TestServer> {
  await ensureWebBuild();
  return startTestServer('pglite', {
    SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
    SWITCHYARD_RETRY_SCHEDULE: '1,1',
    SWITCHYARD_TRANSFORM_TIMEOUT_MS: '2000',
    ...env,
  });
}

/** The operator's API calls a test makes to set the stage: apps, portal links, messages. */
export function operatorApi(server: TestServer) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.operatorTokenValue}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
  return {
    call,
    createApp: (name: string) => call<{ id: string; name: string }>('POST', '/api/v1/app', { name }),
    /** The merchant's dashboard link (the Svix App Portal model). */
    portalLink: async (appId: string) =>
      (await call<{ url: string }>('POST', `/api/v1/auth/app-portal-access/${appId}`, {})).url,
    sendMessage: (appId: string, eventType: string, payload: unknown) =>
      call<{ id: string }>('POST', `/api/v1/app/${appId}/msg`, { eventType, payload }),
  };
}

/** A browser suite's stage: Switchyard serving the dashboard, and one Chromium page that records console errors. */
export interface Dashboard {
  server: TestServer;
  browser: BrowserSession;
  page: Page;
  consoleErrors: string[];
}

/**
 * Registers a browser suite's hooks: before its tests, Switchyard serving the dashboard and a Chromium page;
 * after them, both closed. `env` is read when the hook runs, so it may name a fake an earlier hook started.
 * @returns the stage, filled in once the hooks have run
 */
export function useDashboard(env: () => Record<string, string> = () => ({})): Dashboard {
  const dashboard = {} as Dashboard;
  beforeAll(async () => {
    dashboard.server = await startDashboardServer(env());
    dashboard.browser = await launchBrowser();
    ({ page: dashboard.page, consoleErrors: dashboard.consoleErrors } = await dashboard.browser.newPage());
  });
  afterAll(async () => {
    await dashboard.browser?.close();
    await dashboard.server?.close();
  });
  return dashboard;
}
