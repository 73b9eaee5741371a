import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { ensureTestAccounts, injectAs, testContext } from '../../http/testing/buildTestApp.ts';
import { buildApp } from '../../http/app.ts';
import type { ErrorBody } from '../../http/errorHandler.ts';
import { DEMO_PASSWORD } from '../users/setupAccounts.ts';
import { createSettingsProvider } from '../../settings/settingsService.ts';
import { base32Decode, hotp } from './totp.ts';

const codeNow = (secret: string) => hotp(base32Decode(secret), Math.floor(Date.now() / 30_000));

describeEachDatabase('TOTP for administrators (production policy)', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await ensureTestAccounts(getDb());
    app = await buildApp({
      context: { ...testContext(getDb()), settings: createSettingsProvider(getDb().db) },
    });
  });
  afterAll(async () => {
    await app.close();
  });

  const signIn = (payload: object) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'secadmin', password: DEMO_PASSWORD, ...payload },
    });

  it('holds an administrator back until an authenticator is bound, then asks for its code at sign-in', async () => {
    const first = (await signIn({})).json<{ token: string; user: { totpSetupRequired: boolean } }>();
    expect(first.user.totpSetupRequired).toBe(true);
    const asAdmin = injectAs(app, first.token);
    const blocked = await asAdmin({ method: 'GET', url: '/api/roles' });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json<ErrorBody>().error).toMatchObject({
      code: 'TOTP_SETUP_REQUIRED',
      message: '管理员须先绑定动态口令（TOTP）',
    });

    const setup = (await asAdmin({ method: 'POST', url: '/api/auth/totp/setup', payload: {} })).json<{
      secret: string;
      otpauthUri: string;
    }>();
    expect(setup.otpauthUri).toContain(`secret=${setup.secret}`);
    const wrong = await asAdmin({
      method: 'POST',
      url: '/api/auth/totp/enable',
      payload: { code: '000000' === codeNow(setup.secret) ? '111111' : '000000' },
    });
    expect(wrong.json<ErrorBody>().error.code).toBe('TOTP_INVALID');
    expect(
      (
        await asAdmin({
          method: 'POST',
          url: '/api/auth/totp/enable',
          payload: { code: codeNow(setup.secret) },
        })
      ).statusCode,
    ).toBe(200);

    const noCode = await signIn({});
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json<ErrorBody>().error).toMatchObject({
      code: 'TOTP_REQUIRED',
      message: '请输入动态口令',
    });
    const badCode = await signIn({ totpCode: codeNow(setup.secret) === '123456' ? '654321' : '123456' });
    expect(badCode.json<ErrorBody>().error.code).toBe('LOGIN_FAILED');
    const good = await signIn({ totpCode: codeNow(setup.secret) });
    expect(good.statusCode).toBe(200);
    const asBound = injectAs(app, good.json<{ token: string }>().token);
    expect((await asBound({ method: 'GET', url: '/api/roles' })).statusCode).toBe(200);
  });

  it('does not ask staff for an authenticator', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'village', password: DEMO_PASSWORD },
    });
    expect(res.json<{ user: { totpSetupRequired: boolean } }>().user.totpSetupRequired).toBe(false);
  });
});
