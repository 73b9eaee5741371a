import type { FactRow } from '../../db/schema.ts';
import type { FactValue } from '../variables/variableCatalogue.ts';

/** One variable's value for a subject on a date, with where it came from. */
export interface ResolvedFact {
  variable: string;
  value: FactValue;
  source: string;
  observedAt: string;
  validFrom: string;
  validTo: string | null;
  factId: number;
  /**
   * Why this value won: its department is the authority for the variable (the precedence
   * policy, from the feeds' `authoritativeFor`), or it is simply the latest observation.
   */
  basis: 'authority' | 'latest';
  /** Other facts valid on the same date with another value: conflicts are shown, not hidden. */
  competing: { value: FactValue; source: string; observedAt: string; factId: number }[];
}

/** Whether a fact's validity [validFrom, validTo) contains a date. */
export function isValidOn(fact: Pick<FactRow, 'valid_from' | 'valid_to'>, date: string): boolean {
  return fact.valid_from <= date && (fact.valid_to === null || fact.valid_to > date);
}

/** Which departments are the authority for which variables (the precedence policy). */
export type Authority = (variable: string) => ReadonlySet<string> | undefined;

/** Whether a variable is an event variable (`temporal: event` in the catalogue). */
export type IsEventVariable = (variable: string) => boolean;

/** The catalogue's event variables as a predicate for `resolveFactsOn`. */
export const eventVariablesOf =
  (catalogue: { get(name: string): { temporal: 'state' | 'event' } | undefined }): IsEventVariable =>
  (variable) =>
    catalogue.get(variable)?.temporal === 'event';

/** What resolving reads of a fact (the portrait's query reads no more). */
export type ResolvableFact = Pick<
  FactRow,
  'id' | 'variable' | 'value_json' | 'source' | 'observed_at' | 'valid_from' | 'valid_to'
>;

/**
 * Picks, per variable, the fact that holds on a date. Among those valid then, a fact from a
 * department that is the authority for the variable beats any other (the disabled persons'
 * federation over a roster's copy of a disability grade); within the same standing, the most
 * recently observed wins (later records supersede earlier ones), ties going to the later write.
 *
 * Facts of event variables (`isEvent`) are left out: each is one occurrence (a settlement's
 * out-of-pocket amount), not an observation of a current value, so "the latest wins" would
 * make the last settlement look like the person's medical cost. Whoever needs them sums or
 * counts them over a window from the facts themselves (the portrait does).
 */
export function resolveFactsOn(
  facts: ResolvableFact[],
  date: string,
  authority?: Authority,
  isEvent?: IsEventVariable,
): ResolvedFact[] {
  const byVariable = new Map<string, ResolvableFact[]>();
  for (const fact of facts) {
    if (!isValidOn(fact, date) || isEvent?.(fact.variable)) continue;
    const list = byVariable.get(fact.variable) ?? [];
    list.push(fact);
    byVariable.set(fact.variable, list);
  }
  const resolved: ResolvedFact[] = [];
  for (const [variable, list] of byVariable) {
    const authorities = authority?.(variable);
    const rank = (f: ResolvableFact) => (authorities?.has(f.source) ? 0 : 1);
    // One fact (most variables): nothing to rank, nothing competing.
    if (list.length > 1)
      list.sort(
        (a, b) =>
          rank(a) - rank(b) ||
          (a.observed_at === b.observed_at ? b.id - a.id : a.observed_at < b.observed_at ? 1 : -1),
      );
    const winner = list[0];
    if (!winner) continue;
    const rest = list.length > 1 ? list.slice(1) : NONE;
    const value = JSON.parse(winner.value_json) as FactValue;
    resolved.push({
      variable,
      value,
      source: winner.source,
      observedAt: winner.observed_at,
      validFrom: winner.valid_from,
      validTo: winner.valid_to,
      factId: winner.id,
      // "Authority" only when it decided something: another source said otherwise.
      basis:
        rank(winner) === 0 && rest.some((f) => rank(f) === 1 && f.value_json !== winner.value_json)
          ? 'authority'
          : 'latest',
      competing: rest
        .filter((f) => f.value_json !== winner.value_json)
        .map((f) => ({
          value: JSON.parse(f.value_json) as FactValue,
          source: f.source,
          observedAt: f.observed_at,
          factId: f.id,
        })),
    });
  }
  return resolved.sort((a, b) => byName.compare(a.variable, b.variable));
}

const NONE: readonly ResolvableFact[] = [];

/** The order `localeCompare` gives, from one collator (a screening run sorts thousands a chunk). */
const byName = new Intl.Collator();
