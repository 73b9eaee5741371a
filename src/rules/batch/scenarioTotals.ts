/** What a what-if counted for one scenario: who gains, who loses, what it costs. */
export interface ScenarioTotals {
  /** (policy, subject) pairs eligible in the scenario and not today, and the reverse. */
  gainers: number;
  losers: number;
  householdsGaining: number;
  householdsLosing: number;
  /** Change of the money the eligible pairs are entitled to: monthly benefits, and a year's worth. */
  monthlyChange: number;
  annualChange: number;
  byTownship: Map<string, { gainers: number; losers: number; annualChange: number }>;
  byPolicy: Map<string, { gainers: number; losers: number; annualChange: number }>;
}

export function emptyTotals(): ScenarioTotals {
  return {
    gainers: 0,
    losers: 0,
    householdsGaining: 0,
    householdsLosing: 0,
    monthlyChange: 0,
    annualChange: 0,
    byTownship: new Map(),
    byPolicy: new Map(),
  };
}

/** Adds the totals of a disjoint range of households (a worker thread's share) into `into`. */
export function mergeTotals(into: ScenarioTotals, part: ScenarioTotals): void {
  into.gainers += part.gainers;
  into.losers += part.losers;
  into.householdsGaining += part.householdsGaining;
  into.householdsLosing += part.householdsLosing;
  into.monthlyChange += part.monthlyChange;
  into.annualChange += part.annualChange;
  for (const [name, from] of [
    ['byTownship', part.byTownship],
    ['byPolicy', part.byPolicy],
  ] as const) {
    const target = into[name];
    for (const [key, v] of from) {
      const t = target.get(key) ?? { gainers: 0, losers: 0, annualChange: 0 };
      t.gainers += v.gainers;
      t.losers += v.losers;
      t.annualChange += v.annualChange;
      target.set(key, t);
    }
  }
}
