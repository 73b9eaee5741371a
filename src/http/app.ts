import { registerWorkOrderRoutes } from '../workorders/workOrderRoutes.ts';
import { registerInboxRoutes } from '../workorders/inboxRoutes.ts';
import { registerCalendarRoutes } from '../workorders/calendarRoutes.ts';
import Fastify, { type FastifyInstance, type FastifySchema, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { AppContext } from './appContext.ts';
import { registerErrorHandling } from './errorHandler.ts';
import { validatorCompiler } from './validation.ts';
import { registerMetrics } from './metrics.ts';
import { registerHardening } from './hardening.ts';
import { registerAuditHook, type AuditRouteConfig } from './auditHook.ts';
import { registerAccessHook, type RouteAccess } from './accessHook.ts';
import { registerAuthRoutes } from '../access/auth/authRoutes.ts';
import { registerIngestRoutes } from '../ingest/ingestRoutes.ts';
import { registerPortraitRoutes } from '../portrait/portraitRoutes.ts';
import { registerRuleRoutes } from '../rules/ruleRoutes.ts';
import { registerDiscoveryRoutes } from '../discovery/discoveryRoutes.ts';
import { registerVisitPlanRoutes } from '../discovery/visitPlanRoutes.ts';
import { registerAssessmentRoutes } from '../assessment/assessmentRoutes.ts';
import { registerSimulationRoutes } from '../discovery/simulationRoutes.ts';
import { registerAuditRoutes } from '../access/audit/auditRoutes.ts';
import { registerUserRoutes } from '../access/users/userRoutes.ts';
import { registerRoleChoiceRoutes } from '../access/users/roleChoiceRoutes.ts';
import { registerHealthRoutes } from './healthRoutes.ts';
import { registerConsoleRoutes } from './consoleRoutes.ts';
import { registerAreaRoutes } from '../areas/areaRoutes.ts';
import { registerRegistryRoutes } from '../registry/registryRoutes.ts';
import { registerSettingsRoutes } from '../settings/settingsRoutes.ts';
import { registerDictionaryRoutes } from '../settings/dictionaryRoutes.ts';

/** A route as registered: its method, URL pattern and JSON schema. */
export interface RouteSummary {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
  audit: AuditRouteConfig | undefined;
  access: RouteAccess | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: RouteSummary[];
  }
}

export interface BuildAppOptions {
  context: AppContext;
  /** pino options, or false to keep tests quiet. */
  logger?: FastifyServerOptions['logger'];
  /**
   * Only the audit-overhead benchmark passes false, to measure what auditing costs. There is
   * deliberately no configuration or environment switch that reaches this.
   */
  audit?: boolean;
}

/**
 * Assembles the HTTP application without listening, so tests drive it with `inject()` and
 * the server entry point decides where to listen.
 */
export async function buildApp({
  context,
  logger = false,
  audit = true,
}: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    bodyLimit: context.config.bodyLimit,
    // Request IDs tie a user's complaint to the log lines of that request.
    genReqId: () => crypto.randomUUID(),
  });
  app.setValidatorCompiler(validatorCompiler);
  // Every registered route, so tests can prove properties of all of them (schemas now,
  // area scope later) instead of only of the routes someone remembered to test.
  const routes: RouteSummary[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      routes.push({
        method,
        url: route.url,
        schema: route.schema,
        audit: route.config?.audit,
        access: route.config?.access,
      });
    }
  });
  app.decorate('registeredRoutes', routes);
  registerErrorHandling(app, context.config.bodyLimit);

  await app.register(swagger, {
    openapi: {
      info: {
        title: '助联 Zhulian API',
        description: '智慧社会救助平台接口 — smart social-assistance platform API',
        version: '0.1.0',
      },
      // Lets /docs send a token from POST /api/auth/login with every "try it out".
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'areas', description: '行政区划 Areas' },
        { name: 'registry', description: '人员、家庭与事实 Registry' },
        { name: 'access', description: '登录与会话 Sign-in and sessions' },
        { name: 'ingest', description: '部门数据导入 Department feeds and imports' },
        { name: 'portrait', description: '人员与家庭画像 Portraits and tags' },
        { name: 'rules', description: '政策库与政策匹配 The welfare pool and policy matching' },
        { name: 'discovery', description: '主动发现 Policy finds people' },
        { name: 'assessment', description: '多维困难评估 Multidimensional hardship assessment' },
        { name: 'settings', description: '系统参数、安全策略与数据字典 Settings and code tables' },
        { name: 'system', description: '运行状态 System' },
      ],
    },
  });
  // staticCSP lets the docs page run under the strict Content-Security-Policy below.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list' },
    staticCSP: true,
  });
  await registerHardening(app, context.config);

  registerMetrics(app);
  if (audit) registerAuditHook(app, context.db);
  registerAccessHook(app, context);
  registerHealthRoutes(app, context);
  registerConsoleRoutes(app);
  await app.register(
    (scope, _options, done) => {
      registerAuthRoutes(scope, context);
      registerAuditRoutes(scope, context);
      registerUserRoutes(scope, context);
      registerRoleChoiceRoutes(scope, context);
      registerAreaRoutes(scope, context);
      registerRegistryRoutes(scope, context);
      registerSettingsRoutes(scope, context);
      registerDictionaryRoutes(scope, context);
      registerIngestRoutes(scope, context);
      registerPortraitRoutes(scope, context);
      registerRuleRoutes(scope, context);
      registerDiscoveryRoutes(scope, context);
      registerVisitPlanRoutes(scope, context);
      registerSimulationRoutes(scope, context);
      registerAssessmentRoutes(scope, context);
      registerWorkOrderRoutes(scope, context);
      registerInboxRoutes(scope, context);
      registerCalendarRoutes(scope, context);
      done();
    },
    { prefix: '/api' },
  );
  return app;
}
