import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { buildTestApp, injectAs, signIn, type Inject } from '../../http/testing/buildTestApp.ts';
import type { ErrorBody } from '../../http/errorHandler.ts';

describeEachDatabase('user and role administration', (getDb) => {
  let app: FastifyInstance;
  let asSys: Inject;
  let asSec: Inject;
  beforeAll(async () => {
    app = await buildTestApp(getDb(), { as: null });
    await (await buildTestApp(getDb())).close(); // creates Rongcheng and the demo accounts
    asSys = injectAs(app, await signIn(app, 'sysadmin'));
    asSec = injectAs(app, await signIn(app, 'secadmin'));
  });
  afterAll(async () => {
    await app.close();
  });

  it('the system administrator creates a user who must change the initial password first', async () => {
    const orgs = (await asSys({ method: 'GET', url: '/api/organisations' })).json<{
      items: { id: string; kind: string }[];
    }>().items;
    const office = orgs.find((o) => o.kind === 'township_office');
    if (!office) throw new Error('no township office');
    const created = await asSys({
      method: 'POST',
      url: '/api/users',
      payload: {
        username: 'wang.li',
        displayName: '王丽',
        organisationId: office.id,
        roleCodes: ['township_staff'],
      },
    });
    expect(created.statusCode).toBe(201);
    const { initialPassword } = created.json<{ initialPassword: string }>();
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'wang.li', password: initialPassword },
    });
    const token = login.json<{ token: string; user: { mustChangePassword: boolean } }>();
    expect(token.user.mustChangePassword).toBe(true);
    const asNew = injectAs(app, token.token);
    const blocked = await asNew({ method: 'GET', url: '/api/persons?area=371082' });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json<ErrorBody>().error).toMatchObject({
      code: 'PASSWORD_CHANGE_REQUIRED',
      message: '请先修改初始密码',
    });
    await asNew({
      method: 'POST',
      url: '/api/auth/password',
      payload: { oldPassword: initialPassword, newPassword: 'WangLi#Lidao2026' },
    });
    const again = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'wang.li', password: 'WangLi#Lidao2026' },
    });
    const asChanged = injectAs(app, again.json<{ token: string }>().token);
    expect((await asChanged({ method: 'GET', url: '/api/persons?area=371082' })).statusCode).toBe(200);

    const users = (await asSys({ method: 'GET', url: '/api/users' })).json<{
      items: { id: string; username: string }[];
    }>().items;
    const wang = users.find((u) => u.username === 'wang.li');
    if (!wang) throw new Error('user not listed');
    await asSys({ method: 'POST', url: `/api/users/${wang.id}/status`, payload: { disabled: true } });
    expect((await asChanged({ method: 'GET', url: '/api/persons?area=371082' })).statusCode).toBe(401);
  });

  it('keeps the three administrators apart', async () => {
    const mixed = await asSec({
      method: 'POST',
      url: '/api/roles',
      payload: {
        code: 'super_admin',
        nameZh: '超级管理员',
        nameEn: 'Super',
        permissions: ['system:user:manage', 'audit:record:view'],
        dataScope: 'all',
      },
    });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json<ErrorBody>().error.code).toBe('ROLE_SEPARATION');
    const fine = await asSec({
      method: 'POST',
      url: '/api/roles',
      payload: {
        code: 'reader',
        nameZh: '只读人员',
        nameEn: 'Reader',
        permissions: ['registry:person:view'],
        dataScope: 'area_only',
      },
    });
    expect(fine.statusCode).toBe(200);
    expect((await asSys({ method: 'GET', url: '/api/roles' })).statusCode).toBe(403);
    expect((await asSec({ method: 'GET', url: '/api/users' })).statusCode).toBe(403);
    const grant = await asSys({
      method: 'POST',
      url: '/api/users',
      payload: {
        username: 'boss',
        displayName: '全能',
        organisationId: '00000000-0000-4000-8000-000000000000',
        roleCodes: ['system_admin'],
      },
    });
    expect(grant.statusCode).toBe(400);
  });
});
