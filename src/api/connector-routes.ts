import { createRoute, z } from '@hono/zod-openapi';
import { type Connector, connectors, findConnector } from '../connectors/index.ts';
import type { Endpoint } from '../db/index.ts';
import { notFound, type ValidationIssue, validationError } from './api-error.ts';
import { requireEndpoint } from './auth.ts';
import { errorResponses, jsonBody, jsonResponse, noContent } from './common-schemas.ts';
import type { ApiOptions } from './context.ts';
import { createRouter } from './router.ts';
import type { connectorOutSchema } from './svix-models.ts';

const credentialsSchema = z.record(z.string().max(64), z.string().max(4096));

/** What a client sends to make an endpoint from an integration card. */
export const connectorInSchema = z
  .strictObject({
    id: z.string().min(1).max(64),
    template: z.string().min(1).max(64).nullish(),
    region: z.string().min(1).max(32).nullish(),
    credentials: credentialsSchema.default({}),
    connection: z.string().min(1).max(64).nullish().openapi({
      description:
        'A completed OAuth connection of this card (conn_…, from POST …/oauth/{connector_id}/authorize): its webhook URL or tokens become the endpoint’s, in place of credentials',
    }),
  })
  .openapi('EndpointConnectorIn');

/** Shows a secret's last four characters at most, and only when it is long enough to keep the rest hidden. */
function mask(value: string): string {
  return value.length >= 12 ? `••••${value.slice(-4)}` : '••••';
}

export function toConnectorOut(
  endpoint: Endpoint,
  credentials: Record<string, string>,
): z.infer<typeof connectorOutSchema> | null {
  if (!endpoint.connectorId) return null;
  const connector = findConnector(endpoint.connectorId);
  const fields = connector?.manifest.credentials ?? [];
  return {
    id: endpoint.connectorId,
    name: connector?.manifest.name ?? endpoint.connectorId,
    template: endpoint.connectorTemplate,
    region: endpoint.connectorRegion,
    credentials: Object.fromEntries(
      Object.entries(credentials).map(([key, value]) => [
        key,
        fields.find((f) => f.id === key)?.secret === false ? value : mask(value),
      ]),
    ),
  };
}

/**
 * Checks a card's settings: the connector, region and template exist, and every credential field is present
 * and well-formed (and nothing else is sent).
 */
export function resolveConnector(input: z.infer<typeof connectorInSchema>, loc: (string | number)[]) {
  const connector = findConnector(input.id);
  if (!connector) {
    throw validationError([
      {
        loc: [...loc, 'id'],
        msg: `no connector '${input.id}' (GET /api/v1/connectors lists them)`,
        type: 'value_error',
      },
    ]);
  }
  const { manifest } = connector;
  const issues: ValidationIssue[] = [];
  const region = input.region ? manifest.regions.find((r) => r.id === input.region) : manifest.regions[0];
  if (!region) {
    issues.push({
      loc: [...loc, 'region'],
      msg: `must be one of ${manifest.regions.map((r) => r.id).join(', ')}`,
      type: 'value_error',
    });
  }
  const template = input.template ? manifest.templates.find((t) => t.id === input.template) : undefined;
  if (input.template && !template) {
    issues.push({
      loc: [...loc, 'template'],
      msg: `must be one of ${manifest.templates.map((t) => t.id).join(', ')}`,
      type: 'value_error',
    });
  }
  if (input.connection) {
    if (!manifest.oauth) {
      issues.push({
        loc: [...loc, 'connection'],
        msg: `${manifest.name} has no OAuth connect: send its credentials`,
        type: 'value_error',
      });
    }
    for (const key of Object.keys(input.credentials)) {
      issues.push({
        loc: [...loc, 'credentials', key],
        msg: 'leave it out: the OAuth connection supplies the credentials',
        type: 'value_error.extra',
      });
    }
    if (issues.length) throw validationError(issues);
    return { connector, region: region!, template };
  }
  for (const field of manifest.credentials) {
    const value = input.credentials[field.id];
    if (!value) {
      if (field.required !== false) {
        issues.push({
          loc: [...loc, 'credentials', field.id],
          msg: `${field.label} is required`,
          type: 'value_error',
        });
      }
    } else if (field.pattern && !new RegExp(field.pattern).test(value)) {
      issues.push({
        loc: [...loc, 'credentials', field.id],
        msg: `does not look like a ${field.label}: ${field.help}`,
        type: 'value_error',
      });
    }
  }
  for (const key of Object.keys(input.credentials)) {
    if (!manifest.credentials.some((f) => f.id === key)) {
      issues.push({
        loc: [...loc, 'credentials', key],
        msg: `${manifest.name} takes no credential '${key}'`,
        type: 'value_error.extra',
      });
    }
  }
  if (issues.length) throw validationError(issues);
  return { connector, region: region!, template };
}

const manifestSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    logo: z.string().openapi({ description: 'SVG document' }),
    category: z.string(),
    description: z.string(),
    instructions: z.string().openapi({ description: 'Markdown' }),
    authentication: z.enum(['basic', 'bearer', 'header', 'url', 'none']),
    credentials: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        secret: z.boolean(),
        pattern: z.string().optional(),
        help: z.string(),
        placeholder: z.string().optional(),
      }),
    ),
    regions: z.array(z.object({ id: z.string(), label: z.string(), hosts: z.array(z.string()) })),
    defaultEventTypes: z.array(z.string()),
    oauth: z
      .object({
        available: z.boolean().openapi({
          description:
            'This installation has an OAuth app for the vendor: show Connect. False: ask for the credentials (or the webhook URL) instead',
        }),
        scopes: z.array(z.string()),
        yields: z.enum(['webhook-url', 'tokens']),
      })
      .nullable()
      .openapi({ description: 'Null for a card without OAuth connect' }),
    templates: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        description: z.string(),
        code: z.string(),
        eventTypes: z.array(z.string()),
      }),
    ),
  })
  .openapi('ConnectorOut');

export function connectorRoutes({ store, oauth: clients = new Map() }: ApiOptions) {
  const router = createRouter();
  /** The card as the dashboard needs it: with whether this installation can connect it through OAuth. */
  const cardOut = ({ manifest }: Connector) => {
    const { oauth, ...card } = manifest;
    return {
      ...card,
      oauth: oauth
        ? { available: clients.has(manifest.id), scopes: oauth.scopes, yields: oauth.yields }
        : null,
    };
  };

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/connectors',
      tags: ['Connector'],
      summary:
        'List the integration cards: logo, description, instructions, credential fields, regions, templates',
      responses: {
        200: jsonResponse(
          z.object({ data: z.array(manifestSchema) }).openapi('ListConnectorOut'),
          'Connectors',
        ),
        ...errorResponses,
      },
    }),
    (c) => c.json({ data: connectors.map(cardOut) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/connectors/{connector_id}',
      tags: ['Connector'],
      summary: 'Get one integration card',
      request: { params: z.object({ connector_id: z.string().min(1).max(64) }) },
      responses: { 200: jsonResponse(manifestSchema, 'The connector'), ...errorResponses },
    }),
    (c) => {
      const connector = findConnector(c.req.valid('param').connector_id);
      if (!connector) throw notFound('Connector');
      return c.json(cardOut(connector), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/app/{app_id}/endpoint/{endpoint_id}/connector',
      tags: ['Connector'],
      summary: "Replace a connector endpoint's credentials (rotation) or region, without recreating it",
      request: {
        params: z.object({ app_id: z.string().min(1).max(256), endpoint_id: z.string().min(1).max(256) }),
        ...jsonBody(
          z
            .strictObject({ region: z.string().min(1).max(32).optional(), credentials: credentialsSchema })
            .openapi('EndpointConnectorPatch'),
        ),
      },
      responses: { 204: noContent, ...errorResponses },
    }),
    async (c) => {
      const { app, endpoint } = await requireEndpoint(c, store);
      if (!endpoint.connectorId) throw notFound('Connector of this endpoint');
      const body = c.req.valid('json');
      const { region } = resolveConnector(
        {
          id: endpoint.connectorId,
          region: body.region ?? endpoint.connectorRegion,
          credentials: body.credentials,
        },
        ['body'],
      );
      await store.endpoints.setCredentials(app.id, endpoint.id, body.credentials, region.id);
      // Credentials given by hand replace what an OAuth connection gave: it no longer speaks for them.
      await store.oauthConnections.forgetEndpoint(endpoint.id);
      return c.body(null, 204);
    },
  );

  return router;
}
