import { describe, expect, it } from 'vitest';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { loadPortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import { runPolicyCase } from '../rules/policies/runPolicyCase.ts';
import { boundaryChecks } from '../rules/policies/boundaryCases.ts';
import { hardshipCauses } from '../rules/policies/policyDefinition.ts';
import { loadPool } from '../rules/policies/loadPool.ts';
import { loadDiscoveryModels } from './loadDiscoveryModels.ts';
import { loadWarnings } from './loadWarnings.ts';

// Every discovery model's own YAML cases, and boundary cases from its parameters, through the
// explain path (their precision and recall against the ground truth: plantedHardship.test.ts).
const catalogue = loadVariableCatalogue();
const portrait = loadPortraitDefinitions(catalogue);
const models = loadDiscoveryModels(catalogue, portrait);

describe('the discovery models', () => {
  it('are the four the issue names (X3) and the multidimensionally poor left unassisted (issue 7), each with a cause and a department, no id shared with a policy or warning', () => {
    expect(models.policies.map((m) => m.id).sort()).toEqual([
      'children_in_difficulty',
      'dibao_family_graduates',
      'major_illness_temporary_aid',
      'multidimensional_poverty_unassisted',
      'unclaimed_disability_subsidies',
    ]);
    const taken = new Set(
      [...loadPool(catalogue, portrait).policies, ...loadWarnings(catalogue, portrait).policies].map(
        (p) => p.id,
      ),
    );
    for (const m of models.policies) {
      expect(taken.has(m.id), m.id).toBe(false);
      expect(m.category).toBe('model');
      expect(Object.keys(hardshipCauses)).toContain(m.cause);
      expect(catalogue.department(m.department), m.id).toBeDefined();
    }
  });
});

describe.each(models.policies.map((m) => [m.id, m] as const))('model %s', (_, model) => {
  it.each(model.cases.map((c) => [`${model.file}:${String(c.line)} ${c.name}`, c] as const))('%s', (_, c) => {
    expect(runPolicyCase(models, model, c).problem, `${model.file}:${String(c.line)}`).toBeNull();
  });
  it('boundaries', () => {
    const failed = boundaryChecks(models, model)
      .filter((c) => c.problem !== null)
      .map((c) => `${c.name}: ${c.problem ?? ''}`);
    expect(failed).toEqual([]);
  });
});
