import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { SQLITE_DRIVER_PATH, SQLITE_PRAGMAS, sqliteFileOf } from './sqlite.ts';

/** A thread that copies the WAL back into a SQLite file while others write; stop it when done. */
export interface SqliteCheckpointer {
  stop(): Promise<void>;
}

/** How often the thread looks for committed pages to copy back. */
export const CHECKPOINT_EVERY_MS = 200;

// Plain JavaScript given as text, as the background writer is (sqliteWriter.ts). A PASSIVE
// checkpoint copies every frame committed so far without taking the write lock or waiting for
// readers, and syncs the WAL before and the database after: the fsyncs the connections of a
// bulk load, set not to checkpoint (`wal_autocheckpoint = 0`), would otherwise wait on at their
// commits (ADR 0035). A failed pass (busy, locked) is tried again at the next.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.driver);
const db = new Sqlite(workerData.file);
for (const pragma of workerData.pragmas) db.pragma(pragma);
let stopping = false;
const pass = () => {
  if (stopping) return;
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or locked: the next pass */ }
  setTimeout(pass, workerData.every);
};
setTimeout(pass, workerData.every);
parentPort.on('message', () => {
  stopping = true;
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.postMessage('stopped');
});
`;

/**
 * Starts a checkpointing thread for this database's file, or undefined where there is no file
 * to checkpoint (PostgreSQL, an in-memory database, inside a transaction). If the thread fails,
 * the WAL only grows until the load's connections checkpoint again.
 */
export function startSqliteCheckpointer(db: Kysely<Database>): SqliteCheckpointer | undefined {
  const file = sqliteFileOf(db);
  if (file === undefined) return undefined;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: SQLITE_DRIVER_PATH, file, pragmas: SQLITE_PRAGMAS, every: CHECKPOINT_EVERY_MS },
  });
  worker.on('error', () => undefined);
  let exited = false;
  worker.once('exit', () => {
    exited = true;
  });
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      if (exited) return Promise.resolve();
      stopped ??= new Promise<void>((resolve) => {
        worker.once('exit', () => {
          resolve();
        });
        worker.once('message', () => {
          void worker.terminate();
        });
        worker.postMessage('stop');
      });
      return stopped;
    },
  };
}
