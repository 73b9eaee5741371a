import { describe, expect, it } from 'vitest';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { loadPortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import { runPolicyCase } from '../rules/policies/runPolicyCase.ts';
import { boundaryChecks } from '../rules/policies/boundaryCases.ts';
import { hardshipCauses } from '../rules/policies/policyDefinition.ts';
import { loadWarnings } from './loadWarnings.ts';
import { loadPool } from '../rules/policies/loadPool.ts';

// Every early-warning rule's own YAML cases, and boundary cases from its parameters, through the
// explain path (as `npm run policies:test` does for the pool).
const catalogue = loadVariableCatalogue();
const warnings = loadWarnings(catalogue, loadPortraitDefinitions(catalogue));

describe('the warning rules', () => {
  it('include the two the seed names and at least ten more, each with a cause and a department', () => {
    const ids = warnings.policies.map((w) => w.id);
    expect(ids).toEqual(expect.arrayContaining(['high_medical_cost', 'earner_died']));
    expect(ids.length).toBeGreaterThanOrEqual(12);
    // Findings name a rule by id alone: no warning may share an id with a policy.
    const pool = loadPool(catalogue, loadPortraitDefinitions(catalogue));
    expect(ids.filter((id) => pool.policies.some((p) => p.id === id))).toEqual([]);
    for (const w of warnings.policies) {
      expect(w.category).toBe('warning');
      expect(Object.keys(hardshipCauses)).toContain(w.cause);
      expect(catalogue.department(w.department), w.id).toBeDefined();
    }
  });
});

describe.each(warnings.policies.map((w) => [w.id, w] as const))('warning %s', (_, warning) => {
  it.each(warning.cases.map((c) => [`${warning.file}:${String(c.line)} ${c.name}`, c] as const))(
    '%s',
    (_, c) => {
      expect(runPolicyCase(warnings, warning, c).problem, `${warning.file}:${String(c.line)}`).toBeNull();
    },
  );
  it('boundaries', () => {
    const failed = boundaryChecks(warnings, warning)
      .filter((c) => c.problem !== null)
      .map((c) => `${c.name}: ${c.problem ?? ''}`);
    expect(failed).toEqual([]);
  });
});
