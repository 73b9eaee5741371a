import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { buildTestApp } from '../../http/testing/buildTestApp.ts';
import type { ErrorBody } from '../../http/errorHandler.ts';
import { readCountyDivisions } from '../../areas/chinaDivision.ts';
import { importAreaRecords } from '../../areas/importAreas.ts';
import { DEMO_PASSWORD, setupAdministrators, setupDemoAccounts } from '../users/setupAccounts.ts';
import { defaultSecurityPolicy } from './securityPolicy.ts';

describeEachDatabase('sign-in routes', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await importAreaRecords(getDb().db, readCountyDivisions('371082'), '2023-12-31');
    app = await buildTestApp(getDb(), { as: null });
  });
  afterAll(async () => {
    await app.close();
  });

  const signIn = (username: string, password: string) =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

  it('creates the demo accounts once, one per role, and signs each in', async () => {
    const accounts = await setupDemoAccounts(getDb().db, defaultSecurityPolicy, '371082000000');
    expect(accounts.map((a) => a.username)).toEqual([
      'county',
      'township',
      'village',
      'department',
      'sysadmin',
      'secadmin',
      'auditadmin',
    ]);
    expect(await setupDemoAccounts(getDb().db, defaultSecurityPolicy, '371082000000')).toEqual([]);
    expect(await setupAdministrators(getDb().db, defaultSecurityPolicy, '371082000000')).toEqual([]);
    const res = await signIn('village', DEMO_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      token: string;
      user: { dataScope: string; areaCode: string; permissionLabels: string[] };
    }>();
    expect(body.user.dataScope).toBe('area_only');
    expect(body.user.areaCode).toMatch(/^371082\d{6}$/);
    expect(body.user.permissionLabels).toContain('查看人员');
    const me = await app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(me.json<{ username: string }>().username).toBe('village');
  });

  it('says in Chinese how many attempts are left, then that the account is locked', async () => {
    const first = await signIn('department', 'wrong-password');
    expect(first.statusCode).toBe(401);
    expect(first.json<ErrorBody>().error).toMatchObject({
      code: 'LOGIN_FAILED',
      message: '用户名或密码错误，还可尝试4次',
    });
    for (let i = 0; i < 3; i++) await signIn('department', 'wrong-password');
    const locked = await signIn('department', 'wrong-password');
    expect(locked.statusCode).toBe(403);
    expect(locked.json<ErrorBody>().error.message).toBe('密码错误次数过多，账号已锁定，请10分钟后再试');
    expect((await signIn('department', DEMO_PASSWORD)).json<ErrorBody>().error.code).toBe('ACCOUNT_LOCKED');
  });

  it('requires a session for who-am-I and ends it on sign-out', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/auth/me' })).json<ErrorBody>().error).toMatchObject({
      code: 'AUTH_REQUIRED',
      message: '请先登录',
    });
    const { token } = (await signIn('county', DEMO_PASSWORD)).json<{ token: string }>();
    const headers = { authorization: `Bearer ${token}` };
    expect(
      (await app.inject({ method: 'POST', url: '/api/auth/logout', headers, payload: {} })).statusCode,
    ).toBe(200);
    const after = await app.inject({ method: 'GET', url: '/api/auth/me', headers });
    expect(after.statusCode).toBe(401);
    expect(after.json<ErrorBody>().error.code).toBe('SESSION_EXPIRED');
  });

  it('changes a password and signs out every session', async () => {
    const a = (await signIn('township', DEMO_PASSWORD)).json<{ token: string }>().token;
    const weak = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { authorization: `Bearer ${a}` },
      payload: { oldPassword: DEMO_PASSWORD, newPassword: 'abc' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json<ErrorBody>().error.message).toContain('密码至少10位');
    const ok = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { authorization: `Bearer ${a}` },
      payload: { oldPassword: DEMO_PASSWORD, newPassword: 'Lidao-Town#2027' },
    });
    expect(ok.statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${a}` } }))
        .statusCode,
    ).toBe(401);
    expect((await signIn('township', 'Lidao-Town#2027')).statusCode).toBe(200);
  });
});
