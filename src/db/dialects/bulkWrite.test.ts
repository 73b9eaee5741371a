import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/eachDatabase.ts';
import { asJsonBytes, bulkWrite, MAX_JSON_CHARS, type BulkStep } from './bulkWrite.ts';
import { openSqliteWriter } from './sqliteWriter.ts';

const at = '2026-11-30T00:00:00.000Z';
const setting = (key: string, value: string) => ({
  key,
  value_json: value,
  updated_at: at,
  updated_by: null,
});
/**
 * A batch as an import writes one: two rows, then its checkpoint moved from `after` to `to` by
 * an update guarded on `after` (the shape of `writeBatch`, on a table with four columns).
 */
const batch = (prefix: string, after: number, to: number): BulkStep[] => [
  {
    kind: 'insert',
    table: 'settings',
    rows: [setting(`${prefix}.${String(to)}.a`, '1'), setting(`${prefix}.${String(to)}.b`, '1')],
  },
  {
    kind: 'update',
    table: 'settings',
    set: { value_json: String(to) },
    where: { key: `${prefix}.checkpoint`, value_json: String(after) },
    expectRows: 1,
  },
];

describeEachDatabase('bulkWrite', (getDb) => {
  it('rolls the whole transaction back when a guarded update changes another number of rows', async () => {
    const { db, dialect } = getDb();
    // SQLite twice: on the main connection, and through a background writer.
    const writers = dialect === 'sqlite' ? [undefined, openSqliteWriter(db)] : [undefined];
    for (const [n, writer] of writers.entries()) {
      const prefix = `t${String(n)}`;
      await db
        .insertInto('settings')
        .values(setting(`${prefix}.checkpoint`, '0'))
        .execute();
      await bulkWrite(db, batch(prefix, 0, 10), writer);
      // Built on a checkpoint no longer there (a batch before it failed): refused, nothing kept.
      await expect(bulkWrite(db, batch(prefix, 0, 20), writer)).rejects.toThrow(/changed 0 rows, not 1/);
      await bulkWrite(db, batch(prefix, 10, 20), writer);
      await writer?.close();
      const rows = await db
        .selectFrom('settings')
        .select(['key', 'value_json'])
        .where('key', 'like', `${prefix}.%`)
        .orderBy('key')
        .execute();
      expect(rows).toEqual([
        { key: `${prefix}.10.a`, value_json: '1' },
        { key: `${prefix}.10.b`, value_json: '1' },
        { key: `${prefix}.20.a`, value_json: '1' },
        { key: `${prefix}.20.b`, value_json: '1' },
        { key: `${prefix}.checkpoint`, value_json: '20' },
      ]);
    }
  });

  it('writes each row its own values where a column is the same in all rows but the last', async () => {
    const { db, dialect } = getDb();
    // Columns the same in every row are bound once per statement (`fixed`): one that differs
    // only in its last row, or is null in some rows, must not be taken for one of them.
    const writers = dialect === 'sqlite' ? [undefined, openSqliteWriter(db)] : [undefined];
    for (const [n, writer] of writers.entries()) {
      const rows = ['a', 'b', 'c'].map((k, i) => ({
        ...setting(`f${String(n)}.${k}`, i === 2 ? '2' : '1'),
        updated_by: i === 0 ? null : 'staff',
      }));
      await bulkWrite(db, [{ kind: 'insert', table: 'settings', rows }], writer);
      await writer?.close();
      const stored = await db
        .selectFrom('settings')
        .select(['key', 'value_json', 'updated_at', 'updated_by'])
        .where('key', 'like', `f${String(n)}.%`)
        .orderBy('key')
        .execute();
      expect(stored).toEqual(
        rows.map(({ key, value_json, updated_at, updated_by }) => ({
          key,
          value_json,
          updated_at,
          updated_by,
        })),
      );
    }
  });

  it('stores text, nulls and integers exactly as given and in the order given, lone surrogates as binding does', async () => {
    const { db, dialect } = getDb();
    // On SQLite the rows go as one JSON parameter (ADR 0033); the texts a JSON string must escape.
    const texts = [
      'plain',
      'quote " and \' apostrophe',
      'back\\slash',
      'line\nbreak\ttab',
      '张三丰',
      '😀 astral',
      '',
      '\u0001',
      'café',
    ];
    const fact = (value: string, line: number | null) => ({
      subject_type: 'person' as const,
      subject_id: `bulk-json-${dialect}`,
      variable: 'note',
      value_json: value,
      source: 'test',
      observed_at: '2026-11-01',
      valid_from: '2026-11-01',
      valid_to: line === null ? null : '2026-12-01',
      recorded_at: at,
      import_id: null,
      source_line: line,
    });
    const writers = dialect === 'sqlite' ? [undefined, openSqliteWriter(db)] : [undefined];
    for (const [n, writer] of writers.entries()) {
      const variable = `note${String(n)}`;
      const rows = texts.map((t, i) => ({ ...fact(t, i === 3 ? null : 2_000_000_000 + i), variable }));
      // A lone surrogate cannot go through JSON unchanged: that batch is bound value by value.
      const lone = { ...fact('half \ud800 pair', 7), variable };
      await bulkWrite(db, [{ kind: 'insert', table: 'facts', rows }], writer);
      await bulkWrite(db, [{ kind: 'insert', table: 'facts', rows: [lone] }], writer);
      await writer?.close();
      const stored = (name: string) =>
        db
          .selectFrom('facts')
          .select(['value_json', 'valid_to', 'source_line', 'recorded_at', 'import_id'])
          .where('variable', '=', name)
          .orderBy('id')
          .execute();
      const expected = rows.map((r) => ({
        value_json: r.value_json,
        valid_to: r.valid_to,
        source_line: r.source_line,
        recorded_at: r.recorded_at,
        import_id: null,
      }));
      // The lone surrogate is stored as an ordinary bound insert stores it.
      await db
        .insertInto('facts')
        .values({ ...lone, variable: `${variable}.bound` })
        .execute();
      expect(await stored(variable)).toEqual([...expected, ...(await stored(`${variable}.bound`))]);
    }
  });

  it('writes rows given as values with the columns they share, each text as given', async () => {
    const { db, dialect } = getDb();
    // Each batch's JSON is another kind of string: ASCII only, Latin-1 (one byte a character
    // in V8, two in UTF-8) and CJK (two bytes a character in V8) — each sent to a background
    // writer as bytes (asJsonBytes).
    const batches = [
      ['plain', 'ascii "quoted"'],
      ['café', 'naïve'],
      ['张三丰', '😀'],
    ];
    const writers = dialect === 'sqlite' ? [undefined, openSqliteWriter(db)] : [undefined];
    for (const [n, writer] of writers.entries()) {
      const subject = `bulk-values-${dialect}-${String(n)}`;
      for (const [b, texts] of batches.entries())
        await bulkWrite(
          db,
          [
            {
              kind: 'values',
              table: 'facts',
              columns: ['variable', 'value_json', 'source_line', 'valid_to'],
              rows: texts.map((t, i) => [`v${String(b)}`, t, b * 10 + i, i === 0 ? null : '2026-12-01']),
              shared: {
                subject_type: 'person',
                subject_id: subject,
                source: 'test',
                observed_at: '2026-11-01',
                valid_from: '2026-11-01',
                recorded_at: at,
              },
            },
          ],
          writer,
        );
      await writer?.close();
      const stored = await db
        .selectFrom('facts')
        .select(['variable', 'value_json', 'source_line', 'valid_to', 'source', 'recorded_at'])
        .where('subject_id', '=', subject)
        .orderBy('id')
        .execute();
      expect(stored).toEqual(
        batches.flatMap((texts, b) =>
          texts.map((t, i) => ({
            variable: `v${String(b)}`,
            value_json: t,
            source_line: b * 10 + i,
            valid_to: i === 0 ? null : '2026-12-01',
            source: 'test',
            recorded_at: at,
          })),
        ),
      );
    }
  });

  it('writes rows in the order of the column asked for, rows with equal values in the order given', async () => {
    const { db, dialect } = getDb();
    // Three ways to the table: one JSON parameter sorted by the statement (SQLite, on the main
    // connection and on a writer), rows bound one by one (a lone surrogate keeps them out of
    // JSON) and multi-row INSERTs (PostgreSQL) — the last two sorted before they are sent.
    const writers = dialect === 'sqlite' ? [undefined, openSqliteWriter(db)] : [undefined];
    const subjects = ['c', 'a', 'b', 'a', 'c', 'a'];
    for (const [n, writer] of writers.entries()) {
      for (const lone of [false, true]) {
        const variable = `ordered${String(n)}${lone ? 'lone' : ''}`;
        await bulkWrite(
          db,
          [
            {
              kind: 'values',
              table: 'facts',
              columns: ['subject_id', 'value_json', 'source_line'],
              rows: subjects.map((s, i) => [`${variable}-${s}`, lone ? 'half \ud800' : 'x', i]),
              shared: {
                subject_type: 'person',
                variable,
                source: 'test',
                observed_at: '2026-11-01',
                valid_from: '2026-11-01',
                recorded_at: at,
              },
              orderBy: 0,
            },
          ],
          writer,
        );
        const stored = await db
          .selectFrom('facts')
          .select(['subject_id', 'source_line'])
          .where('variable', '=', variable)
          .orderBy('id')
          .execute();
        expect(stored.map((r) => `${r.subject_id.slice(-1)}${String(r.source_line)}`)).toEqual([
          'a1',
          'a3',
          'a5',
          'b2',
          'c0',
          'c4',
        ]);
      }
      await writer?.close();
    }
  });
});

