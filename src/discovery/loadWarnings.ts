import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import type { VariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import type { RulePool } from '../rules/evaluate/explainPolicies.ts';
import { loadPool, type LoadPoolOptions } from '../rules/policies/loadPool.ts';

export const defaultWarningsDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../warnings',
);

/**
 * The early-warning rules (`warnings/*.yaml`): the policy format with a cause of hardship, built
 * and checked by the rules engine's own loader (file:line and the fix on any error), explained
 * and tested like policies. A warning "fires" where a policy would be eligible.
 */
export function loadWarnings(
  catalogue: VariableCatalogue,
  portrait: PortraitDefinitions,
  options: Omit<LoadPoolOptions, 'kind' | 'policiesDir'> & { warningsDir?: string } = {},
): RulePool {
  const { warningsDir, ...rest } = options;
  return loadPool(catalogue, portrait, {
    ...rest,
    policiesDir: warningsDir ?? defaultWarningsDir,
    kind: 'warning',
  });
}
