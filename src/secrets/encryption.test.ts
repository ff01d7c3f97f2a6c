import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, parseSecretKey } from './encryption.ts';
import { normalizeSigningSecret } from './signing-secret.ts';

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips and never repeats a ciphertext', () => {
    const sealed = box.encrypt('whsec_abc');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('whsec_abc');
    expect(box.encrypt('whsec_abc')).not.toBe(sealed);
    expect(box.decrypt(sealed)).toBe('whsec_abc');
  });

  it('refuses a tampered value and a value sealed with another key', () => {
    const sealed = box.encrypt('secret');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => box.decrypt(`v1:${raw.toString('base64')}`)).toThrow();
    expect(() => createSecretBox(randomBytes(32)).decrypt(sealed)).toThrow();
  });

  it('takes keys as base64 or hex, 32 bytes only', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretKey(key.toString('hex'))).toEqual(key);
    expect(() => parseSecretKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});

describe('normalizeSigningSecret', () => {
  it('accepts whsec_ and bare base64 keys of 24–75 bytes, as Svix does', () => {
    const body = randomBytes(24).toString('base64');
    expect(normalizeSigningSecret(`whsec_${body}`)).toBe(`whsec_${body}`);
    expect(normalizeSigningSecret(body)).toBe(`whsec_${body}`);
    expect(normalizeSigningSecret(`whsec_${randomBytes(16).toString('base64')}`)).toBeUndefined();
    expect(normalizeSigningSecret('whsec_not base64!')).toBeUndefined();
  });
});
