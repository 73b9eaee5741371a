import fs from 'node:fs';
import os from 'node:os';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../access/audit/auditService.ts';
import { writeImportTemplate } from './excel/writeImportTemplate.ts';
import { writeImportErrors } from './imports/writeImportErrors.ts';
import { importFile } from './imports/importFile.ts';
import { AppError } from '../core/appError.ts';
import type { ImportTable } from '../db/schema.ts';
import type { AppContext } from '../http/appContext.ts';
import { requestScope } from '../http/accessHook.ts';
import { listOf, pagingProperties } from '../http/listSchema.ts';
import type { FeedDefinition } from './feeds/feedDefinition.ts';
import { columnMeaning } from './feeds/columnMeaning.ts';
import { findImport, listImports, listLinkReviews } from './imports/ingestRepository.ts';
import { decideLinkReview, type LinkReviewDecision } from './imports/decideLinkReview.ts';
import { findPersonsByIds } from '../registry/persons/personRepository.ts';

const labelSchema = {
  type: 'object',
  properties: { zh: { type: 'string' }, en: { type: 'string' } },
} as const;

const importSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    feedId: { type: 'string' },
    fileName: { type: 'string' },
    fileBytes: { type: 'integer' },
    status: { type: 'string', enum: ['running', 'completed', 'failed'] },
    received: { type: 'integer' },
    accepted: { type: 'integer' },
    rejected: { type: 'integer' },
    duplicate: { type: 'integer' },
    heldForReview: { type: 'integer' },
    personsCreated: { type: 'integer' },
    factsRecorded: { type: 'integer' },
    checkpointLine: { type: 'integer' },
    errorCode: { type: ['string', 'null'] },
    errorMessage: { type: ['string', 'null'] },
    startedBy: { type: 'string' },
    startedAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
  },
} as const;

