import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { isJsonObject } from '../json-value.ts';

/**
 * Customer.io's Track API contract (shared/reference/destinations.md §2, from Customer.io's OpenAPI 3.1
 * `journeys-track.json`). The rules below are used twice: by `checkCustomerioRequest` before any network call,
 * and by the fake server in `fake.ts`, so the two can never disagree.
 */

/** Track API hosts per data region. */
export const CUSTOMERIO_US_HOST = 'track.customer.io';
export const CUSTOMERIO_EU_HOST = 'track-eu.customer.io';

/** Customer.io writes "KB"; like Segment's SDK, 1 KB = 1,024 bytes. */
const KB = 1024;
/** `/api/v2/entity`: the request body must be under 32 KB. */
export const ENTITY_MAX_BYTES = 32 * KB;
/** `/api/v2/batch`: the request body must be under 500 KB. */
export const BATCH_MAX_BYTES = 500 * KB;
/** One operation inside a batch: at most 32 KB. */
export const BATCH_OPERATION_MAX_BYTES = 32 * KB;
/** Person ids and attribute names. */
export const NAME_MAX_BYTES = 150;
export const ATTRIBUTE_VALUE_MAX_BYTES = 1000;
export const ATTRIBUTES_MAX_COUNT = 300;
export const EVENT_NAME_MAX_BYTES = 100;
export const EVENT_DATA_MAX_BYTES = 100_000;

export const ENTITY_TYPES = ['person', 'object', 'delivery'] as const;
export const PERSON_ACTIONS = [
  'identify',
  'delete',
  'event',
  'screen',
  'page',
  'add_relationships',
  'delete_relationships',
  'add_device',
  'delete_device',
  'merge',
  'suppress',
  'unsuppress',
] as const;
export const OBJECT_ACTIONS = [
  'identify',
  'delete',
  'event',
  'add_relationships',
  'delete_relationships',
] as const;
/** `type: "delivery"` only takes `action: "event"`, with the metric as `name`. */
export const DELIVERY_ACTIONS = ['event'] as const;
export const DELIVERY_METRICS = ['opened', 'converted', 'delivered'] as const;
export const PERSON_IDENTIFIERS = ['id', 'email', 'phone', 'cio_id'] as const;

/**
 * One thing the Track API rejects, as its 400 body reports it: `field` is relative to the operation
 * (`action`, `identifiers`, `attributes.plan`), or empty for the operation as a whole.
 */
export interface OperationProblem {
  reason: 'required' | 'invalid' | 'too_large';
  field: string;
  message: string;
}

const encoder = new TextEncoder();

export function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/** What a value costs against Customer.io's byte limits: a string's UTF-8 bytes, anything else its JSON. */
export function valueBytes(value: unknown): number {
  if (typeof value === 'string') return byteLength(value);
  const json = JSON.stringify(value);
  return json === undefined ? 0 : byteLength(json);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function join(prefix: string, field: string): string {
  if (prefix === '') return field;
  if (field === '') return prefix;
  return field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`;
}

function quote(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `payment_completed` → `Payment Completed`: the event name to suggest when a custom action was sent. */
export function titleCase(action: string): string {
  return action
    .split(/[_\-\s.]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

function actionsFor(type: string): readonly string[] {
  if (type === 'person') return PERSON_ACTIONS;
  if (type === 'object') return OBJECT_ACTIONS;
  return DELIVERY_ACTIONS;
}

/** `identifiers` with exactly one of id | email | phone | cio_id, each a non-empty string (`id` may be an integer). */
function personIdentifierProblems(value: unknown, field: string): OperationProblem[] {
  const allowed = PERSON_IDENTIFIERS.join(' | ');
  if (value === undefined) {
    return [
      {
        reason: 'required',
        field,
        message: `${field} is required: an object with exactly one of ${allowed}`,
      },
    ];
  }
  if (!isJsonObject(value)) {
    return [
      { reason: 'invalid', field, message: `${field} must be an object with exactly one of ${allowed}` },
    ];
  }
  const keys = Object.keys(value);
  const unknown = keys.filter((key) => !(PERSON_IDENTIFIERS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    return [
      {
        reason: 'invalid',
        field,
        message: `${field} may only hold one of ${allowed}; ${unknown.map((key) => `"${key}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a Customer.io identifier`,
      },
    ];
  }
  if (keys.length !== 1) {
    return [
      {
        reason: keys.length === 0 ? 'required' : 'invalid',
        field,
        message:
          keys.length === 0
            ? `${field} is empty: give exactly one of ${allowed}`
            : `${field} must hold exactly one identifier, not ${keys.length} (${keys.join(', ')}): keep one of ${allowed}`,
      },
    ];
  }
  const key = keys[0]!;
  const identifier = value[key];
  const keyField = `${field}.${key}`;
  const integerId = key === 'id' && typeof identifier === 'number' && Number.isSafeInteger(identifier);
  if (!integerId && !isNonEmptyString(identifier)) {
    return [
      {
        reason: identifier === undefined || identifier === null || identifier === '' ? 'required' : 'invalid',
        field: keyField,
        message: `${keyField} must be a non-empty string${key === 'id' ? ' (or an integer)' : ''}, not ${quote(identifier)}`,
      },
    ];
  }
  if (valueBytes(String(identifier)) > NAME_MAX_BYTES) {
    return [
      {
        reason: 'too_large',
        field: keyField,
        message: `${keyField} is ${valueBytes(String(identifier))} bytes; Customer.io allows at most ${NAME_MAX_BYTES}`,
      },
    ];
  }
  return [];
}

