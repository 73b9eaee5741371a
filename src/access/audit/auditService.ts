import type { Kysely } from 'kysely';
import type { AuditOutcome, Database } from '../../db/schema.ts';
import { GENESIS_HASH, verifyChainSegment, type ChainProblem } from './auditChain.ts';
import { readAuditHead, readAuditRecords, readLastArchive } from './auditRepository.ts';
import { appendAudit, flushAudit, type AuditDraft } from './auditWriter.ts';

export interface AuditEntry {
  /** User id, or 'anonymous' before sign-in exists for the caller. */
  actor: string;
  /** `module.entity.verb`, e.g. `person.view`, `person.search`, `area.rename`. */
  action: string;
  subjectType?: string | null;
  subjectId?: string | null;
  areaCode?: string | null;
  ip?: string | null;
  outcome?: AuditOutcome;
  detail?: Record<string, unknown> | null;
}

function draftOf(entry: AuditEntry, now: string): AuditDraft {
  return {
    at: now,
    actor: entry.actor,
    action: entry.action,
    subject_type: entry.subjectType ?? null,
    subject_id: entry.subjectId ?? null,
    area_code: entry.areaCode ?? null,
    ip: entry.ip ?? null,
    outcome: entry.outcome ?? 'success',
    detail_json: entry.detail ? JSON.stringify(entry.detail) : null,
  };
}

/**
 * Appends one record to the SM3 chain and resolves with its id once it is committed
 * (grouped with concurrent requests' records, see auditWriter.ts): callers answer only
 * after that. For changes, reveals, exports and sign-ins.
 */
export async function recordAudit(
  db: Kysely<Database>,
  entry: AuditEntry,
  now = new Date().toISOString(),
): Promise<number> {
  return (await appendAudit(db, draftOf(entry, now))) ?? 0;
}

/**
 * Queues one record, to be committed within AUDIT_LINGER_MS together with its neighbours;
 * refuses with AUDIT_UNAVAILABLE while queued records cannot be written. For reads and
 * searches, whose answer need not wait for the commit (ADR 0011).
 */
export async function queueAudit(
  db: Kysely<Database>,
  entry: AuditEntry,
  now = new Date().toISOString(),
): Promise<void> {
  await appendAudit(db, draftOf(entry, now), 'queued');
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  problem?: ChainProblem;
}

/**
 * Walks the live chain in pages and checks it against the head (which catches a cut-off
 * tail). After an archive the chain starts from the stored anchor, not from genesis.
 */
export async function verifyAudit(db: Kysely<Database>, pageSize = 5000): Promise<AuditVerification> {
  await flushAudit(db);
  const anchor = await readLastArchive(db);
  let state = anchor
    ? { lastId: anchor.through_id, lastHash: anchor.anchor_hash, checked: 0 }
    : { lastId: 0, lastHash: GENESIS_HASH, checked: 0 };
  for (;;) {
    const page = await readAuditRecords(db, state.lastId, pageSize);
    if (page.length === 0) break;
    const result = verifyChainSegment(page, state);
    state = result.state;
    if (result.problem) return { ok: false, checked: state.checked, problem: result.problem };
    if (page.length < pageSize) break;
  }
  const head = await readAuditHead(db);
  if (head.last_id !== state.lastId || head.last_hash !== state.lastHash) {
    return {
      ok: false,
      checked: state.checked,
      problem: {
        kind: 'truncated',
        id: state.lastId + 1,
        message: `审计链末尾记录${state.lastId + 1}至${head.last_id}缺失（被删除）`,
      },
    };
  }
  return { ok: true, checked: state.checked };
}
