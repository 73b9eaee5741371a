import type { CelResult, parse } from '@bufbuild/cel';
import type { Compiled } from '../compile/compileCel.ts';
import type { IsoDate } from '../../core/isoDate.ts';
import type { FieldReference } from '../ruleReferences.ts';

export type PolicyCategory =
  'assistance_policy' | 'aid_project' | 'livelihood_service' | 'employment_incentive';
export type PolicyEntity = 'household' | 'person';
export type PolicyOutcome = 'eligible' | 'ineligible';
export type AmountPeriod = 'monthly' | 'yearly' | 'once';

export const policyCategories: Record<PolicyCategory, { zh: string; en: string }> = {
  assistance_policy: { zh: '救助政策', en: 'Assistance policy' },
  aid_project: { zh: '社会救助项目', en: 'Social aid project' },
  livelihood_service: { zh: '民生服务', en: 'Livelihood service' },
  employment_incentive: { zh: '就业激励', en: 'Employment incentive' },
};

/**
 * What a rule file is: a policy of the welfare pool, or an early warning (issue 6) — a household
 * or person condition that calls for attention, with the cause of hardship it points to. Both are
 * built, checked, explained and tested by the same code; a warning is "eligible" when it fires.
 */
/** The pool's policies, early warnings (`warnings/`), discovery models (`models/`, X3). */
export type RuleKind = 'policy' | 'warning' | 'model';

/** Causes of hardship a warning is classified under (Yueqing's 因病、因残、因学…), a closed list. */
export const hardshipCauses = {
  illness: { zh: '因病', en: 'Illness' },
  disability: { zh: '因残', en: 'Disability' },
  schooling: { zh: '因学', en: 'Schooling' },
  unemployment: { zh: '因失业', en: 'Unemployment' },
  accident_disaster: { zh: '因灾、因意外', en: 'Accident or disaster' },
  loss_of_earner: { zh: '失去主要劳动力', en: 'Loss of the earner' },
  ageing: { zh: '因老', en: 'Ageing' },
  other: { zh: '其他', en: 'Other' },
} as const;
export type HardshipCause = keyof typeof hardshipCauses;

export interface Label {
  zh: string;
  en: string;
}

export type Evaluate = (bindings: Record<string, unknown>) => CelResult;

/** A CEL expression compiled once, with what it reads (for explanations and missing inputs). */
export interface CompiledExpr {
  source: string;
  /** The parse tree: the batch path compiles it into columnar kernels. */
  tree: ReturnType<typeof parse>['expr'];
  /** @bufbuild/cel's plan: the reference evaluator (load-time type probe, differential test). */
  evaluate: Evaluate;
  /** The compiled closure the explain and batch paths run. */
  run: Compiled;
  fields: FieldReference[];
  parameters: string[];
  line: number;
}

/** `{h.x}` pieces of a message, each a CEL expression rendered into the text. */
export interface MessageTemplate {
  zh: { text: string; parts: CompiledExpr[] };
  en: { text: string; parts: CompiledExpr[] } | null;
}

/** A relational test (`a < b`), whose two sides give the distance to the line. */
export interface Comparison {
  operator: '<' | '<=' | '>' | '>=' | '==' | '!=';
  left: CompiledExpr;
  right: CompiledExpr;
  /** A side that is one input as it stands (`h.x`, `p.x`): the boundary cases move it across the line. */
  input: { side: 'left' | 'right'; on: 'h' | 'p'; field: string } | null;
}

export interface Criterion {
  name: string;
  label: Label;
  test: CompiledExpr;
  fail: MessageTemplate;
  comparison: Comparison | null;
}

export interface PolicyException {
  name: string;
  label: Label;
  priority: number;
  when: CompiledExpr;
  outcome: PolicyOutcome;
}

export interface PolicyAmount {
  period: AmountPeriod;
  formula: CompiledExpr;
  explain: Label;
}

export interface PolicyCase {
  name: string;
  line: number;
  region: string;
  date: IsoDate;
  /** Plain YAML values, typed for CEL by the vocabulary when run. */
  h: Record<string, unknown>;
  members: Record<string, unknown>[];
  /** Person policies: the person tested (defaults to the first member; the deceased person for `persons: deceased`). */
  p: Record<string, unknown> | null;
  expect: PolicyOutcome | 'unknown';
  amount: number | null;
}

export interface PolicyDefinition {
  id: string;
  name: Label;
  department: string;
  /** 'warning' for early warnings, 'model' for discovery models (their kind). */
  category: PolicyCategory | 'warning' | 'model';
  entity: PolicyEntity;
  /**
   * Whom a person policy is for: living members (`members`), or members who died recently
   * (funeral aid), who are never part of `members` or its aggregates.
   */
  persons: 'living' | 'deceased';
  /** Warnings only: the cause of hardship it points to (null for policies). */
  cause: HardshipCause | null;
  legalRef: string;
  summary: Label | null;
  /** Area code prefixes (or 'CN') where it applies; its parameters must have values there. */
  regions: string[];
  criteria: Criterion[];
  exceptions: PolicyException[];
  amount: PolicyAmount | null;
  /** True when the household (or person) already receives it. */
  enrolment: CompiledExpr | null;
  /**
   * The policy that continues this one for a household that receives it but no longer qualifies
   * (dibao → dibao_phase_out): while that one is eligible, discovery raises no review.
   */
  phaseOut: string | null;
  cases: PolicyCase[];
  file: string;
  line: number;
}

/** Every expression a policy evaluates: its criteria, exceptions, amount formula and enrolment evidence. */
export function policyExpressions(policy: PolicyDefinition): CompiledExpr[] {
  return [
    ...policy.criteria.map((c) => c.test),
    ...policy.exceptions.map((e) => e.when),
    ...(policy.amount ? [policy.amount.formula] : []),
    ...(policy.enrolment ? [policy.enrolment] : []),
  ];
}
