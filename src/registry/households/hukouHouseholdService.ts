import { timeOrderedId } from '../../core/timeOrderedId.ts';
import type { Kysely } from 'kysely';
import { AppError, type FieldProblem } from '../../core/appError.ts';
import { normalizeAreaCode } from '../../areas/areaCode.ts';
import { findArea } from '../../areas/areaRepository.ts';
import type { Database, HukouHouseholdTable } from '../../db/schema.ts';
import { isRelationshipCode } from './relationshipCodes.ts';
import { isUniqueViolation } from '../isUniqueViolation.ts';
import { findPersonsByIds } from '../persons/personRepository.ts';
import type { DataScopeFilter } from '../../access/scope/dataScope.ts';
import { requireAreaInScope } from '../../access/scope/requireAreaInScope.ts';
import {
  findCurrentHukouMemberships,
  findHukouHousehold,
  findHukouHouseholdByNumber,
  insertHukouHouseholds,
  insertHukouMembers,
} from './householdRepository.ts';

export interface CreateHukouHouseholdBody {
  hukouNumber: string;
  areaCode: string;
  address?: string;
  members: { personId: string; relationship: string; joinedOn?: string }[];
}

/**
 * Registers a hukou household (户口簿): exactly one head (02), GB/T 4761-2008 codes, and each
 * person in at most one current booklet — a second booklet means a migration was not recorded,
 * which is a conflict with stored data (409), not a malformed request.
 */
export async function createHukouHousehold(
  db: Kysely<Database>,
  body: CreateHukouHouseholdBody,
  scope: DataScopeFilter,
  now = new Date().toISOString(),
): Promise<HukouHouseholdTable> {
  const problems: FieldProblem[] = [];
  const areaCode = normalizeAreaCode(body.areaCode);
  if (!(await findArea(db, areaCode)))
    problems.push({ path: 'body.areaCode', code: 'UNKNOWN_AREA', params: { code: areaCode } });
  body.members.forEach((m, i) => {
    if (!isRelationshipCode(m.relationship)) {
      problems.push({
        path: `body.members[${i}].relationship`,
        code: 'INVALID_RELATIONSHIP',
        params: { code: m.relationship },
      });
    }
  });
  const heads = body.members.filter((m) => m.relationship === '02').length;
  if (heads !== 1) {
    problems.push({
      path: 'body.members',
      code: 'HOUSEHOLD_CONFLICT',
      params: { reason: `户主（关系代码02）应有且只有1人，实际为${heads}人` },
    });
  }
  const ids = body.members.map((m) => m.personId);
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id))
      problems.push({
        path: `body.members[${i}].personId`,
        code: 'HOUSEHOLD_CONFLICT',
        params: { reason: '同一人重复列出' },
      });
    seen.add(id);
  });
  const persons = new Map((await findPersonsByIds(db, ids, scope)).map((p) => [p.id, p]));
  ids.forEach((id, i) => {
    if (!persons.has(id)) problems.push({ path: `body.members[${i}].personId`, code: 'PERSON_NOT_FOUND' });
  });
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', {}, problems);
  await requireAreaInScope(db, 'body.areaCode', areaCode, scope);
  if (await findHukouHouseholdByNumber(db, body.hukouNumber)) {
    throw new AppError('HOUSEHOLD_CONFLICT', { reason: `户号${body.hukouNumber}已存在` });
  }
  // Only persons the caller may see reach this point, so naming their booklet reveals nothing new.
  const elsewhere = await findCurrentHukouMemberships(db, ids);
  if (elsewhere.length > 0) {
    throw new AppError(
      'HOUSEHOLD_CONFLICT',
      { reason: '成员已在另一个户口中，请先办理迁出' },
      elsewhere.map((m) => ({
        path: `body.members[${ids.indexOf(m.person_id)}].personId`,
        code: 'HOUSEHOLD_CONFLICT',
        params: { reason: `${persons.get(m.person_id)?.name ?? ''}已在户号${m.hukou_number}的户口中` },
      })),
    );
  }

  const household: HukouHouseholdTable = {
    id: timeOrderedId(),
    hukou_number: body.hukouNumber,
    area_code: areaCode,
    address: body.address ?? null,
    created_at: now,
  };
  try {
    await db.transaction().execute(async (trx) => {
      await insertHukouHouseholds(trx, [household]);
      await insertHukouMembers(
        trx,
        body.members.map((m) => ({
          household_id: household.id,
          person_id: m.personId,
          relationship: m.relationship,
          joined_on: m.joinedOn ?? null,
          left_on: null,
        })),
      );
    });
  } catch (error) {
    // A second registration of the same number racing past the check above.
    if (isUniqueViolation(error)) {
      throw new AppError('HOUSEHOLD_CONFLICT', { reason: `户号${body.hukouNumber}已存在` });
    }
    throw error;
  }
  return household;
}

export async function requireHukouHousehold(
  db: Kysely<Database>,
  id: string,
  scope: DataScopeFilter,
): Promise<HukouHouseholdTable> {
  const household = await findHukouHousehold(db, id, scope);
  if (!household) throw new AppError('HOUSEHOLD_NOT_FOUND');
  return household;
}
