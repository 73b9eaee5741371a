import type { FindingKind, FindingStatus } from '../db/schema.ts';
import type { HardshipCause, PolicyDefinition } from '../rules/policies/policyDefinition.ts';

/** A gap resolved as enrolled (one row of the ledger's source). */
export interface FilledGap {
  at: string;
  household_id: string;
  subject: string;
  policy_id: string;
  area_code: string;
  amount: number | null;
  amount_period: string | null;
}

export interface Ledger {
  /** Gaps found in the period's runs are not dated here; the counts are of findings now. */
  gapsFilled: number;
  householdsReached: number;
  /** Persons reached: members for person policies; for household policies every household counts once. */
  subjectsReached: number;
  /** Public money committed by the enrolments, as monthly amounts and as a year's worth. */
  monthlyCommitted: number;
  annualCommitted: number;
  oneOffCommitted: number;
  byMonth: { month: string; filled: number; annualCommitted: number }[];
  byPolicy: { policyId: string; filled: number; annualCommitted: number }[];
  /** By township (the household's area at the last run), with the households reached there. */
  byTownship: { township: string; filled: number; householdsReached: number; annualCommitted: number }[];
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The outcomes ledger (Y6) over gaps resolved as enrolled in a period: how many, whom they
 * reached, and the public money they commit — monthly benefits counted twelve times a year,
 * yearly once, one-off payments apart. Beijing-time months.
 */
export function outcomesLedger(rows: FilledGap[]): Ledger {
  const households = new Set<string>();
  const subjects = new Set<string>();
  let monthly = 0;
  let annual = 0;
  let once = 0;
  const byMonth = new Map<string, { filled: number; annualCommitted: number }>();
  const byPolicy = new Map<string, { filled: number; annualCommitted: number }>();
  const byTownship = new Map<string, { filled: number; households: Set<string>; annualCommitted: number }>();
  for (const r of rows) {
    households.add(r.household_id);
    subjects.add(r.subject === 'household' ? `h:${r.household_id}` : r.subject);
    const amount = r.amount ?? 0;
    const yearly = r.amount_period === 'monthly' ? amount * 12 : r.amount_period === 'yearly' ? amount : 0;
    if (r.amount_period === 'monthly') monthly += amount;
    if (r.amount_period === 'once') once += amount;
    annual += yearly;
    const month = new Date(Date.parse(r.at) + 8 * 3600_000).toISOString().slice(0, 7);
    const m = byMonth.get(month) ?? { filled: 0, annualCommitted: 0 };
    m.filled++;
    m.annualCommitted += yearly;
    byMonth.set(month, m);
    const p = byPolicy.get(r.policy_id) ?? { filled: 0, annualCommitted: 0 };
    p.filled++;
    p.annualCommitted += yearly;
    byPolicy.set(r.policy_id, p);
    const township = `${r.area_code.slice(0, 9)}000`;
    const t = byTownship.get(township) ?? { filled: 0, households: new Set<string>(), annualCommitted: 0 };
    t.filled++;
    t.households.add(r.household_id);
    t.annualCommitted += yearly;
    byTownship.set(township, t);
  }
  return {
    gapsFilled: rows.length,
    householdsReached: households.size,
    subjectsReached: subjects.size,
    monthlyCommitted: round(monthly),
    annualCommitted: round(annual),
    oneOffCommitted: round(once),
    byMonth: [...byMonth]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([month, v]) => ({ month, filled: v.filled, annualCommitted: round(v.annualCommitted) })),
    byPolicy: [...byPolicy]
      .sort((a, b) => b[1].filled - a[1].filled || a[0].localeCompare(b[0]))
      .map(([policyId, v]) => ({ policyId, filled: v.filled, annualCommitted: round(v.annualCommitted) })),
    byTownship: [...byTownship]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([township, v]) => ({
        township,
        filled: v.filled,
        householdsReached: v.households.size,
        annualCommitted: round(v.annualCommitted),
      })),
  };
}

/** Findings counted by department and by cause of hardship (warnings), from per-rule counts. */
export function byDepartmentAndCause(
  counts: { policy_id: string; kind: FindingKind; status: FindingStatus; n: number }[],
  ruleOf: (id: string) => PolicyDefinition | undefined,
): {
  byDepartment: { department: string; kind: FindingKind; open: number; total: number }[];
  byCause: { cause: HardshipCause; open: number; total: number }[];
} {
  const departments = new Map<
    string,
    { department: string; kind: FindingKind; open: number; total: number }
  >();
  const causes = new Map<HardshipCause, { cause: HardshipCause; open: number; total: number }>();
  for (const c of counts) {
    const rule = ruleOf(c.policy_id);
    const department = rule?.department ?? 'unknown';
    const open = c.status === 'new' || c.status === 'assigned' ? c.n : 0;
    const key = `${department}|${c.kind}`;
    const d = departments.get(key) ?? { department, kind: c.kind, open: 0, total: 0 };
    d.open += open;
    d.total += c.n;
    departments.set(key, d);
    if (c.kind === 'warning' && rule?.cause) {
      const w = causes.get(rule.cause) ?? { cause: rule.cause, open: 0, total: 0 };
      w.open += open;
      w.total += c.n;
      causes.set(rule.cause, w);
    }
  }
  return {
    byDepartment: [...departments.values()].sort(
      (a, b) => b.open - a.open || a.department.localeCompare(b.department),
    ),
    byCause: [...causes.values()].sort((a, b) => b.open - a.open),
  };
}
