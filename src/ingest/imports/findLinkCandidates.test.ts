import { describe, expect, it } from 'vitest';
import { describeEachDatabase, openTestDatabase } from '../../db/testing/eachDatabase.ts';
import { insertPersonRows } from '../../registry/persons/personRepository.ts';
import { CompiledQuery } from 'kysely';
import { findLinkCandidates, linkCandidateQueries } from './ingestRepository.ts';

const person = (id: string, name: string, birth: string, merged: string | null = null) => ({
  id,
  id_number_enc: `enc-${id}`,
  id_number_hash: `hash-${id}`,
  name,
  sex: 'female' as const,
  birth_date: birth,
  death_date: null,
  hukou_area_code: null,
  residence_area_code: null,
  phone_enc: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  merged_into: merged,
});

describeEachDatabase('findLinkCandidates', (getDb) => {
  it('finds holders of the name with the birth date a row gives, and every holder for a row without one', async () => {
    const { db } = getDb();
    await insertPersonRows(db, [
      person('p1', '王芳', '1980-01-01'),
      person('p2', '王芳', '1980-01-01'),
      person('p3', '王芳', '1975-05-05'),
      person('p4', '李娜', '1990-02-02'),
      person('p5', '李娜', '1991-03-03'),
      person('p6', '李娜', '1990-02-02', 'p4'), // merged away: never a candidate
      person('p7', '张伟', '1960-06-06'),
    ]);
    const ids = async (wanted: { name: string; birthDate?: string }[]) =>
      (await findLinkCandidates(db, wanted)).map((c) => c.id).sort();

    expect(await ids([{ name: '王芳', birthDate: '1980-01-01' }])).toEqual(['p1', 'p2']);
    expect(await ids([{ name: '李娜', birthDate: '1990-02-02' }])).toEqual(['p4']);
    expect(await ids([{ name: '李娜', birthDate: '1999-09-09' }])).toEqual([]);
    // A row without a birth date needs every holder; one with it in the same batch adds nothing twice.
    expect(
      await ids([
        { name: '李娜', birthDate: '1990-02-02' },
        { name: '李娜' },
        { name: '王芳', birthDate: '1975-05-05' },
      ]),
    ).toEqual(['p3', 'p4', 'p5']);
    expect(await ids([])).toEqual([]);
    const [found] = await findLinkCandidates(db, [{ name: '张伟', birthDate: '1960-06-06' }]);
    expect(found).toEqual({ id: 'p7', name: '张伟', birth_date: '1960-06-06', hukou_number: null });
  });
});

// At a county's size a plan through any other index read every person for each batch (migration
// 0024). SQLite only: PostgreSQL plans by statistics it gathers itself.
describe('findLinkCandidates on SQLite', () => {
  it('is planned through the index by name and birth date, whether a row gives a birth date or not', async () => {
    const test = await openTestDatabase('sqlite');
    try {
      const queries = linkCandidateQueries(test.db, [
        { name: '王芳', birthDate: '1980-01-01' },
        { name: '李娜' },
      ]);
      expect(queries).toHaveLength(2);
      for (const query of queries) {
        const compiled = query.compile();
        const plan = await test.db.executeQuery<{ detail: string }>(
          CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
        );
        const persons = plan.rows.map((r) => r.detail).filter((d) => / persons /.test(`${d} `));
        expect(persons).toHaveLength(1);
        expect(persons[0]).toMatch(/USING (COVERING )?INDEX persons_name_birth/);
      }
    } finally {
      await test.dispose();
    }
  });
});
