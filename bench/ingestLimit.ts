/**
 * The practical limit for bench/ingest.ts: how fast the same database takes plain rows, with
 * nothing but multi-row INSERTs in one transaction per batch. The rows are the facts the import
 * just stored, read back a batch at a time (reads not timed) and inserted into a fresh copy of
 * the table without its indexes or constraints (`create table … as select … where 1 = 0`), as
 * many as the import received records (cycling through the facts if there are fewer). With
 * `indexed`, the copy has the primary key and indexes of `facts` too: a tighter limit.
 */
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { SQLITE_PRAGMAS } from '../src/db/dialects/sqlite.ts';
import { recentKeysToMove } from '../src/ingest/imports/ingestRepository.ts';
import { DEFERRABLE_INDEXES, INDEX_SORT_THREADS } from '../src/db/deferredIndexes.ts';
import { asJsonBytes, inColumnOrder, jsonInsertSql } from '../src/db/dialects/bulkWrite.ts';

export interface LimitOptions {
  /** Rows to insert: the records the import received. */
  rows: number;
  /** Rows per transaction: the import's batch size. */
  batch: number;
  /** Rows per INSERT statement. */
  chunk: number;
  /** Give the copy the primary key and indexes of `facts`. */
  indexed: boolean;
}

export interface LimitResult {
  rows: number;
  seconds: number;
  columns: number;
  /** Distinct facts the rows were taken from (fewer than `rows` when they were cycled). */
  sourceFacts: number;
}

const placeholders = (columns: number, rows: number, numbered: boolean): string => {
  const out: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const row: string[] = [];
    for (let c = 0; c < columns; c++) row.push(numbered ? `$${++n}` : '?');
    out.push(`(${row.join(', ')})`);
  }
  return out.join(', ');
};

/**
 * SQLite: `<table>_bench`, empty, from the table's, its indexes' and its triggers' own DDL,
 * renamed (the table first). The DDL of indexes named in `later` is returned instead of run.
 */
function copyTableWithIndexes(
  raw: SqliteDatabase.Database,
  table: string,
  later: ReadonlySet<string> = new Set(),
): string[] {
  const ddl = raw
    .prepare('select type, name, sql from sqlite_master where tbl_name = ? and sql is not null')
    .all(table) as { type: string; name: string; sql: string }[];
  ddl.sort((a, b) => Number(b.type === 'table') - Number(a.type === 'table'));
  const deferred: string[] = [];
  for (const d of ddl) {
    const named = d.type === 'table' ? d.sql : d.sql.replace(`"${d.name}"`, `"${d.name}_bench"`);
    // A trigger (ingest_keys' uniqueness, migration 0025) names its table in its body as well.
    const renamed =
      d.type === 'trigger'
        ? named.replaceAll(`"${table}"`, `"${table}_bench"`)
        : named.replace(`"${table}"`, `"${table}_bench"`);
    if (!renamed.includes(`"${table}_bench"`)) throw new Error(`cannot copy ${d.name}: ${d.sql}`);
    if (later.has(`${d.name}_bench`)) deferred.push(renamed);
    else raw.exec(renamed);
  }
  return deferred;
}

