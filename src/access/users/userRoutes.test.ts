import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { buildTestApp, injectAs, signIn, type Inject } from '../../http/testing/buildTestApp.ts';
import type { ErrorBody } from '../../http/errorHandler.ts';
import { findAuditRecords } from '../audit/auditRepository.ts';
import { setupDemoAccounts } from './setupAccounts.ts';
import { defaultSecurityPolicy } from '../auth/securityPolicy.ts';

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

  it('the security administrator edits a role, refused where it would break the separation', async () => {
    const patch = (code: string, payload: object) =>
      asSec({ method: 'PATCH', url: `/api/roles/${code}`, payload });
    await asSec({
      method: 'POST',
      url: '/api/roles',
      payload: {
        code: 'viewer',
        nameZh: '查阅',
        nameEn: 'Viewer',
        permissions: ['registry:person:view'],
        dataScope: 'area_only',
      },
    });
    const changed = await patch('viewer', {
      nameZh: '查阅人员',
      permissions: ['registry:person:view', 'registry:fact:view'],
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({
      code: 'viewer',
      nameZh: '查阅人员',
      nameEn: 'Viewer',
      permissions: ['registry:person:view', 'registry:fact:view'],
      dataScope: 'area_only',
      builtin: false,
    });
    const [record] = await findAuditRecords(getDb().db, { action: 'role.update', limit: 1 });
    expect(JSON.parse(record?.detail_json ?? '{}')).toMatchObject({
      before: { nameZh: '查阅', permissions: ['registry:person:view'] },
      after: { nameZh: '查阅人员' },
    });

    const mixed = await patch('viewer', { permissions: ['registry:person:view', 'system:user:manage'] });
    expect(mixed.json<ErrorBody>().error.code).toBe('ROLE_SEPARATION');

    // A holder of the role and a business role may not end up with an administrator family.
    const orgs = (await asSys({ method: 'GET', url: '/api/organisations' })).json<{
      items: { id: string; kind: string }[];
    }>().items;
    const office = orgs.find((o) => o.kind === 'township_office');
    if (!office) throw new Error('no township office');
    const user = await asSys({
      method: 'POST',
      url: '/api/users',
      payload: {
        username: 'zhao.min',
        displayName: '赵敏',
        organisationId: office.id,
        roleCodes: ['viewer', 'township_staff'],
      },
    });
    expect(user.statusCode).toBe(201);
    const combined = await patch('viewer', { permissions: ['audit:record:view'] });
    expect(combined.statusCode).toBe(400);
    expect(combined.json<ErrorBody>().error).toMatchObject({ code: 'ROLE_SEPARATION' });
    expect(combined.json<ErrorBody>().error.message).toContain('zhao.min');

    // Built-in administrator roles may be renamed, nothing more.
    const renamed = await patch('system_admin', { nameZh: '系统管理员（荣成）' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ nameZh: '系统管理员（荣成）', builtin: true });
    const narrowed = await patch('system_admin', { permissions: ['system:user:manage'] });
    expect(narrowed.statusCode).toBe(400);
    expect(narrowed.json<ErrorBody>().error.code).toBe('BUILTIN_ROLE_PROTECTED');
    const scoped = await patch('audit_admin', { dataScope: 'area_only' });
    expect(scoped.json<ErrorBody>().error.code).toBe('BUILTIN_ROLE_PROTECTED');
    const swapped = await patch('security_admin', {
      permissions: ['audit:record:view', 'audit:record:export'],
    });
    expect(swapped.json<ErrorBody>().error.code).toBe('BUILTIN_ROLE_PROTECTED');

    const empty = await patch('viewer', {});
    expect(empty.json<ErrorBody>().error.details).toEqual([
      { path: 'body', code: 'FIELD_TOO_FEW_PROPERTIES', message: '至少需要填写1个字段' },
    ]);
    const twice = await patch('viewer', { permissions: ['registry:person:view', 'registry:person:view'] });
    expect(twice.json<ErrorBody>().error.details[0]).toMatchObject({
      path: 'body.permissions',
      code: 'FIELD_DUPLICATE_ITEMS',
    });
    expect((await patch('nobody', { nameZh: '无' })).statusCode).toBe(404);
    const bySys = await asSys({ method: 'PATCH', url: '/api/roles/viewer', payload: { nameZh: '改' } });
    expect(bySys.statusCode).toBe(403);
  });

  it('keeps the security administrator’s edits of built-in roles when the accounts are set up again', async () => {
    const edited = await asSec({
      method: 'PATCH',
      url: '/api/roles/department_staff',
      payload: { nameZh: '协作部门人员', permissions: ['areas:area:view', 'registry:person:view'] },
    });
    expect(edited.statusCode).toBe(200);
    await setupDemoAccounts(getDb().db, defaultSecurityPolicy, '371082000000');
    const roles = (await asSec({ method: 'GET', url: '/api/roles' })).json<{
      items: { code: string; nameZh: string; permissions: string[] }[];
    }>().items;
    expect(roles.find((r) => r.code === 'department_staff')).toMatchObject({
      nameZh: '协作部门人员',
      permissions: ['areas:area:view', 'registry:person:view'],
    });
    expect(roles.find((r) => r.code === 'system_admin')).toMatchObject({
      nameZh: '系统管理员（荣成）',
      permissions: [
        'system:user:manage',
        'system:organisation:manage',
        'system:config:manage',
        'system:calendar:manage',
      ],
    });
  });

  it('lists the permission catalogue with each permission’s administrator family', async () => {
    const res = await asSec({ method: 'GET', url: '/api/permissions' });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: { permission: string; labelZh: string; family: string | null }[] }>()
      .items;
    expect(items).toContainEqual({
      permission: 'system:config:manage',
      labelZh: '管理系统参数与字典',
      family: 'system',
    });
    expect(items).toContainEqual({
      permission: 'audit:record:export',
      labelZh: '导出审计记录',
      family: 'audit',
    });
    expect(items).toContainEqual({ permission: 'registry:person:view', labelZh: '查看人员', family: null });
    expect((await asSys({ method: 'GET', url: '/api/permissions' })).statusCode).toBe(403);
  });

  it('changes a user’s roles, names an unknown role, and keeps 三员分立 and the last administrator', async () => {
    const users = (await asSys({ method: 'GET', url: '/api/users?limit=500' })).json<{
      items: { id: string; username: string; roles: string[] }[];
    }>().items;
    const id = (name: string) => users.find((u) => u.username === name)?.id ?? '';
    const county = id('county');
    const rolesOf = async (userId: string) =>
      (await asSys({ method: 'GET', url: '/api/users?limit=500' }))
        .json<{ items: { id: string; roles: string[] }[] }>()
        .items.find((u) => u.id === userId)?.roles;

    const changed = await asSys({
      method: 'PUT',
      url: `/api/users/${county}/roles`,
      payload: { roleCodes: ['county_staff', 'department_staff'] },
    });
    expect(changed.statusCode).toBe(200);
    expect((await rolesOf(county))?.sort()).toEqual(['county_staff', 'department_staff']);
    const [record] = await findAuditRecords(getDb().db, { action: 'user.roles.change', limit: 1 });
    expect(JSON.parse(record?.detail_json ?? '{}')).toEqual({
      before: ['county_staff'],
      after: expect.arrayContaining(['county_staff', 'department_staff']) as unknown,
    });

    const unknown = await asSys({
      method: 'PUT',
      url: `/api/users/${county}/roles`,
      payload: { roleCodes: ['county_staff', 'no_such_role'] },
    });
    expect(unknown.json<ErrorBody>().error.details[0]).toMatchObject({
      path: 'body.roleCodes[1]',
      code: 'ROLE_NOT_FOUND',
    });
    const mixed = await asSys({
      method: 'PUT',
      url: `/api/users/${county}/roles`,
      payload: { roleCodes: ['county_staff', 'audit_admin'] },
    });
    expect(mixed.json<ErrorBody>().error.code).toBe('ROLE_SEPARATION');
    const lastAuditor = await asSys({
      method: 'PUT',
      url: `/api/users/${id('auditadmin')}/roles`,
      payload: { roleCodes: ['county_staff'] },
    });
    expect(lastAuditor.statusCode).toBe(409);
    expect(lastAuditor.json<ErrorBody>().error.message).toContain('审计管理员');
    expect(await rolesOf(county)).toHaveLength(2);
    expect(await rolesOf(id('auditadmin'))).toEqual(['audit_admin']);
    // The security administrator cannot do the system administrator's job.
    const bySec = await asSec({
      method: 'PUT',
      url: `/api/users/${county}/roles`,
      payload: { roleCodes: ['county_staff'] },
    });
    expect(bySec.statusCode).toBe(403);
  });
});
