import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import type { VariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import type { RulePool } from '../rules/evaluate/explainPolicies.ts';
import { loadPool, type LoadPoolOptions } from '../rules/policies/loadPool.ts';

export const defaultModelsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../models');

/**
 * The discovery models (X3, `models/*.yaml`): each a named list of the households or persons
 * one kind of help should reach (children in difficulty, graduates of dibao families, …), in
 * the warnings' format — criteria that must all hold, a cause and a department — so they are
 * checked, explained and tested by the rules engine like policies. A model "lists" a subject
 * where a policy would be eligible.
 */
export function loadDiscoveryModels(
  catalogue: VariableCatalogue,
  portrait: PortraitDefinitions,
  options: Omit<LoadPoolOptions, 'kind' | 'policiesDir'> & { modelsDir?: string } = {},
): RulePool {
  const { modelsDir, ...rest } = options;
  return loadPool(catalogue, portrait, {
    ...rest,
    policiesDir: modelsDir ?? defaultModelsDir,
    kind: 'model',
  });
}
