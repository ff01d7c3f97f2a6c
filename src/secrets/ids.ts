import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_BODY_LENGTH = 27;
const TIME_BYTES = 6;
const RANDOM_BYTES = 14;

/** Prefixes of every kind of id Switchyard issues, as in Svix. */
export type IdPrefix = 'app' | 'ep' | 'msg' | 'atmpt' | 'qtask' | 'tok' | 'conn';

/**
 * Encodes bytes (a big-endian number) as fixed-width base62, so that byte order and string order agree. Long
 * division on 32-bit limbs held as numbers (a limb times 62 stays within a double's exact range): an
 * attempt id is made for every delivery, and BigInt division took twice as long.
 */
export function encodeBase62(bytes: Uint8Array, width: number): string {
  const limbs: number[] = [];
  for (let end = bytes.length; end > 0; end -= 4) {
    let limb = 0;
    for (let i = Math.max(0, end - 4); i < end; i++) limb = limb * 256 + bytes[i]!;
    limbs.unshift(limb);
  }
  const digits: string[] = new Array(width);
  for (let position = width - 1; position >= 0; position--) {
    let remainder = 0;
    for (let i = 0; i < limbs.length; i++) {
      const current = remainder * 0x1_0000_0000 + limbs[i]!;
      const quotient = Math.floor(current / 62);
      limbs[i] = quotient;
      remainder = current - quotient * 62;
    }
    digits[position] = BASE62[remainder]!;
  }
  return digits.join('');
}

/** The id's bytes: 48 bits of milliseconds, then 112 random bits. */
const idBytes = new Uint8Array(TIME_BYTES + RANDOM_BYTES);
let lastTime = 0;

function writeTime(bytes: Uint8Array, time: number) {
  for (let i = TIME_BYTES - 1, rest = time; i >= 0; i--, rest = Math.floor(rest / 256)) bytes[i] = rest % 256;
}

/**
 * Creates a prefixed id: 48 bits of milliseconds then 112 random bits, as 27 base62 characters (Svix's
 * length and alphabet). Ids of one process sort in creation order even within a millisecond, because the
 * random part is incremented rather than redrawn then; a fresh draw leaves its top bit clear, so that
 * increments have room before they wrap.
 */
export function createId(prefix: IdPrefix, now: number = Date.now()): string {
  if (now <= lastTime) {
    for (let i = idBytes.length - 1; i >= TIME_BYTES; i--) {
      idBytes[i] = (idBytes[i]! + 1) & 0xff;
      if (idBytes[i] !== 0) break;
    }
  } else {
    lastTime = now;
    writeTime(idBytes, now);
    idBytes.set(randomBytes(RANDOM_BYTES), TIME_BYTES);
    idBytes[TIME_BYTES]! &= 0x7f;
  }
  return `${prefix}_${encodeBase62(idBytes, ID_BODY_LENGTH)}`;
}

/** The smallest id of a prefix created at `time`: `id >= idFloor(t)` selects ids created at or after t. */
export function idFloor(prefix: IdPrefix, time: Date): string {
  const bytes = new Uint8Array(TIME_BYTES + RANDOM_BYTES);
  writeTime(bytes, time.getTime());
  return `${prefix}_${encodeBase62(bytes, ID_BODY_LENGTH)}`;
}

/** When an id was created: the milliseconds its first 48 bits carry. */
export function idTime(id: string): Date {
  let value = 0n;
  for (const char of id.slice(id.indexOf('_') + 1)) value = value * 62n + BigInt(BASE62.indexOf(char));
  return new Date(Number(value >> BigInt(RANDOM_BYTES * 8)));
}

export function hasIdPrefix(value: string, prefix: IdPrefix): boolean {
  return value.startsWith(`${prefix}_`);
}
