import type { EventTypeOut } from './openapi-types.ts';

/** Switchyard's own operational events go to the operator's app only; merchants never see them. */
const OPERATIONAL_GROUP = 'switchyard';
const OPERATIONAL_APP_UID = 'switchyard-operational';

export function eventTypesFor(
  eventTypes: readonly EventTypeOut[],
  app: { uid: string | null } | undefined,
): EventTypeOut[] {
  const operational = app?.uid === OPERATIONAL_APP_UID;
  return eventTypes.filter((e) => operational || e.groupName !== OPERATIONAL_GROUP);
}

export interface EventTypeGroup {
  name: string;
  eventTypes: EventTypeOut[];
}

/** Event types grouped by resource (`payment`, `subscription`, …), groups and members in name order. */
export function groupEventTypes(eventTypes: readonly EventTypeOut[]): EventTypeGroup[] {
  const groups = new Map<string, EventTypeOut[]>();
  for (const eventType of eventTypes) {
    const name = eventType.groupName ?? eventType.name.split('.')[0] ?? eventType.name;
    groups.set(name, [...(groups.get(name) ?? []), eventType]);
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, members]) => ({ name, eventTypes: members.sort((a, b) => a.name.localeCompare(b.name)) }));
}

/** The first example payload of the event type's current schema, if it has one. */
export function exampleOf(eventType: EventTypeOut | undefined): Record<string, unknown> | undefined {
  const schema = eventType?.schemas?.['1'] as { examples?: unknown[] } | undefined;
  const example = schema?.examples?.[0];
  return example && typeof example === 'object' ? (example as Record<string, unknown>) : undefined;
}

/** The JSON Schema of the event type's current version. */
export function schemaOf(eventType: EventTypeOut | undefined): Record<string, unknown> | undefined {
  const schema = eventType?.schemas?.['1'];
  return schema && typeof schema === 'object' ? (schema as Record<string, unknown>) : undefined;
}
