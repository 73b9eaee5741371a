import type { Kysely } from 'kysely';
import type { AreaLevel, AreaKind, Database } from '../../db/schema.ts';

/** The few areas registry tests need: Rongcheng (371082), two towns, three villages. */
export const testAreas = {
  county: '371082000000',
  town: '371082101000',
  village: '371082101201',
  neighbourVillage: '371082101202',
  otherTown: '371082102000',
  otherTownVillage: '371082102201',
} as const;

const rows: [code: string, name: string, level: AreaLevel, kind: AreaKind | null, parent: string | null][] = [
  ['370000000000', '山东省', 'province', null, null],
  ['371000000000', '威海市', 'city', null, '370000000000'],
  [testAreas.county, '荣成市', 'county', null, '371000000000'],
  [testAreas.town, '崖头街道', 'township', 'subdistrict', testAreas.county],
  [testAreas.village, '东山社区', 'village', 'residents_committee', testAreas.town],
  [testAreas.neighbourVillage, '西山社区', 'village', 'residents_committee', testAreas.town],
  [testAreas.otherTown, '石岛镇', 'township', 'town', testAreas.county],
  [testAreas.otherTownVillage, '港湾村', 'village', 'village_committee', testAreas.otherTown],
];

/**
 * Inserts the test areas directly, paths built as the importer builds them (ancestor codes
 * concatenated), so area-scoped queries behave as on an imported tree.
 */
export async function insertTestAreas(db: Kysely<Database>): Promise<void> {
  const paths = new Map<string, string>();
  for (const [code, name, level, kind, parent] of rows) {
    const path = (parent === null ? '' : (paths.get(parent) ?? '')) + code;
    paths.set(code, path);
    await db
      .insertInto('areas')
      .values({
        code,
        name,
        level,
        kind,
        parent_code: parent,
        path,
        established_on: null,
        retired_on: null,
        successor_code: null,
        updated_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
  }
}
