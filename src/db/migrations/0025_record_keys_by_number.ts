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
 * - SQLite: `ingest_keys` is indexed by `hash_key` instead of the hash (entries about 17 bytes,
 *   moves half the time in the same measurement). The number is not unique, so a trigger keeps
 *   the record hash unique as the primary key did: before each insert it looks the number up
 *   (the page the insert is about to change) and compares the whole hash. `ingest_keys_recent`
 *   keeps its primary key on the hash (small; a move reads it in hash order, which is
 *   `hash_key` order too).
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

/** SQLite: the trigger that keeps a record hash unique in `ingest_keys` without a unique index. */
const UNIQUE_TRIGGER = sql.raw(`create trigger "ingest_keys_unique" before insert on "ingest_keys"
  when exists (select 1 from "ingest_keys" k where k."hash_key" = new."hash_key" and k."record_hash" = new."record_hash")
  begin select raise(abort, 'UNIQUE constraint failed: ingest_keys.record_hash'); end`);

/**
 * SQLite: `table` again with the same rows, with or without `hash_key`; the hash the primary key
 * unless `keyedByNumber` (then only `ingest_keys`, and `hash_key` indexed instead). Indexes of
 * the table are dropped first and made again by the caller.
 */
async function rebuild(
  db: Kysely<unknown>,
  table: 'ingest_keys' | 'ingest_keys_recent',
  withNumber: boolean,
  keyedByNumber: boolean,
): Promise<void> {
  await db.schema.alterTable(table).renameTo(`${table}_old`).execute();
  let create = db.schema
    .createTable(table)
    .addColumn('feed_id', 'text', (c) => c.notNull())
    .addColumn('record_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'text');
  if (withNumber) create = create.addColumn('hash_key', 'integer', (c) => c.notNull());
  if (!keyedByNumber) create = create.addPrimaryKeyConstraint(`${table}_pk`, ['record_hash']);
  await create.execute();
  const columns = sql.raw(KEPT.join(', '));
  // In the order they were written (rowid), so the large table stays appended as its moves left it.
  await (
    withNumber
      ? sql`insert into ${sql.table(table)} (${columns}, hash_key)
        select ${columns}, ${hashKeySql(false)} from ${sql.table(`${table}_old`)} order by rowid`
      : sql`insert into ${sql.table(table)} (${columns})
        select ${columns} from ${sql.table(`${table}_old`)} order by rowid`
  ).execute(db);
  await db.schema.dropTable(`${table}_old`).execute();
}

/** SQLite: the indexes of `ingest_keys` other than its key (the person's may be missing: a bulk load, ADR 0030). */
async function dropKeyIndexes(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists "ingest_keys_unique"`.execute(db);
  for (const index of ['ingest_keys_hash', 'ingest_keys_import', 'ingest_keys_person'])
    await db.schema.dropIndex(index).ifExists().execute();
}

async function createKeyIndexes(db: Kysely<unknown>): Promise<void> {
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
  await dropKeyIndexes(db);
  await rebuild(db, 'ingest_keys', true, true);
  await db.schema.createIndex('ingest_keys_hash').on('ingest_keys').column('hash_key').execute();
  await createKeyIndexes(db);
  await UNIQUE_TRIGGER.execute(db);
  await rebuild(db, 'ingest_keys_recent', true, false);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (columnTypes(db).isPostgres) {
    for (const table of ['ingest_keys', 'ingest_keys_recent'])
      await db.schema.alterTable(table).dropColumn('hash_key').execute();
    return;
  }
  await dropKeyIndexes(db);
  await rebuild(db, 'ingest_keys', false, false);
  await createKeyIndexes(db);
  await rebuild(db, 'ingest_keys_recent', false, false);
}
