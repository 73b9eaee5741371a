import type { FeedDefinition } from '../ingest/feeds/feedDefinition.ts';
import type { GenAttributes, PersonAttributes } from './attributeDraft.ts';
import { personIndexOf } from './attributeDraft.ts';
import { toDayNumber } from './dayNumbers.ts';
import type { GenPopulation } from './generatePopulation.ts';
import { medicalSettlements } from './medicalSettlements.ts';
import {
  followUpVisits,
  housingFundDeposits,
  humanResourcesRecords,
  taxDeclarations,
} from './monthlyRecords.ts';
import type { Random } from './random.ts';
import { lastOfEachSeries, type DepartmentRows, type RowSpec, type TrueValue } from './rowSpec.ts';
import { snapshotRows, snapshotSelections } from './snapshotSelections.ts';

export type { TrueValue };

/**
 * How much a detail feed says: `full` — every settlement, contribution, payment, declaration
 * and visit of the 12 months (what departments export; ~80 rows a household); `snapshot` —
 * the last row of each series and one summed row of settlements per person (~10 rows a
 * household, for a quick demo). Snapshot feeds are the same at both levels.
 */
export type FeedDetail = 'full' | 'snapshot';

/**
 * One row a department would send about one person, before its vocabulary is applied:
 * `value(target)` for targets 'key:idNumber', 'person:sex', 'hukou:relationship',
 * 'role:observedAt', 'role:documentNumber', 'variable:<name>', as in the feed definitions.
 */
export interface SourceRecord {
  personIndex: number;
  value: (target: string) => TrueValue;
}

export interface FeedContext {
  population: GenPopulation;
  attributes: GenAttributes;
  referenceDay: number;
  /** Per person: hukou household index and relationship to its head. */
  householdOf: Int32Array;
  relationships: string[];
  /** The county's 6-digit code, which departments' record numbers start with. */
  countyCode: string;
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
  return {
    population,
    attributes,
    referenceDay: toDayNumber(referenceDate),
    householdOf,
    relationships,
    // Everyone generated lives in the county, so any residence code names it.
    countyCode: population.persons[0]?.residenceAreaCode.slice(0, 6) ?? '000000',
  };
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
    case 'disability_first_certified_on':
      return a.disability?.certifiedOn ?? null;
    case 'graduation_date':
      // College graduates leave in summer; HR registers each one by name (实名登记).
      return a.graduationYear === null ? null : `${String(a.graduationYear)}-07-01`;
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

/**
 * What each department has about a person: detail records over the 12 months ending at the
 * reference date where that is how the department exports (settlements, contributions and
 * payments, declarations, deposits, follow-up visits), one row per person otherwise.
 * Record numbers: county code, a department digit pair, the row's date, a sequence.
 */
function departments(context: FeedContext): Record<string, DepartmentRows> {
  const county = context.countyCode;
  const snapshots = snapshotSelections(context);
  const all: Record<string, DepartmentRows> = {};
  for (const [department, selection] of Object.entries(snapshots)) all[department] = snapshotRows(selection);
  all.medical_security = { ...medicalSettlements(context), documentPrefix: county };
  all.human_resources = { ...humanResourcesRecords(context), documentPrefix: `${county}01` };
  all.tax = { ...taxDeclarations(context), documentPrefix: `1${county}0` };
  all.housing_fund = { ...housingFundDeposits(context), documentPrefix: `${county}02` };
  all.health = { ...followUpVisits(context), documentPrefix: `SF${county}` };
  return all;
}

/** One row as a SourceRecord: a class, as a closure a row costs measurably at 20 million rows. */
class PersonRow implements SourceRecord {
  constructor(
    readonly personIndex: number,
    private readonly a: PersonAttributes,
    private readonly base: Readonly<Record<string, TrueValue>>,
    private readonly row: RowSpec,
    private readonly documentNumber: string | null,
    private readonly variables: ReadonlySet<string>,
    private readonly closedBusiness: boolean,
  ) {}

  value(target: string): TrueValue {
    if (target.startsWith('variable:')) {
      const name = target.slice(9);
      if (!this.variables.has(name)) return null;
      const stated = this.row.values;
      if (stated && name in stated) return stated[name] ?? null;
      if (this.closedBusiness && name === 'business_owner') return false;
      return variableValue(name, this.a);
    }
    switch (target) {
      case 'role:observedAt':
        return this.row.observedAt;
      case 'role:validFrom':
        return this.row.validFrom ?? null;
      case 'role:validTo':
        return this.row.validTo ?? null;
      case 'role:documentNumber':
        return this.documentNumber;
      default:
        return this.base[target] ?? null;
    }
  }
}

/** The rows one feed would contain, in person order (each person's rows in date order). */
export function* feedRecords(
  feed: FeedDefinition,
  context: FeedContext,
  rng: Random,
  detail: FeedDetail = 'full',
): Generator<SourceRecord> {
  const all = departments(context);
  const department = all[feed.department] ?? all.default;
  if (!department) return;
  const { population, attributes } = context;
  const variables = new Set(feed.columns.flatMap((c) => (c.kind === 'variable' ? [c.variable] : [])));
  const numbered = feed.columns.some((c) => c.kind === 'role' && c.role === 'documentNumber');
  let sequence = 0;
  for (let i = 0; i < population.persons.length; i++) {
    const person = population.persons[i];
    const a = attributes.persons[i];
    if (!person || !a) continue;
    let rows = department.rows(a, i, rng);
    if (rows.length === 0) continue;
    if (detail === 'snapshot') rows = (department.snapshot ?? lastOfEachSeries)(rows);
    const household = population.hukouHouseholds[context.householdOf[i] ?? -1];
    const base: Record<string, TrueValue> = {
      'key:idNumber': person.idNumber,
      'key:name': person.name,
      'key:birthDate': person.birthDate,
      'key:hukouNumber': household?.hukouNumber ?? null,
      'person:sex': person.sex,
      'person:deathDate': person.deathDate,
      'person:residenceAreaCode': person.residenceAreaCode,
      'person:hukouAreaCode': person.hukouAreaCode,
      'person:phone': person.phone,
      'hukou:relationship': context.relationships[i] ?? null,
    };
    // A closed business or a released prisoner is on the list with "no".
    const closedBusiness = feed.department === 'market_regulation' && !a.businessOwner;
    for (const row of rows) {
      sequence++;
      const documentNumber = numbered
        ? `${department.documentPrefix ?? ''}${row.observedAt.replaceAll('-', '')}${String(sequence).padStart(8, '0')}`
        : null;
      yield new PersonRow(i, a, base, row, documentNumber, variables, closedBusiness);
    }
  }
}
