import type { Kysely } from 'kysely';
import { AppError } from '../../core/appError.ts';
import type { AuditLogTable, Database } from '../../db/schema.ts';
import { auditHash, type AuditContent } from './auditChain.ts';
import { insertAuditRecords, lockAuditHead, readAuditHead, type AuditHead } from './auditRepository.ts';

/** A record before it is placed in the chain: everything but id, prev_hash and hash. */
export type AuditDraft = Omit<AuditContent, 'id' | 'prev_hash'>;

/** Above this a batch waits for the next statement (PostgreSQL allows 65,535 parameters). */
const MAX_BATCH = 500;
/** Another process appending between our reads; beyond this something else is wrong. */
const MAX_CONFLICT_RETRIES = 100;
/**
 * How long a queued record may wait for company before it is written: the bound on what a
 * crash of this process can lose (see ADR 0011). Short enough that an auditor searching
 * right after a view finds it (the search flushes anyway), long enough that records of
 * requests arriving a millisecond apart share one statement and one commit.
 */
export const AUDIT_LINGER_MS = 20;
/** After a failed write, queued records are tried again this often. */
const RETRY_MS = 1000;

/**
 * When the caller may go on: `committed` once its record is in the database (changes,
 * reveals, exports, sign-ins: the record commits before the answer), `queued` once it is
 * in this process's queue and will be written within AUDIT_LINGER_MS (reads and searches).
 */
export type AuditDurability = 'committed' | 'queued';

interface Pending {
  draft: AuditDraft;
  /** Absent for queued records: their callers have already moved on. */
  resolve?: (id: number) => void;
  reject?: (error: unknown) => void;
}

function chain(drafts: AuditDraft[], head: AuditHead): AuditLogTable[] {
  let { last_id: id, last_hash: prev } = head;
  return drafts.map((draft) => {
    const content = { ...draft, id: ++id, prev_hash: prev };
    const record = { ...content, hash: auditHash(content) };
    prev = record.hash;
    return record;
  });
}

/** The insert trigger's refusal of a stale head, or a concurrent writer taking the same id. */
function isChainConflict(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /audit chain head moved|UNIQUE constraint failed: audit_log\.id|duplicate key value/.test(message);
}

/**
 * Appends audit records for one database handle with group commit: while one statement is
 * in flight, the records of concurrent requests queue up and go together in the next one.
 * The head is kept in memory; when another process has appended meanwhile, the database
 * trigger refuses the stale chain and the batch is re-chained from the current head.
 *
 * Queued records are never dropped: when a write fails they stay at the front of the queue,
 * are retried every second, and until one succeeds the writer is `failing`, which refuses
 * further queued appends (and the HTTP layer refuses audited routes) — fail closed.
 */
export class AuditWriter {
  private head: AuditHead | undefined;
  private readonly queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  /** True while queued records cannot be written: audited work must stop until they are. */
  get failing(): boolean {
    return this.failure !== undefined;
  }

  append(draft: AuditDraft, durability: AuditDurability = 'committed'): Promise<number | undefined> {
    if (durability === 'queued') {
      if (this.failing) return Promise.reject(new AppError('AUDIT_UNAVAILABLE'));
      this.queue.push({ draft });
      if (this.queue.length >= MAX_BATCH) this.kick();
      else
        this.timer ??= setTimeout(() => {
          this.kick();
        }, AUDIT_LINGER_MS);
      return Promise.resolve(undefined);
    }
    return new Promise<number | undefined>((resolve, reject) => {
      this.queue.push({ draft, resolve, reject });
      this.kick();
    });
  }

  /** Resolves once every record queued before the call is written; rejects if one cannot be. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.writing) {
      this.kick();
      await this.writing;
      if (this.failure !== undefined) throw this.failure;
    }
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.writing ??= this.drain().finally(() => {
      this.writing = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const records = await this.write(batch.map((p) => p.draft));
        batch.forEach((p, i) => p.resolve?.(records[i]?.id ?? 0));
        this.failure = undefined;
      } catch {
        // One bad record must not fail its neighbours: write the batch one by one instead.
        // Once a queued record cannot be written, nothing after it is: the chain keeps its
        // order, and committed appends are refused rather than jump the queue.
        const kept: Pending[] = [];
        for (const p of batch) {
          if (kept.length > 0) {
            if (p.reject) p.reject(new AppError('AUDIT_UNAVAILABLE'));
            else kept.push(p);
            continue;
          }
          try {
            const [record] = await this.write([p.draft]);
            p.resolve?.(record?.id ?? 0);
          } catch (single) {
            if (p.reject) p.reject(single);
            else {
              this.failure = single instanceof Error ? single : new Error(String(single));
              kept.push(p);
            }
          }
        }
        if (kept.length > 0) {
          // Keep the chain's order: the unwritten records go back in front, and everything
          // waits for the retry.
          this.queue.unshift(...kept);
          this.timer ??= setTimeout(() => {
            this.kick();
          }, RETRY_MS);
          return;
        }
        this.failure = undefined;
      }
    }
  }

  private async write(drafts: AuditDraft[]): Promise<AuditLogTable[]> {
    for (let attempt = 0; ; attempt++) {
      this.head ??= await readAuditHead(this.db);
      const records = chain(drafts, this.head);
      try {
        // One statement in autocommit: atomic, and committed when it returns.
        await insertAuditRecords(this.db, records);
      } catch (error) {
        this.head = undefined;
        if (!isChainConflict(error) || attempt >= MAX_CONFLICT_RETRIES) throw error;
        continue;
      }
      const last = records[records.length - 1];
      if (last) this.head = { last_id: last.id, last_hash: last.hash };
      return records;
    }
  }
}

const writers = new WeakMap<Kysely<Database>, AuditWriter>();

function writerFor(db: Kysely<Database>): AuditWriter {
  let writer = writers.get(db);
  if (!writer) {
    writer = new AuditWriter(db);
    writers.set(db, writer);
  }
  return writer;
}

/**
 * Appends one record. `committed` (the default) resolves with its id once it is in the
 * database; `queued` resolves (without an id) once it is queued, and refuses with
 * AUDIT_UNAVAILABLE while earlier records cannot be written.
 */
export async function appendAudit(
  db: Kysely<Database>,
  draft: AuditDraft,
  durability: AuditDurability = 'committed',
): Promise<number | undefined> {
  if (db.isTransaction) {
    // Inside a caller's transaction a conflict would abort it, so lock the head instead;
    // the record commits (or not) with the caller's work.
    const [record] = chain([draft], await lockAuditHead(db));
    if (!record) throw new Error('unreachable');
    await insertAuditRecords(db, [record]);
    return record.id;
  }
  return writerFor(db).append(draft, durability);
}

/** Writes every queued record now: before reading the log, and when a process stops. */
export async function flushAudit(db: Kysely<Database>): Promise<void> {
  await writers.get(db)?.flush();
}

/** Whether audited work must be refused because queued records cannot be written. */
export function auditUnavailable(db: Kysely<Database>): boolean {
  return writers.get(db)?.failing ?? false;
}
