import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createId, encodeBase62, idFloor, idTime } from './ids.ts';

describe('createId', () => {
  it('has the prefix and 27 base62 characters, as Svix ids do', () => {
    expect(createId('msg')).toMatch(/^msg_[A-Za-z0-9]{27}$/);
    expect(createId('atmpt')).toHaveLength(33);
  });

  it('sorts bytewise in creation order, within one millisecond too', () => {
    const ids = Array.from({ length: 2000 }, () => createId('ep'));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('places an id after the floor of its creation time and before the next millisecond', () => {
    const at = Date.now() + 10_000;
    const id = createId('msg', at);
    expect(id > idFloor('msg', new Date(at))).toBe(true);
    expect(id < idFloor('msg', new Date(at + 1))).toBe(true);
  });

  it('tells when an id was created', () => {
    // Later than every id made so far in this process, which createId never goes back before.
    const at = Date.now() + 60_123;
    expect(idTime(createId('msg', at)).getTime()).toBe(at);
    expect(idTime(idFloor('msg', new Date(at))).getTime()).toBe(at);
  });
});

describe('encodeBase62', () => {
  const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  /** The plain definition, on BigInt: what the fast encoder must agree with. */
  const reference = (bytes: Uint8Array, width: number) => {
    let value = 0n;
    for (const byte of bytes) value = (value << 8n) | BigInt(byte);
    let out = '';
    for (let rest = value; rest > 0n; rest /= 62n) out = BASE62[Number(rest % 62n)] + out;
    return out.padStart(width, '0');
  };

  it('writes the number the bytes hold, in fixed width', () => {
    expect(encodeBase62(new Uint8Array(20), 27)).toBe('0'.repeat(27));
    expect(encodeBase62(Uint8Array.of(0, 61), 4)).toBe('000z');
    expect(encodeBase62(Uint8Array.of(0, 62), 4)).toBe('0010');
    expect(encodeBase62(new Uint8Array(20).fill(255), 27)).toBe(reference(new Uint8Array(20).fill(255), 27));
    for (let i = 0; i < 500; i++) {
      const bytes = randomBytes(i % 2 ? 20 : 32);
      const width = bytes.length === 20 ? 27 : 43;
      expect(encodeBase62(bytes, width)).toBe(reference(bytes, width));
    }
  });
});
