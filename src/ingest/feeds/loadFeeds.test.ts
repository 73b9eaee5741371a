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
  ])('refuses %o with a message naming the fix', (change, message) => {
    expect(() => buildFeedDefinition({ ...minimal, ...change }, 'x.yaml', catalogue)).toThrow(message);
  });
});
