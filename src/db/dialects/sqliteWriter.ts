import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { SQLITE_DRIVER_PATH, SQLITE_PRAGMAS, sqliteFileOf } from './sqlite.ts';

/** One prepared statement and the parameters of each row it is run for. */
export interface SqliteStatementRows {
  sql: string;
  rows: unknown[][];
  /** Parameters the same for every row, bound after each row's own (their columns come last). */
  fixed?: unknown[];
  /** Rows each run must change, or the transaction rolls back (a guard, e.g. a checkpoint). */
  expectChanges?: number;
  /**
   * The one row's first parameter is JSON as UTF-8 bytes (`asJsonBytes`), which the SQL casts to
   * text (`jsonInsertSql`): moved to a background writer's thread rather than copied.
   */
  utf8?: true;
}

/**
 * A second connection to a SQLite file, in a worker thread, that runs bulk transactions while
 * the main thread prepares the next batch: SQLite executing inserts is about half of an
 * import's time and the other half is JavaScript, so on two cores the two overlap (ADR 0015).
 * One transaction at a time, in the order asked; a transaction's promise settles once it has
 * committed (or rolled back).
 */
export interface SqliteWriter {
  write(statements: SqliteStatementRows[]): Promise<void>;
  close(): Promise<void>;
}

// The worker is plain JavaScript given as text, so it starts the same under tsx, Vitest and
// plain Node (a .ts worker needs a loader that Vitest's threads do not have). It opens the file
// with the same pragmas as the main connection and caches its prepared statements.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.driver);
const db = new Sqlite(workerData.file);
for (const pragma of workerData.pragmas) db.pragma(pragma);
// A request's transaction on the main connection may hold the write lock a while; waiting here
// blocks only this thread.
db.pragma('busy_timeout = 60000');
const statements = new Map();
const prepared = (text) => {
  let s = statements.get(text);
  if (!s) { s = db.prepare(text); statements.set(text, s); }
  return s;
};
const run = db.transaction((list) => {
  for (const { sql, rows, fixed, expectChanges, utf8 } of list) {
    const statement = prepared(sql);
    // Bound as a blob (no conversion; the SQL casts it to text).
    if (utf8 && rows[0][0] instanceof Uint8Array) rows[0][0] = Buffer.from(rows[0][0].buffer, rows[0][0].byteOffset, rows[0][0].length);
    for (const row of rows) {
      const { changes } = fixed ? statement.run(row, fixed) : statement.run(row);
      if (expectChanges !== undefined && changes !== expectChanges) {
        const error = new Error('bulk write: ' + sql + ' changed ' + changes + ' rows, not ' + expectChanges);
        error.code = 'BULK_GUARD';
        throw error;
      }
    }
  }
});
parentPort.on('message', (message) => {
  if (message.close) { db.close(); parentPort.postMessage({ closed: true }); return; }
  try {
    run(message.statements);
    parentPort.postMessage({ id: message.id });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

/**
 * The bytes in an ArrayBuffer that holds nothing else, which can be transferred: a short
 * Buffer is a slice of Node's shared pool, which must not be moved away, and is copied.
 */
function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength
    ? (bytes as Uint8Array<ArrayBuffer>)
    : new Uint8Array(bytes);
}

/**
 * A background writer for this database, or undefined where there can be none: PostgreSQL
 * (whose server already works in parallel with us), an in-memory SQLite database (a second
 * connection would be another database), or inside a Kysely transaction.
 */
export function openSqliteWriter(
  db: Kysely<Database>,
  /** Leave checkpoints to a checkpointing thread (sqliteCheckpointer.ts) instead of running them at commits. */
  options: { checkpoints?: boolean } = {},
): SqliteWriter | undefined {
  const file = sqliteFileOf(db);
  if (file === undefined) return undefined;
  const pragmas =
    options.checkpoints === false ? [...SQLITE_PRAGMAS, 'wal_autocheckpoint = 0'] : SQLITE_PRAGMAS;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: SQLITE_DRIVER_PATH, file, pragmas },
  });
  let next = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let failed: Error | undefined;
  let closed: (() => void) | undefined;
  let exited = false;
  const failAll = (error: Error) => {
    failed = error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on(
    'message',
    (message: { id?: number; closed?: true; error?: { message: string; code?: string } }) => {
      if (message.closed) {
        closed?.();
        return;
      }
      const entry = waiting.get(message.id ?? -1);
      if (!entry) return;
      waiting.delete(message.id ?? -1);
      if (message.error) {
        const error = Object.assign(new Error(message.error.message), { code: message.error.code });
        entry.reject(error);
      } else entry.resolve();
    },
  );
  worker.on('error', failAll);
  worker.on('exit', (code) => {
    exited = true;
    closed?.();
    if (waiting.size > 0) failAll(new Error(`SQLite writer stopped (exit ${String(code)})`));
  });
  return {
    write(statements) {
      if (failed) return Promise.reject(failed);
      const id = next++;
      // A batch's rows as one JSON text each (ADR 0033) went to the worker as strings: copied
      // twice (serialised here, then into fresh memory there, page faults and all) and converted
      // to UTF-8 by the driver — a seventh of the writer's time. As UTF-8 bytes they are moved
      // (transferred), and SQLite reads them as they are (ADR 0034).
      const transfer: ArrayBuffer[] = [];
      const sent = statements.map((s) => {
        const json = s.utf8 ? s.rows[0]?.[0] : undefined;
        if (!(json instanceof Uint8Array)) return s;
        const bytes = ownBuffer(json);
        transfer.push(bytes.buffer);
        return { ...s, rows: [[bytes]] };
      });
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, statements: sent }, transfer);
      });
    },
    async close() {
      if (exited) return;
      await new Promise<void>((resolve) => {
        closed = resolve;
        worker.postMessage({ close: true });
      });
      await worker.terminate();
    },
  };
}
