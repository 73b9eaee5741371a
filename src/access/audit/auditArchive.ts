import { createHash } from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import type { Kysely } from 'kysely';
import { AppError } from '../../core/appError.ts';
import { todayInChina, type IsoDate } from '../../core/isoDate.ts';
import type { AuditLogTable, Database } from '../../db/schema.ts';
import { GENESIS_HASH, verifyChainSegment, type ChainProblem, type ChainState } from './auditChain.ts';
import {
  deleteArchivedRecords,
  firstAuditIdFrom,
  insertArchive,
  readAuditHead,
  readAuditRecords,
  readLastArchive,
} from './auditRepository.ts';
import { checkArchiveCutoff, MINIMUM_RETENTION_MONTHS, startOfDayInChina } from './auditRetention.ts';
import { recordAudit } from './auditService.ts';

export const ARCHIVE_FORMAT = 'zhulian-audit-archive';
const PAGE = 2000;

/** First line of an archive file: where its segment of the chain starts. */
interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  version: 1;
  before: IsoDate;
  /** The record just before the first archived one (0 and 64 zeros for the genesis). */
  from: { id: number; hash: string };
}

/** Last line: the chain anchor, which the live table's remaining chain continues from. */
interface ArchiveTrailer {
  anchor: { id: number; hash: string };
  count: number;
}

export interface ArchiveResult {
  count: number;
  firstId?: number;
  throughId?: number;
  anchorHash?: string;
}

/**
 * Moves the records stamped before `before` (a prefix of the chain) to a JSON-lines file,
 * then, in one transaction, stores the anchor and deletes them: the only delete the database
 * allows (migration 0007). The segment is verified while it is written, so a broken chain is
 * never archived away, and the file is on disk before anything is deleted.
 */
