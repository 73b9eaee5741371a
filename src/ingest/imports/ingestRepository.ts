import { bulkWrite, type BulkStep } from '../../db/dialects/bulkWrite.ts';
import { cachedStatement, withRawSqlite } from '../../db/dialects/sqlite.ts';
import type { SqliteWriter } from '../../db/dialects/sqliteWriter.ts';
import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import { dialectOf } from '../../db/dialectOf.ts';
import { recordHashKey } from './recordHashKey.ts';
import type {
  Database,
  FactTable,
  HukouHouseholdTable,
  HukouMemberTable,
  ImportRejectTable,
  ImportTable,
  IngestKeyTable,
  LinkReviewTable,
  PersonTable,
} from '../../db/schema.ts';

/** Rows per INSERT: under SQLite's 32,766 bound parameters for the widest table here. */
const CHUNK = 400;

async function insertInChunks<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

export async function insertImport(db: Kysely<Database>, row: ImportTable): Promise<void> {
  await db.insertInto('imports').values(row).execute();
}

export async function updateImport(db: Kysely<Database>, id: string, change: Updateable<ImportTable>) {
  await db.updateTable('imports').set(change).where('id', '=', id).execute();
}

export async function findImport(db: Kysely<Database>, id: string): Promise<ImportTable | undefined> {
  return db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** An unfinished import of the same file for the same feed: the one to resume. */
export async function findRunningImport(db: Kysely<Database>, feedId: string, sha256: string) {
  return db
    .selectFrom('imports')
    .selectAll()
    .where('feed_id', '=', feedId)
    .where('file_sha256', '=', sha256)
    .where('status', '=', 'running')
    .orderBy('started_at', 'desc')
    .executeTakeFirst();
}

export async function listImports(
  db: Kysely<Database>,
  query: { feedId?: string | undefined; feedIds?: string[] | undefined; limit: number; offset: number },
): Promise<{ rows: ImportTable[]; total: number }> {
  let q = db.selectFrom('imports');
  if (query.feedId) q = q.where('feed_id', '=', query.feedId);
  if (query.feedIds)
    q = query.feedIds.length > 0 ? q.where('feed_id', 'in', query.feedIds) : q.where(sql<boolean>`1 = 0`);
  const rows = await q
    .selectAll()
    .orderBy('started_at', 'desc')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  const total = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

/** Which of these record hashes the feed has already accepted (in any import). */
export async function findKnownRecordHashes(
  db: Kysely<Database>,
  feedId: string,
  hashes: string[],
): Promise<Map<string, { import_id: string; line: number }>> {
  const known = new Map<string, { import_id: string; line: number }>();
  // SQLite: one index probe per hash through a statement prepared once (a few
  // microseconds each) rather than IN lists that Kysely compiles and SQLite prepares anew.
  const probed = await withRawSqlite(db, (raw) => {
    // A key is in one of the two tables (migration 0022): the small one first, its pages cached.
    // Both by the hash's number and then the whole hash (migration 0025: the number is what
    // they are indexed by, and it is not unique).
    const probes = ['ingest_keys_recent', 'ingest_keys'].map((table) =>
      cachedStatement(
        raw,
        `select import_id, line from ${table} where hash_key = ? and record_hash = ? and feed_id = ?`,
      ),
    );
    // One read transaction for all probes: outside one, each probe takes and releases WAL read
    // locks (system calls) of its own.
    raw.transaction(() => {
      for (const hash of hashes) {
        const number = recordHashKey(hash);
        for (const probe of probes) {
          const row = probe.get(number, hash, feedId) as { import_id: string; line: number } | undefined;
          if (row) {
            known.set(hash, row);
            break;
          }
        }
      }
    })();
    return true;
  });
  if (probed) return known;
  for (let i = 0; i < hashes.length; i += 900) {
    const part = hashes.slice(i, i + 900);
    const rows = await db
      .selectFrom('ingest_keys')
      .select(['record_hash', 'import_id', 'line'])
      .where('feed_id', '=', feedId)
      .where('record_hash', 'in', part)
      .unionAll(
        db
          .selectFrom('ingest_keys_recent')
          .select(['record_hash', 'import_id', 'line'])
          .where('feed_id', '=', feedId)
          .where('record_hash', 'in', part),
      )
      .execute();
    for (const r of rows) known.set(r.record_hash, { import_id: r.import_id, line: r.line });
  }
  return known;
}

/**
 * Every record hash the feed holds, in either key table, each given to `visit`; how many. For
 * an import's filter of known keys (recordKeyFilter.ts). The large table has no index by feed
 * (its keys arrive in hash order, ADR 0028), so its keys are read import by import through
 * `ingest_keys_import`: a feed that has never been imported costs nothing, one with a history
 * its own keys, never the whole table. The small table is read whole (at most a few batches).
 * SQLite reads on one snapshot; PostgreSQL in pages by line (a commit between pages is caught
 * by the caller, which looks for other imports of the feed since it began).
 */
export async function forEachRecordHash(
  db: Kysely<Database>,
  feedId: string,
  visit: (hash: string) => void,
  /** PostgreSQL: hashes per page. */
  page = 50_000,
): Promise<number> {
  let count = 0;
  const scanned = await withRawSqlite(db, (raw) => {
    raw.transaction(() => {
      const imports = cachedStatement(raw, 'select id from imports where feed_id = ?').pluck();
      const keysOf = cachedStatement(
        raw,
        'select record_hash from ingest_keys where import_id = ? and feed_id = ?',
      ).pluck();
      const recent = cachedStatement(
        raw,
        'select record_hash from ingest_keys_recent where feed_id = ?',
      ).pluck();
      for (const importId of imports.all(feedId) as string[]) {
        for (const hash of keysOf.iterate(importId, feedId) as IterableIterator<string>) {
          visit(hash);
          count++;
        }
      }
      for (const hash of recent.iterate(feedId) as IterableIterator<string>) {
        visit(hash);
        count++;
      }
    })();
    return true;
  });
  if (scanned) return count;
  const imports = await db.selectFrom('imports').select('id').where('feed_id', '=', feedId).execute();
  for (const { id } of imports) {
    let after = 0;
    for (;;) {
      const rows = await db
        .selectFrom('ingest_keys')
        .select(['record_hash', 'line'])
        .where('import_id', '=', id)
        .where('feed_id', '=', feedId)
        .where('line', '>', after)
        .orderBy('line')
        .limit(page)
        .execute();
      for (const { record_hash } of rows) visit(record_hash);
      count += rows.length;
      const last = rows[rows.length - 1];
      if (!last || rows.length < page) break;
      after = last.line;
    }
  }
  const recent = await db
    .selectFrom('ingest_keys_recent')
    .select('record_hash')
    .where('feed_id', '=', feedId)
    .execute();
  for (const { record_hash } of recent) visit(record_hash);
  return count + recent.length;
}

/**
 * Whether another import of the feed is running (or left as running by a dead process), or
 * has stopped at or after `since`: one that may have written keys an import's filter, built at
 * `since`, does not hold.
 */
export async function anotherImportOfFeedSince(
  db: Kysely<Database>,
  feedId: string,
  importId: string,
  since: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('imports')
    .select('id')
    .where('feed_id', '=', feedId)
    .where('id', '!=', importId)
    .where((eb) => eb.or([eb('status', '=', 'running'), eb('finished_at', '>=', since)]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Persons by blind index of the ID number. The number of a record merged into another finds
 * the survivor (following later merges), so a department still sending it adds to the survivor.
 */
export async function findPersonIdsByIdHash(
  db: Kysely<Database>,
  hashes: string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const merged = new Map<string, string>();
  // SQLite: one prepared probe per hash inside one read transaction (cheaper than IN lists there).
  const probed = await withRawSqlite(db, (raw) => {
    const probe = cachedStatement(raw, 'select id, merged_into from persons where id_number_hash = ?');
    raw.transaction(() => {
      for (const hash of hashes) {
        const row = probe.get(hash) as { id: string; merged_into: string | null } | undefined;
        if (!row) continue;
        found.set(hash, row.merged_into ?? row.id);
        if (row.merged_into) merged.set(hash, row.merged_into);
      }
    })();
    return true;
  });
  for (let i = 0; !probed && i < hashes.length; i += 900) {
    const rows = await db
      .selectFrom('persons')
      .select(['id', 'id_number_hash', 'merged_into'])
      .where('id_number_hash', 'in', hashes.slice(i, i + 900))
      .execute();
    for (const r of rows) {
      found.set(r.id_number_hash, r.merged_into ?? r.id);
      if (r.merged_into) merged.set(r.id_number_hash, r.merged_into);
    }
  }
  // Rare: a survivor that was itself merged later. Each round follows one more merge.
  for (let round = 0; merged.size > 0 && round < 20; round++) {
    const targets = await db
      .selectFrom('persons')
      .select(['id', 'merged_into'])
      .where('id', 'in', [...new Set(merged.values())])
      .where('merged_into', 'is not', null)
      .execute();
    const next = new Map(targets.map((t) => [t.id, t.merged_into ?? t.id]));
    for (const [hash, target] of merged) {
      const onward = next.get(target);
      if (onward) {
        found.set(hash, onward);
        merged.set(hash, onward);
      } else merged.delete(hash);
    }
  }
  return found;
}

export interface LinkCandidateRow {
  id: string;
  name: string;
  birth_date: string;
  hukou_number: string | null;
}

/**
 * Candidates for rows without an ID number: persons with the name and, where the row gives one,
 * the birth date (`chooseLink` passes over any other), with their current hukou numbers. A
 * county holds dozens of persons for a common name (45 on average for a person's name among
 * 955,000 generated), and reading all of them and their booklets for each such row was most of
 * the look-ups of a large feed; (name, birth date) is one index entry (migration 0024).
 */
export async function findLinkCandidates(
  db: Kysely<Database>,
  wanted: { name: string; birthDate?: string | undefined }[],
): Promise<LinkCandidateRow[]> {
  const out: LinkCandidateRow[] = [];
  for (const query of linkCandidateQueries(db, wanted)) out.push(...(await query.execute()));
  return out;
}

/** The queries `findLinkCandidates` runs (exported so a test can check how the database plans them). */
export function linkCandidateQueries(
  db: Kysely<Database>,
  wanted: { name: string; birthDate?: string | undefined }[],
) {
  const everyone = new Set(wanted.filter((w) => w.birthDate === undefined).map((w) => w.name));
  const pairs = new Map<string, [string, string]>();
  for (const w of wanted)
    if (w.birthDate !== undefined && !everyone.has(w.name))
      pairs.set(`${w.name}\u0001${w.birthDate}`, [w.name, w.birthDate]);
  const candidates = () =>
    db
      .selectFrom('persons')
      .leftJoin('hukou_members', (join) =>
        join.onRef('hukou_members.person_id', '=', 'persons.id').on('hukou_members.left_on', 'is', null),
      )
      .leftJoin('hukou_households', 'hukou_households.id', 'hukou_members.household_id')
      .select(['persons.id', 'persons.name', 'persons.birth_date', 'hukou_households.hukou_number'])
      .where('persons.merged_into', 'is', null);
  const queries = [];
  const names = [...everyone];
  for (let i = 0; i < names.length; i += 900)
    queries.push(candidates().where('persons.name', 'in', names.slice(i, i + 900)));
  const both = [...pairs.values()];
  for (let i = 0; i < both.length; i += 400) {
    const chunk = both.slice(i, i + 400);
    queries.push(
      candidates().where((eb) =>
        eb(
          eb.refTuple('persons.name', 'persons.birth_date'),
          'in',
          chunk.map(([name, birth]) => eb.tuple(name, birth)),
        ),
      ),
    );
  }
  return queries;
}

/** The current hukou membership (row id and booklet number) of each of these persons. */
export async function findCurrentHukouMembers(
  db: Kysely<Database>,
  personIds: string[],
): Promise<Map<string, { memberId: number; hukouNumber: string }>> {
  const found = new Map<string, { memberId: number; hukouNumber: string }>();
  for (let i = 0; i < personIds.length; i += 900) {
    const rows = await db
      .selectFrom('hukou_members')
      .innerJoin('hukou_households', 'hukou_households.id', 'hukou_members.household_id')
      .select(['hukou_members.id', 'hukou_members.person_id', 'hukou_households.hukou_number'])
      .where('hukou_members.person_id', 'in', personIds.slice(i, i + 900))
      .where('hukou_members.left_on', 'is', null)
      .execute();
    for (const r of rows) found.set(r.person_id, { memberId: r.id, hukouNumber: r.hukou_number });
  }
  return found;
}

export async function findHukouHouseholdIdsByNumber(
  db: Kysely<Database>,
  numbers: string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < numbers.length; i += 900) {
    const rows = await db
      .selectFrom('hukou_households')
      .select(['id', 'hukou_number'])
      .where('hukou_number', 'in', numbers.slice(i, i + 900))
      .execute();
    for (const r of rows) found.set(r.hukou_number, r.id);
  }
  return found;
}

/**
 * The columns of a fact that differ from row to row within an import's batch, in the order of
 * `FactValues`. A county's import writes millions of facts: as tuples, not objects, they skip
 * an object and an array per fact on their way to the database.
 */
export const FACT_COLUMNS = [
  'subject_id',
  'variable',
  'value_json',
  'observed_at',
  'valid_from',
  'valid_to',
  'source_line',
] as const satisfies readonly (keyof FactTable)[];
export type FactValues = [
  subjectId: string,
  variable: string,
  valueJson: string,
  observedAt: string,
  validFrom: string,
  validTo: string | null,
  sourceLine: number,
];
/**
 * The columns of a record key that differ from row to row, in the order of `KeyValues`; the
 * feed and the import are the batch's (`KeysShared`). As tuples for the reason facts are.
 */
export const KEY_COLUMNS = [
  'record_hash',
  'line',
  'person_id',
  'hash_key',
] as const satisfies readonly (keyof IngestKeyTable)[];
/** `hashKey` is `recordHashKey(recordHash)` (`recordKey` makes the tuple). */
export type KeyValues = [recordHash: string, line: number, personId: string | null, hashKey: number];

/** A record key's tuple, its number made from its hash (migration 0025). */
export function recordKey(recordHash: string, line: number, personId: string | null): KeyValues {
  return [recordHash, line, personId, recordHashKey(recordHash)];
}
export type KeysShared = Pick<IngestKeyTable, 'feed_id' | 'import_id'>;
/** What every fact of an import's batch has in common. */
export type FactsShared = Pick<FactTable, 'subject_type' | 'source' | 'recorded_at' | 'import_id'>;

/** What one batch writes, all in the caller's transaction. */
export interface BatchWrites {
  persons: PersonTable[];
  personUpdates: { id: string; change: Updateable<PersonTable> }[];
  hukouHouseholds: HukouHouseholdTable[];
  hukouMembers: Insertable<HukouMemberTable>[];
  /** Memberships ended because the person moved to another booklet (hukouMoves.ts). */
  hukouMemberEnds: { id: number; left_on: string }[];
  /** The batch's facts as values in `FACT_COLUMNS` order; the rest of each row is `factsShared`. */
  facts: FactValues[];
  factsShared: FactsShared;
  /** The batch's record keys as values in `KEY_COLUMNS` order; the rest of each row is `keysShared`. */
  keys: KeyValues[];
  keysShared: KeysShared;
  rejects: Insertable<ImportRejectTable>[];
  reviews: Insertable<LinkReviewTable>[];
}

/**
 * Writes one batch and moves the import's counts and checkpoint, all in one transaction (so
 * a killed import holds exactly its completed batches), through the bulk path. The batch
 * commits only on top of the one before it: the import's checkpoint must still be `after`, the
 * line the previous batch ended on, or the whole transaction rolls back. With two batches in a
 * background writer's queue, one that follows a failed batch must not commit past the hole.
 */
export async function writeBatch(
  db: Kysely<Database>,
  writes: BatchWrites,
  importId: string,
  importChange: Updateable<ImportTable>,
  after: number,
  writer: SqliteWriter | undefined,
  /** Keys the small table must hold before this batch moves them all (`recentKeysToMove`). */
  moveKeysAt: number,
): Promise<void> {
  const insert = <T extends keyof Database>(table: T, rows: Insertable<Database[T]>[]): BulkStep => ({
    kind: 'insert',
    table,
    rows,
  });
  await bulkWrite(
    db,
    [
      insert('persons', writes.persons),
      ...writes.personUpdates.map(({ id, change }): BulkStep => ({
        kind: 'update',
        table: 'persons',
        set: change,
        where: { id },
      })),
      insert('hukou_households', writes.hukouHouseholds),
      // A person who moved leaves the old booklet before joining the new one (hukouMoves.ts).
      ...writes.hukouMemberEnds.map(({ id, left_on }): BulkStep => ({
        kind: 'update',
        table: 'hukou_members',
        set: { left_on },
        where: { id },
      })),
      insert('hukou_members', writes.hukouMembers),
      // Rows in the order of the index they are written to (the statement sorts them, ADR 0036):
      // facts by person (a person's keep their order, the tie-break of `findFacts`), keys by hash.
      {
        kind: 'values',
        table: 'facts',
        columns: FACT_COLUMNS,
        rows: writes.facts,
        shared: writes.factsShared,
        orderBy: 0,
      },
      {
        kind: 'values',
        table: 'ingest_keys_recent',
        columns: KEY_COLUMNS,
        rows: writes.keys,
        shared: writes.keysShared,
        orderBy: 0,
      },
      ...moveRecentKeys(db, moveKeysAt),
      insert('import_rejects', writes.rejects),
      insert('link_reviews', writes.reviews),
      {
        kind: 'update',
        table: 'imports',
        set: importChange,
        where: { id: importId, checkpoint_line: after },
        expectRows: 1,
      },
    ],
    writer,
  );
}

export async function listImportRejects(
  db: Kysely<Database>,
  importId: string,
  afterId: number,
  limit: number,
): Promise<Selectable<ImportRejectTable>[]> {
  return db
    .selectFrom('import_rejects')
    .selectAll()
    .where('import_id', '=', importId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function listLinkReviews(
  db: Kysely<Database>,
  query: { status: LinkReviewTable['status']; limit: number; offset: number },
): Promise<{ rows: Selectable<LinkReviewTable>[]; total: number }> {
  const base = db.selectFrom('link_reviews').where('status', '=', query.status);
  const rows = await base.selectAll().orderBy('id').limit(query.limit).offset(query.offset).execute();
  const total = await base
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

export async function findLinkReview(db: Kysely<Database>, id: number) {
  return db.selectFrom('link_reviews').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Closes an open review; false when someone else decided it first. */
export async function closeLinkReview(
  db: Kysely<Database>,
  id: number,
  change: Pick<LinkReviewTable, 'status' | 'person_id' | 'decided_by' | 'decided_at'>,
): Promise<boolean> {
  const result = await db
    .updateTable('link_reviews')
    .set(change)
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records who a held row turned out to be about. */
export async function setKeyPerson(db: Kysely<Database>, importId: string, line: number, personId: string) {
  // The small table first: a batch moving its keys meanwhile (PostgreSQL) moves them into the
  // other, which the second update then reads as committed.
  for (const table of ['ingest_keys_recent', 'ingest_keys'] as const) {
    await db
      .updateTable(table)
      .set({ person_id: personId })
      .where('import_id', '=', importId)
      .where('line', '=', line)
      .execute();
  }
}

/** Who each accepted line of an import was linked to. */
export async function listImportLinks(db: Kysely<Database>, importId: string) {
  return db
    .selectFrom('ingest_keys')
    .select(['line', 'person_id'])
    .where('import_id', '=', importId)
    .unionAll(
      db.selectFrom('ingest_keys_recent').select(['line', 'person_id']).where('import_id', '=', importId),
    )
    .orderBy('line')
    .execute();
}

/**
 * Keys held in `ingest_keys_recent` before a batch moves them all to `ingest_keys` (ADR 0028).
 * A move writes each page of the large hash index once, and the small table's index is
 * rewritten at every batch: fewer keys held mean cheaper batches and more frequent moves. On the
 * 20,000-household county's write set (bench/ingestLimit.ts): 40,000–80,000 about 20 s, 150,000
 * 20.8 s, never moving 30 s; 10,000 and 20,000 worse again (ADR 0028).
 */
export const RECENT_KEYS_TO_MOVE = 80_000;

/**
 * How many keys the small table gathers before a move, given about how many the large table
 * holds (ADR 0032). A move writes every page of the large hash index it touches, and a batch of
 * sorted keys touches nearly all of them once the index has fewer pages than the move has keys;
 * the small table's own index is rewritten at every batch, in proportion to what it holds. The
 * sum per batch, (held / moved) × batch + moved, is least at moved = √(held × batch): 80,000
 * until the large table holds 640,000 keys (at 10,000-row batches), then growing with the square
 * root (about 480,000 at Xuhui's 23 M, where a fixed 80,000 rewrote a gigabyte of index every
 * eight batches).
 */
export function recentKeysToMove(keysHeld: number, batchSize: number): number {
  return Math.max(RECENT_KEYS_TO_MOVE, Math.round(Math.sqrt(Math.max(0, keysHeld) * batchSize)));
}

/** About how many record keys the large table holds: cheap on both databases (no count). */
export async function recordKeysHeldEstimate(db: Kysely<Database>): Promise<number> {
  const result =
    dialectOf(db) === 'postgres'
      ? await sql<{ n: number | string | null }>`select reltuples as n from pg_class
          where oid = to_regclass('ingest_keys')`.execute(db)
      : // A rowid table written in order (ADR 0028's moves append): the last rowid is the count.
        await sql<{ n: number | null }>`select max(rowid) as n from ingest_keys`.execute(db);
  return Math.max(0, Number(result.rows[0]?.n ?? 0));
}

/**
 * The steps that move every key of `ingest_keys_recent` into `ingest_keys`, in hash order, once
 * the small table holds at least `atLeast`: part of a batch's transaction, so a key is always in
 * exactly one table. Both statements test the same count (the insert does not change it). Hash
 * order is the order of `hash_key` (`recordHashKey`): on SQLite both tables are indexed by that
 * number (migration 0025), on PostgreSQL by the hash.
 */
export function moveRecentKeys(db: Kysely<Database>, atLeast: number): BulkStep[] {
  const full = sql<boolean>`(select count(*) from ingest_keys_recent) >= ${atLeast}`;
  const order = dialectOf(db) === 'postgres' ? 'record_hash' : 'hash_key';
  const columns = ['feed_id', 'record_hash', 'import_id', 'line', 'person_id', 'hash_key'] as const;
  return [
    {
      kind: 'query',
      query: db
        .insertInto('ingest_keys')
        .columns(columns)
        .expression(db.selectFrom('ingest_keys_recent').select(columns).where(full).orderBy(order))
        .compile(),
    },
    { kind: 'query', query: db.deleteFrom('ingest_keys_recent').where(full).compile() },
  ];
}

export async function insertFactRows(db: Kysely<Database>, rows: Insertable<FactTable>[]): Promise<void> {
  await insertInChunks(db, 'facts', rows);
}

/** Every area code we hold: where a person registered by a population feed may live. */
export async function listAreaCodes(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom('areas').select('code').execute()).map((a) => a.code);
}

/** About how many facts the registry holds: the highest id (facts are never deleted; cheap on both databases). */
export async function factsHeldEstimate(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('facts')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst();
  return row?.max ?? 0;
}