function objectIdentifierProblems(value: unknown, field: string): OperationProblem[] {
  const shape = '{"object_type_id": "1", "object_id": "acme"}';
  if (!isJsonObject(value)) {
    return [
      {
        reason: value === undefined ? 'required' : 'invalid',
        field,
        message: `${field} must be an object like ${shape}`,
      },
    ];
  }
  const problems: OperationProblem[] = [];
  const typeId = value.object_type_id;
  const typeIdOk =
    (typeof typeId === 'string' && /^\d+$/.test(typeId)) ||
    (typeof typeId === 'number' && Number.isSafeInteger(typeId) && typeId > 0);
  if (!typeIdOk) {
    problems.push({
      reason: typeId === undefined ? 'required' : 'invalid',
      field: `${field}.object_type_id`,
      message: `${field}.object_type_id must be the object type's numeric id (e.g. "1"), not ${quote(typeId)}`,
    });
  }
  const ids = ['object_id', 'cio_object_id'].filter((key) => value[key] !== undefined);
  const unknown = Object.keys(value).filter(
    (key) => !['object_type_id', 'object_id', 'cio_object_id'].includes(key),
  );
  if (unknown.length > 0) {
    problems.push({
      reason: 'invalid',
      field,
      message: `${field} may only hold object_type_id and one of object_id | cio_object_id, not ${unknown.join(', ')}`,
    });
  } else if (ids.length !== 1) {
    problems.push({
      reason: ids.length === 0 ? 'required' : 'invalid',
      field,
      message: `${field} must hold exactly one of object_id | cio_object_id, like ${shape}`,
    });
  } else {
    const idField = `${field}.${ids[0]}`;
    const id = value[ids[0]!];
    if (!isNonEmptyString(id)) {
      problems.push({ reason: 'invalid', field: idField, message: `${idField} must be a non-empty string` });
    } else if (byteLength(id) > NAME_MAX_BYTES) {
      problems.push({
        reason: 'too_large',
        field: idField,
        message: `${idField} is ${byteLength(id)} bytes; Customer.io allows at most ${NAME_MAX_BYTES}`,
      });
    }
  }
  return problems;
}

