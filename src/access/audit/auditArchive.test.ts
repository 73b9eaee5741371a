import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { todayInChina } from '../../core/isoDate.ts';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { archiveAudit, verifyArchiveFile } from './auditArchive.ts';
import { readAuditRecords } from './auditRepository.ts';
import { monthsBefore } from './auditRetention.ts';
import { recordAudit, verifyAudit } from './auditService.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-archive-'));
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

it('counts retention months back to the same day, clamped to the month end', () => {
  expect(monthsBefore('2026-11-29', 6)).toBe('2026-05-29');
  expect(monthsBefore('2026-08-31', 6)).toBe('2026-02-28');
  expect(monthsBefore('2024-08-31', 6)).toBe('2024-02-29');
  expect(monthsBefore('2026-03-15', 12)).toBe('2025-03-15');
});

describeEachDatabase('audit archive and retention', (getDb) => {
  let file = '';
  beforeAll(async () => {
    const { db, dialect } = getDb();
    file = path.join(dir, `archive-${dialect}.jsonl`);
    // Five records from early 2025, then three from today.
    for (let i = 1; i <= 5; i++) {
      await recordAudit(
        db,
        { actor: 'u1', action: 'person.view', subjectType: 'person', subjectId: `old${i}` },
        `2025-01-0${i}T02:00:00.000Z`,
      );
    }
    for (let i = 1; i <= 3; i++) {
      await recordAudit(db, {
        actor: 'u1',
        action: 'person.view',
        subjectType: 'person',
        subjectId: `new${i}`,
      });
    }
  });

  it('refuses a cut-off inside the retention period, or a period under six months', async () => {
    const { db } = getDb();
    // The limit itself is allowed; the day after it is not.
    const tooLate = monthsBefore(todayInChina(), 6);
    const dayAfter = new Date(Date.parse(`${tooLate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await expect(archiveAudit(db, { before: dayAfter, out: file })).rejects.toMatchObject({
      code: 'AUDIT_RETENTION',
      params: { months: 6, latest: tooLate },
    });
    await expect(
      archiveAudit(db, { before: '2025-06-01', out: file, retentionMonths: 3 }),
    ).rejects.toMatchObject({ code: 'AUDIT_RETENTION_MINIMUM' });
    await expect(archiveAudit(db, { before: '2025-02-30', out: file })).rejects.toMatchObject({
      code: 'INVALID_DATE',
    });
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses any other delete or update in the database itself', async () => {
    const { db } = getDb();
    await expect(db.deleteFrom('audit_log').where('id', '=', 1).execute()).rejects.toThrow(/append-only/);
    await expect(
      db.updateTable('audit_log').set({ actor: 'x' }).where('id', '=', 1).execute(),
    ).rejects.toThrow(/append-only/);
  });

  it('archives the old records to a file with the anchor, and the live chain still verifies', async () => {
    const { db } = getDb();
    const result = await archiveAudit(db, { before: '2025-06-01', out: file, retentionMonths: 12 });
    expect(result).toMatchObject({ count: 5, firstId: 1, throughId: 5 });
    const live = await readAuditRecords(db, 0, 100);
    expect(live.map((r) => r.subject_id)).toEqual(['new1', 'new2', 'new3', null]);
    expect(live.at(-1)?.action).toBe('audit.archive');
    expect(await verifyAudit(db)).toEqual({ ok: true, checked: 4 });
    expect(await verifyArchiveFile(file)).toMatchObject({
      ok: true,
      checked: 5,
      anchor: { id: 5, hash: result.anchorHash },
    });
    // The anchor is where the remaining chain starts.
    expect(live[0]?.prev_hash).toBe(result.anchorHash);
    // Nothing more is old enough; an existing file is never overwritten.
    expect(await archiveAudit(db, { before: '2025-06-01', out: `${file}.2` })).toEqual({ count: 0 });
    await expect(archiveAudit(db, { before: '2025-06-01', out: file })).rejects.toMatchObject({
      code: 'AUDIT_ARCHIVE_EXISTS',
    });
  });

  it('detects an edited, a deleted or a cut-off record in an archive file', async () => {
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const edited = `${file}.edited`;
    fs.writeFileSync(edited, lines.map((l) => l.replace('"old3"', '"other"')).join('\n'));
    expect(await verifyArchiveFile(edited)).toMatchObject({ ok: false, problem: { kind: 'altered', id: 3 } });
    const deleted = `${file}.deleted`;
    fs.writeFileSync(deleted, lines.filter((_, i) => i !== 2).join('\n'));
    expect(await verifyArchiveFile(deleted)).toMatchObject({ ok: false, problem: { kind: 'gap', id: 2 } });
    const cut = `${file}.cut`;
    fs.writeFileSync(cut, lines.slice(0, -2).join('\n'));
    expect(await verifyArchiveFile(cut)).toMatchObject({ ok: false, problem: { kind: 'truncated' } });
  });

  it('keeps refusing to delete records younger than six months, even under a forged anchor', async () => {
    const { db } = getDb();
    const young = (await readAuditRecords(db, 0, 100)).find((r) => r.subject_id === 'new1');
    await db
      .insertInto('audit_archive')
      .values({
        id: 99,
        archived_at: new Date().toISOString(),
        before_date: '2099-01-01',
        first_id: 1,
        through_id: 1000,
        anchor_hash: '0'.repeat(64),
        record_count: 0,
        file_name: 'forged',
        file_sm3: '0'.repeat(64),
      })
      .execute();
    await expect(
      db
        .deleteFrom('audit_log')
        .where('id', '=', young?.id ?? 0)
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_archive').execute()).rejects.toThrow(/append-only/);
  });
});
