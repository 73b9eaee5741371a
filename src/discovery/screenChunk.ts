import { randomUUID } from 'node:crypto';
import type { AppContext } from '../http/appContext.ts';
import type { RulePool } from '../rules/evaluate/explainPolicies.ts';
import { explainSubject } from '../rules/evaluate/explainPolicies.ts';
import { registeredSubjects } from '../rules/householdSubject.ts';
import { findingsOfHouseholds } from './discoveryRepository.ts';
import { findingCandidates } from './findingCandidates.ts';
import { conditionFindings, desiredFindings, type DesiredFinding } from './findingRules.ts';
import { planFindingChanges, type FindingChanges, type RunStamp } from './planFindingChanges.ts';

/** The three rule sets a screening run applies. */
export interface ScreeningRules {
  pool: RulePool;
  warnings: RulePool;
  models: RulePool;
}

/** One chunk of a run: its households and what the run fixed for all of them. */
export interface ChunkRequest {
  households: { id: string; area_code: string }[];
  asOf: string;
  /** A watch finding's margin (0.1 = 10 %), the system setting when the run started. */
  watchMargin: number;
  runId: string;
  poolVersion: string;
  dataVersion: string;
}

export interface ChunkResult {
  changes: FindingChanges;
  /** (policy, subject) pairs evaluated. */
  results: number;
}

/**
 * One chunk of a screening run, everything but the writing: the households read as the rules
 * see them, every (policy, subject) pair evaluated, the ones that may call for a finding
 * explained (findingCandidates.ts — the same findings, a fraction of the work), and the result
 * compared with the findings stored for these households. Runs in the run's own thread or in a
 * screening thread on its own connection (screeningThreads.ts); the caller writes the changes.
 */
export async function screenChunk(
  context: Pick<AppContext, 'db' | 'variables' | 'portrait' | 'feeds'>,
  rules: ScreeningRules,
  request: ChunkRequest,
): Promise<ChunkResult> {
  const { households, asOf, watchMargin } = request;
  const subjects = await registeredSubjects(context, households, asOf);
  const desired = new Map<string, { areaCode: string; findings: DesiredFinding[] }>();
  let results = 0;
  for (const household of households) {
    const subject = subjects.get(household.id);
    if (!subject) continue;
    const inPool = findingCandidates(rules.pool, subject, watchMargin);
    const inWarnings = findingCandidates(rules.warnings, subject, watchMargin);
    const inModels = findingCandidates(rules.models, subject, watchMargin);
    results += inPool.evaluated + inWarnings.evaluated + inModels.evaluated;
    desired.set(household.id, {
      areaCode: household.area_code,
      findings: [
        ...desiredFindings(rules.pool, explainSubject(rules.pool, subject, inPool.policyIds), {
          watchMargin,
        }),
        ...conditionFindings(explainSubject(rules.warnings, subject, inWarnings.policyIds), 'warning'),
        ...conditionFindings(explainSubject(rules.models, subject, inModels.policyIds), 'model'),
      ],
    });
  }
  const stored = await findingsOfHouseholds(
    context.db,
    households.map((h) => h.id),
  );
  const stamp: RunStamp = {
    runId: request.runId,
    at: new Date().toISOString(),
    poolVersion: request.poolVersion,
    dataVersion: request.dataVersion,
  };
  return { changes: planFindingChanges(stored, desired, stamp, randomUUID), results };
}
