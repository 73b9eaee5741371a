import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../../core/appError.ts';
import type { FieldCipher } from '../../core/fieldCipher.ts';
import { todayInChina } from '../../core/isoDate.ts';
import type { Database, PersonMergeTable, PersonRow } from '../../db/schema.ts';
import type { DataScopeFilter } from '../../access/scope/dataScope.ts';
import { findPersonRecordById } from '../persons/personRepository.ts';
import { mergeRefusal, sameIdNumber, type CandidateKind } from './mergeRules.ts';
import type { MovedRows } from './movedRows.ts';
import {
  claimActivePersons,
  findActiveMergeOfDuplicate,
  findMerge,
  findPersonRowsByIds,
  insertMerge,
  listCenturyApartPairs,
  listMergesOfPerson,
  listSameBirthPairs,
  markSplit,
  moveDuplicateRows,
  returnMovedRows,
  setMergedInto,
  type CandidateQuery,
} from './personMergeRepository.ts';

export interface MergeBody {
  survivorId: string;
  duplicateId: string;
  reason: string;
  confirmDifferentIds?: boolean;
}

async function requireInScope(db: Kysely<Database>, id: string, scope: DataScopeFilter, path: string) {
  const person = await findPersonRecordById(db, id, scope);
  // Out of scope answers like unknown: a guessed id reveals nothing.
  if (!person) throw new AppError('PERSON_NOT_FOUND', {}, [{ path, code: 'PERSON_NOT_FOUND' }]);
  return person;
}

/**
 * Merges a duplicate person record into a survivor, in one transaction: every fact,
 * membership, applicant role, ingest key and link decision of the duplicate moves to the
 * survivor, the duplicate is marked merged (kept, never listed, its id resolving to the
 * survivor), and the merge is recorded with exactly what moved. Both persons must be in the
 * caller's scope; different ID numbers need an explicit confirmation (mergeRules.ts).
 */
export async function mergePersons(
  db: Kysely<Database>,
  cipher: FieldCipher,
  body: MergeBody,
  userId: string,
  scope: DataScopeFilter,
  now = new Date().toISOString(),
): Promise<PersonMergeTable> {
  if (body.survivorId === body.duplicateId)
    throw new AppError('MERGE_SELF', {}, [{ path: 'body.duplicateId', code: 'MERGE_SELF' }]);
  return db.transaction().execute(async (trx) => {
    const survivor = await requireInScope(trx, body.survivorId, scope, 'body.survivorId');
    const duplicate = await requireInScope(trx, body.duplicateId, scope, 'body.duplicateId');
    const same = sameIdNumber(
      cipher.decrypt(survivor.id_number_enc),
      cipher.decrypt(duplicate.id_number_enc),
    );
    const refusal = mergeRefusal({
      survivor: { id: survivor.id, mergedInto: survivor.merged_into },
      duplicate: { id: duplicate.id, mergedInto: duplicate.merged_into },
      sameIdNumber: same,
      confirmDifferentIds: body.confirmDifferentIds === true,
    });
    if (refusal)
      throw new AppError(refusal.code, refusal.params, [{ path: refusal.path, code: refusal.code }]);
    // Both still active at the moment of writing (a concurrent merge of either loses here).
    if (!(await claimActivePersons(trx, [survivor.id, duplicate.id], now)))
      throw new AppError('MERGE_ALREADY_MERGED', { role: '其中一人' });
    const moved = await moveDuplicateRows(trx, survivor.id, duplicate.id, todayInChina(new Date(now)));
    await setMergedInto(trx, duplicate.id, survivor.id, now);
    const row: PersonMergeTable = {
      id: randomUUID(),
      survivor_id: survivor.id,
      duplicate_id: duplicate.id,
      reason: body.reason,
      confirmed_different_ids: same ? 0 : 1,
      moved_json: JSON.stringify(moved),
      merged_by: userId,
      merged_at: now,
      split_by: null,
      split_at: null,
      split_reason: null,
    };
    await insertMerge(trx, row);
    return row;
  });
}

/**
 * Undoes one merge exactly: the rows it moved go back to the duplicate, the memberships it
 * ended reopen, the duplicate is active again. What the survivor gained after the merge (new
 * facts from later imports, new memberships) stays with the survivor: those rows were never
 * the duplicate's, and the department that sent them named the survivor's number or record.
 * Refused when a later merge took the survivor into yet another record (split that first).
 */
