import { randomUUID } from 'node:crypto';
import { timeOrderedId } from '../../core/timeOrderedId.ts';
import { thisWorker, workerMayBeAlive } from '../../core/workerAlive.ts';
import type { Insertable, Kysely } from 'kysely';
import { AppError, formatMessage } from '../../core/appError.ts';
import type { FieldCipher } from '../../core/fieldCipher.ts';
import { todayInChina, type IsoDate } from '../../core/isoDate.ts';
import type { Database, FactTable, ImportTable } from '../../db/schema.ts';
import { recordAudit } from '../../access/audit/auditService.ts';
import { preparePersonRow } from '../../registry/persons/preparePersonRow.ts';
import type { ResidentIdInfo } from '../../registry/residentId/index.ts';
import type { VariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import type { FeedDefinition } from '../feeds/feedDefinition.ts';
import type { InterpretedRow, RowProblem } from '../rows/interpretRow.ts';
import { createRowMemo, type RowMemo } from '../rows/rowMemo.ts';
import { inBatches, prepareBatch, type PreparedBatch } from '../rows/prepareBatch.ts';
import { chooseLink, type LinkCandidate } from './chooseLink.ts';
import { createRecordKeyFilter, type RecordKeyFilter } from './recordKeyFilter.ts';
import { buildAfterImport } from './buildAfterImport.ts';
import { openSqliteWriter, type SqliteWriter } from '../../db/dialects/sqliteWriter.ts';
import type { SourceRecord } from '../readers/readFeedFile.ts';

export type { SourceRecord };
import { applyHukouMove, householdAreaOf, type CurrentHukou } from './hukouMoves.ts';
import { addressCodeProblem, addressCodeWarning } from '../../registry/residentId/addressCode.ts';
import {
  anotherImportOfFeedSince,
  findCurrentHukouMembers,
  forEachRecordHash,
  findHukouHouseholdIdsByNumber,
  findKnownRecordHashes,
  findPersonIdsByIdHash,
  findLinkCandidates,
  recentKeysToMove,
  recordKey,
  recordKeysHeldEstimate,
  findRunningImport,
  insertImport,
  updateImport,
  writeBatch,
  type BatchWrites,
  type FactValues,
  type KeyValues,
} from './ingestRepository.ts';

export interface IngestContext {
  db: Kysely<Database>;
  cipher: FieldCipher;
  variables: VariableCatalogue;
}

export interface ImportProgress {
  importId: string;
  line: number;
  received: number;
  accepted: number;
  rejected: number;
  duplicate: number;
  heldForReview: number;
}

export interface RunImportOptions {
  feed: FeedDefinition;
  fileName: string;
  sha256: string;
  bytes: number;
  /** Opens the file's records after a line (0 from the start; the checkpoint when resuming). */
  open: (skipThroughLine: number) => AsyncIterable<SourceRecord>;
  /**
   * The same records already read and interpreted elsewhere (another thread, ADR 0038), in
   * batches of `batchSize`, after a line: used instead of `open` for the rows (a feed that builds
   * something from its rows afterwards still reads them again through `open`).
   */
  prepared?: (skipThroughLine: number) => AsyncIterable<PreparedBatch>;
  startedBy: string;
  /** Where the upload came from, for the audit record (absent for the CLI). */
  ip?: string;
  batchSize?: number;
  /** Record keys held in the small table before a batch moves them (tests: a few; ADR 0028); by default `recentKeysToMove`. */
  recentKeysToMove?: number;
  today?: IsoDate;
  onProgress?: (progress: ImportProgress) => void;
  /** Called once the import is on record (new or resumed), before the first row is read. */
  onStart?: (row: ImportTable) => void;
  /**
   * On a SQLite file, write batches on a background connection while the next one is prepared
   * (ADR 0015): `true` opens one for this import, a writer given is used and left open (one for
   * a whole folder keeps its page cache warm, ADR 0026). Off by default here; `importFile` and
   * `importFeedDirectory` turn it on for large files.
   */
  backgroundWriter?: boolean | SqliteWriter;
  /** Area codes a new person may live in (the areas we hold); required for population feeds. */
  heldAreaCodes?: ReadonlySet<string>;
  /**
   * What a folder's imports, one after another, share (`importFeedDirectory`): the persons found
   * or created so far by ID number, and the memo of ID numbers and dates worked out. A file then
   * looks up and checks only the persons the files before it did not reach. By default the
   * import's own, dropped with it.
   */
  shared?: ImportShared;
}

/** See `RunImportOptions.shared`. */
export interface ImportShared {
  persons: Map<string, string>;
  memo: RowMemo;
}

/** A fresh `ImportShared`, for a series of imports that run one after another. */
export const createImportShared = (): ImportShared => ({ persons: new Map(), memo: createRowMemo() });

// Larger batches commit less often (each commit writes every index page it touched); 10,000 rows
// keep a batch to a few megabytes and a resumed import within seconds of where it stopped.
export const DEFAULT_IMPORT_BATCH = 10_000;
/**
 * Keys the record-key filter is first sized for: the file's size over a short record's bytes
 * (an ID number alone is 18), at most a few million (10 MiB of filter); it grows past that
 * when the feed's keys and the file's records outnumber it.
 */
const filterSizeFor = (bytes: number) => Math.min(bytes / 32, 8_000_000);
/**
 * Batches queued on a background writer at once. Two let the reading thread run a batch ahead
 * when the writer is briefly the slower (a facts-heavy feed) and the writer go on when reading
 * is (a population feed's look-ups), instead of each waiting for the other at every batch (a
 * third did not measurably help).
 */
const IN_FLIGHT = 2;
/**
 * Another county's 12-digit division code (GB/T 2260 and its township and village extension)
 * with a province in use: where someone registered here may live. Anything else is refused.
 */
const elsewhere = (code: string): boolean =>
  /^\d{12}$/.test(code) &&
  addressCodeProblem(code.slice(0, 6)) === undefined &&
  addressCodeWarning(code.slice(0, 6)) === undefined;

/** Imports this process is running now (two uploads of one file must not run it twice). */
const runningHere = new Set<string>();
/** How long another machine's import may go without a checkpoint before it counts as dead. */
const FOREIGN_LEASE_MS = 10 * 60_000;

/** Whether the process that was running an import is gone, so the import can be resumed. */
function workerGone(row: ImportTable): boolean {
  if (runningHere.has(row.id)) return false;
  if (row.worker === thisWorker()) return true; // ours, and no longer running (see above)
  return !workerMayBeAlive(row.worker, row.updated_at, FOREIGN_LEASE_MS);
}

/**
 * Imports one department file: reads it in batches, interprets and checks each row, links it
 * to a person (by ID number, or by name, birth date and hukou number with a confidence score;
 * doubtful links wait for staff), and stores facts with their source, date, import and line.
 * Each batch is one transaction that also moves the import's counts and checkpoint, so a
 * killed import resumes where its last batch ended and the counts always reconcile:
 * received = accepted + rejected + duplicate (accepted includes rows held for review).
 */
export async function runImport(context: IngestContext, options: RunImportOptions): Promise<ImportTable> {
  const { db } = context;
  const { feed } = options;
  const now = () => new Date().toISOString();
  let current = await findRunningImport(db, feed.id, options.sha256);
  if (current && !workerGone(current)) {
    throw new AppError('IMPORT_IN_PROGRESS', { worker: current.worker });
  }
  if (current) {
    // Claimed before the next await, so a second upload of the same file in this process waits its turn.
    runningHere.add(current.id);
    await updateImport(db, current.id, { worker: thisWorker(), updated_at: now() });
    current = { ...current, worker: thisWorker() };
  } else {
    const at = now();
    current = {
      id: randomUUID(),
      feed_id: feed.id,
      file_name: options.fileName,
      file_sha256: options.sha256,
      file_bytes: options.bytes,
      status: 'running',
      received: 0,
      accepted: 0,
      rejected: 0,
      duplicate: 0,
      held_for_review: 0,
      persons_created: 0,
      facts_recorded: 0,
      checkpoint_line: 0,
      worker: thisWorker(),
      error_code: null,
      error_message: null,
      started_by: options.startedBy,
      started_at: at,
      updated_at: at,
      finished_at: null,
    };
    await insertImport(db, current);
  }
  const state: ImportTable = current;
  runningHere.add(state.id);
  try {
    options.onStart?.({ ...state });
    return await continueImport(context, options, state);
  } finally {
    runningHere.delete(state.id);
  }
}

async function continueImport(
  context: IngestContext,
  options: RunImportOptions,
  state: ImportTable,
): Promise<ImportTable> {
  const { db } = context;
  const { feed } = options;
  const now = () => new Date().toISOString();
  const today = options.today ?? todayInChina();
  const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH;
  // Keys in the large table when this run began; with what this run accepts, how many keys the
  // small table gathers before a move (ADR 0032). A resumed import's earlier batches are in the
  // estimate already: only acceptances since this run began are added.
  const keysHeld = await recordKeysHeldEstimate(db);
  const acceptedBefore = state.accepted;
  // Hukou households created by this import, by number, so members of one booklet that
  // arrive in different batches join the same household.
  const households = new Map<string, string>();
  // Persons this import (or the folder's imports before it) found or created, by ID number: a
  // department sends many rows per person (monthly detail), and each is then linked without
  // hashing or a look-up. Only committed persons stay in it beyond the import: a failed import
  // ends the folder's.
  const { persons, memo } = options.shared ?? createImportShared();
  // The feed's record keys, in memory (ADR 0029): a record it has never seen is not looked up.
  // Trusted only while no other import of the feed runs or has stopped since it was filled
  // (their keys would be missing); from then on every record is looked up, as without it.
  const filledAt = now();
  const filter = createRecordKeyFilter(filterSizeFor(options.bytes));
  await forEachRecordHash(db, feed.id, (hash) => {
    filter.add(hash);
  });
  let keyFilter: RecordKeyFilter | undefined = filter;

  // With a background writer (SQLite file, opted in) a batch is written by a second connection
  // while the next ones are read and interpreted (ADR 0015). Up to IN_FLIGHT batches are queued
  // on it (ADR 0027): the writer runs them one transaction each, in order, and each commits only
  // on top of the one before (`writeBatch`'s guard), so a killed or failed import still holds
  // exactly its completed batches. Without one, each batch is written before the next is read.
  // A writer given by the caller (one for a whole folder, its page cache warm) stays open.
  const given = typeof options.backgroundWriter === 'object' ? options.backgroundWriter : undefined;
  const writer = given ?? (options.backgroundWriter === true ? openSqliteWriter(db) : undefined);
  const closeWriter = async () => {
    if (!given) await writer?.close();
  };
  // Oldest first. `persons`: whom the batch writes a person or hukou row for (created, updated,
  // moved); those tables are all that the look-ups of link candidates by name and of current
  // hukou memberships read (facts and record keys are not among them).
  // `hashes` is made from `keys` when first asked: with the key filter trusted, only a record the
  // filter may hold is asked about (the batches in flight have their keys in it), and building
  // a set of every batch's hashes cost more than the look-ups it served.
  let inFlight: {
    done: Promise<void>;
    keys: readonly KeyValues[];
    hashes?: Set<string>;
    persons: Set<string>;
  }[] = [];
  // What has committed, for the audit record of a failed import.
  let committedReceived = state.received;
  /** Waits until at most `keep` batches are in flight (all committed for 0); the first failure throws. */
  const settle = async (keep = 0) => {
    while (inFlight.length > keep) {
      const oldest = inFlight.shift();
      await oldest?.done;
    }
  };

  const flush = async (batch: PreparedBatch) => {
    if (keyFilter && (await anotherImportOfFeedSince(db, feed.id, state.id, filledAt))) keyFilter = undefined;
    const outcome = await processBatch(context, options, state, batch, households, persons, {
      keyFilter,
      isInFlight: (hash) => inFlight.some((b) => (b.hashes ??= new Set(b.keys.map((k) => k[0]))).has(hash)),
      settleForPersons: (ids) =>
        inFlight.some((b) => (ids ? ids.some((id) => b.persons.has(id)) : b.persons.size > 0))
          ? settle()
          : Promise.resolve(),
    });
    const last = batch.lastLine;
    const change = {
      received: state.received + outcome.received,
      accepted: state.accepted + outcome.accepted,
      rejected: state.rejected + outcome.rejected,
      duplicate: state.duplicate + outcome.duplicate,
      held_for_review: state.held_for_review + outcome.held,
      persons_created: state.persons_created + outcome.writes.persons.length,
      facts_recorded: state.facts_recorded + outcome.writes.facts.length,
      checkpoint_line: last,
      updated_at: now(),
    };
    if (keyFilter) for (const key of outcome.writes.keys) keyFilter.add(key[0]);
    await settle(IN_FLIGHT - 1);
    const after = state.checkpoint_line;
    Object.assign(state, change);
    const progress: ImportProgress = {
      importId: state.id,
      line: state.checkpoint_line,
      received: state.received,
      accepted: state.accepted,
      rejected: state.rejected,
      duplicate: state.duplicate,
      heldForReview: state.held_for_review,
    };
    // Progress is reported once the batch has committed: what it says is on record.
    const done = writeBatch(
      db,
      outcome.writes,
      state.id,
      change,
      after,
      writer,
      options.recentKeysToMove ?? recentKeysToMove(keysHeld + state.accepted - acceptedBefore, batchSize),
    ).then(() => {
      committedReceived = progress.received;
      options.onProgress?.(progress);
    });
    // Handled when settled; until then a failure must not count as unhandled.
    done.catch(() => undefined);
    // Without a writer nothing stays in flight: no sets to build for look-ups to consult.
    if (!writer) {
      await done;
      return;
    }
    const w = outcome.writes;
    inFlight.push({
      done,
      keys: w.keys,
      // A hukou household is only ever written with a member joining it, and a membership only
      // ends when the person joins another (hukouMoves.ts): members and persons say it all.
      persons: new Set([
        ...w.persons.map((p) => p.id),
        ...w.personUpdates.map((u) => u.id),
        ...w.hukouMembers.map((m) => m.person_id),
      ]),
    });
  };

  try {
    const batches = options.prepared ? options.prepared(state.checkpoint_line) : undefined;
    if (batches) for await (const batch of batches) await flush(batch);
    else
      for await (const records of inBatches(options.open(state.checkpoint_line), batchSize))
        await flush(prepareBatch(feed, context.variables, records, today, memo));
    await settle();
    // A feed that rebuilds something from its rows (an assistance roster) does so once all are in.
    await buildAfterImport(context, {
      feed,
      importId: state.id,
      open: options.open,
      startedBy: options.startedBy,
      today,
      ...(options.ip ? { ip: options.ip } : {}),
    });
  } catch (error) {
    // A file-level problem (unreadable, wrong columns, an endless line): the batches before
    // it stay, the import says why it stopped, and the caller gets the error. A batch still
    // being written finishes (or fails) first: the main connection must not write meanwhile.
    await Promise.allSettled(inFlight.map((b) => b.done));
    inFlight = [];
    await closeWriter();
    const code = error instanceof AppError ? error.code : 'INTERNAL';
    const message =
      error instanceof AppError
        ? formatMessage(error.code, 'zh', error.params)
        : formatMessage('INTERNAL', 'zh');
    await updateImport(db, state.id, {
      status: 'failed',
      error_code: code,
      error_message: message,
      updated_at: now(),
      finished_at: now(),
    });
    await recordAudit(db, {
      actor: options.startedBy,
      ip: options.ip ?? null,
      action: 'ingest.import',
      subjectType: 'import',
      subjectId: state.id,
      outcome: 'error',
      detail: { feed: feed.id, file: options.fileName, errorCode: code, received: committedReceived },
    });
    throw error;
  }
  await closeWriter();
  const finished = now();
  await updateImport(db, state.id, { status: 'completed', updated_at: finished, finished_at: finished });
  await recordAudit(db, {
    actor: options.startedBy,
    ip: options.ip ?? null,
    action: 'ingest.import',
    subjectType: 'import',
    subjectId: state.id,
    detail: {
      feed: feed.id,
      file: options.fileName,
      received: state.received,
      accepted: state.accepted,
      rejected: state.rejected,
      duplicate: state.duplicate,
    },
  });
  return { ...state, status: 'completed', updated_at: finished, finished_at: finished };
}

interface BatchOutcome {
  received: number;
  accepted: number;
  rejected: number;
  duplicate: number;
  held: number;
  writes: BatchWrites;
}

async function processBatch(
  context: IngestContext,
  options: RunImportOptions,
  state: ImportTable,
  batch: PreparedBatch,
  households: Map<string, string>,
  persons: Map<string, string>,
  /** What the import keeps across its batches. */
  shared: {
    /** The feed's keys so far, when trusted: only records it may hold are looked up. */
    keyFilter: RecordKeyFilter | undefined;
    /**
     * The batches being written meanwhile: whether a record hash is among theirs (asked only of
     * a record the key filter, when trusted, may hold), and a way to
     * wait for their commits when one writes a person or hukou row for any of `ids` (for
     * anyone, without `ids`); a no-op otherwise.
     */
    isInFlight: (hash: string) => boolean;
    settleForPersons: (ids?: readonly string[]) => Promise<void>;
  },
): Promise<BatchOutcome> {
  const { db, cipher } = context;
  const { feed } = options;
  const at = new Date().toISOString();
  const out: BatchOutcome = {
    received: batch.received,
    accepted: 0,
    rejected: 0,
    duplicate: 0,
    held: 0,
    writes: {
      persons: [],
      personUpdates: [],
      hukouHouseholds: [],
      hukouMembers: [],
      hukouMemberEnds: [],
      facts: [],
      factsShared: { subject_type: 'person', source: feed.department, recorded_at: at, import_id: state.id },
      keys: [],
      keysShared: { feed_id: feed.id, import_id: state.id },
      rejects: [],
      reviews: [],
    },
  };
  const reject = (
    source: { line: number; record: Record<string, string> | string },
    problems: RowProblem[],
  ) => {
    out.rejected++;
    const { record } = source;
    out.writes.rejects.push({
      import_id: state.id,
      line: source.line,
      record_enc: cipher.encrypt(typeof record === 'string' ? record : JSON.stringify(record)),
      problems_enc: cipher.encrypt(JSON.stringify(problems)),
    });
  };

  // Every row was interpreted first (here or on the reading thread); the batch's look-ups are a
  // few queries.
  for (const refused of batch.rejects) reject(refused, refused.problems);
  const rows = batch.rows;
  // A record the filter cannot hold is neither stored nor in a batch in flight (whose keys were
  // added to it when the batch was made): only the others are looked up, in both.
  const filter = shared.keyFilter;
  const mayBeKnown = filter ? new Set(rows.filter((r) => filter.mightHold(r.hash))) : undefined;
  const known = await findKnownRecordHashes(
    db,
    feed.id,
    (mayBeKnown ? [...mayBeKnown] : rows).map((r) => r.hash),
  );
  const seen = new Set<string>();
  const fresh = rows.filter((r) => {
    const maybe = !mayBeKnown || mayBeKnown.has(r);
    if (seen.has(r.hash) || (maybe && (known.has(r.hash) || shared.isInFlight(r.hash)))) {
      out.duplicate++;
      return false;
    }
    seen.add(r.hash);
    return true;
  });

  const idHashes = new Map<string, string>();
  for (const r of fresh) {
    const idNumber = r.row.keys.idNumber;
    if (idNumber && !persons.has(idNumber) && !idHashes.has(idNumber))
      idHashes.set(idNumber, cipher.blindIndex(idNumber));
  }
  const personByHash = await findPersonIdsByIdHash(db, [...new Set(idHashes.values())]);
  for (const [idNumber, blind] of idHashes) {
    const id = personByHash.get(blind);
    if (id) persons.set(idNumber, id);
  }
  // A loop, not flatMap: that made an empty array for every row with an ID number (nearly all).
  const wanted: { name: string; birthDate: string | undefined }[] = [];
  for (const { row } of fresh)
    if (!row.keys.idNumber && row.keys.name)
      wanted.push({ name: row.keys.name, birthDate: row.keys.birthDate });
  // Candidates by name must include persons (and hukou members) the batch in flight creates or
  // changes. Only a population feed's batches write those; waiting for every feed's batch
  // serialised the look-ups with the writer's commits (a ninth of a county's import, ADR 0027).
  if (wanted.length > 0) await shared.settleForPersons();
  const candidatesByName = new Map<string, LinkCandidate[]>();
  for (const c of await findLinkCandidates(db, wanted)) {
    const list = candidatesByName.get(c.name) ?? [];
    list.push({ personId: c.id, name: c.name, birthDate: c.birth_date, hukouNumber: c.hukou_number });
    candidatesByName.set(c.name, list);
  }
  const hukouNumbers = feed.createsPersons
    ? [
        ...new Set(
          fresh.map((r) => r.row.keys.hukouNumber).filter((n): n is string => !!n && !households.has(n)),
        ),
      ]
    : [];
  for (const [number, id] of await findHukouHouseholdIdsByNumber(db, hukouNumbers))
    households.set(number, id);
  // Population feeds: the booklets registered persons are in now, to see who moved (hukouMoves.ts),
  // as committed: a batch in flight that moves one of them is waited for.
  let currentHukou = new Map<string, CurrentHukou>();
  if (feed.createsPersons) {
    const registered = [
      ...new Set(
        fresh
          .map((r) => (r.row.keys.idNumber ? persons.get(r.row.keys.idNumber) : undefined))
          .filter((id): id is string => id !== undefined),
      ),
    ];
    await shared.settleForPersons(registered);
    currentHukou = await findCurrentHukouMembers(db, registered);
  }

  for (const source of fresh) {
    const { row, hash } = source;
    let personId: string | undefined;
    const { idNumber } = source;
    if (idNumber) {
      personId = persons.get(idNumber);
      // Only a feed that creates no persons is read on another thread, whose rows lack `identity`.
      const identity = row.identity;
      if (!personId && feed.createsPersons && identity) {
        const blind = idHashes.get(identity.idNumber);
        const created = createPerson(options, row, identity, at, cipher, households, out, blind);
        if (typeof created !== 'string') {
          reject(source, created);
          continue;
        }
        personId = created;
        persons.set(identity.idNumber, personId);
        // Joined its booklet just now: a second row for the person in this batch moves nobody.
        if (row.keys.hukouNumber)
          currentHukou.set(personId, { memberId: null, hukouNumber: row.keys.hukouNumber });
      } else if (personId && feed.createsPersons) {
        const change = personChange(row, cipher, options.heldAreaCodes);
        if (Object.keys(change).length > 0)
          out.writes.personUpdates.push({ id: personId, change: { ...change, updated_at: at } });
        applyHukouMove({
          personId,
          row,
          current: currentHukou,
          households,
          heldAreaCodes: options.heldAreaCodes,
          at,
          writes: out.writes,
        });
      }
      if (!personId) {
        reject(source, [
          { column: null, value: '', code: 'INGEST_PERSON_NOT_FOUND', params: { by: '身份证号' } },
        ]);
        continue;
      }
    } else {
      const decision = chooseLink(row.keys, candidatesByName.get(row.keys.name ?? '') ?? []);
      if (decision.kind === 'linked') personId = decision.personId;
      else {
        out.held++;
        out.accepted++;
        out.writes.keys.push(recordKey(hash, source.line, null));
        out.writes.reviews.push({
          import_id: state.id,
          line: source.line,
          feed_id: feed.id,
          name: row.keys.name ?? null,
          birth_date: row.keys.birthDate ?? null,
          hukou_number: row.keys.hukouNumber ?? null,
          candidates_json: JSON.stringify(decision.candidates),
          facts_json: JSON.stringify(factsOf(feed, row, '', state.id, source.line, at)),
          status: 'open',
          person_id: null,
          decided_by: null,
          decided_at: null,
          created_at: at,
        });
        continue;
      }
    }
    out.accepted++;
    out.writes.keys.push(recordKey(hash, source.line, personId));
    pushFactValues(out.writes.facts, row, personId, source.line, at);
  }
  return out;
}

/** A row's facts about a person, as the values `writeBatch` stores with the batch's shared ones. */
function pushFactValues(
  into: FactValues[],
  row: InterpretedRow,
  personId: string,
  line: number,
  at: string,
): void {
  const observed = row.dates.observedAt ?? at.slice(0, 10);
  const from = row.dates.validFrom ?? observed;
  const to = row.dates.validTo ?? null;
  for (const v of row.values) {
    // A number or true/false is its own JSON (the values are checked: finite numbers only);
    // String makes no string builder for it and reuses V8's cache of numbers' texts.
    const value = v.value;
    const json =
      typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
    into.push([personId, v.variable, json, observed, from, to, line]);
  }
}

/** A row's facts as whole rows (kept with a link review until staff say whose they are). */
function factsOf(
  feed: FeedDefinition,
  row: InterpretedRow,
  personId: string,
  importId: string,
  line: number,
  at: string,
): Insertable<FactTable>[] {
  const values: FactValues[] = [];
  pushFactValues(values, row, personId, line, at);
  return values.map(([subjectId, variable, valueJson, observedAt, validFrom, validTo, sourceLine]) => ({
    subject_type: 'person',
    subject_id: subjectId,
    variable,
    value_json: valueJson,
    source: feed.department,
    observed_at: observedAt,
    valid_from: validFrom,
    valid_to: validTo,
    recorded_at: at,
    import_id: importId,
    source_line: sourceLine,
  }));
}

/** The registry fields a population feed brings for a person already registered. */
function personChange(row: InterpretedRow, cipher: FieldCipher, held: ReadonlySet<string> | undefined) {
  const change: {
    death_date?: string;
    residence_area_code?: string | null;
    residence_elsewhere?: string | null;
    hukou_area_code?: string;
    phone_enc?: string;
  } = {};
  if (row.person.deathDate) change.death_date = row.person.deathDate;
  const residence = row.person.residenceAreaCode;
  if (residence && held?.has(residence)) {
    change.residence_area_code = residence;
    change.residence_elsewhere = null;
  } else if (residence && elsewhere(residence)) {
    // Moved out of every area held (another county): kept apart from the area tree.
    change.residence_area_code = null;
    change.residence_elsewhere = residence;
  }
  if (row.person.hukouAreaCode) change.hukou_area_code = row.person.hukouAreaCode;
  if (row.person.phone) change.phone_enc = cipher.encrypt(row.person.phone);
  return change;
}

/** A new person from a population feed, with their hukou household; or why not. */
function createPerson(
  options: RunImportOptions,
  row: InterpretedRow,
  identity: ResidentIdInfo,
  at: string,
  cipher: FieldCipher,
  households: Map<string, string>,
  out: BatchOutcome,
  idNumberHash: string | undefined,
): string | RowProblem[] {
  const feed = options.feed;
  const columnOf = (field: string) =>
    feed.columns.find(
      (c) => (c.kind === 'person' && c.person === field) || (c.kind === 'key' && c.key === field),
    )?.column ?? null;
  const problems: RowProblem[] = [];
  const residence = row.person.residenceAreaCode ?? '';
  const held = options.heldAreaCodes?.has(residence) === true;
  // Someone registered here may live in another county: kept, apart from the area tree.
  if (!held && !elsewhere(residence)) {
    problems.push({
      column: columnOf('residenceAreaCode'),
      value: residence,
      code: 'INGEST_BAD_VALUE',
      params: { value: residence, reason: '不是有效的12位行政区划代码' },
    });
  }
  const sex = row.person.sex;
  if (sex && sex !== identity.sex) {
    problems.push({
      column: columnOf('sex'),
      value: sex,
      code: 'INGEST_BAD_VALUE',
      params: { value: sex, reason: '与身份证号码表明的性别不一致' },
    });
  }
  if (row.keys.birthDate && row.keys.birthDate !== identity.birthDate) {
    problems.push({
      column: columnOf('birthDate'),
      value: row.keys.birthDate,
      code: 'INGEST_BAD_VALUE',
      params: {
        value: row.keys.birthDate,
        reason: `与身份证号码中的出生日期${identity.birthDate}不一致`,
      },
    });
  }
  if (problems.length > 0 || !row.keys.name) return problems;
  const person = preparePersonRow(
    {
      idNumber: identity.idNumber,
      name: row.keys.name,
      sex: identity.sex,
      birthDate: identity.birthDate,
      deathDate: row.person.deathDate ?? null,
      hukouAreaCode: row.person.hukouAreaCode ?? null,
      residenceAreaCode: held ? residence : null,
      residenceElsewhere: held ? null : residence,
      phone: row.person.phone ?? null,
    },
    cipher,
    at,
    idNumberHash,
  );
  out.writes.persons.push(person);
  const number = row.keys.hukouNumber;
  const area = householdAreaOf(row, options.heldAreaCodes);
  if (number && area) {
    let householdId = households.get(number);
    if (!householdId) {
      householdId = timeOrderedId();
      households.set(number, householdId);
      out.writes.hukouHouseholds.push({
        id: householdId,
        hukou_number: number,
        area_code: area.areaCode,
        hukou_area_elsewhere: area.hukouElsewhere,
        address: null,
        created_at: at,
      });
    }
    out.writes.hukouMembers.push({
      household_id: householdId,
      person_id: person.id,
      relationship: row.hukou.relationship ?? '99',
      joined_on: null,
      left_on: null,
    });
  }
  return person.id;
}
