import type { VariableCatalogue, FactValue } from '../registry/variables/variableCatalogue.ts';
import type { ResolvedFact } from '../registry/facts/resolveFacts.ts';
import type { PortraitDefinitions, TagDefinition, DerivedVariable } from './portraitDefinitions.ts';
import { celList, celMap, type CelMap } from '@bufbuild/cel';
import {
  fromCel,
  householdMap,
  personMap,
  type CelInputValue,
  type PersonInput,
} from './portraitBindings.ts';

const EMPTY: CelMap = celMap(new Map());

/** A tag is three-valued: on missing data it is unknown, which is not the same as no. */
export type TagState = 'yes' | 'no' | 'unknown';

export interface SubjectPortrait {
  /** Derived variables; null where the inputs were missing (unknown). */
  values: Record<string, FactValue | null>;
  tags: Record<string, TagState>;
}

export interface HouseholdPortraitInput {
  /** Facts of the household itself (from the assistance household its members belong to). */
  facts: ResolvedFact[];
  members: PersonInput[];
  /** Open civil-affairs cases its members are counted in: 'dibao', 'nearDibao', 'tekun'. */
  assistanceTypes: string[];
}

export interface PortraitResult {
  /** Null for a person without a household. */
  household: SubjectPortrait | null;
  persons: Map<string, SubjectPortrait>;
}

function derive(
  definitions: DerivedVariable[],
  target: Map<string, CelInputValue>,
  bindings: Record<string, unknown>,
  values: Record<string, FactValue | null>,
): void {
  for (const definition of definitions) {
    const result = definition.evaluate(bindings);
    const value = result instanceof Error ? undefined : fromCel(result);
    if (value === undefined) {
      values[definition.name] = null;
    } else {
      values[definition.name] = value;
      target.set(definition.name, result as CelInputValue);
    }
  }
}

function tagStates(tags: TagDefinition[], bindings: Record<string, unknown>): Record<string, TagState> {
  const states: Record<string, TagState> = {};
  for (const tag of tags) {
    const result = tag.evaluate(bindings);
    states[tag.code] = result === true ? 'yes' : result === false ? 'no' : 'unknown';
  }
  return states;
}

/**
 * The portrait of one hukou household and its members on a date, or of a person with no
 * household (`household` null). Pure: the same inputs always give the same portrait, so the
 * stored portrait, the page and the tests agree.
 */
export function computePortrait(
  definitions: PortraitDefinitions,
  catalogue: VariableCatalogue,
  input: HouseholdPortraitInput | null,
  loneMember: PersonInput | null,
  asOf: string,
): PortraitResult {
  const members = input ? input.members : loneMember ? [loneMember] : [];
  const personTags = definitions.tags.filter((t) => t.entity === 'person');
  // Each map is wrapped for CEL once and grows as derived values are added: CEL reads the live
  // Map, whereas a plain object would be copied into a CEL map on every evaluation (10× slower).
  const maps = new Map<string, CelMap>();
  const persons = new Map<string, SubjectPortrait>();
  for (const member of members) {
    const raw = personMap(member, catalogue);
    const p = celMap(raw);
    const values: Record<string, FactValue | null> = {};
    derive(definitions.person, raw, { p, as_of: asOf }, values);
    maps.set(member.id, p);
    persons.set(member.id, { values, tags: {} });
  }
  const listOf = (list: PersonInput[]) => celList(list.map((m) => maps.get(m.id) ?? EMPTY));
  const isDeparted = (m: PersonInput) => m.deathDate !== null && m.deathDate <= asOf;
  const living = members.filter((m) => !isDeparted(m));

  let household: SubjectPortrait | null = null;
  let h: CelMap = EMPTY;
  if (input) {
    const raw = householdMap(input.facts, catalogue);
    raw.set('assistance_types', celList(input.assistanceTypes));
    h = celMap(raw);
    const bindings = {
      h,
      members: listOf(living),
      departed: listOf(members.filter(isDeparted)),
      as_of: asOf,
    };
    const values: Record<string, FactValue | null> = {};
    derive(definitions.household, raw, bindings, values);
    household = {
      values,
      tags: tagStates(
        definitions.tags.filter((t) => t.entity === 'household'),
        bindings,
      ),
    };
  }
  // The dead keep their derived values (the household's history needs them) but carry no tags.
  for (const member of living) {
    const portrait = persons.get(member.id);
    if (portrait) portrait.tags = tagStates(personTags, { p: maps.get(member.id), h, as_of: asOf });
  }
  return { household, persons };
}