export async function archiveAudit(
  db: Kysely<Database>,
  options: { before: IsoDate; out: string; retentionMonths?: number; now?: Date; actor?: string },
): Promise<ArchiveResult> {
  const now = options.now ?? new Date();
  checkArchiveCutoff(options.before, todayInChina(now), options.retentionMonths ?? MINIMUM_RETENTION_MONTHS);
  if (fs.existsSync(options.out)) throw new AppError('AUDIT_ARCHIVE_EXISTS', { file: options.out });
  const previous = await readLastArchive(db);
  const from = previous
    ? { id: previous.through_id, hash: previous.anchor_hash }
    : { id: 0, hash: GENESIS_HASH };
  const firstKept = await firstAuditIdFrom(db, startOfDayInChina(options.before));
  const throughId = firstKept !== undefined ? firstKept - 1 : (await readAuditHead(db)).last_id;
  if (throughId <= from.id) return { count: 0 };

  let fd: number;
  try {
    fd = fs.openSync(options.out, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new AppError('AUDIT_ARCHIVE_EXISTS', { file: options.out });
    throw error;
  }
  const digest = createHash('sm3');
  const write = (value: unknown) => {
    const line = `${JSON.stringify(value)}\n`;
    digest.update(line, 'utf8');
    fs.writeSync(fd, line);
  };
  let state: ChainState = { lastId: from.id, lastHash: from.hash, checked: 0 };
  try {
    const header: ArchiveHeader = { format: ARCHIVE_FORMAT, version: 1, before: options.before, from };
    write(header);
    while (state.lastId < throughId) {
      const page = (await readAuditRecords(db, state.lastId, PAGE)).filter((r) => r.id <= throughId);
      const result = verifyChainSegment(page, state);
      if (result.problem) throw new AppError('AUDIT_CHAIN_BROKEN', { reason: result.problem.message });
      if (page.length === 0 || (result.state.lastId < throughId && page.length < PAGE)) {
        throw new AppError('AUDIT_CHAIN_BROKEN', { reason: `审计记录${result.state.lastId + 1}缺失` });
      }
      for (const record of page) write(record);
      state = result.state;
    }
    const trailer: ArchiveTrailer = {
      anchor: { id: state.lastId, hash: state.lastHash },
      count: state.checked,
    };
    write(trailer);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(options.out, { force: true });
    throw error;
  }
  fs.closeSync(fd);

  const firstId = from.id + 1;
  await db.transaction().execute(async (trx) => {
    const last = await readLastArchive(trx);
    if ((last?.through_id ?? 0) !== from.id)
      throw new AppError('AUDIT_CHAIN_BROKEN', { reason: '另一归档同时进行' });
    await insertArchive(trx, {
      id: (last?.id ?? 0) + 1,
      archived_at: now.toISOString(),
      before_date: options.before,
      first_id: firstId,
      through_id: state.lastId,
      anchor_hash: state.lastHash,
      record_count: state.checked,
      file_name: options.out,
      file_sm3: digest.digest('hex'),
    });
    const deleted = await deleteArchivedRecords(trx, state.lastId);
    if (deleted !== state.checked) {
      throw new AppError('AUDIT_CHAIN_BROKEN', { reason: `应删除${state.checked}条，实际${deleted}条` });
    }
  });
  // The archive itself is an audited act, recorded in the chain that remains.
  await recordAudit(db, {
    actor: options.actor ?? 'cli',
    action: 'audit.archive',
    subjectType: 'audit',
    detail: {
      before: options.before,
      firstId,
      throughId: state.lastId,
      anchorHash: state.lastHash,
      count: state.checked,
    },
  });
  return { count: state.checked, firstId, throughId: state.lastId, anchorHash: state.lastHash };
}

export interface ArchiveVerification {
  ok: boolean;
  checked: number;
  before?: IsoDate;
  anchor?: { id: number; hash: string };
  problem?: ChainProblem;
}

function invalid(reason: string): AppError {
  return new AppError('AUDIT_ARCHIVE_INVALID', { reason });
}

/**
 * Verifies an archive file on its own: the records chain from the header's starting point,
 * and the trailer's anchor and count match the last record. Reads line by line, so a file
 * of millions of records needs no more memory than one page.
 */
export async function verifyArchiveFile(file: string): Promise<ArchiveVerification> {
  if (!fs.existsSync(file)) throw invalid(`找不到文件${file}`);
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let header: ArchiveHeader | undefined;
  let trailer: ArchiveTrailer | undefined;
  let state: ChainState = { lastId: 0, lastHash: GENESIS_HASH, checked: 0 };
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    if (trailer) throw invalid(`第${lineNo}行在结尾链锚之后`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw invalid(`第${lineNo}行不是有效的JSON`);
    }
    if (!header) {
      const h = value as Partial<ArchiveHeader>;
      if (h.format !== ARCHIVE_FORMAT || h.version !== 1 || !h.from) throw invalid('缺少文件头');
      header = h as ArchiveHeader;
      state = { lastId: header.from.id, lastHash: header.from.hash, checked: 0 };
      continue;
    }
    if (typeof value === 'object' && value !== null && 'anchor' in value) {
      trailer = value as ArchiveTrailer;
      continue;
    }
    const result = verifyChainSegment([value as AuditLogTable], state);
    if (result.problem)
      return { ok: false, checked: state.checked, before: header.before, problem: result.problem };
    state = result.state;
  }
  if (!header) throw invalid('文件为空');
  if (!trailer) {
    return {
      ok: false,
      checked: state.checked,
      before: header.before,
      problem: {
        kind: 'truncated',
        id: state.lastId + 1,
        message: `归档文件在记录${state.lastId}之后被截断（缺少结尾链锚）`,
      },
    };
  }
  if (
    trailer.anchor.id !== state.lastId ||
    trailer.anchor.hash !== state.lastHash ||
    trailer.count !== state.checked
  ) {
    return {
      ok: false,
      checked: state.checked,
      before: header.before,
      problem: {
        kind: 'truncated',
        id: state.lastId + 1,
        message: `归档文件的结尾链锚（记录${trailer.anchor.id}，共${trailer.count}条）与所含记录（至${state.lastId}，共${state.checked}条）不符`,
      },
    };
  }
  return { ok: true, checked: state.checked, before: header.before, anchor: trailer.anchor };
}
