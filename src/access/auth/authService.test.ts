import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { readCountyDivisions } from '../../areas/chinaDivision.ts';
import { importAreaRecords } from '../../areas/importAreas.ts';
import { listLoginLog } from './sessionRepository.ts';
import { findAuditRecords } from '../audit/auditRepository.ts';
import { createOrganisation, createUser, ensureBuiltinRoles } from '../users/userService.ts';
import { separationProblem } from '../users/permissions.ts';
import { authenticate, changePassword, login, logoutEverywhere, tokenHash } from './authService.ts';
import { defaultSecurityPolicy as policy } from './securityPolicy.ts';

const t0 = Date.parse('2026-11-28T08:00:00.000Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
const PASSWORD = 'Rongcheng#2026';

describeEachDatabase('sign-in and sessions', (getDb) => {
  let orgId = '';
  beforeAll(async () => {
    const { db } = getDb();
    await importAreaRecords(db, readCountyDivisions('371082'), '2023-12-31');
    await ensureBuiltinRoles(db);
    orgId = (
      await createOrganisation(db, {
        name: '俚岛镇人民政府',
        kind: 'township_office',
        area_code: '371082101000',
        department: null,
      })
    ).id;
    await createUser(db, policy, {
      username: 'lidao',
      displayName: '俚岛镇民政办',
      organisationId: orgId,
      roleCodes: ['township_staff'],
      password: PASSWORD,
      mustChangePassword: true,
    });
  });

  it('signs in, resolving the user’s area, permissions and scope', async () => {
    const { db } = getDb();
    const result = await login(db, policy, { username: 'lidao', password: PASSWORD, ip: '10.0.0.8' }, at(0));
    expect(result.token.length).toBeGreaterThan(30);
    expect(result.principal).toMatchObject({
      areaCode: '371082101000',
      dataScope: 'area_and_below',
      mustChangePassword: true,
      roles: ['township_staff'],
    });
    expect(result.principal.permissions).toContain('registry:person:view');
    expect((await authenticate(db, policy, result.token, at(29))).username).toBe('lidao');
  });

  it('ends a session idle for more than 30 minutes', async () => {
    const { db } = getDb();
    const { token } = await login(db, policy, { username: 'lidao', password: PASSWORD, ip: null }, at(100));
    await authenticate(db, policy, token, at(125));
    await expect(authenticate(db, policy, token, at(156))).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    await expect(authenticate(db, policy, 'not-a-token', at(156))).rejects.toMatchObject({
      code: 'AUTH_REQUIRED',
    });
  });

  it('writes the idle clock at most once a minute, and still ends the session after 30 idle minutes', async () => {
    const { db } = getDb();
    const { token } = await login(db, policy, { username: 'lidao', password: PASSWORD, ip: null }, at(160));
    const lastSeen = async () =>
      (
        await db
          .selectFrom('sessions')
          .select('last_seen_at')
          .where('token_hash', '=', tokenHash(token))
          .executeTakeFirstOrThrow()
      ).last_seen_at;
    // Within a minute of the last write nothing is written: a read costs no write.
    await authenticate(db, policy, token, at(160.5));
    expect(await lastSeen()).toBe(at(160));
    await authenticate(db, policy, token, at(161.5));
    expect(await lastSeen()).toBe(at(161.5));
    await authenticate(db, policy, token, at(162));
    expect(await lastSeen()).toBe(at(161.5));
    // Idle is counted from the last write, so the session ends at most a minute early, never late.
    await expect(authenticate(db, policy, token, at(191.6))).rejects.toMatchObject({
      code: 'SESSION_EXPIRED',
    });
  });

  it('locks the account for 10 minutes after 5 wrong passwords, and logs every attempt', async () => {
    const { db } = getDb();
    for (let i = 1; i <= 4; i++) {
      await expect(
        login(db, policy, { username: 'lidao', password: 'wrong', ip: '10.0.0.9' }, at(200 + i)),
      ).rejects.toMatchObject({
        code: 'LOGIN_FAILED',
        params: { remaining: 5 - i },
      });
    }
    await expect(
      login(db, policy, { username: 'lidao', password: 'wrong', ip: '10.0.0.9' }, at(205)),
    ).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED', params: { minutes: 10 } });
    // Even the right password is refused while locked.
    await expect(
      login(db, policy, { username: 'lidao', password: PASSWORD, ip: '10.0.0.9' }, at(210)),
    ).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED', params: { minutes: 5 } });
    expect(
      (await login(db, policy, { username: 'lidao', password: PASSWORD, ip: '10.0.0.9' }, at(216))).principal
        .username,
    ).toBe('lidao');
    const log = await listLoginLog(db, 7);
    expect(log.map((l) => l.outcome)).toEqual([
      'success',
      'locked',
      'locked',
      'bad_password',
      'bad_password',
      'bad_password',
      'bad_password',
    ]);
    expect(log[0]).toMatchObject({ username: 'lidao', ip: '10.0.0.9' });
    const audit = await findAuditRecords(db, { action: 'auth.login', limit: 3 });
    expect(audit.map((a) => a.outcome)).toEqual(['success', 'denied', 'denied']);
  });

  it('treats an unknown user name like a wrong password', async () => {
    await expect(
      login(getDb().db, policy, { username: 'nobody', password: 'x', ip: null }, at(300)),
    ).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
  });

  it('signs out everywhere, and a password change ends every session', async () => {
    const { db } = getDb();
    const a = await login(db, policy, { username: 'lidao', password: PASSWORD, ip: null }, at(400));
    const b = await login(db, policy, { username: 'lidao', password: PASSWORD, ip: null }, at(401));
    expect(await logoutEverywhere(db, a.principal.userId, at(402))).toBeGreaterThanOrEqual(2);
    await expect(authenticate(db, policy, b.token, at(403))).rejects.toMatchObject({
      code: 'SESSION_EXPIRED',
    });

    const c = await login(db, policy, { username: 'lidao', password: PASSWORD, ip: null }, at(404));
    await expect(
      changePassword(
        db,
        policy,
        c.principal.userId,
        { oldPassword: PASSWORD, newPassword: 'short' },
        at(405),
      ),
    ).rejects.toMatchObject({ code: 'PASSWORD_POLICY' });
    await expect(
      changePassword(
        db,
        policy,
        c.principal.userId,
        { oldPassword: 'bad', newPassword: 'Weihai@2026-11' },
        at(405),
      ),
    ).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    await changePassword(
      db,
      policy,
      c.principal.userId,
      { oldPassword: PASSWORD, newPassword: 'Weihai@2026-11' },
      at(406),
    );
    await expect(authenticate(db, policy, c.token, at(407))).rejects.toMatchObject({
      code: 'SESSION_EXPIRED',
    });
    const d = await login(db, policy, { username: 'lidao', password: 'Weihai@2026-11', ip: null }, at(408));
    expect(d.principal.mustChangePassword).toBe(false);
  });

  it('refuses accounts that would combine administrator roles, or weak passwords', async () => {
    const { db } = getDb();
    await expect(
      createUser(db, policy, {
        username: 'super',
        displayName: '超级',
        organisationId: orgId,
        roleCodes: ['system_admin', 'audit_admin'],
        password: 'Admin#2026xyz',
        mustChangePassword: true,
      }),
    ).rejects.toMatchObject({ code: 'ROLE_SEPARATION' });
    await expect(
      createUser(db, policy, {
        username: 'mixed',
        displayName: '混合',
        organisationId: orgId,
        roleCodes: ['security_admin', 'county_staff'],
        password: 'Admin#2026xyz',
        mustChangePassword: true,
      }),
    ).rejects.toMatchObject({ code: 'ROLE_SEPARATION' });
    await expect(
      createUser(db, policy, {
        username: 'weak',
        displayName: '弱',
        organisationId: orgId,
        roleCodes: ['village_worker'],
        password: 'password',
        mustChangePassword: true,
      }),
    ).rejects.toMatchObject({ code: 'PASSWORD_POLICY' });
    await expect(
      createUser(db, policy, {
        username: 'lidao',
        displayName: '重名',
        organisationId: orgId,
        roleCodes: [],
        password: PASSWORD,
        mustChangePassword: true,
      }),
    ).rejects.toMatchObject({ code: 'USER_EXISTS' });
  });
});

it('separation: one family alone is fine, two families or admin + business are not', () => {
  expect(separationProblem(['audit:record:view', 'audit:record:export'])).toBeUndefined();
  expect(separationProblem(['registry:person:view', 'areas:area:edit'])).toBeUndefined();
  expect(separationProblem(['system:user:manage', 'security:role:manage'])).toContain('不能合并');
  expect(separationProblem(['audit:record:view', 'registry:person:view'])).toContain('不能同时拥有业务权限');
});
