import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/appContext.ts';
import { registerCatalogueRoutes } from './catalogueRoutes.ts';
import { registerFactRoutes } from './factRoutes.ts';
import { registerHouseholdRoutes } from './householdRoutes.ts';
import { registerPersonRoutes } from './personRoutes.ts';
import { registerPersonMergeRoutes } from './personMergeRoutes.ts';

/** Persons, households and facts (X1, N2): the registry's routes, one file per concern. */
export function registerRegistryRoutes(app: FastifyInstance, context: AppContext): void {
  registerCatalogueRoutes(app, context);
  registerPersonRoutes(app, context);
  registerPersonMergeRoutes(app, context);
  registerFactRoutes(app, context);
  registerHouseholdRoutes(app, context);
}
