import { findEventType } from '../catalog/index.ts';
import { usageError } from './cli-error.ts';
import { loadCliConfig } from './load-cli-config.ts';
import { readJsonObject } from './read-json-file.ts';
import { type ClientOptions, createSwitchyardClient } from './switchyard-client.ts';

export interface SendOptions extends ClientOptions {
  config?: string;
  app: string;
  payload?: string;
  eventId?: string;
  idempotencyKey?: string;
  channel?: string[];
  json?: boolean;
}

interface MessageOut {
  id: string;
  eventType: string;
  eventId: string | null;
  timestamp: string;
}

/** `switchyard send`: posts one event to an app, the catalog's example of its type unless a payload is given. */
export async function runSend(eventType: string, options: SendOptions): Promise<void> {
  const config = loadCliConfig(options.config);
  const payload = options.payload ? readJsonObject(options.payload) : findEventType(eventType)?.example;
  if (!payload) {
    throw usageError(
      `'${eventType}' is not an event type of the catalog, so it has no example: give --payload <file>`,
    );
  }
  const client = createSwitchyardClient(config, options);
  const message = await client.request<MessageOut>(
    'POST',
    `/api/v1/app/${encodeURIComponent(options.app)}/msg`,
    {
      eventType,
      payload,
      ...(options.eventId ? { eventId: options.eventId } : {}),
      ...(options.channel?.length ? { channels: options.channel } : {}),
    },
    options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {},
  );
  process.stdout.write(
    options.json
      ? `${JSON.stringify(message, null, 2)}\n`
      : `sent ${message.eventType} to ${options.app}: ${message.id}\n`,
  );
}
