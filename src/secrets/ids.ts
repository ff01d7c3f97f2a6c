import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_BODY_LENGTH = 27;
const RANDOM_BITS = 112n;
const RANDOM_MASK = (1n << RANDOM_BITS) - 1n;

/** Prefixes of every kind of id Switchyard issues, as in Svix. */
export type IdPrefix = 'app' | 'ep' | 'msg' | 'atmpt' | 'qtask' | 'tok' | 'conn';

function encodeBigint(value: bigint, width: number): string {
  let out = '';
  for (let rest = value; rest > 0n; rest /= 62n) out = BASE62[Number(rest % 62n)] + out;
  return out.padStart(width, '0');
}

/** Encodes bytes as fixed-width base62, so that byte order and string order agree. */
export function encodeBase62(bytes: Uint8Array, width: number): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return encodeBigint(value, width);
}

let lastTime = 0;
let lastRandom = 0n;

/**
 * Creates a prefixed id: 48 bits of milliseconds then 112 random bits, as 27 base62 characters (Svix's
 * length and alphabet). Ids of one process sort in creation order even within a millisecond, because the
 * random part is incremented rather than redrawn then.
 */
export function createId(prefix: IdPrefix, now: number = Date.now()): string {
  if (now <= lastTime) {
    lastRandom = (lastRandom + 1n) & RANDOM_MASK;
  } else {
    lastTime = now;
    lastRandom = BigInt(`0x${randomBytes(14).toString('hex')}`) >> 1n;
  }
  return `${prefix}_${encodeBigint((BigInt(lastTime) << RANDOM_BITS) | lastRandom, ID_BODY_LENGTH)}`;
}

/** The smallest id of a prefix created at `time`: `id >= idFloor(t)` selects ids created at or after t. */
export function idFloor(prefix: IdPrefix, time: Date): string {
  return `${prefix}_${encodeBigint(BigInt(time.getTime()) << RANDOM_BITS, ID_BODY_LENGTH)}`;
}

/** When an id was created: the milliseconds its first 48 bits carry. */
export function idTime(id: string): Date {
  let value = 0n;
  for (const char of id.slice(id.indexOf('_') + 1)) value = value * 62n + BigInt(BASE62.indexOf(char));
  return new Date(Number(value >> RANDOM_BITS));
}

export function hasIdPrefix(value: string, prefix: IdPrefix): boolean {
  return value.startsWith(`${prefix}_`);
}
