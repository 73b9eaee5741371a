import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { cachedStatement, withRawSqlite } from './sqlite.ts';

/**
 * A compiled SELECT's rows as arrays of values in the order of `columns` (its select list), for
 * the few reads of thousands of rows a screening run makes per chunk. On SQLite the statement is
 * prepared once per text and run in raw mode: the driver makes no object per row and Kysely's
 * driver no statement per call (a third of the facts read's time). Elsewhere — PostgreSQL, or
 * inside a Kysely transaction — through Kysely, each row's values taken in order.
 */
export async function selectArrays(
  db: Kysely<Database>,
  query: CompiledQuery,
  columns: readonly string[],
): Promise<unknown[][]> {
  const raw = await withRawSqlite(
    db,
    (handle) => cachedStatement(handle, query.sql).raw(true).all(query.parameters) as unknown[][],
  );
  if (raw) return raw;
  const { rows } = await db.executeQuery<Record<string, unknown>>(query);
  return rows.map((row) => columns.map((c) => row[c]));
}

/**
 * Ids for an `IN (…)` list padded with the last one to a power of two: the same rows (a repeated
 * value matches nothing more), and a chunk's remainder gives one of a handful of statement texts
 * rather than one per size, so the prepared statements cached per text stay few.
 */
export function paddedIds(ids: readonly string[]): string[] {
  let size = 1;
  while (size < ids.length) size *= 2;
  const out = [...ids];
  const last = ids[ids.length - 1];
  if (last !== undefined) while (out.length < size) out.push(last);
  return out;
}
