import type { AppContext } from '../http/appContext.ts';
import type { DataScopeFilter } from '../access/scope/dataScope.ts';
import { authorityOf } from '../ingest/feeds/loadFeeds.ts';
import { eventVariablesOf } from '../registry/facts/resolveFacts.ts';
import { requireHukouHousehold } from '../registry/households/hukouHouseholdService.ts';
import {
  computePortrait,
  type HouseholdPortraitInput,
  type PortraitResult,
} from '../portrait/computePortrait.ts';
import {
  compiledValue,
  householdMap,
  personMap,
  toCel,
  type PersonInput,
} from '../portrait/portraitBindings.ts';
import { loadHouseholdInputs } from '../portrait/portraitRepository.ts';
import { membersOfHousehold } from '../portrait/portraitQueries.ts';
import { celList } from '@bufbuild/cel';
import { addMonths } from '../portrait/celEnvironment.ts';
import type { InputSource, RuleSubject, SubjectValues } from './evaluate/ruleSubject.ts';
import { subjectValues, useValues } from './evaluate/explainPolicies.ts';
import type { Value } from './compile/compileCel.ts';
import type { FactValue, VariableCatalogue, VariableType } from '../registry/variables/variableCatalogue.ts';
import { HARDSHIP_FIELDS } from './ruleVocabulary.ts';
import type { AssessmentModel } from '../assessment/assessmentModel.ts';
import { judgeHousehold } from '../assessment/assessHousehold.ts';
import { discoveryModel } from '../assessment/assessmentModels.ts';

/**
 * How far back members who died are loaded, for `persons: deceased` policies (funeral aid).
 * Not a policy threshold: each such policy's own criteria, with dated parameters, decide how
 * long after a death it applies; this only bounds what is loaded.
 */
const DECEASED_WINDOW_MONTHS = 24;

/** A household read for screening: its values for deciding, and its subject when explained. */
export interface ScreenedHousehold {
  /** As the compiled closures read them: no CEL maps, no sources (decideFindings.ts). */
  values(): SubjectValues;
  /** As the explanation reads it (built on first use: a run explains few households). */
  subject(): RuleSubject;
}

/**
 * Registered hukou households as the rules see them: each one's area, facts and portrait, and
 * its living members' facts and portraits — every value with the department and date behind
 * it, for the explanation. Loads in chunks (the screening and the differential test read
 * thousands); callers check scope first.
 */
export async function registeredSubjects(
  context: Pick<AppContext, 'db' | 'variables' | 'portrait' | 'feeds'>,
  households: { id: string; area_code: string }[],
  asOf: string,
  options: ScreeningOptions = {},
): Promise<Map<string, RuleSubject>> {
  const out = new Map<string, RuleSubject>();
  for (const [id, screened] of await screenedHouseholds(context, households, asOf, options))
    out.set(id, screened.subject());
  return out;
}

export interface ScreeningOptions {
  /**
   * The discovery assessment model (issue 7): its judgement of each household is set as
   * `h.hardship_poor`, `h.hardship_score` and `h.hardship_band` (HARDSHIP_FIELDS) in both the
   * values and the subject. Without it rules reading them find them missing.
   */
  hardship?: AssessmentModel | null;
}

/**
 * The households of `registeredSubjects`, each either as a subject (CEL maps with sources, for
 * the explanation) or as the compiled closures' values — the latter taken from the maps the
 * compiled portrait derived its values in, with each derived value as the subject holds it
 * (rounded as stored, integers truncated), so a screening run that explains nothing builds no
 * CEL map (decideFindings.test.ts holds the two equal).
 */
export async function screenedHouseholds(
  context: Pick<AppContext, 'db' | 'variables' | 'portrait' | 'feeds'>,
  households: { id: string; area_code: string }[],
  asOf: string,
  options: ScreeningOptions = {},
): Promise<Map<string, ScreenedHousehold>> {
  const { db, variables, portrait } = context;
  const model = options.hardship ?? null;
  const policy = { authority: authorityOf(context.feeds), isEvent: eventVariablesOf(variables) };
  const inputs = await loadHouseholdInputs(
    db,
    households.map((h) => h.id),
    asOf,
    policy,
  );
  const personTypes = typesOf(portrait.person);
  const householdTypes = typesOf(portrait.household);
  const since = addMonths(asOf, -DECEASED_WINDOW_MONTHS);
  const out = new Map<string, ScreenedHousehold>();
  for (const household of households) {
    const input = inputs.get(household.id) ?? { facts: [], members: [], assistanceTypes: [] };
    const result = computePortrait(portrait, variables, input, null, asOf, { tags: false });
    const living = input.members.filter((m) => m.deathDate === null || m.deathDate > asOf);
    const recentlyDeceased = input.members.filter(
      (m) => m.deathDate !== null && m.deathDate <= asOf && m.deathDate > since,
    );
    // The subject as the registry gives it, before the assessment is set on it.
    let base: RuleSubject | undefined;
    const baseSubject = (): RuleSubject =>
      (base ??= ruleSubject(household.area_code, asOf, input, result, living, recentlyDeceased, {
        variables,
        personTypes,
        householdTypes,
      }));
    let subject: RuleSubject | undefined;
    let values: SubjectValues | undefined;
    let hardship: ReturnType<typeof judgeHousehold> | null = null;
    const valuesOf = (): SubjectValues => {
      if (values) return values;
      const compiled = result.compiled;
      const member = (m: PersonInput): Value =>
        withDerived(
          compiled?.persons.get(m.id) ?? new Map<string, Value>(),
          result.persons.get(m.id)?.values,
          portrait.person,
        );
      // The reference engine keeps no compiled maps: convert the subject's.
      const made: SubjectValues = compiled?.household
        ? {
            region: household.area_code,
            asOf,
            household: withDerived(compiled.household, result.household?.values, portrait.household),
            members: living.map(member),
            memberIds: living.map((m) => m.id),
            deceased: recentlyDeceased.map(member),
            deceasedIds: recentlyDeceased.map((m) => m.id),
          }
        : subjectValues(baseSubject());
      if (model && made.household instanceof Map) {
        // Judged on the values before its own fields are set: an indicator never reads them.
        hardship = judgeHousehold(model, made);
        for (const [name, value] of hardshipValues(hardship)) made.household.set(name, value);
      }
      return (values = made);
    };
    const subjectOf = (): RuleSubject => {
      if (subject) return subject;
      const decided = valuesOf();
      subject = baseSubject();
      if (hardship)
        for (const [name, value] of hardshipValues(hardship))
          subject.household.set(name, toCel(HARDSHIP_FIELDS.get(name)?.type, value));
      // Explaining it (a run explains what it writes) reuses the values it was decided on.
      useValues(subject, decided);
      return subject;
    };
    out.set(household.id, { subject: subjectOf, values: valuesOf });
  }
  return out;
}

