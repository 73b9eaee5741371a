import { Engine } from 'json-rules-engine';
import { ZenEngine, type ZenDecision } from '@gorules/zen-engine';
import type { FlatPolicy } from './flatPolicies.ts';

/** The policies of one entity as json-rules-engine rules: one rule per policy, fired when all criteria hold. */
export function jsonRulesEngine(
  policies: FlatPolicy[],
): (facts: Record<string, unknown>) => Promise<Set<string>> {
  const engine = new Engine(
    policies.map((p) => ({ name: p.id, conditions: p.conditions, event: { type: p.id } })),
    { allowUndefinedFacts: true },
  );
  return async (facts) => {
    const { events } = await engine.run(facts);
    return new Set(events.map((e) => e.type));
  };
}

/** The policies of one entity as one ZEN decision: an expression node with a boolean per policy. */
export function zenDecision(
  policies: FlatPolicy[],
): (facts: Record<string, unknown>) => Promise<Set<string>> {
  const engine = new ZenEngine();
  const position = { x: 0, y: 0 };
  const decision: ZenDecision = engine.createDecision({
    nodes: [
      { id: 'in', type: 'inputNode', name: 'Request', position },
      {
        id: 'policies',
        type: 'expressionNode',
        name: 'Policies',
        position,
        content: { expressions: policies.map((p, i) => ({ id: `e${String(i)}`, key: p.id, value: p.zen })) },
      },
      { id: 'out', type: 'outputNode', name: 'Response', position },
    ],
    edges: [
      { id: 'a', sourceId: 'in', targetId: 'policies', type: 'edge' },
      { id: 'b', sourceId: 'policies', targetId: 'out', type: 'edge' },
    ],
  });
  return async (facts) => {
    const response = await decision.evaluate(facts);
    const result: unknown = response.result;
    const fired = new Set<string>();
    for (const [id, value] of Object.entries(result as Record<string, unknown>))
      if (value === true) fired.add(id);
    return fired;
  };
}
