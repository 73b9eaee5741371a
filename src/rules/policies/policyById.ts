import type { RulePool } from '../evaluate/explainPolicies.ts';
import type { PolicyDefinition } from './policyDefinition.ts';

const indexes = new WeakMap<readonly PolicyDefinition[], ReadonlyMap<string, PolicyDefinition>>();

/**
 * A pool's rules by id, built once per loaded pool: screening asks for every household, and
 * finding lists and exports for every row.
 */
export function policyById(pool: Pick<RulePool, 'policies'>, id: string): PolicyDefinition | undefined {
  let index = indexes.get(pool.policies);
  if (!index) {
    index = new Map(pool.policies.map((p) => [p.id, p]));
    indexes.set(pool.policies, index);
  }
  return index.get(id);
}
