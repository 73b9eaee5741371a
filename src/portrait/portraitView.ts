import type { AppContext } from '../http/appContext.ts';
import type { DataScopeFilter } from '../access/scope/dataScope.ts';
import type { FactRow, PersonRow } from '../db/schema.ts';
import type { FactValue, Label } from '../registry/variables/variableCatalogue.ts';
import { eventVariablesOf, type ResolvedFact } from '../registry/facts/resolveFacts.ts';
import { requirePerson } from '../registry/persons/personService.ts';
import { requireHukouHousehold } from '../registry/households/hukouHouseholdService.ts';
import { relationshipLabel } from '../registry/households/relationshipCodes.ts';
import { personMasker } from '../registry/persons/personMasking.ts';
import { sexLabels, toPersonDto } from '../registry/persons/personDto.ts';
import { authorityOf } from '../ingest/feeds/loadFeeds.ts';
import { computePortrait, type SubjectPortrait, type TagState } from './computePortrait.ts';
import {
  registryFields,
  registryLabels,
  type PortraitDefinitions,
  type TagDefinition,
} from './portraitDefinitions.ts';
import { loadHouseholdInputs, loadPersonInputs } from './portraitRepository.ts';
import { personMap, type PersonInput } from './portraitBindings.ts';
import { factProvenance, factsOfPersons, householdOfPerson, membersOfHousehold } from './portraitQueries.ts';

/** One input behind a tag: a member's value with its source, or the fact that it is missing. */
export interface InputView {
  variable: string;
  label: Label;
  personId: string | null;
  personName: string | null;
  value: FactValue | null;
  display: Label;
  source: string | null;
  sourceLabel: string | null;
  observedAt: string | null;
  factId: number | null;
  basis: 'authority' | 'latest' | 'registry' | null;
  feed: { importId: string; feedId: string; feedName: string; fileName: string; line: number | null } | null;
}

export interface TagView {
  code: string;
  label: Label;
  category: string;
  categoryLabel: Label;
  description: string | null;
  expr: string;
  state: TagState;
  inputs: InputView[];
}

export interface ValueView {
  name: string;
  label: Label;
  unit: string | null;
  value: FactValue | null;
  display: Label;
}

export interface TimelineEvent {
  date: string;
  kind: 'birth' | 'death' | 'joined' | 'fact';
  personId: string;
  personName: string;
  title: Label;
  source: string | null;
  sourceLabel: string | null;
}

const assistanceTypeLabels: Record<string, Label> = {
  dibao: { zh: '低保', en: 'Dibao' },
  nearDibao: { zh: '低保边缘', en: 'Near-dibao' },
  tekun: { zh: '特困供养', en: 'Tekun' },
};

function display(context: AppContext, variable: string, value: FactValue | null): Label {
  if (value === null) return { zh: '未知', en: 'Unknown' };
  if (typeof value === 'boolean') return value ? { zh: '是', en: 'Yes' } : { zh: '否', en: 'No' };
  const code = context.variables.get(variable)?.codes?.[String(value)];
  if (code) return code;
  if (variable === 'sex' && (value === 'male' || value === 'female')) return sexLabels[value];
  if (variable === 'relationship') {
    const zh = relationshipLabel(String(value));
    return { zh: zh ?? String(value), en: String(value) };
  }
  return { zh: String(value), en: String(value) };
}

function labelOf(context: AppContext, name: string): Label {
  const derived = [...context.portrait.person, ...context.portrait.household].find((d) => d.name === name);
  return (
    context.variables.get(name)?.label ?? registryLabels[name] ?? derived?.label ?? { zh: name, en: name }
  );
}

function values(context: AppContext, portrait: SubjectPortrait, entity: 'person' | 'household'): ValueView[] {
  return context.portrait[entity].map((d) => {
    const value = portrait.values[d.name] ?? null;
    return {
      name: d.name,
      label: d.label,
      unit: d.unit ?? null,
      value,
      display: display(context, d.name, value),
    };
  });
}

type Provenance = Awaited<ReturnType<typeof factProvenance>>;

