import type { FeedColumn, FeedDefinition } from '../ingest/feeds/feedDefinition.ts';
import { computeCheckDigit } from '../registry/residentId/index.ts';
import type { Random } from './random.ts';

/** The faults real department files have, planted on purpose and recorded as ground truth. */
export type DefectKind =
  | 'bad_check_digit'
  | 'duplicate_row'
  | 'conflicting_value'
  | 'missing_required'
  | 'unknown_code'
  | 'stale_record'
  | 'no_id_number';

export type DefectRates = Record<DefectKind, number>;

/** Shares of rows, each between 0.5 % and 2 %: enough to test every path, few enough to be realistic. */
export const DEFAULT_DEFECT_RATES: DefectRates = {
  bad_check_digit: 0.005,
  duplicate_row: 0.01,
  conflicting_value: 0.01,
  missing_required: 0.005,
  unknown_code: 0.005,
  stale_record: 0.01,
  no_id_number: 0.015,
};

export const NO_DEFECTS: DefectRates = {
  bad_check_digit: 0,
  duplicate_row: 0,
  conflicting_value: 0,
  missing_required: 0,
  unknown_code: 0,
  stale_record: 0,
  no_id_number: 0,
};

export interface DefectRecord {
  feed: string;
  /** The file's physical line (CSV with header = line 1, XLSX row, JSON line). */
  line: number;
  kind: DefectKind;
  personKey: string;
  column: string | null;
  /** What the cell should have said, in the department's terms, and what it says. */
  expected: string | null;
  written: string | null;
}

/** A row in the department's vocabulary, column by column, with what a defect did to it. */
export interface PlantedDefect {
  kind: DefectKind;
  column: string | null;
  expected: string | null;
  written: string | null;
}

const CHECK_CHARACTERS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'];

/** An ID number with a wrong check digit: the first 17 characters kept. */
export function breakCheckDigit(idNumber: string, rng: Random): string {
  const right = computeCheckDigit(idNumber.slice(0, 17));
  const wrong = CHECK_CHARACTERS.filter((c) => c !== right);
  return idNumber.slice(0, 17) + rng.pick(wrong);
}

/** Which defects a feed can carry at all. */
export interface DefectScope {
  idColumn: FeedColumn | null;
  /** The ID may be left out when the row still has name and birth date, and the ID is optional. */
  canOmitId: boolean;
  /** Variable columns whose variable another feed also brings: a second opinion can differ. */
  sharedColumns: FeedColumn[];
  requiredColumns: FeedColumn[];
  codedColumns: FeedColumn[];
  observedAt: FeedColumn | null;
}

export function defectScope(feed: FeedDefinition, all: readonly FeedDefinition[]): DefectScope {
  const find = (key: string): FeedColumn | null =>
    feed.columns.find((c) => c.kind === 'key' && c.key === key) ?? null;
  const idColumn = find('idNumber');
  const carriers = new Map<string, number>();
  for (const other of all) {
    for (const c of other.columns)
      if (c.kind === 'variable') carriers.set(c.variable, (carriers.get(c.variable) ?? 0) + 1);
  }
  return {
    idColumn,
    canOmitId: idColumn !== null && !idColumn.required && find('name') !== null && find('birthDate') !== null,
    sharedColumns: feed.columns.filter((c) => c.kind === 'variable' && (carriers.get(c.variable) ?? 0) > 1),
    requiredColumns: feed.columns.filter((c) => c.required && !(c.kind === 'key' && c.key === 'idNumber')),
    codedColumns: feed.columns.filter((c) => c.kind !== 'key' && c.kind !== 'role' && c.codes !== undefined),
    observedAt: feed.columns.find((c) => c.kind === 'role' && c.role === 'observedAt') ?? null,
  };
}
