import type { VariableCatalogue, FactValue } from '../registry/variables/variableCatalogue.ts';
import type { ResolvedFact } from '../registry/facts/resolveFacts.ts';
import type { PortraitDefinitions, TagDefinition, DerivedVariable } from './portraitDefinitions.ts';
import {
  fromCel,
  householdMap,
  personMap,
  type CelInputValue,
  type PersonInput,
} from './portraitBindings.ts';

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
}

export interface PortraitResult {
  /** Null for a person without a household. */
  household: SubjectPortrait | null;
  persons: Map<string, SubjectPortrait>;
}

function derive(
  definitions: DerivedVariable[],
  target: Record<string, CelInputValue>,
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
      target[definition.name] = result as CelInputValue;
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
  const maps = new Map<string, Record<string, CelInputValue>>();
  const persons = new Map<string, SubjectPortrait>();
  for (const member of members) {
    const p = personMap(member, catalogue);
    const values: Record<string, FactValue | null> = {};
    derive(definitions.person, p, { p, as_of: asOf }, values);
    maps.set(member.id, p);
    persons.set(member.id, { values, tags: {} });
  }
  const isDeparted = (m: PersonInput) => m.deathDate !== null && m.deathDate <= asOf;
  const living = members.filter((m) => !isDeparted(m));

  let household: SubjectPortrait | null = null;
  let h: Record<string, CelInputValue> = {};
  if (input) {
    h = householdMap(input.facts, catalogue);
    const bindings = {
      h,
      members: living.map((m) => maps.get(m.id)),
      departed: members.filter(isDeparted).map((m) => maps.get(m.id)),
      as_of: asOf,
    };
    const values: Record<string, FactValue | null> = {};
    derive(definitions.household, h, bindings, values);
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