/** Person and object attributes (identify): names ≤ 150 B, values ≤ 1,000 B, at most 300 per call. */
function profileAttributeProblems(attributes: Record<string, unknown>, field: string): OperationProblem[] {
  const problems: OperationProblem[] = [];
  const names = Object.keys(attributes);
  if (names.length > ATTRIBUTES_MAX_COUNT) {
    problems.push({
      reason: 'too_large',
      field,
      message: `${field} has ${names.length} attributes; Customer.io accepts at most ${ATTRIBUTES_MAX_COUNT} per call`,
    });
  }
  for (const name of names) {
    const nameField = `${field}.${name}`;
    if (byteLength(name) > NAME_MAX_BYTES) {
      problems.push({
        reason: 'too_large',
        field: nameField,
        message: `the attribute name ${quote(name)} is ${byteLength(name)} bytes; Customer.io allows at most ${NAME_MAX_BYTES}`,
      });
    }
    const bytes = valueBytes(attributes[name]);
    if (bytes > ATTRIBUTE_VALUE_MAX_BYTES) {
      problems.push({
        reason: 'too_large',
        field: nameField,
        message: `${nameField} is ${bytes} bytes; Customer.io allows at most ${ATTRIBUTE_VALUE_MAX_BYTES} per attribute value`,
      });
    }
  }
  return problems;
}

function eventNameProblems(name: unknown, field: string, action: string): OperationProblem[] {
  if (!isNonEmptyString(name)) {
    return [
      {
        reason: name === undefined || name === null || name === '' ? 'required' : 'invalid',
        field,
        message: `${field} is required for action "${action}": a non-empty string such as "Payment Completed"`,
      },
    ];
  }
  if (byteLength(name) > EVENT_NAME_MAX_BYTES) {
    return [
      {
        reason: 'too_large',
        field,
        message: `${field} is ${byteLength(name)} bytes; Customer.io allows at most ${EVENT_NAME_MAX_BYTES} for an event name`,
      },
    ];
  }
  return [];
}

function timestampProblems(timestamp: unknown, field: string): OperationProblem[] {
  if (timestamp === undefined) return [];
  if (typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp >= 0) return [];
  const hint =
    typeof timestamp === 'string' && !Number.isNaN(Date.parse(timestamp))
      ? `; write Math.floor(Date.parse(${quote(timestamp)}) / 1000)`
      : '';
  return [
    {
      reason: 'invalid',
      field,
      message: `${field} must be an integer of Unix seconds, not ${quote(timestamp)}${hint}`,
    },
  ];
}

function eventIdProblems(id: unknown, field: string): OperationProblem[] {
  if (id === undefined || isNonEmptyString(id)) return [];
  return [
    {
      reason: 'invalid',
      field,
      message: `${field} must be a non-empty string (a ULID is recommended) that Customer.io uses to drop repeats, not ${quote(id)}`,
    },
  ];
}

function eventDataProblems(data: unknown, field: string): OperationProblem[] {
  if (data === undefined) return [];
  if (!isJsonObject(data)) {
    return [{ reason: 'invalid', field, message: `${field} must be an object of event data` }];
  }
  const bytes = valueBytes(data);
  if (bytes > EVENT_DATA_MAX_BYTES) {
    return [
      {
        reason: 'too_large',
        field,
        message: `${field} is ${bytes} bytes; Customer.io allows at most ${EVENT_DATA_MAX_BYTES} of event data`,
      },
    ];
  }
  return [];
}

function actionProblem(type: string, action: unknown, name: unknown): OperationProblem {
  const allowed = actionsFor(type);
  if (action === undefined || action === null || action === '') {
    return {
      reason: 'required',
      field: 'action',
      message: `action is required for type "${type}": one of ${allowed.join(', ')}`,
    };
  }
  const known = typeof action === 'string' && (PERSON_ACTIONS as readonly string[]).includes(action);
  if (typeof action === 'string' && type !== 'delivery' && !known) {
    const suggested = isNonEmptyString(name) ? name : titleCase(action);
    return {
      reason: 'invalid',
      field: 'action',
      message: `${quote(action)} is not a Customer.io action; send action "event" with name ${quote(suggested)} (the ${type} actions are ${allowed.join(', ')})`,
    };
  }
  return {
    reason: 'invalid',
    field: 'action',
    message: `${quote(action)} is not a Customer.io action for type "${type}": use one of ${allowed.join(', ')}`,
  };
}

