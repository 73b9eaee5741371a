import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parse as parseCel, plan, type CelResult } from '@bufbuild/cel';
import type { Label, VariableCatalogue, VariableType } from '../registry/variables/variableCatalogue.ts';
import { portraitEnv } from './celEnvironment.ts';
import { probeBindings } from './portraitBindings.ts';
import { referencedFields } from './referencedFields.ts';
import { isLabel } from '../core/label.ts';
import { compileCel, UnsupportedCel, type Compiled, type CompileScope } from '../rules/compile/compileCel.ts';
import { staticType } from '../rules/policies/buildPolicy.ts';

/**
 * The portrait as data (`catalogue/portrait.yaml`): derived variables of persons and
 * households and the tags (X2), each a CEL expression over the variable catalogue. Loading
 * checks every expression before anything is evaluated, so a typo is a start-up error naming
 * the file, the entry and the fix, never a silently empty tag.
 */
export type PortraitEntity = 'person' | 'household';

export type Evaluate = (bindings: Record<string, unknown>) => CelResult;

export interface DerivedVariable {
  name: string;
  entity: PortraitEntity;
  type: VariableType;
  unit?: string;
  label: Label;
  description?: string;
  expr: string;
  evaluate: Evaluate;
  /** The same expression compiled (src/rules/compile), what computePortrait runs; null if it cannot be. */
  run: Compiled | null;
  /** Catalogue variables and registry fields it reads, directly or through other derived variables. */
  inputs: string[];
}

export interface TagDefinition {
  code: string;
  entity: PortraitEntity;
  category: string;
  label: Label;
  description?: string;
  expr: string;
  evaluate: Evaluate;
  run: Compiled | null;
  inputs: string[];
}

export interface PortraitDefinitions {
  person: DerivedVariable[];
  household: DerivedVariable[];
  tags: TagDefinition[];
  categories: Record<string, Label>;
  /** Changes whenever the file's meaning may have changed: stored portraits are recomputed. */
  version: string;
  /** Every expression compiled: computePortrait runs the compiled closures, else @bufbuild/cel. */
  compiled: boolean;
}

export const defaultPortraitFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../catalogue/portrait.yaml',
);

/** A person's own fields that are not catalogue variables (see portraitBindings.ts). */
export const registryFields: Record<string, VariableType> = {
  sex: 'code',
  birth_date: 'date',
  death_date: 'date',
  hukou_area_code: 'string',
  residence_area_code: 'string',
  relationship: 'code',
};

/**
 * A household's own fields that are not catalogue variables: `assistance_types`, the list of
 * open civil-affairs cases its members are counted in ('dibao', 'nearDibao', 'tekun'; empty when
 * none — the roster is the complete record of cases).
 */
export const householdFields: Record<string, VariableType> = { assistance_types: 'code' };

/** How the registry fields (and the household's own) are named to users. */
export const registryLabels: Record<string, Label> = {
  sex: { zh: '性别', en: 'Sex' },
  birth_date: { zh: '出生日期', en: 'Date of birth' },
  death_date: { zh: '死亡日期', en: 'Date of death' },
  hukou_area_code: { zh: '户籍地', en: 'Hukou area' },
  residence_area_code: { zh: '居住地', en: 'Residence area' },
  relationship: { zh: '与户主关系', en: 'Relationship to head' },
  members: { zh: '家庭成员', en: 'Household members' },
  assistance_types: { zh: '救助对象名册中的救助类别', en: 'Cases in the assistance roster' },
};

const SNAKE_CASE = /^[a-z][a-z0-9_]*$/;
const derivedKeys = new Set(['name', 'type', 'unit', 'label', 'description', 'expr']);
const tagKeys = new Set(['code', 'entity', 'category', 'label', 'description', 'expr']);
const derivedTypes = new Set<VariableType>([
  'number',
  'integer',
  'boolean',
  'money',
  'date',
  'string',
  'code',
]);

/** What a name means inside an expression: the maps of a person, of a household, or neither. */
interface Scope {
  person: Map<string, VariableType>;
  household: Map<string, VariableType>;
  /** Inputs behind each known name, for the trace. */
  inputsOf: Map<string, string[]>;
}

function compile(
  where: string,
  expr: unknown,
): { expr: string; evaluate: Evaluate; parsed: ReturnType<typeof parseCel> } {
  if (typeof expr !== 'string' || expr.trim() === '') throw new Error(`${where}: 缺少 expr（CEL 表达式）`);
  let parsed: ReturnType<typeof parseCel>;
  try {
    parsed = parseCel(expr);
  } catch (error) {
    throw new Error(`${where}: 表达式无法解析（${(error as Error).message}），请检查括号、引号和运算符`, {
      cause: error,
    });
  }
  return { expr, parsed, evaluate: plan(portraitEnv, parsed) as Evaluate };
}

