import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { areaCodeProblem, areaCodePrefix, areaLevelOf, normalizeAreaCode } from '../../areas/areaCode.ts';
import { isIsoDate, type IsoDate } from '../../core/isoDate.ts';
import { parseYamlSource, type YamlSource } from '../yamlSource.ts';
import { isLabel } from '../../core/label.ts';

export const defaultParametersDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../parameters',
);

/** The region code of the whole country in parameter files: the last link of every chain. */
export const NATIONAL = 'CN';

export type ParameterType = 'number' | 'integer' | 'boolean' | 'string';
export type ParameterScalar = number | boolean | string;

/** One dated value of a parameter in one region, with where it comes from. */
export interface ParameterValue {
  /** 'CN' or an area code prefix: 2 (province), 4 (city), 6 (county), 9 (township) or 12 (village) digits. */
  region: string;
  from: IsoDate;
  value: ParameterScalar;
  /** The document that sets it (文号 or page). */
  ref: string;
  /** When someone last checked it against the source. */
  checked: IsoDate;
  /** False while a value still needs official confirmation (shown as 待核实). */
  confirmed: boolean;
}

export interface ParameterDefinition {
  /** Dotted, e.g. `dibao.standard`; in CEL `param.dibao.standard`. */
  name: string;
  label: { zh: string; en: string };
  description: string | null;
  /** As shown to users, e.g. 元/人·月. */
  unit: string;
  type: ParameterType;
  /** Region → its values, by `from` ascending. */
  values: Map<string, ParameterValue[]>;
  file: string;
  line: number;
}

/**
 * The regions whose values apply to an area, most specific first: village ← township ← county
 * ← city ← province ← national (OpenFisca-style inheritance over the area tree).
 */
export function regionChain(areaCode: string): string[] {
  if (areaCode === NATIONAL) return [NATIONAL];
  const code = normalizeAreaCode(areaCode);
  const levels = ['village', 'township', 'county', 'city', 'province'] as const;
  const deepest = levels.indexOf(areaLevelOf(code));
  const chain = levels.slice(deepest).map((level) => areaCodePrefix(code, level));
  return [...new Set(chain), NATIONAL];
}

export class ParameterSet {
  readonly #byName: Map<string, ParameterDefinition>;
  readonly #trees = new Map<string, Record<string, unknown>>();
  /** Every region some parameter has a value for (values never change after construction). */
  readonly #regions = new Set<string>();

  constructor(definitions: ParameterDefinition[]) {
    this.#byName = new Map(definitions.map((d) => [d.name, d]));
    for (const d of definitions) for (const region of d.values.keys()) this.#regions.add(region);
  }

  get(name: string): ParameterDefinition | undefined {
    return this.#byName.get(name);
  }

