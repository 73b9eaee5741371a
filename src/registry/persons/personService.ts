import type { Kysely } from 'kysely';
import { AppError, type FieldProblem } from '../../core/appError.ts';
import type { FieldCipher } from '../../core/fieldCipher.ts';
import { areaCodeProblem, normalizeAreaCode } from '../../areas/areaCode.ts';
import { findArea } from '../../areas/areaRepository.ts';
import type { Database, PersonRow } from '../../db/schema.ts';
import { parseResidentId } from '../residentId/index.ts';
import { systemScope, type DataScopeFilter } from '../../access/scope/dataScope.ts';
import { requireAreaInScope } from '../../access/scope/requireAreaInScope.ts';
import { phoneProblem } from './phone.ts';
import { preparePersonRow } from './preparePersonRow.ts';
import { sexLabels } from './personDto.ts';
import { isUniqueViolation } from '../isUniqueViolation.ts';
import {
  findPersonByIdHash,
  findPersonRecordById,
  insertPersonRows,
  updatePersonRow,
} from './personRepository.ts';

export interface CreatePersonBody {
  idNumber: string;
  name: string;
  sex?: 'male' | 'female';
  birthDate?: string;
  deathDate?: string | null;
  hukouAreaCode?: string | null;
  residenceAreaCode?: string | null;
  phone?: string | null;
}

export interface UpdatePersonBody {
  name?: string;
  deathDate?: string | null;
  residenceAreaCode?: string | null;
  phone?: string | null;
}

/** Checks an area field: well formed, and (for residence) one of the areas we hold. */
async function checkAreaField(
  db: Kysely<Database>,
  path: string,
  value: string | null | undefined,
  mustExist: boolean,
  problems: FieldProblem[],
): Promise<string | null | undefined> {
  if (value === null || value === undefined) return value;
  const problem = areaCodeProblem(value);
  if (problem) {
    problems.push({ path, code: 'INVALID_AREA_CODE', params: { reason: problem } });
    return undefined;
  }
  const code = normalizeAreaCode(value);
  if (mustExist && !(await findArea(db, code)))
    problems.push({ path, code: 'UNKNOWN_AREA', params: { code } });
  return code;
}

/** A death date cannot precede the birth; a phone must be a mainland mobile or landline. */
function checkDeathAndPhone(
  birthDate: string,
  body: { deathDate?: string | null; phone?: string | null },
  problems: FieldProblem[],
): void {
  if (body.deathDate && body.deathDate < birthDate) {
    problems.push({
      path: 'body.deathDate',
      code: 'INVALID_PERIOD',
      params: { from: birthDate, to: body.deathDate },
    });
  }
  if (body.phone) {
    const problem = phoneProblem(body.phone);
    if (problem) problems.push({ path: 'body.phone', code: 'FIELD_FORMAT', params: { format: problem } });
  }
}

/**
 * Registers a person. Birth date and sex come from the ID number; when the caller also sends
 * them they must agree, because a mismatch means one of the two records is wrong.
 */
export async function createPerson(
  db: Kysely<Database>,
  cipher: FieldCipher,
  body: CreatePersonBody,
  scope: DataScopeFilter,
  now = new Date().toISOString(),
): Promise<PersonRow> {
  const problems: FieldProblem[] = [];
  const parsed = parseResidentId(body.idNumber);
  if (!parsed.ok) {
    throw AppError.field('body.idNumber', 'INVALID_ID_NUMBER', {
      reason: parsed.problems.map((p) => p.message).join('；'),
    });
  }
  const id = parsed.value;
  if (body.birthDate !== undefined && body.birthDate !== id.birthDate) {
    problems.push({
      path: 'body.birthDate',
      code: 'INVALID_DATE',
      params: { reason: `与身份证号码中的出生日期${id.birthDate}不一致` },
    });
  }
  if (body.sex !== undefined && body.sex !== id.sex) {
    problems.push({
      path: 'body.sex',
      code: 'FIELD_NOT_ALLOWED',
      params: { allowed: `${id.sex}（身份证号码表明性别为${sexLabels[id.sex].zh}）` },
    });
  }
  checkDeathAndPhone(id.birthDate, body, problems);
  const hukou = await checkAreaField(db, 'body.hukouAreaCode', body.hukouAreaCode, false, problems);
  const residence = await checkAreaField(
    db,
    'body.residenceAreaCode',
    body.residenceAreaCode,
    true,
    problems,
  );
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', {}, problems);
  // The person must belong to the caller's area: by residence, or else by hukou. A hukou
  // outside every area we hold is fine for the record, but then only a residence in the
  // caller's area puts the person in their scope.
  if (residence) await requireAreaInScope(db, 'body.residenceAreaCode', residence, scope);
  else if (scope.kind !== 'all') {
    if (hukou && (await findArea(db, hukou)))
      await requireAreaInScope(db, 'body.hukouAreaCode', hukou, scope);
    else {
      throw new AppError('AREA_OUT_OF_SCOPE', { code: hukou ?? '—' }, [
        { path: 'body.residenceAreaCode', code: 'FIELD_REQUIRED' },
      ]);
    }
  }

  // Uniqueness is global: a person registered anywhere is a duplicate, whoever asks.
  if (await findPersonByIdHash(db, cipher.blindIndex(id.idNumber), systemScope))
    throw new AppError('PERSON_EXISTS');
  const row = preparePersonRow(
    {
      idNumber: id.idNumber,
      name: body.name,
      sex: id.sex,
      birthDate: id.birthDate,
      deathDate: body.deathDate ?? null,
      hukouAreaCode: hukou ?? null,
      residenceAreaCode: residence ?? null,
      phone: body.phone ?? null,
    },
    cipher,
    now,
  );
  try {
    await insertPersonRows(db, [row]);
  } catch (error) {
    // Two registrations of one number racing past the check above: the unique blind index decides.
    if (isUniqueViolation(error)) throw new AppError('PERSON_EXISTS');
    throw error;
  }
  return { ...row, merged_into: null, residence_elsewhere: row.residence_elsewhere ?? null };
}

