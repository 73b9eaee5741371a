import type { Kysely } from 'kysely';

/**
 * People whose lives cross the county line (人户分离), kept instead of refused:
 * - `persons.residence_elsewhere`: where a person registered here lives when that lies outside
 *   every area held (another county). `residence_area_code` references the area tree, so such
 *   a row was refused before and the whole person lost; now the code is kept here
 *   (residence_area_code null) and the portrait reads either.
 * - `hukou_households.hukou_area_elsewhere`: non-local residents (流动人口, N1) living here with a
 *   hukou booklet of another county. Their household was never formed, so no screening could
 *   see them; now it is, at the area where they live (`area_code`), with their hukou area here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('persons').addColumn('residence_elsewhere', 'text').execute();
  await db.schema.alterTable('hukou_households').addColumn('hukou_area_elsewhere', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('hukou_households').dropColumn('hukou_area_elsewhere').execute();
  await db.schema.alterTable('persons').dropColumn('residence_elsewhere').execute();
}
