import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The TOTP secret is SM4-encrypted like ID numbers: it is a credential.
  await db.schema.alterTable('users').addColumn('totp_secret_enc', 'text').execute();
  await db.schema
    .alterTable('users')
    .addColumn('totp_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('totp_enabled').execute();
  await db.schema.alterTable('users').dropColumn('totp_secret_enc').execute();
}
