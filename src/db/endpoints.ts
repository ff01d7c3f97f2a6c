import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import { createId, createSigningSecret, type SecretBox } from '../secrets/index.ts';
import type { Executor } from './database.ts';
import { isUniqueViolation, StoreError } from './errors.ts';
import { allOf, fetchPage, type Page, type PageRequest } from './pagination.ts';
import { DeliveryStatus, deliveries, endpoints, type PreviousSecret } from './schema.ts';

export type Endpoint = typeof endpoints.$inferSelect;

export interface EndpointInput {
  url: string;
  description?: string | undefined;
  uid?: string | null | undefined;
  eventTypes?: string[] | null | undefined;
  channels?: string[] | null | undefined;
  throttleRate?: number | null | undefined;
  disabled?: boolean | undefined;
  metadata?: Record<string, string> | undefined;
}

/** What an endpoint made from an integration card carries. */
export interface ConnectorSettings {
  id: string;
  template: string | null;
  region: string;
  credentials: Record<string, string>;
}

export interface NewEndpointInput extends EndpointInput {
  /** A `whsec_` secret; omitted, one is generated. */
  secret?: string | null | undefined;
  headers?: Record<string, string> | null | undefined;
  connector?: ConnectorSettings | undefined;
  transformation?: { code: string; enabled: boolean } | undefined;
}

export type EndpointPatch = Partial<EndpointInput>;

/** Svix keeps at most this many rotated-out keys alive at once. */
export const MAX_PREVIOUS_SECRETS = 10;

function uidConflict(uid: string | null | undefined, error: unknown): StoreError {
  return new StoreError('conflict', `An endpoint with uid '${uid}' already exists in this application`, {
    cause: error,
  });
}

async function catchUidConflict<T>(uid: string | null | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error)) throw uidConflict(uid, error);
    throw error;
  }
}

/**
 * Ends the queued work of endpoints that were disabled or deleted: their pending deliveries fail at once
 * (Recover sends them again later).
 */
export async function stopQueuedDeliveries(db: Executor, endpointIds: string[]) {
  await db
    .update(deliveries)
    .set({ status: DeliveryStatus.fail, nextAttemptAt: null, updatedAt: new Date() })
    .where(
      and(
        inArray(deliveries.endpointId, endpointIds),
        inArray(deliveries.status, [DeliveryStatus.pending, DeliveryStatus.sending]),
      ),
    );
}

