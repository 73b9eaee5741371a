import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../core/appError.ts';
import type { AppContext } from './appContext.ts';
import { authenticate, type Principal } from '../access/auth/authService.ts';
import { permissionCatalogue, type Permission } from '../access/users/permissions.ts';
import { scopeOf, type DataScopeFilter } from '../access/scope/dataScope.ts';

/**
 * Who may call a route: anyone (`public`), any signed-in user even before a forced password
 * change (`session`), or a signed-in user holding a permission.
 */
export type RouteAccess = 'public' | 'session' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The data scope of the signed-in caller; routes pass it to every repository call. */
export function requestScope(request: FastifyRequest): DataScopeFilter {
  if (!request.principal) throw new AppError('AUTH_REQUIRED');
  return scopeOf(request.principal);
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return undefined;
  return header.slice('Bearer '.length).trim();
}

/**
 * Authentication and permission checks in one hook, driven by each route's declared
 * `config.access`; data scope is then applied by the repositories (see access/scope).
 */
export function registerAccessHook(app: FastifyInstance, context: AppContext): void {
  app.decorateRequest('principal', null);
  app.addHook('preHandler', async (request) => {
    const access = request.routeOptions.config.access;
    // Default deny: an API route that declares no access is closed (the route test names it).
    if (access === undefined && (request.routeOptions.url ?? '').startsWith('/api/'))
      throw new AppError('AUTH_REQUIRED');
    if (access === undefined || access === 'public') return;
    const token = bearerToken(request);
    if (!token) throw new AppError('AUTH_REQUIRED');
    const principal = await authenticate(context.db, await context.settings.securityPolicy(), token);
    request.principal = principal;
    if (access === 'session') return;
    if (principal.mustChangePassword) throw new AppError('PASSWORD_CHANGE_REQUIRED', { reason: '初始密码' });
    if (principal.passwordExpired) throw new AppError('PASSWORD_CHANGE_REQUIRED', { reason: '已过期的密码' });
    if (principal.totpSetupRequired) throw new AppError('TOTP_SETUP_REQUIRED');
    if (!principal.permissions.includes(access)) {
      throw new AppError('FORBIDDEN', { permission: permissionCatalogue[access] });
    }
  });
}
