import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../core/config.ts';
import { testFieldCipher } from '../../core/fieldCipher.ts';
import type { TestDatabase } from '../../db/testing/eachDatabase.ts';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import type { AppContext } from '../appContext.ts';
import { buildApp } from '../app.ts';

/** The real application over a test database: real routes, validation and repositories. */
export function testContext(test: TestDatabase): AppContext {
  return {
    config: loadConfig({}),
    database: test.handle,
    db: test.db,
    cipher: testFieldCipher(),
    variables: loadVariableCatalogue(),
  };
}

export async function buildTestApp(test: TestDatabase): Promise<FastifyInstance> {
  return buildApp({ context: testContext(test) });
}
