import type { ParameterDefinition } from './parameters/parameterSet.ts';
import type { RulePool } from './evaluate/explainPolicies.ts';
import { policyCategories, policyExpressions, type PolicyDefinition } from './policies/policyDefinition.ts';
import type { VariableCatalogue } from '../registry/variables/variableCatalogue.ts';

/** A policy in lists: enough to browse the pool by department and category. */
export function policySummary(policy: PolicyDefinition, catalogue: VariableCatalogue) {
  const department = catalogue.department(policy.department);
  return {
    id: policy.id,
    name: policy.name,
    department: policy.department,
    departmentLabel: department
      ? { zh: department.zh, en: department.en }
      : { zh: policy.department, en: policy.department },
    category: policy.category,
    categoryLabel:
      policy.category === 'warning'
        ? { zh: '预警', en: 'Early warning' }
        : policy.category === 'model'
          ? { zh: '发现模型', en: 'Discovery model' }
          : policyCategories[policy.category],
    entity: policy.entity,
    persons: policy.persons,
    legalRef: policy.legalRef,
    summary: policy.summary,
    regions: policy.regions,
    criteria: policy.criteria.length,
    pays: policy.amount?.period ?? null,
    cases: policy.cases.length,
  };
}

/** One parameter with every value in every region (the history is the list, oldest first). */
export function parameterView(definition: ParameterDefinition) {
  return {
    name: definition.name,
    label: definition.label,
    description: definition.description,
    unit: definition.unit,
    type: definition.type,
    file: definition.file,
    line: definition.line,
    values: [...definition.values.values()].flat(),
  };
}

/** A policy in full: criteria as written, exceptions, amount, the parameters it reads with their history, its cases. */
export function policyDetail(pool: RulePool, policy: PolicyDefinition, catalogue: VariableCatalogue) {
  const parameterNames = new Set(policyExpressions(policy).flatMap((e) => e.parameters));
  const template = (t: { text: string; parts: { source: string }[] }) =>
    t.text.replace(/\{(\d+)\}/g, (_, i: string) => `{${t.parts[Number(i)]?.source ?? ''}}`);
  return {
    ...policySummary(policy, catalogue),
    file: policy.file,
    criteria: policy.criteria.map((c) => ({
      name: c.name,
      label: c.label,
      test: c.test.source,
      fail: { zh: template(c.fail.zh), en: c.fail.en ? template(c.fail.en) : null },
      line: c.test.line,
    })),
    exceptions: policy.exceptions.map((e) => ({
      name: e.name,
      label: e.label,
      priority: e.priority,
      when: e.when.source,
      outcome: e.outcome,
    })),
    amount: policy.amount
      ? {
          period: policy.amount.period,
          formula: policy.amount.formula.source,
          explain: policy.amount.explain,
        }
      : null,
    enrolment: policy.enrolment?.source ?? null,
    parameters: [...parameterNames]
      .map((name) => pool.parameters.get(name))
      .filter((d): d is ParameterDefinition => d !== undefined)
      .map(parameterView),
    cases: policy.cases.map((c) => ({
      name: c.name,
      region: c.region,
      date: c.date,
      h: c.h,
      members: c.members,
      p: c.p,
      expect: c.expect,
      amount: c.amount,
      line: c.line,
    })),
  };
}
