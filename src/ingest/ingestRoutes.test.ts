import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testFieldCipher } from '../core/fieldCipher.ts';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import {
  ensureTestAccounts,
  injectAs,
  signIn,
  testContext,
  type Inject,
} from '../http/testing/buildTestApp.ts';
import { buildApp } from '../http/app.ts';
import type { ErrorBody } from '../http/errorHandler.ts';
import { makeResidentId } from '../registry/residentId/index.ts';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { createPerson } from '../registry/persons/personService.ts';
import { systemScope } from '../access/scope/dataScope.ts';
import { buildFeedDefinition } from './feeds/feedDefinition.ts';
import { loadFeeds } from './feeds/loadFeeds.ts';
import { runImport } from './imports/runImport.ts';
import { recordsOf } from './testing/recordsOf.ts';
import ExcelJS from 'exceljs';
import { flushAudit } from '../access/audit/auditWriter.ts';
import { findAuditRecords } from '../access/audit/auditRepository.ts';

const variables = loadVariableCatalogue();
const feeds = loadFeeds(variables);
// A health feed whose rows may lack an ID number: such rows are linked by name and birth date.
const health = buildFeedDefinition(
  {
    id: 'health_serious_illness_test',
    department: 'health',
    name: { zh: '重大疾病登记（测试）', en: 'Serious illness (test)' },
    format: 'csv',
    columns: [
      { column: '身份证号', key: 'idNumber' },
      { column: '姓名', key: 'name' },
      { column: '出生日期', key: 'birthDate' },
      { column: '户号', key: 'hukouNumber' },
      { column: '重病', variable: 'serious_illness', codes: { 是: true, 否: false } },
      { column: '登记日期', role: 'observedAt', required: true },
    ],
  },
  'test.yaml',
  variables,
);

