import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from './appContext.ts';

/** Liveness and database reachability, for load balancers and `npm start`'s self-check. */
export function registerHealthRoutes(app: FastifyInstance, context: AppContext): void {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: '健康检查 Health check',
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, database: { type: 'string' } },
          },
        },
      },
    },
    async () => {
      await sql`select 1`.execute(context.db);
      return { status: 'ok', database: context.database.dialect };
    },
  );
}
