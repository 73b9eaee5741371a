import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../http/appContext.ts';
import { listRoles } from './userRepository.ts';

/**
 * The roles a system administrator may give a new user: codes and names only. Reading the
 * permissions inside roles, and changing them, stays the security administrator's job
 * (三员分立), so this list leaves them out.
 */
export function registerRoleChoiceRoutes(app: FastifyInstance, context: AppContext): void {
  app.get(
    '/users/role-choices',
    {
      config: { access: 'system:user:manage' },
      schema: {
        tags: ['access'],
        summary: '可分配的角色（仅编码与名称）— Roles a user can be given',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    code: { type: 'string' },
                    nameZh: { type: 'string' },
                    nameEn: { type: 'string' },
                    dataScope: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => ({
      items: (await listRoles(context.db)).map((r) => ({
        code: r.code,
        nameZh: r.name_zh,
        nameEn: r.name_en,
        dataScope: r.data_scope,
      })),
    }),
  );
}