/**
 * Finds a person by ID number (18 digits, or 15 to be upgraded) through the blind index, so
 * no stored number is decrypted to search. Undefined when nobody in the scope has it.
 */
export async function findPersonByIdNumber(
  db: Kysely<Database>,
  cipher: FieldCipher,
  idNumber: string,
  scope: DataScopeFilter,
): Promise<PersonRow | undefined> {
  const parsed = parseResidentId(idNumber);
  if (!parsed.ok) {
    throw AppError.field('body.idNumber', 'INVALID_ID_NUMBER', {
      reason: parsed.problems.map((p) => p.message).join('；'),
    });
  }
  const found = await findPersonByIdHash(db, cipher.blindIndex(parsed.value.idNumber), scope);
  if (!found?.merged_into) return found;
  // A merged record's number finds its survivor.
  return (await resolvePerson(db, found.id, scope).catch(() => undefined))?.person;
}

/**
 * A person by id; the id of a merged record resolves to its survivor (following later merges),
 * and `mergedFrom` then names the id that was asked for, so the caller can say so.
 */
export async function resolvePerson(
  db: Kysely<Database>,
  id: string,
  scope: DataScopeFilter,
): Promise<{ person: PersonRow; mergedFrom: string | null }> {
  let person = await findPersonRecordById(db, id, scope);
  // A chain of merges is short (each merge needs an active survivor); the bound guards a loop.
  for (let hops = 0; person?.merged_into && hops < 20; hops++)
    person = await findPersonRecordById(db, person.merged_into, scope);
  if (!person || person.merged_into) throw new AppError('PERSON_NOT_FOUND');
  return { person, mergedFrom: person.id === id ? null : id };
}

export async function requirePerson(
  db: Kysely<Database>,
  id: string,
  scope: DataScopeFilter,
): Promise<PersonRow> {
  return (await resolvePerson(db, id, scope)).person;
}

export async function updatePerson(
  db: Kysely<Database>,
  cipher: FieldCipher,
  id: string,
  body: UpdatePersonBody,
  scope: DataScopeFilter,
  now = new Date().toISOString(),
): Promise<PersonRow> {
  const person = await requirePerson(db, id, scope);
  if (Object.keys(body).length === 0) throw AppError.field('body', 'FIELD_REQUIRED');
  const problems: FieldProblem[] = [];
  const residence = await checkAreaField(
    db,
    'body.residenceAreaCode',
    body.residenceAreaCode,
    true,
    problems,
  );
  checkDeathAndPhone(person.birth_date, body, problems);
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', {}, problems);
  if (residence) await requireAreaInScope(db, 'body.residenceAreaCode', residence, scope);
  await updatePersonRow(
    db,
    id,
    {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.deathDate !== undefined ? { death_date: body.deathDate } : {}),
      ...(residence !== undefined ? { residence_area_code: residence } : {}),
      ...(body.phone !== undefined
        ? {
            phone_enc: body.phone === null ? null : cipher.encrypt(body.phone),
          }
        : {}),
    },
    now,
  );
  return requirePerson(db, id, scope);
}