export async function splitMerge(
  db: Kysely<Database>,
  mergeId: string,
  reason: string,
  userId: string,
  scope: DataScopeFilter,
  now = new Date().toISOString(),
): Promise<PersonMergeTable> {
  return db.transaction().execute(async (trx) => {
    const merge = await findMerge(trx, mergeId);
    if (!merge) throw new AppError('MERGE_NOT_FOUND');
    if (
      !(await findPersonRecordById(trx, merge.survivor_id, scope)) ||
      !(await findPersonRecordById(trx, merge.duplicate_id, scope))
    )
      throw new AppError('MERGE_NOT_FOUND');
    if (merge.split_at) throw new AppError('MERGE_ALREADY_SPLIT', { at: merge.split_at.slice(0, 10) });
    if (await findActiveMergeOfDuplicate(trx, merge.survivor_id)) throw new AppError('MERGE_SPLIT_BLOCKED');
    const change = { split_by: userId, split_at: now, split_reason: reason };
    if (!(await markSplit(trx, merge.id, change)))
      throw new AppError('MERGE_ALREADY_SPLIT', { at: now.slice(0, 10) });
    await returnMovedRows(
      trx,
      merge.survivor_id,
      merge.duplicate_id,
      JSON.parse(merge.moved_json) as MovedRows,
    );
    await setMergedInto(trx, merge.duplicate_id, null, now);
    return { ...merge, ...change };
  });
}

/** A merge as lists show it: who, when, why, what moved, and its split if any. */
export async function listPersonMerges(db: Kysely<Database>, personId: string, scope: DataScopeFilter) {
  const person = await findPersonRecordById(db, personId, scope);
  if (!person) throw new AppError('PERSON_NOT_FOUND');
  return listMergesOfPerson(db, personId);
}

export interface MergeCandidate {
  kind: CandidateKind;
  /** Whether merging them needs confirmDifferentIds (the numbers are not one number). */
  differentIdNumbers: boolean;
  first: PersonRow;
  second: PersonRow;
}

/**
 * Likely duplicates within the caller's scope: numbers that are the 15→18 upgrade of one
 * another read in two centuries (first), then the same name, sex and birth date. Paged over
 * both kinds together.
 */
export async function listMergeCandidates(
  db: Kysely<Database>,
  cipher: FieldCipher,
  query: CandidateQuery,
  limit: number,
  offset: number,
): Promise<{ items: MergeCandidate[]; total: number }> {
  const century = await listCenturyApartPairs(db, query);
  const centuryPersons = new Map(
    (
      await findPersonRowsByIds(
        db,
        century.flatMap((p) => [p.a_id, p.b_id]),
      )
    ).map((p) => [p.id, p]),
  );
  const upgrades: MergeCandidate[] = [];
  for (const pair of century) {
    const first = centuryPersons.get(pair.a_id);
    const second = centuryPersons.get(pair.b_id);
    if (!first || !second) continue;
    if (sameIdNumber(cipher.decrypt(first.id_number_enc), cipher.decrypt(second.id_number_enc)))
      upgrades.push({ kind: 'id_upgrade', differentIdNumbers: false, first, second });
  }
  const fromUpgrades = upgrades.slice(offset, offset + limit);
  const restLimit = limit - fromUpgrades.length;
  const restOffset = Math.max(0, offset - upgrades.length);
  const { rows, total } = await listSameBirthPairs(db, query, restLimit, restOffset);
  const persons = new Map(
    (
      await findPersonRowsByIds(
        db,
        rows.flatMap((p) => [p.a_id, p.b_id]),
      )
    ).map((p) => [p.id, p]),
  );
  const same: MergeCandidate[] = [];
  for (const pair of rows) {
    const first = persons.get(pair.a_id);
    const second = persons.get(pair.b_id);
    if (!first || !second) continue;
    const differentIdNumbers = !sameIdNumber(
      cipher.decrypt(first.id_number_enc),
      cipher.decrypt(second.id_number_enc),
    );
    same.push({ kind: 'name_birth', differentIdNumbers, first, second });
  }
  return { items: [...fromUpgrades, ...same], total: upgrades.length + total };
}
