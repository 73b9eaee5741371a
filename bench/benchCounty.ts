import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testFieldCipher } from '../src/core/fieldCipher.ts';
import { createDatabase, type DatabaseHandle } from '../src/db/createDatabase.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { readCountyDivisions } from '../src/areas/chinaDivision.ts';
import { importAreaRecords } from '../src/areas/importAreas.ts';
import {
  loadVariableCatalogue,
  type VariableCatalogue,
} from '../src/registry/variables/variableCatalogue.ts';
import { loadFeeds, type FeedRegistry } from '../src/ingest/feeds/loadFeeds.ts';
import { loadPortraitDefinitions, type PortraitDefinitions } from '../src/portrait/portraitDefinitions.ts';
import { generateCountyFeeds } from '../src/generator/generateCountyFeeds.ts';
import { importFeedDirectory } from '../src/ingest/imports/importFeedDirectory.ts';

/** The benchmark's first line: what ran it, and how busy the machine was. */
export function machineLine(name: string): string {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return `${name}, ${new Date().toISOString()}: ${String(os.cpus().length)} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, load ${load}`;
}

/**
 * A generated Rongcheng county imported through the department feeds into a fresh SQLite file in
 * a temporary folder (removed when the process exits) — a benchmark's untimed set-up.
 */
export async function benchCounty(options: {
  name: string;
  households: number;
  seed: number;
  asOf: string;
}): Promise<{
  variables: VariableCatalogue;
  portrait: PortraitDefinitions;
  feeds: FeedRegistry;
  database: DatabaseHandle;
  importMs: number;
}> {
  const variables = loadVariableCatalogue();
  const portrait = loadPortraitDefinitions(variables);
  const feeds = loadFeeds(variables);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `zhulian-bench-${options.name}-`));
  process.on('exit', () => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await generateCountyFeeds({
    countyCode: '371082',
    households: options.households,
    seed: options.seed,
    outDir: dir,
    referenceDate: options.asOf,
    detail: 'snapshot',
  });
  const database = createDatabase({ sqliteFile: path.join(dir, 'bench.db') });
  await migrateToLatest(database.db);
  await importAreaRecords(database.db, readCountyDivisions('371082'), '2023-12-31');
  const started = performance.now();
  await importFeedDirectory(
    { db: database.db, cipher: testFieldCipher(), variables, feeds },
    path.join(dir, 'feeds'),
    { startedBy: 'bench' },
  );
  return { variables, portrait, feeds, database, importMs: performance.now() - started };
}
