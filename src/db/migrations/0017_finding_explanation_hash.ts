import type { Kysely } from 'kysely';

/**
 * `findings.explanation_hash`: a digest of the stored explanation, so a screening run tells a
 * finding seen again unchanged from its digest alone instead of reading every explanation
 * back (several kilobytes each, about ten findings a household). Null for findings stored
 * before: the next run writes their digest once (a silent refresh, no event).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('findings').addColumn('explanation_hash', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('findings').dropColumn('explanation_hash').execute();
}
