import type { FactValue, VariableCatalogue, VariableType } from '../registry/variables/variableCatalogue.ts';
import type { ResolvedFact } from '../registry/facts/resolveFacts.ts';
import { celList, celMap, type CelList, type CelMap } from '@bufbuild/cel';
import type { Value } from '../rules/compile/compileCel.ts';

/** A value as CEL sees it: ints are bigint (CEL int), money and measures JS numbers (CEL double); events a list. */
export type CelInputValue = bigint | number | boolean | string | CelList | CelMap;

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
  /** Occurrences of event variables (`temporal: event`) up to the date, e.g. each settlement. */
  events: EventFact[];
}

/** One occurrence of an event variable, as the portrait reads it: `{on, value}` in CEL. */
export interface EventFact {
  variable: string;
  on: string;
  value: FactValue;
  source: string;
  factId: number;
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

/** How a person's bindings are made: CEL values (`personMap`) or the compiled closures' (`personValues`). */
interface Binding<T> {
  value(type: VariableType | undefined, value: FactValue): T;
  /** One occurrence of an event variable: `{on, value}`. */
  occurrence(on: string, value: T): T;
  list(items: T[]): T;
}

/**
 * The person's bindings: registry fields, then each catalogue variable that holds. A variable
 * nobody reported is absent, so reading it is an error that CEL's && and || treat as unknown.
 */
function personBindings<T>(
  person: PersonInput,
  catalogue: VariableCatalogue,
  as: Binding<T>,
): Map<string, T> {
  const map = new Map<string, T>([
    ['sex', as.value(undefined, person.sex)],
    ['birth_date', as.value(undefined, person.birthDate)],
  ]);
  if (person.deathDate) map.set('death_date', as.value(undefined, person.deathDate));
  if (person.hukouAreaCode) map.set('hukou_area_code', as.value(undefined, person.hukouAreaCode));
  if (person.residenceAreaCode) map.set('residence_area_code', as.value(undefined, person.residenceAreaCode));
  if (person.relationship) map.set('relationship', as.value(undefined, person.relationship));
  for (const fact of person.facts)
    map.set(fact.variable, as.value(catalogue.get(fact.variable)?.type, fact.value));
  // An event variable is the list of its occurrences, absent when there are none.
  const events = new Map<string, T[]>();
  for (const event of person.events) {
    const list = events.get(event.variable) ?? [];
    list.push(as.occurrence(event.on, as.value(catalogue.get(event.variable)?.type, event.value)));
    events.set(event.variable, list);
  }
  for (const [variable, list] of events) map.set(variable, as.list(list));
  return map;
}

const AS_CEL: Binding<CelInputValue> = {
  value: toCel,
  occurrence: (on, value) =>
    celMap(
      new Map<string, CelInputValue>([
        ['on', on],
        ['value', value],
      ]),
    ),
  list: (items) => celList(items),
};

/** The person map `p` as CEL reads it (`personBindings`). */
export function personMap(person: PersonInput, catalogue: VariableCatalogue): Map<string, CelInputValue> {
  return personBindings(person, catalogue, AS_CEL);
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

/**
 * A value as the compiled closures hold it (compileCel.ts `Value`): what `toCel` then `toValue`
 * give, without the CEL int between — an integer truncated (+ 0: a CEL int has no negative zero).
 */
export function compiledValue(type: VariableType | undefined, value: FactValue): Value {
  return type === 'integer' && typeof value === 'number' ? Math.trunc(value) + 0 : value;
}

const AS_VALUE: Binding<Value> = {
  value: compiledValue,
  occurrence: (on, value) =>
    new Map<string, Value>([
      ['on', on],
      ['value', value],
    ]),
  list: (items) => items,
};

/** `personMap` as the compiled closures read it (what `toValue(personMap(…))` gives), built directly. */
export function personValues(person: PersonInput, catalogue: VariableCatalogue): Map<string, Value> {
  return personBindings(person, catalogue, AS_VALUE);
}

/** `householdMap` with the household's assistance types, as the compiled closures read them. */
export function householdValues(
  facts: ResolvedFact[],
  assistanceTypes: string[],
  catalogue: VariableCatalogue,
): Map<string, Value> {
  const map = new Map<string, Value>();
  for (const fact of facts)
    map.set(fact.variable, compiledValue(catalogue.get(fact.variable)?.type, fact.value));
  map.set('assistance_types', [...assistanceTypes]);
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
  for (const [name, type] of person) {
    const value = dummy(type, name, catalogue);
    p[name] =
      catalogue.get(name)?.temporal === 'event'
        ? celList([
            celMap(
              new Map<string, CelInputValue>([
                ['on', '2000-01-01'],
                ['value', value],
              ]),
            ),
          ])
        : value;
  }
  const h: Record<string, CelInputValue> = {};
  for (const [name, type] of household) h[name] = dummy(type, name, catalogue);
  h.assistance_types = celList(['dibao']);
  return { p, h, members: [p, p], departed: [p], as_of: '2026-01-01' };
}