/** The assessment as HARDSHIP_FIELDS: poor and score always, the band only when it has one. */
function hardshipValues(a: ReturnType<typeof judgeHousehold>): [string, boolean | number | string][] {
  return [
    ['hardship_poor', a.poor],
    ['hardship_score', a.scoreValue],
    ...(a.band === null ? [] : [['hardship_band', a.band] as [string, string]]),
  ];
}

const typesOf = (definitions: { name: string; type: VariableType }[]) =>
  new Map(definitions.map((d) => [d.name, d.type]));

/**
 * A compiled portrait map with each derived value replaced by the value the subject holds: as
 * stored (rounded to the fen) and as the compiled closures read it (`compiledValue`). The map is
 * the portrait's own, no longer read by it.
 */
function withDerived(
  map: Map<string, Value>,
  derived: Record<string, FactValue | null> | undefined,
  definitions: readonly { name: string; type: VariableType }[],
): Map<string, Value> {
  if (derived)
    for (const { name, type } of definitions) {
      const value = derived[name];
      if (value !== null && value !== undefined) map.set(name, compiledValue(type, value));
    }
  return map;
}

function ruleSubject(
  region: string,
  asOf: string,
  input: HouseholdPortraitInput,
  result: PortraitResult,
  living: PersonInput[],
  recentlyDeceased: PersonInput[],
  types: {
    variables: VariableCatalogue;
    personTypes: ReadonlyMap<string, VariableType>;
    householdTypes: ReadonlyMap<string, VariableType>;
  },
): RuleSubject {
  const { variables, personTypes, householdTypes } = types;
  const toMember = (member: PersonInput) => {
    const values = personMap(member, variables);
    for (const [name, value] of Object.entries(result.persons.get(member.id)?.values ?? {}))
      if (value !== null) values.set(name, toCel(personTypes.get(name), value));
    const sources = new Map<string, InputSource>(
      member.facts.map((f) => [f.variable, { source: f.source, observedAt: f.observedAt }]),
    );
    return { id: member.id, values, sources };
  };
  const values = householdMap(input.facts, variables);
  values.set('assistance_types', celList(input.assistanceTypes));
  for (const [name, value] of Object.entries(result.household?.values ?? {}))
    if (value !== null) values.set(name, toCel(householdTypes.get(name), value));
  return {
    region,
    asOf,
    household: values,
    householdSources: new Map(
      input.facts.map((f) => [f.variable, { source: f.source, observedAt: f.observedAt }]),
    ),
    members: living.map(toMember),
    deceased: recentlyDeceased.map(toMember),
  };
}

/** One registered household, scope-checked (outside the caller's area it is not found), with member names. */
export async function registeredHouseholdSubject(
  context: AppContext,
  householdId: string,
  scope: DataScopeFilter,
  asOf: string,
): Promise<{ subject: RuleSubject; household: { id: string; hukouNumber: string; areaCode: string } }> {
  const household = await requireHukouHousehold(context.db, householdId, scope);
  // Judged as a screening run judges it, hardship included.
  const hardship = discoveryModel(await context.assessment.active());
  const subject = (await registeredSubjects(context, [household], asOf, { hardship })).get(household.id);
  if (!subject) throw new Error('household subject missing');
  const names = new Map((await membersOfHousehold(context.db, householdId)).map((r) => [r.id, r.name]));
  for (const member of [...subject.members, ...(subject.deceased ?? [])])
    member.name = names.get(member.id) ?? '';
  return {
    subject,
    household: { id: household.id, hukouNumber: household.hukou_number, areaCode: household.area_code },
  };
}

/**
 * Registered households as rule subjects, a chunk at a time (a county at once would sit whole in
 * memory): each chunk's households, in order, with the subjects the registry gives for them.
 */
export async function* subjectChunks(
  context: Pick<AppContext, 'db' | 'variables' | 'portrait' | 'feeds'>,
  households: { id: string; area_code: string }[],
  asOf: string,
  size = 250,
): AsyncGenerator<{ households: { id: string; area_code: string }[]; subjects: Map<string, RuleSubject> }> {
  for (let i = 0; i < households.length; i += size) {
    const chunk = households.slice(i, i + size);
    yield { households: chunk, subjects: await registeredSubjects(context, chunk, asOf) };
  }
}
