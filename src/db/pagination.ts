import { and, asc, desc, gt, lt, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

export type ListOrder = 'ascending' | 'descending';

export interface PageRequest {
  /** 1–250 */
  limit: number;
  /** The id of the last item seen; a leading `-` pages back from the first item seen. */
  iterator?: string | null | undefined;
  order?: ListOrder | undefined;
}

/** Svix's ListResponse. */
export interface Page<T> {
  data: T[];
  iterator: string | null;
  prevIterator: string | null;
  done: boolean;
}

/**
 * Runs a keyset-paginated query with Svix's iterator semantics: fetch `limit + 1` rows to learn `done`,
 * `iterator` is the last item's key, `prevIterator` is `-` and the first item's key.
 * @param query runs the list with the extra condition, ordering and row limit it is given
 */
export async function fetchPage<T>(
  request: PageRequest,
  key: PgColumn,
  keyOf: (row: T) => string,
  query: (cursor: SQL | undefined, orderBy: SQL, limit: number) => Promise<T[]>,
): Promise<Page<T>> {
  const descending = (request.order ?? 'ascending') === 'descending';
  const backwards = request.iterator?.startsWith('-') ?? false;
  const cursorValue = backwards ? request.iterator!.slice(1) : request.iterator;
  // Paging back walks the list in the opposite direction and flips the page afterwards.
  const walkDescending = descending !== backwards;
  const cursor = cursorValue ? (walkDescending ? lt(key, cursorValue) : gt(key, cursorValue)) : undefined;
  const rows = await query(cursor, walkDescending ? desc(key) : asc(key), request.limit + 1);
  const done = rows.length <= request.limit;
  const data = rows.slice(0, request.limit);
  if (backwards) data.reverse();
  const first = data[0];
  const last = data.at(-1);
  return {
    data,
    iterator: last ? keyOf(last) : null,
    prevIterator: first ? `-${keyOf(first)}` : null,
    done,
  };
}

/** `and()` over the conditions that are present. */
export function allOf(...conditions: (SQL | undefined)[]): SQL | undefined {
  return and(...conditions.filter((c): c is SQL => c !== undefined));
}
