import type { FeedDefinition } from '../ingest/feeds/feedDefinition.ts';
import type { GenAttributes, PersonAttributes } from './attributeDraft.ts';
import { personIndexOf } from './attributeDraft.ts';
import { fromDayNumber, toDayNumber } from './dayNumbers.ts';
import type { GenPopulation } from './generatePopulation.ts';
import type { Random } from './random.ts';

/** A true value in the registry's terms (catalogue codes, ISO dates), or null when unknown. */
export type TrueValue = string | number | boolean | null;

/**
 * One row a department would send about one person, before its vocabulary is applied:
 * targets are 'key:idNumber', 'person:sex', 'hukou:relationship', 'role:observedAt',
 * 'variable:<name>', as in the feed definitions.
 */
export interface SourceRecord {
  personIndex: number;
  values: Map<string, TrueValue>;
}

export interface FeedContext {
  population: GenPopulation;
  attributes: GenAttributes;
  referenceDay: number;
  /** Per person: hukou household index and relationship to its head. */
  householdOf: Int32Array;
  relationships: string[];
}

export function createFeedContext(
  population: GenPopulation,
  attributes: GenAttributes,
  referenceDate: string,
): FeedContext {
  const householdOf = new Int32Array(population.persons.length).fill(-1);
  const relationships = new Array<string>(population.persons.length).fill('');
  population.hukouHouseholds.forEach((household, h) => {
    for (const member of household.members) {
      const index = personIndexOf(member.personKey);
      householdOf[index] = h;
      relationships[index] = member.relationship;
    }
  });
  return { population, attributes, referenceDay: toDayNumber(referenceDate), householdOf, relationships };
}

/** The catalogue value of a person variable, as the department that holds it would state it. */
function variableValue(name: string, a: PersonAttributes): TrueValue {
  switch (name) {
    case 'monthly_income':
      return a.monthlyIncome;
    case 'pension_monthly':
      return a.pensionMonthly;
    case 'deposits':
      return a.deposits;
    case 'vehicle_count':
      return a.vehicleCount;
    case 'disability_grade':
      return a.disability?.grade ?? null;
    case 'disability_type':
      return a.disability?.type ?? null;
    case 'serious_illness':
      return a.seriousIllness;
    case 'chronic_illness':
      return a.chronicIllness;
    case 'medical_out_of_pocket_12m':
      return a.medicalOutOfPocket12m;
    case 'employment_status':
      return a.employment;
    case 'student_stage':
      return a.studentStage;
    case 'full_time_student':
      return a.studentStage !== null;
    case 'marital_status':
      return a.maritalStatus;
    case 'in_prison':
      return a.inPrison;
    case 'veteran':
      return a.veteran;
    case 'business_owner':
      return a.businessOwner;
    case 'social_insurance_contributing':
      return a.socialInsurance;
    case 'tekun_enrolled':
      return a.tekun;
    default:
      return null;
  }
}

interface Selection {
  /** Whether the department knows the person (and has something to say). */
  includes: (a: PersonAttributes, index: number, rng: Random) => boolean;
  /** The row's dates, ISO. */
  dates: (
    a: PersonAttributes,
    index: number,
    rng: Random,
  ) => { observedAt: string; validFrom?: string; validTo?: string };
}

/**
 * Who each department knows and when it observed them. A department added later without an
 * entry here reports every living person on the reference date.
 */
