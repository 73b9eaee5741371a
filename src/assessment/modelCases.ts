import { subjectFromPlain } from '../rules/evaluate/ruleSubject.ts';
import { subjectValues } from '../rules/evaluate/explainPolicies.ts';
import type { RuleVocabulary } from '../rules/ruleVocabulary.ts';
import type { FieldProblem } from '../core/appError.ts';
import type { AssessmentModel } from './assessmentModel.ts';
import { assessHousehold } from './assessHousehold.ts';

/** Where cases are evaluated: a date and a region do not change an assessment (no parameters). */
const CASE_DATE = '2026-11-01';
const CASE_REGION = '371082';

/**
 * Runs a model's own cases: each household must be deprived in exactly the indicators its
 * author listed and fall in the band named. A case that disagrees is a problem of the model,
 * like a policy whose cases fail.
 */
export function caseProblems(
  model: AssessmentModel,
  vocabulary: RuleVocabulary,
): (Omit<FieldProblem, 'path'> & { at: (string | number)[] })[] {
  const known = new Set(model.indicators.map((i) => i.id));
  const bands = new Set(model.bands.map((b) => b.id));
  const out: (Omit<FieldProblem, 'path'> & { at: (string | number)[] })[] = [];
  model.cases.forEach((c, i) => {
    const at = ['cases', i];
    const fail = (reason: string) =>
      out.push({ at, code: 'ASSESSMENT_CASE_FAILED', params: { case: c.name, reason } });
    const unknown = c.expect.deprived.filter((id) => !known.has(id));
    if (unknown.length > 0) return fail(`期望中的指标 ${unknown.join('、')} 不在模型中`);
    if (c.expect.band !== null && !bands.has(c.expect.band))
      return fail(`期望的分档 ${c.expect.band} 不在模型中`);
    const subject = subjectFromPlain(vocabulary, {
      region: CASE_REGION,
      asOf: CASE_DATE,
      h: c.h,
      members: c.members,
    });
    const result = assessHousehold(model, subjectValues(subject));
    const got = result.indicators.filter((x) => x.state === 'deprived').map((x) => x.id);
    const expected = new Set(c.expect.deprived);
    const extra = got.filter((id) => !expected.has(id));
    const lacking = c.expect.deprived.filter((id) => !got.includes(id));
    if (extra.length > 0 || lacking.length > 0)
      return fail(
        [
          extra.length ? `多出被剥夺指标 ${extra.join('、')}` : '',
          lacking.length ? `缺少被剥夺指标 ${lacking.join('、')}` : '',
        ]
          .filter(Boolean)
          .join('；'),
      );
    if (result.band !== c.expect.band)
      fail(`得分 ${result.score}，分档为 ${result.band ?? '无'}，期望 ${c.expect.band ?? '无'}`);
  });
  return out;
}
