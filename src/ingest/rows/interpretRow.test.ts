import { describe, expect, it } from 'vitest';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { makeResidentId } from '../../registry/residentId/index.ts';
import { loadFeeds } from '../feeds/loadFeeds.ts';
import { buildFeedDefinition } from '../feeds/feedDefinition.ts';
import { interpretRow } from './interpretRow.ts';
import { createRowMemo } from './rowMemo.ts';

const catalogue = loadVariableCatalogue();
const feeds = loadFeeds(catalogue);
const today = '2026-11-29';
const disability = feeds.get('disabled_federation_certificates');
const claims = feeds.get('medical_security_claims');
if (!disability || !claims) throw new Error('shipped feeds missing');
const id = makeResidentId('371082', '1970-05-06', 31);

describe('interpretRow', () => {
  it('checks an ID number against the reference date it is given, not one it saw before', () => {
    // A birth date after the reference date is refused; with an import's memo the same number
    // is checked anew for another date (ID numbers are remembered per reference date).
    const memo = createRowMemo();
    const young = makeResidentId('371082', '2026-11-20', 31);
    const record = { 身份证号: young, 姓名: '王小', 残疾类别: '4', 残疾等级: '二级', 发证日期: '2026-11-25' };
    expect(interpretRow(disability, catalogue, record, '2026-11-29', memo).identity?.birthDate).toBe(
      '2026-11-20',
    );
    const before = interpretRow(disability, catalogue, record, '2026-11-10', memo);
    expect(before.identity).toBeUndefined();
    expect(before.problems.map((p) => p.code)).toContain('INGEST_BAD_ID_NUMBER');
    expect(interpretRow(disability, catalogue, record, '2026-11-29', memo).problems).toEqual([]);
  });

  it('translates a department’s codes and dates into the catalogue’s', () => {
    const row = interpretRow(
      disability,
      catalogue,
      {
        身份证号: id,
        姓名: '王芳',
        残疾类别: '4',
        残疾等级: '二级',
        发证日期: '2021/3/9',
        有效期至: '2031/3/9',
      },
      today,
    );
    expect(row.problems).toEqual([]);
    expect(row.keys).toEqual({ idNumber: id, name: '王芳' });
    expect(row.dates).toEqual({ observedAt: '2021-03-09', validTo: '2031-03-09' });
    expect(row.values).toEqual([
      { variable: 'disability_type', value: 'physical', column: '残疾类别' },
      { variable: 'disability_grade', value: '2', column: '残疾等级' },
    ]);
  });

  it('scales fen to yuan and reads booleans through the feed’s codes', () => {
    const tax = feeds.get('tax_income');
    const health = feeds.get('health_disease_registry');
    if (!tax || !health) throw new Error('shipped feeds missing');
    const income = interpretRow(
      tax,
      catalogue,
      { nsrsbh: id, pzxh: '10137108220261000001', ypjsre_fen: '512345', sbrq: '20261015' },
      today,
    );
    expect(income.problems).toEqual([]);
    expect(income.values).toEqual([{ variable: 'monthly_income', value: 5123.45, column: 'ypjsre_fen' }]);
    const visit = interpretRow(
      health,
      catalogue,
      { zjhm: id, hzxm: '王芳', sfbh: 'SF1', mxbbz: 'Y', zdjbbz: 'N', sfrq: '2026/10/08' },
      today,
    );
    expect(visit.problems).toEqual([]);
    expect(visit.values).toEqual([
      { variable: 'chronic_illness', value: true, column: 'mxbbz' },
      { variable: 'serious_illness', value: false, column: 'zdjbbz' },
    ]);
  });

  it('keeps a detail row’s document number for provenance, never as a value or a date', () => {
    const row = interpretRow(
      claims,
      catalogue,
      {
        sfzh: id,
        jsdh: '371082202610310000123',
        yllb: '21',
        ylfze: '48,210.50',
        grfdzje: '15320.18',
        jsrq: '2026-10-31',
      },
      today,
    );
    expect(row.problems).toEqual([]);
    expect(row.documentNumber).toBe('371082202610310000123');
    expect(row.dates).toEqual({ observedAt: '2026-10-31' });
    expect(row.values).toEqual([
      { variable: 'medical_claim_type', value: 'inpatient', column: 'yllb' },
      { variable: 'medical_claim_total', value: 48210.5, column: 'ylfze' },
      { variable: 'medical_claim_out_of_pocket', value: 15320.18, column: 'grfdzje' },
    ]);
    const missing = interpretRow(
      claims,
      catalogue,
      { sfzh: id, yllb: '11', ylfze: '1', grfdzje: '1', jsrq: '2026-10-31' },
      today,
    );
    expect(missing.problems).toEqual([
      { column: 'jsdh', value: '', code: 'INGEST_REQUIRED', params: { column: 'jsdh' } },
    ]);
  });

  it('reports every problem of a row at once, each with its column and value', () => {
    const bad = `${id.slice(0, 17)}${id.endsWith('0') ? '1' : '0'}`;
    const row = interpretRow(
      disability,
      catalogue,
      { 身份证号: bad, 残疾类别: '8', 残疾等级: '', 发证日期: '2021-13-01', 有效期至: '2020/1/1' },
      today,
    );
    expect(row.problems.map((p) => [p.column, p.code])).toEqual([
      ['身份证号', 'INGEST_BAD_ID_NUMBER'],
      ['残疾类别', 'INGEST_UNKNOWN_CODE'],
      ['残疾等级', 'INGEST_REQUIRED'],
      ['发证日期', 'INGEST_BAD_DATE'],
    ]);
    expect(row.problems[1]?.params).toMatchObject({ value: '8', allowed: '1、2、3、4、5、6、7' });
  });

  it('refuses a validity period that ends before it starts', () => {
    const feed = buildFeedDefinition(
      {
        id: 'periods',
        department: 'health',
        name: { zh: '测试', en: 'Test' },
        format: 'csv',
        columns: [
          { column: '身份证号', key: 'idNumber' },
          { column: '登记', role: 'observedAt' },
          { column: '起', role: 'validFrom' },
          { column: '止', role: 'validTo' },
        ],
      },
      'periods.yaml',
      catalogue,
    );
    const row = interpretRow(
      feed,
      catalogue,
      { 身份证号: id, 登记: '2021-03-09', 起: '2021-03-09', 止: '2020-03-09' },
      today,
    );
    expect(row.problems).toEqual([
      {
        column: null,
        value: '2021-03-09～2020-03-09',
        code: 'INVALID_PERIOD',
        params: { from: '2021-03-09', to: '2020-03-09' },
      },
    ]);
  });
});
