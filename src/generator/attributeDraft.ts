import { DAYS_PER_YEAR, toDayNumber } from './dayNumbers.ts';
import type { GenPopulation } from './generatePopulation.ts';

/**
 * The working model of the attribute stages (disability, schooling, work, property,
 * enrolments, events). They read the finished public population, so they never disturb the
 * population stages; each stage fills its own fields from its own random stream.
 */

export type DisabilityType =
  'visual' | 'hearing' | 'speech' | 'physical' | 'intellectual' | 'mental' | 'multiple';
export type DisabilityGrade = '1' | '2' | '3' | '4';
export type EmploymentStatus =
  'employed' | 'self_employed' | 'registered_unemployed' | 'not_in_labour_force' | 'retired';
export type StudentStage =
  | 'preschool'
  | 'primary'
  | 'junior_secondary'
  | 'senior_secondary'
  | 'vocational_secondary'
  | 'junior_college'
  | 'bachelor'
  | 'postgraduate';
export type MaritalStatus = '10' | '20' | '30' | '40' | '90';
export type Setting = 'urban' | 'rural' | 'migrant';

export interface Disability {
  type: DisabilityType;
  grade: DisabilityGrade;
  certifiedOn: string; // the certificate's issue date
}

/** Everything the departments could know about one person, as of the reference date. */
export interface PersonAttributes {
  disability: Disability | null;
  chronicIllness: boolean;
  seriousIllness: boolean;
  /** Yuan, 2 decimals, the 12 months up to the reference date. */
  medicalOutOfPocket12m: number;
  /** null for children under 16. */
  employment: EmploymentStatus | null;
  /** When a registered unemployment began (registered_unemployed only). */
  unemployedSince: string | null;
  studentStage: StudentStage | null;
  /** Year of graduation from college or university, for graduates of the last three years. */
  graduationYear: number | null;
  /** Earnings plus employee pension, yuan per month. */
  monthlyIncome: number;
  pensionMonthly: number;
  deposits: number;
  vehicleCount: number;
  businessOwner: boolean;
  socialInsurance: boolean;
  maritalStatus: MaritalStatus;
  veteran: boolean;
  inPrison: boolean;
  tekun: 'dispersed' | 'concentrated' | null;
  tekunSince: string | null;
}

export interface HouseholdAttributes {
  setting: Setting;
  housingUnits: number;
  housingAreaPerPerson: number;
  /** Sum of the living members' monthly incomes. */
  monthlyIncome: number;
  dibao: boolean;
  nearDibao: boolean;
  /** Enrolment dates, when enrolled. */
  dibaoSince: string | null;
}

export type EventKind =
  | 'medical_cost_over_50000'
  | 'main_earner_death'
  | 'new_severe_disability'
  | 'unemployment_in_dibao_household';

/** A hardship the platform should discover (seed feature Y4), planted on purpose. */
export interface GenEvent {
  kind: EventKind;
  personKey: string;
  householdKey: string;
  date: string;
}

export interface GenAttributes {
  /** The population's reference date, which the feeds' dates count back from. */
  referenceDate: string;
  /** Parallel to population.persons. */
  persons: PersonAttributes[];
  /** Parallel to population.hukouHouseholds. */
  households: HouseholdAttributes[];
  events: GenEvent[];
}

/** What the stages share: the population, ages and who lives with whom. */
export interface AttributeContext {
  population: GenPopulation;
  countyCode: string;
  referenceDay: number;
  referenceYear: number;
  /** Age in whole years at the reference date (or at death). */
  ages: Int16Array;
  alive: Uint8Array;
  /** Index of each person's hukou household. */
  householdOf: Int32Array;
  /** Member person indices per household, head first. */
  members: number[][];
  /** GB/T 4761 relationship of each person to the head. */
  relationships: string[];
  persons: PersonAttributes[];
  households: HouseholdAttributes[];
  events: GenEvent[];
}

/** The person index of a key 'P000123' (keys are positions + 1). */
export const personIndexOf = (key: string): number => Number(key.slice(1)) - 1;

function settingOf(areaCode: string, countyCode: string): Setting {
  if (!areaCode.startsWith(countyCode)) return 'migrant';
  // Statistical code rule: village 001–199 residents' committee (urban), else rural.
  return Number(areaCode.slice(9, 12)) < 200 ? 'urban' : 'rural';
}

export function createAttributeContext(
  population: GenPopulation,
  countyCode: string,
  referenceDate: string,
): AttributeContext {
  const referenceDay = toDayNumber(referenceDate);
  const count = population.persons.length;
  const ages = new Int16Array(count);
  const alive = new Uint8Array(count);
  population.persons.forEach((person, i) => {
    const until = person.deathDate === null ? referenceDay : toDayNumber(person.deathDate);
    ages[i] = Math.max(0, Math.floor((until - toDayNumber(person.birthDate)) / DAYS_PER_YEAR));
    alive[i] = person.deathDate === null ? 1 : 0;
  });
  const householdOf = new Int32Array(count).fill(-1);
  const relationships: string[] = new Array<string>(count).fill('');
  const members = population.hukouHouseholds.map((household, h) =>
    household.members.map((member) => {
      const index = personIndexOf(member.personKey);
      householdOf[index] = h;
      relationships[index] = member.relationship;
      return index;
    }),
  );
  return {
    population,
    countyCode,
    referenceDay,
    referenceYear: Number(referenceDate.slice(0, 4)),
    ages,
    alive,
    householdOf,
    members,
    relationships,
    persons: population.persons.map(() => ({
      disability: null,
      chronicIllness: false,
      seriousIllness: false,
      medicalOutOfPocket12m: 0,
      employment: null,
      unemployedSince: null,
      studentStage: null,
      graduationYear: null,
      monthlyIncome: 0,
      pensionMonthly: 0,
      deposits: 0,
      vehicleCount: 0,
      businessOwner: false,
      socialInsurance: false,
      maritalStatus: '10',
      veteran: false,
      inPrison: false,
      tekun: null,
      tekunSince: null,
    })),
    households: population.hukouHouseholds.map((household) => ({
      setting: settingOf(household.areaCode, countyCode),
      housingUnits: 0,
      housingAreaPerPerson: 0,
      monthlyIncome: 0,
      dibao: false,
      nearDibao: false,
      dibaoSince: null,
    })),
    events: [],
  };
}

/** Money to 2 decimals. */
export const yuan = (value: number): number => Math.round(value * 100) / 100;

/**
 * Dibao standards assumed for the generated county (yuan per person per month).
 *
 * Legal source: none verified. Rongcheng follows the standards Weihai sets by municipal notice
 * (威海市民政局、财政局关于调整城乡最低生活保障标准的通知, ../shared/DOMAIN.md "Dibao standards
 * [L]"); the notice in force on the reference date, its number and its date have not been
 * checked, so these two figures are the generator's own assumption of a Shandong coastal
 * county's level, urban above rural, as of the 2026 reference dates the tests use.
 * Still to move: to the dated parameters of issue 5, with the notice cited there.
 */
export const GENERATOR_DIBAO_STANDARD = {
  /** Assumed, no verified source (see above). */
  urban: 1030,
  /** Assumed, no verified source (see above). */
  rural: 860,
} as const;

export const standardOf = (setting: Setting): number =>
  setting === 'rural' ? GENERATOR_DIBAO_STANDARD.rural : GENERATOR_DIBAO_STANDARD.urban;