/** The inputs of a tag for these persons (and household facts), each with where it came from. */
function traceInputs(
  context: AppContext,
  tag: TagDefinition,
  persons: { input: PersonInput; name: string }[],
  householdFacts: ResolvedFact[],
  assistanceTypes: string[],
  provenance: Provenance,
): InputView[] {
  const out: InputView[] = [];
  const registryMaps = new Map(persons.map(({ input }) => [input.id, personMap(input, context.variables)]));
  const fromFact = (fact: ResolvedFact, personId: string | null, personName: string | null): InputView => {
    const origin = provenance.get(fact.factId);
    return {
      variable: fact.variable,
      label: labelOf(context, fact.variable),
      personId,
      personName,
      value: fact.value,
      display: display(context, fact.variable, fact.value),
      source: fact.source,
      sourceLabel: context.variables.department(fact.source)?.zh ?? fact.source,
      observedAt: fact.observedAt,
      factId: fact.factId,
      basis: fact.basis,
      feed: origin
        ? { ...origin, feedName: context.feeds.get(origin.feedId)?.name.zh ?? origin.feedId }
        : null,
    };
  };
  for (const variable of tag.inputs) {
    if (variable === 'members') continue;
    if (variable === 'assistance_types') {
      const names = assistanceTypes.map((t) => assistanceTypeLabels[t] ?? { zh: t, en: t });
      out.push({
        variable,
        label: registryLabels.assistance_types ?? { zh: variable, en: variable },
        personId: null,
        personName: null,
        value: assistanceTypes.join(','),
        display: {
          zh: names.length > 0 ? names.map((n) => n.zh).join('、') : '无',
          en: names.length > 0 ? names.map((n) => n.en).join(', ') : 'None',
        },
        source: 'civil_affairs',
        sourceLabel: context.variables.department('civil_affairs')?.zh ?? '民政',
        observedAt: null,
        factId: null,
        basis: 'registry',
        feed: null,
      });
      continue;
    }
    const catalogued = context.variables.get(variable);
    if (catalogued?.entity === 'household') {
      const fact = householdFacts.find((f) => f.variable === variable);
      if (fact) out.push(fromFact(fact, null, null));
      continue;
    }
    for (const { input, name } of persons) {
      if (variable in registryFields) {
        // The same registry fields the expressions read (portraitBindings.ts), absent when unknown.
        const value = registryMaps.get(input.id)?.get(variable);
        if (typeof value !== 'string') continue;
        out.push({
          variable,
          label: labelOf(context, variable),
          personId: input.id,
          personName: name,
          value,
          display: display(context, variable, value),
          source: null,
          sourceLabel: '人员登记',
          observedAt: null,
          factId: null,
          basis: 'registry',
          feed: null,
        });
        continue;
      }
      if (catalogued?.temporal === 'event') {
        // Occurrences (each settlement, each deposit): how many, their total, over which dates.
        const events = input.events.filter((e) => e.variable === variable);
        if (events.length === 0) continue;
        const dates = events.map((e) => e.on).sort();
        const total = events.reduce((sum, e) => sum + (typeof e.value === 'number' ? e.value : 0), 0);
        const numeric = events.some((e) => typeof e.value === 'number');
        const shown = numeric ? `，合计 ${total.toFixed(2)}${catalogued.unit ?? ''}` : '';
        const shownEn = numeric ? `, ${total.toFixed(2)} in all` : '';
        out.push({
          variable,
          label: labelOf(context, variable),
          personId: input.id,
          personName: name,
          value: numeric ? Math.round(total * 100) / 100 : events.length,
          display: {
            zh: `${String(events.length)} 条记录${shown}（${dates[0] ?? ''} 至 ${dates[dates.length - 1] ?? ''}）`,
            en: `${String(events.length)} records${shownEn} (${dates[0] ?? ''} to ${dates[dates.length - 1] ?? ''})`,
          },
          source: events[0]?.source ?? null,
          sourceLabel: context.variables.department(events[0]?.source ?? '')?.zh ?? null,
          observedAt: dates[dates.length - 1] ?? null,
          factId: null,
          basis: null,
          feed: null,
        });
        continue;
      }
      const fact = input.facts.find((f) => f.variable === variable);
      if (fact) out.push(fromFact(fact, input.id, name));
      else {
        out.push({
          variable,
          label: labelOf(context, variable),
          personId: input.id,
          personName: name,
          value: null,
          display: { zh: '无记录', en: 'No record' },
          source: null,
          sourceLabel: null,
          observedAt: null,
          factId: null,
          basis: null,
          feed: null,
        });
      }
    }
  }
  return out;
}

