import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import {
  buildTestApp,
  ensureTestAccounts,
  injectAs,
  signIn,
  type Inject,
} from '../http/testing/buildTestApp.ts';
import type { ErrorBody } from '../http/errorHandler.ts';
import { listChildren } from '../areas/areaRepository.ts';
import { makeResidentId } from './residentId/index.ts';
import type { PersonDto } from './persons/personDto.ts';
import { findAuditRecords } from '../access/audit/auditRepository.ts';
import { flushAudit } from '../access/audit/auditWriter.ts';

describeEachDatabase('person merge routes', (getDb) => {
  let app: FastifyInstance;
  let asTownship: Inject;
  let village = '';
  let farVillage = '';
  let seq = 600;

  const register = async (name: string, birthDate: string, residence = village) => {
    seq += 2; // odd sequences only: one sex, so same-name pairs are candidates
    const res = await app.inject({
      method: 'POST',
      url: '/api/persons',
      payload: {
        idNumber: makeResidentId('371082', birthDate, seq + 1),
        name,
        residenceAreaCode: residence,
        hukouAreaCode: residence,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<PersonDto>();
  };

  beforeAll(async () => {
    const test = getDb();
    await ensureTestAccounts(test);
    const towns = (await listChildren(test.db, '371082000000')).filter((a) => a.kind === 'town');
    const [town, otherTown] = towns;
    if (!town || !otherTown) throw new Error('Rongcheng has towns');
    village = (await listChildren(test.db, town.code))[0]?.code ?? '';
    farVillage = (await listChildren(test.db, otherTown.code))[0]?.code ?? '';
    app = await buildTestApp(test);
    // A role holding the merge permission at township scope, to see the scope refusal.
    await test.db
      .updateTable('roles')
      .set({
        permissions_json: JSON.stringify([
          'areas:area:view',
          'registry:person:view',
          'registry:person:edit',
          'registry:person:merge',
        ]),
      })
      .where('code', '=', 'township_staff')
      .execute();
    asTownship = injectAs(app, await signIn(app, 'township'));
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists candidates masked, merges with a reason, resolves the duplicate, shows history, splits back — all audited', async () => {
    const survivor = await register('陈卫东', '1966-10-01');
    const duplicate = await register('陈卫东', '1966-10-01');
    const candidates = await app.inject({
      method: 'GET',
      url: `/api/person-merge-candidates?area=${village}`,
    });
    expect(candidates.statusCode).toBe(200);
    const pair = candidates
      .json<{ items: { kind: string; differentIdNumbers: boolean; first: PersonDto; second: PersonDto }[] }>()
      .items.find(
        (c) => [c.first.id, c.second.id].sort().join() === [survivor.id, duplicate.id].sort().join(),
      );
    expect(pair).toMatchObject({ kind: 'name_birth', differentIdNumbers: true });
    expect(pair?.first.idNumberMasked).toContain('*');

    const unconfirmed = await app.inject({
      method: 'POST',
      url: '/api/person-merges',
      payload: { survivorId: survivor.id, duplicateId: duplicate.id, reason: '同一人' },
    });
    expect(unconfirmed.statusCode).toBe(409);
    expect(unconfirmed.json<ErrorBody>().error.code).toBe('MERGE_DIFFERENT_IDS');
    expect(unconfirmed.json<ErrorBody>().error.message).toContain('身份证号码不同');

    const merged = await app.inject({
      method: 'POST',
      url: '/api/person-merges',
      payload: {
        survivorId: survivor.id,
        duplicateId: duplicate.id,
        reason: '户籍民警核实为同一人',
        confirmDifferentIds: true,
      },
    });
    expect(merged.statusCode, merged.body).toBe(201);
    const merge = merged.json<{ id: string; status: string; confirmedDifferentIds: boolean }>();
    expect(merge).toMatchObject({ status: 'merged', confirmedDifferentIds: true });

    const viaDuplicate = await app.inject({ method: 'GET', url: `/api/persons/${duplicate.id}` });
    expect(viaDuplicate.json()).toMatchObject({ id: survivor.id, mergedFrom: duplicate.id });
    expect(viaDuplicate.json<{ notice: string }>().notice).toContain('已合并');
    const listed = await app.inject({ method: 'GET', url: `/api/persons?area=${village}&q=陈卫东` });
    expect(listed.json<{ items: PersonDto[] }>().items.map((p) => p.id)).toEqual([survivor.id]);

    const again = await app.inject({
      method: 'POST',
      url: '/api/person-merges',
      payload: {
        survivorId: duplicate.id,
        duplicateId: survivor.id,
        reason: '再合并',
        confirmDifferentIds: true,
      },
    });
    expect(again.json<ErrorBody>().error.code).toBe('MERGE_ALREADY_MERGED');
    const self = await app.inject({
      method: 'POST',
      url: '/api/person-merges',
      payload: { survivorId: survivor.id, duplicateId: survivor.id, reason: '自己' },
    });
    expect([self.statusCode, self.json<ErrorBody>().error.code]).toEqual([400, 'MERGE_SELF']);

    const split = await app.inject({
      method: 'POST',
      url: `/api/person-merges/${merge.id}/split`,
      payload: { reason: '经核实是两个人' },
    });
    expect(split.statusCode, split.body).toBe(200);
    expect(split.json()).toMatchObject({ status: 'split', splitReason: '经核实是两个人' });
    const history = await app.inject({ method: 'GET', url: `/api/persons/${duplicate.id}/merges` });
    expect(history.json<{ items: unknown[] }>().items).toEqual([
      expect.objectContaining({
        id: merge.id,
        status: 'split',
        reason: '户籍民警核实为同一人',
        survivorName: '陈卫东',
        mergedByName: expect.any(String) as string,
      }),
    ]);
    const back = await app.inject({ method: 'GET', url: `/api/persons/${duplicate.id}` });
    expect(back.json()).toMatchObject({ id: duplicate.id });
    expect(back.json<{ mergedFrom?: string }>().mergedFrom).toBeUndefined();

    await flushAudit(getDb().db);
    const actions = (await findAuditRecords(getDb().db, { limit: 500 })).map(
      (r) => `${r.action}:${r.subject_id ?? ''}`,
    );
    expect(actions).toContain(`person.merge:${merge.id}`);
    expect(actions).toContain(`person.merge.split:${merge.id}`);
    expect(actions).toContain(`person.merges.view:${duplicate.id}`);
    expect(actions).toContain('person.merge.candidates:');
  });

  it('refuses a caller without the permission, and persons outside the caller’s scope', async () => {
    const near = await register('刘洋', '1990-02-02');
    const far = await register('刘洋', '1990-02-02', farVillage);
    const village = await signIn(app, 'village');
    const denied = await injectAs(
      app,
      village,
    )({
      method: 'POST',
      url: '/api/person-merges',
      payload: { survivorId: near.id, duplicateId: far.id, reason: '同一人', confirmDifferentIds: true },
    });
    expect(denied.statusCode).toBe(403);
    for (const [survivorId, duplicateId] of [
      [near.id, far.id],
      [far.id, near.id],
    ]) {
      const res = await asTownship({
        method: 'POST',
        url: '/api/person-merges',
        payload: { survivorId, duplicateId, reason: '同一人', confirmDifferentIds: true },
      });
      expect(res.statusCode).toBe(404);
      expect(res.json<ErrorBody>().error.code).toBe('PERSON_NOT_FOUND');
    }
    // The township sees no pair whose other half lies outside it.
    const candidates = await asTownship({
      method: 'GET',
      url: `/api/person-merge-candidates?area=${near.residenceAreaCode ?? ''}`,
    });
    const ids = candidates
      .json<{ items: { first: PersonDto; second: PersonDto }[] }>()
      .items.flatMap((c) => [c.first.id, c.second.id]);
    expect(ids).not.toContain(far.id);
    // The county merges them; the township cannot split that merge (it cannot see one of them).
    const merged = await app.inject({
      method: 'POST',
      url: '/api/person-merges',
      payload: { survivorId: near.id, duplicateId: far.id, reason: '同一人', confirmDifferentIds: true },
    });
    const split = await asTownship({
      method: 'POST',
      url: `/api/person-merges/${merged.json<{ id: string }>().id}/split`,
      payload: { reason: '拆分' },
    });
    expect(split.json<ErrorBody>().error.code).toBe('MERGE_NOT_FOUND');
  });
});
