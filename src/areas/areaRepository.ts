import { sql, type Kysely } from 'kysely';
import type { AreaChangeKind, AreaRow, Database, NewArea } from '../db/schema.ts';
import { inScope, type DataScopeFilter } from '../access/scope/dataScope.ts';

/**
 * The only code that reads or writes the area tables. "This area and everything below it"
 * is a range scan on `path` (ancestor codes concatenated): every later module filters by
 * `areaCodesWithin`, so a township sees its villages wherever their codes came from.
 */

export async function findArea(db: Kysely<Database>, code: string): Promise<AreaRow | undefined> {
  return db.selectFrom('areas').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function findAreas(db: Kysely<Database>, codes: string[]): Promise<AreaRow[]> {
  if (codes.length === 0) return [];
  return db.selectFrom('areas').selectAll().where('code', 'in', codes).execute();
}

export async function listChildren(
  db: Kysely<Database>,
  parentCode: string,
  options: { includeRetired?: boolean } = {},
): Promise<AreaRow[]> {
  let query = db.selectFrom('areas').selectAll().where('parent_code', '=', parentCode);
  if (!options.includeRetired) query = query.where('retired_on', 'is', null);
  return query.orderBy('code').execute();
}

/** Upper bound of a path prefix range: ':' sorts right after '9', and paths hold only digits. */
export function pathUpperBound(path: string): string {
  return `${path}:`;
}

/**
 * A subquery of the codes of an area and all its descendants, to use as
 * `where('residence_area_code', 'in', areaCodesWithin(db, code))`.
 */
export function areaCodesWithin(db: Kysely<Database>, ancestorCode: string) {
  const ancestorPath = db.selectFrom('areas').select('path').where('code', '=', ancestorCode);
  return db
    .selectFrom('areas')
    .select('areas.code')
    .where('areas.path', '>=', ancestorPath)
    .where(
      'areas.path',
      '<',
      db
        .selectFrom('areas')
        .select(sql<string>`path || ':'`.as('upper'))
        .where('code', '=', ancestorCode),
    );
}

export async function listDescendants(
  db: Kysely<Database>,
  ancestor: AreaRow,
  options: { level?: AreaRow['level']; includeRetired?: boolean; limit?: number } = {},
): Promise<AreaRow[]> {
  let query = db
    .selectFrom('areas')
    .selectAll()
    .where('path', '>', ancestor.path)
    .where('path', '<', pathUpperBound(ancestor.path));
  if (options.level) query = query.where('level', '=', options.level);
  if (!options.includeRetired) query = query.where('retired_on', 'is', null);
  return query
    .orderBy('path')
    .limit(options.limit ?? 10_000)
    .execute();
}

export async function countDescendantsByLevel(
  db: Kysely<Database>,
  ancestor: AreaRow,
): Promise<{ level: string; count: number }[]> {
  const rows = await db
    .selectFrom('areas')
    .select(['level', db.fn.countAll<number>().as('count')])
    .where('path', '>', ancestor.path)
    .where('path', '<', pathUpperBound(ancestor.path))
    .where('retired_on', 'is', null)
    .groupBy('level')
    .execute();
  // PostgreSQL counts are bigint; the driver setup turns them into numbers.
  return rows.map((r) => ({ level: r.level, count: r.count }));
}

export async function searchAreasByName(
  db: Kysely<Database>,
  text: string,
  within: AreaRow | undefined,
  limit: number,
): Promise<AreaRow[]> {
  let query = db
    .selectFrom('areas')
    .selectAll()
    .where('name', 'like', `%${text.replace(/[%_]/g, '')}%`);
  if (within) query = query.where('path', '>=', within.path).where('path', '<', pathUpperBound(within.path));
  return query.orderBy('path').limit(limit).execute();
}

export async function insertAreas(db: Kysely<Database>, rows: NewArea[]): Promise<void> {
  // Chunks keep each statement under SQLite's bound-parameter limit.
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('areas')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

export async function updateArea(
  db: Kysely<Database>,
  code: string,
  changes: Partial<Pick<AreaRow, 'name' | 'kind' | 'parent_code' | 'path' | 'retired_on' | 'successor_code'>>,
  updatedAt: string,
): Promise<void> {
  await db
    .updateTable('areas')
    .set({ ...changes, updated_at: updatedAt })
    .where('code', '=', code)
    .execute();
}

/** Rewrites the path of every descendant when an area moves (old prefix → new prefix). */
export async function rewriteSubtreePaths(
  db: Kysely<Database>,
  oldPath: string,
  newPath: string,
  updatedAt: string,
): Promise<void> {
  await db
    .updateTable('areas')
    .set({
      path: sql<string>`${newPath} || substr(path, ${oldPath.length + 1})`,
      updated_at: updatedAt,
    })
    .where('path', '>', oldPath)
    .where('path', '<', pathUpperBound(oldPath))
    .execute();
}

export interface AreaChangeInput {
  areaCode: string;
  change: AreaChangeKind;
  effectiveOn: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  recordedAt: string;
}

export async function recordAreaChanges(db: Kysely<Database>, changes: AreaChangeInput[]): Promise<void> {
  const rows = changes.map((c) => ({
    area_code: c.areaCode,
    change: c.change,
    effective_on: c.effectiveOn,
    before_json: c.before === null || c.before === undefined ? null : JSON.stringify(c.before),
    after_json: c.after === null || c.after === undefined ? null : JSON.stringify(c.after),
    reason: c.reason,
    recorded_at: c.recordedAt,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('area_changes')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

export async function listAreaChanges(db: Kysely<Database>, code: string) {
  return db.selectFrom('area_changes').selectAll().where('area_code', '=', code).orderBy('id').execute();
}

/** Whether an area exists and lies within a caller's scope. */
export async function isAreaInScope(
  db: Kysely<Database>,
  code: string,
  scope: DataScopeFilter,
): Promise<boolean> {
  const row = await db
    .selectFrom('areas')
    .select('code')
    .where('code', '=', code)
    .where(inScope(db, 'areas.code', scope))
    .executeTakeFirst();
  return row !== undefined;
}
