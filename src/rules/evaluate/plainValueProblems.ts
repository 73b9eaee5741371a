import type { FieldProblem, LocalizedText } from '../../core/appError.ts';
import { isIsoDate } from '../../core/isoDate.ts';
import type { FieldInfo } from '../ruleVocabulary.ts';

const TYPE_NAMES: Record<string, LocalizedText> = {
  integer: { zh: '整数', en: 'an integer' },
  number: { zh: '数值', en: 'a number' },
  money: { zh: '金额（数值）', en: 'an amount (number)' },
  boolean: { zh: '是/否（true 或 false）', en: 'true or false' },
  date: { zh: '日期 YYYY-MM-DD', en: 'a date YYYY-MM-DD' },
  string: { zh: '文本', en: 'text' },
  code: { zh: '代码（文本）', en: 'a code (text)' },
  list: { zh: '代码列表', en: 'a list of codes' },
  event: { zh: '事件列表 [{on: 日期, value: 值}]', en: 'a list of events [{on: date, value}]' },
};

function scalarFits(type: string, value: unknown): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
    case 'money':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && isIsoDate(value);
    default:
      return typeof value === 'string';
  }
}

/**
 * The problems of a hypothetical household's values (a trial match, a phone self-check):
 * each unknown name and each value of the wrong type, addressed by its path — nothing is
 * silently dropped or coerced. Null means "not known" and is allowed.
 */
export function plainValueProblems(
  plain: Record<string, unknown>,
  fields: ReadonlyMap<string, FieldInfo>,
  path: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [name, value] of Object.entries(plain)) {
    const at = `${path}.${name}`;
    if (value === null) continue;
    const info = fields.get(name);
    if (!info) {
      problems.push({ path: at, code: 'FIELD_UNKNOWN' });
      continue;
    }
    let fits: boolean;
    let expected: string = info.type;
    if (info.event) {
      expected = 'event';
      fits =
        Array.isArray(value) &&
        value.every(
          (e: unknown) =>
            typeof e === 'object' &&
            e !== null &&
            isIsoDate(String((e as { on?: unknown }).on)) &&
            scalarFits(info.type, (e as { value?: unknown }).value),
        );
    } else if (info.list) {
      expected = 'list';
      fits = Array.isArray(value) && value.every((e) => typeof e === 'string');
    } else fits = scalarFits(info.type, value);
    if (!fits)
      problems.push({
        path: at,
        code: 'FIELD_TYPE',
        params: { type: TYPE_NAMES[expected] ?? { zh: '文本', en: 'text' } },
      });
  }
  return problems;
}

const TEXT: LocalizedText = { zh: '文本', en: 'text' };

/** A hypothetical person's values: `id` and `name` must be text, the rest as plainValueProblems. */
export function personValueProblems(
  person: Record<string, unknown>,
  fields: ReadonlyMap<string, FieldInfo>,
  path: string,
): FieldProblem[] {
  const { id, name, ...values } = person;
  const problems: FieldProblem[] = [];
  if (id !== undefined && typeof id !== 'string')
    problems.push({ path: `${path}.id`, code: 'FIELD_TYPE', params: { type: TEXT } });
  if (name !== undefined && typeof name !== 'string')
    problems.push({ path: `${path}.name`, code: 'FIELD_TYPE', params: { type: TEXT } });
  return [...problems, ...plainValueProblems(values, fields, path)];
}
