import type { ApiClient } from './api-client.ts';
import type {
  ActivityOut,
  AlertSettingsIn,
  AlertSettingsOut,
  ApplicationOut,
  BackgroundTaskOut,
  ConnectorOut,
  EndpointHeadersOut,
  EndpointHeadersPatchIn,
  EndpointIn,
  EndpointOut,
  EndpointPatch,
  EndpointStats,
  EndpointTransformationOut,
  EndpointTransformationPatch,
  EventTypeOut,
  ListResponse_ApplicationOut_,
  ListResponse_EndpointMessageOut_,
  ListResponse_EndpointOut_,
  ListResponse_EventTypeOut_,
  ListResponse_MessageAttemptOut_,
  ListResponse_MessageEndpointOut_,
  ListResponse_MessageOut_,
  MessageOut,
  OAuthAuthorizeOut,
  OAuthConnectionOut,
  ReplayWindowIn,
  TransformationBacktestOut,
  TransformationRunIn,
  TransformationRunOut,
} from './openapi-types.ts';

const enc = encodeURIComponent;

export type ReplayKind = 'recover' | 'replay-missing' | 'bulk-replay';

export interface AttemptFilter {
  status?: number | undefined;
  eventTypes?: string[] | undefined;
  after?: string | undefined;
  before?: string | undefined;
  iterator?: string | undefined;
  limit?: number;
}

