import type { FactValue, VariableCatalogue, VariableType } from '../registry/variables/variableCatalogue.ts';
import type { ResolvedFact } from '../registry/facts/resolveFacts.ts';

/** A value as CEL sees it: ints are bigint (CEL int), money and measures JS numbers (CEL double). */
export type CelInputValue = bigint | number | boolean | string;

/** What the portrait needs of a person besides facts (registry fields). */
export interface PersonInput {
  id: string;
  sex: string;
  birthDate: string;
  deathDate: string | null;
  hukouAreaCode: string | null;
  residenceAreaCode: string | null;
  /** Relationship to the head of the hukou household (GB/T 4761), when a member of one. */
  relationship: string | null;
  facts: ResolvedFact[];
}

/** A catalogue value in CEL's typing: integer variables become CEL ints so that `size() > n` compares. */
export function toCel(type: VariableType | undefined, value: FactValue): CelInputValue {
  if (type === 'integer' && typeof value === 'number') return BigInt(Math.trunc(value));
  if ((type === 'money' || type === 'number') && typeof value === 'number') return value;
  return value;
}

/** A CEL result back into a stored value: ints as numbers (counts and ages are far below 2^53). */
export function fromCel(value: unknown): FactValue | undefined {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 100) / 100 : undefined;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  return undefined;
}

/**
 * The person map `p`: registry fields, then each catalogue variable that holds. A variable
 * nobody reported is absent, so reading it is an error that CEL's && and || treat as unknown.
 */
export function personMap(person: PersonInput, catalogue: VariableCatalogue): Map<string, CelInputValue> {
  const map = new Map<string, CelInputValue>([
    ['sex', person.sex],
    ['birth_date', person.birthDate],
  ]);
  if (person.deathDate) map.set('death_date', person.deathDate);
  if (person.hukouAreaCode) map.set('hukou_area_code', person.hukouAreaCode);
  if (person.residenceAreaCode) map.set('residence_area_code', person.residenceAreaCode);
  if (person.relationship) map.set('relationship', person.relationship);
  for (const fact of person.facts)
    map.set(fact.variable, toCel(catalogue.get(fact.variable)?.type, fact.value));
  return map;
}

/** The household facts map `h` before derived variables are added. */
export function householdMap(
  facts: ResolvedFact[],
  catalogue: VariableCatalogue,
): Map<string, CelInputValue> {
  const map = new Map<string, CelInputValue>();
  for (const fact of facts) map.set(fact.variable, toCel(catalogue.get(fact.variable)?.type, fact.value));
  return map;
}

function dummy(type: VariableType, name: string, catalogue: VariableCatalogue): CelInputValue {
  switch (type) {
    case 'integer':
      return 1n;
    case 'number':
    case 'money':
      return 1;
    case 'boolean':
      return true;
    case 'date':
      return '2000-01-01';
    case 'code':
      return Object.keys(catalogue.get(name)?.codes ?? {})[0] ?? 'x';
    case 'string':
      return 'x';
  }
}

/** Bindings with every known variable present, for the load-time type probe. */
export function probeBindings(
  catalogue: VariableCatalogue,
  person: ReadonlyMap<string, VariableType>,
  household: ReadonlyMap<string, VariableType>,
): Record<string, unknown> {
  const p: Record<string, CelInputValue> = {};
  for (const [name, type] of person) p[name] = dummy(type, name, catalogue);
  const h: Record<string, CelInputValue> = {};
  for (const [name, type] of household) h[name] = dummy(type, name, catalogue);
  return { p, h, members: [p, p], departed: [p], as_of: '2026-01-01' };
}
