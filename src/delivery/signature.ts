import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * HMAC keys by secret. Node turns a raw key into a KeyObject on every createHmac, which costs several times
 * the HMAC itself; a KeyObject made once is used as it is.
 */
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 10_000;

function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.clear();
    key = createSecretKey(Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64'));
    keys.set(secret, key);
  }
  return key;
}

/**
 * Standard Webhooks `webhook-signature`: `v1,<base64 HMAC-SHA256>` over `id.timestamp.body`, one entry per
 * key that signs now (during a rotation's grace period, the old key too), space-separated.
 * @param secrets `whsec_` secrets; the HMAC key is the base64 part decoded
 */
export function signWebhook(
  secrets: string[],
  messageId: string,
  timestampSeconds: number,
  body: string,
): string {
  const content = `${messageId}.${timestampSeconds}.${body}`;
  return secrets
    .map((secret) => `v1,${createHmac('sha256', keyOf(secret)).update(content).digest('base64')}`)
    .join(' ');
}