describe('asJsonBytes', () => {
  const text = (values: unknown[][]) => asJsonBytes(values)?.toString('utf8');

  it('gives text, nulls and safe integers as JSON, and nothing for what JSON would not store as binding does', () => {
    expect(
      text([
        ['a"b', 7, null],
        ['张', -1, ''],
      ]),
    ).toBe('[["a\\"b",7,null],["张",-1,""]]');
    expect(text([])).toBe('[]');
    expect(asJsonBytes([['a', 1.5]])).toBeUndefined();
    expect(asJsonBytes([['a', 2 ** 53]])).toBeUndefined();
    expect(asJsonBytes([['a', true]])).toBeUndefined();
    expect(asJsonBytes([['a', Buffer.from('x')]])).toBeUndefined();
    expect(asJsonBytes([['half \ud800']])).toBeUndefined();
    // Found in any part, at either end of a pair; a text that merely reads like the escape is JSON.
    const many = Array.from({ length: 300 }, (_, i) => [`row ${String(i)}`]);
    expect(asJsonBytes(many.map((r, i) => (i === 200 ? ['\udfff low half'] : r)))).toBeUndefined();
    expect(text([['back\\ud800 slash', 'pair 😀']])).toBe('[["back\\\\ud800 slash","pair 😀"]]');
    // Too long for one SQLite text: bound value by value instead.
    expect(asJsonBytes([['x'.repeat(MAX_JSON_CHARS)]])).toBeUndefined();
  });

  it('writes many rows part by part, each part in its own encoding, into exactly the JSON of all', () => {
    // Parts of 64 rows: ASCII ones, one with Latin-1, one with CJK and astral characters, and a
    // short last one; the part boundaries fall on rows 64, 128, …
    const rows = Array.from({ length: 300 }, (_, i) => [
      i === 70 ? 'café' : i === 150 ? '张三丰 😀' : `row ${String(i)}`,
      i,
      i % 7 === 0 ? null : 'x"\\\n',
    ]);
    for (const n of [1, 63, 64, 65, 128, 129, 300]) {
      const values = rows.slice(0, n);
      const bytes = asJsonBytes(values);
      expect(bytes?.toString('utf8'), String(n)).toBe(JSON.stringify(values));
      expect(bytes?.byteLength).toBe(Buffer.byteLength(JSON.stringify(values)));
    }
  });
});
