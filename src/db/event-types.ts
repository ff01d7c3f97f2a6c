import { and, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { Executor } from './database.ts';
import { StoreError } from './errors.ts';
import { allOf, fetchPage, type Page, type PageRequest } from './pagination.ts';
import { eventTypes, settings } from './schema.ts';

export type EventType = typeof eventTypes.$inferSelect;

export interface EventTypeInput {
  name: string;
  description: string;
  archived?: boolean | undefined;
  deprecated?: boolean | undefined;
  schemas?: Record<string, unknown> | null | undefined;
  groupName?: string | null | undefined;
  featureFlags?: string[] | null | undefined;
}

export type EventTypePatch = Partial<Omit<EventTypeInput, 'name'>>;

export interface ListEventTypesOptions extends PageRequest {
  includeArchived?: boolean | undefined;
}

const CATALOG_SETTING = 'catalog.loaded';

export function createEventTypeRepository(db: Executor) {
  const byName = (name: string) => eq(eventTypes.name, name);

  return {
    /**
     * Creates an event type; creating one that exists archived brings it back, as Svix does.
     * @throws StoreError `conflict` when a live event type has the name
     */
    async create(input: EventTypeInput): Promise<EventType> {
      const [row] = await db
        .insert(eventTypes)
        .values(input)
        .onConflictDoUpdate({
          target: eventTypes.name,
          set: { ...input, archived: input.archived ?? false, updatedAt: new Date() },
          setWhere: eq(eventTypes.archived, true),
        })
        .returning();
      if (!row) throw new StoreError('conflict', `Event type '${input.name}' already exists`);
      return row;
    },

    async find(name: string): Promise<EventType | undefined> {
      const [row] = await db.select().from(eventTypes).where(byName(name)).limit(1);
      return row;
    },

    /** Creates or replaces an event type; reports whether it was created. */
    async upsert(input: EventTypeInput): Promise<{ eventType: EventType; created: boolean }> {
      const [row] = await db
        .insert(eventTypes)
        .values(input)
        .onConflictDoUpdate({
          target: eventTypes.name,
          set: {
            description: input.description,
            archived: input.archived ?? false,
            deprecated: input.deprecated ?? false,
            schemas: input.schemas ?? null,
            groupName: input.groupName ?? null,
            featureFlags: input.featureFlags ?? null,
            updatedAt: new Date(),
          },
        })
        .returning({ ...getTableColumns(eventTypes), created: sql<boolean>`xmax = 0` });
      const { created, ...eventType } = row!;
      return { eventType, created };
    },

    async update(name: string, patch: EventTypePatch): Promise<EventType> {
      const [row] = await db
        .update(eventTypes)
        .set({ ...patch, updatedAt: new Date() })
        .where(byName(name))
        .returning();
      if (!row) throw new StoreError('not_found', `Event type '${name}' not found`);
      return row;
    },

    /** Archives (the default) or removes an event type. Messages of that type stay. */
    async delete(name: string, expunge: boolean): Promise<boolean> {
      const rows = expunge
        ? await db.delete(eventTypes).where(byName(name)).returning({ name: eventTypes.name })
        : await db
            .update(eventTypes)
            .set({ archived: true, updatedAt: new Date() })
            .where(byName(name))
            .returning({ name: eventTypes.name });
      return rows.length > 0;
    },

    list(options: ListEventTypesOptions): Promise<Page<EventType>> {
      return fetchPage(
        options,
        eventTypes.name,
        (row: EventType) => row.name,
        (cursor, orderBy, limit) =>
          db
            .select()
            .from(eventTypes)
            .where(allOf(cursor, options.includeArchived ? undefined : eq(eventTypes.archived, false)))
            .orderBy(orderBy)
            .limit(limit),
      );
    },

    /**
     * Loads the platform's catalog once per catalog version: later edits and archives by the operator are
     * not undone on restart, and event types added in a new version appear.
     */
    async loadCatalog(version: string, catalog: readonly EventTypeInput[]): Promise<number> {
      return db.transaction(async (tx) => {
        const [loaded] = await tx
          .select()
          .from(settings)
          .where(eq(settings.key, CATALOG_SETTING))
          .for('update');
        if (loaded?.value === version) return 0;
        const inserted = catalog.length
          ? await tx
              .insert(eventTypes)
              .values([...catalog])
              .onConflictDoNothing()
              .returning({ name: eventTypes.name })
          : [];
        await tx
          .insert(settings)
          .values({ key: CATALOG_SETTING, value: version })
          .onConflictDoUpdate({ target: settings.key, set: { value: version, updatedAt: new Date() } });
        return inserted.length;
      });
    },

    /** Names of live event types among `names`. */
    async findLive(names: string[]): Promise<string[]> {
      if (names.length === 0) return [];
      const rows = await db
        .select({ name: eventTypes.name })
        .from(eventTypes)
        .where(and(inArray(eventTypes.name, names), eq(eventTypes.archived, false)));
      return rows.map((r) => r.name);
    },
  };
}

export type EventTypeRepository = ReturnType<typeof createEventTypeRepository>;
