import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ApiEnv } from './context.ts';
import { problemResponse } from './problem.ts';
import { validateResponses } from './response-validation.ts';

/** A one-route API whose handler answers whatever the test asks for, checked against its own document. */
function apiAnswering(answer: (kind: string) => Response) {
  const api = new OpenAPIHono<ApiEnv>();
  const document = { openapi: '3.1.0', info: { title: 't', version: '1' } };
  api.use('*', async (c, next) => {
    c.set('requestId', 'req_test');
    await next();
  });
  api.use(
    '/api/*',
    validateResponses(() => api.getOpenAPI31Document(document), pino({ level: 'silent' })),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/thing/{thing_id}',
      request: { params: z.object({ thing_id: z.string() }) },
      responses: {
        200: {
          description: 'A thing',
          content: {
            'application/json': {
              schema: z.object({ id: z.string(), count: z.number().int(), createdAt: z.iso.datetime() }),
            },
          },
        },
        204: { description: 'Nothing' },
      },
    }),
    (c) => answer(c.req.valid('param').thing_id) as never,
  );
  return (kind: string) => api.request(`/api/v1/thing/${kind}`);
}

const get = apiAnswering((kind) => {
  switch (kind) {
    case 'good':
      return Response.json({ id: 'a', count: 1, createdAt: '2026-11-30T12:00:00.000Z' });
    case 'wrong-type':
      return Response.json({ id: 'a', count: 'one', createdAt: '2026-11-30T12:00:00.000Z' });
    case 'bad-date':
      return Response.json({ id: 'a', count: 1, createdAt: 'yesterday' });
    case 'empty':
      return new Response(null, { status: 204 });
    case 'undocumented':
      return Response.json({ id: 'a' }, { status: 201 });
    case 'problem':
      return problemResponse(404, 'not_found', 'No such thing');
    case 'plain-error':
      return new Response('nope', { status: 404 });
    default:
      return Response.json(
        { detail: 'not a problem' },
        { status: 409, headers: { 'content-type': 'application/problem+json' } },
      );
  }
});

async function expectInvalid(kind: string, detail: RegExp) {
  const response = await get(kind);
  expect(response.status).toBe(500);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const body = (await response.json()) as { code: string; detail: string };
  expect(body.code).toBe('response_invalid');
  expect(body.detail).toMatch(detail);
}

describe('responses checked against the OpenAPI document', () => {
  it('passes what the document describes, successes and problems alike', async () => {
    expect((await get('good')).status).toBe(200);
    expect((await get('empty')).status).toBe(204);
    expect((await get('problem')).status).toBe(404);
  });

  it('turns a body off its schema into a 500 naming the route and the field', async () => {
    await expectInvalid('wrong-type', /GET \/api\/v1\/thing\/\{thing_id\} answered 200.*\/count/);
    await expectInvalid('bad-date', /createdAt/);
  });

  it('turns an undocumented status into a 500', async () => {
    await expectInvalid('undocumented', /status 201 is not documented/);
  });

  it('requires errors to be problem+json with type, title, status and detail', async () => {
    await expectInvalid('plain-error', /answered 404.*content-type text\/plain/);
    await expectInvalid('not-a-problem', /answered 409.*required property/);
  });
});
