import { describe, expect, it } from 'vitest';
import { loadFeeds } from '../ingest/feeds/loadFeeds.ts';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { fromDayNumber } from './dayNumbers.ts';
import { createFeedContext, feedRecords, type FeedDetail } from './feedRecords.ts';
import { feedWindow } from './feedWindow.ts';
import { generateAttributes } from './generateAttributes.ts';
import { generatePopulation } from './generatePopulation.ts';
import { Random } from './random.ts';
import { testVillages } from './testVillages.ts';

const COUNTY = '371082';
const TODAY = '2026-11-01';
const population = generatePopulation({
  countyCode: COUNTY,
  villages: testVillages,
  households: 1500,
  seed: 5,
  referenceDate: TODAY,
});
const attributes = generateAttributes(population, { countyCode: COUNTY, seed: 5, referenceDate: TODAY });
const context = createFeedContext(population, attributes, TODAY);
const feeds = loadFeeds(loadVariableCatalogue());
const window = feedWindow(TODAY);

interface Row {
  person: number;
  cell: Record<string, string | number | boolean | null>;
}

/** A feed's rows as target → true value, each with its person. */
function rowsOf(feedId: string, detail: FeedDetail = 'full'): Row[] {
  const feed = feeds.get(feedId);
  if (!feed) throw new Error(feedId);
  const targets = feed.columns.map((c) =>
    c.kind === 'variable' ? `variable:${c.variable}` : c.kind === 'role' ? `role:${c.role}` : `${c.kind}:x`,
  );
  return [...feedRecords(feed, context, new Random(9).fork(feedId), detail)].map((r) => ({
    person: r.personIndex,
    cell: Object.fromEntries(targets.map((t) => [t, r.value(t)])),
  }));
}

const byPerson = (rows: Row[]): Map<number, Row[]> => {
  const map = new Map<number, Row[]>();
  for (const row of rows) map.set(row.person, [...(map.get(row.person) ?? []), row]);
  return map;
};
const fen = (value: unknown): number => Math.round(Number(value) * 100);
const inWindow = (iso: unknown): boolean =>
  typeof iso === 'string' && iso > fromDayNumber(window.first - 1) && iso <= TODAY;

describe('feedWindow', () => {
  it('is the 12 months ending at the reference date, both ends counted once', () => {
    const of = (date: string) => {
      const w = feedWindow(date);
      return [fromDayNumber(w.first), fromDayNumber(w.last)];
    };
    expect(of('2026-11-01')).toEqual(['2025-11-02', '2026-11-01']);
    expect(of('2024-02-29')).toEqual(['2023-03-01', '2024-02-29']);
    expect(of('2026-01-01')).toEqual(['2025-01-02', '2026-01-01']);
  });
});

