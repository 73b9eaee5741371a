import type { Kysely } from 'kysely';
import type { Config } from '../core/config.ts';
import type { FieldCipher } from '../core/fieldCipher.ts';
import type { DatabaseHandle } from '../db/createDatabase.ts';
import type { Database } from '../db/schema.ts';
import type { VariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import type { SettingsProvider } from '../settings/settingsService.ts';
import type { FeedRegistry } from '../ingest/feeds/loadFeeds.ts';
import type { PortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import type { PoolHolder } from '../rules/policies/poolHolder.ts';
import type { AssessmentModels } from '../assessment/assessmentModels.ts';
import type { WorkOrders } from '../workorders/workOrders.ts';

/** What every module's routes and services are built from; assembled once per app. */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  db: Kysely<Database>;
  cipher: FieldCipher;
  variables: VariableCatalogue;
  /** The department feeds (`feeds/*.yaml`), checked against the catalogue at start. */
  feeds: FeedRegistry;
  /** Derived variables and tags (`catalogue/portrait.yaml`), checked against the catalogue at start. */
  portrait: PortraitDefinitions;
  /** The welfare pool (`policies/`, `parameters/`) in force; a failed reload keeps the last good one. */
  rules: PoolHolder;
  /** The early-warning rules (`warnings/`), held like the pool: a failed reload keeps the last good set. */
  warnings: PoolHolder;
  /** The discovery models (`models/`, X3): named lists, held like the pool. */
  models: PoolHolder;
  /** Hardship assessment models (issue 7): every version in the database, the active ones assessed by each run. */
  assessment: AssessmentModels;
  /** Work orders (issue 8): routing, the lifecycle, clocks, the inbox. */
  workOrders: WorkOrders;
  /** Settings in force, including the security policy and masking rules (src/settings). */
  settings: SettingsProvider;
}
