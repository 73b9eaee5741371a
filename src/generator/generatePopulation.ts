import { isIsoDate } from '../core/isoDate.ts';
import { assignDeaths } from './assignDeaths.ts';
import { assignIdentityNumbers } from './assignIdentityNumbers.ts';
import { assignNames } from './assignNames.ts';
import { assignPhones } from './assignPhones.ts';
import { assignResidence } from './assignResidence.ts';
import { fromDayNumber, toDayNumber } from './dayNumbers.ts';
import type { PopulationDraft } from './draft.ts';
import { planHouseholds } from './planHouseholds.ts';
import { Random } from './random.ts';

export interface GeneratorVillage {
  code: string; // 12 digits, inside the county
  name: string;
  kind: 'residents_committee' | 'village_committee' | 'other';
  townshipCode: string;
}

export interface GeneratorOptions {
  countyCode: string; // 6 digits, e.g. '371082'
  villages: GeneratorVillage[];
  households: number;
  seed: number;
  /** 'YYYY-MM-DD', the "today" of the population: nobody is born after it. */
  referenceDate: string;
}

export interface GenPerson {
  key: string; // stable within one generation run, 'P000001'
  idNumber: string;
  name: string;
  sex: 'male' | 'female';
  birthDate: string;
  deathDate: string | null;
  /** 12-digit code of the hukou: a village of the county, or a county elsewhere ('410102000000'). */
  hukouAreaCode: string;
  /** 12-digit code of where the person usually lives: a village, or a county elsewhere. */
  residenceAreaCode: string;
  phone: string | null; // 11-digit mobile number
}

export interface GenHukouMember {
  personKey: string;
  relationship: string; // GB/T 4761-2008, relative to the head
}

export interface GenHukouHousehold {
  key: string; // 'H000001'
  hukouNumber: string; // 9 digits, unique within the population
  /** The hukou village, or for non-local households the 12-digit code of their home county. */
  areaCode: string;
  headKey: string;
  members: GenHukouMember[]; // head first, relationship '02'
}

export interface GenPopulation {
  persons: GenPerson[];
  hukouHouseholds: GenHukouHousehold[];
  stats: {
    households: number;
    persons: number;
    /** Persons with a hukou in the county who usually live elsewhere (in or outside the county). */
    livingAway: number;
    /** Persons whose hukou is outside the county (members of non-local households). */
    nonLocal: number;
    deceased: number;
  };
}

/**
 * The largest population the generator makes. Rongcheng has about 280,000 households; Xuhui's
 * 23 million source records (seed X1), the ingest benchmark's full scale, need about 352,000 at
 * the feeds' ≈ 65 records per household (18.3 M from 280,000 on 2026-12-01). ID numbers and
 * hukou numbers stay unique by construction at this size.
 */
export const MAX_HOUSEHOLDS = 400_000;

/**
 * The labels of the random streams, one per stage. Each stage draws only from its own
 * stream, so a stage added later (incomes, disability, enrolments …) with a new label leaves
 * everything generated before it unchanged. Never rename or reorder these labels: that would
 * change every population generated from a given seed.
 */
export const STAGE_STREAMS = {
  households: 'households',
  names: 'names',
  identity: 'identity',
  residence: 'residence',
  deaths: 'deaths',
  phones: 'phones',
} as const;

function validate(options: GeneratorOptions): void {
  const { countyCode, villages, households, seed, referenceDate } = options;
  if (!/^\d{6}$/.test(countyCode)) throw new RangeError(`countyCode must be 6 digits, got "${countyCode}"`);
  if (villages.length === 0) throw new RangeError('at least one village is needed');
  const seen = new Set<string>();
  for (const village of villages) {
    if (!/^\d{12}$/.test(village.code) || !village.code.startsWith(countyCode)) {
      throw new RangeError(
        `village code "${village.code}" is not a 12-digit code inside county ${countyCode}`,
      );
    }
    if (seen.has(village.code)) throw new RangeError(`village ${village.code} is listed twice`);
    seen.add(village.code);
  }
  if (!Number.isInteger(households) || households < 0 || households > MAX_HOUSEHOLDS) {
    throw new RangeError(`households must be an integer from 0 to ${MAX_HOUSEHOLDS}, got ${households}`);
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  if (!isIsoDate(referenceDate))
    throw new RangeError(`referenceDate must be a YYYY-MM-DD date, got "${referenceDate}"`);
}

const keyOf = (prefix: string, index: number): string => prefix + String(index + 1).padStart(6, '0');

/**
 * A deterministic demo population for a county: hukou households on the county's real
 * villages, with their members' names, ID numbers, residence, deaths and phones. The same
 * options always give the same population, whatever the order of `villages`.
 */
export function generatePopulation(options: GeneratorOptions): GenPopulation {
  validate(options);
  const referenceDay = toDayNumber(options.referenceDate);
  const draft: PopulationDraft = {
    countyCode: options.countyCode,
    referenceDay,
    referenceYear: Number(options.referenceDate.slice(0, 4)),
    // Sorted by code so that the caller's list order (a query's) does not change the result.
    villages: [...options.villages]
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
      .map(({ code, name, kind, townshipCode }) => ({ code, name, kind, townshipCode })),
    households: [],
    persons: [],
  };

  const root = new Random(options.seed);
  planHouseholds(draft, root.fork(STAGE_STREAMS.households), options.households);
  assignNames(draft, root.fork(STAGE_STREAMS.names));
  assignIdentityNumbers(draft, root.fork(STAGE_STREAMS.identity));
  assignResidence(draft, root.fork(STAGE_STREAMS.residence));
  assignDeaths(draft, root.fork(STAGE_STREAMS.deaths));
  assignPhones(draft, root.fork(STAGE_STREAMS.phones));

  return toPopulation(draft);
}

/** The public shape of a finished draft, with the counts a demo page shows. */
function toPopulation(draft: PopulationDraft): GenPopulation {
  let livingAway = 0;
  let nonLocal = 0;
  let deceased = 0;
  const persons: GenPerson[] = draft.persons.map((person, index) => {
    const household = draft.households[person.householdIndex];
    if (!household) throw new RangeError(`person ${index} has no household`);
    if (household.setting === 'migrant') nonLocal++;
    else if (person.residenceAreaCode !== household.hukouAreaCode) livingAway++;
    if (person.deathDay !== null) deceased++;
    return {
      key: keyOf('P', index),
      idNumber: person.idNumber,
      name: person.surname + person.givenName,
      sex: person.sex,
      birthDate: person.birthDate,
      deathDate: person.deathDay === null ? null : fromDayNumber(person.deathDay),
      hukouAreaCode: household.hukouAreaCode,
      residenceAreaCode: person.residenceAreaCode,
      phone: person.phone,
    };
  });
  const hukouHouseholds: GenHukouHousehold[] = draft.households.map((household, index) => {
    const members = household.members.map((member) => ({
      personKey: keyOf('P', member),
      relationship: draft.persons[member]?.relationship ?? '',
    }));
    return {
      key: keyOf('H', index),
      hukouNumber: household.hukouNumber,
      areaCode: household.hukouAreaCode,
      headKey: members[0]?.personKey ?? '',
      members,
    };
  });
  return {
    persons,
    hukouHouseholds,
    stats: { households: hukouHouseholds.length, persons: persons.length, livingAway, nonLocal, deceased },
  };
}