/** The API operations the dashboard uses, typed by the API's own OpenAPI document. */
export function switchyardApi(client: ApiClient) {
  const app = (appId: string) => `/api/v1/app/${enc(appId)}`;
  const endpoint = (appId: string, endpointId: string) => `${app(appId)}/endpoint/${enc(endpointId)}`;

  return {
    listApps: (iterator?: string) =>
      client.get<ListResponse_ApplicationOut_>('/api/v1/app', { limit: 100, iterator }),
    getApp: (appId: string) => client.get<ApplicationOut>(app(appId)),

    listEventTypes: () =>
      client.get<ListResponse_EventTypeOut_>('/api/v1/event-type', { limit: 250, with_content: true }),
    getEventType: (name: string) => client.get<EventTypeOut>(`/api/v1/event-type/${enc(name)}`),

    listConnectors: () => client.get<{ data: ConnectorOut[] }>('/api/v1/connectors'),

    listEndpoints: (appId: string) =>
      client.get<ListResponse_EndpointOut_>(`${app(appId)}/endpoint`, { limit: 250 }),
    getEndpoint: (appId: string, endpointId: string) => client.get<EndpointOut>(endpoint(appId, endpointId)),
    createEndpoint: (appId: string, body: EndpointIn) =>
      client.post<EndpointOut>(`${app(appId)}/endpoint`, body),
    patchEndpoint: (appId: string, endpointId: string, body: EndpointPatch) =>
      client.patch<EndpointOut>(endpoint(appId, endpointId), body),
    deleteEndpoint: (appId: string, endpointId: string) => client.delete(endpoint(appId, endpointId)),
    endpointStats: (appId: string, endpointId: string, since?: string) =>
      client.get<EndpointStats>(`${endpoint(appId, endpointId)}/stats`, { since }),
    getSecret: (appId: string, endpointId: string) =>
      client.get<{ key: string }>(`${endpoint(appId, endpointId)}/secret`),
    rotateSecret: (appId: string, endpointId: string) =>
      client.post<void>(`${endpoint(appId, endpointId)}/secret/rotate`, {}),
    getHeaders: (appId: string, endpointId: string) =>
      client.get<EndpointHeadersOut>(`${endpoint(appId, endpointId)}/headers`),
    patchHeaders: (appId: string, endpointId: string, body: EndpointHeadersPatchIn) =>
      client.patch<void>(`${endpoint(appId, endpointId)}/headers`, body),
    setCredentials: (
      appId: string,
      endpointId: string,
      credentials: Record<string, string>,
      region?: string,
    ) => client.patch<void>(`${endpoint(appId, endpointId)}/connector`, { credentials, region }),

    getTransformation: (appId: string, endpointId: string) =>
      client.get<EndpointTransformationOut>(`${endpoint(appId, endpointId)}/transformation`),
    patchTransformation: (appId: string, endpointId: string, body: EndpointTransformationPatch) =>
      client.patch<void>(`${endpoint(appId, endpointId)}/transformation`, body),
    runTransformation: (body: TransformationRunIn) =>
      client.post<TransformationRunOut>('/api/v1/transformations/run', body),
    backtest: (appId: string, endpointId: string, code: string, limit = 10) =>
      client.post<TransformationBacktestOut>(`${endpoint(appId, endpointId)}/transformation/backtest`, {
        code,
        limit,
      }),

    sendExample: (appId: string, endpointId: string, eventType: string) =>
      client.post<MessageOut>(`${endpoint(appId, endpointId)}/send-example`, { eventType }),
    endpointMessages: (appId: string, endpointId: string, filter: AttemptFilter = {}) =>
      client.get<ListResponse_EndpointMessageOut_>(`${endpoint(appId, endpointId)}/msg`, {
        limit: filter.limit ?? 50,
        status: filter.status,
        event_types: filter.eventTypes,
        after: filter.after,
        before: filter.before,
        iterator: filter.iterator,
      }),
    listMessages: (appId: string, filter: AttemptFilter = {}) =>
      client.get<ListResponse_MessageOut_>(`${app(appId)}/msg`, {
        limit: filter.limit ?? 50,
        event_types: filter.eventTypes,
        after: filter.after,
        before: filter.before,
        iterator: filter.iterator,
        with_content: false,
      }),
    getMessage: (appId: string, messageId: string) =>
      client.get<MessageOut>(`${app(appId)}/msg/${enc(messageId)}`),
    messageDestinations: (appId: string, messageId: string) =>
      client.get<ListResponse_MessageEndpointOut_>(`${app(appId)}/msg/${enc(messageId)}/endpoint`, {
        limit: 100,
      }),
    messageAttempts: (appId: string, messageId: string) =>
      client.get<ListResponse_MessageAttemptOut_>(`${app(appId)}/attempt/msg/${enc(messageId)}`, {
        limit: 100,
        expanded_statuses: true,
      }),
    endpointAttempts: (appId: string, endpointId: string, filter: AttemptFilter = {}) =>
      client.get<ListResponse_MessageAttemptOut_>(`${app(appId)}/attempt/endpoint/${enc(endpointId)}`, {
        limit: filter.limit ?? 50,
        status: filter.status,
        event_types: filter.eventTypes,
        after: filter.after,
        before: filter.before,
        iterator: filter.iterator,
        with_msg: true,
        with_content: false,
        expanded_statuses: true,
      }),
    resend: (appId: string, messageId: string, endpointId: string) =>
      client.post<Record<string, never>>(
        `${app(appId)}/msg/${enc(messageId)}/endpoint/${enc(endpointId)}/resend`,
      ),
    startReplay: (appId: string, endpointId: string, kind: ReplayKind, window: ReplayWindowIn) =>
      client.post<BackgroundTaskOut>(`${endpoint(appId, endpointId)}/${kind}`, window),
    activity: (appId: string, query: { since: string; bucket: ActivityOut['bucket']; endpointId?: string }) =>
      client.get<ActivityOut>(`${app(appId)}/activity`, {
        since: query.since,
        bucket: query.bucket,
        endpoint_id: query.endpointId,
      }),
    authorizeOAuth: (appId: string, connectorId: string, returnPath: string, endpointId?: string) =>
      client.post<OAuthAuthorizeOut>(`${app(appId)}/oauth/${enc(connectorId)}/authorize`, {
        returnPath,
        endpointId,
      }),
    endpointOAuthConnections: (appId: string, endpointId: string) =>
      client.get<{ data: OAuthConnectionOut[] }>(`${app(appId)}/oauth-connection`, { endpointId, limit: 10 }),
    getOAuthConnection: (appId: string, connectionId: string) =>
      client.get<OAuthConnectionOut>(`${app(appId)}/oauth-connection/${enc(connectionId)}`),
    getAlerts: (appId: string) => client.get<AlertSettingsOut>(`${app(appId)}/alerts`),
    putAlerts: (appId: string, body: AlertSettingsIn) =>
      client.put<AlertSettingsOut>(`${app(appId)}/alerts`, body),
    getTask: (taskId: string) => client.get<BackgroundTaskOut>(`/api/v1/background-task/${enc(taskId)}`),
  };
}

export type SwitchyardApi = ReturnType<typeof switchyardApi>;