describeEachDatabase('ingest routes', (getDb) => {
  let app: FastifyInstance;
  let asCounty: Inject;
  let personId: string;
  let importId: string;
  beforeAll(async () => {
    // The shipped feeds plus the test's own.
    const context = testContext(getDb());
    app = await buildApp({
      context: {
        ...context,
        feeds: {
          get: (id) => (id === health.id ? health : feeds.get(id)),
          list: () => [...feeds.list(), health],
        },
      },
    });
    await ensureTestAccounts(getDb());
    asCounty = injectAs(app, await signIn(app, 'county'));
    const { db } = getDb();
    const cipher = testFieldCipher();
    const person = await createPerson(
      db,
      cipher,
      {
        idNumber: makeResidentId('371082', '1961-02-03', 17),
        name: '赵秀兰',
        residenceAreaCode: '371082101201',
      },
      systemScope,
    );
    personId = person.id;
    const result = await runImport(
      { db, cipher, variables },
      {
        feed: health,
        fileName: '重病.csv',
        sha256: 'sha-health',
        bytes: 10,
        open: recordsOf([
          // No ID number: the one person with this name and birth date is linked…
          { 姓名: '赵秀兰', 出生日期: '1961-02-03', 重病: '是', 登记日期: '2026-09-01' },
          // …but not when the row's hukou number contradicts the registry: staff decide.
          { 姓名: '赵秀兰', 出生日期: '1961-02-03', 户号: '371082999', 重病: '是', 登记日期: '2026-10-01' },
          { 姓名: '钱多多', 出生日期: '1980-01-01', 重病: '是', 登记日期: '2026-09-01' },
          // A value the feed's code table does not know: rejected, and in the error report.
          { 身份证号: makeResidentId('371082', '1961-02-03', 17), 重病: '可能', 登记日期: '2026-09-02' },
        ]),
        startedBy: 'test',
      },
    );
    importId = result.id;
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists every feed with its columns for the bureau, and only its own to a department', async () => {
    const all = (await asCounty({ method: 'GET', url: '/api/feeds' })).json<{ items: { id: string }[] }>();
    expect(all.items.map((f) => f.id).sort()).toEqual([...feeds.list().map((f) => f.id), health.id].sort());
    const asDepartment = injectAs(app, await signIn(app, 'department'));
    const own = (await asDepartment({ method: 'GET', url: '/api/feeds' })).json<{
      items: { id: string; department: string; columns: { column: string; meaning: { zh: string } }[] }[];
    }>();
    expect(own.items.map((f) => f.department)).toEqual(['disabled_federation']);
    expect(own.items[0]?.columns.find((c) => c.column === '残疾等级')?.meaning.zh).toBe('残疾等级');
  });

  it('shows imports with reconciled counts, hiding other departments’ imports', async () => {
    const listed = (await asCounty({ method: 'GET', url: '/api/imports' })).json<{
      items: { id: string; received: number; accepted: number; rejected: number; duplicate: number }[];
    }>();
    const mine = listed.items.find((i) => i.id === importId);
    expect(mine).toMatchObject({ received: 4, accepted: 3, rejected: 1, duplicate: 0 });
    const detail = await asCounty({ method: 'GET', url: `/api/imports/${importId}` });
    expect(detail.json()).toMatchObject({
      status: 'completed',
      heldForReview: 2,
      factsRecorded: 1,
      fileName: '重病.csv',
    });
    const asDepartment = injectAs(app, await signIn(app, 'department'));
    const hidden = await asDepartment({ method: 'GET', url: `/api/imports/${importId}` });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json<ErrorBody>().error.code).toBe('IMPORT_NOT_FOUND');
    expect((await asDepartment({ method: 'GET', url: '/api/imports' })).json()).toMatchObject({ total: 0 });
  });

  it('lets staff link a held row to the right person, recording its facts once', async () => {
    const open = (await asCounty({ method: 'GET', url: '/api/link-reviews' })).json<{
      items: {
        id: number;
        name: string;
        candidates: { personId: string; score: number; reasons: string[] }[];
      }[];
    }>();
    const review = open.items.find((r) => r.name === '赵秀兰');
    expect(review?.candidates).toEqual([
      expect.objectContaining({
        personId,
        score: 0.6,
        reasons: ['姓名相同', '出生日期相同', '登记库中无户号'],
      }),
    ]);
    expect(open.items[0]).toMatchObject({ feedName: { zh: '重大疾病登记（测试）' } });
    const nobody = open.items.find((r) => r.name === '钱多多');
    expect(nobody?.candidates).toEqual([]);

    const decide = (id: number, payload: object) =>
      asCounty({ method: 'POST', url: `/api/link-reviews/${String(id)}`, payload });
    const linked = await decide(review?.id ?? 0, { personId });
    expect(linked.json()).toEqual({ id: personId, status: 'linked', factsRecorded: 1 });
    const again = await decide(review?.id ?? 0, { personId });
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorBody>().error.message).toBe('该记录已由他人处理');
    expect((await decide(nobody?.id ?? 0, { dismiss: true })).json()).toMatchObject({ status: 'dismissed' });

    const facts = await getDb()
      .db.selectFrom('facts')
      .selectAll()
      .where('subject_id', '=', personId)
      .where('variable', '=', 'serious_illness')
      .orderBy('source_line')
      .execute();
    // One from the automatic link (line 2), one from the staff's (line 3).
    expect(facts.map((f) => [f.source, f.import_id, f.source_line, f.value_json])).toEqual([
      ['health', importId, 2, 'true'],
      ['health', importId, 3, 'true'],
    ]);
    // The person's facts say where each value came from and why it was chosen.
    const view = await asCounty({ method: 'GET', url: `/api/persons/${personId}/facts` });
    expect(view.json<{ facts: unknown[] }>().facts).toContainEqual(
      expect.objectContaining({
        variable: 'serious_illness',
        value: true,
        sourceLabel: '卫生健康',
        reason: '各来源一致',
      }),
    );
    expect((await asCounty({ method: 'GET', url: '/api/link-reviews' })).json()).toMatchObject({
      total: 0,
    });
  });

  it('hands out an Excel template per feed and the rejected rows with reasons, auditing the latter', async () => {
    const template = await asCounty({
      method: 'GET',
      url: '/api/feeds/disabled_federation_certificates/template.xlsx',
    });
    expect(template.statusCode).toBe(200);
    expect(template.headers['content-disposition']).toContain(
      encodeURIComponent('残疾人证信息导入模板.xlsx'),
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(template.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets[0]?.getRow(1).values).toEqual([
      undefined,
      '身份证号',
      '姓名',
      '残疾类别',
      '残疾等级',
      '首次发证日期',
      '发证日期',
      '有效期至',
    ]);

    const report = await asCounty({ method: 'GET', url: `/api/imports/${importId}/errors.xlsx` });
    expect(report.statusCode).toBe(200);
    const errors = new ExcelJS.Workbook();
    await errors.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const sheet = errors.getWorksheet('错误明细');
    expect(sheet?.getRow(2).getCell(1).value).toBe(5);
    expect(sheet?.getRow(2).getCell(2).text).toBe(makeResidentId('371082', '1961-02-03', 17));
    const explanation = sheet?.getRow(2).values as unknown[];
    expect(explanation.join('|')).toContain('「重病」：代码“可能”不在本数据源的代码表中');
    await flushAudit(getDb().db);
    const [audit] = await findAuditRecords(getDb().db, { action: 'ingest.errors.export', limit: 1 });
    expect(audit).toMatchObject({ subject_id: importId, outcome: 'success' });
    expect(audit?.detail_json).not.toContain('1961');

    const unknown = await asCounty({ method: 'GET', url: '/api/feeds/nope/template.xlsx' });
    expect(unknown.json<ErrorBody>().error).toMatchObject({
      code: 'UNKNOWN_FEED',
      message: '数据源nope不存在',
    });
  });

  it('takes a file as the request body, refusing anything else with a clear message', async () => {
    const upload = (payload: string | Buffer | object, headers: Record<string, string>, as = asCounty) =>
      as({ method: 'POST', url: '/api/feeds/medical_security_claims/imports', payload, headers });
    const octet = { 'content-type': 'application/octet-stream' };

    const json = await upload({ sfzh: 'x' }, { 'content-type': 'application/json' });
    expect(json.statusCode).toBe(415);
    expect(json.json<ErrorBody>().error.code).toBe('UPLOAD_NOT_A_FILE');
    const empty = await upload(Buffer.alloc(0), octet);
    expect(empty.json<ErrorBody>().error).toMatchObject({
      code: 'UPLOAD_EMPTY',
      message: '上传的文件是空的',
    });
    const asDepartment = injectAs(app, await signIn(app, 'department'));
    const foreign = await upload(Buffer.from('{}\n'), octet, asDepartment);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json<ErrorBody>().error.message).toBe('只能导入本部门（残疾人联合会）的数据');

    const line = JSON.stringify({
      sfzh: makeResidentId('371082', '1961-02-03', 17),
      jsdh: '371082202610310000001',
      yllb: '21',
      ylfze: '98000.00',
      grfdzje: '55000.00',
      jsrq: '2026-10-31',
    });
    const started = await upload(Buffer.from(`${line}\n`), {
      ...octet,
      'x-file-name': encodeURIComponent('医保10月.jsonl'),
    });
    expect(started.statusCode).toBe(202);
    const id = started.json<{ id: string; fileName: string }>().id;
    expect(started.json()).toMatchObject({ fileName: '医保10月.jsonl', status: 'running' });
    await expect
      .poll(
        async () =>
          (await asCounty({ method: 'GET', url: `/api/imports/${id}` })).json<{ status: string }>().status,
      )
      .toBe('completed');
    await flushAudit(getDb().db);
    const [audit] = await findAuditRecords(getDb().db, { subjectId: id, limit: 1 });
    expect(audit).toMatchObject({ action: 'ingest.import', ip: '127.0.0.1', outcome: 'success' });
    expect((await asCounty({ method: 'GET', url: `/api/imports/${id}` })).json()).toMatchObject({
      received: 1,
      accepted: 1,
      // A settlement states its type, total and out-of-pocket amount.
      factsRecorded: 3,
    });
  });
});