function selections(context: FeedContext): Record<string, Selection> {
  const { population, referenceDay, attributes } = context;
  const alive = (i: number): boolean => population.persons[i]?.deathDate === null;
  const age = (i: number): number =>
    Math.floor((referenceDay - toDayNumber(population.persons[i]?.birthDate ?? '1970-01-01')) / 365.2425);
  const recent = (rng: Random, maxDays: number): string => fromDayNumber(referenceDay - rng.int(0, maxDays));
  const day = (iso: string, plusDays: number): string => fromDayNumber(toDayNumber(iso) + plusDays);
  const everyone: Selection = {
    includes: (_, i) => alive(i),
    dates: (_, __, rng) => ({ observedAt: recent(rng, 30) }),
  };
  return {
    public_security: {
      includes: () => true,
      dates: (_, i, rng) => {
        const deathDate = population.persons[i]?.deathDate;
        return {
          observedAt: deathDate
            ? fromDayNumber(Math.min(referenceDay, toDayNumber(deathDate) + rng.int(7, 120)))
            : recent(rng, 720),
        };
      },
    },
    disabled_federation: {
      includes: (a) => a.disability !== null,
      dates: (a) => {
        const issued = a.disability?.certifiedOn ?? fromDayNumber(referenceDay);
        return { observedAt: issued, validTo: day(issued, 3652) };
      },
    },
    medical_security: {
      includes: (a, i) => alive(i) && (a.medicalOutOfPocket12m > 0 || a.chronicIllness),
      dates: (_, __, rng) => ({ observedAt: recent(rng, 31) }),
    },
    civil_affairs: {
      includes: (a, i) => alive(i) && a.tekun !== null,
      dates: (a, _, rng) => ({ observedAt: recent(rng, 31), validFrom: a.tekunSince ?? undefined }),
    },
    human_resources: {
      includes: (a, i) =>
        alive(i) &&
        a.employment !== null &&
        (a.socialInsurance ||
          a.pensionMonthly > 0 ||
          a.employment === 'registered_unemployed' ||
          a.employment === 'employed'),
      dates: (_, __, rng) => ({ observedAt: recent(rng, 31) }),
    },
    health: {
      includes: (a, i) => alive(i) && (a.chronicIllness || a.seriousIllness),
      dates: (_, __, rng) => ({ observedAt: recent(rng, 180) }),
    },
    education: {
      includes: (a, i) => alive(i) && a.studentStage !== null,
      dates: (_, i, rng) => {
        const year = Number(fromDayNumber(referenceDay).slice(0, 4));
        const entered = Math.max(
          year - rng.int(0, 2),
          Number(population.persons[i]?.birthDate.slice(0, 4)) + 3,
        );
        return { observedAt: recent(rng, 60), validFrom: `${entered}-09-01` };
      },
    },
    housing: {
      includes: (_, i) => {
        const h = context.householdOf[i] ?? -1;
        return (
          alive(i) && context.relationships[i] === '02' && (attributes.households[h]?.housingUnits ?? 0) > 0
        );
      },
      dates: (_, i, rng) => ({
        observedAt: recent(rng, 15),
        validFrom: fromDayNumber(
          Math.max(
            referenceDay - rng.int(100, 9000),
            toDayNumber(population.persons[i]?.birthDate ?? '') + 6600,
          ),
        ),
      }),
    },
    vehicles: { includes: (a, i) => alive(i) && a.vehicleCount > 0, dates: everyone.dates },
    tax: {
      includes: (a, i) =>
        alive(i) && (a.employment === 'employed' || a.employment === 'self_employed') && a.monthlyIncome > 0,
      dates: (_, __, rng) => ({ observedAt: recent(rng, 45) }),
    },
    market_regulation: {
      // Owners, and some self-employed whose business has since closed (注销).
      includes: (a, i, rng) =>
        alive(i) && (a.businessOwner || (a.employment === 'self_employed' && rng.chance(0.08))),
      dates: (_, __, rng) => ({ observedAt: recent(rng, 400), validFrom: recent(rng, 5000) }),
    },
    housing_fund: {
      includes: (a, i, rng) =>
        alive(i) && a.employment === 'employed' && a.socialInsurance && rng.chance(0.7),
      dates: (_, i, rng) => ({
        observedAt: recent(rng, 31),
        validFrom: fromDayNumber(
          Math.max(
            referenceDay - rng.int(60, 7000),
            toDayNumber(population.persons[i]?.birthDate ?? '') + 6600,
          ),
        ),
      }),
    },
    veterans: {
      includes: (a) => a.veteran,
      dates: (_, i, rng) => ({
        observedAt: recent(rng, 700),
        validFrom: fromDayNumber(toDayNumber(population.persons[i]?.birthDate ?? '') + rng.int(7300, 9500)),
      }),
    },
    justice: {
      // Serving a sentence, or released in the last years (still on the department's list).
      includes: (a, i, rng) =>
        alive(i) && (a.inPrison || (age(i) >= 20 && age(i) <= 65 && rng.chance(0.0015))),
      dates: (_, __, rng) => ({ observedAt: recent(rng, 31), validFrom: recent(rng, 2500) }),
    },
    default: everyone,
  };
}

/** The rows one feed would contain, in person order. */
export function* feedRecords(
  feed: FeedDefinition,
  context: FeedContext,
  rng: Random,
): Generator<SourceRecord> {
  const all = selections(context);
  const selection = all[feed.department] ?? all.default;
  if (!selection) return;
  const { population, attributes } = context;
  const variables = feed.columns.flatMap((c) => (c.kind === 'variable' ? [c.variable] : []));
  for (let i = 0; i < population.persons.length; i++) {
    const person = population.persons[i];
    const a = attributes.persons[i];
    if (!person || !a || !selection.includes(a, i, rng)) continue;
    const household = population.hukouHouseholds[context.householdOf[i] ?? -1];
    const dates = selection.dates(a, i, rng);
    const values = new Map<string, TrueValue>([
      ['key:idNumber', person.idNumber],
      ['key:name', person.name],
      ['key:birthDate', person.birthDate],
      ['key:hukouNumber', household?.hukouNumber ?? null],
      ['person:sex', person.sex],
      ['person:deathDate', person.deathDate],
      ['person:residenceAreaCode', person.residenceAreaCode],
      ['person:hukouAreaCode', person.hukouAreaCode],
      ['person:phone', person.phone],
      ['hukou:relationship', context.relationships[i] ?? null],
      ['role:observedAt', dates.observedAt],
      ['role:validFrom', dates.validFrom ?? null],
      ['role:validTo', dates.validTo ?? null],
    ]);
    for (const name of variables) values.set(`variable:${name}`, variableValue(name, a));
    // A closed business or a released prisoner is on the list with "no".
    if (feed.department === 'market_regulation' && !a.businessOwner)
      values.set('variable:business_owner', false);
    yield { personIndex: i, values };
  }
}
