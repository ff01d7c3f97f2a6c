import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeBase62 } from './ids.ts';

/**
 * Creates a bearer token. Tokens never contain a `.`: the svix SDK reads the part after a dot as a region
 * and would otherwise send requests to Svix's cloud.
 */
export function createToken(prefix: 'sy_admin' | 'sy_app'): string {
  return `${prefix}_${encodeBase62(randomBytes(32), 43)}`;
}

/** Tokens are stored only as this hash. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokensEqual(a: string, b: string): boolean {
  const left = Buffer.from(hashToken(a), 'hex');
  const right = Buffer.from(hashToken(b), 'hex');
  return timingSafeEqual(left, right);
}
