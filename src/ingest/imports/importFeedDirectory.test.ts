import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCountyDivisions } from '../../areas/chinaDivision.ts';
import { importAreaRecords } from '../../areas/importAreas.ts';
import { testFieldCipher } from '../../core/fieldCipher.ts';
import { createDatabase } from '../../db/createDatabase.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { generateCountyFeeds } from '../../generator/generateCountyFeeds.ts';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { loadFeeds } from '../feeds/loadFeeds.ts';
import { registryChecksum } from '../testing/registryChecksum.ts';
import { feedFilesIn, importFeedDirectory } from './importFeedDirectory.ts';
import { importFile } from './importFile.ts';
import { DEFERRABLE_INDEXES, missingDeferrableIndexes } from '../../db/deferredIndexes.ts';
import { rawSqliteOf } from '../../db/dialects/sqlite.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-folder-'));
const cipher = testFieldCipher();
const variables = loadVariableCatalogue();
const feeds = loadFeeds(variables);

/** Imports the generated folder into a new SQLite file; the registry's digest and the imports. */
async function importInto(
  name: string,
  backgroundWriter: boolean,
  batchSize: number,
  deferIndexes = false,
  interpretThread = false,
) {
  const database = createDatabase({ sqliteFile: path.join(root, name, 'z.db') });
  const built: string[] = [];
  try {
    await migrateToLatest(database.db);
    await importAreaRecords(database.db, readCountyDivisions('371082'), '2023-12-31');
    const imports = await importFeedDirectory(
      { db: database.db, cipher, variables, feeds },
      path.join(root, 'gen', 'feeds'),
      {
        startedBy: 'test',
        backgroundWriter,
        batchSize,
        deferIndexes,
        interpretThread,
        onIndexesBuilt: (names) => built.push(...names),
      },
    );
    return {
      imports,
      checksum: await registryChecksum(database.db, cipher),
      built,
      missing: await missingDeferrableIndexes(database.db),
      // A load with its own writer leaves checkpoints to a thread until it ends (ADR 0035).
      autocheckpoint: rawSqliteOf(database.db)?.pragma('wal_autocheckpoint', { simple: true }),
    };
  } finally {
    await database.close();
  }
}

/** The folder's files imported one by one, as separate imports share nothing. */
async function importOneByOne(name: string) {
  const database = createDatabase({ sqliteFile: path.join(root, name, 'z.db') });
  try {
    await migrateToLatest(database.db);
    await importAreaRecords(database.db, readCountyDivisions('371082'), '2023-12-31');
    const dir = path.join(root, 'gen', 'feeds');
    const imports = [];
    for (const { name: file, feed } of feedFilesIn(feeds, dir).files)
      imports.push(
        await importFile({ db: database.db, cipher, variables }, feed, path.join(dir, file), {
          startedBy: 'test',
          batchSize: 700,
          backgroundWriter: false,
        }),
      );
    return { imports, checksum: await registryChecksum(database.db, cipher) };
  } finally {
    await database.close();
  }
}

// On a SQLite file a folder's batches may be written by one background connection shared by
// all its files (ADR 0026): the registry must be the one the main connection alone builds.
describe('importing a folder with one background writer for all its files', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    await generateCountyFeeds({
      countyCode: '371082',
      households: 300,
      seed: 5,
      outDir: path.join(root, 'gen'),
      referenceDate: '2026-11-01',
    });
  }, 120_000);
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('builds the same registry, with the same counts, as writing on the main connection', async () => {
    // Small batches, so every file has several batches in flight one after another.
    const plain = await importInto('plain', false, 700);
    const shared = await importInto('shared', true, 700);
    expect(plain.imports.length).toBeGreaterThanOrEqual(14);
    expect(
      shared.imports.map((i) => [i.feed_id, i.status, i.received, i.accepted, i.rejected, i.duplicate]),
    ).toEqual(
      plain.imports.map((i) => [i.feed_id, i.status, i.received, i.accepted, i.rejected, i.duplicate]),
    );
    for (const i of shared.imports) expect(i.received).toBe(i.accepted + i.rejected + i.duplicate);
    expect(shared.checksum).toBe(plain.checksum);
    expect(plain.built).toEqual([]); // 300 households are far below a bulk load
    // The main connection checkpoints for itself again afterwards.
    expect(shared.autocheckpoint).toBe(16384);
    expect(plain.autocheckpoint).toBe(16384);
  });

  // ADR 0030: the indexes no import reads are dropped for the load and built at its end.
  it('builds the same registry when it defers the indexes, and leaves them built', async () => {
    const plain = await importInto('plain-again', false, 700);
    const deferred = await importInto('deferred', true, 700, true);
    expect(deferred.built.sort()).toEqual(DEFERRABLE_INDEXES.map((i) => i.name).sort());
    expect(deferred.missing).toEqual([]);
    expect(
      deferred.imports.map((i) => [i.feed_id, i.status, i.received, i.accepted, i.rejected, i.duplicate]),
    ).toEqual(
      plain.imports.map((i) => [i.feed_id, i.status, i.received, i.accepted, i.rejected, i.duplicate]),
    );
    expect(deferred.checksum).toBe(plain.checksum);
  });

  // ADR 0038: a feed's file read and interpreted on a thread of its own, its rows packed to cross.
  it('builds the same registry when the files are interpreted on their own threads', async () => {
    const plain = await importInto('plain-third', false, 700);
    const threaded = await importInto('threaded', true, 700, false, true);
    expect(
      threaded.imports.map((i) => [i.feed_id, i.status, i.received, i.accepted, i.rejected, i.duplicate]),
    ).toEqual(
      plain.imports.map((i) => [i.feed_id, i.status, i.received, i.accepted, i.rejected, i.duplicate]),
    );
    expect(threaded.checksum).toBe(plain.checksum);
  });

  // A folder's imports pass on the persons they found or created and the ID numbers they checked.
  it('builds the same registry as its files imported one by one', async () => {
    const folder = await importInto('folder', false, 700);
    const single = await importOneByOne('one-by-one');
    expect(
      folder.imports.map((i) => [i.feed_id, i.status, i.received, i.accepted, i.rejected, i.duplicate]),
    ).toEqual(
      single.imports.map((i) => [i.feed_id, i.status, i.received, i.accepted, i.rejected, i.duplicate]),
    );
    expect(folder.checksum).toBe(single.checksum);
  });
});
