import { createHash } from 'node:crypto';
import type { AuditLogTable } from '../../db/schema.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields a record's hash covers: everything but the hash itself. */
export type AuditContent = Omit<AuditLogTable, 'hash'>;

/**
 * SM3 over the previous hash and the record's fields in a fixed order, so changing any
 * field, deleting a record or inserting one breaks the chain from that point on.
 */
export function auditHash(record: AuditContent): string {
  const canonical = JSON.stringify([
    record.id,
    record.at,
    record.actor,
    record.action,
    record.subject_type,
    record.subject_id,
    record.area_code,
    record.ip,
    record.outcome,
    record.detail_json,
    record.prev_hash,
  ]);
  return createHash('sm3').update(canonical, 'utf8').digest('hex');
}

export type ChainProblem =
  | { kind: 'altered'; id: number; message: string }
  | { kind: 'gap'; id: number; message: string }
  | { kind: 'truncated'; id: number; message: string };

export interface ChainState {
  /** Id and hash of the last record checked (the chain continues from here). */
  lastId: number;
  lastHash: string;
  checked: number;
}

/**
 * Checks a run of records in id order, continuing from `from`. Returns the first problem,
 * in Chinese, naming the record where the chain breaks.
 */
export function verifyChainSegment(
  records: AuditLogTable[],
  from: ChainState,
): { state: ChainState; problem?: ChainProblem } {
  let { lastId, lastHash, checked } = from;
  for (const record of records) {
    if (record.id !== lastId + 1) {
      return {
        state: { lastId, lastHash, checked },
        problem: {
          kind: 'gap',
          id: lastId + 1,
          message: `审计记录${lastId + 1}至${record.id - 1}缺失（被删除）`,
        },
      };
    }
    if (record.prev_hash !== lastHash) {
      return {
        state: { lastId, lastHash, checked },
        problem: {
          kind: 'altered',
          id: record.id,
          message: `审计记录${record.id}的前序哈希与记录${lastId}不符`,
        },
      };
    }
    if (auditHash(record) !== record.hash) {
      return {
        state: { lastId, lastHash, checked },
        problem: {
          kind: 'altered',
          id: record.id,
          message: `审计记录${record.id}的内容已被篡改（SM3校验不符）`,
        },
      };
    }
    lastId = record.id;
    lastHash = record.hash;
    checked++;
  }
  return { state: { lastId, lastHash, checked } };
}