export function importDto(row: ImportTable) {
  return {
    id: row.id,
    feedId: row.feed_id,
    fileName: row.file_name,
    fileBytes: row.file_bytes,
    status: row.status,
    received: row.received,
    accepted: row.accepted,
    rejected: row.rejected,
    duplicate: row.duplicate,
    heldForReview: row.held_for_review,
    personsCreated: row.persons_created,
    factsRecorded: row.facts_recorded,
    checkpointLine: row.checkpoint_line,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    startedBy: row.started_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/**
 * Partner departments' staff import and see only their own department's feeds; the bureau's
 * staff (organisations without a department) all of them.
 */
function mayUseFeed(request: FastifyRequest, feed: FeedDefinition): boolean {
  const department = request.principal?.department ?? null;
  return department === null || department === feed.department;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sends a file written to a private temporary folder, removing it once sent. */
async function sendFile(reply: FastifyReply, name: string, write: (file: string) => Promise<unknown>) {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'zhulian-xlsx-'));
  const file = path.join(dir, 'out.xlsx');
  const cleanUp = () => fs.promises.rm(dir, { recursive: true, force: true });
  try {
    await write(file);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  // Streamed, not read whole: an error report of a bad million-row file is tens of megabytes.
  const stream = fs.createReadStream(file);
  stream.on('close', () => void cleanUp());
  reply.header('content-type', XLSX);
  // RFC 6266 / 5987: the Chinese name for browsers that read it, an ASCII one for the rest.
  reply.header(
    'content-disposition',
    `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
  );
  return reply.send(stream);
}

/** The file name the console sends, percent-encoded (headers are ASCII); a bad encoding is ignored. */
function uploadedName(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header === '') return undefined;
  try {
    return path.basename(decodeURIComponent(header));
  } catch {
    return undefined;
  }
}

/** Writes the request body to a file, refusing more than `limit` bytes and an empty body. */
async function saveUpload(body: NodeJS.ReadableStream, file: string, limit: number): Promise<void> {
  let bytes = 0;
  const counted = async function* () {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > limit)
        throw new AppError('UPLOAD_TOO_LARGE', { limit: `${String(Math.round(limit / 1024 ** 2))} MB` });
      yield chunk;
    }
  };
  await pipeline(counted(), fs.createWriteStream(file));
  if (bytes === 0) throw new AppError('UPLOAD_EMPTY');
}

const fileResponse = { 200: { type: 'string', description: 'XLSX' } } as const;

/** Department feeds, imports and the queue of rows waiting for staff to choose a person. */
export function registerIngestRoutes(app: FastifyInstance, context: AppContext): void {
  const { db, feeds, variables } = context;

  const visibleImport = async (request: FastifyRequest, id: string): Promise<ImportTable> => {
    const row = await findImport(db, id);
    const feed = row ? feeds.get(row.feed_id) : undefined;
    // Another department's import is answered like a missing one: its existence is not ours to tell.
    if (!row || !feed || !mayUseFeed(request, feed)) throw new AppError('IMPORT_NOT_FOUND');
    return row;
  };

  app.get(
    '/feeds',
    {
      config: { access: 'ingest:import:view' },
      schema: {
        tags: ['ingest'],
        summary: '部门数据源及其列定义 — Department feeds and their columns',
        response: {
          200: listOf({
            type: 'object',
            properties: {
              id: { type: 'string' },
              name: labelSchema,
              department: { type: 'string' },
              departmentName: labelSchema,
              format: { type: 'string' },
              encoding: { type: 'string' },
              createsPersons: { type: 'boolean' },
              authoritativeFor: { type: 'array', items: { type: 'string' } },
              columns: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    column: { type: 'string' },
                    meaning: labelSchema,
                    required: { type: 'boolean' },
                    codes: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
            },
          }),
        },
      },
    },
    (request) => {
      const items = feeds
        .list()
        .filter((feed) => mayUseFeed(request, feed))
        .map((feed) => {
          const department = variables.department(feed.department);
          return {
            id: feed.id,
            name: feed.name,
            department: feed.department,
            departmentName: department ? { zh: department.zh, en: department.en } : feed.name,
            format: feed.format,
            encoding: feed.encoding,
            createsPersons: feed.createsPersons,
            authoritativeFor: feed.authoritativeFor,
            columns: feed.columns.map((c) => ({
              column: c.column,
              meaning: columnMeaning(c, variables),
              required: c.required,
              codes: 'codes' in c && c.codes ? Object.keys(c.codes) : [],
            })),
          };
        });
      return { items, total: items.length };
    },
  );

  // Department files arrive as the raw request body and stream to disk: a 300 MB export never
  // sits in memory. (A cross-site form cannot send this content type without a preflight.)
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => {
    done(null, payload);
  });
  const running = new Set<Promise<unknown>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled(running);
  });

  app.post<{ Params: { id: string } }>(
    '/feeds/:id/imports',
    {
      config: { access: 'ingest:import:run' },
      bodyLimit: context.config.uploadLimit,
      schema: {
        tags: ['ingest'],
        summary:
          '上传部门数据文件并开始导入（请求体为文件本身）— Upload a department file and start importing it',
        consumes: ['application/octet-stream'],
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] },
        headers: {
          type: 'object',
          properties: { 'x-file-name': { type: 'string', maxLength: 1000 } },
        },
        response: { 202: importSchema },
      },
    },
    async (request, reply) => {
      const feed = feeds.get(request.params.id);
      if (!feed) throw new AppError('UNKNOWN_FEED', { feed: request.params.id });
      if (!mayUseFeed(request, feed)) {
        const own = request.principal?.department ?? '';
        throw new AppError('FEED_NOT_ALLOWED', { department: variables.department(own)?.zh ?? own });
      }
      const body = request.body as { pipe?: unknown } | undefined;
      if (typeof body?.pipe !== 'function') throw new AppError('UPLOAD_NOT_A_FILE');
      const fileName = uploadedName(request.headers['x-file-name']) ?? `${feed.id}.${feed.format}`;
      const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'zhulian-upload-'));
      const file = path.join(dir, 'upload');
      try {
        await saveUpload(request.body as NodeJS.ReadableStream, file, context.config.uploadLimit);
      } catch (error) {
        await fs.promises.rm(dir, { recursive: true, force: true });
        throw error;
      }
      // The import runs on after the answer; the console follows it through GET /imports/:id.
      const started = new Promise<ImportTable>((resolve, reject) => {
        const job = importFile(context, feed, file, {
          fileName,
          startedBy: request.principal?.userId ?? 'anonymous',
          ip: request.ip,
          onStart: resolve,
        })
          .catch((error: unknown) => {
            reject(error instanceof Error ? error : new Error(String(error)));
            request.log.warn({ err: error, feed: feed.id }, 'import stopped');
          })
          .finally(() => {
            running.delete(job);
            void fs.promises.rm(dir, { recursive: true, force: true });
          });
        running.add(job);
      });
      return reply.status(202).send(importDto(await started));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/feeds/:id/template.xlsx',
    {
      config: { access: 'ingest:import:view' },
      schema: {
        tags: ['ingest'],
        summary: '下载导入模板（含下拉选项和填写说明）— Download the Excel import template',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] },
        response: fileResponse,
      },
    },
    async (request, reply) => {
      const feed = feeds.get(request.params.id);
      if (!feed || !mayUseFeed(request, feed))
        throw new AppError('UNKNOWN_FEED', { feed: request.params.id });
      return sendFile(reply, `${feed.name.zh}导入模板.xlsx`, (file) =>
        writeImportTemplate(feed, variables, file),
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/imports/:id/errors.xlsx',
    {
      config: { access: 'ingest:import:view' },
      schema: {
        tags: ['ingest'],
        summary: '下载错误明细（逐行说明原因，可筛选）— Download the rejected rows with reasons',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
        response: fileResponse,
      },
    },
    async (request, reply) => {
      const row = await visibleImport(request, request.params.id);
      const feed = feeds.get(row.feed_id);
      if (!feed) throw new AppError('IMPORT_NOT_FOUND');
      // The rejected rows hold personal data as received: their export is audited like any other.
      await recordAudit(db, {
        actor: request.principal?.userId ?? 'anonymous',
        action: 'ingest.errors.export',
        subjectType: 'import',
        subjectId: row.id,
        ip: request.ip,
        detail: { requestId: request.id, feed: feed.id, rejected: row.rejected },
      });
      return sendFile(reply, `${feed.name.zh}错误明细.xlsx`, (file) =>
        writeImportErrors(db, context.cipher, feed, row.id, file),
      );
    },
  );

  app.get<{ Querystring: { feed?: string; limit: number; offset: number } }>(
    '/imports',
    {
      config: { access: 'ingest:import:view' },
      schema: {
        tags: ['ingest'],
        summary: '导入记录（最新在前）— Imports, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { feed: { type: 'string', maxLength: 100 }, ...pagingProperties },
        },
        response: { 200: listOf(importSchema) },
      },
    },
    async (request) => {
      const allowed = feeds.list().filter((f) => mayUseFeed(request, f));
      const feedId = request.query.feed;
      if (feedId !== undefined && !allowed.some((f) => f.id === feedId)) return { items: [], total: 0 };
      // A department sees its own feeds' imports only (one feed each, in practice).
      const own = request.principal?.department ? allowed.map((f) => f.id) : undefined;
      const { rows, total } = await listImports(db, {
        feedId,
        feedIds: feedId === undefined ? own : undefined,
        limit: request.query.limit,
        offset: request.query.offset,
      });
      return { items: rows.map(importDto), total };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/imports/:id',
    {
      config: { access: 'ingest:import:view' },
      schema: {
        tags: ['ingest'],
        summary: '一次导入的进度与对账 — One import: progress and counts',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
        response: { 200: importSchema },
      },
    },
    async (request) => importDto(await visibleImport(request, request.params.id)),
  );

  app.get<{ Querystring: { status: 'open' | 'linked' | 'dismissed'; limit: number; offset: number } }>(
    '/link-reviews',
    {
      config: {
        access: 'ingest:link:review',
        audit: { action: 'ingest.link_review.search', subjectType: 'person', subjectFrom: 'none' },
      },
      schema: {
        tags: ['ingest'],
        summary: '待人工确认的人员匹配 — Rows waiting for staff to choose a person',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['open', 'linked', 'dismissed'], default: 'open' },
            ...pagingProperties,
          },
        },
        response: {
          200: listOf({
            type: 'object',
            properties: {
              id: { type: 'integer' },
              importId: { type: 'string' },
              feedId: { type: 'string' },
              feedName: labelSchema,
              line: { type: 'integer' },
              name: { type: ['string', 'null'] },
              birthDate: { type: ['string', 'null'] },
              hukouNumber: { type: ['string', 'null'] },
              status: { type: 'string' },
              candidates: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    personId: { type: 'string' },
                    score: { type: 'number' },
                    reasons: { type: 'array', items: { type: 'string' } },
                    name: { type: 'string' },
                    birthDate: { type: 'string' },
                    residenceAreaCode: { type: ['string', 'null'] },
                  },
                },
              },
            },
          }),
        },
      },
    },
    async (request) => {
      const { rows, total } = await listLinkReviews(db, request.query);
      const candidates = rows.map(
        (r) => JSON.parse(r.candidates_json) as { personId: string; score: number; reasons: string[] }[],
      );
      // Only candidates within the caller's scope are shown, and by name, birth date and area.
      const persons = new Map(
        (
          await findPersonsByIds(
            db,
            [...new Set(candidates.flat().map((c) => c.personId))],
            requestScope(request),
          )
        ).map((p) => [p.id, p]),
      );
      const items = rows.map((r, i) => ({
        id: r.id,
        importId: r.import_id,
        feedId: r.feed_id,
        feedName: feeds.get(r.feed_id)?.name ?? { zh: r.feed_id, en: r.feed_id },
        line: r.line,
        name: r.name,
        birthDate: r.birth_date,
        hukouNumber: r.hukou_number,
        status: r.status,
        candidates: (candidates[i] ?? []).flatMap((c) => {
          const p = persons.get(c.personId);
          return p
            ? [{ ...c, name: p.name, birthDate: p.birth_date, residenceAreaCode: p.residence_area_code }]
            : [];
        }),
      }));
      return { items, total };
    },
  );

  app.post<{ Params: { id: number }; Body: { personId?: string; dismiss?: true } }>(
    '/link-reviews/:id',
    {
      config: {
        access: 'ingest:link:review',
        audit: { action: 'ingest.link_review.decide', subjectType: 'person', subjectFrom: 'response' },
      },
      schema: {
        tags: ['ingest'],
        summary: '确认或驳回一条待匹配记录 — Link a held row to a person, or dismiss it',
        params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          maxProperties: 1,
          properties: {
            personId: { type: 'string', maxLength: 64 },
            dismiss: { type: 'boolean', const: true },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: ['string', 'null'] },
              status: { type: 'string' },
              factsRecorded: { type: 'integer' },
            },
          },
        },
      },
    },
    async (request) => {
      const { personId } = request.body;
      const decision: LinkReviewDecision = personId !== undefined ? { personId } : { dismiss: true };
      const result = await decideLinkReview(
        db,
        request.params.id,
        decision,
        request.principal?.userId ?? '',
        requestScope(request),
      );
      // `id` is the person linked: the audit hook records it as the subject.
      return { id: personId ?? null, ...result };
    },
  );
}
