import { describe, expect, it } from 'vitest';
import { createId, idFloor, idTime } from './ids.ts';

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