/** SQLite: a second better-sqlite3 connection to the same file, with the app's pragmas. */
export function sqliteLimit(file: string, options: LimitOptions): LimitResult {
  const raw = new SqliteDatabase(file);
  try {
    for (const pragma of SQLITE_PRAGMAS) raw.pragma(pragma);
    raw.exec('drop table if exists facts_bench');
    if (options.indexed) copyTableWithIndexes(raw, 'facts');
    else raw.exec('create table facts_bench as select * from facts where 1 = 0');
    const columns = raw
      .prepare('select * from facts limit 0')
      .columns()
      .map((c) => c.name)
      .filter((name) => name !== 'id');
    const list = columns.join(', ');
    const read = raw.prepare(`select id, ${list} from facts where id > ? order by id limit ?`).raw();
    const statements = new Map<number, SqliteDatabase.Statement>();
    const insertFor = (rows: number) => {
      let statement = statements.get(rows);
      if (!statement) {
        statement = raw.prepare(
          `insert into facts_bench (${list}) values ${placeholders(columns.length, rows, false)}`,
        );
        statements.set(rows, statement);
      }
      return statement;
    };
    const insertBatch = raw.transaction((rows: unknown[][]) => {
      for (let i = 0; i < rows.length; i += options.chunk) {
        const part = rows.slice(i, i + options.chunk);
        insertFor(part.length).run(part.flat());
      }
    });
    let after = 0;
    let seconds = 0;
    let done = 0;
    // Distinct source facts: the ids read before the first wrap-around (ascending and unique).
    // Counted, not collected: a Set stops at 2^24 entries, and the full-scale run has more.
    let sourceFacts = 0;
    let wrapped = false;
    while (done < options.rows) {
      const want = Math.min(options.batch, options.rows - done);
      const rows = read.all(after, want) as unknown[][];
      if (rows.length === 0) {
        if (after === 0) throw new Error('no facts to insert');
        after = 0;
        wrapped = true;
        continue;
      }
      after = Number(rows[rows.length - 1]?.[0]);
      if (!wrapped) sourceFacts += rows.length;
      const values = rows.map((r) => r.slice(1));
      const started = performance.now();
      insertBatch(values);
      seconds += (performance.now() - started) / 1000;
      done += rows.length;
    }
    const count = raw.prepare('select count(*) as n from facts_bench').get() as { n: number };
    if (count.n !== options.rows) throw new Error(`facts_bench has ${count.n} rows, not ${options.rows}`);
    raw.exec('drop table facts_bench');
    return { rows: done, seconds, columns: columns.length, sourceFacts };
  } finally {
    raw.close();
  }
}

/** PostgreSQL: its own connection in the benchmark's schema; named prepared multi-row INSERTs. */
export async function postgresLimit(
  url: string,
  schema: string,
  options: LimitOptions,
): Promise<LimitResult> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query('drop table if exists facts_bench');
    await client.query(
      options.indexed
        ? 'create table facts_bench (like facts including defaults including constraints including indexes)'
        : 'create table facts_bench as select * from facts where 1 = 0',
    );
    const columns = (
      await client.query<{ column_name: string }>(
        `select column_name from information_schema.columns
          where table_schema = $1 and table_name = 'facts' order by ordinal_position`,
        [schema],
      )
    ).rows
      .map((r) => r.column_name)
      .filter((name) => name !== 'id');
    const list = columns.join(', ');
    const readText = `select id, ${list} from facts where id > $1 order by id limit $2`;
    const insertText = (rows: number) =>
      `insert into facts_bench (${list}) values ${placeholders(columns.length, rows, true)}`;
    let after = 0;
    let seconds = 0;
    let done = 0;
    // Distinct source facts: the ids read before the first wrap-around (ascending and unique).
    // Counted, not collected: a Set stops at 2^24 entries, and the full-scale run has more.
    let sourceFacts = 0;
    let wrapped = false;
    while (done < options.rows) {
      const want = Math.min(options.batch, options.rows - done);
      const rows = (
        await client.query<unknown[]>({ text: readText, values: [after, want], rowMode: 'array' })
      ).rows;
      if (rows.length === 0) {
        if (after === 0) throw new Error('no facts to insert');
        after = 0;
        wrapped = true;
        continue;
      }
      after = Number(rows[rows.length - 1]?.[0]);
      if (!wrapped) sourceFacts += rows.length;
      const values = rows.map((r) => r.slice(1));
      const started = performance.now();
      await client.query('begin');
      for (let i = 0; i < values.length; i += options.chunk) {
        const part = values.slice(i, i + options.chunk);
        await client.query({
          name: `facts_bench_${String(options.indexed)}_${part.length}`,
          text: insertText(part.length),
          values: part.flat(),
        });
      }
      await client.query('commit');
      seconds += (performance.now() - started) / 1000;
      done += rows.length;
    }
    const count = await client.query<{ n: string }>('select count(*)::text as n from facts_bench');
    if (Number(count.rows[0]?.n) !== options.rows)
      throw new Error(`facts_bench has ${count.rows[0]?.n ?? '?'} rows, not ${options.rows}`);
    await client.query('drop table facts_bench');
    return { rows: done, seconds, columns: columns.length, sourceFacts };
  } finally {
    await client.end();
  }
}