  list(): ParameterDefinition[] {
    return [...this.#byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The value in force for an area on a date: the most specific region that has one by then. */
  valueAt(name: string, areaCode: string, date: IsoDate): ParameterValue | undefined {
    const definition = this.#byName.get(name);
    if (!definition) return undefined;
    for (const region of regionChain(areaCode)) {
      const values = definition.values.get(region);
      if (!values) continue;
      let found: ParameterValue | undefined;
      for (const v of values) if (v.from <= date) found = v;
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Every parameter in force for an area on a date as nested maps (`dibao.standard` →
   * { dibao: { standard: 1185 } }), what CEL sees as `param`. A parameter without a value there
   * is absent, so reading it is an error and the criterion is unknown. Cached per date and the
   * most specific region of the area's chain that has any value: every village of a county
   * without values of its own shares the county's tree (a screening run meets hundreds).
   */
  treeAt(areaCode: string, date: IsoDate): Record<string, unknown> {
    const chain = regionChain(areaCode);
    const key = `${chain.find((region) => this.#regions.has(region)) ?? NATIONAL}|${date}`;
    let tree = this.#trees.get(key);
    if (!tree) {
      tree = {};
      for (const definition of this.#byName.values()) {
        const value = this.valueAt(definition.name, areaCode, date);
        if (value) setPath(tree, definition.name.split('.'), value.value);
      }
      if (this.#trees.size > 10_000) this.#trees.clear();
      this.#trees.set(key, tree);
    }
    return tree;
  }

  /** The dates on which any value changes (for boundary cases on both sides of each). */
  effectiveDates(name: string): IsoDate[] {
    const definition = this.#byName.get(name);
    if (!definition) return [];
    return [...new Set([...definition.values.values()].flat().map((v) => v.from))].sort();
  }
}

function setPath(tree: Record<string, unknown>, parts: string[], value: ParameterScalar): void {
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    let next = node[part] as Record<string, unknown> | undefined;
    if (next === undefined) {
      next = {};
      node[part] = next;
    }
    node = next;
  }
  node[parts[parts.length - 1] ?? ''] = value;
}

const NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const TYPES = new Set<ParameterType>(['number', 'integer', 'boolean', 'string']);
const DEFINITION_KEYS = new Set(['label', 'description', 'unit', 'type', 'values']);
const VALUE_KEYS = new Set(['from', 'value', 'ref', 'checked', 'confirmed']);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** YAML reads an unquoted 2026-01-01 as a Date; parameter files may write either. */
function dateText(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return typeof value === 'string' && isIsoDate(value) ? value : undefined;
}

function typeMatches(type: ParameterType, value: unknown): value is ParameterScalar {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
  }
}

/** The definitions of one parameter file; throws an Error naming file:line and the fix. */
export function buildParameterDefinitions(source: YamlSource): ParameterDefinition[] {
  const { file, data } = source;
  const fail = (at: (string | number)[], message: string): never => {
    throw new Error(`${file}:${String(source.lineOf(at))}: ${message}`);
  };
  if (!isRecord(data)) return fail([], '参数文件应为“参数名: 定义”的映射');
  const out: ParameterDefinition[] = [];
  for (const [name, raw] of Object.entries(data)) {
    if (!NAME.test(name))
      fail([name], `参数名“${name}”应为以点分隔的小写英文段，如 dibao.standard（至少两段）`);
    if (!isRecord(raw)) return fail([name], `参数 ${name} 的定义应为映射（label、unit、type、values）`);
    for (const key of Object.keys(raw))
      if (!DEFINITION_KEYS.has(key))
        fail([name, key], `参数 ${name} 有未知字段“${key}”；可用字段：${[...DEFINITION_KEYS].join('、')}`);
    const label = raw.label;
    if (!isLabel(label))
      fail([name, 'label'], `参数 ${name} 的 label 应只含 zh 和 en（含逗号的文字请加引号）`);
    const type = raw.type as ParameterType;
    if (!TYPES.has(type))
      fail([name, 'type'], `参数 ${name} 的 type 应为 number、integer、boolean 或 string`);
    if (typeof raw.unit !== 'string')
      fail([name, 'unit'], `参数 ${name} 缺少 unit（如“元/人·月”，无单位写 ""）`);
    if (!isRecord(raw.values) || Object.keys(raw.values).length === 0)
      fail([name, 'values'], `参数 ${name} 缺少 values：按地区代码列出带日期的取值`);
    const values = new Map<string, ParameterValue[]>();
    for (const [region, list] of Object.entries(raw.values as Record<string, unknown>)) {
      const at = [name, 'values', region];
      if (region !== NATIONAL && areaCodeProblem(region) !== undefined)
        fail(
          at,
          `地区“${region}”不是 CN 或区划代码前缀（2、4、6、9 或 12 位）：${areaCodeProblem(region) ?? ''}`,
        );
      if (!Array.isArray(list) || list.length === 0) return fail(at, `地区 ${region} 下应为取值列表`);
      const parsed: ParameterValue[] = list.map((entry: unknown, index) => {
        const where = [...at, index];
        if (!isRecord(entry)) return fail(where, '每个取值应为映射：from、value、ref、checked');
        for (const key of Object.keys(entry))
          if (!VALUE_KEYS.has(key))
            fail([...where, key], `未知字段“${key}”；可用字段：${[...VALUE_KEYS].join('、')}`);
        const from = dateText(entry.from) ?? fail([...where, 'from'], 'from 应为生效日期 YYYY-MM-DD');
        const checked =
          dateText(entry.checked) ?? fail([...where, 'checked'], 'checked 应为最近核对日期 YYYY-MM-DD');
        if (!typeMatches(type, entry.value))
          fail([...where, 'value'], `value 应为 ${type}，实际为 ${JSON.stringify(entry.value)}`);
        if (typeof entry.ref !== 'string' || entry.ref.trim() === '')
          fail([...where, 'ref'], 'ref 应写明依据（文件名称与文号）');
        if (entry.confirmed !== undefined && typeof entry.confirmed !== 'boolean')
          fail([...where, 'confirmed'], 'confirmed 应为 true 或 false（待官方核实的取值写 false）');
        return {
          region,
          from,
          value: entry.value as ParameterScalar,
          ref: String(entry.ref),
          checked,
          confirmed: entry.confirmed !== false,
        };
      });
      parsed.forEach((v, i) => {
        const previous = parsed[i - 1];
        if (previous && previous.from >= v.from)
          fail([...at, i, 'from'], `地区 ${region} 的取值应按 from 递增排列，且同一天只能有一个取值`);
      });
      values.set(region, parsed);
    }
    out.push({
      name,
      label: label as { zh: string; en: string },
      description: typeof raw.description === 'string' ? raw.description : null,
      unit: raw.unit as string,
      type,
      values,
      file,
      line: source.lineOf([name]),
    });
  }
  return out;
}

/** Loads every `*.yaml` of the parameters folder; one bad file or a name defined twice refuses the set. */
export function loadParameters(dir: string = defaultParametersDir): ParameterSet {
  const all: ParameterDefinition[] = [];
  const seen = new Map<string, ParameterDefinition>();
  for (const name of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const source = parseYamlSource(name, fs.readFileSync(path.join(dir, name), 'utf8'));
    for (const definition of buildParameterDefinitions(source)) {
      const before = seen.get(definition.name);
      if (before)
        throw new Error(
          `${name}:${String(definition.line)}: 参数 ${definition.name} 已在 ${before.file}:${String(before.line)} 定义；一个参数只能定义一次`,
        );
      seen.set(definition.name, definition);
      all.push(definition);
    }
  }
  return new ParameterSet(all);
}
