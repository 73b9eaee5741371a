import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { testFieldCipher } from '../../core/fieldCipher.ts';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { readCountyDivisions } from '../../areas/chinaDivision.ts';
import { importAreaRecords } from '../../areas/importAreas.ts';
import { makeResidentId, computeCheckDigit } from '../../registry/residentId/index.ts';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { flushAudit } from '../../access/audit/auditWriter.ts';
import { findAuditRecords } from '../../access/audit/auditRepository.ts';
import { loadFeeds } from '../feeds/loadFeeds.ts';
import { findImport, listImportRejects } from './ingestRepository.ts';
import { runImport, type IngestContext, type SourceRecord } from './runImport.ts';
import type { ImportTable } from '../../db/schema.ts';
import { forEachRecordHash, moveRecentKeys } from './ingestRepository.ts';
import { bulkWrite } from '../../db/dialects/bulkWrite.ts';
import { recordsOf } from '../testing/recordsOf.ts';

const variables = loadVariableCatalogue();
const feeds = loadFeeds(variables);
const population = feeds.get('public_security_population');
const disability = feeds.get('disabled_federation_certificates');
if (!population || !disability) throw new Error('shipped feeds missing');
const village = '371082101201';
const otherVillage = '371082101202';

const idOf = (i: number) =>
  makeResidentId('371082', `19${String(50 + (i % 40))}-03-0${1 + (i % 9)}`, 100 + i);
const personRow = (i: number, overrides: Record<string, string> = {}): Record<string, string> => ({
  公民身份号码: idOf(i),
  姓名: `测试${String(i)}`,
  户号: `H${String(Math.floor(i / 3)).padStart(8, '0')}`,
  性别: Number(idOf(i).charAt(16)) % 2 === 1 ? '1' : '2',
  与户主关系: i % 3 === 0 ? '02' : '10',
  户籍地区划代码: village,
  居住地区划代码: i % 2 === 0 ? village : otherVillage,
  婚姻状况: '20',
  登记日期: '20250101',
  ...overrides,
});

