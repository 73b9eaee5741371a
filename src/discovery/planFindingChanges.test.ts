import { describe, expect, it } from 'vitest';
import type { DesiredFinding } from './findingRules.ts';
import { explanationDigest, planFindingChanges, type StoredFinding } from './planFindingChanges.ts';

const stamp = { runId: 'run-2', at: '2026-11-29T02:00:00.000Z', poolVersion: 'p1', dataVersion: '42' };
const desired = (
  policyId: string,
  kind: DesiredFinding['kind'],
  amount: number | null = null,
): DesiredFinding => ({
  policyId,
  subject: 'household',
  kind,
  amount,
  amountPeriod: amount === null ? null : 'monthly',
  explanation: { result: {} as DesiredFinding['explanation']['result'], inputs: {}, parameters: {} },
});
const stored = (
  id: string,
  policyId: string,
  status: StoredFinding['status'],
  kind: StoredFinding['kind'] = 'gap',
  amount: number | null = null,
): StoredFinding => ({
  id,
  household_id: 'h1',
  policy_id: policyId,
  subject: 'household',
  kind,
  status,
  amount,
  amount_period: amount === null ? null : 'monthly',
  area_code: '371082001001',
  explanation_hash: explanationDigest(JSON.stringify(desired(policyId, kind, amount).explanation)),
});
let next = 0;
const newId = () => `f${String(++next)}`;

describe('planFindingChanges', () => {
  it('keeps a finding’s identity across runs, records what changed, supersedes and brings back', () => {
    const plan = planFindingChanges(
      [
        stored('a', 'dibao', 'assigned', 'gap', 860),
        stored('b', 'near_dibao', 'new'),
        stored('c', 'rent_subsidy', 'superseded'),
        stored('d', 'tekun', 'resolved'),
        stored('e', 'medical_aid_inpatient_dibao', 'resolved'),
      ],
      new Map([
        [
          'h1',
          {
            areaCode: '371082001001',
            findings: [
              desired('dibao', 'gap', 900),
              desired('rent_subsidy', 'gap'),
              desired('tekun', 'gap'),
              desired('education_aid', 'watch'),
            ],
          },
        ],
      ]),
      stamp,
      newId,
    );
    // New: education_aid. Changed: dibao's amount. Reappeared: rent_subsidy. Superseded: near_dibao.
    expect(plan.inserts.map((f) => [f.policy_id, f.status, f.kind])).toEqual([
      ['education_aid', 'new', 'watch'],
    ]);
    expect(plan.events.map((e) => [e.finding_id, e.action, e.from_status, e.to_status])).toEqual([
      ['a', 'changed', 'assigned', 'assigned'],
      ['c', 'reappeared', 'superseded', 'new'],
      ['f1', 'found', null, 'new'],
      ['b', 'superseded', 'new', 'superseded'],
    ]);
    expect(plan.events[0]?.note).toBe('金额 860 → 900');
    expect(plan.counts).toEqual({ found: 2, changed: 1, superseded: 1, current: 3 });
    // The assigned finding stays assigned; a resolved one stays resolved but is marked seen
    // (only the run's stamp: nothing else about it changed).
    const update = (id: string) => plan.updates.find((u) => u.id === id)?.change;
    expect(update('a')).toMatchObject({ amount: 900, last_run_id: 'run-2' });
    expect(update('a')?.status).toBeUndefined();
    expect(update('d')).toBeUndefined();
    expect(plan.seen).toEqual(['d']);
    // Resolved and no longer called for: left alone.
    expect(update('e')).toBeUndefined();
  });

  it('changes nothing but the last-seen stamp, for all at once, when a run finds the same', () => {
    const plan = planFindingChanges(
      [stored('a', 'dibao', 'new', 'gap', 860), stored('d', 'tekun', 'resolved')],
      new Map([
        [
          'h1',
          {
            areaCode: '371082001001',
            findings: [desired('dibao', 'gap', 860), desired('tekun', 'gap')],
          },
        ],
      ]),
      stamp,
      newId,
    );
    expect(plan.events).toEqual([]);
    expect(plan.counts).toEqual({ found: 0, changed: 0, superseded: 0, current: 1 });
    expect(plan.updates).toEqual([]);
    expect(plan.seen).toEqual(['a', 'd']);
    expect(plan.stamp).toEqual({
      last_run_id: 'run-2',
      last_seen_at: stamp.at,
      pool_version: 'p1',
      data_version: '42',
    });
  });

  it('rewrites a finding whose explanation or area moved, without an event', () => {
    const moved = desired('dibao', 'gap', 860);
    moved.explanation.inputs = { 'h.monthly_income_per_capita': { value: 300 } as never };
    const plan = planFindingChanges(
      [stored('a', 'dibao', 'assigned', 'gap', 860), stored('b', 'tekun', 'new')],
      new Map([
        ['h1', { areaCode: '371082001001', findings: [moved] }],
        // The same household seen under another area (it moved): 'b' is rewritten with it.
      ]),
      stamp,
      newId,
    );
    expect(plan.seen).toEqual([]);
    expect(plan.updates.find((u) => u.id === 'a')?.change).toMatchObject({
      explanation_json: JSON.stringify(moved.explanation),
      explanation_hash: explanationDigest(JSON.stringify(moved.explanation)),
      last_run_id: 'run-2',
    });
    expect(plan.events.map((e) => [e.finding_id, e.action])).toEqual([['b', 'superseded']]);
    const elsewhere = planFindingChanges(
      [stored('b', 'tekun', 'new')],
      new Map([['h1', { areaCode: '371082002002', findings: [desired('tekun', 'gap')] }]]),
      stamp,
      newId,
    );
    expect(elsewhere.seen).toEqual([]);
    expect(elsewhere.updates[0]?.change).toMatchObject({ area_code: '371082002002' });
    expect(elsewhere.events).toEqual([]);
  });

  it('writes the digest of a finding stored before digests were kept, once and without an event', () => {
    const before = { ...stored('a', 'dibao', 'new', 'gap', 860), explanation_hash: null };
    const plan = planFindingChanges(
      [before],
      new Map([['h1', { areaCode: '371082001001', findings: [desired('dibao', 'gap', 860)] }]]),
      stamp,
      newId,
    );
    expect(plan.seen).toEqual([]);
    expect(plan.updates).toHaveLength(1);
    expect(plan.updates[0]?.change.explanation_hash).toBe(
      explanationDigest(JSON.stringify(desired('dibao', 'gap', 860).explanation)),
    );
    expect(plan.events).toEqual([]);
    expect(plan.counts).toEqual({ found: 0, changed: 0, superseded: 0, current: 1 });
  });
});