function tagViews(
  definitions: PortraitDefinitions,
  states: Record<string, TagState>,
  entity: 'person' | 'household',
  trace: (tag: TagDefinition) => InputView[],
): TagView[] {
  return definitions.tags
    .filter((t) => t.entity === entity)
    .map((t) => {
      const state = states[t.code] ?? 'unknown';
      return {
        code: t.code,
        label: t.label,
        category: t.category,
        categoryLabel: definitions.categories[t.category] ?? { zh: t.category, en: t.category },
        description: t.description ?? null,
        expr: t.expr,
        state,
        // Only what holds or cannot be decided is traced: "no" needs no evidence on the page.
        inputs: state === 'no' ? [] : trace(t),
      };
    });
}

function timeline(
  context: AppContext,
  people: { row: PersonRow; joinedOn?: string | null }[],
  facts: FactRow[],
): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  const nameOf = new Map(people.map((p) => [p.row.id, p.row.name]));
  for (const { row, joinedOn } of people) {
    events.push({
      date: row.birth_date,
      kind: 'birth',
      personId: row.id,
      personName: row.name,
      title: { zh: '出生', en: 'Born' },
      source: null,
      sourceLabel: null,
    });
    if (joinedOn) {
      events.push({
        date: joinedOn,
        kind: 'joined',
        personId: row.id,
        personName: row.name,
        title: { zh: '迁入本户', en: 'Joined the household' },
        source: null,
        sourceLabel: null,
      });
    }
    if (row.death_date) {
      events.push({
        date: row.death_date,
        kind: 'death',
        personId: row.id,
        personName: row.name,
        title: { zh: '死亡', en: 'Died' },
        source: null,
        sourceLabel: null,
      });
    }
  }
  for (const fact of facts) {
    const value = JSON.parse(fact.value_json) as FactValue;
    const label = labelOf(context, fact.variable);
    const shown = display(context, fact.variable, value);
    events.push({
      date: fact.observed_at,
      kind: 'fact',
      personId: fact.subject_id,
      personName: nameOf.get(fact.subject_id) ?? '',
      title: { zh: `${label.zh}：${shown.zh}`, en: `${label.en}: ${shown.en}` },
      source: fact.source,
      sourceLabel: context.variables.department(fact.source)?.zh ?? fact.source,
    });
  }
  return events.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
}

/** How many fact observations the timeline shows at most (newest first). */
const TIMELINE_FACTS = 200;

async function masker(context: AppContext) {
  return personMasker(context.cipher, await context.settings.maskingRules());
}

/** The portrait of one hukou household on a date: members, derived values, tags with their evidence, timeline. */
export async function householdPortrait(
  context: AppContext,
  id: string,
  scope: DataScopeFilter,
  asOf: string,
) {
  const { db } = context;
  const household = await requireHukouHousehold(db, id, scope);
  const rows = await membersOfHousehold(db, id);
  const authority = { authority: authorityOf(context.feeds), isEvent: eventVariablesOf(context.variables) };
  const input = (await loadHouseholdInputs(db, [id], asOf, authority)).get(id) ?? {
    facts: [],
    members: [],
    assistanceTypes: [],
  };
  const result = computePortrait(context.portrait, context.variables, input, null, asOf);
  const mask = await masker(context);
  const nameOf = new Map(rows.map((r) => [r.id, r.name]));
  const persons = input.members.map((m) => ({ input: m, name: nameOf.get(m.id) ?? '' }));
  const factIds = [
    ...input.members.flatMap((m) => m.facts.map((f) => f.factId)),
    ...input.facts.map((f) => f.factId),
  ];
  const provenance = await factProvenance(db, factIds);
  const householdPortraitValue = result.household ?? { values: {}, tags: {} };
  return {
    asOf,
    household: {
      id: household.id,
      hukouNumber: household.hukou_number,
      areaCode: household.area_code,
      // Non-local residents (N1): their hukou is in another county; areaCode is where they live.
      hukouAreaElsewhere: household.hukou_area_elsewhere ?? null,
      address: household.address,
    },
    values: values(context, householdPortraitValue, 'household'),
    tags: tagViews(context.portrait, householdPortraitValue.tags, 'household', (tag) =>
      traceInputs(context, tag, persons, input.facts, input.assistanceTypes, provenance),
    ),
    members: rows.map((row) => {
      const portrait = result.persons.get(row.id) ?? { values: {}, tags: {} };
      return {
        person: toPersonDto(row, mask),
        relationship: row.relationship,
        relationshipLabel: relationshipLabel(row.relationship) ?? row.relationship,
        values: values(context, portrait, 'person'),
        tags: context.portrait.tags
          .filter(
            (t) =>
              t.entity === 'person' && portrait.tags[t.code] !== undefined && portrait.tags[t.code] !== 'no',
          )
          .map((t) => ({ code: t.code, label: t.label, state: portrait.tags[t.code] as TagState })),
      };
    }),
    timeline: timeline(
      context,
      rows.map((row) => ({ row, joinedOn: row.joined_on })),
      await factsOfPersons(
        db,
        rows.map((r) => r.id),
        TIMELINE_FACTS,
      ),
    ),
  };
}

