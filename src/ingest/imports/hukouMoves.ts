import { timeOrderedId } from '../../core/timeOrderedId.ts';
import type { InterpretedRow } from '../rows/interpretRow.ts';
import type { BatchWrites } from './ingestRepository.ts';

/** A person's current hukou membership, as the batch found it. */
export interface CurrentHukou {
  /** The membership row; null for one this batch added (not yet stored). */
  memberId: number | null;
  hukouNumber: string;
}

/**
 * Where a population row's household belongs: its hukou area when held; for non-local
 * residents (a hukou of another county, living here, N1) the area they live in, with the
 * hukou area kept apart; null when neither is ours.
 */
export function householdAreaOf(
  row: Pick<InterpretedRow, 'person'>,
  heldAreaCodes: ReadonlySet<string> | undefined,
): { areaCode: string; hukouElsewhere: string | null } | null {
  const hukou = row.person.hukouAreaCode;
  const residence = row.person.residenceAreaCode;
  if (!hukou || !heldAreaCodes) return null;
  if (heldAreaCodes.has(hukou)) return { areaCode: hukou, hukouElsewhere: null };
  if (residence && heldAreaCodes.has(residence)) return { areaCode: residence, hukouElsewhere: hukou };
  return null;
}

/**
 * A registered person whom a population row lists under another hukou number has moved
 * booklets (迁移): the old membership ends and the person joins the new household (created when
 * the number is new), both on the date the row was recorded. A row repeating the current number
 * changes nothing, so re-sending a file or the next month's file moves nobody twice.
 */
export function applyHukouMove(input: {
  personId: string;
  row: InterpretedRow;
  current: Map<string, CurrentHukou>;
  households: Map<string, string>;
  heldAreaCodes: ReadonlySet<string> | undefined;
  at: string;
  writes: Pick<BatchWrites, 'hukouHouseholds' | 'hukouMembers' | 'hukouMemberEnds'>;
}): void {
  const { personId, row, current, households, writes } = input;
  const number = row.keys.hukouNumber;
  const area = householdAreaOf(row, input.heldAreaCodes);
  const on = row.dates.observedAt;
  if (!number || !area || !on) return;
  const now = current.get(personId);
  if (now?.hukouNumber === number) return;
  // Moved twice within one batch: the membership added moments ago has no id to end yet, and
  // the next file settles it. Rare enough not to complicate the batch.
  if (now && now.memberId === null) return;
  if (now?.memberId != null) writes.hukouMemberEnds.push({ id: now.memberId, left_on: on });
  let householdId = households.get(number);
  if (!householdId) {
    householdId = timeOrderedId();
    households.set(number, householdId);
    writes.hukouHouseholds.push({
      id: householdId,
      hukou_number: number,
      area_code: area.areaCode,
      hukou_area_elsewhere: area.hukouElsewhere,
      address: null,
      created_at: input.at,
    });
  }
  writes.hukouMembers.push({
    household_id: householdId,
    person_id: personId,
    relationship: row.hukou.relationship ?? '99',
    joined_on: on,
    left_on: null,
  });
  current.set(personId, { memberId: null, hukouNumber: number });
}
