import { describe, expect, it } from 'vitest';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { loadPortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import { loadPool } from '../rules/policies/loadPool.ts';
import { explainSubject } from '../rules/evaluate/explainPolicies.ts';
import { subjectFromPlain } from '../rules/evaluate/ruleSubject.ts';
import { desiredFindings } from './findingRules.ts';

const variables = loadVariableCatalogue();
const pool = loadPool(variables, loadPortraitDefinitions(variables));
const asOf = '2026-11-01';

/** The findings the real pool raises for a Rongcheng household of two adults. */
function findingsFor(h: Record<string, unknown>, watchMargin = 0.1) {
  const subject = subjectFromPlain(pool.vocabulary, {
    region: '371082001001',
    asOf,
    h: { member_count: 2, deposits_total: 5000.0, vehicles: 0, assistance_types: [], ...h },
    members: [{ age: 45 }, { age: 43 }],
  });
  return desiredFindings(pool, explainSubject(pool, subject), { watchMargin });
}
const about = (findings: ReturnType<typeof findingsFor>, policyId: string) =>
  findings.filter((f) => f.policyId === policyId);

describe('desiredFindings', () => {
  it('raises a gap for a household eligible for dibao and not on it, with the amount and its explanation', () => {
    const [dibao] = about(findingsFor({ monthly_income_per_capita: 600.0 }), 'dibao');
    expect(dibao).toMatchObject({ kind: 'gap', subject: 'household', amountPeriod: 'monthly' });
    // Rongcheng's standard 1,030 (parameters/), two members: (1030 − 600) × 2.
    expect(dibao?.amount).toBe(860);
    // The finding carries the inputs and parameters its criteria cite, and nothing else.
    expect(Object.keys(dibao?.explanation.inputs ?? {}).sort()).toEqual([
      'h.deposits_total',
      'h.member_count',
      'h.monthly_income_per_capita',
      'h.vehicles',
    ]);
    expect(dibao?.explanation.parameters['dibao.standard']?.value).toBe(1030);
  });

  it('raises a review for a dibao household now far above the line, unless its phase-out holds', () => {
    const review = about(
      findingsFor({ monthly_income_per_capita: 2000.0, working_members: 0, assistance_types: ['dibao'] }),
      'dibao',
    );
    expect(review.map((f) => f.kind)).toEqual(['review']);
    // Income rose through work two months ago: the phase-out continues dibao, no review.
    const phasing = findingsFor({
      monthly_income_per_capita: 1100.0,
      working_members: 1,
      dibao_phase_out_since: '2026-09-01',
      assistance_types: ['dibao'],
    });
    expect(about(phasing, 'dibao')).toEqual([]);
    // …and receiving it, the phase-out is no gap either.
    expect(about(phasing, 'dibao_phase_out')).toEqual([]);
    // Seven months on, the phase-out has ended: review.
    const ended = findingsFor({
      monthly_income_per_capita: 1100.0,
      working_members: 1,
      dibao_phase_out_since: '2026-04-01',
      assistance_types: ['dibao'],
    });
    expect(about(ended, 'dibao').map((f) => f.kind)).toEqual(['review']);
  });

  it('watches a household just above the line, within the margin, and not one further away', () => {
    // 1,100 is 70 above 1,030: within 10 %, not within 5 %.
    expect(about(findingsFor({ monthly_income_per_capita: 1100.0 }), 'dibao').map((f) => f.kind)).toEqual([
      'watch',
    ]);
    expect(about(findingsFor({ monthly_income_per_capita: 1100.0 }, 0.05), 'dibao')).toEqual([]);
    expect(about(findingsFor({ monthly_income_per_capita: 1500.0 }), 'dibao')).toEqual([]);
    // A failed test that is not numeric (a car over the limit is, but an unknown input is not) stops a watch.
    expect(about(findingsFor({ monthly_income_per_capita: 1100.0, vehicles: null }), 'dibao')).toEqual([]);
  });

  it('raises nothing for an unknown result', () => {
    expect(about(findingsFor({}), 'dibao')).toEqual([]);
  });
});