/** The portrait of one person on a date, with their household's tags when they belong to one. */
export async function personPortrait(context: AppContext, id: string, scope: DataScopeFilter, asOf: string) {
  const { db } = context;
  const row = await requirePerson(db, id, scope);
  const membership = await householdOfPerson(db, id);
  const authority = { authority: authorityOf(context.feeds), isEvent: eventVariablesOf(context.variables) };
  let input: PersonInput | undefined;
  let result: ReturnType<typeof computePortrait> | undefined;
  let householdFacts: ResolvedFact[] = [];
  let assistanceTypes: string[] = [];
  if (membership) {
    const household = (await loadHouseholdInputs(db, [membership.id], asOf, authority)).get(membership.id);
    input = household?.members.find((m) => m.id === id);
    householdFacts = household?.facts ?? [];
    assistanceTypes = household?.assistanceTypes ?? [];
    result = computePortrait(context.portrait, context.variables, household ?? null, null, asOf);
  }
  if (!input) {
    input = (await loadPersonInputs(db, [id], asOf, authority))[0];
    result = computePortrait(context.portrait, context.variables, null, input ?? null, asOf);
  }
  const portrait = result?.persons.get(id) ?? { values: {}, tags: {} };
  const provenance = await factProvenance(
    db,
    (input?.facts ?? []).map((f) => f.factId),
  );
  const persons = input ? [{ input, name: row.name }] : [];
  const mask = await masker(context);
  return {
    asOf,
    person: toPersonDto(row, mask),
    household: membership
      ? {
          id: membership.id,
          hukouNumber: membership.hukou_number,
          areaCode: membership.area_code,
          relationship: membership.relationship,
          relationshipLabel: relationshipLabel(membership.relationship) ?? membership.relationship,
          tags: context.portrait.tags
            .filter((t) => t.entity === 'household' && (result?.household?.tags[t.code] ?? 'no') !== 'no')
            .map((t) => ({
              code: t.code,
              label: t.label,
              state: result?.household?.tags[t.code] as TagState,
            })),
        }
      : null,
    values: values(context, portrait, 'person'),
    tags: tagViews(context.portrait, portrait.tags, 'person', (tag) =>
      traceInputs(context, tag, persons, householdFacts, assistanceTypes, provenance),
    ),
    facts: (input?.facts ?? []).map((fact) => {
      const origin = provenance.get(fact.factId);
      return {
        variable: fact.variable,
        label: labelOf(context, fact.variable),
        value: fact.value,
        display: display(context, fact.variable, fact.value),
        source: fact.source,
        sourceLabel: context.variables.department(fact.source)?.zh ?? fact.source,
        observedAt: fact.observedAt,
        basis: fact.basis,
        competing: fact.competing.map((c) => ({
          display: display(context, fact.variable, c.value),
          sourceLabel: context.variables.department(c.source)?.zh ?? c.source,
          observedAt: c.observedAt,
        })),
        feed: origin
          ? { ...origin, feedName: context.feeds.get(origin.feedId)?.name.zh ?? origin.feedId }
          : null,
      };
    }),
    timeline: timeline(
      context,
      [{ row, joinedOn: membership?.joined_on ?? null }],
      await factsOfPersons(db, [id], TIMELINE_FACTS),
    ),
  };
}
