import { celEnv, celFunc, CelScalar, type CelEnv } from '@bufbuild/cel';
import { ageOn } from '../core/isoDate.ts';
import { portraitFunctions } from '../portrait/celEnvironment.ts';

/** Whole months from one ISO date to another, as in “申请前6个月”: a month counts once its day is reached. */
export function monthsBetween(from: string, to: string): number {
  const months =
    (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
    Number(to.slice(5, 7)) -
    Number(from.slice(5, 7));
  return Number(to.slice(8, 10)) < Number(from.slice(8, 10)) ? months - 1 : months;
}

/**
 * The functions policies may call: the portrait's (years_between, days_between, add_months,
 * sum) plus age_at(birth_date, date) and months_between(from, to). Member aggregates are CEL's
 * own macros over `members`: members.filter(m, m.age < 18).size(), members.exists(m, …),
 * members.all(m, …), sum(members.map(m, m.income_or_zero)).
 */
export const ruleEnv: CelEnv = celEnv({
  funcs: [
    ...portraitFunctions,
    celFunc('age_at', [CelScalar.STRING, CelScalar.STRING], CelScalar.INT, (birth, on) =>
      BigInt(ageOn(birth, on)),
    ),
    celFunc('months_between', [CelScalar.STRING, CelScalar.STRING], CelScalar.INT, (from, to) =>
      BigInt(monthsBetween(from, to)),
    ),
  ],
});
