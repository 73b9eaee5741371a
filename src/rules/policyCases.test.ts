import { describe, expect, it } from 'vitest';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { loadPortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import { loadPool } from './policies/loadPool.ts';
import { runPolicyCase } from './policies/runPolicyCase.ts';
import { boundaryChecks } from './policies/boundaryCases.ts';

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

// Boundary cases generated from each policy's parameters and cases (boundaryCases.ts).
describe('boundaries', () => {
  it.each(pool.policies.map((p) => [p.id, p] as const))('%s', (_, policy) => {
    const checks = boundaryChecks(pool, policy);
    const failed = checks.filter((c) => c.problem !== null).map((c) => `${c.name}: ${c.problem ?? ''}`);
    expect(failed).toEqual([]);
  });

  it('generates checks at, below and above lines, and on both sides of effective dates', () => {
    const all = pool.policies.flatMap((p) => boundaryChecks(pool, p));
    expect(all.filter((c) => c.name.includes('(at ')).length).toBeGreaterThan(100);
    expect(all.filter((c) => c.name.includes(' on ')).length).toBeGreaterThan(100);
    const dibaoPolicy = pool.policies.find((p) => p.id === 'dibao');
    expect(dibaoPolicy).toBeDefined();
    if (!dibaoPolicy) return;
    const dibao = boundaryChecks(pool, dibaoPolicy);
    expect(dibao.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^income_below_standard · .* h\.monthly_income_per_capita = 1030 \(at 1030\)$/),
        expect.stringMatching(/^income_below_standard · .* param\.dibao\.standard on 2023-06-30$/),
      ]),
    );
  });
});
