export type Sex = 'male' | 'female';

/** A valid resident ID number, taken apart. */
export interface ResidentIdInfo {
  /** Normalised 18-digit number (upgraded from 15 digits where needed, 'X' upper case). */
  idNumber: string;
  addressCode: string;
  /** 'YYYY-MM-DD' */
  birthDate: string;
  sex: Sex;
  sequence: string;
  checkDigit: string;
  upgradedFrom15: boolean;
  /** Chinese notes that do not make the number invalid (e.g. an unusual province prefix). */
  warnings: string[];
}

export type ResidentIdProblemCode =
  'LENGTH' | 'CHARACTERS' | 'ADDRESS' | 'BIRTH_DATE' | 'FUTURE_BIRTH' | 'SEQUENCE' | 'CHECK_DIGIT';

/** One thing wrong with a number, in Chinese, with the 1-based digit position where it applies. */
export interface ResidentIdProblem {
  code: ResidentIdProblemCode;
  message: string;
  position?: number;
}

export type ResidentIdResult =
  { ok: true; value: ResidentIdInfo } | { ok: false; problems: ResidentIdProblem[] };
