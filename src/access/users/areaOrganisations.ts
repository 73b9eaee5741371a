import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findArea, listDescendants } from '../../areas/areaRepository.ts';
import type { Database, OrganisationTable } from '../../db/schema.ts';
import { insertOrganisations, listOrganisations } from './userRepository.ts';

/**
 * The organisations work is routed to in a county (issue 8): the bureau, a township office
 * (乡镇人民政府 / 街道办事处) for every township and a committee for every village or community,
 * and the partner departments named — each created once, so a county set up by hand keeps
 * its own. Returns how many were created.
 */
export async function ensureAreaOrganisations(
  db: Kysely<Database>,
  countyCode: string,
  departments: readonly { code: string; zh: string }[],
  now = new Date().toISOString(),
): Promise<number> {
  const county = await findArea(db, countyCode);
  if (!county) throw new Error(`区划 ${countyCode} 尚未导入`);
  const existing = await listOrganisations(db);
  const has = (kind: OrganisationTable['kind'], area: string, department: string | null = null) =>
    existing.some((o) => o.kind === kind && o.area_code === area && o.department === department);
  const rows: OrganisationTable[] = [];
  const add = (
    name: string,
    kind: OrganisationTable['kind'],
    area: string,
    department: string | null = null,
  ) => {
    if (!has(kind, area, department))
      rows.push({ id: randomUUID(), name, kind, area_code: area, department, created_at: now });
  };
  add(`${county.name}民政局`, 'bureau', county.code);
  for (const t of await listDescendants(db, county, { level: 'township' }))
    add(`${t.name}${t.kind === 'subdistrict' ? '办事处' : '人民政府'}`, 'township_office', t.code);
  for (const v of await listDescendants(db, county, { level: 'village' }))
    // The division names already say 居委会 / 村委会.
    add(v.name, 'village_committee', v.code);
  for (const d of departments) add(`${county.name}${d.zh}`, 'department', county.code, d.code);
  await insertOrganisations(db, rows);
  return rows.length;
}
