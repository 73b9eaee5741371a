import type { RelationToApplicant } from './assistanceMembership.ts';

/**
 * Rebuilding assistance households from the civil-affairs roster (低保/特困/低保边缘 family
 * rosters), pure: given what a roster says about a case and what the registry holds for it,
 * the changes that make the registry agree — idempotently, so applying the same roster again
 * plans nothing, and keeping history: a membership is never rewritten, only ended (and a new
 * one begun when a member's relation or inclusion changes).
 */

export type AssistanceType = 'dibao' | 'tekun' | 'nearDibao';

export interface RosterMember {
  personId: string;
  relation: RelationToApplicant;
  /** Counted as a member (共同生活) or listed but not counted (不计入). */
  included: boolean;
  validFrom: string;
  validTo: string | null;
}

/** One case as a roster states it (its rows gathered). */
export interface RosterCase {
  caseNumber: string;
  assistanceType: AssistanceType;
  areaCode: string;
  applicantPersonId: string;
  /** The latest date the department recorded the case's rows: when a dropped member left. */
  observedAt: string;
  members: RosterMember[];
}

export interface HeldMember {
  id: number;
  personId: string;
  relation: string;
  included: boolean;
  validFrom: string;
  validTo: string | null;
}

/** An assistance household as the registry holds it for a case. */
export interface HeldCase {
  id: string;
  assistanceType: string | null;
  areaCode: string;
  applicantPersonId: string;
  establishedOn: string;
  closedOn: string | null;
  members: HeldMember[];
}

export interface PlannedMember {
  personId: string;
  relation: RelationToApplicant;
  included: boolean;
  validFrom: string;
  validTo: string | null;
}

export interface CasePlan {
  /** A new household (established on the earliest start), or changes to the held one. */
  create?: { establishedOn: string; closedOn: string | null };
  update?: Partial<{
    assistanceType: AssistanceType;
    areaCode: string;
    applicantPersonId: string;
    closedOn: string | null;
  }>;
  addMembers: PlannedMember[];
  /** Memberships whose end date changes (ended, or an end date the roster corrected). */
  endMembers: { id: number; validTo: string | null }[];
}

const later = (a: string, b: string) => (a > b ? a : b);

/** The changes that bring a held case (or none) in line with the roster's. */
export function planCase(roster: RosterCase, held: HeldCase | undefined): CasePlan {
  const applicantRow = roster.members.find((m) => m.relation === 'applicant');
  const closedOn = applicantRow?.validTo ?? null;
  const plan: CasePlan = { addMembers: [], endMembers: [] };
  // A closed case ends every membership by its closing date at the latest.
  const endOf = (m: RosterMember) => m.validTo ?? closedOn;
  if (!held) {
    plan.create = {
      establishedOn: roster.members.reduce(
        (min, m) => (m.validFrom < min ? m.validFrom : min),
        applicantRow?.validFrom ?? roster.observedAt,
      ),
      closedOn,
    };
    plan.addMembers = roster.members.map((m) => ({ ...m, validTo: endOf(m) }));
    return plan;
  }
  const update: NonNullable<CasePlan['update']> = {};
  if (held.assistanceType !== roster.assistanceType) update.assistanceType = roster.assistanceType;
  if (held.areaCode !== roster.areaCode) update.areaCode = roster.areaCode;
  if (held.applicantPersonId !== roster.applicantPersonId)
    update.applicantPersonId = roster.applicantPersonId;
  if (held.closedOn !== closedOn) update.closedOn = closedOn;
  if (Object.keys(update).length > 0) plan.update = update;

  const listed = new Set(roster.members.map((m) => m.personId));
  for (const m of roster.members) {
    const spells = held.members
      .filter((h) => h.personId === m.personId)
      .sort((a, b) => (a.validFrom < b.validFrom ? -1 : 1));
    const latest = spells[spells.length - 1];
    const wantedEnd = endOf(m);
    if (!latest) {
      plan.addMembers.push({ ...m, validTo: wantedEnd });
      continue;
    }
    const sameTerms = latest.relation === m.relation && latest.included === m.included;
    if (sameTerms && (latest.validTo === null || m.validFrom <= latest.validTo)) {
      // The same membership: only its end can change.
      if (latest.validTo !== wantedEnd) plan.endMembers.push({ id: latest.id, validTo: wantedEnd });
      continue;
    }
    // Terms changed, or the member came back after leaving: the old spell ends (if open) and a
    // new one starts — on the roster's date for a change, on its own start for a return.
    const start = later(m.validFrom, latest.validTo ?? roster.observedAt);
    if (latest.validTo === null)
      plan.endMembers.push({ id: latest.id, validTo: later(latest.validFrom, start) });
    plan.addMembers.push({ ...m, validFrom: start, validTo: wantedEnd });
  }
  // A member the roster no longer lists left on the roster's date.
  for (const h of held.members) {
    if (h.validTo === null && !listed.has(h.personId))
      plan.endMembers.push({ id: h.id, validTo: later(h.validFrom, closedOn ?? roster.observedAt) });
  }
  return plan;
}

