import { describe, expect, it } from 'vitest';
import type { FactRow } from '../../db/schema.ts';
import { loadVariableCatalogue } from '../variables/variableCatalogue.ts';
import { eventVariablesOf, isValidOn, resolveFactsOn } from './resolveFacts.ts';

let nextId = 1;
function fact(changes: Partial<FactRow>): FactRow {
  return {
    id: nextId++,
    subject_type: 'person',
    subject_id: 'p',
    variable: 'monthly_income',
    value_json: '1000',
    source: 'tax',
    observed_at: '2026-01-01',
    valid_from: '2026-01-01',
    valid_to: null,
    recorded_at: '2026-01-02T00:00:00.000Z',
    import_id: null,
    source_line: null,
    ...changes,
  };
}

describe('resolving facts on a date', () => {
  it('treats validity as half-open: from inclusive, to exclusive', () => {
    const f = fact({ valid_from: '2026-01-01', valid_to: '2026-07-01' });
    expect(['2025-12-31', '2026-01-01', '2026-06-30', '2026-07-01'].map((d) => isValidOn(f, d))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(isValidOn(fact({ valid_to: null }), '2099-01-01')).toBe(true);
  });

  it('lets the latest observation win, then the latest write, and lists the other values', () => {
    const tax = fact({ value_json: '1500', source: 'tax', observed_at: '2026-02-01' });
    const survey = fact({ value_json: '900', source: 'survey', observed_at: '2026-05-10' });
    const sameDayLater = fact({ value_json: '950', source: 'human_resources', observed_at: '2026-05-10' });
    const agreeing = fact({ value_json: '1500', source: 'self_declared', observed_at: '2026-01-15' });
    const other = fact({ variable: 'vehicle_count', value_json: '1', source: 'vehicles' });
    const [income, vehicles] = resolveFactsOn([tax, survey, sameDayLater, agreeing, other], '2026-06-01');
    // Same observation date: the later write (higher id) wins.
    expect(income).toMatchObject({ variable: 'monthly_income', value: 950, source: 'human_resources' });
    // A competitor with the winner's value is no conflict; every differing value is shown.
    expect(income?.competing.map((c) => [c.value, c.source])).toEqual([
      [900, 'survey'],
      [1500, 'tax'],
      [1500, 'self_declared'],
    ]);
    expect(vehicles).toMatchObject({ variable: 'vehicle_count', value: 1, competing: [] });
  });

  it('ignores facts not valid on the date', () => {
    const expired = fact({ value_json: '2000', observed_at: '2026-09-01', valid_to: '2026-03-01' });
    const future = fact({ value_json: '3000', observed_at: '2026-09-01', valid_from: '2026-08-01' });
    const current = fact({ value_json: '1000' });
    expect(resolveFactsOn([expired, future, current], '2026-04-01')).toEqual([
      expect.objectContaining({ value: 1000, competing: [] }),
    ]);
    expect(resolveFactsOn([expired], '2026-04-01')).toEqual([]);
  });
});

describe('resolveFactsOn with event variables', () => {
  const isEvent = eventVariablesOf(loadVariableCatalogue());
  const settlement = (yuan: number, on: string) =>
    fact({
      variable: 'medical_claim_out_of_pocket',
      value_json: String(yuan),
      source: 'medical_security',
      observed_at: on,
      valid_from: on,
    });

  it('never picks a "current value" among occurrences, and leaves state variables as they were', () => {
    const facts = [
      settlement(38000, '2026-03-02'),
      settlement(120.5, '2026-05-20'),
      fact({ value_json: '1800' }),
    ];
    expect(resolveFactsOn(facts, '2026-06-01', undefined, isEvent)).toEqual([
      expect.objectContaining({ variable: 'monthly_income', value: 1800 }),
    ]);
    // Without the catalogue's word the last settlement would pass for the person's medical cost.
    expect(resolveFactsOn(facts, '2026-06-01').map((r) => [r.variable, r.value])).toEqual([
      ['medical_claim_out_of_pocket', 120.5],
      ['monthly_income', 1800],
    ]);
  });

  it('keeps a monthly series of a state variable a state: the latest month wins', () => {
    const months = ['2026-03-10', '2026-04-10', '2026-05-10'].map((on, i) =>
      fact({ value_json: String(4000 + i * 100), observed_at: on, valid_from: on }),
    );
    expect(resolveFactsOn(months, '2026-06-01', undefined, isEvent)).toEqual([
      expect.objectContaining({ variable: 'monthly_income', value: 4200, observedAt: '2026-05-10' }),
    ]);
  });
});

describe('resolveFactsOn with a precedence policy', () => {
  const federation = (variable: string) =>
    variable === 'disability_grade' ? new Set(['disabled_federation']) : undefined;
  const grade = (source: string, value: string, observedAt: string) =>
    fact({
      variable: 'disability_grade',
      value_json: JSON.stringify(value),
      source,
      observed_at: observedAt,
      valid_from: observedAt,
    });

  it('lets the authority’s value win over a later one from another department, and says so', () => {
    const [resolved] = resolveFactsOn(
      [grade('disabled_federation', '2', '2025-01-01'), grade('civil_affairs', '3', '2026-01-01')],
      '2026-06-01',
      federation,
    );
    expect(resolved).toMatchObject({ value: '2', source: 'disabled_federation', basis: 'authority' });
    expect(resolved?.competing).toEqual([expect.objectContaining({ value: '3', source: 'civil_affairs' })]);
  });

  it('takes the latest among the authority’s own records, and the latest when no authority is declared', () => {
    const facts = [
      grade('disabled_federation', '3', '2024-01-01'),
      grade('disabled_federation', '2', '2025-01-01'),
      grade('civil_affairs', '4', '2026-01-01'),
    ];
    expect(resolveFactsOn(facts, '2026-06-01', federation)[0]).toMatchObject({
      value: '2',
      basis: 'authority',
    });
    expect(resolveFactsOn(facts, '2026-06-01')[0]).toMatchObject({
      value: '4',
      source: 'civil_affairs',
      basis: 'latest',
    });
  });

  it('does not claim authority when nobody disagreed', () => {
    const [resolved] = resolveFactsOn(
      [grade('disabled_federation', '2', '2025-01-01'), grade('civil_affairs', '2', '2026-01-01')],
      '2026-06-01',
      federation,
    );
    expect(resolved).toMatchObject({ value: '2', basis: 'latest', competing: [] });
  });
});
