import { describe, expect, it } from 'vitest';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { loadPortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import { loadPool } from './policies/loadPool.ts';
import { runPolicyCase } from './policies/runPolicyCase.ts';

// `npm run policies:test`: every policy's own YAML cases through the explain path.
const catalogue = loadVariableCatalogue();
const pool = loadPool(catalogue, loadPortraitDefinitions(catalogue));

describe.each(pool.policies.map((p) => [p.id, p] as const))('policy %s', (_, policy) => {
  it.each(policy.cases.map((c) => [`${policy.file}:${String(c.line)} ${c.name}`, c] as const))(
    '%s',
    (_, c) => {
      const outcome = runPolicyCase(pool, policy, c);
      expect(outcome.problem, `${policy.file}:${String(c.line)}`).toBeNull();
    },
  );
});
