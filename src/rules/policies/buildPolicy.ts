import { parse as parseCel, plan } from '@bufbuild/cel';
import { isIsoDate } from '../../core/isoDate.ts';
import { areaCodeProblem } from '../../areas/areaCode.ts';
import { probeBindings } from '../../portrait/portraitBindings.ts';
import type { VariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { NATIONAL, type ParameterSet } from '../parameters/parameterSet.ts';
import { ruleEnv } from '../ruleEnvironment.ts';
import { compileCel, UnsupportedCel, type CompileScope, type StaticType } from '../compile/compileCel.ts';
import { boundNames, referencedFields, referencedParameters } from '../ruleReferences.ts';
import { typesOf, type RuleVocabulary } from '../ruleVocabulary.ts';
import { suggest } from '../suggestName.ts';
import type { YamlSource } from '../yamlSource.ts';
import {
  hardshipCauses,
  policyCategories,
  type HardshipCause,
  type RuleKind,
  type AmountPeriod,
  type Comparison,
  type CompiledExpr,
  type Criterion,
  type Label,
  type MessageTemplate,
  type PolicyAmount,
  type PolicyCase,
  type PolicyCategory,
  type PolicyDefinition,
  type PolicyException,
} from './policyDefinition.ts';

export interface PolicyBuildContext {
  vocabulary: RuleVocabulary;
  catalogue: VariableCatalogue;
  parameters: ParameterSet;
  /** Regions the pool serves: each referenced parameter must have a value in each on `checkDate`. */
  regions: string[];
  checkDate: string;
  /** Cases each policy must carry (3 in the pool; tests of the loader may ask fewer). */
  minCases: number;
  /** Policies of the welfare pool (default), early warnings (`warnings/`) or discovery models (`models/`). */
  kind?: RuleKind;
}

type At = (string | number)[];
const ID = /^[a-z][a-z0-9_]*$/;
const POLICY_KEYS = [
  'id',
  'name',
  'department',
  'category',
  'entity',
  'persons',
  'legal_ref',
  'summary',
  'regions',
  'criteria',
  'exceptions',
  'amount',
  'enrolment',
  'phase_out',
  'cases',
];
// A warning (and a discovery model, a named list) is a condition with a cause: no category,
// amount, enrolment, phase-out or exceptions.
const WARNING_KEYS = [
  'id',
  'name',
  'department',
  'cause',
  'entity',
  'persons',
  'legal_ref',
  'summary',
  'regions',
  'criteria',
  'cases',
];
const RESERVED = new Set(['p', 'h', 'members', 'param', 'as_of', 'region']);
const RELATIONS: Record<string, Comparison['operator']> = {
  '_<_': '<',
  '_<=_': '<=',
  '_>_': '>',
  '_>=_': '>=',
  '_==_': '==',
  '_!=_': '!=',
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A catalogue type as the compiler's static type (lists: event variables and code lists). */
export const staticType = (type: string | undefined, list = false): StaticType =>
  list
    ? 'list'
    : type === 'integer'
      ? 'int'
      : type === 'money' || type === 'number'
        ? 'double'
        : type === 'boolean'
          ? 'bool'
          : type === undefined
            ? 'dyn'
            : 'string';

/** The static types the compilers use (int or double division, comprehension accumulators). */
export function ruleCompileScope(vocabulary: RuleVocabulary, parameters: ParameterSet): CompileScope {
  return {
    fieldType: (on, field) => {
      const info = (on === 'person' ? vocabulary.person : vocabulary.household).get(field);
      return staticType(info?.type, info?.event === true || info?.list === true);
    },
    parameterType: (name) => staticType(parameters.get(name)?.type),
  };
}

/**
 * Builds one policy from its file and checks it against the vocabulary and the parameters:
 * structure, CEL syntax, unknown names, types (by evaluating every expression on a household
 * where every input is present), parameters without a value on the check date in a region the
 * pool serves, constant or duplicated criteria and exceptions, and equal-priority exceptions
 * with different outcomes. Throws an Error naming file:line, what is wrong and the fix.
 */
export function buildPolicy(source: YamlSource, context: PolicyBuildContext): PolicyDefinition {
  const { file, data } = source;
  const fail = (at: At, message: string): never => {
    throw new Error(`${file}:${String(source.lineOf(at))}: ${message}`);
  };
  if (!isRecord(data)) return fail([], '政策文件应为映射（id、name、criteria……）');
  // Warnings and discovery models share one format (a condition with a cause).
  const warning = context.kind === 'warning' || context.kind === 'model';
  const keys = warning ? WARNING_KEYS : POLICY_KEYS;
  for (const key of Object.keys(data))
    if (!keys.includes(key)) fail([key], `未知字段“${key}”${suggest(key, keys)}可用字段：${keys.join('、')}`);

  const label = (at: At, value: unknown, what: string): Label => {
    if (!isRecord(value) || typeof value.zh !== 'string' || !value.zh.trim())
      return fail(at, `${what}缺少中文 zh`);
    if (typeof value.en !== 'string' || !value.en.trim()) return fail(at, `${what}缺少英文 en`);
    const stray = Object.keys(value).find((k) => k !== 'zh' && k !== 'en');
    if (stray !== undefined)
      fail(at, `${what}有多余的键“${stray}”：文字中的逗号会截断 { zh: …, en: … }，请给含逗号的文字加引号`);
    return { zh: value.zh, en: value.en };
  };
  const text = (at: At, value: unknown, what: string): string =>
    typeof value === 'string' && value.trim() !== '' ? value : fail(at, `缺少${what}`);

  const id = text(['id'], data.id, ' id');
  if (!ID.test(id)) fail(['id'], `id“${id}”应为小写英文、数字和下划线，以字母开头`);
  const expectedFile = `${id}.yaml`;
  if (file.split('/').pop() !== expectedFile) fail(['id'], `id 为 ${id} 的政策应保存在 ${expectedFile}`);
  const name = label(['name'], data.name, '政策名称 name ');
  const department = text(['department'], data.department, '主管部门 department');
  if (!context.catalogue.department(department))
    fail(
      ['department'],
      `未知部门“${department}”；可用：${context.catalogue.departments.map((d) => d.code).join('、')}`,
    );
  const category = (warning ? context.kind : data.category) as PolicyCategory | 'warning' | 'model';
  if (!warning && !(category in policyCategories))
    fail(['category'], `category 应为 ${Object.keys(policyCategories).join('、')} 之一`);
  let cause: HardshipCause | null = null;
  if (warning) {
    if (typeof data.cause !== 'string' || !(data.cause in hardshipCauses))
      fail(
        ['cause'],
        `${context.kind === 'model' ? '发现模型' : '预警'}的致困原因 cause 应为 ${Object.keys(hardshipCauses).join('、')} 之一`,
      );
    cause = data.cause as HardshipCause;
  }
  const entity = data.entity;
  if (entity !== 'household' && entity !== 'person')
    return fail(['entity'], 'entity 应为 household 或 person');
  // Person policies are for living members unless they say they are for the recently deceased (funeral aid).
  const persons = data.persons ?? 'living';
  if (persons !== 'living' && persons !== 'deceased')
    fail(['persons'], 'persons 应为 living（在世成员，默认）或 deceased（近期去世的成员，如丧葬类政策）');
  if (persons === 'deceased' && entity !== 'person')
    fail(['persons'], 'persons: deceased 只适用于 entity: person 的政策');
  const legalRef = text(['legal_ref'], data.legal_ref, '法律依据 legal_ref（法规名称与条款）');
  const summary = data.summary === undefined ? null : label(['summary'], data.summary, '简介 summary ');
  const regions = data.regions === undefined ? [NATIONAL] : data.regions;
  if (!Array.isArray(regions) || regions.length === 0) return fail(['regions'], 'regions 应为地区代码列表');
  const regionList = regions.map((r: unknown, i) => {
    const code = String(r);
    if (code !== NATIONAL && areaCodeProblem(code) !== undefined)
      fail(['regions', i], `“${code}”不是 CN 或区划代码前缀：${areaCodeProblem(code) ?? ''}`);
    return code;
  });

  // Names an expression may use, and the probe household with every input present.
  const freeNames = new Set([
    'h',
    'members',
    'param',
    'as_of',
    'region',
    ...(entity === 'person' ? ['p'] : []),
  ]);
  const probe = probeBindings(
    context.catalogue,
    typesOf(context.vocabulary.person),
    typesOf(context.vocabulary.household),
  );
  const probeParams = probeParameterTree(context.parameters);
  const bindings = { ...probe, param: probeParams, region: '371082001001' };
  const compileScope = ruleCompileScope(context.vocabulary, context.parameters);
  const fast = (at: At, expr: Parameters<typeof compileCel>[0], what: string) => {
    try {
      return compileCel(expr, compileScope).run;
    } catch (error) {
      if (error instanceof UnsupportedCel)
        return fail(
          at,
          `${what}用到了规则引擎尚不支持的 CEL（${error.message}）：请改用 docs/policies.md 列出的写法`,
        );
      throw error;
    }
  };

  const compile = (at: At, value: unknown, what: string): CompiledExpr => {
    const expr = text(at, value, `${what}（CEL 表达式）`);
    let parsed: ReturnType<typeof parseCel>;
    try {
      parsed = parseCel(expr);
    } catch (error) {
      return fail(at, `${what}不是合法的 CEL：${(error as Error).message.split('\n')[0] ?? ''}`);
    }
    for (const bound of boundNames(parsed.expr))
      if (RESERVED.has(bound))
        fail(at, `${what}的循环变量不能叫“${bound}”（与内置名称重名），请改用 m、x 等`);
    const fields = referencedFields(parsed.expr);
    for (const ref of fields) {
      if (ref.on === 'name') {
        if (!freeNames.has(ref.field))
          fail(
            at,
            `${what}引用了未知名称“${ref.field}”${suggest(ref.field, freeNames)}可用：${[...freeNames].join('、')}`,
          );
        continue;
      }
      const scope = ref.on === 'h' ? context.vocabulary.household : context.vocabulary.person;
      if (!scope.has(ref.field)) {
        const owner = ref.on === 'h' ? '家庭' : '人员';
        fail(
          at,
          `${what}引用了未知的${owner}变量“${ref.on === 'member' ? 'm' : ref.on}.${ref.field}”${suggest(ref.field, scope.keys())}请使用变量目录或画像中的名称`,
        );
      }
    }
    const parameters = referencedParameters(parsed.expr);
    for (const parameter of parameters) {
      const definition = context.parameters.get(parameter);
      if (!definition)
        return fail(
          at,
          `${what}引用了未定义的参数“param.${parameter}”${suggest(
            parameter,
            context.parameters.list().map((p) => p.name),
          )}请在 parameters/ 中定义它`,
        );
      for (const region of regionList.length === 1 && regionList[0] === NATIONAL
        ? context.regions
        : regionList.filter((r) =>
            context.regions.some((served) => served.startsWith(r) || r.startsWith(served)),
          )) {
        if (!context.parameters.valueAt(parameter, region, context.checkDate))
          fail(
            at,
            `参数 ${parameter} 在地区 ${region} 于 ${context.checkDate} 没有取值：请在 ${definition.file} 中为该地区（或其上级）补充取值，或用 regions 限定政策适用地区`,
          );
      }
    }
    const evaluate = plan(ruleEnv, parsed.expr) as CompiledExpr['evaluate'];
    const run = fast(at, parsed.expr, what);
    const compiled = {
      source: expr,
      tree: parsed.expr,
      evaluate,
      run,
      fields,
      parameters,
      line: source.lineOf(at),
    };
    return compiled;
  };

  /** Evaluates on the probe household; the result must be of the kind asked. */
  const probeType = (at: At, compiled: CompiledExpr, kind: 'boolean' | 'number' | 'any', what: string) => {
    const result = compiled.evaluate(bindings);
    if (result instanceof Error)
      fail(
        at,
        `${what}类型错误：${result.message.split('\n')[0] ?? ''}（整数写 1，金额写 1.0；日期为 'YYYY-MM-DD' 字符串）`,
      );
    if (kind === 'boolean' && typeof result !== 'boolean')
      fail(at, `${what}应得出 true 或 false，实际得出 ${typeof result}`);
    if (kind === 'number' && typeof result !== 'number' && typeof result !== 'bigint')
      fail(at, `${what}应得出金额（数字），实际得出 ${typeof result}`);
  };

  const template = (at: At, value: unknown, what: string): MessageTemplate => {
    if (!isRecord(value) || typeof value.zh !== 'string' || !value.zh.trim())
      return fail(at, `${what}缺少中文 zh`);
    const one = (key: 'zh' | 'en', raw: string) => {
      const parts: CompiledExpr[] = [];
      const textOut = raw.replace(/\{([^{}]+)\}/g, (_, expr: string) => {
        const compiled = compile([...at, key], expr, `${what}中的 {${expr}} `);
        probeType([...at, key], compiled, 'any', `${what}中的 {${expr}} `);
        parts.push(compiled);
        return `{${String(parts.length - 1)}}`;
      });
      return { text: textOut, parts };
    };
    return {
      zh: one('zh', value.zh),
      en: typeof value.en === 'string' && value.en.trim() ? one('en', value.en) : null,
    };
  };

  if (!Array.isArray(data.criteria) || data.criteria.length === 0)
    return fail(['criteria'], '至少需要一条认定条件 criteria');
  const criteria: Criterion[] = [];
  const criterionNames = new Set<string>();
  const tests = new Map<string, string>();
  (data.criteria as unknown[]).forEach((raw, i) => {
    const at = ['criteria', i];
    if (!isRecord(raw)) return fail(at, '每条条件应为映射：name、label、test、fail');
    for (const key of Object.keys(raw))
      if (!['name', 'label', 'test', 'fail'].includes(key))
        fail([...at, key], `条件有未知字段“${key}”；可用：name、label、test、fail`);
    const criterionName = text([...at, 'name'], raw.name, '条件名 name');
    if (!ID.test(criterionName)) fail([...at, 'name'], `条件名“${criterionName}”应为小写英文、数字和下划线`);
    if (criterionNames.has(criterionName)) fail([...at, 'name'], `条件名“${criterionName}”重复`);
    criterionNames.add(criterionName);
    const test = compile([...at, 'test'], raw.test, `条件 ${criterionName} 的 test `);
    probeType([...at, 'test'], test, 'boolean', `条件 ${criterionName} 的 test `);
    if (test.fields.every((f) => f.on === 'name' && f.field === 'as_of') && test.parameters.length === 0)
      fail(
        [...at, 'test'],
        `条件 ${criterionName} 不读取任何家庭、人员变量或参数，结果恒定（不可达或多余）：请删除或改写`,
      );
    const compact = test.source.replace(/\s+/g, '');
    const twin = tests.get(compact);
    if (twin) fail([...at, 'test'], `条件 ${criterionName} 与条件 ${twin} 的 test 相同，其中一条多余`);
    tests.set(compact, criterionName);
    let comparison: Comparison | null = null;
    const root = test.tree.exprKind;
    if (root.case === 'callExpr' && RELATIONS[root.value.function] && root.value.args.length === 2) {
      const [left, right] = root.value.args;
      const side = (expr: typeof left): CompiledExpr | null =>
        expr
          ? {
              source: '',
              tree: expr,
              evaluate: plan(ruleEnv, expr) as CompiledExpr['evaluate'],
              run: fast([...at, 'test'], expr, `条件 ${criterionName} 的 test `),
              fields: referencedFields(expr),
              parameters: referencedParameters(expr),
              line: test.line,
            }
          : null;
      const l = side(left);
      const r = side(right);
      const bare = (expr: typeof left) => {
        const k = expr?.exprKind;
        if (k?.case !== 'selectExpr' || k.value.testOnly || k.value.operand?.exprKind.case !== 'identExpr')
          return null;
        const on = k.value.operand.exprKind.value.name;
        const field = k.value.field;
        return on === 'h' ? { on: 'h' as const, field } : on === 'p' ? { on: 'p' as const, field } : null;
      };
      const leftInput = bare(left);
      const rightInput = bare(right);
      const input = leftInput
        ? { side: 'left' as const, ...leftInput }
        : rightInput
          ? { side: 'right' as const, ...rightInput }
          : null;
      if (l && r) comparison = { operator: RELATIONS[root.value.function] ?? '==', left: l, right: r, input };
    }
    criteria.push({
      name: criterionName,
      label: label([...at, 'label'], raw.label, `条件 ${criterionName} 的 label `),
      test,
      fail: template([...at, 'fail'], raw.fail, `条件 ${criterionName} 的 fail `),
      comparison,
    });
  });

  const exceptions: PolicyException[] = [];
  if (data.exceptions !== undefined) {
    if (!Array.isArray(data.exceptions)) return fail(['exceptions'], 'exceptions 应为列表');
    (data.exceptions as unknown[]).forEach((raw, i) => {
      const at = ['exceptions', i];
      if (!isRecord(raw)) return fail(at, '每条例外应为映射：name、label、priority、when、outcome');
      for (const key of Object.keys(raw))
        if (!['name', 'label', 'priority', 'when', 'outcome'].includes(key))
          fail([...at, key], `例外有未知字段“${key}”；可用：name、label、priority、when、outcome`);
      const exceptionName = text([...at, 'name'], raw.name, '例外名 name');
      if (criterionNames.has(exceptionName)) fail([...at, 'name'], `名称“${exceptionName}”已被使用`);
      criterionNames.add(exceptionName);
      if (typeof raw.priority !== 'number' || !Number.isInteger(raw.priority) || raw.priority < 1)
        fail([...at, 'priority'], 'priority 应为正整数（数大者优先）');
      if (raw.outcome !== 'eligible' && raw.outcome !== 'ineligible')
        fail([...at, 'outcome'], 'outcome 应为 eligible（视为符合）或 ineligible（视为不符合）');
      const when = compile([...at, 'when'], raw.when, `例外 ${exceptionName} 的 when `);
      probeType([...at, 'when'], when, 'boolean', `例外 ${exceptionName} 的 when `);
      if (when.fields.length === 0 && when.parameters.length === 0)
        fail([...at, 'when'], `例外 ${exceptionName} 的 when 不读取任何变量，结果恒定：请删除或改写`);
      const exception: PolicyException = {
        name: exceptionName,
        label: label([...at, 'label'], raw.label, `例外 ${exceptionName} 的 label `),
        priority: raw.priority as number,
        when,
        outcome: raw.outcome as PolicyException['outcome'],
      };
      const rival = exceptions.find(
        (e) => e.priority === exception.priority && e.outcome !== exception.outcome,
      );
      if (rival)
        fail(
          [...at, 'priority'],
          `例外 ${exceptionName} 与 ${rival.name} 优先级同为 ${String(exception.priority)} 而结论相反，二者同时成立时无法裁决：请给其中一条更高的优先级`,
        );
      exceptions.push(exception);
    });
  }

  let amount: PolicyAmount | null = null;
  if (data.amount !== undefined) {
    const raw = data.amount;
    if (!isRecord(raw)) return fail(['amount'], 'amount 应为映射：period、formula、explain');
    const period = raw.period as AmountPeriod;
    if (!['monthly', 'yearly', 'once'].includes(period))
      fail(['amount', 'period'], 'period 应为 monthly（按月）、yearly（按年）或 once（一次性）');
    const formula = compile(['amount', 'formula'], raw.formula, '金额公式 formula ');
    probeType(['amount', 'formula'], formula, 'number', '金额公式 formula ');
    amount = { period, formula, explain: label(['amount', 'explain'], raw.explain, '金额说明 explain ') };
  }
  let enrolment: CompiledExpr | null = null;
  if (data.enrolment !== undefined) {
    enrolment = compile(['enrolment'], data.enrolment, '已享受判断 enrolment ');
    probeType(['enrolment'], enrolment, 'boolean', '已享受判断 enrolment ');
  }

  let phaseOut: string | null = null;
  if (data.phase_out !== undefined) {
    if (typeof data.phase_out !== 'string' || !ID.test(data.phase_out))
      fail(
        ['phase_out'],
        'phase_out 应为另一条政策的 id（如 dibao_phase_out）：符合它时，已享受本政策但不再符合的家庭仍在渐退期内，不列入复核',
      );
    else if (!enrolment)
      fail(['phase_out'], 'phase_out 需要 enrolment（已享受判断）：渐退只对已享受的家庭有意义');
    else phaseOut = data.phase_out;
  }

  const cases = buildCases(source, data.cases, entity, persons === 'deceased', fail);
  if (cases.length < context.minCases)
    fail(
      ['cases'],
      `至少需要 ${String(context.minCases)} 个测试用例（输入 → 结论与金额），现有 ${String(cases.length)} 个`,
    );

  return {
    id,
    name,
    department,
    category,
    entity,
    persons: persons === 'deceased' ? 'deceased' : 'living',
    cause,
    legalRef,
    summary,
    regions: regionList,
    criteria,
    exceptions,
    amount,
    enrolment,
    phaseOut,
    cases,
    file,
    line: 1,
  };
}

/** A parameter tree with each parameter's first value, for the type probe. */
function probeParameterTree(parameters: ParameterSet): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const definition of parameters.list()) {
    const first = [...definition.values.values()][0]?.[0];
    if (!first) continue;
    let node = tree;
    const parts = definition.name.split('.');
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    const value = definition.type === 'integer' ? BigInt(first.value) : first.value;
    node[parts[parts.length - 1] ?? ''] = value;
  }
  return tree;
}

