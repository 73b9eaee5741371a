import fs from 'node:fs';
import path from 'node:path';
import type { ImportTable } from '../../db/schema.ts';
import type { FeedRegistry } from '../feeds/loadFeeds.ts';
import { importFile, WRITER_FROM_BYTES, type ImportFileOptions } from './importFile.ts';
import { openSqliteWriter } from '../../db/dialects/sqliteWriter.ts';
import type { IngestContext } from './runImport.ts';

/**
 * Imports every feed file of a folder named `<feed id>.<ext>` (what `zhulian generate` writes,
 * and how a bureau's exchange folder can be laid out): population feeds first, since the
 * others can only add to persons already registered; the rest in name order.
 */
export async function importFeedDirectory(
  context: IngestContext & { feeds: FeedRegistry },
  dir: string,
  options: Omit<ImportFileOptions, 'fileName'>,
): Promise<ImportTable[]> {
  const files = fs
    .readdirSync(dir)
    .map((name) => ({ name, feed: context.feeds.get(name.replace(/\.[^.]+$/, '')) }))
    .filter((f): f is { name: string; feed: NonNullable<typeof f.feed> } => f.feed !== undefined)
    .sort(
      (a, b) => Number(b.feed.createsPersons) - Number(a.feed.createsPersons) || a.name.localeCompare(b.name),
    );
  // One background writer for the whole folder when its files are large (or when asked): its
  // connection's page cache stays warm from one file to the next (ADR 0026).
  const bytes = files.reduce((n, f) => n + fs.statSync(path.join(dir, f.name)).size, 0);
  const wanted = options.backgroundWriter ?? bytes >= WRITER_FROM_BYTES;
  const writer = wanted === true ? openSqliteWriter(context.db) : wanted === false ? undefined : wanted;
  const results: ImportTable[] = [];
  try {
    for (const { name, feed } of files) {
      results.push(
        await importFile(context, feed, path.join(dir, name), {
          ...options,
          fileName: name,
          backgroundWriter: writer ?? false,
        }),
      );
    }
  } finally {
    if (writer !== wanted) await writer?.close();
  }
  return results;
}
