import fs from 'node:fs';
import path from 'node:path';
import { testFieldCipher } from './src/core/fieldCipher.ts';
import { createDatabase } from './src/db/createDatabase.ts';
import { migrateToLatest } from './src/db/migrate.ts';
import { readCountyDivisions } from './src/areas/chinaDivision.ts';
import { importAreaRecords } from './src/areas/importAreas.ts';
import { loadVariableCatalogue } from './src/registry/variables/variableCatalogue.ts';
import { loadFeeds } from './src/ingest/feeds/loadFeeds.ts';
import { loadPortraitDefinitions } from './src/portrait/portraitDefinitions.ts';
import { generateCountyFeeds } from './src/generator/generateCountyFeeds.ts';
import { importFeedDirectory } from './src/ingest/imports/importFeedDirectory.ts';
import { loadPool } from './src/rules/policies/loadPool.ts';
import { PoolHolder } from './src/rules/policies/poolHolder.ts';
import { loadWarnings } from './src/discovery/loadWarnings.ts';
import { loadDiscoveryModels } from './src/discovery/loadDiscoveryModels.ts';
import { createSettingsProvider } from './src/settings/settingsService.ts';
import { startScreening } from './src/discovery/screeningRun.ts';
const asOf = '2026-11-01';
const variables = loadVariableCatalogue();
const portrait = loadPortraitDefinitions(variables);
const feeds = loadFeeds(variables);
const dir = process.env.DIR ?? '/tmp/scratchrun';
const file = path.join(dir, 'bench.db');
if (!fs.existsSync(file)) {
  fs.mkdirSync(dir, { recursive: true });
  await generateCountyFeeds({ countyCode: '371082', households: Number(process.env.HH ?? 2000), seed: 1, outDir: dir, referenceDate: asOf, detail: 'snapshot' });
  const d = createDatabase({ sqliteFile: file });
  await migrateToLatest(d.db);
  await importAreaRecords(d.db, readCountyDivisions('371082'), '2023-12-31');
  await importFeedDirectory({ db: d.db, cipher: testFieldCipher(), variables, feeds }, path.join(dir, 'feeds'), { startedBy: 'bench' });
  await d.close();
}
const database = createDatabase({ sqliteFile: file });
const db = database.db;
await migrateToLatest(db);
const pool = loadPool(variables, portrait);
const context = { db, variables, portrait, feeds, rules: new PoolHolder(() => pool), warnings: new PoolHolder(() => loadWarnings(variables, portrait)), models: new PoolHolder(() => loadDiscoveryModels(variables, portrait)), settings: createSettingsProvider(db) };
for (let i = 0; i < Number(process.env.RUNS ?? 2); i++) {
  const t = performance.now();
  const r = await (await startScreening(context, { trigger: 'manual', startedBy: 'x', asOf })).done;
  console.log(r.status, r.households_done, r.findings_current, r.findings_new, ((performance.now() - t) / r.households_done * 1000).toFixed(0), 'us/hh');
}
const kinds = await db.selectFrom('findings').select(['kind', db.fn.countAll().as('n')]).groupBy('kind').execute();
console.log(kinds);
await database.close();
