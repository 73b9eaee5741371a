import { afterAll, describe, expect, it } from 'vitest';
import { readFeedFile, type ReadOptions } from './readFeedFile.ts';
import { collect, failure, tempDir } from './testSupport.ts';

const dir = tempDir();
afterAll(() => {
  dir.remove();
});

const options = (overrides: Partial<ReadOptions> = {}): ReadOptions => ({
  format: 'jsonl',
  encoding: 'utf-8',
  delimiter: ',',
  expectedColumns: ['idNumber', 'name', 'amount', 'disabled', 'note'],
  requiredColumns: ['idNumber'],
  ...overrides,
});

const ID = '110101199003070012';

describe('readFeedFile (JSON lines)', () => {
  it('turns values into text and leaves missing keys empty', async () => {
    const file = dir.write(
      'values.jsonl',
      `${JSON.stringify({ idNumber: ID, name: ' 张三 ', amount: 12.5, disabled: false, note: null, extra: [1] })}\n`,
    );
    expect(await collect(readFeedFile(file, options()))).toEqual([
      { line: 1, record: { idNumber: ID, name: '张三', amount: '12.5', disabled: 'false', note: '' } },
    ]);
  });

  it('reports a line that is not JSON with its number and reads the rest', async () => {
    const lines = [
      JSON.stringify({ idNumber: ID, name: '甲' }),
      '',
      '{"idNumber": "1", "name": 乙}',
      '[1, 2]',
      JSON.stringify({ idNumber: ID, name: '丙' }),
    ];
    const records = await collect(readFeedFile(dir.write('bad.jsonl', lines.join('\r\n')), options()));
    expect(records.map((r) => [r.line, r.record.name, r.problem?.code])).toEqual([
      [1, '甲', undefined],
      [3, '', 'INGEST_MALFORMED_RECORD'],
      [4, '', 'INGEST_MALFORMED_RECORD'],
      [5, '丙', undefined],
    ]);
  });

  it('reports a nested object or array in a column on that record', async () => {
    const file = dir.write('nested.jsonl', `${JSON.stringify({ idNumber: ID, name: { zh: '甲' } })}\n`);
    const [record] = await collect(readFeedFile(file, options()));
    expect(record?.problem?.code).toBe('INGEST_MALFORMED_RECORD');
    expect(record?.problem?.params.reason).toContain('name');
    expect(record?.record.idNumber).toBe(ID);
  });

  it('skips lines through skipThroughLine', async () => {
    const lines = [1, 2, 3, 4].map((n) => JSON.stringify({ idNumber: ID, name: `n${n}` }));
    const records = await collect(
      readFeedFile(dir.write('resume.jsonl', lines.join('\n')), options({ skipThroughLine: 2 })),
    );
    expect(records.map((r) => r.record.name)).toEqual(['n3', 'n4']);
  });

  it('applies the line limit and the encoding check', async () => {
    const long = `${JSON.stringify({ idNumber: ID })}\n${JSON.stringify({ note: 'x'.repeat(2_000_000) })}\n`;
    const tooLong = await failure(readFeedFile(dir.write('long.jsonl', long), options()));
    expect(tooLong.error).toMatchObject({ code: 'INGEST_LINE_TOO_LONG', params: { line: 2 } });
    expect(tooLong.before).toHaveLength(1);
    const latin1 = Buffer.from(`{"name": "caf\u00e9"}\n`, 'latin1');
    const bad = await failure(readFeedFile(dir.write('latin1.jsonl', latin1), options()));
    expect(bad.error).toMatchObject({ code: 'INGEST_ENCODING', params: { line: 1 } });
  });
});
