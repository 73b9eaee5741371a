import { describe, expect, it } from 'vitest';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { buildFeedDefinition } from './feedDefinition.ts';
import { loadFeeds } from './loadFeeds.ts';

const catalogue = loadVariableCatalogue();
const minimal = {
  id: 'x_feed',
  department: 'health',
  name: { zh: '测试', en: 'Test' },
  format: 'csv',
  columns: [
    { column: '身份证号', key: 'idNumber', required: true },
    { column: '日期', role: 'observedAt' },
    { column: '重病', variable: 'serious_illness', codes: { 是: true, 否: false } },
  ],
};

describe('feed definitions', () => {
  it('loads every shipped feed against the catalogue', () => {
    const feeds = loadFeeds(catalogue);
    expect(feeds.list().length).toBeGreaterThanOrEqual(3);
    for (const feed of feeds.list()) expect(catalogue.department(feed.department), feed.file).toBeDefined();
    expect(feeds.get('public_security_population')?.createsPersons).toBe(true);
  });

  it('accepts a minimal feed and fills the defaults', () => {
    expect(buildFeedDefinition(minimal, 'x.yaml', catalogue)).toMatchObject({
      encoding: 'auto',
      delimiter: ',',
      dateFormats: ['YYYY-MM-DD'],
      createsPersons: false,
      authoritativeFor: [],
    });
  });

  it('takes a document number column as a row role, and every detail feed declares one', () => {
    const feed = buildFeedDefinition(
      {
        ...minimal,
        columns: [...minimal.columns, { column: '随访编号', role: 'documentNumber', required: true }],
      },
      'x.yaml',
      catalogue,
    );
    expect(feed.columns.at(-1)).toEqual({
      column: '随访编号',
      kind: 'role',
      role: 'documentNumber',
      required: true,
    });
    const feeds = loadFeeds(catalogue);
    for (const id of [
      'medical_security_claims',
      'human_resources_employment',
      'tax_income',
      'housing_fund_accounts',
      'health_disease_registry',
    ]) {
      const number = feeds.get(id)?.columns.find((c) => c.kind === 'role' && c.role === 'documentNumber');
      expect(number?.required, id).toBe(true);
    }
  });

  it.each([
    [{ department: 'police' }, /department 应为变量目录中登记的部门代码/],
    [{ format: 'xls' }, /format 应为 csv、xlsx、jsonl 之一/],
    [{ colour: 'red' }, /不认识的字段 colour/],
    [{ dateFormats: ['DD.MM.YY'] }, /dateFormats/],
    [{ authoritativeFor: ['deposits'] }, /authoritativeFor 中的 deposits 不是本数据源提供的变量/],
    [{ createsPersons: true }, /createsPersons 的数据源需要 key:name 列/],
    [{ columns: [{ column: '日期', role: 'observedAt' }] }, /需要 key: idNumber 列/],
    [
      { columns: [...minimal.columns, { column: '存款', variable: 'savings' }] },
      /变量 savings 未在变量目录中登记/,
    ],
    [
      { columns: [...minimal.columns, { column: '低保', variable: 'dibao_enrolled', codes: { 是: true } }] },
      /属于家庭/,
    ],
    [
      { columns: [...minimal.columns, { column: '等级', variable: 'disability_grade', codes: { 甲: '9' } }] },
      /codes.甲 对应的“9”无效/,
    ],
    [{ columns: [...minimal.columns, { column: '类别', variable: 'disability_type' }] }, /需要 codes/],
    [{ columns: [...minimal.columns, { column: '日期', role: 'validTo' }] }, /列名重复/],
    [{ columns: [...minimal.columns, { column: '单号', role: 'receipt' }] }, /role 应为.*documentNumber/],
    [
      {
        columns: [...minimal.columns, { column: '单号', role: 'documentNumber', dateFormats: ['YYYYMMDD'] }],
      },
      /单据编号列不是日期，不能有 dateFormats/,
    ],
    [
      {
        columns: [
          ...minimal.columns,
          { column: '单号', role: 'documentNumber' },
          { column: '编号', role: 'documentNumber' },
        ],
      },
      /role documentNumber 重复/,
    ],
  ])('refuses %o with a message naming the fix', (change, message) => {
    expect(() => buildFeedDefinition({ ...minimal, ...change }, 'x.yaml', catalogue)).toThrow(message);
  });
});
