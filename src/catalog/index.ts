export type { EventTypeDefinition } from './event-catalog.ts';
export { eventCatalog, findEventType } from './event-catalog.ts';
