import { loadConfig, type Config } from '../core/config.ts';
import { loadFieldCipher } from '../core/fieldCipher.ts';
import { createDatabase, defaultSqliteFile } from '../db/createDatabase.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { AppContext } from '../http/appContext.ts';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { loadFeeds } from '../ingest/feeds/loadFeeds.ts';
import { loadPortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import { createSettingsProvider } from '../settings/settingsService.ts';
import { loadPool } from '../rules/policies/loadPool.ts';
import { loadWarnings } from '../discovery/loadWarnings.ts';
import { loadDiscoveryModels } from '../discovery/loadDiscoveryModels.ts';
import { PoolHolder } from '../rules/policies/poolHolder.ts';
import { AssessmentModels } from '../assessment/assessmentModels.ts';
import { createWorkOrders } from '../workorders/createWorkOrders.ts';

export interface ContextOverrides {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
}

/** Opens the configured database, brings its schema up to date and loads the catalogues. */
export async function openContext(overrides: ContextOverrides = {}, migrate = true): Promise<AppContext> {
  const base = loadConfig();
  const config: Config = {
    ...base,
    ...(overrides.databaseUrl ? { databaseUrl: overrides.databaseUrl } : {}),
    ...(overrides.dataDir ? { dataDir: overrides.dataDir } : {}),
  };
  const database = createDatabase({ url: config.databaseUrl, sqliteFile: defaultSqliteFile(config.dataDir) });
  if (migrate) await migrateToLatest(database.db);
  const variables = loadVariableCatalogue();
  const portrait = loadPortraitDefinitions(variables);
  const cipher = loadFieldCipher(config.dataDir);
  const rules = new PoolHolder(() => loadPool(variables, portrait));
  const warnings = new PoolHolder(() => loadWarnings(variables, portrait));
  const models = new PoolHolder(() => loadDiscoveryModels(variables, portrait));
  return {
    config,
    database,
    db: database.db,
    cipher,
    variables,
    feeds: loadFeeds(variables),
    portrait,
    rules,
    warnings,
    models,
    assessment: new AssessmentModels(database.db, variables, portrait),
    workOrders: createWorkOrders({ db: database.db, rules, warnings, models, variables, cipher }),
    settings: createSettingsProvider(database.db),
  };
}
