import { describe, expect, it } from 'vitest';
import { makeResidentId } from '../../registry/residentId/index.ts';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { loadFeeds } from '../feeds/loadFeeds.ts';
import type { PreparedBatch } from './prepareBatch.ts';
import { prepareBatch } from './prepareBatch.ts';
import { packable, packBatch, unpackBatch } from './packBatch.ts';
import { createRowMemo } from './rowMemo.ts';

const variables = loadVariableCatalogue();
const feeds = loadFeeds(variables);
const feedOf = (id: string) => {
  const feed = feeds.get(id);
  if (!feed) throw new Error(`shipped feed ${id} missing`);
  return feed;
};

/** What the import reads of a prepared row (values without their columns, no identity). */
const asRead = (batch: PreparedBatch) => ({
  received: batch.received,
  lastLine: batch.lastLine,
  rejects: batch.rejects,
  rows: batch.rows.map((r) => ({
    line: r.line,
    hash: r.hash,
    idNumber: r.idNumber,
    record: typeof r.record === 'string' ? (JSON.parse(r.record) as unknown) : r.record,
    keys: r.row.keys,
    dates: r.row.dates,
    values: r.row.values.map((v) => [v.variable, v.value]),
  })),
});

describe('packBatch', () => {
  it('packs only feeds whose rows are keys, dates and values', () => {
    expect(packable(feedOf('medical_security_claims'))).toBe(true);
    expect(packable(feedOf('tax_income'))).toBe(true);
    expect(packable(feedOf('public_security_population'))).toBe(false);
    expect(packable(feedOf('civil_affairs_assistance_roster'))).toBe(false);
  });

  it('gives back every row, key, date and value, and the refused records as they were', () => {
    const feed = feedOf('medical_security_claims');
    const id = makeResidentId('371082', '1960-05-01', 123);
    const base = {
      sfzh: id,
      xm: '张三',
      jsdh: 'S1',
      yllb: '21',
      ylfze: '1234.50',
      grfdzje: '300',
      jsrq: '2026-03-01',
    };
    const records = [
      { line: 1, record: base },
      { line: 2, record: { ...base, jsdh: 'S2', yllb: '41', grfdzje: '0' } },
      { line: 3, record: { ...base, xm: '' } },
      { line: 4, record: { ...base, sfzh: '123' } },
      { line: 5, record: { ...base, yllb: '99' } },
      {
        line: 6,
        record: {},
        problem: { code: 'INGEST_MALFORMED_RECORD' as const, params: { format: 'JSON Lines', reason: 'x' } },
      },
    ];
    const prepared = prepareBatch(feed, variables, records, '2026-11-28', createRowMemo());
    expect(prepared.rows.length).toBeGreaterThan(0);
    expect(prepared.rejects.length).toBeGreaterThan(0);
    const back = unpackBatch(structuredClone(packBatch(prepared)));
    expect(asRead(back)).toEqual(asRead(prepared));
    expect(back.rows.map((r) => r.row.values.length)).toEqual([3, 3, 3]);
    expect(back.rejects.map((r) => r.line)).toEqual([4, 5, 6]);
  });

  it('keeps rows linked by name and birth date, and the dates a row is valid from and to', () => {
    const feed = feedOf('housing_fund_accounts');
    const row = {
      证件号码: makeResidentId('371082', '1980-02-03', 77),
      职工姓名: '李四',
      出生日期: '1980-02-03',
      业务流水号: 'G1',
      缴存基数: '4200',
      月缴存额: '504',
      开户日期: '2015-07-01',
      汇缴日期: '2026-10-15',
    };
    const records = [
      { line: 2, record: row },
      { line: 3, record: { ...row, 证件号码: '', 业务流水号: 'G2' } },
    ];
    const prepared = prepareBatch(feed, variables, records, '2026-11-28', createRowMemo());
    const back = unpackBatch(structuredClone(packBatch(prepared)));
    expect(asRead(back)).toEqual(asRead(prepared));
    expect(
      back.rows.map((r) => [r.idNumber, r.row.keys.name, r.row.keys.birthDate, r.row.dates.validFrom]),
    ).toEqual([
      [row.证件号码, '李四', '1980-02-03', '2015-07-01'],
      [undefined, '李四', '1980-02-03', '2015-07-01'],
    ]);
  });
});