describe('detail records', () => {
  const claims = rowsOf('medical_security_claims');

  it('splits every person’s 12-month out-of-pocket cost over settlements to the fen, inside the window', () => {
    const persons = byPerson(claims);
    let checked = 0;
    population.persons.forEach((person, i) => {
      const truth = fen(attributes.persons[i]?.medicalOutOfPocket12m);
      const rows = persons.get(i) ?? [];
      if (person.deathDate !== null && person.deathDate < fromDayNumber(window.first)) {
        expect(rows).toEqual([]);
        return;
      }
      expect(
        rows.reduce((sum, r) => sum + fen(r.cell['variable:medical_claim_out_of_pocket']), 0),
        person.key,
      ).toBe(truth);
      for (const r of rows) {
        expect(inWindow(r.cell['role:observedAt'])).toBe(true);
        if (person.deathDate) expect(String(r.cell['role:observedAt']) <= person.deathDate).toBe(true);
        expect(fen(r.cell['variable:medical_claim_total'])).toBeGreaterThanOrEqual(
          fen(r.cell['variable:medical_claim_out_of_pocket']),
        );
      }
      checked++;
    });
    expect(checked).toBeGreaterThan(3000);
  });

  it('has a realistic number of settlements: a few for most, monthly for the chronically ill, stays for the seriously ill', () => {
    const persons = byPerson(claims);
    const alive = population.persons.filter((p) => p.deathDate === null).length;
    expect(claims.length / alive).toBeGreaterThan(3);
    expect(claims.length / alive).toBeLessThan(10);
    const types = new Map<string, number>();
    for (const r of claims) {
      const type = String(r.cell['variable:medical_claim_type']);
      types.set(type, (types.get(type) ?? 0) + 1);
    }
    expect([...types.keys()].sort()).toEqual(['chronic_outpatient', 'inpatient', 'outpatient', 'pharmacy']);
    const serious = [...persons].filter(([i]) => attributes.persons[i]?.seriousIllness);
    expect(serious.length).toBeGreaterThan(10);
    const withStay = serious.filter(([, rows]) =>
      rows.some((r) => r.cell['variable:medical_claim_type'] === 'inpatient'),
    );
    expect(withStay.length / serious.length).toBeGreaterThan(0.8);
    // The long tail survives in the sums: some households above 50,000 yuan (seed feature Y4).
    const households = new Map<number, number>();
    for (const r of claims) {
      const h = context.householdOf[r.person] ?? -1;
      households.set(h, (households.get(h) ?? 0) + fen(r.cell['variable:medical_claim_out_of_pocket']));
    }
    expect([...households.values()].filter((sum) => sum > 5_000_000).length).toBeGreaterThan(3);
  });

  it('numbers every detail row uniquely in its file', () => {
    for (const id of [
      'medical_security_claims',
      'human_resources_employment',
      'tax_income',
      'housing_fund_accounts',
      'health_disease_registry',
    ]) {
      const numbers = rowsOf(id).map((r) => r.cell['role:documentNumber']);
      expect(
        numbers.every((n) => typeof n === 'string' && /^[0-9A-Z]{12,30}$/.test(n)),
        id,
      ).toBe(true);
      expect(new Set(numbers).size, id).toBe(numbers.length);
    }
  });

  it('writes monthly contributions per scheme, monthly pensions, and a register row per person', () => {
    const persons = byPerson(rowsOf('human_resources_employment'));
    let workers = 0;
    for (const [i, rows] of persons) {
      const a = attributes.persons[i];
      if (!a || population.persons[i]?.deathDate !== null) continue;
      const scheme = (name: string) =>
        rows.filter((r) => r.cell['variable:social_insurance_scheme'] === name);
      if (a.socialInsurance && a.employment === 'employed') {
        workers++;
        for (const name of ['employee_pension', 'unemployment', 'work_injury']) {
          expect(scheme(name).length).toBeGreaterThanOrEqual(11);
          expect(scheme(name).length).toBeLessThanOrEqual(13);
          for (const r of scheme(name)) expect(r.cell['variable:social_insurance_contributing']).toBe(true);
        }
      }
      const pensions = rows.filter((r) => r.cell['variable:pension_monthly'] !== null);
      if (a.pensionMonthly > 0) {
        expect(pensions.length).toBeGreaterThanOrEqual(12);
        for (const r of pensions) expect(r.cell['variable:pension_monthly']).toBe(a.pensionMonthly);
      }
      const register = rows.filter((r) => r.cell['variable:employment_status'] !== null);
      expect(register.length).toBeLessThanOrEqual(1);
      if (register[0]) expect(register[0].cell['variable:employment_status']).toBe(a.employment);
    }
    expect(workers).toBeGreaterThan(300);
  });

  it('declares income monthly (employees) or quarterly (self-employed), the latest declaration stating the truth', () => {
    const persons = byPerson(rowsOf('tax_income'));
    expect(persons.size).toBeGreaterThan(500);
    for (const [i, rows] of persons) {
      const a = attributes.persons[i];
      if (!a || population.persons[i]?.deathDate !== null) continue;
      const expected = a.employment === 'employed' ? 12 : 4;
      expect(rows.length).toBeGreaterThanOrEqual(expected - 1);
      expect(rows.length).toBeLessThanOrEqual(expected + 1);
      expect(rows.at(-1)?.cell['variable:monthly_income']).toBe(a.monthlyIncome);
      for (const r of rows)
        expect(String(r.cell['role:validFrom']) < String(r.cell['role:observedAt'])).toBe(true);
    }
  });

  it('gives the snapshot level the last row of each series and the same 12-month settlement sums', () => {
    for (const id of [
      'human_resources_employment',
      'tax_income',
      'housing_fund_accounts',
      'health_disease_registry',
    ]) {
      const full = rowsOf(id);
      const snapshot = rowsOf(id, 'snapshot');
      expect(snapshot.length, id).toBeLessThan(full.length / 3);
      // The same records, numbered in their own file.
      const unnumbered = (r: Row) =>
        JSON.stringify({ ...r, cell: { ...r.cell, 'role:documentNumber': null } });
      const fullRows = new Set(full.map(unnumbered));
      for (const r of snapshot) expect(fullRows.has(unnumbered(r)), id).toBe(true);
    }
    const snapshot = byPerson(rowsOf('medical_security_claims', 'snapshot'));
    const full = byPerson(claims);
    expect(snapshot.size).toBe(full.size);
    for (const [i, rows] of full) {
      const sum = (list: Row[], column: string) => list.reduce((s, r) => s + fen(r.cell[column]), 0);
      const once = snapshot.get(i) ?? [];
      expect(once).toHaveLength(1);
      expect(sum(once, 'variable:medical_claim_out_of_pocket')).toBe(
        sum(rows, 'variable:medical_claim_out_of_pocket'),
      );
      expect(sum(once, 'variable:medical_claim_total')).toBe(sum(rows, 'variable:medical_claim_total'));
    }
  });
});
