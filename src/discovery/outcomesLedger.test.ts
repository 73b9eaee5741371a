import { describe, expect, it } from 'vitest';
import { outcomesLedger } from './outcomesLedger.ts';

describe('the outcomes ledger', () => {
  it('counts gaps filled, whom they reached and the money committed, by Beijing-time month and township', () => {
    const ledger = outcomesLedger([
      // 23:30 UTC on 31 January is 1 February in Beijing.
      {
        at: '2026-01-31T23:30:00.000Z',
        household_id: 'h1',
        subject: 'household',
        area_code: '371082101201',
        policy_id: 'dibao',
        amount: 860,
        amount_period: 'monthly',
      },
      {
        at: '2026-02-03T02:00:00.000Z',
        household_id: 'h1',
        subject: 'p1',
        area_code: '371082101201',
        policy_id: 'education_aid',
        amount: 2500,
        amount_period: 'yearly',
      },
      {
        at: '2026-03-01T02:00:00.000Z',
        household_id: 'h2',
        subject: 'p2',
        area_code: '371082102203',
        policy_id: 'temporary_aid',
        amount: 3000,
        amount_period: 'once',
      },
      {
        at: '2026-03-02T02:00:00.000Z',
        household_id: 'h2',
        subject: 'p3',
        area_code: '371082102203',
        policy_id: 'family_doctor',
        amount: null,
        amount_period: null,
      },
    ]);
    expect(ledger).toMatchObject({
      gapsFilled: 4,
      householdsReached: 2,
      subjectsReached: 4,
      monthlyCommitted: 860,
      annualCommitted: 860 * 12 + 2500,
      oneOffCommitted: 3000,
    });
    expect(ledger.byMonth).toEqual([
      { month: '2026-02', filled: 2, annualCommitted: 860 * 12 + 2500 },
      { month: '2026-03', filled: 2, annualCommitted: 0 },
    ]);
    // By the household's township: villages roll up to their township's code.
    expect(ledger.byTownship).toEqual([
      { township: '371082101000', filled: 2, householdsReached: 1, annualCommitted: 860 * 12 + 2500 },
      { township: '371082102000', filled: 2, householdsReached: 1, annualCommitted: 0 },
    ]);
  });
});