export function createEndpointRepository(db: Executor, box: SecretBox) {
  const live = isNull(endpoints.deletedAt);
  const inApp = (appId: string, id: string) => and(eq(endpoints.appId, appId), eq(endpoints.id, id), live);

  async function mustUpdate(appId: string, id: string, values: Partial<typeof endpoints.$inferInsert>) {
    return db.transaction(async (tx) => {
      const [row] = await tx
        .update(endpoints)
        .set({ ...values, updatedAt: new Date() })
        .where(inApp(appId, id))
        .returning();
      if (!row) throw new StoreError('not_found', 'Endpoint not found');
      if (values.disabled === true || values.deletedAt) await stopQueuedDeliveries(tx, [row.id]);
      return row;
    });
  }

  return {
    create(appId: string, input: NewEndpointInput): Promise<Endpoint> {
      return catchUidConflict(input.uid, async () => {
        const [row] = await db
          .insert(endpoints)
          .values({
            id: createId('ep'),
            appId,
            url: input.url,
            description: input.description ?? '',
            uid: input.uid ?? null,
            eventTypes: input.eventTypes ?? null,
            channels: input.channels ?? null,
            throttleRate: input.throttleRate ?? null,
            disabled: input.disabled ?? false,
            metadata: input.metadata ?? {},
            secret: box.encrypt(input.secret ?? createSigningSecret()),
            headers:
              input.headers && Object.keys(input.headers).length
                ? box.encrypt(JSON.stringify(input.headers))
                : null,
            connectorId: input.connector?.id ?? null,
            connectorTemplate: input.connector?.template ?? null,
            connectorRegion: input.connector?.region ?? null,
            connectorCredentials: input.connector
              ? box.encrypt(JSON.stringify(input.connector.credentials))
              : null,
            transformationCode: input.transformation?.code ?? null,
            transformationEnabled: input.transformation?.enabled ?? false,
            transformationUpdatedAt: input.transformation ? new Date() : null,
          })
          .returning();
        return row!;
      });
    },

    /** Finds a live endpoint of the app by id or uid. */
    async find(appId: string, idOrUid: string): Promise<Endpoint | undefined> {
      const [row] = await db
        .select()
        .from(endpoints)
        .where(
          and(eq(endpoints.appId, appId), live, or(eq(endpoints.id, idOrUid), eq(endpoints.uid, idOrUid))),
        )
        .limit(1);
      return row;
    },

    list(appId: string, page: PageRequest): Promise<Page<Endpoint>> {
      return fetchPage(
        page,
        endpoints.id,
        (row: Endpoint) => row.id,
        (cursor, orderBy, limit) =>
          db
            .select()
            .from(endpoints)
            .where(allOf(eq(endpoints.appId, appId), live, cursor))
            .orderBy(orderBy)
            .limit(limit),
      );
    },

    update(appId: string, id: string, patch: EndpointPatch): Promise<Endpoint> {
      return catchUidConflict(patch.uid, () => mustUpdate(appId, id, patch));
    },

    async delete(appId: string, id: string): Promise<void> {
      await mustUpdate(appId, id, { deletedAt: new Date(), uid: null });
    },

    /**
     * Disables enabled endpoints (on the receiver's request or after failing too long) and stops their work.
     * @returns the endpoints this call disabled, with their apps
     */
    async disable(ids: string[]): Promise<{ id: string; appId: string }[]> {
      if (ids.length === 0) return [];
      return db.transaction(async (tx) => {
        const changed = await tx
          .update(endpoints)
          .set({ disabled: true, updatedAt: new Date() })
          .where(and(inArray(endpoints.id, ids), eq(endpoints.disabled, false), live))
          .returning({ id: endpoints.id, appId: endpoints.appId });
        if (changed.length)
          await stopQueuedDeliveries(
            tx,
            changed.map((c) => c.id),
          );
        return changed;
      });
    },

    /** Changes the transformation: absent fields stay, `code: null` removes it. */
    async setTransformation(
      appId: string,
      id: string,
      change: { code?: string | null; enabled?: boolean; variables?: Record<string, string> | null },
    ): Promise<Endpoint> {
      return mustUpdate(appId, id, {
        ...(change.code !== undefined ? { transformationCode: change.code } : {}),
        ...(change.enabled !== undefined ? { transformationEnabled: change.enabled } : {}),
        ...(change.variables !== undefined ? { transformationVariables: change.variables ?? {} } : {}),
        transformationUpdatedAt: new Date(),
      });
    },

    /** The connector's credentials in clear, for the delivery engine and masking; never for API answers. */
    revealCredentials(endpoint: Endpoint): Record<string, string> {
      return endpoint.connectorCredentials
        ? (JSON.parse(box.decrypt(endpoint.connectorCredentials)) as Record<string, string>)
        : {};
    },

    /** Replaces the connector's credentials (rotation) and, if given, its region. */
    async setCredentials(
      appId: string,
      id: string,
      credentials: Record<string, string>,
      region?: string,
    ): Promise<Endpoint> {
      return mustUpdate(appId, id, {
        connectorCredentials: box.encrypt(JSON.stringify(credentials)),
        ...(region ? { connectorRegion: region } : {}),
      });
    },

    /** The current signing secret in clear. */
    revealSecret(endpoint: Endpoint): string {
      return box.decrypt(endpoint.secret);
    },

    /** Every key that signs now: the current one first, then rotated-out keys still in their grace period. */
    signingSecrets(endpoint: Endpoint, now = new Date()): string[] {
      const previous = endpoint.previousSecrets
        .filter((p) => new Date(p.expiresAt) > now)
        .map((p) => box.decrypt(p.sealed));
      return [box.decrypt(endpoint.secret), ...previous];
    },

    /**
     * Replaces the signing secret; the old one keeps signing for `graceSeconds`.
     * @throws StoreError `limit_reached` when too many old keys are still alive
     */
    async rotateSecret(
      appId: string,
      endpoint: Endpoint,
      newSecret: string | undefined,
      graceSeconds: number,
    ) {
      const now = new Date();
      const alive = endpoint.previousSecrets.filter((p) => new Date(p.expiresAt) > now);
      if (alive.length >= MAX_PREVIOUS_SECRETS) {
        throw new StoreError(
          'limit_reached',
          `At most ${MAX_PREVIOUS_SECRETS} previous secrets may be active`,
        );
      }
      const retired: PreviousSecret[] =
        graceSeconds > 0
          ? [
              {
                sealed: endpoint.secret,
                expiresAt: new Date(now.getTime() + graceSeconds * 1000).toISOString(),
              },
            ]
          : [];
      await mustUpdate(appId, endpoint.id, {
        secret: box.encrypt(newSecret ?? createSigningSecret()),
        previousSecrets: [...retired, ...alive],
      });
    },

    /** The custom headers in clear. */
    revealHeaders(endpoint: Endpoint): Record<string, string> {
      return endpoint.headers ? (JSON.parse(box.decrypt(endpoint.headers)) as Record<string, string>) : {};
    },

    async setHeaders(appId: string, id: string, headers: Record<string, string>): Promise<void> {
      await mustUpdate(appId, id, {
        headers: Object.keys(headers).length ? box.encrypt(JSON.stringify(headers)) : null,
      });
    },
  };
}

export type EndpointRepository = ReturnType<typeof createEndpointRepository>;
