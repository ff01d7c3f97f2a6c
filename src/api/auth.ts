import type { Context, MiddlewareHandler } from 'hono';
import type { App, Endpoint, Store } from '../db/index.ts';
import { tokensEqual } from '../secrets/index.ts';
import { ApiError, forbidden, notFound } from './api-error.ts';
import type { ApiEnv, Principal } from './context.ts';

/** Looked-up tokens are remembered this long, so that a busy client costs no query per request. */
const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_SIZE = 10_000;

export interface Authenticator {
  middleware: MiddlewareHandler<ApiEnv>;
  /** Drops remembered lookups, after tokens were revoked or expired. */
  forgetTokens(): void;
}

/**
 * Authenticates `Authorization: Bearer <token>`: the configured operator token, a generated operator
 * token, or an app-portal token.
 */
export function createAuthenticator(store: Store, adminToken: string | undefined): Authenticator {
  const cache = new Map<string, { principal: Principal | null; until: number }>();

  async function lookUp(token: string): Promise<Principal | null> {
    if (adminToken && tokensEqual(token, adminToken)) return { kind: 'operator' };
    const now = Date.now();
    const cached = cache.get(token);
    if (cached && cached.until > now) return cached.principal;
    const row = await store.tokens.findValid(token);
    const principal: Principal | null = !row
      ? null
      : row.appId === null
        ? { kind: 'operator' }
        : { kind: 'app', appId: row.appId, token };
    if (cache.size >= TOKEN_CACHE_SIZE) cache.clear();
    const expiry = row?.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
    cache.set(token, { principal, until: Math.min(now + TOKEN_CACHE_MS, expiry) });
    return principal;
  }

  return {
    async middleware(c, next) {
      const header = c.req.header('authorization') ?? '';
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) {
        throw new ApiError(401, 'authentication_failed', 'Send the token as "Authorization: Bearer <token>"');
      }
      const principal = await lookUp(match[1]!);
      if (!principal) throw new ApiError(401, 'authentication_failed', 'Invalid or expired token');
      c.set('principal', principal);
      await next();
    },
    forgetTokens() {
      cache.clear();
    },
  };
}

export function requireOperator(c: Context<ApiEnv>): void {
  if (c.get('principal').kind !== 'operator') throw forbidden();
}

/**
 * Resolves the `{app_id}` path parameter (id or uid) to a live app the caller may see. Another tenant's app
 * answers 404, exactly as a missing one does.
 */
export async function requireApp(c: Context<ApiEnv>, store: Store): Promise<App> {
  const known = c.get('app');
  if (known) return known;
  const app = await findVisibleApp(c, store, c.req.param('app_id') ?? '');
  if (!app) throw notFound('Application');
  c.set('app', app);
  return app;
}

/** Resolves `{app_id}` and then `{endpoint_id}` (id or uid) within it; 404 for either, as if absent. */
export async function requireEndpoint(
  c: Context<ApiEnv>,
  store: Store,
): Promise<{ app: App; endpoint: Endpoint }> {
  const app = await requireApp(c, store);
  const endpoint = await store.endpoints.find(app.id, c.req.param('endpoint_id') ?? '');
  if (!endpoint) throw notFound('Endpoint');
  return { app, endpoint };
}

export async function findVisibleApp(
  c: Context<ApiEnv>,
  store: Store,
  idOrUid: string,
): Promise<App | undefined> {
  const app = await store.apps.find(idOrUid);
  const principal = c.get('principal');
  if (!app || (principal.kind === 'app' && principal.appId !== app.id)) return undefined;
  return app;
}
