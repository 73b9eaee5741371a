import type { AppContext } from '../http/appContext.ts';
import type { DataScopeFilter } from '../access/scope/dataScope.ts';
import { authorityOf } from '../ingest/feeds/loadFeeds.ts';
import { eventVariablesOf } from '../registry/facts/resolveFacts.ts';
import { requireHukouHousehold } from '../registry/households/hukouHouseholdService.ts';
import { computePortrait } from '../portrait/computePortrait.ts';
import { householdMap, personMap, toCel } from '../portrait/portraitBindings.ts';
import { loadHouseholdInputs } from '../portrait/portraitRepository.ts';
import { membersOfHousehold } from '../portrait/portraitQueries.ts';
import { celList } from '@bufbuild/cel';
import { addMonths } from '../portrait/celEnvironment.ts';
import type { InputSource, RuleSubject } from './evaluate/ruleSubject.ts';

/**
 * How far back members who died are loaded, for `persons: deceased` policies (funeral aid).
 * Not a policy threshold: each such policy's own criteria, with dated parameters, decide how
 * long after a death it applies; this only bounds what is loaded.
 */
const DECEASED_WINDOW_MONTHS = 24;

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
): Promise<Map<string, RuleSubject>> {
  const { db, variables, portrait } = context;
  const policy = { authority: authorityOf(context.feeds), isEvent: eventVariablesOf(variables) };
  const inputs = await loadHouseholdInputs(
    db,
    households.map((h) => h.id),
    asOf,
    policy,
  );
  const personTypes = new Map(portrait.person.map((d) => [d.name, d.type]));
  const householdTypes = new Map(portrait.household.map((d) => [d.name, d.type]));
  const out = new Map<string, RuleSubject>();
  for (const household of households) {
    const input = inputs.get(household.id) ?? { facts: [], members: [], assistanceTypes: [] };
    const result = computePortrait(portrait, variables, input, null, asOf);
    const living = input.members.filter((m) => m.deathDate === null || m.deathDate > asOf);
    const since = addMonths(asOf, -DECEASED_WINDOW_MONTHS);
    const recentlyDeceased = input.members.filter(
      (m) => m.deathDate !== null && m.deathDate <= asOf && m.deathDate > since,
    );
    const toMember = (member: (typeof input.members)[number]) => {
      const values = personMap(member, variables);
      for (const [name, value] of Object.entries(result.persons.get(member.id)?.values ?? {}))
        if (value !== null) values.set(name, toCel(personTypes.get(name), value));
      const sources = new Map<string, InputSource>(
        member.facts.map((f) => [f.variable, { source: f.source, observedAt: f.observedAt }]),
      );
      return { id: member.id, values, sources };
    };
    const members = living.map(toMember);
    const deceased = recentlyDeceased.map(toMember);
    const values = householdMap(input.facts, variables);
    values.set('assistance_types', celList(input.assistanceTypes));
    for (const [name, value] of Object.entries(result.household?.values ?? {}))
      if (value !== null) values.set(name, toCel(householdTypes.get(name), value));
    out.set(household.id, {
      region: household.area_code,
      asOf,
      household: values,
      householdSources: new Map(
        input.facts.map((f) => [f.variable, { source: f.source, observedAt: f.observedAt }]),
      ),
      members,
      deceased,
    });
  }
  return out;
}

/** One registered household, scope-checked (outside the caller's area it is not found), with member names. */
export async function registeredHouseholdSubject(
  context: AppContext,
  householdId: string,
  scope: DataScopeFilter,
  asOf: string,
): Promise<{ subject: RuleSubject; household: { id: string; hukouNumber: string; areaCode: string } }> {
  const household = await requireHukouHousehold(context.db, householdId, scope);
  const subject = (await registeredSubjects(context, [household], asOf)).get(household.id);
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
