import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import { labelSchema } from './registrySchemas.ts';

/** The variable and department catalogues. */
export function registerCatalogueRoutes(app: FastifyInstance, context: AppContext): void {
  const { variables } = context;

  app.get(
    '/variables',
    {
      config: { access: 'session' },
      schema: {
        tags: ['registry'],
        summary: '变量目录 — The variable catalogue',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    name: { type: 'string' },
                    type: { type: 'string' },
                    unit: { type: 'string' },
                    entity: { type: 'string' },
                    label: labelSchema,
                    description: { type: 'string' },
                    codes: { type: 'object', additionalProperties: labelSchema },
                  },
                },
              },
            },
          },
        },
      },
    },
    () => ({ items: variables.list() }),
  );

  app.get(
    '/departments',
    {
      config: { access: 'session' },
      schema: {
        tags: ['registry'],
        summary: '数据来源部门 — Source departments',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { code: { type: 'string' }, zh: { type: 'string' }, en: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
    () => ({ items: variables.departments }),
  );
}
