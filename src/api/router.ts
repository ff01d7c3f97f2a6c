import { OpenAPIHono } from '@hono/zod-openapi';
import { validationError } from './api-error.ts';
import type { ApiEnv } from './context.ts';
import { toValidationIssues } from './problem.ts';

const PART_NAMES: Record<string, string> = { json: 'body', query: 'query', param: 'path', header: 'header' };

/** A router whose request validation fails with Svix's 422 shape, naming each invalid field. */
export function createRouter() {
  return new OpenAPIHono<ApiEnv>({
    strict: false,
    defaultHook: (result) => {
      if (!result.success) {
        throw validationError(toValidationIssues(result.error, PART_NAMES[result.target] ?? result.target));
      }
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
