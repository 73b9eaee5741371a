import type { PersonAttributes } from './attributeDraft.ts';
import type { Random } from './random.ts';

/** A true value in the registry's terms (catalogue codes, ISO dates), or null when unknown. */
export type TrueValue = string | number | boolean | null;

/**
 * One row a department writes about a person, before its vocabulary is applied: its dates
 * (ISO), and the variables it states where they differ from the person's attributes (a
 * settlement's amounts; null leaves the cell empty).
 */
export interface RowSpec {
  observedAt: string;
  validFrom?: string | null;
  validTo?: string | null;
  values?: Readonly<Record<string, TrueValue>>;
  /**
   * Rows of one series (the months of one insurance scheme): the snapshot detail level keeps
   * only the last row of each series.
   */
  series?: string;
}

/** The rows a department has about one person (none when it does not know them), in date order. */
export type PersonRows = (a: PersonAttributes, index: number, rng: Random) => RowSpec[];

export interface DepartmentRows {
  rows: PersonRows;
  /**
   * For detail feeds: the department's document number before the row's date and sequence
   * (结算单号, 业务流水号), unique in the file.
   */
  documentPrefix?: string;
  /**
   * How the snapshot detail level shrinks a person's rows, when keeping the last row of each
   * series is not right (settlements are summed instead).
   */
  snapshot?: (rows: RowSpec[]) => RowSpec[];
}

/** The last row of each series, in the order the series first appear. */
export function lastOfEachSeries(rows: RowSpec[]): RowSpec[] {
  const last = new Map<string, RowSpec>();
  rows.forEach((row, i) => last.set(row.series ?? `#${String(i)}`, row));
  return [...last.values()];
}
