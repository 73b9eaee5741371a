import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../core/config.ts';

/**
 * Security headers (a strict Content-Security-Policy, no sniffing, no framing, HSTS) and a
 * per-address request rate limit (MLPS level 3 asks for both). The limit is per minute and
 * configurable; sign-in gets its own stricter limit with the access module.
 */
export async function registerHardening(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...app.swaggerCSP.script],
        styleSrc: ["'self'", ...app.swaggerCSP.style],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
  });
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    // Health checks and metrics come from the platform's own probes, not from users.
    allowList: (request) => request.url === '/health' || request.url === '/metrics',
  });
}
