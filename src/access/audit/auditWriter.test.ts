import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../db/createDatabase.ts';
import { describeEachDatabase, testPostgresUrl } from '../../db/testing/eachDatabase.ts';
import { readAuditHead, readAuditRecords } from './auditRepository.ts';
import { recordAudit, verifyAudit } from './auditService.ts';
import { flushAudit } from './auditWriter.ts';

const entry = (actor: string, i: number) => ({
  actor,
  action: 'person.view',
  subjectType: 'person',
  subjectId: `p${i}`,
  ip: '127.0.0.1',
});

describeEachDatabase('audit writer: group commit and several processes', (getDb) => {
  // A second handle on the same database stands in for another API process: its own
  // connections and its own idea of the chain head.
  let other: DatabaseHandle;
  beforeAll(async () => {
    const { db, dialect, handle } = getDb();
    if (dialect === 'sqlite') {
      other = createDatabase({ sqliteFile: handle.location });
    } else {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
      other = createDatabase({ url: testPostgresUrl, schema: rows[0]?.schema ?? '' });
    }
  });
  afterAll(async () => {
    await other.close();
  });

  it('chains 50 concurrent records without a break, each caller getting its own id', async () => {
    const { db } = getDb();
    const before = (await readAuditHead(db)).last_id;
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => recordAudit(db, entry('u1', i))));
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => before + 1 + i));
    // Each promise settled after its record was committed: all 50 are readable now.
    const records = await readAuditRecords(db, before, 100);
    expect(records.map((r) => r.subject_id).sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `p${i}`).sort(),
    );
    expect(await verifyAudit(db)).toMatchObject({ ok: true });
  });

  it('keeps one unbroken chain when two processes append at the same time', async () => {
    const { db } = getDb();
    const before = (await readAuditHead(db)).last_id;
    // Both writers now hold a head in memory; each batch of the one makes the other's stale.
    await recordAudit(other.db, entry('warm-up', 0));
    await Promise.all([
      ...Array.from({ length: 25 }, (_, i) => recordAudit(db, entry('a', i))),
      ...Array.from({ length: 25 }, (_, i) => recordAudit(other.db, entry('b', i))),
    ]);
    const records = await readAuditRecords(db, before, 100);
    expect(records).toHaveLength(51);
    expect(records.filter((r) => r.actor === 'a')).toHaveLength(25);
    expect(records.filter((r) => r.actor === 'b')).toHaveLength(25);
    expect(await verifyAudit(db)).toMatchObject({ ok: true });
    expect(await verifyAudit(other.db)).toMatchObject({ ok: true });
  });

  it('refuses, in the database, a record that does not continue the head', async () => {
    const { db } = getDb();
    const head = await readAuditHead(db);
    const forged = {
      id: head.last_id + 1,
      at: new Date().toISOString(),
      actor: 'x',
      action: 'person.view',
      subject_type: null,
      subject_id: null,
      area_code: null,
      ip: null,
      outcome: 'success' as const,
      detail_json: null,
      prev_hash: '1'.repeat(64),
      hash: '2'.repeat(64),
    };
    await expect(db.insertInto('audit_log').values(forged).execute()).rejects.toThrow(
      /audit chain head moved/,
    );
    expect(await verifyAudit(db)).toMatchObject({ ok: true });
  });

  it('refuses a batch that continues the head but leaves a hole in the ids, as a whole', async () => {
    const { db } = getDb();
    await flushAudit(db);
    const head = await readAuditHead(db);
    const row = (id: number, prev: string) => ({
      id,
      at: new Date().toISOString(),
      actor: 'x',
      action: 'person.view',
      subject_type: null,
      subject_id: null,
      area_code: null,
      ip: null,
      outcome: 'success' as const,
      detail_json: null,
      prev_hash: prev,
      hash: String(id).padStart(64, 'f'),
    });
    const first = row(head.last_id + 1, head.last_hash);
    const skipping = row(head.last_id + 3, first.hash);
    await expect(db.insertInto('audit_log').values([first, skipping]).execute()).rejects.toThrow(
      /audit chain head moved/,
    );
    expect(await readAuditHead(db)).toEqual(head);
    expect(await verifyAudit(db)).toMatchObject({ ok: true });
  });
});
