import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FieldCipher } from '../../core/fieldCipher.ts';
import type { Database } from '../../db/schema.ts';

/**
 * A digest of what the registry says, independent of generated ids, timestamps and keys:
 * persons by their ID number, their hukou memberships and their facts (with source, dates and
 * line), and each feed's import counts. Two registries built from the same files, however the
 * imports were interrupted, must have the same digest.
 */
export async function registryChecksum(db: Kysely<Database>, cipher: FieldCipher): Promise<string> {
  const persons = await db.selectFrom('persons').selectAll().execute();
  const idOf = new Map(persons.map((p) => [p.id, cipher.decrypt(p.id_number_enc)]));
  const lines: string[] = [];
  for (const p of persons) {
    lines.push(
      JSON.stringify([
        'person',
        idOf.get(p.id),
        p.name,
        p.sex,
        p.birth_date,
        p.death_date,
        p.hukou_area_code,
        p.residence_area_code,
        p.residence_elsewhere ?? null,
        p.phone_enc ? cipher.decrypt(p.phone_enc) : null,
      ]),
    );
  }
  const members = await db
    .selectFrom('hukou_members')
    .innerJoin('hukou_households', 'hukou_households.id', 'hukou_members.household_id')
    .select([
      'hukou_households.hukou_number',
      'hukou_households.area_code',
      'hukou_households.hukou_area_elsewhere',
      'person_id',
      'relationship',
    ])
    .execute();
  for (const m of members) {
    lines.push(
      JSON.stringify([
        'member',
        m.hukou_number,
        m.area_code,
        m.hukou_area_elsewhere ?? null,
        idOf.get(m.person_id),
        m.relationship,
      ]),
    );
  }
  const facts = await db.selectFrom('facts').selectAll().execute();
  for (const f of facts) {
    lines.push(
      JSON.stringify([
        'fact',
        idOf.get(f.subject_id) ?? f.subject_id,
        f.variable,
        f.value_json,
        f.source,
        f.observed_at,
        f.valid_from,
        f.valid_to,
        f.source_line,
      ]),
    );
  }
  const imports = await db
    .selectFrom('imports')
    .select([
      'feed_id',
      'file_sha256',
      'status',
      'received',
      'accepted',
      'rejected',
      'duplicate',
      'held_for_review',
    ])
    .execute();
  for (const i of imports) lines.push(JSON.stringify(['import', ...Object.values(i)]));
  lines.sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return hash.digest('hex');
}
