import { randomBytes } from 'node:crypto';

/** Svix's accepted endpoint secret forms; only the symmetric `whsec_` form is issued here. */
export const ENDPOINT_SECRET_PATTERN = /^(whsec_)?[a-zA-Z0-9+/=]{32,100}$/;

/** A new Standard Webhooks secret: `whsec_` and 24 random bytes in base64, as Svix generates. */
export function createSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Normalises a caller-supplied secret to the `whsec_` form; the decoded key must be 24–75 bytes, as in Svix. */
export function normalizeSigningSecret(secret: string): string | undefined {
  if (!ENDPOINT_SECRET_PATTERN.test(secret)) return undefined;
  const body = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const length = Buffer.from(body, 'base64').length;
  if (length < 24 || length > 75) return undefined;
  return `whsec_${body}`;
}
