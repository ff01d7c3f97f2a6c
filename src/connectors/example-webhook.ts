import { findEventType } from '../catalog/index.ts';
import type { WebhookInput } from '../sandbox/index.ts';

/** What a template's `handler` gets for `eventType`: the event catalog's example, as delivery hands it over. */
export function exampleWebhook(eventType: string, url: string): WebhookInput {
  const definition = findEventType(eventType);
  if (!definition) throw new Error(`${eventType} is not in the event catalog`);
  return {
    eventType,
    payload: structuredClone(definition.example),
    url,
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  };
}