/** Tables an import writes rows into (bulkWrite's inserts in `writeBatch`), in its order. */
export const IMPORT_TABLES = [
  'persons',
  'hukou_households',
  'hukou_members',
  'facts',
  'ingest_keys',
  'import_rejects',
  'link_reviews',
] as const;

export interface WriteSetResult {
  /** Rows inserted, per table. */
  rows: Record<string, number>;
  seconds: number;
  transactions: number;
  /** Of `seconds`, building the deferred indexes after the rows. */
  indexSeconds: number;
}

/**
 * SQLite: the limit for everything an import writes, not just its facts. Every row the import
 * inserted into the tables it writes is inserted again into a copy of its table made from the
 * table's own DDL with all its indexes and constraints, the way the importer sends rows (one
 * INSERT of a JSON array of the transaction's rows per table, ADR 0033), in as many
 * transactions as the import committed batches — each holding an equal share of every table,
 * in the order the import wrote them (by rowid; record keys by import and line), sorted within
 * a transaction by the statement itself as the importer's are (facts by person, keys by hash;
 * ADR 0036). Rows are read (and made into JSON) a
 * transaction's share at a time, not timed, so memory stays flat at any scale. What it leaves
 * out is on the import's side too: interpreting rows, look-ups, hashing and encryption. Updates
 * (persons moved, memberships ended, the import's own row) are not replayed. Record keys go as
 * the importer writes them (ADR 0028): into a copy of `ingest_keys_recent`, and all of them into
 * the copy of `ingest_keys` by the transaction that brings the small table to
 * `recentKeysToMove` of the keys written before it. When the import deferred its indexes
 * (`deferIndexes`, ADR 0030), the copies are made without them and they are built after the last
 * transaction, timed with the rest.
 */
