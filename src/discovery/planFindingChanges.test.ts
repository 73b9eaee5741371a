import { describe, expect, it } from 'vitest';
import type { DesiredFinding } from './findingRules.ts';
import { planFindingChanges, type StoredFinding } from './planFindingChanges.ts';

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
    // Explained anew: the changed, the reappeared and the new finding — not the one only seen.
    expect(plan.explanations.map((e) => e.finding_id)).toEqual(['a', 'c', 'f1']);
    expect(plan.counts).toEqual({ found: 2, changed: 1, superseded: 1, current: 3 });
    // The assigned finding stays assigned; a resolved one seen again stays resolved and is not
    // written (its household's screening row says it was seen).
    const update = (id: string) => plan.updates.find((u) => u.id === id)?.change;
    expect(update('a')).toMatchObject({ amount: 900, last_run_id: 'run-2' });
    expect(update('a')?.status).toBeUndefined();
    expect(update('d')).toBeUndefined();
    expect(plan.explanations.map((e) => e.finding_id)).not.toContain('d');
    // Resolved and no longer called for: left alone.
    expect(update('e')).toBeUndefined();
  });

  it('writes nothing for findings a run finds the same', () => {
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
    expect(plan.inserts).toEqual([]);
    expect(plan.explanations).toEqual([]);
    // The stamp is what the run puts on what it does write.
    expect(plan.stamp).toEqual({
      last_run_id: 'run-2',
      last_seen_at: stamp.at,
      pool_version: 'p1',
      data_version: '42',
    });
  });

  it('keeps the explanation of a finding seen again; rewrites it, without an event, when the area moved', () => {
    const moved = desired('dibao', 'gap', 860);
    moved.explanation.inputs = { 'h.monthly_income_per_capita': { value: 300 } as never };
    const plan = planFindingChanges(
      [stored('a', 'dibao', 'assigned', 'gap', 860), stored('b', 'tekun', 'new')],
      new Map([['h1', { areaCode: '371082001001', findings: [moved] }]]),
      stamp,
      newId,
    );
    // Same kind, amount and area: the explanation stays the snapshot of when it was found.
    expect(plan.explanations).toEqual([]);
    expect(plan.updates.find((u) => u.id === 'a')).toBeUndefined();
    expect(plan.events.map((e) => [e.finding_id, e.action])).toEqual([['b', 'superseded']]);
    // The same household seen under another area (it moved): rewritten, explained anew.
    const elsewhere = planFindingChanges(
      [stored('b', 'tekun', 'new')],
      new Map([['h1', { areaCode: '371082002002', findings: [desired('tekun', 'gap')] }]]),
      stamp,
      newId,
    );
    expect(elsewhere.updates[0]?.change).toMatchObject({ area_code: '371082002002' });
    expect(elsewhere.explanations).toEqual([
      {
        finding_id: 'b',
        explanation_json: JSON.stringify(desired('tekun', 'gap').explanation),
        run_id: 'run-2',
        pool_version: 'p1',
        data_version: '42',
        explained_at: stamp.at,
      },
    ]);
    expect(elsewhere.events).toEqual([]);
  });

  it('lists the findings it writes without an explanation, for the run to explain, and only those', () => {
    const unexplained = (policyId: string, kind: DesiredFinding['kind'], amount: number | null = null) => {
      const { policyId: id, subject, amountPeriod } = desired(policyId, kind, amount);
      return { policyId: id, subject, kind, amount, amountPeriod };
    };
    const unexplainedDibao = unexplained('dibao', 'gap', 900);
    const unexplainedTekun = unexplained('tekun', 'gap');
    const unexplainedNew = unexplained('education_aid', 'watch');
    const plan = planFindingChanges(
      [stored('a', 'dibao', 'new', 'gap', 860), stored('d', 'tekun', 'new')],
      new Map([
        ['h1', { areaCode: '371082001001', findings: [unexplainedDibao, unexplainedTekun, unexplainedNew] }],
      ]),
      stamp,
      newId,
    );
    // dibao's amount changed and education_aid is new: both to explain; tekun is only seen.
    expect(plan.unexplained.map((u) => [u.householdId, u.policyId, u.subject])).toEqual([
      ['h1', 'dibao', 'household'],
      ['h1', 'education_aid', 'household'],
    ]);
    expect(plan.updates.map((u) => u.id)).toEqual(['a']);
    // Each listed row is the very explanation that will be written, for the changed and the new one.
    expect(plan.explanations.map((e) => [e.finding_id, e.explanation_json])).toEqual([
      ['a', ''],
      [plan.inserts[0]?.id, ''],
    ]);
    expect(plan.unexplained.map((u) => u.row)).toEqual(plan.explanations);
    expect(plan.unexplained[0]?.row).toBe(plan.explanations[0]);
  });
});
