import { randomUUID } from 'node:crypto';
import type { AppContext } from '../http/appContext.ts';
import type { RulePool } from '../rules/evaluate/explainPolicies.ts';
import { explainSubject } from '../rules/evaluate/explainPolicies.ts';
import { screenedHouseholds, type ScreenedHousehold } from '../rules/householdSubject.ts';
import { findingsOfHouseholds, screeningsOfHouseholds } from './discoveryRepository.ts';
import { findingsDigest } from './findingsDigest.ts';
import { policyById } from '../rules/policies/policyById.ts';
import { decideFindings, type RuleSetKind } from './decideFindings.ts';
import type { FindingKind, HouseholdAssessmentTable } from '../db/schema.ts';
import { discoveryModel, type ActiveModel } from '../assessment/assessmentModels.ts';
import { assessChunk, type AssessmentTally } from '../assessment/assessChunk.ts';
import type { SubjectValues } from '../rules/evaluate/ruleSubject.ts';
import { explanationOf } from './findingRules.ts';
import {
  planFindingChanges,
  type FindingChanges,
  type RunStamp,
  type Unexplained,
  type WantedFinding,
} from './planFindingChanges.ts';

/** The three rule sets a screening run applies. */
export interface ScreeningRules {
  pool: RulePool;
  warnings: RulePool;
  models: RulePool;
  /** The active hardship assessment models (issue 7), each household assessed by each. */
  assessment: readonly ActiveModel[];
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
  /** Each household's assessment under each active model, where it changed. */
  assessments: HouseholdAssessmentTable[];
  /** Every household's assessment summed by model and township, for the run's snapshot. */
  tallies: AssessmentTally[];
}

/**
 * One chunk of a screening run, everything but the writing: the households read as the rules
 * see them, every (policy, subject) pair decided with the compiled closures (decideFindings.ts),
 * the result compared with the findings stored for these households, and only the findings to
 * be written — new, changed, reappeared — explained. Runs in the run's own thread or in a
 * screening thread on its own connection (screeningThreads.ts); the caller writes the changes.
 */
export async function screenChunk(
  context: Pick<AppContext, 'db' | 'variables' | 'portrait' | 'feeds'>,
  rules: ScreeningRules,
  request: ChunkRequest,
): Promise<ChunkResult> {
  const { households, asOf, watchMargin } = request;
  const screened = await screenedHouseholds(context, households, asOf, {
    hardship: discoveryModel(rules.assessment),
  });
  const desired = new Map<string, { areaCode: string; findings: WantedFinding[] }>();
  const assessed: { id: string; area_code: string; values: SubjectValues }[] = [];
  let results = 0;
  for (const household of households) {
    const values = screened.get(household.id)?.values();
    if (!values) continue;
    assessed.push({ ...household, values });
    const findings: WantedFinding[] = [];
    for (const set of SETS) {
      const decided = decideFindings(rules[set.rules], values, set.kind, watchMargin);
      results += decided.evaluated;
      findings.push(...decided.findings);
    }
    desired.set(household.id, { areaCode: household.area_code, findings });
  }
  // A household that calls for what it called for at its last screening (same digest) has
  // its findings stored already: nothing to read, compare or write but its screening row.
  const previous = new Map(
    (
      await screeningsOfHouseholds(
        context.db,
        households.map((h) => h.id),
      )
    ).map((r) => [r.household_id, r]),
  );
  const stamp: RunStamp = {
    runId: request.runId,
    at: new Date().toISOString(),
    poolVersion: request.poolVersion,
    dataVersion: request.dataVersion,
  };
  // Each household's assessments join its digest: a household whose findings and assessments are
  // both as last written has neither rewritten (an unchanged assessment keeps its row's date).
  const { rows: assessments, tallies } = assessChunk(rules.assessment, assessed, {
    runId: stamp.runId,
    asOf,
    at: stamp.at,
  });
  const assessedAs = new Map<string, string>();
  for (const row of assessments)
    assessedAs.set(
      row.household_id,
      `${assessedAs.get(row.household_id) ?? ''}${row.model_id}@${String(row.model_version)}×${String(row.population)}:${row.values_json}\n`,
    );
  const digests = new Map<string, string>();
  const compared = new Map<string, { areaCode: string; findings: WantedFinding[] }>();
  for (const [householdId, wanted] of desired) {
    const digest = findingsDigest(wanted.areaCode, wanted.findings, assessedAs.get(householdId));
    digests.set(householdId, digest);
    if (previous.get(householdId)?.findings_digest !== digest) compared.set(householdId, wanted);
  }
  const stored = await findingsOfHouseholds(context.db, [...compared.keys()]);
  const changes = planFindingChanges(stored, compared, stamp, randomUUID);
  for (const [householdId, digest] of digests) {
    // Compared: as the plan counts it; unchanged: as its last screening counted it.
    let current = changes.currentByHousehold.get(householdId);
    if (current === undefined) {
      current = previous.get(householdId)?.findings_current ?? 0;
      changes.counts.current += current;
    }
    changes.screenings.push({
      household_id: householdId,
      run_id: stamp.runId,
      screened_at: stamp.at,
      pool_version: stamp.poolVersion,
      data_version: stamp.dataVersion,
      findings_digest: digest,
      findings_current: current,
    });
  }
  explainChanges(rules, screened, changes);
  return {
    changes,
    results,
    assessments: assessments.filter((row) => compared.has(row.household_id)),
    tallies,
  };
}

const setOf = (kind: FindingKind): RuleSetKind => (kind === 'warning' || kind === 'model' ? kind : 'pool');

const SETS = [
  { rules: 'pool', kind: 'pool' },
  { rules: 'warnings', kind: 'warning' },
  { rules: 'models', kind: 'model' },
] as const;

/**
 * Writes the explanation of every finding the changes write unexplained: per household, each
 * rule set explained once for just the policies concerned (and a policy's phase-out policy,
 * whose result a review's explanation sits beside), the finding's part of it kept.
 */
export function explainChanges(
  rules: ScreeningRules,
  households: ReadonlyMap<string, Pick<ScreenedHousehold, 'subject'>>,
  changes: FindingChanges,
): void {
  const byHousehold = new Map<string, Unexplained[]>();
  for (const u of changes.unexplained) {
    const list = byHousehold.get(u.householdId);
    if (list) list.push(u);
    else byHousehold.set(u.householdId, [u]);
  }
  for (const [householdId, list] of byHousehold) {
    const subject = households.get(householdId)?.subject();
    if (!subject) throw new Error(`筛查的户 ${householdId} 缺少规则主体`);
    for (const set of SETS) {
      const pool = rules[set.rules];
      const mine = list.filter((u) => setOf(u.kind) === set.kind);
      if (mine.length === 0) continue;
      const ids = new Set<string>();
      for (const u of mine) {
        ids.add(u.policyId);
        const phaseOut = policyById(pool, u.policyId)?.phaseOut;
        if (phaseOut) ids.add(phaseOut);
      }
      const explanation = explainSubject(pool, subject, ids);
      for (const u of mine) {
        const result = explanation.results.find((r) => r.policyId === u.policyId && r.subject === u.subject);
        if (!result) throw new Error(`发现 ${u.policyId}（${u.subject}）在解释中没有结果`);
        u.row.explanation_json = JSON.stringify(explanationOf(explanation, result));
      }
    }
  }
  changes.unexplained = [];
}
