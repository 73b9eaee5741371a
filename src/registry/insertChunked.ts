import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Inserts rows in multi-row statements of `chunk` rows, all in one transaction: a bulk load
 * (the demo county, a department feed) lands whole or not at all, and runs many times faster
 * than one statement per row. Chunks keep each statement under SQLite's bound-parameter limit.
 * Inside a caller's transaction the rows simply join it.
 */
export async function insertChunked<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
  chunk: number,
): Promise<void> {
  if (rows.length === 0) return;
  const insertAll = async (trx: Kysely<Database>) => {
    for (let i = 0; i < rows.length; i += chunk) {
      await trx
        .insertInto(table)
        .values(rows.slice(i, i + chunk))
        .execute();
    }
  };
  if (db.isTransaction || rows.length <= chunk) await insertAll(db);
  else await db.transaction().execute(insertAll);
}

/**
 * `insertChunked` where a row may already be there: on a conflict on `key` (the primary key, one
 * column or several) every other column the rows carry takes the new value — a snapshot
 * replaced, a run's row per household rewritten. Columns are the first row's, so the statement
 * can't drift from the rows.
 */
export async function upsertChunked<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  key: (keyof Database[T] & string) | (keyof Database[T] & string)[],
  rows: Insertable<Database[T]>[],
  chunk: number,
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const keys: string[] = Array.isArray(key) ? key : [key];
  const columns = Object.keys(first).filter((c) => !keys.includes(c));
  for (let i = 0; i < rows.length; i += chunk)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + chunk))
      .onConflict((oc) =>
        oc
          .columns(keys as never)
          .doUpdateSet(
            (eb) => Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c}` as never)])) as never,
          ),
      )
      .execute();
}