export function sqliteWriteSetLimit(
  file: string,
  transactions: number,
  options: { deferIndexes: boolean; batch: number },
): WriteSetResult {
  const raw = new SqliteDatabase(file);
  // As the import did (ADR 0030): the copies get the deferrable indexes after their rows, timed.
  const deferred = new Set(options.deferIndexes ? DEFERRABLE_INDEXES.map((i) => `${i.name}_bench`) : []);
  try {
    for (const pragma of SQLITE_PRAGMAS) raw.pragma(pragma);
    // The record keys, wherever they are now, in the order the import wrote them (not timed).
    raw.exec(`drop table if exists temp.keys_written;
      create temp table keys_written as
        select * from (select * from ingest_keys union all select * from ingest_keys_recent)
        order by import_id, line`);
    raw.exec('drop table if exists "ingest_keys_recent_bench"');
    copyTableWithIndexes(raw, 'ingest_keys_recent');
    const later: string[] = [];
    const copies = IMPORT_TABLES.map((table) => {
      raw.exec(`drop table if exists "${table}_bench"`);
      later.push(...copyTableWithIndexes(raw, table, deferred));
      // A generated integer key (facts, hukou_members, …) is left to the copy to number.
      const info = raw.prepare('select name, type, pk from pragma_table_info(?)').all(table) as {
        name: string;
        type: string;
        pk: number;
      }[];
      const serial = info.find((c) => c.pk === 1 && c.name === 'id' && c.type.toLowerCase() === 'integer');
      const columns = info.map((c) => c.name).filter((name) => name !== serial?.name);
      const list = columns.map((c) => `"${c}"`).join(', ');
      const keyed = table === 'ingest_keys';
      const source = keyed ? 'temp.keys_written' : `"${table}"`;
      const total = (raw.prepare(`select count(*) as n from ${source}`).get() as { n: number }).n;
      // Read in the order written, after a cursor: the rowid (for the record keys, that of the
      // snapshot in the order written). The cursor comes first in each row read.
      const read = raw
        .prepare(`select rowid, ${list} from ${source} where rowid > ? order by rowid limit ?`)
        .raw();
      let cursor = 0;
      let taken = 0;
      // As the importer orders them (ADR 0036): by the SQL, within each transaction.
      const order =
        table === 'facts'
          ? columns.indexOf('subject_id')
          : keyed
            ? columns.indexOf('record_hash')
            : undefined;
      const next = (n: number): { values: unknown[][]; json: Buffer | undefined } => {
        // This transaction's share: the rows up to its end, rounded down.
        const want = Math.floor((total * (n + 1)) / transactions) - taken;
        if (want <= 0) return { values: [], json: undefined };
        const rows = read.all(cursor, want) as unknown[][];
        const last = rows.at(-1);
        if (last) cursor = Number(last[0]);
        taken += rows.length;
        const values = rows.map((r) => r.slice(1));
        // As the importer sends them (ADR 0033, 0034): one JSON parameter, made outside the timing.
        const json = asJsonBytes(values);
        return { values: json || order === undefined ? values : inColumnOrder(values, order), json };
      };
      const target = `${keyed ? 'ingest_keys_recent' : table}_bench`;
      const insert = raw.prepare(
        `insert into "${target}" (${list}) values (${columns.map(() => '?').join(', ')})`,
      );
      const insertJson = raw.prepare(jsonInsertSql(target, columns, [], order));
      return { table, total, next, insert, insertJson };
    });
    const full = '(select count(*) from ingest_keys_recent_bench) >= ?';
    const keyColumns = 'feed_id, record_hash, import_id, line, person_id, hash_key';
    const moveKeys = raw.prepare(`insert into ingest_keys_bench (${keyColumns})
      select ${keyColumns} from ingest_keys_recent_bench where ${full} order by hash_key`);
    const dropMoved = raw.prepare(`delete from ingest_keys_recent_bench where ${full}`);
    let seconds = 0;
    let keysWritten = 0;
    for (let n = 0; n < transactions; n++) {
      const parts = copies.map((c) => c.next(n));
      const started = performance.now();
      raw.transaction(() => {
        parts.forEach((part, i) => {
          const copy = copies[i];
          if (!copy || part.values.length === 0) return;
          if (part.json !== undefined) copy.insertJson.run(part.json);
          else for (const row of part.values) copy.insert.run(row);
        });
        // As the importer decides (ADR 0032), from the keys written before this transaction.
        const threshold = recentKeysToMove(keysWritten, options.batch);
        moveKeys.run(threshold);
        dropMoved.run(threshold);
      })();
      keysWritten += parts[copies.findIndex((c) => c.table === 'ingest_keys')]?.values.length ?? 0;
      seconds += (performance.now() - started) / 1000;
    }
    const building = performance.now();
    // The snapshot of keys is read; switching temp_store (next) would drop it anyway.
    raw.exec('drop table temp.keys_written');
    // As buildDeferrableIndexes does: sorts on disk, with helper threads.
    raw.pragma('temp_store = FILE');
    raw.pragma(`threads = ${String(INDEX_SORT_THREADS)}`);
    for (const ddl of later) raw.exec(ddl);
    raw.pragma('threads = 0');
    raw.pragma('temp_store = MEMORY');
    const indexSeconds = (performance.now() - building) / 1000;
    seconds += indexSeconds;
    const rows: Record<string, number> = {};
    for (const c of copies) {
      const count = raw
        .prepare(
          c.table === 'ingest_keys'
            ? 'select (select count(*) from ingest_keys_bench) + (select count(*) from ingest_keys_recent_bench) as n'
            : `select count(*) as n from "${c.table}_bench"`,
        )
        .get() as { n: number };
      if (count.n !== c.total) throw new Error(`${c.table}_bench has ${count.n} rows, not ${c.total}`);
      rows[c.table] = c.total;
    }
    for (const c of [...copies].reverse()) raw.exec(`drop table "${c.table}_bench"`);
    raw.exec('drop table ingest_keys_recent_bench');
    return { rows, seconds, transactions, indexSeconds };
  } finally {
    raw.close();
  }
}
