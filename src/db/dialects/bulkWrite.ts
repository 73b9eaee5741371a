import { CompiledQuery, type Insertable, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { cachedStatement, rawSqliteOf } from './sqlite.ts';
import type { SqliteStatementRows, SqliteWriter } from './sqliteWriter.ts';

/** One table's rows to insert, one row's change, or one statement, in a bulk transaction. */
export type BulkStep =
  | { kind: 'insert'; table: keyof Database; rows: Insertable<Database[keyof Database]>[] }
  /**
   * Rows already as their values in the order of `columns` — no object per row, for the
   * largest tables of a bulk load — and the values every row shares, by column.
   */
  | {
      kind: 'values';
      table: keyof Database;
      columns: readonly string[];
      rows: unknown[][];
      shared?: Record<string, unknown>;
      /**
       * Write the rows in the order of this text column's values (equal values as given):
       * each B-tree is then walked once from left to right instead of at random, so the pages a
       * batch touches stay in cache. On SQLite the writer's connection sorts them (ADR 0036).
       */
      orderBy?: number;
    }
  | {
      kind: 'update';
      table: keyof Database;
      set: Record<string, unknown>;
      where: Record<string, unknown>;
      /** Rows the update must change, or the whole transaction is rolled back. */
      expectRows?: number;
    }
  /** A statement written elsewhere (an insert from a select, a delete), run once. */
  | { kind: 'query'; query: CompiledQuery };

/** A guarded update that changed another number of rows than it had to: the transaction rolls back. */
export class BulkGuardError extends Error {
  /** `statement`: the SQL run (as the background writer reports it too), or the update's table. */
  constructor(statement: string, expected: number, changed: number) {
    super(`bulk write: ${statement} changed ${String(changed)} rows, not ${String(expected)}`);
    this.name = 'BulkGuardError';
  }
}

/** Rows per multi-row INSERT on PostgreSQL: under its 65,535 bound parameters for any table here. */
const PG_ROWS = 1000;

// SQL text per (handle, table, columns, rows): Kysely writes it, in the dialect's own SQL, once.
const insertText = new WeakMap<object, Map<string, string>>();

function insertSql(
  db: Kysely<Database>,
  table: keyof Database,
  columns: readonly string[],
  rows: number,
): string {
  let cache = insertText.get(db);
  if (!cache) {
    cache = new Map();
    insertText.set(db, cache);
  }
  const key = `${table}|${columns.join(',')}|${String(rows)}`;
  let text = cache.get(key);
  if (text === undefined) {
    const placeholder = Object.fromEntries(columns.map((c) => [c, null]));
    text = db
      .insertInto(table)
      .values(Array.from({ length: rows }, () => placeholder))
      .compile().sql;
    cache.set(key, text);
  }
  return text;
}

function columnsOf(rows: readonly object[]): string[] {
  const columns = new Set<string>();
  // for…in rather than Object.keys: no array per row, and an ingest batch has 20,000 of them.
  for (const row of rows) for (const key in row) columns.add(key);
  return [...columns];
}

/**
 * Columns with one value in every row (an import's id, a feed's department, a timestamp): sent
 * to the background writer once per statement, not once per row — copying a batch to the
 * writer's thread cost a tenth of an import's main thread, and these were a third of it.
 */
function fixedColumns(rows: readonly object[], columns: string[]): string[] {
  const [first] = rows;
  if (!first || rows.length < 2) return [];
  return columns.filter((c) => {
    const value = (first as Record<string, unknown>)[c] ?? null;
    if (value !== null && typeof value === 'object') return false;
    return rows.every((row) => ((row as Record<string, unknown>)[c] ?? null) === value);
  });
}

const valuesOf = (row: object, columns: string[]) =>
  columns.map((c) => (row as Record<string, unknown>)[c] ?? null);

/**
 * Whether every value is one SQLite's JSON functions give back as binding stores it, as far as
 * types go: only text, null and safe integers. A bound number is a double and a JSON integer an
 * integer: stored alike in INTEGER, REAL and NUMERIC columns, but a TEXT column would keep '5'
 * where binding keeps '5.0' — the import (this module's one caller) writes numbers only into
 * integer columns. Texts are checked by `wellFormedTexts`.
 */
function jsonTypes(values: unknown[][]): boolean {
  for (const row of values)
    for (const value of row) {
      if (value === null || typeof value === 'string') continue;
      if (!Number.isSafeInteger(value)) return false;
    }
  return true;
}

/**
 * Whether no text holds a lone surrogate (JSON would carry it; binding stores it otherwise).
 * Asked only of rows whose JSON has a `\ud…` escape: JSON.stringify writes a lone surrogate so
 * and every other character of a text as itself or another escape (a backslash before `ud` in
 * the text itself also shows, as `\\ud`: looked at, and found well formed). Checking every
 * text of every row cost more than the rest of the encoding's checks.
 */
function wellFormedTexts(rows: unknown[][]): boolean {
  for (const row of rows)
    for (const value of row) if (typeof value === 'string' && !value.isWellFormed()) return false;
  return true;
}

/**
 * Rows per JSON.stringify call in `asJsonBytes`. V8 gives back a flat string only up to 16,384
 * characters (its string builder's largest part); a longer one is a tree of parts, which had to
 * be copied once more (flattened, onto fresh pages) before it could be encoded — as long as the
 * stringify itself, and a sixteenth of an import's main thread. 64 fact-sized rows are about
 * 7,000 characters.
 */
const JSON_CHUNK_ROWS = 64;

/**
 * The rows' values as one JSON array of arrays, in UTF-8, in a Buffer of its own (which a
 * background writer can be given without a copy, and the main connection binds as it is), or
 * undefined when they cannot go as JSON (`jsonTypes`, `wellFormedTexts`) or would be too long
 * for one SQLite text (`MAX_JSON_CHARS`: a batch of very long rejected lines could come near
 * SQLite's limit of a billion bytes; bound one by one it cannot). Written part by part from flat strings: an ASCII
 * part is copied as Latin-1 (the same bytes; Node 20 encodes a one-byte string to UTF-8
 * character by character), any other encoded as UTF-8.
 */
export function asJsonBytes(values: unknown[][]): Buffer | undefined {
  if (!jsonTypes(values)) return undefined;
  const parts: { text: string; bytes: number; ascii: boolean }[] = [];
  let chars = 0;
  let bytes = 0;
  for (let i = 0; i < values.length || i === 0; i += JSON_CHUNK_ROWS) {
    const rows = values.length <= JSON_CHUNK_ROWS ? values : values.slice(i, i + JSON_CHUNK_ROWS);
    const text = JSON.stringify(rows);
    if (text.includes('\\ud') && !wellFormedTexts(rows)) return undefined;
    const length = Buffer.byteLength(text, 'utf8');
    parts.push({ text, bytes: length, ascii: length === text.length });
    chars += text.length;
    bytes += length;
  }
  if (chars > MAX_JSON_CHARS) return undefined;
  // Each part is a JSON array: the next one is written over the closing bracket of the one
  // before, and its own opening bracket becomes the comma between them.
  const out = Buffer.allocUnsafeSlow(bytes - (parts.length - 1));
  let at = 0;
  for (const [n, part] of parts.entries()) {
    const start = n === 0 ? 0 : at - 1;
    at = start + out.write(part.text, start, part.ascii ? 'latin1' : 'utf8');
    if (n > 0) out[start] = 0x2c; // ','
  }
  return out;
}

/** At most three UTF-8 bytes a character: 300 MB, well under SQLite's limit of 1,000,000,000. */
export const MAX_JSON_CHARS = 100_000_000;

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * An INSERT of every row of a JSON array of arrays bound as one parameter, the columns of
 * `fixed` bound once after it. One bound value per statement instead of one per column and
 * row: binding (each text converted to UTF-8 on its own) and copying the values to the writer's
 * thread were a third of the background writer's time (ADR 0033).
 */
export function jsonInsertSql(
  table: string,
  varying: readonly string[],
  fixed: readonly string[],
  orderBy?: number,
): string {
  const columns = [...varying, ...fixed].map(quoted).join(', ');
  const picks = [
    ...varying.map((_, i) => `j.value ->> ${String(i)}`),
    ...fixed.map((c) => `p.${quoted(c)}`),
  ].join(', ');
  // jsonb_each, not json_each: it hands each row to `->>` as JSONB, where json_each gives
  // it as text that `->>` parses again (a quarter of the writer's time in a micro-benchmark).
  // Its parameter comes first in the text, so it is bound first, as `rows` are. Cast to text:
  // the JSON is bound as UTF-8 bytes (`asJsonBytes`), a blob, which SQLite would take for
  // JSONB; a text would be left as it is.
  const each = 'jsonb_each(cast(? as text)) as j';
  const from =
    fixed.length === 0 ? each : `${each}, (select ${fixed.map((c) => `? as ${quoted(c)}`).join(', ')}) as p`;
  // Ties keep the array's order (j.key is the element's index): a person's facts stay in theirs.
  const order = orderBy === undefined ? '' : ` order by j.value ->> ${String(orderBy)}, j.key`;
  return `insert into ${quoted(table)} (${columns}) select ${picks} from ${from}${order}`;
}

/**
 * The rows in the order of one text column (UTF-16 code units; for the ASCII ids and hashes
 * sorted here, SQLite's order too), rows with equal values in the order given, as a new array:
 * where the statement cannot sort them (PostgreSQL, rows bound one by one). Grouped by value and
 * only the distinct values sorted: sorting a batch's facts row by row took twice as long (a
 * person has many facts).
 */
export function inColumnOrder(rows: readonly unknown[][], column: number): unknown[][] {
  const groups = new Map<string, unknown[][]>();
  for (const row of rows) {
    const value = String(row[column]);
    const group = groups.get(value);
    if (group) group.push(row);
    else groups.set(value, [row]);
  }
  const out: unknown[][] = [];
  // Default sort compares UTF-16 code units.
  for (const value of [...groups.keys()].sort()) for (const row of groups.get(value) ?? []) out.push(row);
  return out;
}

/** Either kind of insert as columns and each row's values in their order (shared columns last). */
function valueRows(step: Extract<BulkStep, { kind: 'insert' | 'values' }>): {
  columns: string[];
  rows: unknown[][];
} {
  if (step.kind === 'insert') {
    const columns = columnsOf(step.rows);
    return { columns, rows: step.rows.map((row) => valuesOf(row, columns)) };
  }
  const shared = step.shared ?? {};
  const common = Object.values(shared);
  const ordered = step.orderBy === undefined ? step.rows : inColumnOrder(step.rows, step.orderBy);
  return {
    columns: [...step.columns, ...Object.keys(shared)],
    rows: common.length === 0 ? ordered : ordered.map((row) => [...row, ...common]),
  };
}

/** An insert of rows given as values, on SQLite: all in one JSON parameter when they can be. */
function valuesStatement(
  db: Kysely<Database>,
  table: keyof Database,
  varying: readonly string[],
  values: unknown[][],
  fixed: string[],
  fixedValues: unknown[],
  orderBy?: number,
): SqliteStatementRows {
  const json = asJsonBytes(values);
  return {
    ...(json === undefined
      ? {
          sql: insertSql(db, table, [...varying, ...fixed], 1),
          rows: orderBy === undefined ? values : inColumnOrder(values, orderBy),
        }
      : { sql: jsonInsertSql(table, varying, fixed, orderBy), rows: [[json]], utf8: true as const }),
    ...(fixed.length === 0 ? {} : { fixed: fixedValues }),
  };
}

/** The steps as prepared statements with their rows' parameters, in SQLite's SQL. */
function sqliteStatements(db: Kysely<Database>, steps: BulkStep[]): SqliteStatementRows[] {
  const out: SqliteStatementRows[] = [];
  for (const step of steps) {
    if (step.kind === 'insert') {
      if (step.rows.length === 0) continue;
      const columns = columnsOf(step.rows);
      const fixed = fixedColumns(step.rows, columns);
      const varying = fixed.length === 0 ? columns : columns.filter((c) => !fixed.includes(c));
      out.push(
        valuesStatement(
          db,
          step.table,
          varying,
          step.rows.map((row) => valuesOf(row, varying)),
          fixed,
          valuesOf(step.rows[0] ?? {}, fixed),
        ),
      );
    } else if (step.kind === 'values') {
      if (step.rows.length === 0) continue;
      const shared = step.shared ?? {};
      out.push(
        valuesStatement(
          db,
          step.table,
          step.columns,
          step.rows,
          Object.keys(shared),
          Object.values(shared),
          step.orderBy,
        ),
      );
    } else if (step.kind === 'query') {
      out.push({ sql: step.query.sql, rows: [[...step.query.parameters]] });
    } else {
      const query = db
        .updateTable(step.table)
        .set(step.set as never)
        .where((eb) =>
          eb.and(Object.entries(step.where).map(([c, v]) => eb(eb.ref(c as never), '=', v as never))),
        )
        .compile();
      out.push({
        sql: query.sql,
        rows: [[...query.parameters]],
        ...(step.expectRows === undefined ? {} : { expectChanges: step.expectRows }),
      });
    }
  }
  return out;
}

/**
 * Runs inserts and updates as one transaction, as fast as each database allows: on SQLite
 * through cached prepared statements on the raw handle (one native call per row, no SQL
 * building) — or on a background writer's connection when one is given, so the caller can go
 * on while SQLite works — on PostgreSQL as multi-row INSERTs whose SQL is written once per
 * shape. For bulk loads (ingest batches): Kysely would build, compile and prepare every
 * statement anew, which cost most of an import's time.
 */
export async function bulkWrite(
  db: Kysely<Database>,
  steps: BulkStep[],
  writer?: SqliteWriter,
): Promise<void> {
  const raw = db.isTransaction ? undefined : rawSqliteOf(db);
  if (raw && writer) {
    await writer.write(sqliteStatements(db, steps));
    return;
  }
  if (raw) {
    const statements = sqliteStatements(db, steps);
    // Holding Kysely's single connection keeps other requests' statements out of this transaction.
    await db.connection().execute(() => {
      raw.transaction(() => {
        for (const { sql, rows, fixed, expectChanges } of statements) {
          const statement = cachedStatement(raw, sql);
          for (const row of rows) {
            const { changes } = fixed ? statement.run(row, fixed) : statement.run(row);
            if (expectChanges !== undefined && changes !== expectChanges)
              throw new BulkGuardError(sql, expectChanges, changes);
          }
        }
      })();
      return Promise.resolve();
    });
    return;
  }
  const run = async (trx: Kysely<Database>) => {
    for (const step of steps) {
      if (step.kind === 'insert' || step.kind === 'values') {
        const { columns, rows } = valueRows(step);
        for (let r = 0; r < rows.length; r += PG_ROWS) {
          const chunk = rows.slice(r, r + PG_ROWS);
          await trx.executeQuery(
            CompiledQuery.raw(insertSql(db, step.table, columns, chunk.length), chunk.flat()),
          );
        }
      } else if (step.kind === 'query') {
        await trx.executeQuery(step.query);
      } else {
        const result = await trx
          .updateTable(step.table)
          .set(step.set as never)
          .where((eb) =>
            eb.and(Object.entries(step.where).map(([c, v]) => eb(eb.ref(c as never), '=', v as never))),
          )
          .executeTakeFirst();
        const changed = Number(result.numUpdatedRows);
        if (step.expectRows !== undefined && changed !== step.expectRows)
          throw new BulkGuardError(`update of ${step.table}`, step.expectRows, changed);
      }
    }
  };
  if (db.isTransaction) await run(db);
  else await db.transaction().execute(run);
}