/**
 * Everything the Track v2 API would reject in one operation (the body of `/api/v2/entity`, or one item of
 * `/api/v2/batch`). Sizes of the operation as a whole are the caller's: they differ per endpoint.
 */
export function operationProblems(op: unknown): OperationProblem[] {
  if (!isJsonObject(op)) {
    return [
      {
        reason: 'invalid',
        field: '',
        message: `an operation must be a JSON object like {"type":"person","identifiers":{"id":"42"},"action":"event","name":"Payment Completed"}, not ${quote(op)}`,
      },
    ];
  }
  const type = op.type;
  if (typeof type !== 'string' || !(ENTITY_TYPES as readonly string[]).includes(type)) {
    return [
      {
        reason: type === undefined ? 'required' : 'invalid',
        field: 'type',
        message: `type must be one of ${ENTITY_TYPES.join(', ')}, not ${quote(type)}`,
      },
    ];
  }
  const action = op.action;
  if (typeof action !== 'string' || !actionsFor(type).includes(action)) {
    // Without a valid action there is no schema to check the rest against; say what to write instead.
    const problems = [actionProblem(type, action, op.name)];
    if (type !== 'delivery') {
      const identifiers =
        type === 'person'
          ? personIdentifierProblems(op.identifiers, 'identifiers')
          : objectIdentifierProblems(op.identifiers, 'identifiers');
      problems.push(...identifiers);
    }
    return problems;
  }

  const problems: OperationProblem[] = [];
  if (type === 'person' && action === 'merge') {
    problems.push(...personIdentifierProblems(op.primary, 'primary'));
    problems.push(...personIdentifierProblems(op.secondary, 'secondary'));
    return problems;
  }
  if (type === 'person') problems.push(...personIdentifierProblems(op.identifiers, 'identifiers'));
  else if (type === 'object') problems.push(...objectIdentifierProblems(op.identifiers, 'identifiers'));
  else {
    const ids = op.identifiers;
    if (!isJsonObject(ids) || !isNonEmptyString(ids.id) || Object.keys(ids).length !== 1) {
      problems.push({
        reason: ids === undefined ? 'required' : 'invalid',
        field: 'identifiers',
        message: 'identifiers must be {"id": "<the delivery_id>"} for type "delivery"',
      });
    }
  }
  problems.push(...timestampProblems(op.timestamp, 'timestamp'));

  const attributes = op.attributes;
  if (attributes !== undefined && !isJsonObject(attributes)) {
    problems.push({ reason: 'invalid', field: 'attributes', message: 'attributes must be a JSON object' });
  }
  const attributesObject = isJsonObject(attributes) ? attributes : undefined;

  switch (action) {
    case 'event':
      if (type === 'delivery') {
        if (typeof op.name !== 'string' || !(DELIVERY_METRICS as readonly string[]).includes(op.name)) {
          problems.push({
            reason: op.name === undefined ? 'required' : 'invalid',
            field: 'name',
            message: `name is the delivery metric: one of ${DELIVERY_METRICS.join(', ')}, not ${quote(op.name)}`,
          });
        }
        if (attributes === undefined) {
          problems.push({
            reason: 'required',
            field: 'attributes',
            message: 'attributes is required for a delivery event (e.g. {"device_token": "..."})',
          });
        }
        break;
      }
      problems.push(...eventNameProblems(op.name, 'name', action));
      problems.push(...eventIdProblems(op.id, 'id'));
      if (attributesObject) problems.push(...eventDataProblems(attributesObject, 'attributes'));
      break;
    case 'screen':
    case 'page':
      if (!isNonEmptyString(op.name)) {
        problems.push({
          reason: op.name === undefined ? 'required' : 'invalid',
          field: 'name',
          message: `name is required for action "${action}": the ${action === 'page' ? 'page URL' : 'screen name'}`,
        });
      }
      problems.push(...eventIdProblems(op.id, 'id'));
      if (attributesObject) problems.push(...eventDataProblems(attributesObject, 'attributes'));
      break;
    case 'identify':
      if (attributesObject) problems.push(...profileAttributeProblems(attributesObject, 'attributes'));
      if (op.cio_relationships !== undefined && !Array.isArray(op.cio_relationships)) {
        problems.push({
          reason: 'invalid',
          field: 'cio_relationships',
          message: 'cio_relationships must be an array of relationships',
        });
      }
      break;
    case 'add_relationships':
    case 'delete_relationships':
      if (!Array.isArray(op.cio_relationships) || op.cio_relationships.length === 0) {
        problems.push({
          reason: op.cio_relationships === undefined ? 'required' : 'invalid',
          field: 'cio_relationships',
          message: `cio_relationships is required for action "${action}": a non-empty array`,
        });
      }
      break;
    case 'add_device':
    case 'delete_device': {
      const device = op.device;
      if (!isJsonObject(device) || !isNonEmptyString(device.token)) {
        problems.push({
          reason: device === undefined ? 'required' : 'invalid',
          field: 'device',
          message: `device is required for action "${action}": an object with a non-empty token`,
        });
      } else if (action === 'add_device' && device.platform !== 'ios' && device.platform !== 'android') {
        problems.push({
          reason: 'invalid',
          field: 'device.platform',
          message: `device.platform must be "ios" or "android", not ${quote(device.platform)}`,
        });
      }
      break;
    }
    default:
      // delete, suppress, unsuppress: identifiers are all they take.
      break;
  }
  return problems;
}