function buildCases(
  source: YamlSource,
  raw: unknown,
  entity: string,
  deceased: boolean,
  fail: (at: At, message: string) => never,
): PolicyCase[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return fail(['cases'], 'cases 应为列表');
  const keys = ['name', 'region', 'date', 'h', 'members', 'p', 'expect', 'amount'];
  return raw.map((c: unknown, i): PolicyCase => {
    const at = ['cases', i];
    if (!isRecord(c)) return fail(at, '每个用例应为映射：name、region、date、h、members、expect');
    for (const key of Object.keys(c))
      if (!keys.includes(key)) fail([...at, key], `用例有未知字段“${key}”；可用：${keys.join('、')}`);
    const date =
      c.date instanceof Date ? c.date.toISOString().slice(0, 10) : typeof c.date === 'string' ? c.date : '';
    if (!isIsoDate(date)) fail([...at, 'date'], '用例的 date 应为 YYYY-MM-DD');
    const region = typeof c.region === 'string' || typeof c.region === 'number' ? String(c.region) : '';
    if (areaCodeProblem(region) !== undefined)
      fail([...at, 'region'], `用例的 region 应为区划代码：${areaCodeProblem(region) ?? ''}`);
    if (c.expect !== 'eligible' && c.expect !== 'ineligible' && c.expect !== 'unknown')
      fail([...at, 'expect'], 'expect 应为 eligible、ineligible 或 unknown');
    if (c.amount !== undefined && typeof c.amount !== 'number')
      fail([...at, 'amount'], 'amount 应为数字（元）');
    if (c.h !== undefined && !isRecord(c.h)) fail([...at, 'h'], 'h 应为家庭变量的映射');
    if (c.members !== undefined && (!Array.isArray(c.members) || !c.members.every(isRecord)))
      fail([...at, 'members'], 'members 应为成员映射的列表');
    if (c.p !== undefined && !isRecord(c.p)) fail([...at, 'p'], 'p 应为人员变量的映射');
    if (entity === 'person' && c.p === undefined && !(Array.isArray(c.members) && c.members.length > 0))
      fail(at, '个人类政策的用例需要 p（被测人员）或至少一名成员');
    if (deceased && c.p === undefined)
      fail(at, 'persons: deceased 的政策，用例需要 p（去世的成员，含 death_date）');
    return {
      name: typeof c.name === 'string' && c.name ? c.name : `用例 ${String(i + 1)}`,
      line: source.lineOf(at),
      region,
      date,
      h: c.h ?? {},
      members: c.members ?? [],
      p: c.p ?? null,
      expect: c.expect,
      amount: typeof c.amount === 'number' ? c.amount : null,
    };
  });
}
