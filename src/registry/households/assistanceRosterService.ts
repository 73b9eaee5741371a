import { timeOrderedId } from '../../core/timeOrderedId.ts';
import type { Insertable, Kysely } from 'kysely';
import type { AssistanceHouseholdTable, AssistanceMemberTable, Database } from '../../db/schema.ts';
import {
  gatherRosterCases,
  isEmptyPlan,
  planCase,
  type PlannedMember,
  type RosterEntry,
  type SkippedCase,
} from './assistanceRoster.ts';
import {
  findHeldAreaCodes,
  findHeldCases,
  insertRosterHouseholds,
  insertRosterMembers,
  setMembershipEnd,
  updateRosterHousehold,
} from './assistanceRosterRepository.ts';

export interface RosterSummary {
  cases: number;
  created: number;
  updated: number;
  unchanged: number;
  closed: number;
  membersAdded: number;
  membersEnded: number;
  skipped: SkippedCase[];
}

/**
 * Rebuilds the assistance households a civil-affairs roster names, in one transaction: new
 * cases become households with their members, held ones gain, end and change memberships as
 * the roster says, cases that ended are closed. Applying the same roster twice changes nothing.
 * Cases the roster does not mention are left alone: a roster may cover part of the county.
 */
export async function applyAssistanceRoster(
  db: Kysely<Database>,
  entries: RosterEntry[],
  unsound: ReadonlyMap<string, string>,
  now = new Date().toISOString(),
): Promise<RosterSummary> {
  const { cases, skipped } = gatherRosterCases(entries, unsound);
  const areas = await findHeldAreaCodes(db, [...new Set(cases.map((c) => c.areaCode))]);
  const applicable = cases.filter((c) => {
    if (areas.has(c.areaCode)) return true;
    skipped.push({ caseNumber: c.caseNumber, reason: `所在区划${c.areaCode}不是本系统登记的区划` });
    return false;
  });
  const summary: RosterSummary = {
    cases: cases.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    closed: 0,
    membersAdded: 0,
    membersEnded: 0,
    skipped,
  };
  await db.transaction().execute(async (trx) => {
    const held = await findHeldCases(
      trx,
      applicable.map((c) => c.caseNumber),
    );
    const households: AssistanceHouseholdTable[] = [];
    const members: Insertable<AssistanceMemberTable>[] = [];
    const memberRow = (householdId: string, m: PlannedMember): Insertable<AssistanceMemberTable> => ({
      household_id: householdId,
      person_id: m.personId,
      relation: m.relation,
      included: m.included ? 1 : 0,
      basis: m.included ? 'roster_included' : 'roster_excluded',
      valid_from: m.validFrom,
      valid_to: m.validTo,
    });
    for (const roster of applicable) {
      const current = held.get(roster.caseNumber);
      const plan = planCase(roster, current);
      if (isEmptyPlan(plan)) {
        summary.unchanged++;
        continue;
      }
      let householdId = current?.id ?? '';
      if (plan.create) {
        householdId = timeOrderedId();
        households.push({
          id: householdId,
          area_code: roster.areaCode,
          applicant_person_id: roster.applicantPersonId,
          established_on: plan.create.establishedOn,
          created_at: now,
          case_number: roster.caseNumber,
          assistance_type: roster.assistanceType,
          closed_on: plan.create.closedOn,
        });
        summary.created++;
        if (plan.create.closedOn) summary.closed++;
      } else summary.updated++;
      if (plan.update) {
        const u = plan.update;
        await updateRosterHousehold(trx, householdId, {
          ...(u.assistanceType !== undefined ? { assistance_type: u.assistanceType } : {}),
          ...(u.areaCode !== undefined ? { area_code: u.areaCode } : {}),
          ...(u.applicantPersonId !== undefined ? { applicant_person_id: u.applicantPersonId } : {}),
          ...(u.closedOn !== undefined ? { closed_on: u.closedOn } : {}),
        });
        if (u.closedOn) summary.closed++;
      }
      for (const m of plan.addMembers) members.push(memberRow(householdId, m));
      summary.membersAdded += plan.addMembers.length;
      for (const end of plan.endMembers) await setMembershipEnd(trx, end.id, end.validTo);
      summary.membersEnded += plan.endMembers.filter((e) => e.validTo !== null).length;
    }
    await insertRosterHouseholds(trx, households);
    await insertRosterMembers(trx, members);
  });
  return summary;
}
