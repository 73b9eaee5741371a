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
    // The assigned finding stays assigned; a resolved one stays resolved but is marked seen.
    const update = (id: string) => plan.updates.find((u) => u.id === id)?.change;
    expect(update('a')).toMatchObject({ amount: 900, last_run_id: 'run-2' });
    expect(update('a')?.status).toBeUndefined();
    expect(update('d')).toMatchObject({ last_run_id: 'run-2' });
    expect(update('d')?.status).toBeUndefined();
    // Resolved and no longer called for: left alone.
    expect(update('e')).toBeUndefined();
  });

  it('changes nothing but the last-seen stamp when a run finds the same', () => {
    const plan = planFindingChanges(
      [stored('a', 'dibao', 'new', 'gap', 860)],
      new Map([['h1', { areaCode: '371082001001', findings: [desired('dibao', 'gap', 860)] }]]),
      stamp,
      newId,
    );
    expect(plan.events).toEqual([]);
    expect(plan.counts).toEqual({ found: 0, changed: 0, superseded: 0, current: 1 });
    expect(plan.updates[0]?.change.updated_at).toBeUndefined();
  });
});
