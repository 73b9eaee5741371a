import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../dialects/columnTypes.ts';

/**
 * Record keys found by a number (issue 4's throughput at a county's size; ADR 0037).
 *
 * Every record an import keeps moves, in batches of up to half a million (ADR 0028, 0032), into
 * the large key table's index by hash. At Xuhui's 23 million records that index is a gigabyte
 * of random 32-character texts (about 42 bytes an entry), far outgrowing the writer's cache, and
 * each move rewrites most of its pages: with 10 million keys held, moving keys took 15 µs each,
 * more than writing the facts. Both key tables get `hash_key`, the first 47 bits of the hash
 * (`recordHashKey`), which SQLite stores in 6 bytes:
 * - SQLite: both tables are indexed by `hash_key` instead of the hash (entries about 17 bytes:
 *   moves about half the time in the same measurement, and the small table, rewritten at every
 *   batch, smaller too). The number is not unique, so a trigger keeps the record hash unique in
 *   each table as its primary key did: before each insert it looks the number up (the page the
 *   insert is about to change) and compares the whole hash.
 * - PostgreSQL: the column only (the importer writes the same columns on both); its primary key
 *   on the hash stays, and no index is added.
 * Keys stored before get their number here, computed in SQL digit by digit. This file must not
 * import `recordHashKey`: a migration stays as it shipped; the test holds the two together.
 */
const HEX = '0123456789abcdef';

/** The first 47 bits of a 32-hex-digit text, as `recordHashKey` reads them, in SQL both databases run. */
function hashKeySql(isPostgres: boolean) {
  const position = isPostgres ? 'strpos' : 'instr';
  const digits = Array.from(
    { length: 12 },
    // bigint: PostgreSQL multiplies two integers as int4, and 15 × 16^7 already overflows it.
    (_, i) =>
      `cast(${position}('${HEX}', substr(record_hash, ${String(i + 1)}, 1)) - 1 as bigint) * ${String(16 ** (11 - i))}`,
  );
  return sql.raw(`(${digits.join(' + ')}) / 2`);
}

const KEPT = ['feed_id', 'record_hash', 'import_id', 'line', 'person_id'];
type KeyTable = 'ingest_keys' | 'ingest_keys_recent';

/**
 * SQLite: the trigger that keeps a record hash unique in `table` without a unique index. The
 * message is SQLite's own for a unique key, so callers see what they saw before.
 */
function uniqueTrigger(table: KeyTable) {
  return sql.raw(`create trigger "${table}_unique" before insert on "${table}"
  when exists (select 1 from "${table}" k where k."hash_key" = new."hash_key" and k."record_hash" = new."record_hash")
  begin select raise(abort, 'UNIQUE constraint failed: ${table}.record_hash'); end`);
}

/**
 * SQLite: `table` again with the same rows. By number: with `hash_key`, indexed and kept unique
 * by the trigger; otherwise as before, the hash the primary key. The other indexes of
 * `ingest_keys` are the caller's.
 */
async function rebuild(db: Kysely<unknown>, table: KeyTable, byNumber: boolean): Promise<void> {
  await sql`drop trigger if exists ${sql.id(`${table}_unique`)}`.execute(db);
  await db.schema.dropIndex(`${table}_hash`).ifExists().execute();
  await db.schema.alterTable(table).renameTo(`${table}_old`).execute();
  let create = db.schema
    .createTable(table)
    .addColumn('feed_id', 'text', (c) => c.notNull())
    .addColumn('record_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'text');
  create = byNumber
    ? create.addColumn('hash_key', 'integer', (c) => c.notNull())
    : create.addPrimaryKeyConstraint(`${table}_pk`, ['record_hash']);
  await create.execute();
  const columns = sql.raw(KEPT.join(', '));
  // In the order they were written (rowid), so the large table stays appended as its moves left it.
  await (
    byNumber
      ? sql`insert into ${sql.table(table)} (${columns}, hash_key)
        select ${columns}, ${hashKeySql(false)} from ${sql.table(`${table}_old`)} order by rowid`
      : sql`insert into ${sql.table(table)} (${columns})
        select ${columns} from ${sql.table(`${table}_old`)} order by rowid`
  ).execute(db);
  await db.schema.dropTable(`${table}_old`).execute();
  if (byNumber) {
    await db.schema.createIndex(`${table}_hash`).on(table).column('hash_key').execute();
    await uniqueTrigger(table).execute(db);
  }
}

/**
 * SQLite: the large table's other indexes, dropped before it is rebuilt and made again after
 * (the person's may be missing: a bulk load builds it at its end, ADR 0030).
 */
async function rebuildLargeTable(db: Kysely<unknown>, byNumber: boolean): Promise<void> {
  for (const index of ['ingest_keys_import', 'ingest_keys_person'])
    await db.schema.dropIndex(index).ifExists().execute();
  await rebuild(db, 'ingest_keys', byNumber);
  await db.schema
    .createIndex('ingest_keys_import')
    .on('ingest_keys')
    .columns(['import_id', 'line'])
    .execute();
  await db.schema.createIndex('ingest_keys_person').on('ingest_keys').column('person_id').execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (columnTypes(db).isPostgres) {
    for (const table of ['ingest_keys', 'ingest_keys_recent']) {
      await db.schema.alterTable(table).addColumn('hash_key', 'bigint').execute();
      await sql`update ${sql.table(table)} set hash_key = ${hashKeySql(true)}`.execute(db);
      await db.schema
        .alterTable(table)
        .alterColumn('hash_key', (c) => c.setNotNull())
        .execute();
    }
    return;
  }
  await rebuildLargeTable(db, true);
  await rebuild(db, 'ingest_keys_recent', true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (columnTypes(db).isPostgres) {
    for (const table of ['ingest_keys', 'ingest_keys_recent'])
      await db.schema.alterTable(table).dropColumn('hash_key').execute();
    return;
  }
  await rebuildLargeTable(db, false);
  await rebuild(db, 'ingest_keys_recent', false);
}
