import { createHmac } from 'node:crypto';

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
    .map((secret) => {
      const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
      return `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
    })
    .join(' ');
}
