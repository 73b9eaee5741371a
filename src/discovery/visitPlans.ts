/**
 * Who a quarterly visit plan lists (N3: Nanning screens key households every quarter): the
 * household portrait tags that make a household a key one. Each is defined as data in
 * `catalogue/portrait.yaml`; this is only the choice of which count.
 */
export const visitReasons = [
  'severe_disability_household',
  'serious_illness_household',
  'single_parent_household',
  'elderly_living_alone',
  'elderly_only_household',
] as const;

const QUARTER = /^(\d{4})Q([1-4])$/;

/** A quarter as '2026Q4', or undefined when malformed. */
export function parseQuarter(text: string): { year: number; quarter: number } | undefined {
  const m = QUARTER.exec(text);
  return m ? { year: Number(m[1]), quarter: Number(m[2]) } : undefined;
}

/** The quarter of a date ('YYYY-MM-DD'). */
export function quarterOf(date: string): string {
  return `${date.slice(0, 4)}Q${String(Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1)}`;
}
