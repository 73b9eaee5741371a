import type { Kysely } from 'kysely';
import type { AuditLogTable, Database } from '../../db/schema.ts';
import { auditHash, type AuditContent } from './auditChain.ts';
import { insertAuditRecords, lockAuditHead, readAuditHead, type AuditHead } from './auditRepository.ts';

/** A record before it is placed in the chain: everything but id, prev_hash and hash. */
export type AuditDraft = Omit<AuditContent, 'id' | 'prev_hash'>;

/** Above this a batch waits for the next statement (PostgreSQL allows 65,535 parameters). */
const MAX_BATCH = 500;
/** Another process appending between our reads; beyond this something else is wrong. */
const MAX_CONFLICT_RETRIES = 100;

interface Pending {
  draft: AuditDraft;
  resolve: (id: number) => void;
  reject: (error: unknown) => void;
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
 * in flight, the records of concurrent requests queue up and go together in the next one,
 * and each caller's promise settles only once its own record is committed. The head is kept
 * in memory; when another process has appended meanwhile, the database trigger refuses the
 * stale chain and the batch is re-chained from the current head.
 */
export class AuditWriter {
  private head: AuditHead | undefined;
  private readonly queue: Pending[] = [];
  private writing = false;

  constructor(private readonly db: Kysely<Database>) {}

  append(draft: AuditDraft): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ draft, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const records = await this.write(batch.map((p) => p.draft));
          batch.forEach((p, i) => {
            p.resolve(records[i]?.id ?? 0);
          });
        } catch (error) {
          if (batch.length === 1) batch[0]?.reject(error);
          // One bad record must not fail its neighbours: write the batch one by one instead.
          else
            for (const p of batch) {
              await this.write([p.draft]).then((r) => {
                p.resolve(r[0]?.id ?? 0);
              }, p.reject);
            }
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(drafts: AuditDraft[]): Promise<AuditLogTable[]> {
    for (let attempt = 0; ; attempt++) {
      this.head ??= await readAuditHead(this.db);
      const records = chain(drafts, this.head);
      try {
        // One statement in autocommit: atomic, and durable when it returns.
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

/** Appends one record and resolves with its id once it is committed. */
export async function appendAudit(db: Kysely<Database>, draft: AuditDraft): Promise<number> {
  if (db.isTransaction) {
    // Inside a caller's transaction a conflict would abort it, so lock the head instead;
    // the record commits (or not) with the caller's work.
    const [record] = chain([draft], await lockAuditHead(db));
    if (!record) throw new Error('unreachable');
    await insertAuditRecords(db, [record]);
    return record.id;
  }
  let writer = writers.get(db);
  if (!writer) {
    writer = new AuditWriter(db);
    writers.set(db, writer);
  }
  return writer.append(draft);
}
