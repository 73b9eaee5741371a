import { paddedIds, selectArrays } from '../../db/dialects/selectArrays.ts';
import type { Insertable, Kysely } from 'kysely';
import type { Database, FactRow, FactTable, SubjectType } from '../../db/schema.ts';
import type { ResolvableFact } from './resolveFacts.ts';

export async function insertFacts(db: Kysely<Database>, rows: Insertable<FactTable>[]): Promise<FactRow[]> {
  const inserted: FactRow[] = [];
  for (let i = 0; i < rows.length; i += 80) {
    inserted.push(
      ...(await db
        .insertInto('facts')
        .values(rows.slice(i, i + 80))
        .returningAll()
        .execute()),
    );
  }
  return inserted;
}

export interface FactQuery {
  subjectType: SubjectType;
  subjectIds: string[];
  /** Only facts valid on this date (validity is half-open: [valid_from, valid_to)). */
  validOn?: string | undefined;
  /** Only facts recorded by this instant: "what did we know then". */
  knownAt?: string | undefined;
  variables?: string[] | undefined;
}

/**
 * The facts valid on a date of many subjects, with what resolving them reads and their subject
 * (the portrait's and a screening run's read: thousands of subjects a chunk). In the index's
 * order — subject, variable, validity start, id — so the database does not sort: each subject's
 * facts come in the order `findFacts` gives one subject's.
 */
export async function findFactsValidOn(
  db: Kysely<Database>,
  subjectType: SubjectType,
  subjectIds: string[],
  on: string,
): Promise<(ResolvableFact & Pick<FactRow, 'subject_id'>)[]> {
  if (subjectIds.length === 0) return [];
  const query = db
    .selectFrom('facts')
    .select(VALID_ON_COLUMNS)
    .where('subject_type', '=', subjectType)
    .where('subject_id', 'in', paddedIds(subjectIds))
    .where('valid_from', '<=', on)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', on)]))
    .orderBy('subject_id')
    .orderBy('variable')
    .orderBy('valid_from')
    .orderBy('id')
    .compile();
  // Arrays from the database, one object of a single shape per row here.
  return (await selectArrays(db, query, VALID_ON_COLUMNS)).map((r) => ({
    id: r[0] as number,
    subject_id: r[1] as string,
    variable: r[2] as string,
    value_json: r[3] as string,
    source: r[4] as string,
    observed_at: r[5] as string,
    valid_from: r[6] as string,
    valid_to: r[7] as string | null,
  }));
}

const VALID_ON_COLUMNS = [
  'id',
  'subject_id',
  'variable',
  'value_json',
  'source',
  'observed_at',
  'valid_from',
  'valid_to',
] as const;

/** Facts of one or more subjects, filtered in the database by validity and recording time. */
export async function findFacts(db: Kysely<Database>, query: FactQuery): Promise<FactRow[]> {
  if (query.subjectIds.length === 0) return [];
  let q = db
    .selectFrom('facts')
    .selectAll()
    .where('subject_type', '=', query.subjectType)
    .where('subject_id', 'in', query.subjectIds);
  if (query.validOn !== undefined) {
    const on = query.validOn;
    q = q
      .where('valid_from', '<=', on)
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', on)]));
  }
  if (query.knownAt !== undefined) q = q.where('recorded_at', '<=', query.knownAt);
  if (query.variables && query.variables.length > 0) q = q.where('variable', 'in', query.variables);
  return q.orderBy('variable').orderBy('valid_from').orderBy('id').execute();
}
