import type { VariableCatalogue, FactValue } from '../registry/variables/variableCatalogue.ts';
import type { ResolvedFact } from '../registry/facts/resolveFacts.ts';
import type { PortraitDefinitions, TagDefinition, DerivedVariable } from './portraitDefinitions.ts';
import { ERR, type Value } from '../rules/compile/compileCel.ts';
import { celList, celMap, type CelMap } from '@bufbuild/cel';
import {
  fromCel,
  householdMap,
  householdValues,
  personMap,
  personValues,
  type CelInputValue,
  type PersonInput,
} from './portraitBindings.ts';

const EMPTY: CelMap = celMap(new Map());
const EMPTY_VALUE: Value = new Map<string, Value>();

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
  /**
   * The compiled engine's maps the values were derived in — facts and registry fields as the
   * compiled closures read them, and each derived value as computed (before the rounding of
   * `values`) — given by the compiled engine only. A screening run turns them into the rules'
   * values without building CEL maps again (householdSubject.ts `screenedHouseholds`).
   */
  compiled?: { household: Map<string, Value> | null; persons: Map<string, Map<string, Value>> };
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

/** Each tag's three-valued state from what `evaluate` gives for it (either engine). */
function tagStatesBy(
  tags: TagDefinition[],
  evaluate: (tag: TagDefinition) => unknown,
): Record<string, TagState> {
  const states: Record<string, TagState> = {};
  for (const tag of tags) {
    const result = evaluate(tag);
    states[tag.code] = result === true ? 'yes' : result === false ? 'no' : 'unknown';
  }
  return states;
}

const tagStates = (tags: TagDefinition[], bindings: Record<string, unknown>) =>
  tagStatesBy(tags, (tag) => tag.evaluate(bindings));

const tagStatesCompiled = (tags: TagDefinition[], slots: Value[]) =>
  tagStatesBy(tags, (tag) => (tag.run ? tag.run(slots) : ERR));

/**
 * The portrait of one hukou household and its members on a date, or of a person with no
 * household (`household` null). Pure: the same inputs always give the same portrait, so the
 * stored portrait, the page and the tests agree. Runs the compiled closures (the rules' engine,
 * ADR 0019) when every definition compiled; `engine: 'reference'` runs @bufbuild/cel, which the
 * differential test holds equal. `tags: false` leaves the compiled engine's tags out (a
 * screening run reads the values only).
 */
export function computePortrait(
  definitions: PortraitDefinitions,
  catalogue: VariableCatalogue,
  input: HouseholdPortraitInput | null,
  loneMember: PersonInput | null,
  asOf: string,
  options: { engine?: 'compiled' | 'reference'; tags?: boolean } = {},
): PortraitResult {
  if (definitions.compiled && options.engine !== 'reference')
    return compiledPortrait(definitions, catalogue, input, loneMember, asOf, options.tags ?? true);
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

/** A derived value as stored: numbers to the fen (as fromCel), scalars only; else unknown. */
function stored(value: Value): FactValue | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 100) / 100 : undefined;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  return undefined;
}

function deriveCompiled(
  definitions: DerivedVariable[],
  target: Map<string, Value>,
  slots: Value[],
  values: Record<string, FactValue | null>,
): void {
  for (const definition of definitions) {
    const result = definition.run ? definition.run(slots) : ERR;
    const value = result === ERR ? undefined : stored(result);
    if (value === undefined) values[definition.name] = null;
    else {
      values[definition.name] = value;
      // Later expressions read the value as computed, before rounding (as the reference does).
      target.set(definition.name, result);
    }
  }
}

/** computePortrait on the compiled closures: the same maps as Values, slots as TOP_LEVEL orders them. */
function compiledPortrait(
  definitions: PortraitDefinitions,
  catalogue: VariableCatalogue,
  input: HouseholdPortraitInput | null,
  loneMember: PersonInput | null,
  asOf: string,
  withTags: boolean,
): PortraitResult {
  const members = input ? input.members : loneMember ? [loneMember] : [];
  const personTags = definitions.tags.filter((t) => t.entity === 'person');
  // h, p, members, param, as_of, region, departed (compileCel's TOP_LEVEL).
  const slots: Value[] = [ERR, ERR, ERR, ERR, asOf, ERR, ERR];
  const maps = new Map<string, Map<string, Value>>();
  const persons = new Map<string, SubjectPortrait>();
  for (const member of members) {
    const p = personValues(member, catalogue);
    const values: Record<string, FactValue | null> = {};
    slots[1] = p;
    deriveCompiled(definitions.person, p, slots, values);
    maps.set(member.id, p);
    persons.set(member.id, { values, tags: {} });
  }
  const listOf = (list: PersonInput[]): Value[] => list.map((m) => maps.get(m.id) ?? EMPTY_VALUE);
  const isDeparted = (m: PersonInput) => m.deathDate !== null && m.deathDate <= asOf;
  const living = members.filter((m) => !isDeparted(m));

  let household: SubjectPortrait | null = null;
  let hMap: Map<string, Value> | null = null;
  if (input) {
    hMap = householdValues(input.facts, input.assistanceTypes, catalogue);
    const householdSlots: Value[] = [
      hMap,
      ERR,
      listOf(living),
      ERR,
      asOf,
      ERR,
      listOf(members.filter(isDeparted)),
    ];
    const values: Record<string, FactValue | null> = {};
    deriveCompiled(definitions.household, hMap, householdSlots, values);
    household = {
      values,
      tags: withTags
        ? tagStatesCompiled(
            definitions.tags.filter((t) => t.entity === 'household'),
            householdSlots,
          )
        : {},
    };
  }
  // The dead keep their derived values (the household's history needs them) but carry no tags.
  slots[0] = hMap ?? EMPTY_VALUE;
  if (withTags)
    for (const member of living) {
      const portrait = persons.get(member.id);
      if (!portrait) continue;
      slots[1] = maps.get(member.id) ?? EMPTY_VALUE;
      portrait.tags = tagStatesCompiled(personTags, slots);
    }
  return {
    household,
    persons,
    compiled: { household: hMap, persons: maps },
  };
}