describeEachDatabase('runImport', (getDb) => {
  let context: IngestContext;
  let held: Set<string>;
  beforeAll(async () => {
    const { db } = getDb();
    await importAreaRecords(db, readCountyDivisions('371082'), '2023-12-31');
    context = { db, cipher: testFieldCipher(), variables };
    held = new Set((await db.selectFrom('areas').select('code').execute()).map((a) => a.code));
  });

  const run = (feedRows: Record<string, string>[], sha: string, feed = population, batchSize = 4) =>
    runImport(context, {
      feed,
      fileName: `${feed.id}.csv`,
      sha256: sha,
      bytes: 1000,
      open: recordsOf(feedRows),
      startedBy: 'test',
      batchSize,
      today: '2026-11-29',
      heldAreaCodes: held,
    });

  it('registers persons and hukou households from the population feed, counts reconciling', async () => {
    const { db } = getDb();
    const rows = Array.from({ length: 10 }, (_, i) => personRow(i));
    const bad = idOf(10).slice(0, 17) + (computeCheckDigit(idOf(10).slice(0, 17)) === '0' ? '1' : '0');
    rows.push(personRow(10, { 公民身份号码: bad }));
    rows.push(personRow(11, { 居住地区划代码: '999999999999' }));
    rows.push(personRow(0)); // the same row again
    const result = await run(rows, 'sha-pop-1');
    expect(result).toMatchObject({
      status: 'completed',
      received: 13,
      accepted: 10,
      rejected: 2,
      duplicate: 1,
    });
    expect(result.received).toBe(result.accepted + result.rejected + result.duplicate);
    expect(result.persons_created).toBe(10);
    const households = await db
      .selectFrom('hukou_households')
      .selectAll()
      .where('hukou_number', 'like', 'H%')
      .execute();
    expect(households).toHaveLength(4); // ten persons, three to a booklet
    const members = await db.selectFrom('hukou_members').select('household_id').execute();
    expect(members.length).toBeGreaterThanOrEqual(10);
    // Marital status arrived as a fact with its source, import and line.
    const facts = await db.selectFrom('facts').selectAll().where('variable', '=', 'marital_status').execute();
    expect(facts).toHaveLength(10);
    expect(facts[0]).toMatchObject({
      source: 'public_security',
      import_id: result.id,
      observed_at: '2025-01-01',
    });
    expect(facts.map((f) => f.source_line).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 2),
    );

    // Rejected rows are kept, encrypted, with every problem named.
    const rejects = await listImportRejects(db, result.id, 0, 10);
    expect(rejects.map((r) => r.line)).toEqual([12, 13]);
    expect(rejects[0]?.record_enc).not.toContain(bad);
    expect(JSON.parse(context.cipher.decrypt(rejects[0]?.record_enc ?? ''))).toMatchObject({
      公民身份号码: bad,
    });
    expect(JSON.parse(context.cipher.decrypt(rejects[1]?.problems_enc ?? ''))).toEqual([
      expect.objectContaining({ column: '居住地区划代码', code: 'INGEST_BAD_VALUE' }),
    ]);
    // A raw look finds no ID number in clear anywhere the import wrote.
    const dump = JSON.stringify(await db.selectFrom('import_rejects').selectAll().execute());
    expect(dump).not.toContain(idOf(10).slice(0, 17));
  });

  it('changes nothing when the same file comes again', async () => {
    const { db } = getDb();
    const count = async () =>
      Number(
        (await sql<{ n: number | string }>`select count(*) as n from facts`.execute(db)).rows[0]?.n ?? 0,
      );
    const before = await count();
    const rows = Array.from({ length: 10 }, (_, i) => personRow(i));
    const again = await run(rows, 'sha-pop-2');
    expect(again).toMatchObject({
      received: 10,
      accepted: 0,
      rejected: 0,
      duplicate: 10,
      persons_created: 0,
    });
    expect(await count()).toBe(before);
  });

  it('keeps each record key in one of its two tables, and finds a repeated record in either (ADR 0028)', async () => {
    const { db } = getDb();
    const keysOf = async (table: 'ingest_keys' | 'ingest_keys_recent', importId: string) =>
      (await db.selectFrom(table).select('record_hash').where('import_id', '=', importId).execute()).map(
        (k) => k.record_hash,
      );
    // Earlier tests' keys moved out first, so that what follows counts only this import's.
    await bulkWrite(db, moveRecentKeys(db, 0));
    // Batches of four, keys moved once the small table holds six: the second batch moves eight,
    // the last five stay. Row 9 repeats row 1 (moved by then).
    const rows = Array.from({ length: 14 }, (_, i) => personRow(i === 9 ? 61 : 60 + i));
    const options = { batchSize: 4, today: '2026-11-29' as const, heldAreaCodes: held, startedBy: 'test' };
    const first = await runImport(context, {
      ...options,
      feed: population,
      fileName: 'recent.csv',
      sha256: 'sha-pop-recent',
      bytes: 100,
      open: recordsOf(rows),
      recentKeysToMove: 6,
    });
    expect(first).toMatchObject({ received: 14, accepted: 13, duplicate: 1 });
    const moved = await keysOf('ingest_keys', first.id);
    const recent = await keysOf('ingest_keys_recent', first.id);
    expect([moved.length, recent.length]).toEqual([8, 5]);
    expect(moved.filter((h) => recent.includes(h))).toEqual([]);
    // The same rows again: each found, wherever its key is.
    const again = await runImport(context, {
      ...options,
      feed: population,
      fileName: 'recent-again.csv',
      sha256: 'sha-pop-recent-again',
      bytes: 100,
      open: recordsOf(rows),
      recentKeysToMove: 6,
    });
    expect(again).toMatchObject({ received: 14, accepted: 0, duplicate: 14 });
  });

  it('sees what the batch before wrote, even while the background writer may still be committing it', async () => {
    const { db } = getDb();
    // Batches of two: the third row repeats the first (written by the batch before), the fourth
    // is a new record about a person the batch before registered.
    const rows = [personRow(20), personRow(21), personRow(20), personRow(21, { 婚姻状况: '10' })];
    const result = await runImport(context, {
      feed: population,
      fileName: 'pipeline.csv',
      sha256: 'sha-pop-pipeline',
      bytes: 100,
      open: recordsOf(rows),
      startedBy: 'test',
      batchSize: 2,
      today: '2026-11-29',
      heldAreaCodes: held,
      backgroundWriter: true,
    });
    expect(result).toMatchObject({ received: 4, accepted: 3, duplicate: 1, rejected: 0, persons_created: 2 });
    const persons = await db
      .selectFrom('persons')
      .select('id')
      .where('name', 'in', ['测试20', '测试21'])
      .execute();
    expect(persons).toHaveLength(2);
    const facts = await db
      .selectFrom('facts')
      .select(['subject_id', 'value_json'])
      .where('import_id', '=', result.id)
      .orderBy('source_line')
      .execute();
    expect(facts.map((f) => f.value_json)).toEqual(['"20"', '"20"', '"10"']);
    expect(facts[1]?.subject_id).toBe(facts[2]?.subject_id);
  });

  it('adds a department’s facts to registered persons, and rejects rows about unknown ones', async () => {
    const { db } = getDb();
    const rows: Record<string, string>[] = [
      {
        身份证号: idOf(1),
        姓名: '测试1',
        残疾类别: '4',
        残疾等级: '二级',
        发证日期: '2024/5/6',
        有效期至: '2034/5/6',
      },
      {
        身份证号: idOf(2),
        姓名: '测试2',
        残疾类别: '9',
        残疾等级: '一级',
        发证日期: '2024/5/6',
        有效期至: '',
      },
      {
        身份证号: makeResidentId('371082', '1990-01-01', 901),
        残疾类别: '1',
        残疾等级: '1',
        发证日期: '2024/5/6',
      },
    ];
    const result = await run(rows, 'sha-dis-1', disability);
    expect(result).toMatchObject({ received: 3, accepted: 1, rejected: 2, duplicate: 0, facts_recorded: 2 });
    const facts = await db
      .selectFrom('facts')
      .selectAll()
      .where('import_id', '=', result.id)
      .orderBy('variable')
      .execute();
    expect(facts.map((f) => [f.variable, JSON.parse(f.value_json) as unknown, f.valid_to])).toEqual([
      ['disability_grade', '2', '2034-05-06'],
      ['disability_type', 'physical', '2034-05-06'],
    ]);
    const problems = (await listImportRejects(db, result.id, 0, 10)).map(
      (r) => (JSON.parse(context.cipher.decrypt(r.problems_enc)) as { code: string }[])[0]?.code,
    );
    expect(problems).toEqual(['INGEST_UNKNOWN_CODE', 'INGEST_PERSON_NOT_FOUND']);
    await flushAudit(db);
    const [audit] = await findAuditRecords(db, { subjectId: result.id, limit: 1 });
    expect(audit).toMatchObject({ action: 'ingest.import', actor: 'test', outcome: 'success' });
  });

  it('resumes an interrupted import from its checkpoint, ending where an uninterrupted one would', async () => {
    const { db } = getDb();
    const rows = Array.from({ length: 9 }, (_, i) => personRow(40 + i));
    // The worker died after its second batch: its checkpoint says line 9 (8 records of 4-row batches).
    let yielded = 0;
    const dying = (skip: number): AsyncIterable<SourceRecord> =>
      (async function* () {
        for await (const r of recordsOf(rows)(skip)) {
          if (++yielded > 9) throw new Error('killed');
          yield r;
        }
        throw new Error('killed');
      })();
    await expect(
      runImport(context, {
        feed: population,
        fileName: 'p.csv',
        sha256: 'sha-resume',
        bytes: 1,
        open: dying,
        startedBy: 'test',
        batchSize: 4,
        heldAreaCodes: held,
      }),
    ).rejects.toThrow('killed');
    // A kill leaves the import running, not failed: simulate it by restoring that state.
    const dead = await db
      .selectFrom('imports')
      .selectAll()
      .where('file_sha256', '=', 'sha-resume')
      .executeTakeFirstOrThrow();
    expect(dead.checkpoint_line).toBe(9);
    const again = () =>
      runImport(context, {
        feed: population,
        fileName: 'p.csv',
        sha256: 'sha-resume',
        bytes: 1,
        open: recordsOf(rows),
        startedBy: 'test',
        batchSize: 4,
        heldAreaCodes: held,
      });
    const leave = (worker: string, updatedAt: string) =>
      db
        .updateTable('imports')
        .set({ status: 'running', worker, updated_at: updatedAt })
        .where('id', '=', dead.id)
        .execute();
    // Another machine's import that checkpointed a minute ago is alive: not taken over.
    await leave('other-host:4242', new Date(Date.now() - 60_000).toISOString());
    await expect(again()).rejects.toMatchObject({ code: 'IMPORT_IN_PROGRESS' });
    // Silent for eleven minutes, it is dead and is resumed. (A killed local process: test/ingestResume.test.ts.)
    await leave('other-host:4242', new Date(Date.now() - 11 * 60_000).toISOString());
    const resumed = await again();
    expect(resumed.id).toBe(dead.id);
    expect(resumed).toMatchObject({ status: 'completed', received: 9, accepted: 9, persons_created: 9 });
    expect(await findImport(db, dead.id)).toMatchObject({ checkpoint_line: 10, status: 'completed' });
  });

  it('looks up every record once another import of the feed has run since it began', async () => {
    const { db } = getDb();
    // The first import's filter of known keys was filled before the second import wrote the
    // same rows: trusted still, it would take them for new, and their keys would collide.
    const rows = Array.from({ length: 6 }, (_, i) => personRow(500 + i));
    let overtaking: ImportTable | undefined;
    const first = await runImport(context, {
      feed: population,
      fileName: 'first.csv',
      sha256: 'sha-overtaken-1',
      bytes: 1000,
      open: () =>
        (async function* () {
          for (const [i, record] of rows.entries()) {
            // After the first batch has committed, another file with the last four rows comes in whole.
            if (i === 2) overtaking = await run(rows.slice(2), 'sha-overtaken-2');
            yield { line: i + 2, record };
          }
        })(),
      startedBy: 'test',
      batchSize: 2,
      heldAreaCodes: held,
    });
    expect(overtaking).toMatchObject({ status: 'completed', received: 4, accepted: 4, duplicate: 0 });
    expect(first).toMatchObject({ status: 'completed', received: 6, accepted: 2, duplicate: 4 });
    // And an import of the feed that starts afterwards finds them all without looking each up.
    const again = await run(rows, 'sha-overtaken-3');
    expect(again).toMatchObject({ received: 6, accepted: 0, duplicate: 6 });
    // The filter's source: every key of the feed, from both tables, once (in pages of two on PostgreSQL).
    const seen: string[] = [];
    const count = await forEachRecordHash(db, population.id, (h) => seen.push(h), 2);
    const stored = await sql<{
      record_hash: string;
    }>`select record_hash from ingest_keys where feed_id = ${population.id}
      union all select record_hash from ingest_keys_recent where feed_id = ${population.id}`.execute(db);
    expect(count).toBe(seen.length);
    expect(seen.sort()).toEqual(stored.rows.map((r) => r.record_hash).sort());
    expect(seen.length).toBeGreaterThan(6);
  });

  it('moves a registered person to the booklet a later population file lists them under, once', async () => {
    const { db } = getDb();
    const i = 300;
    await run([personRow(i, { 户号: 'MOVE-OLD', 与户主关系: '02' })], 'sha-move-1');
    const later = [personRow(i, { 户号: 'MOVE-NEW', 与户主关系: '10', 登记日期: '20260301' })];
    await run(later, 'sha-move-2');
    // The same content in another file changes nothing more.
    await run([...later, personRow(i + 1, { 户号: 'MOVE-NEW', 与户主关系: '02' })], 'sha-move-3');
    const memberships = await db
      .selectFrom('hukou_members')
      .innerJoin('hukou_households', 'hukou_households.id', 'hukou_members.household_id')
      .innerJoin('persons', 'persons.id', 'hukou_members.person_id')
      .select([
        'hukou_households.hukou_number',
        'hukou_members.relationship',
        'hukou_members.joined_on',
        'hukou_members.left_on',
      ])
      .where('persons.name', '=', `测试${String(i)}`)
      .orderBy('hukou_members.id')
      .execute();
    expect(memberships).toEqual([
      { hukou_number: 'MOVE-OLD', relationship: '02', joined_on: null, left_on: '2026-03-01' },
      { hukou_number: 'MOVE-NEW', relationship: '10', joined_on: '2026-03-01', left_on: null },
    ]);
  });

  it('keeps people whose lives cross the county line: living in another county, or registered in one', async () => {
    const { db } = getDb();
    const rows = [
      // Registered here, living in 环翠区 (another county of the prefecture).
      personRow(400, { 户号: 'AWAY-1', 与户主关系: '02', 居住地区划代码: '371002000000' }),
      // Non-local residents: a Harbin booklet, living in a village here (N1).
      personRow(401, { 户号: 'HRB-1', 与户主关系: '02', 户籍地区划代码: '230102000000' }),
      personRow(402, { 户号: 'HRB-1', 与户主关系: '10', 户籍地区划代码: '230102000000' }),
      // Neither a division code in use nor ours: refused as before.
      personRow(403, { 户号: 'BAD-1', 居住地区划代码: '990000000000' }),
    ];
    const result = await run(rows, 'sha-elsewhere-1');
    expect(result).toMatchObject({ received: 4, accepted: 3, rejected: 1, duplicate: 0 });
    const people = await db
      .selectFrom('persons')
      .select(['name', 'residence_area_code', 'residence_elsewhere', 'hukou_area_code'])
      .where('name', 'in', ['测试400', '测试401', '测试402', '测试403'])
      .orderBy('name')
      .execute();
    expect(people).toEqual([
      {
        name: '测试400',
        residence_area_code: null,
        residence_elsewhere: '371002000000',
        hukou_area_code: village,
      },
      {
        name: '测试401',
        residence_area_code: otherVillage,
        residence_elsewhere: null,
        hukou_area_code: '230102000000',
      },
      {
        name: '测试402',
        residence_area_code: village,
        residence_elsewhere: null,
        hukou_area_code: '230102000000',
      },
    ]);
    const households = await db
      .selectFrom('hukou_households')
      .select(['hukou_number', 'area_code', 'hukou_area_elsewhere'])
      .where('hukou_number', 'in', ['AWAY-1', 'HRB-1'])
      .orderBy('hukou_number')
      .execute();
    // The non-local household stands where its first member lives, its hukou area kept.
    expect(households).toEqual([
      { hukou_number: 'AWAY-1', area_code: village, hukou_area_elsewhere: null },
      { hukou_number: 'HRB-1', area_code: otherVillage, hukou_area_elsewhere: '230102000000' },
    ]);
    const rejects = await listImportRejects(db, result.id, 0, 10);
    expect(JSON.parse(context.cipher.decrypt(rejects[0]?.problems_enc ?? ''))).toEqual([
      expect.objectContaining({ column: '居住地区划代码', code: 'INGEST_BAD_VALUE' }),
    ]);
  });
});
