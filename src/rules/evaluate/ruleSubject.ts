import { celList, celMap, type CelMap } from '@bufbuild/cel';
import type { IsoDate } from '../../core/isoDate.ts';
import { toCel, type CelInputValue } from '../../portrait/portraitBindings.ts';
import type { FieldInfo, RuleVocabulary } from '../ruleVocabulary.ts';
import type { Value } from '../compile/compileCel.ts';

/** Where a value came from, for the explanation (department and date of the fact). */
export interface InputSource {
  source: string;
  observedAt: string;
}

/** A member of the household as rules see them: an id and the values of the portrait. */
export interface RuleMember {
  id: string;
  name?: string;
  values: Map<string, CelInputValue>;
  sources?: Map<string, InputSource>;
}

/** One household to match: its area (for parameters), the date, its values and members. */
export interface RuleSubject {
  /** 12-digit area code where the household lives: parameters are looked up for it. */
  region: string;
  asOf: IsoDate;
  household: Map<string, CelInputValue>;
  householdSources?: Map<string, InputSource>;
  /** Living members: `members` in rules, and every aggregate over it. */
  members: RuleMember[];
  /** Members who died recently, for `persons: deceased` policies only (funeral aid). */
  deceased?: RuleMember[];
}

/**
 * A household as the compiled closures read it, without the CEL maps and sources an explanation
 * needs: what a screening run decides on (decideFindings.ts). Values are only read.
 */
export interface SubjectValues {
  region: string;
  asOf: IsoDate;
  household: Value;
  /** Living members, in the order of `memberIds`. */
  members: Value[];
  memberIds: string[];
  /** Recently deceased members, for `persons: deceased` policies. */
  deceased: Value[];
  deceasedIds: string[];
}

/** Plain values (a YAML case, a phone self-check form) typed for CEL by the vocabulary. */
export function typedValues(
  plain: Record<string, unknown>,
  fields: ReadonlyMap<string, FieldInfo>,
): Map<string, CelInputValue> {
  const map = new Map<string, CelInputValue>();
  for (const [name, value] of Object.entries(plain)) {
    if (value === null || value === undefined) continue;
    const info = fields.get(name);
    if (Array.isArray(value)) {
      // Event variables ({on, value} occurrences) and code lists (assistance_types).
      map.set(
        name,
        celList(
          value.map((item: unknown) => {
            if (typeof item !== 'object' || item === null) return item as CelInputValue;
            const entry = item as { on?: unknown; value?: unknown };
            const on = entry.on instanceof Date ? entry.on.toISOString().slice(0, 10) : String(entry.on);
            return celMap(
              new Map<string, CelInputValue>([
                ['on', on],
                ['value', toCel(info?.type, entry.value as never)],
              ]),
            );
          }),
        ),
      );
      continue;
    }
    if (value instanceof Date) {
      map.set(name, value.toISOString().slice(0, 10));
      continue;
    }
    // A money value written 1200 in YAML is still a double; an integer one a CEL int.
    map.set(name, toCel(info?.type, value as never));
  }
  return map;
}

/** Builds a subject from plain values: `h`, `members` (each may carry `id` and `name`). */
export function subjectFromPlain(
  vocabulary: RuleVocabulary,
  input: {
    region: string;
    asOf: IsoDate;
    h: Record<string, unknown>;
    members: Record<string, unknown>[];
    deceased?: Record<string, unknown>[];
  },
): RuleSubject {
  const member = (prefix: string) => (m: Record<string, unknown>, i: number) => {
    const { id, name, ...values } = m;
    return {
      id: typeof id === 'string' ? id : `${prefix}${String(i + 1)}`,
      ...(typeof name === 'string' ? { name } : {}),
      values: typedValues(values, vocabulary.person),
    };
  };
  return {
    region: input.region,
    asOf: input.asOf,
    household: typedValues(input.h, vocabulary.household),
    members: input.members.map(member('m')),
    ...(input.deceased ? { deceased: input.deceased.map(member('d')) } : {}),
  };
}

export const asCelMap = (values: Map<string, CelInputValue>): CelMap => celMap(values);
