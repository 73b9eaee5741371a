import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { buildTestApp } from './testing/buildTestApp.ts';
import type { ErrorBody } from './errorHandler.ts';
import { readCountyDivisions } from '../areas/chinaDivision.ts';
import { importAreaRecords } from '../areas/importAreas.ts';
import { makeResidentId } from '../registry/residentId/index.ts';
import type { PersonDto } from '../registry/persons/personDto.ts';
import { countAuditRecords, findAuditRecords, readAuditHead } from '../access/audit/auditRepository.ts';
import { verifyAudit } from '../access/audit/auditService.ts';
import { auditUnavailable, flushAudit } from '../access/audit/auditWriter.ts';

describeEachDatabase('audit hook: queued reads, fail closed', (getDb) => {
  let app: FastifyInstance;
  let person: PersonDto;

  beforeAll(async () => {
    await importAreaRecords(getDb().db, readCountyDivisions('371082'), '2023-12-31');
    app = await buildTestApp(getDb());
    const res = await app.inject({
      method: 'POST',
      url: '/api/persons',
      payload: {
        idNumber: makeResidentId('371082', '1958-03-02', 21),
        name: '李秀英',
        residenceAreaCode: '371082101201',
      },
    });
    person = res.json<PersonDto>();
  });
  afterAll(async () => {
    await app.close();
  });

  const view = () => app.inject({ method: 'GET', url: `/api/persons/${person.id}` });

  it('commits a read’s record within milliseconds of the answer, without anyone flushing', async () => {
    const { db } = getDb();
    const before = await countAuditRecords(db);
    expect((await view()).statusCode).toBe(200);
    await expect.poll(() => countAuditRecords(db), { interval: 5 }).toBe(before + 1);
  });

  it('refuses audited routes while queued records cannot be written, and writes them once it can', async () => {
    const { db } = getDb();
    await flushAudit(db);
    const before = await countAuditRecords(db);
    // Take the chain's head away: every append now fails in the database.
    const head = await readAuditHead(db);
    await sql`delete from audit_head`.execute(db);

    // This read was answered before anyone could know its record would not go in…
    expect((await view()).statusCode).toBe(200);
    await expect(flushAudit(db)).rejects.toThrow();
    expect(auditUnavailable(db)).toBe(true);

    // …so from now on nothing audited is served, reads and searches alike.
    for (const url of [`/api/persons/${person.id}`, '/api/persons?area=371082101']) {
      const refused = await app.inject({ method: 'GET', url });
      expect(refused.statusCode, url).toBe(503);
      expect(refused.json<ErrorBody>().error).toMatchObject({
        code: 'AUDIT_UNAVAILABLE',
        message: '审计日志暂时无法写入，涉及个人信息的操作已暂停，请稍后再试',
      });
    }
    // Routes that touch no personal data keep working.
    expect((await app.inject({ method: 'GET', url: '/api/areas/371082000000' })).statusCode).toBe(200);

    // The head comes back: the kept record is written, in its place in the chain.
    await sql`insert into audit_head (id, last_id, last_hash) values (1, ${head.last_id}, ${head.last_hash})`.execute(
      db,
    );
    await flushAudit(db);
    expect(auditUnavailable(db)).toBe(false);
    expect(await countAuditRecords(db)).toBe(before + 1);
    const [kept] = await findAuditRecords(db, { subjectId: person.id, limit: 1 });
    expect(kept).toMatchObject({ action: 'person.view', outcome: 'success' });
    expect((await view()).statusCode).toBe(200);
    expect(await verifyAudit(db)).toMatchObject({ ok: true });
  });

  it('writes the queued records when the server closes', async () => {
    const { db } = getDb();
    const other = await buildTestApp(getDb());
    await flushAudit(db);
    const before = await countAuditRecords(db);
    await Promise.all(
      Array.from({ length: 5 }, () => other.inject({ method: 'GET', url: `/api/persons/${person.id}` })),
    );
    await other.close();
    expect(await countAuditRecords(db)).toBe(before + 5);
  });
});
