import { describe, expect, it } from 'vitest';
import {
  gatherRosterCases,
  isEmptyPlan,
  planCase,
  type HeldCase,
  type RosterCase,
  type RosterEntry,
} from './assistanceRoster.ts';

const roster: RosterCase = {
  caseNumber: 'DB000001',
  assistanceType: 'dibao',
  areaCode: '371082101201',
  applicantPersonId: 'a',
  observedAt: '2026-11-20',
  members: [
    { personId: 'a', relation: 'applicant', included: true, validFrom: '2025-01-01', validTo: null },
    { personId: 'b', relation: 'spouse', included: true, validFrom: '2025-01-01', validTo: null },
    { personId: 'c', relation: 'child', included: true, validFrom: '2025-01-01', validTo: null },
  ],
};
const heldOf = (r: RosterCase): HeldCase => ({
  id: 'h',
  assistanceType: r.assistanceType,
  areaCode: r.areaCode,
  applicantPersonId: r.applicantPersonId,
  establishedOn: '2025-01-01',
  closedOn: null,
  members: r.members.map((m, i) => ({ id: i + 1, ...m })),
});

describe('planCase', () => {
  it('creates a new case with its members, and plans nothing for a case already as the roster says', () => {
    const plan = planCase(roster, undefined);
    expect(plan.create).toEqual({ establishedOn: '2025-01-01', closedOn: null });
    expect(plan.addMembers).toHaveLength(3);
    expect(isEmptyPlan(planCase(roster, heldOf(roster)))).toBe(true);
  });

  it('ends a member the roster no longer lists on the roster date', () => {
    const later = { ...roster, members: roster.members.slice(0, 2) };
    expect(planCase(later, heldOf(roster)).endMembers).toEqual([{ id: 3, validTo: '2026-11-20' }]);
  });

  it('a change of terms ends the old spell and starts a new one, which the next run keeps', () => {
    const changed: RosterCase = {
      ...roster,
      members: roster.members.map((m) => (m.personId === 'c' ? { ...m, included: false } : m)),
    };
    const plan = planCase(changed, heldOf(roster));
    expect(plan.endMembers).toEqual([{ id: 3, validTo: '2026-11-20' }]);
    expect(plan.addMembers).toEqual([
      { personId: 'c', relation: 'child', included: false, validFrom: '2026-11-20', validTo: null },
    ]);
    const held = heldOf(roster);
    held.members[2] = {
      ...held.members[2],
      id: 3,
      personId: 'c',
      relation: 'child',
      included: true,
      validFrom: '2025-01-01',
      validTo: '2026-11-20',
    };
    held.members.push({
      id: 4,
      personId: 'c',
      relation: 'child',
      included: false,
      validFrom: '2026-11-20',
      validTo: null,
    });
    expect(isEmptyPlan(planCase(changed, held))).toBe(true);
  });

  it('closes a case on the applicant’s end date and ends every open membership then', () => {
    const closed: RosterCase = {
      ...roster,
      members: roster.members.map((m) => (m.personId === 'a' ? { ...m, validTo: '2026-10-31' } : m)),
    };
    const plan = planCase(closed, heldOf(roster));
    expect(plan.update).toEqual({ closedOn: '2026-10-31' });
    expect(plan.endMembers.map((e) => e.validTo)).toEqual(['2026-10-31', '2026-10-31', '2026-10-31']);
  });
});

describe('gatherRosterCases', () => {
  const entry = (line: number, personId: string | null, relation: RosterEntry['relation']): RosterEntry => ({
    line,
    caseNumber: 'DB000002',
    assistanceType: 'dibao',
    areaCode: '371082101201',
    applicantPersonId: 'a',
    personId,
    relation,
    included: true,
    validFrom: '2025-01-01',
    validTo: null,
    observedAt: '2026-11-01',
  });

  it('gathers rows into cases, a repeated row counting once', () => {
    const { cases, skipped } = gatherRosterCases(
      [entry(2, 'a', 'applicant'), entry(3, 'b', 'spouse'), entry(4, 'b', 'spouse')],
      new Map(),
    );
    expect(skipped).toEqual([]);
    expect(cases[0]?.members.map((m) => m.personId)).toEqual(['a', 'b']);
  });

  it('skips a case with an unsound row, an unregistered member, conflicting rows or no applicant row', () => {
    const skip = (entries: RosterEntry[], unsound = new Map<string, string>()) =>
      gatherRosterCases(entries, unsound).skipped.map((s) => s.reason);
    expect(
      skip([entry(2, 'a', 'applicant')], new Map([['DB000002', '第3行有错误，整个案件未更新']])),
    ).toEqual(['第3行有错误，整个案件未更新']);
    expect(skip([entry(2, 'a', 'applicant'), entry(3, null, 'child')])).toEqual([
      '第3行的成员未在人员库中登记',
    ]);
    expect(skip([entry(2, 'a', 'applicant'), entry(3, 'b', 'spouse'), entry(4, 'b', 'child')])).toEqual([
      '第4行：同一成员在案件中出现两次且内容不同',
    ]);
    expect(skip([entry(2, 'b', 'spouse')])).toEqual(['案件中应有且只有一行“本人”，且为申请人本人']);
  });
});
