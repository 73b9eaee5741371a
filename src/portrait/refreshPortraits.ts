import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { todayInChina } from '../core/isoDate.ts';
import { eventVariablesOf, type Authority } from '../registry/facts/resolveFacts.ts';
import type { VariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import type { PortraitDefinitions } from './portraitDefinitions.ts';
import { computePortrait } from './computePortrait.ts';
import {
  currentHouseholdsOf,
  currentMarks,
  hukouHouseholdPage,
  loadHouseholdInputs,
  loadPersonInputs,
  personsChangedSince,
  personsWithoutHousehold,
  readRefreshState,
  rebuildImportedSince,
  removeMergedPortraits,
  replacePortraits,
  writeRefreshState,
  type StoredPortrait,
} from './portraitRepository.ts';

export interface PortraitContext {
  db: Kysely<Database>;
  definitions: PortraitDefinitions;
  catalogue: VariableCatalogue;
  authority: Authority;
  /**
   * Feeds whose imports rebuild households after their rows (the assistance roster): what they
   * change (assistance memberships, closed cases) carries no fact mark, so a completed import of
   * one since the last pass makes the next pass a full one.
   */
  rebuildingFeeds?: string[];
}

export interface RefreshOutcome {
  /** Full when nothing was stored yet, the definitions changed, the date moved on, or it was asked for. */
  mode: 'full' | 'incremental';
  households: number;
  persons: number;
  milliseconds: number;
}

const CHUNK = 500;

function stored(result: ReturnType<typeof computePortrait>, householdId: string | null): StoredPortrait[] {
  const out: StoredPortrait[] = [];
  if (householdId && result.household) {
    out.push({ subjectType: 'hukou_household', subjectId: householdId, ...result.household });
  }
  for (const [id, portrait] of result.persons)
    out.push({ subjectType: 'person', subjectId: id, ...portrait });
  return out;
}

async function refreshHouseholds(context: PortraitContext, ids: string[], asOf: string): Promise<number> {
  const { db, definitions, catalogue, authority } = context;
  let persons = 0;
  const inputs = await loadHouseholdInputs(db, ids, asOf, {
    authority,
    isEvent: eventVariablesOf(catalogue),
  });
  const portraits: StoredPortrait[] = [];
  for (const [id, input] of inputs) {
    portraits.push(...stored(computePortrait(definitions, catalogue, input, null, asOf), id));
    persons += input.members.length;
  }
  await replacePortraits(db, portraits);
  return persons;
}

async function refreshLonePersons(context: PortraitContext, ids: string[], asOf: string): Promise<number> {
  const { db, definitions, catalogue, authority } = context;
  const people = await loadPersonInputs(db, ids, asOf, { authority, isEvent: eventVariablesOf(catalogue) });
  const portraits = people.flatMap((person) =>
    stored(computePortrait(definitions, catalogue, null, person, asOf), null),
  );
  await replacePortraits(db, portraits);
  return people.length;
}

/**
 * Brings the stored portrait up to date with the registry. Incrementally, it recomputes only
 * the hukou households of persons touched since the last refresh (a new fact about them or
 * their assistance household, a new membership, an edit of their record) — so one changed
 * fact costs one household. A full pass happens when the definitions or the date changed
 * (ages and 12-month windows move with the date), or when asked for.
 *
 * Known limit: a person leaving a household is noticed for their new household at once, and
 * for the old one at the next full pass (memberships have no change stamp yet).
 */
export async function refreshPortraits(
  context: PortraitContext,
  options: { asOf?: string; full?: boolean } = {},
): Promise<RefreshOutcome> {
  const started = performance.now();
  // Recorded as the pass's instant: anything finishing while it runs is after it, and seen next time.
  const startedAt = new Date().toISOString();
  const { db, definitions } = context;
  const asOf = options.asOf ?? todayInChina();
  const state = await readRefreshState(db);
  const until = await currentMarks(db);
  const full =
    options.full === true ||
    state === undefined ||
    state.as_of !== asOf ||
    state.definitions_version !== definitions.version ||
    (await rebuildImportedSince(db, context.rebuildingFeeds ?? [], state.refreshed_at));
  let households = 0;
  let persons = 0;
  if (full) {
    for (let after = ''; ;) {
      const ids = await hukouHouseholdPage(db, after, CHUNK);
      if (ids.length === 0) break;
      persons += await refreshHouseholds(context, ids, asOf);
      households += ids.length;
      after = ids[ids.length - 1] ?? after;
    }
    for (let after = ''; ;) {
      const ids = await personsWithoutHousehold(db, after, CHUNK);
      if (ids.length === 0) break;
      persons += await refreshLonePersons(context, ids, asOf);
      after = ids[ids.length - 1] ?? after;
    }
  } else {
    const changed = await personsChangedSince(
      db,
      { factMark: state.fact_mark, membershipMark: state.membership_mark, personMark: state.person_mark },
      until,
    );
    const householdOf = await currentHouseholdsOf(db, changed);
    const householdIds = [...new Set(householdOf.values())];
    for (let i = 0; i < householdIds.length; i += CHUNK) {
      persons += await refreshHouseholds(context, householdIds.slice(i, i + CHUNK), asOf);
    }
    households = householdIds.length;
    await removeMergedPortraits(db, changed);
    const lone = changed.filter((id) => !householdOf.has(id));
    for (let i = 0; i < lone.length; i += CHUNK) {
      persons += await refreshLonePersons(context, lone.slice(i, i + CHUNK), asOf);
    }
  }
  await writeRefreshState(db, {
    fact_mark: until.factMark,
    membership_mark: until.membershipMark,
    person_mark: until.personMark,
    as_of: asOf,
    definitions_version: definitions.version,
    refreshed_at: startedAt,
  });
  return {
    mode: full ? 'full' : 'incremental',
    households,
    persons,
    milliseconds: performance.now() - started,
  };
}
