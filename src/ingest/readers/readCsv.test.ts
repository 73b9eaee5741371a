import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../core/appError.ts';
import { MAX_ROWS_ABOVE_HEADER } from './headerSearch.ts';
import { readFeedFile, type ReadOptions } from './readFeedFile.ts';
import { collect, encodeGbk, failure, tempDir, zh } from './testSupport.ts';

const dir = tempDir();
afterAll(() => {
  dir.remove();
});

const options = (overrides: Partial<ReadOptions> = {}): ReadOptions => ({
  format: 'csv',
  encoding: 'auto',
  delimiter: ',',
  expectedColumns: ['身份证号', '姓名', '金额'],
  requiredColumns: ['身份证号', '姓名'],
  ...overrides,
});

const ID = '110101199003070012';

describe('readFeedFile (CSV)', () => {
  it('reads UTF-8 with a BOM: the BOM does not stick to the first header', async () => {
    // Quoted first header: with the BOM left on, the quote would not open the field.
    const file = dir.write('bom.csv', `\uFEFF"身份证号",姓名,金额\n${ID},张三,12.50\n`);
    expect(await collect(readFeedFile(file, options()))).toEqual([
      { line: 2, record: { 身份证号: ID, 姓名: '张三', 金额: '12.50' } },
    ]);
  });

  it('lets a UTF-8 BOM win over a feed declared GBK', async () => {
    const file = dir.write('bom-declared-gbk.csv', `\uFEFF身份证号,姓名\n${ID},张三\n`);
    const [record] = await collect(readFeedFile(file, options({ encoding: 'gbk' })));
    expect(record?.record.姓名).toBe('张三');
  });

  it('reads unmarked GBK (auto) with Chinese headers and values', async () => {
    const file = dir.write('gbk.csv', encodeGbk(`身份证号,姓名,金额\n${ID},张三丰,1\n${ID},欧阳娜娜,2\n`));
    expect(await collect(readFeedFile(file, options()))).toEqual([
      { line: 2, record: { 身份证号: ID, 姓名: '张三丰', 金额: '1' } },
      { line: 3, record: { 身份证号: ID, 姓名: '欧阳娜娜', 金额: '2' } },
    ]);
  });

  it('reads GBK whose first Chinese character comes after an ASCII header and 100 KB of ASCII rows', async () => {
    const rows = Array.from({ length: 4000 }, (_, i) => `${ID},name${i},${i}`);
    const text = `id,name,amount\n${rows.join('\n')}\n${ID},李四,5\n`;
    const file = dir.write('late-gbk.csv', encodeGbk(text));
    const records = await collect(
      readFeedFile(file, options({ expectedColumns: ['name'], requiredColumns: ['id'] })),
    );
    expect(records).toHaveLength(4001);
    expect(records[4000]).toEqual({ line: 4002, record: { name: '李四' } });
  });

  it.each(['utf-8', 'gbk'] as const)(
    'decodes a %s character split across the 64 KiB chunk boundary',
    async (encoding) => {
      // Header "v\n" is 2 bytes, then 65533 ASCII bytes: 中 starts at byte 65535.
      const text = `v\n${'a'.repeat(65533)}中文\n尾\n`;
      const bytes = encoding === 'gbk' ? encodeGbk(text) : Buffer.from(text);
      const file = dir.write(`split-${encoding}.csv`, bytes);
      const records = await collect(
        readFeedFile(file, options({ expectedColumns: ['v'], requiredColumns: ['v'] })),
      );
      expect(records.map((r) => r.record.v)).toEqual([`${'a'.repeat(65533)}中文`, '尾']);
    },
  );

  const quoted = [
    '身份证号,姓名,金额',
    `${ID},"张,三","1"`,
    `${ID},"第一行`,
    `第二行",2`,
    `${ID},"他说""你好""",3`,
    `${ID}, "前有空格" ,4`,
    `${ID},王五,5`,
  ];
  const expectedQuoted = [
    { line: 2, record: { 身份证号: ID, 姓名: '张,三', 金额: '1' } },
    { line: 3, record: { 身份证号: ID, 姓名: '第一行\n第二行', 金额: '2' } },
    { line: 5, record: { 身份证号: ID, 姓名: '他说"你好"', 金额: '3' } },
    { line: 6, record: { 身份证号: ID, 姓名: '前有空格', 金额: '4' } },
    { line: 7, record: { 身份证号: ID, 姓名: '王五', 金额: '5' } },
  ];

  it('reads quoted fields with delimiters, line breaks and doubled quotes; line numbers stay right', async () => {
    const file = dir.write('quoted.csv', `${quoted.join('\n')}\n`);
    expect(await collect(readFeedFile(file, options()))).toEqual(expectedQuoted);
  });

  it('reads CRLF line ends (and a last line without one)', async () => {
    const file = dir.write('crlf.csv', quoted.join('\r\n'));
    const records = await collect(readFeedFile(file, options()));
    expect(records).toEqual(
      expectedQuoted.map((r) =>
        r.line === 3 ? { ...r, record: { ...r.record, 姓名: '第一行\r\n第二行' } } : r,
      ),
    );
  });

  it('skips blank and all-empty lines but counts them; ignores unknown columns and trailing empties', async () => {
    const file = dir.write('blank.csv', `\n备注,身份证号,姓名\n\n${ID},${ID},赵六,\n ,,\n\r\nx,${ID},钱七\n`);
    expect(await collect(readFeedFile(file, options()))).toEqual([
      { line: 4, record: { 身份证号: ID, 姓名: '赵六', 金额: '' } },
      { line: 7, record: { 身份证号: ID, 姓名: '钱七', 金额: '' } },
    ]);
  });

  it('does not require rows to fill the empty cells that end a header', async () => {
    const file = dir.write('trailing-header.csv', `身份证号,姓名,金额,,\n${ID},张三,1\n${ID},李四\n`);
    const records = await collect(readFeedFile(file, options()));
    expect(records.map((r) => r.problem?.code)).toEqual([undefined, 'INGEST_MALFORMED_RECORD']);
  });

  it('reads other delimiters (tab, semicolon)', async () => {
    const tab = dir.write('tab.tsv', `身份证号\t姓名\n${ID}\t"a\tb"\n`);
    const semi = dir.write('semi.csv', `身份证号;姓名\n${ID};x,y\n`);
    const [a] = await collect(readFeedFile(tab, options({ delimiter: '\t' })));
    const [b] = await collect(readFeedFile(semi, options({ delimiter: ';' })));
    expect(a?.record.姓名).toBe('a\tb');
    expect(b?.record.姓名).toBe('x,y');
  });

  it('refuses a header without a required column, naming it, before any record', async () => {
    const file = dir.write('missing.csv', `身份证号,名字\n${ID},张三\n`);
    const { error, before } = await failure(readFeedFile(file, options()));
    expect(error.code).toBe('INGEST_MISSING_COLUMNS');
    expect(error.params).toEqual({ columns: '姓名' });
    expect(before).toEqual([]);
  });

  it('skips title rows above the header, as departments export them', async () => {
    const file = dir.write(
      'titled.csv',
      `荣成市住房公积金缴存明细表,,\n制表单位：荣成市住房公积金中心,,单位：元\n\n身份证号,姓名,金额\n${ID},张三,12\n`,
    );
    expect(await collect(readFeedFile(file, options()))).toEqual([
      { line: 5, record: { 身份证号: ID, 姓名: '张三', 金额: '12' } },
    ]);
  });

  it(`looks for the header in the first ${String(MAX_ROWS_ABOVE_HEADER + 1)} non-blank rows, naming what the closest lacked`, async () => {
    const titles = Array.from({ length: MAX_ROWS_ABOVE_HEADER }, (_, i) => `标题${String(i)}`).join('\n');
    const found = dir.write('ten-titles.csv', `${titles}\n身份证号,姓名\n${ID},张三\n`);
    expect((await collect(readFeedFile(found, options()))).map((r) => r.record.姓名)).toEqual(['张三']);
    const tooDeep = dir.write('eleven-titles.csv', `${titles}\n身份证号\n身份证号,姓名\n${ID},张三\n`);
    const { error, before } = await failure(readFeedFile(tooDeep, options()));
    expect(error).toMatchObject({ code: 'INGEST_MISSING_COLUMNS', params: { columns: '姓名' } });
    expect(before).toEqual([]);
  });

  it('refuses an empty file', async () => {
    const file = dir.write('empty.csv', '\n\n');
    const { error } = await failure(readFeedFile(file, options()));
    expect(error.code).toBe('INGEST_UNREADABLE_FILE');
  });

  it('reports a record with the wrong number of fields and reads on', async () => {
    const file = dir.write('fields.csv', `身份证号,姓名,金额\n${ID},张三\n${ID},李四,1,多余\n${ID},王五,2\n`);
    const records = await collect(readFeedFile(file, options()));
    expect(records.map((r) => [r.line, r.problem?.code])).toEqual([
      [2, 'INGEST_MALFORMED_RECORD'],
      [3, 'INGEST_MALFORMED_RECORD'],
      [4, undefined],
    ]);
    expect(records[0]?.record).toEqual({ 身份证号: ID, 姓名: '张三', 金额: '' });
  });

  it('reports a quote left open at the end of the file on that record', async () => {
    const file = dir.write('open.csv', `身份证号,姓名,金额\n${ID},张三,1\n${ID},"李四,2\n${ID},王五,3\n`);
    const records = await collect(readFeedFile(file, options()));
    expect(records).toHaveLength(2);
    expect(records[1]?.line).toBe(3);
    expect(records[1]?.problem?.code).toBe('INGEST_MALFORMED_RECORD');
    expect(records[1]?.problem?.params.reason).toContain('引号');
  });

  it('stops at a stray quote that would swallow more than the line limit', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${ID},n${i},${i}`);
    const file = dir.write('stray.csv', `身份证号,姓名,金额\n${ID},"oops,1\n${rows.join('\n')}\n`);
    const { error, before } = await failure(readFeedFile(file, options({ maxLineBytes: 1000 })));
    expect(error.code).toBe('INGEST_UNREADABLE_FILE');
    expect(zh(error)).toContain('第2行');
    expect(before).toEqual([]);
  });

  it('refuses binary garbage with a clear AppError', async () => {
    // The reader yields the lines before the first bad byte (by design), so pure random bytes
    // whose first line happened to decode were refused for their header instead (CI saw it
    // again): the garbage starts with a byte invalid in UTF-8 and GBK alike, as below.
    const random = dir.write('random.csv', Buffer.concat([Buffer.from([0xff]), randomBytes(200_000)]));
    expect(['INGEST_UNREADABLE_FILE', 'INGEST_ENCODING']).toContain(
      (await failure(readFeedFile(random, options()))).error.code,
    );
    // Random bytes without NUL: still not text. The first byte is invalid in UTF-8 and GBK
    // alike so the header line itself fails; otherwise a short first line of random bytes can
    // happen to decode and the file is refused for its header instead (CI saw it once).
    const noNul = Buffer.concat([
      Buffer.from([0xff, 0x41]),
      Buffer.from(randomBytes(5000).map((b) => (b === 0 ? 1 : b))),
    ]);
    const noNulError = (await failure(readFeedFile(dir.write('nonul.csv', noNul), options()))).error;
    expect(noNulError.code).toBe('INGEST_ENCODING');
    expect(noNulError.params.line).toBe(1);
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(100),
    ]);
    const pngError = (await failure(readFeedFile(dir.write('image.csv', png), options()))).error;
    expect(pngError.code).toBe('INGEST_UNREADABLE_FILE');
    expect(zh(pngError)).toContain('PNG');
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), randomBytes(100)]);
    const zipError = (await failure(readFeedFile(dir.write('zip.csv', zip), options()))).error;
    expect(zh(zipError)).toContain('XLSX');
  });

  it('refuses a NUL byte in the middle of a text file with its line, after the lines before it', async () => {
    const file = dir.write('nul.csv', `身份证号,姓名\n${ID},甲\n${ID},乙\0\n${ID},丙\n`);
    const { error, before } = await failure(readFeedFile(file, options()));
    expect(error.code).toBe('INGEST_UNREADABLE_FILE');
    expect(zh(error)).toContain('第3行');
    expect(before.map((r) => r.line)).toEqual([2]);
  });

  it('refuses a 10 MB line with INGEST_LINE_TOO_LONG and its line number', async () => {
    const file = dir.write(
      'long.csv',
      `身份证号,姓名\n${ID},甲\n${ID},${'长'.repeat(3_500_000)}\n${ID},乙\n`,
    );
    const { error, before } = await failure(readFeedFile(file, options()));
    expect(error.code).toBe('INGEST_LINE_TOO_LONG');
    expect(error.params).toEqual({ line: 3, limit: 1024 * 1024 });
    expect(before.map((r) => r.line)).toEqual([2]);
  });

  it.skipIf(process.platform === 'win32')(
    'refuses an overlong line without waiting for its end (the line is not accumulated)',
    async () => {
      // A pipe that sends 2 MiB of one line and then stays open: a reader that kept the line
      // until its line feed would wait forever, this one must stop after the first MiB.
      const fifo = dir.path('endless.csv');
      execFileSync('mkfifo', [fifo]);
      const writer = createWriteStream(fifo);
      writer.on('error', () => {
        // the reader closing its end first is expected
      });
      writer.write(`身份证号,姓名\n${ID},`);
      for (let i = 0; i < 32; i++) writer.write('x'.repeat(65536));
      try {
        const { error } = await failure(readFeedFile(fifo, options()));
        expect(error).toMatchObject({ code: 'INGEST_LINE_TOO_LONG', params: { line: 2 } });
      } finally {
        writer.destroy();
      }
    },
    10_000,
  );

  it('applies a smaller line limit inside one chunk, at the right line', async () => {
    const file = dir.write('limit.csv', `身份证号,姓名\n${ID},甲\n${ID},${'x'.repeat(200)}\n`);
    const { error, before } = await failure(readFeedFile(file, options({ maxLineBytes: 100 })));
    expect(error.params).toEqual({ line: 3, limit: 100 });
    expect(before).toHaveLength(1);
  });

  it('refuses bytes that turn invalid mid-way through a UTF-8 file, with the line, after the good lines', async () => {
    const good = Array.from({ length: 5000 }, (_, i) => `${ID},张三${i}`);
    const bytes = Buffer.concat([
      Buffer.from(`身份证号,姓名\n${good.join('\n')}\n`),
      encodeGbk(`${ID},李四\n`),
      Buffer.from(`${ID},王五\n`),
    ]);
    const file = dir.write('turns-bad.csv', bytes);
    const { error, before } = await failure(readFeedFile(file, options()));
    expect(error.code).toBe('INGEST_ENCODING');
    expect(error.params).toEqual({ line: 5002 });
    expect(before).toHaveLength(5000);
  });

  it('honours an explicit encoding: GBK content in a UTF-8 feed is refused at line 1', async () => {
    const file = dir.write('explicit.csv', encodeGbk(`身份证号,姓名\n${ID},张三\n`));
    const { error } = await failure(readFeedFile(file, options({ encoding: 'utf-8' })));
    expect(error).toMatchObject({ code: 'INGEST_ENCODING', params: { line: 1 } });
    const [record] = await collect(readFeedFile(file, options({ encoding: 'gbk' })));
    expect(record?.record.姓名).toBe('张三');
  });

  it('skips records through a line when resuming, counting lines inside quotes', async () => {
    const file = dir.write('resume.csv', `${quoted.join('\n')}\n`);
    const records = await collect(readFeedFile(file, options({ skipThroughLine: 5 })));
    expect(records.map((r) => r.line)).toEqual([6, 7]);
    const fromQuoted = await collect(readFeedFile(file, options({ skipThroughLine: 4 })));
    expect(fromQuoted.map((r) => r.line)).toEqual([5, 6, 7]);
  });

  it('gives records or an AppError for any bytes, never another exception (property)', async () => {
    const pieces = ['身份证号,姓名\n', '"', ',', '\n', '\r', 'a', ' ', '中', '\uFEFF', ID];
    const token = fc.oneof(
      fc.constantFrom(...pieces).map((t) => Buffer.from(t)),
      fc.uint8Array({ minLength: 1, maxLength: 4 }).map((b) => Buffer.from(b)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(token, { maxLength: 60 }),
        fc.constantFrom('auto', 'utf-8', 'gbk'),
        async (parts, encoding) => {
          const file = dir.write('any.csv', Buffer.concat([Buffer.from('身份证号,姓名\n'), ...parts]));
          try {
            for await (const record of readFeedFile(file, options({ encoding, maxLineBytes: 64 }))) {
              expect(record.line).toBeGreaterThan(1);
            }
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads back whatever an RFC 4180 writer writes, with line numbers (property)', async () => {
    const cell = fc.stringMatching(/^[a-z中文 ,"\n]{0,8}$/);
    const row = fc.tuple(cell, cell, cell);
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 30 }), fc.boolean(), async (rows, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const quote = (v: string): string => (/[,"\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
        // Rows that would be blank are not records: keep the first cell non-blank.
        const data = rows.map(([a, b, c]) => [`k${a}`, b, c]);
        const text = ['a,b,c', ...data.map((r) => r.map(quote).join(','))].join(eol);
        const file = dir.write(
          'property.csv',
          crlf ? text.replaceAll('\n', '\r\n').replaceAll('\r\r\n', '\r\n') : text,
        );
        const records = await collect(
          readFeedFile(file, options({ expectedColumns: ['a', 'b', 'c'], requiredColumns: ['a'] })),
        );
        const norm = (v: string): string => (crlf ? v.replaceAll('\n', '\r\n') : v).trim();
        let line = 2;
        const expected = data.map((r) => {
          const result = { line, record: { a: norm(r[0] ?? ''), b: norm(r[1] ?? ''), c: norm(r[2] ?? '') } };
          line += 1 + r.join('').split('\n').length - 1;
          return result;
        });
        expect(records).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