/** Why a whole `/api/v2/entity` body is rejected: size, then the operation. */
export function entityProblems(body: unknown, bodyBytes: number): OperationProblem[] {
  if (bodyBytes >= ENTITY_MAX_BYTES) {
    return [
      {
        reason: 'too_large',
        field: '',
        message: `the request body is ${bodyBytes} bytes; /api/v2/entity takes less than ${ENTITY_MAX_BYTES} (32 KB): split the data or use /api/v2/batch`,
      },
    ];
  }
  return operationProblems(body);
}

export interface BatchValidation {
  /** The body itself is unusable: the whole request is rejected (400). */
  envelope: OperationProblem[];
  /** Per item, by index: those items are rejected and the others accepted (207). */
  items: { index: number; problems: OperationProblem[] }[];
  operations: unknown[];
}

export function batchProblems(body: unknown, bodyBytes: number): BatchValidation {
  if (bodyBytes >= BATCH_MAX_BYTES) {
    return {
      envelope: [
        {
          reason: 'too_large',
          field: '',
          message: `the request body is ${bodyBytes} bytes; /api/v2/batch takes less than ${BATCH_MAX_BYTES} (500 KB)`,
        },
      ],
      items: [],
      operations: [],
    };
  }
  if (!isJsonObject(body) || !Array.isArray(body.batch) || body.batch.length === 0) {
    return {
      envelope: [
        {
          reason: isJsonObject(body) && body.batch === undefined ? 'required' : 'invalid',
          field: 'batch',
          message: 'the body must be {"batch": [operation, ...]} with at least one operation',
        },
      ],
      items: [],
      operations: [],
    };
  }
  const items: BatchValidation['items'] = [];
  body.batch.forEach((op, index) => {
    const bytes = valueBytes(op);
    const problems: OperationProblem[] =
      bytes > BATCH_OPERATION_MAX_BYTES
        ? [
            {
              reason: 'too_large',
              field: '',
              message: `the operation is ${bytes} bytes; each batch operation may be at most ${BATCH_OPERATION_MAX_BYTES} (32 KB)`,
            },
          ]
        : operationProblems(op);
    if (problems.length > 0) items.push({ index, problems });
  });
  return { envelope: [], items, operations: body.batch };
}

/** The Track v2 endpoints this card sends to. */
export type CustomerioEndpoint = 'entity' | 'batch';

export function endpointOf(pathname: string): CustomerioEndpoint | undefined {
  const path = pathname.replace(/\/+$/, '');
  if (path === '/api/v2/entity') return 'entity';
  if (path === '/api/v2/batch') return 'batch';
  return undefined;
}

