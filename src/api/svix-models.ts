import { z } from '@hono/zod-openapi';
import type { App, Attempt, Delivery, Endpoint, EventType, Message } from '../db/index.ts';
import { DeliveryStatus } from '../db/index.ts';
import { metadataSchema, timestampSchema } from './common-schemas.ts';

export const applicationOutSchema = z
  .object({
    id: z.string().openapi({ example: 'app_2nX4fKpG6cT0s1kU3aZbQ9vYw7R' }),
    name: z.string(),
    uid: z.string().nullable(),
    throttleRate: z.number().int().nullable(),
    metadata: metadataSchema,
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .openapi('ApplicationOut');

export function toApplicationOut(app: App): z.infer<typeof applicationOutSchema> {
  return {
    id: app.id,
    name: app.name,
    uid: app.uid,
    throttleRate: app.throttleRate,
    metadata: app.metadata,
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}

export const eventTypeOutSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    archived: z.boolean(),
    deprecated: z.boolean(),
    schemas: z.record(z.string(), z.unknown()).nullable().optional(),
    groupName: z.string().nullable(),
    featureFlags: z.array(z.string()).nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .openapi('EventTypeOut');

export function toEventTypeOut(eventType: EventType, withContent = true): z.infer<typeof eventTypeOutSchema> {
  return {
    name: eventType.name,
    description: eventType.description,
    archived: eventType.archived,
    deprecated: eventType.deprecated,
    ...(withContent ? { schemas: eventType.schemas } : {}),
    groupName: eventType.groupName,
    featureFlags: eventType.featureFlags,
    createdAt: eventType.createdAt.toISOString(),
    updatedAt: eventType.updatedAt.toISOString(),
  };
}

const endpointFields = {
  id: z.string().openapi({ example: 'ep_2nX4fKpG6cT0s1kU3aZbQ9vYw7R' }),
  url: z.string(),
  description: z.string(),
  uid: z.string().nullable(),
  eventTypes: z.array(z.string()).nullable(),
  /** The svix 1.x name of eventTypes. */
  filterTypes: z.array(z.string()).nullable(),
  channels: z.array(z.string()).nullable(),
  throttleRate: z.number().int().nullable(),
  /** The svix 1.x name of throttleRate. */
  rateLimit: z.number().int().nullable(),
  disabled: z.boolean(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
};

export const connectorOutSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    template: z.string().nullable(),
    region: z.string().nullable(),
    credentials: z.record(z.string(), z.string()).openapi({ description: 'Secret values masked' }),
  })
  .openapi('EndpointConnectorOut');

export const endpointOutSchema = z
  .object({
    ...endpointFields,
    metadata: metadataSchema,
    connector: connectorOutSchema.nullable().optional(),
  })
  .openapi('EndpointOut');

function toEndpointFields(endpoint: Endpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    uid: endpoint.uid,
    eventTypes: endpoint.eventTypes,
    filterTypes: endpoint.eventTypes,
    channels: endpoint.channels,
    throttleRate: endpoint.throttleRate,
    rateLimit: endpoint.throttleRate,
    disabled: endpoint.disabled,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

/** @param connector the endpoint's card, credentials already masked (a Switchyard extension field) */
export function toEndpointOut(
  endpoint: Endpoint,
  connector?: z.infer<typeof connectorOutSchema> | null,
): z.infer<typeof endpointOutSchema> {
  return { ...toEndpointFields(endpoint), metadata: endpoint.metadata, ...(connector ? { connector } : {}) };
}

export const messageOutSchema = z
  .object({
    id: z.string().openapi({ example: 'msg_2nX4fKpG6cT0s1kU3aZbQ9vYw7R' }),
    eventType: z.string(),
    eventId: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
    channels: z.array(z.string()).nullable(),
    tags: z.array(z.string()).nullable(),
    timestamp: timestampSchema,
  })
  .openapi('MessageOut');

/** With `withContent` false the payload is `{}`, as Svix answers; an expunged payload is `{"expired": true}`. */
export function toMessageOut(message: Message, withContent = true): z.infer<typeof messageOutSchema> {
  const payload = !withContent
    ? {}
    : ((message.payload as Record<string, unknown> | null) ?? { expired: true });
  return {
    id: message.id,
    eventType: message.eventType,
    eventId: message.eventId,
    payload,
    channels: message.channels,
    tags: message.tags,
    timestamp: message.createdAt.toISOString(),
  };
}

const STATUS_TEXT = ['success', 'pending', 'fail', 'sending', 'canceled'] as const;

/** Without `expanded`, Svix reports a canceled delivery as a success. */
function statusFields(status: number, expanded: boolean) {
  const shown = !expanded && status === DeliveryStatus.canceled ? DeliveryStatus.success : status;
  return { status: shown, statusText: STATUS_TEXT[shown] ?? 'pending' };
}

const statusSchema = {
  status: z
    .number()
    .int()
    .min(0)
    .max(4)
    .openapi({ description: '0 success, 1 pending, 2 fail, 3 sending, 4 canceled' }),
  statusText: z.enum(STATUS_TEXT),
};

export const messageAttemptOutSchema = z
  .object({
    id: z.string().openapi({ example: 'atmpt_2nX4fKpG6cT0s1kU3aZbQ9vYw7R' }),
    msgId: z.string(),
    endpointId: z.string(),
    url: z.string(),
    response: z.string(),
    responseStatusCode: z.number().int(),
    responseDurationMs: z.number().int(),
    errorClass: z
      .enum([
        'dns',
        'connect',
        'tls',
        'timeout',
        'blocked',
        'network',
        'transformation',
        'sandbox',
        'contract',
        'credentials',
      ])
      .nullable()
      .openapi({
        description:
          "Why no response came (Switchyard extension): a transport failure, the transformation or sandbox, the vendor's contract refusing the request, or the connector's credentials (missing, bound to other hosts, or an OAuth authorization to renew); null when one did",
      }),
    ...statusSchema,
    triggerType: z.number().int().openapi({ description: '0 scheduled, 1 manual' }),
    timestamp: timestampSchema,
    msg: messageOutSchema.optional(),
  })
  .openapi('MessageAttemptOut');

export function toMessageAttemptOut(
  attempt: Attempt,
  options: { expanded: boolean; withContent: boolean; message?: Message | undefined },
): z.infer<typeof messageAttemptOutSchema> {
  return {
    id: attempt.id,
    msgId: attempt.messageId,
    endpointId: attempt.endpointId,
    url: attempt.url,
    response: options.withContent ? (attempt.response ?? '') : '{}',
    responseStatusCode: attempt.responseStatusCode,
    responseDurationMs: attempt.responseDurationMs,
    errorClass: attempt.errorClass as z.infer<typeof messageAttemptOutSchema>['errorClass'],
    ...statusFields(attempt.status, options.expanded),
    triggerType: attempt.triggerType,
    timestamp: attempt.createdAt.toISOString(),
    ...(options.message ? { msg: toMessageOut(options.message, false) } : {}),
  };
}

export const endpointMessageOutSchema = messageOutSchema
  .extend({ ...statusSchema, nextAttempt: timestampSchema.nullable() })
  .openapi('EndpointMessageOut');

export function toEndpointMessageOut(
  delivery: Delivery,
  message: Message,
  options: { expanded: boolean; withContent: boolean },
): z.infer<typeof endpointMessageOutSchema> {
  return {
    ...toMessageOut(message, options.withContent),
    ...statusFields(delivery.status, options.expanded),
    nextAttempt: nextAttemptOf(delivery),
  };
}

export const messageEndpointOutSchema = z
  .object({ ...endpointFields, ...statusSchema, nextAttempt: timestampSchema.nullable() })
  .openapi('MessageEndpointOut');

export function toMessageEndpointOut(
  delivery: Delivery,
  endpoint: Endpoint,
): z.infer<typeof messageEndpointOutSchema> {
  return {
    ...toEndpointFields(endpoint),
    ...statusFields(delivery.status, true),
    nextAttempt: nextAttemptOf(delivery),
  };
}

function nextAttemptOf(delivery: Delivery): string | null {
  const waiting = delivery.status === DeliveryStatus.pending || delivery.status === DeliveryStatus.sending;
  return waiting && delivery.nextAttemptAt ? delivery.nextAttemptAt.toISOString() : null;
}
