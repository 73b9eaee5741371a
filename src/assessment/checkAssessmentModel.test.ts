import { describe, expect, it } from 'vitest';
import { formatMessage } from '../core/appError.ts';
import { loadPortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { ruleVocabulary } from '../rules/ruleVocabulary.ts';
import { checkAssessmentModel } from './checkAssessmentModel.ts';

const catalogue = loadVariableCatalogue();
const vocabulary = ruleVocabulary(catalogue, loadPortraitDefinitions(catalogue));
const check = (definition: unknown) => checkAssessmentModel(definition, { vocabulary, catalogue });

const label = (zh: string) => ({ zh, en: zh });
/** A small valid model: income below 1,000 yuan (1/2), a seriously ill member (1/4), an unemployed able-bodied member (1/4). */
const valid = () => ({
  id: 'small',
  name: label('小模型'),
  reference: 'Alkire & Foster (2011)',
  k: '1/2',
  bands: [
    { id: 'vulnerable', min: '1/4', label: label('边缘') },
    { id: 'poor', min: '1/2', label: label('困难') },
  ],
  dimensions: [
    {
      id: 'economy',
      name: label('经济'),
      indicators: [
        {
          id: 'income',
          name: label('人均月收入'),
          value: 'h.monthly_income_per_capita',
          deprived: 'below',
          cutoff: 1000,
          weight: '1/2',
          reason: { zh: '人均月收入 {value} 元，低于 {cutoff} 元', en: 'Income {value} below {cutoff}' },
        },
      ],
    },
    {
      id: 'health',
      name: label('健康'),
      indicators: [
        {
          id: 'illness',
          name: label('重病'),
          value: 'h.serious_illness_members > 0',
          deprived: 'flag',
          weight: 0.25,
          reason: label('有重病成员'),
        },
        {
          id: 'unemployed',
          name: label('失业'),
          value: 'members.exists(m, m.able_bodied_unemployed)',
          deprived: 'flag',
          weight: '1/4',
          reason: label('有失业的劳动力'),
        },
      ],
    },
  ],
  cases: [
    {
      name: '低收入且有重病成员',
      h: { monthly_income_per_capita: 600, serious_illness_members: 1 },
      members: [{ able_bodied_unemployed: false }],
      expect: { deprived: ['income', 'illness'], band: 'poor' },
    },
    {
      name: '只有重病成员',
      h: { monthly_income_per_capita: 3000, serious_illness_members: 1 },
      members: [{ able_bodied_unemployed: false }],
      expect: { deprived: ['illness'], band: 'vulnerable' },
    },
    {
      // Income exactly at the cutoff is not below it; income unknown is missing, not deprived.
      name: '收入恰为临界值',
      h: { monthly_income_per_capita: 1000, serious_illness_members: 0 },
      members: [{ able_bodied_unemployed: false }],
      expect: { deprived: [], band: 'none' },
    },
  ],
});

const messages = (definition: unknown) =>
  check(definition).problems.map((p) => `${p.path}: ${formatMessage(p.code, 'zh', p.params)}`);

describe('checkAssessmentModel', () => {
  it('builds a valid model, its cases holding, with weights in exact fractions', () => {
    const { model, problems } = check(valid());
    expect(problems).toEqual([]);
    expect(model?.plan.denominator).toBe(4);
    expect([...(model?.plan.weights ?? [])]).toEqual([2, 1, 1]);
    expect(model?.dimensions.map((d) => [d.id, `${String(d.weight.num)}/${String(d.weight.den)}`])).toEqual([
      ['economy', '1/2'],
      ['health', '1/2'],
    ]);
  });

  it('refuses weights that do not sum to 1, saying what they sum to', () => {
    const model = valid();
    const indicator = model.dimensions[1]?.indicators[1];
    if (indicator) indicator.weight = '1/12';
    expect(messages(model)).toEqual(['dimensions: 各指标权重之和为 5/6，应恰好为 1']);
    expect(check(model).model).toBeNull();
  });

  it('refuses an unknown variable, suggesting the near name', () => {
    const model = valid();
    const indicator = model.dimensions[0]?.indicators[0];
    if (indicator) indicator.value = 'h.monthly_income_per_capta';
    expect(messages(model)).toEqual([
      'dimensions[0].indicators[0].value: 引用了未知变量“h.monthly_income_per_capta”，是否应为“monthly_income_per_capita”？',
    ]);
  });

  it('refuses k outside (0, 1], and lists every problem at once', () => {
    for (const k of ['0', '3/2', -0.2]) {
      const model = { ...valid(), k };
      expect(check(model).problems.map((p) => p.code)).toEqual(['ASSESSMENT_K_RANGE']);
    }
    const broken = { ...valid(), k: 'a third', bands: [], extra: 1 };
    expect(check(broken).problems.map((p) => [p.path, p.code])).toEqual([
      ['extra', 'FIELD_UNKNOWN'],
      ['k', 'ASSESSMENT_NUMBER'],
      ['bands', 'FIELD_TOO_FEW'],
    ]);
  });

  it('refuses a value of the wrong kind, a missing cutoff and a person variable read as p', () => {
    const model = valid();
    const [income] = model.dimensions[0]?.indicators ?? [];
    const [illness] = model.dimensions[1]?.indicators ?? [];
    if (income) income.value = 'h.monthly_income_per_capita < 1000.0';
    if (illness) illness.value = 'p.has_serious_illness';
    expect(check(model).problems.map((p) => [p.path, p.code])).toEqual([
      ['dimensions[0].indicators[0].value', 'ASSESSMENT_VALUE_TYPE'],
      ['dimensions[1].indicators[0].value', 'ASSESSMENT_UNKNOWN_VARIABLE'],
    ]);
    const noCutoff = valid();
    const first = noCutoff.dimensions[0]?.indicators[0] as Record<string, unknown> | undefined;
    if (first) delete first.cutoff;
    expect(messages(noCutoff)).toEqual([
      'dimensions[0].indicators[0].cutoff: 剥夺方向为 below 的指标需要数值临界值 cutoff（flag 指标不设临界值）',
    ]);
  });

  it('refuses a model whose own case disagrees', () => {
    const model = valid();
    const first = model.cases[0];
    if (first) first.expect = { deprived: ['income'], band: 'poor' };
    expect(messages(model)).toEqual(['cases[0]: 用例“低收入且有重病成员”不符：多出被剥夺指标 illness']);
  });
});