function hostFindings(url: URL, region: ConnectorRegion): ContractFinding[] {
  const host = url.hostname.toLowerCase();
  const right = region.hosts[0] ?? CUSTOMERIO_US_HOST;
  if (region.hosts.includes(host)) return [];
  if (host === CUSTOMERIO_EU_HOST) {
    return [
      {
        field: 'url',
        message: `${host} is Customer.io's EU host, and a US account posting to it fails; this endpoint's region is ${region.label}: send to https://${right}${url.pathname}`,
      },
    ];
  }
  if (host === CUSTOMERIO_US_HOST) {
    return [
      {
        field: 'url',
        message: `${host} is Customer.io's US host: an EU account's data sent there is redirected and passes through the US; this endpoint's region is ${region.label}: send to https://${right}${url.pathname}`,
      },
    ];
  }
  return [
    {
      field: 'url',
      message: `${host} is not Customer.io's Track API host for ${region.label}: send to https://${right}/api/v2/entity (or /api/v2/batch)`,
    },
  ];
}

function findingsOf(problems: OperationProblem[], prefix: string): ContractFinding[] {
  return problems.map((problem) => ({ field: join(prefix, problem.field), message: problem.message }));
}

/** What Customer.io would silently take wrongly: not rejected, but worth fixing before it is sent. */
function advisoryFindings(op: unknown, prefix: string): ContractFinding[] {
  if (!isJsonObject(op)) return [];
  const findings: ContractFinding[] = [];
  // Unix seconds are ten digits today; thirteen means milliseconds, a date tens of thousands of years ahead.
  if (typeof op.timestamp === 'number' && op.timestamp > 100_000_000_000) {
    findings.push({
      field: join(prefix, 'timestamp'),
      message: `timestamp ${op.timestamp} looks like milliseconds; Customer.io wants Unix seconds: divide by 1000`,
    });
  }
  return findings;
}

/**
 * Customer.io's Track contract for what a transformation built, checked before any network call:
 * `POST https://<region host>/api/v2/entity` with one operation, or `/api/v2/batch` with `{batch: [...]}`.
 */
export function checkCustomerioRequest(
  request: TransformedRequest,
  region: ConnectorRegion,
): ContractFinding[] {
  const findings: ContractFinding[] = [];
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return [{ field: 'url', message: `${quote(request.url)} is not a URL` }];
  }
  if (url.protocol !== 'https:') {
    findings.push({ field: 'url', message: `Customer.io's Track API is HTTPS only, not ${url.protocol}` });
  }
  findings.push(...hostFindings(url, region));
  const endpoint = endpointOf(url.pathname);
  if (endpoint === undefined) {
    findings.push({
      field: 'url',
      message: `${url.pathname} is not a Track v2 endpoint this card sends to: use /api/v2/entity for one operation or /api/v2/batch for several`,
    });
  }
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `Customer.io's ${endpoint === undefined ? 'Track v2 endpoints take' : `/api/v2/${endpoint} takes`} POST, not ${request.method}`,
    });
  }
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization') {
      findings.push({
        field: 'headers.authorization',
        message:
          'the transformation sets Authorization, which would replace the card credentials: remove it (Switchyard sends Basic base64(site_id:api_key) from the Site ID and API Key)',
      });
    } else if (lower === 'content-type' && !/^application\/json\s*(;|$)/i.test(value)) {
      findings.push({
        field: 'headers.content-type',
        message: `Customer.io takes JSON only: Content-Type must be application/json, not ${quote(value)}`,
      });
    }
  }
  if (endpoint === undefined) return findings;

  const json = JSON.stringify(request.payload);
  const bodyBytes = json === undefined ? 0 : byteLength(json);
  if (endpoint === 'entity') {
    findings.push(...findingsOf(entityProblems(request.payload, bodyBytes), 'payload'));
    findings.push(...advisoryFindings(request.payload, 'payload'));
  } else {
    const batch = batchProblems(request.payload, bodyBytes);
    findings.push(...findingsOf(batch.envelope, 'payload'));
    for (const item of batch.items)
      findings.push(...findingsOf(item.problems, `payload.batch[${item.index}]`));
    batch.operations.forEach((op, index) => {
      findings.push(...advisoryFindings(op, `payload.batch[${index}]`));
    });
  }
  return findings;
}
