import { startTestServer, type TestServer } from '../../server/testing.ts';
import { ensureWebBuild } from '../build/ensure-web-build.ts';

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
