import type { Logger } from 'pino';
import type { EventTypeInput, Store } from '../db/index.ts';
import type { OperationalEvent, OperationalEventType } from '../delivery/index.ts';

/** The app whose endpoints receive operational webhooks; the operator manages them through the usual API. */
export const OPERATIONAL_APP_UID = 'switchyard-operational';

const DESCRIPTIONS: Record<OperationalEventType, string> = {
  'endpoint.disabled':
    'An endpoint was disabled: it failed continuously for too long, or its receiver asked.',
  'message.attempt.exhausted': 'A message failed every attempt of its retry schedule to an endpoint.',
  'message.attempt.failing': 'A message has failed four attempts to an endpoint and is still being retried.',
  'message.attempt.recovered': 'A message succeeded after it had been reported failing.',
};

/** Operational event types, loaded with the catalog so that operational endpoints can subscribe to them. */
export const operationalEventTypes: EventTypeInput[] = Object.entries(DESCRIPTIONS).map(
  ([name, description]) => ({
    name,
    description,
    groupName: 'switchyard',
  }),
);

/**
 * Sends operational events as messages of the operational app, so that they are signed, retried and logged
 * like any webhook. Events about the operational app itself are dropped, so a failing operator endpoint
 * cannot feed itself.
 */
export async function createOperationalWebhooks(store: Store, logger: Logger) {
  const app =
    (await store.apps.find(OPERATIONAL_APP_UID)) ??
    (await store.apps
      .create({ name: 'Operational webhooks', uid: OPERATIONAL_APP_UID })
      .catch(async () => store.apps.find(OPERATIONAL_APP_UID)));
  if (!app) throw new Error('the operational webhooks app could not be created');

  return {
    appId: app.id,
    emit(event: OperationalEvent): void {
      if (event.appId === app.id) return;
      const payload = {
        type: event.type,
        timestamp: new Date().toISOString(),
        data: {
          appId: event.appId,
          endpointId: event.endpointId,
          ...(event.messageId ? { msgId: event.messageId } : {}),
          ...event.data,
        },
      };
      store.messages
        .create(app.id, { eventType: event.type, payload, retentionHours: 24 * 90 })
        .catch((err) => logger.error({ err, event: event.type }, 'operational webhook could not be queued'));
    },
  };
}