/** Whether a plan changes nothing. */
export function isEmptyPlan(plan: CasePlan): boolean {
  return !plan.create && !plan.update && plan.addMembers.length === 0 && plan.endMembers.length === 0;
}

/** One row of a roster, interpreted and linked (person ids null when nobody has the number). */
export interface RosterEntry {
  line: number;
  caseNumber: string;
  assistanceType: AssistanceType;
  areaCode: string;
  applicantPersonId: string | null;
  personId: string | null;
  relation: RelationToApplicant;
  included: boolean;
  validFrom: string;
  validTo: string | null;
  observedAt: string;
}

export interface SkippedCase {
  caseNumber: string;
  reason: string;
}

/**
 * Gathers a roster's rows into cases. A case is applied only when every one of its rows is
 * sound: a member row that was rejected, a member or applicant nobody registered, two types or
 * areas, a missing or second applicant row — any of these leaves the case as the registry has
 * it, since rebuilding it from part of its rows would end the memberships of the rows missing.
 */
export function gatherRosterCases(
  entries: RosterEntry[],
  unsound: ReadonlyMap<string, string>,
): { cases: RosterCase[]; skipped: SkippedCase[] } {
  const byCase = new Map<string, RosterEntry[]>();
  for (const e of entries) byCase.set(e.caseNumber, [...(byCase.get(e.caseNumber) ?? []), e]);
  const skipped: SkippedCase[] = [];
  for (const [caseNumber, reason] of unsound)
    if (!byCase.has(caseNumber)) skipped.push({ caseNumber, reason });
  const cases: RosterCase[] = [];
  for (const [caseNumber, rows] of byCase) {
    const skip = (reason: string) => skipped.push({ caseNumber, reason });
    const unsoundReason = unsound.get(caseNumber);
    if (unsoundReason) {
      skip(unsoundReason);
      continue;
    }
    const unlinked = rows.find((r) => r.personId === null || r.applicantPersonId === null);
    if (unlinked) {
      skip(`第${unlinked.line}行的${unlinked.personId === null ? '成员' : '申请人'}未在人员库中登记`);
      continue;
    }
    const first = rows[0];
    if (!first) continue;
    if (rows.some((r) => r.assistanceType !== first.assistanceType)) {
      skip('同一案件的救助类别不一致');
      continue;
    }
    if (rows.some((r) => r.areaCode !== first.areaCode)) {
      skip('同一案件的所在区划不一致');
      continue;
    }
    if (rows.some((r) => r.applicantPersonId !== first.applicantPersonId)) {
      skip('同一案件的申请人不一致');
      continue;
    }
    const members = new Map<string, RosterMember>();
    let conflict: RosterEntry | undefined;
    for (const r of rows) {
      const member: RosterMember = {
        personId: r.personId ?? '',
        relation: r.relation,
        included: r.included,
        validFrom: r.validFrom,
        validTo: r.validTo,
      };
      const seen = members.get(member.personId);
      // A row sent twice is one row; the same person twice with different terms is a conflict.
      if (seen && JSON.stringify(seen) !== JSON.stringify(member)) conflict = r;
      members.set(member.personId, member);
    }
    if (conflict) {
      skip(`第${conflict.line}行：同一成员在案件中出现两次且内容不同`);
      continue;
    }
    const applicants = [...members.values()].filter((m) => m.relation === 'applicant');
    if (applicants.length !== 1 || applicants[0]?.personId !== first.applicantPersonId) {
      skip('案件中应有且只有一行“本人”，且为申请人本人');
      continue;
    }
    cases.push({
      caseNumber,
      assistanceType: first.assistanceType,
      areaCode: first.areaCode,
      applicantPersonId: first.applicantPersonId,
      observedAt: rows.reduce((max, r) => (r.observedAt > max ? r.observedAt : max), first.observedAt),
      members: [...members.values()],
    });
  }
  return { cases, skipped };
}
