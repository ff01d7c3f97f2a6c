import { and, eq, gt, isNull, or } from 'drizzle-orm';
import { createId, createToken, hashToken } from '../secrets/index.ts';
import type { Executor } from './database.ts';
import { apiTokens } from './schema.ts';

export type ApiToken = typeof apiTokens.$inferSelect;

export interface AppTokenOptions {
  expiresInSeconds: number;
  sessionId?: string | undefined;
}

export function createTokenRepository(db: Executor) {
  return {
    /** Issues an app-scoped token; only its hash is stored. */
    async issueAppToken(
      appId: string,
      options: AppTokenOptions,
    ): Promise<{ token: string; expiresAt: Date }> {
      const token = createToken('sy_app');
      const expiresAt = new Date(Date.now() + options.expiresInSeconds * 1000);
      await db.insert(apiTokens).values({
        id: createId('tok'),
        tokenHash: hashToken(token),
        appId,
        sessionId: options.sessionId ?? null,
        expiresAt,
      });
      return { token, expiresAt };
    },

    /** Stores a generated operator token's hash. */
    async storeOperatorToken(token: string): Promise<void> {
      await db.insert(apiTokens).values({ id: createId('tok'), tokenHash: hashToken(token), appId: null });
    },

    async hasOperatorToken(): Promise<boolean> {
      const [row] = await db
        .select({ id: apiTokens.id })
        .from(apiTokens)
        .where(isNull(apiTokens.appId))
        .limit(1);
      return row !== undefined;
    },

    /** The unexpired token with this value, if any. */
    async findValid(token: string, now = new Date()): Promise<ApiToken | undefined> {
      const [row] = await db
        .select()
        .from(apiTokens)
        .where(
          and(
            eq(apiTokens.tokenHash, hashToken(token)),
            or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
          ),
        )
        .limit(1);
      return row;
    },

    /** Expires an app's tokens (all, or those of some sessions) after `inSeconds`. */
    async expireAppTokens(appId: string, inSeconds: number, sessionIds?: string[]): Promise<void> {
      const expiresAt = new Date(Date.now() + inSeconds * 1000);
      const sessions = sessionIds?.length ? sessionIds.map((s) => eq(apiTokens.sessionId, s)) : [];
      await db
        .update(apiTokens)
        .set({ expiresAt })
        .where(
          and(
            eq(apiTokens.appId, appId),
            or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, expiresAt)),
            sessions.length ? or(...sessions) : undefined,
          ),
        );
    },

    async revoke(token: string): Promise<void> {
      await db.delete(apiTokens).where(eq(apiTokens.tokenHash, hashToken(token)));
    },
  };
}

export type TokenRepository = ReturnType<typeof createTokenRepository>;
