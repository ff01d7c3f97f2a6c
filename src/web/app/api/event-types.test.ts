import { describe, expect, it } from 'vitest';
import { eventTypesFor, exampleOf, groupEventTypes } from './event-types.ts';
import type { EventTypeOut } from './openapi-types.ts';

const eventType = (
  name: string,
  groupName: string | null,
  schemas?: Record<string, unknown>,
): EventTypeOut => ({
  name,
  description: '',
  archived: false,
  deprecated: false,
  groupName,
  featureFlags: null,
  createdAt: '',
  updatedAt: '',
  ...(schemas ? { schemas } : {}),
});

describe('event types', () => {
  it('groups by resource, groups and members in name order', () => {
    const groups = groupEventTypes([
      eventType('refund.succeeded', 'refund'),
      eventType('payment.succeeded', 'payment'),
      eventType('payment.failed', 'payment'),
      eventType('custom.thing', null),
    ]);
    expect(groups.map((g) => [g.name, g.eventTypes.map((e) => e.name)])).toEqual([
      ['custom', ['custom.thing']],
      ['payment', ['payment.failed', 'payment.succeeded']],
      ['refund', ['refund.succeeded']],
    ]);
  });

  it("shows Switchyard's operational events to the operational app only", () => {
    const all = [eventType('payment.succeeded', 'payment'), eventType('endpoint.disabled', 'switchyard')];
    expect(eventTypesFor(all, { uid: 'acme' }).map((e) => e.name)).toEqual(['payment.succeeded']);
    expect(eventTypesFor(all, { uid: 'switchyard-operational' })).toHaveLength(2);
  });

  it('reads the first example of the current schema', () => {
    expect(exampleOf(eventType('a.b', 'a', { '1': { examples: [{ type: 'a.b' }] } }))).toEqual({
      type: 'a.b',
    });
    expect(exampleOf(eventType('a.b', 'a'))).toBeUndefined();
  });
});
