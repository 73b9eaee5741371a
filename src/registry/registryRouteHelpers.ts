import type { Kysely } from 'kysely';
import { AppError } from '../core/appError.ts';
import { todayInChina } from '../core/isoDate.ts';
import { normalizeAreaCode } from '../areas/areaCode.ts';
import { findArea } from '../areas/areaRepository.ts';
import type { Database } from '../db/schema.ts';
import type { AppContext } from '../http/appContext.ts';
import { factHistory, factsAsOf } from './facts/factService.ts';
import { eventVariablesOf } from './facts/resolveFacts.ts';
import { authorityOf } from '../ingest/feeds/loadFeeds.ts';
/** The `area` query parameter as a 12-digit code of an area we hold. */
export async function requireQueryArea(db: Kysely<Database>, raw: string): Promise<string> {
  const areaCode = normalizeAreaCode(raw);
  if (!(await findArea(db, areaCode))) throw AppError.field('query.area', 'UNKNOWN_AREA', { code: areaCode });
  return areaCode;
}

export async function describeFacts(
  context: AppContext,
  subjectType: 'person' | 'household',
  id: string,
  q: { asOf?: string; knownAt?: string; history?: boolean },
) {
  const { db, variables } = context;
  if (q.history) {
    const rows = await factHistory(db, subjectType, id);
    return {
      history: rows.map((r) => ({
        id: r.id,
        variable: r.variable,
        value: JSON.parse(r.value_json) as number | boolean | string,
        source: r.source,
        observedAt: r.observed_at,
        validFrom: r.valid_from,
        validTo: r.valid_to,
        recordedAt: r.recorded_at,
      })),
    };
  }
  const asOf = q.asOf ?? todayInChina();
  // Event variables (each medical settlement) are occurrences with no value "as of" a date:
  // they are in the history, and the portrait sums them over windows.
  const facts = await factsAsOf(
    db,
    subjectType,
    id,
    asOf,
    q.knownAt,
    authorityOf(context.feeds),
    eventVariablesOf(variables),
  );
  return {
    asOf,
    facts: facts.map((f) => ({
      ...f,
      label: variables.get(f.variable)?.label.zh ?? f.variable,
      sourceLabel: variables.department(f.source)?.zh ?? f.source,
      reason:
        f.basis === 'authority'
          ? `${variables.department(f.source)?.zh ?? f.source}是该项数据的权威来源，优先于其他部门的不同记录`
          : f.competing.length > 0
            ? '各部门记录不一致，取最近一次登记的值'
            : '各来源一致',
    })),
  };
}
