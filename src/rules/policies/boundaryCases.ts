import { explainSubject, type RulePool } from '../evaluate/explainPolicies.ts';
import { NATIONAL, regionChain } from '../parameters/parameterSet.ts';
import type { Comparison, PolicyCase, PolicyDefinition } from './policyDefinition.ts';
import { caseSubject } from './runPolicyCase.ts';

/** One generated check: what it moves, and what went wrong (null when it holds). */
export interface BoundaryCheck {
  name: string;
  problem: string | null;
}

const holds: Record<Comparison['operator'], (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** The oracle for a parameter on a date, written apart from ParameterSet: most specific region, latest entry by then. */
function oracleValue(pool: RulePool, name: string, area: string, date: string): unknown {
  const definition = pool.parameters.get(name);
  if (!definition) return undefined;
  for (const region of regionChain(area)) {
    const entries = (definition.values.get(region) ?? []).filter((v) => v.from <= date);
    if (entries.length > 0) return entries.reduce((a, b) => (b.from > a.from ? b : a)).value;
  }
  return undefined;
}

function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function withValue(c: PolicyCase, on: 'h' | 'p', field: string, value: number, date = c.date): PolicyCase {
  if (on === 'h') return { ...c, date, h: { ...c.h, [field]: value } };
  if (c.p) return { ...c, date, p: { ...c.p, [field]: value } };
  const [first, ...rest] = c.members;
  return { ...c, date, members: [{ ...first, [field]: value }, ...rest] };
}

/**
 * Boundary cases generated from a policy's own cases and parameters: for each comparison of an
 * input with a line (`h.x < param…`), the input exactly at the line, one unit below and above
 * (a fen for money, one for counts and ages), with the state the operator says; and for each
 * date a parameter it reads changes in the case's region, the day before and the day itself,
 * with the parameter value the files say is in force.
 */
export function boundaryChecks(pool: RulePool, policy: PolicyDefinition): BoundaryCheck[] {
  const checks: BoundaryCheck[] = [];
  const stateOf = (c: PolicyCase, criterion: string) => {
    const subject = caseSubject(pool, policy, c);
    const { results, parameters } = explainSubject(pool, subject, new Set([policy.id]));
    const result = policy.entity === 'person' ? results[0] : results.find((r) => r.subject === 'household');
    const found = result?.criteria.find((x) => x.name === criterion);
    return found && { ...found, parameters: found.parameters.map((name) => parameters[name]) };
  };
  for (const criterion of policy.criteria) {
    const comparison = criterion.comparison;
    const input = comparison?.input;
    if (!comparison || !input) continue;
    const info = (input.on === 'h' ? pool.vocabulary.household : pool.vocabulary.person).get(input.field);
    if (!info || !['money', 'number', 'integer'].includes(info.type)) continue;
    const step = info.type === 'integer' ? 1 : 0.01;
    for (const c of policy.cases) {
      const base = stateOf(c, criterion.name);
      const line = input.side === 'left' ? base?.distance?.right : base?.distance?.left;
      if (line === undefined || !Number.isFinite(line)) continue;
      // The line must not move with the input (e.g. a line computed from the same field).
      const moved = stateOf(withValue(c, input.on, input.field, line + 1000 * step), criterion.name);
      const movedLine = input.side === 'left' ? moved?.distance?.right : moved?.distance?.left;
      if (movedLine !== line) continue;
      const exact = info.type === 'integer' ? Math.ceil(line) : Math.round(line * 100) / 100;
      for (const [label, value] of [
        ['at', exact],
        ['below', Math.round((exact - step) * 100) / 100],
        ['above', Math.round((exact + step) * 100) / 100],
      ] as const) {
        const state = stateOf(withValue(c, input.on, input.field, value), criterion.name)?.state;
        const expected = (
          input.side === 'left'
            ? holds[comparison.operator](value, line)
            : holds[comparison.operator](line, value)
        )
          ? 'yes'
          : 'no';
        checks.push({
          name: `${criterion.name} · ${c.name} · ${input.on}.${input.field} = ${String(value)} (${label} ${String(line)})`,
          problem: state === expected ? null : `应为 ${expected}，实际为 ${String(state)}`,
        });
      }
    }
    // Both sides of each effective date of the parameters this criterion reads.
    for (const name of criterion.test.parameters) {
      const definition = pool.parameters.get(name);
      if (!definition) continue;
      for (const c of policy.cases) {
        const chain = new Set(regionChain(c.region));
        const dates = [...definition.values]
          .filter(([region]) => chain.has(region) || region === NATIONAL)
          .flatMap(([, values]) => values.map((v) => v.from));
        for (const date of [...new Set(dates)]) {
          for (const day of [dayBefore(date), date]) {
            const used = stateOf({ ...c, date: day }, criterion.name)?.parameters.find(
              (p) => p?.name === name,
            );
            const expected = oracleValue(pool, name, c.region, day) ?? null;
            checks.push({
              name: `${criterion.name} · ${c.name} · param.${name} on ${day}`,
              problem:
                (used?.value ?? null) === expected
                  ? null
                  : `参数应为 ${JSON.stringify(expected)}，实际为 ${JSON.stringify(used?.value)}`,
            });
          }
        }
      }
    }
  }
  return checks;
}
