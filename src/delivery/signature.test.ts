import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signWebhook } from './signature.ts';

describe('signWebhook', () => {
  it('matches the standardwebhooks library for the same key, id, time and body', () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const at = new Date('2026-11-23T10:00:00Z');
    const body = '{"type":"payment.succeeded","data":{"amount":1}}';
    const expected = new Webhook(secret.slice(6)).sign('msg_1', at, body);
    expect(signWebhook([secret], 'msg_1', at.getTime() / 1000, body)).toBe(expected);
  });

  it('lists one signature per key, space-separated', () => {
    const keys = [0, 1].map(() => `whsec_${randomBytes(24).toString('base64')}`);
    const header = signWebhook(keys, 'msg_2', 1_700_000_000, '{}');
    const parts = header.split(' ');
    expect(parts).toHaveLength(2);
    expect(parts.every((p) => p.startsWith('v1,'))).toBe(true);
    expect(parts[0]).not.toBe(parts[1]);
  });
});
