import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../../core/appError.ts';
import type { DataScope, Database, LoginOutcome, UserTable } from '../../db/schema.ts';
import { recordAudit } from '../audit/auditService.ts';
import { hashPassword, passwordProblems, verifyPassword } from '../users/password.ts';
import { adminFamilyOf, isPermission, type Permission } from '../users/permissions.ts';
import type { FieldCipher } from '../../core/fieldCipher.ts';
import { base32Decode, totpMatches } from './totp.ts';
import {
  findOrganisation,
  findUserById,
  findUserByUsername,
  listRolesOfUser,
  updateUser,
} from '../users/userRepository.ts';
import type { SecurityPolicy } from './securityPolicy.ts';
import {
  findSession,
  insertLoginLog,
  insertSession,
  revokeSession,
  revokeUserSessions,
  touchSession,
} from './sessionRepository.ts';

const MINUTE = 60_000;
/**
 * How stale the stored idle clock may get before a request rewrites it. Writing it on every
 * request cost a write per read; once a minute is enough for a 30-minute idle timeout, and the
 * error is on the safe side: a session may end up to a minute early, never late.
 */
export const SESSION_TOUCH_INTERVAL_MS = MINUTE;

/** Tokens are random; only their SM3 digest is stored. */
export function tokenHash(token: string): string {
  return createHash('sm3').update(token).digest('hex');
}

/** Who is calling: the user, their organisation's area, and the union of their roles. */
export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  organisationId: string;
  areaCode: string;
  /** The catalogue department of a partner department's staff (null for the bureau's own). */
  department: string | null;
  permissions: Permission[];
  /** The widest data scope among the user's roles (roles combine as a union). */
  dataScope: DataScope;
  roles: string[];
  mustChangePassword: boolean;
  passwordExpired: boolean;
  /** An administrator who has not yet bound the authenticator the policy requires. */
  totpSetupRequired: boolean;
}

const scopeOrder: DataScope[] = ['own', 'area_only', 'area_and_below', 'all'];

async function principalOf(
  db: Kysely<Database>,
  user: UserTable,
  policy: SecurityPolicy,
  now: string,
): Promise<Principal> {
  const organisation = await findOrganisation(db, user.organisation_id);
  if (!organisation) throw new AppError('INTERNAL');
  const roles = await listRolesOfUser(db, user.id);
  const permissions = [...new Set(roles.flatMap((r) => JSON.parse(r.permissions_json) as string[]))].filter(
    isPermission,
  );
  const dataScope = roles.reduce<DataScope>(
    (widest, r) => (scopeOrder.indexOf(r.data_scope) > scopeOrder.indexOf(widest) ? r.data_scope : widest),
    'own',
  );
  const ageDays = (Date.parse(now) - Date.parse(user.password_changed_at)) / (24 * 60 * MINUTE);
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    organisationId: organisation.id,
    areaCode: organisation.area_code,
    department: organisation.kind === 'department' ? organisation.department : null,
    permissions,
    dataScope,
    roles: roles.map((r) => r.code),
    mustChangePassword: user.must_change_password === 1,
    passwordExpired: ageDays > policy.passwordMaxAgeDays,
    totpSetupRequired:
      policy.totpRequiredForAdministrators &&
      user.totp_enabled === 0 &&
      permissions.some((p) => adminFamilyOf(p) !== null),
  };
}

async function logAttempt(
  db: Kysely<Database>,
  username: string,
  userId: string | null,
  ip: string | null,
  outcome: LoginOutcome,
  now: string,
): Promise<void> {
  await insertLoginLog(db, { at: now, username, user_id: userId, ip, outcome });
  await recordAudit(
    db,
    {
      actor: userId ?? `unknown:${username}`,
      action: 'auth.login',
      subjectType: 'user',
      subjectId: userId,
      ip,
      outcome: outcome === 'success' ? 'success' : 'denied',
      detail: { username, result: outcome },
    },
    now,
  );
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  principal: Principal;
}

/**
 * Signs in with a user name and password. Five failures lock the account for ten minutes
 * (policy values); every attempt, failed or not, goes to the login log and the audit chain.
 */
