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
import type { InputSource, RuleSubject } from './evaluate/ruleSubject.ts';

/**
 * A registered hukou household as the rules see it: its area, its facts and portrait, and its
 * living members' facts and portraits — each value with the department and date behind it,
 * for the explanation. Scope-checked (a household outside the caller's area is not found).
 */
export async function registeredHouseholdSubject(
  context: AppContext,
  householdId: string,
  scope: DataScopeFilter,
  asOf: string,
): Promise<{ subject: RuleSubject; household: { id: string; hukouNumber: string; areaCode: string } }> {
  const { db, variables, portrait } = context;
  const household = await requireHukouHousehold(db, householdId, scope);
  const policy = { authority: authorityOf(context.feeds), isEvent: eventVariablesOf(variables) };
  const input = (await loadHouseholdInputs(db, [householdId], asOf, policy)).get(householdId) ?? {
    facts: [],
    members: [],
    assistanceTypes: [],
  };
  const result = computePortrait(portrait, variables, input, null, asOf);
  const names = new Map((await membersOfHousehold(db, householdId)).map((r) => [r.id, r.name]));
  const personTypes = new Map(portrait.person.map((d) => [d.name, d.type]));
  const householdTypes = new Map(portrait.household.map((d) => [d.name, d.type]));
  const living = input.members.filter((m) => m.deathDate === null || m.deathDate > asOf);

  const members = living.map((member) => {
    const values = personMap(member, variables);
    for (const [name, value] of Object.entries(result.persons.get(member.id)?.values ?? {}))
      if (value !== null) values.set(name, toCel(personTypes.get(name), value));
    const sources = new Map<string, InputSource>(
      member.facts.map((f) => [f.variable, { source: f.source, observedAt: f.observedAt }]),
    );
    return { id: member.id, name: names.get(member.id) ?? '', values, sources };
  });
  const values = householdMap(input.facts, variables);
  values.set('assistance_types', celList(input.assistanceTypes));
  for (const [name, value] of Object.entries(result.household?.values ?? {}))
    if (value !== null) values.set(name, toCel(householdTypes.get(name), value));
  return {
    subject: {
      region: household.area_code,
      asOf,
      household: values,
      householdSources: new Map(
        input.facts.map((f) => [f.variable, { source: f.source, observedAt: f.observedAt }]),
      ),
      members,
    },
    household: { id: household.id, hukouNumber: household.hukou_number, areaCode: household.area_code },
  };
}
