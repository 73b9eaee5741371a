import fs from 'node:fs';
import path from 'node:path';
import type { ImportTable } from '../../db/schema.ts';
import type { FeedRegistry } from '../feeds/loadFeeds.ts';
import type { FeedDefinition } from '../feeds/feedDefinition.ts';
import { importFile, WRITER_FROM_BYTES, type ImportFileOptions } from './importFile.ts';
import { openSqliteWriter } from '../../db/dialects/sqliteWriter.ts';
import { startSqliteCheckpointer } from '../../db/dialects/sqliteCheckpointer.ts';
import { rawSqliteOf, SQLITE_PRAGMAS } from '../../db/dialects/sqlite.ts';
import { createImportShared, type IngestContext } from './runImport.ts';
import { beginBulkLoad, endBulkLoad, touchBulkLoad } from '../../db/deferredIndexes.ts';
import { factsHeldEstimate } from './ingestRepository.ts';
import { shouldDeferIndexes } from './shouldDeferIndexes.ts';

export interface FolderImportOptions extends Omit<ImportFileOptions, 'fileName'> {
  /**
   * Drop the indexes no import reads and build them once at the end (ADR 0030); when not said,
   * as `shouldDeferIndexes` decides from the folder's size and the facts already held.
   */
  deferIndexes?: boolean;
  /** Told when deferred indexes have been built, and how long that took. */
  onIndexesBuilt?: (built: string[], seconds: number) => void;
}

/** The main connection's own checkpoint setting, restored when a load's checkpointing thread stops. */
const AUTOCHECKPOINT =
  SQLITE_PRAGMAS.find((p) => p.startsWith('wal_autocheckpoint')) ?? 'wal_autocheckpoint = 1000';

/**
 * The feed files of a folder, population feeds first (the others can only add to persons
 * already registered), then in name order; and the names that are no feed's id.
 */
export function feedFilesIn(
  feeds: FeedRegistry,
  dir: string,
): { files: { name: string; feed: FeedDefinition }[]; skipped: string[] } {
  const named = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map(({ name }) => ({ name, feed: feeds.get(name.replace(/\.[^.]+$/, '')) }));
  const files = named
    .filter((f): f is { name: string; feed: FeedDefinition } => f.feed !== undefined)
    .sort(
      (a, b) => Number(b.feed.createsPersons) - Number(a.feed.createsPersons) || a.name.localeCompare(b.name),
    );
  return { files, skipped: named.filter((f) => f.feed === undefined).map((f) => f.name) };
}

/**
 * Imports every feed file of a folder named `<feed id>.<ext>` (what `zhulian generate` writes,
 * and how a bureau's exchange folder can be laid out): population feeds first, since the
 * others can only add to persons already registered; the rest in name order.
 */
export async function importFeedDirectory(
  context: IngestContext & { feeds: FeedRegistry },
  dir: string,
  options: FolderImportOptions,
): Promise<ImportTable[]> {
  const { files } = feedFilesIn(context.feeds, dir);
  // One background writer for the whole folder when its files are large (or when asked): its
  // connection's page cache stays warm from one file to the next (ADR 0026).
  const bytes = files.reduce((n, f) => n + fs.statSync(path.join(dir, f.name)).size, 0);
  const { deferIndexes, onIndexesBuilt, ...fileOptions } = options;
  const defer = deferIndexes ?? shouldDeferIndexes(bytes, await factsHeldEstimate(context.db));
  const bulkLoad = defer ? await beginBulkLoad(context.db) : undefined;
  const wanted = options.backgroundWriter ?? bytes >= WRITER_FROM_BYTES;
  // With a writer of its own, a third thread copies the WAL back meanwhile (ADR 0035): neither
  // the writer's commits nor the index build at the end wait for a checkpoint's fsyncs.
  const checkpointer = wanted === true ? startSqliteCheckpointer(context.db) : undefined;
  const writer =
    wanted === true
      ? openSqliteWriter(context.db, checkpointer ? { checkpoints: false } : {})
      : wanted === false
        ? undefined
        : wanted;
  // The main connection writes the import's records and builds the indexes: it leaves the
  // checkpoints to the thread too, until the load is over.
  const raw = checkpointer ? rawSqliteOf(context.db) : undefined;
  raw?.pragma('wal_autocheckpoint = 0');
  const results: ImportTable[] = [];
  // Persons found or created and ID numbers checked, from one file to the next: the population
  // feed's persons are not looked up again by every other feed (a failed file ends the loop,
  // so only committed persons are ever passed on).
  const shared = createImportShared();
  let failed = true;
  try {
    for (const { name, feed } of files) {
      if (bulkLoad) await touchBulkLoad(context.db, bulkLoad);
      results.push(
        await importFile(context, feed, path.join(dir, name), {
          ...fileOptions,
          fileName: name,
          backgroundWriter: writer ?? false,
          shared,
        }),
      );
    }
    failed = false;
  } finally {
    try {
      if (writer !== wanted) await writer?.close();
      // Built even when a file failed: the registry's readers need them now, not at the next
      // start. A failure to build then does not hide the import's own error.
      if (bulkLoad) {
        const started = performance.now();
        const built = await endBulkLoad(context.db, bulkLoad).catch((error: unknown) => {
          if (failed) return [];
          throw error;
        });
        onIndexesBuilt?.(built, (performance.now() - started) / 1000);
      }
    } finally {
      await checkpointer?.stop();
      raw?.pragma(AUTOCHECKPOINT);
    }
  }
  return results;
}