export async function login(
  db: Kysely<Database>,
  policy: SecurityPolicy,
  input: {
    username: string;
    password: string;
    ip: string | null;
    totpCode?: string | undefined;
    cipher?: FieldCipher;
  },
  now = new Date().toISOString(),
): Promise<LoginResult> {
  const user = await findUserByUsername(db, input.username);
  if (!user) {
    // Hash anyway, so an unknown name takes as long as a wrong password.
    await hashPassword(input.password);
    await logAttempt(db, input.username, null, input.ip, 'unknown_user', now);
    throw new AppError('LOGIN_FAILED', { remaining: policy.maxFailedLogins });
  }
  if (user.disabled === 1) {
    await logAttempt(db, input.username, user.id, input.ip, 'disabled', now);
    throw new AppError('ACCOUNT_DISABLED');
  }
  if (user.locked_until !== null && user.locked_until > now) {
    await logAttempt(db, input.username, user.id, input.ip, 'locked', now);
    const minutes = Math.ceil((Date.parse(user.locked_until) - Date.parse(now)) / MINUTE);
    throw new AppError('ACCOUNT_LOCKED', { minutes });
  }
  const passwordOk = await verifyPassword(input.password, user.password_hash);
  // With an authenticator bound, the code is part of the credential: a missing code is asked
  // for (not counted), a wrong one counts towards the lock like a wrong password.
  if (passwordOk && user.totp_enabled === 1 && !input.totpCode) throw new AppError('TOTP_REQUIRED');
  const totpOk =
    user.totp_enabled === 0 ||
    (input.totpCode !== undefined &&
      input.cipher !== undefined &&
      user.totp_secret_enc !== null &&
      totpMatches(base32Decode(input.cipher.decrypt(user.totp_secret_enc)), input.totpCode, Date.parse(now)));
  if (!passwordOk || !totpOk) {
    const failures = user.failed_attempts + 1;
    const lock = failures >= policy.maxFailedLogins;
    await updateUser(db, user.id, {
      failed_attempts: lock ? 0 : failures,
      locked_until: lock ? new Date(Date.parse(now) + policy.lockMinutes * MINUTE).toISOString() : null,
    });
    await logAttempt(
      db,
      input.username,
      user.id,
      input.ip,
      lock ? 'locked' : passwordOk ? 'bad_totp' : 'bad_password',
      now,
    );
    if (lock) throw new AppError('ACCOUNT_LOCKED', { minutes: policy.lockMinutes });
    throw new AppError('LOGIN_FAILED', { remaining: policy.maxFailedLogins - failures });
  }
  await updateUser(db, user.id, { failed_attempts: 0, locked_until: null });
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.parse(now) + policy.sessionHours * 60 * MINUTE).toISOString();
  await insertSession(db, {
    token_hash: tokenHash(token),
    user_id: user.id,
    created_at: now,
    last_seen_at: now,
    expires_at: expiresAt,
    ip: input.ip,
    revoked_at: null,
  });
  await logAttempt(db, input.username, user.id, input.ip, 'success', now);
  return { token, expiresAt, principal: await principalOf(db, user, policy, now) };
}

/**
 * The principal behind a bearer token. A session idle longer than the policy allows, past
 * its absolute expiry, or revoked, is refused; a live one has its idle clock restarted
 * (written at most once a minute, see SESSION_TOUCH_INTERVAL_MS).
 */
export async function authenticate(
  db: Kysely<Database>,
  policy: SecurityPolicy,
  token: string,
  now = new Date().toISOString(),
): Promise<Principal> {
  const hash = tokenHash(token);
  const session = await findSession(db, hash);
  if (!session) throw new AppError('AUTH_REQUIRED');
  const idleSince = Date.parse(now) - Date.parse(session.last_seen_at);
  if (session.revoked_at !== null || session.expires_at <= now || idleSince > policy.idleMinutes * MINUTE) {
    if (session.revoked_at === null) await revokeSession(db, hash, now);
    throw new AppError('SESSION_EXPIRED');
  }
  const user = await findUserById(db, session.user_id);
  if (!user || user.disabled === 1) throw new AppError('ACCOUNT_DISABLED');
  if (idleSince >= SESSION_TOUCH_INTERVAL_MS) await touchSession(db, hash, now);
  return principalOf(db, user, policy, now);
}

export async function logout(
  db: Kysely<Database>,
  token: string,
  now = new Date().toISOString(),
): Promise<void> {
  await revokeSession(db, tokenHash(token), now);
}

export async function logoutEverywhere(
  db: Kysely<Database>,
  userId: string,
  now = new Date().toISOString(),
): Promise<number> {
  return revokeUserSessions(db, userId, now);
}

/** Changes a password; every session of the user ends, as a changed password should mean. */
export async function changePassword(
  db: Kysely<Database>,
  policy: SecurityPolicy,
  userId: string,
  input: { oldPassword: string; newPassword: string },
  now = new Date().toISOString(),
): Promise<void> {
  const user = await findUserById(db, userId);
  if (!user) throw new AppError('AUTH_REQUIRED');
  if (!(await verifyPassword(input.oldPassword, user.password_hash))) throw new AppError('WRONG_PASSWORD');
  const problems = passwordProblems(input.newPassword, policy, user.username);
  if (input.newPassword === input.oldPassword) problems.push('新密码不能与原密码相同');
  if (problems.length > 0) throw new AppError('PASSWORD_POLICY', { reason: problems.join('；') });
  await updateUser(db, userId, {
    password_hash: await hashPassword(input.newPassword),
    password_changed_at: now,
    must_change_password: 0,
  });
  await revokeUserSessions(db, userId, now);
  await recordAudit(
    db,
    { actor: userId, action: 'auth.password.change', subjectType: 'user', subjectId: userId },
    now,
  );
}

/** Starts binding an authenticator: a new secret, stored encrypted and not yet enforced. */
export async function beginTotpSetup(
  db: Kysely<Database>,
  cipher: FieldCipher,
  userId: string,
  secret: string,
): Promise<void> {
  await updateUser(db, userId, { totp_secret_enc: cipher.encrypt(secret), totp_enabled: 0 });
}

/** Finishes binding: the first correct code switches the second factor on. */
export async function confirmTotpSetup(
  db: Kysely<Database>,
  cipher: FieldCipher,
  userId: string,
  code: string,
  now = new Date().toISOString(),
): Promise<void> {
  const user = await findUserById(db, userId);
  if (!user?.totp_secret_enc) throw new AppError('TOTP_INVALID');
  if (!totpMatches(base32Decode(cipher.decrypt(user.totp_secret_enc)), code, Date.parse(now))) {
    throw new AppError('TOTP_INVALID');
  }
  await updateUser(db, userId, { totp_enabled: 1 });
  await recordAudit(
    db,
    { actor: userId, action: 'auth.totp.enable', subjectType: 'user', subjectId: userId },
    now,
  );
}
