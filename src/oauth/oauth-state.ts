import { randomBytes } from 'node:crypto';
import { hashToken } from '../secrets/index.ts';

/** How long a merchant has on the vendor's consent page. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/**
 * A fresh `state` for an authorization (256 random bits, URL-safe) and the hash that is stored instead of
 * it: a database reader cannot complete someone else's authorization.
 */
export function createOAuthState(): { state: string; hash: string } {
  const state = randomBytes(32).toString('base64url');
  return { state, hash: hashOAuthState(state) };
}

export function hashOAuthState(state: string): string {
  return hashToken(state);
}