/**
 * Checks which names an expression reads against what exists at its place in the file and
 * returns the catalogue variables and registry fields behind them.
 */
function checkReferences(
  where: string,
  parsed: ReturnType<typeof parseCel>,
  context: 'person' | 'personTag' | 'household',
  scope: Scope,
): string[] {
  const names =
    context === 'household'
      ? ['members', 'departed', 'h', 'as_of']
      : context === 'personTag'
        ? ['p', 'h', 'as_of']
        : ['p', 'as_of'];
  const inputs = new Set<string>();
  for (const ref of referencedFields(parsed.expr)) {
    if (ref.on === 'name' || !names.includes(ref.on === 'member' ? 'members' : ref.on)) {
      const name = ref.on === 'name' ? ref.field : ref.on === 'member' ? 'members' : ref.on;
      if (names.includes(name)) {
        // members / departed: the household's membership is itself an input.
        if (name === 'members' || name === 'departed') inputs.add('members');
        continue;
      }
      throw new Error(`${where}: 不认识的名称 ${name}；此处可用 ${names.join('、')}`);
    }
    const known = ref.on === 'h' ? scope.household : scope.person;
    if (!known.has(ref.field)) {
      throw new Error(
        `${where}: ${ref.on === 'h' ? '家庭' : '个人'}没有变量 ${ref.field}；请在 catalogue/variables.yaml 中声明，或在本文件中先于此处定义`,
      );
    }
    for (const input of scope.inputsOf.get(ref.field) ?? [ref.field]) inputs.add(input);
  }
  return [...inputs].sort();
}

/**
 * Evaluates once with every variable present, so a type error (`1 + 1.0`, a string compared
 * with a number) surfaces when the file loads rather than as "unknown" on real data.
 */
function probe(
  where: string,
  evaluate: Evaluate,
  bindings: Record<string, unknown>,
  expected: VariableType,
): void {
  const result = evaluate(bindings);
  if (result instanceof Error) {
    throw new Error(
      `${where}: 表达式在数据齐全时仍出错（${result.message}）；金额、数值请写成 12.0 这样的小数，人数、年龄是整数`,
    );
  }
  const ok =
    expected === 'boolean'
      ? typeof result === 'boolean'
      : expected === 'integer'
        ? typeof result === 'bigint'
        : expected === 'money' || expected === 'number'
          ? typeof result === 'number'
          : typeof result === 'string';
  if (!ok) throw new Error(`${where}: 结果类型应为 ${expected}，实际得到 ${typeof result}`);
}

