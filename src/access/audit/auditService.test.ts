import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { dropAppendOnly, makeAppendOnly } from '../../db/dialects/appendOnly.ts';
import { findAuditRecords } from './auditRepository.ts';
import { recordAudit, verifyAudit } from './auditService.ts';

describeEachDatabase('audit chain', (getDb) => {
  beforeEach(async () => {
    // Each test starts from an empty chain: clearing it needs the trigger out of the way.
    const { db } = getDb();
    await dropAppendOnly(db, 'audit_log');
    await db.deleteFrom('audit_log').execute();
    await db
      .updateTable('audit_head')
      .set({ last_id: 0, last_hash: '0'.repeat(64) })
      .execute();
    await makeAppendOnly(db, 'audit_log');
  });

  const fill = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await recordAudit(getDb().db, {
        actor: 'u1',
        action: 'person.view',
        subjectType: 'person',
        subjectId: `p${i}`,
        ip: '127.0.0.1',
      });
    }
  };

  it('chains records and verifies an untouched chain', async () => {
    await fill(5);
    const { db } = getDb();
    expect(await verifyAudit(db, 2)).toEqual({ ok: true, checked: 5 });
    const records = await findAuditRecords(db, { subjectType: 'person', subjectId: 'p3', limit: 10 });
    expect(records).toHaveLength(1);
    expect(records[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses updates and deletes in the database itself', async () => {
    await fill(2);
    const { db } = getDb();
    await expect(
      db.updateTable('audit_log').set({ actor: 'someone-else' }).where('id', '=', 1).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').where('id', '=', 2).execute()).rejects.toThrow(/append-only/);
  });

  it('detects an altered record', async () => {
    await fill(4);
    const { db } = getDb();
    await dropAppendOnly(db, 'audit_log');
    await db.updateTable('audit_log').set({ subject_id: 'someone-else' }).where('id', '=', 3).execute();
    expect(await verifyAudit(db)).toMatchObject({
      ok: false,
      checked: 2,
      problem: { kind: 'altered', id: 3, message: '审计记录3的内容已被篡改（SM3校验不符）' },
    });
  });

  it('detects a deleted record in the middle and a cut-off tail', async () => {
    await fill(5);
    const { db } = getDb();
    await dropAppendOnly(db, 'audit_log');
    await db.deleteFrom('audit_log').where('id', '=', 2).execute();
    expect(await verifyAudit(db)).toMatchObject({
      ok: false,
      problem: { kind: 'gap', id: 2, message: '审计记录2至2缺失（被删除）' },
    });
    await sql`delete from audit_log where id >= 2`.execute(db);
    expect(await verifyAudit(db)).toMatchObject({
      ok: false,
      problem: { kind: 'truncated', message: '审计链末尾记录2至5缺失（被删除）' },
    });
  });
});
