import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import { createId } from '../secrets/index.ts';
import { batchPerTurn } from './batch-per-turn.ts';
import type { Executor } from './database.ts';
import { stopQueuedDeliveries } from './endpoints.ts';
import { isUniqueViolation, StoreError } from './errors.ts';
import { allOf, fetchPage, type Page, type PageRequest } from './pagination.ts';
import { apps, endpoints } from './schema.ts';

export type App = typeof apps.$inferSelect;

export interface AppInput {
  name: string;
  uid?: string | null | undefined;
  throttleRate?: number | null | undefined;
  metadata?: Record<string, string> | undefined;
}

export type AppPatch = Partial<AppInput>;

function uidConflict(uid: string | null | undefined, error: unknown): StoreError {
  return new StoreError('conflict', `An application with uid '${uid}' already exists`, { cause: error });
}

export function createAppRepository(db: Executor) {
  const live = isNull(apps.deletedAt);

  return {
    /** @throws StoreError `conflict` when the uid is taken */
    async create(input: AppInput): Promise<App> {
      try {
        const [row] = await db
          .insert(apps)
          .values({
            id: createId('app'),
            name: input.name,
            uid: input.uid ?? null,
            throttleRate: input.throttleRate ?? null,
            metadata: input.metadata ?? {},
          })
          .returning();
        return row!;
      } catch (error) {
        if (isUniqueViolation(error)) throw uidConflict(input.uid, error);
        throw error;
      }
    },

    /**
     * Finds a live app by its id or its uid. Every request looks its app up first, so the lookups of one turn
     * of the event loop share one query (a uid never looks like an id, so each finds at most one app).
     */
    find: batchPerTurn(async (refs: string[]): Promise<(App | undefined)[]> => {
      const unique = [...new Set(refs)];
      const rows = await db
        .select()
        .from(apps)
        .where(and(live, or(inArray(apps.id, unique), inArray(apps.uid, unique))));
      return refs.map((ref) => rows.find((row) => row.id === ref || row.uid === ref));
    }),

    list(page: PageRequest, onlyId?: string): Promise<Page<App>> {
      return fetchPage(
        page,
        apps.id,
        (row: App) => row.id,
        (cursor, orderBy, limit) =>
          db
            .select()
            .from(apps)
            .where(allOf(live, cursor, onlyId ? eq(apps.id, onlyId) : undefined))
            .orderBy(orderBy)
            .limit(limit),
      );
    },

    /** @throws StoreError `conflict` when the uid is taken */
    async update(id: string, patch: AppPatch): Promise<App> {
      try {
        const [row] = await db
          .update(apps)
          .set({ ...patch, updatedAt: new Date() })
          .where(and(eq(apps.id, id), live))
          .returning();
        if (!row) throw new StoreError('not_found', 'Application not found');
        return row;
      } catch (error) {
        if (isUniqueViolation(error)) throw uidConflict(patch.uid, error);
        throw error;
      }
    },

    /**
     * Deletes the app and its endpoints; rows stay as tombstones so that in-flight work stops cleanly and
     * a large history is not deleted inside one request.
     */
    async delete(id: string): Promise<void> {
      const deletedAt = new Date();
      await db.transaction(async (tx) => {
        const gone = await tx
          .update(endpoints)
          .set({ deletedAt, uid: null })
          .where(and(eq(endpoints.appId, id), isNull(endpoints.deletedAt)))
          .returning({ id: endpoints.id });
        if (gone.length)
          await stopQueuedDeliveries(
            tx,
            gone.map((e) => e.id),
          );
        await tx
          .update(apps)
          .set({ deletedAt, uid: null })
          .where(and(eq(apps.id, id), live));
      });
    },
  };
}

export type AppRepository = ReturnType<typeof createAppRepository>;
