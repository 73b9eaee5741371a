import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../core/config.ts';
import { testFieldCipher } from '../../core/fieldCipher.ts';
import type { TestDatabase } from '../../db/testing/eachDatabase.ts';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { loadFeeds } from '../../ingest/feeds/loadFeeds.ts';
import { loadPortraitDefinitions } from '../../portrait/portraitDefinitions.ts';
import { loadPool } from '../../rules/policies/loadPool.ts';
import { loadWarnings } from '../../discovery/loadWarnings.ts';
import { loadDiscoveryModels } from '../../discovery/loadDiscoveryModels.ts';
import { PoolHolder } from '../../rules/policies/poolHolder.ts';
import { AssessmentModels } from '../../assessment/assessmentModels.ts';
import { createWorkOrders } from '../../workorders/createWorkOrders.ts';
import { loadAssessmentModels } from '../../assessment/loadAssessmentModels.ts';
import { findArea } from '../../areas/areaRepository.ts';
import { readCountyDivisions } from '../../areas/chinaDivision.ts';
import { importAreaRecords } from '../../areas/importAreas.ts';
import { defaultSecurityPolicy, demoSecurityPolicy } from '../../access/auth/securityPolicy.ts';
import { DEMO_PASSWORD, setupDemoAccounts } from '../../access/users/setupAccounts.ts';
import type { AppContext } from '../appContext.ts';
import { createSettingsProvider } from '../../settings/settingsService.ts';
import { buildApp } from '../app.ts';

/** The real application over a test database: real routes, validation and repositories. */
// Loaded once per test file: both are read-only and validated on load.
const variables = loadVariableCatalogue();
const feeds = loadFeeds(variables);
const portrait = loadPortraitDefinitions(variables);
const rules = new PoolHolder(() => loadPool(variables, portrait));
const warnings = new PoolHolder(() => loadWarnings(variables, portrait));
const models = new PoolHolder(() => loadDiscoveryModels(variables, portrait));
const shippedAssessment = loadAssessmentModels(variables, portrait);

export function testContext(test: TestDatabase): AppContext {
  const cipher = testFieldCipher();
  return {
    config: loadConfig({}),
    database: test.handle,
    db: test.db,
    cipher,
    variables,
    feeds,
    portrait,
    rules,
    warnings,
    models,
    assessment: new AssessmentModels(test.db, variables, portrait, () => shippedAssessment),
    workOrders: createWorkOrders({ db: test.db, rules, warnings, models, variables, cipher }),
    // Tests sign administrators in without an authenticator; the TOTP test uses the real policy.
    settings: createSettingsProvider(test.db, { securityDefaults: demoSecurityPolicy }),
  };
}

/** The demo accounts: county, township, village, department, sysadmin, secadmin, auditadmin. */
export type TestUser =
  'county' | 'township' | 'village' | 'department' | 'sysadmin' | 'secadmin' | 'auditadmin';

/** Makes sure Rongcheng's tree and the demo accounts exist in the test database. */
export async function ensureTestAccounts(test: TestDatabase): Promise<void> {
  if (!(await findArea(test.db, '371082000000'))) {
    await importAreaRecords(test.db, readCountyDivisions('371082'), '2023-12-31');
  }
  await setupDemoAccounts(test.db, defaultSecurityPolicy, '371082000000');
}

/** Signs a demo user in through the real login route and returns the bearer token. */
export async function signIn(app: FastifyInstance, user: TestUser): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: user, password: DEMO_PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in as ${user} failed: ${res.body}`);
  return res.json<{ token: string }>().token;
}

export type Inject = (options: InjectOptions) => Promise<LightMyRequestResponse>;

/** An inject function that sends a user's bearer token with every request. */
export function injectAs(app: FastifyInstance, token: string): Inject {
  const original = app.inject.bind(app);
  return (options) =>
    original({ ...options, headers: { authorization: `Bearer ${token}`, ...options.headers } });
}

/**
 * The app, signed in: `app.inject` sends the given demo user's token (county staff by
 * default, who may do everything in Rongcheng); `as: null` leaves requests anonymous.
 */
export async function buildTestApp(
  test: TestDatabase,
  options: { as?: TestUser | null } = {},
): Promise<FastifyInstance> {
  const app = await buildApp({ context: testContext(test) });
  const user = options.as === undefined ? 'county' : options.as;
  if (user === null) return app;
  await ensureTestAccounts(test);
  const inject = injectAs(app, await signIn(app, user));
  // Tests keep calling app.inject(); only the object form, always awaited, is used there.
  return Object.assign(app, { inject });
}
