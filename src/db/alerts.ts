import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from './database.ts';
import { ALERT_KINDS, type AlertKind, alertSends, appAlertSettings, attempts } from './schema.ts';

/** Who is emailed about an app's failing endpoints, and about what. */
export interface AlertSettings {
  emails: string[];
  kinds: AlertKind[];
}

/** The facts of one failed attempt that an alert may report. */
export interface AttemptSummary {
  statusCode: number;
  errorClass: string | null;
  /** The start of the recorded response or error; a caller decides whether it may be shown. */
  response: string | null;
  at: Date;
}

/** Enough of a stored response for a one-line reason; the rest stays in the dashboard. */
const RESPONSE_EXCERPT_CHARS = 500;

export function createAlertRepository(db: Executor) {
  const summary = {
    statusCode: attempts.responseStatusCode,
    errorClass: attempts.errorClass,
    response: sql<string | null>`left(${attempts.response}, ${sql.raw(String(RESPONSE_EXCERPT_CHARS))})`,
    at: attempts.createdAt,
  };

  return {
    /** An app's settings; an app that never set any has no addresses and every kind. */
    async settings(appId: string): Promise<AlertSettings> {
      const [row] = await db
        .select({ emails: appAlertSettings.emails, kinds: appAlertSettings.kinds })
        .from(appAlertSettings)
        .where(eq(appAlertSettings.appId, appId))
        .limit(1);
      return row ?? { emails: [], kinds: [...ALERT_KINDS] };
    },

    async saveSettings(appId: string, settings: AlertSettings): Promise<AlertSettings> {
      const values = { emails: settings.emails, kinds: settings.kinds, updatedAt: new Date() };
      const [row] = await db
        .insert(appAlertSettings)
        .values({ appId, ...values })
        .onConflictDoUpdate({ target: appAlertSettings.appId, set: values })
        .returning({ emails: appAlertSettings.emails, kinds: appAlertSettings.kinds });
      return row!;
    },

    /**
     * Takes the right to email an alert of this kind for the endpoint, unless one went out less than
     * `intervalMs` ago. One conditional upsert on the database's clock: of two processes racing, one wins.
     * @returns the time taken (to give it back with `releaseSend`), or undefined when rate-limited
     */
    async claimSend(endpointId: string, kind: AlertKind, intervalMs: number): Promise<Date | undefined> {
      const [row] = await db
        .insert(alertSends)
        .values({ endpointId, kind, sentAt: sql`now()` })
        .onConflictDoUpdate({
          target: [alertSends.endpointId, alertSends.kind],
          set: { sentAt: sql`excluded.sent_at` },
          setWhere: sql`${alertSends.sentAt} <= excluded.sent_at - ${intervalMs / 1000}::float8 * interval '1 second'`,
        })
        .returning({ sentAt: alertSends.sentAt });
      return row?.sentAt;
    },

    /** Gives back a claim whose email could not be sent, so that the next failure may try again. */
    async releaseSend(endpointId: string, kind: AlertKind, sentAt: Date): Promise<void> {
      await db
        .delete(alertSends)
        .where(
          and(
            eq(alertSends.endpointId, endpointId),
            eq(alertSends.kind, kind),
            eq(alertSends.sentAt, sentAt),
          ),
        );
    },

    async attempt(appId: string, attemptId: string): Promise<AttemptSummary | undefined> {
      const [row] = await db
        .select(summary)
        .from(attempts)
        .where(and(eq(attempts.appId, appId), eq(attempts.id, attemptId)))
        .limit(1);
      return row;
    },

    async latestAttempt(appId: string, endpointId: string): Promise<AttemptSummary | undefined> {
      const [row] = await db
        .select(summary)
        .from(attempts)
        .where(and(eq(attempts.appId, appId), eq(attempts.endpointId, endpointId)))
        .orderBy(desc(attempts.id))
        .limit(1);
      return row;
    },
  };
}

export type AlertRepository = ReturnType<typeof createAlertRepository>;
