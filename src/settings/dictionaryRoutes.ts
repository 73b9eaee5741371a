import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import { buildDictionaries } from './dictionaries.ts';

const entrySchema = {
  type: 'object',
  properties: { code: { type: 'string' }, nameZh: { type: 'string' }, nameEn: { type: 'string' } },
} as const;

/** Code tables for the console's drop-downs: any signed-in user may read them. */
export function registerDictionaryRoutes(app: FastifyInstance, context: AppContext): void {
  const dictionaries = buildDictionaries(context.variables);
  app.get(
    '/dictionaries',
    {
      config: { access: 'session' },
      schema: {
        tags: ['settings'],
        summary: '数据字典（代码表）— Code tables',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { ...entrySchema.properties, entries: { type: 'array', items: entrySchema } },
                },
              },
            },
          },
        },
      },
    },
    () => ({ items: dictionaries }),
  );
}
