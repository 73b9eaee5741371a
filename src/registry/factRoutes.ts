import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/appError.ts';
import type { AppContext } from '../http/appContext.ts';
import { recordFacts, type FactInput } from './facts/factService.ts';
import { requestScope } from '../http/accessHook.ts';
import { factRowSchema, factBody } from './registrySchemas.ts';

/** Recording facts with provenance and validity. */
export function registerFactRoutes(app: FastifyInstance, context: AppContext): void {
  const { db, variables } = context;

  app.post<{ Body: FactInput }>(
    '/facts',
    {
      config: {
        access: 'registry:fact:edit',
        audit: { action: 'fact.create', subjectType: 'fact', subjectFrom: 'response' },
      },
      schema: {
        tags: ['registry'],
        summary: '登记一条事实（带来源与有效期）— Record a fact with provenance and validity',
        body: factBody,
        response: { 201: factRowSchema },
      },
    },
    async (request, reply) => {
      const [row] = await recordFacts(db, variables, requestScope(request), [request.body]);
      if (!row) throw new AppError('INTERNAL');
      return reply.status(201).send({
        id: row.id,
        variable: row.variable,
        value: JSON.parse(row.value_json) as number | boolean | string,
        source: row.source,
        observedAt: row.observed_at,
        validFrom: row.valid_from,
        validTo: row.valid_to,
        recordedAt: row.recorded_at,
      });
    },
  );
}
