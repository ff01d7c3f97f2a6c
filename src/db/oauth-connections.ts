import { and, eq, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { createId, type SecretBox } from '../secrets/index.ts';
import { type Executor, rowsOf } from './database.ts';
import { allOf, fetchPage, type Page, type PageRequest } from './pagination.ts';
import { endpoints, type OAuthConnectionStatus, oauthConnections } from './schema.ts';

export type OAuthConnection = typeof oauthConnections.$inferSelect;

export interface NewOAuthConnection {
  appId: string;
  connectorId: string;
  /** The endpoint being reconnected, if any. */
  endpointId: string | null;
  stateHash: string;
  stateExpiresAt: Date;
  redirectUri: string;
  returnPath: string | null;
}

/** What a `state` coming back from the vendor turned out to be. */
export type StateUse =
  | { kind: 'unknown' }
  | { kind: 'used'; connection: OAuthConnection }
  | { kind: 'expired'; connection: OAuthConnection }
  | { kind: 'usable'; connection: OAuthConnection };

/** Why a connection could not be taken by a new endpoint, or what it held. */
export type ConnectionClaim =
  | { kind: 'claimed'; credentials: Record<string, string> }
  | { kind: 'not_found' }
  | { kind: 'not_connected'; connection: OAuthConnection }
  | { kind: 'taken'; connection: OAuthConnection };

/** The sealed credentials of an endpoint as stored, and opened: the stored form is what a swap compares. */
export interface StoredCredentials {
  sealed: string;
  credentials: Record<string, string>;
}

/** Connections in use by an endpoint: a pending reconnect of the same endpoint is not one. */
const ACTIVE: OAuthConnectionStatus[] = ['connected', 'needs_reconnect'];

export function createOAuthConnectionRepository(db: Executor, box: SecretBox) {
  const seal = (credentials: Record<string, string>) => box.encrypt(JSON.stringify(credentials));
  const open = (sealed: string) => JSON.parse(box.decrypt(sealed)) as Record<string, string>;
  const inApp = (appId: string, id: string) =>
    and(eq(oauthConnections.appId, appId), eq(oauthConnections.id, id));
  const activeFor = (endpointId: string) =>
    and(eq(oauthConnections.endpointId, endpointId), inArray(oauthConnections.status, ACTIVE));

  async function set(id: string, values: Partial<typeof oauthConnections.$inferInsert>) {
    const [row] = await db
      .update(oauthConnections)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(oauthConnections.id, id))
      .returning();
    return row;
  }

  return {
    async start(input: NewOAuthConnection): Promise<OAuthConnection> {
      const [row] = await db
        .insert(oauthConnections)
        .values({ id: createId('conn'), ...input })
        .returning();
      return row!;
    },

    /**
     * Uses a state once: the first call for a pending connection's state wins, whether or not the state has
     * expired (an expired one fails its connection); any later call finds it used.
     */
    async useState(connectorId: string, stateHash: string, now = new Date()): Promise<StateUse> {
      const ofState = and(
        eq(oauthConnections.stateHash, stateHash),
        eq(oauthConnections.connectorId, connectorId),
      );
      const [claimed] = await db
        .update(oauthConnections)
        .set({ stateUsedAt: now, updatedAt: now })
        .where(and(ofState, isNull(oauthConnections.stateUsedAt), eq(oauthConnections.status, 'pending')))
        .returning();
      if (claimed) {
        if (claimed.stateExpiresAt > now) return { kind: 'usable', connection: claimed };
        const failed = await set(claimed.id, {
          status: 'failed',
          errorCode: 'state_expired',
          errorDetail: 'The authorization took too long; connect again',
        });
        return { kind: 'expired', connection: failed ?? claimed };
      }
      const [seen] = await db.select().from(oauthConnections).where(ofState).limit(1);
      return seen ? { kind: 'used', connection: seen } : { kind: 'unknown' };
    },

    /** Keeps what the vendor gave, sealed, until an endpoint is made from it. */
    async complete(
      id: string,
      credentials: Record<string, string>,
      account: Record<string, string>,
    ): Promise<OAuthConnection> {
      return (await set(id, {
        status: 'connected',
        credentials: seal(credentials),
        account,
        errorCode: null,
        errorDetail: null,
      }))!;
    },

    /**
     * Records a reconnect that already gave its endpoint the new credentials: this connection becomes the
     * endpoint's, and the ones it replaces go.
     */
    async completeForEndpoint(
      id: string,
      endpointId: string,
      account: Record<string, string>,
    ): Promise<OAuthConnection> {
      return db.transaction(async (tx) => {
        await tx
          .delete(oauthConnections)
          .where(and(eq(oauthConnections.endpointId, endpointId), ne(oauthConnections.id, id)));
        const [row] = await tx
          .update(oauthConnections)
          .set({
            status: 'connected',
            endpointId,
            credentials: null,
            account,
            errorCode: null,
            errorDetail: null,
            updatedAt: new Date(),
          })
          .where(eq(oauthConnections.id, id))
          .returning();
        return row!;
      });
    },

    async fail(id: string, code: string, detail: string): Promise<OAuthConnection> {
      return (await set(id, { status: 'failed', credentials: null, errorCode: code, errorDetail: detail }))!;
    },

    async find(appId: string, id: string): Promise<OAuthConnection | undefined> {
      const [row] = await db.select().from(oauthConnections).where(inApp(appId, id)).limit(1);
      return row;
    },

    list(
      appId: string,
      page: PageRequest,
      filter: { endpointId?: string | undefined } = {},
    ): Promise<Page<OAuthConnection>> {
      return fetchPage(
        page,
        oauthConnections.id,
        (row: OAuthConnection) => row.id,
        (cursor, orderBy, limit) =>
          db
            .select()
            .from(oauthConnections)
            .where(
              allOf(
                eq(oauthConnections.appId, appId),
                filter.endpointId ? eq(oauthConnections.endpointId, filter.endpointId) : undefined,
                cursor,
              ),
            )
            .orderBy(orderBy)
            .limit(limit),
      );
    },

    /**
     * Takes what a completed connection holds for a new endpoint of the same app and card; the credentials
     * leave the connection, so that only the endpoint keeps them. `bind` then records the endpoint, or
     * `release` puts them back if the endpoint could not be made.
     */
    async claim(appId: string, id: string, connectorId: string): Promise<ConnectionClaim> {
      // RETURNING gives the new row; the credentials it takes are the old value, read in the same statement
      // under a row lock so that two endpoints cannot both take them.
      const result = await db.execute(sql`
        with taken as (
          select id, credentials from oauth_connections
          where app_id = ${appId} and id = ${id} and connector_id = ${connectorId} and status = 'connected'
            and endpoint_id is null and credentials is not null
          for update)
        update oauth_connections c set credentials = null, updated_at = now()
        from taken where c.id = taken.id
        returning taken.credentials as sealed`);
      const [taken] = rowsOf<{ sealed: string }>(result);
      if (taken) return { kind: 'claimed', credentials: open(taken.sealed) };
      const [current] = await db.select().from(oauthConnections).where(inApp(appId, id)).limit(1);
      if (!current || current.connectorId !== connectorId) return { kind: 'not_found' };
      if (current.status !== 'connected') return { kind: 'not_connected', connection: current };
      return { kind: 'taken', connection: current };
    },

    async bind(id: string, endpointId: string): Promise<void> {
      await set(id, { endpointId });
    },

    async release(id: string, credentials: Record<string, string>): Promise<void> {
      await set(id, { credentials: seal(credentials) });
    },

    /** The endpoint's credentials were replaced by hand: its connection no longer describes them. */
    async forgetEndpoint(endpointId: string): Promise<void> {
      await db.delete(oauthConnections).where(eq(oauthConnections.endpointId, endpointId));
    },

    /**
     * Drops what no endpoint will use: authorizations never completed or failed, and completed ones no
     * endpoint was made from (their sealed credentials with them), once older than `before`.
     */
    async purgeStale(before: Date): Promise<void> {
      await db
        .delete(oauthConnections)
        .where(
          and(
            lt(oauthConnections.updatedAt, before),
            or(inArray(oauthConnections.status, ['pending', 'failed']), isNull(oauthConnections.endpointId)),
          ),
        );
    },

    /** The connection an endpoint's credentials came from, if they came from one. */
    async ofEndpoint(endpointId: string): Promise<OAuthConnection | undefined> {
      const [row] = await db.select().from(oauthConnections).where(activeFor(endpointId)).limit(1);
      return row;
    },

    /**
     * Takes the right to refresh an endpoint's tokens until `until`, unless another process holds it.
     * @returns false when another refresh is running (or the connection is not usable)
     */
    async takeRefreshLease(endpointId: string, until: Date, now = new Date()): Promise<boolean> {
      const taken = await db
        .update(oauthConnections)
        .set({ refreshLeaseUntil: until })
        .where(
          and(
            eq(oauthConnections.endpointId, endpointId),
            eq(oauthConnections.status, 'connected'),
            or(isNull(oauthConnections.refreshLeaseUntil), lt(oauthConnections.refreshLeaseUntil, now)),
          ),
        )
        .returning({ id: oauthConnections.id });
      return taken.length > 0;
    },

    async releaseRefreshLease(endpointId: string): Promise<void> {
      await db.update(oauthConnections).set({ refreshLeaseUntil: null }).where(activeFor(endpointId));
    },

    /** The vendor no longer honours the refresh token: deliveries wait until the merchant connects again. */
    async markNeedsReconnect(endpointId: string, code: string, detail: string): Promise<void> {
      await db
        .update(oauthConnections)
        .set({
          status: 'needs_reconnect',
          errorCode: code,
          errorDetail: detail,
          refreshLeaseUntil: null,
          updatedAt: new Date(),
        })
        .where(and(eq(oauthConnections.endpointId, endpointId), eq(oauthConnections.status, 'connected')));
    },

    /** The endpoint's current credentials, read afresh (another process may have refreshed them). */
    async endpointCredentials(endpointId: string): Promise<StoredCredentials | undefined> {
      const [row] = await db
        .select({ sealed: endpoints.connectorCredentials })
        .from(endpoints)
        .where(and(eq(endpoints.id, endpointId), isNull(endpoints.deletedAt)))
        .limit(1);
      return row?.sealed ? { sealed: row.sealed, credentials: open(row.sealed) } : undefined;
    },

    /**
     * Stores refreshed credentials if the endpoint still has the ones they replace (a merchant may have
     * pasted others meanwhile), and ends the refresh lease.
     * @returns whether they were stored
     */
    async storeRefreshed(
      endpointId: string,
      replaced: string,
      credentials: Record<string, string>,
    ): Promise<boolean> {
      return db.transaction(async (tx) => {
        const stored = await tx
          .update(endpoints)
          .set({ connectorCredentials: seal(credentials), updatedAt: new Date() })
          .where(and(eq(endpoints.id, endpointId), eq(endpoints.connectorCredentials, replaced)))
          .returning({ id: endpoints.id });
        await tx.update(oauthConnections).set({ refreshLeaseUntil: null }).where(activeFor(endpointId));
        return stored.length > 0;
      });
    },

    /** Opens a connection's sealed credentials (for the callback that applies them to an endpoint). */
    open,
  };
}

export type OAuthConnectionRepository = ReturnType<typeof createOAuthConnectionRepository>;
