import { expect, it } from 'vitest';
import type { Insertable } from 'kysely';
import { describeEachDatabase } from '../testing/eachDatabase.ts';
import type { FactTable, ImportTable } from '../schema.ts';
import { bulkWrite, type BulkStep } from './bulkWrite.ts';
import { openSqliteWriter } from './sqliteWriter.ts';

const at = '2026-11-30T00:00:00.000Z';
const importRow = (id: string): ImportTable => ({
  id,
  feed_id: 'feed',
  file_name: 'f.csv',
  file_sha256: id,
  file_bytes: 1,
  status: 'running',
  received: 0,
  accepted: 0,
  rejected: 0,
  duplicate: 0,
  held_for_review: 0,
  persons_created: 0,
  facts_recorded: 0,
  checkpoint_line: 0,
  worker: 'test',
  error_code: null,
  error_message: null,
  started_by: 'test',
  started_at: at,
  updated_at: at,
  finished_at: null,
});
const fact = (importId: string, line: number): Insertable<FactTable> => ({
  subject_type: 'person',
  subject_id: 'p1',
  variable: 'age',
  value_json: '1',
  source: 'test',
  observed_at: '2026-11-30',
  valid_from: '2026-11-30',
  valid_to: null,
  recorded_at: at,
  import_id: importId,
  source_line: line,
});
/** A batch of facts that moves the import's checkpoint from `after` to `to`, guarded. */
const batch = (importId: string, after: number, to: number): BulkStep[] => [
  { kind: 'insert', table: 'facts', rows: [fact(importId, to), fact(importId, to)] },
  {
    kind: 'update',
    table: 'imports',
    set: { checkpoint_line: to },
    where: { id: importId, checkpoint_line: after },
    expectRows: 1,
  },
];

describeEachDatabase('bulkWrite', (getDb) => {
  it('rolls the whole transaction back when a guarded update changes another number of rows', async () => {
    const { db, dialect } = getDb();
    // SQLite twice: on the main connection, and through a background writer.
    const writers = dialect === 'sqlite' ? [undefined, openSqliteWriter(db)] : [undefined];
    for (const [n, writer] of writers.entries()) {
      const id = `import-${String(n)}`;
      await db.insertInto('imports').values(importRow(id)).execute();
      await bulkWrite(db, batch(id, 0, 10), writer);
      // Built on a checkpoint the import is no longer at (a batch before it failed): refused.
      await expect(bulkWrite(db, batch(id, 0, 20), writer)).rejects.toThrow(/changed 0 rows, not 1/);
      await bulkWrite(db, batch(id, 10, 20), writer);
      await writer?.close();
      const facts = await db
        .selectFrom('facts')
        .select('source_line')
        .where('import_id', '=', id)
        .orderBy('source_line')
        .execute();
      expect(facts.map((f) => f.source_line)).toEqual([10, 10, 20, 20]);
      const row = await db
        .selectFrom('imports')
        .select('checkpoint_line')
        .where('id', '=', id)
        .executeTakeFirst();
      expect(row?.checkpoint_line).toBe(20);
    }
  });
});
