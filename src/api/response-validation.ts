import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { ApiEnv } from './context.ts';
import { problemResponse } from './problem.ts';

interface OpenApiDocument {
  paths?: Record<string, Record<string, { responses?: Record<string, unknown> } | undefined>>;
}

/** Every error answer, whatever the route: RFC 9457 problem details, with Svix's code where it has one. */
const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: {},
    code: { type: 'string' },
  },
};

/** A document path (`/api/v1/app/{app_id}`) as a pattern; paths with fewer parameters are tried first. */
function matchersOf(document: OpenApiDocument) {
  return Object.keys(document.paths ?? {})
    .map((template) => {
      const params = template.match(/\{[^}]+\}/g)?.length ?? 0;
      const source = template
        .split(/\{[^}]+\}/)
        .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
        .join('[^/]+');
      return { template, params, pattern: new RegExp(`^${source}$`) };
    })
    .sort((a, b) => a.params - b.params);
}

const pointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Checks every answer against the OpenAPI document the API serves: a success must be one the route
 * documents, with a body of its schema; an error must be problem+json. A mismatch becomes a 500 naming what
 * differs, so that a suite run with this on fails at the first response the document does not describe.
 * Meant for development, tests and staging: it costs a body read and a schema check per response.
 */
export function validateResponses(document: () => object, logger: Logger): MiddlewareHandler<ApiEnv> {
  let state:
    | {
        ajv: Ajv2020;
        matchers: ReturnType<typeof matchersOf>;
        doc: OpenApiDocument;
        problem: ValidateFunction;
      }
    | undefined;
  const validators = new Map<string, ValidateFunction | null>();

  function ready() {
    if (state) return state;
    const doc = document() as OpenApiDocument;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(doc as object, 'openapi');
    state = { ajv, matchers: matchersOf(doc), doc, problem: ajv.compile(PROBLEM_SCHEMA) };
    return state;
  }

  function validatorFor(
    template: string,
    method: string,
    status: number,
  ): ValidateFunction | null | undefined {
    const { ajv, doc } = ready();
    const responses = doc.paths?.[template]?.[method]?.responses;
    const documented = responses?.[String(status)] ?? responses?.[`${String(status)[0]}XX`];
    if (!documented) return undefined;
    const key = `${method} ${template} ${status}`;
    if (!validators.has(key)) {
      const content = (documented as { content?: Record<string, { schema?: unknown }> }).content;
      const schema = content?.['application/json']?.schema;
      const at = responses?.[String(status)] ? String(status) : `${String(status)[0]}XX`;
      validators.set(
        key,
        schema === undefined
          ? null
          : ajv.compile({
              $ref: `openapi#/paths/${pointer(template)}/${method}/responses/${at}/content/${pointer('application/json')}/schema`,
            }),
      );
    }
    return validators.get(key);
  }

  return async (c, next) => {
    await next();
    const { matchers, problem, doc } = ready();
    const method = c.req.method.toLowerCase();
    const template = matchers.find((m) => m.pattern.test(c.req.path) && doc.paths?.[m.template]?.[method]);
    if (!template) return;
    const status = c.res.status;
    const contentType = c.res.headers.get('content-type') ?? '';
    const body = contentType.includes('json') ? await c.res.clone().json() : undefined;
    let mismatch: string | undefined;
    if (status >= 400) {
      if (!contentType.startsWith('application/problem+json')) mismatch = `content-type ${contentType}`;
      else if (!problem(body)) mismatch = JSON.stringify(problem.errors);
    } else {
      const validate = validatorFor(template.template, method, status);
      if (validate === undefined) mismatch = `status ${status} is not documented`;
      else if (validate && !validate(body)) mismatch = JSON.stringify(validate.errors?.slice(0, 5));
    }
    if (mismatch === undefined) return;
    const detail = `${c.req.method} ${template.template} answered ${status}, which the OpenAPI document does not describe: ${mismatch}`;
    logger.error({ requestId: c.get('requestId') }, detail);
    c.res = problemResponse(500, 'response_invalid', detail);
  };
}