/** Validates the parsed YAML against the catalogue; throws an Error naming the entry and the fix. */
export function buildPortraitDefinitions(
  document: unknown,
  catalogue: VariableCatalogue,
  source = 'portrait.yaml',
): PortraitDefinitions {
  const doc = (document ?? {}) as Record<string, unknown>;
  for (const key of ['person', 'household', 'tags']) {
    if (!Array.isArray(doc[key])) throw new Error(`${source}: 缺少 ${key} 列表`);
  }
  const categories = (doc.categories ?? {}) as Record<string, unknown>;
  for (const [code, label] of Object.entries(categories)) {
    if (!isLabel(label))
      throw new Error(`${source}: categories.${code} 需要 zh 和 en（只含这两项；含逗号的文字请加引号）`);
  }
  const scope: Scope = { person: new Map(), household: new Map(), inputsOf: new Map() };
  for (const [name, type] of Object.entries(registryFields)) scope.person.set(name, type);
  for (const [name, type] of Object.entries(householdFields)) scope.household.set(name, type);
  for (const variable of catalogue.list()) {
    (variable.entity === 'person' ? scope.person : scope.household).set(variable.name, variable.type);
  }
  const probeFor = () => probeBindings(catalogue, scope.person, scope.household);
  // The compiled engine's view of the same names: event variables are lists of occurrences.
  const compileScope: CompileScope = {
    fieldType: (on, field) =>
      staticType(
        (on === 'person' ? scope.person : scope.household).get(field),
        catalogue.get(field)?.temporal === 'event' || field === 'assistance_types',
      ),
    parameterType: () => 'dyn',
  };
  let compiledAll = true;
  const compileRun = (parsed: ReturnType<typeof parseCel>): Compiled | null => {
    try {
      return compileCel(parsed.expr, compileScope).run;
    } catch (error) {
      if (!(error instanceof UnsupportedCel)) throw error;
      compiledAll = false;
      return null;
    }
  };

  const derived = { person: [] as DerivedVariable[], household: [] as DerivedVariable[] };
  for (const entity of ['person', 'household'] as const) {
    (doc[entity] as unknown[]).forEach((raw, i) => {
      const d = (raw ?? {}) as Record<string, unknown>;
      const where = `${source}: ${entity}[${i}]${typeof d.name === 'string' ? ` (${d.name})` : ''}`;
      const unknownKeys = Object.keys(d).filter((k) => !derivedKeys.has(k));
      if (unknownKeys.length > 0) throw new Error(`${where}: 不认识的字段 ${unknownKeys.join('、')}`);
      if (typeof d.name !== 'string' || !SNAKE_CASE.test(d.name)) {
        throw new Error(`${where}: name 应为小写字母、数字和下划线`);
      }
      const own = entity === 'person' ? scope.person : scope.household;
      if (own.has(d.name)) {
        throw new Error(`${where}: ${d.name} 已经定义过（变量目录、人员登记字段或本文件前文），请换一个名称`);
      }
      if (typeof d.type !== 'string' || !derivedTypes.has(d.type as VariableType)) {
        throw new Error(`${where}: type 应为 ${[...derivedTypes].join('、')} 之一`);
      }
      if (!isLabel(d.label))
        throw new Error(`${where}: label 需要 zh 和 en（只含这两项；含逗号的文字请加引号）`);
      const compiled = compile(where, d.expr);
      const inputs = checkReferences(where, compiled.parsed, entity, scope);
      probe(where, compiled.evaluate, probeFor(), d.type as VariableType);
      own.set(d.name, d.type as VariableType);
      scope.inputsOf.set(d.name, inputs);
      derived[entity].push({
        name: d.name,
        entity,
        type: d.type as VariableType,
        ...(typeof d.unit === 'string' ? { unit: d.unit } : {}),
        label: d.label,
        ...(typeof d.description === 'string' ? { description: d.description } : {}),
        expr: compiled.expr,
        evaluate: compiled.evaluate,
        run: compileRun(compiled.parsed),
        inputs,
      });
    });
  }

  const codes = new Set<string>();
  const tags = (doc.tags as unknown[]).map((raw, i): TagDefinition => {
    const t = (raw ?? {}) as Record<string, unknown>;
    const where = `${source}: tags[${i}]${typeof t.code === 'string' ? ` (${t.code})` : ''}`;
    const unknownKeys = Object.keys(t).filter((k) => !tagKeys.has(k));
    if (unknownKeys.length > 0) throw new Error(`${where}: 不认识的字段 ${unknownKeys.join('、')}`);
    if (typeof t.code !== 'string' || !SNAKE_CASE.test(t.code))
      throw new Error(`${where}: code 应为小写字母、数字和下划线`);
    if (codes.has(t.code)) throw new Error(`${where}: 标签 ${t.code} 重复定义`);
    codes.add(t.code);
    if (t.entity !== 'person' && t.entity !== 'household')
      throw new Error(`${where}: entity 应为 person 或 household`);
    if (typeof t.category !== 'string' || !(t.category in categories)) {
      throw new Error(`${where}: category 应为 categories 中的一项（${Object.keys(categories).join('、')}）`);
    }
    if (!isLabel(t.label))
      throw new Error(`${where}: label 需要 zh 和 en（只含这两项；含逗号的文字请加引号）`);
    const compiled = compile(where, t.expr);
    const inputs = checkReferences(
      where,
      compiled.parsed,
      t.entity === 'person' ? 'personTag' : 'household',
      scope,
    );
    probe(where, compiled.evaluate, probeFor(), 'boolean');
    return {
      code: t.code,
      entity: t.entity,
      category: t.category,
      label: t.label,
      ...(typeof t.description === 'string' ? { description: t.description } : {}),
      expr: compiled.expr,
      evaluate: compiled.evaluate,
      run: compileRun(compiled.parsed),
      inputs,
    };
  });

  const version = JSON.stringify([doc.person, doc.household, doc.tags]);
  return {
    person: derived.person,
    household: derived.household,
    tags,
    categories: categories as Record<string, Label>,
    version: createHash('sha256').update(version).digest('hex').slice(0, 16),
    compiled: compiledAll,
  };
}

/** Loads and checks the portrait file (the shipped one by default). */
export function loadPortraitDefinitions(
  catalogue: VariableCatalogue,
  file: string = defaultPortraitFile,
): PortraitDefinitions {
  return buildPortraitDefinitions(parseYaml(fs.readFileSync(file, 'utf8')), catalogue, path.basename(file));
}
