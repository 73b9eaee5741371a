import type { Kysely } from 'kysely';
import type { AuditOutcome, Database } from '../../db/schema.ts';
import { GENESIS_HASH, auditHash, verifyChainSegment, type ChainProblem } from './auditChain.ts';
import { appendAuditRecord, lockAuditHead, readAuditHead, readAuditRecords } from './auditRepository.ts';

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

/** Appends one record to the SM3 chain, in its own transaction. */
export async function recordAudit(
  db: Kysely<Database>,
  entry: AuditEntry,
  now = new Date().toISOString(),
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const head = await lockAuditHead(trx);
    const content = {
      id: head.last_id + 1,
      at: now,
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType ?? null,
      subject_id: entry.subjectId ?? null,
      area_code: entry.areaCode ?? null,
      ip: entry.ip ?? null,
      outcome: entry.outcome ?? 'success',
      detail_json: entry.detail ? JSON.stringify(entry.detail) : null,
      prev_hash: head.last_hash,
    };
    await appendAuditRecord(trx, { ...content, hash: auditHash(content) });
    return content.id;
  });
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  problem?: ChainProblem;
}

/** Walks the whole chain in pages and checks it against the head (which catches a cut-off tail). */
export async function verifyAudit(db: Kysely<Database>, pageSize = 5000): Promise<AuditVerification> {
  let state = { lastId: 0, lastHash: GENESIS_HASH, checked: 0 };
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
