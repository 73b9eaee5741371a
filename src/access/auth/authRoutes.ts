import type { FastifyInstance } from 'fastify';
import { AppError } from '../../core/appError.ts';
import type { AppContext } from '../../http/appContext.ts';
import { bearerToken } from '../../http/accessHook.ts';
import {
  beginTotpSetup,
  changePassword,
  confirmTotpSetup,
  login,
  logout,
  logoutEverywhere,
  type Principal,
} from './authService.ts';
import { newTotpSecret, otpauthUri } from './totp.ts';
import { permissionCatalogue } from '../users/permissions.ts';

const principalSchema = {
  type: 'object',
  properties: {
    userId: { type: 'string' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    organisationId: { type: 'string' },
    areaCode: { type: 'string' },
    permissions: { type: 'array', items: { type: 'string' } },
    permissionLabels: { type: 'array', items: { type: 'string' } },
    dataScope: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' } },
    mustChangePassword: { type: 'boolean' },
    passwordExpired: { type: 'boolean' },
    totpSetupRequired: { type: 'boolean' },
    systemName: { type: 'string', description: '平台名称（系统参数 system.name），控制台页眉显示' },
  },
} as const;

function requirePrincipal(principal: Principal | null): Principal {
  if (!principal) throw new AppError('AUTH_REQUIRED');
  return principal;
}

/** Sign-in, sign-out (here or everywhere), who am I, and password change. */
export function registerAuthRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  // Read per request: a policy change applies to the next sign-in without a restart.
  const policy = () => context.settings.securityPolicy();
  // The user as the console shows them, with the platform's name for its header (only the
  // system administrator sets it; every signed-in user sees it), on sign-in and who-am-I alike.
  const show = async (p: Principal) => {
    const systemName = await context.settings.value('system.name');
    return {
      ...p,
      permissionLabels: p.permissions.map((x) => permissionCatalogue[x]),
      systemName: typeof systemName === 'string' ? systemName : '',
    };
  };

  app.post<{ Body: { username: string; password: string; totpCode?: string } }>(
    '/auth/login',
    {
      // A tighter limit than the API's: guessing passwords from one address is slowed further.
      config: { access: 'public', rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: {
        tags: ['access'],
        summary: '登录 — Sign in',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'password'],
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            password: { type: 'string', minLength: 1, maxLength: 128 },
            totpCode: { type: 'string', pattern: '^\\d{6}$', description: '动态口令（已绑定时必填）' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { token: { type: 'string' }, expiresAt: { type: 'string' }, user: principalSchema },
          },
        },
      },
    },
    async (request) => {
      const result = await login(db, await policy(), {
        ...request.body,
        ip: request.ip,
        cipher: context.cipher,
      });
      return { token: result.token, expiresAt: result.expiresAt, user: await show(result.principal) };
    },
  );

  app.get(
    '/auth/me',
    {
      config: { access: 'session' },
      schema: {
        tags: ['access'],
        summary: '当前用户（及控制台页眉显示的平台名称）— Who am I',
        response: { 200: principalSchema },
      },
    },
    (request) => show(requirePrincipal(request.principal)),
  );

  app.post(
    '/auth/logout',
    {
      config: { access: 'session' },
      schema: {
        tags: ['access'],
        summary: '退出登录 — Sign out',
        body: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
    },
    async (request) => {
      const token = bearerToken(request);
      if (token) await logout(db, token);
      return { ok: true };
    },
  );

  app.post(
    '/auth/logout-all',
    {
      config: { access: 'session' },
      schema: {
        tags: ['access'],
        summary: '退出全部设备 — Sign out everywhere',
        body: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: { type: 'object', properties: { ended: { type: 'integer' } } } },
      },
    },
    async (request) => ({ ended: await logoutEverywhere(db, requirePrincipal(request.principal).userId) }),
  );

  app.post(
    '/auth/totp/setup',
    {
      config: { access: 'session' },
      schema: {
        tags: ['access'],
        summary: '开始绑定动态口令（返回密钥与二维码内容）— Start binding a TOTP authenticator',
        body: { type: 'object', additionalProperties: false, properties: {} },
        response: {
          200: { type: 'object', properties: { secret: { type: 'string' }, otpauthUri: { type: 'string' } } },
        },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request.principal);
      const secret = newTotpSecret();
      await beginTotpSetup(db, context.cipher, principal.userId, secret);
      return { secret, otpauthUri: otpauthUri(secret, principal.username) };
    },
  );

  app.post<{ Body: { code: string } }>(
    '/auth/totp/enable',
    {
      config: { access: 'session' },
      schema: {
        tags: ['access'],
        summary: '确认绑定动态口令 — Confirm the authenticator with a first code',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code'],
          properties: { code: { type: 'string', pattern: '^\\d{6}$' } },
        },
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
    },
    async (request) => {
      await confirmTotpSetup(
        db,
        context.cipher,
        requirePrincipal(request.principal).userId,
        request.body.code,
      );
      return { ok: true };
    },
  );

  app.post<{ Body: { oldPassword: string; newPassword: string } }>(
    '/auth/password',
    {
      config: { access: 'session' },
      schema: {
        tags: ['access'],
        summary: '修改密码（修改后需重新登录）— Change password',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['oldPassword', 'newPassword'],
          properties: {
            oldPassword: { type: 'string', maxLength: 128 },
            newPassword: { type: 'string', maxLength: 128 },
          },
        },
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
    },
    async (request) => {
      await changePassword(db, await policy(), requirePrincipal(request.principal).userId, request.body);
      return { ok: true };
    },
  );
}
