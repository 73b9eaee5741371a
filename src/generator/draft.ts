import type { Sex, SurnameProfile } from './names.ts';

/**
 * The working model every generator stage reads and extends. Stages run in a fixed order,
 * each with its own random stream, and fill in their own fields; the public GenPopulation is
 * projected from the draft at the end. Kinship links (father, mother, spouse) stay here for
 * later stages (incomes, support obligations, disability carers) even though the hukou
 * register itself only records each member's relationship to the head.
 *
 * Indices are positions in PopulationDraft.persons / .households.
 */

export type Setting = 'rural' | 'urban' | 'migrant';

export type HouseholdType =
  | 'single_elderly'
  | 'single_adult'
  | 'elderly_couple'
  | 'couple'
  | 'nuclear'
  | 'three_generation_down'
  | 'three_generation_up'
  | 'skip_generation'
  | 'single_parent'
  | 'siblings';

export interface DraftVillage {
  code: string;
  name: string;
  kind: 'residents_committee' | 'village_committee' | 'other';
  townshipCode: string;
}

export interface DraftHousehold {
  /** The village or community the household lives in (and, for local ones, is registered in). */
  village: DraftVillage;
  /** rural / urban from the village kind; migrant for households registered outside the county. */
  setting: Setting;
  type: HouseholdType;
  /** 12-digit code of the hukou registration: the village, or a county elsewhere for migrants. */
  hukouAreaCode: string;
  hukouNumber: string;
  /** Members in register order, head first. */
  members: number[];
  surnameProfile: SurnameProfile;
}

export interface DraftPerson {
  householdIndex: number;
  sex: Sex;
  birthDay: number; // day number, see dayNumbers.ts
  birthDate: string; // the same as YYYY-MM-DD
  relationship: string; // GB/T 4761-2008, relative to the head
  /** 0 = the head's generation, −1 parents, 1 children, 2 grandchildren. */
  generation: number;
  fatherIndex: number | null; // only when the father is in the same household
  motherIndex: number | null;
  spouseIndex: number | null;
  /** A member whose surname this person shares without a parent present (siblings of the head). */
  sameSurnameAs: number | null;
  /** Joined the family by marriage: more often born and first registered elsewhere. */
  marriedIn: boolean;
  nonRelative: boolean;

  // names stage
  surname: string;
  givenName: string;
  // identity stage
  idAddressCode: string;
  idNumber: string;
  // residence stage
  residenceAreaCode: string;
  // deaths stage
  deathDay: number | null;
  // phones stage
  phone: string | null;
}

export interface PopulationDraft {
  countyCode: string;
  referenceDay: number;
  referenceYear: number;
  villages: readonly DraftVillage[];
  households: DraftHousehold[];
  persons: DraftPerson[];
}
