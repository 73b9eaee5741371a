/** Sex as encoded in the sequence code: odd for men, even for women. */
export type Sex = 'male' | 'female';

/**
 * The province, prefecture and county parts of an address code, as the prefixes the
 * administrative-division lists are keyed by ('37', '3710', '371082').
 */
export interface AddressPrefixes {
  province: string;
  city: string;
  county: string;
}

/** A valid resident ID number, taken apart. */
export interface ResidentIdInfo {
  /** Normalised 18-digit number (upgraded from 15 digits where needed, 'X' upper case). */
  idNumber: string;
  /** The 6-digit address code where the number was first issued. */
  addressCode: string;
  /** The address code's province, prefecture and county prefixes. */
  addressPrefixes: AddressPrefixes;
  /** 'YYYY-MM-DD' */
  birthDate: string;
  sex: Sex;
  /** 3 digits, never '000'. */
  sequence: string;
  /** '0'–'9' or 'X'. */
  checkDigit: string;
  upgradedFrom15: boolean;
  /** Chinese notes that do not make the number invalid (e.g. an unusual province prefix). */
  warnings: string[];
}

/** What kind of thing is wrong with a number. */
export type ResidentIdProblemCode =
  'LENGTH' | 'CHARACTERS' | 'ADDRESS' | 'BIRTH_DATE' | 'FUTURE_BIRTH' | 'SEQUENCE' | 'CHECK_DIGIT';

/** One thing wrong with a number, in Chinese, with the 1-based digit position where it applies. */
export interface ResidentIdProblem {
  code: ResidentIdProblemCode;
  message: string;
  position?: number;
}

/** The outcome of checking a number: its parts, or every problem found. */
export type ResidentIdResult =
  { ok: true; value: ResidentIdInfo } | { ok: false; problems: ResidentIdProblem[] };
