import { createRoute, z } from '@hono/zod-openapi';
import { ALERT_KINDS } from '../db/index.ts';
import { requireApp } from './auth.ts';
import { errorResponses, jsonBody, jsonResponse } from './common-schemas.ts';
import type { ApiOptions } from './context.ts';
import { createRouter } from './router.ts';

/** More would make an app's alerts a mailing list, and Switchyard a way to send mail to strangers. */
export const MAX_ALERT_EMAILS = 20;

const alertKindSchema = z.enum(ALERT_KINDS).openapi({
  description:
    '`endpoint.failing`: a message has failed four attempts to the endpoint; `endpoint.disabled`: the endpoint was disabled; `message.attempt.exhausted`: a message failed every attempt.',
});

const emailSchema = z.email('must be an email address such as ops@example.com').max(254);

const alertSettingsInSchema = z
  .strictObject({
    emails: z
      .array(emailSchema)
      .max(MAX_ALERT_EMAILS, `at most ${MAX_ALERT_EMAILS} addresses`)
      .superRefine((emails, context) => {
        const seen = new Set<string>();
        emails.forEach((email, index) => {
          const key = email.toLowerCase();
          if (seen.has(key)) context.addIssue({ code: 'custom', path: [index], message: 'listed twice' });
          seen.add(key);
        });
      })
      .openapi({ example: ['ops@acme.example'], description: 'Who is emailed; empty sends nothing.' }),
    events: z
      .array(alertKindSchema)
      .refine((kinds) => new Set(kinds).size === kinds.length, 'each kind may be listed once')
      .optional()
      .openapi({ description: 'Which alerts are emailed; omitted, every kind.' }),
  })
  .openapi('AlertSettingsIn');

const alertSettingsOutSchema = z
  .object({
    emails: z.array(z.string()),
    events: z.array(alertKindSchema),
  })
  .openapi('AlertSettingsOut');

const appIdParam = z.object({ app_id: z.string().min(1).max(256) });
const tags = ['Alerts'];

/**
 * An app's failure email alerts: who is emailed when one of its endpoints starts failing, is disabled, or
 * exhausts a message. App-portal tokens manage their own app's, as merchants set them in the dashboard.
 */
export function alertRoutes({ store }: ApiOptions) {
  const router = createRouter();
  const toOut = (settings: { emails: string[]; kinds: z.infer<typeof alertKindSchema>[] }) => ({
    emails: settings.emails,
    events: settings.kinds,
  });

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app/{app_id}/alerts',
      tags,
      summary: "Get the app's failure email alert settings",
      request: { params: appIdParam },
      responses: { 200: jsonResponse(alertSettingsOutSchema, 'The settings'), ...errorResponses },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      return c.json(toOut(await store.alerts.settings(app.id)), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/app/{app_id}/alerts',
      tags,
      summary: "Replace the app's failure email alert settings",
      request: { params: appIdParam, ...jsonBody(alertSettingsInSchema) },
      responses: { 200: jsonResponse(alertSettingsOutSchema, 'The settings saved'), ...errorResponses },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const body = c.req.valid('json');
      const saved = await store.alerts.saveSettings(app.id, {
        emails: body.emails,
        kinds: body.events ?? [...ALERT_KINDS],
      });
      return c.json(toOut(saved), 200);
    },
  );

  return router;
}
